//! Where each part of the screen goes for a terminal size. Rendering (`ui`) and `app` (mouse
//! hit-tests, scrolling, page sizes) both use this, so a click lands on what is drawn; it reads
//! no `App`, so neither imports the other through it. `detail` lays out the detail pane, `help`
//! the `?` overlay.

pub mod columns;
pub mod detail;
pub mod help;
pub mod reader;

use ratatui::layout::{Constraint, Direction, Flex, Layout, Rect};

use crate::text;
use crate::tui::keymap::{self, Action, Context};
use crate::view::Tab;

/// Below this the app shows an "enlarge the window" message instead of the explorer.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;

/// Wide terminals put the detail beside the table; narrow ones below it.
pub const SIDE_BY_SIDE_WIDTH: u16 = 110;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    pub tabs: Rect,
    /// The warning banner under the tab bar (a reload failed), when there is one.
    pub banner: Option<Rect>,
    /// The table's block, borders included.
    pub table: Rect,
    /// The detail's block, borders included (below the chart on the Trends tab).
    pub detail: Rect,
    /// The Trends chart, when the tab has one and there is room.
    pub chart: Option<Rect>,
    pub status: Rect,
    pub footer: Rect,
}

impl Areas {
    /// Rows of table body visible (inside the borders, below the header).
    pub fn table_rows(&self) -> usize {
        self.table.height.saturating_sub(3) as usize
    }

    /// Inner size of the detail pane.
    pub fn detail_inner(&self) -> Rect {
        inner(self.detail)
    }
}

pub fn inner(r: Rect) -> Rect {
    Rect {
        x: r.x + 1,
        y: r.y + 1,
        width: r.width.saturating_sub(2),
        height: r.height.saturating_sub(2),
    }
}

/// The screen plan for `size`, or `None` when the terminal is too small. `banner` lines of
/// warning go under the tab bar, as many as fit while the body keeps its minimum height.
pub fn areas(size: Rect, with_chart: bool, banner: u16) -> Option<Areas> {
    if size.width < MIN_WIDTH || size.height < MIN_HEIGHT {
        return None;
    }
    let banner = banner.min(size.height.saturating_sub(MIN_HEIGHT - 3));
    let [tabs, banner_area, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banner),
        Constraint::Min(6),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(size);
    let banner = (banner > 0).then_some(banner_area);
    let side = size.width >= SIDE_BY_SIDE_WIDTH;
    let (table, right) = if side {
        let [a, b] = Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(body);
        (a, b)
    } else {
        let [a, b] = Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body);
        (a, b)
    };
    // The chart goes above the detail when the pane is tall, beside it when it is only wide.
    let (chart, detail) = if with_chart && right.height >= 16 {
        let h = (right.height / 2).clamp(8, 16);
        let [c, d] = Layout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Length(h), Constraint::Min(4)])
            .areas(right);
        (Some(c), d)
    } else if with_chart && right.width >= 60 {
        let [c, d] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(right);
        (Some(c), d)
    } else {
        (None, right)
    };
    Some(Areas {
        tabs,
        banner,
        table,
        detail,
        chart,
        status,
        footer,
    })
}

/// The palette's box in a terminal of `size`.
pub fn palette_area(size: Rect) -> Rect {
    let w = size.width.saturating_sub(4).min(110);
    let h = size.height.saturating_sub(4).min(26);
    let [r] = Layout::horizontal([Constraint::Length(w)])
        .flex(Flex::Center)
        .areas(size);
    let [r] = Layout::vertical([Constraint::Length(h)])
        .flex(Flex::Center)
        .areas(r);
    r
}

/// Result rows the palette shows: its box minus the borders, the query line and the message line.
pub fn palette_rows(size: Rect) -> usize {
    (palette_area(size).height as usize).saturating_sub(4).max(1)
}

pub const BRAND: &str = " marketlens ";

/// Tab titles with their columns on the tab bar: `(tab, title, x, width)`, for a terminal `width`
/// wide, `current` the tab shown and `total(t)` tab `t`'s record count. Narrow terminals drop the
/// name of the app, then the counts, then the column between titles (each title keeps its own
/// spaces), then shorten the titles, then show only the current one's with the others' numbers
/// (spaced, then packed), so every tab stays visible.
pub fn tab_titles(
    width: u16,
    current: Tab,
    total: impl Fn(Tab) -> usize,
) -> (bool, Vec<(Tab, String, u16, u16)>) {
    let width = width as usize;
    let title = |t: Tab, level: u8| match level {
        0 | 1 => format!(" {} {} ({}) ", t.index() + 1, t.title(), total(t)),
        2 | 3 => format!(" {} {} ", t.index() + 1, t.title()),
        4 => format!(" {} {} ", t.index() + 1, text::fit(t.title(), 4)),
        _ if t == current => format!(" {} {} ", t.index() + 1, t.title()),
        _ => format!(" {} ", t.index() + 1),
    };
    // Columns between two titles (none at the last level: numbers only, packed).
    let gap = |level: u8| usize::from(level != 3 && level != 6);
    let mut level = 0;
    loop {
        let brand = level == 0;
        // The titles, and a gap between each two (none after the last).
        let total: usize = Tab::ALL
            .iter()
            .map(|t| text::width(&title(*t, level)) + gap(level))
            .sum::<usize>()
            - gap(level)
            + if brand { text::width(BRAND) + 1 } else { 0 };
        if total <= width || level == 6 {
            let mut x = if brand { text::width(BRAND) as u16 + 1 } else { 0 };
            let tabs = Tab::ALL
                .iter()
                .map(|t| {
                    let s = title(*t, level);
                    let w = text::width(&s) as u16;
                    let out = (*t, s, x, w);
                    x += w + gap(level) as u16;
                    out
                })
                .collect();
            return (brand, tabs);
        }
        level += 1;
    }
}

/// The tab under column `x` of the tab bar (arguments as for [`tab_titles`]).
pub fn tab_at(width: u16, current: Tab, total: impl Fn(Tab) -> usize, x: u16) -> Option<Tab> {
    tab_titles(width, current, total)
        .1
        .into_iter()
        .find(|(_, _, start, w)| x >= *start && x < start + w)
        .map(|(t, ..)| t)
}

/// Most lines the reload banner takes, heading included: the data stays on screen under it.
pub const BANNER_MAX_LINES: usize = 7;
/// Most lines one error of the banner takes; a longer one ends in `…`.
const BANNER_ERROR_LINES: usize = 3;

/// The reload banner's lines at `width`: the heading, then each error wrapped (hint included)
/// under an indent, at most [`BANNER_ERROR_LINES`] each and [`BANNER_MAX_LINES`] in all; and
/// whether each is the heading. `App::banner_lines` sizes the banner with it.
pub fn banner_text(p: &crate::tui::reload::Problem, width: usize) -> Vec<(String, bool)> {
    let width = width.max(8);
    let more = p.errors.saturating_sub(p.first.len());
    let mut head = format!(
        " ⚠ The KB on disk has {}; showing the last good version. Fix and save (or press {}).",
        text::count(p.errors, "error", "errors"),
        keymap::key(Context::Any, Action::Reload)
    );
    if more > 0 {
        head.push_str(&format!(" {more} more: marketlens check"));
    }
    let mut lines = vec![(text::fit(&head, width).into_owned(), true)];
    const INDENT: &str = "   ";
    for e in &p.first {
        // Headlines name files and quote messages: escape anything from the KB.
        let e = text::escape_controls(e);
        let mut wrapped = text::wrap(&e, width - INDENT.len());
        if wrapped.len() > BANNER_ERROR_LINES {
            wrapped.truncate(BANNER_ERROR_LINES);
            let last = &mut wrapped[BANNER_ERROR_LINES - 1];
            // Room for the ellipsis: `fit` cuts and marks the cut.
            *last = text::fit(&format!("{last} …"), width - INDENT.len()).into_owned();
            if !last.ends_with('…') {
                last.push('…');
            }
        }
        for w in wrapped {
            if lines.len() == BANNER_MAX_LINES {
                return lines;
            }
            lines.push((format!("{INDENT}{w}"), false));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tab_stays_on_the_tab_bar_with_its_title_where_it_fits() {
        let total = |_: Tab| 16;
        for width in [40u16, 60, 80, 100, 120, 200] {
            let (brand, tabs) = tab_titles(width, Tab::Vendors, total);
            assert_eq!(tabs.len(), Tab::ALL.len(), "{width}");
            let end = tabs.last().map(|(_, _, x, w)| x + w).unwrap();
            assert!(end <= width, "{width}: the bar ends at {end}");
            for (t, title, x, w) in &tabs {
                assert!(title.contains(&(t.index() + 1).to_string()), "{width}: {title}");
                assert_eq!(tab_at(width, Tab::Vendors, total, *x), Some(*t));
                assert_eq!(tab_at(width, Tab::Vendors, total, x + w - 1), Some(*t));
            }
            for pair in tabs.windows(2) {
                assert!(pair[0].2 + pair[0].3 <= pair[1].2, "{width}: titles overlap");
            }
            // 100 columns keep every full title (without the column between them); 200 the counts
            // and the app's name.
            if width >= 100 {
                assert!(
                    tabs.iter().all(|(t, s, ..)| s.contains(t.title())),
                    "{width}: {tabs:?}"
                );
            }
            if width >= 200 {
                assert!(
                    tabs.iter().all(|(_, s, ..)| s.contains("(16)")),
                    "{width}: {tabs:?}"
                );
            }
            assert_eq!(brand, width >= 200, "{width}");
        }
    }

    #[test]
    fn areas_tile_the_screen_without_overlap() {
        for (w, h) in [(40, 12), (80, 24), (120, 40), (300, 100)] {
            for (chart, banner) in [(false, 0), (true, 0), (false, 4), (true, 9)] {
                let a = areas(Rect::new(0, 0, w, h), chart, banner).unwrap();
                let mut parts = vec![a.tabs, a.table, a.detail, a.status, a.footer];
                parts.extend(a.chart);
                parts.extend(a.banner);
                assert!(
                    a.table.height >= 3,
                    "{w}x{h}: the table keeps room beside the banner"
                );
                for (i, p) in parts.iter().enumerate() {
                    assert!(p.right() <= w && p.bottom() <= h);
                    for q in &parts[i + 1..] {
                        assert!(p.intersection(*q).is_empty(), "{w}x{h}: {p:?} overlaps {q:?}");
                    }
                }
            }
        }
        assert!(areas(Rect::new(0, 0, 39, 30), false, 0).is_none());
        assert!(areas(Rect::new(0, 0, 80, 11), false, 0).is_none());
        // The smallest screen keeps the body at its minimum and gives the banner the rest.
        assert_eq!(
            areas(Rect::new(0, 0, 80, 12), false, 4)
                .unwrap()
                .banner
                .unwrap()
                .height,
            3
        );
        assert_eq!(
            areas(Rect::new(0, 0, 80, 30), false, 4)
                .unwrap()
                .banner
                .unwrap()
                .height,
            4
        );
    }
}
