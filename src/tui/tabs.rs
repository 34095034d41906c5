//! Each tab's state (its rows as a view, sort, selection, scroll and filter) and building it for
//! a KB: shared by the explorer's state (`app`) and the reload thread (`reload`), which builds
//! every tab off the UI thread, so that neither imports the other for it.

use crate::kb::Kb;
use crate::search::{Query, QueryError};
use crate::view::{self, Sort, Tab, View};

/// A tab's filter: the query typed, the last one that parsed and ran (for highlighting), and any
/// error to show inline.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub text: String,
    pub applied: Option<Query>,
    pub error: Option<QueryError>,
    /// The request whose answer is awaited (0: none).
    pub pending: u64,
    /// The record to keep selected when that answer comes (a re-run after a reload), instead
    /// of the best match.
    pub keep: Option<String>,
    /// Matches when the last answer came, and how long it took.
    pub took: Option<std::time::Duration>,
    /// Selection and scroll before the filter, restored when it is cleared.
    pub saved: Option<(Option<String>, usize)>,
    /// The matching rows, best first, and whether they are ranked (the query had terms): kept so
    /// a new sort can rearrange them.
    pub matches: Option<(Vec<usize>, bool)>,
    /// For each ranked matching row (by index into the view's rows), its hit: which field it
    /// matched in, for rows whose cells do not show the match.
    pub why: std::collections::HashMap<usize, crate::search::Hit>,
    /// What the last answer said about how the query applied (`Results::notes`): shown on the
    /// status line.
    pub notes: Vec<String>,
    /// A group chosen on the grouped table (`F`, Enter): only its rows are shown, within the
    /// query's.
    pub pick: Option<view::group::Pick>,
}

impl Filter {
    pub fn is_active(&self) -> bool {
        !self.text.trim().is_empty()
    }
}

/// Per-tab state, kept while the user is on other tabs.
#[derive(Clone, Debug)]
pub struct TabState {
    pub view: View,
    /// The sort the user chose (`None`: the default order, or best match first when filtering).
    pub sort: Option<Sort>,
    pub selected: usize,
    /// First table row on screen.
    pub offset: usize,
    /// Selected relation in the detail pane.
    pub link: usize,
    /// Widest cell per column over all rows (display columns), for laying out the table.
    pub natural: Vec<usize>,
    pub filter: Filter,
    /// The rows grouped by a column (`F`), shown instead of the table while set.
    pub grouped: Option<Grouped>,
    /// The Compare pivot's value columns: periods or reports.
    pub pivot: view::analysis::Pivot,
    /// An analysis view's records from its last query (`None`: every record), to rebuild it
    /// when the pivot changes.
    pub records: Option<(Vec<(crate::kb::Kind, usize)>, crate::search::Query)>,
}

/// A tab's grouped table: asked for, then built off the UI thread.
#[derive(Clone, Debug)]
pub struct Grouped {
    /// The key columns grouped by (their positions in the view's columns), in order.
    pub by: Vec<usize>,
    /// The request whose answer is awaited (0: none).
    pub pending: u64,
    /// The table, once built; with each column's widest cell.
    pub table: Option<std::sync::Arc<(view::group::Grouping, Vec<usize>)>>,
    pub selected: usize,
    pub offset: usize,
}

/// Every tab's state over `kb`, each in its sort (`None`: the tab's default order). This is the
/// costly part of opening a KB (every row's cells), so loads do it off the UI thread.
pub fn tab_states(kb: &Kb, sorts: &[Option<Sort>]) -> Vec<TabState> {
    // Tabs are independent: build them side by side (small KBs stay on this thread).
    let threads = if kb.deals.len() + kb.series.len() > 10_000 {
        crate::par::cores()
    } else {
        1
    };
    crate::par::map_units(&Tab::ALL, threads, |t| {
        Some(TabState::new(kb, *t, sorts.get(t.index()).cloned().flatten()))
    })
    .unwrap_or_default()
}

impl TabState {
    fn new(kb: &Kb, tab: Tab, sort: Option<Sort>) -> TabState {
        let mut view = view::table(kb, tab);
        view.arrange(None, sort.clone());
        let natural = natural_widths(&view);
        TabState {
            view,
            sort,
            selected: 0,
            offset: 0,
            link: 0,
            natural,
            filter: Filter::default(),
            grouped: None,
            pivot: view::analysis::Pivot::default(),
            records: None,
        }
    }

    /// Show `matches` (or every row) in `sort`'s order, and of them only the picked group's.
    pub fn arrange(&mut self, matches: Option<(&[usize], bool)>, sort: Option<Sort>) {
        self.view.arrange(matches, sort);
        if let Some(p) = &self.filter.pick {
            p.keep(&mut self.view);
        }
    }

    /// An analysis view's rows built again from the records its query selected, and that
    /// query (for the filters the view applies per event), or from every record when `None`,
    /// in the tab's sort; the count without a query is kept for the title.
    pub fn rebuild(&mut self, kb: &Kb, matched: Option<(&[(crate::kb::Kind, usize)], &Query)>) {
        let total = self.view.total.max(self.view.rows.len());
        let tab = self.view.tab;
        self.view = match matched {
            Some((records, q)) => view::analysis::build_for(kb, tab, Some(records), q, self.pivot),
            None => view::analysis::build_for(kb, tab, None, &Default::default(), self.pivot),
        };
        self.records = matched.map(|(r, q)| (r.to_vec(), q.clone()));
        if matched.is_some() {
            self.view.total = total;
        }
        let sort = self.sort.clone();
        self.arrange(None, sort);
        self.natural = natural_widths(&self.view);
    }

    pub fn selected_id(&self) -> Option<&str> {
        self.view.get(self.selected).map(|r| r.id.as_str())
    }
}

fn natural_widths(v: &View) -> Vec<usize> {
    // Compare is ranked by a value column from the start: leave its headers room for the sort
    // mark (`2025-Q2▼`), or the period it ranks by is cut.
    let mark = usize::from(v.tab == Tab::Compare);
    v.columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let cells = v
                .rows
                .iter()
                .map(|r| crate::text::width(&r.cells[i].text))
                .max()
                .unwrap_or(0);
            cells.max(crate::text::width(&c.name) + mark)
        })
        .collect()
}
