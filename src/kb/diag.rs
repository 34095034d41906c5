//! Compiler-style diagnostics: `path:line:col: error: message`, the offending line, a caret, a hint.

use std::fmt::Write as _;
use std::ops::Range;

use unicode_width::UnicodeWidthStr;

use crate::text;

/// One loaded file: its display name and text (lossily decoded when it was not UTF-8).
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Index into the loaded files; `None` for problems with no file (e.g. an empty directory).
    pub file: Option<usize>,
    /// Byte span within the file; `None` when the problem is the file as a whole.
    pub span: Option<Range<usize>>,
    pub message: String,
    /// A suggestion, printed as `= help: …`.
    pub help: Option<String>,
    /// Extra context, printed as `= note: …`.
    pub note: Option<String>,
}

impl Diagnostic {
    pub fn error(file: Option<usize>, span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file,
            span,
            message: message.into(),
            help: None,
            note: None,
        }
    }

    pub fn warning(file: Option<usize>, span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, span, message)
        }
    }

    pub fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    pub fn with_note(mut self, note: Option<String>) -> Self {
        self.note = note;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// 1-based (line, column) of the start of the span, column counted in characters.
    pub fn line_col(&self, files: &[SourceFile]) -> Option<(usize, usize)> {
        self.line_col_in(files, &mut Lines::default())
    }

    fn line_col_in(&self, files: &[SourceFile], lines: &mut Lines) -> Option<(usize, usize)> {
        let start = self.span.as_ref()?.start;
        lines.line_col(files, self.file?, start)
    }

    /// The one-line header: `file:line:col: error: message`.
    pub fn headline(&self, files: &[SourceFile]) -> String {
        self.headline_in(files, &mut Lines::default())
    }

    /// [`Diagnostic::headline`], finding lines through `lines`.
    pub fn headline_in(&self, files: &[SourceFile], lines: &mut Lines) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let msg = text::escape_controls(&self.message);
        let name = self
            .file
            .and_then(|i| files.get(i))
            .map(|f| text::escape_controls(&f.name).into_owned());
        match (name, self.line_col_in(files, lines)) {
            (Some(n), Some((l, c))) => format!("{n}:{l}:{c}: {sev}: {msg}"),
            (Some(n), None) => format!("{n}: {sev}: {msg}"),
            (None, _) => format!("{sev}: {msg}"),
        }
    }

    /// The full report: headline, the source line with a caret under the span, help and note.
    /// KB text is untrusted, so every piece of it is escaped before it can reach a terminal.
    pub fn render(&self, files: &[SourceFile]) -> String {
        self.render_in(files, &mut Lines::default())
    }

    /// [`Diagnostic::render`], finding lines through `lines`: render many diagnostics of one file
    /// with one `Lines`.
    pub fn render_in(&self, files: &[SourceFile], lines: &mut Lines) -> String {
        let mut out = self.headline_in(files, lines);
        out.push('\n');
        if let (Some(fi), Some(span)) = (self.file, self.span.as_ref())
            && let Some(f) = files.get(fi)
        {
            let (line_no, _) = lines.line_col(files, fi, span.start).unwrap_or((1, 1));
            let start = span.start.min(f.text.len());
            let line_start = f.text[..floor_char(&f.text, start)]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let line_end = f.text[line_start..]
                .find('\n')
                .map_or(f.text.len(), |i| line_start + i);
            let line = f.text[line_start..line_end].trim_end_matches('\r');
            let before =
                text::escape_controls(&f.text[line_start..floor_char(&f.text, start).max(line_start)]);
            let end = floor_char(&f.text, span.end.min(line_end).max(start));
            let marked = text::escape_controls(&f.text[floor_char(&f.text, start)..end]);
            let shown = text::escape_controls(line);
            // Very long lines (minified or binary-ish files) are cut around the caret.
            let (shown, lead) = clip_line(&shown, before.width());
            let gutter = line_no.to_string().len();
            let pad = " ".repeat(gutter);
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{line_no} | {shown}");
            let carets = "^".repeat(marked.width().clamp(1, 80));
            let _ = writeln!(out, "{pad} | {}{carets}", " ".repeat(lead));
        }
        if let Some(h) = &self.help {
            let _ = writeln!(out, "  = help: {}", text::escape_controls(h));
        }
        if let Some(n) = &self.note {
            let _ = writeln!(out, "  = note: {}", text::escape_controls(n));
        }
        out
    }
}

/// Keep a long line readable: show at most ~100 columns around the caret.
fn clip_line(line: &str, caret_col: usize) -> (String, usize) {
    const MAX: usize = 100;
    if line.width() <= MAX {
        return (line.to_string(), caret_col);
    }
    let skip = caret_col.saturating_sub(MAX / 2);
    let mut out = String::new();
    let mut col = 0;
    for ch in line.chars() {
        let w = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        if col >= skip && col + w <= skip + MAX {
            out.push(ch);
        }
        col += w;
    }
    if skip > 0 {
        out.insert(0, '…');
        (out, caret_col - skip + 1)
    } else {
        out.push('…');
        (out, caret_col)
    }
}

fn floor_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Finds lines in loaded files. The first few look-ups in a file scan it from its start; after
/// that it keeps where the file's lines start, so that reporting thousands of problems in a 200 MB
/// file does not scan it thousands of times (nor index a file for one problem).
#[derive(Debug, Default)]
pub struct Lines {
    /// Per file: look-ups so far, and the offsets of its `\n`s once indexed.
    files: std::collections::HashMap<usize, (usize, Option<Vec<usize>>)>,
}

impl Lines {
    /// Look-ups in a file before its lines are indexed.
    const SCANS: usize = 4;

    /// 1-based line and character column of byte offset `at` of file `file`.
    pub fn line_col(&mut self, files: &[SourceFile], file: usize, at: usize) -> Option<(usize, usize)> {
        let text = &files.get(file)?.text;
        let (count, newlines) = self.files.entry(file).or_default();
        *count += 1;
        if newlines.is_none() && *count > Self::SCANS {
            *newlines = Some(
                text.bytes()
                    .enumerate()
                    .filter(|(_, b)| *b == b'\n')
                    .map(|(i, _)| i)
                    .collect(),
            );
        }
        let Some(newlines) = newlines else {
            return Some(line_col(text, at));
        };
        let at = floor_char(text, at);
        let line = newlines.partition_point(|&nl| nl < at);
        let line_start = line
            .checked_sub(1)
            .and_then(|i| newlines.get(i))
            .map_or(0, |nl| nl + 1);
        Some((line + 1, text[line_start..at].chars().count() + 1))
    }
}

/// 1-based line and character column of byte offset `at`.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let at = floor_char(text, at);
    let before = &text[..at];
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_a_compiler() {
        let files = vec![SourceFile {
            name: "kb.toml".into(),
            text: "[[vendor]]\nid = \"阿里\"\nname = 1\n".into(),
        }];
        let d = Diagnostic::error(
            Some(0),
            Some(32..33),
            "invalid type: integer `1`, expected a string",
        )
        .with_help(Some("write name = \"…\"".into()));
        let r = d.render(&files);
        assert_eq!(
            r,
            "kb.toml:3:8: error: invalid type: integer `1`, expected a string\n  |\n3 | name = 1\n  |        ^\n  = help: write name = \"…\"\n"
        );
    }

    #[test]
    fn caret_respects_wide_characters_and_escapes_controls() {
        let files = vec![SourceFile {
            name: "k.toml".into(),
            text: "name = \"云\x1b[31m\" x".into(),
        }];
        let start = files[0].text.find(" x").unwrap() + 1;
        let r = Diagnostic::error(Some(0), Some(start..start + 1), "bad").render(&files);
        assert!(!r.contains('\x1b'), "{r:?}");
        let lines: Vec<&str> = r.lines().collect();
        let shown = lines[2].split_once("| ").unwrap().1;
        let caret = lines[3].split_once("| ").unwrap().1;
        assert_eq!(caret.find('^').unwrap(), shown.width() - 1, "{r}");
    }

    #[test]
    fn indexed_lines_agree_with_scanning() {
        let files = vec![SourceFile {
            name: "k.toml".into(),
            text: "a\r\nbc云d\n\n\u{feff}x = \"é\"\nlast".into(),
        }];
        let mut lines = Lines::default();
        // The first few look-ups scan, the rest use the index: every offset, twice over.
        for round in 0..2 {
            for at in 0..=files[0].text.len() + 2 {
                let want = line_col(&files[0].text, at);
                assert_eq!(lines.line_col(&files, 0, at), Some(want), "{round} {at}");
            }
        }
        assert_eq!(lines.line_col(&files, 1, 0), None);
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("a\nbc云d", 7), (2, 4));
        assert_eq!(line_col("", 0), (1, 1));
        assert_eq!(line_col("ab", 99), (1, 3));
    }
}
