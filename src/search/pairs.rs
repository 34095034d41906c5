//! Letter pairs: for each ordered pair of ASCII letters (x, y), a bitmap over docs of where the
//! two-letter term "xy" matches (any case, not exact), by the same rules as the matcher (`Rule`):
//! in plain text "xy" contiguous, or x at a word start and y later in its word or at a later
//! word's start; in full pinyin x
//! at a syllable start and y right after it or at the next syllable's start
//! (`engine::matches::pinyin_subsequence_at`); in initials "xy" contiguous.
//!
//! Why: a two-letter prefix is the second keystroke of most queries and matches a third of a
//! big KB; proving that it does *not* match a doc meant walking every field of it, often to find
//! the letters in the wrong order or in different fields. One bit answers it exactly for a
//! two-letter term, and for a longer term its first two letters must pass the same test, so most
//! docs that cannot match are dropped before any field is read. The cost is 676 bits per doc
//! (about 85 MB for a million records).

use super::store::Store;

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

/// How a field's text is matched (`engine::bound::field_bound`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Rule {
    /// "xy" contiguous, or x starts a word and y is later in that word or starts a later one.
    Plain,
    /// Full pinyin: x at a syllable start, y right after it or at the next syllable's start.
    Pinyin,
    /// Pinyin initials: "xy" contiguous.
    Initials,
}

/// The pairs that match somewhere in one doc, while it is indexed: for each second letter y,
/// the set of first letters x.
#[derive(Clone, Copy, Default)]
pub struct DocPairs([u32; LETTERS]);

impl DocPairs {
    /// Add the pairs matching in one field's text, by the matcher's rules for its kind of text
    /// (`engine::bound::field_bound`).
    pub fn add_field(&mut self, text: &str, rule: Rule) {
        // Plain text: letters seen so far at a word start (where a match that is not contiguous
        // must start), and the current word's first letter. Full pinyin: the letter at the last
        // syllable start, when it is one.
        let mut seen = 0u32;
        let mut word_start = 0u32;
        let mut last_start: Option<usize> = None;
        // The letter at the previous position, if a match can start there.
        let mut prev_first: Option<usize> = None;
        let mut prev: Option<char> = None;
        for c in text.chars() {
            let start = match rule {
                Rule::Plain => super::skim::in_place_bonus(prev.unwrap_or('\0'), c) > 0,
                Rule::Pinyin => c != ' ' && super::pinyin::starts_syllable(prev, c),
                Rule::Initials => true,
            };
            let y = letter(c);
            if let Some(y) = y {
                // Contiguous "xy".
                if let Some(x) = prev_first {
                    self.0[y] |= 1 << x;
                }
                match rule {
                    // y starts a later word, or is in the word x starts.
                    Rule::Plain if start => self.0[y] |= seen,
                    Rule::Plain => self.0[y] |= word_start,
                    // y starts the syllable right after x's.
                    Rule::Pinyin if start => {
                        if let Some(x) = last_start {
                            self.0[y] |= 1 << x;
                        }
                    }
                    _ => {}
                }
                if start {
                    seen |= 1 << y;
                }
            }
            if start {
                last_start = y;
                word_start = y.map_or(0, |y| 1 << y);
            }
            prev_first = match rule {
                Rule::Pinyin => y.filter(|_| start),
                _ => y,
            };
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

    fn pairs_of(text: &str, rule: Rule) -> Vec<String> {
        let mut d = DocPairs::default();
        d.add_field(text, rule);
        (0..COUNT)
            .filter(|&p| d.has(p))
            .map(|p| {
                let c = |i: usize| (b'a' + i as u8) as char;
                format!("{}{}", c(p / LETTERS), c(p % LETTERS))
            })
            .collect()
    }

    #[test]
    fn plain_text_pairs_start_at_a_word_or_are_contiguous() {
        // "a", "Ba": the second a is inside a later word, not at its start.
        assert_eq!(pairs_of("aBa", Rule::Plain), ["ab", "ba"]);
        assert_eq!(pairs_of("a 云 b1", Rule::Plain), ["ab"]);
        // "Alibaba Cloud": a..l (same word), a..c (c starts a word), not a..o (inside Cloud).
        let p = pairs_of("Alibaba Cloud", Rule::Plain);
        assert!(
            p.contains(&"ab".to_string()) && p.contains(&"ac".to_string()),
            "{p:?}"
        );
        assert!(
            !p.contains(&"ao".to_string()) && !p.contains(&"ld".to_string()),
            "{p:?}"
        );
        assert!(pairs_of("x", Rule::Plain).is_empty());
        // "Baidu": b starts the word; a, i, d, u do not, so only their contiguous pairs.
        let p = pairs_of("Baidu", Rule::Plain);
        for want in ["ba", "bi", "bd", "bu", "ai", "id", "du"] {
            assert!(p.contains(&want.to_string()), "{want} in {p:?}");
        }
        for not in ["ad", "iu", "au"] {
            assert!(!p.contains(&not.to_string()), "{not} in {p:?}");
        }
    }

    #[test]
    fn pinyin_pairs_start_at_a_syllable() {
        // Syllables Huo, Shan, Yin: h, s and y start them; "uo" follows h's syllable start, not
        // its own; y starts the syllable after s's, not after h's.
        let p = pairs_of("HuoShanYin", Rule::Pinyin);
        for want in ["hu", "hs", "sh", "sy"] {
            assert!(p.contains(&want.to_string()), "{want} in {p:?}");
        }
        for not in ["uo", "us", "oa", "ha", "sa", "hy"] {
            assert!(!p.contains(&not.to_string()), "{not} in {p:?}");
        }
        // A space is not a syllable: "ay" crosses it.
        assert!(pairs_of("A Yun", Rule::Pinyin).contains(&"ay".to_string()));
        assert_eq!(pairs_of("zsyh", Rule::Initials), ["sy", "yh", "zs"]);
    }

    #[test]
    fn parts_land_at_any_offset() {
        let mut one = DocPairs::default();
        one.add_field("ab", Rule::Plain);
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
