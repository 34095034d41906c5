//! Golden tests for `marketlens check`.
//!
//! * `tests/fixtures/bad/NAME.toml` is a KB with one deliberate problem (`many_errors.toml` has
//!   several); `NAME.expected` is the exact stderr that `marketlens check` must print for it, with
//!   the path of the file written as `$FILE`. New fixtures are picked up automatically; a `.toml`
//!   without an `.expected` is a failure. `bad/archive/` holds the article text that the fixtures
//!   naming an `archive` read.
//! * `tests/fixtures/good/` holds KBs (files or directories) that must check clean; their record
//!   counts are listed in [`GOOD`].
//!
//! Every fixture of a category is run before the test fails, so one run shows every mismatch.
//! To write the `.expected` file of a new fixture (or refresh all of them), run
//! `MARKETLENS_BLESS=1 cargo test --test fixtures`, then READ what was written: a golden file
//! only helps if the output it records is right.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Fixtures whose current output is wrong. Their `.expected` holds what the output SHOULD be; they
/// are skipped by `bad_fixtures` and checked by the ignored test `known_bad_fixtures`
/// (`cargo test --test fixtures -- --ignored` shows their diffs). Remove an entry once the code is
/// fixed: `bad_fixtures` fails when a listed fixture starts to pass, so the list cannot go stale.
const KNOWN_BAD: &[(&str, &str)] = &[];

/// What a good fixture must be summarised as.
struct Counts {
    sources: usize,
    vendors: usize,
    executives: usize,
    career_moves: usize,
    deals: usize,
    series: usize,
    points: usize,
    reports: usize,
    facts: usize,
    files: usize,
    conflicts: usize,
}

/// Every good fixture with the counts `check` must report (counted by hand from the files).
const GOOD: &[(&str, Counts)] = &[
    (
        "fiscal_years.toml",
        Counts {
            sources: 1,
            vendors: 4,
            executives: 0,
            career_moves: 0,
            deals: 0,
            series: 5,
            points: 8,
            reports: 0,
            facts: 0,
            files: 1,
            conflicts: 0,
        },
    ),
    (
        "currencies.toml",
        Counts {
            sources: 1,
            vendors: 2,
            executives: 0,
            career_moves: 0,
            deals: 6,
            series: 0,
            points: 0,
            reports: 0,
            facts: 0,
            files: 1,
            conflicts: 0,
        },
    ),
    (
        "hostile.toml",
        Counts {
            sources: 2,
            vendors: 2,
            executives: 2,
            career_moves: 4,
            deals: 2,
            series: 2,
            points: 4,
            reports: 2,
            facts: 2,
            files: 1,
            conflicts: 1,
        },
    ),
    (
        "minimal.toml",
        Counts {
            sources: 1,
            vendors: 1,
            executives: 0,
            career_moves: 0,
            deals: 0,
            series: 0,
            points: 0,
            reports: 0,
            facts: 0,
            files: 1,
            conflicts: 0,
        },
    ),
    (
        "archived",
        Counts {
            sources: 1,
            vendors: 1,
            executives: 0,
            career_moves: 0,
            deals: 0,
            series: 1,
            points: 1,
            reports: 0,
            facts: 0,
            files: 1,
            conflicts: 0,
        },
    ),
    (
        "archived_reader",
        Counts {
            sources: 2,
            vendors: 2,
            executives: 0,
            career_moves: 0,
            deals: 1,
            series: 1,
            points: 2,
            reports: 0,
            facts: 1,
            files: 1,
            conflicts: 0,
        },
    ),
    (
        "multi",
        Counts {
            sources: 2,
            vendors: 2,
            executives: 1,
            career_moves: 2,
            deals: 1,
            series: 1,
            points: 3,
            reports: 0,
            facts: 0,
            files: 3,
            conflicts: 1,
        },
    ),
    (
        // As-of and inferred dates: a 2022 source in a 2025 KB, a move newer than a title.
        "as_of.toml",
        Counts {
            sources: 3,
            vendors: 2,
            executives: 2,
            career_moves: 2,
            deals: 2,
            series: 3,
            points: 5,
            reports: 1,
            facts: 0,
            files: 1,
            conflicts: 0,
        },
    ),
    (
        // A vendor's share of a named market (format 2 allows `vendor` and `market` together).
        "share_of_a_market.toml",
        Counts {
            sources: 1,
            vendors: 1,
            executives: 0,
            career_moves: 0,
            deals: 0,
            series: 1,
            points: 1,
            reports: 0,
            facts: 0,
            files: 1,
            conflicts: 0,
        },
    ),
    (
        // Format 1: a lower-case parent or report is text, as it always was.
        "v1_lowercase_text_refs.toml",
        Counts {
            sources: 1,
            vendors: 1,
            executives: 0,
            career_moves: 0,
            deals: 0,
            series: 1,
            points: 1,
            reports: 0,
            facts: 0,
            files: 1,
            conflicts: 0,
        },
    ),
    (
        // The default KB of format 1, frozen: it must keep loading clean.
        "v1-default-kb",
        Counts {
            sources: 5,
            vendors: 16,
            executives: 16,
            career_moves: 5,
            deals: 27,
            series: 61,
            points: 66,
            reports: 0,
            facts: 0,
            files: 5,
            conflicts: 0,
        },
    ),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Run `marketlens check ARG` from the crate root.
fn check(arg: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marketlens"))
        .arg("check")
        .arg(arg)
        .current_dir(root())
        .output()
        .expect("run the marketlens binary")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The entries of `dir`, sorted, skipping hidden ones (such as `.gitattributes`).
fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    v.sort();
    v
}

/// A line diff of `expected` against `actual` (longest common subsequence; the files are small):
/// `-` lines are expected but missing, `+` lines are printed but not expected.
fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            let _ = writeln!(out, "    {}", a[i]);
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            let _ = writeln!(out, "  - {}", a[i]);
            i += 1;
        } else {
            let _ = writeln!(out, "  + {}", b[j]);
            j += 1;
        }
    }
    if expected.ends_with('\n') != actual.ends_with('\n') {
        let _ = writeln!(out, "  (the outputs differ in the final newline)");
    }
    out
}

/// Check one bad fixture; `Err` describes every way it differs from its `.expected`. With `bless`,
/// first write the current output as its `.expected` (never done for KNOWN_BAD fixtures).
fn run_bad(toml: &Path, bless: bool) -> Result<(), String> {
    let name = toml.file_stem().unwrap().to_string_lossy();
    let expected_path = toml.with_extension("expected");
    let arg = toml.strip_prefix(root()).unwrap_or(toml);
    let shown = arg.display().to_string();
    let out = check(arg);
    let stderr = text(&out.stderr);
    let stdout = text(&out.stdout);
    let mut problems = Vec::new();

    if bless && out.status.code() == Some(1) {
        std::fs::write(&expected_path, stderr.replace(&shown, "$FILE"))
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", expected_path.display()));
    }
    let expected = match std::fs::read_to_string(&expected_path) {
        Ok(e) => e.replace("\r\n", "\n").replace("$FILE", &shown),
        Err(_) => {
            return Err(format!(
                "{name}: no {} (run with MARKETLENS_BLESS=1 to write it from the current output, \
                 then check it by hand); the output is:\n{stderr}",
                expected_path.display()
            ));
        }
    };
    if out.status.code() != Some(1) {
        problems.push(format!("exit code {:?}, expected 1", out.status.code()));
    }
    if !stdout.is_empty() {
        problems.push(format!("stdout should be empty, got:\n{stdout}"));
    }
    if stderr != expected {
        problems.push(format!(
            "stderr differs from {} (- expected, + actual):\n{}",
            expected_path.display(),
            diff(&expected, &stderr)
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{name} (`marketlens check {shown}`):\n  {}",
            problems.join("\n  ")
        ))
    }
}

fn bad_dir() -> PathBuf {
    root().join("tests/fixtures/bad")
}

/// `.toml` fixtures of `bad/`; fails on an `.expected` with no `.toml` (a renamed fixture).
fn bad_fixtures_list(failures: &mut Vec<String>) -> Vec<PathBuf> {
    let all = entries(&bad_dir());
    for p in &all {
        match p.extension().and_then(|e| e.to_str()) {
            Some("toml") => {}
            Some("expected") if p.with_extension("toml").exists() => {}
            // The archived articles the `archive_*` and `quote_not_in_archive` fixtures name.
            None if p.ends_with("archive") && p.is_dir() => {}
            _ => failures.push(format!(
                "{}: unexpected file (fixtures are NAME.toml with NAME.expected)",
                p.display()
            )),
        }
    }
    all.into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect()
}

fn finish(what: &str, failures: Vec<String>) {
    if !failures.is_empty() {
        panic!("{} {what} failed:\n\n{}", failures.len(), failures.join("\n\n"));
    }
}

#[test]
fn bad_fixtures() {
    let mut failures = Vec::new();
    let fixtures = bad_fixtures_list(&mut failures);
    assert!(
        fixtures.len() >= 20,
        "only {} fixtures found in {}",
        fixtures.len(),
        bad_dir().display()
    );
    for (name, _) in KNOWN_BAD {
        if !bad_dir().join(format!("{name}.toml")).exists() {
            failures.push(format!("KNOWN_BAD names `{name}`, which is not a fixture"));
        }
    }
    for toml in &fixtures {
        let name = toml.file_stem().unwrap().to_string_lossy();
        let known = KNOWN_BAD.iter().find(|(n, _)| *n == name);
        let bless = known.is_none() && std::env::var_os("MARKETLENS_BLESS").is_some();
        match (run_bad(toml, bless), known) {
            (Ok(()), None) | (Err(_), Some(_)) => {}
            (Err(e), None) => failures.push(e),
            (Ok(()), Some(_)) => failures.push(format!(
                "{name}: listed in KNOWN_BAD but now matches its .expected; remove it from KNOWN_BAD"
            )),
        }
        if let Some((_, reason)) = known {
            eprintln!("ignored (KNOWN_BAD) {name}: {reason}");
        }
    }
    finish("bad fixtures", failures);
}

#[test]
#[ignore = "KNOWN_BAD fixtures: the code does not yet print their .expected output (see KNOWN_BAD in tests/fixtures.rs)"]
fn known_bad_fixtures() {
    let failures: Vec<String> = KNOWN_BAD
        .iter()
        .filter_map(|(name, reason)| {
            run_bad(&bad_dir().join(format!("{name}.toml")), false)
                .err()
                .map(|e| format!("{e}\n  known problem: {reason}"))
        })
        .collect();
    finish("KNOWN_BAD fixtures", failures);
}

/// Whether `summary` states `n` of `label` (`3 points`, `1 file`, `0 series`), as a whole number
/// and a whole word (singular or plural, so the test does not depend on pluralisation).
fn states(summary: &str, n: usize, label: &str) -> bool {
    let needle = format!("{n} {label}");
    summary.match_indices(&needle).any(|(at, _)| {
        let digit_before = summary[..at].ends_with(|c: char| c.is_ascii_digit());
        let rest = &summary[at + needle.len()..];
        let rest = rest.strip_prefix('s').unwrap_or(rest);
        !digit_before && !rest.starts_with(char::is_alphanumeric)
    })
}

#[test]
fn good_fixtures() {
    let dir = root().join("tests/fixtures/good");
    let mut failures = Vec::new();
    for path in entries(&dir) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some((_, c)) = GOOD.iter().find(|(n, _)| *n == name) else {
            failures.push(format!("{name}: not listed in GOOD (add its record counts)"));
            continue;
        };
        let arg = path.strip_prefix(root()).unwrap().to_path_buf();
        let shown = arg.display().to_string();
        let out = check(&arg);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        let mut problems = Vec::new();
        if !out.status.success() {
            problems.push(format!("exit code {:?}, expected 0", out.status.code()));
        }
        if !stderr.is_empty() {
            problems.push(format!("stderr should be empty, got:\n{stderr}"));
        }
        let lines: Vec<&str> = stdout.lines().collect();
        // The counts line, then, for a KB with statuses, the line counting them.
        match lines.as_slice() {
            [summary] | [summary, _] if lines.get(1).is_none_or(|l| l.starts_with("by status ")) => {
                if !summary.starts_with(&format!("{shown}: ")) {
                    problems.push(format!("summary does not start with `{shown}: `: {summary}"));
                }
                for (n, label) in [
                    (c.sources, "source"),
                    (c.vendors, "vendor"),
                    (c.executives, "executive"),
                    (c.career_moves, "career move"),
                    (c.deals, "deal"),
                    (c.series, "series"),
                    (c.points, "point"),
                    (c.reports, "report"),
                    (c.facts, "fact"),
                    (c.files, "file"),
                    (c.conflicts, "conflicting figure"),
                ] {
                    if !states(summary, n, label) {
                        problems.push(format!("summary should state {n} {label}(s): {summary}"));
                    }
                }
            }
            _ => problems.push(format!(
                "expected one summary line (and a status line) on stdout, got:\n{stdout}"
            )),
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{name} (`marketlens check {shown}`):\n  {}",
                problems.join("\n  ")
            ));
        }
    }
    for (name, _) in GOOD {
        if !dir.join(name).exists() {
            failures.push(format!("GOOD names `{name}`, which is not in {}", dir.display()));
        }
    }
    finish("good fixtures", failures);
}

/// A directory KB reports a problem in its second file under that file's name, and a duplicate id
/// across files points back at the first file.
#[test]
fn directory_kb_names_the_file_with_the_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("a.toml"),
        r#"[[source]]
id = "leiphone-2025-09-11"
title = "云大厂半年复盘"
publisher = "雷峰网"
date = 2025-09-11

[[vendor]]
id = "aliyun"
name = "阿里云"
sources = ["leiphone-2025-09-11"]
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.toml"),
        r#"[[deal]]
id = "t3-migration-2025"
title = "T3出行迁移上云"
kind = "migration"
vendors = ["aliyn"]
sources = ["leiphone-2025-09-11"]

[[series]]
id = "aliyun"
name = "阿里云营收"
market = "中国公有云"
metric = "revenue"
unit = "CNY"
sources = ["leiphone-2025-09-11"]
points = [ { period = "2025-H1", value = "635亿" } ]
"#,
    )
    .unwrap();
    let (a, b) = (dir.path().join("a.toml"), dir.path().join("b.toml"));
    let (a, b) = (a.display(), b.display());
    let out = check(dir.path());
    let stderr = text(&out.stderr);
    let expected = format!(
        "{b}:5:12: error: no vendor with id `aliyn`
  |
5 | vendors = [\"aliyn\"]
  |            ^^^^^^^
  = help: did you mean `aliyun`?

{b}:9:6: error: duplicate id `aliyun`
  |
9 | id = \"aliyun\"
  |      ^^^^^^^^
  = note: first used by a vendor at {a}:8:6

error: 2 errors and 0 warnings in `{}`
",
        dir.path().display()
    );
    assert_eq!(out.status.code(), Some(1), "stderr:\n{stderr}");
    assert_eq!(text(&out.stdout), "");
    assert!(
        stderr == expected,
        "stderr differs (- expected, + actual):\n{}",
        diff(&expected, &stderr)
    );
}
