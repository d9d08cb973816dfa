//! The database file: opening it with its pragmas (and migrations), new
//! files readable by their owner only, and consistent copies.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::migrate::migrate;
use super::{Conflict, Mode, Result, StorageError};

/// Opens the database, sets the pragmas and applies pending migrations.
pub fn open(path: &Path, mode: Mode) -> Result<Connection> {
    if mode != Mode::Create && !path.exists() {
        return Err(StorageError::Missing(path.to_path_buf()));
    }
    let cannot_open = |reason: String| StorageError::CannotOpen {
        path: path.to_path_buf(),
        reason,
    };
    let not_a_database = |reason: String| StorageError::NotADatabase {
        path: path.to_path_buf(),
        reason,
    };
    if mode == Mode::Create && !path.exists() {
        // Created readable by the owner only, whatever the umask; SQLite
        // gives the -wal and -shm files the database file's permissions.
        create_private(path).map_err(|e| cannot_open(e.to_string()))?;
    }
    let flags = match mode {
        Mode::Create => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        Mode::Existing => OpenFlags::SQLITE_OPEN_READ_WRITE,
        Mode::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn =
        Connection::open_with_flags(path, flags).map_err(|e| cannot_open(e.to_string()))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Room for every statement a page runs: with rusqlite's default of 16,
    // a team page's ~30 distinct statements pushed each other out and were
    // parsed again on every request.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    if mode == Mode::ReadOnly {
        return Ok(conn);
    }
    let journal: String = conn
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .map_err(|e| not_a_database(e.to_string()))?;
    if !journal.eq_ignore_ascii_case("wal") {
        return Err(not_a_database(format!(
            "cannot switch to WAL journal (got {journal})"
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    migrate(&mut conn, path)?;
    Ok(conn)
}

/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 256;

/// Creates a new, empty file that only its owner may read and write (0600),
/// whatever the umask: the database, backups and files with live links.
pub fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Copies the database into a new file (consistent snapshot, also while serving).
pub fn backup(conn: &Connection, to: &Path) -> Result<()> {
    if to.exists() {
        return Err(Conflict::FileExists {
            path: to.to_path_buf(),
        }
        .into());
    }
    // VACUUM INTO fills an empty file; created here, it is the owner's only.
    create_private(to).map_err(|source| StorageError::CannotCreate {
        path: to.to_path_buf(),
        source,
    })?;
    if let Err(e) = conn.execute("VACUUM INTO ?1", [to.display().to_string()]) {
        let _ = std::fs::remove_file(to);
        return Err(e.into());
    }
    Ok(())
}
