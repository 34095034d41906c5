//! The `?` overlay as plain rows, generated from the key table, and where they go: which
//! rows, where they split into two columns, how far they scroll. `ui::help` draws the rows;
//! `app` scrolls them; both use this, so the scroll stops where the drawing ends.

use ratatui::layout::Rect;

use crate::text;
use crate::tui::keymap::{self, Action, Binding, Context, KEYMAP};

/// The query language in brief; the parser (`search::query`) is the authority.
const SYNTAX: &[(&str, &str)] = &[
    ("aly crs", "fuzzy terms, all must match; pinyin"),
    ("'T3", "exact; upper case: case-sensitive"),
    ("!shein", "leave out records containing it"),
    ("\"a b\"", "a phrase with spaces"),
    ("kind:deal", "or vendor, series…, a deal kind"),
    ("vendor:aws", "a vendor, its people, deals, series"),
    ("year:2025", "also period:, source:, metric:"),
    ("status:target", "also role:, topic: (format 2)"),
    ("amount>=10亿", "deal amounts: > >= < <= =, $1B"),
    ("value>30", "a series point above 30; 50%"),
];

/// The overlay's sections: a title and the contexts whose bindings it lists, in table order.
/// Bindings with no help text (a prompt's own keys) are left out.
pub fn sections() -> [(String, &'static [Context]); 5] {
    [
        ("Everywhere".into(), &[Context::Any]),
        ("In the table".into(), &[Context::Table]),
        ("In the detail pane".into(), &[Context::Detail]),
        (
            format!(
                "Typing a search ({} or {})",
                keymap::key(Context::Any, Action::Filter),
                keymap::key(Context::Any, Action::Palette)
            ),
            &[Context::Input, Context::Edit],
        ),
        (
            format!(
                "Grouped by a column ({})",
                keymap::key(Context::Table, Action::GroupBy)
            ),
            &[Context::Grouped],
        ),
    ]
}

/// The bindings a section lists.
pub fn listed(contexts: &[Context]) -> impl Iterator<Item = &'static Binding> {
    KEYMAP
        .iter()
        .filter(move |b| contexts.contains(&b.context) && !b.help.is_empty())
}

/// One row of the overlay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Row {
    Heading(String),
    /// Keys (a binding's label, or a bit of query syntax) and what they do.
    Entry(String, &'static str),
    Blank,
    Note(&'static str),
}

/// Every row of the overlay: each section's bindings, then the query syntax, then the mouse.
pub fn rows() -> Vec<Row> {
    let mut out = Vec::new();
    for (title, contexts) in sections() {
        if !out.is_empty() {
            out.push(Row::Blank);
        }
        out.push(Row::Heading(title));
        out.extend(listed(contexts).map(|b| Row::Entry(b.label(), b.help)));
    }
    out.push(Row::Blank);
    out.push(Row::Heading("Search syntax (docs/search.md)".into()));
    out.extend(SYNTAX.iter().map(|(what, how)| Row::Entry(what.to_string(), how)));
    out.push(Row::Blank);
    out.push(Row::Note("Mouse: click a tab, row or relation; wheel scrolls."));
    out
}

/// The width of the keys column: the widest binding label listed.
pub fn key_width() -> usize {
    sections()
        .iter()
        .flat_map(|(_, c)| listed(c).map(|b| text::width(&b.label())))
        .max()
        .unwrap_or(0)
}

/// Where `rows` split into two columns in `area` (the first row of the right column), or `None`
/// for one column: two when one does not fit the height and the terminal is wide enough; the
/// cut is at a blank row near the middle, so no section is cut in two.
pub fn split(rows: &[Row], area: Rect) -> Option<usize> {
    if rows.len() as u16 + 2 > area.height && area.width >= 84 {
        let mid = rows.len() / 2;
        let cut = (mid..rows.len()).find(|i| rows[*i] == Row::Blank).unwrap_or(mid);
        Some(cut + 1)
    } else {
        None
    }
}

/// How far the overlay can scroll in `area`.
pub fn max_scroll(area: Rect) -> usize {
    let rows = rows();
    let tallest = match split(&rows, area) {
        Some(at) => at.max(rows.len() - at),
        None => rows.len(),
    };
    let room = (tallest + 2).min(area.height as usize).saturating_sub(2);
    tallest.saturating_sub(room)
}
