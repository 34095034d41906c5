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
    assert_eq!(v["by"], "counterparty");
    assert_eq!(v["measure"], "amount");
    let groups = v["groups"].as_array().unwrap();
    let total: u64 = groups.iter().map(|g| g["count"].as_u64().unwrap()).sum();
    assert_eq!(total, v["rows"].as_u64().unwrap());
    assert!(
        groups.iter().any(|g| g["value"].is_null()),
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
    assert_eq!(g.by.key, "vendor");
    for ext in ["txt", "md", "csv", "json"] {
        key(&mut app, KeyCode::Char('e'));
        let name = format!("tui.{ext}");
        app.update(Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
        type_text(&mut app, &name);
        key(&mut app, KeyCode::Enter);
        assert!(app.status.starts_with("exported"), "{}", app.status);
        let tui = std::fs::read_to_string(dir.path().join(&name)).unwrap();
        let cli = export(&[
            "export",
            "--tab",
            "deals",
            "--query",
            "aws",
            "--group-by",
            "vendor",
            "--format",
            ext,
        ]);
        assert_eq!(tui, cli, "{ext}: the explorer and the command line differ");
    }
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
    assert!(v.shown().all(|r| r.cells[kind].text == g.value));
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
    assert_eq!(app.grouping().unwrap().by.key, "date");
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
