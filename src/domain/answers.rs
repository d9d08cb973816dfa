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
        let ps = Catalog::load(None)
            .unwrap()
            .get("psychological-safety")
            .unwrap();
        assert!(matches!(
            Answers::from_form(&ps, &fields(&[("comment", "x")])),
            Err(AnswerError::CommentNotAsked)
        ));
    }
}
