//! The explorer's state and `update`: every input becomes a message, and `update` is the only
//! place state changes. No terminal here, so all of it is testable as plain data.

use ratatui::crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::keymap::{self, Action, Context};
use super::layout::{self, Areas};
use super::ui;
use crate::kb::Kb;
use crate::view::{self, Detail, Sort, Tab, Target, View, ViewSpec};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Table,
    Detail,
}

/// A place in history: a tab and the record selected there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub tab: Tab,
    pub id: Option<String>,
}

/// Per-tab state, kept while the user is on other tabs.
#[derive(Clone, Debug)]
pub struct TabState {
    pub view: View,
    pub sort: Option<Sort>,
    pub selected: usize,
    /// First table row on screen.
    pub offset: usize,
    /// Selected relation in the detail pane.
    pub link: usize,
    /// Widest cell per column over all rows (display columns), for laying out the table.
    pub natural: Vec<usize>,
}

impl TabState {
    fn new(kb: &Kb, tab: Tab) -> TabState {
        let spec = ViewSpec::new(tab);
        let view = view::rows(kb, &spec);
        let natural = natural_widths(&view);
        TabState {
            view,
            sort: spec.sort,
            selected: 0,
            offset: 0,
            link: 0,
            natural,
        }
    }

    pub fn selected_id(&self) -> Option<&str> {
        self.view.rows.get(self.selected).map(|r| r.id.as_str())
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

pub struct App {
    pub kb: Kb,
    /// "built-in" or the KB path.
    pub label: String,
    pub tab: Tab,
    pub tabs: Vec<TabState>,
    pub focus: Focus,
    pub help: bool,
    /// First line of the help overlay shown, when it is taller than the screen.
    pub help_scroll: usize,
    pub back: Vec<Location>,
    pub forward: Vec<Location>,
    pub status: String,
    pub quit: bool,
    pub size: Rect,
    pub theme: ui::theme::Theme,
}

impl App {
    pub fn new(kb: Kb, label: String, width: u16, height: u16) -> App {
        let tabs = Tab::ALL.iter().map(|t| TabState::new(&kb, *t)).collect();
        App {
            kb,
            label,
            tab: Tab::Vendors,
            tabs,
            focus: Focus::Table,
            help: false,
            help_scroll: 0,
            back: Vec::new(),
            forward: Vec::new(),
            status: String::new(),
            quit: false,
            size: Rect::new(0, 0, width, height),
            theme: ui::theme::Theme::colour(),
        }
    }

    pub fn current(&self) -> &TabState {
        &self.tabs[self.tab.index()]
    }

    fn current_mut(&mut self) -> &mut TabState {
        &mut self.tabs[self.tab.index()]
    }

    pub fn areas(&self) -> Option<Areas> {
        layout::areas(self.size, self.tab == Tab::Trends)
    }

    pub fn selected_target(&self) -> Option<Target> {
        self.current().selected_id().map(|id| Target {
            kind: self.tab.kind(),
            id: id.to_string(),
        })
    }

    /// The detail of the selected record (computed on demand: it is small and cheap).
    pub fn detail(&self) -> Option<Detail> {
        self.selected_target().and_then(|t| view::detail(&self.kb, &t))
    }

    pub fn context(&self) -> Context {
        match self.focus {
            Focus::Table => Context::Table,
            Focus::Detail => Context::Detail,
        }
    }

    /// Apply one message. Returns whether anything visible may have changed.
    pub fn update(&mut self, msg: Msg) -> bool {
        match msg {
            Msg::Resize(w, h) => {
                self.size = Rect::new(0, 0, w, h);
                self.scroll_into_view();
                true
            }
            Msg::Key(k) => {
                // The overlay is only drawn (and only takes keys) when the explorer fits on screen.
                if self.help && self.areas().is_some() {
                    self.help_key(k);
                    return true;
                }
                self.help = false;
                match keymap::action_for(k, self.context()) {
                    Some(a) => {
                        self.status.clear();
                        self.act(a);
                        true
                    }
                    None => false,
                }
            }
            Msg::Mouse(m) => {
                let changed = self.mouse(m);
                if changed {
                    self.status.clear();
                }
                changed
            }
        }
    }

    /// The help overlay takes the keyboard: movement keys scroll it, ?/Esc/q close it, Ctrl-c quits.
    fn help_key(&mut self, k: KeyEvent) {
        use ratatui::crossterm::event::KeyCode;
        let max = ui::help::max_scroll(self.size);
        match (keymap::action_for(k, Context::Table), k.code) {
            (_, KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::F(1)) => self.help = false,
            (Some(Action::Quit), _) => self.quit = true,
            (Some(Action::Down), _) => self.help_scroll = (self.help_scroll + 1).min(max),
            (Some(Action::Up), _) => self.help_scroll = self.help_scroll.saturating_sub(1),
            (Some(Action::PageDown | Action::HalfDown), _) => {
                self.help_scroll = (self.help_scroll + 10).min(max)
            }
            (Some(Action::PageUp | Action::HalfUp), _) => {
                self.help_scroll = self.help_scroll.saturating_sub(10)
            }
            (Some(Action::Top), _) => self.help_scroll = 0,
            (Some(Action::Bottom), _) => self.help_scroll = max,
            _ => {}
        }
    }

    pub fn act(&mut self, action: Action) {
        let page = self.areas().map_or(10, |a| a.table_rows().max(1));
        match action {
            Action::Quit => self.quit = true,
            Action::Help => {
                self.help = self.areas().is_some();
                self.help_scroll = 0;
            }
            Action::NextTab => self.switch_tab(Tab::ALL[(self.tab.index() + 1) % Tab::ALL.len()]),
            Action::PrevTab => {
                self.switch_tab(Tab::ALL[(self.tab.index() + Tab::ALL.len() - 1) % Tab::ALL.len()])
            }
            Action::GoTab(i) => self.switch_tab(Tab::ALL[i.min(Tab::ALL.len() - 1)]),
            Action::Down => self.move_by(1),
            Action::Up => self.move_by(-1),
            Action::PageDown => self.move_by(page as isize),
            Action::PageUp => self.move_by(-(page as isize)),
            Action::HalfDown => self.move_by((page / 2).max(1) as isize),
            Action::HalfUp => self.move_by(-((page / 2).max(1) as isize)),
            Action::Top => self.move_by(isize::MIN / 2),
            Action::Bottom => self.move_by(isize::MAX / 2),
            Action::SortNext => self.sort_next(),
            Action::SortReverse => self.sort_reverse(),
            Action::Enter => match self.focus {
                Focus::Table => self.focus_detail(),
                Focus::Detail => self.jump_to_selected_link(),
            },
            Action::FocusDetail => self.focus_detail(),
            Action::FocusTable => self.focus = Focus::Table,
            Action::Back => self.history_step(true),
            Action::Forward => self.history_step(false),
        }
    }

    fn switch_tab(&mut self, tab: Tab) {
        self.tab = tab;
        self.focus = Focus::Table;
        self.scroll_into_view();
    }

    fn link_count(&self) -> usize {
        self.detail().map_or(0, |d| d.links().len())
    }

    fn focus_detail(&mut self) {
        let n = self.link_count();
        if n == 0 {
            self.status = "this record has no relations to follow".into();
            return;
        }
        self.focus = Focus::Detail;
        let st = self.current_mut();
        st.link = st.link.min(n - 1);
    }

    fn move_by(&mut self, delta: isize) {
        match self.focus {
            Focus::Table => {
                let st = self.current_mut();
                let n = st.view.rows.len();
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
    fn scroll_into_view(&mut self) {
        let rows = self.areas().map_or(1, |a| a.table_rows().max(1));
        let st = self.current_mut();
        if st.selected < st.offset {
            st.offset = st.selected;
        } else if st.selected >= st.offset + rows {
            st.offset = st.selected + 1 - rows;
        }
        let max_offset = st.view.rows.len().saturating_sub(rows);
        st.offset = st.offset.min(max_offset);
    }

    fn resort(&mut self, sort: Option<Sort>) {
        let tab = self.tab;
        let keep = self.current().selected_id().map(str::to_string);
        let view = view::rows(&self.kb, &ViewSpec { tab, sort });
        let st = self.current_mut();
        st.view = view;
        st.sort = sort;
        st.selected = keep.and_then(|id| st.view.position(&id)).unwrap_or(0);
        if let Some(s) = sort {
            let name = st.view.columns[s.column].name;
            self.status = format!("sorted by {name} {}", if s.descending { "↓" } else { "↑" });
        }
        self.scroll_into_view();
    }

    fn sort_next(&mut self) {
        let cols = view::sortable(self.tab);
        let next = match self.current().sort {
            None => cols.first().copied(),
            Some(s) => cols
                .iter()
                .position(|c| *c == s.column)
                .map(|i| cols[(i + 1) % cols.len()]),
        };
        if let Some(column) = next {
            self.resort(Some(Sort {
                column,
                descending: false,
            }));
        }
    }

    fn sort_reverse(&mut self) {
        let s = self.current().sort.unwrap_or(Sort {
            column: view::sortable(self.tab)[0],
            descending: false,
        });
        self.resort(Some(Sort {
            column: s.column,
            descending: !s.descending,
        }));
    }

    fn location(&self) -> Location {
        Location {
            tab: self.tab,
            id: self.current().selected_id().map(str::to_string),
        }
    }

    /// Show a location: its tab, with its record selected (if it still exists).
    fn go_to(&mut self, loc: &Location) {
        self.tab = loc.tab;
        self.focus = Focus::Table;
        if let Some(i) = loc.id.as_deref().and_then(|id| self.current().view.position(id)) {
            let st = self.current_mut();
            st.selected = i;
            st.link = 0;
        }
        self.scroll_into_view();
    }

    fn jump_to_selected_link(&mut self) {
        let Some(target) = self
            .detail()
            .and_then(|d| d.links().get(self.current().link).map(|t| (*t).clone()))
        else {
            return;
        };
        self.jump(&target);
    }

    /// Follow a relation, recording where we came from.
    pub fn jump(&mut self, target: &Target) {
        let here = self.location();
        let to = Location {
            tab: Tab::for_kind(target.kind),
            id: Some(target.id.clone()),
        };
        if here != to {
            self.back.push(here);
            self.forward.clear();
        }
        self.go_to(&to);
    }

    fn history_step(&mut self, back: bool) {
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
        to.push(Location {
            tab: self.tab,
            id: self.tabs[self.tab.index()].selected_id().map(str::to_string),
        });
        self.go_to(&loc);
    }

    fn mouse(&mut self, m: MouseEvent) -> bool {
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
                    if let Some(tab) = ui::tab_at(self, m.column) {
                        self.switch_tab(tab);
                        return true;
                    }
                    return false;
                }
                if a.table.contains(at) {
                    let body_top = a.table.y + 2;
                    if m.row < body_top || m.row >= a.table.bottom().saturating_sub(1) {
                        return false;
                    }
                    let i = self.current().offset + (m.row - body_top) as usize;
                    if i < self.current().view.rows.len() {
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
                if in_detail && let Some(link) = ui::link_at(self, &a, m.row) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    fn app() -> App {
        App::new(crate::kb::load_builtin().kb, "built-in".into(), 120, 40)
    }

    fn key(app: &mut App, code: KeyCode) {
        app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    #[test]
    fn tabs_switch_by_number_and_tab_key() {
        let mut a = app();
        key(&mut a, KeyCode::Char('3'));
        assert_eq!(a.tab, Tab::Deals);
        key(&mut a, KeyCode::Tab);
        assert_eq!(a.tab, Tab::Trends);
        key(&mut a, KeyCode::BackTab);
        key(&mut a, KeyCode::BackTab);
        assert_eq!(a.tab, Tab::Executives);
    }

    #[test]
    fn selection_stays_in_bounds() {
        let mut a = app();
        key(&mut a, KeyCode::Char('k'));
        assert_eq!(a.current().selected, 0);
        key(&mut a, KeyCode::Char('G'));
        assert_eq!(a.current().selected, a.current().view.rows.len() - 1);
        key(&mut a, KeyCode::Char('j'));
        assert_eq!(a.current().selected, a.current().view.rows.len() - 1);
        key(&mut a, KeyCode::Char('g'));
        assert_eq!(a.current().selected, 0);
    }

    #[test]
    fn jump_to_an_executive_and_back_and_forward() {
        let mut a = app();
        let aws = a.current().view.position("aws").unwrap();
        a.current_mut().selected = aws;
        key(&mut a, KeyCode::Enter);
        assert_eq!(a.focus, Focus::Detail);
        let links = a
            .detail()
            .unwrap()
            .links()
            .into_iter()
            .cloned()
            .collect::<Vec<_>>();
        let chu = links.iter().position(|t| t.id == "chu-ruisong").unwrap();
        for _ in 0..chu {
            key(&mut a, KeyCode::Char('j'));
        }
        key(&mut a, KeyCode::Enter);
        assert_eq!(a.tab, Tab::Executives);
        assert_eq!(a.current().selected_id(), Some("chu-ruisong"));
        key(&mut a, KeyCode::Backspace);
        assert_eq!((a.tab, a.current().selected_id()), (Tab::Vendors, Some("aws")));
        a.update(Msg::Key(KeyEvent::new(KeyCode::Right, KeyModifiers::ALT)));
        assert_eq!(
            (a.tab, a.current().selected_id()),
            (Tab::Executives, Some("chu-ruisong"))
        );
        key(&mut a, KeyCode::Backspace);
        key(&mut a, KeyCode::Backspace);
        assert_eq!(a.status, "no earlier place in history");
    }

    #[test]
    fn sorting_keeps_the_selected_record() {
        let mut a = app();
        key(&mut a, KeyCode::Char('3'));
        key(&mut a, KeyCode::Char('j'));
        key(&mut a, KeyCode::Char('j'));
        let id = a.current().selected_id().unwrap().to_string();
        key(&mut a, KeyCode::Char('s'));
        key(&mut a, KeyCode::Char('S'));
        assert_eq!(a.current().selected_id(), Some(id.as_str()));
        assert!(a.status.starts_with("sorted by"), "{}", a.status);
    }

    #[test]
    fn help_never_hides_keys_when_the_terminal_is_too_small() {
        let mut a = App::new(crate::kb::load_builtin().kb, "built-in".into(), 30, 8);
        key(&mut a, KeyCode::Char('?'));
        assert!(!a.help);
        key(&mut a, KeyCode::Char('q'));
        assert!(a.quit);
        let mut a = app();
        key(&mut a, KeyCode::Char('?'));
        a.update(Msg::Resize(30, 8));
        key(&mut a, KeyCode::Char('q'));
        assert!(a.quit, "q quits even though help was open before the shrink");
    }

    #[test]
    fn help_overlay_opens_and_closes() {
        let mut a = app();
        key(&mut a, KeyCode::Char('?'));
        assert!(a.help);
        key(&mut a, KeyCode::Char('j'));
        assert!(
            a.help && a.current().selected == 0,
            "keys do not leak through the overlay"
        );
        key(&mut a, KeyCode::Esc);
        assert!(!a.help && !a.quit);
    }
}
