//! Dated periods (`2025`, `FY2025`, `2025-H1`, `2025-Q2`, `2025-09`, `2025-09-11`) that parse, print
//! and sort by when they start — a longer period before the shorter ones it contains.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Years outside this range are almost certainly typos (`20250`, `225`).
pub const MIN_YEAR: u16 = 1900;
pub const MAX_YEAR: u16 = 2100;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    Year(u16),
    FiscalYear(u16),
    Half(u16, u8),
    Quarter(u16, u8),
    Month(u16, u8),
    Day(u16, u8, u8),
    /// A span from one period to a later one of the same granularity, both included:
    /// `2025..2030` (a CAGR, a plan), `2024-Q4..2025-Q3` (four quarters), `2025-H1..2025-H2`.
    /// Stored as the granularity and each end's (year, part); the part is 0 for years.
    Span(Gran, (u16, u8), (u16, u8)),
}

/// The granularity of a [`Period::Span`]'s two ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Gran {
    Year,
    Half,
    Quarter,
    Month,
}

impl Gran {
    /// The period of this granularity at (year, part).
    fn at(self, (y, i): (u16, u8)) -> Period {
        match self {
            Gran::Year => Period::Year(y),
            Gran::Half => Period::Half(y, i),
            Gran::Quarter => Period::Quarter(y, i),
            Gran::Month => Period::Month(y, i),
        }
    }

    /// The granularity and (year, part) of a period that can end a span.
    fn of(p: Period) -> Option<(Gran, (u16, u8))> {
        match p {
            Period::Year(y) => Some((Gran::Year, (y, 0))),
            Period::Half(y, h) => Some((Gran::Half, (y, h))),
            Period::Quarter(y, q) => Some((Gran::Quarter, (y, q))),
            Period::Month(y, m) => Some((Gran::Month, (y, m))),
            Period::FiscalYear(_) | Period::Day(..) | Period::Span(..) => None,
        }
    }
}

/// A calendar month, `(year, month)`: the unit of [`Period::span`].
pub type YearMonth = (u16, u8);

impl Period {
    pub fn year(self) -> u16 {
        match self {
            Period::Year(y)
            | Period::FiscalYear(y)
            | Period::Half(y, _)
            | Period::Quarter(y, _)
            | Period::Month(y, _)
            | Period::Day(y, _, _)
            | Period::Span(_, (y, _), _) => y,
        }
    }

    /// A span's first and last period; any other period is both.
    pub fn ends(self) -> (Period, Period) {
        match self {
            Period::Span(g, a, b) => (g.at(a), g.at(b)),
            p => (p, p),
        }
    }

    /// The months the period covers, first and last (inclusive), on the calendar. A fiscal year
    /// needs to know when its year ends (`fy_end`, a month; Alibaba: 3, Microsoft: 6): `FY2025` is
    /// named for the calendar year it ends in, so with `fy_end = 3` it is 2024-04 … 2025-03.
    /// Without one it is taken as the calendar year.
    pub fn span(self, fy_end: Option<u8>) -> (YearMonth, YearMonth) {
        match self {
            Period::Year(y) => ((y, 1), (y, 12)),
            Period::FiscalYear(y) => match fy_end {
                Some(m @ 1..=11) => ((y - 1, m + 1), (y, m)),
                _ => ((y, 1), (y, 12)),
            },
            Period::Half(y, h) => ((y, (h - 1) * 6 + 1), (y, h * 6)),
            Period::Quarter(y, q) => ((y, (q - 1) * 3 + 1), (y, q * 3)),
            Period::Month(y, m) | Period::Day(y, m, _) => ((y, m), (y, m)),
            Period::Span(g, a, b) => (g.at(a).span(None).0, g.at(b).span(None).1),
        }
    }

    /// (year, first month, first day, rank, last year reversed): sorting by this puts periods in
    /// start order and, for the same start, the wider one first (a span of years before its first
    /// year, the longer span first). Fiscal years rank just after their calendar year.
    fn sort_key(self) -> (u16, u8, u8, u8, u16) {
        match self {
            Period::Span(..) => {
                let ((y, m), (ey, em)) = self.span(None);
                (y, m, 1, 0, u16::MAX - (ey * 12 + em as u16))
            }
            Period::Year(y) => (y, 1, 1, 1, 0),
            Period::FiscalYear(y) => (y, 1, 1, 2, 0),
            Period::Half(y, h) => (y, (h - 1) * 6 + 1, 1, 3, 0),
            Period::Quarter(y, q) => (y, (q - 1) * 3 + 1, 1, 4, 0),
            Period::Month(y, m) => (y, m, 1, 5, 0),
            Period::Day(y, m, d) => (y, m, d, 6, 0),
        }
    }

    /// Where the period sorts when its fiscal years end in month `fy_end` (a series' vendor's
    /// `fiscal_year_end`): a fiscal year at its real span, so `FY2025` ending in March sorts at
    /// 2024-04, before 2024-H2 and long before 2025-Q2; among periods that start in the same
    /// month, the wider first, as [`Period`]'s order does. Without an end (or with December)
    /// this is that order: FY2025 just after 2025.
    pub fn key_in(self, fy_end: Option<u8>) -> PeriodKey {
        PeriodKey(match (self, fy_end) {
            (Period::FiscalYear(_), Some(1..=11)) => {
                let ((y, m), _) = self.span(fy_end);
                (y, m, 1, 2, 0)
            }
            _ => self.sort_key(),
        })
    }

    /// `FY2025 (Apr 2024 – Mar 2025)` for a fiscal year whose end is known and not December;
    /// the period as written otherwise.
    pub fn describe_in(self, fy_end: Option<u8>) -> String {
        match (self, fy_end) {
            (Period::FiscalYear(_), Some(1..=11)) => {
                let ((a, b), (c, d)) = self.span(fy_end);
                format!("{self} ({} {a} – {} {c})", month_abbr(b), month_abbr(d))
            }
            _ => self.to_string(),
        }
    }

    /// Whether this period lies within `other` (a day within its month, quarter, half and year).
    pub fn within(self, other: Period) -> bool {
        if self == other {
            return true;
        }
        if matches!(self, Period::Span(..)) || matches!(other, Period::Span(..)) {
            // By the months covered: a span lies within any period whose months hold its own.
            let (a, b) = self.span(None);
            let (c, d) = other.span(None);
            return !matches!(other, Period::Day(..)) && c <= a && b <= d;
        }
        let (y, m0, _, _, _) = self.sort_key();
        let ((_, m_first), (_, m_last)) = self.span(None);
        debug_assert_eq!(m0, m_first);
        match other {
            Period::Year(oy) => oy == y,
            Period::FiscalYear(oy) => oy == y && matches!(self, Period::FiscalYear(_)),
            Period::Half(oy, h) => oy == y && m_first > (h - 1) * 6 && m_last <= h * 6,
            Period::Quarter(oy, q) => oy == y && m_first > (q - 1) * 3 && m_last <= q * 3,
            Period::Month(oy, om) => oy == y && m_first == om && m_last == om,
            Period::Day(..) | Period::Span(..) => false,
        }
    }
}

/// A period's place in time order, fiscal years placed by their real span
/// ([`Period::key_in`]); compare keys of periods from different series to order them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PeriodKey((u16, u8, u8, u8, u16));

/// `Jan` … `Dec`.
pub fn month_abbr(m: u8) -> &'static str {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    NAMES[(m.clamp(1, 12) - 1) as usize]
}

impl Ord for Period {
    fn cmp(&self, other: &Self) -> Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Period::Year(y) => write!(f, "{y}"),
            Period::FiscalYear(y) => write!(f, "FY{y}"),
            Period::Half(y, h) => write!(f, "{y}-H{h}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
            Period::Day(y, m, d) => write!(f, "{y}-{m:02}-{d:02}"),
            Period::Span(g, a, b) => write!(f, "{}..{}", g.at(a), g.at(b)),
        }
    }
}

/// Why a period did not parse; the message names the accepted forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodError(pub String);

impl fmt::Display for PeriodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PeriodError {}

pub const PERIOD_FORMS: &str = "expected a period like `2025`, `FY2025`, `2025-H1`, `2025-Q2`, `2025-09`, `2025-09-11`, or a span such as `2025..2030` or `2024-Q4..2025-Q3`";

fn days_in_month(y: u16, m: u8) -> u8 {
    match m {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn parse_year(s: &str, whole: &str) -> Result<u16, PeriodError> {
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PeriodError(format!("invalid period `{whole}`: {PERIOD_FORMS}")));
    }
    let y: u16 = s
        .parse()
        .map_err(|_| PeriodError(format!("invalid period `{whole}`")))?;
    check_year(y)?;
    Ok(y)
}

fn check_year(y: u16) -> Result<(), PeriodError> {
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
        return Err(PeriodError(format!(
            "year {y} is out of range ({MIN_YEAR}–{MAX_YEAR})"
        )));
    }
    Ok(())
}

fn parse_small(s: &str, lo: u8, hi: u8, what: &str, whole: &str) -> Result<u8, PeriodError> {
    if s.is_empty() || s.len() > 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PeriodError(format!("invalid period `{whole}`: {PERIOD_FORMS}")));
    }
    let v: u8 = s
        .parse()
        .map_err(|_| PeriodError(format!("invalid period `{whole}`")))?;
    if v < lo || v > hi {
        return Err(PeriodError(format!(
            "invalid period `{whole}`: {what} must be {lo}–{hi}"
        )));
    }
    Ok(v)
}

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let s = raw.trim();
        let bad = || PeriodError(format!("invalid period `{raw}`: {PERIOD_FORMS}"));
        if let Some((a, b)) = s.split_once("..").or_else(|| s.split_once('–')) {
            let (a, b): (Period, Period) = (a.trim().parse()?, b.trim().parse()?);
            let spanning = |why: &str| {
                PeriodError(format!(
                    "invalid period `{raw}`: {why}; a span goes from a period to a later one of the same kind, such as `2025..2030` or `2024-Q4..2025-Q3`"
                ))
            };
            return match (Gran::of(a), Gran::of(b)) {
                (Some((g, x)), Some((h, y))) if g == h && a < b => Ok(Period::Span(g, x, y)),
                (Some((g, _)), Some((h, _))) if g == h => Err(spanning("its end is not after its start")),
                (Some(_), Some(_)) => Err(spanning("its ends are periods of different kinds")),
                _ => Err(spanning("a fiscal year, a day or a span cannot end a span")),
            };
        }
        if let Some(rest) = s.strip_prefix("FY").or_else(|| s.strip_prefix("fy")) {
            return Ok(Period::FiscalYear(parse_year(rest, raw)?));
        }
        let mut parts = s.split('-');
        let y = parse_year(parts.next().ok_or_else(bad)?, raw)?;
        let Some(second) = parts.next() else {
            return Ok(Period::Year(y));
        };
        let third = parts.next();
        if parts.next().is_some() {
            return Err(bad());
        }
        let upper = second.to_ascii_uppercase();
        if let Some(h) = upper.strip_prefix('H') {
            if third.is_some() {
                return Err(bad());
            }
            return Ok(Period::Half(y, parse_small(h, 1, 2, "the half", raw)?));
        }
        if let Some(q) = upper.strip_prefix('Q') {
            if third.is_some() {
                return Err(bad());
            }
            return Ok(Period::Quarter(y, parse_small(q, 1, 4, "the quarter", raw)?));
        }
        if second.len() != 2 {
            return Err(bad());
        }
        let m = parse_small(second, 1, 12, "the month", raw)?;
        match third {
            None => Ok(Period::Month(y, m)),
            Some(d) => {
                if d.len() != 2 {
                    return Err(bad());
                }
                let max = days_in_month(y, m);
                let d = parse_small(d, 1, max, "the day", raw)?;
                Ok(Period::Day(y, m, d))
            }
        }
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Period;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a period such as \"2025-Q2\" or a date such as 2025-09-11")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Period, E> {
                v.parse().map_err(|e: PeriodError| E::custom(e.0))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Period, E> {
                let y = u16::try_from(v)
                    .map_err(|_| E::custom(format!("year {v} is out of range ({MIN_YEAR}–{MAX_YEAR})")))?;
                check_year(y).map_err(|e| E::custom(e.0))?;
                Ok(Period::Year(y))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Period, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
            }
            // A bare TOML date (`date = 2025-09-11`) arrives as toml's datetime map.
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Period, A::Error> {
                let dt = toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                match (dt.date, dt.time) {
                    (Some(date), None) => format!("{date}")
                        .parse()
                        .map_err(|e: PeriodError| de::Error::custom(e.0)),
                    (Some(_), Some(_)) => Err(de::Error::custom(format!(
                        "`{dt}` has a time of day; write just the date, such as 2025-09-11"
                    ))),
                    (None, _) => Err(de::Error::custom(format!(
                        "`{dt}` is a time without a date; write a date such as 2025-09-11 or a period such as \"2025-Q2\""
                    ))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl schemars::JsonSchema for Period {
    fn schema_name() -> Cow<'static, str> {
        "Period".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A period: `2025`, `FY2025`, `2025-H1`, `2025-Q2`, `2025-09` or `2025-09-11` (a bare TOML date is accepted too).",
            "anyOf": [
                { "type": "string", "pattern": "^(FY)?[0-9]{4}$|\\.\\.|–|^[0-9]{4}-(H[12]|Q[1-4]|(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)$" },
                { "type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR },
                { "type": "string", "format": "date" }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn parses_every_form_and_prints_it_back() {
        for s in [
            "2025",
            "FY2025",
            "2025-H1",
            "2025-H2",
            "2025-Q2",
            "2025-09",
            "2025-09-11",
            "2024-02-29",
            "2025..2030",
        ] {
            assert_eq!(p(s).to_string(), s);
        }
        assert_eq!(p("2025–2030"), p("2025..2030"));
        assert_eq!(p("2024-Q4..2025-Q3").to_string(), "2024-Q4..2025-Q3");
        assert_eq!(p("2024-q4 .. 2025-q3").to_string(), "2024-Q4..2025-Q3");
        assert_eq!(p("2025-q3"), Period::Quarter(2025, 3));
        assert_eq!(p("fy2024"), Period::FiscalYear(2024));
    }

    #[test]
    fn rejects_bad_periods_with_a_reason() {
        for (s, needle) in [
            ("2025-Q5", "quarter must be 1–4"),
            ("2025-H3", "half must be 1–2"),
            ("2025-13", "month must be 1–12"),
            ("2025-02-29", "day must be 1–28"),
            ("2025-9", "expected a period"),
            ("25-Q1", "expected a period"),
            ("3025", "out of range"),
            ("", "expected a period"),
            ("2025-Q1-01", "expected a period"),
            ("Q1 2025", "expected a period"),
            ("2030..2025", "not after its start"),
            ("2025..2025", "not after its start"),
            ("2025..25", "expected a period"),
            ("2025-Q1..2025-09", "different kinds"),
            ("FY2024..FY2025", "cannot end a span"),
            ("2025-01-01..2025-02-01", "cannot end a span"),
        ] {
            let e = s.parse::<Period>().unwrap_err();
            assert!(e.0.contains(needle), "{s}: {e}");
        }
    }

    #[test]
    fn sorts_by_start_with_wider_periods_first() {
        let mut v: Vec<Period> = [
            "2025-Q2",
            "2025-01-05",
            "2025-H1",
            "2024",
            "FY2025",
            "2025",
            "2025-Q1",
            "2025-01",
            "2025-H2",
        ]
        .iter()
        .map(|s| p(s))
        .collect();
        v.sort();
        let got: Vec<String> = v.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            got,
            [
                "2024",
                "2025",
                "FY2025",
                "2025-H1",
                "2025-Q1",
                "2025-01",
                "2025-01-05",
                "2025-Q2",
                "2025-H2"
            ]
        );
    }

    #[test]
    fn containment() {
        assert!(p("2025-09-11").within(p("2025-Q3")));
        assert!(p("2025-Q2").within(p("2025-H1")));
        assert!(!p("2025-Q3").within(p("2025-H1")));
        assert!(p("2025-H2").within(p("2025")));
        assert!(!p("2024-H2").within(p("2025")));
    }

    #[test]
    fn deserializes_strings_integers_and_bare_dates() {
        #[derive(Deserialize)]
        struct T {
            a: Period,
            b: Period,
            c: Period,
        }
        let t: T = toml::from_str("a = \"2025-Q2\"\nb = 2024\nc = 2025-09-11\n").unwrap();
        assert_eq!((t.a, t.b, t.c), (p("2025-Q2"), p("2024"), p("2025-09-11")));
        let e = toml::from_str::<T>("a = \"2025-Q9\"\nb = 2024\nc = 2025-09-11T10:00:00\n")
            .err()
            .unwrap();
        assert!(e.to_string().contains("quarter must be 1–4"), "{e}");
    }

    #[test]
    fn spans_of_years_sort_before_their_first_year_and_contain_their_years() {
        let mut v: Vec<Period> = ["2026", "2025", "2025..2027", "2025..2030", "2024-Q4"]
            .iter()
            .map(|s| p(s))
            .collect();
        v.sort();
        let got: Vec<String> = v.iter().map(|p| p.to_string()).collect();
        assert_eq!(got, ["2024-Q4", "2025..2030", "2025..2027", "2025", "2026"]);
        assert!(p("2026-Q2").within(p("2025..2030")));
        assert!(p("2025..2027").within(p("2025..2030")));
        assert!(!p("2031").within(p("2025..2030")));
        assert!(!p("2025..2030").within(p("2025")));
    }

    #[test]
    fn a_fiscal_year_with_a_declared_end_sorts_and_reads_at_its_real_span() {
        let sorted = |fy: Option<u8>| {
            let mut v: Vec<Period> = [
                "2025-Q2", "2024-H2", "FY2025", "2025", "2024-Q1", "2024-04", "2024",
            ]
            .iter()
            .map(|s| p(s))
            .collect();
            v.sort_by_key(|x| x.key_in(fy));
            v.iter().map(|x| x.to_string()).collect::<Vec<_>>()
        };
        // March year end: FY2025 is 2024-04 … 2025-03, so it starts with 2024-04 (wider first).
        assert_eq!(
            sorted(Some(3)),
            [
                "2024", "2024-Q1", "FY2025", "2024-04", "2024-H2", "2025", "2025-Q2"
            ]
        );
        // June: 2024-07 … 2025-06, the start of 2024-H2 (the fiscal year is the wider).
        assert_eq!(
            sorted(Some(6)),
            [
                "2024", "2024-Q1", "2024-04", "FY2025", "2024-H2", "2025", "2025-Q2"
            ]
        );
        // No end declared, or December: as today, just after its calendar year.
        for fy in [None, Some(12)] {
            assert_eq!(
                sorted(fy),
                [
                    "2024", "2024-Q1", "2024-04", "2024-H2", "2025", "FY2025", "2025-Q2"
                ]
            );
        }
        // Keys of two series compare: a March-year FY2025 before a calendar 2025-Q2.
        assert!(p("FY2025").key_in(Some(3)) < p("2025-Q2").key_in(None));
        assert!(p("FY2025").key_in(Some(3)) < p("2025").key_in(None));
        assert_eq!(p("FY2025").describe_in(Some(3)), "FY2025 (Apr 2024 – Mar 2025)");
        assert_eq!(p("FY2025").describe_in(Some(6)), "FY2025 (Jul 2024 – Jun 2025)");
        assert_eq!(p("FY2025").describe_in(Some(1)), "FY2025 (Feb 2024 – Jan 2025)");
        assert_eq!(p("FY2025").describe_in(None), "FY2025");
        assert_eq!(p("FY2025").describe_in(Some(12)), "FY2025");
        assert_eq!(p("2025-Q2").describe_in(Some(3)), "2025-Q2");
    }

    #[test]
    fn a_fiscal_year_spans_the_twelve_months_to_its_end() {
        assert_eq!(p("FY2025").span(Some(3)), ((2024, 4), (2025, 3)));
        assert_eq!(p("FY2025").span(Some(6)), ((2024, 7), (2025, 6)));
        assert_eq!(p("FY2025").span(Some(12)), ((2025, 1), (2025, 12)));
        assert_eq!(p("FY2025").span(None), ((2025, 1), (2025, 12)));
        assert_eq!(p("2025-Q3").span(Some(3)), ((2025, 7), (2025, 9)));
        assert_eq!(p("2025..2030").span(None), ((2025, 1), (2030, 12)));
    }
}
