//! The audit log of set-up actions (what, by whom as the key's label, which
//! day: never an answer, a link or a secret), the session's key for the
//! set-up pages, and the organisation's k for future rounds.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::Result;
use super::keys::principal_of;
use crate::domain::access::Principal;
use crate::domain::date::Date;
use crate::domain::org::K;

/// Who did a set-up action from the command line.
pub const COMMAND_LINE: &str = "(command line)";

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AuditEntry {
    pub day: Date,
    /// The advisor key's label (or its id when it has none), or
    /// [`COMMAND_LINE`].
    pub actor: String,
    pub action: String,
}

/// Records one set-up action.
pub fn record(conn: &Connection, day: Date, actor: &str, action: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO audit (day, actor, action) VALUES (?1, ?2, ?3)",
        params![day, actor, action],
    )?;
    Ok(())
}

/// The whole log, newest first.
pub fn audit_log(conn: &Connection) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare_cached("SELECT day, actor, action FROM audit ORDER BY id DESC")?;
    let rows = stmt.query_map([], |r| {
        Ok(AuditEntry {
            day: r.get(0)?,
            actor: r.get(1)?,
            action: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The key behind a live browser session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionKey {
    pub key_id: i64,
    pub principal: Principal,
    /// The key's label, or `key {id}` when it has none.
    pub label: String,
    /// Unix seconds when the session ends.
    pub expires_at: i64,
}

/// The key of a live session (its key not revoked since).
pub fn session_key(
    conn: &Connection,
    session_hash: &[u8; 32],
    now: i64,
) -> Result<Option<SessionKey>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.key_id, s.expires_at, k.role, k.team_id, k.label
         FROM sessions s JOIN keys k ON k.id = s.key_id
         WHERE s.hash = ?1 AND s.expires_at >= ?2 AND k.revoked_on IS NULL",
    )?;
    let row = stmt
        .query_row(params![session_hash.as_slice(), now], |r| {
            let key_id: i64 = r.get(0)?;
            let label: String = r.get(4)?;
            let expires_at: i64 = r.get(1)?;
            Ok(
                principal_of(&r.get::<_, String>(2)?, r.get(3)?).map(|principal| SessionKey {
                    key_id,
                    principal,
                    label: if label.trim().is_empty() {
                        format!("key {key_id}")
                    } else {
                        label
                    },
                    expires_at,
                }),
            )
        })
        .optional()?;
    Ok(row.flatten())
}

/// Sets k for rounds opened from now on; open and closed rounds keep theirs.
pub fn set_k(conn: &mut Connection, k: K) -> Result<()> {
    super::org(conn)?;
    conn.execute("UPDATE org SET k = ?1 WHERE id = 1", [k.get()])?;
    Ok(())
}
