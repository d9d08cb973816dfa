//! Slowing down guessing: a client (by IP address) that presents too many
//! unknown keys or survey links within a window gets 429 for further unknown
//! ones until the window ends. Only an unknown link or key counts (a handler
//! marks its answer with [`UnknownSecret`]); a valid link or key is never
//! refused, whatever else came from its address (an office behind one NAT
//! shares one). Guessing a 128-bit secret is hopeless anyway (see
//! docs/privacy.md): this keeps noise out of the logs and the database, it
//! is not what keeps links secret. Addresses live only in memory, only while
//! they have recent failures, and are never logged.
//!
//! The limiter is attached with `route_layer` to exactly the routes that
//! take a secret: [`guard_pages`] to the survey links, personal links and
//! the pages behind a session, [`guard_api`] to the API routes that need a
//! key.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::extract::Language;
use super::texts::texts;
use super::{AppState, STYLE_HREF, pages};

/// Response extension: the request presented a link or key that is unknown
/// (or revoked, used, expired: indistinguishable on purpose).
#[derive(Clone, Copy, Debug)]
pub struct UnknownSecret;

pub struct FailureLimiter {
    max: u32,
    window: Duration,
    clients: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl FailureLimiter {
    pub fn new(max: u32, window: Duration) -> FailureLimiter {
        FailureLimiter {
            max,
            window,
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// When the client is blocked: how long until it may try again.
    /// A limit of 0 turns the limiter off.
    pub fn blocked(&self, ip: IpAddr, now: Instant) -> Option<Duration> {
        if self.max == 0 {
            return None;
        }
        let clients = self.clients.lock().ok()?;
        let (start, count) = clients.get(&ip)?;
        let elapsed = now.saturating_duration_since(*start);
        (*count >= self.max && elapsed < self.window).then(|| self.window - elapsed)
    }

    pub fn record_failure(&self, ip: IpAddr, now: Instant) {
        let Ok(mut clients) = self.clients.lock() else {
            return;
        };
        if clients.len() > 10_000 {
            let window = self.window;
            clients.retain(|_, (start, _)| now.saturating_duration_since(*start) < window);
        }
        let entry = clients.entry(ip).or_insert((now, 0));
        if now.saturating_duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }
}

/// How a refusal is shown: a page in its language, or the API's JSON.
#[derive(Clone, Copy)]
enum Face {
    Page(crate::domain::lang::Lang),
    Api,
}

/// [`limit`] for pages.
pub async fn guard_pages(
    State(state): State<AppState>,
    Language(lang): Language,
    req: Request,
    next: Next,
) -> Response {
    limit(&state, Face::Page(lang), req, next).await
}

/// [`limit`] for the API.
pub async fn guard_api(State(state): State<AppState>, req: Request, next: Next) -> Response {
    limit(&state, Face::Api, req, next).await
}

/// Counts unknown links and keys per client; to a client with too many, a
/// further unknown one gets 429. The request is answered first: a valid
/// link or key is never refused because of other failures.
async fn limit(state: &AppState, face: Face, req: Request, next: Next) -> Response {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let Some(ip) = ip else {
        return next.run(req).await;
    };
    let res = next.run(req).await;
    if res.extensions().get::<UnknownSecret>().is_none() {
        return res;
    }
    let now = Instant::now();
    if let Some(wait) = state.limiter.blocked(ip, now) {
        tracing::debug!("unknown link or key from a client with repeated failures");
        return too_many_failures(face, wait);
    }
    state.limiter.record_failure(ip, now);
    res
}

/// 429: JSON for the API, a page in its language otherwise.
fn too_many_failures(face: Face, wait: Duration) -> Response {
    let mut res = match face {
        Face::Api => (
            StatusCode::TOO_MANY_REQUESTS,
            axum::Json(serde_json::json!({ "error": "too many failed attempts; try again later" })),
        )
            .into_response(),
        Face::Page(lang) => {
            let t = texts(lang);
            (
                StatusCode::TOO_MANY_REQUESTS,
                pages::message(
                    lang,
                    &STYLE_HREF,
                    t.too_many_title,
                    &[t.too_many_body],
                    None,
                ),
            )
                .into_response()
        }
    };
    if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_failures_until_the_window_ends() {
        let l = FailureLimiter::new(3, Duration::from_secs(60));
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let other: IpAddr = "10.0.0.2".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..2 {
            l.record_failure(ip, t0);
        }
        assert!(l.blocked(ip, t0).is_none());
        l.record_failure(ip, t0);
        assert_eq!(
            l.blocked(ip, t0 + Duration::from_secs(10)),
            Some(Duration::from_secs(50))
        );
        assert!(l.blocked(other, t0).is_none());
        assert!(l.blocked(ip, t0 + Duration::from_secs(61)).is_none());
        l.record_failure(ip, t0 + Duration::from_secs(61));
        assert!(
            l.blocked(ip, t0 + Duration::from_secs(62)).is_none(),
            "a new window starts afresh"
        );
    }

    #[test]
    fn zero_turns_it_off() {
        let l = FailureLimiter::new(0, Duration::from_secs(60));
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..1000 {
            l.record_failure(ip, Instant::now());
        }
        assert!(l.blocked(ip, Instant::now()).is_none());
    }
}
