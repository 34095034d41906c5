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
    /// with one `Lines`. The work is bounded by the excerpt, not the line: a problem on a 250 KB
    /// line reads and escapes only the bytes around it.
    pub fn render_in(&self, files: &[SourceFile], lines: &mut Lines) -> String {
        let mut out = self.headline_in(files, lines);
        out.push('\n');
        if let (Some(fi), Some(span)) = (self.file, self.span.as_ref())
            && let Some(f) = files.get(fi)
            && let Some((line_no, range)) = lines.line_of(files, fi, span.start)
        {
            let text = &f.text;
            let start = floor_char(text, span.start).max(range.start);
            let line_end = range.start + text[range.clone()].trim_end_matches('\r').len();
            let start = start.min(line_end);
            let end = floor_char(text, span.end.min(line_end).max(start));
            let ex = excerpt(
                &text[range.start..line_end],
                start - range.start,
                end - range.start,
            );
            let gutter = line_no.to_string().len();
            let pad = " ".repeat(gutter);
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{line_no} | {}", ex.shown);
            let carets = "^".repeat(ex.carets);
            let _ = writeln!(out, "{pad} | {}{carets}", " ".repeat(ex.lead));
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

/// At most this many columns of a source line are shown, around the caret.
pub const EXCERPT_COLUMNS: usize = 100;

/// Bytes of a line read on each side of the caret: enough for [`EXCERPT_COLUMNS`] once escaped,
/// whatever the characters (a 4-byte character is at least 1 column, an escape more).
const EXCERPT_BYTES: usize = 4 * EXCERPT_COLUMNS;

/// What a diagnostic shows of its line: the text (escaped, cut with `…`), the caret's column in
/// it and the number of carets.
#[derive(Debug, PartialEq, Eq)]
struct Excerpt {
    shown: String,
    lead: usize,
    carets: usize,
}

/// The part of `line` (without its line break) shown for a span `start..end` of it: at most
/// [`EXCERPT_COLUMNS`] columns around `start`, escaped, with `…` where the line goes on. Reads at
/// most [`EXCERPT_BYTES`] on each side of `start`, so its cost does not grow with the line.
fn excerpt(line: &str, start: usize, end: usize) -> Excerpt {
    const MAX: usize = EXCERPT_COLUMNS;
    let lo = floor_char(line, start.saturating_sub(EXCERPT_BYTES));
    let hi = floor_char(line, start.saturating_add(EXCERPT_BYTES));
    let before = text::escape_controls(&line[lo..start]);
    let marked = text::escape_controls(&line[start..end.clamp(start, hi.max(start))]);
    let after = text::escape_controls(&line[start..hi]);
    let caret = before.width();
    let carets = marked.width().clamp(1, 80);
    let (cut_left, cut_right) = (lo > 0, hi < line.len());
    if !cut_left && !cut_right && caret + after.width() <= MAX {
        return Excerpt {
            shown: format!("{before}{after}"),
            lead: caret,
            carets,
        };
    }
    // Columns [skip, skip + MAX) of the window, a character straddling either edge left out.
    let skip = caret.saturating_sub(MAX / 2);
    let mut shown = String::new();
    let mut col = 0;
    let mut dropped_right = cut_right;
    for ch in before.chars().chain(after.chars()) {
        let w = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        if col >= skip && col + w <= skip + MAX {
            shown.push(ch);
        } else if col + w > skip + MAX {
            dropped_right = true;
            break;
        }
        col += w;
    }
    let mut lead = caret - skip;
    if skip > 0 || cut_left {
        shown.insert(0, '…');
        lead += 1;
    }
    if dropped_right {
        shown.push('…');
    }
    Excerpt { shown, lead, carets }
}

fn floor_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Finds lines in loaded files. The first few look-ups in a file scan it from its start; after
/// that it keeps where the file's lines start, and how many characters come before every
/// [`Lines::CHUNK`] bytes, so that reporting thousands of problems in a 200 MB file, or on one
/// 250 KB line, costs each a few KB of reading, not a scan of the file or the line (nor indexes a
/// file for one problem).
#[derive(Debug, Default)]
pub struct Lines {
    /// Per file: look-ups so far, and its index once made.
    files: std::collections::HashMap<usize, (usize, Option<LineIndex>)>,
}

#[derive(Debug)]
struct LineIndex {
    /// Offsets of the file's `\n`s.
    newlines: Vec<usize>,
    /// `chars[k]`: characters in the first `k * CHUNK` bytes.
    chars: Vec<usize>,
}

/// Characters starting in `bytes` (UTF-8: the bytes that are not continuation bytes).
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let newlines = memchr::memchr_iter(b'\n', bytes).collect();
        let mut chars = Vec::with_capacity(bytes.len() / Lines::CHUNK + 1);
        let mut n = 0;
        chars.push(0);
        for chunk in bytes.chunks(Lines::CHUNK) {
            n += char_starts(chunk);
            chars.push(n);
        }
        LineIndex { newlines, chars }
    }

    /// Characters before byte `at` (a character boundary).
    fn chars_before(&self, text: &str, at: usize) -> usize {
        let k = at / Lines::CHUNK;
        self.chars[k] + char_starts(&text.as_bytes()[k * Lines::CHUNK..at])
    }
}

impl Lines {
    /// Look-ups in a file before its lines are indexed.
    const SCANS: usize = 4;
    /// Bytes between two character counts of the index.
    const CHUNK: usize = 1024;

    fn index<'f>(&mut self, files: &'f [SourceFile], file: usize) -> Option<(&'f str, Option<&LineIndex>)> {
        let text = &files.get(file)?.text;
        let (count, index) = self.files.entry(file).or_default();
        *count += 1;
        if index.is_none() && *count > Self::SCANS {
            *index = Some(LineIndex::new(text));
        }
        Some((text, index.as_ref()))
    }

    /// 1-based line and character column of byte offset `at` of file `file`.
    pub fn line_col(&mut self, files: &[SourceFile], file: usize, at: usize) -> Option<(usize, usize)> {
        let (text, index) = self.index(files, file)?;
        let Some(ix) = index else {
            return Some(line_col(text, at));
        };
        let at = floor_char(text, at);
        let line = ix.newlines.partition_point(|&nl| nl < at);
        let line_start = line
            .checked_sub(1)
            .and_then(|i| ix.newlines.get(i))
            .map_or(0, |nl| nl + 1);
        Some((
            line + 1,
            ix.chars_before(text, at) - ix.chars_before(text, line_start) + 1,
        ))
    }

    /// The 1-based number and the byte range (without its `\n`) of the line holding byte `at`.
    pub fn line_of(&mut self, files: &[SourceFile], file: usize, at: usize) -> Option<(usize, Range<usize>)> {
        let (text, index) = self.index(files, file)?;
        let at = floor_char(text, at);
        let Some(ix) = index else {
            let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
            let line = text.as_bytes()[..start].iter().filter(|b| **b == b'\n').count() + 1;
            return Some((line, start..end));
        };
        let line = ix.newlines.partition_point(|&nl| nl < at);
        let start = line
            .checked_sub(1)
            .and_then(|i| ix.newlines.get(i))
            .map_or(0, |nl| nl + 1);
        let end = ix.newlines.get(line).copied().unwrap_or(text.len());
        Some((line + 1, start..end))
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
    fn columns_on_a_long_line_agree_with_scanning() {
        // Multi-byte characters across many index chunks, on one line after a short one.
        let long: String = (0..3000).map(|i| ["a", "é", "云", "😀"][i % 4]).collect();
        let files = vec![SourceFile {
            name: "k.toml".into(),
            text: format!("x\n{long}\nend"),
        }];
        let text = &files[0].text;
        let mut lines = Lines::default();
        for _ in 0..=Lines::SCANS {
            lines.line_col(&files, 0, 0);
        }
        for (at, _) in text.char_indices().step_by(7).chain([(text.len(), ' ')]) {
            assert_eq!(lines.line_col(&files, 0, at), Some(line_col(text, at)), "{at}");
            let (n, range) = lines.line_of(&files, 0, at).unwrap();
            assert_eq!(n, line_col(text, at).0, "{at}");
            assert!(range.start <= at && at <= range.end && !text[range].contains('\n'));
        }
    }

    /// A problem on a 250 KB line shows ~100 columns around its caret, not the line: the excerpt
    /// (and so the work of rendering it) is bounded whatever the line's length.
    #[test]
    fn excerpt_of_a_long_line_is_cut_around_the_caret() {
        let item = "{ period = \"2025-Q2\", value = 26 }, ";
        let line = format!("points = [{}]", item.repeat(250_000 / item.len()));
        let files = vec![SourceFile {
            name: "k.toml".into(),
            text: format!("[[series]]\n{line}\n"),
        }];
        let text = &files[0].text;
        let mut lines = Lines::default();
        let starts: Vec<usize> = text.match_indices("\"2025-Q2\"").map(|(i, _)| i).collect();
        for (n, &at) in starts.iter().enumerate().step_by(997).chain([(0, &starts[0])]) {
            let d = Diagnostic::error(Some(0), Some(at..at + 9), "two points");
            let r = d.render_in(&files, &mut lines);
            assert!(r.len() < 400, "{n}: {} bytes rendered", r.len());
            let rows: Vec<&str> = r.lines().collect();
            let shown = rows[2].split_once(" | ").unwrap().1;
            let carets = rows[3].split_once(" | ").unwrap().1;
            assert!(shown.width() <= EXCERPT_COLUMNS + 2, "{shown}");
            assert!(shown.ends_with('…'), "the line goes on: {shown}");
            assert_eq!(shown.starts_with('…'), n > 0, "{shown}");
            // The carets stand under the span's text.
            let lead = carets.find('^').unwrap();
            let under: String = shown.chars().skip(lead).take(9).collect();
            assert_eq!(under, "\"2025-Q2\"", "{r}");
            assert_eq!(carets.trim(), "^^^^^^^^^");
        }
    }

    #[test]
    fn excerpt_escapes_and_keeps_short_lines_whole() {
        assert_eq!(
            excerpt("a = \"\x1b[2J\" b", 11, 12),
            Excerpt {
                shown: "a = \"\\u{1b}[2J\" b".into(),
                lead: 16,
                carets: 1
            }
        );
        // A long line of controls: each escape is wider than its byte, and still bounded.
        let line = "\x07".repeat(10_000);
        let ex = excerpt(&line, 5000, 5001);
        assert!(ex.shown.width() <= EXCERPT_COLUMNS + 2, "{}", ex.shown);
        assert!(ex.shown.starts_with('…') && ex.shown.ends_with('…'));
        assert_eq!(&ex.shown[ex.lead + 2..][..7], "\\u{7}\\u", "{ex:?}");
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("a\nbc云d", 7), (2, 4));
        assert_eq!(line_col("", 0), (1, 1));
        assert_eq!(line_col("ab", 99), (1, 3));
    }
}
