//! The terminal explorer: a thin shell over `kb` and `view`. `app` holds state and `update`,
//! `ui` draws it, `keymap` maps keys to actions, `terminal` owns setup and teardown.

pub mod app;
pub mod keymap;
pub mod layout;
pub mod terminal;
pub mod ui;

use std::io::IsTerminal;
use std::sync::mpsc;

use anyhow::{Context as _, Result, bail};
use ratatui::crossterm::event::{self, Event};

use crate::kb::Loaded;
use crate::search::worker::Worker;
use app::{App, Msg};

/// Run the explorer until the user quits. The terminal is restored on every way out.
///
/// Two threads feed one channel: one reads the terminal, the search worker answers queries. The
/// UI thread only applies messages and draws, so typing never waits for a search.
pub fn run(loaded: Loaded) -> Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!(
            "marketlens needs a terminal for its explorer; in scripts use `marketlens check`, `search` or `export`"
        );
    }
    let test_panic = TestPanic::from_env();
    let (tx, rx) = mpsc::channel::<Result<Msg, std::io::Error>>();
    {
        // A signal ends the loop like an error would; `cli` turns it into exit code 128 + signal.
        // Handled from before the terminal is set up, so that one arriving while a large KB is
        // indexed still finds it restored.
        let tx = tx.clone();
        terminal::on_signal(move |signal| {
            let msg = format!("stopped by signal {signal}");
            let _ = tx.send(Err(std::io::Error::new(std::io::ErrorKind::Interrupted, msg)));
        })
        .context("cannot handle signals")?;
    }
    let mut session = terminal::Session::start().context("cannot set up the terminal")?;
    let size = session.terminal.size()?;
    let mut app = App::new(loaded.kb, loaded.label, size.width, size.height);
    app.theme = ui::theme::Theme::from_env();

    let worker = {
        let tx = tx.clone();
        Worker::spawn(app.index.clone(), move |r| {
            if test_panic == TestPanic::Worker {
                panic!("test panic in the search worker ({TEST_PANIC_VAR})");
            }
            let _ = tx.send(Ok(Msg::Search(r)));
        })
    };
    std::thread::Builder::new()
        .name("input".into())
        .spawn(move || {
            loop {
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

    let mut dirty = true;
    while !app.quit {
        for req in app.outbox.drain(..) {
            worker.submit(req);
        }
        if dirty {
            session.terminal.draw(|f| ui::render(&app, f))?;
        }
        // Wait for something to happen, then take everything else already waiting, so a burst
        // of keys (a paste, fast typing) costs one frame.
        let first = rx.recv().context("input and search threads stopped")?;
        dirty = app.update(test_panic.check(first?));
        while let Ok(next) = rx.try_recv() {
            dirty |= app.update(test_panic.check(next?));
            if app.quit {
                break;
            }
        }
        if let Some(text) = app.clipboard.take() {
            terminal::copy(session.terminal.backend_mut(), &text)?;
        }
    }
    session.stop()
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
            (TestPanic::Key(c), Msg::Key(k)) if k.code == event::KeyCode::Char(c) => {
                panic!("test panic on key {c:?} ({TEST_PANIC_VAR})");
            }
            (TestPanic::Stall(c), Msg::Key(k)) if k.code == event::KeyCode::Char(c) => loop {
                std::thread::park();
            },
            _ => msg,
        }
    }
}
