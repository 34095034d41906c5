//! Reading a KB: one file, a directory of `.toml` files, or the built-in copy. Each record is
//! deserialized on its own, so one bad record never hides the problems of the next; every problem
//! becomes a [`Diagnostic`] with its exact file, line and column.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use serde_spanned::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::diag::{Diagnostic, SourceFile};
use super::hint;
use super::model::Origin;
use super::{Kb, Kind, PerKind, Record, validate, with_record};
use crate::par;

/// The default KB, compiled into the binary so the app runs with no arguments.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("sources.toml", include_str!("../../assets/kb/sources.toml")),
    ("vendors.toml", include_str!("../../assets/kb/vendors.toml")),
    ("executives.toml", include_str!("../../assets/kb/executives.toml")),
    ("deals.toml", include_str!("../../assets/kb/deals.toml")),
    ("series.toml", include_str!("../../assets/kb/series.toml")),
];

/// Display label of the built-in KB in messages and the status line.
pub const BUILT_IN_LABEL: &str = "built-in";

/// The result of a load: the records that could be read, the files (for rendering diagnostics),
/// and every problem found. A KB is usable only when [`Loaded::error_count`] is zero.
#[derive(Debug)]
pub struct Loaded {
    pub label: String,
    pub kb: Kb,
    pub files: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// A fingerprint of the files' names and bytes, in order (128-bit xxh3, hashed shard by shard
    /// as they are read): what a saved search index is tied to.
    pub fingerprint: u128,
}

impl Loaded {
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }

    pub fn is_ok(&self) -> bool {
        self.error_count() == 0
    }

    /// All diagnostics, rendered, each followed by a blank line.
    pub fn render_diagnostics(&self) -> String {
        self.render_diagnostics_upto(usize::MAX)
    }

    /// The first `max` diagnostics, rendered as [`Loaded::render_diagnostics`] does, then, when
    /// there are more, one line that counts the rest: `note: 9900 more diagnostics not shown
    /// (9900 errors, 0 warnings); …`. Each diagnostic costs the same whatever the file, so the
    /// whole is linear in `max`.
    pub fn render_diagnostics_upto(&self, max: usize) -> String {
        let mut out = String::new();
        let mut lines = super::diag::Lines::default();
        for d in self.diagnostics.iter().take(max) {
            out.push_str(&d.render_in(&self.files, &mut lines));
            out.push('\n');
        }
        let rest = &self.diagnostics[max.min(self.diagnostics.len())..];
        if !rest.is_empty() {
            let errors = rest.iter().filter(|d| d.is_error()).count();
            out.push_str(&format!(
                "note: {} more {} not shown ({}, {}); `marketlens check --all` prints every one\n\n",
                rest.len(),
                if rest.len() == 1 {
                    "diagnostic"
                } else {
                    "diagnostics"
                },
                crate::text::count(errors, "error", "errors"),
                crate::text::count(rest.len() - errors, "warning", "warnings"),
            ));
        }
        out
    }
}

/// How many diagnostics `marketlens check` (and a command refusing an invalid KB) prints before
/// it counts the rest in one line; `check --all` prints every one.
pub const SHOWN_DIAGNOSTICS: usize = 100;

/// Load the built-in KB.
pub fn load_builtin() -> Loaded {
    let files = BUILT_IN
        .iter()
        .map(|(name, text)| SourceFile {
            name: format!("{BUILT_IN_LABEL}:{name}"),
            text: (*text).to_string(),
        })
        .collect();
    load_files(BUILT_IN_LABEL.to_string(), files, Vec::new())
}

/// Load a KB file or directory. Never fails: unreadable paths become diagnostics. Only regular
/// files are read (a FIFO or a device named `*.toml` is reported, never opened), each of at most
/// [`crate::fsutil::max_file_bytes`] (see [`crate::fsutil::read_regular`]).
pub fn load_path(path: &Path) -> Loaded {
    let label = path.display().to_string();
    let mut diags = Vec::new();
    let mut files = Vec::new();
    // Every file is read whole, so there is a limit to what one may hold (see `fsutil`).
    let limit = match crate::fsutil::max_file_bytes() {
        Ok(l) => l,
        Err(msg) => {
            diags.push(Diagnostic::error(None, None, msg));
            return load_files(label, files, diags);
        }
    };
    let paths = match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => {
            let mut found = Vec::new();
            collect_toml(path, &mut found, &mut diags);
            found.sort();
            if found.is_empty() && diags.is_empty() {
                diags.push(Diagnostic::error(
                    None,
                    None,
                    format!("no .toml files in directory `{label}`"),
                ));
            }
            found
        }
        Ok(_) => vec![path.to_path_buf()],
        Err(e) => {
            diags.push(Diagnostic::error(
                None,
                None,
                format!("cannot read `{label}`: {}", io_reason(&e)),
            ));
            Vec::new()
        }
    };
    for p in paths {
        let name = p.display().to_string();
        match crate::fsutil::read_regular_limited(&p, limit) {
            Ok(bytes) => {
                let (text, problem) = decode(bytes);
                files.push(SourceFile { name, text });
                if let Some((span, msg)) = problem {
                    diags.push(Diagnostic::error(Some(files.len() - 1), span, msg));
                }
            }
            Err(e) => {
                files.push(SourceFile {
                    name,
                    text: String::new(),
                });
                diags.push(Diagnostic::error(
                    Some(files.len() - 1),
                    None,
                    format!("cannot read file: {}", e.reason()),
                ));
            }
        }
    }
    load_files(label, files, diags)
}

/// Load one file's bytes, as [`load_path`] would load a file with that content: binary and
/// non-UTF-8 text are reported, not refused. For tests and the fuzz target.
pub fn load_bytes(name: &str, bytes: Vec<u8>) -> Loaded {
    let (text, problem) = decode(bytes);
    let diags = problem
        .map(|(span, msg)| vec![Diagnostic::error(Some(0), span, msg)])
        .unwrap_or_default();
    let file = SourceFile {
        name: name.to_string(),
        text,
    };
    load_files(name.to_string(), vec![file], diags)
}

use crate::fsutil::io_reason;

/// `.toml` files below `dir`, skipping hidden entries (so `.taplo.toml` and editor folders are not
/// mistaken for KB files).
fn collect_toml(dir: &Path, out: &mut Vec<PathBuf>, diags: &mut Vec<Diagnostic>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            diags.push(Diagnostic::error(
                None,
                None,
                format!("cannot read directory `{}`: {}", dir.display(), io_reason(&e)),
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect_toml(&p, out, diags),
            _ if p.extension().is_some_and(|e| e == "toml") => out.push(p),
            _ => {}
        }
    }
}

/// Bytes to text. Binary and non-UTF-8 files are reported at the first offending byte; the text
/// returned is still usable for showing the line.
/// A problem with a file as a whole: where it is (if anywhere) and what it is.
type FileProblem = (Option<Range<usize>>, String);

fn decode(bytes: Vec<u8>) -> (String, Option<FileProblem>) {
    // `contains` is a word-at-a-time scan; `position` only runs on binary files.
    if let Some(nul) = bytes
        .contains(&0)
        .then(|| bytes.iter().position(|b| *b == 0))
        .flatten()
    {
        let text = String::from_utf8_lossy(&bytes[..nul]).into_owned();
        let at = text.len();
        return (
            text,
            Some((
                Some(at..at),
                "this looks like a binary file (it contains a NUL byte); a KB file is TOML text".into(),
            )),
        );
    }
    match String::from_utf8(bytes) {
        Ok(t) => (t, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let byte = e.as_bytes()[at];
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            (
                text,
                Some((
                    Some(at..at + 1),
                    format!("invalid UTF-8 (byte 0x{byte:02X}); save the file as UTF-8"),
                )),
            )
        }
    }
}

/// Target size of the pieces a large file is parsed in. A toml parse tree takes some 20 times the
/// size of its text, and one parse of a 200 MB file runs several times slower per byte than its
/// pieces do, so a file is parsed a shard at a time, on every core, each shard's tree dropped as
/// soon as its records are read. Measured on a 23 MB file, 64 KiB shards took ~20 % less CPU and
/// ~70 MB less memory than 1 MiB ones (their trees stay in cache); smaller ones gained no more.
pub const SHARD_BYTES: usize = 64 << 10;

/// Parse and validate already-read files. `diags` may carry problems found while reading them;
/// files with such problems are not parsed.
pub fn load_files(label: String, files: Vec<SourceFile>, diags: Vec<Diagnostic>) -> Loaded {
    load_files_with(label, files, diags, SHARD_BYTES)
}

/// [`load_files`] with shards of about `shard_bytes` (`usize::MAX`: every file in one piece). The
/// result is the same for any shard size; tests use tiny shards to prove it.
pub fn load_files_with(
    label: String,
    files: Vec<SourceFile>,
    mut diags: Vec<Diagnostic>,
    shard_bytes: usize,
) -> Loaded {
    let mut kb = Kb::default();
    let mut broken = validate::Broken::default();
    let unreadable: Vec<usize> = diags.iter().filter_map(|d| d.file).collect();
    // Every shard of every file is a unit of work, so a directory of small files is read in
    // parallel too.
    let mut units = Vec::new();
    let mut shards_of = vec![0usize; files.len()];
    for (fi, f) in files.iter().enumerate() {
        if unreadable.contains(&fi) {
            broken.unparsed_files = true;
            continue;
        }
        let shards = shards(&f.text, shard_bytes);
        shards_of[fi] = shards.len();
        let whole = shards.len() == 1;
        units.extend(shards.into_iter().map(|r| (fi, r, whole)));
    }
    // Once a shard of a file gives up, the file is read in one piece: skip its other shards.
    let given_up: Vec<AtomicBool> = files.iter().map(|_| AtomicBool::new(false)).collect();
    let read = |(fi, range, whole): &(usize, Range<usize>, bool)| {
        let text = files[*fi].text.get(range.clone()).unwrap_or_default();
        // Hashed here, while the shard is about to be read anyway (and so is in cache).
        let hash = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
        if given_up[*fi].load(Ordering::Relaxed) {
            return Some(Piece {
                fallback: true,
                hash,
                ..Piece::default()
            });
        }
        let piece = read_piece(*fi, text, range.start, *whole);
        if piece.fallback {
            given_up[*fi].store(true, Ordering::Relaxed);
        }
        Some(Piece { hash, ..piece })
    };
    let threads = if units.len() > 1 { par::cores() } else { 1 };
    let pieces = par::map_units(&units, threads, read).unwrap_or_default();
    let mut pieces = pieces.into_iter();
    let mut fingerprint = xxhash_rust::xxh3::Xxh3Default::new();
    for (fi, f) in files.iter().enumerate() {
        let mine: Vec<Piece> = pieces.by_ref().take(shards_of[fi]).collect();
        fingerprint.update(&(f.name.len() as u64).to_le_bytes());
        fingerprint.update(f.name.as_bytes());
        fingerprint.update(&(f.text.len() as u64).to_le_bytes());
        for p in &mine {
            fingerprint.update(&p.hash.to_le_bytes());
        }
        if mine.is_empty() {
            continue;
        }
        // A shard that cannot stand on its own (see `read_piece`) may be an artefact of the split:
        // read the file in one piece, exactly as if it had never been split.
        let mine = if mine.iter().any(|p| p.fallback) {
            drop(mine);
            vec![read_piece(fi, &f.text, 0, true)]
        } else {
            mine
        };
        let before = diags.len();
        for k in Kind::ALL {
            let n: usize = mine.iter().map(|p| p.records.count(k)).sum();
            with_record!(k, R => R::all_mut(&mut kb).reserve(n));
        }
        let mut base = PerKind::<usize>::default();
        let mut any = false;
        let split = mine.len() > 1;
        for mut p in mine {
            if split {
                broken.shards.entry(fi).or_default().push(validate::Shard {
                    range: p.range.clone(),
                    base,
                });
            }
            any |= p.any;
            broken.unparsed_files |= p.unparsed;
            broken.ids.extend(p.broken_ids.into_iter().map(String::from));
            diags.extend(p.diags);
            for (k, b) in base.iter_mut() {
                with_record!(k, R => {
                    append(R::all_mut(&mut kb), std::mem::take(R::all_mut(&mut p.records)), *b)
                });
                *b += p.items[k];
            }
        }
        if !any && diags[before..].iter().all(|d| d.file != Some(fi)) {
            diags.push(Diagnostic::warning(Some(fi), None, "file holds no records"));
        }
    }
    if kb.is_empty() && !diags.iter().any(Diagnostic::is_error) {
        // One file: name it; a directory whose files hold no records: name none of them.
        let file = (files.len() == 1).then_some(0);
        diags.retain(Diagnostic::is_error);
        diags.push(Diagnostic::error(
            file,
            None,
            "the KB has no records; expected tables such as [[source]], [[vendor]], [[deal]]",
        ));
    }
    // Validation and the index build only read the records: run them side by side.
    let index = std::thread::scope(|s| {
        let index = s.spawn(|| kb.compute_index());
        validate::validate(&kb, &files, &broken, &mut diags);
        index.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
    });
    kb.set_index(index);
    // Report in reading order, as a compiler does; the sort is stable for problems at one place.
    diags.sort_by_key(|d| {
        (
            d.file.map_or(0, |f| f + 1),
            d.span.as_ref().map_or(0, |s| s.start),
        )
    });
    Loaded {
        label,
        kb,
        files,
        diagnostics: diags,
        fingerprint: fingerprint.digest128(),
    }
}

/// Move a shard's records into the KB, making their per-shard indexes per-file.
fn append<R: Record>(into: &mut Vec<R>, records: Vec<R>, base: usize) {
    for mut r in records {
        r.origin_mut().index += base;
        into.push(r);
    }
}

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
fn shards(text: &str, shard_bytes: usize) -> Vec<Range<usize>> {
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

/// The record tables in words: "[[source]], [[vendor]] … and [[series]]".
fn tables_in_words() -> String {
    let tables: Vec<String> = Kind::ALL.iter().map(|k| format!("[[{}]]", k.table())).collect();
    match tables.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Whether the first line of `text` that is not blank or a comment is a table header.
fn starts_with_header(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines()
        .map(|l| l.trim_start_matches([' ', '\t']))
        .find(|l| !(l.is_empty() || l == &"\r" || l.starts_with('#')))
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

/// What one shard (or a whole file) holds: its records, with spans in file offsets and indexes
/// counted within the shard, and its problems.
#[derive(Default)]
struct Piece<'t> {
    /// Where the piece is in its file.
    range: Range<usize>,
    /// Its records, in lists per kind (no index).
    records: Kb,
    /// Items per kind, read or not: the next shard's indexes start there.
    items: PerKind<usize>,
    /// Ids of records that failed to read, so references to them are not reported.
    broken_ids: Vec<std::borrow::Cow<'t, str>>,
    diags: Vec<Diagnostic>,
    /// Whether any kind had any item.
    any: bool,
    /// The text did not parse.
    unparsed: bool,
    /// A shard that cannot stand for itself: read the whole file instead.
    fallback: bool,
    /// xxh3 of the shard's bytes.
    hash: u64,
}

/// Read the records of `text`, which starts at byte `offset` of file `fi`. `whole`: `text` is the
/// whole file; otherwise it is a shard, given up (`fallback`) at the first sign that reading it on
/// its own could differ from reading the file (see [`shards`]).
fn read_piece(fi: usize, text: &str, offset: usize, whole: bool) -> Piece<'_> {
    let mut p = Piece {
        range: offset..offset + text.len(),
        ..Piece::default()
    };
    let at = |s: Range<usize>| s.start + offset..s.end + offset;
    let (table, errors) = DeTable::parse_recoverable(text);
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
                read_record(item, origin, offset, into, &mut p.broken_ids, &mut p.diags);
            }
        });
    }
    p
}

fn read_record<'t, T: Record>(
    item: Spanned<DeValue<'t>>,
    origin: Origin,
    offset: usize,
    into: &mut Vec<T>,
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
    match T::deserialize(ValueDeserializer::from(item)) {
        Ok(mut r) => {
            *r.origin_mut() = origin;
            into.push(r);
        }
        Err(e) => {
            broken_ids.extend(id);
            diags.push(toml_diag(origin.file, &e, offset, origin.span.clone()));
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
