//! As-of: when a figure or a title was known — the date of the source stating it — and whether
//! that is stale, more than two years before the KB's newest source (a 2022 figure in a 2025 KB).
//! Derived from the sources' dates; no field in the KB.
//!
//! - A point is known as of its own `source`, else the newest of its series' sources.
//! - A series is known as of its latest point (the one the Trends table's `Latest` shows).
//! - A deal, fact or report as of the newest of its sources.
//! - An executive's `title` as of the newest of the executive's sources; a dated career move
//!   newer than that (and stated as fact, not a rumour or a plan) makes the move's role the
//!   current one, as of the move's date ([`current_title`]).

use super::terms::Status;
use super::{CareerMove, Executive, Kb, Period, Point, Series, Source};

/// How much older than the KB's newest source a date may be before it is stale: two years.
pub const STALE_YEARS: u16 = 2;

/// When something was known: the source's date, the source, and whether that is stale.
#[derive(Clone, Copy, Debug)]
pub struct AsOf<'k> {
    pub date: Period,
    pub source: &'k Source,
    pub stale: bool,
}

/// The same source (the same record, not an equal one), date and staleness.
impl PartialEq for AsOf<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.date == other.date && self.stale == other.stale && std::ptr::eq(self.source, other.source)
    }
}

impl AsOf<'_> {
    /// `2025-09-11 (雷峰网)`, with ` · old` when stale.
    pub fn show(&self) -> String {
        let mut s = format!("{} ({})", self.date, self.source.publisher);
        if self.stale {
            s.push_str(" · ");
            s.push_str(STALE_CUE);
        }
        s
    }
}

/// The cue after a stale figure in tables (`635亿元 old`) and on an as-of line.
pub const STALE_CUE: &str = "old";

/// (year, month, day) of a period's last day as far as it is known: a day is itself, a month or a
/// longer period its last month's 31st (only compared, never shown).
fn last_day(p: Period) -> (u16, u8, u8) {
    match p {
        Period::Day(y, m, d) => (y, m, d),
        p => {
            let (_, (y, m)) = p.span(None);
            (y, m, 31)
        }
    }
}

/// (year, month, day) of a period's first day.
fn first_day(p: Period) -> (u16, u8, u8) {
    match p {
        Period::Day(y, m, d) => (y, m, d),
        p => {
            let ((y, m), _) = p.span(None);
            (y, m, 1)
        }
    }
}

/// Whether something known as of `date` is stale in a KB whose newest source is dated `newest`:
/// more than [`STALE_YEARS`] before it. Measured leniently: from the last day `date` may mean
/// (a source dated `2023-09` counts from 2023-09-31) to the first day `newest` may mean, so a
/// figure is called old only when it surely is.
pub fn is_stale(date: Period, newest: Period) -> bool {
    let (y, m, d) = last_day(date);
    (y.saturating_add(STALE_YEARS), m, d) < first_day(newest)
}

impl Kb {
    /// The date of the KB's newest source (by when it starts), if it has any.
    pub fn newest_source_date(&self) -> Option<Period> {
        self.relations.newest_source
    }

    /// As of the newest of these sources (ids not in the KB are passed over).
    pub fn as_of<'k, 'a>(&'k self, ids: impl IntoIterator<Item = &'a String>) -> Option<AsOf<'k>> {
        // The first of equally dated sources wins.
        let source = ids
            .into_iter()
            .filter_map(|id| self.source(id))
            .reduce(|a, b| if b.date > a.date { b } else { a })?;
        Some(self.dated(source.date, source))
    }

    /// `date`, known from `source`, with its staleness in this KB.
    fn dated<'k>(&'k self, date: Period, source: &'k Source) -> AsOf<'k> {
        AsOf {
            date,
            source,
            stale: self.newest_source_date().is_some_and(|n| is_stale(date, n)),
        }
    }

    /// A point: as of its own source, else its series' newest source.
    pub fn point_as_of<'k>(&'k self, series: &'k Series, point: &Point) -> Option<AsOf<'k>> {
        match point.source.as_ref().and_then(|id| self.source(id)) {
            Some(s) => Some(self.dated(s.date, s)),
            None => self.as_of(&series.sources),
        }
    }

    /// A series: as of its latest point (the last of those with the greatest period, as the
    /// Trends table's `Latest` shows it); a series without points as of its newest source.
    pub fn series_as_of<'k>(&'k self, series: &'k Series) -> Option<AsOf<'k>> {
        match series.points.iter().max_by_key(|p| p.period) {
            Some(p) => self.point_as_of(series, p),
            None => self.as_of(&series.sources),
        }
    }
}

/// An executive's current title, and since when it is known.
#[derive(Clone, Copy, Debug)]
pub enum Current<'k> {
    /// The executive's `title` (and employer), as of the newest of the executive's sources.
    Title { as_of: Option<AsOf<'k>> },
    /// A dated career move newer than the title's source: its role is current, since its date.
    Move {
        career: &'k CareerMove,
        date: Period,
        stale: bool,
        /// What the title's source said, now superseded.
        title_as_of: Option<AsOf<'k>>,
    },
}

/// What an executive is now: the title as of its newest source, unless a dated career move stated
/// as fact (not a rumour, a plan …) starts after that source's date; then the newest such move.
/// With no dated source for the title, the title stands (nothing says a move came after it).
pub fn current_title<'k>(kb: &'k Kb, e: &'k Executive) -> Current<'k> {
    let as_of = kb.as_of(&e.sources);
    let newer = e
        .career
        .iter()
        .filter(|m| m.status == Status::Actual)
        .filter_map(|m| Some((m.date?, m)))
        .filter(|(d, _)| as_of.is_some_and(|a| *d > a.date))
        // The last of equally dated moves: the one written last.
        .max_by_key(|(d, _)| *d);
    match newer {
        Some((date, career)) => Current::Move {
            career,
            date,
            stale: kb.newest_source_date().is_some_and(|n| is_stale(date, n)),
            title_as_of: as_of,
        },
        None => Current::Title { as_of },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn stale_is_more_than_two_years_before_the_newest_source() {
        assert!(is_stale(p("2022-06-19"), p("2026-Q1")));
        assert!(is_stale(p("2023-09-10"), p("2025-09-11")));
        // Exactly two years is not more than two years.
        assert!(!is_stale(p("2023-09-11"), p("2025-09-11")));
        assert!(!is_stale(p("2025-12-29"), p("2026-Q1")));
        // A month counts from its end, the newest from its start: 2023-09 might be 2023-09-30.
        assert!(!is_stale(p("2023-09"), p("2025-09-30")));
        assert!(is_stale(p("2023-09"), p("2025-10-01")));
        // A year counts from its last month.
        assert!(!is_stale(p("2023"), p("2025-12-31")));
        assert!(is_stale(p("2023"), p("2026")));
        // Newer than the newest (a source dated in a later quarter than another) is never stale.
        assert!(!is_stale(p("2026-Q1"), p("2025-12-29")));
    }

    fn kb(toml: &str) -> Kb {
        let l = super::super::load::load_bytes("t.toml", toml.as_bytes().to_vec());
        assert!(l.is_ok(), "{}", l.render_diagnostics());
        l.kb
    }

    const SOURCES: &str = r#"
[[source]]
id = "old"
title = "2022"
publisher = "财联社"
date = 2022-06-19

[[source]]
id = "mid"
title = "mid"
publisher = "雷峰网"
date = 2025-09-11

[[source]]
id = "new"
title = "new"
publisher = "网易号"
date = 2025-12-29
"#;

    #[test]
    fn a_point_is_known_as_of_its_source_else_the_series_newest() {
        let kb = kb(&format!(
            r#"{SOURCES}
[[vendor]]
id = "v"
name = "V"
sources = ["mid"]

[[series]]
id = "s"
name = "S"
vendor = "v"
metric = "revenue"
unit = "CNY"
sources = ["old", "mid"]
points = [
  {{ period = "2021", value = "1亿", source = "old" }},
  {{ period = "2025-H1", value = "2亿", source = "mid" }},
]

[[series]]
id = "u"
name = "U"
vendor = "v"
metric = "revenue"
unit = "CNY"
sources = ["mid"]
points = [{{ period = "2025-H1", value = "2亿" }}]

[[series]]
id = "t"
name = "T"
vendor = "v"
metric = "revenue"
unit = "CNY"
sources = ["mid", "old"]
points = [{{ period = "2025", value = "3亿", source = "old" }}]
"#
        ));
        assert_eq!(kb.newest_source_date(), Some(p("2025-12-29")));
        let s = &kb.series[0];
        let old = kb.point_as_of(s, &s.points[0]).unwrap();
        assert_eq!(
            (old.date, old.source.id.as_str(), old.stale),
            (p("2022-06-19"), "old", true)
        );
        assert_eq!(old.show(), "2022-06-19 (财联社) · old");
        let mid = kb.point_as_of(s, &s.points[1]).unwrap();
        assert_eq!((mid.source.id.as_str(), mid.stale), ("mid", false));
        assert_eq!(mid.show(), "2025-09-11 (雷峰网)");
        assert_eq!(kb.series_as_of(s), Some(mid));
        // No source of its own: the series' source.
        let u = &kb.series[1];
        assert_eq!(kb.point_as_of(u, &u.points[0]), Some(mid));
        // The latest point's as-of is the series', even when an older source states it; the
        // series' newest source is the newest whatever order they are listed in.
        let t = &kb.series[2];
        assert_eq!(kb.series_as_of(t).map(|a| a.source.id.as_str()), Some("old"));
        assert_eq!(kb.as_of(&t.sources).map(|a| a.source.id.as_str()), Some("mid"));
        assert_eq!(kb.as_of(&["nope".to_string()]), None);
    }

    #[test]
    fn a_newer_dated_move_is_the_current_title() {
        let kb = kb(&format!(
            r#"{SOURCES}
[[vendor]]
id = "v"
name = "V"
sources = ["mid"]

[[executive]]
id = "moved"
name = "甲"
vendor = "v"
title = "总裁"
sources = ["old", "mid"]
career = [
  {{ date = "2025-07", to = "v", role = "总裁" }},
  {{ date = "2025-12", from = "v", to_org = "别处", role = "CEO", source = "new" }},
  {{ date = "2026-01", to_org = "传闻处", role = "CTO", status = "rumour", source = "new" }},
]

[[executive]]
id = "stays"
name = "乙"
title = "负责人"
sources = ["old"]
career = [{{ date = "2021", role = "负责人" }}, {{ role = "undated" }}]
"#
        ));
        match current_title(&kb, &kb.executives[0]) {
            Current::Move {
                career,
                date,
                stale,
                title_as_of,
            } => {
                assert_eq!((career.role.as_str(), date, stale), ("CEO", p("2025-12"), false));
                assert_eq!(title_as_of.map(|a| a.source.id.as_str()), Some("mid"));
            }
            other => panic!("{other:?}"),
        }
        match current_title(&kb, &kb.executives[1]) {
            Current::Title { as_of: Some(a) } => assert_eq!((a.date, a.stale), (p("2022-06-19"), true)),
            other => panic!("{other:?}"),
        }
    }
}
