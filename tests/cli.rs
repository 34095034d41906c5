//! The headless commands as a user runs them: exit codes, stdout vs stderr, the built-in KB.

mod common;
use common::{stderr, stdout};
use std::process::{Command, Output};

fn marketlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marketlens"))
        .args(args)
        .output()
        .expect("binary runs")
}

#[test]
fn check_of_the_built_in_kb_is_clean_and_summarises_counts() {
    let o = marketlens(&["check"]);
    assert!(o.status.success(), "stderr: {}", stderr(&o));
    assert_eq!(stderr(&o), "", "a clean KB prints no diagnostics");
    let out = stdout(&o);
    // The counts, then (the built-in KB has statuses) the line counting them.
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.starts_with("built-in: "), "{out}");
    assert!(out.lines().nth(1).unwrap().starts_with("by status"), "{out}");
    for word in [
        "sources",
        "vendors",
        "executives",
        "career moves",
        "deals",
        "series",
        "points",
    ] {
        assert!(out.contains(word), "summary lacks {word}: {out}");
    }
}

/// A format-2 KB with statuses gets a second summary line counting them (the built-in
/// re-extraction: counted by hand from its files with `grep -c 'status = "target"'` …).
#[test]
fn check_counts_statuses_when_a_kb_has_them() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/kb");
    let o = marketlens(&["check", dir]);
    assert!(o.status.success(), "stderr: {}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].contains("15 reports, 229 facts"), "{out}");
    assert!(
        lines[1].starts_with("by status (points, deals, career moves, facts): "),
        "{out}"
    );
    assert!(
        lines[1].contains(" target") && lines[1].contains(" rumour") && lines[1].contains(" with a market"),
        "{out}"
    );
}

#[test]
fn check_reports_problems_on_stderr_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("kb.toml");
    std::fs::write(&p, "[[vendor]]\nid = \"a\"\nname = \"A\"\nsources = [\"nope\"]\n").unwrap();
    let o = marketlens(&["check", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert!(
        err.contains("kb.toml:4:12: error: no source with id `nope`"),
        "{err}"
    );
    assert!(
        err.trim_end()
            .ends_with(&format!("error: 1 error and 0 warnings in `{}`", p.display())),
        "{err}"
    );
}

#[test]
fn global_kb_flag_is_used_by_check() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("kb.toml");
    std::fs::write(
        &p,
        "[[source]]\nid = \"s\"\ntitle = \"t\"\npublisher = \"p\"\ndate = 2025-01-02\n\n[[vendor]]\nid = \"a\"\nname = \"A\"\nsources = [\"s\"]\n",
    )
    .unwrap();
    let o = marketlens(&["--kb", p.to_str().unwrap(), "check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("1 source, 1 vendor, 0 executives"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn schema_is_json_and_the_shipped_copy_is_current() {
    let o = marketlens(&["schema"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("schema is JSON");
    for kind in ["source", "vendor", "executive", "deal", "series"] {
        assert!(v["properties"][kind].is_object(), "schema lacks {kind}");
    }
    assert_eq!(
        v["additionalProperties"],
        serde_json::Value::Bool(false),
        "unknown tables are rejected"
    );
    let shipped = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/marketlens.schema.json"
    ))
    .unwrap();
    assert_eq!(
        shipped,
        stdout(&o),
        "assets/marketlens.schema.json is stale: run `cargo run -- schema > assets/marketlens.schema.json`"
    );
}

#[test]
fn completions_are_generated() {
    let o = marketlens(&["completions", "bash"]);
    assert!(o.status.success());
    let s = stdout(&o);
    assert!(
        s.contains("marketlens") && s.contains("check") && s.contains("schema"),
        "{s}"
    );
}

#[test]
fn version_and_help() {
    let o = marketlens(&["--version"]);
    assert!(stdout(&o).starts_with("marketlens "));
    let o = marketlens(&["--help"]);
    let s = stdout(&o);
    assert!(s.contains("check") && s.contains("--kb"), "{s}");
}

#[test]
fn a_missing_path_is_a_clear_error() {
    let o = marketlens(&["check", "/no/such/kb.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("cannot read `/no/such/kb.toml`: no such file or directory"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn search_ranks_and_prints_text_or_json() {
    let o = marketlens(&["search", "crs", "--limit", "3"]);
    assert!(o.status.success(), "stderr: {}", stderr(&o));
    let out = stdout(&o);
    let first = out.lines().nth(2).expect("a header, a rule and rows");
    assert!(
        first.starts_with("executive") && first.contains("chu-ruisong"),
        "{out}"
    );
    assert!(first.contains("pinyin initials"), "{out}");
    assert_eq!(out.lines().count(), 5, "{out}");
    assert!(stderr(&o).contains("3 of "), "{}", stderr(&o));

    // The same rows as Markdown and CSV.
    let md = stdout(&marketlens(&["search", "crs", "--limit", "3", "--format", "md"]));
    assert!(
        md.lines()
            .nth(2)
            .is_some_and(|l| l.starts_with("| executive | chu-ruisong |")),
        "{md}"
    );
    let csv = stdout(&marketlens(&["search", "crs", "--limit", "3", "--format", "csv"]));
    assert!(
        csv.starts_with("Kind,ID,Name,Matched in\nexecutive,chu-ruisong,"),
        "{csv}"
    );

    let o = marketlens(&[
        "search",
        "kind:migration",
        "--tab",
        "deals",
        "--limit",
        "0",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "stderr: {}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    let rows = v.as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r["kind"] == "deal" && r["score"].is_null()),
        "{v}"
    );
}

#[test]
fn search_with_a_bad_query_points_at_it_and_exits_1() {
    let o = marketlens(&["search", "aws amount>>"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert!(err.contains("bad query: column 12"), "{err}");
    assert!(
        err.lines().any(|l| l.trim_end().ends_with('^')),
        "a caret under the column: {err}"
    );
    let o = marketlens(&["search", "x", "--kb", "/nonexistent/kb.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot"), "{}", stderr(&o));
}

#[test]
fn bad_arguments_exit_1_and_help_exits_0() {
    for args in [&["search"][..], &["search", "x", "--tab", "foo"], &["--nope"]] {
        let o = marketlens(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("error"), "{args:?}");
    }
    let o = marketlens(&["search", "--help"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("--limit"));
}

/// A big KB's search index is saved on the first `search` and used by the next ones, with the
/// same output; a damaged saved index is rebuilt; `--no-cache` neither uses nor saves one.
#[test]
fn search_saves_its_index_for_a_big_kb_and_the_output_stays_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let kb = dir.path().join("big.toml");
    std::fs::write(&kb, marketlens::synth::generate(10_000, 3)).unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["--kb", kb.to_str().unwrap(), "search", "chu r", "--limit", "30"];
        args.extend_from_slice(extra);
        let o = Command::new(env!("CARGO_BIN_EXE_marketlens"))
            .args(&args)
            .env("MARKETLENS_CACHE_DIR", &cache)
            .output()
            .expect("binary runs");
        assert!(o.status.success(), "stderr: {}", stderr(&o));
        (stdout(&o), stderr(&o))
    };
    let saved = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(&cache)
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default()
    };
    let plain = run(&["--no-cache"]);
    assert!(plain.0.lines().count() > 10, "{}", plain.0);
    assert!(saved().is_empty(), "--no-cache saved an index");
    let first = run(&[]);
    let files = saved();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(
        files[0]
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("index-"),
        "{files:?}"
    );
    let second = run(&[]);
    assert_eq!(first, plain);
    assert_eq!(second, plain);
    // `--timings` says the saved index was used, and changes nothing on stdout.
    let timed = run(&["--timings"]);
    assert_eq!(timed.0, plain.0);
    assert!(timed.1.starts_with(&plain.1), "{}", timed.1);
    assert_timings(&timed.1, &["load", "index (saved)", "search", "output"]);
    // Damaged: rebuilt, the same output, and saved again whole.
    std::fs::write(&files[0], b"not an index").unwrap();
    assert_eq!(run(&[]), plain);
    assert!(std::fs::metadata(&files[0]).unwrap().len() > 1_000_000);
    // An edit to the KB: another fingerprint, another saved index, the new content found.
    let mut text = std::fs::read_to_string(&kb).unwrap();
    text.push_str("\n[[vendor]]\nid = \"chu-rui-extra\"\nname = \"储瑞 Extra\"\nsources = [\"src-0\"]\n");
    std::fs::write(&kb, text).unwrap();
    let edited = run(&[]);
    assert!(edited.0.contains("chu-rui-extra"), "{}", edited.0);
    assert_eq!(saved().len(), 2);
    assert_eq!(run(&[]), edited);
}

/// The last line of `stderr` is a `--timings` line naming `phases`, in order, each with a time,
/// and a total that is their sum (to the rounding of the printed figures).
fn assert_timings(stderr: &str, phases: &[&str]) {
    let line = stderr.lines().last().unwrap_or_default();
    let body = line
        .strip_prefix("timings: ")
        .unwrap_or_else(|| panic!("no timings: {stderr}"));
    let (laps, total) = body.split_once("; total ").expect("a total");
    let laps: Vec<(&str, f64)> = laps
        .split(", ")
        .map(|lap| {
            let (name, ms) = lap.rsplit_once(' ').unwrap().0.rsplit_once(' ').unwrap();
            (name, ms.parse().unwrap_or_else(|_| panic!("{lap}")))
        })
        .collect();
    let names: Vec<&str> = laps.iter().map(|l| l.0).collect();
    assert_eq!(names, phases, "{line}");
    let total: f64 = total.strip_suffix(" ms").unwrap().parse().unwrap();
    let sum: f64 = laps.iter().map(|l| l.1).sum();
    assert!((total - sum).abs() <= 0.01 * laps.len() as f64, "{line}");
}

/// `--timings` on `check` and on `search` (here with no saved index) adds one line to stderr and
/// changes nothing else.
#[test]
fn timings_add_one_line_to_stderr() {
    let plain = marketlens(&["check"]);
    let timed = marketlens(&["check", "--timings"]);
    assert!(timed.status.success());
    assert_eq!(stdout(&timed), stdout(&plain));
    assert_timings(&stderr(&timed), &["load", "report"]);
    assert_eq!(stderr(&timed).lines().count(), 1, "{}", stderr(&timed));

    let plain = marketlens(&["search", "aly"]);
    let timed = marketlens(&["search", "aly", "--timings"]);
    assert!(timed.status.success(), "{}", stderr(&timed));
    assert_eq!(stdout(&timed), stdout(&plain));
    assert_timings(&stderr(&timed), &["load", "index (built)", "search", "output"]);
}

/// Runs the binary with a time limit, so that a slow regression fails instead of stalling the run.
fn marketlens_within(args: &[&str], secs: u64) -> Output {
    common::output_within(
        Command::new(env!("CARGO_BIN_EXE_marketlens")).args(args),
        std::time::Duration::from_secs(secs),
        &format!("marketlens {args:?}"),
    )
}

/// 10,000 duplicate points on one 360 KB line: `check` prints the first 100 problems, each with
/// a bounded excerpt of the line, then one line counting the rest; `--all` prints every one.
#[test]
fn check_caps_many_problems_on_one_long_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("kb.toml");
    let points = vec!["{ period = \"2025-Q2\", value = 26 }"; 10_000].join(", ");
    std::fs::write(
        &p,
        format!(
            "[[source]]\nid = \"s\"\ntitle = \"t\"\npublisher = \"p\"\ndate = 2025-09-11\n\n\
             [[vendor]]\nid = \"v\"\nname = \"V\"\nsources = [\"s\"]\n\n\
             [[series]]\nid = \"g\"\nname = \"G\"\nvendor = \"v\"\nmetric = \"growth\"\nunit = \"%\"\n\
             sources = [\"s\"]\npoints = [{points}]\n"
        ),
    )
    .unwrap();
    let path = p.to_str().unwrap();
    let o = marketlens_within(&["check", path], 60);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let headlines = err.matches(": error: two points for 2025-Q2").count();
    assert_eq!(headlines, 100, "{err}");
    assert!(
        err.contains(
            "\nnote: 9899 more diagnostics not shown (9899 errors, 0 warnings); `marketlens check --all` prints every one\n"
        ),
        "{err}"
    );
    assert!(
        err.trim_end()
            .ends_with(&format!("error: 9999 errors and 0 warnings in `{path}`"))
    );
    for line in err.lines() {
        assert!(
            line.chars().count() < 200,
            "an excerpt of the line is bounded: {line}"
        );
    }
    let all = stderr(&marketlens_within(&["check", "--all", path], 60));
    assert_eq!(all.matches(": error: two points for 2025-Q2").count(), 9999);
    assert!(!all.contains("more diagnostics not shown"));
    assert!(all.lines().all(|l| l.chars().count() < 200));
}

/// The txt, Markdown and CSV tables of `search` show no internal score (`-99945` for a match only
/// in a summary meant nothing to a reader); `--scores` adds the column back.
#[test]
fn search_hides_internal_scores_unless_asked() {
    let out = stdout(&marketlens(&["search", "储瑞松", "--limit", "0"]));
    assert!(out.lines().count() > 2, "{out}");
    assert!(!out.contains("Score") && !out.contains("-99"), "{out}");
    for format in ["md", "csv"] {
        let o = stdout(&marketlens(&["search", "储瑞松", "--format", format]));
        assert!(!o.contains("Score") && !o.contains("-99"), "{o}");
    }
    let with = stdout(&marketlens(&["search", "储瑞松", "--limit", "0", "--scores"]));
    assert!(
        with.lines()
            .next()
            .is_some_and(|h| h.trim_end().ends_with("Score")),
        "{with}"
    );
    assert!(with.contains("-99"), "{with}");
}
