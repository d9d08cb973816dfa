//! The web edge: axum routes, security headers, request logging without
//! secrets, static assets. Handlers stay thin: they call storage and domain.

pub mod pages;
mod survey;

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, LazyLock, RwLock};
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::domain::survey::Survey;
use crate::storage::Db;

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
}

impl AppState {
    pub fn new(db: Db) -> AppState {
        AppState {
            db,
            round_surveys: Arc::default(),
        }
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/s/{token}", get(survey::form).post(survey::submit))
        .route("/done/{round}", get(survey::done))
        .route("/healthz", get(|| async { "ok" }))
        .route("/static/{file}", get(static_file))
        .fallback(not_found)
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

/// Serves until `shutdown` completes; open requests are finished first.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
    );
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

async fn static_file(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
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
        not_found().await
    }
}

async fn not_found() -> Response {
    let lang = crate::domain::lang::Lang::Nl;
    let t = pages::ui(lang);
    (
        StatusCode::NOT_FOUND,
        pages::message(lang, &STYLE_HREF, t.not_found_title, &[], None),
    )
        .into_response()
}
