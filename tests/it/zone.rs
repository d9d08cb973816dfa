//! The organisation's time zone through the binary: `init --tz`,
//! `settings --tz`, and rounds that close at the end of their closing day
//! in that zone.

use crate::support::{Server, TestDir};

fn round_state(dir: &TestDir, id: &str) -> String {
    let json: serde_json::Value =
        serde_json::from_str(&dir.ok(&["round", "list", "--json"])).unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"].as_i64() == id.parse().ok())
        .map(|r| r["state"].as_str().unwrap().to_string())
        .unwrap()
}

#[test]
fn the_zone_is_set_at_init_changed_in_settings_and_checked() {
    let dir = TestDir::new();
    let err = dir.fails(&["init", "--tz", "Mars/Olympus_Mons"]);
    assert!(
        err.contains("\"Mars/Olympus_Mons\"") && err.contains("--tz"),
        "{err}"
    );
    assert!(!dir.db().exists(), "nothing half-written");
    let out = dir.ok(&["init", "--tz", "europe/amsterdam"]);
    assert!(out.contains("time zone Europe/Amsterdam"), "{out}");
    let settings = dir.ok(&["settings"]);
    for line in [
        "organisation: ",
        "k: 5",
        "comments to managers: off",
        "time zone: Europe/Amsterdam",
    ] {
        assert!(settings.contains(line), "{line}: {settings}");
    }
    let err = dir.fails(&["settings", "--tz", "Europe/Atlantis"]);
    assert!(err.contains("\"Europe/Atlantis\""), "{err}");
    assert!(
        dir.ok(&["settings"])
            .contains("time zone: Europe/Amsterdam")
    );
    let out = dir.ok(&["settings", "--tz", "America/Havana"]);
    assert!(out.contains("time zone: America/Havana"), "{out}");
}

#[test]
fn init_takes_this_computers_zone_by_default() {
    let dir = TestDir::new();
    dir.ok(&["init"]);
    let settings = dir.ok(&["settings"]);
    let zone = spiegel::domain::date::Zone::system();
    assert!(
        settings.contains(&format!("time zone: {}", zone.name())),
        "{settings}"
    );
}

/// A round closing "today" in a zone where that day has not ended stays
/// open and takes answers; once the organisation's zone is one where the
/// day has ended, the server closes it at start-up and its links stop.
#[test]
fn the_server_closes_a_round_at_the_end_of_its_closing_day_in_the_zone() {
    let dir = TestDir::new();
    // UTC-12: the last place where any day ends; UTC+14 the first. Between
    // them lie 26 hours, so the day that is "today" in the first has always
    // ended in the second.
    dir.ok(&["init", "--tz", "Etc/GMT+12"]);
    dir.ok(&["team", "add", "A"]);
    let round = dir.open_round(&[
        "round", "open", "--survey", "pulse", "--all", "--closes", "+0d",
    ]);
    let tokens = dir.tokens(&round, "A", 2);
    let server = Server::start(&dir, None);
    assert_eq!(
        server.get(&format!("/s/{}", tokens[0])).status,
        200,
        "the closing day has not ended at UTC-12"
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(round_state(&dir, &round), "open");
    server.stop();

    dir.ok(&["settings", "--tz", "Etc/GMT-14"]);
    let server = Server::start(&dir, None);
    assert_eq!(
        server.get(&format!("/s/{}", tokens[1])).status,
        404,
        "the closing day has ended at UTC+14: no more answers"
    );
    let mut closed = false;
    for _ in 0..50 {
        if round_state(&dir, &round) == "closed" {
            closed = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(closed, "the server closes the round at start-up");
    server.stop();
}
