//! Time single searches on a synthetic KB, for profiling one query in isolation (the bench types
//! whole queries; this repeats one prefix, so `perf record` sees only it):
//!
//!   cargo build --release --example prof_search
//!   target/release/examples/prof_search RECORDS REPEATS QUERY...
//!   perf record target/release/examples/prof_search 100000 300 cr
//!
//! Prints the index build time and, per query, the fastest and median of REPEATS fresh searches
//! (`Scope::All`, `Rank::Top(1000)`, as the explorer asks). With `PROF_SAVED=DIR`, first the
//! time to open the index saved in DIR plus one `Rank::Top(20)` search (what `marketlens search`
//! adds to loading the KB).

use std::sync::Arc;
use std::time::Instant;

use marketlens::search::{Index, Rank, Scope};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: prof_search RECORDS REPEATS QUERY...";
    let records: usize = args.get(1).and_then(|a| a.parse().ok()).expect(usage);
    let repeats: usize = args
        .get(2)
        .and_then(|a| a.parse().ok())
        .filter(|&n| n > 0)
        .expect(usage);
    let kb = Arc::new(marketlens::synth::kb(records, 42));
    // PROF_BUILDS=N builds the index N times first, for profiling the build itself.
    let builds: usize = std::env::var("PROF_BUILDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    for _ in 0..builds {
        std::hint::black_box(Index::build(kb.clone()));
    }
    let t = Instant::now();
    let ix = Index::build(kb);
    println!(
        "index: {} docs, {} fields, built in {:.1} ms",
        ix.docs.len(),
        ix.fields.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    // PROF_SAVED=DIR: also save the index there and time opening the saved file plus one search,
    // what `marketlens search` does on top of loading the KB once an index is saved.
    if let Some(dir) = std::env::var_os("PROF_SAVED") {
        let path = std::path::Path::new(&dir).join("prof.bin");
        marketlens::search::saved::save(&ix, 1, &path).expect("save");
        for q in &args[3..] {
            let mut times: Vec<(f64, f64)> = (0..repeats)
                .map(|_| {
                    let t = Instant::now();
                    let saved = marketlens::search::saved::open(&path, ix.kb.clone(), 1)
                        .expect("open")
                        .expect("usable");
                    let opened = t.elapsed().as_secs_f64() * 1e3;
                    let r = marketlens::search::search(&saved, q, Scope::All, Rank::Top(20));
                    std::hint::black_box(r.map(|r| r.hits.len()).unwrap_or(0));
                    (opened, t.elapsed().as_secs_f64() * 1e3)
                })
                .collect();
            times.sort_by(|a, b| a.1.total_cmp(&b.1));
            let (o, t) = times[repeats / 2];
            println!("{q:?} from the saved index: median open {o:.2} ms, open + search {t:.2} ms");
        }
    }
    for q in &args[3..] {
        let mut times: Vec<f64> = (0..repeats)
            .map(|_| {
                let t = Instant::now();
                let r = marketlens::search::search(&ix, q, Scope::All, Rank::Top(1000));
                std::hint::black_box(r.map(|r| r.hits.len()).unwrap_or(0));
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!(
            "{q:?}: min {:.2} ms, median {:.2} ms",
            times[0],
            times[repeats / 2]
        );
    }
}
