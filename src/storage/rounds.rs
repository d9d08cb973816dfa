//! Rounds: opening, listing, closing (results computed once) and erasing
//! the order of answering of closed rounds.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::results::store_results;
use super::{Conflict, Result, StorageError, Thing, org, teams, zone};
use crate::domain::date::Date;
use crate::domain::survey::Survey;

#[derive(Debug, Clone, Serialize)]
pub struct Round {
    pub id: i64,
    pub survey: String,
    pub survey_hash: String,
    pub title: String,
    pub opened_on: Date,
    /// The planned last day of answering (in the organisation's time zone).
    pub closes_on: Option<Date>,
    pub closed_on: Option<Date>,
    /// When the order of answering of a closed round was erased (the file
    /// rewritten, the write-ahead log emptied); `None` until that succeeded.
    pub erased_on: Option<Date>,
    /// When the raw responses were purged (`spiegel purge`, retention);
    /// its released results stay.
    pub purged_on: Option<Date>,
    pub k: u32,
    /// `open` or `closed`.
    pub state: &'static str,
    /// Ids of the participating teams.
    pub teams: Vec<String>,
}

pub fn open_round(
    conn: &mut Connection,
    survey: &Survey,
    title: &str,
    team_keys: &[i64],
    closes_on: Option<Date>,
    today: Date,
) -> Result<Round> {
    if team_keys.is_empty() {
        return Err(Conflict::RoundWithoutTeams.into());
    }
    if let Some(c) = closes_on
        && c < today
    {
        return Err(Conflict::ClosesInThePast {
            closes_on: c,
            today,
        }
        .into());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let k = org(&tx)?.k;
    let archived: Vec<String> = teams(&tx)?
        .into_iter()
        .filter(|t| t.archived_on.is_some() && team_keys.contains(&t.key))
        .map(|t| t.name)
        .collect();
    if !archived.is_empty() {
        return Err(Conflict::ArchivedTeamsInRound { teams: archived }.into());
    }
    tx.execute(
        "INSERT INTO rounds (survey_id, survey_hash, survey_source, title, opened_on, closes_on, k)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            survey.id,
            survey.hash,
            survey.source,
            title,
            today,
            closes_on,
            k
        ],
    )?;
    let id = tx.last_insert_rowid();
    for key in team_keys {
        tx.execute(
            "INSERT OR IGNORE INTO round_teams (round_id, team_id) VALUES (?1, ?2)",
            params![id, key],
        )?;
    }
    tx.commit()?;
    round(conn, id)
}

const ROUND_SELECT: &str = "SELECT r.id, r.survey_id, r.survey_hash, r.title, r.opened_on, r.closes_on, r.closed_on, r.k,
        (SELECT group_concat(t.slug, ',') FROM round_teams rt JOIN teams t ON t.id = rt.team_id WHERE rt.round_id = r.id),
        r.erased_on, r.purged_on
     FROM rounds r";

fn round_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Round> {
    let closed_on: Option<Date> = r.get(6)?;
    let teams: Option<String> = r.get(8)?;
    let mut teams: Vec<String> = teams
        .map(|t| t.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    teams.sort();
    Ok(Round {
        id: r.get(0)?,
        survey: r.get(1)?,
        survey_hash: r.get(2)?,
        title: r.get(3)?,
        opened_on: r.get(4)?,
        closes_on: r.get(5)?,
        state: if closed_on.is_some() {
            "closed"
        } else {
            "open"
        },
        closed_on,
        erased_on: r.get(9)?,
        purged_on: r.get(10)?,
        k: r.get(7)?,
        teams,
    })
}

/// Every round without its list of teams (cheaper; `teams` is empty).
pub fn rounds_brief(conn: &Connection) -> Result<Vec<Round>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.survey_id, r.survey_hash, r.title, r.opened_on, r.closes_on, r.closed_on, r.k, NULL, r.erased_on,
                r.purged_on
         FROM rounds r ORDER BY r.id",
    )?;
    let rows = stmt.query_map([], round_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn rounds(conn: &Connection) -> Result<Vec<Round>> {
    let mut stmt = conn.prepare_cached(&format!("{ROUND_SELECT} ORDER BY r.id"))?;
    let rows = stmt.query_map([], round_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn round(conn: &Connection, id: i64) -> Result<Round> {
    let mut stmt = conn.prepare_cached(&format!("{ROUND_SELECT} WHERE r.id = ?1"))?;
    stmt.query_row([id], round_row)
        .optional()?
        .ok_or_else(|| StorageError::not_found(Thing::Round, id))
}

/// The survey text pinned when the round opened.
pub fn round_survey_source(conn: &Connection, id: i64) -> Result<String> {
    let mut stmt = conn.prepare_cached("SELECT survey_source FROM rounds WHERE id = ?1")?;
    stmt.query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StorageError::not_found(Thing::Round, id))
}

/// Closes a round: computes and stores what each group may show (once; a
/// closed round never changes), deletes its invites (with `secure_delete`),
/// then erases the order of answering: rewrites the file so that neither old
/// page images nor the physical order of rows survive, and empties the
/// write-ahead log. When that last step cannot complete (a full disk, a
/// reader holding the log), the round stays closed with its results and the
/// error says so and how to retry: calling this again on the round retries
/// the erasure.
pub fn close_round(conn: &mut Connection, id: i64, today: Date) -> Result<Round> {
    close_without_erasing(conn, id, today)?;
    erase_pending(conn, today, Some(id))?;
    round(conn, id)
}

/// The error of a closed round whose order of answering survives.
fn not_erased(round: i64, reason: String) -> StorageError {
    Conflict::NotErased { round, reason }.into()
}

/// The closing transaction; a round closed before but not yet erased passes.
fn close_without_erasing(conn: &mut Connection, id: i64, today: Date) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let r = round(&tx, id)?;
    if let Some(on) = r.closed_on {
        if r.erased_on.is_none() {
            return Ok(());
        }
        return Err(Conflict::RoundClosedAlready { round: id, on }.into());
    }
    store_results(&tx, &r)?;
    tx.execute("DELETE FROM invites WHERE round_id = ?1", [id])?;
    tx.execute(
        "UPDATE rounds SET closed_on = ?2 WHERE id = ?1",
        params![id, today],
    )?;
    tx.commit()?;
    Ok(())
}

/// Erases the order of answering of every closed round not yet erased, and
/// records it; returns their ids (empty when nothing was pending).
pub fn erase_closed_rounds(conn: &mut Connection, today: Date) -> Result<Vec<i64>> {
    erase_pending(conn, today, None)
}

/// [`erase_closed_rounds`]; an error names `round` (default: the first
/// pending one).
fn erase_pending(conn: &mut Connection, today: Date, round: Option<i64>) -> Result<Vec<i64>> {
    let pending: Vec<i64> = {
        let mut stmt = conn.prepare(
            "SELECT id FROM rounds WHERE closed_on IS NOT NULL AND erased_on IS NULL ORDER BY id",
        )?;
        stmt.query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?
    };
    let Some(&first) = pending.first() else {
        return Ok(pending);
    };
    compact(conn).map_err(|reason| not_erased(round.unwrap_or(first), reason))?;
    // Only rounds closed before the VACUUM above: one closed meanwhile by
    // another process stays pending.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for id in &pending {
        tx.execute(
            "UPDATE rounds SET erased_on = ?2 WHERE id = ?1",
            params![id, today],
        )?;
    }
    tx.commit()?;
    // That small write need not stay in the log either; best effort.
    let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    Ok(pending)
}

/// VACUUM (rows in key order, free pages gone), then a checkpoint that
/// empties the WAL. Any step that does not complete is an error, with what
/// SQLite reported.
fn compact(conn: &Connection) -> std::result::Result<(), String> {
    conn.execute_batch("VACUUM")
        .map_err(|e| format!("rewriting the file (VACUUM) failed: {e}"))?;
    let (busy, log, done): (i64, i64, i64) = conn
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .map_err(|e| format!("emptying the write-ahead log failed: {e}"))?;
    if busy != 0 || log != 0 {
        return Err(format!(
            "the write-ahead log could not be emptied: another connection was reading \
             (checkpoint: busy {busy}, {log} pages in the log, {done} copied)"
        ));
    }
    Ok(())
}

/// Closes every open round whose planned closing day has ended at `now` in
/// the organisation's time zone, without the erasure: call
/// [`erase_closed_rounds`] next (and again until it succeeds).
pub fn close_due_rounds(conn: &mut Connection, now: Timestamp) -> Result<Vec<i64>> {
    let zone = zone(conn)?;
    let today = zone.today(now);
    let planned: Vec<(i64, Date)> = {
        let mut stmt = conn.prepare(
            "SELECT id, closes_on FROM rounds WHERE closed_on IS NULL AND closes_on IS NOT NULL",
        )?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?
    };
    let due: Vec<i64> = planned
        .into_iter()
        .filter(|&(_, closes_on)| zone.due(closes_on, now))
        .map(|(id, _)| id)
        .collect();
    for id in &due {
        close_without_erasing(conn, *id, today)?;
    }
    Ok(due)
}
