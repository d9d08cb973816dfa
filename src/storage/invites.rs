//! Invites and submissions: one-time links (stored as hashes) and the
//! answers they let in, spent and stored in one transaction.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{Conflict, Result, round, zone};
use crate::domain::date::Date;
use crate::domain::org::InviteCount;
use crate::domain::token;

/// Creates `count` invites for a team in an open round; returns the tokens,
/// which exist only in this return value from now on.
pub fn create_invites(
    conn: &mut Connection,
    round_id: i64,
    team_key: i64,
    count: InviteCount,
) -> Result<Vec<String>> {
    let count = count.get();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let r = round(&tx, round_id)?;
    if r.closed_on.is_some() {
        return Err(Conflict::RoundClosed { round: round_id }.into());
    }
    let in_round: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM round_teams WHERE round_id = ?1 AND team_id = ?2)",
        params![round_id, team_key],
        |r| r.get(0),
    )?;
    if !in_round {
        return Err(Conflict::TeamNotInRound {
            round: round_id,
            teams: r.teams,
        }
        .into());
    }
    let archived: Option<(String, Option<Date>)> = tx
        .query_row(
            "SELECT name, archived_on FROM teams WHERE id = ?1",
            [team_key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((name, Some(on))) = archived {
        return Err(Conflict::TeamArchived { name, on }.into());
    }
    let mut tokens = Vec::with_capacity(count as usize);
    {
        let mut stmt =
            tx.prepare("INSERT INTO invites (hash, round_id, team_id) VALUES (?1, ?2, ?3)")?;
        for _ in 0..count {
            let t = token::new_secret()?;
            stmt.execute(params![
                token::hash_secret(&t).as_slice(),
                round_id,
                team_key
            ])?;
            tokens.push(t);
        }
    }
    tx.commit()?;
    Ok(tokens)
}

/// Spends an invite and stores the answers. Call inside a transaction: the
/// two statements stand or fall together. Returns false (and stores nothing)
/// when the token is unknown, used, or its round is not open any more.
pub fn submit(
    conn: &Connection,
    hash: &[u8; 32],
    round_id: i64,
    answers: &[u8],
    comment: Option<&str>,
    now: Timestamp,
) -> Result<bool> {
    // The date is compared here, not bound into the SQL: a bound value in a
    // range condition makes SQLite re-prepare the statement on every step.
    if !round_takes_answers(conn, round_id, now)? {
        return Ok(false);
    }
    let mut spend = conn.prepare_cached(
        "UPDATE invites SET used = 1 WHERE hash = ?1 AND used = 0 AND round_id = ?2 RETURNING team_id",
    )?;
    let team: Option<i64> = spend
        .query_row(params![hash.as_slice(), round_id], |r| r.get(0))
        .optional()?;
    let Some(team) = team else {
        return Ok(false);
    };
    let id = token::random_bytes::<16>()?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO responses (id, round_id, team_id, answers, comment) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    insert.execute(params![id.as_slice(), round_id, team, answers, comment])?;
    Ok(true)
}

/// Whether a round is open and its planned closing day has not ended.
fn round_takes_answers(conn: &Connection, round_id: i64, now: Timestamp) -> Result<bool> {
    Ok(answering_k(conn, round_id, now)?.is_some())
}

/// The k of a round that takes answers at `now` (open, its planned closing
/// day not ended in the organisation's time zone); `None` otherwise.
fn answering_k(conn: &Connection, round_id: i64, now: Timestamp) -> Result<Option<u32>> {
    let mut stmt =
        conn.prepare_cached("SELECT k, closed_on IS NULL, closes_on FROM rounds WHERE id = ?1")?;
    let row: Option<(u32, bool, Option<Date>)> = stmt
        .query_row([round_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(match row {
        Some((k, true, None)) => Some(k),
        Some((k, true, Some(closes_on))) if !zone(conn)?.due(closes_on, now) => Some(k),
        _ => None,
    })
}

/// Stores one submission in its own transaction (CLI, demo and tests; the
/// server batches through [`Db`]).
pub fn submit_one(
    conn: &mut Connection,
    hash: &[u8; 32],
    round_id: i64,
    answers: &[u8],
    comment: Option<&str>,
    now: Timestamp,
) -> Result<bool> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let ok = submit(&tx, hash, round_id, answers, comment, now)?;
    tx.commit()?;
    Ok(ok)
}

/// Number of responses of a team in a round.
pub fn response_count(conn: &Connection, round_id: i64, team_key: i64) -> Result<u32> {
    let mut stmt =
        conn.prepare_cached("SELECT count(*) FROM responses WHERE round_id = ?1 AND team_id = ?2")?;
    Ok(stmt.query_row(params![round_id, team_key], |r| r.get(0))?)
}

/// What the phone form needs to know about a live invite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormContext {
    pub round_id: i64,
    pub team_name: String,
    pub k: u32,
}

/// The form context of an unused invite in an open round, or `None` — the
/// same `None` for unknown, used and closed, so nobody can tell them apart.
///
/// Three point queries rather than one join: SQLite re-prepares a join with
/// a bound parameter on every step, which made this lookup 7× slower.
pub fn form_context(
    conn: &Connection,
    hash: &[u8; 32],
    now: Timestamp,
) -> Result<Option<FormContext>> {
    let mut invite =
        conn.prepare_cached("SELECT round_id, team_id FROM invites WHERE hash = ?1 AND used = 0")?;
    let Some((round_id, team_id)) = invite
        .query_row([hash.as_slice()], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })
        .optional()?
    else {
        return Ok(None);
    };
    let Some(k) = answering_k(conn, round_id, now)? else {
        return Ok(None);
    };
    let mut team = conn.prepare_cached("SELECT name FROM teams WHERE id = ?1")?;
    let team_name: String = team.query_row([team_id], |r| r.get(0))?;
    Ok(Some(FormContext {
        round_id,
        team_name,
        k,
    }))
}
