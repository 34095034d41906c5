//! Helpers shared by the test crates; each uses some of them.
#![allow(dead_code)]

use std::io::Read as _;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

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

/// `records` put at the top of a KB file `text`, after its `format = N` line if it has one (that
/// line must come before any table).
pub fn prepend(text: &str, records: &str) -> String {
    match text.lines().position(|l| l.trim_start().starts_with("format")) {
        Some(i) => {
            let mut lines: Vec<&str> = text.lines().collect();
            lines.insert(i + 1, records);
            lines.join("\n") + "\n"
        }
        None => format!("{records}\n{text}"),
    }
}

/// A KB file's text without its `format = N` line, to join several files into one.
pub fn without_format_line(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("format"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Waits for `child`, killing it and failing the test if it runs past `limit`, so that a hang
/// fails fast instead of stalling the run.
pub fn wait_within(child: &mut Child, limit: Duration, what: &str) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {limit:?} (hung?)");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs `cmd` to its end (standard input closed) within `limit`, as `wait_within`, collecting
/// both outputs (each read on its own thread, so neither pipe can fill and stall the child).
pub fn output_within(cmd: &mut Command, limit: Duration, what: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    let drain = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            v
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let err = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let status = wait_within(&mut child, limit, what);
    Output {
        status,
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    }
}
