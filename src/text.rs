//! Untrusted text made safe for a terminal or a text export, and fitted to a display width.
//! Every string from a KB passes through here before it is printed.

use std::borrow::Cow;

/// Characters that could steer a terminal, hide or reorder text, or that terminals and ratatui
/// measure differently. Decided by Unicode property (ICU4X's data, `icu_properties`), so new
/// characters of a kind are covered without a list to keep up:
///
/// - controls (C0, C1, DEL: General_Category Cc) and the line and paragraph separators (which
///   break lines in editors and JavaScript);
/// - Default_Ignorable_Code_Point: zero-width spaces and joiners, bidi marks, variation
///   selectors, the soft hyphen, the combining grapheme joiner, Hangul fillers that pass for
///   names, tag characters that smuggle hidden text, the deprecated format characters
///   U+206A–206F;
/// - General_Category Cf (format): bidi overrides and isolates, interlinear annotation,
///   Egyptian hieroglyph and shorthand format controls, musical beam marks …;
/// - Prepended_Concatenation_Mark (U+0600–0605, U+06DD, U+110BD …), which join the character
///   after them into one cluster of disputed width;
/// - noncharacters (U+FDD0–FDEF, U+xFFFE/xFFFF);
/// - characters that make a cluster whose width a terminal and ratatui disagree on, leaving
///   stale cells on screen as a selection moves: regional indicators (a flag is one 2-column
///   cluster to ratatui, two 1-column letters, or one 1-column cluster, to terminals) and
///   halfwidth marks that extend a cluster yet take a column (the halfwidth kana voicing
///   marks U+FF9E/FF9F: Grapheme_Extend and East_Asian_Width Halfwidth).
pub fn is_unsafe(c: char) -> bool {
    use icu_properties::props::BinaryProperty;
    use icu_properties::props::{
        DefaultIgnorableCodePoint, EastAsianWidth, EnumeratedProperty, GeneralCategory, GraphemeExtend,
        NoncharacterCodePoint, PrependedConcatenationMark, RegionalIndicator,
    };
    // Printable ASCII and the CJK ideographs most KB text is made of have none of these.
    if (' '..='~').contains(&c) || ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        return false;
    }
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}')
        || DefaultIgnorableCodePoint::for_char(c)
        || GeneralCategory::for_char(c) == GeneralCategory::Format
        || PrependedConcatenationMark::for_char(c)
        || NoncharacterCodePoint::for_char(c)
        || RegionalIndicator::for_char(c)
        || (GraphemeExtend::for_char(c) && EastAsianWidth::for_char(c) == EastAsianWidth::Halfwidth)
}

/// Replace every unsafe character with a visible escape (`\n`, `\t`, `\u{1b}`), so the text stays
/// inert but nothing is silently lost. Borrows when there is nothing to escape.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Display width of a string in terminal columns (CJK counts 2), as ratatui lays out a span: the
/// Unicode width of the whole string, so an emoji with a variation selector (`❤️`), a ZWJ
/// sequence (`👩‍💻`) or a flag counts what it takes on screen, not the sum of its characters.
pub fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// A character that is a whole grapheme whatever surrounds it, with a width of its own: most
/// text below the combining diacritics, and CJK (which makes up most KB text). Strings of only
/// such characters are cut per character, without segmenting.
fn stands_alone(c: char) -> bool {
    (c < '\u{300}' && !c.is_control())
        || (('\u{2E80}'..='\u{A4CF}').contains(&c)
            && !('\u{302A}'..='\u{302F}').contains(&c)
            && !matches!(
                c,
                '\u{3030}' | '\u{303D}' | '\u{3099}' | '\u{309A}' | '\u{3297}' | '\u{3299}'
            ))
        || ('\u{AC00}'..='\u{D7A3}').contains(&c)
        || ('\u{FF01}'..='\u{FF60}').contains(&c)
}

/// The graphemes of `s` (a letter with its combining marks, an emoji sequence, a flag) with their
/// widths.
fn graphemes(s: &str) -> Box<dyn Iterator<Item = (&str, usize)> + '_> {
    if s.chars().all(stands_alone) {
        Box::new(s.char_indices().map(|(i, c)| {
            let g = &s[i..i + c.len_utf8()];
            (g, width(g))
        }))
    } else {
        Box::new(unicode_segmentation::UnicodeSegmentation::graphemes(s, true).map(|g| (g, width(g))))
    }
}

/// Cut `s` to at most `max` columns, ending in `…` when anything was cut. Never splits a wide
/// character or a grapheme (an emoji sequence, a letter and its combining marks): if one would
/// straddle the edge, it is dropped (the result may be one column short).
pub fn fit(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    let mut ends = Vec::new();
    for (g, w) in graphemes(s) {
        if used + w > max - 1 {
            break;
        }
        out.push_str(g);
        ends.push(out.len());
        used += w;
    }
    // The widths of graphemes need not add up to the width of the string they make (a mark that
    // joins the one before it): take graphemes back until the whole fits.
    while width(&out) > max - 1 {
        ends.pop();
        out.truncate(ends.last().copied().unwrap_or(0));
    }
    out.push('…');
    Cow::Owned(out)
}

/// `s` fitted to exactly `w` columns: cut with `…`, then padded with spaces (on the left when
/// `right` is set).
pub fn pad(s: &str, w: usize, right: bool) -> String {
    let f = fit(s, w);
    let gap = w.saturating_sub(width(&f));
    if right {
        format!("{}{f}", " ".repeat(gap))
    } else {
        format!("{f}{}", " ".repeat(gap))
    }
}

/// Wrap text to lines of at most `max` columns, breaking only where the Unicode line breaking
/// algorithm (UAX #14, the `unicode-linebreak` crate) allows: at spaces, and between CJK
/// characters, but never before a closing mark (`。`, `，`, `、`, `；`, `）`, `」`…) or after an
/// opening one (`（`, `「`…), so a Chinese line never starts with `。` — the mark goes down with
/// the character before it. A piece longer than a line is split between graphemes.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    for para in s.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        let mut start = 0;
        for (end, _) in unicode_linebreak::linebreaks(para) {
            // A piece: what lies between two break opportunities, its trailing spaces included.
            let piece = &para[start..end];
            start = end;
            let word = piece.trim_end();
            let (ww, pw) = (width(word), width(piece));
            if used > 0 && used + ww > max {
                lines.push(std::mem::take(&mut line).trim_end().to_string());
                used = 0;
            }
            if ww > max {
                for (g, w) in graphemes(word) {
                    if used + w > max && used > 0 {
                        lines.push(std::mem::take(&mut line));
                        used = 0;
                    }
                    line.push_str(g);
                    used += w;
                }
                if pw > ww && used < max {
                    line.push(' ');
                    used += 1;
                }
            } else if used == 0 && word.is_empty() {
                // Spaces at the start of a wrapped line are dropped, as they were.
                continue;
            } else {
                line.push_str(piece);
                used += pw;
            }
        }
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// `1 vendor`, `2 vendors`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_and_pad_respect_display_width() {
        assert_eq!(fit("阿里云智能", 6), "阿里…");
        assert_eq!(fit("阿里云智能", 5), "阿里…");
        assert_eq!(fit("阿里云", 6), "阿里云");
        assert_eq!(fit("Alibaba Cloud", 8), "Alibaba…");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(pad("云", 4, false), "云  ");
        assert_eq!(pad("云", 4, true), "  云");
        for w in 0..12 {
            assert!(width(&pad("阿里云 Alibaba", w, false)) == w, "{w}");
        }
    }

    #[test]
    fn wrap_breaks_words_and_cjk() {
        assert_eq!(wrap("hello world foo", 11), ["hello world", "foo"]);
        assert_eq!(wrap("阿里云营收增速", 6), ["阿里云", "营收增", "速"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        // Chinese rules: no line starts with a closing mark; an opening one stays with what follows.
        assert_eq!(wrap("阿里云营收。增速", 8), ["阿里云营", "收。增速"]);
        assert_eq!(wrap("营收，增速", 4), ["营", "收，", "增速"]);
        assert_eq!(wrap("营收（增速）", 4), ["营收", "（增", "速）"]);
        // Wide enough for the longest unbreakable piece (`「云」、`, 8 columns); a narrower line
        // cannot hold a character with its marks, so there a piece is split between graphemes.
        for w in 8..24 {
            for line in wrap("上半年整体营收达 635 亿元，同比增长。「云」、（AI）；下一句」", w)
            {
                let first = line.chars().next();
                assert!(
                    !matches!(first, Some('。' | '，' | '、' | '；' | '）' | '」')),
                    "{line:?} at {w}"
                );
            }
        }
        for line in wrap("AWS大中华区斩获TikTok订单(10亿美元以上) and more text", 9) {
            assert!(width(&line) <= 9, "{line}");
        }
    }

    /// A sample of each kind `is_unsafe` decides by property, from the first, a middle and the
    /// last of each range named in issue 16, and text that must stay as it is.
    #[test]
    fn unsafe_by_unicode_property() {
        let unsafe_ranges: &[(u32, u32, &str)] = &[
            (0x206A, 0x206F, "deprecated format characters (Cf, ignorable)"),
            (0x0600, 0x0605, "Arabic prepended concatenation marks"),
            (0x06DD, 0x06DD, "Arabic end of ayah (prepended)"),
            (0x110BD, 0x110BD, "Kaithi number sign (prepended)"),
            (0x1D173, 0x1D17A, "musical beam and phrase marks (Cf)"),
            (0x1BCA0, 0x1BCA3, "shorthand format controls (Cf)"),
            (0x13430, 0x1343F, "Egyptian hieroglyph format controls (Cf)"),
            (0xE0100, 0xE01EF, "variation selectors supplement (ignorable)"),
            (0xFE00, 0xFE0F, "variation selectors (ignorable)"),
            (0xFDD0, 0xFDEF, "noncharacters"),
            (0xFFFE, 0xFFFF, "noncharacters"),
            (0x10FFFE, 0x10FFFF, "noncharacters"),
            (0x1F1E6, 0x1F1FF, "regional indicators"),
            (0xFF9E, 0xFF9F, "halfwidth voicing marks"),
            (0x200B, 0x200F, "zero-width and bidi marks"),
            (0x202A, 0x202E, "bidi embeddings and overrides"),
            (0x2066, 0x2069, "bidi isolates"),
            (0xE0000, 0xE007F, "tags"),
            (0x0080, 0x009F, "C1 controls"),
            (0x0000, 0x001F, "C0 controls"),
        ];
        for &(lo, hi, what) in unsafe_ranges {
            for cp in [lo, lo + (hi - lo) / 2, hi] {
                let c = char::from_u32(cp).unwrap();
                assert!(is_unsafe(c), "U+{cp:04X} ({what})");
                assert_eq!(
                    escape_controls(&format!("a{c}b")),
                    format!("a\\u{{{cp:x}}}b"),
                    "{what}"
                );
            }
        }
        for s in [
            "阿里云",
            "Alibaba Cloud",
            "ｶ",
            "ﾊ",
            "ガ",
            "é",
            "e\u{301}",
            "क्षि",
            "สวัสดี",
            "عر",
            "한국",
            "€½",
            "😀",
        ] {
            assert!(!s.chars().any(is_unsafe), "{s:?}");
        }
    }

    #[test]
    fn escapes_terminal_controls_and_invisible_characters() {
        assert_eq!(escape_controls("阿里云"), "阿里云");
        assert!(matches!(escape_controls("plain"), Cow::Borrowed(_)));
        assert_eq!(escape_controls("a\x1b]0;pwned\x07b"), "a\\u{1b}]0;pwned\\u{7}b");
        assert_eq!(
            escape_controls("x\u{202E}y\u{200B}z\u{9b}"),
            "x\\u{202e}y\\u{200b}z\\u{9b}"
        );
        assert_eq!(escape_controls("l1\nl2\tt"), "l1\\nl2\\tt");
        assert_eq!(
            escape_controls("a\u{2028}b\u{2029}c\u{3164}d\u{e0041}"),
            "a\\u{2028}b\\u{2029}c\\u{3164}d\\u{e0041}"
        );
    }
}
