//! The analyst's workspace from the command line (issue 20): `init` a KB of one's own, `check` it,
//! open it with `--kb`, and `diff` two versions of it.

mod common;
use common::{stderr, stdout};
use std::path::Path;
use std::process::{Command, Output};

fn marketlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marketlens"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

#[test]
fn init_then_check_then_kb_works_and_init_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mine");
    let o = marketlens(&["init", s(&dir)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("marketlens --kb"), "{}", stderr(&o));
    let o = marketlens(&["check", s(&dir)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "a clean copy");
    assert!(stdout(&o).contains("86 series"), "{}", stdout(&o));
    // --kb uses it: an export of its Trends tab equals the built-in KB's.
    let mine = marketlens(&["--kb", s(&dir), "export", "--tab", "trends", "--format", "csv"]);
    let built_in = marketlens(&["export", "--tab", "trends", "--format", "csv"]);
    assert!(mine.status.success(), "{}", stderr(&mine));
    assert_eq!(stdout(&mine), stdout(&built_in));
    // The editor association: every KB file names the schema, which is there.
    let entities = std::fs::read_to_string(dir.join("entities.toml")).unwrap();
    assert!(entities.starts_with("#:schema ./marketlens.schema.json\n"));
    assert!(dir.join("marketlens.schema.json").is_file());
    assert!(dir.join(".taplo.toml").is_file());
    // Never over an existing KB.
    let o = marketlens(&["init", "--empty", s(&dir)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not empty"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.join("entities.toml")).unwrap(),
        entities
    );
}

#[test]
fn init_empty_is_a_valid_skeleton() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new");
    assert!(marketlens(&["init", "--empty", s(&dir)]).status.success());
    let o = marketlens(&["check", s(&dir)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with(&format!("{}: 1 source", s(&dir))),
        "{}",
        stdout(&o)
    );
}

const OLD: &str = r#"format = 2
[[source]]
id = "s1"
title = "A report"
publisher = "P"
date = 2025-01-01

[[vendor]]
id = "keep"
name = "Kept"
sources = ["s1"]

[[vendor]]
id = "edit"
name = "Before"
sources = ["s1"]

[[vendor]]
id = "gone"
name = "Removed"
sources = ["s1"]
"#;

/// The same records, moved: `gone` first and `keep` after a comment.
const MOVED: &str = r#"format = 2
[[vendor]]
id = "gone"
name = "Removed"
sources = ["s1"]

[[source]]
id = "s1"
title = "A report"
publisher = "P"
date = 2025-01-01

[[vendor]]
id = "edit"
name = "Before"
sources = ["s1"]

# a comment
[[vendor]]
id = "keep"
name = "Kept"
sources = ["s1"]
"#;

#[test]
fn diff_reports_added_removed_edited_and_not_moved() {
    let tmp = tempfile::tempdir().unwrap();
    let old = tmp.path().join("old.toml");
    let moved = tmp.path().join("moved.toml");
    let new = tmp.path().join("new");
    std::fs::write(&old, OLD).unwrap();
    std::fs::write(&moved, MOVED).unwrap();
    // The new KB is a folder of two files: where a record lives is not what it says.
    std::fs::create_dir(&new).unwrap();
    std::fs::write(
        new.join("a.toml"),
        OLD.replace("name = \"Before\"", "name = \"After\"\nname_en = \"After Co\"")
            .replace(
                "[[vendor]]\nid = \"gone\"\nname = \"Removed\"\nsources = [\"s1\"]\n",
                "",
            ),
    )
    .unwrap();
    std::fs::write(
        new.join("b.toml"),
        "format = 2\n[[vendor]]\nid = \"added\"\nname = \"新来的\"\nsources = [\"s1\"]\n",
    )
    .unwrap();

    let o = marketlens(&["diff", s(&old), s(&moved)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).ends_with(": no changes\n"), "{}", stdout(&o));

    let o = marketlens(&["diff", s(&old), s(&new)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("vendors: 1 added, 1 removed, 1 edited"), "{out}");
    assert!(out.contains("  + added  新来的\n"), "{out}");
    assert!(out.contains("  - gone  Removed\n"), "{out}");
    assert!(
        out.contains("  ~ edit  After\n      name: \"Before\" → \"After\"\n"),
        "{out}"
    );
    assert!(out.contains("      name_en: (none) → \"After Co\"\n"), "{out}");
    assert!(!out.contains("keep"), "unchanged records are not listed: {out}");

    let o = marketlens(&["diff", s(&old), s(&new), "--format", "json"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let records = j["kinds"][0]["records"].as_array().unwrap();
    let changes: Vec<(&str, &str)> = records
        .iter()
        .map(|r| (r["change"].as_str().unwrap(), r["id"].as_str().unwrap()))
        .collect();
    assert_eq!(
        changes,
        [("edited", "edit"), ("added", "added"), ("removed", "gone")]
    );

    let o = marketlens(&["diff", s(&old), s(&new), "--format", "md"]);
    assert!(
        stdout(&o).contains("- **removed** `gone` Removed\n"),
        "{}",
        stdout(&o)
    );
    let o = marketlens(&["diff", s(&old), s(&new), "--format", "csv"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn diff_refuses_a_broken_kb_with_its_problems() {
    let tmp = tempfile::tempdir().unwrap();
    let old = tmp.path().join("old.toml");
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&old, OLD).unwrap();
    std::fs::write(&bad, OLD.replace("sources = [\"s1\"]", "sources = [\"nope\"]")).unwrap();
    let o = marketlens(&["diff", s(&old), s(&bad)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot compare"), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
}
