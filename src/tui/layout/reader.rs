//! The article reader `O` opens: the whole screen, its text inside a border when there is room
//! for one. `ui::reader` draws into `inner`; `app` scrolls by the same rows, so the scroll stops
//! where the text ends.

use ratatui::layout::Rect;

/// Whether the reader has a border at this size (it needs a row and column of text inside).
pub fn bordered(size: Rect) -> bool {
    size.width >= 3 && size.height >= 3
}

/// Where the article's rows go.
pub fn inner(size: Rect) -> Rect {
    if bordered(size) { super::inner(size) } else { size }
}

/// The first row to show so that `row` sits a third of the way down `height` rows, within
/// `0..=max_scroll`.
pub fn scroll_to(row: usize, height: usize, rows: usize) -> usize {
    row.saturating_sub(height / 3).min(max_scroll(height, rows))
}

/// The last first row: the end of the text at the bottom.
pub fn max_scroll(height: usize, rows: usize) -> usize {
    rows.saturating_sub(height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reader_fits_any_size() {
        assert_eq!(inner(Rect::new(0, 0, 1, 1)), Rect::new(0, 0, 1, 1));
        assert_eq!(inner(Rect::new(0, 0, 80, 24)), Rect::new(1, 1, 78, 22));
        assert_eq!(scroll_to(30, 9, 100), 27);
        assert_eq!(scroll_to(98, 10, 100), 90, "never past the end");
        assert_eq!(scroll_to(2, 10, 5), 0);
        assert_eq!(max_scroll(0, 3), 3);
    }
}
