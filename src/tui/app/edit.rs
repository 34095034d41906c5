//! `o`: the selected record, or the series point or career move under the detail's cursor, opened
//! in the user's editor at its line. `update` only finds the place (`kb::locate`) and leaves
//! `Effect::Edit`; the event loop's runner gives the terminal to the editor and takes it back,
//! and its answer (`Msg::Edited`) asks for a reload at once, so the edit shows without waiting
//! for the watcher. A bad edit keeps the good KB, with the banner a failed reload shows.

use super::{App, Effect, Focus};
use crate::kb::locate::{self, Unplaced};
use crate::text::escape_controls;

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
        // The detail pane's cursor moves over relations only so far: no entry is under it.
        None
    }
}
