//! Where to cut a big file so that its pieces are read on every core, each piece reading to
//! exactly the records the whole file would (see [`shards`]).

use std::ops::Range;

use crate::kb::Kind;

/// Where to cut `text`: byte ranges of about `shard_bytes`, each but the first starting at a line
/// that is exactly a record header (`[[vendor]]`, maybe indented, maybe with a comment).
///
/// Why a shard parses to the same records as the whole file, or else is not used:
/// * A record, with its `[vendor.x]` and `[[series.points]]` sub-tables, runs from its header to
///   the next record header, so cutting only at record headers keeps records whole.
/// * A "header" line that is really inside a multi-line string or array leaves the shard before it
///   unterminated: a parse error, on which the file is read in one piece (`Piece::fallback`).
/// * Top-level keys (`vendor = [{ … }]`, dotted `deal.x = 1`) could combine with a header in
///   another shard; they can only come before the first header, so a file is split only when its
///   first line that is not blank or a comment is a header.
/// * Anything at the top level of a shard but arrays of records of the five kinds (`[meta]` twice,
///   `[vendor]`, a sub-table whose record is in another shard, a misspelt kind) is an error or a
///   combination across shards: the file is read in one piece then too.
pub(super) fn shards(text: &str, shard_bytes: usize) -> Vec<Range<usize>> {
    let shard_bytes = shard_bytes.max(1);
    if text.len() <= shard_bytes || !starts_with_header(text) {
        return std::iter::once(0..text.len()).collect();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(text.len() / shard_bytes + 1);
    let mut start = 0usize;
    loop {
        let target = start.saturating_add(shard_bytes);
        if target >= text.len() {
            break;
        }
        // The first whole line at or after `target`.
        let Some(nl) = bytes[target - 1..].iter().position(|b| *b == b'\n') else {
            break;
        };
        let mut line = target + nl;
        let mut cut = None;
        while line < text.len() {
            let end = bytes[line..]
                .iter()
                .position(|b| *b == b'\n')
                .map_or(text.len(), |i| line + i);
            if record_header(&bytes[line..end]) {
                cut = Some(line);
                break;
            }
            line = end + 1;
        }
        let Some(cut) = cut else { break };
        out.push(start..cut);
        start = cut;
    }
    out.push(start..text.len());
    out
}

/// Where the record whose header line starts at or before `from` ends: the start of the next line
/// after `from`'s that is exactly a record header, or the end of `text`. A record with its
/// sub-tables (`[[series.points]]`) runs from its header to there, so that slice reads alone to the
/// same record, as a shard does (`kb::locate` finds a point's line in it).
pub(crate) fn record_end(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let Some(nl) = bytes.get(from..).and_then(|b| memchr::memchr(b'\n', b)) else {
        return text.len();
    };
    let mut line = from + nl + 1;
    while line < text.len() {
        let end = memchr::memchr(b'\n', &bytes[line..]).map_or(text.len(), |i| line + i);
        if record_header(&bytes[line..end]) {
            return line;
        }
        line = end + 1;
    }
    text.len()
}

/// Whether the first line of `text` that is not blank, a comment or the `format = N` line is a
/// table header. (`format = N` is a plain value: it cannot combine with a header in another shard.)
fn starts_with_header(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let format_line = |l: &str| {
        l.strip_prefix("format")
            .map(|r| r.trim_start_matches([' ', '\t']))
            .and_then(|r| r.strip_prefix('='))
            .map(|r| r.split('#').next().unwrap_or("").trim())
            .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
    };
    text.lines()
        .map(|l| l.trim_start_matches([' ', '\t']))
        .find(|l| !(l.is_empty() || l == &"\r" || l.starts_with('#') || format_line(l)))
        .is_some_and(|l| l.starts_with('['))
}

/// Whether `line` (without its `\n`) is exactly a header of one of the five record kinds: spaces and
/// tabs around it and inside the brackets, then nothing or a comment.
fn record_header(line: &[u8]) -> bool {
    let blank = |b: &u8| *b == b' ' || *b == b'\t';
    let skip = |s: &[u8]| -> usize { s.iter().take_while(|b| blank(b)).count() };
    let mut at = skip(line);
    let Some(rest) = line[at..].strip_prefix(b"[[") else {
        return false;
    };
    at = line.len() - rest.len();
    at += skip(&line[at..]);
    let Some(kind) = Kind::ALL
        .iter()
        .find(|k| line[at..].starts_with(k.table().as_bytes()))
    else {
        return false;
    };
    at += kind.table().len();
    at += skip(&line[at..]);
    let Some(rest) = line[at..].strip_prefix(b"]]") else {
        return false;
    };
    let rest = &rest[skip(rest)..];
    rest.is_empty() || rest == b"\r" || rest.starts_with(b"#")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leading_format_line_still_lets_a_file_be_cut() {
        assert!(starts_with_header("format = 2\n\n[[vendor]]\n"));
        assert!(starts_with_header("# KB\nformat=2 # v2\n[[source]]\n"));
        assert!(!starts_with_header("format = \"2\"\n[[vendor]]\n"));
        assert!(!starts_with_header("format = 2\nother = 1\n[[vendor]]\n"));
        let text = format!("format = 2\n{}", "[[vendor]]\nid = \"v\"\n".repeat(200));
        assert!(shards(&text, 100).len() > 1);
    }
}
