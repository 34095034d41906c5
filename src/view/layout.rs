//! How the user arranged a tab's columns: which are hidden, their order, and widths set by hand.
//! Keyed by column *key* (as declared in `view::columns`, or a pivot's data-named key), never by
//! position, so a layout survives a reload, a pivot and a new column, and can be saved with a
//! view (it is plain data, serde-(de)serialisable). Names a layout holds that the tab's columns
//! do not have are ignored, never an error.
//!
//! Every operation takes the tab's current column keys (`keys`, in declared order) and keeps two
//! invariants: at least one column stays visible, and a width set by hand is within
//! [`MIN_WIDTH`]..=[`MAX_WIDTH`].

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The narrowest a column can be made by hand: one wide (CJK) character and an ellipsis.
pub const MIN_WIDTH: u16 = 3;
/// The widest a column can be made by hand.
pub const MAX_WIDTH: u16 = 200;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ColumnLayout {
    /// Column keys in the order shown. Columns it does not name follow, in declared order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub order: Vec<String>,
    /// Keys of the hidden columns.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub hidden: BTreeSet<String>,
    /// Widths set by hand (`<` / `>`), in display columns.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub widths: BTreeMap<String, u16>,
}

impl ColumnLayout {
    /// Whether the layout is the declared one (nothing hidden, moved or resized).
    pub fn is_default(&self) -> bool {
        self.order.is_empty() && self.hidden.is_empty() && self.widths.is_empty()
    }

    /// Every column (positions in `keys`), in the order shown, hidden ones included.
    pub fn arranged(&self, keys: &[&str]) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::with_capacity(keys.len());
        for k in &self.order {
            if let Some(i) = keys.iter().position(|c| c == k)
                && !out.contains(&i)
            {
                out.push(i);
            }
        }
        for i in 0..keys.len() {
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out
    }

    /// The columns shown (positions in `keys`), in the order shown. Never empty while `keys` is
    /// not: should every column be hidden (a saved layout from another KB), the first one shows.
    pub fn visible(&self, keys: &[&str]) -> Vec<usize> {
        let all = self.arranged(keys);
        let shown: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&i| !self.hidden.contains(keys[i]))
            .collect();
        if shown.is_empty() {
            all.into_iter().take(1).collect()
        } else {
            shown
        }
    }

    /// `v` as laid out: hidden columns left out, the others in the order shown (what `e` writes
    /// in txt, md and csv, `C v` copies and `export --view` writes for a view that saved a
    /// layout). `v` itself, shared, when the layout changes nothing.
    pub fn apply(&self, v: &super::View) -> super::View {
        let keys: Vec<&str> = v.columns.iter().map(|c| c.key.as_ref()).collect();
        let vis = self.visible(&keys);
        if vis.len() == keys.len() && vis.iter().enumerate().all(|(a, &b)| a == b) {
            return v.clone();
        }
        let mut out = v.clone();
        out.columns = vis
            .iter()
            .map(|&i| v.columns[i].clone())
            .collect::<Vec<_>>()
            .into();
        let rows = std::sync::Arc::make_mut(&mut out.rows);
        for &ri in &v.order {
            rows[ri].cells = vis
                .iter()
                .map(|&i| {
                    v.rows[ri]
                        .cells
                        .get(i)
                        .cloned()
                        .unwrap_or_else(super::Cell::empty)
                })
                .collect();
        }
        out
    }

    /// A saved view's `columns` table read as a layout; what is wrong with it, said in words.
    pub fn from_table(t: &toml::Table) -> Result<ColumnLayout, String> {
        toml::Value::Table(t.clone())
            .try_into::<ColumnLayout>()
            .map_err(|e| e.message().to_string())
    }

    /// This layout as a saved view's `columns` table; `None` when it is the declared one.
    pub fn to_table(&self) -> Option<toml::Table> {
        if self.is_default() {
            return None;
        }
        match toml::Value::try_from(self) {
            Ok(toml::Value::Table(t)) => Some(t),
            _ => None,
        }
    }

    /// Hidden columns of this tab (keys), in the order they would show.
    pub fn hidden_here<'k>(&self, keys: &[&'k str]) -> Vec<&'k str> {
        self.arranged(keys)
            .into_iter()
            .map(|i| keys[i])
            .filter(|k| self.hidden.contains(*k))
            .collect()
    }

    /// Hide column `key`. Refused (false) for the last visible column or a key not in `keys`.
    pub fn hide(&mut self, keys: &[&str], key: &str) -> bool {
        if !keys.contains(&key) || self.hidden.contains(key) {
            return false;
        }
        if self.visible(keys).len() <= 1 {
            return false;
        }
        self.hidden.insert(key.to_string());
        true
    }

    /// Show every hidden column of this tab again; returns how many there were.
    pub fn show_all(&mut self, keys: &[&str]) -> usize {
        let n = keys.iter().filter(|k| self.hidden.contains(**k)).count();
        self.hidden.retain(|k| !keys.contains(&k.as_str()));
        n
    }

    /// Move the visible column `key` one place among the visible ones: left (`delta < 0`) or
    /// right. Hidden columns keep their places relative to the others. False when it cannot move
    /// (at an end, hidden, or unknown).
    pub fn move_by(&mut self, keys: &[&str], key: &str, delta: isize) -> bool {
        let vis = self.visible(keys);
        let Some(at) = vis.iter().position(|&i| keys[i] == key) else {
            return false;
        };
        let to = at as isize + delta.signum();
        if delta == 0 || to < 0 || to as usize >= vis.len() {
            return false;
        }
        let (a, b) = (vis[at], vis[to as usize]);
        let mut all = self.arranged(keys);
        let pa = all
            .iter()
            .position(|&i| i == a)
            .expect("a visible column is arranged");
        let pb = all
            .iter()
            .position(|&i| i == b)
            .expect("a visible column is arranged");
        all.swap(pa, pb);
        // Names of other tabs' columns are kept (a layout may be shared); this tab's are
        // rewritten in their new order.
        let mut order: Vec<String> = all.iter().map(|&i| keys[i].to_string()).collect();
        order.extend(self.order.iter().filter(|k| !keys.contains(&k.as_str())).cloned());
        self.order = order;
        true
    }

    /// The width set by hand for `key`, if any (clamped to the limits).
    pub fn width(&self, key: &str) -> Option<u16> {
        self.widths.get(key).map(|w| (*w).clamp(MIN_WIDTH, MAX_WIDTH))
    }

    /// Make column `key`, now `current` columns wide, `delta` columns wider (narrower when
    /// negative), within the limits. Returns the new width.
    pub fn resize(&mut self, key: &str, current: u16, delta: i32) -> u16 {
        let w = (i32::from(current) + delta).clamp(i32::from(MIN_WIDTH), i32::from(MAX_WIDTH)) as u16;
        self.widths.insert(key.to_string(), w);
        w
    }

    /// Back to the declared order, visibility and widths.
    pub fn reset(&mut self) {
        *self = ColumnLayout::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: &[&str] = &["date", "vendor", "kind", "amount", "title"];

    fn names(l: &ColumnLayout) -> Vec<&'static str> {
        l.visible(KEYS).into_iter().map(|i| KEYS[i]).collect()
    }

    #[test]
    fn the_default_layout_shows_every_column_in_declared_order() {
        let l = ColumnLayout::default();
        assert!(l.is_default());
        assert_eq!(names(&l), KEYS);
        assert_eq!(l.width("title"), None);
    }

    #[test]
    fn hiding_keeps_at_least_one_column_and_show_all_brings_them_back() {
        let mut l = ColumnLayout::default();
        for k in ["date", "vendor", "kind", "amount"] {
            assert!(l.hide(KEYS, k), "{k}");
        }
        assert_eq!(names(&l), ["title"]);
        assert!(!l.hide(KEYS, "title"), "the last visible column stays");
        assert!(!l.hide(KEYS, "date"), "already hidden");
        assert!(!l.hide(KEYS, "nope"), "unknown");
        assert_eq!(names(&l), ["title"]);
        assert_eq!(l.hidden_here(KEYS), ["date", "vendor", "kind", "amount"]);
        assert_eq!(l.show_all(KEYS), 4);
        assert_eq!(names(&l), KEYS);
        assert!(l.is_default());
    }

    #[test]
    fn moving_swaps_with_the_visible_neighbour_and_stops_at_the_ends() {
        let mut l = ColumnLayout::default();
        assert!(!l.move_by(KEYS, "date", -1), "already first");
        assert!(l.move_by(KEYS, "date", 1));
        assert_eq!(names(&l), ["vendor", "date", "kind", "amount", "title"]);
        // A hidden column is skipped over, and keeps its place among the others.
        assert!(l.hide(KEYS, "kind"));
        assert!(l.move_by(KEYS, "date", 1));
        assert_eq!(names(&l), ["vendor", "amount", "date", "title"]);
        assert_eq!(l.show_all(KEYS), 1);
        assert_eq!(names(&l), ["vendor", "amount", "kind", "date", "title"]);
        assert!(!l.move_by(KEYS, "title", 1), "already last");
        assert!(!l.move_by(KEYS, "nope", 1));
        // Every column is still there exactly once.
        let mut all = l.arranged(KEYS);
        all.sort_unstable();
        assert_eq!(all, [0, 1, 2, 3, 4]);
    }

    #[test]
    fn widths_stay_within_the_limits() {
        let mut l = ColumnLayout::default();
        assert_eq!(l.resize("title", 10, 2), 12);
        assert_eq!(l.resize("title", 4, -10), MIN_WIDTH);
        assert_eq!(l.resize("title", MAX_WIDTH, 5), MAX_WIDTH);
        assert_eq!(l.width("title"), Some(MAX_WIDTH));
        // A hand-edited value out of range reads clamped.
        l.widths.insert("date".into(), 0);
        assert_eq!(l.width("date"), Some(MIN_WIDTH));
    }

    #[test]
    fn unknown_names_are_ignored() {
        let l: ColumnLayout = toml::from_str(
            r#"
            order = ["amount", "gone", "amount", "date"]
            hidden = ["vendor", "gone"]
            widths = { gone = 9, title = 30 }
            "#,
        )
        .unwrap();
        assert_eq!(names(&l), ["amount", "date", "kind", "title"]);
        assert_eq!(l.hidden_here(KEYS), ["vendor"]);
        assert_eq!(l.width("title"), Some(30));
        // Every column hidden (a layout of another tab): the first still shows.
        let all: ColumnLayout =
            toml::from_str(r#"hidden = ["date", "vendor", "kind", "amount", "title"]"#).unwrap();
        assert_eq!(names(&all), ["date"]);
        // No columns at all: nothing to show, no panic.
        assert!(l.visible(&[]).is_empty());
    }

    #[test]
    fn round_trips_through_toml_and_json() {
        let mut l = ColumnLayout::default();
        l.hide(KEYS, "kind");
        l.move_by(KEYS, "title", -1);
        l.resize("title", 40, 8);
        let t = toml::to_string(&l).unwrap();
        assert_eq!(toml::from_str::<ColumnLayout>(&t).unwrap(), l);
        let j = serde_json::to_string(&l).unwrap();
        assert_eq!(serde_json::from_str::<ColumnLayout>(&j).unwrap(), l);
        assert_eq!(toml::to_string(&ColumnLayout::default()).unwrap(), "");
        assert!(
            toml::from_str::<ColumnLayout>("colour = 1").is_err(),
            "a misspelt field is reported"
        );
    }
}
