//! Reading a KB: one file, a directory of `.toml` files, or the built-in copy. Each record is
//! deserialized on its own, so one bad record never hides the problems of the next; every problem
//! becomes a [`Diagnostic`] with its exact file, line and column.
//!
//! Here: finding and decoding the files, and putting the pieces together (`load_files_with`);
//! where a big file is cut to be read on every core in `shards`; reading one piece of TOML into
//! records and diagnostics in `piece`.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use super::diag::{Diagnostic, SourceFile};
use super::{Kb, Kind, PerKind, Record, validate, with_record};
use crate::par;

mod piece;
mod shards;

use piece::{Piece, read_piece};
pub(crate) use shards::record_end;
use shards::shards;

/// The default KB, compiled into the binary so the app runs with no arguments.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("entities.toml", include_str!("../../../assets/kb/entities.toml")),
    ("series.toml", include_str!("../../../assets/kb/series.toml")),
    ("deals.toml", include_str!("../../../assets/kb/deals.toml")),
    ("facts.toml", include_str!("../../../assets/kb/facts.toml")),
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

/// The saved views' file in a KB folder (`view::saved`): not a KB file, so never loaded as one.
pub const VIEWS_FILE: &str = "views.toml";

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
            // Saved views live beside the KB's files (`view::saved`), and are not records.
            found.retain(|p| p != &path.join(VIEWS_FILE));
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
    for p in &paths {
        let name = p.display().to_string();
        match crate::fsutil::read_regular_limited(p, limit) {
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
    // Archived articles are named relative to the KB: the folder, or a one-file KB's folder.
    let root = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let mut loaded = load_files_in(label, files, diags, SHARD_BYTES, Some(&root));
    loaded.kb.paths = paths;
    loaded
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
    diags: Vec<Diagnostic>,
    shard_bytes: usize,
) -> Loaded {
    load_files_in(label, files, diags, shard_bytes, None)
}

/// [`load_files_with`], and with `root` (the KB's folder) the quotes checked against the archived
/// articles the sources name (`validate::verify_quotes`).
fn load_files_in(
    label: String,
    files: Vec<SourceFile>,
    mut diags: Vec<Diagnostic>,
    shard_bytes: usize,
    root: Option<&Path>,
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
    kb.formats = vec![1; files.len()];
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
            any |= p.any || !p.fx.is_empty();
            if let Some(f) = p.format {
                kb.formats[fi] = f;
            }
            kb.fx.append(&mut p.fx);
            broken.unparsed_files |= p.unparsed;
            broken.partial_errors.append(&mut p.partial_errors);
            broken.ids.extend(p.broken_ids.into_iter().map(String::from));
            diags.extend(p.diags);
            for (k, b) in base.iter_mut() {
                with_record!(k, R => {
                    append(R::all_mut(&mut kb), std::mem::take(R::all_mut(&mut p.records)), *b);
                    append(R::all_mut(&mut broken.partials), std::mem::take(R::all_mut(&mut p.partials)), *b);
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
    let (index, archives) = std::thread::scope(|s| {
        let index = s.spawn(|| kb.compute_index());
        validate::validate(&kb, &files, &broken, &mut diags);
        let archives = root
            .map(|root| validate::verify_quotes(&kb, &files, &broken, root, &mut diags))
            .unwrap_or_default();
        (
            index.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            archives,
        )
    });
    kb.set_index(index);
    kb.archives = archives;
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
