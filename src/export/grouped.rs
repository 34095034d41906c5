//! A grouped view (`F`, `--group-by`) in every format, through the same table writers as a
//! tab's view: an aligned text table, a Markdown table, CSV rows (bars included, as in the
//! explorer), and JSON with the numbers themselves.

use serde::Serialize;

use crate::view::group::{BAR_WIDTH, Grouping};

use super::{Format, Meta, clean_line, delimited, json, markdown, plain, rows_phrase};

pub(super) fn write(g: &Grouping, meta: &Meta, format: Format) -> String {
    let headings = g.headings();
    let header: Vec<&str> = headings.iter().map(|h| h.name.as_str()).collect();
    let right: Vec<bool> = headings.iter().map(|h| h.right).collect();
    let rows = (0..g.groups.len()).map(|i| g.cells(i, BAR_WIDTH));
    match format {
        Format::Txt => {
            let mut out = format!("{} — {}", g.title(), rows_phrase(g.rows));
            let query = clean_line(meta.query.trim());
            if !query.is_empty() {
                out.push_str(&format!(" (query: {query})"));
            }
            out.push('\n');
            for n in g.notes() {
                out.push_str(&format!("Note: {}\n", clean_line(&n)));
            }
            out.push('\n');
            let rows: Vec<Vec<String>> = rows
                .map(|r| r.iter().map(|c| clean_line(c).into_owned()).collect())
                .collect();
            plain::table(&mut out, &header, &right, &rows);
            out
        }
        Format::Md => {
            let mut out = format!("# marketlens · {}\n", markdown::inline(&g.title()));
            let mut about = Vec::new();
            if !meta.kb.trim().is_empty() {
                about.push(format!("KB: {}", markdown::inline(meta.kb.trim())));
            }
            if !meta.query.trim().is_empty() {
                about.push(format!("query: {}", markdown::code(meta.query.trim())));
            }
            if !meta.date.trim().is_empty() {
                about.push(markdown::inline(meta.date.trim()));
            }
            about.push(rows_phrase(g.rows));
            out.push_str(&markdown::guard_start(about.join(" · ")));
            out.push_str("\n\n");
            for n in g.notes() {
                out.push_str(&markdown::guard_start(markdown::inline(&format!("Note: {n}"))));
                out.push_str("\n\n");
            }
            markdown::table(&mut out, &header, &right, rows);
            out
        }
        Format::Csv => {
            let header = header.iter().map(|h| h.to_string());
            delimited::write(std::iter::once(header.collect()).chain(rows))
        }
        Format::Json => json::pretty(&Out::of(g)),
    }
}

/// The JSON of a grouping: what it groups, then one object per group with its numbers.
#[derive(Serialize)]
struct Out<'a> {
    tab: String,
    /// The key columns, in order.
    by: Vec<&'a str>,
    measure: Option<&'a str>,
    rows: usize,
    /// The currency money sums were converted to, if they were.
    currency: Option<String>,
    notes: Vec<String>,
    groups: Vec<GroupOut<'a>>,
}

#[derive(Serialize)]
struct GroupOut<'a> {
    /// One per key column: the cell text; `null` for empty cells.
    values: Vec<Option<&'a str>>,
    count: usize,
    /// Of the rows grouped, 0 to 1.
    share: f64,
    totals: Vec<TotalOut>,
    left_out: usize,
}

#[derive(Serialize)]
struct TotalOut {
    unit: String,
    sum: f64,
    mean: f64,
    n: usize,
}

impl<'a> Out<'a> {
    fn of(g: &'a Grouping) -> Out<'a> {
        Out {
            tab: g.tab.title().to_lowercase(),
            by: g.by.iter().map(|c| c.key.as_ref()).collect(),
            measure: g.measure.as_ref().map(|m| m.key.as_ref()),
            rows: g.rows,
            currency: g.currency.map(|c| c.to_string()),
            notes: g.notes(),
            groups: g
                .groups
                .iter()
                .map(|x| GroupOut {
                    values: x
                        .values
                        .iter()
                        .map(|v| (!v.is_empty()).then_some(v.as_str()))
                        .collect(),
                    count: x.count,
                    share: if g.rows == 0 {
                        0.0
                    } else {
                        x.count as f64 / g.rows as f64
                    },
                    totals: x
                        .totals
                        .iter()
                        .map(|t| TotalOut {
                            unit: t.unit.to_string(),
                            sum: t.sum,
                            mean: t.mean(),
                            n: t.n,
                        })
                        .collect(),
                    left_out: x.left_out,
                })
                .collect(),
        }
    }
}
