//! What the shell and `man` get: the man page and the completion scripts, checked against the
//! clap definition they come from (so a new flag or command that they miss fails here), and
//! bash's completion of `--record` run for real.

use std::process::{Command, Output};
use std::time::Duration;

mod common;

use clap::CommandFactory;
use marketlens::cli::Cli;

/// Run `cmd` with a deadline: a hang fails the test instead of the run.
fn run(mut cmd: Command, timeout: Duration) -> Output {
    let what = format!("{cmd:?}");
    common::output_within(&mut cmd, timeout, &what)
}

fn marketlens(args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_marketlens"));
    cmd.args(args);
    let o = run(cmd, Duration::from_secs(60));
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output");
    o
}

fn stdout_of(args: &[&str]) -> String {
    String::from_utf8(marketlens(args).stdout).unwrap()
}

/// The visible subcommands (not clap's `help`).
fn subcommands(cmd: &clap::Command) -> Vec<&clap::Command> {
    cmd.get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .collect()
}

#[test]
fn man_page_has_every_command_and_flag() {
    let page = stdout_of(&["man"]);
    // roff escapes the hyphen; the text a reader sees has it plain.
    let text = page.replace("\\-", "-");
    assert!(page.starts_with(".ie "), "{page}");
    assert_eq!(page.matches(".TH ").count(), 1, "one page");
    assert_eq!(page.matches(".SH SYNOPSIS").count(), 1, "one synopsis section");
    let mut cmd = Cli::command();
    cmd.build();
    let mut names = 0;
    for c in std::iter::once(&cmd).chain(subcommands(&cmd)) {
        if c.get_name() != "marketlens" {
            let heading = format!(".SS \"marketlens {}\"", c.get_name());
            assert!(text.contains(&heading), "no {heading} in the page");
        }
        for arg in c.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(long) = arg.get_long() {
                assert!(text.contains(&format!("--{long}")), "no --{long} in the page");
                names += 1;
            }
            if let Some(short) = arg.get_short() {
                assert!(text.contains(&format!("-{short}")), "no -{short} in the page");
            }
            if arg.is_positional() {
                let v = arg.get_value_names().unwrap()[0].as_str();
                assert!(text.contains(v), "no {v} in the page");
            }
        }
    }
    assert!(names > 15, "the walk found only {names} flags");
    for section in ["EXIT STATUS", "ENVIRONMENT", "VERSION"] {
        assert!(page.contains(section), "no {section} section");
    }
}

#[test]
fn bash_completion_offers_tabs_formats_sort_keys_and_ids() {
    let script = stdout_of(&["completions", "bash"]);
    for tab in [
        "all",
        "vendors",
        "executives",
        "deals",
        "trends",
        "sources",
        "facts",
        "reports",
    ] {
        assert!(script.contains(tab), "no tab {tab}");
    }
    let tabs = "\"vendors executives deals trends sources compare timeline facts reports\"";
    assert!(script.contains(tabs), "export --tab values: {tabs}");
    assert!(script.contains("\"txt md csv json\""), "--format values");
    let sort = script
        .split("--sort)\n")
        .nth(1)
        .and_then(|s| s.split("compgen -W \"").nth(1))
        .and_then(|s| s.split('"').next())
        .expect("--sort completes from a word list");
    let keys: Vec<&str> = sort.split(' ').collect();
    for key in ["amount:desc", "date:asc", "name", "cited:desc", "publisher"] {
        assert!(keys.contains(&key), "--sort value {key}: {sort}");
    }
    assert!(!keys.contains(&"trend"), "the Trend column does not sort");
    assert!(
        script.contains("--record)\n                    COMPREPLY=($(compgen -W \"$(_marketlens_ask ids)\""),
        "--record calls back for ids"
    );
    assert!(
        script.contains("--chart)\n                    _marketlens_list series \"${cur}\""),
        "--chart calls back for series ids, as a list"
    );
    assert!(
        script.contains("--view)\n                    _marketlens_views \"${cur}\""),
        "--view calls back for the saved views"
    );
    assert!(
        script.contains("MARKETLENS_COMPLETE=\"$1\" marketlens"),
        "the callback"
    );
    assert!(
        !script.contains("--chart)\n                    COMPREPLY=(\"${cur}\")"),
        "--chart no longer completes the word as typed"
    );
}

#[test]
fn zsh_and_fish_completions_call_back_for_record_ids() {
    let zsh = stdout_of(&["completions", "zsh"]);
    assert!(zsh.contains(":ID:_marketlens_record_ids'"), "zsh --record action");
    assert!(
        zsh.contains(":ID[,ID…]:_marketlens_series_ids'"),
        "zsh --chart action"
    );
    assert!(zsh.contains(":NAME:_marketlens_views'"), "zsh --view action");
    assert!(
        zsh.contains("compset -P '*,'"),
        "--chart completes the id after the last comma"
    );
    for f in ["_marketlens_ask", "_marketlens_series_ids", "_marketlens_views"] {
        let at = zsh
            .find(&format!("\n{f}() {{"))
            .unwrap_or_else(|| panic!("zsh {f} defined"));
        let call = zsh.rfind("compdef _marketlens marketlens").expect("compdef");
        assert!(at < call, "{f} is defined before the script registers");
    }
    let helper = zsh
        .find("_marketlens_record_ids() {")
        .expect("zsh helper defined");
    let call = zsh.rfind("compdef _marketlens marketlens").expect("compdef");
    assert!(helper < call, "the helper is defined before the script registers");
    assert!(zsh.contains("(all vendors executives deals trends sources compare timeline facts reports)"));
    // A bare `:` in a value's message breaks `_arguments` (it ran `desc]` as a command).
    assert!(
        !zsh.contains(":COLUMN[:desc]:"),
        "--sort's message has a bare colon"
    );
    assert!(
        zsh.contains(":COLUMN:(name name\\:asc name\\:desc "),
        "--sort keys"
    );
    let fish = stdout_of(&["completions", "fish"]);
    let record = fish
        .lines()
        .find(|l| l.contains(" -l record "))
        .expect("a --record line");
    assert!(record.ends_with("-a '(__marketlens_ask ids)'"), "{record}");
    let chart = fish
        .lines()
        .find(|l| l.contains(" -l chart "))
        .expect("a --chart line");
    assert!(chart.ends_with("-a '(__marketlens_list series)'"), "{chart}");
    let view = fish
        .lines()
        .find(|l| l.contains(" -l view "))
        .expect("a --view line");
    assert!(view.ends_with("-a '(__marketlens_ask views)'"), "{view}");
    assert!(fish.contains("function __marketlens_ask"));
    assert!(fish.contains("function __marketlens_list"));
}

/// A valid KB of two records.
const SMALL_KB: &str = "[[source]]\nid = \"src-1\"\ntitle = \"T\"\npublisher = \"P\"\n\
    date = \"2025-01-01\"\n\n[[vendor]]\nid = \"vendor-1\"\nname = \"V\"\nsources = [\"src-1\"]\n";

#[test]
fn completion_env_lists_the_kbs_ids() {
    let out = run_ids(&[]);
    let kb = marketlens::kb::load_builtin().kb;
    let expected: Vec<&str> = kb.ids().collect();
    assert!(expected.len() > 100);
    assert_eq!(out.lines().collect::<Vec<_>>(), expected);
    // --kb names another KB.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("kb.toml");
    std::fs::write(&p, SMALL_KB).unwrap();
    assert_eq!(run_ids(&["--kb", p.to_str().unwrap()]), "src-1\nvendor-1\n");
}

#[test]
fn completion_env_never_prints_an_unsafe_id() {
    // The hostile KB's ids are fine, but a broken KB may hold any text where an id goes.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("kb.toml");
    std::fs::write(
        &p,
        "[[vendor]]\nid = \"ok-1\"\nname = \"A\"\nsources = []\n\n\
         [[vendor]]\nid = \"x; rm -rf ~\"\nname = \"B\"\nsources = []\n\n\
         [[vendor]]\nid = \"y\\u001b]0;T\\u0007\"\nname = \"C\"\nsources = []\n",
    )
    .unwrap();
    assert_eq!(run_ids(&["--kb", p.to_str().unwrap()]), "ok-1\n");
}

/// Saved views beside a KB: names with spaces, CJK and shell characters are offered as they are
/// (the scripts quote them), one that reads as an option or holds a control character is not.
const VIEWS: &str = "[[view]]\nname = \"aws by amount\"\ntab = \"deals\"\n\n\
    [[view]]\nname = \"报告对比\"\ntab = \"compare\"\n\n\
    [[view]]\nname = \"$(touch pwned)\"\ntab = \"deals\"\n\n\
    [[view]]\nname = \"-x\"\ntab = \"deals\"\n\n\
    [[view]]\nname = \"bell\\u0007\"\ntab = \"deals\"\n";

#[test]
fn completion_env_lists_series_ids_and_saved_views() {
    let kb = marketlens::kb::load_builtin().kb;
    let series: Vec<&str> = kb.series.iter().map(|s| s.id.as_str()).collect();
    assert!(series.len() > 20);
    assert_eq!(run_asked("series", &[]).lines().collect::<Vec<_>>(), series);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("kb.toml");
    std::fs::write(&p, SMALL_KB).unwrap();
    let kb_arg = p.to_str().unwrap();
    assert_eq!(run_asked("series", &["--kb", kb_arg]), "", "a KB without series");
    assert_eq!(
        run_asked("views", &["--kb", kb_arg]),
        "",
        "no views.toml: no views"
    );
    std::fs::write(dir.path().join("views.toml"), VIEWS).unwrap();
    assert_eq!(
        run_asked("views", &["--kb", kb_arg]),
        "aws by amount\n报告对比\n$(touch pwned)\n"
    );
    // An unknown request runs the program as usual (here: prints the completion script).
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_marketlens"));
    cmd.args(["completions", "bash"])
        .env("MARKETLENS_COMPLETE", "nope");
    let o = run(cmd, Duration::from_secs(60));
    assert!(String::from_utf8_lossy(&o.stdout).contains("_marketlens_ask"));
}

fn run_ids(args: &[&str]) -> String {
    run_asked("ids", args)
}

/// `MARKETLENS_COMPLETE=what marketlens args…`'s output.
fn run_asked(what: &str, args: &[&str]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_marketlens"));
    cmd.args(args).env("MARKETLENS_COMPLETE", what);
    let o = run(cmd, Duration::from_secs(60));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// The bash script, sourced in a real bash, completes `marketlens export --record ali` with the
/// built-in KB's ids starting `ali`, and `--tab d` with `deals`.
#[test]
fn bash_completes_record_ids_for_real() {
    if Command::new("bash").arg("--version").output().is_err() {
        eprintln!("no bash: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("marketlens.bash");
    std::fs::write(&script, stdout_of(&["completions", "bash"])).unwrap();
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_marketlens"))
        .parent()
        .unwrap();
    let complete = |line: &str| -> Vec<String> {
        // A line ending in a space completes an empty word.
        let empty = if line.ends_with(' ') { "\"\"" } else { "" };
        let program = format!(
            r#"source "$1"
COMP_WORDS=({line}{empty})
COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))
COMP_LINE="{line}"
COMP_POINT=${{#COMP_LINE}}
_marketlens marketlens "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#
        );
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut cmd = Command::new("bash");
        cmd.arg("--norc")
            .arg("-c")
            .arg(program)
            .arg("bash")
            .arg(&script)
            .env("PATH", path);
        let o = run(cmd, Duration::from_secs(60));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let mut words: Vec<String> = String::from_utf8(o.stdout)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .filter(|l| !l.is_empty())
            .collect();
        words.sort();
        words
    };
    let kb = marketlens::kb::load_builtin().kb;
    let mut expected: Vec<String> = kb
        .ids()
        .filter(|id| id.starts_with("ali"))
        .map(str::to_owned)
        .collect();
    expected.sort();
    assert!(expected.len() > 3);
    assert_eq!(complete("marketlens export --record ali"), expected);
    // With --kb, the ids of that KB.
    let kb_file = dir.path().join("kb.toml");
    std::fs::write(&kb_file, SMALL_KB).unwrap();
    let kb_arg = kb_file.to_str().unwrap();
    assert_eq!(
        complete(&format!("marketlens --kb {kb_arg} export --record ")),
        ["src-1", "vendor-1"]
    );
    assert_eq!(
        complete(&format!("marketlens export --kb {kb_arg} --record v")),
        ["vendor-1"]
    );
    assert_eq!(complete("marketlens export --tab d"), ["deals"]);
    // --chart: series ids only (no vendor `alibaba`), and after a comma the next one, keeping
    // what is before it.
    let mut series: Vec<String> = kb
        .series
        .iter()
        .map(|s| s.id.clone())
        .filter(|id| id.starts_with("ali"))
        .collect();
    series.sort();
    assert!(series.len() > 3 && series.len() < expected.len());
    assert_eq!(complete("marketlens export --chart ali"), series);
    assert_eq!(
        complete("marketlens export --chart aliyun-revenue,aliyun-revenue-g"),
        ["aliyun-revenue,aliyun-revenue-growth"]
    );
    assert_eq!(
        complete("marketlens export --chart a,b,aliyun-revenue-g"),
        ["a,b,aliyun-revenue-growth"]
    );
    assert_eq!(
        complete(&format!("marketlens --kb {kb_arg} export --chart ")),
        Vec::<String>::new(),
        "that KB has no series"
    );
    // --view: the saved views beside the KB, quoted for the command line and never expanded.
    std::fs::write(dir.path().join("views.toml"), VIEWS).unwrap();
    let mut views = complete(&format!("marketlens --kb {kb_arg} export --view "));
    views.sort();
    assert_eq!(views, ["\\$\\(touch\\ pwned\\)", "aws\\ by\\ amount", "报告对比"]);
    assert_eq!(
        complete(&format!("marketlens --kb {kb_arg} export --view 报")),
        ["报告对比"]
    );
    assert!(
        !dir.path().join("pwned").exists() && !std::path::Path::new("pwned").exists(),
        "a view's name is never run"
    );
    assert_eq!(complete("marketlens search x --format j"), ["json"]);
    // (bash splits words at `:`, so `amount:d` would not complete: the keys come whole.)
    assert_eq!(
        complete("marketlens export --tab deals --sort amo"),
        ["amount", "amount:asc", "amount:desc"]
    );
}
