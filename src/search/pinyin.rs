//! Chinese text romanized for matching: full pinyin without tones ("ChuRuiSong", syllables
//! capitalised so the matcher sees word starts) and initials ("crs"), each with a map from its
//! characters back to the characters of the original text, so a pinyin match can highlight the
//! Chinese characters it came from. A character with several readings (the `pinyin` crate's
//! heteronym data: 行 xing/hang, 重 zhong/chong) gives the text more than one romanization
//! (`romanize_all`), so 招商银行 is found by `zsyh` and 重庆 by `cq`.

use pinyin::{ToPinyin, ToPinyinMulti};

/// Readings kept per character: the first, and the next one starting with another letter. A
/// third is rare, and often archaic in the crate's data (招 zhao, qiao, shao).
const MAX_READINGS: usize = 2;
/// Text of at most this many characters with a reading (names, not titles) gets a romanization
/// per character of several readings (`romanize_all`).
const SHORT: usize = 8;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Romanized {
    pub full: String,
    /// For each char of `full`, the index of the original char it came from.
    pub full_map: Vec<u32>,
    pub initials: String,
    pub initials_map: Vec<u32>,
}

/// Whether a char has a pinyin reading (a CJK ideograph the crate knows).
pub fn has_reading(c: char) -> bool {
    !c.is_ascii() && c.to_pinyin().is_some()
}

/// The toneless readings of a character that `romanize_all` uses, most common first (none for
/// ASCII or a character without a reading).
#[derive(Clone, Copy, Default)]
struct Readings {
    r: [&'static str; MAX_READINGS],
    n: usize,
}

impl Readings {
    fn of(c: char) -> Readings {
        let mut out = Readings::default();
        if c.is_ascii() {
            return out;
        }
        // The first of the readings is the one `to_pinyin` gives.
        let Some(multi) = c.to_pinyin_multi() else {
            return out;
        };
        for p in multi.into_iter().map(|p| p.plain()) {
            if out.n == MAX_READINGS {
                break;
            }
            // Only a reading with another first letter: what initials (cq, zsyh) need, and what
            // changes more than the ending. The crate lists every reading a dictionary knows,
            // and those differing in the ending only are mostly rare (数 shuo, 据 ji).
            if out.n > 0 && p.get(..1) == out.r[0].get(..1) {
                continue;
            }
            if !out.r[..out.n].contains(&p) {
                out.r[out.n] = p;
                out.n += 1;
            }
        }
        out
    }

    /// The `k`-th, or the first when there are fewer.
    fn get(&self, k: usize) -> Option<&'static str> {
        (self.n > 0).then(|| self.r[if k < self.n { k } else { 0 }])
    }
}

/// Romanize text containing Chinese with each character's most common reading; `None` when no
/// character has a reading.
pub fn romanize(text: &str) -> Option<Romanized> {
    romanize_all(text).into_iter().next()
}

/// Every romanization of text containing Chinese, most useful first, each full pinyin once. Text
/// of at most `SHORT` characters with a reading (names, aliases, short titles) gets: the most
/// common readings (as `romanize`); then every character of several readings at its second
/// (重庆银行 as ChongQingYinHang); then one such character at a time at its second, the rest at
/// their first (招商银行 as ZhaoShangYinHang, though 招's second reading is qiao). Longer text
/// gets the first only. Empty when no character has a reading.
///
/// Why not every combination, nor long titles: a title with ten such characters would have
/// over a thousand, and every romanization is two more fields that each search reads; names are
/// what people type as pinyin initials. On a 100,000-record synthetic KB (`prof_search`), up to
/// eight romanizations of all text took the index from 790,000 fields to 1.16 million and
/// searches 2-3 times longer. The index keeps full pinyin for the first two only
/// (`index::build::Builder::flush_names`).
pub fn romanize_all(text: &str) -> Vec<Romanized> {
    if text.is_ascii() {
        return Vec::new();
    }
    let chars: Vec<(char, Readings)> = text.chars().map(|c| (c, Readings::of(c))).collect();
    let most = chars.iter().map(|(_, r)| r.n).max().unwrap_or(0);
    if most == 0 {
        return Vec::new();
    }
    let mut out = vec![romanize_with(&chars, |_| 0)];
    if most == 1 || chars.iter().filter(|(_, r)| r.n > 0).count() > SHORT {
        return out;
    }
    let add = |r: Romanized, out: &mut Vec<Romanized>| {
        if out.iter().all(|o| o.full != r.full) {
            out.push(r);
        }
    };
    add(romanize_with(&chars, |_| 1), &mut out);
    let several: Vec<usize> = (0..chars.len()).filter(|&i| chars[i].1.n > 1).collect();
    if several.len() > 1 {
        for &i in &several {
            add(romanize_with(&chars, |j| usize::from(j == i)), &mut out);
        }
    }
    out
}

/// The romanization that reads the `i`-th character with its `k(i)`-th reading, or its first.
fn romanize_with(chars: &[(char, Readings)], k: impl Fn(usize) -> usize) -> Romanized {
    let mut r = Romanized {
        full: String::with_capacity(chars.len() * 4),
        full_map: Vec::new(),
        initials: String::new(),
        initials_map: Vec::new(),
    };
    for (i, (c, readings)) in chars.iter().enumerate() {
        let at = i;
        let (i, c) = (i as u32, *c);
        if let Some(p) = readings.get(k(at)) {
            for (k, ch) in p.chars().enumerate() {
                // ü is typed as v on every pinyin keyboard.
                let ch = if ch == 'ü' { 'v' } else { ch };
                r.full.push(if k == 0 { ch.to_ascii_uppercase() } else { ch });
                r.full_map.push(i);
                if k == 0 {
                    r.initials.push(ch);
                    r.initials_map.push(i);
                }
            }
        } else if c.is_ascii_alphanumeric() {
            // Kept as written: matching pinyin ignores case anyway, and "AWS" should score the
            // same through pinyin as it does directly.
            r.full.push(c);
            r.full_map.push(i);
            r.initials.push(c);
            r.initials_map.push(i);
        } else if !r.full.ends_with(' ') {
            // Anything else separates words.
            r.full.push(' ');
            r.full_map.push(i);
        }
    }
    r
}

/// Whether the character at `c` (after `prev`) starts a syllable or word in romanized text: an
/// upper-case letter (each syllable is capitalised), anything after a separator, and a change
/// between digits and letters.
#[inline]
pub fn starts_syllable(prev: Option<char>, c: char) -> bool {
    match prev {
        None => true,
        Some(p) => c.is_uppercase() || !p.is_alphanumeric() || p.is_ascii_digit() != c.is_ascii_digit(),
    }
}

/// Romanized text of at most 64 bytes, all ASCII: bit j set where a syllable or word starts
/// (`starts_syllable`). 0 for anything else (and only then: the first bit of any such text is
/// set), which matchers take as "work it out from the text".
pub fn start_bits(full: &str) -> u64 {
    if full.len() > 64 || !full.is_ascii() {
        return 0;
    }
    let mut bits = 0u64;
    let mut prev = None;
    for (j, c) in full.chars().enumerate() {
        bits |= u64::from(starts_syllable(prev, c)) << j;
        prev = Some(c);
    }
    bits
}

/// The characters of romanized text that start a syllable or word.
pub fn heads(full: &str) -> impl Iterator<Item = char> + '_ {
    let mut prev = None;
    full.chars().filter(move |&c| {
        let start = starts_syllable(prev, c);
        prev = Some(c);
        start && c != ' '
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_the_default_kb() {
        let r = romanize("储瑞松").unwrap();
        assert_eq!((r.full.as_str(), r.initials.as_str()), ("ChuRuiSong", "crs"));
        assert_eq!(r.full_map, vec![0, 0, 0, 1, 1, 1, 2, 2, 2, 2]);
        assert_eq!(romanize("阿里云").unwrap().initials, "aly");
        assert_eq!(romanize("火山引擎").unwrap().full, "HuoShanYinQing");
        let t3 = romanize("T3出行").unwrap();
        assert_eq!((t3.full.as_str(), t3.initials.as_str()), ("T3ChuXing", "T3cx"));
        assert_eq!(t3.initials_map, vec![0, 1, 2, 3]);
        assert_eq!(romanize("绿").unwrap().full, "Lv");
        assert_eq!(romanize("AWS"), None);
        assert_eq!(heads("ChuRuiSong").collect::<String>(), "CRS");
        assert_eq!(heads("T3ChuXing AWS").collect::<String>(), "T3CXAWS");
    }

    #[test]
    fn characters_with_several_readings_give_several_romanizations() {
        let full = |t: &str| romanize_all(t).into_iter().map(|r| r.full).collect::<Vec<_>>();
        let zs = full("招商银行");
        assert_eq!(zs[0], "ZhaoShangYinXing");
        assert!(zs.contains(&"ZhaoShangYinHang".to_string()), "{zs:?}");
        let cq = full("重庆银行");
        assert!(cq.contains(&"ChongQingYinHang".to_string()), "{cq:?}");
        assert!(full("长期").contains(&"ChangQi".to_string()));
        // Long text: the first readings only.
        assert_eq!(full("谷歌计划与Anthropic签署长期算力合同").len(), 1);
        // 阿 is a or e; 里 and 云 have one reading each. No reading: no romanization.
        assert_eq!(full("阿里云"), ["ALiYun", "ELiYun"]);
        assert_eq!(full("云"), ["Yun"]);
        assert!(romanize_all("AWS").is_empty());
        let long = full("的和了长行重调数发大率的和了长行重调数发大率");
        assert_eq!(long.len(), 1);
    }
}
