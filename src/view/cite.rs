//! A record as a one-line citation for notes to clients: `figure — publisher, date, “quote”`.
//!
//! A figure keeps what the KB says of it: its qualifier (`>`, `~` …), range, status (written out:
//! `estimate`, `target` …; nothing for an actual figure) and period. For a series, the figure is its
//! latest point (the one the table's `Latest` shows), cited by that point's own source and quote.
//! Records without a figure cite their name (a source: its title). Control characters are escaped:
//! the text goes to the clipboard and the status line.

use crate::kb::terms::Status;
use crate::kb::{Kb, Kind, Period, Point, Series};
use crate::text::escape_controls;

use super::{Target, number};

/// `value (status, period)`: the status only when not actual, the period when known.
fn figure(value: String, status: Status, period: Option<Period>) -> String {
    let mut tags: Vec<String> = Vec::new();
    if !status.is_actual() {
        tags.push(status.as_str().to_string());
    }
    if let Some(p) = period {
        tags.push(p.to_string());
    }
    if tags.is_empty() {
        value
    } else {
        format!("{value} ({})", tags.join(", "))
    }
}

/// A series point's figure, in the series' unit: `>¥380亿 (estimate, 2025)`.
pub fn point_figure(s: &Series, p: &Point) -> String {
    let value = format!(
        "{}{}",
        p.qualifier.prefix(),
        p.value.show(|x| number::human_value(x, &s.unit))
    );
    figure(value, p.status, Some(p.period))
}

/// `publisher, date` of a source id (the id itself when the KB has no such source).
fn by(kb: &Kb, source: Option<&str>) -> Option<String> {
    let id = source?;
    Some(match kb.source(id) {
        Some(s) => format!("{}, {}", s.publisher, s.date),
        None => id.to_string(),
    })
}

/// `what — publisher, date, “quote”`, leaving out what is not known.
fn join(what: String, source: Option<String>, quote: Option<&str>) -> String {
    let mut tail: Vec<String> = source.into_iter().collect();
    if let Some(q) = quote.map(str::trim).filter(|q| !q.is_empty()) {
        tail.push(format!("“{q}”"));
    }
    let text = if tail.is_empty() {
        what
    } else {
        format!("{what} — {}", tail.join(", "))
    };
    escape_controls(&text).into_owned()
}

/// The citation of a record, `None` when it is not in the KB.
pub fn citation(kb: &Kb, t: &Target) -> Option<String> {
    let i = kb.lookup(&t.id).filter(|(k, _)| *k == t.kind)?.1;
    let first = |v: &[String]| v.first().cloned();
    Some(match t.kind {
        Kind::Series => {
            let s = &kb.series[i];
            match s.latest() {
                Some(p) => {
                    // The point's own source, else the series' when it cites only one.
                    let src = p
                        .source
                        .clone()
                        .or_else(|| (s.sources.len() == 1).then(|| s.sources[0].clone()));
                    join(
                        format!("{}: {}", s.name, point_figure(s, p)),
                        by(kb, src.as_deref()),
                        p.quote.as_deref(),
                    )
                }
                None => join(s.name.clone(), by(kb, first(&s.sources).as_deref()), None),
            }
        }
        Kind::Fact => {
            let f = &kb.facts[i];
            let what = match (&f.value, &f.unit) {
                (Some(v), Some(u)) => {
                    let value = format!(
                        "{}{}",
                        f.qualifier.prefix(),
                        v.show(|x| number::human_value(x, u))
                    );
                    format!("{}: {}", f.text, figure(value, f.status, f.period))
                }
                _ => figure(f.text.clone(), f.status, f.period),
            };
            join(what, by(kb, first(&f.sources).as_deref()), f.quote.as_deref())
        }
        Kind::Deal => {
            let d = &kb.deals[i];
            let what = match &d.amount {
                Some(a) => format!("{}: {}", d.title, figure(a.human(), d.status, d.date)),
                None => figure(d.title.clone(), d.status, d.date),
            };
            join(what, by(kb, first(&d.sources).as_deref()), d.quote.as_deref())
        }
        Kind::Source => {
            let s = &kb.sources[i];
            escape_controls(&format!("{}, {}, “{}”", s.publisher, s.date, s.title)).into_owned()
        }
        Kind::Vendor => {
            let v = &kb.vendors[i];
            join(
                v.name.clone(),
                by(kb, first(&v.sources).as_deref()),
                v.quote.as_deref(),
            )
        }
        Kind::Executive => {
            let e = &kb.executives[i];
            let what = match &e.title {
                Some(title) => format!("{}, {title}", e.name),
                None => e.name.clone(),
            };
            join(what, by(kb, first(&e.sources).as_deref()), e.quote.as_deref())
        }
        Kind::Report => {
            let r = &kb.reports[i];
            let what = r.title.clone().unwrap_or_else(|| r.id.clone());
            let what = match r.period {
                Some(p) => format!("{what} ({p})"),
                None => what,
            };
            join(what, by(kb, first(&r.sources).as_deref()), r.quote.as_deref())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KB: &str = r#"
[[source]]
id = "leiphone-2025-09-11"
title = "一篇文章"
publisher = "雷峰网"
date = "2025-09-11"

[[vendor]]
id = "aliyun"
name = "阿里云"
sources = ["leiphone-2025-09-11"]

[[series]]
id = "aliyun-revenue"
name = "阿里云营收"
vendor = "aliyun"
metric = "revenue"
unit = "CNY"
sources = ["leiphone-2025-09-11"]
points = [
  { period = "2024", value = 100e8, source = "leiphone-2025-09-11" },
  { period = "2025", value = "20-30亿", qualifier = "over", status = "estimate", quote = "超过20亿" },
]

[[fact]]
id = "aliyun-share"
topic = "concentration"
subject = ["aliyun"]
text = "阿里云份额超过七成"
value = 70
unit = "%"
qualifier = "about"
status = "forecast"
period = "2026"
sources = ["leiphone-2025-09-11"]
quote = "份额约七成"
"#;

    fn kb() -> Kb {
        let l = crate::kb::load::load_bytes("test.toml", KB.as_bytes().to_vec());
        assert!(l.is_ok(), "{}", l.render_diagnostics());
        l.kb
    }

    #[test]
    fn a_point_keeps_its_qualifier_range_status_and_period() {
        let kb = kb();
        let t = Target {
            kind: Kind::Series,
            id: "aliyun-revenue".into(),
        };
        let c = citation(&kb, &t).unwrap();
        assert!(c.starts_with("阿里云营收: >"), "{c}");
        assert!(c.contains("(estimate, 2025)"), "{c}");
        // A range stays a range.
        let range = c.split(" (").next().unwrap();
        assert!(range.contains('–') || range.contains('-'), "{c}");
        assert!(c.ends_with(" — 雷峰网, 2025-09-11, “超过20亿”"), "{c}");
    }

    #[test]
    fn a_fact_cites_its_figure_and_quote() {
        let kb = kb();
        let t = Target {
            kind: Kind::Fact,
            id: "aliyun-share".into(),
        };
        let c = citation(&kb, &t).unwrap();
        assert_eq!(
            c,
            "阿里云份额超过七成: ~70% (forecast, 2026) — 雷峰网, 2025-09-11, “份额约七成”"
        );
        let s = Target {
            kind: Kind::Source,
            id: "leiphone-2025-09-11".into(),
        };
        assert_eq!(citation(&kb, &s).unwrap(), "雷峰网, 2025-09-11, “一篇文章”");
        let gone = Target {
            kind: Kind::Fact,
            id: "gone".into(),
        };
        assert_eq!(citation(&kb, &gone), None);
    }
}
