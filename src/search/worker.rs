//! A background search thread, so typing never waits for a search. Each request carries an id;
//! a newer request cancels the one running (the engine checks between chunks) and queued ones
//! are skipped. Responses name their request, and the caller drops any that are stale.
//! The worker remembers its last search, so a query that only grew searches within its matches.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use super::engine::{self, Rank, Results, Scope};
use super::index::Index;
use super::query::{self, Query, QueryError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub id: u64,
    pub text: String,
    pub scope: Scope,
    pub rank: Rank,
}

#[derive(Clone, Debug)]
pub struct Response {
    pub id: u64,
    pub scope: Scope,
    pub outcome: Result<(Query, Arc<Results>), QueryError>,
    pub took: Duration,
}

/// What the worker thread is sent: a search, or a new index to search from then on (after a
/// reload). One channel keeps them in order, so a search never runs on an index it was not
/// asked of.
enum Job {
    Search(Request),
    Index(Arc<Index>),
}

pub struct Worker {
    tx: Sender<Job>,
    latest: Arc<AtomicU64>,
}

impl Worker {
    /// Start the worker thread; `deliver` is called on it with every completed search.
    pub fn spawn(index: Arc<Index>, deliver: impl Fn(Response) + Send + 'static) -> Worker {
        let (tx, rx) = mpsc::channel::<Job>();
        let latest = Arc::new(AtomicU64::new(0));
        let l = latest.clone();
        std::thread::Builder::new()
            .name("search".into())
            .spawn(move || serve(index, &rx, &l, deliver))
            .expect("spawning the search thread");
        Worker { tx, latest }
    }

    /// Queue a search; it supersedes every earlier one. Ids must increase.
    pub fn submit(&self, req: Request) {
        self.latest.fetch_max(req.id, Ordering::SeqCst);
        // The thread only stops when the Worker is dropped, so sending cannot fail while we exist.
        let _ = self.tx.send(Job::Search(req));
    }

    /// Search `index` from now on. Requests must still have increasing ids across the switch.
    pub fn set_index(&self, index: Arc<Index>) {
        let _ = self.tx.send(Job::Index(index));
    }
}

/// The last completed search, reused when the next query is the same or narrows it.
struct Last {
    query: Query,
    scope: Scope,
    rank: Rank,
    results: Arc<Results>,
}

/// Runs queries one after another like a person types them, reusing the previous result when the
/// query only grew. The worker thread owns one; benchmarks drive one directly.
#[derive(Default)]
pub struct Searcher {
    last: Option<Last>,
}

impl Searcher {
    /// `None` when cancelled.
    pub fn run(
        &mut self,
        index: &Index,
        text: &str,
        scope: Scope,
        rank: Rank,
        cancel: &engine::Cancel<'_>,
    ) -> Option<Result<(Query, Arc<Results>), QueryError>> {
        let compiled = query::parse(text).and_then(|q| engine::compile(index, &q));
        let c = match compiled {
            Ok(c) => c,
            Err(e) => return Some(Err(e)),
        };
        let q = c.query.clone();
        let reusable = self.last.as_ref().filter(|l| l.scope == scope && l.rank == rank);
        if let Some(l) = reusable.filter(|l| l.query == q) {
            return Some(Ok((q, l.results.clone())));
        }
        let within = reusable
            .filter(|l| engine::narrows(&l.query, &q))
            .map(|l| l.results.clone());
        let results = Arc::new(engine::run(
            index,
            &c,
            scope,
            within.as_ref().map(|r| r.matched.as_slice()),
            rank,
            cancel,
        )?);
        self.last = Some(Last {
            query: q.clone(),
            scope,
            rank,
            results: results.clone(),
        });
        Some(Ok((q, results)))
    }
}

fn serve(mut index: Arc<Index>, rx: &Receiver<Job>, latest: &AtomicU64, deliver: impl Fn(Response)) {
    // Frames come first: this thread and the scoped threads of each search yield to the UI.
    crate::par::lower_priority();
    let mut searcher = Searcher::default();
    let take = |job: Job, index: &mut Arc<Index>, searcher: &mut Searcher| match job {
        Job::Search(r) => Some(r),
        Job::Index(ix) => {
            *index = ix;
            // The last result is about the old index: never narrow from it.
            *searcher = Searcher::default();
            None
        }
    };
    while let Ok(job) = rx.recv() {
        let Some(mut req) = take(job, &mut index, &mut searcher) else {
            continue;
        };
        // Skip to the newest queued request.
        while let Ok(newer) = rx.try_recv() {
            if let Some(r) = take(newer, &mut index, &mut searcher) {
                req = r;
            }
        }
        if req.id < latest.load(Ordering::SeqCst) {
            continue;
        }
        let started = Instant::now();
        let id = req.id;
        let cancel = move || latest.load(Ordering::SeqCst) != id;
        // `None`: superseded; the newer request will answer.
        if let Some(outcome) = searcher.run(&index, &req.text, req.scope, req.rank, &cancel) {
            deliver(Response {
                id,
                scope: req.scope,
                outcome,
                took: started.elapsed(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::Kind;

    #[test]
    fn answers_the_latest_request_and_reports_errors() {
        let ix = Arc::new(Index::build(Arc::new(crate::kb::load_builtin().kb)));
        let (tx, rx) = mpsc::channel();
        let w = Worker::spawn(ix, move |r| {
            let _ = tx.send(r);
        });
        let scope = Scope::Kind(Kind::Vendor);
        for (i, text) in ["a", "al", "aly"].iter().enumerate() {
            w.submit(Request {
                id: i as u64 + 1,
                text: text.to_string(),
                scope,
                rank: Rank::Top(100),
            });
        }
        // Earlier requests may or may not have answered; the last always does, last.
        let mut got = Vec::new();
        while got.last().is_none_or(|r: &Response| r.id != 3) {
            got.push(rx.recv_timeout(Duration::from_secs(10)).expect("an answer"));
        }
        let (q, r) = got.last().unwrap().outcome.clone().unwrap();
        assert_eq!(q.terms[0].text, "aly");
        assert!(!r.hits.is_empty());
        w.submit(Request {
            id: 4,
            text: "amount>>".into(),
            scope,
            rank: Rank::Top(100),
        });
        let e = rx.recv_timeout(Duration::from_secs(10)).unwrap();
        assert_eq!(e.id, 4);
        assert!(e.outcome.is_err());
    }
}
