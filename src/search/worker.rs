//! A background search thread, so typing never waits for a search. Each request carries an id;
//! a newer request cancels the one running (the engine checks between chunks) and queued ones
//! are skipped. Responses name their request, and the caller drops any that are stale.
//! The worker remembers its last search, so a query that only grew searches within its matches.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
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

pub struct Worker {
    tx: Sender<Request>,
    latest: Arc<AtomicU64>,
}

/// The last completed search, reused when the next query narrows it.
struct Last {
    query: Query,
    scope: Scope,
    rank: Rank,
    results: Arc<Results>,
}

impl Worker {
    /// Start the worker thread; `deliver` is called on it with every completed search.
    pub fn spawn(index: Arc<Index>, deliver: impl Fn(Response) + Send + 'static) -> Worker {
        let (tx, rx) = mpsc::channel::<Request>();
        let latest = Arc::new(AtomicU64::new(0));
        let l = latest.clone();
        std::thread::Builder::new()
            .name("search".into())
            .spawn(move || serve(&index, &rx, &l, deliver))
            .expect("spawning the search thread");
        Worker { tx, latest }
    }

    /// Queue a search; it supersedes every earlier one. Ids must increase.
    pub fn submit(&self, req: Request) {
        self.latest.fetch_max(req.id, Ordering::SeqCst);
        // The thread only stops when the Worker is dropped, so sending cannot fail while we exist.
        let _ = self.tx.send(req);
    }
}

fn serve(index: &Index, rx: &Receiver<Request>, latest: &AtomicU64, deliver: impl Fn(Response)) {
    let last: Mutex<Option<Last>> = Mutex::new(None);
    while let Ok(mut req) = rx.recv() {
        // Skip to the newest queued request.
        while let Ok(newer) = rx.try_recv() {
            req = newer;
        }
        if req.id < latest.load(Ordering::SeqCst) {
            continue;
        }
        let started = Instant::now();
        let id = req.id;
        let cancel = move || latest.load(Ordering::SeqCst) != id;
        let outcome = query::parse(&req.text).and_then(|q| {
            let c = engine::compile(index, &q)?;
            Ok((q, c))
        });
        let outcome = match outcome {
            Err(e) => Err(e),
            Ok((q, c)) => {
                let mut guard = last.lock().unwrap_or_else(|e| e.into_inner());
                let within = guard
                    .as_ref()
                    .filter(|l| l.scope == req.scope && l.rank == req.rank && engine::narrows(&l.query, &q))
                    .map(|l| l.results.clone());
                let same = guard
                    .as_ref()
                    .filter(|l| l.scope == req.scope && l.rank == req.rank && l.query == q)
                    .map(|l| l.results.clone());
                let results = match same {
                    Some(r) => Some(r),
                    None => engine::run(
                        index,
                        &c,
                        req.scope,
                        within.as_ref().map(|r| r.matched.as_slice()),
                        req.rank,
                        &cancel,
                    )
                    .map(Arc::new),
                };
                match results {
                    // Superseded: say nothing, the newer request will answer.
                    None => continue,
                    Some(r) => {
                        *guard = Some(Last {
                            query: q.clone(),
                            scope: req.scope,
                            rank: req.rank,
                            results: r.clone(),
                        });
                        Ok((q, r))
                    }
                }
            }
        };
        deliver(Response {
            id,
            scope: req.scope,
            outcome,
            took: started.elapsed(),
        });
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
