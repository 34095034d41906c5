//! CSV (RFC 4180 quoting by the `csv` crate): a header of column names and one record per row;
//! for a record's detail, `field,value` pairs.

use crate::search::kind_label;
use crate::view::{Block, Detail, View};

use super::clean_lines;

pub(super) fn write(records: impl Iterator<Item = Vec<String>>) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    for r in records {
        // Cleaned: line breaks stay (quoted), every other control character is escaped visibly.
        let r: Vec<String> = r.iter().map(|c| clean_lines(c).into_owned()).collect();
        w.write_record(&r).expect("writing CSV to memory cannot fail");
    }
    let bytes = w.into_inner().expect("flushing CSV to memory cannot fail");
    String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8")
}

pub(super) fn view(view: &View) -> String {
    let header = view.columns.iter().map(|c| c.name.to_string()).collect();
    let n = view.columns.len();
    let rows = view.shown().map(|r| {
        (0..n)
            .map(|i| r.cells.get(i).map_or(String::new(), |c| c.text.clone()))
            .collect()
    });
    write(std::iter::once(header).chain(rows))
}

/// `field,value` rows: Type, ID and Title, then the detail's fields (labelled as the detail labels
/// them), paragraphs (`Text`), related records (`Vendor`, `Source` …), one row per point
/// (period, value) and quotes. Sparklines are left out: the points carry the same numbers.
pub(super) fn record(d: &Detail) -> String {
    let pair = |f: &str, v: &str| vec![f.to_string(), v.to_string()];
    let capital = |s: &str| {
        let mut c = s.chars();
        c.next()
            .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
    };
    let mut rows = vec![
        pair("field", "value"),
        pair("Type", kind_label(d.target.kind)),
        pair("ID", &d.target.id),
        pair("Title", &d.title),
    ];
    for b in &d.blocks {
        match b {
            Block::Field { label, value } => rows.push(pair(label, value)),
            Block::Text(t) => rows.push(pair("Text", t)),
            Block::Link { label, target, .. } => rows.push(pair(&capital(kind_label(target.kind)), label)),
            Block::Points(points) => rows.extend(points.iter().map(|p| pair(&p[0], &p[1]))),
            Block::Quote { text, .. } => rows.push(pair("Quote", text)),
            Block::Heading(_) | Block::Spark { .. } => {}
        }
    }
    write(rows.into_iter())
}
