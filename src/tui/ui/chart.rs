//! The Trends chart: the selected series with labelled axes (periods and values in its unit).
//!
//! Drawn here rather than with ratatui's `Chart`, whose line (braille, 2×4 dots a cell) and point
//! markers (one a cell) are placed by two different roundings, so the line started a row above
//! its first point and ran past its last, and whose labels are spread evenly whatever their width
//! (`2025-Q2025-Q3` at 80 columns). Here every point is put on the braille grid first; its marker
//! goes in the cell holding that grid dot, the line joins those same dots, y ticks are round
//! values (1-2-5 steps) at the rows their values fall on, and a label that would touch another is
//! left out.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::canvas::{Canvas, Line as CanvasLine, Points};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::kb::number::human_value;
use crate::text;
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::view::chart::nice_range;
use crate::view::spark;

/// Rows between two y ticks, at least: a label per row would be unreadable.
const TICK_ROWS: usize = 2;

pub fn render(f: &mut Frame, app: &App, area: Rect, theme: &Theme) {
    let block = Block::default().borders(Borders::ALL).border_style(theme.border);
    let ids = app.chart_ids();
    let Some(s) = ids.first().and_then(|id| app.kb.series_by_id(id)) else {
        f.render_widget(Paragraph::new("No series selected").block(block), area);
        return;
    };
    let slots = spark::series_values(s);
    let pts: Vec<(usize, f64)> = slots
        .iter()
        .enumerate()
        .filter_map(|(i, (_, v))| v.filter(|v| v.is_finite()).map(|v| (i, v)))
        .collect();
    if pts.is_empty() {
        f.render_widget(Paragraph::new("No points").block(block), area);
        return;
    }
    // KB text (the name, a price's "per" part): escaped like every other string drawn.
    let unit = text::escape_controls(&s.unit.to_string()).into_owned();
    let title = format!(
        " {} · {} ",
        text::fit(
            &text::escape_controls(&s.name),
            area.width.saturating_sub(16) as usize
        ),
        text::fit(&unit, 24)
    );
    let block = block.title(Span::styled(title, theme.accent));
    let inner = block.inner(area);
    f.render_widget(block, area);
    // Two rows under the plot (its axis, the periods); a plot at least 2 rows high.
    if inner.height < 4 || inner.width < 12 {
        return;
    }
    let plot_h = (inner.height - 2) as usize;
    let (lo, hi) = pts
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), (_, v)| {
            (l.min(*v), h.max(*v))
        });
    let max_ticks = (plot_h / TICK_ROWS + 1).clamp(2, 6);
    let (y_lo, y_hi, step) = nice_range(lo, hi, max_ticks);
    let ticks: Vec<(f64, String)> = (0..)
        .map(|k| y_lo + step * k as f64)
        .take_while(|t| *t <= y_hi + step * 1e-9)
        .map(|t| (t, text::escape_controls(&human_value(t, &s.unit)).into_owned()))
        .collect();
    let label_w = ticks
        .iter()
        .map(|(_, l)| text::width(l))
        .max()
        .unwrap_or(0)
        .min(inner.width as usize / 3);
    let plot = Rect {
        x: inner.x + label_w as u16 + 1,
        y: inner.y,
        width: inner.width - label_w as u16 - 1,
        height: plot_h as u16,
    };
    // The braille grid: 2 dots a cell across, 4 down. Points sit on whole dots, (0, 0) bottom left.
    let (gw, gh) = (plot.width as usize * 2, plot_h * 4);
    let n = slots.len();
    let gx = |i: usize| {
        if n > 1 {
            (i as f64 * (gw - 1) as f64 / (n - 1) as f64).round()
        } else {
            (gw / 2) as f64
        }
    };
    let gy = |v: f64| {
        ((v - y_lo) / (y_hi - y_lo) * (gh - 1) as f64)
            .round()
            .clamp(0.0, (gh - 1) as f64)
    };
    let grid: Vec<(f64, f64)> = pts.iter().map(|(i, v)| (gx(*i), gy(*v))).collect();
    // Canvas bounds equal to the grid's, so ratatui maps each grid dot onto itself exactly.
    let canvas = Canvas::default()
        .marker(Marker::Braille)
        .x_bounds([0.0, (gw - 1) as f64])
        .y_bounds([0.0, (gh - 1) as f64])
        .paint(|ctx| {
            for w in grid.windows(2) {
                ctx.draw(&CanvasLine {
                    x1: w[0].0,
                    y1: w[0].1,
                    x2: w[1].0,
                    y2: w[1].1,
                    color: theme.spark.fg.unwrap_or_default(),
                });
            }
            ctx.draw(&Points {
                coords: &grid,
                color: theme.spark.fg.unwrap_or_default(),
            });
        });
    f.render_widget(canvas, plot);
    let buf = f.buffer_mut();
    let cell_of = |x: f64, y: f64| (plot.x + (x as u16) / 2, plot.y + ((gh - 1) as u16 - y as u16) / 4);
    // A point's marker in the cell of its grid dot: on the line, not beside it.
    for (x, y) in &grid {
        if let Some(c) = buf.cell_mut(cell_of(*x, *y)) {
            c.set_symbol("•").set_style(theme.accent);
        }
    }
    // The axes.
    let axis_x = plot.x - 1;
    let axis_y = plot.y + plot.height;
    for y in plot.y..axis_y {
        if let Some(c) = buf.cell_mut((axis_x, y)) {
            c.set_symbol("│").set_style(theme.dim);
        }
    }
    if let Some(c) = buf.cell_mut((axis_x, axis_y)) {
        c.set_symbol("└").set_style(theme.dim);
    }
    for x in plot.x..plot.x + plot.width {
        if let Some(c) = buf.cell_mut((x, axis_y)) {
            c.set_symbol("─").set_style(theme.dim);
        }
    }
    // Y labels at the rows of their values, right-aligned: every tick, or every second (third …)
    // one when they would come closer than `TICK_ROWS`; one that would still touch another
    // already placed is left out. Top and bottom first.
    let row_of = |t: f64| cell_of(0.0, gy(t)).1;
    let mut stride = 1;
    while stride < ticks.len()
        && ticks
            .iter()
            .step_by(stride)
            .zip(ticks.iter().step_by(stride).skip(1))
            .any(|(a, b)| row_of(a.0).abs_diff(row_of(b.0)) < TICK_ROWS as u16)
    {
        stride += 1;
    }
    let ticks: Vec<&(f64, String)> = ticks.iter().step_by(stride).collect();
    let mut taken: Vec<u16> = Vec::new();
    let mut order: Vec<usize> = (0..ticks.len()).collect();
    if order.len() > 2 {
        let last = order.pop().unwrap_or(0);
        order.insert(1, last);
    }
    for k in order {
        let (t, label) = ticks[k];
        let row = row_of(*t);
        if taken.iter().any(|r| r.abs_diff(row) < TICK_ROWS as u16) {
            continue;
        }
        taken.push(row);
        let label = text::pad(&text::fit(label, label_w), label_w, true);
        buf.set_string(inner.x, row, label, theme.dim);
    }
    // X labels (periods) centred under their points, kept inside the chart; first and last
    // first, then the others left to right, each only where it leaves a space to its neighbours.
    let label_row = axis_y + 1;
    let mut placed: Vec<(u16, u16)> = Vec::new();
    let mut order: Vec<usize> = (0..n).collect();
    if n > 1 {
        let last = order.pop().unwrap_or(0);
        order.insert(1, last);
    }
    for i in order {
        let label = text::escape_controls(&slots[i].0.to_string()).into_owned();
        let w = text::width(&label) as u16;
        if w == 0 || w > inner.width {
            continue;
        }
        let centre = plot.x + gx(i) as u16 / 2;
        let start = centre
            .saturating_sub(w / 2)
            .clamp(inner.x, inner.x + inner.width - w);
        let end = start + w;
        if placed.iter().any(|(a, b)| start < b + 1 && *a < end + 1) {
            continue;
        }
        placed.push((start, end));
        buf.set_string(start, label_row, label, theme.dim);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_round_and_hold_the_values() {
        for (lo, hi, max) in [
            (374.3e8, 635e8, 4),
            (0.18, 0.34, 5),
            (34.0, 34.0, 3),
            (-5.0, 12.0, 6),
            (1.0, 1e9, 2),
            (0.0, 0.0, 4),
        ] {
            let (a, b, step) = nice_range(lo, hi, max);
            assert!(a <= lo && b >= hi && a < b, "{lo}..{hi}: {a}..{b}");
            let mantissa = step / 10f64.powf(step.log10().floor());
            assert!(
                [1.0, 2.0, 5.0].iter().any(|m| (mantissa - m).abs() < 1e-9),
                "{lo}..{hi}: step {step}"
            );
            let ticks = ((b - a) / step).round() as usize + 1;
            assert!(ticks <= max.max(2), "{lo}..{hi}: {ticks} ticks for at most {max}");
            for v in [a, b] {
                assert!(
                    ((v / step).round() * step - v).abs() < step * 1e-9,
                    "{v} is a multiple of {step}"
                );
            }
        }
        // 635亿 and 398亿: ticks at round hundreds of 亿, not 658.7亿.
        let (a, b, step) = nice_range(398e8, 635e8, 4);
        assert_eq!((a, b, step), (200e8, 800e8, 200e8));
    }
}
