//! Beyond one conversation: the cases and the guide files (`spiegel check`,
//! `--conversation`), the manager's agreement to share with peers, the
//! intervisie sheet of a department, bright spots and the guide page.

use crate::results::{answer, api, json, key};
use crate::support::{Response, Server, TestDir, request};

const CASES: &str = include_str!("../../conversation/cases.toml");
const GUIDE: &str = include_str!("../../conversation/hesitations.toml");

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn check_names_file_line_and_problem_of_broken_cases_and_guide_files() {
    let dir = TestDir::new();
    // The shipped files, built in.
    let out = dir.ok(&["check"]);
    assert!(out.contains("cases.toml (built in): ok (4 cases)"), "{out}");
    assert!(
        out.contains("hesitations.toml (built in): ok (4 hesitations)"),
        "{out}"
    );
    let own = dir.path.join("own");
    std::fs::create_dir_all(&own).unwrap();
    // A case without its English title.
    let cases = CASES.replacen(
        "title = { nl = \"Een klacht over een geliefde collega\", en = \"A complaint about a well-liked colleague\" }",
        "title = { nl = \"Een klacht over een geliefde collega\", en = \"\" }",
        1,
    );
    assert_ne!(cases, CASES);
    std::fs::write(own.join("cases.toml"), &cases).unwrap();
    let err = dir.fails(&["check", own.join("cases.toml").to_str().unwrap()]);
    let line = line_of(&cases, "Een klacht over een geliefde collega");
    let place = format!("{}:{line}:", own.join("cases.toml").display());
    assert!(err.contains(&place), "{place}: {err}");
    assert!(err.contains("missing its en translation"), "{err}");
    // The folder, as the server would load it: the same error, and the
    // server refuses to start with it.
    let err = dir.fails(&["--conversation", own.to_str().unwrap(), "check"]);
    assert!(err.contains(&place), "{err}");
    dir.ok(&["init", "--tz", "UTC"]);
    let err = dir.fails(&[
        "--conversation",
        own.to_str().unwrap(),
        "serve",
        "--addr",
        "127.0.0.1:0",
    ]);
    assert!(err.contains(&place), "{err}");
    // A guide with an unknown key and one with four questions.
    std::fs::write(own.join("cases.toml"), CASES).unwrap();
    let guide = GUIDE.replacen(
        "id = \"job-of-hr\"",
        "id = \"job-of-hr\"\nkleur = \"rood\"",
        1,
    );
    std::fs::write(own.join("hesitations.toml"), &guide).unwrap();
    let err = dir.fails(&["check", own.to_str().unwrap()]);
    let place = format!(
        "{}:{}:",
        own.join("hesitations.toml").display(),
        line_of(&guide, "kleur")
    );
    assert!(err.contains(&place) && err.contains("kleur"), "{err}");
    let guide = GUIDE.replacen(
        "    \"Wie in je omgeving doet dit goed, en wat zegt die?\",\n",
        "    \"Wie in je omgeving doet dit goed, en wat zegt die?\",\n    \"Een\",\n    \"Twee\",\n",
        1,
    ).replacen(
        "    \"Who around you does this well, and what do they say?\",\n",
        "    \"Who around you does this well, and what do they say?\",\n    \"One\",\n    \"Two\",\n",
        1,
    );
    std::fs::write(own.join("hesitations.toml"), &guide).unwrap();
    let err = dir.fails(&["--conversation", own.to_str().unwrap(), "check"]);
    assert!(err.contains("has 4 questions; give 2 to 3"), "{err}");
    // A valid own folder passes; a folder that is not there does not.
    std::fs::write(own.join("hesitations.toml"), GUIDE).unwrap();
    let out = dir.ok(&["--conversation", own.to_str().unwrap(), "check"]);
    assert!(out.contains("ok (conversation folder)"), "{out}");
    let err = dir.fails(&["--conversation", "/nonexistent-folder", "check"]);
    assert!(err.contains("/nonexistent-folder: no such folder"), "{err}");
}

/// Answers on the pulse survey (7 points; keep-quiet is reversed): high,
/// middling and low.
const HIGH: &str =
    "pulse-speak=7&pulse-keep-quiet=1&pulse-mistakes=7&pulse-heard=7&pulse-unwanted-behaviour=6";
const MID: &str =
    "pulse-speak=5&pulse-keep-quiet=3&pulse-mistakes=5&pulse-heard=4&pulse-unwanted-behaviour=5";
const LOW: &str =
    "pulse-speak=2&pulse-keep-quiet=6&pulse-mistakes=3&pulse-heard=2&pulse-unwanted-behaviour=3";

fn get(server: &Server, path: &str, headers: &[(&str, &str)]) -> Response {
    request(&server.addr, "GET", path, headers, b"")
}

fn bearer(server: &Server, key: &str, path: &str) -> Response {
    get(server, path, &[("Authorization", &format!("Bearer {key}"))])
}

/// The session cookie a personal link sets.
fn session(server: &Server, path: &str) -> String {
    let res = server.get(path);
    assert_eq!(res.status, 303, "{path}: {}", res.body);
    res.header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

fn form_token(body: &str) -> String {
    let at = body
        .find("name=\"form_token\" value=\"")
        .unwrap_or_else(|| panic!("no form token in {body}"));
    body[at + 25..at + 25 + 64].to_string()
}

fn post(
    server: &Server,
    path: &str,
    cookie: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Response {
    let mut h = vec![
        ("Cookie", cookie),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ];
    h.extend_from_slice(headers);
    request(&server.addr, "POST", path, &h, body.as_bytes())
}

fn sharing_rows(dir: &TestDir) -> Vec<(i64, bool, String)> {
    let conn = dir.sqlite();
    let mut st = conn
        .prepare("SELECT team_id, shared, changed_on FROM sharing ORDER BY team_id")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The sheet's text outside its inline charts (which hold only the
/// department's released figures) and its style.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find("<svg") {
        out.push_str(&rest[..at]);
        let end = rest[at..]
            .find("</svg>")
            .map(|e| at + e + 6)
            .unwrap_or(rest.len());
        rest = &rest[end..];
    }
    out.push_str(rest);
    match (out.find("<style>"), out.find("</style>")) {
        (Some(a), Some(b)) => format!("{}{}", &out[..a], &out[b..]),
        _ => out,
    }
}

/// Every word a reader sees: the text outside the charts and the text
/// inside them (not their drawing coordinates).
fn words_of(html: &str) -> String {
    let mut out = text_of(html);
    let mut rest = html;
    while let Some(at) = rest.find("<text") {
        let Some(open) = rest[at..].find('>') else {
            break;
        };
        let Some(close) = rest[at..].find("</text>") else {
            break;
        };
        out.push(' ');
        out.push_str(&rest[at + open + 1..at + close]);
        rest = &rest[at + close..];
    }
    out
}

/// Whether `number` stands on its own in `text` (not inside a longer number).
fn has_number(text: &str, number: &str) -> bool {
    text.match_indices(number).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + number.len()..].chars().next();
        let digit_or_sep =
            |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit() || c == '.' || c == ',');
        !digit_or_sep(before) && !digit_or_sep(after)
    })
}

struct Dept {
    dir: TestDir,
    server: Server,
    round: String,
    advisor: String,
    alfa: String,
    beta: String,
}

/// Department Zorg with Alfa (high), Beta (middling) and Gamma (low), 5
/// answers each, in a closed and released pulse round; k = 5.
fn department() -> Dept {
    let dir = TestDir::new();
    dir.ok(&["init", "--org", "Test BV", "--tz", "UTC"]);
    dir.ok(&["team", "add", "Zorg"]);
    for t in ["Alfa", "Beta", "Gamma"] {
        dir.ok(&["team", "add", t, "--parent", "Zorg"]);
    }
    let round = dir.open_round(&["round", "open", "--survey", "pulse", "--all"]);
    let advisor = key(&dir, &["key", "advisor", "--label", "vp"]);
    let alfa = key(&dir, &["key", "manager", "--team", "Alfa"]);
    let beta = key(&dir, &["key", "manager", "--team", "Beta"]);
    let server = Server::start(&dir, None);
    answer(&server, &dir, &round, "Alfa", &[HIGH; 5]);
    answer(&server, &dir, &round, "Beta", &[MID; 5]);
    answer(&server, &dir, &round, "Gamma", &[LOW; 5]);
    dir.ok(&["round", "close", &round]);
    dir.ok(&["round", "release", &round]);
    dir.skip_reflections();
    Dept {
        dir,
        server,
        round,
        advisor,
        alfa,
        beta,
    }
}

impl Dept {
    fn sheet(&self) -> String {
        let res = bearer(
            &self.server,
            &self.advisor,
            &format!("/team/zorg/rounds/{}/intervisie?lang=en", self.round),
        );
        assert_eq!(res.status, 200, "{}", res.body);
        res.body
    }

    fn cli_sheet(&self, name: &str) -> String {
        let out = self.dir.path.join(name);
        self.dir.ok(&[
            "intervisie",
            "--team",
            "Zorg",
            "--round",
            &self.round,
            "--out",
            out.to_str().unwrap(),
            "--lang",
            "en",
        ]);
        std::fs::read_to_string(out).unwrap()
    }

    /// A team's overall score as the advisor's API shows it.
    fn score(&self, team: &str) -> f64 {
        let v = json(&api(
            &self.server,
            &self.advisor,
            &format!("/teams/{team}/rounds/{}", self.round),
        ));
        v["score"].as_f64().unwrap()
    }
}

#[test]
fn the_intervisie_sheet_names_a_team_only_while_its_manager_agrees() {
    let d = department();
    let origin = format!("http://{}", d.server.addr);
    let same = [
        ("Origin", origin.as_str()),
        ("Sec-Fetch-Site", "same-origin"),
    ];
    // Before any agreement: counted, never named.
    let html = d.sheet();
    assert!(html.contains("3 of 3 teams"), "{html}");
    assert!(html.contains("@page { size: A4"), "{html}");
    let text = text_of(&html);
    for name in ["Alfa", "Beta", "Gamma"] {
        assert!(
            !text.contains(name),
            "{name} named without agreement: {text}"
        );
        assert!(!html.contains(name), "{name} in the charts: {html}");
    }
    assert!(!d.cli_sheet("before.html").contains("Alfa"));
    // Self-contained: no external request.
    let outside = html.replace("http://www.w3.org/2000/svg", "");
    for external in ["<link", "src=\"", "http://", "https://", "@import", "url("] {
        assert!(!outside.contains(external), "{external}");
    }
    // Two cases and the open questions.
    assert!(html.contains("Cases to discuss together"), "{html}");
    assert!(html.contains("Open questions"), "{html}");

    // The manager's own page: the switch, off by default, and the guide's
    // line for managers.
    let alfa = session(&d.server, &format!("/m/{}", d.alfa));
    let page = get(&d.server, "/team/alfa?lang=en", &[("Cookie", &alfa)]);
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Sharing with peer managers"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Off (the default)."), "{}", page.body);
    assert!(
        page.body
            .contains("You don&#39;t have to have the answer: ask.")
            || page
                .body
                .contains("You don't have to have the answer: ask."),
        "{}",
        page.body
    );
    let token = form_token(&page.body);
    let path = "/team/alfa/delen?lang=en";
    let good = format!("form_token={token}&share=on");
    // Cross-site, without Origin, without the token, by GET: 403, nothing stored.
    for (headers, body) in [
        (vec![("Origin", "https://evil.example")], good.clone()),
        (
            vec![
                ("Origin", origin.as_str()),
                ("Sec-Fetch-Site", "cross-site"),
            ],
            good.clone(),
        ),
        (vec![], good.clone()),
        (same.to_vec(), "share=on".to_string()),
        (
            same.to_vec(),
            format!("form_token={}&share=on", "0".repeat(64)),
        ),
    ] {
        assert_eq!(post(&d.server, path, &alfa, &headers, &body).status, 403);
    }
    assert_eq!(get(&d.server, path, &[("Cookie", &alfa)]).status, 403);
    // Another team's manager, and an advisor: not theirs to switch.
    let beta = session(&d.server, &format!("/m/{}", d.beta));
    let beta_page = get(&d.server, "/team/beta", &[("Cookie", &beta)]);
    let beta_body = format!("form_token={}&share=on", form_token(&beta_page.body));
    assert_eq!(post(&d.server, path, &beta, &same, &beta_body).status, 404);
    let advisor = session(&d.server, &format!("/a/{}", d.advisor));
    let adv_page = get(&d.server, "/team/alfa?lang=en", &[("Cookie", &advisor)]);
    assert!(
        adv_page.body.contains("Off (the default)."),
        "{}",
        adv_page.body
    );
    let adv_body = format!("form_token={}&share=on", form_token(&adv_page.body));
    assert_eq!(
        post(&d.server, path, &advisor, &same, &adv_body).status,
        404
    );
    assert!(
        sharing_rows(&d.dir).is_empty(),
        "a refused request stored nothing"
    );
    assert!(!d.sheet().contains("Alfa"));

    // Agreed: recorded with its date, and Alfa is named (only Alfa).
    let res = post(&d.server, path, &alfa, &same, &good);
    assert_eq!(res.status, 303, "{}", res.body);
    let rows = sharing_rows(&d.dir);
    assert_eq!(rows.len(), 1);
    assert!(rows[0].1 && rows[0].2.len() == 10, "{rows:?}");
    let page = get(&d.server, "/team/alfa?lang=en", &[("Cookie", &alfa)]);
    assert!(
        page.body.contains(&format!("since {}.", rows[0].2)),
        "{}",
        page.body
    );
    let html = d.sheet();
    let text = text_of(&html);
    assert!(text.contains("<strong>Alfa</strong>"), "{text}");
    assert!(!text.contains("Beta") && !text.contains("Gamma"), "{text}");
    assert!(d.cli_sheet("agreed.html").contains("<strong>Alfa</strong>"));
    // No number a department-level release would not show: no team's
    // score, in either notation, anywhere on the sheet.
    let dept = api(
        &d.server,
        &d.advisor,
        &format!("/teams/zorg/rounds/{}", d.round),
    )
    .body;
    let words = words_of(&html);
    for team in ["alfa", "beta", "gamma"] {
        let s = d.score(team);
        for shown in [format!("{s:.1}"), format!("{s:.2}")] {
            if dept.contains(&shown) {
                continue;
            }
            for form in [shown.clone(), shown.replace('.', ",")] {
                assert!(
                    !has_number(&words, &form),
                    "{team}'s score {form} on the sheet: {words}"
                );
            }
        }
    }

    // Withdrawn: no longer named on any later sheet.
    let page = get(&d.server, "/team/alfa?lang=en", &[("Cookie", &alfa)]);
    let off = format!("form_token={}&share=off", form_token(&page.body));
    assert_eq!(post(&d.server, path, &alfa, &same, &off).status, 303);
    assert!(!sharing_rows(&d.dir)[0].1);
    assert!(!d.sheet().contains("Alfa"));
    assert!(!d.cli_sheet("withdrawn.html").contains("Alfa"));
    let page = get(&d.server, "/team/alfa?lang=en", &[("Cookie", &alfa)]);
    assert!(page.body.contains("Off: withdrawn on"), "{}", page.body);

    // Advisors only, departments only.
    let sheet_path = format!("/team/zorg/rounds/{}/intervisie", d.round);
    assert_eq!(bearer(&d.server, &d.alfa, &sheet_path).status, 404);
    assert_eq!(
        get(&d.server, &sheet_path, &[("Cookie", &alfa)]).status,
        404
    );
    let leaf = format!("/team/alfa/rounds/{}/intervisie", d.round);
    assert_eq!(bearer(&d.server, &d.advisor, &leaf).status, 404);
    let err = d.dir.fails(&[
        "intervisie",
        "--team",
        "Alfa",
        "--round",
        &d.round,
        "--out",
        d.dir.path.join("leaf.html").to_str().unwrap(),
    ]);
    assert!(err.contains("has no teams under it"), "{err}");
    assert!(!d.dir.path.join("leaf.html").exists());
}

#[test]
fn a_team_not_yet_released_to_its_manager_is_not_counted() {
    let dir = TestDir::new();
    dir.ok(&["init", "--tz", "UTC"]);
    dir.ok(&["team", "add", "Zorg"]);
    for t in ["Alfa", "Beta"] {
        dir.ok(&["team", "add", t, "--parent", "Zorg"]);
    }
    let round = dir.open_round(&["round", "open", "--survey", "pulse", "--all"]);
    let advisor = key(&dir, &["key", "advisor"]);
    let server = Server::start(&dir, None);
    answer(&server, &dir, &round, "Alfa", &[HIGH; 5]);
    answer(&server, &dir, &round, "Beta", &[MID; 5]);
    dir.ok(&["round", "close", &round]);
    dir.ok(&["round", "release", &round, "--team", "Alfa"]);
    let path = format!("/team/zorg/rounds/{round}/intervisie?lang=en");
    let html = bearer(&server, &advisor, &path).body;
    assert!(html.contains("1 of 1 teams"), "{html}");
}

#[test]
fn a_suppressed_departments_sheet_has_no_number() {
    let dir = TestDir::new();
    dir.ok(&["init", "--tz", "UTC"]);
    dir.ok(&["team", "add", "Zorg"]);
    for t in ["Alfa", "Beta"] {
        dir.ok(&["team", "add", t, "--parent", "Zorg"]);
    }
    let round = dir.open_round(&["round", "open", "--survey", "pulse", "--all"]);
    let server = Server::start(&dir, None);
    answer(&server, &dir, &round, "Alfa", &[HIGH; 2]);
    answer(&server, &dir, &round, "Beta", &[MID; 2]);
    dir.ok(&["round", "close", &round]);
    dir.ok(&["round", "release", &round]);
    // Alfa's manager agreed: still nothing about Alfa.
    dir.sqlite()
        .execute(
            "INSERT INTO sharing (team_id, shared, changed_on)
             SELECT id, 1, '2026-01-01' FROM teams WHERE slug = 'alfa'",
            [],
        )
        .unwrap();
    let out = dir.path.join("zorg.html");
    dir.ok(&[
        "intervisie",
        "--team",
        "zorg",
        "--round",
        &round,
        "--out",
        out.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("cannot be shown"), "{html}");
    assert!(!html.contains("<svg"), "no chart");
    assert!(!html.contains("Alfa"), "{html}");
    assert!(html.contains("Cases to discuss together"), "{html}");
    let body = &html[html.find("</h1>").unwrap() + 5..html.find("<footer>").unwrap()];
    // Outside the tags (h2, h3): not one digit.
    let mut words = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => words.push(c),
            _ => {}
        }
    }
    assert!(!words.chars().any(|c| c.is_ascii_digit()), "{words}");
}

/// Teams Hoog (always highest), Midden, Laag and Wisselend in three closed
/// rounds, and Klein (2 answers, all highest, so hidden); k = 5.
#[test]
fn bright_spots_come_from_released_results_and_reach_advisors_only() {
    let dir = TestDir::new();
    dir.ok(&["init", "--tz", "UTC"]);
    dir.ok(&["team", "add", "Zorg"]);
    for t in ["Hoog", "Midden", "Laag", "Wisselend"] {
        dir.ok(&["team", "add", t, "--parent", "Zorg"]);
    }
    // Outside the department: its roll-up would otherwise be hidden to
    // protect Klein.
    dir.ok(&["team", "add", "Klein"]);
    let advisor = key(&dir, &["key", "advisor"]);
    let hoog = key(&dir, &["key", "manager", "--team", "Hoog"]);
    let server = Server::start(&dir, None);
    let mut rounds = Vec::new();
    for i in 0..3 {
        let round = dir.open_round(&["round", "open", "--survey", "pulse", "--all"]);
        answer(&server, &dir, &round, "Hoog", &[HIGH; 5]);
        answer(&server, &dir, &round, "Midden", &[MID; 5]);
        answer(&server, &dir, &round, "Laag", &[LOW; 5]);
        // Wisselend is second in two rounds but never the highest.
        let w = if i == 1 { LOW } else { MID };
        answer(&server, &dir, &round, "Wisselend", &[w, w, w, w, MID]);
        answer(&server, &dir, &round, "Klein", &[HIGH; 2]);
        dir.ok(&["round", "close", &round]);
        rounds.push(round);
    }
    // What Hoog's manager tried, recorded after a conversation.
    dir.sqlite()
        .execute(
            "INSERT INTO focus (team_id, round_id, dimension, experiment, check_on, recorded_by, recorded_on)
             SELECT id, ?1, 'openness', 'Elk overleg begint met een vraag aan wie nog niets zei', '2026-02-01', 'vp', '2026-01-01'
             FROM teams WHERE slug = 'hoog'",
            [rounds[1].parse::<i64>().unwrap()],
        )
        .unwrap();
    let overview = bearer(&server, &advisor, "/overzicht?lang=en");
    assert_eq!(overview.status, 200);
    let body = &overview.body;
    let at = body
        .find("Where it goes well")
        .expect("the bright spots section");
    let heat = body
        .find("<figure class=\"chart heatmap\"")
        .expect("the heatmap");
    assert!(at < heat, "above the heatmap");
    let section = &body[at..heat];
    assert!(section.contains(">Hoog</a>"), "{section}");
    assert!(section.contains("top quarter"), "{section}");
    assert!(
        section.contains("Elk overleg begint met een vraag"),
        "{section}"
    );
    assert!(
        section.contains("Openness") || section.contains("openness"),
        "{section}"
    );
    for other in ["Midden", "Laag", "Wisselend", "Klein"] {
        assert!(!section.contains(other), "{other}: {section}");
    }
    assert!(section.contains("href=\"/guide?lang=en\""), "{section}");
    let link = format!("/team/zorg/rounds/{}/intervisie?lang=en", rounds[2]);
    assert!(section.contains(&link), "{section}");
    // The command line prints the same list.
    let out = dir.ok(&["results", "--bright-spots"]);
    assert!(out.starts_with("Hoog: "), "{out}");
    assert!(out.contains("Elk overleg begint met een vraag"), "{out}");
    assert!(!out.contains("Klein") && !out.contains("Midden"), "{out}");
    let v: serde_json::Value =
        serde_json::from_str(&dir.ok(&["results", "--bright-spots", "--json"])).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v[0]["team"]["id"], "hoog");
    // A manager never sees it, not even the bright spot's own manager.
    assert_eq!(bearer(&server, &hoog, "/overzicht?lang=en").status, 404);
    dir.ok(&["round", "release", &rounds[2]]);
    dir.skip_reflections();
    let own = bearer(&server, &hoog, "/team/hoog?lang=en");
    assert_eq!(own.status, 200);
    assert!(!own.body.contains("Where it goes well"), "{}", own.body);
    assert!(!own.body.contains("top quarter"), "{}", own.body);
    // On the department's intervisie sheet: without a name until its
    // manager agrees, with what was tried.
    let sheet = format!("/team/zorg/rounds/{}/intervisie?lang=en", rounds[2]);
    let html = bearer(&server, &advisor, &sheet).body;
    assert!(html.contains("One team in this department: "), "{html}");
    assert!(html.contains("top quarter"), "{html}");
    assert!(html.contains("Elk overleg begint met een vraag"), "{html}");
    assert!(!html.contains("Hoog"), "{html}");
    dir.sqlite()
        .execute(
            "INSERT INTO sharing (team_id, shared, changed_on)
             SELECT id, 1, '2026-01-01' FROM teams WHERE slug = 'hoog'",
            [],
        )
        .unwrap();
    let html = bearer(&server, &advisor, &sheet).body;
    assert!(html.contains("<strong>Hoog</strong>"), "{html}");
    assert!(!html.contains("One team in this department"), "{html}");
}

#[test]
fn the_guide_is_for_advisors_from_the_organisations_own_file() {
    let dir = TestDir::new();
    dir.ok(&["init", "--tz", "UTC"]);
    dir.ok(&["team", "add", "Alfa"]);
    let advisor = key(&dir, &["key", "advisor"]);
    let alfa = key(&dir, &["key", "manager", "--team", "Alfa"]);
    let server = Server::start(&dir, None);
    let res = bearer(&server, &advisor, "/guide?lang=en");
    assert_eq!(res.status, 200);
    for text in [
        "Guide to hesitation",
        "I don&#39;t want to take sides",
        "What would you need to feel able to say something?",
        "What do you think your team concludes when nothing is said?",
        "One small behaviour to try",
        "Isn&#39;t that HR&#39;s job?",
        "@page { size: A4",
    ] {
        let plain = text.replace("&#39;", "'");
        assert!(
            res.body.contains(text) || res.body.contains(&plain),
            "{text}: {}",
            res.body
        );
    }
    assert!(
        bearer(&server, &advisor, "/guide")
            .body
            .contains("Ik wil geen partij kiezen.")
    );
    assert_eq!(bearer(&server, &alfa, "/guide").status, 404);
    let out = dir.path.join("guide.html");
    dir.ok(&["guide", "--out", out.to_str().unwrap(), "--lang", "en"]);
    let printed = std::fs::read_to_string(&out).unwrap();
    assert!(printed.contains("Isn't that HR's job?"), "{printed}");
    assert!(!printed.contains("<nav>"), "no link back on paper");
    drop(server);
    // The organisation's own guide replaces the shipped one.
    let own = dir.path.join("own");
    std::fs::create_dir_all(&own).unwrap();
    std::fs::write(
        own.join("hesitations.toml"),
        GUIDE.replace(
            "I don't want to take sides.",
            "I would rather stay neutral.",
        ),
    )
    .unwrap();
    let server = Server::spawn(
        &dir,
        dir.command(&[
            "--conversation",
            own.to_str().unwrap(),
            "serve",
            "--addr",
            "127.0.0.1:0",
        ]),
        None,
    );
    let res = bearer(&server, &advisor, "/guide?lang=en");
    assert!(
        res.body.contains("I would rather stay neutral."),
        "{}",
        res.body
    );
    assert!(!res.body.contains("take sides."), "{}", res.body);
    let out = dir.path.join("own-guide.html");
    dir.ok(&[
        "--conversation",
        own.to_str().unwrap(),
        "guide",
        "--out",
        out.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("I would rather stay neutral.")
    );
}
