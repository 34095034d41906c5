//! The time stamps exports carry: in default file names (`20251122-1530`) and in the Markdown
//! title line (`2025-11-22 15:30`). Local time, to the minute. `SOURCE_DATE_EPOCH` (seconds since
//! 1970, the reproducible-builds convention) fixes the time, in UTC, so that tests and scripts
//! get the same bytes from every run.

use chrono::{DateTime, Local, TimeZone, Utc};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    /// For people: `2025-11-22 15:30`.
    pub date: String,
    /// For file names: `20251122-1530`.
    pub file: String,
}

impl Stamp {
    fn of<Tz: TimeZone>(t: DateTime<Tz>) -> Stamp
    where
        Tz::Offset: std::fmt::Display,
    {
        Stamp {
            date: t.format("%Y-%m-%d %H:%M").to_string(),
            file: t.format("%Y%m%d-%H%M").to_string(),
        }
    }
}

/// Now, or the time `SOURCE_DATE_EPOCH` gives.
pub fn now() -> Stamp {
    match std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| Utc.timestamp_opt(secs, 0).single())
    {
        Some(t) => Stamp::of(t),
        None => Stamp::of(Local::now()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let t = Utc.with_ymd_and_hms(2025, 11, 22, 15, 30, 59).unwrap();
        assert_eq!(
            Stamp::of(t),
            Stamp {
                date: "2025-11-22 15:30".into(),
                file: "20251122-1530".into()
            }
        );
    }
}
