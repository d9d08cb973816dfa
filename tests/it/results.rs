//! Results over HTTP under the anonymity rules, with keys (rules 4–8 of
//! `docs/anonymity.md`), and the same releases through `spiegel results` and
//! `spiegel export`.

use serde_json::Value;

use crate::openapi::check_response;
use crate::support::{Response, Server, TestDir, request};

const ALL: &str =
    "pulse-speak=5&pulse-keep-quiet=3&pulse-mistakes=6&pulse-heard=4&pulse-unwanted-behaviour=5";

pub fn key(dir: &TestDir, args: &[&str]) -> String {
    let out = dir.ok(args);
    out.lines()
        .last()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string()
}

pub fn api(server: &Server, key: &str, path: &str) -> Response {
    request(
        &server.addr,
        "GET",
        &format!("/api/v1{path}"),
        &[("Authorization", &format!("Bearer {key}"))],
        b"",
    )
}

pub fn json(res: &Response) -> Value {
    serde_json::from_str(&res.body).unwrap_or_else(|e| panic!("{e}: {}", res.body))
}

pub fn answer(server: &Server, dir: &TestDir, round: &str, team: &str, bodies: &[&str]) {
    for (t, body) in dir
        .tokens(round, team, bodies.len() as u32)
        .iter()
        .zip(bodies)
    {
        assert_eq!(server.post_form(&format!("/s/{t}"), body).status, 303);
    }
}

/// Department Zorg with Noord (6 answers), Zuid (7, one item by only 3),
/// Klein (2); Facilitair (4 = k − 1) on its own. k = 5.
struct Org {
    dir: TestDir,
    server: Server,
    round: String,
    advisor: String,
    noord: String,
}

fn organisation() -> Org {
    let dir = TestDir::new();
    dir.ok(&["init", "--org", "Zorggroep"]);
    dir.ok(&["team", "add", "Zorg"]);
    dir.ok(&["team", "add", "Noord", "--parent", "Zorg", "--size", "8"]);
    dir.ok(&["team", "add", "Zuid", "--parent", "Zorg", "--size", "8"]);
    dir.ok(&["team", "add", "Klein", "--parent", "Zorg", "--size", "3"]);
    dir.ok(&["team", "add", "Facilitair", "--size", "6"]);
    let round = dir.open_round(&["round", "open", "--survey", "pulse", "--all"]);
    let advisor = key(&dir, &["key", "advisor", "--label", "vp"]);
    let noord = key(&dir, &["key", "manager", "--team", "Noord"]);
    let server = Server::start(&dir, None);
    answer(&server, &dir, &round, "Noord", &[ALL; 6]);
    let few = "pulse-speak=6&pulse-keep-quiet=2&pulse-heard=5&pulse-unwanted-behaviour=6&pulse-mistakes=skip";
    answer(
        &server,
        &dir,
        &round,
        "Zuid",
        &[ALL, ALL, ALL, few, few, few, few],
    );
    answer(&server, &dir, &round, "Klein", &[ALL; 2]);
    answer(&server, &dir, &round, "Facilitair", &[ALL; 4]);
    Org {
        dir,
        server,
        round,
        advisor,
        noord,
    }
}

#[test]
fn while_open_only_whether_k_is_reached() {
    let o = organisation();
    for (team, reached) in [
        ("noord", true),
        ("facilitair", false),
        ("zorg", true),
        ("organisation", true),
    ] {
        let res = api(
            &o.server,
            &o.advisor,
            &format!("/teams/{team}/rounds/{}", o.round),
        );
        assert_eq!(res.status, 200, "{team}");
        let v = json(&res);
        check_response("/teams/{id}/rounds/{round}", &v).unwrap();
        assert_eq!(v["status"], "open");
        assert_eq!(v["k_reached"], reached, "{team}");
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["k", "k_reached", "round", "status", "team"]);
    }
    let overview = json(&api(&o.server, &o.advisor, "/overview"));
    check_response("/overview", &overview).unwrap();
    assert!(
        overview["cells"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "open" && c.get("respondents").is_none())
    );
    // The CLI shows the same: no numbers while open.
    let cli = o.dir.ok(&["results", "--round", &o.round]);
    assert!(cli.contains("open (fewer than k so far"), "{cli}");
    assert!(!cli.contains("mean"));
    let err = o.dir.fails(&["export", "--round", &o.round]);
    assert!(err.contains("still open"), "{err}");
}

#[test]
fn watching_the_counts_of_an_open_round_reveals_nothing_but_one_flip() {
    let dir = TestDir::new();
    dir.ok(&["init"]);
    dir.ok(&["team", "add", "A"]);
    let round = dir.open_round(&["round", "open", "--survey", "pulse", "--all"]);
    let advisor = key(&dir, &["key", "advisor"]);
    let server = Server::start(&dir, None);
    let path = format!("/teams/a/rounds/{round}");
    let mut seen = vec![api(&server, &advisor, &path).body];
    for t in dir.tokens(&round, "A", 8) {
        server.post_form(&format!("/s/{t}"), ALL);
        seen.push(api(&server, &advisor, &path).body);
    }
    seen.dedup();
    assert_eq!(seen.len(), 2, "one change only, at k: {seen:?}");
    assert!(seen[0].contains("\"k_reached\":false") && seen[1].contains("\"k_reached\":true"));
}

#[test]
fn after_close_small_groups_are_suppressed_without_numbers_and_nothing_can_be_subtracted() {
    let o = organisation();
    o.dir.ok(&["round", "close", &o.round]);
    o.dir.ok(&["round", "release", &o.round]);
    let get = |team: &str| {
        json(&api(
            &o.server,
            &o.advisor,
            &format!("/teams/{team}/rounds/{}", o.round),
        ))
    };
    let all: Vec<(String, Value)> = [
        "organisation",
        "zorg",
        "noord",
        "zuid",
        "klein",
        "facilitair",
    ]
    .iter()
    .map(|t| (t.to_string(), get(t)))
    .collect();
    for (team, v) in &all {
        check_response("/teams/{id}/rounds/{round}", v).unwrap_or_else(|e| panic!("{team}: {e}"));
    }
    let status = |t: &str| all.iter().find(|(n, _)| n == t).unwrap().1.clone();
    // Facilitair: 4 answers, k − 1: suppressed, with no number but k.
    let f = status("facilitair");
    assert_eq!(f["status"], "suppressed");
    assert_eq!(f["reason"], "hidden_to_protect_anonymity");
    let keys: Vec<&String> = f.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["k", "reason", "round", "status", "team"]);
    // Zorg 15 − Noord 6 − Zuid 7 = Klein 2: the department hides, both
    // teams are shown (roll-ups before teams).
    assert_eq!(status("noord")["status"], "released");
    assert_eq!(status("zuid")["status"], "released");
    // Hidden by too few answers (Facilitair 4, Klein 2) or to protect a
    // smaller group (Zorg 15): the same status and reason, nothing else.
    for t in ["facilitair", "klein", "zorg"] {
        let mut v = status(t);
        v.as_object_mut().unwrap().remove("team");
        let mut f = f.clone();
        f.as_object_mut().unwrap().remove("team");
        assert_eq!(v, f, "{t}");
    }

    // Whatever is released, no difference of released counts is 1..4.
    let released: Vec<(String, u64)> = all
        .iter()
        .filter(|(_, v)| v["status"] == "released")
        .map(|(t, v)| (t.clone(), v["respondents"].as_u64().unwrap()))
        .collect();
    assert!(released.iter().any(|(t, _)| t == "organisation"));
    let org = released
        .iter()
        .find(|(t, _)| t == "organisation")
        .unwrap()
        .1;
    assert_eq!(org, 19);
    let parent_of = |t: &str| match t {
        "noord" | "zuid" | "klein" => Some("zorg"),
        "organisation" => None,
        _ => Some("organisation"),
    };
    for (parent, total) in &released {
        // Every set of released groups strictly below `parent` (none nested).
        let below: Vec<&(String, u64)> = released
            .iter()
            .filter(|(t, _)| {
                let mut p = parent_of(t);
                while let Some(x) = p {
                    if x == parent {
                        return true;
                    }
                    p = parent_of(x);
                }
                false
            })
            .collect();
        for mask in 0..(1u32 << below.len()) {
            let chosen: Vec<&&(String, u64)> = below
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, x)| x)
                .collect();
            let nested = chosen.iter().any(|a| {
                chosen
                    .iter()
                    .any(|b| a.0 != b.0 && parent_of(&a.0) == Some(b.0.as_str()))
            });
            if nested {
                continue;
            }
            let residual = total - chosen.iter().map(|x| x.1).sum::<u64>();
            assert!(
                residual == 0 || residual >= 5,
                "{parent} minus {chosen:?} = {residual}"
            );
        }
    }
    // Zuid is released with its item answered by 3 suppressed on its own.
    let zuid = status("zuid");
    assert_eq!(zuid["status"], "released");
    assert_eq!(zuid["respondents"], 7);
    let mistakes = zuid["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "pulse-mistakes")
        .unwrap();
    assert_eq!(mistakes.as_object().unwrap().len(), 2, "{mistakes}");
    assert_eq!(mistakes["status"], "suppressed");
    let text = zuid.to_string();
    for word in ["\"min\"", "\"max\"", "histogram"] {
        assert!(!text.contains(word));
    }
    assert!(
        zuid["participation_band"] == "80–90 %",
        "{}",
        zuid["participation_band"]
    );

    // The same through the CLI and the export: nothing more.
    let table = o.dir.ok(&["results", "--round", &o.round]);
    assert!(
        table.contains("Facilitair (facilitair): suppressed (fewer than k answered, or showing it would reveal a smaller group)"),
        "{table}"
    );
    assert!(
        table.contains("Zorg (zorg): suppressed (fewer than k answered, or showing it would reveal a smaller group)"),
        "{table}"
    );
    let cli_json: Value = serde_json::from_str(
        &o.dir
            .ok(&["results", "--round", &o.round, "--team", "Zuid", "--json"]),
    )
    .unwrap();
    assert_eq!(cli_json, zuid);
    let csv = o
        .dir
        .ok(&["export", "--round", &o.round, "--format", "csv"]);
    let fac: Vec<&str> = csv.lines().filter(|l| l.contains(",facilitair,")).collect();
    assert_eq!(fac.len(), 1);
    assert!(
        fac[0].ends_with(",suppressed,group,,,,,,,,,,,,"),
        "{}",
        fac[0]
    );
    assert!(
        csv.lines()
            .any(|l| l.contains(",zuid,") && l.contains(",suppressed,item,pulse-mistakes,"))
    );
    assert!(csv.starts_with("round,team_id,team,status,level,id,n,mean"));
}

#[test]
fn a_manager_key_sees_its_own_team_and_nothing_else() {
    let o = organisation();
    o.dir.ok(&["round", "close", &o.round]);
    o.dir.ok(&["round", "release", &o.round]);
    let teams = json(&api(&o.server, &o.noord, "/teams"));
    check_response("/teams", &teams).unwrap();
    assert_eq!(
        teams,
        serde_json::json!([{ "id": "noord", "name": "Noord", "parent": null }])
    );
    let trend = api(&o.server, &o.noord, "/teams/noord/trend");
    assert_eq!(trend.status, 200);
    assert_eq!(trend.header("cache-control"), Some("no-store"));
    let trend = json(&trend);
    check_response("/teams/{id}/trend", &trend).unwrap();
    assert_eq!(trend["rounds"].as_array().unwrap().len(), 1);
    let rounds = json(&api(&o.server, &o.noord, "/rounds"));
    check_response("/rounds", &rounds).unwrap();
    assert_eq!(rounds.as_array().unwrap().len(), 1);

    let not_found = api(&o.server, &o.noord, "/teams/zuid/trend");
    for path in [
        "/teams/zuid/trend".to_string(),
        "/teams/zorg/trend".into(),
        "/teams/organisation/trend".into(),
        "/teams/bestaat-niet/trend".into(),
        format!("/teams/zuid/rounds/{}", o.round),
        format!("/teams/zorg/rounds/{}", o.round),
        "/teams/noord/rounds/999".into(),
        "/overview".into(),
    ] {
        let res = api(&o.server, &o.noord, &path);
        assert_eq!(res.status, 404, "{path}");
        assert_eq!(res.body, not_found.body, "{path}: no existence oracle");
    }
    let own = api(
        &o.server,
        &o.noord,
        &format!("/teams/noord/rounds/{}", o.round),
    );
    assert_eq!(own.status, 200);
    assert!(json(&own).get("comments").is_none());

    // Advisors see every team and the overview.
    let overview = json(&api(&o.server, &o.advisor, "/overview"));
    check_response("/overview", &overview).unwrap();
    assert_eq!(overview["teams"].as_array().unwrap().len(), 6);
    assert!(
        overview["cells"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["team"] == "facilitair"
                && c["status"] == "suppressed"
                && c.get("score").is_none())
    );
    let all = json(&api(&o.server, &o.advisor, "/teams"));
    assert_eq!(all.as_array().unwrap().len(), 5);
}

#[test]
fn unknown_and_revoked_keys_get_401_and_repeated_failures_429() {
    let dir = TestDir::new();
    dir.ok(&["init"]);
    dir.ok(&["team", "add", "A"]);
    let advisor = key(&dir, &["key", "advisor"]);
    let manager = key(&dir, &["key", "manager", "--team", "A", "--label", "Anna"]);
    let list = dir.ok(&["key", "list"]);
    assert!(list.contains("Anna") && !list.contains(&manager) && !list.contains(&advisor));
    let server = Server::start(&dir, None);
    assert_eq!(api(&server, &manager, "/teams").status, 200);
    let keys: Value = serde_json::from_str(&dir.ok(&["key", "list", "--json"])).unwrap();
    let id = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["label"] == "Anna")
        .unwrap()["id"]
        .to_string();
    dir.ok(&["key", "revoke", &id]);
    let revoked = api(&server, &manager, "/teams");
    assert_eq!(revoked.status, 401);
    assert_eq!(json(&revoked)["error"], "unknown or revoked key");
    assert!(
        dir.fails(&["key", "revoke", &id])
            .contains("revoked already")
    );
    assert!(dir.fails(&["key", "revoke", "99"]).contains("no key 99"));
    assert!(
        dir.fails(&["key", "manager", "--team", "B"])
            .contains("no team named")
    );
    assert_eq!(api(&server, "AAAAAAAAAAAAAAAAAAAAAA", "/teams").status, 401);
    assert_eq!(
        request(&server.addr, "GET", "/api/v1/teams", &[], b"").status,
        401
    );
    assert_eq!(api(&server, &advisor, "/teams").status, 200);
    let doc = server.get("/api/v1/openapi.json");
    assert_eq!(doc.status, 200);
    assert!(json(&doc)["openapi"].as_str().unwrap().starts_with("3."));
}

#[test]
fn guessing_is_slowed_down() {
    let dir = TestDir::new();
    dir.ok(&["init"]);
    dir.ok(&["team", "add", "A"]);
    let advisor = key(&dir, &["key", "advisor"]);
    let mut cmd = dir.command(&["serve", "--addr", "127.0.0.1:0", "--max-failures", "5"]);
    let stderr = dir.path.join("limit.log");
    let mut child = cmd
        .env("RUST_LOG", "debug")
        .stdout(std::process::Stdio::piped())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let addr = line.split("http://").nth(1).unwrap().trim().to_string();
    let get = |path: &str, key: &str| {
        request(
            &addr,
            "GET",
            path,
            &[("Authorization", &format!("Bearer {key}"))],
            b"",
        )
        .status
    };
    for i in 0..5 {
        assert_eq!(get(&format!("/s/BBBBBBBBBBBBBBBBBBBBB{i}"), "x"), 404);
    }
    assert_eq!(get("/s/CCCCCCCCCCCCCCCCCCCCCC", "x"), 429);
    assert_eq!(
        get("/api/v1/teams", &advisor),
        200,
        "a valid key is never refused because of other failures"
    );
    assert_eq!(get("/healthz", "x"), 200, "other routes still answer");
    let _ = child.kill();
    let _ = child.wait();
    let log = std::fs::read_to_string(stderr).unwrap();
    assert!(!log.contains("BBBBBBBBBBBBBBBBBBBBB") && !log.contains(&advisor));
}

#[test]
fn k_is_locked_into_the_round_for_its_results() {
    let dir = TestDir::new();
    dir.ok(&["init", "--k", "3"]);
    dir.ok(&["team", "add", "A"]);
    let round = dir.open_round(&["round", "open", "--survey", "pulse", "--all"]);
    let advisor = key(&dir, &["key", "advisor"]);
    let server = Server::start(&dir, None);
    answer(&server, &dir, &round, "A", &[ALL; 4]);
    // Raising the organisation's k later does not hide the round's result.
    dir.sqlite().execute("UPDATE org SET k = 7", []).unwrap();
    dir.ok(&["round", "close", &round]);
    dir.ok(&["round", "release", &round]);
    let v = json(&api(&server, &advisor, &format!("/teams/a/rounds/{round}")));
    assert_eq!(v["k"], 3);
    assert_eq!(v["status"], "released");
    assert_eq!(v["respondents"], 4);
}

#[test]
fn comments_need_ten_respondents_and_go_to_advisors_unless_opted_in() {
    let dir = TestDir::new();
    dir.ok(&["init"]);
    dir.ok(&["team", "add", "Groot"]);
    dir.ok(&["team", "add", "Midden"]);
    let round = dir.open_round(&["round", "open", "--survey", "pulse", "--all"]);
    let advisor = key(&dir, &["key", "advisor"]);
    let manager = key(&dir, &["key", "manager", "--team", "Groot"]);
    let server = Server::start(&dir, None);
    let bodies: Vec<String> = (0..10)
        .map(|i| format!("{ALL}&comment=opmerking+{i}+%3Cb%3E"))
        .collect();
    let refs: Vec<&str> = bodies.iter().map(String::as_str).collect();
    answer(&server, &dir, &round, "Groot", &refs);
    answer(&server, &dir, &round, "Midden", &refs[..9]);
    dir.ok(&["round", "close", &round]);
    dir.ok(&["round", "release", &round]);
    let get =
        |key: &str, team: &str| json(&api(&server, key, &format!("/teams/{team}/rounds/{round}")));
    let groot = get(&advisor, "groot");
    let comments = groot["comments"].as_array().unwrap();
    assert_eq!(comments.len(), 10);
    assert!(comments.iter().any(|c| c == "opmerking 3 <b>"));
    assert_eq!(
        get(&advisor, "midden")["comments"],
        serde_json::json!([]),
        "9 respondents: none"
    );
    assert!(get(&manager, "groot").get("comments").is_none());
    dir.ok(&["settings", "--comments-to-managers", "on"]);
    assert_eq!(
        get(&manager, "groot")["comments"].as_array().unwrap().len(),
        10
    );
    check_response("/teams/{id}/rounds/{round}", &groot).unwrap();
}

#[test]
fn the_trend_lists_closed_rounds_oldest_first_with_gaps_and_changes() {
    let dir = TestDir::new();
    dir.ok(&["init"]);
    dir.ok(&["team", "add", "A", "--size", "6"]);
    let manager = key(&dir, &["key", "manager", "--team", "A"]);
    let server = Server::start(&dir, None);
    let mut rounds = Vec::new();
    for (i, n) in [6usize, 3, 6].iter().enumerate() {
        let round = dir.open_round(&[
            "round",
            "open",
            "--survey",
            "pulse",
            "--all",
            "--title",
            &format!("R{i}"),
        ]);
        let body = if i == 2 {
            "pulse-speak=7&pulse-heard=7&pulse-mistakes=7&pulse-keep-quiet=1&pulse-unwanted-behaviour=7"
        } else {
            ALL
        };
        answer(&server, &dir, &round, "A", &vec![body; *n]);
        dir.ok(&["round", "close", &round]);
        dir.ok(&["round", "release", &round]);
        rounds.push(round);
    }
    let open = dir.open_round(&["round", "open", "--survey", "pulse", "--all"]);
    let trend = json(&api(&server, &manager, "/teams/a/trend"));
    check_response("/teams/{id}/trend", &trend).unwrap();
    let entries = trend["rounds"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "closed rounds only, not {open}");
    let statuses: Vec<&str> = entries
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["released", "suppressed", "released"]);
    assert_eq!(entries[0]["round"]["title"], "R0");
    assert!(entries[0]["overall"]["change"].is_null());
    // Compared with the previous closed round of the same survey: the
    // suppressed one, so no change is shown.
    assert!(entries[2]["overall"]["change"].is_null());
    assert_eq!(entries[2]["participation_band"], "100 %");
}

pub fn cookie_of(res: &Response) -> String {
    let set = res.header("set-cookie").expect("a session cookie");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"),
        "{set}"
    );
    set.split(';').next().unwrap().to_string()
}

pub fn page(server: &Server, path: &str, cookie: &str) -> Response {
    request(&server.addr, "GET", path, &[("Cookie", cookie)], b"")
}

#[test]
fn personal_links_become_a_session_cookie_with_the_same_limits() {
    let o = organisation();
    o.dir.ok(&["round", "close", &o.round]);
    o.dir.ok(&["round", "release", &o.round]);
    o.dir.skip_reflections();
    // Manager: the key is swapped for a cookie and leaves the address bar.
    let entry = o.server.get(&format!("/m/{}", o.noord));
    assert_eq!(entry.status, 303);
    assert_eq!(entry.header("location"), Some("/team/noord?lang=nl"));
    let cookie = cookie_of(&entry);
    assert!(!cookie.contains(&o.noord), "the session is not the key");
    let own = page(&o.server, "/team/noord", &cookie);
    assert_eq!(own.status, 200);
    assert!(own.body.contains("<h1>Noord</h1>"));
    // Noord (6) is shown: its department hides instead.
    assert!(!own.body.contains("verborgen:"), "{}", own.body);
    assert!(
        own.body.contains("Laatste ronde met uitkomsten"),
        "{}",
        own.body
    );
    for path in [
        "/team/zuid",
        "/team/zorg",
        "/team/organisation",
        "/overzicht",
    ] {
        assert_eq!(page(&o.server, path, &cookie).status, 404, "{path}");
    }
    assert_eq!(
        o.server.get("/team/noord").status,
        401,
        "no cookie, no page"
    );
    assert_eq!(
        page(
            &o.server,
            "/team/noord",
            "spiegel_session=AAAAAAAAAAAAAAAAAAAAAA"
        )
        .status,
        401
    );

    // Advisor: the overview, every team, figures exactly as the API releases them.
    let entry = o.server.get(&format!("/a/{}?lang=en", o.advisor));
    assert_eq!(entry.header("location"), Some("/overzicht?lang=en"));
    let cookie = cookie_of(&entry);
    let overview = page(&o.server, "/overzicht?lang=en", &cookie);
    assert_eq!(overview.status, 200);
    assert!(overview.body.contains("Overview of all teams"));
    assert!(overview.body.contains("href=\"/team/facilitair?lang=en\""));
    let zuid = page(&o.server, "/team/zuid", &cookie);
    assert!(
        zuid.body.contains(
            "verborgen (minder dan k antwoorden, of tonen zou een kleinere groep herleidbaar maken)"
        ),
        "the item answered by 3"
    );
    // One sentence for both causes: Zorg protects Klein, Facilitair has 4.
    for team in ["zorg", "facilitair"] {
        let nl = page(&o.server, &format!("/team/{team}"), &cookie);
        assert!(
            nl.body.contains("verborgen: hier antwoordden minder dan k mensen, of tonen zou een kleinere groep herleidbaar maken"),
            "{team}: {}",
            nl.body
        );
        let en = page(&o.server, &format!("/team/{team}?lang=en"), &cookie);
        assert!(
            en.body.contains("hidden: fewer than k people answered here, or showing it would reveal a smaller group"),
            "{team}: {}",
            en.body
        );
    }
    let api_zuid = json(&api(
        &o.server,
        &o.advisor,
        &format!("/teams/zuid/rounds/{}", o.round),
    ));
    let score = format!("{:.1}", api_zuid["score"].as_f64().unwrap()).replace('.', ",");
    assert!(
        zuid.body.contains(&score),
        "page shows the released score {score}"
    );

    // The API takes the session like the key, with the same visibility.
    let with_session = |path: &str, cookie: &str| {
        request(
            &o.server.addr,
            "GET",
            &format!("/api/v1{path}"),
            &[("Cookie", cookie)],
            b"",
        )
    };
    let by_session = with_session(&format!("/teams/zuid/rounds/{}", o.round), &cookie);
    assert_eq!(by_session.status, 200);
    assert_eq!(json(&by_session), api_zuid);
    let manager = cookie_of(&o.server.get(&format!("/m/{}", o.noord)));
    assert_eq!(with_session("/teams/noord/trend", &manager).status, 200);
    assert_eq!(with_session("/teams/zuid/trend", &manager).status, 404);
    assert_eq!(with_session("/overview", &manager).status, 404);
    let unknown = with_session("/teams", "spiegel_session=AAAAAAAAAAAAAAAAAAAAAA");
    assert_eq!(unknown.status, 401);
    assert_eq!(json(&unknown)["error"], "unknown or revoked key");

    // Wrong path for the key's role, unknown keys: the same refusal.
    assert_eq!(o.server.get(&format!("/a/{}", o.noord)).status, 404);
    assert_eq!(o.server.get(&format!("/m/{}", o.advisor)).status, 404);
    assert_eq!(o.server.get("/m/AAAAAAAAAAAAAAAAAAAAAA").status, 404);

    // Revoking the key ends its sessions at once.
    let keys: Value = serde_json::from_str(&o.dir.ok(&["key", "list", "--json"])).unwrap();
    let id = keys
        .as_array()
        .unwrap()
        .iter()
        // The last advisor key: `init` made the first one.
        .rfind(|k| k["role"] == "advisor")
        .unwrap()["id"]
        .to_string();
    o.dir.ok(&["key", "revoke", &id]);
    assert_eq!(page(&o.server, "/overzicht", &cookie).status, 401);
    assert_eq!(o.server.get(&format!("/a/{}", o.advisor)).status, 404);
}

/// The pages, the CLI and the charts read the typed values of `report`; the
/// API writes a trend and the overview by splicing stored JSON. Both must
/// say exactly the same, byte for byte, for every key: released rounds
/// with and without comments, withheld comments of a roll-up and of a small
/// team, hidden rounds, open rounds.
#[test]
fn typed_values_serialise_to_exactly_what_the_api_splices() {
    use spiegel::domain::access::Principal;
    use spiegel::report;
    use spiegel::storage::{self, Mode};

    let dir = TestDir::new();
    dir.ok(&["init"]);
    dir.ok(&["team", "add", "Afdeling"]);
    dir.ok(&["team", "add", "Groot", "--parent", "Afdeling"]);
    dir.ok(&["team", "add", "Midden", "--parent", "Afdeling"]);
    dir.ok(&["team", "add", "Klein"]);
    let server = Server::start(&dir, None);
    let bodies: Vec<String> = (0..10)
        .map(|i| format!("{ALL}&comment=opmerking+{i}+%22%3Cb%3E%22+%C3%A9"))
        .collect();
    let refs: Vec<&str> = bodies.iter().map(String::as_str).collect();
    for (i, small) in [3usize, 9, 2].iter().enumerate() {
        let round = dir.open_round(&[
            "round",
            "open",
            "--survey",
            "pulse",
            "--all",
            "--title",
            &format!("R\"{i}\""),
        ]);
        answer(&server, &dir, &round, "Groot", &refs);
        answer(&server, &dir, &round, "Midden", &refs[..*small]);
        answer(&server, &dir, &round, "Klein", &refs[..2]);
        dir.ok(&["round", "close", &round]);
        dir.ok(&["round", "release", &round]);
    }
    let open = dir.open_round(&["round", "open", "--survey", "pulse", "--all"]);
    answer(&server, &dir, &open, "Groot", &refs[..5]);
    let conn = storage::open(&dir.db(), Mode::ReadOnly).unwrap();
    let groot = storage::team(&conn, "groot").unwrap();
    for p in [Principal::Advisor, Principal::Manager { team: groot.key }] {
        let ids: Vec<String> = report::teams(&conn, p)
            .unwrap()
            .into_iter()
            .map(|t| t.id)
            .chain(
                p.sees_organisation()
                    .then(|| report::ORGANISATION_ID.into()),
            )
            .collect();
        assert!(!ids.is_empty());
        for id in &ids {
            let typed = report::trend(&conn, p, id).unwrap();
            assert_eq!(typed.rounds.len(), 3);
            assert_eq!(
                serde_json::to_string(&typed).unwrap(),
                report::trend_json(&conn, p, id).unwrap(),
                "{p:?} {id}"
            );
            for r in &typed.rounds {
                let one = report::team_round(&conn, p, id, r.round.id).unwrap();
                assert_eq!(&one, r);
            }
        }
    }
    let overview = report::overview(&conn, Principal::Advisor).unwrap();
    assert!(overview.cells.len() > 12, "closed and open cells");
    assert_eq!(
        serde_json::to_string(&overview).unwrap(),
        report::overview_json(&conn, Principal::Advisor).unwrap()
    );
    let spliced: Value =
        serde_json::from_str(&report::overview_json(&conn, Principal::Advisor).unwrap()).unwrap();
    check_response("/overview", &spliced).unwrap();
}
