//! The record table's columns on screen: their widths for the room there is (`widths`), and
//! which of them show where once the user's layout and the column cursor are applied (`placed`);
//! the popup `z` opens. Drawing (`ui::table`, `ui::cell`) and `app` (a header click, `<`/`>`, the
//! popup's scroll) both use this, so a click lands on what is drawn. Reads no `App`.

use ratatui::layout::Rect;

use crate::text;
use crate::view::layout::ColumnLayout;
use crate::view::{Column, View, Width};

/// A marked row's marker column's width (the table draws it left of the columns, with a gap).
pub const MARKER_W: usize = 1;

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

/// [`Placed`] for a view in the table pane `area`: its columns and their widest cells
/// (`natural`), the tab's layout, the cursor's column key (`None`: the first column) and whether
/// the marker column takes room on the left.
pub fn placed(
    view: &View,
    natural: &[usize],
    layout: &ColumnLayout,
    cursor: Option<&str>,
    marked: bool,
    area: Rect,
) -> Placed {
    let marker_w = if marked { MARKER_W + 1 } else { 0 };
    let avail = (area.width.saturating_sub(2) as usize).saturating_sub(marker_w);
    let keys: Vec<&str> = view.columns.iter().map(|c| c.key.as_ref()).collect();
    let vis = layout.visible(&keys);
    let mut cols: Vec<Column> = Vec::with_capacity(vis.len());
    let mut nat: Vec<usize> = Vec::with_capacity(vis.len());
    for &i in &vis {
        let mut c = view.columns[i].clone();
        match layout.width(&c.key) {
            Some(w) => {
                c.width = Width {
                    min: w,
                    ideal: w,
                    max: w,
                    share: 0,
                };
                nat.push(w as usize);
            }
            None => nat.push(natural.get(i).copied().unwrap_or(0)),
        }
        cols.push(c);
    }
    let cursor = cursor
        .and_then(|k| vis.iter().position(|&i| keys[i] == k))
        .unwrap_or(0);
    let mut start = 0;
    let w = loop {
        let w = widths(&cols[start..], &nat[start..], avail);
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

/// Where the popup with a cell's full text (`z`) goes on a screen of `size`, and `text` wrapped
/// to its width: as wide as the text's longest line (at least 40, for its hints), at most 80
/// columns, as tall as the text within the screen less a margin. Drawing and `app` (its scroll)
/// both use it, so the scroll stops where the drawing ends.
pub fn cell_popup(size: Rect, text_: &str) -> (Rect, Vec<String>) {
    let longest = text_.split('\n').map(text::width).max().unwrap_or(0);
    let want = (longest.max(40) + 2).min(80) as u16;
    let w = want.min(size.width.saturating_sub(4)).max(1);
    let lines = text::wrap(text_, w.saturating_sub(2).max(1) as usize);
    let h = (lines.len() as u16)
        .saturating_add(2)
        .min(size.height.saturating_sub(2))
        .max(1);
    let r = Rect::new(
        size.x + size.width.saturating_sub(w) / 2,
        size.y + size.height.saturating_sub(h) / 2,
        w.min(size.width),
        h.min(size.height),
    );
    (r, lines)
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

#[cfg(test)]
mod popup_tests {
    use super::*;

    /// A long CJK text at any screen size: the popup stays on screen, each line fits its inner
    /// width, and no character is lost.
    #[test]
    fn the_cell_popup_fits_any_screen_and_keeps_every_character() {
        let long = "阿里云以35.8%的份额位于第一,火山引擎以49.2%的份额领跑;".repeat(12);
        for (w, h) in [(120, 40), (80, 24), (30, 8), (5, 3), (1, 1), (0, 0)] {
            let size = Rect::new(0, 0, w, h);
            let (r, lines) = cell_popup(size, &long);
            assert!(
                r.right() <= size.right().max(1) && r.bottom() <= size.bottom().max(1),
                "{w}x{h}: {r:?}"
            );
            // Drawn only when at least 6×3 (`ui::cell::render`); narrower, a wide character
            // cannot fit one column.
            let inner = r.width.saturating_sub(2) as usize;
            if r.width >= 6 && r.height >= 3 {
                assert!(lines.iter().all(|l| text::width(l) <= inner), "{w}x{h}");
            }
            let joined: String = lines.concat().chars().filter(|c| !c.is_whitespace()).collect();
            let want: String = long.chars().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(joined, want, "{w}x{h}");
        }
    }
}
