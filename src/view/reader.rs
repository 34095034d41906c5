//! Quotes in their article: the sentence around a quote, for a record's detail, and a whole
//! archived article, for the reader `O` opens, with every passage the KB quotes from it marked.
//! Both are wrapped here (`text::wrap`: UAX #14 with the Chinese rules) into rows of marked runs;
//! the TUI only paints the marks in its theme. Text from the article is escaped here.

use std::ops::Range;
use std::sync::Arc;

use crate::kb::quotes::{Article, quotes_of};
use crate::kb::{Kb, Kind};
use crate::text::{self, escape_controls as clean};

/// How a run of text is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// The article's own text around the quotes.
    Plain,
    /// Part of a passage the KB quotes: the passage's number in the article, from 0.
    Quoted(usize),
}

/// A run of text (escaped, no line breaks once wrapped) and its mark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    pub mark: Mark,
}

/// One screen row: its runs, left to right.
pub type Row = Vec<Run>;

/// A sentence shorter than this many characters is shown with the rest of its paragraph.
const SHORT: usize = 24;
/// At most about this many characters of the article each side of a quote, in a detail.
const AROUND: usize = 160;

/// A quote in the sentence (or short paragraph) around it in an archived article. Escaped; line
/// breaks of the article inside it are spaces. `cut_*`: the article goes on at that end where
/// the sentence does not end (it was longer than the limit), shown as `…`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InContext {
    /// The source whose article holds it.
    pub source: String,
    pub before: String,
    pub quoted: String,
    pub after: String,
    pub cut_before: bool,
    pub cut_after: bool,
}

impl InContext {
    /// The text before the quote as shown: `…` first where the article goes on.
    pub fn lead(&self) -> String {
        if self.cut_before {
            format!("…{}", self.before)
        } else {
            self.before.clone()
        }
    }

    /// The text after the quote as shown: `…` last where the article goes on.
    pub fn tail(&self) -> String {
        if self.cut_after {
            format!("{}…", self.after)
        } else {
            self.after.clone()
        }
    }

    /// As runs: the quoted part marked as passage 0.
    pub fn runs(&self) -> Vec<Run> {
        let plain = |t: String| Run {
            text: t,
            mark: Mark::Plain,
        };
        let mut v = Vec::new();
        let (lead, tail) = (self.lead(), self.tail());
        if !lead.is_empty() {
            v.push(plain(lead));
        }
        v.push(Run {
            text: self.quoted.clone(),
            mark: Mark::Quoted(0),
        });
        if !tail.is_empty() {
            v.push(plain(tail));
        }
        v
    }
}

/// Article text made one line and safe: a line break becomes a space, or nothing between two
/// wide characters (Chinese text broken across lines reads on without a gap).
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' || c == '\n' {
            while chars.peek().is_some_and(|n| matches!(n, '\r' | '\n')) {
                chars.next();
            }
            let wide = |c: Option<char>| c.is_some_and(|c| text::width(c.encode_utf8(&mut [0; 4])) == 2);
            if !(wide(out.chars().next_back()) && wide(chars.peek().copied())) {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    clean(&out).into_owned()
}

/// Article text made safe, its line breaks kept (`\r\n` becomes `\n`).
fn keep_lines(s: &str) -> String {
    s.split('\n')
        .map(|l| clean(l.strip_suffix('\r').unwrap_or(l)).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `c` ends a sentence or a paragraph (where [`Article::context`] stops).
fn ends(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '\n' | '\r')
}

/// `quote` in its context in `article`: `None` when the article does not hold it (under the
/// quote rule, `kb::quotes`).
pub fn around(article: &Article, source: &str, quote: &str) -> Option<InContext> {
    let r = article.find(quote)?;
    let c = article.surrounding(r.clone(), SHORT, AROUND);
    let t = &article.text;
    let before_c = t[..c.start].chars().next_back();
    let last = t[c.clone()].chars().next_back();
    let after_c = t[c.end..].chars().next();
    Some(InContext {
        source: source.to_string(),
        before: one_line(&t[c.start..r.start]).trim_start().to_string(),
        quoted: one_line(&t[r.clone()]),
        after: one_line(&t[r.end..c.end]).trim_end().to_string(),
        cut_before: before_c.is_some_and(|b| !ends(b)),
        cut_after: after_c.is_some() && !last.is_some_and(ends) && !after_c.is_some_and(ends),
    })
}

/// A quote in its context in the first of `sources` whose archived article holds it; `None`
/// when none has an archive, or none holds it.
pub fn in_context(kb: &Kb, quote: &str, sources: &[&str]) -> Option<InContext> {
    sources.iter().find_map(|s| around(kb.archives.get(s)?, s, quote))
}

/// Runs (escaped; `\n` starts a new paragraph) wrapped to `width` columns as one text by
/// `text::wrap`, each row's runs keeping their marks. What `wrap` drops (spaces at a break, line
/// breaks) is dropped here too.
pub fn wrap_runs(runs: &[Run], width: usize) -> Vec<Row> {
    let mut all = String::new();
    // The mark of each byte range of `all`, as (end, mark), in order.
    let mut ends_at = Vec::with_capacity(runs.len());
    for r in runs {
        all.push_str(&r.text);
        ends_at.push((all.len(), r.mark));
    }
    let mark_at = |b: usize| {
        let i = ends_at.partition_point(|(e, _)| *e <= b);
        ends_at.get(i).or(ends_at.last()).map_or(Mark::Plain, |(_, m)| *m)
    };
    let mut rows = Vec::new();
    let mut cursor = 0;
    for line in text::wrap(&all, width.max(1)) {
        let mut row: Row = Vec::new();
        for c in line.chars() {
            // Skip what the wrap dropped: white space and line breaks that are not this character.
            while let Some(s) = all[cursor..].chars().next() {
                if s == c || (c.is_whitespace() && s.is_whitespace()) || !s.is_whitespace() {
                    break;
                }
                cursor += s.len_utf8();
            }
            let mark = mark_at(cursor);
            match all[cursor..].chars().next() {
                Some(s) if s == c || (c.is_whitespace() && s.is_whitespace()) => cursor += s.len_utf8(),
                // Never expected (wrap only drops white space); keep the character, mark as here.
                _ => {}
            }
            match row.last_mut() {
                Some(last) if last.mark == mark => last.text.push(c),
                _ => row.push(Run {
                    text: c.to_string(),
                    mark,
                }),
            }
        }
        rows.push(row);
    }
    rows
}

/// An archived article opened in the reader: its source, and the passages the KB quotes from it.
#[derive(Clone, Debug)]
pub struct Reader {
    /// The source's id.
    pub source: String,
    /// The source's title, publisher and date, escaped: `云计算周报 — 测试周报, 2025-11-01`.
    pub title: String,
    pub article: Arc<Article>,
    /// Byte ranges of the article the KB quotes from it (every place each quote citing the
    /// source occurs), in article order, overlapping ones merged.
    pub passages: Vec<Range<usize>>,
}

/// The reader laid out at a width: its rows and the first row of each passage.
#[derive(Clone, Debug, Default)]
pub struct Laid {
    pub rows: Vec<Row>,
    pub passage_rows: Vec<usize>,
}

impl Reader {
    /// The reader for source `id`, or why there is none: no such source, or no archived text
    /// (the message says how to add one).
    pub fn open(kb: &Kb, id: &str) -> Result<Reader, String> {
        let Some(si) = kb.source_index(id) else {
            return Err(format!("no source `{}`", clean(id)));
        };
        let s = &kb.sources[si];
        let Some(article) = kb.archives.get(id) else {
            let name = clean(&s.id);
            return Err(match &s.archive {
                Some(a) => format!(
                    "no archived text for {name}: its archive `{}` was not read",
                    clean(a)
                ),
                None => format!(
                    "no archived text for {name}: add archive = \"archive/{name}.txt\" to its [[source]]"
                ),
            });
        };
        let mut found: Vec<Range<usize>> = Vec::new();
        for &(kind, i) in &kb.relations().source_citers[si] {
            quotes_of(kb, kind, i, &mut |q| {
                if q.sources.contains(&id) {
                    found.extend(article.find_all(q.text));
                }
            });
        }
        found.sort_by_key(|r| (r.start, r.end));
        let mut passages: Vec<Range<usize>> = Vec::new();
        for r in found {
            match passages.last_mut() {
                Some(last) if r.start < last.end => last.end = last.end.max(r.end),
                _ => passages.push(r),
            }
        }
        Ok(Reader {
            source: s.id.clone(),
            title: clean(&format!("{} — {}, {}", s.title, s.publisher, s.date)).into_owned(),
            article: article.clone(),
            passages,
        })
    }

    /// The passage holding the first place `quote` occurs in the article, if it does.
    pub fn passage_of(&self, quote: &str) -> Option<usize> {
        let r = self.article.find(quote)?;
        self.passages
            .iter()
            .position(|p| p.start <= r.start && r.end <= p.end)
    }

    /// The passage the reader opened from a record should show: that of the record's first quote
    /// citing this source that the article holds.
    pub fn passage_for(&self, kb: &Kb, kind: Kind, id: &str) -> Option<usize> {
        let (k, i) = kb.lookup(id).filter(|(k, _)| *k == kind)?;
        let mut at = None;
        quotes_of(kb, k, i, &mut |q| {
            if at.is_none() && q.sources.contains(&self.source.as_str()) {
                at = self.passage_of(q.text);
            }
        });
        at
    }

    /// The article as marked runs: plain text, and each passage as `Quoted(its number)`.
    pub fn runs(&self) -> Vec<Run> {
        let t = &self.article.text;
        let mut v = Vec::new();
        let mut at = 0;
        for (k, p) in self.passages.iter().enumerate() {
            let (s, e) = (p.start.min(t.len()), p.end.min(t.len()));
            if s > at {
                v.push(Run {
                    text: keep_lines(&t[at..s]),
                    mark: Mark::Plain,
                });
            }
            // A passage across a line break stays one run: its break shows as a space.
            v.push(Run {
                text: one_line(&t[s.max(at)..e]),
                mark: Mark::Quoted(k),
            });
            at = e.max(at);
        }
        if at < t.len() {
            v.push(Run {
                text: keep_lines(&t[at..]),
                mark: Mark::Plain,
            });
        }
        v
    }

    /// The article wrapped to `width` columns, with the first row of each passage.
    pub fn lay_out(&self, width: usize) -> Laid {
        let rows = wrap_runs(&self.runs(), width);
        let mut passage_rows = vec![usize::MAX; self.passages.len()];
        for (y, row) in rows.iter().enumerate() {
            for r in row {
                if let Mark::Quoted(k) = r.mark
                    && let Some(slot) = passage_rows.get_mut(k)
                    && *slot == usize::MAX
                {
                    *slot = y;
                }
            }
        }
        // A passage of nothing but what the wrap dropped: at the row of the one before.
        let mut last = 0;
        for r in &mut passage_rows {
            if *r == usize::MAX {
                *r = last;
            }
            last = *r;
        }
        Laid { rows, passage_rows }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn art(s: &str) -> Article {
        Article::new(s.to_string())
    }

    fn shown(rows: &[Row]) -> Vec<String> {
        rows.iter()
            .map(|r| {
                r.iter()
                    .map(|x| match x.mark {
                        Mark::Plain => x.text.clone(),
                        Mark::Quoted(k) => format!("[{k}:{}]", x.text),
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_sentence_around_a_quote_ends_at_chinese_marks_and_line_breaks() {
        let a = art(
            "第一句话在这里。第二句说营收突破120亿元，同比增长很快，超过了市场的预期！第三句？\n新的一段。",
        );
        let c = around(&a, "s", "营收突破120亿元").unwrap();
        assert_eq!(c.before, "第二句说");
        assert_eq!(c.quoted, "营收突破120亿元");
        assert_eq!(c.after, "，同比增长很快，超过了市场的预期！");
        assert!(!c.cut_before && !c.cut_after);
        // `？` and the line break end a sentence too.
        let a = art(
            "前面一些文字。很长很长的一个问题是不是这样呢我们来看看吧第三句？\n下一段的第一句话就在这里了很长很长。",
        );
        let c = around(&a, "s", "下一段").unwrap();
        assert_eq!(c.before, "");
        assert_eq!(c.after, "的第一句话就在这里了很长很长。");
        let c = around(&a, "s", "问题是不是").unwrap();
        assert_eq!(c.before, "很长很长的一个");
        assert_eq!(c.after, "这样呢我们来看看吧第三句？");
    }

    #[test]
    fn a_short_sentence_is_shown_with_its_paragraph() {
        let a = art("标题\n\n短句。另一句话稍微长一些但也不算太长。\n尾。");
        let c = around(&a, "s", "短句").unwrap();
        assert_eq!(c.before, "");
        assert_eq!(c.after, "。另一句话稍微长一些但也不算太长。");
        // …but never past the line break.
        assert!(!c.after.contains('尾'));
    }

    #[test]
    fn quotes_at_the_start_and_end_of_the_article() {
        let a = art("开头就是引语。中间的话。最后也是引语");
        // Short sentences: the paragraph, here the whole article.
        let c = around(&a, "s", "开头就是").unwrap();
        assert_eq!(
            (c.before.as_str(), c.after.as_str()),
            ("", "引语。中间的话。最后也是引语")
        );
        assert!(!c.cut_before && !c.cut_after);
        let c = around(&a, "s", "也是引语").unwrap();
        assert_eq!(c.before, "开头就是引语。中间的话。最后");
        assert_eq!(c.after, "");
        assert!(!c.cut_after, "the end of the article is not a cut");
        let whole = around(&a, "s", "开头就是引语。中间的话。最后也是引语").unwrap();
        assert_eq!(whole.before.len() + whole.after.len(), 0);
    }

    #[test]
    fn a_quote_not_in_the_article_has_no_context() {
        let a = art("季度营收突破120亿元。");
        assert_eq!(around(&a, "s", "季度营收突破121亿元"), None);
        assert_eq!(around(&a, "s", ""), None);
        assert_eq!(around(&art(""), "s", "x"), None);
    }

    #[test]
    fn a_long_sentence_is_cut_with_an_ellipsis() {
        let long = "很".repeat(300);
        let a = art(&format!("{long}引语在此{long}。"));
        let c = around(&a, "s", "引语在此").unwrap();
        assert!(c.cut_before && c.cut_after);
        assert_eq!(c.before.chars().count(), AROUND);
        let runs = c.runs();
        assert!(runs[0].text.starts_with('…'));
        assert!(runs[2].text.ends_with('…'));
    }

    #[test]
    fn context_is_escaped_and_kept_on_one_line() {
        let a = art("他说：“收入\x1b[31m翻倍\n了”。");
        let c = around(&a, "s", "收入").unwrap();
        assert!(
            !c.after.contains('\x1b') && !c.after.contains('\n'),
            "{:?}",
            c.after
        );
    }

    /// Every kind of quote shows its context in a detail: a record's, a career move's (from the
    /// move's own source), a series point's; the reader marks each place, escaped.
    #[test]
    fn details_show_each_kind_of_quote_in_context_and_the_reader_escapes() {
        use crate::view::{Block, Target, detail};
        let toml = r#"format = 2
[[source]]
id = "a"
title = "文章"
publisher = "某报"
date = 2025-01-02

[[source]]
id = "b"
title = "另一篇"
publisher = "某刊"
date = 2025-01-03

[[vendor]]
id = "yun"
name = "某云"
sources = ["a"]
quote = "营收增长三成"

[[executive]]
id = "zhang"
name = "张某"
vendor = "yun"
sources = ["a"]
career = [{ date = "2024", to = "yun", role = "总裁", source = "b", quote = "出任总裁" }]

[[series]]
id = "yun-rev"
name = "某云营收"
vendor = "yun"
metric = "revenue"
unit = "CNY"
sources = ["a"]
points = [{ period = "2025-Q1", value = "10亿", quote = "收入10亿元" }]
"#;
        let l = crate::kb::load::load_bytes("kb.toml", toml.as_bytes().to_vec());
        assert!(l.is_ok(), "{}", l.render_diagnostics());
        let mut kb = l.kb;
        let mut map = std::collections::HashMap::new();
        map.insert(
            "a".to_string(),
            Arc::new(art(
                "今年某云营收增长三成，季度收入10亿元。\n\x1b[2J危险\u{202e}文字。",
            )),
        );
        map.insert("b".to_string(), Arc::new(art("张某去年出任总裁。")));
        kb.archives = crate::kb::quotes::Archives::new(map);
        let contexts = |kind, id: &str| -> Vec<String> {
            let d = detail(&kb, &Target { kind, id: id.into() }).expect("a detail");
            d.blocks
                .iter()
                .filter_map(|b| match b {
                    Block::Context(c) => Some(format!("{}[{}]{}", c.lead(), c.quoted, c.tail())),
                    _ => None,
                })
                .collect()
        };
        assert_eq!(
            contexts(Kind::Vendor, "yun"),
            ["今年某云[营收增长三成]，季度收入10亿元。"]
        );
        assert_eq!(contexts(Kind::Executive, "zhang"), ["张某去年[出任总裁]。"]);
        assert_eq!(
            contexts(Kind::Series, "yun-rev"),
            ["今年某云营收增长三成，季度[收入10亿元]。"]
        );
        // The reader: both quotes of article `a` marked, its text made safe.
        let r = Reader::open(&kb, "a").expect("opens");
        assert_eq!(r.passages.len(), 2);
        assert_eq!(r.title, "文章 — 某报, 2025-01-02");
        let laid = r.lay_out(20);
        let all: String = laid.rows.iter().flatten().map(|x| x.text.as_str()).collect();
        assert!(!all.contains('\x1b') && !all.contains('\u{202e}'), "{all:?}");
        assert_eq!(laid.passage_rows.len(), 2);
        assert!(Reader::open(&kb, "nope").is_err());
        let no = Reader::open(&crate::kb::load_builtin().kb, "x");
        assert_eq!(no.err().as_deref(), Some("no source `x`"));
    }

    #[test]
    fn wrapped_runs_keep_their_marks_and_cjk_widths() {
        let runs = vec![
            Run {
                text: "本周示例云公布".into(),
                mark: Mark::Plain,
            },
            Run {
                text: "营收突破120亿元".into(),
                mark: Mark::Quoted(0),
            },
            Run {
                text: "，同比增长。".into(),
                mark: Mark::Plain,
            },
        ];
        let rows = wrap_runs(&runs, 10);
        for r in &rows {
            let w: usize = r.iter().map(|x| text::width(&x.text)).sum();
            assert!(w <= 10, "{r:?} is {w} columns");
        }
        // `元，` go down together: the comma may not start a row, nor leave its character.
        assert_eq!(
            shown(&rows),
            [
                "本周示例云",
                "公布[0:营收突]",
                "[0:破120亿]",
                "[0:元]，同比增",
                "长。"
            ]
        );
        // No row starts with a closing mark: `，` goes down with the character before it.
        assert!(rows.iter().all(|r| !r[0].text.starts_with('，')));
        let flat: String = rows.iter().flatten().map(|r| r.text.as_str()).collect();
        assert_eq!(flat, "本周示例云公布营收突破120亿元，同比增长。");
        let quoted: String = rows
            .iter()
            .flatten()
            .filter(|r| r.mark == Mark::Quoted(0))
            .map(|r| r.text.as_str())
            .collect();
        assert_eq!(quoted, "营收突破120亿元");
    }

    #[test]
    fn paragraphs_and_dropped_spaces_do_not_shift_the_marks() {
        let runs = vec![
            Run {
                text: "one two three\n\nfour ".into(),
                mark: Mark::Plain,
            },
            Run {
                text: "five six".into(),
                mark: Mark::Quoted(3),
            },
            Run {
                text: " seven".into(),
                mark: Mark::Plain,
            },
        ];
        assert_eq!(
            shown(&wrap_runs(&runs, 9)),
            ["one two", "three", "", "four [3:five]", "[3:six] seven"]
        );
    }
}
