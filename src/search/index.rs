//! The search index: every record's searchable text, flattened into one arena, grouped by record
//! ("doc") and ordered by tier, each field with a character-set mask so most fields are rejected
//! without looking at their text.

use std::ops::Range;
use std::sync::Arc;

use super::pinyin;
use super::query::deal_kind_zh;
use crate::kb::{Kb, Kind};
use crate::text::escape_controls;

/// How much a match in a field counts: names first, then aliases, then the pinyin of either, and
/// every other field (titles, customers, summaries, dates) far below.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    Name = 0,
    Alias = 1,
    Pinyin = 2,
    Other = 3,
}

/// Which field of a record some text came from, for "matched in …" and highlighting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldName {
    Name,
    NameEn,
    Title,
    Alias,
    /// Full pinyin of the field `of` points to.
    Pinyin,
    /// Pinyin initials of the field `of` points to.
    Initials,
    Id,
    Counterparty,
    Vendor,
    Kind,
    Segments,
    Region,
    Parent,
    Org,
    Role,
    Career,
    Publisher,
    Authors,
    Metric,
    Market,
    Report,
    Date,
    Periods,
    Summary,
    Quote,
}

impl FieldName {
    pub fn label(self) -> &'static str {
        match self {
            FieldName::Name => "name",
            FieldName::NameEn => "English name",
            FieldName::Title => "title",
            FieldName::Alias => "alias",
            FieldName::Pinyin => "pinyin",
            FieldName::Initials => "pinyin initials",
            FieldName::Id => "id",
            FieldName::Counterparty => "customer",
            FieldName::Vendor => "vendor",
            FieldName::Kind => "kind",
            FieldName::Segments => "segments",
            FieldName::Region => "region",
            FieldName::Parent => "parent",
            FieldName::Org => "organisation",
            FieldName::Role => "role",
            FieldName::Career => "career",
            FieldName::Publisher => "publisher",
            FieldName::Authors => "authors",
            FieldName::Metric => "metric",
            FieldName::Market => "market",
            FieldName::Report => "report",
            FieldName::Date => "date",
            FieldName::Periods => "periods",
            FieldName::Summary => "summary",
            FieldName::Quote => "quote",
        }
    }
}

/// A character-set mask: ASCII letters (case folded), digits and punctuation in one word, other
/// characters hashed over three more, because a Chinese query would otherwise share its few bits
/// with every Chinese field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mask(pub [u64; 4]);

impl Mask {
    #[inline]
    pub fn bit(c: char) -> (usize, u64) {
        if c.is_ascii() {
            let b = c.to_ascii_lowercase() as u32;
            let i = match b {
                0x61..=0x7a => b - 0x61,
                0x30..=0x39 => 26 + b - 0x30,
                _ => 36 + b % 28,
            };
            (0, 1 << i)
        } else {
            let h = (c as u32).wrapping_mul(0x9E37_79B1) >> 24; // 0..256
            let h = h % 192;
            (1 + (h / 64) as usize, 1 << (h % 64))
        }
    }

    pub fn of(s: &str) -> Mask {
        let mut m = [0u64; 4];
        for c in s.chars() {
            let (w, b) = Mask::bit(c);
            m[w] |= b;
        }
        Mask(m)
    }

    #[inline]
    pub fn covers(&self, other: &Mask) -> bool {
        (0..4).all(|i| self.0[i] & other.0[i] == other.0[i])
    }

    fn union(&mut self, other: &Mask) {
        for i in 0..4 {
            self.0[i] |= other.0[i];
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub start: u32,
    pub len: u32,
    pub mask: Mask,
    pub tier: Tier,
    pub name: FieldName,
    /// For pinyin fields: the field (index within its doc) whose text was romanized.
    pub of: u8,
}

/// One record: its kind and index in the KB, and its fields (a range of `Index::fields`).
#[derive(Clone, Debug)]
pub struct Doc {
    pub kind: Kind,
    pub index: u32,
    pub fields: Range<u32>,
    /// Fields before this one (absolute index) are names, aliases and their pinyin.
    pub names_end: u32,
    pub mask: Mask,
}

/// The index over one KB. Built once per KB (`Index::build`), shared read-only across threads.
pub struct Index {
    pub kb: Arc<Kb>,
    arena: String,
    pub fields: Vec<Field>,
    pub docs: Vec<Doc>,
    /// Docs of each kind are contiguous: `by_kind[kind as usize]` is their range.
    pub by_kind: [Range<u32>; 5],
}

impl Index {
    #[inline]
    pub fn text(&self, f: &Field) -> &str {
        &self.arena[f.start as usize..(f.start + f.len) as usize]
    }

    pub fn doc_fields(&self, d: &Doc) -> &[Field] {
        &self.fields[d.fields.start as usize..d.fields.end as usize]
    }

    /// The doc of a record, by kind and index in its kind's list.
    pub fn doc_of(&self, kind: Kind, index: usize) -> Option<u32> {
        let r = &self.by_kind[kind as usize];
        let d = r.start + index as u32;
        (d < r.end).then_some(d)
    }

    pub fn build(kb: Arc<Kb>) -> Index {
        let mut b = Builder {
            arena: String::new(),
            fields: Vec::new(),
            docs: Vec::new(),
            names: Vec::new(),
            doc_start: 0,
            names_end: None,
        };
        let mut by_kind: [Range<u32>; 5] = Default::default();
        for kind in Kind::ALL {
            let start = b.docs.len() as u32;
            add_kind(&mut b, &kb, kind);
            by_kind[kind as usize] = start..b.docs.len() as u32;
        }
        Index {
            kb,
            arena: b.arena,
            fields: b.fields,
            docs: b.docs,
            by_kind,
        }
    }
}

struct Builder {
    arena: String,
    fields: Vec<Field>,
    docs: Vec<Doc>,
    /// Names and aliases of the doc being built; their pinyin follows them once they are all in.
    names: Vec<(Tier, FieldName, String)>,
    /// Index into `fields` where the current doc starts.
    doc_start: u32,
    names_end: Option<u32>,
}

impl Builder {
    fn push(&mut self, tier: Tier, name: FieldName, text: &str, of: u8) {
        let start = self.arena.len() as u32;
        self.arena.push_str(text);
        self.fields.push(Field {
            start,
            len: text.len() as u32,
            mask: Mask::of(text),
            tier,
            name,
            of,
        });
    }

    /// A name or alias (tiers Name and Alias); must come before any other field of the doc.
    fn name(&mut self, tier: Tier, name: FieldName, text: &str) {
        debug_assert!(self.names_end.is_none(), "names come first");
        let text = clean(text);
        if !text.is_empty() && self.names.iter().all(|n| n.2 != text) {
            self.names.push((tier, name, text));
        }
    }

    fn flush_names(&mut self) {
        if self.names_end.is_some() {
            return;
        }
        let names = std::mem::take(&mut self.names);
        for (tier, name, text) in &names {
            self.push(*tier, *name, text, 0);
        }
        for (i, (_, _, text)) in names.iter().enumerate() {
            if let Some(r) = pinyin::romanize(text) {
                let of = i.min(u8::MAX as usize) as u8;
                self.push(Tier::Pinyin, FieldName::Pinyin, &r.full, of);
                self.push(Tier::Pinyin, FieldName::Initials, &r.initials, of);
            }
        }
        self.names_end = Some(self.fields.len() as u32);
    }

    fn other(&mut self, name: FieldName, text: &str) {
        self.flush_names();
        let text = clean(text);
        if !text.is_empty() {
            self.push(Tier::Other, name, &text, 0);
        }
    }

    fn opt(&mut self, name: FieldName, text: Option<&str>) {
        if let Some(t) = text {
            self.other(name, t);
        }
    }

    fn finish(&mut self, kind: Kind, index: usize) {
        self.flush_names();
        let fields = self.doc_start..self.fields.len() as u32;
        let mut mask = Mask::default();
        for f in &self.fields[fields.start as usize..] {
            mask.union(&f.mask);
        }
        self.docs.push(Doc {
            kind,
            index: index as u32,
            names_end: self.names_end.take().unwrap_or(fields.end),
            fields,
            mask,
        });
        self.doc_start = self.fields.len() as u32;
    }
}

/// Index exactly what the screen shows: control characters escaped, outer space trimmed.
fn clean(text: &str) -> String {
    escape_controls(text.trim()).into_owned()
}

fn add_kind(b: &mut Builder, kb: &Kb, kind: Kind) {
    let vendor_names = |ids: &mut dyn Iterator<Item = &String>| -> String {
        let mut out = String::new();
        for id in ids {
            if !out.is_empty() {
                out.push_str(", ");
            }
            match kb.vendor(id) {
                Some(v) => {
                    out.push_str(&v.name);
                    for extra in v.name_en.iter().chain(std::iter::once(&v.id)) {
                        out.push_str(" / ");
                        out.push_str(extra);
                    }
                }
                None => out.push_str(id),
            }
        }
        out
    };
    match kind {
        Kind::Vendor => {
            for (i, v) in kb.vendors.iter().enumerate() {
                b.name(Tier::Name, FieldName::Name, &v.name);
                if let Some(en) = &v.name_en {
                    b.name(Tier::Name, FieldName::NameEn, en);
                }
                for a in &v.aliases {
                    b.name(Tier::Alias, FieldName::Alias, a);
                }
                b.other(FieldName::Id, &v.id);
                b.opt(FieldName::Parent, v.parent.as_deref());
                b.opt(FieldName::Region, v.region.as_deref());
                b.other(FieldName::Segments, &v.segments.join(", "));
                b.opt(FieldName::Summary, v.summary.as_deref());
                b.opt(FieldName::Quote, v.quote.as_deref());
                b.finish(kind, i);
            }
        }
        Kind::Executive => {
            for (i, e) in kb.executives.iter().enumerate() {
                b.name(Tier::Name, FieldName::Name, &e.name);
                if let Some(en) = &e.name_en {
                    b.name(Tier::Name, FieldName::NameEn, en);
                }
                b.other(FieldName::Id, &e.id);
                b.opt(FieldName::Role, e.title.as_deref());
                b.other(FieldName::Vendor, &vendor_names(&mut e.vendor.iter()));
                b.opt(FieldName::Org, e.org.as_deref());
                let mut career = String::new();
                let mut dates = Vec::new();
                for m in &e.career {
                    let ids = m.from.iter().chain(m.to.iter());
                    let orgs = m.from_org.iter().chain(m.to_org.iter());
                    career.push_str(&format!("{} {} ", m.role, vendor_names(&mut ids.chain(orgs))));
                    dates.extend(m.date.map(|d| d.to_string()));
                }
                b.other(FieldName::Career, &career);
                b.other(FieldName::Date, &dates.join(" "));
                b.opt(FieldName::Summary, e.summary.as_deref());
                b.opt(FieldName::Quote, e.quote.as_deref());
                b.finish(kind, i);
            }
        }
        Kind::Deal => {
            for (i, d) in kb.deals.iter().enumerate() {
                b.name(Tier::Name, FieldName::Title, &d.title);
                b.other(FieldName::Id, &d.id);
                b.opt(FieldName::Counterparty, d.counterparty.as_deref());
                b.other(
                    FieldName::Vendor,
                    &vendor_names(&mut d.vendors.iter().chain(d.from_vendor.iter())),
                );
                b.other(
                    FieldName::Kind,
                    &format!("{} {}", d.kind.as_str(), deal_kind_zh(d.kind)),
                );
                b.opt(FieldName::Date, d.date.map(|p| p.to_string()).as_deref());
                b.opt(FieldName::Summary, d.summary.as_deref());
                b.opt(FieldName::Quote, d.quote.as_deref());
                b.finish(kind, i);
            }
        }
        Kind::Series => {
            for (i, s) in kb.series.iter().enumerate() {
                b.name(Tier::Name, FieldName::Name, &s.name);
                b.other(FieldName::Id, &s.id);
                b.other(FieldName::Vendor, &vendor_names(&mut s.vendor.iter()));
                b.opt(FieldName::Market, s.market.as_deref());
                b.other(FieldName::Metric, s.metric.as_str());
                b.opt(FieldName::Report, s.report.as_deref());
                let periods: Vec<String> = s.sorted_points().iter().map(|p| p.period.to_string()).collect();
                b.other(FieldName::Periods, &periods.join(" "));
                b.opt(FieldName::Summary, s.summary.as_deref());
                b.finish(kind, i);
            }
        }
        Kind::Source => {
            for (i, s) in kb.sources.iter().enumerate() {
                b.name(Tier::Name, FieldName::Title, &s.title);
                b.name(Tier::Alias, FieldName::Publisher, &s.publisher);
                b.other(FieldName::Id, &s.id);
                b.other(FieldName::Authors, &s.authors.join(", "));
                b.other(FieldName::Date, &s.date.to_string());
                b.opt(FieldName::Summary, s.summary.as_deref());
                b.finish(kind, i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_record_is_a_doc_with_names_first() {
        let kb = Arc::new(crate::kb::load_builtin().kb);
        let ix = Index::build(kb.clone());
        let c = kb.counts();
        assert_eq!(
            ix.docs.len(),
            c.sources + c.vendors + c.executives + c.deals + c.series
        );
        let chu = &ix.docs[ix
            .doc_of(Kind::Executive, kb.lookup("chu-ruisong").unwrap().1)
            .unwrap() as usize];
        let fields = ix.doc_fields(chu);
        let texts: Vec<(&str, FieldName)> = fields.iter().map(|f| (ix.text(f), f.name)).collect();
        assert_eq!(texts[0], ("储瑞松", FieldName::Name));
        assert!(texts.contains(&("crs", FieldName::Initials)), "{texts:?}");
        let mut tiers: Vec<Tier> = fields.iter().map(|f| f.tier).collect();
        let sorted = {
            tiers.sort();
            tiers.clone()
        };
        assert_eq!(fields.iter().map(|f| f.tier).collect::<Vec<_>>(), sorted);
        for d in &ix.docs {
            for i in d.fields.clone() {
                let f = &ix.fields[i as usize];
                assert_eq!(f.tier < Tier::Other, i < d.names_end, "{}", ix.text(f));
            }
        }
    }

    #[test]
    fn masks_cover_their_text() {
        let m = Mask::of("阿里云 Cloud");
        assert!(m.covers(&Mask::of("cl")) && m.covers(&Mask::of("CL")) && m.covers(&Mask::of("云")));
        assert!(!m.covers(&Mask::of("x")));
    }
}
