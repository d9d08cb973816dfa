//! The web edge: axum routes, security headers, request logging without
//! secrets, static assets. Handlers stay thin: they call storage and domain.

mod api;
mod dashboard;
pub mod limit;
pub mod pages;
mod survey;

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, LazyLock, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, MatchedPath, Request, State};
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
use limit::FailureLimiter;

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
        }
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/s/{token}", get(survey::form).post(survey::submit))
        .route("/done/{round}", get(survey::done))
        .route("/healthz", get(|| async { "ok" }))
        .route("/static/{file}", get(static_file))
        .merge(api::routes())
        .merge(dashboard::routes())
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            limit_failures,
        ))
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
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Counts failed link and key attempts per client and answers 429 to a
/// client with too many; see [`limit`].
async fn limit_failures(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let guarded = ["/s/", "/api/", "/a/", "/m/"]
        .iter()
        .any(|p| req.uri().path().starts_with(p));
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let (Some(ip), true) = (ip, guarded) else {
        return next.run(req).await;
    };
    if let Some(wait) = state.limiter.blocked(ip, Instant::now()) {
        tracing::debug!("client blocked after repeated failures");
        let secs = wait.as_secs().max(1).to_string();
        let mut res = (
            StatusCode::TOO_MANY_REQUESTS,
            axum::Json(serde_json::json!({ "error": "too many failed attempts; try again later" })),
        )
            .into_response();
        if let Ok(v) = HeaderValue::from_str(&secs) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return res;
    }
    let res = next.run(req).await;
    if matches!(
        res.status(),
        StatusCode::NOT_FOUND | StatusCode::UNAUTHORIZED
    ) {
        state.limiter.record_failure(ip, Instant::now());
    }
    res
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
