//! One person's answers to a survey: validation of the submitted form and the
//! compact stored form (pure).

use super::survey::{MAX_COMMENT_CHARS, Survey};

/// Form value of the "rather not say" choice.
pub const SKIP: &str = "skip";
/// Form field of the open comment.
pub const COMMENT_FIELD: &str = "comment";

/// Validated answers, aligned with the survey's items; `None` = skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    pub values: Vec<Option<u8>>,
    pub comment: Option<String>,
}

/// What is wrong with a submitted form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("unknown question {0:?}")]
    UnknownItem(String),
    #[error("question {item:?} was answered twice")]
    Duplicate { item: String },
    #[error("answer {value:?} to question {item:?} is not on the scale 1 to {points}")]
    OutOfRange {
        item: String,
        value: String,
        points: u8,
    },
    #[error("this survey has no comment field")]
    CommentNotAsked,
    #[error("the comment is {len} characters long; at most {max} fit")]
    CommentTooLong { len: usize, max: usize },
    #[error("the form holds bytes that are not text (not valid UTF-8)")]
    NotText,
    #[error("the comment holds an invisible control character (such as NUL)")]
    ControlCharacter,
}

/// Decodes a form body (`application/x-www-form-urlencoded`) into its fields,
/// refusing bytes that are not UTF-8 where a lenient decoder would put
/// replacement characters.
pub fn parse_form(body: &[u8]) -> Result<Vec<(String, String)>, AnswerError> {
    body.split(|b| *b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = match pair.iter().position(|b| *b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &pair[pair.len()..]),
            };
            Ok((decode(name)?, decode(value)?))
        })
        .collect()
}

/// `+` is a space, `%XX` a byte; a `%` without two hex digits stays as it is.
fn decode(raw: &[u8]) -> Result<String, AnswerError> {
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                raw.get(i + 1).and_then(|b| hex(*b)),
                raw.get(i + 2).and_then(|b| hex(*b)),
            ) {
                (Some(hi), Some(lo)) => {
                    out.push((hi * 16 + lo) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| AnswerError::NotText)
}

impl Answers {
    /// Validates form fields `(name, value)` against the survey.
    pub fn from_form(survey: &Survey, fields: &[(String, String)]) -> Result<Answers, AnswerError> {
        let mut values: Vec<Option<u8>> = vec![None; survey.items.len()];
        let mut seen = vec![false; survey.items.len()];
        let mut comment = None;
        for (name, value) in fields {
            if name == COMMENT_FIELD {
                if survey.comment.is_none() {
                    return Err(AnswerError::CommentNotAsked);
                }
                if comment.is_some() {
                    return Err(AnswerError::Duplicate { item: name.clone() });
                }
                if value
                    .chars()
                    .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                {
                    return Err(AnswerError::ControlCharacter);
                }
                let len = value.chars().count();
                if len > MAX_COMMENT_CHARS {
                    return Err(AnswerError::CommentTooLong {
                        len,
                        max: MAX_COMMENT_CHARS,
                    });
                }
                let trimmed = value.trim();
                comment = Some((!trimmed.is_empty()).then(|| trimmed.replace("\r\n", "\n")));
                continue;
            }
            let Some(index) = survey.items.iter().position(|i| &i.id == name) else {
                return Err(AnswerError::UnknownItem(name.clone()));
            };
            if std::mem::replace(&mut seen[index], true) {
                return Err(AnswerError::Duplicate { item: name.clone() });
            }
            if value == SKIP {
                continue;
            }
            let points = survey.scale.points;
            match value.parse::<u8>() {
                Ok(v) if (1..=points).contains(&v) => values[index] = Some(v),
                _ => {
                    return Err(AnswerError::OutOfRange {
                        item: name.clone(),
                        value: value.chars().take(20).collect(),
                        points,
                    });
                }
            }
        }
        Ok(Answers {
            values,
            comment: comment.flatten(),
        })
    }

    /// Stored form: one byte per item, 0 = skipped.
    pub fn encode(&self) -> Vec<u8> {
        self.values.iter().map(|v| v.unwrap_or(0)).collect()
    }

    pub fn decode(bytes: &[u8]) -> Vec<Option<u8>> {
        bytes.iter().map(|b| (*b != 0).then_some(*b)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn validates_every_field() {
        let pulse = Catalog::load(None).unwrap().get("pulse").unwrap();
        let first = pulse.items[0].id.clone();
        let ok = Answers::from_form(
            &pulse,
            &fields(&[
                (&first, "7"),
                (&pulse.items[1].id, SKIP),
                ("comment", "  hi \r\n "),
            ]),
        )
        .unwrap();
        assert_eq!(ok.values[0], Some(7));
        assert_eq!(ok.values[1], None);
        assert_eq!(ok.comment.as_deref(), Some("hi"));
        assert_eq!(Answers::decode(&ok.encode()), ok.values);
        let empty = Answers::from_form(&pulse, &[]).unwrap();
        assert!(empty.values.iter().all(Option::is_none));

        for bad in ["0", "8", "-1", "3.5", "abc", ""] {
            let e = Answers::from_form(&pulse, &fields(&[(&first, bad)])).unwrap_err();
            assert!(matches!(e, AnswerError::OutOfRange { .. }), "{bad}: {e}");
        }
        assert!(matches!(
            Answers::from_form(&pulse, &fields(&[("nope", "1")])),
            Err(AnswerError::UnknownItem(_))
        ));
        assert!(matches!(
            Answers::from_form(&pulse, &fields(&[(&first, "1"), (&first, "2")])),
            Err(AnswerError::Duplicate { .. })
        ));
        let long = "x".repeat(MAX_COMMENT_CHARS + 1);
        assert!(matches!(
            Answers::from_form(&pulse, &fields(&[("comment", &long)])),
            Err(AnswerError::CommentTooLong { .. })
        ));
        for bad in ["a\0b", "a\u{1b}b", "a\u{85}b"] {
            assert_eq!(
                Answers::from_form(&pulse, &fields(&[("comment", bad)])),
                Err(AnswerError::ControlCharacter),
                "{bad:?}"
            );
        }
        let ps = Catalog::load(None)
            .unwrap()
            .get("psychological-safety")
            .unwrap();
        assert!(matches!(
            Answers::from_form(&ps, &fields(&[("comment", "x")])),
            Err(AnswerError::CommentNotAsked)
        ));
    }

    #[test]
    fn form_bodies_decode_strictly() {
        let f = |pairs: &[(&str, &str)]| fields(pairs);
        assert_eq!(
            parse_form(b"a=1&comment=caf%C3%A9+au+lait&&b=&c").unwrap(),
            f(&[
                ("a", "1"),
                ("comment", "café au lait"),
                ("b", ""),
                ("c", "")
            ])
        );
        assert_eq!(
            parse_form(b"x=100%&y=%2B%zz%4").unwrap(),
            f(&[("x", "100%"), ("y", "+%zz%4")])
        );
        assert_eq!(parse_form(b"").unwrap(), f(&[]));
        for bad in [
            &b"comment=a\xffb"[..],
            b"comment=%FF",
            b"comment=%C3%28",
            b"na%80me=1",
        ] {
            assert_eq!(parse_form(bad), Err(AnswerError::NotText), "{bad:?}");
        }
    }
}
