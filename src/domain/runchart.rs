//! Run-chart rules (Anhøj & Olesen 2014): is a trend a shift, or only
//! variation? Pure, no I/O.
//!
//! # The rule as applied here
//!
//! * The input is one value per round of one survey, in time order; `None`
//!   for a round without a released value (suppressed, open, pending). Such
//!   rounds are left out: the points before and after them are neighbours for
//!   runs and crossings. Indices in the result refer to the input slice.
//! * **Centre line**: the median of the first [`FREEZE_AFTER`] released values
//!   (of all of them while there are fewer), so that a later shift does not
//!   drag the centre line along with it.
//! * Values exactly on the centre line are not counted; `n` (`useful`) is the
//!   number of values off it.
//! * **Runs**: maximal sequences of consecutive useful values on one side.
//!   Signal when the longest run is longer than `round(log2 n + 3)`
//!   ([`longest_run_limit`]).
//! * **Crossings**: the number of times consecutive useful values lie on
//!   different sides. Signal when it is lower than the 5 % lower quantile of
//!   Binomial(n − 1, ½) ([`crossings_limit`]), computed exactly.
//! * No verdict below [`MIN_USEFUL`] useful values: too early to tell.
//! * **Direction and start of a shift**: the run that carries the signal is
//!   the longest run (the most recent one when several are equally long),
//!   also when only the crossings rule fires. Its side gives the direction
//!   (above the centre line: upward) and its first value gives `since`.

/// Useful values needed before any verdict.
pub const MIN_USEFUL: usize = 10;

/// The centre line is the median of at most this many first released values.
pub const FREEZE_AFTER: usize = 12;

/// Which way a shift goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

/// What the rules say about the series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Fewer than [`MIN_USEFUL`] useful values.
    TooEarly,
    /// Neither rule fires: only common-cause variation.
    NoSignal,
    /// A run or crossings signal. `since` is the input index of the first
    /// value of the run that carries it (see the module documentation).
    Shift { direction: Direction, since: usize },
}

/// The run-chart analysis of one series.
#[derive(Debug, Clone, PartialEq)]
pub struct RunChart {
    /// The centre line; `None` when no value was released.
    pub median: Option<f64>,
    /// How many released values the median was taken from (≤ [`FREEZE_AFTER`]).
    pub baseline: usize,
    /// Released values not on the centre line (`n`).
    pub useful: usize,
    /// Length of the longest run on one side of the centre line.
    pub longest_run: usize,
    /// Number of times the series crosses the centre line.
    pub crossings: usize,
    /// A run longer than this signals a shift (for this `useful`).
    pub run_limit: usize,
    /// Fewer crossings than this signal a shift (for this `useful`).
    pub crossings_limit: usize,
    pub verdict: Verdict,
}

/// `round(log2 n + 3)`: the longest run must be longer than this to signal.
/// 0 for `n = 0`.
pub fn longest_run_limit(n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    ((n as f64).log2() + 3.0).round() as usize
}

/// The 5 % lower quantile of Binomial(n − 1, ½): the smallest `c` with
/// P(X ≤ c) ≥ 0.05. Fewer crossings than this signal. 0 for `n ≤ 1`.
///
/// Exact integer arithmetic up to n − 1 = 122 (20 · 2¹²² fits in a u128);
/// beyond that the cumulative probability is summed in f64 from the
/// log-probabilities, where a tie with 0.05 is impossible (2^m / 20 is never
/// an integer) and the nearest cumulative sums lie far outside f64's error.
pub fn crossings_limit(n: usize) -> usize {
    if n <= 1 {
        return 0;
    }
    let m = n - 1;
    if m <= 122 {
        // Smallest c with 20 · Σ_{k≤c} C(m, k) ≥ 2^m.
        let total: u128 = 1u128 << m;
        let mut coeff: u128 = 1; // C(m, 0)
        let mut cumulative: u128 = 0;
        for k in 0..=m {
            cumulative += coeff;
            if cumulative * 20 >= total {
                return k;
            }
            // C(m, k+1) = C(m, k) · (m − k) / (k + 1), exact in this order.
            coeff = coeff * (m - k) as u128 / (k as u128 + 1);
        }
        m
    } else {
        let mf = m as f64;
        let mut log_p = -mf * std::f64::consts::LN_2; // ln P(X = 0)
        let mut cumulative = 0.0;
        for k in 0..=m {
            cumulative += log_p.exp();
            if cumulative >= 0.05 {
                return k;
            }
            log_p += ((m - k) as f64).ln() - ((k + 1) as f64).ln();
        }
        m
    }
}

/// The median of a non-empty slice (mean of the two middle values for an
/// even length).
fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    })
}

/// Applies the run-chart rules to one series (see the module documentation).
/// Non-finite values count as not released.
pub fn analyse(values: &[Option<f64>]) -> RunChart {
    let released: Vec<(usize, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.filter(|x| x.is_finite()).map(|x| (i, x)))
        .collect();
    let baseline: Vec<f64> = released
        .iter()
        .take(FREEZE_AFTER)
        .map(|&(_, v)| v)
        .collect();
    let centre = median(&baseline);

    // (input index, above the centre line) for every useful value.
    let useful: Vec<(usize, bool)> = match centre {
        Some(c) => released
            .iter()
            .filter(|&&(_, v)| v != c)
            .map(|&(i, v)| (i, v > c))
            .collect(),
        None => Vec::new(),
    };
    let n = useful.len();

    let mut crossings = 0;
    // The longest run: (length, first index, above); the latest wins a tie.
    let mut longest: Option<(usize, usize, bool)> = None;
    let mut run_start = 0; // position in `useful`
    for pos in 0..n {
        let ends_here = pos + 1 == n || useful[pos + 1].1 != useful[pos].1;
        if pos + 1 < n && useful[pos + 1].1 != useful[pos].1 {
            crossings += 1;
        }
        if ends_here {
            let len = pos + 1 - run_start;
            if longest.is_none_or(|(l, _, _)| len >= l) {
                longest = Some((len, useful[run_start].0, useful[run_start].1));
            }
            run_start = pos + 1;
        }
    }
    let longest_run = longest.map_or(0, |(l, _, _)| l);
    let run_limit = longest_run_limit(n);
    let cross_limit = crossings_limit(n);

    let verdict = if n < MIN_USEFUL {
        Verdict::TooEarly
    } else if longest_run > run_limit || crossings < cross_limit {
        match longest {
            Some((_, since, above)) => Verdict::Shift {
                direction: if above {
                    Direction::Up
                } else {
                    Direction::Down
                },
                since,
            },
            None => Verdict::NoSignal,
        }
    } else {
        Verdict::NoSignal
    };

    RunChart {
        median: centre,
        baseline: baseline.len(),
        useful: n,
        longest_run,
        crossings,
        run_limit,
        crossings_limit: cross_limit,
        verdict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some(values: &[f64]) -> Vec<Option<f64>> {
        values.iter().copied().map(Some).collect()
    }

    #[test]
    fn every_published_limit() {
        // Anhøj & Olesen 2014, table: n → longest run > limit, crossings < limit.
        for (n, run, cross) in [
            (10, 6, 2),
            (12, 7, 3),
            (20, 7, 6),
            (24, 8, 8),
            (30, 8, 10),
            (52, 9, 20),
            (100, 10, 41),
        ] {
            assert_eq!(longest_run_limit(n), run, "run limit for n = {n}");
            assert_eq!(crossings_limit(n), cross, "crossings limit for n = {n}");
        }
    }

    #[test]
    fn quantile_is_the_smallest_with_five_percent() {
        // Brute force in f64 for every n the exact path covers.
        for n in 2..=123usize {
            let m = n - 1;
            let mut p = 0.5f64.powi(m as i32);
            let mut cum = 0.0;
            let mut q = m;
            for k in 0..=m {
                cum += p;
                if cum >= 0.05 {
                    q = k;
                    break;
                }
                p = p * (m - k) as f64 / (k + 1) as f64;
            }
            assert_eq!(crossings_limit(n), q, "n = {n}");
        }
        // The log path continues the exact one without a jump.
        let a = crossings_limit(123);
        let b = crossings_limit(124);
        assert!(b == a || b == a + 1, "{a} → {b}");
        // Normal approximation for a long series: (n−1)/2 − 1.645·√(n−1)/2.
        let n = 1000usize;
        let approx = (n as f64 - 1.0) / 2.0 - 1.645 * ((n - 1) as f64).sqrt() / 2.0;
        assert!((crossings_limit(n) as f64 - approx).abs() <= 1.5);
        assert_eq!(crossings_limit(1), 0);
        assert_eq!(longest_run_limit(0), 0);
    }

    #[test]
    fn sustained_upward_shift_is_signalled_from_its_start() {
        // 12 rounds around 4, then 8 rounds clearly higher.
        let mut v = vec![4.1, 3.9, 4.2, 3.8, 4.0, 4.3, 3.7, 4.1, 3.9, 4.2, 3.8, 4.05];
        v.extend([5.0, 5.2, 5.1, 5.3, 5.0, 5.4, 5.2, 5.1]);
        let r = analyse(&some(&v));
        // The median of the first 12 stays put.
        assert_eq!(r.baseline, 12);
        assert!((r.median.unwrap_or(0.0) - 4.025).abs() < 1e-9);
        assert_eq!(r.useful, 20);
        // 4.05 (index 11) is above 4.025 and starts the run with the shift.
        assert_eq!(r.longest_run, 9);
        assert_eq!(
            r.verdict,
            Verdict::Shift {
                direction: Direction::Up,
                since: 11
            }
        );
    }

    #[test]
    fn sustained_downward_shift() {
        let mut v = vec![5.0, 5.2, 4.8, 5.1, 4.9, 5.3, 4.7, 5.0, 5.2, 4.8, 5.1, 4.9];
        v.extend([4.0; 9]);
        let r = analyse(&some(&v));
        match r.verdict {
            Verdict::Shift { direction, since } => {
                assert_eq!(direction, Direction::Down);
                assert_eq!(since, 11, "4.9 at index 11 is already below 5.0");
            }
            other => panic!("expected a downward shift, got {other:?}"),
        }
    }

    #[test]
    fn strictly_alternating_is_no_signal() {
        let v: Vec<f64> = (0..24)
            .map(|i| if i % 2 == 0 { 4.0 } else { 5.0 })
            .collect();
        let r = analyse(&some(&v));
        assert_eq!(r.useful, 24);
        assert_eq!(r.longest_run, 1);
        assert_eq!(r.crossings, 23);
        assert_eq!(r.verdict, Verdict::NoSignal);
    }

    #[test]
    fn nine_useful_points_are_too_early() {
        // A clear jump, but the median 4.0 is taken twice: nine useful.
        let v = some(&[3.0, 3.1, 3.2, 3.3, 4.0, 4.0, 6.0, 6.1, 6.2, 6.3, 6.4]);
        let r = analyse(&v);
        assert_eq!(r.median, Some(4.0));
        assert_eq!(r.useful, 9);
        assert_eq!(r.verdict, Verdict::TooEarly);
        // Ten values, one of them on the median: still nine useful.
        let v = some(&[3.0, 3.1, 3.2, 3.3, 3.4, 5.0, 6.0, 6.1, 6.2, 6.3]);
        // Sorted middle values 3.4 and 5.0: median 4.2, no value on it.
        assert_eq!(analyse(&v).useful, 10);
        let v = some(&[3.0, 3.1, 3.2, 3.3, 4.0, 4.0, 6.0, 6.1, 6.2, 6.3, 4.0]);
        let r = analyse(&v);
        assert_eq!(r.median, Some(4.0));
        assert_eq!(r.useful, 8);
        assert_eq!(r.verdict, Verdict::TooEarly);
    }

    #[test]
    fn points_on_the_median_are_not_counted() {
        // Eleven values, the middle one the median, then on-median values
        // between two runs: they neither break nor extend a run.
        let v = some(&[1.0, 1.0, 1.0, 1.0, 1.0, 5.0, 9.0, 9.0, 9.0, 9.0, 9.0]);
        let r = analyse(&v);
        assert_eq!(r.median, Some(5.0));
        assert_eq!(r.useful, 10);
        assert_eq!(r.longest_run, 5);
        assert_eq!(r.crossings, 1);
        // n = 10: crossings 1 < 2 → signal; the latest longest run is above.
        assert_eq!(
            r.verdict,
            Verdict::Shift {
                direction: Direction::Up,
                since: 6
            }
        );
        // On-median values inside a run do not break it.
        let v = some(&[1.0, 9.0, 1.0, 9.0, 5.0, 9.0, 5.0, 9.0, 5.0, 1.0, 1.0, 5.0]);
        let r = analyse(&v);
        assert_eq!(r.median, Some(5.0));
        assert_eq!(r.useful, 8);
        assert_eq!(r.longest_run, 3, "9 5 9 5 9 is one run of three");
        assert_eq!(r.crossings, 4);
    }

    #[test]
    fn gaps_are_skipped_and_indices_refer_to_the_input() {
        let mut v: Vec<Option<f64>> =
            some(&[4.1, 3.9, 4.2, 3.8, 4.0, 4.3, 3.7, 4.1, 3.9, 4.2, 3.8, 4.05]);
        v.push(None);
        v.extend(some(&[3.0, 3.1, 3.0, 2.9]));
        v.push(None);
        v.extend(some(&[3.0, 3.2, 2.8, 3.1]));
        let r = analyse(&v);
        assert_eq!(r.baseline, 12);
        assert_eq!(r.useful, 20);
        assert_eq!(
            r.verdict,
            Verdict::Shift {
                direction: Direction::Down,
                since: 13
            }
        );
    }

    #[test]
    fn empty_and_non_finite() {
        let r = analyse(&[]);
        assert_eq!(r.median, None);
        assert_eq!(r.verdict, Verdict::TooEarly);
        let r = analyse(&[None, Some(f64::NAN), Some(3.0)]);
        assert_eq!(r.median, Some(3.0));
        assert_eq!(r.useful, 0);
    }
}
