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
