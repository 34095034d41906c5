//! Export: a tab's view or one record's detail as plain text, Markdown, CSV or JSON, and the atomic
//! file write that saves it. Pure functions of the KB and the view; no terminal code, so the TUI
//! (`e`/`E`) and `marketlens export` produce byte-identical files.
//!
//! Every string that reaches a text, Markdown or CSV export passes through [`clean_line`] or
//! [`clean_lines`] here, even though the view layer already escaped it: a `View` can be built by
//! hand, and an export file is read by other programs than ours.

mod delimited;
pub mod diff;
mod file;
mod grouped;
mod json;
mod markdown;
mod plain;

use std::borrow::Cow;
use std::path::Path;

pub use file::{WriteError, write_file};

use crate::kb::Kb;
use crate::view::{Detail, View};

/// An export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Txt,
    Md,
    Csv,
    Json,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Txt, Format::Md, Format::Csv, Format::Json];

    /// `txt`, `md` (or `markdown`), `csv`, `json`, case-insensitive.
    pub fn from_name(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "txt" => Some(Format::Txt),
            "md" | "markdown" => Some(Format::Md),
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// By extension, case-insensitive: `.txt`, `.md`, `.markdown`, `.csv`, `.json`.
    pub fn from_path(p: &Path) -> Option<Format> {
        Format::from_name(p.extension()?.to_str()?)
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Txt => "txt",
            Format::Md => "md",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.extension())
    }
}

/// What a view export says about itself (the Markdown title line uses it; others ignore it, but
/// for the query in the text export's first line).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    /// KB label, e.g. `built-in KB` or a path.
    pub kb: String,
    pub query: String,
    /// The sort in words, e.g. `Amount, descending`.
    pub sort: Option<String>,
    /// When the export was made, e.g. `2025-11-22 15:30`; passed in so output is deterministic.
    pub date: String,
}

/// A tab's view: the rows `view.shown()` yields, in that order, with `view.columns`.
pub fn view(kb: &Kb, view: &View, meta: &Meta, format: Format) -> String {
    match format {
        Format::Txt => plain::view(view, meta),
        Format::Md => markdown::view(view, meta),
        Format::Csv => delimited::view(kb, view),
        Format::Json => json::view(kb, view),
    }
}

/// A tab's rows grouped by a column (`F` in the explorer, `--group-by`): the frequency table.
pub fn grouped(g: &crate::view::group::Grouping, meta: &Meta, format: Format) -> String {
    grouped::write(g, meta, format)
}

/// Any other table (the command line's search results) in a text format: `None` for JSON, which
/// has no generic shape. `right[i]`: column `i` is right-aligned. Cells are cleaned here.
pub fn table(header: &[&str], right: &[bool], rows: &[Vec<String>], format: Format) -> Option<String> {
    let mut out = String::new();
    match format {
        Format::Txt => {
            let rows: Vec<Vec<String>> = rows
                .iter()
                .map(|r| r.iter().map(|c| clean_line(c).into_owned()).collect())
                .collect();
            plain::table(&mut out, header, right, &rows);
        }
        Format::Md => markdown::table(&mut out, header, right, rows.iter().cloned()),
        Format::Csv => {
            let header = header.iter().map(|h| h.to_string()).collect();
            out = delimited::write(std::iter::once(header).chain(rows.iter().cloned()));
        }
        Format::Json => return None,
    }
    Some(out)
}

/// One record's detail (the TUI's `E`, `marketlens export --record ID`).
pub fn record(kb: &Kb, detail: &Detail, format: Format) -> String {
    match format {
        Format::Txt => plain::record(detail),
        Format::Md => markdown::record(detail),
        Format::Csv => delimited::record(detail),
        Format::Json => json::record(kb, detail),
    }
}

/// A default file name: `marketlens-deals-20251122-1530.md` for a tab (`what` = `deals`),
/// `marketlens-aws-tiktok-order-2025q2-20251122-1530.json` for a record (`what` = its id).
/// Both parts are made file-name safe: lower-case ASCII letters, digits, `_` and `-` only, so a
/// hostile id can name neither another directory nor a hidden file.
pub fn default_name(what: &str, stamp: &str, format: Format) -> String {
    let what = match safe_name(what) {
        w if w.is_empty() => "export".to_string(),
        w => w,
    };
    let mut name = format!("marketlens-{what}");
    let stamp = safe_name(stamp);
    if !stamp.is_empty() {
        name.push('-');
        name.push_str(&stamp);
    }
    format!("{name}.{}", format.extension())
}

/// Longest part of a default name taken from an id; keeps names well under file-system limits.
const NAME_PART_MAX: usize = 80;

fn safe_name(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= NAME_PART_MAX {
            break;
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Line breaks, which become a space (or a `\n` in CSV) rather than a visible escape, so that a
/// multi-line summary still reads as text; left raw they would split a table row.
fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

fn sanitize<'a>(s: &'a str, newline: &str) -> Cow<'a, str> {
    if !s.chars().any(|c| crate::text::is_unsafe(c) || is_line_break(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                // CRLF is one break, not two.
                chars.next_if_eq(&'\n');
                out.push_str(newline);
            }
            c if is_line_break(c) => out.push_str(newline),
            '\t' => out.push(' '),
            c if crate::text::is_unsafe(c) => {
                // The same visible escape (`\u{1b}`) the explorer shows, so nothing is silently lost.
                out.push_str(&crate::text::escape_controls(c.encode_utf8(&mut [0; 4])));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Untrusted text for one line: line breaks and tabs become a space; every other control,
/// bidi or zero-width character a visible escape, so no such character reaches the output.
pub fn clean_line(s: &str) -> Cow<'_, str> {
    sanitize(s, " ")
}

/// As [`clean_line`], but line breaks (CRLF, CR, U+2028/2029) become `\n`: for CSV, which quotes
/// them.
pub fn clean_lines(s: &str) -> Cow<'_, str> {
    sanitize(s, "\n")
}

/// "1 row", "12 rows".
fn rows_phrase(n: usize) -> String {
    if n == 1 {
        "1 row".to_string()
    } else {
        format!("{n} rows")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_and_paths() {
        assert_eq!(Format::from_name("TXT"), Some(Format::Txt));
        assert_eq!(Format::from_name("Markdown"), Some(Format::Md));
        assert_eq!(Format::from_name("md"), Some(Format::Md));
        assert_eq!(Format::from_name("csv"), Some(Format::Csv));
        assert_eq!(Format::from_name("json"), Some(Format::Json));
        assert_eq!(Format::from_name("xlsx"), None);
        assert_eq!(Format::from_name(""), None);
        for f in Format::ALL {
            assert_eq!(Format::from_name(f.extension()), Some(f));
            assert_eq!(f.to_string(), f.extension());
        }
    }

    #[test]
    fn clean_line_removes_every_unsafe_character() {
        let hostile = "a\x1b]0;pwned\x07b\x1b[31mc\u{202e}d\u{200b}e\tf\r\ng\u{9b}h\u{2028}i\u{feff}j\u{7f}";
        let out = clean_line(hostile);
        assert!(
            !out.chars().any(|c| crate::text::is_unsafe(c) || is_line_break(c)),
            "{out:?}"
        );
        assert_eq!(
            out,
            "a\\u{1b}]0;pwned\\u{7}b\\u{1b}[31mc\\u{202e}d\\u{200b}e f g\\u{9b}h i\\u{feff}j\\u{7f}"
        );
        assert_eq!(clean_lines("a\r\nb\rc\nd\te"), "a\nb\nc\nd e");
        assert!(matches!(clean_line("阿里云 plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn safe_name_keeps_ids_and_drops_everything_else() {
        assert_eq!(safe_name("aws-tiktok-order-2025q2"), "aws-tiktok-order-2025q2");
        assert_eq!(safe_name("../../etc/passwd"), "etc-passwd");
        assert_eq!(safe_name(".hidden"), "hidden");
        assert_eq!(safe_name("阿里云"), "");
        assert_eq!(safe_name("Deals"), "deals");
        assert_eq!(safe_name("a\x1b[31m b"), "a-31m-b");
        assert!(safe_name(&"x".repeat(500)).len() <= NAME_PART_MAX);
    }
}
