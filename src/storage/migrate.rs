//! The schema: numbered SQL files applied in order, the count kept in
//! SQLite's `user_version`.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use super::{Result, StorageError};

const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_init.sql"),
    include_str!("migrations/002_results_keys.sql"),
    include_str!("migrations/003_sessions.sql"),
    include_str!("migrations/004_team_ids.sql"),
    include_str!("migrations/005_archived_teams.sql"),
    include_str!("migrations/006_erased.sql"),
    include_str!("migrations/007_time_zone.sql"),
    include_str!("migrations/008_audit.sql"),
    include_str!("migrations/009_conversation.sql"),
    include_str!("migrations/010_retention.sql"),
    include_str!("migrations/011_after_conversation.sql"),
    include_str!("migrations/012_audit_detail.sql"),
];

pub(super) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let version = usize::try_from(version).unwrap_or(usize::MAX);
    if version > MIGRATIONS.len() {
        return Err(StorageError::TooNew {
            path: path.to_path_buf(),
            version: version as i64,
        });
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
