//! The article reader `O` opens, over the whole screen: the source in its title with the current
//! quote's number, the article's rows (`view::reader`, laid out at this width) with the quoted
//! passages marked and the current one stronger, and its keys (or a message) on the bottom line.

use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::text;
use crate::tui::app::{App, ReaderState};
use crate::tui::keymap::{self, Context};
use crate::tui::layout;
use crate::tui::theme::Theme;
use crate::view::reader::Mark;

/// `2 of 5 quotes`, `5 quotes`, `no quotes`.
pub fn quote_count(r: &ReaderState) -> String {
    let n = r.reader.passages.len();
    match (r.current, n) {
        (_, 0) => "no quotes from it".to_string(),
        (Some(c), n) => format!("{} of {}", c + 1, text::count(n, "quote", "quotes")),
        (None, n) => text::count(n, "quote", "quotes"),
    }
}

pub fn render(f: &mut Frame, app: &App, r: &ReaderState) {
    let theme: &Theme = &app.theme;
    let size = f.area();
    super::clear_area(f, size);
    let inner = layout::reader::inner(size);
    if layout::reader::bordered(size) {
        let room = size.width.saturating_sub(2) as usize;
        let title = format!(" {} · {} ", r.reader.title, quote_count(r));
        let bottom = if app.status.is_empty() {
            keymap::footer(Context::Reader)
                .into_iter()
                .map(|(k, w)| format!("{k} {w}"))
                .collect::<Vec<_>>()
                .join(" · ")
        } else {
            app.status.clone()
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border_focused)
            .title(Span::styled(text::fit(&title, room).into_owned(), theme.accent))
            .title_bottom(Span::styled(
                text::fit(&format!(" {bottom} "), room).into_owned(),
                theme.dim,
            ));
        f.render_widget(block, size);
    }
    let width = inner.width as usize;
    // Laid out at this width by `update`; a frame drawn at another size lays out its own.
    let fresh;
    let laid = if r.laid_width == width {
        &*r.laid
    } else {
        fresh = r.reader.lay_out(width);
        &fresh
    };
    let height = inner.height as usize;
    let scroll = r.scroll.min(layout::reader::max_scroll(height, laid.rows.len()));
    let lines: Vec<Line> = laid
        .rows
        .iter()
        .skip(scroll)
        .take(height)
        .map(|row| {
            Line::from(
                row.iter()
                    .map(|run| {
                        let style = match run.mark {
                            Mark::Plain => Style::new(),
                            Mark::Quoted(k) if Some(k) == r.current => theme.quoted_current,
                            Mark::Quoted(_) => theme.quoted,
                        };
                        Span::styled(run.text.clone(), style)
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}
