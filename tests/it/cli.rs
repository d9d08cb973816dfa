//! Every command as a process: good paths and bad input.

use crate::support::{Server, TestDir};

#[test]
fn init_refuses_low_k_and_existing_files() {
    let dir = TestDir::new();
    let err = dir.fails(&["init", "--k", "2"]);
    assert!(err.contains("--k 2 is too low"), "{err}");
    assert!(!dir.db().exists(), "nothing half-written");
    dir.ok(&["init", "--org", "Zorggroep", "--k", "3"]);
    let err = dir.fails(&["init"]);
    assert!(err.contains("exists already"), "{err}");
    let err = dir.fails(&["init", "--org", "  "]);
    assert!(err.contains("--org"), "{err}");
}

#[test]
fn commands_on_a_missing_database_say_how_to_create_one() {
    let dir = TestDir::new();
    for args in [
        &["team", "list"][..],
        &["round", "list"],
        &["team", "add", "X"],
    ] {
        let err = dir.fails(args);
        assert!(err.contains("spiegel init"), "{args:?}: {err}");
    }
    assert!(!dir.db().exists());
    let unwritable = std::process::Command::new(crate::support::BIN)
        .args(["--db", "/nonexistent/dir/x.db", "init"])
        .output()
        .unwrap();
    assert!(!unwritable.status.success());
    assert!(
        String::from_utf8_lossy(&unwritable.stderr)
            .contains("cannot open database /nonexistent/dir/x.db")
    );
    std::fs::write(dir.db(), "not a database").unwrap();
    let err = dir.fails(&["team", "list"]);
    assert!(err.contains("is not a usable SQLite database"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.db()).unwrap(),
        "not a database",
        "a foreign file is left alone"
    );
}

#[test]
fn teams_take_free_text_names_and_get_stable_ids() {
    let dir = TestDir::new();
    dir.ok(&["init"]);
    let out = dir.ok(&["team", "add", "Zorg & Welzijn", "--size", "12"]);
    assert!(out.contains("id zorg-welzijn"), "{out}");
    dir.ok(&["team", "add", "Zorg  Welzijn"]);
    dir.ok(&["team", "add", "Kinderopvang", "--parent", "zorg-welzijn"]);
    let json: serde_json::Value =
        serde_json::from_str(&dir.ok(&["team", "list", "--json"])).unwrap();
    let teams = json.as_array().unwrap();
    assert_eq!(teams.len(), 3);
    let kinder = teams.iter().find(|t| t["name"] == "Kinderopvang").unwrap();
    assert_eq!(kinder["parent"], "zorg-welzijn");
    assert!(teams.iter().any(|t| t["id"] == "zorg-welzijn-2"));
    let table = dir.ok(&["team", "list"]);
    assert!(table.contains("Zorg & Welzijn"));

    assert!(
        dir.fails(&["team", "add", "Zorg & Welzijn"])
            .contains("exists already")
    );
    assert!(
        dir.fails(&["team", "add", "X", "--parent", "Nergens"])
            .contains("no team named \"Nergens\"")
    );
    assert!(
        dir.fails(&["team", "add", "X", "--size", "0"])
            .contains("--size")
    );
    assert!(
        dir.fails(&["team", "add", ""])
            .contains("1 to 100 characters")
    );
    assert!(
        dir.fails(&["team", "add", "X", "--size", "veel"])
            .contains("invalid value")
    );
}

#[test]
fn rounds_open_close_and_list() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    assert_eq!(round, "1");
    let out = dir.ok(&[
        "round",
        "open",
        "--survey",
        "psychological-safety",
        "--title",
        "Voorjaar",
        "--teams",
        "Noord",
        "--closes",
        "2099-12-31",
    ]);
    assert_eq!(out.lines().last(), Some("2"));
    let json: serde_json::Value =
        serde_json::from_str(&dir.ok(&["round", "list", "--json"])).unwrap();
    let r2 = &json[1];
    assert_eq!(r2["title"], "Voorjaar");
    assert_eq!(r2["state"], "open");
    assert_eq!(r2["k"], 5);
    assert_eq!(r2["closes_on"], "2099-12-31");
    assert_eq!(r2["teams"], serde_json::json!(["noord"]));
    assert_eq!(r2["survey_hash"].as_str().unwrap().len(), 64);

    dir.ok(&["round", "close", "2"]);
    assert!(
        dir.fails(&["round", "close", "2"])
            .contains("closed already")
    );
    assert!(dir.fails(&["round", "close", "99"]).contains("no round 99"));
    assert!(dir.ok(&["round", "list"]).contains("closed"));

    let cases: &[(&[&str], &str)] = &[
        (
            &["round", "open", "--survey", "nope", "--all"],
            "no survey \"nope\"; available:",
        ),
        (
            &["round", "open", "--survey", "pulse", "--teams", "Zuid"],
            "no team named \"Zuid\"",
        ),
        (
            &["round", "open", "--survey", "pulse"],
            "--teams A,B or use --all",
        ),
        (
            &[
                "round",
                "open",
                "--survey",
                "pulse",
                "--all",
                "--closes",
                "31-12-2099",
            ],
            "not a date",
        ),
        (
            &[
                "round",
                "open",
                "--survey",
                "pulse",
                "--all",
                "--closes",
                "2001-01-01",
            ],
            "in the past",
        ),
    ];
    for (args, msg) in cases {
        let err = dir.fails(args);
        assert!(err.contains(msg), "{args:?}: {err}");
    }
    let err = dir.fails(&[
        "round", "open", "--survey", "pulse", "--all", "--teams", "Noord",
    ]);
    assert!(err.contains("cannot be used with"), "{err}");
    let json: serde_json::Value =
        serde_json::from_str(&dir.ok(&["round", "list", "--json"])).unwrap();
    assert_eq!(
        json.as_array().unwrap().len(),
        2,
        "failed commands open nothing"
    );
}

#[test]
fn k_is_locked_into_a_round_when_it_opens() {
    let dir = TestDir::new();
    dir.setup_round();
    dir.sqlite().execute("UPDATE org SET k = 9", []).unwrap();
    dir.ok(&["round", "open", "--survey", "pulse", "--all"]);
    let json: serde_json::Value =
        serde_json::from_str(&dir.ok(&["round", "list", "--json"])).unwrap();
    assert_eq!(json[0]["k"], 5);
    assert_eq!(json[1]["k"], 9);
}

#[test]
fn a_round_pins_its_survey_text() {
    let dir = TestDir::new();
    let own = dir.path.join("own");
    std::fs::create_dir(&own).unwrap();
    let text = spiegel::catalog::EMBEDDED
        .iter()
        .find(|(n, _)| *n == "pulse.toml")
        .unwrap()
        .1;
    let own_text = text.replacen("id = \"pulse\"", "id = \"eigen\"", 1);
    std::fs::write(own.join("eigen.toml"), &own_text).unwrap();
    dir.ok(&["init"]);
    dir.ok(&["team", "add", "A"]);
    dir.ok(&["round", "open", "--survey", "pulse", "--all"]);
    let own_arg = own.display().to_string();
    dir.ok(&[
        "--surveys",
        &own_arg,
        "round",
        "open",
        "--survey",
        "eigen",
        "--all",
    ]);
    // Later edits of the file change nothing stored.
    let changed = own_text.replacen("version = 1", "version = 2", 1);
    std::fs::write(own.join("eigen.toml"), &changed).unwrap();
    dir.ok(&[
        "--surveys",
        &own_arg,
        "round",
        "open",
        "--survey",
        "eigen",
        "--all",
    ]);
    std::fs::remove_file(own.join("eigen.toml")).unwrap();
    let conn = dir.sqlite();
    let rows: Vec<(String, String)> = conn
        .prepare("SELECT survey_hash, survey_source FROM rounds ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows[0].1, text);
    assert_eq!(
        rows[0].0,
        blake3::hash(text.as_bytes()).to_hex().to_string()
    );
    assert_eq!(rows[1].1, own_text);
    assert_eq!(rows[2].1, changed);
    assert_ne!(rows[0].0, rows[1].0);
    assert_ne!(rows[1].0, rows[2].0);
}

#[test]
fn links_in_three_formats_and_every_refusal() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    let text = dir.ok(&[
        "--base-url",
        "https://spiegel.example.nl/",
        "links",
        "--round",
        &round,
        "--team",
        "Noord",
        "--count",
        "3",
    ]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    for l in &lines {
        let token = l.strip_prefix("https://spiegel.example.nl/s/").unwrap();
        assert_eq!(token.len(), 22);
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
    }
    let env = dir
        .command(&[
            "links", "--round", &round, "--team", "Noord", "--count", "1",
        ])
        .env("SPIEGEL_BASE_URL", "https://env.example")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&env.stdout).starts_with("https://env.example/s/"));

    let csv = dir.ok(&[
        "links",
        "--round",
        &round,
        "--team",
        "Zorg & Welzijn",
        "--count",
        "2",
        "--format",
        "csv",
    ]);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "team,link");
    assert_eq!(rows.len(), 3);
    assert!(rows[1].starts_with("Zorg & Welzijn,http://127.0.0.1:8080/s/"));

    let out = dir.path.join("slips.html");
    let out_arg = out.display().to_string();
    let msg = dir.ok(&[
        "links", "--round", &round, "--team", "Noord", "--count", "8", "--format", "html", "--out",
        &out_arg,
    ]);
    assert!(msg.contains("wrote 8 links"));
    let html = std::fs::read_to_string(&out).unwrap();
    assert_eq!(html.matches("<svg").count(), 8);
    assert_eq!(html.matches("class=\"slip\"").count(), 8);
    assert!(html.contains("size: A4"));
    assert!(html.contains("Anoniem") && html.contains("Noord"));

    let invites = |dir: &TestDir| -> u32 {
        dir.sqlite()
            .query_row("SELECT count(*) FROM invites", [], |r| r.get(0))
            .unwrap()
    };
    let before = invites(&dir);
    let err = dir.fails(&[
        "links", "--round", &round, "--team", "Noord", "--count", "1", "--out", &out_arg,
    ]);
    assert!(err.contains("must be a new, writable file"), "{err}");
    let err = dir.fails(&[
        "links",
        "--round",
        &round,
        "--team",
        "Noord",
        "--count",
        "1",
        "--out",
        "/nonexistent/dir/x.csv",
    ]);
    assert!(err.contains("cannot create"), "{err}");
    assert!(
        dir.fails(&["links", "--round", &round, "--team", "Zuid", "--count", "1"])
            .contains("no team named")
    );
    assert!(
        dir.fails(&["links", "--round", "42", "--team", "Noord", "--count", "1"])
            .contains("no round 42")
    );
    assert!(
        dir.fails(&[
            "links", "--round", &round, "--team", "Noord", "--count", "0"
        ])
        .contains("between 1 and 10000")
    );
    assert!(
        dir.fails(&[
            "links", "--round", &round, "--team", "Noord", "--count", "1", "--format", "pdf"
        ])
        .contains("invalid value")
    );
    dir.ok(&["team", "add", "Later"]);
    assert!(
        dir.fails(&[
            "links", "--round", &round, "--team", "Later", "--count", "1"
        ])
        .contains("does not take part")
    );
    dir.ok(&["round", "close", &round]);
    assert!(
        dir.fails(&[
            "links", "--round", &round, "--team", "Noord", "--count", "1"
        ])
        .contains("is closed")
    );
    assert_eq!(
        invites(&dir),
        0,
        "refused commands create no invites (and close erased the rest)"
    );
    assert!(before > 0);
}

const BROKEN: &[(&str, &str, &str)] = &[
    (
        "unknown-dim",
        "dimension = \"openness\"",
        "dimension = \"nergens\"",
    ),
    (
        "dup-item",
        "id = \"pulse-keep-quiet\"",
        "id = \"pulse-speak\"",
    ),
    ("labels", "points = 7", "points = 5"),
    ("syntax", "version = 1", "version = = 1"),
];

#[test]
fn check_names_file_line_and_problem() {
    let dir = TestDir::new();
    let ok = dir.ok(&["check"]);
    assert!(
        ok.contains("pulse")
            && ok.contains("psychological-safety")
            && ok.contains("manager-self-check"),
        "{ok}"
    );
    let pulse = spiegel::catalog::EMBEDDED
        .iter()
        .find(|(n, _)| *n == "pulse.toml")
        .unwrap()
        .1;
    let bad = dir.path.join("bad");
    std::fs::create_dir(&bad).unwrap();
    for (name, from, to) in BROKEN {
        assert!(pulse.contains(from), "{from}");
        let text =
            pulse
                .replacen(from, to, 1)
                .replacen("id = \"pulse\"", &format!("id = \"{name}\""), 1);
        std::fs::write(bad.join(format!("{name}.toml")), text).unwrap();
    }
    let bad_arg = bad.display().to_string();
    let err = dir.fails(&["check", &bad_arg]);
    assert!(err.contains("4 survey file(s) have errors"), "{err}");
    for (name, _, _) in BROKEN {
        let line = err
            .lines()
            .find(|l| l.contains(&format!("{name}.toml:")))
            .unwrap_or_else(|| panic!("{name}: {err}"));
        let number = line
            .split(".toml:")
            .nth(1)
            .unwrap()
            .split(':')
            .next()
            .unwrap();
        assert!(number.parse::<usize>().unwrap() > 1, "{line}");
    }
    assert!(err.contains("unknown dimension \"nergens\""));
    assert!(err.contains("duplicate item id \"pulse-speak\""));
    assert!(err.contains("5 points but 7 labels"));
    let one = bad.join("labels.toml").display().to_string();
    assert!(dir.fails(&["check", &one]).contains("labels.toml:"));
    assert!(
        dir.fails(&["check", "/nonexistent.toml"])
            .contains("cannot read")
    );

    // The server and round commands refuse to run on invalid survey files.
    dir.ok(&["init"]);
    let out = dir.run(&["--surveys", &bad_arg, "serve", "--addr", "127.0.0.1:0"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown dimension \"nergens\""));
    let err = dir.fails(&[
        "--surveys",
        &bad_arg,
        "round",
        "open",
        "--survey",
        "pulse",
        "--all",
    ]);
    assert!(err.contains("invalid survey files"), "{err}");
}

#[test]
fn serve_refuses_bad_and_busy_addresses() {
    let dir = TestDir::new();
    dir.setup_round();
    let server = Server::start(&dir, None);
    let err = dir.fails(&["serve", "--addr", &server.addr]);
    assert!(err.contains("cannot listen on"), "{err}");
    let err = dir.fails(&["serve", "--addr", "localhost"]);
    assert!(err.contains("not an address"), "{err}");
    let missing = TestDir::new();
    assert!(
        missing
            .fails(&["serve", "--addr", "127.0.0.1:0"])
            .contains("spiegel init")
    );
    // Graceful stop on SIGTERM.
    assert!(server.stop().success());
}

#[test]
fn backup_copies_a_consistent_file() {
    let dir = TestDir::new();
    dir.setup_round();
    let to = dir.path.join("copy.db").display().to_string();
    dir.ok(&["backup", &to]);
    let copy = rusqlite::Connection::open(&to).unwrap();
    let teams: u32 = copy
        .query_row("SELECT count(*) FROM teams", [], |r| r.get(0))
        .unwrap();
    assert_eq!(teams, 2);
    assert!(dir.fails(&["backup", &to]).contains("exists already"));
}

#[test]
fn every_command_has_help() {
    let dir = TestDir::new();
    for args in [
        &["--help"][..],
        &["init", "--help"],
        &["team", "add", "--help"],
        &["team", "list", "--help"],
        &["team", "rename", "--help"],
        &["team", "move", "--help"],
        &["team", "size", "--help"],
        &["team", "archive", "--help"],
        &["round", "open", "--help"],
        &["round", "close", "--help"],
        &["round", "list", "--help"],
        &["links", "--help"],
        &["serve", "--help"],
        &["demo", "--help"],
        &["check", "--help"],
        &["backup", "--help"],
    ] {
        let out = dir.ok(args);
        assert!(out.contains("Usage: spiegel"), "{args:?}");
    }
}

/// A running `spiegel demo --db FILE --addr 127.0.0.1:0`: what it printed,
/// up to "Stop with Ctrl-C."; stopped when dropped.
struct DemoRun {
    child: std::process::Child,
    lines: Vec<String>,
}

impl DemoRun {
    fn start(db: &std::path::Path) -> DemoRun {
        let mut child = std::process::Command::new(crate::support::BIN)
            .args(["demo", "--addr", "127.0.0.1:0", "--db"])
            .arg(db)
            .env_remove("SPIEGEL_BASE_URL")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        use std::io::BufRead;
        let reader = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut lines = Vec::new();
        for line in reader.lines() {
            let line = line.unwrap();
            let last = line.contains("Ctrl-C");
            lines.push(line);
            if last {
                break;
            }
        }
        DemoRun { child, lines }
    }

    /// The line after the first one starting with `heading`, trimmed.
    fn after(&self, heading: &str) -> String {
        let at = self
            .lines
            .iter()
            .position(|l| l.starts_with(heading))
            .unwrap_or_else(|| panic!("no line {heading:?} in {:#?}", self.lines));
        self.lines[at + 1].trim().to_string()
    }

    /// The first printed line holding `needle`, trimmed.
    fn line(&self, needle: &str) -> String {
        self.lines
            .iter()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?} in {:#?}", self.lines))
            .trim()
            .to_string()
    }
}

impl Drop for DemoRun {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Splits a printed `http://host:port/path` into address and path.
fn address_and_path(url: &str) -> (String, String) {
    let rest = url
        .trim()
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("{url:?} is no http:// URL"));
    let (addr, path) = rest.split_at(rest.find('/').unwrap());
    (addr.to_string(), path.to_string())
}

#[test]
fn demo_serves_a_live_survey_link() {
    let dir = TestDir::new();
    let db = dir.path.join("demo.db");
    let demo = DemoRun::start(&db);
    let mut link = None;
    let mut keys: Vec<(String, String)> = Vec::new();
    for line in &demo.lines {
        for role in ["/a/", "/m/"] {
            if let Some(pos) = line.find(role)
                && !line.contains("curl")
            {
                keys.push((role.to_string(), line[pos + 3..].trim().to_string()));
            }
        }
        if let Some(pos) = line.find("http://")
            && line.contains("/s/")
        {
            link = Some(line[pos..].trim().to_string());
        }
    }
    let link = link.expect("the demo prints a survey link");
    let rest = link.strip_prefix("http://").unwrap();
    let (addr, path) = rest.split_at(rest.find('/').unwrap());
    let page = crate::support::request(addr, "GET", path, &[], b"");
    assert_eq!(page.status, 200);
    let post = crate::support::post_form(addr, path, "pulse-speak=5").unwrap();
    assert_eq!(post.status, 303);
    // The printed keys work against the API: the advisor's overview, the
    // manager's own trend and nothing else.
    let key = |role: &str| {
        keys.iter()
            .find(|(r, _)| r == role)
            .map(|(_, k)| k.clone())
            .expect("a key URL")
    };
    let bearer = |key: &str, path: &str| {
        crate::support::request(
            addr,
            "GET",
            path,
            &[("Authorization", &format!("Bearer {key}"))],
            b"",
        )
    };
    let overview = bearer(&key("/a/"), "/api/v1/overview");
    assert_eq!(overview.status, 200);
    assert!(overview.body.contains("\"status\":\"released\""));
    assert!(
        overview.body.contains("\"status\":\"suppressed\""),
        "the small team is suppressed"
    );
    let manager = key("/m/");
    let teams: serde_json::Value =
        serde_json::from_str(&bearer(&manager, "/api/v1/teams").body).unwrap();
    assert_eq!(teams.as_array().unwrap().len(), 1);
    let own = teams[0]["id"].as_str().unwrap().to_string();
    let trend: serde_json::Value =
        serde_json::from_str(&bearer(&manager, &format!("/api/v1/teams/{own}/trend")).body)
            .unwrap();
    assert_eq!(
        trend["rounds"].as_array().unwrap().len(),
        12,
        "a year of monthly rounds"
    );
    // Advisor-first release: the latest round awaits its conversation.
    let rounds = trend["rounds"].as_array().unwrap();
    assert_eq!(rounds[11]["status"], "pending", "{}", rounds[11]);
    assert!(rounds[..11].iter().all(|r| r["status"] != "pending"));
    assert_eq!(bearer(&manager, "/api/v1/overview").status, 404);
    drop(demo);

    let conn = rusqlite::Connection::open(&db).unwrap();
    let closed: u32 = conn
        .query_row(
            "SELECT count(*) FROM rounds WHERE closed_on IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let open: u32 = conn
        .query_row(
            "SELECT count(*) FROM rounds WHERE closed_on IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!((closed, open), (12, 1));
    let teams: u32 = conn
        .query_row("SELECT count(*) FROM teams", [], |r| r.get(0))
        .unwrap();
    assert!(teams >= 5);
    let nested: u32 = conn
        .query_row(
            "SELECT count(*) FROM teams WHERE parent_id IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(nested >= 2, "a department with teams");
    // The demo refuses to overwrite an existing file.
    let again = std::process::Command::new(crate::support::BIN)
        .args(["demo", "--addr", "127.0.0.1:0", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
}

/// Runs a command line the demo printed (`spiegel --db FILE …`, with
/// single-quoted names) in `dir`; returns standard output.
fn run_printed(dir: &TestDir, printed: &str) -> String {
    let args = printed
        .strip_prefix("spiegel ")
        .unwrap_or_else(|| panic!("{printed:?} is no spiegel command"));
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("exec \"$0\" {args}"))
        .arg(crate::support::BIN)
        .current_dir(&dir.path)
        .env_remove("SPIEGEL_DB")
        .env_remove("SPIEGEL_BASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{printed}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn demo_shows_every_step_of_the_conversation() {
    let dir = TestDir::new();
    let db = dir.path.join("demo.db");
    let demo = DemoRun::start(&db);
    let advisor_url = demo.after("Advisor (vertrouwenspersoon)");
    let (addr, _) = address_and_path(&advisor_url);
    let advisor = advisor_url.rsplit("/a/").next().unwrap().to_string();
    let manager = demo
        .after("Manager of Verpleging Noord")
        .rsplit("/m/")
        .next()
        .unwrap()
        .to_string();
    let get = |key: &str, url: &str| {
        let path = match url.strip_prefix("http://") {
            Some(_) => address_and_path(url).1,
            None => url.to_string(),
        };
        crate::support::request(
            &addr,
            "GET",
            &path,
            &[("Authorization", &format!("Bearer {key}"))],
            b"",
        )
    };

    // One team released with its manager's expectation: the sheet holds the
    // reflection, the earlier focus and how it moved, and the mirror.
    let sheet = demo.after("Conversation sheet of Verpleging Zuid");
    assert!(
        sheet.ends_with("/team/verpleging-zuid/rounds/12/sheet"),
        "{sheet}"
    );
    let s = get(&advisor, &sheet);
    assert_eq!(s.status, 200, "{}", s.body);
    assert!(s.body.contains("Gesprekskaart") && s.body.contains("verbouwing"));
    assert!(
        s.body
            .contains("Elk werkoverleg begint met één ding dat misging")
    );
    assert!(s.body.contains("Tegenspraak uitnodigen in het werkoverleg"));
    let mirror = get(
        &advisor,
        "/api/v1/teams/verpleging-zuid/rounds/12/mirror/chart.svg",
    );
    assert_eq!(mirror.status, 200);
    assert_eq!(get(&manager, &sheet).status, 404, "another team's sheet");

    // One team's latest round awaits the conversation: pending for its
    // manager (no kit yet), on the sheet for the advisor with how the
    // previous round's focus moved.
    let trend: serde_json::Value =
        serde_json::from_str(&get(&manager, "/api/v1/teams/verpleging-noord/trend").body).unwrap();
    assert_eq!(trend["rounds"][11]["status"], "pending");
    assert_eq!(
        get(&manager, "/team/verpleging-noord/rounds/12/kit").status,
        404
    );
    let pending = demo.line("prepare with its sheet:");
    let pending = pending.rsplit(' ').next().unwrap();
    assert!(pending.ends_with("/team/verpleging-noord/rounds/12/sheet"));
    let p = get(&advisor, pending);
    assert_eq!(p.status, 200);
    assert!(p.body.contains("Verpleging Noord") && p.body.contains("Focus sinds"));
    assert!(p.body.contains("wat hebben we gemist?"), "{}", p.body);
    assert!(!p.body.contains("verbouwing"));

    // The focus and the offers (the matched one first) on the manager's page.
    let page = get(&manager, "/team/verpleging-noord");
    assert_eq!(page.status, 200);
    let b = &page.body;
    assert!(b.contains("Elk overleg eindigt met de vraag: wat hebben we gemist?"));
    let (matched, general) = (
        b.find("Tegenspraak uitnodigen in het werkoverleg").unwrap(),
        b.find("Vervolggesprek met de vertrouwenspersoon").unwrap(),
    );
    assert!(matched < general && b.contains("(past bij de focus)"));
    assert!(b.contains("/team/verpleging-noord/rounds/11/kit"));
    // The advisor's page links no kit of the round still pending.
    let a = get(&advisor, "/team/verpleging-noord").body;
    assert!(a.contains("wat hebben we gemist?") && !a.contains("/rounds/12/kit"));

    // The team conversation kit, for that team's manager.
    let kit = demo.after("Team conversation kit of Verpleging Noord");
    assert!(
        kit.ends_with("/team/verpleging-noord/rounds/11/kit"),
        "{kit}"
    );
    let k = get(&manager, &kit);
    assert_eq!(k.status, 200);
    assert!(k.body.contains("Openheid") && k.body.contains("wat hebben we gemist?"));
    assert!(k.body.contains("We kijken op"));

    // The intervisie sheet names the team whose manager agrees and counts,
    // without naming, another one; the pending team is not counted.
    let iv = demo.after("Intervisie sheet of Zorg");
    assert!(iv.ends_with("/team/zorg/rounds/12/intervisie"), "{iv}");
    let i = get(&advisor, &iv);
    assert_eq!(i.status, 200, "{}", i.body);
    assert!(i.body.contains("Verpleging Zuid"));
    assert!(
        i.body
            .contains("Elk werkoverleg begint met één ding dat misging")
    );
    assert!(i.body.contains("1 van de 2 teams"), "{}", i.body);
    assert!(!i.body.contains("Verpleging West") && !i.body.contains("Verpleging Noord"));
    assert_eq!(get(&manager, &iv).status, 404);
    assert_eq!(
        get(&advisor, &demo.after("Guide to hesitation")).status,
        200
    );

    // The printed commands work on the kept database.
    let bright = run_printed(&dir, &demo.line("results --bright-spots"));
    assert!(bright.contains("Verpleging Zuid") && bright.contains("Elk werkoverleg"));
    assert!(!bright.contains("Verpleging Noord"));
    for (printed, file) in [
        (" sheet --team", "sheet.html"),
        (" kit --team", "kit.html"),
        (" intervisie --team", "intervisie.html"),
        (" guide --out", "guide.html"),
    ] {
        run_printed(&dir, &demo.line(printed));
        assert!(dir.path.join(file).exists(), "{file}");
    }
    // Releasing ends the wait: the manager sees the round, and its kit
    // exists (no focus chosen for it yet); the intervisie sheet now counts
    // the team, still without its name.
    run_printed(&dir, &demo.line("round release 12"));
    let trend: serde_json::Value =
        serde_json::from_str(&get(&manager, "/api/v1/teams/verpleging-noord/trend").body).unwrap();
    assert_eq!(trend["rounds"][11]["status"], "released");
    let k = get(&manager, "/team/verpleging-noord/rounds/12/kit");
    assert_eq!(k.status, 200);
    assert!(k.body.contains("nog geen focus gekozen"));
    let a = get(&advisor, "/team/verpleging-noord").body;
    assert!(a.contains("/team/verpleging-noord/rounds/12/kit"));
    let i = get(&advisor, &iv);
    assert!(i.body.contains("van de 3 teams") && !i.body.contains("Verpleging Noord"));
}

#[test]
fn the_server_closes_rounds_after_their_planned_date() {
    let dir = TestDir::new();
    dir.ok(&["init"]);
    dir.ok(&["team", "add", "A"]);
    let round = dir.open_round(&[
        "round",
        "open",
        "--survey",
        "pulse",
        "--all",
        "--closes",
        "2099-01-01",
    ]);
    let token = dir.tokens(&round, "A", 1).remove(0);
    // The planned date passes (moved into the past, as time would).
    dir.sqlite()
        .execute("UPDATE rounds SET closes_on = '2001-01-01'", [])
        .unwrap();
    let server = Server::start(&dir, None);
    assert_eq!(
        server.get(&format!("/s/{token}")).status,
        404,
        "a due round takes no answers"
    );
    let mut closed = false;
    for _ in 0..50 {
        let json: serde_json::Value =
            serde_json::from_str(&dir.ok(&["round", "list", "--json"])).unwrap();
        if json[0]["state"] == "closed" {
            closed = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(closed, "the server closes the round at start-up");
    let invites: u32 = dir
        .sqlite()
        .query_row("SELECT count(*) FROM invites", [], |r| r.get(0))
        .unwrap();
    assert_eq!(invites, 0);
}

#[test]
fn team_ids_and_names_are_unique_ignoring_case_and_never_reserved() {
    let dir = TestDir::new();
    dir.ok(&["init"]);
    // The organisation's id (and other words of the routes) belong to no team.
    for name in ["Organisation", "ORGANISATION", "overview", "Rounds"] {
        let err = dir.fails(&["team", "add", name]);
        assert!(err.contains("is reserved"), "{name}: {err}");
        assert!(err.contains("choose another name"), "{name}: {err}");
    }
    dir.ok(&["team", "add", "Verpleging Noord"]);
    // The same name in other letters is the same team, not a second one.
    let err = dir.fails(&["team", "add", "verpleging noord"]);
    assert!(err.contains("exists already"), "{err}");
    assert!(err.contains("\"Verpleging Noord\""), "{err}");
    let err = dir.fails(&["team", "add", "VERPLEGING NOORD"]);
    assert!(err.contains("exists already"), "{err}");
    // A name that is another team's id would make --team ambiguous.
    let err = dir.fails(&["team", "add", "Verpleging-Noord"]);
    assert!(err.contains("exists already"), "{err}");
    // A name without a letter or digit is no name.
    for name in ["---", "&", " . "] {
        let err = dir.fails(&["team", "add", "--", name]);
        assert!(err.contains("letter or digit"), "{name:?}: {err}");
    }
    // Names and ids are matched ignoring case.
    dir.ok(&["team", "add", "Kliniek", "--parent", "verpleging NOORD"]);
    dir.ok(&["key", "manager", "--team", "VERPLEGING-NOORD"]);
    let json: serde_json::Value =
        serde_json::from_str(&dir.ok(&["team", "list", "--json"])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
    assert_eq!(json[0]["parent"], "verpleging-noord");
    assert!(!dir.ok(&["team", "list"]).contains("verpleging-noord-2"));
}

#[test]
fn a_team_that_took_the_organisation_id_gets_a_new_one_on_upgrade() {
    let dir = TestDir::new();
    // A database of schema 3, with a team that took the organisation's id
    // as that version allowed.
    let conn = dir.sqlite();
    conn.execute_batch(include_str!("../../src/storage/migrations/001_init.sql"))
        .unwrap();
    conn.execute_batch(include_str!(
        "../../src/storage/migrations/002_results_keys.sql"
    ))
    .unwrap();
    conn.execute_batch(include_str!(
        "../../src/storage/migrations/003_sessions.sql"
    ))
    .unwrap();
    conn.execute_batch(
        "INSERT INTO org (id, name, k) VALUES (1, 'Oud', 5);
         INSERT INTO teams (slug, name) VALUES ('a', 'A');
         INSERT INTO teams (slug, name) VALUES ('organisation', 'Organisation');
         PRAGMA user_version = 3;",
    )
    .unwrap();
    drop(conn);
    let json: serde_json::Value =
        serde_json::from_str(&dir.ok(&["team", "list", "--json"])).unwrap();
    let ids: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&"organisation"), "{ids:?}");
    assert!(ids.contains(&"team-2-organisation"), "{ids:?}");
}

#[test]
fn teams_are_renamed_moved_resized_and_archived() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    dir.ok(&["team", "add", "Zuid", "--size", "9"]);
    // Rename: the id (in URLs and keys) stays.
    let out = dir.ok(&["team", "rename", "Noord", "Verpleging Noord"]);
    assert!(
        out.contains("\"Verpleging Noord\"") && out.contains("noord"),
        "{out}"
    );
    assert!(
        dir.fails(&["team", "rename", "Zuid", "verpleging noord"])
            .contains("exists already")
    );
    assert!(
        dir.fails(&["team", "rename", "Zuid", "Organisation"])
            .contains("is reserved")
    );
    dir.ok(&["team", "rename", "zuid", "ZUID"]);
    // Move under a department, back to the top, never under itself.
    dir.ok(&["team", "move", "ZUID", "--parent", "Zorg & Welzijn"]);
    let err = dir.fails(&["team", "move", "Zorg & Welzijn", "--parent", "Zuid"]);
    assert!(err.contains("under itself"), "{err}");
    let err = dir.fails(&["team", "move", "Zuid"]);
    assert!(err.contains("--parent") && err.contains("--top"), "{err}");
    dir.ok(&["team", "move", "Zuid", "--top"]);
    // Size; below k it warns.
    let out = dir.run(&["team", "size", "Zuid", "3"]);
    assert!(out.status.success());
    let warn = String::from_utf8_lossy(&out.stderr);
    assert!(warn.contains("warning") && warn.contains("k = 5"), "{warn}");
    let out = dir.run(&["team", "add", "Klein", "--size", "2"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("fewer than k = 5"));
    assert!(
        dir.fails(&["team", "size", "Zuid", "0"])
            .contains("at least 1")
    );
    let json: serde_json::Value =
        serde_json::from_str(&dir.ok(&["team", "list", "--json"])).unwrap();
    let zuid = json
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "zuid")
        .unwrap();
    assert_eq!(zuid["name"], "ZUID");
    assert_eq!(zuid["parent"], serde_json::Value::Null);
    assert_eq!(zuid["expected_size"], 3);

    // Archive: a department with live teams first needs them moved.
    assert!(
        dir.fails(&["team", "archive", "Zorg & Welzijn"])
            .contains("(noord)")
    );
    // A team of a round keeps its history; it gets no new links or rounds.
    dir.ok(&["team", "archive", "Verpleging Noord"]);
    assert!(dir.ok(&["team", "list"]).contains("archived"));
    assert!(
        dir.fails(&[
            "links", "--round", &round, "--team", "noord", "--count", "1"
        ])
        .contains("archived")
    );
    let err = dir.fails(&["round", "open", "--survey", "pulse", "--teams", "noord"]);
    assert!(err.contains("archived"), "{err}");
    assert!(
        dir.fails(&["team", "add", "X", "--parent", "noord"])
            .contains("archived")
    );
    dir.ok(&["round", "open", "--survey", "pulse", "--all"]);
    let json: serde_json::Value =
        serde_json::from_str(&dir.ok(&["round", "list", "--json"])).unwrap();
    assert!(
        !json[1]["teams"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("noord")),
        "--all leaves archived teams out"
    );
    assert!(
        json[0]["teams"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("noord")),
        "history is kept"
    );
    let n: u32 = dir
        .sqlite()
        .query_row("SELECT count(*) FROM teams WHERE slug = 'noord'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(n, 1, "archived, never deleted");
    assert!(
        dir.fails(&["team", "archive", "noord"])
            .contains("archived already")
    );
}

#[test]
fn init_refuses_a_k_above_50() {
    let dir = TestDir::new();
    let err = dir.fails(&["init", "--k", "51"]);
    assert!(err.contains("--k 51") && err.contains("50"), "{err}");
    assert!(!dir.db().exists());
    dir.ok(&["init", "--k", "50"]);
}

/// The state of a round's erasure as stored.
fn erased_on(dir: &TestDir, round: &str) -> Option<String> {
    dir.sqlite()
        .query_row("SELECT erased_on FROM rounds WHERE id = ?1", [round], |r| {
            r.get(0)
        })
        .unwrap()
}

/// A connection in the middle of a read: the checkpoint after close cannot
/// empty the write-ahead log while it lasts (as when the disk is full, the
/// erasure cannot complete).
fn hold_a_read(dir: &TestDir) -> rusqlite::Connection {
    let reader = dir.sqlite();
    reader.execute_batch("BEGIN").unwrap();
    let _: u32 = reader
        .query_row("SELECT count(*) FROM teams", [], |r| r.get(0))
        .unwrap();
    reader
}

#[test]
fn close_fails_loudly_until_the_order_of_answering_is_erased() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    dir.tokens(&round, "Noord", 3);
    let reader = hold_a_read(&dir);
    let err = dir.fails(&["round", "close", &round]);
    assert!(err.contains("closed and its results are computed"), "{err}");
    assert!(err.contains("not yet erased"), "{err}");
    assert!(
        err.contains(&format!("run `spiegel round close {round}` again")),
        "{err}"
    );
    drop(reader);
    // Closed, results computed, links gone; the erasure is what remains.
    let json: serde_json::Value =
        serde_json::from_str(&dir.ok(&["round", "list", "--json"])).unwrap();
    assert_eq!(json[0]["state"], "closed");
    assert_eq!(json[0]["erased_on"], serde_json::Value::Null);
    let (results, invites): (u32, u32) = dir
        .sqlite()
        .query_row(
            "SELECT (SELECT count(*) FROM results), (SELECT count(*) FROM invites)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(results > 0);
    assert_eq!(invites, 0);
    assert_eq!(erased_on(&dir, &round), None);
    // Running close again redoes the erasure, and only that.
    let out = dir.ok(&["round", "close", &round]);
    assert!(out.contains("erased"), "{out}");
    assert!(erased_on(&dir, &round).is_some());
    let again: u32 = dir
        .sqlite()
        .query_row("SELECT count(*) FROM results", [], |r| r.get(0))
        .unwrap();
    assert_eq!(again, results, "results are computed once");
    assert!(
        dir.fails(&["round", "close", &round])
            .contains("closed already")
    );
    let wal = std::fs::metadata(dir.path.join("spiegel.db-wal")).map_or(0, |m| m.len());
    assert!(
        wal < 64 * 1024,
        "the log holds at most the last small write: {wal}"
    );
}

#[test]
fn the_server_retries_the_erasure_until_it_succeeds() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    let reader = hold_a_read(&dir);
    dir.fails(&["round", "close", &round]);
    let server = Server::start(&dir, None);
    let log = || std::fs::read_to_string(&server.stderr).unwrap_or_default();
    let mut failed = false;
    for _ in 0..150 {
        if log().contains("not yet erased") {
            failed = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(failed, "each failure is logged: {}", log());
    assert_eq!(erased_on(&dir, &round), None);
    drop(reader);
    let mut erased = false;
    for _ in 0..300 {
        if erased_on(&dir, &round).is_some() {
            erased = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(erased, "the server erased it once it could: {}", log());
    assert!(server.stop().success());
}

/// Runs spiegel under the usual umask 022, whatever the test runner's.
fn run_umask_022(dir: &TestDir, args: &[&str]) -> std::process::Output {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("umask 022 && exec \"$0\" \"$@\"")
        .arg(crate::support::BIN)
        .arg("--db")
        .arg(dir.db())
        .args(args)
        .current_dir(&dir.path)
        .env_remove("SPIEGEL_DB")
        .env_remove("SPIEGEL_BASE_URL")
        .env_remove("SPIEGEL_SURVEYS")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn files_with_answers_or_links_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TestDir::new();
    run_umask_022(&dir, &["init"]);
    run_umask_022(&dir, &["team", "add", "A"]);
    // A reader keeps the -wal and -shm files in place to be looked at.
    let reader = dir.sqlite();
    let _: u32 = reader
        .query_row("SELECT count(*) FROM teams", [], |r| r.get(0))
        .unwrap();
    run_umask_022(&dir, &["round", "open", "--survey", "pulse", "--all"]);
    run_umask_022(
        &dir,
        &[
            "links", "--round", "1", "--team", "A", "--count", "2", "--format", "csv", "--out",
            "a.csv",
        ],
    );
    run_umask_022(
        &dir,
        &[
            "links", "--round", "1", "--team", "A", "--count", "2", "--format", "html", "--out",
            "a.html",
        ],
    );
    run_umask_022(&dir, &["backup", "copy.db"]);
    let db = dir.db().display().to_string();
    for name in [
        db.clone(),
        format!("{db}-wal"),
        format!("{db}-shm"),
        "a.csv".into(),
        "a.html".into(),
        "copy.db".into(),
    ] {
        let path = dir.path.join(&name);
        let mode = std::fs::metadata(&path)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name}: {mode:o}");
    }
    drop(reader);
}

fn shipped(name: &str) -> &'static str {
    spiegel::catalog::EMBEDDED
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap()
        .1
}

#[test]
fn check_validates_the_own_surveys_folder_and_refuses_clashes() {
    let dir = TestDir::new();
    let own = dir.path.join("own");
    std::fs::create_dir(&own).unwrap();
    let own_arg = own.display().to_string();
    let good = shipped("pulse.toml").replacen("id = \"pulse\"", "id = \"eigen\"", 1);
    std::fs::write(own.join("eigen.toml"), &good).unwrap();
    let out = dir.ok(&["--surveys", &own_arg, "check"]);
    assert!(out.contains("eigen.toml: ok"), "{out}");
    // A broken file in the folder fails the check, by flag or environment.
    let broken = good.replacen("version = 1", "version = = 1", 1);
    std::fs::write(own.join("kapot.toml"), broken).unwrap();
    let err = dir.fails(&["--surveys", &own_arg, "check"]);
    assert!(err.contains("kapot.toml:"), "{err}");
    let env = dir
        .command(&["check"])
        .env("SPIEGEL_SURVEYS", &own_arg)
        .output()
        .unwrap();
    assert!(!env.status.success());
    assert!(String::from_utf8_lossy(&env.stderr).contains("kapot.toml:"));
    std::fs::remove_file(own.join("kapot.toml")).unwrap();
    // A folder that is not there is an error, not nothing.
    let err = dir.fails(&["--surveys", "/nonexistent/surveys", "check"]);
    assert!(
        err.contains("/nonexistent/surveys") && err.contains("no such folder"),
        "{err}"
    );
    // An own file may not take a shipped survey's id (a copy as it is may).
    std::fs::write(own.join("pulse.toml"), shipped("pulse.toml")).unwrap();
    dir.ok(&["--surveys", &own_arg, "check"]);
    let changed = shipped("pulse.toml").replacen("version = 1", "version = 2", 1);
    std::fs::write(own.join("pulse.toml"), changed).unwrap();
    let err = dir.fails(&["--surveys", &own_arg, "check"]);
    assert!(
        err.contains("pulse.toml:") && err.contains("shipped survey"),
        "{err}"
    );
    let own_pulse = own.join("pulse.toml").display().to_string();
    assert!(dir.fails(&["check", &own_pulse]).contains("shipped survey"));
    dir.ok(&["init"]);
    dir.ok(&["team", "add", "A"]);
    let err = dir.fails(&[
        "--surveys",
        &own_arg,
        "round",
        "open",
        "--survey",
        "pulse",
        "--all",
    ]);
    assert!(err.contains("shipped survey"), "{err}");
}

#[test]
fn a_failed_command_leaves_no_out_file_and_the_retry_works() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    let names = |dir: &TestDir| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&dir.path)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| !n.starts_with("spiegel.db"))
            .collect();
        v.sort();
        v
    };
    // Export of an open round fails: no file, no temporary file.
    let err = dir.fails(&["export", "--round", &round, "--out", "r.csv"]);
    assert!(err.contains("still open"), "{err}");
    assert_eq!(names(&dir), Vec::<String>::new());
    // Links for a team that is not in the round: the same.
    dir.ok(&["team", "add", "Later"]);
    let err = dir.fails(&[
        "links", "--round", &round, "--team", "Later", "--count", "1", "--out", "l.csv",
    ]);
    assert!(err.contains("does not take part"), "{err}");
    assert_eq!(names(&dir), Vec::<String>::new());
    // The retries work and write whole files.
    dir.ok(&[
        "links", "--round", &round, "--team", "Noord", "--count", "2", "--out", "l.csv",
    ]);
    assert_eq!(
        std::fs::read_to_string(dir.path.join("l.csv"))
            .unwrap()
            .lines()
            .count(),
        2
    );
    dir.ok(&["round", "close", &round]);
    dir.ok(&["export", "--round", &round, "--out", "r.csv"]);
    assert!(
        std::fs::read_to_string(dir.path.join("r.csv"))
            .unwrap()
            .contains(',')
    );
    assert_eq!(names(&dir), vec!["l.csv".to_string(), "r.csv".to_string()]);
    // An existing file is never overwritten.
    let err = dir.fails(&["export", "--round", &round, "--out", "r.csv"]);
    assert!(err.contains("exists already"), "{err}");
}

#[test]
fn base_urls_are_checked_and_loopback_links_are_flagged() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    let links = |base: Option<&str>| {
        let mut args = vec![];
        if let Some(b) = base {
            args.extend(["--base-url", b]);
        }
        args.extend([
            "links", "--round", &round, "--team", "Noord", "--count", "1",
        ]);
        dir.run(&args)
    };
    for bad in [
        "not a url",
        "spiegel.example.nl",
        "ftp://spiegel.example.nl",
        "https://",
        "https://spiegel example.nl",
        "https://spiegel.example.nl:port",
        "https://spiegel.example.nl/?x=1",
    ] {
        let out = links(Some(bad));
        assert!(!out.status.success(), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--base-url") && err.contains("https://"),
            "{bad}: {err}"
        );
        assert!(out.stdout.is_empty(), "{bad}: no links printed");
    }
    let out = dir.run(&["--base-url", "nope", "key", "advisor"]);
    assert!(!out.status.success());
    let out = dir.run(&["--base-url", "nope", "serve", "--addr", "127.0.0.1:0"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--base-url"));
    // Loopback links work on this machine only: said on standard error.
    for base in [
        None,
        Some("http://localhost:8080"),
        Some("http://[::1]:8080/"),
    ] {
        let out = links(base);
        assert!(out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("only on this computer"), "{base:?}: {err}");
        assert!(err.contains("--base-url"), "{err}");
    }
    for base in [
        "https://spiegel.example.nl",
        "http://10.0.0.5:8080",
        "https://spiegel.example.nl/",
    ] {
        let out = links(Some(base));
        assert!(out.status.success(), "{base}");
        assert!(
            out.stderr.is_empty(),
            "{base}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout)
                .starts_with(&format!("{}/s/", base.trim_end_matches('/')))
        );
    }
}

/// Splits a shell line into words (double and single quotes, `#` comments).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '#') if !in_word => break,
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

#[test]
fn the_readme_walk_through_works_as_written() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme.split("## An advisor's first round").nth(1).unwrap();
    let block = section
        .split("```sh")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let dir = TestDir::new();
    let mut env: Vec<(String, String)> = Vec::new();
    let mut ran = 0;
    for line in block.lines() {
        let words = shell_words(line);
        match words.first().map(String::as_str) {
            Some("export") => {
                let (k, v) = words[1].split_once('=').unwrap();
                env.push((k.into(), v.into()));
            }
            Some("spiegel") if words.get(1).map(String::as_str) == Some("serve") => {}
            Some("spiegel") => {
                let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
                let mut cmd = dir.command(&args);
                for (k, v) in &env {
                    cmd.env(k, v);
                }
                let out = cmd.output().unwrap();
                assert!(
                    out.status.success(),
                    "{line}\n{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                ran += 1;
            }
            _ => {}
        }
    }
    assert!(ran >= 12, "{ran} commands");
}

#[test]
fn closes_takes_a_date_or_a_number_of_days_or_weeks() {
    let dir = TestDir::new();
    dir.setup_round();
    // `init` took this computer's zone.
    let today = jiff::Zoned::now().date();
    for (arg, days) in [("+14d", 14), ("+2w", 14), ("+0d", 0)] {
        let id = dir.open_round(&[
            "round", "open", "--survey", "pulse", "--all", "--closes", arg,
        ]);
        let json: serde_json::Value =
            serde_json::from_str(&dir.ok(&["round", "list", "--json"])).unwrap();
        let r = json
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id.parse::<i64>().unwrap())
            .unwrap();
        assert_eq!(
            r["closes_on"],
            spiegel::domain::date::add_days(today, days).to_string(),
            "{arg}"
        );
    }
    for bad in ["+d", "+14", "+-3d", "14d", "+14y"] {
        let err = dir.fails(&[
            "round", "open", "--survey", "pulse", "--all", "--closes", bad,
        ]);
        assert!(err.contains("+14d"), "{bad}: {err}");
    }
}

#[test]
fn opening_a_survey_with_comments_for_small_teams_warns() {
    let dir = TestDir::new();
    dir.ok(&["init", "--k", "5"]);
    dir.ok(&["team", "add", "Groot", "--size", "12"]);
    dir.ok(&["team", "add", "Klein", "--size", "8"]);
    dir.ok(&["team", "add", "Onbekend"]);
    // pulse asks for a comment: teams expected below max(k, 10) will not see them.
    let out = dir.run(&["round", "open", "--survey", "pulse", "--all"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning") && err.contains("Klein"), "{err}");
    assert!(err.contains("10"), "{err}");
    assert!(!err.contains("Groot"), "{err}");
    // A survey without a comment question: no warning.
    let out = dir.run(&["round", "open", "--survey", "psychological-safety", "--all"]);
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_closed_pipe_is_a_normal_end() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    dir.ok(&["round", "close", &round]);
    for args in [
        &["results", "--round", round.as_str(), "--json"][..],
        &["results", "--round", round.as_str()],
        &["round", "list"],
        &["team", "list", "--json"],
    ] {
        let mut child = dir
            .command(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Like `| head -0`: the reader is gone before anything is written.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {:?} {err}", out.status);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn serve_says_where_it_listens_accepts_host_names_and_logs_without_colours() {
    let dir = TestDir::new();
    dir.setup_round();
    for (addr, base) in [
        ("127.0.0.1:0", Some("https://spiegel.example.nl")),
        ("localhost:0", None),
    ] {
        let mut args = vec![];
        if let Some(b) = base {
            args.extend(["--base-url", b]);
        }
        args.extend(["serve", "--addr", addr]);
        let log = dir.path.join("serve.log");
        let mut child = dir
            .command(&args)
            .env("RUST_LOG", "debug")
            .stdout(std::process::Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut line = String::new();
        use std::io::BufRead;
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(line.contains("listening on "), "{line}");
        let listening = line
            .split("listening on ")
            .nth(1)
            .unwrap()
            .split(|c: char| c == ',' || c.is_whitespace())
            .next()
            .unwrap()
            .to_string();
        assert!(
            listening.starts_with("127.0.0.1:") || listening.starts_with("[::1]:"),
            "{line}"
        );
        match base {
            Some(b) => assert!(line.trim_end().ends_with(b), "{line}"),
            None => assert!(
                line.trim_end().ends_with(&format!("http://{listening}")),
                "{line}"
            ),
        }
        let page = crate::support::request(&listening, "GET", "/healthz", &[], b"");
        assert_eq!(page.status, 200);
        let _ = child.kill();
        let _ = child.wait();
        let logged = std::fs::read_to_string(&log).unwrap();
        assert!(!logged.is_empty(), "a debug log to look at");
        assert!(
            !logged.contains('\u{1b}'),
            "no colour codes in a file: {logged}"
        );
    }
}

#[test]
fn round_list_shows_the_planned_close_and_keeps_its_columns() {
    let dir = TestDir::new();
    dir.setup_round();
    let long = "Een heel lange titel voor de najaarsronde van het hele jaar 2026 en verder";
    dir.ok(&[
        "round",
        "open",
        "--survey",
        "psychological-safety",
        "--all",
        "--title",
        long,
        "--closes",
        "2099-12-31",
    ]);
    let table = dir.ok(&["round", "list"]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].contains("CLOSES"), "{table}");
    assert!(table.contains("2099-12-31"), "{table}");
    let teams_at = lines[0].find("TEAMS").unwrap();
    for l in &lines[1..] {
        let chars: Vec<char> = l.chars().collect();
        let rest: String = chars[teams_at..].iter().collect();
        assert!(rest.starts_with("noord,zorg-welzijn"), "{table}");
    }
}
