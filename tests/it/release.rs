//! Advisor-first release: after close a team's manager sees the round as
//! `pending` (no number, on the page, in the API, in the trend and its
//! chart) until an advisor releases it with `spiegel round release` or the
//! button on the advisor's team page; `spiegel settings --release at-close`
//! shows results at close. Every route stays isolated per manager key.

use crate::openapi::check_response;
use crate::results::{answer, api, json, key};
use crate::support::{Response, Server, TestDir, request};

const ALL: &str =
    "pulse-speak=5&pulse-keep-quiet=3&pulse-mistakes=6&pulse-heard=4&pulse-unwanted-behaviour=5";

struct Fixture {
    dir: TestDir,
    server: Server,
    round: String,
    advisor: String,
    alfa: String,
    beta: String,
}

/// Teams Alfa and Beta with 5 answers each in a closed pulse round.
fn closed_round(release: Option<&str>) -> Fixture {
    let dir = TestDir::new();
    dir.ok(&["init", "--org", "Test BV", "--tz", "UTC"]);
    if let Some(r) = release {
        dir.ok(&["settings", "--release", r]);
    }
    dir.ok(&["team", "add", "Alfa"]);
    dir.ok(&["team", "add", "Beta"]);
    let round = dir.open_round(&["round", "open", "--survey", "pulse", "--all"]);
    let advisor = key(&dir, &["key", "advisor", "--label", "vp"]);
    let alfa = key(&dir, &["key", "manager", "--team", "Alfa"]);
    let beta = key(&dir, &["key", "manager", "--team", "Beta"]);
    let server = Server::start(&dir, None);
    answer(&server, &dir, &round, "Alfa", &[ALL; 5]);
    answer(&server, &dir, &round, "Beta", &[ALL; 5]);
    dir.ok(&["round", "close", &round]);
    Fixture {
        dir,
        server,
        round,
        advisor,
        alfa,
        beta,
    }
}

fn page(server: &Server, key: &str, path: &str) -> Response {
    request(
        &server.addr,
        "GET",
        path,
        &[("Authorization", &format!("Bearer {key}"))],
        b"",
    )
}

impl Fixture {
    fn status(&self, key: &str, team: &str) -> String {
        let res = api(
            &self.server,
            key,
            &format!("/teams/{team}/rounds/{}", self.round),
        );
        assert_eq!(res.status, 200, "{}", res.body);
        let v = json(&res);
        check_response("/teams/{id}/rounds/{round}", &v).unwrap();
        v["status"].as_str().unwrap().to_string()
    }
}

/// What a pending round may carry: nothing but its status, round, team, k.
fn assert_pending_without_numbers(v: &serde_json::Value) {
    assert_eq!(v["status"], "pending", "{v}");
    let mut keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["k", "round", "status", "team"], "{v}");
}

#[test]
fn after_close_a_manager_sees_pending_until_the_advisor_releases() {
    let f = closed_round(None);
    assert!(
        f.dir.ok(&["settings"]).contains("release: after-advisor"),
        "the default for a new database"
    );
    // The advisor sees everything; the manager: pending, without numbers.
    assert_eq!(f.status(&f.advisor, "alfa"), "released");
    let res = api(
        &f.server,
        &f.alfa,
        &format!("/teams/alfa/rounds/{}", f.round),
    );
    assert_pending_without_numbers(&json(&res));
    let trend = json(&api(&f.server, &f.alfa, "/teams/alfa/trend"));
    check_response("/teams/{id}/trend", &trend).unwrap();
    assert_pending_without_numbers(&trend["rounds"][0]);
    // The raw trend bytes carry no number of the round either.
    let raw = api(&f.server, &f.alfa, "/teams/alfa/trend").body;
    assert!(
        !raw.contains("respondents") && !raw.contains("score"),
        "{raw}"
    );
    // Charts: no round detail, and the trend draws the round as pending.
    let detail = api(
        &f.server,
        &f.alfa,
        &format!("/teams/alfa/rounds/{}/chart.svg", f.round),
    );
    assert_eq!(detail.status, 404);
    let svg = api(&f.server, &f.alfa, "/teams/alfa/trend/chart.svg?lang=en");
    assert_eq!(svg.status, 200, "{}", svg.body);
    assert!(svg.body.contains("not yet released"), "{}", svg.body);
    // The manager's page: the notice, no figure of the round, no button.
    let p = page(&f.server, &f.alfa, "/team/alfa?lang=en");
    assert_eq!(p.status, 200);
    assert!(
        p.body
            .contains("first discuss its results with your advisor")
    );
    assert!(!p.body.contains("class=\"num\""), "{}", p.body);
    assert!(!p.body.contains("/beheer/vrijgeven") && !p.body.contains("form_token"));
    // Isolation: another manager's key sees nothing of Alfa.
    for path in [
        format!("/teams/alfa/rounds/{}", f.round),
        "/teams/alfa/trend".to_string(),
        "/teams/alfa/trend/chart.svg".to_string(),
        format!("/teams/alfa/rounds/{}/chart.svg", f.round),
    ] {
        assert_eq!(api(&f.server, &f.beta, &path).status, 404, "{path}");
    }
    assert_eq!(page(&f.server, &f.beta, "/team/alfa").status, 404);

    // Releasing one team leaves the other pending.
    let out = f.dir.ok(&["round", "release", &f.round, "--team", "Alfa"]);
    assert!(out.contains("released to the manager of alfa"), "{out}");
    assert_eq!(f.status(&f.alfa, "alfa"), "released");
    assert_eq!(f.status(&f.beta, "beta"), "pending");
    let p = page(&f.server, &f.alfa, "/team/alfa?lang=en");
    assert!(p.body.contains("class=\"num\""), "{}", p.body);
    assert!(!p.body.contains("first discuss"));
    assert_eq!(
        api(
            &f.server,
            &f.alfa,
            &format!("/teams/alfa/rounds/{}/chart.svg", f.round)
        )
        .status,
        200
    );
    // Without --team: every team of the round; a release is never redone.
    let out = f.dir.ok(&["round", "release", &f.round]);
    assert!(
        out.contains("alfa") && out.contains("was released already"),
        "{out}"
    );
    assert!(out.contains("released to the manager of beta"), "{out}");
    assert_eq!(f.status(&f.beta, "beta"), "released");
    // Recorded (who, when), in the audit log, and never undone.
    let conn = f.dir.sqlite();
    let by: Vec<String> = conn
        .prepare("SELECT released_by FROM releases ORDER BY team_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(by, ["(command line)", "(command line)"]);
    assert!(conn.execute("DELETE FROM releases", []).is_err());
    assert!(
        conn.execute("UPDATE releases SET released_by = 'x'", [])
            .is_err()
    );
    assert!(f.dir.ok(&["audit"]).contains("released to the managers of"));
}

#[test]
fn an_open_round_cannot_be_released_and_a_team_must_take_part() {
    let dir = TestDir::new();
    dir.ok(&["init"]);
    dir.ok(&["team", "add", "Alfa"]);
    dir.ok(&["team", "add", "Beta"]);
    let round = dir.open_round(&["round", "open", "--survey", "pulse", "--teams", "Alfa"]);
    let err = dir.fails(&["round", "release", &round]);
    assert!(err.contains("still open"), "{err}");
    dir.ok(&["round", "close", &round]);
    let err = dir.fails(&["round", "release", &round, "--team", "Beta"]);
    assert!(err.contains("does not take part"), "{err}");
}

#[test]
fn with_release_at_close_a_manager_sees_results_at_close() {
    let f = closed_round(Some("at-close"));
    assert!(f.dir.ok(&["settings"]).contains("release: at-close"));
    assert_eq!(f.status(&f.alfa, "alfa"), "released");
    assert_eq!(f.status(&f.beta, "beta"), "released");
    // Switching back takes away nothing a manager could already see.
    f.dir.ok(&["settings", "--release", "after-advisor"]);
    assert_eq!(f.status(&f.alfa, "alfa"), "released");
}

/// The session cookie `/a/{key}` or `/m/{key}` sets.
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

fn post(f: &Fixture, cookie: &str, headers: &[(&str, &str)], body: &str) -> Response {
    let mut h = vec![
        ("Cookie", cookie),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ];
    h.extend_from_slice(headers);
    request(
        &f.server.addr,
        "POST",
        "/beheer/vrijgeven",
        &h,
        body.as_bytes(),
    )
}

#[test]
fn the_release_button_on_the_advisor_team_page_is_csrf_protected() {
    let f = closed_round(None);
    let cookie = session(&f.server, &format!("/a/{}", f.advisor));
    let p = request(
        &f.server.addr,
        "GET",
        "/team/alfa?lang=en",
        &[("Cookie", &cookie)],
        b"",
    );
    assert_eq!(p.status, 200);
    assert!(p.body.contains("Release to the manager"), "{}", p.body);
    let at = p.body.find("name=\"form_token\" value=\"").unwrap();
    let token = &p.body[at + 25..at + 25 + 64];
    let origin = format!("http://{}", f.server.addr);
    let good = format!("form_token={token}&team=alfa&round={}", f.round);
    let before = f
        .dir
        .sqlite()
        .query_row("SELECT count(*) FROM releases", [], |r| r.get::<_, i64>(0))
        .unwrap();
    // Cross-site, or without the token: 403 and nothing released.
    for (headers, body) in [
        (vec![("Origin", "https://evil.example")], good.clone()),
        (
            vec![
                ("Origin", origin.as_str()),
                ("Sec-Fetch-Site", "cross-site"),
            ],
            good.clone(),
        ),
        (
            vec![
                ("Origin", origin.as_str()),
                ("Sec-Fetch-Site", "same-origin"),
            ],
            format!("team=alfa&round={}", f.round),
        ),
        (vec![], good.clone()),
    ] {
        assert_eq!(post(&f, &cookie, &headers, &body).status, 403);
    }
    // A manager's session: the action does not exist for it.
    let manager = session(&f.server, &format!("/m/{}", f.alfa));
    let m = request(
        &f.server.addr,
        "GET",
        "/team/alfa",
        &[("Cookie", &manager)],
        b"",
    );
    // (Its only form is the manager's own sharing switch.)
    assert!(!m.body.contains("/beheer/vrijgeven"));
    assert!(!m.body.contains("name=\"round\""));
    let res = post(
        &f,
        &manager,
        &[("Origin", &origin), ("Sec-Fetch-Site", "same-origin")],
        &good,
    );
    assert_eq!(res.status, 404);
    let after = f
        .dir
        .sqlite()
        .query_row("SELECT count(*) FROM releases", [], |r| r.get::<_, i64>(0))
        .unwrap();
    assert_eq!(before, after);
    assert_eq!(f.status(&f.alfa, "alfa"), "pending");
    // From the page: released, recorded with the key's label.
    let res = post(
        &f,
        &cookie,
        &[("Origin", &origin), ("Sec-Fetch-Site", "same-origin")],
        &good,
    );
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(f.status(&f.alfa, "alfa"), "released");
    assert_eq!(f.status(&f.beta, "beta"), "pending");
    let p = request(
        &f.server.addr,
        "GET",
        "/team/alfa?lang=en",
        &[("Cookie", &cookie)],
        b"",
    );
    assert!(p.body.contains("released to the manager on"), "{}", p.body);
    assert!(p.body.contains("by vp"), "{}", p.body);
    assert!(!p.body.contains("/beheer/vrijgeven"));
}

fn get_with(f: &Fixture, cookie: &str, path: &str) -> Response {
    request(&f.server.addr, "GET", path, &[("Cookie", cookie)], b"")
}

fn post_to(
    f: &Fixture,
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
    request(&f.server.addr, "POST", path, &h, body.as_bytes())
}

fn expectations(f: &Fixture) -> Vec<String> {
    let conn = f.dir.sqlite();
    let mut st = conn
        .prepare("SELECT team_id || '|' || skipped || '|' || answers || '|' || best FROM expectations ORDER BY team_id")
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_manager_meets_a_released_round_with_the_reflection_step() {
    let f = closed_round(None);
    let alfa = session(&f.server, &format!("/m/{}", f.alfa));
    let beta = session(&f.server, &format!("/m/{}", f.beta));
    let origin = format!("http://{}", f.server.addr);
    let same = [
        ("Origin", origin.as_str()),
        ("Sec-Fetch-Site", "same-origin"),
    ];
    // Released with the button (`spiegel round release` would also mark
    // the conversation held, which ends changing the reflection).
    let advisor = session(&f.server, &format!("/a/{}", f.advisor));
    let a = get_with(&f, &advisor, "/team/alfa?lang=en");
    let at = a.body.find("name=\"form_token\" value=\"").unwrap();
    let advisor_token = a.body[at + 25..at + 25 + 64].to_string();
    for team in ["alfa", "beta"] {
        let body = format!("form_token={advisor_token}&team={team}&round={}", f.round);
        assert_eq!(
            post_to(&f, "/beheer/vrijgeven", &advisor, &same, &body).status,
            303
        );
    }
    // First visit: the reflection form, no result yet.
    let p = get_with(&f, &alfa, "/team/alfa?lang=en");
    assert_eq!(p.status, 200);
    assert!(
        p.body.contains("What do you expect your team answered?"),
        "{}",
        p.body
    );
    assert!(p.body.contains("name=\"skip\""));
    assert!(p.body.contains("When was the team at its best this period"));
    assert!(p.body.contains("name=\"e-ms-"), "the self-check survey");
    assert!(!p.body.contains("class=\"num\""), "{}", p.body);
    let at = p.body.find("name=\"form_token\" value=\"").unwrap();
    let token = p.body[at + 25..at + 25 + 64].to_string();
    let path = format!("/team/alfa/rounds/{}/reflectie", f.round);
    let good = format!(
        "form_token={token}&e-pulse-speak=6&e-ms-name-behaviour=3&best=de+verhuizing&learn=meer&save=1"
    );
    // Cross-site, without token, another manager, an advisor, GET: refused.
    assert_eq!(
        post_to(
            &f,
            &path,
            &alfa,
            &[("Origin", "https://evil.example")],
            &good
        )
        .status,
        403
    );
    assert_eq!(
        post_to(
            &f,
            &path,
            &alfa,
            &[("Origin", &origin), ("Sec-Fetch-Site", "cross-site")],
            &good
        )
        .status,
        403
    );
    assert_eq!(
        post_to(&f, &path, &alfa, &same, "e-pulse-speak=6&save=1").status,
        403
    );
    assert_eq!(post_to(&f, &path, &alfa, &[], &good).status, 403);
    let beta_page = get_with(&f, &beta, "/team/beta");
    let at = beta_page.body.find("name=\"form_token\" value=\"").unwrap();
    let beta_token = &beta_page.body[at + 25..at + 25 + 64];
    let beta_body = format!("form_token={beta_token}&e-pulse-speak=1&save=1");
    assert_eq!(post_to(&f, &path, &beta, &same, &beta_body).status, 404);
    assert_ne!(post_to(&f, &path, &advisor, &same, &good).status, 303);
    assert_eq!(get_with(&f, &alfa, &path).status, 403);
    assert!(
        expectations(&f).is_empty(),
        "a refused request stored nothing"
    );
    // From the page: stored, then the results.
    let res = post_to(&f, &path, &alfa, &same, &good);
    assert_eq!(res.status, 303, "{}", res.body);
    let stored = expectations(&f);
    assert_eq!(stored.len(), 1);
    assert!(
        stored[0].contains("|0|")
            && stored[0].contains("\"pulse-speak\":6")
            && stored[0].contains("de verhuizing"),
        "{stored:?}"
    );
    let p = get_with(&f, &alfa, "/team/alfa?lang=en");
    assert!(p.body.contains("class=\"num\""), "{}", p.body);
    assert!(p.body.contains("The manager's reflection") && p.body.contains("de verhuizing"));
    // Editable: the form again, with what was given.
    let p = get_with(&f, &alfa, "/team/alfa?reflect=1&lang=en");
    assert!(p.body.contains("value=\"6\" checked"), "{}", p.body);
    // The advisor reads it; the other manager does not.
    let a = get_with(&f, &advisor, "/team/alfa?lang=en");
    assert!(a.body.contains("de verhuizing"), "{}", a.body);
    assert_eq!(get_with(&f, &beta, "/team/alfa").status, 404);
    // The advisor marks the conversation held (not cross-site): from then
    // on the reflection is final.
    assert!(a.body.contains("Conversation with the manager held"));
    let held = format!("form_token={advisor_token}&team=alfa&round={}", f.round);
    assert_eq!(
        post_to(
            &f,
            "/beheer/gesprek-gehouden",
            &advisor,
            &[("Origin", "https://evil.example")],
            &held
        )
        .status,
        403
    );
    assert_eq!(
        post_to(&f, "/beheer/gesprek-gehouden", &alfa, &same, &held).status,
        404
    );
    assert_eq!(
        post_to(
            &f,
            &path,
            &alfa,
            &same,
            &good.replace("e-pulse-speak=6", "e-pulse-speak=2")
        )
        .status,
        303
    );
    assert_eq!(
        post_to(&f, "/beheer/gesprek-gehouden", &advisor, &same, &held).status,
        303
    );
    let final_ = expectations(&f);
    assert_eq!(post_to(&f, &path, &alfa, &same, &good).status, 409);
    assert_eq!(
        expectations(&f),
        final_,
        "a held conversation's reflection stays"
    );
    let p = get_with(&f, &alfa, "/team/alfa?reflect=1&lang=en");
    assert!(!p.body.contains("What do you expect"), "{}", p.body);
    assert!(
        get_with(&f, &advisor, "/team/alfa?lang=en")
            .body
            .contains("conversation held on")
    );
    // Skip: stored as skipped, straight to the results.
    let res = post_to(
        &f,
        &format!("/team/beta/rounds/{}/reflectie", f.round),
        &beta,
        &same,
        &format!("form_token={beta_token}&skip=1"),
    );
    assert_eq!(res.status, 303, "{}", res.body);
    let p = get_with(&f, &beta, "/team/beta?lang=en");
    assert!(p.body.contains("class=\"num\""), "{}", p.body);
    assert!(
        expectations(&f)[1].contains("|1|{}|"),
        "{:?}",
        expectations(&f)
    );
}

#[test]
fn the_reflection_step_waits_for_the_release() {
    let f = closed_round(None);
    let alfa = session(&f.server, &format!("/m/{}", f.alfa));
    let p = get_with(&f, &alfa, "/team/alfa?lang=en");
    assert!(!p.body.contains("What do you expect"), "{}", p.body);
    assert!(p.body.contains("first discuss"));
    // Even with a token, a pending round takes no reflection (the page's
    // only form is the manager's own sharing switch).
    assert!(!p.body.contains("/reflectie"));
    assert!(!p.body.contains("name=\"e-"));
}

#[test]
fn the_mirror_chart_shows_expectation_against_the_team_only_where_given() {
    let f = closed_round(None);
    let mirror = |key: &str, team: &str, ext: &str| {
        api(
            &f.server,
            key,
            &format!(
                "/teams/{team}/rounds/{}/mirror/chart.{ext}?lang=en",
                f.round
            ),
        )
    };
    // Pending: no mirror.
    assert_eq!(mirror(&f.alfa, "alfa", "svg").status, 404);
    f.dir.ok(&["round", "release", &f.round]);
    // Released, but no expectation given yet: no mirror either.
    assert_eq!(mirror(&f.alfa, "alfa", "svg").status, 404);
    let alfa = session(&f.server, &format!("/m/{}", f.alfa));
    let p = get_with(&f, &alfa, "/team/alfa");
    let at = p.body.find("name=\"form_token\" value=\"").unwrap();
    let token = &p.body[at + 25..at + 25 + 64];
    let origin = format!("http://{}", f.server.addr);
    let same = [
        ("Origin", origin.as_str()),
        ("Sec-Fetch-Site", "same-origin"),
    ];
    // The team answered 5 to pulse-speak and 6 to pulse-mistakes; the
    // manager expected 2 (a hidden strength) and 6 (no gap flagged).
    let body = format!("form_token={token}&e-pulse-speak=2&e-pulse-mistakes=6&save=1");
    let path = format!("/team/alfa/rounds/{}/reflectie", f.round);
    assert_eq!(post_to(&f, &path, &alfa, &same, &body).status, 303);
    let svg = mirror(&f.alfa, "alfa", "svg");
    assert_eq!(svg.status, 200, "{}", svg.body);
    assert!(svg.body.contains("hidden strength"), "{}", svg.body);
    assert!(svg.body.contains("1 hidden strengths"), "{}", svg.body);
    let png = request(
        &f.server.addr,
        "GET",
        &format!("/api/v1/teams/alfa/rounds/{}/mirror/chart.png", f.round),
        &[("Authorization", &format!("Bearer {}", f.alfa))],
        b"",
    );
    assert_eq!(png.status, 200);
    assert_eq!(png.header("content-type"), Some("image/png"));
    // The advisor sees it; another manager does not; the page inlines it.
    assert_eq!(mirror(&f.advisor, "alfa", "svg").status, 200);
    assert_eq!(mirror(&f.beta, "alfa", "svg").status, 404);
    assert_eq!(mirror(&f.beta, "alfa", "png").status, 404);
    assert_eq!(mirror(&f.beta, "beta", "svg").status, 404, "Beta gave none");
    let p = get_with(&f, &alfa, "/team/alfa?lang=en");
    assert!(p.body.contains("/mirror/chart.svg"), "{}", p.body);
    // And on the command line.
    let out = f.dir.path.join("mirror.svg");
    f.dir.ok(&[
        "chart",
        "mirror",
        "--team",
        "Alfa",
        "--round",
        &f.round,
        "--out",
        out.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.starts_with("<svg") && written.contains("hidden strength"));
    let err = f.dir.fails(&[
        "chart",
        "mirror",
        "--team",
        "Beta",
        "--round",
        &f.round,
        "--out",
        f.dir.path.join("b.svg").to_str().unwrap(),
    ]);
    assert!(err.contains("no expectation"), "{err}");
}

#[test]
fn the_conversation_sheet_is_self_contained_for_advisors_only() {
    let f = closed_round(None);
    // Gamma: 3 answers, suppressed.
    f.dir.ok(&["round", "release", &f.round]);
    let sheet_path = format!("/team/alfa/rounds/{}/sheet?lang=en", f.round);
    let s = page(&f.server, &f.advisor, &sheet_path);
    assert_eq!(s.status, 200, "{}", s.body);
    let html = &s.body;
    for section in [
        "What goes well",
        "Where it chafes",
        "Open questions",
        "Trend and mirror",
        "Where to learn",
        "meant for this conversation with this manager only",
    ] {
        assert!(html.contains(section), "{section}: {html}");
    }
    assert!(html.contains("<svg"), "the trend inline");
    assert!(html.contains("@page { size: A4"));
    // Self-contained: no external request.
    for external in ["<link", "src=\"", "http://", "https://", "@import", "url("] {
        let outside_svg = html.replace("http://www.w3.org/2000/svg", "");
        assert!(!outside_svg.contains(external), "{external}");
    }
    // Managers: not found, also for their own team.
    assert_eq!(page(&f.server, &f.alfa, &sheet_path).status, 404);
    assert_eq!(page(&f.server, &f.beta, &sheet_path).status, 404);
    // The advisor's team page links it.
    assert!(
        page(&f.server, &f.advisor, "/team/alfa?lang=en")
            .body
            .contains("/sheet?lang=en")
    );
    // On the command line.
    let out = f.dir.path.join("sheet.html");
    f.dir.ok(&[
        "sheet",
        "--team",
        "Alfa",
        "--round",
        &f.round,
        "--out",
        out.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.starts_with("<!DOCTYPE html>") && written.contains("What goes well"));
    // A written file links nowhere; the served sheet leads to the guide.
    assert!(!written.contains("href="), "{written}");
    assert!(
        page(&f.server, &f.advisor, &sheet_path)
            .body
            .contains("href=\"/guide?lang=")
    );
}

#[test]
fn a_suppressed_rounds_sheet_has_no_number() {
    let dir = TestDir::new();
    dir.ok(&["init", "--tz", "UTC"]);
    dir.ok(&["team", "add", "Klein"]);
    let round = dir.open_round(&["round", "open", "--survey", "pulse", "--all"]);
    let server = Server::start(&dir, None);
    answer(&server, &dir, &round, "Klein", &[ALL; 2]);
    dir.ok(&["round", "close", &round]);
    let out = dir.path.join("klein.html");
    dir.ok(&[
        "sheet",
        "--team",
        "Klein",
        "--round",
        &round,
        "--out",
        out.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("cannot be shown"), "{html}");
    let body = &html[html.find("<body>").unwrap()..];
    let text = body.replace("k = 5", "");
    let without_title = text.replace("Pulse", "");
    assert!(!without_title.contains("What goes well"));
    // No digit except in the title's date and k.
    let footer_free: String = without_title
        .split("<h1>")
        .nth(1)
        .unwrap()
        .split("</h1>")
        .nth(1)
        .unwrap()
        .split("<footer>")
        .next()
        .unwrap()
        .to_string();
    // (Tags such as <h2> do not count: only the text.)
    let footer_free = crate::sheet::text_of(&footer_free);
    assert!(
        !footer_free.chars().any(|c| c.is_ascii_digit()),
        "{footer_free}"
    );
}
