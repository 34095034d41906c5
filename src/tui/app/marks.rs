//! `space`, `M` and `c`: marking rows in any tab, clearing them, and charting the marked series
//! in Trends. The marks themselves, and what a row's identity is, are `view::marks`'.

use super::App;
use crate::tui::keymap::{self, Action, Context};
use crate::view::Tab;

impl App {
    /// `space`: mark the selected row, or unmark it, and go to the next row (so marking several
    /// in a run is one key each).
    pub(super) fn toggle_mark(&mut self) {
        let st = &mut self.tabs[self.tab.index()];
        let Some(&ri) = st.view.order.get(st.selected) else {
            self.status = "no row to mark".into();
            return;
        };
        st.marks.toggle(&st.view, &st.view.rows[ri]);
        let n = st.marks.len();
        if n == 0 && self.tab == Tab::Trends {
            self.chart_marks = false;
        }
        self.move_by(1);
        self.status = self.marks_hint(n);
    }

    /// What the status line says after a mark: how many, and the keys that use them.
    fn marks_hint(&self, n: usize) -> String {
        if n == 0 {
            return "no marks in this tab".into();
        }
        let clear = keymap::key(Context::Table, Action::ClearMarks);
        let mut s = format!("{n} marked · {clear} clears");
        if self.tab == Tab::Trends && !self.chart_marks {
            let chart = keymap::key(Context::Table, Action::ChartMarks);
            s.push_str(&format!(" · {chart} charts them together"));
        }
        s
    }

    /// `M`: clear the current tab's marks.
    pub(super) fn clear_marks(&mut self) {
        let st = &mut self.tabs[self.tab.index()];
        let n = st.marks.len();
        st.marks.clear();
        if self.tab == Tab::Trends {
            self.chart_marks = false;
        }
        self.status = match n {
            0 => "no marks in this tab".into(),
            n => format!("cleared {}", crate::text::count(n, "mark", "marks")),
        };
    }

    /// `c` in Trends: chart the marked series together, or (again) the selected one.
    pub(super) fn toggle_chart_marks(&mut self) {
        if self.tab != Tab::Trends {
            let four = keymap::key(Context::Any, Action::GoTab(Tab::Trends.index()));
            self.status = format!("the chart is the Trends tab's ({four}): mark series there and chart them");
            return;
        }
        if self.chart_marks {
            self.stop_charting_marks();
            return;
        }
        if self.tabs[Tab::Trends.index()].marks.is_empty() {
            let space = keymap::key(Context::Table, Action::Mark);
            self.status = format!("mark series with {space} first");
            return;
        }
        self.chart_marks = true;
        let names: Vec<String> = self
            .chart_ids()
            .iter()
            .filter_map(|id| self.kb.series_by_id(id))
            .map(|s| crate::text::escape_controls(&s.name).into_owned())
            .collect();
        let c = keymap::key(Context::Table, Action::ChartMarks);
        let esc = keymap::key(Context::Table, Action::ClearFilter);
        self.status = format!(
            "charting {} marked series: {} ({c} or {esc}: the selected one)",
            names.len(),
            names.join(", ")
        );
    }

    /// Back from the marked series to the selected one.
    pub(super) fn stop_charting_marks(&mut self) {
        self.chart_marks = false;
        self.status = "charting the selected series".into();
    }

    /// Whether the Trends chart draws the marked series (rather than the selected one).
    pub fn charting_marks(&self) -> bool {
        self.chart_marks && !self.tabs[Tab::Trends.index()].marks.is_empty()
    }

    /// The marked series of Trends that the KB has, in the order marked.
    pub(super) fn marked_series(&self) -> Vec<String> {
        self.tabs[Tab::Trends.index()]
            .marks
            .records()
            .into_iter()
            .filter(|(k, id)| *k == crate::kb::Kind::Series && self.kb.series_by_id(id).is_some())
            .map(|(_, id)| id.to_owned())
            .collect()
    }
}
