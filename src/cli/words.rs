//! Errors worded for the command line's reader: storage says what went
//! wrong, this says it with the commands and options that help.

use crate::storage::{Conflict, StorageError, Thing};

/// The message for an error that ends a command.
pub fn error(e: &anyhow::Error) -> String {
    match e.downcast_ref::<StorageError>() {
        Some(storage) => storage_error(storage),
        None => format!("{e:#}"),
    }
}

/// A storage error, with what to do about it. Exhaustive: a new kind of
/// failure needs its own words.
pub fn storage_error(e: &StorageError) -> String {
    match e {
        StorageError::Missing(path) => format!(
            "no Spiegel database at {0}; create one with `spiegel init --db {0}`",
            path.display()
        ),
        StorageError::TooNew { .. } => format!("{e}; upgrade spiegel"),
        StorageError::NotInitialised => {
            "the database is not initialised; run `spiegel init` first".into()
        }
        StorageError::NotFound { what, id } => not_found(*what, id),
        StorageError::Conflict(c) => conflict(c),
        StorageError::CannotOpen { .. }
        | StorageError::NotADatabase { .. }
        | StorageError::CannotCreate { .. }
        | StorageError::Corrupt(_)
        | StorageError::WriterGone
        | StorageError::Sqlite(_)
        | StorageError::Io(_) => e.to_string(),
    }
}

fn not_found(what: Thing, id: &str) -> String {
    match what {
        Thing::Team => format!("no team named {id:?}; `spiegel team list` shows the teams"),
        Thing::Round => format!("no round {id}; `spiegel round list` shows the rounds"),
        Thing::Key => format!("no key {id}; `spiegel key list` shows the keys"),
        Thing::Result => format!("no result {id}"),
    }
}

fn conflict(c: &Conflict) -> String {
    match c {
        Conflict::AlreadyInitialised => {
            "this database is already initialised; use another --db for a new organisation".into()
        }
        Conflict::TeamHasLiveTeams { .. } => {
            format!("{c}; move them with `spiegel team move` or archive them first")
        }
        Conflict::TeamHasTeams { .. }
        | Conflict::TeamWasInRound { .. }
        | Conflict::TeamHasKeys { .. } => {
            format!("{c} (`spiegel team archive`)")
        }
        Conflict::RoundWithoutTeams => format!("{c}; add teams with `spiegel team add`"),
        Conflict::RoundClosed { .. } => format!("{c}; open a new round with `spiegel round open`"),
        Conflict::RoundStillOpen { round } => {
            format!("{c}; close it first with `spiegel round close {round}`")
        }
        Conflict::NotErased { round, .. } => format!(
            "{c}. Free disk space (and end other programs that hold the database open), then \
             run `spiegel round close {round}` again"
        ),
        Conflict::NotPurgedFromFile { .. } => format!(
            "{c}. Free disk space (and end other programs that read the database), then run \
             `spiegel purge` again; a running server also retries every minute"
        ),
        Conflict::FileExists { .. } => format!("{c}; choose a new file name"),
        Conflict::TeamNameTaken { .. }
        | Conflict::TeamArchived { .. }
        | Conflict::TeamArchivedAlready { .. }
        | Conflict::TeamUnderItself { .. }
        | Conflict::ArchivedTeamsInRound { .. }
        | Conflict::ClosesInThePast { .. }
        | Conflict::RoundClosedAlready { .. }
        | Conflict::TeamNotInRound { .. }
        | Conflict::KeyRevokedAlready { .. } => c.to_string(),
    }
}
