//! The `?` overlay: draws the rows `layout::help` generates from the key table, so it can never
//! disagree with the keys.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::text;
use crate::tui::keymap::{self, Action, Context};
use crate::tui::layout::help::{self, Row};
use crate::tui::theme::Theme;

/// The overlay's lines, texts fitted to `width` columns.
pub fn lines(theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let key_w = help::key_width();
    help::rows()
        .into_iter()
        .map(|row| match row {
            Row::Heading(title) => Line::from(Span::styled(title, theme.heading)),
            Row::Entry(keys, what) => {
                let what = text::fit(what, width.saturating_sub(key_w + 4)).into_owned();
                Line::from(vec![
                    Span::styled(format!("  {}", text::pad(&keys, key_w, false)), theme.accent),
                    Span::raw(format!("  {what}")),
                ])
            }
            Row::Blank => Line::default(),
            Row::Note(note) => Line::from(Span::styled(text::fit(note, width).into_owned(), theme.dim)),
        })
        .collect()
}

/// One column when it fits; two side by side when the terminal is short but wide enough
/// (`layout::help::split`); scrolled by `scroll` lines (j/k while the overlay is open) when even
/// that does not fit.
pub fn render(f: &mut Frame, area: Rect, theme: &Theme, scroll: usize) {
    let rows = help::rows();
    let (w, cols): (u16, Vec<Vec<Line>>) = match help::split(&rows, area) {
        Some((end, start)) => {
            let w = area.width.saturating_sub(4).min(120);
            let mut body = lines(theme, (w / 2).saturating_sub(3) as usize);
            let right = body.split_off(start);
            body.truncate(end);
            (w, vec![body, right])
        }
        None => {
            let w = area.width.saturating_sub(4).min(64);
            (w, vec![lines(theme, w.saturating_sub(2) as usize)])
        }
    };
    let tallest = cols.iter().map(Vec::len).max().unwrap_or(0);
    let h = (tallest as u16 + 2).min(area.height);
    let room = h.saturating_sub(2) as usize;
    let scroll = scroll.min(tallest.saturating_sub(room));
    let more = tallest > room + scroll;
    let [r] = Layout::horizontal([Constraint::Length(w)])
        .flex(Flex::Center)
        .areas(area);
    let [r] = Layout::vertical([Constraint::Length(h)])
        .flex(Flex::Center)
        .areas(r);
    super::clear_area(f, r);
    let close = keymap::binding(Context::Help, Action::CloseHelp).map_or(&[][..], |b| &b.keys[..]);
    let name = |i: usize| close.get(i).map(ToString::to_string).unwrap_or_default();
    let title = if more || scroll > 0 {
        format!(
            " Keys — {}/{} scroll, {} closes ",
            keymap::key(Context::Help, Action::Down),
            keymap::key(Context::Help, Action::Up),
            name(0)
        )
    } else {
        format!(" Keys — {} or {} closes ", name(0), name(1))
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focused)
        .title(Span::styled(title, theme.accent));
    let inner = block.inner(r);
    f.render_widget(block, r);
    let parts = Layout::horizontal(vec![Constraint::Ratio(1, cols.len() as u32); cols.len()]).split(inner);
    for (col, part) in cols.into_iter().zip(parts.iter()) {
        f.render_widget(Paragraph::new(col).scroll((scroll as u16, 0)), *part);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::{Context, KEYMAP};

    /// The overlay is generated from the table: every binding with help text has its line, keys
    /// written by `Binding::label`, in a section that lists its context.
    #[test]
    fn help_lists_every_binding_with_its_derived_label() {
        let text: Vec<String> = lines(&Theme::mono(), 200)
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        let listed_contexts: Vec<Context> = help::sections()
            .iter()
            .flat_map(|(_, c)| c.iter().copied())
            .collect();
        for b in KEYMAP.iter().filter(|b| !b.help.is_empty()) {
            assert!(
                listed_contexts.contains(&b.context),
                "{:?} has help text but its context {:?} has no section",
                b.action,
                b.context
            );
            // The tab number keys share one line.
            let (label, help) = match b.action {
                crate::tui::keymap::Action::GoTab(_) => (
                    crate::tui::keymap::tab_keys().unwrap(),
                    crate::tui::layout::help::TABS_HELP,
                ),
                _ => (b.label(), b.help),
            };
            assert!(
                text.iter().any(|l| {
                    // Bindings that read as one share a line (`[ ]`).
                    let l = l.trim_start();
                    let keys = l.split("  ").next().unwrap_or_default();
                    keys.split(' ').any(|k| k == label) && l.trim_end().ends_with(help)
                }),
                "no help line for {label} ({help})"
            );
        }
    }
}
