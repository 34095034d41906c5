//! The Trends chart: the series [`App::chart_ids`] names, drawn from the one model of a chart,
//! [`view::chart::build`] — on a true time axis, a panel per unit, with a legend and the model's
//! notes. This module only lays the model out in cells and paints it.
//!
//! - **Time**: the x axis is the model's ([`XAxis`]), mapped onto the plot's braille dots (2 a
//!   cell across). Each point sits at the middle of its period; on a line that is not joined, a
//!   period wider than a few cells also shows its span as a run of dots at its value, so a
//!   half-year visibly covers two quarters. Only lines the model marks `joined` are joined, point
//!   to point.
//! - **Panels**: one per unit, stacked on the shared time axis, each with its own round y ticks
//!   (the model's, re-ticked for the rows the panel gets: [`Chart::fit_y_ticks`]); a lower panel
//!   starts under a dashed rule naming its unit. When the area cannot hold every panel, the ones
//!   that fit are drawn and the title says how many are hidden.
//! - **Lines and cues**: each line has its own marker shape (`●■▲◆▼★✦`) and colour (the theme's
//!   `series` roles), by [`chart::look`]: no two of the first 7 × colours lines share both, so
//!   lines stay apart under `NO_COLOR` too, where only the 7 shapes tell them apart and a chart of
//!   more lines draws the first 7 and names the rest in a note ([`Chart::keep_lines`]). A figure
//!   that is not an actual one (estimate, forecast, target …) gets the hollow shape
//!   (`○□△◇▽☆✧`); the legend says which statuses those are. A range is drawn as a vertical run of
//!   dots from its low to its high. Values are labelled as tables show them (`>398亿元`,
//!   qualifier kept) beside their points where there is room, each line's last point first, by
//!   [`place`]: on blank cells first, never over a marker or touching another label, never nearer
//!   another point than its own (two lines' points in one period); the title counts the values
//!   left unlabelled (`· 2 values unlabelled`).
//! - **Grid**: every point is put on the braille grid first; its marker goes in the cell holding
//!   that grid dot and the line joins those same dots (ratatui's `Chart` places lines and markers
//!   by two different roundings).
//! - **Small areas**: rows go first to one panel and the axis, then a note, the legend, the other
//!   panels and the other notes; below the minimum it says so in a line, and it never panics.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::canvas::{Canvas, Line as CanvasLine, Points};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::kb::terms::Status;
use crate::text;
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::view::chart::place::{self, Ask, Rules, Side, Spot};
use crate::view::chart::{self, Chart, MAX_Y_TICKS, XAxis};

/// Rows between two y ticks, at least: a label per row would be unreadable.
const TICK_ROWS: u16 = 2;
/// A panel's plot is at least this many rows high.
const MIN_PLOT_ROWS: u16 = 3;
/// The plot (right of the y labels) is at least this many columns wide.
const MIN_PLOT_COLS: u16 = 8;
/// A point's span is drawn when it covers at least this many braille dots (3 cells).
const SPAN_DOTS: usize = 6;
/// Marker shapes, one per line (cycled, [`chart::look`]): filled for an actual figure, hollow for
/// any other status. (No `▶`/`◀`: terminals may draw them as emoji.)
pub const SHAPES: [(&str, &str); chart::SHAPES] = [
    ("●", "○"),
    ("■", "□"),
    ("▲", "△"),
    ("◆", "◇"),
    ("▼", "▽"),
    ("★", "☆"),
    ("✦", "✧"),
];
/// Columns between two legend entries.
const LEGEND_GAP: usize = 2;

pub fn render(f: &mut Frame, app: &App, area: Rect, theme: &Theme) {
    let ids = app.chart_ids();
    if ids.is_empty() {
        let block = Block::default().borders(Borders::ALL).border_style(theme.border);
        f.render_widget(Paragraph::new("No series selected").block(block), area);
        return;
    }
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    draw_chart(f, &chart::build(&app.kb, &ids, MAX_Y_TICKS), area, theme);
}

/// The marker of line `line` for a point of status `status`.
pub fn marker(line: usize, status: Status) -> &'static str {
    let (filled, hollow) = SHAPES[chart::look(line, 1).0];
    if status.is_actual() { filled } else { hollow }
}

/// The theme's series colours, each once: a colour given twice (every one, without colour) tells
/// no lines apart.
fn palette(theme: &Theme) -> Vec<Style> {
    let mut p: Vec<Style> = Vec::new();
    for s in theme.series {
        if !p.contains(&s) {
            p.push(s);
        }
    }
    p
}

/// One legend entry: a glyph in a style, then its text.
struct Entry {
    glyph: &'static str,
    style: Style,
    text: String,
}

/// The legend: each line with its marker, then what the hollow markers mean (when any occurs).
fn legend(c: &Chart, theme: &Theme) -> Vec<Entry> {
    let mut entries: Vec<Entry> = c
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| Entry {
            glyph: marker(i, Status::Actual),
            style: line_style(theme, i),
            text: l.label.clone(),
        })
        .collect();
    let others: Vec<&str> = Status::ALL
        .iter()
        .filter(|s| !s.is_actual())
        .filter(|s| c.lines.iter().flat_map(|l| &l.points).any(|p| p.status == **s))
        .map(|s| s.as_str())
        .collect();
    if !others.is_empty() {
        let actual = c
            .lines
            .iter()
            .flat_map(|l| &l.points)
            .any(|p| p.status.is_actual());
        entries.push(Entry {
            glyph: marker(0, Status::Estimate),
            style: theme.dim,
            text: if actual {
                format!("hollow: {} (filled: actual)", others.join(", "))
            } else {
                format!("hollow: {}", others.join(", "))
            },
        });
    }
    entries
}

/// Line `i`'s colour ([`chart::look`] over the [`palette`]).
fn line_style(theme: &Theme, i: usize) -> Style {
    let p = palette(theme);
    p[chart::look(i, p.len()).1]
}

/// Legend entries of these widths packed into rows of `width` columns, in order, `LEGEND_GAP`
/// apart: the entries' indices, row by row. An entry wider than a row gets a row of its own.
pub fn pack(widths: &[usize], width: usize) -> Vec<Vec<usize>> {
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut used = 0;
    for (i, w) in widths.iter().enumerate() {
        match rows.last_mut() {
            Some(row) if used + LEGEND_GAP + w <= width => {
                row.push(i);
                used += LEGEND_GAP + w;
            }
            _ => {
                rows.push(vec![i]);
                used = *w;
            }
        }
    }
    rows
}

/// How the chart's inner rows are shared out, top to bottom: `legend` rows, the panels' plots
/// (`panels[k]` rows for the k-th shown panel, a rule row above each but the first), the x axis
/// and its labels (2 rows), then `notes` rows.
#[derive(Debug, PartialEq, Eq)]
pub struct Rows {
    pub legend: u16,
    pub panels: Vec<u16>,
    pub notes: u16,
}

/// Share `height` rows among a legend of `legend` rows, `panels` panels and `notes` notes: one
/// panel and the axis first (`None` when even they do not fit), then the first note, the legend,
/// more panels, the other notes; rows left over make the panels taller, evenly.
pub fn plan_rows(height: u16, legend: u16, panels: usize, notes: usize) -> Option<Rows> {
    if panels == 0 || height < MIN_PLOT_ROWS + 2 {
        return None;
    }
    let mut left = height - MIN_PLOT_ROWS - 2;
    let mut shown = vec![MIN_PLOT_ROWS];
    let mut note_rows = u16::from(notes > 0 && left > 0);
    left -= note_rows;
    let legend = legend.min(left);
    left -= legend;
    while shown.len() < panels && left > MIN_PLOT_ROWS {
        shown.push(MIN_PLOT_ROWS);
        left -= MIN_PLOT_ROWS + 1;
    }
    let more = (notes as u16).saturating_sub(note_rows).min(left);
    note_rows += more;
    left -= more;
    let n = shown.len() as u16;
    for (k, rows) in shown.iter_mut().enumerate() {
        *rows += left / n + u16::from((k as u16) < left % n);
    }
    Some(Rows {
        legend,
        panels: shown,
        notes: note_rows,
    })
}

/// Draw `c` in `area`: a box titled with the chart's series, the legend, the panels on their
/// time axis, and the notes. Any size, down to nothing.
pub fn draw_chart(f: &mut Frame, c: &Chart, area: Rect, theme: &Theme) {
    // Only the lines the theme's shapes and colours tell apart; a note names the rest.
    let kept;
    let c = {
        let colours = palette(theme).len();
        if c.lines.len() > chart::distinct_lines(colours) {
            let mut k = c.clone();
            let why = if colours == 1 {
                format!("without colour, {} marker shapes", chart::SHAPES)
            } else {
                format!("{} marker shapes × {colours} colours", chart::SHAPES)
            };
            k.keep_lines(chart::distinct_lines(colours), &why);
            kept = k;
            &kept
        } else {
            c
        }
    };
    f.render_widget(Clear, area);
    let block = Block::default().borders(Borders::ALL).border_style(theme.border);
    let inner = block.inner(area);
    let title_room = usize::from(area.width.saturating_sub(4));
    let unit = match c.panels.as_slice() {
        [p] => format!(" · {}", p.unit_label),
        _ => String::new(),
    };
    let title = |suffix: &str| {
        let name = text::fit(
            &c.title,
            title_room.saturating_sub(text::width(&unit) + text::width(suffix)),
        );
        Span::styled(
            text::fit(&format!(" {name}{unit}{suffix} "), title_room + 2).into_owned(),
            theme.accent,
        )
    };
    let message = |f: &mut Frame, lines: Vec<String>, suffix: &str| {
        let text: Vec<ratatui::text::Line> = lines
            .iter()
            .map(|l| ratatui::text::Line::raw(text::fit(l, usize::from(inner.width)).into_owned()))
            .collect();
        f.render_widget(
            Paragraph::new(text).block(block.clone().title(title(suffix))),
            area,
        );
    };
    if c.lines.is_empty() {
        let mut lines = vec!["No points to draw".to_string()];
        lines.extend(c.notes.iter().cloned());
        message(f, lines, "");
        return;
    }
    let entries = legend(c, theme);
    let entry_w = |e: &Entry| (text::width(e.glyph) + 1 + text::width(&e.text)).min(usize::from(inner.width));
    let widths: Vec<usize> = entries.iter().map(entry_w).collect();
    let legend_rows = pack(&widths, usize::from(inner.width));
    let Some(rows) = plan_rows(
        inner.height,
        legend_rows.len() as u16,
        c.panels.len(),
        c.notes.len(),
    ) else {
        message(f, vec!["(enlarge to see the chart)".into()], "");
        return;
    };
    // Each panel shown re-ticked for its rows; the y labels' column as wide as the widest.
    let mut c = c.clone();
    for (k, h) in rows.panels.iter().enumerate() {
        c.fit_y_ticks(k, y_ticks_for(*h));
    }
    let label_w = c.panels[..rows.panels.len()]
        .iter()
        .flat_map(|p| &p.y.ticks)
        .map(|(_, l)| text::width(l) as u16)
        .max()
        .unwrap_or(0)
        .min(inner.width / 3);
    if inner.width < label_w + 1 + MIN_PLOT_COLS {
        message(f, vec!["(enlarge to see the chart)".into()], "");
        return;
    }
    let mut suffix = String::new();
    let hidden = c.panels.len() - rows.panels.len();
    if hidden > 0 {
        suffix += &format!(" · {hidden} of {} panels hidden", c.panels.len());
    }
    let hidden_notes = c.notes.len() - usize::from(rows.notes);
    if hidden_notes > 0 {
        suffix += &format!(
            " · {hidden_notes} note{} hidden",
            if hidden_notes == 1 { "" } else { "s" }
        );
    }

    // The legend.
    let mut y = inner.y;
    for row in legend_rows.iter().take(usize::from(rows.legend)) {
        let mut x = inner.x;
        let buf = f.buffer_mut();
        for &i in row {
            let e = &entries[i];
            buf.set_string(x, y, e.glyph, e.style.add_modifier(Modifier::BOLD));
            let room = widths[i].saturating_sub(text::width(e.glyph) + 1);
            let body = text::fit(&e.text, room);
            let style = if i < c.lines.len() {
                Style::new()
            } else {
                theme.dim
            };
            buf.set_string(x + text::width(e.glyph) as u16 + 1, y, body, style);
            x += (widths[i] + LEGEND_GAP) as u16;
        }
        y += 1;
    }

    // The panels, one under another, on the same columns.
    let mut unlabelled = 0;
    let plot_x = inner.x + label_w + 1;
    let plot_w = inner.width - label_w - 1;
    for (k, h) in rows.panels.iter().enumerate() {
        if k > 0 {
            let buf = f.buffer_mut();
            buf.set_string(plot_x - 1, y, "├", theme.dim);
            buf.set_string(plot_x, y, "╌".repeat(usize::from(plot_w)), theme.dim);
            let unit = text::fit(&c.panels[k].unit_label, usize::from(plot_w.saturating_sub(4)));
            buf.set_string(plot_x + 1, y, format!(" {unit} "), theme.dim);
            y += 1;
        }
        let plot = Rect::new(plot_x, y, plot_w, *h);
        unlabelled += draw_panel(f, &c, k, plot, Rect::new(inner.x, y, label_w, *h), theme);
        y += h;
    }

    // The title, with what is not shown: panels and notes without room, values without a label
    // clearly their own point's. (The block draws its border and title only.)
    if unlabelled > 0 {
        suffix += &format!(
            " · {unlabelled} value{} unlabelled",
            if unlabelled == 1 { "" } else { "s" }
        );
    }
    f.render_widget(block.title(title(&suffix)), area);

    // The time axis under the last panel, and its labels.
    draw_x_axis(f.buffer_mut(), &c.x, plot_x, plot_w, y, inner, theme);
    y += 2;

    // The notes.
    let buf = f.buffer_mut();
    for note in c.notes.iter().take(usize::from(rows.notes)) {
        buf.set_string(
            inner.x,
            y,
            text::fit(note, usize::from(inner.width)),
            Style::new(),
        );
        y += 1;
    }
}

/// How many y ticks a panel of `rows` rows asks the model for: about one a row, up to the
/// model's maximum. Fewer would make the range coarse (two ticks for 398亿–635亿 span 0–1000亿);
/// labels closer than `TICK_ROWS` are then left out when drawn.
fn y_ticks_for(rows: u16) -> usize {
    usize::from(rows).saturating_add(1).clamp(2, MAX_Y_TICKS)
}

/// The braille dot (0 at the left) of month `m` on a plot of `dots` dots across.
fn dot_x(x: &XAxis, m: f64, dots: usize) -> usize {
    let span = (x.hi - x.lo).max(f64::MIN_POSITIVE);
    let d = ((m - x.lo) / span * (dots - 1) as f64).round();
    d.clamp(0.0, (dots - 1) as f64) as usize
}

/// Panel `k` of `c` in `plot`, its y labels right-aligned in `labels` and the axis between: how
/// many values it left unlabelled (no place clearly their own point's).
fn draw_panel(f: &mut Frame, c: &Chart, k: usize, plot: Rect, labels: Rect, theme: &Theme) -> usize {
    let (gw, gh) = (usize::from(plot.width) * 2, usize::from(plot.height) * 4);
    let yaxis = &c.panels[k].y;
    let yspan = (yaxis.hi - yaxis.lo).max(f64::MIN_POSITIVE);
    let gy = |v: f64| {
        ((v - yaxis.lo) / yspan * (gh - 1) as f64)
            .round()
            .clamp(0.0, (gh - 1) as f64) as usize
    };
    let gx = |m: f64| dot_x(&c.x, m, gw);
    let lines: Vec<(usize, &chart::ChartLine)> =
        c.lines.iter().enumerate().filter(|(_, l)| l.panel == k).collect();
    // Each point on the grid: (line, point, x dot, y dot).
    let grid: Vec<(usize, usize, usize, usize)> = lines
        .iter()
        .flat_map(|(i, l)| {
            l.points
                .iter()
                .enumerate()
                .map(move |(j, p)| (*i, j, gx(p.x()), gy(p.value)))
        })
        .collect();
    let colour = |i: usize| line_style(theme, i).fg.unwrap_or(Color::Reset);
    // Canvas bounds equal to the grid's, so ratatui maps each grid dot onto itself exactly.
    let canvas = Canvas::default()
        .marker(Marker::Braille)
        .x_bounds([0.0, (gw - 1) as f64])
        .y_bounds([0.0, (gh - 1) as f64])
        .paint(|ctx| {
            for (i, l) in &lines {
                let mut dots: Vec<(f64, f64)> = Vec::new();
                for p in &l.points {
                    let (x, y) = (gx(p.x()), gy(p.value));
                    // The span of a long period, a dot short of each end so neighbours stay
                    // apart; not on a joined line, whose points are consecutive periods.
                    let (s, e) = (gx(p.start), gx(p.end));
                    if !l.joined && e.saturating_sub(s) >= SPAN_DOTS {
                        dots.extend((s + 1..e).map(|d| (d as f64, y as f64)));
                    }
                    // A range, from its low to its high.
                    let (lo, hi) = (gy(p.low), gy(p.high));
                    dots.extend((lo..=hi).map(|d| (x as f64, d as f64)));
                }
                if l.joined {
                    let pts: Vec<(usize, usize)> =
                        l.points.iter().map(|p| (gx(p.x()), gy(p.value))).collect();
                    for w in pts.windows(2) {
                        ctx.draw(&CanvasLine {
                            x1: w[0].0 as f64,
                            y1: w[0].1 as f64,
                            x2: w[1].0 as f64,
                            y2: w[1].1 as f64,
                            color: colour(*i),
                        });
                    }
                }
                ctx.draw(&Points {
                    coords: &dots,
                    color: colour(*i),
                });
            }
        });
    f.render_widget(canvas, plot);
    let buf = f.buffer_mut();
    let cell_of = |x: usize, y: usize| ((x / 2) as u16, ((gh - 1 - y) / 4) as u16);
    // Blank cells (no line's dots), where labels go first.
    let ink: Vec<bool> = (0..plot.height)
        .flat_map(|y| (0..plot.width).map(move |x| (x, y)))
        .map(|(x, y)| {
            buf.cell((plot.x + x, plot.y + y))
                .is_some_and(|c| c.symbol() != " " && c.symbol() != "\u{2800}")
        })
        .collect();
    // Markers in the cells of their grid dots: on the line, not beside it.
    for &(i, j, x, y) in &grid {
        let (cx, cy) = cell_of(x, y);
        let p = &c.lines[i].points[j];
        buf.set_string(
            plot.x + cx,
            plot.y + cy,
            marker(i, p.status),
            line_style(theme, i).add_modifier(Modifier::BOLD),
        );
    }
    // Value labels: every line's last point first, then the others from the right.
    let mut order: Vec<(usize, usize, usize, usize)> = Vec::new();
    for (i, l) in &lines {
        if let Some(last) = l.points.len().checked_sub(1) {
            order.extend(grid.iter().filter(|g| g.0 == *i && g.1 == last));
        }
    }
    for (i, l) in &lines {
        for j in (0..l.points.len().saturating_sub(1)).rev() {
            order.extend(grid.iter().filter(|g| g.0 == *i && g.1 == j));
        }
    }
    let texts: Vec<String> = order
        .iter()
        .map(|&(i, j, _, _)| text::fit(&c.lines[i].points[j].label, usize::from(plot.width) / 2).into_owned())
        .collect();
    let asks: Vec<Ask> = order
        .iter()
        .zip(&texts)
        .map(|(&(_, _, x, y), t)| {
            let (cx, cy) = cell_of(x, y);
            Ask {
                mark: place::Rect::new(f64::from(cx), f64::from(cy), 1.0, 1.0),
                text: t,
                w: text::width(t) as f64,
                h: 1.0,
            }
        })
        .collect();
    let rules = Rules {
        sides: &Side::IN_CELLS,
        gap: 0.0,
        apart: (1.0, 0.0),
        bounds: place::Rect::new(0.0, 0.0, f64::from(plot.width), f64::from(plot.height)),
        y_scale: 2.0,
    };
    let blank = |r: &place::Rect| {
        let (x, y) = (r.x as usize, r.y as usize);
        (x..x + r.w as usize).all(|x| !ink[y * usize::from(plot.width) + x])
    };
    let spots = place::place(&asks, &rules, blank);
    let mut unlabelled = 0;
    for ((&(i, _, _, _), t), spot) in order.iter().zip(&texts).zip(&spots) {
        match spot {
            Spot::At(r) => {
                buf.set_string(plot.x + r.x as u16, plot.y + r.y as u16, t, line_style(theme, i));
            }
            Spot::Same(_) => {}
            Spot::None => unlabelled += 1,
        }
    }
    // The y axis, with the ticks the model gives at the rows their values fall on: every one, or
    // every second (third …) — a stride that keeps the top and bottom ones when one does — when
    // they would come closer than `TICK_ROWS`; one that would still touch another already placed
    // is left out. Top and bottom first.
    let axis_x = plot.x - 1;
    for row in plot.y..plot.y + plot.height {
        buf.set_string(axis_x, row, "│", theme.dim);
    }
    let row_of = |t: f64| plot.y + cell_of(0, gy(t)).1;
    let ticks = &yaxis.ticks;
    let apart = |stride: usize| {
        ticks
            .iter()
            .step_by(stride)
            .zip(ticks.iter().step_by(stride).skip(1))
            .all(|(a, b)| row_of(a.0).abs_diff(row_of(b.0)) >= TICK_ROWS)
    };
    let last = ticks.len().saturating_sub(1);
    let stride = (1..=last.max(1))
        .find(|s| last.is_multiple_of(*s) && apart(*s))
        .or_else(|| (1..=last.max(1)).find(|s| apart(*s)))
        .unwrap_or(1);
    let ticks: Vec<&(f64, String)> = ticks.iter().step_by(stride).collect();
    let mut order: Vec<usize> = (0..ticks.len()).collect();
    if order.len() > 2 {
        let last = order.pop().unwrap_or(0);
        order.insert(1, last);
    }
    let mut taken: Vec<u16> = Vec::new();
    for k in order {
        let (t, label) = ticks[k];
        let row = row_of(*t);
        if taken.iter().any(|r| r.abs_diff(row) < TICK_ROWS) {
            continue;
        }
        taken.push(row);
        let w = usize::from(labels.width);
        buf.set_string(labels.x, row, text::pad(&text::fit(label, w), w, true), theme.dim);
        buf.set_string(axis_x, row, "┤", theme.dim);
    }
    unlabelled
}

/// The x axis on row `y` under a plot `plot_w` wide at `plot_x`, ticked, and its labels on the
/// row under it: each at its tick, years before quarters, none touching another or cut.
fn draw_x_axis(buf: &mut Buffer, x: &XAxis, plot_x: u16, plot_w: u16, y: u16, inner: Rect, theme: &Theme) {
    let dots = usize::from(plot_w) * 2;
    buf.set_string(plot_x - 1, y, "└", theme.dim);
    buf.set_string(plot_x, y, "─".repeat(usize::from(plot_w)), theme.dim);
    let col = |at: f64| plot_x + (dot_x(x, at, dots) / 2) as u16;
    for t in &x.ticks {
        buf.set_string(col(t.at), y, "┴", theme.dim);
    }
    let mut order: Vec<&chart::XTick> = x.ticks.iter().filter(|t| t.major).collect();
    order.extend(x.ticks.iter().filter(|t| !t.major));
    let mut placed: Vec<(u16, u16)> = Vec::new();
    for t in order {
        let w = text::width(&t.label) as u16;
        let start = col(t.at);
        let end = start + w;
        if w == 0 || end > inner.x + inner.width || placed.iter().any(|(a, b)| start <= *b && *a <= end) {
            continue;
        }
        placed.push((start, end));
        buf.set_string(
            start,
            y + 1,
            &t.label,
            if t.major { Style::new() } else { theme.dim },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_panel_and_the_axis_come_first_then_a_note_the_legend_more_panels_other_notes() {
        // Too small for one panel and its axis.
        assert_eq!(plan_rows(4, 2, 1, 1), None);
        assert_eq!(plan_rows(40, 2, 0, 1), None);
        // Exactly one panel and the axis.
        assert_eq!(
            plan_rows(5, 2, 2, 3),
            Some(Rows {
                legend: 0,
                panels: vec![3],
                notes: 0
            })
        );
        // Then the first note, then the legend.
        assert_eq!(
            plan_rows(7, 2, 2, 3),
            Some(Rows {
                legend: 1,
                panels: vec![3],
                notes: 1
            })
        );
        // A second panel needs its rule and three rows.
        assert_eq!(
            plan_rows(11, 2, 2, 3),
            Some(Rows {
                legend: 2,
                panels: vec![4],
                notes: 3
            }),
            "one row short of a second panel: the other notes, and the panel gets the rest"
        );
        assert_eq!(
            plan_rows(12, 2, 2, 3),
            Some(Rows {
                legend: 2,
                panels: vec![3, 3],
                notes: 1
            })
        );
        assert_eq!(
            plan_rows(13, 2, 2, 3),
            Some(Rows {
                legend: 2,
                panels: vec![3, 3],
                notes: 2
            })
        );
        // Room to spare: every note, the panels share the rest evenly.
        let r = plan_rows(30, 2, 2, 3).unwrap();
        assert_eq!(r.notes, 3);
        assert_eq!(r.panels, vec![11, 11]);
        let r = plan_rows(31, 2, 2, 3).unwrap();
        assert_eq!(r.panels, vec![12, 11], "the first panel gets the odd row");
        let used = r.legend + r.panels.iter().sum::<u16>() + (r.panels.len() as u16 - 1) + 2 + r.notes;
        assert_eq!(used, 31);
    }

    #[test]
    fn every_plan_fits_its_height() {
        for h in 0..60 {
            for legend in 0..6 {
                for panels in 0..5 {
                    for notes in 0..5 {
                        let Some(r) = plan_rows(h, legend, panels, notes) else {
                            assert!(h < 5 || panels == 0);
                            continue;
                        };
                        let used = r.legend
                            + r.panels.iter().sum::<u16>()
                            + (r.panels.len() as u16 - 1)
                            + 2
                            + r.notes;
                        assert!(used <= h, "{h} {legend} {panels} {notes}: {r:?}");
                        assert!(!r.panels.is_empty() && r.panels.len() <= panels);
                        assert!(r.panels.iter().all(|p| *p >= MIN_PLOT_ROWS));
                        assert!(usize::from(r.notes) <= notes && r.legend <= legend);
                    }
                }
            }
        }
    }

    #[test]
    fn legend_entries_pack_into_rows_in_order() {
        assert_eq!(pack(&[10, 10, 10], 22), vec![vec![0, 1], vec![2]]);
        assert_eq!(pack(&[10, 10, 10], 21), vec![vec![0], vec![1], vec![2]]);
        assert_eq!(
            pack(&[30, 5], 20),
            vec![vec![0], vec![1]],
            "too wide: a row of its own"
        );
        assert!(pack(&[], 20).is_empty());
    }

    /// The rows of `buf` as characters, each with its column (a wide character once).
    fn rows_of(buf: &Buffer) -> Vec<Vec<(u16, String)>> {
        (0..buf.area.height)
            .map(|y| {
                let mut row = Vec::new();
                let mut x = 0;
                while x < buf.area.width {
                    let s = buf[(x, y)].symbol().to_string();
                    let w = text::width(&s).max(1) as u16;
                    row.push((x, s));
                    x += w;
                }
                row
            })
            .collect()
    }

    /// Lines with points in the same periods at close values (the fixture's cross): every value
    /// label drawn is whole (none covers another), the marker nearest it is its own line's (never
    /// another's as near), and the title counts the values left unlabelled.
    #[test]
    fn labels_of_lines_in_one_period_stay_whole_and_by_their_own_points() {
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;
        for n in [2, 3, 4] {
            let kb = chart::fixture::same_periods(n);
            let ids = chart::fixture::ids(n);
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            let c = chart::build(&kb, &ids, MAX_Y_TICKS);
            for (w, h) in [(36, 12), (40, 16), (60, 24), (80, 34)] {
                let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
                t.draw(|f| draw_chart(f, &c, Rect::new(0, 0, w, h), &Theme::mono()))
                    .unwrap();
                let rows = rows_of(t.backend().buffer());
                let screen: Vec<String> = rows
                    .iter()
                    .map(|r| r.iter().map(|(_, s)| s.as_str()).collect())
                    .collect();
                let screen = screen.join("\n");
                // Markers: (column, row, shape).
                let mut markers: Vec<(f64, f64, usize)> = Vec::new();
                for (y, r) in rows.iter().enumerate() {
                    for (x, s) in r {
                        if let Some(k) = SHAPES.iter().position(|(a, b)| a == s || b == s) {
                            markers.push((f64::from(*x), y as f64, k));
                        }
                    }
                }
                let mut found = 0;
                let mut total = 0;
                for (i, l) in c.lines.iter().enumerate() {
                    for p in &l.points {
                        total += 1;
                        // In the plot: right of the y axis (`┤`, `│` or `└` after the border).
                        let spots: Vec<(f64, f64, f64)> = rows
                            .iter()
                            .enumerate()
                            .filter_map(|(y, r)| {
                                let axis = r
                                    .iter()
                                    .skip(1)
                                    .position(|(_, s)| ["┤", "│", "├"].contains(&s.as_str()))?
                                    + 1;
                                let cells = &r[axis + 1..];
                                let chars: Vec<&str> = cells.iter().map(|(_, s)| s.as_str()).collect();
                                let want: Vec<String> = p.label.chars().map(String::from).collect();
                                (0..chars.len().saturating_sub(want.len() - 1))
                                    .find(|&k| chars[k..k + want.len()] == want[..])
                                    .map(|k| {
                                        let x0 = f64::from(cells[k].0);
                                        (x0, x0 + text::width(&p.label) as f64, y as f64)
                                    })
                            })
                            .collect();
                        assert!(spots.len() <= 1, "{} twice\n{screen}", p.label);
                        let Some(&(x0, x1, y)) = spots.first() else {
                            continue;
                        };
                        found += 1;
                        let d = |(mx, my, _): &(f64, f64, usize)| {
                            let (px, py) = (mx + 0.5, my + 0.5);
                            let dx = (x0 - px).max(px - x1).max(0.0);
                            let dy = (y - py).max(py - (y + 1.0)).max(0.0) * 2.0;
                            dx.hypot(dy)
                        };
                        let own = chart::look(i, 1).0;
                        let mine = markers
                            .iter()
                            .filter(|m| m.2 == own)
                            .map(d)
                            .fold(f64::INFINITY, f64::min);
                        for m in markers.iter().filter(|m| m.2 != own) {
                            assert!(d(m) > mine, "{} of line {i} is as near {m:?}\n{screen}", p.label);
                        }
                    }
                }
                let title = screen.lines().next().unwrap().trim_end_matches(['┐', '─', ' ']);
                let unlabelled = title
                    .split(" · ")
                    .find_map(|part| {
                        part.strip_suffix(" values unlabelled")
                            .or(part.strip_suffix(" value unlabelled"))
                    })
                    .map_or(0, |k| k.trim().parse::<usize>().unwrap());
                assert_eq!(found + unlabelled, total, "{n} lines at {w}x{h}\n{screen}");
                if (w, h) == (80, 34) {
                    assert_eq!(unlabelled, 0, "room for every label\n{screen}");
                }
            }
        }
    }

    /// Nine lines: in colour every one is drawn, no two with the same shape and colour in the
    /// legend; without colour only 7 shapes tell lines apart, so 7 are drawn and a note names the
    /// other two.
    #[test]
    fn more_lines_than_shapes_differ_by_colour_or_are_named_in_a_note() {
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;
        let kb = chart::fixture::same_periods(9);
        let ids = chart::fixture::ids(9);
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let c = chart::build(&kb, &ids, MAX_Y_TICKS);
        for theme in [Theme::colour(), Theme::mono()] {
            let mut t = Terminal::new(TestBackend::new(100, 40)).unwrap();
            t.draw(|f| draw_chart(f, &c, Rect::new(0, 0, 100, 40), &theme))
                .unwrap();
            let buf = t.backend().buffer();
            let rows = rows_of(buf);
            let screen: Vec<String> = rows
                .iter()
                .map(|r| r.iter().map(|(_, s)| s.as_str()).collect())
                .collect();
            let screen = screen.join("\n");
            // The legend: each entry's glyph and colour, before its name.
            let mut entries: Vec<(String, String)> = Vec::new();
            for (y, r) in rows.iter().enumerate().take(3) {
                for (k, (x, s)) in r.iter().enumerate() {
                    if SHAPES.iter().any(|(a, _)| a == s) && r.get(k + 2).is_some_and(|(_, n)| n == "线") {
                        entries.push((s.clone(), format!("{:?}", buf[(*x, y as u16)].fg)));
                    }
                }
            }
            let coloured = palette(&theme).len() > 1;
            let drawn = if coloured { 9 } else { 7 };
            assert_eq!(entries.len(), drawn, "{screen}");
            for (k, e) in entries.iter().enumerate() {
                assert!(!entries[k + 1..].contains(e), "{e:?} twice\n{screen}");
            }
            if coloured {
                assert!(!screen.contains("not drawn"), "{screen}");
            } else {
                let legend = screen.lines().nth(1).unwrap();
                assert!(legend.contains("线7") && !legend.contains("线8"), "{screen}");
                assert!(
                    screen.contains(
                        "2 of 9 lines not drawn, as only 7 can be told apart (without colour, 7 marker"
                    ),
                    "{screen}"
                );
            }
        }
    }

    /// Every size from nothing up, at an offset, in colour and without: no panic, nothing drawn
    /// outside the area. With every series of the default KB at once (many units and notes) too.
    #[test]
    fn draws_at_any_size_without_panicking_or_spilling() {
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;
        let kb = crate::kb::load_builtin().kb;
        let two = chart::build(&kb, &["aliyun-revenue", "aliyun-revenue-growth"], MAX_Y_TICKS);
        let ids: Vec<&str> = kb.series.iter().map(|s| s.id.as_str()).collect();
        let all = chart::build(&kb, &ids, MAX_Y_TICKS);
        assert!(all.panels.len() > 3, "{} panels", all.panels.len());
        let mut t = Terminal::new(TestBackend::new(90, 50)).unwrap();
        // Every small size (where degrading happens), then a sample of larger ones.
        let sizes = |max: u16| (0..=16).chain((17..=max).step_by(7));
        for c in [&two, &all] {
            for theme in [Theme::colour(), Theme::mono()] {
                for w in sizes(80) {
                    for h in sizes(44) {
                        let area = Rect::new(3, 2, w, h);
                        t.clear().unwrap();
                        t.draw(|f| draw_chart(f, c, area, &theme)).unwrap();
                        let buf = t.backend().buffer();
                        for y in 0..50 {
                            for x in 0..90 {
                                if !area.contains((x, y).into()) {
                                    assert_eq!(buf[(x, y)].symbol(), " ", "{w}x{h}: ({x}, {y})");
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn markers_are_filled_for_actual_figures_and_hollow_otherwise_one_shape_a_line() {
        assert_eq!(marker(0, Status::Actual), "●");
        assert_eq!(marker(0, Status::Estimate), "○");
        assert_eq!(marker(1, Status::Target), "□");
        assert_eq!(marker(SHAPES.len(), Status::Actual), "●", "cycled");
        let all: Vec<&str> = SHAPES.iter().flat_map(|(a, b)| [*a, *b]).collect();
        for (i, a) in all.iter().enumerate() {
            assert!(!all[i + 1..].contains(a), "{a} twice");
            assert_eq!(text::width(a), 1);
        }
    }
}
