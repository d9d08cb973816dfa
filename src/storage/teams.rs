//! Teams: adding, finding by name or id, renaming, moving, sizing and
//! archiving (a team is never deleted).

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::{Conflict, Result, StorageError, Thing, org};
use crate::domain::date::Date;
use crate::domain::team::{ExpectedSize, TeamName};
pub use crate::domain::team::{RESERVED_IDS, slugify};

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
    pub archived_on: Option<Date>,
}

/// Refuses a name that another team (other than `except`) has already,
/// ignoring case, or that is another team's id.
fn check_name_free(conn: &Connection, name: &str, except: Option<i64>) -> Result<()> {
    let lower = name.to_lowercase();
    if let Some(t) = teams(conn)?
        .into_iter()
        .find(|t| Some(t.key) != except && (t.name.to_lowercase() == lower || t.id == lower))
    {
        return Err(Conflict::TeamNameTaken {
            name: t.name,
            id: t.id,
        }
        .into());
    }
    Ok(())
}

pub fn add_team(
    conn: &mut Connection,
    name: &TeamName,
    parent: Option<&str>,
    size: Option<ExpectedSize>,
) -> Result<Team> {
    let size = size.map(ExpectedSize::get);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    org(&tx)?;
    check_name_free(&tx, name.as_str(), None)?;
    let parent_key = match parent {
        Some(p) => Some(live_team(&tx, p)?.key),
        None => None,
    };
    let base = name.id();
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
        params![slug, name.as_str(), parent_key, size],
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
    find_team(conn, name_or_id)?.ok_or_else(|| StorageError::not_found(Thing::Team, name_or_id))
}

/// A team that is not archived (for new rounds, links and children).
pub fn live_team(conn: &Connection, name_or_id: &str) -> Result<Team> {
    let t = team(conn, name_or_id)?;
    if let Some(on) = t.archived_on {
        return Err(Conflict::TeamArchived { name: t.name, on }.into());
    }
    Ok(t)
}

/// Gives a team a new name; its id (in URLs and keys) stays.
pub fn rename_team(conn: &mut Connection, name_or_id: &str, new_name: &TeamName) -> Result<Team> {
    let new_name = new_name.as_str();
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
                    return Err(Conflict::TeamUnderItself {
                        team: t.name,
                        parent: p.name,
                    }
                    .into());
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
pub fn set_team_size(conn: &mut Connection, name_or_id: &str, size: ExpectedSize) -> Result<Team> {
    let t = team(conn, name_or_id)?;
    conn.execute(
        "UPDATE teams SET expected_size = ?2 WHERE id = ?1",
        params![t.key, size.get()],
    )?;
    team(conn, &t.id)
}

/// Archives a team: never deleted (its results and keys stay), it takes part
/// in no new round and gets no new links. A team with live teams under it
/// needs those moved or archived first.
pub fn archive_team(conn: &mut Connection, name_or_id: &str, today: Date) -> Result<Team> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let t = team(&tx, name_or_id)?;
    if let Some(on) = t.archived_on {
        return Err(Conflict::TeamArchivedAlready { name: t.name, on }.into());
    }
    let children: Vec<String> = teams(&tx)?
        .into_iter()
        .filter(|c| c.parent_key == Some(t.key) && c.archived_on.is_none())
        .map(|c| c.id)
        .collect();
    if !children.is_empty() {
        return Err(Conflict::TeamHasLiveTeams {
            team: t.name,
            children,
        }
        .into());
    }
    tx.execute(
        "UPDATE teams SET archived_on = ?2 WHERE id = ?1",
        params![t.key, today],
    )?;
    tx.commit()?;
    team(conn, &t.id)
}

/// Removes a team that never took part in anything: no round (nor links,
/// answers, results, releases, expectations, conversations or focus for
/// it), no teams under it (archived or not), no key (revoked or not) and
/// no sharing choice. Anything else keeps its history: archive it instead.
pub fn remove_team(conn: &mut Connection, name_or_id: &str) -> Result<Team> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let t = team(&tx, name_or_id)?;
    let children: Vec<String> = teams(&tx)?
        .into_iter()
        .filter(|c| c.parent_key == Some(t.key))
        .map(|c| c.id)
        .collect();
    if !children.is_empty() {
        return Err(Conflict::TeamHasTeams {
            team: t.name,
            children,
        }
        .into());
    }
    let mut rounds: Vec<i64> = Vec::new();
    for table in [
        "round_teams",
        "invites",
        "responses",
        "results",
        "releases",
        "expectations",
        "conversations",
        "focus",
    ] {
        let mut stmt = tx.prepare(&format!(
            "SELECT DISTINCT round_id FROM {table} WHERE team_id = ?1"
        ))?;
        for r in stmt.query_map([t.key], |r| r.get::<_, i64>(0))? {
            rounds.push(r?);
        }
    }
    rounds.sort_unstable();
    rounds.dedup();
    if !rounds.is_empty() {
        return Err(Conflict::TeamWasInRound {
            name: t.name,
            rounds,
        }
        .into());
    }
    let mut stmt = tx.prepare("SELECT id FROM keys WHERE team_id = ?1 ORDER BY id")?;
    let keys: Vec<i64> = stmt
        .query_map([t.key], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    drop(stmt);
    let shared = tx
        .query_row("SELECT 1 FROM sharing WHERE team_id = ?1", [t.key], |_| {
            Ok(())
        })
        .optional()?
        .is_some();
    if !keys.is_empty() || shared {
        return Err(Conflict::TeamHasKeys { name: t.name, keys }.into());
    }
    tx.execute("DELETE FROM teams WHERE id = ?1", [t.key])?;
    tx.commit()?;
    Ok(t)
}
