//! Effects: what `update` leaves for others, and the one place they are run.

use super::{App, Msg};
use crate::kb::Kb;
use crate::kb::mentions::Mentions;
use crate::search::Index;
use crate::search::worker::{Request, Response, Searcher};
use crate::tui::reload::Reload;
use crate::view::Sort;
use std::sync::Arc;

/// Work `update` leaves for others: what it asks of the worker, the reload thread and the
/// terminal. [`App::run_effects`] is the one place effects are run, for the event loop and for
/// `settle` alike; a [`Runner`] supplies the means.
#[derive(Clone)]
pub enum Effect {
    /// Search; the answer comes back as `Msg::Search` with the request's id.
    Search(Request),
    /// Searches from now on are of this index (the KB was reloaded): narrowing starts afresh.
    UseIndex(Arc<Index>),
    /// Load the KB from disk again; the answer comes back as `Msg::Reloaded` with this generation.
    Reload(u64),
    /// Find which records name which in the KB now shown (off the UI thread: ~0.5 s at 100k
    /// records); the answer comes back as `Msg::Mentions` with this generation.
    Mentions(u64),
    /// Put text on the clipboard (OSC 52).
    Clipboard(String),
    /// Restore the terminal and stop, like any job (Ctrl-z, SIGTSTP); returns once continued.
    Suspend,
    /// After SIGCONT: put the terminal back in the explorer's modes and draw the whole screen.
    Resume,
    /// Group a tab's rows by a column (`F`); the answer comes back as `Msg::Grouped`.
    Group(super::GroupJob),
    /// Build an analysis tab's rows (Compare, Timeline); the answer comes back as `Msg::Built`.
    Build(Box<super::BuildJob>),
    /// Give the terminal to the user's editor on this file and line (`o`), take it back when the
    /// editor exits; the outcome comes back as `Msg::Edited`.
    Edit(crate::kb::locate::Place),
}

impl std::fmt::Debug for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Effect::Search(r) => f.debug_tuple("Search").field(r).finish(),
            Effect::UseIndex(ix) => write!(f, "UseIndex({} docs)", ix.docs.len()),
            Effect::Reload(g) => f.debug_tuple("Reload").field(g).finish(),
            Effect::Mentions(g) => f.debug_tuple("Mentions").field(g).finish(),
            Effect::Clipboard(t) => f.debug_tuple("Clipboard").field(t).finish(),
            Effect::Suspend => f.write_str("Suspend"),
            Effect::Resume => f.write_str("Resume"),
            Effect::Group(j) => write!(f, "Group({:?} by {:?}, {} rows)", j.tab, j.by, j.rows.len()),
            Effect::Edit(p) => write!(f, "Edit({}:{})", p.path.display(), p.line),
            Effect::Build(j) => write!(
                f,
                "Build({:?} #{}, {} records)",
                j.spec.tab,
                j.id,
                j.spec.matched.as_ref().map_or(0, |m| m.0.len())
            ),
        }
    }
}

/// The means to run effects. Each effect has its method, so a new effect is a new method that
/// the event loop's runner and `settle`'s must both have.
pub trait Runner {
    /// Start a search of `index`; an answer already at hand is returned, to be applied.
    fn search(&mut self, index: &Arc<Index>, req: Request) -> Option<Msg>;
    fn use_index(&mut self, index: Arc<Index>);
    /// Start loading the KB at `path` (the current one is `kb`, sorted by `sorts`).
    fn reload(
        &mut self,
        generation: u64,
        path: &std::path::Path,
        kb: &Arc<Kb>,
        sorts: Vec<Option<Sort>>,
    ) -> Option<Msg>;
    /// Start finding the mentions of `kb` (see `kb::mentions`); an answer already at hand is
    /// returned, to be applied. A newer generation makes an older one's work pointless.
    fn mentions(&mut self, generation: u64, kb: &Arc<Kb>) -> Option<Msg>;
    fn clipboard(&mut self, text: String) -> std::io::Result<()>;
    /// Start building a grouping over `kb` (off the UI thread); an answer at hand is returned.
    fn group(&mut self, kb: &Arc<Kb>, job: super::GroupJob) -> Option<Msg>;
    /// Start building an analysis tab's rows over `kb` (off the UI thread); an answer at hand
    /// is returned.
    fn build(&mut self, kb: &Arc<Kb>, job: super::BuildJob) -> Option<Msg>;
    fn suspend(&mut self) -> std::io::Result<()>;
    fn resume(&mut self) -> std::io::Result<()>;
    /// Run the user's editor on `place` with the terminal given back to it, and take the terminal
    /// back after; an answer at hand (`Msg::Edited`) is returned. An error is the terminal's.
    fn edit(&mut self, place: &crate::kb::locate::Place) -> std::io::Result<Option<Msg>>;
}

/// `settle`'s runner: searches and loads run here and now; what is for the terminal is kept.
#[derive(Default)]
pub(super) struct InPlace {
    searcher: Searcher,
    terminal: Vec<Effect>,
}

impl Runner for InPlace {
    fn search(&mut self, index: &Arc<Index>, req: Request) -> Option<Msg> {
        let started = std::time::Instant::now();
        let outcome = self
            .searcher
            .run(index, &req.text, req.scope, req.rank, &|| false)?;
        Some(Msg::Search(Response {
            id: req.id,
            scope: req.scope,
            outcome,
            took: started.elapsed(),
        }))
    }

    fn use_index(&mut self, _: Arc<Index>) {
        // The last result is about the old index: never narrow from it.
        self.searcher = Searcher::default();
    }

    fn reload(
        &mut self,
        generation: u64,
        path: &std::path::Path,
        kb: &Arc<Kb>,
        sorts: Vec<Option<Sort>>,
    ) -> Option<Msg> {
        let started = std::time::Instant::now();
        let (outcome, _) = crate::tui::reload::load(path, kb, &sorts);
        Some(Msg::Reloaded(Arc::new(Reload {
            generation,
            outcome,
            took: started.elapsed(),
        })))
    }

    fn mentions(&mut self, generation: u64, kb: &Arc<Kb>) -> Option<Msg> {
        let m = Mentions::build(kb, &|| false)?;
        Some(Msg::Mentions(generation, Arc::new(m)))
    }

    fn clipboard(&mut self, text: String) -> std::io::Result<()> {
        self.terminal.push(Effect::Clipboard(text));
        Ok(())
    }

    fn group(&mut self, kb: &Arc<Kb>, job: super::GroupJob) -> Option<Msg> {
        Some(job.run(kb))
    }

    fn build(&mut self, kb: &Arc<Kb>, job: super::BuildJob) -> Option<Msg> {
        Some(job.run(kb))
    }

    fn suspend(&mut self) -> std::io::Result<()> {
        self.terminal.push(Effect::Suspend);
        Ok(())
    }

    fn resume(&mut self) -> std::io::Result<()> {
        self.terminal.push(Effect::Resume);
        Ok(())
    }

    fn edit(&mut self, place: &crate::kb::locate::Place) -> std::io::Result<Option<Msg>> {
        self.terminal.push(Effect::Edit(place.clone()));
        Ok(None)
    }
}

impl App {
    /// Run every effect here and now and apply the answers (searches, loads): for tests and
    /// benchmarks, which have no worker thread and no terminal. Returns what would have gone to
    /// the terminal (clipboard text, suspend, resume, the editor), in order.
    pub fn settle(&mut self) -> Vec<Effect> {
        let mut runner = std::mem::take(&mut self.in_place);
        // `InPlace` never fails: it only records what is for the terminal.
        let _ = self.run_effects(&mut runner);
        let done = std::mem::take(&mut runner.terminal);
        self.in_place = runner;
        done
    }

    /// Run every effect `update` left, and those the answers they bring at once leave in turn,
    /// until none is left. Returns whether the screen must be drawn again.
    pub fn run_effects(&mut self, runner: &mut impl Runner) -> std::io::Result<bool> {
        let mut dirty = false;
        loop {
            let effects = std::mem::take(&mut self.effects);
            if effects.is_empty() {
                return Ok(dirty);
            }
            for effect in effects {
                let answer = match effect {
                    Effect::Search(req) => runner.search(&self.index, req),
                    Effect::UseIndex(index) => {
                        runner.use_index(index);
                        None
                    }
                    Effect::Reload(generation) => match self.kb_path.clone() {
                        Some(path) => runner.reload(generation, &path, &self.reload_base(), self.sorts()),
                        None => None,
                    },
                    Effect::Mentions(generation) => runner.mentions(generation, &self.kb),
                    Effect::Clipboard(text) => {
                        runner.clipboard(text)?;
                        None
                    }
                    Effect::Group(job) => runner.group(&self.kb, job),
                    Effect::Build(job) => runner.build(&self.kb, *job),
                    Effect::Suspend => {
                        runner.suspend()?;
                        dirty = true;
                        None
                    }
                    Effect::Resume => {
                        runner.resume()?;
                        dirty = true;
                        None
                    }
                    Effect::Edit(place) => {
                        dirty = true;
                        runner.edit(&place)?
                    }
                };
                if let Some(msg) = answer {
                    dirty |= self.update(msg);
                }
            }
        }
    }

    /// The effects waiting to be run, oldest first.
    pub fn effects(&self) -> &[Effect] {
        &self.effects
    }

    /// Take the effects waiting to be run (a test that answers them itself).
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// Queue a terminal effect unless it is already waiting: two Ctrl-z in one burst stop once.
    pub(super) fn push_once(&mut self, effect: Effect) {
        let same = std::mem::discriminant(&effect);
        if !self.effects.iter().any(|e| std::mem::discriminant(e) == same) {
            self.effects.push(effect);
        }
    }
}
