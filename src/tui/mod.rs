//! The terminal explorer: a thin shell over `kb` and `view`. `app` holds state and `update`,
//! `ui` draws it, `keymap` maps keys to actions, `terminal` owns setup and teardown.

pub mod app;
pub mod keymap;
pub mod layout;
pub mod terminal;
pub mod ui;

use std::io::IsTerminal;

use anyhow::{Context as _, Result, bail};
use ratatui::crossterm::event::{self, Event};

use crate::kb::Loaded;
use app::{App, Msg};

/// Run the explorer until the user quits. The terminal is restored on every way out.
pub fn run(loaded: Loaded) -> Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!(
            "marketlens needs a terminal for its explorer; in scripts use `marketlens check` (and, soon, `export` and `search`)"
        );
    }
    let mut session = terminal::Session::start().context("cannot set up the terminal")?;
    let size = session.terminal.size()?;
    let mut app = App::new(loaded.kb, loaded.label, size.width, size.height);
    app.theme = ui::theme::Theme::from_env();
    let mut dirty = true;
    while !app.quit {
        if dirty {
            session.terminal.draw(|f| ui::render(&app, f))?;
        }
        let msg = match event::read()? {
            Event::Key(k) if k.kind != event::KeyEventKind::Release => Msg::Key(k),
            Event::Mouse(m) => Msg::Mouse(m),
            Event::Resize(w, h) => Msg::Resize(w, h),
            _ => continue,
        };
        dirty = app.update(msg);
    }
    session.stop()
}
