//! `o`: the selected record, or the series point or career move under the detail's cursor, opened
//! in the user's editor at its line. `update` only finds the place (`kb::locate`) and leaves
//! `Effect::Edit`; the event loop's runner gives the terminal to the editor and takes it back,
//! and its answer (`Msg::Edited`) asks for a reload at once, so the edit shows without waiting
//! for the watcher. A bad edit keeps the good KB, with the banner a failed reload shows.

use super::{App, Effect, Focus};
use crate::kb::locate::{self, Unplaced};
use crate::text::escape_controls;
use crate::view::Stop;

/// How a run of the editor ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edited {
    /// It exited successfully.
    Done,
    /// It could not be started (no editor, a bad `$EDITOR`, a missing program): why.
    NotStarted(String),
    /// It ran and failed (a non-zero exit): how. The file may have been saved all the same.
    Failed(String),
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
    /// say why the editor did not run.
    pub(super) fn edited(&mut self, e: Edited) -> bool {
        match e {
            Edited::Done => self.reload(),
            Edited::NotStarted(why) => self.status = why,
            Edited::Failed(how) => {
                self.reload();
                // Said after the reload's own word, which replaces it when the load ends.
                self.status = format!("the editor failed: {how}");
            }
        }
        true
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
        a.update(Msg::Edited(Edited::Done));
        assert!(matches!(a.effects(), [Effect::Reload(_)]), "{:?}", a.effects());
        a.settle();
        assert!(a.status.starts_with("reloaded in"), "{}", a.status);
        a.update(Msg::Edited(Edited::NotStarted(
            "cannot start /nonexistent (from $EDITOR): nope".into(),
        )));
        assert!(a.effects().is_empty(), "{:?}", a.effects());
        assert_eq!(a.status, "cannot start /nonexistent (from $EDITOR): nope");
        a.update(Msg::Edited(Edited::Failed("vim exit status: 1".into())));
        assert!(matches!(a.effects(), [Effect::Reload(_)]), "{:?}", a.effects());
        assert_eq!(a.status, "the editor failed: vim exit status: 1");
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
