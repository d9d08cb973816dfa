//! Browser sessions, swapped once for a key; stored as hashes, bounded per
//! key.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::Result;
use super::keys::{live_key, principal_of};
use crate::domain::access::Principal;
use crate::domain::token;

/// Sessions kept per key: a new one ends the oldest beyond this number.
pub const SESSIONS_PER_KEY: i64 = 5;

/// Swaps a live key for a browser session lasting `seconds`; returns the
/// session token (stored only as a hash) and the key's principal. Expired
/// sessions are deleted, and of the key's sessions only the newest
/// [`SESSIONS_PER_KEY`] are kept.
pub fn start_session(
    conn: &mut Connection,
    key_hash: &[u8; 32],
    now: i64,
    seconds: i64,
) -> Result<Option<(String, Principal)>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Some((key_id, principal)) = live_key(&tx, key_hash)? else {
        return Ok(None);
    };
    tx.execute("DELETE FROM sessions WHERE expires_at < ?1", [now])?;
    // The day of last use, in the organisation's time zone (day only).
    let today = super::zone(&tx)?.today(jiff::Timestamp::from_second(now).unwrap_or_default());
    tx.execute(
        "UPDATE keys SET last_used_on = ?2 WHERE id = ?1",
        params![key_id, today],
    )?;
    let session = token::new_secret()?;
    let hash = token::hash_secret(&session);
    tx.execute(
        "INSERT INTO sessions (hash, key_id, expires_at) VALUES (?1, ?2, ?3)",
        params![hash.as_slice(), key_id, now + seconds],
    )?;
    // The new session stays; of the others, the latest to expire (the
    // newest: every session lasts as long) fill the remaining places.
    tx.execute(
        "DELETE FROM sessions WHERE key_id = ?1 AND hash <> ?2 AND hash NOT IN (
             SELECT hash FROM sessions WHERE key_id = ?1 AND hash <> ?2
             ORDER BY expires_at DESC LIMIT ?3)",
        params![key_id, hash.as_slice(), SESSIONS_PER_KEY - 1],
    )?;
    tx.commit()?;
    Ok(Some((session, principal)))
}

/// The principal of a live session (its key not revoked since).
pub fn session_principal(
    conn: &Connection,
    session_hash: &[u8; 32],
    now: i64,
) -> Result<Option<Principal>> {
    // Two point queries, not a join: see `form_context`.
    let mut session =
        conn.prepare_cached("SELECT key_id FROM sessions WHERE hash = ?1 AND expires_at >= ?2")?;
    let Some(key_id) = session
        .query_row(params![session_hash.as_slice(), now], |r| {
            r.get::<_, i64>(0)
        })
        .optional()?
    else {
        return Ok(None);
    };
    let mut key =
        conn.prepare_cached("SELECT role, team_id FROM keys WHERE id = ?1 AND revoked_on IS NULL")?;
    Ok(key
        .query_row([key_id], |r| {
            Ok(principal_of(&r.get::<_, String>(0)?, r.get(1)?))
        })
        .optional()?
        .flatten())
}
