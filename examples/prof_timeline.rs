//! Time building the Timeline (tab 7) on a KB file, as the explorer does when a filter's results
//! arrive (off the UI thread) and as `marketlens export --tab timeline --query Q` does:
//!
//!   cargo build --release --example prof_timeline
//!   target/release/examples/prof_timeline KB.toml REPEATS [QUERY...]
//!
//! Prints, per query (the empty query first: every event), the rows built and the fastest and
//! median of REPEATS runs of the search alone and of `view::analysis::build_for` (with the sort
//! into time order) alone.

use std::sync::Arc;
use std::time::Instant;

use marketlens::kb::Kind;
use marketlens::search::{Index, Rank, Scope};
use marketlens::view::{Tab, analysis};

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn summary(mut v: Vec<f64>) -> String {
    v.sort_by(f64::total_cmp);
    format!("min {:.1} ms, median {:.1} ms", v[0], v[v.len() / 2])
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: prof_timeline KB.toml REPEATS [QUERY...]";
    let path = args.get(1).expect(usage);
    let repeats: usize = args
        .get(2)
        .and_then(|a| a.parse().ok())
        .filter(|&n| n > 0)
        .expect(usage);
    let t = Instant::now();
    let l = marketlens::kb::load_path(std::path::Path::new(path));
    assert!(l.is_ok(), "{}", l.render_diagnostics());
    println!("load: {:.0} ms", ms(t));
    let ix = Index::build(Arc::new(l.kb));
    let mut queries = vec![String::new()];
    queries.extend(args[3..].iter().cloned());
    for q in &queries {
        let (mut search, mut build, mut rows) = (Vec::new(), Vec::new(), 0);
        for _ in 0..repeats {
            let parsed = marketlens::search::query::parse(q).expect("the query parses");
            let t = Instant::now();
            let records: Option<Vec<(Kind, usize)>> = if q.is_empty() {
                None
            } else {
                let r =
                    marketlens::search::search(&ix, q, Scope::All, Rank::Top(1000)).expect("the query runs");
                Some(
                    r.hits
                        .iter()
                        .map(|h| {
                            let d = &ix.docs[h.doc as usize];
                            (d.kind(), d.index as usize)
                        })
                        .collect(),
                )
            };
            search.push(ms(t));
            let t = Instant::now();
            let v = analysis::build_for(
                &ix.kb,
                Tab::Timeline,
                records.as_deref(),
                &parsed,
                Default::default(),
            );
            build.push(ms(t));
            rows = std::hint::black_box(v).len();
        }
        println!(
            "{q:?}: {rows} events; search {}; build {}",
            summary(search),
            summary(build)
        );
    }
}
