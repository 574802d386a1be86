//! Vietnam's day (UTC+7, no daylight saving): the one calendar of the service. Instants are stored
//! in UTC; days (of reports, quotas and stamps) are Vietnam days.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// Vietnam's offset from UTC.
pub const VIETNAM_OFFSET_HOURS: i64 = 7;

fn offset() -> Duration {
    Duration::hours(VIETNAM_OFFSET_HOURS)
}

/// The Vietnam date of a UTC instant.
pub fn vietnam_date(utc: NaiveDateTime) -> NaiveDate {
    (utc + offset()).date()
}

/// Today in Vietnam.
pub fn vietnam_today() -> NaiveDate {
    vietnam_date(Utc::now().naive_utc())
}

/// The UTC instant a Vietnam day begins.
pub fn start_of_vietnam_day(day: NaiveDate) -> NaiveDateTime {
    day.and_time(NaiveTime::MIN) - offset()
}

/// The Vietnam day holding a UTC instant, as UTC instants: its start and the next day's.
pub fn vietnam_day_bounds(utc: NaiveDateTime) -> (NaiveDateTime, NaiveDateTime) {
    let start = start_of_vietnam_day(vietnam_date(utc));
    (start, start + Duration::days(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").expect("a date-time")
    }

    #[test]
    fn the_day_turns_at_midnight_in_hanoi_not_in_greenwich() {
        assert_eq!(vietnam_date(at("2026-12-01 16:59:59")).to_string(), "2026-12-01");
        assert_eq!(vietnam_date(at("2026-12-01 17:00:00")).to_string(), "2026-12-02");
        let (start, end) = vietnam_day_bounds(at("2026-12-01 18:22:09"));
        assert_eq!((start, end), (at("2026-12-01 17:00:00"), at("2026-12-02 17:00:00")));
    }
}
