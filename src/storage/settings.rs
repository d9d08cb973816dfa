//! The organisation: its name, k and settings (one row).

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::{Result, StorageError};

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
