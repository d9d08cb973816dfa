//! The advisor's set-up pages: teams, rounds, links and QR slips, keys,
//! settings, learning offers, surveys and the audit log. They call the same storage
//! functions and domain rules as the command line.
//!
//! Safety (rule 8 of `docs/anonymity.md`):
//! - Only an advisor's browser session opens them (no Bearer key); a
//!   manager's session gets the same 404 as any invisible thing.
//! - Every page re-issues the session cookie with `SameSite=Strict`, so a
//!   browser never sends it with a request another site starts.
//! - Every change is a POST that carries the session's form token (derived
//!   with blake3 from the session secret, which only the cookie holds) and
//!   comes from this site (`Sec-Fetch-Site: same-origin`, and an `Origin`
//!   naming this server). Anything else is 403 and changes nothing; any
//!   other method on an action's address is 403 too.
//! - Every destructive action (close, revoke, archive, remove) has a confirmation
//!   page; every change is written to the audit log (what, the key's label,
//!   the day).

mod keys;
mod links;
mod release;
mod rounds;
mod settings;
mod teams;
pub mod texts;
mod training;

use axum::Router;
use axum::body::Body;
use axum::extract::{Form, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get};
use maud::{DOCTYPE, Markup, html};

use super::extract::{Language, now, session_cookie};
use super::limit::UnknownSecret;
use super::texts::texts as page_texts;
use super::{AppState, STYLE_HREF, pages};
use crate::domain::access::Principal;
use crate::domain::lang::Lang;
use crate::domain::token;
use crate::storage::{self, SessionKey, StorageError};
use texts::{T, t};

/// The set-up pages' own small stylesheet (forms, navigation).
const CSS: &str = include_str!("setup.css");
pub const CSS_HREF: &str = "/beheer/setup.css";
pub const SLIPS_CSS_HREF: &str = "/beheer/slips.css";

/// Name of the form token's field.
pub const TOKEN_FIELD: &str = "form_token";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/beheer",
            get(|s: Setup| async move { to(&s.href("/beheer/teams")) }),
        )
        .route(CSS_HREF, get(|| async { css(CSS) }))
        .route(SLIPS_CSS_HREF, get(|| async { css(crate::slips::CSS) }))
        .merge(teams::routes())
        .merge(rounds::routes())
        .merge(links::routes())
        .merge(keys::routes())
        .merge(settings::routes())
        .merge(release::routes())
        .merge(training::routes())
}

fn css(body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// A POST-only address: any other method is refused with 403.
pub fn action<H, Tp>(handler: H) -> MethodRouter<AppState>
where
    H: axum::handler::Handler<Tp, AppState>,
    Tp: 'static,
{
    axum::routing::post(handler).fallback(|lang: Language| async move { forbidden(lang.0) })
}

/// A page (GET) with a confirming action (POST) at the same address.
pub fn page_and_action<G, Tg, P, Tp>(page: G, act: P) -> MethodRouter<AppState>
where
    G: axum::handler::Handler<Tg, AppState>,
    P: axum::handler::Handler<Tp, AppState>,
    Tg: 'static,
    Tp: 'static,
{
    get(page)
        .post(act)
        .fallback(|lang: Language| async move { forbidden(lang.0) })
}

/// A redirect after a change (303: the browser follows with a GET).
pub fn to(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// An advisor's browser session, for the set-up pages.
pub struct Setup {
    pub lang: Lang,
    pub key: SessionKey,
    /// The session's secret (from the cookie): its form token is derived
    /// from it, and the cookie is re-issued with it.
    session: String,
    secure: bool,
}

impl Setup {
    pub fn t(&self) -> &'static T {
        t(self.lang)
    }

    /// The form token of this session.
    pub fn token(&self) -> String {
        form_token(&self.session)
    }

    /// `path?lang=..`.
    pub fn href(&self, path: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{path}{sep}lang={}", self.lang.code())
    }

    /// The hidden form-token field every form carries.
    pub fn token_field(&self) -> Markup {
        html! { input type="hidden" name=(TOKEN_FIELD) value=(self.token()); }
    }

    /// The confirmation step of a destructive action: the question, a
    /// button that posts to `action`, and a way back to `cancel`.
    pub fn confirm(&self, action: &str, button: &str, cancel: &str) -> Markup {
        let tt = self.t();
        html! {
            p { (tt.confirm_question) }
            div.actions {
                form method="post" action=(self.href(action)) {
                    (self.token_field())
                    button.danger type="submit" { (button) }
                }
                a href=(self.href(cancel)) { (tt.cancel) }
            }
        }
    }

    /// A page of the set-up pages, with the session cookie re-issued as
    /// `SameSite=Strict`.
    pub fn page(&self, title: &str, body: Markup) -> Response {
        self.page_with(StatusCode::OK, title, body)
    }

    /// A page with a form: 200, or 422 when what was posted is shown again
    /// with its errors beside the fields.
    pub fn form_page(&self, valid: bool, title: &str, body: Markup) -> Response {
        let status = if valid {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        self.page_with(status, title, body)
    }

    /// An action the stored state does not allow: the reason (with what to
    /// do instead) and the way `back`, as 409; any other failure is an
    /// error page.
    pub fn refused(&self, title: &str, back: &str, e: StorageError) -> Response {
        match e {
            StorageError::Conflict(c) => {
                let tt = self.t();
                let msg = (tt.storage_error)(&StorageError::Conflict(c));
                let body = html! {
                    h1 { (title) }
                    p.error { (msg) }
                    p { a href=(self.href(back)) { (tt.go_back) } }
                };
                self.page_with(StatusCode::CONFLICT, title, body)
            }
            e => error_page(self.lang, &e),
        }
    }

    pub fn page_with(&self, status: StatusCode, title: &str, body: Markup) -> Response {
        let lang = self.lang;
        let tt = self.t();
        let nav: [(&str, &str); 7] = [
            ("/overzicht", tt.nav_overview),
            ("/beheer/teams", tt.nav_teams),
            ("/beheer/rondes", tt.nav_rounds),
            ("/beheer/sleutels", tt.nav_keys),
            ("/beheer/instellingen", tt.nav_settings),
            ("/beheer/vragenlijsten", tt.nav_surveys),
            ("/beheer/logboek", tt.nav_audit),
        ];
        let doc = html! {
            (DOCTYPE)
            html lang=(lang.code()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    meta name="robots" content="noindex";
                    title { (title) " · Spiegel" }
                    link rel="stylesheet" href=(&*STYLE_HREF);
                    link rel="stylesheet" href=(CSS_HREF);
                }
                body.setup {
                    header {
                        nav.setup aria-label=(tt.nav_label) {
                            ul {
                                @for (path, text) in nav {
                                    li { a href=(self.href(path)) { (text) } }
                                }
                                li.lang { a href={ "?lang=" (lang.other().code()) } hreflang=(lang.other().code()) lang=(lang.other().code()) { (page_texts(lang).other_language) } }
                            }
                        }
                    }
                    main { (body) }
                }
            }
        };
        let mut res = (status, doc).into_response();
        self.strict_cookie(res.headers_mut());
        res
    }

    fn strict_cookie(&self, headers: &mut HeaderMap) {
        let left = (self.key.expires_at - now()).max(0);
        let secure = if self.secure { "; Secure" } else { "" };
        let cookie = format!(
            "{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={left}{secure}",
            super::extract::COOKIE,
            self.session
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            headers.insert(header::SET_COOKIE, v);
        }
    }

    /// Records a set-up action in the audit log (in the same write as the
    /// change, by the caller).
    pub fn actor(&self) -> String {
        self.key.label.clone()
    }
}

/// The form token of a session: blake3, keyed by the session's own secret
/// (never stored, never in a URL; only a holder of the cookie can know it).
pub fn form_token(session: &str) -> String {
    blake3::derive_key("spiegel 2026 set-up form token v1", session.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl FromRequestParts<AppState> for Setup {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Setup, Response> {
        let lang = Language::of(parts);
        let Some(session) = session_cookie(parts) else {
            return Err(no_session(lang, false));
        };
        if !token::looks_like_secret(&session) {
            return Err(no_session(lang, true));
        }
        let hash = token::hash_secret(&session);
        let found = state
            .db
            .read(move |c| storage::session_key(c, &hash, now()))
            .await;
        match found {
            Ok(Some(key)) if key.principal == Principal::Advisor => Ok(Setup {
                lang,
                key,
                session,
                secure: state.secure_cookies,
            }),
            // A manager's session: the set-up pages do not exist for it.
            Ok(Some(_)) => Err(not_found(lang)),
            Ok(None) => Err(no_session(lang, true)),
            Err(e) => Err(error_page(lang, &e)),
        }
    }
}

/// The fields of a posted form (a name may repeat, as for checkboxes).
#[derive(Debug, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// The first value of a field, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
            .collect()
    }
}

/// A change requested by an advisor's session from this site, with the
/// session's form token: the only way into a set-up action.
pub struct Action {
    pub setup: Setup,
    pub fields: Fields,
}

impl FromRequest<AppState> for Action {
    type Rejection = Response;

    async fn from_request(req: Request<Body>, state: &AppState) -> Result<Action, Response> {
        let (mut parts, body) = req.into_parts();
        let setup = Setup::from_request_parts(&mut parts, state).await?;
        let lang = setup.lang;
        if !same_origin(&parts.headers, &state.base_url) {
            tracing::warn!("set-up action refused: not from this site");
            return Err(forbidden(lang));
        }
        let req = Request::from_parts(parts, body);
        let Ok(Form(pairs)) = Form::<Vec<(String, String)>>::from_request(req, state).await else {
            return Err(forbidden(lang));
        };
        let fields = Fields(pairs);
        let given = fields.get(TOKEN_FIELD);
        let expected = blake3::Hash::from_hex(setup.token()).ok();
        let matches = blake3::Hash::from_hex(given)
            .ok()
            .is_some_and(|g| Some(g) == expected);
        if !matches {
            tracing::warn!("set-up action refused: missing or wrong form token");
            return Err(forbidden(lang));
        }
        Ok(Action { setup, fields })
    }
}

/// Whether a request comes from this site: `Sec-Fetch-Site` (when the
/// browser sends it) says `same-origin`, and `Origin` (required when there
/// is no `Sec-Fetch-Site`) names this server's host or its base URL. An
/// `Origin: null` counts only with `Sec-Fetch-Site: same-origin`.
pub fn same_origin(headers: &HeaderMap, base_url: &str) -> bool {
    let value = |h: &str| headers.get(h).and_then(|v| v.to_str().ok());
    let fetch_site = value("sec-fetch-site");
    if fetch_site.is_some_and(|s| !s.eq_ignore_ascii_case("same-origin")) {
        return false;
    }
    // Under `Referrer-Policy: no-referrer` browsers send `Origin: null` with
    // a form's POST; then `Sec-Fetch-Site` (which no page can set) decides.
    match value(header::ORIGIN.as_str()).filter(|o| *o != "null") {
        Some(origin) => {
            let origin = origin.trim_end_matches('/');
            let host = value(header::HOST.as_str()).unwrap_or("");
            let base = base_url.trim_end_matches('/');
            let host_of = |o: &str| o.split_once("://").map(|(_, h)| h.to_ascii_lowercase());
            (!base.is_empty() && origin.eq_ignore_ascii_case(base))
                || (!host.is_empty()
                    && host_of(origin).as_deref() == Some(&host.to_ascii_lowercase()))
        }
        // Without Origin only a browser's own word counts.
        None => fetch_site.is_some(),
    }
}

fn message(status: StatusCode, lang: Lang, title: &str, lines: &[&str]) -> Response {
    (
        status,
        pages::message(lang, &STYLE_HREF, title, lines, None),
    )
        .into_response()
}

pub fn forbidden(lang: Lang) -> Response {
    let tt = t(lang);
    message(
        StatusCode::FORBIDDEN,
        lang,
        tt.forbidden_title,
        &[tt.forbidden_body],
    )
}

pub fn not_found(lang: Lang) -> Response {
    message(
        StatusCode::NOT_FOUND,
        lang,
        page_texts(lang).not_found_title,
        &[],
    )
}

fn no_session(lang: Lang, counted: bool) -> Response {
    let tt = page_texts(lang);
    let mut res = message(
        StatusCode::UNAUTHORIZED,
        lang,
        tt.no_session_title,
        &[tt.no_session_body],
    );
    if counted {
        res.extensions_mut().insert(UnknownSecret);
    }
    res
}

pub fn error_page(lang: Lang, e: &StorageError) -> Response {
    if matches!(e, StorageError::NotFound { .. }) {
        return not_found(lang);
    }
    tracing::error!(error = %e, "set-up request failed");
    message(
        StatusCode::INTERNAL_SERVER_ERROR,
        lang,
        page_texts(lang).error_title,
        &[],
    )
}

/// One form field's error, shown beside it (and named by `aria-describedby`).
pub fn field_error(id: &str, error: Option<&String>) -> Markup {
    html! {
        @if let Some(e) = error {
            p.error id={ (id) "-error" } { (e) }
        }
    }
}

/// `aria-describedby` and `aria-invalid` for a field with an error.
pub fn described(id: &str, error: Option<&String>) -> (Option<String>, Option<&'static str>) {
    match error {
        Some(_) => (Some(format!("{id}-error")), Some("true")),
        None => (None, None),
    }
}

/// The errors of a form, by field name.
pub type Errors = std::collections::HashMap<&'static str, String>;

/// The day it is in the organisation's time zone.
pub fn today(conn: &rusqlite::Connection) -> storage::Result<crate::domain::date::Date> {
    storage::today(conn, jiff::Timestamp::now())
}

/// Records a set-up action in the audit log.
pub fn audit(
    conn: &rusqlite::Connection,
    actor: &str,
    action: &crate::domain::audit::Action,
) -> storage::Result<()> {
    let day = today(conn)?;
    storage::record(conn, day, actor, action)
}
