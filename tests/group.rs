//! Group-by (`F`, `marketlens export --group-by`): its exports in every format read back by
//! their own parsers, and the explorer's `e` on a grouped tab writing what the command line does.

mod common;
use common::{output_within, stderr, stdout};
use std::process::{Command, Output};
use std::time::Duration;

use marketlens::kb;
use marketlens::tui::app::{App, Msg};
use marketlens::view::Tab;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const BIN: &str = env!("CARGO_BIN_EXE_marketlens");
/// 2025-11-22 15:30 UTC, for `SOURCE_DATE_EPOCH`.
const EPOCH: &str = "1763825400";

fn marketlens(args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env("SOURCE_DATE_EPOCH", EPOCH);
    output_within(&mut cmd, Duration::from_secs(60), "marketlens export")
}

fn export(args: &[&str]) -> String {
    let o = marketlens(args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    assert_eq!(stderr(&o), "", "{args:?}: data on stdout, nothing else");
    stdout(&o)
}

#[test]
fn csv_reads_back_with_a_row_per_group_and_counts_that_add_up() {
    let out = export(&[
        "export",
        "--tab",
        "deals",
        "--group-by",
        "kind",
        "--format",
        "csv",
    ]);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let headers: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(
        headers,
        ["Kind", "Count", "Share", "Amount sum", "Amount mean", "Bar"]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let counts: Vec<usize> = rows.iter().map(|r| r[1].parse().unwrap()).collect();
    let deals = kb::load_builtin().kb.deals.len();
    assert_eq!(counts.iter().sum::<usize>(), deals);
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "sorted by count: {counts:?}"
    );
    assert!(
        rows.iter().all(|r| !r[0].is_empty() && !r[5].is_empty()),
        "a value and a bar each"
    );
}

#[test]
fn json_parses_with_numbers_and_a_null_for_empty_cells() {
    let out = export(&[
        "export",
        "--tab",
        "deals",
        "--group-by",
        "Counterparty",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["tab"], "deals");
    assert_eq!(v["by"], serde_json::json!(["counterparty"]));
    assert_eq!(v["measure"], "amount");
    let groups = v["groups"].as_array().unwrap();
    let total: u64 = groups.iter().map(|g| g["count"].as_u64().unwrap()).sum();
    assert_eq!(total, v["rows"].as_u64().unwrap());
    assert!(
        groups.iter().any(|g| g["values"][0].is_null()),
        "deals without a counterparty make the (none) group"
    );
    for g in groups {
        for t in g["totals"].as_array().unwrap() {
            assert!(t["sum"].is_f64() && t["unit"].is_string(), "{t}");
        }
    }
}

#[test]
fn markdown_table_is_well_formed() {
    let out = export(&[
        "export",
        "--tab",
        "deals",
        "--group-by",
        "vendor",
        "--format",
        "md",
    ]);
    assert!(
        out.starts_with("# marketlens · Deals grouped by Vendor · "),
        "{out}"
    );
    let table: Vec<&str> = out.lines().filter(|l| l.starts_with('|')).collect();
    assert!(table.len() > 3, "{out}");
    // Cells split on unescaped pipes: every line has the header's number of cells.
    let cells = |l: &str| {
        let mut n = 0;
        let mut escaped = false;
        for c in l.chars() {
            match c {
                '\\' if !escaped => escaped = true,
                '|' if !escaped => n += 1,
                _ => escaped = false,
            }
            if c != '\\' {
                escaped = false;
            }
        }
        n - 1
    };
    let width = cells(table[0]);
    assert_eq!(width, 6, "{}", table[0]);
    assert!(
        table.iter().all(|l| l.ends_with(" |") && cells(l) == width),
        "{out}"
    );
    assert_eq!(table[1], "| --- | --: | --: | --: | --: | --- |");
    assert!(out.contains("counts once under each"), "the list note: {out}");
}

#[test]
fn text_export_has_the_title_and_aligned_columns() {
    let out = export(&["export", "--tab", "deals", "--group-by", "kind", "--query", "aws"]);
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with("Deals grouped by Kind · ") && first.ends_with("(query: aws)"),
        "{first}"
    );
    let rule = out.lines().find(|l| l.starts_with("---")).unwrap();
    assert_eq!(rule.split("  ").count(), 6, "{rule}");
}

#[test]
fn a_column_that_is_not_there_says_which_are() {
    let o = marketlens(&["export", "--tab", "deals", "--group-by", "knid"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("did you mean `kind`?") && e.contains("columns: date, vendor"),
        "{e}"
    );
    assert_eq!(stdout(&o), "");
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

/// `e` in the explorer, in every format (`STEM.txt` …, in `app.export_dir`), each file the same
/// bytes as `marketlens CLI --format EXT`; the files' text by format, for further checks.
fn exports_match_the_command_line(app: &mut App, stem: &str, cli: &[&str]) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for ext in ["txt", "md", "csv", "json"] {
        key(app, KeyCode::Char('e'));
        let name = format!("{stem}.{ext}");
        app.update(Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
        type_text(app, &name);
        key(app, KeyCode::Enter);
        assert!(app.status.starts_with("exported"), "{}", app.status);
        let tui = std::fs::read_to_string(app.export_dir.join(&name)).unwrap();
        let mut args = cli.to_vec();
        args.extend(["--format", ext]);
        assert_eq!(
            tui,
            export(&args),
            "{ext}: the explorer and the command line differ"
        );
        out.push((ext, tui));
    }
    out
}

/// `F` on Deals filtered by `aws`, grouped by Vendor, then `e`: the same bytes as
/// `marketlens export --tab deals --query aws --group-by vendor`, in every format.
#[test]
fn the_explorer_and_the_command_line_export_the_same_grouping() {
    let dir = tempfile::tempdir().unwrap();
    let l = kb::load_builtin();
    let mut app = App::new(l.kb, l.label, 120, 40);
    app.export_dir = dir.path().to_path_buf();
    app.clock = || marketlens::clock::Stamp {
        date: "2025-11-22 15:30".into(),
        file: "20251122-1530".into(),
    };
    key(&mut app, KeyCode::Char('3'));
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "aws");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('F'));
    let vendor = Tab::Deals.column("vendor").unwrap();
    for _ in 0..vendor {
        key(&mut app, KeyCode::Char('j'));
    }
    key(&mut app, KeyCode::Enter);
    let g = app.grouping().expect("grouped");
    assert_eq!(g.keys(), "vendor");
    exports_match_the_command_line(
        &mut app,
        "tui",
        &[
            "export",
            "--tab",
            "deals",
            "--query",
            "aws",
            "--group-by",
            "vendor",
        ],
    );
}

/// Enter on a group shows exactly its rows; Esc in the table shows them all again.
#[test]
fn enter_on_a_group_filters_the_tab_to_its_rows_and_esc_returns() {
    let l = kb::load_builtin();
    let mut app = App::new(l.kb, l.label, 120, 40);
    key(&mut app, KeyCode::Char('3'));
    let all = app.current().view.len();
    key(&mut app, KeyCode::Char('F'));
    for _ in 0..Tab::Deals.column("kind").unwrap() {
        key(&mut app, KeyCode::Char('j'));
    }
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('j'));
    let g = app.grouping().unwrap().groups[1].clone();
    key(&mut app, KeyCode::Enter);
    assert!(!app.grouped_now());
    let kind = Tab::Deals.column("kind").unwrap();
    let v = &app.current().view;
    assert_eq!(v.len(), g.count);
    assert!(v.shown().all(|r| r.cells[kind].text == g.values[0]));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.current().view.len(), all);
    // Esc on the grouped table leaves the tab as it was.
    key(&mut app, KeyCode::Char('F'));
    key(&mut app, KeyCode::Enter);
    assert!(app.grouped_now());
    key(&mut app, KeyCode::Esc);
    assert!(!app.grouped_now());
    assert_eq!(app.current().view.len(), all);
}

/// While grouped, keys and the mouse move among the groups, not the hidden rows; `s` and `l`
/// say to return first.
#[test]
fn the_grouped_table_takes_the_moves() {
    use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let l = kb::load_builtin();
    let mut app = App::new(l.kb, l.label, 120, 40);
    key(&mut app, KeyCode::Char('3'));
    key(&mut app, KeyCode::Char('F'));
    key(&mut app, KeyCode::Enter); // by Date, the column Deals is sorted by
    assert_eq!(app.grouping().unwrap().keys(), "date");
    let group_sel = |a: &App| a.current().grouped.as_ref().unwrap().selected;
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(group_sel(&app), 2);
    assert_eq!(app.current().selected, 0, "the table's selection stays");
    let mouse = |kind, row| {
        Msg::Mouse(MouseEvent {
            kind,
            column: 5,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    app.update(mouse(MouseEventKind::ScrollDown, 5));
    assert_eq!(group_sel(&app), 5);
    app.update(mouse(MouseEventKind::Down(MouseButton::Left), 4));
    assert_eq!(group_sel(&app), 1, "row 4 is the second group under the header");
    assert_eq!(app.current().selected, 0);
    key(&mut app, KeyCode::Char('s'));
    assert!(
        app.status.contains("Esc returns to the table first"),
        "{}",
        app.status
    );
    assert!(app.grouped_now());
}

// ---------------------------------------------------------------------------------------------
// Several key columns: deals by kind per vendor.

/// The Deals CSV as the table shows it: (vendors, kind) per deal, for counting by hand.
fn deal_cells() -> Vec<(Vec<String>, String)> {
    let out = export(&["export", "--tab", "deals", "--format", "csv"]);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let h: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let (v, k) = (
        h.iter().position(|x| x == "Vendor").unwrap(),
        h.iter().position(|x| x == "Kind").unwrap(),
    );
    r.records()
        .map(Result::unwrap)
        .map(|rec| {
            let mut vendors: Vec<String> = rec[v]
                .split(", ")
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            vendors.dedup();
            (vendors, rec[k].to_string())
        })
        .collect()
}

/// `--group-by vendor,kind` in CSV: one row per (vendor, kind) with the count of deals holding
/// both (counted here from the plain Deals export), each vendor's rows together, the vendor with
/// most deals first and its kinds by count.
#[test]
fn deals_by_kind_per_vendor_csv_counts_each_combination() {
    let out = export(&[
        "export",
        "--tab",
        "deals",
        "--group-by",
        "vendor,kind",
        "--format",
        "csv",
    ]);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let headers: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(
        headers,
        [
            "Vendor",
            "Kind",
            "Count",
            "Share",
            "Amount sum",
            "Amount mean",
            "Bar"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let deals = deal_cells();
    let mut seen = std::collections::HashSet::new();
    for rec in &rows {
        let (vendor, kind) = (&rec[0], &rec[1]);
        assert!(
            seen.insert((vendor.to_string(), kind.to_string())),
            "one row each: {rec:?}"
        );
        let want = deals
            .iter()
            .filter(|(vs, k)| {
                k == kind
                    && if vendor == "(none)" {
                        vs.is_empty()
                    } else {
                        vs.iter().any(|v| v == vendor)
                    }
            })
            .count();
        assert_eq!(rec[2].parse::<usize>().unwrap(), want, "{rec:?}");
        let share: f64 = rec[3].trim_end_matches('%').parse().unwrap();
        assert!(
            (share - want as f64 * 100.0 / deals.len() as f64).abs() < 0.051,
            "{rec:?}"
        );
    }
    // Every combination there is has its row.
    let combos: std::collections::HashSet<(String, String)> = deals
        .iter()
        .flat_map(|(vs, k)| {
            let vs = if vs.is_empty() {
                vec!["(none)".to_string()]
            } else {
                vs.clone()
            };
            vs.into_iter().map(move |v| (v, k.clone()))
        })
        .collect();
    assert_eq!(seen, combos);
    // A known one: Alibaba Cloud's data-centre deals, the most of any combination.
    let ali = rows
        .iter()
        .find(|r| &r[0] == "阿里云" && &r[1] == "data-center")
        .unwrap();
    assert_eq!(&ali[2], "10");
    assert_eq!(
        &ali[6], "████████████████████",
        "the largest combination, a full bar"
    );
    // Each vendor's rows together, vendors by their deals (largest first), kinds by count.
    let mut vendors: Vec<&str> = rows.iter().map(|r| r.get(0).unwrap()).collect();
    vendors.dedup();
    let unique: std::collections::HashSet<&&str> = vendors.iter().collect();
    assert_eq!(unique.len(), vendors.len(), "contiguous: {vendors:?}");
    let per_vendor = |v: &str| {
        deals
            .iter()
            .filter(|(vs, _)| vs.iter().any(|x| x == v) || (v == "(none)" && vs.is_empty()))
            .count()
    };
    assert!(
        vendors.windows(2).all(|w| per_vendor(w[0]) >= per_vendor(w[1])),
        "{vendors:?}"
    );
    for v in &vendors {
        let counts: Vec<usize> = rows
            .iter()
            .filter(|r| &r[0] == *v)
            .map(|r| r[2].parse().unwrap())
            .collect();
        assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{v}: {counts:?}");
    }
}

/// The same grouping in Markdown (a cell per column on every line, pipes in cells escaped),
/// JSON (the keys and each group's two values, `null` for none, numbers as numbers) and text.
#[test]
fn deals_by_kind_per_vendor_md_json_and_txt_are_well_formed() {
    let args = |f: &'static str| {
        [
            "export",
            "--tab",
            "deals",
            "--group-by",
            "Vendor,KIND",
            "--format",
            f,
        ]
    };
    let md = export(&args("md"));
    assert!(
        md.starts_with("# marketlens · Deals grouped by Vendor × Kind · "),
        "{md}"
    );
    let table: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(
        table[0],
        "| Vendor | Kind | Count | Share | Amount sum | Amount mean | Bar |"
    );
    assert_eq!(table[1], "| --- | --- | --: | --: | --: | --: | --- |");
    for l in &table {
        let unescaped = l.replace(r"\\", "").replace(r"\|", "");
        assert_eq!(unescaped.matches('|').count(), 8, "{l}");
        assert!(l.ends_with(" |"), "{l}");
    }
    assert!(
        md.contains("a row with several Vendor values counts once under each"),
        "{md}"
    );

    let json: serde_json::Value = serde_json::from_str(&export(&args("json"))).unwrap();
    assert_eq!(json["by"], serde_json::json!(["vendor", "kind"]));
    let groups = json["groups"].as_array().unwrap();
    assert_eq!(groups.len(), table.len() - 2, "a JSON group per Markdown row");
    assert!(groups.iter().all(|g| g["values"].as_array().unwrap().len() == 2));
    let ali = groups
        .iter()
        .find(|g| g["values"] == serde_json::json!(["阿里云", "other plan"]))
        .expect("阿里云 · other plan");
    assert_eq!(ali["count"], 2);
    let t = &ali["totals"][0];
    assert_eq!(
        (t["unit"].as_str(), t["sum"].as_f64()),
        (Some("CNY"), Some(3.8e11)),
        "{t}"
    );
    // An empty cell in a key but the first is `null` too: deals with no counterparty.
    let out = export(&[
        "export",
        "--tab",
        "deals",
        "--group-by",
        "kind,counterparty",
        "--format",
        "json",
    ]);
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    let none = j["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["values"][1].is_null() && g["values"][0].is_string())
        .count();
    assert!(none > 0, "{out}");

    let txt = export(&args("txt"));
    let first = txt.lines().next().unwrap();
    assert!(
        first.starts_with("Deals grouped by Vendor × Kind · ") && first.ends_with("71 rows"),
        "{first}"
    );
    let rule = txt.lines().find(|l| l.starts_with("---")).unwrap();
    assert_eq!(rule.split("  ").count(), 7, "{rule}");
}

#[test]
fn a_bad_group_by_list_says_why() {
    for (arg, says) in [
        ("vendor,knid", "did you mean `kind`?"),
        ("vendor,,kind", "names no column"),
        ("kind,Kind", "column `kind` is named twice"),
    ] {
        let o = marketlens(&["export", "--tab", "deals", "--group-by", arg]);
        assert_eq!(o.status.code(), Some(1), "{arg}");
        assert!(stderr(&o).contains(says), "{arg}: {}", stderr(&o));
        assert_eq!(stdout(&o), "");
    }
}

/// Move the chooser's selection to the column `key` of the current tab.
fn choose(app: &mut App, key_name: &str) {
    let want = app
        .current()
        .view
        .columns
        .iter()
        .position(|c| c.key == key_name)
        .unwrap_or_else(|| panic!("no column {key_name}"));
    let c = app.chooser.as_ref().expect("the chooser is open");
    let at = c.columns.iter().position(|&i| i == want).unwrap();
    let from = c.selected;
    for _ in 0..from.max(at) - from.min(at) {
        key(
            app,
            if at > from {
                KeyCode::Char('j')
            } else {
                KeyCode::Char('k')
            },
        );
    }
    assert_eq!(app.chooser.as_ref().unwrap().selected, at);
}

/// `3`, `F`, Vendor, `Space`, Kind, `Enter`: deals by kind per vendor; `e` writes what
/// `marketlens export --tab deals --group-by vendor,kind` does, in every format.
#[test]
fn the_explorer_groups_by_two_columns_and_exports_what_the_command_line_does() {
    let dir = tempfile::tempdir().unwrap();
    let l = kb::load_builtin();
    let mut app = App::new(l.kb, l.label, 120, 40);
    app.export_dir = dir.path().to_path_buf();
    app.clock = || marketlens::clock::Stamp {
        date: "2025-11-22 15:30".into(),
        file: "20251122-1530".into(),
    };
    key(&mut app, KeyCode::Char('3'));
    key(&mut app, KeyCode::Char('F'));
    choose(&mut app, "vendor");
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(
        app.chooser.as_ref().unwrap().ticked,
        [Tab::Deals.column("vendor").unwrap()]
    );
    choose(&mut app, "kind");
    key(&mut app, KeyCode::Enter);
    assert!(app.chooser.is_none());
    let g = app.grouping().expect("grouped");
    assert_eq!(g.keys(), "vendor,kind");
    exports_match_the_command_line(
        &mut app,
        "tui",
        &["export", "--tab", "deals", "--group-by", "vendor, kind"],
    );
}

/// `F` on a grouped table opens the chooser with its key ticked: `Enter` on another column adds
/// it. `Enter` on a combination shows the deals holding both values; `Esc` shows all again.
#[test]
fn f_on_a_grouped_table_adds_a_key_and_enter_filters_to_both_values() {
    let l = kb::load_builtin();
    let mut app = App::new(l.kb, l.label, 120, 40);
    key(&mut app, KeyCode::Char('3'));
    let all = app.current().view.len();
    key(&mut app, KeyCode::Char('F'));
    choose(&mut app, "vendor");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.grouping().unwrap().keys(), "vendor");
    key(&mut app, KeyCode::Char('F'));
    let c = app
        .chooser
        .as_ref()
        .expect("F on the grouped table opens the chooser");
    assert_eq!(c.ticked, [Tab::Deals.column("vendor").unwrap()]);
    choose(&mut app, "kind");
    key(&mut app, KeyCode::Enter);
    let g = app.grouping().unwrap();
    assert_eq!(g.keys(), "vendor,kind");
    // The first combination of the second vendor.
    let second = g
        .groups
        .iter()
        .position(|x| x.values[0] != g.groups[0].values[0])
        .unwrap();
    let want = g.groups[second].clone();
    for _ in 0..second {
        key(&mut app, KeyCode::Char('j'));
    }
    key(&mut app, KeyCode::Enter);
    assert!(!app.grouped_now());
    let (vendor, kind) = (
        Tab::Deals.column("vendor").unwrap(),
        Tab::Deals.column("kind").unwrap(),
    );
    let v = &app.current().view;
    assert_eq!(v.len(), want.count);
    assert!(v.shown().all(|r| {
        r.cells[kind].text == want.values[1] && r.cells[vendor].text.split(", ").any(|x| x == want.values[0])
    }));
    assert!(
        app.status
            .starts_with(&format!("Vendor = {}, Kind = {}", want.values[0], want.values[1])),
        "{}",
        app.status
    );
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.current().view.len(), all);
    // Space twice unticks; Esc closes the chooser and leaves the table as it was.
    key(&mut app, KeyCode::Char('F'));
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char(' '));
    assert!(app.chooser.as_ref().unwrap().ticked.is_empty());
    key(&mut app, KeyCode::Esc);
    assert!(app.chooser.is_none() && !app.grouped_now());
}

/// Group-by on an analysis tab, by two columns: who moved from where to where in 2025 (`7`,
/// `/kind:move year:2025`, `F`, From ticked, To, `Enter`), each format read back and equal to
/// `marketlens export --tab timeline --query Q --group-by from,to`.
#[test]
fn the_timeline_groups_moves_by_from_and_to_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let l = kb::load_builtin();
    let mut app = App::new(l.kb, l.label, 120, 40);
    app.export_dir = dir.path().to_path_buf();
    app.clock = || marketlens::clock::Stamp {
        date: "2025-11-22 15:30".into(),
        file: "20251122-1530".into(),
    };
    let q = "kind:move year:2025";
    key(&mut app, KeyCode::Char('7'));
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, q);
    key(&mut app, KeyCode::Enter);
    let moves = app.current().view.len();
    assert!(moves >= 3, "{moves}");
    key(&mut app, KeyCode::Char('F'));
    choose(&mut app, "from");
    key(&mut app, KeyCode::Char(' '));
    choose(&mut app, "to");
    key(&mut app, KeyCode::Enter);
    let g = app.grouping().expect("grouped").clone();
    assert_eq!(g.keys(), "from,to");
    assert_eq!(g.rows, moves);
    let files = exports_match_the_command_line(
        &mut app,
        "moves",
        &[
            "export",
            "--tab",
            "timeline",
            "--query",
            q,
            "--group-by",
            "from,to",
        ],
    );
    for (ext, tui) in files {
        match ext {
            "csv" => {
                let mut r = csv::ReaderBuilder::new()
                    .flexible(false)
                    .from_reader(tui.as_bytes());
                let h: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
                assert_eq!(h, ["From", "To", "Count", "Share", "Bar"]);
                let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
                let total: usize = rows.iter().map(|r| r[2].parse::<usize>().unwrap()).sum();
                assert_eq!(total, moves, "a move has one From and one To");
                // 袁志明 left Microsoft for Alibaba Cloud in 2025.
                assert!(
                    rows.iter()
                        .any(|r| &r[0] == "微软" && &r[1] == "阿里云" && &r[2] == "1"),
                    "{tui}"
                );
            }
            "md" => {
                let table: Vec<&str> = tui.lines().filter(|l| l.starts_with('|')).collect();
                assert_eq!(table.len(), g.groups.len() + 2, "{tui}");
                for l in &table {
                    let unescaped = l.replace(r"\\", "").replace(r"\|", "");
                    assert_eq!(unescaped.matches('|').count(), 6, "{l}");
                }
            }
            "json" => {
                let j: serde_json::Value = serde_json::from_str(&tui).unwrap();
                assert_eq!(j["tab"], "timeline");
                assert_eq!(j["by"], serde_json::json!(["from", "to"]));
                assert_eq!(j["rows"], moves);
                assert_eq!(j["measure"], serde_json::Value::Null);
            }
            _ => assert!(tui.starts_with("Timeline grouped by From × To · "), "{tui}"),
        }
    }
}
