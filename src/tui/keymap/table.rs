//! The key table in use: [`KEYMAP`] with the user's bindings (the config file's `[keys]`) in
//! place of its defaults. Every lookup and every label goes through one [`Keys`], so the footer,
//! the `?` overlay, prompts and titles name the keys that work. The explorer's table is installed
//! once at start ([`install`]); until then, and in tests, the defaults apply.

use std::sync::{LazyLock, OnceLock};

use super::{Action, Binding, Code, Context, KEYMAP, Key, plain};

/// One binding as the explorer uses it: a [`KEYMAP`] line, its keys possibly the user's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bound {
    /// Its keys: the first `shown` are named in help and the footer, the rest are quiet aliases.
    pub keys: Vec<Key>,
    pub shown: usize,
    pub action: Action,
    pub context: Context,
    /// Its line in the `?` overlay; empty when the overlay leaves it out.
    pub help: &'static str,
    /// Its brief wording in the footer; empty when it is not shown there.
    pub footer: &'static str,
    /// How much it matters in the footer, 0 most.
    pub importance: u8,
    /// Its keys come from the user's config file.
    pub user: bool,
}

impl Bound {
    fn of(b: &Binding) -> Bound {
        Bound {
            keys: b.keys.to_vec(),
            shown: b.shown,
            action: b.action,
            context: b.context,
            help: b.help,
            footer: b.footer,
            importance: b.importance,
            user: false,
        }
    }

    /// How help and the footer write its keys: the shown ones, joined by `/` (`j/↓`, `Ctrl-k/:`).
    pub fn label(&self) -> String {
        let shown: Vec<String> = self.keys[..self.shown.min(self.keys.len())]
            .iter()
            .map(Key::to_string)
            .collect();
        shown.join("/")
    }
}

/// Two bindings of different actions that one key would reach in the same place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collision {
    pub key: Key,
    /// Indexes into [`Keys::bindings`] (and [`KEYMAP`]).
    pub a: usize,
    pub b: usize,
}

/// The footer's entry for the tab number keys, which the table lists one by one (`1-9 tabs`):
/// its wording and importance; its label is the first and last `GoTab` key.
const TABS_FOOTER: (&str, u8) = ("tabs", 5);

/// A key table: one [`Bound`] per [`KEYMAP`] line, in its order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keys {
    bindings: Vec<Bound>,
}

impl Default for Keys {
    fn default() -> Keys {
        Keys {
            bindings: KEYMAP.iter().map(Bound::of).collect(),
        }
    }
}

impl Keys {
    pub fn bindings(&self) -> &[Bound] {
        &self.bindings
    }

    /// The binding a key triggers in a context, if any: the context's own bindings first, then
    /// those of the contexts it falls back to, then the context's `any key` binding.
    pub fn binding_for(&self, key: Key, ctx: Context) -> Option<&Bound> {
        ctx.chain()
            .find_map(|c| {
                self.bindings
                    .iter()
                    .find(|b| b.context == c && b.keys.contains(&key))
            })
            .or_else(|| {
                self.bindings
                    .iter()
                    .find(|b| b.context == ctx && b.keys.contains(&plain(Code::Any)))
            })
    }

    /// The action a key triggers in a context, if any.
    pub fn action_for(&self, key: Key, ctx: Context) -> Option<Action> {
        self.binding_for(key, ctx).map(|b| b.action)
    }

    /// The binding for `action` in `ctx` (or a context it falls back to).
    pub fn binding(&self, ctx: Context, action: Action) -> Option<&Bound> {
        ctx.chain().find_map(|c| {
            self.bindings
                .iter()
                .find(|b| b.context == c && b.action == action)
        })
    }

    /// The first key of `action` in `ctx`, as prompts and titles name it.
    pub fn key(&self, ctx: Context, action: Action) -> Key {
        self.binding(ctx, action)
            .and_then(|b| b.keys.first().copied())
            .unwrap_or(plain(Code::Other))
    }

    /// The tab number keys as one label for the footer and the help overlay: the first and last
    /// `GoTab` key (`1-9`) when they are consecutive characters, else each of them (`/`-joined).
    pub fn tab_keys(&self) -> Option<String> {
        let firsts: Vec<Key> = self
            .bindings
            .iter()
            .filter(|b| b.context == Context::Any && matches!(b.action, Action::GoTab(_)))
            .filter_map(|b| b.keys.first().copied())
            .collect();
        let (first, last) = (firsts.first()?, firsts.last()?);
        let consecutive = firsts.windows(2).all(|w| match (w[0].code, w[1].code) {
            (Code::Char(a), Code::Char(b)) => w[0].mods == w[1].mods && a as u32 + 1 == b as u32,
            _ => false,
        });
        Some(if firsts.len() == 1 {
            first.to_string()
        } else if consecutive {
            format!("{first}-{last}")
        } else {
            firsts.iter().map(Key::to_string).collect::<Vec<_>>().join("/")
        })
    }

    /// (keys, what) pairs for the footer in a context, most important first. A context's own
    /// binding for an action hides a fallback's.
    pub fn footer(&self, ctx: Context) -> Vec<(String, &'static str)> {
        let mut v: Vec<(u8, usize, String, &str)> = Vec::new();
        for c in ctx.chain() {
            for (at, b) in self.bindings.iter().enumerate() {
                if b.context != c || b.footer.is_empty() {
                    continue;
                }
                let hidden = c != ctx && self.binding(ctx, b.action).is_some_and(|own| own.context != c);
                if !hidden {
                    v.push((b.importance, at, b.label(), b.footer));
                }
            }
        }
        if ctx.chain().any(|c| c == Context::Any)
            && let Some(label) = self.tab_keys()
        {
            v.push((TABS_FOOTER.1, self.bindings.len(), label, TABS_FOOTER.0));
        }
        v.sort_by_key(|(importance, at, _, _)| (*importance, *at)); // Table order within one importance.
        v.into_iter().map(|(_, _, k, w)| (k, w)).collect()
    }

    /// The indexes of `action`'s bindings in `ctx` itself (not its fallbacks).
    pub fn bound_in(&self, ctx: Context, action: Action) -> Vec<usize> {
        (0..self.bindings.len())
            .filter(|&i| self.bindings[i].context == ctx && self.bindings[i].action == action)
            .collect()
    }

    /// Where `action` is bound, each context once, in table order.
    pub fn contexts_of(&self, action: Action) -> Vec<Context> {
        let mut out = Vec::new();
        for b in self.bindings.iter().filter(|b| b.action == action) {
            if !out.contains(&b.context) {
                out.push(b.context);
            }
        }
        out
    }

    /// Give binding `i` the user's keys (all shown). `keys` must not be empty.
    pub fn rebind(&mut self, i: usize, keys: Vec<Key>) {
        let b = &mut self.bindings[i];
        b.shown = keys.len();
        b.keys = keys;
        b.user = true;
    }

    /// Put binding `i`'s default keys back.
    pub fn restore(&mut self, i: usize) {
        self.bindings[i] = Bound::of(&KEYMAP[i]);
    }

    /// Every pair of bindings of different actions that share a key where both apply: in one
    /// context, or — when one of them is the user's — where one context falls back to the other
    /// (a key in `table` that `any` also binds), since then one of them can never be reached
    /// there. (`KEYMAP`'s own overrides, like the `?` overlay's Esc over the table's, are
    /// deliberate.) `any key` bindings collide with nothing.
    pub fn collisions(&self) -> Vec<Collision> {
        let mut out = Vec::new();
        let bs = &self.bindings;
        for a in 0..bs.len() {
            for b in a + 1..bs.len() {
                let (x, y) = (&bs[a], &bs[b]);
                if x.action == y.action {
                    continue;
                }
                let related = x.context == y.context
                    || ((x.user || y.user)
                        && (x.context.chain().any(|c| c == y.context)
                            || y.context.chain().any(|c| c == x.context)));
                if !related {
                    continue;
                }
                if let Some(k) = x.keys.iter().find(|k| k.code != Code::Any && y.keys.contains(k)) {
                    out.push(Collision { key: *k, a, b });
                }
            }
        }
        out
    }
}

static DEFAULT: LazyLock<Keys> = LazyLock::new(Keys::default);
static ACTIVE: OnceLock<Keys> = OnceLock::new();

/// Make `keys` the explorer's table for the rest of the process; false if one was installed.
pub fn install(keys: Keys) -> bool {
    ACTIVE.set(keys).is_ok()
}

/// The table in use: the installed one, else the defaults.
pub fn active() -> &'static Keys {
    ACTIVE.get().unwrap_or(&DEFAULT)
}
