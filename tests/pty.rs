//! End-to-end tests of the explorer in a real pseudo-terminal: the binary runs in a pty, a reader
//! thread feeds everything it writes into a `vt100` terminal emulator, and the tests type keys and
//! assert on the emulated screen (and on the raw bytes, for the terminal setup and teardown).
//!
//! Every wait is bounded: a hung app fails a test with the screen printed, it never hangs it.

mod common;
use common::{NEW_DEAL, kb_copy};

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, SlavePty, native_pty_system};

const BIN: &str = env!("CARGO_BIN_EXE_marketlens");
/// How long any single expectation may take before the test fails.
const TIMEOUT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(20);
/// After a lone Esc, so the next key is not read as an Alt-prefixed one.
const ESC_PAUSE: Duration = Duration::from_millis(100);

const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const BACKSPACE: &str = "\x7f";
const ALT_RIGHT: &str = "\x1b[1;3C";
const TAB: &str = "\t";
const SHIFT_TAB: &str = "\x1b[Z";

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn pty_size(cols: u16, rows: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("terminal sizes are positive")
}

/// What the emulated terminal was asked to do besides drawing: anything a KB string could try.
#[derive(Debug, Default)]
struct Events {
    titles: Vec<Vec<u8>>,
    icon_names: Vec<Vec<u8>>,
    clipboard: Vec<Vec<u8>>,
    bells: usize,
}

impl vt100::Callbacks for Events {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }
    fn visual_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles.push(title.to_vec());
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.icon_names.push(name.to_vec());
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8], data: &[u8]) {
        self.clipboard.push(data.to_vec());
    }
}

/// The explorer running in a pty, with an emulated screen.
struct Tui {
    master: Box<dyn MasterPty + Send>,
    /// Kept open by the test so the pty (and its termios) outlives the child; closed to get EOF.
    slave: Option<Box<dyn SlavePty + Send>>,
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser<Events>>>,
    raw: Arc<Mutex<Vec<u8>>>,
    eof: Arc<AtomicBool>,
    rows: u16,
    cols: u16,
    /// Working directory of the child (an empty temporary directory).
    _dir: tempfile::TempDir,
}

impl Tui {
    fn spawn(cols: u16, rows: u16) -> Tui {
        Tui::spawn_with(cols, rows, &[], &[])
    }

    /// Like `spawn`, with command-line arguments and extra environment variables.
    fn spawn_with(cols: u16, rows: u16, args: &[&str], envs: &[(&str, &str)]) -> Tui {
        let pair = native_pty_system()
            .openpty(pty_size(cols, rows))
            .expect("open a pty");
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("MARKETLENS_TEST_PANIC");
        // Query history and the built-in KB's saved views go here, never to the real home.
        cmd.env("MARKETLENS_STATE_DIR", dir.path().join(".state"));
        // Never the user's config file: only one a test names.
        cmd.env_remove("MARKETLENS_CONFIG");
        cmd.env("XDG_CONFIG_HOME", dir.path().join("no-config"));
        for (k, v) in envs {
            cmd.env(k, v);
        }
        cmd.cwd(dir.path());
        let child = pair.slave.spawn_command(cmd).expect("spawn marketlens");
        let parser = Arc::new(Mutex::new(vt100::Parser::new_with_callbacks(
            nz(rows),
            nz(cols),
            0,
            Events::default(),
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let eof = Arc::new(AtomicBool::new(false));
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        {
            let (parser, raw, eof) = (parser.clone(), raw.clone(), eof.clone());
            thread::spawn(move || {
                let mut buf = [0u8; 8192];
                loop {
                    match reader.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            lock(&raw).extend_from_slice(&buf[..n]);
                            lock(&parser).process(&buf[..n]);
                        }
                    }
                }
                eof.store(true, Ordering::SeqCst);
            });
        }
        let writer = pair.master.take_writer().expect("pty writer");
        Tui {
            master: pair.master,
            slave: Some(pair.slave),
            child,
            writer,
            parser,
            raw,
            eof,
            rows,
            cols,
            _dir: dir,
        }
    }

    /// Start at `cols`×`rows` and wait for the first frame of the Vendors tab.
    fn start(cols: u16, rows: u16) -> Tui {
        let t = Tui::spawn(cols, rows);
        t.wait_for("the first frame", |s| s.contains("Vendors 1/55"));
        t
    }

    fn screen(&self) -> String {
        lock(&self.parser).screen().contents()
    }

    /// Screen rows as text (wide characters take one `char`, trailing blanks dropped).
    fn lines(&self) -> Vec<String> {
        lock(&self.parser)
            .screen()
            .rows(0, self.cols)
            .map(|r| r.trim_end().to_string())
            .collect()
    }

    fn raw(&self) -> Vec<u8> {
        lock(&self.raw).clone()
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write keys");
        self.writer.flush().expect("flush keys");
        if keys.ends_with(ESC) {
            thread::sleep(ESC_PAUSE);
        }
    }

    fn resize(&mut self, cols: u16, rows: u16) {
        // The emulator first, so the app's redraw after SIGWINCH lands on a screen of the new size.
        lock(&self.parser).set_size(nz(rows), nz(cols));
        (self.rows, self.cols) = (rows, cols);
        self.master.resize(pty_size(cols, rows)).expect("resize the pty");
    }

    /// Poll until `pred` holds for the screen's text; fail with the screen after `TIMEOUT`.
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) {
        self.wait_for_lines(what, |_| pred(&self.screen()));
    }

    /// Poll until the emulated screen has left the alternate screen and shows the cursor, as the
    /// app's last bytes say; a stopped app has written them all, but the reader thread may not
    /// have fed them to the emulator yet (under load). Gives up after `TIMEOUT`, leaving the
    /// precise checks to `assert_modes_left`.
    fn wait_screen_left(&self) {
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            {
                let p = lock(&self.parser);
                let s = p.screen();
                if !s.alternate_screen() && !s.hide_cursor() {
                    return;
                }
            }
            thread::sleep(POLL);
        }
    }

    /// Like `wait_for`, with the screen as rows.
    fn wait_for_lines(&self, what: &str, pred: impl Fn(&[String]) -> bool) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if pred(&self.lines()) {
                return;
            }
            if Instant::now() >= deadline {
                panic!(
                    "timed out after {TIMEOUT:?} waiting for {what}; the screen ({}x{}):\n{}",
                    self.cols,
                    self.rows,
                    self.lines().join("\n")
                );
            }
            thread::sleep(POLL);
        }
    }

    fn wait_status(&self, expected: &str) {
        self.wait_for_lines(&format!("status line with {expected:?}"), |l| {
            l.get(usize::from(self.rows) - 2)
                .is_some_and(|s| s.contains(expected))
        });
    }

    /// Wait for the child to exit; kill it and fail if it does not within `timeout`.
    fn wait_exit(&mut self, timeout: Duration) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                panic!(
                    "the app did not exit within {timeout:?}; the screen:\n{}",
                    self.lines().join("\n")
                );
            }
            thread::sleep(POLL);
        }
    }

    /// Press `q` and wait (a few seconds at most) for the exit status.
    fn quit(&mut self) -> portable_pty::ExitStatus {
        self.send("q");
        self.wait_exit(Duration::from_secs(5))
    }

    /// Close our end of the slave and wait until the reader has seen all output (EOF).
    fn drain(&mut self) {
        self.slave.take();
        let deadline = Instant::now() + TIMEOUT;
        while !self.eof.load(Ordering::SeqCst) {
            assert!(
                Instant::now() < deadline,
                "no EOF from the pty within {TIMEOUT:?} after the app exited"
            );
            thread::sleep(POLL);
        }
    }

    /// The `(ICANON, ECHO)` local modes of the pty, read from its termios.
    #[cfg(unix)]
    fn canonical_and_echo(&self) -> (bool, bool) {
        let t = self.master.get_termios().expect("the termios of the pty");
        // `nix` is not a dependency of this crate, so read the flag names from its Debug output,
        // e.g. `LocalFlags(ECHOKE | ECHOE | ECHOK | ECHO | ISIG | ICANON | IEXTEN)`.
        let flags = format!("{:?}", t.local_flags);
        let has = |name: &str| {
            flags
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| w == name)
        };
        (has("ICANON"), has("ECHO"))
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            // SIGHUP, then SIGKILL after a short grace period; then reap it.
            let _ = self.child.kill();
            let deadline = Instant::now() + Duration::from_secs(5);
            while let Ok(None) = self.child.try_wait() {
                if Instant::now() >= deadline {
                    break;
                }
                thread::sleep(POLL);
            }
        }
    }
}

/// The index of the last occurrence of `needle` in `hay`.
fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

#[test]
fn starts_on_vendors_and_quits_cleanly() {
    let mut t = Tui::spawn(120, 40);
    // Whole conditions are waited for: a frame may arrive in several reads.
    t.wait_for_lines("the Vendors tab with 阿里云", |l| {
        l[0].contains("1 Vendors")
            && l.iter().any(|r| r.contains("阿里云"))
            && l[38].contains("built-in · Vendors 1/55")
    });
    let status = t.quit();
    assert!(status.success(), "exit status {status:?}");
    assert_eq!(status.exit_code(), 0);
}

#[test]
fn switches_tabs_by_number_tab_and_shift_tab() {
    let mut t = Tui::start(120, 40);
    t.send("3");
    t.wait_status("Deals 1/71");
    t.wait_for_lines("the Deals table header", |l| {
        l[2].contains("Date") && l[2].contains("Amount") && l[0].contains("3 Deals")
    });

    t.send("4");
    t.wait_status("Trends 1/86");
    t.send(TAB);
    t.wait_status("Sources 1/5");
    t.send(TAB);
    t.wait_status("Compare 1/");
    t.send(TAB);
    t.wait_status("Timeline 1/");
    t.send(TAB);
    t.wait_status("Facts 1/229");
    t.send(TAB);
    t.wait_status("Reports 1/15");
    t.send(TAB);
    t.wait_status("Vendors 1/55");
    t.send(SHIFT_TAB);
    t.wait_status("Reports 1/15");
    t.send(SHIFT_TAB);
    t.wait_status("Facts 1/229");
    t.send(SHIFT_TAB);
    t.wait_status("Timeline 1/");
    t.send(SHIFT_TAB);
    t.wait_status("Compare 1/");
    t.send(SHIFT_TAB);
    t.wait_status("Sources 1/5");
    t.send(SHIFT_TAB);
    t.wait_status("Trends 1/86");
    t.send("2");
    t.wait_status("Executives 1/19");
    t.send("1");
    t.wait_status("Vendors 1/55");
}

/// The line of the detail pane holding the relation marker, if the pane is focused.
fn marked(lines: &[String]) -> Option<String> {
    lines
        .iter()
        .find_map(|l| l.find("› ").map(|i| l[i..].to_string()))
}

#[test]
fn follows_a_relation_and_walks_history() {
    let mut t = Tui::start(120, 40);
    // Move down until the detail pane shows AWS (亚马逊云科技); remember its row.
    let mut row = 1;
    while !t.lines()[1].contains("┌ 亚马逊云科技 ·") {
        assert!(row < 55, "AWS not found in the Vendors table");
        t.send("j");
        row += 1;
        t.wait_status(&format!("Vendors {row}/55"));
    }

    t.send(ENTER);
    t.wait_for_lines("the relation marker", |l| marked(l).is_some());
    for _ in 0..40 {
        let Some(line) = marked(&t.lines()) else {
            panic!("the marker went away:\n{}", t.lines().join("\n"))
        };
        if line.contains("储瑞松") {
            break;
        }
        t.send("j");
        t.wait_for_lines("the marker to move", |l| marked(l).is_some_and(|m| m != line));
    }
    assert!(marked(&t.lines()).is_some_and(|m| m.contains("储瑞松")));

    let status_row = usize::from(t.rows) - 2;
    let on_chu = |l: &[String]| {
        let status = &l[status_row];
        l[1].contains("┌ 储瑞松 ·") && status.contains("Executives ") && status.contains("· history 1")
    };
    t.send(ENTER);
    t.wait_for_lines("储瑞松 on the Executives tab", on_chu);

    t.send(BACKSPACE);
    t.wait_for_lines("back on Vendors with AWS selected", |l| {
        l[1].contains("┌ 亚马逊云科技 ·") && l[usize::from(t.rows) - 2].contains(&format!("Vendors {row}/55"))
    });

    t.send(ALT_RIGHT);
    t.wait_for_lines("储瑞松 again after Alt-Right", on_chu);
}

#[test]
fn types_a_filter_and_jumps_from_the_palette() {
    let mut t = Tui::start(120, 40);
    t.send("/");
    t.send("crs");
    t.wait_for_lines("the filter line", |l| {
        l[usize::from(t.rows) - 2].contains(" /crs")
    });
    // On Vendors nothing is called crs by name: the rows shrink to what matches anywhere.
    t.send(ESC);
    t.wait_status("Vendors 1/55");
    t.send("2/");
    t.send("churuisong");
    t.wait_for_lines("储瑞松 first", |l| {
        l[3].contains("储瑞松") && l[1].contains("Executives 1/19 · /churuisong")
    });
    t.send(ENTER);
    t.wait_status("Executives 1/1 · /churuisong");
    t.send(ESC);
    t.wait_status("Executives 1/19");
    // The palette: Ctrl-k, type, Enter jumps across tabs; Backspace comes back.
    t.send("1\x0b");
    t.wait_for("the palette", |s| s.contains("Search everything"));
    t.send("t3 tencent");
    t.wait_for("the T3 migration", |s| s.contains("T3出行全量迁至腾讯云"));
    t.send(ENTER);
    t.wait_for_lines("the deal on the Deals tab", |l| {
        l[1].contains("T3出行全量迁至腾讯云") && l[usize::from(t.rows) - 2].contains("Deals ")
    });
    t.send(BACKSPACE);
    t.wait_status("Vendors 1/55");
}

/// Compare on a real terminal: `6`, a query, and the shares come ranked, largest first, with a
/// bar in each row; `p` switches the columns to the reports.
#[test]
fn compare_ranks_the_figures_a_query_selects() {
    let mut t = Tui::start(120, 40);
    t.send("6/");
    t.send("metric:market-share report:canalys");
    t.send(ENTER);
    t.wait_status("Compare 1/3 · /metric:market-share report:canalys");
    t.wait_for_lines("AWS, Azure, Google ranked with bars", |l| {
        l[2].contains("2025-Q2▼")
            && l[3].contains("亚马逊云科技")
            && l[3].contains("██████████")
            && l[3].contains("32%")
            && l[4].contains("微软云")
            && l[4].contains("22%")
            && l[5].contains("谷歌云")
            && l[5].contains("11%")
    });
    t.send("p");
    t.wait_for_lines("the report's column", |l| {
        l[2].contains("Canalys 2025-Q2") && l[2].contains("Period")
    });
    assert!(t.quit().success());
}

/// `e` on the Trends chart: the prompt offers `chart-<id>.svg`, and the file written holds the
/// bytes `marketlens export --chart <id>` prints.
#[test]
fn exports_the_trends_chart_as_svg() {
    let mut t = Tui::start(120, 40);
    t.send("4/");
    t.send("'aliyun-revenue");
    t.send(ENTER);
    t.wait_status("Trends 1/2 · /'aliyun-revenue");
    t.send("e");
    t.wait_for_lines("the chart's export prompt", |l| {
        l[usize::from(t.rows) - 2].contains("export to: chart-aliyun-revenue.svg")
    });
    t.send(ENTER);
    t.wait_status("exported a chart of 1 series to ./chart-aliyun-revenue.svg");
    let written = std::fs::read(t._dir.path().join("chart-aliyun-revenue.svg")).unwrap();
    let cli = std::process::Command::new(BIN)
        .args(["export", "--chart", "aliyun-revenue"])
        .output()
        .unwrap();
    assert!(cli.status.success());
    assert_eq!(
        written, cli.stdout,
        "the explorer and the command line write the same SVG"
    );
    assert!(t.quit().success());
}

/// `space` marks two Trends series (the title counts them, a marker shows on their rows), `c`
/// charts them together (the status line names both, the title says `charted`), `c` again goes
/// back to the selected series.
#[test]
fn marks_two_trends_series_and_charts_them_together() {
    let kb = marketlens::kb::load_builtin().kb;
    let view = marketlens::view::rows(
        &kb,
        &marketlens::view::ViewSpec::new(marketlens::view::Tab::Trends),
    );
    let name = |pos: usize| kb.series_by_id(&view.get(pos).unwrap().id).unwrap().name.clone();
    let (second, third) = (name(1), name(2));
    let mut t = Tui::start(120, 40);
    t.send("4");
    t.wait_for("the Trends tab", |s| s.contains("Trends 86/86"));
    t.send("c");
    t.wait_status("mark series with Space first");
    t.send("j  ");
    t.wait_for_lines("two marked rows and the count", |l| {
        l[1].contains("Trends 86/86 · 2 marked")
            && l[4].starts_with("│* ")
            && l[5].starts_with("│* ")
            && l[3].starts_with("│  ")
            && l[6].starts_with("│  ")
    });
    t.send("c");
    t.wait_status("charting 2 marked series");
    let status = t.lines()[38].clone();
    assert!(
        status.contains(&format!("{second}, {third}")),
        "both names, in the order marked: {status}"
    );
    t.wait_for_lines("the title says the marks are charted", |l| {
        l[1].contains("2 marked · charted")
    });
    t.send("c");
    t.wait_status("charting the selected series");
    t.wait_for_lines("the title no longer says charted", |l| {
        l[1].contains("2 marked") && !l[1].contains("charted")
    });
    assert!(t.quit().success());
}

/// The Trends chart on a real terminal (issue 19): select Alibaba Cloud's revenue with a filter,
/// and the chart draws its half-year and its quarter as two lines with the note saying why they
/// are not joined, the values with their qualifier, on a time axis ticked in quarters.
#[test]
fn trends_chart_draws_alibaba_revenue_apart_with_its_note() {
    let mut t = Tui::start(120, 40);
    t.send("4jjj");
    t.wait_for("another series' chart", |s| {
        s.contains("Trends 4/86") && !s.contains("half-years and quarters")
    });
    t.send("/");
    t.send("metric:revenue 阿里云营收");
    t.send(ENTER);
    t.wait_status("Trends 1/1 · /metric:revenue 阿里云营收");
    t.wait_for_lines("the chart of 阿里云营收 with its note", |l| {
        let s = l.join("\n");
        s.contains("● 阿里云营收 · half-years")
            && s.contains("■ 阿里云营收 · quarters")
            && s.contains("635亿元")
            && s.contains(">398亿元")
            && s.contains("Q3")
            && l.iter()
                .any(|r| r.contains("阿里云营收: half-years and quarters drawn as"))
    });
    assert!(t.quit().success());
}

#[test]
fn exports_the_view_to_a_file_and_copies_it_with_osc52() {
    let mut t = Tui::start(120, 40);
    t.send("3e");
    t.wait_for_lines("the export prompt", |l| {
        l[usize::from(t.rows) - 2].contains("export to: marketlens-deals-")
    });
    t.send(ENTER);
    t.wait_status("exported 71 rows to ./marketlens-deals-");
    let files: Vec<String> = std::fs::read_dir(t._dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(
        files[0].starts_with("marketlens-deals-") && files[0].ends_with(".md"),
        "{files:?}"
    );
    let md = std::fs::read_to_string(t._dir.path().join(&files[0])).unwrap();
    assert!(
        md.starts_with("# marketlens · Deals") && md.contains("| Date |"),
        "{md}"
    );
    // The same name again: asked, and `n` keeps the file.
    t.send("e");
    t.send(ENTER);
    t.wait_status("exists: y overwrites it");
    t.send("n");
    t.send(ESC);
    t.wait_status("export cancelled");
    assert_eq!(
        std::fs::read_to_string(t._dir.path().join(&files[0])).unwrap(),
        md
    );
    // `C v`: OSC 52 with the view as base64 text.
    t.send("C");
    t.send("v");
    t.wait_status("copied 71 rows");
    let raw = String::from_utf8_lossy(&t.raw()).into_owned();
    assert!(raw.contains("\x1b]52;c;"), "no OSC 52 sequence");
    let clip = lock(&t.parser).callbacks().clipboard.clone();
    assert_eq!(clip.len(), 1, "one clipboard write: {clip:?}");
}

#[test]
fn help_overlay_opens_and_closes() {
    let mut t = Tui::start(120, 40);
    t.send("?");
    // "quit" is in the footer too, so look for the overlay's own line (the footer is the last row).
    // At 120×40 the overlay fits in two columns: no scrolling ("Keys — j/k scroll" would say so).
    t.wait_for_lines("the help overlay", |l| {
        let above_footer = &l[..l.len() - 1];
        l.iter().any(|r| r.contains("Keys — Esc or ? closes"))
            && above_footer
                .iter()
                .any(|r| r.contains("q/Ctrl-c") && r.contains("quit"))
    });
    t.send(ESC);
    t.wait_for("the help overlay to close", |s| !s.contains("Keys — "));
    // The Esc was a plain Esc, and keys reach the table again.
    t.send("j");
    t.wait_status("Vendors 2/55");
    let status = t.quit();
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn re_lays_out_on_resize() {
    let mut t = Tui::start(120, 40);
    // At 120 columns the nine tabs keep their full titles (the counts need 150).
    assert!(t.lines()[0].contains("1 Vendors") && t.lines()[0].contains("9 Reports"));

    t.resize(80, 24);
    t.wait_for_lines("the layout for 80x24", |l| {
        let top = &l[1];
        top.starts_with("┌ Vendors")
            && top.ends_with('┐')
            && top.chars().count() == 80
            && l[22].contains("Vendors 1/55")
    });
    let tabs = &t.lines()[0];
    for n in 1..=9 {
        assert!(tabs.contains(&format!("{n} ")), "tab {n} missing: {tabs:?}");
    }
    // At 80 columns the nine titles are cut to four columns each, the current one included.
    assert!(tabs.contains("1 Ven…") && tabs.contains("9 Rep…"), "{tabs:?}");

    t.resize(30, 8);
    t.wait_for("the too-small message", |s| s.contains("Terminal too small"));

    t.resize(100, 30);
    t.wait_for_lines("the layout for 100x30", |l| {
        let top = &l[1];
        top.starts_with("┌ Vendors")
            && top.ends_with('┐')
            && top.chars().count() == 100
            && l[28].contains("Vendors 1/55")
            && !l.iter().any(|r| r.contains("Terminal too small"))
    });
    let status = t.quit();
    assert!(status.success(), "exit status {status:?}");
}

/// Assert that the running app put the terminal in its modes: alternate screen, hidden cursor,
/// mouse reporting, raw mode.
fn assert_engaged(t: &Tui) {
    {
        let p = lock(&t.parser);
        let s = p.screen();
        assert!(s.alternate_screen(), "the app runs on the alternate screen");
        assert!(s.hide_cursor(), "the app hides the cursor");
        assert_ne!(s.mouse_protocol_mode(), vt100::MouseProtocolMode::None);
    }
    #[cfg(unix)]
    assert_eq!(
        t.canonical_and_echo(),
        (false, false),
        "raw mode while running: (ICANON, ECHO)"
    );
}

/// After the app has exited: raw mode off (from the pty's termios), and — from everything it
/// wrote — the alternate screen left, the cursor shown and mouse reporting off. Drains the pty.
fn assert_restored(t: &mut Tui) {
    // Our end of the slave is still open, so the pty keeps the modes the app left behind.
    #[cfg(unix)]
    assert_eq!(
        t.canonical_and_echo(),
        (true, true),
        "(ICANON, ECHO) are back on after exit"
    );
    t.drain();
    assert_modes_left(t, 0, "after exit");
}

/// The screen is the shell's again ({when}): the alternate screen left, the cursor shown and
/// mouse reporting off, on the emulated screen and in the bytes, each turned off after it was
/// last turned on and at or after byte `since` of the output.
fn assert_modes_left(t: &Tui, since: usize, when: &str) {
    {
        let p = lock(&t.parser);
        let s = p.screen();
        assert!(!s.alternate_screen(), "left the alternate screen {when}");
        assert!(!s.hide_cursor(), "the cursor is shown {when}");
        assert_eq!(s.mouse_protocol_mode(), vt100::MouseProtocolMode::None);
    }
    let raw = t.raw();
    for (on, off, what) in [
        (&b"\x1b[?1049h"[..], &b"\x1b[?1049l"[..], "alternate screen"),
        (b"\x1b[?25l", b"\x1b[?25h", "cursor"),
        (b"\x1b[?1000h", b"\x1b[?1000l", "mouse reporting"),
    ] {
        let set = rfind(&raw, on).unwrap_or_else(|| panic!("{what} was never enabled"));
        let unset = rfind(&raw, off).unwrap_or_else(|| panic!("{what} was never disabled {when}"));
        assert!(
            unset > set && unset >= since,
            "{what} is disabled {when}, after it was last enabled"
        );
    }
}

#[test]
fn restores_the_terminal_on_quit() {
    let mut t = Tui::start(120, 40);
    assert_engaged(&t);
    let status = t.quit();
    assert!(status.success(), "exit status {status:?}");
    assert_restored(&mut t);
}

/// Send `signal` to the app with kill(2).
#[cfg(unix)]
fn kill(t: &Tui, signal: i32) {
    let pid = t.child.process_id().expect("the child's pid");
    let pid = i32::try_from(pid).expect("a pid fits in pid_t");
    // SAFETY: kill(2) has no memory-safety preconditions.
    let r = unsafe { libc::kill(pid, signal) };
    assert_eq!(r, 0, "kill({pid}, {signal}): {}", std::io::Error::last_os_error());
}

/// A signal from outside stops the app through its normal teardown, with exit code 128 + signal.
#[cfg(unix)]
fn stops_on_signal(signal: i32) {
    let mut t = Tui::start(100, 30);
    assert_engaged(&t);
    let start = Instant::now();
    kill(&t, signal);
    let status = t.wait_exit(Duration::from_secs(5));
    assert_eq!(
        status.exit_code(),
        128 + signal as u32,
        "exit status {status:?} after signal {signal}"
    );
    // The normal teardown, not the signal thread's fallback after its 1.5 s grace period.
    assert!(
        start.elapsed() < Duration::from_millis(1400),
        "the UI thread stopped by itself, within the grace period: took {:?}",
        start.elapsed()
    );
    assert_restored(&mut t);
}

#[cfg(unix)]
#[test]
fn restores_the_terminal_on_sigterm() {
    stops_on_signal(libc::SIGTERM);
}

#[cfg(unix)]
#[test]
fn restores_the_terminal_on_sighup_and_sigint() {
    stops_on_signal(libc::SIGHUP);
    stops_on_signal(libc::SIGINT);
}

/// When the UI thread does not stop by itself, the signal thread restores the terminal and exits
/// after the grace period.
#[cfg(unix)]
#[test]
fn restores_the_terminal_on_sigterm_when_the_ui_thread_hangs() {
    let mut t = Tui::spawn_with(100, 30, &[], &[("MARKETLENS_TEST_PANIC", "stall:!")]);
    t.wait_for("the first frame", |s| s.contains("Vendors 1/55"));
    t.send("j");
    t.wait_status("Vendors 2/55");
    t.send("!j");
    thread::sleep(Duration::from_millis(200));
    assert!(t.lines()[28].contains("Vendors 2/55"), "the UI hangs on `!`");
    assert_engaged(&t);
    let start = Instant::now();
    kill(&t, libc::SIGTERM);
    let status = t.wait_exit(Duration::from_secs(8));
    assert_eq!(status.exit_code(), 143, "exit status {status:?}");
    assert!(
        start.elapsed() >= Duration::from_millis(1000),
        "exited after the grace period: {:?}",
        start.elapsed()
    );
    assert_restored(&mut t);
}

#[test]
fn restores_the_terminal_on_a_panic_in_the_ui_thread() {
    let mut t = Tui::spawn_with(100, 30, &[], &[("MARKETLENS_TEST_PANIC", "!")]);
    t.wait_for("the first frame", |s| s.contains("Vendors 1/55"));
    assert_engaged(&t);
    t.send("j!");
    let status = t.wait_exit(Duration::from_secs(5));
    assert_eq!(status.exit_code(), 101, "exit status {status:?}");
    assert_restored(&mut t);
    // The message is printed after the restore, so it is on the normal screen, where it stays.
    let screen = t.screen();
    assert!(
        screen.contains("panicked") && screen.contains("test panic on key '!'"),
        "the panic message on the normal screen:\n{screen}"
    );
}

#[test]
fn restores_the_terminal_and_exits_on_a_panic_in_the_search_worker() {
    let mut t = Tui::spawn_with(100, 30, &[], &[("MARKETLENS_TEST_PANIC", "worker")]);
    t.wait_for("the first frame", |s| s.contains("Vendors 1/55"));
    assert_engaged(&t);
    // The palette searches on the worker as soon as something is typed.
    t.send("\x0bali");
    let status = t.wait_exit(Duration::from_secs(5));
    assert_eq!(status.exit_code(), 101, "exit status {status:?}");
    assert_restored(&mut t);
    let screen = t.screen();
    assert!(
        screen.contains("test panic in the search worker"),
        "the panic message on the normal screen:\n{screen}"
    );
}

/// The state letter of process `pid` from /proc (`T` when stopped), `None` when it is gone.
#[cfg(target_os = "linux")]
fn proc_state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) S …`: the name may hold spaces and parentheses, the state follows the last `)`.
    stat[stat.rfind(')')? + 1..].trim_start().chars().next()
}

/// Wait (bounded) until the child's state is (`stopped`) or is not (`!stopped`) `T`.
#[cfg(target_os = "linux")]
fn wait_stopped(t: &Tui, stopped: bool) {
    let pid = t.child.process_id().expect("the child's pid");
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let state = proc_state(pid);
        if state.is_some_and(|s| (s == 'T') == stopped) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the app's state stayed {state:?} for {TIMEOUT:?}, waiting for it to be {}stopped; the screen:\n{}",
            if stopped { "" } else { "no longer " },
            t.lines().join("\n")
        );
        thread::sleep(POLL);
    }
}

/// Suspend the app with `suspend` (Ctrl-z or a signal): while it is stopped the terminal is the
/// shell's again; SIGCONT (what `fg` sends) brings the explorer back, redrawn, where it was.
#[cfg(target_os = "linux")]
fn suspends_and_resumes(suspend: impl Fn(&mut Tui)) {
    let mut t = Tui::start(100, 30);
    t.send("j");
    t.wait_status("Vendors 2/55");
    assert_engaged(&t);
    let before = t.raw().len();

    suspend(&mut t);
    wait_stopped(&t, true);
    assert_eq!(
        t.canonical_and_echo(),
        (true, true),
        "(ICANON, ECHO) are back on while stopped"
    );
    t.wait_screen_left();
    assert_modes_left(&t, before, "on suspend");

    kill(&t, libc::SIGCONT);
    wait_stopped(&t, false);
    // The alternate screen comes back empty: only a full redraw shows the explorer again.
    t.wait_for_lines("the explorer redrawn after SIGCONT", |l| {
        // At 100 columns the tab bar has every title, without counts.
        l[0].contains("1 Vendors")
            && l[0].contains("9 Reports")
            && l[1].starts_with("┌ Vendors")
            && l[28].contains("Vendors 2/55")
    });
    assert_engaged(&t);
    // And it still takes keys, in raw mode.
    t.send("j");
    t.wait_status("Vendors 3/55");
    let status = t.quit();
    assert!(status.success(), "exit status {status:?}");
    assert_restored(&mut t);
}

#[cfg(target_os = "linux")]
#[test]
fn ctrl_z_suspends_and_sigcont_resumes() {
    // In raw mode Ctrl-z is a key (0x1a), not a signal.
    suspends_and_resumes(|t| t.send("\x1a"));
}

#[cfg(target_os = "linux")]
#[test]
fn sigtstp_suspends_and_sigcont_resumes() {
    suspends_and_resumes(|t| kill(t, libc::SIGTSTP));
}

/// The terminal closes (its pty master, as when a tmux session ends) and no SIGHUP reaches the
/// app: it runs under a shell that ignores SIGHUP and is the session leader, the one the kernel
/// signals. The app must notice that its input is gone and exit, not spin on `read` forever.
#[cfg(target_os = "linux")]
#[test]
fn exits_when_the_terminal_closes_without_a_sighup() {
    use std::os::fd::RawFd;
    let pair = native_pty_system().openpty(pty_size(80, 24)).expect("open a pty");
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut cmd = CommandBuilder::new("sh");
    // Not `exec`: the shell stays the session leader, so the hang-up's SIGHUP goes to it alone.
    cmd.args(["-c", r#"trap '' HUP; "$0"; exit $?"#, BIN]);
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("MARKETLENS_TEST_PANIC");
    cmd.cwd(dir.path());
    let mut child = pair.slave.spawn_command(cmd).expect("spawn marketlens");
    drop(pair.slave);
    let fd: RawFd = pair.master.as_raw_fd().expect("the master's fd");
    let mut reader = pair.master.try_clone_reader().expect("pty reader");
    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(Vec::new()));
    // A reader that can be told to stop and close its copy of the master: the pty only hangs up
    // once every descriptor of the master is closed.
    let reading = {
        let (stop, seen) = (stop.clone(), seen.clone());
        thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while !stop.load(Ordering::SeqCst) {
                let mut p = libc::pollfd {
                    fd,
                    events: libc::POLLIN,
                    revents: 0,
                };
                // SAFETY: one valid pollfd, for the duration of the call.
                if unsafe { libc::poll(&mut p, 1, 20) } > 0 {
                    match reader.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => lock(&seen).extend_from_slice(&buf[..n]),
                    }
                }
            }
        })
    };
    let deadline = Instant::now() + TIMEOUT;
    while !String::from_utf8_lossy(&lock(&seen)).contains("Vendors 1/55") {
        assert!(Instant::now() < deadline, "no first frame within {TIMEOUT:?}");
        thread::sleep(POLL);
    }
    stop.store(true, Ordering::SeqCst);
    reading.join().expect("the reader thread");
    drop(pair.master); // The last descriptor of the master: the terminal is gone.

    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() >= deadline {
            // The shell ignores SIGHUP: SIGKILL the app (its child), then the shell.
            if let Some(pid) = child.process_id() {
                let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"));
                for app in children.unwrap_or_default().split_whitespace() {
                    if let Ok(app) = app.parse::<i32>() {
                        // SAFETY: kill(2) has no memory-safety preconditions.
                        unsafe { libc::kill(app, libc::SIGKILL) };
                    }
                }
                // SAFETY: as above.
                unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            }
            let _ = child.wait();
            panic!("the app did not exit within {TIMEOUT:?} after its terminal closed");
        }
        thread::sleep(POLL);
    };
    // As after a hang-up: 128 + SIGHUP.
    assert_eq!(status.exit_code(), 129, "exit status {status:?}");
}

#[test]
fn refuses_to_run_without_a_terminal() {
    let start = Instant::now();
    let mut child = std::process::Command::new(BIN)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .env_remove("NO_COLOR")
        .spawn()
        .expect("spawn marketlens");
    let status = loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            break s;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("marketlens without a terminal did not exit within {TIMEOUT:?}");
        }
        thread::sleep(POLL);
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    child.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(!status.success(), "exit status {status:?}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
    assert!(
        stderr.contains("needs a terminal") && stderr.contains("check") && stderr.contains("export"),
        "stderr points to the headless commands: {stderr:?}"
    );
    assert!(
        !stdout.contains("\x1b["),
        "no escape sequences on a pipe: {stdout:?}"
    );
}

#[test]
fn follows_edits_to_the_kb_and_keeps_the_last_good_one_when_an_edit_breaks_it() {
    let kb = kb_copy();
    let deals = kb.path().join("deals.toml");
    let original = std::fs::read_to_string(&deals).expect("deals.toml");
    let dir = kb.path().to_str().expect("a UTF-8 temporary path").to_string();
    let mut t = Tui::spawn_with(120, 35, &["--kb", &dir], &[]);
    t.wait_for("the first frame", |s| s.contains("Vendors 1/55"));
    t.send("3");
    t.wait_for("the Deals tab", |s| s.contains("Deals 1/71"));

    // A new deal, written in place: the tab grows and the status line says what changed.
    std::fs::write(&deals, format!("{original}{NEW_DEAL}")).expect("write");
    t.wait_status("+1 deal");
    t.wait_for("72 deals", |s| s.contains("Deals 1/72"));

    // A broken edit: the banner names the file, line and column; the last good data stays.
    let broken = format!("{original}{NEW_DEAL}bogus = 1\n");
    std::fs::write(&deals, &broken).expect("write");
    let line = broken.lines().count();
    t.wait_for("the error banner", |s| s.contains("The KB on disk has 1 error"));
    t.wait_for("the error's place", |s| {
        s.contains(&format!("deals.toml:{line}:1: error: unknown field `bogus`"))
    });
    assert!(
        t.screen().contains("Deals 1/72"),
        "the last good KB stays:\n{}",
        t.screen()
    );

    // Fixed the way vim saves (a new file renamed over the old): the banner goes.
    let tmp = kb.path().join(".deals.toml.swp");
    std::fs::write(&tmp, &original).expect("write");
    std::fs::rename(&tmp, &deals).expect("rename");
    t.wait_status("errors fixed");
    t.wait_for("71 deals again", |s| s.contains("Deals 1/71"));
    assert!(!t.screen().contains("The KB on disk has"), "{}", t.screen());

    // `r` reloads on demand.
    t.send("r");
    t.wait_status("no changes");
    assert!(t.quit().success());
}

/// The fixture whose every free-text field carries escape sequences, controls, bidi and
/// zero-width characters (see its header).
fn hostile_kb() -> String {
    format!("{}/tests/fixtures/good/hostile.toml", env!("CARGO_MANIFEST_DIR"))
}

/// Byte sequences of the fixture's payload that must never reach the terminal as they are.
const PAYLOAD: &[(&[u8], &str)] = &[
    (b"\x1b]", "an OSC sequence (title, clipboard, …)"),
    (b"\x1bc", "RIS (full reset)"),
    (b"\x1b[31;1m", "the payload's SGR colour"),
    (b"\x1b[2J\x1b[H", "the payload's clear and home"),
    (b"\x1b[10;10H", "the payload's cursor move"),
    (b"\x07", "BEL"),
    (b"\x00", "NUL"),
    (b"\x08", "backspace"),
    (b"\x7f", "DEL"),
    (b"\x0b", "VT"),
    (b"\x0c", "FF"),
    (b"\t", "a tab"),
    (b"\xc2\x85", "C1 NEL"),
    (b"\xc2\x90", "C1 DCS"),
    (b"\xc2\x9b", "C1 CSI"),
    (b"\xc2\x9c", "C1 ST"),
    (b"\xc2\x9d", "C1 OSC"),
    ("\u{202e}".as_bytes(), "RLO (bidi override)"),
    ("\u{202c}".as_bytes(), "PDF (bidi)"),
    ("\u{2066}".as_bytes(), "LRI (bidi isolate)"),
    ("\u{2069}".as_bytes(), "PDI (bidi isolate)"),
    ("\u{200f}".as_bytes(), "RLM"),
    ("\u{200b}".as_bytes(), "zero-width space"),
    ("\u{200d}".as_bytes(), "zero-width joiner"),
    ("\u{feff}".as_bytes(), "BOM / zero-width no-break space"),
    ("\u{2060}".as_bytes(), "word joiner"),
    ("\u{2028}".as_bytes(), "line separator"),
    ("\u{2029}".as_bytes(), "paragraph separator"),
    ("\u{ad}".as_bytes(), "soft hyphen"),
    ("\u{206a}".as_bytes(), "deprecated format character"),
    ("\u{600}".as_bytes(), "Arabic prepended mark"),
    ("\u{6dd}".as_bytes(), "Arabic end of ayah"),
    ("\u{1d173}".as_bytes(), "musical format character"),
    ("\u{1bca0}".as_bytes(), "shorthand format control"),
    ("\u{13430}".as_bytes(), "Egyptian format control"),
    ("\u{e0100}".as_bytes(), "variation selector"),
    ("\u{fdd0}".as_bytes(), "noncharacter"),
    ("\u{1f1e8}".as_bytes(), "regional indicator"),
    ("\u{ff9e}".as_bytes(), "halfwidth voicing mark"),
];

/// Every KB string is drawn inertly: the app is driven through every tab, a selection, the
/// details, a filter, the palette and the help, and nothing of the payload reaches the terminal
/// raw; the escapes are shown as visible text instead.
#[test]
fn hostile_kb_text_reaches_the_terminal_inert() {
    let kb = hostile_kb();
    let mut t = Tui::spawn_with(120, 40, &["--kb", &kb], &[]);
    t.wait_for("the first frame", |s| s.contains("Vendors 1/2"));
    // The escapes are there to see, as text.
    t.wait_for("visible escapes", |s| {
        s.contains("V1-NAME") && s.contains("\\u{1b}]0;PWNED-TITLE")
    });
    let mut seen = Vec::new();
    for (n, name) in [
        ('1', "Vendors"),
        ('2', "Executives"),
        ('3', "Deals"),
        ('4', "Trends"),
        ('5', "Sources"),
        ('8', "Facts"),
        ('9', "Reports"),
    ] {
        t.send(&n.to_string());
        t.wait_status(&format!("{name} 1/2"));
        t.send("j");
        t.wait_status(&format!("{name} 2/2"));
        t.send("k");
        t.wait_status(&format!("{name} 1/2"));
        // Into the detail: walk its relations, scroll, back out.
        t.send(ENTER);
        t.send("jjjj");
        t.send(ESC);
        t.wait_status(&format!("{name} 1/2"));
        seen.push(t.screen());
    }
    // A filter on the table, then the palette with a query that matches the payload text.
    t.send("1/pwned");
    t.wait_for_lines("the filter", |l| l[38].contains("/pwned"));
    t.send(ENTER);
    t.send(ESC);
    t.wait_status("Vendors 1/2");
    t.send("\x0bend");
    t.wait_for("palette results", |s| s.contains(" matches"));
    t.send("jj");
    seen.push(t.screen());
    t.send(ENTER);
    t.send(ESC);
    t.send("?");
    t.wait_for("the help overlay", |s| s.contains("Keys — "));
    t.send(ESC);
    let status = t.quit();
    assert!(status.success(), "exit status {status:?}");
    assert_restored(&mut t);

    let all = seen.join("\n");
    for field in [
        "V1-NAME",
        "E1-NAME",
        "D1-TITLE",
        "S1-NAME",
        "SRC1-TITLE",
        "S2-NAME",
        "V2-NAME",
        "F1-TEXT",
        "R1-TITLE",
    ] {
        assert!(all.contains(field), "{field} was never on screen:\n{all}");
    }
    for shown in ["\\u{1b}", "\\u{7}", "\\u{9b}", "\\u{202e}", "\\u{200b}"] {
        assert!(all.contains(shown), "{shown} not shown as text:\n{all}");
    }

    let raw = t.raw();
    for (bytes, what) in PAYLOAD {
        if let Some(at) = raw.windows(bytes.len()).position(|w| w == *bytes) {
            let from = at.saturating_sub(40);
            let to = (at + 40).min(raw.len());
            panic!(
                "{what} reached the terminal: {:?}",
                String::from_utf8_lossy(&raw[from..to])
            );
        }
    }
    // The teardown sequences appear once, at the very end: no KB string wrote them.
    for seq in [&b"\x1b[?1049l"[..], b"\x1b[?1000l"] {
        let n = raw.windows(seq.len()).filter(|w| w == &seq).count();
        assert_eq!(n, 1, "{:?} written {n} times", String::from_utf8_lossy(seq));
    }
    let p = lock(&t.parser);
    let ev = p.callbacks();
    assert!(ev.titles.is_empty(), "window title set: {:?}", ev.titles);
    assert!(ev.icon_names.is_empty(), "icon name set: {:?}", ev.icon_names);
    assert!(ev.clipboard.is_empty(), "clipboard written: {:?}", ev.clipboard);
    assert_eq!(ev.bells, 0, "the bell rang");
}

/// `F` on Deals, the chooser down to Kind, Enter: the grouped table, built on its thread;
/// Enter on the second group filters the tab to it; Esc shows every deal again.
#[test]
fn groups_deals_by_kind_and_filters_to_a_group() {
    let mut t = Tui::start(120, 40);
    t.send("3");
    t.wait_status("Deals 1/71");
    t.send("F");
    t.wait_for("the column chooser", |s| s.contains("Group Deals by"));
    t.send("jjj\r");
    t.wait_for("the deals grouped by kind", |s| {
        s.contains("Deals grouped by Kind") && s.contains("Count") && s.contains("█")
    });
    t.send("j\r");
    t.wait_for_lines("the tab filtered to the group", |l| {
        l[1].contains("Deals 10/71") && l[1].contains("Kind = price-change")
    });
    t.send(ESC);
    t.wait_for_lines("every deal again", |l| l[1].contains("Deals 71/71"));
    let status = t.quit();
    assert!(status.success(), "exit status {status:?}");
}

/// Tab 7, `/from:microsoft`: the Timeline shows the three moves that left Microsoft and nothing
/// else (not the other moves of the same people, not deals).
#[test]
fn timeline_filters_events_from_microsoft() {
    let mut t = Tui::start(120, 40);
    t.send("7");
    t.wait_status("Timeline 1/");
    t.wait_for_lines("the Timeline header", |l| {
        l[2].contains("Quarter") && l[2].contains("From") && l[2].contains("To")
    });
    t.send("/from:microsoft");
    t.send(ENTER);
    t.wait_status("Timeline 1/3 · /from:microsoft");
    t.wait_for_lines("only moves from Microsoft", |l| {
        let rows: Vec<&String> = l[3..]
            .iter()
            .take_while(|r| !r.starts_with('└'))
            .filter(|r| r.chars().skip(1).take(70).any(|c| !c.is_whitespace() && c != '│'))
            .collect();
        rows.len() == 3
            && rows.iter().all(|r| r.contains(" move ") && r.contains("微软"))
            && rows.iter().any(|r| r.contains("袁志明") && r.contains("阿里云"))
            && !l.iter().any(|r| r.contains("储瑞松"))
    });
}

/// Deals by kind per vendor in the real binary: `F`, Vendor ticked with Space, Kind, Enter; the
/// combinations are counted on the grouping thread; `F` there reopens the chooser with Vendor
/// ticked; Enter on the first combination keeps the deals holding both values; Esc returns.
#[test]
fn groups_deals_by_vendor_and_kind_and_filters_to_a_combination() {
    let mut t = Tui::start(120, 40);
    t.send("3");
    t.wait_status("Deals 1/71");
    t.send("F");
    t.wait_for("the column chooser", |s| s.contains("Space adds a key"));
    t.send("j jj");
    t.wait_for("the chooser naming both keys", |s| {
        s.contains("Group Deals by Vendor × Kind")
    });
    t.send("\r");
    t.wait_for_lines("the deals grouped by vendor and kind", |l| {
        l[1].contains("Deals grouped by Vendor × Kind")
            && l[2].contains("Vendor")
            && l[2].contains("Kind")
            && l[2].contains("Count")
            && l[3].contains("阿里云")
            && l[3].contains("data-center")
            && l[3].contains("10")
    });
    t.send("F");
    t.wait_for("the chooser with Vendor ticked", |s| s.contains("1 Vendor"));
    t.send(ESC);
    t.wait_for_lines("the grouped table again", |l| {
        !l.iter().any(|r| r.contains("Space adds a key")) && l[1].contains("Vendor × Kind")
    });
    t.send("\r");
    t.wait_for_lines("the tab filtered to the combination", |l| {
        l[1].contains("Deals 10/71")
            && l.iter()
                .any(|r| r.contains("Vendor = 阿里云, Kind = data-center"))
    });
    t.send(ESC);
    t.wait_for_lines("every deal again", |l| l[1].contains("Deals 71/71"));
    let status = t.quit();
    assert!(status.success(), "exit status {status:?}");
}

/// Where `text` starts on screen (row, column in cells), if it is there.
fn find_cells(t: &Tui, text: &str) -> Option<(u16, u16)> {
    let p = lock(&t.parser);
    let s = p.screen();
    for row in 0..t.rows {
        let mut line = String::new();
        let mut cols = Vec::new();
        for col in 0..t.cols {
            let Some(c) = s.cell(row, col) else { continue };
            if c.is_wide_continuation() {
                continue;
            }
            for _ in c.contents().chars() {
                cols.push(col);
            }
            line.push_str(c.contents());
        }
        if let Some(at) = line.find(text) {
            return Some((row, cols[line[..at].chars().count()]));
        }
    }
    None
}

/// (underlined, inverse) of the first cell of `text` on screen.
fn attrs_of(t: &Tui, text: &str) -> (bool, bool) {
    let (row, col) = find_cells(t, text).unwrap_or_else(|| panic!("{text:?} not on screen:\n{}", t.screen()));
    let p = lock(&t.parser);
    let c = p.screen().cell(row, col).expect("a cell");
    (c.underline(), c.inverse())
}

/// `O` on a source with an archived article opens it full screen, every passage the KB quotes
/// underlined; `n` makes the next one current (reverse video) and says which of how many; Esc
/// closes. On a source without one, the status line says how to add it.
#[test]
fn reads_a_sources_article_with_its_quotes_highlighted() {
    let kb = format!(
        "{}/tests/fixtures/good/archived_reader",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut t = Tui::spawn_with(80, 24, &["--kb", &kb], &[]);
    t.wait_for("the first frame", |s| s.contains("Vendors 1/2"));
    t.send("5");
    t.wait_status("Sources 1/2");
    t.send("O");
    t.wait_for("the reader", |s| {
        s.contains("港湾云季度回顾 — 示例观察, 2025-12-01 · 4 quotes")
    });
    let first = "港湾云第三季度收入首次超过100亿元";
    assert_eq!(attrs_of(&t, first), (true, false), "quoted: underlined");
    assert_eq!(attrs_of(&t, "这是它成立以来"), (false, false), "the rest: plain");
    t.send("n");
    t.wait_for("the first quote current", |s| s.contains("1 of 4 quotes"));
    assert!(attrs_of(&t, first).1, "the current quote is in reverse video");
    t.send("n");
    t.wait_for("the second quote current", |s| s.contains("2 of 4 quotes"));
    // Scrolled to it, a third of the way down.
    assert!(attrs_of(&t, "上一季度为 92 亿元").1);
    assert!(
        find_cells(&t, first).is_none(),
        "the article scrolled:\n{}",
        t.screen()
    );
    t.send("g");
    t.wait_for("the top again", |s| s.contains(first));
    assert_eq!(attrs_of(&t, first), (true, false), "no longer current");
    t.send(ESC);
    t.wait_for("the reader to close", |s| !s.contains("of 4 quotes"));
    t.wait_status("Sources 1/2");
    t.send("j");
    t.wait_status("Sources 2/2");
    // Wide enough for the KB's long path and the message after it.
    t.resize(220, 24);
    // The explorer drew at the new width (the footer's widest hint) before the key comes.
    t.wait_for_lines("the wide footer", |l| l[23].contains("] column"));
    t.send("O");
    t.wait_status(
        "no archived text for no-archive: add archive = \"archive/no-archive.txt\" to its [[source]]",
    );
    let status = t.quit();
    assert!(status.success(), "exit status {status:?}");
}

/// A shell script for `$EDITOR` at `path`, with `body` after a line that records its arguments
/// (one a line) to `args` and whether the terminal was handed back in cooked mode to `tty`.
#[cfg(unix)]
fn editor_script(path: &std::path::Path, args: &std::path::Path, tty: &std::path::Path, body: &str) {
    use std::os::unix::fs::PermissionsExt as _;
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\nstty -a > '{}' 2>&1\n{body}\n",
        args.display(),
        tty.display()
    );
    std::fs::write(path, script).expect("write the editor script");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// Wait until `path` exists and is not empty (the editor script wrote it), then read it.
fn wait_file(t: &Tui, path: &std::path::Path) -> String {
    t.wait_for("the editor to run", |_| {
        std::fs::metadata(path).is_ok_and(|m| m.len() > 0)
    });
    thread::sleep(Duration::from_millis(50)); // Written in one printf; let it finish.
    std::fs::read_to_string(path).expect("read what the editor recorded")
}

#[cfg(unix)]
#[test]
fn o_opens_the_selected_record_in_the_editor_at_its_line_and_comes_back() {
    let kb = kb_copy();
    let work = tempfile::tempdir().expect("temporary directory");
    let (script, args, tty) = (
        work.path().join("ed.sh"),
        work.path().join("args"),
        work.path().join("tty"),
    );
    editor_script(&script, &args, &tty, "exit 0");
    let dir = kb.path().to_str().expect("a UTF-8 temporary path").to_string();
    let editor = script.to_str().expect("a UTF-8 path").to_string();
    let mut t = Tui::spawn_with(120, 35, &["--kb", &dir], &[("EDITOR", &editor), ("VISUAL", "")]);
    t.wait_for("the first frame", |s| s.contains("Vendors 1/55"));
    t.send("jj");
    t.wait_for("the third vendor", |s| s.contains("Vendors 3/55"));
    let before = t.raw().len();
    t.send("o");
    let recorded = wait_file(&t, &args);
    let words: Vec<&str> = recorded.lines().collect();
    assert_eq!(words.len(), 2, "+LINE FILE: {words:?}");
    let line: usize = words[0]
        .strip_prefix('+')
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("+LINE first: {words:?}"));
    let file = kb.path().join("entities.toml");
    assert_eq!(words[1], file.to_str().unwrap());
    // That line is a vendor's header, and that vendor is the one on screen.
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[line - 1].trim(), "[[vendor]]", "line {line}");
    let name = lines[line..]
        .iter()
        .find_map(|l| l.strip_prefix("name = \""))
        .and_then(|n| n.strip_suffix('"'))
        .expect("the vendor's name");
    t.wait_for("the screen back", |s| s.contains("1 Vendors") && s.contains(name));
    // The editor had the terminal as the shell leaves it: cooked mode, echo on; the explorer
    // had left the alternate screen before it ran, and took it back after.
    let stty = wait_file(&t, &tty);
    let flags: Vec<&str> = stty.split_whitespace().collect();
    assert!(flags.contains(&"icanon") && flags.contains(&"echo"), "{stty}");
    let raw = t.raw();
    let left = rfind(&raw[before..], b"\x1b[?1049l").expect("the alternate screen was left");
    let back = rfind(&raw[before..], b"\x1b[?1049h").expect("and entered again");
    assert!(back > left);
    // It saved nothing, and the status line says so (not a reload finding no changes).
    t.wait_status("no changes made in the editor");
    assert_engaged(&t);
    // The keys work as before.
    t.send("2");
    t.wait_for("the Executives tab", |s| s.contains("Executives 1/"));
    assert!(t.quit().success());
}

#[cfg(unix)]
#[test]
fn an_edit_made_in_the_editor_shows_as_soon_as_it_exits() {
    let kb = kb_copy();
    let work = tempfile::tempdir().expect("temporary directory");
    let (script, args, tty) = (
        work.path().join("ed.sh"),
        work.path().join("args"),
        work.path().join("tty"),
    );
    // The vendor's name two lines below its header (`[[vendor]]`, `id`, `name`), renamed.
    let body = r#"line=${1#+}; sed -i "$((line + 2))s/^name = .*/name = \"已改名的云\"/" "$2""#;
    editor_script(&script, &args, &tty, body);
    let dir = kb.path().to_str().expect("a UTF-8 temporary path").to_string();
    let editor = script.to_str().expect("a UTF-8 path").to_string();
    let mut t = Tui::spawn_with(120, 35, &["--kb", &dir], &[("EDITOR", &editor), ("VISUAL", "")]);
    t.wait_for("the first frame", |s| s.contains("Vendors 1/55"));
    assert!(!t.screen().contains("已改名的云"));
    t.send("o");
    wait_file(&t, &args);
    t.wait_for("the new name", |s| s.contains("已改名的云"));
    // What the edit did, with the record named.
    t.wait_status("your edit: 1 vendor edited (alibaba)");
    assert!(t.screen().contains("1 Vendors"), "{}", t.screen());
    assert!(t.quit().success());
}

#[cfg(unix)]
#[test]
fn an_editor_that_cannot_start_leaves_a_message_and_a_working_explorer() {
    let kb = kb_copy();
    let dir = kb.path().to_str().expect("a UTF-8 temporary path").to_string();
    let mut t = Tui::spawn_with(
        120,
        35,
        &["--kb", &dir],
        &[("EDITOR", "/nonexistent/editor -w"), ("VISUAL", "")],
    );
    t.wait_for("the first frame", |s| s.contains("Vendors 1/55"));
    t.send("o");
    t.wait_status("cannot start /nonexistent/editor (from $EDITOR)");
    assert_engaged(&t);
    t.send("3");
    t.wait_for("the Deals tab", |s| s.contains("Deals 1/71"));
    // On the built-in KB, `o` says how to get a KB to edit.
    assert!(t.quit().success());
    let mut t = Tui::spawn_with(120, 35, &[], &[("EDITOR", "/nonexistent/editor")]);
    t.wait_for("the first frame", |s| s.contains("Vendors 1/55"));
    t.send("o");
    t.wait_status("the built-in KB is read-only: `marketlens init DIR`");
    assert!(t.quit().success());
}

/// The text of the last OSC 52 sequence in `raw`, decoded.
fn last_osc52(raw: &[u8]) -> Option<String> {
    use base64::Engine as _;
    let start = rfind(raw, b"\x1b]52;c;")? + b"\x1b]52;c;".len();
    let rest = &raw[start..];
    let end = rest.iter().position(|&b| b == 0x1b || b == 0x07)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&rest[..end])
        .ok()?;
    String::from_utf8(bytes).ok()
}

#[test]
fn the_column_cursor_hides_a_header_and_z_shows_a_long_statement_in_full() {
    let mut t = Tui::start(120, 40);
    t.send("3");
    t.wait_status("Deals 1/71");
    // At 120 columns its header is cut: `Counterpa…`.
    assert!(t.lines()[2].contains("Counterpa"), "{}", t.lines()[2]);
    // `]` `]`: the cursor on the third column; `x` hides it.
    t.send("]]");
    t.send("x");
    t.wait_status("Counterparty hidden");
    t.wait_for_lines("the header without Counterparty", |l| {
        l[2].contains("Vendor") && l[2].contains("Kind") && !l[2].contains("Counterpa")
    });
    // `X` brings it back.
    t.send("X");
    t.wait_status("shown again: Counterparty");
    t.wait_for_lines("Counterparty again", |l| l[2].contains("Counterpa"));

    // A 70-character statement, cut in the table, whole in the popup.
    t.send("8");
    t.send("/");
    t.send("49.2%");
    t.send(ENTER);
    // The search answers off the UI thread: wait for its first row to be the statement's.
    t.wait_for_lines("the statement's row first", |l| {
        l[1].contains("/49.2%") && l[3].contains("IDC《中国大模型")
    });
    t.send("]]");
    t.send("z");
    t.wait_for("the statement in full", |s| {
        s.contains("Statement · volcengine-leads-china-llm-public-cloud-2025h1")
    });
    let whole: String = t
        .lines()
        .iter()
        .filter_map(|l| l.split('│').nth(2))
        .collect::<String>()
        .split_whitespace()
        .collect();
    assert!(
        whole.contains("IDC《中国大模型公有云服务市场分析2025H1》:火山引擎以49.2%的份额领跑;这个“第一”聚焦MaaS层,以Token调用量增速衡量"),
        "{whole}\n{}",
        t.lines().join("\n")
    );
    t.send(ESC);
    t.wait_for("the popup to close", |s| !s.contains("Statement · "));
    let status = t.quit();
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn y_copies_the_cell_under_the_cursor_with_osc52() {
    let mut t = Tui::start(120, 40);
    t.send("3");
    t.wait_status("Deals 1/71");
    // The cursor on Vendor; the first deal's vendor is cut in the table.
    t.send("]");
    t.send("y");
    t.wait_status("copied Vendor of aws-outage-2025-10-20: 亚马逊云科技");
    let raw = t.raw();
    assert_eq!(last_osc52(&raw).as_deref(), Some("亚马逊云科技"));
    // `Y`: the row, tab-separated.
    t.send("Y");
    t.wait_status("copied row aws-outage-2025-10-20");
    t.wait_for("the second OSC 52", |_| {
        last_osc52(&t.raw()).is_some_and(|c| c.contains('\t'))
    });
    let row = last_osc52(&t.raw()).unwrap();
    let cells: Vec<&str> = row.split('\t').collect();
    assert_eq!(cells.len(), 6, "{row:?}");
    assert_eq!(cells[1], "亚马逊云科技");
    assert_eq!(cells[5], "AWS大规模服务中断约15小时");
    let status = t.quit();
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn the_copy_menu_copies_a_citation_keeping_the_qualifier() {
    let mut t = Tui::start(120, 40);
    t.send("4");
    t.wait_status("Trends 1/");
    t.send("C");
    t.wait_for("the copy menu", |s| s.contains("a citation"));
    t.send("c");
    t.wait_status("copied a citation: 阿里云营收: >398亿元 (2025-Q3)");
    assert_eq!(
        last_osc52(&t.raw()).as_deref(),
        Some("阿里云营收: >398亿元 (2025-Q3) — 网易号, 2025-12-29, “当阿里云季度营收突破398亿元”")
    );
    let status = t.quit();
    assert!(status.success(), "exit status {status:?}");
}

/// A KB folder of our own (`marketlens init`) and a state folder, kept across runs.
fn workspace() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb");
    let o = std::process::Command::new(BIN)
        .arg("init")
        .arg(&kb)
        .output()
        .expect("init runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let state = dir.path().join("state");
    (dir, kb.display().to_string(), state.display().to_string())
}

fn start_in(kb: &str, state: &str) -> Tui {
    let t = Tui::spawn_with(120, 35, &["--kb", kb], &[("MARKETLENS_STATE_DIR", state)]);
    t.wait_for("the first frame", |s| s.contains("Vendors 1/55"));
    t
}

/// `w` saves the view (Deals, `/aws`, sorted by date ascending) into views.toml beside the KB;
/// after a restart, `v` and Enter bring back its tab, query and sort.
#[test]
fn a_view_saved_with_w_is_restored_by_v_after_a_restart() {
    let (_dir, kb, state) = workspace();
    let mut t = start_in(&kb, &state);
    t.send("3/aws");
    t.wait_for("the filter", |s| s.contains("Deals 11/71"));
    t.send(ENTER);
    t.send("S"); // best match first becomes a sort by date, newest first
    t.wait_status("sorted by Date ↓");
    t.send("w");
    t.wait_status("save view as:");
    t.send("aws, newest first");
    t.send(ENTER);
    t.wait_status("saved view aws, newest first (deals · aws · date ↓)");
    assert!(t.quit().success());
    let text = std::fs::read_to_string(std::path::Path::new(&kb).join("views.toml")).unwrap();
    assert!(text.contains("name = \"aws, newest first\"\ntab = \"deals\"\nquery = \"aws\"\nsort = \"date\"\ndescending = true\n"), "{text}");

    let mut t = start_in(&kb, &state);
    t.send("v");
    t.wait_for("the picker", |s| {
        s.contains("Saved views — Enter applies") && s.contains("aws, newest first")
    });
    t.send(ENTER);
    t.wait_status("view aws, newest first: deals · aws · date ↓");
    t.wait_for("the Deals tab filtered", |s| s.contains("Deals 11/71 · /aws"));
    let lines = t.lines();
    assert!(
        lines.iter().any(|l| l.contains("Date▼")),
        "sorted by date, newest first:\n{}",
        lines.join("\n")
    );
    assert!(t.quit().success());
}

/// A query run with Enter in one session is ↑'s in the next.
#[test]
fn up_in_slash_recalls_the_previous_runs_query() {
    let (_dir, kb, state) = workspace();
    let mut t = start_in(&kb, &state);
    t.send("/阿里");
    t.wait_for("the filter", |s| s.contains("Vendors 11/55"));
    t.send(ENTER);
    assert!(t.quit().success());
    assert_eq!(
        std::fs::read_to_string(std::path::Path::new(&state).join("history")).unwrap(),
        "阿里\n"
    );
    let mut t = start_in(&kb, &state);
    t.send("/");
    t.wait_status("/");
    t.send("\x1b[A"); // ↑
    t.wait_for("the recalled query", |s| s.contains("Vendors 11/55"));
    assert!(t.lines()[33].contains("/阿里"), "{}", t.lines()[33]);
    t.send(ENTER);
    t.wait_status("Vendors 1/11");
    assert!(t.quit().success());
}

/// A config file's keys work and are the ones the footer and the `?` overlay name; the old ones
/// do nothing.
#[test]
fn config_keys_work_and_help_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("config.toml");
    std::fs::write(&conf, "[keys]\nquit = \"b\"\ndown = \"ctrl-n\"\n").unwrap();
    let conf = conf.display().to_string();
    let mut t = Tui::spawn_with(120, 40, &["--config", &conf], &[]);
    t.wait_for("the first frame", |s| s.contains("Vendors 1/55"));
    t.wait_for_lines("the footer with the user's keys", |l| {
        l[39].contains("b quit") && l[39].contains("Ctrl-n down") && !l[39].contains("q/Ctrl-c")
    });
    t.send("\x0e"); // Ctrl-n
    t.wait_status("Vendors 2/55");
    // `j` and `q` are free now: they do nothing.
    t.send("jq");
    t.send("\x0e");
    t.wait_status("Vendors 3/55");
    t.send("?");
    t.wait_for_lines("the help overlay with Ctrl-n", |l| {
        l.iter()
            .any(|r| r.contains("Ctrl-n") && r.contains("next / previous row or relation"))
            && l.iter().any(|r| r.contains(" b ") && r.contains("quit"))
    });
    t.send(ESC);
    t.send("b");
    let status = t.wait_exit(Duration::from_secs(5));
    assert!(status.success(), "exit status {status:?}");
}

/// A broken config never stops the explorer: it starts with the defaults and says what is wrong.
#[test]
fn a_broken_config_starts_with_defaults_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("config.toml");
    std::fs::write(&conf, "[keys]\nqiut = \"x\"\n[theme]\naccent = \"bluish\"\n").unwrap();
    let conf = conf.display().to_string();
    let mut t = Tui::spawn_with(160, 40, &["--config", &conf], &[]);
    t.wait_for("the first frame", |s| s.contains("Vendors 1/55"));
    t.wait_status("config.toml:2:1: error: unknown action `qiut`");
    t.wait_status("(+1 more)");
    // The defaults: `q` quits.
    let status = t.quit();
    assert!(status.success(), "exit status {status:?}");
}

/// The config file at the platform's place (`$XDG_CONFIG_HOME/marketlens/config.toml`) names the
/// export folder, relative to itself: `e` writes there.
#[test]
fn config_export_dir_is_where_exports_go() {
    let home = tempfile::tempdir().unwrap();
    let conf = home.path().join("marketlens");
    std::fs::create_dir_all(conf.join("out")).unwrap();
    std::fs::write(conf.join("config.toml"), "export_dir = \"out\"\n").unwrap();
    let xdg = home.path().display().to_string();
    let mut t = Tui::spawn_with(120, 40, &[], &[("XDG_CONFIG_HOME", &xdg)]);
    t.wait_for("the first frame", |s| s.contains("Vendors 1/55"));
    t.send("3e");
    t.wait_for_lines("the export prompt", |l| {
        l[usize::from(t.rows) - 2].contains("export to: marketlens-deals-")
    });
    t.send(ENTER);
    t.wait_status("exported 71 rows to ");
    let files: Vec<String> = std::fs::read_dir(conf.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].starts_with("marketlens-deals-"), "{files:?}");
    assert_eq!(
        std::fs::read_dir(t._dir.path()).unwrap().count(),
        0,
        "nothing in the working folder"
    );
    let status = t.quit();
    assert!(status.success(), "exit status {status:?}");
}

/// The config's `[theme]` colours the screen; `NO_COLOR` still wins over it.
#[test]
fn config_theme_colours_and_no_color_wins() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("config.toml");
    std::fs::write(&conf, "[theme]\ntab-active = \"magenta\"\n").unwrap();
    let conf = conf.display().to_string();
    // The colour of the active tab's name on the tab bar (row 0).
    let tab_colour = |t: &Tui| {
        let p = lock(&t.parser);
        let s = p.screen();
        let row = s.rows(0, t.cols).next().unwrap_or_default();
        let at = row.chars().take_while(|c| *c != 'V').count() as u16;
        s.cell(0, at).map(|c| c.fgcolor())
    };
    let mut t = Tui::spawn_with(120, 40, &["--config", &conf], &[]);
    t.wait_for("the first frame", |s| s.contains("Vendors 1/55"));
    assert_eq!(tab_colour(&t), Some(vt100::Color::Idx(5)), "magenta");
    assert!(t.quit().success());
    let mut t = Tui::spawn_with(120, 40, &["--config", &conf], &[("NO_COLOR", "1")]);
    t.wait_for("the first frame", |s| s.contains("Vendors 1/55"));
    assert_eq!(tab_colour(&t), Some(vt100::Color::Default), "no colour");
    assert!(t.quit().success());
    // Without the config: the default cyan.
    let mut t = Tui::start(120, 40);
    assert_eq!(tab_colour(&t), Some(vt100::Color::Idx(6)), "cyan");
    assert!(t.quit().success());
}

/// Ctrl-z in the editor `o` started (vim sends SIGTSTP to its whole process group): the explorer
/// stops with it, as a job does, instead of waiting for an editor that is stopped (the shell
/// would never get the terminal back); once continued it goes on waiting, and after the editor
/// exits it is the explorer again, not suspended a second time.
#[cfg(target_os = "linux")]
#[test]
fn ctrl_z_in_the_editor_stops_the_explorer_with_it_and_fg_goes_on() {
    let kb = kb_copy();
    let work = tempfile::tempdir().expect("temporary directory");
    let (script, args, tty, go) = (
        work.path().join("ed.sh"),
        work.path().join("args"),
        work.path().join("tty"),
        work.path().join("go"),
    );
    // In this test's orphaned process group the kernel drops the stop for the script itself: it
    // waits (bounded) for the test to have seen the explorer stopped.
    let body = format!(
        "kill -TSTP 0\ni=0\nwhile [ ! -e '{}' ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done",
        go.display()
    );
    editor_script(&script, &args, &tty, &body);
    let dir = kb.path().to_str().expect("a UTF-8 temporary path").to_string();
    let editor = script.to_str().expect("a UTF-8 path").to_string();
    let mut t = Tui::spawn_with(120, 35, &["--kb", &dir], &[("EDITOR", &editor), ("VISUAL", "")]);
    t.wait_for("the first frame", |s| s.contains("Vendors 1/55"));
    t.send("o");
    wait_file(&t, &args);
    wait_stopped(&t, true);
    std::fs::write(&go, "go").expect("tell the editor to exit");
    kill(&t, libc::SIGCONT);
    wait_stopped(&t, false);
    t.wait_status("no changes made in the editor");
    assert_engaged(&t);
    // Not stopped again once the editor is gone, and the keys work.
    thread::sleep(Duration::from_millis(300));
    let pid = t.child.process_id().expect("the child's pid");
    assert_ne!(
        proc_state(pid),
        Some('T'),
        "stopped again after the editor exited"
    );
    t.send("2");
    t.wait_for("the Executives tab", |s| s.contains("Executives 1/"));
    assert!(t.quit().success());
}
