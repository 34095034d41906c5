//! Running a query over an index.
//!
//! Two passes, both split over the machine's cores:
//! 1. **Match**: filters, then per term a character-set mask test and a match over names first,
//!    other fields only when no name matches. Names are scored exactly (`skim::score`, the
//!    SkimMatcherV2 score without its per-call cost), since their text is read anyway; other
//!    fields only get a cheap upper bound. Once `k` docs are known to score at least x, a doc
//!    whose cheap bound is below x is only bounded: it cannot enter the top `k`.
//! 2. **Rank**: the top `k` by score. Only what pass 1 merely bounded and could still reach the
//!    `k`-th best score is scored now, in order of bound, until no unscored match can enter. A
//!    one-character query matches almost everything, but only the records whose names start
//!    with that character can reach the top, so few are scored.
//!
//! Matches beyond the best `k` follow in KB order, unscored. The match set of a query is kept so
//! that a query that only grew (the user typed one more character) searches within it.
//!
//! Files, along those seams: this one holds the types and `compile`, and `narrows`;
//! `filter` resolves the query's filters and applies them to docs; `prefilter` prepares a term
//! for rejecting fields and docs before reading text (masks, head bits, letter pairs);
//! `matches` decides whether a term matches a field's text at all; `bound` scores and bounds a
//! term in a field or doc, each bound next to the test that proves it; `rank` runs pass 1 and
//! pass 2 and keeps the top `k`.
//!
//! Each file may become its own codegen unit, and a function is inlined into another unit only
//! when marked `#[inline]`; so the functions the hot loops call across files, which the compiler
//! inlined when all this was one file, are marked (the split costs no speed).

use super::index::{Ascii, CharBits, Doc, Field, FieldName, Index, Mask, Tier};
use super::query::{Cmp, FilterKind, KindFilter, Query, QueryError, Term};
use crate::kb::{Kind, Period, Unit};

mod bound;
mod filter;
mod matches;
mod prefilter;
mod rank;

use bound::*;
use filter::*;
use matches::*;

pub use bound::{skim_indices, skim_score};
pub use filter::{End, Orgs};
pub use prefilter::Prepared;
pub use rank::{Rank, run};

/// Score added per tier: among names, a name beats an alias beats pinyin.
const TIER_BONUS: [i32; 4] = [12, 6, 0, 0];
/// A term equal to the whole field (case aside), or starting it.
const EQUAL_BONUS: i32 = 50;
const PREFIX_BONUS: i32 = 15;
/// A term found only outside names counts this much less: any name match outranks it.
const OTHER_OFFSET: i32 = -100_000;
/// Below this many matches every match is ranked exactly.
const RANK_ALL_BELOW: usize = 2_000;

/// Asked as a search goes: `true` means a newer search superseded this one.
pub type Cancel<'a> = dyn Fn() -> bool + Sync + 'a;

/// Which records to search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    All,
    Kind(Kind),
}

/// One matching record. `score` and `field` are meaningful for ranked hits only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub doc: u32,
    pub score: i32,
    /// Absolute index of the field where the first term matched best (`u32::MAX`: none).
    pub field: u32,
}

/// The outcome of a search.
#[derive(Clone, Debug, Default)]
pub struct Results {
    /// Every match: the first `ranked` best first, the rest in KB order.
    pub hits: Vec<Hit>,
    pub ranked: usize,
    /// Doc ids of all matches, ascending: the candidates when the query only grows.
    pub matched: Vec<u32>,
    /// What the user should know about how the query was applied, e.g. deals left out of an
    /// amount comparison for want of an exchange rate. Plain text, safe to show.
    pub notes: Vec<String>,
}

/// A query compiled against an index: terms prepared, filters resolved.
pub struct Compiled {
    pub query: Query,
    pub positive: Vec<Prepared>,
    negative: Vec<Prepared>,
    checks: Vec<(bool, Check)>,
    /// Carried into [`Results::notes`].
    pub notes: Vec<String>,
}

/// A filter's value as a list, `vendor:aliyun,volcengine`: the docs any of its parts allows
/// (each part must name something). A value with no comma is one part.
fn any_of(v: &str, docs: impl Fn(&str) -> Result<Vec<bool>, String>) -> Result<Vec<bool>, String> {
    let mut parts = v.split(',').map(str::trim).filter(|p| !p.is_empty());
    let Some(first) = parts.next() else {
        return docs(v);
    };
    let mut allowed = docs(first)?;
    for p in parts {
        for (a, b) in allowed.iter_mut().zip(docs(p)?) {
            *a |= b;
        }
    }
    Ok(allowed)
}

/// Resolve a parsed query against the index. Fails when a filter names nothing in this KB.
pub fn compile(ix: &Index, query: &Query) -> Result<Compiled, QueryError> {
    let mut checks = Vec::new();
    let mut notes = Vec::new();
    for f in &query.filters {
        let err = |message: String| QueryError::new(f.column, message);
        let check = match &f.kind {
            FilterKind::Kind(KindFilter::Record(k)) => Check::RecordKind(*k),
            FilterKind::Kind(KindFilter::Deal(k)) => Check::DealKind(*k),
            FilterKind::Kind(KindFilter::Move) => Check::Move,
            FilterKind::Kind(KindFilter::Point) => Check::Point,
            FilterKind::Vendor(v) => Check::Docs(any_of(v, |v| vendor_docs(ix, v)).map_err(err)?),
            FilterKind::Source(s) => Check::Docs(source_docs(ix, s).map_err(err)?),
            FilterKind::From(o) => Check::Docs(event_docs(ix, o, End::From).map_err(err)?),
            FilterKind::To(o) => Check::Docs(event_docs(ix, o, End::To).map_err(err)?),
            FilterKind::Period(p) => Check::Period(*p),
            FilterKind::Metric(m) => Check::Metric(*m),
            FilterKind::Market(m) => {
                Check::Docs(any_of(m, |m| series_docs(ix, "market", m, |s| s.market.iter())).map_err(err)?)
            }
            FilterKind::Basis(b) => {
                Check::Docs(any_of(b, |b| series_docs(ix, "basis", b, |s| s.basis.iter())).map_err(err)?)
            }
            FilterKind::Report(r) => Check::Docs(any_of(r, |r| report_docs(ix, r)).map_err(err)?),
            FilterKind::Topic(t) => Check::Topic(*t),
            FilterKind::Status(st) => Check::Status(*st),
            FilterKind::Role(r) => Check::Role(*r),
            FilterKind::Direction(d) => Check::Direction(*d),
            FilterKind::Inferred(yes) => Check::Inferred(*yes),
            FilterKind::Amount(c, v, cur) => {
                let neg = if f.negated { "!" } else { "" };
                let what = |to| {
                    format!(
                        "{neg}amount{}{}",
                        c.as_str(),
                        crate::kb::number::human_money(*v, to)
                    )
                };
                let (money, note) = Money::new(&ix.kb, *cur, what);
                notes.extend(note);
                Check::Amount(*c, *v, money)
            }
            FilterKind::Value(c, v, u) => Check::Value(*c, *v, u.clone()),
        };
        checks.push((f.negated, check));
    }
    Ok(Compiled {
        query: query.clone(),
        positive: query.positive().map(|t| Prepared::new(t, &ix.chars)).collect(),
        negative: query
            .terms
            .iter()
            .filter(|t| t.negated)
            .map(|t| Prepared::new(t, &ix.chars))
            .collect(),
        checks,
        notes,
    })
}

/// Whether every record matching `new` also matches `old`, so `new` may search within `old`'s
/// matches. Conservative: `false` whenever unsure.
pub fn narrows(old: &Query, new: &Query) -> bool {
    let filters = old.filters.iter().all(|f| {
        new.filters
            .iter()
            .any(|g| g.negated == f.negated && g.kind == f.kind)
    });
    let negative = old
        .terms
        .iter()
        .filter(|t| t.negated)
        .all(|t| new.terms.contains(t));
    let positive = old.positive().all(|t| {
        new.positive().any(|u| {
            if t.case_sensitive && !u.case_sensitive {
                return false;
            }
            if t.exact {
                u.exact && find(&u.text, &t.text, t.case_sensitive).is_some()
            } else {
                // Typed on at the end: a prefix of a match is a match by every rule (words,
                // consecutive syllables, contiguous initials). A term that only contains the
                // old one need not be: `hsy` matches HuoShanYin, `hy` does not.
                u.text.len() >= t.text.len()
                    && u.text.is_char_boundary(t.text.len())
                    && if t.case_sensitive {
                        u.text.starts_with(&t.text)
                    } else {
                        u.text.as_bytes()[..t.text.len()].eq_ignore_ascii_case(t.text.as_bytes())
                    }
            }
        })
    });
    filters && negative && positive
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn term(ix: &Index, text: &str) -> Prepared {
        Prepared::new(
            &Term {
                text: text.to_string(),
                exact: false,
                negated: false,
                case_sensitive: text.chars().any(|c| c.is_uppercase()),
            },
            &ix.chars,
        )
    }

    #[test]
    fn narrowing_rules() {
        let p = |s: &str| crate::search::query::parse(s).unwrap();
        assert!(narrows(&p("al"), &p("ali")));
        assert!(narrows(&p("alibaba"), &p("alibaba c")));
        assert!(narrows(&p("a"), &p("aB")));
        assert!(!narrows(&p("A"), &p("ab")));
        assert!(!narrows(&p("ali"), &p("al")));
        assert!(narrows(&p("'ali"), &p("'alib")));
        assert!(!narrows(&p("'ali"), &p("alib")));
        assert!(narrows(&p("aws"), &p("aws kind:deal")));
        assert!(!narrows(&p("aws kind:deal"), &p("aws")));
        assert!(!narrows(&p("!ab"), &p("!abc")));
        assert!(narrows(&p(""), &p("x")));
        // Letters typed inside a term: the longer term may match where the shorter does not
        // (scattered letters do not count), so the search starts afresh.
        assert!(!narrows(&p("hy"), &p("hsy")) && !narrows(&p("ac"), &p("abc")));
        assert!(
            narrows(&p("hs"), &p("hsy")) && narrows(&p("Al"), &p("Ali")) && !narrows(&p("Al"), &p("ali"))
        );
    }
}
