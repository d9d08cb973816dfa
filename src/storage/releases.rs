//! Advisor-first release: which team-rounds reach their manager. A release
//! is recorded once (who, which day) and never undone.

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{Conflict, ORGANISATION, Result, StorageError};
use crate::domain::date::Date;

/// When a closed round's results reach a team's manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseMode {
    /// Only once an advisor released them (the default).
    AfterAdvisor,
    /// As soon as the round closes.
    AtClose,
}

impl ReleaseMode {
    /// The word the command line and the settings print.
    pub fn word(self) -> &'static str {
        match self {
            ReleaseMode::AfterAdvisor => "after-advisor",
            ReleaseMode::AtClose => "at-close",
        }
    }
    fn stored(self) -> &'static str {
        match self {
            ReleaseMode::AfterAdvisor => "after_advisor",
            ReleaseMode::AtClose => "at_close",
        }
    }
}

/// Who released the rounds closed before release existed (written by
/// migration 009 for the rounds whose managers had already seen them).
pub const BEFORE_RELEASE: &str = "(before release existed)";

pub fn release_mode(conn: &Connection) -> Result<ReleaseMode> {
    let v: String = conn
        .prepare_cached("SELECT release FROM org WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .ok_or(StorageError::NotInitialised)?;
    match v.as_str() {
        "after_advisor" => Ok(ReleaseMode::AfterAdvisor),
        "at_close" => Ok(ReleaseMode::AtClose),
        other => Err(StorageError::Corrupt(format!("release setting {other:?}"))),
    }
}

/// Switches the setting. Going from at-close to after-advisor records every
/// closed round as released (its managers saw it already): nothing that a
/// manager could see disappears.
pub fn set_release_mode(
    conn: &mut Connection,
    mode: ReleaseMode,
    by: &str,
    today: Date,
) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let now: String = tx
        .query_row("SELECT release FROM org WHERE id = 1", [], |r| r.get(0))
        .optional()?
        .ok_or(StorageError::NotInitialised)?;
    if now == "at_close" && mode == ReleaseMode::AfterAdvisor {
        tx.execute(
            "INSERT OR IGNORE INTO releases (team_id, round_id, released_by, released_on)
             SELECT res.team_id, res.round_id, ?1, ?2
             FROM results res JOIN rounds r ON r.id = res.round_id
             WHERE r.closed_on IS NOT NULL AND res.team_id <> ?3",
            params![
                format!("{by} (released at close)"),
                today.to_string(),
                ORGANISATION
            ],
        )?;
    }
    tx.execute("UPDATE org SET release = ?1 WHERE id = 1", [mode.stored()])?;
    tx.commit()?;
    Ok(())
}

/// A recorded release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub team_id: i64,
    pub round_id: i64,
    pub released_by: String,
    pub released_on: String,
}

/// Releases a closed round to the managers of `team` (its key), or of every
/// team with a result in the round. Returns the team keys newly released;
/// a team released before stays as it was (who, when).
pub fn release(
    conn: &mut Connection,
    round_id: i64,
    team: Option<i64>,
    by: &str,
    today: Date,
) -> Result<Vec<i64>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let closed: Option<Option<String>> = tx
        .query_row(
            "SELECT closed_on FROM rounds WHERE id = ?1",
            [round_id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(closed) = closed else {
        return Err(StorageError::not_found(super::Thing::Round, round_id));
    };
    if closed.is_none() {
        return Err(Conflict::RoundStillOpen { round: round_id }.into());
    }
    let teams: Vec<i64> = {
        let mut st = tx.prepare(
            "SELECT team_id FROM results WHERE round_id = ?1 AND team_id <> ?2 ORDER BY team_id",
        )?;
        st.query_map(params![round_id, ORGANISATION], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    let teams: Vec<i64> = match team {
        Some(t) if teams.contains(&t) => vec![t],
        Some(_) => {
            let mut st = tx.prepare(
                "SELECT t.slug FROM round_teams rt JOIN teams t ON t.id = rt.team_id
                 WHERE rt.round_id = ?1 ORDER BY t.slug",
            )?;
            let names = st
                .query_map([round_id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            return Err(Conflict::TeamNotInRound {
                round: round_id,
                teams: names,
            }
            .into());
        }
        None => teams,
    };
    let mut newly = Vec::new();
    for t in teams {
        let n = tx.execute(
            "INSERT OR IGNORE INTO releases (team_id, round_id, released_by, released_on)
             VALUES (?1, ?2, ?3, ?4)",
            params![t, round_id, by, today.to_string()],
        )?;
        if n > 0 {
            newly.push(t);
        }
    }
    tx.commit()?;
    Ok(newly)
}

/// The release of one team-round, if any.
pub fn team_release(conn: &Connection, team_id: i64, round_id: i64) -> Result<Option<Release>> {
    Ok(conn
        .prepare_cached(
            "SELECT released_by, released_on FROM releases WHERE team_id = ?1 AND round_id = ?2",
        )?
        .query_row([team_id, round_id], |r| {
            Ok(Release {
                team_id,
                round_id,
                released_by: r.get(0)?,
                released_on: r.get(1)?,
            })
        })
        .optional()?)
}

/// The rounds released to one team's manager.
pub fn released_rounds(conn: &Connection, team_id: i64) -> Result<HashSet<i64>> {
    let mut st = conn.prepare_cached("SELECT round_id FROM releases WHERE team_id = ?1")?;
    let set = st
        .query_map([team_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(set)
}

/// Every release of a round, by team key.
pub fn round_releases(conn: &Connection, round_id: i64) -> Result<Vec<Release>> {
    let mut st = conn.prepare_cached(
        "SELECT team_id, released_by, released_on FROM releases WHERE round_id = ?1 ORDER BY team_id",
    )?;
    let v = st
        .query_map([round_id], |r| {
            Ok(Release {
                team_id: r.get(0)?,
                round_id,
                released_by: r.get(1)?,
                released_on: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(v)
}
