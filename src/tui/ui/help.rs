//! The `?` overlay, generated from the keymap table so it can never disagree with the keys.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::theme::Theme;
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
    ("amount>=10亿", "deal amounts: > >= < <= =, $1B"),
    ("value>30", "a series point above 30; 50%"),
];

/// The overlay's sections: a title and the contexts whose bindings it lists, in table order.
/// Bindings with no help text (a prompt's own keys) are left out.
pub fn sections() -> [(String, &'static [Context]); 4] {
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
    ]
}

/// The bindings a section lists.
pub fn listed(contexts: &[Context]) -> impl Iterator<Item = &'static Binding> {
    KEYMAP
        .iter()
        .filter(move |b| contexts.contains(&b.context) && !b.help.is_empty())
}

pub fn lines(theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let sections = sections();
    let labels = |c| listed(c).map(|b| text::width(&b.label()));
    let key_w = sections.iter().flat_map(|(_, c)| labels(c)).max().unwrap_or(0);
    let mut out = Vec::new();
    for (title, contexts) in sections {
        if !out.is_empty() {
            out.push(Line::default());
        }
        out.push(Line::from(Span::styled(title, theme.heading)));
        for b in listed(contexts) {
            let help = text::fit(b.help, width.saturating_sub(key_w + 4)).into_owned();
            out.push(Line::from(vec![
                Span::styled(format!("  {}", text::pad(&b.label(), key_w, false)), theme.accent),
                Span::raw(format!("  {help}")),
            ]));
        }
    }
    out.push(Line::default());
    out.push(Line::from(Span::styled(
        "Search syntax (docs/search.md)",
        theme.heading,
    )));
    for (what, how) in SYNTAX {
        let how = text::fit(how, width.saturating_sub(key_w + 4)).into_owned();
        out.push(Line::from(vec![
            Span::styled(format!("  {}", text::pad(what, key_w, false)), theme.accent),
            Span::raw(format!("  {how}")),
        ]));
    }
    out.push(Line::default());
    out.push(Line::from(Span::styled(
        "Mouse: click a tab, row or relation; wheel scrolls.",
        theme.dim,
    )));
    out
}

/// One column when it fits; two side by side when the terminal is short but wide enough; scrolled
/// by `scroll` lines (j/k while the overlay is open) when even that does not fit.
pub fn render(f: &mut Frame, area: Rect, theme: &Theme, scroll: usize) {
    let one_w = area.width.saturating_sub(4).min(64);
    let one = lines(theme, one_w.saturating_sub(2) as usize);
    let two_cols = one.len() as u16 + 2 > area.height && area.width >= 84;
    let (w, cols): (u16, Vec<Vec<Line>>) = if two_cols {
        let w = area.width.saturating_sub(4).min(120);
        let mut body = lines(theme, (w / 2).saturating_sub(3) as usize);
        // Split at a blank line near the middle so no section is cut in two.
        let mid = body.len() / 2;
        let cut = (mid..body.len()).find(|i| body[*i].width() == 0).unwrap_or(mid);
        let right = body.split_off(cut + 1);
        (w, vec![body, right])
    } else {
        (one_w, vec![one])
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
    let close = keymap::binding(Context::Help, Action::CloseHelp).map_or(&[][..], |b| b.keys);
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

/// How far the overlay can scroll in `area`: the same arithmetic as `render`.
pub fn max_scroll(area: Rect) -> usize {
    let theme = Theme::mono();
    let one = lines(&theme, 60).len();
    let tallest = if one as u16 + 2 > area.height && area.width >= 84 {
        let mut body = lines(&theme, 60);
        let mid = body.len() / 2;
        let cut = (mid..body.len()).find(|i| body[*i].width() == 0).unwrap_or(mid);
        let right = body.split_off(cut + 1);
        body.len().max(right.len())
    } else {
        one
    };
    let room = (tallest + 2).min(area.height as usize).saturating_sub(2);
    tallest.saturating_sub(room)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The overlay is generated from the table: every binding with help text has its line, keys
    /// written by `Binding::label`, in a section that lists its context.
    #[test]
    fn help_lists_every_binding_with_its_derived_label() {
        let text: Vec<String> = lines(&Theme::mono(), 200)
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        let listed_contexts: Vec<Context> = sections().iter().flat_map(|(_, c)| c.iter().copied()).collect();
        for b in KEYMAP.iter().filter(|b| !b.help.is_empty()) {
            assert!(
                listed_contexts.contains(&b.context),
                "{:?} has help text but its context {:?} has no section",
                b.action,
                b.context
            );
            let label = b.label();
            assert!(
                text.iter().any(|l| {
                    let l = l.trim_start();
                    l.starts_with(label.as_str()) && l.trim_end().ends_with(b.help)
                }),
                "no help line for {label} ({})",
                b.help
            );
        }
    }
}
