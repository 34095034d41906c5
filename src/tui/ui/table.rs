//! The record table: columns sized to their content and the room there is, cells fitted by
//! display width (CJK-safe), only the visible rows built.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use crate::text;
use crate::tui::app::{App, Focus};
use crate::tui::keymap::{self, Action, Context};
use crate::tui::theme::Theme;
use crate::view::{Align, ColType, Column, Tab};

/// Column widths for `avail` columns of room, by each column's [`Width`] policy and `natural`
/// (its widest cell): every shown column gets at least its minimum, columns are dropped from the
/// right when even that does not fit, then columns grow toward their content in rounds (fixed to
/// `ideal`, shared to `ideal`, fixed to `max`, shared to `max`), and what is left goes to the
/// shared ones.
///
/// [`Width`]: crate::view::Width
pub fn widths(cols: &[Column], natural: &[usize], avail: usize) -> Vec<usize> {
    let mut n = cols.len();
    let need = |n: usize| cols[..n].iter().map(|c| c.width.min as usize).sum::<usize>() + n.saturating_sub(1);
    while n > 1 && need(n) > avail {
        n -= 1;
    }
    let cols = &cols[..n];
    let mut w: Vec<usize> = cols.iter().map(|c| c.width.min as usize).collect();
    let mut left = avail.saturating_sub(need(n));
    let content = |i: usize| natural.get(i).copied().unwrap_or(0);
    let ideal: Vec<usize> = (0..n)
        .map(|i| content(i).min(cols[i].width.ideal as usize))
        .collect();
    let max: Vec<usize> = (0..n)
        .map(|i| content(i).min(cols[i].width.max as usize))
        .collect();
    for target in [&ideal, &max] {
        // Fixed columns (dates, kinds, amounts) first reach their target in one step.
        for i in (0..n).filter(|&i| cols[i].width.share == 0) {
            let add = target[i].saturating_sub(w[i]).min(left);
            w[i] += add;
            left -= add;
        }
        // Then shared columns grow toward theirs in turns, each by its share, so titles get more
        // room than names and no single long column starves the others.
        while left > 0 {
            let mut grew = false;
            for i in (0..n).filter(|&i| cols[i].width.share > 0) {
                if left == 0 || w[i] >= target[i] {
                    continue;
                }
                let add = (cols[i].width.share as usize).min(target[i] - w[i]).min(left);
                w[i] += add;
                left -= add;
                grew = true;
            }
            if !grew {
                break;
            }
        }
    }
    let flex: Vec<usize> = (0..n).filter(|i| cols[*i].width.share > 0).collect();
    if !flex.is_empty() {
        for (k, i) in flex.iter().enumerate() {
            let share = left / (flex.len() - k);
            w[*i] += share;
            left -= share;
        }
    }
    if n == 1 {
        w[0] = w[0].min(avail);
    }
    w
}

/// Where the table's columns land: the view's columns shown (positions in its columns), in the
/// order shown, each with its width, and the screen column the first one starts at. The user's
/// layout decides which columns show, their order and any width set by hand; when they do not
/// all fit, the table scrolls sideways just enough for the cursor's column to show (the columns
/// left of it drop off first). Drawing and the mouse (a header click) both use it.
pub struct Placed {
    pub columns: Vec<(usize, usize)>,
    pub x: u16,
    /// How many shown columns scrolled off to the left.
    pub first_slot: usize,
}

impl Placed {
    /// The view's column under screen column `x`, if any.
    pub fn column_at(&self, x: u16) -> Option<usize> {
        let mut at = self.x;
        for &(c, w) in &self.columns {
            let end = at.saturating_add(w as u16);
            if x >= at && x < end {
                return Some(c);
            }
            at = end.saturating_add(1);
        }
        None
    }
}

pub fn placed(app: &App, area: Rect) -> Placed {
    let st = app.current();
    let marker_w = if st.marks.is_empty() { 0 } else { MARKER_W + 1 };
    let avail = (area.width.saturating_sub(2) as usize).saturating_sub(marker_w);
    let layout = &app.column_ui().layout;
    let vis = app.visible_columns();
    let mut cols: Vec<Column> = Vec::with_capacity(vis.len());
    let mut natural: Vec<usize> = Vec::with_capacity(vis.len());
    for &i in &vis {
        let mut c = st.view.columns[i].clone();
        match layout.width(&c.key) {
            Some(w) => {
                c.width = crate::view::Width {
                    min: w,
                    ideal: w,
                    max: w,
                    share: 0,
                };
                natural.push(w as usize);
            }
            None => natural.push(st.natural.get(i).copied().unwrap_or(0)),
        }
        cols.push(c);
    }
    let cursor = app.cursor_slot();
    let mut start = 0;
    let w = loop {
        let w = widths(&cols[start..], &natural[start..], avail);
        if start >= cursor || start + w.len() > cursor {
            break w;
        }
        start += 1;
    };
    Placed {
        columns: vis[start..].iter().copied().zip(w).collect(),
        x: area.x + 1 + marker_w as u16,
        first_slot: start,
    }
}

/// A marked row's marker, in a column of its own left of the table's. ASCII: one column in every
/// terminal, whatever its width for East Asian ambiguous characters (`●` is two in some).
const MARKER: &str = "*";
const MARKER_W: usize = 1;

pub fn render(f: &mut Frame, app: &App, area: Rect, theme: &Theme) {
    let st = app.current();
    if let Some(g) = &st.grouped {
        return super::grouped::render(f, app, g, area, theme);
    }
    let focused = app.focus == Focus::Table;
    let mut title = if st.filter.is_active() {
        let q = text::fit(&text::escape_controls(&st.filter.text), 24).into_owned();
        format!(" {} {}/{} · /{q} ", app.tab.title(), st.view.len(), st.view.total)
    } else {
        format!(" {} {}/{} ", app.tab.title(), st.view.len(), st.view.total)
    };
    if let Some(p) = &st.filter.pick {
        // The group chosen on the grouped table (`F`, Enter).
        let label = text::fit(&text::escape_controls(&p.label()), 30).into_owned();
        title.push_str(&format!("· {label} "));
    }
    // Marks (`space`): their count, and whether the chart draws them.
    let marked = !st.marks.is_empty();
    if marked {
        title.push_str(&format!("· {} marked ", st.marks.len()));
        if app.tab == Tab::Trends && app.charting_marks() {
            title.push_str("· charted ");
        }
    }
    if st.building.is_some() {
        // An analysis view's new rows are being built; these are the old ones.
        title.push_str("· building… ");
    }
    let placed = placed(app, area);
    // Columns out of sight (the table scrolled sideways, or too narrow for them all): which show.
    let visible_n = app.visible_columns().len();
    if placed.columns.len() < visible_n {
        let first = placed.first_slot;
        title.push_str(&format!(
            "· columns {}–{} of {visible_n} ",
            first + 1,
            first + placed.columns.len()
        ));
    }
    let block = theme.pane(title, focused);
    // While the tab has marks, a column of its own on the left shows them (its gap is in
    // `placed`).
    // The columns shown, in order (positions in the view's columns), and their widths.
    let shown: Vec<usize> = placed.columns.iter().map(|(c, _)| *c).collect();
    let w: Vec<usize> = placed.columns.iter().map(|(_, w)| *w).collect();
    // The column cursor, once moved (`[`, `]`), lights its header.
    let cursor = app
        .column_ui()
        .cursor
        .is_some()
        .then(|| app.cursor_column())
        .flatten();
    let marker_head = marked.then(|| Cell::from(" ".repeat(MARKER_W)));
    let header = Row::new(
        marker_head
            .into_iter()
            .chain(placed.columns.iter().map(|&(ci, width)| {
                let c = &st.view.columns[ci];
                let mark = match &st.view.sort {
                    Some(s) if s.key == c.key => {
                        if s.descending {
                            "▼"
                        } else {
                            "▲"
                        }
                    }
                    _ => "",
                };
                let label = format!("{}{mark}", c.name);
                let cell = Cell::from(text::pad(&label, width, c.align == Align::Right));
                if cursor == Some(ci) {
                    cell.style(theme.selected)
                } else {
                    cell
                }
            })),
    )
    .style(theme.heading);
    let rows_visible = area.height.saturating_sub(3) as usize;
    // Matched characters are found for the rows on screen only.
    let hl = st
        .filter
        .applied
        .as_ref()
        .filter(|_| st.filter.is_active())
        .map(crate::search::highlight::Highlighter::new)
        .filter(|h| !h.is_empty());
    // Where a row's match is not in a cell on screen (an alias, a summary, a pinyin reading),
    // its widest text column says where it is instead, as the palette does: `summary: …储瑞松…`.
    let why_col = placed
        .columns
        .iter()
        .filter(|(ci, _)| {
            st.view.columns[*ci].ty != ColType::Sparkline && st.view.columns[*ci].align != Align::Right
        })
        .max_by_key(|(ci, width)| (*width, usize::MAX - ci))
        .map(|(ci, _)| *ci);
    let group_col = crate::view::analysis::group_column(st.view.tab);
    let rows = st
        .view
        .order
        .iter()
        .enumerate()
        .skip(st.offset)
        .take(rows_visible)
        .map(|(i, &ri)| {
            let r = &st.view.rows[ri];
            let marks = hl.as_ref().map(|h| {
                let cells: Vec<&str> = r.cells.iter().map(|c| c.text.as_str()).collect();
                h.row(&cells)
            });
            let shown_mark = marks
                .as_ref()
                .is_some_and(|m| shown.iter().any(|&ci| m.get(ci).is_some_and(|x| !x.is_empty())));
            let why = match (&hl, why_col) {
                (Some(h), Some(ci)) if !shown_mark => st
                    .filter
                    .why
                    .get(&ri)
                    .map(|hit| crate::search::describe(&app.index, hit))
                    .filter(|d| !d.matched.is_empty())
                    .map(|d| {
                        let width = placed
                            .columns
                            .iter()
                            .find(|(c, _)| *c == ci)
                            .map_or(0, |(_, w)| *w);
                        (ci, why_spans(&d, h, width, theme))
                    }),
                _ => None,
            };
            let mut why = why;
            // A time group (the Timeline's quarter) is written on its first row on screen only.
            let group = group_col.filter(|&g| {
                i > st.offset
                    && st.view.rows[st.view.order[i - 1]].cells.get(g).map(|c| &c.text)
                        == r.cells.get(g).map(|c| &c.text)
            });
            let cells = placed.columns.iter().map(move |&(ci, ref width)| {
                if let Some((_, spans)) = why.take_if(|(c, _)| *c == ci) {
                    return Cell::from(Line::from(spans));
                }
                if group == Some(ci) {
                    return Cell::from(text::pad("", *width, false));
                }
                let c = &st.view.columns[ci];
                let right = c.align == Align::Right;
                if c.ty == ColType::Sparkline {
                    return Cell::from(Span::styled(
                        text::pad(&r.cells[ci].text, *width, right),
                        theme.spark,
                    ));
                }
                match marks.as_ref().map(|m| &m[ci]).filter(|m| !m.is_empty()) {
                    Some(idx) => Cell::from(Line::from(super::highlighted(
                        &r.cells[ci].text,
                        idx,
                        *width,
                        right,
                        ratatui::style::Style::new(),
                        theme.matched,
                    ))),
                    None => Cell::from(text::pad(&r.cells[ci].text, *width, right)),
                }
            });
            let marker = marked.then(|| {
                if st.marks.marks_row(&st.view, r) {
                    Cell::from(Span::styled(MARKER, theme.accent))
                } else {
                    Cell::from(" ".repeat(MARKER_W))
                }
            });
            let row = Row::new(marker.into_iter().chain(cells));
            if i == st.selected {
                row.style(if focused {
                    theme.selected
                } else {
                    theme.selected_unfocused
                })
            } else {
                row
            }
        });
    let constraints: Vec<Constraint> = marked
        .then_some(Constraint::Length(MARKER_W as u16))
        .into_iter()
        .chain(w.iter().map(|x| Constraint::Length(*x as u16)))
        .collect();
    let inner = block.inner(area);
    let table = Table::new(rows, constraints)
        .header(header)
        .column_spacing(1)
        .block(block);
    f.render_widget(table, area);
    if st.view.is_empty() && inner.height > 1 {
        // On the line under the header, across the whole table: a table row would cut it to
        // the first column's width.
        let msg = if st.filter.is_active() {
            let esc = keymap::key(Context::Table, Action::ClearFilter);
            format!("(no records match the filter; {esc} clears it)")
        } else {
            "(no records)".to_string()
        };
        let line = Rect::new(inner.x, inner.y + 1, inner.width, 1);
        let fitted = text::fit(&msg, inner.width as usize).into_owned();
        f.render_widget(Line::styled(fitted, theme.dim), line);
    }
}

/// `field: snippet` in `width` columns: the field a row matched in, dim, then the text around the
/// match with the matched characters lit. For a match through a reading of the name (pinyin),
/// the field alone says so.
fn why_spans(
    d: &crate::search::Described,
    hl: &crate::search::highlight::Highlighter,
    width: usize,
    theme: &Theme,
) -> Vec<Span<'static>> {
    let style = ratatui::style::Style::new();
    if d.matched_text == d.name {
        return vec![Span::styled(text::pad(d.matched, width, false), theme.dim)];
    }
    let label = format!("{}: ", d.matched);
    let lw = text::width(&label).min(width);
    let room = width - lw;
    let mut spans = vec![Span::styled(text::fit(&label, width).into_owned(), theme.dim)];
    let snippet = super::palette::snippet(&d.matched_text, Some(hl), room);
    let idx = hl.indices(&snippet);
    spans.extend(super::highlighted(
        &snippet,
        &idx,
        room,
        false,
        style,
        theme.matched,
    ));
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::Tab;

    #[test]
    fn widths_fit_the_room_and_respect_minimums() {
        let cols = Tab::Deals.columns();
        let natural = vec![10, 12, 20, 12, 9, 50];
        for avail in [0, 5, 20, 40, 78, 118, 200] {
            let w = widths(cols, &natural, avail);
            let used: usize = w.iter().sum::<usize>() + w.len().saturating_sub(1);
            assert!(
                used <= avail.max(w.first().copied().unwrap_or(0)),
                "{avail}: {w:?}"
            );
            if avail >= 118 {
                assert_eq!(used, avail, "wide tables fill the width");
            }
        }
    }
}
