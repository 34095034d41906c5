//! What a chart of one or more series shows, on a true time axis: the one definition used by the
//! Trends chart in the TUI and by `export --chart` (SVG). No drawing here: positions in time,
//! values, axes and their ticks, the legend and the caveats.
//!
//! - **Time**: every point covers its period's real span, in months on the calendar
//!   ([`Period::span`], a fiscal year by its vendor's calendar), and is placed at its middle. A
//!   half-year and the quarter after it are half a year apart, not "one step".
//! - **Granularity**: one series' points of different granularities (a half-year, then a quarter)
//!   become separate lines, labelled, and are never joined: the line from 635亿 (six months) to
//!   `>398亿` (three months) would read as a fall that did not happen. [`Chart::notes`] says so.
//!   A span of several periods (`2025..2030`) is drawn as its span, never joined.
//! - **Units**: lines in one unit share a panel and its y-axis; each other unit gets its own panel,
//!   stacked on the same time axis (two scales in one panel invite reading one against the other).
//!   Money in different currencies is different units.
//! - **Cues**: each point keeps its qualifier (`>`, `~`), range (low–high) and status (estimate,
//!   target …), for the renderer to show.
//! - **Ticks**: y at round values (1-2-5 steps); x at years, and at quarters when the chart spans
//!   less than three years.
//! - **Telling lines apart**: line `i`'s marker shape and colour ([`look`]): every renderer has
//!   [`SHAPES`] shapes and some colours, and no two of the first shapes × colours lines share
//!   both; a renderer that cannot tell more lines apart keeps that many ([`Chart::keep_lines`]),
//!   and a note names the rest.
//! - **Value labels**: where they go, beside their own points and never overlapping ([`place`]).

pub mod place;

use crate::kb::number::human_value;
use crate::kb::terms::Status;
use crate::kb::{Kb, Period, Qualifier, Series, Unit};
use crate::text::escape_controls as clean;
use crate::view::human_point;

/// A chart of some series, ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// `阿里云营收` for one series; `阿里云营收, 阿里云营收同比增速` (cut) for several.
    pub title: String,
    /// Lines in legend order: per series, per granularity.
    pub lines: Vec<ChartLine>,
    /// One per unit, in the order its first line comes.
    pub panels: Vec<Panel>,
    /// The time axis shared by every panel, in months ([`month_of`]).
    pub x: XAxis,
    /// Caveats to print under the chart: granularities drawn apart, series left out.
    pub notes: Vec<String>,
}

impl Chart {
    /// Re-tick panel `panel`'s y-axis with at most `max_ticks` round ticks over its lines' values
    /// (a renderer knows each panel's height only once it has laid the chart out). An unknown
    /// panel is left alone.
    pub fn fit_y_ticks(&mut self, panel: usize, max_ticks: usize) {
        let (lo, hi) = self
            .lines
            .iter()
            .filter(|l| l.panel == panel)
            .flat_map(|l| &l.points)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), p| {
                (l.min(p.low), h.max(p.high))
            });
        if let Some(p) = self.panels.get_mut(panel) {
            p.y = y_axis(lo, hi, &p.unit, max_ticks);
        }
    }
}

/// How many marker shapes every renderer draws (the Trends chart's `●■▲◆▼★✦`, the SVG's circle,
/// square, triangle, diamond, upside-down triangle, star and four-pointed star), in that order.
pub const SHAPES: usize = 7;

/// Line `i`'s marker shape (`0..SHAPES`) and colour (`0..colours`) for a renderer with `colours`
/// colours: the shape cycles with the line, and the colour moves on by one more each round of
/// shapes, so no two of the first [`distinct_lines`] lines share both (and the first lines get
/// shape and colour `i`, `i`).
pub fn look(i: usize, colours: usize) -> (usize, usize) {
    let colours = colours.max(1);
    (i % SHAPES, (i % SHAPES + i / SHAPES) % colours)
}

/// How many lines a renderer with `colours` colours tells apart by [`look`]: shapes × colours
/// (7 without colour).
pub fn distinct_lines(colours: usize) -> usize {
    SHAPES * colours.max(1)
}

impl Chart {
    /// Keep the first `max` lines (in legend order) and leave the rest out, with a note naming
    /// them and `why` (`without colour, 7 marker shapes`): the lines a renderer cannot tell apart.
    /// Panels left with no line go, and the time axis fits the lines kept.
    pub fn keep_lines(&mut self, max: usize, why: &str) {
        if self.lines.len() <= max {
            return;
        }
        let dropped: Vec<String> = self.lines.drain(max..).map(|l| l.label).collect();
        let total = max + dropped.len();
        self.notes.push(format!(
            "{} of {total} lines not drawn, as only {max} can be told apart ({why}): {}",
            dropped.len(),
            dropped.join(", ")
        ));
        let kept: Vec<usize> = (0..self.panels.len())
            .filter(|k| self.lines.iter().any(|l| l.panel == *k))
            .collect();
        for l in &mut self.lines {
            l.panel = kept.iter().position(|k| *k == l.panel).unwrap_or(0);
        }
        let mut k = 0;
        self.panels.retain(|_| {
            k += 1;
            kept.contains(&(k - 1))
        });
        for k in 0..self.panels.len() {
            self.fit_y_ticks(k, MAX_Y_TICKS);
        }
        self.x = x_axis(&self.lines);
    }
}

/// One drawn line: the points of one series at one granularity.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartLine {
    pub series: String,
    /// The legend text: the series' name, with the granularity when the series has several
    /// (`阿里云营收 · quarters`).
    pub label: String,
    /// Which [`Panel`] it is drawn in.
    pub panel: usize,
    /// Join consecutive points with a line. False for spans of several periods and for a line
    /// of one point.
    pub joined: bool,
    pub points: Vec<ChartPoint>,
}

/// One point, at its period's real span.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartPoint {
    pub period: Period,
    /// The span's first month and the month after its last ([`month_of`]): a quarter is 3 wide.
    pub start: f64,
    pub end: f64,
    /// The value drawn (a range's middle), and the range's ends (equal for one number).
    pub value: f64,
    pub low: f64,
    pub high: f64,
    pub qualifier: Qualifier,
    pub status: Status,
    /// As tables show it: `>398亿元`, `20–30亿元 est`.
    pub label: String,
}

impl ChartPoint {
    /// Where the point is drawn: the middle of its span.
    pub fn x(&self) -> f64 {
        (self.start + self.end) / 2.0
    }
}

/// A stack of lines sharing one unit and one y-axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Panel {
    pub unit: Unit,
    /// The unit as the axis names it: `CNY`, `%`.
    pub unit_label: String,
    pub y: YAxis,
}

#[derive(Clone, Debug, PartialEq)]
pub struct YAxis {
    pub lo: f64,
    pub hi: f64,
    /// Round values from `lo` to `hi`, each with its label in the panel's unit (`400亿元`).
    pub ticks: Vec<(f64, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct XAxis {
    /// Months ([`month_of`]) at the left and right edges: whole years or quarters around the data.
    pub lo: f64,
    pub hi: f64,
    /// Tick positions with their labels; `major` ticks are year starts (`2025`), minor ones
    /// quarter starts (`Q2`).
    pub ticks: Vec<XTick>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct XTick {
    pub at: f64,
    pub label: String,
    pub major: bool,
}

/// A month as a number: `year * 12 + (month - 1)`, so 2025-01 is 24300 and a quarter is 3 wide.
pub fn month_of((y, m): (u16, u8)) -> f64 {
    f64::from(y) * 12.0 + f64::from(m) - 1.0
}

/// The granularity a point is drawn at; points of one series with different ones are never joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Grain {
    Year,
    FiscalYear,
    Half,
    Quarter,
    Month,
    Day,
    Span,
}

impl Grain {
    fn of(p: Period) -> Grain {
        match p {
            Period::Year(_) => Grain::Year,
            Period::FiscalYear(_) => Grain::FiscalYear,
            Period::Half(..) => Grain::Half,
            Period::Quarter(..) => Grain::Quarter,
            Period::Month(..) => Grain::Month,
            Period::Day(..) => Grain::Day,
            Period::Span(..) => Grain::Span,
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Grain::Year => "years",
            Grain::FiscalYear => "fiscal years",
            Grain::Half => "half-years",
            Grain::Quarter => "quarters",
            Grain::Month => "months",
            Grain::Day => "days",
            Grain::Span => "multi-period spans",
        }
    }
}

/// At most this many y ticks in a panel.
pub const MAX_Y_TICKS: usize = 6;

/// The chart of `ids` (series ids; unknown ones are named in a note), in that order, with at
/// most `max_y_ticks` y ticks per panel (a renderer passes what fits its height).
pub fn build(kb: &Kb, ids: &[&str], max_y_ticks: usize) -> Chart {
    let mut notes = Vec::new();
    let mut series: Vec<&Series> = Vec::new();
    for id in ids {
        match kb.series_by_id(id) {
            Some(s) if !series.iter().any(|t| t.id == s.id) => series.push(s),
            Some(_) => {}
            None => notes.push(format!("no series with id `{}`", clean(id))),
        }
    }
    build_series(&series, max_y_ticks, notes)
}

/// [`build`] for series already looked up.
pub fn build_series(series: &[&Series], max_y_ticks: usize, mut notes: Vec<String>) -> Chart {
    let mut lines: Vec<ChartLine> = Vec::new();
    let mut units: Vec<Unit> = Vec::new();
    for s in series {
        let name = clean(&s.name).into_owned();
        let panel = match units.iter().position(|u| *u == s.unit) {
            Some(i) => i,
            None => {
                units.push(s.unit.clone());
                units.len() - 1
            }
        };
        let mut by_grain: Vec<(Grain, Vec<ChartPoint>)> = Vec::new();
        for p in s.sorted_points() {
            let (a, b) = p.period.span(s.fy_end);
            let (mut start, mut end) = (month_of(a), month_of(b) + 1.0);
            if let Period::Day(_, _, d) = p.period {
                // A day: its place within the month, one day wide.
                start += (f64::from(d) - 1.0) / 31.0;
                end = start + 1.0 / 31.0;
            }
            // The range's ends (`sort_key` is (middle, width), not the ends).
            let (low, high) = (p.value.lo, p.value.hi);
            let v = p.value.mid();
            if !(v.is_finite() && low.is_finite() && high.is_finite()) {
                continue;
            }
            let point = ChartPoint {
                period: p.period,
                start,
                end,
                value: v,
                low: low.min(high),
                high: high.max(low),
                qualifier: p.qualifier,
                status: p.status,
                label: clean(&human_point(&s.unit, p)).into_owned(),
            };
            let g = Grain::of(p.period);
            match by_grain.iter_mut().find(|(h, _)| *h == g) {
                Some((_, pts)) => pts.push(point),
                None => by_grain.push((g, vec![point])),
            }
        }
        if by_grain.is_empty() {
            notes.push(format!("{name}: no points to draw"));
            continue;
        }
        if by_grain.len() > 1 {
            let kinds: Vec<&str> = by_grain.iter().map(|(g, _)| g.plural()).collect();
            notes.push(format!(
                "{name}: {} drawn as separate lines, not joined (different lengths of time)",
                kinds.join(" and ")
            ));
        }
        let several = by_grain.len() > 1;
        for (g, points) in by_grain {
            lines.push(ChartLine {
                series: s.id.clone(),
                label: if several {
                    format!("{name} · {}", g.plural())
                } else {
                    name.clone()
                },
                panel,
                joined: g != Grain::Span && points.len() > 1,
                points,
            });
        }
    }
    if units.len() > 1 {
        notes.push(format!(
            "{} units: one panel each, on the same time axis",
            units.len()
        ));
    }
    let panels = units
        .iter()
        .enumerate()
        .map(|(i, unit)| {
            let (lo, hi) = lines
                .iter()
                .filter(|l| l.panel == i)
                .flat_map(|l| &l.points)
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), p| {
                    (l.min(p.low), h.max(p.high))
                });
            Panel {
                unit: unit.clone(),
                unit_label: clean(&unit.to_string()).into_owned(),
                y: y_axis(lo, hi, unit, max_y_ticks),
            }
        })
        .collect();
    let title = {
        let names: Vec<String> = series.iter().map(|s| clean(&s.name).into_owned()).collect();
        names.join(", ")
    };
    let x = x_axis(&lines);
    Chart {
        title,
        lines,
        panels,
        x,
        notes,
    }
}

fn y_axis(lo: f64, hi: f64, unit: &Unit, max_ticks: usize) -> YAxis {
    if !(lo.is_finite() && hi.is_finite()) {
        return YAxis {
            lo: 0.0,
            hi: 1.0,
            ticks: Vec::new(),
        };
    }
    let (lo, hi, step) = nice_range(lo, hi, max_ticks.clamp(2, MAX_Y_TICKS));
    let ticks = (0..)
        .map(|k| lo + step * k as f64)
        .take_while(|t| *t <= hi + step * 1e-9)
        // `0.30000000000000004` → 0.3: ticks are multiples of the step.
        .map(|t| {
            (
                (t / step).round() * step,
                human_value((t / step).round() * step, unit),
            )
        })
        .map(|(t, l)| (t, clean(&l).into_owned()))
        .collect();
    YAxis { lo, hi, ticks }
}

/// Round axis bounds around `lo..hi` with at most `max_ticks` ticks at 1-2-5 steps:
/// (first tick, last tick, step). A range near zero (within a quarter of its span) starts at zero,
/// for honest proportions; an empty range gets some room around it.
pub fn nice_range(lo: f64, hi: f64, max_ticks: usize) -> (f64, f64, f64) {
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        let pad = hi.abs().max(1.0) * 0.1;
        (lo - pad, hi + pad)
    };
    let intervals = max_ticks.max(2) - 1;
    let raw = (hi - lo) / intervals as f64;
    let mut magnitude = 10f64.powf(raw.log10().floor());
    loop {
        for m in [1.0, 2.0, 5.0] {
            let step = m * magnitude;
            let mut start = (lo / step).floor() * step;
            if lo >= 0.0 && start < 0.0 {
                start = 0.0;
            }
            if lo >= 0.0 && lo - start > 0.0 && lo <= (hi - lo) * 0.25 {
                start = 0.0;
            }
            let end = (hi / step).ceil() * step;
            if ((end - start) / step).round() as usize <= intervals {
                return (start, end, step);
            }
        }
        magnitude *= 10.0;
    }
}

/// The time axis: from the start of the first point's year (or quarter, for a short chart) to the
/// end of the last one's; ticks at years, and quarters when it spans under three years.
fn x_axis(lines: &[ChartLine]) -> XAxis {
    let (lo, hi) = lines
        .iter()
        .flat_map(|l| &l.points)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), p| {
            (l.min(p.start), h.max(p.end))
        });
    if !(lo.is_finite() && hi.is_finite()) {
        return XAxis {
            lo: 0.0,
            hi: 12.0,
            ticks: Vec::new(),
        };
    }
    let quarters = hi - lo < 36.0;
    let grid = if quarters { 3.0 } else { 12.0 };
    let lo = (lo / grid).floor() * grid;
    let hi = ((hi / grid).ceil() * grid).max(lo + grid);
    let mut ticks = Vec::new();
    let mut at = lo;
    while at <= hi + 1e-9 {
        let year = (at / 12.0).floor();
        let month = (at - year * 12.0).round() as u8;
        if month == 0 {
            ticks.push(XTick {
                at,
                label: format!("{year}"),
                major: true,
            });
        } else {
            ticks.push(XTick {
                at,
                label: format!("Q{}", month / 3 + 1),
                major: false,
            });
        }
        at += grid;
    }
    XAxis { lo, hi, ticks }
}

/// Small KBs for the renderers' tests.
#[cfg(test)]
pub(crate) mod fixture {
    /// `n` series in one unit (CNY), `s1` … `sN`, named `线1` …, each with points in 2025-Q1 and
    /// 2025-Q2: line k's values are `100 + 10k` 亿 and `200 - 10k` 亿, so in each period every
    /// line's point falls close to the others' (the lines cross between the two).
    pub fn same_periods(n: usize) -> crate::kb::Kb {
        let mut t = String::from(
            "[[source]]\nid = \"s\"\ntitle = \"T\"\npublisher = \"P\"\ndate = 2025-06-01\n\n\
             [[vendor]]\nid = \"v\"\nname = \"V\"\nsources = [\"s\"]\n",
        );
        for k in 1..=n {
            t += &format!(
                "\n[[series]]\nid = \"s{k}\"\nname = \"线{k}\"\nvendor = \"v\"\nmetric = \"revenue\"\n\
                 unit = \"CNY\"\nsources = [\"s\"]\n\n  [[series.points]]\n  period = \"2025-Q1\"\n  \
                 value = \"{}亿\"\n\n  [[series.points]]\n  period = \"2025-Q2\"\n  value = \"{}亿\"\n",
                100 + 10 * k,
                200 - 10 * k
            );
        }
        let loaded = crate::kb::load::load_bytes("same.toml", t.into_bytes());
        assert!(loaded.is_ok(), "{}", loaded.render_diagnostics_upto(10));
        loaded.kb
    }

    /// Every series id of [`same_periods`]`(n)`.
    pub fn ids(n: usize) -> Vec<String> {
        (1..=n).map(|k| format!("s{k}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb;

    #[test]
    fn no_two_lines_share_shape_and_colour_until_every_pair_is_used() {
        for colours in [1, 6, 8] {
            let n = distinct_lines(colours);
            let looks: Vec<(usize, usize)> = (0..n).map(|i| look(i, colours)).collect();
            for (i, a) in looks.iter().enumerate() {
                assert!(a.0 < SHAPES && a.1 < colours, "{a:?}");
                assert!(!looks[i + 1..].contains(a), "{colours} colours: {a:?} twice");
            }
            assert_eq!(looks[0], look(n, colours), "then they repeat");
        }
        // The first lines: shape and colour i (what the chart always drew).
        assert_eq!(look(3, 6), (3, 3));
        assert_eq!(look(6, 6), (6, 0));
        // The 8th line: the first shape in another colour.
        assert_eq!(look(7, 8), (0, 1));
        assert_eq!(distinct_lines(1), 7);
        assert_eq!(distinct_lines(0), 7);
    }

    #[test]
    fn keep_lines_leaves_the_rest_out_and_says_which() {
        let kb = fixture::same_periods(9);
        let ids = fixture::ids(9);
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let mut c = build(&kb, &ids, MAX_Y_TICKS);
        assert_eq!(c.lines.len(), 9);
        let all = c.clone();
        c.keep_lines(9, "x");
        assert_eq!(c, all, "nothing to leave out");
        c.keep_lines(7, "without colour, 7 marker shapes");
        assert_eq!(c.lines.len(), 7);
        assert_eq!(c.lines, all.lines[..7]);
        let note = c.notes.last().unwrap();
        assert_eq!(
            note,
            "2 of 9 lines not drawn, as only 7 can be told apart (without colour, 7 marker shapes): 线8, 线9"
        );
        // Two units, the second's only line left out: its panel goes too.
        let kb = default_kb();
        let mut c = build(&kb, &["aliyun-revenue", "aliyun-revenue-growth"], MAX_Y_TICKS);
        assert_eq!((c.lines.len(), c.panels.len()), (3, 2));
        c.keep_lines(2, "test");
        assert_eq!(c.panels.len(), 1);
        assert!(c.lines.iter().all(|l| l.panel == 0));
        assert!(
            c.notes.last().unwrap().contains("阿里云营收同比增速"),
            "{:?}",
            c.notes
        );
        // The first two lines (the revenue's) are in the first panel: its ticks still cover them.
        assert!(c.panels[0].y.lo <= 398e8 && c.panels[0].y.hi >= 635e8);
    }

    fn default_kb() -> Kb {
        kb::load_builtin().kb
    }

    #[test]
    fn a_half_year_and_a_quarter_are_separate_lines_at_their_real_spans() {
        let kb = default_kb();
        let c = build(&kb, &["aliyun-revenue"], 5);
        assert_eq!(c.lines.len(), 2, "{c:#?}");
        assert!(
            c.lines.iter().all(|l| !l.joined),
            "one point each: nothing joined"
        );
        let h1 = &c.lines[0].points[0];
        let q3 = &c.lines[1].points[0];
        assert_eq!(h1.period.to_string(), "2025-H1");
        assert_eq!((h1.start, h1.end), (month_of((2025, 1)), month_of((2025, 7))));
        assert_eq!((q3.start, q3.end), (month_of((2025, 7)), month_of((2025, 10))));
        assert_eq!(h1.x(), month_of((2025, 4)));
        assert!(q3.label.starts_with('>'), "{}", q3.label);
        assert_eq!(q3.qualifier, Qualifier::Over);
        assert!(c.lines[0].label.contains("half-years"), "{}", c.lines[0].label);
        assert!(c.notes.iter().any(|n| n.contains("not joined")), "{:?}", c.notes);
    }

    #[test]
    fn two_units_get_two_panels_on_one_time_axis() {
        let kb = default_kb();
        let c = build(&kb, &["aliyun-revenue", "aliyun-revenue-growth"], 5);
        assert_eq!(c.panels.len(), 2);
        assert_eq!(c.panels[1].unit_label, "%");
        let growth: Vec<&ChartLine> = c.lines.iter().filter(|l| l.panel == 1).collect();
        assert_eq!(growth.len(), 1);
        assert!(growth[0].joined, "three quarters in a row are one line");
        assert_eq!(growth[0].points.len(), 3);
        assert!(c.notes.iter().any(|n| n.contains("2 units")), "{:?}", c.notes);
        // The time axis covers 2025-Q1 to Q3, ticked in quarters.
        assert_eq!(c.x.lo, month_of((2025, 1)));
        assert_eq!(c.x.hi, month_of((2025, 10)), "to the end of Q3");
        assert_eq!(
            c.x.ticks.iter().map(|t| t.label.as_str()).collect::<Vec<_>>(),
            ["2025", "Q2", "Q3", "Q4"]
        );
    }

    #[test]
    fn y_ticks_are_round_values_covering_every_point() {
        let kb = default_kb();
        let c = build(&kb, &["aliyun-revenue-growth"], 5);
        let y = &c.panels[0].y;
        assert!(y.lo <= 18.0 && y.hi >= 34.0, "{y:?}");
        for (t, label) in &y.ticks {
            assert_eq!(t % 5.0, 0.0, "{t} is not a round tick");
            assert!(label.ends_with('%'), "{label}");
        }
        assert!(y.ticks.len() <= 5);
    }

    #[test]
    fn unknown_and_repeated_ids_are_named_not_fatal() {
        let kb = default_kb();
        let c = build(
            &kb,
            &["nope\u{1b}[2J", "aliyun-revenue-growth", "aliyun-revenue-growth"],
            5,
        );
        assert_eq!(c.lines.len(), 1);
        assert!(c.notes[0].contains("no series with id"), "{:?}", c.notes);
        assert!(!c.notes[0].contains('\u{1b}'), "escaped: {:?}", c.notes);
    }

    #[test]
    fn a_plain_number_has_no_range_and_the_axis_hugs_the_data() {
        let kb = default_kb();
        let c = build(&kb, &["aliyun-revenue-growth"], 5);
        for p in &c.lines[0].points {
            assert_eq!((p.low, p.high), (p.value, p.value), "{p:?}");
        }
        // 18%..34%: the axis need not start at 0 (that is for data near zero).
        assert_eq!((c.panels[0].y.lo, c.panels[0].y.hi), (15.0, 35.0));
    }

    #[test]
    fn fit_y_ticks_reticks_one_panel_and_keeps_every_value_inside() {
        let kb = default_kb();
        let mut c = build(&kb, &["aliyun-revenue", "aliyun-revenue-growth"], MAX_Y_TICKS);
        let before = c.panels[1].clone();
        c.fit_y_ticks(0, 2);
        let y = &c.panels[0].y;
        assert!(y.ticks.len() <= 2, "{y:?}");
        assert!(y.lo <= 398e8 && y.hi >= 635e8, "{y:?}");
        assert_eq!(c.panels[1], before, "the other panel is untouched");
        c.fit_y_ticks(0, MAX_Y_TICKS);
        assert!(c.panels[0].y.ticks.len() > 2, "{:?}", c.panels[0].y);
        // An unknown panel: nothing happens, no panic.
        let same = c.clone();
        c.fit_y_ticks(7, 3);
        assert_eq!(c, same);
    }

    #[test]
    fn a_point_s_low_and_high_are_its_range_s_ends() {
        let kb = default_kb();
        let c = build(&kb, &["aliyun-revenue"], 5);
        let h1 = &c.lines[0].points[0];
        assert_eq!((h1.low, h1.value, h1.high), (635e8, 635e8, 635e8), "one number");
        // 635亿 and >398亿: the axis need not reach down to zero.
        assert!(c.panels[0].y.lo > 0.0, "{:?}", c.panels[0].y);
        let all: Vec<&Series> = kb.series.iter().collect();
        let c = build_series(&all, 5, Vec::new());
        let ranges: Vec<&ChartPoint> = c
            .lines
            .iter()
            .flat_map(|l| &l.points)
            .filter(|p| p.low < p.high)
            .collect();
        assert!(!ranges.is_empty(), "the default KB has ranges");
        for p in ranges {
            assert!(p.low < p.value && p.value < p.high, "{p:?}");
        }
    }

    #[test]
    fn nice_range_rounds_outward() {
        assert_eq!(nice_range(18.0, 34.0, 5), (15.0, 35.0, 5.0));
        assert_eq!(nice_range(3.98e10, 6.35e10, 6), (3e10, 7e10, 1e10));
        assert_eq!(nice_range(3.98e10, 6.35e10, 7), (3.5e10, 6.5e10, 5e9));
        let (lo, hi, _) = nice_range(7.0, 7.0, 4);
        assert!(lo < 7.0 && hi > 7.0);
    }
}
