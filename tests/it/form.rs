//! The employee's phone form over HTTP.

use crate::support::{Server, TestDir, request};

const FULL: &str = "pulse-speak=6&pulse-keep-quiet=2&pulse-mistakes=5&pulse-heard=skip&pulse-unwanted-behaviour=7&comment=Prima+zo";

#[test]
fn full_flow_from_cli_to_stored_answer() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    let token = dir.tokens(&round, "Noord", 1).remove(0);
    let server = Server::start(&dir, None);

    let page = server.get(&format!("/s/{token}"));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("name=\"pulse-speak\" value=\"7\""));
    assert!(page.body.contains("Noord"));

    let res = server.post_form(&format!("/s/{token}"), FULL);
    assert_eq!(res.status, 303, "{}", res.body);
    let location = res.header("location").unwrap().to_string();
    assert!(!location.contains(&token));
    let thanks = server.get(&location);
    assert_eq!(thanks.status, 200);
    assert!(thanks.body.contains("Dank je wel"));

    let conn = dir.sqlite();
    let (team, answers, comment): (String, Vec<u8>, Option<String>) = conn
        .query_row(
            "SELECT t.name, r.answers, r.comment FROM responses r JOIN teams t ON t.id = r.team_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(team, "Noord");
    assert_eq!(answers, vec![6, 2, 5, 0, 7]);
    assert_eq!(comment.as_deref(), Some("Prima zo"));

    // Single use: the same link now gets the invalid-link page.
    assert_eq!(server.get(&format!("/s/{token}")).status, 404);
    assert_eq!(server.post_form(&format!("/s/{token}"), FULL).status, 404);
    let count: u32 = conn
        .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 1);
}

#[test]
fn used_unknown_and_closed_links_are_indistinguishable() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    let tokens = dir.tokens(&round, "Noord", 3);
    let server = Server::start(&dir, None);
    assert_eq!(
        server.post_form(&format!("/s/{}", tokens[0]), FULL).status,
        303
    );
    let used = tokens[0].clone();
    let unknown = "AAAAAAAAAAAAAAAAAAAAAA".to_string();
    let junk = "not-a-token".to_string();
    // A second round, closed, with a link that was never used.
    let closed_round = dir.open_round(&["round", "open", "--survey", "pulse", "--teams", "Noord"]);
    let closed = dir.tokens(&closed_round, "Noord", 1).remove(0);
    dir.ok(&["round", "close", &closed_round]);

    let mut pages = Vec::new();
    for t in [&used, &unknown, &junk, &closed] {
        let get = server.get(&format!("/s/{t}"));
        let post = server.post_form(&format!("/s/{t}"), FULL);
        let bad_post = request(
            &server.addr,
            "POST",
            &format!("/s/{t}"),
            &[("Content-Type", "text/plain")],
            b"x",
        );
        for r in [&get, &post, &bad_post] {
            assert_eq!(r.status, 404, "{t}");
        }
        pages.push(get.body);
        pages.push(post.body);
    }
    assert!(
        pages.windows(2).all(|w| w[0] == w[1]),
        "all invalid-link pages must be identical"
    );
    assert!(pages[0].contains("niet (meer) geldig"));
    assert_eq!(server.get(&format!("/s/{}", tokens[1])).status, 200);
}

#[test]
fn every_bad_field_is_refused_with_an_explanation_and_nothing_stored() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    let token = dir.tokens(&round, "Noord", 1).remove(0);
    let server = Server::start(&dir, None);
    let path = format!("/s/{token}");
    let long_comment = format!("comment={}", "x".repeat(2001));
    let huge = format!("comment={}", "x".repeat(40_000));
    let cases: Vec<(&str, String, u16, &str)> = vec![
        ("unknown item", "nope=3".into(), 400, "Onbekende vraag"),
        ("zero", "pulse-speak=0".into(), 400, "schaal van 1 tot 7"),
        ("eight", "pulse-speak=8".into(), 400, "schaal van 1 tot 7"),
        (
            "text value",
            "pulse-speak=veel".into(),
            400,
            "schaal van 1 tot 7",
        ),
        (
            "twice",
            "pulse-speak=3&pulse-speak=4".into(),
            400,
            "twee keer",
        ),
        ("long comment", long_comment, 400, "2001 tekens"),
        ("huge body", huge, 413, "te groot"),
        (
            "broken encoding",
            "pulse-speak=%ZZ".into(),
            400,
            "schaal van 1 tot 7",
        ),
        (
            "invalid utf-8",
            "pulse-speak=%FF%FE".into(),
            400,
            "geen geldige UTF-8",
        ),
    ];
    for (what, body, status, phrase) in cases {
        let res = server.post_form(&path, &body);
        assert_eq!(res.status, status, "{what}: {}", res.body);
        assert!(res.body.contains(phrase), "{what}: {}", res.body);
        assert!(res.body.contains("Er is niets opgeslagen"), "{what}");
    }
    // Beyond twice the limit the outer layer answers before any handler runs.
    let giant = server.post_form(&path, &format!("comment={}", "x".repeat(100_000)));
    assert_eq!(giant.status, 413);
    let json = request(
        &server.addr,
        "POST",
        &path,
        &[("Content-Type", "application/json")],
        br#"{"pulse-speak": 3}"#,
    );
    assert_eq!(json.status, 415);
    assert!(json.body.contains("application/x-www-form-urlencoded"));

    let en = server.post_form(&format!("{path}?lang=en"), "pulse-speak=9");
    assert_eq!(en.status, 400);
    assert!(en.body.contains("not on the scale 1 to 7"), "{}", en.body);
    assert!(en.body.contains("Nothing was stored"));

    let count: u32 = dir
        .sqlite()
        .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 0, "a refused form must store nothing");
    // The link still works after refused attempts.
    assert_eq!(server.post_form(&path, FULL).status, 303);
}

#[test]
fn a_survey_without_comment_question_refuses_comments_and_hides_the_box() {
    let dir = TestDir::new();
    dir.setup_round();
    let round = dir.open_round(&[
        "round",
        "open",
        "--survey",
        "psychological-safety",
        "--teams",
        "noord",
    ]);
    let token = dir.tokens(&round, "Noord", 1).remove(0);
    let server = Server::start(&dir, None);
    let page = server.get(&format!("/s/{token}"));
    assert!(!page.body.contains("<textarea"));
    assert!(page.body.contains("name=\"ps-mistakes\""));
    let res = server.post_form(&format!("/s/{token}"), "ps-mistakes=2&comment=hoi");
    assert_eq!(res.status, 400);
    assert!(res.body.contains("geen opmerkingenveld"));
}

#[test]
fn dutch_by_default_english_on_request() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    let token = dir.tokens(&round, "Noord", 1).remove(0);
    let server = Server::start(&dir, None);
    let nl = server.get(&format!("/s/{token}"));
    assert!(nl.body.contains("<html lang=\"nl\">"));
    assert!(nl.body.contains("Sla over"));
    assert!(nl.body.contains("Wie ziet wat?"));
    assert!(nl.body.contains("minstens 5 collega's"));
    assert!(nl.body.contains("href=\"?lang=en\""));
    assert!(nl.body.contains("Noem geen namen"));

    let en = server.get(&format!("/s/{token}?lang=en"));
    assert!(en.body.contains("<html lang=\"en\">"));
    assert!(en.body.contains("Rather not say"));
    assert!(en.body.contains("at least 5 colleagues"));
    assert!(en.body.contains("action=\"/s/"));
    assert!(en.body.contains("?lang=en\""));

    let header = request(
        &server.addr,
        "GET",
        &format!("/s/{token}"),
        &[("Accept-Language", "en-GB,en;q=0.9")],
        b"",
    );
    assert!(header.body.contains("<html lang=\"en\">"));
    let query_wins = request(
        &server.addr,
        "GET",
        &format!("/s/{token}?lang=nl"),
        &[("Accept-Language", "en")],
        b"",
    );
    assert!(query_wins.body.contains("<html lang=\"nl\">"));
}

#[test]
fn page_is_small_accessible_and_locked_down() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    let token = dir.tokens(&round, "Noord", 1).remove(0);
    let server = Server::start(&dir, None);
    let page = server.get(&format!("/s/{token}"));
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert!(!page.body.contains("<script"));
    assert!(page.header("set-cookie").is_none());

    // Every radio is inside its label; the comment box has a label.
    assert_eq!(
        page.body.matches("<label><input type=\"radio\"").count(),
        5 * 7
    );
    assert!(page.body.contains("<label for=\"comment\">"));
    assert!(page.body.contains("id=\"comment\""));

    let href = page
        .body
        .split("rel=\"stylesheet\" href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let css = server.get(href);
    assert_eq!(css.status, 200);
    assert!(css.header("cache-control").unwrap().contains("immutable"));
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    let total = page.body.len() + css.body.len();
    assert!(total < 15 * 1024, "page + stylesheet = {total} bytes");
    assert_eq!(server.get("/static/style.000000000000.css").status, 404);

    let health = server.get("/healthz");
    assert_eq!(health.status, 200);
    assert!(health.header("content-security-policy").is_some());
}

#[test]
fn logs_never_contain_a_token() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    let tokens = dir.tokens(&round, "Noord", 2);
    let advisor = dir
        .ok(&["key", "advisor"])
        .lines()
        .last()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let server = Server::start(&dir, Some("trace"));
    server.get(&format!("/a/{advisor}"));
    request(
        &server.addr,
        "GET",
        "/api/v1/teams",
        &[("Authorization", &format!("Bearer {advisor}"))],
        b"",
    );
    request(
        &server.addr,
        "GET",
        "/api/v1/teams",
        &[("Authorization", "Bearer BBBBBBBBBBBBBBBBBBBBBB")],
        b"",
    );
    server.get(&format!("/s/{}", tokens[0]));
    server.post_form(&format!("/s/{}", tokens[0]), FULL);
    server.post_form(&format!("/s/{}", tokens[1]), "pulse-speak=99");
    server.get(&format!("/s/{}?lang=en", tokens[1]));
    server.get("/s/AAAAAAAAAAAAAAAAAAAAAA");
    let log_path = server.stderr.clone();
    assert!(server.stop().success());
    let log = std::fs::read_to_string(log_path).unwrap();
    assert!(
        log.contains("/s/{token}"),
        "the route should be logged: {log}"
    );
    for t in &tokens {
        assert!(!log.contains(t.as_str()), "a token reached the logs");
    }
    assert!(!log.contains("AAAAAAAAAAAAAAAAAAAAAA"));
    assert!(!log.contains(&advisor), "a key reached the logs");
    assert!(!log.contains("BBBBBBBBBBBBBBBBBBBBBB"));
}
