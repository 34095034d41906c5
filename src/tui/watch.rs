//! Following the KB on disk: a file-system watcher (notify) whose events are filtered to the KB's
//! own files and debounced, so one save — which editors often make as several events — costs one
//! reload.
//!
//! A single file is watched through its parent directory, not directly: editors such as vim save
//! by writing a new file and renaming it over the old one, which ends a watch on the file itself
//! (the inode it watched is gone). Watching the directory sees the rename and keeps working. A KB
//! directory is watched recursively, so files that appear or vanish anywhere in it count.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher as _};

/// Quiet time after the last event before reloading: long enough to take in a whole save
/// (write, rename, chmod), short enough to feel immediate.
pub const SETTLE: Duration = Duration::from_millis(120);
/// A stream of events that never goes quiet (a generator rewriting the file) still reloads this
/// often.
pub const MAX_WAIT: Duration = Duration::from_millis(1000);

/// Keeps the watch alive; dropping it stops watching.
pub struct Watch {
    _watcher: notify::RecommendedWatcher,
}

/// What to watch for `kb` (a `.toml` file or a directory of them), and which event paths count.
#[derive(Clone, Debug)]
struct Target {
    /// The directory handed to the watcher.
    dir: PathBuf,
    recursive: bool,
    /// For a single-file KB: the file's name in `dir`.
    file: Option<std::ffi::OsString>,
}

impl Target {
    fn new(kb: &Path) -> std::io::Result<Target> {
        let kb = std::path::absolute(kb)?;
        if kb.is_dir() {
            return Ok(Target {
                dir: kb,
                recursive: true,
                file: None,
            });
        }
        let dir = kb
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Ok(Target {
            dir,
            recursive: false,
            file: kb.file_name().map(|n| n.to_os_string()),
        })
    }

    /// Does a change at `path` concern the KB?
    fn concerns(&self, path: &Path) -> bool {
        match &self.file {
            Some(name) => path.file_name() == Some(name.as_os_str()),
            // In a directory KB: `.toml` files and directories (a removed directory can hold
            // KB files, and its path no longer tells). Hidden files are never KB files.
            None => {
                let hidden = path.strip_prefix(&self.dir).ok().is_some_and(|rel| {
                    rel.components()
                        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
                });
                !hidden && (path.extension().is_none_or(|e| e == "toml"))
            }
        }
    }
}

/// Whether an event kind may change what the KB loads. Opening or reading a file does not (the
/// reload itself reads every file; counting those would loop).
fn changes_content(kind: &EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode};
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Any
        | EventKind::Create(_)
        | EventKind::Modify(_)
        | EventKind::Remove(_)
        | EventKind::Other => true,
    }
}

/// Start watching `kb`; `changed` is called (on the watch thread) once per settled burst of
/// changes. Fails when the watcher cannot start (e.g. the inotify limit is reached): the caller
/// says so and offers `r` instead.
pub fn start(kb: &Path, changed: impl Fn() + Send + 'static) -> notify::Result<Watch> {
    let target = Target::new(kb).map_err(notify::Error::io)?;
    let (tx, rx) = mpsc::channel::<()>();
    let filter = target.clone();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        // Watch errors (an overflowed queue) may hide a change: reload to be safe.
        let relevant = match res {
            Ok(ev) => changes_content(&ev.kind) && ev.paths.iter().any(|p| filter.concerns(p)),
            Err(_) => true,
        };
        if relevant {
            let _ = tx.send(());
        }
    })?;
    let mode = if target.recursive {
        RecursiveMode::Recursive
    } else {
        RecursiveMode::NonRecursive
    };
    watcher.watch(&target.dir, mode)?;
    std::thread::Builder::new()
        .name("watch".into())
        .spawn(move || debounce(&rx, SETTLE, MAX_WAIT, changed))
        .map_err(notify::Error::io)?;
    Ok(Watch { _watcher: watcher })
}

/// Call `changed` once per burst: after `settle` without events, or after `max_wait` of
/// continuous events. Returns when the sender is gone (the watch was dropped).
fn debounce(rx: &mpsc::Receiver<()>, settle: Duration, max_wait: Duration, changed: impl Fn()) {
    while rx.recv().is_ok() {
        let started = Instant::now();
        loop {
            let left = max_wait.saturating_sub(started.elapsed());
            match rx.recv_timeout(settle.min(left)) {
                Ok(()) if !left.is_zero() => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
                _ => break,
            }
        }
        changed();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn a_file_kb_counts_only_its_own_file() {
        let dir = tempfile::tempdir().unwrap();
        let kb = dir.path().join("kb.toml");
        std::fs::write(&kb, "").unwrap();
        let t = Target::new(&kb).unwrap();
        assert!(!t.recursive);
        assert!(t.concerns(&dir.path().join("kb.toml")));
        assert!(!t.concerns(&dir.path().join("kb.toml.swp")));
        assert!(!t.concerns(&dir.path().join("other.toml")));
    }

    #[test]
    fn a_directory_kb_counts_toml_files_and_folders_but_not_hidden_ones() {
        let dir = tempfile::tempdir().unwrap();
        let t = Target::new(dir.path()).unwrap();
        assert!(t.recursive);
        assert!(t.concerns(&dir.path().join("deals.toml")));
        assert!(t.concerns(&dir.path().join("more/deals.toml")));
        assert!(t.concerns(&dir.path().join("more")));
        assert!(!t.concerns(&dir.path().join("notes.md")));
        assert!(!t.concerns(&dir.path().join(".git/config.toml")));
        assert!(!t.concerns(&dir.path().join(".deals.toml.swp")));
    }

    #[test]
    fn a_burst_of_events_is_one_change() {
        let (tx, rx) = mpsc::channel();
        let calls = Arc::new(Mutex::new(0));
        let c = calls.clone();
        let t = std::thread::spawn(move || {
            debounce(
                &rx,
                Duration::from_millis(50),
                Duration::from_secs(5),
                move || *c.lock().unwrap() += 1,
            )
        });
        for _ in 0..5 {
            tx.send(()).unwrap();
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(*calls.lock().unwrap(), 1);
        tx.send(()).unwrap();
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(*calls.lock().unwrap(), 2);
        drop(tx);
        t.join().unwrap();
    }

    #[test]
    fn editors_that_save_by_rename_are_followed() {
        let dir = tempfile::tempdir().unwrap();
        let kb = dir.path().join("kb.toml");
        std::fs::write(&kb, "a").unwrap();
        let (tx, rx) = mpsc::channel();
        let _w = start(&kb, move || {
            let _ = tx.send(());
        })
        .unwrap();
        let wait = || rx.recv_timeout(Duration::from_secs(5)).is_ok();
        // Like vim: write a new file beside it, rename it over the old one.
        for round in 0..3 {
            let tmp = dir.path().join(format!(".kb.toml.{round}"));
            std::fs::write(&tmp, format!("round {round}")).unwrap();
            std::fs::rename(&tmp, &kb).unwrap();
            assert!(wait(), "rename save {round} was not seen");
        }
        // A plain write in place, and an unrelated file, which must not count.
        std::fs::write(&kb, "in place").unwrap();
        assert!(wait(), "in-place write was not seen");
        std::fs::write(dir.path().join("other.txt"), "x").unwrap();
        assert!(
            rx.recv_timeout(Duration::from_millis(400)).is_err(),
            "an unrelated file counted"
        );
    }
}
