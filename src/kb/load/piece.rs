//! Reading one piece of TOML (a whole file or a shard of one) into records and diagnostics: each
//! record deserialized on its own, so one bad record never hides the problems of the next.

use std::ops::Range;

use serde_spanned::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::kb::diag::Diagnostic;
use crate::kb::fx::{self, Fx};
use crate::kb::hint;
use crate::kb::model::Origin;
use crate::kb::{Kb, Kind, PerKind, Record, with_record};

/// The record tables in words: "[[source]], [[vendor]] … and [[series]]".
fn tables_in_words() -> String {
    let tables: Vec<String> = Kind::ALL.iter().map(|k| format!("[[{}]]", k.table())).collect();
    match tables.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// What one shard (or a whole file) holds: its records, with spans in file offsets and indexes
/// counted within the shard, and its problems.
#[derive(Default)]
pub(super) struct Piece<'t> {
    /// Where the piece is in its file.
    pub(super) range: Range<usize>,
    /// Its records, in lists per kind (no index).
    pub(super) records: Kb,
    /// Records that did not read, as far as they read (see `peel`): checked, never loaded.
    pub(super) partials: Kb,
    /// Where each partial record's reading errors are: (file, record start, error start).
    pub(super) partial_errors: Vec<(usize, usize, usize)>,
    /// Items per kind, read or not: the next shard's indexes start there.
    pub(super) items: PerKind<usize>,
    /// Ids of records that failed to read, so references to them are not reported.
    pub(super) broken_ids: Vec<std::borrow::Cow<'t, str>>,
    pub(super) diags: Vec<Diagnostic>,
    /// Whether any kind had any item.
    pub(super) any: bool,
    /// The text did not parse.
    pub(super) unparsed: bool,
    /// A shard that cannot stand for itself: read the whole file instead.
    pub(super) fallback: bool,
    /// xxh3 of the shard's bytes.
    pub(super) hash: u64,
    /// The file's `format = N`, if this piece holds it.
    pub(super) format: Option<u8>,
    /// Its `[[fx]]` rates that read.
    pub(super) fx: Vec<Fx>,
}

/// Read the records of `text`, which starts at byte `offset` of file `fi`. `whole`: `text` is the
/// whole file; otherwise it is a shard, given up (`fallback`) at the first sign that reading it on
/// its own could differ from reading the file (see [`shards`]).
pub(super) fn read_piece(fi: usize, text: &str, offset: usize, whole: bool) -> Piece<'_> {
    let mut p = Piece {
        range: offset..offset + text.len(),
        ..Piece::default()
    };
    let at = |s: Range<usize>| s.start + offset..s.end + offset;
    let (table, errors) = DeTable::parse_recoverable(text);
    let mut again = Again { text, parsed: None };
    if !errors.is_empty() {
        if !whole {
            p.fallback = true;
            return p;
        }
        p.unparsed = true;
        // The parser's "recursion limit" (a key of too many dotted parts) has no span: find the
        // keys it means ourselves, in order.
        let mut deep = deep_keys(text).into_iter();
        for e in &errors {
            let recursion = e.span().is_none() && e.message().trim() == "recursion limit";
            let d = match recursion.then(|| deep.next()).flatten() {
                Some(k) => Diagnostic::error(
                    Some(fi),
                    Some(at(k.span)),
                    format!(
                        "{} has {} dotted parts; at most {MAX_KEY_PARTS} are supported",
                        if k.header { "this table header" } else { "this key" },
                        k.parts
                    ),
                )
                .with_help(Some(
                    "nest fewer tables, or quote a part that holds dots: \"a.b\" is one part".into(),
                )),
                None => toml_diag(fi, e, offset, offset..offset),
            };
            p.diags.push(d);
        }
        return p;
    }
    for (key, value) in table.into_inner() {
        let name: &str = key.get_ref();
        if name == "format" {
            p.format = read_format(fi, &value, at(value.span()), &mut p.diags);
            continue;
        }
        if name == "fx" {
            read_fx(fi, value, offset, &mut p);
            continue;
        }
        let Some(kind) = Kind::from_table(name) else {
            if !whole {
                p.fallback = true;
                return p;
            }
            if !matches!(value.get_ref(), DeValue::Table(_) | DeValue::Array(_)) {
                p.diags.push(Diagnostic::error(
                    Some(fi),
                    Some(at(key.span())),
                    format!("unexpected key `{name}` at the top level; fields belong inside a record such as [[vendor]]"),
                ));
                continue;
            }
            let names: Vec<&str> = Kind::ALL.iter().map(|k| k.table()).collect();
            let help = hint::did_you_mean(name, &names)
                .or_else(|| names.iter().copied().find(|n| name.trim_end_matches('s') == *n))
                .map(|n| format!("did you mean `[[{n}]]`?"));
            p.diags.push(
                Diagnostic::error(
                    Some(fi),
                    Some(at(key.span())),
                    format!("unknown table `{name}`; a KB file holds {}", tables_in_words()),
                )
                .with_help(help),
            );
            continue;
        };
        let DeValue::Array(items) = value.into_inner() else {
            if !whole {
                p.fallback = true;
                return p;
            }
            p.diags.push(Diagnostic::error(
                Some(fi),
                Some(at(key.span())),
                format!(
                    "`{name}` must be an array of tables: write each record under its own `[[{name}]]` header"
                ),
            ));
            continue;
        };
        p.any |= !items.is_empty();
        p.items[kind] = items.len();
        with_record!(kind, R => {
            let into = R::all_mut(&mut p.records);
            into.reserve(items.len());
            for (index, item) in items.into_iter().enumerate() {
                let origin = Origin {
                    file: fi,
                    index,
                    span: at(item.span()),
                };
                let partials = (R::all_mut(&mut p.partials), &mut p.partial_errors);
                read_record(&mut again, (item, origin), offset, into, partials, &mut p.broken_ids, &mut p.diags);
            }
        });
    }
    p
}

/// The piece parsed a second time, at the first record that fails to read: the records as
/// parsed, for peeling (the first parse's records are consumed as they are read).
struct Again<'t> {
    text: &'t str,
    parsed: Option<Option<DeTable<'t>>>,
}

impl<'t> Again<'t> {
    fn item(&mut self, table: &str, index: usize) -> Option<Spanned<DeValue<'t>>> {
        let text = self.text;
        let parsed = self
            .parsed
            .get_or_insert_with(|| DeTable::parse(text).ok().map(Spanned::into_inner))
            .as_ref()?;
        let items = parsed
            .iter()
            .find(|(k, _)| k.get_ref() == table)?
            .1
            .get_ref()
            .as_array()?;
        items.get(index).cloned()
    }
}

fn read_record<'t, T: Record>(
    again: &mut Again<'t>,
    (item, origin): (Spanned<DeValue<'t>>, Origin),
    offset: usize,
    into: &mut Vec<T>,
    (partials, partial_errors): (&mut Vec<T>, &mut Vec<(usize, usize, usize)>),
    broken_ids: &mut Vec<std::borrow::Cow<'t, str>>,
    diags: &mut Vec<Diagnostic>,
) {
    if !item.get_ref().is_table() {
        diags.push(Diagnostic::error(
            Some(origin.file),
            Some(origin.span),
            format!("expected a table (a record), found {}", item.get_ref().type_str()),
        ));
        return;
    }
    // Remember the id of a record that fails to read, so references to it are not reported too
    // (borrowed from the text, so a record that reads costs nothing for it).
    let id = match item.get_ref().get("id").map(|v| v.get_ref()) {
        Some(DeValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    // Every bad field of the record is reported, not only the first (see `peel`). The record is
    // consumed by its first reading; only one that fails is fetched again, from a second parse of
    // the piece made at its first failure.
    let peeled = match T::deserialize(ValueDeserializer::from(item)) {
        Ok(r) => crate::kb::peel::Peeled {
            record: Some(r),
            partial: None,
            errors: Vec::new(),
        },
        Err(first) => match again.item(T::KIND.table(), origin.index) {
            Some(pristine) => crate::kb::peel::read_after::<T>(first, pristine),
            None => crate::kb::peel::Peeled {
                record: None,
                partial: None,
                errors: vec![first],
            },
        },
    };
    match peeled.record {
        Some(mut r) => {
            *r.origin_mut() = origin;
            into.push(r);
        }
        None => {
            broken_ids.extend(id);
            for e in &peeled.errors {
                diags.push(toml_diag(origin.file, e, offset, origin.span.clone()));
            }
            if let Some(mut r) = peeled.partial {
                for d in &diags[diags.len() - peeled.errors.len()..] {
                    if let Some(s) = &d.span {
                        partial_errors.push((origin.file, origin.span.start, s.start));
                    }
                }
                *r.origin_mut() = origin;
                partials.push(r);
            }
        }
    }
}

/// The formats this version reads (`format = 2` at the top of a file; none means 1).
pub const FORMATS: [u8; 2] = [1, 2];

/// `format = N`: which version of the format the file is written in.
fn read_format(
    fi: usize,
    value: &Spanned<DeValue<'_>>,
    span: Range<usize>,
    diags: &mut Vec<Diagnostic>,
) -> Option<u8> {
    let n = match value.get_ref() {
        DeValue::Integer(i) => i.as_str().parse::<u8>().ok(),
        _ => None,
    };
    match n {
        Some(n) if FORMATS.contains(&n) => Some(n),
        _ => {
            let shown = crate::text::escape_controls(value.get_ref().type_str());
            let msg = match value.get_ref() {
                DeValue::Integer(i) => format!(
                    "unknown format `{}`: this version of marketlens reads formats 1 and 2",
                    crate::text::escape_controls(i.as_str())
                ),
                _ => format!("`format` must be a number such as `format = 2`, found {shown}"),
            };
            diags.push(Diagnostic::error(Some(fi), Some(span), msg));
            None
        }
    }
}

/// `[[fx]]` rates: each read on its own, its pair and rate checked here where the spans are.
fn read_fx(fi: usize, value: Spanned<DeValue<'_>>, offset: usize, p: &mut Piece<'_>) {
    let at = |s: Range<usize>| s.start + offset..s.end + offset;
    let span = at(value.span());
    let DeValue::Array(items) = value.into_inner() else {
        p.diags.push(Diagnostic::error(
            Some(fi),
            Some(span),
            "`fx` must be an array of tables: write each rate under its own `[[fx]]` header".to_string(),
        ));
        return;
    };
    for (index, item) in items.into_iter().enumerate() {
        let whole = at(item.span());
        let field = |name: &str| match item.get_ref() {
            DeValue::Table(t) => t
                .iter()
                .find(|(k, _)| k.get_ref() == name)
                .map(|(_, v)| at(v.span())),
            _ => None,
        };
        let (pair_at, rate_at) = (field("pair"), field("rate"));
        let peeled = crate::kb::peel::read::<Fx>(item);
        for e in &peeled.errors {
            p.diags.push(toml_diag(fi, e, offset, whole.clone()));
        }
        let Some(mut f) = peeled.record else { continue };
        let mut ok = true;
        if let Err(msg) = fx::parse_pair(&f.pair) {
            p.diags.push(Diagnostic::error(
                Some(fi),
                pair_at.or(Some(whole.clone())),
                crate::text::escape_controls(&msg).into_owned(),
            ));
            ok = false;
        }
        if !(f.rate.is_finite() && f.rate > 0.0) {
            p.diags.push(Diagnostic::error(
                Some(fi),
                rate_at.or(Some(whole.clone())),
                format!("a rate must be a positive number (got {})", f.rate),
            ));
            ok = false;
        }
        if ok {
            f.origin = Origin {
                file: fi,
                index,
                span: whole,
            };
            p.fx.push(f);
        }
    }
}

/// The most dotted parts the TOML parser reads in one key or table header (its nesting limit).
const MAX_KEY_PARTS: usize = 80;

/// A key or table header of more than [`MAX_KEY_PARTS`] parts.
#[derive(Debug, PartialEq, Eq)]
struct DeepKey {
    /// From its first part to its last (not the brackets).
    span: Range<usize>,
    parts: usize,
    /// A `[table]` or `[[array]]` header rather than a `key = value`.
    header: bool,
}

/// Every run of dotted key parts (bare or quoted, spaces allowed around the dots) of more than
/// [`MAX_KEY_PARTS`] parts, in order: what toml's "recursion limit" error, which has no
/// position, is about. Strings (multi-line ones too) and comments are skipped. Hand-written
/// because the parser gives no position for it, and this needs only to find runs of
/// `part.part.part`, never to judge the rest of the syntax.
fn deep_keys(text: &str) -> Vec<DeepKey> {
    /// The run being read: its start, its end so far and the dots seen.
    type Run = Option<(usize, usize, usize)>;
    fn close(run: &mut Run, found: &mut Vec<DeepKey>, header: bool) {
        if let Some((start, end, dots)) = run.take()
            && dots >= MAX_KEY_PARTS
        {
            found.push(DeepKey {
                span: start..end,
                parts: dots + 1,
                header,
            });
        }
    }
    fn extend(run: &mut Run, from: usize, to: usize) {
        match run {
            Some((_, end, _)) => *end = to,
            None => *run = Some((from, to, 0)),
        }
    }
    let b = text.as_bytes();
    let mut found = Vec::new();
    let mut run: Run = None;
    // Whether the line opened with `[` (a header), and whether anything but blanks came yet.
    let (mut header, mut line_start) = (false, true);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'"' | b'\'' => {
                let multi = b[i..].starts_with(&[c, c, c]);
                let from = i;
                i += if multi { 3 } else { 1 };
                while i < b.len() {
                    if c == b'"' && b[i] == b'\\' {
                        i += 2;
                    } else if !multi && b[i] == b'\n' {
                        break;
                    } else if b[i] == c && (!multi || b[i..].starts_with(&[c, c, c])) {
                        i += if multi { 3 } else { 1 };
                        break;
                    } else {
                        i += 1;
                    }
                }
                i = i.min(b.len());
                extend(&mut run, from, i);
                line_start = false;
                continue;
            }
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' => {
                extend(&mut run, i, i + 1);
                line_start = false;
            }
            b'.' if run.is_some() => {
                if let Some((_, _, dots)) = &mut run {
                    *dots += 1;
                }
            }
            b' ' | b'\t' => {}
            b'#' => {
                close(&mut run, &mut found, header);
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            _ => {
                close(&mut run, &mut found, header);
                if c == b'\n' {
                    (header, line_start) = (false, true);
                } else {
                    header = c == b'[' && (line_start || header);
                    line_start = false;
                }
            }
        }
        i += 1;
    }
    close(&mut run, &mut found, header);
    found
}

/// A toml/serde error as a diagnostic, with a "did you mean" for unknown names.
/// `offset`: where the parsed text starts in the file; `fallback`: the span (in the file) to report
/// when the error has none.
fn toml_diag(fi: usize, e: &toml::de::Error, offset: usize, fallback: Range<usize>) -> Diagnostic {
    let raw = e.message().trim();
    let (msg, mut help) = match raw.split_once("; did you mean ") {
        Some((m, h)) => (m.to_string(), Some(format!("did you mean {h}"))),
        None => (raw.to_string(), None),
    };
    if help.is_none() {
        help = hint::for_unknown_name(&msg);
    }
    Diagnostic::error(
        Some(fi),
        Some(e.span().map_or(fallback, |s| s.start + offset..s.end + offset)),
        msg,
    )
    .with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_keys_finds_long_dotted_runs_and_skips_strings_and_comments() {
        let parts = |n: usize, p: &str| vec![p; n].join(".");
        let text = format!(
            "# {c}\nx = \"{s}\"\ny = '''\n{s}\n'''\n[{h}]\n  {q} = 1\nok.{short} = 2\n",
            c = parts(100, "c"),
            s = parts(100, "s"),
            h = parts(81, "a"),
            q = parts(90, "\"q.q\""),
            short = parts(79, "b"),
        );
        let found = deep_keys(&text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].header && found[0].parts == 81);
        assert_eq!(&text[found[0].span.clone()], parts(81, "a"));
        assert!(!found[1].header && found[1].parts == 90);
        assert_eq!(&text[found[1].span.clone()], parts(90, "\"q.q\""));
    }
}
