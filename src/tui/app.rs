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

use std::path::PathBuf;
use std::sync::Arc;

use ratatui::crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::keymap::{self, Action, Context, Key};
use super::layout::{self, Areas};
use super::reload::{Problem, Reload};
pub use super::tabs::{Filter, TabState, tab_states};
use crate::clock;
use crate::export::{self, Format};
use crate::kb::Kb;
use crate::search::worker::{Request, Response, Searcher};
use crate::search::{Index, Query, QueryError, Rank, Results, Scope};
use crate::view::{self, Detail, RANKED_ROWS, Sort, Tab, Target};

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
    /// Time passed (the event loop ticks while a load runs, to animate its progress).
    Tick,
    /// SIGTSTP from outside (`kill -TSTP`): stop like Ctrl-z does.
    Suspend,
    /// SIGCONT: the process was stopped and goes on; the terminal may have been changed meanwhile.
    Continued,
}

/// Work `update` leaves for others: what it asks of the worker, the reload thread and the
/// terminal. [`App::run_effects`] is the one place effects are run, for the event loop and for
/// `settle` alike; a [`Runner`] supplies the means.
#[derive(Clone)]
pub enum Effect {
    /// Search; the answer comes back as `Msg::Search` with the request's id.
    Search(Request),
    /// Searches from now on are of this index (the KB was reloaded): narrowing starts afresh.
    UseIndex(Arc<Index>),
    /// Load the KB from disk again; the answer comes back as `Msg::Reloaded` with this generation.
    Reload(u64),
    /// Put text on the clipboard (OSC 52).
    Clipboard(String),
    /// Restore the terminal and stop, like any job (Ctrl-z, SIGTSTP); returns once continued.
    Suspend,
    /// After SIGCONT: put the terminal back in the explorer's modes and draw the whole screen.
    Resume,
}

impl std::fmt::Debug for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Effect::Search(r) => f.debug_tuple("Search").field(r).finish(),
            Effect::UseIndex(ix) => write!(f, "UseIndex({} docs)", ix.docs.len()),
            Effect::Reload(g) => f.debug_tuple("Reload").field(g).finish(),
            Effect::Clipboard(t) => f.debug_tuple("Clipboard").field(t).finish(),
            Effect::Suspend => f.write_str("Suspend"),
            Effect::Resume => f.write_str("Resume"),
        }
    }
}

/// The means to run effects. Each effect has its method, so a new effect is a new method that
/// the event loop's runner and `settle`'s must both have.
pub trait Runner {
    /// Start a search of `index`; an answer already at hand is returned, to be applied.
    fn search(&mut self, index: &Arc<Index>, req: Request) -> Option<Msg>;
    fn use_index(&mut self, index: Arc<Index>);
    /// Start loading the KB at `path` (the current one is `kb`, sorted by `sorts`).
    fn reload(
        &mut self,
        generation: u64,
        path: &std::path::Path,
        kb: &Arc<Kb>,
        sorts: Vec<Option<Sort>>,
    ) -> Option<Msg>;
    fn clipboard(&mut self, text: String) -> std::io::Result<()>;
    fn suspend(&mut self) -> std::io::Result<()>;
    fn resume(&mut self) -> std::io::Result<()>;
}

/// `settle`'s runner: searches and loads run here and now; what is for the terminal is kept.
#[derive(Default)]
struct InPlace {
    searcher: Searcher,
    terminal: Vec<Effect>,
}

impl Runner for InPlace {
    fn search(&mut self, index: &Arc<Index>, req: Request) -> Option<Msg> {
        let started = std::time::Instant::now();
        let outcome = self
            .searcher
            .run(index, &req.text, req.scope, req.rank, &|| false)?;
        Some(Msg::Search(Response {
            id: req.id,
            scope: req.scope,
            outcome,
            took: started.elapsed(),
        }))
    }

    fn use_index(&mut self, _: Arc<Index>) {
        // The last result is about the old index: never narrow from it.
        self.searcher = Searcher::default();
    }

    fn reload(
        &mut self,
        generation: u64,
        path: &std::path::Path,
        kb: &Arc<Kb>,
        sorts: Vec<Option<Sort>>,
    ) -> Option<Msg> {
        let started = std::time::Instant::now();
        let (outcome, _) = super::reload::load(path, kb, &sorts);
        Some(Msg::Reloaded(Arc::new(Reload {
            generation,
            outcome,
            took: started.elapsed(),
        })))
    }

    fn clipboard(&mut self, text: String) -> std::io::Result<()> {
        self.terminal.push(Effect::Clipboard(text));
        Ok(())
    }

    fn suspend(&mut self) -> std::io::Result<()> {
        self.terminal.push(Effect::Suspend);
        Ok(())
    }

    fn resume(&mut self) -> std::io::Result<()> {
        self.terminal.push(Effect::Resume);
        Ok(())
    }
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

/// A one-line text field with a cursor (a char index).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineEdit {
    pub text: String,
    pub cursor: usize,
}

impl LineEdit {
    pub fn new(text: &str) -> LineEdit {
        LineEdit {
            text: text.to_string(),
            cursor: text.chars().count(),
        }
    }

    fn byte(&self, char_idx: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_idx)
            .map_or(self.text.len(), |(b, _)| b)
    }

    pub fn insert(&mut self, c: char) {
        let at = self.byte(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    /// Apply an editing action; returns whether the text changed.
    pub fn edit(&mut self, a: Action) -> bool {
        let n = self.text.chars().count();
        match a {
            Action::DeleteBack if self.cursor > 0 => {
                let at = self.byte(self.cursor - 1);
                self.text.remove(at);
                self.cursor -= 1;
                true
            }
            Action::DeleteForward if self.cursor < n => {
                let at = self.byte(self.cursor);
                self.text.remove(at);
                true
            }
            Action::DeleteWord if self.cursor > 0 => {
                let chars: Vec<char> = self.text.chars().collect();
                let mut start = self.cursor;
                while start > 0 && chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                while start > 0 && !chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                let (a, b) = (self.byte(start), self.byte(self.cursor));
                self.text.replace_range(a..b, "");
                self.cursor = start;
                true
            }
            Action::ClearLine if !self.text.is_empty() => {
                self.text.clear();
                self.cursor = 0;
                true
            }
            Action::CursorLeft => {
                self.cursor = self.cursor.saturating_sub(1);
                false
            }
            Action::CursorRight => {
                self.cursor = (self.cursor + 1).min(n);
                false
            }
            Action::CursorStart => {
                self.cursor = 0;
                false
            }
            Action::CursorEnd => {
                self.cursor = n;
                false
            }
            _ => false,
        }
    }
}

/// Push `loc` on a history stack unless it is already on top: two jumps from the same place (with
/// a tab switch between them, say) must not make Backspace go nowhere once.
fn push_distinct(stack: &mut Vec<Location>, loc: Location) {
    if stack.last() != Some(&loc) {
        stack.push(loc);
    }
}

/// The jump-anywhere palette.
#[derive(Clone, Debug, Default)]
pub struct Palette {
    pub edit: LineEdit,
    pub results: Option<Arc<Results>>,
    pub applied: Option<Query>,
    pub error: Option<QueryError>,
    pub pending: u64,
    pub selected: usize,
    pub offset: usize,
}

/// What `e` and `E` write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportWhat {
    /// The current tab's view: its rows, in order, with its columns.
    View,
    /// One record's detail.
    Record(Target),
}

/// The export prompt: the file name being edited, and whether an existing file awaits a yes.
#[derive(Clone, Debug)]
pub struct ExportPrompt {
    pub edit: LineEdit,
    pub what: ExportWhat,
    /// The file exists: `y` overwrites it, any other key goes back to editing the name.
    pub confirm: Option<PathBuf>,
}

/// What the keyboard is typing into, if anything.
#[derive(Clone, Debug)]
pub enum Input {
    /// The current tab's filter (its text lives in the tab's `Filter`).
    Filter(LineEdit),
    Palette(Palette),
    Export(ExportPrompt),
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
    /// `settle`'s runner, kept between calls as the worker keeps its searcher (and, like the
    /// worker's, started afresh for a new index), so tests see the same narrowing from one query
    /// to the next.
    in_place: InPlace,
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
            help: false,
            help_scroll: 0,
            back: Vec::new(),
            forward: Vec::new(),
            status: String::new(),
            quit: false,
            size: Rect::new(0, 0, width, height),
            theme: super::theme::Theme::colour(),
            effects: Vec::new(),
            next_request: 0,
            export_dir: PathBuf::from("."),
            clock: clock::now,
            kb_path: None,
            reload: ReloadState::default(),
            in_place: InPlace::default(),
        }
    }

    pub fn current(&self) -> &TabState {
        &self.tabs[self.tab.index()]
    }

    fn current_mut(&mut self) -> &mut TabState {
        &mut self.tabs[self.tab.index()]
    }

    pub fn areas(&self) -> Option<Areas> {
        layout::areas(self.size, self.tab == Tab::Trends, self.banner_lines())
    }

    /// Each tab's sort, for building tab states in the same order elsewhere.
    pub fn sorts(&self) -> Vec<Option<Sort>> {
        self.tabs.iter().map(|t| t.sort).collect()
    }

    /// Lines the warning banner wants: a reload failed, so the data on screen is not the file's.
    pub fn banner_lines(&self) -> u16 {
        self.reload.problem.as_ref().map_or(0, |p| {
            layout::banner_text(p, self.size.width as usize).len() as u16
        })
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

    /// Where keys go now: the key table's context.
    pub fn context(&self) -> Context {
        match &self.input {
            Some(Input::Filter(_)) => return Context::Input,
            Some(Input::Palette(_)) => return Context::Palette,
            Some(Input::Export(p)) if p.confirm.is_some() => return Context::Confirm,
            Some(Input::Export(_)) => return Context::Export,
            None => {}
        }
        match self.focus {
            Focus::Table => Context::Table,
            Focus::Detail => Context::Detail,
        }
    }

    /// Run every effect here and now and apply the answers (searches, loads): for tests and
    /// benchmarks, which have no worker thread and no terminal. Returns what would have gone to
    /// the terminal (clipboard text, suspend, resume), in order.
    pub fn settle(&mut self) -> Vec<Effect> {
        let mut runner = std::mem::take(&mut self.in_place);
        // `InPlace` never fails: it only records what is for the terminal.
        let _ = self.run_effects(&mut runner);
        let done = std::mem::take(&mut runner.terminal);
        self.in_place = runner;
        done
    }

    /// Run every effect `update` left, and those the answers they bring at once leave in turn,
    /// until none is left. Returns whether the screen must be drawn again.
    pub fn run_effects(&mut self, runner: &mut impl Runner) -> std::io::Result<bool> {
        let mut dirty = false;
        loop {
            let effects = std::mem::take(&mut self.effects);
            if effects.is_empty() {
                return Ok(dirty);
            }
            for effect in effects {
                let answer = match effect {
                    Effect::Search(req) => runner.search(&self.index, req),
                    Effect::UseIndex(index) => {
                        runner.use_index(index);
                        None
                    }
                    Effect::Reload(generation) => match self.kb_path.clone() {
                        Some(path) => runner.reload(generation, &path, &self.kb, self.sorts()),
                        None => None,
                    },
                    Effect::Clipboard(text) => {
                        runner.clipboard(text)?;
                        None
                    }
                    Effect::Suspend => {
                        runner.suspend()?;
                        dirty = true;
                        None
                    }
                    Effect::Resume => {
                        runner.resume()?;
                        dirty = true;
                        None
                    }
                };
                if let Some(msg) = answer {
                    dirty |= self.update(msg);
                }
            }
        }
    }

    /// The effects waiting to be run, oldest first.
    pub fn effects(&self) -> &[Effect] {
        &self.effects
    }

    /// Take the effects waiting to be run (a test that answers them itself).
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// Queue a terminal effect unless it is already waiting: two Ctrl-z in one burst stop once.
    fn push_once(&mut self, effect: Effect) {
        let same = std::mem::discriminant(&effect);
        if !self.effects.iter().any(|e| std::mem::discriminant(e) == same) {
            self.effects.push(effect);
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
            Msg::Search(r) => self.search_done(r),
            Msg::KbChanged => {
                self.reload();
                true
            }
            Msg::Reloaded(r) => self.reloaded(&r),
            Msg::Tick => self.reload.running.is_some(),
            Msg::Suspend => {
                self.push_once(Effect::Suspend);
                false
            }
            Msg::Continued => {
                self.push_once(Effect::Resume);
                true
            }
            Msg::Key(k) => self.key(Key::from(k)),
            Msg::Mouse(m) => {
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
        // The overlay is only drawn (and only takes keys) when the explorer fits on screen.
        if self.help && self.areas().is_some() {
            self.help_key(k);
            return true;
        }
        self.help = false;
        if self.input.is_some() {
            return self.input_key(k);
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

    /// A key while typing a query: editing keys edit, movement keys move the selection, any other
    /// printable key types.
    fn input_key(&mut self, k: Key) -> bool {
        let ctx = self.context();
        let action = keymap::action_for(k, ctx);
        let page = self.areas().map_or(10, |a| a.table_rows().max(1)) as isize;
        let typed = k.typed();
        let Some(input) = self.input.as_mut() else {
            return false;
        };
        if action == Some(Action::Suspend) {
            self.push_once(Effect::Suspend);
            return false;
        }
        if let Input::Export(p) = input
            && ctx == Context::Confirm
        {
            // Overwrite only on an explicit yes.
            match action {
                Some(Action::Overwrite) => self.export(true),
                Some(Action::Quit) => self.quit = true,
                _ => {
                    p.confirm = None;
                    let esc = keymap::key(Context::Export, Action::Cancel);
                    self.status = format!("not overwritten; edit the name, or {esc}");
                }
            }
            return true;
        }
        let edit = match input {
            Input::Filter(e) => e,
            Input::Palette(p) => &mut p.edit,
            Input::Export(p) => &mut p.edit,
        };
        let changed = match (action, typed) {
            (Some(Action::Quit), _) => {
                self.quit = true;
                return true;
            }
            (Some(Action::Accept), _) => {
                self.accept();
                return true;
            }
            (Some(Action::Cancel), _) => {
                self.cancel_input();
                return true;
            }
            (Some(a @ (Action::Down | Action::Up | Action::PageDown | Action::PageUp)), _) => {
                let d = match a {
                    Action::Down => 1,
                    Action::Up => -1,
                    Action::PageDown => page,
                    _ => -page,
                };
                self.move_input_selection(d);
                return true;
            }
            (Some(a), _) => edit.edit(a),
            (None, Some(c)) => {
                edit.insert(c);
                true
            }
            (None, None) => return false,
        };
        if changed {
            self.query_changed();
        }
        true
    }

    fn next_id(&mut self) -> u64 {
        self.next_request += 1;
        self.next_request
    }

    /// The text being typed changed: ask for a search (or, for an empty filter, show everything).
    fn query_changed(&mut self) {
        match &self.input {
            Some(Input::Filter(e)) => {
                let text = e.text.clone();
                let tab = self.tab;
                if text.trim().is_empty() {
                    let st = self.current_mut();
                    st.filter.text = text;
                    self.show_all(tab, false);
                    return;
                }
                self.current_mut().filter.text = text;
                self.ask_filter(tab);
            }
            Some(Input::Palette(_)) => self.ask_palette(),
            Some(Input::Export(_)) | None => {}
        }
    }

    /// Ask the worker for `tab`'s filter as it stands.
    fn ask_filter(&mut self, tab: Tab) {
        let id = self.next_id();
        let st = &mut self.tabs[tab.index()];
        st.filter.pending = id;
        self.effects.push(Effect::Search(Request {
            id,
            text: st.filter.text.clone(),
            scope: Scope::Kind(tab.kind()),
            rank: Rank::Top(RANKED_ROWS),
        }));
    }

    /// Ask the worker for the palette's query as it stands (an empty one clears the results).
    fn ask_palette(&mut self) {
        let Some(Input::Palette(p)) = &self.input else {
            return;
        };
        let text = p.edit.text.clone();
        let id = if text.trim().is_empty() { 0 } else { self.next_id() };
        if let Some(Input::Palette(p)) = &mut self.input {
            p.pending = id;
            if id == 0 {
                p.results = None;
                p.applied = None;
                p.error = None;
                p.selected = 0;
                p.offset = 0;
            }
        }
        if id != 0 {
            self.effects.push(Effect::Search(Request {
                id,
                text,
                scope: Scope::All,
                rank: Rank::Top(RANKED_ROWS),
            }));
        }
    }

    /// Ask for the KB to be loaded from disk again (`r`, or the watcher saw a change).
    pub fn reload(&mut self) {
        if self.kb_path.is_none() {
            self.status =
                "the built-in KB does not change; open a KB file with --kb to follow its edits".into();
            return;
        }
        self.reload.asked += 1;
        // Only the newest load matters: one asked for earlier and not yet started is not started.
        self.effects.retain(|e| !matches!(e, Effect::Reload(_)));
        self.effects.push(Effect::Reload(self.reload.asked));
        self.reload.running.get_or_insert_with(std::time::Instant::now);
    }

    /// A load finished: on success the new KB replaces the old one, keeping tab, selections,
    /// filters and history where their records still exist; on failure the old KB stays and the
    /// banner says why.
    fn reloaded(&mut self, r: &Reload) -> bool {
        if r.generation != self.reload.asked {
            return false; // A newer load is on its way.
        }
        self.reload.running = None;
        match &r.outcome {
            Err(p) => {
                self.status = format!(
                    "⚠ the KB on disk has {}; still showing the last good one",
                    crate::text::count(p.errors, "error", "errors")
                );
                self.reload.problem = Some(p.clone());
            }
            Ok(fresh) => {
                let was_broken = self.reload.problem.take().is_some();
                let tabs = fresh
                    .tabs
                    .lock()
                    .map(|mut t| std::mem::take(&mut *t))
                    .unwrap_or_default();
                self.swap_index(fresh.index.clone(), tabs);
                let mut msg = format!(
                    "reloaded in {} ms: {}",
                    r.took.as_millis(),
                    fresh.changes.summary()
                );
                if was_broken {
                    msg.push_str(" · errors fixed");
                }
                if fresh.warnings > 0 {
                    msg.push_str(&format!(
                        " · {} (marketlens check)",
                        crate::text::count(fresh.warnings, "warning", "warnings")
                    ));
                }
                self.status = msg;
            }
        }
        true
    }

    /// Put a new index (and its KB) in place of the old one. Rows are rebuilt; what the user had
    /// chosen — tab, sort, filters, selected records, history — is carried over by record id.
    fn swap_index(&mut self, index: Arc<Index>, mut built: Vec<TabState>) {
        if built.len() != Tab::ALL.len() {
            built = tab_states(&index.kb, &self.sorts());
        }
        let old_kb = (
            std::mem::replace(&mut self.kb, index.kb.clone()),
            std::mem::replace(&mut self.index, index),
        );
        // Queued searches were asked of the old index; answers to running ones are dropped
        // because every awaited request is asked again below, under a new id, of the new index.
        self.effects.retain(|e| !matches!(e, Effect::Search(_)));
        self.effects.push(Effect::UseIndex(self.index.clone()));
        let old = std::mem::take(&mut self.tabs);
        let mut trash = Vec::with_capacity(old.len());
        for ((t, was), mut st) in Tab::ALL.into_iter().zip(old).zip(built) {
            if st.sort != was.sort {
                // The user sorted again while the load ran.
                st.sort = was.sort;
                st.view.arrange(None, st.sort);
            }
            let id = was.selected_id().map(str::to_string);
            let at = id.as_deref().and_then(|id| st.view.position(id));
            st.selected = at.unwrap_or(was.selected.min(st.view.len().saturating_sub(1)));
            st.offset = was.offset;
            st.link = if at.is_some() { was.link } else { 0 };
            st.filter.text = was.filter.text.clone();
            st.filter.saved = was.filter.saved.clone();
            trash.push(was);
            let active = st.filter.is_active();
            st.filter.keep = id.filter(|_| active);
            self.tabs.push(st);
            if active {
                self.ask_filter(t);
            }
        }
        if let Some(Input::Palette(p)) = &mut self.input {
            // Its results point into the old index.
            p.results = None;
            p.applied = None;
            p.selected = 0;
            p.offset = 0;
        }
        self.ask_palette();
        let kb = self.kb.clone();
        let exists = |l: &Location| l.id.as_deref().is_none_or(|id| kb.lookup(id).is_some());
        self.back.retain(exists);
        self.forward.retain(exists);
        let link_max = self.link_count().saturating_sub(1);
        let st = self.current_mut();
        st.link = st.link.min(link_max);
        self.scroll_into_view();
        // Freeing a big KB and its rows takes a while (~0.2 s at 100k records): let another
        // thread do it, not the one drawing frames.
        let _ = std::thread::Builder::new()
            .name("free".into())
            .spawn(move || drop((old_kb, trash)));
    }

    /// Drop a tab's filter: every row, the user's sort, and the selection from before the filter
    /// (`restore`) or the one now.
    fn show_all(&mut self, tab: Tab, restore: bool) {
        let st = &mut self.tabs[tab.index()];
        let keep = if restore {
            st.filter.saved.clone()
        } else {
            st.filter
                .saved
                .clone()
                .or_else(|| Some((st.selected_id().map(str::to_string), st.offset)))
        };
        st.filter.applied = None;
        st.filter.error = None;
        st.filter.pending = 0;
        st.filter.took = None;
        st.filter.matches = None;
        st.filter.why.clear();
        st.view.arrange(None, st.sort);
        let (id, offset) = keep.unwrap_or((None, 0));
        st.selected = id.and_then(|id| st.view.position(&id)).unwrap_or(0);
        st.offset = offset;
        st.link = 0;
        if self.tab == tab {
            self.scroll_into_view();
        }
    }

    fn search_done(&mut self, r: Response) -> bool {
        if let Some(Input::Palette(p)) = &mut self.input
            && r.scope == Scope::All
            && r.id == p.pending
        {
            p.pending = 0;
            match r.outcome {
                Ok((q, res)) => {
                    p.results = Some(res);
                    p.applied = Some(q);
                    p.error = None;
                    p.selected = 0;
                    p.offset = 0;
                }
                // No results for a query that does not parse, whatever came before it (as in the
                // `/` filter): what shows depends on the text alone.
                Err(e) => {
                    p.results = None;
                    p.applied = None;
                    p.selected = 0;
                    p.offset = 0;
                    p.error = Some(e);
                }
            }
            return true;
        }
        let Some(tab) = Tab::ALL.into_iter().find(|t| {
            r.scope == Scope::Kind(t.kind()) && self.tabs[t.index()].filter.pending == r.id && r.id != 0
        }) else {
            return false; // Stale: a newer request is awaited, or the filter was cleared.
        };
        let ix = self.index.clone();
        let st = &mut self.tabs[tab.index()];
        st.filter.pending = 0;
        match r.outcome {
            Ok((q, res)) => {
                let rows: Vec<usize> = res
                    .hits
                    .iter()
                    .map(|h| ix.docs[h.doc as usize].index as usize)
                    .collect();
                st.filter.why = rows.iter().copied().zip(res.hits.iter().copied()).collect();
                st.view.arrange(Some((&rows, q.ranks())), st.sort);
                st.filter.matches = Some((rows, q.ranks()));
                st.filter.applied = Some(q);
                st.filter.error = None;
                st.filter.took = Some(r.took);
                // Best match first while typing; after a reload, the record that was selected.
                match st.filter.keep.take().and_then(|id| st.view.position(&id)) {
                    Some(i) => st.selected = i,
                    None => {
                        st.selected = 0;
                        st.offset = 0;
                        st.link = 0;
                    }
                }
            }
            // A query that does not parse filters nothing, whatever was typed before it: the
            // rows must depend on the text alone, so a pasted query and one typed slowly (whose
            // last good prefix may have matched nothing) show the same.
            Err(e) => {
                st.view.arrange(None, st.sort);
                st.filter.matches = None;
                st.filter.why.clear();
                st.filter.applied = None;
                st.filter.took = None;
                st.filter.keep = None;
                st.filter.error = Some(e);
                st.selected = 0;
                st.offset = 0;
                st.link = 0;
            }
        }
        if self.tab == tab {
            self.scroll_into_view();
        }
        true
    }

    fn accept(&mut self) {
        if matches!(self.input, Some(Input::Export(_))) {
            self.export(false);
            return;
        }
        match self.input.take() {
            // Enter on an empty filter is the same as clearing it.
            Some(Input::Filter(_)) if !self.current().filter.is_active() => {
                self.show_all(self.tab, true);
                self.current_mut().filter.saved = None;
            }
            Some(Input::Palette(p)) => {
                let hit = p.results.as_ref().and_then(|r| r.hits.get(p.selected)).copied();
                match hit {
                    Some(h) => {
                        let doc = &self.index.docs[h.doc as usize];
                        let d = crate::search::describe(&self.index, &h);
                        let target = Target {
                            kind: doc.kind(),
                            id: self.record_id(doc.kind(), doc.index as usize),
                        };
                        self.jump(&target);
                        if self.status.is_empty() {
                            self.status = format!("{} {}", target.kind.label(), d.name);
                        }
                    }
                    None => self.status = "nothing to jump to".into(),
                }
            }
            Some(Input::Filter(_)) | Some(Input::Export(_)) | None => {}
        }
    }

    fn record_id(&self, kind: crate::kb::Kind, i: usize) -> String {
        self.kb.id_at(kind, i).unwrap_or_default().to_owned()
    }

    fn cancel_input(&mut self) {
        match self.input.take() {
            Some(Input::Filter(_)) => self.clear_filter(),
            Some(Input::Export(_)) => self.status = "export cancelled".into(),
            Some(Input::Palette(_)) | None => {}
        }
    }

    /// Open the export prompt with a default file name.
    fn start_export(&mut self, what: ExportWhat) {
        let name = match &what {
            ExportWhat::View => self.tab.title().to_lowercase(),
            ExportWhat::Record(t) => t.id.clone(),
        };
        let name = export::default_name(&name, &(self.clock)().file, Format::Md);
        self.input = Some(Input::Export(ExportPrompt {
            edit: LineEdit::new(&name),
            what,
            confirm: None,
        }));
    }

    /// What the current tab's view says about itself in an export.
    fn export_meta(&self, date: String) -> export::Meta {
        let st = self.current();
        export::Meta {
            kb: self.label.clone(),
            query: if st.filter.is_active() {
                st.filter.text.clone()
            } else {
                String::new()
            },
            sort: st.view.sort_label(),
            date,
        }
    }

    /// The text of an export, and what it holds ("12 rows", "deal aws-…").
    fn export_text(&self, what: &ExportWhat, format: Format) -> Option<(String, String)> {
        match what {
            ExportWhat::View => {
                let st = self.current();
                let meta = self.export_meta((self.clock)().date);
                let n = st.view.len();
                let rows = format!("{n} {}", if n == 1 { "row" } else { "rows" });
                Some((export::view(&self.kb, &st.view, &meta, format), rows))
            }
            ExportWhat::Record(t) => {
                let d = view::detail(&self.kb, t)?;
                let what = format!("{} {}", t.kind.label(), t.id);
                Some((export::record(&self.kb, &d, format), what))
            }
        }
    }

    /// Write the export the prompt names. An existing file is replaced only with `overwrite`
    /// (after the user said yes); otherwise the prompt asks. Errors go to the status line.
    fn export(&mut self, overwrite: bool) {
        let Some(Input::Export(p)) = &self.input else {
            return;
        };
        let name = p.edit.text.trim().to_string();
        let what = p.what.clone();
        if name.is_empty() {
            self.status = "type a file name".into();
            return;
        }
        let path = self.export_dir.join(&name);
        let Some(format) = Format::from_path(&path) else {
            self.status = "unknown format: name the file .txt, .md, .csv or .json".into();
            return;
        };
        let Some((text, holds)) = self.export_text(&what, format) else {
            self.input = None;
            self.status = "nothing selected to export".into();
            return;
        };
        let shown = crate::text::escape_controls(&path.display().to_string()).into_owned();
        match export::write_file(&path, text.as_bytes(), overwrite) {
            Ok(()) => {
                self.input = None;
                self.status = format!("exported {holds} to {shown}");
            }
            Err(export::WriteError::Exists(_)) => {
                if let Some(Input::Export(p)) = &mut self.input {
                    p.confirm = Some(path);
                }
                let yes = keymap::key(Context::Confirm, Action::Overwrite);
                self.status = format!("{shown} exists: {yes} overwrites it, any other key keeps it");
            }
            // Keep the prompt so the name can be fixed.
            Err(e) => self.status = format!("⚠ {}", crate::text::escape_controls(&e.to_string())),
        }
    }

    /// `y`: the current view as plain text, for the event loop to put on the clipboard.
    fn copy_view(&mut self) {
        if let Some((text, holds)) = self.export_text(&ExportWhat::View, Format::Txt) {
            self.effects.push(Effect::Clipboard(text));
            self.status = format!("copied {holds} as text (the terminal must allow OSC 52)");
        }
    }

    fn clear_filter(&mut self) {
        let tab = self.tab;
        let st = self.current_mut();
        if !st.filter.is_active() && st.filter.saved.is_none() {
            return;
        }
        st.filter.text.clear();
        self.show_all(tab, true);
        self.current_mut().filter.saved = None;
    }

    fn move_input_selection(&mut self, delta: isize) {
        let rows = self.palette_rows();
        match &mut self.input {
            Some(Input::Palette(p)) => {
                let n = p.results.as_ref().map_or(0, |r| r.hits.len());
                if n == 0 {
                    return;
                }
                p.selected = (p.selected as isize)
                    .saturating_add(delta)
                    .clamp(0, n as isize - 1) as usize;
                if p.selected < p.offset {
                    p.offset = p.selected;
                } else if p.selected >= p.offset + rows {
                    p.offset = p.selected + 1 - rows;
                }
            }
            Some(Input::Filter(_)) => {
                let focus = self.focus;
                self.focus = Focus::Table;
                self.move_by(delta);
                self.focus = focus;
            }
            Some(Input::Export(_)) | None => {}
        }
    }

    /// Result rows the palette shows at the current size.
    pub fn palette_rows(&self) -> usize {
        layout::palette_rows(self.size)
    }

    pub fn act(&mut self, action: Action) {
        let page = self.areas().map_or(10, |a| a.table_rows().max(1));
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
            Action::Filter => {
                self.focus = Focus::Table;
                let st = self.current_mut();
                if st.filter.saved.is_none() {
                    st.filter.saved = Some((st.selected_id().map(str::to_string), st.offset));
                }
                self.input = Some(Input::Filter(LineEdit::new(&self.current().filter.text)));
            }
            Action::Palette => self.input = Some(Input::Palette(Palette::default())),
            Action::ClearFilter => self.clear_filter(),
            Action::Export => self.start_export(ExportWhat::View),
            Action::ExportRecord => match self.selected_target() {
                Some(t) => self.start_export(ExportWhat::Record(t)),
                None => self.status = "no record selected".into(),
            },
            Action::Copy => self.copy_view(),
            Action::Reload => self.reload(),
            // Editing actions only arrive while typing (see `input_key`).
            Action::Accept
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
            | Action::Keep => {}
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

    fn move_by(&mut self, delta: isize) {
        match self.focus {
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
    fn scroll_into_view(&mut self) {
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

    fn resort(&mut self, sort: Option<Sort>) {
        let keep = self.current().selected_id().map(str::to_string);
        let st = self.current_mut();
        let matches = st
            .filter
            .matches
            .as_ref()
            .map(|(m, ranked)| (m.as_slice(), *ranked));
        st.view.arrange(matches, sort);
        st.sort = sort;
        st.selected = keep.and_then(|id| st.view.position(&id)).unwrap_or(0);
        if let Some(s) = sort {
            let name = st
                .view
                .columns
                .iter()
                .find(|c| c.key == s.key)
                .map_or(s.key, |c| c.name);
            self.status = format!("sorted by {name} {}", if s.descending { "↓" } else { "↑" });
        }
        self.scroll_into_view();
    }

    fn sort_next(&mut self) {
        let keys = view::sortable_keys(self.tab);
        let next = match self.current().view.sort {
            None => keys.first().copied(),
            Some(s) => keys
                .iter()
                .position(|k| *k == s.key)
                .map(|i| keys[(i + 1) % keys.len()]),
        };
        if let Some(key) = next {
            self.resort(Some(Sort {
                key,
                descending: false,
            }));
        }
    }

    fn sort_reverse(&mut self) {
        let s = self.current().view.sort.unwrap_or(Sort {
            key: view::sortable_keys(self.tab)[0],
            descending: false,
        });
        self.resort(Some(Sort {
            key: s.key,
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
            push_distinct(&mut self.back, here);
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
        let here = Location {
            tab: self.tab,
            id: self.tabs[self.tab.index()].selected_id().map(str::to_string),
        };
        push_distinct(to, here);
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
                    let total = |t: Tab| self.tabs[t.index()].view.total;
                    if let Some(tab) = layout::tab_at(self.size.width, self.tab, total, m.column) {
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
        assert_eq!(a.current().selected, a.current().view.len() - 1);
        key(&mut a, KeyCode::Char('j'));
        assert_eq!(a.current().selected, a.current().view.len() - 1);
        key(&mut a, KeyCode::Char('g'));
        assert_eq!(a.current().selected, 0);
    }

    fn ctrl(app: &mut App, c: char) {
        app.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)));
    }

    fn type_str(app: &mut App, text: &str) {
        for c in text.chars() {
            key(app, KeyCode::Char(c));
        }
    }

    /// Ctrl-k alyys Enter, 1, Ctrl-k crs Enter, then Backspace twice: each Backspace goes somewhere.
    #[test]
    fn two_jumps_from_one_place_leave_one_history_entry() {
        let mut a = app();
        for (tab, query) in [(None, "alyys"), (Some('1'), "crs")] {
            if let Some(t) = tab {
                key(&mut a, KeyCode::Char(t));
            }
            ctrl(&mut a, 'k');
            type_str(&mut a, query);
            a.settle();
            key(&mut a, KeyCode::Enter);
        }
        assert_eq!(
            a.location().id.as_deref(),
            Some("chu-ruisong"),
            "{:?}",
            a.location()
        );
        let consecutive = a.back.windows(2).filter(|w| w[0] == w[1]).count();
        assert_eq!(consecutive, 0, "no duplicate consecutive entries: {:?}", a.back);
        let mut seen = vec![a.location()];
        while !a.back.is_empty() {
            key(&mut a, KeyCode::Backspace);
            assert_ne!(Some(&a.location()), seen.last(), "Backspace moved: {seen:?}");
            seen.push(a.location());
        }
    }

    /// The `/` filter gives the same rows whether the query is pasted (one search at the end) or
    /// typed slowly (a search after every character, each narrowing from the one before).
    #[test]
    fn typed_and_pasted_filters_agree() {
        for query in [
            r#"amount>=10亿 vendor:"aws"#,
            "amount>=10亿 vendor:",
            "vendor:aws amount>=10亿",
            "year:2025 aws",
            "kind:migration !tencent",
        ] {
            let mut pasted = app();
            key(&mut pasted, KeyCode::Char('3'));
            key(&mut pasted, KeyCode::Char('/'));
            type_str(&mut pasted, query);
            // The worker skips to the newest request: a paste is one search.
            let newest = pasted.effects.pop().expect("a search");
            pasted.effects = vec![newest];
            pasted.settle();
            let mut typed = app();
            key(&mut typed, KeyCode::Char('3'));
            key(&mut typed, KeyCode::Char('/'));
            for c in query.chars() {
                key(&mut typed, KeyCode::Char(c));
                typed.settle();
            }
            let ids = |a: &App| {
                let v = &a.current().view;
                (0..v.len())
                    .map(|i| v.get(i).map(|r| r.id.clone()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(ids(&typed), ids(&pasted), "{query}: typed vs pasted");
            assert_eq!(
                typed.current().filter.error.as_ref().map(|e| e.to_string()),
                pasted.current().filter.error.as_ref().map(|e| e.to_string()),
                "{query}"
            );
        }
    }

    /// `3`, `/qqqxj`, Enter, Enter: with no row, Enter says there is nothing selected, not that
    /// "this record" has no relations.
    #[test]
    fn enter_with_no_row_says_nothing_is_selected() {
        let mut a = app();
        key(&mut a, KeyCode::Char('3'));
        key(&mut a, KeyCode::Char('/'));
        type_str(&mut a, "qqqxj");
        a.settle();
        key(&mut a, KeyCode::Enter);
        assert!(a.current().view.is_empty(), "nothing matches qqqxj");
        key(&mut a, KeyCode::Enter);
        assert!(
            a.status.contains("nothing selected")
                && a.status.contains("filter")
                && !a.status.contains("this record"),
            "{}",
            a.status
        );
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
