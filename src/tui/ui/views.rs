//! `v`'s picker of saved views: a filter line, a line saying where the views are kept (or what is
//! wrong with the file), and the views whose names match, each with what it shows.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::text;
use crate::tui::app::{App, Picker};
use crate::tui::keymap::{self, Action, Context};
use crate::tui::layout;
use crate::tui::theme::Theme;

pub fn render(f: &mut Frame, app: &App, p: &Picker, size: Rect, theme: &Theme) {
    let Some(inner) = super::prompt_box(
        f,
        size,
        format!(
            " Saved views — {} applies, {} closes ",
            keymap::key(Context::Views, Action::Accept),
            keymap::key(Context::Views, Action::Cancel)
        ),
        theme,
    ) else {
        return;
    };
    let width = inner.width as usize;
    let mut lines = vec![super::edit_line("› ", &p.edit, width, theme)];
    let w = &app.workspace;
    let shown = app.picked_views(&p.edit.text);
    let where_ = match &w.views_path {
        Ok(path) => text::escape_controls(&path.display().to_string()).into_owned(),
        Err(why) => text::escape_controls(why).into_owned(),
    };
    let save = keymap::key(Context::Any, Action::SaveView);
    lines.push(match (&w.problem, w.views.is_empty()) {
        (Some(problem), _) => Line::styled(text::fit(problem, width).into_owned(), theme.warn),
        (None, true) => Line::styled(
            text::fit(
                &format!("no saved views yet: {save} saves the current one ({where_})"),
                width,
            )
            .into_owned(),
            theme.dim,
        ),
        (None, false) => Line::styled(
            text::fit(
                &format!(
                    "{} of {} · {where_}",
                    shown.len(),
                    text::count(w.views.len(), "view", "views")
                ),
                width,
            )
            .into_owned(),
            theme.dim,
        ),
    });
    let name_w = (width * 2 / 5).max(8).min(width);
    let rest_w = width.saturating_sub(name_w + 2);
    for (row, &i) in shown
        .iter()
        .enumerate()
        .skip(p.offset)
        .take(layout::palette_rows(size))
    {
        let v = &w.views[i];
        let base = if row == p.selected {
            theme.selected
        } else {
            Style::new()
        };
        let name = text::escape_controls(&v.name);
        lines.push(Line::from(vec![
            Span::styled(text::pad(&name, name_w, false), base.patch(theme.accent)),
            Span::styled("  ", base),
            Span::styled(text::pad(&v.summary(), rest_w, false), base.patch(theme.dim)),
        ]));
    }
    f.render_widget(Paragraph::new(lines), inner);
}
