//! Export formats: reviewed snapshots of each format on the built-in KB, and properties that must
//! hold for any KB: CJK alignment, CSV and JSON round-trips, Markdown escaping, no hostile bytes
//! in the output, and the atomic file write. After a deliberate format change:
//! `INSTA_UPDATE=always cargo test --test export` and read the diff before committing.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use marketlens::export::{self, Format, Meta, WriteError};
use marketlens::kb::{self, Kb, Kind, SourceFile};
use marketlens::search::Index;
use marketlens::text::width;
use marketlens::view::{self, Align, Cell, Row, Sort, SortKey, Tab, Target, View, ViewSpec};

fn builtin() -> Arc<Kb> {
    let l = kb::load_builtin();
    assert!(l.is_ok(), "{}", l.render_diagnostics());
    Arc::new(l.kb)
}

fn query(kb: &Arc<Kb>, tab: Tab, q: &str, sort: Option<Sort>) -> View {
    let ix = Index::build(kb.clone());
    view::query_view(
        &ix,
        &ViewSpec {
            tab,
            query: q.into(),
            sort,
            ..ViewSpec::new(tab)
        },
    )
    .unwrap()
}

fn meta(v: &View, q: &str) -> Meta {
    Meta {
        kb: "built-in KB".into(),
        query: q.into(),
        sort: v.sort.as_ref().map(|s| {
            let dir = if s.descending { "descending" } else { "ascending" };
            let name = &v.columns.iter().find(|c| c.key == s.key).unwrap().name;
            format!("{name}, {dir}")
        }),
        date: "2025-11-22 15:30".into(),
    }
}

fn detail(kb: &Kb, kind: Kind, id: &str) -> view::Detail {
    view::detail(kb, &Target { kind, id: id.into() }).unwrap_or_else(|| panic!("no {kind:?} {id}"))
}

/// A KB from TOML text, which must load cleanly.
fn kb_from(text: &str) -> Kb {
    let l = kb::load::load_files(
        "test".into(),
        vec![SourceFile {
            name: "test.toml".into(),
            text: text.into(),
        }],
        Vec::new(),
    );
    assert!(l.is_ok(), "{}", l.render_diagnostics());
    l.kb
}

// ---------------------------------------------------------------------------------------------
// Snapshots

#[test]
fn snapshot_deals_query_aws_in_every_format() {
    let kb = builtin();
    let v = query(&kb, Tab::Deals, "aws", None);
    assert!(v.len() > 1 && v.len() < v.total, "the query narrows: {}", v.len());
    let m = meta(&v, "aws");
    for f in Format::ALL {
        insta::assert_snapshot!(
            format!("deals_aws_{}", f.extension()),
            export::view(&kb, &v, &m, f)
        );
    }
}

#[test]
fn snapshot_all_deals_sorted_by_amount() {
    let kb = builtin();
    let sort = Some(Sort {
        key: "amount".into(),
        descending: true,
    });
    let v = query(&kb, Tab::Deals, "", sort);
    let m = meta(&v, "");
    insta::assert_snapshot!("deals_by_amount_txt", export::view(&kb, &v, &m, Format::Txt));
    insta::assert_snapshot!("deals_by_amount_md", export::view(&kb, &v, &m, Format::Md));
}

#[test]
fn snapshot_other_tabs() {
    let kb = builtin();
    for (tab, name) in [
        (Tab::Vendors, "vendors"),
        (Tab::Executives, "executives"),
        (Tab::Trends, "trends"),
        (Tab::Sources, "sources"),
    ] {
        let v = query(&kb, tab, "", None);
        insta::assert_snapshot!(
            format!("{name}_txt"),
            export::view(&kb, &v, &meta(&v, ""), Format::Txt)
        );
    }
    let v = query(&kb, Tab::Sources, "", None);
    insta::assert_snapshot!("sources_csv", export::view(&kb, &v, &meta(&v, ""), Format::Csv));
}

#[test]
fn snapshot_empty_view_keeps_its_header() {
    let kb = builtin();
    let v = query(&kb, Tab::Deals, "zzzzqqqq", None);
    assert!(v.is_empty());
    let m = meta(&v, "zzzzqqqq");
    for f in Format::ALL {
        insta::assert_snapshot!(
            format!("deals_empty_{}", f.extension()),
            export::view(&kb, &v, &m, f)
        );
    }
}

#[test]
fn snapshot_deal_record_in_every_format() {
    let kb = builtin();
    let d = detail(&kb, Kind::Deal, "aws-tiktok-order-2025q2");
    for f in Format::ALL {
        insta::assert_snapshot!(
            format!("record_deal_{}", f.extension()),
            export::record(&kb, &d, f)
        );
    }
}

#[test]
fn snapshot_series_and_executive_records() {
    let kb = builtin();
    let s = &kb.series.iter().max_by_key(|s| s.points.len()).unwrap().id;
    let d = detail(&kb, Kind::Series, s);
    for f in Format::ALL {
        insta::assert_snapshot!(
            format!("record_series_{}", f.extension()),
            export::record(&kb, &d, f)
        );
    }
    let d = detail(&kb, Kind::Executive, "chu-ruisong");
    insta::assert_snapshot!("record_executive_txt", export::record(&kb, &d, Format::Txt));
    insta::assert_snapshot!("record_executive_md", export::record(&kb, &d, Format::Md));
}

// ---------------------------------------------------------------------------------------------
// Plain text

/// The text between display columns `from` and `to` of a line (short lines are read as padded
/// with spaces), or `None` when a wide character straddles either edge.
fn columns(line: &str, from: usize, to: usize) -> Option<String> {
    let mut out = String::new();
    let mut at = 0;
    for c in line.chars() {
        let w = width(c.encode_utf8(&mut [0; 4]));
        if at < from && at + w > from || at < to && at + w > to {
            return None;
        }
        if at >= from && at + w <= to {
            out.push(c);
        }
        at += w;
    }
    let w = width(&out);
    let missing = (to - from).saturating_sub(w);
    Some(out + &" ".repeat(missing))
}

/// Every row's every cell sits exactly in its column, by display width, in a txt export.
fn assert_aligned(v: &View, txt: &str) {
    let lines: Vec<&str> = txt.lines().collect();
    let rule = lines[3];
    assert!(rule.starts_with('-'), "{txt}");
    let widths: Vec<usize> = rule.split("  ").map(str::len).collect();
    assert_eq!(widths.len(), v.columns.len(), "{rule}");
    let total = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
    let table = &lines[2..];
    assert_eq!(table.len(), v.len() + 2);
    for (k, line) in table.iter().enumerate() {
        assert!(width(line) <= total, "line wider than the table: {line}");
        assert_eq!(*line, line.trim_end(), "trailing space: {line:?}");
        let mut start = 0;
        for (i, (&w, col)) in widths.iter().zip(v.columns.iter()).enumerate() {
            let got = columns(line, start, start + w)
                .unwrap_or_else(|| panic!("a character straddles column {i}: {line}"));
            let want = match k {
                0 => col.name.to_string(),
                1 => "-".repeat(w),
                _ => v.get(k - 2).unwrap().cells[i].text.clone(),
            };
            let placed = match col.align {
                Align::Left => format!("{want}{}", " ".repeat(w - width(&want))),
                Align::Right => format!("{}{want}", " ".repeat(w - width(&want))),
            };
            assert_eq!(got, placed, "column {i} of line {k}: {line}");
            if i + 1 < widths.len() {
                assert_eq!(columns(line, start + w, start + w + 2).as_deref(), Some("  "));
            }
            start += w + 2;
        }
    }
}

#[test]
fn txt_columns_line_up_with_chinese_text() {
    let kb = builtin();
    for tab in Tab::ALL {
        let v = query(&kb, tab, "", None);
        let txt = export::view(&kb, &v, &meta(&v, ""), Format::Txt);
        assert_aligned(&v, &txt);
    }
    let v = query(&kb, Tab::Deals, "aws", None);
    let txt = export::view(&kb, &v, &meta(&v, "aws"), Format::Txt);
    assert!(
        txt.chars().any(|c| width(c.encode_utf8(&mut [0; 4])) == 2),
        "{txt}"
    );
    assert!(txt.starts_with(&format!("Deals — {} rows (query: aws)\n\n", v.len())));
    assert!(txt.ends_with('\n'));
    assert_aligned(&v, &txt);
}

// ---------------------------------------------------------------------------------------------
// CSV

#[test]
fn csv_round_trips_through_a_reader() {
    let kb = builtin();
    for tab in Tab::ALL {
        let v = query(&kb, tab, "", None);
        let out = export::view(&kb, &v, &meta(&v, ""), Format::Csv);
        let mut r = csv::Reader::from_reader(out.as_bytes());
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        let names: Vec<&str> = v.columns.iter().map(|c| c.name.as_ref()).collect();
        assert_eq!(header, names);
        let records: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), v.len(), "{tab:?}");
        for (rec, row) in records.iter().zip(v.shown()) {
            let cells: Vec<&str> = row.cells.iter().map(|c| c.text.as_str()).collect();
            // Each cell as shown, or (the formula guard) with a `'` before a cell that starts
            // like a formula and is no plain number: Compare's `-12..-10%*` (a range of a figure
            // whose period was inferred).
            let read: Vec<&str> = rec.iter().collect();
            assert_eq!(read.len(), cells.len(), "{tab:?}");
            for (got, want) in read.iter().zip(&cells) {
                let guarded = got
                    .strip_prefix('\'')
                    .is_some_and(|g| g == *want && want.starts_with(['=', '+', '-', '@']));
                assert!(got == want || guarded, "{tab:?}: {got:?} for {want:?}\n{read:?}");
            }
        }
    }
}

/// A Deals view built by hand: cells straight from the caller, not escaped by the view layer, so
/// the export's own cleaning is what is tested.
fn hand_view(cells: &[[&str; 6]]) -> View {
    let rows: Vec<Row> = cells
        .iter()
        .enumerate()
        .map(|(i, r)| Row {
            id: format!("deal-{i}"),
            kind: Kind::Deal,
            index: i,
            cells: r
                .iter()
                .map(|t| Cell {
                    text: t.to_string(),
                    key: SortKey::Missing,
                })
                .collect(),
        })
        .collect();
    View {
        tab: Tab::Deals,
        columns: Tab::Deals.columns().into(),
        order: (0..rows.len()).collect(),
        total: rows.len(),
        rows,
        sort: None,
    }
}

#[test]
fn csv_quotes_commas_quotes_and_newlines() {
    let tricky = "a, \"b\"\nc";
    let v = hand_view(&[["2025", tricky, "x", "order", "1", "=1+1"]]);
    let out = export::view(&Kb::default(), &v, &Meta::default(), Format::Csv);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let recs: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].len(), 6);
    assert_eq!(&recs[0][1], tricky);
    // A formula is made inert for spreadsheets (see `delimited::neutralise`).
    assert_eq!(&recs[0][5], "'=1+1");
}

#[test]
fn record_csv_has_field_value_pairs_and_points() {
    let kb = builtin();
    let s = kb.series.iter().max_by_key(|s| s.points.len()).unwrap();
    let out = export::record(&kb, &detail(&kb, Kind::Series, &s.id), Format::Csv);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    assert_eq!(r.headers().unwrap(), vec!["field", "value"]);
    let recs: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert!(recs.iter().all(|r| r.len() == 2));
    assert!(recs.iter().any(|r| &r[0] == "ID" && r[1] == s.id));
    for p in &s.points {
        let period = p.period.to_string();
        // An inferred period carries its cue, `*`.
        let label = if p.inferred.is_some() {
            format!("{period}*")
        } else {
            period.clone()
        };
        assert!(recs.iter().any(|r| r[0] == label), "no row for point {label}");
    }
}

// ---------------------------------------------------------------------------------------------
// JSON

fn parse(s: &str) -> serde_json::Value {
    assert!(s.ends_with('\n'));
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

#[test]
fn json_has_one_object_per_shown_row_with_kind_id_and_resolved() {
    let kb = builtin();
    for (tab, kind) in [
        (Tab::Vendors, "vendor"),
        (Tab::Executives, "executive"),
        (Tab::Deals, "deal"),
        (Tab::Trends, "series"),
        (Tab::Sources, "source"),
    ] {
        for q in ["", "aws"] {
            let v = query(&kb, tab, q, None);
            let json = parse(&export::view(&kb, &v, &meta(&v, q), Format::Json));
            let arr = json.as_array().expect("an array");
            assert_eq!(arr.len(), v.len(), "{tab:?} {q}");
            for (o, row) in arr.iter().zip(v.shown()) {
                assert_eq!(o["kind"], kind);
                assert_eq!(o["id"], row.id.as_str());
                assert!(o["resolved"]["vendors"].is_array(), "{o}");
                assert!(o["resolved"]["sources"].is_array(), "{o}");
            }
        }
    }
}

#[test]
fn json_resolves_references_to_names() {
    let kb = builtin();
    let d = detail(&kb, Kind::Deal, "aws-tiktok-order-2025q2");
    let o = parse(&export::record(&kb, &d, Format::Json));
    let deal = kb.deal("aws-tiktok-order-2025q2").unwrap();
    let vendors = o["resolved"]["vendors"].as_array().unwrap();
    for id in &deal.vendors {
        let v = vendors.iter().find(|v| v["id"] == id.as_str()).unwrap();
        assert_eq!(v["name"], kb.vendor(id).unwrap().name.as_str());
    }
    let sources = o["resolved"]["sources"].as_array().unwrap();
    assert_eq!(sources.len(), deal.sources.len());
    for s in sources {
        let src = kb.source(s["id"].as_str().unwrap()).unwrap();
        assert_eq!(s["title"], src.title.as_str());
    }
    // Career moves name vendors too.
    let e = kb.executive("chu-ruisong").unwrap();
    let o = parse(&export::record(
        &kb,
        &detail(&kb, Kind::Executive, &e.id),
        Format::Json,
    ));
    for m in &e.career {
        for v in m.from.iter().chain(m.to.iter()) {
            let r = &o["resolved"]["vendors"];
            assert!(
                r.as_array().unwrap().iter().any(|x| x["id"] == v.as_str()),
                "{v}: {r}"
            );
        }
    }
}

#[test]
fn record_json_has_every_field_of_the_model_kind_first_resolved_last() {
    let kb = builtin();
    let model = |kind: Kind, i: usize| {
        marketlens::with_record!(kind, R => serde_json::to_value(&<R as kb::Record>::all(&kb)[i])).unwrap()
    };
    for tab in Tab::ALL {
        let Some(kind) = tab.kind() else { continue };
        for row in query(&kb, tab, "", None).rows {
            let d = detail(&kb, kind, &row.id);
            let text = export::record(&kb, &d, Format::Json);
            assert!(text.starts_with("{\n  \"kind\": "), "{text}");
            assert!(text.ends_with("\n}\n"), "{text}");
            let last_key = text.rfind("\n  \"").unwrap();
            assert!(text[last_key..].starts_with("\n  \"resolved\""), "{text}");
            let o = parse(&text);
            let want = model(kind, row.index);
            for (k, val) in want.as_object().unwrap() {
                // `kind` names the record type; a deal's own kind is exported as `deal_kind`.
                let k = if kind == Kind::Deal && k == "kind" {
                    "deal_kind"
                } else {
                    k
                };
                assert_eq!(&o[k], val, "{} field {k}", row.id);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Markdown

const PIPE_KB: &str = r#"
[[source]]
id = "s1"
title = "Pipes | and \\ backslashes"
publisher = "P|ub"
date = 2025-01-02

[[vendor]]
id = "acme"
name = "Acme | Cloud"
sources = ["s1"]

[[deal]]
id = "d1"
title = "Deal | with a pipe and a \\ backslash"
kind = "order"
vendors = ["acme"]
counterparty = "acme"
date = "2025-03"
sources = ["s1"]
"#;

#[test]
fn markdown_escapes_pipes_and_backslashes() {
    let kb = kb_from(PIPE_KB);
    let v = view::rows(&kb, &ViewSpec::new(Tab::Deals));
    let md = export::view(&kb, &v, &Meta::default(), Format::Md);
    assert!(md.contains(r"Deal \| with a pipe and a \\ backslash"), "{md}");
    assert!(md.contains(r"Acme \| Cloud"), "{md}");
    // Every table line has exactly the columns' cells: an unescaped pipe would add one.
    for line in md.lines().filter(|l| l.starts_with('|')) {
        let unescaped = line.replace(r"\\", "").replace(r"\|", "");
        assert_eq!(unescaped.matches('|').count(), v.columns.len() + 1, "{line}");
    }
    let d = detail(&kb, Kind::Deal, "d1");
    let md = export::record(&kb, &d, Format::Md);
    assert!(
        md.starts_with("# Deal \\| with a pipe and a \\\\ backslash\n"),
        "{md}"
    );
    // A counterparty that is a vendor id resolves in JSON.
    let json = parse(&export::record(&kb, &d, Format::Json));
    assert_eq!(json["resolved"]["vendors"][0]["name"], "Acme | Cloud");
}

#[test]
fn markdown_title_line_names_kb_query_sort_date_and_count() {
    let kb = builtin();
    let sort = Some(Sort {
        key: "amount".into(),
        descending: true,
    });
    let v = query(&kb, Tab::Deals, "aws", sort);
    let md = export::view(&kb, &v, &meta(&v, "aws"), Format::Md);
    let mut lines = md.lines();
    assert_eq!(lines.next(), Some("# marketlens · Deals"));
    assert_eq!(
        lines.next().unwrap(),
        format!(
            "KB: built-in KB · query: `aws` · sorted by Amount, descending · 2025-11-22 15:30 · {} rows",
            v.len()
        )
    );
    assert_eq!(lines.next(), Some(""));
    assert!(lines.next().unwrap().starts_with("| Date | Vendor |"));
    assert_eq!(lines.next(), Some("| --- | --- | --- | --- | --: | --- |"));
    // Without query and sort those parts are left out.
    let v = view::rows(&kb, &ViewSpec::new(Tab::Vendors));
    let m = Meta {
        kb: "kb/".into(),
        date: "2025-11-22 15:30".into(),
        ..Meta::default()
    };
    let md = export::view(&kb, &v, &m, Format::Md);
    assert_eq!(
        md.lines().nth(1),
        Some(format!("KB: kb/ · 2025-11-22 15:30 · {} rows", v.len()).as_str())
    );
}

// ---------------------------------------------------------------------------------------------
// Hostile text

const HOSTILE: &str = "x\x1b]0;pwned\x07y\x1b[31mred\u{202e}rev\u{200b}zw\ttab\r\nline";

/// No byte or code point that could steer a terminal, reorder text or hide in it.
fn assert_inert(out: &str, what: &str) {
    let bytes = out.as_bytes();
    assert!(!bytes.contains(&0x1b), "{what}: ESC in {out:?}");
    assert!(!bytes.contains(&0x07), "{what}: BEL in {out:?}");
    assert!(!bytes.contains(&b'\t'), "{what}: tab in {out:?}");
    assert!(!bytes.contains(&b'\r'), "{what}: CR in {out:?}");
    for bad in ['\u{202e}', '\u{200b}', '\u{9b}', '\u{2066}', '\u{feff}'] {
        assert!(!out.contains(bad), "{what}: {:?} in {out:?}", bad);
    }
    assert!(
        !out.chars().any(|c| c != '\n' && marketlens::text::is_unsafe(c)),
        "{what}: {out:?}"
    );
}

#[test]
fn hostile_cells_reach_no_output_raw() {
    let v = hand_view(&[[HOSTILE, HOSTILE, HOSTILE, HOSTILE, HOSTILE, HOSTILE]]);
    let m = Meta {
        kb: HOSTILE.into(),
        query: HOSTILE.into(),
        sort: Some(HOSTILE.into()),
        date: HOSTILE.into(),
    };
    for f in [Format::Txt, Format::Md, Format::Csv] {
        let out = export::view(&Kb::default(), &v, &m, f);
        assert_inert(&out, f.extension());
        if f != Format::Csv {
            // One line per row: the CRLF inside the cell did not split it.
            assert_eq!(out.lines().filter(|l| l.contains("pwned")).count(), 2, "{out}");
        }
    }
    let json = export::view(&Kb::default(), &v, &m, Format::Json);
    assert_inert(&json, "json");
}

/// `tests/fixtures/good/hostile.toml`: every free-text field of every kind carries escape
/// sequences, C0/C1 controls, bidi and zero-width characters, tabs and line breaks.
#[test]
fn hostile_kb_text_reaches_no_output_raw() {
    let path = format!("{}/tests/fixtures/good/hostile.toml", env!("CARGO_MANIFEST_DIR"));
    let l = kb::load_path(std::path::Path::new(&path));
    assert!(l.is_ok(), "{}", l.render_diagnostics());
    let kb = l.kb;
    let mut records = 0;
    for tab in Tab::ALL {
        let v = view::rows(&kb, &ViewSpec::new(tab));
        // Two records of each kind; the analysis views (Compare, Timeline) draw on them.
        assert!(!v.rows.is_empty(), "{tab:?}");
        if tab.kind().is_some() {
            assert_eq!(v.rows.len(), 2, "{tab:?}");
        }
        for f in Format::ALL {
            let out = export::view(&kb, &v, &Meta::default(), f);
            assert_inert(&out, f.extension());
            assert!(
                out.contains("PWNED-TITLE"),
                "{f}: the text is kept, made inert: {out}"
            );
        }
        if tab.kind().is_none() {
            continue;
        }
        for row in &v.rows {
            let d = detail(&kb, row.kind, &row.id);
            for f in Format::ALL {
                assert_inert(&export::record(&kb, &d, f), f.extension());
            }
            records += 1;
        }
    }
    assert_eq!(records, 2 * Kind::COUNT);
}

// ---------------------------------------------------------------------------------------------
// Names

#[test]
fn default_names() {
    assert_eq!(
        export::default_name("deals", "20251122-1530", Format::Md),
        "marketlens-deals-20251122-1530.md"
    );
    assert_eq!(
        export::default_name("aws-tiktok-order-2025q2", "20251122-1530", Format::Json),
        "marketlens-aws-tiktok-order-2025q2-20251122-1530.json"
    );
    assert_eq!(
        export::default_name("../etc/passwd", "20251122-1530", Format::Txt),
        "marketlens-etc-passwd-20251122-1530.txt"
    );
    assert_eq!(
        export::default_name("阿里云", "20251122-1530", Format::Csv),
        "marketlens-export-20251122-1530.csv"
    );
    assert_eq!(
        export::default_name("Trends", "", Format::Csv),
        "marketlens-trends.csv"
    );
    let long = export::default_name(&"a".repeat(1000), "20251122-1530", Format::Md);
    assert!(long.len() < 120, "{long}");
    for f in Format::ALL {
        let n = export::default_name("x/y\\z\x1b", "s", f);
        assert!(!n.contains(['/', '\\', '\x1b']), "{n}");
        assert_eq!(Format::from_path(Path::new(&n)), Some(f));
    }
}

#[test]
fn formats_from_paths() {
    let f = |p: &str| Format::from_path(Path::new(p));
    assert_eq!(f("out.txt"), Some(Format::Txt));
    assert_eq!(f("out.md"), Some(Format::Md));
    assert_eq!(f("OUT.MARKDOWN"), Some(Format::Md));
    assert_eq!(f("dir.d/out.Csv"), Some(Format::Csv));
    assert_eq!(f("/tmp/a.b.JSON"), Some(Format::Json));
    assert_eq!(f("out"), None);
    assert_eq!(f("out.toml"), None);
    assert_eq!(f(".md"), None);
    assert_eq!(f("json"), None);
}

// ---------------------------------------------------------------------------------------------
// Writing files

/// Names in a directory, sorted: to see that no temporary file was left behind.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn write_file_creates_and_refuses_to_clobber() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("out.md");
    export::write_file(&p, b"first", false).unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), b"first");
    assert_eq!(listing(dir.path()), ["out.md"]);

    let e = export::write_file(&p, b"second", false).unwrap_err();
    assert!(matches!(&e, WriteError::Exists(x) if *x == p), "{e:?}");
    assert_eq!(e.to_string(), format!("{} already exists", p.display()));
    assert_eq!(std::fs::read(&p).unwrap(), b"first");
    assert_eq!(listing(dir.path()), ["out.md"]);

    export::write_file(&p, b"third", true).unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), b"third");
    assert_eq!(listing(dir.path()), ["out.md"]);
}

#[cfg(unix)]
#[test]
fn write_file_refuses_to_replace_a_dangling_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("elsewhere");
    let link = dir.path().join("link.md");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let e = export::write_file(&link, b"x", false).unwrap_err();
    assert!(matches!(e, WriteError::Exists(_)), "{e:?}");
    assert!(!target.exists());
    assert_eq!(listing(dir.path()), ["link.md"]);
}

#[test]
fn write_file_into_a_directory_path_is_is_dir() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    for overwrite in [false, true] {
        let e = export::write_file(&sub, b"x", overwrite).unwrap_err();
        assert!(matches!(&e, WriteError::IsDir(x) if *x == sub), "{e:?}");
        assert_eq!(e.to_string(), format!("{} is a directory", sub.display()));
    }
    assert_eq!(listing(dir.path()), ["sub"]);
    assert!(listing(&sub).is_empty());
}

#[test]
fn write_file_into_a_missing_directory_is_io() {
    let dir = tempfile::tempdir().unwrap();
    let p: PathBuf = dir.path().join("no/such/dir/out.csv");
    let e = export::write_file(&p, b"x", false).unwrap_err();
    assert!(matches!(e, WriteError::Io { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!("cannot write {}: no such file or directory", p.display())
    );
    assert!(listing(dir.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn write_file_in_a_read_only_directory_is_io_and_leaves_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::write(ro.join("old.md"), b"old").unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root (and some sandboxes) ignore directory permissions: then there is nothing to test.
    let probe = ro.join("probe");
    let enforced = std::fs::write(&probe, b"").is_err();
    let _ = std::fs::remove_file(&probe);
    if enforced {
        for (name, overwrite) in [("new.md", false), ("old.md", true)] {
            let p = ro.join(name);
            let e = export::write_file(&p, b"new", overwrite).unwrap_err();
            assert!(matches!(e, WriteError::Io { .. }), "{e:?}");
            assert_eq!(
                e.to_string(),
                format!("cannot write {}: permission denied", p.display())
            );
        }
        assert_eq!(std::fs::read(ro.join("old.md")).unwrap(), b"old");
        assert_eq!(listing(&ro), ["old.md"]);
    } else {
        eprintln!("directory permissions are not enforced here (root?): skipped");
    }
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(unix)]
#[test]
fn write_file_permissions_are_those_of_a_normal_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    // A new file gets what the umask gives any new file, not tempfile's private 0600.
    let plain = dir.path().join("plain");
    std::fs::write(&plain, b"").unwrap();
    let new = dir.path().join("new.txt");
    export::write_file(&new, b"x", false).unwrap();
    assert_eq!(mode(&new), mode(&plain));
    // A replaced file keeps its mode.
    std::fs::set_permissions(&new, std::fs::Permissions::from_mode(0o640)).unwrap();
    export::write_file(&new, b"y", true).unwrap();
    assert_eq!(mode(&new), 0o640);
    assert_eq!(std::fs::read(&new).unwrap(), b"y");
}
