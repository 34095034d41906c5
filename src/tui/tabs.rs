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
    /// The rows marked with `space`, by identity, in the order marked (see [`view::marks`]).
    pub marks: view::marks::Marks,
    /// An analysis view's rows being built off the UI thread (`App::ask_build`); the rows on
    /// screen stay until they come.
    pub building: Option<Building>,
}

/// An analysis build awaited: its request id, and the selection to make when its rows come.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Building {
    pub id: u64,
    /// The record to select in the new rows (`None`, or gone: the first row), and the scroll.
    pub select: Option<String>,
    pub offset: usize,
}

/// What an analysis tab's rows are built from, owned, so the build runs on any thread: the
/// records its query matched and that query (`None`: every record), the pivot, and the sort
/// and picked group to arrange them in. [`BuildSpec::build`] is what [`TabState::rebuild`] does.
#[derive(Clone, Debug)]
pub struct BuildSpec {
    pub tab: Tab,
    pub pivot: view::analysis::Pivot,
    pub matched: Option<(Vec<(crate::kb::Kind, usize)>, Query)>,
    pub sort: Option<Sort>,
    pub pick: Option<view::group::Pick>,
    /// The count without a query, kept for the title.
    pub total: usize,
}

/// An analysis view built and arranged, with each column's widest cell.
#[derive(Clone, Debug)]
pub struct Built {
    pub view: View,
    pub natural: Vec<usize>,
    /// The sort and pick it was arranged in (the user may have chosen others meanwhile).
    pub sort: Option<Sort>,
    pub pick: Option<view::group::Pick>,
    /// The rows grouped by this column, with the grouped table's widths, when the tab showed a
    /// grouped table as the build was asked for (so the UI thread never copies the rows to
    /// group them).
    pub grouped: Option<(Vec<usize>, GroupedTable)>,
}

/// A grouped table and each of its columns' widest cell.
pub type GroupedTable = std::sync::Arc<(view::group::Grouping, Vec<usize>)>;

impl BuildSpec {
    /// The rows (every cell made, escaped), in the sort's order, of the picked group only, and
    /// the widths: the whole cost of showing an analysis view, none of it on the UI thread.
    pub fn build(&self, kb: &Kb) -> Built {
        let mut view = match &self.matched {
            Some((records, q)) => view::analysis::build_for(kb, self.tab, Some(records), q, self.pivot),
            None => view::analysis::build_for(kb, self.tab, None, &Default::default(), self.pivot),
        };
        if self.matched.is_some() {
            view.total = self.total;
        }
        view.arrange(None, self.sort.clone());
        if let Some(p) = &self.pick {
            p.keep(&mut view);
        }
        let natural = natural_widths(&view);
        Built {
            view,
            natural,
            sort: self.sort.clone(),
            pick: self.pick.clone(),
            grouped: None,
        }
    }
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
            marks: view::marks::Marks::default(),
            building: None,
        }
    }

    /// Show `matches` (or every row) in `sort`'s order, and of them only the picked group's.
    pub fn arrange(&mut self, matches: Option<(&[usize], bool)>, sort: Option<Sort>) {
        self.view.arrange(matches, sort);
        if let Some(p) = &self.filter.pick {
            p.keep(&mut self.view);
        }
    }

    /// What building an analysis view's rows again takes: the records its query selected, and
    /// that query (for the filters the view applies per event), or every record when `None`;
    /// the tab's pivot, sort and picked group; the count without a query, kept for the title.
    /// Built off the UI thread (`App::ask_build`), shown with [`TabState::put`].
    pub fn spec(&self, matched: Option<(Vec<(crate::kb::Kind, usize)>, Query)>) -> BuildSpec {
        BuildSpec {
            tab: self.view.tab,
            pivot: self.pivot,
            matched,
            sort: self.sort.clone(),
            pick: self.filter.pick.clone(),
            total: self.view.total.max(self.view.rows.len()),
        }
    }

    /// Show built rows, arranged again if the sort or the picked group changed meanwhile.
    /// Returns the rows they replace, to be freed (at 100k rows, a million strings: the
    /// explorer lets another thread do it).
    pub fn put(&mut self, built: Built) -> View {
        let again = built.sort != self.sort || built.pick != self.filter.pick;
        let old = std::mem::replace(&mut self.view, built.view);
        self.natural = built.natural;
        if again {
            // The rows arranged for the old pick: rebuild the order from all of them.
            let sort = self.sort.clone();
            self.arrange(None, sort);
        }
        old
    }

    pub fn selected_id(&self) -> Option<&str> {
        self.view.get(self.selected).map(|r| r.id.as_str())
    }
}

fn natural_widths(v: &View) -> Vec<usize> {
    // Compare is ranked by a value column from the start: leave its headers room for the sort
    // mark (`2025-Q2▼`), or the period it ranks by is cut.
    let mark = usize::from(v.tab == Tab::Compare);
    let mut w: Vec<usize> = v
        .columns
        .iter()
        .map(|c| crate::text::width(&c.name) + mark)
        .collect();
    // Row by row (a pivot by reports may be ~100 columns wide, mostly empty), only the cells
    // each row holds (an empty one is no wider than its header), in memory order. No character
    // is wider than its UTF-8 bytes, so a cell of no more bytes than the widest so far is not
    // measured.
    for r in v.rows.iter() {
        for (c, cell) in r.cells.held_cells() {
            let Some(w) = w.get_mut(c) else { break };
            let t = cell.text.as_str();
            if t.len() > *w {
                *w = (*w).max(if t.is_ascii() {
                    t.len()
                } else {
                    crate::text::width(t)
                });
            }
        }
    }
    w
}
