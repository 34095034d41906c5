//! The docs cannot drift: every ```console block of README.md and docs/*.md is run, and its
//! output compared with what the block shows (trycmd).
//!
//! In a block, `$ marketlens ARGS` runs the built binary with ARGS (split like a shell would,
//! without expanding anything), from the repository's root; a `? N` line after it gives the exit
//! status (0 when there is none); the lines up to the next `$` or the end of the block are its
//! standard output and standard error, interleaved as written. A line `...` stands for any number
//! of lines, and `[..]` inside a line for any text. Blocks that only illustrate (a screen, a
//! synopsis) are ```text or ```sh, and are not run.
//!
//! After a change of output: `TRYCMD=overwrite cargo test --test docs` rewrites the blocks with
//! the new output (check the diff: elisions stay, the rest is replaced).

use std::time::Duration;

/// 2025-11-22 15:30 UTC, the export time the examples show.
const EPOCH: &str = "1763825400";

#[test]
fn console_examples_in_the_docs_run_as_shown() {
    // Saved search indexes go to a fresh directory, never the user's cache.
    let cache = tempfile::tempdir().expect("a temporary directory");
    let cases = trycmd::TestCases::new();
    cases
        .register_bin(
            "marketlens",
            std::path::Path::new(env!("CARGO_BIN_EXE_marketlens")),
        )
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env("MARKETLENS_CACHE_DIR", cache.path().display().to_string())
        // Never the user's config file (an empty variable counts as unset).
        .env("MARKETLENS_CONFIG", "")
        .env(
            "XDG_CONFIG_HOME",
            cache.path().join("no-config").display().to_string(),
        )
        // A hung command fails its case instead of hanging the run.
        .timeout(Duration::from_secs(60))
        .case("README.md")
        .case("docs/*.md");
    cases.run();
}
