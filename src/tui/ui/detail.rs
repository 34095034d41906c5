//! The detail pane: a record's fields, relations (selectable), sparklines and sources, wrapped to
//! the pane's width. The same layout serves drawing and mouse hit-testing.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block as UiBlock, Borders, Paragraph};

use super::theme::Theme;
use crate::text;
use crate::tui::app::{App, Focus};
use crate::view::{Block, Detail};

/// The detail as screen lines, the line of each relation, and the first line to show.
pub struct Laid {
    pub lines: Vec<Line<'static>>,
    pub link_rows: Vec<usize>,
    pub scroll: usize,
}

/// Lay out a detail for a pane `width` × `height`, with relation `selected` highlighted when the
/// pane has focus. Scrolls so that the selected relation is visible.
pub fn lay_out(
    d: &Detail,
    width: usize,
    height: usize,
    selected: usize,
    focused: bool,
    theme: &Theme,
) -> Laid {
    let width = width.max(1);
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut link_rows = Vec::new();
    let wrap_into = |lines: &mut Vec<Line<'static>>, s: &str, indent: usize, style| {
        for l in text::wrap(s, width.saturating_sub(indent).max(1)) {
            lines.push(Line::from(Span::styled(
                format!("{}{l}", " ".repeat(indent)),
                style,
            )));
        }
    };
    for b in &d.blocks {
        match b {
            Block::Heading(h) => {
                if !lines.is_empty() {
                    lines.push(Line::default());
                }
                lines.push(Line::from(Span::styled(
                    text::fit(h, width).into_owned(),
                    theme.heading,
                )));
            }
            Block::Field { label, value } => {
                let head = format!("{label}: ");
                let hw = text::width(&head);
                if hw + text::width(value) <= width {
                    lines.push(Line::from(vec![
                        Span::styled(head, theme.dim),
                        Span::raw(value.clone()),
                    ]));
                } else {
                    lines.push(Line::from(Span::styled(
                        text::fit(&head, width).into_owned(),
                        theme.dim,
                    )));
                    wrap_into(&mut lines, value, 2, ratatui::style::Style::new());
                }
            }
            Block::Text(t) => wrap_into(&mut lines, t, 0, ratatui::style::Style::new()),
            Block::Link { label, note, .. } => {
                let i = link_rows.len();
                link_rows.push(lines.len());
                let chosen = focused && i == selected;
                let style = if chosen { theme.selected } else { theme.link };
                let lw = text::width(label);
                let mut spans = vec![Span::styled(if chosen { "› " } else { "  " }, style)];
                let room = width.saturating_sub(2);
                spans.push(Span::styled(text::fit(label, room).into_owned(), style));
                if !note.is_empty() && lw + 4 < room {
                    spans.push(Span::styled(
                        format!("  {}", text::fit(note, room - lw - 2)),
                        theme.dim,
                    ));
                }
                lines.push(Line::from(spans));
            }
            Block::Spark {
                label,
                spark,
                range,
                target,
            } => {
                let (style, mark) = match target {
                    Some(_) => {
                        let i = link_rows.len();
                        link_rows.push(lines.len());
                        if focused && i == selected {
                            (theme.selected, "› ")
                        } else {
                            (theme.link, "  ")
                        }
                    }
                    None => (theme.accent, "  "),
                };
                lines.push(Line::from(Span::styled(
                    format!("{mark}{}", text::fit(label, width.saturating_sub(2))),
                    style,
                )));
                let sp = text::fit(spark, width.saturating_sub(4).min(48)).into_owned();
                let room = width.saturating_sub(4 + text::width(&sp) + 2);
                lines.push(Line::from(vec![
                    Span::raw("    "),
                    Span::styled(sp, theme.spark),
                    Span::styled(format!("  {}", text::fit(range, room)), theme.dim),
                ]));
            }
            Block::Points(rows) => {
                let pw = rows.iter().map(|r| text::width(&r[0])).max().unwrap_or(0);
                let vw = rows
                    .iter()
                    .map(|r| text::width(&r[1]))
                    .max()
                    .unwrap_or(0)
                    .min(width / 2);
                for r in rows {
                    let s = format!(
                        "  {}  {}  {}",
                        text::pad(&r[0], pw, false),
                        text::pad(&r[1], vw, true),
                        r[2]
                    );
                    lines.push(Line::from(text::fit(&s, width).into_owned()));
                }
            }
            Block::Quote { text: q, source } => {
                let s = if source.is_empty() {
                    format!("“{q}”")
                } else {
                    format!("“{q}” — {source}")
                };
                wrap_into(&mut lines, &s, 2, theme.dim);
            }
        }
    }
    // Keep the selected relation (and the line after it) in view; on the last relation show the
    // end of the detail too, so quotes and sources below it can always be read.
    let scroll = match (focused, link_rows.get(selected)) {
        (true, Some(row)) => {
            let base = (*row + 2).saturating_sub(height);
            if selected + 1 == link_rows.len() {
                base.max(lines.len().saturating_sub(height)).min(*row)
            } else {
                base
            }
        }
        _ => 0,
    };
    Laid {
        lines,
        link_rows,
        scroll,
    }
}

pub fn render(f: &mut Frame, app: &App, area: Rect, theme: &Theme) {
    let focused = app.focus == Focus::Detail;
    let Some(d) = app.detail() else {
        let block = UiBlock::default()
            .borders(Borders::ALL)
            .border_style(theme.border);
        f.render_widget(Paragraph::new("Nothing selected").block(block), area);
        return;
    };
    let inner = crate::tui::layout::inner(area);
    let laid = lay_out(
        &d,
        inner.width as usize,
        inner.height as usize,
        app.current().link,
        focused,
        theme,
    );
    let title = format!(" {} ", text::fit(&d.title, area.width.saturating_sub(6) as usize));
    let block = theme.pane(title, focused);
    let visible: Vec<Line> = laid
        .lines
        .into_iter()
        .skip(laid.scroll)
        .take(inner.height as usize)
        .collect();
    f.render_widget(Paragraph::new(visible).block(block), area);
}
