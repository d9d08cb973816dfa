//! What handlers ask of a request before their own work: the page's
//! language ([`Language`], an extractor) and who is asking ([`identify`],
//! behind the extractors `dashboard::Viewer` for pages and `api::Auth` for
//! the API). Both credentials, a Bearer key and the session cookie a
//! personal link was swapped for, are read the same way everywhere; the
//! extractors differ only in how they show a refusal (a page in the
//! viewer's language, or the API's JSON).

use std::convert::Infallible;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{FromRequestParts, Query};
use axum::http::header;
use axum::http::request::Parts;
use serde::Deserialize;

use super::AppState;
use crate::domain::access::Principal;
use crate::domain::lang::Lang;
use crate::domain::token;
use crate::storage::{self, StorageError};

/// Name of the session cookie.
pub const COOKIE: &str = "spiegel_session";

/// The language of the page: `?lang=` wins, then `Accept-Language`, then
/// Dutch. Never refuses a request.
#[derive(Debug, Clone, Copy)]
pub struct Language(pub Lang);

#[derive(Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

impl Language {
    pub fn of(parts: &Parts) -> Lang {
        let query = Query::<LangQuery>::try_from_uri(&parts.uri)
            .ok()
            .and_then(|Query(q)| q.lang);
        let accept = parts
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        Lang::negotiate(query.as_deref(), accept)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Language {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Language, Infallible> {
        Ok(Language(Language::of(parts)))
    }
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Why a request has no viewer.
#[derive(Debug)]
pub enum Refusal {
    /// No key and no session: not a guess, not counted by the limiter.
    Missing,
    /// A key or session that is malformed, unknown, revoked or expired
    /// (indistinguishable on purpose): counted by the limiter.
    Unknown,
    /// The database could not say.
    Failed(StorageError),
}

/// The key of an `Authorization: Bearer <key>` header; the scheme's name is
/// case-insensitive (RFC 9110, 11.1).
fn bearer_key(value: &str) -> Option<&str> {
    let (scheme, key) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| key.trim())
}

pub(super) fn session_cookie(parts: &Parts) -> Option<String> {
    let prefix = format!("{COOKIE}=");
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(&prefix).map(str::to_string))
}

/// The principal behind the request's Bearer key or, without one, its
/// session cookie.
pub async fn identify(parts: &Parts, state: &AppState) -> Result<Principal, Refusal> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_key);
    if let Some(key) = bearer {
        if !token::looks_like_secret(key) {
            tracing::debug!("request with a malformed key");
            return Err(Refusal::Unknown);
        }
        let hash = token::hash_secret(key);
        return match state.db.lookup(|c| storage::principal(c, &hash)) {
            Ok(Some(p)) => Ok(p),
            Ok(None) => {
                tracing::debug!("request with an unknown or revoked key");
                Err(Refusal::Unknown)
            }
            Err(e) => Err(Refusal::Failed(e)),
        };
    }
    let Some(session) = session_cookie(parts) else {
        tracing::debug!("request without a key or session");
        return Err(Refusal::Missing);
    };
    if !token::looks_like_secret(&session) {
        tracing::debug!("request with a malformed session");
        return Err(Refusal::Unknown);
    }
    let hash = token::hash_secret(&session);
    match state
        .db
        .read(move |c| storage::session_principal(c, &hash, now()))
        .await
    {
        Ok(Some(p)) => Ok(p),
        Ok(None) => {
            tracing::debug!("request with an unknown, expired or revoked session");
            Err(Refusal::Unknown)
        }
        Err(e) => Err(Refusal::Failed(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn lang(uri: &str, accept: Option<&str>) -> Lang {
        let mut req = Request::builder().uri(uri);
        if let Some(a) = accept {
            req = req.header(header::ACCEPT_LANGUAGE, a);
        }
        let (parts, ()) = req.body(()).unwrap().into_parts();
        Language::of(&parts)
    }

    #[test]
    fn the_query_wins_then_the_header_then_dutch() {
        assert_eq!(lang("/team/a?lang=en", Some("nl")), Lang::En);
        assert_eq!(lang("/team/a?x=1&lang=EN", None), Lang::En);
        assert_eq!(lang("/team/a", Some("en-GB,en;q=0.9")), Lang::En);
        assert_eq!(lang("/team/a?lang=xx", Some("en")), Lang::En);
        assert_eq!(lang("/team/a?lang=%ZZ", None), Lang::Nl);
        assert_eq!(lang("/team/a", None), Lang::Nl);
    }

    #[test]
    fn a_bearer_key_is_read_whatever_the_case_of_its_scheme() {
        assert_eq!(bearer_key("Bearer abc"), Some("abc"));
        assert_eq!(bearer_key("bearer  abc "), Some("abc"));
        assert_eq!(bearer_key("Basic abc"), None);
        assert_eq!(bearer_key("Bearer"), None);
    }
}
