//! Group-by (`F` in the explorer, `marketlens export --group-by COLUMN[,COLUMN…]`): a tab's
//! shown rows counted by the values of one or more key columns, as a frequency table of its own.
//! Generic over a [`View`]'s columns and cells, so any tab groups by any of its columns.
//!
//! - One group per distinct cell text, or with several key columns per distinct combination of
//!   their texts (vendor × kind); an empty cell is the value [`NONE`].
//! - A list column ([`Column::list`], e.g. a deal's vendors `阿里云, 腾讯云`) counts the row once
//!   under each item (with several keys, under each combination of items), so the counts can add
//!   up to more than the rows, and the shares to more than 100 %; the table says so.
//! - Where the tab has a numeric column (the first `Amount` column, else the first `Number`
//!   column, other than the one grouped by), each group has its sum and mean. Amounts in different
//!   currencies are never added raw: with `[[fx]]` rates in the KB they are converted to the
//!   currency most of the amounts are in (those with no rate are left out, counted and said);
//!   without rates there is one sum per currency. Other units (`%`, a price per hour) are summed
//!   per unit.
//! - Groups are sorted by count, largest first, then by value; [`NONE`] last among equals. With
//!   several keys, the groups of one value of the first key stay together (the table reads as
//!   "per vendor: its deals by kind"): the first key's values in the order a grouping by it alone
//!   gives (its rows, largest first), and within each the combinations by count, then by value.
//!   With one key this is the same order.

use std::borrow::Cow;
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
    /// One per key column: the cell text (one item of a list cell); empty for empty cells.
    pub values: Vec<String>,
    pub count: usize,
    /// Sums of the numeric column, one per unit (one in all when converted), largest count first.
    pub totals: Vec<Total>,
    /// Values of the numeric column that could not be added (no exchange rate, no unit).
    pub left_out: usize,
}

impl Group {
    /// The values as shown, one per key: [`NONE`] for empty cells.
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.values.iter().map(|v| label(v))
    }

    /// The values as shown, joined: `阿里云 · order`.
    pub fn label(&self) -> String {
        self.labels().collect::<Vec<_>>().join(" · ")
    }
}

/// A value as shown: [`NONE`] for an empty cell.
pub fn label(value: &str) -> &str {
    if value.is_empty() { NONE } else { value }
}

/// A frequency table: a tab's shown rows grouped by one or more key columns.
#[derive(Clone, Debug, PartialEq)]
pub struct Grouping {
    pub tab: Tab,
    /// The key columns grouped by, in order (at least one).
    pub by: Vec<Column>,
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
    /// "Deals grouped by Kind · 14 groups", "Deals grouped by Vendor × Kind · 40 groups".
    pub fn title(&self) -> String {
        format!(
            "{} grouped by {} · {}",
            self.tab.title(),
            self.names(),
            crate::text::count(self.groups.len(), "group", "groups")
        )
    }

    /// The key columns' headers: `Vendor × Kind`.
    pub fn names(&self) -> String {
        let names: Vec<&str> = self.by.iter().map(|c| c.name.as_ref()).collect();
        names.join(" × ")
    }

    /// The key columns' keys as `--group-by` takes them: `vendor,kind`.
    pub fn keys(&self) -> String {
        let keys: Vec<&str> = self.by.iter().map(|c| c.key.as_ref()).collect();
        keys.join(",")
    }

    /// The table's columns: one per key, `Count`, `Share`, the sum and mean when there is a
    /// numeric column, and the bar.
    pub fn headings(&self) -> Vec<Heading> {
        let h = |name: String, right| Heading { name, right };
        let mut v: Vec<Heading> = self.by.iter().map(|c| h(c.name.to_string(), false)).collect();
        v.push(h("Count".into(), true));
        v.push(h("Share".into(), true));
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
        let mut v: Vec<String> = g.labels().map(str::to_string).collect();
        v.push(g.count.to_string());
        v.push(self.share(g));
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
        for c in self.by.iter().filter(|c| c.list) {
            v.push(format!(
                "a row with several {} values counts once under each, so counts add up to more than the rows",
                c.name
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

    /// The position of the group holding these values (after a rebuild), if any.
    pub fn position(&self, values: &[String]) -> Option<usize> {
        self.groups.iter().position(|g| g.values == values)
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

/// The key columns to group by, from `--group-by`'s comma list (`vendor,kind`): each by key or
/// header, any case, as [`resolve`]; an empty item or a column named twice is an error.
pub fn resolve_list(tab: Tab, columns: &[Column], names: &str) -> Result<Vec<usize>, String> {
    let mut by: Vec<usize> = Vec::new();
    for name in names.split(',') {
        if name.trim().is_empty() {
            return Err(format!(
                "`--group-by {}` names no column between two commas or at an end; give keys as `vendor,kind`",
                crate::text::escape_controls(names.trim())
            ));
        }
        let i = resolve(tab, columns, name)?;
        if by.contains(&i) {
            return Err(format!(
                "column `{}` is named twice in `--group-by {}`",
                columns[i].key,
                crate::text::escape_controls(names.trim())
            ));
        }
        by.push(i);
    }
    Ok(by)
}

/// The numeric column a grouping of `columns` by the key columns `by` sums: the first `Amount`
/// column, else the first `Number` column, other than a key.
pub fn measure_column(columns: &[Column], by: &[usize]) -> Option<usize> {
    // An amount column whose rows' units are not known (Compare's value columns, which hold
    // figures of several measures) is never summed.
    let find = |ty| {
        columns
            .iter()
            .enumerate()
            .position(|(i, c)| !by.contains(&i) && c.ty == ty && (ty != ColType::Amount || c.unit.is_some()))
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
    group_by(kb, view, &[by])
}

/// Group the rows `view` shows by its key columns `by` (at least one), in that order.
pub fn group_by(kb: &Kb, view: &View, by: &[usize]) -> Grouping {
    assert!(!by.is_empty(), "a grouping has a key column");
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
            (Keys::Of(&r.cells, by), value)
        }),
    )
}

/// As [`group`], for the records `rows` (indices into the tab's kind, in display order), their
/// cells made afresh from the KB: what the explorer runs off the UI thread, which has no copy of
/// the tab's view to hand over.
pub fn group_records(kb: &Kb, tab: Tab, rows: &[usize], by: usize) -> Grouping {
    group_records_by(kb, tab, rows, &[by])
}

/// As [`group_by`], for the records `rows`, as [`group_records`]. Only the key columns' cells
/// are made, and the numeric column's only where it is a count.
pub fn group_records_by(kb: &Kb, tab: Tab, rows: &[usize], by: &[usize]) -> Grouping {
    assert!(!by.is_empty(), "a grouping has a key column");
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
                    let cells: Vec<Cell> = by.iter().map(|&b| (columns[b].cell)(kb, i)).collect();
                    (cells, value)
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
        made.iter().flatten().map(|(c, v)| (Keys::Made(c), v.clone())),
    )
}

/// Rows per unit of work when cells are made on several threads.
const PAR_CHUNK: usize = 4096;

/// A row's cells in the key columns: picked out of all its cells, or made for the keys alone
/// (in the keys' order).
#[derive(Clone, Copy)]
enum Keys<'a> {
    Of(&'a super::Cells, &'a [usize]),
    Made(&'a [Cell]),
}

impl<'a> Keys<'a> {
    /// The cell of the `k`th key column.
    fn cell(self, k: usize) -> &'a Cell {
        match self {
            Keys::Of(cells, by) => &cells[by[k]],
            Keys::Made(cells) => &cells[k],
        }
    }
}

/// A group as it is being counted: money by currency before conversion.
#[derive(Default)]
struct Tally {
    count: usize,
    /// First seen first, for a stable order of units with equal counts.
    values: Vec<Measure>,
    left_out: usize,
}

/// A group's values, one per key column (held inline for one or two keys).
type Combo<'a> = smallvec::SmallVec<[&'a str; 2]>;

/// `v` in lower case, for ordering groups: itself when it has no upper case (most values:
/// Chinese, ids, kinds), so no copy is made.
fn lower(v: &str) -> Cow<'_, str> {
    let unchanged = if v.is_ascii() {
        !v.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        v.chars().all(|c| {
            // CJK ideographs, kana and hangul have no case: no table lookup for them.
            let caseless = ('\u{2E80}'..='\u{9FFF}').contains(&c)
                || ('\u{AC00}'..='\u{D7AF}').contains(&c)
                || ('\u{F900}'..='\u{FAFF}').contains(&c);
            caseless || {
                let mut l = c.to_lowercase();
                l.next() == Some(c) && l.next().is_none()
            }
        })
    };
    if unchanged {
        Cow::Borrowed(v)
    } else {
        Cow::Owned(v.to_lowercase())
    }
}

fn build<'a>(
    kb: &Kb,
    tab: Tab,
    columns: &[Column],
    by: &[usize],
    m: Option<usize>,
    rows: impl Iterator<Item = (Keys<'a>, Result<Option<Measure>, ()>)>,
) -> Grouping {
    let keys: Vec<&Column> = by.iter().map(|&b| &columns[b]).collect();
    // Values borrowed from the cells while counting: one string made per group, at the end.
    // A combination of one or two keys is held inline: tens of thousands of groups are each a
    // hash-table key, compared on every lookup (a heap pointer more to chase was most of the
    // time of a grouping by a column of many values).
    let mut at: foldhash::HashMap<Combo<'a>, usize> = foldhash::HashMap::default();
    let mut tallies: Vec<(Combo<'a>, Tally)> = Vec::new();
    // Rows per value of the first key (for the order with several keys).
    let mut firsts: foldhash::HashMap<&'a str, usize> = foldhash::HashMap::default();
    let mut n = 0;
    // Reused per row: each key's values, the combination being counted, where it is.
    let mut items: Vec<Vec<&'a str>> = vec![Vec::new(); keys.len()];
    let mut combo: Combo<'a> = Combo::new();
    let mut pos: Vec<usize> = vec![0; keys.len()];
    for (cells, value) in rows {
        n += 1;
        for (k, c) in keys.iter().enumerate() {
            let text = cells.cell(k).text.as_str();
            items[k].clear();
            if c.list {
                items[k].extend(values(c, text));
            } else {
                items[k].push(text);
            }
        }
        if keys.len() > 1 {
            for &v in &items[0] {
                *firsts.entry(v).or_default() += 1;
            }
        }
        // Every combination of the keys' values (one, unless a key is a list of several).
        pos.iter_mut().for_each(|p| *p = 0);
        loop {
            combo.clear();
            combo.extend(pos.iter().enumerate().map(|(k, &p)| items[k][p]));
            let slot = match at.entry(combo.clone()) {
                std::collections::hash_map::Entry::Occupied(e) => *e.get(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    tallies.push((combo.clone(), Tally::default()));
                    *e.insert(tallies.len() - 1)
                }
            };
            let t = &mut tallies[slot].1;
            t.count += 1;
            match &value {
                Ok(Some(v)) => t.values.push(v.clone()),
                Err(()) => t.left_out += 1,
                Ok(None) => {}
            }
            // The next combination, the last key's values turning fastest.
            let mut k = keys.len();
            loop {
                if k == 0 {
                    break;
                }
                k -= 1;
                pos[k] += 1;
                if pos[k] < items[k].len() {
                    break;
                }
                pos[k] = 0;
            }
            if pos.iter().all(|&p| p == 0) {
                break;
            }
        }
    }
    let rates = Rates::new(&kb.fx);
    let currency = (!rates.is_empty()).then(|| main_currency(&tallies)).flatten();
    // The order: the first key's rows, largest first (a grouping by one key: the group's count),
    // then the count, then each value (empty last among equals, then in lower case, then as
    // written). Each value in lower case once, not per comparison (there may be 50,000 groups).
    // With several keys the first key's values are ranked once, by their rows and then by value,
    // and the groups compare by that rank (its combinations stay together) instead of by text.
    type Order<'s> = (bool, Cow<'s, str>, &'s str);
    let order = |v: &'a str| -> Order<'a> { (v.is_empty(), lower(v), v) };
    let rank: foldhash::HashMap<&'a str, usize> = if keys.len() > 1 {
        let mut f: Vec<(std::cmp::Reverse<usize>, Order<'a>)> = firsts
            .iter()
            .map(|(&v, &n)| (std::cmp::Reverse(n), order(v)))
            .collect();
        f.sort_unstable();
        f.into_iter().enumerate().map(|(i, (_, o))| (o.2, i)).collect()
    } else {
        Default::default()
    };
    type Sorted<'s> = (
        usize,
        std::cmp::Reverse<usize>,
        smallvec::SmallVec<[Order<'s>; 2]>,
    );
    let mut keyed: Vec<(Sorted<'a>, Combo<'a>, Tally)> = tallies
        .into_iter()
        .map(|(vs, t)| {
            let sorted = if keys.len() > 1 {
                let first = rank.get(vs[0]).copied().unwrap_or(usize::MAX);
                let rest = vs[1..].iter().map(|&v| order(v)).collect();
                (first, std::cmp::Reverse(t.count), rest)
            } else {
                let all = vs.iter().map(|&v| order(v)).collect();
                (0, std::cmp::Reverse(t.count), all)
            };
            (sorted, vs, t)
        })
        .collect();
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let groups: Vec<Group> = keyed
        .into_iter()
        .map(|(_, vs, t)| {
            let (totals, lost) = totals(&t.values, currency, &rates);
            Group {
                values: vs.into_iter().map(str::to_string).collect(),
                count: t.count,
                totals,
                left_out: t.left_out + lost,
            }
        })
        .collect();
    Grouping {
        tab,
        by: keys.into_iter().cloned().collect(),
        measure: m.map(|m| columns[m].clone()),
        rows: n,
        groups,
        currency,
    }
}

/// The currency most money values are in (the first in `Currency`'s order among equals), if
/// there are values in more than one.
fn main_currency(tallies: &[(Combo<'_>, Tally)]) -> Option<Currency> {
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

/// A group chosen in the explorer: the tab then shows the rows whose cell in each key column
/// holds the group's value there (for a list column, among its items; `""`: the empty cells).
/// Kept beside the tab's query, not written into it: the query language cannot say "this
/// column's cell is exactly this" for every column, and the rows shown must be exactly the
/// group's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pick {
    /// One per key column, in the grouping's order.
    pub terms: Vec<Term>,
}

/// One key column of a [`Pick`] and the value its cells must hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    /// The column's key.
    pub key: std::borrow::Cow<'static, str>,
    pub name: std::borrow::Cow<'static, str>,
    pub value: String,
}

impl Pick {
    pub fn new(g: &Grouping, i: usize) -> Option<Pick> {
        let group = g.groups.get(i)?;
        Some(Pick {
            terms: g
                .by
                .iter()
                .zip(&group.values)
                .map(|(c, v)| Term {
                    key: c.key.clone(),
                    name: c.name.clone(),
                    value: v.clone(),
                })
                .collect(),
        })
    }

    /// Keep only the shown rows of `view` in the group (nothing when the view lacks a column).
    pub fn keep(&self, view: &mut View) {
        let mut at = Vec::with_capacity(self.terms.len());
        for t in &self.terms {
            match view.columns.iter().position(|c| c.key == t.key) {
                Some(ci) => at.push((ci, view.columns[ci].clone(), t.value.as_str())),
                None => {
                    view.order.clear();
                    return;
                }
            }
        }
        let rows = &view.rows;
        view.order.retain(|&r| {
            at.iter()
                .all(|(ci, column, value)| values(column, &rows[r].cells[*ci].text).contains(value))
        });
    }

    /// `Kind = order`, `Vendor = 阿里云, Kind = order`, as titles and exports say it.
    pub fn label(&self) -> String {
        let terms: Vec<String> = self
            .terms
            .iter()
            .map(|t| format!("{} = {}", t.name, label(&t.value)))
            .collect();
        terms.join(", ")
    }
}

#[cfg(test)]
mod lower_tests {
    use super::lower;
    use std::borrow::Cow;

    #[test]
    fn lower_copies_only_text_with_upper_case() {
        for v in [
            "aws",
            "阿里云",
            "火山引擎 volcengine",
            "",
            "2025-q3",
            "ｓｈｅｉｎ",
        ] {
            assert!(matches!(lower(v), Cow::Borrowed(_)), "{v}");
        }
        for (v, l) in [
            ("AWS", "aws"),
            ("阿里云 ECS", "阿里云 ecs"),
            ("ǅ", "ǆ"),
            ("ＳＨＥＩＮ", "ｓｈｅｉｎ"),
            ("Ⅳ", "ⅳ"),
        ] {
            assert_eq!(lower(v), Cow::<str>::Owned(l.to_string()), "{v}");
        }
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
        std::sync::Arc::make_mut(&mut v.rows).truncate(rows.len());
        let amount = Tab::Deals.column("amount").unwrap();
        let vendor = Tab::Deals.column("vendor").unwrap();
        for (i, (vendors, money)) in rows.iter().enumerate() {
            std::sync::Arc::make_mut(&mut v.rows)[i].cells[vendor] = Cell::text(vendors);
            kb.deals[i].amount = money.map(|(x, c)| crate::kb::Amount {
                value: crate::kb::value::Value::one(x),
                currency: c,
                qualifier: Default::default(),
            });
            std::sync::Arc::make_mut(&mut v.rows)[i].cells[amount] = match money {
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

    /// Each group's label and count, for comparing with a literal.
    fn counts(g: &Grouping) -> Vec<(String, usize)> {
        g.groups.iter().map(|g| (g.label(), g.count)).collect()
    }

    fn owned(v: &[(&str, usize)]) -> Vec<(String, usize)> {
        v.iter().map(|(s, n)| (s.to_string(), *n)).collect()
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
        assert_eq!(counts(&g), owned(&[("b", 2), ("a", 1), ("c", 1), (NONE, 1)]));
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
        assert_eq!(counts(&g), owned(&[("腾讯云", 2), ("阿里云", 2)]));
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
                    for r in v.rows.iter() {
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
        assert!(g.groups.iter().all(|g| !g.values[0].contains(", ")));
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
        assert_eq!(g.groups[0].values, [""]);
        let mut w = v.clone();
        Pick::new(&g, 0).unwrap().keep(&mut w);
        let shown: Vec<&Row> = w.shown().collect();
        assert_eq!(shown.len(), 2);
        assert!(shown.iter().all(|r| r.cells[by].text.is_empty()));
        assert_eq!(Pick::new(&g, 0).unwrap().label(), "Vendor = (none)");
    }
}

#[cfg(test)]
mod two_keys {
    use super::*;
    use crate::view::{ViewSpec, rows as view_rows};

    fn kb() -> Kb {
        let l = crate::kb::load_builtin();
        assert!(l.is_ok(), "{}", l.render_diagnostics());
        l.kb
    }

    /// A Deals view over hand-made cells: (vendor list, kind, amount in CNY).
    fn deals(kb: &mut Kb, rows: &[(&str, &str, Option<f64>)]) -> View {
        let mut v = crate::view::table(kb, Tab::Deals);
        std::sync::Arc::make_mut(&mut v.rows).truncate(rows.len());
        let [vendor, kind, amount] = ["vendor", "kind", "amount"].map(|k| Tab::Deals.column(k).unwrap());
        for (i, (vendors, k, money)) in rows.iter().enumerate() {
            std::sync::Arc::make_mut(&mut v.rows)[i].cells[vendor] = Cell::text(vendors);
            std::sync::Arc::make_mut(&mut v.rows)[i].cells[kind] = Cell::text(k);
            kb.deals[i].amount = money.map(|x| crate::kb::Amount {
                value: crate::kb::value::Value::one(x),
                currency: Currency::CNY,
                qualifier: Default::default(),
            });
            std::sync::Arc::make_mut(&mut v.rows)[i].cells[amount] = match money {
                Some(x) => Cell {
                    text: x.to_string(),
                    key: SortKey::Num(*x),
                },
                None => Cell::empty(),
            };
        }
        v.order = (0..rows.len()).collect();
        v
    }

    fn by(keys: &[&str]) -> Vec<usize> {
        keys.iter().map(|k| Tab::Deals.column(k).unwrap()).collect()
    }

    fn rows(g: &Grouping) -> Vec<(Vec<&str>, usize)> {
        g.groups.iter().map(|x| (x.labels().collect(), x.count)).collect()
    }

    /// One group per (vendor, kind) combination, a list cell counting under each of its items;
    /// the first key's values stay together, the vendor with most rows first, and within it the
    /// combinations by count.
    #[test]
    fn combinations_are_counted_and_kept_together_by_the_first_key() {
        let mut kb = kb();
        kb.fx.clear();
        let v = deals(
            &mut kb,
            &[
                ("b", "order", Some(10.0)),
                ("a, b", "launch", Some(5.0)),
                ("b", "launch", None),
                ("a", "order", Some(1.0)),
                ("b", "order", Some(2.0)),
                ("c", "order", None),
                ("c", "order", None),
                ("c", "order", None),
                ("", "launch", None),
            ],
        );
        let g = group_by(&kb, &v, &by(&["vendor", "kind"]));
        assert_eq!(
            rows(&g),
            [
                (vec!["b", "launch"], 2),
                (vec!["b", "order"], 2),
                (vec!["c", "order"], 3),
                (vec!["a", "launch"], 1),
                (vec!["a", "order"], 1),
                (vec![NONE, "launch"], 1),
            ],
            "b has 4 rows, c 3, a 2: b first although c·order is the largest combination; \
             equal counts by value"
        );
        assert_eq!(g.rows, 9);
        assert_eq!(g.title(), "Deals grouped by Vendor × Kind · 6 groups");
        assert_eq!(g.keys(), "vendor,kind");
        let h: Vec<String> = g.headings().into_iter().map(|h| h.name).collect();
        assert_eq!(
            h,
            [
                "Vendor",
                "Kind",
                "Count",
                "Share",
                "Amount sum",
                "Amount mean",
                "Bar"
            ]
        );
        assert_eq!(g.cells(1, 4)[..6], ["b", "order", "2", "22.2%", "12元", "6元"]);
        // The bar scales to the largest combination (c·order, 3).
        assert_eq!(g.cells(2, 4)[6], "████");
        assert!(g.notes().iter().any(|n| n.contains("several Vendor values")));
        // With the keys swapped, kinds come first: order has 6 rows (3 vendors), launch 3 (a
        // list cell counting under each of its vendors: a, b, none).
        let g = group_by(&kb, &v, &by(&["kind", "vendor"]));
        let firsts: Vec<&str> = g.groups.iter().map(|x| x.values[0].as_str()).collect();
        assert_eq!(firsts, ["order", "order", "order", "launch", "launch", "launch"]);
    }

    /// Enter on a combination keeps the rows holding both values, list cells among their items.
    #[test]
    fn a_pick_keeps_the_rows_matching_every_key() {
        let mut kb = kb();
        let v = deals(
            &mut kb,
            &[
                ("a, b", "launch", None),
                ("b", "launch", None),
                ("b", "order", None),
                ("a", "order", None),
            ],
        );
        let g = group_by(&kb, &v, &by(&["vendor", "kind"]));
        let i = g.groups.iter().position(|x| x.values == ["a", "launch"]).unwrap();
        let p = Pick::new(&g, i).unwrap();
        assert_eq!(p.label(), "Vendor = a, Kind = launch");
        let mut w = v.clone();
        p.keep(&mut w);
        let ids: Vec<usize> = w.order.clone();
        assert_eq!(ids, [0], "only the row with a among its vendors and kind launch");
        assert_eq!(
            g.position(&["b".to_string(), "launch".to_string()])
                .map(|i| g.groups[i].count),
            Some(2)
        );
    }

    /// On every tab of the built-in KB and every pair of its first columns: counts add up (to
    /// the rows when neither key is a list), the combinations under a first-key value add up to
    /// that value's group in a one-key grouping when the second key is not a list, with the same
    /// sums, each pick shows exactly its count, and the worker path agrees.
    #[test]
    fn pairs_of_columns_on_every_tab_agree_with_one_key_groupings() {
        let kb = kb();
        for tab in Tab::ALL {
            let v = view_rows(&kb, &ViewSpec::new(tab));
            let cols: Vec<usize> = groupable(&v.columns).map(|(i, _)| i).take(5).collect();
            for &a in &cols {
                let one = group(&kb, &v, a);
                for &b in cols.iter().filter(|&&b| b != a) {
                    let what = format!("{tab:?} {} × {}", v.columns[a].key, v.columns[b].key);
                    let g = group_by(&kb, &v, &[a, b]);
                    let total: usize = g.groups.iter().map(|x| x.count).sum();
                    if !v.columns[a].list && !v.columns[b].list {
                        assert_eq!(total, v.len(), "{what}");
                    }
                    // The first key's values are contiguous, in the one-key grouping's order.
                    let mut firsts: Vec<&str> = g.groups.iter().map(|x| x.values[0].as_str()).collect();
                    firsts.dedup();
                    let order: Vec<&str> = one.groups.iter().map(|x| x.values[0].as_str()).collect();
                    assert_eq!(firsts, order, "{what}");
                    if !v.columns[b].list {
                        for o in &one.groups {
                            let under: Vec<&Group> =
                                g.groups.iter().filter(|x| x.values[0] == o.values[0]).collect();
                            let n: usize = under.iter().map(|x| x.count).sum();
                            assert_eq!(n, o.count, "{what} {}", o.label());
                            // Sums per unit add up to the one-key sum (fx conversion included),
                            // unless the second key is the column the one-key grouping sums.
                            if one.measure != g.measure {
                                continue;
                            }
                            for t in &o.totals {
                                let s: f64 = under
                                    .iter()
                                    .flat_map(|x| &x.totals)
                                    .filter(|u| u.unit == t.unit)
                                    .map(|u| u.sum)
                                    .sum();
                                assert!(
                                    (s - t.sum).abs() <= 1e-6 * t.sum.abs().max(1.0),
                                    "{what}: {s} vs {}",
                                    t.sum
                                );
                            }
                        }
                    }
                    for (i, x) in g.groups.iter().enumerate() {
                        let mut w = v.clone();
                        Pick::new(&g, i).unwrap().keep(&mut w);
                        assert_eq!(w.len(), x.count, "{what} {}", x.label());
                    }
                    if tab.kind().is_some() {
                        let order: Vec<usize> = v.shown().map(|r| r.index).collect();
                        assert_eq!(group_records_by(&kb, tab, &order, &[a, b]), g, "{what}");
                    }
                }
            }
        }
    }

    /// Three keys, and the threaded path on a large tab.
    #[test]
    fn three_keys_and_the_threaded_path_agree_with_the_view() {
        let kb = crate::synth::kb(30_000, 7);
        let v = view_rows(&kb, &ViewSpec::new(Tab::Deals));
        let order: Vec<usize> = v.shown().map(|r| r.index).collect();
        for keys in [&["vendor", "kind"][..], &["kind", "vendor", "counterparty"]] {
            let b = by(keys);
            let g = group_by(&kb, &v, &b);
            assert_eq!(group_records_by(&kb, Tab::Deals, &order, &b), g, "{keys:?}");
            assert!(g.groups.iter().all(|x| x.values.len() == keys.len()));
        }
    }

    #[test]
    fn comma_lists_resolve_with_errors_for_gaps_and_repeats() {
        let cols = Tab::Deals.columns();
        assert_eq!(
            resolve_list(Tab::Deals, cols, "Vendor, KIND"),
            Ok(by(&["vendor", "kind"]))
        );
        assert_eq!(resolve_list(Tab::Deals, cols, "kind"), Ok(by(&["kind"])));
        let e = resolve_list(Tab::Deals, cols, "vendor,knid").unwrap_err();
        assert!(e.contains("did you mean `kind`?"), "{e}");
        let e = resolve_list(Tab::Deals, cols, "vendor,,kind").unwrap_err();
        assert!(e.contains("names no column"), "{e}");
        let e = resolve_list(Tab::Deals, cols, "kind,").unwrap_err();
        assert!(e.contains("names no column"), "{e}");
        let e = resolve_list(Tab::Deals, cols, "kind,Kind").unwrap_err();
        assert!(e.contains("column `kind` is named twice"), "{e}");
    }
}
