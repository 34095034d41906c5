//! The record kinds, declared once. `for_each_kind!` lists every kind with its record type, its
//! list in [`Kb`], the field a person reads as its name, its TOML table, its words and its tab;
//! `Kind`, `Kind::ALL`, `Kind::COUNT`, the words, `Kb`'s lists, the [`Record`] impls and (in
//! `view`) `Tab` are all expanded from that one list, so they cannot disagree. `with_record!` is the one place that
//! turns a `Kind` value into its record type (an exhaustive `match`: a kind added to the list and
//! not there fails to compile), and [`PerKind`] is the array of one value per kind that replaces
//! hand-sized `[_; 5]`s.
//!
//! Each layer keeps what a kind means to it next to the other kinds' parts, as a trait implemented
//! per record type, which generic code reaches through `with_record!`: `model::Cites`, `validate::Check`,
//! `search::index::build::Indexed`, `view::columns::Tabular`, `view::detail::Detailed`,
//! `export::json::Exportable`. A kind that lacks one of them fails to compile.
//! `docs/architecture.md` ("Adding a record kind") walks through it.

use super::model::{Deal, Executive, Fact, Origin, Report, Series, Source, Vendor};
use super::{IdIndex, Relations};

/// The list of record kinds, handed to the macro `$then`, one line per kind, in [`Kind::ALL`]
/// order (the order of the index, the saved index and `kind` in exports: never reorder it):
///
/// `Kind variant: record type, list in Kb, name field (a `String`, or an `Option<String>` that
/// falls back to the id), "table", "singular", "plural", Tab
/// variant, "tab title", tab position;`
macro_rules! for_each_kind {
    ($then:ident) => {
        $then! {
            Source: Source, sources, title, "source", "source", "sources", Sources, "Sources", 4;
            Vendor: Vendor, vendors, name, "vendor", "vendor", "vendors", Vendors, "Vendors", 0;
            Executive: Executive, executives, name, "executive", "executive", "executives", Executives, "Executives", 1;
            Deal: Deal, deals, title, "deal", "deal", "deals", Deals, "Deals", 2;
            Series: Series, series, name, "series", "series", "series", Trends, "Trends", 3;
            Report: Report, reports, title, "report", "report", "reports", Reports, "Reports", 8;
            Fact: Fact, facts, text, "fact", "fact", "facts", Facts, "Facts", 7;
        }
    };
}
pub(crate) use for_each_kind;

macro_rules! declare_kinds {
    ($($kind:ident: $rec:ident, $list:ident, $name:ident, $table:literal, $singular:literal,
        $plural:literal, $tab:ident, $title:literal, $at:literal;)*) => {
        /// The kinds of record.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Kind {
            $($kind,)*
        }

        impl Kind {
            /// Every kind, in declaration order (`kind as usize` is the position here).
            pub const ALL: [Kind; Kind::COUNT] = [$(Kind::$kind,)*];
            /// How many kinds there are.
            pub const COUNT: usize = [$(Kind::$kind,)*].len();

            /// The TOML table name: `[[vendor]]`.
            pub const fn table(self) -> &'static str {
                match self {
                    $(Kind::$kind => $table,)*
                }
            }

            /// The one word for a record of this kind, in the explorer, the command line and
            /// exports (a series record is a "series"; the Trends tab lists them, and
            /// `kind:trend` still filters them).
            pub const fn label(self) -> &'static str {
                match self {
                    $(Kind::$kind => $singular,)*
                }
            }

            /// The word for several records of this kind: "deals", "series".
            pub const fn plural(self) -> &'static str {
                match self {
                    $(Kind::$kind => $plural,)*
                }
            }

            /// `label` or `plural`, for `n` records.
            pub const fn noun(self, n: usize) -> &'static str {
                if n == 1 { self.label() } else { self.plural() }
            }

            /// The title of the explorer tab listing this kind.
            pub const fn tab_title(self) -> &'static str {
                match self {
                    $(Kind::$kind => $title,)*
                }
            }

            /// Where that tab sits among the tabs, from 0.
            pub const fn tab_position(self) -> usize {
                match self {
                    $(Kind::$kind => $at,)*
                }
            }
        }

        /// A whole knowledge base, merged from all its files: one list of records per kind (named
        /// in `for_each_kind!`), with an id index and relations built after loading.
        #[derive(Clone, Debug, Default)]
        pub struct Kb {
            $(pub $list: Vec<$rec>,)*
            /// The `[[fx]]` exchange rates (not a kind: no tab, no id).
            pub fx: Vec<super::fx::Fx>,
            /// Each loaded file's `format` (1 when it says none), by file index.
            pub formats: Vec<u8>,
            /// Each loaded file's path on disk, by file index (`Origin::file`): empty for the
            /// built-in KB and for bytes loaded without a file. What `o` opens in an editor.
            pub paths: Vec<std::path::PathBuf>,
            pub(super) index: IdIndex,
            pub(super) relations: Relations,
            /// Which records' text names which records: built once, when first asked
            /// (`Kb::mentions`) or handed in from a thread (`Kb::set_mentions`).
            pub(super) mentions: std::sync::OnceLock<std::sync::Arc<super::mentions::Mentions>>,
            /// The sources' archived articles (`archive = "…"`), read once at load from a path;
            /// none for the built-in KB or a KB read from bytes.
            pub archives: super::quotes::Archives,
        }

        $(
            impl Record for $rec {
                const KIND: Kind = Kind::$kind;

                #[inline]
                fn all(kb: &Kb) -> &[Self] {
                    &kb.$list
                }

                #[inline]
                fn all_mut(kb: &mut Kb) -> &mut Vec<Self> {
                    &mut kb.$list
                }

                #[inline]
                fn id(&self) -> &str {
                    &self.id
                }

                #[inline]
                fn name(&self) -> &str {
                    NameField::or_id(&self.$name, &self.id)
                }

                #[inline]
                fn origin(&self) -> &Origin {
                    &self.origin
                }

                #[inline]
                fn origin_mut(&mut self) -> &mut Origin {
                    &mut self.origin
                }
            }
        )*
    };
}
for_each_kind!(declare_kinds);

// The tab positions are checked, with the analysis views' tabs, where `view::Tab` is declared.

/// A record's name field: a text, or an optional text that falls back to the record's id (a
/// report without a title is named by its id).
trait NameField {
    fn or_id<'a>(&'a self, id: &'a str) -> &'a str;
}

impl NameField for String {
    #[inline]
    fn or_id<'a>(&'a self, _: &'a str) -> &'a str {
        self
    }
}

impl NameField for Option<String> {
    #[inline]
    fn or_id<'a>(&'a self, id: &'a str) -> &'a str {
        self.as_deref().unwrap_or(id)
    }
}

/// What every record type has, whatever its kind: implemented for each by `for_each_kind!`.
pub trait Record:
    serde::de::DeserializeOwned + serde::Serialize + Clone + std::fmt::Debug + Send + Sync + 'static
{
    const KIND: Kind;
    /// The records of this kind in a KB, in KB order.
    fn all(kb: &Kb) -> &[Self];
    fn all_mut(kb: &mut Kb) -> &mut Vec<Self>;
    fn id(&self) -> &str;
    /// What a person reads as its name: a vendor's, executive's or series' name, a deal's or
    /// source's title, a report's title (its id when it has none), a fact's text.
    fn name(&self) -> &str;
    /// Where the loader read it.
    fn origin(&self) -> &Origin;
    fn origin_mut(&mut self) -> &mut Origin;
}

/// Run `$body` with `$R` the record type of the kind `$kind`: the one place that maps a kind
/// value to its type. Exhaustive, so a kind declared in `for_each_kind!` and missing here fails
/// to compile; `tests::with_record_maps_each_kind_to_its_type` checks no two arms are swapped.
///
/// `with_record!(kind, R => R::all(kb).len())` (exported, for tests and benches too).
#[macro_export]
macro_rules! with_record {
    ($kind:expr, $R:ident => $body:expr) => {
        match $kind {
            $crate::kb::Kind::Source => {
                type $R = $crate::kb::Source;
                $body
            }
            $crate::kb::Kind::Vendor => {
                type $R = $crate::kb::Vendor;
                $body
            }
            $crate::kb::Kind::Executive => {
                type $R = $crate::kb::Executive;
                $body
            }
            $crate::kb::Kind::Deal => {
                type $R = $crate::kb::Deal;
                $body
            }
            $crate::kb::Kind::Series => {
                type $R = $crate::kb::Series;
                $body
            }
            $crate::kb::Kind::Report => {
                type $R = $crate::kb::Report;
                $body
            }
            $crate::kb::Kind::Fact => {
                type $R = $crate::kb::Fact;
                $body
            }
        }
    };
}
pub use with_record;

impl Kind {
    pub fn from_table(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.table() == s)
    }
}

/// One `T` per kind, indexed by [`Kind`]: what replaces parallel per-kind arrays and lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PerKind<T>([T; Kind::COUNT]);

impl<T> PerKind<T> {
    /// `f(kind)` for each kind.
    pub fn new(f: impl FnMut(Kind) -> T) -> PerKind<T> {
        PerKind(Kind::ALL.map(f))
    }

    /// From values in [`Kind::ALL`] order.
    pub const fn from_array(values: [T; Kind::COUNT]) -> PerKind<T> {
        PerKind(values)
    }

    /// The values in [`Kind::ALL`] order.
    pub fn as_array(&self) -> &[T; Kind::COUNT] {
        &self.0
    }

    /// `(kind, value)` in [`Kind::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Kind, &T)> {
        Kind::ALL.into_iter().zip(&self.0)
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (Kind, &mut T)> {
        Kind::ALL.into_iter().zip(&mut self.0)
    }

    /// The values in [`Kind::ALL`] order.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.0.iter()
    }

    pub fn map<U>(self, mut f: impl FnMut(Kind, T) -> U) -> PerKind<U> {
        let mut kinds = Kind::ALL.into_iter();
        PerKind(self.0.map(|v| f(kinds.next().expect("one value per kind"), v)))
    }
}

impl<T: Default> Default for PerKind<T> {
    fn default() -> Self {
        PerKind::new(|_| T::default())
    }
}

impl<T> std::ops::Index<Kind> for PerKind<T> {
    type Output = T;
    #[inline]
    fn index(&self, kind: Kind) -> &T {
        &self.0[kind as usize]
    }
}

impl<T> std::ops::IndexMut<Kind> for PerKind<T> {
    #[inline]
    fn index_mut(&mut self, kind: Kind) -> &mut T {
        &mut self.0[kind as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_record_maps_each_kind_to_its_type() {
        for (i, kind) in Kind::ALL.into_iter().enumerate() {
            assert_eq!(with_record!(kind, R => R::KIND), kind);
            assert_eq!(kind as usize, i, "ALL is in declaration order");
            assert_eq!(Kind::from_table(kind.table()), Some(kind));
        }
        assert_eq!(Kind::ALL.len(), Kind::COUNT);
    }

    #[test]
    fn per_kind_is_indexed_by_kind_in_all_order() {
        let mut p = PerKind::new(|k| k.table().len());
        p[Kind::Deal] = 100;
        let seen: Vec<(Kind, usize)> = p.iter().map(|(k, v)| (k, *v)).collect();
        assert_eq!(seen.len(), Kind::COUNT);
        assert_eq!(seen[Kind::Deal as usize], (Kind::Deal, 100));
        assert_eq!(seen[Kind::Vendor as usize], (Kind::Vendor, "vendor".len()));
        let doubled = p.map(|k, v| (k, v * 2));
        assert_eq!(doubled[Kind::Deal], (Kind::Deal, 200));
        assert_eq!(PerKind::<u8>::default().values().sum::<u8>(), 0);
    }

    #[test]
    fn words_and_tabs_are_as_users_know_them() {
        assert_eq!(Kind::Series.noun(2), "series");
        assert_eq!(Kind::Deal.noun(2), "deals");
        assert_eq!(Kind::Deal.noun(1), "deal");
        let mut tabs: Vec<Kind> = Kind::ALL.to_vec();
        tabs.sort_by_key(|k| k.tab_position());
        let titles: Vec<&str> = tabs.iter().map(|k| k.tab_title()).collect();
        assert_eq!(
            titles,
            [
                "Vendors",
                "Executives",
                "Deals",
                "Trends",
                "Sources",
                // 6 Compare and 7 Timeline (analysis views, not kinds) come between.
                "Facts",
                "Reports"
            ]
        );
        assert_eq!(Kind::Fact.noun(2), "facts");
        assert_eq!(Kind::Report.noun(1), "report");
    }
}
