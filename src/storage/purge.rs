//! Retention: purging the raw responses (answers and comments) of closed
//! rounds, keeping the released results computed at close, and the
//! organisation's automatic retention period.

use jiff::Timestamp;
use rusqlite::{Connection, TransactionBehavior, params};
use serde::Serialize;

use super::{Conflict, Result, StorageError, erase_closed_rounds, org, zone};
use crate::domain::date::{Date, add_months};

/// Longest retention period accepted (100 years).
pub const MAX_RETAIN_MONTHS: u32 = 1200;

/// A closed round whose raw responses go (or went).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Purged {
    pub round: i64,
    pub title: String,
    pub closed_on: Date,
    /// How many responses (each with its comment, if any) are deleted.
    pub responses: i64,
}

/// What `purge --before` would do: the closed rounds that go, and the open
/// rounds that opened before the date but are never purged.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PurgePlan {
    pub rounds: Vec<Purged>,
    /// Ids of open rounds that opened before the date (kept: never purged).
    pub open_skipped: Vec<i64>,
}

impl PurgePlan {
    pub fn responses(&self) -> i64 {
        self.rounds.iter().map(|r| r.responses).sum()
    }
}

/// The closed rounds that closed before `before` and still hold responses.
pub fn purge_plan(conn: &Connection, before: Date) -> Result<PurgePlan> {
    let mut stmt = conn.prepare(
        "SELECT r.id, r.title, r.closed_on,
                (SELECT count(*) FROM responses s WHERE s.round_id = r.id)
         FROM rounds r
         WHERE r.closed_on IS NOT NULL AND r.closed_on < ?1
           AND EXISTS (SELECT 1 FROM responses s WHERE s.round_id = r.id)
         ORDER BY r.id",
    )?;
    let rounds = stmt
        .query_map([before], |r| {
            Ok(Purged {
                round: r.get(0)?,
                title: r.get(1)?,
                closed_on: r.get(2)?,
                responses: r.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut stmt = conn
        .prepare("SELECT id FROM rounds WHERE closed_on IS NULL AND opened_on < ?1 ORDER BY id")?;
    let open_skipped = stmt
        .query_map([before], |r| r.get(0))?
        .collect::<Result<Vec<i64>, _>>()?;
    Ok(PurgePlan {
        rounds,
        open_skipped,
    })
}

/// Deletes the responses of every closed round that closed before `before`
/// (with `secure_delete` on, as every connection has it), records the day,
/// then rewrites the file (VACUUM) and empties the write-ahead log, so the
/// deleted answers survive neither in free pages nor in the log. Released
/// results (stored at close) stay. Open rounds are never touched. Returns
/// what went.
///
/// The rewrite is the erasure of closed rounds ([`erase_closed_rounds`]):
/// the purged rounds are marked not erased in the deleting transaction, so
/// when the rewrite cannot complete (a full disk, a reader holding the log)
/// the error says so and the next purge, `spiegel round close`, or the
/// server (every minute) completes it.
pub fn purge(conn: &mut Connection, before: Date, today: Date) -> Result<PurgePlan> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let plan = purge_plan(&tx, before)?;
    for r in &plan.rounds {
        // Only closed rounds: the condition is repeated in the statement.
        tx.execute(
            "DELETE FROM responses WHERE round_id = ?1
               AND round_id IN (SELECT id FROM rounds WHERE closed_on IS NOT NULL)",
            [r.round],
        )?;
        tx.execute(
            "UPDATE rounds SET purged_on = ?2, erased_on = NULL WHERE id = ?1",
            params![r.round, today],
        )?;
    }
    tx.commit()?;
    // Also a retry of an earlier purge whose rewrite did not complete.
    erase_closed_rounds(conn, today).map_err(|e| match e {
        StorageError::Conflict(Conflict::NotErased { round, reason }) => {
            let mut rounds: Vec<i64> = plan.rounds.iter().map(|r| r.round).collect();
            if rounds.is_empty() {
                rounds.push(round);
            }
            Conflict::NotPurgedFromFile { rounds, reason }.into()
        }
        e => e,
    })?;
    Ok(plan)
}

/// The automatic retention period in months (0: off).
pub fn retain_months(conn: &Connection) -> Result<u32> {
    org(conn)?;
    Ok(
        conn.query_row("SELECT retain_months FROM org WHERE id = 1", [], |r| {
            r.get(0)
        })?,
    )
}

pub fn set_retain_months(conn: &mut Connection, months: u32) -> Result<()> {
    org(conn)?;
    conn.execute(
        "UPDATE org SET retain_months = ?1 WHERE id = 1",
        [months.min(MAX_RETAIN_MONTHS)],
    )?;
    Ok(())
}

/// The day before which closed rounds are purged under a retention of
/// `months` months, reckoned from `today`.
pub fn retention_cutoff(today: Date, months: u32) -> Date {
    add_months(today, -i64::from(months))
}

/// Applies the organisation's retention at `now`: purges the responses of
/// rounds closed more than `retain_months` months ago. Off (0): nothing.
pub fn apply_retention(conn: &mut Connection, now: Timestamp) -> Result<PurgePlan> {
    let months = retain_months(conn)?;
    if months == 0 {
        return Ok(PurgePlan::default());
    }
    let today = zone(conn)?.today(now);
    purge(conn, retention_cutoff(today, months), today)
}
