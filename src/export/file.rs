//! Saving an export: write a temporary file beside the target, then rename it into place, so a
//! reader never sees half a file and a failed write leaves the old one untouched.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum WriteError {
    /// The path exists and overwriting was not asked for.
    Exists(PathBuf),
    IsDir(PathBuf),
    /// The path is a device, a FIFO, a socket (`kind`, as `fsutil::kind_of` says): never replaced,
    /// not even with `--force` (as root, a rename over `/dev/null` would replace the device).
    NotRegular {
        path: PathBuf,
        kind: &'static str,
    },
    Io {
        path: PathBuf,
        error: io::Error,
    },
}

/// A path for a one-line message: control characters in a file name must not reach the terminal.
fn shown(p: &Path) -> String {
    crate::text::escape_controls(&p.display().to_string()).into_owned()
}

/// Why an I/O error happened, in lower case and without the OS error number or the temporary
/// file's name (which tempfile appends and which no longer exists).
fn reason(e: &io::Error) -> String {
    use io::ErrorKind::*;
    match e.kind() {
        PermissionDenied => "permission denied".into(),
        NotFound => "no such file or directory".into(),
        ReadOnlyFilesystem => "read-only file system".into(),
        StorageFull => "no space left on device".into(),
        _ => {
            let s = e.to_string();
            let s = s.split(" (os error").next().unwrap_or("");
            let s = s.split(" at path ").next().unwrap_or("");
            let mut c = s.chars();
            match c.next() {
                Some(first) => first.to_lowercase().chain(c).collect(),
                None => format!("{}", e.kind()),
            }
        }
    }
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Exists(p) => write!(f, "{} already exists", shown(p)),
            WriteError::IsDir(p) => write!(f, "{} is a directory", shown(p)),
            WriteError::NotRegular { path, kind } => write!(
                f,
                "{} is {kind}, not a regular file: only a regular file is ever replaced",
                shown(path)
            ),
            WriteError::Io { path, error } => {
                write!(f, "cannot write {}: {}", shown(path), reason(error))
            }
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WriteError::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// The directory a path's file goes in; `out.md` has the parent "", which means the current one.
fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The temporary file's name is `{TEMP_PREFIX}XXXXXX{TEMP_SUFFIX}`.
pub const TEMP_PREFIX: &str = ".marketlens-";
pub const TEMP_SUFFIX: &str = ".tmp";

/// What is at `path` now, if anything: a regular file (or a symbolic link to one, which the
/// rename replaces, leaving its target alone), else an error naming what it is. A directory,
/// device, FIFO, socket or a symbolic link to nothing is never replaced.
/// (Without `overwrite`, a symbolic link to nothing is left to the `Exists` check.)
fn what_is_at(path: &Path, overwrite: bool) -> Result<Option<std::fs::Metadata>, WriteError> {
    let Ok(meta) = std::fs::metadata(path) else {
        return match std::fs::symlink_metadata(path) {
            Ok(_) if !overwrite => Ok(None),
            // A symbolic link to nothing (or to what cannot be reached).
            Ok(m) => Err(WriteError::NotRegular {
                path: path.to_path_buf(),
                kind: if m.file_type().is_symlink() {
                    "a symbolic link to nothing"
                } else {
                    crate::fsutil::kind_of(m.file_type())
                },
            }),
            Err(_) => Ok(None),
        };
    };
    if meta.is_dir() {
        return Err(WriteError::IsDir(path.to_path_buf()));
    }
    if !meta.is_file() {
        return Err(WriteError::NotRegular {
            path: path.to_path_buf(),
            kind: crate::fsutil::kind_of(meta.file_type()),
        });
    }
    Ok(Some(meta))
}

/// Write `contents` to `path` atomically: a temporary file in the same directory, then a rename.
/// Without `overwrite` an existing path (even a dangling symlink) is never replaced: the rename
/// itself refuses (`persist_noclobber`), so there is no window between a check and the write.
pub fn write_file(path: &Path, contents: &[u8], overwrite: bool) -> Result<(), WriteError> {
    let io_err = |error: io::Error| WriteError::Io {
        path: path.to_path_buf(),
        error,
    };
    let existing = what_is_at(path, overwrite)?;
    // Answer early rather than write a temporary file for nothing; persist_noclobber below is
    // what actually guarantees it.
    if !overwrite && std::fs::symlink_metadata(path).is_ok() {
        return Err(WriteError::Exists(path.to_path_buf()));
    }
    let dir = dir_of(path);
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        // tempfile creates 0600 files; ask for 0666 so the umask decides, as for any new file.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // Dropping `tmp` on any error below deletes the temporary file; `_registered` has a signal
    // that ends the process delete it too.
    let (mut tmp, _registered) = crate::fsutil::create_temp(|| builder.tempfile_in(dir)).map_err(io_err)?;
    if overwrite && let Some(m) = &existing {
        // Replacing a file keeps its permissions (without set-id bits).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = m.permissions().mode() & 0o777;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(mode))
                .map_err(io_err)?;
        }
        #[cfg(not(unix))]
        tmp.as_file().set_permissions(m.permissions()).map_err(io_err)?;
    }
    tmp.write_all(contents).map_err(io_err)?;
    // On disk before the rename, so a crash cannot leave an empty file under the real name.
    tmp.as_file().sync_all().map_err(io_err)?;
    // Checked again just before the rename, which would replace whatever is there by then.
    if overwrite {
        what_is_at(path, true)?;
    }
    let persisted = if overwrite {
        tmp.persist(path)
    } else {
        tmp.persist_noclobber(path)
    };
    match persisted {
        Ok(_) => {
            // Best effort: temporary files an export killed by SIGKILL or a crash left here.
            crate::fsutil::prune_stale_temps(dir, TEMP_PREFIX, TEMP_SUFFIX, crate::fsutil::STALE_TEMP_AGE);
            Ok(())
        }
        Err(tempfile::PersistError { error, file }) => {
            drop(file);
            Err(match error.kind() {
                io::ErrorKind::AlreadyExists if !overwrite => WriteError::Exists(path.to_path_buf()),
                io::ErrorKind::IsADirectory => WriteError::IsDir(path.to_path_buf()),
                _ => io_err(error),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_file_goes_beside_the_target() {
        assert_eq!(dir_of(Path::new("out.md")), Path::new("."));
        assert_eq!(dir_of(Path::new("a/out.md")), Path::new("a"));
        assert_eq!(dir_of(Path::new("/out.md")), Path::new("/"));
    }

    #[test]
    fn messages_are_one_clear_line() {
        let p = PathBuf::from("/x/out.md");
        assert_eq!(
            WriteError::Exists(p.clone()).to_string(),
            "/x/out.md already exists"
        );
        assert_eq!(
            WriteError::IsDir(p.clone()).to_string(),
            "/x/out.md is a directory"
        );
        let e = WriteError::Io {
            path: p,
            error: io::Error::from(io::ErrorKind::PermissionDenied),
        };
        assert_eq!(e.to_string(), "cannot write /x/out.md: permission denied");
        let e = WriteError::Io {
            path: PathBuf::from("a\x1b[31m.md"),
            error: io::Error::other("Disk on fire (os error 99) at path \"/x/.tmp1\""),
        };
        assert_eq!(e.to_string(), "cannot write a\\u{1b}[31m.md: disk on fire");
    }
}
