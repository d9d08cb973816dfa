//! The manager's expectation and self-check for a released round (their
//! own answers, not anonymous), per team and round.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, StorageError};
use crate::domain::date::Date;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Expectation {
    /// The manager skipped the step: no answers.
    pub skipped: bool,
    /// Per item id (of the team survey and of the self-check) the value on
    /// that survey's scale.
    pub answers: BTreeMap<String, u8>,
    /// "When was the team at its best this period, and what made that possible?"
    pub best: String,
    /// "What would you like to learn from this round?"
    pub learn: String,
    pub saved_on: String,
}

pub fn expectation(conn: &Connection, team_id: i64, round_id: i64) -> Result<Option<Expectation>> {
    let row: Option<(bool, String, String, String, String)> = conn
        .prepare_cached(
            "SELECT skipped, answers, best, learn, saved_on FROM expectations
             WHERE team_id = ?1 AND round_id = ?2",
        )?
        .query_row([team_id, round_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    row.map(|(skipped, answers, best, learn, saved_on)| {
        Ok(Expectation {
            skipped,
            answers: serde_json::from_str(&answers)
                .map_err(|e| StorageError::Corrupt(format!("stored expectation: {e}")))?,
            best,
            learn,
            saved_on,
        })
    })
    .transpose()
}

/// Stores (or replaces) the manager's expectation for a team-round.
pub fn save_expectation(
    conn: &Connection,
    team_id: i64,
    round_id: i64,
    e: &Expectation,
    today: Date,
) -> Result<()> {
    let answers = serde_json::to_string(&e.answers)
        .map_err(|e| StorageError::Corrupt(format!("expectation: {e}")))?;
    conn.execute(
        "INSERT INTO expectations (team_id, round_id, skipped, answers, best, learn, saved_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (team_id, round_id) DO UPDATE SET skipped = excluded.skipped,
             answers = excluded.answers, best = excluded.best, learn = excluded.learn,
             saved_on = excluded.saved_on",
        params![
            team_id,
            round_id,
            e.skipped,
            answers,
            e.best,
            e.learn,
            today.to_string()
        ],
    )?;
    Ok(())
}

/// Marks the conversation about a team-round as held (once; the first mark
/// stays). Returns whether it was newly marked.
pub fn mark_held(
    conn: &Connection,
    team_id: i64,
    round_id: i64,
    by: &str,
    today: Date,
) -> Result<bool> {
    let n = conn.execute(
        "INSERT OR IGNORE INTO conversations (team_id, round_id, held_by, held_on)
         VALUES (?1, ?2, ?3, ?4)",
        params![team_id, round_id, by, today.to_string()],
    )?;
    Ok(n > 0)
}

/// Who marked the conversation held, and which day.
pub fn held(conn: &Connection, team_id: i64, round_id: i64) -> Result<Option<(String, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT held_by, held_on FROM conversations WHERE team_id = ?1 AND round_id = ?2",
        )?
        .query_row([team_id, round_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}
