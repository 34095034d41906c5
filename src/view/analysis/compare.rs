//! Compare: the figures of the selected series pivoted. One row per series (by periods) or per
//! series and period (by reports); one column per distinct period or report among the figures;
//! each row says what its figures measure (metric · market · basis · unit), and rows rank within
//! their group of comparable figures only, so figures on different bases, markets or units never
//! share a ranking (see [`ranked`]).

use std::borrow::Cow;
use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt};

use super::{Pivot, col, text};
use crate::kb::{Kb, Kind, Period, Point, Series};
use crate::view::columns::{ColType, Column};
use crate::view::{Cell, Cells, Row, Sort, SortKey, View, human_point, subject, vendor_name};

/// The columns every pivot starts with (by periods): who, what the figures measure, and the bar
/// drawn for the ranked column. By reports, [`PERIOD`] follows `measures`.
pub const FIXED: &[Column] = &[
    col("subject", "Subject", ColType::Text, [6, 10, 20], 1),
    col("measures", "Measures", ColType::Text, [16, 24, 44], 2),
    col(
        "bar",
        "Bar",
        ColType::Sparkline,
        [BAR as u16, BAR as u16, BAR as u16],
        0,
    ),
];

/// The period column of a pivot by reports (its rows are series × period).
pub const PERIOD: Column = col("period", "Period", ColType::Period, [6, 9, 17], 0);

/// A bar's width in cells at the full value of its group.
pub const BAR: usize = 10;

/// The header of figures with no report.
const NO_REPORT: &str = "no report";

/// What a series' figures measure, the label of its group: `share · 中国AI云 · token-calls · %`
/// (metric, market, basis, segment, unit; a market share says `share`, to leave room for the
/// market and basis).
pub fn measures(s: &Series) -> String {
    let unit = s.unit.to_string();
    let metric = match s.metric {
        crate::kb::Metric::MarketShare => "share",
        m => m.as_str(),
    };
    [
        Some(metric),
        s.market.as_deref(),
        s.basis.as_deref(),
        s.segment.as_deref(),
        Some(unit.as_str()),
    ]
    .into_iter()
    .flatten()
    .filter(|p| !p.is_empty())
    .collect::<Vec<_>>()
    .join(" · ")
}

/// The report a figure comes from: the point's own, else the series'.
fn report_of<'s>(s: &'s Series, p: &'s Point) -> Option<&'s str> {
    p.report.as_deref().or(s.report.as_deref())
}

/// A report's header: its publisher and the period it covers (`Canalys 2025-Q2`), else its name.
fn report_header(kb: &Kb, id: &str) -> String {
    match kb.lookup(id) {
        Some((Kind::Report, i)) => {
            let r = &kb.reports[i];
            let publisher = vendor_name(kb, &r.publisher);
            match r.period.or(r.date) {
                Some(p) => format!("{publisher} {p}"),
                None => publisher.to_string(),
            }
        }
        _ => id.to_string(),
    }
}

/// A figure's cell: qualifier, value, status cue, `*` when its period was inferred; sorted by its
/// value (a range by its middle). `more` other figures fell in the same cell: `+N` says so.
fn figure(s: &Series, p: &Point, more: usize) -> Cell {
    let mut t = human_point(&s.unit, p);
    if p.inferred.is_some() {
        t.push('*');
    }
    if more > 0 {
        t.push_str(&format!(" +{more}"));
    }
    // Made inert without a copy when there is nothing to escape (nearly always).
    let text = match crate::text::escape_controls(&t) {
        Cow::Borrowed(_) => t,
        Cow::Owned(escaped) => escaped,
    };
    Cell {
        text,
        key: SortKey::Num(p.value.mid()),
    }
}

/// The pivot's columns and rows over the selected series.
pub(super) fn pivot(kb: &Kb, series: &[usize], by: Pivot) -> (Vec<Column>, Vec<Row>) {
    pivot_in(kb, series, by, CHUNK)
}

/// [`pivot`], its rows made `chunk` series at a time (on every core when there are several).
fn pivot_in(kb: &Kb, series: &[usize], by: Pivot, chunk: usize) -> (Vec<Column>, Vec<Row>) {
    // The distinct columns: periods chronologically, reports by header (a report's header is
    // made once, however many figures cite it).
    let mut periods: BTreeMap<Period, usize> = BTreeMap::new();
    let mut headers: HashMap<Option<&str>, String> = HashMap::new();
    for &i in series {
        let s = &kb.series[i];
        for p in &s.points {
            match by {
                Pivot::Periods => {
                    periods.entry(p.period).or_insert(0);
                }
                Pivot::Reports => {
                    let r = report_of(s, p);
                    headers
                        .entry(r)
                        .or_insert_with(|| r.map_or_else(|| NO_REPORT.to_string(), |r| report_header(kb, r)));
                }
            }
        }
    }
    let mut columns: Vec<Column> = FIXED.to_vec();
    if by == Pivot::Reports {
        columns.insert(2, PERIOD.clone());
    }
    let first = columns.len();
    let value_column = |name: &str| {
        let mut c = col("", "", ColType::Amount, [6, 10, 22], 0);
        // A fixed column grows to `ideal` before the shared ones: its whole header and the
        // sort mark, so the report or period it is stays readable.
        c.width.ideal = (crate::text::width(name) as u16 + 1).clamp(c.width.ideal, c.width.max);
        c.key = Cow::Owned(name.to_lowercase());
        c.name = Cow::Owned(crate::text::escape_controls(name).into_owned());
        c
    };
    // Which value column a figure goes to.
    let mut report_column: HashMap<Option<&str>, usize> = HashMap::new();
    match by {
        Pivot::Periods => {
            for (n, (p, at)) in periods.iter_mut().enumerate() {
                *at = first + n;
                columns.push(value_column(&p.to_string()));
            }
        }
        Pivot::Reports => {
            // Two reports with one header (same publisher and period) share its column.
            let mut names: Vec<&String> = headers.values().collect();
            names.sort_unstable();
            names.dedup();
            for name in &names {
                columns.push(value_column(name));
            }
            for (r, h) in &headers {
                let at = names.binary_search(&h).map_or(first, |n| first + n);
                report_column.insert(*r, at);
            }
        }
    }
    let width = columns.len();
    // Series are independent: a large selection's rows are made in chunks on every core (the
    // explorer builds them off the UI thread), in series order.
    let place = Place {
        by,
        periods: periods.into_iter().collect(),
        reports: report_column,
        first,
        width,
    };
    let chunks: Vec<&[usize]> = series.chunks(chunk).collect();
    let threads = if series.len() > chunk.saturating_mul(2) {
        crate::par::cores()
    } else {
        1
    };
    let parts = crate::par::map_units(&chunks, threads, |c| Some(rows_of(kb, c, &place))).unwrap_or_default();
    let mut rows = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for p in parts {
        rows.extend(p);
    }
    (columns, rows)
}

/// Series per unit of work when a large selection's rows are made on several threads.
const CHUNK: usize = 2048;

/// Where a figure goes: the value column of its period or its report.
struct Place<'k> {
    by: Pivot,
    periods: HashMap<Period, usize>,
    reports: HashMap<Option<&'k str>, usize>,
    /// The first value column (the fixed columns come before it).
    first: usize,
    width: usize,
}

/// The rows of series `series`, in their order.
fn rows_of(kb: &Kb, series: &[usize], place: &Place) -> Vec<Row> {
    let (by, periods, report_column, first, width) =
        (place.by, &place.periods, &place.reports, place.first, place.width);
    let mut rows = Vec::with_capacity(series.len());
    // Figures of one row, by column: the first shown, the others counted.
    let mut figures: Vec<(usize, &Point, usize)> = Vec::new();
    // Many series share a subject and a group: their cells are made (escaped, lower-cased for
    // sorting) once each.
    type GroupKey<'k> = (
        crate::kb::Metric,
        Option<&'k str>,
        Option<&'k str>,
        Option<&'k str>,
        &'k crate::kb::Unit,
    );
    let mut subjects: HashMap<(Option<&str>, Option<&str>), Cell> = HashMap::new();
    let mut groups: HashMap<GroupKey, Cell> = HashMap::new();
    for &i in series {
        let s = &kb.series[i];
        let head = [
            subjects
                .entry((s.vendor.as_deref(), s.market.as_deref()))
                .or_insert_with(|| text(&subject(kb, s)))
                .clone(),
            groups
                .entry((
                    s.metric,
                    s.market.as_deref(),
                    s.basis.as_deref(),
                    s.segment.as_deref(),
                    &s.unit,
                ))
                .or_insert_with(|| text(&measures(s)))
                .clone(),
        ];
        let mut points: Vec<&Point> = s.points.iter().collect();
        if by == Pivot::Reports {
            points.sort_by_key(|p| p.period); // stable: a row per period, in time order
        }
        let mut start = 0;
        while start < points.len() {
            // By periods one row takes every figure; by reports, those of one period.
            let end = match by {
                Pivot::Periods => points.len(),
                Pivot::Reports => {
                    let p = points[start].period;
                    start + points[start..].iter().take_while(|q| q.period == p).count()
                }
            };
            figures.clear();
            for p in &points[start..end] {
                let c = match by {
                    Pivot::Periods => periods[&p.period],
                    Pivot::Reports => report_column[&report_of(s, p)],
                };
                match figures.iter_mut().find(|f| f.0 == c) {
                    Some(f) => f.2 += 1,
                    None => figures.push((c, p, 0)),
                }
            }
            // The fixed columns held in order (the bar, empty until ranked, among them); the
            // value columns (~100 by reports) only where a figure is: empty ones cost nothing.
            let mut fixed: Vec<Cell> = Vec::with_capacity(first);
            fixed.extend(head.iter().cloned());
            if by == Pivot::Reports {
                fixed.push(Cell::period(Some(points[start].period)));
            }
            fixed.resize(first, Cell::empty());
            let values = figures
                .iter()
                .map(|&(c, p, more)| (c, figure(s, p, more)))
                .collect();
            rows.push(Row {
                id: s.id.clone(),
                kind: Kind::Series,
                index: i,
                cells: Cells::sparse(width, fixed, values),
            });
            start = end;
        }
    }
    rows
}

/// Position of the bar column, and of the first value column.
fn layout(v: &View) -> Option<(usize, usize)> {
    let bar = v.column("bar")?;
    Some((bar, bar + 1))
}

/// The column a pivot opens ranked by, largest first: the value column with the most figures;
/// of those tied, by periods the latest, by reports the first report (figures with no report
/// only when no report has any).
pub(super) fn default_sort(v: &View) -> Option<Sort> {
    let (_, first) = layout(v)?;
    let by_reports = v.column("period").is_some();
    // Each value column's figures, counted in one pass over the rows (a pivot may be wide).
    let mut counts = vec![0usize; v.columns.len()];
    // Only the cells a row holds: the empty ones (most of a wide pivot) count nothing.
    for r in v.rows.iter() {
        for (c, cell) in r.cells.held_cells().skip_while(|h| h.0 < first) {
            if let (Some(n), SortKey::Num(_)) = (counts.get_mut(c), &cell.key) {
                *n += 1;
            }
        }
    }
    let filled = |c: usize| counts[c];
    let preference = |c: usize| -> (bool, usize, isize) {
        let named = !(by_reports && v.columns[c].name == NO_REPORT);
        let at = if by_reports { -(c as isize) } else { c as isize };
        (named && filled(c) > 0, filled(c), at)
    };
    let best = (first..v.columns.len()).max_by_key(|&c| preference(c))?;
    Some(Sort {
        key: v.columns[best].key.clone(),
        descending: true,
    })
}

/// After a sort: rows kept together by group (groups in the order their best row ranks), each
/// group's rows in the sort's order, and each row's bar drawn for the ranked column (the sort's
/// when it is a value column, else the default's), scaled to the group's largest value.
pub(super) fn ranked(v: &mut View) {
    let Some((bar, first)) = layout(v) else {
        return;
    };
    // A row's group of comparable figures: what its figures measure, and by reports its period
    // (figures of two periods are not ranked against each other in one report's column).
    // Groups are numbered in the order their best row ranks.
    let by_reports = v.column("period");
    let mut groups: HashMap<(&str, &str), usize> = HashMap::new();
    let mut tagged: Vec<(usize, usize)> = Vec::with_capacity(v.order.len());
    for &r in &v.order {
        let cells = &v.rows[r].cells;
        let key = (
            cells[1].text.as_str(),
            by_reports.map_or("", |p| cells[p].text.as_str()),
        );
        let next = groups.len();
        tagged.push((*groups.entry(key).or_insert(next), r));
    }
    let count = groups.len();
    tagged.sort_by_key(|&(g, _)| g); // stable: the sort's order within a group
    v.order = tagged.iter().map(|&(_, r)| r).collect();
    let column = v
        .sort
        .as_ref()
        .and_then(|s| v.column(&s.key))
        .filter(|&c| c >= first)
        .or_else(|| default_sort(v).and_then(|s| v.column(&s.key)));
    let Some(column) = column else {
        return;
    };
    let value = |r: &Row| match r.cells[column].key {
        SortKey::Num(x) if x.is_finite() => Some(x),
        _ => None,
    };
    let mut largest = vec![0f64; count];
    for &(g, r) in &tagged {
        if let Some(x) = value(&v.rows[r]) {
            largest[g] = largest[g].max(x.abs());
        }
    }
    let bars: Vec<(usize, String)> = tagged
        .into_iter()
        .map(|(g, r)| {
            (
                r,
                value(&v.rows[r]).map_or_else(String::new, |x| draw(x, largest[g])),
            )
        })
        .collect();
    let rows = std::sync::Arc::make_mut(&mut v.rows);
    for (r, text) in bars {
        rows[r].cells[bar] = Cell {
            text,
            key: SortKey::Missing,
        };
    }
}

/// A bar of `x` against `largest` in eighths of a cell, at most [`BAR`] cells: `█████▌`; a
/// negative value is drawn shaded (`░░░`). Every character is one column wide.
pub fn draw(x: f64, largest: f64) -> String {
    if largest <= 0.0 || !x.is_finite() {
        return String::new();
    }
    let eighths = ((x.abs() / largest) * (BAR * 8) as f64).round() as usize;
    let eighths = eighths.min(BAR * 8);
    if x < 0.0 {
        return "░".repeat(eighths.div_ceil(8).max(1));
    }
    const PART: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let mut s = "█".repeat(eighths / 8);
    s.push_str(PART[eighths % 8]);
    if s.is_empty() && x > 0.0 {
        s.push('▏'); // a small value still shows
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::Tab;
    use crate::view::analysis::build_pivot;

    fn kb() -> Kb {
        crate::kb::load_builtin().kb
    }

    /// A large selection's rows are made in chunks on several threads: the same columns and
    /// rows, in the same order, as in one piece on this thread (synthetic KB: reports, markets,
    /// ranges, qualifiers, several points per cell).
    #[test]
    fn chunks_made_side_by_side_agree_with_one_piece() {
        let kb = crate::synth::kb(3000, 42);
        let all: Vec<usize> = (0..kb.series.len()).collect();
        assert!(all.len() > 100, "{} series", all.len());
        for by in [Pivot::Periods, Pivot::Reports] {
            let whole = pivot_in(&kb, &all, by, usize::MAX);
            let chunked = pivot_in(&kb, &all, by, 7);
            assert!(whole.1.len() >= all.len());
            assert_eq!(whole.0, chunked.0, "{by:?}");
            assert!(whole.1 == chunked.1, "{by:?}: the rows differ");
        }
    }

    fn select(kb: &Kb, ids: &[&str]) -> Vec<(Kind, usize)> {
        ids.iter()
            .map(|id| kb.lookup(id).unwrap_or_else(|| panic!("{id} is in the KB")))
            .collect()
    }

    fn arranged(kb: &Kb, ids: &[&str], by: Pivot) -> View {
        let mut v = build_pivot(kb, Tab::Compare, Some(&select(kb, ids)), by);
        v.arrange(None, None);
        v
    }

    fn cell<'v>(v: &'v View, row: &'v Row, key: &str) -> &'v str {
        &row.cells[v.column(key).unwrap_or_else(|| panic!("no column {key}"))].text
    }

    const CANALYS: [&str; 3] = [
        "google-cloud-global-cloud-share",
        "aws-global-cloud-share",
        "azure-global-cloud-share",
    ];

    #[test]
    fn a_market_ranks_largest_first_with_bars_scaled_to_the_largest() {
        let kb = kb();
        let v = arranged(&kb, &CANALYS, Pivot::Periods);
        let names: Vec<&str> = v.columns.iter().map(|c| c.name.as_ref()).collect();
        assert_eq!(names, ["Subject", "Measures", "Bar", "2025-Q2"]);
        assert_eq!(
            v.sort.as_ref().map(|s| (s.key.as_ref(), s.descending)),
            Some(("2025-q2", true))
        );
        let shown: Vec<(&str, &str, &str)> = v
            .shown()
            .map(|r| (r.id.as_str(), cell(&v, r, "2025-q2"), cell(&v, r, "bar")))
            .collect();
        assert_eq!(
            shown,
            [
                ("aws-global-cloud-share", "32%", "██████████"),
                ("azure-global-cloud-share", "22%", "██████▉"),
                ("google-cloud-global-cloud-share", "11%", "███▌"),
            ]
        );
        // Ascending keeps the ranking's bars; each row still opens its series.
        let mut up = v.clone();
        up.arrange(
            None,
            Some(Sort {
                key: "2025-q2".into(),
                descending: false,
            }),
        );
        assert_eq!(
            up.get(0).map(|r| r.id.as_str()),
            Some("google-cloud-global-cloud-share")
        );
        for r in up.shown() {
            assert_eq!(kb.id_at(r.kind, r.index), Some(r.id.as_str()));
        }
    }

    /// A figure on another basis (or market) in the same period is never ranked with the others:
    /// its row is in its own group, labelled, and its bar is scaled within that group.
    #[test]
    fn figures_on_another_basis_or_market_rank_apart() {
        let mut kb = kb();
        let (_, aws) = kb.lookup("aws-global-cloud-share").unwrap();
        let mut other = kb.series[aws].clone();
        other.id = "aws-global-cloud-revenue-share".into();
        other.basis = Some("revenue".into());
        other.points[0].value = "50%".parse().unwrap();
        kb.series.push(other);
        let mut market = kb.series[aws].clone();
        market.id = "aws-other-market-share".into();
        market.market = Some("别的市场".into());
        market.points[0].value = "40%".parse().unwrap();
        kb.series.push(market);
        kb.build_index();
        let mut ids = CANALYS.to_vec();
        ids.extend(["aws-global-cloud-revenue-share", "aws-other-market-share"]);
        let v = arranged(&kb, &ids, Pivot::Periods);
        let rows: Vec<(&str, &str, &str)> = v
            .shown()
            .map(|r| {
                (
                    cell(&v, r, "measures"),
                    cell(&v, r, "2025-q2"),
                    cell(&v, r, "bar"),
                )
            })
            .collect();
        // 50% and 40% are larger than 32% but measure other things: not ranked above AWS in
        // its group, each drawn full against itself.
        let groups: Vec<&str> = rows.iter().map(|r| r.0).collect();
        let mut seen: Vec<&str> = Vec::new();
        for g in &groups {
            if seen.last() != Some(g) {
                assert!(!seen.contains(g), "group {g} is split: {groups:?}");
                seen.push(g);
            }
        }
        assert_eq!(seen.len(), 3, "{rows:?}");
        let share = rows
            .iter()
            .filter(|r| r.0.contains("not-stated") && r.0.contains("全球"))
            .collect::<Vec<_>>();
        assert_eq!(
            share.iter().map(|r| r.1).collect::<Vec<_>>(),
            ["32%", "22%", "11%"]
        );
        assert_eq!(share[0].2, "█".repeat(BAR));
        let revenue = rows.iter().find(|r| r.0.contains("revenue")).unwrap();
        assert_eq!((revenue.1, revenue.2), ("50%", "██████████"));
        assert!(rows.iter().any(|r| r.0.contains("别的市场") && r.1 == "40%"));
    }

    #[test]
    fn cells_show_qualifier_status_and_inferred_cues() {
        let kb = kb();
        let v = arranged(
            &kb,
            &["aliyun-gpu-revenue-growth", "aliyun-revenue"],
            Pivot::Periods,
        );
        let texts: Vec<&str> = v
            .shown()
            .flat_map(|r| r.cells.iter().map(|c| c.text.as_str()))
            .collect();
        assert!(texts.contains(&">100% est"), "{texts:?}");
        assert!(
            texts.iter().any(|t| t.starts_with(">398") && t.ends_with('*')),
            "{texts:?}"
        );
        // Revenue (亿元) and growth (%) are two groups, each labelled with its unit.
        let measures: Vec<&str> = v.shown().map(|r| cell(&v, r, "measures")).collect();
        assert!(
            measures
                .iter()
                .any(|m| m.starts_with("growth") && m.ends_with('%')),
            "{measures:?}"
        );
        assert!(measures.iter().any(|m| m.starts_with("revenue")), "{measures:?}");
    }

    #[test]
    fn by_reports_columns_are_reports_and_rows_are_series_by_period() {
        let kb = kb();
        let ids = [
            "aliyun-china-ai-cloud-share",
            "volcengine-llm-public-cloud-share",
            "aliyun-public-cloud-iaas-share",
        ];
        let v = arranged(&kb, &ids, Pivot::Reports);
        let names: Vec<&str> = v.columns.iter().map(|c| c.name.as_ref()).collect();
        assert_eq!(names[..4], ["Subject", "Measures", "Period", "Bar"]);
        assert!(
            names.contains(&"Omdia 2025-H1") && names.contains(&"IDC 2025-H1"),
            "{names:?}"
        );
        assert!(names.contains(&NO_REPORT), "{names:?}");
        assert_eq!(v.len(), 3);
        // Every report holds one figure: the first report ranks, not the figures with none.
        assert_eq!(v.sort.as_ref().map(|s| s.key.as_ref()), Some("idc 2025-h1"));
        for r in v.shown() {
            let filled = r.cells.iter().skip(4).filter(|c| !c.text.is_empty()).count();
            assert_eq!(filled, 1, "one figure per series and period: {r:?}");
            assert_eq!(cell(&v, r, "period"), "2025-H1");
        }
        let omdia = v.column("omdia 2025-h1").unwrap();
        let row = v.shown().find(|r| !r.cells[omdia].text.is_empty()).unwrap();
        assert_eq!(
            (row.id.as_str(), row.cells[omdia].text.as_str()),
            ("aliyun-china-ai-cloud-share", "35.8%")
        );
    }

    #[test]
    fn a_sort_by_a_column_the_pivot_lacks_falls_back_to_the_ranking() {
        let kb = kb();
        let mut v = build_pivot(&kb, Tab::Compare, Some(&select(&kb, &CANALYS)), Pivot::Periods);
        v.arrange(
            None,
            Some(Sort {
                key: "1999".into(),
                descending: false,
            }),
        );
        assert_eq!(v.sort.as_ref().map(|s| s.key.as_ref()), Some("2025-q2"));
        v.arrange(
            None,
            Some(Sort {
                key: "subject".into(),
                descending: false,
            }),
        );
        // Sorted by name; bars still drawn for the fullest value column.
        assert!(v.shown().all(|r| !cell(&v, r, "bar").is_empty()));
    }

    #[test]
    fn bars_are_one_column_per_cell_and_never_longer_than_the_bar() {
        for (x, max) in [
            (1.0, 3.0),
            (0.001, 1.0),
            (5.0, 5.0),
            (-2.0, 4.0),
            (7.0, 7.0 / 3.0),
        ] {
            let b = draw(x, max);
            assert!(!b.is_empty(), "{x}/{max}");
            assert_eq!(crate::text::width(&b), b.chars().count());
            assert!(b.chars().count() <= BAR, "{x}/{max}: {b}");
        }
        assert_eq!(draw(1.0, 0.0), "");
        assert_eq!(draw(f64::NAN, 1.0), "");
    }
}
