//! "Mentioned in": which records' text names which other records, by name or alias. 储瑞松's
//! detail lists the deals and vendors whose summaries name him. Records are numbered by the caller
//! (one number per record across kinds); this module knows only names and texts.
//!
//! Matching: every name and alias of at least [`MIN_CJK`] CJK characters or [`MIN_LATIN`] other
//! characters is a pattern; texts are scanned once with Aho–Corasick (leftmost-longest, so
//! `阿里巴巴` wins over `阿里` where both are names). A latin name must stand as a word (not inside
//! a longer run of letters or digits: `AWS` in `AWS's`, not in `LAWSON`); CJK has no word breaks,
//! so a CJK name matches anywhere. Case is ignored for latin. A record never mentions itself.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

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
    order.sort_by(|&a, &b| {
        patterns[a]
            .to_ascii_lowercase()
            .cmp(&patterns[b].to_ascii_lowercase())
    });
    let mut uniq: Vec<&str> = Vec::new();
    let mut owners_of: Vec<Vec<u32>> = Vec::new();
    for i in order {
        let same = uniq
            .last()
            .is_some_and(|last: &&str| last.eq_ignore_ascii_case(patterns[i]));
        if same {
            owners_of.last_mut().expect("a pattern before").push(owners[i]);
        } else {
            uniq.push(patterns[i]);
            owners_of.push(vec![owners[i]]);
        }
    }
    let ac: AhoCorasick = AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(true)
        .build(&uniq)
        .expect("patterns of bounded size build");
    let mut out = Vec::new();
    for (from, text) in texts {
        for m in ac.find_iter(text) {
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() && !is_cjk(c));
            let pat = uniq[m.pattern().as_usize()];
            let first_latin = pat.chars().next().is_some_and(|c| !is_cjk(c));
            let last_latin = pat.chars().last().is_some_and(|c| !is_cjk(c));
            if (first_latin && word(text[..m.start()].chars().next_back()))
                || (last_latin && word(text[m.end()..].chars().next()))
            {
                continue;
            }
            for &to in &owners_of[m.pattern().as_usize()] {
                if to != from {
                    out.push((from, to));
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
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
}
