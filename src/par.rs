//! A small work-sharing helper: the search passes and the index build split their work into
//! units that threads take one at a time, so a part that costs more (one record kind, a chunk of
//! long summaries) does not leave a core idle.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Threads to use: one per core, at most 8.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |p| p.get()).min(8)
}

/// How much lower than normal the background work threads run: nice 10 gets about a tenth of the
/// CPU share of a normal thread when both want a core, so a frame to draw is never queued behind a
/// search, while a search alone still has every core.
pub const BACKGROUND_NICE: i32 = 10;

/// Lower the calling thread's OS priority to `BACKGROUND_NICE`. Threads it starts afterwards
/// (the search passes' scoped threads) inherit it. Linux only, where the nice value belongs to a
/// thread; elsewhere it belongs to the whole process, so this does nothing. Best effort: an
/// error (say, a sandbox forbidding it) leaves the priority as it was.
pub fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority takes plain integers and touches no memory of ours; on Linux `who = 0`
    // with PRIO_PROCESS names the calling thread.
    unsafe {
        let _ = libc::setpriority(libc::PRIO_PROCESS, 0, BACKGROUND_NICE);
    }
}

/// Drop `value` on a thread of its own at a lower priority: freeing a big KB or a view's rows
/// (a million strings at 100k records: tens of milliseconds) is not for the thread that draws
/// frames. Dropped here when no thread can be started.
pub fn free_later<T: Send + 'static>(value: T) {
    // When no thread can be started, the closure, and `value` with it, is dropped here.
    let _ = std::thread::Builder::new().name("free".into()).spawn(move || {
        lower_priority();
        drop(value)
    });
}

/// `f` applied to every unit on up to `threads` threads, each taking the next unclaimed unit;
/// results in unit order. `None` as soon as any `f` returns `None` (the caller cancelled).
pub fn map_units<U: Sync, R: Send>(
    units: &[U],
    threads: usize,
    f: impl Fn(&U) -> Option<R> + Sync,
) -> Option<Vec<R>> {
    let threads = threads.clamp(1, units.len().max(1));
    if threads == 1 {
        return units.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || -> Option<Vec<(usize, R)>> {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(u) = units.get(i) else { break };
            done.push((i, f(u)?));
        }
        Some(done)
    };
    let per_thread: Vec<Option<Vec<(usize, R)>>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads).map(|_| s.spawn(work)).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut all = Vec::with_capacity(units.len());
    for part in per_thread {
        all.extend(part?);
    }
    all.sort_unstable_by_key(|p| p.0);
    Some(all.into_iter().map(|p| p.1).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_unit_order_and_cancel_stops() {
        let units: Vec<u32> = (0..1000).collect();
        let doubled = map_units(&units, 2, |u| Some(u * 2)).unwrap();
        assert_eq!(doubled, units.iter().map(|u| u * 2).collect::<Vec<_>>());
        assert_eq!(map_units(&units, 2, |&u| (u != 500).then_some(u)), None);
        assert_eq!(map_units(&[] as &[u32], 4, |u| Some(*u)), Some(vec![]));
    }

    /// The nice value of the calling thread.
    #[cfg(target_os = "linux")]
    fn nice() -> i32 {
        // SAFETY: plain integers in and out. -1 is also a valid value, hence errno is not checked:
        // these tests never go below 0.
        unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn lowered_priority_is_per_thread_and_inherited_by_the_work_threads() {
        let before = nice();
        let (mine, workers) = std::thread::spawn(|| {
            lower_priority();
            let units: Vec<u32> = (0..64).collect();
            let workers = map_units(&units, 2, |_| Some(nice())).unwrap();
            (nice(), workers)
        })
        .join()
        .unwrap();
        assert_eq!(mine, before.max(BACKGROUND_NICE));
        assert!(workers.iter().all(|&n| n == mine), "{workers:?}");
        assert_eq!(nice(), before, "the caller's own thread is untouched");
    }
}
