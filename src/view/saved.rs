//! Saved views: a tab, its query, sort, group-by keys and Compare pivot, kept by name in
//! `views.toml` beside the KB (so they travel with it in git). Pure: parsing (with diagnostics
//! like the KB's, `kb::diag`), writing (a view saved into the file as it is, with `toml_edit`, so
//! comments and layout stay), and a view as a [`ViewSpec`] plus its keys. Reading the
//! file goes through `fsutil::read_regular`; writing is the caller's (atomic, `export::write_file`).
//!
//! ```toml
//! [[view]]
//! name = "big deals"
//! tab = "deals"
//! query = "amount>=10亿"
//! sort = "amount"
//! descending = true
//! group_by = ["vendor", "kind"]
//! pivot = "reports"          # Compare only
//! # columns = { … }          # kept as written (visible columns, order, widths)
//! ```
//!
//! Tabs and columns are named as the user sees them, in lower case (`compare`, `as-of`). A bad
//! entry is reported (file:line:col) and left out; the good ones still load.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::analysis::Pivot;
use super::{Sort, Tab, ViewSpec};
use crate::kb::{Diagnostic, SourceFile, hint};

/// The file's name, beside the KB (the KB loader skips it: see `kb::load::VIEWS_FILE`).
pub const FILE_NAME: &str = crate::kb::load::VIEWS_FILE;

/// One saved view.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedView {
    pub name: String,
    pub tab: Tab,
    /// The `/` query (empty: every row).
    pub query: String,
    /// The column sorted by (its key) and the direction; `None`: the tab's default order.
    pub sort: Option<Sort>,
    /// Group-by key columns, by key, in order (empty: the table).
    pub group_by: Vec<String>,
    /// The Compare pivot (other tabs keep the default).
    pub pivot: Pivot,
    /// Visible columns, their order and widths, as written: kept whole so a file written by a
    /// version that knows them loses nothing here (the column layout is wired in later).
    pub columns: Option<toml::Table>,
}

impl SavedView {
    /// What to show: tab, query, sort, pivot (the group-by keys are resolved against the view's
    /// columns once built).
    pub fn spec(&self) -> ViewSpec {
        ViewSpec {
            tab: self.tab,
            query: self.query.clone(),
            sort: self.sort.clone(),
            pivot: self.pivot,
        }
    }

    /// The tab's name as written in the file and on the command line (`deals`).
    pub fn tab_name(&self) -> String {
        self.tab.title().to_ascii_lowercase()
    }

    /// One line describing it, for the picker: `deals · amount>=10亿 · amount ↓ · by vendor, kind`
    /// (escaped: it is shown as it is).
    pub fn summary(&self) -> String {
        let mut parts = vec![self.tab_name()];
        if !self.query.trim().is_empty() {
            parts.push(self.query.clone());
        }
        if let Some(s) = &self.sort {
            parts.push(format!("{} {}", s.key, if s.descending { "↓" } else { "↑" }));
        }
        if !self.group_by.is_empty() {
            parts.push(format!("by {}", self.group_by.join(", ")));
        }
        if self.tab == Tab::Compare && self.pivot != Pivot::default() {
            parts.push(format!("by {}", self.pivot.as_str()));
        }
        crate::text::escape_controls(&parts.join(" · ")).into_owned()
    }
}

/// What reading `views.toml` gave: the good views, in file order, and the problems (against
/// `file`, for rendering with `kb::diag`).
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub views: Vec<SavedView>,
    pub diags: Vec<Diagnostic>,
    pub file: Option<SourceFile>,
}

impl Parsed {
    /// Every problem, compiler style.
    pub fn render(&self) -> String {
        let files: Vec<SourceFile> = self.file.iter().cloned().collect();
        self.diags.iter().map(|d| d.render(&files)).collect()
    }

    /// The first problem's headline (`views.toml:3:7: error: …`), for a status line.
    pub fn first_problem(&self) -> Option<String> {
        let files: Vec<SourceFile> = self.file.iter().cloned().collect();
        self.diags.first().map(|d| d.headline(&files))
    }

    pub fn errors(&self) -> usize {
        self.diags.iter().filter(|d| d.is_error()).count()
    }

    /// The view of this name (exact, then any case).
    pub fn find(&self, name: &str) -> Option<&SavedView> {
        find(&self.views, name)
    }
}

/// The view named `name`: exactly, else the one matching in any case.
pub fn find<'a>(views: &'a [SavedView], name: &str) -> Option<&'a SavedView> {
    views.iter().find(|v| v.name == name).or_else(|| {
        views
            .iter()
            .find(|v| v.name.to_lowercase() == name.to_lowercase())
    })
}

/// Where a KB's views live: `views.toml` in the KB folder, or beside a one-file KB. A KB file
/// itself named `views.toml` has no room beside it (the views would be the KB).
pub fn path_beside(kb: &Path) -> Result<PathBuf, String> {
    if kb.is_dir() {
        return Ok(kb.join(FILE_NAME));
    }
    if kb.file_name().is_some_and(|n| n == FILE_NAME) {
        return Err(format!(
            "the KB file is itself named {FILE_NAME}: rename it to keep saved views beside it"
        ));
    }
    let dir = kb
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Ok(dir.join(FILE_NAME))
}

/// The state folder (query history, the built-in KB's views): `$MARKETLENS_STATE_DIR`, else the
/// platform's (`$XDG_STATE_HOME/marketlens`, `~/.local/state/marketlens` on Linux, through
/// etcetera). `None` when there is no home to find it from.
pub fn state_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("MARKETLENS_STATE_DIR").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(d));
    }
    use etcetera::BaseStrategy;
    let base = etcetera::choose_base_strategy().ok()?;
    Some(
        base.state_dir()
            .unwrap_or_else(|| base.data_dir())
            .join("marketlens"),
    )
}

/// Where the views of a KB are kept: beside it, or for the built-in KB (`None`) in the state
/// folder (it cannot be written to; `marketlens init` starts an editable copy).
pub fn path_for(kb: Option<&Path>) -> Result<PathBuf, String> {
    match kb {
        Some(p) => path_beside(p),
        None => state_dir()
            .map(|d| d.join(FILE_NAME))
            .ok_or_else(|| "no state folder for the built-in KB's views (HOME is not set)".to_string()),
    }
}

/// Read the views at `path`: no file is no views, no problem. Never fails: an unreadable file is
/// a diagnostic.
pub fn load(path: &Path) -> Parsed {
    let name = path.display().to_string();
    match crate::fsutil::read_regular(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => parse(&name, &text),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                Parsed {
                    views: Vec::new(),
                    diags: vec![Diagnostic::error(Some(0), Some(at..at + 1), "not UTF-8 text")],
                    file: Some(SourceFile { name, text }),
                }
            }
        },
        Err(crate::fsutil::ReadError::Io { error, .. }) if error.kind() == std::io::ErrorKind::NotFound => {
            Parsed::default()
        }
        Err(e) => Parsed {
            views: Vec::new(),
            diags: vec![Diagnostic::error(
                None,
                None,
                format!(
                    "cannot read {}: {}",
                    crate::text::escape_controls(&name),
                    e.reason()
                ),
            )],
            file: None,
        },
    }
}

const FIELDS: &[&str] = &[
    "name",
    "tab",
    "query",
    "sort",
    "descending",
    "group_by",
    "pivot",
    "columns",
];

/// Parse `views.toml`'s text (`name` is the file's, for diagnostics).
pub fn parse(name: &str, text: &str) -> Parsed {
    use serde_spanned::Spanned;
    use toml::de::{DeTable, DeValue};
    let mut out = Parsed {
        file: Some(SourceFile {
            name: name.to_string(),
            text: text.to_string(),
        }),
        ..Parsed::default()
    };
    let err = |span: Range<usize>, msg: String| Diagnostic::error(Some(0), Some(span), msg);
    let table = match DeTable::parse(text) {
        Ok(t) => t,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            out.diags.push(err(span, e.message().trim().to_string()));
            return out;
        }
    };
    // The same text as plain values, for `columns` (kept whole).
    let plain: Option<toml::Table> = text.parse().ok();
    for (key, value) in table.get_ref().iter() {
        if key.get_ref() != "view" {
            out.diags.push(
                err(
                    key.span(),
                    format!(
                        "unknown key `{}`: {FILE_NAME} holds `[[view]]` tables only",
                        crate::text::escape_controls(key.get_ref())
                    ),
                )
                .with_help(
                    hint::did_you_mean(key.get_ref(), &["view"]).map(|h| format!("did you mean `[[{h}]]`?")),
                ),
            );
            continue;
        }
        let DeValue::Array(items) = value.get_ref() else {
            out.diags.push(err(
                key.span(),
                "`view` must be an array of tables: write each view under its own `[[view]]` header".into(),
            ));
            continue;
        };
        for (index, item) in items.iter().enumerate() {
            let DeValue::Table(fields) = item.get_ref() else {
                out.diags.push(err(item.span(), "a view must be a table".into()));
                continue;
            };
            let columns = plain
                .as_ref()
                .and_then(|t| t.get("view"))
                .and_then(|v| v.as_array())
                .and_then(|a| a.get(index))
                .and_then(|v| v.get("columns"))
                .and_then(|v| v.as_table())
                .cloned();
            let before = out.diags.len();
            let field = |n: &str| -> Option<&Spanned<DeValue<'_>>> {
                fields.iter().find(|(k, _)| k.get_ref() == n).map(|(_, v)| v)
            };
            let mut diags = Vec::new();
            for (k, _) in fields.iter() {
                if !FIELDS.contains(&k.get_ref().as_ref()) {
                    diags.push(
                        err(
                            k.span(),
                            format!(
                                "unknown field `{}` in a view",
                                crate::text::escape_controls(k.get_ref())
                            ),
                        )
                        .with_help(
                            hint::did_you_mean(k.get_ref(), FIELDS)
                                .map(|h| format!("did you mean `{h}`?"))
                                .or_else(|| Some(format!("a view has {}", FIELDS.join(", ")))),
                        ),
                    );
                }
            }
            let string = |n: &str, diags: &mut Vec<Diagnostic>| -> Option<(String, Range<usize>)> {
                let v = field(n)?;
                match v.get_ref() {
                    DeValue::String(s) => Some((s.to_string(), v.span())),
                    _ => {
                        diags.push(err(v.span(), format!("`{n}` must be a string")));
                        None
                    }
                }
            };
            let name = match string("name", &mut diags) {
                Some((n, span)) if n.trim().is_empty() => {
                    diags.push(err(span, "a view's name must not be empty".into()));
                    None
                }
                Some((n, span)) if n.contains(['\n', '\r']) => {
                    diags.push(err(span, "a view's name is one line".into()));
                    None
                }
                Some((n, span)) => {
                    if out.views.iter().any(|v| v.name == n) {
                        diags.push(err(
                            span,
                            format!(
                                "a view named `{}` is already defined above; names are unique",
                                crate::text::escape_controls(&n)
                            ),
                        ));
                        None
                    } else {
                        Some(n)
                    }
                }
                None => {
                    if field("name").is_none() {
                        diags.push(err(item.span(), "a view needs a `name`".into()));
                    }
                    None
                }
            };
            let tab = match string("tab", &mut diags) {
                Some((t, span)) => match Tab::from_name(&t) {
                    Some(tab) => Some(tab),
                    None => {
                        let names: Vec<String> =
                            Tab::ALL.iter().map(|t| t.title().to_ascii_lowercase()).collect();
                        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                        diags.push(
                            err(
                                span,
                                format!("unknown tab `{}`", crate::text::escape_controls(&t)),
                            )
                            .with_help(Some(
                                match hint::did_you_mean(&t, &refs) {
                                    Some(h) => format!("did you mean `{h}`?"),
                                    None => format!("tabs: {}", refs.join(", ")),
                                },
                            )),
                        );
                        None
                    }
                },
                None => {
                    if field("tab").is_none() {
                        diags.push(err(item.span(), "a view needs a `tab`".into()));
                    }
                    None
                }
            };
            let query = string("query", &mut diags).map(|(q, _)| q).unwrap_or_default();
            let descending = match field("descending") {
                None => false,
                Some(v) => match v.get_ref() {
                    DeValue::Boolean(b) => *b,
                    _ => {
                        diags.push(err(v.span(), "`descending` must be true or false".into()));
                        false
                    }
                },
            };
            let mut sort = None;
            if let (Some((key, span)), Some(tab)) = (string("sort", &mut diags), tab) {
                match Sort::by(tab, key.trim(), descending) {
                    Some(s) => sort = Some(s),
                    // Compare's value columns are named by its data: checked when applied.
                    None if tab == Tab::Compare => {
                        sort = Some(Sort {
                            key: key.trim().to_lowercase().into(),
                            descending,
                        })
                    }
                    None => diags.push(unknown_column(span, tab, &key, "sort", super::sortable_keys(tab))),
                }
            }
            let mut group_by = Vec::new();
            if let Some(v) = field("group_by") {
                let items: Vec<(String, Range<usize>)> = match v.get_ref() {
                    DeValue::String(s) => vec![(s.to_string(), v.span())],
                    DeValue::Array(a) => a
                        .iter()
                        .filter_map(|i| match i.get_ref() {
                            DeValue::String(s) => Some((s.to_string(), i.span())),
                            _ => {
                                diags.push(err(i.span(), "`group_by` lists column names (strings)".into()));
                                None
                            }
                        })
                        .collect(),
                    _ => {
                        diags.push(err(v.span(), "`group_by` must be a list of column names".into()));
                        Vec::new()
                    }
                };
                for (key, span) in items {
                    let key = key.trim().to_string();
                    if group_by.contains(&key) {
                        diags.push(err(span, format!("column `{key}` is named twice in `group_by`")));
                        continue;
                    }
                    match tab {
                        Some(tab) if tab != Tab::Compare => {
                            match super::group::resolve(tab, tab.columns(), &key) {
                                Ok(i) => group_by.push(tab.columns()[i].key.to_string()),
                                Err(_) => {
                                    let keys: Vec<&'static str> = super::group::groupable(tab.columns())
                                        .filter_map(|(_, c)| match &c.key {
                                            std::borrow::Cow::Borrowed(k) => Some(*k),
                                            std::borrow::Cow::Owned(_) => None,
                                        })
                                        .collect();
                                    diags.push(unknown_column(span, tab, &key, "group", keys))
                                }
                            }
                        }
                        _ => group_by.push(key.to_lowercase()),
                    }
                }
            }
            let pivot = match string("pivot", &mut diags) {
                None => Pivot::default(),
                Some((p, span)) => match p.trim().to_ascii_lowercase().as_str() {
                    "periods" => Pivot::Periods,
                    "reports" => Pivot::Reports,
                    _ => {
                        diags.push(
                            err(
                                span,
                                format!("unknown pivot `{}`", crate::text::escape_controls(&p)),
                            )
                            .with_help(Some("the Compare pivot is `periods` or `reports`".into())),
                        );
                        Pivot::default()
                    }
                },
            };
            if let Some(v) = field("columns") {
                if !matches!(v.get_ref(), DeValue::Table(_)) {
                    diags.push(err(v.span(), "`columns` must be a table".into()));
                } else if let Some(Err(why)) = columns.as_ref().map(super::layout::ColumnLayout::from_table) {
                    diags.push(
                        err(v.span(), format!("bad `columns`: {why}")).with_help(Some(
                            "`columns` takes `order` and `hidden` (lists of column names) and `widths` (a table of name = width)"
                                .into(),
                        )),
                    );
                }
            }
            let bad = !diags.is_empty();
            out.diags.extend(diags);
            debug_assert!(out.diags.len() >= before);
            if bad {
                continue;
            }
            if let (Some(name), Some(tab)) = (name, tab) {
                out.views.push(SavedView {
                    name,
                    tab,
                    query,
                    sort,
                    group_by,
                    pivot: if tab == Tab::Compare {
                        pivot
                    } else {
                        Pivot::default()
                    },
                    columns,
                });
            }
        }
    }
    out
}

fn unknown_column(
    span: Range<usize>,
    tab: Tab,
    key: &str,
    verb: &str,
    keys: Vec<&'static str>,
) -> Diagnostic {
    let help = match hint::did_you_mean(key, &keys) {
        Some(h) => format!("did you mean `{h}`?"),
        None => format!("columns: {}", keys.join(", ")),
    };
    Diagnostic::error(
        Some(0),
        Some(span),
        format!(
            "no column `{}` to {verb} {} by",
            crate::text::escape_controls(key),
            tab.title().to_lowercase()
        ),
    )
    .with_help(Some(help))
}

/// A view's fields as `views.toml` writes them, in a fixed order, the defaults left out: each
/// key with its value's TOML text.
fn field_texts(v: &SavedView) -> Vec<(&'static str, String)> {
    // A string as TOML writes it (quoted, escaped).
    let q = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut out = vec![("name", q(&v.name)), ("tab", q(&v.tab_name()))];
    if !v.query.is_empty() {
        out.push(("query", q(&v.query)));
    }
    if let Some(s) = &v.sort {
        out.push(("sort", q(&s.key)));
        if s.descending {
            out.push(("descending", "true".into()));
        }
    }
    if !v.group_by.is_empty() {
        let keys: Vec<String> = v.group_by.iter().map(|k| q(k)).collect();
        out.push(("group_by", format!("[{}]", keys.join(", "))));
    }
    if v.tab == Tab::Compare && v.pivot != Pivot::default() {
        out.push(("pivot", q(v.pivot.as_str())));
    }
    if let Some(c) = &v.columns {
        out.push(("columns", toml::Value::Table(c.clone()).to_string()));
    }
    out
}

/// The views as `views.toml` text: one `[[view]]` each, in order, fields in a fixed order, the
/// defaults left out.
pub fn to_toml(views: &[SavedView]) -> String {
    let mut out = String::from(
        "# Saved views of this KB (marketlens: `w` saves the current view, `v` lists them,\n# `marketlens export --view NAME` exports one). Written by marketlens; edit freely.\n",
    );
    for v in views {
        out.push_str("\n[[view]]\n");
        for (key, value) in field_texts(v) {
            out.push_str(&format!("{key} = {value}\n"));
        }
    }
    out
}

/// `views.toml`'s text with `view` saved into it: the view of the same name (`old`, as parsed
/// from `text`) changed in place, field by field, else a new `[[view]]` at the end. Everything
/// else — comments, blank lines, order, the other views, and the fields of this one that keep
/// their value — stays as written. No file yet (`None`, or only blanks): [`to_toml`]'s. `text`
/// must be a file that [`parse`] read without a problem; an error says why it cannot be edited.
pub fn save_into(text: Option<&str>, view: &SavedView, old: Option<&SavedView>) -> Result<String, String> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return Ok(to_toml(std::slice::from_ref(view)));
    };
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| e.message().trim().to_string())?;
    let new = field_texts(view);
    let value = |text: &str| -> Result<toml_edit::Value, String> {
        text.parse()
            .map_err(|e: toml_edit::TomlError| e.message().trim().to_string())
    };
    let named = |t: &dyn toml_edit::TableLike| {
        t.get("name").and_then(toml_edit::Item::as_str) == Some(view.name.as_str())
    };
    let shaped = "`view` is neither `[[view]]` tables nor an array of tables".to_string();
    // A new `[[view]]` goes after everything, the comments at the end of the file too: they
    // become its prefix, so the file before it stays byte for byte.
    let trailing = doc.trailing().as_str().unwrap_or_default().to_string();
    let appended = || -> Result<toml_edit::Table, String> {
        let mut t = new_table(&new)?;
        t.decor_mut().set_prefix(format!("{trailing}\n"));
        Ok(t)
    };
    let mut moved_trailing = false;
    match doc.get_mut("view") {
        None => {
            let mut views = toml_edit::ArrayOfTables::new();
            views.push(appended()?);
            moved_trailing = true;
            doc.insert("view", toml_edit::Item::ArrayOfTables(views));
        }
        Some(toml_edit::Item::ArrayOfTables(views)) => {
            let at = views.iter().position(|t| named(t));
            match (old, at.and_then(|i| views.get_mut(i))) {
                (Some(old), Some(t)) => update(t, false, &field_texts(old), &new, value)?,
                _ => {
                    views.push(appended()?);
                    moved_trailing = true;
                }
            }
        }
        Some(toml_edit::Item::Value(toml_edit::Value::Array(views))) => {
            let at = views
                .iter()
                .position(|v| v.as_inline_table().is_some_and(|t| named(t)));
            let found = at
                .and_then(|i| views.get_mut(i))
                .and_then(toml_edit::Value::as_inline_table_mut);
            match (old, found) {
                (Some(old), Some(t)) => update(t, true, &field_texts(old), &new, value)?,
                _ => views.push(new_table(&new)?.into_inline_table()),
            }
        }
        Some(_) => return Err(shaped),
    }
    if moved_trailing {
        doc.set_trailing("");
    }
    Ok(doc.to_string())
}

/// A new `[[view]]` table with these fields, written as [`to_toml`] writes one.
fn new_table(fields: &[(&'static str, String)]) -> Result<toml_edit::Table, String> {
    let mut text = String::from("\n[[view]]\n");
    for (key, value) in fields {
        text.push_str(&format!("{key} = {value}\n"));
    }
    let doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| e.message().trim().to_string())?;
    let mut views = doc.into_table();
    match views.remove("view") {
        Some(toml_edit::Item::ArrayOfTables(a)) => {
            let mut t = a.into_iter().next().unwrap_or_default();
            // Placed where it is pushed (at the end), not where it sat in `text`.
            t.set_position(None);
            Ok(t)
        }
        _ => Err("a new view did not read back".into()),
    }
}

/// Change the fields of one view's table from `old` to `new` (both as [`field_texts`] gives
/// them): a field whose value is the same is left as written, with its comments; one that
/// changed keeps its place and comments around it; one no longer set is removed; a new one is
/// added at the end.
fn update(
    t: &mut dyn toml_edit::TableLike,
    inline: bool,
    old: &[(&'static str, String)],
    new: &[(&'static str, String)],
    value: impl Fn(&str) -> Result<toml_edit::Value, String>,
) -> Result<(), String> {
    let of = |fields: &[(&'static str, String)], key: &str| {
        fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone())
    };
    for key in FIELDS {
        let (was, now) = (of(old, key), of(new, key));
        if was == now {
            continue;
        }
        let Some(now) = now else {
            t.remove(key);
            continue;
        };
        let mut v = value(&now)?;
        match t.get_mut(key) {
            Some(toml_edit::Item::Value(slot)) => {
                *v.decor_mut() = slot.decor().clone();
                *slot = v;
            }
            _ => {
                if inline {
                    // The space before `}` stays last: it moves from the last value to this one.
                    let last = t
                        .iter_mut()
                        .last()
                        .and_then(|(_, i)| i.as_value_mut().map(|v| v.decor_mut()));
                    if let Some(d) = last
                        && let Some(space) = d.suffix().cloned()
                    {
                        d.set_suffix("");
                        v.decor_mut().set_suffix(space);
                    }
                }
                t.insert(key, toml_edit::Item::Value(v));
            }
        }
    }
    Ok(())
}

/// Put `view` into `views`: replacing the one of the same name (in place), else at the end.
/// Returns whether one was replaced.
pub fn upsert(views: &mut Vec<SavedView>, view: SavedView) -> bool {
    match views.iter_mut().find(|v| v.name == view.name) {
        Some(old) => {
            *old = view;
            true
        }
        None => {
            views.push(view);
            false
        }
    }
}

/// The views' names, for "did you mean" and listing.
pub fn names(views: &[SavedView]) -> Vec<&str> {
    views.iter().map(|v| v.name.as_str()).collect()
}

/// An unknown view's error: did-you-mean, and the list of names there are.
pub fn unknown(name: &str, views: &[SavedView], path: &Path) -> String {
    let names = names(views);
    let hint = hint::did_you_mean(name, &names)
        .map(|h| format!(" (did you mean `{}`?)", crate::text::escape_controls(h)))
        .unwrap_or_default();
    let list = if names.is_empty() {
        format!(
            "{} holds no views",
            crate::text::escape_controls(&path.display().to_string())
        )
    } else {
        let shown: Vec<String> = names
            .iter()
            .map(|n| format!("`{}`", crate::text::escape_controls(n)))
            .collect();
        format!("views: {}", shown.join(", "))
    };
    format!(
        "no saved view named `{}`{hint}; {list}",
        crate::text::escape_controls(name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[view]]
name = "big deals"
tab = "deals"
query = "amount>=10亿"
sort = "amount"
descending = true
group_by = ["vendor", "kind"]

[[view]]
name = "报告对比"
tab = "compare"
pivot = "reports"
columns = { hidden = ["bar"], widths = { subject = 20 } }
"#;

    fn headlines(p: &Parsed) -> Vec<String> {
        let files: Vec<SourceFile> = p.file.iter().cloned().collect();
        p.diags.iter().map(|d| d.headline(&files)).collect()
    }

    #[test]
    fn parses_every_field_and_keeps_columns_whole() {
        let p = parse("views.toml", GOOD);
        assert!(p.diags.is_empty(), "{}", p.render());
        assert_eq!(p.views.len(), 2);
        let v = &p.views[0];
        assert_eq!(v.name, "big deals");
        assert_eq!(v.tab, Tab::Deals);
        assert_eq!(v.query, "amount>=10亿");
        assert_eq!(
            v.sort,
            Some(Sort {
                key: "amount".into(),
                descending: true
            })
        );
        assert_eq!(v.group_by, vec!["vendor", "kind"]);
        assert_eq!(v.pivot, Pivot::Periods);
        let c = &p.views[1];
        assert_eq!(c.tab, Tab::Compare);
        assert_eq!(c.pivot, Pivot::Reports);
        let cols = c.columns.as_ref().expect("columns kept");
        assert_eq!(cols["widths"]["subject"].as_integer(), Some(20));
        assert_eq!(c.summary(), "compare · by reports");
    }

    #[test]
    fn round_trips_through_its_own_text() {
        let p = parse("views.toml", GOOD);
        let text = to_toml(&p.views);
        let again = parse("views.toml", &text);
        assert!(again.diags.is_empty(), "{}\n{text}", again.render());
        assert_eq!(again.views, p.views);
        // Defaults are left out; fields in a fixed order.
        assert!(!text.contains("pivot = \"periods\""), "{text}");
        assert!(
            text.contains("[[view]]\nname = \"big deals\"\ntab = \"deals\"\nquery = \"amount>=10亿\"\nsort = \"amount\"\ndescending = true\ngroup_by = [\"vendor\", \"kind\"]\n"),
            "{text}"
        );
        assert!(text.contains("descending = true"), "{text}");
    }

    /// A hand-kept views.toml: comments above, inside and after the views, blank lines, a
    /// field order and spacing marketlens would not write.
    const COMMENTED: &str = r#"# Our team's views — reviewed in PRs.

# Deals over 10亿, biggest first.
[[view]]
name   = "big deals"   # the one in the weekly report
tab    = "deals"
# by amount
sort = "amount"
descending = true
query = "amount>=10亿"


# Compare by report (keep!)
[[view]]
tab = "compare"
name = "报告对比"
pivot = "reports"  # not periods

# end of views
"#;

    fn view(name: &str, tab: Tab, query: &str) -> SavedView {
        SavedView {
            name: name.into(),
            tab,
            query: query.into(),
            sort: None,
            group_by: Vec::new(),
            pivot: Pivot::default(),
            columns: None,
        }
    }

    /// Save `v` into `text` as `w` does: the old view of that name, if any, from the parse.
    fn save(text: &str, v: &SavedView) -> String {
        let p = parse("views.toml", text);
        assert!(p.diags.is_empty(), "{}", p.render());
        let old = p.views.iter().find(|o| o.name == v.name);
        let out = save_into(Some(text), v, old).unwrap();
        // What was saved reads back: the others as they were, this one as saved.
        let again = parse("views.toml", &out);
        assert!(again.diags.is_empty(), "{}\n{out}", again.render());
        let mut expected = p.views.clone();
        upsert(&mut expected, v.clone());
        assert_eq!(again.views, expected, "{out}");
        out
    }

    #[test]
    fn saving_keeps_comments_layout_and_the_untouched_views_byte_for_byte() {
        // A third view: appended after everything, the file before it unchanged.
        let third = view("腾讯", Tab::Vendors, "腾讯");
        let out = save(COMMENTED, &third);
        let added = out
            .strip_prefix(COMMENTED)
            .unwrap_or_else(|| panic!("the file as it was, then the new view:\n{out}"));
        assert_eq!(
            added,
            "\n[[view]]\nname = \"腾讯\"\ntab = \"vendors\"\nquery = \"腾讯\"\n"
        );

        // Overwrite the first: only its changed lines change; its comments, the fields that
        // kept their value, the other views and every comment stay as written.
        let mut big = parse("views.toml", &out).views[0].clone();
        big.query = "amount>=50亿".into();
        big.sort.as_mut().unwrap().descending = false;
        big.group_by = vec!["vendor".into()];
        let out2 = save(&out, &big);
        let expected = out
            .replace(
                "query = \"amount>=10亿\"\n",
                "query = \"amount>=50亿\"\ngroup_by = [\"vendor\"]\n",
            )
            .replace("descending = true\n", "");
        assert_eq!(out2, expected);

        // A changed value keeps the comment after it; the second view, untouched, is the same
        // text as in the original file.
        let mut big2 = big.clone();
        big2.name = "big deals".into();
        big2.tab = Tab::Timeline;
        big2.query.clear();
        big2.sort = None;
        big2.group_by.clear();
        let out3 = save(&out2, &big2);
        assert!(out3.contains("tab    = \"timeline\"\n"), "{out3}");
        assert!(
            out3.contains("name   = \"big deals\"   # the one in the weekly report\n"),
            "{out3}"
        );
        let second = &COMMENTED[COMMENTED.find("# Compare by report").unwrap()..];
        assert!(out3.contains(second), "{out3}");
        assert!(
            out3.starts_with("# Our team's views — reviewed in PRs.\n\n# Deals over 10亿"),
            "{out3}"
        );
    }

    #[test]
    fn saving_into_no_file_or_an_inline_array_works_too() {
        // No file, or only blank lines: the file marketlens writes.
        let v = view("all", Tab::Deals, "");
        assert_eq!(
            save_into(None, &v, None).unwrap(),
            to_toml(std::slice::from_ref(&v))
        );
        assert_eq!(
            save_into(Some("\n\n"), &v, None).unwrap(),
            to_toml(std::slice::from_ref(&v))
        );
        // Only comments: kept, the view after them.
        let out = save("# mine\n", &v);
        assert!(out.starts_with("# mine\n"), "{out}");
        // `view = [ { … } ]`: a view is edited, or added, in that array.
        let inline = "# inline\nview = [\n  { name = \"a\", tab = \"deals\" }, # first\n]\n";
        let out = save(inline, &view("a", Tab::Deals, "x"));
        assert_eq!(
            out,
            "# inline\nview = [\n  { name = \"a\", tab = \"deals\", query = \"x\" }, # first\n]\n"
        );
        // Added at the end of the array (the comment after the last comma stays after it).
        let out = save(inline, &view("b", Tab::Sources, ""));
        assert_eq!(
            out,
            "# inline\nview = [\n  { name = \"a\", tab = \"deals\" }, { name = \"b\", tab = \"sources\" }, # first\n]\n"
        );
    }

    #[test]
    fn text_with_quotes_and_controls_round_trips() {
        let v = SavedView {
            name: "a \"quoted\" name \\ 名前".into(),
            tab: Tab::Vendors,
            query: "\"a phrase\" 'exact !x".into(),
            sort: None,
            group_by: vec![],
            pivot: Pivot::default(),
            columns: None,
        };
        let text = to_toml(std::slice::from_ref(&v));
        let p = parse("v", &text);
        assert_eq!(p.views, vec![v]);
    }

    #[test]
    fn each_problem_is_reported_where_it_is_and_the_good_views_still_load() {
        let text = "[[view]]\nname = \"ok\"\ntab = \"vendors\"\n\n[[view]]\nname = \"x\"\ntab = \"dealz\"\n\n[[view]]\nname = \"y\"\ntab = \"deals\"\nsort = \"amout\"\n\n[[view]]\nname = \"z\"\ntab = \"deals\"\ngroup_by = [\"vendr\"]\nqeury = \"a\"\n\n[[view]]\ntab = \"deals\"\n\n[[view]]\nname = \"ok\"\ntab = \"deals\"\n\n[[view]]\nname = \"p\"\ntab = \"compare\"\npivot = \"months\"\ndescending = \"yes\"\n";
        let p = parse("views.toml", text);
        assert_eq!(names(&p.views), vec!["ok"]);
        let h = headlines(&p);
        let expect = [
            "views.toml:7:7: error: unknown tab `dealz`",
            "views.toml:12:8: error: no column `amout` to sort deals by",
            "views.toml:18:1: error: unknown field `qeury` in a view",
            "views.toml:17:13: error: no column `vendr` to group deals by",
            "views.toml:20:1: error: a view needs a `name`",
            "views.toml:24:8: error: a view named `ok` is already defined above; names are unique",
            "views.toml:31:14: error: `descending` must be true or false",
            "views.toml:30:9: error: unknown pivot `months`",
        ];
        for e in expect {
            assert!(h.iter().any(|l| l == e), "missing {e:?} in {h:#?}");
        }
        assert_eq!(h.len(), expect.len(), "{h:#?}");
        let all = p.render();
        assert!(all.contains("did you mean `deals`?"), "{all}");
        assert!(all.contains("did you mean `amount`?"), "{all}");
        assert!(all.contains("did you mean `query`?"), "{all}");
    }

    #[test]
    fn a_toml_syntax_error_is_one_diagnostic_with_its_place() {
        let p = parse("views.toml", "[[view]]\nname = \"a\ntab = \"deals\"\n");
        assert!(p.views.is_empty());
        assert_eq!(p.errors(), 1);
        assert!(
            headlines(&p)[0].starts_with("views.toml:2:"),
            "{:?}",
            headlines(&p)
        );
    }

    #[test]
    fn other_top_level_keys_are_errors() {
        let p = parse("views.toml", "[[views]]\nname = \"a\"\ntab = \"deals\"\n");
        assert!(p.views.is_empty());
        let all = p.render();
        assert!(all.contains("unknown key `views`"), "{all}");
        assert!(all.contains("did you mean `[[view]]`?"), "{all}");
    }

    #[test]
    fn upsert_replaces_in_place_and_keeps_the_others() {
        let mut views = parse("v", GOOD).views;
        let mut v = views[0].clone();
        v.query = "new".into();
        assert!(upsert(&mut views, v));
        assert_eq!(views.len(), 2);
        assert_eq!(views[0].query, "new");
        assert_eq!(views[1].name, "报告对比");
        let mut w = views[0].clone();
        w.name = "third".into();
        assert!(!upsert(&mut views, w));
        assert_eq!(names(&views), vec!["big deals", "报告对比", "third"]);
    }

    #[test]
    fn views_live_beside_the_kb() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(path_beside(dir.path()).unwrap(), dir.path().join("views.toml"));
        let file = dir.path().join("kb.toml");
        std::fs::write(&file, "").unwrap();
        assert_eq!(path_beside(&file).unwrap(), dir.path().join("views.toml"));
        assert!(path_beside(&dir.path().join("views.toml")).is_err());
        assert_eq!(
            path_beside(Path::new("kb.toml")).unwrap(),
            Path::new("./views.toml")
        );
    }

    #[test]
    fn unknown_names_say_what_there_is() {
        let views = parse("v", GOOD).views;
        let msg = unknown("big deal", &views, Path::new("views.toml"));
        assert!(msg.contains("did you mean `big deals`?"), "{msg}");
        assert!(msg.contains("views: `big deals`, `报告对比`"), "{msg}");
        assert_eq!(find(&views, "BIG DEALS").map(|v| v.tab), Some(Tab::Deals));
    }

    #[test]
    fn a_missing_file_is_no_views_and_a_bad_one_a_diagnostic() {
        let dir = tempfile::tempdir().unwrap();
        let p = load(&dir.path().join("views.toml"));
        assert!(p.views.is_empty() && p.diags.is_empty());
        std::fs::write(dir.path().join("views.toml"), b"\xff\xfe").unwrap();
        let p = load(&dir.path().join("views.toml"));
        assert_eq!(p.errors(), 1);
    }
}
