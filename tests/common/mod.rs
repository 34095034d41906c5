//! Helpers shared by the test crates; each uses some of them.
#![allow(dead_code)]

use std::process::Output;

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// What no output of ours may hold raw when the KB is hostile: ESC, BEL and every other C0
/// control but a line feed (`\n` only where `newlines`), DEL, C1 controls, bidi controls,
/// zero-width characters and the line/paragraph separators. Fails naming the first one, with
/// its surroundings.
pub fn assert_inert_bytes(out: &[u8], newlines: bool, what: &str) {
    let text = String::from_utf8(out.to_vec()).unwrap_or_else(|e| panic!("{what}: not UTF-8: {e}"));
    let bad = text.char_indices().find(|&(_, c)| {
        !(newlines && c == '\n') && (marketlens::text::is_unsafe(c) || matches!(c, '\u{2028}' | '\u{2029}'))
    });
    if let Some((at, c)) = bad {
        let from = text.floor_char_boundary(at.saturating_sub(40));
        let to = text.ceil_char_boundary((at + 40).min(text.len()));
        panic!("{what}: {c:?} at byte {at}: {:?}", &text[from..to]);
    }
}

/// A copy of the default KB's files in a temporary directory, to edit while the app runs.
pub fn kb_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    let assets = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/kb");
    for e in std::fs::read_dir(&assets).expect("assets/kb") {
        let p = e.expect("an entry").path();
        if p.extension().is_some_and(|x| x == "toml") {
            std::fs::copy(&p, dir.path().join(p.file_name().expect("a name"))).expect("copy");
        }
    }
    dir
}

/// A deal to add to the default KB: valid, citing an existing vendor and source.
pub const NEW_DEAL: &str = r#"
[[deal]]
id = "reload-test-deal"
title = "重新加载测试"
kind = "order"
vendors = ["aws"]
counterparty = "Example"
date = "2025-Q3"
sources = ["leiphone-2025-09-11"]
"#;
