//! End-to-end tests in a real browser: headless Chromium driven over
//! chromedriver against the real binary (`$SPIEGEL_BIN`, e.g. the release
//! build in CI, else the debug build), each under a time limit.
//!
//! Every page a test visits goes through [`Audit::page`]: axe-core's WCAG
//! 2.1 A/AA rules at 360 and 1,280 px in Dutch and English (zero
//! violations), no horizontal scrolling at 320 px, and a screenshot per
//! width and language under `target/screenshots/`. The printable pages
//! (the conversation sheet, the kit, the intervisie sheet, the guide, the
//! QR slips) are also printed to A4 PDF there, their pages counted, and
//! checked to be styled.
//!
//! Opt-in: they run with `SPIEGEL_BROWSER_TESTS=1` (`.ci/run` sets it, and
//! under CI, with `CI` set, they run unless it is `0`) and then fail when
//! Chromium, chromedriver or axe-core is missing; otherwise they pass with a
//! one-line notice. See the README's "Browser tests". With
//! `SPIEGEL_README_PICTURES=1` they also write the README's pictures.

mod pdf;
mod webdriver;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::{Value, json};

use crate::results::{answer, key};
use crate::support::{Server, TestDir};
use webdriver::{ARROW_DOWN, Browser, ENTER, Js, SPACE, TAB};

/// The longest a browser test may take (the browser is killed after it).
const LIMIT: Duration = Duration::from_secs(300);
/// Widths (CSS px) at which every page is audited and photographed.
const WIDTHS: [u32; 2] = [360, 1280];
const LANGS: [&str; 2] = ["nl", "en"];
/// The WCAG 2.1 A and AA rules of axe-core.
const TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// Whether the browser tests run: `SPIEGEL_BROWSER_TESTS=1` (or `0`) says
/// so; unset, they run under CI (`CI` set and not `false` or `0`, as CI
/// services set it), so that a CI machine without a browser fails rather
/// than skips them.
fn enabled(test: &str) -> bool {
    let on = match std::env::var("SPIEGEL_BROWSER_TESTS").ok().as_deref() {
        Some("1") => true,
        Some(_) => false,
        None => std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0"),
    };
    if !on {
        eprintln!("skipped {test}: set SPIEGEL_BROWSER_TESTS=1 to run the browser tests");
    }
    on
}

/// `spiegel serve` from `$SPIEGEL_BIN` when set, else the debug binary.
fn serve(dir: &TestDir) -> Server {
    let Ok(bin) = std::env::var("SPIEGEL_BIN") else {
        return Server::start(dir, None);
    };
    let bin = std::fs::canonicalize(&bin).unwrap_or_else(|e| {
        panic!("SPIEGEL_BIN={bin}: {e} (build it first: cargo build --release)")
    });
    let cmd = dir.command_with(&bin, &["serve", "--addr", "127.0.0.1:0"]);
    Server::spawn(dir, cmd, None)
}

pub fn screenshots() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("screenshots")
}

/// One of the README's pictures, taken in this run from the page the
/// browser shows: at `width` CSS px, from the top of the `nth` element
/// matching `from` (a CSS selector) down at most `height` px, drawn at
/// `scale`. Written to
/// `target/screenshots/readme/{file}.png`, and with
/// `SPIEGEL_README_PICTURES=1` also to `docs/img/{file}.png` (the README's
/// pictures come from such a run; see the README's "Browser tests").
fn readme_picture(
    b: &Browser,
    file: &str,
    width: u32,
    (from, nth): (&str, usize),
    height: f64,
    scale: f64,
) {
    b.viewport(width, 800);
    let area = b.execute(
        "const e = document.querySelectorAll(arguments[0])[arguments[1]];
         const top = e ? e.getBoundingClientRect().top + window.scrollY : 0;
         return [top, document.documentElement.scrollHeight];",
        json!([from, nth]),
    );
    let top = area[0].as_f64().unwrap().floor();
    let bottom = area[1].as_f64().unwrap();
    let h = height.min(bottom - top).max(1.0);
    let clip = (0.0, top, f64::from(width), h);
    let shot = screenshots().join("readme").join(format!("{file}.png"));
    b.screenshot_part(&shot, clip, scale);
    if std::env::var("SPIEGEL_README_PICTURES").is_ok_and(|v| v == "1") {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/img");
        std::fs::create_dir_all(&docs).unwrap();
        std::fs::copy(&shot, docs.join(format!("{file}.png"))).unwrap();
    }
}

/// axe-core's source, installed by `npm ci --prefix tests/browser`.
fn axe_source() -> &'static str {
    static AXE: OnceLock<String> = OnceLock::new();
    AXE.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/browser/node_modules/axe-core/axe.min.js"
        );
        std::fs::read_to_string(path).unwrap_or_else(|e| {
            panic!("axe-core is missing ({path}: {e}): run `npm ci --prefix tests/browser`")
        })
    })
}

/// `url` (with or without a query) in language `lang`.
fn in_lang(url: &str, lang: &str) -> String {
    let path = url.split('?').next().unwrap();
    format!("{path}?lang={lang}")
}

/// Failures collected over all pages of a test, reported together.
#[derive(Default)]
struct Audit {
    failures: Vec<String>,
    pages: usize,
}

impl Audit {
    /// Audits the page at `url` (its `lang` replaced) in both languages and
    /// both widths; `name` names its screenshots (`name-width-lang.png`).
    fn page(&mut self, b: &Browser, url: &str, name: &str) {
        for lang in LANGS {
            b.viewport(320, 640);
            b.goto(&in_lang(url, lang));
            self.here(b, name, lang);
        }
        self.pages += 1;
    }

    /// Audits the page the browser shows now (such as the answer to a
    /// form's POST, which no address brings back), in language `lang`:
    /// horizontal scrolling at 320 px, axe at both widths, screenshots.
    fn here(&mut self, b: &Browser, name: &str, lang: &str) {
        b.viewport(320, 640);
        let page_lang = b.execute("return document.documentElement.lang", json!([]));
        if page_lang != json!(lang) {
            self.failures
                .push(format!("{name} {lang}: the page says lang={page_lang}"));
        }
        let widths = b.execute(
            "return [document.documentElement.scrollWidth, window.innerWidth]",
            json!([]),
        );
        if widths[0].as_u64() > widths[1].as_u64() {
            self.failures.push(format!(
                "{name} {lang}: scrolls horizontally at 320 px (content {} px wide)",
                widths[0]
            ));
        }
        for width in WIDTHS {
            b.viewport(width, if width < 600 { 640 } else { 800 });
            for v in axe(b).as_array().unwrap() {
                let targets: Vec<String> = v["nodes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| n.to_string())
                    .collect();
                self.failures.push(format!(
                    "{name} {width}px {lang}: {} ({}): {}; at {}",
                    v["id"].as_str().unwrap_or(""),
                    v["impact"].as_str().unwrap_or(""),
                    v["help"].as_str().unwrap_or(""),
                    targets.join(", ")
                ));
            }
            b.screenshot(&screenshots().join(format!("{name}-{width}-{lang}.png")));
        }
    }

    fn assert_clean(&self) {
        assert!(
            self.failures.is_empty(),
            "{} accessibility failures:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
        assert!(self.pages > 0);
    }
}

/// Runs axe-core's WCAG 2.1 A/AA rules on the current page; the violations.
fn axe(b: &Browser) -> Value {
    let loaded = b.execute(
        &format!("{}\n;return typeof window.axe;", axe_source()),
        json!([]),
    );
    assert_eq!(loaded, json!("object"), "axe-core did not load");
    let found = b.execute_async(
        "const done = arguments[arguments.length - 1];
         axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
           .then(r => done(r.violations.map(v => ({
               id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.map(n => n.target.join(' ')) }))))
           .catch(e => done({ error: String(e) }));",
        json!([TAGS]),
    );
    assert!(found.get("error").is_none(), "axe failed: {found}");
    found
}

fn h1(b: &Browser) -> String {
    b.execute(
        "const h = document.querySelector('h1'); return h ? h.textContent : ''",
        json!([]),
    )
    .as_str()
    .unwrap()
    .to_string()
}

fn focused(b: &Browser) -> Value {
    b.execute(
        "const e = document.activeElement;
         return [e.tagName.toLowerCase(), e.getAttribute('type'), e.getAttribute('name'), e.value];",
        json!([]),
    )
}

/// Presses Tab (at most 40 times) until `wanted` holds for the focused
/// element's [tag, type, name, value].
fn tab_to(b: &Browser, what: &str, wanted: impl Fn(&Value) -> bool) {
    for _ in 0..40 {
        b.keys(&[TAB]);
        if wanted(&focused(b)) {
            return;
        }
    }
    panic!("Tab never reached {what}");
}

#[test]
fn an_employee_answers_with_the_keyboard_on_a_small_phone_without_javascript() {
    if !enabled("browser: employee") {
        return;
    }
    let dir = TestDir::new();
    let round = dir.setup_round();
    let tokens = dir.tokens(&round, "Noord", 2);
    let server = serve(&dir);
    let base = format!("http://{}", server.addr);
    let b = Browser::launch(&dir.path, Js::Off, LIMIT);
    b.viewport(320, 640);

    let form = format!("{base}/s/{}?lang=nl", tokens[0]);
    b.goto(&form);
    assert_eq!(b.title().split(" · ").last(), Some("Spiegel"));
    // JavaScript is off for the page (WebDriver's scripts run regardless).
    let js = b.execute(
        "return document.querySelectorAll('noscript, script').length",
        json!([]),
    );
    assert_eq!(js, json!(0), "the form carries scripts");

    // The first item: Tab into its group, Space takes the first point,
    // the arrow keys move to the fourth (the middle of seven).
    tab_to(&b, "the first item", |f| f[2] == "pulse-speak");
    b.keys(&[SPACE, ARROW_DOWN, ARROW_DOWN, ARROW_DOWN]);
    let checked = b.execute(
        "return document.querySelector('input[name=\"pulse-speak\"]:checked').value",
        json!([]),
    );
    assert_eq!(checked, json!("4"));
    tab_to(&b, "the submit button", |f| f[0] == "button");
    b.keys(&[ENTER]);
    b.wait_for("the thank-you page", |b| b.url().contains("/done/"));
    let thanks = b.url();
    assert_eq!(thanks, format!("{base}/done/{round}?lang=nl"));
    assert!(!thanks.contains(&tokens[0]));
    assert_eq!(h1(&b), "Dank je wel");

    // Counted: one response, the fourth point on the first item, the rest
    // unanswered.
    let answers: Vec<Vec<u8>> = dir
        .sqlite()
        .prepare("SELECT answers FROM responses")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0][0], 4, "{answers:?}");
    assert!(answers[0][1..].iter().all(|&a| a == 0), "{answers:?}");

    // axe-core needs JavaScript (promises, timers); the pages have none, so
    // they are audited in a second browser that runs it.
    drop(b);
    let b = Browser::launch(&dir.path, Js::On, LIMIT);
    let mut audit = Audit::default();
    audit.page(&b, &format!("{base}/s/{}", tokens[1]), "survey-form");
    b.goto(&format!("{base}/s/{}?lang=nl", tokens[1]));
    readme_picture(&b, "employee-form-phone", 360, ("fieldset", 0), 640.0, 1.0);
    audit.page(&b, &thanks, "thank-you");
    audit.page(&b, &form, "used-link");
    assert_eq!(h1(&b), "This link is not or no longer valid");
    audit.page(&b, &format!("{base}/nergens"), "not-found");
    audit.assert_clean();
    // The check itself can fail: an image without a text alternative, put
    // into the page, is a violation axe reports.
    b.execute(
        "document.querySelector('main, body').append(document.createElement('img'))",
        json!([]),
    );
    let found = axe(&b);
    assert!(
        found
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["id"] == json!("image-alt")),
        "axe missed an image without alt: {found}"
    );
}

/// A department Zorg with teams Noord (12, answering 10 per round, with
/// comments), Zuid (8, answering 6) and Oost (6, answering 3: fewer than k,
/// so suppressed); two closed and released rounds and an open one.
struct Org {
    dir: TestDir,
    server: Server,
    advisor: String,
    manager: String,
}

fn organisation() -> Org {
    let dir = TestDir::new();
    dir.ok(&["init", "--org", "Zorggroep"]);
    dir.ok(&["team", "add", "Zorg"]);
    dir.ok(&["team", "add", "Noord", "--parent", "Zorg", "--size", "12"]);
    dir.ok(&["team", "add", "Zuid", "--parent", "Zorg", "--size", "8"]);
    dir.ok(&["team", "add", "Oost", "--parent", "Zorg", "--size", "6"]);
    let server = serve(&dir);
    let body = |i: usize, shift: usize| {
        let p = |o: usize| (i + o + shift) % 7 + 1;
        let comment = if i.is_multiple_of(3) {
            "&comment=Meer+overleg+graag"
        } else {
            ""
        };
        format!(
            "pulse-speak={}&pulse-keep-quiet={}&pulse-mistakes={}&pulse-heard={}&pulse-unwanted-behaviour={}{comment}",
            p(3),
            p(1),
            p(4),
            p(2),
            p(5)
        )
    };
    for (n, title) in ["Januari", "Februari"].into_iter().enumerate() {
        let round = dir.open_round(&[
            "round", "open", "--survey", "pulse", "--all", "--title", title,
        ]);
        let noord: Vec<String> = (0..10).map(|i| body(i, n)).collect();
        let zuid: Vec<String> = (0..6).map(|i| body(i, 2 * n)).collect();
        answer(
            &server,
            &dir,
            &round,
            "Noord",
            &noord.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        answer(
            &server,
            &dir,
            &round,
            "Zuid",
            &zuid.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        let oost: Vec<String> = (0..3).map(|i| body(i, n + 1)).collect();
        answer(
            &server,
            &dir,
            &round,
            "Oost",
            &oost.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        dir.ok(&["round", "close", &round]);
        // Advisor-first release: the manager sees a round once released.
        dir.ok(&["round", "release", &round]);
    }
    dir.open_round(&[
        "round", "open", "--survey", "pulse", "--all", "--title", "Maart",
    ]);
    let advisor = key(&dir, &["key", "advisor", "--label", "hr"]);
    let manager = key(&dir, &["key", "manager", "--team", "Noord"]);
    Org {
        dir,
        server,
        advisor,
        manager,
    }
}

#[test]
fn a_manager_opens_the_personal_link_sees_the_results_and_prints_them() {
    if !enabled("browser: manager") {
        return;
    }
    let o = organisation();
    let base = format!("http://{}", o.server.addr);
    let b = Browser::launch(&o.dir.path, Js::On, LIMIT);
    b.viewport(1280, 800);

    b.goto(&format!("{base}/m/{}?lang=nl", o.manager));
    let team = b.url();
    assert_eq!(team, format!("{base}/team/noord?lang=nl"));
    assert!(!team.contains(&o.manager), "the key stayed in the address");
    assert_eq!(h1(&b), "Noord");
    // First the reflection step: the manager says what they expect the team
    // answered, then sees the results with the mirror beside them.
    let mut audit = Audit::default();
    audit.page(&b, &team, "manager-reflection");
    b.viewport(1280, 800);
    fill_expectation(&b, &team);
    assert!(!b.url().contains(&o.manager), "the key came back");
    let text = text(&b);
    assert!(
        text.contains("Laatste ronde met uitkomsten: Februari"),
        "{text}"
    );
    assert!(text.contains("10 antwoorden"), "{text}");
    let figures = b.execute(
        "return document.querySelectorAll('td.num').length",
        json!([]),
    );
    assert!(figures.as_u64() > Some(4), "no figures: {text}");
    // The charts: the round, the trend and the mirror, drawn.
    assert!(charts_shown(&b) >= 3, "charts missing: {text}");
    let mirror = b.execute(
        "return !!document.querySelector('figure.chart a[href*=\"/mirror/chart.svg\"]')",
        json!([]),
    );
    assert_eq!(mirror, json!(true), "no mirror chart");

    audit.page(&b, &team, "manager-team");
    b.goto(&team);
    readme_picture(
        &b,
        "manager-team-charts",
        720,
        ("figure.chart", 1),
        1000.0,
        0.7,
    );

    // Printed on A4: every page A4, and the page objects counted.
    b.viewport(1280, 800);
    b.goto(&team);
    let printed = b.print_a4();
    std::fs::create_dir_all(screenshots()).unwrap();
    std::fs::write(screenshots().join("manager-team-nl.pdf"), &printed).unwrap();
    // The results, the charts, the focus, the offers and the guide's lines
    // for managers (the forms left out on paper): at most four pages.
    let pages = pdf::page_count(&printed);
    assert!((1..=4).contains(&pages), "{pages} pages");
    assert!(
        pdf::all_pages_a4(&printed),
        "{:?}",
        pdf::media_boxes(&printed)
    );
    audit.assert_clean();
}

#[test]
fn an_advisor_opens_the_overview_and_a_team() {
    if !enabled("browser: advisor") {
        return;
    }
    let o = organisation();
    let base = format!("http://{}", o.server.addr);
    let b = Browser::launch(&o.dir.path, Js::On, LIMIT);
    let mut audit = Audit::default();

    // Without a session, and with a manager's key on the advisor's path.
    audit.page(&b, &format!("{base}/overzicht"), "no-session");
    audit.page(&b, &format!("{base}/a/{}", o.manager), "invalid-key");

    // The manager of Noord fills in the reflection step first, so that the
    // sheet has an expectation and a mirror.
    b.viewport(1280, 800);
    b.goto(&format!("{base}/m/{}?lang=nl", o.manager));
    fill_expectation(&b, &format!("{base}/team/noord?lang=nl"));

    b.goto(&format!("{base}/a/{}?lang=nl", o.advisor));
    let overview = b.url();
    assert_eq!(overview, format!("{base}/overzicht?lang=nl"));
    assert_eq!(h1(&b), "Overzicht van alle teams");
    assert!(charts_shown(&b) >= 1, "no chart on the overview");
    audit.page(&b, &overview, "advisor-overview");

    b.viewport(1280, 800);
    b.goto(&overview);
    let link = b.find("a[href^='/team/noord']");
    b.click(&link);
    b.wait_for("the team page", |b| b.url().contains("/team/noord"));
    assert_eq!(h1(&b), "Noord");
    assert!(charts_shown(&b) >= 3, "charts missing: {}", text(&b));
    audit.page(&b, &b.url(), "advisor-team");
    // A team below k: no number anywhere, and still a clean page.
    audit.page(&b, &format!("{base}/team/oost"), "advisor-team-suppressed");

    // The conversation sheet of a released round with the manager's
    // expectation, and of a suppressed round: each one A4 page.
    for (team, name) in [("noord", "sheet"), ("oost", "sheet-suppressed")] {
        let sheet = format!("{base}/team/{team}/rounds/2/sheet");
        audit.page(&b, &sheet, name);
        for lang in LANGS {
            b.viewport(1280, 800);
            b.goto(&in_lang(&sheet, lang));
            assert!(!h1(&b).is_empty(), "{team}: no heading");
            styled(&b, &mut audit, &format!("the sheet of {team} ({lang})"));
            if team == "noord" && lang == "nl" {
                readme_picture(&b, "conversation-sheet", 760, ("body", 0), 1000.0, 0.75);
                b.viewport(1280, 800);
            }
            let printed = b.print_a4();
            std::fs::create_dir_all(screenshots()).unwrap();
            std::fs::write(screenshots().join(format!("{name}-{lang}.pdf")), &printed).unwrap();
            let (pages, a4) = (pdf::page_count(&printed), pdf::all_pages_a4(&printed));
            if pages != 1 || !a4 {
                audit.failures.push(format!(
                    "the sheet of {team} ({lang}) printed on {pages} pages{}, not one A4 page",
                    if a4 { "" } else { " not all A4" }
                ));
            }
        }
    }
    audit.assert_clean();
}

/// A free port on the loopback interface (for a base URL known before the
/// server starts).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Sets form fields by CSS selector (WebDriver's scripts run whatever the
/// page does), then clicks the submit button of the form holding the first.
fn fill_and_submit(b: &Browser, fields: &[(&str, &str)], button: &str) {
    // The page may still be loading after a click.
    b.wait_for("the form", |b| {
        b.execute(
            "return document.readyState === 'complete' && arguments[0].every(c => document.querySelector(c))",
            json!([fields.iter().map(|f| f.0).collect::<Vec<_>>()]),
        ) == json!(true)
    });
    for (css, value) in fields {
        b.execute(
            "const e = document.querySelector(arguments[0]);
             if (e.type === 'checkbox' || e.type === 'radio') { e.checked = arguments[1] === 'on'; }
             else { e.value = arguments[1]; }",
            json!([css, value]),
        );
    }
    let el = b.find(button);
    b.click(&el);
}

fn text(b: &Browser) -> String {
    b.execute("return document.body.innerText", json!([]))
        .as_str()
        .unwrap()
        .to_string()
}

/// The charts the page shows: inline SVGs in `figure.chart` that are laid
/// out (one of each figure's two widths is visible), and every `img` loaded.
/// Fails on an image that did not load.
fn charts_shown(b: &Browser) -> u64 {
    let found = b.execute(
        "const broken = [...document.images].filter(i => !i.complete || i.naturalWidth === 0)
             .map(i => i.src);
         const shown = [...document.querySelectorAll('figure.chart svg')].filter(s => {
             const r = s.getBoundingClientRect();
             return r.width > 100 && r.height > 50 && s.querySelector('text, rect, path, line, polyline, circle');
         }).length;
         return [shown, broken];",
        json!([]),
    );
    assert_eq!(found[1], json!([]), "images that did not load");
    found[0].as_u64().unwrap()
}

/// The manager fills in the reflection step of the latest released round:
/// an expectation for every statement, one sentence on what goes well,
/// then "save and see the results".
fn fill_expectation(b: &Browser, team_url: &str) {
    b.goto(team_url);
    b.execute(
        "document.querySelectorAll('fieldset').forEach((f, i) => {
             const r = f.querySelectorAll('input[type=radio]');
             if (r.length) { r[Math.min(r.length - 1, (i * 2) % r.length)].checked = true; } });
         const best = document.querySelector('#best');
         if (best) { best.value = 'We durven elkaar aan te spreken.'; }",
        json!([]),
    );
    let save = b.find("button[name='save']");
    b.click(&save);
    b.wait_for("the results after the reflection", |b| {
        let t = text(b);
        t.contains("Laatste ronde met uitkomsten") || t.contains("Latest round with results")
    });
}

#[test]
fn an_advisor_runs_a_whole_round_from_the_url_init_printed() {
    if !enabled("browser: set-up") {
        return;
    }
    let dir = TestDir::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let printed = dir.ok(&[
        "init",
        "--org",
        "Zorggroep",
        "--tz",
        "UTC",
        "--base-url",
        &base,
    ]);
    let advisor = printed.lines().last().unwrap().to_string();
    assert!(advisor.starts_with(&format!("{base}/a/")), "{printed}");
    let cmd = dir.command(&[
        "serve",
        "--addr",
        &format!("127.0.0.1:{port}"),
        "--base-url",
        &base,
    ]);
    let _server = Server::spawn(&dir, cmd, None);
    let b = Browser::launch(&dir.path, Js::On, LIMIT);
    b.viewport(1280, 800);
    let mut audit = Audit::default();

    // The printed URL opens the overview, which links to the set-up pages.
    b.goto(&advisor);
    b.wait_for("the overview", |b| b.url().contains("/overzicht"));
    let setup = b.find("a[href^='/beheer/teams']");
    b.click(&setup);
    b.wait_for("the teams page", |b| b.url().contains("/beheer/teams"));

    // Two teams, through the form.
    for name in ["Noord", "Zuid"] {
        fill_and_submit(
            &b,
            &[("#name", name), ("#size", "6")],
            "form[action^='/beheer/teams'] button",
        );
        std::thread::sleep(Duration::from_millis(500));
        if !b.url().contains("done=added") {
            panic!("not added: {} {}", b.url(), text(&b));
        }
    }
    let teams = b.url();
    assert!(text(&b).contains("Noord") && text(&b).contains("Zuid"));
    // An error is shown beside its field, and what was typed stays.
    fill_and_submit(
        &b,
        &[("#name", "noord"), ("#size", "7")],
        "form[action^='/beheer/teams'] button",
    );
    b.wait_for("the error", |b| {
        b.execute("return !!document.querySelector('#name-error')", json!([])) == json!(true)
    });
    let kept = b.execute(
        "return [document.querySelector('#name').value, document.querySelector('#size').value]",
        json!([]),
    );
    assert_eq!(kept, json!(["noord", "7"]));
    audit.page(&b, &teams, "setup-teams");
    audit.page(&b, &format!("{base}/beheer/teams/noord"), "setup-team");
    audit.page(
        &b,
        &format!("{base}/beheer/teams/noord/archiveren"),
        "setup-archive",
    );
    audit.page(
        &b,
        &format!("{base}/beheer/teams/noord/verwijderen"),
        "setup-remove",
    );

    // A round for all teams.
    b.viewport(1280, 800);
    b.goto(&format!("{base}/beheer/rondes?lang=nl"));
    fill_and_submit(
        &b,
        &[("#title", "Maart")],
        "form[action^='/beheer/rondes'] button",
    );
    b.wait_for("the round opened", |b| b.url().contains("done=opened"));
    assert!(text(&b).contains("Maart"));
    audit.page(&b, &format!("{base}/beheer/rondes"), "setup-rounds");
    b.goto(&format!("{base}/beheer/rondes?lang=nl"));
    readme_picture(&b, "setup-rounds", 900, ("body", 0), 800.0, 0.7);
    audit.page(&b, &format!("{base}/beheer/rondes/1/links"), "setup-links");

    // Links as QR slips for each team, read off the printable page.
    let mut links = Vec::new();
    for (team, lang) in [("noord", "nl"), ("zuid", "en")] {
        b.viewport(1280, 800);
        b.goto(&format!("{base}/beheer/rondes/1/links?lang={lang}"));
        fill_and_submit(
            &b,
            &[("#team", team), ("#count", "5")],
            "form[action^='/beheer/rondes/1/links'] button",
        );
        b.wait_for("the slips", |b| {
            b.execute(
                "return document.querySelectorAll('.slip').length",
                json!([]),
            ) == json!(5)
        });
        let found = b.execute(
            "return [...document.querySelectorAll('.slip .link')].map(p => p.textContent)",
            json!([]),
        );
        audit.here(&b, "setup-slips", lang);
        // Printed: A4 pages, the on-screen instructions left out.
        let printed = b.print_a4();
        assert!(
            pdf::all_pages_a4(&printed),
            "{:?}",
            pdf::media_boxes(&printed)
        );
        assert_eq!(pdf::page_count(&printed), 1, "five slips fit one A4 page");
        for l in found.as_array().unwrap() {
            links.push(l.as_str().unwrap().to_string());
        }
    }
    assert_eq!(links.len(), 10);

    // Everyone answers once.
    for (n, link) in links.iter().enumerate() {
        assert!(link.starts_with(&format!("{base}/s/")), "{link}");
        b.goto(link);
        b.execute(
            "document.querySelectorAll('fieldset.q').forEach((f, i) => {
                 const r = f.querySelectorAll('input[type=radio]');
                 r[(i + arguments[0]) % 5 + 1].checked = true; });",
            json!([n]),
        );
        let submit = b.find("form button[type=submit]");
        b.click(&submit);
        b.wait_for("the thank-you page", |b| b.url().contains("/done/"));
    }

    // Close now, after the confirmation page.
    b.goto(&format!("{base}/beheer/rondes?lang=nl"));
    let close = b.find("a[href^='/beheer/rondes/1/sluiten']");
    b.click(&close);
    b.wait_for("the confirmation", |b| b.url().contains("/sluiten"));
    audit.page(&b, &b.url(), "setup-close");
    b.viewport(1280, 800);
    b.goto(&format!("{base}/beheer/rondes/1/sluiten?lang=nl"));
    let confirm = b.find("form button.danger");
    b.click(&confirm);
    b.wait_for("the round closed", |b| b.url().contains("done=closed"));

    // The results, with their charts drawn.
    b.goto(&format!("{base}/team/noord?lang=nl"));
    assert_eq!(h1(&b), "Noord");
    let page = text(&b);
    assert!(page.contains("5 antwoorden"), "{page}");
    let charts = charts_shown(&b);
    assert!(charts >= 1, "no chart on the results: {page}");
    audit.page(&b, &format!("{base}/team/noord"), "setup-results");
    b.goto(&format!("{base}/overzicht?lang=nl"));
    assert!(
        charts_shown(&b) >= 1,
        "no chart on the overview: {}",
        text(&b)
    );

    // Removing a team that took part: refused with what to do instead.
    b.viewport(1280, 800);
    b.goto(&format!("{base}/beheer/teams/noord/verwijderen?lang=en"));
    let remove = b.find("form button.danger");
    b.click(&remove);
    b.wait_for("the refusal", |b| text(b).contains("archive it instead"));
    audit.here(&b, "setup-remove-refused", "en");
    // A manager key, shown once with its QR code.
    b.viewport(1280, 800);
    b.goto(&format!("{base}/beheer/sleutels?lang=nl"));
    fill_and_submit(
        &b,
        &[("#team", "noord"), ("#label", "Anna")],
        "form[action^='/beheer/sleutels'] button",
    );
    b.wait_for("the new key", |b| text(b).contains("/m/"));
    audit.here(&b, "setup-key-made", "nl");
    let page = text(&b);
    let at = page.find(&format!("{base}/m/")).unwrap();
    let manager = page[at..at + base.len() + 3 + 22].to_string();

    for (path, name) in [
        ("/beheer/teams/noord/naam", "forbidden"),
        ("/beheer/sleutels", "setup-keys"),
        ("/beheer/sleutels/1/intrekken", "setup-revoke"),
        ("/beheer/instellingen", "setup-settings"),
        ("/beheer/vragenlijsten", "setup-surveys"),
        ("/beheer/logboek", "setup-audit"),
    ] {
        audit.page(&b, &format!("{base}{path}"), name);
    }

    // The manager's link: the closed round waits for the advisor's release.
    b.goto(&manager);
    b.wait_for("the manager's team page", |b| {
        b.url().contains("/team/noord")
    });
    assert!(!b.url().contains("/m/"), "the key stayed in the address");
    let page = text(&b);
    assert!(!page.contains("5 antwoorden"), "not yet released: {page}");
    audit.page(&b, &format!("{base}/team/noord"), "manager-pending");
    audit.assert_clean();
}

/// Answers on the pulse survey (7 points; keep-quiet is reversed): high,
/// middling and low.
const HIGH: &str =
    "pulse-speak=7&pulse-keep-quiet=1&pulse-mistakes=7&pulse-heard=7&pulse-unwanted-behaviour=6";
const MID: &str =
    "pulse-speak=5&pulse-keep-quiet=3&pulse-mistakes=5&pulse-heard=4&pulse-unwanted-behaviour=5";
const LOW: &str =
    "pulse-speak=2&pulse-keep-quiet=6&pulse-mistakes=3&pulse-heard=2&pulse-unwanted-behaviour=3";

/// A department Zorg with Alfa (always highest: a bright spot by the
/// top-quarter rule), Beta, Gamma and Delta, 5 answers each, and Klein
/// outside it (2 answers: below k, so suppressed), in three closed and
/// released rounds (Januari, Februari, Maart); the reflection step skipped.
fn department() -> Org {
    let dir = TestDir::new();
    dir.ok(&["init", "--org", "Zorggroep", "--tz", "UTC"]);
    dir.ok(&["team", "add", "Zorg"]);
    for t in ["Alfa", "Beta", "Gamma", "Delta"] {
        dir.ok(&["team", "add", t, "--parent", "Zorg"]);
    }
    // Outside the department: its roll-up would otherwise be hidden to
    // protect Klein.
    dir.ok(&["team", "add", "Klein"]);
    let server = serve(&dir);
    for (n, title) in ["Januari", "Februari", "Maart"].into_iter().enumerate() {
        let round = dir.open_round(&[
            "round", "open", "--survey", "pulse", "--all", "--title", title,
        ]);
        let delta = if n == 1 { LOW } else { MID };
        for (team, a) in [
            ("Alfa", HIGH),
            ("Beta", MID),
            ("Gamma", LOW),
            ("Delta", delta),
        ] {
            answer(&server, &dir, &round, team, &[a, a, a, a, MID]);
        }
        answer(&server, &dir, &round, "Klein", &[HIGH; 2]);
        dir.ok(&["round", "close", &round]);
        dir.ok(&["round", "release", &round]);
    }
    dir.skip_reflections();
    let advisor = key(&dir, &["key", "advisor", "--label", "vp"]);
    let manager = key(&dir, &["key", "manager", "--team", "Alfa"]);
    Org {
        dir,
        server,
        advisor,
        manager,
    }
}

/// Whether a page's own stylesheet applies: the body's computed font is
/// the documents' DejaVu Sans (not the browser's default), so neither the
/// Content-Security-Policy nor a missing stylesheet left it bare.
fn styled(b: &Browser, audit: &mut Audit, what: &str) {
    let font = b.execute(
        "return getComputedStyle(document.body).fontFamily",
        json!([]),
    );
    if !font.as_str().is_some_and(|f| f.contains("DejaVu Sans")) {
        audit
            .failures
            .push(format!("{what}: not styled (body font {font})"));
    }
}

/// Prints the page the browser shows on A4, keeps the PDF as
/// `target/screenshots/{name}.pdf` and checks that every page is A4; the
/// number of pages.
fn printed_pages(b: &Browser, audit: &mut Audit, name: &str) -> usize {
    b.viewport(1280, 800);
    let printed = b.print_a4();
    std::fs::create_dir_all(screenshots()).unwrap();
    std::fs::write(screenshots().join(format!("{name}.pdf")), &printed).unwrap();
    if !pdf::all_pages_a4(&printed) {
        audit.failures.push(format!(
            "{name}: not all pages A4: {:?}",
            pdf::media_boxes(&printed)
        ));
    }
    pdf::page_count(&printed)
}

/// Audits a printable page at `url` (both languages, both widths), checks
/// in each language that its stylesheet applies and that it prints on one
/// A4 page (when `one_page`); the pages printed, per language.
fn printable(b: &Browser, audit: &mut Audit, url: &str, name: &str, one_page: bool) -> Vec<usize> {
    audit.page(b, url, name);
    let mut counts = Vec::new();
    for lang in LANGS {
        b.viewport(1280, 800);
        b.goto(&in_lang(url, lang));
        styled(b, audit, &format!("{name} {lang}"));
        let pages = printed_pages(b, audit, &format!("{name}-{lang}"));
        if one_page && pages != 1 {
            audit.failures.push(format!(
                "{name} ({lang}) printed on {pages} pages, not one A4 page"
            ));
        }
        counts.push(pages);
    }
    counts
}

/// The HTTP status of the page the browser shows.
fn status(b: &Browser) -> Value {
    b.execute(
        "return performance.getEntriesByType('navigation')[0].responseStatus",
        json!([]),
    )
}

#[test]
fn after_the_conversation_a_focus_offers_the_kit_intervisie_and_the_guide() {
    if !enabled("browser: after the conversation") {
        return;
    }
    let o = department();
    let base = format!("http://{}", o.server.addr);
    let b = Browser::launch(&o.dir.path, Js::On, LIMIT);
    let mut audit = Audit::default();

    // The advisor sets up the offers: a wrong address is refused beside its
    // field, with what was typed kept; then two offers, one removed again
    // after its confirmation.
    b.viewport(1280, 800);
    b.goto(&format!("{base}/a/{}?lang=nl", o.advisor));
    b.wait_for("the overview", |b| b.url().contains("/overzicht"));
    audit.page(
        &b,
        &format!("{base}/beheer/training"),
        "setup-training-empty",
    );
    b.viewport(1280, 800);
    b.goto(&format!("{base}/beheer/training?lang=nl"));
    let long_url =
        "https://leren.zorggroep.example/trainingen/elkaar-aanspreken-op-gedrag-in-het-team-2026";
    fill_and_submit(
        &b,
        &[
            ("#title", "Elkaar aanspreken"),
            ("#url", "ftp://leren.zorggroep.example"),
            ("#dimension", "openness"),
        ],
        "form[action^='/beheer/training'] button",
    );
    b.wait_for("the error", |b| {
        b.execute("return !!document.querySelector('#url-error')", json!([])) == json!(true)
    });
    let kept = b.execute(
        "return [document.querySelector('#title').value, document.querySelector('#dimension').value,
                 document.querySelector('#url').getAttribute('aria-invalid')]",
        json!([]),
    );
    assert_eq!(kept, json!(["Elkaar aanspreken", "openness", "true"]));
    audit.here(&b, "setup-training-error", "nl");
    for (title, url, kind, dimension) in [
        ("Elkaar aanspreken", long_url, "training", "openness"),
        ("Intervisie voor leidinggevenden", "", "intervisie", ""),
        ("Weg te halen", "", "module", ""),
    ] {
        b.viewport(1280, 800);
        b.goto(&format!("{base}/beheer/training?lang=nl"));
        fill_and_submit(
            &b,
            &[
                ("#title", title),
                ("#url", url),
                ("#kind", kind),
                ("#dimension", dimension),
            ],
            "form[action^='/beheer/training'] button",
        );
        b.wait_for("the offer added", |b| b.url().contains("done=offer-added"));
    }
    audit.page(&b, &format!("{base}/beheer/training"), "setup-training");
    audit.page(
        &b,
        &format!("{base}/beheer/training/3/verwijderen"),
        "setup-training-remove",
    );
    b.viewport(1280, 800);
    b.goto(&format!("{base}/beheer/training/3/verwijderen?lang=nl"));
    let confirm = b.find("form button.danger");
    b.click(&confirm);
    b.wait_for("the offer removed", |b| {
        b.url().contains("done=offer-removed")
    });
    assert!(!text(&b).contains("Weg te halen"), "{}", text(&b));

    // The intervisie sheet of the department before any manager agreed:
    // no team named, one A4 page.
    let sheet = format!("{base}/team/zorg/rounds/3/intervisie");
    b.goto(&in_lang(&sheet, "en"));
    assert!(!text(&b).contains("Alfa"), "named without agreement");
    printable(&b, &mut audit, &sheet, "intervisie-unnamed", true);

    // The manager of Alfa: the team page after the conversation, with the
    // focus form, the offers, the kit link, the sharing switch and the
    // guide's lines for managers.
    b.viewport(1280, 800);
    b.goto(&format!("{base}/m/{}?lang=nl", o.manager));
    b.wait_for("the team page", |b| b.url().contains("/team/alfa"));
    let team = format!("{base}/team/alfa");
    let page = text(&b);
    for shown in [
        "Na het gesprek: kies één focus",
        "Waar je kunt leren",
        "Elkaar aanspreken",
        "Gesprekskit voor het team",
        "Delen met collega-managers",
    ] {
        assert!(page.contains(shown), "{shown:?} missing: {page}");
    }
    assert_eq!(
        b.execute(
            "return !!document.querySelector('section.hesitation li')",
            json!([])
        ),
        json!(true),
        "no guide lines for the manager"
    );
    audit.page(&b, &team, "manager-team-after");

    // An invalid focus (the browser's own checks off, so the server's
    // answer shows): 422, each error beside its field, what was typed kept.
    for lang in LANGS {
        b.viewport(1280, 800);
        b.goto(&format!("{base}/team/alfa?lang={lang}"));
        b.execute(
            "document.querySelector('form.focus').noValidate = true",
            json!([]),
        );
        fill_and_submit(
            &b,
            &[
                ("#dimension", ""),
                ("#experiment", "Elke week vraag ik wat we misten."),
                ("#check", "2020-01-01"),
            ],
            "form.focus button[type=submit]",
        );
        b.wait_for("the errors", |b| {
            b.execute("return !!document.querySelector('#check-error')", json!([])) == json!(true)
        });
        assert_eq!(status(&b), json!(422));
        let errors = b.execute(
            "return ['dimension', 'experiment', 'check'].map(f => [
                 !!document.querySelector('#' + f + '-error'),
                 document.querySelector('#' + f).getAttribute('aria-invalid')])
               .concat([document.querySelector('#experiment').value])",
            json!([]),
        );
        assert_eq!(
            errors,
            json!([
                [true, "true"],
                [false, null],
                [true, "true"],
                "Elke week vraag ik wat we misten."
            ])
        );
        audit.here(&b, "focus-invalid", lang);
    }
    // The focus page itself, then a valid focus from it.
    let focus = format!("{base}/team/alfa/rounds/3/focus");
    audit.page(&b, &focus, "focus");
    b.viewport(1280, 800);
    b.goto(&in_lang(&focus, "nl"));
    fill_and_submit(
        &b,
        &[
            ("#dimension", "openness"),
            (
                "#experiment",
                "In elk overleg vraag ik als laatste: wat hebben we gemist?",
            ),
            ("#check", "2099-06-01"),
        ],
        "form.focus button[type=submit]",
    );
    b.wait_for("the team page", |b| b.url().contains("#focus"));
    let page = text(&b);
    assert!(page.contains("Focus sinds Maart: Openheid"), "{page}");
    // The offer matched to the focus's dimension comes first.
    assert!(
        page.contains("Elkaar aanspreken — korte training (past bij de focus)"),
        "{page}"
    );
    // Sharing through the switch.
    let share = b.find("form.sharing button");
    b.click(&share);
    b.wait_for("sharing on", |b| text(b).contains("Aan: de manager deelt"));
    audit.page(&b, &team, "manager-team-focus");
    // On paper the forms, the switch and the kit link are left out.
    b.viewport(1280, 800);
    b.goto(&format!("{team}?lang=nl"));
    let shown = "return ['form.focus', 'section.sharing', 'p.kit', 'section.offers']
        .map(c => getComputedStyle(document.querySelector(c)).display !== 'none')";
    assert_eq!(b.execute(shown, json!([])), json!([true, true, true, true]));
    b.cdp("Emulation.setEmulatedMedia", json!({ "media": "print" }));
    assert_eq!(
        b.execute(shown, json!([])),
        json!([false, false, false, true])
    );
    b.cdp("Emulation.setEmulatedMedia", json!({ "media": "" }));

    // The kit through its link: one A4 page, styled by /kit.css.
    b.viewport(1280, 800);
    b.goto(&format!("{team}?lang=nl"));
    let kit = b.find("p.kit a");
    b.click(&kit);
    b.wait_for("the kit", |b| b.url().contains("/kit"));
    assert!(text(&b).contains("wat hebben we gemist?"), "{}", text(&b));
    printable(&b, &mut audit, &b.url(), "kit-manager", true);

    // The advisor: the bright spot above the heatmap, the sheet with Alfa
    // named, the guide, and the kits of a released and a suppressed round.
    b.viewport(1280, 800);
    b.goto(&format!("{base}/a/{}?lang=nl", o.advisor));
    b.wait_for("the overview", |b| b.url().contains("/overzicht"));
    let order = b.execute(
        "const s = document.querySelector('section.bright-spots');
         const h = document.querySelector('figure.heatmap');
         return [!!s && !!s.querySelector('li a[href^=\"/team/alfa\"]'),
                 !!s && !!h && !!(s.compareDocumentPosition(h) & Node.DOCUMENT_POSITION_FOLLOWING)];",
        json!([]),
    );
    assert_eq!(order, json!([true, true]), "{}", text(&b));
    audit.page(&b, &format!("{base}/overzicht"), "advisor-overview-bright");
    b.goto(&in_lang(&sheet, "en"));
    assert!(text(&b).contains("Alfa"), "not named: {}", text(&b));
    printable(&b, &mut audit, &sheet, "intervisie-named", true);
    let guide = printable(&b, &mut audit, &format!("{base}/guide"), "guide", false);
    eprintln!("the guide prints on {guide:?} A4 pages (nl, en)");
    assert!(guide.iter().all(|&n| (1..=4).contains(&n)), "{guide:?}");
    audit.page(&b, &team, "advisor-team-after");
    printable(
        &b,
        &mut audit,
        &format!("{base}/team/alfa/rounds/3/kit"),
        "kit-advisor",
        true,
    );
    b.goto(&format!("{base}/team/klein/rounds/3/kit?lang=nl"));
    assert!(text(&b).contains("te weinig collega's"), "{}", text(&b));
    printable(
        &b,
        &mut audit,
        &format!("{base}/team/klein/rounds/3/kit"),
        "kit-suppressed",
        true,
    );
    audit.assert_clean();
}
