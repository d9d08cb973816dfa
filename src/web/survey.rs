//! The employee's phone form: `GET/POST /s/{token}` and the thank-you page.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;

use super::extract::Language;
use super::page_error::{InLang, PageError, PageFailure};
use super::pages::{self, FormPage};
use super::texts::{Texts, texts};
use super::{AppState, STYLE_HREF};
use crate::domain::answers::{self, Answers};
use crate::domain::survey::{self, Survey};
use crate::domain::token;
use crate::storage::{self, FormContext};

pub async fn form(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Language(lang): Language,
) -> Result<Response, PageError> {
    let (ctx, survey) = live(&state, &token).await.in_lang(lang)?;
    let action = format!("/s/{token}?lang={}", lang.code());
    Ok(pages::survey_form(&FormPage {
        lang,
        survey: &survey,
        team: &ctx.team_name,
        k: ctx.k,
        action: &action,
        style_href: &STYLE_HREF,
    })
    .into_response())
}

pub async fn submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Language(lang): Language,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, PageError> {
    let t = texts(lang);
    // The link is judged first: an invalid link gets the same answer whatever
    // was sent with it.
    let (ctx, survey) = live(&state, &token).await.in_lang(lang)?;
    let back = format!("/s/{token}?lang={}", lang.code());
    let bad_form = |status: StatusCode, detail: &str| {
        PageError::new(
            lang,
            PageFailure::BadForm {
                status,
                detail: detail.to_string(),
                back: back.clone(),
            },
        )
    };
    if !is_form(&headers) {
        return Err(bad_form(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            t.form_not_urlencoded,
        ));
    }
    let body = body.map_err(|rejection| {
        let (status, detail) = unreadable(t, rejection.status());
        bad_form(status, detail)
    })?;
    let answers = answers::parse_form(&body)
        .and_then(|f| Answers::from_form(&survey, &f))
        .map_err(|e| bad_form(StatusCode::BAD_REQUEST, &(t.answer_problem)(&e)))?;
    let stored = state
        .db
        .submit(
            token::hash_secret(&token),
            ctx.round_id,
            answers.encode(),
            answers.comment,
        )
        .await
        .in_lang(lang)?;
    if !stored {
        return Err(PageError::new(lang, PageFailure::InvalidLink));
    }
    Ok(Redirect::to(&format!("/done/{}?lang={}", ctx.round_id, lang.code())).into_response())
}

/// Whether the request says it carries an HTML form.
fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// The status and explanation for a body that could not be read.
fn unreadable(t: &Texts, status: StatusCode) -> (StatusCode, &'static str) {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        (StatusCode::PAYLOAD_TOO_LARGE, t.form_too_large)
    } else {
        (StatusCode::BAD_REQUEST, t.form_unreadable)
    }
}

/// The thank-you page: no token in its URL, only the round (for its text);
/// it exists for the rounds that exist.
pub async fn done(
    State(state): State<AppState>,
    Path(round): Path<String>,
    Language(lang): Language,
) -> Result<Response, PageError> {
    let t = texts(lang);
    let round = round
        .parse::<i64>()
        .map_err(|_| PageError::new(lang, PageFailure::NotFound))?;
    let survey = round_survey(&state, round).await.in_lang(lang)?;
    let thanks = survey.thanks.get(lang);
    let lines: Vec<&str> = [thanks, t.thanks_body]
        .into_iter()
        .filter(|l| !l.is_empty())
        .collect();
    Ok(pages::message(lang, &STYLE_HREF, t.thanks_title, &lines, None).into_response())
}

/// The live invite behind a token and its round's survey; an unknown, used
/// or expired link is [`PageFailure::InvalidLink`].
async fn live(state: &AppState, token: &str) -> Result<(FormContext, Arc<Survey>), PageFailure> {
    if !token::looks_like_secret(token) {
        return Err(PageFailure::InvalidLink);
    }
    let hash = token::hash_secret(token);
    let ctx = state
        .db
        .lookup(|conn| storage::form_context(conn, &hash, Timestamp::now()))?
        .ok_or(PageFailure::InvalidLink)?;
    let survey = round_survey(state, ctx.round_id).await?;
    Ok((ctx, survey))
}

/// A round's pinned survey, parsed once and cached.
pub async fn round_survey(state: &AppState, round_id: i64) -> storage::Result<Arc<Survey>> {
    if let Some(s) = state
        .round_surveys
        .read()
        .ok()
        .and_then(|m| m.get(&round_id).cloned())
    {
        return Ok(s);
    }
    let source = state
        .db
        .read(move |conn| storage::round_survey_source(conn, round_id))
        .await?;
    let parsed = survey::parse(&format!("round {round_id}"), &source, None)
        .map_err(|e| storage::StorageError::Corrupt(e.to_string()))?;
    let parsed = Arc::new(parsed);
    if let Ok(mut m) = state.round_surveys.write() {
        m.insert(round_id, parsed.clone());
    }
    Ok(parsed)
}
