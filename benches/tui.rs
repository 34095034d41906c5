//! Start-up and frame cost of the explorer, on the built-in KB and on a 100k-record synthetic KB.
//! `cargo bench --bench tui`. Targets: a frame well under 1 ms on the built-in KB, under 16 ms
//! with 100k records.

use criterion::{Criterion, criterion_group, criterion_main};
use marketlens::kb::{self, SourceFile};
use marketlens::tui::app::{App, Effect, Msg};
use marketlens::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn frame(app: &App, t: &mut Terminal<TestBackend>) {
    t.draw(|f| ui::render(app, f)).unwrap();
}

fn startup_to_first_frame() {
    let l = kb::load_builtin();
    let app = App::new(l.kb, l.label, 120, 40);
    let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
    frame(&app, &mut t);
}

fn bench(c: &mut Criterion) {
    c.bench_function("startup_builtin_load_to_first_frame", |b| {
        b.iter(startup_to_first_frame)
    });

    let l = kb::load_builtin();
    let mut app = App::new(l.kb, l.label, 120, 40);
    let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
    c.bench_function("frame_builtin_vendors_120x40", |b| b.iter(|| frame(&app, &mut t)));
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char('4'), KeyModifiers::NONE)));
    c.bench_function("frame_builtin_trends_chart_120x40", |b| {
        b.iter(|| frame(&app, &mut t))
    });

    let text = marketlens::synth::generate(100_000, 42);
    let big = kb::load::load_files(
        "big".into(),
        vec![SourceFile {
            name: "big.toml".into(),
            text,
        }],
        Vec::new(),
    );
    assert!(big.is_ok());
    let mut group = c.benchmark_group("kb_100k");
    group.sample_size(10);
    group.bench_function("app_new_all_tabs", |b| {
        b.iter(|| App::new(big.kb.clone(), "big".into(), 120, 40))
    });
    let mut app = App::new(big.kb.clone(), "big".into(), 120, 40);
    group.bench_function("frame_vendors_120x40", |b| b.iter(|| frame(&app, &mut t)));
    for k in ['3', 'G'] {
        app.update(Msg::Key(KeyEvent::new(KeyCode::Char(k), KeyModifiers::NONE)));
    }
    group.bench_function("frame_deals_last_row_120x40", |b| b.iter(|| frame(&app, &mut t)));
    group.bench_function("keypress_move_and_frame", |b| {
        b.iter(|| {
            app.update(Msg::Key(KeyEvent::new(KeyCode::Char('k'), KeyModifiers::NONE)));
            frame(&app, &mut t)
        })
    });
    // Live reload of the 100k KB: the background part (load, diff, index), and the part on the
    // UI thread (putting the new KB in place), which must not stall a frame.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.toml");
    std::fs::write(&path, &big.files[0].text).unwrap();
    let old = std::sync::Arc::new(big.kb.clone());
    group.bench_function("reload_background_load_diff_index", |b| {
        b.iter(|| marketlens::tui::reload::load(&path, &old, &[]))
    });
    group.bench_function("tab_states_all_tabs", |b| {
        b.iter(|| marketlens::tui::tabs::tab_states(&big.kb, &[]))
    });
    group.bench_function("reload_diff_only", |b| b.iter(|| kb::diff::diff(&old, &big.kb)));
    app.kb_path = Some(path.clone());
    group.bench_function("reload_swap_on_ui_thread", |b| {
        b.iter_batched(
            || marketlens::tui::reload::load(&path, &old, &[]).0,
            |outcome| {
                app.update(Msg::KbChanged);
                let r = marketlens::tui::reload::Reload {
                    generation: app
                        .take_effects()
                        .into_iter()
                        .find_map(|e| match e {
                            Effect::Reload(generation) => Some(generation),
                            _ => None,
                        })
                        .unwrap(),
                    outcome,
                    took: std::time::Duration::ZERO,
                };
                assert!(app.update(Msg::Reloaded(std::sync::Arc::new(r))));
            },
            criterion::BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
