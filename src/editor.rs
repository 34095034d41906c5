//! The user's editor: which one (`$VISUAL`, else `$EDITOR`, else the first of `editor`, `vi`,
//! `nano` on `PATH`), its words split as a shell splits them (`code -w`, `"/opt/my editor/ed"`),
//! and how it is told to open a file at a line: `+LINE FILE` for the editors that follow vi's
//! convention, `--goto FILE:LINE` for VS Code and its kin, `FILE:LINE` for others that read that.
//! No terminal here: the explorer suspends itself around [`run`] (`tui::terminal`).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Editors tried, in order, when neither `$VISUAL` nor `$EDITOR` names one (`editor` is Debian's
/// alternative for the system's default editor).
pub const FALLBACKS: [&str; 3] = ["editor", "vi", "nano"];

/// A command line to run: the program and its arguments, and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invocation {
    pub program: String,
    pub args: Vec<OsString>,
    /// `$VISUAL`, `$EDITOR`, or the fallback found on `PATH`.
    pub from: &'static str,
}

impl Invocation {
    /// The program as a person reads it in a message: its words made safe to show.
    pub fn shown(&self) -> String {
        crate::text::escape_controls(&self.program).into_owned()
    }
}

/// How an editor takes a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LineArg {
    /// `+LINE FILE`: vi, vim, neovim, nano, emacs, micro, kakoune, joe, gedit, most others.
    Plus,
    /// `--goto FILE:LINE`: VS Code and the editors built from it.
    Goto,
    /// `FILE:LINE`: Sublime Text, Zed, Helix.
    Colon,
    /// `--line LINE FILE`: the JetBrains IDEs' launchers.
    LineFlag,
}

fn line_arg(program: &str) -> LineArg {
    // The last component, whichever separator the value was written with.
    let base = program
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(program)
        .to_lowercase();
    let base = base.strip_suffix(".exe").unwrap_or(&base);
    match base {
        "code" | "code-insiders" | "code-oss" | "codium" | "vscodium" | "cursor" | "windsurf" => {
            LineArg::Goto
        }
        "subl" | "sublime_text" | "zed" | "zeditor" | "hx" | "helix" => LineArg::Colon,
        "idea" | "idea.sh" | "pycharm" | "pycharm.sh" | "clion" | "goland" | "rustrover" | "webstorm" => {
            LineArg::LineFlag
        }
        _ => LineArg::Plus,
    }
}

/// The command that opens `file` at `line` (1-based) in the editor `visual` or `editor` name
/// (the environment variables' values; empty counts as unset), or else in the first of
/// [`FALLBACKS`] that `on_path` finds. An error says what to set, or what is wrong with the
/// value (an unclosed quote).
pub fn command(
    visual: Option<&str>,
    editor: Option<&str>,
    on_path: impl Fn(&str) -> bool,
    file: &Path,
    line: usize,
) -> Result<Invocation, String> {
    let set = |v: Option<&str>| v.filter(|v| !v.trim().is_empty()).map(str::to_owned);
    let (words, from) = if let Some(v) = set(visual) {
        (split(&v, "$VISUAL")?, "$VISUAL")
    } else if let Some(e) = set(editor) {
        (split(&e, "$EDITOR")?, "$EDITOR")
    } else if let Some(found) = FALLBACKS.iter().find(|p| on_path(p)) {
        (vec![(*found).to_string()], "PATH")
    } else {
        return Err(format!(
            "no editor: set $VISUAL or $EDITOR (none of {} is on PATH)",
            FALLBACKS.join(", ")
        ));
    };
    let mut words = words.into_iter();
    let program = words.next().unwrap_or_default();
    let mut args: Vec<OsString> = words.map(OsString::from).collect();
    // A relative name starting with `-` would read as an option.
    let file: PathBuf = if file.is_relative() && file.to_string_lossy().starts_with('-') {
        Path::new(".").join(file)
    } else {
        file.to_path_buf()
    };
    let at_line = || {
        let mut s = file.clone().into_os_string();
        s.push(format!(":{line}"));
        s
    };
    match line_arg(&program) {
        LineArg::Plus => {
            args.push(format!("+{line}").into());
            args.push(file.into_os_string());
        }
        LineArg::Goto => {
            args.push("--goto".into());
            args.push(at_line());
        }
        LineArg::Colon => args.push(at_line()),
        LineArg::LineFlag => {
            args.push("--line".into());
            args.push(line.to_string().into());
            args.push(file.into_os_string());
        }
    }
    Ok(Invocation { program, args, from })
}

/// A variable's value split into words as a POSIX shell would (quotes, backslashes), without
/// expanding anything.
fn split(value: &str, var: &str) -> Result<Vec<String>, String> {
    let words = shell_words::split(value).map_err(|e| {
        format!(
            "cannot read {var} ({e}): `{}`",
            crate::text::escape_controls(value)
        )
    })?;
    if words.is_empty() {
        return Err(format!("{var} names no program"));
    }
    Ok(words)
}

/// The command for `file` at `line` with the editor this process's environment names.
pub fn from_env(file: &Path, line: usize) -> Result<Invocation, String> {
    let var = |name| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
    let (visual, editor) = (var("VISUAL"), var("EDITOR"));
    command(visual.as_deref(), editor.as_deref(), on_path, file, line)
}

/// Whether an executable file named `program` is in a directory of `PATH`.
fn on_path(program: &str) -> bool {
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| executable(&dir.join(program)))
}

fn executable(p: &Path) -> bool {
    let Ok(m) = std::fs::metadata(p) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        m.is_file() && m.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    m.is_file()
}

/// Why a run of the editor did not succeed, in words safe to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    /// It could not be started (no such program, not executable).
    Start(String),
    /// It ran and exited with a failure (or was killed).
    Exit(String),
}

/// Run the editor with the terminal as it is (the caller has given it back) and wait for it.
pub fn run(inv: &Invocation) -> Result<(), RunError> {
    let status = std::process::Command::new(&inv.program)
        .args(&inv.args)
        .status()
        .map_err(|e| RunError::Start(format!("cannot start {} (from {}): {e}", inv.shown(), inv.from)))?;
    if status.success() {
        Ok(())
    } else {
        Err(RunError::Exit(format!("{} {status}", inv.shown())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(inv: &Invocation) -> Vec<String> {
        inv.args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    const F: &str = "/kb/series.toml";

    fn cmd(visual: Option<&str>, editor: Option<&str>) -> Result<Invocation, String> {
        command(visual, editor, |_| false, Path::new(F), 42)
    }

    #[test]
    fn visual_wins_then_editor_with_plus_line() {
        let v = cmd(Some("nvim"), Some("nano")).unwrap();
        assert_eq!((v.program.as_str(), v.from), ("nvim", "$VISUAL"));
        assert_eq!(args(&v), ["+42", F]);
        let e = cmd(None, Some("nano")).unwrap();
        assert_eq!((e.program.as_str(), e.from), ("nano", "$EDITOR"));
        assert_eq!(args(&e), ["+42", F]);
        // Empty or blank counts as unset.
        let e = cmd(Some(""), Some("vim")).unwrap();
        assert_eq!(e.program, "vim");
        let e = cmd(Some("  "), Some("emacs -nw")).unwrap();
        assert_eq!(e.program, "emacs");
        assert_eq!(args(&e), ["-nw", "+42", F]);
    }

    #[test]
    fn words_are_split_as_a_shell_splits_them() {
        let e = cmd(None, Some(r#""/opt/my editor/bin/vim" -u 'NONE' --cmd "set nu""#)).unwrap();
        assert_eq!(e.program, "/opt/my editor/bin/vim");
        assert_eq!(args(&e), ["-u", "NONE", "--cmd", "set nu", "+42", F]);
        let e = cmd(None, Some(r"my\ ed")).unwrap();
        assert_eq!(e.program, "my ed");
        let bad = cmd(None, Some("vim 'unclosed")).unwrap_err();
        assert!(bad.starts_with("cannot read $EDITOR"), "{bad}");
        assert!(bad.contains("'unclosed"), "{bad}");
        // Control characters in a message are made inert.
        let bad = cmd(Some("vi \"\x1b[2J"), None).unwrap_err();
        assert!(!bad.contains('\x1b'), "{bad:?}");
    }

    #[test]
    fn vs_code_and_others_get_their_own_convention_and_keep_the_users_flags() {
        for code in ["code", "/usr/bin/codium", "code-insiders", "C:\\bin\\Code.exe"] {
            let e = cmd(None, Some(&format!("'{code}' -w --reuse-window"))).unwrap();
            assert_eq!(
                args(&e),
                ["-w", "--reuse-window", "--goto", &format!("{F}:42")],
                "{code}"
            );
        }
        let e = cmd(Some("subl --wait"), None).unwrap();
        assert_eq!(args(&e), ["--wait", &format!("{F}:42")]);
        let e = cmd(Some("hx"), None).unwrap();
        assert_eq!(args(&e), [format!("{F}:42")]);
        let e = cmd(Some("idea"), None).unwrap();
        assert_eq!(args(&e), ["--line", "42", F]);
        // Not fooled by a directory named like an editor.
        let e = cmd(Some("/home/code/bin/vim"), None).unwrap();
        assert_eq!(args(&e), ["+42", F]);
    }

    #[test]
    fn without_a_variable_the_first_editor_on_path_is_used_or_a_clear_error() {
        let pick =
            |found: &'static [&'static str]| command(None, None, |p| found.contains(&p), Path::new(F), 7);
        let e = pick(&["nano", "vi"]).unwrap();
        assert_eq!((e.program.as_str(), e.from), ("vi", "PATH"));
        assert_eq!(args(&e), ["+7", F]);
        assert_eq!(pick(&["editor", "nano"]).unwrap().program, "editor");
        let none = pick(&[]).unwrap_err();
        assert!(none.contains("set $VISUAL or $EDITOR"), "{none}");
    }

    #[test]
    fn a_file_named_like_an_option_is_not_taken_for_one() {
        let e = command(None, Some("vi"), |_| false, Path::new("-kb.toml"), 1).unwrap();
        assert_eq!(args(&e), ["+1", "./-kb.toml"]);
    }

    #[cfg(unix)]
    #[test]
    fn run_reports_a_missing_program_and_a_failure() {
        let missing = Invocation {
            program: "/nonexistent/editor".into(),
            args: vec![],
            from: "$EDITOR",
        };
        let e = run(&missing).unwrap_err();
        assert!(
            matches!(&e, RunError::Start(m) if m.starts_with("cannot start /nonexistent/editor (from $EDITOR)")),
            "{e:?}"
        );
        let fails = Invocation {
            program: "false".into(),
            args: vec![],
            from: "$EDITOR",
        };
        let e = run(&fails).unwrap_err();
        assert_eq!(e, RunError::Exit("false exit status: 1".into()));
        let ok = Invocation {
            program: "true".into(),
            args: vec!["+1".into(), "x".into()],
            from: "$EDITOR",
        };
        assert_eq!(run(&ok), Ok(()));
    }
}
