//! Group-by (`F` in the explorer, `marketlens export --group-by COLUMN`): a tab's shown rows
//! counted by the value of one column, as a frequency table of its own. Generic over a
//! [`View`]'s columns and cells, so any tab groups by any of its columns.
//!
//! - One group per distinct cell text; an empty cell is the group [`NONE`].
//! - A list column ([`Column::list`], e.g. a deal's vendors `阿里云, 腾讯云`) counts the row once
//!   under each item, so the counts can add up to more than the rows, and the shares to more than
//!   100 %; the table says so.
//! - Where the tab has a numeric column (the first `Amount` column, else the first `Number`
//!   column, other than the one grouped by), each group has its sum and mean. Amounts in different
//!   currencies are never added raw: with `[[fx]]` rates in the KB they are converted to the
//!   currency most of the amounts are in (those with no rate are left out, counted and said);
//!   without rates there is one sum per currency. Other units (`%`, a price per hour) are summed
//!   per unit.
//! - Groups are sorted by count, largest first, then by value; [`NONE`] last among equals.

use std::collections::HashMap;

use super::{Cell, ColType, Column, SortKey, Tab, View};
use crate::kb::fx::Rates;
use crate::kb::number::{self, Currency, Unit};
use crate::kb::{Kb, Period};

/// How the group of empty cells is shown.
pub const NONE: &str = "(none)";

/// Width of the bar column in exports (display columns).
pub const BAR_WIDTH: usize = 20;

/// A numeric cell's value in its unit, and when it held (for the exchange rate).
#[derive(Clone, Debug, PartialEq)]
pub struct Measure {
    pub value: f64,
    pub unit: Unit,
    pub at: Option<Period>,
}

/// What a group's numeric values add up to, in one unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Total {
    pub unit: Unit,
    pub sum: f64,
    /// Values added.
    pub n: usize,
}

impl Total {
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum / self.n as f64
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// The cell text (one item of a list cell); empty for the group of empty cells.
    pub value: String,
    pub count: usize,
    /// Sums of the numeric column, one per unit (one in all when converted), largest count first.
    pub totals: Vec<Total>,
    /// Values of the numeric column that could not be added (no exchange rate, no unit).
    pub left_out: usize,
}

impl Group {
    /// The value as shown: [`NONE`] for empty cells.
    pub fn label(&self) -> &str {
        if self.value.is_empty() { NONE } else { &self.value }
    }
}

/// A frequency table: a tab's shown rows grouped by one column.
#[derive(Clone, Debug, PartialEq)]
pub struct Grouping {
    pub tab: Tab,
    /// The column grouped by.
    pub by: Column,
    /// The numeric column summed, if the tab has one.
    pub measure: Option<Column>,
    /// Rows grouped (the view's shown rows).
    pub rows: usize,
    pub groups: Vec<Group>,
    /// The currency money sums were converted to through the KB's `[[fx]]` rates, if they were.
    pub currency: Option<Currency>,
}

/// A column of the grouped table, for headers and alignment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub name: String,
    pub right: bool,
}

impl Grouping {
    /// "Deals grouped by Kind · 14 groups".
    pub fn title(&self) -> String {
        format!(
            "{} grouped by {} · {}",
            self.tab.title(),
            self.by.name,
            crate::text::count(self.groups.len(), "group", "groups")
        )
    }

    /// The table's columns: the value, `Count`, `Share`, the sum and mean when there is a
    /// numeric column, and the bar.
    pub fn headings(&self) -> Vec<Heading> {
        let h = |name: String, right| Heading { name, right };
        let mut v = vec![
            h(self.by.name.to_string(), false),
            h("Count".into(), true),
            h("Share".into(), true),
        ];
        if let Some(m) = &self.measure {
            v.push(h(format!("{} sum", m.name), true));
            v.push(h(format!("{} mean", m.name), true));
        }
        v.push(h("Bar".into(), false));
        v
    }

    /// The cells of group `i` under [`headings`](Self::headings), the bar `bar` columns wide.
    pub fn cells(&self, i: usize, bar: usize) -> Vec<String> {
        let g = &self.groups[i];
        let mut v = vec![g.label().to_string(), g.count.to_string(), self.share(g)];
        if self.measure.is_some() {
            let join = |f: &dyn Fn(&Total) -> f64| {
                g.totals
                    .iter()
                    .map(|t| show(f(t), &t.unit))
                    .collect::<Vec<_>>()
                    .join(" + ")
            };
            v.push(join(&|t| t.sum));
            v.push(
                g.totals
                    .iter()
                    .map(|t| show(t.mean(), &t.unit))
                    .collect::<Vec<_>>()
                    .join(" · "),
            );
        }
        v.push(self.bar(g.count, bar));
        v
    }

    /// `42.9%` of the rows grouped.
    fn share(&self, g: &Group) -> String {
        if self.rows == 0 {
            return "0%".into();
        }
        format!("{:.1}%", g.count as f64 * 100.0 / self.rows as f64)
    }

    /// A bar `width` columns long for the largest count, in eighths of a block.
    pub fn bar(&self, count: usize, width: usize) -> String {
        // Groups are sorted by count, largest first (`build`): the first is the largest. (Not a
        // scan of every group: called for every group, that was quadratic — seconds at 50,000.)
        let max = self.groups.first().map_or(0, |g| g.count);
        bar(count, max, width)
    }

    /// Lines that say how to read the table: list columns, conversions, values left out.
    pub fn notes(&self) -> Vec<String> {
        let mut v = Vec::new();
        if self.by.list {
            v.push(format!(
                "a row with several {} values counts once under each, so counts add up to more than the rows",
                self.by.name
            ));
        }
        let Some(m) = &self.measure else {
            return v;
        };
        if let Some(c) = self.currency {
            v.push(format!(
                "{} sums in {c}, converted through the KB's [[fx]] rates",
                m.name
            ));
        } else if self.groups.iter().any(|g| {
            g.totals
                .iter()
                .filter(|t| matches!(t.unit, Unit::Money(_)))
                .count()
                > 1
        }) {
            v.push(format!(
                "{} sums are per currency: the KB states no [[fx]] rate to convert them",
                m.name
            ));
        }
        let left: usize = self.groups.iter().map(|g| g.left_out).sum();
        if left > 0 {
            let why = match self.currency {
                Some(c) => format!("no rate to {c}"),
                None => "no unit".into(),
            };
            v.push(format!(
                "{} left out of the sums ({why})",
                crate::text::count(left, "value", "values")
            ));
        }
        v
    }

    /// The group at this position holding this value (after a rebuild), if any.
    pub fn position(&self, value: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.value == value)
    }
}

/// `count` of `max` as a bar `width` columns long, in eighths of a block (`█████▍`).
pub fn bar(count: usize, max: usize, width: usize) -> String {
    const EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    if max == 0 || width == 0 {
        return String::new();
    }
    let eighths = ((count as f64 / max as f64) * (width * 8) as f64).round() as usize;
    let eighths = eighths.clamp(usize::from(count > 0), width * 8);
    let mut s = "█".repeat(eighths / 8);
    if eighths % 8 > 0 {
        s.push(EIGHTHS[eighths % 8]);
    }
    s
}

/// A sum or mean as the table shows it: money in words (`635亿元`, `$1.5B`), counts with
/// thousands separators, other units as their values are shown.
fn show(v: f64, unit: &Unit) -> String {
    match unit {
        Unit::Count => number::grouped(v),
        u => number::human_value(v, u),
    }
}

/// Columns a tab can be grouped by: all but sparklines.
pub fn groupable(columns: &[Column]) -> impl Iterator<Item = (usize, &Column)> {
    columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.ty != ColType::Sparkline)
}

/// The column to group by, by key or header (any case): its position, or an error naming the
/// columns there are (with a "did you mean").
pub fn resolve(tab: Tab, columns: &[Column], name: &str) -> Result<usize, String> {
    let name = name.trim();
    if let Some((i, _)) = groupable(columns)
        .find(|(_, c)| c.key.eq_ignore_ascii_case(name) || c.name.eq_ignore_ascii_case(name))
    {
        return Ok(i);
    }
    let keys: Vec<&str> = groupable(columns).map(|(_, c)| c.key.as_ref()).collect();
    let hint = crate::kb::hint::did_you_mean(name, &keys)
        .map(|h| format!(" (did you mean `{h}`?)"))
        .unwrap_or_default();
    Err(format!(
        "no column `{}` to group {} by{hint}; columns: {}",
        crate::text::escape_controls(name),
        tab.title().to_lowercase(),
        keys.join(", ")
    ))
}

/// The numeric column a grouping of `columns` by column `by` sums: the first `Amount` column,
/// else the first `Number` column, other than `by`.
pub fn measure_column(columns: &[Column], by: usize) -> Option<usize> {
    // An amount column whose rows' units are not known (Compare's value columns, which hold
    // figures of several measures) is never summed.
    let find = |ty| {
        columns
            .iter()
            .enumerate()
            .position(|(i, c)| i != by && c.ty == ty && (ty != ColType::Amount || c.unit.is_some()))
    };
    find(ColType::Amount).or_else(|| find(ColType::Number))
}

/// The values a cell counts under: its text, each item of a list cell, or `""` when empty.
pub fn values<'a>(column: &Column, text: &'a str) -> Vec<&'a str> {
    if !column.list {
        return vec![text];
    }
    // A list naming one item twice counts it once (lists are short: a linear check).
    let mut items: Vec<&str> = Vec::new();
    for item in text.split(", ").map(str::trim).filter(|s| !s.is_empty()) {
        if !items.contains(&item) {
            items.push(item);
        }
    }
    if items.is_empty() {
        items.push("");
    }
    items
}

/// The value of the numeric `column` for record `index`, in its unit: a `Number` column's count
/// (from its cell, `num`), an `Amount` column's value in the unit its [`Column::unit`] states.
/// `Err(())`: a value there is, but with no unit to add it in (left out and counted).
fn measure(
    kb: &Kb,
    column: &Column,
    index: usize,
    num: impl FnOnce() -> Option<f64>,
) -> Result<Option<Measure>, ()> {
    if column.ty == ColType::Number {
        return Ok(num().map(|value| Measure {
            value,
            unit: Unit::Count,
            at: None,
        }));
    }
    match column.unit {
        Some(f) => Ok(f(kb, index).map(|(value, unit, at)| Measure { value, unit, at })),
        None if num().is_some() => Err(()),
        None => Ok(None),
    }
}

fn num(cell: &Cell) -> Option<f64> {
    match cell.key {
        SortKey::Num(v) | SortKey::Money(v, ..) => Some(v),
        _ => None,
    }
}

/// Group the rows `view` shows by its column `by`.
pub fn group(kb: &Kb, view: &View, by: usize) -> Grouping {
    let m = measure_column(&view.columns, by);
    build(
        kb,
        view.tab,
        &view.columns,
        by,
        m,
        view.shown().map(|r| {
            let value = match m {
                Some(m) => measure(kb, &view.columns[m], r.index, || num(&r.cells[m])),
                None => Ok(None),
            };
            (&r.cells[by], value)
        }),
    )
}

/// As [`group`], for the records `rows` (indices into the tab's kind, in display order), their
/// cells made afresh from the KB: what the explorer runs off the UI thread, which has no copy of
/// the tab's view to hand over. Only the grouped column's cells are made, and the numeric
/// column's only where it is a count.
pub fn group_records(kb: &Kb, tab: Tab, rows: &[usize], by: usize) -> Grouping {
    let columns = tab.columns();
    let m = measure_column(columns, by);
    // Making the cells is most of the work (names looked up, text cleaned): on every core for a
    // large tab, in chunks whose results are counted in row order, so the table is the same.
    let chunks: Vec<&[usize]> = rows.chunks(PAR_CHUNK).collect();
    let threads = if rows.len() >= 4 * PAR_CHUNK {
        crate::par::cores()
    } else {
        1
    };
    let made = crate::par::map_units(&chunks, threads, |chunk| {
        Some(
            chunk
                .iter()
                .map(|&i| {
                    let value = match m {
                        Some(m) => measure(kb, &columns[m], i, || num(&(columns[m].cell)(kb, i))),
                        None => Ok(None),
                    };
                    ((columns[by].cell)(kb, i), value)
                })
                .collect::<Vec<_>>(),
        )
    })
    .unwrap_or_default();
    build(
        kb,
        tab,
        columns,
        by,
        m,
        made.iter().flatten().map(|(c, v)| (c, v.clone())),
    )
}

/// Rows per unit of work when cells are made on several threads.
const PAR_CHUNK: usize = 4096;

/// A group as it is being counted: money by currency before conversion.
#[derive(Default)]
struct Tally {
    count: usize,
    /// First seen first, for a stable order of units with equal counts.
    values: Vec<Measure>,
    left_out: usize,
}

fn build<'a>(
    kb: &Kb,
    tab: Tab,
    columns: &[Column],
    by: usize,
    m: Option<usize>,
    rows: impl Iterator<Item = (&'a Cell, Result<Option<Measure>, ()>)>,
) -> Grouping {
    let column = &columns[by];
    // Values borrowed from the cells while counting: one string made per group, at the end.
    let mut at: foldhash::HashMap<&'a str, usize> = foldhash::HashMap::default();
    let mut tallies: Vec<(&'a str, Tally)> = Vec::new();
    let mut n = 0;
    for (cell, value) in rows {
        n += 1;
        let mut tally = |v: &'a str| {
            let slot = *at.entry(v).or_insert_with(|| {
                tallies.push((v, Tally::default()));
                tallies.len() - 1
            });
            let t = &mut tallies[slot].1;
            t.count += 1;
            match &value {
                Ok(Some(v)) => t.values.push(v.clone()),
                Err(()) => t.left_out += 1,
                Ok(None) => {}
            }
        };
        if column.list {
            values(column, &cell.text).into_iter().for_each(tally);
        } else {
            tally(cell.text.as_str());
        }
    }
    let rates = Rates::new(&kb.fx);
    let currency = (!rates.is_empty()).then(|| main_currency(&tallies)).flatten();
    // Each value in lower case once, not per comparison (there may be 50,000 groups).
    let mut keyed: Vec<(std::cmp::Reverse<usize>, bool, String, &str, Tally)> = tallies
        .into_iter()
        .map(|(v, t)| (std::cmp::Reverse(t.count), v.is_empty(), v.to_lowercase(), v, t))
        .collect();
    keyed.sort_unstable_by(|a, b| (a.0, a.1, &a.2, a.3).cmp(&(b.0, b.1, &b.2, b.3)));
    let groups: Vec<Group> = keyed
        .into_iter()
        .map(|(_, _, _, value, t)| {
            let (totals, lost) = totals(&t.values, currency, &rates);
            Group {
                value: value.to_string(),
                count: t.count,
                totals,
                left_out: t.left_out + lost,
            }
        })
        .collect();
    Grouping {
        tab,
        by: column.clone(),
        measure: m.map(|m| columns[m].clone()),
        rows: n,
        groups,
        currency,
    }
}

/// The currency most money values are in (the first in `Currency`'s order among equals), if
/// there are values in more than one.
fn main_currency(tallies: &[(&str, Tally)]) -> Option<Currency> {
    let mut counts: HashMap<Currency, usize> = HashMap::new();
    for (_, t) in tallies {
        for v in &t.values {
            if let Unit::Money(c) = v.unit {
                *counts.entry(c).or_default() += 1;
            }
        }
    }
    if counts.len() < 2 {
        return None;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(c, _)| c)
}

/// Sums per unit, money converted to `to` when given; and how many values had no rate.
fn totals(values: &[Measure], to: Option<Currency>, rates: &Rates) -> (Vec<Total>, usize) {
    let mut totals: Vec<Total> = Vec::new();
    let mut lost = 0;
    for v in values {
        let (unit, value) = match (&v.unit, to) {
            (Unit::Money(from), Some(to)) => match rates.convert(v.value, *from, to, v.at) {
                Some(x) => (Unit::Money(to), x),
                None => {
                    lost += 1;
                    continue;
                }
            },
            (u, _) => (u.clone(), v.value),
        };
        match totals.iter_mut().find(|t| t.unit == unit) {
            Some(t) => {
                t.sum += value;
                t.n += 1;
            }
            None => totals.push(Total {
                unit,
                sum: value,
                n: 1,
            }),
        }
    }
    // The unit most values are in first; first seen first among equals (a stable sort).
    totals.sort_by_key(|t| std::cmp::Reverse(t.n));
    (totals, lost)
}

/// A group chosen in the explorer: the tab then shows the rows whose cell in `column` holds
/// `value` (for a list column, among its items; `""`: the empty cells). Kept beside the tab's
/// query, not written into it: the query language cannot say "this column's cell is exactly
/// this" for every column, and the rows shown must be exactly the group's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pick {
    /// The column's key.
    pub key: std::borrow::Cow<'static, str>,
    pub name: std::borrow::Cow<'static, str>,
    pub value: String,
}

impl Pick {
    pub fn new(g: &Grouping, i: usize) -> Option<Pick> {
        Some(Pick {
            key: g.by.key.clone(),
            name: g.by.name.clone(),
            value: g.groups.get(i)?.value.clone(),
        })
    }

    /// Keep only the shown rows of `view` in the group (nothing when the view has no such column).
    pub fn keep(&self, view: &mut View) {
        let Some(ci) = view.columns.iter().position(|c| c.key == self.key) else {
            view.order.clear();
            return;
        };
        let column = view.columns[ci].clone();
        let rows = &view.rows;
        view.order
            .retain(|&r| values(&column, &rows[r].cells[ci].text).contains(&self.value.as_str()));
    }

    /// `Kind = order`, as titles and exports say it.
    pub fn label(&self) -> String {
        let v = if self.value.is_empty() { NONE } else { &self.value };
        format!("{} = {v}", self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::{Row, ViewSpec, rows as view_rows};

    fn kb() -> Kb {
        let l = crate::kb::load_builtin();
        assert!(l.is_ok(), "{}", l.render_diagnostics());
        l.kb
    }

    /// A Deals view over hand-made cells: (vendor list, amount, currency).
    fn deals(kb: &mut Kb, rows: &[(&str, Option<(f64, Currency)>)]) -> View {
        let mut v = crate::view::table(kb, Tab::Deals);
        v.rows.truncate(rows.len());
        let amount = Tab::Deals.column("amount").unwrap();
        let vendor = Tab::Deals.column("vendor").unwrap();
        for (i, (vendors, money)) in rows.iter().enumerate() {
            v.rows[i].cells[vendor] = Cell::text(vendors);
            kb.deals[i].amount = money.map(|(x, c)| crate::kb::Amount {
                value: crate::kb::value::Value::one(x),
                currency: c,
                qualifier: Default::default(),
            });
            v.rows[i].cells[amount] = match money {
                Some((x, _)) => Cell {
                    text: x.to_string(),
                    key: SortKey::Num(*x),
                },
                None => Cell::empty(),
            };
        }
        v.order = (0..rows.len()).collect();
        v
    }

    #[test]
    fn counts_sort_by_count_then_value_with_none_last_among_equals() {
        let mut kb = kb();
        kb.fx.clear();
        let v = deals(
            &mut kb,
            &[("b", None), ("a", None), ("", None), ("b", None), ("c", None)],
        );
        let g = group(&kb, &v, Tab::Deals.column("vendor").unwrap());
        let got: Vec<(&str, usize)> = g.groups.iter().map(|g| (g.label(), g.count)).collect();
        assert_eq!(got, [("b", 2), ("a", 1), ("c", 1), (NONE, 1)]);
        assert_eq!(g.rows, 5);
        assert_eq!(g.cells(0, 4)[..3], ["b", "2", "40.0%"]);
        assert_eq!(g.title(), "Deals grouped by Vendor · 4 groups");
    }

    #[test]
    fn a_list_cell_counts_under_each_item_once() {
        let mut kb = kb();
        kb.fx.clear();
        let v = deals(
            &mut kb,
            &[
                ("阿里云, 腾讯云", Some((10.0, Currency::CNY))),
                ("阿里云", Some((5.0, Currency::CNY))),
                ("腾讯云, 腾讯云", None),
            ],
        );
        let g = group(&kb, &v, Tab::Deals.column("vendor").unwrap());
        let got: Vec<(&str, usize)> = g.groups.iter().map(|g| (g.label(), g.count)).collect();
        assert_eq!(got, [("腾讯云", 2), ("阿里云", 2)]);
        let ali = &g.groups[1];
        assert_eq!(
            ali.totals,
            [Total {
                unit: Unit::Money(Currency::CNY),
                sum: 15.0,
                n: 2
            }]
        );
        assert!(g.notes().iter().any(|n| n.contains("counts once under each")));
    }

    #[test]
    fn sums_are_per_currency_without_rates_and_converted_with_them() {
        let mut kb = kb();
        kb.fx.clear();
        let rows = [
            ("a", Some((100.0, Currency::CNY))),
            ("a", Some((7.0, Currency::USD))),
            ("a", Some((50.0, Currency::CNY))),
            ("a", Some((1.0, Currency::EUR))),
        ];
        let v = deals(&mut kb, &rows);
        let g = group(&kb, &v, Tab::Deals.column("vendor").unwrap());
        assert_eq!(g.currency, None);
        assert_eq!(
            g.groups[0].totals,
            [
                Total {
                    unit: Unit::Money(Currency::CNY),
                    sum: 150.0,
                    n: 2
                },
                Total {
                    unit: Unit::Money(Currency::USD),
                    sum: 7.0,
                    n: 1
                },
                Total {
                    unit: Unit::Money(Currency::EUR),
                    sum: 1.0,
                    n: 1
                },
            ]
        );
        assert_eq!(g.cells(0, 4)[3], "150元 + $7 + €1");
        assert!(g.notes().iter().any(|n| n.contains("per currency")));

        kb.fx = vec![crate::kb::fx::Fx {
            pair: "USD/CNY".into(),
            rate: 7.0,
            period: None,
            sources: vec![],
            quote: None,
            origin: Default::default(),
        }];
        let g = group(&kb, &v, Tab::Deals.column("vendor").unwrap());
        assert_eq!(g.currency, Some(Currency::CNY));
        assert_eq!(
            g.groups[0].totals,
            [Total {
                unit: Unit::Money(Currency::CNY),
                sum: 199.0,
                n: 3
            }]
        );
        assert_eq!(g.groups[0].left_out, 1, "no EUR rate");
        let notes = g.notes().join("\n");
        assert!(notes.contains("sums in CNY"), "{notes}");
        assert!(
            notes.contains("1 value left out of the sums (no rate to CNY)"),
            "{notes}"
        );
    }

    #[test]
    fn counts_add_up_and_the_worker_path_agrees_on_every_column_of_every_tab() {
        let kb = kb();
        for tab in Tab::ALL {
            let v = view_rows(&kb, &ViewSpec::new(tab));
            for (by, c) in groupable(&v.columns) {
                let g = group(&kb, &v, by);
                let total: usize = g.groups.iter().map(|g| g.count).sum();
                if c.list {
                    assert!(total >= v.len(), "{tab:?} {}", c.key);
                } else {
                    assert_eq!(total, v.len(), "{tab:?} {}", c.key);
                }
                assert!(
                    g.groups.windows(2).all(|w| w[0].count >= w[1].count),
                    "{tab:?} {}",
                    c.key
                );
                // The worker's path for a record tab makes the cells again from the records (an
                // analysis view's job carries its rows and takes the path above).
                if tab.kind().is_some() {
                    let order: Vec<usize> = v.shown().map(|r| r.index).collect();
                    assert_eq!(group_records(&kb, tab, &order, by), g, "{tab:?} {}", c.key);
                }
                // Picking each group shows exactly its rows.
                for (i, grp) in g.groups.iter().enumerate() {
                    let mut w = v.clone();
                    Pick::new(&g, i).unwrap().keep(&mut w);
                    assert_eq!(w.len(), grp.count, "{tab:?} {} {}", c.key, grp.label());
                }
            }
        }
    }

    /// On a tab large enough for several threads, the cells made in chunks are counted in row
    /// order: the same table as from the view's own cells.
    #[test]
    fn the_threaded_path_agrees_with_the_view_on_a_large_tab() {
        // Large enough for four chunks of deals (the synthetic KB's format-2 records come out
        // of the deals' share).
        let kb = crate::synth::kb(40_000, 7);
        let v = view_rows(&kb, &ViewSpec::new(Tab::Deals));
        assert!(v.len() >= 4 * PAR_CHUNK, "{} deals", v.len());
        let order: Vec<usize> = v.shown().map(|r| r.index).collect();
        for key in ["vendor", "kind", "amount", "counterparty"] {
            let by = Tab::Deals.column(key).unwrap();
            assert_eq!(
                group_records(&kb, Tab::Deals, &order, by),
                group(&kb, &v, by),
                "{key}"
            );
        }
    }

    /// Every `Amount` column says the unit of its values, or its sums would be left out; a
    /// new money column without one fails here.
    #[test]
    fn every_amount_column_states_its_unit() {
        let kb = kb();
        for tab in Tab::ALL {
            let v = view_rows(&kb, &ViewSpec::new(tab));
            for (ci, c) in tab.columns().iter().enumerate() {
                assert_eq!(c.ty == ColType::Amount, c.unit.is_some(), "{tab:?} {}", c.key);
                // The value summed is the one the cell sorts by, row for row.
                if let Some(f) = c.unit {
                    for r in &v.rows {
                        assert_eq!(
                            f(&kb, r.index).map(|m| m.0),
                            num(&r.cells[ci]),
                            "{tab:?} {}",
                            r.id
                        );
                    }
                }
            }
            for (by, _) in groupable(&v.columns) {
                let left: usize = group(&kb, &v, by).groups.iter().map(|g| g.left_out).sum();
                if kb.fx.is_empty() {
                    assert_eq!(left, 0, "{tab:?}");
                }
            }
        }
    }

    #[test]
    fn deal_vendors_group_per_vendor() {
        let kb = kb();
        let v = view_rows(&kb, &ViewSpec::new(Tab::Deals));
        let by = resolve(Tab::Deals, &v.columns, "Vendor").unwrap();
        let g = group(&kb, &v, by);
        assert!(g.groups.iter().all(|g| !g.value.contains(", ")));
        let multi = kb.deals.iter().filter(|d| d.vendors.len() > 1).count();
        assert!(multi > 0, "the built-in KB has deals with several vendors");
    }

    #[test]
    fn columns_resolve_by_key_or_header_with_a_hint() {
        let cols = Tab::Deals.columns();
        assert_eq!(
            resolve(Tab::Deals, cols, "KIND"),
            Ok(Tab::Deals.column("kind").unwrap())
        );
        let e = resolve(Tab::Deals, cols, "knid").unwrap_err();
        assert!(e.contains("did you mean `kind`?"), "{e}");
        assert!(e.contains("columns: date, vendor"), "{e}");
        let e = resolve(Tab::Vendors, Tab::Vendors.columns(), "trend").unwrap_err();
        assert!(e.contains("no column `trend`"), "sparklines do not group: {e}");
    }

    #[test]
    fn bars_scale_to_the_largest_count_in_eighths() {
        assert_eq!(bar(10, 10, 4), "████");
        assert_eq!(bar(5, 10, 4), "██");
        assert_eq!(bar(1, 10, 4), "▍");
        assert_eq!(bar(1, 1000, 4), "▏", "a group is never an empty bar");
        assert_eq!(bar(0, 10, 4), "");
        assert_eq!(bar(3, 0, 4), "");
        for n in 0..=10 {
            assert!(crate::text::width(&bar(n, 10, 7)) <= 7);
        }
    }

    #[test]
    fn empty_cells_make_the_none_group_and_pick_back_to_themselves() {
        let mut kb = kb();
        let v = deals(&mut kb, &[("", None), ("x", None), ("", None)]);
        let by = Tab::Deals.column("vendor").unwrap();
        let g = group(&kb, &v, by);
        assert_eq!(g.groups[0].label(), NONE);
        assert_eq!(g.groups[0].value, "");
        let mut w = v.clone();
        Pick::new(&g, 0).unwrap().keep(&mut w);
        let shown: Vec<&Row> = w.shown().collect();
        assert_eq!(shown.len(), 2);
        assert!(shown.iter().all(|r| r.cells[by].text.is_empty()));
        assert_eq!(Pick::new(&g, 0).unwrap().label(), "Vendor = (none)");
    }
}
