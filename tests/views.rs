//! Saved views from the command line: `marketlens export --view NAME` writes exactly what the
//! explorer's `e` writes after `v` applies the same view (byte for byte, txt and csv); an
//! unknown name says what there is; a bad views.toml is reported by `check` and never stops a
//! good view from being used.

mod common;
use common::{stderr, stdout};
use std::path::Path;
use std::process::{Command, Output};

use marketlens::tui::app::{App, Msg};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const BIN: &str = env!("CARGO_BIN_EXE_marketlens");
/// 2025-11-22 15:30 UTC, for `SOURCE_DATE_EPOCH`.
const EPOCH: &str = "1763825400";

const VIEWS: &str = r#"
[[view]]
name = "aws by amount"
tab = "deals"
query = "aws"
sort = "amount"
descending = true

[[view]]
name = "deals by vendor and kind"
tab = "deals"
group_by = ["vendor", "kind"]

[[view]]
name = "报告对比"
tab = "compare"
pivot = "reports"

[[view]]
name = "timeline of aliyun"
tab = "timeline"
query = "阿里云"

[[view]]
name = "deals laid out"
tab = "deals"
query = "阿里云"
columns = { order = ["kind", "date"], hidden = ["counterparty"], widths = { title = 30 } }
"#;

fn marketlens(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env("MARKETLENS_STATE_DIR", "/nonexistent/marketlens-test-state")
        .output()
        .expect("binary runs")
}

/// A KB folder of our own with `VIEWS` beside it.
fn kb_with_views() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb");
    let o = marketlens(&["init", kb.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(kb.join("views.toml"), VIEWS).unwrap();
    (dir, kb.display().to_string())
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

/// `e`, the proposed name replaced by `name`, Enter: the file's text.
fn export_by_keys(app: &mut App, dir: &Path, name: &str) -> String {
    key(app, KeyCode::Char('e'));
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
    type_text(app, name);
    key(app, KeyCode::Enter);
    assert!(app.status.starts_with("exported"), "{name}: {}", app.status);
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn export_view_writes_what_e_writes_after_v_applies_it() {
    let (dir, kb) = kb_with_views();
    let loaded = marketlens::kb::load_path(Path::new(&kb));
    assert!(loaded.is_ok(), "views.toml is not read as a KB file");
    let mut app = App::new(loaded.kb, loaded.label, 120, 40);
    app.clock = fixed_clock;
    app.export_dir = dir.path().to_path_buf();
    app.use_views_file(Path::new(&kb).join("views.toml"));
    assert_eq!(app.workspace.views.len(), 5, "{:?}", app.workspace.problem);
    for name in [
        "aws by amount",
        "deals by vendor and kind",
        "报告对比",
        "timeline of aliyun",
        "deals laid out",
    ] {
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('1'));
        key(&mut app, KeyCode::Char('v'));
        type_text(&mut app, name);
        key(&mut app, KeyCode::Enter);
        assert!(app.status.starts_with(&format!("view {name}:")), "{}", app.status);
        for ext in ["txt", "csv"] {
            let file = format!("{}.{ext}", name.replace(' ', "-"));
            let tui = export_by_keys(&mut app, dir.path(), &file);
            let o = marketlens(&["--kb", &kb, "export", "--view", name, "--format", ext]);
            assert!(o.status.success(), "{name}: {}", stderr(&o));
            assert_eq!(
                tui,
                stdout(&o),
                "{name} ({ext}): the explorer and the command line differ"
            );
            assert!(tui.lines().count() > 3, "{name} ({ext}) exports rows:\n{tui}");
        }
    }
    // What each view is, seen from the export's first lines.
    let grouped = std::fs::read_to_string(dir.path().join("deals-by-vendor-and-kind.txt")).unwrap();
    assert!(grouped.starts_with("Deals grouped by Vendor × Kind"), "{grouped}");
    let aws = std::fs::read_to_string(dir.path().join("aws-by-amount.txt")).unwrap();
    assert!(aws.starts_with("Deals — 11 rows (query: aws)"), "{aws}");
    // A view's column layout: hidden columns left out, Kind and Date first.
    let laid = std::fs::read_to_string(dir.path().join("deals-laid-out.csv")).unwrap();
    let header = laid.lines().find(|l| l.contains("Vendor")).unwrap_or_default();
    assert!(
        header.starts_with("id,Kind,Date,") || header.starts_with("Kind,Date,"),
        "{header}"
    );
    assert!(!header.contains("Counterparty"), "{header}");
    let amounts: Vec<&str> = aws.lines().skip(4).take(2).collect();
    assert!(
        amounts.iter().all(|l| l.contains(">$1B")),
        "largest first: {amounts:?}"
    );
}

#[test]
fn an_unknown_view_says_what_there_is() {
    let (_dir, kb) = kb_with_views();
    let o = marketlens(&["--kb", &kb, "export", "--view", "aws by amout"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("no saved view named `aws by amout` (did you mean `aws by amount`?)"),
        "{e}"
    );
    assert!(
        e.contains("views: `aws by amount`, `deals by vendor and kind`, `报告对比`, `timeline of aliyun`"),
        "{e}"
    );
    // --view stands for --tab, --query, --sort, --group-by and --pivot.
    let o = marketlens(&["--kb", &kb, "export", "--view", "报告对比", "--query", "x"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[test]
fn a_bad_views_file_fails_check_but_its_good_views_still_export() {
    let (_dir, kb) = kb_with_views();
    let bad = format!("{VIEWS}\n[[view]]\nname = \"bad\"\ntab = \"deals\"\nsort = \"amout\"\n");
    std::fs::write(Path::new(&kb).join("views.toml"), bad).unwrap();
    let o = marketlens(&["check", &kb]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("views.toml:33:8: error: no column `amout` to sort deals by"),
        "{e}"
    );
    assert!(e.contains("= help: did you mean `amount`?"), "{e}");
    assert!(e.contains("1 problem in"), "{e}");
    // The KB itself is fine: its summary is still printed.
    assert!(stdout(&o).contains("55 vendors"), "{}", stdout(&o));
    let o = marketlens(&["--kb", &kb, "export", "--view", "aws by amount"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("Deals — 11 rows (query: aws)"),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains("no column `amout`"),
        "the problem is said: {}",
        stderr(&o)
    );
}

#[test]
fn the_built_in_kbs_views_live_in_the_state_folder() {
    let state = tempfile::tempdir().unwrap();
    std::fs::write(
        state.path().join("views.toml"),
        "[[view]]\nname = \"v\"\ntab = \"sources\"\n",
    )
    .unwrap();
    let o = Command::new(BIN)
        .args(["export", "--view", "v"])
        .env("MARKETLENS_STATE_DIR", state.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("Sources — "), "{}", stdout(&o));
}
