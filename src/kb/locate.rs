//! Where a record is written: its file on disk and the line of its header, or of one entry of its
//! lists (a series point, a career move), for opening it in an editor (`o` in the explorer).
//!
//! A loaded record remembers its file and its header's span (`Origin`), not its line: lines are
//! counted only when asked, here as for diagnostics (`diag::line_col`). An entry's line is found
//! as the validator finds a field (`validate::walk`), in the record's own text: from its header to
//! the next record header, which reads alone to the same record (see `load::record_end`). The file
//! is read again, since the KB keeps no text; if it changed since it was loaded (an edit the
//! watcher has not reloaded yet), the record is looked for by its id in the whole file instead.

use std::path::PathBuf;

use serde_spanned::Spanned;
use toml::de::{DeTable, DeValue};

use super::validate::{Seg, walk};
use super::{Kb, Kind, Record, with_record};
use crate::text::escape_controls;

/// An entry of a record's lists, by its position as written (not as shown: the detail sorts
/// points by period and moves by date).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// `points[i]` of a series.
    Point(usize),
    /// `career[i]` of an executive.
    Move(usize),
}

impl Entry {
    fn path(self) -> [Seg; 2] {
        match self {
            Entry::Point(i) => [Seg::Key("points"), Seg::Index(i)],
            Entry::Move(i) => [Seg::Key("career"), Seg::Index(i)],
        }
    }
}

/// Where to open: a file and a 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub path: PathBuf,
    pub line: usize,
}

/// Why a record has no place to open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unplaced {
    /// The KB was not read from files (the built-in one).
    NotOnDisk,
    /// No record of that kind has that id.
    NoRecord,
    /// The file could not be read again; the reason, made safe to show.
    Unreadable(String),
    /// The file no longer holds the record (edited since it was loaded).
    Gone(PathBuf),
}

impl std::fmt::Display for Unplaced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unplaced::NotOnDisk => f.write_str("the KB is not read from files"),
            Unplaced::NoRecord => f.write_str("no such record"),
            Unplaced::Unreadable(why) => f.write_str(why),
            Unplaced::Gone(p) => write!(
                f,
                "{} no longer holds the record (changed since it was loaded)",
                escape_controls(&p.display().to_string())
            ),
        }
    }
}

/// The file and line of the record of `kind` with `id`, or of its `entry` when given (an entry
/// the record lacks falls back to the record's header).
pub fn place(kb: &Kb, kind: Kind, id: &str, entry: Option<Entry>) -> Result<Place, Unplaced> {
    let index = match kb.lookup(id) {
        Some((k, i)) if k == kind => i,
        _ => return Err(Unplaced::NoRecord),
    };
    let origin = with_record!(kind, R => R::all(kb)[index].origin().clone());
    let Some(path) = kb.paths.get(origin.file) else {
        return Err(Unplaced::NotOnDisk);
    };
    let bytes = crate::fsutil::read_regular(path).map_err(|e| {
        Unplaced::Unreadable(format!(
            "cannot read {}: {}",
            escape_controls(&path.display().to_string()),
            e.reason()
        ))
    })?;
    let text = String::from_utf8_lossy(&bytes);
    // An entry the record lacks is no entry: its header, not its list's first entry.
    let entry = entry.filter(|e| match *e {
        Entry::Point(i) => kind == Kind::Series && i < kb.series[index].points.len(),
        Entry::Move(i) => kind == Kind::Executive && i < kb.executives[index].career.len(),
    });
    let path_in = entry.map(Entry::path);
    let path_in: &[Seg] = path_in.as_ref().map_or(&[], |p| p);
    let at = in_record(&text, origin.span.start, kind, id, path_in)
        .or_else(|| in_file(&text, kind, id, path_in))
        .ok_or_else(|| Unplaced::Gone(path.clone()))?;
    Ok(Place {
        path: path.clone(),
        line: super::diag::line_col(&text, at).0,
    })
}

/// The offset of `path` in the record whose header starts at `start`, if the record there is
/// still the one with `id`.
fn in_record(text: &str, start: usize, kind: Kind, id: &str, path: &[Seg]) -> Option<usize> {
    let end = super::load::record_end(text, start);
    let slice = text.get(start..end)?;
    let table = DeTable::parse(slice).ok()?;
    let record = records(&table, kind)?.first()?;
    (id_of(record)? == id).then(|| start + walk(record, path).span().start)
}

/// The offset of `path` in the first record of `kind` with `id` in the whole of `text`.
fn in_file(text: &str, kind: Kind, id: &str, path: &[Seg]) -> Option<usize> {
    let table = DeTable::parse(text).ok()?;
    let record = records(&table, kind)?.iter().find(|r| id_of(r) == Some(id))?;
    Some(walk(record, path).span().start)
}

fn records<'a, 't>(table: &'a Spanned<DeTable<'t>>, kind: Kind) -> Option<&'a toml::de::DeArray<'t>> {
    match table
        .get_ref()
        .iter()
        .find(|(k, _)| k.get_ref() == kind.table())?
        .1
        .get_ref()
    {
        DeValue::Array(a) => Some(a),
        _ => None,
    }
}

fn id_of<'a>(record: &'a Spanned<DeValue<'_>>) -> Option<&'a str> {
    let DeValue::Table(t) = record.get_ref() else {
        return None;
    };
    match t.iter().find(|(k, _)| k.get_ref() == "id")?.1.get_ref() {
        DeValue::String(s) => Some(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERIES: &str = "format = 2\n\
        \n\
        [[source]]\n\
        id = \"s1\"\n\
        publisher = \"P\"\n\
        date = \"2025-01-01\"\n\
        url = \"https://example.com/a\"\n\
        title = \"T\"\n\
        \n\
        [[vendor]]\n\
        id = \"v1\"\n\
        name = \"V One\"\n\
        sources = [\"s1\"]\n\
        \n\
        [[series]]\n\
        id = \"rev\"\n\
        name = \"Revenue\"\n\
        vendor = \"v1\"\n\
        metric = \"revenue\"\n\
        unit = \"CNY\"\n\
        sources = [\"s1\"]\n\
        \n\
        \x20 [[series.points]]\n\
        \x20 period = \"2025\"\n\
        \x20 value = \"10亿\"\n\
        \n\
        \x20 [[series.points]]\n\
        \x20 period = \"2024\"\n\
        \x20 value = \"8亿\"\n";

    const PEOPLE: &str = "[[executive]]\n\
        id = \"ann\"\n\
        name = \"Ann\"\n\
        vendor = \"v1\"\n\
        sources = [\"s1\"]\n\
        career = [\n\
        \x20 { date = \"2020\", to = \"v1\", role = \"CTO\", source = \"s1\" },\n\
        \x20 { date = \"2018\", from = \"v1\", role = \"VP\", source = \"s1\" },\n\
        ]\n";

    /// The 1-based line of the first line of `text` that starts with `prefix`, after `after` such
    /// lines: what a person would count.
    fn line_of(text: &str, prefix: &str, after: usize) -> usize {
        text.lines()
            .enumerate()
            .filter(|(_, l)| l.trim_start().starts_with(prefix))
            .nth(after)
            .map(|(n, _)| n + 1)
            .expect("the line")
    }

    fn two_files() -> (tempfile::TempDir, Kb) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.toml"), SERIES).unwrap();
        std::fs::write(dir.path().join("b.toml"), PEOPLE).unwrap();
        let loaded = crate::kb::load_path(dir.path());
        assert!(loaded.is_ok(), "{}", loaded.render_diagnostics());
        (dir, loaded.kb)
    }

    #[test]
    fn a_record_is_placed_at_its_header_in_its_own_file() {
        let (dir, kb) = two_files();
        let p = place(&kb, Kind::Series, "rev", None).unwrap();
        assert_eq!(p.path, dir.path().join("a.toml"));
        assert_eq!(p.line, line_of(SERIES, "[[series]]", 0));
        let p = place(&kb, Kind::Vendor, "v1", None).unwrap();
        assert_eq!(p.line, line_of(SERIES, "[[vendor]]", 0));
        let p = place(&kb, Kind::Executive, "ann", None).unwrap();
        assert_eq!((p.path, p.line), (dir.path().join("b.toml"), 1));
    }

    #[test]
    fn points_and_moves_are_placed_at_their_own_lines_as_written() {
        let (_dir, kb) = two_files();
        for i in 0..2 {
            let p = place(&kb, Kind::Series, "rev", Some(Entry::Point(i))).unwrap();
            assert_eq!(p.line, line_of(SERIES, "[[series.points]]", i), "point {i}");
            let p = place(&kb, Kind::Executive, "ann", Some(Entry::Move(i))).unwrap();
            assert_eq!(p.line, line_of(PEOPLE, "{ date", i), "move {i}");
        }
        // An entry the record does not have: its header.
        let p = place(&kb, Kind::Series, "rev", Some(Entry::Point(9))).unwrap();
        assert_eq!(p.line, line_of(SERIES, "[[series]]", 0));
        let p = place(&kb, Kind::Series, "rev", Some(Entry::Move(0))).unwrap();
        assert_eq!(p.line, line_of(SERIES, "[[series]]", 0));
    }

    #[test]
    fn a_file_edited_since_the_load_is_searched_by_id() {
        let (dir, kb) = two_files();
        let moved = format!("# a comment\n# and another\n{SERIES}");
        std::fs::write(dir.path().join("a.toml"), &moved).unwrap();
        let p = place(&kb, Kind::Series, "rev", Some(Entry::Point(1))).unwrap();
        assert_eq!(p.line, line_of(&moved, "[[series.points]]", 1));
        std::fs::write(dir.path().join("a.toml"), "").unwrap();
        let e = place(&kb, Kind::Series, "rev", None).unwrap_err();
        assert_eq!(e, Unplaced::Gone(dir.path().join("a.toml")));
        std::fs::remove_file(dir.path().join("a.toml")).unwrap();
        let e = place(&kb, Kind::Series, "rev", None).unwrap_err();
        assert!(
            matches!(&e, Unplaced::Unreadable(why) if why.starts_with("cannot read")),
            "{e:?}"
        );
    }

    #[test]
    fn the_built_in_kb_and_unknown_ids_have_no_place() {
        let kb = crate::kb::load_builtin().kb;
        let id = kb.vendors[0].id.clone();
        assert_eq!(place(&kb, Kind::Vendor, &id, None), Err(Unplaced::NotOnDisk));
        assert_eq!(place(&kb, Kind::Deal, &id, None), Err(Unplaced::NoRecord));
        assert_eq!(place(&kb, Kind::Vendor, "nobody", None), Err(Unplaced::NoRecord));
    }
}
