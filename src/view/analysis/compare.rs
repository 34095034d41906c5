//! Compare: the figures of the selected series side by side.

use super::text;
use crate::kb::{Kb, Kind};
use crate::view::{Cell, Row, SortKey, human_point, subject};

/// One row per figure (series point) of the selected series.
pub(super) fn rows(kb: &Kb, series: &[usize]) -> Vec<Row> {
    let mut rows = Vec::new();
    for &i in series {
        let s = &kb.series[i];
        let report = s
            .report
            .as_deref()
            .map_or("", |r| crate::view::record_name(kb, r));
        for p in &s.points {
            let value = Cell {
                text: crate::text::escape_controls(&human_point(&s.unit, p)).into_owned(),
                key: SortKey::Num(p.value.mid()),
            };
            rows.push(Row {
                id: s.id.clone(),
                kind: Kind::Series,
                index: i,
                cells: vec![
                    text(&subject(kb, s)),
                    text(s.metric.as_str()),
                    text(s.market.as_deref().unwrap_or("")),
                    text(s.basis.as_deref().unwrap_or("")),
                    text(report),
                    Cell::period_inferred(Some(p.period), p.inferred.is_some()),
                    value,
                    text(&s.name),
                ],
            });
        }
    }
    rows
}
