//! The analyst's workspace: saved views (`w` saves the current one by name, `v` picks one, the
//! palette lists them as `view: NAME`), the query history (↑/↓ while typing a `/` or palette
//! query, kept across runs) and `n`/`N`, stepping through a `/` query's matching rows.
//!
//! The views live in `views.toml` beside the KB (`view::saved`), re-read whenever the picker or
//! the palette opens and just before a save, so edits by hand (or by another explorer) are seen
//! and a save never drops a view it did not know of. A file with problems is never rewritten.

use crate::view::layout::ColumnLayout;
use std::path::{Path, PathBuf};

use super::{App, Focus, Input, LineEdit};
use crate::tui::keymap::{self, Action, Context};
use crate::tui::tabs::Grouped;
use crate::view::Tab;
use crate::view::history::{self, History, Recall};
use crate::view::saved::{self, SavedView};

/// Saved views and query history, with where they are kept.
#[derive(Clone, Debug)]
pub struct Workspace {
    /// Where `views.toml` is, or why views cannot be kept.
    pub views_path: Result<PathBuf, String>,
    /// The views as last read, in file order.
    pub views: Vec<SavedView>,
    /// What is wrong with the file, if anything: its first problem and how many there are.
    pub problem: Option<String>,
    pub history: History,
    /// The history file (`None`: kept in memory only, as in tests).
    pub history_path: Option<PathBuf>,
    /// Walking the history from the prompt now open.
    pub recall: Recall,
    /// The view applied last and its tab: `w` on that tab offers its name (saving a change over it).
    pub applied: Option<(Tab, String)>,
}

impl Default for Workspace {
    fn default() -> Workspace {
        Workspace {
            views_path: Err("views are kept beside a KB folder or file".into()),
            views: Vec::new(),
            problem: None,
            history: History::default(),
            history_path: None,
            recall: Recall::default(),
            applied: None,
        }
    }
}

/// `w`'s prompt: the view's name, and whether a view of that name awaits a yes.
#[derive(Clone, Debug)]
pub struct SavePrompt {
    pub edit: LineEdit,
    pub confirm: bool,
}

/// `v`'s picker: a filter over the views' names, and the selected one among those it keeps.
#[derive(Clone, Debug, Default)]
pub struct Picker {
    pub edit: LineEdit,
    pub selected: usize,
    pub offset: usize,
}

/// Whether a view's name matches what was typed: every word, in any case, somewhere in it.
pub fn name_matches(name: &str, typed: &str) -> bool {
    let name = name.to_lowercase();
    typed.to_lowercase().split_whitespace().all(|w| name.contains(w))
}

impl App {
    /// Keep views beside the KB at `kb` (`None`: the built-in KB's, in the state folder) and the
    /// query history in the state folder; read both.
    pub fn use_workspace(&mut self, kb: Option<&Path>) {
        self.workspace.views_path = saved::path_for(kb);
        self.read_views();
        if let Some(dir) = saved::state_dir() {
            self.use_history_file(dir.join(history::FILE_NAME));
        }
        if let Some(p) = &self.workspace.problem {
            self.status = p.clone();
        }
    }

    /// Keep the views in this file (tests; `use_workspace` finds it beside the KB).
    pub fn use_views_file(&mut self, path: PathBuf) {
        self.workspace.views_path = Ok(path);
        self.read_views();
    }

    /// Keep the query history in this file, and read it.
    pub fn use_history_file(&mut self, path: PathBuf) {
        self.workspace.history = History::load(&path);
        self.workspace.history_path = Some(path);
    }

    /// Read `views.toml` again: the good views, and what is wrong with the rest.
    pub(super) fn read_views(&mut self) -> Option<saved::Parsed> {
        let path = self.workspace.views_path.as_ref().ok()?.clone();
        let parsed = saved::load(&path);
        self.workspace.views = parsed.views.clone();
        self.workspace.problem = parsed.first_problem().map(|first| {
            let n = parsed.diags.len();
            if n == 1 {
                format!("⚠ saved views: {first}")
            } else {
                format!(
                    "⚠ saved views: {first} (and {} more; marketlens check lists them)",
                    n - 1
                )
            }
        });
        Some(parsed)
    }

    /// The current tab as a view named `name`: its tab, query, sort, group-by keys and pivot.
    pub fn capture_view(&self, name: &str) -> SavedView {
        let st = self.current();
        let group_by = st
            .grouped
            .as_ref()
            .map(|g| {
                g.by.iter()
                    .filter_map(|&i| st.view.columns.get(i).map(|c| c.key.to_string()))
                    .collect()
            })
            .unwrap_or_default();
        SavedView {
            name: name.trim().to_string(),
            tab: self.tab,
            query: if st.filter.is_active() {
                st.filter.text.trim().to_string()
            } else {
                String::new()
            },
            sort: st.sort.clone(),
            group_by,
            pivot: if self.tab == Tab::Compare {
                st.pivot
            } else {
                Default::default()
            },
            columns: self.column_ui().layout.to_table(),
        }
    }

    /// `w`: ask for a name (the view of the same tab applied last, if any, is offered).
    pub(super) fn start_save_view(&mut self) {
        if let Err(why) = &self.workspace.views_path {
            self.status = format!("cannot save views: {}", crate::text::escape_controls(why));
            return;
        }
        let offered = match &self.workspace.applied {
            Some((tab, name)) if *tab == self.tab => name.clone(),
            _ => String::new(),
        };
        self.input = Some(Input::SaveView(SavePrompt {
            edit: LineEdit::new(&offered),
            confirm: false,
        }));
    }

    /// Save the current view under the prompt's name. An existing view of that name is replaced
    /// only with `overwrite` (the user said yes); the others are kept as the file has them now.
    pub(super) fn save_view(&mut self, overwrite: bool) {
        let Some(Input::SaveView(p)) = &self.input else {
            return;
        };
        let name = p.edit.text.trim().to_string();
        if name.is_empty() {
            self.status = "type a name for the view".into();
            return;
        }
        let Ok(path) = self.workspace.views_path.clone() else {
            self.input = None;
            return;
        };
        let shown_name = crate::text::escape_controls(&name).into_owned();
        let shown_path = crate::text::escape_controls(&path.display().to_string()).into_owned();
        // As the file is now: another explorer, or an editor, may have changed it.
        let Some(parsed) = self.read_views() else { return };
        if !parsed.diags.is_empty() {
            let first = parsed.first_problem().unwrap_or_default();
            self.status = format!("⚠ not saved: fix {shown_path} first ({first})");
            return;
        }
        let mut views = parsed.views;
        if !overwrite && views.iter().any(|v| v.name == name) {
            if let Some(Input::SaveView(p)) = &mut self.input {
                p.confirm = true;
            }
            let yes = keymap::key(Context::Confirm, Action::Overwrite);
            self.status =
                format!("a view named {shown_name} exists: {yes} replaces it, any other key keeps it");
            return;
        }
        let view = self.capture_view(&name);
        let summary = view.summary();
        // Edited in place: the file's comments, layout and other views stay as written.
        let old = views.iter().find(|v| v.name == name);
        let text = match saved::save_into(parsed.file.as_ref().map(|f| f.text.as_str()), &view, old) {
            Ok(text) => text,
            Err(why) => {
                self.status = format!(
                    "⚠ not saved: cannot edit {shown_path} ({})",
                    crate::text::escape_controls(&why)
                );
                return;
            }
        };
        saved::upsert(&mut views, view);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            self.status = format!(
                "⚠ cannot save views in {shown_path}: {}",
                crate::fsutil::io_reason(&e)
            );
            return;
        }
        match crate::export::write_file(&path, text.as_bytes(), true) {
            Ok(()) => {
                self.input = None;
                self.workspace.views = views;
                self.status = format!("saved view {shown_name} ({summary}) to {shown_path}");
            }
            Err(e) => self.status = format!("⚠ {}", crate::text::escape_controls(&e.to_string())),
        }
    }

    /// `v`: the picker over the views as the file has them now.
    pub(super) fn open_views(&mut self) {
        self.read_views();
        if let Some(p) = &self.workspace.problem {
            self.status = p.clone();
        }
        self.input = Some(Input::Views(Picker::default()));
    }

    /// The views the picker shows for what was typed, by their place in `workspace.views`.
    pub fn picked_views(&self, typed: &str) -> Vec<usize> {
        self.workspace
            .views
            .iter()
            .enumerate()
            .filter(|(_, v)| name_matches(&v.name, typed))
            .map(|(i, _)| i)
            .collect()
    }

    /// A key in the picker: move, filter, apply, close.
    pub(super) fn picker_key(&mut self, action: Option<Action>, typed: Option<char>) -> bool {
        let rows = self.palette_rows();
        let Some(Input::Views(p)) = &self.input else {
            return false;
        };
        let shown = self.picked_views(&p.edit.text);
        let chosen = shown.get(p.selected).copied();
        let n = shown.len();
        match (action, typed) {
            (Some(Action::Accept), _) => {
                self.input = None;
                match chosen.and_then(|i| self.workspace.views.get(i).cloned()) {
                    Some(v) => self.apply_view(&v),
                    None => self.status = "no view to apply".into(),
                }
                return true;
            }
            (Some(Action::Cancel), _) => {
                self.input = None;
                return true;
            }
            (Some(Action::Quit), _) => {
                self.quit = true;
                return true;
            }
            _ => {}
        }
        let Some(Input::Views(p)) = &mut self.input else {
            return false;
        };
        match (action, typed) {
            (Some(a @ (Action::Down | Action::Up)), _) => {
                if n > 0 {
                    let d: isize = if a == Action::Down { 1 } else { -1 };
                    p.selected = (p.selected as isize + d).clamp(0, n as isize - 1) as usize;
                    if p.selected < p.offset {
                        p.offset = p.selected;
                    } else if p.selected >= p.offset + rows {
                        p.offset = p.selected + 1 - rows;
                    }
                }
            }
            (Some(a), _) => {
                if p.edit.edit(a) {
                    p.selected = 0;
                    p.offset = 0;
                }
            }
            (None, Some(c)) => {
                p.edit.insert(c);
                p.selected = 0;
                p.offset = 0;
            }
            (None, None) => return false,
        }
        true
    }

    /// Show a saved view: its tab, with its query, sort, pivot and group-by keys. The rows come
    /// as the tab's own would (a search, a build, a grouping), so they are exactly what the same
    /// keys typed by hand give.
    pub fn apply_view(&mut self, v: &SavedView) {
        let tab = v.tab;
        self.chooser = None;
        self.input = None;
        self.switch_tab(tab);
        self.focus = Focus::Table;
        let st = &mut self.tabs[tab.index()];
        if st.filter.saved.is_none() {
            st.filter.saved = Some((st.selected_id().map(str::to_string), st.offset));
        }
        st.filter.pick = None;
        st.sort = v.sort.clone();
        if tab == Tab::Compare {
            st.pivot = v.pivot;
        }
        // Group-by keys among the view's columns (a pivot's value columns follow its fixed ones).
        let mut by = Vec::new();
        let mut missing = Vec::new();
        for key in &v.group_by {
            match crate::view::group::resolve(tab, &st.view.columns, key) {
                Ok(i) if !by.contains(&i) => by.push(i),
                Ok(_) => {}
                Err(_) => missing.push(key.clone()),
            }
        }
        st.grouped = (!by.is_empty()).then(|| Grouped {
            by: by.clone(),
            pending: 0,
            table: None,
            selected: 0,
            offset: 0,
        });
        st.filter.text = v.query.clone();
        let query = st.filter.is_active();
        if query {
            self.ask_filter(tab);
        } else {
            self.show_all(tab, false);
            if tab.kind().is_some() && !by.is_empty() {
                self.ask_group(tab, by);
            }
        }
        // The view's column layout (none saved: the declared columns). One that does not read
        // (written by hand) leaves the columns as declared, and says so.
        let (layout, bad_columns) = match v.columns.as_ref().map(ColumnLayout::from_table) {
            None => (ColumnLayout::default(), None),
            Some(Ok(l)) => (l, None),
            Some(Err(why)) => (ColumnLayout::default(), Some(why)),
        };
        let ui = &mut self.columns[tab.index()];
        ui.layout = layout;
        ui.cursor = None;
        self.workspace.applied = Some((tab, v.name.clone()));
        self.status = format!("view {}: {}", crate::text::escape_controls(&v.name), v.summary());
        if !missing.is_empty() {
            self.status.push_str(&format!(
                " · ⚠ no column {} to group by",
                crate::text::escape_controls(&missing.join(", "))
            ));
        }
        if let Some(why) = bad_columns {
            self.status.push_str(&format!(
                " · ⚠ its columns: {}",
                crate::text::escape_controls(&why)
            ));
        }
    }

    /// A query was run (Enter in `/` or the palette): the newest in the history, kept in the
    /// history file as it is now plus this one (another explorer may have added to it). A file
    /// that cannot be written leaves the history in memory, and the explorer as it was.
    pub(super) fn remember_query(&mut self, q: &str) {
        self.workspace.recall.reset();
        let w = &mut self.workspace;
        match &w.history_path {
            Some(path) => {
                let mut h = History::load(path);
                if h.add(q) {
                    if let Some(dir) = path.parent() {
                        let _ = std::fs::create_dir_all(dir);
                    }
                    let _ = crate::export::write_file(path, h.to_text().as_bytes(), true);
                }
                // What this session ran stays, whatever the file had.
                for old in w.history.queries().iter().rev() {
                    if !h.queries().contains(old) {
                        h.add(old);
                    }
                }
                h.add(q);
                w.history = h;
            }
            None => {
                w.history.add(q);
            }
        }
    }

    /// ↑ / ↓ in the `/` or the palette prompt: an earlier / later query in its place, searched
    /// for as if typed.
    pub(super) fn recall(&mut self, older: bool) -> bool {
        let current = match &self.input {
            Some(Input::Filter(e)) => e.text.clone(),
            Some(Input::Palette(p)) => p.edit.text.clone(),
            _ => return false,
        };
        let w = &mut self.workspace;
        let got = if older {
            w.recall.older(&w.history, &current)
        } else {
            w.recall.newer(&w.history)
        };
        let Some(q) = got else {
            if older && w.history.is_empty() {
                self.status = "no earlier queries yet".into();
            }
            return false;
        };
        match &mut self.input {
            Some(Input::Filter(e)) => *e = LineEdit::new(&q),
            Some(Input::Palette(p)) => p.edit = LineEdit::new(&q),
            _ => {}
        }
        self.query_changed();
        true
    }

    /// `n` / `N`: the next / previous row the tab's `/` query matches, wrapping; the status line
    /// says which of how many. With `/` filtering the table, every row shown matches, so this
    /// walks the matches in the table's order (the sort's, or best first), one key each.
    pub(super) fn step_match(&mut self, forward: bool) {
        let st = self.current();
        if !st.filter.is_active() {
            let slash = keymap::key(Context::Any, Action::Filter);
            let n = keymap::key(Context::Table, Action::NextMatch);
            let big_n = keymap::key(Context::Table, Action::PrevMatch);
            self.status =
                format!("no query: {slash} filters this tab, then {n}/{big_n} step through its matches");
            return;
        }
        let n = st.view.len();
        if n == 0 {
            self.status = "no row matches the query".into();
            return;
        }
        let next = if forward {
            (st.selected + 1) % n
        } else {
            (st.selected + n - 1) % n
        };
        let wrapped = (forward && next <= st.selected) || (!forward && next >= st.selected);
        let query = crate::text::escape_controls(st.filter.text.trim()).into_owned();
        let st = self.current_mut();
        st.selected = next;
        st.link = 0;
        self.scroll_into_view();
        self.status = format!(
            "match {} of {n} · {query}{}",
            next + 1,
            if wrapped && n > 1 { " · wrapped" } else { "" }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::app::Msg;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn app() -> (tempfile::TempDir, App) {
        let dir = tempfile::tempdir().unwrap();
        let mut a = App::new(crate::kb::load_builtin().kb, "built-in".into(), 120, 40);
        a.use_views_file(dir.path().join("views.toml"));
        a.use_history_file(dir.path().join("state").join("history"));
        (dir, a)
    }

    fn key(a: &mut App, code: KeyCode) {
        a.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        a.settle();
    }

    fn typ(a: &mut App, s: &str) {
        for c in s.chars() {
            key(a, KeyCode::Char(c));
        }
    }

    /// Deals filtered by `aws`, sorted by amount descending, grouped by vendor.
    fn set_up_deals(a: &mut App) {
        key(a, KeyCode::Char('3'));
        key(a, KeyCode::Char('/'));
        typ(a, "aws");
        key(a, KeyCode::Enter);
        let st = &mut a.tabs[Tab::Deals.index()];
        st.sort = crate::view::Sort::by(Tab::Deals, "amount", true);
        a.resort(a.current().sort.clone());
        let vendor = a.current().view.column("vendor").unwrap();
        a.ask_group(Tab::Deals, vec![vendor]);
        a.settle();
    }

    fn save_as(a: &mut App, name: &str) {
        key(a, KeyCode::Char('w'));
        typ(a, name);
        key(a, KeyCode::Enter);
    }

    #[test]
    fn w_saves_what_the_tab_shows_and_v_brings_it_back() {
        let (dir, mut a) = app();
        set_up_deals(&mut a);
        let rows: Vec<String> = a.current().view.shown().map(|r| r.id.clone()).collect();
        save_as(&mut a, "aws 大单");
        assert!(a.input.is_none(), "{}", a.status);
        assert!(a.status.starts_with("saved view aws 大单"), "{}", a.status);
        let text = std::fs::read_to_string(dir.path().join("views.toml")).unwrap();
        let parsed = saved::parse("v", &text);
        assert_eq!(parsed.views.len(), 1, "{text}");
        let v = &parsed.views[0];
        assert_eq!((v.tab, v.query.as_str()), (Tab::Deals, "aws"));
        assert_eq!(v.sort, crate::view::Sort::by(Tab::Deals, "amount", true));
        assert_eq!(v.group_by, vec!["vendor"]);

        // Elsewhere, with another query: `v`, Enter puts it all back.
        key(&mut a, KeyCode::Esc); // leave the grouped table
        key(&mut a, KeyCode::Esc); // clear the filter
        key(&mut a, KeyCode::Char('1'));
        key(&mut a, KeyCode::Char('v'));
        assert!(matches!(a.input, Some(Input::Views(_))));
        key(&mut a, KeyCode::Enter);
        assert_eq!(a.tab, Tab::Deals);
        let st = a.current();
        assert_eq!(st.filter.text, "aws");
        assert_eq!(st.sort, crate::view::Sort::by(Tab::Deals, "amount", true));
        assert_eq!(st.view.shown().map(|r| r.id.clone()).collect::<Vec<_>>(), rows);
        let g = st.grouped.as_ref().expect("grouped again");
        assert_eq!(g.by, vec![st.view.column("vendor").unwrap()]);
        assert!(g.table.is_some(), "the grouping was built");
        assert!(
            a.status
                .starts_with("view aws 大单: deals · aws · amount ↓ · by vendor"),
            "{}",
            a.status
        );
        // `w` now offers the name of the view applied on this tab (not on another).
        key(&mut a, KeyCode::Char('w'));
        assert!(matches!(&a.input, Some(Input::SaveView(p)) if p.edit.text == "aws 大单"));
        key(&mut a, KeyCode::Esc);
        key(&mut a, KeyCode::Char('1'));
        key(&mut a, KeyCode::Char('w'));
        assert!(matches!(&a.input, Some(Input::SaveView(p)) if p.edit.text.is_empty()));
    }

    /// Hidden, moved and widened columns are part of a saved view: written as its `columns`
    /// table, put back by `v`; a view saved with the declared columns puts them back too.
    #[test]
    fn a_view_keeps_its_column_layout() {
        let (dir, mut a) = app();
        key(&mut a, KeyCode::Char('3'));
        // The cursor to Counterparty (third column): hide it; then Vendor moved right, widened.
        typ(&mut a, "]]x");
        typ(&mut a, "[");
        typ(&mut a, "}>>");
        let layout = a.column_ui().layout.clone();
        assert!(layout.hidden.contains("counterparty"), "{layout:?}");
        assert!(
            !layout.order.is_empty() && !layout.widths.is_empty(),
            "{layout:?}"
        );
        save_as(&mut a, "laid out");
        let text = std::fs::read_to_string(dir.path().join("views.toml")).unwrap();
        assert!(text.contains("columns = "), "{text}");
        let parsed = saved::parse("v", &text);
        assert!(parsed.diags.is_empty(), "{}", parsed.render());
        let cols = parsed.views[0].columns.as_ref().expect("columns saved");
        assert_eq!(ColumnLayout::from_table(cols).as_ref(), Ok(&layout));
        // `X` shows every column again; `v` puts the saved layout back.
        key(&mut a, KeyCode::Char('X'));
        a.columns[Tab::Deals.index()].layout = ColumnLayout::default();
        key(&mut a, KeyCode::Char('v'));
        key(&mut a, KeyCode::Enter);
        assert_eq!(a.column_ui().layout, layout);
        let shown: Vec<String> = a
            .laid_out(&a.current().view)
            .columns
            .iter()
            .map(|c| c.key.to_string())
            .collect();
        assert!(!shown.contains(&"counterparty".to_string()), "{shown:?}");
        // Saved with the declared columns, a view writes no `columns` and restores them.
        a.columns[Tab::Deals.index()].layout = ColumnLayout::default();
        save_as(&mut a, "plain");
        let text = std::fs::read_to_string(dir.path().join("views.toml")).unwrap();
        assert_eq!(text.matches("columns = ").count(), 1, "{text}");
        typ(&mut a, "]x");
        key(&mut a, KeyCode::Char('v'));
        typ(&mut a, "plain");
        key(&mut a, KeyCode::Enter);
        assert!(a.column_ui().layout.is_default(), "{:?}", a.column_ui().layout);
    }

    /// A `columns` table written by hand that does not read is a diagnostic at its place.
    #[test]
    fn a_bad_columns_table_is_reported_where_it_is() {
        let p = saved::parse(
            "views.toml",
            "[[view]]\nname = \"x\"\ntab = \"deals\"\ncolumns = { hiden = [\"kind\"] }\n",
        );
        assert!(p.views.is_empty());
        let text = p.render();
        assert!(text.contains("views.toml:4:11: error: bad `columns`"), "{text}");
        assert!(text.contains("hiden"), "{text}");
    }

    #[test]
    fn an_existing_name_asks_first_and_other_views_are_kept() {
        let (dir, mut a) = app();
        let path = dir.path().join("views.toml");
        // Another view, written by hand after the explorer started.
        std::fs::write(&path, "[[view]]\nname = \"mine\"\ntab = \"sources\"\n").unwrap();
        key(&mut a, KeyCode::Char('3'));
        save_as(&mut a, "deals");
        save_as(&mut a, "x"); // a second view
        key(&mut a, KeyCode::Char('2'));
        save_as(&mut a, "deals");
        assert!(
            a.status.contains("a view named deals exists: y replaces it"),
            "{}",
            a.status
        );
        key(&mut a, KeyCode::Char('n'));
        assert!(a.status.starts_with("not replaced"), "{}", a.status);
        key(&mut a, KeyCode::Enter); // asks again
        key(&mut a, KeyCode::Char('y'));
        assert!(a.input.is_none(), "{}", a.status);
        let parsed = saved::load(&path);
        assert_eq!(saved::names(&parsed.views), vec!["mine", "deals", "x"]);
        assert_eq!(parsed.views[1].tab, Tab::Executives, "replaced in place");
        // Saved over, a view takes the columns as they are now (here: as declared, so none).
        let text = std::fs::read_to_string(&path).unwrap().replace(
            "name = \"x\"\ntab = \"deals\"\n",
            "name = \"x\"\ntab = \"deals\"\ncolumns = { hidden = [\"title\"] }\n",
        );
        std::fs::write(&path, text).unwrap();
        save_as(&mut a, "x");
        key(&mut a, KeyCode::Char('y'));
        let parsed = saved::load(&path);
        assert_eq!(parsed.views[2].tab, Tab::Executives);
        assert_eq!(parsed.views[2].columns, None, "the layout of now, not of then");
    }

    /// `w` edits the file in place: a hand-commented views.toml keeps its comments, and the
    /// view saved over keeps the comment on its header.
    #[test]
    fn w_keeps_the_files_comments_and_the_other_views() {
        let (dir, mut a) = app();
        let path = dir.path().join("views.toml");
        let mine = "# Team views (reviewed in PRs)\n\n# for the Monday report\n[[view]]\nname = \"mine\"  # keep\ntab = \"sources\"\n";
        std::fs::write(&path, mine).unwrap();
        key(&mut a, KeyCode::Char('3'));
        save_as(&mut a, "deals");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(mine), "{text}");
        assert!(
            text[mine.len()..].starts_with("\n[[view]]\nname = \"deals\"\ntab = \"deals\"\n"),
            "{text}"
        );
        // Saved over from another tab: only its `tab` line changes.
        key(&mut a, KeyCode::Char('2'));
        save_as(&mut a, "mine");
        key(&mut a, KeyCode::Char('y'));
        assert!(a.status.starts_with("saved view mine"), "{}", a.status);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            text.replace("tab = \"sources\"", "tab = \"executives\"")
        );
    }

    #[test]
    fn a_broken_file_is_reported_and_never_rewritten() {
        let (dir, mut a) = app();
        let path = dir.path().join("views.toml");
        let broken =
            "[[view]]\nname = \"a\"\ntab = \"dealz\"\n\n[[view]]\nname = \"good\"\ntab = \"deals\"\n";
        std::fs::write(&path, broken).unwrap();
        key(&mut a, KeyCode::Char('v'));
        assert!(
            a.status.contains("views.toml:3:7: error: unknown tab `dealz`"),
            "{}",
            a.status
        );
        assert_eq!(
            saved::names(&a.workspace.views),
            vec!["good"],
            "the good view loads"
        );
        key(&mut a, KeyCode::Esc);
        save_as(&mut a, "new");
        assert!(a.status.starts_with("⚠ not saved: fix"), "{}", a.status);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
    }

    #[test]
    fn the_picker_filters_by_name_and_the_palette_lists_views() {
        let (dir, mut a) = app();
        std::fs::write(
            dir.path().join("views.toml"),
            "[[view]]\nname = \"Big deals\"\ntab = \"deals\"\nquery = \"aws\"\n\n[[view]]\nname = \"报告对比\"\ntab = \"compare\"\npivot = \"reports\"\n",
        )
        .unwrap();
        key(&mut a, KeyCode::Char('v'));
        typ(&mut a, "报告");
        assert_eq!(a.picked_views("报告"), vec![1]);
        key(&mut a, KeyCode::Enter);
        assert_eq!(a.tab, Tab::Compare);
        assert_eq!(a.current().pivot, crate::view::analysis::Pivot::Reports);
        // Ctrl-k: views first, as their own entries; Enter on one applies it.
        a.update(Msg::Key(KeyEvent::new(KeyCode::Char('k'), KeyModifiers::CONTROL)));
        typ(&mut a, "big");
        a.settle();
        assert_eq!(a.palette_views("big"), vec![0]);
        key(&mut a, KeyCode::Enter);
        assert_eq!(a.tab, Tab::Deals);
        assert_eq!(a.current().filter.text, "aws");
    }

    #[test]
    fn up_and_down_recall_queries_and_ctrl_n_still_moves() {
        let (dir, mut a) = app();
        for q in ["阿里", "aws"] {
            key(&mut a, KeyCode::Char('/'));
            a.update(Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
            typ(&mut a, q);
            key(&mut a, KeyCode::Enter);
        }
        assert_eq!(
            std::fs::read_to_string(dir.path().join("state").join("history")).unwrap(),
            "阿里\naws\n"
        );
        key(&mut a, KeyCode::Esc); // clear the filter
        key(&mut a, KeyCode::Char('/'));
        typ(&mut a, "x");
        key(&mut a, KeyCode::Up);
        assert!(matches!(&a.input, Some(Input::Filter(e)) if e.text == "aws"));
        assert_eq!(a.current().filter.text, "aws", "searched as if typed");
        key(&mut a, KeyCode::Up);
        assert!(matches!(&a.input, Some(Input::Filter(e)) if e.text == "阿里"));
        key(&mut a, KeyCode::Down);
        key(&mut a, KeyCode::Down);
        assert!(
            matches!(&a.input, Some(Input::Filter(e)) if e.text == "x"),
            "back to the draft"
        );
        // Ctrl-n moves the selection, as ↓ did before.
        key(&mut a, KeyCode::Backspace);
        typ(&mut a, "aws");
        let before = a.current().selected;
        a.update(Msg::Key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL)));
        assert_eq!(a.current().selected, before + 1);
        // A new run reads the file.
        let mut b = App::new(crate::kb::load_builtin().kb, "built-in".into(), 120, 40);
        b.use_history_file(dir.path().join("state").join("history"));
        assert_eq!(b.workspace.history.queries(), ["aws", "阿里"]);
    }

    #[test]
    fn a_history_file_that_cannot_be_written_changes_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = App::new(crate::kb::load_builtin().kb, "built-in".into(), 120, 40);
        // Its folder is a file: no history file can be made there.
        std::fs::write(dir.path().join("state"), "").unwrap();
        a.use_history_file(dir.path().join("state").join("history"));
        key(&mut a, KeyCode::Char('/'));
        typ(&mut a, "aws");
        key(&mut a, KeyCode::Enter);
        assert!(a.input.is_none());
        assert_eq!(a.workspace.history.queries(), ["aws"], "kept in memory");
    }

    #[test]
    fn n_and_shift_n_step_through_the_matches_wrapping() {
        let (_dir, mut a) = app();
        key(&mut a, KeyCode::Char('n'));
        assert!(a.status.starts_with("no query: / filters"), "{}", a.status);
        key(&mut a, KeyCode::Char('3'));
        key(&mut a, KeyCode::Char('/'));
        typ(&mut a, "aws");
        key(&mut a, KeyCode::Enter);
        let n = a.current().view.len();
        assert!(n > 2);
        key(&mut a, KeyCode::Char('n'));
        assert_eq!(a.current().selected, 1);
        assert_eq!(a.status, format!("match 2 of {n} · aws"));
        key(&mut a, KeyCode::Char('N'));
        key(&mut a, KeyCode::Char('N'));
        assert_eq!(a.current().selected, n - 1);
        assert_eq!(a.status, format!("match {n} of {n} · aws · wrapped"));
        key(&mut a, KeyCode::Char('n'));
        assert_eq!(a.current().selected, 0);
    }
}
