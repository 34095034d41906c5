//! The analysis tabs' rows (Compare, Timeline) built off the UI thread: asked for when a query's
//! answer comes, the filter is cleared or the pivot switched, and shown when built. The rows on
//! screen stay until then (the title says `building…`); an answer no longer awaited (a newer one
//! was asked for, or the KB was replaced) is dropped by its id, as groupings are.

use std::sync::Arc;

use super::{App, Effect, Msg};
use crate::kb::{Kb, Kind};
use crate::search::Query;
use crate::tui::tabs::{BuildSpec, Building, Built};
use crate::view::Tab;

/// An analysis tab's rows to build; the answer comes back as `Msg::Built` with this id.
#[derive(Clone, Debug)]
pub struct BuildJob {
    pub id: u64,
    pub spec: BuildSpec,
    /// The columns the tab's rows are grouped by (`F`), if they are: the new rows are grouped
    /// too, here.
    pub group: Option<Vec<usize>>,
}

impl BuildJob {
    /// Build it (on whichever thread runs it).
    pub fn run(&self, kb: &Kb) -> Msg {
        let mut built = self.spec.build(kb);
        let width = built.view.columns.len();
        built.grouped = self
            .group
            .as_ref()
            .filter(|by| !by.is_empty() && by.iter().all(|&b| b < width))
            .map(|by| {
                let g = crate::view::group::group_by(kb, &built.view, by);
                let natural = super::natural_widths(&g);
                (by.clone(), Arc::new((g, natural)))
            });
        Msg::Built {
            id: self.id,
            tab: self.spec.tab,
            built: Arc::new(built),
        }
    }
}

/// Per tab, the newest build asked for (see [`start_build`]).
pub type Latest = Arc<Vec<std::sync::atomic::AtomicU64>>;

/// A [`Latest`] for every tab, none asked for yet.
pub fn latest() -> Latest {
    Arc::new(Tab::ALL.iter().map(|_| Default::default()).collect())
}

/// Start `job` on a thread of its own at a lower priority (the Timeline builds on every core:
/// frames must not wait behind it), its answer handed to `deliver`. While the user types, builds
/// are asked for faster than they finish: one overtaken by a newer build of its tab (`latest`)
/// before it starts is skipped, and an answer no longer awaited is dropped by its id. Returns
/// the answer when no thread could be started and it was built here instead.
pub fn start_build(
    kb: &Arc<Kb>,
    job: BuildJob,
    latest: &Latest,
    deliver: impl FnOnce(Msg) + Send + 'static,
) -> Option<Msg> {
    use std::sync::atomic::Ordering;
    let at = job.spec.tab.index();
    latest[at].store(job.id, Ordering::Relaxed);
    let job = Arc::new(job);
    let (kb2, job2, latest) = (kb.clone(), job.clone(), latest.clone());
    let spawned = std::thread::Builder::new().name("build".into()).spawn(move || {
        crate::par::lower_priority();
        if latest[at].load(Ordering::Relaxed) == job2.id {
            deliver(job2.run(&kb2));
        }
    });
    match spawned {
        Ok(_) => None,
        Err(_) => Some(job.run(kb)),
    }
}

impl App {
    /// Ask for analysis tab `tab`'s rows from the records `matched` (`None`: every record), to
    /// be shown when built with `select` selected (or the first row) and scrolled to `offset`.
    pub(super) fn ask_build(
        &mut self,
        tab: Tab,
        matched: Option<(Vec<(Kind, usize)>, Query)>,
        select: Option<String>,
        offset: usize,
    ) {
        let id = self.next_id();
        let st = &mut self.tabs[tab.index()];
        let spec = st.spec(matched);
        let group = st.grouped.as_ref().map(|g| g.by.clone());
        st.records = spec.matched.clone();
        st.building = Some(Building { id, select, offset });
        // Only the newest build matters: one asked for and not yet started is not started.
        self.effects
            .retain(|e| !matches!(e, Effect::Build(j) if j.spec.tab == tab));
        self.effects
            .push(Effect::Build(Box::new(BuildJob { id, spec, group })));
    }

    /// An analysis tab's rows came: shown if they are the ones awaited.
    pub(super) fn built_done(&mut self, id: u64, tab: Tab, built: Arc<Built>) -> bool {
        let st = &mut self.tabs[tab.index()];
        let Some(b) = st.building.take_if(|b| b.id == id) else {
            // Stale: a newer build is awaited, or the KB was replaced. Its rows are freed away
            // from this thread, as the ones replaced are below.
            crate::par::free_later(built);
            return false;
        };
        // The message held the only reference: no copy.
        let mut built = Arc::try_unwrap(built).unwrap_or_else(|b| (*b).clone());
        let grouped = built.grouped.take();
        let arranged = built.sort == st.sort && built.pick == st.filter.pick;
        let old = st.put(built);
        // Freeing the rows replaced (at 100k events, a million strings: ~20 ms) is not for the
        // thread that draws frames.
        if old.rows.len() > 1_000 {
            crate::par::free_later(old);
        }
        st.selected = b.select.and_then(|id| st.view.position(&id)).unwrap_or(0);
        st.offset = b.offset.min(st.selected);
        st.link = 0;
        // A grouped table counts the rows now shown: counted with them, or else asked for.
        match (st.grouped.as_mut(), grouped) {
            (Some(g), Some((by, table))) if g.by == by && arranged => {
                g.pending = 0;
                g.selected = g.selected.min(table.0.groups.len().saturating_sub(1));
                g.table = Some(table);
            }
            (Some(g), _) => {
                let by = g.by.clone();
                self.ask_group(tab, by);
            }
            (None, _) => {}
        }
        if self.tab == tab {
            self.scroll_into_view();
        }
        true
    }

    /// Whether tab `tab`'s rows are being built.
    pub fn building(&self, tab: Tab) -> bool {
        self.tabs[tab.index()].building.is_some()
    }
}
