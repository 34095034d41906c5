//! Quotes checked against the archived text of the articles they cite.
//!
//! A `[[source]]` may name its archived text: `archive = "archive/leiphone-2025-09-11.txt"`,
//! relative to the KB (the folder given to `--kb`, or the folder of a one-file KB). `check` then
//! verifies that every quote citing that source occurs in it, under one rule, [`normalize`]:
//!
//! - white space of any kind (spaces, tabs, line breaks, the ideographic space `　`) and
//!   zero-width characters are ignored: `营收达 635 亿元` matches `营收达635亿元`;
//! - full-width ASCII forms are their half-width letters, digits and marks: `ＡＷＳ` is `AWS`,
//!   `，` is `,`, `：` is `:`, `（）` are `()`;
//! - `。` is `.`, `、` is `,`, curly quotes `“”„` are `"` and `‘’` are `'`, `【】` are `[]`,
//!   dashes `—–－` are `-`, and `…` is `...`.
//!
//! Nothing else is forgiven: a changed character, digit or word is a quote that is not in the
//! article, reported with the nearest passage of the article.

use std::ops::Range;

use super::model::Origin;
use super::validate::Seg;
use super::{Kb, Kind};

/// An article's text, with its normalised form and where each normalised character came from.
#[derive(Clone, Debug)]
pub struct Article {
    pub text: String,
    /// [`normalize`]d text, as characters (for the nearest passage) and as a string (searched with
    /// `str::find`'s two-way algorithm, linear in the article, for every quote of a big KB).
    norm: Vec<char>,
    flat: String,
    /// The byte offset in `flat` of each normalised character.
    starts: Vec<u32>,
    /// For each normalised character, the byte range in `text` it came from (start, end). Offsets
    /// are `u32`: the KB keeps its articles (`Archives`), and a file is never near 4 GiB.
    from: Vec<(u32, u32)>,
}

/// What a character stands for under the quote rule, when it is not itself (white space is
/// dropped before this is asked).
fn fold(c: char) -> Option<&'static str> {
    // Return static strings so multi-character expansions (`…`) need no allocation.
    const ASCII: [&str; 95] = [
        " ", "!", "\"", "#", "$", "%", "&", "'", "(", ")", "*", "+", ",", "-", ".", "/", "0", "1", "2", "3",
        "4", "5", "6", "7", "8", "9", ":", ";", "<", "=", ">", "?", "@", "A", "B", "C", "D", "E", "F", "G",
        "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z", "[",
        "\\", "]", "^", "_", "`", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
        "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z", "{", "|", "}", "~",
    ];
    let ascii = |a: u32| Some(ASCII[(a - 0x20) as usize]);
    match c {
        '\u{FF01}'..='\u{FF5E}' => ascii(c as u32 - 0xFEE0),
        '。' | '｡' => Some("."),
        '、' | '､' => Some(","),
        '“' | '”' | '„' | '‟' | '〝' | '〞' => Some("\""),
        '‘' | '’' | '‚' | '‛' => Some("'"),
        '【' | '〔' => Some("["),
        '】' | '〕' => Some("]"),
        '—' | '–' | '‐' | '‑' | '‒' | '―' | '−' => Some("-"),
        '…' => Some("..."),
        _ => None,
    }
}

/// Each normalised character of `s`, with the byte range of `s` it came from.
fn each_norm(s: &str, mut f: impl FnMut(char, Range<usize>)) {
    for (i, c) in s.char_indices() {
        let range = i..i + c.len_utf8();
        if c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}') {
            continue;
        }
        match fold(c) {
            Some(m) => {
                for d in m.chars() {
                    f(d, range.clone());
                }
            }
            None => f(c, range),
        }
    }
}

/// `s` under the quote rule (module docs): what is compared.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    each_norm(s, |c, _| out.push(c));
    out
}

/// Where a quote that is not in an article comes closest.
#[derive(Clone, Debug, PartialEq)]
pub struct Nearest {
    /// Byte range in the article's text.
    pub range: Range<usize>,
    /// 1-based line of its start.
    pub line: usize,
    /// How much of it matches, 0–1 (normalised Levenshtein over the normalised text).
    pub similarity: f64,
}

impl Article {
    pub fn new(text: String) -> Article {
        let (mut norm, mut from) = (Vec::new(), Vec::new());
        let at = |b: usize| u32::try_from(b).unwrap_or(u32::MAX);
        each_norm(&text, |c, r| {
            norm.push(c);
            from.push((at(r.start), at(r.end)));
        });
        let flat: String = norm.iter().collect();
        let starts = flat.char_indices().map(|(i, _)| at(i)).collect();
        Article {
            text,
            norm,
            flat,
            starts,
            from,
        }
    }

    /// Where (in normalised characters) the normalised quote `q` occurs: each non-overlapping place.
    fn places<'a>(&'a self, q: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.flat
            .match_indices(q)
            .filter_map(|(b, _)| self.starts.binary_search(&u32::try_from(b).ok()?).ok())
    }

    /// The byte range of the first place `quote` occurs (under the rule), if it does.
    pub fn find(&self, quote: &str) -> Option<Range<usize>> {
        let q = normalize(quote);
        if q.is_empty() {
            return None;
        }
        let at = self.places(&q).next()?;
        Some(self.span(at, q.chars().count()))
    }

    /// Every place `quote` occurs (under the rule), for highlighting.
    pub fn find_all(&self, quote: &str) -> Vec<Range<usize>> {
        let q = normalize(quote);
        if q.is_empty() {
            return Vec::new();
        }
        let n = q.chars().count();
        self.places(&q).map(|i| self.span(i, n)).collect()
    }

    /// Normalised characters `at..at + len` as a byte range of the text.
    fn span(&self, at: usize, len: usize) -> Range<usize> {
        let end = (at + len).min(self.from.len());
        match (
            self.from.get(at),
            end.checked_sub(1).and_then(|e| self.from.get(e)),
        ) {
            (Some(a), Some(b)) => (a.0 as usize).min(self.text.len())..(b.1 as usize).min(self.text.len()),
            _ => self.text.len()..self.text.len(),
        }
    }

    /// The passage of the article most like `quote`: windows of the quote's length are ranked by
    /// how many of the quote's letter pairs they hold (one pass over the article), and the best
    /// few are compared exactly. `None` for an empty article or quote.
    pub fn nearest(&self, quote: &str) -> Option<Nearest> {
        let q: Vec<char> = normalize(quote).chars().collect();
        if q.is_empty() || self.norm.is_empty() {
            return None;
        }
        let n = q.len().min(self.norm.len());
        let pairs: std::collections::HashSet<(char, char)> = q.windows(2).map(|w| (w[0], w[1])).collect();
        // hit[i]: the article's pair at i is one of the quote's (a one-letter quote: the letter).
        let hit: Vec<u32> = if q.len() == 1 {
            self.norm.iter().map(|c| u32::from(*c == q[0])).collect()
        } else {
            let mut h: Vec<u32> = self
                .norm
                .windows(2)
                .map(|w| u32::from(pairs.contains(&(w[0], w[1]))))
                .collect();
            h.push(0);
            h
        };
        let mut sum: u32 = hit[..n].iter().sum();
        let mut scored = vec![(sum, 0usize)];
        for i in 1..=self.norm.len() - n {
            sum = sum + hit[i + n - 1] - hit[i - 1];
            scored.push((sum, i));
        }
        // The best few candidates, far enough apart not to be one passage shifted by a letter.
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut picked: Vec<usize> = Vec::new();
        for (_, i) in scored {
            if picked.iter().all(|p| p.abs_diff(i) >= n.div_ceil(2)) {
                picked.push(i);
                if picked.len() == 8 {
                    break;
                }
            }
        }
        // Each candidate is refined: shifted and stretched by a few letters, as a dropped or
        // added letter moves the best passage (longer quotes: shifted only, to bound the work).
        let qs: String = q.iter().collect();
        let slack: isize = if n <= 200 { 2 } else { 0 };
        let len = self.norm.len() as isize;
        let (sim, at, m) = picked
            .into_iter()
            .flat_map(|i| {
                (-2..=2isize)
                    .flat_map(move |d| (-slack..=slack).map(move |dl| (i as isize + d, n as isize + dl)))
            })
            .filter(|&(a, m)| a >= 0 && m > 0 && a + m <= len)
            .map(|(a, m)| {
                let (a, m) = (a as usize, m as usize);
                let w: String = self.norm[a..a + m].iter().collect();
                (strsim::normalized_levenshtein(&qs, &w), a, m)
            })
            .max_by(|x, y| x.0.total_cmp(&y.0).then(y.1.cmp(&x.1)).then(y.2.cmp(&x.2)))?;
        let range = self.span(at, m);
        let line = self.text[..range.start].matches('\n').count() + 1;
        Some(Nearest {
            range,
            line,
            similarity: sim,
        })
    }

    /// The sentence around a byte range, for showing a quote in its context: from the end of the
    /// sentence before (`。！？!?` or a line break) to the end of the one the range ends in,
    /// at most about `max` characters each side of it.
    pub fn context(&self, range: Range<usize>, max: usize) -> Range<usize> {
        let ends = |c: char| matches!(c, '。' | '！' | '？' | '!' | '?' | '\n');
        let text = &self.text;
        let (start, end) = (range.start.min(text.len()), range.end.min(text.len()));
        let mut s = start;
        for (n, (i, c)) in text[..start].char_indices().rev().enumerate() {
            if ends(c) || n >= max {
                break;
            }
            s = i;
        }
        let mut e = end;
        for (n, (i, c)) in text[end..].char_indices().enumerate() {
            if n >= max {
                break;
            }
            e = end + i + c.len_utf8();
            if ends(c) {
                break;
            }
        }
        s..e
    }

    /// The paragraph (line) around a byte range, without its line breaks, at most about `max`
    /// characters each side of it.
    pub fn paragraph(&self, range: Range<usize>, max: usize) -> Range<usize> {
        let text = &self.text;
        let (start, end) = (range.start.min(text.len()), range.end.min(text.len()));
        let mut s = start;
        for (n, (i, c)) in text[..start].char_indices().rev().enumerate() {
            if c == '\n' || n >= max {
                break;
            }
            s = i;
        }
        let mut e = end;
        for (n, (i, c)) in text[end..].char_indices().enumerate() {
            if c == '\n' || n >= max {
                break;
            }
            e = end + i + c.len_utf8();
        }
        s..e
    }

    /// What to show of the article around a byte range: its sentence ([`Article::context`]), or,
    /// when that is shorter than `short` characters, its paragraph ([`Article::paragraph`]);
    /// at most about `max` characters each side. Line breaks inside are the text's own.
    pub fn surrounding(&self, range: Range<usize>, short: usize, max: usize) -> Range<usize> {
        let c = self.context(range.clone(), max);
        if self.text[c.clone()].chars().count() >= short {
            return c;
        }
        let p = self.paragraph(range, max);
        // The paragraph holds the sentence unless a line break ended the sentence inside the range.
        if p.start <= c.start && p.end >= c.end {
            p
        } else {
            c
        }
    }
}

/// A quote in the KB: which record says it, the path of its field, its text and the sources it
/// may come from.
pub struct Quote<'a> {
    pub kind: Kind,
    pub id: &'a str,
    pub origin: &'a Origin,
    /// The field, from the record: `quote`, `points[2].quote`, `career[0].quote`.
    pub path: Vec<Seg>,
    /// A short name of where it is, for messages: `aliyun-revenue 2025-H1`.
    pub what: String,
    pub text: &'a str,
    pub sources: Vec<&'a str>,
}

/// The kinds whose records may hold quotes, in the order [`each_quote`] lists them.
const QUOTING: [Kind; 6] = [
    Kind::Vendor,
    Kind::Executive,
    Kind::Deal,
    Kind::Series,
    Kind::Report,
    Kind::Fact,
];

/// Every quote of the KB, record by record in kind order.
pub fn each_quote<'a>(kb: &'a Kb, mut f: impl FnMut(Quote<'a>)) {
    for kind in QUOTING {
        for i in 0..kb.count(kind) {
            quotes_of(kb, kind, i, &mut f);
        }
    }
}

/// The quotes of one record (record `i` of `kind`): its own, its career moves' or its points'.
/// Nothing for a source, or an index out of range.
pub fn quotes_of<'a>(kb: &'a Kb, kind: Kind, i: usize, f: &mut impl FnMut(Quote<'a>)) {
    use Seg::{Index as I, Key as K};
    let ids = |v: &'a [String]| -> Vec<&'a str> { v.iter().map(String::as_str).collect() };
    let mut one =
        |kind, id: &'a str, origin, path: Vec<Seg>, what: String, q: &'a Option<String>, sources| {
            if let Some(text) = q.as_deref() {
                f(Quote {
                    kind,
                    id,
                    origin,
                    path,
                    what,
                    text,
                    sources,
                })
            }
        };
    match kind {
        Kind::Source => {}
        Kind::Vendor => {
            if let Some(v) = kb.vendors.get(i) {
                one(
                    Kind::Vendor,
                    &v.id,
                    &v.origin,
                    vec![K("quote")],
                    v.id.clone(),
                    &v.quote,
                    ids(&v.sources),
                );
            }
        }
        Kind::Executive => {
            if let Some(e) = kb.executives.get(i) {
                one(
                    Kind::Executive,
                    &e.id,
                    &e.origin,
                    vec![K("quote")],
                    e.id.clone(),
                    &e.quote,
                    ids(&e.sources),
                );
                for (i, m) in e.career.iter().enumerate() {
                    let sources = m.source.as_deref().map_or_else(|| ids(&e.sources), |s| vec![s]);
                    let what = format!("{} career[{i}]", e.id);
                    one(
                        Kind::Executive,
                        &e.id,
                        &e.origin,
                        vec![K("career"), I(i), K("quote")],
                        what,
                        &m.quote,
                        sources,
                    );
                }
            }
        }
        Kind::Deal => {
            if let Some(d) = kb.deals.get(i) {
                one(
                    Kind::Deal,
                    &d.id,
                    &d.origin,
                    vec![K("quote")],
                    d.id.clone(),
                    &d.quote,
                    ids(&d.sources),
                );
            }
        }
        Kind::Series => {
            if let Some(s) = kb.series.get(i) {
                for (i, p) in s.points.iter().enumerate() {
                    let sources = p.source.as_deref().map_or_else(|| ids(&s.sources), |x| vec![x]);
                    let what = format!("{} {}", s.id, p.period);
                    one(
                        Kind::Series,
                        &s.id,
                        &s.origin,
                        vec![K("points"), I(i), K("quote")],
                        what,
                        &p.quote,
                        sources,
                    );
                }
            }
        }
        Kind::Report => {
            if let Some(r) = kb.reports.get(i) {
                one(
                    Kind::Report,
                    &r.id,
                    &r.origin,
                    vec![K("quote")],
                    r.id.clone(),
                    &r.quote,
                    ids(&r.sources),
                );
            }
        }
        Kind::Fact => {
            if let Some(x) = kb.facts.get(i) {
                one(
                    Kind::Fact,
                    &x.id,
                    &x.origin,
                    vec![K("quote")],
                    x.id.clone(),
                    &x.quote,
                    ids(&x.sources),
                );
            }
        }
    }
}

/// The archived articles of a KB's sources, read once when the KB is loaded from a path (the
/// built-in KB has none), by source id; shared, not copied, by every holder of the KB.
#[derive(Clone, Default)]
pub struct Archives(std::sync::Arc<std::collections::HashMap<String, std::sync::Arc<Article>>>);

impl Archives {
    pub fn new(map: std::collections::HashMap<String, std::sync::Arc<Article>>) -> Archives {
        Archives(std::sync::Arc::new(map))
    }

    /// The article of source `id`, if it names one that could be read.
    pub fn get(&self, id: &str) -> Option<&std::sync::Arc<Article>> {
        self.0.get(id)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Archives {
    // The articles' text would drown a KB's debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Archives({} articles)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_ignores_spaces_and_width_not_words() {
        assert_eq!(normalize("营收达 635 亿元"), "营收达635亿元");
        assert_eq!(normalize("ＡＷＳ，“云”：（1）。"), "AWS,\"云\":(1).");
        assert_eq!(normalize("a\u{3000}b\u{200B}c\n d"), "abcd");
        assert_eq!(normalize("一、二…"), "一,二...");
        let a = Article::new("上半年整体营收达 635 亿元，同比增长。\n第二段。".into());
        let r = a.find("营收达635亿元,同比").expect("found under the rule");
        assert_eq!(&a.text[r], "营收达 635 亿元，同比");
        assert_eq!(a.find("营收达636亿元"), None, "a changed digit is not forgiven");
        assert_eq!(a.find(""), None);
        assert_eq!(a.find_all("。").len(), 2);
    }

    #[test]
    fn the_nearest_passage_of_an_altered_quote() {
        let text = "第一段讲别的事情。\n阿里云季度营收突破398亿元，同比增长34%。\n最后一段。";
        let a = Article::new(text.into());
        let n = a.nearest("阿里云季度营收突破389亿元").expect("some passage");
        assert_eq!(&a.text[n.range.clone()], "阿里云季度营收突破398亿元");
        assert_eq!(n.line, 2);
        assert!(n.similarity > 0.8 && n.similarity < 1.0, "{}", n.similarity);
        assert!(Article::new(String::new()).nearest("x").is_none());
        // Longer than the article: the whole article is the nearest it gets.
        let short = Article::new("abc".into());
        assert_eq!(short.nearest("abcdef").map(|n| n.range), Some(0..3));
    }

    #[test]
    fn context_is_the_sentence_around() {
        let a = Article::new("前一句。这里有一个数字398亿元在中间，后面还有。下一句。".into());
        let r = a.find("398亿元").unwrap();
        let c = a.context(r, 200);
        assert_eq!(&a.text[c], "这里有一个数字398亿元在中间，后面还有。");
        let c = a.context(a.find("398亿元").unwrap(), 2);
        assert_eq!(&a.text[c], "数字398亿元在中");
    }

    #[test]
    fn every_quote_of_the_built_in_kb_is_listed_with_its_field() {
        let kb = crate::kb::load_builtin().kb;
        let mut n = 0;
        let mut point = None;
        each_quote(&kb, |q| {
            n += 1;
            if q.what == "aliyun-revenue 2025-H1" {
                point = Some((q.text.to_string(), q.sources.clone(), q.path.len()));
            }
        });
        assert!(n > 300, "{n} quotes");
        let (text, sources, depth) = point.expect("a point's quote is listed");
        assert_eq!(text, "上半年整体营收达 635 亿元");
        assert_eq!(sources, ["leiphone-2025-09-11"]);
        assert_eq!(depth, 3, "points[i].quote");
    }
}
