//! The config file: reading, each diagnostic with its line:col, override semantics, labels.

use super::*;
use crate::tui::keymap::{Code, ch, ctrl, plain};

fn read(text: &str) -> Config {
    parse("config.toml", text, Path::new("/home/u/.config/marketlens"))
}

/// Each diagnostic as `line:col: message`.
fn problems(c: &Config) -> Vec<String> {
    c.diagnostics
        .iter()
        .map(|d| {
            let (l, col) = d.line_col(&c.files).unwrap_or((0, 0));
            format!("{l}:{col}: {}", d.message)
        })
        .collect()
}

#[test]
fn an_empty_file_is_the_defaults() {
    let c = read("");
    assert!(c.diagnostics.is_empty());
    assert_eq!(c.keys, Keys::default());
    assert_eq!(c.kb, None);
    assert_eq!(c.export_dir, None);
    assert!(c.colours.is_empty());
}

#[test]
fn paths_are_relative_to_the_file() {
    let c = read("kb = \"kb\"\nexport_dir = \"/tmp/out\"\n");
    assert!(c.diagnostics.is_empty(), "{:?}", problems(&c));
    assert_eq!(c.kb.as_deref(), Some(Path::new("/home/u/.config/marketlens/kb")));
    assert_eq!(c.export_dir.as_deref(), Some(Path::new("/tmp/out")));
}

#[test]
fn a_user_binding_replaces_the_keys_and_the_labels_follow() {
    let c = read("[keys]\nquit = [\"b\", \"ctrl-c\"]\ndown = \"ctrl-n\"\n");
    assert!(c.diagnostics.is_empty(), "{:?}", problems(&c));
    let k = &c.keys;
    assert_eq!(k.action_for(ch('b'), Context::Table), Some(Action::Quit));
    assert_eq!(k.action_for(ch('q'), Context::Table), None, "q no longer quits");
    assert_eq!(k.action_for(ctrl('n'), Context::Detail), Some(Action::Down));
    assert_eq!(k.action_for(ch('j'), Context::Table), None, "j no longer moves");
    // The `?` overlay (and the `Help` context's scrolling) follow the table.
    assert_eq!(k.action_for(ctrl('n'), Context::Help), Some(Action::Down));
    // Labels: the footer names the user's keys.
    let footer = k.footer(Context::Table);
    assert!(footer.contains(&("b/Ctrl-c".to_string(), "quit")), "{footer:?}");
    assert!(footer.contains(&("Ctrl-n".to_string(), "down")), "{footer:?}");
    assert_eq!(k.key(Context::Any, Action::Down), ctrl('n'));
    // `[keys]` is the main screen: the loading screen and the column chooser keep theirs.
    assert_eq!(k.action_for(ch('q'), Context::Loading), Some(Action::Quit));
    assert_eq!(k.action_for(ch('j'), Context::Columns), Some(Action::Down));
    // Typing a query: `down` there is its own (Ctrl-n; ↓ recalls a later query).
    assert_eq!(k.action_for(ctrl('n'), Context::Input), Some(Action::Down));
    assert_eq!(
        k.action_for(plain(Code::Down), Context::Input),
        Some(Action::HistoryNewer)
    );
}

#[test]
fn a_context_table_sets_that_context_only_and_wins() {
    let c = read(
        "[keys]\naccept = \"ctrl-y\"\n[keys.input]\ndown = [\"ctrl-j\", \"ctrl-o\"]\n[keys.columns]\naccept = \"Tab\"\n",
    );
    assert!(c.diagnostics.is_empty(), "{:?}", problems(&c));
    let k = &c.keys;
    assert_eq!(k.action_for(ctrl('j'), Context::Input), Some(Action::Down));
    assert_eq!(
        k.action_for(ctrl('n'), Context::Input),
        None,
        "ctrl-n no longer moves there"
    );
    assert_eq!(
        k.action_for(ch('j'), Context::Table),
        Some(Action::Down),
        "the table keeps j"
    );
    // `accept` is bound on no main screen: `[keys]` sets it everywhere, `[keys.columns]` wins.
    assert_eq!(k.action_for(ctrl('y'), Context::Input), Some(Action::Accept));
    assert_eq!(k.action_for(ctrl('y'), Context::Export), Some(Action::Accept));
    assert_eq!(
        k.action_for(plain(Code::Tab), Context::Columns),
        Some(Action::Accept)
    );
    assert_eq!(k.action_for(ctrl('y'), Context::Columns), None);
    assert_eq!(k.tab_keys().as_deref(), Some("1-9"));
}

#[test]
fn tab_keys_read_as_one_label_or_each() {
    let c = read("[keys]\ntab-1 = \"F2\"\n");
    assert!(c.diagnostics.is_empty(), "{:?}", problems(&c));
    assert_eq!(c.keys.tab_keys().as_deref(), Some("F2/2/3/4/5/6/7/8/9"));
    assert_eq!(
        c.keys.action_for(plain(Code::F(2)), Context::Table),
        Some(Action::GoTab(0))
    );
    // F1 is `help`'s (a quiet alias, not on screen, but bound all the same).
    let c = read("[keys]\ntab-1 = \"F1\"\n");
    assert_eq!(
        problems(&c),
        ["2:9: `F1` for `tab-1` is already `help`'s key in any"]
    );
}

#[test]
fn unknown_action_with_a_suggestion() {
    let c = read("[keys]\nqiut = \"x\"\n");
    assert_eq!(problems(&c), ["2:1: unknown action `qiut`"]);
    assert_eq!(c.diagnostics[0].help.as_deref(), Some("did you mean `quit`?"));
    assert_eq!(c.keys, Keys::default());
    let shown = c.render_diagnostics();
    assert!(
        shown.starts_with("config.toml:2:1: error: unknown action `qiut`"),
        "{shown}"
    );
    assert!(shown.contains("^^^^"), "a caret under the name: {shown}");
}

#[test]
fn bad_key_syntax_keeps_the_defaults() {
    let c = read("[keys]\ndown = [\"j\", \"ctrl-\u{2192}x\", \"PageDownn\"]\n");
    let p = problems(&c);
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p[0].starts_with("2:14: unknown key `ctrl-→x`"), "{p:?}");
    assert!(p[1].starts_with("2:25: unknown key `PageDownn`"), "{p:?}");
    assert_eq!(c.keys, Keys::default());
}

#[test]
fn key_spellings() {
    for (s, k) in [
        ("ctrl-c", ctrl('c')),
        ("Ctrl-c", ctrl('c')),
        ("CTRL+c", ctrl('c')),
        ("G", ch('G')),
        ("space", ch(' ')),
        ("Space", ch(' ')),
        ("pagedown", plain(Code::PageDown)),
        ("PgDn", plain(Code::PageDown)),
        ("down", plain(Code::Down)),
        ("↓", plain(Code::Down)),
        ("alt-left", crate::tui::keymap::alt(Code::Left)),
        ("shift-tab", plain(Code::BackTab)),
        ("f5", plain(Code::F(5))),
        ("ctrl--", ctrl('-')),
    ] {
        assert_eq!(Key::parse_config(s), Ok(k), "{s}");
    }
    for s in ["", "any key", "shift-g", "ctrl-", "F25", "hyper-x", "jj"] {
        assert!(Key::parse_config(s).is_err(), "{s} should not read");
    }
}

#[test]
fn a_conflict_is_reported_and_the_line_ignored() {
    // `k` is `up`'s: `down` keeps j/↓.
    let c = read("[keys]\ndown = [\"n\", \"k\"]\n");
    assert_eq!(
        problems(&c),
        ["2:14: `k` for `down` is already `up`'s key in any"]
    );
    assert_eq!(c.keys, Keys::default());
    let help = c.diagnostics[0].help.as_deref().unwrap();
    assert!(help.contains("`down` keeps its default keys (j/↓)"), "{help}");
    // Rebinding `up` too makes the swap fine.
    let c = read("[keys]\ndown = \"k\"\nup = \"j\"\n");
    assert!(c.diagnostics.is_empty(), "{:?}", problems(&c));
    assert_eq!(c.keys.action_for(ch('k'), Context::Table), Some(Action::Down));
    assert!(c.keys.collisions().is_empty());
}

#[test]
fn a_conflict_across_a_fallback_is_reported() {
    // `p` is the table's `pivot`: `help` on `p` in `any` could never be reached in the table.
    let c = read("[keys]\nhelp = \"p\"\n");
    assert_eq!(
        problems(&c),
        ["2:8: `p` for `help` is already `pivot`'s key in table"]
    );
    // Two user lines on one key: both reported, both ignored.
    let c = read("[keys]\ntop = \"ctrl-t\"\nbottom = \"ctrl-t\"\n");
    assert_eq!(c.diagnostics.len(), 2, "{:?}", problems(&c));
    assert_eq!(c.keys, Keys::default());
}

#[test]
fn an_action_not_in_that_context() {
    let c = read("[keys.input]\noverwrite = \"o\"\n");
    assert_eq!(
        problems(&c),
        ["2:1: `overwrite` has no keys in `[keys.input]` to replace"]
    );
    assert_eq!(c.diagnostics[0].help.as_deref(), Some("it is bound in: confirm"));
}

#[test]
fn unknown_context_field_and_role() {
    let c = read("colour = 1\n[keys.inptu]\ndown = \"j\"\n[theme]\naccnet = \"red\"\n");
    assert_eq!(
        problems(&c),
        [
            "1:1: unknown field `colour`",
            "2:7: unknown key context `inptu`",
            "5:1: unknown theme role `accnet`"
        ]
    );
    let helps: Vec<_> = c.diagnostics.iter().map(|d| d.help.clone().unwrap()).collect();
    assert_eq!(helps[1], "did you mean `input`?");
    assert_eq!(helps[2], "did you mean `accent`?");
    assert!(
        helps[0].starts_with("expected one of: kb, export_dir, keys, theme"),
        "{}",
        helps[0]
    );
}

#[test]
fn bad_colours_and_types() {
    let c = read(
        "kb = 3\n[keys]\nquit = 5\n[theme]\naccent = \"bluish\"\nwarn = \"#ff0000\"\nlink = \"default\"\n",
    );
    assert_eq!(
        problems(&c),
        [
            "1:6: `kb` must be a path (a string), not a number",
            "3:8: `quit`'s keys must be a key or a list of keys, not a number",
            "5:10: bad colour `bluish`"
        ]
    );
    let warn = ROLES.iter().find(|r| r.name == "warn").unwrap();
    let link = ROLES.iter().find(|r| r.name == "link").unwrap();
    assert_eq!(c.colours.len(), 2);
    assert!(c.colours.contains(&(*warn, Some(Color::Rgb(255, 0, 0)))));
    assert!(c.colours.contains(&(*link, None)));
    let t = Theme::colour().with_colours(&c.colours);
    assert_eq!(t.warn.fg, Some(Color::Rgb(255, 0, 0)));
    assert_eq!(
        t.accent,
        Theme::colour().accent,
        "the bad colour left the default"
    );
}

#[test]
fn a_toml_syntax_error_is_one_diagnostic_and_the_defaults() {
    let c = read("[keys]\nquit = \"x\n");
    let p = problems(&c);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].starts_with("2:"), "{p:?}");
    assert_eq!(c.keys, Keys::default());
}

#[test]
fn the_default_file_reads_back_as_the_defaults() {
    let text = default_file(None);
    let c = read(&text);
    assert!(c.diagnostics.is_empty(), "{}", c.render_diagnostics());
    assert_eq!(c.keys, Keys::default());
    assert_eq!(Theme::colour().with_colours(&c.colours), Theme::colour());
    assert_eq!(c.colours.len(), ROLES.len(), "every role is listed");
    // Every bindable action is named, every role too.
    for a in actions() {
        assert!(
            text.lines().any(|l| l.starts_with(&format!("{} = ", a.name()))),
            "{} missing",
            a.name()
        );
    }
    for r in ROLES {
        assert!(text.contains(&format!("\n{} = ", r.name)), "{} missing", r.name);
    }
    assert!(text.contains("quit = [\"q\", \"Ctrl-c\"]  # quit"), "{text}");
}

/// Each line of the default file's key tables, given an unused key on its own, changes some
/// bindings and nothing else; together the lines reach every binding of the table (but `keep`,
/// "any other key").
#[test]
fn the_default_file_covers_every_binding() {
    let text = default_file(None);
    let lines: Vec<&str> = text.lines().collect();
    let defaults = Keys::default();
    let mut reached = vec![false; defaults.bindings().len()];
    let mut in_keys = false;
    for (at, line) in lines.iter().enumerate() {
        if line.starts_with('[') {
            in_keys = line.starts_with("[keys");
            continue;
        }
        let Some((name, _)) = line.split_once(" = ") else {
            continue;
        };
        if !in_keys || line.starts_with('#') {
            continue;
        }
        let mut changed = lines.clone();
        let replaced = format!("{name} = \"F20\"");
        changed[at] = &replaced;
        let c = read(&changed.join("\n"));
        assert!(c.diagnostics.is_empty(), "{line}: {}", c.render_diagnostics());
        let mut any = false;
        for (i, (b, d)) in c.keys.bindings().iter().zip(defaults.bindings()).enumerate() {
            if b != d {
                assert_eq!(b.keys, [plain(Code::F(20))], "{line}");
                assert_eq!(b.action.name(), name, "{line}");
                reached[i] = true;
                any = true;
            }
        }
        assert!(any, "{line} changed nothing");
    }
    for (i, b) in defaults.bindings().iter().enumerate() {
        let any_key = b.keys.iter().any(|k| k.code == Code::Any);
        assert!(
            reached[i] || any_key,
            "{} in {} is in no line of the default file",
            b.action.name(),
            b.context.name()
        );
    }
}

#[test]
fn every_action_has_a_unique_name_and_contexts_are_all_listed() {
    let names = action_names();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), names.len(), "action names are unique");
    for n in &names {
        assert!(
            n.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{n} is kebab-case"
        );
        assert_eq!(action_named(n).map(Action::name), Some(*n));
    }
    for b in KEYMAP {
        assert!(Context::ALL.contains(&b.context), "{:?}", b.context);
    }
    // `[keys]` holds actions and the contexts' tables side by side: no name may be both.
    for c in Context::ALL {
        assert!(
            action_named(c.name()).is_none(),
            "context {} is also an action",
            c.name()
        );
    }
}

#[test]
fn a_missing_file_is_the_defaults_only_where_nobody_named_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let c = load(&Place::Platform(path.clone()));
    assert!(c.diagnostics.is_empty());
    let c = load(&Place::Flag(path.clone()));
    assert_eq!(c.diagnostics.len(), 1);
    assert!(
        c.render_diagnostics().contains("cannot read the config file"),
        "{}",
        c.render_diagnostics()
    );
    std::fs::write(&path, "[keys]\nquit = \"b\"\n").unwrap();
    let c = load(&Place::Flag(path.clone()));
    assert!(c.diagnostics.is_empty());
    assert_eq!(c.path.as_deref(), Some(path.as_path()));
    assert_eq!(c.keys.action_for(ch('b'), Context::Table), Some(Action::Quit));
}

#[test]
fn a_typing_context_keeps_its_characters() {
    let c = read("[keys.input]\ndown = [\"ctrl-j\", \"j\"]\n");
    assert_eq!(
        problems(&c),
        ["2:19: `j` types a character in input: `down` cannot have it there"]
    );
    assert_eq!(c.keys, Keys::default());
    // `[keys]` for an action bound only while typing: the same rule.
    let c = read("[keys]\ndelete-word = \"w\"\n");
    assert_eq!(
        problems(&c),
        ["2:15: `w` types a character in edit: `delete-word` cannot have it there"]
    );
    // Space types too; a named key or a modified one is fine.
    assert_eq!(read("[keys.edit]\nclear-line = \"space\"\n").diagnostics.len(), 1);
    assert!(
        read("[keys.edit]\nclear-line = [\"F5\", \"alt-u\"]\n")
            .diagnostics
            .is_empty()
    );
}
