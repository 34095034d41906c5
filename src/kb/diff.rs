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

    /// The ids of the records added, removed and edited, in that order and by kind within each.
    pub fn ids(&self) -> Vec<&str> {
        let lists = [
            (|c: &KindChanges| &c.added) as fn(&KindChanges) -> &Vec<String>,
            |c: &KindChanges| &c.removed,
            |c: &KindChanges| &c.edited,
        ];
        lists
            .iter()
            .flat_map(|pick| {
                self.kinds
                    .values()
                    .flat_map(move |c| pick(c).iter().map(String::as_str))
            })
            .collect()
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

/// What changed in one record, for `marketlens diff`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "lowercase")]
pub enum RecordChange {
    Added {
        id: String,
        name: String,
    },
    Removed {
        id: String,
        name: String,
    },
    Edited {
        id: String,
        name: String,
        fields: Vec<FieldChange>,
    },
}

impl RecordChange {
    pub fn id(&self) -> &str {
        match self {
            RecordChange::Added { id, .. }
            | RecordChange::Removed { id, .. }
            | RecordChange::Edited { id, .. } => id,
        }
    }
}

/// One field of an edited record: its path from the record (`name`, `points[2].value`,
/// `career[1]` for a whole move added or removed) and its value before and after as TOML-like
/// JSON (`null`: not there).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub old: serde_json::Value,
    pub new: serde_json::Value,
}

/// The changes of one kind, records in the new KB's order, then the removed in the old one's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KindReport {
    #[serde(serialize_with = "kind_table")]
    pub kind: Kind,
    pub records: Vec<RecordChange>,
}

/// A kind as its table's name: `vendor`.
fn kind_table<S: serde::Serializer>(k: &Kind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(k.table())
}

/// What changed between two KBs, record by record and field by field: for reviewing an edit.
/// Like [`diff`], a record that only moved (another file, another place, other comments) has not
/// changed.
pub fn detailed(old: &Kb, new: &Kb) -> Vec<KindReport> {
    Kind::ALL
        .iter()
        .filter_map(|&kind| {
            let records = with_record!(kind, R => record_changes(R::all(old), R::all(new)));
            (!records.is_empty()).then_some(KindReport { kind, records })
        })
        .collect()
}

fn record_changes<R: Record>(old: &[R], new: &[R]) -> Vec<RecordChange> {
    let value = |r: &R| serde_json::to_value(r).unwrap_or(serde_json::Value::Null);
    let before: HashMap<&str, &R> = old.iter().map(|r| (r.id(), r)).collect();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for r in new {
        seen.insert(r.id());
        let (id, name) = (r.id().to_string(), r.name().to_string());
        match before.get(r.id()) {
            None => out.push(RecordChange::Added { id, name }),
            Some(o) => {
                let mut fields = Vec::new();
                fields_changed(String::new(), &value(o), &value(r), &mut fields);
                if !fields.is_empty() {
                    out.push(RecordChange::Edited { id, name, fields });
                }
            }
        }
    }
    out.extend(
        old.iter()
            .filter(|r| !seen.contains(r.id()))
            .map(|r| RecordChange::Removed {
                id: r.id().to_string(),
                name: r.name().to_string(),
            }),
    );
    out
}

/// The fields that differ between `a` and `b` (at `path`). Tables are compared key by key; a list
/// of tables (points, career moves) keeps the entries found unchanged in both, pairs the rest in
/// order as edits and reports what is left as added or removed, so inserting a point is one
/// added point, not every later point edited; any other list or value is compared whole.
fn fields_changed(path: String, a: &serde_json::Value, b: &serde_json::Value, out: &mut Vec<FieldChange>) {
    use serde_json::Value::{Array, Null, Object};
    let at = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match (a, b) {
        (Object(x), Object(y)) => {
            let keys = x.keys().chain(y.keys().filter(|k| !x.contains_key(*k)));
            for k in keys {
                let (va, vb) = (x.get(k).unwrap_or(&Null), y.get(k).unwrap_or(&Null));
                if va != vb {
                    fields_changed(at(k), va, vb, out);
                }
            }
        }
        (Array(x), Array(y)) if x.iter().chain(y).all(|v| v.is_object()) && x != y => {
            let mut used = vec![false; y.len()];
            let mut unmatched_old = Vec::new();
            for (i, v) in x.iter().enumerate() {
                match (0..y.len()).find(|&j| !used[j] && y[j] == *v) {
                    Some(j) => used[j] = true,
                    None => unmatched_old.push(i),
                }
            }
            // Each entry left over from the old list is paired with the left-over new entry
            // sharing most of its fields (the same period, the same date…), if any.
            let alike = |p: &serde_json::Value, q: &serde_json::Value| match (p, q) {
                (Object(p), Object(q)) => p.iter().filter(|(k, v)| q.get(*k) == Some(*v)).count(),
                _ => 0,
            };
            let mut pair_of_new: Vec<Option<usize>> = vec![None; y.len()];
            let mut paired_old = vec![false; x.len()];
            for &i in &unmatched_old {
                let best = (0..y.len())
                    .filter(|&j| !used[j])
                    .map(|j| (alike(&x[i], &y[j]), j))
                    .filter(|&(n, _)| n > 0)
                    .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
                if let Some((_, j)) = best {
                    used[j] = true;
                    pair_of_new[j] = Some(i);
                    paired_old[i] = true;
                }
            }
            let item = |i: usize| format!("{path}[{i}]");
            for (j, v) in y.iter().enumerate() {
                match pair_of_new[j] {
                    Some(i) => fields_changed(item(j), &x[i], v, out),
                    None if !used[j] => out.push(FieldChange {
                        field: item(j),
                        old: Null,
                        new: v.clone(),
                    }),
                    None => {}
                }
            }
            for &i in unmatched_old.iter().filter(|&&i| !paired_old[i]) {
                out.push(FieldChange {
                    field: item(i),
                    old: x[i].clone(),
                    new: Null,
                });
            }
        }
        _ if a != b => out.push(FieldChange {
            field: path,
            old: a.clone(),
            new: b.clone(),
        }),
        _ => {}
    }
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
        assert_eq!(c.ids(), ["v3", "v4", "v1", "v2"], "added, removed, edited");
        assert!(diff(&kb(BASE), &kb(BASE)).ids().is_empty());
    }

    #[test]
    fn detailed_names_the_fields_that_changed_and_ignores_moves() {
        let moved = BASE.replace("[[vendor]]\nid = \"v1\"", "# moved\n\n[[vendor]]\nid = \"v1\"");
        assert!(detailed(&kb(BASE), &kb(&moved)).is_empty());

        let new = BASE
            .replace("name = \"Two\"", "name = \"Two!\"\nquote = \"q\"")
            .replace(
                "[[vendor]]\nid = \"v1\"\nname = \"One\"\nsources = [\"s1\"]\n",
                "",
            )
            + "\n[[vendor]]\nid = \"v3\"\nname = \"Three\"\nsources = [\"s1\"]\n";
        let r = detailed(&kb(BASE), &kb(&new));
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].kind, Kind::Vendor);
        let ids: Vec<&str> = r[0].records.iter().map(RecordChange::id).collect();
        assert_eq!(ids, ["v2", "v3", "v1"], "new order, then the removed");
        let RecordChange::Edited { fields, .. } = &r[0].records[0] else {
            panic!("{:?}", r[0].records[0])
        };
        let f: Vec<(&str, String, String)> = fields
            .iter()
            .map(|f| (f.field.as_str(), f.old.to_string(), f.new.to_string()))
            .collect();
        assert_eq!(
            f,
            [
                ("name", "\"Two\"".into(), "\"Two!\"".into()),
                ("quote", "null".into(), "\"q\"".into())
            ]
        );
    }

    #[test]
    fn an_inserted_point_is_one_added_point_and_an_edit_is_its_field() {
        let series = |points: &str| {
            format!(
                "{BASE}\n[[series]]\nid = \"x\"\nname = \"X\"\nvendor = \"v1\"\nmetric = \"growth\"\nunit = \"%\"\nsources = [\"s1\"]\npoints = [{points}]\n"
            )
        };
        let old = series(r#"{ period = "2025-Q1", value = 1 }, { period = "2025-Q3", value = 3 }"#);
        let new = series(
            r#"{ period = "2025-Q1", value = 1 }, { period = "2025-Q2", value = 2 }, { period = "2025-Q3", value = 4 }"#,
        );
        let r = detailed(&kb(&old), &kb(&new));
        let RecordChange::Edited { fields, .. } = &r[0].records[0] else {
            panic!("{r:?}")
        };
        let f: Vec<(&str, String, String)> = fields
            .iter()
            .map(|f| (f.field.as_str(), f.old.to_string(), f.new.to_string()))
            .collect();
        assert_eq!(
            f,
            [
                (
                    "points[1]",
                    "null".into(),
                    r#"{"period":"2025-Q2","value":2.0}"#.into()
                ),
                ("points[2].value", "3.0".into(), "4.0".into()),
            ],
            "Q3 is compared with Q3, Q2 is new"
        );
    }
}
