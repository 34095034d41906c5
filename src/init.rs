//! `marketlens init DIR`: an editable KB to start from — the built-in one, or an empty skeleton —
//! with the JSON Schema beside it and a `.taplo.toml` mapping every KB file to it, so an editor
//! with a TOML language server validates and completes as you type, and `marketlens --kb DIR`
//! works at once.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The skeleton of `init --empty`: one source to copy from (a KB needs a record) and every other
/// kind as a commented template.
pub const SKELETON: &str = r#"#:schema ./marketlens.schema.json
# A marketlens knowledge base. Every fact cites a [[source]] with a verbatim `quote`.
# The format: https://github.com/marketlens/marketlens/blob/main/docs/kb-format.md
# Check it with `marketlens check DIR`; explore it with `marketlens --kb DIR`.
format = 2

# One record per article. Replace this example with your first article; `archive` (optional)
# names its text, relative to this folder, and `check` then verifies every quote against it.
[[source]]
id = "example-source"
title = "Example: the article's headline as published"
publisher = "Example"
date = 2025-01-01
# archive = "archive/example-source.txt"

# [[vendor]]
# id = "aliyun"
# name = "阿里云"
# name_en = "Alibaba Cloud"
# role = "cloud"
# sources = ["example-source"]
# quote = "…the sentence of the article that says so…"

# [[series]]
# id = "aliyun-revenue"
# name = "阿里云营收"
# vendor = "aliyun"
# metric = "revenue"
# unit = "CNY"
# sources = ["example-source"]
#
#   [[series.points]]
#   period = "2025-Q3"
#   value = "398亿"
#   qualifier = "over"          # exact (default) | about | over | under | nearly | up-to | at-least
#   status = "estimate"         # actual (default) | estimate | forecast | target | guidance | plan | rumour | opinion
#   quote = "…"

# [[deal]]
# id = "example-deal"
# title = "…"
# kind = "order"
# vendors = ["aliyun"]
# date = 2025-06
# sources = ["example-source"]
# quote = "…"
"#;

const TAPLO: &str = r#"# Editors with a TOML language server (Taplo, Even Better TOML) check every KB file against
# the marketlens schema. Written by `marketlens init`.
[[rule]]
include = ["**/*.toml"]
[rule.schema]
path = "./marketlens.schema.json"
"#;

/// The files of a new KB: (name, contents).
pub fn files(empty: bool) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = if empty {
        vec![("kb.toml".into(), SKELETON.into())]
    } else {
        crate::kb::load::BUILT_IN
            .iter()
            .map(|(name, text)| {
                (
                    (*name).to_string(),
                    format!("#:schema ./marketlens.schema.json\n{text}"),
                )
            })
            .collect()
    };
    out.push(("marketlens.schema.json".into(), crate::kb::json_schema()));
    out.push((".taplo.toml".into(), TAPLO.into()));
    out
}

/// Write a new KB into `dir`: created if missing; refused if it exists and holds anything, so
/// an existing KB (or anything else) is never overwritten. Each file is created new
/// (`create_new`), so a file appearing meanwhile is not replaced either. Returns what was written.
pub fn init(dir: &Path, empty: bool) -> Result<Vec<PathBuf>, String> {
    let shown = crate::text::escape_controls(&dir.display().to_string()).into_owned();
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(format!(
                    "`{shown}` is not empty: init writes a new KB only into a new or empty folder, never over files"
                ));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create `{shown}`: {}", crate::fsutil::io_reason(&e)))?,
        Err(e) => {
            return Err(format!("cannot use `{shown}`: {}", crate::fsutil::io_reason(&e)));
        }
    }
    let mut written = Vec::new();
    for (name, text) in files(empty) {
        let path = dir.join(&name);
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()
        };
        write().map_err(|e| {
            format!(
                "cannot write `{}`: {}",
                crate::text::escape_controls(&path.display().to_string()),
                crate::fsutil::io_reason(&e)
            )
        })?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_kinds_of_new_kb_check_clean_and_nothing_is_overwritten() {
        for empty in [false, true] {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path().join("my-kb");
            let written = init(&dir, empty).expect("a new folder");
            assert!(written.iter().any(|p| p.ends_with("marketlens.schema.json")));
            let l = crate::kb::load_path(&dir);
            assert!(l.is_ok(), "{}", l.render_diagnostics());
            let want = if empty { 1 } else { crate::kb::load::BUILT_IN.len() };
            assert_eq!(l.files.len(), want, "the KB files, not .taplo.toml or the schema");
            if !empty {
                assert_eq!(l.kb.series.len(), crate::kb::load_builtin().kb.series.len());
            }
            // Again: refused, and the files are as they were.
            let before = std::fs::read_to_string(&written[0]).unwrap();
            let err = init(&dir, !empty).unwrap_err();
            assert!(err.contains("is not empty"), "{err}");
            assert_eq!(std::fs::read_to_string(&written[0]).unwrap(), before);
        }
    }

    #[test]
    fn an_empty_existing_folder_is_fine_a_file_is_not() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(init(tmp.path(), true).is_ok());
        let file = tmp.path().join("kb.toml");
        let err = init(&file, true).unwrap_err();
        assert!(err.starts_with("cannot use"), "{err}");
    }
}
