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

/// The migrations after the first, as the releases before the audit log kept
/// its actions as data applied them (up to schema version 11).
const MIGRATIONS_2_TO_11: &[&str] = &[
    include_str!("../../src/storage/migrations/002_results_keys.sql"),
    include_str!("../../src/storage/migrations/003_sessions.sql"),
    include_str!("../../src/storage/migrations/004_team_ids.sql"),
    include_str!("../../src/storage/migrations/005_archived_teams.sql"),
    include_str!("../../src/storage/migrations/006_erased.sql"),
    include_str!("../../src/storage/migrations/007_time_zone.sql"),
    include_str!("../../src/storage/migrations/008_audit.sql"),
    include_str!("../../src/storage/migrations/009_conversation.sql"),
    include_str!("../../src/storage/migrations/010_retention.sql"),
    include_str!("../../src/storage/migrations/011_after_conversation.sql"),
];

#[test]
fn audit_lines_of_a_version_11_database_stay_readable_after_the_upgrade() {
    let dir = TestDir::new();
    write_version_1(&dir);
    {
        let mut conn = Connection::open(dir.db()).unwrap();
        let tx = conn.transaction().unwrap();
        for sql in MIGRATIONS_2_TO_11 {
            tx.execute_batch(sql).unwrap();
        }
        // Lines as version 11 wrote them: English text, nothing else.
        for (day, actor, action) in [
            ("2025-03-03", "(command line)", "team added: Noord (noord)"),
            (
                "2025-03-04",
                "eerste vp",
                "round 1 opened: Voorjaar (pulse), teams zorg-welzijn",
            ),
        ] {
            tx.execute(
                "INSERT INTO audit (day, actor, action) VALUES (?1, ?2, ?3)",
                params![day, actor, action],
            )
            .unwrap();
        }
        tx.pragma_update(None, "user_version", 11).unwrap();
        tx.commit().unwrap();
    }

    // The first command upgrades; the old lines print as they were.
    let log = dir.ok(&["audit"]);
    assert_eq!(user_version(&dir.sqlite()), latest_version());
    assert!(log.contains("team added: Noord (noord)"), "{log}");
    assert!(log.contains("eerste vp"), "{log}");
    assert!(
        log.contains("round 1 opened: Voorjaar (pulse), teams zorg-welzijn"),
        "{log}"
    );
    let json: Value = serde_json::from_str(&dir.ok(&["audit", "--json"])).unwrap();
    assert_eq!(json[1]["action"], "team added: Noord (noord)", "{json:#}");
    assert!(json[1].get("detail").is_none(), "{json:#}");

    // A new action reads in Dutch; the old lines, without their action as
    // data, stay English, also on the advisor's Dutch page.
    let key = crate::results::key(&dir, &["key", "advisor", "--label", "na de upgrade"]);
    let nl = dir.ok(&["audit", "--lang", "nl"]);
    assert!(nl.contains("team added: Noord (noord)"), "{nl}");
    assert!(
        nl.contains("sleutel 1 voor een vertrouwenspersoon gemaakt"),
        "{nl}"
    );
    let server = crate::support::Server::start(&dir, None);
    let login = server.get(&format!("/a/{key}"));
    assert_eq!(login.status, 303, "{}", login.body);
    let cookie = login
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let page = crate::support::request(
        &server.addr,
        "GET",
        "/beheer/logboek",
        &[("Cookie", &cookie)],
        b"",
    );
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body
            .contains("<td lang=\"en\">team added: Noord (noord)</td>"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<td>sleutel 1 voor een vertrouwenspersoon gemaakt</td>"),
        "{}",
        page.body
    );
}
