//! Building an index from a KB: runs of records indexed in parallel (`Builder`; what each kind
//! of record indexes is in `add_kind`), then joined in KB order, with the character bits chosen
//! from the text (`Index::set_wide`).

use super::*;
use crate::kb::{Deal, Executive, Fact, Period, Record, Report, Series, Source, Vendor, with_record};

/// Records indexed per unit of work when building in parallel.
pub(super) const BUILD_CHUNK: usize = 4096;

impl Index {
    /// Index a KB, on one thread per core for a large one.
    pub fn build(kb: Arc<Kb>) -> Index {
        Index::build_on(kb, crate::par::cores())
    }

    pub(super) fn build_on(kb: Arc<Kb>, threads: usize) -> Index {
        // Units of work: runs of up to BUILD_CHUNK records of one kind, in KB order.
        let mut units = Vec::new();
        for kind in Kind::ALL {
            let n = kb.count(kind);
            units.extend(
                (0..n)
                    .step_by(BUILD_CHUNK)
                    .map(|s| (kind, s..(s + BUILD_CHUNK).min(n))),
            );
        }
        let built = crate::par::map_units(&units, threads, |(k, r)| Some(Builder::run(&kb, *k, r.clone())))
            .expect("nothing cancels a build");
        Index::join(kb, built, threads)
    }

    /// Concatenate built pieces (in KB order): all names parts, then all other parts.
    pub(super) fn join(kb: Arc<Kb>, built: Vec<Builder>, threads: usize) -> Index {
        let count = |f: fn(&Builder) -> &Part| built.iter().map(|b| f(b).fields.len()).sum::<usize>();
        let n_names = count(|b| &b.names);
        let n_fields = n_names + count(|b| &b.others);
        let n_text: usize = built
            .iter()
            .map(|b| b.names.arena.len() + b.others.arena.len())
            .sum();
        let mut ix = Index {
            kb,
            arena: Arena::Built(String::with_capacity(n_text)),
            fields: Cow::Owned(Vec::with_capacity(n_fields)),
            field_wide: Cow::Owned(Vec::new()),
            docs: Cow::Owned(Vec::with_capacity(built.iter().map(|b| b.docs.len()).sum())),
            doc_masks: Masks::default(),
            by_kind: Default::default(),
            pairs: Pairs::with_docs(built.iter().map(|b| b.docs.len()).sum()),
            chars: CharBits::default(),
        };
        // Where each piece's names and others land.
        let mut names_at = Vec::with_capacity(built.len());
        for b in &built {
            names_at.push(ix.fields.len() as u32);
            ix.append(&b.names);
        }
        let mut others_at = Vec::with_capacity(built.len());
        for b in &built {
            others_at.push(ix.fields.len() as u32);
            ix.append(&b.others);
        }
        let mut by_kind = PerKind::<Range<u32>>::default();
        for (k, b) in built.into_iter().enumerate() {
            ix.pairs.put(ix.docs.len(), &b.pairs);
            for d in b.docs {
                let id = ix.docs.len() as u32;
                let r = &mut by_kind[d.kind()];
                if r.start == r.end {
                    *r = id..id;
                }
                r.end = id + 1;
                let (names, others) = (d.names(), d.others());
                ix.docs.to_mut().push(Doc::new(
                    d.kind(),
                    d.index,
                    names.start + names_at[k]..names.end + names_at[k],
                    others.start + others_at[k]..others.end + others_at[k],
                ));
            }
            ix.doc_masks.ascii.to_mut().extend_from_slice(&b.ascii);
        }
        ix.by_kind = by_kind;
        ix.set_wide(threads);
        ix
    }

    /// Choose the `CharBits` for this index's text, and set the wide words of every field's and
    /// doc's mask by them. On `threads` threads: it reads all the text.
    pub(super) fn set_wide(&mut self, threads: usize) {
        let Arena::Built(arena) = &self.arena else {
            unreachable!("only a built index gets its masks")
        };
        // Count BMP characters over pieces of the text (cut at character starts).
        let pieces = threads * 4;
        let mut cuts = vec![0];
        for k in 1..pieces {
            let mut at = (arena.len() * k / pieces).max(*cuts.last().expect("a cut"));
            while !arena.is_char_boundary(at) {
                at += 1;
            }
            cuts.push(at);
        }
        cuts.push(arena.len());
        let pieces: Vec<&str> = cuts.windows(2).map(|w| &arena[w[0]..w[1]]).collect();
        let counted = crate::par::map_units(&pieces, threads, |text| {
            let mut n = vec![0u32; 0x1_0000];
            for_each_wide(text, |c| {
                if let Some(k) = n.get_mut(c as usize) {
                    *k = k.saturating_add(1);
                }
            });
            Some(n)
        })
        .expect("nothing cancels a build");
        let mut counts = vec![0u32; 0x1_0000];
        for n in counted {
            for (a, b) in counts.iter_mut().zip(n) {
                *a = a.saturating_add(b);
            }
        }
        self.apply_wide(CharBits::from_counts(&counts), threads);
    }

    /// Set the wide words of every field's and doc's mask by `bits`.
    pub(in crate::search) fn apply_wide(&mut self, bits: CharBits, threads: usize) {
        self.chars = bits;
        let field_wide = map_in_parallel(&self.fields, threads, |f| self.chars.wide(self.text(f)));
        self.field_wide = Cow::Owned(field_wide);
        let wide = map_in_parallel(&self.docs, threads, |d| {
            d.fields().fold([0u64; 3], |mut m, i| {
                let w = &self.field_wide[i as usize];
                (0..3).for_each(|k| m[k] |= w[k]);
                m
            })
        });
        self.doc_masks.wide = Cow::Owned(wide);
    }

    pub(super) fn append(&mut self, part: &Part) {
        let Arena::Built(arena) = &mut self.arena else {
            unreachable!("only a built index is appended to")
        };
        let base = arena.len() as u32;
        arena.push_str(&part.arena);
        self.fields.to_mut().extend(part.fields.iter().map(|f| Field {
            start: f.start + base,
            ..*f
        }));
    }
}

/// `f` of every item, in order, computed in runs of 65,536 on up to `threads` threads.
#[inline]
pub(super) fn map_in_parallel<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let runs: Vec<&[T]> = items.chunks(1 << 16).collect();
    let parts = crate::par::map_units(&runs, threads, |run| Some(run.iter().map(&f).collect::<Vec<R>>()))
        .expect("nothing cancels a build");
    let mut all = Vec::with_capacity(items.len());
    parts.into_iter().for_each(|p| all.extend(p));
    all
}

/// Fields and their text, for one of the two parts of an index.
#[derive(Default)]
pub(super) struct Part {
    pub(super) arena: String,
    pub(super) fields: Vec<Field>,
}

/// Indexes a run of records into its own parts; `Index::join` puts the runs together.
pub(in crate::search) struct Builder {
    pub(super) names: Part,
    pub(super) others: Part,
    /// Field ranges are within this builder's parts.
    pub(super) docs: Vec<Doc>,
    /// The `Ascii` words of the docs built.
    pub(super) ascii: Vec<Ascii>,
    /// Those of the doc being built.
    pub(super) doc_ascii: Ascii,
    /// Its letter pairs, and those of the docs built.
    pub(super) doc_pairs: DocPairs,
    pub(super) pairs: Pairs,
    /// Names and aliases of the doc being built; their pinyin follows them once they are all in.
    pub(super) pending: Vec<(Tier, FieldName, String)>,
    /// Whether the current doc's names are in (no more names may come).
    pub(super) flushed: bool,
    pub(super) names_start: u32,
    pub(super) others_start: u32,
    /// Scratch for composed field text.
    pub(super) buf: String,
}

impl Builder {
    pub(super) fn run(kb: &Kb, kind: Kind, range: Range<usize>) -> Builder {
        let mut b = Builder {
            names: Part::default(),
            others: Part::default(),
            docs: Vec::with_capacity(range.len()),
            ascii: Vec::with_capacity(range.len()),
            doc_ascii: Ascii::default(),
            doc_pairs: DocPairs::default(),
            pairs: Pairs::with_docs(range.len()),
            pending: Vec::new(),
            flushed: false,
            names_start: 0,
            others_start: 0,
            buf: String::new(),
        };
        add_kind(&mut b, kb, kind, range);
        b
    }

    pub(super) fn push(&mut self, tier: Tier, name: FieldName, text: &str, of: u8) {
        let part = if tier == Tier::Other {
            &mut self.others
        } else {
            &mut self.names
        };
        let start = part.arena.len() as u32;
        part.arena.push_str(text);
        // The wide words come once the whole index is in (`Index::set_wide`).
        let mask = ascii_word(text);
        let (heads, starts) = if name == FieldName::Pinyin {
            let heads = pinyin::heads(text).map(Mask::ascii_bit).fold(0, |a, b| a | b);
            (heads, pinyin::start_bits(text))
        } else {
            (0, 0)
        };
        self.doc_ascii.mask |= mask;
        self.doc_pairs.add_field(
            text,
            match (tier, name) {
                (_, FieldName::Pinyin) => Rule::Pinyin,
                (Tier::Pinyin, _) => Rule::Initials,
                _ => Rule::Plain,
            },
        );
        self.doc_ascii.single |= if name == FieldName::Pinyin { heads } else { mask };
        if tier != Tier::Other {
            let a = &mut self.doc_ascii;
            let mut prev = '\0';
            for (j, c) in text.chars().enumerate() {
                if j == 0 {
                    a.heads |= head_bit(c);
                }
                if crate::search::skim::in_place_bonus(prev, c) > 0 {
                    a.words |= head_bit(c);
                }
                prev = c;
            }
        }
        part.fields.push(Field {
            mask,
            start,
            len: text.len() as u32,
            first: text.chars().next().unwrap_or('\0') as u32,
            heads,
            starts,
            tier: tier as u8,
            name: name as u8,
            of,
            _pad: 0,
        });
    }

    /// A name or alias (tiers Name and Alias); must come before any other field of the doc.
    pub(super) fn name(&mut self, tier: Tier, name: FieldName, text: &str) {
        debug_assert!(!self.flushed, "names come first");
        let text = clean(text);
        if !text.is_empty() && self.pending.iter().all(|n| n.2 != text) {
            self.pending.push((tier, name, text));
        }
    }

    pub(super) fn flush_names(&mut self) {
        if self.flushed {
            return;
        }
        let names = std::mem::take(&mut self.pending);
        for (tier, name, text) in &names {
            self.push(*tier, *name, text, 0);
        }
        for (i, (_, _, text)) in names.iter().enumerate() {
            // Every romanization (more than one only where a character has several readings),
            // each distinct text once: 重庆 gives ZhongQing and ChongQing, zq and cq. Full pinyin
            // only for the first two (usual readings, every other reading): full pinyin fields
            // are long and scored for every name a term matches in, and a run of syllables
            // typed in full rarely needs two characters read differently; initials, short, for
            // every romanization (招商银行: zsyh).
            let all = pinyin::romanize_all(text);
            let of = i.min(u8::MAX as usize) as u8;
            for (k, r) in all.iter().enumerate().take(2) {
                if all[..k].iter().all(|o| o.full != r.full) {
                    self.push(Tier::Pinyin, FieldName::Pinyin, &r.full, of);
                }
            }
            for (k, r) in all.iter().enumerate() {
                if all[..k].iter().all(|o| o.initials != r.initials) {
                    self.push(Tier::Pinyin, FieldName::Initials, &r.initials, of);
                }
            }
        }
        self.flushed = true;
    }

    pub(super) fn other(&mut self, name: FieldName, text: &str) {
        self.flush_names();
        let text = clean(text);
        if !text.is_empty() {
            self.push(Tier::Other, name, &text, 0);
        }
    }

    pub(super) fn opt(&mut self, name: FieldName, text: Option<&str>) {
        if let Some(t) = text {
            self.other(name, t);
        }
    }

    /// A field composed in `buf` by `write`.
    pub(super) fn composed(&mut self, name: FieldName, write: impl FnOnce(&mut String)) {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        write(&mut buf);
        self.other(name, &buf);
        self.buf = buf;
    }

    pub(super) fn finish(&mut self, kind: Kind, index: usize) {
        self.flush_names();
        let (n, o) = (self.names.fields.len() as u32, self.others.fields.len() as u32);
        self.ascii.push(std::mem::take(&mut self.doc_ascii));
        self.pairs
            .set(self.docs.len() as u32, &std::mem::take(&mut self.doc_pairs));
        self.docs.push(Doc::new(
            kind,
            index as u32,
            self.names_start..n,
            self.others_start..o,
        ));
        (self.names_start, self.others_start) = (n, o);
        self.flushed = false;
    }
}

/// Index exactly what the screen shows: control characters escaped, outer space trimmed.
pub(super) fn clean(text: &str) -> String {
    escape_controls(text.trim()).into_owned()
}

/// Append each vendor's name, English name and id: "阿里云 / Alibaba Cloud / aliyun, …".
pub(super) fn vendor_names<'a>(kb: &Kb, out: &mut String, ids: impl Iterator<Item = &'a String>) {
    for (n, id) in ids.enumerate() {
        if n > 0 {
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
}

/// Whether two periods overlap (one lies within the other).
#[inline]
fn overlaps(a: Period, b: Period) -> bool {
    a.within(b) || b.within(a)
}

/// Index records `range` of one kind.
pub(super) fn add_kind(b: &mut Builder, kb: &Kb, kind: Kind, range: Range<usize>) {
    with_record!(kind, R => {
        for (i, r) in R::all(kb)[range.clone()].iter().enumerate() {
            r.index(b, kb);
            b.finish(kind, range.start + i);
        }
    });
}

/// What a search finds in a record of a kind: its fields (names first), and the periods it
/// covers for `year:` and `period:`. Every kind has one (`add_kind` and the period filter ask
/// each kind through `with_record!`).
pub(in crate::search) trait Indexed: Record {
    /// Add the record's fields to the doc being built (`Builder::finish` closes it).
    fn index(&self, b: &mut Builder, kb: &Kb);
    /// Whether the record covers some of period `p`.
    fn in_period(&self, p: Period) -> bool;
}

impl Indexed for Vendor {
    #[inline]
    fn index(&self, b: &mut Builder, _: &Kb) {
        let v = self;
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
        b.composed(FieldName::Segments, |o| o.push_str(&v.segments.join(", ")));
        b.opt(FieldName::Summary, v.summary.as_deref());
        b.opt(FieldName::Quote, v.quote.as_deref());
    }

    #[inline]
    fn in_period(&self, _: Period) -> bool {
        false
    }
}

impl Indexed for Executive {
    #[inline]
    fn index(&self, b: &mut Builder, kb: &Kb) {
        use std::fmt::Write;
        let e = self;
        b.name(Tier::Name, FieldName::Name, &e.name);
        if let Some(en) = &e.name_en {
            b.name(Tier::Name, FieldName::NameEn, en);
        }
        b.other(FieldName::Id, &e.id);
        b.opt(FieldName::Role, e.title.as_deref());
        b.composed(FieldName::Vendor, |o| vendor_names(kb, o, e.vendor.iter()));
        b.opt(FieldName::Org, e.org.as_deref());
        b.composed(FieldName::Career, |o| {
            for m in &e.career {
                o.push_str(&m.role);
                o.push(' ');
                let ids = m.from.iter().chain(m.to.iter());
                let orgs = m.from_org.iter().chain(m.to_org.iter());
                vendor_names(kb, o, ids.chain(orgs));
                o.push(' ');
            }
        });
        b.composed(FieldName::Date, |o| {
            for d in e.career.iter().filter_map(|m| m.date) {
                if !o.is_empty() {
                    o.push(' ');
                }
                let _ = write!(o, "{d}");
            }
        });
        b.opt(FieldName::Summary, e.summary.as_deref());
        b.opt(FieldName::Quote, e.quote.as_deref());
    }

    #[inline]
    fn in_period(&self, p: Period) -> bool {
        self.career.iter().any(|m| m.date.is_some_and(|d| overlaps(d, p)))
    }
}

impl Indexed for Deal {
    #[inline]
    fn index(&self, b: &mut Builder, kb: &Kb) {
        use std::fmt::Write;
        let d = self;
        b.name(Tier::Name, FieldName::Title, &d.title);
        b.other(FieldName::Id, &d.id);
        b.opt(FieldName::Counterparty, d.counterparty.as_deref());
        b.composed(FieldName::Vendor, |o| {
            vendor_names(kb, o, d.vendors.iter().chain(d.from_vendor.iter()))
        });
        b.composed(FieldName::Kind, |o| {
            let _ = write!(o, "{} {}", d.kind.as_str(), d.kind.zh());
        });
        if let Some(p) = d.date {
            b.composed(FieldName::Date, |o| {
                let _ = write!(o, "{p}");
            });
        }
        b.opt(FieldName::Summary, d.summary.as_deref());
        b.opt(FieldName::Quote, d.quote.as_deref());
    }

    #[inline]
    fn in_period(&self, p: Period) -> bool {
        self.date.is_some_and(|d| overlaps(d, p))
    }
}

impl Indexed for Series {
    #[inline]
    fn index(&self, b: &mut Builder, kb: &Kb) {
        use std::fmt::Write;
        let s = self;
        b.name(Tier::Name, FieldName::Name, &s.name);
        b.other(FieldName::Id, &s.id);
        b.composed(FieldName::Vendor, |o| vendor_names(kb, o, s.vendor.iter()));
        b.opt(FieldName::Market, s.market.as_deref());
        b.other(FieldName::Metric, s.metric.as_str());
        b.opt(FieldName::Report, s.report.as_deref());
        b.composed(FieldName::Periods, |o| {
            for p in s.sorted_points() {
                if !o.is_empty() {
                    o.push(' ');
                }
                let _ = write!(o, "{}", p.period);
            }
        });
        b.opt(FieldName::Summary, s.summary.as_deref());
    }

    #[inline]
    fn in_period(&self, p: Period) -> bool {
        self.points.iter().any(|pt| overlaps(pt.period, p))
    }
}

impl Indexed for Source {
    #[inline]
    fn index(&self, b: &mut Builder, _: &Kb) {
        use std::fmt::Write;
        let s = self;
        b.name(Tier::Name, FieldName::Title, &s.title);
        b.name(Tier::Alias, FieldName::Publisher, &s.publisher);
        b.other(FieldName::Id, &s.id);
        b.composed(FieldName::Authors, |o| o.push_str(&s.authors.join(", ")));
        b.composed(FieldName::Date, |o| {
            let _ = write!(o, "{}", s.date);
        });
        b.opt(FieldName::Summary, s.summary.as_deref());
    }

    #[inline]
    fn in_period(&self, p: Period) -> bool {
        overlaps(self.date, p)
    }
}

/// Append the names of the records `ids` name, whatever their kind (a vendor as in
/// [`vendor_names`], another record by its name and id); an id naming nothing as it is.
fn record_names<'a>(kb: &Kb, out: &mut String, ids: impl Iterator<Item = &'a String>) {
    for (n, id) in ids.enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        match kb.lookup(id) {
            Some((Kind::Vendor, _)) => vendor_names(kb, out, std::iter::once(id)),
            Some((kind, i)) => {
                out.push_str(kb.name_at(kind, i).unwrap_or_default());
                out.push_str(" / ");
                out.push_str(id);
            }
            None => out.push_str(id),
        }
    }
}

impl Indexed for Report {
    #[inline]
    fn index(&self, b: &mut Builder, kb: &Kb) {
        use std::fmt::Write;
        let r = self;
        if let Some(t) = &r.title {
            b.name(Tier::Name, FieldName::Title, t);
        }
        b.other(FieldName::Id, &r.id);
        b.composed(FieldName::Publisher, |o| {
            vendor_names(kb, o, std::iter::once(&r.publisher))
        });
        b.composed(FieldName::Date, |o| {
            for p in r.period.iter().chain(r.date.iter()) {
                if !o.is_empty() {
                    o.push(' ');
                }
                let _ = write!(o, "{p}");
            }
        });
        b.opt(FieldName::Summary, r.summary.as_deref());
        b.opt(FieldName::Quote, r.quote.as_deref());
    }

    #[inline]
    fn in_period(&self, p: Period) -> bool {
        self.period
            .iter()
            .chain(self.date.iter())
            .any(|&d| overlaps(d, p))
    }
}

impl Indexed for Fact {
    #[inline]
    fn index(&self, b: &mut Builder, kb: &Kb) {
        use std::fmt::Write;
        let f = self;
        b.name(Tier::Name, FieldName::Title, &f.text);
        b.other(FieldName::Id, &f.id);
        b.composed(FieldName::Subject, |o| {
            record_names(kb, o, f.subject.iter().chain(&f.object))
        });
        b.opt(FieldName::Market, f.market.as_deref());
        b.composed(FieldName::Topic, |o| {
            let _ = write!(o, "{} {}", f.topic.as_str(), f.topic.zh());
        });
        b.opt(FieldName::Report, f.report.as_deref());
        if let Some(p) = f.period {
            b.composed(FieldName::Date, |o| {
                let _ = write!(o, "{p}");
            });
        }
        b.opt(FieldName::Summary, f.note.as_deref());
        b.opt(FieldName::Quote, f.quote.as_deref());
    }

    #[inline]
    fn in_period(&self, p: Period) -> bool {
        self.period.is_some_and(|d| overlaps(d, p))
    }
}
