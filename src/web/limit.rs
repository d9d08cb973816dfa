//! Slowing down guessing: a client (by IP address) that presents too many
//! unknown keys or survey links within a window gets 429 for further unknown
//! ones until the window ends. Only an unknown link or key counts (a handler
//! marks its answer with [`UnknownSecret`]); a valid link or key is never
//! refused, whatever else came from its address (an office behind one NAT
//! shares one). Guessing a 128-bit secret is hopeless anyway (see
//! docs/privacy.md): this keeps noise out of the logs and the database, it
//! is not what keeps links secret. Addresses live only in memory, only while
//! they have recent failures, and are never logged.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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
