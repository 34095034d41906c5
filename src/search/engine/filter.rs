//! Query filters resolved against one KB (`kind:`, `vendor:`, `source:`, `period:`, `metric:`,
//! `topic:`, `status:`, `role:`, `direction:`, amounts and values) and applied to docs.

use super::*;
use crate::kb::Record;
use crate::kb::with_record;
use crate::search::index::Indexed;

/// A filter resolved against one KB.
pub(super) enum Check {
    RecordKind(Kind),
    DealKind(crate::kb::DealKind),
    /// Per doc: allowed or not (vendor and source filters, via the relations index).
    Docs(Vec<bool>),
    Period(Period),
    Metric(crate::kb::Metric),
    Topic(crate::kb::terms::Topic),
    Status(crate::kb::terms::Status),
    Role(crate::kb::terms::Role),
    Direction(crate::kb::terms::Direction),
    Amount(Cmp, f64, Option<crate::kb::Currency>),
    Value(Cmp, f64, Option<Unit>),
}

pub(super) fn contains_ci(hay: &str, needle: &str) -> bool {
    find(hay, needle, false).is_some()
}

/// "no vendor matches `x` (did you mean vendor:y?)".
pub(super) fn nothing_matches<'a>(filter: &str, v: &str, ids: impl Iterator<Item = &'a str>) -> String {
    let ids: Vec<&str> = ids.collect();
    let hint = crate::kb::hint::did_you_mean(v, &ids)
        .map(|h| format!(" (did you mean {filter}:{h}?)"))
        .unwrap_or_default();
    format!("no {filter} matches `{v}`{hint}")
}

/// Vendors named by `vendor:v`: by id, else by part of a name, English name or alias, or pinyin.
pub(super) fn vendor_docs(ix: &Index, v: &str) -> Result<Vec<bool>, String> {
    let kb = &ix.kb;
    let hits: Vec<usize> = match kb.vendors.iter().position(|x| x.id.eq_ignore_ascii_case(v)) {
        Some(i) => vec![i],
        None => kb
            .vendors
            .iter()
            .enumerate()
            .filter(|(_, x)| {
                std::iter::once(&x.id)
                    .chain(std::iter::once(&x.name))
                    .chain(x.name_en.iter())
                    .chain(x.aliases.iter())
                    .any(|n| {
                        contains_ci(n, v)
                            || crate::search::pinyin::romanize_all(n)
                                .iter()
                                .any(|r| r.full.eq_ignore_ascii_case(v) || r.initials.eq_ignore_ascii_case(v))
                    })
            })
            .map(|(i, _)| i)
            .collect(),
    };
    if hits.is_empty() {
        return Err(nothing_matches(
            "vendor",
            v,
            kb.vendors.iter().map(|x| x.id.as_str()),
        ));
    }
    let mut allowed = vec![false; ix.docs.len()];
    let rel = kb.relations();
    let mut allow = |kind: Kind, i: usize| {
        if let Some(d) = ix.doc_of(kind, i) {
            allowed[d as usize] = true;
        }
    };
    for &vi in &hits {
        allow(Kind::Vendor, vi);
        rel.vendor_deals[vi].iter().for_each(|&i| allow(Kind::Deal, i));
        rel.vendor_executives[vi]
            .iter()
            .for_each(|&i| allow(Kind::Executive, i));
        rel.vendor_series[vi].iter().for_each(|&i| allow(Kind::Series, i));
        kb.reports_by(vi).iter().for_each(|&i| allow(Kind::Report, i));
        kb.facts_naming(Kind::Vendor, vi)
            .iter()
            .for_each(|&i| allow(Kind::Fact, i));
    }
    Ok(allowed)
}

/// Records citing the sources named by `source:s` (by id, else by part of title or publisher).
pub(super) fn source_docs(ix: &Index, s: &str) -> Result<Vec<bool>, String> {
    let kb = &ix.kb;
    let hits: Vec<usize> = match kb.sources.iter().position(|x| x.id.eq_ignore_ascii_case(s)) {
        Some(i) => vec![i],
        None => kb
            .sources
            .iter()
            .enumerate()
            .filter(|(_, x)| {
                contains_ci(&x.id, s) || contains_ci(&x.title, s) || contains_ci(&x.publisher, s)
            })
            .map(|(i, _)| i)
            .collect(),
    };
    if hits.is_empty() {
        return Err(nothing_matches(
            "source",
            s,
            kb.sources.iter().map(|x| x.id.as_str()),
        ));
    }
    let mut allowed = vec![false; ix.docs.len()];
    for &si in &hits {
        if let Some(d) = ix.doc_of(Kind::Source, si) {
            allowed[d as usize] = true;
        }
        for &(kind, i) in &kb.relations().source_citers[si] {
            if let Some(d) = ix.doc_of(kind, i) {
                allowed[d as usize] = true;
            }
        }
    }
    Ok(allowed)
}

/// Series one of whose `field` values (`market`, `basis`) contains `v` (any case); an error
/// naming the closest value when none does.
pub(super) fn series_docs<'k, I: Iterator<Item = &'k String>>(
    ix: &'k Index,
    filter: &str,
    v: &str,
    field: impl Fn(&'k crate::kb::Series) -> I,
) -> Result<Vec<bool>, String> {
    let kb = &ix.kb;
    let mut allowed = vec![false; ix.docs.len()];
    let mut any = false;
    for (i, s) in kb.series.iter().enumerate() {
        if field(s).any(|x| contains_ci(x, v))
            && let Some(d) = ix.doc_of(Kind::Series, i)
        {
            allowed[d as usize] = true;
            any = true;
        }
    }
    if !any {
        let mut values: Vec<&str> = kb.series.iter().flat_map(&field).map(String::as_str).collect();
        values.sort_unstable();
        values.dedup();
        return Err(nothing_matches(filter, v, values.into_iter()));
    }
    Ok(allowed)
}

/// Reports named by `report:r` (by id, or part of id, title or publisher) and the series with a
/// figure from one of them; a series naming its report as text (format 1: `IDC`) matches on
/// that text.
pub(super) fn report_docs(ix: &Index, r: &str) -> Result<Vec<bool>, String> {
    let kb = &ix.kb;
    let named = |x: &crate::kb::Report| {
        contains_ci(&x.id, r)
            || x.title.as_deref().is_some_and(|t| contains_ci(t, r))
            || contains_ci(&x.publisher, r)
    };
    let reports: Vec<bool> = kb.reports.iter().map(named).collect();
    let mut allowed = vec![false; ix.docs.len()];
    let mut any = false;
    let mut allow = |kind: Kind, i: usize| {
        if let Some(d) = ix.doc_of(kind, i) {
            allowed[d as usize] = true;
            any = true;
        }
    };
    for (i, yes) in reports.iter().enumerate() {
        if *yes {
            allow(Kind::Report, i);
        }
    }
    for (i, s) in kb.series.iter().enumerate() {
        let from = |id: &String| match kb.lookup(id) {
            Some((Kind::Report, ri)) => reports[ri],
            _ => contains_ci(id, r),
        };
        if s.report
            .iter()
            .chain(s.points.iter().flat_map(|p| p.report.iter()))
            .any(from)
        {
            allow(Kind::Series, i);
        }
    }
    if !any {
        return Err(nothing_matches(
            "report",
            r,
            kb.reports.iter().map(|x| x.id.as_str()),
        ));
    }
    Ok(allowed)
}

impl Check {
    #[inline]
    pub(super) fn holds(&self, ix: &Index, id: u32, doc: &Doc) -> bool {
        let kb = &ix.kb;
        let i = doc.index as usize;
        match self {
            Check::RecordKind(k) => doc.kind() == *k,
            Check::DealKind(k) => doc.kind() == Kind::Deal && kb.deals[i].kind == *k,
            Check::Docs(allowed) => allowed[id as usize],
            Check::Period(p) => with_record!(doc.kind(), R => <R as Record>::all(kb)[i].in_period(*p)),
            Check::Metric(m) => doc.kind() == Kind::Series && kb.series[i].metric == *m,
            Check::Topic(t) => doc.kind() == Kind::Fact && kb.facts[i].topic == *t,
            Check::Status(st) => match doc.kind() {
                Kind::Deal => kb.deals[i].status == *st,
                Kind::Fact => kb.facts[i].status == *st,
                Kind::Series => kb.series[i].points.iter().any(|p| p.status == *st),
                Kind::Executive => kb.executives[i].career.iter().any(|m| m.status == *st),
                _ => false,
            },
            Check::Role(r) => doc.kind() == Kind::Vendor && kb.vendors[i].role == *r,
            Check::Direction(dir) => doc.kind() == Kind::Deal && kb.deals[i].went() == Some(*dir),
            Check::Amount(c, v, cur) => {
                doc.kind() == Kind::Deal
                    && kb.deals[i]
                        .amount
                        .as_ref()
                        .is_some_and(|a| cur.is_none_or(|cur| a.currency == cur) && a.value.meets(*c, *v))
            }
            Check::Value(c, v, unit) => {
                doc.kind() == Kind::Series && {
                    let s = &kb.series[i];
                    unit.as_ref().is_none_or(|u| {
                        *u == s.unit || matches!((u, &s.unit), (Unit::Money(_), Unit::Money(_)))
                    }) && s.points.iter().any(|p| p.value.meets(*c, *v))
                }
            }
        }
    }
}
