//! Storage: the only module with SQL. One SQLite file; every function here
//! takes a connection and returns values. [`Db`] wraps them for the server:
//! one writer thread (with group commit for submissions) and a pool of
//! read-only connections.

mod db;
mod file;
mod invites;
mod keys;
mod migrate;
mod results;
mod rounds;
mod sessions;
mod settings;
mod teams;

pub use db::Db;
pub use file::*;
pub use invites::*;
pub use keys::*;
pub use results::*;
pub use rounds::*;
pub use sessions::*;
pub use settings::*;
pub use teams::*;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("no Spiegel database at {0}; create one with `spiegel init --db {0}`")]
    Missing(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// How to open the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Create the file if needed (only `init` and `demo`).
    Create,
    /// The file must exist.
    Existing,
    /// Existing, read-only connection.
    ReadOnly,
}
