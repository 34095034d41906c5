//! `marketlens diff`: what changed between two KBs ([`crate::kb::diff::detailed`]) as text,
//! Markdown or JSON, for reviewing a colleague's edit or a pull request.

use super::markdown::inline;
use super::{Format, clean_line};
use crate::kb::diff::{KindReport, RecordChange};

/// A value as the report shows it: compact JSON (strings quoted, so `""` and a missing field
/// differ), one line.
fn shown(v: &serde_json::Value) -> String {
    if v.is_null() {
        "(none)".to_string()
    } else {
        clean_line(&whole_numbers(v).to_string()).into_owned()
    }
}

/// Whole numbers as integers (`635亿` is read as 63500000000.0: shown `63500000000`).
fn whole_numbers(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9e15 => Value::from(f as i64),
            _ => v.clone(),
        },
        Value::Array(a) => Value::Array(a.iter().map(whole_numbers).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, x)| (k.clone(), whole_numbers(x))).collect()),
        _ => v.clone(),
    }
}

/// One line saying how much changed: `2 vendors added, 1 removed, 3 edited · 1 deal edited`.
pub fn summary(report: &[KindReport]) -> String {
    if report.is_empty() {
        return "no changes".into();
    }
    report
        .iter()
        .map(|k| {
            let count = |f: fn(&RecordChange) -> bool| k.records.iter().filter(|r| f(r)).count();
            let (a, r, e) = (
                count(|c| matches!(c, RecordChange::Added { .. })),
                count(|c| matches!(c, RecordChange::Removed { .. })),
                count(|c| matches!(c, RecordChange::Edited { .. })),
            );
            let parts: Vec<String> = [(a, "added"), (r, "removed"), (e, "edited")]
                .into_iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, w)| format!("{n} {w}"))
                .collect();
            format!("{}: {}", k.kind.noun(2), parts.join(", "))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The report in `format` (CSV is not offered: a report of changes is not a table), `old` and
/// `new` naming the two KBs.
pub fn render(report: &[KindReport], old: &str, new: &str, format: Format) -> String {
    match format {
        Format::Json => {
            #[derive(serde::Serialize)]
            struct Out<'a> {
                old: &'a str,
                new: &'a str,
                summary: String,
                kinds: &'a [KindReport],
            }
            let out = Out {
                old,
                new,
                summary: summary(report),
                kinds: report,
            };
            let mut s = serde_json::to_string_pretty(&out).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Md => markdown(report, old, new),
        Format::Txt | Format::Csv => text(report, old, new),
    }
}

fn text(report: &[KindReport], old: &str, new: &str) -> String {
    let mut s = format!("{} → {}: {}\n", clean_line(old), clean_line(new), summary(report));
    for k in report {
        s.push_str(&format!("\n{} ({})\n", k.kind.noun(2), k.records.len()));
        for r in &k.records {
            let (sign, id, name) = match r {
                RecordChange::Added { id, name } => ('+', id, name),
                RecordChange::Removed { id, name } => ('-', id, name),
                RecordChange::Edited { id, name, .. } => ('~', id, name),
            };
            s.push_str(&format!("  {sign} {}  {}\n", clean_line(id), clean_line(name)));
            if let RecordChange::Edited { fields, .. } = r {
                for f in fields {
                    s.push_str(&format!(
                        "      {}: {} → {}\n",
                        clean_line(&f.field),
                        shown(&f.old),
                        shown(&f.new)
                    ));
                }
            }
        }
    }
    s
}

fn markdown(report: &[KindReport], old: &str, new: &str) -> String {
    let code = |s: &str| format!("`{}`", clean_line(s).replace('`', "'"));
    let mut s = format!(
        "# Changes: {} → {}\n\n{}\n",
        inline(old),
        inline(new),
        inline(&summary(report))
    );
    for k in report {
        s.push_str(&format!("\n## {} ({})\n\n", k.kind.noun(2), k.records.len()));
        for r in &k.records {
            let (what, id, name) = match r {
                RecordChange::Added { id, name } => ("added", id, name),
                RecordChange::Removed { id, name } => ("removed", id, name),
                RecordChange::Edited { id, name, .. } => ("edited", id, name),
            };
            s.push_str(&format!("- **{what}** {} {}\n", code(id), inline(name)));
            if let RecordChange::Edited { fields, .. } = r {
                for f in fields {
                    s.push_str(&format!(
                        "  - {}: {} → {}\n",
                        code(&f.field),
                        code(&shown(&f.old)),
                        code(&shown(&f.new))
                    ));
                }
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::Kind;
    use crate::kb::diff::FieldChange;

    fn report() -> Vec<KindReport> {
        vec![KindReport {
            kind: Kind::Vendor,
            records: vec![
                RecordChange::Edited {
                    id: "v2".into(),
                    name: "Two".into(),
                    fields: vec![FieldChange {
                        field: "name".into(),
                        old: "Two".into(),
                        new: "Two`\u{1b}[2J".into(),
                    }],
                },
                RecordChange::Added {
                    id: "v3".into(),
                    name: "# Three".into(),
                },
            ],
        }]
    }

    #[test]
    fn text_lists_records_and_fields() {
        let t = render(&report(), "old", "new", Format::Txt);
        assert!(t.starts_with("old → new: vendors: 1 added, 1 edited\n"), "{t}");
        assert!(
            t.contains("  ~ v2  Two\n      name: \"Two\" → \"Two`\\u001b[2J\"\n"),
            "{t}"
        );
        assert!(t.contains("  + v3  # Three\n"), "{t}");
        assert!(!t.contains('\u{1b}'));
    }

    #[test]
    fn markdown_escapes_and_json_is_structured() {
        let m = render(&report(), "old", "new", Format::Md);
        assert!(m.contains("- **added** `v3` # Three\n"), "{m}");
        assert!(!m.contains("``"), "a backtick inside code is replaced: {m}");
        let j: serde_json::Value = serde_json::from_str(&render(&report(), "a", "b", Format::Json)).unwrap();
        assert_eq!(j["kinds"][0]["kind"], "vendor");
        assert_eq!(j["kinds"][0]["records"][0]["change"], "edited");
        assert_eq!(j["kinds"][0]["records"][0]["fields"][0]["old"], "Two");
        assert_eq!(summary(&[]), "no changes");
    }
}
