//! Every kind declared in `kb::kinds` is whole: it loads from its TOML table, validates, is
//! indexed and found, has a tab with a row per record, a detail and a JSON export. A kind added to
//! the declaration fails to compile `sample` below until it has a sample record here, and then
//! fails these tests wherever it was left out.

use std::sync::Arc;

use marketlens::export::{self, Format};
use marketlens::kb::{self, Kind, SourceFile};
use marketlens::search::{self, Rank, Scope};
use marketlens::view::{self, Tab, Target, ViewSpec};

/// One record of `kind` (id `one-<table>`), citing the source and vendor every sample has.
fn sample(kind: Kind) -> &'static str {
    match kind {
        Kind::Source => {
            "[[source]]\nid = \"one-source\"\ntitle = \"A report\"\npublisher = \"Press\"\ndate = \"2025-03\"\n"
        }
        Kind::Vendor => {
            "[[vendor]]\nid = \"one-vendor\"\nname = \"Vendor One\"\nsources = [\"one-source\"]\n"
        }
        Kind::Executive => {
            "[[executive]]\nid = \"one-executive\"\nname = \"Exec One\"\nvendor = \"one-vendor\"\nsources = [\"one-source\"]\n"
        }
        Kind::Deal => {
            "[[deal]]\nid = \"one-deal\"\ntitle = \"A deal\"\nkind = \"order\"\nvendors = [\"one-vendor\"]\nsources = [\"one-source\"]\n"
        }
        Kind::Series => {
            "[[series]]\nid = \"one-series\"\nname = \"Revenue\"\nvendor = \"one-vendor\"\nmetric = \"revenue\"\nunit = \"%\"\nsources = [\"one-source\"]\n[[series.points]]\nperiod = \"2025\"\nvalue = 1\n"
        }
        Kind::Report => {
            "[[report]]\nid = \"one-report\"\npublisher = \"one-vendor\"\ntitle = \"Market study\"\nperiod = \"2025-H1\"\nsources = [\"one-source\"]\n"
        }
        Kind::Fact => {
            "[[fact]]\nid = \"one-fact\"\ntopic = \"ranking\"\nsubject = [\"one-vendor\"]\ntext = \"Vendor One leads\"\nrank = 1\nsources = [\"one-source\"]\n"
        }
    }
}

/// A KB of one sample record per kind, each in its own file.
fn one_of_each() -> kb::Loaded {
    let files = Kind::ALL
        .iter()
        .map(|k| SourceFile {
            name: format!("{}.toml", k.table()),
            text: sample(*k).to_string(),
        })
        .collect();
    kb::load::load_files("samples".into(), files, Vec::new())
}

#[test]
fn every_kind_loads_validates_and_counts_one() {
    let l = one_of_each();
    assert!(l.diagnostics.is_empty(), "{}", l.render_diagnostics());
    for kind in Kind::ALL {
        assert_eq!(l.kb.count(kind), 1, "{kind:?}");
        let id = format!("one-{}", kind.table());
        assert_eq!(l.kb.lookup(&id), Some((kind, 0)), "{kind:?}");
        assert_eq!(l.kb.id_at(kind, 0), Some(id.as_str()));
        assert!(l.kb.name_at(kind, 0).is_some_and(|n| !n.is_empty()), "{kind:?}");
    }
    assert_eq!(l.kb.ids().count(), Kind::COUNT);
    // Every sample but the source cites it: each is in the source's "Cited by".
    let citers = &l.kb.relations().source_citers[0];
    let expected: Vec<(Kind, usize)> = Kind::ALL
        .into_iter()
        .filter(|&k| k != Kind::Source)
        .map(|k| (k, 0))
        .collect();
    assert_eq!(citers, &expected);
}

#[test]
fn every_kind_is_indexed_and_found_by_id() {
    let kb = Arc::new(one_of_each().kb);
    let ix = search::Index::build(kb.clone());
    assert_eq!(ix.docs.len(), Kind::COUNT);
    for kind in Kind::ALL {
        assert_eq!(ix.by_kind[kind].len(), 1, "{kind:?}");
        let doc = ix.doc_of(kind, 0).expect("a doc");
        assert_eq!(ix.docs[doc as usize].kind(), kind);
        let id = format!("one-{}", kind.table());
        let r = search::search(&ix, &format!("'{id}"), Scope::Kind(kind), Rank::Top(10)).unwrap();
        assert_eq!(r.hits.len(), 1, "{kind:?} not found by `'{id}`");
        for word in [kind.table(), kind.plural()] {
            let r = search::search(&ix, &format!("kind:{word}"), Scope::All, Rank::Top(10)).unwrap();
            assert_eq!(r.hits.len(), 1, "kind:{word}");
        }
    }
}

#[test]
fn every_kind_has_one_tab_with_a_row_a_detail_and_an_export() {
    let kb = one_of_each().kb;
    assert_eq!(
        Tab::ALL.iter().filter(|t| t.kind().is_some()).count(),
        Kind::COUNT
    );
    for kind in Kind::ALL {
        let tab = Tab::for_kind(kind);
        assert_eq!(tab.kind(), Some(kind));
        assert_eq!(
            Tab::ALL.iter().filter(|t| t.kind() == Some(kind)).count(),
            1,
            "{kind:?}"
        );
        assert_eq!(Tab::ALL[kind.tab_position()], tab);
        assert_eq!(Tab::from_name(tab.title()), Some(tab));
        let v = view::rows(&kb, &ViewSpec::new(tab));
        assert_eq!((v.rows.len(), v.total), (1, tab.record_count(&kb)), "{kind:?}");
        assert!(v.rows[0].cells.len() == tab.columns().len() && !tab.columns().is_empty());
        let target = Target {
            kind,
            id: format!("one-{}", kind.table()),
        };
        let d = view::detail(&kb, &target).unwrap_or_else(|| panic!("no detail for {kind:?}"));
        for link in d.links() {
            assert!(
                view::detail(&kb, link).is_some(),
                "{kind:?} links to missing {link:?}"
            );
        }
        let json = export::record(&kb, &d, Format::Json);
        assert!(
            json.contains(&format!("\"kind\": \"{}\"", kind.label())),
            "{json}"
        );
        let rows = export::view(&kb, &v, &export::Meta::default(), Format::Json);
        assert!(rows.contains(&target.id), "{rows}");
    }
}

/// A report with the series citing it, and a fact naming a vendor, an executive and a report.
const RELATED: &str = r#"
[[source]]
id = "s"
title = "An article"
publisher = "Press"
date = "2025-03"

[[vendor]]
id = "acme"
name = "Acme Cloud"
sources = ["s"]

[[vendor]]
id = "idc"
name = "IDC"
role = "analyst"
sources = ["s"]

[[executive]]
id = "boss"
name = "Boss One"
vendor = "acme"
sources = ["s"]

[[series]]
id = "acme-share"
name = "Acme share"
vendor = "acme"
metric = "market-share"
unit = "%"
report = "idc-2025h1"
sources = ["s"]
[[series.points]]
period = "2025-H1"
value = 30

[[series]]
id = "acme-revenue"
name = "Acme revenue"
vendor = "acme"
metric = "revenue"
unit = "CNY"
sources = ["s"]
[[series.points]]
period = "2025"
value = "10亿"
report = "idc-2025h1"
[[series.points]]
period = "2024"
value = "8亿"

[[series]]
id = "other-share"
name = "Other share"
vendor = "acme"
metric = "market-share"
unit = "%"
report = "IDC"
sources = ["s"]
[[series.points]]
period = "2025-H1"
value = 5

[[report]]
id = "idc-2025h1"
publisher = "idc"
title = "China cloud, 1H25"
period = "2025-H1"
sources = ["s"]

[[report]]
id = "untitled"
publisher = "Some Bank"
sources = ["s"]

[[fact]]
id = "acme-first"
topic = "ranking"
subject = ["acme"]
object = ["boss"]
text = "Acme is first"
report = "idc-2025h1"
rank = 1
value = "70"
unit = "%"
qualifier = "over"
period = "2025"
inferred = "the article says last year"
status = "rumour"
sources = ["s"]
"#;

fn related() -> marketlens::kb::Kb {
    let l = kb::load::load_files(
        "related".into(),
        vec![SourceFile {
            name: "related.toml".into(),
            text: RELATED.into(),
        }],
        Vec::new(),
    );
    assert!(l.diagnostics.is_empty(), "{}", l.render_diagnostics());
    l.kb
}

fn cells(kb: &marketlens::kb::Kb, tab: Tab, id: &str) -> Vec<String> {
    let v = view::rows(kb, &ViewSpec::new(tab));
    let row = v.rows.iter().find(|r| r.id == id).expect("a row");
    row.cells.iter().map(|c| c.text.clone()).collect()
}

fn headings(d: &view::Detail) -> Vec<String> {
    d.blocks
        .iter()
        .filter_map(|b| match b {
            view::Block::Heading(h) => Some(h.clone()),
            _ => None,
        })
        .collect()
}

fn target(kind: Kind, id: &str) -> Target {
    Target { kind, id: id.into() }
}

#[test]
fn a_report_lists_the_series_citing_it_and_a_fact_what_it_names() {
    let kb = related();
    // Reports: publisher resolved to its name, the series citing it (by the series' report or a
    // point's), counted and listed as jump targets; a report without a title is named by its id.
    assert_eq!(
        cells(&kb, Tab::Reports, "idc-2025h1"),
        ["IDC", "China cloud, 1H25", "2025-H1", "2"]
    );
    assert_eq!(cells(&kb, Tab::Reports, "untitled"), ["Some Bank", "", "", "0"]);
    assert_eq!(kb.name_at(Kind::Report, 1), Some("untitled"));
    let d = view::detail(&kb, &target(Kind::Report, "idc-2025h1")).unwrap();
    assert!(headings(&d).contains(&"Figures (2)".to_string()), "{d:?}");
    let links: Vec<&str> = d.links().iter().map(|t| t.id.as_str()).collect();
    for id in ["idc", "acme-share", "acme-revenue", "acme-first", "s"] {
        assert!(links.contains(&id), "report detail lacks {id}: {links:?}");
    }
    assert!(!links.contains(&"other-share"), "{links:?}");

    // Facts: topic, subject names, statement, market, period, status.
    assert_eq!(
        cells(&kb, Tab::Facts, "acme-first"),
        ["ranking", "Acme Cloud", "Acme is first", "", "2025", "rumour"]
    );
    let d = view::detail(&kb, &target(Kind::Fact, "acme-first")).unwrap();
    let links: Vec<(Kind, &str)> = d.links().iter().map(|t| (t.kind, t.id.as_str())).collect();
    for l in [
        (Kind::Vendor, "acme"),
        (Kind::Executive, "boss"),
        (Kind::Report, "idc-2025h1"),
        (Kind::Source, "s"),
    ] {
        assert!(links.contains(&l), "fact detail lacks {l:?}: {links:?}");
    }
    let fields: Vec<(String, String)> = d
        .blocks
        .iter()
        .filter_map(|b| match b {
            view::Block::Field { label, value } => Some((label.clone(), value.clone())),
            _ => None,
        })
        .collect();
    for (label, value) in [
        ("Rank", "#1"),
        ("Value", ">70%"),
        ("Status", "rumour"),
        ("Period", "2025"),
    ] {
        assert!(
            fields.contains(&(label.into(), value.into())),
            "{label}: {value} not in {fields:?}"
        );
    }
    assert!(
        d.blocks
            .contains(&view::Block::Text("inferred: the article says last year".into()))
    );

    // The vendor and the executive it names list it under "Facts".
    for (kind, id) in [(Kind::Vendor, "acme"), (Kind::Executive, "boss")] {
        let d = view::detail(&kb, &target(kind, id)).unwrap();
        assert!(headings(&d).contains(&"Facts (1)".to_string()), "{id}: {d:?}");
        assert!(
            d.links()
                .iter()
                .any(|t| t.kind == Kind::Fact && t.id == "acme-first"),
            "{id}"
        );
    }
    // An unrelated vendor lists none.
    let d = view::detail(&kb, &target(Kind::Vendor, "idc")).unwrap();
    assert!(!headings(&d).iter().any(|h| h.starts_with("Facts")), "{d:?}");

    // vendor: finds the facts naming a vendor and the reports it publishes.
    let ix = search::Index::build(Arc::new(kb));
    let ids = |q: &str| -> Vec<String> {
        let r = search::search(&ix, q, Scope::All, Rank::All).unwrap();
        r.hits.iter().map(|h| search::describe(&ix, h).id).collect()
    };
    assert!(ids("vendor:acme").contains(&"acme-first".to_string()));
    assert!(ids("vendor:idc").contains(&"idc-2025h1".to_string()));
    assert!(!ids("vendor:idc").contains(&"acme-first".to_string()));
    // A fact is found by its subject's name, a report by its publisher's.
    assert!(ids("kind:fact Acme Cloud").contains(&"acme-first".to_string()));
    assert!(ids("kind:report IDC").contains(&"idc-2025h1".to_string()));
    // topic: selects facts of that topic, by its word or its Chinese word.
    assert_eq!(ids("topic:ranking"), ["acme-first"]);
    assert_eq!(ids("topic:排名"), ["acme-first"]);
    assert!(ids("topic:rivalry").is_empty());
}
