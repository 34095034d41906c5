//! Letter pairs: for each ordered pair of ASCII letters (x, y), a bitmap over docs of where the
//! two-letter term "xy" matches (any case, not exact), by the same rules as the matcher: x then
//! y later in one field, and in full pinyin x at a syllable start and y right after it or at a
//! later syllable start (`engine::pinyin_subsequence_at`).
//!
//! Why: a two-letter prefix is the second keystroke of most queries and matches a third of a
//! big KB; proving that it does *not* match a doc meant walking every field of it, often to find
//! the letters in the wrong order or in different fields. One bit answers it exactly for a
//! two-letter term, and for a longer term its first two letters must pass the same test, so most
//! docs that cannot match are dropped before any field is read. The cost is 676 bits per doc
//! (about 85 MB for a million records).

use super::index::Store;

/// ASCII letters, case folded.
const LETTERS: usize = 26;
/// Ordered pairs of them.
pub const COUNT: usize = LETTERS * LETTERS;

fn letter(c: char) -> Option<usize> {
    c.is_ascii_alphabetic()
        .then(|| (c.to_ascii_lowercase() as u8 - b'a') as usize)
}

/// The pair number of "xy", when both are ASCII letters.
pub fn pair(x: char, y: char) -> Option<usize> {
    Some(letter(x)? * LETTERS + letter(y)?)
}

/// The pairs that match somewhere in one doc, while it is indexed: for each second letter y,
/// the set of first letters x.
#[derive(Clone, Copy, Default)]
pub struct DocPairs([u32; LETTERS]);

impl DocPairs {
    /// Add the pairs matching in one field's text; `pinyin`: it is full pinyin, where a match
    /// starts at a syllable and each later letter follows the one before or starts a syllable.
    pub fn add_field(&mut self, text: &str, pinyin: bool) {
        // Letters seen so far that can start a match: any for plain text; at a syllable start
        // for pinyin.
        let mut seen = 0u32;
        // Pinyin: the letter at the previous position, if that position starts a syllable.
        let mut prev_start: Option<usize> = None;
        let mut prev: Option<char> = None;
        for c in text.chars() {
            let start = pinyin && super::pinyin::starts_syllable(prev, c);
            if let Some(y) = letter(c) {
                if !pinyin || start {
                    self.0[y] |= seen;
                }
                if let Some(x) = prev_start {
                    self.0[y] |= 1 << x;
                }
                if !pinyin || start {
                    seen |= 1 << y;
                }
            }
            prev_start = letter(c).filter(|_| start);
            prev = Some(c);
        }
    }

    #[cfg(test)]
    fn has(&self, p: usize) -> bool {
        self.0[p % LETTERS] & (1 << (p / LETTERS)) != 0
    }
}

/// The bitmaps: pair-major, `words` words per pair, so a search reads one run of
/// `docs / 8` bytes.
#[derive(Default)]
pub struct Pairs {
    pub(super) words: usize,
    pub(super) bits: Store<u64>,
}

/// Words per pair for `docs` docs.
pub fn words_for(docs: usize) -> usize {
    docs.div_ceil(64)
}

impl Pairs {
    /// Room for `docs` docs, none matching yet.
    pub fn with_docs(docs: usize) -> Pairs {
        let words = words_for(docs);
        Pairs {
            words,
            bits: vec![0; words * COUNT].into(),
        }
    }

    /// Whether pair `p` matches in doc `d`.
    #[inline]
    pub fn has(&self, p: usize, d: u32) -> bool {
        let d = d as usize;
        self.bits
            .get(p * self.words + d / 64)
            .is_some_and(|w| w & (1 << (d % 64)) != 0)
    }

    /// Record doc `d`'s pairs.
    pub fn set(&mut self, d: u32, pairs: &DocPairs) {
        let (d, words) = (d as usize, self.words);
        let bits = self.bits.to_mut();
        for (y, &xs) in pairs.0.iter().enumerate() {
            let mut xs = xs;
            while xs != 0 {
                let x = xs.trailing_zeros() as usize;
                xs &= xs - 1;
                bits[(x * LETTERS + y) * words + d / 64] |= 1 << (d % 64);
            }
        }
    }

    /// Copy `part` (the pairs of docs `0..`) in at doc `base`.
    pub fn put(&mut self, base: usize, part: &Pairs) {
        let (words, shift) = (self.words, base % 64);
        let bits = self.bits.to_mut();
        for p in 0..COUNT {
            let to = &mut bits[p * words..(p + 1) * words];
            let from = &part.bits[p * part.words..(p + 1) * part.words];
            for (w, &v) in from.iter().enumerate() {
                if v == 0 {
                    continue;
                }
                let at = base / 64 + w;
                to[at] |= v << shift;
                if shift > 0 && at + 1 < words {
                    to[at + 1] |= v >> (64 - shift);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs_of(text: &str, pinyin: bool) -> Vec<String> {
        let mut d = DocPairs::default();
        d.add_field(text, pinyin);
        (0..COUNT)
            .filter(|&p| d.has(p))
            .map(|p| {
                let c = |i: usize| (b'a' + i as u8) as char;
                format!("{}{}", c(p / LETTERS), c(p % LETTERS))
            })
            .collect()
    }

    #[test]
    fn plain_text_has_every_ordered_pair() {
        assert_eq!(pairs_of("aBa", false), ["aa", "ab", "ba"]);
        assert_eq!(pairs_of("a 云 b1", false), ["ab"]);
        assert!(pairs_of("x", false).is_empty());
    }

    #[test]
    fn pinyin_pairs_start_at_a_syllable() {
        // Syllables Huo, Shan: h and s start them; "uo" follows h's syllable start, not its own.
        let p = pairs_of("HuoShan", true);
        for want in ["hu", "hs", "sh"] {
            assert!(p.contains(&want.to_string()), "{want} in {p:?}");
        }
        for not in ["uo", "us", "oa", "ha", "sa"] {
            assert!(!p.contains(&not.to_string()), "{not} in {p:?}");
        }
    }

    #[test]
    fn parts_land_at_any_offset() {
        let mut one = DocPairs::default();
        one.add_field("ab", false);
        for base in [0usize, 1, 63, 64, 65, 130] {
            let mut part = Pairs::with_docs(70);
            part.set(0, &one);
            part.set(69, &one);
            let mut all = Pairs::with_docs(base + 70);
            all.put(base, &part);
            let p = pair('a', 'b').unwrap();
            let set: Vec<u32> = (0..(base + 70) as u32).filter(|&d| all.has(p, d)).collect();
            assert_eq!(set, [base as u32, base as u32 + 69], "base {base}");
            assert!(!(0..(base + 70) as u32).any(|d| all.has(pair('b', 'a').unwrap(), d)));
        }
    }
}
