//! JSON: full records as the KB model serializes them, each with its kind first and what its
//! references point to last. Strings keep their exact value: serde_json escapes C0 controls, and
//! [`Inert`] also writes DEL, C1, bidi and zero-width characters as `\uXXXX` escapes, which
//! serde_json would print raw, so `cat`ting the file cannot steer a terminal or reorder text.

use std::io;

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

use crate::kb::{
    Amount, Deal, DealKind, Executive, Fact, Kb, Kind, Period, Record, Report, Series, Source, Vendor,
    with_record,
};
use crate::view::{Detail, View};

/// One exported record: `kind`, the record's own fields in the model's order, `as_of` for the
/// kinds that hold figures or titles (`null` when none of its sources is in the KB), `resolved`.
#[derive(Serialize)]
struct Exported<'a, R> {
    kind: &'static str,
    #[serde(flatten)]
    record: R,
    #[serde(skip_serializing_if = "Option::is_none")]
    as_of: Option<Option<AsOfOut<'a>>>,
    resolved: Resolved<'a>,
}

/// When a record's figure or title was known (`kb::asof`): the date and id of the source, and
/// whether it is more than two years older than the KB's newest source.
#[derive(Serialize)]
struct AsOfOut<'a> {
    date: Period,
    source: &'a str,
    stale: bool,
}

impl<'a> AsOfOut<'a> {
    fn new(a: Option<crate::kb::AsOf<'a>>) -> Option<AsOfOut<'a>> {
        a.map(|a| AsOfOut {
            date: a.date,
            source: &a.source.id,
            stale: a.stale,
        })
    }
}

/// A deal as exported: the model's fields in the model's order, except that the deal's own `kind`
/// (order, migration …) is `deal_kind`, because `kind` names the record type in every object and
/// a JSON object must not have the key twice.
#[derive(Serialize)]
struct DealOut<'a> {
    id: &'a str,
    title: &'a str,
    deal_kind: DealKind,
    vendors: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    counterparty: Option<&'a String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from_vendor: Option<&'a String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount: Option<&'a Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    change: Option<&'a crate::kb::value::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    direction: Option<crate::kb::terms::Direction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    product: Option<&'a String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    series: Option<&'a String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<Period>,
    #[serde(skip_serializing_if = "Option::is_none")]
    inferred: Option<&'a String>,
    #[serde(skip_serializing_if = "crate::kb::terms::Status::is_actual")]
    status: crate::kb::terms::Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a String>,
    sources: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    quote: Option<&'a String>,
}

impl<'a> DealOut<'a> {
    fn new(d: &'a Deal) -> DealOut<'a> {
        // No `..`: a field added to `Deal` fails to compile here until it is exported too.
        let Deal {
            id,
            title,
            kind,
            vendors,
            counterparty,
            from_vendor,
            amount,
            change,
            direction,
            product,
            series,
            date,
            inferred,
            status,
            summary,
            sources,
            quote,
            origin: _,
        } = d;
        DealOut {
            id,
            title,
            deal_kind: *kind,
            vendors,
            counterparty: counterparty.as_ref(),
            from_vendor: from_vendor.as_ref(),
            amount: amount.as_ref(),
            change: change.as_ref(),
            direction: *direction,
            product: product.as_ref(),
            series: series.as_ref(),
            date: *date,
            inferred: inferred.as_ref(),
            status: *status,
            summary: summary.as_ref(),
            sources,
            quote: quote.as_ref(),
        }
    }
}

/// What a record's ids refer to. Both lists are always present (possibly empty) so consumers can
/// rely on the shape; a name or title is `null` when the id resolves to nothing.
#[derive(Default, Serialize)]
struct Resolved<'a> {
    vendors: Vec<VendorRef<'a>>,
    sources: Vec<SourceRef<'a>>,
}

#[derive(Serialize)]
struct VendorRef<'a> {
    id: &'a str,
    name: Option<&'a str>,
}

#[derive(Serialize)]
struct SourceRef<'a> {
    id: &'a str,
    title: Option<&'a str>,
}

impl<'a> Resolved<'a> {
    fn vendor(&mut self, kb: &'a Kb, id: &'a str) {
        if !self.vendors.iter().any(|v| v.id == id) {
            let name = kb.vendor(id).map(|v| v.name.as_str());
            self.vendors.push(VendorRef { id, name });
        }
    }

    /// A free-text field (a counterparty, a parent) that happens to be a vendor id.
    fn maybe_vendor(&mut self, kb: &'a Kb, text: Option<&'a String>) {
        if let Some(t) = text
            && kb.vendor(t).is_some()
        {
            self.vendor(kb, t);
        }
    }

    fn source(&mut self, kb: &'a Kb, id: &'a str) {
        if !self.sources.iter().any(|s| s.id == id) {
            let title = kb.source(id).map(|s| s.title.as_str());
            self.sources.push(SourceRef { id, title });
        }
    }

    fn sources(&mut self, kb: &'a Kb, ids: impl IntoIterator<Item = &'a String>) {
        for id in ids {
            self.source(kb, id);
        }
    }
}

/// One record as exported, or a row whose record is no longer in the KB (a view built from
/// another KB).
enum Out<'a> {
    Record { kb: &'a Kb, kind: Kind, index: usize },
    Missing(Missing<'a>),
}

#[derive(Serialize)]
struct Missing<'a> {
    kind: &'static str,
    id: &'a str,
    resolved: Resolved<'a>,
}

impl Serialize for Out<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Out::Record { kb, kind, index } => with_record!(*kind, R => {
                let record = &R::all(kb)[*index];
                let mut resolved = Resolved::default();
                record.resolve(kb, &mut resolved);
                Exported {
                    kind: kind.label(),
                    record: record.exported(),
                    as_of: record.as_of(kb),
                    resolved,
                }
                .serialize(s)
            }),
            Out::Missing(m) => m.serialize(s),
        }
    }
}

/// A kind's JSON export: the record as written out, and what its references resolve to. Every
/// kind has one (`Out` asks each kind through `with_record!`).
trait Exportable: Record {
    /// The record's own fields, in the model's order (the record itself, for most kinds).
    fn exported(&self) -> impl Serialize + '_;
    /// Add the vendors and sources it refers to.
    fn resolve<'a>(&'a self, kb: &'a Kb, r: &mut Resolved<'a>);
    /// When its figure or title was known: `None` for kinds that hold neither (no `as_of` key),
    /// `Some(None)` when none of its sources is in the KB (`"as_of": null`).
    fn as_of<'a>(&'a self, kb: &'a Kb) -> Option<Option<AsOfOut<'a>>>;
}

impl Exportable for Source {
    fn exported(&self) -> impl Serialize + '_ {
        self
    }

    fn resolve<'a>(&'a self, _: &'a Kb, _: &mut Resolved<'a>) {}

    fn as_of<'a>(&'a self, _: &'a Kb) -> Option<Option<AsOfOut<'a>>> {
        None
    }
}

impl Exportable for Vendor {
    fn exported(&self) -> impl Serialize + '_ {
        self
    }

    fn resolve<'a>(&'a self, kb: &'a Kb, r: &mut Resolved<'a>) {
        r.maybe_vendor(kb, self.parent.as_ref());
        r.sources(kb, &self.sources);
    }

    fn as_of<'a>(&'a self, _: &'a Kb) -> Option<Option<AsOfOut<'a>>> {
        None
    }
}

impl Exportable for Executive {
    fn exported(&self) -> impl Serialize + '_ {
        self
    }

    fn resolve<'a>(&'a self, kb: &'a Kb, r: &mut Resolved<'a>) {
        for v in self.vendor.iter() {
            r.vendor(kb, v);
        }
        for m in &self.career {
            for v in m.from.iter().chain(m.to.iter()) {
                r.vendor(kb, v);
            }
        }
        r.sources(kb, &self.sources);
        r.sources(kb, self.career.iter().filter_map(|m| m.source.as_ref()));
    }

    /// The title's (or a newer dated move's) as-of, as the detail shows it.
    fn as_of<'a>(&'a self, kb: &'a Kb) -> Option<Option<AsOfOut<'a>>> {
        Some(match crate::kb::current_title(kb, self) {
            crate::kb::Current::Title { as_of } => AsOfOut::new(as_of),
            crate::kb::Current::Move {
                career, date, stale, ..
            } => {
                let source = career
                    .source
                    .as_deref()
                    .or(self.sources.first().map(String::as_str));
                source.map(|source| AsOfOut { date, source, stale })
            }
        })
    }
}

impl Exportable for Deal {
    fn exported(&self) -> impl Serialize + '_ {
        DealOut::new(self)
    }

    fn resolve<'a>(&'a self, kb: &'a Kb, r: &mut Resolved<'a>) {
        for v in self.vendors.iter().chain(self.from_vendor.iter()) {
            r.vendor(kb, v);
        }
        r.maybe_vendor(kb, self.counterparty.as_ref());
        r.sources(kb, &self.sources);
    }

    fn as_of<'a>(&'a self, kb: &'a Kb) -> Option<Option<AsOfOut<'a>>> {
        Some(AsOfOut::new(kb.as_of(&self.sources)))
    }
}

impl Exportable for Series {
    fn exported(&self) -> impl Serialize + '_ {
        self
    }

    fn resolve<'a>(&'a self, kb: &'a Kb, r: &mut Resolved<'a>) {
        for v in self.vendor.iter() {
            r.vendor(kb, v);
        }
        r.sources(kb, &self.sources);
        r.sources(kb, self.points.iter().filter_map(|p| p.source.as_ref()));
    }

    /// The latest point's, as the Trends table's `Latest` and a CSV export's `As-of`.
    fn as_of<'a>(&'a self, kb: &'a Kb) -> Option<Option<AsOfOut<'a>>> {
        Some(AsOfOut::new(kb.series_as_of(self)))
    }
}

impl Exportable for Report {
    fn exported(&self) -> impl Serialize + '_ {
        self
    }

    fn resolve<'a>(&'a self, kb: &'a Kb, r: &mut Resolved<'a>) {
        r.maybe_vendor(kb, Some(&self.publisher));
        r.sources(kb, &self.sources);
    }

    fn as_of<'a>(&'a self, _: &'a Kb) -> Option<Option<AsOfOut<'a>>> {
        None
    }
}

impl Exportable for Fact {
    fn exported(&self) -> impl Serialize + '_ {
        self
    }

    /// The vendors among its subjects and objects (an executive or other record named there is
    /// in the record itself, by id).
    fn resolve<'a>(&'a self, kb: &'a Kb, r: &mut Resolved<'a>) {
        for id in self.subject.iter().chain(&self.object) {
            r.maybe_vendor(kb, Some(id));
        }
        r.sources(kb, &self.sources);
    }

    fn as_of<'a>(&'a self, kb: &'a Kb) -> Option<Option<AsOfOut<'a>>> {
        Some(AsOfOut::new(kb.as_of(&self.sources)))
    }
}

/// The record of `kind` with `id`: at `index` when the view was built from this KB, else by id.
fn find<'a>(kb: &'a Kb, kind: Kind, id: &'a str, index: Option<usize>) -> Out<'a> {
    let i = index
        .filter(|&i| kb.id_at(kind, i) == Some(id))
        .or_else(|| kb.lookup(id).filter(|(k, _)| *k == kind).map(|(_, i)| i));
    match i {
        Some(index) => Out::Record { kb, kind, index },
        None => Out::Missing(Missing {
            kind: kind.label(),
            id,
            resolved: Resolved::default(),
        }),
    }
}

/// serde_json's pretty printer, with every character `text::is_unsafe` flags escaped.
struct Inert(PrettyFormatter<'static>);

impl Formatter for Inert {
    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, w: &mut W, s: &str) -> io::Result<()> {
        let mut rest = s;
        while let Some((i, c)) = rest.char_indices().find(|&(_, c)| crate::text::is_unsafe(c)) {
            w.write_all(&rest.as_bytes()[..i])?;
            for unit in c.encode_utf16(&mut [0; 2]) {
                write!(w, "\\u{unit:04x}")?;
            }
            rest = &rest[i + c.len_utf8()..];
        }
        w.write_all(rest.as_bytes())
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

pub(super) fn pretty<T: Serialize>(v: &T) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Inert(PrettyFormatter::new()));
    v.serialize(&mut ser).expect("KB records always serialize");
    out.push(b'\n');
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

pub(super) fn view(kb: &Kb, view: &View) -> String {
    if view.tab.kind().is_none() {
        return pretty(&analysis_rows(view));
    }
    let records: Vec<Out> = view
        .shown()
        .map(|r| find(kb, r.kind, &r.id, Some(r.index)))
        .collect();
    pretty(&records)
}

/// An analysis view's rows (several per record, or records of several kinds): each row as an
/// object of its columns by key, after the `kind` and `id` of the record it comes from.
fn analysis_rows(view: &View) -> Vec<serde_json::Map<String, serde_json::Value>> {
    view.shown()
        .map(|r| {
            let mut o = serde_json::Map::new();
            o.insert("kind".into(), r.kind.label().into());
            o.insert("id".into(), r.id.clone().into());
            for (c, cell) in view.columns.iter().zip(&r.cells) {
                o.insert(c.key.to_string(), cell.text.clone().into());
            }
            o
        })
        .collect()
}

pub(super) fn record(kb: &Kb, d: &Detail) -> String {
    pretty(&find(kb, d.target.kind, &d.target.id, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_characters_are_escaped_and_the_value_kept() {
        let s = "a\u{1b}b\u{7f}c\u{9b}d\u{202e}e\u{200b}f\u{feff}g阿里云";
        let out = pretty(&[s]);
        assert_eq!(
            out,
            "[\n  \"a\\u001bb\\u007fc\\u009bd\\u202ee\\u200bf\\ufeffg阿里云\"\n]\n"
        );
        let back: Vec<String> = serde_json::from_str(&out).unwrap();
        assert_eq!(back, [s]);
        assert_eq!(
            pretty(&serde_json::json!({"k": [1]})),
            serde_json::to_string_pretty(&serde_json::json!({"k": [1]})).unwrap() + "\n"
        );
    }

    #[test]
    fn deal_out_is_the_model_with_kind_renamed() {
        let kb = crate::kb::load_builtin().kb;
        for d in &kb.deals {
            let mut model = serde_json::to_value(d).unwrap();
            let obj = model.as_object_mut().unwrap();
            let kind = obj.remove("kind").unwrap();
            obj.insert("deal_kind".into(), kind);
            assert_eq!(serde_json::to_value(DealOut::new(d)).unwrap(), model, "{}", d.id);
        }
    }
}
