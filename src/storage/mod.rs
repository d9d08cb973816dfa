//! Storage: the only module with SQL. One SQLite file; every function here
//! takes a connection and returns values. [`Db`] wraps them for the server:
//! one writer thread (with group commit for submissions) and a pool of
//! read-only connections.

mod audit;
mod conversation;
mod db;
mod error;
mod expectations;
mod file;
mod invites;
mod keys;
mod migrate;
mod purge;
mod releases;
mod results;
mod rounds;
mod sessions;
mod settings;
mod teams;

pub use audit::*;
pub use conversation::*;
pub use db::Db;
pub use error::{Conflict, StorageError, Thing};
pub use expectations::*;
pub use file::*;
pub use invites::*;
pub use keys::*;
pub use purge::*;
pub use releases::*;
pub use results::*;
pub use rounds::*;
pub use sessions::*;
pub use settings::*;
pub use teams::*;

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
