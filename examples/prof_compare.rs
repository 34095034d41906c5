//! Time building the Compare pivot on a KB file (issue 19's target: ≤ 100 ms at 100k records):
//!
//!   cargo build --release --example prof_compare
//!   target/release/examples/prof_compare KB.toml [REPEATS] [QUERY]
//!
//! Prints, for the pivot by periods and by reports, the fastest and median of REPEATS builds of
//! every series (what the tab shows with no query) and of the series QUERY selects (default
//! `metric:market-share`; the search itself is timed apart), each build with its ranking
//! (`View::arrange`: sort, groups, bars), as the explorer does off the UI thread.

use std::sync::Arc;
use std::time::{Duration, Instant};

use marketlens::kb::Kind;
use marketlens::search::{Index, Rank};
use marketlens::view::analysis::{Pivot, build_pivot};
use marketlens::view::{RANKED_ROWS, Tab};

fn stats(mut d: Vec<Duration>) -> String {
    d.sort();
    let ms = |x: Duration| x.as_secs_f64() * 1e3;
    format!("min {:.1} ms, median {:.1} ms", ms(d[0]), ms(d[d.len() / 2]))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .expect("usage: prof_compare KB.toml [REPEATS] [QUERY]");
    let repeats: usize = args
        .get(2)
        .and_then(|a| a.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(10);
    let query = args.get(3).map_or("metric:market-share", String::as_str);
    let loaded = marketlens::kb::load_path(std::path::Path::new(path));
    assert!(loaded.is_ok(), "{}", loaded.render_diagnostics_upto(5));
    let kb = Arc::new(loaded.kb);
    println!(
        "{} series, {} points",
        kb.series.len(),
        kb.series.iter().map(|s| s.points.len()).sum::<usize>()
    );
    let ix = Index::build(kb.clone());
    let t = Instant::now();
    let hits =
        marketlens::search::search(&ix, query, Tab::Compare.scope(), Rank::Top(RANKED_ROWS)).expect("query");
    let records: Vec<(Kind, usize)> = hits
        .hits
        .iter()
        .map(|h| {
            let d = &ix.docs[h.doc as usize];
            (d.kind(), d.index as usize)
        })
        .collect();
    println!(
        "search `{query}`: {} matches in {:.1} ms",
        records.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    for pivot in [Pivot::Periods, Pivot::Reports] {
        for (what, sel) in [("every series", None), ("the query's", Some(records.as_slice()))] {
            let mut times = Vec::new();
            let mut shape = (0, 0);
            for _ in 0..repeats {
                let t = Instant::now();
                let mut v = build_pivot(&kb, Tab::Compare, sel, pivot);
                v.arrange(None, None);
                times.push(t.elapsed());
                shape = (v.len(), v.columns.len());
                std::hint::black_box(v);
            }
            println!(
                "compare by {:<7} {what:<12}: {} rows × {} columns, {}",
                pivot.as_str(),
                shape.0,
                shape.1,
                stats(times)
            );
        }
    }
}
