//! The jump-anywhere palette: a query line, a line saying how it went, and the best matches
//! across every kind with the field each matched in, matched characters highlighted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::search::describe;
use crate::search::highlight::Highlighter;
use crate::text;
use crate::tui::app::{App, Palette};
use crate::tui::keymap::{self, Action, Context};
use crate::tui::layout;
use crate::tui::theme::Theme;

pub fn render(f: &mut Frame, app: &App, p: &Palette, size: Rect, theme: &Theme) {
    let Some(inner) = super::prompt_box(
        f,
        size,
        format!(
            " Search everything — {} jumps, {} closes ",
            keymap::key(Context::Palette, Action::Accept),
            keymap::key(Context::Palette, Action::Cancel)
        ),
        theme,
    ) else {
        return;
    };
    let width = inner.width as usize;
    let mut lines = vec![super::edit_line("› ", &p.edit, width, theme)];
    let ix = &app.index;
    let total = p.results.as_ref().map_or(0, |r| r.hits.len());
    let n_views = app.palette_views(&p.edit.text).len();
    lines.push(match (&p.error, p.pending, &p.results) {
        (Some(e), _, _) => Line::styled(text::fit(&format!("⚠ {e}"), width).into_owned(), theme.warn),
        (None, id, _) if id != 0 => Line::styled("searching…", theme.dim),
        // What the search said about how it applied (deals left out of an amount comparison).
        (None, _, Some(r)) if !r.notes.is_empty() => Line::styled(
            text::fit(
                &format!(
                    "{total} match{} · ⚠ {}",
                    if total == 1 { "" } else { "es" },
                    r.notes.join(" · ")
                ),
                width,
            )
            .into_owned(),
            theme.warn,
        ),
        (None, _, Some(_)) => Line::styled(
            format!(
                "{}{total} match{}",
                if n_views > 0 {
                    format!("{} · ", text::count(n_views, "saved view", "saved views"))
                } else {
                    String::new()
                },
                if total == 1 { "" } else { "es" }
            ),
            theme.dim,
        ),
        _ => Line::styled(
            text::fit(
                "type to search vendors, executives, deals, series and sources — pinyin, 'exact, !not, kind:deal, vendor:aws, year:2025, amount>=10亿",
                width,
            )
            .into_owned(),
            theme.dim,
        ),
    });
    let kind_w = 10;
    let name_w = (width.saturating_sub(kind_w + 1) * 11 / 20).max(8);
    let rest_w = width.saturating_sub(kind_w + 1 + name_w + 2);
    // Saved views whose names match come first, as their own kind of entry.
    let views = app.palette_views(&p.edit.text);
    for (i, &v) in views
        .iter()
        .enumerate()
        .skip(p.offset)
        .take(layout::palette_rows(size))
    {
        let v = &app.workspace.views[v];
        let base = if i == p.selected {
            theme.selected
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(text::pad("view", kind_w, false) + " ", base.patch(theme.accent)),
            Span::styled(text::pad(&text::escape_controls(&v.name), name_w, false), base),
            Span::styled(
                text::pad(&format!("  {}", v.summary()), rest_w + 2, false),
                base.patch(theme.dim),
            ),
        ]));
    }
    let skip = p.offset.saturating_sub(views.len());
    let room = layout::palette_rows(size).saturating_sub(views.len().saturating_sub(p.offset));
    if let Some(res) = &p.results {
        let hl = p.applied.as_ref().map(Highlighter::new);
        for (i, h) in res.hits.iter().enumerate().skip(skip).take(room) {
            let i = i + views.len();
            let d = describe(ix, h);
            let base = if i == p.selected {
                theme.selected
            } else {
                Style::new()
            };
            let mut spans = vec![Span::styled(
                text::pad(ix.docs[h.doc as usize].kind().label(), kind_w, false) + " ",
                base.patch(theme.accent),
            )];
            // Highlight only what can show: matching a 10,000-character name in full would
            // cost a frame hundreds of milliseconds.
            let name = text::fit(&d.name, name_w);
            let name_idx = hl.as_ref().map_or(Vec::new(), |h| h.indices(&name));
            spans.extend(super::highlighted(
                &name,
                &name_idx,
                name_w,
                false,
                base,
                theme.matched,
            ));
            let in_name = matches!(d.matched, "name" | "title");
            if rest_w > 4 && !in_name && d.matched_text == d.name {
                // Matched through the name's pinyin: say so; the name shows which characters.
                spans.push(Span::styled(
                    text::pad(&format!("  {}", d.matched), rest_w + 2, false),
                    base.patch(theme.dim),
                ));
            } else if rest_w > 4 && !d.matched.is_empty() && !in_name {
                let label = format!("  {}: ", d.matched);
                let lw = text::width(&label);
                spans.push(Span::styled(label, base.patch(theme.dim)));
                let snippet = snippet(&d.matched_text, hl.as_ref(), rest_w.saturating_sub(lw));
                let idx = hl.as_ref().map_or(Vec::new(), |h| h.indices(&snippet));
                spans.extend(super::highlighted(
                    &snippet,
                    &idx,
                    rest_w.saturating_sub(lw),
                    false,
                    base,
                    theme.matched,
                ));
            } else if rest_w > 0 {
                spans.push(Span::styled(" ".repeat(rest_w + 2), base));
            }
            lines.push(Line::from(spans));
        }
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// How far into a long field the palette looks for the match to show (a match further in shows
/// the field's start): highlighting costs time in the length of the text, on every frame.
const SNIPPET_SCAN: usize = 2000;

/// A window of a long field around its first highlighted character, so a match deep in a
/// summary is visible. At most `width` columns (plus the leading `…`).
pub(super) fn snippet(text: &str, hl: Option<&Highlighter>, width: usize) -> String {
    if text::width(text) <= width {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let head: String = chars.iter().take(SNIPPET_SCAN).collect();
    let first = hl.and_then(|h| h.indices(&head).first().copied()).unwrap_or(0);
    let start = first.saturating_sub(6);
    let window: String = chars[start..].iter().take(width.saturating_mul(2) + 16).collect();
    let window = text::fit(&window, width).into_owned();
    if start == 0 {
        window
    } else {
        format!("…{window}")
    }
}
