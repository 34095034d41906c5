//! The binary and the files it is given: special files are refused, never read (a FIFO would
//! hang it, `/dev/zero` fill the memory) nor replaced by an export (a device node); write errors
//! on standard output are a message and exit 2, a closed pipe a quiet exit; a signal during an
//! export or an index save leaves no temporary file behind. Every child runs under a watchdog,
//! so a hang fails the test instead of blocking the run.

mod common;
use common::{output_within, stderr, stdout, wait_within};

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_marketlens");

/// How long any child may run before it counts as hung.
const LIMIT: Duration = Duration::from_secs(60);

fn cmd(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .stdin(Stdio::null())
        .env_remove("MARKETLENS_MAX_FILE_SIZE")
        .env_remove("MARKETLENS_TEST_STALL_TEMP");
    c
}

/// Run `c` to the end under the watchdog, collecting its output.
fn run(mut c: Command, what: &str) -> Output {
    output_within(&mut c, LIMIT, what)
}

#[cfg(unix)]
fn mkfifo(p: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(p.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

/// `check PATH` must end at once with exit 1 and `message` on standard error.
fn check_refuses(path: &Path, message: &str) {
    let o = run(
        cmd(&["check", path.to_str().unwrap()]),
        &format!("check {}", path.display()),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains(message), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
}

#[cfg(unix)]
#[test]
fn check_refuses_fifos_and_devices_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("p.toml");
    mkfifo(&fifo);
    check_refuses(
        &fifo,
        "p.toml: error: cannot read file: it is a FIFO (named pipe), not a regular file",
    );

    // A FIFO among the files of a folder KB.
    let kb = common::kb_copy();
    mkfifo(&kb.path().join("zz.toml"));
    check_refuses(
        kb.path(),
        "zz.toml: error: cannot read file: it is a FIFO (named pipe), not a regular file",
    );

    // /dev/zero, directly and through a `.toml` symlink: read, it never ends.
    let zero = dir.path().join("x.toml");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    check_refuses(
        &zero,
        "x.toml: error: cannot read file: it is a symbolic link to a character device, not a regular file",
    );
    check_refuses(
        Path::new("/dev/zero"),
        "/dev/zero: error: cannot read file: it is a character device, not a regular file",
    );
}

/// The explorer's first load reads through the same loader: without a terminal it reports the
/// KB's problems first, so a FIFO must end it at once too.
#[cfg(unix)]
#[test]
fn the_explorer_refuses_a_fifo_kb_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("p.toml");
    mkfifo(&fifo);
    let o = run(cmd(&["--kb", fifo.to_str().unwrap()]), "marketlens --kb FIFO");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("it is a FIFO (named pipe), not a regular file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_and_the_limit_can_be_raised() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("kb.toml");
    std::fs::write(&p, marketlens::synth::generate(20, 1)).unwrap();
    let size = std::fs::metadata(&p).unwrap().len();
    let mut c = cmd(&["check", p.to_str().unwrap()]);
    c.env("MARKETLENS_MAX_FILE_SIZE", (size - 1).to_string());
    let o = run(c, "check over the limit");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!(
            "kb.toml: error: cannot read file: it is larger than {} bytes, the most a file may hold (set MARKETLENS_MAX_FILE_SIZE",
            size - 1
        )),
        "{}",
        stderr(&o)
    );
    let mut c = cmd(&["check", p.to_str().unwrap()]);
    c.env("MARKETLENS_MAX_FILE_SIZE", size.to_string());
    let o = run(c, "check at the limit");
    assert!(o.status.success(), "{}", stderr(&o));
    let mut c = cmd(&["check", p.to_str().unwrap()]);
    c.env("MARKETLENS_MAX_FILE_SIZE", "lots");
    let o = run(c, "check with a bad limit");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("MARKETLENS_MAX_FILE_SIZE=`lots` is not a size"),
        "{}",
        stderr(&o)
    );
}

/// Every command's output to a full device: a message on standard error and exit 2, no panic.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_a_message_and_exit_2_for_every_command() {
    let cases: [&[&str]; 8] = [
        &["check"],
        &["search", "aws"],
        &["export", "--tab", "deals"],
        &["schema"],
        &["completions", "bash"],
        &["man"],
        &["--help"],
        &["--version"],
    ];
    for args in cases {
        let mut c = cmd(args);
        let full = std::fs::File::options().write(true).open("/dev/full").unwrap();
        let mut child = c.stdout(full).stderr(Stdio::piped()).spawn().unwrap();
        let mut err = String::new();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        let status = wait_within(&mut child, LIMIT, &format!("{args:?} > /dev/full"));
        assert_eq!(status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("error: cannot write to standard output: no space left on device"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// A synthetic KB of `records` records in `dir`.
fn synth_kb(dir: &Path, records: usize) -> PathBuf {
    let p = dir.join("big.toml");
    std::fs::write(&p, marketlens::synth::generate(records, 7)).unwrap();
    p
}

/// A reader that goes away before the output comes (`| head -c0`): a quiet exit 0.
#[test]
fn a_closed_pipe_is_a_quiet_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let kb = synth_kb(dir.path(), 5_000);
    let kb = kb.to_str().unwrap();
    let cases: [&[&str]; 4] = [
        &["check", kb],
        &["--kb", kb, "search", "a", "--limit", "0", "--no-cache"],
        &["--kb", kb, "export", "--tab", "deals"],
        &["completions", "zsh"],
    ];
    for args in cases {
        let mut child = cmd(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // The reader is gone before anything is written.
        let mut err = String::new();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        let status = wait_within(&mut child, LIMIT, &format!("{args:?} | head -c0"));
        assert_eq!(status.code(), Some(0), "{args:?}: {err}");
        let noise: Vec<&str> = err.lines().filter(|l| !l.contains("matches shown")).collect();
        assert!(noise.is_empty(), "{args:?}: {err}");
    }
}

/// `--force` replaces a regular file, never a FIFO, a socket or a device node (as root, a rename
/// over a device replaces it: `/dev/null` would become a file).
#[cfg(unix)]
#[test]
fn export_never_replaces_a_special_file_even_with_force() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("f.txt");
    mkfifo(&fifo);
    let socket = dir.path().join("s.txt");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let mut cases = vec![
        (fifo.clone(), "a FIFO (named pipe)"),
        (socket.clone(), "a socket"),
    ];
    // A character device of our own (a copy of /dev/null's numbers), if allowed to make one.
    let dev = dir.path().join("d.txt");
    let c = std::ffi::CString::new(dev.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path and plain integers.
    if unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) } == 0 {
        cases.push((dev.clone(), "a character device"));
    }
    for (path, kind) in &cases {
        for force in [true, false] {
            let mut args = vec!["export", "--tab", "deals", "--out", path.to_str().unwrap()];
            if force {
                args.push("--force");
            }
            let o = run(cmd(&args), &format!("export to {kind}"));
            assert_eq!(o.status.code(), Some(2), "{kind}: {}", stderr(&o));
            assert!(
                stderr(&o).contains(&format!(
                    "{} is {kind}, not a regular file: only a regular file is ever replaced",
                    path.display()
                )),
                "{kind}: {}",
                stderr(&o)
            );
        }
        let t = std::fs::symlink_metadata(path).unwrap().file_type();
        assert!(
            t.is_fifo() || t.is_socket() || t.is_char_device(),
            "{kind} was replaced"
        );
    }
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with(".marketlens-"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

/// Files in `dir` whose name starts with `prefix`.
fn named(dir: &Path, prefix: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.starts_with(prefix))
                .collect()
        })
        .unwrap_or_default()
}

/// Start `c` with its temporary file made and held (`MARKETLENS_TEST_STALL_TEMP`), wait until
/// it is in `dir`, send SIGTERM, and check the exit status and that the file is gone.
#[cfg(unix)]
fn signal_leaves_no_temp(mut c: Command, dir: &Path, prefix: &str, what: &str) {
    let mut child = c
        .env("MARKETLENS_TEST_STALL_TEMP", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + LIMIT;
    while named(dir, prefix).is_empty() {
        if let Some(s) = child.try_wait().unwrap() {
            panic!("{what}: exited ({s}) before its temporary file appeared");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what}: no temporary file within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    // SAFETY: kill with a pid of our own child and a signal number.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);
    let status = wait_within(&mut child, LIMIT, what);
    assert_eq!(status.code(), Some(128 + libc::SIGTERM), "{what}: {status}");
    assert_eq!(
        named(dir, prefix),
        Vec::<String>::new(),
        "{what}: temporary file left"
    );
}

#[cfg(unix)]
#[test]
fn sigterm_during_an_export_or_an_index_save_removes_the_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let kb = synth_kb(dir.path(), 10_000);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let target = out.join("deals.json");
    let c = cmd(&[
        "--kb",
        kb.to_str().unwrap(),
        "export",
        "--tab",
        "deals",
        "--out",
        target.to_str().unwrap(),
    ]);
    signal_leaves_no_temp(c, &out, ".marketlens-", "export");
    assert!(!target.exists());

    let cache = dir.path().join("cache");
    let mut c = cmd(&["--kb", kb.to_str().unwrap(), "search", "a"]);
    c.env("MARKETLENS_CACHE_DIR", &cache);
    signal_leaves_no_temp(c, &cache, ".index-", "index save");
}

/// Temporary files of ours that a killed process left (older than 10 minutes, unlocked) are
/// removed by the next export into that folder, or the next index save; young ones and other
/// names are left alone.
#[test]
fn stale_temporary_files_are_pruned_by_the_next_save() {
    let dir = tempfile::tempdir().unwrap();
    let kb = synth_kb(dir.path(), 10_000);
    let hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    let make = |p: PathBuf, old: bool| {
        let f = std::fs::File::create(&p).unwrap();
        if old {
            f.set_modified(hour_ago).unwrap();
        }
        p
    };
    let cache = dir.path().join("cache");
    std::fs::create_dir(&cache).unwrap();
    let stale = make(cache.join(".index-Ab12Cd"), true);
    let young = make(cache.join(".index-Ef34Gh"), false);
    let other = make(cache.join(".index-notes"), true);
    let mut c = cmd(&["--kb", kb.to_str().unwrap(), "search", "a"]);
    c.env("MARKETLENS_CACHE_DIR", &cache);
    let o = run(c, "search saving an index");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stale.exists(), "a stale index temporary file stays");
    assert!(young.exists() && other.exists());

    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let stale = make(out.join(".marketlens-Ab12Cd.tmp"), true);
    let young = make(out.join(".marketlens-Ef34Gh.tmp"), false);
    let target = out.join("deals.csv");
    let o = run(
        cmd(&["export", "--tab", "deals", "--out", target.to_str().unwrap()]),
        "export",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stale.exists(), "a stale export temporary file stays");
    assert!(young.exists() && target.exists());
}
