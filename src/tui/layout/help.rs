//! The `?` overlay as plain rows, generated from the key table, and where they go: which
//! rows, where they split into two columns, how far they scroll. `ui::help` draws the rows;
//! `app` scrolls them; both use this, so the scroll stops where the drawing ends.

use ratatui::layout::Rect;

use crate::text;
use crate::tui::keymap::{self, Action, Bound, Context};

/// The query language in brief; the parser (`search::query`) is the authority.
const SYNTAX: &[(&str, &str)] = &[
    ("aly crs", "fuzzy terms, all must match; pinyin"),
    ("'T3", "exact; upper case: case-sensitive"),
    ("!shein", "leave out records containing it"),
    ("\"a b\"", "a phrase with spaces"),
    ("kind:deal", "or vendor, series…, a deal kind"),
    ("vendor:aws", "a vendor, its people, deals, series"),
    ("year:2025", "also period:, source:, metric:"),
    ("status:target", "also role:, topic:, inferred:yes"),
    ("amount>=10亿", "deal amounts: > >= < <= =, $1B"),
    ("value>30", "a series point above 30; 50%"),
];

/// What the tab number keys do, on their one line of the overlay.
pub const TABS_HELP: &str = "go to the tab of that number";

/// The cues tables and details put after a value or a date (`docs/usage.md`, "Reading the
/// figures"); every status cue is here (`every_cue_is_in_the_legend`).
const CUES: &[(&str, &str)] = &[
    ("2025-Q3*", "inferred, not stated (detail: why)"),
    ("est fcst guid", "estimate, forecast, guidance"),
    ("view", "opinion; also target, plan, rumour"),
    ("old", "as of >2 years before newest source"),
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
pub fn listed(contexts: &[Context]) -> impl Iterator<Item = &'static Bound> {
    keymap::active()
        .bindings()
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
        // The tab number keys, one line for all of them.
        let mut tabs_listed = false;
        for b in listed(contexts) {
            if matches!(b.action, Action::GoTab(_)) {
                if !tabs_listed && let Some(label) = keymap::tab_keys() {
                    out.push(Row::Entry(label, TABS_HELP));
                }
                tabs_listed = true;
            } else if let Some(Row::Entry(keys, help)) = out.last_mut()
                && *help == b.help
            {
                // Bindings that read as one (`[` and `]`: "column cursor left / right") share
                // their line: `[ ]`.
                keys.push(' ');
                keys.push_str(&b.label());
            } else {
                out.push(Row::Entry(b.label(), b.help));
            }
        }
    }
    out.push(Row::Blank);
    out.push(Row::Heading("Search syntax (docs/search.md)".into()));
    out.extend(SYNTAX.iter().map(|(what, how)| Row::Entry(what.to_string(), how)));
    out.push(Row::Blank);
    out.push(Row::Heading("Cues after a value or date".into()));
    // No blank before the mouse note: the overlay fits 120×40 without scrolling.
    out.extend(CUES.iter().map(|(cue, means)| Row::Entry(cue.to_string(), means)));
    out.push(Row::Note(
        // Fits a column at 120 wide (55); that the wheel scrolls goes without saying.
        "Mouse: click a tab, header (sorts), row or relation.",
    ));
    out
}

/// The width of the keys column: the widest binding label (or labels sharing a line) listed.
pub fn key_width() -> usize {
    rows()
        .iter()
        .filter_map(|r| match r {
            Row::Entry(keys, _) if listed_keys(keys) => Some(text::width(keys)),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

/// Whether an entry's keys are bindings' (not query syntax or a cue, which fit the column).
fn listed_keys(keys: &str) -> bool {
    sections()
        .iter()
        .any(|(_, c)| listed(c).any(|b| keys.split(' ').any(|k| k == b.label())))
}

/// Where `rows` split into two columns in `area` — the left column is `rows[..end]`, the right
/// one `rows[start..]` — or `None` for one column: two when one does not fit the height and the
/// terminal is wide enough; the cut is at the blank row that makes the taller column shortest
/// (the first of equals), so no section is cut in two, and that blank is shown in neither.
pub fn split(rows: &[Row], area: Rect) -> Option<(usize, usize)> {
    if rows.len() as u16 + 2 > area.height && area.width >= 84 {
        let n = rows.len();
        Some(
            (0..n)
                .filter(|&i| rows[i] == Row::Blank)
                .min_by_key(|&i| i.max(n - i - 1))
                .map_or((n / 2, n / 2), |i| (i, i + 1)),
        )
    } else {
        None
    }
}

/// How far the overlay can scroll in `area`.
pub fn max_scroll(area: Rect) -> usize {
    let rows = rows();
    let tallest = match split(&rows, area) {
        Some((end, start)) => end.max(rows.len() - start),
        None => rows.len(),
    };
    let room = (tallest + 2).min(area.height as usize).saturating_sub(2);
    tallest.saturating_sub(room)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// At 120×40 every key shows at once, in two columns; at 80×24 the one column scrolls.
    #[test]
    fn the_overlay_fits_120_by_40_and_scrolls_at_80_by_24() {
        let wide = Rect::new(0, 0, 120, 40);
        let rows = rows();
        let (end, start) = split(&rows, wide).expect("two columns at 120×40");
        assert_eq!(rows[end], Row::Blank, "cut between sections");
        assert_eq!(start, end + 1);
        assert!(
            end.max(rows.len() - start) + 2 <= 40,
            "{} rows, cut at {end}",
            rows.len()
        );
        assert_eq!(max_scroll(wide), 0);
        // Notes and headings fit a column there whole (116 columns wide, less borders and gap).
        for r in &rows {
            let t = match r {
                Row::Note(t) => t,
                Row::Heading(t) => t.as_str(),
                _ => continue,
            };
            assert!(text::width(t) <= 55, "{t}");
        }
        let small = Rect::new(0, 0, 80, 24);
        assert_eq!(split(&rows, small), None);
        assert!(max_scroll(small) > 0);
    }

    /// The legend names every cue a table can show: each status's, the stale one and `*`.
    #[test]
    fn every_cue_is_in_the_legend() {
        let keys: Vec<&str> = CUES.iter().flat_map(|(k, _)| k.split_whitespace()).collect();
        for st in crate::kb::terms::Status::ALL {
            let cue = st.cue();
            // A cue that is its word (`target`) may be named in the text instead.
            let named = CUES
                .iter()
                .any(|(_, what)| cue == st.as_str() && what.split([' ', ',', ';']).any(|w| w == cue));
            assert!(
                cue.is_empty() || keys.contains(&cue) || named,
                "status cue `{cue}` not in the legend"
            );
        }
        assert!(keys.contains(&crate::kb::asof::STALE_CUE));
        assert!(CUES.iter().any(|(k, _)| k.ends_with('*')));
        // Each fits the keys column and the text its share of a two-column overlay at 120.
        for (k, what) in CUES.iter().chain(SYNTAX) {
            assert!(text::width(k) <= key_width(), "{k}");
            assert!(text::width(what) <= 36, "{what}");
        }
    }
}
