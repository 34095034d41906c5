//! The terminal explorer: a thin shell over `kb` and `view`. `app` holds state and `update`,
//! `ui` draws it, `keymap` maps keys to actions, `terminal` owns setup and teardown.

pub mod app;
pub mod keymap;
pub mod layout;
pub mod reload;
pub mod tabs;
pub mod terminal;
pub mod theme;
pub mod ui;
pub mod watch;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use ratatui::crossterm::event::{self, Event};

use crate::kb::{Kb, Loaded};
use crate::search::worker::Worker;
use app::{App, Msg};
use reload::{Fresh, Problem, Reloader};

/// How the explorer ended.
pub enum Exit {
    /// The user quit.
    Quit,
    /// The KB given on the command line did not load; its full report, for the caller to print
    /// once the terminal is restored.
    Invalid(Box<Loaded>),
}

/// What the explorer opens: the built-in KB (loaded at once: it is small and compiled in) or a
/// path, loaded in the background while a progress screen shows.
pub enum Open {
    BuiltIn(Box<Loaded>),
    Path(PathBuf),
}

/// How often the screen is redrawn while something runs in the background, to show progress.
const TICK: Duration = Duration::from_millis(100);

type Inbox = mpsc::Receiver<Result<Msg, std::io::Error>>;

/// Run the explorer until the user quits. The terminal is restored on every way out.
///
/// Threads feed one channel: one reads the terminal, the search worker answers queries, the
/// watcher reports edits and the reloader delivers new KBs. The UI thread only applies messages
/// and draws, so typing never waits for a search or a load.
pub fn run(open: Open) -> Result<Exit> {
    let result = explore(open);
    if result.is_err() && terminal::hung_up() {
        // Whatever failed first (a frame written to the closed terminal, say), the cause is that
        // the terminal is gone: end as a hang-up does, with nothing printed to it.
        let _ = terminal::input_gone("input hung up");
    }
    result
}

/// What the config file sets for the explorer; the command line gives it before [`run`].
pub struct Settings {
    /// The colours (already plain under `NO_COLOR`).
    pub theme: theme::Theme,
    /// Where `e`, `E` and a chart's `e` write (default: the current folder).
    pub export_dir: Option<std::path::PathBuf>,
    /// The config file's problems in one line, shown on the status line at start.
    pub notice: Option<String>,
}

static SETTINGS: std::sync::OnceLock<Settings> = std::sync::OnceLock::new();

/// Give the explorer the config file's settings (once; false if they were given already).
pub fn configure(settings: Settings) -> bool {
    SETTINGS.set(settings).is_ok()
}

fn explore(open: Open) -> Result<Exit> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!(
            "marketlens needs a terminal for its explorer; in scripts use `marketlens check`, `search` or `export`"
        );
    }
    let test_panic = TestPanic::from_env();
    let (tx, rx) = mpsc::channel::<Result<Msg, std::io::Error>>();
    {
        // A signal ends the loop like an error would; `cli` turns it into exit code 128 + signal.
        // Handled from before the terminal is set up, so that one arriving while a large KB
        // loads still finds it restored.
        let quit = tx.clone();
        terminal::on_signal(move |signal| {
            let msg = format!("stopped by signal {signal}");
            let _ = quit.send(Err(std::io::Error::new(std::io::ErrorKind::Interrupted, msg)));
        })
        .context("cannot handle signals")?;
        // Job control: SIGTSTP from outside stops like Ctrl-z; SIGCONT redraws.
        let (stop, cont) = (tx.clone(), tx.clone());
        terminal::on_job_control(
            move || {
                let _ = stop.send(Ok(Msg::Suspend));
            },
            move || {
                let _ = cont.send(Ok(Msg::Continued));
            },
        )
        .context("cannot handle job control signals")?;
        // A terminal closed without a SIGHUP (one ignored, `nohup`) ends the explorer as one would.
        let gone = tx.clone();
        terminal::on_hangup(move |why| {
            let _ = gone.send(Err(terminal::input_gone(why)));
        })
        .context("cannot watch the terminal")?;
    }
    let mut session = terminal::Session::start().context("cannot set up the terminal")?;
    let gate = Arc::new(InputGate::default());
    spawn_input(tx.clone(), gate.clone())?;

    let (index, tabs, label, path) = match open {
        Open::BuiltIn(loaded) => {
            let label = loaded.label.clone();
            let index = Arc::new(crate::search::Index::build(Arc::new(loaded.kb)));
            let tabs = app::tab_states(&index.kb, &[]);
            (index, tabs, label, None)
        }
        Open::Path(path) => match first_load(&mut session, &path, &tx, &rx)? {
            FirstLoad::Ready(fresh) => {
                let tabs = fresh.tabs.into_inner().unwrap_or_default();
                (fresh.index, tabs, path.display().to_string(), Some(path))
            }
            FirstLoad::Invalid(loaded) => {
                session.stop()?;
                return Ok(Exit::Invalid(loaded));
            }
            FirstLoad::Quit => {
                session.stop()?;
                return Ok(Exit::Quit);
            }
        },
    };

    let size = session.terminal.size()?;
    let mut app = App::with_tabs(index, tabs, label, size.width, size.height);
    app.theme = theme::Theme::from_env();
    if let Some(s) = SETTINGS.get() {
        app.theme = s.theme;
        if let Some(dir) = &s.export_dir {
            app.export_dir = dir.clone();
        }
        if let Some(notice) = &s.notice {
            app.status = notice.clone();
        }
    }
    app.kb_path = path.clone();
    // Saved views beside the KB (the built-in KB's in the state folder), the query history.
    app.use_workspace(path.as_deref());

    let worker = {
        let tx = tx.clone();
        Worker::spawn(app.index.clone(), move |r| {
            if test_panic == TestPanic::Worker {
                panic!("test panic in the search worker ({TEST_PANIC_VAR})");
            }
            let _ = tx.send(Ok(Msg::Search(r)));
        })
    };
    // Following the KB on disk: a watcher for edits, a thread for the loads they cause.
    let mut _watch = None;
    let mut reloader = None;
    if let Some(path) = &path {
        let t = tx.clone();
        match watch::start(path, move || {
            let _ = t.send(Ok(Msg::KbChanged));
        }) {
            Ok(w) => _watch = Some(w),
            Err(e) => {
                let r = keymap::key(keymap::Context::Any, keymap::Action::Reload);
                let why = format!("not following edits ({e}); press {r} to reload");
                app.status = why.clone();
                app.reload.unwatched = Some(why);
            }
        }
        let t = tx.clone();
        reloader = Some(
            Reloader::spawn(path.clone(), move |r| {
                let _ = t.send(Ok(Msg::Reloaded(Arc::new(r))));
            })
            .context("cannot start the reload thread")?,
        );
    }

    let mut dirty = true;
    let mentions_latest = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let builds_latest = app::latest();
    loop {
        // What the last messages asked for: searches, loads, the terminal.
        let mut live = Live {
            session: &mut session,
            worker: &worker,
            reloader: reloader.as_ref(),
            tx: &tx,
            mentions_latest: &mentions_latest,
            builds_latest: &builds_latest,
            suspended: false,
            gate: &gate,
        };
        dirty |= app.run_effects(&mut live)?;
        if app.quit {
            break;
        }
        if dirty {
            session.terminal.draw(|f| ui::render(&app, f))?;
        }
        // Wait for something to happen, then take everything else already waiting, so a burst
        // of keys (a paste, fast typing) costs one frame. While a load runs, wake up anyway to
        // move its progress indicator.
        let first = if app.reload.running.is_some() {
            match rx.recv_timeout(TICK) {
                Ok(m) => m,
                Err(mpsc::RecvTimeoutError::Timeout) => Ok(Msg::Tick),
                Err(mpsc::RecvTimeoutError::Disconnected) => bail!("input and search threads stopped"),
            }
        } else {
            rx.recv().context("input and search threads stopped")?
        };
        dirty = app.update(test_panic.check(first?));
        while let Ok(next) = rx.try_recv() {
            dirty |= app.update(test_panic.check(next?));
            if app.quit {
                break;
            }
        }
    }
    session.stop()?;
    Ok(Exit::Quit)
}

/// The event loop's means to run effects: the search worker, the reload thread, the terminal.
struct Live<'a> {
    session: &'a mut terminal::Session,
    worker: &'a Worker,
    reloader: Option<&'a Reloader>,
    /// Where the threads started here (finding mentions, groupings) send their answers.
    tx: &'a mpsc::Sender<Result<Msg, std::io::Error>>,
    /// The newest generation whose mentions were asked for: older ones stop.
    mentions_latest: &'a Arc<std::sync::atomic::AtomicU64>,
    /// Per tab, the newest analysis build asked for: an older one not yet started is skipped.
    builds_latest: &'a app::Latest,
    /// Suspended during this round: a SIGCONT that came with it needs no second resume.
    suspended: bool,
    /// Closed while another program (the editor) has the terminal.
    gate: &'a InputGate,
}

impl app::Runner for Live<'_> {
    fn search(&mut self, _: &Arc<crate::search::Index>, req: crate::search::worker::Request) -> Option<Msg> {
        self.worker.submit(req);
        None
    }

    fn use_index(&mut self, index: Arc<crate::search::Index>) {
        self.worker.set_index(index);
    }

    fn reload(
        &mut self,
        generation: u64,
        _: &std::path::Path,
        kb: &Arc<Kb>,
        sorts: Vec<Option<crate::view::Sort>>,
    ) -> Option<Msg> {
        if let Some(r) = self.reloader {
            r.submit(generation, kb.clone(), sorts);
        }
        None
    }

    fn mentions(&mut self, generation: u64, kb: &Arc<Kb>) -> Option<Msg> {
        use std::sync::atomic::Ordering;
        self.mentions_latest.store(generation, Ordering::Relaxed);
        let (kb, latest, tx) = (kb.clone(), self.mentions_latest.clone(), self.tx.clone());
        // A thread per KB shown (one at start, one per reload); it stops at its next unit of
        // work once a newer KB is asked for, and frees nothing the UI thread needs.
        let spawned = std::thread::Builder::new()
            .name("mentions".into())
            .spawn(move || {
                crate::par::lower_priority();
                let stale = || latest.load(Ordering::Relaxed) != generation;
                if let Some(m) = crate::kb::mentions::Mentions::build(&kb, &stale) {
                    let _ = tx.send(Ok(Msg::Mentions(generation, Arc::new(m))));
                }
            });
        // Without a thread the section keeps saying it is looking: better than a stalled frame.
        drop(spawned);
        None
    }

    fn group(&mut self, kb: &Arc<Kb>, job: app::GroupJob) -> Option<Msg> {
        // Off the UI thread: at 100k rows it takes tens of milliseconds. An answer no longer
        // awaited is dropped by its id.
        let job = Arc::new(job);
        let (kb2, job2, tx) = (kb.clone(), job.clone(), self.tx.clone());
        let spawned = std::thread::Builder::new().name("group".into()).spawn(move || {
            let _ = tx.send(Ok(job2.run(&kb2)));
        });
        match spawned {
            Ok(_) => None,
            // No thread to be had: build it here rather than never.
            Err(_) => Some(job.run(kb)),
        }
    }

    fn build(&mut self, kb: &Arc<Kb>, job: app::BuildJob) -> Option<Msg> {
        // Off the UI thread: at 100k records tens of milliseconds that frames must not wait for.
        let tx = self.tx.clone();
        app::start_build(kb, job, self.builds_latest, move |m| {
            let _ = tx.send(Ok(m));
        })
    }

    fn clipboard(&mut self, text: String) -> std::io::Result<()> {
        terminal::copy(self.session.terminal.backend_mut(), &text)
    }

    fn suspend(&mut self) -> std::io::Result<()> {
        // Returns once continued; `resume` leaves the next frame to be drawn whole.
        self.session.suspend()?;
        self.suspended = true;
        Ok(())
    }

    fn resume(&mut self) -> std::io::Result<()> {
        if self.suspended {
            return Ok(());
        }
        self.session.resume()
    }

    fn edit(&mut self, place: &crate::kb::locate::Place) -> std::io::Result<Option<Msg>> {
        let inv = match crate::editor::from_env(&place.path, place.line) {
            Ok(inv) => inv,
            Err(why) => return Ok(Some(Msg::Edited(app::Edited::NotStarted(why)))),
        };
        // The input thread must not read the editor's keys: it stops between two polls, and the
        // terminal is handed over only once it has.
        if !self.gate.close(INPUT_POLL * 20) {
            return Ok(Some(Msg::Edited(app::Edited::NotStarted(
                "the editor was not started: the input thread did not pause".into(),
            ))));
        }
        // The file before and after: an editor quit without saving changed nothing.
        let before = std::fs::read(&place.path).ok();
        let ran = self.session.outside(|| crate::editor::run(&inv));
        self.gate.open();
        let ran = ran?;
        // The terminal may have been resized meanwhile; its size now, for the next frame's layout.
        if let Ok(size) = self.session.terminal.size() {
            let _ = self.tx.send(Ok(Msg::Resize(size.width, size.height)));
        }
        Ok(Some(Msg::Edited(match ran {
            Ok(()) => app::Edited::Done {
                changed: before.is_none() || std::fs::read(&place.path).ok() != before,
            },
            Err(crate::editor::RunError::Start(why)) => app::Edited::NotStarted(why),
            Err(crate::editor::RunError::Exit(how)) => app::Edited::Failed(how),
        })))
    }
}

/// How long the input thread waits for an event before it checks its [`InputGate`] again.
const INPUT_POLL: Duration = Duration::from_millis(50);

/// Lets the UI thread stop the input thread from reading the terminal while another program (the
/// user's editor) uses it: the input thread polls for events with a short timeout and checks the
/// gate between polls; [`InputGate::close`] waits until it has stopped.
#[derive(Default)]
struct InputGate {
    state: std::sync::Mutex<Gate>,
    changed: std::sync::Condvar,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Gate {
    #[default]
    Open,
    /// Asked to close: the input thread has not yet stopped.
    Closing,
    /// The input thread waits for the gate to open.
    Closed,
}

impl InputGate {
    fn lock(&self) -> std::sync::MutexGuard<'_, Gate> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Ask the input thread to stop reading, and wait (at most `timeout`) until it has. Returns
    /// whether it has; if not, the gate is open again.
    fn close(&self, timeout: Duration) -> bool {
        let mut g = self.lock();
        *g = Gate::Closing;
        let (mut g, _) = self
            .changed
            .wait_timeout_while(g, timeout, |g| *g == Gate::Closing)
            .unwrap_or_else(|e| e.into_inner());
        let closed = *g == Gate::Closed;
        if !closed {
            *g = Gate::Open;
        }
        closed
    }

    /// Let the input thread read again.
    fn open(&self) {
        *self.lock() = Gate::Open;
        self.changed.notify_all();
    }

    /// The input thread, between two polls: stop here while the gate is closed.
    fn pass(&self) {
        let mut g = self.lock();
        if *g == Gate::Closing {
            *g = Gate::Closed;
            self.changed.notify_all();
        }
        while *g == Gate::Closed {
            g = self.changed.wait(g).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// The thread that reads the terminal and turns its events into messages. It polls, so that it
/// can stop at `gate` while the editor has the terminal.
fn spawn_input(tx: mpsc::Sender<Result<Msg, std::io::Error>>, gate: Arc<InputGate>) -> Result<()> {
    std::thread::Builder::new()
        .name("input".into())
        .spawn(move || {
            loop {
                gate.pass();
                match event::poll(INPUT_POLL) {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                }
                let msg = match event::read() {
                    Ok(Event::Key(k)) if k.kind != event::KeyEventKind::Release => Msg::Key(k),
                    Ok(Event::Mouse(m)) => Msg::Mouse(m),
                    Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                    Ok(_) => continue,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                };
                if tx.send(Ok(msg)).is_err() {
                    return; // The UI has gone.
                }
            }
        })
        .context("cannot start the input thread")?;
    Ok(())
}

enum FirstLoad {
    Ready(Fresh),
    Invalid(Box<Loaded>),
    Quit,
}

/// Load the KB at `path` in the background, showing a progress screen until it is ready. The
/// user can quit meanwhile (q, Esc, Ctrl-c).
fn first_load(
    session: &mut terminal::Session,
    path: &std::path::Path,
    tx: &mpsc::Sender<Result<Msg, std::io::Error>>,
    rx: &Inbox,
) -> Result<FirstLoad> {
    let started = Instant::now();
    let bytes = kb_bytes(path);
    let (done_tx, done_rx) = mpsc::channel::<(Result<Fresh, Problem>, Option<Loaded>)>();
    {
        let path = path.to_path_buf();
        let tx = tx.clone();
        std::thread::Builder::new()
            .name("load".into())
            .spawn(move || {
                let _ = done_tx.send(reload::load(&path, &Kb::default(), &[]));
                let _ = tx.send(Ok(Msg::Tick)); // Wake the UI thread.
            })
            .context("cannot start the load thread")?;
    }
    let label = path.display().to_string();
    loop {
        if let Ok((outcome, loaded)) = done_rx.try_recv() {
            return Ok(match (outcome, loaded) {
                (Ok(fresh), _) => FirstLoad::Ready(fresh),
                (Err(_), Some(l)) => FirstLoad::Invalid(Box::new(l)),
                (Err(p), None) => bail!("cannot load {label}: {p:?}"),
            });
        }
        let elapsed = started.elapsed();
        session
            .terminal
            .draw(|f| ui::loading(f, &label, bytes, elapsed))?;
        match rx.recv_timeout(TICK) {
            Ok(Ok(Msg::Key(k))) => match keymap::action_for(keymap::Key::from(k), keymap::Context::Loading) {
                Some(keymap::Action::Quit) => return Ok(FirstLoad::Quit),
                Some(keymap::Action::Suspend) => session.suspend()?,
                _ => {}
            },
            Ok(Err(e)) => return Err(e.into()),
            Ok(Ok(Msg::Suspend)) => session.suspend()?,
            Ok(Ok(Msg::Continued)) => session.resume()?,
            Ok(_) | Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => bail!("the input thread stopped"),
        }
    }
}

/// The size of a KB file, or of the `.toml` files directly in a KB directory, for the progress
/// screen (a hint only: `None` when it cannot be known cheaply).
fn kb_bytes(path: &std::path::Path) -> Option<u64> {
    let m = std::fs::metadata(path).ok()?;
    if !m.is_dir() {
        return Some(m.len());
    }
    let total = std::fs::read_dir(path)
        .ok()?
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    Some(total)
}

/// For the end-to-end tests only: `MARKETLENS_TEST_PANIC=KEY` (one character) makes that key panic
/// the UI thread; `MARKETLENS_TEST_PANIC=worker` makes the search worker panic when it answers;
/// `MARKETLENS_TEST_PANIC=stall:KEY` makes that key hang the UI thread (to test that a signal
/// still restores the terminal). It exists so tests can check that the terminal is restored
/// whatever happens; it does nothing unless set.
pub const TEST_PANIC_VAR: &str = "MARKETLENS_TEST_PANIC";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TestPanic {
    Off,
    Key(char),
    Stall(char),
    Worker,
}

impl TestPanic {
    fn from_env() -> TestPanic {
        let Some(v) = std::env::var_os(TEST_PANIC_VAR) else {
            return TestPanic::Off;
        };
        let v = v.to_string_lossy();
        let mut chars = v.chars();
        if let Some(key) = v.strip_prefix("stall:")
            && let Some(c) = key.chars().next()
        {
            return TestPanic::Stall(c);
        }
        match (chars.next(), chars.next()) {
            _ if v == "worker" => TestPanic::Worker,
            (Some(c), None) => TestPanic::Key(c),
            _ => TestPanic::Off,
        }
    }

    /// Pass `msg` through, or panic if it is the test key.
    fn check(self, msg: Msg) -> Msg {
        match (self, &msg) {
            (TestPanic::Key(c), Msg::Key(k)) if keymap::Key::from(*k).code == keymap::Code::Char(c) => {
                panic!("test panic on key {c:?} ({TEST_PANIC_VAR})");
            }
            (TestPanic::Stall(c), Msg::Key(k)) if keymap::Key::from(*k).code == keymap::Code::Char(c) => {
                loop {
                    std::thread::park();
                }
            }
            _ => msg,
        }
    }
}

#[cfg(test)]
mod tests {
    /// The code lines of a source file that name module `m` (`m::…`), comments left out.
    fn names(text: &str, m: &str) -> Vec<String> {
        let pat = format!("{m}::");
        text.lines()
            .map(str::trim)
            .filter(|l| !l.starts_with("//"))
            .filter(|l| {
                l.match_indices(&pat).any(|(at, _)| {
                    let before = l[..at].chars().next_back();
                    before.is_none_or(|c| !c.is_alphanumeric() && c != '_')
                })
            })
            .map(str::to_string)
            .collect()
    }

    /// No file-level import cycles in the explorer: `ui` draws `App`, so `app` never uses `ui`;
    /// what both need (layout, hit-tests, the help overlay's rows, the theme, the key table) sits
    /// below both and uses neither; `reload` and `tabs` never use `app`.
    #[test]
    fn the_tui_modules_import_down_only() {
        let app = [
            ("app/mod.rs", include_str!("app/mod.rs")),
            ("app/columns.rs", include_str!("app/columns.rs")),
            ("app/effects.rs", include_str!("app/effects.rs")),
            ("app/exports.rs", include_str!("app/exports.rs")),
            ("app/input.rs", include_str!("app/input.rs")),
            ("app/nav.rs", include_str!("app/nav.rs")),
            ("app/swap.rs", include_str!("app/swap.rs")),
        ];
        for (file, text) in app {
            assert_eq!(names(text, "ui"), Vec::<String>::new(), "{file} uses ui");
        }
        let below = [
            ("layout/mod.rs", include_str!("layout/mod.rs")),
            ("layout/detail.rs", include_str!("layout/detail.rs")),
            ("layout/help.rs", include_str!("layout/help.rs")),
            ("layout/columns.rs", include_str!("layout/columns.rs")),
            ("keymap/mod.rs", include_str!("keymap/mod.rs")),
            ("keymap/key.rs", include_str!("keymap/key.rs")),
            ("theme.rs", include_str!("theme.rs")),
            ("reload.rs", include_str!("reload.rs")),
            ("tabs.rs", include_str!("tabs.rs")),
        ];
        for (file, text) in below {
            for m in ["ui", "app"] {
                assert_eq!(names(text, m), Vec::<String>::new(), "{file} uses {m}");
            }
        }
        assert!(
            !names(include_str!("ui/mod.rs"), "app").is_empty(),
            "the check sees imports"
        );
    }
}
