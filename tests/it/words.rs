//! What people read must be true: the bands are named for what they count
//! (favourable after reverse-scoring, never "agree"), reversed statements are
//! marked, scores carry the survey's own scale, and comments that are
//! withheld say so, on the pages, in the CLI and in the API.

use serde_json::{Value, json};

use crate::openapi::check_response;
use crate::results::{answer, api, cookie_of, json, key, page};
use crate::support::{Server, TestDir};

/// A 5-point survey with one reversed statement and a comment question.
const SURVEY: &str = r#"
id = "words-check"
version = 1
title = { nl = "Woordencheck", en = "Word check" }
intro = { nl = "Een paar stellingen.", en = "A few statements." }
thanks = { nl = "Dank je wel!", en = "Thank you!" }

[scale]
points = 5

[scale.labels]
nl = ["Helemaal oneens", "Oneens", "Neutraal", "Eens", "Helemaal eens"]
en = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]

[[dimensions]]
id = "openness"
name = { nl = "Openheid", en = "Openness" }
prompts = { nl = ["Wat gebeurt er na een fout?", "Waarover zwijgt het team?"], en = ["What happens after a mistake?", "What does the team keep quiet about?"] }

[[items]]
id = "w-speak"
dimension = "openness"
reverse = false
text = { nl = "Ik kan hier zeggen wat ik denk.", en = "I can say what I think here." }

[[items]]
id = "w-keep-quiet"
dimension = "openness"
reverse = true
text = { nl = "Ik houd hier soms mijn mond om gedoe te voorkomen.", en = "I sometimes keep quiet here to avoid trouble." }

[[items]]
id = "w-help"
dimension = "openness"
reverse = false
text = { nl = "Ik kan hier om hulp vragen.", en = "I can ask for help here." }

[comment]
nl = "Wil je nog iets kwijt?"
en = "Anything to add?"
"#;

/// Everyone strongly agrees with every statement, the reversed one included.
const ALL_AGREE: &str = "w-speak=5&w-keep-quiet=5&w-help=5&comment=prima";

struct Setup {
    dir: TestDir,
    server: Server,
    round: String,
    advisor: String,
    manager: String,
}

/// Alpha (6 answers, below the 10 for comments) and Groot (10) answer the
/// 5-point survey, every answer "strongly agree"; the round is closed.
fn setup() -> Setup {
    let dir = TestDir::new();
    let own = dir.path.join("own");
    std::fs::create_dir(&own).unwrap();
    std::fs::write(own.join("words-check.toml"), SURVEY).unwrap();
    let own = own.display().to_string();
    dir.ok(&["init", "--org", "Woorden BV"]);
    dir.ok(&["team", "add", "Alpha", "--size", "8"]);
    dir.ok(&["team", "add", "Groot", "--size", "12"]);
    let round = dir.open_round(&[
        "--surveys",
        &own,
        "round",
        "open",
        "--survey",
        "words-check",
        "--all",
    ]);
    let advisor = key(&dir, &["key", "advisor"]);
    let manager = key(&dir, &["key", "manager", "--team", "Alpha"]);
    let server = Server::start(&dir, None);
    answer(&server, &dir, &round, "Alpha", &[ALL_AGREE; 6]);
    answer(&server, &dir, &round, "Groot", &[ALL_AGREE; 10]);
    dir.ok(&["round", "close", &round]);
    dir.ok(&["round", "release", &round]);
    Setup {
        dir,
        server,
        round,
        advisor,
        manager,
    }
}

/// The table row of one statement on a page.
fn row<'a>(body: &'a str, statement: &str) -> &'a str {
    let start = body
        .find(&format!("<th scope=\"row\">{statement}"))
        .unwrap_or_else(|| panic!("no row for {statement:?} in\n{body}"));
    let end = body[start..].find("</tr>").unwrap();
    &body[start..start + end]
}

/// The "strongest" / "weakest points" line of one statement.
fn line<'a>(body: &'a str, statement: &str) -> &'a str {
    let start = body
        .find(&format!("<li>{statement}"))
        .unwrap_or_else(|| panic!("no line for {statement:?} in\n{body}"));
    let end = body[start..].find("</li>").unwrap();
    &body[start..start + end]
}

#[test]
fn a_reversed_statement_everyone_agreed_with_reads_as_unfavourable_not_agree() {
    let s = setup();
    let entry = s.server.get(&format!("/a/{}", s.advisor));
    let cookie = cookie_of(&entry);

    let en = page(&s.server, "/team/alpha?lang=en", &cookie).body;
    assert!(
        en.contains("unfavourable · neutral · favourable"),
        "the bands are named for what they count:\n{en}"
    );
    let quiet = row(&en, "I sometimes keep quiet here to avoid trouble.");
    assert!(
        quiet.contains("(reversed: disagreeing is favourable)"),
        "{quiet}"
    );
    assert!(quiet.contains("100 % · 0 % · 0 %"), "{quiet}");
    let speak = row(&en, "I can say what I think here.");
    assert!(!speak.contains("reversed"), "{speak}");
    assert!(speak.contains("0 % · 0 % · 100 %"), "{speak}");
    // Strengths and concerns say favourable, and mark the reversed one.
    assert!(
        line(&en, "I can say what I think here.").contains("100 % favourable"),
        "{en}"
    );
    let concern = line(&en, "I sometimes keep quiet here to avoid trouble.");
    assert!(concern.contains("0 % favourable"), "{concern}");
    assert!(concern.contains("reversed"), "{concern}");
    // The headings rank, they do not judge: the strongest statement of a
    // round can still be one few found favourable.
    assert!(en.contains("Strongest points of this round"), "{en}");
    assert!(en.contains("Weakest points of this round"), "{en}");
    assert!(!en.contains("What goes well"), "{en}");
    for wrong in ["% agree", "disagree · neutral · agree", "% disagree"] {
        assert!(!en.contains(wrong), "{wrong:?} on the page:\n{en}");
    }

    let nl = page(&s.server, "/team/alpha?lang=nl", &cookie).body;
    assert!(nl.contains("ongunstig · neutraal · gunstig"), "{nl}");
    let quiet = row(&nl, "Ik houd hier soms mijn mond om gedoe te voorkomen.");
    assert!(quiet.contains("(omgekeerd: oneens is gunstig)"), "{quiet}");
    assert!(
        line(&nl, "Ik kan hier zeggen wat ik denk.").contains("100 % gunstig"),
        "{nl}"
    );
    let concern = line(&nl, "Ik houd hier soms mijn mond om gedoe te voorkomen.");
    assert!(concern.contains("0 % gunstig"), "{concern}");
    assert!(concern.contains("omgekeerd"), "{concern}");
    assert!(nl.contains("Sterkste punten van deze ronde"), "{nl}");
    assert!(!nl.contains("Wat goed gaat"), "{nl}");
    for wrong in ["% eens", "oneens · neutraal · eens", "% oneens"] {
        assert!(!nl.contains(wrong), "{wrong:?} on the page:\n{nl}");
    }

    // The CLI table names the same bands and marks the same statement.
    let cli = s
        .dir
        .ok(&["results", "--round", &s.round, "--team", "Alpha"]);
    let quiet = cli
        .lines()
        .find(|l| l.contains("item w-keep-quiet"))
        .unwrap_or_else(|| panic!("{cli}"));
    assert!(quiet.contains("favourable   0%"), "{quiet}");
    assert!(quiet.contains("unfavourable 100%"), "{quiet}");
    assert!(
        quiet.contains("reversed: disagreeing is favourable"),
        "{quiet}"
    );
    let speak = cli.lines().find(|l| l.contains("item w-speak")).unwrap();
    assert!(!speak.contains("reversed"), "{speak}");
    assert!(!cli.contains("agree "), "{cli}");
    let csv = s
        .dir
        .ok(&["export", "--round", &s.round, "--format", "csv"]);
    assert!(
        csv.lines().next().unwrap().ends_with(
            ",unfavourable,neutral,favourable,change,within_noise,scale_points,reversed"
        ),
        "{csv}"
    );
    let quiet = csv
        .lines()
        .find(|l| l.contains(",alpha,") && l.contains(",item,w-keep-quiet,"))
        .unwrap();
    assert!(quiet.ends_with(",1.0000,0.0000,0.0000,,,5,true"), "{quiet}");
    let speak = csv
        .lines()
        .find(|l| l.contains(",alpha,") && l.contains(",item,w-speak,"))
        .unwrap();
    assert!(speak.ends_with(",5,false"), "{speak}");

    // The API says which statements are reversed.
    let v = json(&api(
        &s.server,
        &s.advisor,
        &format!("/teams/alpha/rounds/{}", s.round),
    ));
    check_response("/teams/{id}/rounds/{round}", &v).unwrap();
    assert_eq!(v["reversed_items"], json!(["w-keep-quiet"]));
    let item = |id: &str| -> Value {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(item("w-keep-quiet")["shares"]["favourable"], 0.0);
    assert_eq!(item("w-speak")["shares"]["favourable"], 1.0);
}

#[test]
fn scores_carry_the_survey_scale_not_always_one_to_seven() {
    let s = setup();
    let v = json(&api(
        &s.server,
        &s.advisor,
        &format!("/teams/alpha/rounds/{}", s.round),
    ));
    assert_eq!(v["scale_points"], 5);
    let trend = json(&api(&s.server, &s.manager, "/teams/alpha/trend"));
    check_response("/teams/{id}/trend", &trend).unwrap();
    assert_eq!(trend["rounds"][0]["scale_points"], 5);

    s.dir.skip_reflections();
    let cookie = cookie_of(&s.server.get(&format!("/m/{}", s.manager)));
    for (lang, score) in [("en", "Score (1–5)"), ("nl", "Score (1–5)")] {
        let body = page(&s.server, &format!("/team/alpha?lang={lang}"), &cookie).body;
        assert!(body.contains(score), "{lang}: {body}");
        assert!(!body.contains("1–7"), "{lang}: {body}");
    }
    let cli = s.dir.ok(&["results", "--round", &s.round]);
    assert!(cli.contains("scale 1–5"), "{cli}");
}

#[test]
fn withheld_comments_say_why_without_a_count() {
    let s = setup();
    let get = |key: &str, team: &str| {
        json(&api(
            &s.server,
            key,
            &format!("/teams/{team}/rounds/{}", s.round),
        ))
    };
    let alpha = get(&s.advisor, "alpha");
    check_response("/teams/{id}/rounds/{round}", &alpha).unwrap();
    assert_eq!(alpha["comments"], json!([]));
    assert_eq!(
        alpha["comments_withheld"],
        json!({"reason": "too_few_respondents", "min_respondents": 10})
    );
    let groot = get(&s.advisor, "groot");
    check_response("/teams/{id}/rounds/{round}", &groot).unwrap();
    assert_eq!(groot["comments"].as_array().unwrap().len(), 10);
    assert!(groot["comments_withheld"].is_null(), "{groot}");
    let org = get(&s.advisor, "organisation");
    check_response("/teams/{id}/rounds/{round}", &org).unwrap();
    assert_eq!(org["comments_withheld"], json!({"reason": "roll_up"}));
    // A manager who may not read comments gets neither field.
    let own = get(&s.manager, "alpha");
    assert!(own.get("comments").is_none() && own.get("comments_withheld").is_none());

    let cookie = cookie_of(&s.server.get(&format!("/a/{}", s.advisor)));
    let en = page(&s.server, "/team/alpha?lang=en", &cookie).body;
    assert!(
        en.contains("Comments are shown only when at least 10 people answered"),
        "{en}"
    );
    let nl = page(&s.server, "/team/alpha?lang=nl", &cookie).body;
    assert!(
        nl.contains("Opmerkingen worden alleen getoond als minstens 10 mensen antwoordden"),
        "{nl}"
    );
    let groot_page = page(&s.server, "/team/groot?lang=en", &cookie).body;
    assert!(!groot_page.contains("shown only when"), "{groot_page}");
    assert!(groot_page.contains("prima"));

    let cli = s.dir.ok(&["results", "--round", &s.round]);
    let alpha_block = cli.split("\n\n").find(|b| b.starts_with("Alpha")).unwrap();
    assert!(
        alpha_block.contains("comments withheld: shown only when at least 10 people answered"),
        "{alpha_block}"
    );
    let groot_block = cli.split("\n\n").find(|b| b.starts_with("Groot")).unwrap();
    assert!(!groot_block.contains("withheld"), "{groot_block}");
}

#[test]
fn no_comment_question_no_word_about_comments() {
    let dir = TestDir::new();
    dir.ok(&["init"]);
    dir.ok(&["team", "add", "A", "--size", "6"]);
    let round = dir.open_round(&["round", "open", "--survey", "psychological-safety", "--all"]);
    let advisor = key(&dir, &["key", "advisor"]);
    let server = Server::start(&dir, None);
    let text = spiegel::catalog::EMBEDDED
        .iter()
        .find(|(n, _)| *n == "psychological-safety.toml")
        .unwrap()
        .1;
    let survey = spiegel::domain::survey::parse("ps", text, None).unwrap();
    let body: Vec<String> = survey.items.iter().map(|i| format!("{}=4", i.id)).collect();
    let body = body.join("&");
    answer(&server, &dir, &round, "A", &[body.as_str(); 5]);
    dir.ok(&["round", "close", &round]);
    dir.ok(&["round", "release", &round]);
    let v = json(&api(&server, &advisor, &format!("/teams/a/rounds/{round}")));
    check_response("/teams/{id}/rounds/{round}", &v).unwrap();
    assert!(v["comments_withheld"].is_null(), "{v}");
    assert_eq!(v["scale_points"], 7);
    let cookie = cookie_of(&server.get(&format!("/a/{advisor}")));
    let en = page(&server, "/team/a?lang=en", &cookie).body;
    assert!(en.contains("Score (1–7)"), "{en}");
    assert!(!en.contains("Comments"), "{en}");
}
