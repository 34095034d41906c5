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
    assert_eq!(Tab::ALL.len(), Kind::COUNT);
    for kind in Kind::ALL {
        let tab = Tab::for_kind(kind);
        assert_eq!(tab.kind(), kind);
        assert_eq!(
            Tab::ALL.iter().filter(|t| t.kind() == kind).count(),
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
