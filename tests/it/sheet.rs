//! The conversation sheet's content (issue 9): its sentences come from the
//! survey file (the shipped ones and an organisation's own), `spiegel check`
//! refuses a broken one with file and line, a suppressed round's sheet has no
//! number and offers the department's picture where it is released, and the
//! sheet is self-contained.

use crate::results::{answer, api, json, key};
use crate::support::{Server, TestDir, request};

/// The first round: means speak 5, keep-quiet 5 (reversed), mistakes 6,
/// heard 4, unwanted behaviour 5. Everyone answers alike: every change
/// between rounds passes the noise rule.
const FIRST: &str =
    "pulse-speak=5&pulse-keep-quiet=3&pulse-mistakes=6&pulse-heard=4&pulse-unwanted-behaviour=5";
/// The second: mistakes up to 7, heard down to 2, speak as before.
const SECOND: &str =
    "pulse-speak=5&pulse-keep-quiet=3&pulse-mistakes=7&pulse-heard=2&pulse-unwanted-behaviour=5";

/// The visible text of an HTML document: tags, styles and inline charts
/// left out, entities as they read.
pub fn text_of(html: &str) -> String {
    let mut s = html.to_string();
    for (open, close) in [("<style>", "</style>"), ("<svg", "</svg>")] {
        while let Some(at) = s.find(open) {
            let end = s[at..]
                .find(close)
                .map_or(s.len(), |e| at + e + close.len());
            s.replace_range(at..end, " ");
        }
    }
    let mut text = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// One of a shipped survey's sentences, read from its file.
fn shipped_sentence(file: &str, item: &str, field: &str, lang: &str) -> String {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("surveys")
            .join(file),
    )
    .unwrap();
    let doc: toml::Table = toml::from_str(&text).unwrap();
    let found = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"].as_str() == Some(item))
        .unwrap_or_else(|| panic!("no item {item} in {file}"));
    found[field][lang].as_str().unwrap().to_string()
}

fn sheet(server: &Server, advisor: &str, team: &str, round: &str, lang: &str) -> String {
    let res = request(
        &server.addr,
        "GET",
        &format!("/team/{team}/rounds/{round}/sheet?lang={lang}"),
        &[("Authorization", &format!("Bearer {advisor}"))],
        b"",
    );
    assert_eq!(res.status, 200, "{}", res.body);
    res.body
}

/// Nothing on the sheet asks for anything from elsewhere. The one link a
/// served sheet has, on screen only, leads to the advisor's guide on this
/// site (a written file has none: see the test of `spiegel sheet`).
fn assert_self_contained(html: &str) {
    let html = html
        .replace("http://www.w3.org/2000/svg", "")
        .replace("href=\"/guide?lang=nl\"", "")
        .replace("href=\"/guide?lang=en\"", "");
    for external in [
        "<link", "<script", "src=", "href=", "http://", "https://", "@import", "url(",
    ] {
        assert!(!html.contains(external), "{external} in {html}");
    }
    assert!(html.contains("@page { size: A4"));
}

#[test]
fn a_released_sheet_speaks_in_the_shipped_surveys_own_sentences() {
    let dir = TestDir::new();
    dir.ok(&["init", "--tz", "UTC", "--org", "Test BV"]);
    dir.ok(&["team", "add", "Alfa"]);
    let advisor = key(&dir, &["key", "advisor", "--label", "vp"]);
    let server = Server::start(&dir, None);
    let first = dir.open_round(&["round", "open", "--survey", "pulse", "--all"]);
    answer(&server, &dir, &first, "Alfa", &[FIRST; 5]);
    dir.ok(&["round", "close", &first]);
    let second = dir.open_round(&["round", "open", "--survey", "pulse", "--all"]);
    answer(&server, &dir, &second, "Alfa", &[SECOND; 5]);
    dir.ok(&["round", "close", &second]);

    let s = |item: &str, field: &str, lang: &str| shipped_sentence("pulse.toml", item, field, lang);
    for lang in ["nl", "en"] {
        // First round: strongest mistakes, weakest heard; no previous round.
        let html = sheet(&server, &advisor, "alfa", &first, lang);
        assert_self_contained(&html);
        let text = text_of(&html);
        assert!(
            text.contains(&s("pulse-mistakes", "keep_doing", lang)),
            "{text}"
        );
        assert!(
            text.contains(&s("pulse-heard", "observation", lang)),
            "{text}"
        );
        assert!(
            !text.contains(&s("pulse-heard", "observation_down", lang)),
            "{text}"
        );

        // Second round: mistakes went up beyond the noise (what goes well,
        // with its sentence); heard went down beyond it (the "fewer than
        // last time" observation); speak stayed (within the noise).
        let html = sheet(&server, &advisor, "alfa", &second, lang);
        assert_self_contained(&html);
        let text = text_of(&html);
        let (well, rest) = text
            .split_once(if lang == "nl" {
                "Waar het schuurt"
            } else {
                "Where it chafes"
            })
            .unwrap();
        assert!(
            well.contains(&s("pulse-mistakes", "keep_doing", lang)),
            "{well}"
        );
        assert!(
            well.contains(if lang == "nl" {
                "Hoger dan vorige ronde, meer dan de ruis"
            } else {
                "Higher than last round, beyond the noise"
            }),
            "{well}"
        );
        let chafes = rest
            .split(if lang == "nl" {
                "Open vragen"
            } else {
                "Open questions"
            })
            .next()
            .unwrap();
        assert!(
            chafes.contains(&s("pulse-heard", "observation_down", lang)),
            "{chafes}"
        );
        assert!(
            chafes.contains(&s("pulse-speak", "observation", lang)),
            "{chafes}"
        );
        assert!(
            chafes.contains(if lang == "nl" {
                "binnen de ruis"
            } else {
                "within the noise"
            }),
            "{chafes}"
        );
        // Open questions: the weakest dimension's prompts (support).
        assert!(
            text.contains(if lang == "nl" {
                "Hoe merkt een teamlid dat je echt hebt geluisterd?"
            } else {
                "How does a team member notice that you have really listened?"
            }),
            "{text}"
        );
        // Everyone answered alike: views do not differ, no spread question.
        assert!(!text.contains(if lang == "nl" {
            "voor de een"
        } else {
            "for some than for others"
        }));
    }
}

/// An organisation's own survey: three statements, two with its own
/// sentences, one without (the sheet's general sentence), and a spread
/// question.
const OWN: &str = r#"id = "eigen"
version = 1
title = { nl = "Eigen peiling", en = "Own pulse" }
intro = { nl = "Drie stellingen.", en = "Three statements." }
thanks = { nl = "Dank je.", en = "Thanks." }

[scale]
points = 5
labels = { nl = ["1", "2", "3", "4", "5"], en = ["1", "2", "3", "4", "5"] }

[[dimensions]]
id = "samen"
name = { nl = "Samenwerken", en = "Working together" }
prompts = { nl = ["Wanneer werkte het team voor het laatst echt samen?", "Wie vraagt er om hulp?", "Wat helpt daarbij?"], en = ["When did the team last truly work together?", "Who asks for help?", "What helps with that?"] }
spread = { nl = "Wat maakt samenwerken voor de een lichter dan voor de ander?", en = "What makes working together lighter for some than for others?" }

[[items]]
id = "eigen-overleg"
dimension = "samen"
text = { nl = "Ons overleg levert iets op.", en = "Our meetings lead somewhere." }
keep_doing = { nl = "Elk overleg afsluiten met wie wat doet.", en = "Closing every meeting with who does what." }
observation = { nl = "Een deel van het team merkt weinig van wat overleg oplevert.", en = "Part of the team notices little of what meetings lead to." }

[[items]]
id = "eigen-pauze"
dimension = "samen"
text = { nl = "We nemen samen pauze.", en = "We take breaks together." }
keep_doing = { nl = "Samen koffie halen, ook als het druk is.", en = "Getting coffee together, also when it is busy." }
observation = { nl = "Niet iedereen schuift aan bij de pauze.", en = "Not everyone joins the break." }

[[items]]
id = "eigen-rooster"
dimension = "samen"
text = { nl = "Het rooster is eerlijk verdeeld.", en = "The roster is shared fairly." }
"#;

#[test]
fn an_organisations_own_sentences_show_on_its_sheet_and_check_notes_the_missing() {
    let dir = TestDir::new();
    let own = dir.path.join("eigen-surveys");
    std::fs::create_dir(&own).unwrap();
    std::fs::write(own.join("eigen.toml"), OWN).unwrap();
    let own_arg = own.display().to_string();
    // check: valid, with a note naming the file and the item without sentences.
    let out = dir.ok(&["--surveys", &own_arg, "check"]);
    let note = out
        .lines()
        .find(|l| l.contains("eigen.toml") && l.contains("note"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        note.contains("keep_doing for item eigen-rooster")
            && note.contains("observation for item eigen-rooster")
            && note.contains("general sentence"),
        "{note}"
    );
    // The shipped team surveys carry every sentence: no note for them.
    assert!(
        !out.lines()
            .any(|l| l.contains("note") && !l.contains("eigen.toml")),
        "{out}"
    );

    dir.ok(&["init", "--tz", "UTC"]);
    dir.ok(&["team", "add", "Alfa"]);
    let advisor = key(&dir, &["key", "advisor"]);
    let round = dir.open_round(&[
        "--surveys",
        &own_arg,
        "round",
        "open",
        "--survey",
        "eigen",
        "--all",
    ]);
    let server = Server::start(&dir, None);
    // Views differ widely; overleg highest, pauze in the middle, rooster lowest.
    let low = "eigen-overleg=5&eigen-pauze=1&eigen-rooster=1";
    let high = "eigen-overleg=5&eigen-pauze=5&eigen-rooster=2";
    answer(
        &server,
        &dir,
        &round,
        "Alfa",
        &[low, high, low, high, low, high],
    );
    dir.ok(&["round", "close", &round]);
    let v = json(&api(
        &server,
        &advisor,
        &format!("/teams/alfa/rounds/{round}"),
    ));
    assert_eq!(v["agreement"]["views_differ"], true, "{v}");
    assert_eq!(v["concerns"][0], "eigen-rooster", "{v}");

    for (lang, own_keep, own_obs, spread, general_obs) in [
        (
            "nl",
            "Elk overleg afsluiten met wie wat doet.",
            "Niet iedereen schuift aan bij de pauze.",
            "Wat maakt samenwerken voor de een lichter dan voor de ander?",
            "Hier antwoordt het team het minst gunstig.",
        ),
        (
            "en",
            "Closing every meeting with who does what.",
            "Not everyone joins the break.",
            "What makes working together lighter for some than for others?",
            "Here the team answers least favourably.",
        ),
    ] {
        let html = sheet(&server, &advisor, "alfa", &round, lang);
        assert_self_contained(&html);
        let text = text_of(&html);
        // The strongest statement with the organisation's own sentence.
        assert!(text.contains(own_keep), "{text}");
        // Rooster, the weakest, has no observation: the general sentence.
        assert!(text.contains(general_obs), "{text}");
        // Views differ: the dimension's own spread question.
        assert!(text.contains(spread), "{text}");
        // Pauze is a strength here (3 items: two strengths, one concern),
        // so its observation is not on the sheet.
        assert!(!text.contains(own_obs), "{text}");
        // The dimension's prompts.
        assert!(
            text.contains(if lang == "nl" {
                "Wie vraagt er om hulp?"
            } else {
                "Who asks for help?"
            }),
            "{text}"
        );
    }
}

#[test]
fn check_refuses_a_broken_sentence_with_file_and_line() {
    let dir = TestDir::new();
    let own = dir.path.join("eigen-surveys");
    std::fs::create_dir(&own).unwrap();
    let own_arg = own.display().to_string();
    let line_of =
        |text: &str, needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let long = "x".repeat(201);
    for (from, to, needle, problem) in [
        (
            ", en = \"Closing every meeting with who does what.\"",
            "",
            "keep_doing",
            "missing field `en`",
        ),
        (
            "en = \"Not everyone joins the break.\"",
            "en = \"\"",
            "Niet iedereen schuift",
            "observation of item \"eigen-pauze\" is missing its en translation",
        ),
        (
            "What makes working together lighter for some than for others?",
            long.as_str(),
            "spread =",
            "201 characters",
        ),
        (
            "observation = { nl = \"Niet iedereen schuift",
            "observation_down = { nl = \"Niet iedereen schuift",
            "observation_down",
            "observation_down but no observation",
        ),
        (
            "keep_doing = { nl = \"Samen koffie",
            "keep_doen = { nl = \"Samen koffie",
            "keep_doen",
            "keep_doen",
        ),
    ] {
        assert!(OWN.contains(from), "test edit {from:?} does not apply");
        let broken = OWN.replacen(from, to, 1);
        std::fs::write(own.join("eigen.toml"), &broken).unwrap();
        let err = dir.fails(&["--surveys", &own_arg, "check"]);
        let place = format!("eigen.toml:{}:", line_of(&broken, needle));
        assert!(err.contains(&place), "{place} in {err}");
        assert!(err.contains(problem), "{problem} in {err}");
    }
}

/// Department Zorg (16 people of its own) with Noord (5 answers), Zuid (4)
/// and Klein (2); k = 5.
/// Zuid and Klein are hidden; Zorg (11) is released, as no hidden team can
/// be derived from it (Zorg minus Noord is Zuid and Klein together, 6).
#[test]
fn a_suppressed_sheet_has_no_number_and_offers_the_departments_picture() {
    let dir = TestDir::new();
    dir.ok(&["init", "--tz", "UTC", "--org", "Zorggroep"]);
    dir.ok(&["team", "add", "Zorg", "--size", "16"]);
    dir.ok(&["team", "add", "Noord", "--parent", "Zorg", "--size", "7"]);
    dir.ok(&["team", "add", "Zuid", "--parent", "Zorg", "--size", "6"]);
    dir.ok(&["team", "add", "Klein", "--parent", "Zorg", "--size", "3"]);
    let advisor = key(&dir, &["key", "advisor"]);
    let server = Server::start(&dir, None);
    let round = dir.open_round(&["round", "open", "--survey", "pulse", "--all"]);
    answer(&server, &dir, &round, "Noord", &[FIRST; 5]);
    answer(&server, &dir, &round, "Zuid", &[SECOND; 4]);
    answer(&server, &dir, &round, "Klein", &[SECOND; 2]);
    dir.ok(&["round", "close", &round]);
    let status = |team: &str| {
        json(&api(
            &server,
            &advisor,
            &format!("/teams/{team}/rounds/{round}"),
        ))["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(status("klein"), "suppressed");
    assert_eq!(status("zorg"), "released");
    let zorg = json(&api(
        &server,
        &advisor,
        &format!("/teams/zorg/rounds/{round}"),
    ));
    let item_text = |id: &str, lang: &str| shipped_sentence("pulse.toml", id, "text", lang);

    for lang in ["nl", "en"] {
        let html = sheet(&server, &advisor, "klein", &round, lang);
        assert_self_contained(&html);
        let text = text_of(&html);
        // Not a figure: no digit between the title (the round's title)
        // and the footer (the round's title and k).
        let before_footer = text_of(html.split("<footer>").next().unwrap());
        let after_title = before_footer
            .split_once(if lang == "nl" {
                "De uitkomsten"
            } else {
                "The results"
            })
            .unwrap()
            .1;
        assert!(
            !after_title.chars().any(|c| c.is_ascii_digit()),
            "{after_title}"
        );
        assert!(!text.contains(if lang == "nl" {
            "Wat goed gaat"
        } else {
            "What goes well"
        }));
        // The department's picture, in words: its strongest statement.
        assert!(
            text.contains(if lang == "nl" {
                "Het beeld van de afdeling: Zorg"
            } else {
                "The department's picture: Zorg"
            }),
            "{text}"
        );
        let strongest = zorg["strengths"][0].as_str().unwrap();
        assert!(text.contains(&item_text(strongest, lang)), "{text}");
        // The department's participation, in words (11 of the 32 people of
        // Zorg and its teams: the band 30–40 %).
        assert_eq!(zorg["participation_band"], "30–40 %", "{zorg}");
        assert!(
            text.contains(if lang == "nl" {
                "Deelname in de afdeling: minder dan de helft."
            } else {
                "Participation in the department: fewer than half."
            }),
            "{text}"
        );
        // Participation stays hidden for the team; the manager's own view.
        assert!(
            text.contains(if lang == "nl" {
                "blijft verborgen"
            } else {
                "stays hidden too"
            }),
            "{text}"
        );
        assert!(
            text.contains(if lang == "nl" {
                "De eigen kijk van de manager"
            } else {
                "The manager's own view"
            }),
            "{text}"
        );
    }

    // A round where the department is hidden too: the sheet says so, still
    // without a number.
    let later = dir.open_round(&["round", "open", "--survey", "pulse", "--all"]);
    answer(&server, &dir, &later, "Klein", &[FIRST; 2]);
    dir.ok(&["round", "close", &later]);
    let html = sheet(&server, &advisor, "klein", &later, "en");
    let text = text_of(&html);
    assert!(
        text.contains("The department's picture is not released for this round either"),
        "{text}"
    );
    assert!(!text.contains(&item_text(zorg["strengths"][0].as_str().unwrap(), "en")));
}

/// The mirror on the sheet flags a gap smaller than half a point when the
/// manager's expectation lies outside the statement's 95 % interval.
#[test]
fn the_mirror_flags_an_expectation_outside_the_interval_and_states_the_rule() {
    let dir = TestDir::new();
    dir.ok(&["init", "--tz", "UTC"]);
    dir.ok(&["team", "add", "Alfa"]);
    let advisor = key(&dir, &["key", "advisor"]);
    let manager = key(&dir, &["key", "manager", "--team", "Alfa"]);
    let server = Server::start(&dir, None);
    let round = dir.open_round(&["round", "open", "--survey", "pulse", "--all"]);
    // pulse-speak: 14 × 5 and 6 × 6, a mean of 5.3 with a narrow interval.
    let five = FIRST;
    let six = FIRST.replace("pulse-speak=5", "pulse-speak=6");
    let mut bodies = vec![five; 14];
    bodies.extend(std::iter::repeat_n(six.as_str(), 6));
    answer(&server, &dir, &round, "Alfa", &bodies);
    dir.ok(&["round", "close", &round]);
    dir.ok(&["round", "release", &round]);
    let v = json(&api(
        &server,
        &advisor,
        &format!("/teams/alfa/rounds/{round}"),
    ));
    let speak = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "pulse-speak")
        .unwrap();
    let ci_low = speak["ci"][0].as_f64().unwrap();
    let mean = speak["mean"].as_f64().unwrap();
    assert!(ci_low > 5.0 && mean - 5.0 < 0.5, "{speak}");

    // The manager expects 5 for speak (0.3 below the team, outside the
    // interval) and 6 for mistakes (the team's own 6: no gap).
    let entry = server.get(&format!("/m/{manager}"));
    assert_eq!(entry.status, 303);
    let cookie = entry
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let team_page = request(
        &server.addr,
        "GET",
        "/team/alfa",
        &[("Cookie", &cookie)],
        b"",
    );
    let at = team_page.body.find("name=\"form_token\" value=\"").unwrap();
    let token = &team_page.body[at + 25..at + 25 + 64];
    let origin = format!("http://{}", server.addr);
    let saved = request(
        &server.addr,
        "POST",
        &format!("/team/alfa/rounds/{round}/reflectie"),
        &[
            ("Cookie", &cookie),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", &origin),
            ("Sec-Fetch-Site", "same-origin"),
        ],
        format!("form_token={token}&e-pulse-speak=5&e-pulse-mistakes=6&save=1").as_bytes(),
    );
    assert_eq!(saved.status, 303, "{}", saved.body);

    let svg = api(
        &server,
        &advisor,
        &format!("/teams/alfa/rounds/{round}/mirror/chart.svg?lang=en"),
    );
    assert_eq!(svg.status, 200, "{}", svg.body);
    assert!(
        svg.body
            .contains("1 hidden strengths (team higher than expected) and 0 statements"),
        "{}",
        svg.body
    );
    assert!(
        svg.body.contains("outside the 95 % interval"),
        "{}",
        svg.body
    );
    // The sheet inlines the same mirror, with the rule in its legend.
    let html = sheet(&server, &advisor, "alfa", &round, "nl");
    assert_self_contained(&html);
    assert!(html.contains("buiten het 95 %-interval"), "{html}");
    assert!(html.contains("verborgen sterk punt"), "{html}");
}

/// The commands that write a printable page say plainly when the team did
/// not take part in the round, or the round does not exist, and leave no
/// file behind.
#[test]
fn page_commands_name_a_team_that_did_not_take_part_and_write_nothing() {
    let dir = TestDir::new();
    dir.ok(&["init", "--tz", "UTC", "--org", "Zorggroep"]);
    dir.ok(&["team", "add", "Zorg"]);
    dir.ok(&["team", "add", "Noord", "--parent", "Zorg"]);
    let server = Server::start(&dir, None);
    let round = dir.open_round(&["round", "open", "--survey", "pulse", "--all"]);
    answer(&server, &dir, &round, "Noord", &[FIRST; 5]);
    dir.ok(&["round", "close", &round]);
    // A team added after the round: it has no result in it.
    dir.ok(&["team", "add", "Later", "--parent", "Zorg"]);
    let out = dir.path.join("page.html");
    let out = out.to_str().unwrap();
    for command in ["sheet", "kit"] {
        let err = dir.fails(&[command, "--team", "Later", "--round", &round, "--out", out]);
        assert!(
            err.contains("Later has no result in round") && err.contains("did not take part"),
            "{command}: {err}"
        );
        assert!(!std::path::Path::new(out).exists(), "{command} left a file");
        let err = dir.fails(&[command, "--team", "Noord", "--round", "99", "--out", out]);
        assert!(err.contains("no round 99"), "{command}: {err}");
        assert!(!std::path::Path::new(out).exists(), "{command} left a file");
    }
    // The department's intervisie sheet for a round that does not exist.
    let err = dir.fails(&[
        "intervisie",
        "--team",
        "Zorg",
        "--round",
        "99",
        "--out",
        out,
    ]);
    assert!(err.contains("no round 99"), "{err}");
    assert!(!std::path::Path::new(out).exists());
    // And each writes its page where the team took part.
    for command in ["sheet", "kit"] {
        dir.ok(&["round", "release", &round]);
        let said = dir.ok(&[command, "--team", "Noord", "--round", &round, "--out", out]);
        assert!(said.contains("wrote"), "{said}");
        std::fs::remove_file(out).unwrap();
    }
}
