//! Search in the explorer: the `/` filter highlights what matched and Esc gives back the full list
//! and the selection; the palette jumps across kinds with history; stale answers are dropped.

use marketlens::tui::app::{App, Effect, Input, Msg};
use marketlens::tui::ui;
use marketlens::view::Tab;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Modifier;

fn app() -> App {
    let l = marketlens::kb::load_builtin();
    App::new(l.kb, l.label, 120, 40)
}

fn key(app: &mut App, code: KeyCode, mods: KeyModifiers) {
    app.update(Msg::Key(KeyEvent::new(code, mods)));
}

fn typ(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c), KeyModifiers::NONE);
    }
}

fn draw(app: &App) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(app.size.width, app.size.height)).unwrap();
    t.draw(|f| ui::render(app, f)).unwrap();
    t
}

/// The symbols on row `y` drawn with the match style (bold and underlined).
fn highlighted_on_row(t: &Terminal<TestBackend>, y: u16) -> String {
    let buf = t.backend().buffer();
    (0..buf.area.width)
        .filter_map(|x| buf.cell((x, y)))
        .filter(|c| c.modifier.contains(Modifier::UNDERLINED | Modifier::BOLD))
        .map(|c| c.symbol().to_string())
        .collect()
}

#[test]
fn filter_highlights_matches_and_esc_restores_list_and_selection() {
    let mut a = app();
    for _ in 0..5 {
        key(&mut a, KeyCode::Char('j'), KeyModifiers::NONE);
    }
    let before = a.current().selected_id().unwrap().to_string();
    let total = a.current().view.len();
    key(&mut a, KeyCode::Char('/'), KeyModifiers::NONE);
    typ(&mut a, "aly");
    a.settle();
    let st = a.current();
    assert!(
        st.view.len() < total && !st.view.is_empty(),
        "{} of {total}",
        st.view.len()
    );
    assert_eq!(st.selected_id(), Some("aliyun"), "best match selected first");
    let t = draw(&a);
    // Row 3 of the screen is the first table row (tab bar, border, header).
    assert_eq!(
        highlighted_on_row(&t, 3),
        "阿里云",
        "the pinyin match lights up the Chinese name"
    );
    let screen = format!("{}", t.backend());
    assert!(
        screen.contains(&format!("Vendors {}/{total} · /aly", st.view.len())),
        "{screen}"
    );
    assert!(screen.contains(" /aly"), "the query line shows what was typed");
    // Esc: full list, old selection.
    key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    assert!(a.input.is_none());
    assert_eq!(a.current().view.len(), total);
    assert_eq!(a.current().selected_id(), Some(before.as_str()));
    assert!(
        draw(&a)
            .backend()
            .buffer()
            .content()
            .iter()
            .all(|c| !c.modifier.contains(Modifier::UNDERLINED | Modifier::BOLD) || c.symbol() == " ")
    );
}

#[test]
fn enter_keeps_the_filter_and_esc_in_the_table_clears_it() {
    let mut a = app();
    key(&mut a, KeyCode::Char('3'), KeyModifiers::NONE);
    key(&mut a, KeyCode::Char('/'), KeyModifiers::NONE);
    typ(&mut a, "kind:migration");
    a.settle();
    key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert!(a.input.is_none());
    let kinds: Vec<String> = a
        .current()
        .view
        .shown()
        .map(|r| r.cells[3].text.clone())
        .collect();
    assert!(
        !kinds.is_empty() && kinds.iter().all(|k| k == "migration"),
        "{kinds:?}"
    );
    // Keys act on the table again, within the filtered rows.
    key(&mut a, KeyCode::Char('G'), KeyModifiers::NONE);
    assert_eq!(a.current().selected + 1, kinds.len());
    key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(a.current().view.len(), a.kb.deals.len());
}

#[test]
fn a_bad_query_shows_why_and_filters_nothing() {
    let mut a = app();
    key(&mut a, KeyCode::Char('3'), KeyModifiers::NONE);
    key(&mut a, KeyCode::Char('/'), KeyModifiers::NONE);
    typ(&mut a, "amount>");
    a.settle();
    let st = a.current();
    assert!(st.filter.error.is_some());
    typ(&mut a, "=10亿");
    a.settle();
    let good = a.current().view.len();
    assert!(good > 0 && a.current().filter.error.is_none());
    typ(&mut a, ">");
    a.settle();
    let st = a.current();
    // Not the last good rows: those would depend on what was typed before (a paste differs).
    assert_eq!(st.view.len(), st.view.total, "a wrong query filters nothing");
    assert!(st.filter.applied.is_none());
    let screen = format!("{}", draw(&a).backend());
    assert!(
        screen.contains("⚠ column 9: `10亿>` is not an amount"),
        "{screen}"
    );
}

#[test]
fn palette_jumps_across_kinds_and_back_returns() {
    let mut a = app();
    key(&mut a, KeyCode::Char('k'), KeyModifiers::CONTROL);
    assert!(matches!(a.input, Some(Input::Palette(_))));
    typ(&mut a, "crs");
    a.settle();
    let screen = format!("{}", draw(&a).backend());
    assert!(
        screen.contains("executive") && screen.contains("储瑞松"),
        "{screen}"
    );
    key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(
        (a.tab, a.current().selected_id()),
        (Tab::Executives, Some("chu-ruisong"))
    );
    key(&mut a, KeyCode::Backspace, KeyModifiers::NONE);
    assert_eq!(a.tab, Tab::Vendors);
    // `:` opens it too, and `q` types rather than quits.
    key(&mut a, KeyCode::Char(':'), KeyModifiers::NONE);
    typ(&mut a, "q");
    assert!(!a.quit);
    key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    assert!(a.input.is_none() && !a.quit);
}

#[test]
fn a_jump_to_a_record_the_filter_hides_clears_the_filter() {
    let mut a = app();
    key(&mut a, KeyCode::Char('2'), KeyModifiers::NONE);
    key(&mut a, KeyCode::Char('/'), KeyModifiers::NONE);
    typ(&mut a, "zzzz-nothing");
    a.settle();
    key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert!(a.current().view.is_empty());
    key(&mut a, KeyCode::Char(':'), KeyModifiers::NONE);
    typ(&mut a, "churuisong");
    a.settle();
    key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(a.current().selected_id(), Some("chu-ruisong"));
    assert!(!a.current().filter.is_active());
}

#[test]
fn going_back_to_a_record_the_filter_now_hides_clears_the_filter() {
    // Found by tui_props: history kept a record that a later filter hid.
    let mut a = app();
    let start = a.current().selected_id().map(str::to_string);
    key(&mut a, KeyCode::Char(':'), KeyModifiers::NONE);
    typ(&mut a, "aws");
    a.settle();
    key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(a.tab, Tab::Vendors, "the best match for aws is a vendor");
    assert_ne!(a.current().selected_id().map(str::to_string), start);
    key(&mut a, KeyCode::Char('/'), KeyModifiers::NONE);
    typ(&mut a, "amazon");
    a.settle();
    key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    let hidden = start.as_deref().unwrap();
    assert!(
        a.current().view.position(hidden).is_none(),
        "the filter hides {hidden}"
    );
    key(&mut a, KeyCode::Backspace, KeyModifiers::NONE);
    assert_eq!(a.current().selected_id(), Some(hidden));
    assert!(!a.current().filter.is_active());
    assert_eq!(a.status, format!("filter cleared to show {hidden}"));
}

#[test]
fn stale_answers_are_dropped() {
    let mut a = app();
    key(&mut a, KeyCode::Char('/'), KeyModifiers::NONE);
    typ(&mut a, "a");
    let first: Vec<_> = a
        .effects()
        .iter()
        .filter_map(|e| match e {
            Effect::Search(req) => Some(req.clone()),
            _ => None,
        })
        .collect();
    typ(&mut a, "ws");
    // Answer only the first request: it is stale (two newer ones are awaited) and changes nothing.
    let ix = a.index.clone();
    let mut s = marketlens::search::worker::Searcher::default();
    let req = &first[0];
    let outcome = s.run(&ix, &req.text, req.scope, req.rank, &|| false).unwrap();
    let changed = a.update(Msg::Search(marketlens::search::worker::Response {
        id: req.id,
        scope: req.scope,
        outcome,
        took: std::time::Duration::ZERO,
    }));
    assert!(!changed);
    assert_eq!(a.current().view.len(), a.kb.vendors.len());
    a.settle();
    assert_eq!(a.current().selected_id(), Some("aws"));
}

/// `2`, `/microsoft`: 田灼 and 原欣 match in fields the table does not show (their vendor's English
/// name, a career move's organisation); their rows say which, with the matched characters lit, as
/// the palette does. (The issue's `/crs` found them by letters scattered over "Microsoft", which no
/// longer matches.)
#[test]
fn filter_rows_say_where_a_hidden_match_is() {
    let mut a = App::new(marketlens::kb::load_builtin().kb, "built-in".into(), 80, 24);
    key(&mut a, KeyCode::Char('2'), KeyModifiers::NONE);
    key(&mut a, KeyCode::Char('/'), KeyModifiers::NONE);
    typ(&mut a, "microsoft");
    a.settle();
    let t = draw(&a);
    let screen = format!("{}", t.backend());
    let rows: Vec<&str> = screen.lines().collect();
    for name in ["田灼", "原欣"] {
        let y = rows
            .iter()
            .position(|r| r.contains(name))
            .unwrap_or_else(|| panic!("{name} is listed:\n{screen}"));
        let row = rows[y];
        assert!(
            ["career: ", "vendor: ", "summary: ", "aliases: "]
                .iter()
                .any(|f| row.contains(f)),
            "{name}'s row names the field it matched in: {row}"
        );
        let lit = highlighted_on_row(&t, y as u16);
        assert!(!lit.is_empty(), "{name}'s row lights what matched: {row}");
    }
    // 储瑞松 matches `crs` by name: its row shows its own cells.
    key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    key(&mut a, KeyCode::Char('/'), KeyModifiers::NONE);
    typ(&mut a, "crs");
    a.settle();
    let screen = format!("{}", draw(&a).backend());
    let chu = screen.lines().find(|r| r.contains("储瑞松")).unwrap();
    assert!(chu.contains("AWS大中华区负责人"), "{chu}");
}

/// One word per thing: the Trends tab lists series, and the palette, the status line and the
/// help call a series record a "series", never a "trend".
#[test]
fn a_series_is_called_a_series() {
    let mut a = app();
    key(&mut a, KeyCode::Char('k'), KeyModifiers::CONTROL);
    typ(&mut a, "kind:series 阿里云营收");
    a.settle();
    let screen = format!("{}", draw(&a).backend());
    let row = screen
        .lines()
        .find(|l| l.contains("阿里云营收") && !l.contains("kind:"))
        .unwrap_or_else(|| panic!("a result row:\n{screen}"));
    assert!(row.contains("series") && !row.contains("trend"), "{row}");
    key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(a.tab, Tab::Trends);
    assert!(a.status.starts_with("series "), "{}", a.status);
    key(&mut a, KeyCode::Char('?'), KeyModifiers::NONE);
    let help = format!("{}", draw(&a).backend());
    assert!(!help.contains("trend…") && help.contains("series…"), "{help}");
}

/// `3`, `/qqqxj`: the empty table says why across its width, not cut to its first column
/// (it read `(no rec` at 80×24).
#[test]
fn an_empty_filtered_table_says_why_in_full() {
    let mut a = App::new(marketlens::kb::load_builtin().kb, "built-in".into(), 80, 24);
    key(&mut a, KeyCode::Char('3'), KeyModifiers::NONE);
    key(&mut a, KeyCode::Char('/'), KeyModifiers::NONE);
    typ(&mut a, "qqqxj");
    a.settle();
    let screen = format!("{}", draw(&a).backend());
    assert!(
        screen.contains("(no records match the filter; Esc clears it)"),
        "{screen}"
    );
}

/// The built-in KB has deals in yuan and in dollars and no exchange rate: an amount filter leaves
/// the dollar deals out and says so while typing and after, and the Amount sort says how it
/// ordered the two currencies.
#[test]
fn amounts_in_another_currency_with_no_rate_are_left_out_and_the_status_line_says_so() {
    let mut a = app();
    key(&mut a, KeyCode::Char('3'), KeyModifiers::NONE);
    key(&mut a, KeyCode::Char('/'), KeyModifiers::NONE);
    typ(&mut a, "amount>=10亿");
    a.settle();
    let note = "5 deals in USD left out of amount>=10亿元";
    assert_eq!(a.current().filter.notes.len(), 1);
    assert!(
        a.current().filter.notes[0].starts_with(note),
        "{:?}",
        a.current().filter.notes
    );
    let screen = format!("{}", draw(&a).backend());
    let (shown, total) = (a.current().view.len(), a.current().view.total);
    assert!(shown >= 1 && shown < total);
    assert!(
        screen.contains(&format!("{shown} of {total} · ⚠ {note}")),
        "{screen}"
    );
    key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    let screen = format!("{}", draw(&a).backend());
    assert!(screen.contains(&format!("/amount>=10亿 · ⚠ {note}")), "{screen}");
    // Esc drops the filter and its note.
    key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    assert!(a.current().filter.notes.is_empty());
    assert!(!format!("{}", draw(&a).backend()).contains("left out"));
    // Date → vendor → counterparty → kind → amount.
    for _ in 0..4 {
        key(&mut a, KeyCode::Char('s'), KeyModifiers::NONE);
    }
    assert_eq!(
        a.current().view.sort.as_ref().map(|s| s.key.as_ref()),
        Some("amount")
    );
    let screen = format!("{}", draw(&a).backend());
    assert!(
        screen.contains("amounts in USD; then, with no rate to USD, 1 amount in CNY"),
        "{screen}"
    );
    // The palette says it under its query line.
    key(&mut a, KeyCode::Char('k'), KeyModifiers::CONTROL);
    typ(&mut a, "amount>=10亿");
    a.settle();
    let screen = format!("{}", draw(&a).backend());
    assert!(screen.contains(&format!("1 match · ⚠ {note}")), "{screen}");
}
