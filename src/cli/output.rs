//! Readable and CSV renderings of released results for the CLI, from the
//! typed values of [`crate::report`].

use std::fmt::Write;

use super::links::csv_field;
use crate::domain::results::{Figure, Part, Released};
use crate::domain::stats::Change;
use crate::report::{Comments, TeamRound, View, Withheld};

/// Why anything is hidden: one sentence for every cause, so the words never
/// tell whether a hidden group had fewer than k.
const HIDDEN: &str = "fewer than k answered, or showing it would reveal a smaller group";

/// What a reversed statement's favourable share means.
const REVERSED: &str = "reversed: disagreeing is favourable";

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn change(c: Option<&Change>) -> String {
    match c {
        Some(c) if c.within_noise => format!("{:+.2} (within noise)", c.delta),
        Some(c) => format!("{:+.2}", c.delta),
        None => String::new(),
    }
}

fn figure_line(label: &str, f: &Figure) -> String {
    format!(
        "{label:<28} n {:>4}  mean {:>4.2}  95% [{:.2}, {:.2}]  unfavourable {:>4} neutral {:>4} favourable {:>4}  {}",
        f.n,
        f.mean,
        f.ci[0],
        f.ci[1],
        pct(f.shares.unfavourable),
        pct(f.shares.neutral),
        pct(f.shares.favourable),
        change(f.change.as_ref()),
    )
    .trim_end()
    .to_string()
}

/// One block per group: status, then figures when released.
pub fn results_table(results: &[TeamRound]) -> String {
    let mut out = String::new();
    if let Some(first) = results.first() {
        table_heading(&mut out, results, first);
    }
    for v in results {
        let team = format!("{} ({})", v.team.name, v.team.id);
        match &v.view {
            View::Released {
                result, comments, ..
            } => {
                released_block(&mut out, &team, v, result, comments.as_ref());
            }
            View::Suppressed => {
                let _ = writeln!(out, "{team}: suppressed ({HIDDEN})");
            }
            View::Pending => {
                let _ = writeln!(out, "{team}: pending (not yet released by the advisor)");
            }
            View::Open { k_reached } => {
                let reached = if *k_reached {
                    "k reached"
                } else {
                    "fewer than k so far"
                };
                let _ = writeln!(
                    out,
                    "{team}: open ({reached}; results after the round closes)"
                );
            }
        }
        out.push('\n');
    }
    out
}

/// The round, its survey, k and scale, and how to read the figures when any
/// group is released.
fn table_heading(out: &mut String, results: &[TeamRound], first: &TeamRound) {
    let r = &first.round;
    let scale = results
        .iter()
        .find_map(TeamRound::scale_points)
        .map(|p| format!(", scale 1–{p}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "round {} {:?} (survey {}, k = {}{scale})",
        r.id, r.title, r.survey, first.k
    );
    if results.iter().any(|v| v.released().is_some()) {
        let _ = writeln!(
            out,
            "means and shares after reverse-scoring (higher is better); shares in three bands: unfavourable, neutral, favourable"
        );
    }
    out.push('\n');
}

/// A released group: respondents, the overall figure, agreement, a line per
/// dimension and item, then its comments.
fn released_block(
    out: &mut String,
    team: &str,
    v: &TeamRound,
    result: &Released,
    comments: Option<&Comments>,
) {
    let _ = writeln!(
        out,
        "{team}: released, {} respondents{}",
        result.respondents,
        result
            .participation_band
            .as_deref()
            .map(|b| format!(", participation {b}"))
            .unwrap_or_default()
    );
    let _ = writeln!(out, "  {}", figure_line("overall", &result.overall));
    if let Some(a) = result.agreement.filter(|a| a.views_differ) {
        let _ = writeln!(out, "  views differ (rwg(j) = {:.2})", a.rwg_j);
    }
    for (kind, list) in [("dimension", &result.dimensions), ("item", &result.items)] {
        for p in list {
            let label = format!("{kind} {}", p.id());
            match p {
                Part::Released { id, figure } => {
                    let mut line = figure_line(&label, figure);
                    if kind == "item" && v.is_reversed(id) {
                        line = format!("{line}  ({REVERSED})");
                    }
                    let _ = writeln!(out, "  {line}");
                }
                Part::Suppressed { .. } => {
                    let _ = writeln!(out, "  {label:<28} suppressed ({HIDDEN})");
                }
            }
        }
    }
    if let Some(comments) = comments {
        comments_lines(out, comments);
    }
}

/// The comments of a released group, or why they are withheld.
fn comments_lines(out: &mut String, comments: &Comments) {
    if !comments.list.is_empty() {
        let _ = writeln!(out, "  comments (shuffled):");
        for line in &comments.list {
            let _ = writeln!(out, "    - {line}");
        }
    }
    match comments.withheld {
        Some(Withheld::RollUp) => {
            let _ = writeln!(
                out,
                "  comments withheld: they are shown with the teams, not for a roll-up"
            );
        }
        Some(Withheld::TooFewRespondents { min_respondents }) => {
            let _ = writeln!(
                out,
                "  comments withheld: shown only when at least {min_respondents} people answered"
            );
        }
        None => {}
    }
}

/// Released aggregates only: one row per group and figure; a suppressed
/// group or part is a row without numbers. Means and shares are after
/// reverse-scoring; `scale_points` is the scale the means are on, and
/// `reversed` marks a reverse-scored statement (its favourable share is the
/// share that disagreed with it as worded).
pub fn export_csv(results: &[TeamRound]) -> String {
    let mut out = String::from(
        "round,team_id,team,status,level,id,n,mean,ci_low,ci_high,unfavourable,neutral,favourable,change,within_noise,scale_points,reversed\n",
    );
    for v in results {
        let prefix = format!(
            "{},{},{}",
            v.round.id,
            csv_field(&v.team.id),
            csv_field(&v.team.name)
        );
        let (result, scale_points) = match &v.view {
            View::Released {
                result,
                scale_points,
                ..
            } => (result, scale_points),
            View::Suppressed => {
                let _ = writeln!(out, "{prefix},suppressed,group,,,,,,,,,,,,");
                continue;
            }
            View::Open { .. } => {
                let _ = writeln!(out, "{prefix},open,group,,,,,,,,,,,,");
                continue;
            }
            View::Pending => {
                let _ = writeln!(out, "{prefix},pending,group,,,,,,,,,,,,");
                continue;
            }
        };
        let mut row = |level: &str, id: &str, f: Option<&Figure>| {
            let Some(f) = f else {
                let _ = writeln!(
                    out,
                    "{prefix},suppressed,{level},{},,,,,,,,,,,",
                    csv_field(id)
                );
                return;
            };
            let fmt = |x: f64| format!("{x:.4}");
            let reversed = if level == "item" {
                v.is_reversed(id).to_string()
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "{prefix},released,{level},{},{},{},{},{},{},{},{},{},{},{scale_points},{reversed}",
                csv_field(id),
                f.n,
                fmt(f.mean),
                fmt(f.ci[0]),
                fmt(f.ci[1]),
                fmt(f.shares.unfavourable),
                fmt(f.shares.neutral),
                fmt(f.shares.favourable),
                f.change.map(|c| fmt(c.delta)).unwrap_or_default(),
                f.change
                    .map(|c| c.within_noise.to_string())
                    .unwrap_or_default(),
            );
        };
        row("overall", "", Some(&result.overall));
        for (level, list) in [("dimension", &result.dimensions), ("item", &result.items)] {
            for p in list {
                row(level, p.id(), p.figure());
            }
        }
    }
    out
}
