//! Sparklines as text (`▁▃▅█`), so the same trend reads in the TUI and in a text export.

use crate::kb::{Period, Point, Series};

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Most slots a table-cell sparkline shows (the most recent ones).
pub const CELL_SLOTS: usize = 12;

/// One glyph per value, scaled between the smallest and largest; `None` (a gap) is a space.
/// A flat or single-value line sits in the middle.
pub fn spark(values: &[Option<f64>]) -> String {
    let present = values.iter().flatten().copied().filter(|v| v.is_finite());
    let (lo, hi) = present.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    values
        .iter()
        .map(|v| match v {
            Some(v) if v.is_finite() => {
                if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
                    BARS[3]
                } else {
                    let t = (v - lo) / (hi - lo);
                    BARS[((t * 7.0).round() as usize).min(7)]
                }
            }
            _ => ' ',
        })
        .collect()
}

/// A position on a regular calendar grid, for spotting gaps between same-granularity periods.
fn slot(p: Period) -> Option<(u8, i64)> {
    match p {
        Period::Year(y) => Some((0, y as i64)),
        Period::FiscalYear(y) => Some((1, y as i64)),
        Period::Half(y, h) => Some((2, y as i64 * 2 + h as i64)),
        Period::Quarter(y, q) => Some((3, y as i64 * 4 + q as i64)),
        Period::Month(y, m) => Some((4, y as i64 * 12 + m as i64)),
        Period::Day(..) | Period::Span(..) => None,
    }
}

/// The period at a grid position (the inverse of `slot`).
fn from_slot(kind: u8, n: i64) -> Option<Period> {
    let y = |v: i64| u16::try_from(v).ok();
    match kind {
        0 => Some(Period::Year(y(n)?)),
        1 => Some(Period::FiscalYear(y(n)?)),
        2 => Some(Period::Half(
            y((n - 1).div_euclid(2))?,
            ((n - 1).rem_euclid(2) + 1) as u8,
        )),
        3 => Some(Period::Quarter(
            y((n - 1).div_euclid(4))?,
            ((n - 1).rem_euclid(4) + 1) as u8,
        )),
        4 => Some(Period::Month(
            y((n - 1).div_euclid(12))?,
            ((n - 1).rem_euclid(12) + 1) as u8,
        )),
        _ => None,
    }
}

/// The series as one value per period in time order: points that share a period (statements from
/// different sources) are averaged; when all periods have one granularity, missing ones between
/// them become gaps.
pub fn series_values(s: &Series) -> Vec<(Period, Option<f64>)> {
    values_of(&s.sorted_points())
}

/// [`series_values`] for some of a series' points, in time order.
fn values_of(pts: &[&Point]) -> Vec<(Period, Option<f64>)> {
    let mut merged: Vec<(Period, f64, usize)> = Vec::new();
    for p in pts {
        match merged.last_mut() {
            Some((per, sum, n)) if *per == p.period => {
                *sum += p.value.mid();
                *n += 1;
            }
            _ => merged.push((p.period, p.value.mid(), 1)),
        }
    }
    let slots: Option<Vec<(u8, i64)>> = merged.iter().map(|(p, _, _)| slot(*p)).collect();
    let uniform = slots
        .as_ref()
        .is_some_and(|s| s.windows(2).all(|w| w[0].0 == w[1].0));
    let mut out = Vec::new();
    for (i, (p, sum, n)) in merged.iter().enumerate() {
        if uniform && i > 0 {
            let s = slots.as_ref().expect("uniform implies slots");
            // Cap the filler so one far-off point cannot make a line hundreds of gaps wide.
            let missing = (s[i].1 - s[i - 1].1 - 1).clamp(0, 4);
            for k in 1..=missing {
                let gap = from_slot(s[i].0, s[i - 1].1 + k).unwrap_or(*p);
                out.push((gap, None));
            }
        }
        out.push((*p, Some(sum / *n as f64)));
    }
    out
}

/// Put between the runs of a series' different granularities, each scaled on its own.
pub const GRAIN_BREAK: char = '¦';

/// How long a period is, for keeping figures of different lengths apart.
fn grain(p: Period) -> u8 {
    match p {
        Period::Year(_) => 0,
        Period::FiscalYear(_) => 1,
        Period::Half(..) => 2,
        Period::Quarter(..) => 3,
        Period::Month(..) => 4,
        Period::Day(..) => 5,
        Period::Span(..) => 6,
    }
}

/// The sparkline of a whole series. Figures of different lengths of time (a half-year's revenue,
/// then a quarter's) are not comparable: each granularity is drawn as its own run, scaled on its
/// own, the runs in order of their first figure and separated by [`GRAIN_BREAK`] — so 阿里云营收
/// (2025-H1 635亿元, 2025-Q3 >398亿元) reads `▄¦▄`, not the fall `█▁` would suggest.
pub fn series_spark_full(s: &Series) -> String {
    let pts = s.sorted_points();
    let mut runs: Vec<(u8, Vec<&Point>)> = Vec::new();
    for p in pts {
        let g = grain(p.period);
        match runs.iter_mut().find(|(h, _)| *h == g) {
            Some((_, v)) => v.push(p),
            None => runs.push((g, vec![p])),
        }
    }
    let mut out = String::new();
    for (i, (_, pts)) in runs.iter().enumerate() {
        if i > 0 {
            out.push(GRAIN_BREAK);
        }
        let v: Vec<Option<f64>> = values_of(pts).into_iter().map(|(_, v)| v).collect();
        out.push_str(&spark(&v));
    }
    out
}

/// The sparkline for a table cell: the most recent [`CELL_SLOTS`] slots.
pub fn series_spark(s: &Series) -> String {
    let full: Vec<char> = series_spark_full(s).chars().collect();
    full[full.len().saturating_sub(CELL_SLOTS)..].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_between_min_and_max() {
        assert_eq!(spark(&[Some(0.0), Some(50.0), Some(100.0)]), "▁▅█");
        assert_eq!(spark(&[Some(3.0)]), "▄");
        assert_eq!(spark(&[Some(3.0), Some(3.0)]), "▄▄");
        assert_eq!(spark(&[Some(1.0), None, Some(2.0)]), "▁ █");
        assert_eq!(spark(&[]), "");
        assert_eq!(spark(&[Some(-5.0), Some(5.0)]), "▁█");
    }

    #[test]
    fn gaps_between_quarters_and_merged_conflicts() {
        let s: Series = toml::from_str(
            r#"
            id = "x"
            name = "x"
            market = "m"
            metric = "growth"
            unit = "%"
            sources = ["a", "b"]
            points = [
              { period = "2025-Q3", value = 30, source = "a" },
              { period = "2025-Q1", value = 10, source = "a" },
              { period = "2025-Q1", value = 20, source = "b" },
            ]
            "#,
        )
        .unwrap();
        let v: Vec<Option<f64>> = series_values(&s).into_iter().map(|(_, v)| v).collect();
        assert_eq!(v, [Some(15.0), None, Some(30.0)]);
        let periods: Vec<String> = series_values(&s)
            .into_iter()
            .map(|(p, _)| p.to_string())
            .collect();
        assert_eq!(
            periods,
            ["2025-Q1", "2025-Q2", "2025-Q3"],
            "a gap is labelled with its own period"
        );
        assert_eq!(series_spark(&s), "▁ █");
    }

    #[test]
    fn granularities_are_runs_of_their_own_never_one_line() {
        let s: Series = toml::from_str(
            r#"
            id = "x"
            name = "x"
            vendor = "v"
            metric = "revenue"
            unit = "CNY"
            sources = ["a"]
            points = [
              { period = "2025-H1", value = "635亿" },
              { period = "2025-Q3", value = "398亿" },
              { period = "2025-Q4", value = "420亿" },
              { period = "2024-H2", value = "600亿" },
            ]
            "#,
        )
        .unwrap();
        // Half-years first (2024-H2 comes first in time), each run scaled on its own.
        assert_eq!(series_spark_full(&s), "▁█¦▁█");
        let kb = crate::kb::load_builtin().kb;
        let rev = kb.series_by_id("aliyun-revenue").expect("in the built-in KB");
        assert_eq!(series_spark_full(rev), "▄¦▄", "no false fall from H1 to Q3");
    }
}
