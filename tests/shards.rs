//! The sharded loader reads a large file in pieces cut at record headers. These tests prove that
//! the pieces add up to the file: for any KB-like text and any shard size, the records (with their
//! origins) and the rendered diagnostics are exactly those of reading the file in one piece.

use marketlens::kb::{self, SourceFile};
use proptest::prelude::*;

fn load(text: &str, shard_bytes: usize) -> kb::Loaded {
    kb::load::load_files_with(
        "prop".into(),
        vec![SourceFile {
            name: "prop.toml".into(),
            text: text.to_string(),
        }],
        Vec::new(),
        shard_bytes,
    )
}

/// Everything a load produced, as text: records (fields and origins) and rendered diagnostics.
fn outcome(l: &kb::Loaded) -> (String, Vec<String>, String) {
    let k = &l.kb;
    let records = serde_json::to_string(&(&k.sources, &k.vendors, &k.executives, &k.deals, &k.series))
        .expect("records serialize");
    let origins = k
        .sources
        .iter()
        .map(|r| &r.origin)
        .chain(k.vendors.iter().map(|r| &r.origin))
        .chain(k.executives.iter().map(|r| &r.origin))
        .chain(k.deals.iter().map(|r| &r.origin))
        .chain(k.series.iter().map(|r| &r.origin))
        .map(|o| format!("{}:{}:{:?}", o.file, o.index, o.span))
        .collect();
    (records, origins, l.render_diagnostics())
}

fn assert_same(text: &str, shard_bytes: usize) {
    let whole = outcome(&load(text, usize::MAX));
    let sharded = outcome(&load(text, shard_bytes));
    assert_eq!(
        whole.0, sharded.0,
        "records differ with shards of {shard_bytes} bytes:\n{text}"
    );
    assert_eq!(
        whole.1, sharded.1,
        "origins differ with shards of {shard_bytes} bytes:\n{text}"
    );
    assert_eq!(
        whole.2, sharded.2,
        "diagnostics differ with shards of {shard_bytes} bytes:\n{text}"
    );
}

/// Record headers as people write them: indented, spaced, commented.
fn header(kind: &'static str) -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        format!("[[{kind}]]\n"),
        format!("  [[{kind}]]\n"),
        format!("[[ {kind} ]]   # a comment\n"),
        format!("\t[[{kind}]]#c\n"),
    ])
}

/// A small pool of ids, so references resolve or not and ids collide now and then.
fn id(prefix: &'static str) -> impl Strategy<Value = String> {
    (0..4u8).prop_map(move |n| format!("{prefix}{n}"))
}

/// Extra lines inside a record: harmless, tricky for a splitter, or wrong.
fn extra() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "",
        "summary = \"\"\"\n[[vendor]]\nid = \"inside\"\n\"\"\"\n",
        "summary = '''\n[[deal]]\n'''\n",
        "# [[vendor]]\n",
        "\n\n",
        "aliases = [\n\"a\",\n]\n",
        "name = 1\n",
        "unknown_field = true\n",
        "id = \"dup\"\n",
        "summary = \"unterminated\n",
        "aliases = [\n[[vendor]]\n]\n",
        "[vendor.extra]\na = 1\n",
        "[meta]\nx = 1\n",
        "[[vendors]]\nid = \"typo\"\n",
        "[vendor]\nid = \"table\"\n",
        "[[series.points]]\nperiod = \"2025-Q1\"\nvalue = 1\n",
        "summary = \"阿里云 \\u00e9\"\n",
    ])
    .prop_map(str::to_string)
}

fn record() -> impl Strategy<Value = String> {
    prop_oneof![
        (header("source"), id("s")).prop_map(|(h, id)| format!(
            "{h}id = \"{id}\"\ntitle = \"t\"\npublisher = \"p\"\ndate = 2025-09-11\n"
        )),
        (header("vendor"), id("v"), id("s"), extra()).prop_map(|(h, id, s, x)| format!(
            "{h}id = \"{id}\"\nname = \"云\"\nsources = [\"{s}\"]\n{x}"
        )),
        (header("deal"), id("d"), id("v"), id("s"), extra()).prop_map(|(h, id, v, s, x)| format!(
            "{h}id = \"{id}\"\ntitle = \"t\"\nkind = \"order\"\nvendors = [\"{v}\"]\ndate = \"2025-H1\"\nsources = [\"{s}\"]\n{x}"
        )),
        (header("executive"), id("e"), id("v"), id("s")).prop_map(|(h, id, v, s)| format!(
            "{h}id = \"{id}\"\nname = \"储\"\nsources = [\"{s}\"]\n\n  [[executive.career]]\n  to = \"{v}\"\n  role = \"r\"\n"
        )),
        (header("series"), id("x"), id("v"), id("s"), 0..3u8).prop_map(|(h, id, v, s, n)| {
            let mut r = format!(
                "{h}id = \"{id}\"\nname = \"n\"\nvendor = \"{v}\"\nmetric = \"growth\"\nunit = \"%\"\nsources = [\"{s}\"]\n"
            );
            for q in 0..n {
                r.push_str(&format!("\n  [[series.points]]\n  period = \"2025-Q{}\"\n  value = {q}\n", q % 2 + 1));
            }
            r
        }),
        extra(),
    ]
}

/// A KB-like file: an optional preamble, records, and optionally CRLF line ends and a BOM.
fn kb_text() -> impl Strategy<Value = String> {
    let preamble = prop::sample::select(vec![
        "",
        "# a comment\n\n",
        "vendor = [{ id = \"inline\", name = \"n\", sources = [\"s0\"] }]\n",
        "deal.x = 1\n",
        "title = \"top\"\n",
    ]);
    (
        preamble,
        prop::collection::vec(record(), 0..12),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(pre, records, crlf, bom)| {
            let mut t = String::new();
            if bom {
                t.push('\u{feff}');
            }
            t.push_str(pre);
            for r in records {
                t.push_str(&r);
                t.push('\n');
            }
            if crlf { t.replace('\n', "\r\n") } else { t }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn shards_read_like_the_whole_file(text in kb_text(), shard in prop::sample::select(vec![1usize, 50, 300])) {
        assert_same(&text, shard);
    }
}

/// Each way a piece could read differently from the file, at every cut the splitter may choose.
#[test]
fn pieces_that_cannot_stand_alone_are_not_used() {
    let src = "[[source]]\nid = \"s0\"\ntitle = \"t\"\npublisher = \"p\"\ndate = 2025-09-11\n\n";
    let vendor = |id: &str| format!("[[vendor]]\nid = \"{id}\"\nname = \"n\"\nsources = [\"s0\"]\n\n");
    let deal =
        "[[deal]]\nid = \"d\"\ntitle = \"t\"\nkind = \"order\"\nvendors = [\"a\"]\nsources = [\"s0\"]\n\n";
    let cases = [
        // A table repeated in two pieces is a duplicate in the file.
        format!("[meta]\nx = 1\n{src}{}[meta]\ny = 2\n", vendor("a")),
        // A misspelt kind twice is reported once, at its first use.
        format!(
            "{src}[[vendors]]\nid = \"x\"\n{}[[vendors]]\nid = \"y\"\n",
            vendor("a")
        ),
        // A sub-table after another kind's record belongs to the last record of its kind.
        format!("{src}{}{deal}[vendor.extra]\na = 1\n", vendor("a")),
        format!("{src}{}{deal}[[vendor.more]]\na = 1\n", vendor("a")),
        format!("{src}{}{deal}[vendor]\nid = \"t\"\n", vendor("a")),
        // "Headers" inside multi-line strings and arrays.
        format!(
            "{src}[[vendor]]\nid = \"a\"\nname = \"n\"\nsources = [\"s0\"]\nsummary = \"\"\"\n[[vendor]]\nid = \"b\"\n\"\"\"\n{deal}"
        ),
        format!(
            "{src}[[vendor]]\nid = \"a\"\nname = \"n\"\nsources = [\"s0\"]\nquote = \'\'\'\n[[deal]]\n\'\'\'\n{deal}"
        ),
        format!("{src}[[vendor]]\nid = \"a\"\nname = \"n\"\nsources = [\n[[vendor]]\n]\n{deal}"),
        // Top-level keys combine with headers anywhere.
        format!(
            "vendor = [{{ id = \"i\", name = \"n\", sources = [\"s0\"] }}]\n{src}{}",
            vendor("a")
        ),
        format!("deal.x = 1\n{src}{}{deal}", vendor("a")),
        format!("# only a comment first\n\n{src}{}{deal}", vendor("a")),
        // Duplicate ids across pieces: the note names the first.
        format!("{src}{}{deal}{}", vendor("a"), vendor("a")),
    ];
    for text in &cases {
        for shard in [1, 20, 60, 120, 200] {
            assert_same(text, shard);
            assert_same(&text.replace('\n', "\r\n"), shard);
        }
    }
}

/// Valid records with a problem in record `bad` (0-based), as text, and the 1-based line of the
/// problem.
fn records_with_error(n: usize, bad: usize) -> (String, usize) {
    let mut t =
        String::from("[[source]]\nid = \"s\"\ntitle = \"t\"\npublisher = \"p\"\ndate = 2025-09-11\n\n");
    let mut line = 0;
    for i in 0..n {
        t.push_str(&format!("[[vendor]]\nid = \"v{i}\"\n"));
        if i == bad {
            line = t.lines().count() + 1;
            t.push_str("name = 1\n");
        } else {
            t.push_str("name = \"云\"\n");
        }
        t.push_str("sources = [\"s\"]\n\n");
    }
    (t, line)
}

#[test]
fn a_problem_in_a_later_shard_has_its_exact_line_and_column() {
    let (text, line) = records_with_error(200, 150);
    for shard in [1, 100, 1000, usize::MAX] {
        let l = load(&text, shard);
        assert_eq!(l.diagnostics.len(), 1, "{}", l.render_diagnostics());
        let headline = l.diagnostics[0].headline(&l.files);
        assert!(
            headline.starts_with(&format!("prop.toml:{line}:8: error: invalid type: integer `1`")),
            "{shard}: {headline}"
        );
    }
    // A reference to a missing vendor, found by validation, points into its shard too.
    let text = format!(
        "{}[[deal]]\nid = \"d\"\ntitle = \"t\"\nkind = \"order\"\nvendors = [\"v1\", \"nope\"]\nsources = [\"s\"]\n",
        records_with_error(200, usize::MAX).0
    );
    let line = text.lines().count() - 1;
    for shard in [1, 1000, usize::MAX] {
        let l = load(&text, shard);
        let headline = l.diagnostics[0].headline(&l.files);
        assert_eq!(
            headline,
            format!("prop.toml:{line}:18: error: no vendor with id `nope`"),
            "{shard}"
        );
    }
}

#[test]
fn a_synthetic_kb_reads_the_same_in_shards_of_the_default_size() {
    // ~0.7 MB: a dozen default-size shards, with a bad value and a duplicate id late in the file.
    let mut text = marketlens::synth::generate(3_000, 3);
    text.push_str("[[vendor]]\nid = \"v-7\"\nname = \"dup\"\nsources = [\"src-1\"]\n\n");
    text.push_str("[[vendor]]\nid = \"late\"\nname = 2\nsources = [\"src-1\"]\n");
    assert_same(&text, kb::load::SHARD_BYTES);
    let l = load(&text, kb::load::SHARD_BYTES);
    assert_eq!(l.error_count(), 2, "{}", l.render_diagnostics());
}

#[test]
fn the_files_of_a_directory_are_read_in_shards_each_with_its_own_positions() {
    let (bad, line) = records_with_error(50, 40);
    let other = format!(
        "{}[[deal]]\nid = \"d\"\ntitle = \"t\"\nkind = \"order\"\nvendors = [\"v3\", \"gone\"]\nsources = [\"s\"]\n",
        "[[vendor]]\nid = \"w\"\nname = \"n\"\nsources = [\"s\"]\n\n".repeat(30)
    );
    let load = |shard| {
        let files = vec![
            SourceFile {
                name: "a.toml".into(),
                text: bad.clone(),
            },
            SourceFile {
                name: "b.toml".into(),
                text: other.clone(),
            },
        ];
        kb::load::load_files_with("dir".into(), files, Vec::new(), shard)
    };
    let whole = outcome(&load(usize::MAX));
    for shard in [1, 64, 500] {
        assert_eq!(outcome(&load(shard)), whole, "{shard}");
    }
    let l = load(64);
    let heads: Vec<String> = l.diagnostics.iter().map(|d| d.headline(&l.files)).collect();
    assert!(
        heads[0].starts_with(&format!("a.toml:{line}:8: error: invalid type")),
        "{heads:?}"
    );
    // `w` is a duplicate id in b.toml, reported from its second record on; the bad reference last.
    assert_eq!(
        heads.last().map(String::as_str),
        Some(format!("b.toml:{}:18: error: no vendor with id `gone`", 30 * 5 + 5).as_str()),
        "{heads:?}"
    );
}

/// A format-2 file starts with `format = 2`: it is still read in shards (the line cannot combine
/// with a header elsewhere), to the same records and problems, and knows its format.
#[test]
fn a_format_2_file_reads_the_same_in_shards_and_keeps_its_format() {
    let mut text = String::from("# a big KB\nformat = 2 # the newer format\n\n");
    text.push_str(&marketlens::synth::generate(3_000, 5));
    text.push_str("[[vendor]]\nid = \"late\"\nname = 2\nsources = [\"src-1\"]\n");
    assert_same(&text, kb::load::SHARD_BYTES);
    let l = load(&text, kb::load::SHARD_BYTES);
    assert_eq!(l.kb.formats, [2]);
    assert_eq!(l.error_count(), 1, "{}", l.render_diagnostics());
}
