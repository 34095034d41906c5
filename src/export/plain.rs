//! Plain text: an aligned table for a view, a readable page for a record. Widths are display
//! widths, so columns line up with CJK text in a monospace font.

use crate::text::{pad, width, wrap};
use crate::view::{Align, Block, Detail, View};

use super::{Meta, clean_line, rows_phrase};

/// Where paragraphs and quotes wrap.
const WRAP: usize = 100;

/// Lines of an aligned table: header, a `-` rule per column, rows; two spaces between columns,
/// right-aligned columns padded on the left, no trailing spaces. Cells must already be clean.
pub(super) fn table(out: &mut String, header: &[&str], right: &[bool], rows: &[Vec<String>]) {
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r.get(i).map_or(0, |c| width(c)))
                .chain([width(header[i])])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let padded: Vec<String> = cells
            .zip(&widths)
            .zip(right)
            .map(|((c, &w), &r)| pad(c, w, r))
            .collect();
        out.push_str(padded.join("  ").trim_end());
        out.push('\n');
    };
    line(&mut header.iter().copied());
    let rules: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
    line(&mut rules.iter().map(String::as_str));
    for r in rows {
        line(&mut (0..header.len()).map(|i| r.get(i).map_or("", String::as_str)));
    }
}

pub(super) fn view(view: &View, meta: &Meta) -> String {
    let mut out = format!("{} — {}", view.tab.title(), rows_phrase(view.len()));
    let query = clean_line(meta.query.trim());
    if !query.is_empty() {
        out.push_str(&format!(" (query: {query})"));
    }
    out.push_str("\n\n");
    let header: Vec<&str> = view.columns.iter().map(|c| c.name.as_ref()).collect();
    let right: Vec<bool> = view.columns.iter().map(|c| c.align == Align::Right).collect();
    let rows: Vec<Vec<String>> = view
        .shown()
        .map(|r| {
            (0..header.len())
                .map(|i| clean_line(r.cells.get(i).map_or("", |c| &c.text)).into_owned())
                .collect()
        })
        .collect();
    table(&mut out, &header, &right, &rows);
    out
}

/// Closing punctuation, which CJK typesetting never puts at the start of a line.
fn closes(c: char) -> bool {
    matches!(
        c,
        '、' | '。'
            | '，'
            | '．'
            | '；'
            | '：'
            | '！'
            | '？'
            | '）'
            | '】'
            | '」'
            | '』'
            | '》'
            | '〉'
            | '〕'
            | '”'
            | '’'
            | '…'
            | ','
            | '.'
            | ';'
            | ':'
            | '!'
            | '?'
            | ')'
            | ']'
            | '}'
            | '%'
    )
}

/// `text::wrap` two columns short, then closing punctuation that would start a line moved back
/// onto the line before, as far as it fits in `max` (the two columns always fit one mark).
fn wrap_cjk(s: &str, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for l in wrap(s, max.saturating_sub(2).max(1)) {
        let Some(prev) = lines.last_mut() else {
            lines.push(l);
            continue;
        };
        let mut used = width(prev);
        let mut cut = 0;
        for c in l.chars().take_while(|&c| closes(c)) {
            let w = width(c.encode_utf8(&mut [0; 4]));
            if used + w > max {
                break;
            }
            used += w;
            cut += c.len_utf8();
        }
        prev.push_str(&l[..cut]);
        let rest = l[cut..].trim_start();
        if cut == 0 || !rest.is_empty() {
            lines.push(rest.to_string());
        }
    }
    lines
}

/// Whether a blank line separates two blocks: around headings and paragraphs, not within a run
/// of fields, links or quotes.
fn gap(prev: &Block, next: &Block) -> bool {
    use Block::*;
    match (prev, next) {
        (_, Heading(_)) => true,
        (Heading(_), _) => false,
        (_, Points(..)) | (Points(..), _) => true,
        (Text(_) | Move { .. }, Text(_) | Move { .. } | Quote { .. }) => false,
        (Link { .. }, Quote { .. }) => true,
        (Text(_) | Move { .. }, _) | (_, Text(_) | Move { .. }) => true,
        _ => false,
    }
}

fn underline(out: &mut String, title: &str, ch: char) {
    out.push_str(title);
    out.push('\n');
    out.push_str(&ch.to_string().repeat(width(title).clamp(1, WRAP)));
    out.push('\n');
}

pub(super) fn record(d: &Detail) -> String {
    let mut out = String::new();
    underline(&mut out, clean_line(&d.title).trim(), '=');
    let mut prev: Option<&Block> = None;
    for b in &d.blocks {
        if prev.is_none_or(|p| gap(p, b)) {
            out.push('\n');
        }
        prev = Some(b);
        match b {
            Block::Heading(h) => underline(&mut out, &clean_line(h), '-'),
            Block::Field { label, value } => {
                out.push_str(&format!("{}: {}\n", clean_line(label), clean_line(value)));
            }
            Block::Text(t) | Block::Move { text: t, .. } => {
                for l in wrap_cjk(&clean_line(t), WRAP) {
                    out.push_str(&l);
                    out.push('\n');
                }
            }
            Block::Link { label, note, .. } => {
                let mut l = format!("→ {}", clean_line(label));
                if !note.trim().is_empty() {
                    l.push_str(&format!(" — {}", clean_line(note)));
                }
                out.push_str(l.trim_end());
                out.push('\n');
            }
            Block::Spark {
                label, spark, range, ..
            } => {
                let l = format!(
                    "{}  {}  {}",
                    clean_line(label),
                    clean_line(spark),
                    clean_line(range)
                );
                out.push_str(l.trim_end());
                out.push('\n');
            }
            Block::Points(rows, _) => {
                let rows: Vec<Vec<String>> = rows
                    .iter()
                    .map(|r| r.iter().map(|c| clean_line(c).into_owned()).collect())
                    .collect();
                table(
                    &mut out,
                    &["Period", "Value", "Source"],
                    &[false, true, false],
                    &rows,
                );
            }
            Block::Quote { text, source } => {
                let mut q = format!("\"{}\"", clean_line(text));
                if !source.trim().is_empty() {
                    q.push_str(&format!(" — {}", clean_line(source)));
                }
                for l in wrap_cjk(&q, WRAP - 2) {
                    out.push_str(format!("> {l}").trim_end());
                    out.push('\n');
                }
            }
            Block::Context(c) => {
                let q = format!(
                    "in the article: {}「{}」{}",
                    clean_line(&c.lead()),
                    clean_line(&c.quoted),
                    clean_line(&c.tail())
                );
                for l in wrap_cjk(&q, WRAP - 2) {
                    out.push_str(format!("> {l}").trim_end());
                    out.push('\n');
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_never_start_with_closing_punctuation() {
        let s = "阿里云营收增速回升，达到百分之十八；腾讯云增速。好";
        for max in 4..30 {
            let lines = wrap_cjk(s, max);
            assert_eq!(lines.concat(), s, "{max}");
            for (i, l) in lines.iter().enumerate() {
                assert!(width(l) <= max, "{max}: {l}");
                assert!(i == 0 || !l.starts_with(closes), "{max}: {lines:?}");
            }
        }
        // Two wide closing marks in a row: only one fits back; nothing is lost or too wide.
        for max in 4..12 {
            let lines = wrap_cjk("一二三。”四五", max);
            assert_eq!(lines.concat(), "一二三。”四五");
            assert!(lines.iter().all(|l| width(l) <= max), "{max}: {lines:?}");
        }
        assert_eq!(wrap_cjk("hello world foo", 13), ["hello world", "foo"]);
    }

    #[test]
    fn table_aligns_by_display_width_without_trailing_spaces() {
        let mut out = String::new();
        let rows = vec![
            vec!["阿里云".to_string(), "1".to_string(), "x".to_string()],
            vec!["AWS".to_string(), "100".to_string(), String::new()],
        ];
        table(&mut out, &["Name", "N", "Note"], &[false, true, false], &rows);
        assert_eq!(
            out,
            "Name      N  Note\n\
             ------  ---  ----\n\
             阿里云    1  x\n\
             AWS     100\n"
        );
    }
}
