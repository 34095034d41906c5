//! The record table: columns sized to their content and the room there is, cells fitted by
//! display width (CJK-safe), only the visible rows built.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use crate::text;
use crate::tui::app::{App, Focus};
use crate::tui::keymap::{self, Action, Context};
use crate::tui::layout::columns::MARKER_W;
use crate::tui::theme::Theme;
use crate::view::{Align, ColType, Tab};

pub use crate::tui::layout::columns::Placed;

/// A marked row's marker, in a column of its own left of the table's (`MARKER_W` wide). ASCII: one
/// column in every terminal, whatever its width for East Asian ambiguous characters (`●` is two in
/// some).
const MARKER: &str = "*";

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
    let placed = app.placed(area);
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
