//! Checks across records: ids well-formed and unique, every reference resolves, figures make sense.
//! Problems point at the exact field, found by re-reading the file's spans only when there is one.

use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use serde_spanned::Spanned;
use toml::de::{DeTable, DeValue};

use super::diag::{Diagnostic, SourceFile};
use super::hint::did_you_mean;
use super::model::{Deal, DealKind, Executive, Fact, Metric, Origin, Report, Series, Source, Vendor};
use super::number::Unit;
use super::terms::Direction;
use super::{CompactIds, Kb, Kind, PerKind, Record, with_record};

/// What the parse could not read, so that validation does not pile on follow-on errors.
#[derive(Debug, Default)]
pub struct Broken {
    /// Ids of records that failed to deserialize: references to them are not reported.
    pub ids: HashSet<String>,
    /// Some file did not parse at all: references cannot be checked reliably.
    pub unparsed_files: bool,
    /// The shards of the files that were read in shards, in file order.
    pub shards: HashMap<usize, Vec<Shard>>,
    /// Records that did not read, as far as they read without their bad fields (`peel`): their
    /// other fields are checked too, so one run reports every problem; they are not in the KB.
    pub partials: Kb,
    /// Where each partial record's reading errors are: (file, record start, error start).
    pub partial_errors: Vec<(usize, usize, usize)>,
}

/// A piece of a file that was read on its own (see `load::shards`): the records in it read exactly
/// as in the whole file, so a field is found by parsing the piece alone, not a 200 MB file.
#[derive(Clone, Debug)]
pub struct Shard {
    /// Byte range in the file.
    pub range: Range<usize>,
    /// Per kind, the file index of the shard's first record of that kind.
    pub base: PerKind<usize>,
}

/// Parsed shards kept for `locate`: problems come record by record, so mostly from the same few.
const KEEP_PARSED: usize = 8;

/// One step of a path from a record to a field: `sources[1]` is `[Key("sources"), Index(1)]`.
#[derive(Clone, Copy, Debug)]
pub enum Seg {
    Key(&'static str),
    Index(usize),
}
use Seg::{Index as I, Key as K};

struct Ctx<'a> {
    files: &'a [SourceFile],
    /// Parsed text by (file, start of the shard or 0 for a whole file); `None` if it did not parse.
    tables: HashMap<(usize, usize), Option<Spanned<DeTable<'a>>>>,
    shards: &'a HashMap<usize, Vec<Shard>>,
    /// For the positions quoted in notes ("first used … at kb.toml:12:6").
    lines: super::diag::Lines,
    diags: &'a mut Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    /// The byte span of `path` inside the record at `origin`, or the nearest enclosing span.
    fn locate(&mut self, kind: Kind, origin: &Origin, path: &[Seg]) -> Range<usize> {
        let Some(file) = self.files.get(origin.file) else {
            return origin.span.clone();
        };
        // The shard holding the record, or the whole file when it was read in one piece.
        let shard = self.shards.get(&origin.file).and_then(|shards| {
            let after = shards.partition_point(|s| s.range.start <= origin.span.start);
            after.checked_sub(1).and_then(|i| shards.get(i))
        });
        let (range, index) = match shard {
            Some(s) => (s.range.clone(), origin.index.checked_sub(s.base[kind])),
            None => (0..file.text.len(), Some(origin.index)),
        };
        let key = (origin.file, range.start);
        if !self.tables.contains_key(&key) && self.tables.len() >= KEEP_PARSED {
            self.tables.clear();
        }
        let table = self
            .tables
            .entry(key)
            .or_insert_with(|| file.text.get(range.clone()).and_then(|t| DeTable::parse(t).ok()));
        let (Some(table), Some(index)) = (table.as_ref(), index) else {
            return origin.span.clone();
        };
        let record = table
            .get_ref()
            .iter()
            .find(|(k, _)| k.get_ref() == kind.table())
            .and_then(|(_, v)| v.get_ref().as_array())
            .and_then(|a| a.get(index));
        let Some(record) = record else {
            return origin.span.clone();
        };
        let span = walk(record, path).span();
        span.start + range.start..span.end + range.start
    }

    fn error(&mut self, kind: Kind, origin: &Origin, path: &[Seg], msg: String, help: Option<String>) {
        let span = self.locate(kind, origin, path);
        self.diags
            .push(Diagnostic::error(Some(origin.file), Some(span), msg).with_help(help));
    }

    fn warning(&mut self, kind: Kind, origin: &Origin, path: &[Seg], msg: String, help: Option<String>) {
        let span = self.locate(kind, origin, path);
        self.diags
            .push(Diagnostic::warning(Some(origin.file), Some(span), msg).with_help(help));
    }

    fn where_is(&mut self, kind: Kind, origin: &Origin, path: &[Seg]) -> String {
        let span = self.locate(kind, origin, path);
        let f = &self.files[origin.file];
        let (l, c) = self
            .lines
            .line_col(self.files, origin.file, span.start)
            .unwrap_or((1, 1));
        format!("{}:{l}:{c}", crate::text::escape_controls(&f.name))
    }
}

/// The value at `path` inside `record`, or the nearest enclosing one (the record itself when its
/// first step is missing). Finding a field to point a problem at, and a series point or a career
/// move to open in an editor (`kb::locate`).
pub(crate) fn walk<'a, 't>(record: &'a Spanned<DeValue<'t>>, path: &[Seg]) -> &'a Spanned<DeValue<'t>> {
    let mut cur = record;
    for seg in path {
        let next = match (*seg, cur.get_ref()) {
            (Seg::Key(k), DeValue::Table(t)) => t.iter().find(|(key, _)| key.get_ref() == k).map(|(_, v)| v),
            (Seg::Index(i), DeValue::Array(a)) => a.get(i),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => break,
        }
    }
    cur
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// A suggested id for one that is not well-formed: `Ali Yun` → `ali-yun`.
fn id_suggestion(id: &str) -> Option<String> {
    let mut s = String::new();
    for c in id.trim().chars() {
        match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' => s.push(c.to_ascii_lowercase()),
            _ if !s.ends_with('-') && !s.is_empty() => s.push('-'),
            _ => {}
        }
    }
    let s = s.trim_end_matches('-').to_string();
    (!s.is_empty() && s != id).then_some(s)
}

/// Ids known per kind, for resolving references and suggesting close ones.
struct Ids<'k> {
    kb: &'k Kb,
    sources: CompactIds,
    vendors: CompactIds,
    reports: CompactIds,
    /// Every record's id, whatever its kind, made at the first reference that may name any
    /// record (a fact's subject): a KB without facts never builds it.
    any: OnceCell<CompactIds>,
    broken: &'k HashSet<String>,
    skip_refs: bool,
    /// Per slot (`Ids::slot`), the ids sorted, made at the first dangling reference.
    sorted: [OnceCell<Vec<&'k str>>; 4],
    /// The suggestion for each dangling id seen: a big KB may name a removed vendor thousands of
    /// times, and each suggestion compares the id with every id of its kind.
    suggestions: RefCell<foldhash::HashMap<(usize, String), Option<String>>>,
    /// Series ids, made at the first deal that links a series.
    series: OnceCell<HashSet<&'k str>>,
}

/// What a reference may name: a record of one kind, or of any kind.
#[derive(Clone, Copy)]
enum Refers {
    To(Kind),
    Any,
}

impl<'k> Ids<'k> {
    fn check(&self, ctx: &mut Ctx, what: Kind, id: &str, kind: Kind, origin: &Origin, path: &[Seg]) {
        self.resolve(ctx, Refers::To(what), id, kind, origin, path);
    }

    /// A reference that may name a record of any kind.
    fn check_any(&self, ctx: &mut Ctx, id: &str, kind: Kind, origin: &Origin, path: &[Seg]) {
        self.resolve(ctx, Refers::Any, id, kind, origin, path);
    }

    /// Where a reference's ids are looked up: its set and its slot in `sorted`.
    fn slot(&self, to: Refers) -> (&CompactIds, usize) {
        match to {
            Refers::To(Kind::Source) => (&self.sources, 0),
            Refers::To(Kind::Report) => (&self.reports, 2),
            Refers::To(_) => (&self.vendors, 1),
            Refers::Any => (
                self.any
                    .get_or_init(|| CompactIds::new(self.kb.ids().map(|id| (id, 0)))),
                3,
            ),
        }
    }

    fn resolve(&self, ctx: &mut Ctx, to: Refers, id: &str, kind: Kind, origin: &Origin, path: &[Seg]) {
        if let Some(help) = self.missing(to, id) {
            let what = match to {
                Refers::To(k) => k.table(),
                Refers::Any => "record",
            };
            ctx.error(kind, origin, path, format!("no {what} with id `{id}`"), help);
        }
    }

    /// `None` when `id` names what `to` asks for, or cannot be checked; otherwise the "did you
    /// mean" hint, if any.
    fn missing(&self, to: Refers, id: &str) -> Option<Option<String>> {
        if self.skip_refs || self.broken.contains(id) {
            return None;
        }
        let (set, slot) = self.slot(to);
        if set.get(id).is_some() {
            return None;
        }
        let help = self
            .suggestions
            .borrow_mut()
            .entry((slot, id.to_string()))
            .or_insert_with(|| {
                let sorted = self.sorted[slot].get_or_init(|| {
                    let mut v: Vec<&str> = match to {
                        Refers::To(Kind::Source) => self.kb.sources.iter().map(|r| r.id.as_str()).collect(),
                        Refers::To(Kind::Report) => self.kb.reports.iter().map(|r| r.id.as_str()).collect(),
                        Refers::To(_) => self.kb.vendors.iter().map(|r| r.id.as_str()).collect(),
                        Refers::Any => self.kb.ids().collect(),
                    };
                    v.sort_unstable();
                    v.dedup();
                    v
                });
                did_you_mean(id, sorted).map(|c| format!("did you mean `{c}`?"))
            })
            .clone();
        Some(help)
    }

    /// Whether `id` names a series (for a deal's `series`), or cannot be checked.
    fn has_series(&self, id: &str) -> bool {
        let set = self
            .series
            .get_or_init(|| self.kb.series.iter().map(|s| s.id.as_str()).collect());
        self.skip_refs || set.contains(id) || self.broken.contains(id)
    }

    /// The format the file of a record is written in (`format = 2`; 1 when it says none).
    fn format(&self, origin: &Origin) -> u8 {
        self.kb.formats.get(origin.file).copied().unwrap_or(1)
    }
}

/// How many characters of the nearest passage a quote problem shows.
const PASSAGE_CHARS: usize = 60;

/// Check every quote citing a source that names its archived text (`archive`, relative to
/// `root`) against that text, under `kb::quotes`' rule; an archive that cannot be read, or a path
/// that leaves the KB's folder, is reported at the source's `archive`. Appends to `diags`, and
/// gives the articles read, by source id (the first source of an id), for the KB to keep.
pub fn verify_quotes(
    kb: &Kb,
    files: &[SourceFile],
    broken: &Broken,
    root: &std::path::Path,
    diags: &mut Vec<Diagnostic>,
) -> super::quotes::Archives {
    use super::quotes::{Archives, Article, each_quote};
    use std::sync::Arc;
    if kb.sources.iter().all(|s| s.archive.is_none()) {
        return Archives::default();
    }
    let mut ctx = Ctx {
        files,
        tables: HashMap::new(),
        shards: &broken.shards,
        lines: Default::default(),
        diags,
    };
    let mut articles: HashMap<&str, (&str, Arc<Article>)> = HashMap::new();
    for s in &kb.sources {
        let Some(rel) = s.archive.as_deref() else {
            continue;
        };
        let path = std::path::Path::new(rel);
        let escapes = path.is_absolute()
            || path
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_) | std::path::Component::CurDir));
        let problem = if rel.trim().is_empty() {
            Some("`archive` is empty".to_string())
        } else if escapes {
            Some(format!(
                "`archive` must be a path inside the KB's folder, relative to it (got `{}`)",
                crate::text::escape_controls(rel)
            ))
        } else {
            match crate::fsutil::read_regular(&root.join(path)) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => {
                        articles
                            .entry(&s.id)
                            .or_insert_with(|| (rel, Arc::new(Article::new(text))));
                        None
                    }
                    Err(_) => Some(format!(
                        "the archive `{}` is not UTF-8 text",
                        crate::text::escape_controls(rel)
                    )),
                },
                Err(e) => Some(format!(
                    "cannot read the archive `{}`: {}",
                    crate::text::escape_controls(rel),
                    e.reason()
                )),
            }
        };
        if let Some(msg) = problem {
            let help = format!(
                "`archive` is relative to {}; quotes citing `{}` are not checked",
                root.display(),
                crate::text::escape_controls(&s.id)
            );
            ctx.error(Kind::Source, &s.origin, &[K("archive")], msg, Some(help));
        }
    }
    each_quote(kb, |q| {
        let arts: Vec<&(&str, Arc<Article>)> = q.sources.iter().filter_map(|s| articles.get(s)).collect();
        if arts.is_empty() || arts.iter().any(|(_, a)| a.find(q.text).is_some()) {
            return;
        }
        let names: Vec<String> = arts
            .iter()
            .map(|(rel, _)| format!("`{}`", crate::text::escape_controls(rel)))
            .collect();
        let msg = format!(
            "quote of {} not found in the archived article{} {}",
            crate::text::escape_controls(&q.what),
            if names.len() > 1 { "s" } else { "" },
            names.join(", ")
        );
        let best = arts
            .iter()
            .filter_map(|(rel, a)| a.nearest(q.text).map(|n| (rel, a, n)))
            .max_by(|x, y| x.2.similarity.total_cmp(&y.2.similarity));
        let help = best.map(|(rel, a, n)| {
            let passage = a.text[n.range.clone()].replace(['\n', '\r'], " ");
            let passage = crate::text::escape_controls(&passage);
            format!(
                "the nearest passage, {}:{} ({:.0}% alike): 「{}」",
                crate::text::escape_controls(rel),
                n.line,
                n.similarity * 100.0,
                crate::text::fit(&passage, PASSAGE_CHARS)
            )
        });
        let span = ctx.locate(q.kind, q.origin, &q.path);
        ctx.diags.push(
            Diagnostic::error(Some(q.origin.file), Some(span), msg)
                .with_help(help)
                .with_note(Some(
                    "quotes are compared ignoring white space, full/half-width forms and curly quotes (docs/kb-format.md, \"Archived articles\")".into(),
                )),
        );
    });
    Archives::new(
        articles
            .into_iter()
            .map(|(id, (_, a))| (id.to_string(), a))
            .collect(),
    )
}

/// Check everything that a schema cannot: references, uniqueness, ranges. Appends to `diags`.
pub fn validate(kb: &Kb, files: &[SourceFile], broken: &Broken, diags: &mut Vec<Diagnostic>) {
    let mut ctx = Ctx {
        files,
        tables: HashMap::new(),
        shards: &broken.shards,
        lines: Default::default(),
        diags,
    };
    let ids = Ids {
        kb,
        sources: CompactIds::new(kb.sources.iter().enumerate().map(|(i, s)| (s.id.as_str(), i))),
        vendors: CompactIds::new(kb.vendors.iter().enumerate().map(|(i, v)| (v.id.as_str(), i))),
        reports: CompactIds::new(kb.reports.iter().enumerate().map(|(i, r)| (r.id.as_str(), i))),
        any: OnceCell::new(),
        broken: &broken.ids,
        skip_refs: broken.unparsed_files,
        sorted: Default::default(),
        suggestions: Default::default(),
        series: Default::default(),
    };

    // Ids: well-formed, and unique across the whole KB (so any record can be named by id alone).
    let mut seen: foldhash::HashMap<&str, (Kind, &Origin)> = foldhash::HashMap::with_capacity_and_hasher(
        Kind::ALL.iter().map(|&k| kb.count(k)).sum(),
        Default::default(),
    );
    for kind in Kind::ALL {
        with_record!(kind, R => {
            for r in R::all(kb) {
                check_id(&mut ctx, &mut seen, kind, r.id(), r.origin());
            }
        });
    }
    for kind in Kind::ALL {
        with_record!(kind, R => {
            for r in R::all(kb) {
                r.check(&mut ctx, &ids);
            }
        });
    }
    // Records that did not read: the rest of them, so one run reports every problem. A problem
    // on the line of a reading error is that error's echo (a placeholder, a field taken out).
    let mut reading_errors = broken.partial_errors.clone();
    reading_errors.sort_unstable();
    for kind in Kind::ALL {
        with_record!(kind, R => {
            for r in R::all(&broken.partials) {
                let o = r.origin();
                let from = reading_errors.partition_point(|&(f, at, _)| (f, at) < (o.file, o.span.start));
                let to = reading_errors.partition_point(|&(f, at, _)| (f, at) <= (o.file, o.span.start));
                let files = ctx.files;
                let lines: Vec<usize> = reading_errors[from..to]
                    .iter()
                    .filter_map(|&(f, _, at)| ctx.lines.line_col(files, f, at).map(|(l, _)| l))
                    .collect();
                let before = ctx.diags.len();
                r.check(&mut ctx, &ids);
                let new = ctx.diags.split_off(before);
                for d in new {
                    let line = d.span.as_ref().and_then(|s| ctx.lines.line_col(files, o.file, s.start)).map(|(l, _)| l);
                    if !line.is_some_and(|l| lines.contains(&l)) {
                        ctx.diags.push(d);
                    }
                }
            }
        });
    }
    // `[[fx]]` rates (pair and rate were checked as they were read): the sources they cite.
    for f in &kb.fx {
        let o = &f.origin;
        if f.sources.is_empty() {
            ctx.diags.push(
                Diagnostic::error(
                    Some(o.file),
                    Some(o.span.clone()),
                    "a rate must cite at least one source",
                )
                .with_help(Some("add `sources = [\"<source id>\"]`".into())),
            );
        }
        for id in &f.sources {
            if let Some(help) = ids.missing(Refers::To(Kind::Source), id) {
                ctx.diags.push(
                    Diagnostic::error(
                        Some(o.file),
                        Some(o.span.clone()),
                        format!("no source with id `{id}`"),
                    )
                    .with_help(help),
                );
            }
        }
    }
}

/// Whether a reference is written as an id (`alibaba`) rather than as a name (`阿里巴巴`): a field
/// that takes either (`parent`, `report`, `publisher`) must then resolve.
pub(crate) fn looks_like_id(s: &str) -> bool {
    valid_id(s) && s.bytes().any(|b| b.is_ascii_lowercase())
}

/// An id well-formed and not used before (`seen`: ids so far, with where).
fn check_id<'k>(
    ctx: &mut Ctx,
    seen: &mut foldhash::HashMap<&'k str, (Kind, &'k Origin)>,
    kind: Kind,
    id: &'k str,
    origin: &'k Origin,
) {
    if !valid_id(id) {
        let help =
            id_suggestion(id).map(|s| format!("ids use lower-case ASCII letters, digits and `-`: try `{s}`"));
        ctx.error(
            kind,
            origin,
            &[K("id")],
            format!("invalid id `{id}`"),
            help.or(Some("ids use lower-case ASCII letters, digits and `-`".into())),
        );
    }
    if let Some((first_kind, first)) = seen.get(id) {
        let at = ctx.where_is(*first_kind, first, &[K("id")]);
        let span = ctx.locate(kind, origin, &[K("id")]);
        ctx.diags.push(
            Diagnostic::error(Some(origin.file), Some(span), format!("duplicate id `{id}`"))
                .with_note(Some(format!("first used by a {} at {at}", first_kind.table()))),
        );
    } else {
        seen.insert(id, (kind, origin));
    }
}

/// A text field that must not be empty.
fn required(ctx: &mut Ctx, kind: Kind, origin: &Origin, field: &'static str, value: &str) {
    if value.trim().is_empty() {
        ctx.error(
            kind,
            origin,
            &[K(field)],
            format!("`{field}` must not be empty"),
            None,
        );
    }
}

/// `sources`: at least one, each a source in the KB.
fn cite(ctx: &mut Ctx, ids: &Ids, kind: Kind, origin: &Origin, sources: &[String]) {
    if sources.is_empty() {
        ctx.error(
            kind,
            origin,
            &[K("sources")],
            "a record must cite at least one source".into(),
            Some("add `sources = [\"<source id>\"]`".into()),
        );
    }
    for (i, s) in sources.iter().enumerate() {
        ids.check(ctx, Kind::Source, s, kind, origin, &[K("sources"), I(i)]);
    }
}

/// What a kind of record checks of each of its records, beyond what its type reads: every kind
/// has one (`validate` asks each kind's records through `with_record!`).
trait Check: Record {
    fn check(&self, ctx: &mut Ctx, ids: &Ids);
}

impl Check for Source {
    fn check(&self, ctx: &mut Ctx, _: &Ids) {
        let s = self;
        required(ctx, Kind::Source, &s.origin, "title", &s.title);
        required(ctx, Kind::Source, &s.origin, "publisher", &s.publisher);
    }
}

impl Check for Vendor {
    fn check(&self, ctx: &mut Ctx, ids: &Ids) {
        let v = self;
        required(ctx, Kind::Vendor, &v.origin, "name", &v.name);
        cite(ctx, ids, Kind::Vendor, &v.origin, &v.sources);
        // In format 2 a parent written as an id must be a vendor; a name (`阿里巴巴`) stays text,
        // as every parent does in format 1.
        if let Some(p) = &v.parent
            && ids.format(&v.origin) >= 2
            && looks_like_id(p)
        {
            if *p == v.id {
                ctx.error(
                    Kind::Vendor,
                    &v.origin,
                    &[K("parent")],
                    "a vendor cannot be its own parent".into(),
                    None,
                );
            } else {
                ids.check(ctx, Kind::Vendor, p, Kind::Vendor, &v.origin, &[K("parent")]);
            }
        }
        if let Some(m) = v.fiscal_year_end
            && !(1..=12).contains(&m)
        {
            ctx.error(
                Kind::Vendor,
                &v.origin,
                &[K("fiscal_year_end")],
                format!("`fiscal_year_end` is the month the fiscal year ends, 1–12 (got {m})"),
                Some("Microsoft's year ends on 30 June: `fiscal_year_end = 6`".into()),
            );
        }
    }
}

impl Check for Executive {
    fn check(&self, ctx: &mut Ctx, ids: &Ids) {
        let e = self;
        let o = &e.origin;
        required(ctx, Kind::Executive, o, "name", &e.name);
        cite(ctx, ids, Kind::Executive, o, &e.sources);
        if let Some(v) = &e.vendor {
            ids.check(ctx, Kind::Vendor, v, Kind::Executive, o, &[K("vendor")]);
        }
        for (i, m) in e.career.iter().enumerate() {
            let at = |f: &'static str| [K("career"), I(i), K(f)];
            required(ctx, Kind::Executive, o, "role", &m.role);
            if let Some(v) = &m.from {
                ids.check(ctx, Kind::Vendor, v, Kind::Executive, o, &at("from"));
            }
            if let Some(v) = &m.to {
                ids.check(ctx, Kind::Vendor, v, Kind::Executive, o, &at("to"));
            }
            if m.from.is_some() && m.from_org.is_some() {
                ctx.error(
                    Kind::Executive,
                    o,
                    &at("from_org"),
                    "give either `from` (a vendor id) or `from_org` (a name), not both".into(),
                    None,
                );
            }
            if m.to.is_some() && m.to_org.is_some() {
                ctx.error(
                    Kind::Executive,
                    o,
                    &at("to_org"),
                    "give either `to` (a vendor id) or `to_org` (a name), not both".into(),
                    None,
                );
            }
            if let Some(src) = &m.source {
                ids.check(ctx, Kind::Source, src, Kind::Executive, o, &at("source"));
            }
        }
    }
}

impl Check for Deal {
    fn check(&self, ctx: &mut Ctx, ids: &Ids) {
        let d = self;
        let o = &d.origin;
        required(ctx, Kind::Deal, o, "title", &d.title);
        cite(ctx, ids, Kind::Deal, o, &d.sources);
        if d.vendors.is_empty() {
            ctx.error(
                Kind::Deal,
                o,
                &[K("vendors")],
                "a deal names at least one vendor".into(),
                None,
            );
        }
        for (i, v) in d.vendors.iter().enumerate() {
            ids.check(ctx, Kind::Vendor, v, Kind::Deal, o, &[K("vendors"), I(i)]);
        }
        if let Some(v) = &d.from_vendor {
            ids.check(ctx, Kind::Vendor, v, Kind::Deal, o, &[K("from_vendor")]);
        }
        if let Some(id) = &d.series
            && !ids.has_series(id)
        {
            ctx.error(
                Kind::Deal,
                o,
                &[K("series")],
                format!("no series with id `{id}`"),
                None,
            );
        }
        if (d.change.is_some() || d.direction.is_some()) && d.kind != DealKind::PriceChange {
            let field = if d.change.is_some() { "change" } else { "direction" };
            ctx.error(
                Kind::Deal,
                o,
                &[K(field)],
                format!(
                    "`{field}` is for a price change, and this deal's kind is `{}`",
                    d.kind.as_str()
                ),
                Some("write `kind = \"price-change\"`, or drop the field".into()),
            );
        }
        if let (Some(c), Some(dir)) = (&d.change, d.direction) {
            let agrees = match dir {
                Direction::Up => c.lo > 0.0,
                Direction::Down => c.hi < 0.0,
            };
            if !agrees {
                ctx.error(
                    Kind::Deal,
                    o,
                    &[K("direction")],
                    format!("`direction = \"{}\"` disagrees with the change of {}", dir.as_str(), c.show(|x| format!("{x:+}%"))),
                    Some("a rise is a positive change (`+15%`), a cut a negative one (`-10%`); the direction can be left out when the change is given".into()),
                );
            }
        }
        if let Some(a) = &d.amount
            && a.value.lo < 0.0
        {
            ctx.error(
                Kind::Deal,
                o,
                &[K("amount"), K("value")],
                format!("an amount cannot be negative (got {})", a.value),
                None,
            );
        }
    }
}

impl Check for Series {
    fn check(&self, ctx: &mut Ctx, ids: &Ids) {
        let s = self;
        let o = &s.origin;
        required(ctx, Kind::Series, o, "name", &s.name);
        cite(ctx, ids, Kind::Series, o, &s.sources);
        match (&s.vendor, &s.market) {
            (Some(v), m) => {
                ids.check(ctx, Kind::Vendor, v, Kind::Series, o, &[K("vendor")]);
                // With a vendor, `market` says which market its share or rank is of.
                if let Some(m) = m {
                    required(ctx, Kind::Series, o, "market", m);
                }
            }
            (None, Some(m)) => required(ctx, Kind::Series, o, "market", m),
            (None, None) => ctx.error(
                Kind::Series,
                o,
                &[],
                "a series needs `vendor = \"<vendor id>\"` or `market = \"<market name>\"`".into(),
                None,
            ),
        }
        // In format 2 a report written as an id must be a `[[report]]`; in format 1 it is text.
        if ids.format(o) >= 2 {
            if let Some(r) = s.report.as_deref().filter(|r| looks_like_id(r)) {
                ids.check(ctx, Kind::Report, r, Kind::Series, o, &[K("report")]);
            }
            for (i, p) in s.points.iter().enumerate() {
                if let Some(r) = p.report.as_deref().filter(|r| looks_like_id(r)) {
                    ids.check(
                        ctx,
                        Kind::Report,
                        r,
                        Kind::Series,
                        o,
                        &[K("points"), I(i), K("report")],
                    );
                }
            }
        }
        if ids.format(o) >= 2 && s.metric == Metric::MarketShare {
            if s.market.is_none() {
                ctx.warning(
                    Kind::Series,
                    o,
                    &[K("metric")],
                    "a market share without a market: share of which market?".into(),
                    Some("add `market = \"<market>\"`, e.g. `market = \"中国公有云IaaS\"`".into()),
                );
            }
            if s.basis.is_none() {
                ctx.warning(
                    Kind::Series,
                    o,
                    &[K("metric")],
                    "a market share without a basis: measured by what?".into(),
                    Some("add `basis = \"revenue\"` (or `token-calls`, …; `not-stated` when the source does not say)".into()),
                );
            }
        }
        if s.points.is_empty() {
            ctx.error(
                Kind::Series,
                o,
                &[K("points")],
                "a series needs at least one point".into(),
                Some("add a `[[series.points]]` table with `period` and `value`".into()),
            );
        }
        let mut by_period: foldhash::HashMap<(super::Period, Option<&str>), usize> =
            foldhash::HashMap::default();
        for (i, p) in s.points.iter().enumerate() {
            let at = |f: &'static str| [K("points"), I(i), K(f)];
            if let Some(src) = &p.source {
                ids.check(ctx, Kind::Source, src, Kind::Series, o, &at("source"));
            } else if s.sources.len() > 1 {
                ctx.error(
                    Kind::Series,
                    o,
                    &[K("points"), I(i)],
                    format!(
                        "the series cites {} sources: say which one states this point",
                        s.sources.len()
                    ),
                    Some("add `source = \"<source id>\"` to the point".into()),
                );
            }
            if s.unit.is_amount() && p.value.lo < 0.0 {
                ctx.error(
                    Kind::Series,
                    o,
                    &at("value"),
                    format!("a value in `{}` cannot be negative (got {})", s.unit, p.value),
                    None,
                );
            }
            if s.metric == Metric::MarketShare
                && s.unit == Unit::Percent
                && !((0.0..=100.0).contains(&p.value.lo) && (0.0..=100.0).contains(&p.value.hi))
            {
                ctx.error(
                    Kind::Series,
                    o,
                    &at("value"),
                    format!("a market share must be between 0 and 100 % (got {})", p.value),
                    None,
                );
            }
            let src = p.source.as_deref().or(s.sources.first().map(String::as_str));
            if let Some(first) = by_period.insert((p.period, src), i) {
                let span = ctx.locate(Kind::Series, o, &at("period"));
                let prev = ctx.where_is(Kind::Series, o, &[K("points"), I(first), K("period")]);
                ctx.diags.push(
                    Diagnostic::error(Some(o.file), Some(span), format!("two points for {} from the same source", p.period))
                        .with_note(Some(format!("the other is at {prev}; points for one period may differ only when their sources differ")))
                );
            }
        }
    }
}

/// A text field that may be written as a record id (`publisher = "omdia"`) or as plain text
/// (`publisher = "IDC"`): written as an id, it must be one of a record of kind `what`.
fn id_or_text(
    ctx: &mut Ctx,
    ids: &Ids,
    what: Kind,
    text: &str,
    kind: Kind,
    origin: &Origin,
    field: &'static str,
) {
    if valid_id(text) {
        ids.check(ctx, what, text, kind, origin, &[K(field)]);
    }
}

impl Check for Report {
    fn check(&self, ctx: &mut Ctx, ids: &Ids) {
        let r = self;
        let o = &r.origin;
        required(ctx, Kind::Report, o, "publisher", &r.publisher);
        id_or_text(ctx, ids, Kind::Vendor, &r.publisher, Kind::Report, o, "publisher");
        if let Some(t) = &r.title {
            required(ctx, Kind::Report, o, "title", t);
        }
        cite(ctx, ids, Kind::Report, o, &r.sources);
    }
}

impl Check for Fact {
    fn check(&self, ctx: &mut Ctx, ids: &Ids) {
        let f = self;
        let o = &f.origin;
        required(ctx, Kind::Fact, o, "text", &f.text);
        if f.subject.is_empty() {
            ctx.error(
                Kind::Fact,
                o,
                &[K("subject")],
                "a fact names at least one subject".into(),
                Some("add `subject = [\"<id of a vendor, executive …>\"]`".into()),
            );
        }
        for (i, id) in f.subject.iter().enumerate() {
            ids.check_any(ctx, id, Kind::Fact, o, &[K("subject"), I(i)]);
        }
        for (i, id) in f.object.iter().enumerate() {
            ids.check_any(ctx, id, Kind::Fact, o, &[K("object"), I(i)]);
        }
        if f.value.is_some() && f.unit.is_none() {
            ctx.error(
                Kind::Fact,
                o,
                &[K("value")],
                "a fact's `value` needs its `unit`".into(),
                Some("add `unit = \"%\"` (or the unit the figure is in)".into()),
            );
        }
        if f.rank == Some(0) {
            ctx.error(
                Kind::Fact,
                o,
                &[K("rank")],
                "a rank counts from 1 (1 = first)".into(),
                None,
            );
        }
        if let Some(r) = &f.report {
            id_or_text(ctx, ids, Kind::Report, r, Kind::Fact, o, "report");
        }
        cite(ctx, ids, Kind::Fact, o, &f.sources);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(valid_id("aliyun") && valid_id("t3-2025") && valid_id("a"));
        for bad in ["", "Aliyun", "ali_yun", "-a", "a-", "阿里", "a b"] {
            assert!(!valid_id(bad), "{bad}");
        }
        assert_eq!(id_suggestion("Ali Yun").as_deref(), Some("ali-yun"));
        assert_eq!(id_suggestion("阿里"), None);
    }
}
