//! The explorer's state and `update`: every input becomes a message, and `update` is the only
//! place state changes. No terminal here, so all of it is testable as plain data.
//!
//! Keys arrive as crossterm events and are turned into our own [`Key`] once, at the top of
//! `update`; from there on the key table (`keymap`) decides what they do.
//!
//! What `update` cannot do itself (search, load the KB again, write to the terminal) it leaves as
//! [`Effect`]s, run by [`App::run_effects`] with a [`Runner`]: the event loop's runner hands them
//! to the worker, the reload thread and the terminal, `settle`'s runs them in place (tests and
//! benchmarks). Answers come back as messages carrying the request's id or generation; answers
//! no longer awaited (the user typed on, or pressed Esc, or a newer load was asked) are dropped.
//!
//! This file holds the state, `update` and the key dispatch; `effects.rs` the effects and their
//! runners, `input.rs` typing (the filter, the palette, the export prompt's name) and search
//! answers, `exports.rs` exports and the clipboard, `nav.rs` moving, sorting, history and the
//! mouse, `swap.rs` putting a reloaded KB in place; tests are in `tests.rs`.

mod build;
mod columns;
mod edit;
mod effects;
mod exports;
mod group;
mod input;
mod marks;
mod nav;
mod reader;
mod swap;
#[cfg(test)]
mod tests;
mod views;

pub use build::{BuildJob, Latest, latest, start_build};
pub use columns::{CellPopup, ColumnUi};
pub use edit::Edited;
use effects::InPlace;
pub use effects::{Effect, Runner};
pub use group::{Chooser, GroupJob, natural_widths};
pub use input::{ExportPrompt, ExportWhat, LineEdit, Palette};
pub use reader::ReaderState;
pub use views::{Picker, SavePrompt, Workspace, name_matches};

use std::path::PathBuf;
use std::sync::Arc;

use ratatui::crossterm::event::{KeyEvent, MouseEvent};
use ratatui::layout::Rect;

use super::keymap::{self, Action, Context, Key};
use super::layout::{self, Areas};
use super::reload::{Problem, Reload};
pub use super::tabs::{Filter, TabState, tab_states};
use crate::clock;
use crate::kb::Kb;
use crate::search::Index;
use crate::search::worker::Response;
use crate::view::{self, Detail, Sort, Tab, Target};

#[derive(Clone, Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// A search finished on the worker.
    Search(Response),
    /// The KB's files changed on disk (the watcher has let a burst of events settle).
    KbChanged,
    /// A load asked for by [`App::reload`] finished.
    Reloaded(Arc<Reload>),
    /// The mentions of the KB of this generation were found (`Effect::Mentions`).
    Mentions(u64, Arc<crate::kb::mentions::Mentions>),
    /// Time passed (the event loop ticks while a load runs, to animate its progress).
    Tick,
    /// SIGTSTP from outside (`kill -TSTP`): stop like Ctrl-z does.
    Suspend,
    /// SIGCONT: the process was stopped and goes on; the terminal may have been changed meanwhile.
    Continued,
    /// A grouping asked for by `F` was built (off the UI thread): the table and its cells' widths.
    Grouped {
        id: u64,
        tab: Tab,
        table: Arc<(crate::view::group::Grouping, Vec<usize>)>,
    },
    /// An analysis tab's rows asked for by `App::ask_build` were built (off the UI thread).
    Built {
        id: u64,
        tab: Tab,
        built: Arc<super::tabs::Built>,
    },
    /// The editor `o` started has exited (or could not start): `Effect::Edit`'s answer.
    Edited(Edited),
}

/// Following the KB on disk.
#[derive(Clone, Debug, Default)]
pub struct ReloadState {
    /// The newest load asked for; answers to older ones are dropped.
    pub asked: u64,
    /// A load is running: since when (the status line shows its progress).
    pub running: Option<std::time::Instant>,
    /// The last load failed: the banner shows why, over the last good KB, until one succeeds.
    pub problem: Option<Problem>,
    /// Why edits are not followed automatically (the watcher could not start), if so.
    pub unwatched: Option<String>,
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
/// What the keyboard is typing into, if anything.
#[derive(Clone, Debug)]
pub enum Input {
    /// The current tab's filter (its text lives in the tab's `Filter`).
    Filter(LineEdit),
    Palette(Palette),
    Export(ExportPrompt),
    /// `w`: the name to save the current view under.
    SaveView(SavePrompt),
    /// `v`: the saved views, filtered by what is typed.
    Views(Picker),
}

pub struct App {
    pub kb: Arc<Kb>,
    pub index: Arc<Index>,
    /// "built-in" or the KB path.
    pub label: String,
    pub tab: Tab,
    pub tabs: Vec<TabState>,
    pub focus: Focus,
    pub input: Option<Input>,
    /// The column chooser `F` opened, if open.
    pub chooser: Option<Chooser>,
    /// Each tab's column layout and column cursor, by tab index (`[` `]` `x` …).
    pub columns: Vec<ColumnUi>,
    /// `z`: a cell's full text, in a popup.
    pub cell: Option<CellPopup>,
    /// `C`: the copy menu is open.
    pub copy_menu: bool,
    pub help: bool,
    /// First line of the help overlay shown, when it is taller than the screen.
    pub help_scroll: usize,
    pub back: Vec<Location>,
    pub forward: Vec<Location>,
    pub status: String,
    pub quit: bool,
    pub size: Rect,
    pub theme: super::theme::Theme,
    /// What `update` left to do, oldest first: taken by `run_effects`.
    effects: Vec<Effect>,
    next_request: u64,
    /// Where exports with a relative name go (the working directory by default).
    pub export_dir: PathBuf,
    /// The time exports are stamped with (tests fix it).
    pub clock: fn() -> clock::Stamp,
    /// The KB's file or directory, when it has one to reload from (not the built-in KB).
    pub kb_path: Option<PathBuf>,
    pub reload: ReloadState,
    /// The generation of the KB shown, for its mentions: one more at each KB put in place, so
    /// mentions found in a KB replaced meanwhile are dropped.
    pub mentions_asked: u64,
    /// `settle`'s runner, kept between calls as the worker keeps its searcher (and, like the
    /// worker's, started afresh for a new index), so tests see the same narrowing from one query
    /// to the next.
    in_place: InPlace,
    /// `c` in Trends: the chart draws the marked series, not the selected one.
    chart_marks: bool,
    /// The article reader `O` opened, if open: it takes the whole screen and the keyboard.
    pub reader: Option<ReaderState>,
    /// Saved views and the query history (`views.rs`).
    pub workspace: Workspace,
    /// The editor `o` started has exited and the user has not pressed a key since: reloads say
    /// what the edit did (`edit.rs`).
    after_edit: Option<edit::AfterEdit>,
}

impl App {
    pub fn new(kb: Kb, label: String, width: u16, height: u16) -> App {
        let kb = Arc::new(kb);
        let index = Arc::new(Index::build(kb.clone()));
        App::with_index(index, label, width, height)
    }

    /// An explorer over an index built elsewhere (off the UI thread, or shared with a benchmark).
    pub fn with_index(index: Arc<Index>, label: String, width: u16, height: u16) -> App {
        let tabs = tab_states(&index.kb, &[]);
        App::with_tabs(index, tabs, label, width, height)
    }

    /// An explorer over an index and tab states built elsewhere (see [`tab_states`]).
    pub fn with_tabs(index: Arc<Index>, tabs: Vec<TabState>, label: String, width: u16, height: u16) -> App {
        let kb = index.kb.clone();
        App {
            kb,
            index,
            label,
            tab: Tab::Vendors,
            tabs,
            focus: Focus::Table,
            input: None,
            chooser: None,
            columns: vec![ColumnUi::default(); Tab::ALL.len()],
            cell: None,
            copy_menu: false,
            help: false,
            help_scroll: 0,
            back: Vec::new(),
            forward: Vec::new(),
            status: String::new(),
            quit: false,
            size: Rect::new(0, 0, width, height),
            theme: super::theme::Theme::colour(),
            // The detail shows "Mentioned in" once they are found, off the UI thread.
            effects: vec![Effect::Mentions(0)],
            next_request: 0,
            export_dir: PathBuf::from("."),
            clock: clock::now,
            kb_path: None,
            reload: ReloadState::default(),
            mentions_asked: 0,
            in_place: InPlace::default(),
            chart_marks: false,
            reader: None,
            workspace: Workspace::default(),
            after_edit: None,
        }
    }

    pub fn current(&self) -> &TabState {
        &self.tabs[self.tab.index()]
    }

    /// The series the Trends chart draws, in legend order: the marked ones in the order marked
    /// once `c` asked for them (see [`App::charting_marks`]), else the selected one.
    pub fn chart_ids(&self) -> Vec<String> {
        if self.charting_marks() {
            let ids = self.marked_series();
            if !ids.is_empty() {
                return ids;
            }
        }
        self.current()
            .selected_id()
            .map(str::to_owned)
            .into_iter()
            .collect()
    }

    fn current_mut(&mut self) -> &mut TabState {
        &mut self.tabs[self.tab.index()]
    }

    pub fn areas(&self) -> Option<Areas> {
        layout::areas(self.size, self.tab == Tab::Trends, self.banner_lines())
    }

    /// Each tab's sort, for building tab states in the same order elsewhere.
    pub fn sorts(&self) -> Vec<Option<Sort>> {
        self.tabs.iter().map(|t| t.sort.clone()).collect()
    }

    /// Lines the warning banner wants: a reload failed, so the data on screen is not the file's.
    pub fn banner_lines(&self) -> u16 {
        self.reload.problem.as_ref().map_or(0, |p| {
            layout::banner_text(p, self.size.width as usize).len() as u16
        })
    }

    pub fn selected_target(&self) -> Option<Target> {
        let st = self.current();
        st.view.get(st.selected).map(|r| Target {
            kind: r.kind,
            id: r.id.clone(),
        })
    }

    /// The detail of the selected record (computed on demand: it is small and cheap; its
    /// mentions as far as found, never waited for).
    pub fn detail(&self) -> Option<Detail> {
        self.selected_target()
            .and_then(|t| view::detail_known(&self.kb, &t))
    }

    /// The shown KB's mentions were found: the detail gains its "Mentioned in" links, placed
    /// before the sources, so the selected relation is kept by target, not by position.
    fn mentions_found(&mut self, m: Arc<crate::kb::mentions::Mentions>) -> bool {
        let chosen = self
            .detail()
            .and_then(|d| d.stops().get(self.current().link).cloned());
        if !self.kb.set_mentions(m) {
            return false;
        }
        if let Some(t) = chosen
            && let Some(at) = self.detail().and_then(|d| d.stops().iter().position(|l| *l == t))
        {
            self.current_mut().link = at;
        }
        self.scroll_into_view();
        true
    }

    /// Where keys go now: the key table's context.
    pub fn context(&self) -> Context {
        if self.reader.is_some() {
            return Context::Reader;
        }
        match &self.input {
            Some(Input::Filter(_)) => return Context::Input,
            Some(Input::Palette(_)) => return Context::Palette,
            Some(Input::Export(p)) if p.confirm.is_some() => return Context::Confirm,
            Some(Input::Export(_)) => return Context::Export,
            Some(Input::SaveView(p)) if p.confirm => return Context::Confirm,
            Some(Input::SaveView(_)) => return Context::Export,
            Some(Input::Views(_)) => return Context::Views,
            None => {}
        }
        if self.chooser.is_some() {
            return Context::Columns;
        }
        if self.cell.is_some() {
            return Context::Cell;
        }
        if self.copy_menu {
            return Context::Copy;
        }
        match self.focus {
            Focus::Table if self.grouped_now() => Context::Grouped,
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
                self.relayout_reader();
                true
            }
            Msg::Search(r) => self.search_done(r),
            Msg::KbChanged => {
                self.reload();
                true
            }
            Msg::Reloaded(r) => self.reloaded(&r),
            // Found in a KB since replaced: dropped (the new KB's are on their way).
            Msg::Mentions(generation, m) => generation == self.mentions_asked && self.mentions_found(m),
            Msg::Tick => self.reload.running.is_some(),
            Msg::Grouped { id, tab, table } => self.grouped_done(id, tab, table),
            Msg::Built { id, tab, built } => self.built_done(id, tab, built),
            Msg::Edited(e) => self.edited(e),
            Msg::Suspend => {
                self.push_once(Effect::Suspend);
                false
            }
            Msg::Continued => {
                self.push_once(Effect::Resume);
                true
            }
            Msg::Key(k) => {
                self.after_edit = None;
                self.key(Key::from(k))
            }
            Msg::Mouse(m) => {
                self.after_edit = None;
                if self.reader.is_some() {
                    return self.reader_mouse(m);
                }
                if self.input.is_some() {
                    return false;
                }
                let changed = self.mouse(m);
                if changed {
                    self.status.clear();
                }
                changed
            }
        }
    }

    /// A key: to the help overlay, the text being typed, or the table and detail.
    fn key(&mut self, k: Key) -> bool {
        if self.reader.is_some() {
            return self.reader_key(k);
        }
        // The overlay is only drawn (and only takes keys) when the explorer fits on screen.
        if self.help && self.areas().is_some() {
            self.help_key(k);
            return true;
        }
        self.help = false;
        if self.input.is_some() {
            return self.input_key(k);
        }
        if self.chooser.is_some() {
            self.status.clear();
            return self.chooser_key(k);
        }
        if self.cell.is_some() {
            self.status.clear();
            self.cell_key(keymap::action_for(k, Context::Cell));
            return true;
        }
        if self.copy_menu {
            self.status.clear();
            self.copy_menu_key(keymap::action_for(k, Context::Copy));
            return true;
        }
        match keymap::action_for(k, self.context()) {
            Some(a) => {
                self.status.clear();
                self.act(a);
                true
            }
            None => false,
        }
    }

    /// The help overlay takes the keyboard: movement keys scroll it, ?/Esc/q close it, Ctrl-c quits.
    fn help_key(&mut self, k: Key) {
        let max = layout::help::max_scroll(self.size);
        match keymap::action_for(k, Context::Help) {
            Some(Action::CloseHelp) => self.help = false,
            Some(Action::Quit) => self.quit = true,
            Some(Action::Suspend) => self.push_once(Effect::Suspend),
            Some(Action::Down) => self.help_scroll = (self.help_scroll + 1).min(max),
            Some(Action::Up) => self.help_scroll = self.help_scroll.saturating_sub(1),
            Some(Action::PageDown | Action::HalfDown) => self.help_scroll = (self.help_scroll + 10).min(max),
            Some(Action::PageUp | Action::HalfUp) => self.help_scroll = self.help_scroll.saturating_sub(10),
            Some(Action::Top) => self.help_scroll = 0,
            Some(Action::Bottom) => self.help_scroll = max,
            _ => {}
        }
    }

    pub fn act(&mut self, action: Action) {
        let page = self.areas().map_or(10, |a| a.table_rows().max(1));
        if self.columns_apply(action) {
            return;
        }
        if self.grouped_now() && self.focus == Focus::Table {
            // The grouped table takes the moves; sorting and the relations are the table's.
            let step = match action {
                Action::Down => Some(1),
                Action::Up => Some(-1),
                Action::PageDown => Some(page as isize),
                Action::PageUp => Some(-(page as isize)),
                Action::HalfDown => Some((page / 2).max(1) as isize),
                Action::HalfUp => Some(-((page / 2).max(1) as isize)),
                Action::Top => Some(isize::MIN / 2),
                Action::Bottom => Some(isize::MAX / 2),
                _ => None,
            };
            if let Some(step) = step {
                self.move_group(step);
                return;
            }
            if matches!(
                action,
                Action::SortNext | Action::SortReverse | Action::FocusDetail | Action::Edit
            ) {
                let esc = keymap::key(Context::Grouped, Action::Ungroup);
                self.status = format!("grouped: {esc} returns to the table first");
                return;
            }
            if action == Action::Filter {
                self.ungroup();
            }
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Suspend => self.push_once(Effect::Suspend),
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
            Action::SortNext => self.sort_key(),
            Action::SortReverse => self.sort_reverse(),
            Action::Pivot => self.pivot(),
            Action::Enter => match self.focus {
                Focus::Table => self.focus_detail(),
                Focus::Detail => self.jump_to_selected_link(),
            },
            Action::FocusDetail => self.focus_detail(),
            Action::FocusTable => self.focus = Focus::Table,
            Action::Back => self.history_step(true),
            Action::Forward => self.history_step(false),
            Action::Filter => {
                self.focus = Focus::Table;
                let st = self.current_mut();
                if st.filter.saved.is_none() {
                    st.filter.saved = Some((st.selected_id().map(str::to_string), st.offset));
                }
                self.input = Some(Input::Filter(LineEdit::new(&self.current().filter.text)));
                self.workspace.recall.reset();
            }
            Action::Palette => {
                self.read_views();
                self.workspace.recall.reset();
                self.input = Some(Input::Palette(Palette::default()));
            }
            Action::Views => self.open_views(),
            Action::SaveView => self.start_save_view(),
            Action::NextMatch => self.step_match(true),
            Action::PrevMatch => self.step_match(false),
            Action::ClearFilter if self.tab == Tab::Trends && self.charting_marks() => {
                self.stop_charting_marks()
            }
            Action::ClearFilter => {
                if !self.drop_pick() {
                    self.clear_filter();
                }
            }
            Action::GroupBy => self.open_chooser(),
            Action::GroupPick => self.pick_group(),
            Action::Ungroup => self.ungroup(),
            Action::Mark => self.toggle_mark(),
            Action::ClearMarks => self.clear_marks(),
            Action::ChartMarks => self.toggle_chart_marks(),
            Action::Export => self.start_export(self.export_what()),
            Action::ExportRecord => match self.selected_target() {
                Some(t) => self.start_export(ExportWhat::Record(t)),
                None => self.status = "no record selected".into(),
            },
            Action::Copy => self.copy_cell(),
            Action::CopyRow => self.copy_row(),
            Action::CopyMenu => self.open_copy_menu(),
            Action::Reload => self.reload(),
            Action::Edit => self.edit_selected(),
            Action::OpenReader => self.open_reader(),
            // Editing actions only arrive while typing (see `input_key`), the export prompt's too.
            Action::Accept
            | Action::ExportMarked
            | Action::Cancel
            | Action::DeleteBack
            | Action::DeleteForward
            | Action::DeleteWord
            | Action::ClearLine
            | Action::CursorLeft
            | Action::CursorRight
            | Action::CursorStart
            | Action::CursorEnd
            // The overlay's and the overwrite question's own (see `help_key`, `input_key`).
            | Action::CloseHelp
            | Action::Overwrite
            | Action::Keep
            // The column chooser's own (see `chooser_key`).
            | Action::TickColumn
            // The copy menu's own (see `copy_menu_key`).
            | Action::CopyId
            | Action::CopyMarkdown
            | Action::CopyCitation
            | Action::CopyView
            // Taken by `columns_apply`.
            | Action::ColumnLeft
            | Action::ColumnRight
            | Action::MoveColumnLeft
            | Action::MoveColumnRight
            | Action::NarrowColumn
            | Action::WidenColumn
            | Action::HideColumn
            | Action::ShowColumns
            | Action::CellText
            // The reader's own (see `reader_key`).
            | Action::NextQuote
            | Action::PrevQuote
            | Action::CloseReader => {}
            // Typing's own (see `input_key`).
            | Action::HistoryOlder
            | Action::HistoryNewer => {}
        }
    }
}
