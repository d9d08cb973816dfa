//! Fixed sample inputs for the charts: the snapshot tests, the benchmark and
//! previews draw these. Deterministic (no randomness), synthetic numbers.

use super::{Cell, ItemBar, Overview, OverviewTeam, RoundDetail, Trend, TrendRound, TrendValue};
use crate::domain::stats::Shares;

/// A deterministic wobble in −1..1 (no RNG, so snapshots stay fixed).
fn wobble(i: usize, salt: usize) -> f64 {
    let x = ((i * 7919 + salt * 104_729) % 1000) as f64 / 1000.0;
    (x * std::f64::consts::TAU).sin()
}

/// A team's trend over `rounds` rounds of a 7-point survey: flat for the
/// first ~60 %, then an upward shift; every 9th round hidden, the
/// organisation's line beside it. With 12 rounds, monthly titles; otherwise
/// weekly ones.
pub fn trend(rounds: usize, subject: &str) -> Trend {
    let shift_from = rounds * 3 / 5;
    let mut out = Vec::with_capacity(rounds);
    let mut org = Vec::with_capacity(rounds);
    for i in 0..rounds {
        let label = if rounds <= 12 {
            format!("Pulse 2026-{:02}", i + 1)
        } else {
            format!("Week {}-{:02}", 2026 + i / 52, i % 52 + 1)
        };
        let value = if i % 9 == 4 {
            TrendValue::Hidden
        } else {
            let base = if i >= shift_from && rounds > 12 {
                5.3
            } else {
                4.7
            };
            let mean = base + 0.25 * wobble(i, 1);
            let n = 6 + ((i * 5) % 9) as u32;
            let half = 1.6 / (n as f64).sqrt();
            TrendValue::Released {
                mean,
                ci: [mean - half, mean + half],
                n,
            }
        };
        out.push(TrendRound { label, value });
        org.push(Some(4.9 + 0.08 * wobble(i, 2)));
    }
    Trend::new(
        "Totaalscore",
        "Psychologische veiligheid",
        subject,
        7,
        out,
        Some(org),
    )
}

/// One round of the 7-item psychological-safety survey, strengths first,
/// one reversed statement and one hidden item.
pub fn round_detail(title: &str) -> RoundDetail {
    let items = [
        (
            "In dit team kan ik om hulp vragen.",
            false,
            5.9,
            (0.05, 0.15, 0.80),
        ),
        (
            "Niemand in dit team zou bewust mijn werk ondermijnen.",
            false,
            5.6,
            (0.08, 0.20, 0.72),
        ),
        (
            "Mijn unieke vaardigheden en talenten worden gewaardeerd en benut.",
            false,
            5.1,
            (0.15, 0.30, 0.55),
        ),
        (
            "Als je in dit team een fout maakt, wordt dat vaak tegen je gebruikt.",
            true,
            4.6,
            (0.25, 0.30, 0.45),
        ),
        (
            "Het is veilig om in dit team een risico te nemen.",
            false,
            4.2,
            (0.35, 0.30, 0.35),
        ),
        (
            "Teamleden kunnen problemen en lastige kwesties aankaarten.",
            false,
            0.0,
            (0.0, 0.0, 0.0),
        ),
        (
            "Ik houd hier soms mijn mond om gedoe te voorkomen.",
            true,
            3.4,
            (0.52, 0.23, 0.25),
        ),
    ];
    RoundDetail {
        title: title.to_string(),
        points: 7,
        items: items
            .iter()
            .enumerate()
            .map(|(i, &(text, reverse, mean, (u, n, f)))| {
                let hidden = i == 5;
                ItemBar {
                    text: text.to_string(),
                    reverse,
                    mean: (!hidden).then_some(mean),
                    shares: (!hidden).then_some(Shares {
                        unfavourable: u,
                        neutral: n,
                        favourable: f,
                    }),
                }
            })
            .collect(),
    }
}

/// `departments` departments with `teams_per` teams each (the first team of
/// the second department named `Team <b>X</b>`), `rounds` weekly rounds, the
/// last one open; small teams hidden now and then.
pub fn overview(departments: usize, teams_per: usize, rounds: usize) -> Overview {
    let mut teams = Vec::new();
    let mut cells = Vec::new();
    for d in 0..departments {
        teams.push(OverviewTeam {
            name: format!("Afdeling {}", d + 1),
            depth: 0,
        });
        cells.push(row(d * 100, rounds, false));
        for t in 0..teams_per {
            let name = if d == 1 && t == 0 {
                "Team <b>X</b>".to_string()
            } else {
                format!("Team {}.{}", d + 1, t + 1)
            };
            teams.push(OverviewTeam { name, depth: 1 });
            cells.push(row(d * 100 + t + 1, rounds, t % 4 == 3));
        }
    }
    Overview {
        teams,
        rounds: (0..rounds)
            .map(|r| format!("Week {}-{:02}", 2026 + r / 52, r % 52 + 1))
            .collect(),
        cells,
        points: 7,
    }
}

fn row(seed: usize, rounds: usize, small: bool) -> Vec<Cell> {
    (0..rounds)
        .map(|r| {
            if r + 1 == rounds {
                Cell::Open
            } else if seed % 7 == 5 && r < 3 {
                Cell::Empty
            } else if small && (r + seed).is_multiple_of(3) {
                Cell::Hidden
            } else {
                let level = 3.2 + 2.6 * ((seed % 11) as f64 / 10.0);
                Cell::Score((level + 0.35 * wobble(r, seed)).clamp(1.0, 7.0))
            }
        })
        .collect()
}
