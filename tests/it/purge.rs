//! Retention (issue 11): `spiegel purge` deletes the raw responses of old
//! closed rounds from the file itself (its bytes and its write-ahead log are
//! scanned), while the released results, the trend and the charts stay byte
//! for byte; `--dry-run` changes nothing; open rounds are never purged; the
//! server applies `spiegel settings --retain-months`.

use std::time::{Duration, Instant};

use crate::results::{answer, api, key};
use crate::support::{Server, TestDir, bytes_of, contains};

/// Answers stored as the bytes [2, 7, 1, 6, 3]: used only in the round
/// that is purged, so finding them in the file means a response survived.
const RARE: &str =
    "pulse-speak=2&pulse-keep-quiet=7&pulse-mistakes=1&pulse-heard=6&pulse-unwanted-behaviour=3";
const RARE_BYTES: &[u8] = &[2, 7, 1, 6, 3];
const PULSE: &str =
    "pulse-speak=5&pulse-keep-quiet=3&pulse-mistakes=6&pulse-heard=4&pulse-unwanted-behaviour=5";
/// A comment no other text in the file contains (six respondents: too few
/// for comments to be released, so it lives only in the raw response).
const SECRET: &str = "Kwetsbaar-Xylofoon-7319";
const OPEN_SECRET: &str = "Nog-Open-Qwerty-4482";

fn count(dir: &TestDir, sql: &str) -> i64 {
    dir.sqlite().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Everything a reader of released results sees of team A and round 1.
fn outputs(dir: &TestDir, advisor: &str, round: &str) -> Vec<(String, Vec<u8>)> {
    let server = Server::start(dir, None);
    let trend = api(&server, advisor, "/teams/a/trend");
    assert_eq!(trend.status, 200, "{}", trend.body);
    let round_json = api(&server, advisor, &format!("/teams/a/rounds/{round}"));
    assert_eq!(round_json.status, 200, "{}", round_json.body);
    drop(server);
    let mut out = vec![
        ("trend json".to_string(), trend.body.into_bytes()),
        ("round json".to_string(), round_json.body.into_bytes()),
    ];
    for args in [
        vec!["results", "--round", round],
        vec!["results", "--round", round, "--json"],
        vec!["export", "--round", round],
    ] {
        out.push((args.join(" "), dir.ok(&args).into_bytes()));
    }
    for (name, args) in [
        ("trend.svg", vec!["chart", "trend", "--team", "A"]),
        (
            "round.svg",
            vec!["chart", "round", "--team", "A", "--round", round],
        ),
        ("overview.svg", vec!["chart", "overview"]),
    ] {
        let path = dir.path.join(name);
        let _ = std::fs::remove_file(&path);
        let mut args = args.clone();
        let p = path.display().to_string();
        args.extend(["--out", &p]);
        dir.ok(&args);
        out.push((name.to_string(), std::fs::read(&path).unwrap()));
    }
    out
}

/// The file and its write-ahead log, if any.
fn file_bytes(dir: &TestDir) -> Vec<u8> {
    let mut bytes = bytes_of(&dir.db());
    let wal = dir.db().with_extension("db-wal");
    if wal.exists() {
        bytes.extend(bytes_of(&wal));
    }
    bytes
}

/// Teams A and B; round 1 (closed, set to have closed on 2025-01-15) with
/// the rare answers and the secret comment; round 2 closed today; round 3
/// open with a comment of its own. Returns (dir, advisor key).
fn organisation() -> (TestDir, String) {
    let dir = TestDir::new();
    dir.ok(&["init", "--org", "Zorggroep", "--tz", "Europe/Amsterdam"]);
    dir.ok(&["team", "add", "A", "--size", "8"]);
    dir.ok(&["team", "add", "B", "--size", "8"]);
    let advisor = key(&dir, &["key", "advisor"]);
    let server = Server::start(&dir, None);
    let open = |title: &str| {
        dir.open_round(&[
            "round", "open", "--survey", "pulse", "--all", "--title", title,
        ])
    };
    let with_secret = format!("{RARE}&comment={SECRET}");
    let r1 = open("Lente");
    answer(
        &server,
        &dir,
        &r1,
        "A",
        &[&with_secret, RARE, RARE, RARE, RARE, RARE],
    );
    answer(&server, &dir, &r1, "B", &[RARE; 6]);
    dir.ok(&["round", "close", &r1]);
    let r2 = open("Zomer");
    answer(&server, &dir, &r2, "A", &[PULSE; 6]);
    dir.ok(&["round", "close", &r2]);
    let r3 = open("Herfst");
    let open_comment = format!("{PULSE}&comment={OPEN_SECRET}");
    answer(&server, &dir, &r3, "A", &[&open_comment, PULSE]);
    drop(server);
    assert_eq!((r1.as_str(), r2.as_str(), r3.as_str()), ("1", "2", "3"));
    dir.sqlite()
        .execute(
            "UPDATE rounds SET closed_on = '2025-01-15' WHERE id = 1",
            [],
        )
        .unwrap();
    (dir, advisor)
}

#[test]
fn purge_deletes_raw_answers_from_the_file_and_keeps_results_trend_and_charts() {
    let (dir, advisor) = organisation();
    let before = outputs(&dir, &advisor, "1");
    let bytes = file_bytes(&dir);
    assert!(contains(&bytes, SECRET.as_bytes()), "the test's premise");
    assert!(contains(&bytes, RARE_BYTES), "the test's premise");

    // A dry run names round 1 and its 12 responses, and changes nothing.
    let dry = dir.ok(&["purge", "--before", "2025-06-01", "--dry-run"]);
    assert!(
        dry.contains("round 1 (\"Lente\", closed 2025-01-15): 12 responses"),
        "{dry}"
    );
    assert!(dry.contains("dry run: nothing changed"), "{dry}");
    assert!(!dry.contains("round 2"), "{dry}");
    assert_eq!(count(&dir, "SELECT count(*) FROM responses"), 20);
    assert!(contains(&file_bytes(&dir), SECRET.as_bytes()));

    // A date that is not one is refused with how to write it.
    let err = dir.fails(&["purge", "--before", "1 januari"]);
    assert!(err.contains("YYYY-MM-DD"), "{err}");

    let done = dir.ok(&["purge", "--before", "2025-06-01"]);
    assert!(done.contains("12 responses of 1 rounds deleted"), "{done}");
    assert_eq!(
        count(&dir, "SELECT count(*) FROM responses WHERE round_id = 1"),
        0
    );
    assert_eq!(
        count(&dir, "SELECT count(*) FROM responses WHERE round_id = 2"),
        6
    );
    assert_eq!(
        count(&dir, "SELECT count(*) FROM responses WHERE round_id = 3"),
        2,
        "an open round is never purged"
    );
    assert_eq!(
        count(
            &dir,
            "SELECT count(*) FROM rounds WHERE purged_on IS NOT NULL"
        ),
        1
    );
    let bytes = file_bytes(&dir);
    assert!(!contains(&bytes, SECRET.as_bytes()), "the comment survived");
    assert!(!contains(&bytes, RARE_BYTES), "the answers survived");
    assert!(contains(&bytes, OPEN_SECRET.as_bytes()), "the open round's");

    let list = dir.ok(&["round", "list"]);
    let line = list
        .lines()
        .find(|l| l.trim_start().starts_with("1 "))
        .unwrap();
    assert!(line.contains(" purged "), "{list}");
    let json: serde_json::Value =
        serde_json::from_str(&dir.ok(&["round", "list", "--json"])).unwrap();
    assert_eq!(json[0]["state"], "closed");
    assert!(json[0]["purged_on"].is_string(), "{json}");
    assert!(json[1]["purged_on"].is_null(), "{json}");

    let after = outputs(&dir, &advisor, "1");
    for ((name, a), (_, b)) in before.iter().zip(&after) {
        assert!(a == b, "{name} changed by the purge");
    }

    // Again: nothing left to purge. Even a date in the future keeps the
    // open round.
    let again = dir.ok(&["purge", "--before", "2999-01-01"]);
    assert!(again.contains("6 responses of 1 rounds deleted"), "{again}");
    assert!(again.contains("open rounds are never purged: 3"), "{again}");
    assert_eq!(count(&dir, "SELECT count(*) FROM responses"), 2);
    let none = dir.ok(&["purge", "--before", "2999-01-01"]);
    assert!(none.contains("nothing to purge"), "{none}");
    let audit = dir.ok(&["audit"]);
    assert!(audit.contains("purged 12 raw responses"), "{audit}");
}

#[test]
fn the_server_applies_retention_at_start() {
    let (dir, _) = organisation();
    let shown = dir.ok(&["settings"]);
    assert!(shown.contains("retention: off"), "{shown}");
    let set = dir.ok(&["settings", "--retain-months", "6"]);
    assert!(set.contains("retention: 6 months"), "{set}");
    let err = dir.fails(&["settings", "--retain-months", "5000"]);
    assert!(err.contains("--retain-months 5000"), "{err}");
    let server = Server::start(&dir, Some("info"));
    let deadline = Instant::now() + Duration::from_secs(20);
    while count(&dir, "SELECT count(*) FROM responses WHERE round_id = 1") != 0 {
        assert!(Instant::now() < deadline, "retention did not purge round 1");
        std::thread::sleep(Duration::from_millis(100));
    }
    // Round 2 closed today, round 3 is open: both kept.
    assert_eq!(count(&dir, "SELECT count(*) FROM responses"), 8);
    let log_path = server.stderr.clone();
    let deadline = Instant::now() + Duration::from_secs(10);
    let log = loop {
        let log = std::fs::read_to_string(&log_path).unwrap();
        if log.contains("retention: purged") || Instant::now() > deadline {
            break log;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    drop(server);
    assert!(log.contains("retention: purged"), "{log}");
    assert!(
        log.contains("round=1") && log.contains("responses=12"),
        "{log}"
    );
    assert!(!log.contains(SECRET), "{log}");
    assert!(!contains(&file_bytes(&dir), SECRET.as_bytes()));
    // Off again: `settings` says so.
    let off = dir.ok(&["settings", "--retain-months", "0"]);
    assert!(off.contains("retention: off"), "{off}");
}

#[test]
fn a_purge_whose_rewrite_cannot_complete_says_so_and_the_next_one_completes_it() {
    let (dir, _) = organisation();
    // A reader in the middle of a read: the log cannot be emptied.
    let reader = dir.sqlite();
    reader.execute_batch("BEGIN").unwrap();
    let _: i64 = reader
        .query_row("SELECT count(*) FROM teams", [], |r| r.get(0))
        .unwrap();
    let err = dir.fails(&["purge", "--before", "2025-06-01"]);
    assert!(
        err.contains("raw responses of round(s) 1 were deleted"),
        "{err}"
    );
    assert!(err.contains("run `spiegel purge` again"), "{err}");
    drop(reader);
    assert_eq!(
        count(&dir, "SELECT count(*) FROM responses WHERE round_id = 1"),
        0
    );
    assert_eq!(
        count(
            &dir,
            "SELECT count(*) FROM rounds WHERE id = 1 AND erased_on IS NULL"
        ),
        1
    );
    // Nothing left to delete, but the rewrite is done now.
    let again = dir.ok(&["purge", "--before", "2025-06-01"]);
    assert!(again.contains("nothing to purge"), "{again}");
    assert_eq!(
        count(&dir, "SELECT count(*) FROM rounds WHERE erased_on IS NULL"),
        1,
        "only the open round"
    );
    assert!(!contains(&file_bytes(&dir), SECRET.as_bytes()));
}
