//! A chart ([`crate::view::chart::Chart`], the one model the Trends tab draws too) as an SVG
//! picture, drawn with plotters' SVG backend: the title, a legend, one panel per unit stacked on
//! the shared time axis, and the chart's notes under it.
//!
//! - Each point sits at its span's middle with its span drawn as a bar at its value (a half-year
//!   is twice as wide as a quarter); a range (low–high) gets a whisker; lines join points only
//!   where the model says `joined`.
//! - A point whose status is not `actual` (estimate, target …) has a hollow marker, and its label
//!   (`>398亿元`, `20–30亿元 est`) carries the qualifier and the status, as tables show them.
//! - Ticks are the model's, labelled with the model's text (round values in the panel's unit),
//!   through a plotters coordinate ([`Ticked`]) rather than plotters' own tick choice and number
//!   formatting.
//! - No time stamp: the same chart gives the same bytes (the explorer's `e` and
//!   `marketlens export --chart` are compared byte for byte).
//!
//! Text: plotters is built without its `ttf` feature (which would need fontconfig and freetype),
//! so it cannot measure text; its fallback estimate counts UTF-8 bytes (a CJK character as 2.1
//! em). Where a width matters (laying out the legend, wrapping the notes) it is computed here
//! from display columns ([`crate::text::width`]: a CJK character is 2 columns, about 1 em), and
//! the legend is drawn from plotters' elements rather than its series-label box, whose size would
//! come from that estimate. The viewer picks the font from [`FONT`], a list with common CJK fonts.
//! Every string is passed through [`crate::text::escape_controls`] here (the model already did,
//! but a `Chart` can be built by hand); plotters XML-escapes `<`, `>`, `&`, `"` and `'` in text
//! and attributes.

use std::ops::Range;

use plotters::coord::ranged1d::{KeyPointHint, KeyPointWeight, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::text::{escape_controls, fit, width, wrap};
use crate::view::chart::place::{self, Ask, Rules, Side, Spot};
use crate::view::chart::{self as model, Chart, ChartLine, Panel};

/// The picture's width in pixels; its height follows from the panels, legend and notes.
pub const WIDTH: u32 = 960;
/// The font list every text element names: the viewer takes the first it has.
pub const FONT: &str = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Hiragino Sans GB, Microsoft YaHei, WenQuanYi Micro Hei, sans-serif";

/// Left and right margin around everything.
const PAD: i32 = 16;
const TITLE_PX: f64 = 20.0;
const TEXT_PX: f64 = 13.0;
/// Height of a line of legend or notes text.
const LINE_H: i32 = 20;
/// Height of one unit's panel (plot and its margins), and the x labels under the last one.
const PANEL_H: i32 = 260;
const X_LABELS_H: i32 = 30;
/// Width of the y tick labels and the unit beside them.
const Y_LABELS_W: i32 = 110;

/// Line colours, in legend order (repeating after the last).
const COLOURS: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(23, 190, 207),
];
const INK: RGBColor = RGBColor(33, 33, 33);
const GRID: RGBColor = RGBColor(221, 221, 221);
const MUTED: RGBColor = RGBColor(97, 97, 97);

/// Drawing failed inside plotters (writing into a `String`, which should not happen).
#[derive(Debug)]
pub struct DrawError(String);

impl std::fmt::Display for DrawError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot draw the chart: {}", self.0)
    }
}

impl std::error::Error for DrawError {}

fn err<E: std::fmt::Debug>(e: E) -> DrawError {
    DrawError(escape_controls(&format!("{e:?}")).into_owned())
}

/// One of the chart's axes as a plotters coordinate: its range, and its ticks at the model's
/// positions with the model's labels (plotters would pick its own and print `65000000000`).
#[derive(Clone, Debug)]
struct Ticked {
    lo: f64,
    hi: f64,
    ticks: Vec<(f64, String)>,
}

impl Ticked {
    fn new(lo: f64, hi: f64, ticks: Vec<(f64, String)>) -> Ticked {
        // A degenerate or non-finite range would map every value to one pixel or to nothing.
        let (lo, hi) = if lo.is_finite() && hi.is_finite() && hi > lo {
            (lo, hi)
        } else {
            (0.0, 1.0)
        };
        Ticked { lo, hi, ticks }
    }
}

impl Ranged for Ticked {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let f = (v - self.lo) / (self.hi - self.lo);
        // `as` saturates: a value far off the axis lands on the edge of the i32 range, not UB.
        (f64::from(limit.0) + f * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        // Grid lines and labels at the model's ticks only; no light lines in between.
        if hint.max_num_points() == 0 || matches!(hint.weight(), KeyPointWeight::Any) {
            return Vec::new();
        }
        self.ticks.iter().map(|t| t.0).collect()
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

impl ValueFormatter<f64> for Ticked {
    fn format_ext(&self, v: &f64) -> String {
        self.ticks
            .iter()
            .find(|(t, _)| t == v)
            .map(|(_, l)| escape_controls(l).into_owned())
            .unwrap_or_default()
    }
}

/// Rough width in pixels of `s` at `px`: a display column is about 0.55 em (so a CJK character,
/// two columns, about 1.1 em). Generous on purpose: it only decides where the next legend entry
/// starts and where notes wrap.
fn text_w(s: &str, px: f64) -> i32 {
    (width(s) as f64 * px * 0.55).ceil() as i32
}

/// How many display columns of text at `px` fit between the margins (by [`text_w`]'s measure).
fn columns(px: f64) -> usize {
    (f64::from(WIDTH as i32 - 2 * PAD) / (px * 0.55)).floor() as usize
}

fn style(px: f64, c: RGBColor) -> TextStyle<'static> {
    (FONT, px).into_font().color(&c)
}

/// A legend entry: its swatch and text, laid out in rows.
struct Entry {
    /// Index into `chart.lines`, or `None` for the key to hollow markers.
    line: Option<usize>,
    text: String,
    x: i32,
    row: i32,
}

/// Legend entries placed in rows that fit the width.
fn legend(chart: &Chart) -> Vec<Entry> {
    const SWATCH: i32 = 34;
    const GAP: i32 = 22;
    let mut items: Vec<(Option<usize>, String)> = chart
        .lines
        .iter()
        .enumerate()
        // A label wider than a row (beside its swatch) is cut.
        .map(|(i, l)| {
            let label = escape_controls(&l.label);
            (Some(i), fit(&label, columns(TEXT_PX) - 8).into_owned())
        })
        .collect();
    let not_actual = chart
        .lines
        .iter()
        .flat_map(|l| &l.points)
        .any(|p| !p.status.is_actual());
    if not_actual {
        items.push((
            None,
            "hollow marker: not an actual figure (its status is in its label)".to_string(),
        ));
    }
    let (mut x, mut row) = (PAD, 0);
    let right = WIDTH as i32 - PAD;
    items
        .into_iter()
        .map(|(line, text)| {
            let w = SWATCH + text_w(&text, TEXT_PX);
            if x > PAD && x + w > right {
                x = PAD;
                row += 1;
            }
            let e = Entry { line, text, x, row };
            x += w + GAP;
            e
        })
        .collect()
}

/// The notes, wrapped to the width, each wrapped line on its own row.
fn note_rows(notes: &[String]) -> Vec<String> {
    let cols = columns(TEXT_PX);
    let mut rows = Vec::new();
    for n in notes {
        let text = format!("Note: {}", escape_controls(n));
        rows.extend(wrap(&text, cols.max(20)));
    }
    rows
}

/// A path names an SVG file: its extension is `.svg`, any case.
pub fn is_svg_path(p: &std::path::Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"))
}

/// The chart of the series `ids` (in legend order) as SVG: what `marketlens export --chart` and
/// the explorer's `e` on the Trends chart both write. Unknown ids are named in the chart's notes
/// (the command line refuses them before this).
pub fn of_series(kb: &crate::kb::Kb, ids: &[&str]) -> Result<String, DrawError> {
    let c = crate::view::chart::build(kb, ids, crate::view::chart::MAX_Y_TICKS);
    chart(&c)
}

/// The default file name of a chart of `ids`: `chart-aliyun-revenue.svg` (no time stamp: the
/// same chart, the same name).
pub fn default_name(ids: &[&str]) -> String {
    let what = super::safe_name(&ids.join(" "));
    let what = if what.is_empty() {
        "series".to_string()
    } else {
        what
    };
    format!("chart-{what}.svg")
}

/// Where a value label is tried around its point: centred above, then beside it, below, and
/// the corners ([`place`]).
const LABEL_SIDES: [Side; 8] = [
    Side::Above,
    Side::Right,
    Side::Left,
    Side::Below,
    Side::AboveRight,
    Side::AboveLeft,
    Side::BelowRight,
    Side::BelowLeft,
];
/// A value label's size of type, and the height of its box.
const LABEL_PX: f64 = TEXT_PX - 1.0;
const LABEL_H: f64 = 14.0;
/// A marker's half-width, and that of the box no label may cover.
const MARK_R: i32 = 5;
const MARK_BOX: f64 = 7.0;

/// Each panel's plot: plotters' chart on `area` (the panel's share of the picture) with the
/// model's ticks; the x labels under the last panel only.
fn panel_plot<'a, 'b>(
    area: &'a Area<'b>,
    x: &Ticked,
    panel: &Panel,
    last: bool,
) -> Result<Plot<'a, 'b>, DrawError> {
    let y_axis = Ticked::new(panel.y.lo, panel.y.hi, panel.y.ticks.clone());
    ChartBuilder::on(area)
        .margin_top(22)
        .margin_bottom(6)
        .margin_left(PAD as u32)
        .margin_right(PAD as u32 + 8)
        .y_label_area_size(Y_LABELS_W as u32)
        .x_label_area_size(if last { X_LABELS_H as u32 } else { 0 })
        .build_cartesian_2d(x.clone(), y_axis)
        .map_err(err)
}

/// Panel `i`'s share of the picture, from the top of the panels.
fn panel_area<'b>(root: &Area<'b>, panels_top: i32, i: usize, last: bool) -> Area<'b> {
    let top = panels_top + i as i32 * PANEL_H;
    let h = PANEL_H + if last { X_LABELS_H } else { 0 };
    root.clone().shrink((0, top), (WIDTH, h as u32))
}

/// A point drawn: its line, its index in the line, and where it is in the picture.
struct Located {
    line: usize,
    point: usize,
    at: (i32, i32),
}

/// Where every point is in the picture, panel by panel, and each panel's room for labels: the
/// plots laid out as [`chart`] lays them out, on a scratch picture (labels are placed before the
/// picture's height, which the notes about unlabelled values change, is known).
fn locate(
    chart: &Chart,
    x_axis: &Ticked,
    panels_top: i32,
    height: i32,
) -> Result<Vec<(Vec<Located>, place::Rect)>, DrawError> {
    let mut scratch = String::new();
    let root = SVGBackend::with_string(&mut scratch, (WIDTH, height.max(1) as u32)).into_drawing_area();
    let last = chart.panels.len().saturating_sub(1);
    let mut out = Vec::new();
    for (i, panel) in chart.panels.iter().enumerate() {
        let area = panel_area(&root, panels_top, i, i == last);
        let plot = panel_plot(&area, x_axis, panel, i == last)?;
        let (xs, ys) = plot.plotting_area().get_pixel_range();
        let top = area.get_pixel_range().1.start;
        let bounds = place::Rect::new(
            f64::from(xs.start),
            f64::from(top),
            f64::from(WIDTH as i32 - PAD - xs.start),
            f64::from(ys.end - top),
        );
        let mut points = Vec::new();
        for (li, line) in chart.lines.iter().enumerate().filter(|(_, l)| l.panel == i) {
            for (j, p) in line.points.iter().enumerate() {
                points.push(Located {
                    line: li,
                    point: j,
                    at: plot.backend_coord(&(p.x(), p.value)),
                });
            }
        }
        out.push((points, bounds));
    }
    Ok(out)
}

/// The value labels of one panel's points, placed ([`place`]): each line's last point first, then
/// the others from the right, as the Trends chart does.
fn place_labels(chart: &Chart, points: &[Located], bounds: place::Rect) -> Vec<(usize, Spot)> {
    let mut order: Vec<usize> = Vec::new();
    let lines: Vec<usize> = {
        let mut l: Vec<usize> = points.iter().map(|p| p.line).collect();
        l.dedup();
        l
    };
    for &li in &lines {
        let n = chart.lines[li].points.len();
        order.extend((0..points.len()).filter(|&k| points[k].line == li && points[k].point + 1 == n));
    }
    for &li in &lines {
        let n = chart.lines[li].points.len();
        for j in (0..n.saturating_sub(1)).rev() {
            order.extend((0..points.len()).filter(|&k| points[k].line == li && points[k].point == j));
        }
    }
    let texts: Vec<String> = order
        .iter()
        .map(|&k| escape_controls(&chart.lines[points[k].line].points[points[k].point].label).into_owned())
        .collect();
    let asks: Vec<Ask> = order
        .iter()
        .zip(&texts)
        .map(|(&k, t)| {
            let (x, y) = points[k].at;
            Ask {
                mark: place::Rect::new(
                    f64::from(x) - MARK_BOX,
                    f64::from(y) - MARK_BOX,
                    2.0 * MARK_BOX,
                    2.0 * MARK_BOX,
                ),
                text: t,
                w: f64::from(text_w(t, LABEL_PX) + 2),
                h: LABEL_H,
            }
        })
        .collect();
    let rules = Rules {
        sides: &LABEL_SIDES,
        gap: 2.0,
        apart: (4.0, 2.0),
        bounds,
        y_scale: 1.0,
    };
    let spots = place::place(&asks, &rules, |_| true);
    order.into_iter().zip(spots).collect()
}

/// The chart as an SVG document (UTF-8, no time stamp). Lines beyond those [`model::look`]
/// tells apart with 7 shapes and 8 colours (56) are left out, and a note names them.
pub fn chart(chart: &Chart) -> Result<String, DrawError> {
    let most = model::distinct_lines(COLOURS.len());
    let kept;
    let chart = if chart.lines.len() > most {
        let mut k = chart.clone();
        k.keep_lines(
            most,
            &format!("{} marker shapes × {} colours", model::SHAPES, COLOURS.len()),
        );
        kept = k;
        &kept
    } else {
        chart
    };
    let entries = legend(chart);
    let legend_rows = entries.iter().map(|e| e.row + 1).max().unwrap_or(0);
    let title_h = 44;
    let legend_top = title_h;
    let panels_top = legend_top + legend_rows * LINE_H + 8;
    let panels_h = if chart.panels.is_empty() {
        LINE_H * 2
    } else {
        chart.panels.len() as i32 * PANEL_H + X_LABELS_H
    };
    let x_axis = Ticked::new(
        chart.x.lo,
        chart.x.hi,
        chart.x.ticks.iter().map(|t| (t.at, t.label.clone())).collect(),
    );
    // Every point's place and label, before the notes (values left unlabelled are listed there).
    let located = locate(chart, &x_axis, panels_top, panels_top + panels_h)?;
    let labels: Vec<Vec<(usize, Spot)>> = located
        .iter()
        .map(|(points, bounds)| place_labels(chart, points, *bounds))
        .collect();
    let mut notes = chart.notes.clone();
    let unlabelled: Vec<String> = located
        .iter()
        .zip(&labels)
        .flat_map(|((points, _), spots)| {
            spots.iter().filter(|(_, s)| *s == Spot::None).map(|(k, _)| {
                let l = &chart.lines[points[*k].line];
                let p = &l.points[points[*k].point];
                format!("{} {} {}", l.label, p.period, p.label)
            })
        })
        .collect();
    if !unlabelled.is_empty() {
        notes.push(format!(
            "{} not labelled on the chart, too near another point to read as their own: {}",
            crate::text::count(unlabelled.len(), "value", "values"),
            unlabelled.join("; ")
        ));
    }
    let notes = note_rows(&notes);
    let notes_top = panels_top + panels_h + 10;
    let height = notes_top + notes.len() as i32 * LINE_H + PAD;

    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height as u32)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        // Cut to the width (the legend names every series in full).
        let title = match escape_controls(&chart.title) {
            t if t.trim().is_empty() => "Chart".to_string(),
            t => fit(&t, columns(TITLE_PX)).into_owned(),
        };
        root.draw(&Text::new(
            title,
            (PAD, 14),
            style(TITLE_PX, INK).pos(Pos::new(HPos::Left, VPos::Top)),
        ))
        .map_err(err)?;

        for e in &entries {
            let y = legend_top + e.row * LINE_H + LINE_H / 2;
            let (c, shape, hollow) = match e.line {
                Some(i) => (line_colour(i), model::look(i, COLOURS.len()).0, false),
                None => (MUTED, 0, true),
            };
            let joined = e.line.is_some_and(|i| chart.lines[i].joined);
            if joined {
                root.draw(&PathElement::new(
                    vec![(e.x, y), (e.x + 24, y)],
                    c.stroke_width(2),
                ))
                .map_err(err)?;
            } else if e.line.is_some() {
                // Not joined: the span bar, as the plot draws each point's span.
                root.draw(&PathElement::new(
                    vec![(e.x + 2, y), (e.x + 22, y)],
                    c.stroke_width(3),
                ))
                .map_err(err)?;
            }
            marker(&root, (e.x + 12, y), shape, c, hollow)?;
            root.draw(&Text::new(
                e.text.clone(),
                (e.x + 32, y),
                style(TEXT_PX, INK).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err)?;
        }

        if chart.panels.is_empty() {
            root.draw(&Text::new(
                "No points to draw",
                (PAD, panels_top + LINE_H),
                style(TEXT_PX, MUTED).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err)?;
        }
        let last = chart.panels.len().saturating_sub(1);
        for (i, panel) in chart.panels.iter().enumerate() {
            let area = panel_area(&root, panels_top, i, i == last);
            let mut c = panel_plot(&area, &x_axis, panel, i == last)?;
            c.configure_mesh()
                .bold_line_style(GRID.stroke_width(1))
                .axis_style(MUTED.stroke_width(1))
                .label_style(style(TEXT_PX - 1.0, MUTED))
                .axis_desc_style(style(TEXT_PX, MUTED))
                .y_desc(escape_controls(&panel.unit_label).into_owned())
                .draw()
                .map_err(err)?;
            for (li, line) in chart.lines.iter().enumerate().filter(|(_, l)| l.panel == i) {
                draw_line(&mut c, line, line_colour(li))?;
            }
            // Markers over every line, then the labels over everything.
            let (points, _) = &located[i];
            for p in points {
                let status = chart.lines[p.line].points[p.point].status;
                marker(
                    &root,
                    p.at,
                    model::look(p.line, COLOURS.len()).0,
                    line_colour(p.line),
                    !status.is_actual(),
                )?;
            }
            for (k, spot) in &labels[i] {
                let Spot::At(r) = spot else { continue };
                let p = &points[*k];
                root.draw(&Text::new(
                    escape_controls(&chart.lines[p.line].points[p.point].label).into_owned(),
                    ((r.x + r.w / 2.0).round() as i32, (r.y + r.h / 2.0).round() as i32),
                    style(LABEL_PX, line_colour(p.line)).pos(Pos::new(HPos::Center, VPos::Center)),
                ))
                .map_err(err)?;
            }
        }

        for (k, row) in notes.iter().enumerate() {
            root.draw(&Text::new(
                row.clone(),
                (PAD, notes_top + k as i32 * LINE_H + LINE_H / 2),
                style(TEXT_PX, INK).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(out)
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;
type Plot<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<Ticked, Ticked>>;

/// Line `i`'s colour ([`model::look`]).
fn line_colour(i: usize) -> RGBColor {
    COLOURS[model::look(i, COLOURS.len()).1]
}

/// The corners of marker shape `shape` (1 to 6: square, triangle, diamond, upside-down
/// triangle, star, four-pointed star; 0, the circle, has none) around `(x, y)`.
fn shape_corners(shape: usize, (x, y): (i32, i32)) -> Vec<(i32, i32)> {
    let star = |points: usize, outer: f64, inner: f64| -> Vec<(i32, i32)> {
        (0..points * 2)
            .map(|k| {
                let r = if k % 2 == 0 { outer } else { inner };
                let a = std::f64::consts::PI * k as f64 / points as f64;
                (x + (r * a.sin()).round() as i32, y - (r * a.cos()).round() as i32)
            })
            .collect()
    };
    let at = |c: &[(i32, i32)]| c.iter().map(|(dx, dy)| (x + dx, y + dy)).collect();
    match shape % model::SHAPES {
        1 => at(&[(-4, -4), (4, -4), (4, 4), (-4, 4)]),
        2 => at(&[(0, -6), (6, 4), (-6, 4)]),
        3 => at(&[(0, -6), (6, 0), (0, 6), (-6, 0)]),
        4 => at(&[(0, 6), (6, -4), (-6, -4)]),
        5 => star(5, 7.0, 3.0),
        6 => star(4, 7.0, 2.0),
        _ => Vec::new(),
    }
}

/// A point's marker of shape `shape` ([`model::look`]): filled for an actual figure, hollow
/// (white inside) for any other status.
fn marker(root: &Area, at: (i32, i32), shape: usize, c: RGBColor, hollow: bool) -> Result<(), DrawError> {
    let corners = shape_corners(shape, at);
    if corners.is_empty() {
        if hollow {
            root.draw(&Circle::new(at, MARK_R, WHITE.filled())).map_err(err)?;
            root.draw(&Circle::new(at, MARK_R, c.stroke_width(2)))
                .map_err(err)?;
        } else {
            root.draw(&Circle::new(at, MARK_R, c.filled())).map_err(err)?;
        }
    } else if hollow {
        root.draw(&Polygon::new(corners.clone(), WHITE.filled()))
            .map_err(err)?;
        let mut ring = corners.clone();
        ring.push(corners[0]);
        root.draw(&PathElement::new(ring, c.stroke_width(2)))
            .map_err(err)?;
    } else {
        root.draw(&Polygon::new(corners, c.filled())).map_err(err)?;
    }
    Ok(())
}

/// One line: the join (where the model says so), then each point's span bar and range whisker.
/// (Markers and value labels are drawn over every line of the panel, in [`chart`].)
fn draw_line(c: &mut Plot, line: &ChartLine, col: RGBColor) -> Result<(), DrawError> {
    if line.joined {
        let path: Vec<(f64, f64)> = line.points.iter().map(|p| (p.x(), p.value)).collect();
        c.draw_series(std::iter::once(PathElement::new(path, col.stroke_width(2))))
            .map_err(err)?;
    }
    for p in &line.points {
        let mut spans = vec![PathElement::new(
            vec![(p.start, p.value), (p.end, p.value)],
            col.mix(0.45).stroke_width(4),
        )];
        if p.high > p.low {
            spans.push(PathElement::new(
                vec![(p.x(), p.low), (p.x(), p.high)],
                col.stroke_width(1),
            ));
        }
        c.draw_series(spans).map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb;
    use crate::view::chart;

    fn svg_of(kb: &kb::Kb, ids: &[&str]) -> String {
        let c = chart::build(kb, ids, chart::MAX_Y_TICKS);
        super::chart(&c).expect("draws")
    }

    /// Every `<text>`'s content, in document order (parsed: the document is well-formed XML).
    fn texts(svg: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}\n{svg}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| n.text().unwrap_or("").trim().to_string())
            .collect()
    }

    #[test]
    fn one_series_has_its_title_legend_labels_ticks_and_notes() {
        let kb = kb::load_builtin().kb;
        let svg = svg_of(&kb, &["aliyun-revenue"]);
        let t = texts(&svg);
        assert_eq!(t[0], "阿里云营收", "title first: {t:?}");
        assert!(t.iter().any(|s| s.contains("阿里云营收 · half-years")), "{t:?}");
        assert!(t.iter().any(|s| s.contains("阿里云营收 · quarters")), "{t:?}");
        assert!(t.iter().any(|s| s.starts_with(">398")), "qualifier kept: {t:?}");
        assert!(t.iter().any(|s| s.starts_with("635")), "{t:?}");
        assert!(
            t.iter()
                .any(|s| s.starts_with("Note:") && s.contains("not joined")),
            "{t:?}"
        );
        // The model's x ticks, labelled as the model labels them.
        let c = chart::build(&kb, &["aliyun-revenue"], chart::MAX_Y_TICKS);
        for tick in &c.x.ticks {
            assert!(t.contains(&tick.label), "x tick {} missing: {t:?}", tick.label);
        }
        for (_, label) in &c.panels[0].y.ticks {
            assert!(t.contains(label), "y tick {label} missing: {t:?}");
        }
        // Two one-point lines: nothing joined, so every path is a span bar of two points.
        let doc = roxmltree::Document::parse(&svg).unwrap();
        for n in doc.descendants().filter(|n| n.has_tag_name("polyline")) {
            let points = n.attribute("points").unwrap_or("");
            assert_eq!(points.split_whitespace().count(), 2, "nothing joined: {points}");
        }
        assert!(svg.contains(FONT), "CJK font list named");
        assert!(!svg.contains("e10"), "no plotters number formatting");
    }

    #[test]
    fn two_units_stack_two_panels_and_join_only_the_joined_line() {
        let kb = kb::load_builtin().kb;
        let svg = svg_of(&kb, &["aliyun-revenue", "aliyun-revenue-growth"]);
        let t = texts(&svg);
        let c = chart::build(
            &kb,
            &["aliyun-revenue", "aliyun-revenue-growth"],
            chart::MAX_Y_TICKS,
        );
        assert_eq!(c.panels.len(), 2);
        for p in &c.panels {
            assert!(t.contains(&p.unit_label), "unit {} named: {t:?}", p.unit_label);
        }
        assert!(t.iter().any(|s| s.contains("2 units")), "{t:?}");
        // Growth's three quarters are joined: one polyline of three points.
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let joins: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("polyline"))
            .filter(|n| {
                n.attribute("points")
                    .is_some_and(|p| p.split_whitespace().count() == 3)
            })
            .collect();
        assert_eq!(joins.len(), 1, "{svg}");
        // The x labels appear once: under the last panel only.
        let c2025 = t.iter().filter(|s| *s == "2025").count();
        assert_eq!(c2025, 1, "{t:?}");
    }

    #[test]
    fn a_long_title_is_cut_to_the_width_and_the_legend_keeps_every_name() {
        let kb = kb::load_builtin().kb;
        let ids = [
            "china-ai-cloud-market-size",
            "china-ai-cloud-market-cagr-forecast",
            "volcengine-revenue",
            "volcengine-revenue-target",
            "microsoft-cloud-revenue",
            "aws-global-cloud-share",
        ];
        let t = texts(&svg_of(&kb, &ids));
        assert!(t[0].ends_with('…'), "{}", t[0]);
        assert!(text_w(&t[0], TITLE_PX) <= WIDTH as i32 - 2 * PAD, "{}", t[0]);
        for id in ids {
            let name = &kb.series_by_id(id).unwrap().name;
            assert!(t.iter().any(|s| s == name), "{name} in the legend: {t:?}");
        }
    }

    #[test]
    fn deterministic() {
        let kb = kb::load_builtin().kb;
        assert_eq!(
            svg_of(&kb, &["aliyun-revenue", "aliyun-revenue-growth"]),
            svg_of(&kb, &["aliyun-revenue", "aliyun-revenue-growth"])
        );
    }

    const HOSTILE: &str = r#"
[[source]]
id = "s1"
title = "A report"
publisher = "Someone"
date = 2025-01-01

[[vendor]]
id = "acme"
name = "Acme"
sources = ["s1"]

[[series]]
id = "hostile"
name = "<b>&amp; \"x\" 'y' \u001b[31m 云</b>"
vendor = "acme"
metric = "revenue"
unit = "CNY"
sources = ["s1"]

  [[series.points]]
  period = "2024"
  value = "10-14亿"

  [[series.points]]
  period = "2025"
  value = "12亿"
  status = "estimate"
  qualifier = "about"
"#;

    #[test]
    fn hostile_names_are_escaped_and_cjk_survives() {
        let loaded = kb::load::load_bytes("hostile.toml", HOSTILE.as_bytes().to_vec());
        assert!(loaded.is_ok(), "{}", loaded.render_diagnostics_upto(10));
        let svg = svg_of(&loaded.kb, &["hostile"]);
        assert!(!svg.contains('\u{1b}'), "no escape character");
        assert!(!svg.contains("<b>"), "markup escaped");
        let t = texts(&svg);
        assert!(
            t.iter()
                .any(|s| s.contains("<b>&amp; \"x\" 'y' \\u{1b}[31m 云</b>")),
            "the name reads as written once parsed: {t:?}"
        );
        // An estimate: a hollow marker, its status in its label, and the key says so.
        assert!(t.iter().any(|s| s.starts_with('~') && s.contains("est")), "{t:?}");
        assert!(t.iter().any(|s| s.contains("hollow marker")), "{t:?}");
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let hollow = doc
            .descendants()
            .filter(|n| n.has_tag_name("circle"))
            .filter(|n| n.attribute("fill") == Some("none"))
            .count();
        assert!(hollow >= 2, "the point's ring and the legend key's: {svg}");
        // The 2024 range, 10–14亿, has a whisker from 10亿 to 14亿: a vertical two-point path.
        let c = chart::build(&loaded.kb, &["hostile"], chart::MAX_Y_TICKS);
        let p = &c.lines[0].points[0];
        assert_eq!((p.low, p.high), (1e9, 1.4e9));
        let vertical = doc
            .descendants()
            .filter(|n| n.has_tag_name("polyline"))
            // In the line's colour (the axes' tick marks are vertical paths too).
            .filter(|n| n.attribute("stroke") == Some("#1F77B4"))
            .filter_map(|n| n.attribute("points"))
            .filter(|pts| {
                let xs: Vec<&str> = pts
                    .split_whitespace()
                    .map(|p| p.split(',').next().unwrap_or(""))
                    .collect();
                xs.len() == 2 && xs[0] == xs[1]
            })
            .count();
        assert_eq!(vertical, 1, "one whisker: {svg}");
    }

    /// A drawn point's marker: where, its shape (`circle`, or a polygon's corners around it) and
    /// colour (fill, or stroke for a hollow one).
    #[derive(Debug, Clone, PartialEq)]
    struct Mark {
        at: (f64, f64),
        shape: String,
        colour: String,
    }

    /// Every marker of the picture: circles of radius 5 and polygons (a hollow polygon's white
    /// fill is its outline's).
    fn marks(doc: &roxmltree::Document) -> Vec<Mark> {
        let num = |n: &roxmltree::Node, a: &str| n.attribute(a).and_then(|v| v.parse::<f64>().ok());
        let mut out = Vec::new();
        for n in doc.descendants() {
            if n.has_tag_name("circle") && num(&n, "r") == Some(f64::from(MARK_R)) {
                let colour = match n.attribute("fill") {
                    Some("none") => n.attribute("stroke"),
                    f => f,
                };
                if colour == Some("#FFFFFF") {
                    continue;
                }
                out.push(Mark {
                    at: (num(&n, "cx").unwrap(), num(&n, "cy").unwrap()),
                    shape: "circle".into(),
                    colour: colour.unwrap_or("").to_string(),
                });
            } else if n.has_tag_name("polygon") && n.attribute("fill") != Some("#FFFFFF") {
                let pts: Vec<(f64, f64)> = n
                    .attribute("points")
                    .unwrap()
                    .split_whitespace()
                    .map(|p| {
                        let (x, y) = p.split_once(',').unwrap();
                        (x.parse().unwrap(), y.parse().unwrap())
                    })
                    .collect();
                let (xs, ys): (Vec<f64>, Vec<f64>) = pts.iter().copied().unzip();
                let mid = |v: &[f64]| {
                    (v.iter().copied().fold(f64::INFINITY, f64::min)
                        + v.iter().copied().fold(f64::NEG_INFINITY, f64::max))
                        / 2.0
                };
                let at = (mid(&xs), mid(&ys));
                let corners: Vec<String> = pts
                    .iter()
                    .map(|(x, y)| format!("{},{}", x - at.0, y - at.1))
                    .collect();
                out.push(Mark {
                    at,
                    shape: format!("polygon {}", corners.join(" ")),
                    colour: n.attribute("fill").unwrap_or("").to_string(),
                });
            }
        }
        out
    }

    /// The value labels drawn in the plots: (text, box, colour). Centred on (x, y), as wide as
    /// the layout reckons them and as tall as their box.
    fn value_labels(doc: &roxmltree::Document) -> Vec<(String, place::Rect, String)> {
        doc.descendants()
            .filter(|n| n.has_tag_name("text") && n.attribute("text-anchor") == Some("middle"))
            .filter(|n| !matches!(n.attribute("fill"), Some("#616161" | "#212121")))
            .map(|n| {
                let t = n.text().unwrap_or("").trim().to_string();
                let x: f64 = n.attribute("x").unwrap().parse().unwrap();
                let y: f64 = n.attribute("y").unwrap().parse().unwrap();
                let w = f64::from(text_w(&t, LABEL_PX));
                let r = place::Rect::new(x - w / 2.0, y - LABEL_H / 2.0, w, LABEL_H);
                (t, r, n.attribute("fill").unwrap_or("").to_string())
            })
            .collect()
    }

    fn dist(r: &place::Rect, (px, py): (f64, f64)) -> f64 {
        let dx = (r.x - px).max(px - (r.x + r.w)).max(0.0);
        let dy = (r.y - py).max(py - (r.y + r.h)).max(0.0);
        dx.hypot(dy)
    }

    /// Lines with points in the same periods at close values: no value label overlaps another
    /// or a marker, each is nearer a marker of its own colour than any of another, and every
    /// value is either labelled or named in the note.
    #[test]
    fn labels_of_lines_in_one_period_never_overlap_and_stay_by_their_points() {
        for n in [2, 4, 9] {
            let kb = chart::fixture::same_periods(n);
            let ids = chart::fixture::ids(n);
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            let svg = svg_of(&kb, &ids);
            let doc = roxmltree::Document::parse(&svg).unwrap();
            let labels = value_labels(&doc);
            let marks = marks(&doc);
            assert_eq!(marks.len(), n + 2 * n, "{n}: a legend key and two points a line");
            for (k, (t, a, _)) in labels.iter().enumerate() {
                for (u, b, _) in &labels[k + 1..] {
                    let overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
                    assert!(!overlap, "{n} lines: {t} {a:?} overlaps {u} {b:?}");
                }
                for m in &marks {
                    assert!(dist(a, m.at) >= f64::from(MARK_R), "{t} over a marker {m:?}");
                }
            }
            if n <= COLOURS.len() {
                for (t, r, colour) in &labels {
                    let own = marks
                        .iter()
                        .filter(|m| m.colour == *colour)
                        .map(|m| dist(r, m.at))
                        .fold(f64::INFINITY, f64::min);
                    for m in marks.iter().filter(|m| m.colour != *colour) {
                        assert!(dist(r, m.at) > own, "{n} lines: {t} is as near {m:?}");
                    }
                }
            }
            let t = texts(&svg);
            let left_out = t
                .iter()
                .find_map(|s| s.strip_prefix("Note: ")?.split_once(" values not labelled"))
                .map_or(0, |(k, _)| k.parse::<usize>().unwrap());
            assert_eq!(labels.len() + left_out, 2 * n, "{n} lines: {t:?}");
            if n <= 4 {
                assert_eq!(left_out, 0, "room for every label: {t:?}");
            }
        }
    }

    /// Points of different values at one spot: neither label can say which is which, so both
    /// are named in a note, with their lines and periods.
    #[test]
    fn values_at_one_spot_are_named_in_a_note() {
        let kb = chart::fixture::same_periods(1);
        let mut c = chart::build(&kb, &["s1"], chart::MAX_Y_TICKS);
        let mut other = c.lines[0].clone();
        other.label = "线1b".into();
        other.series = "s1b".into();
        other.points[0].label = "110.1亿元".into();
        c.lines.push(other);
        let t = texts(&super::chart(&c).unwrap());
        assert!(!t.iter().any(|s| s == "110亿元" || s == "110.1亿元"), "{t:?}");
        let note = t.iter().find(|s| s.contains("not labelled")).expect("a note");
        assert!(note.starts_with("Note: 2 values not labelled"), "{note}");
        assert!(
            note.contains("线1 2025-Q1 110亿元") && note.contains("线1b 2025-Q1 110.1"),
            "{note}"
        );
        // The Q2 points: one value at one spot, one label says both.
        assert_eq!(t.iter().filter(|s| *s == "190亿元").count(), 1, "{t:?}");
    }

    /// Beyond 7 lines the shapes repeat, in another colour: no two lines' markers look alike.
    /// Beyond 7 × 8 the rest are left out, named in a note.
    #[test]
    fn lines_are_told_apart_by_shape_and_colour_or_left_out() {
        let kb = chart::fixture::same_periods(9);
        let ids = chart::fixture::ids(9);
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let svg = svg_of(&kb, &ids);
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let mut looks: Vec<(String, String)> = marks(&doc).into_iter().map(|m| (m.shape, m.colour)).collect();
        looks.sort();
        looks.dedup();
        assert_eq!(looks.len(), 9, "nine lines, nine looks: {looks:?}");
        let shapes: std::collections::BTreeSet<&str> = looks.iter().map(|l| l.0.as_str()).collect();
        assert_eq!(shapes.len(), 7, "every shape: {shapes:?}");
        // 57 lines: one too many.
        let mut c = chart::build(&kb, &["s1"], chart::MAX_Y_TICKS);
        let line = c.lines[0].clone();
        c.lines = (0..57)
            .map(|k| {
                let mut l = line.clone();
                l.label = format!("L{k}");
                l
            })
            .collect();
        let t = texts(&super::chart(&c).unwrap());
        assert!(t.iter().any(|s| s == "L55"), "{t:?}");
        assert!(!t.iter().any(|s| s == "L56"), "{t:?}");
        let note = t.iter().find(|s| s.contains("not drawn")).expect("a note");
        assert!(
            note.contains(
                "1 of 57 lines not drawn, as only 56 can be told apart (7 marker shapes × 8 colours)"
            ),
            "{note}"
        );
    }

    #[test]
    fn an_empty_chart_is_still_a_picture() {
        let kb = kb::load_builtin().kb;
        let svg = svg_of(&kb, &["no-such-series"]);
        let t = texts(&svg);
        assert!(t.iter().any(|s| s == "No points to draw"), "{t:?}");
        assert!(t.iter().any(|s| s.contains("no series with id")), "{t:?}");
    }

    #[test]
    fn file_names() {
        assert_eq!(default_name(&["aliyun-revenue"]), "chart-aliyun-revenue.svg");
        assert_eq!(default_name(&["a", "../../etc/passwd"]), "chart-a-etc-passwd.svg");
        assert_eq!(default_name(&["阿里"]), "chart-series.svg");
        assert!(is_svg_path(std::path::Path::new("x/Chart.SVG")));
        assert!(!is_svg_path(std::path::Path::new("chart.svg.md")));
        assert!(!is_svg_path(std::path::Path::new("svg")));
    }

    #[test]
    fn ticked_axis_maps_and_labels_from_the_model() {
        let a = Ticked::new(0.0, 10.0, vec![(0.0, "0亿元".into()), (10.0, "10亿元".into())]);
        assert_eq!(a.map(&5.0, (0, 100)), 50);
        assert_eq!(a.map(&1e300, (0, 100)), i32::MAX, "saturates, no overflow");
        assert_eq!(a.format_ext(&10.0), "10亿元");
        assert_eq!(a.format_ext(&3.0), "");
        let bad = Ticked::new(f64::NAN, 1.0, Vec::new());
        assert_eq!(bad.range(), 0.0..1.0);
    }
}
