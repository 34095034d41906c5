//! `App` driven by messages, as the event loop drives it.

use super::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

fn app() -> App {
    App::new(crate::kb::load_builtin().kb, "built-in".into(), 120, 40)
}

fn key(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

#[test]
fn tabs_switch_by_number_and_tab_key() {
    let mut a = app();
    key(&mut a, KeyCode::Char('3'));
    assert_eq!(a.tab, Tab::Deals);
    key(&mut a, KeyCode::Tab);
    assert_eq!(a.tab, Tab::Trends);
    key(&mut a, KeyCode::BackTab);
    key(&mut a, KeyCode::BackTab);
    assert_eq!(a.tab, Tab::Executives);
}

#[test]
fn selection_stays_in_bounds() {
    let mut a = app();
    key(&mut a, KeyCode::Char('k'));
    assert_eq!(a.current().selected, 0);
    key(&mut a, KeyCode::Char('G'));
    assert_eq!(a.current().selected, a.current().view.len() - 1);
    key(&mut a, KeyCode::Char('j'));
    assert_eq!(a.current().selected, a.current().view.len() - 1);
    key(&mut a, KeyCode::Char('g'));
    assert_eq!(a.current().selected, 0);
}

fn ctrl(app: &mut App, c: char) {
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)));
}

fn type_str(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// Ctrl-k alyys Enter, 1, Ctrl-k crs Enter, then Backspace twice: each Backspace goes somewhere.
#[test]
fn two_jumps_from_one_place_leave_one_history_entry() {
    let mut a = app();
    for (tab, query) in [(None, "alyys"), (Some('1'), "crs")] {
        if let Some(t) = tab {
            key(&mut a, KeyCode::Char(t));
        }
        ctrl(&mut a, 'k');
        type_str(&mut a, query);
        a.settle();
        key(&mut a, KeyCode::Enter);
    }
    assert_eq!(
        a.location().id.as_deref(),
        Some("chu-ruisong"),
        "{:?}",
        a.location()
    );
    let consecutive = a.back.windows(2).filter(|w| w[0] == w[1]).count();
    assert_eq!(consecutive, 0, "no duplicate consecutive entries: {:?}", a.back);
    let mut seen = vec![a.location()];
    while !a.back.is_empty() {
        key(&mut a, KeyCode::Backspace);
        assert_ne!(Some(&a.location()), seen.last(), "Backspace moved: {seen:?}");
        seen.push(a.location());
    }
}

/// The `/` filter gives the same rows whether the query is pasted (one search at the end) or
/// typed slowly (a search after every character, each narrowing from the one before).
#[test]
fn typed_and_pasted_filters_agree() {
    for query in [
        r#"amount>=10亿 vendor:"aws"#,
        "amount>=10亿 vendor:",
        "vendor:aws amount>=10亿",
        "year:2025 aws",
        "kind:migration !tencent",
    ] {
        let mut pasted = app();
        key(&mut pasted, KeyCode::Char('3'));
        key(&mut pasted, KeyCode::Char('/'));
        type_str(&mut pasted, query);
        // The worker skips to the newest request: a paste is one search.
        let newest = pasted.effects.pop().expect("a search");
        pasted.effects = vec![newest];
        pasted.settle();
        let mut typed = app();
        key(&mut typed, KeyCode::Char('3'));
        key(&mut typed, KeyCode::Char('/'));
        for c in query.chars() {
            key(&mut typed, KeyCode::Char(c));
            typed.settle();
        }
        let ids = |a: &App| {
            let v = &a.current().view;
            (0..v.len())
                .map(|i| v.get(i).map(|r| r.id.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&typed), ids(&pasted), "{query}: typed vs pasted");
        assert_eq!(
            typed.current().filter.error.as_ref().map(|e| e.to_string()),
            pasted.current().filter.error.as_ref().map(|e| e.to_string()),
            "{query}"
        );
    }
}

/// `3`, `/qqqxj`, Enter, Enter: with no row, Enter says there is nothing selected, not that
/// "this record" has no relations.
#[test]
fn enter_with_no_row_says_nothing_is_selected() {
    let mut a = app();
    key(&mut a, KeyCode::Char('3'));
    key(&mut a, KeyCode::Char('/'));
    type_str(&mut a, "qqqxj");
    a.settle();
    key(&mut a, KeyCode::Enter);
    assert!(a.current().view.is_empty(), "nothing matches qqqxj");
    key(&mut a, KeyCode::Enter);
    assert!(
        a.status.contains("nothing selected")
            && a.status.contains("filter")
            && !a.status.contains("this record"),
        "{}",
        a.status
    );
}

#[test]
fn jump_to_an_executive_and_back_and_forward() {
    let mut a = app();
    let aws = a.current().view.position("aws").unwrap();
    a.current_mut().selected = aws;
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.focus, Focus::Detail);
    let links = a
        .detail()
        .unwrap()
        .links()
        .into_iter()
        .cloned()
        .collect::<Vec<_>>();
    let chu = links.iter().position(|t| t.id == "chu-ruisong").unwrap();
    for _ in 0..chu {
        key(&mut a, KeyCode::Char('j'));
    }
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.tab, Tab::Executives);
    assert_eq!(a.current().selected_id(), Some("chu-ruisong"));
    key(&mut a, KeyCode::Backspace);
    assert_eq!((a.tab, a.current().selected_id()), (Tab::Vendors, Some("aws")));
    a.update(Msg::Key(KeyEvent::new(KeyCode::Right, KeyModifiers::ALT)));
    assert_eq!(
        (a.tab, a.current().selected_id()),
        (Tab::Executives, Some("chu-ruisong"))
    );
    key(&mut a, KeyCode::Backspace);
    key(&mut a, KeyCode::Backspace);
    assert_eq!(a.status, "no earlier place in history");
}

#[test]
fn sorting_keeps_the_selected_record() {
    let mut a = app();
    key(&mut a, KeyCode::Char('3'));
    key(&mut a, KeyCode::Char('j'));
    key(&mut a, KeyCode::Char('j'));
    let id = a.current().selected_id().unwrap().to_string();
    key(&mut a, KeyCode::Char('s'));
    key(&mut a, KeyCode::Char('S'));
    assert_eq!(a.current().selected_id(), Some(id.as_str()));
    assert!(a.status.starts_with("sorted by"), "{}", a.status);
}

#[test]
fn help_never_hides_keys_when_the_terminal_is_too_small() {
    let mut a = App::new(crate::kb::load_builtin().kb, "built-in".into(), 30, 8);
    key(&mut a, KeyCode::Char('?'));
    assert!(!a.help);
    key(&mut a, KeyCode::Char('q'));
    assert!(a.quit);
    let mut a = app();
    key(&mut a, KeyCode::Char('?'));
    a.update(Msg::Resize(30, 8));
    key(&mut a, KeyCode::Char('q'));
    assert!(a.quit, "q quits even though help was open before the shrink");
}

#[test]
fn help_overlay_opens_and_closes() {
    let mut a = app();
    key(&mut a, KeyCode::Char('?'));
    assert!(a.help);
    key(&mut a, KeyCode::Char('j'));
    assert!(
        a.help && a.current().selected == 0,
        "keys do not leak through the overlay"
    );
    key(&mut a, KeyCode::Esc);
    assert!(!a.help && !a.quit);
}

/// What is for the terminal comes out of `update` as effects, in order, a suspend once however
/// many Ctrl-z a burst holds; `settle` hands them back since it has no terminal.
#[test]
fn terminal_effects_come_out_in_order_and_once() {
    let mut a = app();
    // `C v`: the view as text.
    key(&mut a, KeyCode::Char('C'));
    key(&mut a, KeyCode::Char('v'));
    ctrl(&mut a, 'z');
    ctrl(&mut a, 'z');
    a.update(Msg::Suspend);
    a.update(Msg::Continued);
    let done = a.settle();
    let names: Vec<String> = done
        .iter()
        .map(|e| format!("{e:?}").split('(').next().unwrap().to_string())
        .collect();
    assert_eq!(names, ["Clipboard", "Suspend", "Resume"], "{done:?}");
    assert!(matches!(&done[0], Effect::Clipboard(t) if t.contains("Vendors")));
    assert!(a.effects().is_empty() && a.settle().is_empty());
}

/// The ids of the current tab's marked rows, in the order marked.
fn marked(a: &App) -> Vec<String> {
    a.current().marks.keys().map(str::to_owned).collect()
}

#[test]
fn space_marks_and_unmarks_rows_and_moves_down() {
    let mut a = app();
    let first = a.current().selected_id().unwrap().to_string();
    key(&mut a, KeyCode::Char(' '));
    assert_eq!(a.current().selected, 1, "space goes to the next row");
    let second = a.current().selected_id().unwrap().to_string();
    key(&mut a, KeyCode::Char(' '));
    assert_eq!(marked(&a), [first.clone(), second.clone()]);
    assert!(a.status.starts_with("2 marked"), "{}", a.status);
    // Back on the first row: space unmarks it.
    key(&mut a, KeyCode::Char('g'));
    key(&mut a, KeyCode::Char(' '));
    assert_eq!(marked(&a), [second.as_str()]);
    // Marks are per tab.
    key(&mut a, KeyCode::Char('3'));
    assert!(a.current().marks.is_empty());
    key(&mut a, KeyCode::Char(' '));
    assert_eq!(a.current().marks.len(), 1);
    key(&mut a, KeyCode::Char('1'));
    assert_eq!(marked(&a), [second]);
    // `M` clears this tab's only.
    key(&mut a, KeyCode::Char('M'));
    assert!(a.current().marks.is_empty());
    assert_eq!(a.status, "cleared 1 mark");
    assert_eq!(a.tabs[Tab::Deals.index()].marks.len(), 1);
}

#[test]
fn marks_survive_sorting_and_filtering() {
    let mut a = app();
    key(&mut a, KeyCode::Char('4'));
    key(&mut a, KeyCode::Char('j'));
    key(&mut a, KeyCode::Char(' '));
    key(&mut a, KeyCode::Char(' '));
    let before = marked(&a);
    let shown_marked = |a: &App| -> Vec<String> {
        let st = a.current();
        st.view
            .shown()
            .filter(|r| st.marks.marks_row(&st.view, r))
            .map(|r| r.id.clone())
            .collect()
    };
    key(&mut a, KeyCode::Char('s'));
    key(&mut a, KeyCode::Char('S'));
    assert_eq!(marked(&a), before, "a sort keeps the marks");
    let mut after_sort = shown_marked(&a);
    after_sort.sort();
    let mut expect = before.clone();
    expect.sort();
    assert_eq!(
        after_sort, expect,
        "the marked rows are the same records after the sort"
    );
    // A filter that leaves one of them out: still marked, and shown again when cleared.
    key(&mut a, KeyCode::Char('/'));
    type_str(&mut a, &before[0]);
    a.settle();
    key(&mut a, KeyCode::Enter);
    assert!(a.current().view.len() < a.current().view.total);
    assert_eq!(marked(&a), before, "filtering keeps the marks");
    key(&mut a, KeyCode::Esc);
    a.settle();
    assert_eq!(shown_marked(&a).len(), 2);
}

#[test]
fn c_charts_the_marked_series_in_mark_order_and_c_or_esc_returns() {
    let mut a = app();
    key(&mut a, KeyCode::Char('4'));
    let selected = vec![a.current().selected_id().unwrap().to_string()];
    key(&mut a, KeyCode::Char('c'));
    assert_eq!(a.status, "mark series with Space first");
    assert_eq!(a.chart_ids(), selected);
    // Mark the third series, then the first: the chart takes them in that order.
    key(&mut a, KeyCode::Char('j'));
    key(&mut a, KeyCode::Char('j'));
    key(&mut a, KeyCode::Char(' '));
    key(&mut a, KeyCode::Char('g'));
    key(&mut a, KeyCode::Char(' '));
    let marks = marked(&a);
    assert_eq!(a.chart_ids(), [a.current().selected_id().unwrap().to_string()]);
    key(&mut a, KeyCode::Char('c'));
    assert_eq!(a.chart_ids(), marks);
    assert!(a.status.starts_with("charting 2 marked series: "), "{}", a.status);
    for id in &marks {
        let name = &a.kb.series_by_id(id).unwrap().name;
        assert!(a.status.contains(name.as_str()), "{name} in {}", a.status);
    }
    // Moving does not change what is charted.
    key(&mut a, KeyCode::Char('j'));
    assert_eq!(a.chart_ids(), marks);
    key(&mut a, KeyCode::Char('c'));
    assert_eq!(a.chart_ids(), [a.current().selected_id().unwrap().to_string()]);
    key(&mut a, KeyCode::Char('c'));
    assert_eq!(a.chart_ids(), marks);
    // Esc returns to the selected series first, and clears a filter only after.
    key(&mut a, KeyCode::Esc);
    assert!(!a.charting_marks());
    assert_eq!(a.chart_ids().len(), 1);
    // Unmarking every series stops charting them.
    key(&mut a, KeyCode::Char('c'));
    key(&mut a, KeyCode::Char('M'));
    assert!(!a.charting_marks());
    key(&mut a, KeyCode::Char(' '));
    assert!(!a.charting_marks(), "a new mark is not charted until c");
    // Elsewhere, `c` says where it works.
    key(&mut a, KeyCode::Char('1'));
    key(&mut a, KeyCode::Char('c'));
    assert!(a.status.contains("Trends"), "{}", a.status);
}

/// `Tab` in the export prompt writes the tab's marked rows only (in the view's order), under a
/// name that says so; again, the whole view. With no marks it says how to make one.
#[test]
fn tab_in_the_export_prompt_writes_the_marked_rows_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app();
    a.export_dir = dir.path().to_path_buf();
    a.clock = || clock::Stamp {
        date: "2025-11-22 15:30".into(),
        file: "20251122-1530".into(),
    };
    key(&mut a, KeyCode::Char('3'));
    key(&mut a, KeyCode::Char('e'));
    key(&mut a, KeyCode::Tab);
    assert!(a.status.starts_with("no marked rows in this tab"), "{}", a.status);
    assert!(matches!(&a.input, Some(Input::Export(p)) if p.what == ExportWhat::View));
    key(&mut a, KeyCode::Esc);
    // Mark the second and the fourth deal (space goes down a row).
    key(&mut a, KeyCode::Char('j'));
    key(&mut a, KeyCode::Char(' '));
    key(&mut a, KeyCode::Char('j'));
    key(&mut a, KeyCode::Char(' '));
    let st = a.current();
    let want: Vec<String> = [1, 3]
        .iter()
        .map(|&i| st.view.get(i).unwrap().id.clone())
        .collect();
    key(&mut a, KeyCode::Char('e'));
    let name = |a: &App| match &a.input {
        Some(Input::Export(p)) => (p.edit.text.clone(), p.what.clone()),
        _ => panic!("no export prompt"),
    };
    let (all, _) = name(&a);
    key(&mut a, KeyCode::Tab);
    let (marked, what) = name(&a);
    assert_eq!(what, ExportWhat::Marked);
    assert_eq!(marked, "marketlens-deals-marked-20251122-1530.md");
    key(&mut a, KeyCode::Tab);
    assert_eq!(name(&a), (all, ExportWhat::View), "Tab again: the whole view");
    key(&mut a, KeyCode::Tab);
    ctrl(&mut a, 'u');
    type_str(&mut a, "m.csv");
    key(&mut a, KeyCode::Enter);
    assert!(a.input.is_none(), "{}", a.status);
    assert!(a.status.starts_with("exported 2 marked rows to "), "{}", a.status);
    let mut r = csv::Reader::from_path(dir.path().join("m.csv")).unwrap();
    let id = r.headers().unwrap().iter().position(|h| h == "ID").unwrap();
    let ids: Vec<String> = r.records().map(|rec| rec.unwrap()[id].to_string()).collect();
    assert_eq!(ids, want, "the marked rows, in the view's order");
}

/// The builds asked for, taken from the effects (the rest are left).
fn builds(a: &mut App) -> Vec<BuildJob> {
    let (builds, rest): (Vec<Effect>, Vec<Effect>) = a
        .take_effects()
        .into_iter()
        .partition(|e| matches!(e, Effect::Build(_)));
    a.effects = rest;
    builds
        .into_iter()
        .filter_map(|e| match e {
            Effect::Build(j) => Some(*j),
            _ => None,
        })
        .collect()
}

/// Compare's and Timeline's rows are built off the UI thread (`Effect::Build` → `Msg::Built`):
/// the rows on screen stay until the awaited build comes; one not yet started when a newer one
/// is asked for is not started, and an answer overtaken by a newer one is dropped.
#[test]
fn an_analysis_build_overtaken_by_a_newer_one_is_dropped() {
    let mut a = app();
    key(&mut a, KeyCode::Char('6'));
    a.settle();
    assert!(a.current().view.column("period").is_none(), "by periods");
    let shown = a.current().view.rows.len();
    // `p` twice before anything runs: one build, the newest, by periods again.
    key(&mut a, KeyCode::Char('p'));
    key(&mut a, KeyCode::Char('p'));
    let queued = builds(&mut a);
    assert_eq!(queued.len(), 1, "{queued:?}");
    // `p` (by reports), taken; `p` again (by periods), taken: two builds in flight.
    key(&mut a, KeyCode::Char('p'));
    let reports = builds(&mut a).pop().expect("a build by reports");
    assert!(a.building(Tab::Compare));
    assert!(
        a.current().view.column("period").is_none() && a.current().view.rows.len() == shown,
        "the old rows stay while the new ones are built"
    );
    key(&mut a, KeyCode::Char('p'));
    let periods = builds(&mut a).pop().expect("a build by periods");
    assert_ne!(reports.id, periods.id);
    // The newer answer is shown; the older one, arriving late, is dropped.
    assert!(a.update(periods.run(&a.kb)));
    assert!(!a.building(Tab::Compare));
    assert!(!a.update(reports.run(&a.kb)), "a stale build is dropped");
    assert!(a.current().view.column("period").is_none(), "still by periods");
    // And one that is awaited is shown: by reports, the series selected kept.
    key(&mut a, KeyCode::Char('j'));
    let id = a.current().selected_id().map(str::to_string);
    key(&mut a, KeyCode::Char('p'));
    a.settle();
    assert!(a.current().view.column("period").is_some(), "by reports");
    assert_eq!(a.current().selected_id().map(str::to_string), id);
}

/// A filter's answer on the Timeline asks for a build; clearing the filter asks for every
/// event again, and the selection from before the filter comes back with the rows.
#[test]
fn the_timeline_filters_through_a_build_and_restores_the_selection() {
    let mut a = app();
    key(&mut a, KeyCode::Char('7'));
    a.settle();
    let all = a.current().view.len();
    key(&mut a, KeyCode::Char('j'));
    key(&mut a, KeyCode::Char('j'));
    let before = a.current().selected_id().map(str::to_string);
    key(&mut a, KeyCode::Char('/'));
    type_str(&mut a, "kind:move");
    a.settle();
    let moves = a.current().view.len();
    assert!(moves > 0 && moves < all, "{moves} of {all}");
    assert!(
        a.current()
            .view
            .shown()
            .all(|r| r.kind == crate::kb::Kind::Executive)
    );
    key(&mut a, KeyCode::Esc);
    let queued = builds(&mut a);
    assert_eq!(queued.len(), 1);
    assert_eq!(
        a.current().view.len(),
        moves,
        "the filtered rows stay until built"
    );
    for j in queued {
        assert!(a.update(j.run(&a.kb)));
    }
    assert_eq!(a.current().view.len(), all);
    assert_eq!(a.current().selected_id().map(str::to_string), before);
}

/// `F` on an analysis tab hands the grouping job the rows on screen (shared, not copied): the
/// table is the one the rows built again for the tab (its records, pivot, sort) give, on a
/// synthetic KB with every kind of event, for each pivot and a key column of each kind.
#[test]
fn grouping_the_rows_on_screen_agrees_with_grouping_them_built_again() {
    let kb = Arc::new(crate::synth::kb(2000, 42));
    let app = App::new((*kb).clone(), "synth".into(), 120, 40);
    for (tab, keys) in [
        (Tab::Timeline, &["event", "to", "quarter"][..]),
        (Tab::Compare, &["measures", "subject"][..]),
    ] {
        for pivot in [view::analysis::Pivot::Periods, view::analysis::Pivot::Reports] {
            let mut st = app.tabs[tab.index()].clone();
            if pivot != st.pivot {
                st.pivot = pivot;
                st.sort = None;
                let built = st.spec(None).build(&kb);
                st.put(built);
            }
            assert!(st.view.len() > 50, "{tab:?} {pivot:?}: {} rows", st.view.len());
            for k in keys {
                let by = vec![st.view.column(k).unwrap()];
                let job = |view, build| GroupJob {
                    id: 1,
                    tab,
                    by: by.clone(),
                    rows: Vec::new(),
                    view,
                    build,
                };
                let table = |m: Msg| match m {
                    Msg::Grouped { table, .. } => table,
                    _ => panic!("not a grouping"),
                };
                let shared = table(job(Some(Arc::new(st.view.clone())), None).run(&kb));
                let again = table(job(None, Some(Box::new(st.spec(st.records.clone())))).run(&kb));
                assert!(shared.0.groups.len() > 1, "{tab:?} by {k}");
                assert_eq!(shared, again, "{tab:?} {pivot:?} by {k}");
            }
        }
    }
}

/// The Deals tab's column keys as shown, in order.
fn shown_keys(a: &App) -> Vec<String> {
    a.visible_columns()
        .into_iter()
        .map(|i| a.current().view.columns[i].key.to_string())
        .collect()
}

/// `]` `]` puts the cursor on the third column; `x` hides it and the cursor takes the next;
/// `}` moves a column; `X` brings the hidden one back; `s` sorts by the cursor's column.
#[test]
fn the_column_cursor_hides_moves_and_sorts_its_column() {
    let mut a = app();
    key(&mut a, KeyCode::Char('3'));
    assert_eq!(a.column_ui().cursor, None, "no cursor until moved");
    // Before the cursor moved, `s` sorts by the next column as it always did (Deals are sorted
    // by date to begin with).
    key(&mut a, KeyCode::Char('s'));
    assert_eq!(a.current().view.sort.as_ref().unwrap().key, "vendor");
    key(&mut a, KeyCode::Char(']'));
    key(&mut a, KeyCode::Char(']'));
    assert_eq!(a.column_ui().cursor.as_deref(), Some("counterparty"));
    key(&mut a, KeyCode::Char('x'));
    assert_eq!(shown_keys(&a), ["date", "vendor", "kind", "amount", "title"]);
    assert_eq!(a.column_ui().cursor.as_deref(), Some("kind"));
    assert!(a.status.contains("Counterparty hidden"), "{}", a.status);
    key(&mut a, KeyCode::Char('{'));
    assert_eq!(shown_keys(&a), ["date", "kind", "vendor", "amount", "title"]);
    key(&mut a, KeyCode::Char('s'));
    let s = a.current().view.sort.clone().unwrap();
    assert_eq!((s.key.as_ref(), s.descending), ("kind", false));
    // Again: the other way.
    key(&mut a, KeyCode::Char('s'));
    assert!(a.current().view.sort.as_ref().unwrap().descending);
    key(&mut a, KeyCode::Char('X'));
    assert!(a.status.contains("Counterparty"), "{}", a.status);
    // The hidden column kept its slot while `kind` and `vendor` swapped around it.
    assert_eq!(
        shown_keys(&a),
        ["date", "kind", "counterparty", "vendor", "amount", "title"]
    );
    // The cursor stops at the ends; hiding every column leaves the last one.
    for _ in 0..10 {
        key(&mut a, KeyCode::Char('x'));
    }
    assert_eq!(shown_keys(&a).len(), 1);
    assert!(a.status.contains("last column"), "{}", a.status);
    // The other tabs keep their own layout.
    key(&mut a, KeyCode::Char('1'));
    assert_eq!(a.visible_columns().len(), a.current().view.columns.len());
}

/// `<` and `>` change the cursor's column by one wide character, never below the minimum, and
/// the table still draws (and a click finds its headers) at any width.
#[test]
fn resizing_a_column_stays_within_limits_at_any_size() {
    let mut a = app();
    key(&mut a, KeyCode::Char('3'));
    for _ in 0..5 {
        key(&mut a, KeyCode::Char(']'));
    }
    assert_eq!(a.column_ui().cursor.as_deref(), Some("title"));
    for _ in 0..40 {
        key(&mut a, KeyCode::Char('<'));
    }
    assert_eq!(
        a.column_ui().layout.width("title"),
        Some(crate::view::layout::MIN_WIDTH)
    );
    for _ in 0..150 {
        key(&mut a, KeyCode::Char('>'));
    }
    assert_eq!(
        a.column_ui().layout.width("title"),
        Some(crate::view::layout::MAX_WIDTH)
    );
    for (w, h) in [(120, 40), (80, 24), (60, 16), (20, 5), (1, 1)] {
        a.update(Msg::Resize(w, h));
        let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
        t.draw(|f| crate::tui::ui::render(&a, f)).unwrap();
        if let Some(areas) = a.areas() {
            let p = a.placed(areas.table);
            // The cursor's column is always on screen, however wide it was made.
            assert!(
                p.columns
                    .iter()
                    .any(|(c, _)| a.current().view.columns[*c].key == "title")
            );
        }
    }
}

/// A click on a header sorts by its column (a second click: the other way) and moves the
/// cursor there.
#[test]
fn a_click_on_a_header_sorts_by_its_column() {
    use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut a = app();
    key(&mut a, KeyCode::Char('3'));
    let areas = a.areas().unwrap();
    let p = a.placed(areas.table);
    let kind = a
        .current()
        .view
        .columns
        .iter()
        .position(|c| c.key == "kind")
        .unwrap();
    let mut x = p.x;
    for &(c, w) in &p.columns {
        if c == kind {
            break;
        }
        x += w as u16 + 1;
    }
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: x + 1,
        row: areas.table.y + 1,
        modifiers: KeyModifiers::NONE,
    };
    assert!(a.update(Msg::Mouse(click)));
    let s = a.current().view.sort.clone().unwrap();
    assert_eq!((s.key.as_ref(), s.descending), ("kind", false));
    assert_eq!(a.column_ui().cursor.as_deref(), Some("kind"));
    a.update(Msg::Mouse(click));
    assert!(a.current().view.sort.as_ref().unwrap().descending);
}

/// `y` copies the cursor's cell, `Y` the row's shown cells tab-separated, `C c` a citation, `C i`
/// the id; each says what it copied.
#[test]
fn copies_the_cell_the_row_and_from_the_menu() {
    let mut a = app();
    key(&mut a, KeyCode::Char('3'));
    let id = a.current().selected_id().unwrap().to_string();
    let row = a.current().view.get(0).unwrap().clone();
    key(&mut a, KeyCode::Char(']'));
    key(&mut a, KeyCode::Char('y'));
    key(&mut a, KeyCode::Char('x')); // vendor hidden: the row leaves it out
    key(&mut a, KeyCode::Char('Y'));
    key(&mut a, KeyCode::Char('C'));
    assert_eq!(a.context(), keymap::Context::Copy);
    key(&mut a, KeyCode::Char('i'));
    assert!(a.status.starts_with("copied the deal id: "), "{}", a.status);
    key(&mut a, KeyCode::Char('C'));
    key(&mut a, KeyCode::Char('c'));
    assert!(a.status.starts_with("copied a citation: "), "{}", a.status);
    let done = a.settle();
    let clips: Vec<&String> = done
        .iter()
        .filter_map(|e| match e {
            Effect::Clipboard(t) => Some(t),
            _ => None,
        })
        .collect();
    assert_eq!(clips.len(), 4, "{done:?}");
    assert_eq!(clips[0], &row.cells[1].text, "the vendor cell");
    let expected: Vec<&str> = [0, 2, 3, 4, 5]
        .iter()
        .map(|&i| row.cells[i].text.as_str())
        .collect();
    assert_eq!(clips[1], &expected.join("\t"));
    assert_eq!(clips[2], &id);
    let cite = crate::view::cite::citation(&a.kb, &a.selected_target().unwrap()).unwrap();
    assert_eq!(clips[3], &cite);
    // Esc closes the menu and copies nothing.
    key(&mut a, KeyCode::Char('C'));
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.context(), keymap::Context::Table);
    assert!(a.settle().is_empty());
}

/// `z` opens the cell's full text; it scrolls no further than its last line; Esc closes it.
#[test]
fn z_shows_the_full_cell_and_esc_closes_it() {
    let mut a = app();
    key(&mut a, KeyCode::Char('3'));
    for _ in 0..5 {
        key(&mut a, KeyCode::Char(']'));
    }
    key(&mut a, KeyCode::Char('z'));
    let p = a.cell.clone().expect("the popup");
    assert_eq!(p.text, a.current().view.get(0).unwrap().cells[5].text);
    assert!(p.title.starts_with("Title · "), "{}", p.title);
    for _ in 0..20 {
        key(&mut a, KeyCode::Char('j'));
    }
    assert_eq!(a.cell.as_ref().unwrap().scroll, 0, "one line: nothing to scroll");
    key(&mut a, KeyCode::Esc);
    assert!(a.cell.is_none());
    assert_eq!(a.current().filter.text, "", "Esc only closed the popup");
}

/// The view's text export follows the layout: a hidden column is left out, a moved one comes
/// where it was put.
#[test]
fn exports_of_the_view_follow_the_column_layout() {
    let mut a = app();
    key(&mut a, KeyCode::Char('3'));
    key(&mut a, KeyCode::Char(']'));
    key(&mut a, KeyCode::Char(']'));
    key(&mut a, KeyCode::Char('x')); // Counterparty hidden, the cursor on Kind
    key(&mut a, KeyCode::Char('{')); // Kind before Vendor
    let (md, _) = a
        .export_text(&ExportWhat::View, crate::export::Format::Md)
        .unwrap();
    let header = md.lines().find(|l| l.starts_with("| Date")).expect(&md);
    assert!(!header.contains("Counterparty"), "{header}");
    assert!(
        header.find("Kind").unwrap() < header.find("Vendor").unwrap(),
        "{header}"
    );
    let (csv, _) = a
        .export_text(&ExportWhat::View, crate::export::Format::Csv)
        .unwrap();
    let first = csv.lines().next().unwrap();
    assert!(first.starts_with("Date,Kind,Vendor,Amount,Title,"), "{first}");
    // The first data row's cells moved with their headers.
    let row = a.current().view.get(0).unwrap();
    let kind = &row.cells[3].text;
    let second = csv.lines().nth(1).unwrap();
    assert!(
        second.split(',').nth(1) == Some(kind.as_str()),
        "{second} / {kind}"
    );
}
