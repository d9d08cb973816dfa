//! Calendar dates as `YYYY-MM-DD` (UTC), without a date library.

use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Days since 1970-01-01.
    days: i64,
}

impl Date {
    pub fn today() -> Date {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Date {
            days: secs.div_euclid(86_400),
        }
    }

    pub fn from_ymd(y: i64, m: u32, d: u32) -> Option<Date> {
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        Some(Date {
            days: days_from_civil(y, m, d),
        })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let y = s[0..4].parse().ok()?;
        let m = s[5..7].parse().ok()?;
        let d = s[8..10].parse().ok()?;
        Date::from_ymd(y, m, d)
    }

    /// Parses `YYYY-MM-DD`, or a date relative to `today`: `+Nd` (N days
    /// later) or `+Nw` (N weeks later), N at most 3650 days.
    pub fn parse_relative(s: &str, today: Date) -> Option<Date> {
        let Some(rest) = s.strip_prefix('+') else {
            return Date::parse(s);
        };
        let (n, unit) = rest.split_at(rest.len().checked_sub(1)?);
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: i64 = n.parse().ok()?;
        let days = match unit {
            "d" => n,
            "w" => n.checked_mul(7)?,
            _ => return None,
        };
        (days <= 3650).then(|| today.add_days(days))
    }

    pub fn ymd(self) -> (i64, u32, u32) {
        civil_from_days(self.days)
    }

    pub fn add_days(self, n: i64) -> Date {
        Date {
            days: self.days + n,
        }
    }

    /// The same day `n` months later (or earlier), clamped to the month's end.
    pub fn add_months(self, n: i64) -> Date {
        let (y, m, d) = self.ymd();
        let total = y * 12 + i64::from(m) - 1 + n;
        let (ny, nm) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32);
        let nd = d.min(days_in_month(ny, nm));
        Date {
            days: days_from_civil(ny, nm, nd),
        }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's algorithms.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_arithmetic() {
        let d = Date::parse("2024-02-29").unwrap();
        assert_eq!(d.to_string(), "2024-02-29");
        assert_eq!(d.add_months(12).to_string(), "2025-02-28");
        assert_eq!(d.add_days(1).to_string(), "2024-03-01");
        assert_eq!(Date::parse("1970-01-01").unwrap().days, 0);
        assert_eq!(
            Date::parse("2026-01-31")
                .unwrap()
                .add_months(-2)
                .to_string(),
            "2025-11-30"
        );
        let today = Date::parse("2026-12-30").unwrap();
        let rel = |s| Date::parse_relative(s, today).map(|d| d.to_string());
        assert_eq!(rel("+3d").as_deref(), Some("2027-01-02"));
        assert_eq!(rel("+2w").as_deref(), Some("2027-01-13"));
        assert_eq!(rel("+0d").as_deref(), Some("2026-12-30"));
        assert_eq!(rel("2027-01-05").as_deref(), Some("2027-01-05"));
        for bad in ["+", "+d", "+3", "+-3d", "+3y", "3d", "+99999d", "+ 3d"] {
            assert_eq!(rel(bad), None, "{bad}");
        }
        for bad in [
            "2025-02-29",
            "2025-13-01",
            "25-01-01",
            "2025/01/01",
            "2025-00-10",
        ] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
    }
}
