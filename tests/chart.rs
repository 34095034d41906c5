//! Chart export: `marketlens export --chart ID[,ID…]` (SVG, to standard output or a file) and the
//! explorer's `e` on the Trends chart, which writes the same bytes for the same series.

mod common;
use common::{stderr, stdout};
use std::process::{Command, Output};

use marketlens::kb;
use marketlens::tui::app::{App, Input, Msg};
use marketlens::view::Tab;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const BIN: &str = env!("CARGO_BIN_EXE_marketlens");

fn marketlens(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("binary runs")
}

/// Every `<text>`'s content (the document parsed as XML, so it must be well-formed).
fn texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

#[test]
fn a_chart_to_a_file_and_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let o = marketlens(
        dir.path(),
        &[
            "export",
            "--chart",
            "aliyun-revenue,aliyun-revenue-growth",
            "--out",
            "c.svg",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(stderr(&o), "exported a chart of 2 series to c.svg\n");
    let svg = std::fs::read_to_string(dir.path().join("c.svg")).unwrap();
    let t = texts(&svg);
    for legend in [
        "阿里云营收 · half-years",
        "阿里云营收 · quarters",
        "阿里云营收同比增速",
    ] {
        assert!(t.iter().any(|s| s == legend), "legend {legend}: {t:?}");
    }
    assert!(t.iter().any(|s| s == ">398亿元"), "the qualifier stays: {t:?}");
    assert!(
        t.iter()
            .any(|s| s.contains("not joined (different lengths of time)")),
        "{t:?}"
    );
    assert!(t.iter().any(|s| s.contains("2 units: one panel each")), "{t:?}");
    // Standard output gets the same bytes.
    let s = marketlens(
        dir.path(),
        &["export", "--chart", "aliyun-revenue,aliyun-revenue-growth"],
    );
    assert!(s.status.success(), "{}", stderr(&s));
    assert_eq!(s.stdout, svg.as_bytes());
    // `--format svg` says the same as leaving it out.
    let f = marketlens(
        dir.path(),
        &[
            "export",
            "--chart",
            "aliyun-revenue,aliyun-revenue-growth",
            "--format",
            "svg",
        ],
    );
    assert_eq!(f.stdout, svg.as_bytes());
}

#[test]
fn an_existing_file_is_kept_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.svg");
    std::fs::write(&path, "mine").unwrap();
    let o = marketlens(
        dir.path(),
        &["export", "--chart", "aliyun-revenue", "--out", "c.svg"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: c.svg already exists; pass --force to replace it\n"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine");
    let o = marketlens(
        dir.path(),
        &["export", "--chart", "aliyun-revenue", "--out", "c.svg", "--force"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&path).unwrap().starts_with("<svg"));
}

#[test]
fn unknown_ids_are_each_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let o = marketlens(
        dir.path(),
        &["export", "--chart", "aliyun-revnue,aliyun,zzz", "--out", "c.svg"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: no series have the ids `aliyun-revnue` (did you mean `aliyun-revenue`?), \
         `aliyun` (it is a vendor, not a series), `zzz`\n"
    );
    assert!(!dir.path().join("c.svg").exists());
}

#[test]
fn only_svg_for_a_chart_and_svg_only_for_a_chart() {
    let dir = tempfile::tempdir().unwrap();
    for (args, msg) in [
        (
            &["export", "--chart", "aliyun-revenue", "--format", "csv"][..],
            "error: --chart writes SVG, not csv: pass --format svg or leave --format out\n",
        ),
        (
            &["export", "--chart", "aliyun-revenue", "--out", "c.png"][..],
            "error: --chart writes SVG: name the file .svg, not `c.png`\n",
        ),
        (
            &["export", "--tab", "deals", "--out", "d.svg"][..],
            "error: an SVG file is a chart: pass --chart ID[,ID…] (series ids)\n",
        ),
        (
            &["export", "--tab", "deals", "--format", "svg"][..],
            "error: svg is for charts: pass --chart ID[,ID…] (series ids)\n",
        ),
        (
            &["export", "--chart", ","][..],
            "error: --chart needs at least one series id\n",
        ),
    ] {
        let o = marketlens(dir.path(), args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert_eq!(stderr(&o), msg, "{args:?}");
        assert_eq!(stdout(&o), "", "{args:?}");
    }
    let o = marketlens(
        dir.path(),
        &["export", "--chart", "aliyun-revenue", "--query", "x"],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("cannot be used with"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file written"
    );
}

fn key(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    app.settle();
}

/// The explorer on the built-in KB at 120×40 (the chart shows), exporting into `dir`, on the
/// Trends tab with `id` selected.
fn trends_on(dir: &std::path::Path, id: &str) -> App {
    let l = kb::load_builtin();
    let mut app = App::new(l.kb, l.label, 120, 40);
    app.export_dir = dir.to_path_buf();
    let n = Tab::ALL.iter().position(|t| *t == Tab::Trends).unwrap() + 1;
    key(&mut app, KeyCode::Char(char::from_digit(n as u32, 10).unwrap()));
    assert_eq!(app.tab, Tab::Trends);
    for _ in 0..app.current().view.len() {
        if app.chart_ids().first().map(String::as_str) == Some(id) {
            return app;
        }
        key(&mut app, KeyCode::Down);
    }
    panic!("{id} not found on the Trends tab");
}

/// `e`, then the prompt's name replaced by `name` (or kept), then Enter.
fn export_as(app: &mut App, name: Option<&str>) {
    key(app, KeyCode::Char('e'));
    if let Some(name) = name {
        app.update(Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
        for c in name.chars() {
            key(app, KeyCode::Char(c));
        }
    }
    key(app, KeyCode::Enter);
}

#[test]
fn e_on_the_trends_chart_writes_what_the_command_line_writes() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = trends_on(dir.path(), "aliyun-revenue");
    key(&mut app, KeyCode::Char('e'));
    let Some(Input::Export(p)) = &app.input else {
        panic!("the export prompt opens");
    };
    assert_eq!(p.edit.text, "chart-aliyun-revenue.svg", "the chart is offered");
    key(&mut app, KeyCode::Enter);
    assert!(app.input.is_none(), "{}", app.status);
    assert_eq!(
        app.status,
        format!(
            "exported a chart of 1 series to {}",
            dir.path().join("chart-aliyun-revenue.svg").display()
        )
    );
    let tui = std::fs::read(dir.path().join("chart-aliyun-revenue.svg")).unwrap();
    let ids = app.chart_ids().join(",");
    let cli = marketlens(dir.path(), &["export", "--chart", &ids]);
    assert!(cli.status.success(), "{}", stderr(&cli));
    assert_eq!(tui, cli.stdout, "the same bytes");
    texts(&String::from_utf8(tui).unwrap());

    // The same name again: the overwrite question, and `n` keeps the file.
    std::fs::write(dir.path().join("chart-aliyun-revenue.svg"), "mine").unwrap();
    export_as(&mut app, None);
    assert!(app.status.contains("exists"), "{}", app.status);
    key(&mut app, KeyCode::Char('n'));
    key(&mut app, KeyCode::Esc);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("chart-aliyun-revenue.svg")).unwrap(),
        "mine"
    );
}

#[test]
fn the_chart_prompt_still_exports_the_table_by_a_text_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = trends_on(dir.path(), "aliyun-revenue");
    export_as(&mut app, Some("t.md"));
    assert!(app.input.is_none(), "{}", app.status);
    let md = std::fs::read_to_string(dir.path().join("t.md")).unwrap();
    assert!(md.starts_with("# "), "the table as Markdown: {md}");
    assert!(md.lines().filter(|l| l.starts_with('|')).count() > 3, "{md}");

    // Another tab: no chart, and an .svg name is refused with a reason.
    key(&mut app, KeyCode::Char('1'));
    assert_ne!(app.tab, Tab::Trends);
    export_as(&mut app, Some("v.svg"));
    assert!(
        app.status.starts_with("only a chart is written as SVG"),
        "{}",
        app.status
    );
    assert!(!dir.path().join("v.svg").exists());
}

/// `tests/fixtures/good/hostile.toml`: series names (and a price's unit) full of escape sequences,
/// controls, bidi and zero-width characters and line breaks. The SVG is well-formed XML with none
/// of them raw, and the names are kept, made inert.
#[test]
fn hostile_kb_text_reaches_the_svg_inert() {
    let dir = tempfile::tempdir().unwrap();
    let kb = format!("{}/tests/fixtures/good/hostile.toml", env!("CARGO_MANIFEST_DIR"));
    let o = marketlens(
        dir.path(),
        &["--kb", &kb, "export", "--chart", "series-1,series-2"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    common::assert_inert_bytes(&o.stdout, true, "svg");
    let t = texts(&stdout(&o));
    assert!(t.iter().any(|s| s.starts_with("S1-NAME")), "{t:?}");
    assert!(t.iter().any(|s| s.starts_with("S2-NAME")), "{t:?}");
}
