//! Teams: adding, finding by name or id, renaming, moving, sizing and
//! archiving (a team is never deleted).

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::{Result, StorageError, org};
use crate::domain::date::Date;

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
