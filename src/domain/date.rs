//! Calendar days and the organisation's time zone, with jiff: "today" where
//! the organisation is, planned close dates (`YYYY-MM-DD`, `+14d`, `+2w`),
//! and whether a round's closing day has ended there. Pure: the clock comes
//! in as an argument.

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

pub use jiff::civil::Date;

/// The most days ahead `+Nd` / `+Nw` may reach.
pub const MAX_DAYS_AHEAD: i64 = 3650;

/// The organisation's time zone: an IANA name and its rules.
#[derive(Debug, Clone)]
pub struct Zone {
    name: String,
    tz: TimeZone,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown time zone {name:?}: give a name from the IANA time zone database, like Europe/Amsterdam or UTC"
)]
pub struct UnknownZone {
    pub name: String,
}

impl Zone {
    /// A zone by its IANA name (matched ignoring case; kept as the database
    /// spells it).
    pub fn parse(name: &str) -> Result<Zone, UnknownZone> {
        let name = name.trim();
        let unknown = || UnknownZone { name: name.into() };
        if name.is_empty() {
            return Err(unknown());
        }
        let tz = TimeZone::get(name).map_err(|_| unknown())?;
        let name = tz.iana_name().unwrap_or(name).to_string();
        Ok(Zone { name, tz })
    }

    /// The machine's zone; UTC when it has none with an IANA name.
    pub fn system() -> Zone {
        TimeZone::try_system()
            .ok()
            .and_then(|tz| tz.iana_name().and_then(|n| Zone::parse(n).ok()))
            .unwrap_or_else(Zone::utc)
    }

    pub fn utc() -> Zone {
        Zone {
            name: "UTC".into(),
            tz: TimeZone::UTC,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn tz(&self) -> &TimeZone {
        &self.tz
    }

    /// The day it is in this zone at `now`.
    pub fn today(&self, now: Timestamp) -> Date {
        now.to_zoned(self.tz.clone()).date()
    }

    /// Whether a round planned to close on `closes_on` is due at `now`.
    pub fn due(&self, closes_on: Date, now: Timestamp) -> bool {
        due(closes_on, now, &self.tz)
    }
}

impl std::fmt::Display for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

/// Whether the day `closes_on` has ended in `tz` at `now`: a round closes at
/// the end of its closing day where the organisation is (the start of the
/// next day there, whatever a clock change does to its length).
pub fn due(closes_on: Date, now: Timestamp, tz: &TimeZone) -> bool {
    match closes_on.tomorrow().and_then(|d| d.to_zoned(tz.clone())) {
        Ok(next_day) => now >= next_day.timestamp(),
        // The last day jiff knows never ends.
        Err(_) => false,
    }
}

/// Parses `YYYY-MM-DD`.
pub fn parse(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    s.parse().ok()
}

/// Parses `YYYY-MM-DD`, or a date relative to `today`: `+Nd` (N days later)
/// or `+Nw` (N weeks later), at most [`MAX_DAYS_AHEAD`] days.
pub fn parse_relative(s: &str, today: Date) -> Option<Date> {
    let Some(rest) = s.strip_prefix('+') else {
        return parse(s);
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
    if days > MAX_DAYS_AHEAD {
        return None;
    }
    today.checked_add(days.days()).ok()
}

/// `day` moved by `n` days (saturating at the ends of the calendar).
pub fn add_days(day: Date, n: i64) -> Date {
    day.saturating_add(n.days())
}

/// The same day `n` months later (or earlier), clamped to the month's end.
pub fn add_months(day: Date, n: i64) -> Date {
    day.saturating_add(n.months())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn at(zone: &str, y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
        date(y, m, d)
            .at(h, min, 0, 0)
            .in_tz(zone)
            .unwrap()
            .timestamp()
    }

    #[test]
    fn a_round_is_due_when_its_closing_day_has_ended_in_the_zone() {
        let ams = Zone::parse("Europe/Amsterdam").unwrap();
        let closes = date(2026, 4, 15);
        assert!(!ams.due(closes, at("Europe/Amsterdam", 2026, 4, 15, 23, 59)));
        assert!(ams.due(closes, at("Europe/Amsterdam", 2026, 4, 16, 0, 0)));
        // 00:30 UTC on the 16th is 02:30 in Amsterdam: due there, not in UTC.
        let night = at("UTC", 2026, 4, 16, 0, 30);
        assert!(ams.due(closes, night));
        let earlier = at("UTC", 2026, 4, 15, 21, 59);
        assert!(!ams.due(closes, earlier));
        assert!(ams.due(closes, at("UTC", 2026, 4, 15, 22, 0)));
        assert!(!Zone::utc().due(closes, at("UTC", 2026, 4, 15, 23, 59)));
        assert!(Zone::utc().due(closes, at("UTC", 2026, 4, 16, 0, 0)));
    }

    #[test]
    fn clock_changes_move_the_end_of_the_day_with_them() {
        let ams = Zone::parse("Europe/Amsterdam").unwrap();
        // Summer time starts on 29 March 2026 (a 23-hour day): the day ends
        // at 22:00 UTC; winter time on 25 October 2026 (25 hours): 23:00 UTC.
        let spring = date(2026, 3, 29);
        assert!(!ams.due(spring, at("UTC", 2026, 3, 29, 21, 59)));
        assert!(ams.due(spring, at("UTC", 2026, 3, 29, 22, 0)));
        let autumn = date(2026, 10, 25);
        assert!(!ams.due(autumn, at("UTC", 2026, 10, 25, 22, 59)));
        assert!(ams.due(autumn, at("UTC", 2026, 10, 25, 23, 0)));
        // The day before the change ends at local midnight as usual.
        let before = date(2026, 3, 28);
        assert!(!ams.due(before, at("Europe/Amsterdam", 2026, 3, 28, 23, 59)));
        assert!(ams.due(before, at("Europe/Amsterdam", 2026, 3, 29, 0, 0)));
        // A zone whose clocks skip midnight itself (Havana, 8 March 2026):
        // the next day starts at 01:00, and the round is due from then on.
        let havana = Zone::parse("America/Havana").unwrap();
        let eve = date(2026, 3, 7);
        assert!(!havana.due(eve, at("America/Havana", 2026, 3, 7, 23, 59)));
        assert!(havana.due(eve, at("America/Havana", 2026, 3, 8, 1, 0)));
    }

    #[test]
    fn today_is_the_day_in_the_zone() {
        let ams = Zone::parse("europe/amsterdam").unwrap();
        assert_eq!(ams.name(), "Europe/Amsterdam");
        let night = at("UTC", 2026, 4, 15, 22, 30);
        assert_eq!(ams.today(night), date(2026, 4, 16));
        assert_eq!(Zone::utc().today(night), date(2026, 4, 15));
        assert_eq!(
            Zone::parse("Mars/Olympus_Mons").unwrap_err().name,
            "Mars/Olympus_Mons"
        );
        assert!(Zone::parse("").is_err());
    }

    #[test]
    fn dates_parse_and_move() {
        let d = parse("2024-02-29").unwrap();
        assert_eq!(d.to_string(), "2024-02-29");
        assert_eq!(add_months(d, 12).to_string(), "2025-02-28");
        assert_eq!(add_days(d, 1).to_string(), "2024-03-01");
        assert_eq!(add_months(date(2026, 1, 31), -2).to_string(), "2025-11-30");
        let today = date(2026, 12, 30);
        let rel = |s| parse_relative(s, today).map(|d| d.to_string());
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
            "20250101xx",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }
}
