//! Reading a record so that every bad field is reported in one run, not only the first.
//!
//! serde stops at the first error. So when a record fails to read, the failing field is reported,
//! taken out of the parsed value, and the record is read again; a nested table that loses a
//! required field (a series point without its bad `period`) is taken out as a whole, so the points
//! after it are still read. This repeats until the record reads or its own required fields are
//! gone. Hand-written because serde has no error recovery and no crate offers it for toml's
//! spanned values; the loop only edits the already-parsed tree, so it costs nothing for a record
//! that reads the first time.

use std::ops::Range;

use serde::de::DeserializeOwned;
use serde_spanned::Spanned;
use toml::de::{DeArray, DeValue, ValueDeserializer};

/// At most this many errors are collected from one record (a guard; each round removes a field).
const MAX_ROUNDS: usize = 256;

/// What reading a record found.
pub struct Peeled<T> {
    /// The record, if it read with no error at all.
    pub record: Option<T>,
    /// For a record that did not read: what it reads as without its bad fields (required ones
    /// filled with a placeholder, see [`placeholder`]), so the rest of it can still be checked
    /// (its references, its ranges). It never enters the KB.
    pub partial: Option<T>,
    /// Every error, in the order of the text.
    pub errors: Vec<toml::de::Error>,
}

/// A stand-in for a required field taken out, as TOML text: a value of the right type that says
/// nothing (`kind = "other"`, `sources = []`), so the record reads and its other fields are
/// checked. Problems the stand-in itself would cause are dropped by the caller (they sit on the
/// line of the error that took the field out).
fn placeholder(field: &str) -> Option<&'static str> {
    Some(match field {
        "kind" | "metric" | "topic" => "x = \"other\"",
        "unit" => "x = \"count\"",
        "date" | "period" => "x = 2000",
        "id" | "title" | "name" | "publisher" | "text" | "role" | "pair" => "x = \"\"",
        "sources" | "vendors" | "subject" | "points" => "x = []",
        "rate" | "value" => "x = 0",
        _ => return None,
    })
}

/// Puts `field`'s placeholder into the root table; false if there is none.
fn fill(value: &mut Spanned<DeValue<'_>>, field: &str) -> bool {
    let Some(text) = placeholder(field) else {
        return false;
    };
    let Ok(doc) = toml::de::DeTable::parse(text) else {
        return false;
    };
    let Some((_, v)) = doc.into_inner().into_iter().next() else {
        return false;
    };
    let at = value.span();
    let DeValue::Table(t) = value.get_mut() else {
        return false;
    };
    let key: Spanned<std::borrow::Cow<'_, str>> =
        Spanned::new(at.clone(), std::borrow::Cow::Owned(field.to_string()));
    t.insert(key, Spanned::new(at, v.into_inner()));
    true
}

/// Reads `item` as a `T`, collecting every error (see the module comment).
pub fn read<T: DeserializeOwned>(item: Spanned<DeValue<'_>>) -> Peeled<T> {
    // One copy for the peeling, made only here: the loader's fast path (`read_after`) makes none.
    match T::deserialize(ValueDeserializer::from(item.clone())) {
        Ok(r) => Peeled {
            record: Some(r),
            partial: None,
            errors: Vec::new(),
        },
        Err(first) => read_after(first, item),
    }
}

/// The rest of [`read`] for a record whose first reading failed with `first`: `item` is the
/// record as parsed (the loader parses the piece again for it, so that records that read cost no
/// copy).
pub fn read_after<T: DeserializeOwned>(first: toml::de::Error, item: Spanned<DeValue<'_>>) -> Peeled<T> {
    let root = item.span();
    let mut value = item;
    let mut errors = Vec::new();
    // Fields this loop took out, with the span of the table each was in: a later "missing field"
    // for one of them is its own doing.
    let mut removed: Vec<(Range<usize>, String)> = Vec::new();
    let mut next = Some(first);
    let mut partial = None;
    for _ in 0..MAX_ROUNDS {
        let Some(e) = next.take() else { break };
        let span = e.span();
        let missing = missing_field(e.message());
        match missing {
            Some(field) => {
                if !removed
                    .iter()
                    .any(|(t, k)| Some(t) == span.as_ref() && *k == field)
                {
                    errors.push(e);
                }
                // A table without a required field: take the whole table out; the record itself
                // gets a placeholder for it.
                match span {
                    Some(s) if s != root && remove_table(&mut value, &s) => {}
                    _ if fill(&mut value, &field) => {}
                    _ => break,
                }
            }
            None => {
                errors.push(e);
                match span.and_then(|s| remove_at(&mut value, &s)) {
                    Some(key) => removed.push(key),
                    None => break,
                }
            }
        }
        match T::deserialize(ValueDeserializer::from(value.clone())) {
            Ok(r) => {
                partial = Some(r);
                break;
            }
            Err(e) => next = Some(e),
        }
    }
    errors.sort_by_key(|e| e.span().map_or(usize::MAX, |s| s.start));
    Peeled {
        record: None,
        partial,
        errors,
    }
}

/// `missing field `x`` → `x`.
fn missing_field(message: &str) -> Option<String> {
    let rest = message.trim().strip_prefix("missing field `")?;
    Some(rest.split('`').next()?.to_string())
}

fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// Takes out the innermost key (or array element) whose key or value holds `span`; returns the
/// span of the table or array it was in and the key's name (an element's index for an array
/// element).
fn remove_at(value: &mut Spanned<DeValue<'_>>, span: &Range<usize>) -> Option<(Range<usize>, String)> {
    let here = value.span();
    match value.get_mut() {
        DeValue::Table(t) => {
            let mut hit = None;
            for (k, v) in t.iter_mut() {
                if k.span() == *span || (contains(&v.span(), span) && !is_container(v.get_ref())) {
                    hit = Some(k.clone());
                    break;
                }
                if contains(&v.span(), span) {
                    match remove_at(v, span) {
                        Some(inner) => return Some(inner),
                        // Nothing inside holds it: the container is the bad value.
                        None => hit = Some(k.clone()),
                    }
                    break;
                }
            }
            let key = hit?;
            t.remove(&key);
            Some((here, key.into_inner().to_string()))
        }
        DeValue::Array(a) => {
            let i = a.iter().position(|v| contains(&v.span(), span))?;
            if is_container(a[i].get_ref())
                && let Some(k) = remove_at(&mut (**a)[i], span)
            {
                return Some(k);
            }
            remove_element(a, i);
            Some((here, i.to_string()))
        }
        _ => None,
    }
}

/// Takes out the table (an array element or a key's value) whose span is `span`.
fn remove_table(value: &mut Spanned<DeValue<'_>>, span: &Range<usize>) -> bool {
    match value.get_mut() {
        DeValue::Table(t) => {
            let mut target = None;
            for (k, v) in t.iter_mut() {
                if v.span() == *span {
                    target = Some(k.clone());
                    break;
                }
                if contains(&v.span(), span) && is_container(v.get_ref()) {
                    return remove_table(v, span);
                }
            }
            target.is_some_and(|key| t.remove(&key).is_some())
        }
        DeValue::Array(a) => match a.iter().position(|v| contains(&v.span(), span)) {
            Some(i) if a[i].span() == *span => {
                remove_element(a, i);
                true
            }
            Some(i) => remove_table(&mut (**a)[i], span),
            None => false,
        },
        _ => false,
    }
}

fn is_container(v: &DeValue<'_>) -> bool {
    matches!(v, DeValue::Table(_) | DeValue::Array(_))
}

/// `DeArray` has no `remove`: rebuild it without element `i`.
fn remove_element(a: &mut DeArray<'_>, i: usize) {
    let mut kept = DeArray::new();
    for (j, v) in a.iter().enumerate() {
        if j != i {
            kept.push(v.clone());
        }
    }
    *a = kept;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::model::{Deal, Series};
    use toml::de::DeTable;

    /// Every error of the first record of `[[table]]` in `text`, as `line:col message`.
    fn errors<T: DeserializeOwned>(text: &str, table: &str) -> Vec<String> {
        let doc = DeTable::parse(text).unwrap();
        let items = match doc.get_ref().get(table).unwrap().get_ref() {
            DeValue::Array(a) => a.clone(),
            _ => panic!("no array"),
        };
        let p = read::<T>(items[0].clone());
        assert!(p.record.is_none());
        p.errors
            .iter()
            .map(|e| {
                let s = e.span().unwrap().start;
                let line = text[..s].matches('\n').count() + 1;
                let first = e.message().lines().next().unwrap_or("").to_string();
                format!("{line}: {first}")
            })
            .collect()
    }

    #[test]
    fn every_bad_field_of_a_deal_is_reported() {
        let text = r#"
[[deal]]
id = "d1"
title = "x"
kind = "ordr"
vendors = ["v"]
date = "2025-13"
amount = { value = "lots", currency = "CNY" }
colour = "red"
sources = ["s"]
"#;
        let got = errors::<Deal>(text, "deal");
        assert_eq!(got.len(), 4, "{got:#?}");
        assert!(got[0].starts_with("5: unknown variant `ordr`"), "{got:#?}");
        assert!(
            got[1].starts_with("7: ") && got[1].contains("month must be 1–12"),
            "{got:#?}"
        );
        assert!(got[2].starts_with("8: ") && got[2].contains("lots"), "{got:#?}");
        assert!(got[3].starts_with("9: unknown field `colour`"), "{got:#?}");
    }

    #[test]
    fn a_bad_point_does_not_hide_the_next_points_problems() {
        let text = r#"
[[series]]
id = "s1"
name = "x"
vendor = "v"
metric = "growth"
unit = "%"
sources = ["s"]
points = [
  { period = "2025-Q5", value = 1 },
  { period = "2025-Q1", value = "many" },
  { period = "2025-Q2" },
  { period = "2025-Q3", value = 3, colour = 1 },
]
"#;
        let got = errors::<Series>(text, "series");
        assert_eq!(got.len(), 4, "{got:#?}");
        assert!(
            got[0].starts_with("10: ") && got[0].contains("quarter"),
            "{got:#?}"
        );
        assert!(got[1].starts_with("11: ") && got[1].contains("many"), "{got:#?}");
        assert!(got[2].starts_with("12: missing field `value`"), "{got:#?}");
        assert!(got[3].starts_with("13: unknown field `colour`"), "{got:#?}");
    }

    #[test]
    fn a_bad_required_field_gets_a_placeholder_so_the_rest_is_read() {
        let text = r#"
[[deal]]
id = "d1"
title = "x"
kind = "ordr"
vendors = ["nope"]
status = "rumor"
sources = ["s"]
"#;
        let got = errors::<Deal>(text, "deal");
        assert_eq!(got.len(), 2, "{got:#?}");
        assert!(
            got[0].starts_with("5: unknown variant `ordr`")
                && got[1].starts_with("7: unknown variant `rumor`")
        );
        let doc = DeTable::parse(text).unwrap();
        let DeValue::Array(a) = doc.get_ref().get("deal").unwrap().get_ref().clone() else {
            panic!()
        };
        let partial = read::<Deal>(a[0].clone())
            .partial
            .expect("the rest of the deal reads");
        assert_eq!(partial.vendors, ["nope"]);
        assert_eq!(partial.kind, crate::kb::model::DealKind::Other);
    }

    #[test]
    fn a_record_that_reads_costs_one_pass_and_has_no_errors() {
        let text =
            "[[deal]]\nid = \"d\"\ntitle = \"t\"\nkind = \"order\"\nvendors = [\"v\"]\nsources = [\"s\"]\n";
        let doc = DeTable::parse(text).unwrap();
        let DeValue::Array(a) = doc.get_ref().get("deal").unwrap().get_ref().clone() else {
            panic!()
        };
        let p = read::<Deal>(a[0].clone());
        assert!(p.record.is_some() && p.errors.is_empty());
    }
}
