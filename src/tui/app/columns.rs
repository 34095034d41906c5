//! The column cursor and each tab's column layout (`[` `]` `{` `}` `<` `>` `x` `X`, `s` on the
//! cursor's column, a click on a header), the full text of a cell (`z`), and copying what is on
//! screen (`y` the cell, `Y` the row, the `C` menu: id, Markdown, citation, the view).
//!
//! The layout itself is plain data (`view::layout::ColumnLayout`, by column key); where the
//! columns land on screen is `layout::columns::placed`, which the drawing and the mouse share.

use super::{App, Effect, Focus};
use crate::export::Format;
use crate::text;
use crate::tui::keymap::{self, Action, Context};
use crate::view::layout::ColumnLayout;
use crate::view::{self, Sort, View};

/// A tab's columns as the user arranged them, and the column cursor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnUi {
    pub layout: ColumnLayout,
    /// The key of the column the cursor is on; `None` until `[` or `]` (or a header click) moved
    /// it: the cursor is then on the first column, not highlighted, and `s` sorts by the next
    /// column as it always did.
    pub cursor: Option<String>,
}

/// `z`: a cell's full text in a popup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellPopup {
    /// `Column · record id`.
    pub title: String,
    /// The cell's text, control characters escaped.
    pub text: String,
    /// First line shown.
    pub scroll: usize,
}

/// How many display columns `<` and `>` take or give: one wide (CJK) character.
const RESIZE_STEP: i32 = 2;

impl App {
    /// Where the current tab's columns land in the table pane `area` (`layout::columns`).
    pub fn placed(&self, area: ratatui::layout::Rect) -> crate::tui::layout::columns::Placed {
        let st = self.current();
        let ui = self.column_ui();
        crate::tui::layout::columns::placed(
            &st.view,
            &st.natural,
            &ui.layout,
            ui.cursor.as_deref(),
            !st.marks.is_empty(),
            area,
        )
    }

    /// The current tab's column layout and cursor.
    pub fn column_ui(&self) -> &ColumnUi {
        &self.columns[self.tab.index()]
    }

    fn column_ui_mut(&mut self) -> &mut ColumnUi {
        let i = self.tab.index();
        &mut self.columns[i]
    }

    /// The current view's column keys, in declared order.
    fn column_keys(&self) -> Vec<String> {
        self.current()
            .view
            .columns
            .iter()
            .map(|c| c.key.to_string())
            .collect()
    }

    /// The columns shown (positions in the view's columns), in the order shown.
    pub fn visible_columns(&self) -> Vec<usize> {
        let keys = self.column_keys();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        self.column_ui().layout.visible(&keys)
    }

    /// The column the cursor is on (a position in the view's columns): its column when shown,
    /// else the first shown one. `None` when the view has no columns.
    pub fn cursor_column(&self) -> Option<usize> {
        let vis = self.visible_columns();
        let cols = &self.current().view.columns;
        self.column_ui()
            .cursor
            .as_deref()
            .and_then(|k| vis.iter().copied().find(|&i| cols[i].key == k))
            .or_else(|| vis.first().copied())
    }

    /// The cursor's position among the shown columns.
    pub fn cursor_slot(&self) -> usize {
        let vis = self.visible_columns();
        self.cursor_column()
            .and_then(|c| vis.iter().position(|&i| i == c))
            .unwrap_or(0)
    }

    /// Put the cursor on the view's column `col`.
    pub(super) fn set_cursor(&mut self, col: usize) {
        let key = self.current().view.columns.get(col).map(|c| c.key.to_string());
        if let Some(k) = key {
            self.column_ui_mut().cursor = Some(k);
        }
    }

    /// The name of the view's column `col`, escaped (a pivot's columns are named by the data).
    fn column_name(&self, col: usize) -> String {
        self.current()
            .view
            .columns
            .get(col)
            .map_or(String::new(), |c| text::escape_controls(&c.name).into_owned())
    }

    /// `[` / `]`: the cursor one shown column left or right (it stops at the ends).
    pub(super) fn column_step(&mut self, delta: isize) {
        let vis = self.visible_columns();
        if vis.is_empty() {
            return;
        }
        let moved = self.column_ui().cursor.is_some();
        let at = self.cursor_slot() as isize;
        // The first press shows the cursor where it was (on the first column) when it cannot move.
        let to = (at + delta).clamp(0, vis.len() as isize - 1) as usize;
        self.set_cursor(vis[to]);
        if to as isize == at && moved {
            self.status = format!(
                "{} is the {} column",
                self.column_name(vis[to]),
                if delta < 0 { "first" } else { "last" }
            );
        }
    }

    /// `x`: hide the cursor's column; the cursor goes to the column that takes its place.
    pub(super) fn hide_column(&mut self) {
        let Some(col) = self.cursor_column() else { return };
        let slot = self.cursor_slot();
        let keys = self.column_keys();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let name = self.column_name(col);
        if !self.column_ui_mut().layout.hide(&keys, keys[col]) {
            self.status = format!("{name} is the last column shown");
            return;
        }
        let vis = self.visible_columns();
        let next = vis[slot.min(vis.len() - 1)];
        self.set_cursor(next);
        let show = keymap::key(Context::Table, Action::ShowColumns);
        self.status = format!("{name} hidden · {show} shows hidden columns");
    }

    /// `X`: show the tab's hidden columns again.
    pub(super) fn show_columns(&mut self) {
        let keys = self.column_keys();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let hidden: Vec<String> = self
            .column_ui()
            .layout
            .hidden_here(&keys)
            .into_iter()
            .map(|k| {
                let c = self.current().view.columns.iter().find(|c| c.key == k);
                c.map_or(k.to_string(), |c| text::escape_controls(&c.name).into_owned())
            })
            .collect();
        self.column_ui_mut().layout.show_all(&keys);
        self.status = if hidden.is_empty() {
            "no hidden columns in this tab".into()
        } else {
            format!("shown again: {}", hidden.join(", "))
        };
    }

    /// `{` / `}`: move the cursor's column one place left or right; the cursor goes with it.
    pub(super) fn move_column(&mut self, delta: isize) {
        let Some(col) = self.cursor_column() else { return };
        let keys = self.column_keys();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let name = self.column_name(col);
        self.set_cursor(col);
        if !self.column_ui_mut().layout.move_by(&keys, keys[col], delta) {
            self.status = format!("{name} is already {}", if delta < 0 { "first" } else { "last" });
        }
    }

    /// `<` / `>`: the cursor's column narrower or wider by one wide character, within the
    /// layout's limits; the table makes room by scrolling.
    pub(super) fn resize_column(&mut self, grow: bool) {
        let Some(col) = self.cursor_column() else { return };
        let key = self.current().view.columns[col].key.to_string();
        // Widening grows the width set before (the screen may show less of it); narrowing
        // starts from the width on screen, so every press shows.
        let set = self.column_ui().layout.width(&key).map(usize::from);
        let on_screen = self
            .areas()
            .map(|a| self.placed(a.table))
            .and_then(|p| p.columns.iter().find(|(c, _)| *c == col).map(|(_, w)| *w));
        let current = if grow {
            set.or(on_screen)
        } else {
            on_screen.or(set)
        }
        .or_else(|| self.current().natural.get(col).copied())
        .unwrap_or(0);
        let name = self.column_name(col);
        self.set_cursor(col);
        let delta = if grow { RESIZE_STEP } else { -RESIZE_STEP };
        let current = u16::try_from(current).unwrap_or(u16::MAX);
        let w = self.column_ui_mut().layout.resize(&key, current, delta);
        self.status = format!("{name}: {w} columns wide");
    }

    /// `s`: sort by the cursor's column once the cursor was moved, else by the next column.
    pub(super) fn sort_key(&mut self) {
        match (self.column_ui().cursor.is_some(), self.cursor_column()) {
            (true, Some(col)) => self.sort_by_column(col),
            _ => self.sort_next(),
        }
    }

    /// Sort by the view's column `col`: ascending, or the other way when it is sorted by it
    /// already (a click on a header, `s` on the cursor's column).
    pub(super) fn sort_by_column(&mut self, col: usize) {
        let Some(c) = self.current().view.columns.get(col) else {
            return;
        };
        if !c.sorts() {
            self.status = format!("{} does not sort", text::escape_controls(&c.name));
            return;
        }
        let key = c.key.clone();
        let descending = self
            .current()
            .view
            .sort
            .as_ref()
            .is_some_and(|s| s.key == key && !s.descending);
        self.resort(Some(Sort { key, descending }));
    }

    /// The selected row's text in the view's column `col`.
    fn cell_text(&self, col: usize) -> Option<String> {
        let st = self.current();
        let r = st.view.get(st.selected)?;
        r.cells
            .get(col)
            .map(|c| text::escape_controls(&c.text).into_owned())
    }

    /// `z`: the cursor's cell of the selected row, in full.
    pub(super) fn show_cell(&mut self) {
        if self.grouped_now() {
            let esc = keymap::key(Context::Grouped, Action::Ungroup);
            self.status = format!("grouped: {esc} returns to the table first");
            return;
        }
        let Some(col) = self.cursor_column() else { return };
        let Some(text) = self.cell_text(col) else {
            self.status = "no row selected".into();
            return;
        };
        let id = self.current().selected_id().unwrap_or_default().to_string();
        self.cell = Some(CellPopup {
            title: format!("{} · {}", self.column_name(col), text::escape_controls(&id)),
            text: if text.is_empty() { "(empty)".into() } else { text },
            scroll: 0,
        });
    }

    /// Keys while the cell popup is open: scroll, copy, close.
    pub(super) fn cell_key(&mut self, a: Option<Action>) {
        let room = self.cell_room();
        let Some(p) = self.cell.as_mut() else { return };
        let max = room.map_or(0, |(lines, rows)| lines.saturating_sub(rows));
        let page = room.map_or(1, |(_, rows)| rows.max(1));
        match a {
            Some(Action::Cancel) => self.cell = None,
            Some(Action::Quit) => self.quit = true,
            Some(Action::Down) => p.scroll = (p.scroll + 1).min(max),
            Some(Action::Up) => p.scroll = p.scroll.saturating_sub(1),
            Some(Action::PageDown) => p.scroll = (p.scroll + page).min(max),
            Some(Action::PageUp) => p.scroll = p.scroll.saturating_sub(page),
            Some(Action::Copy) => {
                let text = p.text.clone();
                self.copy(text, "the cell");
            }
            _ => {}
        }
    }

    /// The popup's wrapped lines and the rows it shows them in, at this screen size.
    fn cell_room(&self) -> Option<(usize, usize)> {
        let p = self.cell.as_ref()?;
        let (area, lines) = crate::tui::layout::columns::cell_popup(self.size, &p.text);
        Some((lines.len(), area.height.saturating_sub(2) as usize))
    }

    /// Put `text` on the clipboard and say what was copied: `what` and the text's start, fitted
    /// to the status line.
    fn copy(&mut self, text: String, what: &str) {
        let first = text.lines().next().unwrap_or_default();
        let shown = text::escape_controls(first).into_owned();
        let head = format!("copied {what}: ");
        let room = (self.size.width as usize)
            .saturating_sub(text::width(&head) + 2)
            .max(1);
        let more = if text.lines().nth(1).is_some() {
            format!(" (+{} lines)", text.lines().count() - 1)
        } else {
            String::new()
        };
        let preview = text::fit(&format!("{shown}{more}"), room).into_owned();
        self.effects.push(Effect::Clipboard(text));
        self.status = format!("{head}{preview}");
    }

    /// `y`: the cursor's cell of the selected row (on a grouped table: the table).
    pub(super) fn copy_cell(&mut self) {
        if self.grouped_now() {
            return self.copy_view();
        }
        let Some(col) = self.cursor_column() else { return };
        match self.cell_text(col) {
            Some(t) => {
                let what = format!("{} of {}", self.column_name(col), self.selected_label());
                self.copy(t, &what)
            }
            None => self.status = "no row selected".into(),
        }
    }

    /// `Y`: the selected row's shown cells, in the order shown, tab-separated (a tab or line
    /// break inside a cell becomes a space).
    pub(super) fn copy_row(&mut self) {
        if self.grouped_now() {
            return self.copy_view();
        }
        let vis = self.visible_columns();
        let st = self.current();
        let Some(r) = st.view.get(st.selected) else {
            self.status = "no row selected".into();
            return;
        };
        let cells: Vec<String> = vis
            .iter()
            .map(|&i| {
                let t = r.cells.get(i).map_or("", |c| c.text.as_str());
                text::escape_controls(&t.replace(['\t', '\n', '\r'], " ")).into_owned()
            })
            .collect();
        let what = format!("row {}", self.selected_label());
        self.copy(cells.join("\t"), &what);
    }

    /// The selected record's id, escaped, for status messages.
    fn selected_label(&self) -> String {
        text::escape_controls(self.current().selected_id().unwrap_or("?")).into_owned()
    }

    /// A key in the copy menu `C` opened.
    pub(super) fn copy_menu_key(&mut self, a: Option<Action>) {
        let Some(a) = a else { return };
        self.copy_menu = false;
        let target = self.selected_target();
        match (a, target) {
            (Action::Quit, _) => self.quit = true,
            (Action::Cancel, _) => self.status = "copy cancelled".into(),
            (Action::CopyView, _) => self.copy_view(),
            (Action::CopyId, Some(t)) => {
                let id = text::escape_controls(&t.id).into_owned();
                self.copy(id, &format!("the {} id", t.kind.label()));
            }
            (Action::CopyMarkdown, Some(t)) => match view::detail_known(&self.kb, &t) {
                Some(d) => {
                    let md = crate::export::record(&self.kb, &d, Format::Md);
                    let what = format!("{} {} as Markdown", t.kind.label(), t.id);
                    self.copy(md, &text::escape_controls(&what));
                }
                None => self.status = "the record is gone".into(),
            },
            (Action::CopyCitation, Some(t)) => match view::cite::citation(&self.kb, &t) {
                Some(c) => self.copy(c, "a citation"),
                None => self.status = "the record is gone".into(),
            },
            (Action::CopyId | Action::CopyMarkdown | Action::CopyCitation, None) => {
                self.status = "no record selected".into()
            }
            _ => self.copy_menu = true,
        }
    }

    /// `C`: open the copy menu.
    pub(super) fn open_copy_menu(&mut self) {
        self.copy_menu = true;
    }

    /// The current view as the user laid it out: hidden columns left out, the others in the
    /// order shown (what `e` writes in txt, md and csv, and what `C v` copies). The view itself
    /// when the layout is the declared one.
    pub fn laid_out(&self, v: &View) -> View {
        self.column_ui().layout.apply(v)
    }

    /// Whether the keys go to the column cursor's actions now: the table, not grouped.
    pub(super) fn columns_apply(&mut self, action: Action) -> bool {
        let columnar = matches!(
            action,
            Action::ColumnLeft
                | Action::ColumnRight
                | Action::MoveColumnLeft
                | Action::MoveColumnRight
                | Action::NarrowColumn
                | Action::WidenColumn
                | Action::HideColumn
                | Action::ShowColumns
                | Action::CellText
        );
        if !columnar {
            return false;
        }
        if self.grouped_now() {
            let esc = keymap::key(Context::Grouped, Action::Ungroup);
            self.status = format!("grouped: {esc} returns to the table first");
            return true;
        }
        self.focus = Focus::Table;
        match action {
            Action::ColumnLeft => self.column_step(-1),
            Action::ColumnRight => self.column_step(1),
            Action::MoveColumnLeft => self.move_column(-1),
            Action::MoveColumnRight => self.move_column(1),
            Action::NarrowColumn => self.resize_column(false),
            Action::WidenColumn => self.resize_column(true),
            Action::HideColumn => self.hide_column(),
            Action::ShowColumns => self.show_columns(),
            Action::CellText => self.show_cell(),
            _ => {}
        }
        true
    }
}
