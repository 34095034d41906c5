//! The Timeline: every dated event (career moves, deals) as a row, in time order.

use super::text;
use crate::kb::{Kb, Kind};
use crate::view::{Cell, Row, vendor_name, with_status};

/// Career moves and deals with a date, one row each.
pub(super) fn rows(kb: &Kb, executives: &[usize], deals: &[usize]) -> Vec<Row> {
    let org = |vendor: &Option<String>, org: &Option<String>| -> String {
        match (vendor, org) {
            (Some(v), _) => vendor_name(kb, v).to_string(),
            (None, Some(o)) => o.clone(),
            (None, None) => String::new(),
        }
    };
    let mut rows = Vec::new();
    for &i in executives {
        let e = &kb.executives[i];
        for m in &e.career {
            let Some(date) = m.date else { continue };
            rows.push(Row {
                id: e.id.clone(),
                kind: Kind::Executive,
                index: i,
                cells: vec![
                    Cell::period_inferred(Some(date), m.inferred.is_some()),
                    text(&with_status("move".into(), m.status)),
                    text(&e.name),
                    text(&org(&m.from, &m.from_org)),
                    text(&org(&m.to, &m.to_org)),
                    text(&m.role),
                ],
            });
        }
    }
    for &i in deals {
        let d = &kb.deals[i];
        let Some(date) = d.date else { continue };
        let vendors: Vec<&str> = d.vendors.iter().map(|v| vendor_name(kb, v)).collect();
        let mut event = d.kind.as_str().to_string();
        if let Some(c) = crate::view::change_text(d) {
            event = format!("{event} {c}");
        }
        rows.push(Row {
            id: d.id.clone(),
            kind: Kind::Deal,
            index: i,
            cells: vec![
                Cell::period_inferred(Some(date), d.inferred.is_some()),
                text(&with_status(event, d.status)),
                text(&vendors.join(", ")),
                text(d.from_vendor.as_deref().map_or("", |v| vendor_name(kb, v))),
                text(d.counterparty.as_deref().unwrap_or("")),
                text(&d.title),
            ],
        });
    }
    rows
}
