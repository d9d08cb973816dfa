//! After the conversation: the one focus (team page form, `spiegel focus`,
//! how the dimension moved), the conversation held (and what it ends), the
//! learning offers (`spiegel training`, `/beheer/training`, the team page)
//! and the team conversation kit (page and `spiegel kit`). Every new page
//! and route is isolated per manager key; every form refuses a cross-site
//! POST with 403 and changes nothing.

use crate::results::{answer, key};
use crate::support::{Response, Server, TestDir, request};

/// An answer to every pulse statement (pulse-mistakes left out: with only
/// four answering it, that statement is hidden), with a comment.
fn body(speak: u8, keep_quiet: u8, heard: u8, unwanted: u8, comment: &str) -> String {
    format!(
        "pulse-speak={speak}&pulse-keep-quiet={keep_quiet}&pulse-heard={heard}\
         &pulse-unwanted-behaviour={unwanted}&comment={comment}"
    )
}

const MISTAKES: &str = "Mistakes here are talked through, not punished.";
const COMMENT: &str = "GEHEIMCOMMENTAAR";

struct Fixture {
    dir: TestDir,
    server: Server,
    round: String,
    advisor: String,
    alfa: String,
    beta: String,
    gamma: String,
}

/// Round "Lente" (closed, not yet released): Alfa 10 answers (with
/// comments, pulse-mistakes by only 4), Beta 5, Gamma 2 (hidden).
/// Comments go to managers too.
fn fixture() -> Fixture {
    let dir = TestDir::new();
    dir.ok(&["init", "--org", "Test BV", "--tz", "UTC"]);
    dir.ok(&["settings", "--comments-to-managers", "on"]);
    for t in ["Alfa", "Beta", "Gamma"] {
        dir.ok(&["team", "add", t]);
    }
    let round = dir.open_round(&[
        "round", "open", "--survey", "pulse", "--all", "--title", "Lente",
    ]);
    let advisor = key(&dir, &["key", "advisor", "--label", "vp"]);
    let alfa = key(&dir, &["key", "manager", "--team", "Alfa"]);
    let beta = key(&dir, &["key", "manager", "--team", "Beta"]);
    let gamma = key(&dir, &["key", "manager", "--team", "Gamma"]);
    let server = Server::start(&dir, None);
    let mut alfa_bodies: Vec<String> = [5, 6, 7, 5, 6, 6, 7, 5, 6, 6]
        .iter()
        .map(|&s| body(s, 2, 3 + s % 2, 7, COMMENT))
        .collect();
    for b in alfa_bodies.iter_mut().take(4) {
        b.push_str("&pulse-mistakes=6");
    }
    let refs: Vec<&str> = alfa_bodies.iter().map(String::as_str).collect();
    answer(&server, &dir, &round, "Alfa", &refs);
    let beta_bodies: Vec<String> = (0..5).map(|i| body(4 + i % 2, 3, 5, 6, "")).collect();
    let refs: Vec<&str> = beta_bodies.iter().map(String::as_str).collect();
    answer(&server, &dir, &round, "Beta", &refs);
    let g = body(5, 3, 5, 6, "");
    answer(&server, &dir, &round, "Gamma", &[&g, &g]);
    dir.ok(&["round", "close", &round]);
    Fixture {
        dir,
        server,
        round,
        advisor,
        alfa,
        beta,
        gamma,
    }
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

fn token_of(body: &str) -> String {
    let at = body
        .find("name=\"form_token\" value=\"")
        .unwrap_or_else(|| panic!("no form token in {body}"));
    body[at + 25..at + 25 + 64].to_string()
}

impl Fixture {
    fn get(&self, cookie: &str, path: &str) -> Response {
        request(&self.server.addr, "GET", path, &[("Cookie", cookie)], b"")
    }

    fn bearer(&self, key: &str, path: &str) -> Response {
        request(
            &self.server.addr,
            "GET",
            path,
            &[("Authorization", &format!("Bearer {key}"))],
            b"",
        )
    }

    fn origin(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    /// A POST from this site (`Origin` and `Sec-Fetch-Site: same-origin`).
    fn post(&self, cookie: &str, path: &str, body: &str) -> Response {
        let origin = self.origin();
        self.post_with(
            cookie,
            path,
            &[("Origin", &origin), ("Sec-Fetch-Site", "same-origin")],
            body,
        )
    }

    fn post_with(
        &self,
        cookie: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Response {
        let mut h = vec![
            ("Cookie", cookie),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ];
        h.extend_from_slice(headers);
        request(&self.server.addr, "POST", path, &h, body.as_bytes())
    }

    /// A manager's session past the reflection step (skipped).
    fn manager_past_reflection(&self, key: &str, team: &str) -> (String, String) {
        let cookie = session(&self.server, &format!("/m/{key}"));
        let p = self.get(&cookie, &format!("/team/{team}?lang=en"));
        assert!(p.body.contains("What do you expect"), "{}", p.body);
        let token = token_of(&p.body);
        let res = self.post(
            &cookie,
            &format!("/team/{team}/rounds/{}/reflectie", self.round),
            &format!("form_token={token}&skip=1"),
        );
        assert_eq!(res.status, 303, "{}", res.body);
        (cookie, token)
    }

    fn dump(&self, sql: &str) -> Vec<String> {
        let conn = self.dir.sqlite();
        let mut stmt = conn.prepare(sql).unwrap();
        let cols = stmt.column_count();
        stmt.query_map([], |r| {
            Ok((0..cols)
                .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                .collect::<Vec<_>>()
                .join("|"))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    }

    fn focuses(&self) -> Vec<String> {
        self.dump("SELECT * FROM focus ORDER BY team_id, round_id")
    }

    fn audit(&self) -> Vec<String> {
        self.dump("SELECT * FROM audit ORDER BY id")
    }
}

#[test]
fn a_focus_is_recorded_on_the_team_page_with_every_error_beside_its_field() {
    let f = fixture();
    f.dir.ok(&["round", "release", &f.round]);
    let (alfa, token) = f.manager_past_reflection(&f.alfa, "alfa");
    let p = f.get(&alfa, "/team/alfa?lang=en");
    assert!(p.body.contains("No focus chosen yet"), "{}", p.body);
    assert!(p.body.contains("Save the focus"), "{}", p.body);
    assert!(p.body.contains("<option value=\"openness\""), "{}", p.body);
    let path = format!("/team/alfa/rounds/{}/focus?lang=en", f.round);
    let good = format!(
        "form_token={token}&dimension=openness&experiment=++Elke+week+een+vraag++&check=2099-01-31"
    );
    let before = (f.focuses(), f.audit());

    // Each validation error: 422, beside its field, what was typed kept.
    let long = "x".repeat(281);
    for (fields, field, message, kept) in [
        (
            "dimension=&experiment=Iets&check=2099-01-31",
            "dimension",
            "choose the dimension to work on",
            "Iets",
        ),
        (
            "dimension=nope&experiment=Iets&check=2099-01-31",
            "dimension",
            "has no dimension &quot;nope&quot;",
            "2099-01-31",
        ),
        (
            "dimension=support&experiment=+++&check=2099-01-31",
            "experiment",
            "describe one small experiment",
            "<option value=\"support\" selected",
        ),
        (
            &format!("dimension=support&experiment={long}&check=2099-01-31"),
            "experiment",
            "the experiment has 281 characters",
            &long,
        ),
        (
            "dimension=support&experiment=Iets&check=morgen",
            "check",
            "&quot;morgen&quot; is not a date",
            "value=\"morgen\"",
        ),
        (
            "dimension=support&experiment=Iets&check=2020-01-01",
            "check",
            "lies in the past",
            "value=\"2020-01-01\"",
        ),
    ] {
        let res = f.post(&alfa, &path, &format!("form_token={token}&{fields}"));
        assert_eq!(res.status, 422, "{fields}: {}", res.body);
        let at = res
            .body
            .find(&format!("id=\"{field}-error\""))
            .unwrap_or_else(|| panic!("{fields}: no error beside {field}: {}", res.body));
        assert!(
            res.body[at..].contains(message),
            "{fields}: {message:?} in {}",
            &res.body[at..]
        );
        assert!(res.body.contains(kept), "{fields}: {kept:?} kept");
    }
    // In Dutch too.
    let res = f.post(
        &alfa,
        &path.replace("lang=en", "lang=nl"),
        &format!("form_token={token}&dimension=openness&experiment=&check=2099-01-31"),
    );
    assert_eq!(res.status, 422);
    assert!(
        res.body.contains("Beschrijf één klein experiment"),
        "{}",
        res.body
    );

    // Cross-site, without the token, without a session, GET: refused.
    let origin = f.origin();
    for (headers, body, cookie) in [
        (
            vec![("Origin", "https://evil.example")],
            good.clone(),
            alfa.as_str(),
        ),
        (
            vec![
                ("Origin", origin.as_str()),
                ("Sec-Fetch-Site", "cross-site"),
            ],
            good.clone(),
            alfa.as_str(),
        ),
        (
            vec![
                ("Origin", origin.as_str()),
                ("Sec-Fetch-Site", "same-origin"),
            ],
            good.replace(&token, &"0".repeat(64)),
            alfa.as_str(),
        ),
        (
            vec![
                ("Origin", origin.as_str()),
                ("Sec-Fetch-Site", "same-origin"),
            ],
            "dimension=openness&experiment=x&check=2099-01-31".to_string(),
            alfa.as_str(),
        ),
        (vec![], good.clone(), alfa.as_str()),
        (
            vec![
                ("Origin", origin.as_str()),
                ("Sec-Fetch-Site", "same-origin"),
            ],
            good.clone(),
            "spiegel_session=nothing",
        ),
    ] {
        let res = f.post_with(cookie, &path, &headers, &body);
        assert_eq!(res.status, 403, "{headers:?} {body}: {}", res.body);
    }
    // Another team's manager: not found, for the form and the page.
    let (beta, beta_token) = f.manager_past_reflection(&f.beta, "beta");
    let res = f.post(
        &beta,
        &path,
        &format!("form_token={beta_token}&dimension=openness&experiment=x&check=2099-01-31"),
    );
    assert_eq!(res.status, 404, "{}", res.body);
    assert_eq!(f.get(&beta, &path).status, 404);
    let own = f.get(&alfa, &path);
    assert_eq!(own.status, 200, "the form on its own page");
    assert!(own.body.contains("Save the focus"), "{}", own.body);
    assert_eq!(f.bearer(&f.beta, &path).status, 404);
    assert_eq!(
        (f.focuses(), f.audit()),
        before,
        "refused and invalid requests change nothing"
    );

    // Valid: stored (trimmed), recorded by the manager, in the audit log.
    let res = f.post(&alfa, &path, &good);
    assert_eq!(res.status, 303, "{}", res.body);
    let stored = f.focuses();
    assert_eq!(stored.len(), 1);
    assert!(
        stored[0].contains("Text(\"Elke week een vraag\")")
            && stored[0].contains("2099-01-31")
            && stored[0].contains("\"manager\""),
        "{stored:?}"
    );
    assert!(
        f.audit()
            .last()
            .unwrap()
            .contains("focus of alfa for round 1 recorded: openness, check on 2099-01-31"),
        "{:?}",
        f.audit()
    );
    let p = f.get(&alfa, "/team/alfa?lang=en");
    assert!(
        p.body
            .contains("Focus since Lente: Openness</strong> — too early to tell"),
        "{}",
        p.body
    );
    assert!(p.body.contains("Elke week een vraag") && p.body.contains("2099-01-31"));
    // The advisor sees it and may change it (recorded with the key's label).
    let advisor = session(&f.server, &format!("/a/{}", f.advisor));
    let a = f.get(&advisor, "/team/alfa?lang=en");
    assert!(a.body.contains("Elke week een vraag"), "{}", a.body);
    assert!(a.body.contains("Change this round's focus"), "{}", a.body);
    let at = token_of(&a.body);
    let res = f.post(
        &advisor,
        &path,
        &format!("form_token={at}&dimension=support&experiment=Luisteren&check=%2B14d"),
    );
    assert_eq!(res.status, 303, "{}", res.body);
    let stored = f.focuses();
    assert_eq!(stored.len(), 1, "one focus per team-round");
    assert!(stored[0].contains("\"support\"") && stored[0].contains("\"vp\""));
    // Beta's page shows nothing of Alfa's focus.
    let b = f.get(&beta, "/team/beta?lang=en");
    assert!(!b.body.contains("Luisteren") && b.body.contains("No focus chosen yet"));
}

#[test]
fn focus_from_the_command_line_and_how_the_dimension_moved() {
    let f = fixture();
    f.dir.ok(&["round", "release", &f.round]);
    let err = f.dir.fails(&[
        "focus",
        "--team",
        "Alfa",
        "--round",
        &f.round,
        "--dimension",
        "nope",
        "--experiment",
        " ",
        "--check",
        "2020-01-01",
    ]);
    assert!(
        err.contains("no dimension \"nope\"; choose one of: openness, support")
            && err.contains("describe one small experiment")
            && err.contains("lies in the past"),
        "{err}"
    );
    let err = f
        .dir
        .fails(&["focus", "--team", "Alfa", "--round", &f.round]);
    assert!(err.contains("give --round, --dimension, --experiment and --check"));
    let err = f.dir.fails(&[
        "focus",
        "--team",
        "Alfa",
        "--round",
        "9",
        "--dimension",
        "openness",
        "--experiment",
        "x",
        "--check",
        "+7d",
    ]);
    assert!(err.contains("no round 9"), "{err}");
    assert!(f.focuses().is_empty());
    let out = f.dir.ok(&[
        "focus",
        "--team",
        "Alfa",
        "--round",
        &f.round,
        "--dimension",
        "openness",
        "--experiment",
        "Elke week een vraag",
        "--check",
        "+2w",
    ]);
    assert!(
        out.contains("recorded the focus of Alfa for round 1"),
        "{out}"
    );
    assert!(
        f.dir
            .ok(&["audit"])
            .contains("focus of alfa for round 1 recorded")
    );
    let out = f.dir.ok(&["focus", "--team", "Alfa"]);
    assert!(
        out.contains("openness (Openness)")
            && out.contains("recorded by (command line)")
            && out.contains("too early to tell: no later round with results yet"),
        "{out}"
    );
    // The manager's page: too early before any later round.
    let p = f.bearer(&f.alfa, "/team/alfa?lang=en");
    assert!(
        p.body
            .contains("too early to tell: no later round with results yet"),
        "{}",
        p.body
    );
    assert!(p.body.contains("10 rounds with results"), "{}", p.body);

    // A later round in which openness drops far.
    let zomer = f.dir.open_round(&[
        "round", "open", "--survey", "pulse", "--all", "--title", "Zomer",
    ]);
    let low: Vec<String> = [1, 2, 1, 2, 1, 2, 1, 2, 1, 2]
        .iter()
        .map(|&s| body(s, 7, 4, 7, ""))
        .collect();
    let refs: Vec<&str> = low.iter().map(String::as_str).collect();
    answer(&f.server, &f.dir, &zomer, "Alfa", &refs);
    f.dir.ok(&["round", "close", &zomer]);
    // Not yet released to the manager: for that key still too early; the
    // advisor already sees the change.
    let p = f.bearer(&f.alfa, "/team/alfa?lang=en");
    assert!(p.body.contains("too early to tell"), "{}", p.body);
    let a = f.bearer(&f.advisor, "/team/alfa?lang=en");
    assert!(
        a.body.contains("lower than in Lente (-") && a.body.contains("beyond the noise)"),
        "{}",
        a.body
    );
    f.dir.ok(&["round", "release", &zomer, "--team", "Alfa"]);
    let p = f.bearer(&f.alfa, "/team/alfa?lang=nl");
    assert!(
        p.body.contains("lager dan in Lente (-") && p.body.contains("buiten de ruis"),
        "{}",
        p.body
    );
    assert!(
        p.body.contains("Zomer: "),
        "the later round's value: {}",
        p.body
    );
    let out = f.dir.ok(&["focus", "--team", "Alfa"]);
    assert!(out.contains("moved since: lower than in Lente"), "{out}");
    // Another manager's key sees none of it.
    assert_eq!(f.bearer(&f.beta, "/team/alfa").status, 404);
    assert!(
        !f.bearer(&f.beta, "/team/beta?lang=en")
            .body
            .contains("Lente (-")
    );
}

#[test]
fn held_ends_changing_the_reflection_but_the_step_still_comes_once() {
    let f = fixture();
    // Released and held in one go: the manager who never filled it in
    // still meets the step, can skip it, and then sees the charts.
    let out = f.dir.ok(&["round", "release", &f.round, "--team", "Alfa"]);
    assert!(out.contains("marked held for: alfa"), "{out}");
    assert!(
        f.dir
            .ok(&["audit"])
            .contains("with the managers of alfa held")
    );
    let held = f.dump("SELECT team_id, held_by FROM conversations");
    assert_eq!(held, ["Integer(1)|Text(\"(command line)\")"]);
    let alfa = session(&f.server, &format!("/m/{}", f.alfa));
    let p = f.get(&alfa, "/team/alfa?lang=en");
    assert!(p.body.contains("What do you expect"), "{}", p.body);
    let token = token_of(&p.body);
    let reflect = format!("/team/alfa/rounds/{}/reflectie", f.round);
    assert_eq!(
        f.post(&alfa, &reflect, &format!("form_token={token}&skip=1"))
            .status,
        303
    );
    let p = f.get(&alfa, "/team/alfa?lang=en");
    assert!(p.body.contains("class=\"num\""), "{}", p.body);
    assert!(p.body.contains("<svg"), "the charts");
    // Once given (even skipped), a held conversation's reflection stays.
    let before = f.dump("SELECT * FROM expectations");
    let res = f.post(
        &alfa,
        &reflect,
        &format!("form_token={token}&e-pulse-speak=2&save=1"),
    );
    assert_eq!(res.status, 409, "{}", res.body);
    assert!(
        res.body.contains("Het gesprek over deze ronde is gehouden"),
        "{}",
        res.body
    );
    assert_eq!(f.dump("SELECT * FROM expectations"), before);
    let p = f.get(&alfa, "/team/alfa?reflect=1&lang=en");
    assert!(!p.body.contains("What do you expect"), "{}", p.body);

    // Released with the button, filled in, changed; then held by the
    // command line: no more change.
    let advisor = session(&f.server, &format!("/a/{}", f.advisor));
    let at = token_of(&f.get(&advisor, "/team/beta?lang=en").body);
    let res = f.post(
        &advisor,
        "/beheer/vrijgeven",
        &format!("form_token={at}&team=beta&round={}", f.round),
    );
    assert_eq!(res.status, 303);
    let beta = session(&f.server, &format!("/m/{}", f.beta));
    let bt = token_of(&f.get(&beta, "/team/beta").body);
    let reflect = format!("/team/beta/rounds/{}/reflectie", f.round);
    for v in [6, 5] {
        let res = f.post(
            &beta,
            &reflect,
            &format!("form_token={bt}&e-pulse-speak={v}&save=1"),
        );
        assert_eq!(res.status, 303, "not held yet: changes are fine");
    }
    f.dir.ok(&["round", "release", &f.round, "--team", "Beta"]);
    let before = f.dump("SELECT * FROM expectations WHERE team_id = 2");
    assert!(before[0].contains("\\\"pulse-speak\\\":5"), "{before:?}");
    let res = f.post(
        &beta,
        &reflect,
        &format!("form_token={bt}&e-pulse-speak=1&save=1"),
    );
    assert_eq!(res.status, 409);
    assert_eq!(
        f.dump("SELECT * FROM expectations WHERE team_id = 2"),
        before
    );
}

#[test]
fn training_offers_by_command_line_and_set_up_page_shown_on_the_team_page() {
    let f = fixture();
    f.dir.ok(&["round", "release", &f.round]);
    // The command line: every error at once, clearly.
    let err = f.dir.fails(&[
        "training",
        "add",
        "--title",
        " ",
        "--kind",
        "cursus",
        "--url",
        "ftp://x",
        "--dimension",
        "nope",
    ]);
    assert!(
        err.contains("no kind \"cursus\"; use one of: training, module, intervisie, talk")
            && err.contains("give the offer a title")
            && err.contains("must start with http:// or https://")
            && err.contains("no survey has a dimension \"nope\""),
        "{err}"
    );
    let long = "t".repeat(201);
    assert!(
        f.dir
            .fails(&["training", "add", "--title", &long])
            .contains("at most 200")
    );
    let out = f.dir.ok(&[
        "training",
        "add",
        "--title",
        "Luisteren zonder oordeel",
        "--kind",
        "module",
        "--url",
        "https://leren.example/luisteren",
        "--dimension",
        "support",
    ]);
    assert_eq!(out.lines().last(), Some("1"), "{out}");
    f.dir.ok(&["training", "add", "--title", "Intervisiegroep"]);
    f.dir.ok(&[
        "training",
        "add",
        "--title",
        "Fouten bespreken",
        "--kind",
        "talk",
        "--dimension",
        "openness",
    ]);
    let list = f.dir.ok(&["training", "list"]);
    assert!(
        list.contains("module      support")
            && list.contains("training    -")
            && list.contains("(https://leren.example/luisteren)"),
        "{list}"
    );
    assert!(
        f.dir
            .fails(&["training", "remove", "9"])
            .contains("no offer 9")
    );
    assert!(f.dir.ok(&["audit"]).contains("training offer 1 added"));

    // The team page: with a focus on support, the matched offer first, the
    // general one next, the one for another dimension left out.
    f.dir.ok(&[
        "focus",
        "--team",
        "Alfa",
        "--round",
        &f.round,
        "--dimension",
        "support",
        "--experiment",
        "Vaker vragen hoe het gaat",
        "--check",
        "+14d",
    ]);
    let p = f.bearer(&f.alfa, "/team/alfa?lang=en");
    let first = p.body.find("Luisteren zonder oordeel").unwrap();
    let second = p.body.find("Intervisiegroep").unwrap();
    assert!(first < second, "{}", p.body);
    assert!(!p.body.contains("Fouten bespreken"), "{}", p.body);
    assert!(p.body.contains("(matches the focus)"));
    assert!(p.body.contains("href=\"https://leren.example/luisteren\""));
    // Without a focus (Beta): every offer, the general one first.
    let p = f.bearer(&f.beta, "/team/beta?lang=en");
    let general = p.body.find("Intervisiegroep").unwrap();
    assert!(general < p.body.find("Fouten bespreken").unwrap());

    // The set-up page: linked from the settings, a manager gets 404.
    let advisor = session(&f.server, &format!("/a/{}", f.advisor));
    let settings = f.get(&advisor, "/beheer/instellingen?lang=en");
    assert!(settings.body.contains("href=\"/beheer/training?lang=en\""));
    let page = f.get(&advisor, "/beheer/training?lang=en");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Luisteren zonder oordeel")
            && page.body.contains("Being heard and supported")
    );
    let token = token_of(&page.body);
    let alfa = session(&f.server, &format!("/m/{}", f.alfa));
    for path in ["/beheer/training", "/beheer/training/1/verwijderen"] {
        assert_eq!(f.get(&alfa, path).status, 404, "{path}");
    }
    let offers = || f.dump("SELECT * FROM training ORDER BY id");
    let before = (offers(), f.audit());
    // Each error beside its field, what was typed kept.
    for (fields, field, message, kept) in [
        (
            "title=&kind=talk",
            "title",
            "give the offer a title",
            "<option value=\"talk\" selected",
        ),
        (
            "title=T&kind=cursus",
            "kind",
            "no kind &quot;cursus&quot;",
            "value=\"T\"",
        ),
        (
            "title=T&url=ftp%3A%2F%2Fx",
            "url",
            "is not a web address",
            "value=\"ftp://x\"",
        ),
        (
            "title=T&dimension=nope",
            "dimension",
            "no survey has a dimension",
            "value=\"T\"",
        ),
    ] {
        let res = f.post(
            &advisor,
            "/beheer/training?lang=en",
            &format!("form_token={token}&{fields}"),
        );
        assert_eq!(res.status, 422, "{fields}: {}", res.body);
        let at = res.body.find(&format!("id=\"{field}-error\"")).unwrap();
        assert!(res.body[at..].contains(message), "{fields}");
        assert!(res.body.contains(kept), "{fields}: {kept}");
    }
    // Cross-site or without the token: 403, nothing changed; a manager: 404.
    let good = format!("form_token={token}&title=Nieuw&kind=training");
    let remove = format!("form_token={token}");
    for (path, body) in [
        ("/beheer/training", good.as_str()),
        ("/beheer/training/1/verwijderen", remove.as_str()),
    ] {
        let evil = f.post_with(&advisor, path, &[("Origin", "https://evil.example")], body);
        assert_eq!(evil.status, 403, "{path}");
        let no_token = f.post(&advisor, path, "title=Nieuw");
        assert_eq!(no_token.status, 403, "{path}");
        let manager = f.post(&alfa, path, body);
        assert_eq!(manager.status, 404, "{path}");
    }
    assert_eq!((offers(), f.audit()), before);
    // Add, confirm, remove.
    let res = f.post(&advisor, "/beheer/training?lang=en", &good);
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(offers().len(), 4);
    let confirm = f.get(&advisor, "/beheer/training/1/verwijderen?lang=en");
    assert!(confirm.body.contains("Are you sure?"), "{}", confirm.body);
    assert_eq!(offers().len(), 4, "the confirmation page removes nothing");
    let res = f.post(&advisor, "/beheer/training/1/verwijderen?lang=en", &remove);
    assert_eq!(res.status, 303);
    assert_eq!(offers().len(), 3);
    assert!(
        !offers()
            .iter()
            .any(|o| o.contains("Luisteren zonder oordeel"))
    );
    let log = f.audit().join("\n");
    assert!(
        log.contains("training offer 4 added: \\\"Nieuw\\\"")
            && log.contains("training offer 1 removed")
            && log.contains("\"vp\""),
        "{log}"
    );
    assert!(
        !f.bearer(&f.alfa, "/team/alfa?lang=en")
            .body
            .contains("Luisteren zonder oordeel")
    );
}

#[test]
fn the_team_kit_shows_only_what_the_managers_key_sees() {
    let f = fixture();
    f.dir.ok(&["round", "release", &f.round, "--team", "Alfa"]);
    f.dir.ok(&["round", "release", &f.round, "--team", "Gamma"]);
    f.dir.ok(&[
        "focus",
        "--team",
        "Alfa",
        "--round",
        &f.round,
        "--dimension",
        "openness",
        "--experiment",
        "Elke week een vraag",
        "--check",
        "2099-03-01",
    ]);
    let kit = format!("/team/alfa/rounds/{}/kit?lang=en", f.round);
    // The comment and the hidden statement exist: the advisor's page shows
    // the comment, and the statement is hidden there too.
    let a = f.bearer(&f.advisor, "/team/alfa?lang=en");
    assert!(a.body.contains(COMMENT), "{}", a.body);
    let alfa = session(&f.server, &format!("/m/{}", f.alfa));
    let page = f.get(&alfa, &kit);
    assert_eq!(page.status, 200, "{}", page.body);
    for (what, text) in [
        ("what goes well first", "What goes well"),
        (
            "a strength in the team's words",
            "I know who to turn to about unwanted behaviour.",
        ),
        ("the focus", "We work on: <strong>Openness"),
        ("you said", "You said"),
        ("we try", "Elke week een vraag"),
        ("we check on", "2099-03-01"),
        ("the invitation", "Your ideas"),
    ] {
        assert!(page.body.contains(text), "{what}: {}", page.body);
    }
    let goes_well = page.body.find("What goes well").unwrap();
    assert!(goes_well < page.body.find("Our one focus").unwrap());
    assert!(!page.body.contains(COMMENT), "no comment");
    assert!(!page.body.contains(MISTAKES), "no hidden statement");
    assert!(!page.body.contains("class=\"num\""));
    assert!(
        page.body.contains("href=\"/kit.css\""),
        "the served page links its style (no inline style under the CSP)"
    );
    assert_eq!(f.get(&alfa, "/kit.css").status, 200);
    // Linked from the team page.
    assert!(
        f.bearer(&f.alfa, "/team/alfa?lang=en")
            .body
            .contains(&format!("/team/alfa/rounds/{}/kit", f.round))
    );
    // The advisor gets the very same kit (built from the manager's view).
    let advisor = session(&f.server, &format!("/a/{}", f.advisor));
    assert_eq!(f.get(&advisor, &kit).body, page.body);
    // Isolation: another manager, no session, a pending round, an open
    // round, a round the team did not take part in: 404 (401 without a key).
    assert_eq!(f.bearer(&f.beta, &kit).status, 404);
    assert_eq!(f.server.get(&kit).status, 401);
    let beta_kit = format!("/team/beta/rounds/{}/kit", f.round);
    assert_eq!(f.bearer(&f.beta, &beta_kit).status, 404, "pending for Beta");
    assert_eq!(
        f.bearer(&f.advisor, &beta_kit).status,
        404,
        "pending for Beta"
    );
    let open = f
        .dir
        .open_round(&["round", "open", "--survey", "pulse", "--teams", "Alfa"]);
    let open_kit = format!("/team/alfa/rounds/{open}/kit");
    assert_eq!(f.bearer(&f.alfa, &open_kit).status, 404);
    assert_eq!(f.bearer(&f.advisor, &open_kit).status, 404);
    assert_eq!(
        f.bearer(&f.advisor, &format!("/team/beta/rounds/{open}/kit"))
            .status,
        404
    );
    // A hidden round: says so plainly, still invites ideas, no statement.
    let g = f.bearer(
        &f.gamma,
        &format!("/team/gamma/rounds/{}/kit?lang=en", f.round),
    );
    assert_eq!(g.status, 200);
    assert!(g.body.contains("too few colleagues answered"), "{}", g.body);
    assert!(g.body.contains("Your ideas") && !g.body.contains("What goes well"));
    assert!(!g.body.contains("I can say what I think here."));

    // `spiegel kit`: a self-contained file, the same content, no request.
    let out = f.dir.path.join("kit.html");
    let printed = f.dir.ok(&[
        "kit",
        "--team",
        "Alfa",
        "--round",
        &f.round,
        "--out",
        out.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert!(printed.contains("wrote"), "{printed}");
    let file = std::fs::read_to_string(&out).unwrap();
    assert!(file.contains("<style>") && file.contains("@page { size: A4"));
    assert!(!file.contains("<link") && !file.contains("src=\"http"));
    assert!(file.contains("Elke week een vraag") && file.contains("Your ideas"));
    assert!(!file.contains(COMMENT) && !file.contains(MISTAKES));
    let err = f.dir.fails(&[
        "kit",
        "--team",
        "Alfa",
        "--round",
        &f.round,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(err.contains("exists already"), "{err}");
    let other = f.dir.path.join("beta.html");
    let err = f.dir.fails(&[
        "kit",
        "--team",
        "Beta",
        "--round",
        &f.round,
        "--out",
        other.to_str().unwrap(),
    ]);
    assert!(err.contains("not released to the manager of beta"), "{err}");
    assert!(!other.exists(), "a failed command leaves no file");
    let hidden = f.dir.path.join("gamma.html");
    f.dir.ok(&[
        "kit",
        "--team",
        "Gamma",
        "--round",
        &f.round,
        "--out",
        hidden.to_str().unwrap(),
    ]);
    let file = std::fs::read_to_string(&hidden).unwrap();
    assert!(file.contains("antwoordden te weinig collega's") && file.contains("Jullie ideeën"));
}
