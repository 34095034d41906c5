//! Whether a term matches a field at all: substring, subsequence (by bytes, with memchr), the
//! pinyin run rule and the word-start rule for plain text.

/// Case-folding (ASCII) substring search; the byte offset of the first occurrence.
pub(super) fn find(hay: &str, needle: &str, case_sensitive: bool) -> Option<usize> {
    if case_sensitive {
        return hay.find(needle);
    }
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return Some(0);
    }
    if n.len() > h.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| hay.is_char_boundary(i) && h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Whether `pat` is a subsequence of `hay`'s characters.
#[inline]
pub(super) fn subsequence(hay: &str, pat: &[char], case_sensitive: bool) -> bool {
    if hay.len() > 24 {
        return subsequence_bytes(hay.as_bytes(), pat, case_sensitive);
    }
    let mut p = pat.iter();
    let Some(mut want) = p.next() else { return true };
    for c in hay.chars() {
        let eq = if case_sensitive {
            c == *want
        } else {
            c.eq_ignore_ascii_case(want)
        };
        if eq {
            match p.next() {
                Some(n) => want = n,
                None => return true,
            }
        }
    }
    false
}

/// `subsequence` by jumping from one pattern character to the next with memchr: most of a long
/// field is in no pattern, and a field that fails is read at vector speed. Valid on UTF-8
/// bytes: an ASCII byte is never part of another character, and a non-ASCII character only
/// equals itself (case folding here is ASCII only), so it is found as its encoding.
#[inline]
pub(super) fn subsequence_bytes(hay: &[u8], pat: &[char], case_sensitive: bool) -> bool {
    let mut at = 0;
    let mut buf = [0u8; 4];
    for &p in pat {
        let rest = &hay[at..];
        let found = if p.is_ascii() {
            let b = p as u8;
            let (lo, up) = (b.to_ascii_lowercase(), b.to_ascii_uppercase());
            if case_sensitive || lo == up {
                memchr::memchr(b, rest).map(|i| i + 1)
            } else {
                memchr::memchr2(lo, up, rest).map(|i| i + 1)
            }
        } else {
            let enc = p.encode_utf8(&mut buf).as_bytes();
            memchr::memmem::find(rest, enc).map(|i| i + enc.len())
        };
        match found {
            Some(end) => at += end,
            None => return false,
        }
    }
    true
}

/// Subsequence for full pinyin ("HuoShanYinQing"): the term is typed as a run of consecutive
/// syllables, each in full or by its first letters. Each character must follow the one matched
/// before it, or start the syllable (or word) right after the one that character is in:
/// `huoshan`, `hsyq` and `huosyq` match; `huoyin` (skipping 山) does not, nor does `tiktok`
/// match "TengXunJinRongKeJi", which a plain subsequence would. Spaces (anything but letters
/// and digits in the original) are not syllables: a run may cross them.
#[cfg(test)]
pub(super) fn pinyin_subsequence(hay: &str, pat: &[char]) -> bool {
    pinyin_subsequence_at(hay, crate::search::pinyin::start_bits(hay), pat)
}

/// `pinyin_subsequence`, given the text's `pinyin::start_bits` (kept in the index). Up to 64
/// ASCII bytes (nearly all names) it is matched on bit sets without allocating: this runs for
/// every candidate's pinyin in pass 1.
#[inline]
pub(super) fn pinyin_subsequence_at(hay: &str, starts: u64, pat: &[char]) -> bool {
    // (The length is checked too: `starts` may come from a damaged saved index.)
    if starts == 0 || hay.len() > 64 {
        return if hay.is_empty() {
            pat.is_empty()
        } else {
            pinyin_subsequence_long(hay, pat)
        };
    }
    let hay = hay.as_bytes();
    let mut spaces = 0u64;
    for (j, &c) in hay.iter().enumerate() {
        spaces |= u64::from(c == b' ') << j;
    }
    // Syllable and word starts, spaces aside.
    let starts = starts & !spaces;
    let mut at = 0u64; // bit j: the pattern so far can end matched at j
    for (k, p) in pat.iter().enumerate() {
        if !p.is_ascii() {
            return false;
        }
        let p = (*p as u8).to_ascii_lowercase();
        let mut eq = 0u64;
        for (j, &c) in hay.iter().enumerate() {
            eq |= u64::from(c.to_ascii_lowercase() == p) << j;
        }
        at = if k == 0 {
            eq & starts
        } else {
            // Right after the previous character, or at a start whose syllable comes right
            // after the one the previous character ended in: some match ended at or after the
            // start before it.
            let mut next = eq & (at << 1);
            let mut cands = eq & starts & !next;
            while cands != 0 {
                let j = cands.trailing_zeros();
                cands &= cands - 1;
                let below = (1u64 << j) - 1;
                let before = starts & below;
                let from = if before == 0 {
                    0
                } else {
                    63 - before.leading_zeros()
                };
                if at & below & !((1u64 << from) - 1) != 0 {
                    next |= 1 << j;
                }
            }
            next
        };
        if at == 0 {
            return false;
        }
    }
    true
}

/// The same rule for any length, with vectors.
#[inline]
pub(super) fn pinyin_subsequence_long(hay: &str, pat: &[char]) -> bool {
    let chars: Vec<char> = hay.chars().collect();
    let start = |j: usize| {
        chars[j] != ' '
            && crate::search::pinyin::starts_syllable(j.checked_sub(1).map(|i| chars[i]), chars[j])
    };
    // `at[j]`: the pattern so far can end with its last character matched at `j`.
    let mut at = vec![false; chars.len()];
    for (k, p) in pat.iter().enumerate() {
        let mut next = vec![false; chars.len()];
        // Some match of the pattern so far ended at or after the last start before j.
        let mut since_start = false;
        let mut any = false;
        for j in 0..chars.len() {
            let s = start(j);
            if chars[j].eq_ignore_ascii_case(p) {
                let follows = k > 0 && j > 0 && at[j - 1];
                if s && (k == 0 || since_start) || follows {
                    next[j] = true;
                    any = true;
                }
            }
            if s {
                since_start = false;
            }
            if k > 0 && at[j] {
                since_start = true;
            }
        }
        if !any {
            return false;
        }
        at = next;
    }
    true
}

/// Whether a fuzzy term may match plain (not pinyin) text. A term starting with an ASCII letter
/// or digit either occurs as contiguous text, or reads as words: its first character starts a
/// word, and each later one follows the one before it, or comes later in the same word, or
/// starts a later word. A word starts where the matcher gives a position bonus (the field's
/// start, after a separator, a camel-case hump), so a word has one start. `idc` then finds
/// "IDC中国" but not "Baidu AI Cloud" (i inside Baidu), `crs` not "Microsoft", and `alcld` still
/// finds "Alibaba Cloud". `pat_str` is `pat` as a string.
pub(super) fn starts_a_word(text: &str, pat_str: &str, pat: &[char], cs: bool) -> bool {
    let Some(&first) = pat.first() else { return true };
    if pat.len() < 2 || !first.is_ascii_alphanumeric() || pat.len() > 63 {
        return true;
    }
    let eq = |c: char, p: char| if cs { c == p } else { c.eq_ignore_ascii_case(&p) };
    // Bit k: the first k characters of the pattern are matched, the last one at the previous
    // position (`last`), in the current word (`word`), anywhere so far (`any`). Bit 0 is never
    // set: the first character must start a word.
    let (mut last, mut word, mut any) = (0u64, 0u64, 0u64);
    let done = 1u64 << pat.len();
    let mut prev = '\0';
    for c in text.chars() {
        let start = crate::search::skim::in_place_bonus(prev, c) > 0;
        prev = c;
        let mut from = last | word | if start { any | 1 } else { 0 };
        let mut next = 0u64;
        while from != 0 {
            let k = from.trailing_zeros() as usize;
            from &= from - 1;
            if k < pat.len() && eq(c, pat[k]) {
                next |= 1 << (k + 1);
            }
        }
        if start {
            word = 0;
        }
        last = next;
        word |= next;
        any |= next;
        if any & done != 0 {
            return true;
        }
    }
    // Not as words: contiguous, then (rarer, and a slower scan).
    find(text, pat_str, cs).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substring_and_subsequence() {
        assert_eq!(find("Alibaba Cloud", "cloud", false), Some(8));
        assert_eq!(find("Alibaba Cloud", "cloud", true), None);
        assert_eq!(find("阿里云ABC", "abc", false), Some(9));
        assert!(subsequence("储瑞松", &['储', '松'], true));
        assert!(subsequence("ChuRuiSong", &['c', 'r', 's'], false));
        assert!(!subsequence("ChuRuiSong", &['c', 'r', 's'], true));
        let py = |h: &str, p: &str| pinyin_subsequence(h, &p.chars().collect::<Vec<_>>());
        assert!(
            py("HuoShanYinQing", "huoshan") && py("HuoShanYinQing", "hsyq") && py("HuoShanYinQing", "huosyq")
        );
        assert!(py("ChuRuiSong", "crs") && py("ChuRuiSong", "churuis") && py("T3ChuXing", "t3cx"));
        assert!(!py("TengXunJinRongKeJi", "tiktok") && !py("HuoShanYinQing", "hun"));
        assert!(py("AWSDaZhongHuaQuZhanHuoTikTokDingDan", "tiktok"));
        // Consecutive syllables only: skipping one (山 in huoyin, 里 in ay) is no match; a space
        // between syllables is not one.
        assert!(!py("HuoShanYinQing", "huoyin") && !py("HuoShanYinQing", "hy") && !py("ALiYun", "ay"));
        assert!(py("ALiYun TengXun", "aliyunt") && py("2025 YunJi", "2025yj") && !py("2025 YunJi", "5yj"));
        assert!(py("ZhaoShangYinHang", "zsyh") && !py("ZhaoShangYinXing ZhongHang", "zsyh"));
        // The bit-set path and the vector path agree.
        let long = |h: &str, p: &str| pinyin_subsequence_long(h, &p.chars().collect::<Vec<_>>());
        for (h, p) in [
            ("HuoShanYinQing", "huoyin"),
            ("HuoShanYinQing", "hun"),
            ("TengXunJinRongKeJi", "tiktok"),
            ("T3ChuXing", "t3cx"),
            ("ALiYun", "ay"),
            ("ALiYun", "liy"),
            ("ALiYun", "iy"),
            ("ALiYun TengXun", "aliyunt"),
            ("ALiYun TengXun", "yt"),
            ("ALiYun TengXun", "lt"),
            ("2025 YunJi", "5yj"),
            ("2025 YunJi", "2y"),
            ("ZhaoShangYinXing ZhongHang", "zsyh"),
            ("ZhaoShangYinXing ZhongHang", "yxzh"),
            ("ZhaoShangYinXing ZhongHang", "xingz"),
            ("ZhaoShangYinXing ZhongHang", "xingh"),
        ] {
            assert_eq!(py(h, p), long(h, p), "{h} {p}");
        }
        // Plain text: a fuzzy term reads as words, or is contiguous.
        let word = |h: &str, p: &str| starts_a_word(h, p, &p.chars().collect::<Vec<_>>(), false);
        assert!(word("IDC中国", "idc") && word("Alibaba Cloud", "alcld") && word("Microsoft", "soft"));
        assert!(word("VolcEngine", "eng") && word("AWS大中华区", "aws") && word("x-ray", "ry"));
        assert!(!word("Baidu AI Cloud", "idc") && !word("Microsoft", "crs") && !word("Microsoft", "sft"));
        assert!(word("云计算", "云算") && word("a", "a") && word("customers", "crs"));
        assert!(
            !word("china-cloud-market-size", "crs") && word("cloud-rs", "crs") && word("AliCloud", "acd")
        );
    }
}
