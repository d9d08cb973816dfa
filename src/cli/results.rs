//! `spiegel results` and `spiegel export`: a round's released figures as an
//! advisor sees them, as a table, JSON or CSV.

use std::path::PathBuf;

use anyhow::bail;

use super::{ExportFormat, Global, outfile, output};
use crate::domain::access::Principal;
use crate::report;
use crate::storage::{self, StorageError};

pub fn results(g: &Global, round: i64, team: Option<String>, json: bool) -> anyhow::Result<()> {
    let conn = g.open()?;
    let results = report_results(&conn, round, team.as_deref())?;
    if json {
        let text = match (&team, results.as_slice()) {
            (Some(_), [one]) => serde_json::to_string_pretty(one)?,
            _ => serde_json::to_string_pretty(&results)?,
        };
        println!("{text}");
    } else {
        print!("{}", output::results_table(&results));
    }
    Ok(())
}

pub fn export(
    g: &Global,
    round: i64,
    format: ExportFormat,
    out: Option<PathBuf>,
) -> anyhow::Result<()> {
    let sink = outfile::Output::create(out.as_deref())?;
    let conn = g.open()?;
    let r = storage::round(&conn, round)?;
    if r.closed_on.is_none() {
        bail!(
            "round {round} is still open; results exist only after `spiegel round close {round}`"
        );
    }
    let results = report_results(&conn, round, None)?;
    let body = match format {
        ExportFormat::Csv => output::export_csv(&results),
    };
    sink.finish(body.as_bytes())?;
    if let Some(path) = out {
        println!(
            "wrote released aggregates of round {round} to {}",
            path.display()
        );
    }
    Ok(())
}

/// Every group's result in a round (or one group's), as an advisor sees it.
fn report_results(
    conn: &rusqlite::Connection,
    round: i64,
    team: Option<&str>,
) -> anyhow::Result<Vec<report::TeamRound>> {
    let r = storage::round(conn, round)?;
    let ids: Vec<String> = match team {
        Some(t) if t == report::ORGANISATION_ID => vec![t.to_string()],
        Some(t) => vec![storage::team(conn, t)?.id],
        None => {
            let mut ids = vec![report::ORGANISATION_ID.to_string()];
            ids.extend(storage::teams(conn)?.into_iter().map(|t| t.id));
            ids
        }
    };
    let mut out = Vec::new();
    for id in ids {
        match report::team_round(conn, Principal::Advisor, &id, r.id) {
            Ok(v) => out.push(v),
            Err(StorageError::NotFound { .. }) if team.is_none() => {}
            Err(StorageError::NotFound { .. }) => {
                bail!("{id} does not take part in round {round}")
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(out)
}

/// `spiegel results --bright-spots`: the teams where it goes well, as the
/// advisor's overview lists them, with what their manager tried.
pub fn bright_spots(g: &Global, json: bool) -> anyhow::Result<()> {
    use crate::web::intervisie::{self, bright_reason, tried_words};
    let conn = g.open()?;
    let lang = crate::domain::lang::Lang::En;
    let spots = intervisie::bright_spots(&conn, Principal::Advisor, lang)?;
    if json {
        let list: Vec<serde_json::Value> = spots
            .iter()
            .map(|b| {
                serde_json::json!({
                    "team": { "id": b.team_id, "name": b.team_name },
                    "survey": b.survey,
                    "upward_since": b.upward_since,
                    "top_quarter": b.top_quarter,
                    "tried": b.tried.as_ref().map(|t| serde_json::json!({
                        "dimension": t.dimension,
                        "experiment": t.experiment,
                        "round": t.round,
                    })),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    if spots.is_empty() {
        println!(
            "no bright spots yet: no team has a sustained upward shift or three rounds in the \
             top quarter of released teams"
        );
    }
    for b in &spots {
        println!("{}: {}", b.team_name, bright_reason(b, lang));
        match &b.tried {
            Some(t) => println!("  {}", tried_words(t, lang)),
            None => println!("  (no focus recorded yet)"),
        }
    }
    Ok(())
}
