//! Readable and CSV renderings of the API's result JSON for the CLI.

use std::fmt::Write;

use serde_json::Value;

use super::links::csv_field;

/// Why anything is hidden: one sentence for every cause, so the words never
/// tell whether a hidden group had fewer than k.
const HIDDEN: &str = "fewer than k answered, or showing it would reveal a smaller group";

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn pct(v: &Value) -> String {
    num(v)
        .map(|x| format!("{:.0}%", x * 100.0))
        .unwrap_or_default()
}

fn change(v: &Value) -> String {
    match (num(&v["delta"]), v["within_noise"].as_bool()) {
        (Some(d), Some(true)) => format!("{d:+.2} (within noise)"),
        (Some(d), Some(false)) => format!("{d:+.2}"),
        _ => String::new(),
    }
}

/// What a reversed statement's favourable share means.
const REVERSED: &str = "reversed: disagreeing is favourable";

/// Whether a released result marks the item as reverse-scored.
fn is_reversed(v: &Value, id: &str) -> bool {
    v["reversed_items"]
        .as_array()
        .is_some_and(|ids| ids.iter().any(|x| x == id))
}

fn figure_line(label: &str, f: &Value) -> String {
    format!(
        "{label:<28} n {:>4}  mean {:>4.2}  95% [{:.2}, {:.2}]  unfavourable {:>4} neutral {:>4} favourable {:>4}  {}",
        f["n"].as_u64().unwrap_or(0),
        num(&f["mean"]).unwrap_or(0.0),
        num(&f["ci"][0]).unwrap_or(0.0),
        num(&f["ci"][1]).unwrap_or(0.0),
        pct(&f["shares"]["unfavourable"]),
        pct(&f["shares"]["neutral"]),
        pct(&f["shares"]["favourable"]),
        change(&f["change"]),
    )
    .trim_end()
    .to_string()
}

/// One block per group: status, then figures when released.
pub fn results_table(results: &[Value]) -> String {
    let mut out = String::new();
    if let Some(first) = results.first() {
        let r = &first["round"];
        let scale = results
            .iter()
            .find_map(|v| v["scale_points"].as_u64())
            .map(|p| format!(", scale 1–{p}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "round {} {:?} (survey {}, k = {}{scale})",
            r["id"],
            r["title"].as_str().unwrap_or(""),
            r["survey"].as_str().unwrap_or(""),
            first["k"]
        );
        if results.iter().any(|v| v["status"] == "released") {
            let _ = writeln!(
                out,
                "means and shares after reverse-scoring (higher is better); shares in three bands: unfavourable, neutral, favourable"
            );
        }
        out.push('\n');
    }
    for v in results {
        let team = format!(
            "{} ({})",
            v["team"]["name"].as_str().unwrap_or(""),
            v["team"]["id"].as_str().unwrap_or("")
        );
        match v["status"].as_str() {
            Some("released") => {
                let _ = writeln!(
                    out,
                    "{team}: released, {} respondents{}",
                    v["respondents"],
                    v["participation_band"]
                        .as_str()
                        .map(|b| format!(", participation {b}"))
                        .unwrap_or_default()
                );
                let _ = writeln!(out, "  {}", figure_line("overall", &v["overall"]));
                if v["agreement"]["views_differ"].as_bool() == Some(true) {
                    let _ = writeln!(
                        out,
                        "  views differ (rwg(j) = {:.2})",
                        num(&v["agreement"]["rwg_j"]).unwrap_or(0.0)
                    );
                }
                for (kind, list) in [("dimension", &v["dimensions"]), ("item", &v["items"])] {
                    for p in list.as_array().into_iter().flatten() {
                        let label = format!("{kind} {}", p["id"].as_str().unwrap_or(""));
                        if p["status"] == "released" {
                            let mut line = figure_line(&label, p);
                            if kind == "item" && is_reversed(v, p["id"].as_str().unwrap_or("")) {
                                line = format!("{line}  ({REVERSED})");
                            }
                            let _ = writeln!(out, "  {line}");
                        } else {
                            let _ = writeln!(out, "  {label:<28} suppressed ({HIDDEN})");
                        }
                    }
                }
                if let Some(c) = v["comments"].as_array().filter(|c| !c.is_empty()) {
                    let _ = writeln!(out, "  comments (shuffled):");
                    for line in c {
                        let _ = writeln!(out, "    - {}", line.as_str().unwrap_or(""));
                    }
                }
                let withheld = &v["comments_withheld"];
                match (
                    withheld["reason"].as_str(),
                    withheld["min_respondents"].as_u64(),
                ) {
                    (Some("roll_up"), _) => {
                        let _ = writeln!(
                            out,
                            "  comments withheld: they are shown with the teams, not for a roll-up"
                        );
                    }
                    (Some(_), Some(min)) => {
                        let _ = writeln!(
                            out,
                            "  comments withheld: shown only when at least {min} people answered"
                        );
                    }
                    _ => {}
                }
            }
            Some("suppressed") => {
                let _ = writeln!(out, "{team}: suppressed ({HIDDEN})");
            }
            Some("open") => {
                let reached = if v["k_reached"].as_bool() == Some(true) {
                    "k reached"
                } else {
                    "fewer than k so far"
                };
                let _ = writeln!(
                    out,
                    "{team}: open ({reached}; results after the round closes)"
                );
            }
            _ => {}
        }
        out.push('\n');
    }
    out
}

/// Released aggregates only: one row per group and figure; a suppressed
/// group or part is a row without numbers. Means and shares are after
/// reverse-scoring; `scale_points` is the scale the means are on, and
/// `reversed` marks a reverse-scored statement (its favourable share is the
/// share that disagreed with it as worded).
pub fn export_csv(results: &[Value]) -> String {
    let mut out = String::from(
        "round,team_id,team,status,level,id,n,mean,ci_low,ci_high,unfavourable,neutral,favourable,change,within_noise,scale_points,reversed\n",
    );
    for v in results {
        let prefix = format!(
            "{},{},{}",
            v["round"]["id"],
            csv_field(v["team"]["id"].as_str().unwrap_or("")),
            csv_field(v["team"]["name"].as_str().unwrap_or(""))
        );
        let status = v["status"].as_str().unwrap_or("");
        if status != "released" {
            let _ = writeln!(out, "{prefix},{status},group,,,,,,,,,,,,");
            continue;
        }
        let mut row = |level: &str, id: &str, f: &Value| {
            if f["status"].as_str() == Some("suppressed") {
                let _ = writeln!(
                    out,
                    "{prefix},suppressed,{level},{},,,,,,,,,,,",
                    csv_field(id)
                );
                return;
            }
            let fmt = |x: &Value| num(x).map(|x| format!("{x:.4}")).unwrap_or_default();
            let reversed = if level == "item" {
                is_reversed(v, id).to_string()
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "{prefix},released,{level},{},{},{},{},{},{},{},{},{},{},{},{reversed}",
                csv_field(id),
                f["n"],
                fmt(&f["mean"]),
                fmt(&f["ci"][0]),
                fmt(&f["ci"][1]),
                fmt(&f["shares"]["unfavourable"]),
                fmt(&f["shares"]["neutral"]),
                fmt(&f["shares"]["favourable"]),
                fmt(&f["change"]["delta"]),
                f["change"]["within_noise"]
                    .as_bool()
                    .map(|b| b.to_string())
                    .unwrap_or_default(),
                v["scale_points"],
            );
        };
        row("overall", "", &v["overall"]);
        for (level, list) in [("dimension", &v["dimensions"]), ("item", &v["items"])] {
            for p in list.as_array().into_iter().flatten() {
                row(level, p["id"].as_str().unwrap_or(""), p);
            }
        }
    }
    out
}
