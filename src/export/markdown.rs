//! GitHub-flavoured Markdown: a title, a line about the view, and a table; or a record page.

use crate::view::{Align, Block, Detail, View};

use super::{Meta, clean_line, rows_phrase};

/// Inline text made literal: one line, no control characters, and every character that could
/// start markup backslash-escaped (`|` would end a table cell, `<` start raw HTML, `[` a link,
/// `` ` `` a code span where escapes stop working; `*`/`_` emphasis). A lone `*` or `_` in the text
/// is left as it is: emphasis needs an opener and a closer of the same character, so one alone is
/// literal (the inferred cue, `2025-Q4*`, reads as written).
pub(super) fn inline(s: &str) -> String {
    let s = clean_line(s);
    let mut out = String::with_capacity(s.len() + 4);
    let pairs = |d: char| s.chars().filter(|&c| c == d).count() > 1;
    let (stars, unders) = (pairs('*'), pairs('_'));
    for c in s.chars() {
        let emphasis = (c == '*' && stars) || (c == '_' && unders);
        if emphasis || matches!(c, '\\' | '|' | '`' | '[' | ']' | '<') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// As [`inline`], for text that starts a line: also escape what would make the line a heading,
/// quote, list item or rule.
fn paragraph(s: &str) -> String {
    guard_start(inline(s.trim_start()))
}

/// Escape the start of an already inline-escaped line that would otherwise open a block.
pub(super) fn guard_start(s: String) -> String {
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    match s.chars().next() {
        Some('#' | '>' | '-' | '+' | '=' | '*') => format!("\\{s}"),
        Some(_) if digits > 0 && matches!(s[digits..].chars().next(), Some('.' | ')')) => {
            format!("{}\\{}", &s[..digits], &s[digits..])
        }
        _ => s,
    }
}

/// A code span holding `s` literally: the fence is one backtick longer than any run inside.
pub(super) fn code(s: &str) -> String {
    let s = clean_line(s);
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // A space inside the fence when the text touches a backtick, which CommonMark strips again.
    let sp = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{sp}{s}{sp}{fence}")
}

pub(super) fn table(
    out: &mut String,
    header: &[&str],
    right: &[bool],
    rows: impl Iterator<Item = Vec<String>>,
) {
    let row = |out: &mut String, cells: &mut dyn Iterator<Item = String>| {
        out.push('|');
        for c in cells {
            out.push(' ');
            out.push_str(&c);
            out.push_str(" |");
        }
        out.push('\n');
    };
    row(out, &mut header.iter().map(|h| inline(h)));
    row(
        out,
        &mut right.iter().map(|&r| if r { "--:" } else { "---" }.to_string()),
    );
    for r in rows {
        row(out, &mut r.iter().map(|c| inline(c)));
    }
}

pub(super) fn view(view: &View, meta: &Meta) -> String {
    let mut out = format!("# marketlens · {}\n", view.tab.title());
    let mut about = Vec::new();
    if !meta.kb.trim().is_empty() {
        about.push(format!("KB: {}", inline(meta.kb.trim())));
    }
    if !meta.query.trim().is_empty() {
        about.push(format!("query: {}", code(meta.query.trim())));
    }
    if let Some(s) = meta.sort.as_deref().filter(|s| !s.trim().is_empty()) {
        about.push(format!("sorted by {}", inline(s.trim())));
    }
    if !meta.date.trim().is_empty() {
        about.push(inline(meta.date.trim()));
    }
    about.push(rows_phrase(view.len()));
    out.push_str(&guard_start(about.join(" · ")));
    out.push_str("\n\n");
    let header: Vec<&str> = view.columns.iter().map(|c| c.name.as_ref()).collect();
    let right: Vec<bool> = view.columns.iter().map(|c| c.align == Align::Right).collect();
    let rows = view.shown().map(|r| {
        (0..header.len())
            .map(|i| r.cells.get(i).map_or(String::new(), |c| c.text.clone()))
            .collect()
    });
    table(&mut out, &header, &right, rows);
    out
}

fn is_list_item(b: &Block) -> bool {
    matches!(b, Block::Field { .. } | Block::Link { .. } | Block::Spark { .. })
}

pub(super) fn record(d: &Detail) -> String {
    let mut out = format!("# {}\n", inline(d.title.trim()));
    let mut prev: Option<&Block> = None;
    for b in &d.blocks {
        // Blocks are separated by a blank line, except items of one list.
        if !prev.is_some_and(|p| is_list_item(p) && is_list_item(b)) {
            out.push('\n');
        }
        prev = Some(b);
        match b {
            Block::Heading(h) => out.push_str(&format!("## {}\n", inline(h))),
            Block::Field { label, value } => {
                out.push_str(&format!("- **{}:** {}\n", inline(label), inline(value)));
            }
            Block::Text(t) | Block::Move { text: t, .. } => {
                out.push_str(&paragraph(t));
                out.push('\n');
            }
            Block::Link { label, note, .. } => {
                let mut l = format!("- {}", inline(label));
                if !note.trim().is_empty() {
                    l.push_str(&format!(" — {}", inline(note)));
                }
                out.push_str(&l);
                out.push('\n');
            }
            Block::Spark {
                label, spark, range, ..
            } => {
                let l = format!("- {}  {}  {}", inline(label), inline(spark), inline(range));
                out.push_str(l.trim_end());
                out.push('\n');
            }
            Block::Points(rows, _) => table(
                &mut out,
                &["Period", "Value", "Source"],
                &[false, true, false],
                rows.iter().map(|r| r.to_vec()),
            ),
            Block::Quote { text, source } => {
                let mut q = format!("> \"{}\"", inline(text));
                if !source.trim().is_empty() {
                    q.push_str(&format!(" — {}", inline(source)));
                }
                out.push_str(&q);
                out.push('\n');
            }
            Block::Context(c) => {
                out.push_str(&format!(
                    "> in the article: {}**{}**{}\n",
                    inline(&c.lead()),
                    inline(&c.quoted),
                    inline(&c.tail())
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_escapes_markup_and_controls() {
        assert_eq!(inline("a|b\\c"), "a\\|b\\\\c");
        assert_eq!(inline("<img src=x>"), "\\<img src=x>");
        assert_eq!(inline("[x](javascript:y)"), "\\[x\\](javascript:y)");
        assert_eq!(inline("l1\nl2\tt"), "l1 l2 t");
        assert_eq!(inline("\x1b[31m"), "\\\\u{1b}\\[31m");
        assert_eq!(inline(">10亿美元"), ">10亿美元");
        // Emphasis needs two delimiters: a pair is escaped, a lone cue is not.
        assert_eq!(inline("*bold*"), "\\*bold\\*");
        assert_eq!(inline("a_b_c"), "a\\_b\\_c");
        assert_eq!(inline("2025-Q4*"), "2025-Q4*");
        assert_eq!(inline("snake_case"), "snake_case");
    }

    #[test]
    fn paragraphs_cannot_become_blocks() {
        assert_eq!(paragraph("# not a heading"), "\\# not a heading");
        assert_eq!(paragraph("- not a list"), "\\- not a list");
        assert_eq!(paragraph("* not a list"), "\\* not a list");
        assert_eq!(paragraph("1. not a list"), "1\\. not a list");
        assert_eq!(paragraph("2025-Q1  joined"), "2025-Q1  joined");
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("aws"), "`aws`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
    }
}
