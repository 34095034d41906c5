//! Which characters of a displayed text a query matched, for highlighting. Computed only for what
//! is on screen, directly on the displayed text (so it is right for any column), and through
//! pinyin for Chinese text: `crs` lights up 储瑞松.

use super::engine::skim_indices;
use super::pinyin;
use super::query::{Query, Term};

pub struct Highlighter {
    terms: Vec<Lit>,
}

/// A term to light up: as typed, and ASCII-lower-cased for pinyin, which has no case.
struct Lit {
    term: Term,
    lower: String,
}

impl Highlighter {
    pub fn new(q: &Query) -> Highlighter {
        Highlighter {
            terms: q
                .positive()
                .map(|t| Lit {
                    term: t.clone(),
                    lower: t.text.to_ascii_lowercase(),
                })
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The best match of one term in `text`: score and char indices (ascending, unique).
    fn term_in(&self, t: &Lit, text: &str) -> Option<(i64, Vec<usize>)> {
        let direct = self.on(text, &t.term.text, t.term.case_sensitive, t.term.exact);
        let all = pinyin::romanize_all(text);
        let roman = {
            all.iter()
                .flat_map(|r| [(&r.full, &r.full_map), (&r.initials, &r.initials_map)])
                .filter_map(|(s, map)| {
                    self.on(s, &t.lower, false, t.term.exact).map(|(score, idx)| {
                        let mut orig: Vec<usize> = idx.iter().map(|&i| map[i] as usize).collect();
                        orig.dedup();
                        (score, orig)
                    })
                })
                .max_by_key(|(s, _)| *s)
        };
        match (direct, roman) {
            (Some(d), Some(r)) => Some(if r.0 > d.0 { r } else { d }),
            (d, r) => d.or(r),
        }
    }

    fn on(&self, text: &str, pat: &str, case_sensitive: bool, exact: bool) -> Option<(i64, Vec<usize>)> {
        if exact {
            let at = if case_sensitive {
                text.find(pat)
            } else {
                text.to_ascii_lowercase().find(&pat.to_ascii_lowercase())
            }?;
            let start = text[..at].chars().count();
            let n = pat.chars().count();
            Some((24 * n as i64, (start..start + n).collect()))
        } else if case_sensitive {
            skim_indices(text, pat)
        } else {
            // The matcher's smart case would treat an upper-case pattern as case-sensitive.
            skim_indices(text, &pat.to_ascii_lowercase())
        }
    }

    /// Char indices of `text` matched by any term.
    pub fn indices(&self, text: &str) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .terms
            .iter()
            .filter_map(|t| self.term_in(t, text))
            .flat_map(|(_, i)| i)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// For a row of cells: each term is highlighted in the one cell where it matches best, so a
    /// one-letter query does not light up a letter in every column.
    pub fn row(&self, cells: &[&str]) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); cells.len()];
        for t in &self.terms {
            let best = cells
                .iter()
                .enumerate()
                .filter_map(|(i, c)| self.term_in(t, c).map(|(s, idx)| (s, i, idx)))
                .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
            if let Some((_, i, idx)) = best {
                out[i].extend(idx);
            }
        }
        for v in &mut out {
            v.sort_unstable();
            v.dedup();
        }
        out
    }
}

/// Split `text` into runs of (highlighted?, text) by char indices (ascending).
pub fn runs<'a>(text: &'a str, idx: &[usize]) -> Vec<(bool, &'a str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut cur = None;
    for (ci, (bi, _)) in text.char_indices().enumerate() {
        let hit = idx.binary_search(&ci).is_ok();
        if cur != Some(hit) {
            if let Some(c) = cur {
                out.push((c, &text[start..bi]));
            }
            start = bi;
            cur = Some(hit);
        }
    }
    if let Some(c) = cur {
        out.push((c, &text[start..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hl(q: &str) -> Highlighter {
        Highlighter::new(&super::super::query::parse(q).unwrap())
    }

    #[test]
    fn pinyin_lights_up_the_chinese_characters() {
        assert_eq!(hl("crs").indices("储瑞松"), vec![0, 1, 2]);
        assert_eq!(hl("aliyun").indices("阿里云"), vec![0, 1, 2]);
        assert_eq!(hl("huoshan").indices("火山引擎"), vec![0, 1]);
        assert_eq!(hl("aws").indices("AWS大中华区"), vec![0, 1, 2]);
        assert_eq!(hl("'T3").indices("从T3出行"), vec![1, 2]);
        assert!(hl("zzz").indices("阿里云").is_empty());
    }

    #[test]
    fn each_term_lights_its_best_cell() {
        let h = hl("aws tiktok");
        let r = h.row(&["2025-Q2", "AWS", "TikTok", "AWS大中华区斩获TikTok订单"]);
        assert_eq!(r[1], vec![0, 1, 2]);
        assert_eq!(r[2], vec![0, 1, 2, 3, 4, 5]);
        assert!(r[0].is_empty() && r[3].is_empty());
    }

    #[test]
    fn runs_split_by_highlight() {
        assert_eq!(
            runs("阿里云 cloud", &[0, 1, 4]),
            vec![(true, "阿里"), (false, "云 "), (true, "c"), (false, "loud")]
        );
        assert_eq!(runs("abc", &[]), vec![(false, "abc")]);
    }
}
