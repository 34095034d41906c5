//! Opening a saved index: reading exactly the bytes the header declares, on every core, checking
//! the checksum over what was read, then the sizes and every doc against the KB (the rules are
//! in the opening comment of `saved`).

use super::*;

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
pub(super) fn open_regular(path: &Path) -> io::Result<Result<File, Unusable>> {
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
pub(super) fn open_file(
    path: &Path,
    kb: Arc<Kb>,
    fingerprint: u128,
) -> io::Result<Result<(Index, File), Unusable>> {
    let file = match open_regular(path)? {
        Ok(f) => f,
        Err(u) => return Ok(Err(u)),
    };
    let len = file.metadata()?.len();
    Ok(read(&file, len, kb, fingerprint).map(|ix| (ix, file)))
}

/// The header of a saved file from its first bytes, if it is one for this KB, program and
/// machine, and the layout it gives is `len` bytes long (the file's length).
pub(super) fn check_header(head: &[u8], len: u64, fingerprint: u128) -> Result<(Header, Layout), Unusable> {
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

/// Where a stretch of the file goes as it is read: bytes already known (the header, as hashed),
/// or a buffer to fill from the file.
pub(super) enum Dest<'a> {
    Known(&'a [u8]),
    Fill(&'a mut [u8]),
}

/// Ask the kernel to back the whole pages inside `bytes` with memory now, in one call, rather
/// than one page fault at a time as the reading first touches them. Only a hint: their contents
/// do not change, and where it is not supported (before Linux 5.14) nothing happens.
pub(super) fn populate(bytes: &mut [u8]) {
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
pub(super) fn read_at(file: &File, into: &mut [u8], at: u64) -> Result<(), Unusable> {
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
pub(super) fn read_pieces(
    file: &File,
    pieces: Vec<Vec<(u64, Dest)>>,
    fingerprint: u128,
) -> Result<u128, Unusable> {
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
pub(super) fn read(file: &File, len: u64, kb: Arc<Kb>, fingerprint: u128) -> Result<Index, Unusable> {
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
