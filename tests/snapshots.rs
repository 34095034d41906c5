//! What each screen looks like, rendered into ratatui's TestBackend and compared with the reviewed
//! snapshots in `tests/snapshots/` (insta). After a deliberate UI change: `cargo insta review`,
//! or `INSTA_UPDATE=always cargo test --test snapshots` and read the diff before committing.

use marketlens::tui::app::{App, Msg};
use marketlens::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn app(w: u16, h: u16) -> App {
    let l = marketlens::kb::load_builtin();
    let mut a = App::new(l.kb, l.label, w, h);
    // The mentions the explorer finds on a thread, found here.
    a.settle();
    a
}

fn keys(app: &mut App, keys: &[KeyCode]) {
    for k in keys {
        app.update(Msg::Key(KeyEvent::new(*k, KeyModifiers::NONE)));
    }
}

fn screen(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(app.size.width, app.size.height)).unwrap();
    t.draw(|f| ui::render(app, f)).unwrap();
    format!("{}", t.backend())
}

const SIZES: [(u16, u16); 2] = [(120, 40), (80, 24)];

#[test]
fn each_tab() {
    for (w, h) in SIZES {
        for (n, name) in [
            ('1', "vendors"),
            ('2', "executives"),
            ('3', "deals"),
            ('4', "trends"),
            ('5', "sources"),
            ('6', "compare"),
            ('7', "timeline_tab"),
            ('8', "facts"),
            ('9', "reports"),
        ] {
            let mut a = app(w, h);
            keys(&mut a, &[KeyCode::Char(n)]);
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(&a));
        }
    }
}

#[test]
fn help_overlay() {
    for (w, h) in SIZES {
        let mut a = app(w, h);
        keys(&mut a, &[KeyCode::Char('?')]);
        insta::assert_snapshot!(format!("help_{w}x{h}"), screen(&a));
    }
}

#[test]
fn vendor_detail_with_relations_and_sparklines() {
    for (w, h) in SIZES {
        // 阿里云 has three series with several points; Enter focuses its relations.
        let mut a = app(w, h);
        keys(&mut a, &[KeyCode::Enter, KeyCode::Char('j')]);
        insta::assert_snapshot!(format!("vendor_detail_{w}x{h}"), screen(&a));
    }
}

#[test]
fn executive_detail_lists_the_records_that_mention_him() {
    for (w, h) in SIZES {
        // 储瑞松: a deal's summary names him; Enter focuses the detail, `j` walks to that link.
        let mut a = app(w, h);
        keys(&mut a, &[KeyCode::Char('2')]);
        let at = a.current().view.position("chu-ruisong").expect("储瑞松's row");
        keys(&mut a, &vec![KeyCode::Char('j'); at]);
        let links = a.detail().expect("a detail").links().len();
        let first = a
            .detail()
            .unwrap()
            .blocks
            .iter()
            .position(|b| matches!(b, marketlens::view::Block::Heading(h) if h.starts_with("Mentioned in (")))
            .expect("a Mentioned in section");
        let d = a.detail().unwrap();
        let before = d.blocks[..first]
            .iter()
            .filter(|b| {
                matches!(
                    b,
                    marketlens::view::Block::Link { .. }
                        | marketlens::view::Block::Spark { target: Some(_), .. }
                )
            })
            .count();
        assert!(before < links);
        keys(&mut a, &[KeyCode::Enter]);
        keys(&mut a, &vec![KeyCode::Char('j'); before]);
        let screen = screen(&a);
        assert!(screen.contains("Mentioned in"), "{screen}");
        insta::assert_snapshot!(format!("executive_mentions_{w}x{h}"), screen);
        // The mention is followed like any relation, and back returns.
        let target = a.detail().unwrap().links()[before].clone();
        keys(&mut a, &[KeyCode::Enter]);
        assert_eq!(a.selected_target(), Some(target));
        keys(&mut a, &[KeyCode::Backspace]);
        assert_eq!(a.current().selected_id(), Some("chu-ruisong"));
    }
}

#[test]
fn too_small() {
    let a = app(30, 8);
    let s = screen(&a);
    assert!(s.contains("Terminal too small"), "{s}");
}

/// The Trends chart at 80×24, for the first series: the line runs from the first point's marker
/// to the last one's, never above, below or beyond them; period labels never run together
/// (`2025-Q2025-Q3`); value ticks are round (no `658.7亿元`).
#[test]
fn trends_chart_line_joins_its_points_and_labels_stay_apart() {
    let mut a = app(80, 24);
    keys(&mut a, &[KeyCode::Char('4')]);
    for n in 0..12 {
        let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
        t.draw(|f| ui::render(&a, f)).unwrap();
        let buf = t.backend().buffer().clone();
        let row = |y: u16| {
            (0..80)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        };
        // The chart is the lower left box: from its top-left corner to the box beside it.
        let top = (2..24)
            .find(|y| *y > 2 && buf[(0, *y)].symbol() == "┌")
            .expect("the chart box");
        let right = (1..80)
            .find(|x| buf[(*x, top)].symbol() == "┐")
            .expect("its right edge");
        let bottom = (top + 1..24)
            .find(|y| buf[(0, *y)].symbol() == "└")
            .expect("its bottom");
        let (mut dots, mut braille) = (Vec::new(), Vec::new());
        for y in top + 1..bottom {
            for x in 1..right {
                let s = buf[(x, y)].symbol();
                if s == "•" {
                    dots.push((x, y));
                } else if s
                    .chars()
                    .next()
                    .is_some_and(|c| ('\u{2801}'..='\u{28ff}').contains(&c))
                {
                    braille.push((x, y));
                }
            }
        }
        let screen = (top..=bottom).map(row).collect::<Vec<_>>().join("\n");
        assert!(!dots.is_empty(), "series {n}: points drawn\n{screen}");
        let (x0, x1) = (
            dots.iter().map(|d| d.0).min().unwrap(),
            dots.iter().map(|d| d.0).max().unwrap(),
        );
        let (y0, y1) = (
            dots.iter().map(|d| d.1).min().unwrap(),
            dots.iter().map(|d| d.1).max().unwrap(),
        );
        for (x, y) in &braille {
            assert!(
                (x0..=x1).contains(x) && (y0..=y1).contains(y),
                "series {n}: line at ({x}, {y}) outside its points ({x0}..={x1}, {y0}..={y1})\n{screen}"
            );
        }
        // Period labels: the row above the bottom border, words apart, each a whole period.
        let labels = row(bottom - 1);
        let inner: String = labels.chars().skip(1).take(usize::from(right) - 1).collect();
        let id = a.current().selected_id().unwrap().to_string();
        let periods: Vec<String> = marketlens::view::spark::series_values(a.kb.series_by_id(&id).unwrap())
            .iter()
            .map(|(p, _)| p.to_string())
            .collect();
        for word in inner.split_whitespace() {
            assert!(
                periods.iter().any(|p| p == word),
                "series {n}: {word:?} is not one of its periods {periods:?} (labels run together?)\n{screen}"
            );
        }
        // Value ticks: round numbers.
        for y in top + 1..bottom - 2 {
            let r = row(y);
            let label: String = r.chars().skip(1).take_while(|c| *c != '│').collect();
            let digits: String = label
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            if !digits.is_empty() {
                let significant = digits.trim_matches(|c| c == '0' || c == '.').replace('.', "");
                assert!(
                    significant.len() <= 2,
                    "series {n}: tick {label:?} is not a round value\n{screen}"
                );
            }
        }
        keys(&mut a, &[KeyCode::Char('j')]);
    }
}

/// The screen's lines as text, each wide character once (the cell it covers is skipped).
fn screen_lines(app: &App) -> Vec<String> {
    let mut t = Terminal::new(TestBackend::new(app.size.width, app.size.height)).unwrap();
    t.draw(|f| ui::render(app, f)).unwrap();
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            let mut line = String::new();
            let mut x = 0;
            while x < buf.area.width {
                let s = buf[(x, y)].symbol();
                line.push_str(s);
                x += marketlens::text::width(s).max(1) as u16;
            }
            line
        })
        .collect()
}

/// At 240 columns there is room to spare, so a column that fits its content (a deal's kind, a
/// series' metric, latest value and period) shows every visible cell whole, not `joint-ventu…`,
/// `market-sh…`, `2025-10-…`, `2025-06..2025…`. Each column is found by its key.
#[test]
fn columns_that_fit_their_content_are_not_cut_when_room_is_spare() {
    let cases: [(char, &str, &[&str]); 3] = [
        ('3', "", &["date", "kind", "amount"]),
        ('4', "", &["metric", "latest", "period"]),
        ('4', "'中断", &["metric", "latest", "period"]),
    ];
    for (tab, query, keys_to_check) in cases {
        let mut a = app(240, 50);
        keys(&mut a, &[KeyCode::Char(tab)]);
        if !query.is_empty() {
            let mut ks = vec![KeyCode::Char('/')];
            ks.extend(query.chars().map(KeyCode::Char));
            ks.push(KeyCode::Enter);
            keys(&mut a, &ks);
        }
        let lines = screen_lines(&a);
        let v = &a.current().view;
        assert!(!v.is_empty(), "{tab} {query}");
        for key in keys_to_check {
            let ci = v.tab.column(key).unwrap_or_else(|| panic!("no column {key}"));
            // The rows on screen: the table shows about 45 at this height.
            for (pos, row) in v.shown().take(40).enumerate() {
                let text = &row.cells[ci].text;
                assert!(
                    lines.iter().any(|l| l.contains(text.as_str())),
                    "{tab} {query}: row {pos} column {key}: `{text}` is not shown whole\n{}",
                    lines.join("\n")
                );
            }
        }
    }
}

fn app_on(path: &str, w: u16, h: u16) -> App {
    let l = marketlens::kb::load_path(std::path::Path::new(path));
    assert!(l.is_ok(), "{}", l.render_diagnostics());
    App::new(l.kb, l.label, w, h)
}

/// As-of (issue 18): the Trends table marks a latest figure known only from a source more than two
/// years older than the KB's newest with `old`; a series' detail says when its latest figure was
/// known (and `old`), per point too; an executive whose dated move is newer than the title's source
/// shows the move's role as current, with its date, and the superseded title with its as-of.
#[test]
fn as_of_and_stale_cues_in_trends_and_details() {
    for (w, h) in SIZES {
        let mut a = app_on("tests/fixtures/good/as_of.toml", w, h);
        keys(&mut a, &[KeyCode::Char('4')]);
        let trends = screen(&a);
        insta::assert_snapshot!(format!("as_of_trends_{w}x{h}"), trends);
        keys(&mut a, &[KeyCode::Char('j')]);
        let series = screen(&a);
        insta::assert_snapshot!(format!("as_of_stale_series_{w}x{h}"), series);
        keys(&mut a, &[KeyCode::Char('2')]);
        let exec = screen(&a);
        insta::assert_snapshot!(format!("as_of_executive_{w}x{h}"), exec);
        if w == 120 {
            let line = |s: &str, want: &str| {
                assert!(s.lines().any(|l| l.contains(want)), "no `{want}` in\n{s}");
            };
            line(&trends, "13 old");
            line(&trends, "170亿元 est");
            line(&series, "As of: 2022-06-19 (财联社) · old");
            line(&exec, "As of: 2025-11 (career move, 网易号)");
            line(&exec, "某云总裁, as of 2025-09-11 (雷峰网)");
        }
    }
}

/// `F` on Deals: the column chooser, then the deals grouped by Kind with their bars; Enter on a
/// group filters the tab to it.
#[test]
fn deals_grouped_by_kind() {
    for (w, h) in SIZES {
        let mut a = app(w, h);
        keys(&mut a, &[KeyCode::Char('3'), KeyCode::Char('F')]);
        keys(&mut a, &[KeyCode::Char('j'); 3]);
        insta::assert_snapshot!(format!("group_chooser_{w}x{h}"), screen(&a));
        keys(&mut a, &[KeyCode::Enter]);
        a.settle();
        insta::assert_snapshot!(format!("deals_by_kind_{w}x{h}"), screen(&a));
        keys(&mut a, &[KeyCode::Char('j'), KeyCode::Enter]);
        insta::assert_snapshot!(format!("deals_by_kind_picked_{w}x{h}"), screen(&a));
    }
}

/// Deals by kind per vendor: `F`, Vendor ticked with `Space`, Kind, the chooser saying what
/// `Enter` groups by; the grouped table of combinations, each vendor's together; `Enter` on
/// one filters the tab to the deals holding both values.
#[test]
fn deals_grouped_by_vendor_and_kind() {
    for (w, h) in SIZES {
        let mut a = app(w, h);
        keys(
            &mut a,
            &[KeyCode::Char('3'), KeyCode::Char('F'), KeyCode::Char('j')],
        );
        keys(
            &mut a,
            &[KeyCode::Char(' '), KeyCode::Char('j'), KeyCode::Char('j')],
        );
        insta::assert_snapshot!(format!("group_chooser_ticked_{w}x{h}"), screen(&a));
        keys(&mut a, &[KeyCode::Enter]);
        a.settle();
        insta::assert_snapshot!(format!("deals_by_vendor_kind_{w}x{h}"), screen(&a));
        keys(&mut a, &[KeyCode::Char('j'), KeyCode::Enter]);
        insta::assert_snapshot!(format!("deals_by_vendor_kind_picked_{w}x{h}"), screen(&a));
    }
}

/// The Compare tab: the global cloud shares of Canalys' 2025-Q2 report ranked with bars, then
/// China's AI-cloud shares for 2025-H1 by report (`p`), each row saying what it measures.
#[test]
fn compare_ranked_and_by_reports() {
    for (w, h) in SIZES {
        for (name, query, pivot) in [
            ("ranked", "metric:market-share report:canalys", false),
            (
                "by_reports",
                "metric:market-share market:中国 period:2025-H1",
                true,
            ),
        ] {
            let mut a = app(w, h);
            let mut ks = vec![KeyCode::Char('6'), KeyCode::Char('/')];
            ks.extend(query.chars().map(KeyCode::Char));
            ks.push(KeyCode::Enter);
            keys(&mut a, &ks);
            a.settle();
            if pivot {
                keys(&mut a, &[KeyCode::Char('p')]);
            }
            assert!(a.current().view.len() >= 3, "{query}");
            insta::assert_snapshot!(format!("compare_{name}_{w}x{h}"), screen(&a));
        }
    }
}

/// The Timeline tab (7): every dated event in time order with its quarter; and filtered with
/// `from:microsoft`, only the moves that left Microsoft (not the other moves of those people).
#[test]
fn timeline_tab() {
    for (w, h) in SIZES {
        let mut a = app(w, h);
        keys(&mut a, &[KeyCode::Char('7')]);
        insta::assert_snapshot!(format!("timeline_{w}x{h}"), screen(&a));
        let mut ks = vec![KeyCode::Char('/')];
        ks.extend("from:microsoft".chars().map(KeyCode::Char));
        ks.push(KeyCode::Enter);
        keys(&mut a, &ks);
        a.settle();
        insta::assert_snapshot!(format!("timeline_from_microsoft_{w}x{h}"), screen(&a));
    }
}
