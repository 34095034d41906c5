//! Every table column, declared once: its key (what `--sort`, tests and later user column choices
//! name it by), header, type, width policy and the function that makes its cell from a record.
//! A tab's table, its sort keys, its export headers and the TUI's widths all come from here; adding
//! a column is one line in one of the lists below.

use super::{Cell, SortKey, detail, employer, main_series, record_name, spark, subject, vendor_name};
use crate::kb::{Deal, Executive, Fact, Kb, Period as When, Record, Report, Series, Source, Unit, Vendor};
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

/// An `Amount` column's value for record `i`: the number its cell sorts by, its unit and when it
/// held.
pub type ValueFn = fn(&Kb, usize) -> Option<(f64, Unit, Option<When>)>;

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
    /// Its cells hold a `, `-joined list (a deal's vendors): group-by counts a row under each item.
    pub list: bool,
    /// For an `Amount` column: record `i`'s value (the number it sorts by), its unit (the
    /// currency) and when it held, so sums never add raw numbers of different currencies.
    /// `None` for other columns.
    pub unit: Option<ValueFn>,
}

impl Column {
    /// Whether the column is worth sorting by (not a sparkline).
    pub fn sorts(&self) -> bool {
        self.ty != ColType::Sparkline
    }

    /// This column, its cells being `, `-joined lists.
    const fn listed(mut self) -> Column {
        self.list = true;
        self
    }

    /// This `Amount` column, with the unit of its values.
    const fn in_unit(mut self, unit: ValueFn) -> Column {
        self.unit = Some(unit);
        self
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
        list: false,
        unit: None,
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
        list: false,
        unit: None,
    }
}

use ColType::{Amount, Number, Period, Sparkline, Text};

/// What a tab shows for a kind of record: its columns, each declared once (key, header, type,
/// width, cell). Every kind has one (`Tab::columns` asks for it of each kind).
pub trait Tabular: Record {
    const COLUMNS: &'static [Column];
    /// Columns a CSV export adds after the table's (`Tab::export_columns`): the format-2 fields
    /// and the as-of a kind has, so scripts find them by name in every KB (empty when the KB does
    /// not use them). Their keys never repeat a table column's.
    const EXPORTED: &'static [Column];
}

/// The status word of a figure, deal or fact, `actual` included (exports spell it out).
fn status_cell(st: crate::kb::terms::Status) -> Cell {
    Cell::text(st.as_str())
}

/// When something was known (`kb::asof`): the source's date.
fn as_of_cell(a: Option<crate::kb::AsOf>) -> Cell {
    Cell::period(a.map(|a| a.date))
}

/// `yes` when known only from a source more than two years older than the KB's newest, `no`
/// when not, empty when nothing says when it was known.
fn stale_cell(a: Option<crate::kb::AsOf>) -> Cell {
    Cell::opt(a.map(|a| if a.stale { "yes" } else { "no" }))
}

/// A plain number for scripts and spreadsheets (`380000000000`, `35.8`), not the display form.
fn number_cell(v: Option<f64>) -> Cell {
    match v {
        Some(v) => Cell {
            text: format!("{v}"),
            key: SortKey::Num(v),
        },
        None => Cell::empty(),
    }
}

/// The first or last day a period covers, as `YYYY-MM-DD` (a fiscal year by `fy_end`).
fn day_cell(p: Option<crate::kb::Period>, fy_end: Option<u8>, last: bool) -> Cell {
    let Some(p) = p else { return Cell::empty() };
    let ((y, m), (ey, em)) = p.span(fy_end);
    let text = match (p, last) {
        (crate::kb::Period::Day(y, m, d), _) => format!("{y:04}-{m:02}-{d:02}"),
        (_, false) => format!("{y:04}-{m:02}-01"),
        (_, true) => format!("{ey:04}-{em:02}-{:02}", days_in_month(ey, em)),
    };
    Cell::text(&text)
}

/// Days in a month of the Gregorian calendar.
fn days_in_month(y: u16, m: u8) -> u8 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        _ => 31,
    }
}

/// The machine-usable columns of a value (CSV exports): its middle, low and high ends as plain
/// numbers, and its qualifier as a word (`over`, `about` …; empty when exact).
macro_rules! value_column {
    (value, $name:literal, $key:literal, $value:expr) => {
        fit(
            concat!($key, " value"),
            concat!($name, " value"),
            Number,
            [5, 8, 12],
            |kb, i| number_cell($value(kb, i).map(|(v, _): (crate::kb::value::Value, _)| v.mid())),
        )
    };
    (low, $name:literal, $key:literal, $value:expr) => {
        fit(
            concat!($key, " low"),
            concat!($name, " low"),
            Number,
            [5, 8, 12],
            |kb, i| number_cell($value(kb, i).map(|(v, _): (crate::kb::value::Value, _)| v.lo)),
        )
    };
    (high, $name:literal, $key:literal, $value:expr) => {
        fit(
            concat!($key, " high"),
            concat!($name, " high"),
            Number,
            [5, 8, 12],
            |kb, i| number_cell($value(kb, i).map(|(v, _): (crate::kb::value::Value, _)| v.hi)),
        )
    };
    (qualifier, $value:expr) => {
        fit("qualifier", "Qualifier", Text, [5, 8, 12], |kb, i| {
            Cell::opt(
                $value(kb, i)
                    .map(|(_, q): (_, crate::kb::number::Qualifier)| q)
                    .filter(|q| !q.is_exact())
                    .map(|q| q.word()),
            )
        })
    };
}

/// The latest point of a series (the last of those with the greatest period), as `Latest` shows.
fn latest(s: &Series) -> Option<&crate::kb::Point> {
    s.points.iter().max_by_key(|p| p.period)
}

/// An executive's title or current role, as of when (`kb::current_title`).
fn title_as_of<'k>(kb: &'k Kb, e: &'k crate::kb::Executive) -> (Option<crate::kb::Period>, Option<bool>) {
    match crate::kb::current_title(kb, e) {
        crate::kb::Current::Title { as_of } => (as_of.map(|a| a.date), as_of.map(|a| a.stale)),
        crate::kb::Current::Move { date, stale, .. } => (Some(date), Some(stale)),
    }
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
        })
        .listed(),
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
    // Role is a table column already.
    const EXPORTED: &'static [Column] = &[];
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
            Cell::opt(super::now(kb, &kb.executives[i]).1)
        }),
        fit("moves", "Moves", Number, [5, 5, 5], |kb, i| {
            Cell::num(kb.executives[i].career.len())
        }),
    ];
    const EXPORTED: &'static [Column] = &[
        fit("as-of", "As-of", Period, [7, 10, 10], |kb, i| {
            Cell::period(title_as_of(kb, &kb.executives[i]).0)
        }),
        fit("stale", "Stale", Text, [3, 5, 5], |kb, i| {
            Cell::opt(
                title_as_of(kb, &kb.executives[i])
                    .1
                    .map(|s| if s { "yes" } else { "no" }),
            )
        }),
    ];
}

/// A deal's amount, for its machine-usable columns.
fn deal_amount(kb: &Kb, i: usize) -> Option<(crate::kb::value::Value, crate::kb::number::Qualifier)> {
    kb.deals[i].amount.as_ref().map(|a| (a.value, a.qualifier))
}

/// A series' latest point, for its machine-usable columns.
fn latest_value(kb: &Kb, i: usize) -> Option<(crate::kb::value::Value, crate::kb::number::Qualifier)> {
    latest(&kb.series[i]).map(|p| (p.value, p.qualifier))
}

impl Tabular for Deal {
    const COLUMNS: &'static [Column] = &[
        fit("date", "Date", Period, [7, 11, 17], |kb, i| {
            Cell::period_inferred(kb.deals[i].date, kb.deals[i].inferred.is_some())
        }),
        shared("vendor", "Vendor", [6, 16, 16], 1, |kb, i| {
            let vendors: Vec<&str> = kb.deals[i].vendors.iter().map(|v| vendor_name(kb, v)).collect();
            Cell::text(&vendors.join(", "))
        })
        .listed(),
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
                    key: SortKey::Money(a.value.mid(), a.currency, kb.deals[i].date),
                },
                None => Cell::empty(),
            }
        })
        .in_unit(|kb, i| {
            let d = &kb.deals[i];
            d.amount
                .as_ref()
                .map(|a| (a.value.mid(), Unit::Money(a.currency), d.date))
        }),
        shared("title", "Title", [10, 40, 60], 3, |kb, i| {
            Cell::text(&kb.deals[i].title)
        }),
    ];
    const EXPORTED: &'static [Column] = &[
        fit("status", "Status", Text, [6, 8, 9], |kb, i| {
            status_cell(kb.deals[i].status)
        }),
        shared("inferred", "Inferred", [8, 20, 40], 1, |kb, i| {
            Cell::opt(kb.deals[i].inferred.as_deref())
        }),
        fit("as-of", "As-of", Period, [7, 10, 10], |kb, i| {
            as_of_cell(kb.as_of(&kb.deals[i].sources))
        }),
        fit("stale", "Stale", Text, [3, 5, 5], |kb, i| {
            stale_cell(kb.as_of(&kb.deals[i].sources))
        }),
        value_column!(value, "Amount", "amount", deal_amount),
        value_column!(low, "Amount", "amount", deal_amount),
        value_column!(high, "Amount", "amount", deal_amount),
        value_column!(qualifier, deal_amount),
        fit("currency", "Currency", Text, [3, 3, 3], |kb, i| {
            Cell::opt(
                kb.deals[i]
                    .amount
                    .as_ref()
                    .map(|a| a.currency.to_string())
                    .as_deref(),
            )
        }),
        fit("date start", "Date start", Period, [10, 10, 10], |kb, i| {
            day_cell(kb.deals[i].date, None, false)
        }),
        fit("date end", "Date end", Period, [10, 10, 10], |kb, i| {
            day_cell(kb.deals[i].date, None, true)
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
            match s.latest() {
                Some(p) => Cell {
                    // The unit of a price ends in free KB text (`CNY/card-hour`); `old` after a
                    // figure known only from a source more than two years older than the KB's
                    // newest (`kb::asof`).
                    text: clean(&super::with_stale(
                        super::human_point(&s.unit, p),
                        kb.point_as_of(s, p).is_some_and(|a| a.stale),
                    ))
                    .into_owned(),
                    key: SortKey::Num(p.value.mid()),
                },
                None => Cell::empty(),
            }
        })
        .in_unit(|kb, i| {
            let s = &kb.series[i];
            let p = s.points.iter().max_by_key(|p| p.period)?;
            Some((p.value.mid(), s.unit.clone(), Some(p.period)))
        }),
        fit("period", "Period", Period, [6, 9, 17], |kb, i| {
            // The latest point's period, as `Latest` shows its value; a fiscal year sorts at its
            // real span.
            let s = &kb.series[i];
            let latest = s.latest();
            let mut c = Cell::period_inferred(
                latest.map(|p| p.period),
                latest.is_some_and(|p| p.inferred.is_some()),
            );
            if let Some(p) = latest {
                c.key = SortKey::Period(s.when(p.period));
            }
            c
        }),
        fit("pts", "Pts", Number, [3, 3, 3], |kb, i| {
            Cell::num(kb.series[i].points.len())
        }),
        fit("trend", "Trend", Sparkline, [5, 8, 8], |kb, i| Cell {
            key: SortKey::Missing,
            text: spark::series_spark(&kb.series[i]),
        }),
    ];
    /// The series' market, basis and segment; then, of its latest point (the one `Latest`
    /// shows), the report (the point's, else the series'), status, why its period was inferred
    /// and when it was known.
    const EXPORTED: &'static [Column] = &[
        shared("market", "Market", [6, 12, 16], 1, |kb, i| {
            Cell::opt(kb.series[i].market.as_deref())
        }),
        fit("basis", "Basis", Text, [5, 12, 16], |kb, i| {
            Cell::opt(kb.series[i].basis.as_deref())
        }),
        shared("segment", "Segment", [6, 12, 16], 1, |kb, i| {
            Cell::opt(kb.series[i].segment.as_deref())
        }),
        shared("report", "Report", [6, 16, 24], 1, |kb, i| {
            let s = &kb.series[i];
            Cell::opt(
                latest(s)
                    .and_then(|p| p.report.as_deref())
                    .or(s.report.as_deref()),
            )
        }),
        fit("status", "Status", Text, [6, 8, 9], |kb, i| {
            match latest(&kb.series[i]) {
                Some(p) => status_cell(p.status),
                None => Cell::empty(),
            }
        }),
        shared("inferred", "Inferred", [8, 20, 40], 1, |kb, i| {
            Cell::opt(latest(&kb.series[i]).and_then(|p| p.inferred.as_deref()))
        }),
        fit("as-of", "As-of", Period, [7, 10, 10], |kb, i| {
            as_of_cell(kb.series_as_of(&kb.series[i]))
        }),
        fit("stale", "Stale", Text, [3, 5, 5], |kb, i| {
            stale_cell(kb.series_as_of(&kb.series[i]))
        }),
        value_column!(value, "Latest", "latest", latest_value),
        value_column!(low, "Latest", "latest", latest_value),
        value_column!(high, "Latest", "latest", latest_value),
        value_column!(qualifier, latest_value),
        fit("unit", "Unit", Text, [3, 6, 12], |kb, i| {
            Cell::text(&kb.series[i].unit.to_string())
        }),
        fit("period start", "Period start", Period, [10, 10, 10], |kb, i| {
            let s = &kb.series[i];
            day_cell(latest(s).map(|p| p.period), s.fy_end, false)
        }),
        fit("period end", "Period end", Period, [10, 10, 10], |kb, i| {
            let s = &kb.series[i];
            day_cell(latest(s).map(|p| p.period), s.fy_end, true)
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
    const EXPORTED: &'static [Column] = &[shared("inferred", "Inferred", [8, 20, 40], 1, |kb, i| {
        Cell::opt(kb.sources[i].inferred.as_deref())
    })];
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
    const EXPORTED: &'static [Column] = &[shared("inferred", "Inferred", [8, 20, 40], 1, |kb, i| {
        Cell::opt(kb.reports[i].inferred.as_deref())
    })];
}

impl Tabular for Fact {
    const COLUMNS: &'static [Column] = &[
        fit("topic", "Topic", Text, [5, 13, 13], |kb, i| {
            Cell::text(kb.facts[i].topic.as_str())
        }),
        shared("subject", "Subject", [6, 16, 24], 1, |kb, i| {
            let names: Vec<&str> = kb.facts[i].subject.iter().map(|id| record_name(kb, id)).collect();
            Cell::text(&names.join(", "))
        })
        .listed(),
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
    const EXPORTED: &'static [Column] = &[
        fit("basis", "Basis", Text, [5, 12, 16], |kb, i| {
            Cell::opt(kb.facts[i].basis.as_deref())
        }),
        shared("report", "Report", [6, 16, 24], 1, |kb, i| {
            Cell::opt(kb.facts[i].report.as_deref())
        }),
        shared("inferred", "Inferred", [8, 20, 40], 1, |kb, i| {
            Cell::opt(kb.facts[i].inferred.as_deref())
        }),
        fit("as-of", "As-of", Period, [7, 10, 10], |kb, i| {
            as_of_cell(kb.as_of(&kb.facts[i].sources))
        }),
        fit("stale", "Stale", Text, [3, 5, 5], |kb, i| {
            stale_cell(kb.as_of(&kb.facts[i].sources))
        }),
    ];
}
