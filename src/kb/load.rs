//! Reading a KB: one file, a directory of `.toml` files, or the built-in copy. Each record is
//! deserialized on its own, so one bad record never hides the problems of the next; every problem
//! becomes a [`Diagnostic`] with its exact file, line and column.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_spanned::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::diag::{Diagnostic, SourceFile};
use super::hint;
use super::model::{Deal, Executive, Origin, Series, Source, Vendor};
use super::{Kb, Kind, validate};

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
        let mut out = String::new();
        for d in &self.diagnostics {
            out.push_str(&d.render(&self.files));
            out.push('\n');
        }
        out
    }
}

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

/// Load a KB file or directory. Never fails: unreadable paths become diagnostics.
pub fn load_path(path: &Path) -> Loaded {
    let label = path.display().to_string();
    let mut diags = Vec::new();
    let mut files = Vec::new();
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
        match std::fs::read(&p) {
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
                    format!("cannot read file: {}", io_reason(&e)),
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

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

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
    if let Some(nul) = bytes.iter().position(|b| *b == 0) {
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

/// Parse and validate already-read files. `diags` may carry problems found while reading them;
/// files with such problems are not parsed.
pub fn load_files(label: String, files: Vec<SourceFile>, mut diags: Vec<Diagnostic>) -> Loaded {
    let mut kb = Kb::default();
    let mut broken = validate::Broken::default();
    let unreadable: Vec<usize> = diags.iter().filter_map(|d| d.file).collect();
    for (fi, f) in files.iter().enumerate() {
        if unreadable.contains(&fi) {
            broken.unparsed_files = true;
            continue;
        }
        parse_file(fi, &f.text, &mut kb, &mut broken, &mut diags);
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
    validate::validate(&kb, &files, &broken, &mut diags);
    // Report in reading order, as a compiler does; the sort is stable for problems at one place.
    diags.sort_by_key(|d| {
        (
            d.file.map_or(0, |f| f + 1),
            d.span.as_ref().map_or(0, |s| s.start),
        )
    });
    kb.build_index();
    Loaded {
        label,
        kb,
        files,
        diagnostics: diags,
    }
}

fn parse_file(
    fi: usize,
    text: &str,
    kb: &mut Kb,
    broken: &mut validate::Broken,
    diags: &mut Vec<Diagnostic>,
) {
    let (table, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        broken.unparsed_files = true;
        for e in &errors {
            diags.push(toml_diag(fi, e, 0..0));
        }
        return;
    }
    let mut table = table.into_inner();
    let mut any = false;
    for (key, value) in table.iter_mut() {
        let name: &str = key.get_ref();
        let Some(kind) = Kind::from_table(name) else {
            if !matches!(value.get_ref(), DeValue::Table(_) | DeValue::Array(_)) {
                diags.push(Diagnostic::error(
                    Some(fi),
                    Some(key.span()),
                    format!("unexpected key `{name}` at the top level; fields belong inside a record such as [[vendor]]"),
                ));
                continue;
            }
            let names: Vec<&str> = Kind::ALL.iter().map(|k| k.table()).collect();
            let help = hint::did_you_mean(name, &names)
                .or_else(|| names.iter().copied().find(|n| name.trim_end_matches('s') == *n))
                .map(|n| format!("did you mean `[[{n}]]`?"));
            diags.push(
                Diagnostic::error(Some(fi), Some(key.span()), format!("unknown table `{name}`; a KB file holds [[source]], [[vendor]], [[executive]], [[deal]] and [[series]]"))
                    .with_help(help),
            );
            continue;
        };
        let span = value.span();
        let DeValue::Array(items) = value.get_mut() else {
            diags.push(Diagnostic::error(
                Some(fi),
                Some(key.span()),
                format!(
                    "`{name}` must be an array of tables: write each record under its own `[[{name}]]` header"
                ),
            ));
            continue;
        };
        any |= !items.is_empty();
        for (index, item) in items.iter_mut().enumerate() {
            let item = std::mem::replace(item, Spanned::new(span.clone(), DeValue::Boolean(false)));
            let origin = Origin {
                file: fi,
                index,
                span: item.span(),
            };
            match kind {
                Kind::Source => read_record(
                    item,
                    origin,
                    &mut kb.sources,
                    broken,
                    diags,
                    |r: &mut Source, o| r.origin = o,
                ),
                Kind::Vendor => read_record(
                    item,
                    origin,
                    &mut kb.vendors,
                    broken,
                    diags,
                    |r: &mut Vendor, o| r.origin = o,
                ),
                Kind::Executive => read_record(
                    item,
                    origin,
                    &mut kb.executives,
                    broken,
                    diags,
                    |r: &mut Executive, o| r.origin = o,
                ),
                Kind::Deal => read_record(item, origin, &mut kb.deals, broken, diags, |r: &mut Deal, o| {
                    r.origin = o
                }),
                Kind::Series => read_record(
                    item,
                    origin,
                    &mut kb.series,
                    broken,
                    diags,
                    |r: &mut Series, o| r.origin = o,
                ),
            }
        }
    }
    if !any && diags.iter().all(|d| d.file != Some(fi)) {
        diags.push(Diagnostic::warning(Some(fi), None, "file holds no records"));
    }
}

fn read_record<T: DeserializeOwned>(
    item: Spanned<DeValue<'_>>,
    origin: Origin,
    into: &mut Vec<T>,
    broken: &mut validate::Broken,
    diags: &mut Vec<Diagnostic>,
    set_origin: impl Fn(&mut T, Origin),
) {
    if !item.get_ref().is_table() {
        diags.push(Diagnostic::error(
            Some(origin.file),
            Some(origin.span),
            format!("expected a table (a record), found {}", item.get_ref().type_str()),
        ));
        return;
    }
    // Remember the id of a record that fails to read, so references to it are not reported too.
    let id = item
        .get_ref()
        .get("id")
        .and_then(|v| v.get_ref().as_str())
        .map(str::to_string);
    match T::deserialize(ValueDeserializer::from(item)) {
        Ok(mut r) => {
            set_origin(&mut r, origin);
            into.push(r);
        }
        Err(e) => {
            if let Some(id) = id {
                broken.ids.insert(id);
            }
            diags.push(toml_diag(origin.file, &e, origin.span.clone()));
        }
    }
}

/// A toml/serde error as a diagnostic, with a "did you mean" for unknown names.
fn toml_diag(fi: usize, e: &toml::de::Error, fallback: Range<usize>) -> Diagnostic {
    let raw = e.message().trim();
    let (msg, mut help) = match raw.split_once("; did you mean ") {
        Some((m, h)) => (m.to_string(), Some(format!("did you mean {h}"))),
        None => (raw.to_string(), None),
    };
    if help.is_none() {
        help = hint::for_unknown_name(&msg);
    }
    Diagnostic::error(Some(fi), Some(e.span().unwrap_or(fallback)), msg).with_help(help)
}
