//! The organisation: its name, k, time zone and settings (one row).

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{Conflict, Result, StorageError};
use crate::domain::date::{Date, Zone};
use crate::domain::org::{K, OrgName};

#[derive(Debug, Clone)]
pub struct Org {
    pub name: String,
    pub k: u32,
    /// Where "today" and the end of a round's closing day are reckoned.
    pub zone: Zone,
}

pub fn init(conn: &mut Connection, name: &OrgName, k: K, zone: &Zone) -> Result<Org> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let exists: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM org)", [], |r| r.get(0))?;
    if exists {
        return Err(Conflict::AlreadyInitialised.into());
    }
    tx.execute(
        "INSERT INTO org (id, name, k, time_zone) VALUES (1, ?1, ?2, ?3)",
        params![name.as_str(), k.get(), zone.name()],
    )?;
    tx.commit()?;
    Ok(Org {
        name: name.as_str().to_string(),
        k: k.get(),
        zone: zone.clone(),
    })
}

pub fn org(conn: &Connection) -> Result<Org> {
    let row: Option<(String, u32, String)> = conn
        .prepare_cached("SELECT name, k, time_zone FROM org WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let (name, k, zone) = row.ok_or(StorageError::NotInitialised)?;
    Ok(Org {
        name,
        k,
        zone: stored_zone(&zone)?,
    })
}

/// The organisation's time zone.
pub fn zone(conn: &Connection) -> Result<Zone> {
    let zone: Option<String> = conn
        .prepare_cached("SELECT time_zone FROM org WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?;
    stored_zone(&zone.ok_or(StorageError::NotInitialised)?)
}

/// The day it is at `now` in the organisation's time zone.
pub fn today(conn: &Connection, now: Timestamp) -> Result<Date> {
    Ok(zone(conn)?.today(now))
}

fn stored_zone(name: &str) -> Result<Zone> {
    Zone::parse(name).map_err(|e| StorageError::Corrupt(e.to_string()))
}

pub fn set_time_zone(conn: &mut Connection, zone: &Zone) -> Result<()> {
    org(conn)?;
    conn.execute("UPDATE org SET time_zone = ?1 WHERE id = 1", [zone.name()])?;
    Ok(())
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
