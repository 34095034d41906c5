//! Typing: the one-line editor, the `/` filter and the palette (their searches and answers),
//! and the export prompt's name.

use super::{App, Effect, Focus, Input};
use crate::search::worker::{Request, Response};
use crate::search::{Query, QueryError, Rank, Results, Scope};
use crate::tui::keymap::{self, Action, Context, Key};
use crate::tui::layout;
use crate::view::{RANKED_ROWS, Tab, Target};
use std::path::PathBuf;
use std::sync::Arc;

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
    /// The Trends chart of these series (`e` while it is shown): SVG for a `.svg` name; any other
    /// format's name exports the tab's view instead.
    Chart(Vec<String>),
    /// The current tab's marked rows (`space`), as `View` writes them: those the view shows, in
    /// its order (`Tab` in the prompt switches between the two).
    Marked,
}

/// The export prompt: the file name being edited, and whether an existing file awaits a yes.
#[derive(Clone, Debug)]
pub struct ExportPrompt {
    pub edit: LineEdit,
    pub what: ExportWhat,
    /// The file exists: `y` overwrites it, any other key goes back to editing the name.
    pub confirm: Option<PathBuf>,
}

impl App {
    /// A key while typing a query: editing keys edit, movement keys move the selection, any other
    /// printable key types.
    pub(super) fn input_key(&mut self, k: Key) -> bool {
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
        if let Input::SaveView(p) = input
            && ctx == Context::Confirm
        {
            match action {
                Some(Action::Overwrite) => self.save_view(true),
                Some(Action::Quit) => self.quit = true,
                _ => {
                    p.confirm = false;
                    let esc = keymap::key(Context::Export, Action::Cancel);
                    self.status = format!("not replaced; edit the name, or {esc}");
                }
            }
            return true;
        }
        if matches!(input, Input::Views(_)) {
            return self.picker_key(action, typed);
        }
        if let Some(a @ (Action::HistoryOlder | Action::HistoryNewer)) = action {
            return self.recall(a == Action::HistoryOlder);
        }
        if action == Some(Action::ExportMarked) {
            self.toggle_export_marked();
            return true;
        }
        let Some(input) = self.input.as_mut() else {
            return false;
        };
        let edit = match input {
            Input::Filter(e) => e,
            Input::Palette(p) => &mut p.edit,
            Input::Export(p) => &mut p.edit,
            Input::SaveView(p) => &mut p.edit,
            Input::Views(p) => &mut p.edit,
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
            // The text is the user's now, not a recalled query.
            self.workspace.recall.reset();
            self.query_changed();
        }
        true
    }

    pub(super) fn next_id(&mut self) -> u64 {
        self.next_request += 1;
        self.next_request
    }

    /// The text being typed changed: ask for a search (or, for an empty filter, show everything).
    pub(super) fn query_changed(&mut self) {
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
            Some(Input::Export(_) | Input::SaveView(_) | Input::Views(_)) | None => {}
        }
    }

    /// Ask the worker for `tab`'s filter as it stands.
    pub(super) fn ask_filter(&mut self, tab: Tab) {
        let id = self.next_id();
        let st = &mut self.tabs[tab.index()];
        st.filter.pending = id;
        self.effects.push(Effect::Search(Request {
            id,
            text: st.filter.text.clone(),
            scope: tab.scope(),
            rank: Rank::Top(RANKED_ROWS),
        }));
    }

    /// Ask the worker for the palette's query as it stands (an empty one clears the results).
    pub(super) fn ask_palette(&mut self) {
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

    /// Drop a tab's filter: every row, the user's sort, and the selection from before the filter
    /// (`restore`) or the one now.
    pub(super) fn show_all(&mut self, tab: Tab, restore: bool) {
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
        st.filter.notes.clear();
        let (id, offset) = keep.unwrap_or((None, 0));
        if tab.kind().is_none() {
            // An analysis view: every record's rows, built off the UI thread.
            self.ask_build(tab, None, id, offset);
            return;
        }
        let sort = st.sort.clone();
        st.arrange(None, sort);
        st.selected = id.and_then(|id| st.view.position(&id)).unwrap_or(0);
        st.offset = offset;
        st.link = 0;
        if self.tab == tab {
            self.scroll_into_view();
        }
    }

    pub(super) fn search_done(&mut self, r: Response) -> bool {
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
        let Some(tab) = Tab::ALL
            .into_iter()
            .find(|t| r.scope == t.scope() && self.tabs[t.index()].filter.pending == r.id && r.id != 0)
        else {
            return false; // Stale: a newer request is awaited, or the filter was cleared.
        };
        let ix = self.index.clone();
        let st = &mut self.tabs[tab.index()];
        st.filter.pending = 0;
        match r.outcome {
            Ok((q, res)) if tab.kind().is_none() => {
                // An analysis view: its rows are built from the records matched, off the UI
                // thread; the rows on screen stay until they come (see `built_done`).
                let records: Vec<(crate::kb::Kind, usize)> = res
                    .hits
                    .iter()
                    .map(|h| {
                        let d = &ix.docs[h.doc as usize];
                        (d.kind(), d.index as usize)
                    })
                    .collect();
                st.filter.notes = res.notes.clone();
                st.filter.why.clear();
                st.filter.matches = None;
                st.filter.applied = Some(q.clone());
                st.filter.error = None;
                st.filter.took = Some(r.took);
                // After a reload, the record that was selected; else the first row.
                let keep = st.filter.keep.take();
                self.ask_build(tab, Some((records, q)), keep, 0);
                return true;
            }
            Ok((q, res)) => {
                let rows: Vec<usize> = res
                    .hits
                    .iter()
                    .map(|h| ix.docs[h.doc as usize].index as usize)
                    .collect();
                st.filter.why = rows.iter().copied().zip(res.hits.iter().copied()).collect();
                let sort = st.sort.clone();
                st.arrange(Some((&rows, q.ranks())), sort);
                st.filter.matches = Some((rows, q.ranks()));
                st.filter.applied = Some(q);
                st.filter.error = None;
                st.filter.notes = res.notes.clone();
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
                let analysis = tab.kind().is_none();
                if !analysis {
                    let sort = st.sort.clone();
                    st.arrange(None, sort);
                }
                st.filter.matches = None;
                st.filter.why.clear();
                st.filter.notes.clear();
                st.filter.applied = None;
                st.filter.took = None;
                st.filter.keep = None;
                st.filter.error = Some(e);
                if analysis {
                    self.ask_build(tab, None, None, 0);
                    return true;
                }
                st.selected = 0;
                st.offset = 0;
                st.link = 0;
            }
        }
        // A grouped table counts the rows the query now shows.
        if let Some(by) = self.tabs[tab.index()].grouped.as_ref().map(|g| g.by.clone()) {
            self.ask_group(tab, by);
        }
        if self.tab == tab {
            self.scroll_into_view();
        }
        true
    }

    pub(super) fn accept(&mut self) {
        if matches!(self.input, Some(Input::Export(_))) {
            self.export(false);
            return;
        }
        if matches!(self.input, Some(Input::SaveView(_))) {
            self.save_view(false);
            return;
        }
        // A query run: the newest in the history (↑ recalls it, in this run and the next).
        match &self.input {
            Some(Input::Filter(e)) => {
                let q = e.text.clone();
                self.remember_query(&q);
            }
            Some(Input::Palette(p)) => {
                let q = p.edit.text.clone();
                self.remember_query(&q);
            }
            _ => {}
        }
        // A saved view chosen in the palette (they come before the search's matches).
        if let Some(Input::Palette(p)) = &self.input
            && let Some(&i) = self.palette_views(&p.edit.text).get(p.selected)
            && let Some(v) = self.workspace.views.get(i).cloned()
        {
            self.input = None;
            self.apply_view(&v);
            return;
        }
        match self.input.take() {
            // Enter on an empty filter is the same as clearing it.
            Some(Input::Filter(_)) if !self.current().filter.is_active() => {
                self.show_all(self.tab, true);
                self.current_mut().filter.saved = None;
            }
            Some(Input::Palette(p)) => {
                let views = self.palette_views(&p.edit.text).len();
                let hit = p
                    .results
                    .as_ref()
                    .and_then(|r| r.hits.get(p.selected.wrapping_sub(views)))
                    .copied();
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
            Some(Input::Filter(_) | Input::Export(_) | Input::SaveView(_) | Input::Views(_)) | None => {}
        }
    }

    /// The saved views the palette lists for what was typed (every one while nothing is), by
    /// their place in `workspace.views`: shown, and chosen, before the search's matches.
    pub fn palette_views(&self, typed: &str) -> Vec<usize> {
        self.picked_views(typed)
    }

    pub(super) fn record_id(&self, kind: crate::kb::Kind, i: usize) -> String {
        self.kb.id_at(kind, i).unwrap_or_default().to_owned()
    }

    pub(super) fn cancel_input(&mut self) {
        match self.input.take() {
            Some(Input::Filter(_)) => self.clear_filter(),
            Some(Input::Export(_)) => self.status = "export cancelled".into(),
            Some(Input::SaveView(_)) => self.status = "view not saved".into(),
            Some(Input::Palette(_) | Input::Views(_)) | None => {}
        }
    }

    pub(super) fn clear_filter(&mut self) {
        let tab = self.tab;
        let st = self.current_mut();
        if !st.filter.is_active() && st.filter.saved.is_none() {
            return;
        }
        st.filter.text.clear();
        self.show_all(tab, true);
        self.current_mut().filter.saved = None;
    }

    pub(super) fn move_input_selection(&mut self, delta: isize) {
        let rows = self.palette_rows();
        let views = match &self.input {
            Some(Input::Palette(p)) => self.palette_views(&p.edit.text).len(),
            _ => 0,
        };
        match &mut self.input {
            Some(Input::Palette(p)) => {
                let n = views + p.results.as_ref().map_or(0, |r| r.hits.len());
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
            Some(Input::Export(_) | Input::SaveView(_) | Input::Views(_)) | None => {}
        }
    }

    /// Result rows the palette shows at the current size.
    pub fn palette_rows(&self) -> usize {
        layout::palette_rows(self.size)
    }
}
