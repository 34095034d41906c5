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
        career_moves: 11,
        deals: 71,
        series: 86,
        points: 92,
    };
    let k = kb::load_builtin().kb;
    assert_eq!((k.reports.len(), k.facts.len()), (15, 229));
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

/// Every quote of `kb` that does not stand word for word in an article it cites, as `what: quote`
/// (the quotes listed by `kb::quotes::each_quote`, the list `check` verifies against archives).
/// Stricter than `check`'s rule (which forgives white space and full/half-width forms): the
/// built-in KB's quotes are exact substrings; each is also found under the rule.
fn quotes_not_in_their_sources(kb: &kb::Kb, seeds: &std::path::Path) -> Vec<String> {
    let article = |source_id: &str| -> String {
        let s = kb.source(source_id).expect("source resolves");
        let seed = s.seed.as_deref().expect("built-in sources name their seed file");
        std::fs::read_to_string(seeds.join(seed)).expect("seed file exists")
    };
    let mut missing = Vec::new();
    kb::quotes::each_quote(kb, |q| {
        let texts: Vec<String> = q.sources.iter().map(|s| article(s)).collect();
        let exact = texts.iter().any(|t| t.contains(q.text));
        let by_rule = texts
            .iter()
            .any(|t| kb::quotes::Article::new(t.clone()).find(q.text).is_some());
        if !exact || !by_rule {
            missing.push(format!("{}: {}", q.what, q.text));
        }
    });
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

/// `check` verifies quotes against archived articles: the built-in KB, with each source naming
/// its seed article as `archive`, checks clean; with one quote altered (one digit), it fails at
/// that quote with the article's passage shown. Runs where the seed articles are present.
#[test]
fn check_verifies_quotes_against_the_archived_seed_articles() {
    let Some(seeds) = seeds() else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("archive")).unwrap();
    for entry in std::fs::read_dir(&seeds).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, dir.path().join("archive").join(p.file_name().unwrap())).unwrap();
    }
    let mut sources_named = 0;
    for (name, text) in kb::load::BUILT_IN {
        let with_archive: String = text
            .lines()
            .map(|l| match l.strip_prefix("seed = \"") {
                Some(rest) => {
                    sources_named += 1;
                    format!("{l}\narchive = \"archive/{}", rest)
                }
                None => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(dir.path().join(name), with_archive).unwrap();
    }
    assert_eq!(sources_named, 5, "every seed article is archived");
    let l = kb::load::load_path(dir.path());
    assert!(l.diagnostics.is_empty(), "{}", l.render_diagnostics());

    // One quote altered: 635 → 653 in 阿里云营收's 2025-H1 point.
    let series = dir.path().join("series.toml");
    let text = std::fs::read_to_string(&series).unwrap();
    let good = "quote = \"上半年整体营收达 635 亿元\"";
    assert_eq!(text.matches(good).count(), 1);
    std::fs::write(
        &series,
        text.replace(good, "quote = \"上半年整体营收达 653 亿元\""),
    )
    .unwrap();
    let l = kb::load::load_path(dir.path());
    let out = l.render_diagnostics();
    assert_eq!(l.error_count(), 1, "{out}");
    assert!(out.contains("quote of aliyun-revenue 2025-H1 not found"), "{out}");
    assert!(
        out.contains("上半年整体营收达 653 亿元"),
        "the quote is shown: {out}"
    );
    // 雷峰网's article (leiphone-2025-09-11) is seed 000; the passage shown is its sentence.
    assert!(
        out.contains("the nearest passage, archive/000_d24ca3e812cc0960.txt:"),
        "{out}"
    );
    assert!(
        out.contains("营收达 635 亿元"),
        "the article's figure is in the passage shown: {out}"
    );
}
