//! SkimMatcherV2's score (fuzzy-matcher 0.3.7, default settings, smart case, as a freshly made
//! matcher computes it), without allocating.
//!
//! Why not call the crate: its matcher must be made afresh for every call (a reused one carries
//! state between calls, see `engine::skim_score`), which costs ~0.45 µs of its ~0.7 µs, and the
//! ranking pass scores thousands of fields per keystroke. This is the same recurrence, on two rows
//! kept on the stack; `tests::equals_the_crate` holds it to the crate's answers on random input,
//! and the crate still computes match positions for highlighting (rows on screen only).
//!
//! The recurrence (pattern row `i`, text column `j`, affine gaps):
//!   M[i][j] = 16 (14 on a case mismatch) + max(M[i-1][j-1] + run bonus, P[i-1][j-1] + B[j])
//!   P[i][j] = max(M[i][j-1] - 4, P[i][j-1] - 1)
//! where B is the in-place bonus of a text position and the run bonus the largest in-place bonus
//! (at least 4) of the run of matches it extends. The crate keeps only two rows and starts each
//! row at the first position its pattern character can match, so a row reads cells left over from
//! two rows before, and a fresh matcher's initial cells; this does the same, which is why the
//! cells here are written exactly where the crate writes them.

const MATCH: i32 = 16;
const CASE_MISMATCH: i32 = -2;
const GAP_START: i32 = -3;
const GAP_EXTENSION: i32 = -1;
const CONSECUTIVE: i32 = -(GAP_START + GAP_EXTENSION);
const FIRST_CHAR_MULTIPLIER: i32 = 2;
/// The crate's "minus infinity".
const NEG: i32 = i16::MIN as i32;

#[derive(Clone, Copy)]
struct Cell {
    m: i32,
    p: i32,
    bonus: i32,
}

const FRESH: Cell = Cell {
    m: NEG,
    p: NEG,
    bonus: 0,
};

/// Character classes as SkimMatcherV2 sees them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Empty,
    HardSep,
    SoftSep,
    Number,
    Upper,
    Lower,
}

#[inline]
fn class(c: char) -> Class {
    match c {
        '\0' => Class::Empty,
        ' ' | '/' | '\\' | '|' | '(' | ')' | '[' | ']' | '{' | '}' => Class::HardSep,
        '!'..='\'' | '*'..='.' | ':'..='@' | '^'..='`' | '~' => Class::SoftSep,
        '0'..='9' => Class::Number,
        'A'..='Z' => Class::Upper,
        _ => Class::Lower,
    }
}

/// The bonus for matching `c` after `prev`: a word head 8, after a soft separator 7, a camel-case
/// hump 6, else 0.
#[inline]
pub fn in_place_bonus(prev: char, c: char) -> i32 {
    match (class(prev), class(c)) {
        (Class::Empty | Class::HardSep, _) => 8,
        (Class::SoftSep, _) => 7,
        (Class::Lower | Class::Number, Class::Upper) => 6,
        _ => 0,
    }
}

#[inline]
fn equal(c: char, p: char, cs: bool) -> bool {
    if cs { c == p } else { c.eq_ignore_ascii_case(&p) }
}

/// Scratch space, kept per thread so that scoring allocates nothing once warm.
#[derive(Default)]
struct Scratch {
    chars: Vec<char>,
    bonus: Vec<i32>,
    rows: [Vec<Cell>; 2],
    first: Vec<usize>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// The score `SkimMatcherV2::default().fuzzy_match(text, pattern)` gives, `pat` being the
/// pattern's characters; `None` when it does not match.
pub fn score(text: &str, pat: &[char]) -> Option<i32> {
    if pat.is_empty() {
        return Some(0);
    }
    if text.len() < pat.len() {
        // Fewer bytes than pattern characters: fewer characters too.
        return None;
    }
    SCRATCH.with(|s| {
        let s = &mut *s.borrow_mut();
        s.chars.clear();
        s.chars.extend(text.chars());
        let cols = s.chars.len() + 1;
        s.bonus.resize(cols, 0);
        for r in &mut s.rows {
            r.clear();
            r.resize(cols, FRESH);
        }
        s.first.resize(pat.len(), 0);
        let [r0, r1] = &mut s.rows;
        run(&s.chars, pat, &mut s.bonus, [r0, r1], &mut s.first)
    })
}

/// The scoring proper, on scratch space sized for `text` (`bonus` and each row: one more than its
/// length; `first`: the pattern's length).
fn run(
    text: &[char],
    pat: &[char],
    bonus: &mut [i32],
    rows: [&mut [Cell]; 2],
    first: &mut [usize],
) -> Option<i32> {
    let cs = pat.iter().any(char::is_ascii_uppercase);
    // Leftmost (greedy) match positions: where each pattern row starts.
    let mut k = 0;
    for (j, &c) in text.iter().enumerate() {
        if k == pat.len() {
            break;
        }
        if equal(c, pat[k], cs) {
            first[k] = j;
            k += 1;
        }
    }
    if k < pat.len() {
        return None;
    }
    let mut prev = '\0';
    for (j, &c) in text.iter().enumerate() {
        bonus[j + 1] = in_place_bonus(prev, c);
        prev = c;
    }
    bonus[1] *= FIRST_CHAR_MULTIPLIER;

    let [row0, row1] = rows;
    // Row 0 stands for the empty pattern: nothing matched, every column a gap so far.
    for cell in row0.iter_mut() {
        *cell = Cell {
            m: NEG,
            p: GAP_EXTENSION,
            bonus: 0,
        };
    }
    let mut rows = [row0, row1];
    for (i, &p) in pat.iter().enumerate() {
        // Pattern row i + 1 lives in rows[(i + 1) % 2] and reads the one before in rows[i % 2].
        let (cur, before) = if i % 2 == 0 {
            let [a, b] = &mut rows;
            (&mut **b, &**a)
        } else {
            let [a, b] = &mut rows;
            (&mut **a, &**b)
        };
        for (j, &c) in text.iter().enumerate().skip(first[i]) {
            let (col, last) = (j + 1, j);
            if equal(c, p, cs) {
                let here = MATCH + if !cs && p != c { CASE_MISMATCH } else { 0 };
                let in_place = bonus[col];
                let run = cur[last].bonus.max(in_place.max(CONSECUTIVE));
                cur[last].bonus = run;
                let extend = before[last].m + run;
                let after_gap = before[last].p + in_place;
                cur[col].m = extend.max(after_gap) + here;
            } else {
                cur[col].m = NEG;
                cur[col].bonus = 0;
            }
            cur[col].p = (GAP_START + GAP_EXTENSION + cur[last].m).max(GAP_EXTENSION + cur[last].p);
        }
    }
    let last = &rows[pat.len() % 2];
    last[first[pat.len() - 1]..].iter().map(|c| c.m).max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use fuzzy_matcher::FuzzyMatcher;
    use fuzzy_matcher::skim::SkimMatcherV2;

    fn crate_score(text: &str, pat: &str) -> Option<i32> {
        SkimMatcherV2::default().fuzzy_match(text, pat).map(|s| s as i32)
    }

    fn ours(text: &str, pat: &str) -> Option<i32> {
        score(text, &pat.chars().collect::<Vec<_>>())
    }

    #[test]
    fn equals_the_crate() {
        // An alphabet rich in what moves the score: case, each kind of separator, digits,
        // repeats, CJK; patterns from its first part, so they match often.
        let alphabet: Vec<char> = "aAbBcC _-/.1云储xyZ(:".chars().collect();
        let mut rng = crate::synth::Rng::new(0x9E37_79B9_7F4A_7C15u64);
        let mut rnd = |n: usize| rng.below(n as u64) as usize;
        let mut matched = 0;
        for round in 0..200_000 {
            // Mostly short texts; some past the stack limit.
            let len = if round % 50 == 0 {
                1 + rnd(300)
            } else {
                1 + rnd(24)
            };
            let text: String = (0..len).map(|_| alphabet[rnd(alphabet.len())]).collect();
            let plen = 1 + rnd(if round % 7 == 0 { 12 } else { 5 });
            let pat: String = (0..plen).map(|_| alphabet[rnd(9)]).collect();
            let want = crate_score(&text, &pat);
            assert_eq!(ours(&text, &pat), want, "{text:?} {pat:?}");
            matched += usize::from(want.is_some());
        }
        assert!(
            matched > 20_000,
            "only {matched} matches: the test would prove little"
        );
    }

    #[test]
    fn equals_the_crate_on_an_index() {
        // Every field of a synthetic KB (CJK names, their pinyin, summaries, dates) against
        // patterns like those people type.
        let ix = crate::search::Index::build(std::sync::Arc::new(crate::synth::kb(1_500, 5)));
        let mut matched = 0;
        for pat in [
            "a", "cr", "chu", "ti", "aws", "Ali", "云", "yun", "2025", "s o", "JinR", "r-1",
        ] {
            for f in ix.fields.iter() {
                let text = ix.text(f);
                let want = crate_score(text, pat);
                assert_eq!(ours(text, pat), want, "{text:?} {pat:?}");
                matched += usize::from(want.is_some());
            }
        }
        assert!(matched > 5_000, "{matched}");
    }

    #[test]
    fn known_scores() {
        for (text, pat) in [
            ("ChuRuiSong", "crs"),
            ("储瑞松", "储松"),
            ("Alibaba Cloud", "ac"),
            ("Aa_", "aa_"),
            ("", "a"),
            ("abc", ""),
            ("HuoShanYinQing", "HSYQ"),
        ] {
            assert_eq!(ours(text, pat), crate_score(text, pat), "{text:?} {pat:?}");
        }
        assert_eq!(ours("crs", "crs"), Some(crate_score("crs", "crs").unwrap()));
        assert_eq!(ours("abc", "x"), None);
        assert_eq!(ours("", ""), Some(0));
    }
}
