//! A KB loaded again: asking for it, and putting it in place of the old one.

use super::{App, Effect, Input, Location, TabState, tab_states};
use crate::search::Index;
use crate::tui::reload::Reload;
use crate::view::Tab;
use std::sync::Arc;

impl App {
    /// Ask for the KB to be loaded from disk again (`r`, or the watcher saw a change).
    pub fn reload(&mut self) {
        if self.kb_path.is_none() {
            self.status =
                "the built-in KB does not change; open a KB file with --kb to follow its edits".into();
            return;
        }
        self.reload.asked += 1;
        // Only the newest load matters: one asked for earlier and not yet started is not started.
        self.effects.retain(|e| !matches!(e, Effect::Reload(_)));
        self.effects.push(Effect::Reload(self.reload.asked));
        self.reload.running.get_or_insert_with(std::time::Instant::now);
    }

    /// A load finished: on success the new KB replaces the old one, keeping tab, selections,
    /// filters and history where their records still exist; on failure the old KB stays and the
    /// banner says why.
    pub(super) fn reloaded(&mut self, r: &Reload) -> bool {
        if r.generation != self.reload.asked {
            return false; // A newer load is on its way.
        }
        self.reload.running = None;
        match &r.outcome {
            Err(p) => {
                self.status = format!(
                    "⚠ the KB on disk has {}; still showing the last good one",
                    crate::text::count(p.errors, "error", "errors")
                );
                self.reload.problem = Some(p.clone());
            }
            Ok(fresh) => {
                let was_broken = self.reload.problem.take().is_some();
                let tabs = fresh
                    .tabs
                    .lock()
                    .map(|mut t| std::mem::take(&mut *t))
                    .unwrap_or_default();
                let unmarked = self.swap_index(fresh.index.clone(), tabs);
                let mut msg = self.edit_outcome(&fresh.changes).unwrap_or_else(|| {
                    format!(
                        "reloaded in {} ms: {}",
                        r.took.as_millis(),
                        fresh.changes.summary()
                    )
                });
                if unmarked > 0 {
                    msg.push_str(&format!(
                        " · {} of records gone dropped",
                        crate::text::count(unmarked, "mark", "marks")
                    ));
                }
                if was_broken {
                    msg.push_str(" · errors fixed");
                }
                if fresh.warnings > 0 {
                    msg.push_str(&format!(
                        " · {} (marketlens check)",
                        crate::text::count(fresh.warnings, "warning", "warnings")
                    ));
                }
                self.status = msg;
            }
        }
        true
    }

    /// Put a new index (and its KB) in place of the old one. Rows are rebuilt; what the user had
    /// chosen — tab, sort, filters, selected records, marks, history — is carried over by record
    /// id. Returns how many marks were dropped with their records.
    pub(super) fn swap_index(&mut self, index: Arc<Index>, mut built: Vec<TabState>) -> usize {
        if built.len() != Tab::ALL.len() {
            built = tab_states(&index.kb, &self.sorts());
        }
        let old_kb = (
            std::mem::replace(&mut self.kb, index.kb.clone()),
            std::mem::replace(&mut self.index, index),
        );
        // Queued searches were asked of the old index; answers to running ones are dropped
        // because every awaited request is asked again below, under a new id, of the new index.
        self.effects.retain(|e| !matches!(e, Effect::Search(_)));
        self.effects.push(Effect::UseIndex(self.index.clone()));
        // The new KB's mentions: found afresh; any still being found are of the old one.
        self.mentions_asked += 1;
        self.effects.retain(|e| !matches!(e, Effect::Mentions(_)));
        self.effects.push(Effect::Mentions(self.mentions_asked));
        let old = std::mem::take(&mut self.tabs);
        let mut trash = Vec::with_capacity(old.len());
        let mut unmarked = 0;
        for ((t, was), mut st) in Tab::ALL.into_iter().zip(old).zip(built) {
            let repivot = st.pivot != was.pivot;
            if repivot {
                // Compare's columns by reports: built again so, off the UI thread, below (the
                // filter's answer rebuilds it from the new KB's matches).
                st.pivot = was.pivot;
                st.sort = was.sort.clone();
                st.filter.pick = was.filter.pick.clone();
            } else if st.sort != was.sort || was.filter.pick.is_some() {
                // The user sorted again while the load ran, or the tab shows one group.
                st.sort = was.sort.clone();
                st.filter.pick = was.filter.pick.clone();
                let sort = st.sort.clone();
                st.arrange(None, sort);
            }
            // A grouped table is built again from the new rows.
            let regroup = was.grouped.as_ref().map(|g| (g.by.clone(), g.selected, g.offset));
            let id = was.selected_id().map(str::to_string);
            let at = id.as_deref().and_then(|id| st.view.position(id));
            st.selected = at.unwrap_or(was.selected.min(st.view.len().saturating_sub(1)));
            st.offset = was.offset;
            st.link = if at.is_some() { was.link } else { 0 };
            st.filter.text = was.filter.text.clone();
            st.filter.saved = was.filter.saved.clone();
            st.marks = was.marks.clone();
            unmarked += st.marks.keep_records(&self.index.kb);
            trash.push(was);
            let active = st.filter.is_active();
            let select = id.clone();
            st.filter.keep = id.filter(|_| active);
            self.tabs.push(st);
            if active {
                self.ask_filter(t);
            } else if repivot {
                let offset = self.tabs[t.index()].offset;
                self.ask_build(t, None, select, offset);
            }
            if let Some((by, selected, offset)) = regroup {
                self.ask_group(t, by);
                if let Some(g) = &mut self.tabs[t.index()].grouped {
                    (g.selected, g.offset) = (selected, offset);
                }
            }
        }
        if self.tabs[Tab::Trends.index()].marks.is_empty() {
            self.chart_marks = false;
        }
        if let Some(Input::Palette(p)) = &mut self.input {
            // Its results point into the old index.
            p.results = None;
            p.applied = None;
            p.selected = 0;
            p.offset = 0;
        }
        self.ask_palette();
        let kb = self.kb.clone();
        let exists = |l: &Location| l.id.as_deref().is_none_or(|id| kb.lookup(id).is_some());
        self.back.retain(exists);
        self.forward.retain(exists);
        let link_max = self.link_count().saturating_sub(1);
        let st = self.current_mut();
        st.link = st.link.min(link_max);
        self.scroll_into_view();
        self.reopen_reader();
        // Freeing a big KB and its rows takes a while (~0.2 s at 100k records): let another
        // thread do it, not the one drawing frames.
        crate::par::free_later((old_kb, trash));
        unmarked
    }
}
