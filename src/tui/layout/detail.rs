//! The detail pane as lines: a record's fields, relations, points and career moves (the cursor's
//! stops, `Detail::stops`; "link" below means any stop), sparklines and sources,
//! wrapped to the pane's width. Drawing (`ui::detail`) and mouse hit-testing (`link_at`) both
//! lay it out here, so a click lands on the relation drawn.

use ratatui::text::{Line, Span};

use super::Areas;
use crate::text;
use crate::tui::theme::Theme;
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
            Block::Move { text: t, .. } => {
                // A stop of the cursor (for `o`), drawn as the text it is until chosen.
                let i = link_rows.len();
                link_rows.push(lines.len());
                let style = if focused && i == selected {
                    theme.selected
                } else {
                    ratatui::style::Style::new()
                };
                wrap_into(&mut lines, t, 0, style);
            }
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
            Block::Points(rows, _) => {
                let pw = rows.iter().map(|r| text::width(&r[0])).max().unwrap_or(0);
                let vw = rows
                    .iter()
                    .map(|r| text::width(&r[1]))
                    .max()
                    .unwrap_or(0)
                    .min(width / 2);
                // The origin (source, report, why the period was inferred, the note) wraps under
                // itself, never cut; in a pane too narrow for that, on lines of its own below.
                let indent = 2 + pw + 2 + vw + 2;
                for r in rows {
                    // Each row is a stop of the cursor (for `o`): marked and highlighted when chosen.
                    let i = link_rows.len();
                    link_rows.push(lines.len());
                    let chosen = focused && i == selected;
                    let (mark, style) = if chosen {
                        ("› ", theme.selected)
                    } else {
                        ("  ", ratatui::style::Style::new())
                    };
                    let row_line =
                        |s: &str| Line::from(Span::styled(text::fit(s, width).into_owned(), style));
                    let head = format!(
                        "{mark}{}  {}",
                        text::pad(&r[0], pw, false),
                        text::pad(&r[1], vw, true)
                    );
                    if r[2].is_empty() {
                        lines.push(row_line(&head));
                    } else if width >= indent + 12 {
                        let pad = " ".repeat(indent);
                        for (i, part) in text::wrap(&r[2], width - indent).into_iter().enumerate() {
                            let first = if i == 0 { format!("{head}  ") } else { pad.clone() };
                            lines.push(row_line(&format!("{first}{part}")));
                        }
                    } else {
                        lines.push(row_line(&head));
                        for part in text::wrap(&r[2], width.saturating_sub(4)) {
                            lines.push(row_line(&format!("    {part}")));
                        }
                    }
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
            // The quote in its article's sentence: the article's words dim, the quoted ones marked.
            Block::Context(c) => {
                let indent = 4;
                for row in crate::view::reader::wrap_runs(&c.runs(), width.saturating_sub(indent).max(1)) {
                    let mut spans = vec![Span::raw(" ".repeat(indent.min(width)))];
                    spans.extend(row.into_iter().map(|r| {
                        let style = match r.mark {
                            crate::view::reader::Mark::Plain => theme.dim,
                            crate::view::reader::Mark::Quoted(_) => theme.quoted,
                        };
                        Span::styled(r.text, style)
                    }));
                    lines.push(Line::from(spans));
                }
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

/// The relation drawn on screen row `y` of the detail pane in `a`, if any: `d` laid out as
/// `render` lays it out, with relation `selected` chosen (and scrolled to) when `focused`.
pub fn link_at(
    d: &Detail,
    a: &Areas,
    selected: usize,
    focused: bool,
    theme: &Theme,
    y: u16,
) -> Option<usize> {
    let inner = a.detail_inner();
    if y < inner.y || y >= inner.bottom() {
        return None;
    }
    let laid = lay_out(
        d,
        inner.width as usize,
        inner.height as usize,
        selected,
        focused,
        theme,
    );
    let row = laid.scroll + (y - inner.y) as usize;
    laid.link_rows
        .iter()
        .position(|r| *r == row || *r + 1 == row && is_spark_row(&laid, *r))
}

fn is_spark_row(laid: &Laid, row: usize) -> bool {
    // A sparkline relation takes two lines (name, then the line itself); both are clickable.
    laid.lines
        .get(row + 1)
        .is_some_and(|l| l.spans.len() == 3 && l.spans[0].content == "    ")
}
