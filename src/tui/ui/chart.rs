//! The Trends chart: the selected series with labelled axes (periods and values in its unit).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Paragraph};

use super::theme::Theme;
use crate::kb::number::human_value;
use crate::text;
use crate::tui::app::App;
use crate::view::spark;

pub fn render(f: &mut Frame, app: &App, area: Rect, theme: &Theme) {
    let block = Block::default().borders(Borders::ALL).border_style(theme.border);
    let Some(s) = app.current().selected_id().and_then(|id| app.kb.series_by_id(id)) else {
        f.render_widget(Paragraph::new("No series selected").block(block), area);
        return;
    };
    let slots = spark::series_values(s);
    let pts: Vec<(f64, f64)> = slots
        .iter()
        .enumerate()
        .filter_map(|(i, (_, v))| v.map(|v| (i as f64, v)))
        .collect();
    let (lo, hi) = pts
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), (_, v)| {
            (l.min(*v), h.max(*v))
        });
    if pts.is_empty() {
        f.render_widget(Paragraph::new("No points").block(block), area);
        return;
    }
    // Give flat and single-point series some height, and start money/percent axes at zero when close.
    let pad = if hi > lo {
        (hi - lo) * 0.1
    } else {
        hi.abs().max(1.0) * 0.1
    };
    let y_lo = if lo >= 0.0 && lo - pad < 0.0 {
        0.0
    } else {
        lo - pad
    };
    let y_hi = hi + pad;
    let n = slots.len();
    let x_bounds = if n > 1 { [0.0, (n - 1) as f64] } else { [-1.0, 1.0] };
    let x_labels: Vec<Span> = match n {
        0 => vec![],
        1 => vec![Span::raw(""), Span::raw(slots[0].0.to_string()), Span::raw("")],
        2 => vec![
            Span::raw(slots[0].0.to_string()),
            Span::raw(slots[n - 1].0.to_string()),
        ],
        _ => vec![
            Span::raw(slots[0].0.to_string()),
            Span::raw(slots[n / 2].0.to_string()),
            Span::raw(slots[n - 1].0.to_string()),
        ],
    };
    let y_labels: Vec<Span> = [y_lo, (y_lo + y_hi) / 2.0, y_hi]
        .iter()
        .map(|v| Span::raw(text::escape_controls(&human_value(*v, &s.unit)).into_owned()))
        .collect();
    let line = Dataset::default()
        .marker(Marker::Braille)
        .graph_type(GraphType::Line)
        .style(theme.spark)
        .data(&pts);
    let dots = Dataset::default()
        .marker(Marker::Dot)
        .graph_type(GraphType::Scatter)
        .style(theme.accent)
        .data(&pts);
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
    let chart = Chart::new(vec![line, dots])
        .block(block.title(Span::styled(title, theme.accent)))
        .x_axis(Axis::default().bounds(x_bounds).labels(x_labels).style(theme.dim))
        .y_axis(
            Axis::default()
                .bounds([y_lo, y_hi])
                .labels(y_labels)
                .style(theme.dim),
        );
    f.render_widget(chart, area);
}
