//! Following the KB on disk: a file-system watcher (notify) whose events are filtered to the KB's
//! own files and debounced, so one save — which editors often make as several events — costs one
//! reload.
//!
//! A single file is watched through its parent directory, not directly: editors such as vim save
//! by writing a new file and renaming it over the old one, which ends a watch on the file itself
//! (the inode it watched is gone). Watching the directory sees the rename and keeps working. A KB
//! directory is watched recursively, so files that appear or vanish anywhere in it count.
//!
//! The watched directory itself may go away (deleted, or renamed, and made again: a `git
//! checkout`, a sync tool, `rm -r kb && cp -r backup kb`); a watch ends with the directory it
//! watched. So the watch thread re-arms: when an event says something moved or vanished, and
//! every [`POLL`] anyway, it compares the directory at the KB's path with the one it watches
//! (device and inode); while there is none, it watches the nearest ancestor that exists, whose
//! events tell when the directory comes back; then it watches the directory again and reloads.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode};

/// Quiet time after the last event before reloading: long enough to take in a whole save
/// (write, rename, chmod), short enough to feel immediate.
pub const SETTLE: Duration = Duration::from_millis(120);
/// A stream of events that never goes quiet (a generator rewriting the file) still reloads this
/// often.
pub const MAX_WAIT: Duration = Duration::from_millis(1000);

/// How often the watch thread checks, without being told, that it still watches the directory at
/// the KB's path (a stat; events normally tell first).
pub const POLL: Duration = Duration::from_millis(1000);

/// Keeps the watch alive; dropping it stops watching.
pub struct Watch {
    notes: mpsc::Sender<Note>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.notes.send(Note::Stop);
    }
}

/// What the watcher tells the watch thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Note {
    /// Something the KB reads changed.
    Change,
    /// Something was created, removed or renamed: the watched directory may be gone or back.
    Look,
    /// The [`Watch`] was dropped.
    Stop,
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
                // Saved views are not KB files: saving one reloads nothing.
                let views = path == self.dir.join(crate::kb::load::VIEWS_FILE);
                !hidden && !views && (path.extension().is_none_or(|e| e == "toml"))
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

/// Whether an event kind may mean that a directory appeared, vanished or moved.
fn moves_things(kind: &EventKind) -> bool {
    use notify::event::ModifyKind;
    matches!(
        kind,
        EventKind::Any
            | EventKind::Other
            | EventKind::Create(_)
            | EventKind::Remove(_)
            | EventKind::Modify(ModifyKind::Name(_) | ModifyKind::Any)
    )
}

/// A directory's identity: the same path may later name another directory.
type Identity = Option<(u64, u64)>;

fn identity(dir: &Path) -> Option<Identity> {
    let m = std::fs::metadata(dir).ok().filter(|m| m.is_dir())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(Some((m.dev(), m.ino())))
    }
    #[cfg(not(unix))]
    {
        let _ = m;
        Some(None)
    }
}

/// What the watcher watches now, and keeping it on the KB's directory.
struct Arming {
    target: Target,
    /// The path watched, its identity, and whether it is the target's directory (else an
    /// ancestor, while the directory is missing). `None`: nothing (the watch failed; retried).
    watched: Option<(PathBuf, Identity, bool)>,
}

impl Arming {
    /// Watch the target's directory if it exists, else its nearest existing ancestor, unless that
    /// is what is watched already. Returns whether anything changed (the KB may have too).
    fn arm(&mut self, w: &mut impl notify::Watcher) -> notify::Result<bool> {
        let want = match identity(&self.target.dir) {
            Some(id) => (self.target.dir.clone(), id, true),
            None => {
                let (p, id) = self
                    .target
                    .dir
                    .ancestors()
                    .skip(1)
                    .find_map(|a| Some((a.to_path_buf(), identity(a)?)))
                    .ok_or_else(|| notify::Error::path_not_found().add_path(self.target.dir.clone()))?;
                (p, id, false)
            }
        };
        if self.watched.as_ref() == Some(&want) {
            return Ok(false);
        }
        if let Some((old, _, _)) = self.watched.take() {
            let _ = w.unwatch(&old);
        }
        let mode = if want.2 && self.target.recursive {
            RecursiveMode::Recursive
        } else {
            RecursiveMode::NonRecursive
        };
        w.watch(&want.0, mode)?;
        self.watched = Some(want);
        Ok(true)
    }
}

/// Start watching `kb`; `changed` is called (on the watch thread) once per settled burst of
/// changes, and once more whenever the KB's directory comes back after it was removed. Fails
/// when the watcher cannot start (e.g. the inotify limit is reached): the caller says so and
/// offers `r` instead.
pub fn start(kb: &Path, changed: impl Fn() + Send + 'static) -> notify::Result<Watch> {
    let target = Target::new(kb).map_err(notify::Error::io)?;
    let (tx, rx) = mpsc::channel::<Note>();
    let filter = target.clone();
    let notes = tx.clone();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        match res {
            Ok(ev) => {
                if moves_things(&ev.kind) {
                    let _ = notes.send(Note::Look);
                }
                if changes_content(&ev.kind) && ev.paths.iter().any(|p| filter.concerns(p)) {
                    let _ = notes.send(Note::Change);
                }
            }
            // Watch errors (an overflowed queue) may hide a change: reload to be safe, and check
            // the watch.
            Err(_) => {
                let _ = notes.send(Note::Look);
                let _ = notes.send(Note::Change);
            }
        }
    })?;
    let mut arming = Arming {
        target,
        watched: None,
    };
    arming.arm(&mut watcher)?;
    std::thread::Builder::new()
        .name("watch".into())
        .spawn(move || {
            follow(
                &rx,
                SETTLE,
                MAX_WAIT,
                POLL,
                || arming.arm(&mut watcher).unwrap_or(false),
                changed,
            )
        })
        .map_err(notify::Error::io)?;
    Ok(Watch { notes: tx })
}

/// The watch thread: call `changed` once per burst of changes, after `settle` without events,
/// or after `max_wait` of continuous events. `look` re-arms the watch if needed, when an event
/// says things moved and every `poll`; a re-arm counts as a change. Returns on [`Note::Stop`].
fn follow(
    rx: &mpsc::Receiver<Note>,
    settle: Duration,
    max_wait: Duration,
    poll: Duration,
    mut look: impl FnMut() -> bool,
    changed: impl Fn(),
) {
    // The first and the last event of the burst being settled.
    let mut burst: Option<(Instant, Instant)> = None;
    let mut looked = Instant::now();
    loop {
        let now = Instant::now();
        let due = burst.map(|(first, last)| (last + settle).min(first + max_wait));
        let wait = due.map_or(poll, |d| d.saturating_duration_since(now).min(poll));
        let note = match rx.recv_timeout(wait) {
            Ok(Note::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => return,
            Ok(n) => Some(n),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
        };
        let now = Instant::now();
        let mut event = note == Some(Note::Change);
        if note == Some(Note::Look) || now.duration_since(looked) >= poll {
            looked = now;
            event |= look();
        }
        if event {
            burst = Some(burst.map_or((now, now), |(first, _)| (first, now)));
        }
        if let Some((first, last)) = burst
            && (now >= last + settle || now >= first + max_wait)
        {
            burst = None;
            changed();
        }
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
        // Saved views are not KB data: saving one reloads nothing (one in a subfolder is data).
        assert!(!t.concerns(&dir.path().join("views.toml")));
        assert!(t.concerns(&dir.path().join("more/views.toml")));
    }

    #[test]
    fn a_burst_of_events_is_one_change() {
        let (tx, rx) = mpsc::channel();
        let calls = Arc::new(Mutex::new(0));
        let c = calls.clone();
        let t = std::thread::spawn(move || {
            follow(
                &rx,
                Duration::from_millis(50),
                Duration::from_secs(5),
                Duration::from_secs(3600),
                || false,
                move || *c.lock().unwrap() += 1,
            )
        });
        for _ in 0..5 {
            tx.send(Note::Change).unwrap();
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(*calls.lock().unwrap(), 1);
        tx.send(Note::Change).unwrap();
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(*calls.lock().unwrap(), 2);
        // A look that finds the watch in place is no change.
        tx.send(Note::Look).unwrap();
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(*calls.lock().unwrap(), 2);
        tx.send(Note::Stop).unwrap();
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
