//! The cases for intervisie and the advisor's guide to hesitation: parsing
//! and validation of their two files (pure; format in
//! `conversation/README.md`). Strict like the survey files: unknown keys,
//! missing translations, duplicate ids and the like are errors that name the
//! file, the line and the problem.

use std::collections::HashSet;

use serde::Deserialize;
use toml::Spanned;

use super::survey::{Place, SurveyError, Text, TextList, is_id};

/// Fewest and most discussion questions of a case.
pub const CASE_QUESTIONS: (usize, usize) = (2, 4);
/// Fewest and most curious questions of a hesitation.
pub const HESITATION_QUESTIONS: (usize, usize) = (2, 3);
/// Longest text of any field, in characters (one printed page holds them).
pub const MAX_TEXT: usize = 600;

/// A case or dilemma for a group of managers to discuss.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub id: String,
    pub title: Text,
    pub situation: Text,
    pub questions: TextList,
}

/// A hesitation a manager voices, with what helps the advisor meet it.
#[derive(Debug, Clone, PartialEq)]
pub struct Hesitation {
    pub id: String,
    /// What the manager says ("I don't want to take sides").
    pub says: Text,
    /// What it usually signals.
    pub signals: Text,
    /// Two or three curious questions.
    pub questions: TextList,
    /// One small behaviour to try.
    pub try_this: Text,
    /// The line a manager reads on their own team page.
    pub manager: Text,
}

/// The guide to hesitation.
#[derive(Debug, Clone, PartialEq)]
pub struct Guide {
    /// The heading line for managers ("You don't have to have the answer: ask.").
    pub manager_intro: Text,
    pub hesitations: Vec<Hesitation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCases {
    cases: Spanned<Vec<Spanned<RawCase>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    id: Spanned<String>,
    title: Spanned<Text>,
    situation: Spanned<Text>,
    questions: Spanned<TextList>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGuide {
    manager_intro: Spanned<Text>,
    hesitations: Spanned<Vec<Spanned<RawHesitation>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHesitation {
    id: Spanned<String>,
    says: Spanned<Text>,
    signals: Spanned<Text>,
    questions: Spanned<TextList>,
    #[serde(rename = "try")]
    try_this: Spanned<Text>,
    manager: Spanned<Text>,
}

/// Placing an error at its line, as the survey parser does.
impl Place<'_> {
    fn syntax(&self, e: toml::de::Error) -> SurveyError {
        let message = e.message().trim().to_string();
        self.err(e.span(), message)
    }

    /// A text present and not too long in both languages.
    fn text(&self, t: &Spanned<Text>, what: &str) -> Result<Text, SurveyError> {
        for (lang, s) in [("nl", &t.get_ref().nl), ("en", &t.get_ref().en)] {
            if s.trim().is_empty() {
                return Err(self.err(
                    Some(t.span()),
                    format!("{what} is missing its {lang} translation"),
                ));
            }
            if s.chars().count() > MAX_TEXT {
                return Err(self.err(
                    Some(t.span()),
                    format!("{what} in {lang} is longer than {MAX_TEXT} characters; shorten it"),
                ));
            }
        }
        Ok(t.get_ref().clone())
    }

    /// A list with as many entries in both languages, within `range`, none empty.
    fn list(
        &self,
        l: &Spanned<TextList>,
        what: &str,
        (min, max): (usize, usize),
    ) -> Result<TextList, SurveyError> {
        let v = l.get_ref();
        let fail = |m: String| Err(self.err(Some(l.span()), m));
        if v.nl.len() != v.en.len() {
            return fail(format!(
                "{what} has {} questions in nl but {} in en; translate every question",
                v.nl.len(),
                v.en.len()
            ));
        }
        if !(min..=max).contains(&v.nl.len()) {
            return fail(format!(
                "{what} has {} questions; give {min} to {max}",
                v.nl.len()
            ));
        }
        if v.nl.iter().chain(&v.en).any(|q| q.trim().is_empty()) {
            return fail(format!("{what} has an empty question"));
        }
        if v.nl
            .iter()
            .chain(&v.en)
            .any(|q| q.chars().count() > MAX_TEXT)
        {
            return fail(format!(
                "{what} has a question longer than {MAX_TEXT} characters; shorten it"
            ));
        }
        Ok(v.clone())
    }

    fn id(
        &self,
        id: &Spanned<String>,
        what: &str,
        seen: &mut HashSet<String>,
    ) -> Result<String, SurveyError> {
        let text = id.get_ref();
        if !is_id(text) {
            return Err(self.err(
                Some(id.span()),
                format!("{what} id {text:?} must be lowercase letters, digits and '-'"),
            ));
        }
        if !seen.insert(text.clone()) {
            return Err(self.err(Some(id.span()), format!("duplicate {what} id {text:?}")));
        }
        Ok(text.clone())
    }
}

/// Parses and validates a cases file (`file` names it in errors).
pub fn parse_cases(file: &str, source: &str) -> Result<Vec<Case>, SurveyError> {
    let at = Place { file, source };
    let raw: RawCases = toml::from_str(source).map_err(|e| at.syntax(e))?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for c in raw.cases.get_ref() {
        let c = c.get_ref();
        let id = at.id(&c.id, "case", &mut seen)?;
        out.push(Case {
            title: at.text(&c.title, &format!("title of case {id:?}"))?,
            situation: at.text(&c.situation, &format!("situation of case {id:?}"))?,
            questions: at.list(&c.questions, &format!("case {id:?}"), CASE_QUESTIONS)?,
            id,
        });
    }
    if out.len() < 2 {
        return Err(at.err(
            Some(raw.cases.span()),
            format!(
                "{} case(s): an intervisie sheet discusses two, so give at least two [[cases]]",
                out.len()
            ),
        ));
    }
    Ok(out)
}

/// Parses and validates a hesitations file (`file` names it in errors).
pub fn parse_guide(file: &str, source: &str) -> Result<Guide, SurveyError> {
    let at = Place { file, source };
    let raw: RawGuide = toml::from_str(source).map_err(|e| at.syntax(e))?;
    let manager_intro = at.text(&raw.manager_intro, "manager_intro")?;
    let mut seen = HashSet::new();
    let mut hesitations = Vec::new();
    for h in raw.hesitations.get_ref() {
        let h = h.get_ref();
        let id = at.id(&h.id, "hesitation", &mut seen)?;
        hesitations.push(Hesitation {
            says: at.text(&h.says, &format!("says of hesitation {id:?}"))?,
            signals: at.text(&h.signals, &format!("signals of hesitation {id:?}"))?,
            questions: at.list(
                &h.questions,
                &format!("hesitation {id:?}"),
                HESITATION_QUESTIONS,
            )?,
            try_this: at.text(&h.try_this, &format!("try of hesitation {id:?}"))?,
            manager: at.text(&h.manager, &format!("manager of hesitation {id:?}"))?,
            id,
        });
    }
    if hesitations.is_empty() {
        return Err(at.err(
            Some(raw.hesitations.span()),
            "the guide needs at least one [[hesitations]]".into(),
        ));
    }
    Ok(Guide {
        manager_intro,
        hesitations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASES: &str = include_str!("../../conversation/cases.toml");
    const GUIDE: &str = include_str!("../../conversation/hesitations.toml");

    fn line_containing(text: &str, needle: &str) -> usize {
        text.lines().position(|l| l.contains(needle)).unwrap() + 1
    }

    #[test]
    fn shipped_files_parse() {
        let cases = parse_cases("cases.toml", CASES).unwrap();
        assert_eq!(cases.len(), 4);
        let guide = parse_guide("hesitations.toml", GUIDE).unwrap();
        assert_eq!(guide.hesitations.len(), 4);
        for h in &guide.hesitations {
            assert!((2..=3).contains(&h.questions.en.len()), "{}", h.id);
        }
    }

    #[test]
    fn a_missing_translation_names_its_line() {
        let broken = CASES.replacen(", en = \"A complaint about a well-liked colleague\"", "", 1);
        let e = parse_cases("cases.toml", &broken).unwrap_err();
        assert!(e.message.contains("en"), "{e}");
        assert_eq!(
            e.line,
            Some(line_containing(
                &broken,
                "Een klacht over een geliefde collega"
            ))
        );
        let blank = CASES.replacen(
            "en = \"A complaint about a well-liked colleague\"",
            "en = \" \"",
            1,
        );
        let e = parse_cases("cases.toml", &blank).unwrap_err();
        assert!(e.message.contains("missing its en translation"), "{e}");
        assert!(e.to_string().starts_with("cases.toml:"), "{e}");
    }

    #[test]
    fn duplicates_unknown_keys_and_question_counts() {
        let dup = CASES.replacen("id = \"second-hand\"", "id = \"hurtful-joke\"", 1);
        let e = parse_cases("c.toml", &dup).unwrap_err();
        assert!(e.message.contains("duplicate case id"), "{e}");
        let second = dup.rfind("id = \"hurtful-joke\"").unwrap();
        assert_eq!(e.line, Some(dup[..second].lines().count() + 1), "{e}");
        let extra = GUIDE.replacen(
            "id = \"job-of-hr\"",
            "id = \"job-of-hr\"\ncolour = \"red\"",
            1,
        );
        let e = parse_guide("h.toml", &extra).unwrap_err();
        assert!(e.message.contains("colour"), "{e}");
        assert_eq!(e.line, Some(line_containing(&extra, "colour")));
        let one = GUIDE.replacen(
            "    \"Wie in je omgeving doet dit goed, en wat zegt die?\",\n",
            "",
            1,
        );
        let e = parse_guide("h.toml", &one).unwrap_err();
        assert!(e.message.contains("1 questions in nl but 2 in en"), "{e}");
        let bad_id = GUIDE.replacen("id = \"what-to-say\"", "id = \"What To Say\"", 1);
        let e = parse_guide("h.toml", &bad_id).unwrap_err();
        assert!(e.message.contains("lowercase"), "{e}");
        assert_eq!(e.line, Some(line_containing(&bad_id, "What To Say")));
    }

    #[test]
    fn too_few_cases_and_syntax_errors() {
        let first_two_gone: String = {
            let at = CASES.find("[[cases]]\nid = \"well-liked").unwrap();
            let end = CASES.find("[[cases]]\nid = \"quiet").unwrap();
            let at2 = CASES.find("[[cases]]\nid = \"second-hand").unwrap();
            format!("{}{}", &CASES[..at], &CASES[end..at2])
        };
        let e = parse_cases("c.toml", &first_two_gone);
        assert!(e.is_ok(), "two cases are enough");
        let only_one = &CASES[..CASES.find("[[cases]]\nid = \"well-liked").unwrap()];
        let e = parse_cases("c.toml", only_one).unwrap_err();
        assert!(e.message.contains("at least two"), "{e}");
        let e = parse_guide("h.toml", "manager_intro = ").unwrap_err();
        assert_eq!(e.line, Some(1), "{e}");
    }
}
