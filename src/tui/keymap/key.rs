//! The explorer's own key type. crossterm's `KeyEvent` is converted into a [`Key`] once, where a
//! message enters `App::update` (and on the loading screen); the key table, `App` and everything
//! after work on `Key`. `Display` writes a key as help and the footer show it (`Ctrl-k`, `Esc`,
//! `?`, `Alt-←`) and `FromStr` reads that text back, so bindings could be read from a config
//! file into the same table without touching `App` (a test round-trips every key in the table).

use std::fmt;
use std::str::FromStr;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key without its modifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    /// A printable character; Shift is part of it (`G`, `?`).
    Char(char),
    F(u8),
    Enter,
    Esc,
    Tab,
    /// Shift-Tab (terminals send it as a key of its own).
    BackTab,
    Backspace,
    Delete,
    Insert,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    /// In a binding only: any key the context binds to nothing else (the overwrite question's
    /// "any key keeps it"). No key pressed is `Any`.
    Any,
    /// A key the explorer has no name for (media keys, a lone modifier): never bound.
    Other,
}

/// Ctrl, Alt and Shift, as bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Mods(u8);

impl Mods {
    pub const NONE: Mods = Mods(0);
    pub const CTRL: Mods = Mods(1);
    pub const ALT: Mods = Mods(2);
    pub const SHIFT: Mods = Mods(4);

    pub const fn contains(self, m: Mods) -> bool {
        self.0 & m.0 == m.0
    }

    pub const fn with(self, m: Mods) -> Mods {
        Mods(self.0 | m.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: Code,
    pub mods: Mods,
}

impl Key {
    pub const fn new(code: Code, mods: Mods) -> Key {
        Key { code, mods }
    }

    /// The character this key types into a text field, if it types one (no Ctrl, no Alt).
    pub fn typed(self) -> Option<char> {
        match self.code {
            Code::Char(c) if !self.mods.contains(Mods::CTRL) && !self.mods.contains(Mods::ALT) => Some(c),
            _ => None,
        }
    }
}

/// A printable key, unmodified.
pub const fn ch(c: char) -> Key {
    Key::new(Code::Char(c), Mods::NONE)
}

/// Ctrl and a character.
pub const fn ctrl(c: char) -> Key {
    Key::new(Code::Char(c), Mods::CTRL)
}

/// Alt and a key.
pub const fn alt(code: Code) -> Key {
    Key::new(code, Mods::ALT)
}

/// A named key, unmodified.
pub const fn plain(code: Code) -> Key {
    Key::new(code, Mods::NONE)
}

impl From<KeyEvent> for Key {
    /// Shift is part of the character for printable keys (`G`, `S`, `?`), and of Shift-Tab, so
    /// it is dropped there; elsewhere it stays (Shift-↑ is not ↑).
    fn from(k: KeyEvent) -> Key {
        let mut mods = Mods::NONE;
        if k.modifiers.contains(KeyModifiers::CONTROL) {
            mods = mods.with(Mods::CTRL);
        }
        if k.modifiers.contains(KeyModifiers::ALT) {
            mods = mods.with(Mods::ALT);
        }
        let code = match k.code {
            KeyCode::Char(c) => Code::Char(c),
            KeyCode::F(n) => Code::F(n),
            KeyCode::Enter => Code::Enter,
            KeyCode::Esc => Code::Esc,
            KeyCode::Tab => Code::Tab,
            KeyCode::BackTab => Code::BackTab,
            KeyCode::Backspace => Code::Backspace,
            KeyCode::Delete => Code::Delete,
            KeyCode::Insert => Code::Insert,
            KeyCode::Up => Code::Up,
            KeyCode::Down => Code::Down,
            KeyCode::Left => Code::Left,
            KeyCode::Right => Code::Right,
            KeyCode::Home => Code::Home,
            KeyCode::End => Code::End,
            KeyCode::PageUp => Code::PageUp,
            KeyCode::PageDown => Code::PageDown,
            _ => Code::Other,
        };
        if k.modifiers.contains(KeyModifiers::SHIFT) && !matches!(code, Code::Char(_) | Code::BackTab) {
            mods = mods.with(Mods::SHIFT);
        }
        Key { code, mods }
    }
}

/// Names of the keys that are not characters, as shown on screen; `FromStr` reads them back.
const NAMES: &[(Code, &str)] = &[
    (Code::Enter, "Enter"),
    (Code::Esc, "Esc"),
    (Code::Tab, "Tab"),
    (Code::BackTab, "Shift-Tab"),
    (Code::Backspace, "Backspace"),
    (Code::Delete, "Del"),
    (Code::Insert, "Ins"),
    (Code::Up, "↑"),
    (Code::Down, "↓"),
    (Code::Left, "←"),
    (Code::Right, "→"),
    (Code::Home, "Home"),
    (Code::End, "End"),
    (Code::PageUp, "PgUp"),
    (Code::PageDown, "PgDn"),
    (Code::Any, "any key"),
    // A blank would not read on screen.
    (Code::Char(' '), "Space"),
];

/// How the space bar is written (`Code::Char(' ')`).
const SPACE: &str = "Space";

const PREFIXES: &[(Mods, &str)] = &[
    (Mods::CTRL, "Ctrl-"),
    (Mods::ALT, "Alt-"),
    (Mods::SHIFT, "Shift-"),
];

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // A space would be invisible in a label.
            Code::Char(' ') => f.write_str(SPACE),
            Code::Char(c) => write!(f, "{c}"),
            Code::F(n) => write!(f, "F{n}"),
            Code::Other => f.write_str("(unnamed key)"),
            code => f.write_str(NAMES.iter().find(|(c, _)| c == code).map_or("?", |(_, n)| n)),
        }
    }
}

impl fmt::Display for Key {
    /// `Ctrl-k`, `Alt-←`, `Shift-↑`, `Esc`, `?`: as help and the footer show keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (m, prefix) in PREFIXES {
            if self.mods.contains(*m) {
                f.write_str(prefix)?;
            }
        }
        write!(f, "{}", self.code)
    }
}

/// A key written in a way `FromStr` does not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadKey(pub String);

impl fmt::Display for BadKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown key `{}`: expected a character, F1-F24, a key name (Space, Enter, Esc, Tab, Shift-Tab, \
             Backspace, Del, Ins, ↑, ↓, ←, →, Home, End, PgUp, PgDn), optionally after Ctrl-, Alt- or Shift-",
            crate::text::escape_controls(&self.0)
        )
    }
}

impl std::error::Error for BadKey {}

impl FromStr for Key {
    type Err = BadKey;

    /// Reads what `Display` writes.
    fn from_str(s: &str) -> Result<Key, BadKey> {
        let bad = || BadKey(s.to_string());
        if let Some((code, _)) = NAMES.iter().find(|(_, n)| *n == s) {
            return Ok(plain(*code));
        }
        if s == SPACE {
            return Ok(ch(' '));
        }
        let mut chars = s.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            return Ok(ch(c));
        }
        if let Some(n) = s.strip_prefix('F').and_then(|n| n.parse::<u8>().ok())
            && (1..=24).contains(&n)
        {
            return Ok(plain(Code::F(n)));
        }
        for (m, prefix) in PREFIXES {
            if let Some(rest) = s.strip_prefix(prefix)
                && !rest.is_empty()
            {
                let inner: Key = rest.parse().map_err(|_| bad())?;
                let shifted_char = *m == Mods::SHIFT && matches!(inner.code, Code::Char(_));
                if inner.code == Code::Any || inner.mods.contains(*m) || shifted_char {
                    return Err(bad());
                }
                let key = Key::new(inner.code, inner.mods.with(*m));
                // One spelling per key: modifiers in the order `Display` writes them.
                return if key.to_string() == s { Ok(key) } else { Err(bad()) };
            }
        }
        Err(bad())
    }
}

/// Names a config file may use for the keys that are not characters, any case (`enter`,
/// `PageDown`, `up`), beside the ones `Display` writes (`↑`, `PgDn`).
const CONFIG_NAMES: &[(&str, Code)] = &[
    ("enter", Code::Enter),
    ("return", Code::Enter),
    ("esc", Code::Esc),
    ("escape", Code::Esc),
    ("tab", Code::Tab),
    ("backtab", Code::BackTab),
    ("backspace", Code::Backspace),
    ("del", Code::Delete),
    ("delete", Code::Delete),
    ("ins", Code::Insert),
    ("insert", Code::Insert),
    ("up", Code::Up),
    ("down", Code::Down),
    ("left", Code::Left),
    ("right", Code::Right),
    ("home", Code::Home),
    ("end", Code::End),
    ("pgup", Code::PageUp),
    ("pageup", Code::PageUp),
    ("pgdn", Code::PageDown),
    ("pagedown", Code::PageDown),
    ("space", Code::Char(' ')),
];

impl Key {
    /// A key as a config file writes it: what `Display` writes (`Ctrl-k`, `↓`, `PgDn`), or the
    /// same with modifiers and key names in any case and `-` or `+` after a modifier (`ctrl-c`,
    /// `alt+left`, `pagedown`, `F5`). A single character is itself, case and all (`G`). `any
    /// key` is not a key one can bind.
    pub fn parse_config(s: &str) -> Result<Key, BadKey> {
        let bad = || BadKey(s.to_string());
        if let Ok(k) = s.parse::<Key>() {
            return if k.code == Code::Any { Err(bad()) } else { Ok(k) };
        }
        let mut rest = s;
        let mut mods = Mods::NONE;
        loop {
            let lower = rest.to_ascii_lowercase();
            let found = [("ctrl", Mods::CTRL), ("alt", Mods::ALT), ("shift", Mods::SHIFT)]
                .into_iter()
                .find(|(name, _)| {
                    lower.starts_with(name) && matches!(lower.as_bytes().get(name.len()), Some(b'-' | b'+'))
                });
            match found {
                // A lone `-` or `+` after the modifier is the character itself (`ctrl--`).
                Some((name, m)) if rest.len() > name.len() + 1 => {
                    mods = mods.with(m);
                    rest = &rest[name.len() + 1..];
                }
                _ => break,
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => Code::Char(c),
            _ => {
                let lower = rest.to_ascii_lowercase();
                if let Some((_, code)) = CONFIG_NAMES.iter().find(|(n, _)| *n == lower) {
                    *code
                } else if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok())
                    && (1..=24).contains(&n)
                {
                    Code::F(n)
                } else {
                    match NAMES.iter().find(|(_, n)| *n == rest) {
                        Some((code, _)) if *code != Code::Any => *code,
                        _ => return Err(bad()),
                    }
                }
            }
        };
        // Shift-Tab is a key of its own.
        let (code, mods) = if code == Code::Tab && mods.contains(Mods::SHIFT) {
            (Code::BackTab, Mods(mods.0 & !Mods::SHIFT.0))
        } else {
            (code, mods)
        };
        let key = Key::new(code, mods);
        // Only what `Display` can write and `FromStr` read back (no Shift on a character: `G`).
        match key.to_string().parse::<Key>() {
            Ok(k) if k == key => Ok(key),
            _ => Err(bad()),
        }
    }
}
