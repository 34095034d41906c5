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
//! Longer than 800 lines for a reason: about 550 of them are its tests (a damaged, truncated,
//! foreign or misplaced file, a FIFO or symlink at its path, each way it can be wrong), which
//! belong next to the reader they check; the code itself is about 730 lines.

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

const MAGIC: [u8; 8] = *b"mlindex\0";
/// Bumped whenever the layout or the meaning of what is saved changes.
const FORMAT: u32 = 8;
/// The kinds the header's `by_kind` was laid out for in this `FORMAT`: adding or removing a
/// kind changes the layout, so bump `FORMAT` with this (the compiler stops here until then).
const FORMAT_KINDS: usize = 5;
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

/// Why a saved index was not used.
#[derive(Debug, PartialEq, Eq)]
pub enum Unusable {
    /// Saved for another KB, program version or machine: build a new one.
    Stale,
    /// Not a whole, consistent index file.
    Damaged(&'static str),
    /// Not a regular file (a FIFO, a device, a directory, a symlink): never read, nor replaced.
    NotAFile,
}

impl std::fmt::Display for Unusable {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Unusable::Stale => f.write_str("saved for another KB, version or machine"),
            Unusable::Damaged(why) => write!(f, "damaged ({why})"),
            Unusable::NotAFile => f.write_str("not a regular file, left alone"),
        }
    }
}

/// A regular file at `path`, opened for reading without following a symlink and without
/// blocking (a FIFO would wait for a writer), and checked to be a regular file before opening
/// and after ([`crate::fsutil::open_regular`]). `Err` when there is nothing at `path` or it
/// cannot be opened.
fn open_regular(path: &Path) -> io::Result<Result<File, Unusable>> {
    use crate::fsutil::{Links, Refused};
    Ok(
        crate::fsutil::open_regular(path, Links::Refuse)?.map_err(|r| match r {
            Refused::NotRegular { .. } => Unusable::NotAFile,
            Refused::Replaced => Unusable::Damaged("changed while opened"),
        }),
    )
}

/// Use the index saved at `path` for `kb` (whose fingerprint is `fingerprint`), read into
/// memory and checked as the module describes. `Err` when there is none (or it cannot be
/// opened); `Ok(Err)` when there is one that is not used.
pub fn open(path: &Path, kb: Arc<Kb>, fingerprint: u128) -> io::Result<Result<Index, Unusable>> {
    Ok(open_file(path, kb, fingerprint)?.map(|(ix, _)| ix))
}

/// `open`, also giving the open file.
fn open_file(path: &Path, kb: Arc<Kb>, fingerprint: u128) -> io::Result<Result<(Index, File), Unusable>> {
    let file = match open_regular(path)? {
        Ok(f) => f,
        Err(u) => return Ok(Err(u)),
    };
    let len = file.metadata()?.len();
    Ok(read(&file, len, kb, fingerprint).map(|ix| (ix, file)))
}

/// The header of a saved file from its first bytes, if it is one for this KB, program and
/// machine, and the layout it gives is `len` bytes long (the file's length).
fn check_header(head: &[u8], len: u64, fingerprint: u128) -> Result<(Header, Layout), Unusable> {
    let head = head
        .get(..size_of::<Header>())
        .ok_or(Unusable::Damaged("shorter than its header"))?;
    let header: Header = bytemuck::pod_read_unaligned(head);
    if header.magic != MAGIC {
        return Err(Unusable::Damaged("not a saved index"));
    }
    if header.format != FORMAT
        || header.order != ORDER
        || header.version != version_hash()
        || header.fingerprint != halves(fingerprint)
    {
        return Err(Unusable::Stale);
    }
    let n = |v: u64| usize::try_from(v).map_err(|_| Unusable::Damaged("sizes out of range"));
    let layout = Layout::of(n(header.docs)?, n(header.fields)?, n(header.arena)?)
        .ok_or(Unusable::Damaged("sizes out of range"))?;
    if layout.end() as u64 != len {
        return Err(Unusable::Damaged("not the size its header gives"));
    }
    Ok((header, layout))
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

/// Where a stretch of the file goes as it is read: bytes already known (the header, as hashed),
/// or a buffer to fill from the file.
enum Dest<'a> {
    Known(&'a [u8]),
    Fill(&'a mut [u8]),
}

/// Ask the kernel to back the whole pages inside `bytes` with memory now, in one call, rather
/// than one page fault at a time as the reading first touches them. Only a hint: their contents
/// do not change, and where it is not supported (before Linux 5.14) nothing happens.
fn populate(bytes: &mut [u8]) {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: sysconf reads a constant of the system and touches no memory of ours.
        let page = match unsafe { libc::sysconf(libc::_SC_PAGESIZE) } {
            p if p > 0 => p as usize,
            _ => return,
        };
        let start = (bytes.as_mut_ptr() as usize).next_multiple_of(page);
        let end = (bytes.as_mut_ptr() as usize + bytes.len()) / page * page;
        if start < end {
            // SAFETY: the range is whole pages inside `bytes`, memory of ours that we may write;
            // populating leaves what it holds as it was.
            unsafe {
                let _ = libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_POPULATE_WRITE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = bytes;
}

/// `into.len()` bytes of `file` from `at`: all of them or an error. Never reads past them.
fn read_at(file: &File, into: &mut [u8], at: u64) -> Result<(), Unusable> {
    #[cfg(unix)]
    let got = std::os::unix::fs::FileExt::read_exact_at(file, into, at);
    #[cfg(not(unix))]
    let got = {
        // Only ever called from one thread there (see `read_pieces`): seek, then read.
        let mut f = file;
        f.seek(io::SeekFrom::Start(at)).and_then(|_| f.read_exact(into))
    };
    got.map_err(|e| {
        Unusable::Damaged(if e.kind() == io::ErrorKind::UnexpectedEof {
            "shorter than its header gives (changed while read)"
        } else {
            "unreadable"
        })
    })
}

/// Fill every `Dest::Fill` of `pieces` (each piece: the stretches of one `PIECE` of the file,
/// with their file offsets, in order) from `file`, and give the checksum of the whole (`Sum`).
/// The pieces are read and hashed on every core, each piece's pages backed at once
/// (`populate`): most of the cost of opening is the kernel clearing fresh pages and copying the
/// file into them (hashing is a few percent), and that runs on the core whose thread reads. At
/// 100,000 records on 2 cores, "index (saved)" median 30-35 ms against 67-76 ms read and hashed
/// in order on one thread (more in `docs/search.md`). Asking for transparent huge pages
/// (`MADV_HUGEPAGE`) was tried when the file was read on one thread: at 100,000 records it took
/// 83-93 ms or, compacting memory the KB's load had fragmented, 330-505 ms, against 119-191 ms
/// without (on a loaded machine), so it is not asked for.
fn read_pieces(file: &File, pieces: Vec<Vec<(u64, Dest)>>, fingerprint: u128) -> Result<u128, Unusable> {
    let seed = seed(fingerprint);
    let pieces: Vec<std::sync::Mutex<Vec<(u64, Dest)>>> =
        pieces.into_iter().map(std::sync::Mutex::new).collect();
    // Elsewhere a read is a seek then a read, which threads sharing the file would race.
    let threads = if cfg!(unix) { crate::par::cores() } else { 1 };
    let digests = crate::par::map_units(&pieces, threads, |piece| {
        let mut piece = piece.lock().unwrap_or_else(|p| p.into_inner());
        let mut sum = Xxh3::with_seed(seed);
        for (at, dest) in piece.iter_mut() {
            match dest {
                Dest::Known(bytes) => sum.update(bytes),
                Dest::Fill(into) => {
                    populate(into);
                    // A bit at a time, each bit hashed while it is still in the cache.
                    let mut at = *at;
                    for bit in into.chunks_mut(1 << 18) {
                        if let Err(why) = read_at(file, bit, at) {
                            return Some(Err(why));
                        }
                        sum.update(bit);
                        at += bit.len() as u64;
                    }
                }
            }
        }
        Some(Ok(sum.digest128()))
    })
    .unwrap_or_default();
    let mut sum = Xxh3::with_seed(seed);
    for digest in digests {
        sum.update(&digest?.to_le_bytes());
    }
    Ok(sum.digest128())
}

/// The index saved in `file` (of `len` bytes), checked as the module describes. Reads no more
/// than `len` bytes, and only once the header says the file is for this KB and is that long.
fn read(file: &File, len: u64, kb: Arc<Kb>, fingerprint: u128) -> Result<Index, Unusable> {
    let mut head = [0u8; size_of::<Header>()];
    if len < head.len() as u64 {
        return Err(Unusable::Damaged("shorter than its header"));
    }
    read_at(file, &mut head, 0)
        .map_err(|_| Unusable::Damaged("shorter than its header (changed while read)"))?;
    let (header, layout) = check_header(&head, len, fingerprint)?;
    let (n_docs, n_fields) = (header.docs as usize, header.fields as usize);
    // The KB says how many docs there are: a file that disagrees is not read further.
    let records: usize = Kind::ALL.iter().map(|&k| kb.count(k)).sum();
    if n_docs != records {
        return Err(Unusable::Damaged("docs do not match the KB"));
    }
    // One array per part (so each is aligned for its type), zeroed by the kernel as the reading
    // first touches its pages.
    let ranges = [
        layout.fields.clone(),
        layout.field_wide.clone(),
        layout.docs.clone(),
        layout.masks_ascii.clone(),
        layout.masks_wide.clone(),
        layout.pairs.clone(),
        layout.arena.clone(),
    ];
    let part = |i: usize| ranges[i].len();
    let mut fields: Vec<Field> = bytemuck::zeroed_vec(part(0) / size_of::<Field>());
    let mut field_wide: Vec<[u64; 3]> = bytemuck::zeroed_vec(part(1) / 24);
    let mut docs: Vec<Doc> = bytemuck::zeroed_vec(part(2) / size_of::<Doc>());
    let mut masks_ascii: Vec<Ascii> = bytemuck::zeroed_vec(part(3) / size_of::<Ascii>());
    let mut masks_wide: Vec<[u64; 3]> = bytemuck::zeroed_vec(part(4) / 24);
    let mut pair_bits: Vec<u64> = bytemuck::zeroed_vec(part(5) / 8);
    let mut arena: Vec<u8> = vec![0; part(6)];
    let hashed = hashed_header(&header);
    let mut pads = [[0u8; 8]; 7];
    {
        // The file's stretches in order: the header as hashed, then each part after its padding.
        let mut stretches: Vec<(u64, Dest)> = vec![(0, Dest::Known(bytemuck::bytes_of(&hashed)))];
        let parts: [&mut [u8]; 7] = [
            bytemuck::cast_slice_mut(&mut fields),
            bytemuck::cast_slice_mut(&mut field_wide),
            bytemuck::cast_slice_mut(&mut docs),
            bytemuck::cast_slice_mut(&mut masks_ascii),
            bytemuck::cast_slice_mut(&mut masks_wide),
            bytemuck::cast_slice_mut(&mut pair_bits),
            &mut arena,
        ];
        let mut at = size_of::<Header>();
        for ((bytes, range), pad) in parts.into_iter().zip(&ranges).zip(&mut pads) {
            stretches.push((at as u64, Dest::Fill(&mut pad[..range.start - at])));
            stretches.push((range.start as u64, Dest::Fill(bytes)));
            at = range.end;
        }
        // Cut at every multiple of `PIECE`.
        let mut pieces: Vec<Vec<(u64, Dest)>> = vec![Vec::new()];
        for (mut at, mut dest) in stretches {
            loop {
                let room = PIECE - at as usize % PIECE;
                let len = match &dest {
                    Dest::Known(b) => b.len(),
                    Dest::Fill(b) => b.len(),
                };
                if len == 0 {
                    break;
                }
                let (now, rest) = match dest {
                    Dest::Known(b) => {
                        let (a, b) = b.split_at(len.min(room));
                        (Dest::Known(a), Dest::Known(b))
                    }
                    Dest::Fill(b) => {
                        let (a, b) = b.split_at_mut(len.min(room));
                        (Dest::Fill(a), Dest::Fill(b))
                    }
                };
                let now_len = len.min(room);
                pieces.last_mut().expect("one piece at least").push((at, now));
                at += now_len as u64;
                if now_len == room {
                    pieces.push(Vec::new());
                }
                dest = rest;
            }
        }
        pieces.retain(|p| !p.is_empty());
        if halves(read_pieces(file, pieces, fingerprint)?) != header.checksum {
            return Err(Unusable::Damaged("checksum"));
        }
    }
    let own = header.own_chars.iter().take_while(|&&c| c != 0);
    let chars = own
        .map(|&c| char::from_u32(c))
        .collect::<Option<Vec<char>>>()
        .and_then(CharBits::from_own)
        .ok_or(Unusable::Damaged("character bits"))?;

    // Docs: each kind's run where the header says, one doc per record of the KB, in order, with
    // field ranges inside the fields.
    let mut by_kind = PerKind::<std::ops::Range<u32>>::default();
    let mut next = 0u32;
    for kind in Kind::ALL {
        let [start, end] = header.by_kind[kind as usize];
        let count = end.checked_sub(start).ok_or(Unusable::Damaged("doc ranges"))?;
        if count as usize != kb.count(kind) || (count > 0 && start != next) {
            return Err(Unusable::Damaged("docs do not match the KB"));
        }
        if count > 0 {
            next = end;
        }
        by_kind[kind] = start..end;
    }
    if next as usize != n_docs {
        return Err(Unusable::Damaged("docs do not match the KB"));
    }
    for kind in Kind::ALL {
        let r = by_kind[kind].clone();
        for (i, d) in docs[r.start as usize..r.end as usize].iter().enumerate() {
            let (names, others) = (d.names(), d.others());
            let ok = d.kind() == kind
                && d.index as usize == i
                && names.start <= names.end
                && others.start <= others.end
                && names.end as usize <= n_fields
                && others.end as usize <= n_fields;
            if !ok {
                return Err(Unusable::Damaged("a doc does not match the KB"));
            }
        }
    }
    Ok(Index {
        kb,
        arena: Arena::Saved(arena),
        fields: Cow::Owned(fields),
        field_wide: Cow::Owned(field_wide),
        docs: Cow::Owned(docs),
        doc_masks: Masks {
            ascii: Cow::Owned(masks_ascii),
            wide: Cow::Owned(masks_wide),
        },
        by_kind,
        pairs: Pairs {
            words: pairs::words_for(n_docs),
            bits: Cow::Owned(pair_bits),
        },
        chars,
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{Rank, Scope, search};

    const QUERIES: [&str; 8] = [
        "a",
        "cr",
        "chu r",
        "ti",
        "云",
        "aws 2025",
        "'cloud",
        "kind:deal !a c",
    ];

    fn kb(records: usize, seed: u64) -> Arc<Kb> {
        Arc::new(crate::synth::kb(records, seed))
    }

    type FieldValues = (u64, u64, u64, u32, char, String, &'static str, u8);
    /// Per query: the matches, and the ranked hits as (doc, score, field).
    type Found = Vec<(Vec<u32>, Vec<(u32, i32, u32)>)>;

    /// Everything a search reads from an index, as values.
    fn contents(ix: &Index) -> impl PartialEq + std::fmt::Debug + use<> {
        let fields: Vec<FieldValues> = ix
            .fields
            .iter()
            .map(|f| {
                let t = ix.text(f).to_string();
                (
                    f.mask,
                    f.heads,
                    f.starts,
                    f.len,
                    f.first(),
                    t,
                    f.name().label(),
                    f.of,
                )
            })
            .collect();
        let docs: Vec<(Kind, u32, std::ops::Range<u32>, std::ops::Range<u32>)> = ix
            .docs
            .iter()
            .map(|d| (d.kind(), d.index, d.names(), d.others()))
            .collect();
        (
            fields,
            ix.field_wide.to_vec(),
            docs,
            ix.doc_masks.ascii.to_vec(),
            ix.doc_masks.wide.to_vec(),
            ix.by_kind.clone(),
            (ix.pairs.words, ix.pairs.bits.to_vec()),
            ix.chars.clone(),
        )
    }

    fn results(ix: &Index) -> Found {
        QUERIES
            .iter()
            .map(|q| {
                let r = search(ix, q, Scope::All, Rank::Top(50)).unwrap();
                let top = r.hits[..r.ranked]
                    .iter()
                    .map(|h| (h.doc, h.score, h.field))
                    .collect();
                (r.matched, top)
            })
            .collect()
    }

    #[test]
    fn a_saved_index_reads_back_as_built() {
        let dir = tempfile::tempdir().unwrap();
        let kb = kb(3_000, 8);
        let built = Index::build(kb.clone());
        let path = dir.path().join(file_name(7));
        save(&built, 7, &path).unwrap();
        let saved = open(&path, kb, 7).unwrap().unwrap();
        assert!(matches!(saved.arena, Arena::Saved(_)));
        assert_eq!(contents(&saved), contents(&built));
        assert_eq!(results(&saved), results(&built));
    }

    #[test]
    fn an_index_for_another_kb_or_a_damaged_one_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let kb = kb(1_000, 8);
        let path = dir.path().join("x.bin");
        save(&Index::build(kb.clone()), 7, &path).unwrap();
        let use_it = |fp: u128| open(&path, kb.clone(), fp).unwrap().err();
        assert_eq!(use_it(8), Some(Unusable::Stale));
        assert_eq!(use_it(7), None);

        let good = std::fs::read(&path).unwrap();
        let write = |bytes: &[u8]| std::fs::write(&path, bytes).unwrap();
        write(&good[..good.len() - 1]);
        assert_eq!(
            use_it(7),
            Some(Unusable::Damaged("not the size its header gives"))
        );
        write(&good[..10]);
        assert_eq!(use_it(7), Some(Unusable::Damaged("shorter than its header")));
        write(b"");
        assert_eq!(use_it(7), Some(Unusable::Damaged("shorter than its header")));
        let mut bad = good.clone();
        bad[0] ^= 1;
        write(&bad);
        assert_eq!(use_it(7), Some(Unusable::Damaged("not a saved index")));
        // A doc pointing past the fields.
        let layout = layout_of(&good);
        let mut bad = good.clone();
        bad[layout.docs.start + 4..layout.docs.start + 8].copy_from_slice(&u32::MAX.to_le_bytes());
        write(&bad);
        assert!(matches!(use_it(7), Some(Unusable::Damaged(_))));
        // The index of a KB with other counts, under this KB's fingerprint.
        save(&Index::build(self::kb(900, 8)), 7, &path).unwrap();
        assert_eq!(use_it(7), Some(Unusable::Damaged("docs do not match the KB")));
    }

    #[test]
    fn damaged_fields_and_text_give_wrong_results_not_a_panic() {
        // What opening does not check one by one (fields and text), damaged at random in a
        // file made on purpose (its checksum made to fit): searching and describing every hit
        // must still not panic.
        let dir = tempfile::tempdir().unwrap();
        let kb = kb(600, 9);
        let path = dir.path().join("x.bin");
        save(&Index::build(kb.clone()), 7, &path).unwrap();
        let good = std::fs::read(&path).unwrap();
        let layout = layout_of(&good);
        let mut rng = crate::synth::Rng::new(0x2545_F491_4F6C_DD1Du64);
        let mut rnd = |n: usize| rng.below(n as u64) as usize;
        for round in 0..40 {
            let mut bad = good.clone();
            for _ in 0..1 + round * 20 {
                let section = if rnd(2) == 0 {
                    &layout.fields
                } else {
                    &layout.arena
                };
                let at = section.start + rnd(section.len());
                bad[at] = rnd(256) as u8;
            }
            reseal(&mut bad, 7);
            std::fs::write(&path, &bad).unwrap();
            let ix = open(&path, kb.clone(), 7).unwrap().unwrap();
            for q in QUERIES {
                let r = search(&ix, q, Scope::All, Rank::Top(20)).unwrap();
                for h in &r.hits[..r.ranked] {
                    crate::search::describe(&ix, h);
                }
            }
        }
    }

    #[test]
    fn open_or_build_saves_then_uses_and_keeps_the_latest() {
        let dir = tempfile::tempdir().unwrap();
        let d = Some(dir.path());
        let kb = kb(1_200, 4);
        let (_, first) = open_or_build(kb.clone(), 1, d, 1_000);
        assert!(
            matches!(
                first,
                Outcome::Built {
                    replaced: None,
                    saved: None
                }
            ),
            "{first:?}"
        );
        let (ix, second) = open_or_build(kb.clone(), 1, d, 1_000);
        assert!(matches!(second, Outcome::Used(_)), "{second:?}");
        assert_eq!(results(&ix), results(&Index::build(kb.clone())));
        // Too small, or no directory: built, nothing saved.
        assert!(matches!(
            open_or_build(kb.clone(), 2, d, 5_000).1,
            Outcome::NotCached
        ));
        assert!(matches!(
            open_or_build(kb.clone(), 2, None, 0).1,
            Outcome::NotCached
        ));
        // A damaged file is replaced.
        std::fs::write(dir.path().join(file_name(1)), b"junk").unwrap();
        let (_, again) = open_or_build(kb.clone(), 1, d, 1_000);
        assert!(
            matches!(
                again,
                Outcome::Built {
                    replaced: Some(Unusable::Damaged(_)),
                    saved: None
                }
            ),
            "{again:?}"
        );
        assert!(matches!(
            open_or_build(kb.clone(), 1, d, 1_000).1,
            Outcome::Used(_)
        ));
        // Only the KEEP most recently used stay.
        for fp in 10..10 + KEEP as u128 + 2 {
            open_or_build(kb.clone(), fp, d, 1_000);
        }
        let left = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(left, KEEP);
        assert!(dir.path().join(file_name(10 + KEEP as u128 + 1)).exists());
    }

    /// The layout a whole saved file's header gives.
    fn layout_of(bytes: &[u8]) -> Layout {
        let header: Header = bytemuck::pod_read_unaligned(&bytes[..size_of::<Header>()]);
        Layout::of(
            header.docs as usize,
            header.fields as usize,
            header.arena as usize,
        )
        .unwrap()
    }

    /// Make the checksum of a saved file's bytes fit them again, as if made on purpose.
    fn reseal(bytes: &mut [u8], fingerprint: u128) {
        let mut header: Header = bytemuck::pod_read_unaligned(&bytes[..size_of::<Header>()]);
        header.checksum = [0; 2];
        bytes[..size_of::<Header>()].copy_from_slice(bytemuck::bytes_of(&header));
        header.checksum = halves(checksum_of(bytes, fingerprint));
        bytes[..size_of::<Header>()].copy_from_slice(bytemuck::bytes_of(&header));
    }

    /// The checksum of a whole file's bytes (its checksum zero), as the module doc defines it.
    fn checksum_of(bytes: &[u8], fingerprint: u128) -> u128 {
        use xxhash_rust::xxh3::xxh3_128_with_seed;
        let digests: Vec<u8> = bytes
            .chunks(PIECE)
            .flat_map(|p| xxh3_128_with_seed(p, seed(fingerprint)).to_le_bytes())
            .collect();
        xxh3_128_with_seed(&digests, seed(fingerprint))
    }

    #[test]
    fn the_checksum_is_the_one_the_module_doc_defines() {
        let (_dir, _kb, good) = saved_kb(2_000, 3);
        assert!(good.len() > 20 * PIECE, "{} bytes: too few pieces", good.len());
        let header: Header = bytemuck::pod_read_unaligned(&good[..size_of::<Header>()]);
        let mut zeroed = good.clone();
        zeroed[..size_of::<Header>()].copy_from_slice(bytemuck::bytes_of(&hashed_header(&header)));
        assert_eq!(halves(checksum_of(&zeroed, 7)), header.checksum);
        // Fed in any splits, `Sum` gives the same.
        for step in [1, 7, PIECE - 1, PIECE, PIECE + 3, 3 * PIECE] {
            let mut sum = Sum::new(7);
            let mut rest = &zeroed[..];
            while !rest.is_empty() {
                let (now, next) = rest.split_at(rest.len().min(step));
                sum.update(now);
                rest = next;
            }
            assert_eq!(halves(sum.digest128()), header.checksum, "step {step}");
        }
    }

    /// A KB and the bytes of its saved index (under fingerprint 7), in a temporary directory.
    fn saved_kb(records: usize, seed: u64) -> (tempfile::TempDir, Arc<Kb>, Vec<u8>) {
        let dir = tempfile::tempdir().unwrap();
        let kb = kb(records, seed);
        let path = dir.path().join(file_name(7));
        save(&Index::build(kb.clone()), 7, &path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        (dir, kb, bytes)
    }

    /// `bytes` written as the saved index of `kb` (fingerprint 7): opening it says `why`, and
    /// `open_or_build` builds instead, with a fresh build's results, saves over it, and uses
    /// what it saved next time.
    fn rejected_then_replaced(dir: &Path, kb: &Arc<Kb>, bytes: &[u8], why: Unusable) {
        let path = dir.join(file_name(7));
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(open(&path, kb.clone(), 7).unwrap().err(), Some(why));
        let (ix, outcome) = open_or_build(kb.clone(), 7, Some(dir), 0);
        assert!(
            matches!(
                outcome,
                Outcome::Built {
                    replaced: Some(Unusable::Damaged(_)),
                    saved: None
                }
            ),
            "{outcome:?}"
        );
        let fresh = results(&Index::build(kb.clone()));
        assert_eq!(results(&ix), fresh);
        let (ix, outcome) = open_or_build(kb.clone(), 7, Some(dir), 0);
        assert!(matches!(outcome, Outcome::Used(_)), "{outcome:?}");
        assert_eq!(results(&ix), fresh);
    }

    #[test]
    fn a_replaced_word_or_a_flipped_bit_anywhere_is_rejected() {
        let (dir, kb, good) = saved_kb(1_500, 3);
        // A word of the text replaced by another as long: once, searches for it found nothing
        // on every later run.
        let at = memchr::memmem::find(&good[layout_of(&good).arena], b"cloud").unwrap()
            + layout_of(&good).arena.start;
        let mut bad = good.clone();
        bad[at..at + 5].copy_from_slice(b"clxud");
        rejected_then_replaced(dir.path(), &kb, &bad, Unusable::Damaged("checksum"));
        // One bit flipped in every part of the file: its header's checksum and character bits,
        // its padding and each array.
        let layout = layout_of(&good);
        let checksum = std::mem::offset_of!(Header, checksum);
        let own = std::mem::offset_of!(Header, own_chars);
        let parts = [
            checksum..checksum + 16,
            own..own + 4 * 192,
            layout.fields.start - 4..layout.fields.start,
            layout.fields,
            layout.field_wide,
            layout.docs,
            layout.masks_ascii,
            layout.masks_wide,
            layout.pairs,
            layout.arena,
        ];
        let mut rng = crate::synth::Rng::new(17);
        for part in parts {
            for _ in 0..8 {
                let at = part.start + rng.below(part.len() as u64) as usize;
                let mut bad = good.clone();
                bad[at] ^= 1 << rng.below(8);
                let path = dir.path().join(file_name(7));
                std::fs::write(&path, &bad).unwrap();
                let got = open(&path, kb.clone(), 7).unwrap().err();
                assert!(
                    matches!(got, Some(Unusable::Damaged(_))),
                    "a bit flipped at {at} in {part:?}: {got:?}"
                );
            }
        }
    }

    #[test]
    fn scattered_ff_bytes_are_rejected() {
        let (dir, kb, good) = saved_kb(1_500, 3);
        let path = dir.path().join(file_name(7));
        let mut rng = crate::synth::Rng::new(99);
        for round in 0..30 {
            let mut bad = good.clone();
            for _ in 0..1 + round * 5 {
                // After the header's fixed part, which says what the file is.
                let from = std::mem::offset_of!(Header, checksum) as u64;
                bad[(from + rng.below(good.len() as u64 - from)) as usize] = 0xFF;
            }
            if bad == good {
                continue;
            }
            std::fs::write(&path, &bad).unwrap();
            let got = open(&path, kb.clone(), 7).unwrap().err();
            assert!(
                matches!(got, Some(Unusable::Damaged(_))),
                "round {round}: {got:?}"
            );
        }
        let mut bad = good.clone();
        bad[layout_of(&good).pairs.start + 40] = 0xFF;
        rejected_then_replaced(dir.path(), &kb, &bad, Unusable::Damaged("checksum"));
    }

    #[test]
    fn another_kbs_index_with_this_kbs_fingerprint_is_rejected() {
        // Two KBs with the same counts of each kind, so nothing but the checksum tells them
        // apart: the other's index, its fingerprint changed to this one's, was once used and
        // printed the other KB's names.
        let (dir, kb, _) = saved_kb(1_200, 5);
        let other = self::kb(1_200, 6);
        assert!(Kind::ALL.iter().all(|&k| other.count(k) == kb.count(k)));
        let path = dir.path().join("other.bin");
        save(&Index::build(other), 8, &path).unwrap();
        let mut bad = std::fs::read(&path).unwrap();
        let at = std::mem::offset_of!(Header, fingerprint);
        bad[at..at + 16].copy_from_slice(bytemuck::bytes_of(&halves(7)));
        rejected_then_replaced(dir.path(), &kb, &bad, Unusable::Damaged("checksum"));
    }

    #[test]
    fn a_file_truncated_while_read_is_rejected_and_after_changes_nothing() {
        let (dir, kb, good) = saved_kb(1_000, 2);
        let path = dir.path().join(file_name(7));
        // Truncated between the look at its length and the reading: rejected, no fault.
        let file = open_regular(&path).unwrap().unwrap();
        let len = file.metadata().unwrap().len();
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(len / 2)
            .unwrap();
        let got = read(&file, len, kb.clone(), 7).err();
        assert_eq!(
            got,
            Some(Unusable::Damaged(
                "shorter than its header gives (changed while read)"
            ))
        );
        // Truncated (or rewritten) once opened: the index read is ours, searches are as before.
        // A mapped file faulted here, SIGBUS.
        std::fs::write(&path, &good).unwrap();
        let ix = open(&path, kb.clone(), 7).unwrap().unwrap();
        let before = results(&ix);
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(0)
            .unwrap();
        assert_eq!(results(&ix), before);
        assert_eq!(before, results(&Index::build(kb)));
    }

    /// Run `f` on a thread and fail if it has not returned within a minute (a read that waits
    /// forever, for a FIFO's writer, would otherwise hang the test run).
    fn bounded<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(std::time::Duration::from_secs(60))
            .expect("did not return within a minute: it waits on what is at the index's path")
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_symlink_at_the_index_path_is_neither_read_nor_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let kb = kb(1_000, 4);
        let fresh = results(&Index::build(kb.clone()));
        let path = dir.path().join(file_name(7));
        let fifo = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid C string; mkfifo(3) has no other precondition.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        let d = dir.path().to_owned();
        let (k, p) = (kb.clone(), path.clone());
        let (ix, outcome, opened) = bounded(move || {
            let opened = open(&p, k.clone(), 7).unwrap().err();
            let (ix, outcome) = open_or_build(k, 7, Some(&d), 0);
            (ix, outcome, opened)
        });
        assert_eq!(opened, Some(Unusable::NotAFile));
        assert!(
            matches!(
                outcome,
                Outcome::Built {
                    replaced: Some(Unusable::NotAFile),
                    saved: Some(_)
                }
            ),
            "{outcome:?}"
        );
        assert_eq!(results(&ix), fresh);
        assert!(std::fs::symlink_metadata(&path).unwrap().file_type().is_fifo());
        std::fs::remove_file(&path).unwrap();

        // A symlink, even to a device that reads forever, or to a good saved index.
        for target in [Path::new("/dev/zero").to_owned(), dir.path().join("good.bin")] {
            save(&Index::build(kb.clone()), 7, &dir.path().join("good.bin")).unwrap();
            std::os::unix::fs::symlink(&target, &path).unwrap();
            let (k, p) = (kb.clone(), path.clone());
            let opened = bounded(move || open(&p, k, 7).unwrap().err());
            assert_eq!(opened, Some(Unusable::NotAFile), "{target:?}");
            std::fs::remove_file(&path).unwrap();
        }
    }

    #[cfg(unix)]
    #[test]
    fn pruning_removes_only_our_stale_files() {
        use std::time::{Duration, SystemTime};
        let dir = tempfile::tempdir().unwrap();
        let kb = kb(300, 1);
        let ix = Index::build(kb);
        let at = |path: &Path, age: u64| {
            let f = File::options().write(true).open(path).unwrap();
            f.set_modified(SystemTime::now() - Duration::from_secs(age))
                .unwrap();
        };
        // Ours, the oldest first.
        for fp in 1..=5u128 {
            let path = dir.path().join(file_name(fp));
            save(&ix, fp, &path).unwrap();
            at(&path, 1_000 - fp as u64);
        }
        // Not ours, all older than any of ours, all named like ours or nearly.
        let foreign = |fp: u128| dir.path().join(file_name(fp));
        std::fs::write(foreign(100), b"the user's own file").unwrap();
        save(&ix, 102, &foreign(101)).unwrap(); // ours in form, but not the name's fingerprint
        std::fs::write(dir.path().join("index-notours.bin"), b"x").unwrap();
        // Upper-case hex: not a name we give.
        std::fs::write(dir.path().join(format!("index-{:032X}.bin", 0xabcu128)), b"x").unwrap();
        for fp in [100, 101] {
            at(&foreign(fp), 5_000);
        }
        let elsewhere = tempfile::tempdir().unwrap();
        let target = elsewhere.path().join(file_name(104));
        save(&ix, 104, &target).unwrap();
        std::os::unix::fs::symlink(&target, foreign(104)).unwrap();
        let fifo = std::ffi::CString::new(foreign(105).as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid C string; mkfifo(3) has no other precondition.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        let names = || -> std::collections::BTreeSet<String> {
            std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        };
        let mut want = names();
        let d = dir.path().to_owned();
        bounded(move || prune(&d, 2));
        for fp in 1..=3 {
            want.remove(&file_name(fp));
        }
        assert_eq!(names(), want);
        assert!(target.exists());
    }

    /// The digest of a small synthetic KB's saved index. When a change to the index (its layout,
    /// or what goes into it) changes this, bump FORMAT and update the digest: an index saved by
    /// the old code must not be read by the new.
    const DIGEST: (u32, u64) = (8, 0x17d1_864f_1b9d_2821);

    #[test]
    fn format_is_bumped_when_the_index_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.bin");
        save(&Index::build(kb(400, 1)), 0, &path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        // With the header, but for its version (which changes with every release) and its
        // checksum (which covers the version).
        let header: Header = bytemuck::pod_read_unaligned(&bytes[..size_of::<Header>()]);
        let header = Header {
            version: 0,
            checksum: [0; 2],
            ..header
        };
        let mut hashed = bytemuck::bytes_of(&header).to_vec();
        hashed.extend_from_slice(&bytes[size_of::<Header>()..]);
        let digest = xxhash_rust::xxh3::xxh3_64(&hashed);
        assert_eq!(
            DIGEST,
            (FORMAT, digest),
            "the saved index changed: bump FORMAT and set DIGEST to ({}, {digest:#x})",
            FORMAT + 1
        );
    }
}
