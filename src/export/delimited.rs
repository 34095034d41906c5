//! CSV (RFC 4180 quoting by the `csv` crate): a header of column names and one record per row;
//! for a record's detail, `field,value` pairs.

use crate::kb::Kb;
use crate::view::{Block, Detail, View};

use super::clean_lines;

pub(super) fn write(records: impl Iterator<Item = Vec<String>>) -> String {
    // Rows with a neutralised cell are written fully quoted (OWASP's advice: the `'` prefix
    // inside quotes), others with quotes only where needed; the csv crate quotes per writer, not
    // per field, so each row goes through the writer it needs.
    let out = Shared::default();
    let writer = |style| {
        ::csv::WriterBuilder::new()
            .quote_style(style)
            .from_writer(out.clone())
    };
    let mut plain = writer(::csv::QuoteStyle::Necessary);
    let mut quoted = writer(::csv::QuoteStyle::Always);
    for r in records {
        // Cleaned: line breaks stay (quoted), every other control character is escaped visibly.
        let mut risky = false;
        let r: Vec<String> = r
            .iter()
            .map(|c| match neutralise(c) {
                Some(safe) => {
                    risky = true;
                    safe
                }
                None => clean_lines(c).into_owned(),
            })
            .collect();
        let w = if risky { &mut quoted } else { &mut plain };
        w.write_record(&r).expect("writing CSV to memory cannot fail");
        // Each row reaches the shared buffer before the next is written.
        w.flush().expect("flushing CSV to memory cannot fail");
    }
    drop((plain, quoted));
    let bytes = std::mem::take(&mut *out.0.borrow_mut());
    String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8")
}

/// One buffer that both writers of [`write`] append to.
#[derive(Clone, Default)]
struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A cell a spreadsheet would run as a formula (CSV injection: `=HYPERLINK(…)`,
/// `=cmd|' /C calc'!A0`, `@SUM(…)`), made inert as OWASP recommends: `'` before it, so it is
/// shown as text. Formulas start with `=`, `+`, `-` or `@`, or a tab or carriage return before
/// them (which the cleaning makes a space or a line break, so leading blanks are looked through
/// too). A plain number (`-12`, `+3.5`, `-7%`) is left alone: it is data, not a formula, and our
/// views declare no column types to tell numeric columns apart, so numbers are recognised
/// strictly by their form. `None`: the cell is safe as it is.
pub(super) fn neutralise(cell: &str) -> Option<String> {
    let starts_risky = cell.starts_with(['\t', '\r'])
        || cell
            .trim_start_matches(|c: char| c.is_whitespace())
            .starts_with(['=', '+', '-', '@']);
    if !starts_risky || plain_number(cell) || plain_range(cell) {
        return None;
    }
    Some(format!("'{}", clean_lines(cell)))
}

/// `-12..-10%`, `-3..5`: two plain numbers joined by `..` (a range of format 2), data as well.
fn plain_range(s: &str) -> bool {
    let s = s.strip_suffix('%').unwrap_or(s);
    s.split_once("..")
        .is_some_and(|(lo, hi)| plain_number(lo) && plain_number(hi))
}

/// `-12`, `+3.5`, `7`, `-0.5%`: an optional sign, digits, an optional fraction and percent sign.
fn plain_number(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let s = s.strip_suffix('%').unwrap_or(s);
    let (int, frac) = s.split_once('.').unwrap_or((s, "0"));
    !int.is_empty()
        && !frac.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// The table's columns, then the tab's export columns (`Tab::export_columns`: status, inferred,
/// market, basis, segment, report, role, as-of … as the kind has them), always, so a script finds
/// them by name in any KB and the table's columns keep their positions.
pub(super) fn view(kb: &Kb, view: &View) -> String {
    let extra = view.tab.export_columns();
    let header = view
        .columns
        .iter()
        .chain(extra)
        .map(|c| c.name.to_string())
        .chain(["Record", "ID", "Sources"].map(String::from))
        .collect();
    let n = view.columns.len();
    let rows = view.shown().map(|r| {
        let mut cells: Vec<String> = (0..n)
            .map(|i| r.cells.get(i).map_or(String::new(), |c| c.text.clone()))
            .collect();
        // The row's record in this KB (a view built from another KB leaves them empty).
        let here = kb.id_at(r.kind, r.index) == Some(r.id.as_str());
        cells.extend(extra.iter().map(|c| {
            if here {
                (c.cell)(kb, r.index).text
            } else {
                String::new()
            }
        }));
        // The record the row shows (an analysis row: the one it comes from), by kind and id, and
        // the ids of the sources it cites (a source cites none), space-separated.
        cells.push(r.kind.label().to_string());
        cells.push(r.id.clone());
        cells.push(if here {
            cited(kb, r.kind, r.index)
        } else {
            String::new()
        });
        cells
    });
    write(std::iter::once(header).chain(rows))
}

fn cited(kb: &Kb, kind: crate::kb::Kind, i: usize) -> String {
    use crate::kb::{Cites, Record};
    crate::kb::with_record!(kind, R => {
        let mut ids: Vec<&str> = Vec::new();
        for id in <R as Record>::all(kb)[i].cited() {
            if !ids.contains(&id.as_str()) {
                ids.push(id);
            }
        }
        ids.join(" ")
    })
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
        pair("Type", d.target.kind.label()),
        pair("ID", &d.target.id),
        pair("Title", &d.title),
    ];
    for b in &d.blocks {
        match b {
            Block::Field { label, value } => rows.push(pair(label, value)),
            Block::Text(t) | Block::Move { text: t, .. } => rows.push(pair("Text", t)),
            Block::Link { label, target, .. } => rows.push(pair(&capital(target.kind.label()), label)),
            Block::Points(points, _) => rows.extend(points.iter().map(|p| pair(&p[0], &p[1]))),
            Block::Quote { text, .. } => rows.push(pair("Quote", text)),
            Block::Context(c) => rows.push(pair(
                "In the article",
                &format!("{}{}{}", c.lead(), c.quoted, c.tail()),
            )),
            Block::Heading(_) | Block::Spark { .. } => {}
        }
    }
    write(rows.into_iter())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        let rows = vec![
            vec!["=HYPERLINK(\"http://x\",\"y\")".to_string(), "plain".into()],
            vec!["=cmd|' /C calc'!A0".into(), "-12".into()],
            vec!["+1+1".into(), "-3.5".into()],
            vec!["@SUM(A1)".into(), "+7%".into()],
            vec!["-2+3".into(), "\t=1".into()],
            vec!["\r=1".into(), "  =1".into()],
            vec!["a=b".into(), "-".into()],
            vec!["a=b".into(), "-1".into()],
        ];
        let out = write(rows.into_iter());
        assert_eq!(
            out,
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"plain\"\n\
             \"'=cmd|' /C calc'!A0\",\"-12\"\n\
             \"'+1+1\",\"-3.5\"\n\
             \"'@SUM(A1)\",\"+7%\"\n\
             \"'-2+3\",\"' =1\"\n\
             \"'\n=1\",\"'  =1\"\n\
             \"a=b\",\"'-\"\n\
             a=b,-1\n"
        );
        for n in ["-12", "+3.5", "7", "-0.5%", "12.0", "-12..-10%", "-3..5"] {
            assert_eq!(neutralise(n), None, "{n}");
        }
        for f in [
            "-", "-.5", "-1.", "-1e5", "--1", "-1,000", "- 1", "-1 ", "-0x10", "-١", "-1..", "-1..=2",
            "-1...2", "-1..2..3",
        ] {
            assert!(neutralise(f).is_some(), "{f}");
        }
    }
}
