//! Untrusted text made safe for a terminal or a text export, and fitted to a display width.
//! Every string from a KB passes through here before it is printed.

use std::borrow::Cow;

/// Characters that could steer a terminal or hide/reorder text: C0 and C1 controls, DEL, bidi
/// overrides and isolates, zero-width and invisible formatting characters.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}' | '\u{FFF9}'..='\u{FFFB}')
}

/// Replace every unsafe character with a visible escape (`\n`, `\t`, `\u{1b}`), so the text stays
/// inert but nothing is silently lost. Borrows when there is nothing to escape.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls_and_invisible_characters() {
        assert_eq!(escape_controls("阿里云"), "阿里云");
        assert!(matches!(escape_controls("plain"), Cow::Borrowed(_)));
        assert_eq!(escape_controls("a\x1b]0;pwned\x07b"), "a\\u{1b}]0;pwned\\u{7}b");
        assert_eq!(
            escape_controls("x\u{202E}y\u{200B}z\u{9b}"),
            "x\\u{202e}y\\u{200b}z\\u{9b}"
        );
        assert_eq!(escape_controls("l1\nl2\tt"), "l1\\nl2\\tt");
    }
}
