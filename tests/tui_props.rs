//! Property tests of the explorer: any key sequence at any terminal size, including resizes, never
//! panics, and leaves the state consistent (selection in bounds, history pointing at real records);
//! and any valid KB (generated, of any size) renders at any size. Searches typed into the filter
//! or the palette are run in place (`App::settle`), so their answers are part of the sequence.

use marketlens::tui::app::{App, Focus, Msg};
use marketlens::tui::ui;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

fn msg() -> impl Strategy<Value = Msg> {
    let code = prop_oneof![
        // Not `e`/`E`: the export prompt's Enter would write files into the working directory.
        prop::sample::select(vec![
            'j', 'k', 'g', 'G', 's', 'S', 'F', 'h', 'l', '?', '1', '2', '3', '4', '5', 'x', '/', ':', 'n',
            'a', '云', '❤', '\u{301}', ' ', '\'', '!', 'q',
            // The column cursor, its columns, the cell popup and copying.
            '[', ']', '{', '}', '<', '>', 'X', 'z', 'y', 'Y', 'C', 'i', 'm', 'c', 'v', 'O', 'N'
        ])
        .prop_map(KeyCode::Char),
        prop::sample::select(vec![
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Backspace,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::Home,
            KeyCode::End,
        ]),
    ];
    let mods = prop::sample::select(vec![
        KeyModifiers::NONE,
        KeyModifiers::NONE,
        KeyModifiers::ALT,
        KeyModifiers::CONTROL,
    ]);
    prop_oneof![
        8 => (code, mods).prop_map(|(c, m)| Msg::Key(KeyEvent::new(c, m))),
        1 => (1u16..200, 1u16..80).prop_map(|(w, h)| Msg::Resize(w, h)),
        1 => (0u16..200, 0u16..80, prop::sample::select(vec![
                MouseEventKind::Down(MouseButton::Left), MouseEventKind::ScrollDown, MouseEventKind::ScrollUp]))
            .prop_map(|(x, y, kind)| Msg::Mouse(MouseEvent { kind, column: x, row: y, modifiers: KeyModifiers::NONE })),
    ]
}

fn check_invariants(a: &App) {
    for st in &a.tabs {
        assert!(st.view.rows.is_empty() || st.selected < st.view.rows.len());
        assert!(st.offset <= st.selected || st.view.rows.is_empty());
        // A grouped table (`F`) keeps its selection on a group, on screen.
        if let Some(g) = &st.grouped
            && let Some(t) = &g.table
        {
            assert!(t.0.groups.is_empty() || g.selected < t.0.groups.len());
            assert!(g.offset <= g.selected || t.0.groups.is_empty());
        }
    }
    // History may name a record that a filter hides now (going there clears the filter), but
    // never one the tab does not have.
    for loc in a.back.iter().chain(a.forward.iter()) {
        if let Some(id) = &loc.id {
            assert!(
                a.tabs[loc.tab.index()].view.rows.iter().any(|r| r.id == *id),
                "history names a missing record {id}"
            );
        }
    }
    // The reader (`O`) is scrolled within its rows at the width it was laid out for.
    if let Some(r) = &a.reader {
        assert!(r.current.is_none_or(|c| c < r.reader.passages.len()));
        assert!(r.scroll <= r.laid.rows.len());
    }
    if a.focus == Focus::Detail {
        // The cursor rests on relations, points and career moves (`Detail::stops`).
        let n = a.detail().map_or(0, |d| d.stops().len());
        assert!(a.current().link < n.max(1));
    }
}

/// Apply `msgs` one by one (running any search they start), checking the invariants and drawing
/// after each.
fn drive(mut a: App, w: u16, h: u16, msgs: Vec<Msg>) {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::render(&a, f)).unwrap();
    for m in msgs {
        if let Msg::Resize(w, h) = m {
            t.backend_mut().resize(w, h);
        }
        a.update(m);
        a.settle();
        check_invariants(&a);
        t.draw(|f| ui::render(&a, f)).unwrap();
        if a.quit {
            break;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_input_at_random_sizes_never_panics(w in 1u16..200, h in 1u16..70, msgs in prop::collection::vec(msg(), 0..60)) {
        let l = marketlens::kb::load_builtin();
        drive(App::new(l.kb, l.label, w, h), w, h, msgs);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Any valid KB (a generated one: empty tabs, one record, hundreds) renders at any size.
    #[test]
    fn any_valid_kb_renders_at_any_size(
        records in prop_oneof![0usize..4, 4usize..300],
        seed in any::<u64>(),
        w in 1u16..200,
        h in 1u16..70,
        msgs in prop::collection::vec(msg(), 0..30),
    ) {
        let kb = marketlens::synth::kb(records, seed);
        drive(App::new(kb, "synth".into(), w, h), w, h, msgs);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// A KB with an archived article: quotes in context in the detail, and the reader `O` opens,
    /// scrolled and resized, at any size (down to 1×1).
    #[test]
    fn the_article_reader_at_any_size(
        w in 1u16..200,
        h in 1u16..70,
        msgs in prop::collection::vec(msg(), 0..40),
    ) {
        let l = marketlens::kb::load_path(std::path::Path::new("tests/fixtures/good/archived_reader"));
        assert!(l.is_ok());
        let mut a = App::new(l.kb, l.label, w, h);
        // Start in the reader half the time.
        if msgs.len() % 2 == 0 {
            a.update(Msg::Key(KeyEvent::new(KeyCode::Char('5'), KeyModifiers::NONE)));
            a.update(Msg::Key(KeyEvent::new(KeyCode::Char('O'), KeyModifiers::NONE)));
            assert!(a.reader.is_some(), "{}", a.status);
        }
        drive(a, w, h, msgs);
    }
}
