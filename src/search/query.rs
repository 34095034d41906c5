//! The query language: space-separated terms that must all match, `'exact` substrings, `!negation`,
//! `"quoted phrases"`, and `field:value` / `field>=number` filters. Parsing never panics; a bad
//! query is an error with the column it starts at, shown inline by the TUI and on stderr by the CLI.
//! `docs/search.md` is the user's reference.

use std::fmt;

use crate::kb::number::{Currency, Num, Unit};
use crate::kb::terms::{Direction, Role, Status, Topic};
use crate::kb::{DealKind, Kind, Metric, Period};

/// A parsed query. An empty query matches everything.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Query {
    pub terms: Vec<Term>,
    pub filters: Vec<Filter>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    /// `'term`: a contiguous substring instead of a fuzzy subsequence.
    pub exact: bool,
    /// `!term`: records containing it are left out.
    pub negated: bool,
    /// Smart case: a term with an upper-case letter matches case-sensitively.
    pub case_sensitive: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    pub negated: bool,
    pub kind: FilterKind,
    /// Where it starts in the query, for errors found when it is resolved against a KB.
    pub column: usize,
}

pub use crate::kb::value::Cmp;

/// What `kind:` selects: a kind of record, a kind of deal, or a kind of dated event that is part
/// of a record (a career move of an executive, a data point of a series).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KindFilter {
    Record(Kind),
    Deal(DealKind),
    /// `kind:move`: career moves (record-level: executives with one).
    Move,
    /// `kind:point`: series data points (record-level: series with one).
    Point,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FilterKind {
    Kind(KindFilter),
    /// A vendor id, or part of a vendor's name, English name or alias.
    Vendor(String),
    /// A source id, or part of a source's title or publisher.
    Source(String),
    /// Events that leave this organisation (a vendor as `vendor:` names one, or part of an
    /// organisation's name): career moves (`from`, `from_org`) and migrations (`from_vendor`).
    From(String),
    /// Events whose other end is this organisation: career moves joining it (`to`, `to_org`),
    /// migrations to it (the deal's vendors), other deals with it as counterparty.
    To(String),
    /// Records with a date or data point within (or around) this period.
    Period(Period),
    Metric(Metric),
    /// Series of a market (part of its name, any case).
    Market(String),
    /// Series on a basis (what is measured: part of it, any case).
    Basis(String),
    /// Series with figures from a report (by id, or part of its id, title or publisher), and
    /// those reports.
    Report(String),
    /// Facts of a topic.
    Topic(Topic),
    /// Records with a figure, deal, move or fact of this status (`status:actual`: one that is
    /// stated as fact).
    Status(Status),
    /// Organisations of this role.
    Role(Role),
    /// Price changes that went this way (by `direction`, or by the sign of `change`).
    Direction(Direction),
    /// `inferred:yes`: records with a period or date that was inferred, not stated (a point of a
    /// series, a deal, a career move of an executive, a source, a report, a fact);
    /// `inferred:no`: records of those kinds with none.
    Inferred(bool),
    /// Deal amounts; with a currency, only amounts in it.
    Amount(Cmp, f64, Option<Currency>),
    /// Series values (any point); with a unit, only series in it.
    Value(Cmp, f64, Option<Unit>),
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.negated {
            f.write_str("!")?;
        }
        match &self.kind {
            FilterKind::Kind(KindFilter::Record(k)) => write!(f, "kind:{}", k.table()),
            FilterKind::Kind(KindFilter::Deal(k)) => write!(f, "kind:{}", k.as_str()),
            FilterKind::Kind(KindFilter::Move) => f.write_str("kind:move"),
            FilterKind::Kind(KindFilter::Point) => f.write_str("kind:point"),
            FilterKind::Vendor(v) => write!(f, "vendor:{v}"),
            FilterKind::Source(s) => write!(f, "source:{s}"),
            FilterKind::From(o) => write!(f, "from:{o}"),
            FilterKind::To(o) => write!(f, "to:{o}"),
            FilterKind::Period(p) => write!(f, "period:{p}"),
            FilterKind::Metric(m) => write!(f, "metric:{}", m.as_str()),
            FilterKind::Market(m) => write!(f, "market:{m}"),
            FilterKind::Basis(b) => write!(f, "basis:{b}"),
            FilterKind::Report(r) => write!(f, "report:{r}"),
            FilterKind::Topic(t) => write!(f, "topic:{}", t.as_str()),
            FilterKind::Status(st) => write!(f, "status:{}", st.as_str()),
            FilterKind::Role(r) => write!(f, "role:{}", r.as_str()),
            FilterKind::Direction(d) => write!(f, "direction:{}", d.as_str()),
            FilterKind::Inferred(yes) => write!(f, "inferred:{}", if *yes { "yes" } else { "no" }),
            FilterKind::Amount(c, v, cur) => {
                write!(f, "amount{}{}", c.as_str(), crate::kb::number::trim_num(*v))?;
                cur.map_or(Ok(()), |c| write!(f, " {}", c.code()))
            }
            FilterKind::Value(c, v, unit) => {
                write!(f, "value{}{}", c.as_str(), crate::kb::number::trim_num(*v))?;
                unit.as_ref().map_or(Ok(()), |u| write!(f, "{u}"))
            }
        }
    }
}

/// A query that cannot be understood: where (a character column, 0-based) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryError {
    pub column: usize,
    pub message: String,
}

impl QueryError {
    /// An error at `column`. Messages quote the query, which is untrusted: anything in `message`
    /// that could steer a terminal or hide text is escaped here, once, for every place that
    /// shows it (the CLI's stderr, the explorer's status line and palette).
    pub fn new(column: usize, message: impl Into<String>) -> QueryError {
        let message = message.into();
        QueryError {
            column,
            message: match crate::text::escape_controls(&message) {
                std::borrow::Cow::Borrowed(_) => message,
                std::borrow::Cow::Owned(escaped) => escaped,
            },
        }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column + 1, self.message)
    }
}

impl std::error::Error for QueryError {}

/// The filter names, for errors, hints and the help text.
pub const FILTERS: &[(&str, &str)] = &[
    (
        "kind",
        "kind:vendor, kind:deal, kind:migration, kind:move, kind:point …",
    ),
    (
        "vendor",
        "vendor:aws, vendor:阿里云 (the vendor and its people, deals, series, reports and facts)",
    ),
    (
        "from",
        "from:microsoft, from:阿里云 (moves and migrations leaving an organisation)",
    ),
    (
        "to",
        "to:aliyun (moves joining an organisation, migrations to it, deals with it)",
    ),
    ("year", "year:2025"),
    ("period", "period:2025-Q2, period:2025-H1, period:2025-09"),
    (
        "source",
        "source:leiphone (records citing a source, by id or title)",
    ),
    ("metric", "metric:revenue, metric:growth, metric:market-share …"),
    ("market", "market:中国AI云, market:全球云 (series of a market)"),
    ("basis", "basis:token-calls, basis:revenue (series on a basis)"),
    (
        "report",
        "report:canalys, report:omdia-china-ai-cloud-1h25 (series from a report, and the report)",
    ),
    (
        "topic",
        "topic:ranking, topic:rivalry, topic:排名 … (facts of a topic)",
    ),
    (
        "status",
        "status:target, status:estimate, status:rumour … (figures, deals, moves, facts)",
    ),
    ("role", "role:group, role:analyst, role:cloud … (organisations)"),
    (
        "direction",
        "direction:up, direction:down, direction:涨价 (price changes)",
    ),
    (
        "inferred",
        "inferred:yes, inferred:no (a period or date inferred, not stated)",
    ),
    ("amount", "amount>=10亿, amount>1e9, amount>$1B (deal amounts)"),
    ("value", "value>30, value>=50% (any data point of a series)"),
];

const ALIASES: &[(&str, &str)] = &[("date", "period"), ("type", "kind"), ("is", "kind")];

impl Query {
    /// Positive terms: the ones that score and highlight.
    pub fn positive(&self) -> impl Iterator<Item = &Term> {
        self.terms.iter().filter(|t| !t.negated)
    }

    /// Whether the query ranks records (has something to match) rather than only filtering them.
    pub fn ranks(&self) -> bool {
        self.positive().next().is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.filters.is_empty()
    }
}

/// One whitespace-separated token, quotes resolved: its text and the column it starts at.
struct Token {
    text: String,
    column: usize,
    /// Byte offset in `text` where quoted text begins: what follows is literal (a quoted `"kind:x"`
    /// or `"!x"` is text, not a filter or a negation).
    quoted_from: Option<usize>,
}

fn tokenize(input: &str) -> Result<Vec<Token>, QueryError> {
    let mut out = Vec::new();
    let mut cur: Option<Token> = None;
    let mut chars = input.chars().enumerate().peekable();
    while let Some((col, c)) = chars.next() {
        if c.is_whitespace() {
            out.extend(cur.take());
            continue;
        }
        let tok = cur.get_or_insert_with(|| Token {
            text: String::new(),
            column: col,
            quoted_from: None,
        });
        if c == '"' {
            tok.quoted_from.get_or_insert(tok.text.len());
            let mut closed = false;
            for (_, q) in chars.by_ref() {
                if q == '"' {
                    closed = true;
                    break;
                }
                tok.text.push(q);
            }
            if !closed {
                return Err(QueryError::new(col, "unterminated quote: add a closing \""));
            }
        } else {
            tok.text.push(c);
        }
    }
    out.extend(cur);
    Ok(out)
}

/// Parse a query. Errors name the column and say what was expected.
pub fn parse(input: &str) -> Result<Query, QueryError> {
    let mut q = Query::default();
    for tok in tokenize(input)? {
        // Offsets below are bytes into the token; columns are characters.
        let err = |offset: usize, message: String| {
            QueryError::new(
                tok.column + tok.text.get(..offset).map_or(0, |s| s.chars().count()),
                message,
            )
        };
        let mut text = tok.text.as_str();
        let mut offset = 0;
        let literal = |offset: usize| tok.quoted_from.is_some_and(|q| q <= offset);
        let negated = text.starts_with('!') && !literal(0);
        if negated {
            text = &text[1..];
            offset += 1;
            if text.is_empty() {
                return Err(err(
                    0,
                    "nothing after `!`: write !term to leave out records containing term".into(),
                ));
            }
        }
        // A filter's name is its leading letters; quotes may start only after it
        // (`vendor:"Alibaba Cloud"`, `amount>="5M USD"`).
        let key_len = text
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(text.len());
        if !literal(offset + key_len)
            && let Some(f) = parse_filter(text).map_err(|(o, m)| err(offset + o, m))?
        {
            q.filters.push(Filter {
                negated,
                kind: f,
                column: tok.column,
            });
            continue;
        }
        let exact = text.starts_with('\'') && !literal(offset);
        if exact {
            text = &text[1..];
            if text.is_empty() {
                return Err(err(
                    offset,
                    "nothing after `'`: write 'term to match term exactly".into(),
                ));
            }
        }
        q.terms.push(Term {
            text: text.to_string(),
            exact,
            negated,
            case_sensitive: text.chars().any(char::is_uppercase),
        });
    }
    Ok(q)
}

/// `Ok(None)`: not a filter, just text. `Err((offset, message))`: a filter that is wrong.
fn parse_filter(text: &str) -> Result<Option<FilterKind>, (usize, String)> {
    let key_len = text
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(text.len());
    if key_len == 0 || key_len == text.len() {
        return Ok(None);
    }
    let raw_key = &text[..key_len];
    let rest = &text[key_len..];
    let (op, value) = if let Some(v) = rest.strip_prefix(':') {
        // `amount:>=5` is the same as `amount>=5`.
        match split_cmp(v) {
            Some((c, v)) => (Some(c), v),
            None => (None, v),
        }
    } else {
        match split_cmp(rest) {
            Some((c, v)) => (Some(c), v),
            None => return Ok(None),
        }
    };
    let key_lower = raw_key.to_ascii_lowercase();
    let key = ALIASES
        .iter()
        .find(|(a, _)| *a == key_lower)
        .map_or(key_lower.as_str(), |(_, k)| k);
    if !FILTERS.iter().any(|(k, _)| *k == key) {
        if op.is_some() && !rest.starts_with(':') {
            // `x>5` with an unknown x is ordinary text.
            return Ok(None);
        }
        let names: Vec<&str> = FILTERS.iter().map(|(k, _)| *k).collect();
        let hint = crate::kb::hint::did_you_mean(raw_key, &names)
            .map(|h| format!("did you mean `{h}:`? "))
            .unwrap_or_default();
        return Err((
            0,
            format!(
                "unknown filter `{raw_key}:`; {hint}filters are {}; to search for the text, quote it: \"{text}\"",
                names.join(", ")
            ),
        ));
    }
    let value_at = text.len() - value.len();
    if value.is_empty() {
        let example = FILTERS.iter().find(|(k, _)| *k == key).map_or("", |(_, e)| e);
        return Err((value_at, format!("`{raw_key}` needs a value, e.g. {example}")));
    }
    let numeric = matches!(key, "amount" | "value");
    if op.is_some() && !numeric {
        return Err((
            key_len,
            format!("`{raw_key}` takes `{raw_key}:value`; comparisons work on amount and value"),
        ));
    }
    let at = |m: String| (value_at, m);
    let f = match key {
        "kind" => FilterKind::Kind(parse_kind(value).map_err(at)?),
        "vendor" => FilterKind::Vendor(value.to_string()),
        "source" => FilterKind::Source(value.to_string()),
        "market" => FilterKind::Market(value.to_string()),
        "basis" => FilterKind::Basis(value.to_string()),
        "report" => FilterKind::Report(value.to_string()),
        "from" => FilterKind::From(value.to_string()),
        "to" => FilterKind::To(value.to_string()),
        "year" => {
            let y: u16 = value
                .parse()
                .ok()
                .filter(|y| (1900..=2200).contains(y))
                .ok_or_else(|| at(format!("`{value}` is not a year: expected e.g. year:2025")))?;
            FilterKind::Period(Period::Year(y))
        }
        "period" => FilterKind::Period(value.parse().map_err(|e| at(format!("{e}")))?),
        "metric" => FilterKind::Metric(parse_metric(value).map_err(at)?),
        "topic" => FilterKind::Topic(parse_topic(value).map_err(at)?),
        "status" => FilterKind::Status(
            parse_word("status", value, Status::ALL, Status::as_str, Status::from_word).map_err(at)?,
        ),
        "role" => {
            FilterKind::Role(parse_word("role", value, Role::ALL, Role::as_str, Role::from_word).map_err(at)?)
        }
        "direction" => FilterKind::Direction(
            parse_word(
                "direction",
                value,
                Direction::ALL,
                Direction::as_str,
                Direction::from_word,
            )
            .map_err(at)?,
        ),
        "inferred" => FilterKind::Inferred(parse_yes_no("inferred", value).map_err(at)?),
        "amount" => {
            let (v, cur) = parse_money(value).map_err(at)?;
            FilterKind::Amount(op.unwrap_or(Cmp::Eq), v, cur)
        }
        _ => {
            let (v, unit) = parse_value(value).map_err(at)?;
            FilterKind::Value(op.unwrap_or(Cmp::Eq), v, unit)
        }
    };
    Ok(Some(f))
}

fn split_cmp(s: &str) -> Option<(Cmp, &str)> {
    for (p, c) in [
        (">=", Cmp::Ge),
        ("<=", Cmp::Le),
        ("≥", Cmp::Ge),
        ("≤", Cmp::Le),
        (">", Cmp::Gt),
        ("<", Cmp::Lt),
        ("=", Cmp::Eq),
    ] {
        if let Some(rest) = s.strip_prefix(p) {
            return Some((c, rest));
        }
    }
    None
}

fn parse_kind(v: &str) -> Result<KindFilter, String> {
    let l = v.to_ascii_lowercase();
    let record = match l.as_str() {
        "trend" | "trends" => Some(Kind::Series),
        "exec" | "people" | "person" => Some(Kind::Executive),
        _ => Kind::ALL.into_iter().find(|k| k.table() == l || k.plural() == l),
    };
    if let Some(k) = record {
        return Ok(KindFilter::Record(k));
    }
    match l.as_str() {
        "move" | "moves" | "career" => return Ok(KindFilter::Move),
        "point" | "points" => return Ok(KindFilter::Point),
        _ => {}
    }
    if let Some(k) = DealKind::ALL.into_iter().find(|k| k.as_str() == l || k.zh() == v) {
        return Ok(KindFilter::Deal(k));
    }
    let names: Vec<&str> = Kind::ALL
        .iter()
        .map(|k| k.table())
        .chain(["trend", "move", "point"])
        .chain(DealKind::ALL.iter().map(|k| k.as_str()))
        .collect();
    let hint = crate::kb::hint::did_you_mean(&l, &names)
        .map(|h| format!("did you mean `kind:{h}`? "))
        .unwrap_or_default();
    Err(format!(
        "unknown kind `{v}`; {hint}kinds are {}",
        names.join(", ")
    ))
}

fn parse_metric(v: &str) -> Result<Metric, String> {
    let all = [
        Metric::Revenue,
        Metric::Growth,
        Metric::MarketShare,
        Metric::GpuRevenue,
        Metric::Capex,
        Metric::Price,
        Metric::Profit,
        Metric::Customers,
        Metric::Other,
    ];
    let l = v.to_ascii_lowercase();
    all.into_iter().find(|m| m.as_str() == l).ok_or_else(|| {
        let names: Vec<&str> = all.iter().map(|m| m.as_str()).collect();
        let hint = crate::kb::hint::did_you_mean(&l, &names)
            .map(|h| format!("did you mean `metric:{h}`? "))
            .unwrap_or_default();
        format!("unknown metric `{v}`; {hint}metrics are {}", names.join(", "))
    })
}

/// A fact topic by its word or its Chinese word (`topic:ranking`, `topic:排名`).
fn parse_topic(v: &str) -> Result<Topic, String> {
    parse_word("topic", v, Topic::ALL, Topic::as_str, Topic::from_word)
}

/// A word of one of the model's vocabularies (`topic:`, `status:`, `role:`), in English or
/// Chinese, with a "did you mean" on a typo.
fn parse_word<T: Copy>(
    filter: &str,
    v: &str,
    all: &[T],
    word: fn(T) -> &'static str,
    from_word: fn(&str) -> Option<T>,
) -> Result<T, String> {
    from_word(v).ok_or_else(|| {
        let names: Vec<&str> = all.iter().map(|t| word(*t)).collect();
        let hint = crate::kb::hint::did_you_mean(&v.to_ascii_lowercase(), &names)
            .map(|h| format!("did you mean `{filter}:{h}`? "))
            .unwrap_or_default();
        format!("unknown {filter} `{v}`; {hint}{filter}s are {}", names.join(", "))
    })
}

/// `yes`/`no` (also `true`/`false`, `y`/`n`, `是`/`否`), case-insensitive.
fn parse_yes_no(filter: &str, v: &str) -> Result<bool, String> {
    match v.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "是" => Ok(true),
        "no" | "n" | "false" | "否" => Ok(false),
        _ => Err(format!(
            "`{filter}` takes yes or no, not `{v}`: {filter}:yes or {filter}:no"
        )),
    }
}

const MONEY_FORMS: &str = "expected an amount such as 10亿, 1e9, 1.5B, $1B or 10亿元";

/// `10亿`, `1e9`, `$1.5B`, `10亿元`, `5M USD`: the value in currency units, and the currency if named
/// (yuan for a bare Chinese magnitude: `10亿`).
fn parse_money(v: &str) -> Result<(f64, Option<Currency>), String> {
    let mut s = v.trim();
    let mut cur = None;
    for (sym, c) in [
        ("US$", Currency::USD),
        ("HK$", Currency::HKD),
        ("S$", Currency::SGD),
        ("$", Currency::USD),
        ("€", Currency::EUR),
        ("£", Currency::GBP),
        ("¥", Currency::CNY),
        ("￥", Currency::CNY),
    ] {
        if let Some(rest) = s.strip_prefix(sym) {
            cur = Some(c);
            s = rest;
            break;
        }
    }
    if cur.is_none() {
        for (suffix, c) in [
            ("元", Currency::CNY),
            ("美元", Currency::USD),
            ("美金", Currency::USD),
        ] {
            if let Some(rest) = s.strip_suffix(suffix) {
                // 美元 ends in 元 too: take the longest match.
                let (rest, c) = match s.strip_suffix("美元") {
                    Some(r) => (r, Currency::USD),
                    None => (rest, c),
                };
                cur = Some(c);
                s = rest;
                break;
            }
        }
    }
    if cur.is_none() && s.len() >= 3 && s.is_char_boundary(s.len() - 3) {
        // A trailing currency code: `5M USD`, `2.5MUSD`.
        let (num, code) = s.split_at(s.len() - 3);
        if let Some(c) = Currency::from_code(&code.to_ascii_uppercase()) {
            cur = Some(c);
            s = num.trim_end();
        }
    }
    if s.is_empty() {
        return Err(MONEY_FORMS.into());
    }
    // A Chinese magnitude with no currency is yuan, as in Chinese writing (`25亿` is 25亿元);
    // `25亿美元` names its currency.
    if cur.is_none() && (s.ends_with('亿') || s.ends_with('万')) {
        cur = Some(Currency::CNY);
    }
    let n: Num = magnitude_case(s)
        .parse()
        .map_err(|_| format!("`{v}` is not an amount: {MONEY_FORMS}"))?;
    Ok((n.0, cur))
}

/// In a query `1.5b` and `5m` mean what `1.5B` and `5M` mean (the KB format is stricter).
fn magnitude_case(s: &str) -> String {
    let t = s.trim_end();
    match t.chars().last() {
        Some(c @ ('m' | 'b' | 't')) if t.len() > 1 => {
            format!("{}{}", &t[..t.len() - 1], c.to_ascii_uppercase())
        }
        _ => t.to_string(),
    }
}

const VALUE_FORMS: &str = "expected a number such as 30, 30%, 5pp, 2x or 635亿";

fn parse_value(v: &str) -> Result<(f64, Option<Unit>), String> {
    let s = v.trim();
    let (num, unit) = if let Some(n) = s.strip_suffix('%') {
        (n, Some(Unit::Percent))
    } else if let Some(n) = s.strip_suffix("pp") {
        (n, Some(Unit::PercentPoints))
    } else if let Some(n) = s.strip_suffix('x').filter(|n| !n.is_empty()) {
        (n, Some(Unit::Multiple))
    } else {
        (s, None)
    };
    if num.is_empty() {
        return Err(VALUE_FORMS.into());
    }
    let n: Num = magnitude_case(num)
        .parse()
        .map_err(|_| format!("`{v}` is not a value: {VALUE_FORMS}"))?;
    Ok((n.0, unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(q: &str) -> Vec<(String, bool, bool, bool)> {
        parse(q)
            .unwrap()
            .terms
            .into_iter()
            .map(|t| (t.text, t.exact, t.negated, t.case_sensitive))
            .collect()
    }

    fn filter(q: &str) -> FilterKind {
        let q = parse(q).unwrap();
        assert!(q.terms.is_empty(), "{q:?}");
        assert_eq!(q.filters.len(), 1);
        q.filters[0].kind.clone()
    }

    fn error(q: &str) -> QueryError {
        parse(q).expect_err(q)
    }

    #[test]
    fn terms_exact_negated_quoted_and_smart_case() {
        assert_eq!(
            terms("aly 'T3 !迁移 \"alibaba cloud\""),
            vec![
                ("aly".into(), false, false, false),
                ("T3".into(), true, false, true),
                ("迁移".into(), false, true, false),
                ("alibaba cloud".into(), false, false, false),
            ]
        );
        assert!(parse("   ").unwrap().is_empty());
        assert_eq!(terms("!'Tik"), vec![("Tik".into(), true, true, true)]);
    }

    #[test]
    fn filters() {
        assert_eq!(
            filter("kind:migration"),
            FilterKind::Kind(KindFilter::Deal(DealKind::Migration))
        );
        assert_eq!(
            filter("kind:迁移"),
            FilterKind::Kind(KindFilter::Deal(DealKind::Migration))
        );
        assert_eq!(
            filter("type:Vendors"),
            FilterKind::Kind(KindFilter::Record(Kind::Vendor))
        );
        assert_eq!(
            filter("kind:trend"),
            FilterKind::Kind(KindFilter::Record(Kind::Series))
        );
        assert_eq!(filter("vendor:aws"), FilterKind::Vendor("aws".into()));
        assert_eq!(
            filter("vendor:\"Alibaba Cloud\""),
            FilterKind::Vendor("Alibaba Cloud".into())
        );
        assert_eq!(filter("year:2025"), FilterKind::Period(Period::Year(2025)));
        assert_eq!(filter("kind:move"), FilterKind::Kind(KindFilter::Move));
        assert_eq!(filter("kind:Moves"), FilterKind::Kind(KindFilter::Move));
        assert_eq!(filter("kind:point"), FilterKind::Kind(KindFilter::Point));
        assert_eq!(filter("from:microsoft"), FilterKind::From("microsoft".into()));
        assert_eq!(filter("FROM:微软"), FilterKind::From("微软".into()));
        assert_eq!(
            filter("to:\"Alibaba Cloud\""),
            FilterKind::To("Alibaba Cloud".into())
        );
        let q = parse("!from:aws kind:move").unwrap();
        assert_eq!(
            q.filters.iter().map(|f| f.to_string()).collect::<Vec<_>>(),
            ["!from:aws", "kind:move"]
        );
        assert_eq!(
            filter("period:2025-Q2"),
            FilterKind::Period(Period::Quarter(2025, 2))
        );
        assert_eq!(filter("date:2025-09"), FilterKind::Period(Period::Month(2025, 9)));
        assert_eq!(
            filter("metric:market-share"),
            FilterKind::Metric(Metric::MarketShare)
        );
        assert_eq!(filter("market:中国AI云"), FilterKind::Market("中国AI云".into()));
        assert_eq!(
            filter("Market:\"global cloud\""),
            FilterKind::Market("global cloud".into())
        );
        assert_eq!(
            filter("basis:token-calls"),
            FilterKind::Basis("token-calls".into())
        );
        assert_eq!(filter("report:canalys"), FilterKind::Report("canalys".into()));
        assert_eq!(
            parse("market:中国AI云").unwrap().filters[0].to_string(),
            "market:中国AI云"
        );
        assert!(parse("market:").is_err(), "a filter needs a value");
        assert!(parse("market>3").is_err(), "comparisons only on amount and value");
        assert_eq!(filter("topic:ranking"), FilterKind::Topic(Topic::Ranking));
        assert_eq!(filter("topic:竞争"), FilterKind::Topic(Topic::Rivalry));
        assert_eq!(filter("status:target"), FilterKind::Status(Status::Target));
        assert_eq!(filter("status:传言"), FilterKind::Status(Status::Rumour));
        assert_eq!(filter("role:group"), FilterKind::Role(Role::Group));
        assert_eq!(filter("direction:降价"), FilterKind::Direction(Direction::Down));
        assert_eq!(filter("inferred:yes"), FilterKind::Inferred(true));
        assert_eq!(filter("inferred:No"), FilterKind::Inferred(false));
        assert_eq!(filter("inferred:是"), FilterKind::Inferred(true));
        assert_eq!(filter("inferred:false"), FilterKind::Inferred(false));
        assert_eq!(
            parse("!inferred:y").unwrap().filters[0].to_string(),
            "!inferred:yes"
        );
        assert_eq!(
            filter("amount>=10亿"),
            FilterKind::Amount(Cmp::Ge, 1e9, Some(Currency::CNY)),
            "a bare Chinese magnitude is yuan"
        );
        assert_eq!(filter("amount:>1e9"), FilterKind::Amount(Cmp::Gt, 1e9, None));
        assert_eq!(
            filter("amount>$1B"),
            FilterKind::Amount(Cmp::Gt, 1e9, Some(Currency::USD))
        );
        assert_eq!(
            filter("amount<10亿元"),
            FilterKind::Amount(Cmp::Lt, 1e9, Some(Currency::CNY))
        );
        assert_eq!(
            filter("amount<=5美元"),
            FilterKind::Amount(Cmp::Le, 5.0, Some(Currency::USD))
        );
        assert_eq!(
            filter("amount=2.5MUSD"),
            FilterKind::Amount(Cmp::Eq, 2.5e6, Some(Currency::USD))
        );
        assert_eq!(filter("value>30"), FilterKind::Value(Cmp::Gt, 30.0, None));
        assert_eq!(
            filter("value≥50%"),
            FilterKind::Value(Cmp::Ge, 50.0, Some(Unit::Percent))
        );
        assert_eq!(
            filter("value:2x"),
            FilterKind::Value(Cmp::Eq, 2.0, Some(Unit::Multiple))
        );
        assert_eq!(
            filter("amount>=\"5M USD\""),
            FilterKind::Amount(Cmp::Ge, 5e6, Some(Currency::USD))
        );
        assert_eq!(filter("amount>1.5b"), FilterKind::Amount(Cmp::Gt, 1.5e9, None));
        assert_eq!(
            filter("amount>=5musd"),
            FilterKind::Amount(Cmp::Ge, 5e6, Some(Currency::USD))
        );
        assert_eq!(filter("amount>2bn"), FilterKind::Amount(Cmp::Gt, 2e9, None));
        let q = parse("!kind:vendor aws").unwrap();
        assert!(q.filters[0].negated && q.terms.len() == 1);
        assert_eq!(q.filters[0].to_string(), "!kind:vendor");
    }

    #[test]
    fn text_that_only_looks_like_a_filter_is_text() {
        assert_eq!(terms("\"kind:vendor\"")[0].0, "kind:vendor");
        assert_eq!(terms("x>5")[0].0, "x>5");
        assert_eq!(terms("10:30")[0].0, "10:30");
        assert_eq!(terms(":")[0].0, ":");
    }

    #[test]
    fn malformed_queries_say_where_and_what() {
        let e = error("amount>>");
        assert_eq!(e.column, 7);
        assert!(e.message.contains("not an amount"), "{e}");
        let e = error("aws \"tik tok");
        assert_eq!(
            (e.column, e.message.as_str()),
            (4, "unterminated quote: add a closing \"")
        );
        let e = error("vendr:aws");
        assert!(e.message.contains("did you mean `vendor:`"), "{e}");
        assert!(error("from:").message.contains("needs a value"));
        assert!(
            error("to>3")
                .message
                .contains("comparisons work on amount and value")
        );
        assert!(error("kind:mvoe").message.contains("did you mean `kind:move`"));
        let e = error("kind:migraton");
        assert!(e.message.contains("did you mean `kind:migration`"), "{e}");
        assert!(error("year:20x5").message.contains("not a year"));
        assert!(
            error("period:2025-Q5").message.contains("2025-Q5"),
            "{}",
            error("period:2025-Q5")
        );
        assert!(error("vendor:").message.contains("needs a value"));
        assert!(
            error("year>2024")
                .message
                .contains("comparisons work on amount and value")
        );
        assert!(error("value>abc").message.contains("not a value"));
        assert!(error("amount>$").message.contains("expected an amount"));
        assert!(
            error("metric:revenu")
                .message
                .contains("did you mean `metric:revenue`")
        );
        assert!(
            error("topic:rankng")
                .message
                .contains("did you mean `topic:ranking`")
        );
        let e = error("inferred:yse");
        assert_eq!(e.column, 9);
        assert!(e.message.contains("takes yes or no"), "{e}");
        assert!(e.message.ends_with("inferred:yes or inferred:no"), "{e}");
        assert!(error("inferred:").message.contains("needs a value"));
        assert!(
            error("inferred>1")
                .message
                .contains("comparisons work on amount and value")
        );
        assert_eq!(error("aws !").column, 4);
        assert_eq!(
            error("'").message,
            "nothing after `'`: write 'term to match term exactly"
        );
    }

    #[test]
    fn comparisons() {
        assert!(Cmp::Ge.holds(1e9, 1e9) && Cmp::Eq.holds(0.1 + 0.2, 0.3) && !Cmp::Gt.holds(1.0, 1.0));
    }
}
