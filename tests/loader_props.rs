//! Property tests: no input, however broken, panics the loader, and every diagnostic it produces
//! points inside the file it names and renders without raw control characters.

use marketlens::kb::{self, SourceFile};
use proptest::prelude::*;

fn load(text: String) -> kb::Loaded {
    kb::load::load_files(
        "prop".into(),
        vec![SourceFile {
            name: "prop.toml".into(),
            text,
        }],
        Vec::new(),
    )
}

fn assert_sane(l: &kb::Loaded) {
    for d in &l.diagnostics {
        if let (Some(f), Some(span)) = (d.file, &d.span) {
            assert!(span.start <= l.files[f].text.len(), "span {span:?} outside file");
        }
        let r = d.render(&l.files);
        assert!(!r.chars().any(|c| c.is_control() && c != '\n'), "{r:?}");
    }
}

/// Pieces that look like KB TOML, so generated files reach deep into the loader and validator.
fn toml_piece() -> impl Strategy<Value = String> {
    let header = prop::sample::select(vec![
        "[[source]]",
        "[[vendor]]",
        "[[executive]]",
        "[[deal]]",
        "[[series]]",
        "[[series.points]]",
        "[[executive.career]]",
        "[vendor]",
        "[[vendors]]",
        "[x",
        "",
    ]);
    let key = prop::sample::select(vec![
        "id",
        "name",
        "title",
        "publisher",
        "date",
        "sources",
        "vendor",
        "vendors",
        "kind",
        "amount",
        "period",
        "value",
        "unit",
        "metric",
        "points",
        "market",
        "source",
        "role",
        "to",
        "from",
        "vendr",
    ]);
    let value = prop::sample::select(vec![
        "\"s1\"",
        "\"a\"",
        "\"aliyun\"",
        "[\"s1\"]",
        "[\"a\", \"zz\"]",
        "[]",
        "2025-09-11",
        "\"2025-Q2\"",
        "\"2025-Q9\"",
        "2025",
        "-5",
        "1e999",
        "nan",
        "\"635亿\"",
        "\"%\"",
        "\"CNY\"",
        "\"RMB\"",
        "\"order\"",
        "\"growth\"",
        "{ value = \"10亿\", currency = \"CNY\" }",
        "{ value = -1, currency = \"USD\" }",
        "\"\\u001b[31m\"",
        "\"\"",
        "true",
        "[[1]]",
        "\"unterminated",
        "{",
    ]);
    prop_oneof![
        header.prop_map(|h| format!("{h}\n")),
        (key, value).prop_map(|(k, v)| format!("{k} = {v}\n")),
        any::<String>().prop_map(|s| format!("{s}\n")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("kb.toml");
        std::fs::write(&p, &bytes).unwrap();
        assert_sane(&kb::load_path(&p));
    }

    #[test]
    fn arbitrary_kb_like_toml_never_panics(pieces in prop::collection::vec(toml_piece(), 0..40)) {
        let l = load(pieces.concat());
        assert_sane(&l);
        // A KB with no errors is fully usable: every reference resolves.
        if l.is_ok() {
            for d in &l.kb.deals {
                for v in &d.vendors {
                    prop_assert!(l.kb.vendor(v).is_some());
                }
            }
        }
    }
}
