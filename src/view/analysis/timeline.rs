//! The Timeline: every dated event as a row, in time order, with the quarter (or half-year, or
//! year, when the date says no more) it falls in. Events are career moves, deals (price changes
//! with their direction and size) and, when the query asks for them with `kind:point`, series
//! data points.
//!
//! The search engine selects records (an executive, a deal); a record may hold several events
//! (an executive's moves, a series' points). The query's event filters (`kind:move`,
//! `kind:point`, `from:`, `to:`, `status:`, `year:` / `period:`) are applied again here to each
//! event, so `from:microsoft` shows the moves that left Microsoft, not every move of the people
//! who once did.

use crate::kb::terms::Status;
use crate::kb::{CareerMove, Deal, DealKind, Kb, Kind, Period, Point};
use crate::search::Query;
use crate::search::engine::{End, Orgs};
use crate::search::query::{FilterKind, KindFilter};
use crate::view::{Cell, Row, SortKey, subject, with_status};

/// One dated event inside a record.
#[derive(Clone, Copy)]
enum Event<'k> {
    Move(&'k CareerMove),
    Deal(&'k Deal),
    Point(&'k Point),
}

impl Event<'_> {
    fn date(&self) -> Option<Period> {
        match self {
            Event::Move(m) => m.date,
            Event::Deal(d) => d.date,
            Event::Point(p) => Some(p.period),
        }
    }

    fn status(&self) -> Status {
        match self {
            Event::Move(m) => m.status,
            Event::Deal(d) => d.status,
            Event::Point(p) => p.status,
        }
    }
}

/// A filter that is about one event, resolved against the KB.
enum Test {
    Move,
    Point,
    Deal,
    DealKind(DealKind),
    From(Orgs),
    To(Orgs),
    Status(Status),
    Period(Period),
}

impl Test {
    fn holds(&self, kb: &Kb, e: Event) -> bool {
        match (self, e) {
            (Test::Move, e) => matches!(e, Event::Move(_)),
            (Test::Point, e) => matches!(e, Event::Point(_)),
            (Test::Deal, e) => matches!(e, Event::Deal(_)),
            (Test::DealKind(k), Event::Deal(d)) => d.kind == *k,
            (Test::DealKind(_), _) => false,
            (Test::From(o), Event::Move(m)) => o.move_names(kb, m, End::From),
            (Test::From(o), Event::Deal(d)) => o.deal_names(kb, d, End::From),
            (Test::To(o), Event::Move(m)) => o.move_names(kb, m, End::To),
            (Test::To(o), Event::Deal(d)) => o.deal_names(kb, d, End::To),
            (Test::From(_) | Test::To(_), Event::Point(_)) => false,
            (Test::Status(s), e) => e.status() == *s,
            (Test::Period(p), e) => e.date().is_some_and(|d| d.within(*p) || p.within(d)),
        }
    }
}

/// The query's event filters, each with its negation, and whether points are shown.
pub(super) struct Events {
    tests: Vec<(bool, Test)>,
    points: bool,
}

impl Events {
    /// The event filters of `query` (the others select records, which the search has done).
    /// Points are shown when the query asks for them: `kind:point` (or `kind:series`).
    pub(super) fn of(kb: &Kb, query: &Query) -> Events {
        let mut tests = Vec::new();
        let mut points = false;
        for f in &query.filters {
            let test = match &f.kind {
                FilterKind::Kind(KindFilter::Move) => Test::Move,
                FilterKind::Kind(KindFilter::Point | KindFilter::Record(Kind::Series)) => {
                    points |= !f.negated;
                    Test::Point
                }
                FilterKind::Kind(KindFilter::Record(Kind::Deal)) => Test::Deal,
                FilterKind::Kind(KindFilter::Record(Kind::Executive)) => Test::Move,
                FilterKind::Kind(KindFilter::Deal(k)) => Test::DealKind(*k),
                FilterKind::From(v) => Test::From(Orgs::resolve(kb, v)),
                FilterKind::To(v) => Test::To(Orgs::resolve(kb, v)),
                FilterKind::Status(s) => Test::Status(*s),
                FilterKind::Period(p) => Test::Period(*p),
                _ => continue,
            };
            tests.push((f.negated, test));
        }
        Events { tests, points }
    }

    fn keep(&self, kb: &Kb, e: Event) -> bool {
        self.tests.iter().all(|(negated, t)| t.holds(kb, e) != *negated)
    }
}

/// The period an event is grouped in: its quarter, or the half-year, year or fiscal year when the
/// date is no finer; a span by where it starts.
pub fn group_of(p: Period) -> Period {
    match p {
        Period::Month(y, m) | Period::Day(y, m, _) => Period::Quarter(y, (m - 1) / 3 + 1),
        Period::Span(..) => group_of(p.ends().0),
        p => p,
    }
}

/// A cell of text the view already owns: made inert (control characters escaped) without
/// copying it when there is nothing to escape.
fn owned(s: String) -> Cell {
    let text = match crate::text::escape_controls(&s) {
        std::borrow::Cow::Borrowed(_) => s,
        std::borrow::Cow::Owned(escaped) => escaped,
    };
    if text.is_empty() {
        return Cell::empty();
    }
    let key = crate::view::text_key(&text);
    Cell { text, key }
}

/// Records (then events) per unit of work when a large KB's rows are built on several threads.
const CHUNK: usize = 4096;

/// One event that passed the filters: its date, and where it is (record kind and index, and
/// which move or point of the record). Light, so sorting them is cheap; rows are made after.
#[derive(Clone, Copy)]
struct At {
    date: Period,
    kind: Kind,
    record: u32,
    event: u32,
}

/// The rows of the events of the selected executives, deals and series that pass `events`, in
/// time order (events on the same date in KB order: executives' moves, then deals, then
/// points). A large selection is built in chunks on every core (the explorer builds it off the
/// UI thread; the CLI waits for it).
pub(super) fn rows(
    kb: &Kb,
    executives: &[usize],
    deals: &[usize],
    series: &[usize],
    events: &Events,
) -> Vec<Row> {
    let series: &[usize] = if events.points { series } else { &[] };
    let units: Vec<(Kind, &[usize])> = [
        (Kind::Executive, executives),
        (Kind::Deal, deals),
        (Kind::Series, series),
    ]
    .into_iter()
    .flat_map(|(kind, ix)| ix.chunks(CHUNK).map(move |c| (kind, c)))
    .collect();
    let threads = |n: usize| if n > 2 * CHUNK { crate::par::cores() } else { 1 };
    let found = crate::par::map_units(
        &units,
        threads(executives.len() + deals.len() + series.len()),
        |&(kind, ix)| Some(find(kb, kind, ix, events)),
    )
    .unwrap_or_default();
    let all: Vec<At> = found.into_iter().flatten().collect();
    // Rows are made in KB order, where the records (and the strings they own) lie in memory
    // in turn: made in time order, each row was a cache miss or more (at 100k records most of
    // the Timeline's time). Then put in time order; stable: the same date keeps the KB order.
    let chunks: Vec<&[At]> = all.chunks(CHUNK).collect();
    let names = vendor_names(kb);
    let parts = crate::par::map_units(&chunks, threads(all.len()), |c| Some(make_rows(kb, &names, c)))
        .unwrap_or_default();
    let mut made: Vec<Option<Row>> = Vec::with_capacity(all.len());
    for p in parts {
        made.extend(p.into_iter().map(Some));
    }
    let mut order: Vec<u32> = (0..all.len() as u32).collect();
    order.sort_by_key(|&i| all[i as usize].date);
    order
        .into_iter()
        .filter_map(|i| made[i as usize].take())
        .collect()
}

/// The dated events of records `ix` (all of `kind`) that pass `events`, in KB order.
fn find(kb: &Kb, kind: Kind, ix: &[usize], events: &Events) -> Vec<At> {
    let mut out = Vec::new();
    let mut push = |date: Option<Period>, record: usize, event: usize, e: Event| {
        if let Some(date) = date
            && events.keep(kb, e)
        {
            out.push(At {
                date,
                kind,
                record: record as u32,
                event: event as u32,
            });
        }
    };
    for &i in ix {
        match kind {
            Kind::Executive => {
                for (n, m) in kb.executives[i].career.iter().enumerate() {
                    push(m.date, i, n, Event::Move(m));
                }
            }
            Kind::Deal => {
                let d = &kb.deals[i];
                push(d.date, i, 0, Event::Deal(d));
            }
            _ => {
                for (n, p) in kb.series[i].points.iter().enumerate() {
                    push(Some(p.period), i, n, Event::Point(p));
                }
            }
        }
    }
    out
}

/// Every vendor's name by id, the first vendor of an id winning as in `Kb::vendor`: one hash
/// lookup per name in the rows (`Kb::vendor` is a binary search of every id, a tenth of the
/// Timeline's time at 100k records when looked up per chunk).
fn vendor_names(kb: &Kb) -> foldhash::HashMap<&str, &str> {
    let mut names = foldhash::HashMap::default();
    for v in &kb.vendors {
        names.entry(v.id.as_str()).or_insert(v.name.as_str());
    }
    names
}

/// The rows of events `at`, in their order; vendor names from `names` ([`vendor_names`]).
fn make_rows(kb: &Kb, names: &foldhash::HashMap<&str, &str>, at: &[At]) -> Vec<Row> {
    use foldhash::{HashMap, HashMapExt};
    let name = |id: &str| -> String { names.get(id).map_or_else(|| id.to_string(), |n| (*n).to_string()) };
    // Periods as written, each formatted once per chunk: a few hundred distinct ones among
    // thousands of events.
    let mut written: HashMap<Period, String> = HashMap::new();
    let mut row = |id: &str, a: &At, inferred: bool, cells: [String; 5]| {
        let g = group_of(a.date);
        let mut show = |p: Period| written.entry(p).or_insert_with(|| p.to_string()).clone();
        let mut all = Vec::with_capacity(7);
        all.push(Cell {
            text: show(g),
            key: SortKey::Period(g.key_in(None)),
        });
        let mut date = show(a.date);
        if inferred {
            date.push('*');
        }
        all.push(Cell {
            text: date,
            key: SortKey::Period(a.date.key_in(None)),
        });
        all.extend(cells.into_iter().map(owned));
        Row {
            id: id.to_string(),
            kind: a.kind,
            index: a.record as usize,
            cells: all.into(),
        }
    };
    let mut rows = Vec::with_capacity(at.len());
    for a in at {
        let i = a.record as usize;
        match a.kind {
            Kind::Executive => {
                let e = &kb.executives[i];
                let m = &e.career[a.event as usize];
                let org = |vendor: &Option<String>, org: &Option<String>| match (vendor, org) {
                    (Some(v), _) => name(v),
                    (None, Some(o)) => o.clone(),
                    (None, None) => String::new(),
                };
                let (from, to) = (org(&m.from, &m.from_org), org(&m.to, &m.to_org));
                rows.push(row(
                    &e.id,
                    a,
                    m.inferred.is_some(),
                    [
                        with_status("move".into(), m.status),
                        e.name.clone(),
                        from,
                        to,
                        m.role.clone(),
                    ],
                ));
            }
            Kind::Deal => {
                let d = &kb.deals[i];
                let mut vendors = String::new();
                for (n, v) in d.vendors.iter().enumerate() {
                    if n > 0 {
                        vendors.push_str(", ");
                    }
                    vendors.push_str(&name(v));
                }
                let mut event = d.kind.as_str().to_string();
                if let Some(c) = crate::view::change_text(d) {
                    event.push(' ');
                    event.push_str(&c);
                }
                let from = d.from_vendor.as_deref().map_or(String::new(), name);
                let counterparty = d.counterparty.clone().unwrap_or_default();
                // A migration is the counterparty (the customer) moving from one vendor to
                // another, as a career move is a person's; any other deal is its vendors' with
                // the counterparty.
                let (who, to) = if d.kind == DealKind::Migration {
                    (counterparty, vendors)
                } else {
                    (vendors, counterparty)
                };
                rows.push(row(
                    &d.id,
                    a,
                    d.inferred.is_some(),
                    [with_status(event, d.status), who, from, to, d.title.clone()],
                ));
            }
            _ => {
                let s = &kb.series[i];
                let p = &s.points[a.event as usize];
                rows.push(row(
                    &s.id,
                    a,
                    p.inferred.is_some(),
                    [
                        with_status("point".into(), p.status),
                        subject(kb, s),
                        String::new(),
                        String::new(),
                        // The status is the Event's cue; the value here without it.
                        format!(
                            "{}: {}{}",
                            s.name,
                            p.qualifier.prefix(),
                            p.value.show(|x| crate::kb::number::human_value(x, &s.unit))
                        ),
                    ],
                ));
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::{Tab, View, ViewSpec, query_view};

    fn index() -> crate::search::Index {
        crate::search::Index::build(std::sync::Arc::new(crate::kb::load_builtin().kb))
    }

    fn timeline(ix: &crate::search::Index, q: &str) -> View {
        let mut spec = ViewSpec::new(Tab::Timeline);
        spec.query = q.to_string();
        query_view(ix, &spec).unwrap_or_else(|e| panic!("{q}: {e}"))
    }

    fn col(key: &str) -> usize {
        Tab::Timeline.column(key).unwrap()
    }

    /// (id, event, from, to) of each row shown.
    fn shown(v: &View) -> Vec<(String, String, String, String)> {
        v.shown()
            .map(|r| {
                let c = |k| r.cells[col(k)].text.clone();
                (r.id.clone(), c("event"), c("from"), c("to"))
            })
            .collect()
    }

    #[test]
    fn from_selects_the_moves_that_left_and_not_the_others_of_the_same_person() {
        let ix = index();
        let v = timeline(&ix, "from:microsoft");
        let rows = shown(&v);
        assert!(
            rows.iter().any(|r| r.0 == "yuan-zhiming" && r.3 == "阿里云"),
            "{rows:?}"
        );
        assert!(rows.iter().all(|r| r.2 == "微软"), "{rows:?}");
        // 储瑞松 joined AWS in 2023 and left in 2025: `from:aws` shows the leaving only.
        let v = timeline(&ix, "from:aws");
        let chu: Vec<_> = shown(&v).into_iter().filter(|r| r.0 == "chu-ruisong").collect();
        assert!(
            !chu.is_empty() && chu.iter().all(|r| r.2 == "亚马逊云科技"),
            "{chu:?}"
        );
        // Every person of the Executives tab has more dated moves than the timeline shows.
        let all = timeline(&ix, "chu-ruisong");
        assert!(all.len() > chu.len());
    }

    #[test]
    fn to_and_from_resolve_names_as_vendor_does() {
        let ix = index();
        let by_id = shown(&timeline(&ix, "to:aliyun"));
        let by_name = shown(&timeline(&ix, "to:\"Alibaba Cloud\""));
        assert!(!by_id.is_empty() && by_id == by_name, "{by_id:?} / {by_name:?}");
        assert!(by_id.iter().all(|r| r.3.contains("阿里云")), "{by_id:?}");
        let e = crate::search::search(
            &ix,
            "from:nowhere-inc",
            crate::search::Scope::All,
            crate::search::Rank::All,
        )
        .unwrap_err();
        assert!(e.message.contains("leaves `nowhere-inc`"), "{e}");
    }

    #[test]
    fn kind_move_status_and_year_are_per_event() {
        let ix = index();
        let moves = timeline(&ix, "kind:move");
        assert!(!moves.is_empty() && moves.shown().all(|r| r.kind == Kind::Executive));
        let rumours = shown(&timeline(&ix, "kind:move status:rumour"));
        assert!(
            !rumours.is_empty() && rumours.iter().all(|r| r.1 == "move rumour"),
            "{rumours:?}"
        );
        // 储瑞松's 2023 move is actual: a rumour filter leaves it out, though he has rumours.
        let y = timeline(&ix, "year:2025");
        assert!(!y.is_empty());
        for r in y.shown() {
            // The date as shown (an inferred one ends in `*`).
            let p: Period = r.cells[col("date")].text.trim_end_matches('*').parse().unwrap();
            assert!(
                p.within(Period::Year(2025)) || Period::Year(2025).within(p),
                "{r:?}"
            );
        }
        let q2 = timeline(&ix, "period:2025-Q2 kind:move");
        // Within the quarter, or dated only by a period around it (2025-H1).
        let q = Period::Quarter(2025, 2);
        for r in q2.shown() {
            let g: Period = r.cells[col("quarter")].text.parse().unwrap();
            assert!(g == q || q.within(g), "{g}");
        }
        assert!(q2.shown().any(|r| r.id == "chu-ruisong"));
        // Negation is per event too.
        let not_aws = shown(&timeline(&ix, "kind:move !status:rumour"));
        assert!(!not_aws.is_empty() && not_aws.iter().all(|r| r.1 == "move" || !r.1.contains("rumour")));
    }

    #[test]
    fn points_come_with_kind_point_and_price_changes_show_direction_and_size() {
        let ix = index();
        let all = timeline(&ix, "");
        assert!(
            all.shown().all(|r| r.kind != Kind::Series),
            "no points unless asked"
        );
        let points = timeline(&ix, "kind:point");
        let n: usize = ix.kb.series.iter().map(|s| s.points.len()).sum();
        assert_eq!(points.len(), n);
        assert!(
            points
                .shown()
                .all(|r| r.kind == Kind::Series && r.cells[col("event")].text.starts_with("point"))
        );
        let changes = timeline(&ix, "kind:price-change");
        assert!(!changes.is_empty());
        for r in changes.shown() {
            let e = &r.cells[col("event")].text;
            let d = &ix.kb.deals[r.index];
            if d.change.is_some() || d.direction.is_some() {
                assert!(e.contains('%') || e.contains("up") || e.contains("down"), "{e}");
            }
        }
        assert!(changes.shown().any(|r| r.cells[col("event")].text.contains('%')));
    }

    /// The sort key's lower case is `to_lowercase`'s, with or without the fast path.
    /// A large selection is built in chunks on several threads: the same rows, in the same
    /// order, as one chunk on this thread, sorted by date with ties in KB order.
    #[test]
    fn chunks_built_side_by_side_keep_the_kb_order() {
        let kb = crate::synth::kb(20_000, 7);
        let ex: Vec<usize> = (0..kb.executives.len()).collect();
        let de: Vec<usize> = (0..kb.deals.len()).collect();
        assert!(ex.len() + de.len() > 2 * CHUNK, "large enough to split");
        let events = Events::of(&kb, &Query::default());
        let texts = |rows: &[Row]| -> Vec<(String, usize, Vec<String>)> {
            rows.iter()
                .map(|r| {
                    (
                        r.id.clone(),
                        r.index,
                        r.cells.iter().map(|c| c.text.clone()).collect(),
                    )
                })
                .collect()
        };
        let mut at = find(&kb, Kind::Executive, &ex, &events);
        at.extend(find(&kb, Kind::Deal, &de, &events));
        assert!(at.len() > 2 * CHUNK, "more than one chunk of rows too");
        at.sort_by_key(|a| a.date);
        let one = make_rows(&kb, &vendor_names(&kb), &at);
        let split = rows(&kb, &ex, &de, &[], &events);
        assert_eq!(texts(&split), texts(&one));
        // Ties in KB order: executives before deals, each by index.
        let keyed: Vec<(crate::kb::period::PeriodKey, u8, usize)> = split
            .iter()
            .map(|r| {
                let SortKey::Period(p) = r.cells[1].key else {
                    panic!()
                };
                (p, u8::from(r.kind != Kind::Executive), r.index)
            })
            .collect();
        assert!(keyed.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn events_are_grouped_by_quarter_in_time_order() {
        assert_eq!(group_of(Period::Month(2025, 4)), Period::Quarter(2025, 2));
        assert_eq!(group_of(Period::Day(2025, 12, 31)), Period::Quarter(2025, 4));
        assert_eq!(group_of(Period::Half(2025, 1)), Period::Half(2025, 1));
        assert_eq!(group_of(Period::Year(2024)), Period::Year(2024));
        let ix = index();
        let v = timeline(&ix, "");
        let key = |r: &Row, c: &str| match r.cells[col(c)].key {
            SortKey::Period(p) => p,
            ref k => panic!("{k:?}"),
        };
        // The date as shown (an inferred one ends in `*`).
        let date = |r: &Row| -> Period { r.cells[col("date")].text.trim_end_matches('*').parse().unwrap() };
        let rows: Vec<&Row> = v.shown().collect();
        assert!(rows.windows(2).all(|w| key(w[0], "date") <= key(w[1], "date")));
        for r in &rows {
            assert_eq!(key(r, "quarter"), group_of(date(r)).key_in(None));
            assert_eq!(r.cells[col("quarter")].text, group_of(date(r)).to_string());
        }
    }
}
