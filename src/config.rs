//! The user's config file: the default KB, the export folder, key bindings and colours.
//!
//! Looked for at `--config PATH`, else `$MARKETLENS_CONFIG`, else `config.toml` in the platform's
//! config folder for `marketlens` (through `etcetera`: `$XDG_CONFIG_HOME/marketlens/config.toml`,
//! else `~/.config/marketlens/config.toml` on Linux and macOS, `%APPDATA%` on Windows). No file
//! at the platform's place means the defaults; a file named by `--config` or the variable must
//! exist.
//!
//! ```toml
//! kb = "~/notes/kb"          # the KB when --kb is not given (relative to this file)
//! export_dir = "exports"     # where e, E and chart exports go (relative to this file)
//! [keys]                     # action = key or [keys]: the main screen (table, detail, grouped)
//! quit = ["x", "ctrl-c"]
//! [keys.input]               # one context: input, palette, edit, export, confirm, help, …
//! down = ["ctrl-j", "down"]
//! [theme]                    # role = colour name, #rrggbb, 0-255 or "default"
//! accent = "magenta"
//! ```
//!
//! A user binding replaces the action's keys: under `[keys]` in every context of the main screen
//! where the action is bound (`any`, `table`, `detail`, `grouped`; an action bound in none of them,
//! like `delete-word`, in every context where it is), under `[keys.CONTEXT]` in that context
//! only (it wins over `[keys]`). Problems are diagnostics like the KB's (file:line:col, a caret,
//! "did you mean"); a bad part is left at its default and the rest applies, so a bad config never
//! stops the explorer.

use std::ops::Range;
use std::path::{Path, PathBuf};

use ratatui::style::Color;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::kb::diag::{Diagnostic, SourceFile};
use crate::kb::hint::did_you_mean;
use crate::tui::keymap::{Action, Context, KEYMAP, Key, Keys};
use crate::tui::theme::{self, ROLES, Role, Theme};

/// The environment variable naming the config file (below `--config`).
pub const CONFIG_VAR: &str = "MARKETLENS_CONFIG";

/// The top-level fields a config file may have.
const FIELDS: &[&str] = &["kb", "export_dir", "keys", "theme"];

/// A config file is a few hundred bytes; a larger one is refused.
const MAX_BYTES: u64 = 1 << 20;

/// Where the config file is looked for, and why there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// `--config PATH`.
    Flag(PathBuf),
    /// `$MARKETLENS_CONFIG`.
    Env(PathBuf),
    /// The platform's config folder.
    Platform(PathBuf),
}

impl Place {
    pub fn path(&self) -> &Path {
        match self {
            Place::Flag(p) | Place::Env(p) | Place::Platform(p) => p,
        }
    }

    /// Whether the user named the file (then it must exist).
    pub fn named(&self) -> bool {
        !matches!(self, Place::Platform(_))
    }
}

/// Where the config file is: `--config`, else `$MARKETLENS_CONFIG` (when set and not empty), else
/// the platform's config folder. `Err` when there is no home folder to find that in.
pub fn place(flag: Option<&Path>) -> Result<Place, String> {
    if let Some(p) = flag {
        return Ok(Place::Flag(p.to_path_buf()));
    }
    if let Some(p) = std::env::var_os(CONFIG_VAR).filter(|v| !v.is_empty()) {
        return Ok(Place::Env(PathBuf::from(p)));
    }
    use etcetera::BaseStrategy;
    let base = etcetera::base_strategy::choose_base_strategy()
        .map_err(|e| format!("cannot find the config folder: {e}"))?;
    Ok(Place::Platform(
        base.config_dir().join("marketlens").join("config.toml"),
    ))
}

/// A config file read: its settings (the defaults where it says nothing or something wrong) and
/// its problems.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The file read, if one was.
    pub path: Option<PathBuf>,
    /// The KB to open when `--kb` is not given.
    pub kb: Option<PathBuf>,
    /// Where the explorer's exports go.
    pub export_dir: Option<PathBuf>,
    /// The key table: `KEYMAP` with the user's bindings in place.
    pub keys: Keys,
    /// Colours per role (`None`: the terminal's own).
    pub colours: Vec<(Role, Option<Color>)>,
    /// The file's text, for rendering diagnostics.
    pub files: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Config {
    /// The theme: colour with the user's colours, or plain under `NO_COLOR`.
    pub fn theme(&self) -> Theme {
        Theme::from_env_with(&self.colours)
    }

    /// Every diagnostic, rendered as `check` renders the KB's.
    pub fn render_diagnostics(&self) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            out.push_str(&d.render(&self.files));
            out.push('\n');
        }
        out
    }

    /// One line for the explorer's status line when the file has problems: how many, the first
    /// one's headline and where to see them all.
    pub fn notice(&self) -> Option<String> {
        let first = self.diagnostics.first()?;
        let n = self.diagnostics.len();
        let more = if n > 1 {
            format!(" (+{} more)", n - 1)
        } else {
            String::new()
        };
        Some(format!(
            "config: {}{more} · defaults used · `marketlens config --check`",
            first.headline(&self.files)
        ))
    }
}

/// Read the config file at `place` ([`place`]). A missing file at the platform's place is the
/// defaults; every other problem is a diagnostic, with the defaults for what it spoils.
pub fn load(place: &Place) -> Config {
    let path = place.path();
    let name = path.display().to_string();
    match crate::fsutil::read_regular_limited(path, MAX_BYTES) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let dir = path.parent().unwrap_or(Path::new("."));
            let mut c = parse(&name, &text, dir);
            c.path = Some(path.to_path_buf());
            c
        }
        Err(crate::fsutil::ReadError::Io { error, .. })
            if error.kind() == std::io::ErrorKind::NotFound && !place.named() =>
        {
            Config::default()
        }
        Err(e) => Config {
            files: vec![SourceFile {
                name: name.clone(),
                text: String::new(),
            }],
            diagnostics: vec![Diagnostic::error(
                Some(0),
                None,
                format!("cannot read the config file: {e}"),
            )],
            ..Config::default()
        },
    }
}

/// One user binding: the action's name where it was written and its keys, each with its span.
struct Entry {
    action: Action,
    keys: Vec<(Key, Range<usize>)>,
    /// The [`KEYMAP`] lines it rebinds.
    targets: Vec<usize>,
    /// Put back to the defaults after a collision.
    dropped: bool,
}

/// Read a config file's text (`name` for diagnostics; `dir` for its relative paths).
pub fn parse(name: &str, text: &str, dir: &Path) -> Config {
    let mut c = Config {
        files: vec![SourceFile {
            name: name.to_string(),
            text: text.to_string(),
        }],
        ..Config::default()
    };
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            c.diagnostics.push(Diagnostic::error(
                Some(0),
                e.span(),
                e.message().trim_end().to_string(),
            ));
            return c;
        }
    };
    let mut p = Parser {
        diags: Vec::new(),
        entries: Vec::new(),
    };
    let mut keys_table = None;
    for (k, v) in doc.get_ref() {
        match k.get_ref().as_ref() {
            "kb" => c.kb = p.path(k, v, dir),
            "export_dir" => c.export_dir = p.path(k, v, dir),
            "keys" => keys_table = Some(v),
            "theme" => c.colours = p.theme(v),
            other => p.unknown(k, other, FIELDS, "field"),
        }
    }
    if let Some(v) = keys_table {
        c.keys = p.keys(v);
    }
    let mut diags = p.diags;
    diags.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
    c.diagnostics = diags;
    c
}

struct Parser {
    diags: Vec<Diagnostic>,
    entries: Vec<Entry>,
}

/// A value's kind in words, for "must be …, not …".
fn kind_of(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "a number",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

impl Parser {
    fn error(&mut self, span: Range<usize>, msg: String, help: Option<String>) {
        self.diags
            .push(Diagnostic::error(Some(0), Some(span), msg).with_help(help));
    }

    fn unknown(&mut self, k: &Spanned<std::borrow::Cow<'_, str>>, word: &str, known: &[&str], what: &str) {
        let help = did_you_mean(word, known).map(|m| format!("did you mean `{m}`?"));
        let help = help.or_else(|| Some(format!("expected one of: {}", known.join(", "))));
        self.error(k.span(), format!("unknown {what} `{word}`"), help);
    }

    /// `kb` or `export_dir`: a path, relative to the config file's folder; `~/` is the home folder.
    fn path(
        &mut self,
        k: &Spanned<std::borrow::Cow<'_, str>>,
        v: &Spanned<DeValue<'_>>,
        dir: &Path,
    ) -> Option<PathBuf> {
        let DeValue::String(s) = v.get_ref() else {
            let msg = format!(
                "`{}` must be a path (a string), not {}",
                k.get_ref(),
                kind_of(v.get_ref())
            );
            self.error(v.span(), msg, None);
            return None;
        };
        if s.is_empty() {
            self.error(v.span(), format!("`{}` is empty", k.get_ref()), None);
            return None;
        }
        if let Some(rest) = s.strip_prefix("~/")
            && let Ok(home) = etcetera::home_dir()
        {
            return Some(home.join(rest));
        }
        Some(dir.join(s.as_ref()))
    }

    fn theme(&mut self, v: &Spanned<DeValue<'_>>) -> Vec<(Role, Option<Color>)> {
        let DeValue::Table(t) = v.get_ref() else {
            let msg = format!(
                "`theme` must be a table of role = colour, not {}",
                kind_of(v.get_ref())
            );
            self.error(v.span(), msg, None);
            return Vec::new();
        };
        let names: Vec<&str> = ROLES.iter().map(|r| r.name).collect();
        let mut out = Vec::new();
        for (k, v) in t {
            let Some(role) = ROLES.iter().find(|r| r.name == k.get_ref().as_ref()) else {
                self.unknown(k, k.get_ref(), &names, "theme role");
                continue;
            };
            let DeValue::String(s) = v.get_ref() else {
                let msg = format!(
                    "a colour is a string (`\"cyan\"`, `\"#1e90ff\"`), not {}",
                    kind_of(v.get_ref())
                );
                self.error(v.span(), msg, None);
                continue;
            };
            match parse_colour(s) {
                Ok(c) => out.push((*role, c)),
                Err(()) => self.error(
                    v.span(),
                    format!("bad colour `{s}`"),
                    Some(
                        "expected a colour name (black, red, green, yellow, blue, magenta, cyan, gray, \
                         darkgray, lightred … white), `#rrggbb`, a number 0-255, or `default`"
                            .into(),
                    ),
                ),
            }
        }
        out
    }

    fn keys(&mut self, v: &Spanned<DeValue<'_>>) -> Keys {
        let mut keys = Keys::default();
        let DeValue::Table(t) = v.get_ref() else {
            let msg = format!(
                "`keys` must be a table of action = key(s), not {}",
                kind_of(v.get_ref())
            );
            self.error(v.span(), msg, None);
            return keys;
        };
        // `[keys]` first, then the contexts' own tables, which win.
        for (k, v) in t {
            if !matches!(v.get_ref(), DeValue::Table(_)) {
                self.entry(&mut keys, None, k, v);
            }
        }
        let contexts: Vec<&str> = Context::ALL.iter().map(|c| c.name()).collect();
        for (k, v) in t {
            let DeValue::Table(inner) = v.get_ref() else {
                continue;
            };
            let Some(ctx) = Context::ALL.iter().find(|c| c.name() == k.get_ref().as_ref()) else {
                if action_named(k.get_ref()).is_some() {
                    let msg = format!(
                        "`{}`'s keys must be a key or a list of keys, not a table",
                        k.get_ref()
                    );
                    self.error(v.span(), msg, None);
                } else {
                    self.unknown(k, k.get_ref(), &contexts, "key context");
                }
                continue;
            };
            for (k, v) in inner {
                self.entry(&mut keys, Some(*ctx), k, v);
            }
        }
        self.settle(&mut keys);
        keys
    }

    /// One `action = keys` line, in `ctx` (`None`: `[keys]`, the main screen).
    fn entry(
        &mut self,
        keys: &mut Keys,
        ctx: Option<Context>,
        k: &Spanned<std::borrow::Cow<'_, str>>,
        v: &Spanned<DeValue<'_>>,
    ) {
        let name = k.get_ref().as_ref();
        let Some(action) = action_named(name) else {
            let names = action_names();
            self.unknown(k, name, &names, "action");
            return;
        };
        let values: Vec<&Spanned<DeValue<'_>>> = match v.get_ref() {
            DeValue::String(_) => vec![v],
            DeValue::Array(a) => a.iter().collect(),
            other => {
                let msg = format!(
                    "`{name}`'s keys must be a key or a list of keys, not {}",
                    kind_of(other)
                );
                self.error(v.span(), msg, None);
                return;
            }
        };
        if values.is_empty() {
            let msg = format!("`{name}` needs at least one key");
            self.error(
                v.span(),
                msg,
                Some("leave the line out to keep its default keys".into()),
            );
            return;
        }
        let mut parsed: Vec<(Key, Range<usize>)> = Vec::new();
        let mut ok = true;
        for item in values {
            let DeValue::String(s) = item.get_ref() else {
                let msg = format!(
                    "a key is a string (`\"j\"`, `\"ctrl-n\"`), not {}",
                    kind_of(item.get_ref())
                );
                self.error(item.span(), msg, None);
                ok = false;
                continue;
            };
            match Key::parse_config(s) {
                Ok(key) if parsed.iter().all(|(k, _)| *k != key) => parsed.push((key, item.span())),
                Ok(_) => {} // Said twice: once is enough.
                Err(e) => {
                    self.error(item.span(), e.to_string(), None);
                    ok = false;
                }
            }
        }
        if !ok {
            return;
        }
        let targets: Vec<usize> = match ctx {
            Some(ctx) => keys.bound_in(ctx, action),
            None => {
                let all = keys.contexts_of(action);
                let main: Vec<Context> = all.iter().copied().filter(|c| c.is_main()).collect();
                let ctxs = if main.is_empty() { all } else { main };
                ctxs.into_iter().flat_map(|c| keys.bound_in(c, action)).collect()
            }
        };
        if targets.is_empty() {
            let ctx = ctx.map_or("keys", Context::name);
            let bound: Vec<&str> = keys.contexts_of(action).into_iter().map(Context::name).collect();
            self.error(
                k.span(),
                format!("`{name}` has no keys in `[keys.{ctx}]` to replace"),
                Some(format!("it is bound in: {}", bound.join(", "))),
            );
            return;
        }
        // While typing, a key that types a character must type it.
        let typing = targets.iter().find_map(|&t| {
            let ctx = keys.bindings()[t].context;
            matches!(
                ctx,
                Context::Input | Context::Palette | Context::Edit | Context::Export | Context::Views
            )
            .then_some(ctx)
        });
        if let Some(ctx) = typing
            && let Some((key, span)) = parsed.iter().find(|(k, _)| k.typed().is_some())
        {
            self.error(
                span.clone(),
                format!(
                    "`{key}` types a character in {}: `{name}` cannot have it there",
                    ctx.name()
                ),
                Some("use a named key (Enter, ↓, F5 …) or one with ctrl- or alt-".into()),
            );
            return;
        }
        // A context's own line wins over `[keys]`: the earlier entry gives those lines up.
        for e in &mut self.entries {
            e.targets.retain(|t| !targets.contains(t));
        }
        let new: Vec<Key> = parsed.iter().map(|(k, _)| *k).collect();
        for &t in &targets {
            // The default keys again are no change (so `config --default` reads back as is).
            if KEYMAP[t].keys != new.as_slice() {
                keys.rebind(t, new.clone());
            } else {
                keys.restore(t);
            }
        }
        self.entries.push(Entry {
            action,
            keys: parsed,
            targets,
            dropped: false,
        });
    }

    /// Report each user key that another action already has in the same place, and put that
    /// user binding back to its defaults; again until nothing collides.
    fn settle(&mut self, keys: &mut Keys) {
        loop {
            let collisions = keys.collisions();
            let mut changed = false;
            for c in collisions {
                for (mine, other) in [(c.a, c.b), (c.b, c.a)] {
                    if !keys.bindings()[mine].user {
                        continue;
                    }
                    let Some(e) = self
                        .entries
                        .iter_mut()
                        .find(|e| !e.dropped && e.targets.contains(&mine))
                    else {
                        continue;
                    };
                    e.dropped = true;
                    for &t in &e.targets {
                        keys.restore(t);
                    }
                    let span = e
                        .keys
                        .iter()
                        .find(|(k, _)| *k == c.key)
                        .map(|(_, s)| s.clone())
                        .unwrap_or(0..0);
                    let theirs = &keys.bindings()[other];
                    let msg = format!(
                        "`{}` for `{}` is already `{}`'s key in {}",
                        c.key,
                        e.action.name(),
                        theirs.action.name(),
                        theirs.context.name()
                    );
                    let kept = keys.bindings()[mine].label();
                    let help = format!(
                        "choose another key, or rebind `{}` too; `{}` keeps its default keys ({kept})",
                        theirs.action.name(),
                        e.action.name()
                    );
                    self.diags
                        .push(Diagnostic::error(Some(0), Some(span), msg).with_help(Some(help)));
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }
}

/// Every action of the key table one can bind, each once, in table order (not `keep`, which
/// is "any other key").
pub fn actions() -> Vec<Action> {
    let mut out: Vec<Action> = Vec::new();
    for b in KEYMAP {
        let any_key = b.keys.iter().any(|k| k.code == crate::tui::keymap::Code::Any);
        if !any_key && !out.contains(&b.action) {
            out.push(b.action);
        }
    }
    out
}

fn action_names() -> Vec<&'static str> {
    actions().into_iter().map(Action::name).collect()
}

/// The action of the key table with this name.
pub fn action_named(name: &str) -> Option<Action> {
    actions().into_iter().find(|a| a.name() == name)
}

/// `default`, `none` or nothing: the terminal's own colour; else a colour ratatui reads.
fn parse_colour(s: &str) -> Result<Option<Color>, ()> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" | "default" | "none" => Ok(None),
        _ => s.trim().parse::<Color>().map(Some).map_err(|_| ()),
    }
}

/// A TOML string.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn key_list(keys: &[Key]) -> String {
    if let [one] = keys {
        return quoted(&one.to_string());
    }
    let parts: Vec<String> = keys.iter().map(|k| quoted(&k.to_string())).collect();
    format!("[{}]", parts.join(", "))
}

/// `marketlens config --default`: a commented file with every setting at its default, generated
/// from the key table and the theme's roles; it reads back as the defaults.
pub fn default_file(place: Option<&Place>) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    s.push_str("# marketlens config file: every setting at its default.\n");
    if let Some(p) = place {
        let _ = writeln!(
            s,
            "# Read from {} (`marketlens config --path`);",
            p.path().display()
        );
        s.push_str("# `--config PATH` or $MARKETLENS_CONFIG name another. Check it with `marketlens config --check`.\n");
    }
    s.push_str(
        "\n# The KB opened when --kb is not given (relative to this file; default: the built-in KB).\n\
         # kb = \"my-kb\"\n\
         \n# Where the explorer's exports (e, E, a chart's e) are written (relative to this file;\n\
         # default: the folder marketlens was started in).\n\
         # export_dir = \"exports\"\n\
         \n# Keys: action = \"key\" or [\"key\", \"key\"]. A key is a character (`j`, `G`, `?`), a name\n\
         # (Enter, Esc, Tab, Shift-Tab, Backspace, Del, Ins, Home, End, PgUp, PgDn, Space, up, down,\n\
         # left, right, F1-F24), optionally after ctrl-, alt- or shift- (`ctrl-n`, `alt-left`).\n\
         # A line replaces the action's keys. Under [keys]: on the main screen (the table, the detail\n\
         # pane, a grouped table); under [keys.CONTEXT]: there only, winning over [keys]. A key that\n\
         # another action has in the same place is reported and that line ignored.\n\
         # The first keys of a list are named in the footer and the `?` help.\n\
         \n[keys]\n",
    );
    let keys = Keys::default();
    let b = keys.bindings();
    let mut listed = vec![false; b.len()];
    for action in actions() {
        let main: Vec<usize> = (0..b.len())
            .filter(|&i| b[i].action == action && b[i].context.is_main())
            .collect();
        let all: Vec<usize> = (0..b.len()).filter(|&i| b[i].action == action).collect();
        // `[keys]` sets the main screen's lines, or, for an action with none there, all of them.
        let set = if main.is_empty() { &all } else { &main };
        let first = &b[set[0]].keys;
        if set.iter().all(|&i| &b[i].keys == first) {
            let what = set
                .iter()
                .map(|&i| b[i].help)
                .find(|h| !h.is_empty())
                .unwrap_or("");
            let comment = if what.is_empty() {
                String::new()
            } else {
                format!("  # {what}")
            };
            let _ = writeln!(s, "{} = {}{comment}", action.name(), key_list(first));
            for &i in set {
                listed[i] = true;
            }
        }
    }
    for ctx in Context::ALL {
        let rest: Vec<usize> = (0..b.len())
            .filter(|&i| {
                !listed[i]
                    && b[i].context == ctx
                    && b[i].keys.iter().all(|k| k.code != crate::tui::keymap::Code::Any)
            })
            .collect();
        if rest.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n[keys.{}]", ctx.name());
        for i in rest {
            let comment = if b[i].help.is_empty() {
                String::new()
            } else {
                format!("  # {}", b[i].help)
            };
            let _ = writeln!(s, "{} = {}{comment}", b[i].action.name(), key_list(&b[i].keys));
        }
    }
    s.push_str(
        "\n# Colours: role = a colour name (black, red, green, yellow, blue, magenta, cyan, gray,\n\
         # darkgray, lightred, lightgreen, lightyellow, lightblue, lightmagenta, lightcyan, white),\n\
         # \"#rrggbb\", a number 0-255, or \"default\" (the terminal's own). NO_COLOR turns every\n\
         # colour off, whatever this says.\n\
         [theme]\n",
    );
    let mut t = Theme::colour();
    for role in ROLES {
        let fg = (role.style)(&mut t).fg;
        let name = fg.map_or_else(|| "default".to_string(), theme::colour_name);
        let _ = writeln!(s, "{} = {}  # {}", role.name, quoted(&name), role.what);
    }
    s
}

#[cfg(test)]
mod tests;
