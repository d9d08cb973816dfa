//! Secret keys of advisors and managers, stored as hashes; revocable.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::{Conflict, Result, StorageError, Thing, org};
use crate::domain::access::Principal;
use crate::domain::date::Date;
use crate::domain::token;

#[derive(Debug, Clone, Serialize)]
pub struct KeyInfo {
    pub id: i64,
    pub role: String,
    pub team: Option<String>,
    pub label: String,
    pub created_on: Date,
    pub revoked_on: Option<Date>,
    /// The last day the key was swapped for a session (day only).
    pub last_used_on: Option<Date>,
}

/// Creates a key; returns its id and the secret (which exists only in this
/// return value from now on).
pub fn create_key(
    conn: &mut Connection,
    principal: Principal,
    label: &str,
    today: Date,
) -> Result<(i64, String)> {
    org(conn)?;
    let secret = token::new_secret()?;
    let (role, team) = match principal {
        Principal::Advisor => ("advisor", None),
        Principal::Manager { team } => ("manager", Some(team)),
    };
    conn.execute(
        "INSERT INTO keys (hash, role, team_id, label, created_on) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            token::hash_secret(&secret).as_slice(),
            role,
            team,
            label.trim(),
            today
        ],
    )?;
    Ok((conn.last_insert_rowid(), secret))
}

pub fn keys(conn: &Connection) -> Result<Vec<KeyInfo>> {
    let mut stmt = conn.prepare_cached(
        "SELECT k.id, k.role, t.slug, k.label, k.created_on, k.revoked_on, k.last_used_on
         FROM keys k LEFT JOIN teams t ON t.id = k.team_id ORDER BY k.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(KeyInfo {
            id: r.get(0)?,
            role: r.get(1)?,
            team: r.get(2)?,
            label: r.get(3)?,
            created_on: r.get(4)?,
            revoked_on: r.get(5)?,
            last_used_on: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn revoke_key(conn: &mut Connection, id: i64, today: Date) -> Result<()> {
    let revoked: Option<Option<Date>> = conn
        .query_row("SELECT revoked_on FROM keys WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    match revoked {
        None => Err(StorageError::not_found(Thing::Key, id)),
        Some(Some(on)) => Err(Conflict::KeyRevokedAlready { id, on }.into()),
        Some(None) => {
            conn.execute(
                "UPDATE keys SET revoked_on = ?2 WHERE id = ?1",
                params![id, today],
            )?;
            Ok(())
        }
    }
}

pub(super) fn principal_of(role: &str, team: Option<i64>) -> Option<Principal> {
    match (role, team) {
        ("manager", Some(team)) => Some(Principal::Manager { team }),
        ("advisor", None) => Some(Principal::Advisor),
        _ => None,
    }
}

pub(super) fn live_key(conn: &Connection, hash: &[u8; 32]) -> Result<Option<(i64, Principal)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, role, team_id FROM keys WHERE hash = ?1 AND revoked_on IS NULL",
    )?;
    Ok(stmt
        .query_row([hash.as_slice()], |r| {
            let id: i64 = r.get(0)?;
            Ok(principal_of(&r.get::<_, String>(1)?, r.get(2)?).map(|p| (id, p)))
        })
        .optional()?
        .flatten())
}

/// The principal of a live (not revoked) key.
pub fn principal(conn: &Connection, hash: &[u8; 32]) -> Result<Option<Principal>> {
    Ok(live_key(conn, hash)?.map(|(_, p)| p))
}
