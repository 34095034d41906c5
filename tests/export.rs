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
        // As the explorer and the command line write it (with a note on amounts in several
        // currencies).
        sort: v.sort_label(),
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
        // The table's columns, then the export's own (status, as-of …), in that order.
        let names: Vec<&str> = v
            .columns
            .iter()
            .chain(tab.export_columns())
            .map(|c| c.name.as_ref())
            .chain(["Record", "ID", "Sources"])
            .collect();
        assert_eq!(header, names);
        let records: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), v.len(), "{tab:?}");
        for (rec, row) in records.iter().zip(v.shown()) {
            let extra = tab.export_columns().iter().map(|c| (c.cell)(&kb, row.index).text);
            let cells: Vec<String> = row.cells.iter().map(|c| c.text.clone()).chain(extra).collect();
            let n = cells.len();
            // Each cell as shown, or (the formula guard) with a `'` before a cell that starts
            // like a formula and is no plain number: Compare's `-12..-10%*` (a range of a figure
            // whose period was inferred).
            let read: Vec<&str> = rec.iter().take(n).collect();
            for (got, want) in read.iter().zip(&cells) {
                let guarded = got
                    .strip_prefix('\'')
                    .is_some_and(|g| g == want && want.starts_with(['=', '+', '-', '@']));
                assert!(*got == want || guarded, "{tab:?}: {got:?} for {want:?}\n{read:?}");
            }
            assert_eq!((&rec[n], &rec[n + 1]), (row.kind.label(), row.id.as_str()));
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
        rows: std::sync::Arc::new(rows),
        sort: None,
        sort_note: None,
        notes: Vec::new(),
        rates: Default::default(),
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
    // The export's own columns are empty for a row whose record is not in the KB.
    let extra = Tab::Deals.export_columns().len();
    assert_eq!(recs[0].len(), 6 + extra + 3);
    assert!(
        recs[0].iter().skip(6).take(extra).all(str::is_empty),
        "{:?}",
        recs[0]
    );
    // Its kind and id are the row's; the sources it cites are not known.
    let tail: Vec<&str> = recs[0].iter().skip(6 + extra).collect();
    assert_eq!(tail, ["deal", "deal-0", ""]);
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
        for row in query(&kb, tab, "", None).rows.iter() {
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
        for row in v.rows.iter() {
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

// ---------------------------------------------------------------------------------------------
// Format-2 fields and as-of as columns

fn as_of_kb() -> Arc<Kb> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good/as_of.toml");
    let l = kb::load_path(&path);
    assert!(l.is_ok(), "{}", l.render_diagnostics());
    Arc::new(l.kb)
}

/// A CSV export, read back: header → cell, per record id (its first column's text is not an id,
/// so rows are matched through the view's order).
fn csv_rows(kb: &Arc<Kb>, tab: Tab) -> Vec<(String, std::collections::BTreeMap<String, String>)> {
    let v = query(kb, tab, "", None);
    let out = export::view(kb, &v, &meta(&v, ""), Format::Csv);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(Result::unwrap)
        .zip(v.shown())
        .map(|(rec, row)| {
            let cells = header.iter().cloned().zip(rec.iter().map(String::from)).collect();
            (row.id.clone(), cells)
        })
        .collect()
}

/// CSV carries status, inferred, market, basis, segment, report, role and as-of (with `Stale`) as
/// columns where the kind has them, read back by name; JSON carries `as_of`.
#[test]
fn csv_and_json_carry_the_v2_fields_and_as_of() {
    let kb = as_of_kb();
    let get = |rows: &[(String, std::collections::BTreeMap<String, String>)], id: &str, col: &str| {
        let (_, cells) = rows
            .iter()
            .find(|(i, _)| i == id)
            .unwrap_or_else(|| panic!("no row {id}"));
        cells
            .get(col)
            .unwrap_or_else(|| panic!("no column {col} in {cells:?}"))
            .clone()
    };
    let trends = csv_rows(&kb, Tab::Trends);
    for (id, col, want) in [
        ("yun-revenue", "Status", "estimate"),
        ("yun-revenue", "Inferred", "文中“三季度”,年份取自文章"),
        ("yun-revenue", "As-of", "2025-09-11"),
        ("yun-revenue", "Stale", "no"),
        ("yun-revenue", "Basis", "revenue"),
        ("yun-revenue", "Market", ""),
        ("yun-years", "Status", "actual"),
        ("yun-years", "Latest", "13 old"),
        ("yun-years", "As-of", "2022-06-19"),
        ("yun-years", "Stale", "yes"),
        ("yun-share", "Market", "中国公有云"),
        ("yun-share", "Basis", "iaas-revenue"),
        ("yun-share", "Segment", "IaaS"),
        ("yun-share", "Report", "idc-cloud-2025"),
    ] {
        assert_eq!(get(&trends, id, col), want, "{id} {col}");
    }
    let deals = csv_rows(&kb, Tab::Deals);
    for (id, col, want) in [
        ("yun-order", "Status", "rumour"),
        ("yun-order", "Inferred", "文中“近期”,取文章季度"),
        ("yun-order", "As-of", "2025-12"),
        ("yun-cut", "Status", "actual"),
        ("yun-cut", "Inferred", ""),
        ("yun-cut", "As-of", "2025-09-11"),
    ] {
        assert_eq!(get(&deals, id, col), want, "{id} {col}");
    }
    let execs = csv_rows(&kb, Tab::Executives);
    // 张某's move (2025-11) is newer than the source of his title: it is current.
    assert_eq!(get(&execs, "zhang", "Title"), "合伙人");
    assert_eq!(get(&execs, "zhang", "As-of"), "2025-11");
    assert_eq!(get(&execs, "li", "As-of"), "2022-06-19");
    assert_eq!(get(&execs, "li", "Stale"), "yes");
    let vendors = csv_rows(&kb, Tab::Vendors);
    assert_eq!(get(&vendors, "idc", "Role"), "analyst");
    assert_eq!(get(&vendors, "yun", "Role"), "cloud");
    let sources = csv_rows(&kb, Tab::Sources);
    assert_eq!(
        get(&sources, "netease-2025", "Inferred"),
        "文中只写“年底”,取发布月"
    );
    let reports = csv_rows(&kb, Tab::Reports);
    assert_eq!(
        get(&reports, "idc-cloud-2025", "Inferred"),
        "文中“上半年”,年份取自文章"
    );

    // JSON: the records as written (status, inferred … when set) and a derived `as_of`.
    let json = |tab: Tab| -> serde_json::Value {
        let v = query(&kb, tab, "", None);
        serde_json::from_str(&export::view(&kb, &v, &meta(&v, ""), Format::Json)).unwrap()
    };
    let find = |all: &serde_json::Value, id: &str| -> serde_json::Value {
        all.as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()
            .clone()
    };
    let series = json(Tab::Trends);
    let years = find(&series, "yun-years");
    assert_eq!(
        years["as_of"],
        serde_json::json!({"date": "2022-06-19", "source": "cls-2022", "stale": true})
    );
    let share = find(&series, "yun-share");
    assert_eq!(share["market"], "中国公有云");
    assert_eq!(share["basis"], "iaas-revenue");
    assert_eq!(share["segment"], "IaaS");
    assert_eq!(share["report"], "idc-cloud-2025");
    let revenue = find(&series, "yun-revenue");
    assert_eq!(revenue["points"][2]["status"], "estimate");
    assert_eq!(revenue["as_of"]["date"], "2025-09-11");
    let order = find(&json(Tab::Deals), "yun-order");
    assert_eq!(order["status"], "rumour");
    assert_eq!(order["as_of"]["source"], "netease-2025");
    let zhang = find(&json(Tab::Executives), "zhang");
    assert_eq!(
        zhang["as_of"],
        serde_json::json!({"date": "2025-11", "source": "netease-2025", "stale": false})
    );
    // Kinds with no figure or title have no `as_of`; its place is before `resolved`.
    assert!(find(&json(Tab::Vendors), "yun").get("as_of").is_none());
    let text = {
        let v = query(&kb, Tab::Deals, "", None);
        export::view(&kb, &v, &meta(&v, ""), Format::Json)
    };
    assert!(text.find("\"as_of\"").unwrap() < text.find("\"resolved\"").unwrap());
}

/// The CSV export's own columns go through the same formula guard as the table's: text from the
/// KB that a spreadsheet would run (`=…`, `@…`) gets a `'` before it.
#[test]
fn added_csv_columns_are_guarded_against_formulas() {
    let toml = r#"
[[source]]
id = "s"
title = "t"
publisher = "p"
date = 2025-09-11

[[vendor]]
id = "v"
name = "V"
sources = ["s"]

[[deal]]
id = "d"
title = "D"
kind = "order"
vendors = ["v"]
date = "2025-Q3"
inferred = "=HYPERLINK(\"http://x\",\"y\")"
sources = ["s"]

[[series]]
id = "x"
name = "X"
vendor = "v"
market = "@SUM(A1)"
basis = "+cmd"
metric = "market-share"
unit = "%"
sources = ["s"]
points = [{ period = "2025", value = 10 }]
"#;
    let l = kb::load::load_files(
        "t".into(),
        vec![SourceFile {
            name: "t.toml".into(),
            text: toml.into(),
        }],
        Vec::new(),
    );
    assert!(l.is_ok(), "{}", l.render_diagnostics());
    let kb = Arc::new(l.kb);
    let deals = csv_rows(&kb, Tab::Deals);
    assert_eq!(deals[0].1["Inferred"], "'=HYPERLINK(\"http://x\",\"y\")");
    let trends = csv_rows(&kb, Tab::Trends);
    assert_eq!(trends[0].1["Market"], "'@SUM(A1)");
    assert_eq!(trends[0].1["Basis"], "'+cmd");
}

// ---------------------------------------------------------------------------------------------
// Fiscal years

/// `tests/fixtures/good/fiscal_years.toml`; `declared: false` forgets every `fiscal_year_end`.
fn fiscal_years(declared: bool) -> Arc<Kb> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good/fiscal_years.toml");
    let l = kb::load_path(&path);
    assert!(l.is_ok(), "{}", l.render_diagnostics());
    let mut kb = l.kb;
    if !declared {
        kb.vendors.iter_mut().for_each(|v| v.fiscal_year_end = None);
        kb.build_index();
    }
    Arc::new(kb)
}

#[test]
fn a_march_years_fy2025_sorts_at_its_real_span_and_the_detail_says_so() {
    let by_period = |kb: &Arc<Kb>| -> Vec<String> {
        query(kb, Tab::Trends, "", Sort::by(Tab::Trends, "period", false))
            .shown()
            .map(|r| r.id.clone())
            .collect()
    };
    let kb = fiscal_years(true);
    // FY2025 of a March year (the group's, and its unit's through `parent`) starts 2024-04;
    // a June year's starts 2024-07, with 2024-H2 but wider; both before calendar 2025-Q2.
    assert_eq!(
        by_period(&kb),
        [
            "group-m-revenue",
            "june-co-revenue",
            "cal-co-h2",
            "unit-m-revenue",
            "cal-co-revenue"
        ]
    );
    let unit = kb.series_by_id("unit-m-revenue").unwrap();
    assert_eq!(unit.fy_end, Some(3), "inherited from the parent group");
    let order: Vec<String> = unit
        .sorted_points()
        .iter()
        .map(|p| p.period.to_string())
        .collect();
    assert_eq!(order, ["2024-Q1", "FY2025", "2024-Q3"]);
    // The calendar vendor's FY2025 is its calendar year: before its 2025-Q2, which is latest.
    let cal = kb.series_by_id("cal-co-revenue").unwrap();
    assert_eq!(cal.fy_end, None);
    assert_eq!(cal.latest().unwrap().period.to_string(), "2025-Q2");
    let d = detail(&kb, Kind::Series, "unit-m-revenue");
    let rows: Vec<&str> = d
        .blocks
        .iter()
        .filter_map(|b| match b {
            view::Block::Points(rows, _) => Some(rows),
            _ => None,
        })
        .flatten()
        .map(|r| r[0].as_str())
        .collect();
    assert_eq!(rows, ["2024-Q1", "FY2025 (Apr 2024 – Mar 2025)", "2024-Q3"]);
    let text = export::record(&kb, &d, Format::Txt);
    assert!(text.contains("FY2025 (Apr 2024 – Mar 2025)"), "{text}");
    // The unit says whose year end its figures take.
    let d = detail(&kb, Kind::Vendor, "unit-m");
    assert!(
        d.blocks.contains(&view::Block::Field {
            label: "Fiscal year".into(),
            value: "三月集团's, ends in month 3: FY2025 is 2024-04 – 2025-03".into()
        }),
        "{:?}",
        d.blocks
    );

    // Without a declared end, FY2025 sorts just after calendar 2025, as in format 1.
    let kb = fiscal_years(false);
    assert_eq!(
        by_period(&kb),
        [
            "cal-co-h2",
            "unit-m-revenue",
            "group-m-revenue",
            "june-co-revenue",
            "cal-co-revenue"
        ]
    );
    let unit = kb.series_by_id("unit-m-revenue").unwrap();
    let order: Vec<String> = unit
        .sorted_points()
        .iter()
        .map(|p| p.period.to_string())
        .collect();
    assert_eq!(order, ["2024-Q1", "2024-Q3", "FY2025"]);
    let d = detail(&kb, Kind::Series, "unit-m-revenue");
    assert!(!format!("{d:?}").contains("Apr 2024"));
}

// ---------------------------------------------------------------------------------------------
// Machine-usable columns

/// CSV carries numbers a script can use beside the display text: a deal's amount (middle, low and
/// high ends, qualifier, currency), a series' latest value and unit, the first and last day of the
/// date or period, and for every row the record's kind, id and cited source ids, all of which
/// resolve in the KB.
#[test]
fn csv_has_machine_usable_numbers_days_ids_and_sources() {
    let kb = builtin();
    for (tab, value) in [(Tab::Deals, "Amount"), (Tab::Trends, "Latest")] {
        let v = query(&kb, tab, "", None);
        let out = export::view(&kb, &v, &meta(&v, ""), Format::Csv);
        let mut r = csv::Reader::from_reader(out.as_bytes());
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        let at = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .unwrap_or_else(|| panic!("{name}"))
        };
        let (mid, lo, hi) = (
            at(&format!("{value} value")),
            at(&format!("{value} low")),
            at(&format!("{value} high")),
        );
        let (start, end) = match tab {
            Tab::Deals => (at("Date start"), at("Date end")),
            _ => (at("Period start"), at("Period end")),
        };
        let (kind, id, sources) = (at("Record"), at("ID"), at("Sources"));
        let mut numbers = 0;
        for rec in r.records().map(Result::unwrap) {
            if !rec[mid].is_empty() {
                let n = |i: usize| -> f64 { rec[i].parse().unwrap_or_else(|e| panic!("{:?}: {e}", &rec[i])) };
                assert!(n(lo) <= n(mid) && n(mid) <= n(hi), "{rec:?}");
                numbers += 1;
            }
            if !rec[start].is_empty() {
                let day = |s: &str| {
                    assert!(
                        s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-',
                        "{s}"
                    );
                    s.to_string()
                };
                assert!(day(&rec[start]) <= day(&rec[end]), "{rec:?}");
            }
            let (k, i) = kb.lookup(&rec[id]).unwrap_or_else(|| panic!("id {}", &rec[id]));
            assert_eq!(k.label(), &rec[kind]);
            assert_eq!(Tab::for_kind(k), tab);
            let _ = i;
            assert!(!rec[sources].is_empty(), "{rec:?}");
            for s in rec[sources].split(' ') {
                assert!(kb.source(s).is_some(), "source {s}");
            }
        }
        assert!(numbers > 5, "{tab:?}: {numbers} rows with a number");
    }
}

// ---------------------------------------------------------------------------------------------
// The analysis views (Compare, Timeline) and group-by, with pipes in their cells

/// Two vendors' shares of one market, a move between them and a deal, every name with a pipe
/// or a backslash in it.
const PIPE_ANALYSIS_KB: &str = r#"
[[source]]
id = "s1"
title = "Pipes | and \\ backslashes"
publisher = "P|ub"
date = 2025-07-02

[[vendor]]
id = "acme"
name = "Acme | Cloud"
sources = ["s1"]

[[vendor]]
id = "beta"
name = "Beta \\ Cloud"
sources = ["s1"]

[[executive]]
id = "e1"
name = "Jo | Doe"
vendor = "acme"
title = "VP | Sales"
sources = ["s1"]

  [[executive.career]]
  date = "2025-03"
  from = "beta"
  to = "acme"
  role = "VP | Sales"

[[deal]]
id = "d1"
title = "Deal | with a pipe"
kind = "order"
vendors = ["acme", "beta"]
date = "2025-05"
amount = { value = "1亿", currency = "CNY" }
sources = ["s1"]

[[series]]
id = "acme-share"
name = "Acme | share"
vendor = "acme"
metric = "market-share"
market = "Cloud | Asia"
unit = "%"
sources = ["s1"]

  [[series.points]]
  period = "2025-Q2"
  value = 30
  source = "s1"

[[series]]
id = "beta-share"
name = "Beta \\ share"
vendor = "beta"
metric = "market-share"
market = "Cloud | Asia"
unit = "%"
sources = ["s1"]

  [[series.points]]
  period = "2025-Q2"
  value = 20
  source = "s1"
"#;

/// The cells of each Markdown table line: split on the pipes that are not escaped.
fn md_cells(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let next = chars.next().unwrap_or_default();
                cells.last_mut().unwrap().push(next);
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    // The text before the first pipe and after the last is no cell.
    cells[1..cells.len() - 1]
        .iter()
        .map(|c| c.trim().to_string())
        .collect()
}

/// Compare, Timeline and a grouping of each by every column, in Markdown: every table line has
/// the header's number of cells, and a cell with a pipe reads back whole; in CSV every record
/// reads back (csv crate) as wide as its header, the names with their pipes and backslashes.
#[test]
fn analysis_views_and_their_groupings_keep_pipes_inside_their_cells() {
    let kb = Arc::new(kb_from(PIPE_ANALYSIS_KB));
    let md_table = |md: &str, what: &str| -> Vec<Vec<String>> {
        let lines: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
        assert!(lines.len() >= 3, "{what}: header, rule, a row at least:\n{md}");
        let rows: Vec<Vec<String>> = lines.iter().map(|l| md_cells(l)).collect();
        for (l, r) in lines.iter().zip(&rows) {
            assert_eq!(r.len(), rows[0].len(), "{what}: {l}");
            assert!(l.ends_with(" |"), "{what}: {l}");
        }
        rows
    };
    for tab in [Tab::Compare, Tab::Timeline] {
        let v = query(&kb, tab, "", None);
        assert!(v.len() >= 2, "{tab:?}: {} rows", v.len());
        let md = export::view(&kb, &v, &meta(&v, ""), Format::Md);
        let rows = md_table(&md, &format!("{tab:?}"));
        let cells: Vec<&String> = rows.iter().flatten().collect();
        assert!(cells.iter().any(|c| c.contains("Acme | Cloud")), "{tab:?}:\n{md}");
        let csv = export::view(&kb, &v, &meta(&v, ""), Format::Csv);
        let mut r = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(csv.as_bytes());
        let header = r.headers().unwrap().clone();
        let records: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), v.len(), "{tab:?}");
        assert!(records.iter().all(|x| x.len() == header.len()));
        assert!(
            records
                .iter()
                .flat_map(|x| x.iter())
                .any(|c| c.contains("Acme | Cloud")),
            "{tab:?}:\n{csv}"
        );
        for (by, c) in view::group::groupable(&v.columns) {
            let g = view::group::group(&kb, &v, by);
            let what = format!("{tab:?} by {}", c.key);
            let md = export::grouped(&g, &meta(&v, ""), Format::Md);
            let rows = md_table(&md, &what);
            assert_eq!(rows.len(), g.groups.len() + 2, "{what}:\n{md}");
            for (i, row) in rows[2..].iter().enumerate() {
                assert_eq!(row[0], g.groups[i].label(), "{what}: the value reads back whole");
            }
        }
    }
    // Compare: both shares ranked in one column, their market named, the pipe escaped.
    let v = query(&kb, Tab::Compare, "metric:market-share", None);
    let md = export::view(&kb, &v, &meta(&v, ""), Format::Md);
    let rows = md_table(&md, "Compare");
    let col = rows[0]
        .iter()
        .position(|h| h == "2025-Q2")
        .expect("a 2025-Q2 column");
    let got: Vec<(&str, &str)> = rows[2..]
        .iter()
        .map(|r| (r[0].as_str(), r[col].as_str()))
        .collect();
    assert_eq!(got, [("Acme | Cloud", "30%"), ("Beta \\ Cloud", "20%")], "{md}");
    assert!(
        rows[2..].iter().all(|r| r[1].contains("Cloud | Asia")),
        "the market in Measures:\n{md}"
    );
}
