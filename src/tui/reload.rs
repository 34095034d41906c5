//! Loading a KB off the UI thread: the first load of a big file, and every reload after an edit.
//! A load reads, validates and indexes; the result says what changed or, for a broken edit, the
//! first errors — the app keeps its last good KB until a load succeeds.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::tabs::{TabState, tab_states};
use crate::kb::diff::{self, Changes};
use crate::kb::{self, Kb, Loaded};
use crate::search::Index;
use crate::view::Sort;

/// How many errors a failed reload shows (the banner counts the rest).
pub const SHOWN_ERRORS: usize = 3;

/// A good load: the new index (which holds the KB) and how it differs from the one before.
pub struct Fresh {
    pub index: Arc<Index>,
    /// Every tab's rows, built here so the UI thread only swaps them in. Taken by the app (a
    /// message is shared, so the Mutex lets it move them out instead of copying 100k rows).
    pub tabs: std::sync::Mutex<Vec<TabState>>,
    pub changes: Changes,
    pub warnings: usize,
}

impl std::fmt::Debug for Fresh {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fresh")
            .field("docs", &self.index.docs.len())
            .field("changes", &self.changes)
            .field("warnings", &self.warnings)
            .finish()
    }
}

/// A load that failed: how many errors, and the first few as `file:line:col: error: message`,
/// each followed by its hint (`(help: …)`) when it has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub errors: usize,
    pub first: Vec<String>,
}

impl Problem {
    fn of(l: &Loaded) -> Problem {
        Problem {
            errors: l.error_count(),
            first: l
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .take(SHOWN_ERRORS)
                .map(|d| match &d.help {
                    // The hint is often what tells how to fix it: keep it with its error.
                    Some(help) => format!(
                        "{} (help: {})",
                        d.headline(&l.files),
                        crate::text::escape_controls(help)
                    ),
                    None => d.headline(&l.files),
                })
                .collect(),
        }
    }
}

/// The answer to one load request.
#[derive(Debug)]
pub struct Reload {
    pub generation: u64,
    pub outcome: Result<Fresh, Problem>,
    pub took: Duration,
}

/// Load `path`, index it, build its tabs (in `sorts`) and compare it with `old`. The full `Loaded`
/// comes back too, for a first load that fails (its diagnostics are printed in full when the
/// explorer gives up).
pub fn load(path: &Path, old: &Kb, sorts: &[Option<Sort>]) -> (Result<Fresh, Problem>, Option<Loaded>) {
    let loaded = kb::load_path(path);
    if !loaded.is_ok() {
        return (Err(Problem::of(&loaded)), Some(loaded));
    }
    let warnings = loaded.warning_count();
    // The index, the tabs' rows and the comparison need only the KBs: do them at the same time.
    let kb = Arc::new(loaded.kb);
    let (index, tabs, changes) = std::thread::scope(|s| {
        let tabs = s.spawn(|| tab_states(&kb, sorts));
        let changes = s.spawn(|| diff::diff(old, &kb));
        let index = Index::build(kb.clone());
        let tabs = tabs.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        let changes = changes.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        (Arc::new(index), std::sync::Mutex::new(tabs), changes)
    });
    (
        Ok(Fresh {
            index,
            tabs,
            changes,
            warnings,
        }),
        None,
    )
}

/// A request: the generation it answers and the KB to compare against.
struct Job {
    generation: u64,
    old: Arc<Kb>,
    sorts: Vec<Option<Sort>>,
}

/// A thread that loads the KB at one path on request. Requests that queue up while a load runs
/// are merged into one (the newest), since each load reads the files as they are by then.
pub struct Reloader {
    tx: mpsc::Sender<Job>,
}

impl Reloader {
    pub fn spawn(path: PathBuf, deliver: impl Fn(Reload) + Send + 'static) -> std::io::Result<Reloader> {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new().name("reload".into()).spawn(move || {
            // Reloading a big KB takes seconds; the explorer keeps drawing meanwhile.
            crate::par::lower_priority();
            while let Ok(mut job) = rx.recv() {
                while let Ok(newer) = rx.try_recv() {
                    job = newer;
                }
                let started = Instant::now();
                let (outcome, _) = load(&path, &job.old, &job.sorts);
                deliver(Reload {
                    generation: job.generation,
                    outcome,
                    took: started.elapsed(),
                });
            }
        })?;
        Ok(Reloader { tx })
    }

    pub fn submit(&self, generation: u64, old: Arc<Kb>, sorts: Vec<Option<Sort>>) {
        let _ = self.tx.send(Job {
            generation,
            old,
            sorts,
        });
    }
}
