//! Query filters resolved against one KB (`kind:`, `vendor:`, `source:`, `from:`, `to:`,
//! `period:`, `metric:`, `market:`, `basis:`, `report:`, `topic:`, `status:`, `role:`,
//! `direction:`, `inferred:`, amounts and values) and applied to docs. `from:` and `to:` are about
//! events (a career move, a migration): [`Orgs`] tests one event, which the Timeline applies per
//! row; here a record matches when one of its events does.

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
    Inferred(bool),
    /// Deal amounts compared in one currency: an amount in another converts through the KB's
    /// rates; one that cannot is left out (`Money::compare` says `None`).
    Amount(Cmp, f64, Money),
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

/// The currency an amount filter compares in, and the rates that bring other currencies to it.
pub(super) struct Money {
    /// `None`: the KB has no amounts.
    pub(super) to: Option<crate::kb::Currency>,
    pub(super) rates: crate::kb::fx::Rates,
}

impl Money {
    /// The filter's currency (the KB's most common deal currency when the query names none), and
    /// how many deals it leaves out for want of a rate, as a note for the user.
    pub(super) fn new(
        kb: &crate::kb::Kb,
        named: Option<crate::kb::Currency>,
        what: impl Fn(crate::kb::Currency) -> String,
    ) -> (Money, Option<String>) {
        let amounts = || kb.deals.iter().filter_map(|d| d.amount.as_ref().map(|a| (d, a)));
        let to = named.or_else(|| crate::kb::fx::most_common(amounts().map(|(_, a)| a.currency)));
        let money = Money {
            to,
            rates: kb.rates(),
        };
        let mut out = crate::kb::fx::LeftOut::default();
        if let Some(to) = to {
            for (d, a) in amounts() {
                if a.currency != to && money.rates.convert(1.0, a.currency, to, d.date).is_none() {
                    out.add(a.currency);
                }
            }
        }
        let note = to.and_then(|to| out.note(to, &what(to)));
        (money, note)
    }

    /// Whether the deal's amount meets `cmp x` in the filter's currency; `false` for a deal with
    /// no amount; `None` when its amount is in a currency with no rate to the filter's (left
    /// out: neither kept by the filter nor by its negation).
    #[inline]
    pub(super) fn compare(&self, d: &crate::kb::Deal, cmp: Cmp, x: f64) -> Option<bool> {
        let Some(a) = &d.amount else {
            return Some(false);
        };
        let to = self.to?;
        let v = if a.currency == to {
            a.value
        } else {
            self.rates.value_in(a.value, a.currency, to, d.date)?
        };
        Some(v.meets(cmp, x))
    }
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
    /// Whether the doc fails this check (`negated`: a `!filter`). A deal whose amount cannot be
    /// compared fails an amount filter either way.
    #[inline]
    pub(super) fn rejects(&self, ix: &Index, id: u32, doc: &Doc, negated: bool) -> bool {
        if let Check::Amount(c, v, money) = self {
            if doc.kind() != Kind::Deal {
                return !negated;
            }
            return match money.compare(&ix.kb.deals[doc.index as usize], *c, *v) {
                Some(b) => b == negated,
                None => true,
            };
        }
        self.holds(ix, id, doc) == negated
    }

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
            Check::Inferred(yes) => {
                let inferred = match doc.kind() {
                    Kind::Series => kb.series[i].points.iter().any(|p| p.inferred.is_some()),
                    Kind::Deal => kb.deals[i].inferred.is_some(),
                    Kind::Executive => kb.executives[i].career.iter().any(|m| m.inferred.is_some()),
                    Kind::Source => kb.sources[i].inferred.is_some(),
                    Kind::Report => kb.reports[i].inferred.is_some(),
                    Kind::Fact => kb.facts[i].inferred.is_some(),
                    // Nothing of a vendor is dated: neither yes nor no.
                    Kind::Vendor => return false,
                };
                inferred == *yes
            }
            Check::Amount(c, v, money) => {
                doc.kind() == Kind::Deal && money.compare(&kb.deals[i], *c, *v) == Some(true)
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
