//! Terminal setup and teardown in one place. Raw mode, the alternate screen and mouse capture are
//! undone when the session ends, when it is dropped on an error, through the panic hook before a
//! panic message prints (a panic on another thread than the UI's also ends the process, so it
//! never hangs with the terminal half restored), and on SIGTERM, SIGHUP, SIGINT and SIGQUIT (see
//! [`on_signal`]). Ctrl-z and SIGTSTP undo them too, before the process stops, and SIGCONT puts
//! them back ([`Session::suspend`], [`Session::resume`], [`on_job_control`]).

use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Mutex, Once};
use std::thread::ThreadId;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::{cursor, event, execute, terminal};

pub struct Session {
    /// Dropped by the session's own `Drop`, and not at all once the terminal has hung up:
    /// ratatui's drop shows the cursor and prints to stderr if it cannot, and printing to a
    /// terminal that is gone panics.
    pub terminal: std::mem::ManuallyDrop<Terminal<CrosstermBackend<Stdout>>>,
    active: bool,
}

/// Whether the terminal is in the explorer's modes (set just before they are entered), so that
/// [`restore`] writes its sequences once: after the panic hook has restored the terminal and
/// printed the message, the session's drop must not write again (leaving the alternate screen a
/// second time would move the cursor back over the message).
static ENGAGED: AtomicBool = AtomicBool::new(false);

/// Another program (the user's editor) has the terminal ([`Session::outside`]): job control is
/// its, and the explorer only stops and goes on with it.
static OUTSIDE: AtomicBool = AtomicBool::new(false);

/// The thread that started the session: a panic anywhere else ends the process.
static UI_THREAD: Mutex<Option<ThreadId>> = Mutex::new(None);

/// The signal that asked the explorer to stop, 0 if none.
static CAUGHT: AtomicI32 = AtomicI32::new(0);

/// How long the UI thread gets to finish its own teardown after a signal before the signal thread
/// restores the terminal and exits by itself.
pub const SIGNAL_GRACE: Duration = Duration::from_millis(1500);

/// Put the terminal back the way we found it. Safe to call more than once, from any thread: only
/// the first call after [`Session::start`] writes anything.
pub fn restore() {
    // Stdout before `RESTORING`, in the order the panic hook takes them.
    restore_to(&mut io::stdout().lock());
}

/// Whether the terminal really is in raw mode now (no line editing, no echo), read from the
/// terminal itself: the one crossterm sets, stdin when it is a terminal, else `/dev/tty`.
#[cfg(unix)]
fn tty_in_raw_mode() -> bool {
    use std::os::fd::AsRawFd;
    let tty;
    // SAFETY: isatty only reads the descriptor's kind.
    let fd = if unsafe { libc::isatty(libc::STDIN_FILENO) } == 1 {
        libc::STDIN_FILENO
    } else {
        match std::fs::File::open("/dev/tty") {
            Ok(f) => {
                tty = f;
                tty.as_raw_fd()
            }
            Err(_) => return false,
        }
    };
    // SAFETY: a zeroed termios is a valid value to be overwritten by tcgetattr.
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: `fd` is open for the whole call and `t` is a valid termios.
    if unsafe { libc::tcgetattr(fd, &mut t) } != 0 {
        return false;
    }
    t.c_lflag & (libc::ICANON | libc::ECHO) == 0
}

#[cfg(not(unix))]
fn tty_in_raw_mode() -> bool {
    false
}

/// Held for the whole of [`restore_to`], so a thread that finds the work taken by another (the
/// signal thread about to exit while the UI thread restores) waits until it is really done.
static RESTORING: Mutex<()> = Mutex::new(());

/// [`restore`], writing the sequences to `out`.
fn restore_to(out: &mut impl Write) {
    let _restoring = RESTORING.lock().unwrap_or_else(|e| e.into_inner());
    if !ENGAGED.swap(false, Ordering::SeqCst) {
        return;
    }
    let _ = terminal::disable_raw_mode();
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
            // Stdout stays locked until the message is out (and, off the UI thread, until the
            // exit), so the UI thread cannot draw a frame, or hide the cursor, after the restore.
            let mut out = io::stdout().lock();
            let engaged = ENGAGED.load(Ordering::SeqCst);
            restore_to(&mut out);
            previous(info);
            // A panic on the input or search thread would leave the UI running on a restored
            // terminal, waiting for answers that never come: end the process instead, with the
            // exit code of a panicking main thread.
            let ui = *UI_THREAD.lock().unwrap_or_else(|e| e.into_inner());
            if engaged && ui.is_some_and(|id| id != std::thread::current().id()) {
                std::process::exit(101);
            }
            drop(out);
        }));
    });
}

impl Session {
    pub fn start() -> io::Result<Session> {
        install_panic_hook();
        *UI_THREAD.lock().unwrap_or_else(|e| e.into_inner()) = Some(std::thread::current().id());
        ENGAGED.store(true, Ordering::SeqCst);
        if let Err(e) = terminal::enable_raw_mode() {
            ENGAGED.store(false, Ordering::SeqCst);
            return Err(e);
        }
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
            terminal: std::mem::ManuallyDrop::new(terminal),
            active: true,
        })
    }

    /// Ctrl-z or SIGTSTP: give the terminal back as it was found (raw mode off, main screen,
    /// cursor shown, no mouse reporting), then stop the process as a job stops. The call returns
    /// once the process is continued (`fg`, SIGCONT), with the terminal in the explorer's modes
    /// again and the next frame drawn whole.
    ///
    /// It stops with SIGSTOP, which cannot be caught or ignored: SIGTSTP is caught (to get here),
    /// and in an orphaned process group (no job-control shell above it) the kernel drops a SIGTSTP
    /// whose action is the default.
    #[cfg(unix)]
    pub fn suspend(&mut self) -> io::Result<()> {
        restore();
        signal_hook::low_level::raise(signal_hook::consts::SIGSTOP)?;
        self.resume()
    }

    /// Without job control there is nothing to stop.
    #[cfg(not(unix))]
    pub fn suspend(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// After SIGCONT: the explorer's modes again (raw mode, alternate screen, mouse reporting,
    /// hidden cursor), set even if they were never left (a SIGSTOP from outside cannot be caught,
    /// and the shell may have reset the terminal meanwhile), and a full redraw at the next frame.
    pub fn resume(&mut self) -> io::Result<()> {
        if ENGAGED.swap(true, Ordering::SeqCst) && !tty_in_raw_mode() {
            // Engaged as far as we know, yet the terminal was changed meanwhile: force raw mode
            // back (crossterm skips it when it believes it is on). Not when it still is raw: the
            // pass through cooked mode would echo and buffer a key typed meanwhile (the SIGCONT
            // after our own Ctrl-z comes here with the terminal already put back).
            let _ = terminal::disable_raw_mode();
        }
        terminal::enable_raw_mode()?;
        execute!(
            self.terminal.backend_mut(),
            terminal::EnterAlternateScreen,
            event::EnableMouseCapture,
            cursor::Hide
        )?;
        // Clear the screen and forget what ratatui believes is on it, so the next draw writes
        // every cell (at the size the terminal has now). Not `Terminal::clear`: it asks the
        // terminal for the cursor position, an answer the input thread would take.
        let size = self.terminal.size()?;
        self.terminal
            .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
    }

    /// Give the terminal back as it was found (as [`Session::suspend`] does), run `f` (another
    /// program that uses the terminal: the user's editor), then put the explorer's modes back and
    /// draw the whole screen at the next frame, whatever `f` did. The caller keeps the input
    /// thread from reading meanwhile (`tui::InputGate`).
    pub fn outside<T>(&mut self, f: impl FnOnce() -> T) -> io::Result<T> {
        restore();
        OUTSIDE.store(true, Ordering::SeqCst);
        let out = f();
        OUTSIDE.store(false, Ordering::SeqCst);
        self.resume()?;
        Ok(out)
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
        if !hung_up() {
            // SAFETY: the field is not used after this, the session's last moment.
            unsafe { std::mem::ManuallyDrop::drop(&mut self.terminal) };
        }
    }
}

/// The signal that stopped the explorer, if one did: the process should exit with `128 + signal`.
pub fn caught_signal() -> Option<i32> {
    match CAUGHT.load(Ordering::SeqCst) {
        0 => None,
        n => Some(n),
    }
}

/// The exit code for a process stopped by `signal`: `128 + signal`, as shells report it.
pub fn signal_exit_code(signal: i32) -> u8 {
    u8::try_from(128 + signal).unwrap_or(255)
}

/// Restore the terminal and end the process as if `signal` had stopped it.
#[cfg(unix)]
fn exit_on_signal(signal: i32) -> ! {
    use std::os::fd::FromRawFd as _;
    // Straight to file descriptor 1, not through `io::stdout()`: a UI thread that hangs while it
    // holds the stdout lock must not keep the terminal from being restored.
    // SAFETY: fd 1 stays open for the life of the process; `ManuallyDrop` never closes it.
    let mut fd1 = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(1) });
    restore_to(&mut *fd1);
    // An export the UI thread was writing must not leave its temporary file behind.
    crate::fsutil::exit_removing_temps(i32::from(signal_exit_code(signal)));
}

/// Handle SIGTERM, SIGHUP, SIGINT and SIGQUIT on a thread of their own for the rest of the
/// process: the first one calls `ask_to_quit` (which should make the UI thread leave its loop, so
/// the normal teardown runs) and records the signal for [`caught_signal`]; if the process is still
/// running [`SIGNAL_GRACE`] later, or when a second signal arrives, the terminal is restored from
/// the signal thread and the process exits with `128 + signal`.
///
/// (In raw mode Ctrl-C is a key, not a signal: these come from `kill`, a closing terminal, or a
/// supervisor.)
///
/// A SIGHUP that was ignored when the process started (`nohup`, `trap '' HUP`) stays ignored; the
/// explorer then notices a closed terminal from its input ([`input_gone`]).
#[cfg(unix)]
pub fn on_signal(ask_to_quit: impl Fn(i32) + Send + 'static) -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let mut wanted = vec![SIGTERM, SIGINT, SIGQUIT];
    if !ignored(SIGHUP) {
        wanted.push(SIGHUP);
    }
    let mut signals = signal_hook::iterator::Signals::new(wanted)?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                if CAUGHT
                    .compare_exchange(0, signal, Ordering::SeqCst, Ordering::SeqCst)
                    .is_err()
                {
                    exit_on_signal(signal); // A second signal: no more waiting.
                }
                ask_to_quit(signal);
                let _ = std::thread::Builder::new()
                    .name("signal-grace".into())
                    .spawn(move || {
                        std::thread::sleep(SIGNAL_GRACE);
                        exit_on_signal(signal);
                    });
            }
        })?;
    Ok(())
}

/// Whether `signal`'s action is to be ignored (inherited from the parent: `nohup`, `trap ''`).
#[cfg(unix)]
fn ignored(signal: i32) -> bool {
    // SAFETY: sigaction with a null new action only reads the current one into `old`, a zeroed
    // plain C struct.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut old) == 0 && old.sa_sigaction == libc::SIG_IGN
    }
}

/// The input has gone: the terminal was closed (its pty master, say, by a tmux session that
/// ended) without a SIGHUP reaching us. Recorded as a SIGHUP, so the process exits the way a
/// hang-up makes it, with status 129, after the usual teardown. Returns the error that ends the
/// event loop.
pub fn input_gone(why: &str) -> io::Error {
    #[cfg(unix)]
    let _ = CAUGHT.compare_exchange(0, signal_hook::consts::SIGHUP, Ordering::SeqCst, Ordering::SeqCst);
    io::Error::new(io::ErrorKind::BrokenPipe, format!("the terminal is gone ({why})"))
}

/// Call `gone` (once, from a thread of its own) when the terminal on standard input hangs up: its
/// other end closed, as when a pty master goes away.
///
/// Written by hand because crossterm 0.29 cannot tell: its reader loops on a `read` that returns
/// 0 (or EIO) forever, about 25,000 calls a second, and never returns from `event::read`. A
/// `poll` that asks for no event at all still reports POLLHUP and POLLERR, and only those, so
/// this thread sleeps until the hang-up whatever the input does.
#[cfg(unix)]
pub fn on_hangup(gone: impl FnOnce(&str) + Send + 'static) -> io::Result<()> {
    std::thread::Builder::new().name("hangup".into()).spawn(move || {
        let mut fds = [libc::pollfd {
            fd: 0,
            events: 0,
            revents: 0,
        }];
        loop {
            // SAFETY: `fds` is a valid array of one pollfd for the duration of the call.
            let n = unsafe { libc::poll(fds.as_mut_ptr(), 1, -1) };
            if n < 0 {
                if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return; // Cannot watch: leave it to the signals.
            }
            let r = fds[0].revents;
            if r & libc::POLLNVAL != 0 {
                return gone("standard input closed");
            }
            if r & (libc::POLLHUP | libc::POLLERR) != 0 {
                return gone("input hung up");
            }
        }
    })?;
    Ok(())
}

/// Whether the terminal on standard input has hung up (see [`on_hangup`]).
pub fn hung_up() -> bool {
    #[cfg(unix)]
    {
        let mut fd = libc::pollfd {
            fd: 0,
            events: 0,
            revents: 0,
        };
        // SAFETY: one valid pollfd, for the duration of the call; no wait.
        let n = unsafe { libc::poll(&mut fd, 1, 0) };
        n > 0 && fd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
    }
    #[cfg(not(unix))]
    false
}

/// Without unix there is no hang-up to watch for.
#[cfg(not(unix))]
pub fn on_hangup(_gone: impl FnOnce(&str) + Send + 'static) -> io::Result<()> {
    Ok(())
}

/// Job control: `suspend` is called on SIGTSTP (`kill -TSTP`; in raw mode Ctrl-z is a key, not a
/// signal) and `resumed` on SIGCONT, from a thread of their own. Both should only ask the UI
/// thread, which owns the terminal, to act ([`Session::suspend`], [`Session::resume`]).
#[cfg(unix)]
pub fn on_job_control(
    suspend: impl Fn() + Send + 'static,
    resumed: impl Fn() + Send + 'static,
) -> io::Result<()> {
    use signal_hook::consts::{SIGCONT, SIGTSTP};
    let mut signals = signal_hook::iterator::Signals::new([SIGTSTP, SIGCONT])?;
    std::thread::Builder::new()
        .name("job-control".into())
        .spawn(move || {
            for signal in signals.forever() {
                if OUTSIDE.load(Ordering::SeqCst) {
                    // The editor has the terminal. Ctrl-z there stops its whole process group
                    // (vim sends SIGTSTP to it): stop with it, as a job stops, and leave the
                    // terminal as the editor left it; `fg` continues both, and the explorer
                    // goes on waiting for the editor. Neither signal is the explorer's to act
                    // on afterwards: no suspend once the editor exits, and the return from the
                    // editor redraws anyway.
                    if signal == SIGTSTP {
                        let _ = signal_hook::low_level::raise(signal_hook::consts::SIGSTOP);
                    }
                } else if signal == SIGTSTP {
                    suspend();
                } else {
                    resumed();
                }
            }
        })?;
    Ok(())
}

/// Without job control there is nothing to handle.
#[cfg(not(unix))]
pub fn on_job_control(
    _suspend: impl Fn() + Send + 'static,
    _resumed: impl Fn() + Send + 'static,
) -> io::Result<()> {
    Ok(())
}

/// Without unix signals there is nothing to handle.
#[cfg(not(unix))]
pub fn on_signal(_ask_to_quit: impl Fn(i32) + Send + 'static) -> io::Result<()> {
    Ok(())
}

/// Put `text` on the clipboard of the terminal (and of the machine the terminal runs on, over
/// SSH too) with the OSC 52 escape sequence (crossterm's `CopyToClipboard`). Terminals that do not
/// allow it ignore it. The text is base64-encoded, so nothing in it can be taken for a control
/// sequence.
pub fn copy(out: &mut impl Write, text: &str) -> io::Result<()> {
    execute!(
        out,
        crossterm::clipboard::CopyToClipboard::to_clipboard_from(text)
    )
}
