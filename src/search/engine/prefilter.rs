//! Prefilters: a term prepared for cheap rejection before any text is read (its character-set
//! mask, the head bits of its first letters, its letter pair, single-character bits), and the
//! bound of what a doc's names can score from those head bits alone.

use super::*;

/// A term ready to match: its characters, lower-cased form and mask.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub term: Term,
    pub(super) chars: Vec<char>,
    /// ASCII-lower-cased: used against pinyin, which has no case.
    pub lower: String,
    pub(super) lower_chars: Vec<char>,
    pub(super) mask: Mask,
    /// Whether the term has non-ASCII characters (whose mask bits are in the wide words).
    pub(super) wide: bool,
    /// The `head_bit` of its first character (see `Ascii::heads`).
    pub(super) head: Option<u64>,
    /// The `head_bit` of each character (see `Ascii::words`).
    pub(super) bits: Vec<u64>,
    /// For a term of one letter or digit, of either case, and not exact: its mask bit, which
    /// says whether it matches in a doc (`Ascii::single`).
    pub(super) single: Option<u64>,
    /// For a term of one non-ASCII character with a mask bit of its own (`CharBits`), not exact:
    /// the mask says whether it matches in a field or doc (case folding is ASCII only).
    pub(super) own_single: bool,
    /// When the term is not exact and starts with two ASCII letters: their `pairs` number. A
    /// doc matches the term only where the pair does.
    pub(super) pair: Option<usize>,
    /// And the pair alone decides: the term is those two letters, of any case.
    pub(super) pair_decides: bool,
}

impl Prepared {
    /// `term` for an index whose masks `bits` made.
    pub fn new(term: &Term, bits: &CharBits) -> Prepared {
        let lower = term.text.to_ascii_lowercase();
        let mask = bits.mask(&term.text);
        let mut chars = term.text.chars();
        let own_single = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_ascii() && !term.exact => bits.wide_bit(c).2,
            _ => false,
        };
        Prepared {
            chars: term.text.chars().collect(),
            lower_chars: lower.chars().collect(),
            mask,
            wide: mask.is_wide(),
            own_single,
            head: term.text.chars().next().map(crate::search::index::head_bit),
            bits: term.text.chars().map(crate::search::index::head_bit).collect(),
            single: match term.text.as_bytes() {
                [c] if c.is_ascii_alphanumeric() && !term.case_sensitive && !term.exact => {
                    Some(Mask::ascii_bit(*c as char))
                }
                _ => None,
            },
            pair: match term.text.chars().take(2).collect::<Vec<_>>()[..] {
                [x, y] if !term.exact => crate::search::pairs::pair(x, y),
                _ => None,
            },
            pair_decides: term.text.chars().count() == 2 && !term.case_sensitive,
            lower,
            term: term.clone(),
        }
    }

    pub(super) fn len(&self) -> i32 {
        self.chars.len().min(1 << 16) as i32
    }

    /// An upper bound of its score in a doc's names, from the doc's `Ascii` words alone
    /// (`tests::heads_bound_bounds_the_names`). When no name starts with the term's first
    /// character, neither the equal nor the prefix bonus applies (nor an exact term's start
    /// bonus), only a tier bonus, and each character scores 16 plus its position bonus:
    /// - the first, the in-place bonus less 1: at most 8 - 1 where its bit is in `words`, else
    ///   -1;
    /// - the others, after a gap the in-place bonus less at least 4, or right after the
    ///   previous one the larger of 4 and the bonus of the run it extends, which is the in-place
    ///   bonus of its own position or one carried from two pattern rows before *at the same
    ///   position* (`skim`'s two-row matrix), so again at most 8 where its bit is in `words`,
    ///   else 4.
    ///
    /// Otherwise, the most any name can give.
    pub(super) fn heads_bound(&self, a: &Ascii) -> i32 {
        let n = self.len();
        match self.head {
            Some(h) if a.heads & h == 0 => {
                if self.term.exact {
                    return 24 * n + TIER_BONUS[0];
                }
                let mut b = TIER_BONUS[0] + 15 + 20 * (n - 1);
                for (k, &bit) in self.bits.iter().enumerate() {
                    if a.words & bit != 0 {
                        b += if k == 0 { 8 } else { 4 };
                    }
                }
                b
            }
            _ => (32 * n).saturating_add(TIER_BONUS[0] + EQUAL_BONUS),
        }
    }

    /// Pattern to use against a field: pinyin is matched without case.
    pub(super) fn pattern(&self, pinyin: bool) -> (&str, &[char], bool) {
        if pinyin {
            (&self.lower, &self.lower_chars, false)
        } else {
            (&self.term.text, &self.chars, self.term.case_sensitive)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::term;
    use super::*;

    /// The letter-pair bitmaps say exactly where a two-letter term matches, field by field as
    /// the matcher does: every pair against every doc of a synthetic KB (CJK names with their
    /// pinyin, summaries, ids), and against pinyin with separators and digits.
    #[test]
    fn letter_pairs_are_where_two_letters_match() {
        let mut kb = crate::synth::kb(250, 3);
        kb.vendors[0].name = "华为云Stack 2.0".into();
        kb.vendors[1].name = "火山 引擎-中国 (VolcEngine)".into();
        let ix = Index::build(std::sync::Arc::new(kb));
        let letters = 'a'..='z';
        let mut matched = 0;
        for x in letters.clone() {
            for y in letters.clone() {
                let t = term(&ix, &format!("{x}{y}"));
                let p = t.pair.expect("two letters make a pair");
                assert!(t.pair_decides);
                for (id, doc) in ix.docs.iter().enumerate() {
                    let want = doc
                        .fields()
                        .any(|i| field_bound(&ix, i, &ix.fields[i as usize], &t, Bound::Cheap).is_some());
                    assert_eq!(ix.pairs.has(p, id as u32), want, "{x}{y} in doc {id}");
                    matched += usize::from(want);
                }
            }
        }
        // (Fewer than before syllables had to be consecutive and plain text had to start a
        // word: 12,059 of the 20,000-odd.)
        assert!(matched > 10_000, "{matched}");
    }

    /// `heads_bound` is at least what any doc's names score, on a synthetic KB with names of
    /// every shape the bonus rules care about, and is reached: one point lower would be wrong.
    #[test]
    fn heads_bound_bounds_the_names() {
        let mut kb = crate::synth::kb(1_000, 9);
        let odd = [
            "xx cr", "Acr", "a-cr", "aCr", "crcr", "c r", "x(cr)", "ccrr", "云cr", "TiKTok", "t3出行", "r cc",
        ];
        for (v, name) in kb.vendors.iter_mut().zip(odd) {
            v.name = name.into();
        }
        let ix = Index::build(std::sync::Arc::new(kb));
        let (mut checked, mut reached) = (0, 0);
        for text in [
            "cr", "rc", "c", "r", "t", "tk", "tik", "crs", "ali", "Cr", "ccr", "r c", "云", "云c", "3", "t3",
            "chu",
        ] {
            let t = term(&ix, text);
            for (id, doc) in ix.docs.iter().enumerate() {
                let score = doc
                    .names()
                    .filter(|&i| field_bound(&ix, i, &ix.fields[i as usize], &t, Bound::Cheap).is_some())
                    .filter_map(|i| field_score(&ix, &ix.fields[i as usize], &t))
                    .max();
                let Some(score) = score else { continue };
                let a = ix.doc_masks.ascii(id as u32);
                let b = t.heads_bound(a);
                assert!(b >= score, "{text:?} in doc {id}: bound {b} < score {score}");
                checked += 1;
                // Where no name starts with the term's first character (the bound from `words`).
                reached += usize::from(b == score && t.head.is_some_and(|h| a.heads & h == 0));
            }
        }
        assert!(checked > 1_000 && reached > 20, "{checked} {reached}");
    }

    /// Characters with mask bits of their own change what is read, never what is found: the same
    /// matches, scores and fields as with every character's bit shared, for CJK terms of one
    /// character (decided by the mask alone) and more, with and without room for every
    /// character to have its own bit.
    #[test]
    fn own_character_bits_change_no_result() {
        for extra in [0, 150] {
            let kb = || {
                let mut kb = crate::synth::kb(1_500, 6);
                let n = kb.vendors.len();
                for i in 0..extra {
                    kb.vendors[i % n]
                        .name
                        .push(char::from_u32(0x6000 + i as u32).unwrap());
                }
                std::sync::Arc::new(kb)
            };
            let ix = Index::build(kb());
            let mut shared = Index::build(kb());
            shared.apply_wide(CharBits::default(), 1);
            let rare = char::from_u32(0x6000 + 7).unwrap().to_string();
            let mut own_singles = 0;
            for q in [
                "云",
                "销",
                "云销售",
                "迁移",
                "阿里云",
                "售",
                "云 a",
                "'云",
                "!云 a",
                "能",
                "总",
                "销 chu",
                &rare,
                "云c",
            ] {
                let parsed = crate::search::query::parse(q).unwrap();
                own_singles += compile(&ix, &parsed)
                    .unwrap()
                    .positive
                    .iter()
                    .filter(|t| t.own_single)
                    .count();
                let found = |ix: &Index| {
                    let r = crate::search::search(ix, q, Scope::All, Rank::All).unwrap();
                    r.hits
                        .iter()
                        .map(|h| (h.doc, h.score, h.field))
                        .collect::<Vec<_>>()
                };
                let (a, b) = (found(&ix), found(&shared));
                assert!(!a.is_empty() || extra == 0 && q == rare, "{q}");
                assert_eq!(a, b, "{q} (extra {extra})");
            }
            assert!(own_singles >= 5, "{own_singles}");
        }
    }

    /// Where the pair only filters (longer, case-sensitive, exact terms), no match is lost.
    #[test]
    fn letter_pairs_never_drop_a_match() {
        let ix = Index::build(std::sync::Arc::new(crate::synth::kb(400, 5)));
        let mut matched = 0;
        for text in ["chu", "Chu", "ChuR", "tik", "Ti", "aliy", "hua", "zw", "yunz"] {
            let t = term(&ix, text);
            assert!(t.pair.is_some(), "{text}");
            assert_eq!(t.pair_decides, text.len() == 2 && text == text.to_lowercase());
            for (id, doc) in ix.docs.iter().enumerate() {
                let found = doc
                    .fields()
                    .any(|i| field_bound(&ix, i, &ix.fields[i as usize], &t, Bound::Cheap).is_some());
                if found {
                    assert!(ix.pairs.has(t.pair.unwrap(), id as u32), "{text} in doc {id}");
                    matched += 1;
                }
            }
        }
        assert!(matched > 200, "{matched}");
        let exact = Prepared::new(
            &Term {
                text: "ua".into(),
                exact: true,
                negated: false,
                case_sensitive: false,
            },
            &ix.chars,
        );
        assert_eq!(
            exact.pair, None,
            "an exact term is a substring, even inside a syllable"
        );
    }
}
