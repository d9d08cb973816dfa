//! Charts through the real paths (issue 8): the chart routes over HTTP with
//! the same visibility as the JSON, the team and overview pages with their
//! inline SVG, and `spiegel chart` writing files.

use std::path::Path;

use serde_json::Value;

use crate::results::{answer, api, cookie_of, key};
use crate::support::{Response, Server, TestDir, request};

const PULSE: &str =
    "pulse-speak=5&pulse-keep-quiet=3&pulse-mistakes=6&pulse-heard=4&pulse-unwanted-behaviour=5";
const PULSE_HIGH: &str =
    "pulse-speak=7&pulse-keep-quiet=1&pulse-mistakes=7&pulse-heard=7&pulse-unwanted-behaviour=7";
const PULSE_LOW: &str =
    "pulse-speak=2&pulse-keep-quiet=6&pulse-mistakes=1&pulse-heard=2&pulse-unwanted-behaviour=3";
const SAFETY: &str =
    "ps-mistakes=3&ps-problems=5&ps-different=6&ps-risk=5&ps-help=6&ps-undermining=6&ps-skills=5";

/// Zorg (a department) with "Team <b>X</b>" and Zuid under it, Facilitair
/// on its own; k = 5. Rounds, all closed: Lente (pulse: X 6, Zuid 6,
/// Facilitair 2, hidden), Zomer (psychological safety: X 6), Herfst (pulse:
/// X 2 answering all 7s, hidden; Zuid 6).
struct Org {
    dir: TestDir,
    server: Server,
    x: String,
    rounds: [String; 3],
    advisor: String,
    manager: String,
}

fn organisation() -> Org {
    let dir = TestDir::new();
    dir.ok(&["init", "--org", "Zorggroep"]);
    dir.ok(&["team", "add", "Zorg"]);
    dir.ok(&[
        "team",
        "add",
        "Team <b>X</b>",
        "--parent",
        "Zorg",
        "--size",
        "8",
    ]);
    dir.ok(&["team", "add", "Zuid", "--parent", "Zorg", "--size", "8"]);
    dir.ok(&["team", "add", "Facilitair", "--size", "6"]);
    let teams: Value = serde_json::from_str(&dir.ok(&["team", "list", "--json"])).unwrap();
    let x = teams
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Team <b>X</b>")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let advisor = key(&dir, &["key", "advisor"]);
    let manager = key(&dir, &["key", "manager", "--team", &x]);
    let server = Server::start(&dir, None);
    let open = |survey: &str, title: &str| {
        dir.open_round(&[
            "round", "open", "--survey", survey, "--all", "--title", title,
        ])
    };
    let lente = open("pulse", "Lente");
    answer(
        &server,
        &dir,
        &lente,
        &x,
        &[PULSE, PULSE_HIGH, PULSE, PULSE_LOW, PULSE, PULSE],
    );
    answer(&server, &dir, &lente, "Zuid", &[PULSE; 6]);
    answer(
        &server,
        &dir,
        &lente,
        "Facilitair",
        &[PULSE_LOW, PULSE_HIGH],
    );
    dir.ok(&["round", "close", &lente]);
    dir.ok(&["round", "release", &lente]);
    let zomer = open("psychological-safety", "Zomer");
    answer(&server, &dir, &zomer, &x, &[SAFETY; 6]);
    dir.ok(&["round", "close", &zomer]);
    dir.ok(&["round", "release", &zomer]);
    let herfst = open("pulse", "Herfst");
    answer(&server, &dir, &herfst, &x, &[PULSE_HIGH; 2]);
    answer(&server, &dir, &herfst, "Zuid", &[PULSE; 6]);
    dir.ok(&["round", "close", &herfst]);
    dir.ok(&["round", "release", &herfst]);
    Org {
        dir,
        server,
        x,
        rounds: [lente, zomer, herfst],
        advisor,
        manager,
    }
}

/// Every chart route of a team (its trend, and each round).
fn team_routes(team: &str, rounds: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for ext in ["svg", "png"] {
        out.push(format!("/teams/{team}/trend/chart.{ext}"));
        for r in rounds {
            out.push(format!("/teams/{team}/rounds/{r}/chart.{ext}"));
        }
    }
    out
}

/// The SVG's text (title, desc and every text node), checking it parses.
fn svg_text(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let title = root.children().find(|n| n.has_tag_name("title"));
    let desc = root.children().find(|n| n.has_tag_name("desc"));
    assert!(
        title.and_then(|t| t.text()).is_some_and(|t| !t.is_empty()),
        "{svg}"
    );
    assert!(desc.and_then(|t| t.text()).is_some_and(|t| !t.is_empty()));
    root.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).expect("PNG data");
    // Not blank: more than one colour.
    let first = &buf[..3];
    assert!(buf.chunks(3).any(|px| px != first), "a blank PNG");
    (info.width, info.height)
}

fn assert_image(res: &Response, path: &str) {
    assert_eq!(res.status, 200, "{path}: {}", res.body);
    assert_eq!(res.header("cache-control"), Some("no-store"), "{path}");
    if path.contains(".svg") {
        assert_eq!(res.header("content-type"), Some("image/svg+xml"), "{path}");
        svg_text(&res.body);
    } else {
        assert_eq!(res.header("content-type"), Some("image/png"), "{path}");
        png_size(&res.bytes);
    }
}

#[test]
fn chart_routes_show_a_manager_only_their_own_team() {
    let o = organisation();
    // The manager's own team: every chart.
    for path in team_routes(&o.x, &o.rounds) {
        assert_image(&api(&o.server, &o.manager, &path), &path);
    }
    // Anything else: 404, the same body as a team that does not exist.
    let missing = api(&o.server, &o.manager, "/teams/bestaat-niet/trend/chart.svg");
    assert_eq!(missing.status, 404);
    let mut others = Vec::new();
    for team in ["zuid", "facilitair", "zorg", "organisation", "bestaat-niet"] {
        others.extend(team_routes(team, &o.rounds));
    }
    others.extend(["/overview/chart.svg".into(), "/overview/chart.png".into()]);
    others.push(format!("/teams/{}/rounds/999/chart.svg", o.x));
    others.push(format!("/teams/{}/trend/chart.svg?dimension=nope", o.x));
    others.push(format!("/teams/{}/trend/chart.png?survey=nope", o.x));
    for path in &others {
        let res = api(&o.server, &o.manager, path);
        assert_eq!(res.status, 404, "{path}");
        assert_eq!(res.body, missing.body, "{path}: no existence oracle");
    }
    // The advisor sees them all, and the overview.
    for path in [
        "/overview/chart.svg",
        "/overview/chart.png",
        "/teams/zorg/trend/chart.svg",
        "/teams/organisation/trend/chart.png",
    ] {
        assert_image(&api(&o.server, &o.advisor, path), path);
    }
    // A size within the limits is drawn at that size; outside them, 400.
    let sized = api(
        &o.server,
        &o.manager,
        &format!("/teams/{}/trend/chart.png?width=800&height=450", o.x),
    );
    assert_eq!(png_size(&sized.bytes), (800, 450));
    let tiny = api(
        &o.server,
        &o.manager,
        &format!("/teams/{}/trend/chart.png?width=10", o.x),
    );
    assert_eq!(tiny.status, 400);

    // The session cookie of the personal link works the same as the key.
    let entry = o.server.get(&format!("/m/{}", o.manager));
    let cookie = cookie_of(&entry);
    let path = format!("/api/v1/teams/{}/trend/chart.svg?lang=en", o.x);
    let by_cookie = request(&o.server.addr, "GET", &path, &[("Cookie", &cookie)], b"");
    let by_key = api(
        &o.server,
        &o.manager,
        &format!("/teams/{}/trend/chart.svg?lang=en", o.x),
    );
    assert_eq!(by_cookie.status, 200);
    assert_eq!(by_cookie.body, by_key.body);
    assert!(by_key.body.contains("Overall score"), "English asked");
    let zuid = request(
        &o.server.addr,
        "GET",
        "/api/v1/teams/zuid/trend/chart.svg",
        &[("Cookie", &cookie)],
        b"",
    );
    assert_eq!(zuid.status, 404);

    // A revoked key gets 401 on every chart route.
    let keys: Value = serde_json::from_str(&o.dir.ok(&["key", "list", "--json"])).unwrap();
    let id = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["role"] == "manager" || k["team"].is_string())
        .unwrap()["id"]
        .to_string();
    o.dir.ok(&["key", "revoke", &id]);
    for path in team_routes(&o.x, &o.rounds) {
        assert_eq!(api(&o.server, &o.manager, &path).status, 401, "{path}");
    }
    let unknown = api(&o.server, "AAAAAAAAAAAAAAAAAAAAAA", "/overview/chart.svg");
    assert_eq!(unknown.status, 401);
}

#[test]
fn charts_draw_only_what_is_released() {
    let o = organisation();
    let [lente, _, herfst] = &o.rounds;
    // X is hidden in Herfst (2 answers, all 7s): its round chart has the
    // statements and no number derived from the answers; Facilitair hidden
    // in Lente (2 other answers) draws exactly the same text.
    let hidden = api(
        &o.server,
        &o.advisor,
        &format!("/teams/{}/rounds/{herfst}/chart.svg", o.x),
    );
    let other = api(
        &o.server,
        &o.advisor,
        &format!("/teams/facilitair/rounds/{lente}/chart.svg"),
    );
    let strip = |texts: Vec<String>, team: &str, round: &str| -> Vec<String> {
        texts
            .into_iter()
            .filter(|t| !t.contains(team) && !t.contains(round))
            .collect()
    };
    let a = strip(svg_text(&hidden.body), "Team <b>X</b>", "Herfst");
    let b = strip(svg_text(&other.body), "Facilitair", "Lente");
    assert_eq!(a, b, "a hidden round's chart holds nothing of its answers");
    assert!(a.iter().any(|t| t.contains("verborgen")), "{a:?}");
    for t in &a {
        assert!(
            !t.contains("7,0") && !t.contains("100 %") && !t.contains("n = 2"),
            "{t}"
        );
    }
    // The trend of X's pulse rounds: Lente drawn, Herfst a labelled gap, the
    // psychological-safety round not on the line; the chart names the survey.
    let trend = api(
        &o.server,
        &o.manager,
        &format!("/teams/{}/trend/chart.svg", o.x),
    );
    let texts = svg_text(&trend.body).join("\n");
    assert!(
        texts.contains("Lente") && texts.contains("Herfst"),
        "{texts}"
    );
    assert!(!texts.contains("Zomer"), "one survey per line: {texts}");
    assert!(texts.contains("verborgen"), "{texts}");
    assert!(texts.contains("pulse"), "names the survey: {texts}");
    // A manager never gets the organisation's line; an advisor does.
    assert!(!texts.contains("organisatie"), "{texts}");
    let advisor = api(
        &o.server,
        &o.advisor,
        &format!("/teams/{}/trend/chart.svg", o.x),
    );
    assert!(svg_text(&advisor.body).join("\n").contains("organisatie"));
    // The other survey on request, and a dimension of it.
    let safety = api(
        &o.server,
        &o.manager,
        &format!(
            "/teams/{}/trend/chart.svg?survey=psychological-safety&dimension=speaking-up",
            o.x
        ),
    );
    assert_eq!(safety.status, 200);
    let texts = svg_text(&safety.body).join("\n");
    assert!(
        texts.contains("Zomer") && !texts.contains("Lente"),
        "{texts}"
    );
}

#[test]
fn the_team_page_inlines_escaped_charts_and_one_survey_per_table() {
    let o = organisation();
    o.dir.skip_reflections();
    let cookie = cookie_of(&o.server.get(&format!("/m/{}", o.manager)));
    let page = request(
        &o.server.addr,
        "GET",
        &format!("/team/{}", o.x),
        &[("Cookie", &cookie)],
        b"",
    );
    assert_eq!(page.status, 200);
    let html = &page.body;
    assert!(!html.contains("<b>X</b>"), "the name is text, never markup");
    assert!(!html.contains("<script"));
    // The inline SVGs parse, and name the team as text.
    let svgs: Vec<&str> = html
        .match_indices("<svg ")
        .map(|(i, _)| &html[i..i + html[i..].find("</svg>").unwrap() + 6])
        .collect();
    // The trend, and the latest released pulse round (Lente: Herfst is
    // hidden), each drawn at two widths.
    assert_eq!(svgs.len(), 4);
    for svg in &svgs {
        let texts = svg_text(svg).join("\n");
        assert!(texts.contains("Team <b>X</b>"), "{texts}");
    }
    assert!(
        html.contains("trend/chart.svg?survey=pulse"),
        "a download link"
    );
    assert!(html.contains("trend/chart.png?survey=pulse"));
    // The table holds only the pulse rounds; the other survey is a link.
    let table = &html[html.find("<table").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert!(
        table.contains("Lente") && table.contains("Herfst"),
        "{table}"
    );
    assert!(!table.contains("Zomer"), "no mixing of surveys: {table}");
    assert!(html.contains("?survey=psychological-safety"), "{html}");
    let other = request(
        &o.server.addr,
        "GET",
        &format!("/team/{}?survey=psychological-safety", o.x),
        &[("Cookie", &cookie)],
        b"",
    );
    assert_eq!(other.status, 200);
    let table = &other.body[other.body.find("<table").unwrap()..];
    assert!(table.contains("Zomer") && !table.contains("Lente"));
    // Its latest released round has a detail chart too: four inline SVGs.
    assert_eq!(other.body.matches("<svg ").count(), 4);
    // An unknown survey is no page.
    let none = request(
        &o.server.addr,
        "GET",
        &format!("/team/{}?survey=nope", o.x),
        &[("Cookie", &cookie)],
        b"",
    );
    assert_eq!(none.status, 404);

    // The advisor's overview: the heatmap in a scrolling, focusable region.
    let cookie = cookie_of(&o.server.get(&format!("/a/{}", o.advisor)));
    let overview = request(
        &o.server.addr,
        "GET",
        "/overzicht",
        &[("Cookie", &cookie)],
        b"",
    );
    assert_eq!(overview.status, 200);
    assert!(
        overview
            .body
            .contains("role=\"region\" tabindex=\"0\" aria-label=")
    );
    assert!(overview.body.contains("/api/v1/overview/chart.png"));
    let i = overview.body.find("<svg ").unwrap();
    let j = overview.body[i..].find("</svg>").unwrap() + i + 6;
    let texts = svg_text(&overview.body[i..j]).join("\n");
    assert!(texts.contains("Team <b>X</b>"), "{texts}");
}

/// No file, and no temporary file, in `dir`.
fn nothing_written(dir: &Path, name: &str) {
    assert!(!dir.join(name).exists(), "{name} written");
    let partial = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| e.file_name().to_string_lossy().contains(".partial"));
    assert!(!partial, "a half-written file was left");
}

#[test]
fn spiegel_chart_writes_svg_and_png_files() {
    let o = organisation();
    let dir = &o.dir;
    let lente = &o.rounds[0];
    for (args, file) in [
        (vec!["chart", "trend", "--team", "Team <b>X</b>"], "trend"),
        (
            vec!["chart", "round", "--team", "Zuid", "--round", lente],
            "round",
        ),
        (vec!["chart", "overview"], "overview"),
    ] {
        for ext in ["svg", "png"] {
            let name = format!("{file}.{ext}");
            let path = dir.path.join(&name);
            let mut a = args.clone();
            a.extend(["--out", path.to_str().unwrap()]);
            if ext == "png" {
                a.extend(["--width", "900", "--height", "600"]);
            }
            let out = dir.ok(&a);
            assert!(out.contains(&name), "{out}");
            let bytes = std::fs::read(&path).unwrap();
            if ext == "svg" {
                svg_text(std::str::from_utf8(&bytes).unwrap());
            } else {
                assert_eq!(png_size(&bytes), (900, 600), "{name}");
            }
        }
    }
    // English, and a dimension.
    let en = dir.path.join("en.svg");
    dir.ok(&[
        "chart",
        "trend",
        "--team",
        "Zuid",
        "--lang",
        "en",
        "--dimension",
        "support",
        "--out",
        en.to_str().unwrap(),
    ]);
    let en = std::fs::read_to_string(en).unwrap();
    assert!(en.contains("Zuid"));

    // Clear errors, and no file at all.
    let cases: [(&[&str], &str, &str); 5] = [
        (
            &["chart", "trend", "--team", "Zuid"],
            "x.pdf",
            ".svg or .png",
        ),
        (&["chart", "trend", "--team", "Niemand"], "x.svg", "Niemand"),
        (
            &["chart", "round", "--team", "Zuid", "--round", "999"],
            "x.png",
            "999",
        ),
        (
            &["chart", "trend", "--team", "Zuid", "--dimension", "nope"],
            "x.svg",
            "nope",
        ),
        (
            &["chart", "trend", "--team", "Zuid", "--width", "10"],
            "x.png",
            "300",
        ),
    ];
    for (args, name, says) in cases {
        let path = dir.path.join(name);
        let mut a = args.to_vec();
        a.extend(["--out", path.to_str().unwrap()]);
        let err = dir.fails(&a);
        assert!(err.contains(says), "{args:?}: {err}");
        if name.ends_with(".pdf") {
            assert!(err.contains(".svg") && err.contains(".png"), "{err}");
        }
        nothing_written(&dir.path, name);
    }
}
