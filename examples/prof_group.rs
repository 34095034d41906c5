//! Time group-by (`F`, `--group-by`) on a large KB: what the explorer's group thread does for
//! each tab and column (cells made afresh from the KB, counted, sums per currency or through
//! `[[fx]]`), and the frame of the grouped table.
//!
//!   cargo build --release --example prof_group
//!   target/release/examples/prof_group [KB.toml | RECORDS] [REPEATS] [TAB:COLUMN | multi]
//!
//! Prints, per tab and column, the rows grouped, the groups, and the fastest and median of
//! REPEATS builds (default 5); then the frame time of the Deals tab grouped by Kind at 120×40.

use std::time::{Duration, Instant};

use marketlens::tui::app::{App, Msg};
use marketlens::view::{self, Tab, group};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map_or("100000", String::as_str);
    let repeats: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(5).max(1);
    let started = Instant::now();
    let kb = match what.parse::<usize>() {
        Ok(n) => marketlens::synth::kb(n, 42),
        Err(_) => {
            let l = marketlens::kb::load_path(std::path::Path::new(what));
            assert!(l.is_ok(), "{}", l.render_diagnostics());
            l.kb
        }
    };
    println!(
        "KB {what}: {} deals, {} series, {} fx rates, loaded in {:.0} ms",
        kb.deals.len(),
        kb.series.len(),
        kb.fx.len(),
        started.elapsed().as_secs_f64() * 1e3
    );
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    for tab in Tab::ALL {
        let v = view::rows(&kb, &view::ViewSpec::new(tab));
        let rows: Vec<usize> = v.shown().map(|r| r.index).collect();
        for (by, c) in group::groupable(&v.columns) {
            // A third argument `TAB:COLUMN` (`deals:vendor`) times that grouping alone.
            if let Some(only) = args.get(3)
                && !only.eq_ignore_ascii_case(&format!("{}:{}", tab.title(), c.key))
            {
                continue;
            }
            let mut times = Vec::new();
            let mut g = None;
            for _ in 0..repeats {
                let t = Instant::now();
                // An analysis view's rows are not records: grouped from its cells, as the
                // explorer does (`group_records` knows only a record tab's columns).
                g = Some(std::hint::black_box(match tab.kind() {
                    Some(_) => group::group_records(&kb, tab, &rows, by),
                    None => group::group(&kb, &v, by),
                }));
                times.push(t.elapsed());
            }
            times.sort();
            let g = g.unwrap();
            println!(
                "{:<10} by {:<12} {:>7} rows {:>7} groups  min {:>6.1} ms  median {:>6.1} ms",
                tab.title(),
                c.key,
                g.rows,
                g.groups.len(),
                ms(times[0]),
                ms(times[times.len() / 2])
            );
        }
    }
    if args.len() > 3 && args[3] != "multi" {
        return;
    }
    // Several keys: deals by kind per vendor, and per kind by vendor.
    let deals = view::rows(&kb, &view::ViewSpec::new(Tab::Deals));
    let rows: Vec<usize> = deals.shown().map(|r| r.index).collect();
    for keys in [["vendor", "kind"], ["kind", "vendor"]] {
        let by: Vec<usize> = keys.iter().map(|k| Tab::Deals.column(k).unwrap()).collect();
        let mut times = Vec::new();
        let mut n = 0;
        for _ in 0..repeats {
            let t = Instant::now();
            n = std::hint::black_box(group::group_records_by(&kb, Tab::Deals, &rows, &by))
                .groups
                .len();
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "Deals      by {:<12} {:>7} rows {:>7} groups  min {:>6.1} ms  median {:>6.1} ms",
            keys.join(","),
            rows.len(),
            n,
            ms(times[0]),
            ms(times[times.len() / 2])
        );
    }
    let mut app = App::new(kb, "big".into(), 120, 40);
    let key = |app: &mut App, c: char| {
        app.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
    };
    key(&mut app, '3');
    key(&mut app, 'F');
    for _ in 0..Tab::Deals.column("kind").unwrap() {
        key(&mut app, 'j');
    }
    app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    let t = Instant::now();
    app.settle();
    println!("settle (group built in place): {:.1} ms", ms(t.elapsed()));
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut frames = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        term.draw(|f| marketlens::tui::ui::render(&app, f)).unwrap();
        frames.push(t.elapsed());
    }
    frames.sort();
    println!(
        "frame, Deals grouped by Kind 120x40: median {:.2} ms, max {:.2} ms",
        ms(frames[frames.len() / 2]),
        ms(frames[frames.len() - 1])
    );
}
