//! The analysis views: tabs whose rows are not one record each but are built from the records a
//! query selects, of several kinds. `Timeline` lists dated events (career moves, deals, and
//! series points on `kind:point`) in time order, grouped by quarter, filtered per event; `Compare` lists the figures of the selected series side by side. Each row still points
//! at the record it comes from ([`Row::kind`], [`Row::index`]), so the detail pane, relations and
//! exports work on it as on any tab, and the rows sort, export and group like any other view.

use super::columns::{ColType, Column, Width};
use super::{Cell, Row, SortKey, Tab, View};
use crate::kb::period::PeriodKey;
use crate::kb::{Kb, Kind};
use crate::search::Query;

/// A column whose cells the view builds itself (the record tabs' columns make theirs from a
/// record; an analysis row is not one record, so its cells come from [`build`]).
pub(crate) const fn col(
    key: &'static str,
    name: &'static str,
    ty: ColType,
    w: [u16; 3],
    share: u8,
) -> Column {
    Column {
        key: std::borrow::Cow::Borrowed(key),
        name: std::borrow::Cow::Borrowed(name),
        ty,
        align: ty.align(),
        width: Width {
            min: w[0],
            ideal: w[1],
            max: w[2],
            share,
        },
        cell: built_by_the_view,
        list: false,
        unit: None,
    }
}

/// The cell function of an analysis column: never called, the view builds the cells.
fn built_by_the_view(_: &Kb, _: usize) -> Cell {
    Cell::empty()
}

pub const TIMELINE: &[Column] = &[
    col("quarter", "Quarter", ColType::Period, [7, 7, 9], 0),
    col("date", "Date", ColType::Period, [7, 11, 17], 0),
    col("event", "Event", ColType::Text, [5, 22, 24], 0),
    col("who", "Who", ColType::Text, [6, 14, 24], 1),
    col("from", "From", ColType::Text, [4, 12, 20], 1),
    col("to", "To", ColType::Text, [4, 12, 20], 1),
    col("what", "What", ColType::Text, [8, 30, 80], 3),
];

/// The Compare pivot's fixed columns; its value columns are named by the data (see
/// [`compare`]).
pub const COMPARE: &[Column] = compare::FIXED;

/// What the Compare pivot's value columns are: the figures' periods, or the reports they come
/// from (the rows then are series × period).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Pivot {
    #[default]
    Periods,
    Reports,
}

impl Pivot {
    pub fn other(self) -> Pivot {
        match self {
            Pivot::Periods => Pivot::Reports,
            Pivot::Reports => Pivot::Periods,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Pivot::Periods => "periods",
            Pivot::Reports => "reports",
        }
    }
}

/// The columns of an analysis tab.
pub fn columns(tab: Tab) -> &'static [Column] {
    match tab {
        Tab::Timeline => TIMELINE,
        Tab::Compare => COMPARE,
        _ => &[],
    }
}

/// The column whose value groups an analysis tab's rows in time (the Timeline's Quarter): the
/// explorer writes it on the first row of each group on screen only, so the groups stand out;
/// exports keep it on every row.
pub fn group_column(tab: Tab) -> Option<usize> {
    match tab {
        Tab::Timeline => tab.column("quarter"),
        _ => None,
    }
}

/// The kinds of record an analysis tab draws on (what its query searches).
pub fn kinds(tab: Tab) -> &'static [Kind] {
    match tab {
        Tab::Timeline => &[Kind::Executive, Kind::Deal, Kind::Series],
        Tab::Compare => &[Kind::Series],
        _ => &[],
    }
}

/// The rows of an analysis tab from the records `matches` selects (every record when `None`),
/// in the view's own order (time for the timeline, subject then period for figures).
pub fn build(kb: &Kb, tab: Tab, matches: Option<&[(Kind, usize)]>) -> View {
    build_for(kb, tab, matches, &Query::default(), Pivot::default())
}

/// [`build`], with the Compare pivot's columns by periods or by reports.
pub fn build_pivot(kb: &Kb, tab: Tab, matches: Option<&[(Kind, usize)]>, pivot: Pivot) -> View {
    build_for(kb, tab, matches, &Query::default(), pivot)
}

/// [`build`] for the records `query` matched, with the Compare pivot's columns by periods or by
/// reports: the Timeline applies the query's event filters (`kind:move`, `from:`, `to:`,
/// `status:`, `year:` …) to each event of those records.
pub fn build_for(kb: &Kb, tab: Tab, matches: Option<&[(Kind, usize)]>, query: &Query, pivot: Pivot) -> View {
    let wanted = |kind: Kind| -> Vec<usize> {
        match matches {
            None => (0..kb.count(kind)).collect(),
            Some(m) => {
                let mut v: Vec<usize> = m.iter().filter(|(k, _)| *k == kind).map(|&(_, i)| i).collect();
                v.sort_unstable();
                v.dedup();
                v
            }
        }
    };
    let (columns, mut rows) = match tab {
        Tab::Timeline => (
            std::borrow::Cow::Borrowed(columns(tab)),
            timeline::rows(
                kb,
                &wanted(Kind::Executive),
                &wanted(Kind::Deal),
                &wanted(Kind::Series),
                &timeline::Events::of(kb, query),
            ),
        ),
        Tab::Compare => {
            let (columns, rows) = compare::pivot(kb, &wanted(Kind::Series), pivot);
            (std::borrow::Cow::Owned(columns), rows)
        }
        _ => (std::borrow::Cow::Borrowed(columns(tab)), Vec::new()),
    };
    if tab == Tab::Timeline {
        // Time order; events on the same period keep the KB's order.
        rows.sort_by(|a, b| match (&a.cells[1].key, &b.cells[1].key) {
            (SortKey::Period(x), SortKey::Period(y)) => x.cmp(y),
            _ => std::cmp::Ordering::Equal,
        });
    }
    let order = (0..rows.len()).collect();
    View {
        tab,
        columns,
        total: rows.len(),
        rows: std::sync::Arc::new(rows),
        order,
        sort: None,
        sort_note: None,
        notes: Vec::new(),
        rates: kb.rates(),
    }
}

fn text(s: &str) -> Cell {
    Cell::text(s)
}

pub mod compare;
mod timeline;

/// The order a Compare pivot opens in (ranked by its fullest value column).
pub(super) fn default_sort(v: &View) -> Option<super::Sort> {
    compare::default_sort(v)
}

/// A Compare pivot after a sort: groups kept apart, bars drawn.
pub(super) fn ranked(v: &mut View) {
    compare::ranked(v);
}

pub use timeline::group_of;

/// Where in time an analysis row is placed, for tests and callers that group by time.
pub fn row_period(row: &Row) -> Option<PeriodKey> {
    row.cells.iter().find_map(|c| match c.key {
        SortKey::Period(p) => Some(p),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb() -> Kb {
        crate::kb::load_builtin().kb
    }

    #[test]
    fn the_timeline_lists_every_dated_move_and_deal_in_time_order() {
        let kb = kb();
        let v = build(&kb, Tab::Timeline, None);
        let moves = kb
            .executives
            .iter()
            .flat_map(|e| &e.career)
            .filter(|m| m.date.is_some())
            .count();
        let deals = kb.deals.iter().filter(|d| d.date.is_some()).count();
        assert!(moves > 0 && deals > 0);
        assert_eq!(v.len(), moves + deals);
        let periods: Vec<PeriodKey> = v.shown().filter_map(row_period).collect();
        assert_eq!(periods.len(), v.len());
        assert!(periods.windows(2).all(|w| w[0] <= w[1]), "time order");
        // Each row opens the record it comes from.
        for r in v.shown() {
            assert_eq!(kb.id_at(r.kind, r.index), Some(r.id.as_str()));
        }
    }

    #[test]
    fn a_selection_keeps_only_its_records_events() {
        let kb = kb();
        let (_, tian) = kb.lookup("tian-zhuo").expect("田灼 is in the built-in KB");
        let v = build(&kb, Tab::Timeline, Some(&[(Kind::Executive, tian)]));
        assert!(!v.is_empty());
        assert!(
            v.shown()
                .all(|r| r.id == "tian-zhuo" && r.cells[2].text.starts_with("move"))
        );
    }
}
