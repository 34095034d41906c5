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
        Some(TabState::new(kb, *t, sorts.get(t.index()).copied().flatten()))
    })
    .unwrap_or_default()
}

impl TabState {
    fn new(kb: &Kb, tab: Tab, sort: Option<Sort>) -> TabState {
        let mut view = view::table(kb, tab);
        view.arrange(None, sort);
        let natural = natural_widths(&view);
        TabState {
            view,
            sort,
            selected: 0,
            offset: 0,
            link: 0,
            natural,
            filter: Filter::default(),
        }
    }

    /// An analysis view's rows built again from the records its query selected, and that
    /// query (for the filters the view applies per event), or from every record when `None`,
    /// in the tab's sort; the count without a query is kept for the title.
    pub fn rebuild(&mut self, kb: &Kb, matched: Option<(&[(crate::kb::Kind, usize)], &Query)>) {
        let total = self.view.total.max(self.view.rows.len());
        let tab = self.view.tab;
        self.view = match matched {
            Some((records, q)) => view::analysis::build_for(kb, tab, Some(records), q),
            None => view::analysis::build(kb, tab, None),
        };
        if matched.is_some() {
            self.view.total = total;
        }
        self.view.arrange(None, self.sort);
        self.natural = natural_widths(&self.view);
    }

    pub fn selected_id(&self) -> Option<&str> {
        self.view.get(self.selected).map(|r| r.id.as_str())
    }
}

fn natural_widths(v: &View) -> Vec<usize> {
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
            cells.max(crate::text::width(c.name))
        })
        .collect()
}
