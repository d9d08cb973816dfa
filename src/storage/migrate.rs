//! The schema: numbered SQL files applied in order, the count kept in
//! SQLite's `user_version`.

use rusqlite::{Connection, TransactionBehavior};

use super::{Result, StorageError};

const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_init.sql"),
    include_str!("migrations/002_results_keys.sql"),
    include_str!("migrations/003_sessions.sql"),
    include_str!("migrations/004_team_ids.sql"),
    include_str!("migrations/005_archived_teams.sql"),
    include_str!("migrations/006_erased.sql"),
];

pub(super) fn migrate(conn: &mut Connection, display: &str) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let version = usize::try_from(version).unwrap_or(usize::MAX);
    if version > MIGRATIONS.len() {
        return Err(StorageError::Invalid(format!(
            "{display} was written by a newer Spiegel (schema {version}); upgrade spiegel"
        )));
    }
    if version == MIGRATIONS.len() {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for sql in &MIGRATIONS[version..] {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", MIGRATIONS.len() as i64)?;
    tx.commit()?;
    Ok(())
}
