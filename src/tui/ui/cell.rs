//! Popups over the table: `z`'s full text of a cell (wrapped by display width, CJK-safe,
//! scrollable), and the copy menu `C` opens.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::text;
use crate::tui::app::{App, CellPopup};
use crate::tui::keymap::{self, Action, Context, KEYMAP};
use crate::tui::theme::Theme;

pub use crate::tui::layout::columns::cell_popup as layout;

pub fn render(f: &mut Frame, p: &CellPopup, size: Rect, theme: &Theme) {
    let (r, lines) = layout(size, &p.text);
    if r.width < 6 || r.height < 3 {
        return;
    }
    let rows = r.height.saturating_sub(2) as usize;
    let scroll = p.scroll.min(lines.len().saturating_sub(rows));
    let more = lines.len() > rows;
    let inner_w = r.width.saturating_sub(2) as usize;
    let title = text::fit(&format!(" {} ", p.title), inner_w).into_owned();
    let close = keymap::key(Context::Cell, Action::Cancel);
    let copy = keymap::key(Context::Cell, Action::Copy);
    let hint = if more {
        format!(
            " {}–{} of {} · {}/{} scroll · {copy} copies · {close} closes ",
            scroll + 1,
            (scroll + rows).min(lines.len()),
            lines.len(),
            keymap::key(Context::Cell, Action::Down),
            keymap::key(Context::Cell, Action::Up),
        )
    } else {
        format!(" {copy} copies · {close} closes ")
    };
    let hint = text::fit(&hint, inner_w).into_owned();
    super::clear_area(f, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focused)
        .title(Span::styled(title, theme.accent))
        .title_bottom(Span::styled(hint, theme.dim));
    let inner = block.inner(r);
    f.render_widget(block, r);
    let shown: Vec<Line> = lines
        .into_iter()
        .skip(scroll)
        .take(rows)
        .map(|l| Line::raw(text::pad(&l, inner_w, false)))
        .collect();
    f.render_widget(Paragraph::new(shown), inner);
}

/// The copy menu: one line per key of its context, as the key table words them.
pub fn copy_menu(f: &mut Frame, app: &App, size: Rect, theme: &Theme) {
    let entries: Vec<(String, &str)> = KEYMAP
        .iter()
        .filter(|b| b.context == Context::Copy && !b.footer.is_empty())
        .map(|b| (b.label(), b.footer))
        .collect();
    let id = app.current().selected_id().unwrap_or("no record selected");
    let title = format!(" Copy · {} ", text::escape_controls(id));
    let key_w = entries.iter().map(|(k, _)| text::width(k)).max().unwrap_or(1);
    let inner_w = entries
        .iter()
        .map(|(_, w)| key_w + 3 + text::width(w))
        .chain([text::width(&title)])
        .max()
        .unwrap_or(10)
        .min(size.width.saturating_sub(2) as usize);
    let w = (inner_w as u16 + 2).min(size.width);
    let h = (entries.len() as u16 + 2).min(size.height.saturating_sub(2));
    if w < 8 || h < 3 {
        return;
    }
    let r = Rect::new(
        size.x + (size.width - w) / 2,
        size.y + size.height.saturating_sub(h) / 2,
        w,
        h,
    );
    super::clear_area(f, r);
    let title = text::fit(&title, inner_w).into_owned();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focused)
        .title(Span::styled(title, theme.accent));
    let inner = block.inner(r);
    f.render_widget(block, r);
    let lines: Vec<Line> = entries
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!(" {} ", text::pad(k, key_w, false)), theme.accent),
                Span::raw(text::fit(what, inner_w.saturating_sub(key_w + 2)).into_owned()),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}
