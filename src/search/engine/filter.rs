//! Query filters resolved against one KB (`kind:`, `vendor:`, `source:`, `from:`, `to:`,
//! `period:`, `metric:`, `topic:`, `status:`, `role:`, `direction:`, amounts and values) and
//! applied to docs. `from:` and `to:` are about events (a career move, a migration): [`Orgs`]
//! tests one event, which the Timeline applies per row; here a record matches when one of its
//! events does.

use super::*;
use crate::kb::Record;
use crate::kb::with_record;
use crate::search::index::Indexed;

/// A filter resolved against one KB.
pub(super) enum Check {
    RecordKind(Kind),
    DealKind(crate::kb::DealKind),
    /// Executives with a career move.
    Move,
    /// Series with a data point.
    Point,
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

/// Vendors named by `v` (as `vendor:v` names them): by id, else by part of a name, English name
/// or alias, or pinyin.
pub(super) fn vendor_hits(kb: &crate::kb::Kb, v: &str) -> Vec<usize> {
    match kb.vendors.iter().position(|x| x.id.eq_ignore_ascii_case(v)) {
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
    }
}

/// Vendors named by `vendor:v`, and their people, deals, series, reports and facts.
pub(super) fn vendor_docs(ix: &Index, v: &str) -> Result<Vec<bool>, String> {
    let kb = &ix.kb;
    let hits = vendor_hits(kb, v);
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

impl Check {
    #[inline]
    pub(super) fn holds(&self, ix: &Index, id: u32, doc: &Doc) -> bool {
        let kb = &ix.kb;
        let i = doc.index as usize;
        match self {
            Check::RecordKind(k) => doc.kind() == *k,
            Check::DealKind(k) => doc.kind() == Kind::Deal && kb.deals[i].kind == *k,
            Check::Move => doc.kind() == Kind::Executive && !kb.executives[i].career.is_empty(),
            Check::Point => doc.kind() == Kind::Series && !kb.series[i].points.is_empty(),
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

/// Which end of an event a `from:` or `to:` filter asks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    From,
    To,
}

/// The organisations a `from:` / `to:` value names in one KB: the vendors `vendor:` would name
/// (id, part of a name or alias, pinyin), and any organisation written as text (`from_org`,
/// `to_org`, a counterparty, an id naming no vendor) that contains the value.
#[derive(Clone, Debug)]
pub struct Orgs {
    /// By vendor index: named or not.
    vendors: Vec<bool>,
    /// The names, English names and aliases of those vendors, lower-cased: an organisation
    /// written as text that is exactly one of them is that vendor (`to_org = "阿里云"`).
    names: std::collections::HashSet<String>,
    text: String,
}

impl Orgs {
    pub fn resolve(kb: &crate::kb::Kb, v: &str) -> Orgs {
        let mut vendors = vec![false; kb.vendors.len()];
        let mut names = std::collections::HashSet::new();
        for i in vendor_hits(kb, v) {
            vendors[i] = true;
            let x = &kb.vendors[i];
            for n in std::iter::once(&x.name).chain(&x.name_en).chain(&x.aliases) {
                names.insert(n.to_lowercase());
            }
        }
        Orgs {
            vendors,
            names,
            text: v.to_string(),
        }
    }

    /// Whether a vendor id (resolved in `kb`) or an organisation's text is one of these.
    fn names(&self, kb: &crate::kb::Kb, id: Option<&str>, org: Option<&str>) -> bool {
        let vendor = id.is_some_and(|id| match kb.lookup(id) {
            Some((Kind::Vendor, i)) => self.vendors[i],
            _ => contains_ci(id, &self.text),
        });
        vendor
            || org.is_some_and(|o| {
                contains_ci(o, &self.text)
                    || (!self.names.is_empty() && self.names.contains(&o.trim().to_lowercase()))
            })
    }

    /// Whether a career move leaves (`End::From`) or joins (`End::To`) one of these.
    pub fn move_names(&self, kb: &crate::kb::Kb, m: &crate::kb::CareerMove, end: End) -> bool {
        match end {
            End::From => self.names(kb, m.from.as_deref(), m.from_org.as_deref()),
            End::To => self.names(kb, m.to.as_deref(), m.to_org.as_deref()),
        }
    }

    /// Whether a deal leaves one of these (a migration's `from_vendor`), or has one at its other
    /// end (`End::To`: the vendors a migration went to; any other deal's counterparty).
    pub fn deal_names(&self, kb: &crate::kb::Kb, d: &crate::kb::Deal, end: End) -> bool {
        match end {
            End::From => self.names(kb, d.from_vendor.as_deref(), None),
            End::To if d.kind == crate::kb::DealKind::Migration => {
                d.vendors.iter().any(|v| self.names(kb, Some(v), None))
            }
            End::To => self.names(kb, None, d.counterparty.as_deref()),
        }
    }
}

/// Records with an event at `end` naming `v` (executives by their moves, deals by themselves);
/// an error when no event in the KB does.
pub(super) fn event_docs(ix: &Index, v: &str, end: End) -> Result<Vec<bool>, String> {
    let kb = &ix.kb;
    let orgs = Orgs::resolve(kb, v);
    let mut allowed = vec![false; ix.docs.len()];
    let mut any = false;
    let mut allow = |kind: Kind, i: usize| {
        if let Some(d) = ix.doc_of(kind, i) {
            allowed[d as usize] = true;
            any = true;
        }
    };
    for (i, e) in kb.executives.iter().enumerate() {
        if e.career.iter().any(|m| orgs.move_names(kb, m, end)) {
            allow(Kind::Executive, i);
        }
    }
    for (i, d) in kb.deals.iter().enumerate() {
        if orgs.deal_names(kb, d, end) {
            allow(Kind::Deal, i);
        }
    }
    if !any {
        let (filter, what) = match end {
            End::From => ("from", "no career move or migration leaves"),
            End::To => ("to", "no career move, migration or deal goes to"),
        };
        let hint =
            crate::kb::hint::did_you_mean(v, &kb.vendors.iter().map(|x| x.id.as_str()).collect::<Vec<_>>())
                .map(|h| format!(" (did you mean {filter}:{h}?)"))
                .unwrap_or_default();
        return Err(format!("{what} `{v}`{hint}"));
    }
    Ok(allowed)
}
