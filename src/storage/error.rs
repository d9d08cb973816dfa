//! What can go wrong in storage, said in plain words without naming a
//! command: the CLI and the pages word it for their own reader.

use std::path::PathBuf;

use crate::domain::date::Date;

/// What a lookup did not find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thing {
    Team,
    Round,
    Key,
    /// A group's result in a round, or one the viewer may not see.
    Result,
}

impl std::fmt::Display for Thing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Thing::Team => "team",
            Thing::Round => "round",
            Thing::Key => "key",
            Thing::Result => "result",
        })
    }
}

/// A request that the database's current state does not allow.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Conflict {
    #[error("the database is already initialised")]
    AlreadyInitialised,
    #[error(
        "a team named {name:?} (id {id}) exists already; names and ids are matched ignoring case"
    )]
    TeamNameTaken { name: String, id: String },
    #[error("team {name:?} was archived on {on}; it gets no new rounds, links or teams under it")]
    TeamArchived { name: String, on: Date },
    #[error("team {name:?} was archived already on {on}")]
    TeamArchivedAlready { name: String, on: Date },
    #[error("cannot move {team:?} under itself or one of its own teams ({parent:?})")]
    TeamUnderItself { team: String, parent: String },
    #[error("{team:?} has teams that are not archived ({})", children.join(", "))]
    TeamHasLiveTeams { team: String, children: Vec<String> },
    #[error(
        "{team:?} has teams under it ({}): move or remove those first, or archive it instead",
        children.join(", ")
    )]
    TeamHasTeams { team: String, children: Vec<String> },
    #[error(
        "{name:?} took part in round(s) {}, so its history stays: archive it instead (it then \
         gets no new rounds or links)",
        rounds.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    )]
    TeamWasInRound { name: String, rounds: Vec<i64> },
    #[error(
        "{name:?} has had a manager key ({}), so it keeps its history: archive it instead",
        if keys.is_empty() { "a sharing choice".to_string() } else {
            keys.iter().map(|k| format!("key {k}")).collect::<Vec<_>>().join(", ")
        }
    )]
    TeamHasKeys { name: String, keys: Vec<i64> },
    #[error("archived teams take part in no new round: {}", teams.join(", "))]
    ArchivedTeamsInRound { teams: Vec<String> },
    #[error("a round needs at least one team")]
    RoundWithoutTeams,
    #[error("the planned close date {closes_on} lies in the past (today is {today})")]
    ClosesInThePast { closes_on: Date, today: Date },
    #[error("round {round} is closed")]
    RoundClosed { round: i64 },
    #[error("round {round} is still open: only a closed round can be released")]
    RoundStillOpen { round: i64 },
    #[error("round {round} was closed already on {on}")]
    RoundClosedAlready { round: i64, on: Date },
    #[error("this team does not take part in round {round} (teams: {})", teams.join(", "))]
    TeamNotInRound { round: i64, teams: Vec<String> },
    #[error(
        "round {round} is closed and its results are computed, but the order of answering is \
         not yet erased ({reason})"
    )]
    NotErased { round: i64, reason: String },
    #[error(
        "the raw responses of round(s) {} were deleted, but the file could not be rewritten \
         yet, so their bytes may remain in free pages or the write-ahead log ({reason})",
        rounds.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    )]
    NotPurgedFromFile { rounds: Vec<i64>, reason: String },
    #[error("key {id} was revoked already on {on}")]
    KeyRevokedAlready { id: i64, on: Date },
    #[error("{} exists already", path.display())]
    FileExists { path: PathBuf },
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("no Spiegel database at {}", .0.display())]
    Missing(PathBuf),
    #[error("cannot open database {}: {reason}", path.display())]
    CannotOpen { path: PathBuf, reason: String },
    #[error("{} is not a usable SQLite database: {reason}", path.display())]
    NotADatabase { path: PathBuf, reason: String },
    #[error("{} was written by a newer Spiegel (schema {version})", path.display())]
    TooNew { path: PathBuf, version: i64 },
    #[error("cannot create {}: {source}", path.display())]
    CannotCreate {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the database is not initialised")]
    NotInitialised,
    #[error("no {what} {id:?}")]
    NotFound { what: Thing, id: String },
    #[error("{0}")]
    Conflict(#[from] Conflict),
    /// Stored data that does not read back (a survey, a result, the team tree).
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    #[error("the database writer has stopped")]
    WriterGone,
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl StorageError {
    pub fn not_found(what: Thing, id: impl ToString) -> StorageError {
        StorageError::NotFound {
            what,
            id: id.to_string(),
        }
    }
}
