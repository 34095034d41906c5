//! A record's detail: its fields, its relations (each a jump target), its series as sparklines,
//! and the sources it cites with their quotes. Pure data; the TUI and export lay it out.

use crate::kb::{
    Current, Deal, Executive, Fact, Kb, Kind, Record, Report, Series, Source, Vendor, mentions, number,
    with_record,
};
use crate::text::escape_controls as clean;

use super::{employer, fact_value, human_point, record_name, spark, subject, vendor_name};

/// A record to jump to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Target {
    pub kind: Kind,
    pub id: String,
}

/// One piece of a detail, in display order. All text is already made safe.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A section heading: `Deals (3)`.
    Heading(String),
    /// `label: value`.
    Field { label: String, value: String },
    /// A paragraph.
    Text(String),
    /// A related record; `note` says how it relates or what it is.
    Link {
        label: String,
        note: String,
        target: Target,
    },
    /// A series drawn as a sparkline, with its first and last points.
    Spark {
        label: String,
        spark: String,
        range: String,
        target: Option<Target>,
    },
    /// The points of a series, as rows: period, value, source (and note); then, per row, the
    /// point's index in the series as written (rows are sorted by period). Each row is a stop of
    /// the detail's cursor ([`Stop::Point`]).
    Points(Vec<[String; 3]>, Vec<usize>),
    /// A career move, as a line of text, and its index in the executive's `career` as written
    /// (moves are shown by date): a stop of the detail's cursor ([`Stop::Move`]).
    Move { text: String, at: usize },
    /// A verbatim quote and where it comes from.
    Quote { text: String, source: String },
    /// The quote just before, in the sentence around it in its source's archived article
    /// (only when an archive holds it).
    Context(super::reader::InContext),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Detail {
    pub target: Target,
    pub title: String,
    pub blocks: Vec<Block>,
}

/// Where the detail pane's cursor can rest: a relation to jump to, or one of the record's own
/// entries (a series point, a career move) that `o` opens in an editor at its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    Link(Target),
    /// `points[i]` of the series shown.
    Point(usize),
    /// `career[i]` of the executive shown.
    Move(usize),
}

impl Detail {
    /// Every stop of the cursor, in display order: the relations ([`Detail::links`]) with the
    /// points and moves among them.
    pub fn stops(&self) -> Vec<Stop> {
        let mut out = Vec::new();
        for b in &self.blocks {
            match b {
                Block::Link { target, .. }
                | Block::Spark {
                    target: Some(target), ..
                } => out.push(Stop::Link(target.clone())),
                Block::Points(_, at) => out.extend(at.iter().map(|&i| Stop::Point(i))),
                Block::Move { at, .. } => out.push(Stop::Move(*at)),
                _ => {}
            }
        }
        out
    }

    /// The jump targets, in display order.
    pub fn links(&self) -> Vec<&Target> {
        self.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Link { target, .. } => Some(target),
                Block::Spark { target: Some(t), .. } => Some(t),
                _ => None,
            })
            .collect()
    }
}

fn field(blocks: &mut Vec<Block>, label: &str, value: Option<&str>) {
    if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
        blocks.push(Block::Field {
            label: label.into(),
            value: clean(v).into_owned(),
        });
    }
}

fn text(blocks: &mut Vec<Block>, value: Option<&str>) {
    if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
        blocks.push(Block::Text(clean(v).into_owned()));
    }
}

fn link(kind: Kind, id: &str, label: &str, note: String) -> Block {
    Block::Link {
        label: clean(label).into_owned(),
        note: clean(&note).into_owned(),
        target: Target {
            kind,
            id: id.to_string(),
        },
    }
}

fn vendor_link(kb: &Kb, id: &str, note: &str) -> Block {
    link(Kind::Vendor, id, vendor_name(kb, id), note.to_string())
}

/// A link to the record with this id, whatever its kind (a plain line if none has it).
fn record_link(kb: &Kb, id: &str, note: &str) -> Block {
    match kb.lookup(id) {
        Some((kind, _)) => link(
            kind,
            id,
            record_name(kb, id),
            format!("{} · {note}", kind.label()),
        ),
        None => Block::Field {
            label: clean(note).into_owned(),
            value: clean(id).into_owned(),
        },
    }
}

/// The "Facts" section of a record's detail: the facts naming it as subject or object.
fn facts_section(kb: &Kb, b: &mut Vec<Block>, kind: Kind, id: &str) {
    let Some((_, i)) = kb.lookup(id).filter(|(k, _)| *k == kind) else {
        return;
    };
    let facts = kb.facts_naming(kind, i);
    if facts.is_empty() {
        return;
    }
    b.push(Block::Heading(format!("Facts ({})", facts.len())));
    for &fi in facts {
        let f = &kb.facts[fi];
        let role = if f.subject.iter().any(|s| s == id) {
            "subject"
        } else {
            "object"
        };
        let mut note = vec![f.topic.as_str(), role];
        if !f.status.is_actual() {
            note.push(f.status.as_str());
        }
        b.push(link(Kind::Fact, &f.id, &f.text, note.join(" · ")));
    }
}

/// Records that cite a source, as (kind, id, label).
pub fn citing<'k>(kb: &'k Kb, source: &str) -> Vec<(Kind, &'k str, &'k str)> {
    let Some(i) = kb.source_index(source) else {
        return Vec::new();
    };
    kb.relations().source_citers[i]
        .iter()
        .filter_map(|&(kind, r)| Some((kind, kb.id_at(kind, r)?, kb.name_at(kind, r)?)))
        .collect()
}

/// The heading that starts a detail's sources section.
const SOURCES: &str = "Sources (";

/// What the "Mentioned in" section says while the mentions are still being found (the explorer
/// finds them on a thread after each load).
pub const MENTIONS_PENDING: &str = "looking for the records that name it…";

/// The "Mentioned in" section, before the sources: the records whose title, summary, note,
/// quote or fact text names this record by one of its names (`kb::mentions`). Records already
/// linked above (a deal listed under its vendor's "Deals") are not repeated, only counted; a
/// name found in too many records to list says so. No section for a record with no name to be
/// named by, or that no record names.
fn mentioned_in(kb: &Kb, b: &mut Vec<Block>, target: &Target) {
    let Some((kind, i)) = kb.lookup(&target.id).filter(|(k, _)| *k == target.kind) else {
        return;
    };
    if !mentions::has_names(kb, kind, i) {
        return;
    }
    let mut section = Vec::new();
    match kb.mentions_known() {
        None => {
            section.push(Block::Heading("Mentioned in".into()));
            section.push(Block::Text(MENTIONS_PENDING.into()));
        }
        Some(m) => {
            let named = m.of(kind, i);
            let linked: std::collections::HashSet<(Kind, &str)> = b
                .iter()
                .filter_map(|x| match x {
                    Block::Link { target, .. }
                    | Block::Spark {
                        target: Some(target), ..
                    } => Some((target.kind, target.id.as_str())),
                    _ => None,
                })
                .collect();
            let mut shown = Vec::new();
            let mut already = 0;
            for &(k, j) in &named.by {
                let (Some(id), Some(name)) = (kb.id_at(k, j), kb.name_at(k, j)) else {
                    continue;
                };
                if linked.contains(&(k, id)) {
                    already += 1;
                } else {
                    shown.push(link(k, id, name, k.label().to_string()));
                }
            }
            if shown.is_empty() && already == 0 && named.too_common.is_empty() {
                return;
            }
            section.push(Block::Heading(format!("Mentioned in ({})", shown.len())));
            section.extend(shown);
            if already > 0 {
                section.push(Block::Text(format!(
                    "also {} linked above",
                    crate::text::count(already, "record", "records")
                )));
            }
            for (name, n) in &named.too_common {
                section.push(Block::Text(
                    clean(&format!(
                        "“{name}” is named in {} records; not listed",
                        number::grouped(*n as f64)
                    ))
                    .into_owned(),
                ));
            }
        }
    }
    let at = b
        .iter()
        .position(|x| matches!(x, Block::Heading(h) if h.starts_with(SOURCES)))
        .unwrap_or(b.len());
    b.splice(at..at, section);
}

/// A quote, then, when an archived article of one of `sources` holds it, the quote in its
/// sentence there.
fn quote_block(kb: &Kb, b: &mut Vec<Block>, text: &str, source: String, sources: &[&str]) {
    b.push(Block::Quote {
        text: clean(text).into_owned(),
        source: clean(&source).into_owned(),
    });
    if !kb.archives.is_empty()
        && let Some(c) = super::reader::in_context(kb, text, sources)
    {
        b.push(Block::Context(c));
    }
}

/// The sources section: each cited source as a link, followed by the record's quote from it.
fn sources(kb: &Kb, blocks: &mut Vec<Block>, ids: &[String], quote: Option<&str>) {
    blocks.push(Block::Heading(format!("{SOURCES}{})", ids.len())));
    for id in ids {
        let (label, note) = match kb.source(id) {
            Some(s) => (s.title.as_str(), format!("{} · {}", s.publisher, s.date)),
            None => (id.as_str(), String::new()),
        };
        blocks.push(link(Kind::Source, id, label, note));
    }
    if let Some(q) = quote {
        // Attribute the quote only when there is one source it can have come from.
        let src = match ids {
            [one] => kb.source(one).map_or(String::new(), |s| s.publisher.clone()),
            _ => String::new(),
        };
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        quote_block(kb, blocks, q, src, &ids);
    }
}

fn spark_block(s: &Series) -> Block {
    let pts = s.sorted_points();
    let range = match (pts.first(), pts.last()) {
        (Some(a), Some(b)) if pts.len() > 1 => {
            format!(
                "{} {} → {} {}",
                a.period,
                human_point(&s.unit, a),
                b.period,
                human_point(&s.unit, b)
            )
        }
        (Some(a), _) => format!("{} {}", a.period, human_point(&s.unit, a)),
        _ => String::new(),
    };
    Block::Spark {
        label: clean(&s.name).into_owned(),
        spark: spark::series_spark_full(s),
        // The unit of a price ends in free KB text.
        range: clean(&range).into_owned(),
        target: Some(Target {
            kind: Kind::Series,
            id: s.id.clone(),
        }),
    }
}

/// The detail of a record, or `None` when no record has that kind and id. Its "Mentioned in"
/// section needs the KB's mentions, found here on first use (a scan of every record's text: the
/// command line's `export --record`); the explorer uses [`detail_known`] instead.
pub fn detail(kb: &Kb, target: &Target) -> Option<Detail> {
    kb.mentions();
    detail_known(kb, target)
}

/// The detail of a record as far as it is known now: never finds mentions itself, so the
/// explorer, which finds them on a thread after each load, never waits for them; until they are
/// found the "Mentioned in" section says so ([`MENTIONS_PENDING`]).
pub fn detail_known(kb: &Kb, target: &Target) -> Option<Detail> {
    let mut b = Vec::new();
    let title = with_record!(target.kind, R => kb.get::<R>(&target.id)?.detail(kb, &mut b)?);
    mentioned_in(kb, &mut b, target);
    Some(Detail {
        target: target.clone(),
        title: clean(&title).into_owned(),
        blocks: b,
    })
}

/// A kind's detail: what the right-hand pane and `export --record` show of one record. Every
/// kind has one (`detail` asks each kind through `with_record!`).
pub trait Detailed: Record {
    /// Append the record's blocks and give its title (`None` if the KB lacks what it needs).
    fn detail(&self, kb: &Kb, b: &mut Vec<Block>) -> Option<String>;
}

/// `FY2025`'s months for a fiscal year that ends in month `end`: `2024-07 – 2025-06`.
fn fiscal_span(end: u8) -> String {
    let ((a, b), (c, d)) = crate::kb::Period::FiscalYear(2025).span(Some(end));
    format!("{a}-{b:02} – {c}-{d:02}")
}

impl Detailed for Vendor {
    fn detail(&self, kb: &Kb, b: &mut Vec<Block>) -> Option<String> {
        let v = self;
        let title = match &v.name_en {
            Some(en) => format!("{} · {en}", v.name),
            None => v.name.clone(),
        };
        field(b, "Aliases", Some(&v.aliases.join(", ")));
        if !v.role.is_cloud() {
            field(b, "Role", Some(v.role.as_str()));
        }
        // A parent written as an id shows as the parent's name.
        let parent = v
            .parent
            .as_deref()
            .map(|p| kb.vendor(p).map_or(p, |pv| pv.name.as_str()));
        field(b, "Parent", parent);
        if let Some(m) = v.fiscal_year_end {
            field(
                b,
                "Fiscal year",
                Some(&format!("ends in month {m}: FY2025 is {}", fiscal_span(m))),
            );
        } else if let Some((pv, m)) = v
            .parent
            .as_deref()
            .and_then(|p| kb.vendor(p))
            .and_then(|pv| Some((pv, pv.fiscal_year_end?)))
        {
            // Its series' FY periods take the parent's year end; say whose.
            field(
                b,
                "Fiscal year",
                Some(&format!(
                    "{}'s, ends in month {m}: FY2025 is {}",
                    pv.name,
                    fiscal_span(m)
                )),
            );
        }
        field(b, "Region", v.region.as_deref());
        field(b, "Segments", Some(&v.segments.join(", ")));
        text(b, v.summary.as_deref());
        let vi = kb.vendor_index(&v.id)?;
        let rel = kb.relations();
        let execs: Vec<_> = rel.vendor_executives[vi]
            .iter()
            .map(|&i| &kb.executives[i])
            .collect();
        if !execs.is_empty() {
            b.push(Block::Heading(format!("Executives ({})", execs.len())));
            for e in execs {
                // A dated move newer than the title's source, to elsewhere, makes this a former
                // employer even when the record's `vendor` still names it.
                let moved_away = matches!(
                    crate::kb::current_title(kb, e),
                    Current::Move { career, .. } if career.to.as_deref() != Some(v.id.as_str())
                );
                let note = if e.vendor.as_deref() == Some(&v.id) && !moved_away {
                    // The current title (a newer dated move's role, if any).
                    super::now(kb, e).1.unwrap_or_default().to_string()
                } else {
                    // Where they are now, when the KB says; else only that they were here.
                    match employer(kb, e) {
                        now if now.is_empty() => "formerly".to_string(),
                        now => format!("formerly · now {now}"),
                    }
                };
                b.push(link(Kind::Executive, &e.id, &e.name, note));
            }
        }
        let deals: Vec<_> = rel.vendor_deals[vi].iter().map(|&i| &kb.deals[i]).collect();
        if !deals.is_empty() {
            b.push(Block::Heading(format!("Deals ({})", deals.len())));
            for d in deals {
                let mut note = vec![d.kind.as_str().to_string()];
                note.extend(d.date.map(|p| p.to_string()));
                note.extend(d.amount.as_ref().map(|a| a.human()));
                if d.from_vendor.as_deref() == Some(&v.id) {
                    note.push("customer left".into());
                }
                b.push(link(Kind::Deal, &d.id, &d.title, note.join(" · ")));
            }
        }
        let series: Vec<_> = rel.vendor_series[vi].iter().map(|&i| &kb.series[i]).collect();
        if !series.is_empty() {
            b.push(Block::Heading(format!("Series ({})", series.len())));
            b.extend(series.into_iter().map(spark_block));
        }
        facts_section(kb, b, Kind::Vendor, &v.id);
        sources(kb, b, &v.sources, v.quote.as_deref());
        Some(title)
    }
}

impl Detailed for Executive {
    fn detail(&self, kb: &Kb, b: &mut Vec<Block>) -> Option<String> {
        let e = self;
        let title = match &e.name_en {
            Some(en) => format!("{} · {en}", e.name),
            None => e.name.clone(),
        };
        match crate::kb::current_title(kb, e) {
            Current::Title { as_of } => {
                match &e.vendor {
                    Some(v) => b.push(vendor_link(
                        kb,
                        v,
                        e.title.as_deref().unwrap_or("current employer"),
                    )),
                    None => field(b, "Organisation", e.org.as_deref()),
                }
                if e.vendor.is_none() {
                    field(b, "Title", e.title.as_deref());
                }
                field(b, "As of", as_of.map(|a| a.show()).as_deref());
            }
            // A dated move newer than the title's source: its role is current, since its date.
            Current::Move {
                career: m,
                date,
                stale,
                title_as_of,
            } => {
                match (&m.to, &m.to_org) {
                    (Some(v), _) => b.push(vendor_link(kb, v, &m.role)),
                    (None, Some(o)) => {
                        field(b, "Organisation", Some(o));
                        field(b, "Title", Some(&m.role));
                    }
                    (None, None) => {
                        let (left, _) = super::now(kb, e);
                        field(b, "Now", Some(&format!("{left} (was {})", m.role)));
                    }
                }
                let mut when = format!("{date} (career move");
                if let Some(src) = m.source.as_deref().and_then(|id| kb.source(id)) {
                    when.push_str(&format!(", {}", src.publisher));
                }
                when.push(')');
                field(b, "As of", Some(&super::with_stale(when, stale)));
                if let Some(t) = &e.title {
                    let was = match title_as_of {
                        Some(a) => format!("{t}, as of {}", a.show()),
                        None => t.clone(),
                    };
                    field(b, "Earlier title", Some(&was));
                }
            }
        }
        text(b, e.summary.as_deref());
        if !e.career.is_empty() {
            b.push(Block::Heading(format!("Career ({})", e.career.len())));
            let mut moves: Vec<_> = e.career.iter().enumerate().collect();
            moves.sort_by_key(|(_, m)| m.date);
            for (at, m) in moves {
                let from = m
                    .from
                    .as_deref()
                    .map(|v| vendor_name(kb, v))
                    .or(m.from_org.as_deref());
                let to =
                    m.to.as_deref()
                        .map(|v| vendor_name(kb, v))
                        .or(m.to_org.as_deref());
                let mut when = m.date.map_or("undated".to_string(), |d| d.to_string());
                if m.date.is_some() && m.inferred.is_some() {
                    when.push('*');
                }
                let path = match (from, to) {
                    (Some(f), Some(t)) => format!("{f} → {t}"),
                    (Some(f), None) => format!("left {f}"),
                    (None, Some(t)) => format!("→ {t}"),
                    (None, None) => String::new(),
                };
                let mut line = crate::view::with_status(format!("{when}  {path}  {}", m.role), m.status);
                if let Some(why) = &m.inferred {
                    line.push_str(&format!(" (date inferred: {why})"));
                }
                if let Some(n) = &m.note {
                    line.push_str(&format!(" ({n})"));
                }
                b.push(Block::Move {
                    text: clean(line.trim()).into_owned(),
                    at,
                });
                if let Some(q) = &m.quote {
                    let from: Vec<&str> = match &m.source {
                        Some(s) => vec![s.as_str()],
                        None => e.sources.iter().map(String::as_str).collect(),
                    };
                    quote_block(kb, b, q, String::new(), &from);
                }
            }
            let mut seen = Vec::new();
            for m in &e.career {
                for v in [&m.from, &m.to].into_iter().flatten() {
                    if !seen.contains(v) && e.vendor.as_ref() != Some(v) {
                        seen.push(v.clone());
                    }
                }
            }
            for v in &seen {
                b.push(vendor_link(kb, v, "in career"));
            }
        }
        facts_section(kb, b, Kind::Executive, &e.id);
        sources(kb, b, &e.sources, e.quote.as_deref());
        Some(title)
    }
}

impl Detailed for Deal {
    fn detail(&self, kb: &Kb, b: &mut Vec<Block>) -> Option<String> {
        let d = self;
        let title = d.title.clone();
        field(b, "Kind", Some(d.kind.as_str()));
        if !d.status.is_actual() {
            field(b, "Status", Some(d.status.as_str()));
        }
        field(b, "Date", d.date.map(|p| p.to_string()).as_deref());
        field(b, "Inferred", d.inferred.as_deref());
        field(b, "Change", super::change_text(d).as_deref());
        field(b, "Product", d.product.as_deref());
        if let Some(a) = &d.amount {
            let exact = format!(
                "{} ({} {} {})",
                a.human(),
                a.qualifier.word().replace('-', " "),
                a.value.show(number::grouped),
                a.currency
            );
            field(b, "Amount", Some(&exact));
        }
        field(b, "Counterparty", d.counterparty.as_deref());
        text(b, d.summary.as_deref());
        b.push(Block::Heading(format!(
            "Vendors ({})",
            d.vendors.len() + d.from_vendor.iter().count()
        )));
        for v in &d.vendors {
            b.push(vendor_link(kb, v, "vendor"));
        }
        if let Some(v) = &d.from_vendor {
            b.push(vendor_link(kb, v, "migrated away from"));
        }
        facts_section(kb, b, Kind::Deal, &d.id);
        sources(kb, b, &d.sources, d.quote.as_deref());
        Some(title)
    }
}

impl Detailed for Series {
    fn detail(&self, kb: &Kb, b: &mut Vec<Block>) -> Option<String> {
        let s = self;
        let title = s.name.clone();
        match &s.vendor {
            Some(v) => {
                b.push(vendor_link(kb, v, "vendor"));
                field(b, "Market", s.market.as_deref());
            }
            None => field(b, "Market", Some(&subject(kb, s))),
        }
        field(b, "Segment", s.segment.as_deref());
        field(b, "Metric", Some(s.metric.as_str()));
        field(b, "Basis", s.basis.as_deref());
        field(b, "Unit", Some(&s.unit.to_string()));
        let report = s.report.as_deref().map(|r| {
            kb.get::<crate::kb::Report>(r)
                .and_then(|rep| rep.title.as_deref())
                .unwrap_or(r)
        });
        field(b, "Report", report);
        // When the latest figure was known; `old` when that is more than two years before the
        // KB's newest source.
        field(b, "As of", kb.series_as_of(s).map(|a| a.show()).as_deref());
        text(b, s.summary.as_deref());
        let mut sp = spark_block(s);
        if let Block::Spark { target, .. } = &mut sp {
            *target = None;
        }
        b.push(sp);
        b.push(Block::Heading(format!("Points ({})", s.points.len())));
        let sorted = s.sorted_points();
        // Each row's point as written (the rows are sorted).
        let at = sorted
            .iter()
            .map(|p| s.points.iter().position(|q| std::ptr::eq(q, *p)).unwrap_or(0))
            .collect();
        let rows = sorted
            .into_iter()
            .map(|p| {
                let src = p
                    .source
                    .as_deref()
                    .or(s.sources.first().map(String::as_str))
                    .unwrap_or("");
                let stale = kb.point_as_of(s, p).is_some_and(|a| a.stale);
                let value = super::with_stale(human_point(&s.unit, p), stale);
                // The source as a person cites it: publisher and date (its id when unknown).
                let mut origin = kb
                    .source(src)
                    .map_or_else(|| src.to_string(), |x| format!("{} {}", x.publisher, x.date));
                if let Some(r) = &p.report {
                    origin.push_str(&format!(" · report {r}"));
                }
                if let Some(why) = &p.inferred {
                    origin.push_str(&format!(" · period inferred: {why}"));
                }
                if let Some(n) = &p.note {
                    origin.push_str(&format!(" · {n}"));
                }
                // A fiscal year with its months when the vendor says when its year ends.
                let mut period = s.describe_period(p.period);
                if p.inferred.is_some() {
                    period.push('*');
                }
                [period, clean(&value).into_owned(), clean(&origin).into_owned()]
            })
            .collect();
        b.push(Block::Points(rows, at));
        for p in s.sorted_points() {
            if let Some(q) = &p.quote {
                let from: Vec<&str> = match &p.source {
                    Some(x) => vec![x.as_str()],
                    None => s.sources.iter().map(String::as_str).collect(),
                };
                quote_block(kb, b, q, p.period.to_string(), &from);
            }
        }
        facts_section(kb, b, Kind::Series, &s.id);
        sources(kb, b, &s.sources, None);
        Some(title)
    }
}

impl Detailed for Source {
    fn detail(&self, kb: &Kb, b: &mut Vec<Block>) -> Option<String> {
        let s = self;
        let title = s.title.clone();
        field(b, "Publisher", Some(&s.publisher));
        field(b, "Authors", Some(&s.authors.join(", ")));
        field(b, "Date", Some(&s.date.to_string()));
        field(b, "Inferred", s.inferred.as_deref());
        field(b, "Seed file", s.seed.as_deref());
        field(b, "Archive", s.archive.as_deref());
        field(b, "URL", s.url.as_deref());
        text(b, s.summary.as_deref());
        let cited = citing(kb, &s.id);
        b.push(Block::Heading(format!("Cited by ({})", cited.len())));
        for (kind, id, label) in cited {
            b.push(link(kind, id, label, kind.table().to_string()));
        }
        Some(title)
    }
}

impl Detailed for Report {
    fn detail(&self, kb: &Kb, b: &mut Vec<Block>) -> Option<String> {
        let r = self;
        let title = r.name().to_string();
        match kb.vendor(&r.publisher) {
            Some(_) => b.push(vendor_link(kb, &r.publisher, "publisher")),
            None => field(b, "Publisher", Some(&r.publisher)),
        }
        field(b, "Period", r.period.map(|p| p.to_string()).as_deref());
        field(b, "Published", r.date.map(|p| p.to_string()).as_deref());
        field(b, "Inferred", r.inferred.as_deref());
        text(b, r.summary.as_deref());
        let ri = kb.lookup(&r.id).filter(|(k, _)| *k == Kind::Report)?.1;
        let series = &kb.relations().report_series[ri];
        if !series.is_empty() {
            b.push(Block::Heading(format!("Figures ({})", series.len())));
            b.extend(series.iter().map(|&i| spark_block(&kb.series[i])));
        }
        let facts: Vec<&Fact> = kb
            .facts
            .iter()
            .filter(|f| f.report.as_deref() == Some(r.id.as_str()))
            .collect();
        if !facts.is_empty() {
            b.push(Block::Heading(format!("Facts from it ({})", facts.len())));
            for f in facts {
                b.push(link(Kind::Fact, &f.id, &f.text, f.topic.as_str().to_string()));
            }
        }
        facts_section(kb, b, Kind::Report, &r.id);
        sources(kb, b, &r.sources, r.quote.as_deref());
        Some(title)
    }
}

impl Detailed for Fact {
    fn detail(&self, kb: &Kb, b: &mut Vec<Block>) -> Option<String> {
        let f = self;
        let title = f.text.clone();
        field(b, "Topic", Some(f.topic.as_str()));
        b.push(Block::Heading(format!("Subject ({})", f.subject.len())));
        for id in &f.subject {
            b.push(record_link(kb, id, "subject"));
        }
        if !f.object.is_empty() {
            b.push(Block::Heading(format!("Object ({})", f.object.len())));
            for id in &f.object {
                b.push(record_link(kb, id, "object"));
            }
        }
        text(b, Some(&f.text));
        field(b, "Market", f.market.as_deref());
        field(b, "Basis", f.basis.as_deref());
        if let Some(r) = &f.report {
            match kb.get::<Report>(r) {
                Some(rep) => b.push(link(Kind::Report, r, rep.name(), "report".into())),
                None => field(b, "Report", Some(r)),
            }
        }
        field(b, "Rank", f.rank.map(|r| format!("#{r}")).as_deref());
        field(b, "Value", fact_value(f).as_deref());
        field(b, "Period", f.period.map(|p| p.to_string()).as_deref());
        if let Some(why) = &f.inferred {
            b.push(Block::Text(clean(&format!("inferred: {why}")).into_owned()));
        }
        if !f.status.is_actual() {
            field(b, "Status", Some(f.status.as_str()));
        }
        text(b, f.note.as_deref());
        facts_section(kb, b, Kind::Fact, &f.id);
        sources(kb, b, &f.sources, f.quote.as_deref());
        Some(title)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb() -> Kb {
        crate::kb::load_builtin().kb
    }

    #[test]
    fn every_record_has_a_detail_whose_links_resolve() {
        let kb = kb();
        for tab in super::super::Tab::ALL {
            for row in super::super::rows(&kb, &super::super::ViewSpec::new(tab))
                .rows
                .iter()
            {
                let t = Target {
                    kind: row.kind,
                    id: row.id.clone(),
                };
                let d = detail(&kb, &t).unwrap_or_else(|| panic!("no detail for {t:?}"));
                for l in d.links() {
                    assert!(detail(&kb, l).is_some(), "{t:?} links to missing {l:?}");
                }
            }
        }
    }

    /// Points and moves show sorted (by period, by date) but stop at their index as written, so
    /// `o` opens the line of the entry the cursor is on.
    #[test]
    fn points_and_moves_stop_at_their_index_as_written_in_display_order() {
        let text = r#"
[[source]]
id = "s1"
title = "T"
publisher = "P"
date = "2025-01-01"

[[vendor]]
id = "v1"
name = "V"
sources = ["s1"]

[[series]]
id = "rev"
name = "Revenue"
vendor = "v1"
metric = "revenue"
unit = "CNY"
sources = ["s1"]
points = [
  { period = "2025", value = "3亿" },
  { period = "2023", value = "1亿" },
  { period = "2024", value = "2亿" },
]

[[executive]]
id = "ann"
name = "Ann"
vendor = "v1"
sources = ["s1"]
career = [
  { date = "2022", to = "v1", role = "CTO", source = "s1" },
  { date = "2019", to = "v1", role = "VP", source = "s1" },
]
"#;
        let l = crate::kb::load::load_bytes("t.toml", text.as_bytes().to_vec());
        assert!(l.is_ok(), "{}", l.render_diagnostics());
        let at = |kind, id: &str| detail(&l.kb, &Target { kind, id: id.into() }).unwrap();
        let d = at(Kind::Series, "rev");
        let periods: Vec<&str> = d
            .blocks
            .iter()
            .find_map(|b| match b {
                Block::Points(rows, _) => Some(rows.iter().map(|r| r[0].as_str()).collect()),
                _ => None,
            })
            .unwrap();
        assert_eq!(periods, ["2023", "2024", "2025"]);
        let points: Vec<Stop> = d
            .stops()
            .into_iter()
            .filter(|s| !matches!(s, Stop::Link(_)))
            .collect();
        assert_eq!(points, [Stop::Point(1), Stop::Point(2), Stop::Point(0)]);
        let d = at(Kind::Executive, "ann");
        let moves: Vec<Stop> = d
            .stops()
            .into_iter()
            .filter(|s| !matches!(s, Stop::Link(_)))
            .collect();
        assert_eq!(moves, [Stop::Move(1), Stop::Move(0)]);
        // Relations keep their place among the stops, and `links` lists only them.
        assert_eq!(d.links().len(), d.stops().len() - 2);
    }

    #[test]
    fn vendor_detail_relates_executives_deals_series_and_sources() {
        let kb = kb();
        let d = detail(
            &kb,
            &Target {
                kind: Kind::Vendor,
                id: "aws".into(),
            },
        )
        .unwrap();
        let kinds: Vec<Kind> = d.links().iter().map(|t| t.kind).collect();
        for k in [Kind::Executive, Kind::Deal, Kind::Source] {
            assert!(kinds.contains(&k), "aws detail lacks a {k:?} link: {kinds:?}");
        }
        assert!(d.links().iter().any(|t| t.id == "chu-ruisong"));
    }

    #[test]
    fn quotes_are_attributed_only_to_a_single_source() {
        let kb = kb();
        let quote_source = |kind: Kind, id: &str| {
            detail(&kb, &Target { kind, id: id.into() })
                .unwrap()
                .blocks
                .iter()
                .find_map(|b| match b {
                    Block::Quote { source, .. } => Some(source.clone()),
                    _ => None,
                })
        };
        let multi = kb
            .vendors
            .iter()
            .find(|v| v.sources.len() > 1 && v.quote.is_some())
            .unwrap();
        assert_eq!(quote_source(Kind::Vendor, &multi.id).as_deref(), Some(""));
        let single = kb
            .deals
            .iter()
            .find(|d| d.sources.len() == 1 && d.quote.is_some())
            .unwrap();
        let publisher = &kb.source(&single.sources[0]).unwrap().publisher;
        assert_eq!(quote_source(Kind::Deal, &single.id).as_ref(), Some(publisher));
    }

    /// A former employee whose whereabouts the KB does not give is listed as `formerly`, never
    /// `formerly · now ` with nothing after it (the built-in KB's 黄陈宏 under AWS).
    #[test]
    fn a_former_employee_with_no_known_employer_is_formerly() {
        let kb = kb();
        for v in &kb.vendors {
            let blocks = detail(
                &kb,
                &Target {
                    kind: Kind::Vendor,
                    id: v.id.clone(),
                },
            )
            .unwrap()
            .blocks;
            for b in blocks {
                if let Block::Link { label, note, target } = b
                    && target.kind == Kind::Executive
                {
                    assert!(!note.trim_end().ends_with("now"), "{}: {label}: {note:?}", v.id);
                }
            }
        }
        let aws = detail(
            &kb,
            &Target {
                kind: Kind::Vendor,
                id: "aws".into(),
            },
        )
        .unwrap()
        .blocks;
        assert!(aws.iter().any(
            |b| matches!(b, Block::Link { label, note, .. } if label == "黄陈宏" && note == "formerly")
        ));
    }

    /// As-of (`tests/fixtures/good/as_of.toml`): 张某's title is as of 2025-09-11, but a dated move
    /// of 2025-11 took him elsewhere: his vendor's detail lists him as a former employee, his own
    /// detail shows the move's role as current.
    #[test]
    fn a_newer_move_is_current_everywhere() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good/as_of.toml");
        let l = crate::kb::load_path(&path);
        assert!(l.is_ok(), "{}", l.render_diagnostics());
        let kb = l.kb;
        let at = |kind, id: &str| detail(&kb, &Target { kind, id: id.into() }).unwrap().blocks;
        let notes: Vec<(String, String)> = at(Kind::Vendor, "yun")
            .into_iter()
            .filter_map(|b| match b {
                Block::Link { label, note, target } if target.kind == Kind::Executive => Some((label, note)),
                _ => None,
            })
            .collect();
        assert_eq!(
            notes,
            [
                ("张某".to_string(), "formerly · now 某基金".to_string()),
                ("李某".to_string(), "某云CTO".to_string())
            ]
        );
        let fields: Vec<(String, String)> = at(Kind::Executive, "zhang")
            .into_iter()
            .filter_map(|b| match b {
                Block::Field { label, value } => Some((label, value)),
                _ => None,
            })
            .collect();
        let field = |l: &str| fields.iter().find(|(k, _)| k == l).map(|(_, v)| v.as_str());
        assert_eq!(field("Organisation"), Some("某基金"));
        assert_eq!(field("Title"), Some("合伙人"));
        assert_eq!(field("As of"), Some("2025-11 (career move, 网易号)"));
        let li = at(Kind::Executive, "li");
        assert!(li.contains(&Block::Field {
            label: "As of".into(),
            value: "2022-06-19 (财联社) · old".into()
        }));
    }

    #[test]
    fn unknown_target_has_no_detail() {
        assert!(
            detail(
                &kb(),
                &Target {
                    kind: Kind::Deal,
                    id: "aliyun".into()
                }
            )
            .is_none()
        );
    }

    /// The default KB (format 1) and, while it is staged beside it, the format-2 one.
    fn default_kbs() -> Vec<Kb> {
        let mut kbs = vec![kb()];
        let v2 = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/kb-v2");
        if v2.is_dir() {
            let l = crate::kb::load_path(&v2);
            assert!(l.is_ok(), "{}", l.render_diagnostics());
            kbs.push(l.kb);
        }
        kbs
    }

    #[test]
    fn chu_ruisong_is_mentioned_in_the_deals_whose_summaries_name_him() {
        for kb in default_kbs() {
            let e = kb.executives.iter().find(|e| e.name == "储瑞松").expect("储瑞松");
            let t = Target {
                kind: Kind::Executive,
                id: e.id.clone(),
            };
            // Before the mentions are found, the section says it is looking.
            let pending = detail_known(&kb, &t).unwrap();
            assert!(pending.blocks.contains(&Block::Text(MENTIONS_PENDING.into())));
            let d = detail(&kb, &t).unwrap();
            let heading = d
                .blocks
                .iter()
                .position(|b| matches!(b, Block::Heading(h) if h.starts_with("Mentioned in (")))
                .expect("a Mentioned in section");
            let sources = d
                .blocks
                .iter()
                .position(|b| matches!(b, Block::Heading(h) if h.starts_with(SOURCES)))
                .unwrap();
            assert!(heading < sources, "mentions come before the sources");
            let naming: Vec<&Deal> = kb
                .deals
                .iter()
                .filter(|d| d.summary.as_deref().is_some_and(|s| s.contains("储瑞松")))
                .collect();
            assert!(!naming.is_empty(), "a deal's summary names 储瑞松");
            let listed: Vec<&Target> = d.blocks[heading..sources]
                .iter()
                .filter_map(|b| match b {
                    Block::Link { target, .. } => Some(target),
                    _ => None,
                })
                .collect();
            for deal in naming {
                assert!(
                    listed.iter().any(|l| l.kind == Kind::Deal && l.id == deal.id),
                    "{} names 储瑞松 but is not listed: {listed:?}",
                    deal.id
                );
            }
        }
    }

    #[test]
    fn records_linked_above_are_counted_not_repeated() {
        for kb in default_kbs() {
            kb.mentions();
            // A vendor named in the summary of a deal that already lists it as a vendor.
            let (v, deal) = kb
                .deals
                .iter()
                .find_map(|d| {
                    let v = kb.vendor(d.vendors.first()?)?;
                    d.summary.as_deref()?.contains(v.name.as_str()).then_some((v, d))
                })
                .expect("a deal whose summary names its vendor");
            let t = Target {
                kind: Kind::Vendor,
                id: v.id.clone(),
            };
            let d = detail(&kb, &t).unwrap();
            let links = d.links();
            let times = links
                .iter()
                .filter(|l| l.kind == Kind::Deal && l.id == deal.id)
                .count();
            assert_eq!(times, 1, "{} is linked once from {}", deal.id, v.id);
            assert!(
                d.blocks
                    .iter()
                    .any(|b| matches!(b, Block::Text(t) if t.ends_with("linked above"))),
                "{:?}",
                d.blocks
            );
        }
    }
}
