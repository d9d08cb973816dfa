//! Invites and submissions: one-time links (stored as hashes) and the
//! answers they let in, spent and stored in one transaction.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{Result, StorageError, round};
use crate::domain::date::Date;
use crate::domain::token;

/// Creates `count` invites for a team in an open round; returns the tokens,
/// which exist only in this return value from now on.
pub fn create_invites(
    conn: &mut Connection,
    round_id: i64,
    team_key: i64,
    count: u32,
) -> Result<Vec<String>> {
    if count == 0 || count > 10_000 {
        return Err(StorageError::Invalid(
            "--count must be between 1 and 10000".into(),
        ));
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let r = round(&tx, round_id)?;
    if r.closed_on.is_some() {
        return Err(StorageError::Conflict(format!(
            "round {round_id} is closed; open a new round with `spiegel round open`"
        )));
    }
    let in_round: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM round_teams WHERE round_id = ?1 AND team_id = ?2)",
        params![round_id, team_key],
        |r| r.get(0),
    )?;
    if !in_round {
        return Err(StorageError::Invalid(format!(
            "this team does not take part in round {round_id} (teams: {})",
            r.teams.join(", ")
        )));
    }
    let archived: Option<Option<String>> = tx
        .query_row(
            "SELECT archived_on FROM teams WHERE id = ?1",
            [team_key],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(Some(on)) = archived {
        return Err(StorageError::Invalid(format!(
            "this team was archived on {on}; it gets no new links"
        )));
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
    today: Date,
) -> Result<bool> {
    // The date is compared here, not bound into the SQL: a bound value in a
    // range condition makes SQLite re-prepare the statement on every step.
    if !round_takes_answers(conn, round_id, today)? {
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

/// Whether a round is open and not past its planned close date.
fn round_takes_answers(conn: &Connection, round_id: i64, today: Date) -> Result<bool> {
    Ok(answering_k(conn, round_id, today)?.is_some())
}

/// The k of a round that takes answers today (open, not past its planned
/// close date); `None` otherwise.
fn answering_k(conn: &Connection, round_id: i64, today: Date) -> Result<Option<u32>> {
    let mut stmt =
        conn.prepare_cached("SELECT k, closed_on, closes_on FROM rounds WHERE id = ?1")?;
    let row: Option<(u32, Option<String>, Option<String>)> = stmt
        .query_row([round_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(match row {
        Some((k, None, closes_on)) if before_close(closes_on.as_deref(), today) => Some(k),
        _ => None,
    })
}

/// A planned close date (`YYYY-MM-DD`) has not passed yet.
fn before_close(closes_on: Option<&str>, today: Date) -> bool {
    closes_on.is_none_or(|c| c >= today.to_string().as_str())
}

/// Stores one submission in its own transaction (CLI, demo and tests; the
/// server batches through [`Db`]).
pub fn submit_one(
    conn: &mut Connection,
    hash: &[u8; 32],
    round_id: i64,
    answers: &[u8],
    comment: Option<&str>,
    today: Date,
) -> Result<bool> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let ok = submit(&tx, hash, round_id, answers, comment, today)?;
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
    today: Date,
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
    let Some(k) = answering_k(conn, round_id, today)? else {
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
