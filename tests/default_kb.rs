//! The built-in KB: it validates with zero problems, holds what the articles state, and every
//! file in `assets/kb/` is compiled in.

use marketlens::kb::{self, Counts};

#[test]
fn built_in_kb_has_no_problems() {
    let l = kb::load_builtin();
    assert!(l.diagnostics.is_empty(), "{}", l.render_diagnostics());
}

#[test]
fn built_in_kb_counts_per_kind() {
    let c = kb::load_builtin().kb.counts();
    // Update deliberately when the KB changes; docs/default-kb.md lists the same numbers.
    let expected = Counts {
        sources: 5,
        vendors: 55,
        executives: 19,
        career_moves: 14,
        deals: 84,
        series: 86,
        points: 92,
    };
    let k = kb::load_builtin().kb;
    assert_eq!((k.reports.len(), k.facts.len()), (15, 236));
    assert_eq!(c, expected);
}

#[test]
fn every_asset_file_is_embedded() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/kb");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    on_disk.sort();
    let mut embedded: Vec<String> = kb::load::BUILT_IN.iter().map(|(n, _)| n.to_string()).collect();
    embedded.sort();
    assert_eq!(on_disk, embedded, "add new assets/kb files to kb::load::BUILT_IN");
    for (name, text) in kb::load::BUILT_IN {
        assert_eq!(std::fs::read_to_string(format!("{dir}/{name}")).unwrap(), *text);
    }
}

/// The seed articles, where they are (`../shared/seeds`, outside the repository): `None` says
/// the quote checks cannot run here.
fn seeds() -> Option<std::path::PathBuf> {
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if seeds.is_dir() {
        Some(seeds)
    } else {
        eprintln!(
            "seed articles not found at {}: quote check not run",
            seeds.display()
        );
        None
    }
}

fn ids(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Every quote of `kb` that does not stand word for word in an article it cites, as `what: quote`.
fn quotes_not_in_their_sources(kb: &kb::Kb, seeds: &std::path::Path) -> Vec<String> {
    let article = |source_id: &str| -> String {
        let s = kb.source(source_id).expect("source resolves");
        let seed = s.seed.as_deref().expect("built-in sources name their seed file");
        std::fs::read_to_string(seeds.join(seed)).expect("seed file exists")
    };
    let mut missing = Vec::new();
    let mut check = |what: &str, quote: &Option<String>, sources: &[&str]| {
        if let Some(q) = quote
            && !sources.iter().any(|s| article(s).contains(q.as_str()))
        {
            missing.push(format!("{what}: {q}"));
        }
    };
    for v in &kb.vendors {
        check(&v.id, &v.quote, &ids(&v.sources));
    }
    for e in &kb.executives {
        let srcs = ids(&e.sources);
        check(&e.id, &e.quote, &srcs);
        for m in &e.career {
            let s: Vec<&str> = m.source.as_deref().map_or(srcs.clone(), |s| vec![s]);
            check(&e.id, &m.quote, &s);
        }
    }
    for d in &kb.deals {
        check(&d.id, &d.quote, &ids(&d.sources));
    }
    for s in &kb.series {
        for p in &s.points {
            let srcs: Vec<&str> = p.source.as_deref().map_or(ids(&s.sources), |x| vec![x]);
            check(&format!("{} {}", s.id, p.period), &p.quote, &srcs);
        }
    }
    for r in &kb.reports {
        check(&r.id, &r.quote, &ids(&r.sources));
    }
    for f in &kb.facts {
        check(&f.id, &f.quote, &ids(&f.sources));
    }
    missing
}

/// Every quote must stand word for word in the article it cites. The seed articles live outside the
/// repository (`../shared/seeds`), so this check runs where they are present and says so otherwise.
#[test]
fn quotes_are_verbatim_in_their_sources() {
    let Some(seeds) = seeds() else { return };
    let missing = quotes_not_in_their_sources(&kb::load_builtin().kb, &seeds);
    assert!(
        missing.is_empty(),
        "quotes not found verbatim:\n{}",
        missing.join("\n")
    );
}

/// The default KB is the format-2 re-extraction (issue 18): it checks clean with the format-2
/// rules and every file says `format = 2` (its quotes: `quotes_are_verbatim_in_their_sources`).
#[test]
fn built_in_kb_is_format_2() {
    let l = kb::load_builtin();
    assert!(l.diagnostics.is_empty(), "{}", l.render_diagnostics());
    assert_eq!(l.kb.formats.len(), kb::load::BUILT_IN.len());
    assert!(
        l.kb.formats.iter().all(|&f| f == 2),
        "every built-in file says format = 2"
    );
}
