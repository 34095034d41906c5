//! A search index saved to a file and read back from it, so that `marketlens search` on a big
//! KB need not build one every time (building takes ~0.2 s per 100,000 records on an idle
//! machine; reading and verifying a saved one, a fraction of that: see `docs/search.md`).
//!
//! The file is the index's arrays as they are in memory (`Field` and `Doc` are plain data),
//! after a header that ties it to one KB (the fingerprint of its files' bytes, see
//! `kb::Loaded::fingerprint`), this program's version and this machine's byte order, and holds
//! a checksum of the whole file, the header (with its checksum zero) and every byte after it:
//! the file cut into pieces of 4 MiB (the last one shorter), each hashed with xxh3-128 seeded
//! with the KB's fingerprint, then the same hash of the pieces' digests in order (16 bytes each,
//! little-endian). A file that does not match is not used.
//!
//! Opening trusts nothing in the file. It opens regular files only (a FIFO, a device or a
//! symlink at the path is never read), reads exactly the bytes the header declares, which must
//! be the file's length, into memory (one array per part, so each is aligned for its type; the
//! pieces read and hashed on every core at once, each thread reading its piece straight into
//! its place), checks the checksum over what it read, then the sizes and every doc against the
//! KB. A file shorter than its header says fails as it is read; nothing past the length the
//! header gives is read. What is
//! read is ours from then on: a file truncated or rewritten under a running search changes
//! nothing (a mapped file would fault, SIGBUS, and would not stay what was checked). Fields are
//! not checked one by one, but nothing read from them can go wrong even if a file with a valid
//! checksum were made on purpose: enums read back through accessors, text is checked as it is
//! read (`Index::text`), and a field index out of range is read with `get`.
//!
//! Files are written whole to a temporary file and renamed into place, never changed after.
//! Pruning removes only files that are ours: named `index-<32 hex digits>.bin`, regular, and
//! starting with our magic and the fingerprint their name gives.
//!
//! Here: the format (header, layout, checksum), saving, pruning and `open_or_build`; opening and
//! verifying a file in `read`; the tests (a damaged, truncated, foreign or misplaced file, a FIFO
//! or symlink at its path, each way it can be wrong) in `tests`.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytemuck::{Pod, Zeroable};
use xxhash_rust::xxh3::Xxh3;

use super::index::{Arena, Ascii, CharBits, Doc, Field, Index, Masks};
use super::pairs::{self, Pairs};
use crate::kb::{Kb, Kind, PerKind};

mod read;
#[cfg(test)]
mod tests;

pub use read::{Unusable, open};
use read::{open_file, open_regular};

const MAGIC: [u8; 8] = *b"mlindex\0";
/// Bumped whenever the layout or the meaning of what is saved changes.
const FORMAT: u32 = 9;
/// The digest of a small synthetic KB's saved index, with `FORMAT`: when a change to the index
/// (its layout, or what goes into it) changes it, bump `FORMAT` and update the digest (the test
/// `tests::format_is_bumped_when_the_index_changes` says to): an index saved by the old code
/// must not be read by the new.
#[cfg(test)]
const DIGEST: (u32, u64) = (9, 0xb541_97cf_2661_422a);
/// The kinds the header's `by_kind` was laid out for in this `FORMAT`: adding or removing a
/// kind changes the layout, so bump `FORMAT` with this (the compiler stops here until then).
const FORMAT_KINDS: usize = 7;
const _: () = assert!(
    Kind::COUNT == FORMAT_KINDS,
    "the kinds changed: bump saved::FORMAT"
);
/// Written in the machine's byte order; reads back otherwise on a machine of the other order.
const ORDER: u32 = 0x0102_0304;

/// Saved indexes kept in a cache directory; older ones are removed.
pub const KEEP: usize = 3;

/// The first fields (magic, format, order, fingerprint) keep their place in every format, so
/// that pruning recognises files of older formats as ours.
#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct Header {
    magic: [u8; 8],
    format: u32,
    order: u32,
    /// The KB's fingerprint, low and high halves.
    fingerprint: [u64; 2],
    /// xxh3-128 seeded with `seed(fingerprint)` of the whole file with this field zero: low
    /// and high halves.
    checksum: [u64; 2],
    /// xxh3 of this program's version: an index is saved and read by the same code.
    version: u64,
    docs: u64,
    fields: u64,
    arena: u64,
    /// Start and end doc of each kind, in `Kind::ALL` order.
    by_kind: [[u32; 2]; Kind::COUNT],
    /// `CharBits::own`, then zeros.
    own_chars: [u32; 192],
}

/// Bytes of the start of the header that pruning reads: magic, format, order, fingerprint.
const PREFIX: usize = std::mem::offset_of!(Header, checksum);

fn version_hash() -> u64 {
    xxhash_rust::xxh3::xxh3_64(env!("CARGO_PKG_VERSION").as_bytes())
}

fn halves(v: u128) -> [u64; 2] {
    [v as u64, (v >> 64) as u64]
}

/// The checksum's seed: the KB's fingerprint, so that the index of another KB whose
/// fingerprint bytes were changed to this KB's fails the checksum twice over (the header it
/// covers changed, and so did the seed).
fn seed(fingerprint: u128) -> u64 {
    let [lo, hi] = halves(fingerprint);
    lo ^ hi.rotate_left(32)
}

/// The header's bytes as the checksum covers them: its checksum zero.
fn hashed_header(header: &Header) -> Header {
    Header {
        checksum: [0; 2],
        ..*header
    }
}

/// Where each array starts and ends in the file, in the order written.
struct Layout {
    fields: std::ops::Range<usize>,
    field_wide: std::ops::Range<usize>,
    docs: std::ops::Range<usize>,
    masks_ascii: std::ops::Range<usize>,
    masks_wide: std::ops::Range<usize>,
    pairs: std::ops::Range<usize>,
    arena: std::ops::Range<usize>,
}

impl Layout {
    fn of(docs: usize, fields: usize, arena: usize) -> Option<Layout> {
        let mut at = size_of::<Header>();
        let mut next = |bytes: Option<usize>| -> Option<std::ops::Range<usize>> {
            let start = at.checked_next_multiple_of(8)?;
            let end = start.checked_add(bytes?)?;
            at = end;
            Some(start..end)
        };
        Some(Layout {
            fields: next(fields.checked_mul(size_of::<Field>()))?,
            field_wide: next(fields.checked_mul(size_of::<[u64; 3]>()))?,
            docs: next(docs.checked_mul(size_of::<Doc>()))?,
            masks_ascii: next(docs.checked_mul(size_of::<Ascii>()))?,
            masks_wide: next(docs.checked_mul(size_of::<[u64; 3]>()))?,
            pairs: next(pairs::words_for(docs).checked_mul(pairs::COUNT * 8))?,
            arena: next(Some(arena))?,
        })
    }

    fn end(&self) -> usize {
        self.arena.end
    }
}

/// The file name of the saved index of a KB with this fingerprint.
pub fn file_name(fingerprint: u128) -> String {
    format!("index-{fingerprint:032x}.bin")
}

/// The fingerprint in a name that `file_name` gives, exactly (lowercase hex, 32 digits).
fn fingerprint_of_name(name: &str) -> Option<u128> {
    let hex = name.strip_prefix("index-")?.strip_suffix(".bin")?;
    let digits = |h: &str| h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    (hex.len() == 32 && digits(hex))
        .then(|| u128::from_str_radix(hex, 16).ok())
        .flatten()
}

/// Where saved indexes go: `$MARKETLENS_CACHE_DIR`, else `$XDG_CACHE_HOME/marketlens`, else
/// `~/.cache/marketlens`; `None` when none of them is set.
pub fn cache_dir() -> Option<PathBuf> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("MARKETLENS_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("marketlens")))
        .or_else(|| var("HOME").map(|d| d.join(".cache").join("marketlens")))
}

/// The temporary file an index is written to before it is renamed to `path`: beside it, so
/// that the rename stays on one file system.
fn temp_file_for(path: &Path) -> io::Result<tempfile::NamedTempFile> {
    let dir = path.parent().unwrap_or(Path::new("."));
    tempfile::Builder::new().prefix(".index-").tempfile_in(dir)
}

/// Write `ix` (of the KB with `fingerprint`) to `path`: to a temporary file beside it, then
/// renamed over it, so a reader sees a whole file or none.
pub fn save(ix: &Index, fingerprint: u128, path: &Path) -> io::Result<()> {
    let Arena::Built(arena) = &ix.arena else {
        return Err(io::Error::other("only a built index is saved"));
    };
    let by_kind = *ix.by_kind.clone().map(|_, r| [r.start, r.end]).as_array();
    let mut header = Header {
        magic: MAGIC,
        format: FORMAT,
        order: ORDER,
        fingerprint: halves(fingerprint),
        checksum: [0; 2],
        version: version_hash(),
        docs: ix.docs.len() as u64,
        fields: ix.fields.len() as u64,
        arena: arena.len() as u64,
        by_kind,
        own_chars: {
            let mut own = [0u32; 192];
            for (o, &c) in own.iter_mut().zip(ix.chars.own()) {
                *o = c as u32;
            }
            own
        },
    };
    let layout = Layout::of(ix.docs.len(), ix.fields.len(), arena.len())
        .ok_or_else(|| io::Error::other("index too large to save"))?;
    let (mut tmp, _registered) = crate::fsutil::create_temp(|| temp_file_for(path))?;
    let mut sum = Sum::new(fingerprint);
    {
        let mut out = BufWriter::with_capacity(1 << 20, tmp.as_file_mut());
        let mut at = 0usize;
        let mut put = |out: &mut BufWriter<&mut File>, start: usize, bytes: &[u8]| {
            let pad = &[0u8; 8][..start - at];
            for b in [pad, bytes] {
                out.write_all(b)?;
                sum.update(b);
            }
            at = start + bytes.len();
            io::Result::Ok(())
        };
        put(&mut out, 0, bytemuck::bytes_of(&header))?;
        put(&mut out, layout.fields.start, bytemuck::cast_slice(&ix.fields))?;
        put(
            &mut out,
            layout.field_wide.start,
            bytemuck::cast_slice(&ix.field_wide),
        )?;
        put(&mut out, layout.docs.start, bytemuck::cast_slice(&ix.docs))?;
        put(
            &mut out,
            layout.masks_ascii.start,
            bytemuck::cast_slice(&ix.doc_masks.ascii),
        )?;
        put(
            &mut out,
            layout.masks_wide.start,
            bytemuck::cast_slice(&ix.doc_masks.wide),
        )?;
        put(&mut out, layout.pairs.start, bytemuck::cast_slice(&ix.pairs.bits))?;
        put(&mut out, layout.arena.start, arena.as_bytes())?;
        out.flush()?;
    }
    // The header was hashed with its checksum zero; now that the rest is written, fill it in.
    header.checksum = halves(sum.digest128());
    let file = tmp.as_file_mut();
    file.seek(io::SeekFrom::Start(0))?;
    file.write_all(bytemuck::bytes_of(&header))?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The checksum's pieces: the file is hashed `PIECE` bytes at a time (the last piece shorter),
/// so that opening can read and hash its pieces on every core at once.
/// Tests use small pieces, so that their small files have many and every edge between them is
/// crossed (a stretch split over two pieces, a piece ending where a part does).
const PIECE: usize = if cfg!(test) { 4 << 10 } else { 4 << 20 };

/// The checksum of a saved file's bytes, fed in order: each `PIECE` bytes of the file hashed
/// with xxh3-128 seeded with `seed(fingerprint)`, then the same over those pieces' digests
/// (16 bytes each, little-endian) in order.
struct Sum {
    seed: u64,
    piece: Xxh3,
    /// Bytes of the current piece hashed so far.
    in_piece: usize,
    pieces: Xxh3,
}

impl Sum {
    fn new(fingerprint: u128) -> Sum {
        let seed = seed(fingerprint);
        Sum {
            seed,
            piece: Xxh3::with_seed(seed),
            in_piece: 0,
            pieces: Xxh3::with_seed(seed),
        }
    }

    fn update(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let (now, rest) = bytes.split_at(bytes.len().min(PIECE - self.in_piece));
            self.piece.update(now);
            self.in_piece += now.len();
            bytes = rest;
            if self.in_piece == PIECE {
                self.end_piece();
            }
        }
    }

    fn end_piece(&mut self) {
        let digest = self.piece.digest128();
        self.pieces.update(&digest.to_le_bytes());
        self.piece = Xxh3::with_seed(self.seed);
        self.in_piece = 0;
    }

    fn digest128(mut self) -> u128 {
        if self.in_piece > 0 {
            self.end_piece();
        }
        self.pieces.digest128()
    }
}

/// Whether the file at `path` is a saved index of ours for the KB with `fingerprint`: a
/// regular file that starts with our magic, this machine's byte order and that fingerprint.
fn is_ours(path: &Path, fingerprint: u128) -> bool {
    let Ok(Ok(mut file)) = open_regular(path) else {
        return false;
    };
    let mut header = Header::zeroed();
    if file
        .read_exact(&mut bytemuck::bytes_of_mut(&mut header)[..PREFIX])
        .is_err()
    {
        return false;
    }
    header.magic == MAGIC && header.order == ORDER && header.fingerprint == halves(fingerprint)
}

/// Remove all but the `keep` most recently used saved indexes in `dir`. Only files of ours are
/// counted and removed (`is_ours`, for the fingerprint their name gives): whatever else is
/// there, even named like ours, is left alone.
pub fn prune(dir: &Path, keep: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut saved: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let fingerprint = fingerprint_of_name(e.file_name().to_str()?)?;
            // The entry's own type: a symlink is not followed.
            let meta = e.metadata().ok().filter(|m| m.file_type().is_file())?;
            let path = e.path();
            is_ours(&path, fingerprint).then_some((meta.modified().ok()?, path))
        })
        .collect();
    saved.sort_by_key(|e| std::cmp::Reverse(e.0));
    for (_, p) in saved.into_iter().skip(keep) {
        let _ = std::fs::remove_file(p);
    }
}

/// The index of `kb` for a one-shot command: the one saved in `dir` for this fingerprint if
/// there is a usable one, else built and (for a KB of at least `min_docs` records) saved there
/// for next time. Saving is best effort: a cache that cannot be written costs only the time. A
/// saved file that is damaged or stale is replaced; something there that is not a regular file
/// is left alone (and nothing saved).
pub fn open_or_build(
    kb: Arc<Kb>,
    fingerprint: u128,
    dir: Option<&Path>,
    min_docs: usize,
) -> (Index, Outcome) {
    let records: usize = Kind::ALL.iter().map(|&k| kb.count(k)).sum();
    let Some(dir) = dir.filter(|_| records >= min_docs) else {
        return (Index::build(kb), Outcome::NotCached);
    };
    let path = dir.join(file_name(fingerprint));
    let why = match open_file(&path, kb.clone(), fingerprint) {
        Ok(Ok((ix, file))) => {
            // Mark it used, so pruning keeps it (through the file that was read: the path
            // could name another file by now).
            let _ = file.set_modified(std::time::SystemTime::now());
            return (ix, Outcome::Used(path));
        }
        Ok(Err(u)) => Some(u),
        Err(_) => None, // none saved yet (or unreadable): build
    };
    let ix = Index::build(kb);
    let saved = if why == Some(Unusable::NotAFile) {
        Err(io::Error::other(format!(
            "{} is not a regular file",
            path.display()
        )))
    } else {
        std::fs::create_dir_all(dir).and_then(|()| save(&ix, fingerprint, &path))
    };
    if saved.is_ok() {
        prune(dir, KEEP);
        // Temporary files of saves that were killed (SIGKILL, a crash) and never renamed.
        crate::fsutil::prune_stale_temps(dir, ".index-", "", crate::fsutil::STALE_TEMP_AGE);
    }
    (
        ix,
        Outcome::Built {
            replaced: why,
            saved: saved.err(),
        },
    )
}

/// What `open_or_build` did.
#[derive(Debug)]
pub enum Outcome {
    /// Too small to bother, or no cache directory.
    NotCached,
    /// Used the index saved at this path.
    Used(PathBuf),
    /// Built one; `replaced`: why a saved one was not used; `saved`: why it could not be saved.
    Built {
        replaced: Option<Unusable>,
        saved: Option<io::Error>,
    },
}
