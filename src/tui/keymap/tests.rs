//! The key table's rules: no collisions, labels derived and unchanged, keys that round-trip.

use super::*;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const ALT: KeyModifiers = KeyModifiers::ALT;

/// A key as the terminal reports it, converted as the event loop converts it.
fn key(code: KeyCode, mods: KeyModifiers) -> Key {
    Key::from(KeyEvent::new(code, mods))
}

fn strs<'a>(v: &'a [(String, &'static str)]) -> Vec<(&'a str, &'static str)> {
    v.iter().map(|(k, w)| (k.as_str(), *w)).collect()
}

#[test]
fn context_specific_bindings_win() {
    assert_eq!(
        action_for(key(KeyCode::Esc, NONE), Context::Detail),
        Some(Action::FocusTable)
    );
    assert_eq!(
        action_for(key(KeyCode::Esc, NONE), Context::Table),
        Some(Action::ClearFilter)
    );
    assert_eq!(
        action_for(key(KeyCode::Char('q'), NONE), Context::Input),
        None,
        "q types"
    );
    assert_eq!(
        action_for(key(KeyCode::Char('j'), NONE), Context::Input),
        None,
        "j types"
    );
    assert_eq!(
        action_for(key(KeyCode::Char('c'), CTRL), Context::Input),
        Some(Action::Quit)
    );
    assert_eq!(
        action_for(key(KeyCode::Char('j'), NONE), Context::Detail),
        Some(Action::Down)
    );
    assert_eq!(
        action_for(key(KeyCode::Left, ALT), Context::Table),
        Some(Action::Back)
    );
    assert_eq!(
        action_for(key(KeyCode::Left, NONE), Context::Detail),
        Some(Action::FocusTable)
    );
}

/// At 80 columns the footer had `j`/`k` but not `Enter relations`: hints come by importance.
#[test]
fn footer_hints_come_by_importance() {
    let table = footer(Context::Table);
    let table = strs(&table);
    let at = |what: &str| table.iter().position(|(_, w)| *w == what).unwrap();
    assert_eq!(&table[..2], &[("?", "help"), ("q/Ctrl-c", "quit")]);
    assert!(
        at("relations") < at("down") && at("back") < at("down"),
        "{table:?}"
    );
    assert!(at("down") < at("tabs") && at("tabs") < at("sort"), "{table:?}");
    let detail = footer(Context::Detail);
    let detail = strs(&detail);
    let at = |what: &str| detail.iter().position(|(_, w)| *w == what).unwrap();
    assert!(at("jump") < at("down") && at("table") < at("down"), "{detail:?}");
}

/// The palette's title says Esc closes it; its footer must say the same.
#[test]
fn the_palette_footer_says_jump_and_close() {
    assert_eq!(
        &strs(&footer(Context::Palette))[..2],
        &[("Enter", "jump"), ("Esc", "close")]
    );
    assert_eq!(
        &strs(&footer(Context::Input))[..2],
        &[("Enter", "keep"), ("Esc", "clear")]
    );
}

#[test]
fn shifted_characters_match() {
    assert_eq!(
        action_for(key(KeyCode::Char('G'), KeyModifiers::SHIFT), Context::Table),
        Some(Action::Bottom)
    );
    assert_eq!(
        action_for(key(KeyCode::Char('?'), KeyModifiers::SHIFT), Context::Table),
        Some(Action::Help)
    );
    assert_eq!(
        action_for(key(KeyCode::Char('c'), CTRL), Context::Table),
        Some(Action::Quit)
    );
    assert_eq!(action_for(key(KeyCode::Char('u'), NONE), Context::Table), None);
}

#[test]
fn no_key_is_bound_twice_in_one_context() {
    for (i, a) in KEYMAP.iter().enumerate() {
        assert!(
            a.shown >= 1 && a.shown <= a.keys.len(),
            "{:?} shows no key",
            a.action
        );
        for b in KEYMAP[i + 1..].iter().filter(|b| b.context == a.context) {
            for k in a.keys {
                assert!(
                    !b.keys.contains(k),
                    "{k} bound to {:?} and {:?} in {:?}",
                    a.action,
                    b.action,
                    a.context
                );
            }
        }
    }
}

/// The table in use checks the same rule, and more for the user's keys: the defaults pass it;
/// a user key another action has in the same context, or across a fallback, is caught.
#[test]
fn the_runtime_table_finds_collisions_in_user_keys() {
    let keys = Keys::default();
    assert!(keys.collisions().is_empty(), "{:?}", keys.collisions());
    let at = |k: &Keys, ctx: Context, action: Action| k.bound_in(ctx, action)[0];
    // `down` on `k` in `any` meets `up`'s `k` there.
    let mut k = Keys::default();
    k.rebind(at(&k, Context::Any, Action::Down), vec![ch('k')]);
    let c = k.collisions();
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c[0].key, ch('k'));
    // `help` on `p` in `any` is hidden in the table by `pivot`: a collision only because it is
    // the user's (the defaults' own shadowing, like the overlay's `q`, is deliberate).
    let mut k = Keys::default();
    k.rebind(at(&k, Context::Any, Action::Help), vec![ch('p')]);
    assert_eq!(k.collisions().len(), 1);
    assert_eq!(k.action_for(ch('p'), Context::Table), Some(Action::Pivot));
    assert_eq!(k.action_for(ch('p'), Context::Detail), Some(Action::Help));
    k.restore(at(&k, Context::Any, Action::Help));
    assert_eq!(k, Keys::default());
}

/// Every key in the table reads back from the text it is shown as: the same spelling could
/// come from a config file.
#[test]
fn every_key_in_the_table_round_trips_through_its_text() {
    for b in KEYMAP {
        for k in b.keys {
            assert_eq!(k.to_string().parse::<Key>(), Ok(*k), "{k}");
        }
    }
    for bad in [
        "",
        "Ctrl-",
        "Ctrl-Ctrl-k",
        "Alt-Ctrl-k",
        "Hyper-k",
        "F0",
        "F99",
        "Shift-a",
        "jk",
    ] {
        let e = bad.parse::<Key>().expect_err(bad);
        assert!(e.to_string().starts_with("unknown key"), "{e}");
    }
    assert_eq!(
        "Ctrl-Alt-←".parse::<Key>(),
        Ok(Key::new(Code::Left, Mods::CTRL.with(Mods::ALT)))
    );
}

/// Labels are the shown keys written out; they read exactly as the hand-written ones did.
#[test]
fn labels_are_derived_from_the_keys_and_read_as_before() {
    let before = [
        "j/↓",
        "k/↑",
        "g/Home",
        "G/End",
        "PgDn",
        "PgUp",
        "Ctrl-d",
        "Ctrl-u",
        "Enter",
        "Enter",
        "l/→",
        "Esc/h/←",
        "Backspace/Alt-←",
        "Alt-→",
        "Tab",
        "Shift-Tab",
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "7",
        "8",
        "9",
        "s",
        "S",
        "p",
        "/",
        "Ctrl-k/:",
        "e",
        "E",
        "y",
        "Y",
        "C",
        "o",
        "r",
        "O",
        "Esc",
        "F",
        "Space",
        "[",
        "]",
        "{",
        "}",
        "<",
        ">",
        "x",
        "X",
        "z",
        // Saved views and a query's matches.
        "v",
        "w",
        "n",
        "N",
        "Enter",
        "Esc",
        "Enter",
        "Esc",
        // ↑/↓ recall queries while typing; Ctrl-n/Ctrl-p move the selection.
        "Ctrl-n",
        "Ctrl-p",
        "↑",
        "↓",
        "PgDn",
        "PgUp",
        "Backspace",
        "Del",
        "Ctrl-w",
        "Ctrl-u",
        "←",
        "→",
        "Home/Ctrl-a",
        "End/Ctrl-e",
        "?",
        "Ctrl-z",
        "q/Ctrl-c",
    ];
    let shown: Vec<String> = KEYMAP
        .iter()
        .filter(|b| !b.help.is_empty())
        .map(Binding::label)
        .collect();
    assert_eq!(shown, before);
    for b in KEYMAP {
        let keys: Vec<String> = b.keys[..b.shown].iter().map(|k| k.to_string()).collect();
        assert_eq!(b.label(), keys.join("/"));
    }
    assert!(strs(&footer(Context::Table)).contains(&("1-9", "tabs")));
    assert_eq!(
        strs(&footer(Context::Export)),
        [("Enter", "write"), ("Esc", "cancel")]
    );
    assert_eq!(
        strs(&footer(Context::Confirm)),
        [("y", "overwrite"), ("any key", "keep")]
    );
    assert_eq!(strs(&footer(Context::Loading)), [("q", "quits")]);
}

/// The keys prompts, titles and messages name are bound where they say.
#[test]
fn keys_named_on_screen_are_bound() {
    for (ctx, action, shown) in [
        (Context::Help, Action::CloseHelp, "Esc"),
        (Context::Help, Action::Down, "j"),
        (Context::Help, Action::Up, "k"),
        (Context::Any, Action::Filter, "/"),
        (Context::Any, Action::Palette, "Ctrl-k"),
        (Context::Any, Action::Reload, "r"),
        (Context::Table, Action::ClearFilter, "Esc"),
        (Context::Input, Action::Accept, "Enter"),
        (Context::Input, Action::Cancel, "Esc"),
        (Context::Palette, Action::Accept, "Enter"),
        (Context::Palette, Action::Cancel, "Esc"),
        (Context::Export, Action::Accept, "Enter"),
        (Context::Export, Action::Cancel, "Esc"),
        (Context::Confirm, Action::Overwrite, "y"),
        (Context::Loading, Action::Quit, "q"),
        (Context::Table, Action::Mark, "Space"),
        (Context::Table, Action::ClearMarks, "M"),
        (Context::Table, Action::ChartMarks, "c"),
    ] {
        let b = binding(ctx, action).unwrap_or_else(|| panic!("{action:?} in {ctx:?}"));
        assert_eq!(super::key(ctx, action).to_string(), shown);
        assert_eq!(
            action_for(b.keys[0], ctx),
            Some(action),
            "{shown} does {action:?} in {ctx:?}"
        );
    }
    let close = binding(Context::Help, Action::CloseHelp).unwrap();
    assert_eq!(close.keys[1].to_string(), "?");
}

/// The overlays and prompts own their keys: the overwrite question takes any key, the
/// loading screen only its own.
#[test]
fn prompts_and_overlays_have_their_own_keys() {
    let y = key(KeyCode::Char('Y'), KeyModifiers::SHIFT);
    assert_eq!(action_for(y, Context::Confirm), Some(Action::Overwrite));
    assert_eq!(
        action_for(key(KeyCode::Char('y'), CTRL), Context::Confirm),
        Some(Action::Keep)
    );
    assert_eq!(
        action_for(key(KeyCode::Enter, NONE), Context::Confirm),
        Some(Action::Keep)
    );
    assert_eq!(
        action_for(key(KeyCode::Char('c'), CTRL), Context::Confirm),
        Some(Action::Quit)
    );
    assert_eq!(
        action_for(key(KeyCode::Down, NONE), Context::Export),
        None,
        "no results to move in"
    );
    assert_eq!(
        action_for(key(KeyCode::Char('u'), CTRL), Context::Export),
        Some(Action::ClearLine)
    );
    assert_eq!(
        action_for(key(KeyCode::Esc, NONE), Context::Loading),
        Some(Action::Quit)
    );
    assert_eq!(action_for(key(KeyCode::Char('j'), NONE), Context::Loading), None);
    assert_eq!(
        action_for(key(KeyCode::Char('q'), NONE), Context::Help),
        Some(Action::CloseHelp)
    );
    assert_eq!(
        action_for(key(KeyCode::Char('j'), NONE), Context::Help),
        Some(Action::Down)
    );
    assert_eq!(
        action_for(key(KeyCode::Char('c'), CTRL), Context::Help),
        Some(Action::Quit)
    );
    assert_eq!(
        action_for(key(KeyCode::Up, KeyModifiers::SHIFT), Context::Table),
        None,
        "Shift-↑ is not ↑"
    );
}

/// Every tab has its number key (the first nine), named after the tab: a kind added to
/// `for_each_kind!` without its line in `KEYMAP` fails here.
#[test]
fn every_tab_has_its_number_key() {
    use crate::view::Tab;
    for tab in Tab::ALL.into_iter().filter(|t| t.index() < 9) {
        let digit = char::from(b'1' + tab.index() as u8);
        let b = binding_for(ch(digit), Context::Any)
            .unwrap_or_else(|| panic!("no key `{digit}` for the {} tab", tab.title()));
        assert_eq!(b.action, Action::GoTab(tab.index()), "key `{digit}`");
        assert_eq!(b.help, format!("{} tab", tab.title()), "key `{digit}`");
    }
    let go_tabs = KEYMAP
        .iter()
        .filter(|b| matches!(b.action, Action::GoTab(_)))
        .count();
    assert_eq!(
        go_tabs,
        Tab::ALL.len().min(9),
        "a GoTab binding for a tab that does not exist"
    );
}

/// The space bar marks rows in the table, is written `Space` (not an invisible blank), and
/// still types a space into a query.
#[test]
fn space_marks_in_the_table_and_types_while_typing() {
    let space = key(KeyCode::Char(' '), NONE);
    assert_eq!(action_for(space, Context::Table), Some(Action::Mark));
    assert_eq!(space.to_string(), "Space");
    assert_eq!("Space".parse::<Key>(), Ok(space));
    for ctx in [Context::Input, Context::Palette, Context::Export] {
        assert_eq!(action_for(space, ctx), None, "{ctx:?}");
        assert_eq!(space.typed(), Some(' '));
    }
    assert_eq!(action_for(space, Context::Grouped), None, "groups are not marked");
    assert!(strs(&footer(Context::Table)).contains(&("Space", "mark")));
}

/// `Context::ALL` (which the config file reads `[keys.CONTEXT]` by) names every context a binding
/// uses, and every action and context has a distinct name.
#[test]
fn every_context_in_the_table_is_in_context_all_and_names_are_distinct() {
    for b in KEYMAP {
        assert!(
            Context::ALL.contains(&b.context),
            "{:?} is missing from Context::ALL",
            b.context
        );
    }
    let mut names: Vec<&str> = Context::ALL.iter().map(|c| c.name()).collect();
    names.sort_unstable();
    let n = names.len();
    names.dedup();
    assert_eq!(names.len(), n, "two contexts share a name");
    let mut actions: Vec<(&str, Action)> = KEYMAP.iter().map(|b| (b.action.name(), b.action)).collect();
    actions.sort_by_key(|a| a.0);
    actions.dedup_by(|a, b| a.1 == b.1);
    for w in actions.windows(2) {
        assert_ne!(w[0].0, w[1].0, "{:?} and {:?} share a name", w[0].1, w[1].1);
    }
}
