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
        let links = a.detail().expect("a detail").stops().len();
        let first = a
            .detail()
            .unwrap()
            .blocks
            .iter()
            .position(|b| matches!(b, marketlens::view::Block::Heading(h) if h.starts_with("Mentioned in (")))
            .expect("a Mentioned in section");
        let d = a.detail().unwrap();
        // The cursor's stops before it: relations, and his career moves (`o` opens one).
        let before: usize = d.blocks[..first]
            .iter()
            .map(|b| match b {
                marketlens::view::Block::Link { .. }
                | marketlens::view::Block::Spark { target: Some(_), .. }
                | marketlens::view::Block::Move { .. } => 1,
                marketlens::view::Block::Points(_, at) => at.len(),
                _ => 0,
            })
            .sum();
        assert!(before < links);
        keys(&mut a, &[KeyCode::Enter]);
        keys(&mut a, &vec![KeyCode::Char('j'); before]);
        let screen = screen(&a);
        assert!(screen.contains("Mentioned in"), "{screen}");
        insta::assert_snapshot!(format!("executive_mentions_{w}x{h}"), screen);
        // The mention is followed like any relation, and back returns.
        let marketlens::view::Stop::Link(target) = a.detail().unwrap().stops()[before].clone() else {
            panic!("a relation at stop {before}");
        };
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

/// The rows of the chart box in `area` as text, each wide character once.
fn chart_box(buf: &ratatui::buffer::Buffer, area: ratatui::layout::Rect) -> Vec<String> {
    (area.y..area.y + area.height)
        .map(|y| {
            let mut line = String::new();
            let mut x = area.x;
            while x < area.x + area.width {
                let s = buf[(x, y)].symbol();
                line.push_str(s);
                x += marketlens::text::width(s).max(1) as u16;
            }
            line
        })
        .collect()
}

fn is_marker(s: &str) -> bool {
    marketlens::tui::ui::chart::SHAPES
        .iter()
        .any(|(a, b)| s == *a || s == *b)
}

/// The Trends chart at 80×24 for each of the first series: it draws the model
/// (`view::chart::build`): a marker per point, x labels that are the model's ticks (never run
/// together), y labels at round values, each line's last value labelled with its qualifier, and
/// every note the model gives when there is a row for it.
#[test]
fn trends_chart_draws_the_model_with_round_ticks_and_labels_apart() {
    let mut a = app(80, 24);
    keys(&mut a, &[KeyCode::Char('4')]);
    for n in 0..12 {
        let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
        t.draw(|f| ui::render(&a, f)).unwrap();
        let rows = chart_box(t.backend().buffer(), a.areas().unwrap().chart.unwrap());
        let screen = rows.join("\n");
        let id = a.current().selected_id().unwrap().to_string();
        let c = marketlens::view::chart::build(&a.kb, &[id.as_str()], 6);
        let markers = rows
            .iter()
            .flat_map(|r| r.chars())
            .filter(|ch| is_marker(&ch.to_string()))
            .count();
        assert!(markers >= 1, "series {n}: points drawn\n{screen}");
        // The time axis: the row starting `│ … └`, then its labels.
        let axis = rows
            .iter()
            .position(|r| r.chars().skip(1).any(|ch| ch == '└'))
            .expect("the x axis");
        let labels: String = rows[axis + 1].chars().skip(1).collect::<String>();
        let labels = labels.trim_end_matches('│');
        let ticks: Vec<&str> = c.x.ticks.iter().map(|t| t.label.as_str()).collect();
        assert!(!labels.trim().is_empty(), "series {n}: x labels\n{screen}");
        for word in labels.split_whitespace() {
            assert!(
                ticks.contains(&word),
                "series {n}: {word:?} is not one of the axis ticks {ticks:?} (labels run together?)\n{screen}"
            );
        }
        // Value ticks: round numbers, one of the model's.
        for r in &rows[1..axis] {
            let label: String = r.chars().skip(1).take_while(|c| *c != '┤' && *c != '│').collect();
            let digits: String = label
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            if !digits.is_empty() && r.contains('┤') {
                let significant = digits.trim_matches(|c| c == '0' || c == '.').replace('.', "");
                assert!(
                    significant.len() <= 2,
                    "series {n}: tick {label:?} is not a round value\n{screen}"
                );
            }
        }
        // Each line's last value, as tables show it (qualifier kept).
        for l in &c.lines {
            let last = &l.points.last().unwrap().label;
            assert!(
                screen.contains(last.as_str()),
                "series {n}: {last:?} not labelled\n{screen}"
            );
        }
        // Notes under the axis, cut to the width at most.
        for (k, note) in c.notes.iter().enumerate() {
            if let Some(r) = rows.get(axis + 2 + k).filter(|r| !r.starts_with('└')) {
                let shown = r
                    .trim_start_matches('│')
                    .trim_end_matches('│')
                    .trim_end_matches(' ');
                let shown = shown.trim_end_matches('…');
                assert!(
                    note.starts_with(shown),
                    "series {n}: note {note:?} shown as {r:?}\n{screen}"
                );
            }
        }
        keys(&mut a, &[KeyCode::Char('j')]);
    }
}

/// Alibaba Cloud's revenue (issue 19): 635亿元 for 2025-H1 and >398亿元 for 2025-Q3 are drawn
/// apart, not joined into a false fall: each with its own marker, the half-year's span twice as
/// wide as the quarter's, both values labelled with their qualifier, and the note saying why.
#[test]
fn aliyun_revenue_half_year_and_quarter_apart_with_the_note() {
    for (w, h) in SIZES {
        let mut a = app(w, h);
        keys(&mut a, &[KeyCode::Char('4')]);
        assert_eq!(a.current().selected_id(), Some("aliyun-revenue"));
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| ui::render(&a, f)).unwrap();
        let rows = chart_box(t.backend().buffer(), a.areas().unwrap().chart.unwrap());
        let screen = rows.join("\n");
        insta::assert_snapshot!(format!("chart_aliyun_revenue_{w}x{h}"), screen);
        assert!(screen.contains("● 阿里云营收 · half-years"), "{screen}");
        assert!(screen.contains("■ 阿里云营收 · quarters"), "{screen}");
        assert!(
            screen.contains("635亿元") && screen.contains(">398亿元"),
            "{screen}"
        );
        assert!(screen.contains("阿里云营收: half-years and quarters"), "{screen}");
        // The two markers on different rows, the half-year higher; each span a run of braille
        // dots on its marker's row, the half-year's about twice the quarter's.
        let find = |m: char| {
            // Below the box's top and the legend's two rows.
            rows.iter()
                .enumerate()
                .skip(3)
                .find_map(|(y, r)| r.chars().skip(1).position(|c| c == m).map(|x| (y, x)))
                .unwrap_or_else(|| panic!("{m} drawn\n{screen}"))
        };
        let (h1, q3) = (find('●'), find('■'));
        assert!(h1.0 < q3.0 && h1.1 < q3.1, "{h1:?} {q3:?}\n{screen}");
        let run = |(y, x): (usize, usize)| {
            let r: Vec<char> = rows[y].chars().skip(1).collect();
            let braille = |c: char| ('\u{2801}'..='\u{28ff}').contains(&c);
            let left = (0..x).rev().take_while(|i| braille(r[*i])).count();
            let right = (x + 1..r.len()).take_while(|i| braille(r[*i])).count();
            left + 1 + right
        };
        let (a1, a3) = (run(h1), run(q3));
        assert!(
            a1 as f64 >= a3 as f64 * 1.6 && a1 as f64 <= a3 as f64 * 2.4,
            "half-year span {a1} cells, quarter {a3}\n{screen}"
        );
    }
}

/// Two units, two panels on one time axis (what `c` on marked series draws): revenue in 亿元
/// above, growth in % below, each with its own round ticks; at 80×24 only the first panel fits,
/// and the title says one is hidden.
#[test]
fn two_units_stack_two_panels_or_say_one_is_hidden() {
    use marketlens::tui::ui::chart::draw_chart;
    for (w, h) in SIZES {
        let mut a = app(w, h);
        keys(&mut a, &[KeyCode::Char('4')]);
        let c = marketlens::view::chart::build(&a.kb, &["aliyun-revenue", "aliyun-revenue-growth"], 6);
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| {
            ui::render(&a, f);
            let area = a.areas().unwrap().chart.unwrap();
            draw_chart(f, &c, area, &a.theme);
        })
        .unwrap();
        let screen = format!("{}", t.backend());
        insta::assert_snapshot!(format!("chart_two_units_{w}x{h}"), screen);
        let area = a.areas().unwrap().chart.unwrap();
        let rows = chart_box(t.backend().buffer(), area);
        let text = rows.join("\n");
        assert!(text.contains("▲ 阿里云营收同比增速"), "{text}");
        if w == 120 {
            assert!(text.contains("├╌ % ╌"), "{text}");
            assert!(text.contains("34%"), "{text}");
        } else {
            assert!(rows[0].contains("1 of 2 panels hidden"), "{text}");
        }
    }
}

/// Each line its own colour; under `NO_COLOR` (the mono theme) no colour at all, the lines told
/// apart by their marker shapes alone.
#[test]
fn lines_differ_by_colour_and_by_shape_without_colour() {
    use marketlens::tui::theme::Theme;
    use marketlens::tui::ui::chart::draw_chart;
    use ratatui::layout::Rect;
    let a = app(120, 40);
    let c = marketlens::view::chart::build(&a.kb, &["aliyun-revenue", "aliyun-revenue-growth"], 6);
    for (theme, coloured) in [(Theme::colour(), true), (Theme::mono(), false)] {
        let mut t = Terminal::new(TestBackend::new(60, 30)).unwrap();
        t.draw(|f| draw_chart(f, &c, Rect::new(0, 0, 60, 30), &theme))
            .unwrap();
        let buf = t.backend().buffer();
        let mut fg: Vec<(String, ratatui::style::Color)> = Vec::new();
        for y in 4..30 {
            for x in 0..60 {
                let cell = &buf[(x, y)];
                if ["●", "■", "▲"].contains(&cell.symbol()) && !fg.iter().any(|(s, _)| s == cell.symbol())
                {
                    fg.push((cell.symbol().to_string(), cell.fg));
                }
            }
        }
        assert_eq!(fg.len(), 3, "three shapes in the plot: {fg:?}");
        let mut colours: Vec<_> = fg.iter().map(|(_, c)| format!("{c:?}")).collect();
        colours.sort();
        colours.dedup();
        if coloured {
            assert_eq!(colours.len(), 3, "{fg:?}");
        } else {
            assert!(
                fg.iter().all(|(_, c)| *c == ratatui::style::Color::Reset),
                "{fg:?}"
            );
        }
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
                a.settle(); // the pivot's rows are built off the UI thread
            }
            assert!(a.current().view.len() >= 3, "{query}");
            insta::assert_snapshot!(format!("compare_{name}_{w}x{h}"), screen(&a));
        }
    }
}

/// While an analysis view's new rows are built (off the UI thread), the rows shown are the old
/// ones and the pane's title says `building…`; when they come, the title no longer does.
#[test]
fn the_title_says_building_while_the_rows_are_built() {
    let mut a = app(120, 40);
    keys(&mut a, &[KeyCode::Char('6'), KeyCode::Char('p')]);
    let building = screen(&a);
    assert!(
        building.contains("Compare") && building.contains("building…"),
        "{building}"
    );
    let view = |a: &App| a.current().view.column("period").is_some();
    assert!(!view(&a), "the old rows (by periods) stay");
    a.settle();
    let built = screen(&a);
    assert!(!built.contains("building…"), "{built}");
    assert!(view(&a), "by reports");
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

/// Two Trends series marked (`space` twice: the marker column and `2 marked` in the title), then
/// charted together with `c` (`charted` in the title, their names on the status line); and a
/// Timeline with a marked event (its marker column beside the quarter groups).
#[test]
fn marks() {
    for (w, h) in SIZES {
        let mut a = app(w, h);
        keys(
            &mut a,
            &[
                KeyCode::Char('4'),
                KeyCode::Char('j'),
                KeyCode::Char(' '),
                KeyCode::Char(' '),
                KeyCode::Char('c'),
            ],
        );
        let s = screen(&a);
        assert!(s.contains("2 marked"), "{s}");
        insta::assert_snapshot!(format!("marks_trends_{w}x{h}"), s);
        keys(
            &mut a,
            &[KeyCode::Char('7'), KeyCode::Char('j'), KeyCode::Char(' ')],
        );
        insta::assert_snapshot!(format!("marks_timeline_{w}x{h}"), screen(&a));
    }
}

/// The runs of cells drawn with `m` (underlined: a quoted passage; reversed: the reader's current
/// one) and not bold (the unfocused table's selected row is bold and underlined), row by row, so a
/// snapshot shows what is highlighted, not only the characters.
fn styled_runs(app: &App, m: ratatui::style::Modifier) -> Vec<String> {
    let mut t = Terminal::new(TestBackend::new(app.size.width, app.size.height)).unwrap();
    t.draw(|f| ui::render(app, f)).unwrap();
    let buf = t.backend().buffer();
    let mut out = Vec::new();
    for y in 0..buf.area.height {
        let mut run = String::new();
        let mut x = 0;
        while x < buf.area.width {
            let cell = &buf[(x, y)];
            let w = marketlens::text::width(cell.symbol()).max(1) as u16;
            let bold = m == ratatui::style::Modifier::UNDERLINED
                && cell.modifier.contains(ratatui::style::Modifier::BOLD);
            if cell.modifier.contains(m) && !bold {
                run.push_str(cell.symbol());
            } else if !run.is_empty() {
                out.push(format!("row {y}: {}", std::mem::take(&mut run)));
            }
            x += w;
        }
        if !run.is_empty() {
            out.push(format!("row {y}: {run}"));
        }
    }
    out
}

/// A quote whose source has an archived article shows in the detail pane in its sentence there,
/// the quoted words underlined (the theme's `quoted`), wrapped by the Chinese rules; a quote across
/// a line break of the article reads on with no gap.
#[test]
fn quote_in_context_in_the_detail() {
    use ratatui::style::Modifier;
    for (w, h) in SIZES {
        let mut a = app_on("tests/fixtures/good/archived_reader", w, h);
        a.settle();
        // Trends: the series' points quote the article (the detail scrolled to its end: its last
        // relation); Deals: a quote across a line break.
        keys(
            &mut a,
            &[KeyCode::Char('4'), KeyCode::Char('l'), KeyCode::Char('G')],
        );
        let quoted = styled_runs(&a, Modifier::UNDERLINED).join("\n");
        insta::assert_snapshot!(
            format!("quote_in_context_series_{w}x{h}"),
            format!("{}\nquoted:\n{quoted}", screen(&a))
        );
        assert!(quoted.contains("上一季度为 92 亿元"), "{quoted}");
        keys(
            &mut a,
            &[
                KeyCode::Esc,
                KeyCode::Char('3'),
                KeyCode::Char('l'),
                KeyCode::Char('G'),
            ],
        );
        let quoted = styled_runs(&a, Modifier::UNDERLINED).join("\n");
        let s = screen(&a);
        insta::assert_snapshot!(
            format!("quote_in_context_deal_{w}x{h}"),
            format!("{s}\nquoted:\n{quoted}")
        );
        assert!(!s.contains("迁到 了"), "no gap where the article broke the line");
    }
}

/// `O` opens the article reader over the whole screen: the source in the title with "k of N
/// quotes", every quoted passage underlined, the current one reversed; `n` goes to the next.
#[test]
fn article_reader_80x24() {
    use ratatui::style::Modifier;
    let mut a = app_on("tests/fixtures/good/archived_reader", 80, 24);
    a.settle();
    // The deal's quote is past the first screen: the reader opens scrolled to it.
    keys(&mut a, &[KeyCode::Char('3'), KeyCode::Char('O')]);
    let show = |a: &App| {
        format!(
            "{}\nquoted:\n{}\ncurrent:\n{}",
            screen(a),
            styled_runs(a, Modifier::UNDERLINED).join("\n"),
            styled_runs(a, Modifier::REVERSED).join("\n")
        )
    };
    let opened = show(&a);
    assert!(opened.contains("3 of 4 quotes"), "{opened}");
    insta::assert_snapshot!("reader_opened_at_the_deal_80x24", opened);
    keys(&mut a, &[KeyCode::Char('n')]);
    let next = show(&a);
    assert!(next.contains("4 of 4 quotes"), "{next}");
    insta::assert_snapshot!("reader_next_quote_80x24", next);
    keys(&mut a, &[KeyCode::Esc]);
    assert!(a.reader.is_none());
    assert!(screen(&a).contains("港湾云赢得港口集团的混合云项目"));
}

/// The column cursor on Deals: Counterparty hidden (`]` `]` `x`), the cursor on Amount (`]`)
/// widened by four wide characters (`>` ×4). The cursor's header is drawn in reverse video.
#[test]
fn columns_cursor_hidden_and_widened() {
    for (w, h) in SIZES {
        let mut a = app(w, h);
        keys(
            &mut a,
            &[
                KeyCode::Char('3'),
                KeyCode::Char(']'),
                KeyCode::Char(']'),
                KeyCode::Char('x'),
                KeyCode::Char(']'),
                KeyCode::Char('>'),
                KeyCode::Char('>'),
                KeyCode::Char('>'),
                KeyCode::Char('>'),
            ],
        );
        let shown = screen(&a);
        assert!(!shown.contains("Counterparty"), "hidden:\n{shown}");
        insta::assert_snapshot!(format!("columns_{w}x{h}"), shown);
        // The cursor's header, and only it, is reversed.
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| ui::render(&a, f)).unwrap();
        let buf = t.backend().buffer();
        let header_y = a.areas().unwrap().table.y + 1;
        let reversed: String = (0..w)
            .filter_map(|x| buf.cell((x, header_y)))
            .filter(|c| c.modifier.contains(ratatui::style::Modifier::REVERSED))
            .map(|c| c.symbol().to_string())
            .collect();
        assert!(reversed.trim().starts_with("Amount"), "{reversed:?}");
    }
}

/// `z` on a long CJK statement: the popup wraps it by display width, whole.
#[test]
fn full_text_of_a_long_cjk_cell() {
    for (w, h) in SIZES {
        let mut a = app(w, h);
        keys(&mut a, &[KeyCode::Char('8')]);
        let id = "volcengine-leads-china-llm-public-cloud-2025h1";
        let at = a.current().view.position(id).expect("the fact's row");
        keys(&mut a, &vec![KeyCode::Char('j'); at]);
        keys(
            &mut a,
            &[KeyCode::Char(']'), KeyCode::Char(']'), KeyCode::Char('z')],
        );
        let shown = screen(&a);
        // Every character of the statement is on screen (the lines joined, borders dropped).
        let text = &a.cell.as_ref().expect("the popup").text;
        let joined: String = shown
            .lines()
            .map(|l| l.split('│').nth(2).unwrap_or("").trim_end().to_string())
            .collect();
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert!(
            squeeze(&joined).contains(&squeeze(text)),
            "{text} not whole in:\n{shown}"
        );
        insta::assert_snapshot!(format!("cell_text_{w}x{h}"), shown);
    }
}

/// Two series with points in the same periods (a small KB): at 2025-Q2 their values are a row
/// apart, and each label stays beside its own point, neither covering the other; at 2025-Q1 they
/// fall in one cell at different values, so neither label could say which point it is: both are
/// left out and the title counts them.
#[test]
fn labels_of_two_lines_in_one_period() {
    use marketlens::tui::theme::Theme;
    use marketlens::tui::ui::chart::draw_chart;
    use ratatui::layout::Rect;
    let mut toml = String::from(
        "[[source]]\nid = \"s\"\ntitle = \"T\"\npublisher = \"P\"\ndate = 2025-06-01\n\n\
         [[vendor]]\nid = \"v\"\nname = \"V\"\nsources = [\"s\"]\n",
    );
    for (id, q1, q2) in [("a", "100亿", "150亿"), ("b", "100.5亿", "140亿")] {
        toml += &format!(
            "\n[[series]]\nid = \"{id}\"\nname = \"线{id}\"\nvendor = \"v\"\nmetric = \"revenue\"\n\
             unit = \"CNY\"\nsources = [\"s\"]\n\n  [[series.points]]\n  period = \"2025-Q1\"\n  \
             value = \"{q1}\"\n\n  [[series.points]]\n  period = \"2025-Q2\"\n  value = \"{q2}\"\n"
        );
    }
    let loaded = marketlens::kb::load::load_bytes("two.toml", toml.into_bytes());
    assert!(loaded.is_ok(), "{}", loaded.render_diagnostics_upto(5));
    let c = marketlens::view::chart::build(&loaded.kb, &["a", "b"], 6);
    let area = Rect::new(0, 0, 48, 14);
    let mut t = Terminal::new(TestBackend::new(48, 14)).unwrap();
    t.draw(|f| draw_chart(f, &c, area, &Theme::mono())).unwrap();
    let screen = chart_box(t.backend().buffer(), area).join("\n");
    for label in ["150亿元", "140亿元"] {
        let in_plot = screen.matches(label).count() - screen.matches(&format!("{label}┤")).count();
        assert_eq!(in_plot, 1, "{label} once, whole\n{screen}");
    }
    assert_eq!(
        screen.matches("100亿元").count(),
        screen.matches("100亿元┤").count(),
        "{screen}"
    );
    assert!(!screen.contains("100.5亿元"), "{screen}");
    assert!(screen.contains("2 values unlabelled"), "{screen}");
    insta::assert_snapshot!("chart_labels_of_two_lines_in_one_period", screen);
}
