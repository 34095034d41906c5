//! Marks: rows the user set apart in a tab (`space` in the explorer), kept by what each row is —
//! not by its position — so they survive sorting, filtering and a reload, in the order they were
//! made (the Trends chart draws marked series in that order).
//!
//! A row's identity ([`key`]): in a record tab, its record's id (unique within a kind). An
//! analysis row is not one record: a Compare row is its series (by reports a series has a row per
//! period, all marked together, so marks mean the same under either pivot); a Timeline row is one
//! dated event of a record, told apart from the record's other events by its date and its from
//! and to (two events of one record on one date between the same parties are one mark).

use foldhash::HashSet;

use super::{Row, Tab, View};
use crate::kb::{Kb, Kind};

/// The marks of one tab: each marked row's key, with its record's kind and id, in the order
/// marked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Marks {
    order: Vec<Mark>,
    set: HashSet<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Mark {
    key: String,
    kind: Kind,
    id: String,
}

impl Marks {
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    pub fn contains(&self, key: &str) -> bool {
        self.set.contains(key)
    }

    /// Mark `row` (one of `view`'s), or unmark it if it was marked. Returns whether it is
    /// marked now.
    pub fn toggle(&mut self, view: &View, row: &Row) -> bool {
        let key = key(view, row);
        if self.set.remove(&key) {
            self.order.retain(|m| m.key != key);
            false
        } else {
            self.set.insert(key.clone());
            self.order.push(Mark {
                key,
                kind: row.kind,
                id: row.id.clone(),
            });
            true
        }
    }

    pub fn clear(&mut self) {
        self.order.clear();
        self.set.clear();
    }

    /// The marked rows' keys, in the order they were marked.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.order.iter().map(|m| m.key.as_str())
    }

    /// The marked rows' records, in the order marked (a record once however many of its rows
    /// are marked).
    pub fn records(&self) -> Vec<(Kind, &str)> {
        let mut out: Vec<(Kind, &str)> = Vec::with_capacity(self.order.len());
        for m in &self.order {
            if !out.iter().any(|(k, id)| *k == m.kind && *id == m.id) {
                out.push((m.kind, &m.id));
            }
        }
        out
    }

    /// Drop the marks whose record `kb` no longer has (a reload): returns how many.
    pub fn keep_records(&mut self, kb: &Kb) -> usize {
        let before = self.order.len();
        self.order
            .retain(|m| kb.lookup(&m.id).is_some_and(|(k, _)| k == m.kind));
        if self.order.len() != before {
            self.set = self.order.iter().map(|m| m.key.clone()).collect();
        }
        before - self.order.len()
    }

    /// Whether `row` (one of `view`'s) is marked.
    pub fn marks_row(&self, view: &View, row: &Row) -> bool {
        if self.is_empty() {
            return false;
        }
        match view.tab {
            Tab::Timeline => self.contains(&key(view, row)),
            // The key is the id: looked up without making one (a frame asks for every row drawn).
            _ => self.contains(&row.id),
        }
    }

    /// The shown rows that are marked (indices into `view.rows`, in display order): what an
    /// export of the marked rows keeps.
    pub fn filter_order(&self, view: &View) -> Vec<usize> {
        view.order
            .iter()
            .copied()
            .filter(|&i| self.marks_row(view, &view.rows[i]))
            .collect()
    }
}

/// A row's identity within its tab (see the module's notes).
pub fn key(view: &View, row: &Row) -> String {
    match view.tab {
        Tab::Timeline => {
            let cell = |k: &str| {
                view.column(k)
                    .and_then(|c| row.cells.get(c))
                    .map_or("", |c| c.text.as_str())
            };
            format!(
                "{}:{}@{}\u{1f}{}\u{1f}{}",
                row.kind.label(),
                row.id,
                cell("date"),
                cell("from"),
                cell("to")
            )
        }
        _ => row.id.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::{self, Sort};

    fn kb() -> crate::kb::Kb {
        crate::kb::load_builtin().kb
    }

    #[test]
    fn toggling_keeps_mark_order_and_unmarks() {
        let kb = kb();
        let v = view::table(&kb, Tab::Deals);
        let r = |i: usize| &v.rows[i];
        let mut m = Marks::default();
        assert!(m.toggle(&v, r(1)));
        assert!(m.toggle(&v, r(0)));
        assert!(m.toggle(&v, r(2)));
        let ids = |m: &Marks| m.keys().map(str::to_owned).collect::<Vec<String>>();
        assert_eq!(ids(&m), [r(1).id.clone(), r(0).id.clone(), r(2).id.clone()]);
        assert!(!m.toggle(&v, r(0)), "a second toggle unmarks");
        assert_eq!(ids(&m), [r(1).id.clone(), r(2).id.clone()]);
        assert!(!m.marks_row(&v, r(0)) && m.marks_row(&v, r(2)));
        assert_eq!(
            m.records(),
            [(Kind::Deal, r(1).id.as_str()), (Kind::Deal, r(2).id.as_str())]
        );
        m.clear();
        assert!(m.is_empty() && !m.marks_row(&v, r(2)));
    }

    #[test]
    fn a_record_tab_marks_by_id_whatever_the_order() {
        let kb = kb();
        let mut v = view::table(&kb, Tab::Trends);
        v.arrange(None, None);
        let (first, third) = (v.get(0).unwrap().id.clone(), v.get(2).unwrap().id.clone());
        let mut m = Marks::default();
        m.toggle(&v, v.get(2).unwrap());
        m.toggle(&v, v.get(0).unwrap());
        let kb_order = v.order.clone();
        v.arrange(
            None,
            Some(Sort::by(Tab::Trends, "series", true).expect("a series column")),
        );
        assert_ne!(v.order, kb_order, "the sort moved the rows");
        let marked: Vec<&str> = v
            .shown()
            .filter(|r| m.marks_row(&v, r))
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(marked.len(), 2);
        assert!(marked.contains(&first.as_str()) && marked.contains(&third.as_str()));
        assert_eq!(m.keys().collect::<Vec<_>>(), [third.as_str(), first.as_str()]);
        // Filtered to one row: the other mark is kept, unseen.
        let only = v.rows.iter().position(|r| r.id == first).unwrap();
        v.arrange(Some((&[only], false)), None);
        assert_eq!(m.filter_order(&v), [only]);
        assert_eq!(m.len(), 2);
    }

    /// Outside the Timeline a row's key is its record's id (`marks_row` looks ids up directly).
    #[test]
    fn a_key_is_the_id_outside_the_timeline() {
        let kb = kb();
        for tab in Tab::ALL.into_iter().filter(|t| *t != Tab::Timeline) {
            let v = view::rows(&kb, &view::ViewSpec::new(tab));
            assert!(!v.rows.is_empty(), "{tab:?}");
            let mut m = Marks::default();
            for r in v.rows.iter() {
                assert_eq!(key(&v, r), r.id, "{tab:?}");
            }
            m.toggle(&v, &v.rows[0]);
            assert!(m.marks_row(&v, &v.rows[0]));
        }
    }

    #[test]
    fn timeline_events_of_one_record_are_marked_apart() {
        let kb = kb();
        let v = view::analysis::build(&kb, Tab::Timeline, None);
        let date = v.column("date").unwrap();
        // A record with two events on different dates.
        let (a, b) = v
            .rows
            .iter()
            .enumerate()
            .find_map(|(i, r)| {
                v.rows[i + 1..]
                    .iter()
                    .find(|s| s.id == r.id && s.kind == r.kind && s.cells[date].text != r.cells[date].text)
                    .map(|s| (r, s))
            })
            .expect("a record with two dated events");
        assert_ne!(key(&v, a), key(&v, b));
        let mut m = Marks::default();
        m.toggle(&v, a);
        assert!(m.marks_row(&v, a) && !m.marks_row(&v, b));
        assert_eq!(m.records(), [(a.kind, a.id.as_str())]);
    }

    #[test]
    fn marks_of_records_gone_are_dropped() {
        let kb = kb();
        let v = view::table(&kb, Tab::Deals);
        let mut m = Marks::default();
        m.toggle(&v, &v.rows[0]);
        let mut gone = v.rows[1].clone();
        gone.id = "no-such-deal".into();
        m.toggle(&v, &gone);
        // A record of another kind under the same id is not the marked one.
        let mut other = v.rows[2].clone();
        other.kind = Kind::Vendor;
        m.toggle(&v, &other);
        assert_eq!(m.len(), 3);
        assert_eq!(m.keep_records(&kb), 2);
        assert_eq!(m.keys().collect::<Vec<_>>(), [v.rows[0].id.as_str()]);
        assert!(m.marks_row(&v, &v.rows[0]));
    }
}
