//! Every table column, declared once: its key (what `--sort`, tests and later user column choices
//! name it by), header, type, width policy and the function that makes its cell from a record.
//! A tab's table, its sort keys, its export headers and the TUI's widths all come from here; adding
//! a column is one line in one of the lists below.

use super::{Cell, SortKey, detail, employer, main_series, record_name, spark, subject, vendor_name};
use crate::kb::{Deal, Executive, Fact, Kb, Record, Report, Series, Source, Vendor};
use crate::text::escape_controls as clean;
use std::borrow::Cow;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// What a column holds; it decides alignment and whether the column sorts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColType {
    Text,
    /// A count, right-aligned.
    Number,
    /// A money or metric value shown in words (`¥1.2亿`), right-aligned, sorted by value.
    Amount,
    /// A date or period, sorted chronologically.
    Period,
    /// A drawn trend: styled as a chart, never sorted.
    Sparkline,
}

impl ColType {
    pub const fn align(self) -> Align {
        match self {
            ColType::Number | ColType::Amount => Align::Right,
            ColType::Text | ColType::Period | ColType::Sparkline => Align::Left,
        }
    }
}

/// How much room a column takes, in display columns. The table gives every column `min` (dropping
/// columns from the right when even that does not fit), then grows columns toward their widest
/// cell in rounds, as long as room is left: fixed columns (`share == 0`) to `ideal`, shared ones
/// to `ideal` (each by its `share` in turns), fixed ones to `max`, shared ones to `max`; what
/// remains goes to the shared ones. So when narrow, every column shrinks toward `ideal` before
/// any is cut below it, and short fixed-size values (a kind, a period) fit whole before long
/// titles get their last columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Width {
    /// Narrowest useful width.
    pub min: u16,
    /// What a fixed column gets before the shared ones grow (when its content is that wide).
    pub ideal: u16,
    /// Widest it is worth giving for its content.
    pub max: u16,
    /// Share of spare room it takes (0 = fixed width): titles grow faster than names.
    pub share: u8,
}

/// A table column. Compared by key: two columns are the same column when their keys are.
#[derive(Clone)]
pub struct Column {
    /// The name users type (`--sort amount:desc`) and code refers to the column by: the header in
    /// lower case, unique within a tab.
    /// Declared columns borrow a literal; a pivot's columns (Compare) are named by the data.
    pub key: Cow<'static, str>,
    /// Header text.
    pub name: Cow<'static, str>,
    pub ty: ColType,
    pub align: Align,
    pub width: Width,
    /// The cell of record `i` of the tab's kind.
    pub cell: fn(&Kb, usize) -> Cell,
}

impl Column {
    /// Whether the column is worth sorting by (not a sparkline).
    pub fn sorts(&self) -> bool {
        self.ty != ColType::Sparkline
    }
}

impl PartialEq for Column {
    fn eq(&self, other: &Column) -> bool {
        self.key == other.key && self.name == other.name
    }
}
impl Eq for Column {}

impl std::fmt::Debug for Column {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Column")
            .field("key", &self.key)
            .field("ty", &self.ty)
            .field("width", &self.width)
            .finish()
    }
}

/// A column that fits its content: `min`, then up to `ideal` with the fixed columns, then up to
/// `max` when there is room to spare.
const fn fit(
    key: &'static str,
    name: &'static str,
    ty: ColType,
    w: [u16; 3],
    cell: fn(&Kb, usize) -> Cell,
) -> Column {
    Column {
        key: Cow::Borrowed(key),
        name: Cow::Borrowed(name),
        ty,
        align: ty.align(),
        width: Width {
            min: w[0],
            ideal: w[1],
            max: w[2],
            share: 0,
        },
        cell,
    }
}

/// A text column that takes `share` of the spare room: `[min, ideal, max]` as for [`Width`].
const fn shared(
    key: &'static str,
    name: &'static str,
    w: [u16; 3],
    share: u8,
    cell: fn(&Kb, usize) -> Cell,
) -> Column {
    Column {
        key: Cow::Borrowed(key),
        name: Cow::Borrowed(name),
        ty: ColType::Text,
        align: Align::Left,
        width: Width {
            min: w[0],
            ideal: w[1],
            max: w[2],
            share,
        },
        cell,
    }
}

use ColType::{Amount, Number, Period, Sparkline, Text};

/// What a tab shows for a kind of record: its columns, each declared once (key, header, type,
/// width, cell). Every kind has one (`Tab::columns` asks for it of each kind).
pub trait Tabular: Record {
    const COLUMNS: &'static [Column];
}

impl Tabular for Vendor {
    const COLUMNS: &'static [Column] = &[
        shared("name", "Name", [8, 16, 16], 1, |kb, i| {
            Cell::text(&kb.vendors[i].name)
        }),
        shared("english", "English", [8, 22, 22], 1, |kb, i| {
            Cell::opt(kb.vendors[i].name_en.as_deref())
        }),
        fit("region", "Region", Text, [6, 10, 16], |kb, i| {
            Cell::opt(kb.vendors[i].region.as_deref())
        }),
        // What the organisation is (format 2): cloud, group, analyst, customer, chipmaker, other.
        fit("role", "Role", Text, [5, 9, 9], |kb, i| {
            Cell::text(kb.vendors[i].role.as_str())
        }),
        shared("segments", "Segments", [8, 20, 24], 2, |kb, i| {
            Cell::text(&kb.vendors[i].segments.join(", "))
        }),
        fit("deals", "Deals", Number, [5, 5, 5], |kb, i| {
            Cell::num(kb.relations().vendor_deals[i].len())
        }),
        fit("trend", "Trend", Sparkline, [5, 12, 12], |kb, i| Cell {
            key: SortKey::Missing,
            text: main_series(kb, &kb.vendors[i].id)
                .map(spark::series_spark)
                .unwrap_or_default(),
        }),
    ];
}

impl Tabular for Executive {
    const COLUMNS: &'static [Column] = &[
        fit("name", "Name", Text, [6, 10, 10], |kb, i| {
            Cell::text(&kb.executives[i].name)
        }),
        shared("english", "English", [8, 18, 18], 1, |kb, i| {
            Cell::opt(kb.executives[i].name_en.as_deref())
        }),
        shared("vendor", "Vendor", [6, 16, 16], 1, |kb, i| {
            Cell::text(&employer(kb, &kb.executives[i]))
        }),
        shared("title", "Title", [8, 30, 40], 2, |kb, i| {
            Cell::opt(kb.executives[i].title.as_deref())
        }),
        fit("moves", "Moves", Number, [5, 5, 5], |kb, i| {
            Cell::num(kb.executives[i].career.len())
        }),
    ];
}

impl Tabular for Deal {
    const COLUMNS: &'static [Column] = &[
        fit("date", "Date", Period, [7, 11, 17], |kb, i| {
            Cell::period_inferred(kb.deals[i].date, kb.deals[i].inferred.is_some())
        }),
        shared("vendor", "Vendor", [6, 16, 16], 1, |kb, i| {
            let vendors: Vec<&str> = kb.deals[i].vendors.iter().map(|v| vendor_name(kb, v)).collect();
            Cell::text(&vendors.join(", "))
        }),
        shared("counterparty", "Counterparty", [8, 20, 24], 1, |kb, i| {
            Cell::opt(kb.deals[i].counterparty.as_deref())
        }),
        fit("kind", "Kind", Text, [6, 12, 24], |kb, i| {
            let d = &kb.deals[i];
            Cell::text(&super::with_status(d.kind.as_str().to_string(), d.status))
        }),
        fit("amount", "Amount", Amount, [7, 10, 16], |kb, i| {
            match &kb.deals[i].amount {
                Some(a) => Cell {
                    text: a.human(),
                    key: SortKey::Num(a.value.mid()),
                },
                None => Cell::empty(),
            }
        }),
        shared("title", "Title", [10, 40, 60], 3, |kb, i| {
            Cell::text(&kb.deals[i].title)
        }),
    ];
}

impl Tabular for Series {
    const COLUMNS: &'static [Column] = &[
        shared("series", "Series", [10, 34, 34], 3, |kb, i| {
            Cell::text(&kb.series[i].name)
        }),
        shared("subject", "Subject", [6, 16, 16], 1, |kb, i| {
            Cell::text(&subject(kb, &kb.series[i]))
        }),
        fit("metric", "Metric", Text, [6, 10, 20], |kb, i| {
            Cell::text(kb.series[i].metric.as_str())
        }),
        fit("latest", "Latest", Amount, [6, 10, 24], |kb, i| {
            let s = &kb.series[i];
            // The latest point: the last of those with the greatest period, as a stable sort puts it.
            match s.points.iter().max_by_key(|p| p.period) {
                Some(p) => Cell {
                    // The unit of a price ends in free KB text (`CNY/card-hour`).
                    text: clean(&super::human_point(&s.unit, p)).into_owned(),
                    key: SortKey::Num(p.value.mid()),
                },
                None => Cell::empty(),
            }
        }),
        fit("period", "Period", Period, [6, 9, 17], |kb, i| {
            // The latest point's period, as `Latest` shows its value.
            let latest = kb.series[i].points.iter().max_by_key(|p| p.period);
            Cell::period_inferred(
                latest.map(|p| p.period),
                latest.is_some_and(|p| p.inferred.is_some()),
            )
        }),
        fit("pts", "Pts", Number, [3, 3, 3], |kb, i| {
            Cell::num(kb.series[i].points.len())
        }),
        fit("trend", "Trend", Sparkline, [5, 8, 8], |kb, i| Cell {
            key: SortKey::Missing,
            text: spark::series_spark(&kb.series[i]),
        }),
    ];
}

impl Tabular for Source {
    const COLUMNS: &'static [Column] = &[
        fit("date", "Date", Period, [7, 10, 10], |kb, i| {
            Cell::period(Some(kb.sources[i].date))
        }),
        shared("publisher", "Publisher", [6, 14, 14], 1, |kb, i| {
            Cell::text(&kb.sources[i].publisher)
        }),
        shared("title", "Title", [12, 50, 70], 3, |kb, i| {
            Cell::text(&kb.sources[i].title)
        }),
        fit("cited", "Cited", Number, [5, 5, 5], |kb, i| {
            Cell::num(detail::citing(kb, &kb.sources[i].id).len())
        }),
    ];
}

impl Tabular for Report {
    const COLUMNS: &'static [Column] = &[
        shared("publisher", "Publisher", [6, 14, 16], 1, |kb, i| {
            Cell::text(vendor_name(kb, &kb.reports[i].publisher))
        }),
        shared("title", "Title", [10, 40, 60], 3, |kb, i| {
            Cell::opt(kb.reports[i].title.as_deref())
        }),
        fit("period", "Period", Period, [6, 9, 17], |kb, i| {
            Cell::period(kb.reports[i].period)
        }),
        fit("series", "Series", Number, [6, 6, 6], |kb, i| {
            Cell::num(kb.relations().report_series.get(i).map_or(0, Vec::len))
        }),
    ];
}

impl Tabular for Fact {
    const COLUMNS: &'static [Column] = &[
        fit("topic", "Topic", Text, [5, 13, 13], |kb, i| {
            Cell::text(kb.facts[i].topic.as_str())
        }),
        shared("subject", "Subject", [6, 16, 24], 1, |kb, i| {
            let names: Vec<&str> = kb.facts[i].subject.iter().map(|id| record_name(kb, id)).collect();
            Cell::text(&names.join(", "))
        }),
        shared("statement", "Statement", [10, 40, 70], 3, |kb, i| {
            Cell::text(&kb.facts[i].text)
        }),
        shared("market", "Market", [6, 12, 16], 1, |kb, i| {
            Cell::opt(kb.facts[i].market.as_deref())
        }),
        fit("period", "Period", Period, [6, 9, 17], |kb, i| {
            Cell::period(kb.facts[i].period)
        }),
        fit("status", "Status", Text, [6, 8, 9], |kb, i| {
            let s = kb.facts[i].status;
            Cell::text(if s.is_actual() { "" } else { s.as_str() })
        }),
    ];
}
