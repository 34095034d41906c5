//! `F`: the column chooser (`space` ticks further key columns), the grouped table built off the
//! UI thread, and Enter on a group.

use std::sync::Arc;

use super::{App, Effect, Msg};
use crate::tui::keymap::{self, Action, Context, Key};
use crate::tui::tabs::Grouped;
use crate::view::Tab;
use crate::view::group::{self, Grouping, Pick};

/// The column chooser `F` opens: the tab's columns that group, one selected, and those ticked
/// (`space`) as keys, in the order ticked. Enter groups by the ticked columns and the selected
/// one after them (if not ticked): with none ticked, by the selected column alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chooser {
    /// Positions of the columns offered, in the view's columns.
    pub columns: Vec<usize>,
    pub selected: usize,
    /// Positions (in the view's columns) of the columns ticked, in the order ticked.
    pub ticked: Vec<usize>,
}

impl Chooser {
    /// The key columns Enter groups by now: the ticked ones, then the selected one if it is not.
    pub fn keys(&self) -> Vec<usize> {
        let mut by = self.ticked.clone();
        if let Some(&c) = self.columns.get(self.selected)
            && !by.contains(&c)
        {
            by.push(c);
        }
        by
    }

    /// Tick the selected column as the next key, or untick it.
    fn tick(&mut self) {
        let Some(&c) = self.columns.get(self.selected) else {
            return;
        };
        match self.ticked.iter().position(|&t| t == c) {
            Some(at) => {
                self.ticked.remove(at);
            }
            None => self.ticked.push(c),
        }
    }
}

/// A grouping to build: the tab's shown records (indices into its kind, in display order),
/// grouped by the key columns `by`. Its answer comes back as `Msg::Grouped` with this id.
#[derive(Clone, Debug)]
pub struct GroupJob {
    pub id: u64,
    pub tab: Tab,
    pub by: Vec<usize>,
    pub rows: Vec<usize>,
    /// An analysis view's rows are not one record each: its shown rows go along, and are
    /// counted from their cells.
    pub view: Option<Arc<crate::view::View>>,
    /// Or, instead of the rows, what builds them again (on the job's thread). The explorer
    /// sends the view (its rows are shared, never copied); this is for callers without one.
    pub build: Option<Box<crate::tui::tabs::BuildSpec>>,
}

impl GroupJob {
    /// Build it (on whichever thread runs it): the table and each column's widest cell.
    pub fn run(&self, kb: &crate::kb::Kb) -> Msg {
        let g = match (&self.view, &self.build) {
            (_, Some(spec)) => group::group_by(kb, &spec.build(kb).view, &self.by),
            (Some(v), None) => group::group_by(kb, v, &self.by),
            (None, None) => group::group_records_by(kb, self.tab, &self.rows, &self.by),
        };
        let natural = natural_widths(&g);
        Msg::Grouped {
            id: self.id,
            tab: self.tab,
            table: Arc::new((g, natural)),
        }
    }
}

/// Widest cell of each column of a grouping (the bar column: its header): one per key column,
/// then count, share, [sum, mean], bar.
pub fn natural_widths(g: &Grouping) -> Vec<usize> {
    let headings = g.headings();
    let mut w: Vec<usize> = headings.iter().map(|h| crate::text::width(&h.name)).collect();
    let bar = w.len() - 1;
    for i in 0..g.groups.len() {
        for (c, cell) in g.cells(i, 0).iter().enumerate().take(bar) {
            w[c] = w[c].max(crate::text::width(&crate::text::escape_controls(cell)));
        }
    }
    w
}

impl App {
    /// `F`: offer the tab's columns, the one sorted by first. On a grouped table, its key
    /// columns come ticked, so Enter on another column adds it as a key.
    pub(super) fn open_chooser(&mut self) {
        let st = self.current();
        let view = &st.view;
        let columns: Vec<usize> = group::groupable(&view.columns).map(|(i, _)| i).collect();
        let ticked: Vec<usize> = st.grouped.as_ref().map(|g| g.by.clone()).unwrap_or_default();
        let sorted = view
            .sort
            .as_ref()
            .and_then(|s| view.columns.iter().position(|c| c.key == s.key));
        // On a grouped table: the first column not yet a key.
        let start = if ticked.is_empty() {
            sorted
        } else {
            columns.iter().copied().find(|c| !ticked.contains(c))
        };
        let selected = start
            .and_then(|c| columns.iter().position(|&i| i == c))
            .unwrap_or(0);
        self.chooser = Some(Chooser {
            columns,
            selected,
            ticked,
        });
    }

    /// A key while the chooser is open: move, group by the column, or close.
    pub(super) fn chooser_key(&mut self, k: Key) -> bool {
        let Some(c) = &mut self.chooser else {
            return false;
        };
        match keymap::action_for(k, Context::Columns) {
            Some(Action::Down) => c.selected = (c.selected + 1).min(c.columns.len().saturating_sub(1)),
            Some(Action::Up) => c.selected = c.selected.saturating_sub(1),
            Some(Action::TickColumn) => c.tick(),
            Some(Action::Accept) => {
                let by = c.keys();
                self.chooser = None;
                if !by.is_empty() {
                    self.ask_group(self.tab, by);
                }
            }
            Some(Action::Cancel) => self.chooser = None,
            Some(Action::Quit) => self.quit = true,
            _ => return false,
        }
        true
    }

    /// Ask for `tab`'s shown rows grouped by the key columns `by`; the table shows it when it
    /// comes.
    pub(super) fn ask_group(&mut self, tab: Tab, by: Vec<usize>) {
        let id = self.next_id();
        let st = &mut self.tabs[tab.index()];
        let rows: Vec<usize> = st.view.order.iter().map(|&i| st.view.rows[i].index).collect();
        // The selection stays where it was only for the same keys (a reload, a new query).
        let (selected, offset) = st
            .grouped
            .as_ref()
            .filter(|g| g.by == by)
            .map_or((0, 0), |g| (g.selected, g.offset));
        st.grouped = Some(Grouped {
            by: by.clone(),
            pending: id,
            // The table on screen stays while its new rows are counted (after a reload), if it is
            // of the same columns.
            table: st
                .grouped
                .as_ref()
                .filter(|g| g.by == by)
                .and_then(|g| g.table.clone()),
            selected,
            offset,
        });
        self.focus = super::Focus::Table;
        // An analysis view's rows go along as they are on screen: shared, not copied (only the
        // display order is), so the job counts them without building them again.
        let st = &self.tabs[tab.index()];
        let view = tab.kind().is_none().then(|| Arc::new(st.view.clone()));
        self.effects.push(Effect::Group(GroupJob {
            id,
            tab,
            by,
            rows,
            view,
            build: None,
        }));
    }

    /// A grouping came: shown if it is the one awaited.
    pub(super) fn grouped_done(&mut self, id: u64, tab: Tab, table: Arc<(Grouping, Vec<usize>)>) -> bool {
        let Some(g) = self.tabs[tab.index()]
            .grouped
            .as_mut()
            .filter(|g| g.pending == id && id != 0)
        else {
            return false; // Stale, or the user went back to the table.
        };
        g.pending = 0;
        let n = table.0.groups.len();
        g.selected = g.selected.min(n.saturating_sub(1));
        g.table = Some(table);
        if self.tab == tab {
            self.scroll_into_view();
        }
        true
    }

    /// Whether the current tab shows its grouped table.
    pub fn grouped_now(&self) -> bool {
        self.current().grouped.is_some()
    }

    /// Move the grouped table's selection.
    pub(super) fn move_group(&mut self, delta: isize) {
        let rows = self.areas().map_or(1, |a| a.table_rows().max(1));
        let Some(g) = self.current_mut().grouped.as_mut() else {
            return;
        };
        let n = g.table.as_ref().map_or(0, |t| t.0.groups.len());
        if n == 0 {
            return;
        }
        g.selected = (g.selected as isize)
            .saturating_add(delta)
            .clamp(0, n as isize - 1) as usize;
        if g.selected < g.offset {
            g.offset = g.selected;
        } else if g.selected >= g.offset + rows {
            g.offset = g.selected + 1 - rows;
        }
    }

    /// Enter on a group: the tab shows exactly its rows (within the query's), back in the table.
    pub(super) fn pick_group(&mut self) {
        let tab = self.tab;
        let st = self.current_mut();
        let Some(pick) = st
            .grouped
            .as_ref()
            .and_then(|g| g.table.as_ref().and_then(|t| Pick::new(&t.0, g.selected)))
        else {
            self.status = "nothing to filter to yet".into();
            return;
        };
        if st.filter.saved.is_none() {
            st.filter.saved = Some((st.selected_id().map(str::to_string), st.offset));
        }
        st.grouped = None;
        st.filter.pick = Some(pick.clone());
        let matches = st.filter.matches.clone();
        let sort = st.sort.clone();
        st.arrange(matches.as_ref().map(|(m, r)| (m.as_slice(), *r)), sort);
        st.selected = 0;
        st.offset = 0;
        st.link = 0;
        let n = st.view.len();
        let esc = keymap::key(Context::Table, Action::ClearFilter);
        self.status = format!(
            "{} · {} · {esc} clears",
            crate::text::escape_controls(&pick.label()),
            crate::text::count(n, "row", "rows")
        );
        if self.tab == tab {
            self.scroll_into_view();
        }
    }

    /// Esc on the grouped table: the table as it was.
    pub(super) fn ungroup(&mut self) {
        self.current_mut().grouped = None;
        self.scroll_into_view();
    }

    /// Drop the picked group of the current tab (Esc in the table), keeping the query. Returns
    /// whether there was one.
    pub(super) fn drop_pick(&mut self) -> bool {
        let st = self.current_mut();
        if st.filter.pick.take().is_none() {
            return false;
        }
        let keep = st.selected_id().map(str::to_string);
        let matches = st.filter.matches.clone();
        let sort = st.sort.clone();
        st.arrange(matches.as_ref().map(|(m, r)| (m.as_slice(), *r)), sort);
        st.selected = keep.and_then(|id| st.view.position(&id)).unwrap_or(0);
        self.scroll_into_view();
        true
    }
}
