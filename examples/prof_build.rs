//! Profile one analysis build at scale (for `perf record -g`):
//!
//!   cargo build --release --example prof_build
//!   target/release/examples/prof_build compare-reports|compare-periods|timeline [RECORDS] [REPEATS]
//!
//! Builds the synthetic KB of RECORDS records (default 100000, seed 42), then runs the job the
//! explorer runs off the UI thread (`BuildSpec::build`: rows, sort, widths) REPEATS times
//! (default 20) on every record, and prints each run's CPU and wall time.

use std::time::Instant;

use marketlens::tui::app::App;
use marketlens::view::Tab;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: prof_build compare-reports|compare-periods|timeline [RECORDS] [REPEATS]";
    let what = args.get(1).expect(usage).as_str();
    let n: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let repeats: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(20);
    let kb = marketlens::synth::kb(n, 42);
    let ix = std::sync::Arc::new(marketlens::search::Index::build(std::sync::Arc::new(kb)));
    let kb = ix.kb.clone();
    let app = App::with_index(ix.clone(), "prof".into(), 120, 40);
    let (tab, reports) = match what {
        "compare-reports" => (Tab::Compare, true),
        "compare-periods" => (Tab::Compare, false),
        "timeline" => (Tab::Timeline, false),
        _ => panic!("{usage}"),
    };
    let mut st = app.tabs[tab.index()].clone();
    if reports {
        st.pivot = st.pivot.other();
        st.sort = None;
    }
    drop(app);
    let spec = st.spec(None);
    let mut times = Vec::new();
    for _ in 0..repeats {
        let t = Instant::now();
        let b = std::hint::black_box(spec.build(&kb));
        times.push(t.elapsed().as_secs_f64() * 1e3);
        drop(b);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{what}: min {:.1} ms, median {:.1} ms",
        times[0],
        times[times.len() / 2]
    );
}
