//! Issue 19's build target for the analysis views: at 100k records (the synthetic KB, seed 42),
//! building Compare or Timeline off the UI thread ≤ 100 ms. The two worst builds, every record:
//! Compare by reports (~50k rows, ~100 value columns, nearly all empty) and the Timeline of every
//! event (~77k rows). Each is the job the explorer runs off the UI thread (`BuildSpec::build`:
//! rows, sort and ranking, widths). `cargo bench --bench analysis`; the criterion figure is wall
//! time per build on however many cores the machine gives it (`examples/bench_analysis` prints
//! CPU time beside it).

use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use marketlens::search::Index;
use marketlens::tui::app::App;
use marketlens::view::Tab;

fn bench(c: &mut Criterion) {
    let kb = marketlens::synth::kb(100_000, 42);
    let ix = Arc::new(Index::build(Arc::new(kb)));
    let kb = ix.kb.clone();
    let app = App::with_index(ix.clone(), "bench".into(), 120, 40);
    let mut reports = app.tabs[Tab::Compare.index()].clone();
    reports.pivot = reports.pivot.other();
    reports.sort = None;
    let compare = reports.spec(None);
    let timeline = app.tabs[Tab::Timeline.index()].spec(None);
    drop(app);

    let mut g = c.benchmark_group("analysis_100k_target_100ms");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(15));
    g.bench_function("compare_by_reports_every_record", |b| {
        b.iter(|| compare.build(&kb))
    });
    g.bench_function("timeline_every_event", |b| b.iter(|| timeline.build(&kb)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
