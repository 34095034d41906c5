//! Moving about: tabs, the selection, sorting, history, relations and the mouse.

use super::{App, Focus, Location};
use crate::tui::keymap::{self, Action, Context};
use crate::tui::layout;
use crate::view::{Detail, Sort, Stop, Tab, Target};
use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;

/// Push `loc` on a history stack unless it is already on top: two jumps from the same place (with
/// a tab switch between them, say) must not make Backspace go nowhere once.
fn push_distinct(stack: &mut Vec<Location>, loc: Location) {
    if stack.last() != Some(&loc) {
        stack.push(loc);
    }
}

impl App {
    pub(super) fn switch_tab(&mut self, tab: Tab) {
        self.tab = tab;
        self.focus = Focus::Table;
        self.scroll_into_view();
    }

    pub(super) fn link_count(&self) -> usize {
        self.detail().map_or(0, |d| d.stops().len())
    }

    pub(super) fn focus_detail(&mut self) {
        let n = self.link_count();
        if n == 0 {
            self.status = if self.current().selected_id().is_some() {
                "this record has no relations to follow".into()
            } else if self.current().filter.is_active() {
                let esc = keymap::key(Context::Table, Action::ClearFilter);
                format!("nothing selected: no row matches the filter ({esc} clears it)")
            } else {
                "nothing selected: this tab has no rows".into()
            };
            return;
        }
        self.focus = Focus::Detail;
        let st = self.current_mut();
        st.link = st.link.min(n - 1);
    }

    pub(super) fn move_by(&mut self, delta: isize) {
        match self.focus {
            // The grouped table (`F`) takes the moves, the mouse wheel's too.
            Focus::Table if self.grouped_now() => self.move_group(delta),
            Focus::Table => {
                let st = self.current_mut();
                let n = st.view.len();
                if n == 0 {
                    return;
                }
                let next = (st.selected as isize)
                    .saturating_add(delta)
                    .clamp(0, n as isize - 1) as usize;
                if next != st.selected {
                    st.selected = next;
                    st.link = 0;
                }
                self.scroll_into_view();
            }
            Focus::Detail => {
                let n = self.link_count();
                if n == 0 {
                    return;
                }
                let st = self.current_mut();
                st.link = (st.link as isize).saturating_add(delta).clamp(0, n as isize - 1) as usize;
            }
        }
    }

    /// Keep the selected row on screen, moving the window as little as possible.
    pub(super) fn scroll_into_view(&mut self) {
        let rows = self.areas().map_or(1, |a| a.table_rows().max(1));
        let st = self.current_mut();
        if st.selected < st.offset {
            st.offset = st.selected;
        } else if st.selected >= st.offset + rows {
            st.offset = st.selected + 1 - rows;
        }
        let max_offset = st.view.len().saturating_sub(rows);
        st.offset = st.offset.min(max_offset);
    }

    pub(super) fn resort(&mut self, sort: Option<Sort>) {
        let keep = self.current().selected_id().map(str::to_string);
        let st = self.current_mut();
        let matches = st.filter.matches.clone();
        st.arrange(
            matches.as_ref().map(|(m, ranked)| (m.as_slice(), *ranked)),
            sort.clone(),
        );
        st.sort = sort.clone();
        st.selected = keep.and_then(|id| st.view.position(&id)).unwrap_or(0);
        if let Some(s) = sort {
            let name = st
                .view
                .columns
                .iter()
                .find(|c| c.key == s.key)
                .map_or(&s.key, |c| &c.name);
            self.status = format!("sorted by {name} {}", if s.descending { "↓" } else { "↑" });
        }
        self.scroll_into_view();
    }

    pub(super) fn sort_next(&mut self) {
        // The view's own keys: a pivot's columns are named by its data.
        let keys = self.current().view.sortable_keys();
        let next = match &self.current().view.sort {
            None => keys.first().cloned(),
            Some(s) => keys
                .iter()
                .position(|k| *k == s.key)
                .map(|i| keys[(i + 1) % keys.len()].clone()),
        };
        if let Some(key) = next {
            self.resort(Some(Sort {
                key,
                descending: false,
            }));
        }
    }

    /// Compare: switch the value columns between periods and reports, keeping the query's
    /// records and the selected series.
    pub(super) fn pivot(&mut self) {
        if self.tab != Tab::Compare {
            self.status = format!(
                "{} switches columns in the Compare tab",
                crate::tui::keymap::key(
                    crate::tui::keymap::Context::Table,
                    crate::tui::keymap::Action::Pivot
                )
            );
            return;
        }
        // The series selected (or, while a build runs, the one it will select) stays selected.
        let keep = match &self.current().building {
            Some(b) => b.select.clone(),
            None => self.current().selected_id().map(str::to_string),
        };
        let st = self.current_mut();
        st.pivot = st.pivot.other();
        st.sort = None; // the old columns are gone; rank by the new fullest one
        let records = st.records.take();
        self.status = format!("Compare: columns by {}", st.pivot.as_str());
        self.ask_build(self.tab, records, keep, 0);
    }

    pub(super) fn sort_reverse(&mut self) {
        let Some(s) = self.current().view.sort.clone().or_else(|| {
            let key = self.current().view.sortable_keys().into_iter().next()?;
            Some(Sort {
                key,
                descending: false,
            })
        }) else {
            return;
        };
        self.resort(Some(Sort {
            key: s.key,
            descending: !s.descending,
        }));
    }

    pub(super) fn location(&self) -> Location {
        Location {
            tab: self.tab,
            id: self.current().selected_id().map(str::to_string),
        }
    }

    /// Show a location: its tab, with its record selected (if it still exists).
    pub(super) fn go_to(&mut self, loc: &Location) {
        self.tab = loc.tab;
        self.focus = Focus::Table;
        if let Some(id) = loc.id.as_deref()
            && self.current().view.position(id).is_none()
            && self.current().filter.is_active()
        {
            // The filter hides the record we are going to: drop it rather than land elsewhere.
            self.current_mut().filter.text.clear();
            self.show_all(loc.tab, false);
            self.current_mut().filter.saved = None;
            self.status = format!("filter cleared to show {id}");
        }
        if let Some(i) = loc.id.as_deref().and_then(|id| self.current().view.position(id)) {
            let st = self.current_mut();
            st.selected = i;
            st.link = 0;
        }
        self.scroll_into_view();
    }

    pub(super) fn jump_to_selected_link(&mut self) {
        match self
            .detail()
            .and_then(|d| d.stops().get(self.current().link).cloned())
        {
            Some(Stop::Link(target)) => self.jump(&target),
            Some(Stop::Point(_) | Stop::Move(_)) => {
                let o = keymap::key(Context::Detail, Action::Edit);
                self.status = format!("nothing to follow here: {o} opens it in your editor");
            }
            None => {}
        }
    }

    /// Follow a relation, recording where we came from.
    pub fn jump(&mut self, target: &Target) {
        let here = self.location();
        let to = Location {
            tab: Tab::for_kind(target.kind),
            id: Some(target.id.clone()),
        };
        if here != to {
            push_distinct(&mut self.back, here);
            self.forward.clear();
        }
        self.go_to(&to);
    }

    pub(super) fn history_step(&mut self, back: bool) {
        let (from, to) = if back {
            (&mut self.back, &mut self.forward)
        } else {
            (&mut self.forward, &mut self.back)
        };
        let Some(loc) = from.pop() else {
            self.status = if back {
                "no earlier place in history"
            } else {
                "no later place in history"
            }
            .into();
            return;
        };
        let here = Location {
            tab: self.tab,
            id: self.tabs[self.tab.index()].selected_id().map(str::to_string),
        };
        push_distinct(to, here);
        self.go_to(&loc);
    }

    pub(super) fn mouse(&mut self, m: MouseEvent) -> bool {
        if self.help {
            return false;
        }
        let Some(a) = self.areas() else { return false };
        let at = Position::new(m.column, m.row);
        let in_detail = a.detail.contains(at);
        match m.kind {
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let delta = if m.kind == MouseEventKind::ScrollDown {
                    1
                } else {
                    -1
                };
                if in_detail && self.link_count() > 0 {
                    self.focus = Focus::Detail;
                    self.move_by(delta);
                } else if a.table.contains(at) {
                    self.focus = Focus::Table;
                    self.move_by(delta * 3);
                } else {
                    return false;
                }
                true
            }
            MouseEventKind::Down(MouseButton::Left) => {
                if a.tabs.contains(at) {
                    let total = |t: Tab| self.tabs[t.index()].view.total;
                    if let Some(tab) = layout::tab_at(self.size.width, self.tab, total, m.column) {
                        self.switch_tab(tab);
                        return true;
                    }
                    return false;
                }
                if a.table.contains(at) {
                    let body_top = a.table.y + 2;
                    if m.row == a.table.y + 1 && !self.grouped_now() {
                        // A click on a header sorts by its column (again: the other way) and puts
                        // the column cursor there.
                        let Some(col) = self.placed(a.table).column_at(m.column) else {
                            return false;
                        };
                        self.focus = Focus::Table;
                        self.set_cursor(col);
                        self.sort_by_column(col);
                        return true;
                    }
                    if m.row < body_top || m.row >= a.table.bottom().saturating_sub(1) {
                        return false;
                    }
                    if let Some(g) = self.current_mut().grouped.as_mut() {
                        // A click on the grouped table selects a group.
                        let i = g.offset + (m.row - body_top) as usize;
                        let n = g.table.as_ref().map_or(0, |t| t.0.groups.len());
                        if i < n {
                            g.selected = i;
                        }
                        self.focus = Focus::Table;
                        return i < n;
                    }
                    let i = self.current().offset + (m.row - body_top) as usize;
                    if i < self.current().view.len() {
                        self.focus = Focus::Table;
                        let st = self.current_mut();
                        if st.selected != i {
                            st.selected = i;
                            st.link = 0;
                        }
                        self.scroll_into_view();
                        return true;
                    }
                    return false;
                }
                let link = |d: &Detail| {
                    let link = self.current().link;
                    layout::detail::link_at(d, &a, link, self.focus == Focus::Detail, &self.theme, m.row)
                };
                if in_detail && let Some(link) = self.detail().and_then(|d| link(&d)) {
                    self.focus = Focus::Detail;
                    self.current_mut().link = link;
                    return true;
                }
                false
            }
            _ => false,
        }
    }
}
