//! `spiegel purge`: deleting the raw responses of old closed rounds.

use anyhow::anyhow;

use super::{Global, today};
use crate::domain::audit::Action;
use crate::domain::date;
use crate::storage::{self, PurgePlan};

pub fn purge(g: &Global, before: &str, dry_run: bool) -> anyhow::Result<()> {
    let before = date::parse(before).ok_or_else(|| {
        anyhow!(
            "--before {before:?} is not a date; write it as YYYY-MM-DD, e.g. --before 2026-01-01 \
             (rounds closed before that day lose their raw responses)"
        )
    })?;
    let mut conn = g.open()?;
    let today = today(&conn)?;
    if dry_run {
        let plan = storage::purge_plan(&conn, before)?;
        report(&plan, before, "would be deleted (dry run: nothing changed)");
        return Ok(());
    }
    let plan = storage::purge(&mut conn, before, today)?;
    if !plan.rounds.is_empty() {
        let what = Action::Purged {
            responses: plan.responses(),
            before,
            rounds: plan.rounds.iter().map(|r| r.round).collect(),
        };
        super::audit(&conn, &what)?;
    }
    report(&plan, before, "deleted; released results kept");
    Ok(())
}

fn report(plan: &PurgePlan, before: date::Date, verb: &str) {
    if plan.rounds.is_empty() {
        println!(
            "no closed round that closed before {before} holds raw responses; nothing to purge"
        );
    } else {
        for r in &plan.rounds {
            println!(
                "round {} ({:?}, closed {}): {} responses",
                r.round, r.title, r.closed_on, r.responses
            );
        }
        println!(
            "{} responses of {} rounds {verb}",
            plan.responses(),
            plan.rounds.len()
        );
    }
    if !plan.open_skipped.is_empty() {
        let ids: Vec<String> = plan.open_skipped.iter().map(ToString::to_string).collect();
        println!(
            "open rounds are never purged: {} (close them first with `spiegel round close ID`)",
            ids.join(", ")
        );
    }
}
