//! Issue 19's speed targets for the analysis views, at 100k records: building Compare, Timeline
//! or a group-by off the UI thread ≤ 100 ms, and frames ≤ 16 ms p99 while they build.
//!
//!   cargo build --release --example bench_analysis
//!   target/release/examples/bench_analysis [KB.toml | RECORDS] [REPEATS]
//!
//! With a number (default 100000), the synthetic KB of that many records (`synth::kb`, seed 42);
//! with a path, that KB file. Prints:
//! 1. build times, fastest and median of REPEATS (default 5): the jobs the explorer runs off the
//!    UI thread (`BuildJob::run`: rows, sort, widths; `GroupJob::run`), each for every record and
//!    for a query's records;
//! 2. frames while builds run: the explorer driven as its event loop drives it (keys typed into
//!    the filters of Compare and Timeline, the pivot switched, a column grouped), its effects run
//!    by the same means (the search worker, `start_build`'s threads, a group thread), and a frame
//!    drawn at 120×40 on a `TestBackend` after every message. Each "frame" is the UI thread's
//!    whole turn: the message's `update`, starting its effects, and drawing. Printed: p50, p99
//!    and max of the turns taken while a build or grouping was running, and of all turns.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use marketlens::kb::{Kb, Kind};
use marketlens::search::worker::{Request, Worker};
use marketlens::search::{Index, Rank};
use marketlens::tui::app::{self, App, BuildJob, GroupJob, Msg};
use marketlens::view::{RANKED_ROWS, Sort, Tab};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn stats(mut v: Vec<Duration>) -> String {
    v.sort();
    format!("min {:>6.1} ms  median {:>6.1} ms", ms(v[0]), ms(v[v.len() / 2]))
}

/// CPU time of the whole process so far (every thread, user and system): the machine is shared,
/// so wall time alone says as much about the other processes as about ours.
fn cpu() -> Duration {
    #[cfg(unix)]
    {
        // SAFETY: getrusage writes the struct we own and reads nothing of ours.
        let mut u: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } == 0 {
            let t = |v: libc::timeval| Duration::new(v.tv_sec as u64, v.tv_usec as u32 * 1000);
            return t(u.ru_utime) + t(u.ru_stime);
        }
    }
    Duration::ZERO
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn percentiles(mut v: Vec<Duration>) -> String {
    if v.is_empty() {
        return "none".into();
    }
    v.sort();
    let at = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    format!(
        "{} turns: p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
        v.len(),
        ms(at(0.5)),
        ms(at(0.99)),
        ms(v[v.len() - 1])
    )
}

/// The records a query selects for `tab`, as the explorer's search answer gives them.
fn matched(ix: &Index, tab: Tab, q: &str) -> Option<(Vec<(Kind, usize)>, marketlens::search::Query)> {
    let parsed = marketlens::search::query::parse(q).expect("the query parses");
    let r = marketlens::search::search(ix, q, tab.scope(), Rank::Top(RANKED_ROWS)).expect("the query runs");
    let records = r
        .hits
        .iter()
        .map(|h| {
            let d = &ix.docs[h.doc as usize];
            (d.kind(), d.index as usize)
        })
        .collect();
    Some((records, parsed))
}

/// The event loop's means to run effects, as `tui::run` has them, minus the terminal.
struct Loop {
    worker: Worker,
    tx: mpsc::Sender<Msg>,
    latest: app::Latest,
}

impl app::Runner for Loop {
    fn search(&mut self, _: &Arc<Index>, req: Request) -> Option<Msg> {
        self.worker.submit(req);
        None
    }
    fn use_index(&mut self, index: Arc<Index>) {
        self.worker.set_index(index);
    }
    fn reload(&mut self, _: u64, _: &std::path::Path, _: &Arc<Kb>, _: Vec<Option<Sort>>) -> Option<Msg> {
        None
    }
    fn mentions(&mut self, _: u64, _: &Arc<Kb>) -> Option<Msg> {
        None // not what is measured here
    }
    fn clipboard(&mut self, _: String) -> std::io::Result<()> {
        Ok(())
    }
    fn group(&mut self, kb: &Arc<Kb>, job: GroupJob) -> Option<Msg> {
        let (kb, tx) = (kb.clone(), self.tx.clone());
        std::thread::spawn(move || {
            let _ = tx.send(job.run(&kb));
        });
        None
    }
    fn build(&mut self, kb: &Arc<Kb>, job: BuildJob) -> Option<Msg> {
        let tx = self.tx.clone();
        app::start_build(kb, job, &self.latest, move |m| {
            let _ = tx.send(m);
        })
    }
    fn suspend(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn resume(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn edit(&mut self, _: &marketlens::kb::locate::Place) -> std::io::Result<Option<Msg>> {
        Ok(None) // no editor in a benchmark
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map_or("100000", String::as_str);
    let repeats: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(5).max(1);
    let t = Instant::now();
    let kb = match what.parse::<usize>() {
        Ok(n) => marketlens::synth::kb(n, 42),
        Err(_) => {
            let l = marketlens::kb::load_path(std::path::Path::new(what));
            assert!(l.is_ok(), "{}", l.render_diagnostics_upto(5));
            l.kb
        }
    };
    let c = kb.counts();
    println!(
        "KB {what}: {} executives ({} moves), {} deals, {} series ({} points), {} reports, {} fx; loaded in {:.0} ms",
        c.executives,
        c.career_moves,
        c.deals,
        c.series,
        c.points,
        kb.reports.len(),
        kb.fx.len(),
        ms(t.elapsed())
    );
    let ix = Arc::new(Index::build(Arc::new(kb)));
    let kb = ix.kb.clone();

    // 1. Build times of the jobs, as the explorer runs them off the UI thread.
    println!(
        "\nbuilds (off the UI thread), {repeats} runs each; load average {}:",
        load()
    );
    let app = App::with_index(ix.clone(), "bench".into(), 120, 40);
    let cases: [(Tab, bool, &str); 7] = [
        (Tab::Compare, false, ""),
        (Tab::Compare, false, "metric:market-share"),
        (Tab::Compare, true, ""),
        (Tab::Compare, true, "metric:market-share"),
        (Tab::Timeline, false, ""),
        (Tab::Timeline, false, "kind:move"),
        (Tab::Timeline, false, "kind:price-change"),
    ];
    for (tab, reports, q) in cases {
        let mut st = app.tabs[tab.index()].clone();
        if reports {
            st.pivot = st.pivot.other();
            st.sort = None;
        }
        let sel = (!q.is_empty()).then(|| matched(&ix, tab, q)).flatten();
        let spec = st.spec(sel);
        let (mut times, mut cpus) = (Vec::new(), Vec::new());
        let mut rows = 0;
        for _ in 0..repeats {
            let (t, c) = (Instant::now(), cpu());
            let b = std::hint::black_box(spec.build(&kb));
            times.push(t.elapsed());
            cpus.push(cpu() - c);
            rows = b.view.len();
            drop(b);
        }
        cpus.sort();
        println!(
            "  {:<8} {:<7} {:<22} {rows:>7} rows  {}  (cpu median {:.1} ms)",
            tab.title(),
            st.pivot.as_str(),
            if q.is_empty() { "(every record)" } else { q },
            stats(times),
            ms(cpus[cpus.len() / 2])
        );
    }
    for (tab, key) in [
        (Tab::Deals, "kind"),
        (Tab::Deals, "vendor"),
        (Tab::Deals, "amount"),
        (Tab::Timeline, "event"),
        (Tab::Timeline, "to"),
        (Tab::Compare, "measures"),
    ] {
        let st = &app.tabs[tab.index()];
        let by = st.view.column(key).expect("the column is there");
        let job = GroupJob {
            id: 1,
            tab,
            by: vec![by],
            rows: st.view.order.iter().map(|&i| st.view.rows[i].index).collect(),
            // As the explorer asks: an analysis view's rows shared with the job (only the order
            // is copied), a record tab's records made again.
            view: tab.kind().is_none().then(|| Arc::new(st.view.clone())),
            build: None,
        };
        let mut times = Vec::new();
        for _ in 0..repeats {
            let t = Instant::now();
            std::hint::black_box(job.run(&kb));
            times.push(t.elapsed());
        }
        println!(
            "  group {:<8} by {:<10} {:>7} rows  {}",
            tab.title(),
            key,
            st.view.len(),
            stats(times)
        );
    }
    drop(app);

    // 2. Frames while builds run, the explorer driven as its event loop drives it.
    let (tx, rx) = mpsc::channel::<Msg>();
    let t2 = tx.clone();
    let mut runner = Loop {
        worker: Worker::spawn(ix.clone(), move |r| {
            let _ = t2.send(Msg::Search(r));
        }),
        tx,
        latest: app::latest(),
    };
    let mut app = App::with_index(ix.clone(), "bench".into(), 120, 40);
    app.take_effects(); // mentions: not measured here
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let (mut busy, mut all) = (Vec::new(), Vec::new());
    // The slowest turns and what they handled.
    let mut worst: Vec<(Duration, String)> = Vec::new();
    let mut turn =
        |app: &mut App, msg: Msg, runner: &mut Loop, busy: &mut Vec<Duration>, all: &mut Vec<Duration>| {
            let label = match &msg {
                Msg::Key(k) => format!("key {:?}", k.code),
                Msg::Built { tab, .. } => format!("built {tab:?}"),
                Msg::Grouped { tab, .. } => format!("grouped {tab:?}"),
                Msg::Search(_) => "search answer".into(),
                Msg::Tick => "tick".into(),
                _ => "other".into(),
            };
            let (t, c) = (Instant::now(), cpu());
            app.update(msg);
            let updated = t.elapsed();
            app.run_effects(runner).unwrap();
            let working = Tab::ALL.iter().any(|&t| app.building(t))
                || app
                    .tabs
                    .iter()
                    .any(|s| s.grouped.as_ref().is_some_and(|g| g.pending != 0));
            let ran = t.elapsed();
            term.draw(|f| marketlens::tui::ui::render(app, f)).unwrap();
            let d = t.elapsed();
            // Where the turn went (update, effects, draw), and the process's CPU meanwhile
            // (every thread: the builds' too).
            let label = format!(
                "{label} (update {:.1}, effects {:.1}, draw {:.1} ms; process cpu {:.1} ms)",
                ms(updated),
                ms(ran - updated),
                ms(d - ran),
                ms(cpu() - c)
            );
            worst.push((d, label));
            worst.sort_by_key(|w| std::cmp::Reverse(w.0));
            worst.truncate(3);
            all.push(d);
            if working {
                busy.push(d);
            }
            working
        };
    let key = |c: KeyCode| Msg::Key(KeyEvent::new(c, KeyModifiers::NONE));
    let ch = |c: char| key(KeyCode::Char(c));
    let mut script: Vec<Msg> = Vec::new();
    for (tab, queries) in [
        (
            '7',
            &["kind:move", "from:v-1", "kind:price-change", "year:2025", ""][..],
        ),
        (
            '6',
            &["metric:market-share", "market:中国AI云", "metric:revenue", ""][..],
        ),
    ] {
        script.push(ch(tab));
        for q in queries {
            script.push(ch('/'));
            script.push(Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
            script.extend(q.chars().map(ch));
            script.push(key(KeyCode::Enter));
            if q.is_empty() {
                script.push(key(KeyCode::Esc));
            }
        }
    }
    script.push(ch('p'));
    script.push(ch('p'));
    script.push(ch('7'));
    script.push(ch('F'));
    script.push(key(KeyCode::Enter));
    let started = Instant::now();
    let mut builds = 0;
    for msg in script {
        let mut working = turn(&mut app, msg, &mut runner, &mut busy, &mut all);
        // Between keys: the answers as they come, a frame after each, until the work is done
        // (frames keep being drawn meanwhile, as the event loop would on any input).
        while working {
            match rx.recv_timeout(Duration::from_millis(4)) {
                Ok(m) => {
                    if matches!(m, Msg::Built { .. }) {
                        builds += 1;
                    }
                    working = turn(&mut app, m, &mut runner, &mut busy, &mut all);
                }
                Err(_) => working = turn(&mut app, Msg::Tick, &mut runner, &mut busy, &mut all),
            }
        }
        while let Ok(m) = rx.try_recv() {
            turn(&mut app, m, &mut runner, &mut busy, &mut all);
        }
    }
    println!(
        "\nframes at 120x40 (update + effects + draw), {builds} builds answered in {:.1} s:",
        started.elapsed().as_secs_f64()
    );
    println!("  load average {}", load());
    println!("  while building: {}", percentiles(busy));
    println!("  all:            {}", percentiles(all));
    for (d, what) in &worst {
        println!("  slow turn: {:.1} ms, {what}", ms(*d));
    }
}
