//! Survey files: parsing and validation (pure).
//!
//! A survey is a TOML file (format in `surveys/README.md`). Parsing is strict:
//! unknown keys, missing translations, duplicate ids and the like are errors
//! that name the file, the line and the problem.

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::lang::Lang;

/// Longest comment accepted, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;

/// A text in both languages.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub nl: String,
    pub en: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nl => &self.nl,
            Lang::En => &self.en,
        }
    }
}

/// A list of texts in both languages.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TextList {
    pub nl: Vec<String>,
    pub en: Vec<String>,
}

impl TextList {
    pub fn get(&self, lang: Lang) -> &[String] {
        match lang {
            Lang::Nl => &self.nl,
            Lang::En => &self.en,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    pub points: u8,
    pub labels: TextList,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dimension {
    pub id: String,
    pub name: Text,
    pub prompts: TextList,
    /// The conversation sheet's question when views in the team differ;
    /// none: the sheet asks a general one.
    pub spread: Option<Text>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: String,
    pub dimension: String,
    pub reverse: bool,
    pub text: Text,
    /// One behaviour to keep doing, for the sheet's "what goes well".
    pub keep_doing: Option<Text>,
    /// The item as an observation of behaviour and its effect, for the
    /// sheet's "where it chafes".
    pub observation: Option<Text>,
    /// The same observation when the item went down since the previous
    /// round by more than the noise.
    pub observation_down: Option<Text>,
}

/// Longest sentence for the conversation sheet (`keep_doing`,
/// `observation`, `observation_down`, `spread`), in characters: the sheet
/// must fit on one A4 page.
pub const MAX_SHEET_SENTENCE_CHARS: usize = 200;

/// A validated survey.
#[derive(Debug, Clone, PartialEq)]
pub struct Survey {
    pub id: String,
    pub version: u32,
    pub title: Text,
    pub intro: Text,
    pub thanks: Text,
    pub scale: Scale,
    pub dimensions: Vec<Dimension>,
    pub items: Vec<Item>,
    /// The open comment question, when the survey asks for comments.
    pub comment: Option<Text>,
    /// blake3 of the file's bytes, hex.
    pub hash: String,
    /// The file's text, stored with a round so that past rounds never change.
    pub source: String,
}

impl Survey {
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }
    pub fn dimension(&self, id: &str) -> Option<&Dimension> {
        self.dimensions.iter().find(|d| d.id == id)
    }
}

/// A survey file that could not be read, with the place of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyError {
    pub file: String,
    /// 1-based line, when the problem has a place in the file.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for SurveyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for SurveyError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSurvey {
    id: Spanned<String>,
    version: Spanned<i64>,
    title: Spanned<Text>,
    intro: Spanned<Text>,
    thanks: Spanned<Text>,
    scale: Spanned<RawScale>,
    dimensions: Spanned<Vec<Spanned<RawDimension>>>,
    items: Spanned<Vec<Spanned<RawItem>>>,
    comment: Option<Spanned<Text>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScale {
    points: Spanned<i64>,
    labels: Spanned<TextList>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDimension {
    id: Spanned<String>,
    name: Spanned<Text>,
    prompts: Spanned<TextList>,
    spread: Option<Spanned<Text>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Spanned<String>,
    dimension: Spanned<String>,
    #[serde(default)]
    reverse: bool,
    text: Spanned<Text>,
    keep_doing: Option<Spanned<Text>>,
    observation: Option<Spanned<Text>>,
    observation_down: Option<Spanned<Text>>,
}

/// Parses and validates one survey file. `file` names it in errors; when
/// `expected_id` is given (the file stem), the survey's id must equal it.
pub fn parse(file: &str, source: &str, expected_id: Option<&str>) -> Result<Survey, SurveyError> {
    let at = Place { file, source };
    let raw: RawSurvey = toml::from_str(source).map_err(|e| {
        let message = e.message().trim().to_string();
        at.err(e.span(), message)
    })?;
    let version = check_heading(&at, &raw, expected_id)?;
    let points = check_scale(&at, &raw.scale)?;
    let dimensions = dimensions(&at, &raw.dimensions)?;
    let items = items(&at, &raw.items, &dimensions)?;
    if let Some(d) = dimensions
        .iter()
        .find(|d| !items.iter().any(|i| i.dimension == d.id))
    {
        return Err(at.err(
            None,
            format!("dimension {:?} has no items; remove it or add items", d.id),
        ));
    }
    Ok(Survey {
        id: raw.id.into_inner(),
        version,
        title: raw.title.into_inner(),
        intro: raw.intro.into_inner(),
        thanks: raw.thanks.into_inner(),
        scale: Scale {
            points,
            labels: raw.scale.into_inner().labels.into_inner(),
        },
        dimensions,
        items,
        comment: raw.comment.map(Spanned::into_inner),
        hash: content_hash(source),
        source: source.to_string(),
    })
}

/// The file being parsed, to place an error at the line of a span (survey
/// files and the conversation files).
pub(crate) struct Place<'a> {
    pub(crate) file: &'a str,
    pub(crate) source: &'a str,
}

impl Place<'_> {
    pub(crate) fn err(&self, span: Option<Range<usize>>, message: String) -> SurveyError {
        SurveyError {
            file: self.file.to_string(),
            line: span.map(|s| line_of(self.source, s.start)),
            message,
        }
    }
}

/// The id (and the file name it must match), the version and the texts
/// around the questions; returns the version.
fn check_heading(
    at: &Place,
    raw: &RawSurvey,
    expected_id: Option<&str>,
) -> Result<u32, SurveyError> {
    if !is_id(raw.id.get_ref()) {
        return Err(at.err(
            Some(raw.id.span()),
            format!(
                "survey id {:?} must be lowercase letters, digits and '-'",
                raw.id.get_ref()
            ),
        ));
    }
    if let Some(expected) = expected_id
        && raw.id.get_ref() != expected
    {
        return Err(at.err(
            Some(raw.id.span()),
            format!(
                "survey id {:?} must equal the file name {:?}",
                raw.id.get_ref(),
                expected
            ),
        ));
    }
    let version = u32::try_from(*raw.version.get_ref())
        .ok()
        .filter(|v| *v >= 1)
        .ok_or_else(|| {
            at.err(
                Some(raw.version.span()),
                "version must be a whole number of at least 1".into(),
            )
        })?;
    for (name, text) in [
        ("title", &raw.title),
        ("intro", &raw.intro),
        ("thanks", &raw.thanks),
    ] {
        check_text(text, name).map_err(|m| at.err(Some(text.span()), m))?;
    }
    if let Some(comment) = &raw.comment {
        check_text(comment, "comment").map_err(|m| at.err(Some(comment.span()), m))?;
    }
    Ok(version)
}

/// An odd number of points with one label per point in each language;
/// returns the number of points.
fn check_scale(at: &Place, scale: &Spanned<RawScale>) -> Result<u8, SurveyError> {
    let scale = scale.get_ref();
    let points = u8::try_from(*scale.points.get_ref())
        .ok()
        .filter(|p| (3..=11).contains(p) && p % 2 == 1)
        .ok_or_else(|| {
            at.err(
                Some(scale.points.span()),
                "scale points must be an odd number from 3 to 11 (it needs a neutral midpoint)"
                    .into(),
            )
        })?;
    for (lang, labels) in [
        ("nl", &scale.labels.get_ref().nl),
        ("en", &scale.labels.get_ref().en),
    ] {
        if labels.len() != usize::from(points) {
            return Err(at.err(
                Some(scale.labels.span()),
                format!(
                    "scale has {points} points but {} labels in {lang}; give exactly one label per point",
                    labels.len()
                ),
            ));
        }
        if labels.iter().any(|l| l.trim().is_empty()) {
            return Err(at.err(
                Some(scale.labels.span()),
                format!("a scale label in {lang} is empty"),
            ));
        }
    }
    Ok(points)
}

/// The dimensions, each with a unique id, a name and its prompts in both
/// languages; at least one.
fn dimensions(
    at: &Place,
    raw: &Spanned<Vec<Spanned<RawDimension>>>,
) -> Result<Vec<Dimension>, SurveyError> {
    let mut dimensions = Vec::new();
    let mut seen = HashSet::new();
    for d in raw.get_ref() {
        let d = d.get_ref();
        let id = d.id.get_ref();
        check_id(at, &d.id, "dimension", &mut seen)?;
        check_text(&d.name, &format!("name of dimension {id:?}"))
            .map_err(|m| at.err(Some(d.name.span()), m))?;
        let prompts = d.prompts.get_ref();
        if prompts.nl.len() != prompts.en.len() {
            return Err(at.err(
                Some(d.prompts.span()),
                format!(
                    "dimension {id:?} has {} prompts in nl but {} in en; translate every prompt",
                    prompts.nl.len(),
                    prompts.en.len()
                ),
            ));
        }
        if prompts
            .nl
            .iter()
            .chain(&prompts.en)
            .any(|p| p.trim().is_empty())
        {
            return Err(at.err(
                Some(d.prompts.span()),
                format!("dimension {id:?} has an empty prompt"),
            ));
        }
        let spread = sheet_sentence(
            at,
            d.spread.as_ref(),
            &format!("spread of dimension {id:?}"),
        )?;
        dimensions.push(Dimension {
            id: id.clone(),
            name: d.name.get_ref().clone(),
            prompts: prompts.clone(),
            spread,
        });
    }
    if dimensions.is_empty() {
        return Err(at.err(
            Some(raw.span()),
            "a survey needs at least one dimension".into(),
        ));
    }
    Ok(dimensions)
}

/// The items, each with a unique id, a known dimension and its text in both
/// languages; 1 to 30 of them.
fn items(
    at: &Place,
    raw: &Spanned<Vec<Spanned<RawItem>>>,
    dimensions: &[Dimension],
) -> Result<Vec<Item>, SurveyError> {
    let mut items = Vec::new();
    let mut seen = HashSet::new();
    for i in raw.get_ref() {
        let i = i.get_ref();
        let id = i.id.get_ref();
        check_id(at, &i.id, "item", &mut seen)?;
        let dim = i.dimension.get_ref();
        if !dimensions.iter().any(|d| &d.id == dim) {
            let known: Vec<&str> = dimensions.iter().map(|d| d.id.as_str()).collect();
            return Err(at.err(
                Some(i.dimension.span()),
                format!(
                    "item {id:?} names unknown dimension {dim:?}; known dimensions: {}",
                    known.join(", ")
                ),
            ));
        }
        check_text(&i.text, &format!("text of item {id:?}"))
            .map_err(|m| at.err(Some(i.text.span()), m))?;
        let keep_doing = sheet_sentence(
            at,
            i.keep_doing.as_ref(),
            &format!("keep_doing of item {id:?}"),
        )?;
        let observation = sheet_sentence(
            at,
            i.observation.as_ref(),
            &format!("observation of item {id:?}"),
        )?;
        let observation_down = sheet_sentence(
            at,
            i.observation_down.as_ref(),
            &format!("observation_down of item {id:?}"),
        )?;
        if let (Some(down), None) = (&i.observation_down, &observation) {
            return Err(at.err(
                Some(down.span()),
                format!(
                    "item {id:?} has an observation_down but no observation; add the \
                     observation the sheet uses when the item did not go down"
                ),
            ));
        }
        items.push(Item {
            id: id.clone(),
            dimension: dim.clone(),
            reverse: i.reverse,
            text: i.text.get_ref().clone(),
            keep_doing,
            observation,
            observation_down,
        });
    }
    if items.is_empty() {
        return Err(at.err(Some(raw.span()), "a survey needs at least one item".into()));
    }
    if items.len() > 30 {
        return Err(at.err(
            Some(raw.span()),
            format!(
                "{} items is too many for a pulse survey; keep it to 30 at most",
                items.len()
            ),
        ));
    }
    Ok(items)
}

/// A dimension's or item's id: well formed and not seen before.
fn check_id(
    at: &Place,
    id: &Spanned<String>,
    what: &str,
    seen: &mut HashSet<String>,
) -> Result<(), SurveyError> {
    let text = id.get_ref();
    if !is_id(text) {
        return Err(at.err(
            Some(id.span()),
            format!("{what} id {text:?} must be lowercase letters, digits and '-'"),
        ));
    }
    if !seen.insert(text.clone()) {
        return Err(at.err(Some(id.span()), format!("duplicate {what} id {text:?}")));
    }
    Ok(())
}

/// blake3 of a survey file's text, hex encoded.
pub fn content_hash(source: &str) -> String {
    blake3::hash(source.as_bytes()).to_hex().to_string()
}

fn check_text(text: &Spanned<Text>, what: &str) -> Result<(), String> {
    let t = text.get_ref();
    for (lang, s) in [("nl", &t.nl), ("en", &t.en)] {
        if s.trim().is_empty() {
            return Err(format!("{what} is missing its {lang} translation"));
        }
    }
    Ok(())
}

/// An optional sentence for the conversation sheet: when given, both
/// languages are non-empty, short enough for the A4 sheet, and on one line.
fn sheet_sentence(
    at: &Place,
    text: Option<&Spanned<Text>>,
    what: &str,
) -> Result<Option<Text>, SurveyError> {
    let Some(text) = text else {
        return Ok(None);
    };
    check_text(text, what).map_err(|m| at.err(Some(text.span()), m))?;
    let t = text.get_ref();
    for (lang, s) in [("nl", &t.nl), ("en", &t.en)] {
        let n = s.chars().count();
        if n > MAX_SHEET_SENTENCE_CHARS {
            return Err(at.err(
                Some(text.span()),
                format!(
                    "{what} in {lang} has {n} characters; keep it to \
                     {MAX_SHEET_SENTENCE_CHARS} at most so the conversation sheet fits on one page"
                ),
            ));
        }
        if s.contains('\n') {
            return Err(at.err(
                Some(text.span()),
                format!("{what} in {lang} spans several lines; write one sentence on one line"),
            ));
        }
    }
    Ok(Some(t.clone()))
}

/// What the conversation sheet misses in a survey: per kind of sentence the
/// items (or dimensions) without one, where the sheet uses a general
/// sentence instead. Empty when the survey has them all.
pub fn missing_sheet_sentences(s: &Survey) -> Vec<(&'static str, Vec<&str>)> {
    let items = |f: fn(&Item) -> bool| -> Vec<&str> {
        s.items
            .iter()
            .filter(|i| f(i))
            .map(|i| i.id.as_str())
            .collect()
    };
    let missing = [
        ("keep_doing", items(|i| i.keep_doing.is_none())),
        ("observation", items(|i| i.observation.is_none())),
        ("observation_down", items(|i| i.observation_down.is_none())),
        (
            "spread",
            s.dimensions
                .iter()
                .filter(|d| d.spread.is_none())
                .map(|d| d.id.as_str())
                .collect(),
        ),
    ];
    missing
        .into_iter()
        .filter(|(_, ids)| !ids.is_empty())
        .collect()
}

/// Ids are lowercase ASCII letters, digits and '-', 1 to 64 characters.
pub fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

pub(crate) fn line_of(source: &str, offset: usize) -> usize {
    source.as_bytes()[..offset.min(source.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"id = "mini"
version = 1
title = { nl = "Titel", en = "Title" }
intro = { nl = "Intro", en = "Intro" }
thanks = { nl = "Dank", en = "Thanks" }

[scale]
points = 3
labels = { nl = ["oneens", "neutraal", "eens"], en = ["disagree", "neutral", "agree"] }

[[dimensions]]
id = "d1"
name = { nl = "Een", en = "One" }
prompts = { nl = ["Vraag?"], en = ["Question?"] }

[[items]]
id = "a"
dimension = "d1"
reverse = true
text = { nl = "Stelling A", en = "Statement A" }

[[items]]
id = "b"
dimension = "d1"
text = { nl = "Stelling B", en = "Statement B" }
"#;

    fn broken(from: &str, to: &str) -> SurveyError {
        assert!(GOOD.contains(from), "test edit {from:?} does not apply");
        parse("mini.toml", &GOOD.replacen(from, to, 1), Some("mini")).unwrap_err()
    }

    fn line_containing(text: &str, needle: &str) -> usize {
        text.lines().position(|l| l.contains(needle)).unwrap() + 1
    }

    #[test]
    fn good_file_parses_with_hash() {
        let s = parse("mini.toml", GOOD, Some("mini")).unwrap();
        assert_eq!(s.items.len(), 2);
        assert!(s.items[0].reverse && !s.items[1].reverse);
        assert_eq!(s.hash, blake3::hash(GOOD.as_bytes()).to_hex().to_string());
        assert!(s.comment.is_none());
    }

    #[test]
    fn unknown_dimension_names_line_and_known_ones() {
        let e = broken(
            "dimension = \"d1\"\ntext = { nl = \"Stelling B\"",
            "dimension = \"d9\"\ntext = { nl = \"Stelling B\"",
        );
        assert_eq!(e.file, "mini.toml");
        assert!(e.message.contains("unknown dimension \"d9\""), "{e}");
        assert!(e.message.contains("d1"), "{e}");
        let text = GOOD.replacen(
            "dimension = \"d1\"\ntext = { nl = \"Stelling B\"",
            "dimension = \"d9\"\ntext = { nl = \"Stelling B\"",
            1,
        );
        assert_eq!(e.line, Some(line_containing(&text, "d9")));
        assert!(
            e.to_string()
                .starts_with(&format!("mini.toml:{}:", e.line.unwrap()))
        );
    }

    #[test]
    fn duplicate_item_id() {
        let e = broken("id = \"b\"", "id = \"a\"");
        assert!(e.message.contains("duplicate item id \"a\""), "{e}");
        assert_eq!(e.line, Some(line_containing(GOOD, "id = \"b\"")));
    }

    #[test]
    fn missing_translation() {
        let e = broken(
            "text = { nl = \"Stelling B\", en = \"Statement B\" }",
            "text = { nl = \"Stelling B\" }",
        );
        assert!(e.message.contains("en"), "{e}");
        assert_eq!(e.line, Some(line_containing(GOOD, "Stelling B")));
        let e = broken("en = \"Statement B\"", "en = \" \"");
        assert!(e.message.contains("missing its en translation"), "{e}");
    }

    #[test]
    fn label_count_must_match_points() {
        let e = broken("points = 3", "points = 5");
        assert!(e.message.contains("5 points but 3 labels"), "{e}");
        assert_eq!(e.line, Some(line_containing(GOOD, "labels =")));
        let e = broken("points = 3", "points = 4");
        assert!(e.message.contains("odd number"), "{e}");
    }

    #[test]
    fn syntax_errors_unknown_keys_and_wrong_types_have_lines() {
        let e = broken("version = 1", "version = ");
        assert_eq!(e.line, Some(2), "{e}");
        let e = broken("reverse = true", "reverse = true\ncolour = \"red\"");
        assert!(e.message.contains("colour"), "{e}");
        assert_eq!(e.line, Some(line_containing(GOOD, "reverse = true") + 1));
        let e = broken("reverse = true", "reverse = \"yes\"");
        assert_eq!(e.line, Some(line_containing(GOOD, "reverse = true")), "{e}");
        let e = broken("version = 1", "version = 0");
        assert!(e.message.contains("version"), "{e}");
    }

    #[test]
    fn ids_and_structure() {
        let e = broken("id = \"mini\"", "id = \"Mini Survey\"");
        assert!(e.message.contains("lowercase"), "{e}");
        let e = parse("other.toml", GOOD, Some("other")).unwrap_err();
        assert!(e.message.contains("file name"), "{e}");
        let e = broken("id = \"d1\"", "id = \"d2\"");
        assert!(e.message.contains("unknown dimension"), "{e}");
        let e = broken(
            "prompts = { nl = [\"Vraag?\"], en = [\"Question?\"] }",
            "prompts = { nl = [\"Vraag?\"], en = [] }",
        );
        assert!(e.message.contains("1 prompts in nl but 0 in en"), "{e}");
        let extra_dim = GOOD.replacen(
            "[[items]]",
            "[[dimensions]]\nid = \"d1\"\nname = { nl = \"X\", en = \"X\" }\nprompts = { nl = [], en = [] }\n\n[[items]]",
            1,
        );
        let e = parse("mini.toml", &extra_dim, Some("mini")).unwrap_err();
        assert!(e.message.contains("duplicate dimension id"), "{e}");
        let unused_dim = GOOD.replacen(
            "[[items]]",
            "[[dimensions]]\nid = \"d2\"\nname = { nl = \"X\", en = \"X\" }\nprompts = { nl = [], en = [] }\n\n[[items]]",
            1,
        );
        let e = parse("mini.toml", &unused_dim, Some("mini")).unwrap_err();
        assert!(e.message.contains("\"d2\" has no items"), "{e}");
    }

    #[test]
    fn comment_question_is_optional_and_checked() {
        let with = format!("{GOOD}\n[comment]\nnl = \"Nog iets?\"\nen = \"Anything else?\"\n");
        assert!(
            parse("mini.toml", &with, Some("mini"))
                .unwrap()
                .comment
                .is_some()
        );
        let half = format!("{GOOD}\n[comment]\nnl = \"Nog iets?\"\n");
        let e = parse("mini.toml", &half, Some("mini")).unwrap_err();
        assert!(e.message.contains("en"), "{e}");
    }

    const SHEET: &str = r#"keep_doing = { nl = "Blijf dit doen.", en = "Keep doing this." }
observation = { nl = "Minder collega's merken dit.", en = "Fewer colleagues notice this." }
observation_down = { nl = "Minder dan vorige keer.", en = "Fewer than last time." }
"#;

    /// GOOD with the sheet's sentences on item "b" and a spread question.
    fn with_sentences() -> String {
        GOOD.replacen(
            "text = { nl = \"Stelling B\", en = \"Statement B\" }\n",
            &format!("text = {{ nl = \"Stelling B\", en = \"Statement B\" }}\n{SHEET}"),
            1,
        )
        .replacen(
            "prompts = { nl = [\"Vraag?\"], en = [\"Question?\"] }\n",
            "prompts = { nl = [\"Vraag?\"], en = [\"Question?\"] }\nspread = { nl = \"Waarom verschilt dit?\", en = \"Why does this differ?\" }\n",
            1,
        )
    }

    #[test]
    fn sheet_sentences_are_optional_and_read_when_given() {
        let plain = parse("mini.toml", GOOD, Some("mini")).unwrap();
        assert!(plain.items.iter().all(|i| i.keep_doing.is_none()
            && i.observation.is_none()
            && i.observation_down.is_none()));
        assert!(plain.dimensions[0].spread.is_none());
        let missing = missing_sheet_sentences(&plain);
        assert_eq!(missing.len(), 4, "{missing:?}");
        assert_eq!(missing[0], ("keep_doing", vec!["a", "b"]));
        assert_eq!(missing[3], ("spread", vec!["d1"]));

        let text = with_sentences();
        let s = parse("mini.toml", &text, Some("mini")).unwrap();
        let b = s.item("b").unwrap();
        assert_eq!(
            b.keep_doing.as_ref().unwrap().get(Lang::En),
            "Keep doing this."
        );
        assert_eq!(
            b.observation.as_ref().unwrap().get(Lang::Nl),
            "Minder collega's merken dit."
        );
        assert_eq!(
            b.observation_down.as_ref().unwrap().get(Lang::En),
            "Fewer than last time."
        );
        assert_eq!(
            s.dimensions[0].spread.as_ref().unwrap().get(Lang::Nl),
            "Waarom verschilt dit?"
        );
        // Only item "a" lacks its sentences now.
        assert_eq!(
            missing_sheet_sentences(&s),
            vec![
                ("keep_doing", vec!["a"]),
                ("observation", vec!["a"]),
                ("observation_down", vec!["a"])
            ]
        );
    }

    #[test]
    fn a_broken_sheet_sentence_names_its_line_and_problem() {
        let text = with_sentences();
        let edit = |from: &str, to: &str| {
            assert!(text.contains(from), "test edit {from:?} does not apply");
            let t = text.replacen(from, to, 1);
            (parse("mini.toml", &t, Some("mini")).unwrap_err(), t)
        };
        // A missing translation.
        let (e, t) = edit(", en = \"Keep doing this.\"", "");
        assert!(e.message.contains("missing field `en`"), "{e}");
        assert_eq!(e.line, Some(line_containing(&t, "keep_doing")));
        // An empty one.
        let (e, t) = edit("en = \"Fewer colleagues notice this.\"", "en = \"  \"");
        assert!(e.message.contains("observation of item \"b\""), "{e}");
        assert!(e.message.contains("en translation"), "{e}");
        assert_eq!(e.line, Some(line_containing(&t, "observation =")));
        // Too long for the sheet.
        let long = "x".repeat(MAX_SHEET_SENTENCE_CHARS + 1);
        let (e, t) = edit("Why does this differ?", &long);
        assert!(
            e.message
                .contains("spread of dimension \"d1\" in en has 201 characters"),
            "{e}"
        );
        assert!(e.message.contains("one page"), "{e}");
        assert_eq!(e.line, Some(line_containing(&t, "spread =")));
        // A down variant without the plain observation.
        let (e, t) = edit(
            "observation = { nl = \"Minder collega's merken dit.\", en = \"Fewer colleagues notice this.\" }\n",
            "",
        );
        assert!(
            e.message.contains("observation_down but no observation"),
            "{e}"
        );
        assert_eq!(e.line, Some(line_containing(&t, "observation_down")));
        // A wrong type, an unknown key.
        let (e, t) = edit("keep_doing = {", "keep_doing = \"Blijf\"\nx = {");
        assert_eq!(e.line, Some(line_containing(&t, "keep_doing")), "{e}");
        let (e, t) = edit("keep_doing = {", "keep_doen = {");
        assert!(e.message.contains("keep_doen"), "{e}");
        assert_eq!(e.line, Some(line_containing(&t, "keep_doen")), "{e}");
        // Several lines.
        let (e, _) = edit("Keep doing this.", "Keep\\ndoing this.");
        assert!(e.message.contains("one line"), "{e}");
    }
}
