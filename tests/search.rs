//! Ranking on the default KB: the examples of issue 4 land first, tiers rank as documented, and
//! filters select exactly what they say.

mod common;

use std::sync::Arc;

use marketlens::kb::{DealKind, Kind};
use marketlens::search::{self, Index, Rank, Scope, describe};

fn index() -> Index {
    Index::build(Arc::new(marketlens::kb::load_builtin().kb))
}

fn top(ix: &Index, q: &str, scope: Scope) -> Vec<(String, String, &'static str)> {
    let r = search::search(ix, q, scope, Rank::Top(50)).unwrap_or_else(|e| panic!("{q}: {e}"));
    r.hits
        .iter()
        .map(|h| {
            let d = describe(ix, h);
            (d.id, d.name, d.matched)
        })
        .collect()
}

#[test]
fn examples_land_first() {
    let ix = index();
    let cases: &[(&str, &str)] = &[
        ("aly", "aliyun"),
        ("aliyun", "aliyun"),
        ("crs", "chu-ruisong"),
        ("churuisong", "chu-ruisong"),
        ("储瑞松", "chu-ruisong"),
        ("chu", "chu-ruisong"),
        ("huoshan", "volcengine"),
        ("volcano", "volcengine"),
        ("火山", "volcengine"),
        ("aws", "aws"),
        // TikTok is a record of its own in format 2 (a customer); its AWS order comes with "aws".
        ("tiktok", "tiktok"),
        ("tiktok aws", "aws-tiktok-order-2025q2"),
    ];
    let mut failures = Vec::new();
    for (q, want) in cases {
        let got = top(&ix, q, Scope::All);
        if got.first().map(|g| g.0.as_str()) != Some(*want) {
            failures.push(format!("{q}: want {want}, got {:?}", &got[..got.len().min(3)]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn t3_finds_the_t3_migrations_first() {
    let ix = index();
    let got = top(&ix, "t3", Scope::All);
    let kb = &ix.kb;
    // T3 出行 itself first (a customer record in format 2), then its two migrations.
    assert_eq!(got[0].0, "t3", "{got:?}");
    let next_two: Vec<DealKind> = got[1..3]
        .iter()
        .map(|g| {
            kb.deal(&g.0)
                .unwrap_or_else(|| panic!("{g:?} is not a deal"))
                .kind
        })
        .collect();
    assert_eq!(
        next_two,
        vec![DealKind::Migration, DealKind::Migration],
        "{got:?}"
    );
}

#[test]
fn kind_filter_selects_only_that_kind() {
    let ix = index();
    let r = search::search(&ix, "kind:investment", Scope::All, Rank::Top(50)).unwrap();
    let want = ix
        .kb
        .deals
        .iter()
        .filter(|d| d.kind == DealKind::Investment)
        .count();
    assert!(want > 0);
    assert_eq!(r.hits.len(), want);
    for h in &r.hits {
        let d = describe(&ix, h);
        assert_eq!(ix.kb.deal(&d.id).map(|d| d.kind), Some(DealKind::Investment));
    }
    let n = search::search(&ix, "kind:vendor", Scope::All, Rank::All)
        .unwrap()
        .hits
        .len();
    assert_eq!(n, ix.kb.vendors.len());
}

#[test]
fn tiers_rank_name_then_alias_then_pinyin_then_other_text() {
    // A KB where one term appears as a name, an alias, pinyin and in a summary of four vendors.
    let toml = r#"
[[source]]
id = "s"
title = "t"
publisher = "p"
date = 2025

[[vendor]]
id = "in-summary"
name = "Gamma"
summary = "mentions tianyi here"
sources = ["s"]

[[vendor]]
id = "as-pinyin"
name = "天翼"
sources = ["s"]

[[vendor]]
id = "as-alias"
name = "Beta"
aliases = ["Tianyi"]
sources = ["s"]

[[vendor]]
id = "as-name"
name = "Tianyi"
sources = ["s"]
"#;
    let l = marketlens::kb::load::load_files(
        "t".into(),
        vec![marketlens::kb::SourceFile {
            name: "t.toml".into(),
            text: toml.into(),
        }],
        Vec::new(),
    );
    assert!(l.is_ok(), "{}", l.render_diagnostics());
    let ix = Index::build(Arc::new(l.kb));
    let got: Vec<String> = top(&ix, "tianyi", Scope::Kind(Kind::Vendor))
        .into_iter()
        .map(|g| g.0)
        .collect();
    assert_eq!(got, vec!["as-name", "as-alias", "as-pinyin", "in-summary"]);
}

#[test]
fn filters_and_numbers() {
    let ix = index();
    let kb = &ix.kb;
    let ids = |q: &str| -> Vec<String> {
        search::search(&ix, q, Scope::All, Rank::All)
            .unwrap_or_else(|e| panic!("{q}: {e}"))
            .hits
            .iter()
            .map(|h| describe(&ix, h).id)
            .collect()
    };
    // amount>=10亿 is in yuan (a bare Chinese magnitude): every CNY deal of at least 1e9. The
    // default KB states no exchange rate, so the deals in other currencies are left out, and the
    // search says how many and why.
    let big = ids("amount>=10亿");
    let want: Vec<&str> = kb
        .deals
        .iter()
        .filter(|d| {
            d.amount
                .as_ref()
                .is_some_and(|a| a.currency == marketlens::kb::Currency::CNY && a.value.hi >= 1e9)
        })
        .map(|d| d.id.as_str())
        .collect();
    assert!(!want.is_empty());
    assert_eq!(big.len(), want.len(), "{big:?}");
    let usd = kb
        .deals
        .iter()
        .filter(|d| {
            d.amount
                .as_ref()
                .is_some_and(|a| a.currency == marketlens::kb::Currency::USD)
        })
        .count();
    assert!(usd > 0 && kb.fx.is_empty());
    let notes = search::search(&ix, "amount>=10亿", Scope::All, Rank::All)
        .unwrap()
        .notes;
    assert_eq!(
        notes,
        [format!(
            "{usd} deals in USD left out of amount>=10亿元: no USD/CNY rate in this KB — add an [[fx]] table"
        )]
    );
    assert!(ids("amount>$1B").iter().all(|id| kb.deal(id).unwrap().amount.as_ref().unwrap().currency
        == marketlens::kb::Currency::USD));
    // vendor:aws: AWS itself, its people, deals and series — nothing else.
    for id in ids("vendor:aws") {
        let (kind, i) = kb.lookup(&id).unwrap();
        let related = match kind {
            Kind::Vendor => id == "aws",
            Kind::Deal => kb.deals[i]
                .vendors
                .iter()
                .chain(kb.deals[i].from_vendor.iter())
                .any(|v| v == "aws"),
            Kind::Executive => kb.relations().vendor_executives[kb.vendor_index("aws").unwrap()].contains(&i),
            Kind::Series => kb.series[i].vendor.as_deref() == Some("aws"),
            Kind::Report => kb.reports[i].publisher == "aws",
            Kind::Fact => kb.facts[i]
                .subject
                .iter()
                .chain(&kb.facts[i].object)
                .any(|v| v == "aws"),
            Kind::Source => false,
        };
        assert!(related, "{id}");
    }
    // year:2025 and a text term together; !term excludes.
    let with = ids("tiktok year:2025");
    assert!(with.contains(&"aws-tiktok-order-2025q2".to_string()), "{with:?}");
    assert!(ids("tiktok !shein").len() < ids("tiktok").len());
    assert!(ids("value>30 metric:growth").iter().all(|id| {
        let s = kb.series_by_id(id).unwrap();
        s.points.iter().any(|p| p.value.hi > 30.0)
    }));
}

#[test]
fn bad_filters_say_why() {
    let ix = index();
    let e = search::search(&ix, "vendor:amazn", Scope::All, Rank::All).unwrap_err();
    assert!(e.message.contains("no vendor matches"), "{e}");
    let e = search::search(&ix, "amount>>", Scope::All, Rank::All).unwrap_err();
    assert_eq!(e.column, 7);
}

/// The best `k` found by bound-ordered scoring (pass 2 stops early) are exactly the first `k` of
/// a full ranking, on a synthetic KB large enough that most of these match thousands of records.
#[test]
fn top_k_equals_the_head_of_a_full_ranking() {
    let ix = Index::build(Arc::new(marketlens::synth::kb(20_000, 11)));
    let queries = [
        "a",
        "c",
        // One character: letters that pinyin has inside syllables (n, g) and at their starts
        // (y), upper case (case-sensitive), a digit, and two one-letter terms.
        "n",
        "g",
        "y",
        "C",
        "2",
        "a y",
        "cr",
        "ch",
        "chu",
        "chu r",
        "ti",
        "tik",
        "al",
        "alib",
        "alibaba c",
        "云",
        "aws",
        "a 2025",
        "crs",
        "kind:deal a",
        "yun",
        "'cloud",
        "!a c",
    ];
    let mut checked = 0;
    for q in queries {
        let all = search::search(&ix, q, Scope::All, Rank::All).unwrap_or_else(|e| panic!("{q}: {e}"));
        for k in [1, 10, 100] {
            let top = search::search(&ix, q, Scope::All, Rank::Top(k)).unwrap();
            assert_eq!(top.matched, all.matched, "{q}: the same matches");
            let n = k.min(all.hits.len());
            if all.hits.len() >= 2_000 {
                assert_eq!(top.ranked, n, "{q}: top {k} ranked");
                checked += 1;
            }
            let head = |r: &search::Results| r.hits[..n].iter().map(|h| (h.doc, h.score)).collect::<Vec<_>>();
            assert_eq!(head(&top), head(&all), "{q}: top {k}");
        }
    }
    assert!(
        checked >= 30,
        "only {checked} cases cut early: the KB is too small for this test"
    );
}

/// Run the real binary's `search` on `kb` with `cache` as its cache directory; fails if it has
/// not exited within a minute (it once waited forever on a FIFO at its saved index's path).
/// Stdout and stderr, and whether it succeeded.
#[cfg(unix)]
fn search_bounded(kb: &std::path::Path, cache: &std::path::Path, extra: &[&str]) -> (String, String) {
    let o = common::output_within(
        std::process::Command::new(env!("CARGO_BIN_EXE_marketlens"))
            .args(["--kb", kb.to_str().unwrap(), "search", "'cloud", "--limit", "25"])
            .args(extra)
            .env("MARKETLENS_CACHE_DIR", cache),
        std::time::Duration::from_secs(60),
        "marketlens search",
    );
    let (stdout, stderr) = (common::stdout(&o), common::stderr(&o));
    assert!(o.status.success(), "{:?}: {stderr}", o.status);
    (stdout, stderr)
}

/// A saved index that is damaged (a word of its text replaced) is not used, and one is saved
/// again: the output is that of a search without one. A FIFO where the index goes is neither
/// waited on nor replaced.
#[cfg(unix)]
#[test]
fn search_answers_right_past_a_damaged_saved_index_or_a_fifo_in_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let kb = dir.path().join("big.toml");
    std::fs::write(&kb, marketlens::synth::generate(10_000, 5)).unwrap();
    let plain = search_bounded(&kb, &cache, &["--no-cache"]);
    assert!(plain.0.lines().count() > 20, "{}", plain.0);
    assert_eq!(search_bounded(&kb, &cache, &[]), plain);
    let saved: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(saved.len(), 1, "{saved:?}");
    let path = &saved[0];

    // Every "cloud" of the saved text made "clxud": once, `'cloud` found nothing on every run.
    let good = std::fs::read(path).unwrap();
    let mut bad = good.clone();
    let mut at = 0;
    while let Some(i) = bad[at..].windows(5).position(|w| w == b"cloud") {
        bad[at + i + 2] = b'x';
        at += i + 5;
    }
    assert_ne!(bad, good);
    std::fs::write(path, &bad).unwrap();
    let (out, err) = search_bounded(&kb, &cache, &["--timings"]);
    assert_eq!(out, plain.0);
    assert!(
        err.contains("note: the saved index was not used: damaged (checksum)\ntimings: "),
        "{err}"
    );
    assert_eq!(std::fs::read(path).unwrap(), good, "saved again whole");
    assert_eq!(search_bounded(&kb, &cache, &[]), plain);

    // A FIFO in its place.
    std::fs::remove_file(path).unwrap();
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid C string; mkfifo(3) has no other precondition.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    assert_eq!(search_bounded(&kb, &cache, &[]).0, plain.0);
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(path).unwrap().file_type().is_fifo());
}

/// A KB of its own for pinyin with several readings and for scattered matches.
fn small_kb(toml: &str) -> Index {
    let l = marketlens::kb::load::load_files(
        "t".into(),
        vec![marketlens::kb::SourceFile {
            name: "t.toml".into(),
            text: toml.into(),
        }],
        Vec::new(),
    );
    assert!(l.is_ok(), "{}", l.render_diagnostics());
    Index::build(Arc::new(l.kb))
}

fn ids(ix: &Index, q: &str) -> Vec<String> {
    top(ix, q, Scope::All).into_iter().map(|g| g.0).collect()
}

/// Every reading of a character with several is indexed: 行 is xing and hang, 重 zhong and
/// chong, 长 zhang and chang. Before, only the first reading was, so `zsyh` missed 招商银行 and
/// `cq` missed 重庆.
#[test]
fn every_reading_of_a_heteronym_is_found() {
    let ix = small_kb(
        r#"
[[source]]
id = "s"
title = "t"
publisher = "p"
date = 2025

[[vendor]]
id = "cmb"
name = "招商银行"
sources = ["s"]

[[vendor]]
id = "cq-dc"
name = "重庆数据中心"
sources = ["s"]

[[vendor]]
id = "industry"
name = "行业云"
sources = ["s"]
"#,
    );
    for (q, want) in [
        ("zsyh", "cmb"),
        ("yinhang", "cmb"),
        ("cq", "cq-dc"),
        ("chongqing", "cq-dc"),
        ("hangye", "industry"),
        ("hyy", "industry"),
        // The first readings still work.
        ("xingye", "industry"),
        ("zq", "cq-dc"),
    ] {
        assert_eq!(ids(&ix, q).first().map(String::as_str), Some(want), "{q}");
    }
    // On the default KB: 火山 (an alias) also reads huoshan only; long titles keep one reading.
    let ix = index();
    assert_eq!(
        ids(&ix, "huoshan").first().map(String::as_str),
        Some("volcengine")
    );
}

/// Letters scattered over unrelated words or syllables no longer match: `zzzz` found six
/// titles whose pinyin initials have four z's apart, and `idc` ranked 百度智能云 (i and d
/// inside "Baidu AI Cloud") above the records that name IDC.
#[test]
fn scattered_letters_do_not_match() {
    let ix = index();
    // Only the title whose initials hold four z's in a row: 开支(作者折算…) reads
    // kai zhi zuo zhe zhe.
    assert_eq!(
        ids(&ix, "zzzz"),
        vec!["alibaba-ai-cloud-capex-per-day".to_string()]
    );
    // IDC is a record (an analyst firm) in format 2: it comes first, then records whose title
    // names IDC, all before 百度智能云 (whose "Baidu AI Cloud" holds i and d apart).
    let idc = top(&ix, "idc", Scope::All);
    assert_eq!(idc.first().map(|h| h.0.as_str()), Some("idc"), "{idc:?}");
    let naming: Vec<usize> = (0..idc.len()).filter(|&i| idc[i].1.contains("IDC")).collect();
    assert!(naming.len() >= 5, "{idc:?}");
    assert_eq!(naming[..5], [0, 1, 2, 3, 4], "{idc:?}");
    if let Some(baidu) = idc.iter().position(|h| h.0 == "baidu-cloud") {
        assert!(naming.iter().all(|&i| i < baidu), "{idc:?}");
    }
    assert!(!ids(&ix, "crs").contains(&"microsoft".to_string()));
    // What typing by syllables or word starts finds is kept.
    assert_eq!(ids(&ix, "aly").first().map(String::as_str), Some("aliyun"));
    assert_eq!(ids(&ix, "crs").first().map(String::as_str), Some("chu-ruisong"));
    assert_eq!(ids(&ix, "hsyq").first().map(String::as_str), Some("volcengine"));
    assert!(ids(&ix, "alcld").contains(&"aliyun".to_string()));
}

/// `status:` and `role:` select by the format-2 fields, in English or Chinese, and match exactly
/// the records whose data say so (checked against the built-in format-2 KB's own fields).
#[test]
fn status_and_role_filters_select_what_the_data_say() {
    let l = marketlens::kb::load_path(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/kb"));
    assert!(l.is_ok(), "{}", l.render_diagnostics());
    let kb = l.kb.clone();
    let ix = Index::build(Arc::new(l.kb));
    let all = |q: &str| -> Vec<String> {
        let r = search::search(&ix, q, Scope::All, Rank::All).unwrap_or_else(|e| panic!("{q}: {e}"));
        let mut v: Vec<String> = r.hits.iter().map(|h| describe(&ix, h).id).collect();
        v.sort();
        v
    };
    let mut want: Vec<String> = kb
        .vendors
        .iter()
        .filter(|v| v.role.as_str() == "analyst")
        .map(|v| v.id.clone())
        .collect();
    want.sort();
    assert!(!want.is_empty());
    assert_eq!(all("role:analyst"), want);
    assert_eq!(all("role:研究机构"), want);
    let mut targets: Vec<String> = kb
        .deals
        .iter()
        .filter(|d| d.status.as_str() == "target")
        .map(|d| d.id.clone())
        .chain(
            kb.facts
                .iter()
                .filter(|f| f.status.as_str() == "target")
                .map(|f| f.id.clone()),
        )
        .chain(
            kb.series
                .iter()
                .filter(|s| s.points.iter().any(|p| p.status.as_str() == "target"))
                .map(|s| s.id.clone()),
        )
        .chain(
            kb.executives
                .iter()
                .filter(|e| e.career.iter().any(|m| m.status.as_str() == "target"))
                .map(|e| e.id.clone()),
        )
        .collect();
    targets.sort();
    assert!(targets.len() > 10, "{targets:?}");
    assert_eq!(all("status:target"), targets);
    assert_eq!(all("status:目标"), targets);
    // direction: by `direction`, else the sign of `change`.
    let went = |d: &marketlens::kb::Deal, up: bool| {
        d.direction
            .map(|x| x.as_str() == if up { "up" } else { "down" })
            .unwrap_or_else(|| d.change.is_some_and(|c| if up { c.lo > 0.0 } else { c.hi < 0.0 }))
    };
    for (q, up) in [("direction:up", true), ("direction:降价", false)] {
        let mut want: Vec<String> = kb
            .deals
            .iter()
            .filter(|d| went(d, up))
            .map(|d| d.id.clone())
            .collect();
        want.sort();
        assert!(!want.is_empty(), "{q}");
        assert_eq!(all(q), want, "{q}");
    }
    assert!(
        search::search(&ix, "status:rumor", Scope::All, Rank::All)
            .unwrap_err()
            .to_string()
            .contains("did you mean `status:rumour`?")
    );
}

/// `inferred:yes` selects exactly the records with an inferred period or date: series with such a
/// point, deals, executives with such a career move, sources, reports and facts; `inferred:no`
/// the others of those kinds (never a vendor: nothing of it is dated).
#[test]
fn inferred_filter_selects_records_with_an_inferred_date() {
    // The staged format-2 KB while it is staged (`assets/kb-v2`), else the built-in one it becomes.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let v2 = if root.join("assets/kb-v2").exists() {
        "assets/kb-v2"
    } else {
        "assets/kb"
    };
    for dir in [v2, "tests/fixtures/good/as_of.toml"] {
        let l = marketlens::kb::load_path(&root.join(dir));
        assert!(l.is_ok(), "{}", l.render_diagnostics());
        let kb = l.kb.clone();
        let ix = Index::build(Arc::new(l.kb));
        let all = |q: &str| -> Vec<String> {
            let r = search::search(&ix, q, Scope::All, Rank::All).unwrap_or_else(|e| panic!("{q}: {e}"));
            let mut v: Vec<String> = r.hits.iter().map(|h| describe(&ix, h).id).collect();
            v.sort();
            v
        };
        let mut yes = Vec::new();
        let mut no = Vec::new();
        let mut put = |id: &String, inferred: bool| {
            if inferred { &mut yes } else { &mut no }.push(id.clone());
        };
        for s in &kb.series {
            put(&s.id, s.points.iter().any(|p| p.inferred.is_some()));
        }
        for d in &kb.deals {
            put(&d.id, d.inferred.is_some());
        }
        for e in &kb.executives {
            put(&e.id, e.career.iter().any(|m| m.inferred.is_some()));
        }
        for s in &kb.sources {
            put(&s.id, s.inferred.is_some());
        }
        for r in &kb.reports {
            put(&r.id, r.inferred.is_some());
        }
        for f in &kb.facts {
            put(&f.id, f.inferred.is_some());
        }
        yes.sort();
        no.sort();
        assert!(!yes.is_empty() && !no.is_empty(), "{dir}");
        assert_eq!(all("inferred:yes"), yes, "{dir}");
        assert_eq!(all("inferred:no"), no, "{dir}");
        // `!inferred:yes` also keeps the vendors.
        let not_yes = all("!inferred:yes");
        assert_eq!(not_yes.len(), no.len() + kb.vendors.len(), "{dir}");
    }
    // Every kind that carries `inferred` is found by it in the fixture.
    let l = marketlens::kb::load_path(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good/as_of.toml"),
    );
    let ix = Index::build(Arc::new(l.kb));
    let r = search::search(&ix, "inferred:yes", Scope::All, Rank::All).unwrap();
    let mut kinds: Vec<&str> = r
        .hits
        .iter()
        .map(|h| ix.docs[h.doc as usize].kind().table())
        .collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(
        kinds,
        ["deal", "executive", "report", "series", "source"],
        "{:?}",
        r.hits.iter().map(|h| describe(&ix, h).id).collect::<Vec<_>>()
    );
}

/// The fixture with deals in CNY and USD and one `[[fx]]` rate (USD/CNY 7.1), and the same KB
/// without the rate.
fn currencies(with_rate: bool) -> Index {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good/currencies.toml");
    let loaded = marketlens::kb::load_path(&path);
    assert!(loaded.is_ok(), "{}", loaded.render_diagnostics());
    let mut kb = loaded.kb;
    assert_eq!(kb.fx.len(), 1);
    if !with_rate {
        kb.fx.clear();
    }
    Index::build(Arc::new(kb))
}

fn found(ix: &Index, q: &str) -> (Vec<String>, Vec<String>) {
    let r = search::search(ix, q, Scope::All, Rank::All).unwrap_or_else(|e| panic!("{q}: {e}"));
    let mut ids: Vec<String> = r.hits.iter().map(|h| describe(ix, h).id).collect();
    ids.sort();
    (ids, r.notes)
}

#[test]
fn amount_filters_convert_through_the_kbs_rate_or_leave_out_and_say_so() {
    let ix = currencies(true);
    // 5亿 USD is 35.5亿 CNY at 7.1; 2亿 USD is 14.2亿; the 20–30亿 range meets >=25亿.
    assert_eq!(
        found(&ix, "amount>=25亿"),
        (vec!["cny-20-30".into(), "cny-30".into(), "usd-5".into()], vec![])
    );
    // In dollars: 30亿元 (and the top of 20–30亿元) is $422.5M at 7.1.
    assert_eq!(
        found(&ix, "amount>$400M"),
        (vec!["cny-20-30".into(), "cny-30".into(), "usd-5".into()], vec![])
    );
    // The negation keeps what converts and fails the comparison, and deals without an amount.
    assert_eq!(
        found(&ix, "kind:deal !amount>=25亿").0,
        ["cny-10", "no-amount", "usd-2"]
    );

    let ix = currencies(false);
    let note = "2 deals in USD left out of amount>=25亿元: no USD/CNY rate in this KB — add an [[fx]] table";
    assert_eq!(
        found(&ix, "amount>=25亿"),
        (vec!["cny-20-30".into(), "cny-30".into()], vec![note.to_string()])
    );
    // Left out of the negation too: never compared raw, never kept unseen.
    let (ids, notes) = found(&ix, "kind:deal !amount>=25亿");
    assert_eq!(ids, ["cny-10", "no-amount"]);
    assert!(
        notes[0].starts_with("2 deals in USD left out of !amount>=25亿元"),
        "{notes:?}"
    );
    // `1e9` names no currency: the KB's most common (CNY, 3 deals to 2).
    assert_eq!(
        found(&ix, "amount>=2.5e9").1,
        ["2 deals in USD left out of amount>=25亿元: no USD/CNY rate in this KB — add an [[fx]] table"]
    );
    // A query in dollars leaves out the yuan deals.
    assert_eq!(
        found(&ix, "amount>$100M"),
        (
            vec!["usd-2".into(), "usd-5".into()],
            vec![
                "3 deals in CNY left out of amount>$100M: no CNY/USD rate in this KB — add an [[fx]] table"
                    .into()
            ]
        )
    );
}

#[test]
fn the_amount_sort_converts_currencies_and_puts_amounts_with_no_rate_after_by_currency() {
    use marketlens::view::{self, Sort, Tab, ViewSpec};
    let order = |ix: &Index, descending: bool| {
        let spec = ViewSpec {
            tab: Tab::Deals,
            query: String::new(),
            sort: Some(Sort {
                key: "amount".into(),
                descending,
            }),
            pivot: Default::default(),
        };
        let v = view::rows(&ix.kb, &spec);
        let ids: Vec<String> = v.shown().map(|r| r.id.clone()).collect();
        (ids, v.sort_label().unwrap())
    };
    let ix = currencies(true);
    assert_eq!(
        order(&ix, false),
        (
            ["cny-10", "usd-2", "cny-20-30", "cny-30", "usd-5", "no-amount"]
                .map(String::from)
                .to_vec(),
            "Amount, ascending (in CNY, USD converted through the KB's rates)".to_string()
        )
    );
    assert_eq!(
        order(&ix, true).0,
        ["usd-5", "cny-30", "cny-20-30", "usd-2", "cny-10", "no-amount"]
    );
    let ix = currencies(false);
    let label = "Amount, descending (in CNY; then, with no rate to CNY, 2 amounts in USD)";
    assert_eq!(
        order(&ix, true),
        (
            ["cny-30", "cny-20-30", "cny-10", "usd-5", "usd-2", "no-amount"]
                .map(String::from)
                .to_vec(),
            label.to_string()
        )
    );
    assert_eq!(
        order(&ix, false).0,
        ["cny-10", "cny-20-30", "cny-30", "usd-2", "usd-5", "no-amount"]
    );
    // Rows in one currency sort as before, with nothing to say.
    let spec = ViewSpec {
        tab: Tab::Deals,
        query: "vendor:yun-a".into(),
        sort: Sort::by(Tab::Deals, "amount", true),
        pivot: Default::default(),
    };
    let v = view::query_view(&ix, &spec).unwrap();
    assert_eq!(v.sort_label().as_deref(), Some("Amount, descending"));
    assert!(v.sort_note.is_none() && v.notes.is_empty());
}

/// `market:`, `basis:` and `report:` select series by the market, the basis and the report of
/// their figures (`report:` also the reports); one that matches nothing is an error naming the
/// closest value.
#[test]
fn market_basis_and_report_select_series() {
    let ix = index();
    let ids = |q: &str| -> Vec<String> {
        let mut v: Vec<String> = search::search(&ix, q, Scope::All, Rank::Top(1000))
            .unwrap_or_else(|e| panic!("{q}: {e}"))
            .hits
            .iter()
            .map(|h| {
                let d = &ix.docs[h.doc as usize];
                ix.kb.id_at(d.kind(), d.index as usize).unwrap().to_string()
            })
            .collect();
        v.sort();
        v
    };
    let global = ids("market:全球云 metric:market-share");
    assert_eq!(
        global,
        [
            "aws-global-cloud-share",
            "azure-global-cloud-share",
            "google-cloud-global-cloud-share"
        ]
    );
    assert_eq!(
        ids("market:中国ai云 metric:market-share"),
        ["aliyun-china-ai-cloud-share"],
        "any case"
    );
    assert!(
        ids("market:中国AI云").contains(&"china-ai-cloud-market-size".to_string()),
        "market-wide series too"
    );
    assert_eq!(
        ids("basis:token-calls metric:market-share"),
        ["volcengine-llm-public-cloud-share"]
    );
    let canalys = ids("report:canalys");
    assert!(
        canalys.contains(&"canalys-global-cloud-infra-2025q2".to_string()),
        "the report: {canalys:?}"
    );
    assert!(
        global.iter().all(|g| canalys.contains(g)),
        "its series: {canalys:?}"
    );
    // A point's own report counts: the Q3 growth figure comes from the Q3 results.
    assert!(ids("report:aliyun-results-2025q3").contains(&"aliyun-revenue-growth".to_string()));
    // A comma lists several: any of them.
    let both = ids("vendor:aliyun,volcengine metric:growth");
    assert!(
        both.iter().any(|i| i.starts_with("aliyun")) && both.iter().any(|i| i.starts_with("volcengine")),
        "{both:?}"
    );
    assert_eq!(
        ids("market:全球云,中国AI云 metric:market-share").len(),
        global.len() + 1
    );
    assert!(search::search(&ix, "vendor:aliyun,nobody", Scope::All, Rank::Top(10)).is_err());
    assert!(
        !ids("!market:全球云 kind:series")
            .iter()
            .any(|i| global.contains(i))
    );
    for (q, hint) in [
        ("market:火星", "no market matches"),
        ("basis:tokn-calls", "basis:token-calls"),
        ("report:nobody", "no report matches"),
    ] {
        let e = search::search(&ix, q, Scope::All, Rank::Top(10)).expect_err(q);
        assert!(e.message.contains(hint), "{q}: {}", e.message);
    }
}
