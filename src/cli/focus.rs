//! `spiegel focus` and `spiegel kit`: after the conversation, a team's one
//! focus (a dimension, one small experiment, a day to check) and the
//! printable kit the manager shows the team.

use anyhow::{Context, bail};

use super::{FocusArgs, Global, today};
use crate::domain::access::Principal;
use crate::domain::audit::Action;
use crate::domain::focus;
use crate::domain::lang::Lang;
use crate::report;
use crate::storage::{self, StorageError};
use crate::web::kit::{self, KitError, Style};

pub fn focus(g: &Global, a: &FocusArgs) -> anyhow::Result<()> {
    let conn = g.open()?;
    let team = storage::team(&conn, &a.team)?;
    let (Some(round), Some(dimension), Some(experiment), Some(check)) =
        (a.round, &a.dimension, &a.experiment, &a.check)
    else {
        if a.round.is_some() || a.dimension.is_some() || a.experiment.is_some() || a.check.is_some()
        {
            bail!(
                "to record a focus give --round, --dimension, --experiment and --check; \
                 with --team alone the team's focuses are listed"
            );
        }
        return list(&conn, &team);
    };
    let r = storage::round(&conn, round).with_context(|| format!("there is no round {round}"))?;
    if r.closed_on.is_none() {
        bail!("round {round} is still open; a focus follows the conversation about a closed round");
    }
    match report::team_round(&conn, Principal::Advisor, &team.id, round) {
        Ok(_) => {}
        Err(StorageError::NotFound { .. }) => {
            bail!("{} did not take part in round {round}", team.name)
        }
        Err(e) => return Err(e.into()),
    }
    let survey = crate::web::charting::round_survey(&conn, round)?;
    let today = today(&conn)?;
    let (dimension, experiment, check_on) =
        focus::check_focus(&survey, dimension, experiment, check, today).map_err(|errors| {
            let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
            anyhow::anyhow!("{}", lines.join("; "))
        })?;
    let f = storage::Focus {
        round_id: round,
        dimension,
        experiment,
        check_on,
        recorded_by: storage::COMMAND_LINE.to_string(),
        recorded_on: today,
    };
    storage::save_focus(&conn, team.key, &f)?;
    super::audit(
        &conn,
        &Action::FocusRecorded {
            team: team.id.clone(),
            round,
            dimension: f.dimension.clone(),
            check_on: f.check_on,
        },
    )?;
    println!(
        "recorded the focus of {} for round {round} ({:?}): {}, check on {}",
        team.name, r.title, f.dimension, f.check_on
    );
    Ok(())
}

fn list(conn: &rusqlite::Connection, team: &storage::Team) -> anyhow::Result<()> {
    let all = storage::focuses(conn, team.key)?;
    if all.is_empty() {
        println!(
            "{} has no focus yet (record one with `spiegel focus --team {} --round ID \
             --dimension ID --experiment TEXT --check YYYY-MM-DD`)",
            team.name, team.id
        );
        return Ok(());
    }
    for f in &all {
        let title = storage::round(conn, f.round_id)?.title;
        let (name, moved) = crate::web::focus::moved(conn, Principal::Advisor, team, f, Lang::En)?;
        println!(
            "round {} ({title:?}): {} ({name}), check on {}, recorded by {} on {}",
            f.round_id, f.dimension, f.check_on, f.recorded_by, f.recorded_on
        );
        println!("  experiment: {}", f.experiment);
        println!("  moved since: {moved}");
    }
    Ok(())
}

/// `spiegel kit`: the team conversation kit as a self-contained HTML file.
pub fn kit(
    g: &Global,
    team: &str,
    round: i64,
    out: &std::path::Path,
    lang: &str,
) -> anyhow::Result<()> {
    let lang = Lang::from_code(lang).unwrap_or_default();
    super::charts::write_page(g, team, round, out, |conn, t| {
        kit::kit(conn, Principal::Advisor, &t.id, round, lang, Style::Inline).map_err(|e| match e {
            KitError::Storage(e) => super::charts::page_failure(team, round, e),
            e => e.into(),
        })
    })
}
