//! Storage: the only module with SQL. One SQLite file; every function here
//! takes a connection and returns values. [`Db`] wraps them for the server:
//! one writer thread (with group commit for submissions) and a pool of
//! read-only connections.

mod db;

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use std::collections::HashMap;

use crate::domain::access::Principal;
use crate::domain::answers::Answers;
use crate::domain::date::Date;
use crate::domain::release::GroupId;
use crate::domain::results::{Outcome, Response, RoundInput, TeamInfo, compute_round};
use crate::domain::stats::ItemDef;
use crate::domain::survey::Survey;
use crate::domain::token;

pub use db::Db;

const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_init.sql"),
    include_str!("migrations/002_results_keys.sql"),
    include_str!("migrations/003_sessions.sql"),
    include_str!("migrations/004_team_ids.sql"),
    include_str!("migrations/005_archived_teams.sql"),
    include_str!("migrations/006_erased.sql"),
];

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

/// Opens the database, sets the pragmas and applies pending migrations.
pub fn open(path: &Path, mode: Mode) -> Result<Connection> {
    let display = path.display().to_string();
    if mode != Mode::Create && !path.exists() {
        return Err(StorageError::Missing(display));
    }
    if mode == Mode::Create && !path.exists() {
        // Created readable by the owner only, whatever the umask; SQLite
        // gives the -wal and -shm files the database file's permissions.
        create_private(path)
            .map_err(|e| StorageError::Invalid(format!("cannot open database {display}: {e}")))?;
    }
    let flags = match mode {
        Mode::Create => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        Mode::Existing => OpenFlags::SQLITE_OPEN_READ_WRITE,
        Mode::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags)
        .map_err(|e| StorageError::Invalid(format!("cannot open database {display}: {e}")))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    if mode == Mode::ReadOnly {
        return Ok(conn);
    }
    let journal: String = conn
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .map_err(|e| {
            StorageError::Invalid(format!("{display} is not a usable SQLite database: {e}"))
        })?;
    if !journal.eq_ignore_ascii_case("wal") {
        return Err(StorageError::Invalid(format!(
            "{display}: cannot switch to WAL journal (got {journal})"
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    migrate(&mut conn, &display)?;
    Ok(conn)
}

/// Creates a new, empty file that only its owner may read and write (0600),
/// whatever the umask: the database, backups and files with live links.
pub fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

fn migrate(conn: &mut Connection, display: &str) -> Result<()> {
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

// ---------------------------------------------------------------- org

#[derive(Debug, Clone, Serialize)]
pub struct Org {
    pub name: String,
    pub k: u32,
}

pub fn init(conn: &mut Connection, name: &str, k: u32) -> Result<Org> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let exists: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM org)", [], |r| r.get(0))?;
    if exists {
        return Err(StorageError::Conflict(
            "this database is already initialised; use another --db for a new organisation".into(),
        ));
    }
    tx.execute(
        "INSERT INTO org (id, name, k) VALUES (1, ?1, ?2)",
        params![name, k],
    )?;
    tx.commit()?;
    Ok(Org {
        name: name.to_string(),
        k,
    })
}

pub fn org(conn: &Connection) -> Result<Org> {
    conn.query_row("SELECT name, k FROM org WHERE id = 1", [], |r| {
        Ok(Org {
            name: r.get(0)?,
            k: r.get(1)?,
        })
    })
    .optional()?
    .ok_or_else(|| {
        StorageError::Invalid("the database is not initialised; run `spiegel init` first".into())
    })
}

// ---------------------------------------------------------------- teams

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Team {
    #[serde(skip)]
    pub key: i64,
    /// Stable id for URLs, derived from the name when the team is added.
    pub id: String,
    pub name: String,
    /// The parent's id (slug), if any.
    pub parent: Option<String>,
    #[serde(skip)]
    pub parent_key: Option<i64>,
    pub expected_size: Option<u32>,
    /// The day the team was archived: it keeps its history but takes part
    /// in no new round and gets no new links.
    pub archived_on: Option<String>,
}

/// Ids no team may take: the organisation's own id (`organisation`, in the
/// API and on the pages) and words of the routes. Migration 004 holds the
/// same list.
pub const RESERVED_IDS: &[&str] = &[
    "organisation",
    "organization",
    "organisatie",
    "overview",
    "overzicht",
    "teams",
    "rounds",
    "trend",
    "api",
];

/// Checks a team name: trimmed, 1 to 100 characters, at least one letter or
/// digit, and an id that is not reserved.
fn check_team_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(StorageError::Invalid(
            "a team name needs 1 to 100 characters".into(),
        ));
    }
    if !name.chars().any(char::is_alphanumeric) {
        return Err(StorageError::Invalid(format!(
            "a team name needs at least one letter or digit; {name:?} has none"
        )));
    }
    let slug = slugify(name);
    if RESERVED_IDS.contains(&slug.as_str()) {
        return Err(StorageError::Invalid(format!(
            "the id {slug:?} is reserved (`organisation` stands for the whole organisation \
             in the API and on the pages); choose another name, e.g. \"{name} team\""
        )));
    }
    Ok(name)
}

/// Refuses a name that another team (other than `except`) has already,
/// ignoring case, or that is another team's id.
fn check_name_free(conn: &Connection, name: &str, except: Option<i64>) -> Result<()> {
    let lower = name.to_lowercase();
    if let Some(t) = teams(conn)?
        .into_iter()
        .find(|t| Some(t.key) != except && (t.name.to_lowercase() == lower || t.id == lower))
    {
        return Err(StorageError::Conflict(format!(
            "a team named {:?} (id {}) exists already; names and ids are matched ignoring case",
            t.name, t.id
        )));
    }
    Ok(())
}

pub fn add_team(
    conn: &mut Connection,
    name: &str,
    parent: Option<&str>,
    size: Option<u32>,
) -> Result<Team> {
    let name = check_team_name(name)?;
    if size == Some(0) {
        return Err(StorageError::Invalid("--size must be at least 1".into()));
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    org(&tx)?;
    check_name_free(&tx, name, None)?;
    let parent_key = match parent {
        Some(p) => Some(live_team(&tx, p)?.key),
        None => None,
    };
    let base = slugify(name);
    let mut slug = base.clone();
    let mut n = 2;
    while tx
        .query_row(
            "SELECT 1 FROM teams WHERE slug = ?1 COLLATE NOCASE",
            [&slug],
            |_| Ok(()),
        )
        .optional()?
        .is_some()
    {
        slug = format!("{base}-{n}");
        n += 1;
    }
    tx.execute(
        "INSERT INTO teams (slug, name, parent_id, expected_size) VALUES (?1, ?2, ?3, ?4)",
        params![slug, name, parent_key, size],
    )?;
    tx.commit()?;
    team(conn, &slug)
}

const TEAM_SELECT: &str =
    "SELECT t.id, t.slug, t.name, p.slug, t.parent_id, t.expected_size, t.archived_on
     FROM teams t LEFT JOIN teams p ON p.id = t.parent_id";

fn team_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Team> {
    Ok(Team {
        key: r.get(0)?,
        id: r.get(1)?,
        name: r.get(2)?,
        parent: r.get(3)?,
        parent_key: r.get(4)?,
        expected_size: r.get(5)?,
        archived_on: r.get(6)?,
    })
}

pub fn teams(conn: &Connection) -> Result<Vec<Team>> {
    let mut stmt = conn.prepare_cached(&format!("{TEAM_SELECT} ORDER BY t.name COLLATE NOCASE"))?;
    let rows = stmt.query_map([], team_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A team by its exact name, else its name ignoring case, else its id
/// ignoring case.
fn find_team(conn: &Connection, name_or_id: &str) -> Result<Option<Team>> {
    let wanted = name_or_id.trim();
    let lower = wanted.to_lowercase();
    let all = teams(conn)?;
    let found = all
        .iter()
        .position(|t| t.name == wanted)
        .or_else(|| all.iter().position(|t| t.name.to_lowercase() == lower))
        .or_else(|| all.iter().position(|t| t.id == lower));
    Ok(found.map(|i| all[i].clone()))
}

/// A team by its name or its id.
pub fn team(conn: &Connection, name_or_id: &str) -> Result<Team> {
    find_team(conn, name_or_id)?.ok_or_else(|| {
        StorageError::NotFound(format!(
            "no team named {name_or_id:?}; `spiegel team list` shows the teams"
        ))
    })
}

/// A team that is not archived (for new rounds, links and children).
pub fn live_team(conn: &Connection, name_or_id: &str) -> Result<Team> {
    let t = team(conn, name_or_id)?;
    if let Some(on) = &t.archived_on {
        return Err(StorageError::Invalid(format!(
            "team {:?} was archived on {on}; it gets no new rounds, links or teams under it",
            t.name
        )));
    }
    Ok(t)
}

/// Gives a team a new name; its id (in URLs and keys) stays.
pub fn rename_team(conn: &mut Connection, name_or_id: &str, new_name: &str) -> Result<Team> {
    let new_name = check_team_name(new_name)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let t = team(&tx, name_or_id)?;
    check_name_free(&tx, new_name, Some(t.key))?;
    tx.execute(
        "UPDATE teams SET name = ?2 WHERE id = ?1",
        params![t.key, new_name],
    )?;
    tx.commit()?;
    team(conn, &t.id)
}

/// Moves a team under another (`None`: to the top). Closed rounds keep the
/// results computed with the old place; a round closed later rolls up with
/// the new one.
pub fn move_team(conn: &mut Connection, name_or_id: &str, parent: Option<&str>) -> Result<Team> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let t = team(&tx, name_or_id)?;
    let parent_key = match parent {
        Some(p) => {
            let p = live_team(&tx, p)?;
            // Walk up from the new parent: meeting the team means a cycle.
            let all = teams(&tx)?;
            let mut at = Some(p.key);
            while let Some(key) = at {
                if key == t.key {
                    return Err(StorageError::Invalid(format!(
                        "cannot move {:?} under itself or one of its own teams ({:?})",
                        t.name, p.name
                    )));
                }
                at = all.iter().find(|x| x.key == key).and_then(|x| x.parent_key);
            }
            Some(p.key)
        }
        None => None,
    };
    tx.execute(
        "UPDATE teams SET parent_id = ?2 WHERE id = ?1",
        params![t.key, parent_key],
    )?;
    tx.commit()?;
    team(conn, &t.id)
}

/// Sets a team's expected size (for participation).
pub fn set_team_size(conn: &mut Connection, name_or_id: &str, size: u32) -> Result<Team> {
    if size == 0 {
        return Err(StorageError::Invalid("the size must be at least 1".into()));
    }
    let t = team(conn, name_or_id)?;
    conn.execute(
        "UPDATE teams SET expected_size = ?2 WHERE id = ?1",
        params![t.key, size],
    )?;
    team(conn, &t.id)
}

/// Archives a team: never deleted (its results and keys stay), it takes part
/// in no new round and gets no new links. A team with live teams under it
/// needs those moved or archived first.
pub fn archive_team(conn: &mut Connection, name_or_id: &str, today: Date) -> Result<Team> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let t = team(&tx, name_or_id)?;
    if let Some(on) = &t.archived_on {
        return Err(StorageError::Conflict(format!(
            "team {:?} was archived already on {on}",
            t.name
        )));
    }
    let children: Vec<String> = teams(&tx)?
        .into_iter()
        .filter(|c| c.parent_key == Some(t.key) && c.archived_on.is_none())
        .map(|c| c.id)
        .collect();
    if !children.is_empty() {
        return Err(StorageError::Invalid(format!(
            "{:?} has teams that are not archived ({}); move them with `spiegel team move` \
             or archive them first",
            t.name,
            children.join(", ")
        )));
    }
    tx.execute(
        "UPDATE teams SET archived_on = ?2 WHERE id = ?1",
        params![t.key, today.to_string()],
    )?;
    tx.commit()?;
    team(conn, &t.id)
}

/// A URL-safe id from a free-text name: "Zorg & Welzijn" → "zorg-welzijn".
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out
        .trim_end_matches('-')
        .chars()
        .take(48)
        .collect::<String>();
    if out.is_empty() { "team".into() } else { out }
}

// ---------------------------------------------------------------- rounds

#[derive(Debug, Clone, Serialize)]
pub struct Round {
    pub id: i64,
    pub survey: String,
    pub survey_hash: String,
    pub title: String,
    pub opened_on: String,
    pub closes_on: Option<String>,
    pub closed_on: Option<String>,
    /// When the order of answering of a closed round was erased (the file
    /// rewritten, the write-ahead log emptied); `None` until that succeeded.
    pub erased_on: Option<String>,
    pub k: u32,
    /// `open` or `closed`.
    pub state: &'static str,
    /// Ids of the participating teams.
    pub teams: Vec<String>,
}

pub fn open_round(
    conn: &mut Connection,
    survey: &Survey,
    title: &str,
    team_keys: &[i64],
    closes_on: Option<Date>,
    today: Date,
) -> Result<Round> {
    if team_keys.is_empty() {
        return Err(StorageError::Invalid(
            "a round needs at least one team; add teams with `spiegel team add`".into(),
        ));
    }
    if let Some(c) = closes_on
        && c < today
    {
        return Err(StorageError::Invalid(format!(
            "the planned close date {c} lies in the past (today is {today})"
        )));
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let k = org(&tx)?.k;
    let archived: Vec<String> = teams(&tx)?
        .into_iter()
        .filter(|t| t.archived_on.is_some() && team_keys.contains(&t.key))
        .map(|t| t.name)
        .collect();
    if !archived.is_empty() {
        return Err(StorageError::Invalid(format!(
            "archived teams take part in no new round: {}",
            archived.join(", ")
        )));
    }
    tx.execute(
        "INSERT INTO rounds (survey_id, survey_hash, survey_source, title, opened_on, closes_on, k)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            survey.id,
            survey.hash,
            survey.source,
            title,
            today.to_string(),
            closes_on.map(|d| d.to_string()),
            k
        ],
    )?;
    let id = tx.last_insert_rowid();
    for key in team_keys {
        tx.execute(
            "INSERT OR IGNORE INTO round_teams (round_id, team_id) VALUES (?1, ?2)",
            params![id, key],
        )?;
    }
    tx.commit()?;
    round(conn, id)
}

const ROUND_SELECT: &str = "SELECT r.id, r.survey_id, r.survey_hash, r.title, r.opened_on, r.closes_on, r.closed_on, r.k,
        (SELECT group_concat(t.slug, ',') FROM round_teams rt JOIN teams t ON t.id = rt.team_id WHERE rt.round_id = r.id),
        r.erased_on
     FROM rounds r";

fn round_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Round> {
    let closed_on: Option<String> = r.get(6)?;
    let teams: Option<String> = r.get(8)?;
    let mut teams: Vec<String> = teams
        .map(|t| t.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    teams.sort();
    Ok(Round {
        id: r.get(0)?,
        survey: r.get(1)?,
        survey_hash: r.get(2)?,
        title: r.get(3)?,
        opened_on: r.get(4)?,
        closes_on: r.get(5)?,
        state: if closed_on.is_some() {
            "closed"
        } else {
            "open"
        },
        closed_on,
        erased_on: r.get(9)?,
        k: r.get(7)?,
        teams,
    })
}

/// Every round without its list of teams (cheaper; `teams` is empty).
pub fn rounds_brief(conn: &Connection) -> Result<Vec<Round>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.survey_id, r.survey_hash, r.title, r.opened_on, r.closes_on, r.closed_on, r.k, NULL, r.erased_on
         FROM rounds r ORDER BY r.id",
    )?;
    let rows = stmt.query_map([], round_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn rounds(conn: &Connection) -> Result<Vec<Round>> {
    let mut stmt = conn.prepare_cached(&format!("{ROUND_SELECT} ORDER BY r.id"))?;
    let rows = stmt.query_map([], round_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn round(conn: &Connection, id: i64) -> Result<Round> {
    let mut stmt = conn.prepare_cached(&format!("{ROUND_SELECT} WHERE r.id = ?1"))?;
    stmt.query_row([id], round_row).optional()?.ok_or_else(|| {
        StorageError::NotFound(format!(
            "no round {id}; `spiegel round list` shows the rounds"
        ))
    })
}

/// The survey text pinned when the round opened.
pub fn round_survey_source(conn: &Connection, id: i64) -> Result<String> {
    let mut stmt = conn.prepare_cached("SELECT survey_source FROM rounds WHERE id = ?1")?;
    stmt.query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StorageError::NotFound(format!("no round {id}")))
}

/// Closes a round: computes and stores what each group may show (once; a
/// closed round never changes), deletes its invites (with `secure_delete`),
/// then erases the order of answering: rewrites the file so that neither old
/// page images nor the physical order of rows survive, and empties the
/// write-ahead log. When that last step cannot complete (a full disk, a
/// reader holding the log), the round stays closed with its results and the
/// error says so and how to retry: calling this again on the round retries
/// the erasure.
pub fn close_round(conn: &mut Connection, id: i64, today: Date) -> Result<Round> {
    close_without_erasing(conn, id, today)?;
    erase_pending(conn, today, Some(id))?;
    round(conn, id)
}

/// The error of a closed round whose order of answering survives.
fn not_erased(round: i64, reason: &str) -> StorageError {
    StorageError::Invalid(format!(
        "round {round} is closed and its results are computed, but the order of answering is \
         not yet erased ({reason}). Free disk space (and end other programs that hold the \
         database open), then run `spiegel round close {round}` again"
    ))
}

/// The closing transaction; a round closed before but not yet erased passes.
fn close_without_erasing(conn: &mut Connection, id: i64, today: Date) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let r = round(&tx, id)?;
    if let Some(closed_on) = &r.closed_on {
        if r.erased_on.is_none() {
            return Ok(());
        }
        return Err(StorageError::Conflict(format!(
            "round {id} was closed already on {closed_on}"
        )));
    }
    store_results(&tx, &r)?;
    tx.execute("DELETE FROM invites WHERE round_id = ?1", [id])?;
    tx.execute(
        "UPDATE rounds SET closed_on = ?2 WHERE id = ?1",
        params![id, today.to_string()],
    )?;
    tx.commit()?;
    Ok(())
}

/// Erases the order of answering of every closed round not yet erased, and
/// records it; returns their ids (empty when nothing was pending).
pub fn erase_closed_rounds(conn: &mut Connection, today: Date) -> Result<Vec<i64>> {
    erase_pending(conn, today, None)
}

/// [`erase_closed_rounds`]; an error names `round` (default: the first
/// pending one).
fn erase_pending(conn: &mut Connection, today: Date, round: Option<i64>) -> Result<Vec<i64>> {
    let pending: Vec<i64> = {
        let mut stmt = conn.prepare(
            "SELECT id FROM rounds WHERE closed_on IS NOT NULL AND erased_on IS NULL ORDER BY id",
        )?;
        stmt.query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?
    };
    let Some(&first) = pending.first() else {
        return Ok(pending);
    };
    compact(conn).map_err(|reason| not_erased(round.unwrap_or(first), &reason))?;
    // Only rounds closed before the VACUUM above: one closed meanwhile by
    // another process stays pending.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for id in &pending {
        tx.execute(
            "UPDATE rounds SET erased_on = ?2 WHERE id = ?1",
            params![id, today.to_string()],
        )?;
    }
    tx.commit()?;
    // That small write need not stay in the log either; best effort.
    let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    Ok(pending)
}

/// VACUUM (rows in key order, free pages gone), then a checkpoint that
/// empties the WAL. Any step that does not complete is an error, with what
/// SQLite reported.
fn compact(conn: &Connection) -> std::result::Result<(), String> {
    conn.execute_batch("VACUUM")
        .map_err(|e| format!("rewriting the file (VACUUM) failed: {e}"))?;
    let (busy, log, done): (i64, i64, i64) = conn
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .map_err(|e| format!("emptying the write-ahead log failed: {e}"))?;
    if busy != 0 || log != 0 {
        return Err(format!(
            "the write-ahead log could not be emptied: another connection was reading \
             (checkpoint: busy {busy}, {log} pages in the log, {done} copied)"
        ));
    }
    Ok(())
}

/// Team id of the organisation's row in `results`.
pub const ORGANISATION: i64 = 0;

/// Everything [`compute_round`] needs for one round, loaded once.
pub struct RoundData {
    k: u32,
    points: u8,
    items: Vec<ItemDef>,
    dimensions: Vec<String>,
    teams: Vec<TeamInfo>,
    responses: Vec<Response>,
    previous: HashMap<GroupId, Outcome>,
}

impl RoundData {
    /// The computation's input; `seed` shuffles the comments.
    pub fn input(&self, seed: u64) -> RoundInput<'_> {
        RoundInput {
            k: self.k,
            points: self.points,
            items: &self.items,
            dimensions: &self.dimensions,
            teams: &self.teams,
            responses: &self.responses,
            previous: &self.previous,
            seed,
        }
    }

    pub fn responses(&self) -> usize {
        self.responses.len()
    }
}

/// Loads a round's pinned survey, its teams, its responses and each group's
/// previous outcome of the same survey.
pub fn round_data(conn: &Connection, r: &Round) -> Result<RoundData> {
    let source = round_survey_source(conn, r.id)?;
    let survey =
        crate::domain::survey::parse(&format!("round {}", r.id), &source, None).map_err(|e| {
            StorageError::Invalid(format!(
                "the survey stored with round {} no longer parses: {e}",
                r.id
            ))
        })?;
    let items: Vec<ItemDef> = survey
        .items
        .iter()
        .map(|i| ItemDef {
            id: i.id.clone(),
            dimension: i.dimension.clone(),
            reverse: i.reverse,
        })
        .collect();
    let dimensions: Vec<String> = survey.dimensions.iter().map(|d| d.id.clone()).collect();
    let participating: std::collections::HashSet<i64> = {
        let mut stmt =
            conn.prepare_cached("SELECT team_id FROM round_teams WHERE round_id = ?1")?;
        stmt.query_map([r.id], |row| row.get(0))?
            .collect::<Result<_, _>>()?
    };
    let teams: Vec<TeamInfo> = teams(conn)?
        .into_iter()
        .map(|t| TeamInfo {
            key: t.key,
            parent: t.parent_key,
            expected_size: t.expected_size,
            participates: participating.contains(&t.key),
        })
        .collect();
    let responses: Vec<Response> = {
        let mut stmt = conn.prepare_cached(
            "SELECT team_id, answers, comment FROM responses WHERE round_id = ?1",
        )?;
        stmt.query_map([r.id], |row| {
            let answers: Vec<u8> = row.get(1)?;
            Ok(Response {
                team: row.get(0)?,
                values: Answers::decode(&answers),
                comment: row.get(2)?,
            })
        })?
        .collect::<Result<_, _>>()?
    };
    Ok(RoundData {
        k: r.k,
        points: survey.scale.points,
        items,
        dimensions,
        teams,
        responses,
        previous: previous_outcomes(conn, &r.survey, r.id)?,
    })
}

fn store_results(conn: &Connection, r: &Round) -> Result<()> {
    let data = round_data(conn, r)?;
    let seed = u64::from_le_bytes(token::random_bytes::<8>()?);
    let results = compute_round(&data.input(seed))
        .map_err(|e| StorageError::Invalid(format!("team tree: {e}")))?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO results (round_id, team_id, status, respondents, score, body, comments)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for g in results {
        let team_id = match g.group {
            GroupId::Organisation => ORGANISATION,
            GroupId::Team(t) => t,
        };
        let (status, respondents, score) = match &g.outcome {
            Outcome::Released(rel) => ("released", Some(rel.respondents), Some(rel.score)),
            Outcome::Suppressed { .. } => ("suppressed", None, None),
        };
        let body =
            serde_json::to_string(&g.outcome).map_err(|e| StorageError::Invalid(e.to_string()))?;
        let comments =
            serde_json::to_string(&g.comments).map_err(|e| StorageError::Invalid(e.to_string()))?;
        insert.execute(params![
            r.id,
            team_id,
            status,
            respondents,
            score,
            body,
            comments
        ])?;
    }
    Ok(())
}

/// Each group's outcome in its latest earlier closed round of the same survey.
fn previous_outcomes(
    conn: &Connection,
    survey: &str,
    before: i64,
) -> Result<HashMap<GroupId, Outcome>> {
    let mut stmt = conn.prepare_cached(
        "SELECT team_id, body FROM (
             SELECT r.team_id, r.body,
                    row_number() OVER (PARTITION BY r.team_id ORDER BY r.round_id DESC) AS rn
             FROM results r JOIN rounds o ON o.id = r.round_id
             WHERE o.survey_id = ?1 AND r.round_id < ?2)
         WHERE rn = 1",
    )?;
    let rows = stmt.query_map(params![survey, before], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
    })?;
    let mut out = HashMap::new();
    for row in rows {
        let (team, body) = row?;
        let outcome: Outcome = serde_json::from_str(&body)
            .map_err(|e| StorageError::Invalid(format!("stored result unreadable: {e}")))?;
        let g = if team == ORGANISATION {
            GroupId::Organisation
        } else {
            GroupId::Team(team)
        };
        out.insert(g, outcome);
    }
    Ok(out)
}

/// Closes every open round whose planned close date has passed, without the
/// erasure: call [`erase_closed_rounds`] next (and again until it succeeds).
pub fn close_due_rounds(conn: &mut Connection, today: Date) -> Result<Vec<i64>> {
    let due: Vec<i64> = {
        let mut stmt = conn.prepare(
            "SELECT id FROM rounds WHERE closed_on IS NULL AND closes_on IS NOT NULL AND closes_on < ?1",
        )?;
        stmt.query_map([today.to_string()], |r| r.get(0))?
            .collect::<Result<_, _>>()?
    };
    for id in &due {
        close_without_erasing(conn, *id, today)?;
    }
    Ok(due)
}

// ---------------------------------------------------------------- invites

/// Creates `count` invites for a team in an open round; returns the tokens,
/// which exist only in this return value from now on.
pub fn create_invites(
    conn: &mut Connection,
    round_id: i64,
    team_key: i64,
    count: u32,
) -> Result<Vec<String>> {
    if count == 0 || count > 10_000 {
        return Err(StorageError::Invalid(
            "--count must be between 1 and 10000".into(),
        ));
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let r = round(&tx, round_id)?;
    if r.closed_on.is_some() {
        return Err(StorageError::Conflict(format!(
            "round {round_id} is closed; open a new round with `spiegel round open`"
        )));
    }
    let in_round: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM round_teams WHERE round_id = ?1 AND team_id = ?2)",
        params![round_id, team_key],
        |r| r.get(0),
    )?;
    if !in_round {
        return Err(StorageError::Invalid(format!(
            "this team does not take part in round {round_id} (teams: {})",
            r.teams.join(", ")
        )));
    }
    let archived: Option<Option<String>> = tx
        .query_row(
            "SELECT archived_on FROM teams WHERE id = ?1",
            [team_key],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(Some(on)) = archived {
        return Err(StorageError::Invalid(format!(
            "this team was archived on {on}; it gets no new links"
        )));
    }
    let mut tokens = Vec::with_capacity(count as usize);
    {
        let mut stmt =
            tx.prepare("INSERT INTO invites (hash, round_id, team_id) VALUES (?1, ?2, ?3)")?;
        for _ in 0..count {
            let t = token::new_secret()?;
            stmt.execute(params![
                token::hash_secret(&t).as_slice(),
                round_id,
                team_key
            ])?;
            tokens.push(t);
        }
    }
    tx.commit()?;
    Ok(tokens)
}

/// Spends an invite and stores the answers. Call inside a transaction: the
/// two statements stand or fall together. Returns false (and stores nothing)
/// when the token is unknown, used, or its round is not open any more.
pub fn submit(
    conn: &Connection,
    hash: &[u8; 32],
    round_id: i64,
    answers: &[u8],
    comment: Option<&str>,
    today: Date,
) -> Result<bool> {
    // The date is compared here, not bound into the SQL: a bound value in a
    // range condition makes SQLite re-prepare the statement on every step.
    if !round_takes_answers(conn, round_id, today)? {
        return Ok(false);
    }
    let mut spend = conn.prepare_cached(
        "UPDATE invites SET used = 1 WHERE hash = ?1 AND used = 0 AND round_id = ?2 RETURNING team_id",
    )?;
    let team: Option<i64> = spend
        .query_row(params![hash.as_slice(), round_id], |r| r.get(0))
        .optional()?;
    let Some(team) = team else {
        return Ok(false);
    };
    let id = token::random_bytes::<16>()?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO responses (id, round_id, team_id, answers, comment) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    insert.execute(params![id.as_slice(), round_id, team, answers, comment])?;
    Ok(true)
}

/// Whether a round is open and not past its planned close date.
fn round_takes_answers(conn: &Connection, round_id: i64, today: Date) -> Result<bool> {
    Ok(answering_k(conn, round_id, today)?.is_some())
}

/// The k of a round that takes answers today (open, not past its planned
/// close date); `None` otherwise.
fn answering_k(conn: &Connection, round_id: i64, today: Date) -> Result<Option<u32>> {
    let mut stmt =
        conn.prepare_cached("SELECT k, closed_on, closes_on FROM rounds WHERE id = ?1")?;
    let row: Option<(u32, Option<String>, Option<String>)> = stmt
        .query_row([round_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(match row {
        Some((k, None, closes_on)) if before_close(closes_on.as_deref(), today) => Some(k),
        _ => None,
    })
}

/// A planned close date (`YYYY-MM-DD`) has not passed yet.
fn before_close(closes_on: Option<&str>, today: Date) -> bool {
    closes_on.is_none_or(|c| c >= today.to_string().as_str())
}

/// Stores one submission in its own transaction (CLI, demo and tests; the
/// server batches through [`Db`]).
pub fn submit_one(
    conn: &mut Connection,
    hash: &[u8; 32],
    round_id: i64,
    answers: &[u8],
    comment: Option<&str>,
    today: Date,
) -> Result<bool> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let ok = submit(&tx, hash, round_id, answers, comment, today)?;
    tx.commit()?;
    Ok(ok)
}

/// Number of responses of a team in a round.
pub fn response_count(conn: &Connection, round_id: i64, team_key: i64) -> Result<u32> {
    let mut stmt =
        conn.prepare_cached("SELECT count(*) FROM responses WHERE round_id = ?1 AND team_id = ?2")?;
    Ok(stmt.query_row(params![round_id, team_key], |r| r.get(0))?)
}

/// Copies the database into a new file (consistent snapshot, also while serving).
pub fn backup(conn: &Connection, to: &Path) -> Result<()> {
    if to.exists() {
        return Err(StorageError::Conflict(format!(
            "{} exists already; choose a new file name",
            to.display()
        )));
    }
    // VACUUM INTO fills an empty file; created here, it is the owner's only.
    create_private(to)
        .map_err(|e| StorageError::Invalid(format!("cannot create {}: {e}", to.display())))?;
    if let Err(e) = conn.execute("VACUUM INTO ?1", [to.display().to_string()]) {
        let _ = std::fs::remove_file(to);
        return Err(e.into());
    }
    Ok(())
}

/// What the phone form needs to know about a live invite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormContext {
    pub round_id: i64,
    pub team_name: String,
    pub k: u32,
}

/// The form context of an unused invite in an open round, or `None` — the
/// same `None` for unknown, used and closed, so nobody can tell them apart.
///
/// Three point queries rather than one join: SQLite re-prepares a join with
/// a bound parameter on every step, which made this lookup 7× slower.
pub fn form_context(
    conn: &Connection,
    hash: &[u8; 32],
    today: Date,
) -> Result<Option<FormContext>> {
    let mut invite =
        conn.prepare_cached("SELECT round_id, team_id FROM invites WHERE hash = ?1 AND used = 0")?;
    let Some((round_id, team_id)) = invite
        .query_row([hash.as_slice()], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })
        .optional()?
    else {
        return Ok(None);
    };
    let Some(k) = answering_k(conn, round_id, today)? else {
        return Ok(None);
    };
    let mut team = conn.prepare_cached("SELECT name FROM teams WHERE id = ?1")?;
    let team_name: String = team.query_row([team_id], |r| r.get(0))?;
    Ok(Some(FormContext {
        round_id,
        team_name,
        k,
    }))
}

// ---------------------------------------------------------------- results

/// A stored result of one group in one closed round.
#[derive(Debug, Clone)]
pub struct ResultRow {
    pub round_id: i64,
    pub team_id: i64,
    pub released: bool,
    /// The serialised [`Outcome`].
    pub body: String,
    /// JSON array of shuffled comments (empty unless allowed).
    pub comments: String,
}

fn result_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ResultRow> {
    Ok(ResultRow {
        round_id: r.get(0)?,
        team_id: r.get(1)?,
        body: r.get(2)?,
        comments: r.get(3)?,
        released: r.get::<_, String>(4)? == "released",
    })
}

/// A group's results over all its closed rounds, oldest first
/// (`team_id` [`ORGANISATION`] for the whole organisation).
pub fn team_results(conn: &Connection, team_id: i64) -> Result<Vec<ResultRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT round_id, team_id, body, comments, status FROM results WHERE team_id = ?1 ORDER BY round_id",
    )?;
    let rows = stmt.query_map([team_id], result_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn team_result(conn: &Connection, team_id: i64, round_id: i64) -> Result<Option<ResultRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT round_id, team_id, body, comments, status FROM results WHERE team_id = ?1 AND round_id = ?2",
    )?;
    Ok(stmt
        .query_row(params![team_id, round_id], result_row)
        .optional()?)
}

/// Every stored result as a heatmap cell: (team id, round id, respondents and
/// score when released).
pub type Cell = (i64, i64, Option<u32>, Option<f64>);

pub fn result_cells(conn: &Connection) -> Result<Vec<Cell>> {
    let mut stmt = conn.prepare_cached(
        "SELECT team_id, round_id, respondents, score FROM results ORDER BY round_id, team_id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Respondents (responses with at least one answer) per team in an open
/// round; only ever compared with k, never shown.
pub fn open_respondents(conn: &Connection, round_id: i64) -> Result<HashMap<i64, u32>> {
    let mut stmt = conn.prepare_cached(
        "SELECT team_id, count(*) FROM responses
         WHERE round_id = ?1 AND answers != zeroblob(length(answers))
         GROUP BY team_id",
    )?;
    let rows = stmt.query_map([round_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether managers may read their team's comments.
pub fn comments_to_managers(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT comments_to_managers FROM org WHERE id = 1",
        [],
        |r| r.get(0),
    )?)
}

pub fn set_comments_to_managers(conn: &mut Connection, on: bool) -> Result<()> {
    org(conn)?;
    conn.execute(
        "UPDATE org SET comments_to_managers = ?1 WHERE id = 1",
        [on],
    )?;
    Ok(())
}

// ---------------------------------------------------------------- keys

#[derive(Debug, Clone, Serialize)]
pub struct KeyInfo {
    pub id: i64,
    pub role: String,
    pub team: Option<String>,
    pub label: String,
    pub created_on: String,
    pub revoked_on: Option<String>,
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
            today.to_string()
        ],
    )?;
    Ok((conn.last_insert_rowid(), secret))
}

pub fn keys(conn: &Connection) -> Result<Vec<KeyInfo>> {
    let mut stmt = conn.prepare_cached(
        "SELECT k.id, k.role, t.slug, k.label, k.created_on, k.revoked_on
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
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn revoke_key(conn: &mut Connection, id: i64, today: Date) -> Result<()> {
    let revoked: Option<Option<String>> = conn
        .query_row("SELECT revoked_on FROM keys WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    match revoked {
        None => Err(StorageError::NotFound(format!(
            "no key {id}; `spiegel key list` shows the keys"
        ))),
        Some(Some(on)) => Err(StorageError::Conflict(format!(
            "key {id} was revoked already on {on}"
        ))),
        Some(None) => {
            conn.execute(
                "UPDATE keys SET revoked_on = ?2 WHERE id = ?1",
                params![id, today.to_string()],
            )?;
            Ok(())
        }
    }
}

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

fn principal_of(role: &str, team: Option<i64>) -> Option<Principal> {
    match (role, team) {
        ("manager", Some(team)) => Some(Principal::Manager { team }),
        ("advisor", None) => Some(Principal::Advisor),
        _ => None,
    }
}

fn live_key(conn: &Connection, hash: &[u8; 32]) -> Result<Option<(i64, Principal)>> {
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
