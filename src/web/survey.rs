//! The employee's phone form: `GET/POST /s/{token}` and the thank-you page.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;

use super::page_error::{InLang, PageError, PageFailure};
use super::pages::{self, FormPage};
use super::{AppState, STYLE_HREF};
use crate::domain::answers::{self, AnswerError, Answers};
use crate::domain::lang::Lang;
use crate::domain::survey::{self, Survey};
use crate::domain::token;
use crate::storage::{self, FormContext};

#[derive(Deserialize)]
pub struct LangQuery {
    pub lang: Option<String>,
}

pub fn language(q: &LangQuery, headers: &HeaderMap) -> Lang {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Lang::negotiate(q.lang.as_deref(), accept)
}

pub async fn form(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let lang = language(&q, &headers);
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
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, PageError> {
    let lang = language(&q, &headers);
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
        let detail = match lang {
            Lang::Nl => {
                "Het formulier moet als application/x-www-form-urlencoded worden verstuurd."
            }
            Lang::En => "The form must be sent as application/x-www-form-urlencoded.",
        };
        return Err(bad_form(StatusCode::UNSUPPORTED_MEDIA_TYPE, detail));
    }
    let body = body.map_err(|rejection| {
        let (status, detail) = unreadable(lang, rejection.status());
        bad_form(status, detail)
    })?;
    let answers = answers::parse_form(&body)
        .and_then(|f| Answers::from_form(&survey, &f))
        .map_err(|e| bad_form(StatusCode::BAD_REQUEST, &explain(lang, &e)))?;
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
fn unreadable(lang: Lang, status: StatusCode) -> (StatusCode, &'static str) {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            match lang {
                Lang::Nl => "Het formulier is te groot. Maak je opmerking korter.",
                Lang::En => "The form is too large. Please shorten your comment.",
            },
        )
    } else {
        (
            StatusCode::BAD_REQUEST,
            match lang {
                Lang::Nl => "Het formulier is onleesbaar aangekomen.",
                Lang::En => "The form arrived unreadable.",
            },
        )
    }
}

/// The thank-you page: no token in its URL, only the round (for its text);
/// it exists for the rounds that exist.
pub async fn done(
    State(state): State<AppState>,
    Path(round): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let lang = language(&q, &headers);
    let t = pages::ui(lang);
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

fn explain(lang: Lang, e: &AnswerError) -> String {
    match lang {
        Lang::En => format!("Problem: {e}."),
        Lang::Nl => match e {
            AnswerError::UnknownItem(item) => format!("Onbekende vraag {item:?}."),
            AnswerError::Duplicate { item } => format!("Vraag {item:?} is twee keer beantwoord."),
            AnswerError::OutOfRange {
                item,
                value,
                points,
            } => {
                format!(
                    "Antwoord {value:?} op vraag {item:?} ligt niet op de schaal van 1 tot {points}."
                )
            }
            AnswerError::CommentNotAsked => "Deze vragenlijst heeft geen opmerkingenveld.".into(),
            AnswerError::CommentTooLong { len, max } => {
                format!("Je opmerking is {len} tekens lang; er passen er {max}.")
            }
            AnswerError::NotText => {
                "Het formulier bevat bytes die geen tekst zijn (geen geldige UTF-8).".into()
            }
            AnswerError::ControlCharacter => {
                "Je opmerking bevat een onzichtbaar stuurteken (zoals NUL).".into()
            }
        },
    }
}
