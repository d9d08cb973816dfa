//! What follows a conversation: the team's one focus per round, the
//! organisation's learning offers, and a manager's agreement to share their
//! team's picture with peers (intervisie).

use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, StorageError};
use crate::domain::date::Date;

/// The one focus recorded after a conversation about a team-round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Focus {
    pub round_id: i64,
    /// A dimension id of the round's survey.
    pub dimension: String,
    /// One small behavioural experiment, at most 280 characters.
    pub experiment: String,
    /// The day to check how it went.
    pub check_on: Date,
    /// The advisor key's label, or "manager".
    pub recorded_by: String,
    pub recorded_on: Date,
}

/// The longest experiment, in characters.
pub const EXPERIMENT_MAX: usize = crate::domain::focus::EXPERIMENT_MAX;

fn parse_day(s: &str) -> Result<Date> {
    s.parse()
        .map_err(|e| StorageError::Corrupt(format!("stored day {s:?}: {e}")))
}

fn focus_row(
    r: &rusqlite::Row<'_>,
) -> rusqlite::Result<(i64, String, String, String, String, String)> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

fn to_focus(row: (i64, String, String, String, String, String)) -> Result<Focus> {
    let (round_id, dimension, experiment, check_on, recorded_by, recorded_on) = row;
    Ok(Focus {
        round_id,
        dimension,
        experiment,
        check_on: parse_day(&check_on)?,
        recorded_by,
        recorded_on: parse_day(&recorded_on)?,
    })
}

/// Records (or replaces) a team-round's focus. The caller validates the
/// dimension against the round's survey and the experiment's length.
pub fn save_focus(conn: &Connection, team_id: i64, f: &Focus) -> Result<()> {
    conn.execute(
        "INSERT INTO focus (team_id, round_id, dimension, experiment, check_on, recorded_by, recorded_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (team_id, round_id) DO UPDATE SET dimension = excluded.dimension,
             experiment = excluded.experiment, check_on = excluded.check_on,
             recorded_by = excluded.recorded_by, recorded_on = excluded.recorded_on",
        params![
            team_id,
            f.round_id,
            f.dimension,
            f.experiment,
            f.check_on.to_string(),
            f.recorded_by,
            f.recorded_on.to_string()
        ],
    )?;
    Ok(())
}

/// The focus recorded for a team-round, if any.
pub fn focus(conn: &Connection, team_id: i64, round_id: i64) -> Result<Option<Focus>> {
    conn.prepare_cached(
        "SELECT round_id, dimension, experiment, check_on, recorded_by, recorded_on
         FROM focus WHERE team_id = ?1 AND round_id = ?2",
    )?
    .query_row([team_id, round_id], focus_row)
    .optional()?
    .map(to_focus)
    .transpose()
}

/// Every focus of a team, oldest round first.
pub fn focuses(conn: &Connection, team_id: i64) -> Result<Vec<Focus>> {
    let rows = conn
        .prepare_cached(
            "SELECT round_id, dimension, experiment, check_on, recorded_by, recorded_on
             FROM focus WHERE team_id = ?1 ORDER BY round_id",
        )?
        .query_map([team_id], focus_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(to_focus).collect()
}

/// The kinds of learning offer, as stored and as typed on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferKind {
    Training,
    Module,
    Intervisie,
    Talk,
}

impl OfferKind {
    pub const ALL: [OfferKind; 4] = [
        OfferKind::Training,
        OfferKind::Module,
        OfferKind::Intervisie,
        OfferKind::Talk,
    ];

    pub fn word(self) -> &'static str {
        match self {
            OfferKind::Training => "training",
            OfferKind::Module => "module",
            OfferKind::Intervisie => "intervisie",
            OfferKind::Talk => "talk",
        }
    }

    pub fn parse(s: &str) -> Option<OfferKind> {
        OfferKind::ALL
            .into_iter()
            .find(|k| k.word().eq_ignore_ascii_case(s.trim()))
    }
}

/// One of the organisation's offers of where a manager can learn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub id: i64,
    pub title: String,
    pub kind: OfferKind,
    pub url: Option<String>,
    /// Matched to a focus on this dimension id, when given.
    pub dimension: Option<String>,
}

/// Adds an offer; returns its id. The caller validates the fields.
pub fn add_offer(
    conn: &Connection,
    title: &str,
    kind: OfferKind,
    url: Option<&str>,
    dimension: Option<&str>,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO training (title, kind, url, dimension) VALUES (?1, ?2, ?3, ?4)",
        params![title, kind.word(), url, dimension],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Every offer, in the order they were added.
pub fn offers(conn: &Connection) -> Result<Vec<Offer>> {
    let rows = conn
        .prepare_cached("SELECT id, title, kind, url, dimension FROM training ORDER BY id")?
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(id, title, kind, url, dimension)| {
            Ok(Offer {
                id,
                title,
                kind: OfferKind::parse(&kind)
                    .ok_or_else(|| StorageError::Corrupt(format!("stored offer kind {kind:?}")))?,
                url,
                dimension,
            })
        })
        .collect()
}

/// Removes an offer; false when there was none with this id.
pub fn remove_offer(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn.execute("DELETE FROM training WHERE id = ?1", [id])? > 0)
}

/// Switches a manager's agreement to share their team's picture with peers.
pub fn set_sharing(conn: &Connection, team_id: i64, shared: bool, today: Date) -> Result<()> {
    conn.execute(
        "INSERT INTO sharing (team_id, shared, changed_on) VALUES (?1, ?2, ?3)
         ON CONFLICT (team_id) DO UPDATE SET shared = excluded.shared, changed_on = excluded.changed_on",
        params![team_id, shared, today.to_string()],
    )?;
    Ok(())
}

/// Whether the team's manager agreed to share (and since which day); `None`
/// when never switched (which means: not shared).
pub fn sharing(conn: &Connection, team_id: i64) -> Result<Option<(bool, Date)>> {
    conn.prepare_cached("SELECT shared, changed_on FROM sharing WHERE team_id = ?1")?
        .query_row([team_id], |r| {
            Ok((r.get::<_, bool>(0)?, r.get::<_, String>(1)?))
        })
        .optional()?
        .map(|(s, d)| Ok((s, parse_day(&d)?)))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let mut c = Connection::open_in_memory().unwrap();
        super::super::migrate::migrate(&mut c, std::path::Path::new(":memory:")).unwrap();
        c.execute_batch("INSERT INTO teams (id, slug, name) VALUES (1, 'a', 'A');")
            .unwrap();
        c
    }

    #[test]
    fn offers_round_trip_and_remove() {
        let c = db();
        let id = add_offer(
            &c,
            "Luisteren",
            OfferKind::Training,
            Some("https://x"),
            Some("speaking-up"),
        )
        .unwrap();
        let all = offers(&c).unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].kind, OfferKind::Training);
        assert_eq!(all[0].dimension.as_deref(), Some("speaking-up"));
        assert!(remove_offer(&c, id).unwrap());
        assert!(!remove_offer(&c, id).unwrap());
        assert!(offers(&c).unwrap().is_empty());
    }

    #[test]
    fn sharing_defaults_off_and_switches() {
        let c = db();
        assert_eq!(sharing(&c, 1).unwrap(), None);
        let d: Date = "2026-11-01".parse().unwrap();
        set_sharing(&c, 1, true, d).unwrap();
        assert_eq!(sharing(&c, 1).unwrap(), Some((true, d)));
        set_sharing(&c, 1, false, d).unwrap();
        assert_eq!(sharing(&c, 1).unwrap(), Some((false, d)));
    }
}
