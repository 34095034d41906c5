//! Where value labels go, for every renderer of a chart (the Trends chart in cells, the SVG in
//! pixels): each label beside its own point, on the first side the renderer prefers that is
//! free, and
//!
//! - never over a point's marker, nor over or touching another label (`Rules::apart`);
//! - never as near another point as its own: a label between two points, or beside a point of
//!   another line, would read as that point's (two lines with points in one period, at close
//!   values, put their labels side by side). Points at one spot with the same label share one;
//!   points at one spot with different labels get none, since no place tells them apart;
//! - on blank room first (the renderer says what is blank: in cells, no line's dots), over ink
//!   only when there is no blank room.
//!
//! A label with no such place is left out ([`Spot::None`]); the renderer says so.

/// A box, `y` growing downwards (rows, pixels).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn new(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h }
    }

    fn centre(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    /// Whether the two overlap (touching edges do not).
    fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    fn inside(&self, o: &Rect) -> bool {
        self.x >= o.x && self.y >= o.y && self.x + self.w <= o.x + o.w && self.y + self.h <= o.y + o.h
    }

    /// Grown by `dx` each side across and `dy` each side down.
    fn grown(&self, dx: f64, dy: f64) -> Rect {
        Rect::new(self.x - dx, self.y - dy, self.w + 2.0 * dx, self.h + 2.0 * dy)
    }
}

/// Where a label may go around its point's marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Right,
    Left,
    /// Centred above.
    Above,
    /// Centred below.
    Below,
    AboveRight,
    AboveLeft,
    BelowRight,
    BelowLeft,
}

impl Side {
    /// Where a label is tried on a chart of terminal cells (the Trends chart): right of its
    /// point, left of it, then the same a row above and a row below.
    pub const IN_CELLS: [Side; 6] = [
        Side::Right,
        Side::Left,
        Side::AboveRight,
        Side::AboveLeft,
        Side::BelowRight,
        Side::BelowLeft,
    ];
}

/// One label to place: its point's marker and the label's text and size.
#[derive(Clone, Debug, PartialEq)]
pub struct Ask<'a> {
    pub mark: Rect,
    pub text: &'a str,
    pub w: f64,
    pub h: f64,
}

/// A renderer's rules.
#[derive(Clone, Debug, PartialEq)]
pub struct Rules<'a> {
    /// The sides to try, in order.
    pub sides: &'a [Side],
    /// Between a marker and its label.
    pub gap: f64,
    /// The least room between two labels, across and down.
    pub apart: (f64, f64),
    /// Labels stay inside this.
    pub bounds: Rect,
    /// How much a unit down counts against one across when judging which point a label is
    /// nearest (a terminal cell is about twice as tall as wide: 2).
    pub y_scale: f64,
}

/// Where a label went.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Spot {
    At(Rect),
    /// The same text at the same point as ask `k`'s, which is placed: one label says both.
    Same(usize),
    /// No place is clearly its own point's.
    None,
}

/// Place `asks` in turn (the first have the first pick), by `rules`; `blank` says whether a box
/// is on blank room (preferred) rather than over ink, and is only asked about boxes inside
/// `rules.bounds`. Each ask is checked against every other (n² work: a chart's points, not a
/// table's rows).
pub fn place(asks: &[Ask], rules: &Rules, blank: impl Fn(&Rect) -> bool) -> Vec<Spot> {
    let mut spots: Vec<Spot> = Vec::with_capacity(asks.len());
    let mut placed: Vec<Rect> = Vec::new();
    for (k, ask) in asks.iter().enumerate() {
        let own = ask.mark.centre();
        let shared = (0..k).find(|&j| {
            asks[j].mark.centre() == own && asks[j].text == ask.text && matches!(spots[j], Spot::At(_))
        });
        if let Some(j) = shared {
            spots.push(Spot::Same(j));
            continue;
        }
        let dist = |r: &Rect, (px, py): (f64, f64)| {
            let dx = (r.x - px).max(px - (r.x + r.w)).max(0.0);
            let dy = (r.y - py).max(py - (r.y + r.h)).max(0.0) * rules.y_scale;
            dx.hypot(dy)
        };
        let fits = |r: &Rect| {
            r.inside(&rules.bounds)
                && asks.iter().all(|a| !a.mark.overlaps(r))
                && placed
                    .iter()
                    .all(|p| !p.grown(rules.apart.0, rules.apart.1).overlaps(r))
                && {
                    let mine = dist(r, own);
                    asks.iter().enumerate().all(|(j, a)| {
                        j == k
                            || (a.mark.centre() == own && a.text == ask.text)
                            || dist(r, a.mark.centre()) > mine
                    })
                }
        };
        let candidates: Vec<Rect> = rules.sides.iter().map(|s| beside(ask, *s, rules.gap)).collect();
        let spot = candidates
            .iter()
            .find(|r| fits(r) && blank(r))
            .or_else(|| candidates.iter().find(|r| fits(r)))
            .copied();
        match spot {
            Some(r) => {
                placed.push(r);
                spots.push(Spot::At(r));
            }
            None => spots.push(Spot::None),
        }
    }
    spots
}

/// The label's box on side `side` of its marker, `gap` away.
fn beside(ask: &Ask, side: Side, gap: f64) -> Rect {
    let m = &ask.mark;
    let right = m.x + m.w + gap;
    let left = m.x - gap - ask.w;
    let centre_x = m.x + (m.w - ask.w) / 2.0;
    let middle = m.y + (m.h - ask.h) / 2.0;
    let above = m.y - gap - ask.h;
    let below = m.y + m.h + gap;
    let (x, y) = match side {
        Side::Right => (right, middle),
        Side::Left => (left, middle),
        Side::Above => (centre_x, above),
        Side::Below => (centre_x, below),
        Side::AboveRight => (right, above),
        Side::AboveLeft => (left, above),
        Side::BelowRight => (right, below),
        Side::BelowLeft => (left, below),
    };
    Rect::new(x, y, ask.w, ask.h)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cells: a marker is one cell, a label one row, `apart` one column, like the Trends chart.
    fn cells(cols: f64, rows: f64) -> Rules<'static> {
        Rules {
            sides: &Side::IN_CELLS,
            gap: 0.0,
            apart: (1.0, 0.0),
            bounds: Rect::new(0.0, 0.0, cols, rows),
            y_scale: 2.0,
        }
    }

    fn at(col: f64, row: f64, text: &str) -> Ask<'_> {
        Ask {
            mark: Rect::new(col, row, 1.0, 1.0),
            text,
            w: crate::text::width(text) as f64,
            h: 1.0,
        }
    }

    fn rect(s: Spot) -> Rect {
        match s {
            Spot::At(r) => r,
            other => panic!("not placed: {other:?}"),
        }
    }

    #[test]
    fn a_lone_label_goes_right_then_left_at_the_edge() {
        let r = cells(20.0, 5.0);
        assert_eq!(
            place(&[at(2.0, 2.0, "34%")], &r, |_| true),
            [Spot::At(Rect::new(3.0, 2.0, 3.0, 1.0))]
        );
        assert_eq!(
            place(&[at(19.0, 2.0, "34%")], &r, |_| true),
            [Spot::At(Rect::new(16.0, 2.0, 3.0, 1.0))]
        );
        // Wider than the plot: nowhere.
        assert_eq!(
            place(&[at(2.0, 2.0, &"9".repeat(25))], &r, |_| true),
            [Spot::None]
        );
    }

    /// Two lines with points in one period, a row apart: the second label cannot go right (it
    /// would touch nothing, but the first point's label is there), nor anywhere nearer the first
    /// point than its own; it goes left, on its own row.
    #[test]
    fn labels_of_two_lines_in_one_period_never_overlap_and_stay_by_their_points() {
        let r = cells(30.0, 8.0);
        let asks = [at(10.0, 3.0, "398亿元"), at(10.0, 4.0, "390亿元")];
        let spots = place(&asks, &r, |_| true);
        let (a, b) = (rect(spots[0]), rect(spots[1]));
        assert_eq!(a, Rect::new(11.0, 3.0, 7.0, 1.0), "right of its point");
        assert!(!a.grown(1.0, 0.0).overlaps(&b), "{a:?} {b:?}");
        assert_eq!(
            b,
            Rect::new(11.0, 4.0, 7.0, 1.0),
            "right of its own, the row under"
        );
        // The same, at the right edge: both go left, each on its point's row.
        let asks = [at(29.0, 3.0, "398亿元"), at(29.0, 4.0, "390亿元")];
        let spots = place(&asks, &r, |_| true);
        assert_eq!(rect(spots[0]), Rect::new(22.0, 3.0, 7.0, 1.0));
        assert_eq!(rect(spots[1]), Rect::new(22.0, 4.0, 7.0, 1.0));
    }

    /// A label that would sit against another line's marker (`●635亿■`) reads as either's: it
    /// goes elsewhere.
    #[test]
    fn a_label_never_sits_nearer_another_point_than_its_own() {
        let r = cells(30.0, 8.0);
        // Right of (5, 3) a 3-wide label ends at 9, against a marker at (9, 3).
        let asks = [at(5.0, 3.0, "18%"), at(9.0, 3.0, "26%")];
        let spots = place(&asks, &r, |_| true);
        assert_eq!(rect(spots[0]), Rect::new(2.0, 3.0, 3.0, 1.0), "left instead");
        assert_eq!(rect(spots[1]), Rect::new(10.0, 3.0, 3.0, 1.0));
        // Every placed label is strictly nearest its own point.
        for asks in [
            vec![at(5.0, 3.0, "18%"), at(6.0, 2.0, "26%"), at(6.0, 4.0, "34%")],
            vec![
                at(0.0, 0.0, "1"),
                at(2.0, 0.0, "2"),
                at(4.0, 0.0, "3"),
                at(1.0, 1.0, "4"),
            ],
        ] {
            let spots = place(&asks, &r, |_| true);
            for (k, s) in spots.iter().enumerate() {
                let Spot::At(b) = s else { continue };
                let d = |m: &Rect| {
                    let (px, py) = m.centre();
                    let dx = (b.x - px).max(px - (b.x + b.w)).max(0.0);
                    let dy = (b.y - py).max(py - (b.y + b.h)).max(0.0) * 2.0;
                    dx.hypot(dy)
                };
                for (j, a) in asks.iter().enumerate() {
                    if j != k {
                        assert!(d(&a.mark) > d(&asks[k].mark), "{k} by {j}: {spots:?}");
                        assert!(!a.mark.overlaps(b));
                    }
                }
            }
        }
    }

    #[test]
    fn points_at_one_spot_share_a_label_that_says_both_or_get_none() {
        let r = cells(30.0, 8.0);
        let same = [at(10.0, 3.0, "34%"), at(10.0, 3.0, "34%")];
        assert_eq!(
            place(&same, &r, |_| true),
            [Spot::At(Rect::new(11.0, 3.0, 3.0, 1.0)), Spot::Same(0)]
        );
        let different = [
            at(10.0, 3.0, "398亿元"),
            at(10.0, 3.0, "400亿元"),
            at(20.0, 6.0, "9%"),
        ];
        let spots = place(&different, &r, |_| true);
        assert_eq!(
            &spots[..2],
            [Spot::None, Spot::None],
            "neither label is clearly its own"
        );
        assert!(matches!(spots[2], Spot::At(_)), "others are unaffected");
    }

    #[test]
    fn blank_room_first_then_ink() {
        let r = cells(30.0, 8.0);
        // Ink right of the point: left of it instead.
        let ink = Rect::new(11.0, 3.0, 5.0, 1.0);
        let blank = |b: &Rect| !b.overlaps(&ink);
        assert_eq!(
            place(&[at(10.0, 3.0, "34%")], &r, blank),
            [Spot::At(Rect::new(7.0, 3.0, 3.0, 1.0))]
        );
        // Ink everywhere: the first side that fits.
        assert_eq!(
            place(&[at(10.0, 3.0, "34%")], &r, |_| false),
            [Spot::At(Rect::new(11.0, 3.0, 3.0, 1.0))]
        );
    }

    /// Pixels, the SVG's way: above first, centred.
    #[test]
    fn pixels_above_first_then_around() {
        let rules = Rules {
            sides: &[Side::Above, Side::Right, Side::Left, Side::Below],
            gap: 3.0,
            apart: (4.0, 2.0),
            bounds: Rect::new(0.0, 0.0, 500.0, 300.0),
            y_scale: 1.0,
        };
        let mark = |x: f64, y: f64| Rect::new(x - 6.0, y - 6.0, 12.0, 12.0);
        let asks = [
            Ask {
                mark: mark(100.0, 100.0),
                text: "398亿元",
                w: 46.0,
                h: 14.0,
            },
            Ask {
                mark: mark(100.0, 108.0),
                text: "390亿元",
                w: 46.0,
                h: 14.0,
            },
        ];
        let spots = place(&asks, &rules, |_| true);
        let a = rect(spots[0]);
        assert_eq!(a, Rect::new(77.0, 77.0, 46.0, 14.0), "centred above");
        let b = rect(spots[1]);
        assert!(
            !a.grown(4.0, 2.0).overlaps(&b) && !b.overlaps(&asks[0].mark),
            "{b:?}"
        );
        assert!(b.y > a.y + a.h, "{b:?}: not above the first point's label");
    }
}
