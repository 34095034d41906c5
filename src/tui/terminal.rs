//! Terminal setup and teardown in one place. Raw mode, the alternate screen and mouse capture are
//! undone when the session ends, when it is dropped on an error, and — through the panic hook —
//! before a panic message prints.

use std::io::{self, Stdout, Write};
use std::sync::Once;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::{cursor, event, execute, terminal};

pub struct Session {
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
    active: bool,
}

/// Put the terminal back the way we found it. Safe to call more than once.
pub fn restore() {
    let _ = terminal::disable_raw_mode();
    let mut out = io::stdout();
    let _ = execute!(
        out,
        event::DisableMouseCapture,
        terminal::LeaveAlternateScreen,
        cursor::Show
    );
    let _ = out.flush();
}

fn install_panic_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

impl Session {
    pub fn start() -> io::Result<Session> {
        install_panic_hook();
        terminal::enable_raw_mode()?;
        let mut out = io::stdout();
        if let Err(e) = execute!(
            out,
            terminal::EnterAlternateScreen,
            event::EnableMouseCapture,
            cursor::Hide
        ) {
            restore();
            return Err(e);
        }
        let terminal = Terminal::new(CrosstermBackend::new(out)).inspect_err(|_| restore())?;
        Ok(Session {
            terminal,
            active: true,
        })
    }

    pub fn stop(mut self) -> anyhow::Result<()> {
        self.active = false;
        restore();
        Ok(())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if self.active {
            restore();
        }
    }
}

/// Put `text` on the clipboard of the terminal (and of the machine the terminal runs on, over
/// SSH too) with the OSC 52 escape sequence. Terminals that do not allow it ignore it. The text
/// is base64-encoded, so nothing in it can be taken for a control sequence.
pub fn copy(out: &mut impl Write, text: &str) -> io::Result<()> {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    write!(out, "\x1b]52;c;{encoded}\x07")?;
    out.flush()
}
