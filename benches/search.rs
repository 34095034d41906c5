//! Search latency while typing, on synthetic KBs of 100k and 1M records, and the explorer's frame
//! time while a search runs in the background. `cargo bench --bench search`; only some sizes:
//! `MARKETLENS_BENCH_SIZES=100000 cargo bench --bench search`. Prints Markdown tables.
//!
//! Each query is typed a character at a time: every prefix is searched with `Scope::All` and
//! `Rank::Top(1000)` (what the explorer asks for), through one `Searcher` per typing run, so a
//! query that only grew searches within the previous matches as the explorer's worker does. The
//! "fresh" columns use a new `Searcher` for every keystroke: the cost without narrowing.
//! "errors": keystrokes per run where the prefix is not a valid query yet (`kind:` before its
//! value); "differ": keystrokes where narrowing returned other results than a fresh search (a
//! bug if not 0); "VM steal": CPU time the hypervisor took while the row ran (a slow row with
//! steal is the machine's, not the search's). `MARKETLENS_BENCH_DETAIL=1` adds a key-by-key table per query.
//!
//! The KB comes from `synth::kb` (parsed in parallel, not validated). The frame rows draw the
//! explorer on the built-in KB, idle and while another thread searches the largest index.
//! `MARKETLENS_BENCH_FRAMES_ONLY=1` skips the typing tables and builds only the largest index.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use marketlens::kb;
use marketlens::search::worker::Searcher;
use marketlens::search::{Index, Rank, Scope};
use marketlens::tui::app::App;
use marketlens::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const QUERIES: &[&str] = &[
    "alibaba cloud 2025",
    "tiktok aws",
    "云销售",
    "crs",
    "a",
    "chu ruisong",
    "kind:migration 迁移",
];
/// Typing runs per query and mode.
const RUNS: usize = 5;
const RANK: Rank = Rank::Top(1000);
/// How long to render frames, with and without a search running.
const FRAME_SECONDS: f64 = 3.0;

fn sizes() -> Vec<usize> {
    match std::env::var("MARKETLENS_BENCH_SIZES") {
        Ok(s) if !s.trim().is_empty() => s
            .split(',')
            .map(|n| {
                n.trim()
                    .replace('_', "")
                    .parse()
                    .expect("MARKETLENS_BENCH_SIZES: comma-separated record counts")
            })
            .collect(),
        _ => vec![100_000, 1_000_000],
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Nearest-rank percentile of sorted samples.
fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// CPU time the hypervisor gave to others while this machine's cores wanted it ("steal" in
/// /proc/stat), in ms summed over cores; 0 where unknown. Counted in ticks of 10 ms, so coarse,
/// but it tells a slow row caused by the VM from one caused by the search.
fn steal_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    stat.lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(8))
        .and_then(|t| t.parse::<f64>().ok())
        .map_or(0.0, |ticks| ticks * 10.0)
}

fn rss() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let get = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map(|kb| format!("{:.2} GiB", kb / 1024.0 / 1024.0))
    };
    match (get("VmRSS:"), get("VmHWM:")) {
        (Some(now), Some(peak)) => format!("RSS {now}, peak {peak}"),
        _ => "RSS unknown".into(),
    }
}

/// Every prefix of `q`, a character at a time, ending with `q` itself.
fn prefixes(q: &str) -> Vec<&str> {
    q.char_indices().map(|(i, c)| &q[..i + c.len_utf8()]).collect()
}

struct Typed {
    /// Every keystroke of every run.
    all: Vec<Duration>,
    /// The first keystroke of every run.
    first: Vec<Duration>,
    /// Whole typing runs.
    runs: Vec<Duration>,
    matches: Option<usize>,
    errors: usize,
}

/// Type `q` `RUNS` times; `narrowing`: one Searcher per run, else one per keystroke.
fn typing(ix: &Index, q: &str, narrowing: bool) -> Typed {
    let keys = prefixes(q);
    let mut t = Typed {
        all: Vec::new(),
        first: Vec::new(),
        runs: Vec::new(),
        matches: None,
        errors: 0,
    };
    for _ in 0..RUNS {
        let mut searcher = Searcher::default();
        let mut run = Duration::ZERO;
        for (i, k) in keys.iter().enumerate() {
            if !narrowing {
                searcher = Searcher::default();
            }
            let start = Instant::now();
            let out = searcher.run(ix, k, Scope::All, RANK, &|| false);
            let took = start.elapsed();
            let out = out.expect("nobody cancels");
            match &out {
                Ok((_, r)) if i + 1 == keys.len() => t.matches = Some(r.hits.len()),
                Ok(_) => {}
                Err(_) => t.errors += 1,
            }
            // Dropping a big result is part of the keystroke's cost too, but the worker does it
            // later; keep it out of the measurement.
            drop(out);
            t.all.push(took);
            if i == 0 {
                t.first.push(took);
            }
            run += took;
        }
        t.runs.push(run);
    }
    t.all.sort();
    t.first.sort();
    t.runs.sort();
    t
}

/// Per keystroke of one query: matches, ranked hits, median ms with and without narrowing.
fn detail(ix: &Index, q: &str) {
    let keys = prefixes(q);
    let mut narrow = vec![Vec::new(); keys.len()];
    let mut fresh = vec![Vec::new(); keys.len()];
    let mut counts = vec![(0, 0); keys.len()];
    for _ in 0..RUNS {
        let mut searcher = Searcher::default();
        for (i, k) in keys.iter().enumerate() {
            let start = Instant::now();
            let out = searcher.run(ix, k, Scope::All, RANK, &|| false);
            narrow[i].push(start.elapsed());
            if let Some(Ok((_, r))) = out {
                counts[i] = (r.hits.len(), r.ranked);
            }
            let start = Instant::now();
            let _ = Searcher::default().run(ix, k, Scope::All, RANK, &|| false);
            fresh[i].push(start.elapsed());
        }
    }
    println!(
        "\n`{q}` key by key:\n\n| prefix | matches | ranked | narrowing ms | fresh ms |\n|---|--:|--:|--:|--:|"
    );
    for (i, k) in keys.iter().enumerate() {
        narrow[i].sort();
        fresh[i].sort();
        println!(
            "| `{k}` | {} | {} | {:.2} | {:.2} |",
            counts[i].0,
            counts[i].1,
            ms(pct(&narrow[i], 50.0)),
            ms(pct(&fresh[i], 50.0))
        );
    }
}

/// Keystrokes of `q` where narrowing gave other results than a fresh search (matches, or the
/// ranked hits and their order).
fn mismatches(ix: &Index, q: &str) -> usize {
    let mut searcher = Searcher::default();
    let mut bad = 0;
    for k in prefixes(q) {
        let a = searcher.run(ix, k, Scope::All, RANK, &|| false);
        let b = Searcher::default().run(ix, k, Scope::All, RANK, &|| false);
        let same = match (a, b) {
            (Some(Ok((_, a))), Some(Ok((_, b)))) => {
                a.matched == b.matched && a.ranked == b.ranked && a.hits[..a.ranked] == b.hits[..b.ranked]
            }
            (Some(Err(a)), Some(Err(b))) => a == b,
            _ => false,
        };
        if !same {
            eprintln!("narrowing differs from a fresh search at `{k}` (typing `{q}`)");
            bad += 1;
        }
    }
    bad
}

fn bench_size(records: usize) -> Arc<Index> {
    let started = Instant::now();
    let kb = marketlens::synth::kb(records, 42);
    let loaded = started.elapsed();
    let started = Instant::now();
    let ix = Arc::new(Index::build(Arc::new(kb)));
    let built = started.elapsed();
    println!(
        "\n### {records} records ({} docs)\n\nKB generated and parsed in {:.2} s; index built in {:.2} s; {}.\n",
        ix.docs.len(),
        loaded.as_secs_f64(),
        built.as_secs_f64(),
        rss()
    );
    if std::env::var_os("MARKETLENS_BENCH_FRAMES_ONLY").is_some() {
        return ix;
    }
    println!(
        "Per keystroke, ms, {RUNS} typing runs per query. Narrowing: one Searcher per run (as the explorer). \
         Fresh: a new Searcher per keystroke.\n"
    );
    println!(
        "| query | keys | matches | first key p50 | p50 | p99 | max | typing run p50 | fresh first key | fresh p50 | fresh p99 | fresh max | fresh run p50 | errors | differ | VM steal ms |"
    );
    println!("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    for q in QUERIES {
        let stolen = steal_ms();
        let n = typing(&ix, q, true);
        let f = typing(&ix, q, false);
        let m = |d: Duration| format!("{:.2}", ms(d));
        println!(
            "| `{q}` | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.0} |",
            prefixes(q).len(),
            n.matches.map_or("error".into(), |m| m.to_string()),
            m(pct(&n.first, 50.0)),
            m(pct(&n.all, 50.0)),
            m(pct(&n.all, 99.0)),
            m(pct(&n.all, 100.0)),
            m(pct(&n.runs, 50.0)),
            m(pct(&f.first, 50.0)),
            m(pct(&f.all, 50.0)),
            m(pct(&f.all, 99.0)),
            m(pct(&f.all, 100.0)),
            m(pct(&f.runs, 50.0)),
            n.errors / RUNS,
            mismatches(&ix, q),
            steal_ms() - stolen,
        );
    }
    if std::env::var_os("MARKETLENS_BENCH_DETAIL").is_some() {
        QUERIES.iter().for_each(|q| detail(&ix, q));
    }
    ix
}

/// Render frames of the explorer on the built-in KB for `FRAME_SECONDS`; with `ix`, while another
/// thread types queries into fresh Searchers over it back to back.
fn frames(ix: Option<&Arc<Index>>) -> (Vec<Duration>, usize) {
    let l = kb::load_builtin();
    let app = App::new(l.kb, l.label, 120, 40);
    let mut t = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    let stop = Arc::new(AtomicBool::new(false));
    let searches = Arc::new(AtomicUsize::new(0));
    let bg = ix.map(|ix| {
        let (ix, stop, searches) = (ix.clone(), stop.clone(), searches.clone());
        std::thread::spawn(move || {
            // As the explorer's search worker does.
            marketlens::par::lower_priority();
            let keys: Vec<&str> = QUERIES.iter().flat_map(|q| prefixes(q)).collect();
            for k in keys.iter().cycle() {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let _ = Searcher::default().run(&ix, k, Scope::All, RANK, &|| false);
                searches.fetch_add(1, Ordering::Relaxed);
            }
        })
    });
    let mut times = Vec::new();
    let until = Instant::now() + Duration::from_secs_f64(FRAME_SECONDS);
    while Instant::now() < until {
        let start = Instant::now();
        t.draw(|f| ui::render(&app, f)).expect("draw");
        times.push(start.elapsed());
    }
    stop.store(true, Ordering::Relaxed);
    if let Some(h) = bg {
        h.join().expect("search thread");
    }
    times.sort();
    (times, searches.load(Ordering::Relaxed))
}

fn main() {
    // `cargo bench` passes `--bench` (and maybe a filter); nothing here takes arguments.
    let sizes = sizes();
    println!("## Search while typing (`Scope::All`, `Rank::Top(1000)`)");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
    println!("\n{cores} cores; load average at start: {load}.");
    let mut largest: Option<(usize, Arc<Index>)> = None;
    let mut sizes = sizes;
    if std::env::var_os("MARKETLENS_BENCH_FRAMES_ONLY").is_some() {
        sizes = sizes.iter().max().into_iter().copied().collect();
    }
    for &n in &sizes {
        let ix = bench_size(n);
        if largest.as_ref().is_none_or(|(m, _)| n >= *m) {
            largest = Some((n, ix));
        }
    }
    let Some((n, ix)) = largest else { return };
    println!(
        "\n## Frames while searching\n\nThe explorer on the built-in KB, 120x40 into a TestBackend, drawn back to back for \
         {FRAME_SECONDS} s; \"background\": another thread types every query above into fresh Searchers over the \
         {n}-record index meanwhile.\n"
    );
    println!("| frames | background searches | p50 ms | p99 ms | max ms | VM steal ms |");
    println!("|---|--:|--:|--:|--:|--:|");
    for (label, ix) in [("idle", None), ("background search", Some(&ix))] {
        let stolen = steal_ms();
        let (t, searches) = frames(ix);
        println!(
            "| {label} ({} frames) | {searches} | {:.3} | {:.3} | {:.3} | {:.0} |",
            t.len(),
            ms(pct(&t, 50.0)),
            ms(pct(&t, 99.0)),
            ms(pct(&t, 100.0)),
            steal_ms() - stolen,
        );
    }
}
