//! The grouped table (`F`): a tab's rows counted by a column, with a bar drawn in each row; and
//! the column chooser that opens it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use crate::text;
use crate::tui::app::{App, Chooser, Focus};
use crate::tui::keymap::{self, Action, Context};
use crate::tui::tabs::Grouped;
use crate::tui::theme::Theme;

/// Widths for the grouped table's columns in `avail` columns, the first `keys` of them the key
/// columns' values: the numbers at their widest cell, the value columns what is left up to
/// their widest (at least 8 each), the bar the rest (at least 6). Mean, then sum, are dropped
/// when even that does not fit.
pub fn widths(natural: &[usize], keys: usize, avail: usize) -> Vec<usize> {
    const BAR_MIN: usize = 6;
    const BAR_MAX: usize = 40;
    let keys = keys.clamp(1, natural.len().saturating_sub(3).max(1));
    let mut n = natural.len(); // values…, count, share, [sum, mean], bar
    loop {
        let fixed: usize = natural[keys..n - 1].iter().sum();
        let gaps = n - 1;
        let room = avail.saturating_sub(fixed + gaps + BAR_MIN);
        let least: usize = natural[..keys].iter().map(|&w| w.min(8)).sum();
        if room >= least || n <= keys + 3 {
            let mut w = share(&natural[..keys], room);
            w.extend_from_slice(&natural[keys..n - 1]);
            let used: usize = w.iter().sum::<usize>() + gaps;
            w.push(avail.saturating_sub(used).clamp(1, BAR_MAX));
            return w;
        }
        // Drop the last numeric column before the bar: the mean, then the sum.
        n -= 1;
    }
}

/// `room` shared among columns up to their widest: the narrow ones whole, the rest evenly
/// (each at least 1).
fn share(natural: &[usize], room: usize) -> Vec<usize> {
    let mut w = vec![0; natural.len()];
    let mut by_width: Vec<usize> = (0..natural.len()).collect();
    by_width.sort_by_key(|&i| natural[i]);
    let mut left = room;
    for (done, &i) in by_width.iter().enumerate() {
        let fair = left / (natural.len() - done);
        w[i] = natural[i].min(fair).max(1);
        left = left.saturating_sub(w[i]);
    }
    w
}

pub fn render(f: &mut Frame, app: &App, g: &Grouped, area: Rect, theme: &Theme) {
    let st = app.current();
    let focused = app.focus == Focus::Table;
    let Some(table) = &g.table else {
        let title = format!(" {} · grouping {} rows… ", app.tab.title(), st.view.len());
        f.render_widget(theme.pane(title, focused), area);
        return;
    };
    let (grouping, natural) = (&table.0, &table.1);
    let mut title = format!(" {} · {} rows", grouping.title(), grouping.rows);
    if st.filter.is_active() {
        let q = text::fit(&text::escape_controls(&st.filter.text), 24).into_owned();
        title.push_str(&format!(" · /{q}"));
    }
    if g.pending != 0 {
        title.push_str(" · counting…");
    }
    title.push(' ');
    let block = theme.pane(title, focused);
    let inner = block.inner(area);
    let w = widths(natural, grouping.by.len(), inner.width as usize);
    let headings = grouping.headings();
    let bar_at = headings.len() - 1;
    // Which heading each shown column is: all but the dropped numeric ones, then the bar.
    let shown: Vec<usize> = (0..w.len() - 1).chain([bar_at]).collect();
    let header = Row::new(
        shown
            .iter()
            .zip(&w)
            .map(|(&h, &width)| Cell::from(text::pad(&headings[h].name, width, headings[h].right))),
    )
    .style(theme.heading);
    let rows_visible = area.height.saturating_sub(3) as usize;
    let bar_w = *w.last().unwrap_or(&1);
    let rows = (g.offset..grouping.groups.len()).take(rows_visible).map(|i| {
        let cells = grouping.cells(i, bar_w);
        // With several keys, the first key's value is written on the first of its rows on
        // screen only, so each vendor's kinds read as one block (exports repeat it).
        let same_first = grouping.by.len() > 1
            && i > g.offset
            && grouping.groups[i - 1].values[0] == grouping.groups[i].values[0];
        let row = Row::new(shown.iter().zip(&w).map(|(&h, &width)| {
            if h == 0 && same_first {
                return Cell::from(text::pad("", width, false));
            }
            let t = text::escape_controls(&cells[h]).into_owned();
            if h == bar_at {
                Cell::from(Span::styled(t, theme.spark))
            } else {
                Cell::from(text::pad(&t, width, headings[h].right))
            }
        }));
        if i == g.selected {
            row.style(if focused {
                theme.selected
            } else {
                theme.selected_unfocused
            })
        } else {
            row
        }
    });
    let constraints: Vec<Constraint> = w.iter().map(|x| Constraint::Length(*x as u16)).collect();
    let t = Table::new(rows, constraints)
        .header(header)
        .column_spacing(1)
        .block(block);
    f.render_widget(t, area);
    if grouping.groups.is_empty() && inner.height > 1 {
        let line = Rect::new(inner.x, inner.y + 1, inner.width, 1);
        let msg = text::fit("(no rows to group)", inner.width as usize).into_owned();
        f.render_widget(Line::styled(msg, theme.dim), line);
    }
}

/// The chooser: a small box over the table listing the tab's columns, the ticked ones numbered
/// in key order; its title says what Enter groups by once a column is ticked.
pub fn chooser(f: &mut Frame, app: &App, c: &Chooser, size: Rect, theme: &Theme) {
    let columns = &app.current().view.columns;
    let names: Vec<&str> = c.columns.iter().map(|&i| columns[i].name.as_ref()).collect();
    let title = if c.ticked.is_empty() {
        format!(" Group {} by ", app.tab.title())
    } else {
        let keys: Vec<&str> = c.keys().iter().map(|&i| columns[i].name.as_ref()).collect();
        format!(" Group {} by {} ", app.tab.title(), keys.join(" × "))
    };
    let hint = format!(
        " {} adds a key · {} groups · {} closes ",
        keymap::key(Context::Columns, Action::TickColumn),
        keymap::key(Context::Columns, Action::Accept),
        keymap::key(Context::Columns, Action::Cancel)
    );
    let title = text::fit(&title, size.width.saturating_sub(2) as usize).into_owned();
    let hint = text::fit(&hint, size.width.saturating_sub(2) as usize).into_owned();
    let inner_w = names
        .iter()
        .map(|n| text::width(n) + 6)
        .chain([text::width(&title), text::width(&hint)])
        .max()
        .unwrap_or(10);
    let w = (inner_w as u16 + 2).min(size.width);
    let h = (names.len() as u16 + 2).min(size.height.saturating_sub(2));
    if w < 8 || h < 3 {
        return;
    }
    let r = Rect::new(
        size.x + (size.width - w) / 2,
        size.y + (size.height.saturating_sub(h)) / 2,
        w,
        h,
    );
    super::clear_area(f, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focused)
        .title(Span::styled(title, theme.accent))
        .title_bottom(Span::styled(hint, theme.dim));
    let inner = block.inner(r);
    f.render_widget(block, r);
    let rows = inner.height as usize;
    let offset = c.selected.saturating_sub(rows.saturating_sub(1));
    let lines: Vec<Line> = names
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, n)| {
            let mark = if i == c.selected { "›" } else { " " };
            // The key's place, for a ticked column.
            let tick = match c.ticked.iter().position(|&t| t == c.columns[i]) {
                Some(k) => format!("{:>2}", k + 1),
                None => "  ".into(),
            };
            let t = text::pad(&format!("{mark}{tick} {n}"), inner.width as usize, false);
            if i == c.selected {
                Line::styled(t, theme.selected)
            } else {
                Line::raw(t)
            }
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_fit_the_room_and_drop_the_means_first() {
        let natural = [16, 5, 6, 12, 12, 3];
        for avail in [20, 40, 60, 78, 118, 200] {
            let w = widths(&natural, 1, avail);
            let used: usize = w.iter().sum::<usize>() + w.len() - 1;
            assert!(used <= avail.max(30), "{avail}: {w:?}");
            assert!(w.len() >= 4, "value, count, share, bar: {w:?}");
        }
        assert_eq!(widths(&natural, 1, 118).len(), 6);
        assert_eq!(widths(&natural, 1, 40).len(), 4);
        assert_eq!(widths(&natural, 1, 118)[..5], [16, 5, 6, 12, 12]);
    }

    /// Two key columns: both whole when they fit; else the narrow one whole and the wide one
    /// what is left, the sums dropped before a key goes under 8.
    #[test]
    fn two_key_columns_share_the_room() {
        let natural = [12, 30, 5, 6, 10, 10, 3];
        let w = widths(&natural, 2, 118);
        assert_eq!(w[..6], [12, 30, 5, 6, 10, 10]);
        let w = widths(&natural, 2, 78);
        let used: usize = w.iter().sum::<usize>() + w.len() - 1;
        assert!(used <= 78, "{w:?}");
        assert_eq!(w[0], 12, "the narrow key whole: {w:?}");
        assert!(w[1] >= 8 && w[1] < 30, "{w:?}");
        let w = widths(&natural, 2, 40);
        assert_eq!(w.len(), 5, "values, count, share, bar: {w:?}");
        assert!(w[0] >= 8 && w[1] >= 8, "{w:?}");
        let used: usize = w.iter().sum::<usize>() + w.len() - 1;
        assert!(used <= 40, "{w:?}");
    }
}
