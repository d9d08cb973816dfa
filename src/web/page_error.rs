//! The one error type of the HTML handlers: a failure and the language to
//! say it in. Handlers return `Result<_, PageError>` and use `?` (with
//! [`InLang::in_lang`] to name the language), as the API handlers do with
//! their JSON error.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::STYLE_HREF;
use super::limit::UnknownSecret;
use super::pages;
use super::texts::texts;
use crate::domain::lang::Lang;
use crate::storage::StorageError;

/// What went wrong, before it is put into words.
#[derive(Debug)]
pub enum PageFailure {
    /// Nothing at this address.
    NotFound,
    /// An unknown, used or expired link (one answer for all three), counted
    /// by the failure limiter.
    InvalidLink,
    /// A form that cannot be taken: why (in the page's language), and where
    /// to go back to.
    BadForm {
        status: StatusCode,
        detail: String,
        back: String,
    },
    Storage(StorageError),
    /// A chart could not be drawn.
    Chart(crate::charts::Error),
}

impl From<StorageError> for PageFailure {
    fn from(e: StorageError) -> PageFailure {
        PageFailure::Storage(e)
    }
}

#[derive(Debug)]
pub struct PageError {
    pub lang: Lang,
    pub failure: PageFailure,
}

impl PageError {
    pub fn new(lang: Lang, failure: impl Into<PageFailure>) -> PageError {
        PageError {
            lang,
            failure: failure.into(),
        }
    }
}

/// Names the language a failure is told in: `result.in_lang(lang)?`.
pub trait InLang<T> {
    fn in_lang(self, lang: Lang) -> Result<T, PageError>;
}

impl<T, E: Into<PageFailure>> InLang<T> for Result<T, E> {
    fn in_lang(self, lang: Lang) -> Result<T, PageError> {
        self.map_err(|e| PageError::new(lang, e))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let lang = self.lang;
        let t = texts(lang);
        let page = |status: StatusCode, title: &str, lines: &[&str], back: Option<&str>| {
            (
                status,
                pages::message(lang, &STYLE_HREF, title, lines, back),
            )
                .into_response()
        };
        match self.failure {
            PageFailure::NotFound => page(StatusCode::NOT_FOUND, t.not_found_title, &[], None),
            PageFailure::InvalidLink => {
                let mut res = page(
                    StatusCode::NOT_FOUND,
                    t.invalid_title,
                    &[t.invalid_body],
                    None,
                );
                res.extensions_mut().insert(UnknownSecret);
                res
            }
            PageFailure::BadForm {
                status,
                detail,
                back,
            } => page(status, t.bad_title, &[&detail, t.bad_body], Some(&back)),
            PageFailure::Chart(e) => {
                tracing::error!(error = %e, "chart failed");
                page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    t.error_title,
                    &[t.error_body],
                    None,
                )
            }
            PageFailure::Storage(e) => match StatusCode::from(&e) {
                StatusCode::NOT_FOUND => page(StatusCode::NOT_FOUND, t.not_found_title, &[], None),
                status => {
                    tracing::error!(error = %e, "page request failed");
                    page(status, t.error_title, &[t.error_body], None)
                }
            },
        }
    }
}
