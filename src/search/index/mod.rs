//! The search index: every record's searchable text, flattened into one arena, grouped by record
//! ("doc") and ordered by tier, each field with a character-set mask so most fields are rejected
//! without looking at their text. This file holds what an index is (fields, docs, masks); how
//! one is built from a KB is in `build.rs` (what it calls here on its hot path is `#[inline]`, so
//! that the split, which may put the files in different codegen units, inlines as one file did).

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use super::pairs::Rule;
use super::pairs::{DocPairs, Pairs};
use super::pinyin;
pub use super::store::Store;
use crate::kb::{Kb, Kind, PerKind};
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

impl Tier {
    const ALL: [Tier; 4] = [Tier::Name, Tier::Alias, Tier::Pinyin, Tier::Other];
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
    /// A fact's subjects and objects, by name.
    Subject,
    /// A fact's topic.
    Topic,
}

impl FieldName {
    const ALL: [FieldName; 27] = [
        FieldName::Name,
        FieldName::NameEn,
        FieldName::Title,
        FieldName::Alias,
        FieldName::Pinyin,
        FieldName::Initials,
        FieldName::Id,
        FieldName::Counterparty,
        FieldName::Vendor,
        FieldName::Kind,
        FieldName::Segments,
        FieldName::Region,
        FieldName::Parent,
        FieldName::Org,
        FieldName::Role,
        FieldName::Career,
        FieldName::Publisher,
        FieldName::Authors,
        FieldName::Metric,
        FieldName::Market,
        FieldName::Report,
        FieldName::Date,
        FieldName::Periods,
        FieldName::Summary,
        FieldName::Quote,
        FieldName::Subject,
        FieldName::Topic,
    ];

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
            FieldName::Subject => "subject",
            FieldName::Topic => "topic",
        }
    }
}

/// A character-set mask: ASCII letters (case folded), digits and punctuation in one word, other
/// characters in three more ("wide" words), where `CharBits` gives each of the KB's most frequent
/// ones a bit of its own, because a Chinese query would otherwise share its few bits with every
/// Chinese field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mask(pub [u64; 4]);

/// A character's bit in `Ascii::heads`: its `Mask::ascii_bit` when ASCII (case folded), else
/// one of the 64 picked by a hash. Equal characters (ignoring ASCII case) have equal bits.
pub fn head_bit(c: char) -> u64 {
    if c.is_ascii() {
        Mask::ascii_bit(c)
    } else {
        1 << ((c as u32).wrapping_mul(0x9E37_79B1) >> 26)
    }
}

/// The bits of the wide words.
const WIDE_BITS: usize = 192;
/// How many characters get a bit of their own when a KB has more non-ASCII characters than
/// there are bits: the rest share the other bits, which they need more than the next most
/// frequent characters need a bit each.
const OWN_WHEN_CROWDED: usize = 128;

/// Which wide bit each non-ASCII character sets in a mask. The KB's most frequent characters (all
/// of them, when it has fewer than 192) each have a bit of their own, so that a mask says
/// exactly whether a field or doc has them; the others share the remaining bits by a hash.
/// With one hash for every character, a common character shared its bit with another, and
/// every doc with either passed the mask and had its fields read to find out; and a query with a
/// common character is what makes many docs pass. Chosen from the text of each index as it is
/// built (`Index::build`), and saved with it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CharBits {
    /// The characters with a bit of their own: `own[b]` has bit `b`. Non-ASCII, in the Basic
    /// Multilingual Plane, distinct, fewer than `WIDE_BITS`.
    own: Vec<char>,
    /// Per BMP code point: 1 + its bit when it has one of its own, else 0; empty when none has.
    dense: Vec<u8>,
}

impl CharBits {
    /// The bits for a text where BMP code point `c` occurs `counts[c]` times: the most frequent
    /// characters (ties to the lower code point) get their own.
    fn from_counts(counts: &[u32]) -> CharBits {
        let mut seen: Vec<(u32, char)> = counts
            .iter()
            .enumerate()
            .filter(|&(c, &n)| n > 0 && c >= 0x80)
            .filter_map(|(c, &n)| Some((n, char::from_u32(c as u32)?)))
            .collect();
        seen.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let keep = if seen.len() < WIDE_BITS {
            seen.len()
        } else {
            OWN_WHEN_CROWDED
        };
        CharBits::from_own(seen[..keep].iter().map(|s| s.1).collect()).expect("valid by construction")
    }

    /// The bits where `own[b]` has bit `b`; `None` unless `own` is as `CharBits::own` says (a
    /// saved index may be damaged).
    pub fn from_own(own: Vec<char>) -> Option<CharBits> {
        if own.len() >= WIDE_BITS {
            return None;
        }
        let mut dense = if own.is_empty() {
            Vec::new()
        } else {
            vec![0u8; 0x1_0000]
        };
        for (b, &c) in own.iter().enumerate() {
            let slot = dense.get_mut(c as usize).filter(|_| !c.is_ascii())?;
            if *slot != 0 {
                return None;
            }
            *slot = b as u8 + 1;
        }
        Some(CharBits { own, dense })
    }

    /// The characters with a bit of their own, in bit order.
    pub fn own(&self) -> &[char] {
        &self.own
    }

    /// A non-ASCII character's bit: (wide word, 0..3, and bit in it), and whether it is its own.
    #[inline]
    pub fn wide_bit(&self, c: char) -> (usize, u64, bool) {
        let (b, own) = match self.dense.get(c as usize) {
            Some(&n) if n > 0 => (n as usize - 1, true),
            _ => {
                let shared = (WIDE_BITS - self.own.len()) as u32;
                let h = (c as u32).wrapping_mul(0x9E37_79B1) >> 8;
                (self.own.len() + (h % shared) as usize, false)
            }
        };
        (b / 64, 1 << (b % 64), own)
    }

    /// The mask of `s`.
    pub fn mask(&self, s: &str) -> Mask {
        let mut m = [ascii_word(s), 0, 0, 0];
        for_each_wide(s, |c| {
            let (w, b, _) = self.wide_bit(c);
            m[1 + w] |= b;
        });
        Mask(m)
    }

    /// The wide words of `s`'s mask.
    #[inline]
    fn wide(&self, s: &str) -> [u64; 3] {
        let mut m = [0u64; 3];
        for_each_wide(s, |c| {
            let (w, b, _) = self.wide_bit(c);
            m[w] |= b;
        });
        m
    }
}

/// Call `f` with every non-ASCII character of `s`, skipping ASCII eight bytes at a time: most
/// indexed text is ASCII.
#[inline]
fn for_each_wide(s: &str, mut f: impl FnMut(char)) {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            if word & 0x8080_8080_8080_8080 == 0 {
                i += 8;
                continue;
            }
        }
        if bytes[i] < 0x80 {
            i += 1;
            continue;
        }
        // A lead byte (the loop only ever stops at character starts).
        let c = s[i..].chars().next().expect("a character starts here");
        f(c);
        i += c.len_utf8();
    }
}

/// The ASCII word of `s`'s mask.
fn ascii_word(s: &str) -> u64 {
    s.bytes()
        .filter(u8::is_ascii)
        .fold(0, |m, b| m | Mask::ascii_bit(b as char))
}

impl Mask {
    /// An ASCII character's bit in the first word: letters (either case) and digits each have
    /// their own, punctuation shares the rest.
    #[inline]
    pub fn ascii_bit(c: char) -> u64 {
        debug_assert!(c.is_ascii());
        let b = c.to_ascii_lowercase() as u32;
        let i = match b {
            0x61..=0x7a => b - 0x61,
            0x30..=0x39 => 26 + b - 0x30,
            _ => 36 + b % 28,
        };
        1 << i
    }

    #[inline]
    pub fn covers(&self, other: &Mask) -> bool {
        (0..4).all(|i| self.0[i] & other.0[i] == other.0[i])
    }

    /// Whether any character is outside ASCII (the three wide words are in use).
    pub fn is_wide(&self) -> bool {
        self.0[1..].iter().any(|w| *w != 0)
    }
}

/// A doc's ASCII words: its mask's, and the first characters of its names.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
pub struct Ascii {
    /// The ASCII word of the union of its fields' masks.
    pub mask: u64,
    /// `head_bit` of the first character of each of its names fields. A term whose first
    /// character's bit is not among them cannot match any name at its start, which bounds its
    /// score in the doc without reading a field (`engine`).
    pub heads: u64,
    /// The union of its fields' ASCII words, except that a full pinyin field gives its syllable
    /// heads instead (`Field::heads`). A term of one letter or digit, of either case, matches in
    /// the doc exactly when its bit is here: the same test `engine::bound::field_bound` makes field by
    /// field.
    pub single: u64,
    /// `head_bit` of every character of its names fields that the matcher gives a position bonus
    /// (a word head, after a separator, a camel-case hump, a field's start). A term character
    /// whose bit is not here gets no such bonus in any name, which bounds its score tighter
    /// than `heads` alone (`engine`).
    pub words: u64,
}

/// Doc masks, stored apart from the docs, ASCII words and wide words in separate arrays: pass 1
/// tests a mask for every doc, and most queries are ASCII, so it reads 16 bytes per doc.
#[derive(Default)]
pub struct Masks {
    pub(super) ascii: Store<Ascii>,
    pub(super) wide: Store<[u64; 3]>,
}

impl Masks {
    /// Doc `i`'s ASCII words.
    #[inline]
    pub fn ascii(&self, i: u32) -> &Ascii {
        &self.ascii[i as usize]
    }

    /// Whether entry `i` has every character of `m`; `wide`: whether `m` has non-ASCII ones.
    #[inline]
    pub fn covers(&self, i: u32, m: &Mask, wide: bool) -> bool {
        let i = i as usize;
        if self.ascii[i].mask & m.0[0] != m.0[0] {
            return false;
        }
        !wide || {
            let w = &self.wide[i];
            (0..3).all(|k| w[k] & m.0[k + 1] == m.0[k + 1])
        }
    }
}

/// One searchable text of a record. Plain data (`repr(C)`, no padding, every bit pattern
/// valid), so that a saved index can be used straight from its file (`saved`); the enums are
/// stored as numbers and read back through `tier()`, `name()` and `first()`.
#[repr(C)]
#[derive(Clone, Copy, Debug, bytemuck::Pod, bytemuck::Zeroable)]
pub struct Field {
    /// The ASCII word of its mask; the wide words are in `Index::field_wide`. Here, so that
    /// testing a field touches one cache line.
    pub mask: u64,
    /// Full pinyin fields only: the mask bits of the characters that start a syllable or word,
    /// where a pinyin match must start. Zero for other fields.
    pub heads: u64,
    /// Full pinyin fields only: `pinyin::start_bits` of the text, so that matching need not
    /// work out syllable starts on every keystroke. Zero for other fields.
    pub starts: u64,
    pub start: u32,
    pub len: u32,
    /// The first character (as a number), so checks on the start of a field need not decode
    /// its text.
    first: u32,
    tier: u8,
    name: u8,
    /// For pinyin fields: the field (index within its doc) whose text was romanized.
    pub of: u8,
    _pad: u8,
}

impl Field {
    #[inline]
    pub fn tier(&self) -> Tier {
        Tier::ALL.get(self.tier as usize).copied().unwrap_or(Tier::Other)
    }

    #[inline]
    pub fn name(&self) -> FieldName {
        FieldName::ALL
            .get(self.name as usize)
            .copied()
            .unwrap_or(FieldName::Summary)
    }

    #[inline]
    pub fn first(&self) -> char {
        char::from_u32(self.first).unwrap_or('\0')
    }
}

/// One record: its kind and index in the KB, and its fields (ranges of `Index::fields`). Plain
/// data, like `Field`.
#[repr(C)]
#[derive(Clone, Copy, Debug, bytemuck::Pod, bytemuck::Zeroable)]
pub struct Doc {
    pub index: u32,
    /// Its names, aliases and their pinyin: start and end (absolute field indices).
    names: [u32; 2],
    /// Its other fields.
    others: [u32; 2],
    kind: u32,
}

impl Doc {
    fn new(kind: Kind, index: u32, names: Range<u32>, others: Range<u32>) -> Doc {
        Doc {
            index,
            names: [names.start, names.end],
            others: [others.start, others.end],
            kind: kind as u32,
        }
    }

    #[inline]
    pub fn kind(&self) -> Kind {
        Kind::ALL.get(self.kind as usize).copied().unwrap_or(Kind::Source)
    }

    /// Its names, aliases and their pinyin (absolute field indices).
    #[inline]
    pub fn names(&self) -> Range<u32> {
        self.names[0]..self.names[1]
    }

    /// Its other fields.
    #[inline]
    pub fn others(&self) -> Range<u32> {
        self.others[0]..self.others[1]
    }

    /// All its fields: names first.
    pub fn fields(&self) -> impl Iterator<Item = u32> + use<> {
        self.names().chain(self.others())
    }
}

/// The text of all fields.
pub(super) enum Arena {
    Built(String),
    /// From a saved index (read into memory and checksummed, but not trusted to be UTF-8 at
    /// field boundaries), so each field's text is checked as it is read.
    Saved(Vec<u8>),
}

/// The index over one KB. Built once per KB (`Index::build`), or read from a file where it was
/// saved (`saved::open`); shared read-only across threads.
///
/// The name fields of all docs come first, then all other fields, each part with its text
/// contiguous: a search reads names for every candidate and other fields rarely, so this keeps
/// what it reads dense.
pub struct Index {
    pub kb: Arc<Kb>,
    pub(super) arena: Arena,
    pub fields: Store<Field>,
    /// One per field: the wide words of its mask.
    pub(super) field_wide: Store<[u64; 3]>,
    pub docs: Store<Doc>,
    /// One per doc: the union of its fields' masks.
    pub doc_masks: Masks,
    /// Docs of each kind are contiguous: `by_kind[kind]` is their range.
    pub by_kind: PerKind<Range<u32>>,
    /// Per pair of letters, the docs where it matches as a term.
    pub pairs: Pairs,
    /// Which wide mask bits the characters of this index set.
    pub chars: CharBits,
}

mod build;
pub(in crate::search) use build::Indexed;

impl Index {
    /// Whether field `i` (which is `f`) has every character of `m`; `wide`: whether `m` has
    /// non-ASCII ones.
    #[inline]
    pub fn covers(&self, i: u32, f: &Field, m: &Mask, wide: bool) -> bool {
        f.mask & m.0[0] == m.0[0]
            && (!wide || {
                let w = &self.field_wide[i as usize];
                (0..3).all(|k| w[k] & m.0[k + 1] == m.0[k + 1])
            })
    }

    /// A field's text. From a saved index that turns out damaged (a range outside the text, or
    /// not UTF-8), empty: wrong results, but never a panic.
    #[inline]
    pub fn text(&self, f: &Field) -> &str {
        let range = f.start as usize..f.start as usize + f.len as usize;
        match &self.arena {
            Arena::Built(s) => &s[range],
            Arena::Saved(b) => b
                .get(range)
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default(),
        }
    }

    /// The doc of a record, by kind and index in its kind's list.
    pub fn doc_of(&self, kind: Kind, index: usize) -> Option<u32> {
        let r = &self.by_kind[kind];
        let d = r.start + index as u32;
        (d < r.end).then_some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::build::BUILD_CHUNK;
    use super::*;

    #[test]
    fn every_record_is_a_doc_with_names_first() {
        let kb = Arc::new(crate::kb::load_builtin().kb);
        let ix = Index::build(kb.clone());
        let all: usize = Kind::ALL.iter().map(|&k| kb.count(k)).sum();
        assert!(
            kb.reports.len() + kb.facts.len() > 0,
            "the built-in KB has reports and facts"
        );
        assert_eq!(ix.docs.len(), all);
        let chu = &ix.docs[ix
            .doc_of(Kind::Executive, kb.lookup("chu-ruisong").unwrap().1)
            .unwrap() as usize];
        let fields: Vec<&Field> = chu.fields().map(|i| &ix.fields[i as usize]).collect();
        let texts: Vec<(&str, FieldName)> = fields.iter().map(|f| (ix.text(f), f.name())).collect();
        assert_eq!(texts[0], ("储瑞松", FieldName::Name));
        assert!(texts.contains(&("crs", FieldName::Initials)), "{texts:?}");
        let mut tiers: Vec<Tier> = fields.iter().map(|f| f.tier()).collect();
        let sorted = {
            tiers.sort();
            tiers.clone()
        };
        assert_eq!(fields.iter().map(|f| f.tier()).collect::<Vec<_>>(), sorted);
        for d in ix.docs.iter() {
            for i in d.fields() {
                let f = &ix.fields[i as usize];
                assert_eq!(f.tier() < Tier::Other, d.names().contains(&i), "{}", ix.text(f));
            }
        }
    }

    type Contents<'a> = Vec<(Kind, u32, Vec<(FieldName, Tier, &'a str, u64)>)>;

    /// Every doc as (kind, index, [(field name, tier, text, ASCII mask)]).
    fn contents(ix: &Index) -> Contents<'_> {
        ix.docs
            .iter()
            .map(|d| {
                let fields = d
                    .fields()
                    .map(|i| {
                        let f = &ix.fields[i as usize];
                        (f.name(), f.tier(), ix.text(f), f.mask)
                    })
                    .collect();
                (d.kind(), d.index, fields)
            })
            .collect()
    }

    #[test]
    fn a_parallel_build_equals_a_sequential_one() {
        // Several units of work per kind, taken by two threads in whatever order.
        let kb = Arc::new(crate::synth::kb(3 * BUILD_CHUNK, 7));
        let (one, two) = (Index::build_on(kb.clone(), 1), Index::build_on(kb.clone(), 2));
        assert_eq!(contents(&one), contents(&two));
        assert_eq!(one.chars, two.chars);
        assert_eq!(one.field_wide, two.field_wide);
        assert_eq!(one.doc_masks.wide, two.doc_masks.wide);
        assert_eq!(one.by_kind, two.by_kind);
        for kind in Kind::ALL {
            let r = &two.by_kind[kind];
            assert_eq!(r.len(), kb.count(kind));
            assert!(
                two.docs[r.start as usize..r.end as usize]
                    .iter()
                    .all(|d| d.kind() == kind)
            );
        }
        // Names of all docs first, then the rest.
        let names_end = two.docs.iter().map(|d| d.names().end).max().unwrap();
        assert!(
            two.docs
                .iter()
                .all(|d| d.others().start >= names_end || d.others().is_empty())
        );
    }

    #[test]
    fn stored_enums_read_back() {
        // `Field` and `Doc` keep their enums as numbers and read them back by position in `ALL`.
        for (i, t) in Tier::ALL.iter().enumerate() {
            assert_eq!(*t as usize, i);
        }
        for (i, n) in FieldName::ALL.iter().enumerate() {
            assert_eq!(*n as usize, i);
        }
        for (i, k) in Kind::ALL.iter().enumerate() {
            assert_eq!(*k as usize, i);
        }
        let kb = Arc::new(crate::synth::kb(300, 3));
        let ix = Index::build(kb);
        assert!(
            ix.fields
                .iter()
                .any(|f| f.name() == FieldName::Initials && f.tier() == Tier::Pinyin)
        );
        assert!(ix.docs.iter().any(|d| d.kind() == Kind::Series));
        assert_eq!(std::mem::size_of::<Field>(), 40);
    }

    /// A synthetic KB with `extra` distinct CJK characters more, each once in a vendor name, so
    /// each is rarer than any the KB has already.
    fn kb_with_extra(records: usize, extra: usize) -> Arc<Kb> {
        let mut kb = crate::synth::kb(records, 3);
        let n = kb.vendors.len();
        for i in 0..extra {
            kb.vendors[i % n]
                .name
                .push(char::from_u32(0x6000 + i as u32).unwrap());
        }
        Arc::new(kb)
    }

    /// The most frequent non-ASCII characters get mask bits of their own (all of them when there
    /// are fewer than 192), and masks say exactly which fields and docs have those; every mask
    /// covers its text whatever bits its characters have.
    #[test]
    fn frequent_characters_get_bits_of_their_own() {
        let roomy = Index::build(kb_with_extra(600, 0));
        let crowded = Index::build_on(kb_with_extra(600, 150), 2);
        assert!(
            (40..192).contains(&roomy.chars.own().len()),
            "{}",
            roomy.chars.own().len()
        );
        assert_eq!(crowded.chars.own().len(), OWN_WHEN_CROWDED);
        for ix in [&roomy, &crowded] {
            let mut count = std::collections::HashMap::<char, usize>::new();
            for (d, doc) in ix.docs.iter().enumerate() {
                let mut union = [0u64; 3];
                for i in doc.fields() {
                    let (text, w) = (ix.text(&ix.fields[i as usize]), ix.field_wide[i as usize]);
                    for c in text.chars().filter(|c| !c.is_ascii()) {
                        let (k, b, _) = ix.chars.wide_bit(c);
                        assert!(w[k] & b != 0, "{text:?} lacks the bit of {c}");
                        *count.entry(c).or_default() += 1;
                    }
                    for &c in ix.chars.own() {
                        let (k, b, own) = ix.chars.wide_bit(c);
                        assert!(own);
                        assert_eq!(w[k] & b != 0, text.contains(c), "{c} in {text:?}");
                    }
                    (0..3).for_each(|k| union[k] |= w[k]);
                }
                assert_eq!(ix.doc_masks.wide[d], union);
            }
            // None left out occurs more often than one given its own bit.
            let own = ix.chars.own();
            let least = own.iter().map(|c| count[c]).min().unwrap();
            let most_left = count.iter().filter(|(c, _)| !own.contains(c)).map(|e| *e.1).max();
            assert!(most_left.is_none_or(|m| m <= least), "{most_left:?} > {least}");
            assert_eq!(std::ptr::eq(ix, &roomy), most_left.is_none());
        }
    }

    #[test]
    fn character_bits_from_a_saved_list_are_checked() {
        assert!(CharBits::from_own(vec!['云', '阿']).is_some());
        assert!(CharBits::from_own(vec!['云', '云']).is_none(), "twice");
        assert!(CharBits::from_own(vec!['a']).is_none(), "ASCII");
        assert!(CharBits::from_own(vec!['😀']).is_none(), "outside the BMP");
        let many: Vec<char> = (0..WIDE_BITS as u32)
            .map(|i| char::from_u32(0x4E00 + i).unwrap())
            .collect();
        assert!(CharBits::from_own(many[..WIDE_BITS - 1].to_vec()).is_some());
        assert!(CharBits::from_own(many).is_none(), "no bit left to share");
    }

    #[test]
    fn masks_cover_their_text() {
        let bits = CharBits::default();
        let m = bits.mask("阿里云 Cloud");
        assert!(m.covers(&bits.mask("cl")) && m.covers(&bits.mask("CL")) && m.covers(&bits.mask("云")));
        assert!(!m.covers(&bits.mask("x")));
    }
}
