//! Dates written the way the reader's language writes them. Times are UTC
//! (stored without a zone), and say so.

use chrono::{Datelike, NaiveDateTime};

use super::format;

/// A day, such as "5 December 2026", "5 decembrie 2026" or "5. Dezember 2026".
pub fn date(lang: &str, at: NaiveDateTime) -> String {
    let day = at.day().to_string();
    let month = format(lang, &format!("month.{}", at.month()), &[]);
    let year = at.year().to_string();
    format(
        lang,
        "date.format",
        &[("day", &day), ("month", &month), ("year", &year)],
    )
}

/// A day and the time of day in UTC.
pub fn date_time(lang: &str, at: NaiveDateTime) -> String {
    let date = date(lang, at);
    let time = at.format("%H:%M").to_string();
    format(
        lang,
        "date.time.format",
        &[("date", &date), ("time", &time)],
    )
}
