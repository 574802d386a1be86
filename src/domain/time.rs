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

/// Reads an instant sent by a client: RFC 3339 with its offset (`2027-01-31T17:00:00+07:00`,
/// `...Z`), or a plain date, which means the end of that day in Vietnam. A date-time without an
/// offset is refused: it would be read in some time zone the client did not name.
pub fn parse_instant(text: &str) -> Result<NaiveDateTime, String> {
    let text = text.trim();
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(at.naive_utc());
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(start_of_vietnam_day(day) + Duration::days(1) - Duration::seconds(1));
    }
    Err(format!(
        "`{}` is not a date-time with an offset (2027-01-31T17:00:00+07:00) or a date (2027-01-31)",
        text.chars().take(40).collect::<String>()
    ))
}

/// Serde: an optional instant in the forms `parse_instant` reads.
pub fn optional_instant<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDateTime>, D::Error> {
    let text: Option<String> = serde::Deserialize::deserialize(deserializer)?;
    text.map(|t| parse_instant(&t).map_err(serde::de::Error::custom)).transpose()
}

/// Serde: an instant in the forms `parse_instant` reads.
pub fn instant<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<NaiveDateTime, D::Error> {
    let text: String = serde::Deserialize::deserialize(deserializer)?;
    parse_instant(&text).map_err(serde::de::Error::custom)
}

/// Serde: an instant written as RFC 3339 in UTC (`2027-01-31T10:00:00Z`).
pub fn utc_instant<S: serde::Serializer>(at: &NaiveDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// Serde: an optional instant written as `utc_instant` writes one.
pub fn optional_utc_instant<S: serde::Serializer>(
    at: &Option<NaiveDateTime>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => utc_instant(at, serializer),
        None => serializer.serialize_none(),
    }
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

    #[test]
    fn instants_carry_their_offset_or_are_whole_days() {
        assert_eq!(parse_instant("2027-01-31T17:00:00+07:00"), Ok(at("2027-01-31 10:00:00")));
        assert_eq!(parse_instant("2027-01-31T10:00:00Z"), Ok(at("2027-01-31 10:00:00")));
        assert_eq!(parse_instant("2027-01-31"), Ok(at("2027-01-31 16:59:59")), "the end of the day in Hà Nội");
        assert!(parse_instant("2026-12-01T18:22:09.708911056").is_err(), "no offset, no guess");
        assert!(parse_instant("tomorrow").is_err());
    }
}
