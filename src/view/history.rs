//! Query history: the queries run in the `/` filter and the palette, newest first, each once,
//! at most [`LIMIT`], and recalling them with ↑/↓ while typing. Pure but for [`History::load`]
//! and the file text ([`History::to_text`]); the explorer writes the file (atomically) in its
//! state folder (`view::saved::state_dir`, `history`).
//!
//! The file is plain text, one query per line, oldest first (so it reads like a shell's
//! history); blank lines are skipped, and a query holding a line break is never kept.

use std::path::Path;

/// How many queries are kept.
pub const LIMIT: usize = 200;

/// The history file's name in the state folder.
pub const FILE_NAME: &str = "history";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    /// Newest first, each query once.
    queries: Vec<String>,
}

impl History {
    pub fn from_text(text: &str) -> History {
        let mut h = History::default();
        for line in text.lines() {
            h.add(line);
        }
        h
    }

    /// Read the history file; a missing or unreadable one is an empty history (history is a
    /// convenience: it never stops the app).
    pub fn load(path: &Path) -> History {
        match crate::fsutil::read_regular(path) {
            Ok(bytes) => History::from_text(&String::from_utf8_lossy(&bytes)),
            Err(_) => History::default(),
        }
    }

    /// The file's text: oldest first, one per line.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for q in self.queries.iter().rev() {
            s.push_str(q);
            s.push('\n');
        }
        s
    }

    /// Remember `query` as the newest (moved to the front if it was there). Returns whether the
    /// history changed. Blank queries and ones holding a line break are not kept.
    pub fn add(&mut self, query: &str) -> bool {
        let q = query.trim();
        if q.is_empty() || q.contains(['\n', '\r']) {
            return false;
        }
        if self.queries.first().is_some_and(|f| f == q) {
            return false;
        }
        self.queries.retain(|x| x != q);
        self.queries.insert(0, q.to_string());
        self.queries.truncate(LIMIT);
        true
    }

    /// Newest first.
    pub fn queries(&self) -> &[String] {
        &self.queries
    }

    pub fn len(&self) -> usize {
        self.queries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queries.is_empty()
    }
}

/// Walking the history from a prompt: where we are (`None`: the text being typed) and that
/// text, given back when ↓ walks past the newest query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recall {
    at: Option<usize>,
    draft: String,
}

impl Recall {
    /// ↑: the next older query, from the text now in the prompt; `None` at the oldest (the
    /// prompt keeps what it has).
    pub fn older(&mut self, h: &History, current: &str) -> Option<String> {
        let next = self.at.map_or(0, |i| i + 1);
        let q = h.queries.get(next)?;
        if self.at.is_none() {
            self.draft = current.to_string();
        }
        self.at = Some(next);
        Some(q.clone())
    }

    /// ↓: the next newer query, or, past the newest, the text typed before ↑; `None` when not
    /// walking the history.
    pub fn newer(&mut self, h: &History) -> Option<String> {
        match self.at? {
            0 => {
                self.at = None;
                Some(std::mem::take(&mut self.draft))
            }
            i => {
                self.at = Some(i - 1);
                h.queries.get(i - 1).cloned()
            }
        }
    }

    /// Typing: the text is the user's now, not a recalled query's.
    pub fn reset(&mut self) {
        *self = Recall::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_first_each_once_and_bounded() {
        let mut h = History::default();
        assert!(h.add("aws"));
        assert!(h.add("阿里云"));
        assert!(!h.add("阿里云"), "the newest again changes nothing");
        assert!(h.add("  aws  "), "an older one moves to the front, trimmed");
        assert_eq!(h.queries(), ["aws", "阿里云"]);
        assert!(!h.add("   "));
        assert!(!h.add("a\nb"));
        for i in 0..LIMIT + 50 {
            h.add(&format!("q{i}"));
        }
        assert_eq!(h.len(), LIMIT);
        assert_eq!(h.queries()[0], format!("q{}", LIMIT + 49));
        assert!(!h.queries().iter().any(|q| q == "aws"), "the oldest fell off");
    }

    #[test]
    fn the_file_is_one_query_a_line_oldest_first_and_reads_back() {
        let mut h = History::default();
        for q in ["first", "二", "kind:deal amount>=10亿"] {
            h.add(q);
        }
        let text = h.to_text();
        assert_eq!(text, "first\n二\nkind:deal amount>=10亿\n");
        assert_eq!(History::from_text(&text), h);
        // Blank lines and duplicates in a hand-edited file are skipped; the last wins.
        let h = History::from_text("a\n\nb\na\n");
        assert_eq!(h.queries(), ["a", "b"]);
    }

    #[test]
    fn a_file_is_read_and_a_missing_one_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME);
        assert!(History::load(&p).is_empty());
        std::fs::write(&p, "x\ny\n").unwrap();
        assert_eq!(History::load(&p).queries(), ["y", "x"]);
    }

    #[test]
    fn up_walks_older_down_walks_back_to_the_draft() {
        let h = History::from_text("old\nmid\nnew\n");
        let mut r = Recall::default();
        assert_eq!(r.newer(&h), None, "down before up does nothing");
        assert_eq!(r.older(&h, "typed").as_deref(), Some("new"));
        assert_eq!(r.older(&h, "new").as_deref(), Some("mid"));
        assert_eq!(r.older(&h, "mid").as_deref(), Some("old"));
        assert_eq!(r.older(&h, "old"), None, "the oldest stays");
        assert_eq!(r.newer(&h).as_deref(), Some("mid"));
        assert_eq!(r.newer(&h).as_deref(), Some("new"));
        assert_eq!(r.newer(&h).as_deref(), Some("typed"));
        assert_eq!(r.newer(&h), None);
        let empty = History::default();
        assert_eq!(Recall::default().older(&empty, "x"), None);
    }
}
