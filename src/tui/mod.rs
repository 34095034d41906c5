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
    let mut session = terminal::Session::start().context("cannot set up the terminal")?;
    let size = session.terminal.size()?;
    let mut app = App::new(loaded.kb, loaded.label, size.width, size.height);
    app.theme = ui::theme::Theme::from_env();

    let (tx, rx) = mpsc::channel::<Result<Msg, std::io::Error>>();
    let worker = {
        let tx = tx.clone();
        Worker::spawn(app.index.clone(), move |r| {
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
        dirty = app.update(first?);
        while let Ok(next) = rx.try_recv() {
            dirty |= app.update(next?);
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
