//! `e`, `E` and `C v`: the current view or a record written to a file, or the view put on the
//! clipboard. The view's txt, md and csv exports follow the tab's column layout (`columns.rs`).

use super::{App, Effect, ExportPrompt, ExportWhat, Input, LineEdit};
use crate::export::{self, Format};
use crate::tui::keymap::{self, Action, Context};
use crate::view;

impl App {
    /// What `e` offers: the chart on the Trends tab while one is shown (its table still, by a
    /// name of another format), else the view.
    pub(super) fn export_what(&self) -> ExportWhat {
        let ids = self.chart_ids();
        let shown = self.areas().is_some_and(|a| a.chart.is_some());
        if self.tab == crate::view::Tab::Trends && shown && !self.grouped_now() && !ids.is_empty() {
            ExportWhat::Chart(ids)
        } else {
            ExportWhat::View
        }
    }

    /// Open the export prompt with a default file name.
    pub(super) fn start_export(&mut self, what: ExportWhat) {
        let name = match &what {
            ExportWhat::View => match self.grouping() {
                Some(g) => format!(
                    "{}-by-{}",
                    self.tab.title().to_lowercase(),
                    g.keys().replace(',', "-")
                ),
                None => self.tab.title().to_lowercase(),
            },
            ExportWhat::Record(t) => t.id.clone(),
            ExportWhat::Marked => format!("{}-marked", self.tab.title().to_lowercase()),
            ExportWhat::Chart(ids) => {
                let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
                export::svg::default_name(&ids)
            }
        };
        let name = match &what {
            ExportWhat::Chart(_) => name,
            _ => export::default_name(&name, &(self.clock)().file, Format::Md),
        };
        self.input = Some(Input::Export(ExportPrompt {
            edit: LineEdit::new(&name),
            what,
            confirm: None,
        }));
    }

    /// `Tab` in the export prompt: the tab's marked rows only, or its whole view again. The
    /// name follows when it is still the default one.
    pub(super) fn toggle_export_marked(&mut self) {
        let Some(Input::Export(p)) = &self.input else {
            return;
        };
        let to = match p.what {
            ExportWhat::View if self.grouped_now() => {
                self.status = "a grouped table is exported whole".into();
                return;
            }
            ExportWhat::View if self.current().marks.is_empty() => {
                let space = keymap::key(Context::Table, Action::Mark);
                self.status = format!("no marked rows in this tab ({space} marks one)");
                return;
            }
            ExportWhat::View => ExportWhat::Marked,
            ExportWhat::Marked => ExportWhat::View,
            ExportWhat::Record(_) | ExportWhat::Chart(_) => return,
        };
        let default = |what: &ExportWhat| match what {
            ExportWhat::Marked => format!("{}-marked", self.tab.title().to_lowercase()),
            _ => self.tab.title().to_lowercase(),
        };
        let stamp = (self.clock)().file;
        let (old, new) = (
            export::default_name(&default(&p.what), &stamp, Format::Md),
            export::default_name(&default(&to), &stamp, Format::Md),
        );
        if let Some(Input::Export(p)) = &mut self.input {
            if p.edit.text == old {
                p.edit = LineEdit::new(&new);
            }
            p.what = to;
        }
    }

    /// The current tab's grouped table, once built.
    pub fn grouping(&self) -> Option<&crate::view::group::Grouping> {
        let g = self.current().grouped.as_ref()?;
        g.table.as_ref().map(|t| &t.0)
    }

    /// What the current tab's view says about itself in an export.
    pub(super) fn export_meta(&self, date: String) -> export::Meta {
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
    pub(super) fn export_text(&self, what: &ExportWhat, format: Format) -> Option<(String, String)> {
        match what {
            ExportWhat::View | ExportWhat::Chart(_) if self.grouped_now() => {
                // The grouped table, as `marketlens export --group-by` writes it.
                let g = self.grouping()?;
                let meta = self.export_meta((self.clock)().date);
                let groups = crate::text::count(g.groups.len(), "group", "groups");
                Some((export::grouped(g, &meta, format), groups))
            }
            // The chart's prompt given a name of a text format: the tab's rows.
            ExportWhat::View | ExportWhat::Chart(_) => {
                let st = self.current();
                let meta = self.export_meta((self.clock)().date);
                let n = st.view.len();
                let rows = format!("{n} {}", if n == 1 { "row" } else { "rows" });
                let v = self.laid_out(&st.view);
                Some((export::view(&self.kb, &v, &meta, format), rows))
            }
            ExportWhat::Marked => {
                let st = self.current();
                let meta = self.export_meta((self.clock)().date);
                let mut v = self.laid_out(&st.view);
                v.order = st.marks.filter_order(&st.view);
                let n = v.len();
                let rows = format!("{n} marked {}", if n == 1 { "row" } else { "rows" });
                Some((export::view(&self.kb, &v, &meta, format), rows))
            }
            ExportWhat::Record(t) => {
                // What the pane shows: mentions still being found are said to be so, not
                // waited for on this thread.
                let d = view::detail_known(&self.kb, t)?;
                let what = format!("{} {}", t.kind.label(), t.id);
                Some((export::record(&self.kb, &d, format), what))
            }
        }
    }

    /// Write the export the prompt names. An existing file is replaced only with `overwrite`
    /// (after the user said yes); otherwise the prompt asks. Errors go to the status line.
    pub(super) fn export(&mut self, overwrite: bool) {
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
        let svg = export::svg::is_svg_path(&path);
        let (text, holds) = match &what {
            ExportWhat::Chart(ids) if svg => {
                let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
                match export::svg::of_series(&self.kb, &ids) {
                    Ok(t) => (
                        t,
                        format!("a chart of {}", crate::text::count(ids.len(), "series", "series")),
                    ),
                    Err(e) => {
                        self.status = format!("⚠ {e}");
                        return;
                    }
                }
            }
            _ if svg => {
                self.status = "only a chart is written as SVG (e on the Trends chart): name the file .txt, .md, .csv or .json".into();
                return;
            }
            _ => {
                let Some(format) = Format::from_path(&path) else {
                    self.status = match what {
                        ExportWhat::Chart(_) => "unknown format: name the file .svg (the chart), or .txt, .md, .csv or .json (the table)",
                        _ => "unknown format: name the file .txt, .md, .csv or .json",
                    }
                    .into();
                    return;
                };
                let Some(out) = self.export_text(&what, format) else {
                    self.input = None;
                    self.status = "nothing selected to export".into();
                    return;
                };
                out
            }
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
    pub(super) fn copy_view(&mut self) {
        if let Some((text, holds)) = self.export_text(&ExportWhat::View, Format::Txt) {
            self.effects.push(Effect::Clipboard(text));
            self.status = format!("copied {holds} as text (the terminal must allow OSC 52)");
        }
    }
}
