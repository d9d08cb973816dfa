//! The advisor's set-up pages (`/beheer/…`): CSRF refusal on every POST
//! route, manager isolation on every route, every validation error beside
//! its field with what was typed kept, QR slips that decode to their links,
//! and `spiegel init` printing the first advisor's URL.

use crate::results::key;
use crate::support::{Response, Server, TestDir, request};

/// A server after `spiegel init` (with the first advisor's URL it printed),
/// an advisor's browser session and its form token.
struct Admin {
    dir: TestDir,
    server: Server,
    cookie: String,
    token: String,
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

/// The form token of a page.
fn token_of(body: &str) -> String {
    let at = body
        .find("name=\"form_token\" value=\"")
        .unwrap_or_else(|| panic!("no form token in {body}"));
    body[at + 25..at + 25 + 64].to_string()
}

impl Admin {
    fn new() -> Admin {
        let dir = TestDir::new();
        let out = dir.ok(&["init", "--org", "Test BV", "--tz", "UTC"]);
        let url = out.lines().last().unwrap().to_string();
        assert!(url.starts_with("http://127.0.0.1:8080/a/"), "{out}");
        let server = Server::start(&dir, None);
        let key = url.rsplit('/').next().unwrap();
        let cookie = session(&server, &format!("/a/{key}"));
        let page = request(
            &server.addr,
            "GET",
            "/beheer/teams",
            &[("Cookie", &cookie)],
            b"",
        );
        assert_eq!(page.status, 200, "{}", page.body);
        let token = token_of(&page.body);
        Admin {
            dir,
            server,
            cookie,
            token,
        }
    }

    fn origin(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    fn get(&self, path: &str) -> Response {
        request(
            &self.server.addr,
            "GET",
            path,
            &[("Cookie", &self.cookie)],
            b"",
        )
    }

    /// A POST as the browser sends it from these pages.
    fn post(&self, path: &str, body: &str) -> Response {
        let origin = self.origin();
        let body = format!("form_token={}&{body}", self.token);
        request(
            &self.server.addr,
            "POST",
            path,
            &[
                ("Cookie", &self.cookie),
                ("Origin", &origin),
                ("Sec-Fetch-Site", "same-origin"),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            body.as_bytes(),
        )
    }

    fn rows(&self, table: &str) -> i64 {
        self.dir
            .sqlite()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    /// Two teams and an open pulse round (id 1) made through the pages.
    fn with_round(self) -> Admin {
        assert_eq!(self.post("/beheer/teams", "name=Zorg&size=20").status, 303);
        assert_eq!(
            self.post("/beheer/teams", "name=Noord&parent=zorg&size=8")
                .status,
            303
        );
        assert_eq!(
            self.post("/beheer/rondes", "survey=pulse&all=1&title=Maart")
                .status,
            303
        );
        self
    }
}

/// Every POST route with a body that would succeed.
fn post_routes() -> Vec<(&'static str, &'static str)> {
    vec![
        ("/beheer/teams", "name=Zuid&size=5"),
        ("/beheer/teams/noord/naam", "name=Noordwest"),
        ("/beheer/teams/noord/afdeling", "parent="),
        ("/beheer/teams/noord/grootte", "size=9"),
        ("/beheer/rondes", "survey=pulse&all=1"),
        ("/beheer/rondes/1/links", "team=noord&count=2&format=csv"),
        ("/beheer/sleutels", "team=noord&label=Anna"),
        ("/beheer/sleutels/2/intrekken", ""),
        ("/beheer/instellingen", "k=6&comments=1"),
        ("/beheer/rondes/1/sluiten", ""),
        ("/beheer/vrijgeven", "team=noord&round=1"),
        ("/beheer/gesprek-gehouden", "team=noord&round=1"),
        ("/beheer/teams/zuid/archiveren", ""),
        ("/beheer/teams", "name=Tikfout"),
        ("/beheer/teams/tikfout/verwijderen", ""),
        (
            "/beheer/training",
            "title=Luisteren&kind=training&url=&dimension=",
        ),
        ("/beheer/training/1/verwijderen", ""),
    ]
}

/// Every GET route of the set-up pages.
fn get_routes() -> Vec<&'static str> {
    vec![
        "/beheer",
        "/beheer/teams",
        "/beheer/teams/noord",
        "/beheer/teams/noord/archiveren",
        "/beheer/teams/noord/verwijderen",
        "/beheer/rondes",
        "/beheer/rondes/1/links",
        "/beheer/rondes/1/sluiten",
        "/beheer/sleutels",
        "/beheer/sleutels/1/intrekken",
        "/beheer/instellingen",
        "/beheer/vragenlijsten",
        "/beheer/logboek",
        "/beheer/training",
        "/beheer/training/1/verwijderen",
    ]
}

/// A refused request: what is wrong, its extra headers, its body.
type Refused<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);

/// What every change touches: refused requests must leave all of it alone.
fn snapshot(a: &Admin) -> Vec<String> {
    let conn = a.dir.sqlite();
    let dump = |sql: &str| -> String {
        let mut stmt = conn.prepare(sql).unwrap();
        let cols = stmt.column_count();
        stmt.query_map([], |r| {
            Ok((0..cols)
                .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                .collect::<Vec<_>>()
                .join("|"))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect::<Vec<_>>()
        .join("\n")
    };
    vec![
        dump("SELECT * FROM teams ORDER BY id"),
        dump("SELECT id, title, closed_on, k FROM rounds ORDER BY id"),
        dump("SELECT count(*) FROM invites"),
        dump("SELECT id, label, revoked_on FROM keys ORDER BY id"),
        dump("SELECT k, comments_to_managers FROM org"),
        dump("SELECT * FROM audit ORDER BY id"),
        dump("SELECT * FROM releases ORDER BY round_id, team_id"),
        dump("SELECT release FROM org"),
        dump("SELECT * FROM conversations ORDER BY round_id, team_id"),
        dump("SELECT * FROM training ORDER BY id"),
    ]
}

#[test]
fn every_post_route_refuses_a_request_without_the_token_or_from_another_site() {
    let a = Admin::new().with_round();
    let before = snapshot(&a);
    let origin = a.origin();
    for (path, body) in post_routes() {
        let good = format!("form_token={}&{body}", a.token);
        let wrong = format!("form_token={}&{body}", "0".repeat(64));
        let refused: Vec<Refused> = vec![
            (
                "no token",
                vec![("Origin", &origin), ("Sec-Fetch-Site", "same-origin")],
                body,
            ),
            (
                "wrong token",
                vec![("Origin", &origin), ("Sec-Fetch-Site", "same-origin")],
                &wrong,
            ),
            (
                "cross-site Origin",
                vec![("Origin", "https://evil.example")],
                &good,
            ),
            (
                "cross-site Sec-Fetch-Site",
                vec![("Origin", &origin), ("Sec-Fetch-Site", "cross-site")],
                &good,
            ),
            (
                "same-site but another origin",
                vec![("Sec-Fetch-Site", "same-site")],
                &good,
            ),
            ("neither Origin nor Sec-Fetch-Site", vec![], &good),
            ("Origin null alone", vec![("Origin", "null")], &good),
        ];
        for (what, extra, body) in refused {
            let mut headers = vec![
                ("Cookie", a.cookie.as_str()),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ];
            headers.extend(extra);
            let res = request(&a.server.addr, "POST", path, &headers, body.as_bytes());
            assert_eq!(res.status, 403, "{path} with {what}: {}", res.body);
        }
        // Other methods on an action's address: refused too.
        for method in ["PUT", "DELETE", "PATCH"] {
            let res = request(
                &a.server.addr,
                method,
                path,
                &[("Cookie", &a.cookie), ("Origin", &origin)],
                good.as_bytes(),
            );
            assert_eq!(res.status, 403, "{method} {path}");
        }
    }
    assert_eq!(snapshot(&a), before, "a refused request changed something");
    // The same requests, from the page with its token, go through.
    for (path, body) in post_routes() {
        let res = a.post(path, body);
        assert!(
            res.status == 303 || res.status == 200,
            "{path}: {} {}",
            res.status,
            res.body
        );
    }
    assert_ne!(snapshot(&a), before);
}

#[test]
fn a_manager_session_reaches_no_set_up_page() {
    let a = Admin::new().with_round();
    let manager = key(&a.dir, &["key", "manager", "--team", "Noord"]);
    let cookie = session(&a.server, &format!("/m/{manager}"));
    // The token the manager's session would have, derived as the pages do.
    let secret = cookie.split('=').nth(1).unwrap();
    let token = blake3::derive_key("spiegel 2026 set-up form token v1", secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    let before = snapshot(&a);
    let origin = a.origin();
    for path in get_routes() {
        let res = request(&a.server.addr, "GET", path, &[("Cookie", &cookie)], b"");
        assert_eq!(res.status, 404, "GET {path}: {}", res.body);
        assert!(!res.body.contains("form_token"), "{path}");
    }
    for (path, body) in post_routes() {
        let body = format!("form_token={token}&{body}");
        let res = request(
            &a.server.addr,
            "POST",
            path,
            &[
                ("Cookie", &cookie),
                ("Origin", &origin),
                ("Sec-Fetch-Site", "same-origin"),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            body.as_bytes(),
        );
        assert_eq!(res.status, 404, "POST {path}: {}", res.body);
    }
    assert_eq!(snapshot(&a), before);
    // Without any session: the no-session page, never a form.
    for path in get_routes() {
        let res = a.server.get(path);
        assert_eq!(res.status, 401, "{path}");
    }
}

#[test]
fn the_pages_reissue_the_session_cookie_as_samesite_strict() {
    let a = Admin::new();
    let res = a.get("/beheer/teams");
    let cookie = res.header("set-cookie").unwrap();
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.starts_with(&a.cookie), "{cookie}");
}

/// Posts `body` to `path` in English and expects the error `message`
/// beside `field`, with `kept` still in the form.
fn expect_error(a: &Admin, path: &str, body: &str, field: &str, message: &str, kept: &str) {
    let sep = if path.contains('?') { '&' } else { '?' };
    let res = a.post(&format!("{path}{sep}lang=en"), body);
    assert_eq!(res.status, 422, "{path} {body}: {}", res.body);
    let marker = format!("<p class=\"error\" id=\"{field}-error\">");
    let at = res
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("{path} {body}: no error beside {field}: {}", res.body));
    let shown = &res.body[at + marker.len()..];
    let shown = &shown[..shown.find("</p>").unwrap()];
    assert!(
        shown.contains(message),
        "{path} {body}: {field} says {shown:?}, not {message:?}"
    );
    assert!(
        res.body
            .contains(&format!("aria-describedby=\"{field}-error\""))
            || res.body.contains(&format!(" {field}-error\"")),
        "{path}: the field does not name its error"
    );
    if !kept.is_empty() {
        assert!(res.body.contains(kept), "{path} {body}: {kept} not kept");
    }
}

#[test]
fn each_validation_error_is_shown_beside_its_field_keeping_what_was_typed() {
    let a = Admin::new().with_round();
    let before = snapshot(&a);
    // Teams: the domain's own messages (TeamName, ExpectedSize) and storage's.
    expect_error(
        &a,
        "/beheer/teams",
        "name=+&size=3",
        "name",
        "a team name needs 1 to 100 characters",
        "value=\"3\"",
    );
    expect_error(
        &a,
        "/beheer/teams",
        "name=--&size=",
        "name",
        "needs at least one letter or digit",
        "value=\"--\"",
    );
    expect_error(
        &a,
        "/beheer/teams",
        "name=Organisation",
        "name",
        "is reserved",
        "value=\"Organisation\"",
    );
    expect_error(
        &a,
        "/beheer/teams",
        "name=noord",
        "name",
        "exists already",
        "value=\"noord\"",
    );
    expect_error(
        &a,
        "/beheer/teams",
        "name=Oost&size=0",
        "size",
        "expected size must be at least 1",
        "value=\"Oost\"",
    );
    expect_error(
        &a,
        "/beheer/teams",
        "name=Oost&size=veel",
        "size",
        "whole number",
        "value=\"veel\"",
    );
    expect_error(
        &a,
        "/beheer/teams/noord/naam",
        "name=ZORG",
        "name",
        "exists already",
        "value=\"ZORG\"",
    );
    expect_error(
        &a,
        "/beheer/teams/noord/naam",
        "name=",
        "name",
        "1 to 100 characters",
        "",
    );
    expect_error(
        &a,
        "/beheer/teams/zorg/afdeling",
        "parent=noord",
        "parent",
        "cannot move",
        "",
    );
    expect_error(
        &a,
        "/beheer/teams/noord/grootte",
        "size=0",
        "size",
        "at least 1",
        "value=\"0\"",
    );
    // Rounds: the CLI's rules for surveys, teams and the closing date.
    expect_error(
        &a,
        "/beheer/rondes",
        "survey=nope&all=1",
        "survey",
        "no survey &quot;nope&quot;",
        "",
    );
    expect_error(
        &a,
        "/beheer/rondes",
        "survey=pulse&title=April",
        "teams",
        "a round needs at least one team",
        "value=\"April\"",
    );
    expect_error(
        &a,
        "/beheer/rondes",
        "survey=pulse&all=1&closes=2020-01-01",
        "closes",
        "lies in the past",
        "value=\"2020-01-01\"",
    );
    expect_error(
        &a,
        "/beheer/rondes",
        "survey=pulse&all=1&closes=morgen",
        "closes",
        "is not a date like",
        "value=\"morgen\"",
    );
    // Links: the number of links.
    expect_error(
        &a,
        "/beheer/rondes/1/links",
        "team=noord&count=0&format=csv",
        "count",
        "between 1 and 10000",
        "value=\"0\"",
    );
    expect_error(
        &a,
        "/beheer/rondes/1/links",
        "team=noord&count=10001&format=csv",
        "count",
        "between 1 and 10000",
        "value=\"10001\"",
    );
    expect_error(
        &a,
        "/beheer/rondes/1/links",
        "team=zuid&count=2&format=csv",
        "team",
        "no team",
        "",
    );
    // Keys and settings.
    expect_error(
        &a,
        "/beheer/sleutels",
        "team=zuid&label=X",
        "team",
        "no team",
        "value=\"X\"",
    );
    expect_error(
        &a,
        "/beheer/instellingen",
        "k=2",
        "k",
        "k = 2 is too low",
        "value=\"2\"",
    );
    expect_error(
        &a,
        "/beheer/instellingen",
        "k=51",
        "k",
        "k = 51 is too high",
        "value=\"51\"",
    );
    assert_eq!(snapshot(&a), before, "a refused form changed something");

    // In Dutch (the default), in Dutch.
    let res = a.post("/beheer/teams", "name=Oost&size=0");
    assert_eq!(res.status, 422);
    assert!(
        res.body
            .contains("De verwachte grootte van een team is minstens 1."),
        "{}",
        res.body
    );
}

/// The black modules of a QR SVG as the `qrcode` crate draws them
/// (`M{x} {y}h{w}v{h}H{x}V{y}` per module), rasterised to a greyscale image.
fn rasterise(svg: &str) -> (usize, usize, Vec<u8>) {
    let attr = |name: &str| -> usize {
        let at = svg.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        svg[at..at + svg[at..].find('"').unwrap()].parse().unwrap()
    };
    let (w, h) = (attr("width"), attr("height"));
    let mut pixels = vec![255u8; w * h];
    let d_at = svg.find(" d=\"").unwrap() + 4;
    let d = &svg[d_at..d_at + svg[d_at..].find('"').unwrap()];
    for rect in d.split('M').filter(|r| !r.is_empty()) {
        let num = |s: &str| -> usize {
            s.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .unwrap()
        };
        let x = num(rect);
        let y = num(&rect[rect.find(' ').unwrap() + 1..]);
        let rw = num(&rect[rect.find('h').unwrap() + 1..]);
        let rh = num(&rect[rect.find('v').unwrap() + 1..]);
        for yy in y..(y + rh).min(h) {
            for xx in x..(x + rw).min(w) {
                pixels[yy * w + xx] = 0;
            }
        }
    }
    (w, h, pixels)
}

fn decode_qr(svg: &str) -> String {
    let (w, h, pixels) = rasterise(svg);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code per slip");
    grids[0].decode().unwrap().1
}

/// Every `<svg …>…</svg>` and every `<p class="link">…</p>` of a page.
fn slips_of(body: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find("<div class=\"slip\">") {
        rest = &rest[at..];
        let svg = &rest[rest.find("<svg").unwrap()..rest.find("</svg>").unwrap() + 6];
        let l = rest.find("<p class=\"link\">").unwrap() + 16;
        let link = &rest[l..l + rest[l..].find("</p>").unwrap()];
        out.push((svg.to_string(), link.to_string()));
        rest = &rest[l..];
    }
    out
}

#[test]
fn each_qr_slip_decodes_to_its_link_and_each_link_works_once() {
    let a = Admin::new().with_round();
    let res = a.post("/beheer/rondes/1/links", "team=noord&count=4&format=slips");
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(res.body.contains("/beheer/slips.css"), "print stylesheet");
    assert!(res.body.contains("Scan to answer. Anonymous"));
    assert!(res.body.contains("Scan om te antwoorden. Anoniem"));
    let slips = slips_of(&res.body);
    assert_eq!(slips.len(), 4);
    let base = format!("http://{}/s/", a.server.addr);
    for (svg, link) in &slips {
        assert!(link.starts_with(&base), "{link}");
        assert_eq!(&decode_qr(svg), link, "the QR code holds another link");
    }
    // Stored only as hashes: no token in the database.
    let stored = a.rows("invites");
    assert_eq!(stored, 4);
    let dump = std::fs::read(a.dir.db()).unwrap();
    for (_, link) in &slips {
        let token = link.rsplit('/').next().unwrap();
        assert!(!crate::support::contains(&dump, token.as_bytes()));
        assert_eq!(a.server.get(&format!("/s/{token}")).status, 200);
    }
    // The print stylesheet: A4 with cut lines.
    let css = a.server.get("/beheer/slips.css");
    assert_eq!(css.status, 200);
    assert!(css.body.contains("size: A4") && css.body.contains("dashed"));
    // The CSV: a download with a header and one row per link.
    let csv = a.post("/beheer/rondes/1/links", "team=noord&count=3&format=csv");
    assert_eq!(csv.status, 200);
    assert!(
        csv.header("content-disposition")
            .unwrap()
            .contains("attachment")
    );
    assert_eq!(csv.body.lines().count(), 4, "{}", csv.body);
    assert!(csv.body.starts_with("team,link\nNoord,http://"));
    // The audit log has the counts, never a link.
    let log = a.dir.ok(&["audit"]);
    assert!(
        log.contains("4 links made for team noord in round 1"),
        "{log}"
    );
    for (_, link) in &slips {
        assert!(!log.contains(link.rsplit('/').next().unwrap()));
    }
}

#[test]
fn keys_are_shown_once_listed_with_their_last_day_and_revoked_after_confirmation() {
    let a = Admin::new().with_round();
    let made = a.post("/beheer/sleutels?lang=en", "team=noord&label=Anna");
    assert_eq!(made.status, 200, "{}", made.body);
    let at = made.body.find("/m/").unwrap() + 3;
    let manager = &made.body[at..at + 22];
    assert!(made.body.contains("<svg"), "a QR code of the address");
    // It opens the team's page, and its day of use is listed.
    session(&a.server, &format!("/m/{manager}"));
    let list = a.get("/beheer/sleutels?lang=en");
    assert!(list.body.contains("Anna"));
    assert!(!list.body.contains(manager), "a key is shown only once");
    let id: i64 = a
        .dir
        .sqlite()
        .query_row("SELECT id FROM keys WHERE label = 'Anna'", [], |r| r.get(0))
        .unwrap();
    let used: Option<String> = a
        .dir
        .sqlite()
        .query_row("SELECT last_used_on FROM keys WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    let used = used.expect("last use recorded");
    assert_eq!(used.len(), 10, "a day only: {used}");
    // Revoking asks first (a page with a form), then the key stops working.
    let confirm = a.get(&format!("/beheer/sleutels/{id}/intrekken?lang=en"));
    assert_eq!(confirm.status, 200);
    assert!(confirm.body.contains("Are you sure?"));
    let revoked = a.post(&format!("/beheer/sleutels/{id}/intrekken"), "");
    assert_eq!(revoked.status, 303);
    assert_eq!(a.server.get(&format!("/m/{manager}")).status, 404);
    let audit = a.get("/beheer/logboek?lang=en");
    assert!(
        audit.body.contains(&format!("key {id} revoked")),
        "{}",
        audit.body
    );
    assert!(audit.body.contains("first advisor"), "the key's label");
}

#[test]
fn settings_change_k_for_future_rounds_only_and_the_surveys_page_lists_items() {
    let a = Admin::new().with_round();
    assert_eq!(a.post("/beheer/instellingen", "k=7").status, 303);
    assert_eq!(a.post("/beheer/rondes", "survey=pulse&all=1").status, 303);
    let ks: Vec<i64> = a
        .dir
        .sqlite()
        .prepare("SELECT k FROM rounds ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(ks, vec![5, 7]);
    let surveys = a.get("/beheer/vragenlijsten");
    assert_eq!(surveys.status, 200);
    assert!(surveys.body.contains("lang=\"en\""));
    assert!(surveys.body.contains("pulse"));
    // The cases and hesitations in use, in the page's language.
    assert!(
        surveys
            .body
            .contains("Een kwetsende &quot;grap&quot; in het teamoverleg")
            || surveys
                .body
                .contains("Een kwetsende \"grap\" in het teamoverleg"),
        "{}",
        surveys.body
    );
    let en = a.get("/beheer/vragenlijsten?lang=en");
    assert!(
        en.body.contains("A complaint about a well-liked colleague"),
        "{}",
        en.body
    );
    assert!(en.body.contains("--conversation"), "{}", en.body);
    // The open round shows only whether k is reached, never a count.
    let rounds = a.get("/beheer/rondes?lang=en");
    assert!(
        rounds.body.contains("fewer than k") || rounds.body.contains("k"),
        "{}",
        rounds.body
    );
}

#[test]
fn init_prints_a_working_advisor_url_last() {
    let dir = TestDir::new();
    let out = dir.ok(&["init", "--base-url", "https://spiegel.example.nl"]);
    let last = out.lines().last().unwrap();
    let key = last
        .strip_prefix("https://spiegel.example.nl/a/")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(key.len(), 22);
    let server = Server::start(&dir, None);
    session(&server, &format!("/a/{key}"));
    assert!(dir.ok(&["audit"]).contains("(command line)"));
}

#[test]
fn retention_is_set_on_the_settings_page() {
    let a = Admin::new();
    let page = a.get("/beheer/instellingen?lang=en");
    assert!(page.body.contains("name=\"retain\""), "{}", page.body);
    assert!(page.body.contains("value=\"0\""), "{}", page.body);
    expect_error(
        &a,
        "/beheer/instellingen",
        "k=5&retain=5000",
        "retain",
        "from 0 (off) to 1200",
        "value=\"5000\"",
    );
    assert!(a.dir.ok(&["settings"]).contains("retention: off"));
    let res = a.post("/beheer/instellingen", "k=5&retain=12");
    assert_eq!(res.status, 303, "{}", res.body);
    let shown = a.dir.ok(&["settings"]);
    assert!(shown.contains("retention: 12 months"), "{shown}");
    assert!(
        a.get("/beheer/instellingen").body.contains("value=\"12\""),
        "the page shows the setting"
    );
    assert!(
        a.dir
            .ok(&["audit"])
            .contains("automatic retention set to 12 months")
    );
    // A form without the field leaves it alone.
    assert_eq!(a.post("/beheer/instellingen", "k=5").status, 303);
    assert!(a.dir.ok(&["settings"]).contains("retention: 12 months"));
}

fn team_ids(a: &Admin) -> Vec<String> {
    a.dir
        .sqlite()
        .prepare("SELECT slug FROM teams ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn only_a_team_that_never_took_part_is_removed_after_confirmation() {
    let a = Admin::new().with_round();
    assert_eq!(a.post("/beheer/teams", "name=Tikfout").status, 303);
    assert_eq!(a.post("/beheer/teams", "name=Oost&size=6").status, 303);
    key(
        &a.dir,
        &["key", "manager", "--team", "Oost", "--label", "Olga"],
    );
    // The team page offers it; the confirmation asks first, in a form.
    let page = a.get("/beheer/teams/tikfout?lang=en");
    assert!(
        page.body.contains("/beheer/teams/tikfout/verwijderen"),
        "{}",
        page.body
    );
    let confirm = a.get("/beheer/teams/tikfout/verwijderen?lang=en");
    assert_eq!(confirm.status, 200);
    assert!(confirm.body.contains("Are you sure?"), "{}", confirm.body);
    assert!(confirm.body.contains("method=\"post\""));
    assert!(
        confirm
            .body
            .contains("href=\"/beheer/teams/tikfout?lang=en\""),
        "a way back"
    );
    assert!(
        team_ids(&a).contains(&"tikfout".to_string()),
        "asking changes nothing"
    );

    // Refused, with what to do instead, and nothing changed: a team that
    // was in a round, one with teams under it, one that had a key.
    let before = snapshot(&a);
    for (team, en, nl) in [
        (
            "noord",
            "took part in round(s) 1",
            "deed mee aan ronde(s) 1",
        ),
        (
            "zorg",
            "has teams under it (noord)",
            "heeft teams onder zich (noord)",
        ),
        (
            "oost",
            "has had a manager key (key 2)",
            "heeft een sleutel gehad (sleutel 2)",
        ),
    ] {
        let path = format!("/beheer/teams/{team}/verwijderen");
        let res = a.post(&format!("{path}?lang=en"), "");
        assert_eq!(res.status, 409, "{team}: {}", res.body);
        assert!(res.body.contains(en), "{team}: {}", res.body);
        assert!(
            res.body.contains("archive it instead"),
            "{team}: {}",
            res.body
        );
        let res = a.post(&path, "");
        assert_eq!(res.status, 409, "{team}");
        assert!(res.body.contains(nl), "{team}: {}", res.body);
        assert!(res.body.contains("archiveer"), "{team}: {}", res.body);
    }
    assert_eq!(snapshot(&a), before, "a refused removal changed something");
    assert_eq!(a.post("/beheer/teams/nergens/verwijderen", "").status, 404);

    // Removed: gone from the list and the database, and in the audit log.
    let res = a.post("/beheer/teams/tikfout/verwijderen?lang=en", "");
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(
        res.header("location"),
        Some("/beheer/teams?done=removed&lang=en")
    );
    assert_eq!(team_ids(&a), ["zorg", "noord", "oost"]);
    let list = a.get("/beheer/teams?done=removed&lang=en");
    assert!(list.body.contains("Team removed."));
    assert!(!list.body.contains("Tikfout"));
    let log = a.dir.ok(&["audit"]);
    assert!(
        log.contains("first advisor") && log.contains("team removed: Tikfout (tikfout)"),
        "{log}"
    );
    // Removed again: there is no such team.
    assert_eq!(a.post("/beheer/teams/tikfout/verwijderen", "").status, 404);
}

#[test]
fn team_remove_on_the_command_line_follows_the_same_rule() {
    let a = Admin::new().with_round();
    a.dir.ok(&["team", "add", "Tikfout"]);
    a.dir.ok(&["team", "add", "Oost"]);
    key(&a.dir, &["key", "manager", "--team", "Oost"]);
    for (team, says) in [
        (
            "Noord",
            "took part in round(s) 1, so its history stays: archive it instead",
        ),
        ("Zorg", "has teams under it (noord)"),
        ("Oost", "has had a manager key (key 2)"),
        ("Nergens", "no team named \"Nergens\""),
    ] {
        let err = a.dir.fails(&["team", "remove", team]);
        assert!(err.contains(says), "{team}: {err}");
        if team != "Nergens" {
            assert!(err.contains("spiegel team archive"), "{team}: {err}");
        }
    }
    assert_eq!(team_ids(&a), ["zorg", "noord", "tikfout", "oost"]);
    let out = a.dir.ok(&["team", "remove", "tikfout"]);
    assert!(out.contains("removed \"Tikfout\""), "{out}");
    assert_eq!(team_ids(&a), ["zorg", "noord", "oost"]);
    let log = a.dir.ok(&["audit"]);
    assert!(
        log.lines()
            .any(|l| l.contains("(command line)") && l.ends_with("team removed: Tikfout (tikfout)")),
        "{log}"
    );
    // Its name is free again.
    a.dir.ok(&["team", "add", "Tikfout"]);
}

#[test]
fn set_up_commands_on_the_command_line_are_in_the_audit_log_and_on_its_page() {
    let a = Admin::new();
    let d = &a.dir;
    d.ok(&["team", "add", "Zorg"]);
    d.ok(&["team", "add", "Noord", "--size", "6"]);
    d.ok(&["team", "add", "Zuid"]);
    d.ok(&["team", "rename", "Zuid", "Zuidoost"]);
    d.ok(&["team", "move", "Noord", "--parent", "Zorg"]);
    d.ok(&["team", "size", "Noord", "7"]);
    d.ok(&["team", "add", "Weg"]);
    d.ok(&["team", "remove", "Weg"]);
    let round = d.open_round(&[
        "round",
        "open",
        "--survey",
        "pulse",
        "--teams",
        "Noord,Zuid",
        "--title",
        "April",
    ]);
    let links = d.ok(&[
        "links", "--round", &round, "--team", "Noord", "--count", "3",
    ]);
    d.ok(&["team", "archive", "Zuid"]);
    let manager = key(d, &["key", "manager", "--team", "Noord", "--label", "Mila"]);
    key(d, &["key", "advisor", "--label", "tweede"]);
    d.ok(&["key", "revoke", "3"]);
    d.ok(&["round", "close", &round]);
    d.ok(&["round", "release", &round]);
    d.ok(&[
        "settings",
        "--k",
        "6",
        "--comments-to-managers",
        "on",
        "--release",
        "at-close",
        "--retain-months",
        "24",
        "--tz",
        "Europe/Amsterdam",
    ]);
    let log = d.ok(&["audit"]);
    let expected = [
        "team added: Zorg (zorg)",
        "team added: Noord (noord)",
        "team zuid renamed to Zuidoost",
        "team noord moved under zorg",
        "team noord expects 7 members",
        "team removed: Weg (weg)",
        &format!("round {round} opened: April (pulse), teams noord, zuid"),
        &format!("3 links made for team noord in round {round}"),
        "team zuid archived",
        "manager key 2 made for team noord",
        "advisor key 3 made",
        "key 3 revoked",
        &format!("round {round} closed: April"),
        &format!("round {round} released to the managers of zorg, noord, zuid"),
        "k set to 6 for rounds opened from now on",
        "comments to managers on",
        "release to managers set to at-close",
        "automatic retention set to 24 months",
        "time zone set to Europe/Amsterdam",
    ];
    for what in expected {
        let line = log
            .lines()
            .find(|l| l.ends_with(what))
            .unwrap_or_else(|| panic!("{what:?} not in the log:\n{log}"));
        assert!(line.contains("(command line)"), "{line}");
    }
    // Never a link or a key.
    for l in links.lines().filter(|l| l.contains("/s/")) {
        let token = l.rsplit('/').next().unwrap();
        assert!(!log.contains(token), "a link in the log");
    }
    assert!(!log.contains(&manager));
    // The advisor sees the same log on its page, in Dutch and in English.
    let nl = a.get("/beheer/logboek");
    assert_eq!(nl.status, 200);
    assert!(nl.body.contains("<h1>Logboek</h1>"), "{}", nl.body);
    assert!(
        nl.body
            .contains("Nooit een antwoord, een link of een sleutel.")
    );
    let en = a.get("/beheer/logboek?lang=en");
    assert!(en.body.contains("<h1>Audit log</h1>"), "{}", en.body);
    assert!(en.body.contains("Never an answer, a link or a key."));
    for what in expected {
        assert!(en.body.contains(what), "{what:?} not on the page");
    }
    assert!(!en.body.contains(&manager));
    // Who did it, in the page's words too.
    assert!(en.body.contains("<td>command line</td>"), "{}", en.body);
    assert!(nl.body.contains("<td>opdrachtregel</td>"), "{}", nl.body);
    assert!(!nl.body.contains("(command line)"), "{}", nl.body);
    // The Dutch page reads in Dutch, the command line's actions too.
    let dutch = [
        "database aangemaakt, eerste sleutel voor een vertrouwenspersoon gemaakt",
        "team toegevoegd: Zorg (zorg)",
        "team zuid hernoemd tot Zuidoost",
        "team noord verplaatst naar onder zorg",
        "team noord verwacht 7 leden",
        "team verwijderd: Weg (weg)",
        &format!("ronde {round} geopend: April (pulse), teams noord, zuid"),
        &format!("3 links gemaakt voor team noord in ronde {round}"),
        "team zuid gearchiveerd",
        "sleutel 2 voor de leidinggevende van team noord gemaakt",
        "sleutel 3 voor een vertrouwenspersoon gemaakt",
        "sleutel 3 ingetrokken",
        &format!("ronde {round} gesloten: April"),
        &format!("ronde {round} vrijgegeven aan de leidinggevenden van zorg, noord, zuid"),
        "k op 6 gezet voor rondes die vanaf nu openen",
        "opmerkingen naar leidinggevenden aan",
        "tijdzone op Europe/Amsterdam gezet",
    ];
    for what in dutch {
        assert!(nl.body.contains(what), "{what:?} not on the Dutch page");
    }
    for what in expected {
        assert!(
            !nl.body.contains(what),
            "{what:?} in English on the Dutch page"
        );
    }
    assert!(!nl.body.contains("<td lang=\"en\">"), "{}", nl.body);
    // `spiegel audit` stays English; `--lang nl` prints the Dutch lines.
    let log_nl = d.ok(&["audit", "--lang", "nl"]);
    assert!(log_nl.starts_with("DAG"), "{log_nl}");
    for what in dutch {
        assert!(log_nl.contains(what), "{what:?} not in:\n{log_nl}");
    }
    // `--json` keeps `action` English and adds the action as data.
    let json: serde_json::Value = serde_json::from_str(&d.ok(&["audit", "--json"])).unwrap();
    let removed = json
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "key 3 revoked")
        .unwrap();
    assert_eq!(removed["detail"]["what"], "key_revoked", "{removed}");
    assert_eq!(removed["detail"]["key"], 3, "{removed}");
}

#[test]
fn set_up_actions_in_the_browser_read_in_dutch_on_the_dutch_audit_page() {
    let a = Admin::new().with_round();
    assert_eq!(
        a.post("/beheer/teams/noord/naam", "name=Noordoost").status,
        303
    );
    let nl = a.get("/beheer/logboek");
    assert_eq!(nl.status, 200);
    for what in [
        "team toegevoegd: Zorg (zorg)",
        "team toegevoegd: Noord (noord)",
        "ronde 1 geopend: Maart (pulse)",
        "team noord hernoemd tot Noordoost",
    ] {
        assert!(nl.body.contains(what), "{what:?} not in {}", nl.body);
    }
    assert!(!nl.body.contains("team added"), "{}", nl.body);
    let en = a.get("/beheer/logboek?lang=en");
    for what in [
        "team added: Zorg (zorg)",
        "round 1 opened: Maart (pulse)",
        "team noord renamed to Noordoost",
    ] {
        assert!(en.body.contains(what), "{what:?} not in {}", en.body);
    }
    assert!(!en.body.contains("team toegevoegd"), "{}", en.body);
    // The command line prints what the browser did in English, as stored.
    let log = a.dir.ok(&["audit"]);
    assert!(log.contains("team added: Noord (noord)"), "{log}");
    assert!(log.contains("team noord renamed to Noordoost"), "{log}");
}

#[test]
fn the_release_mode_is_set_on_the_settings_page_as_on_the_command_line() {
    let a = Admin::new().with_round();
    let page = a.get("/beheer/instellingen?lang=en");
    assert!(
        page.body
            .contains("name=\"release\" value=\"after-advisor\" checked"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<legend>Results to the manager</legend>")
    );
    let before = snapshot(&a);
    expect_error(
        &a,
        "/beheer/instellingen",
        "k=5&release=sometimes",
        "release",
        "Choose when results reach the manager",
        "",
    );
    assert_eq!(snapshot(&a), before, "a refused setting changed something");
    let res = a.post("/beheer/instellingen", "k=5&release=at-close");
    assert_eq!(res.status, 303, "{}", res.body);
    assert!(a.dir.ok(&["settings"]).contains("release: at-close"));
    assert!(
        a.get("/beheer/instellingen")
            .body
            .contains("value=\"at-close\" checked"),
        "the page shows the setting"
    );
    let log = a.dir.ok(&["audit"]);
    let line = log
        .lines()
        .find(|l| l.ends_with("release to managers set to at-close"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(line.contains("first advisor"), "{line}");
    // The same again changes nothing and logs nothing; back to after-advisor
    // (every closed round counts as released, as with the command line).
    assert_eq!(
        a.post("/beheer/instellingen", "k=5&release=at-close")
            .status,
        303
    );
    assert_eq!(
        a.post("/beheer/instellingen", "k=5&release=after-advisor")
            .status,
        303
    );
    assert!(a.dir.ok(&["settings"]).contains("release: after-advisor"));
    let log = a.dir.ok(&["audit"]);
    assert_eq!(
        log.matches("release to managers set to").count(),
        2,
        "{log}"
    );
    // A form without the field leaves it alone.
    assert_eq!(a.post("/beheer/instellingen", "k=5").status, 303);
    assert!(a.dir.ok(&["settings"]).contains("release: after-advisor"));
}
