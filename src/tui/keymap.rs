//! The one keymap table: input handling, the footer and the `?` help overlay all read it.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Quit,
    NextTab,
    PrevTab,
    GoTab(usize),
    Down,
    Up,
    Top,
    Bottom,
    PageDown,
    PageUp,
    HalfDown,
    HalfUp,
    SortNext,
    SortReverse,
    /// In the table: move into the relations; in the detail: jump to the selected relation.
    Enter,
    FocusDetail,
    FocusTable,
    Back,
    Forward,
    Help,
    /// `/`: filter the current tab as you type.
    Filter,
    /// Ctrl-k / `:`: search every kind and jump.
    Palette,
    /// Esc in the table: drop the tab's filter.
    ClearFilter,
    /// `e`: write the current view to a file.
    Export,
    /// `E`: write the selected record's detail to a file.
    ExportRecord,
    /// `y`: copy the current view as text to the clipboard (OSC 52).
    Copy,
    /// `r`: load the KB from disk again now.
    Reload,
    /// Ctrl-z: leave the screen as it was and stop, like any job (`fg` brings it back).
    Suspend,
    // While typing a query:
    Accept,
    Cancel,
    DeleteBack,
    DeleteForward,
    DeleteWord,
    ClearLine,
    CursorLeft,
    CursorRight,
    CursorStart,
    CursorEnd,
}

/// Where a binding applies; `Any` bindings work everywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    Any,
    Table,
    Detail,
    /// Typing a query (the `/` filter or the palette): only these bindings apply, other keys type.
    Input,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const ALT: KeyModifiers = KeyModifiers::ALT;

pub struct Binding {
    pub keys: &'static [(KeyCode, KeyModifiers)],
    /// How the keys are written in help and the footer.
    pub label: &'static str,
    pub action: Action,
    pub context: Context,
    pub help: &'static str,
    /// Its brief wording in the footer for its context; empty when it is not shown there.
    pub footer: &'static str,
    /// How much it matters in the footer, 0 most: a narrow footer keeps the most important hints
    /// (and shows them in this order), dropping the others.
    pub importance: u8,
}

macro_rules! b {
    ($keys:expr, $label:expr, $action:expr, $ctx:ident, $help:expr, $footer:expr) => {
        b!($keys, $label, $action, $ctx, $help, $footer, u8::MAX)
    };
    ($keys:expr, $label:expr, $action:expr, $ctx:ident, $help:expr, $footer:expr, $importance:expr) => {
        Binding {
            keys: $keys,
            label: $label,
            action: $action,
            context: Context::$ctx,
            help: $help,
            footer: $footer,
            importance: $importance,
        }
    };
}

pub const KEYMAP: &[Binding] = &[
    b!(
        &[(KeyCode::Char('j'), NONE), (KeyCode::Down, NONE)],
        "j/↓",
        Action::Down,
        Any,
        "next row / next relation",
        "down",
        4
    ),
    b!(
        &[(KeyCode::Char('k'), NONE), (KeyCode::Up, NONE)],
        "k/↑",
        Action::Up,
        Any,
        "previous row / previous relation",
        "up",
        4
    ),
    b!(
        &[(KeyCode::Char('g'), NONE), (KeyCode::Home, NONE)],
        "g/Home",
        Action::Top,
        Any,
        "first row",
        ""
    ),
    b!(
        &[(KeyCode::Char('G'), NONE), (KeyCode::End, NONE)],
        "G/End",
        Action::Bottom,
        Any,
        "last row",
        ""
    ),
    b!(
        &[(KeyCode::PageDown, NONE)],
        "PgDn",
        Action::PageDown,
        Any,
        "page down",
        ""
    ),
    b!(
        &[(KeyCode::PageUp, NONE)],
        "PgUp",
        Action::PageUp,
        Any,
        "page up",
        ""
    ),
    b!(
        &[(KeyCode::Char('d'), CTRL)],
        "Ctrl-d",
        Action::HalfDown,
        Any,
        "half a page down",
        ""
    ),
    b!(
        &[(KeyCode::Char('u'), CTRL)],
        "Ctrl-u",
        Action::HalfUp,
        Any,
        "half a page up",
        ""
    ),
    b!(
        &[(KeyCode::Enter, NONE)],
        "Enter",
        Action::Enter,
        Table,
        "show the record's relations",
        "relations",
        2
    ),
    b!(
        &[(KeyCode::Enter, NONE)],
        "Enter",
        Action::Enter,
        Detail,
        "jump to the selected relation",
        "jump",
        2
    ),
    b!(
        &[(KeyCode::Char('l'), NONE), (KeyCode::Right, NONE)],
        "l/→",
        Action::FocusDetail,
        Table,
        "move into the detail pane",
        ""
    ),
    b!(
        &[
            (KeyCode::Char('h'), NONE),
            (KeyCode::Left, NONE),
            (KeyCode::Esc, NONE)
        ],
        "Esc/h/←",
        Action::FocusTable,
        Detail,
        "back to the table",
        "table",
        2
    ),
    b!(
        &[(KeyCode::Backspace, NONE), (KeyCode::Left, ALT)],
        "Backspace/Alt-←",
        Action::Back,
        Any,
        "go back (history)",
        "back",
        3
    ),
    b!(
        &[(KeyCode::Right, ALT)],
        "Alt-→",
        Action::Forward,
        Any,
        "go forward (history)",
        ""
    ),
    b!(
        &[(KeyCode::Tab, NONE)],
        "Tab",
        Action::NextTab,
        Any,
        "next tab",
        ""
    ),
    b!(
        &[(KeyCode::BackTab, NONE), (KeyCode::BackTab, KeyModifiers::SHIFT)],
        "Shift-Tab",
        Action::PrevTab,
        Any,
        "previous tab",
        ""
    ),
    b!(
        &[(KeyCode::Char('1'), NONE)],
        "1",
        Action::GoTab(0),
        Any,
        "Vendors tab",
        ""
    ),
    b!(
        &[(KeyCode::Char('2'), NONE)],
        "2",
        Action::GoTab(1),
        Any,
        "Executives tab",
        ""
    ),
    b!(
        &[(KeyCode::Char('3'), NONE)],
        "3",
        Action::GoTab(2),
        Any,
        "Deals tab",
        ""
    ),
    b!(
        &[(KeyCode::Char('4'), NONE)],
        "4",
        Action::GoTab(3),
        Any,
        "Trends tab",
        ""
    ),
    b!(
        &[(KeyCode::Char('5'), NONE)],
        "5",
        Action::GoTab(4),
        Any,
        "Sources tab",
        ""
    ),
    b!(
        &[(KeyCode::Char('s'), NONE)],
        "s",
        Action::SortNext,
        Any,
        "sort by the next column",
        "sort",
        6
    ),
    b!(
        &[(KeyCode::Char('S'), NONE)],
        "S",
        Action::SortReverse,
        Any,
        "reverse the sort",
        ""
    ),
    b!(
        &[(KeyCode::Char('/'), NONE)],
        "/",
        Action::Filter,
        Any,
        "filter this tab as you type",
        "filter",
        1
    ),
    b!(
        &[(KeyCode::Char('k'), CTRL), (KeyCode::Char(':'), NONE)],
        "Ctrl-k/:",
        Action::Palette,
        Any,
        "search everything, jump to a record",
        "search",
        1
    ),
    b!(
        &[(KeyCode::Char('e'), NONE)],
        "e",
        Action::Export,
        Any,
        "export this view to a file",
        "export",
        6
    ),
    b!(
        &[(KeyCode::Char('E'), NONE)],
        "E",
        Action::ExportRecord,
        Any,
        "export the selected record",
        ""
    ),
    b!(
        &[(KeyCode::Char('y'), NONE)],
        "y",
        Action::Copy,
        Any,
        "copy this view as text (OSC 52)",
        ""
    ),
    b!(
        &[(KeyCode::Char('r'), NONE)],
        "r",
        Action::Reload,
        Any,
        "reload the KB from disk (edits are followed anyway)",
        ""
    ),
    b!(
        &[(KeyCode::Esc, NONE)],
        "Esc",
        Action::ClearFilter,
        Table,
        "clear the tab's filter",
        ""
    ),
    b!(
        &[(KeyCode::Enter, NONE)],
        "Enter",
        Action::Accept,
        Input,
        "keep the filter / jump to the result",
        "keep",
        0
    ),
    b!(
        &[(KeyCode::Esc, NONE)],
        "Esc",
        Action::Cancel,
        Input,
        "clear filter, restore selection",
        "clear",
        0
    ),
    b!(
        &[
            (KeyCode::Down, NONE),
            (KeyCode::Char('n'), CTRL),
            (KeyCode::Char('j'), CTRL)
        ],
        "↓/Ctrl-n",
        Action::Down,
        Input,
        "next result",
        "next",
        1
    ),
    b!(
        &[(KeyCode::Up, NONE), (KeyCode::Char('p'), CTRL)],
        "↑/Ctrl-p",
        Action::Up,
        Input,
        "previous result",
        ""
    ),
    b!(
        &[(KeyCode::PageDown, NONE)],
        "PgDn",
        Action::PageDown,
        Input,
        "page of results down",
        ""
    ),
    b!(
        &[(KeyCode::PageUp, NONE)],
        "PgUp",
        Action::PageUp,
        Input,
        "page of results up",
        ""
    ),
    b!(
        &[(KeyCode::Backspace, NONE)],
        "Backspace",
        Action::DeleteBack,
        Input,
        "delete the character before",
        ""
    ),
    b!(
        &[(KeyCode::Delete, NONE), (KeyCode::Char('d'), CTRL)],
        "Del",
        Action::DeleteForward,
        Input,
        "delete the character under",
        ""
    ),
    b!(
        &[(KeyCode::Char('w'), CTRL), (KeyCode::Backspace, ALT)],
        "Ctrl-w",
        Action::DeleteWord,
        Input,
        "delete the word before",
        ""
    ),
    b!(
        &[(KeyCode::Char('u'), CTRL)],
        "Ctrl-u",
        Action::ClearLine,
        Input,
        "clear the query",
        ""
    ),
    b!(
        &[(KeyCode::Left, NONE), (KeyCode::Char('b'), CTRL)],
        "←",
        Action::CursorLeft,
        Input,
        "cursor left",
        ""
    ),
    b!(
        &[(KeyCode::Right, NONE), (KeyCode::Char('f'), CTRL)],
        "→",
        Action::CursorRight,
        Input,
        "cursor right",
        ""
    ),
    b!(
        &[(KeyCode::Home, NONE), (KeyCode::Char('a'), CTRL)],
        "Home/Ctrl-a",
        Action::CursorStart,
        Input,
        "cursor to the start",
        ""
    ),
    b!(
        &[(KeyCode::End, NONE), (KeyCode::Char('e'), CTRL)],
        "End/Ctrl-e",
        Action::CursorEnd,
        Input,
        "cursor to the end",
        ""
    ),
    b!(
        &[(KeyCode::Char('?'), NONE), (KeyCode::F(1), NONE)],
        "?",
        Action::Help,
        Any,
        "this help (Esc closes)",
        "help",
        0
    ),
    b!(
        &[(KeyCode::Char('z'), CTRL)],
        "Ctrl-z",
        Action::Suspend,
        Any,
        "suspend (fg resumes)",
        ""
    ),
    b!(
        &[(KeyCode::Char('q'), NONE), (KeyCode::Char('c'), CTRL)],
        "q/Ctrl-c",
        Action::Quit,
        Any,
        "quit",
        "quit",
        0
    ),
];

/// Footer labels for the tab number keys, which the table lists one by one, and their importance.
pub const TABS_LABEL: (&str, &str) = ("1-5", "tabs");
const TABS_IMPORTANCE: u8 = 5;

/// In the palette, Enter jumps and Esc closes it (in the `/` filter they keep and clear it).
const PALETTE_WORDS: &[(Action, &str)] = &[(Action::Accept, "jump"), (Action::Cancel, "close")];

/// Shift is part of the character for printable keys (`G`, `S`, `?`), so it is ignored there.
fn normalise(key: KeyEvent) -> (KeyCode, KeyModifiers) {
    let mods = key.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
    match key.code {
        KeyCode::Char(c) => (KeyCode::Char(c), mods - KeyModifiers::SHIFT),
        code => (code, mods),
    }
}

/// The action a key triggers in a context, if any. Context-specific bindings win over `Any`;
/// while typing a query only the `Input` bindings (and Ctrl-c, Ctrl-z) apply, so every other key
/// types.
pub fn action_for(key: KeyEvent, ctx: Context) -> Option<Action> {
    let k = normalise(key);
    let hit = |b: &&Binding| b.keys.contains(&k);
    let own = KEYMAP.iter().filter(hit).find(|b| b.context == ctx);
    if ctx == Context::Input {
        return own.map(|b| b.action).or(match k {
            (KeyCode::Char('c'), CTRL) => Some(Action::Quit),
            (KeyCode::Char('z'), CTRL) => Some(Action::Suspend),
            _ => None,
        });
    }
    own.or_else(|| KEYMAP.iter().filter(hit).find(|b| b.context == Context::Any))
        .map(|b| b.action)
}

/// (keys, what) pairs for the footer in a context (`palette`: typing in the palette, not the
/// filter), most important first; the footer shows as many as fit, in this order.
pub fn footer(ctx: Context, palette: bool) -> Vec<(&'static str, &'static str)> {
    let mut v: Vec<(u8, &str, &str)> = KEYMAP
        .iter()
        .filter(|b| {
            !b.footer.is_empty() && (b.context == ctx || b.context == Context::Any && ctx != Context::Input)
        })
        .map(|b| {
            let what = PALETTE_WORDS
                .iter()
                .find(|(a, _)| palette && *a == b.action)
                .map_or(b.footer, |(_, w)| *w);
            (b.importance, b.label, what)
        })
        .collect();
    if ctx != Context::Input {
        v.push((TABS_IMPORTANCE, TABS_LABEL.0, TABS_LABEL.1));
    }
    v.sort_by_key(|(importance, _, _)| *importance); // Stable: table order within one importance.
    v.into_iter().map(|(_, k, w)| (k, w)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
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
        let table = footer(Context::Table, false);
        let at = |what: &str| table.iter().position(|(_, w)| *w == what).unwrap();
        assert_eq!(&table[..2], &[("?", "help"), ("q/Ctrl-c", "quit")]);
        assert!(
            at("relations") < at("down") && at("back") < at("down"),
            "{table:?}"
        );
        assert!(at("down") < at("tabs") && at("tabs") < at("sort"), "{table:?}");
        let detail = footer(Context::Detail, false);
        let at = |what: &str| detail.iter().position(|(_, w)| *w == what).unwrap();
        assert!(at("jump") < at("down") && at("table") < at("down"), "{detail:?}");
    }

    /// The palette's title says Esc closes it; its footer must say the same.
    #[test]
    fn the_palette_footer_says_jump_and_close() {
        assert_eq!(
            &footer(Context::Input, true)[..2],
            &[("Enter", "jump"), ("Esc", "close")]
        );
        assert_eq!(
            &footer(Context::Input, false)[..2],
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
        assert_eq!(action_for(key(KeyCode::Char('x'), NONE), Context::Table), None);
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for (i, a) in KEYMAP.iter().enumerate() {
            for b in &KEYMAP[i + 1..] {
                let overlap =
                    a.context == b.context || a.context == Context::Any || b.context == Context::Any;
                let same_ctx_clash = a.context == b.context;
                if overlap && same_ctx_clash {
                    for k in a.keys {
                        assert!(
                            !b.keys.contains(k),
                            "{k:?} bound to {:?} and {:?}",
                            a.action,
                            b.action
                        );
                    }
                }
            }
        }
    }
}
