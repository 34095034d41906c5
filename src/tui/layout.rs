//! Where each part of the screen goes for a terminal size. Rendering and mouse hit-testing both use
//! this, so a click lands on what is drawn.

use ratatui::layout::{Constraint, Direction, Layout, Rect};

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

#[cfg(test)]
mod tests {
    use super::*;

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
