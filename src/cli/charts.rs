//! `spiegel chart`: the charts of the pages and the API, as an advisor sees
//! them, written to a new file (SVG or PNG, from its extension) in full or
//! not at all.

use anyhow::{Context, bail};

use super::{ChartCommand, ChartFile, Global, outfile};
use crate::charts::Chart;
use crate::domain::access::Principal;
use crate::domain::lang::Lang;
use crate::report;
use crate::storage::{self, StorageError};
use crate::web::charting::{self, ChartError, Format, TrendQuery};

pub fn run(g: &Global, cmd: ChartCommand) -> anyhow::Result<()> {
    match cmd {
        ChartCommand::Trend {
            team,
            survey,
            dimension,
            file,
        } => draw(g, &file, |conn, lang| {
            let id = team_id(conn, &team)?;
            let q = TrendQuery { survey, dimension };
            Ok(charting::trend(conn, Principal::Advisor, &id, &q, lang)?.into())
        }),
        ChartCommand::Round { team, round, file } => draw(g, &file, |conn, lang| {
            let id = team_id(conn, &team)?;
            storage::round(conn, round).with_context(|| format!("there is no round {round}"))?;
            match charting::round(conn, Principal::Advisor, &id, round, lang) {
                Ok(c) => Ok(c.into()),
                Err(ChartError::Storage(StorageError::NotFound { .. })) => {
                    bail!("{team} has no result in round {round} (it did not take part)")
                }
                Err(e) => Err(e.into()),
            }
        }),
        ChartCommand::Mirror { team, round, file } => draw(g, &file, |conn, lang| {
            let id = team_id(conn, &team)?;
            storage::round(conn, round).with_context(|| format!("there is no round {round}"))?;
            match charting::mirror(conn, Principal::Advisor, &id, round, lang) {
                Ok(c) => Ok(c.into()),
                Err(ChartError::Storage(StorageError::NotFound { .. })) => {
                    bail!("{team} has no result in round {round} (it did not take part)")
                }
                Err(e) => Err(e.into()),
            }
        }),
        ChartCommand::Overview { file } => draw(g, &file, |conn, _| {
            Ok(charting::overview(conn, Principal::Advisor)?.into())
        }),
    }
}

/// The id of a team named by name or id (`organisation` as it is).
fn team_id(conn: &rusqlite::Connection, team: &str) -> anyhow::Result<String> {
    if team == report::ORGANISATION_ID {
        return Ok(team.to_string());
    }
    Ok(storage::team(conn, team)?.id)
}

/// Checks the file's extension, builds the chart, draws it and writes it:
/// on any failure no file is left.
fn draw(
    g: &Global,
    file: &ChartFile,
    build: impl FnOnce(&rusqlite::Connection, Lang) -> anyhow::Result<Chart>,
) -> anyhow::Result<()> {
    let Some(format) = Format::of_path(&file.out) else {
        bail!(
            "{}: the file name must end in .svg or .png (the chart's format)",
            file.out.display()
        );
    };
    let lang = Lang::from_code(&file.lang).unwrap_or_default();
    let sink = outfile::Output::create(Some(&file.out))?;
    let conn = g.open()?;
    let chart = build(&conn, lang)?;
    let body = charting::render(&chart, format, lang, file.width, file.height)?;
    sink.finish(&body)?;
    println!("wrote {} ({})", file.out.display(), chart.title(lang));
    Ok(())
}

/// Writes one printable page of a team and round to `out` (a new file,
/// there only once the page is made): `make` gets the database and the
/// stored team, after the team and the round were found.
pub(super) fn write_page(
    g: &Global,
    team: &str,
    round: i64,
    out: &std::path::Path,
    make: impl FnOnce(&rusqlite::Connection, &storage::Team) -> anyhow::Result<String>,
) -> anyhow::Result<()> {
    let sink = outfile::Output::create(Some(out))?;
    let conn = g.open()?;
    let t = storage::team(&conn, team)?;
    storage::round(&conn, round).with_context(|| format!("there is no round {round}"))?;
    let html = make(&conn, &t)?;
    sink.finish(html.as_bytes())?;
    println!("wrote {}", out.display());
    Ok(())
}

/// A page's failure as the command says it: a result that is not there
/// means the team did not take part in the round.
pub(super) fn page_failure(team: &str, round: i64, e: StorageError) -> anyhow::Error {
    match e {
        StorageError::NotFound { .. } => {
            anyhow::anyhow!("{team} has no result in round {round} (it did not take part)")
        }
        e => e.into(),
    }
}

/// A chart adapter's failure as the command says it (see [`page_failure`]).
fn chart_failure(team: &str, round: i64, e: ChartError) -> anyhow::Error {
    match e {
        ChartError::Storage(e) => page_failure(team, round, e),
        e => e.into(),
    }
}

/// `spiegel sheet`: the conversation sheet as a self-contained HTML file.
pub fn sheet(
    g: &Global,
    team: &str,
    round: i64,
    out: &std::path::Path,
    lang: &str,
) -> anyhow::Result<()> {
    let lang = Lang::from_code(lang).unwrap_or_default();
    let self_check = crate::catalog::Catalog::load(g.surveys.as_deref())
        .ok()
        .and_then(|c| c.get(crate::web::reflection::SELF_CHECK));
    write_page(g, team, round, out, |conn, t| {
        crate::web::sheet::sheet(conn, &t.id, round, lang, self_check.as_deref(), false)
            .map_err(|e| chart_failure(team, round, e))
    })
}

/// `spiegel intervisie`: the intervisie sheet of a department and round as a
/// self-contained HTML file.
pub fn intervisie(
    g: &Global,
    team: &str,
    round: i64,
    out: &std::path::Path,
    lang: &str,
) -> anyhow::Result<()> {
    let lang = Lang::from_code(lang).unwrap_or_default();
    let book = g.casebook()?;
    write_page(g, team, round, out, |conn, dept| {
        if !storage::teams(conn)?
            .iter()
            .any(|t| t.parent_key == Some(dept.key))
        {
            bail!(
                "{} has no teams under it; an intervisie sheet is for a department (add teams \
                 with `spiegel team add NAME --parent {:?}`)",
                dept.name,
                dept.name
            );
        }
        crate::web::intervisie::sheet(conn, &dept.id, round, lang, &book)
            .map_err(|e| chart_failure(team, round, e))
    })
}

/// `spiegel guide`: the guide to hesitation as a self-contained HTML file.
pub fn guide(g: &Global, out: &std::path::Path, lang: &str) -> anyhow::Result<()> {
    let lang = Lang::from_code(lang).unwrap_or_default();
    let book = g.casebook()?;
    let sink = outfile::Output::create(Some(out))?;
    let html = crate::web::intervisie::guide(&book.guide, lang, None);
    sink.finish(html.as_bytes())?;
    println!("wrote {}", out.display());
    Ok(())
}
