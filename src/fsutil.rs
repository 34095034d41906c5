//! The user's files, handled with care: reading only regular files, never more than a set size
//! ([`read_regular`]); temporary files that are removed when a signal ends the process
//! ([`create_temp`], [`clean_up_on_signals`]) and, when one was left behind anyway (a crash, a
//! `kill -9`), pruned later ([`prune_stale_temps`]).

use std::fs::{File, FileType};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The largest file the app reads (a KB file), unless [`MAX_FILE_VAR`] says otherwise: 2 GiB,
/// about nine times the 1,000,000-record synthetic KB (234 MB). A file that size takes some 6
/// times its size in memory to load; the limit is there so that a file growing without end (a
/// log, `/dev/zero` behind a symlink) is refused instead of filling the memory.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 2 << 30;

/// Environment variable that sets the largest file read, in bytes or with a suffix K, M, G or T
/// (powers of 1024): `MARKETLENS_MAX_FILE_SIZE=8G`.
pub const MAX_FILE_VAR: &str = "MARKETLENS_MAX_FILE_SIZE";

/// The largest file to read: [`MAX_FILE_VAR`] if set, else [`DEFAULT_MAX_FILE_BYTES`].
pub fn max_file_bytes() -> Result<u64, String> {
    match std::env::var_os(MAX_FILE_VAR) {
        None => Ok(DEFAULT_MAX_FILE_BYTES),
        Some(v) => {
            let v = v.to_string_lossy();
            parse_size(&v).ok_or_else(|| {
                format!(
                    "{MAX_FILE_VAR}=`{}` is not a size: write a number of bytes, or one with K, M, G or T (e.g. 4G)",
                    crate::text::escape_controls(&v)
                )
            })
        }
    }
}

/// `123`, `64K`, `512M`, `4G`, `1T` (also `4GiB`, `4gb`): bytes, with powers of 1024.
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(digits);
    let num: u64 = num.parse().ok()?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return None,
    };
    num.checked_mul(1u64 << shift)
}

/// A size for a message: `2 GiB`, `512 MiB`, `1000 bytes`.
pub fn show_size(n: u64) -> String {
    for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")] {
        if n >= 1 << shift && n.is_multiple_of(1 << shift) {
            return format!("{} {unit}", n >> shift);
        }
    }
    crate::text::count(n as usize, "byte", "bytes")
}

/// What kind of file this is, for a message: "a FIFO (named pipe)", "a character device" …
pub fn kind_of(t: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a directory"
    } else if t.is_symlink() {
        "a symbolic link"
    } else if t.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// Not a regular file: `kind` is what it is ([`kind_of`]); `link`: reached through a
    /// symbolic link.
    NotRegular {
        path: PathBuf,
        kind: &'static str,
        link: bool,
    },
    /// Larger than `limit` bytes.
    TooLarge {
        path: PathBuf,
        limit: u64,
    },
    /// [`MAX_FILE_VAR`] is not a size.
    BadLimit(String),
    Io {
        path: PathBuf,
        error: io::Error,
    },
}

/// An I/O error's reason in a few lower-case words.
pub fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            // "No space left on device (os error 28)" -> "no space left on device"
            let s = e.to_string();
            let s = s.split(" (os error").next().unwrap_or_default();
            let mut c = s.chars();
            match c.next() {
                Some(first) => first.to_lowercase().chain(c).collect(),
                None => e.kind().to_string(),
            }
        }
    }
}

impl ReadError {
    /// What is wrong, without the path (for a message that names the file already).
    pub fn reason(&self) -> String {
        match self {
            ReadError::NotRegular { kind, link, .. } => {
                let through = if *link { "a symbolic link to " } else { "" };
                format!("it is {through}{kind}, not a regular file")
            }
            ReadError::TooLarge { limit, .. } => format!(
                "it is larger than {}, the most a file may hold (set {MAX_FILE_VAR} to change it, e.g. {MAX_FILE_VAR}=8G)",
                show_size(*limit)
            ),
            ReadError::BadLimit(msg) => msg.clone(),
            ReadError::Io { error, .. } => io_reason(error),
        }
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotRegular { path, .. }
            | ReadError::TooLarge { path, .. }
            | ReadError::Io { path, .. } => write!(
                f,
                "cannot read `{}`: {}",
                crate::text::escape_controls(&path.display().to_string()),
                self.reason()
            ),
            ReadError::BadLimit(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for ReadError {}

/// Read the regular file at `path` (symbolic links followed), at most [`max_file_bytes`]. The one
/// way the app reads a user's file (the KB loader, the reload thread).
pub fn read_regular(path: &Path) -> Result<Vec<u8>, ReadError> {
    read_regular_limited(path, max_file_bytes().map_err(ReadError::BadLimit)?)
}

/// [`read_regular`] with a limit of `limit` bytes: opened by [`open_regular`] (a regular file
/// or nothing), then read through a reader that stops after `limit + 1` bytes, so a file that
/// grows while it is read cannot exceed the limit.
pub fn read_regular_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let io_err = |error: io::Error| ReadError::Io {
        path: path.to_path_buf(),
        error,
    };
    let mut file = match open_regular(path, Links::Follow).map_err(io_err)? {
        Ok(file) => file,
        Err(Refused::NotRegular { kind, link }) => {
            return Err(ReadError::NotRegular {
                path: path.to_path_buf(),
                kind,
                link,
            });
        }
        Err(Refused::Replaced) => {
            return Err(io_err(io::Error::other("it was replaced while it was opened")));
        }
    };
    let meta = file.metadata().map_err(io_err)?;
    let too_large = || ReadError::TooLarge {
        path: path.to_path_buf(),
        limit,
    };
    if meta.len() > limit {
        return Err(too_large());
    }
    let hint = usize::try_from(meta.len().saturating_add(1)).unwrap_or(usize::MAX);
    let mut bytes = Vec::with_capacity(hint);
    (&mut file)
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_err)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Whether [`open_regular`] follows a symbolic link at the path itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// To what it names (a KB file may be a link), which must be a regular file.
    Follow,
    /// Never: a link there is refused (a cache file of ours is never one).
    Refuse,
}

/// What [`open_regular`] found at the path instead of a regular file to open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Something else: `kind` as [`kind_of`] names it; `link`: a symbolic link is at the path.
    NotRegular { kind: &'static str, link: bool },
    /// The path named another file once opened than just before (replaced in between).
    Replaced,
}

/// Open the regular file at `path` for reading, and nothing else: the one way the app opens a
/// file it did not just make (a KB file, a saved search index).
///
/// Anything but a regular file is refused before it is opened: opening a FIFO blocks until a
/// writer comes, opening a device may do anything (a tape rewinds, a watchdog arms), and reading
/// `/dev/zero` never ends. The file is then opened without blocking and without becoming the
/// controlling terminal (and, with [`Links::Refuse`], without following a link), what was
/// opened is checked again and, on unix, must be the very file looked at before; only then is
/// the descriptor made blocking. `Err` when there is nothing at `path` or it cannot be opened.
pub fn open_regular(path: &Path, links: Links) -> io::Result<Result<File, Refused>> {
    let look = |m: &std::fs::Metadata| Refused::NotRegular {
        kind: kind_of(m.file_type()),
        link: std::fs::symlink_metadata(path).is_ok_and(|l| l.file_type().is_symlink()),
    };
    let before = match links {
        Links::Follow => std::fs::metadata(path)?,
        Links::Refuse => std::fs::symlink_metadata(path)?,
    };
    if !before.is_file() {
        return Ok(Err(look(&before)));
    }
    let file = open_for_reading(path, links)?;
    let after = file.metadata()?;
    if !after.is_file() {
        return Ok(Err(look(&after)));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if (before.dev(), before.ino()) != (after.dev(), after.ino()) {
            return Ok(Err(Refused::Replaced));
        }
    }
    blocking(&file)?;
    Ok(Ok(file))
}

/// Open `path` for reading without blocking on a FIFO, and without making a terminal the
/// controlling one.
fn open_for_reading(path: &Path, links: Links) -> io::Result<File> {
    let mut options = File::options();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let nofollow = if links == Links::Refuse {
            libc::O_NOFOLLOW
        } else {
            0
        };
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | nofollow);
    }
    #[cfg(not(unix))]
    let _ = links;
    options.open(path)
}

/// Clear the `O_NONBLOCK` that [`open_for_reading`] set, now that the file is known to be a
/// regular one (where it makes no difference today, but reads are meant to block).
fn blocking(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let fd = file.as_raw_fd();
        // SAFETY: fcntl on a descriptor we own, with integer arguments only.
        unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFL);
            if flags < 0 || libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) < 0 {
                return Err(io::Error::last_os_error());
            }
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Temporary files of ours that exist right now, to remove if a signal ends the process.
static TEMPS: Mutex<Vec<(u64, PathBuf)>> = Mutex::new(Vec::new());
static NEXT_TEMP: AtomicU64 = AtomicU64::new(0);

/// A temporary file's place in the registry; dropping it takes the file off (keep it until the
/// file is renamed into place or deleted).
#[derive(Debug)]
#[must_use = "the file is unregistered when this is dropped"]
pub struct Registered(u64);

impl Drop for Registered {
    fn drop(&mut self) {
        let mut temps = TEMPS.lock().unwrap_or_else(|e| e.into_inner());
        temps.retain(|(id, _)| *id != self.0);
    }
}

/// Create a temporary file with `create` and register it, so that a signal ending the process
/// removes it ([`clean_up_on_signals`]). The file is created while the registry is locked, so a
/// signal arriving meanwhile waits for it to be registered: none slips through. The file is also
/// locked (`flock`, best effort) while it is open, which tells [`prune_stale_temps`] in another
/// process that it is in use.
pub fn create_temp(
    create: impl FnOnce() -> io::Result<tempfile::NamedTempFile>,
) -> io::Result<(tempfile::NamedTempFile, Registered)> {
    let mut temps = TEMPS.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = create()?;
    let _ = tmp.as_file().try_lock();
    let id = NEXT_TEMP.fetch_add(1, Ordering::Relaxed);
    temps.push((id, tmp.path().to_path_buf()));
    drop(temps);
    if std::env::var_os(TEST_STALL_VAR).is_some() {
        loop {
            std::thread::park();
        }
    }
    Ok((tmp, Registered(id)))
}

/// For the end-to-end tests only (as `tui::TEST_PANIC_VAR`): when set, [`create_temp`] hangs
/// once the file is made and registered, so a test can signal a process that surely has a
/// temporary file. It does nothing unless set.
pub const TEST_STALL_VAR: &str = "MARKETLENS_TEST_STALL_TEMP";

/// The paths registered now (for tests).
pub fn registered_temps() -> Vec<PathBuf> {
    let temps = TEMPS.lock().unwrap_or_else(|e| e.into_inner());
    temps.iter().map(|(_, p)| p.clone()).collect()
}

/// Remove every registered temporary file and end the process with `code`. The registry stays
/// locked until the end, so no new temporary file appears in between.
pub fn exit_removing_temps(code: i32) -> ! {
    let temps = TEMPS.lock().unwrap_or_else(|e| e.into_inner());
    for (_, p) in temps.iter() {
        let _ = std::fs::remove_file(p);
    }
    std::process::exit(code);
}

/// For the headless commands: on SIGTERM, SIGHUP, SIGINT or SIGQUIT, remove the registered
/// temporary files and exit with 128 + the signal's number, as if the signal had ended the
/// process (which, with the default action, would leave the files behind). The explorer handles
/// signals itself (`tui::terminal::on_signal`) and removes them on its way out.
#[cfg(unix)]
pub fn clean_up_on_signals() -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                exit_removing_temps(128 + signal);
            }
        })?;
    Ok(())
}

/// Without unix signals there is nothing to handle.
#[cfg(not(unix))]
pub fn clean_up_on_signals() -> io::Result<()> {
    Ok(())
}

/// How old a temporary file of ours must be before [`prune_stale_temps`] removes it.
pub const STALE_TEMP_AGE: Duration = Duration::from_secs(10 * 60);

/// Whether `name` is `{prefix}XXXXXX{suffix}` with six letters or digits in the middle: the
/// names `tempfile` gives our temporary files.
pub fn is_temp_name(name: &str, prefix: &str, suffix: &str) -> bool {
    name.strip_prefix(prefix)
        .and_then(|r| r.strip_suffix(suffix))
        .is_some_and(|r| r.len() == 6 && r.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Remove temporary files of ours left in `dir` by a process that did not finish (killed with
/// SIGKILL, a crash, a power cut): files named `{prefix}XXXXXX{suffix}` ([`is_temp_name`]),
/// regular, ours (same user), last written more than `older_than` ago, and not locked: a
/// process still writing one holds its lock ([`create_temp`]). A file whose lock cannot be
/// tested (a file system without locks) is left alone. Returns how many were removed.
pub fn prune_stale_temps(dir: &Path, prefix: &str, suffix: &str, older_than: Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let now = std::time::SystemTime::now();
    let mut removed = 0;
    for e in entries.flatten() {
        let name = e.file_name();
        if !name.to_str().is_some_and(|n| is_temp_name(n, prefix, suffix)) {
            continue;
        }
        let path = e.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > older_than);
        if !meta.is_file() || !old || !mine(&meta) {
            continue;
        }
        let Ok(file) = open_for_reading(&path, Links::Refuse) else {
            continue;
        };
        if file.metadata().is_ok_and(|m| m.is_file()) && file.try_lock().is_ok() {
            removed += usize::from(std::fs::remove_file(&path).is_ok());
        }
    }
    removed
}

/// Whether this process's user owns the file.
fn mine(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: geteuid takes nothing and cannot fail.
        meta.uid() == unsafe { libc::geteuid() }
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_suffixes() {
        assert_eq!(parse_size("123"), Some(123));
        assert_eq!(parse_size("64K"), Some(64 << 10));
        assert_eq!(parse_size("512m"), Some(512 << 20));
        assert_eq!(parse_size(" 4GiB "), Some(4 << 30));
        assert_eq!(parse_size("1T"), Some(1 << 40));
        assert_eq!(parse_size("4 G"), Some(4 << 30));
        for bad in [
            "",
            "G",
            "-1",
            "1.5G",
            "4X",
            "99999999999999999999",
            "18446744073709551615T",
        ] {
            assert_eq!(parse_size(bad), None, "{bad}");
        }
        assert_eq!(show_size(2 << 30), "2 GiB");
        assert_eq!(show_size(1000), "1000 bytes");
    }

    #[test]
    fn a_regular_file_is_read_up_to_the_limit_and_no_further() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("kb.toml");
        std::fs::write(&p, b"0123456789").unwrap();
        assert_eq!(read_regular_limited(&p, 10).unwrap(), b"0123456789");
        let e = read_regular_limited(&p, 9).unwrap_err();
        assert!(matches!(e, ReadError::TooLarge { limit: 9, .. }), "{e:?}");
        assert!(e.to_string().contains("larger than 9 bytes"), "{e}");
        let e = read_regular_limited(&dir.path().join("none.toml"), 9).unwrap_err();
        assert!(e.to_string().ends_with("no such file or directory"), "{e}");
    }

    #[test]
    fn a_directory_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_regular_limited(dir.path(), 1 << 20).unwrap_err();
        assert_eq!(e.reason(), "it is a directory, not a regular file");
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_refused_before_they_are_opened_even_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("x.toml");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let e = read_regular_limited(&link, 1 << 20).unwrap_err();
        assert_eq!(
            e.reason(),
            "it is a symbolic link to a character device, not a regular file"
        );
        let e = read_regular_limited(Path::new("/dev/null"), 1 << 20).unwrap_err();
        assert_eq!(e.reason(), "it is a character device, not a regular file");
    }

    #[test]
    fn temp_names_are_recognised_exactly() {
        assert!(is_temp_name(".marketlens-aB3xYz.tmp", ".marketlens-", ".tmp"));
        assert!(is_temp_name(".index-aB3xYz", ".index-", ""));
        for other in [
            ".marketlens-aB3xYz.tmp.bak",
            ".marketlens-aB3xY.tmp",
            ".marketlens-aB3-Yz.tmp",
            "marketlens-aB3xYz.tmp",
            ".index-aB3xYz.bin",
        ] {
            assert!(
                !is_temp_name(other, ".marketlens-", ".tmp") && !is_temp_name(other, ".index-", ""),
                "{other}"
            );
        }
    }

    #[test]
    fn only_old_unlocked_temps_of_ours_are_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let old = std::time::SystemTime::now() - Duration::from_secs(3600);
        let make = |name: &str, age: Option<std::time::SystemTime>| {
            let p = dir.path().join(name);
            let f = File::create(&p).unwrap();
            if let Some(t) = age {
                f.set_modified(t).unwrap();
            }
            (p, f)
        };
        let (stale, _f1) = make(".index-aaaaaa", Some(old));
        let (fresh, _f2) = make(".index-bbbbbb", None);
        let (other, _f3) = make(".index-cccccc.keep", Some(old));
        let (busy, f4) = make(".index-dddddd", Some(old));
        f4.try_lock().unwrap(); // A writer still holds it.
        assert_eq!(prune_stale_temps(dir.path(), ".index-", "", STALE_TEMP_AGE), 1);
        assert!(!stale.exists());
        assert!(fresh.exists() && other.exists() && busy.exists());
        drop(f4);
        assert_eq!(prune_stale_temps(dir.path(), ".index-", "", STALE_TEMP_AGE), 1);
        assert!(!busy.exists());
    }

    #[test]
    fn registered_temps_leave_the_registry_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let (tmp, reg) =
            create_temp(|| tempfile::Builder::new().prefix(".t-").tempfile_in(dir.path())).unwrap();
        assert!(registered_temps().contains(&tmp.path().to_path_buf()));
        let path = tmp.path().to_path_buf();
        drop(tmp);
        drop(reg);
        assert!(!registered_temps().contains(&path));
    }
}
