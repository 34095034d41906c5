//! "Mentioned in": which records' text names which other records, by name or alias. 储瑞松's
//! detail lists the deals and vendors whose summaries name him. [`find`] works on numbered names
//! and texts; [`Mentions`] is the index of a whole KB, built off the UI thread (the explorer) or
//! when first asked (`export --record`), and kept in the KB (`Kb::mentions`).
//!
//! Matching: every name and alias of at least [`MIN_CJK`] CJK characters or [`MIN_LATIN`] other
//! characters is a pattern; texts are scanned once with Aho–Corasick, leftmost-longest, as a
//! tokenizer would: at each place the longest name wins and what it covers is not read again, so
//! `阿里云` names 阿里云 only, never also 阿里巴巴 by its alias `阿里` (which still links where it
//! stands alone: `腾讯、阿里、微博`). A latin name must stand as a word (not inside a longer run of
//! letters or digits: `AWS` in `AWS's`, not in `LAWSON`); where the longest name does not, the
//! longest shorter one starting there that does counts (`Google` in `Google Clouds`). CJK has no
//! word breaks, so a CJK name matches anywhere. Case is ignored for latin. A record never
//! mentions itself.
//!
//! Bounded on big KBs: the index keeps, per distinct name, the sorted numbers of the records
//! whose text names it (`u32`s), not one list per (name, owner) pair, so a name shared by many
//! records costs once; a name found in more than [`MAX_LISTED`] records keeps only its count
//! (the detail says "named in 12,000 records; not listed"). Records name, and are named by:
//! [`names_of`] and [`texts_of`], one exhaustive `match` each over the kinds.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Anchored, Input, Match, MatchKind, StartKind};

use super::{Kb, Kind};

/// Names shorter than this (in CJK characters) are too ambiguous to link (`云`).
pub const MIN_CJK: usize = 2;
/// Names without CJK shorter than this are too ambiguous to link (`AI`, `T3`).
pub const MIN_LATIN: usize = 3;

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// Whether `name` is specific enough to link on.
pub fn linkable(name: &str) -> bool {
    let name = name.trim();
    let cjk = name.chars().filter(|c| is_cjk(*c)).count();
    if cjk > 0 {
        cjk >= MIN_CJK
    } else {
        name.chars().filter(|c| c.is_alphanumeric()).count() >= MIN_LATIN
    }
}

/// The one automaton both [`find`] and [`Mentions::build`] scan with: leftmost-longest, so
/// `阿里巴巴` wins over `阿里`. Patterns are given ASCII-lowercased and texts are lowercased as
/// they are scanned (same byte offsets): the crate's case-insensitive mode made the build of
/// 37k names (the 100k synthetic KB) about twice as slow.
struct Automaton {
    ac: AhoCorasick,
}

impl Automaton {
    /// `patterns`, already ASCII-lowercased, numbered by their position.
    fn new(patterns: &[&str]) -> Automaton {
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
            // Anchored too, for the shorter names where the longest does not stand alone.
            .start_kind(StartKind::Both)
            .build(patterns)
            .expect("patterns of bounded size build");
        Automaton { ac }
    }

    /// The number of every name `text` holds standing alone (see [`stands_alone`]), in order,
    /// read as a tokenizer would: at each place the longest name that stands alone there wins,
    /// and what it covers is not looked at again (`阿里云` names 阿里云, never also the record
    /// aliased `阿里`). Where the longest name does not stand alone (`Google Cloud` in `Google
    /// Clouds`), the longest shorter one starting there that does is taken (`Google`); where none
    /// does, the scan goes on from the next character. `buf` is scratch space for the lowercased
    /// text.
    fn scan(&self, text: &str, buf: &mut String, mut f: impl FnMut(u32)) {
        buf.clear();
        buf.push_str(text);
        buf.make_ascii_lowercase();
        let hay = buf.as_str();
        let mut at = 0;
        while let Some(m) = self.ac.find(Input::new(hay).range(at..)) {
            match self.standing(hay, m) {
                Some(m) => {
                    f(m.pattern().as_u32());
                    at = m.end();
                }
                None => at = m.start() + hay[m.start()..].chars().next().map_or(1, char::len_utf8),
            }
        }
    }

    /// `m`, or the longest shorter name starting where it starts, that stands alone.
    fn standing(&self, hay: &str, mut m: Match) -> Option<Match> {
        while !stands_alone(hay, &m) {
            // Shorter by at least one character: `m.end() - 1` may fall inside a character,
            // where no name (whole characters) can end.
            let input = Input::new(hay)
                .range(m.start()..m.end() - 1)
                .anchored(Anchored::Yes);
            m = self.ac.find(input)?;
        }
        Some(m)
    }
}

/// Whether a match is a name standing alone: a latin end of it must not run on into more
/// letters or digits (`AWS` in `AWS's`, not in `LAWSON`); a CJK end may touch anything.
fn stands_alone(text: &str, m: &Match) -> bool {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() && !is_cjk(c));
    let found = &text[m.start()..m.end()];
    let first_latin = found.chars().next().is_some_and(|c| !is_cjk(c));
    let last_latin = found.chars().next_back().is_some_and(|c| !is_cjk(c));
    !((first_latin && word(text[..m.start()].chars().next_back()))
        || (last_latin && word(text[m.end()..].chars().next())))
}

/// Every `(text owner, named record)` pair, sorted and without repeats or self-mentions.
/// `names` gives each record's names and aliases; `texts` each record's free text (summary, notes,
/// title, quotes), any number of texts per record.
pub fn find<'a>(
    names: impl IntoIterator<Item = (u32, &'a str)>,
    texts: impl IntoIterator<Item = (u32, &'a str)>,
) -> Vec<(u32, u32)> {
    let mut patterns: Vec<&str> = Vec::new();
    let mut owners: Vec<u32> = Vec::new();
    for (rec, name) in names {
        let name = name.trim();
        if linkable(name) {
            patterns.push(name);
            owners.push(rec);
        }
    }
    if patterns.is_empty() {
        return Vec::new();
    }
    // One pattern may name several records (two vendors both aliased `Azure`): keep every owner.
    let mut order: Vec<usize> = (0..patterns.len()).collect();
    order.sort_by_cached_key(|&i| patterns[i].to_ascii_lowercase());
    let mut uniq: Vec<String> = Vec::new();
    let mut owners_of: Vec<Vec<u32>> = Vec::new();
    for i in order {
        let lower = patterns[i].to_ascii_lowercase();
        if uniq.last() == Some(&lower) {
            owners_of.last_mut().expect("a pattern before").push(owners[i]);
        } else {
            uniq.push(lower);
            owners_of.push(vec![owners[i]]);
        }
    }
    let ac = Automaton::new(&uniq.iter().map(String::as_str).collect::<Vec<_>>());
    let mut out = Vec::new();
    let mut buf = String::new();
    for (from, text) in texts {
        ac.scan(text, &mut buf, |p| {
            for &to in &owners_of[p as usize] {
                if to != from {
                    out.push((from, to));
                }
            }
        });
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A name found in more records than this keeps only its count: listing 12,000 records under
/// one vendor would help no one, and their numbers would be most of the index's memory.
pub const MAX_LISTED: usize = 1_000;

/// Records per unit of work when texts are scanned on several threads.
const UNIT: usize = 2_048;

/// The names other records' text may name record `i` of `kind` by: a vendor's name, English
/// name and aliases, a person's names, a report's title. Deal and source titles, series names
/// and fact texts are sentences, not names: their records are never named, only naming.
pub fn names_of<'k>(kb: &'k Kb, kind: Kind, i: usize, f: &mut dyn FnMut(&'k str)) {
    match kind {
        Kind::Vendor => {
            let Some(v) = kb.vendors.get(i) else { return };
            f(&v.name);
            v.name_en.as_deref().into_iter().for_each(&mut *f);
            v.aliases.iter().for_each(|a| f(a));
        }
        Kind::Executive => {
            let Some(e) = kb.executives.get(i) else { return };
            f(&e.name);
            e.name_en.as_deref().into_iter().for_each(&mut *f);
        }
        Kind::Report => {
            if let Some(t) = kb.reports.get(i).and_then(|r| r.title.as_deref()) {
                f(t);
            }
        }
        Kind::Source | Kind::Deal | Kind::Series | Kind::Fact => {}
    }
}

/// The free text of record `i` of `kind` that may name other records: titles, summaries,
/// notes and quotes (a fact's text too).
pub fn texts_of<'k>(kb: &'k Kb, kind: Kind, i: usize, f: &mut dyn FnMut(&'k str)) {
    let mut opt = |t: &'k Option<String>| t.as_deref().into_iter().for_each(&mut *f);
    match kind {
        Kind::Source => {
            let Some(s) = kb.sources.get(i) else { return };
            opt(&s.summary);
            f(&s.title);
        }
        Kind::Vendor => {
            let Some(v) = kb.vendors.get(i) else { return };
            opt(&v.summary);
            opt(&v.quote);
        }
        Kind::Executive => {
            let Some(e) = kb.executives.get(i) else { return };
            opt(&e.summary);
            opt(&e.quote);
            for m in &e.career {
                opt(&m.note);
                opt(&m.quote);
            }
        }
        Kind::Deal => {
            let Some(d) = kb.deals.get(i) else { return };
            opt(&d.summary);
            opt(&d.quote);
            f(&d.title);
        }
        Kind::Series => {
            let Some(s) = kb.series.get(i) else { return };
            opt(&s.summary);
            for p in &s.points {
                opt(&p.note);
                opt(&p.quote);
            }
        }
        Kind::Report => {
            let Some(r) = kb.reports.get(i) else { return };
            opt(&r.title);
            opt(&r.summary);
            opt(&r.quote);
        }
        Kind::Fact => {
            let Some(x) = kb.facts.get(i) else { return };
            opt(&x.note);
            opt(&x.quote);
            f(&x.text);
        }
    }
}

/// Whether record `i` of `kind` has a name that other records' text could name it by (so that
/// its detail has a "Mentioned in" section to fill).
pub fn has_names(kb: &Kb, kind: Kind, i: usize) -> bool {
    let mut any = false;
    names_of(kb, kind, i, &mut |n| any |= linkable(n));
    any
}

/// Lists in one array: list `i` is `items[at[i]..at[i + 1]]`.
#[derive(Clone, Default)]
struct Lists {
    at: Vec<u32>,
    items: Vec<u32>,
}

impl Lists {
    fn get(&self, i: usize) -> &[u32] {
        match (self.at.get(i), self.at.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.items[a as usize..b as usize],
            _ => &[],
        }
    }

    fn bytes(&self) -> usize {
        (self.at.capacity() + self.items.capacity()) * 4
    }
}

/// Which records' text names which records, for a whole KB. Records are numbered kind by kind
/// in [`Kind::ALL`] order; everything is `u32` numbers in shared arrays.
#[derive(Clone, Default)]
pub struct Mentions {
    /// The number of each kind's first record, in [`Kind::ALL`] order, then the total.
    base: [u32; Kind::COUNT + 1],
    /// Per record: its distinct names, as name numbers.
    names: Lists,
    /// Per name: its text (as first written), end offsets into `text`.
    text: String,
    text_end: Vec<u32>,
    /// Per name: how many records' text names it.
    count: Vec<u32>,
    /// Per name: those records, in order; empty for a name found in more than [`MAX_LISTED`].
    named_by: Lists,
}

impl std::fmt::Debug for Mentions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mentions")
            .field("names", &self.count.len())
            .field("listed", &self.named_by.items.len())
            .field("bytes", &self.bytes())
            .finish()
    }
}

/// What [`Mentions::of`] knows of one record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Named {
    /// The records whose text names it, in kind order then KB order.
    pub by: Vec<(Kind, usize)>,
    /// Its names found in more than [`MAX_LISTED`] records: (name, in how many records).
    pub too_common: Vec<(String, usize)>,
}

impl Mentions {
    /// Build the index of `kb`. `cancelled` is asked now and then; `None` once it says yes (a
    /// newer KB replaced this one).
    pub fn build(kb: &Kb, cancelled: &(dyn Fn() -> bool + Sync)) -> Option<Mentions> {
        let mut base = [0u32; Kind::COUNT + 1];
        for (k, kind) in Kind::ALL.into_iter().enumerate() {
            base[k + 1] = base[k] + kb.count(kind) as u32;
        }
        // Distinct names (ASCII case ignored, as the automaton ignores it), numbered as met.
        let mut ids: foldhash::HashMap<String, u32> = Default::default();
        // As first written (shown), and lowercased (scanned for).
        let mut patterns: Vec<&str> = Vec::new();
        let mut lower: Vec<String> = Vec::new();
        let mut names = Lists {
            at: Vec::with_capacity(base[Kind::COUNT] as usize + 1),
            items: Vec::new(),
        };
        names.at.push(0);
        for kind in Kind::ALL {
            for i in 0..kb.count(kind) {
                let start = names.items.len();
                names_of(kb, kind, i, &mut |n| {
                    let n = n.trim();
                    if !linkable(n) {
                        return;
                    }
                    let next = patterns.len() as u32;
                    let key = n.to_ascii_lowercase();
                    let id = match ids.get(&key) {
                        Some(&id) => id,
                        None => {
                            ids.insert(key.clone(), next);
                            patterns.push(n);
                            lower.push(key);
                            next
                        }
                    };
                    if !names.items[start..].contains(&id) {
                        names.items.push(id);
                    }
                });
                names.at.push(names.items.len() as u32);
            }
        }
        drop(ids);
        let mut m = Mentions {
            base,
            names,
            text: patterns.concat(),
            text_end: patterns
                .iter()
                .scan(0u32, |end, p| {
                    *end += p.len() as u32;
                    Some(*end)
                })
                .collect(),
            count: vec![0; patterns.len()],
            named_by: Lists::default(),
        };
        if patterns.is_empty() {
            m.named_by.at = vec![0; 1];
            return Some(m);
        }
        let ac = Automaton::new(&lower.iter().map(String::as_str).collect::<Vec<_>>());
        drop(lower);
        // Scan every record's texts, a unit of records at a time on every core: (name, record)
        // pairs, each once, in record order within a unit.
        let total = base[Kind::COUNT] as usize;
        let units: Vec<usize> = (0..total.div_ceil(UNIT)).collect();
        let scan = |&u: &usize| -> Option<Vec<(u32, u32)>> {
            if cancelled() {
                return None;
            }
            let mut pairs = Vec::new();
            let mut found: Vec<u32> = Vec::new();
            let mut buf = String::new();
            for g in u * UNIT..((u + 1) * UNIT).min(total) {
                let (kind, i) = m.record(g as u32);
                found.clear();
                // A record's own name in its text is kept here (another record may share the
                // name) and left out when its own mentions are read (`of`).
                texts_of(kb, kind, i, &mut |t| ac.scan(t, &mut buf, |p| found.push(p)));
                found.sort_unstable();
                found.dedup();
                pairs.extend(found.iter().map(|&p| (p, g as u32)));
            }
            Some(pairs)
        };
        let parts = crate::par::map_units(&units, crate::par::cores(), scan)?;
        // Counting sort by name; records stay in order within a name (units are in order).
        for &(p, _) in parts.iter().flatten() {
            m.count[p as usize] += 1;
        }
        let listed = |c: u32| if c as usize > MAX_LISTED { 0 } else { c };
        let mut at = Vec::with_capacity(patterns.len() + 1);
        at.push(0u32);
        for &c in &m.count {
            at.push(at.last().copied().unwrap_or(0) + listed(c));
        }
        let mut items = vec![0u32; at.last().copied().unwrap_or(0) as usize];
        let mut next = at.clone();
        for &(p, g) in parts.iter().flatten() {
            let p = p as usize;
            if listed(m.count[p]) > 0 {
                items[next[p] as usize] = g;
                next[p] += 1;
            }
        }
        m.named_by = Lists { at, items };
        Some(m)
    }

    /// The kind and index of record number `g`.
    fn record(&self, g: u32) -> (Kind, usize) {
        let k = self.base[1..].partition_point(|&b| b <= g).min(Kind::COUNT - 1);
        (Kind::ALL[k], (g - self.base[k]) as usize)
    }

    /// The name numbered `p`.
    fn name(&self, p: usize) -> &str {
        let start = p.checked_sub(1).map_or(0, |q| self.text_end[q] as usize);
        &self.text[start..self.text_end[p] as usize]
    }

    /// The records whose text names record `i` of `kind` (by any of its names), and its names
    /// too common to list.
    pub fn of(&self, kind: Kind, i: usize) -> Named {
        let k = kind as usize;
        let mut out = Named::default();
        if i >= (self.base[k + 1] - self.base[k]) as usize {
            return out;
        }
        let g = self.base[k] as usize + i;
        let mut by: Vec<u32> = Vec::new();
        for &p in self.names.get(g) {
            let p = p as usize;
            if self.count[p] as usize > MAX_LISTED {
                out.too_common
                    .push((self.name(p).to_string(), self.count[p] as usize));
            } else {
                by.extend(self.named_by.get(p).iter().filter(|&&x| x as usize != g));
            }
        }
        by.sort_unstable();
        by.dedup();
        out.by = by.into_iter().map(|g| self.record(g)).collect();
        out
    }

    /// The heap bytes the index holds (for measurements and `Debug`).
    pub fn bytes(&self) -> usize {
        self.names.bytes()
            + self.named_by.bytes()
            + self.text.capacity()
            + (self.text_end.capacity() + self.count.capacity()) * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_link_and_the_longest_name_wins() {
        let names = [
            (0, "阿里云"),
            (0, "阿里"),
            (1, "阿里巴巴"),
            (2, "储瑞松"),
            (3, "AWS"),
        ];
        let texts = [
            (10, "阿里巴巴集团旗下"),
            (11, "储瑞松加入阿里云"),
            (12, "亚马逊AWS的GPU涨价"),
            (2, "储瑞松本人"),
        ];
        assert_eq!(find(names, texts), [(10, 1), (11, 0), (11, 2), (12, 3)]);
    }

    #[test]
    fn a_short_alias_does_not_link_from_inside_a_longer_name_of_another_record() {
        // 阿里 is an alias of 阿里巴巴 (record 0); 阿里云 is another record's name (1).
        let names = [(0, "阿里巴巴"), (0, "阿里"), (1, "阿里云"), (1, "阿里云智能")];
        let texts = [
            (10, "阿里云也在跟进AI算力涨价"),
            (11, "阿里云智能事业群"),
            (12, "阿里巴巴集团CEO宣布"),
            (13, "拿下腾讯、阿里、微博"),
            (14, "阿里对月之暗面的投资反向强化阿里云的业务生态"),
            (15, "阿里云阿里云"),
        ];
        // 10, 11 and 15 name 阿里云 only; 12 names 阿里巴巴; 13 names 阿里 alone; 14 both.
        assert_eq!(
            find(names, texts),
            [(10, 1), (11, 1), (12, 0), (13, 0), (14, 0), (14, 1), (15, 1)]
        );
    }

    #[test]
    fn where_the_longest_name_is_no_word_a_shorter_one_starting_there_may_be() {
        let names = [(0, "Google"), (1, "Google Cloud"), (2, "AWS"), (3, "Cloud9")];
        let texts = [
            (20, "Google Clouds grow"),
            (21, "google cloud grows"),
            (22, "LAWSON, AWSX and AWS"),
            (23, "Google Cloud9x"),
        ];
        // 20: `Google Cloud` runs on into `s`, `Google` stands alone. 21: the longest only.
        // 22: `AWS` inside words twice, then alone. 23: `Google Cloud` and `Cloud9` run on
        // (into `9`, `x`); `Google` stands alone.
        assert_eq!(find(names, texts), [(20, 0), (21, 1), (22, 2), (23, 0)]);
    }

    #[test]
    fn latin_names_stand_as_words_and_ignore_case() {
        let names = [(0, "AWS"), (1, "Azure")];
        let texts = [
            (5, "LAWSON AWSX"),
            (6, "aws's price; on azure."),
            (7, "微软Azure云"),
        ];
        assert_eq!(find(names, texts), [(6, 0), (6, 1), (7, 1)]);
    }

    #[test]
    fn short_names_do_not_link() {
        assert!(!linkable("云") && !linkable("AI") && !linkable("T3") && !linkable(" "));
        assert!(linkable("阿里") && linkable("AWS") && linkable("T3出行"));
        assert!(find([(0, "云"), (1, "AI")], [(5, "云上的AI")]).is_empty());
    }

    #[test]
    fn one_name_of_two_records_links_both_and_nothing_repeats() {
        let names = [(0, "Azure"), (1, "azure")];
        let texts = [(5, "Azure and Azure again")];
        assert_eq!(find(names, texts), [(5, 0), (5, 1)]);
    }

    /// Numbered strings: (record number, text).
    type Numbered<'k> = Vec<(u32, &'k str)>;

    /// Every record's names and texts, numbered as the index numbers records.
    fn numbered(kb: &Kb) -> (Numbered<'_>, Numbered<'_>) {
        let (mut names, mut texts) = (Vec::new(), Vec::new());
        let mut g = 0u32;
        for kind in Kind::ALL {
            for i in 0..kb.count(kind) {
                names_of(kb, kind, i, &mut |n| names.push((g, n)));
                texts_of(kb, kind, i, &mut |t| texts.push((g, t)));
                g += 1;
            }
        }
        (names, texts)
    }

    /// The index's answer for every record, as `find` gives it: (naming record, named record).
    fn pairs_of(kb: &Kb, m: &Mentions) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        let mut g = 0u32;
        let number = |kind: Kind, i: usize| {
            let k = Kind::ALL.iter().position(|x| *x == kind).unwrap();
            Kind::ALL[..k].iter().map(|&x| kb.count(x)).sum::<usize>() as u32 + i as u32
        };
        for kind in Kind::ALL {
            for i in 0..kb.count(kind) {
                let named = m.of(kind, i);
                assert!(named.too_common.is_empty());
                out.extend(named.by.iter().map(|&(k, j)| (number(k, j), g)));
                g += 1;
            }
        }
        out.sort_unstable();
        out
    }

    fn kb_of(toml: &str) -> Kb {
        let l = crate::kb::load::load_bytes("test.toml", toml.as_bytes().to_vec());
        assert!(l.is_ok(), "{}", l.render_diagnostics());
        l.kb
    }

    #[test]
    fn the_index_agrees_with_find_on_the_default_kbs() {
        let mut kbs = vec![crate::kb::load_builtin().kb];
        let v2 = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/kb-v2");
        if v2.is_dir() {
            kbs.push(crate::kb::load_path(&v2).kb);
        }
        for kb in &kbs {
            let m = Mentions::build(kb, &|| false).unwrap();
            let (names, texts) = numbered(kb);
            let expected = find(names, texts);
            assert!(
                expected.len() > 10,
                "the default KB names its records: {expected:?}"
            );
            assert_eq!(pairs_of(kb, &m), expected);
        }
    }

    const FIXTURE: &str = r#"
[[source]]
id = "s"
title = "Notes on Foo Cloud"
publisher = "p"
date = 2025-01-01

[[vendor]]
id = "foo"
name = "Foo Cloud"
aliases = ["FooC", "云"]
summary = "Foo Cloud and FooC name themselves; Bar is a rival."
sources = ["s"]

[[vendor]]
id = "bar"
name = "Bar"
name_en = "帕尔云"
sources = ["s"]

[[executive]]
id = "wang"
name = "王五"
vendor = "bar"
summary = "Left FOOC for 帕尔云; not a foocloud."
sources = ["s"]

[[deal]]
id = "d"
title = "王五 signs"
kind = "order"
vendors = ["bar"]
summary = "A deal with foo cloud, 云 and BarX."
sources = ["s"]
"#;

    #[test]
    fn records_are_named_by_name_alias_and_english_name_and_never_by_themselves() {
        let kb = kb_of(FIXTURE);
        let m = Mentions::build(&kb, &|| false).unwrap();
        let ids = |kind: Kind, id: &str| -> Vec<String> {
            let i = kb.lookup(id).unwrap().1;
            m.of(kind, i)
                .by
                .iter()
                .map(|&(k, j)| kb.id_at(k, j).unwrap().to_string())
                .collect()
        };
        // foo: by the source's title, the executive (alias, any case) and the deal (name, any
        // case); not by its own summary, not by `foocloud` (no word) nor `云` (too short).
        assert_eq!(ids(Kind::Vendor, "foo"), ["s", "wang", "d"]);
        // bar: by foo's summary (a word) and wang's summary (its English name); not by `BarX`.
        assert_eq!(ids(Kind::Vendor, "bar"), ["foo", "wang"]);
        assert_eq!(ids(Kind::Executive, "wang"), ["d"]);
        assert!(ids(Kind::Deal, "d").is_empty(), "a deal's title is not a name");
    }

    #[test]
    fn a_name_in_too_many_records_keeps_only_its_count() {
        let mut toml = FIXTURE.to_string();
        for i in 0..=MAX_LISTED {
            toml.push_str(&format!(
                "\n[[deal]]\nid = \"x{i}\"\ntitle = \"x\"\nkind = \"order\"\nvendors = [\"foo\"]\nsummary = \"Bar wins\"\nsources = [\"s\"]\n"
            ));
        }
        let kb = kb_of(&toml);
        let m = Mentions::build(&kb, &|| false).unwrap();
        let bar = m.of(Kind::Vendor, kb.vendor_index("bar").unwrap());
        // `Bar` is in foo's summary and the 1,001 deals: too common; `帕尔云` is listed.
        assert_eq!(bar.too_common, [("Bar".to_string(), MAX_LISTED + 2)]);
        let wang = (Kind::Executive, kb.lookup("wang").unwrap().1);
        assert_eq!(bar.by, [wang]);
        assert!(m.bytes() < 64 * 1024, "{} bytes", m.bytes());
    }

    const ALIBABA: &str = r#"
[[source]]
id = "s"
title = "来源"
publisher = "p"
date = 2025-01-01

[[vendor]]
id = "alibaba"
name = "阿里巴巴"
aliases = ["阿里"]
summary = "云业务(阿里云)在其内部。"
sources = ["s"]

[[vendor]]
id = "aliyun"
name = "阿里云"
summary = "阿里巴巴的云业务。"
sources = ["s"]

[[deal]]
id = "price"
title = "阿里云跟进AI算力涨价"
kind = "other"
vendors = ["aliyun"]
sources = ["s"]

[[deal]]
id = "orders"
title = "火山引擎拿下腾讯、阿里的订单"
kind = "order"
vendors = ["aliyun"]
sources = ["s"]
"#;

    /// The ids of the records whose text names record `id`.
    fn named_by(kb: &Kb, m: &Mentions, id: &str) -> Vec<String> {
        let (kind, i) = kb.lookup(id).unwrap();
        m.of(kind, i)
            .by
            .iter()
            .map(|&(k, j)| kb.id_at(k, j).unwrap().to_string())
            .collect()
    }

    #[test]
    fn the_index_links_an_alias_alone_not_inside_a_longer_name() {
        let kb = kb_of(ALIBABA);
        let m = Mentions::build(&kb, &|| false).unwrap();
        // 阿里巴巴: by aliyun's summary (its name) and the orders (阿里 alone); not by the
        // price deal nor its own summary's 阿里云.
        assert_eq!(named_by(&kb, &m, "alibaba"), ["aliyun", "orders"]);
        assert_eq!(named_by(&kb, &m, "aliyun"), ["alibaba", "price"]);
    }

    #[test]
    fn in_the_builtin_kb_alibaba_is_named_by_its_names_not_by_aliyun() {
        let kb = crate::kb::load_builtin().kb;
        let m = Mentions::build(&kb, &|| false).unwrap();
        let alibaba = named_by(&kb, &m, "alibaba");
        let aliyun = named_by(&kb, &m, "aliyun");
        // Titled and summarised with 阿里云 only: 阿里云's, not 阿里巴巴's.
        for id in [
            "aliyun-ecs-price-cut-2025",
            "aliyun-ai-compute-price-increase-2025",
        ] {
            assert!(aliyun.iter().any(|x| x == id), "{id} names 阿里云");
            assert!(!alibaba.iter().any(|x| x == id), "{id} names 阿里巴巴");
        }
        // 阿里 alone ("拿下腾讯、阿里、微博"), and 阿里巴巴 by name (aliyun's summary).
        for id in ["volcengine-gpu-orders-2025h1", "aliyun"] {
            assert!(alibaba.iter().any(|x| x == id), "{id} names 阿里巴巴");
        }
    }

    /// Every link of the built-in KB, one `named <- naming` line each (kind:id), for comparing
    /// the links before and after a change to the matching:
    /// `cargo test --lib kb::mentions::tests::print_every_link -- --ignored --nocapture`.
    #[test]
    #[ignore = "prints every link of the built-in KB, for a before/after diff"]
    fn print_every_link_of_the_builtin_kb() {
        let kb = crate::kb::load_builtin().kb;
        let m = Mentions::build(&kb, &|| false).unwrap();
        let name = |k: Kind, i: usize| format!("{k:?}:{}", kb.id_at(k, i).unwrap());
        for kind in Kind::ALL {
            for i in 0..kb.count(kind) {
                for (k, j) in m.of(kind, i).by {
                    println!("LINK {} <- {}", name(kind, i), name(k, j));
                }
            }
        }
    }

    #[test]
    fn a_cancelled_build_stops_and_a_kb_without_names_has_none() {
        let kb = kb_of(FIXTURE);
        assert!(Mentions::build(&kb, &|| true).is_none());
        let empty = Mentions::build(&Kb::default(), &|| false).unwrap();
        assert_eq!(empty.of(Kind::Vendor, 0), Named::default());
        assert!(has_names(&kb, Kind::Vendor, 0) && !has_names(&kb, Kind::Deal, 0));
    }
}
