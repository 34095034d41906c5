//! `o`: the selected record, or the series point or career move under the detail's cursor, opened
//! in the user's editor at its line. `update` only finds the place (`kb::locate`) and leaves
//! `Effect::Edit`; the event loop's runner gives the terminal to the editor and takes it back,
//! and its answer (`Msg::Edited`) asks for a reload at once, so the edit shows without waiting
//! for the watcher. A bad edit keeps the good KB, with the banner a failed reload shows.
//!
//! The status line then says what the edit did (`your edit: 1 series edited (aliyun-revenue)`),
//! whichever reload brings it: the one asked for here, or the watcher's, which may land before or
//! after it and would otherwise leave the other one finding nothing new. From `o` until the user's
//! next key or click ([`AfterEdit`]), every reload is compared with the KB from before the editor.

use super::{App, Effect, Focus};
use crate::kb::Kb;
use crate::kb::diff::Changes;
use crate::kb::locate::{self, Unplaced};
use crate::text::escape_controls;
use crate::view::Stop;
use std::sync::Arc;

/// How a run of the editor ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edited {
    /// It exited successfully; `changed`: the file's bytes differ from before it ran (or could
    /// not be read to tell).
    Done { changed: bool },
    /// It could not be started (no editor, a bad `$EDITOR`, a missing program): why.
    NotStarted(String),
    /// It ran and failed (a non-zero exit): how. The file may have been saved all the same.
    Failed(String),
}

/// An editor session, from `o` until the user's next key or click after the editor has exited:
/// what the status line says of each reload meanwhile.
#[derive(Clone, Debug)]
pub struct AfterEdit {
    /// The KB shown when `o` was pressed: reloads are compared with it, so each one, the one
    /// asked for when the editor exits and the watcher's before or after it, sees the edit.
    pub(super) base: Arc<Kb>,
    /// The file was byte-identical after the editor: nothing was saved.
    unchanged: bool,
    /// The editor exited with a failure: how.
    failed: Option<String>,
}

/// The most ids a message after an edit names; the rest are counted.
const SHOWN_IDS: usize = 3;

/// What the status line says after the editor, once a reload has compared the KB on disk with the
/// one from before (`changes`); `None` when it cannot be the edit's doing (the file was not
/// changed, yet records were: something else wrote the KB).
fn outcome(e: &AfterEdit, changes: &Changes) -> Option<String> {
    let did = if changes.is_empty() && e.unchanged {
        "no changes made in the editor".to_string()
    } else if e.unchanged {
        return None;
    } else if changes.is_empty() && e.failed.is_some() {
        // Whether the failed editor wrote the file at all is not known.
        "no record changed".to_string()
    } else if changes.is_empty() {
        "your edit: no record changed (only comments or layout)".to_string()
    } else {
        let ids = changes.ids();
        let mut named: Vec<String> = ids
            .iter()
            .take(SHOWN_IDS)
            .map(|id| escape_controls(id).into_owned())
            .collect();
        if ids.len() > SHOWN_IDS {
            named.push(format!("+{} more", ids.len() - SHOWN_IDS));
        }
        format!("your edit: {} ({})", changes.summary(), named.join(", "))
    };
    Some(match &e.failed {
        Some(how) => format!("the editor failed: {how} · {did}"),
        None => did,
    })
}

/// What `o` says on the built-in KB, which has no files to edit.
pub const BUILT_IN: &str = "the built-in KB is read-only: `marketlens init DIR` writes an editable copy, then `marketlens --kb DIR` opens it";

impl App {
    /// `o`: find where the selected record (or the entry under the detail's cursor) is written
    /// and ask for the editor there; or say why not.
    pub(super) fn edit_selected(&mut self) {
        let Some(t) = self.selected_target() else {
            self.status = "no record selected".into();
            return;
        };
        let entry = match self.focus {
            Focus::Detail => self.entry_under_cursor(),
            Focus::Table => None,
        };
        match locate::place(&self.kb, t.kind, &t.id, entry) {
            Ok(place) => {
                self.status = format!(
                    "editing {}:{}",
                    escape_controls(&place.path.display().to_string()),
                    place.line
                );
                self.push_once(Effect::Edit(place));
                self.after_edit = Some(AfterEdit {
                    base: self.kb.clone(),
                    unchanged: false,
                    failed: None,
                });
            }
            Err(Unplaced::NotOnDisk) => self.status = BUILT_IN.into(),
            Err(e) => {
                self.status = format!(
                    "cannot open {} {} in an editor: {e}",
                    t.kind.label(),
                    escape_controls(&t.id)
                )
            }
        }
    }

    /// The editor has exited: load the KB again now (the watcher would too, a little later), or
    /// say that nothing was saved, or why the editor did not run.
    pub(super) fn edited(&mut self, e: Edited) -> bool {
        // The KB from when `o` was pressed: a reload that landed since (the watcher's, asked for
        // when the editor saved) may already show the edit.
        let mut after = AfterEdit {
            base: self.after_edit.take().map_or_else(|| self.kb.clone(), |e| e.base),
            unchanged: false,
            failed: None,
        };
        match e {
            Edited::Done { changed: false } => {
                // Nothing to load; a watcher's reload (the editor wrote the same bytes) says so too.
                after.unchanged = true;
                self.status = "no changes made in the editor".into();
            }
            Edited::Done { changed: true } => self.reload(),
            Edited::NotStarted(why) => {
                self.after_edit = None;
                self.status = why;
                return true;
            }
            Edited::Failed(how) => {
                self.reload();
                // Said again with the edit's outcome when the load ends.
                self.status = format!("the editor failed: {how}");
                after.failed = Some(how);
            }
        }
        self.after_edit = Some(after);
        true
    }

    /// The status line's word on a reload that succeeded with `changes`, when an editor session
    /// has just ended (see [`AfterEdit`]).
    pub(super) fn edit_outcome(&self, changes: &Changes) -> Option<String> {
        outcome(self.after_edit.as_ref()?, changes)
    }

    /// The KB a reload is compared with: the one from before the editor ran, just after it.
    pub(super) fn reload_base(&self) -> Arc<Kb> {
        self.after_edit.as_ref().map_or(&self.kb, |e| &e.base).clone()
    }
}

impl App {
    /// The series point or career move under the detail pane's cursor, if it rests on one.
    fn entry_under_cursor(&self) -> Option<locate::Entry> {
        match self.detail()?.stops().get(self.current().link)? {
            Stop::Point(i) => Some(locate::Entry::Point(*i)),
            Stop::Move(i) => Some(locate::Entry::Move(*i)),
            Stop::Link(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::locate::Place;
    use crate::tui::app::Msg;
    use crate::view::Tab;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use std::path::{Path, PathBuf};

    fn key(a: &mut App, c: char) {
        a.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
    }

    fn kb_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/kb")
    }

    /// The shipped KB read from its folder (four files), as `--kb assets/kb` opens it.
    fn on_disk() -> App {
        let dir = kb_dir();
        let loaded = crate::kb::load_path(&dir);
        assert!(loaded.is_ok(), "{}", loaded.render_diagnostics());
        let mut a = App::new(loaded.kb, dir.display().to_string(), 120, 40);
        a.kb_path = Some(dir);
        a.settle();
        a
    }

    /// The line of the `[[table]]` header above the line `id = "id"` in `file`: found by reading
    /// the text as a person would, not through spans.
    fn header_line(file: &Path, table: &str, id: &str) -> usize {
        let text = std::fs::read_to_string(file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.trim() == format!("id = \"{id}\""))
            .expect("the id line");
        let header = format!("[[{table}]]");
        at + 1
            - lines[..at]
                .iter()
                .rev()
                .position(|l| l.trim() == header)
                .expect("a header")
            - 1
    }

    fn edits(a: &mut App) -> Vec<Place> {
        a.settle()
            .into_iter()
            .filter_map(|e| match e {
                Effect::Edit(p) => Some(p),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn o_asks_for_the_editor_at_the_selected_records_file_and_header_line() {
        let mut a = on_disk();
        for (tab, file, table) in [
            ('1', "entities.toml", "vendor"),
            ('3', "deals.toml", "deal"),
            ('4', "series.toml", "series"),
        ] {
            key(&mut a, tab);
            key(&mut a, 'j');
            key(&mut a, 'j');
            let id = a.selected_target().unwrap().id;
            key(&mut a, 'o');
            let path = kb_dir().join(file);
            let line = header_line(&path, table, &id);
            assert_eq!(
                edits(&mut a),
                [Place {
                    path: path.clone(),
                    line
                }],
                "{table} {id}"
            );
            assert_eq!(a.status, format!("editing {}:{line}", path.display()));
        }
        // From the detail pane too: the record's header.
        key(&mut a, '1');
        key(&mut a, 'l');
        assert_eq!(a.focus, Focus::Detail);
        let id = a.selected_target().unwrap().id;
        key(&mut a, 'o');
        let path = kb_dir().join("entities.toml");
        assert_eq!(
            edits(&mut a),
            [Place {
                line: header_line(&path, "vendor", &id),
                path
            }]
        );
    }

    /// The line of the `nth` `[[table.list]]` header after the record's own header.
    fn entry_line(file: &Path, table: &str, id: &str, list: &str, nth: usize) -> usize {
        let text = std::fs::read_to_string(file).unwrap();
        let from = header_line(file, table, id);
        let header = format!("[[{table}.{list}]]");
        let found = text
            .lines()
            .enumerate()
            .skip(from)
            .take_while(|(_, l)| l.trim() != format!("[[{table}]]"))
            .filter(|(_, l)| l.trim() == header)
            .nth(nth)
            .expect("the entry's header");
        found.0 + 1
    }

    /// Focus the detail and move its cursor to the first stop `pick` accepts; its value.
    fn to_stop(a: &mut App, pick: impl Fn(&Stop) -> Option<usize>) -> usize {
        key(a, 'l');
        assert_eq!(a.focus, Focus::Detail);
        let stops = a.detail().unwrap().stops();
        let (at, i) = stops
            .iter()
            .enumerate()
            .find_map(|(at, s)| Some((at, pick(s)?)))
            .expect("a stop of that sort");
        for _ in 0..at {
            key(a, 'j');
        }
        assert_eq!(a.current().link, at);
        i
    }

    #[test]
    fn o_on_a_point_or_a_career_move_opens_at_that_entrys_line() {
        let mut a = on_disk();
        // A series with several points: the cursor on each point in turn.
        key(&mut a, '4');
        let s =
            a.kb.series
                .iter()
                .find(|s| s.points.len() >= 2)
                .unwrap()
                .id
                .clone();
        let row = a.current().view.position(&s).unwrap();
        for _ in 0..row {
            key(&mut a, 'j');
        }
        let file = kb_dir().join("series.toml");
        let first = to_stop(&mut a, |s| match s {
            Stop::Point(i) => Some(*i),
            _ => None,
        });
        let stops = a.detail().unwrap().stops();
        let points: Vec<usize> = stops
            .iter()
            .filter_map(|s| match s {
                Stop::Point(i) => Some(*i),
                _ => None,
            })
            .collect();
        assert_eq!(points[0], first);
        let mut sorted = points.clone();
        sorted.sort();
        assert_eq!(sorted, (0..points.len()).collect::<Vec<_>>(), "each point once");
        for (k, i) in points.iter().enumerate() {
            if k > 0 {
                key(&mut a, 'j');
            }
            key(&mut a, 'o');
            let line = entry_line(&file, "series", &s, "points", *i);
            assert_eq!(
                edits(&mut a),
                [Place {
                    path: file.clone(),
                    line
                }],
                "point {i}"
            );
        }
        // Enter on a point has nothing to follow, and says what `o` does.
        a.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
        assert_eq!(a.status, "nothing to follow here: o opens it in your editor");

        // An executive with career moves, shown by date: the move's own line.
        key(&mut a, '2');
        let e =
            a.kb.executives
                .iter()
                .find(|e| e.career.len() >= 2)
                .unwrap()
                .id
                .clone();
        let row = a.current().view.position(&e).unwrap();
        key(&mut a, 'g');
        for _ in 0..row {
            key(&mut a, 'j');
        }
        let m = to_stop(&mut a, |s| match s {
            Stop::Move(i) => Some(*i),
            _ => None,
        });
        key(&mut a, 'o');
        let file = kb_dir().join("entities.toml");
        let line = entry_line(&file, "executive", &e, "career", m);
        assert_eq!(
            edits(&mut a),
            [Place {
                path: file.clone(),
                line
            }]
        );
        // On a relation, the record's header.
        key(&mut a, 'g');
        assert!(matches!(a.detail().unwrap().stops()[0], Stop::Link(_)));
        key(&mut a, 'o');
        let line = header_line(&file, "executive", &e);
        assert_eq!(edits(&mut a), [Place { path: file, line }]);
    }

    #[test]
    fn o_on_the_built_in_kb_explains_how_to_start_an_editable_copy() {
        let mut a = App::new(crate::kb::load_builtin().kb, "built-in".into(), 120, 40);
        a.settle();
        key(&mut a, 'o');
        assert_eq!(a.status, BUILT_IN);
        assert!(a.status.contains("marketlens init DIR") && a.status.contains("marketlens --kb DIR"));
        assert!(edits(&mut a).is_empty());
    }

    #[test]
    fn after_the_editor_the_kb_is_loaded_again_and_a_failure_is_said() {
        let mut a = on_disk();
        a.update(Msg::Edited(Edited::Done { changed: true }));
        assert!(matches!(a.effects(), [Effect::Reload(_)]), "{:?}", a.effects());
        a.settle();
        // The file is the shipped one, untouched: only its bytes were said to change.
        assert_eq!(a.status, "your edit: no record changed (only comments or layout)");
        a.update(Msg::Edited(Edited::NotStarted(
            "cannot start /nonexistent (from $EDITOR): nope".into(),
        )));
        assert!(a.effects().is_empty(), "{:?}", a.effects());
        assert_eq!(a.status, "cannot start /nonexistent (from $EDITOR): nope");
        a.update(Msg::Edited(Edited::Failed("vim exit status: 1".into())));
        assert!(matches!(a.effects(), [Effect::Reload(_)]), "{:?}", a.effects());
        assert_eq!(a.status, "the editor failed: vim exit status: 1");
        a.settle();
        assert_eq!(
            a.status,
            "the editor failed: vim exit status: 1 · no record changed"
        );
    }

    /// A copy of the shipped KB in a temporary folder, opened as `--kb DIR` opens it.
    fn editable() -> (tempfile::TempDir, App) {
        let dir = tempfile::tempdir().unwrap();
        for f in std::fs::read_dir(kb_dir()).unwrap() {
            let f = f.unwrap().path();
            std::fs::copy(&f, dir.path().join(f.file_name().unwrap())).unwrap();
        }
        let loaded = crate::kb::load_path(dir.path());
        assert!(loaded.is_ok(), "{}", loaded.render_diagnostics());
        let mut a = App::new(loaded.kb, "mykb".into(), 120, 40);
        a.kb_path = Some(dir.path().to_path_buf());
        a.settle();
        (dir, a)
    }

    /// `o` on the third vendor, then what an editor would save: its name changed. Its id.
    fn o_and_rename(a: &mut App, dir: &Path) -> String {
        key(a, 'j');
        key(a, 'j');
        let id = a.selected_target().unwrap().id;
        key(a, 'o');
        assert_eq!(edits(a).len(), 1);
        let file = dir.join("entities.toml");
        let text = std::fs::read_to_string(&file).unwrap();
        let at = text
            .find(&format!("id = \"{id}\"\nname = \""))
            .expect("the id and name lines");
        let name = at + format!("id = \"{id}\"\nname = \"").len();
        std::fs::write(&file, format!("{}已改名的云{}", &text[..name], &text[name..])).unwrap();
        id
    }

    fn watcher_reload(a: &mut App) {
        a.update(Msg::KbChanged);
        a.settle();
    }

    #[test]
    fn the_status_says_what_the_edit_did_whichever_reload_lands_first() {
        // The reload asked for when the editor exits, then the watcher's: the second finds the
        // files as the first did, and still says what the edit did, not `no changes`.
        let (dir, mut a) = editable();
        let id = o_and_rename(&mut a, dir.path());
        a.update(Msg::Edited(Edited::Done { changed: true }));
        a.settle();
        let said = format!("your edit: 1 vendor edited ({id})");
        assert_eq!(a.status, said);
        assert!(a.kb.vendors.iter().any(|v| v.name.starts_with("已改名的云")));
        watcher_reload(&mut a);
        assert_eq!(a.status, said);
        // Once the user has pressed a key, a reload is an ordinary one again.
        key(&mut a, 'k');
        watcher_reload(&mut a);
        assert!(a.status.starts_with("reloaded in"), "{}", a.status);
        assert!(a.status.ends_with(" ms: no changes"), "{}", a.status);

        // The watcher's reload first (it saw the save while the editor ran), then the one the
        // editor's exit asks for.
        let (dir, mut a) = editable();
        let id = o_and_rename(&mut a, dir.path());
        watcher_reload(&mut a);
        assert_eq!(a.status, format!("your edit: 1 vendor edited ({id})"));
        a.update(Msg::Edited(Edited::Done { changed: true }));
        a.settle();
        assert_eq!(a.status, format!("your edit: 1 vendor edited ({id})"));
    }

    #[test]
    fn an_editor_that_saved_nothing_says_so_and_loads_nothing() {
        let (_dir, mut a) = editable();
        key(&mut a, 'o');
        assert_eq!(edits(&mut a).len(), 1);
        a.update(Msg::Edited(Edited::Done { changed: false }));
        assert!(a.effects().is_empty(), "{:?}", a.effects());
        assert_eq!(a.status, "no changes made in the editor");
        // An editor that wrote the same bytes again: the watcher's reload says the same.
        watcher_reload(&mut a);
        assert_eq!(a.status, "no changes made in the editor");
    }

    #[test]
    fn the_message_names_three_records_and_counts_the_rest() {
        let (dir, mut a) = editable();
        key(&mut a, 'o');
        // The first four vendors of the file renamed.
        let file = dir.path().join("entities.toml");
        let text = std::fs::read_to_string(&file).unwrap();
        let mut parts: Vec<String> = text.split("[[vendor]]\n").map(str::to_string).collect();
        assert!(parts.len() > 5, "enough vendors");
        let mut ids = Vec::new();
        for p in &mut parts[1..5] {
            ids.push(p.lines().next().unwrap().to_string());
            *p = p.replacen("\nname = \"", "\nname = \"改", 1);
        }
        std::fs::write(&file, parts.join("[[vendor]]\n")).unwrap();
        a.update(Msg::Edited(Edited::Done { changed: true }));
        a.settle();
        let ids: Vec<&str> = ids
            .iter()
            .map(|l| l.strip_prefix("id = \"").unwrap().trim_end_matches('"'))
            .collect();
        assert_eq!(
            a.status,
            format!(
                "your edit: 4 vendors edited ({}, {}, {}, +1 more)",
                ids[0], ids[1], ids[2]
            )
        );
    }

    #[test]
    fn ids_in_the_message_are_made_safe_to_show() {
        let changes = {
            let mut c = Changes::default();
            c.kinds[crate::kb::Kind::Vendor]
                .edited
                .push("bad\x1b[2Jid".into());
            c
        };
        let e = AfterEdit {
            base: Arc::new(Kb::default()),
            unchanged: false,
            failed: None,
        };
        let said = outcome(&e, &changes).unwrap();
        assert!(!said.contains('\x1b'), "{said:?}");
        assert!(said.starts_with("your edit: 1 vendor edited (bad"), "{said}");
        // A file left byte-identical while records changed: something else wrote the KB.
        let e = AfterEdit { unchanged: true, ..e };
        assert_eq!(outcome(&e, &changes), None);
        assert_eq!(
            outcome(&e, &Changes::default()).as_deref(),
            Some("no changes made in the editor")
        );
    }

    #[test]
    fn o_with_no_row_says_so() {
        let mut a = on_disk();
        key(&mut a, '/');
        for c in "zzzzqqq".chars() {
            key(&mut a, c);
        }
        a.settle();
        a.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
        a.settle();
        assert_eq!(a.tab, Tab::Vendors);
        assert!(a.current().view.is_empty());
        key(&mut a, 'o');
        assert_eq!(a.status, "no record selected");
        assert!(edits(&mut a).is_empty());
    }
}
