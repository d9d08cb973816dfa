//! The employee's phone form: `GET/POST /s/{token}` and the thank-you page.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::extract::Language;
use super::limit::UnknownSecret;
use super::pages::{self, FormPage};
use super::texts::texts;
use super::{AppState, STYLE_HREF};
use crate::domain::answers::{self, Answers};
use crate::domain::date::Date;
use crate::domain::lang::Lang;
use crate::domain::survey::{self, Survey};
use crate::domain::token;
use crate::storage::{self, FormContext};

pub async fn form(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Language(lang): Language,
) -> Response {
    let (ctx, survey) = match live(&state, &token).await {
        Ok(Some(found)) => found,
        Ok(None) => return invalid_link(lang),
        Err(e) => return server_error(lang, &e),
    };
    let action = format!("/s/{token}?lang={}", lang.code());
    pages::survey_form(&FormPage {
        lang,
        survey: &survey,
        team: &ctx.team_name,
        k: ctx.k,
        action: &action,
        style_href: &STYLE_HREF,
    })
    .into_response()
}

pub async fn submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Language(lang): Language,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let t = texts(lang);
    // The link is judged first: an invalid link gets the same answer whatever
    // was sent with it.
    let (ctx, survey) = match live(&state, &token).await {
        Ok(Some(found)) => found,
        Ok(None) => return invalid_link(lang),
        Err(e) => return server_error(lang, &e),
    };
    let back = format!("/s/{token}?lang={}", lang.code());
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !is_form {
        return bad_form(
            lang,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            t.form_not_urlencoded,
            &back,
        );
    }
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            let (status, detail) = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                (StatusCode::PAYLOAD_TOO_LARGE, t.form_too_large)
            } else {
                (StatusCode::BAD_REQUEST, t.form_unreadable)
            };
            return bad_form(lang, status, detail, &back);
        }
    };
    let answers = match answers::parse_form(&body).and_then(|f| Answers::from_form(&survey, &f)) {
        Ok(a) => a,
        Err(e) => {
            let problem = (t.answer_problem)(&e);
            return bad_form(lang, StatusCode::BAD_REQUEST, &problem, &back);
        }
    };
    let stored = state
        .db
        .submit(
            token::hash_secret(&token),
            ctx.round_id,
            answers.encode(),
            answers.comment,
        )
        .await;
    match stored {
        Ok(true) => {
            Redirect::to(&format!("/done/{}?lang={}", ctx.round_id, lang.code())).into_response()
        }
        Ok(false) => invalid_link(lang),
        Err(e) => server_error(lang, &e),
    }
}

/// The thank-you page: no token in its URL, only the round (for its text);
/// it exists for the rounds that exist.
pub async fn done(
    State(state): State<AppState>,
    Path(round): Path<String>,
    Language(lang): Language,
) -> Response {
    let t = texts(lang);
    let Ok(round) = round.parse::<i64>() else {
        return not_found(lang);
    };
    let thanks = match round_survey(&state, round).await {
        Ok(s) => s.thanks.get(lang).to_string(),
        Err(storage::StorageError::NotFound(_)) => return not_found(lang),
        Err(e) => return server_error(lang, &e),
    };
    let lines: Vec<&str> = [thanks.as_str(), t.thanks_body]
        .into_iter()
        .filter(|l| !l.is_empty())
        .collect();
    pages::message(lang, &STYLE_HREF, t.thanks_title, &lines, None).into_response()
}

/// The live invite behind a token and its round's survey.
async fn live(
    state: &AppState,
    token: &str,
) -> storage::Result<Option<(FormContext, Arc<Survey>)>> {
    if !token::looks_like_secret(token) {
        return Ok(None);
    }
    let hash = token::hash_secret(token);
    let ctx = state
        .db
        .lookup(|conn| storage::form_context(conn, &hash, Date::today()))?;
    let Some(ctx) = ctx else {
        return Ok(None);
    };
    let survey = round_survey(state, ctx.round_id).await?;
    Ok(Some((ctx, survey)))
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
        .map_err(|e| storage::StorageError::Invalid(e.to_string()))?;
    let parsed = Arc::new(parsed);
    if let Ok(mut m) = state.round_surveys.write() {
        m.insert(round_id, parsed.clone());
    }
    Ok(parsed)
}

/// An unknown, used or expired link (one answer for all three), counted by
/// the failure limiter.
fn invalid_link(lang: Lang) -> Response {
    let t = texts(lang);
    let mut res = (
        StatusCode::NOT_FOUND,
        pages::message(lang, &STYLE_HREF, t.invalid_title, &[t.invalid_body], None),
    )
        .into_response();
    res.extensions_mut().insert(UnknownSecret);
    res
}

fn not_found(lang: Lang) -> Response {
    let t = texts(lang);
    (
        StatusCode::NOT_FOUND,
        pages::message(lang, &STYLE_HREF, t.not_found_title, &[], None),
    )
        .into_response()
}

fn bad_form(lang: Lang, status: StatusCode, detail: &str, back: &str) -> Response {
    let t = texts(lang);
    (
        status,
        pages::message(
            lang,
            &STYLE_HREF,
            t.bad_title,
            &[detail, t.bad_body],
            Some(back),
        ),
    )
        .into_response()
}

fn server_error(lang: Lang, e: &storage::StorageError) -> Response {
    tracing::error!(error = %e, "survey request failed");
    let t = texts(lang);
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        pages::message(lang, &STYLE_HREF, t.error_title, &[t.error_body], None),
    )
        .into_response()
}
