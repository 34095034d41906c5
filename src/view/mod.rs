//! The one definition of what a tab shows: its columns, its rows for a given sort, and a record's
//! detail with its relations. The TUI and export both call this; neither computes rows itself.

pub mod analysis;
mod cells;
pub mod chart;
pub mod cite;
mod columns;
mod detail;
pub mod group;
pub mod history;
pub mod layout;
pub mod marks;
pub mod reader;
pub mod saved;
pub mod spark;

use std::borrow::Cow;
use std::cmp::Ordering;

pub use cells::Cells;
pub use columns::Tabular;
pub use columns::{Align, ColType, Column, Width};
pub use detail::{Block, Detail, Stop, Target, detail, detail_known};

use crate::kb::{Kb, Kind, Period, Series, Unit, number, with_record};
use crate::text::escape_controls as clean;

macro_rules! declare_tabs {
    ($($kind:ident: $rec:ident, $list:ident, $name:ident, $table:literal, $singular:literal,
        $plural:literal, $tab:ident, $title:literal, $at:literal;)*) => {
        /// The tabs of the explorer: one per kind of record (declared with the kinds, in
        /// `kb::kinds`), and the analysis views, whose rows are built from records of several
        /// kinds (`Compare`, `Timeline`; see [`analysis`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Tab {
            $($tab,)*
            Compare,
            Timeline,
        }

        impl Tab {
            /// How many tabs there are.
            pub const COUNT: usize = Kind::COUNT + 2;

            /// Every tab, in the order the explorer shows them (positions from the kinds' list;
            /// the analysis views at 5 and 6, keys `6` and `7`).
            pub const ALL: [Tab; Tab::COUNT] = {
                let mut all = [$(Tab::$tab,)* Tab::Compare, Tab::Timeline];
                $(all[$at] = Tab::$tab;)*
                all[5] = Tab::Compare;
                all[6] = Tab::Timeline;
                all
            };

            /// The kind of record a tab lists; `None` for an analysis view.
            pub const fn kind(self) -> Option<Kind> {
                match self {
                    $(Tab::$tab => Some(Kind::$kind),)*
                    Tab::Compare | Tab::Timeline => None,
                }
            }

            pub const fn for_kind(kind: Kind) -> Tab {
                match kind {
                    $(Kind::$kind => Tab::$tab,)*
                }
            }
        }
    };
}
crate::kb::for_each_kind!(declare_tabs);

// Every tab is in `Tab::ALL` once: two kinds given one position, or a kind given an analysis
// view's, would leave a tab out (checked when compiling).
const _: () = {
    let mut seen = [false; Tab::COUNT];
    let mut i = 0;
    while i < Tab::COUNT {
        let t = Tab::ALL[i] as usize;
        assert!(!seen[t], "tab positions must be 0..Tab::COUNT, each once");
        seen[t] = true;
        i += 1;
    }
};

impl Tab {
    pub fn title(self) -> &'static str {
        match self {
            Tab::Compare => "Compare",
            Tab::Timeline => "Timeline",
            t => t.kind().map_or("", Kind::tab_title),
        }
    }

    /// What the tab's query searches: its kind's records, or for an analysis view the records of
    /// every kind it draws on (filtered to those kinds when its rows are built).
    pub fn scope(self) -> crate::search::Scope {
        match self.kind() {
            Some(k) => crate::search::Scope::Kind(k),
            None => crate::search::Scope::All,
        }
    }

    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    /// Accepts `vendors`, `vendor`, `trends`, `series` … (case-insensitive).
    pub fn from_name(s: &str) -> Option<Tab> {
        let s = s.to_ascii_lowercase();
        Tab::ALL.into_iter().find(|t| {
            t.title().eq_ignore_ascii_case(&s)
                || t.kind().is_some_and(|k| k.table() == s)
                || (s == "metrics" && *t == Tab::Trends)
        })
    }

    pub fn columns(self) -> &'static [Column] {
        match self.kind() {
            Some(kind) => with_record!(kind, R => R::COLUMNS),
            None => analysis::columns(self),
        }
    }

    /// The columns a CSV export adds after the table's: format-2 fields and as-of
    /// (`Tabular::EXPORTED`).
    pub fn export_columns(self) -> &'static [Column] {
        match self.kind() {
            Some(kind) => with_record!(kind, R => R::EXPORTED),
            None => &[],
        }
    }

    /// Position of the column with this key (`"amount"`), if the tab has one.
    pub fn column(self, key: &str) -> Option<usize> {
        self.columns().iter().position(|c| c.key == key)
    }

    /// Records of the tab's kind; for an analysis view, the rows it has with no query.
    pub fn record_count(self, kb: &Kb) -> usize {
        match self.kind() {
            Some(kind) => kb.count(kind),
            None => analysis::build(kb, self, None).total,
        }
    }

    /// Order a tab opens in: newest deals first, sources by date; others in KB order.
    pub fn default_sort(self) -> Option<Sort> {
        match self {
            Tab::Deals => Some(Sort {
                key: Cow::Borrowed("date"),
                descending: true,
            }),
            Tab::Sources => Some(Sort {
                key: Cow::Borrowed("date"),
                descending: false,
            }),
            _ => None,
        }
    }
}

/// How a cell sorts: numbers and periods by value, text case-insensitively; empty cells last.
#[derive(Clone, Debug, PartialEq)]
pub enum SortKey {
    /// Text, by its lower-cased copy.
    Text(String),
    /// Text that has no upper case (most KB text: Chinese, lower-case ids and kinds): sorts by
    /// the cell's own text, so no lower-cased copy is made ([`text_key`]).
    Shown,
    Num(f64),
    /// Where a period sorts (a fiscal year at its real span when its vendor's year end is known).
    Period(crate::kb::period::PeriodKey),
    /// An amount of money (the middle of a range), its currency, and when (the record's date),
    /// to pick the exchange rate: amounts in different currencies compare only once converted
    /// ([`View::arrange`]).
    Money(f64, crate::kb::Currency, Option<Period>),
    Missing,
}

impl SortKey {
    fn cmp_present(&self, other: &SortKey) -> Ordering {
        match (self, other) {
            (SortKey::Num(a), SortKey::Num(b)) => a.total_cmp(b),
            (SortKey::Period(a), SortKey::Period(b)) => a.cmp(b),
            // One currency (a column in several is sorted by `money_order`).
            (SortKey::Money(a, ..), SortKey::Money(b, ..)) => a.total_cmp(b),
            _ => Ordering::Equal,
        }
    }
}

/// How a cell of text `text` sorts: case-insensitively, with a lower-cased copy only when the
/// text has upper case; empty last.
pub(crate) fn text_key(text: &str) -> SortKey {
    // Characters with no case: ASCII but capitals; CJK radicals, symbols and punctuation, kana,
    // ideographs; Hangul syllables.
    let caseless = |c: char| {
        if c.is_ascii() {
            !c.is_ascii_uppercase()
        } else {
            ('\u{2E80}'..='\u{9FFF}').contains(&c) || ('\u{AC00}'..='\u{D7A3}').contains(&c)
        }
    };
    if text.is_empty() {
        SortKey::Missing
    } else if text.chars().all(caseless) {
        SortKey::Shown
    } else {
        SortKey::Text(text.to_lowercase())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// Display text, already made safe (no control characters).
    pub text: String,
    pub key: SortKey,
}

impl Cell {
    fn text(s: &str) -> Cell {
        let text = clean(s).into_owned();
        let key = text_key(&text);
        Cell { text, key }
    }

    /// The text this cell sorts by, if it sorts as text.
    fn sort_text(&self) -> Option<&str> {
        match &self.key {
            SortKey::Text(t) => Some(t),
            SortKey::Shown => Some(&self.text),
            _ => None,
        }
    }

    /// How two present cells of a column compare (text case-insensitively).
    fn cmp_present(&self, other: &Cell) -> Ordering {
        match (self.sort_text(), other.sort_text()) {
            (Some(a), Some(b)) => a.cmp(b),
            _ => self.key.cmp_present(&other.key),
        }
    }

    pub(crate) fn empty() -> Cell {
        Cell {
            text: String::new(),
            key: SortKey::Missing,
        }
    }

    fn opt(s: Option<&str>) -> Cell {
        Cell::text(s.unwrap_or(""))
    }

    fn num(v: usize) -> Cell {
        Cell {
            text: v.to_string(),
            key: SortKey::Num(v as f64),
        }
    }

    /// A period, with `*` after it when it was inferred (not stated by the source).
    fn period_inferred(p: Option<Period>, inferred: bool) -> Cell {
        let mut c = Cell::period(p);
        if inferred && p.is_some() {
            c.text.push('*');
        }
        c
    }

    fn period(p: Option<Period>) -> Cell {
        match p {
            Some(p) => Cell {
                text: p.to_string(),
                key: SortKey::Period(p.key_in(None)),
            },
            None => Cell {
                text: String::new(),
                key: SortKey::Missing,
            },
        }
    }
}

/// One table row: the record it shows and its cells, one per column.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub id: String,
    /// The kind of the record the row shows (a record tab's kind; in an analysis view, the kind
    /// of the record the row comes from).
    pub kind: Kind,
    /// Index of the record in its kind's list in the KB.
    pub index: usize,
    /// One per column; empty ones need not be held ([`Cells`]).
    pub cells: Cells,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sort {
    /// The column's key (`"amount"`), as users type it after `--sort`; a pivot's columns are
    /// named by the data, so a key may be owned.
    pub key: Cow<'static, str>,
    pub descending: bool,
}

impl Sort {
    /// A sort by the column of `tab` with this key (any case), if the tab has one that sorts.
    pub fn by(tab: Tab, key: &str, descending: bool) -> Option<Sort> {
        tab.columns()
            .iter()
            .find(|c| c.sorts() && c.key.eq_ignore_ascii_case(key))
            .map(|c| Sort {
                key: c.key.clone(),
                descending,
            })
    }
}

/// What to show: a tab, the rows matching a query, in an order. `sort: None` means the tab's
/// default order, or best match first when the query has terms to rank by.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewSpec {
    pub tab: Tab,
    pub query: String,
    pub sort: Option<Sort>,
    /// The Compare pivot's value columns (other tabs ignore it).
    pub pivot: analysis::Pivot,
}

impl ViewSpec {
    pub fn new(tab: Tab) -> ViewSpec {
        ViewSpec {
            tab,
            query: String::new(),
            sort: None,
            pivot: analysis::Pivot::default(),
        }
    }
}

/// How many matches a tab ranks exactly (more are listed in KB order after these); the TUI and
/// export use the same number so they show the same rows in the same order.
pub const RANKED_ROWS: usize = 1000;

/// A tab's rows: all of them in KB order (`rows[i]` is record `i` of the kind), and the order in
/// which they are shown, which a query filters and a sort rearranges.
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    pub tab: Tab,
    /// The view's columns: a tab's declared list, or a pivot's own (named by the data).
    pub columns: Cow<'static, [Column]>,
    /// Shared, so a job off the UI thread (a grouping) reads the rows shown without a copy;
    /// changed through `Arc::make_mut` (copied only while such a job holds them).
    pub rows: std::sync::Arc<Vec<Row>>,
    /// Indices into `rows`, in display order.
    pub order: Vec<usize>,
    /// Records of this kind in the KB (shown rows may be fewer once filtered).
    pub total: usize,
    /// The sort in effect (`None`: best match first, or KB order).
    pub sort: Option<Sort>,
    /// How the sort treated amounts in several currencies (which currency they were converted
    /// to, which could not be); `None` when there was nothing to say.
    pub sort_note: Option<String>,
    /// What the query's search said about how it applied (`Results::notes`), for `query_view`.
    pub notes: Vec<String>,
    /// The KB's exchange rates, for sorting amounts in several currencies.
    pub rates: crate::kb::fx::Rates,
}

impl View {
    /// Rows shown.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The row shown at display position `pos`.
    pub fn get(&self, pos: usize) -> Option<&Row> {
        self.order.get(pos).map(|&i| &self.rows[i])
    }

    /// Shown rows in display order.
    pub fn shown(&self) -> impl Iterator<Item = &Row> {
        self.order.iter().map(|&i| &self.rows[i])
    }

    /// Display position of a record, if shown.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.order.iter().position(|&i| self.rows[i].id == id)
    }

    /// How the rows are sorted, in words ("Amount, descending"); `None` when best match first.
    pub fn sort_label(&self) -> Option<String> {
        self.sort.as_ref().map(|s| {
            let dir = if s.descending { "descending" } else { "ascending" };
            let name = self
                .columns
                .iter()
                .find(|c| c.key == s.key)
                .map_or(&s.key, |c| &c.name);
            match &self.sort_note {
                Some(n) => format!("{name}, {dir} ({n})"),
                None => format!("{name}, {dir}"),
            }
        })
    }

    /// Position of the view's column with this key (a pivot's columns are its own).
    pub fn column(&self, key: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.key == key)
    }

    /// Keys of the view's columns worth sorting by, in column order (a pivot's are named by
    /// its data).
    pub fn sortable_keys(&self) -> Vec<Cow<'static, str>> {
        self.columns
            .iter()
            .filter(|c| c.sorts())
            .map(|c| c.key.clone())
            .collect()
    }

    /// Show `matches` (row indices, best first when `ranked`), or every row when `None`, in the
    /// order of `sort`, else the match order when ranked, else the tab's default order.
    /// The Compare pivot ranks within each group of comparable figures and draws its bars here.
    pub fn arrange(&mut self, matches: Option<(&[usize], bool)>, sort: Option<Sort>) {
        let ranked = matches.is_some_and(|m| m.1);
        self.order = match matches {
            Some((m, _)) => m.to_vec(),
            None => (0..self.rows.len()).collect(),
        };
        // A sort by a column this view lacks (a pivot's columns change with its query) is the
        // default order.
        let sort = sort.filter(|s| self.column(&s.key).is_some());
        self.sort = sort.or_else(|| {
            if ranked {
                None
            } else if self.tab == Tab::Compare {
                analysis::default_sort(self)
            } else {
                self.tab.default_sort()
            }
        });
        self.sort_note = None;
        if let Some(column) = self.sort.as_ref().and_then(|s| self.column(&s.key)) {
            let descending = self.sort.as_ref().is_some_and(|s| s.descending);
            if self.columns[column].ty == ColType::Amount {
                self.sort_note = money_order(&self.rows, &mut self.order, column, descending, &self.rates);
            }
            if self.sort_note.is_none() {
                sort_order(&self.rows, &mut self.order, column, descending);
            }
        }
        if self.tab == Tab::Compare {
            analysis::ranked(self);
        }
    }
}

/// The rows of a view with no query: every record, in the spec's sort or the default order.
pub fn rows(kb: &Kb, spec: &ViewSpec) -> View {
    let mut v = match spec.tab.kind() {
        Some(_) => table(kb, spec.tab),
        None => analysis::build_for(kb, spec.tab, None, &Default::default(), spec.pivot),
    };
    v.arrange(None, spec.sort.clone());
    v
}

/// The rows of a view with its query applied, using a search index over the same KB.
pub fn query_view(ix: &crate::search::Index, spec: &ViewSpec) -> Result<View, crate::search::QueryError> {
    if spec.query.trim().is_empty() {
        return Ok(rows(&ix.kb, spec));
    }
    let mut v = table(&ix.kb, spec.tab);
    let scope = spec.tab.scope();
    let q = crate::search::query::parse(&spec.query)?;
    let r = crate::search::search(ix, &spec.query, scope, crate::search::Rank::Top(RANKED_ROWS))?;
    if spec.tab.kind().is_none() {
        let records: Vec<(Kind, usize)> = r
            .hits
            .iter()
            .map(|h| {
                let d = &ix.docs[h.doc as usize];
                (d.kind(), d.index as usize)
            })
            .collect();
        let mut v = analysis::build_for(&ix.kb, spec.tab, Some(&records), &q, spec.pivot);
        v.arrange(None, spec.sort.clone());
        return Ok(v);
    }
    let rows: Vec<usize> = r
        .hits
        .iter()
        .map(|h| ix.docs[h.doc as usize].index as usize)
        .collect();
    v.arrange(Some((&rows, q.ranks())), spec.sort.clone());
    v.notes = r.notes;
    Ok(v)
}

/// Every row of a tab, in KB order, unarranged: each column's cell function over each record.
pub fn table(kb: &Kb, tab: Tab) -> View {
    let Some(kind) = tab.kind() else {
        return analysis::build(kb, tab, None);
    };
    let columns = tab.columns();
    let rows: Vec<Row> = (0..tab.record_count(kb))
        .map(|i| Row {
            id: kb.id_at(kind, i).unwrap_or_default().to_string(),
            kind,
            index: i,
            cells: columns.iter().map(|c| (c.cell)(kb, i)).collect(),
        })
        .collect();
    let order = (0..rows.len()).collect();
    View {
        tab,
        columns: Cow::Borrowed(columns),
        rows: std::sync::Arc::new(rows),
        order,
        total: kb.count(kind),
        sort: None,
        sort_note: None,
        notes: Vec::new(),
        rates: kb.rates(),
    }
}

/// Sort the shown rows by a column of amounts in more than one currency: each converted to the
/// currency most of them are in, through the KB's rates (nearest in time to the row's date);
/// amounts that have no rate come after all the converted ones (in either direction), grouped by
/// currency (in `Currency::ALL`'s order), each group in the sort's direction; empty cells last.
/// Never compares raw numbers across currencies. Returns the note that says so, or `None` (and
/// leaves `order` alone) when the column holds no amounts in two currencies.
fn money_order(
    rows: &[Row],
    order: &mut [usize],
    column: usize,
    descending: bool,
    rates: &crate::kb::fx::Rates,
) -> Option<String> {
    use crate::kb::Currency;
    let money = |i: usize| match rows[i].cells.get(column).map(|c| &c.key) {
        Some(SortKey::Money(v, c, at)) => Some((*v, *c, *at)),
        _ => None,
    };
    let mut shown = order.iter().filter_map(|&i| money(i).map(|m| m.1));
    let first = shown.next()?;
    if shown.all(|c| c == first) {
        return None;
    }
    let to = crate::kb::fx::most_common(order.iter().filter_map(|&i| money(i).map(|m| m.1)))?;
    // (group, value): group 0 converted; then one group per currency with no rate; empty last.
    let mut out = crate::kb::fx::LeftOut::default();
    let mut keys: Vec<(usize, f64)> = vec![(usize::MAX, 0.0); rows.len()];
    for &i in order.iter() {
        if let Some((v, c, at)) = money(i) {
            keys[i] = match rates.convert(v, c, to, at) {
                Some(x) => (0, x),
                None => {
                    out.add(c);
                    (1 + Currency::ALL.iter().position(|x| *x == c).unwrap_or(0), v)
                }
            };
        }
    }
    order.sort_by(|&a, &b| {
        let (ka, kb) = (keys[a], keys[b]);
        ka.0.cmp(&kb.0).then_with(|| {
            let o = ka.1.total_cmp(&kb.1);
            if descending { o.reverse() } else { o }
        })
    });
    let mut converted: Vec<Currency> = order
        .iter()
        .filter_map(|&i| money(i).map(|m| m.1))
        .filter(|c| *c != to && !out.counts().iter().any(|(x, _)| x == c))
        .collect();
    converted.sort_unstable();
    converted.dedup();
    let mut note = format!("in {}", to.code());
    if !converted.is_empty() {
        let codes: Vec<&str> = converted.iter().map(|c| c.code()).collect();
        note.push_str(&format!(
            ", {} converted through the KB's rates",
            codes.join(", ")
        ));
    }
    if let Some(((c0, n0), rest)) = out.counts().split_first() {
        // `then, with no rate to CNY, 2 amounts in USD, 1 in EUR`: each group after the last.
        let mut groups = format!(
            "{} in {}",
            crate::text::count(*n0, "amount", "amounts"),
            c0.code()
        );
        for (c, n) in rest {
            groups.push_str(&format!(", {n} in {}", c.code()));
        }
        note.push_str(&format!("; then, with no rate to {}, {groups}", to.code()));
    }
    Some(note)
}

/// Stable sort of display positions by the cells at `column`; empty cells stay last in either
/// direction.
pub fn sort_order(rows: &[Row], order: &mut [usize], column: usize, descending: bool) {
    order.sort_by(|&a, &b| {
        let (a, b) = (&rows[a], &rows[b]);
        match (present(a, column), present(b, column)) {
            (None, None) => Ordering::Equal,
            (None, _) => Ordering::Greater,
            (_, None) => Ordering::Less,
            (Some(x), Some(y)) => {
                let o = x.cmp_present(y);
                if descending { o.reverse() } else { o }
            }
        }
    });
}

/// A row's cell at `column` unless it is empty.
fn present(r: &Row, column: usize) -> Option<&Cell> {
    r.cells.get(column).filter(|c| !matches!(c.key, SortKey::Missing))
}

/// Keys of the columns worth sorting by (not sparklines), in column order.
pub fn sortable_keys(tab: Tab) -> Vec<&'static str> {
    tab.columns()
        .iter()
        .filter(|c| c.sorts())
        .map(|c| c.key.as_ref())
        .collect()
}

pub(crate) fn vendor_name<'k>(kb: &'k Kb, id: &'k str) -> &'k str {
    kb.vendor(id).map_or(id, |v| v.name.as_str())
}

/// The name of the record with this id, whatever its kind; the id itself if none has it.
pub(crate) fn record_name<'k>(kb: &'k Kb, id: &'k str) -> &'k str {
    kb.lookup(id)
        .and_then(|(kind, i)| kb.name_at(kind, i))
        .unwrap_or(id)
}

/// A fact's figure as shown: qualifier, value (a range as a range) and unit: `>70%`.
pub(crate) fn fact_value(f: &crate::kb::Fact) -> Option<String> {
    let v = f.value.as_ref()?;
    Some(match &f.unit {
        Some(unit) => format!(
            "{}{}",
            f.qualifier.prefix(),
            v.show(|x| number::human_value(x, unit))
        ),
        None => format!("{}{v}", f.qualifier.prefix()),
    })
}

/// Where an executive works now: the vendor's name, else the organisation (as [`now`] says).
pub(crate) fn employer(kb: &Kb, e: &crate::kb::Executive) -> String {
    now(kb, e).0
}

/// Where an executive works now and as what: the record's vendor (or organisation) and title,
/// unless a dated career move newer than the title's source says otherwise
/// (`kb::current_title`): then the move's destination and role (`left 阿里云` for a departure
/// to nowhere named).
pub(crate) fn now<'k>(kb: &'k Kb, e: &'k crate::kb::Executive) -> (String, Option<&'k str>) {
    use crate::kb::Current;
    match crate::kb::current_title(kb, e) {
        Current::Move { career: m, .. } => {
            let to =
                m.to.as_deref()
                    .map(|v| vendor_name(kb, v))
                    .or(m.to_org.as_deref());
            match to {
                Some(t) => (t.to_string(), Some(m.role.as_str())),
                None => {
                    let from = m
                        .from
                        .as_deref()
                        .map(|v| vendor_name(kb, v))
                        .or(m.from_org.as_deref());
                    (
                        from.map_or(String::new(), |f| format!("left {f}")),
                        Some(m.role.as_str()),
                    )
                }
            }
        }
        Current::Title { .. } => {
            let employer = match (&e.vendor, &e.org) {
                (Some(v), _) => vendor_name(kb, v).to_string(),
                (None, Some(o)) => o.clone(),
                (None, None) => String::new(),
            };
            (employer, e.title.as_deref())
        }
    }
}

/// Whose figures a series holds: the vendor's name or the market.
pub(crate) fn subject(kb: &Kb, s: &Series) -> String {
    match (&s.vendor, &s.market) {
        (Some(v), _) => vendor_name(kb, v).to_string(),
        (None, Some(m)) => m.clone(),
        _ => String::new(),
    }
}

/// A vendor's headline series for the trend column: the one with the most points, preferring
/// revenue, then growth, then the rest.
pub fn main_series<'k>(kb: &'k Kb, vendor: &str) -> Option<&'k Series> {
    use crate::kb::Metric::*;
    let rank = |s: &Series| match s.metric {
        Revenue => 0,
        Growth => 1,
        GpuRevenue => 2,
        MarketShare => 3,
        _ => 4,
    };
    let i = kb.vendor_index(vendor)?;
    kb.relations().vendor_series[i]
        .iter()
        .map(|&s| &kb.series[s])
        .min_by_key(|s| (std::cmp::Reverse(s.points.len()), rank(s)))
}

/// A value in a series' unit for display, with its status cue when it is not a plain fact
/// (`100–180亿元 target`, `~20–30亿元 est`).
pub fn human_point(unit: &Unit, p: &crate::kb::Point) -> String {
    let value = format!(
        "{}{}",
        p.qualifier.prefix(),
        p.value.show(|x| number::human_value(x, unit))
    );
    with_status(value, p.status)
}

/// How much a price change moved the price: its `change` (`+15%`, `-12..-10%`), else its direction
/// (`↑ up`); `None` for a deal that is not a change.
pub(crate) fn change_text(d: &crate::kb::Deal) -> Option<String> {
    match (&d.change, d.direction) {
        (Some(c), _) => Some(c.show(|x| format!("{x:+}%"))),
        (None, Some(dir)) => Some(format!("{} {}", dir.cue(), dir.as_str())),
        (None, None) => None,
    }
}

/// `text` followed by the stale cue (`old`) when `stale`.
pub fn with_stale(mut text: String, stale: bool) -> String {
    if stale {
        text.push(' ');
        text.push_str(crate::kb::asof::STALE_CUE);
    }
    text
}

/// `text` followed by the status's cue, if it has one.
pub fn with_status(mut text: String, status: crate::kb::terms::Status) -> String {
    let cue = status.cue();
    if !cue.is_empty() {
        text.push(' ');
        text.push_str(cue);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_keys_agree_with_to_lowercase() {
        // What a cell of this text sorts by: its lower-cased copy, or (`Shown`) itself.
        let lowered = |s: &str| match text_key(s) {
            SortKey::Text(t) => t,
            SortKey::Shown => s.to_string(),
            SortKey::Missing => String::new(),
            k => panic!("{k:?}"),
        };
        for s in [
            "阿里云",
            "aws 中国",
            "AWS 中国",
            "ＡＷＳ",
            "Ärger",
            "火山引擎 Volcano",
            "ß",
            "ㄱ가",
            "İ",
            "",
        ] {
            assert_eq!(lowered(s), s.to_lowercase(), "{s}");
        }
        for c in ('\u{2E80}'..='\u{9FFF}').chain('\u{AC00}'..='\u{D7A3}') {
            let s = c.to_string();
            assert_eq!(lowered(&s), s.to_lowercase(), "U+{:04X}", c as u32);
        }
    }

    fn kb() -> Kb {
        let l = crate::kb::load_builtin();
        assert!(l.is_ok(), "{}", l.render_diagnostics());
        l.kb
    }

    #[test]
    fn every_tab_has_a_row_per_record_and_a_cell_per_column() {
        let kb = kb();
        for tab in Tab::ALL {
            let v = rows(&kb, &ViewSpec::new(tab));
            assert_eq!(v.rows.len(), tab.record_count(&kb), "{tab:?}");
            assert!(v.rows.iter().all(|r| r.cells.len() == v.columns.len()), "{tab:?}");
        }
    }

    #[test]
    fn amounts_sort_by_value_and_empty_cells_go_last() {
        let kb = kb();
        for descending in [false, true] {
            let v = rows(
                &kb,
                &ViewSpec {
                    tab: Tab::Deals,
                    query: String::new(),
                    sort: Some(Sort {
                        key: "amount".into(),
                        descending,
                    }),
                    ..ViewSpec::new(Tab::Deals)
                },
            );
            let amount = Tab::Deals.column("amount").unwrap();
            let keys: Vec<&SortKey> = v.shown().map(|r| &r.cells[amount].key).collect();
            let first_missing = keys
                .iter()
                .position(|k| **k == SortKey::Missing)
                .unwrap_or(keys.len());
            assert!(keys[first_missing..].iter().all(|k| **k == SortKey::Missing));
            // The built-in KB states no exchange rate: the most common currency first, then
            // each other currency as a group, each in the sort's direction.
            let money: Vec<(f64, crate::kb::Currency)> = keys[..first_missing]
                .iter()
                .map(|k| match k {
                    SortKey::Money(n, c, _) => (*n, *c),
                    _ => panic!("{k:?}"),
                })
                .collect();
            assert!(money.len() >= 2);
            let mut groups: Vec<crate::kb::Currency> = money.iter().map(|m| m.1).collect();
            groups.dedup();
            let mut distinct = groups.clone();
            distinct.sort();
            distinct.dedup();
            assert_eq!(
                groups.len(),
                distinct.len(),
                "a currency's amounts are together: {money:?}"
            );
            assert!(
                money
                    .windows(2)
                    .filter(|w| w[0].1 == w[1].1)
                    .all(|w| if descending {
                        w[0].0 >= w[1].0
                    } else {
                        w[0].0 <= w[1].0
                    }),
                "{money:?}"
            );
            assert_eq!(v.sort_note.is_some(), distinct.len() > 1);
        }
    }

    #[test]
    fn periods_sort_chronologically_not_as_text() {
        let r: Vec<Row> = ["2025-Q2", "2025", "2024-12", "2025-H1"]
            .iter()
            .enumerate()
            .map(|(i, p)| Row {
                id: i.to_string(),
                kind: Kind::Deal,
                index: i,
                cells: vec![Cell::period(Some(p.parse().unwrap()))].into(),
            })
            .collect();
        let mut order: Vec<usize> = (0..r.len()).collect();
        sort_order(&r, &mut order, 0, false);
        let got: Vec<&str> = order.iter().map(|&i| r[i].cells[0].text.as_str()).collect();
        assert_eq!(got, ["2024-12", "2025", "2025-H1", "2025-Q2"]);
    }

    /// `--sort` takes a column's key, which users read off the header: each key is its header in
    /// lower case, once per tab, and the sorts a tab opens in name columns it has.
    #[test]
    fn column_keys_are_headers_in_lower_case_and_unique() {
        for tab in Tab::ALL {
            let cols = tab.columns();
            for (i, c) in cols.iter().enumerate() {
                assert_eq!(c.key, c.name.to_lowercase(), "{tab:?}");
                assert_eq!(tab.column(&c.key), Some(i), "{tab:?} {}", c.key);
                assert_eq!(c.align, c.ty.align(), "{tab:?} {}", c.key);
                assert!(
                    c.width.min <= c.width.ideal && c.width.ideal <= c.width.max,
                    "{tab:?} {}",
                    c.key
                );
            }
            if let Some(s) = tab.default_sort() {
                assert!(Sort::by(tab, &s.key, s.descending) == Some(s.clone()), "{tab:?}");
            }
            // A CSV export's added columns: keys as headers, none repeating a table column's.
            let mut keys: Vec<&str> = cols.iter().map(|c| c.key.as_ref()).collect();
            for c in tab.export_columns() {
                assert_eq!(c.key, c.name.to_lowercase(), "{tab:?}");
                assert!(!keys.contains(&c.key.as_ref()), "{tab:?}: `{}` twice", c.key);
                keys.push(c.key.as_ref());
            }
        }
        assert_eq!(
            Sort::by(Tab::Deals, "Amount", true).map(|s| s.key),
            Some("amount".into())
        );
        assert_eq!(
            Sort::by(Tab::Vendors, "trend", false),
            None,
            "sparklines do not sort"
        );
    }

    #[test]
    fn tab_names() {
        assert_eq!(Tab::from_name("deals"), Some(Tab::Deals));
        assert_eq!(Tab::from_name("Vendor"), Some(Tab::Vendors));
        assert_eq!(Tab::from_name("series"), Some(Tab::Trends));
        assert_eq!(Tab::from_name("nope"), None);
    }
}
