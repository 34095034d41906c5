//! What changed between two versions of a KB, by record id: for the "+2 deals, 1 vendor edited"
//! line after a live reload. A record is edited when any of its fields differs; where it sits in
//! the file (its `Origin`) does not count, so moving a record or editing a comment is no change.

use std::collections::HashMap;

use serde::Serialize;

use super::{Kb, Kind, PerKind, Record, with_record};

/// Ids added, removed and edited, for one kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KindChanges {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub edited: Vec<String>,
}

impl KindChanges {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.edited.is_empty()
    }
}

/// Changes per kind, in [`Kind::ALL`] order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Boxed: it is the size of every kind's lists, and a reload's result carries it around.
    pub kinds: Box<PerKind<KindChanges>>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.kinds.values().all(KindChanges::is_empty)
    }

    pub fn of(&self, kind: Kind) -> Option<&KindChanges> {
        Some(&self.kinds[kind])
    }

    /// One line for a person: `+2 deals, -1 source, 1 vendor edited`, or `no changes`.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        for (sign, pick) in [
            (
                "+",
                (|c: &KindChanges| c.added.len()) as fn(&KindChanges) -> usize,
            ),
            ("-", |c: &KindChanges| c.removed.len()),
        ] {
            for (kind, c) in self.kinds.iter() {
                let n = pick(c);
                if n > 0 {
                    parts.push(format!("{sign}{n} {}", kind.noun(n)));
                }
            }
        }
        for (kind, c) in self.kinds.iter() {
            let n = c.edited.len();
            if n > 0 {
                parts.push(format!("{n} {} edited", kind.noun(n)));
            }
        }
        if parts.is_empty() {
            "no changes".into()
        } else {
            parts.join(", ")
        }
    }
}

/// Compare two KBs record by record.
pub fn diff(old: &Kb, new: &Kb) -> Changes {
    Changes {
        kinds: Box::new(PerKind::new(
            |k| with_record!(k, R => records(R::all(old), R::all(new), R::id)),
        )),
    }
}

/// Records are compared through their serialized form: it covers every field the model has, now
/// and later, and leaves out `Origin` (not serialized), which is where a record sits, not what
/// it says.
fn records<T: Serialize>(old: &[T], new: &[T], id: impl Fn(&T) -> &str) -> KindChanges {
    let fingerprint = |r: &T| serde_json::to_string(r).unwrap_or_default();
    let before: HashMap<&str, &T> = old.iter().map(|r| (id(r), r)).collect();
    let mut seen = std::collections::HashSet::new();
    let mut out = KindChanges::default();
    for r in new {
        let key = id(r);
        seen.insert(key);
        match before.get(key) {
            None => out.added.push(key.to_string()),
            Some(o) if fingerprint(o) != fingerprint(r) => out.edited.push(key.to_string()),
            Some(_) => {}
        }
    }
    out.removed = old
        .iter()
        .map(&id)
        .filter(|k| !seen.contains(k))
        .map(str::to_string)
        .collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb(toml: &str) -> Kb {
        let l = crate::kb::load::load_files(
            "t".into(),
            vec![crate::kb::SourceFile {
                name: "t.toml".into(),
                text: toml.into(),
            }],
            Vec::new(),
        );
        assert!(l.is_ok(), "{}", l.render_diagnostics());
        l.kb
    }

    const BASE: &str = r#"
[[source]]
id = "s1"
title = "A report"
publisher = "P"
date = 2025-01-01

[[vendor]]
id = "v1"
name = "One"
sources = ["s1"]

[[vendor]]
id = "v2"
name = "Two"
sources = ["s1"]
"#;

    #[test]
    fn no_change_when_only_layout_and_comments_change() {
        let moved = BASE.replace(
            "[[vendor]]\nid = \"v1\"",
            "# a comment\n\n[[vendor]]\nid = \"v1\"",
        );
        let c = diff(&kb(BASE), &kb(&moved));
        assert!(c.is_empty(), "{c:?}");
        assert_eq!(c.summary(), "no changes");
    }

    #[test]
    fn counts_added_removed_and_edited_records() {
        let new = BASE.replace("name = \"Two\"", "name = \"Two!\"").replace(
            "[[vendor]]\nid = \"v1\"\nname = \"One\"\nsources = [\"s1\"]\n",
            "",
        ) + "\n[[vendor]]\nid = \"v3\"\nname = \"Three\"\nsources = [\"s1\"]\n\n[[vendor]]\nid = \"v4\"\nname = \"Four\"\nsources = [\"s1\"]\n";
        let c = diff(&kb(BASE), &kb(&new));
        let v = c.of(Kind::Vendor).unwrap();
        assert_eq!(v.added, ["v3", "v4"]);
        assert_eq!(v.removed, ["v1"]);
        assert_eq!(v.edited, ["v2"]);
        assert_eq!(c.summary(), "+2 vendors, -1 vendor, 1 vendor edited");
    }
}
