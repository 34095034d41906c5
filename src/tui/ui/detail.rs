//! The detail pane: draws the lines `layout::detail` lays out.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block as UiBlock, Borders, Paragraph};

use crate::text;
use crate::tui::app::{App, Focus};
use crate::tui::layout::detail::lay_out;
use crate::tui::theme::Theme;

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
