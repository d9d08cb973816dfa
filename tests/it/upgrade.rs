//! A database file made by the first schema version (user_version 1) is
//! upgraded in place by the binary of today, and keeps its data.

use rusqlite::{Connection, params};
use serde_json::Value;

use crate::support::TestDir;

/// The first schema, as the first release applied it.
const SCHEMA_1: &str = include_str!("../../src/storage/migrations/001_init.sql");
/// A shipped survey; a round pins its text and hash.
const PULSE: &str = include_str!("../../surveys/pulse.toml");

/// The newest schema version: one migration file per version.
fn latest_version() -> i64 {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/storage/migrations");
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "sql")
        })
        .count() as i64
}

fn user_version(conn: &Connection) -> i64 {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Writes a version-1 database the way the first release did (its pragmas,
/// its one migration, `user_version = 1`), with an organisation, a department
/// with a team under it, and an open pulse round for the department with
/// three answers, one spent invite and two unspent ones.
fn write_version_1(dir: &TestDir) {
    let mut conn = Connection::open(dir.db()).unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    conn.pragma_update(None, "secure_delete", "ON").unwrap();
    let journal: String = conn
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "wal");
    conn.pragma_update(None, "synchronous", "FULL").unwrap();

    let tx = conn.transaction().unwrap();
    tx.execute_batch(SCHEMA_1).unwrap();
    tx.pragma_update(None, "user_version", 1).unwrap();
    tx.execute(
        "INSERT INTO org (id, name, k) VALUES (1, 'Zorggroep Oud', 3)",
        [],
    )
    .unwrap();
    tx.execute(
        "INSERT INTO teams (id, slug, name, parent_id, expected_size)
         VALUES (1, 'zorg-welzijn', 'Zorg & Welzijn', NULL, 10),
                (2, 'noord', 'Noord', 1, 4)",
        [],
    )
    .unwrap();
    let hash = blake3::hash(PULSE.as_bytes()).to_hex().to_string();
    tx.execute(
        "INSERT INTO rounds (id, survey_id, survey_hash, survey_source, title, opened_on, closes_on, closed_on, k)
         VALUES (1, 'pulse', ?1, ?2, 'Voorjaar', '2025-03-03', NULL, NULL, 3)",
        params![hash, PULSE],
    )
    .unwrap();
    tx.execute(
        "INSERT INTO round_teams (round_id, team_id) VALUES (1, 1)",
        [],
    )
    .unwrap();
    for (i, used) in [(1u8, 1), (2, 0), (3, 0)] {
        tx.execute(
            "INSERT INTO invites (hash, round_id, team_id, used) VALUES (?1, 1, 1, ?2)",
            params![vec![i; 32], used],
        )
        .unwrap();
    }
    // Five pulse items, one byte each (0 = skipped); all answers 6 but one 5.
    for (i, answers) in [[6u8, 6, 6, 6, 6], [6, 6, 6, 6, 6], [6, 6, 0, 6, 5]]
        .iter()
        .enumerate()
    {
        tx.execute(
            "INSERT INTO responses (id, round_id, team_id, answers, comment) VALUES (?1, 1, 1, ?2, NULL)",
            params![vec![i as u8 + 1; 16], answers.to_vec()],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    assert_eq!(user_version(&conn), 1);
}

#[test]
fn a_version_1_database_is_upgraded_and_keeps_its_data() {
    let dir = TestDir::new();
    write_version_1(&dir);

    // Listing is the first command on the old file: it upgrades it.
    let teams: Value = serde_json::from_str(&dir.ok(&["team", "list", "--json"])).unwrap();
    let conn = dir.sqlite();
    assert_eq!(
        user_version(&conn),
        latest_version(),
        "upgraded to the newest schema"
    );
    assert!(latest_version() > 1);
    drop(conn);
    let teams = teams.as_array().unwrap();
    assert_eq!(teams.len(), 2, "{teams:?}");
    let team = |id: &str| teams.iter().find(|t| t["id"] == id).unwrap().clone();
    assert_eq!(team("zorg-welzijn")["name"], "Zorg & Welzijn");
    assert_eq!(team("zorg-welzijn")["expected_size"], 10);
    assert_eq!(team("noord")["parent"], "zorg-welzijn");
    assert_eq!(team("noord")["expected_size"], 4);

    let rounds: Value = serde_json::from_str(&dir.ok(&["round", "list", "--json"])).unwrap();
    let rounds = rounds.as_array().unwrap();
    assert_eq!(rounds.len(), 1, "{rounds:?}");
    assert_eq!(rounds[0]["id"], 1);
    assert_eq!(rounds[0]["survey"], "pulse");
    assert_eq!(rounds[0]["title"], "Voorjaar");
    assert_eq!(rounds[0]["opened_on"], "2025-03-03");
    assert_eq!(rounds[0]["state"], "open");
    assert_eq!(rounds[0]["k"], 3);
    assert_eq!(rounds[0]["teams"], serde_json::json!(["zorg-welzijn"]));
    // A second command on the upgraded file changes nothing more.
    assert!(dir.ok(&["round", "list"]).contains("Voorjaar"));

    // The old round closes on the new schema: its three answers become a
    // released result (k = 3), and its invites are gone.
    dir.ok(&["round", "close", "1"]);
    let result: Value = serde_json::from_str(&dir.ok(&[
        "results",
        "--round",
        "1",
        "--team",
        "zorg-welzijn",
        "--json",
    ]))
    .unwrap();
    assert_eq!(result["status"], "released", "{result:#}");
    assert_eq!(result["respondents"], 3, "{result:#}");
    let conn = dir.sqlite();
    assert_eq!(count(&conn, "SELECT count(*) FROM responses"), 3);
    assert_eq!(count(&conn, "SELECT count(*) FROM invites"), 0);
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM results WHERE round_id = 1 AND team_id = 1"
        ),
        1
    );
    // An upgraded database gets advisor-first release too: a round closed
    // after the upgrade waits for the advisor's release.
    assert_eq!(count(&conn, "SELECT count(*) FROM releases"), 0);
    drop(conn);
    assert!(dir.ok(&["settings"]).contains("release: after-advisor"));

    // And a new round opens, gets links, and a key can be made: the tables
    // of the later versions are in place.
    let round = dir.open_round(&["round", "open", "--survey", "pulse", "--all"]);
    assert_eq!(round, "2");
    let links = dir.tokens(&round, "noord", 2);
    assert_eq!(links.len(), 2);
    dir.ok(&["key", "advisor", "--label", "na de upgrade"]);
    let conn = dir.sqlite();
    assert_eq!(
        count(&conn, "SELECT count(*) FROM invites WHERE round_id = 2"),
        2
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM keys"), 1);
    assert_eq!(count(&conn, "SELECT count(*) FROM teams"), 2);
    assert_eq!(user_version(&conn), latest_version());
}
