//! Helpers shared by the tests that run the binary.

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
#[allow(dead_code)] // Not every test crate that includes `common` checks outputs.
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
