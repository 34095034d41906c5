//! The knowledge base: model, loading (one file, a directory, or the built-in copy), validation and
//! diagnostics. No terminal code and no dependency on the rest of the crate but `text` and `par`.

pub mod asof;
pub mod diag;
pub mod diff;
pub mod fx;
pub mod hint;
pub mod kinds;
pub mod load;
pub mod locate;
pub mod mentions;
pub mod model;
pub mod number;
pub mod peel;
pub mod period;
pub mod quotes;
pub mod terms;
pub mod validate;
pub mod value;

use std::hash::BuildHasher as _;

pub use asof::{AsOf, Current, current_title};
pub use diag::{Diagnostic, Severity, SourceFile};
pub(crate) use kinds::for_each_kind;
pub use kinds::with_record;
pub use kinds::{Kb, Kind, PerKind, Record};
pub use load::{Loaded, load_builtin, load_path};
pub use model::Cites;
pub use model::*;
pub use number::{Currency, Num, Qualifier, Unit};
pub use period::Period;

/// Id → (kind, index) of the first record with that id. It stores no ids, only where the records
/// are (the ids are read from the records), so building it allocates nothing per record and a 1M-record
/// table stays small; hashed with foldhash (SipHash was most of the build).
#[derive(Clone, Debug, Default)]
struct IdIndex {
    table: hashbrown::HashTable<(Kind, usize)>,
    hasher: foldhash::fast::RandomState,
}

/// An id index and relations computed by [`Kb::compute_index`], to install with [`Kb::set_index`].
#[derive(Debug)]
pub struct KbIndex {
    index: IdIndex,
    relations: Relations,
}

/// A set of ids of one kind with their record indexes, the ids copied into one string: looking an
/// id up compares it with that compact copy, not with the id in its record somewhere in a heap of
/// 1M records, which kept a cache miss in every lookup of a big KB's references.
#[derive(Clone, Debug, Default)]
pub(crate) struct CompactIds {
    text: String,
    /// (start in `text`, length, record index).
    table: hashbrown::HashTable<(usize, usize, usize)>,
    hasher: foldhash::fast::RandomState,
}

impl CompactIds {
    /// `(id, record index)` pairs; the first of a repeated id wins.
    pub(crate) fn new<'a>(ids: impl Iterator<Item = (&'a str, usize)>) -> Self {
        let mut c = CompactIds::default();
        for (id, i) in ids {
            let CompactIds { text, table, hasher } = &mut c;
            let entry = table.entry(
                hasher.hash_one(id),
                |&(s, l, _)| text.get(s..s + l) == Some(id),
                |&(s, l, _)| hasher.hash_one(text.get(s..s + l).unwrap_or_default()),
            );
            if let hashbrown::hash_table::Entry::Vacant(v) = entry {
                v.insert((text.len(), id.len(), i));
                text.push_str(id);
            }
        }
        c
    }

    /// The record index of `id`.
    pub(crate) fn get(&self, id: &str) -> Option<usize> {
        self.table
            .find(self.hasher.hash_one(id), |&(s, l, _)| {
                self.text.get(s..s + l) == Some(id)
            })
            .map(|&(_, _, i)| i)
    }
}

/// Who relates to whom, by record index, built once after loading so that views and details never
/// scan the whole KB per record.
#[derive(Clone, Debug, Default)]
pub struct Relations {
    /// Per vendor: deals naming it as a vendor or as the vendor a customer left.
    pub vendor_deals: Vec<Vec<usize>>,
    /// Per vendor: executives working there now or with it in their career.
    pub vendor_executives: Vec<Vec<usize>>,
    /// Per vendor: its series.
    pub vendor_series: Vec<Vec<usize>>,
    /// Per source: every record citing it, in kind order.
    pub source_citers: Vec<Vec<(Kind, usize)>>,
    /// Per report: the series whose figures come from it (the series' `report` or a point's).
    pub report_series: Vec<Vec<usize>>,
    /// Per vendor: the reports it publishes (empty when the KB has no reports).
    pub vendor_reports: Vec<Vec<usize>>,
    /// Per record named as a fact's subject or object: those facts, in KB order. Sparse: only
    /// records some fact names are in it.
    pub fact_mentions: foldhash::HashMap<(Kind, usize), Vec<usize>>,
    /// The date of the newest source (by when it starts): what a figure's as-of is measured
    /// against (`asof`).
    pub newest_source: Option<Period>,
}

/// Record counts per kind, for summaries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub sources: usize,
    pub vendors: usize,
    pub executives: usize,
    pub career_moves: usize,
    pub deals: usize,
    pub series: usize,
    pub points: usize,
}

impl Kb {
    pub fn is_empty(&self) -> bool {
        Kind::ALL.iter().all(|&k| self.count(k) == 0)
    }

    /// How many records of a kind.
    pub fn count(&self, kind: Kind) -> usize {
        with_record!(kind, R => R::all(self).len())
    }

    /// All records, of every kind.
    pub fn len(&self) -> usize {
        Kind::ALL.iter().map(|&k| self.count(k)).sum()
    }

    pub fn counts(&self) -> Counts {
        Counts {
            sources: self.sources.len(),
            vendors: self.vendors.len(),
            executives: self.executives.len(),
            career_moves: self.executives.iter().map(|e| e.career.len()).sum(),
            deals: self.deals.len(),
            series: self.series.len(),
            points: self.series.iter().map(|s| s.points.len()).sum(),
        }
    }

    /// Rebuild the id → record index; the first record wins when an id is duplicated.
    pub fn build_index(&mut self) {
        let index = self.compute_index();
        self.set_index(index);
    }

    /// The id index and relations of the records as they are, computed without changing the KB, so
    /// that the loader can build them on one thread while it validates on another.
    pub fn compute_index(&self) -> KbIndex {
        let n = self.len();
        let mut index = IdIndex {
            table: hashbrown::HashTable::with_capacity(n),
            hasher: Default::default(),
        };
        let IdIndex { table, hasher } = &mut index;
        for kind in Kind::ALL {
            for i in 0..self.count(kind) {
                let Some(id) = self.id_at(kind, i) else { continue };
                let entry = table.entry(
                    hasher.hash_one(id),
                    |&(k, j)| self.id_at(k, j) == Some(id),
                    |&(k, j)| hasher.hash_one(self.id_at(k, j).unwrap_or_default()),
                );
                if let hashbrown::hash_table::Entry::Vacant(v) = entry {
                    v.insert((kind, i));
                }
            }
        }
        let relations = self.build_relations(&index);
        KbIndex { index, relations }
    }

    /// The name a person reads for record `i` of a kind: a vendor's, executive's or series'
    /// name, a deal's or source's title. `None` past the end.
    pub fn name_at(&self, kind: Kind, i: usize) -> Option<&str> {
        with_record!(kind, R => R::all(self).get(i).map(R::name))
    }

    /// The id of record `i` of a kind (the one place that reads it). `None` past the end.
    pub fn id_at(&self, kind: Kind, i: usize) -> Option<&str> {
        with_record!(kind, R => R::all(self).get(i).map(R::id))
    }

    /// Look `id` up in an index of these records.
    fn find(&self, index: &IdIndex, id: &str) -> Option<(Kind, usize)> {
        index
            .table
            .find(index.hasher.hash_one(id), |&(k, i)| self.id_at(k, i) == Some(id))
            .copied()
    }

    /// Install an index computed by [`Kb::compute_index`] from these same records.
    pub fn set_index(&mut self, index: KbIndex) {
        self.index = index.index;
        self.relations = index.relations;
        self.resolve_fiscal_years();
        // Mentions of other records are stale with them.
        self.mentions = Default::default();
    }

    /// Give each series the month its vendor's fiscal year ends, or its parent's (a parent
    /// written as an id). Cheap when no vendor declares one: nothing to look up.
    fn resolve_fiscal_years(&mut self) {
        if !self.vendors.iter().any(|v| v.fiscal_year_end.is_some()) {
            self.series.iter_mut().for_each(|s| s.fy_end = None);
            return;
        }
        let ends: Vec<Option<u8>> = self
            .series
            .iter()
            .map(|s| {
                let v = self.vendor(s.vendor.as_deref()?)?;
                v.fiscal_year_end
                    .or_else(|| self.vendor(v.parent.as_deref()?)?.fiscal_year_end)
            })
            .collect();
        for (s, end) in self.series.iter_mut().zip(ends) {
            s.fy_end = end;
        }
    }

    /// Which records' text names which records, built here on first use (a whole-KB scan:
    /// ~0.1 s per 100k records; the explorer builds it on a thread and hands it in instead).
    pub fn mentions(&self) -> &mentions::Mentions {
        self.mentions.get_or_init(|| {
            std::sync::Arc::new(mentions::Mentions::build(self, &|| false).unwrap_or_default())
        })
    }

    /// The mentions, if already built.
    pub fn mentions_known(&self) -> Option<&mentions::Mentions> {
        self.mentions.get().map(|m| &**m)
    }

    /// Install mentions built elsewhere from these same records; `false` if some were already.
    pub fn set_mentions(&self, m: std::sync::Arc<mentions::Mentions>) -> bool {
        self.mentions.set(m).is_ok()
    }

    fn build_relations(&self, index: &IdIndex) -> Relations {
        let mut r = Relations {
            vendor_deals: vec![Vec::new(); self.vendors.len()],
            vendor_executives: vec![Vec::new(); self.vendors.len()],
            vendor_series: vec![Vec::new(); self.vendors.len()],
            source_citers: vec![Vec::new(); self.sources.len()],
            report_series: vec![Vec::new(); self.reports.len()],
            vendor_reports: Vec::new(),
            fact_mentions: Default::default(),
            newest_source: self.sources.iter().map(|s| s.date).max(),
        };
        // References name vendors and sources only: look them up in maps of those alone (what
        // `get_kind` answers: ids whose first record is of that kind), a fraction of the whole
        // index, so that a 1M-record KB's millions of lookups mostly hit the cache.
        // Ids whose first record is of `kind` (what `get_kind` answers).
        let only = |kind: Kind, ids: &mut dyn Iterator<Item = &str>| {
            CompactIds::new(
                ids.enumerate()
                    .filter(|&(i, id)| self.find(index, id) == Some((kind, i)))
                    .map(|(i, id)| (id, i)),
            )
        };
        let vendors = only(Kind::Vendor, &mut self.vendors.iter().map(|v| v.id.as_str()));
        let sources = only(Kind::Source, &mut self.sources.iter().map(|s| s.id.as_str()));
        let vendor = |id: &str| vendors.get(id);
        let source = |id: &str| sources.get(id);
        // Push `item` once onto the list at `at` (records may name a vendor or source twice).
        fn add<T: PartialEq>(lists: &mut [Vec<T>], at: Option<usize>, item: T) {
            if let Some(list) = at.and_then(|i| lists.get_mut(i))
                && list.last() != Some(&item)
            {
                list.push(item);
            }
        }
        for (i, d) in self.deals.iter().enumerate() {
            for v in d.vendors.iter().chain(d.from_vendor.iter()) {
                add(&mut r.vendor_deals, vendor(v), i);
            }
        }
        for (i, e) in self.executives.iter().enumerate() {
            let career = e.career.iter().flat_map(|m| m.from.iter().chain(m.to.iter()));
            for v in e.vendor.iter().chain(career) {
                add(&mut r.vendor_executives, vendor(v), i);
            }
        }
        for (i, s) in self.series.iter().enumerate() {
            if let Some(v) = &s.vendor {
                add(&mut r.vendor_series, vendor(v), i);
            }
        }
        // Reports and facts: a KB without them (every format-1 KB) pays nothing here.
        if !self.reports.is_empty() {
            let reports = only(Kind::Report, &mut self.reports.iter().map(|r| r.id.as_str()));
            for (i, s) in self.series.iter().enumerate() {
                let named = s
                    .report
                    .iter()
                    .chain(s.points.iter().filter_map(|p| p.report.as_ref()));
                for rid in named {
                    add(&mut r.report_series, reports.get(rid), i);
                }
            }
            r.vendor_reports = vec![Vec::new(); self.vendors.len()];
            for (i, rep) in self.reports.iter().enumerate() {
                add(&mut r.vendor_reports, vendor(&rep.publisher), i);
            }
        }
        for (i, f) in self.facts.iter().enumerate() {
            for id in f.subject.iter().chain(&f.object) {
                if let Some(at) = self.find(index, id) {
                    let list = r.fact_mentions.entry(at).or_default();
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
            }
        }
        for kind in Kind::ALL {
            with_record!(kind, R => {
                for (i, record) in R::all(self).iter().enumerate() {
                    for s in record.cited() {
                        add(&mut r.source_citers, source(s), (kind, i));
                    }
                }
            });
        }
        // Lists were filled kind by kind; keep the documented order (vendors first) and drop the
        // duplicates that non-adjacent repeats left.
        for list in &mut r.source_citers {
            list.sort();
            list.dedup();
        }
        for lists in [
            &mut r.vendor_deals,
            &mut r.vendor_executives,
            &mut r.vendor_series,
            &mut r.report_series,
        ] {
            for list in lists.iter_mut() {
                list.sort_unstable();
                list.dedup();
            }
        }
        r
    }

    pub fn relations(&self) -> &Relations {
        &self.relations
    }

    /// The facts naming record `i` of `kind` as their subject or object, in KB order.
    pub fn facts_naming(&self, kind: Kind, i: usize) -> &[usize] {
        self.relations
            .fact_mentions
            .get(&(kind, i))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The reports vendor `i` publishes, in KB order.
    pub fn reports_by(&self, vendor: usize) -> &[usize] {
        self.relations
            .vendor_reports
            .get(vendor)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Index of a vendor by id.
    pub fn vendor_index(&self, id: &str) -> Option<usize> {
        self.get_kind(id, Kind::Vendor)
    }

    /// Index of a source by id.
    pub fn source_index(&self, id: &str) -> Option<usize> {
        self.get_kind(id, Kind::Source)
    }

    /// Every record's id, kind by kind.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        Kind::ALL
            .into_iter()
            .flat_map(move |k| (0..self.count(k)).filter_map(move |i| self.id_at(k, i)))
    }

    /// Find any record by id.
    pub fn lookup(&self, id: &str) -> Option<(Kind, usize)> {
        self.find(&self.index, id)
    }

    fn get_kind(&self, id: &str, kind: Kind) -> Option<usize> {
        self.lookup(id).filter(|(k, _)| *k == kind).map(|(_, i)| i)
    }

    /// The record of type `R` with this id.
    pub fn get<R: Record>(&self, id: &str) -> Option<&R> {
        self.get_kind(id, R::KIND).map(|i| &R::all(self)[i])
    }

    pub fn vendor(&self, id: &str) -> Option<&Vendor> {
        self.get_kind(id, Kind::Vendor).map(|i| &self.vendors[i])
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.get_kind(id, Kind::Source).map(|i| &self.sources[i])
    }

    pub fn executive(&self, id: &str) -> Option<&Executive> {
        self.get_kind(id, Kind::Executive).map(|i| &self.executives[i])
    }

    pub fn deal(&self, id: &str) -> Option<&Deal> {
        self.get_kind(id, Kind::Deal).map(|i| &self.deals[i])
    }

    pub fn series_by_id(&self, id: &str) -> Option<&Series> {
        self.get_kind(id, Kind::Series).map(|i| &self.series[i])
    }

    /// Periods of a series for which sources state different values: one entry per (series,
    /// period), however many points disagree.
    pub fn conflicts(&self) -> Vec<(&Series, Period)> {
        let mut out = Vec::new();
        for s in &self.series {
            let pts = s.sorted_points();
            for group in pts.chunk_by(|a, b| a.period == b.period) {
                if group.iter().any(|p| p.value != group[0].value) {
                    out.push((s, group[0].period));
                }
            }
        }
        out
    }
}

/// The JSON Schema of a KB file, pretty-printed.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(model::KbFile);
    let mut s = serde_json::to_string_pretty(&schema).expect("a schema always serializes");
    s.push('\n');
    s
}
