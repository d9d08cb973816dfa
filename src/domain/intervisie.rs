//! Beyond one conversation (pure): how a team moved in a round, by the
//! run-chart rule and the change rule, and which teams are bright spots.
//! Values in, values out: one released overall score per round of one
//! survey, `None` where nothing was released.

use super::runchart::{self, Direction, Verdict};
use super::stats::Change;

/// How a team moved up to a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Movement {
    /// The run-chart rule signals a sustained upward shift.
    UpwardShift,
    /// The run-chart rule signals a sustained downward shift.
    DownwardShift,
    /// Too few rounds for the run-chart rule; the score rose beyond noise
    /// since the previous round.
    Rose,
    /// Likewise, fell beyond noise.
    Fell,
    /// Neither rule signals a change.
    NoSignal,
    /// The first released round: nothing to compare with yet.
    First,
}

impl Movement {
    /// Every movement, in the order a sheet lists them.
    pub const ALL: [Movement; 6] = [
        Movement::NoSignal,
        Movement::UpwardShift,
        Movement::Rose,
        Movement::DownwardShift,
        Movement::Fell,
        Movement::First,
    ];
}

/// How the last value of `values` (which must be released) moved: the
/// run-chart verdict over the whole series when it has one, else the change
/// rule against the previous released round (`change`, as stored with the
/// result: none for a first round).
pub fn movement(values: &[Option<f64>], change: Option<&Change>) -> Movement {
    match runchart::analyse(values).verdict {
        Verdict::Shift {
            direction: Direction::Up,
            ..
        } => Movement::UpwardShift,
        Verdict::Shift {
            direction: Direction::Down,
            ..
        } => Movement::DownwardShift,
        Verdict::NoSignal => Movement::NoSignal,
        Verdict::TooEarly => match change {
            None => Movement::First,
            Some(c) if c.within_noise => Movement::NoSignal,
            Some(c) if c.delta > 0.0 => Movement::Rose,
            Some(_) => Movement::Fell,
        },
    }
}

/// How many teams moved each way, in the order of [`Movement::ALL`],
/// leaving out movements no team made.
pub fn tally(movements: &[Movement]) -> Vec<(Movement, usize)> {
    Movement::ALL
        .iter()
        .map(|m| (*m, movements.iter().filter(|x| *x == m).count()))
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// Why a team is a bright spot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Bright {
    /// A sustained upward shift by the run-chart rule, since this round
    /// (an index into the series).
    pub upward_since: Option<usize>,
    /// In the top quarter of the released teams in each of the last three
    /// rounds.
    pub top_quarter: bool,
}

/// Rounds a level must hold in the top quarter.
pub const TOP_ROUNDS: usize = 3;
/// Fewest released teams in a round for a top quarter to mean anything.
pub const TOP_MIN_TEAMS: usize = 4;

/// The bright spots among teams: `series[t][r]` is team `t`'s released
/// score in round `r` of one survey (the same rounds for every team, in
/// time order). Returns the teams with their reasons, in input order.
pub fn bright_spots(series: &[Vec<Option<f64>>]) -> Vec<(usize, Bright)> {
    let rounds = series.iter().map(Vec::len).max().unwrap_or(0);
    let last: Vec<usize> = (rounds.saturating_sub(TOP_ROUNDS)..rounds).collect();
    // Per round of the last three, the lowest score still in the top quarter.
    let cut: Vec<Option<f64>> = last
        .iter()
        .map(|&r| {
            let mut released: Vec<f64> = series
                .iter()
                .filter_map(|s| s.get(r).copied().flatten())
                .filter(|v| v.is_finite())
                .collect();
            if released.len() < TOP_MIN_TEAMS {
                return None;
            }
            released.sort_by(|a, b| b.total_cmp(a));
            let top = released.len().div_ceil(4);
            Some(released[top - 1])
        })
        .collect();
    let mut out = Vec::new();
    for (t, s) in series.iter().enumerate() {
        let upward_since = match runchart::analyse(s).verdict {
            Verdict::Shift {
                direction: Direction::Up,
                since,
            } => Some(since),
            _ => None,
        };
        let top_quarter = last.len() == TOP_ROUNDS
            && last.iter().zip(&cut).all(
                |(&r, c)| matches!((s.get(r).copied().flatten(), c), (Some(v), Some(c)) if v >= *c),
            );
        if upward_since.is_some() || top_quarter {
            out.push((
                t,
                Bright {
                    upward_since,
                    top_quarter,
                },
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(delta: f64, within_noise: bool) -> Change {
        Change {
            delta,
            within_noise,
        }
    }

    #[test]
    fn movement_uses_the_run_chart_then_the_change_rule() {
        let flat: Vec<Option<f64>> = [2.9, 3.2, 2.8, 3.1, 2.9, 3.2, 2.8, 3.1, 2.9, 3.2, 2.8, 3.1]
            .iter()
            .map(|v| Some(*v))
            .collect();
        assert_eq!(movement(&flat, None), Movement::NoSignal);
        let mut up = flat[..6].to_vec();
        up.extend([Some(3.8); 8]);
        assert_eq!(movement(&up, None), Movement::UpwardShift);
        let down: Vec<Option<f64>> = up.iter().map(|v| v.map(|x| 6.0 - x)).collect();
        assert_eq!(movement(&down, None), Movement::DownwardShift);
        let short = [Some(3.0), Some(3.6)];
        assert_eq!(movement(&short, Some(&change(0.6, false))), Movement::Rose);
        assert_eq!(movement(&short, Some(&change(-0.6, false))), Movement::Fell);
        assert_eq!(
            movement(&short, Some(&change(0.1, true))),
            Movement::NoSignal
        );
        assert_eq!(movement(&short[..1], None), Movement::First);
    }

    #[test]
    fn tally_counts_in_a_fixed_order() {
        let t = tally(&[
            Movement::Rose,
            Movement::NoSignal,
            Movement::NoSignal,
            Movement::UpwardShift,
        ]);
        assert_eq!(
            t,
            vec![
                (Movement::NoSignal, 2),
                (Movement::UpwardShift, 1),
                (Movement::Rose, 1)
            ]
        );
    }

    #[test]
    fn top_quarter_needs_three_rounds_and_four_released_teams() {
        let s = |v: [Option<f64>; 3]| v.to_vec();
        let series = vec![
            s([Some(4.5), Some(4.4), Some(4.6)]),
            s([Some(3.0), Some(3.1), Some(3.0)]),
            s([Some(3.2), Some(3.3), Some(3.1)]),
            s([Some(3.5), Some(4.0), Some(3.4)]),
            s([Some(2.9), None, Some(2.8)]),
        ];
        let b = bright_spots(&series);
        assert_eq!(b.len(), 1, "{b:?}");
        assert_eq!(b[0].0, 0);
        assert!(b[0].1.top_quarter && b[0].1.upward_since.is_none());
        // A hidden round breaks the run of three.
        let mut gap = series.clone();
        gap[0][1] = None;
        assert!(bright_spots(&gap).iter().all(|(t, _)| *t != 0));
        // Three released teams are too few for a top quarter.
        assert!(bright_spots(&series[..3]).is_empty());
        // Two rounds are too few.
        let two: Vec<Vec<Option<f64>>> = series.iter().map(|v| v[1..].to_vec()).collect();
        assert!(bright_spots(&two).is_empty());
    }

    #[test]
    fn a_sustained_upward_shift_is_a_bright_spot() {
        let mut rising: Vec<Option<f64>> = [2.9, 3.0, 3.1, 3.0, 2.9, 3.1]
            .iter()
            .map(|v| Some(*v))
            .collect();
        rising.extend([3.8, 3.9, 3.8, 3.9, 3.8, 3.9, 3.8, 3.9].map(Some));
        let flat: Vec<Option<f64>> = (0..14)
            .map(|i| Some(3.0 + f64::from(i % 2) * 0.2))
            .collect();
        let b = bright_spots(&[flat, rising]);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].0, 1);
        assert_eq!(b[0].1.upward_since, Some(6));
    }
}
