//! Fuzzing in the normal test run (issue 11): the survey-file parser, the
//! parsers of the conversation files (cases for intervisie, the guide to
//! hesitation) and the form decoder take arbitrary input without panicking,
//! and every rejection is an error with a message. Proptest drives it (modest case counts keep
//! the suite fast); failures it finds are shrunk to a small input.

use proptest::prelude::*;
use spiegel::casebook::{EMBEDDED_CASES, EMBEDDED_GUIDE};
use spiegel::catalog::EMBEDDED;
use spiegel::domain::answers::{Answers, parse_form};
use spiegel::domain::casebook::{parse_cases, parse_guide};
use spiegel::domain::survey::{self, Survey, SurveyError};

/// The shipped surveys' texts.
fn sources() -> Vec<&'static str> {
    EMBEDDED.iter().map(|(_, text)| *text).collect()
}

fn pulse() -> Survey {
    let (name, text) = EMBEDDED.iter().find(|(n, _)| *n == "pulse.toml").unwrap();
    spiegel::catalog::parse_file(name, text).unwrap()
}

/// A rejection must say what is wrong, and where when it has a place.
fn check_survey_error(source: &str, e: &SurveyError) {
    assert!(!e.message.trim().is_empty(), "empty message for {source:?}");
    assert_eq!(e.file, "fuzz.toml");
    if let Some(line) = e.line {
        let lines = source.lines().count().max(1);
        assert!(
            (1..=lines + 1).contains(&line),
            "line {line} of {lines}: {e}"
        );
    }
    assert!(!e.to_string().is_empty());
}

fn parse_survey(source: &str) {
    match survey::parse("fuzz.toml", source, None) {
        Ok(s) => {
            assert!(!s.items.is_empty());
            assert!(s.items.iter().all(|i| s.dimension(&i.dimension).is_some()));
        }
        Err(e) => check_survey_error(source, &e),
    }
}

/// One edit of a valid survey file: cut a range, insert text, or duplicate
/// a line, at a char boundary chosen by `at` (a fraction of the length).
#[derive(Debug, Clone)]
enum Edit {
    Cut(f64, usize),
    Insert(f64, String),
    Repeat(f64),
}

fn edit() -> impl Strategy<Value = Edit> {
    let frac = 0.0..1.0f64;
    prop_oneof![
        (frac.clone(), 0usize..200).prop_map(|(a, n)| Edit::Cut(a, n)),
        (
            frac.clone(),
            prop_oneof![
                "\\PC{0,12}",
                Just("\"".to_string()),
                Just("[[items]]\n".to_string()),
                Just("points = 99\n".to_string()),
                Just("id = \"\"\n".to_string()),
                Just("reverse = 3\n".to_string()),
                Just("= ".to_string()),
                Just("\u{0}".to_string()),
                Just("nl = \"\"\n".to_string()),
            ]
        )
            .prop_map(|(a, s)| Edit::Insert(a, s)),
        frac.prop_map(Edit::Repeat),
    ]
}

fn boundary(s: &str, at: f64) -> usize {
    let mut i = ((s.len() as f64) * at) as usize;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(source: &str, edits: &[Edit]) -> String {
    let mut s = source.to_string();
    for e in edits {
        match e {
            Edit::Cut(at, n) => {
                let a = boundary(&s, *at);
                let b = boundary(&s, ((a + n) as f64 / s.len().max(1) as f64).min(1.0));
                if b > a {
                    s.replace_range(a..b, "");
                }
            }
            Edit::Insert(at, text) => {
                let a = boundary(&s, *at);
                s.insert_str(a, text);
            }
            Edit::Repeat(at) => {
                let a = boundary(&s, *at);
                let start = s[..a].rfind('\n').map_or(0, |i| i + 1);
                let end = s[a..].find('\n').map_or(s.len(), |i| a + i + 1);
                let line = s[start..end].to_string();
                s.insert_str(end, &line);
            }
        }
    }
    s
}

/// Form fields a phone could send, and worse: known names with odd values,
/// unknown names, encodings, repeats.
fn form_body() -> impl Strategy<Value = Vec<u8>> {
    let name = prop_oneof![
        Just("pulse-speak".to_string()),
        Just("pulse-keep-quiet".to_string()),
        Just("pulse-mistakes".to_string()),
        Just("pulse-heard".to_string()),
        Just("pulse-unwanted-behaviour".to_string()),
        Just("comment".to_string()),
        Just("pulse%2Dspeak".to_string()),
        "[a-z%+=-]{0,12}",
    ];
    let value = prop_oneof![
        (0u16..300).prop_map(|v| v.to_string()),
        Just("skip".to_string()),
        Just("%FF%FE".to_string()),
        Just("%00".to_string()),
        Just("%".to_string()),
        Just("%e2%80%ae".to_string()),
        Just("+".to_string()),
        "\\PC{0,30}",
        "[0-9%a-fA-F+]{0,10}",
    ];
    proptest::collection::vec((name, value, any::<bool>()), 0..10).prop_map(|pairs| {
        let mut body = Vec::new();
        for (i, (n, v, with_eq)) in pairs.into_iter().enumerate() {
            if i > 0 {
                body.push(b'&');
            }
            body.extend(n.as_bytes());
            if with_eq {
                body.push(b'=');
                body.extend(v.as_bytes());
            }
        }
        body
    })
}

fn decode_form(survey: &Survey, body: &[u8]) {
    let fields = match parse_form(body) {
        Ok(fields) => fields,
        Err(e) => {
            assert!(!e.to_string().trim().is_empty(), "empty error for {body:?}");
            return;
        }
    };
    match Answers::from_form(survey, &fields) {
        Ok(a) => {
            assert_eq!(a.values.len(), survey.items.len());
            assert!(
                a.values
                    .iter()
                    .flatten()
                    .all(|v| (1..=survey.scale.points).contains(v))
            );
            // What is stored reads back as it was.
            assert_eq!(Answers::decode(&a.encode()), a.values);
            if let Some(c) = &a.comment {
                assert!(!c.trim().is_empty());
                assert!(!c.contains('\0'));
            }
        }
        Err(e) => assert!(!e.to_string().trim().is_empty(), "empty error for {body:?}"),
    }
}

/// Both conversation files' parsers on one text: a result, or an error
/// with a message and, where it has one, a line inside the text.
fn parse_conversation(source: &str) {
    if let Err(e) = parse_cases("fuzz.toml", source) {
        check_survey_error(source, &e);
    }
    if let Err(e) = parse_guide("fuzz.toml", source) {
        check_survey_error(source, &e);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn conversation_parsers_take_arbitrary_text(source in "\\PC{0,400}") {
        parse_conversation(&source);
    }

    #[test]
    fn conversation_parsers_take_damaged_files(
        which in 0usize..2,
        edits in proptest::collection::vec(edit(), 1..4),
    ) {
        let source = apply([EMBEDDED_CASES, EMBEDDED_GUIDE][which], &edits);
        parse_conversation(&source);
    }

    #[test]
    fn survey_parser_takes_arbitrary_text(source in "\\PC{0,400}") {
        parse_survey(&source);
    }

    #[test]
    fn survey_parser_takes_arbitrary_bytes_as_text(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        parse_survey(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn survey_parser_takes_damaged_survey_files(
        which in 0usize..8,
        edits in proptest::collection::vec(edit(), 1..4),
    ) {
        let sources = sources();
        let source = apply(sources[which % sources.len()], &edits);
        parse_survey(&source);
    }

    #[test]
    fn form_decoder_takes_arbitrary_bytes(body in proptest::collection::vec(any::<u8>(), 0..300)) {
        decode_form(&pulse(), &body);
    }

    #[test]
    fn form_decoder_takes_hostile_forms(body in form_body()) {
        decode_form(&pulse(), &body);
    }
}

#[test]
fn edge_cases_of_the_parsers_are_errors_with_messages() {
    for source in [
        "",
        "\u{feff}",
        "id = 1",
        "[[items]]",
        "\0",
        "id = \"pulse\"\nid = \"x\"",
    ] {
        let e = survey::parse("fuzz.toml", source, None).unwrap_err();
        check_survey_error(source, &e);
    }
    let survey = pulse();
    for body in [
        &b"pulse-speak=8"[..],
        b"pulse-speak=1&pulse-speak=2",
        b"nope=1",
        b"comment=%00",
        b"pulse-speak=%FF",
        b"comment=a&comment=b",
    ] {
        let fields = parse_form(body);
        let err = fields
            .map_err(|e| e.to_string())
            .and_then(|f| Answers::from_form(&survey, &f).map_err(|e| e.to_string()))
            .unwrap_err();
        assert!(!err.is_empty(), "{body:?}");
    }
}
