//! The web edge: axum routes, security headers, request logging without
//! secrets, static assets. Handlers stay thin: they call storage and domain.

mod api;
pub mod charting;
mod dashboard;
mod extract;
pub mod focus;
pub mod intervisie;
pub mod kit;
pub mod limit;
pub mod page_error;
pub mod pages;
pub mod reflection;
mod setup;
pub mod sheet;
mod survey;
pub mod texts;

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, LazyLock, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::domain::lang::Lang;
use crate::domain::survey::Survey;
use crate::storage::{Db, StorageError};
use extract::Language;
use limit::FailureLimiter;
use texts::texts;

/// Largest request body accepted anywhere.
pub const BODY_LIMIT: usize = 32 * 1024;

const STYLE: &str = include_str!("../../static/style.css");

/// `/static/style.<hash>.css`: the stylesheet's path changes with its content,
/// so it can be cached for a year.
pub static STYLE_HREF: LazyLock<String> = LazyLock::new(|| {
    let hash = blake3::hash(STYLE.as_bytes()).to_hex();
    format!("/static/style.{}.css", &hash[..12])
});

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Parsed surveys of rounds, by round id (a round's survey never changes).
    pub round_surveys: Arc<RwLock<HashMap<i64, Arc<Survey>>>>,
    pub limiter: Arc<FailureLimiter>,
    /// Mark the session cookie `Secure` (when served over https).
    pub secure_cookies: bool,
    /// The address people reach Spiegel at (for links and keys made on the
    /// set-up pages); empty when unknown.
    pub base_url: Arc<str>,
    /// The organisation's own survey files (`--surveys`), besides the shipped ones.
    pub surveys: Option<Arc<std::path::Path>>,
    /// The cases for intervisie and the guide to hesitation.
    pub casebook: Arc<crate::casebook::Casebook>,
    /// The manager's self-check survey, read once (see
    /// [`reflection::self_check`]).
    pub self_check: Arc<std::sync::OnceLock<Option<Arc<Survey>>>>,
}

/// The status a storage failure answers with. Exhaustive, without a `_`
/// arm: a new kind of failure needs a deliberate status.
impl From<&StorageError> for StatusCode {
    fn from(e: &StorageError) -> StatusCode {
        match e {
            StorageError::NotFound { .. } => StatusCode::NOT_FOUND,
            StorageError::Conflict(_) => StatusCode::CONFLICT,
            StorageError::WriterGone => StatusCode::SERVICE_UNAVAILABLE,
            StorageError::Missing(_)
            | StorageError::CannotOpen { .. }
            | StorageError::NotADatabase { .. }
            | StorageError::TooNew { .. }
            | StorageError::CannotCreate { .. }
            | StorageError::NotInitialised
            | StorageError::Corrupt(_)
            | StorageError::Sqlite(_)
            | StorageError::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Failed link or key attempts a client may make per minute by default.
pub const DEFAULT_MAX_FAILURES: u32 = 100;

impl AppState {
    pub fn new(db: Db, max_failures: u32) -> AppState {
        AppState {
            db,
            round_surveys: Arc::default(),
            limiter: Arc::new(FailureLimiter::new(max_failures, Duration::from_secs(60))),
            secure_cookies: false,
            base_url: Arc::from(""),
            surveys: None,
            casebook: Arc::new(crate::casebook::Casebook::shipped()),
            self_check: Arc::default(),
        }
    }
}

pub fn router(state: AppState) -> Router {
    // The routes that take a secret, each with the failure limiter.
    let pages = Router::new()
        .route("/s/{token}", get(survey::form).post(survey::submit))
        .merge(dashboard::routes())
        .merge(setup::router())
        .merge(reflection::routes())
        .merge(intervisie::routes())
        .merge(focus::routes())
        .merge(kit::routes())
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            limit::guard_pages,
        ));
    let api = api::routes().route_layer(middleware::from_fn_with_state(
        state.clone(),
        limit::guard_api,
    ));
    Router::new()
        .merge(pages)
        .merge(api)
        .merge(api::public_routes())
        .route("/done/{round}", get(survey::done))
        .route("/healthz", get(|| async { "ok" }))
        .route("/static/{file}", get(static_file))
        .fallback(fallback)
        .with_state(state)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT * 2))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(15),
        ))
        .layer(middleware::from_fn(security_headers))
        .layer(
            // Spans name the matched route (`/s/{token}`), never the URI,
            // which would carry a token.
            TraceLayer::new_for_http().make_span_with(|req: &Request| {
                let route = req
                    .extensions()
                    .get::<MatchedPath>()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_else(|| "(no route)".to_owned());
                tracing::info_span!("request", method = %req.method(), route)
            }),
        )
}

/// How long a client may take to send a request's headers. hyper starts the
/// same timer while a kept-alive connection waits for its next request, so
/// this is also the idle keep-alive timeout.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long shutdown waits for open connections before closing what is left.
pub const SHUTDOWN_DRAIN: Duration = Duration::from_secs(10);
/// Most connections served at once (fewer when the open-file limit is low);
/// further ones wait in the kernel's queue until one closes.
pub const MAX_CONNECTIONS: usize = 1024;
/// Open files kept free for the writer, the listener and the rest, besides
/// two for each read connection (the file and its WAL).
const RESERVED_FILES: u64 = 56;

/// Serves until `shutdown` completes, then finishes open requests for at
/// most [`SHUTDOWN_DRAIN`]. Slow or idle clients cannot hold a connection
/// longer than [`HEADER_READ_TIMEOUT`] without sending a request, and never
/// more than the connection limit at once.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limit = connection_limit(raise_open_file_limit(), state.db.read_connections());
    tracing::info!(max_connections = limit, "accepting connections");
    let slots = Arc::new(Semaphore::new(limit));
    let app = router(state);
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let graceful = GracefulShutdown::new();
    let mut warned_full: Option<Instant> = None;
    tokio::pin!(shutdown);
    loop {
        let slot = match slots.clone().try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) => {
                if warned_full.is_none_or(|t| t.elapsed() >= Duration::from_secs(60)) {
                    tracing::warn!(
                        max_connections = limit,
                        "connection limit reached: new connections wait until one closes"
                    );
                    warned_full = Some(Instant::now());
                }
                tokio::select! {
                    slot = slots.clone().acquire_owned() => match slot {
                        Ok(slot) => slot,
                        Err(_) => break,
                    },
                    () = &mut shutdown => break,
                }
            }
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(&e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            tower::Service::call(&mut app.clone(), req)
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    let open = graceful.count();
    if open > 0 {
        tracing::info!(open, "finishing open connections");
    }
    if tokio::time::timeout(SHUTDOWN_DRAIN, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            seconds = SHUTDOWN_DRAIN.as_secs(),
            "connections still open after the shutdown drain; closing them"
        );
    }
    Ok(())
}

/// Raises the soft open-file limit to the hard limit; returns the soft
/// limit in force (none when unknown).
fn raise_open_file_limit() -> Option<u64> {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) => Some(n),
        Err(e) => {
            tracing::warn!(error = %e, "could not raise the open-file limit");
            rlimit::getrlimit(rlimit::Resource::NOFILE)
                .ok()
                .map(|(soft, _)| soft)
        }
    }
}

/// Connections served at once: [`MAX_CONNECTIONS`], or fewer so that the
/// open-file limit is never reached, with every read connection open.
fn connection_limit(open_files: Option<u64>, read_connections: usize) -> usize {
    let Some(n) = open_files else {
        return MAX_CONNECTIONS;
    };
    let reserved = RESERVED_FILES + 2 * read_connections as u64;
    let fit = usize::try_from(n.saturating_sub(reserved)).unwrap_or(usize::MAX);
    fit.clamp(16, MAX_CONNECTIONS)
}

/// A failed accept: a connection that went away is nothing; anything else
/// (such as running out of open files) is logged and slows the loop down.
async fn accept_failed(e: &std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::warn!(error = %e, "accepting a connection failed");
    tokio::time::sleep(Duration::from_millis(250)).await;
}

/// Every page's Content-Security-Policy: no script at all, styles and
/// images from this server only.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The policy of a self-contained printable page (the conversation sheet,
/// the intervisie sheet, the guide: the same HTML their commands write), whose
/// stylesheet is inline: inline styles are allowed and nothing else beyond
/// [`CSP`]; every text in them is escaped, and no script runs.
const PRINTABLE_CSP: &str = "default-src 'none'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A self-contained printable document (the conversation sheet, the
/// intervisie sheet, the guide): its stylesheet inline, nothing fetched from
/// elsewhere; `nav` (on screen) goes above the title.
pub(crate) fn printable_document(
    lang: Lang,
    title: &str,
    css: &str,
    nav: Option<maud::Markup>,
    body: maud::Markup,
) -> maud::Markup {
    maud::html! {
        (maud::DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="robots" content="noindex";
                title { (title) }
                style { (maud::PreEscaped(css)) }
            }
            body {
                @if let Some(n) = nav { (n) }
                h1 { (title) }
                (body)
            }
        }
    }
}

/// A self-contained printable page as a response, with its own policy.
pub(crate) fn printable(html: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, PRINTABLE_CSP),
        ],
        html,
    )
        .into_response()
}

async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // A handler may set a stricter-or-equal policy of its own (the
    // self-contained conversation sheet allows its inline stylesheet).
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CSP));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    res
}

async fn static_file(
    Language(lang): Language,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> Response {
    if format!("/static/{file}") == *STYLE_HREF {
        (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            STYLE,
        )
            .into_response()
    } else {
        not_found(lang)
    }
}

/// Unknown paths: JSON under `/api/`, the page elsewhere.
async fn fallback(Language(lang): Language, uri: Uri) -> Response {
    if uri.path() == "/api" || uri.path().starts_with("/api/") {
        api::not_found()
    } else {
        not_found(lang)
    }
}

fn not_found(lang: Lang) -> Response {
    (
        StatusCode::NOT_FOUND,
        pages::message(lang, &STYLE_HREF, texts(lang).not_found_title, &[], None),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_limit_leaves_room_for_other_files() {
        assert_eq!(connection_limit(None, 4), MAX_CONNECTIONS);
        assert_eq!(connection_limit(Some(1 << 20), 4), MAX_CONNECTIONS);
        assert_eq!(connection_limit(Some(128), 4), 64);
        assert_eq!(connection_limit(Some(20), 4), 16);
        // A bigger machine's larger pool of read connections.
        assert_eq!(connection_limit(Some(1024), 128), 712);
    }
}
