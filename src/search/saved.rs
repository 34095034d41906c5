//! A search index saved to a file and used straight from it, so that `marketlens search` on a
//! big KB need not build one every time (building takes ~0.2 s per 100,000 records; mapping a
//! saved one, milliseconds).
//!
//! The file is the index's arrays as they are in memory (`Field` and `Doc` are plain data),
//! after a header that ties it to one KB (the fingerprint of its files' bytes, see
//! `kb::Loaded::fingerprint`), this program's version and this machine's byte order. A file that
//! does not match is not used. Opening checks the header, the sizes and every doc against the
//! KB; fields are not checked one by one (that would read the whole file), but nothing read from
//! them can go wrong: enums read back through accessors, text is checked as it is read
//! (`Index::text`), and a field index out of range is read with `get`. A damaged file gives
//! wrong results at worst, never a panic or undefined behaviour.
//!
//! Files are written whole to a temporary file and renamed into place, never changed after:
//! that is what makes mapping them sound (see `open`).

use std::borrow::Cow;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytemuck::{Pod, Zeroable};

use super::index::{Arena, Ascii, CharBits, Doc, Field, Index, Masks};
use super::pairs::{self, Pairs};
use crate::kb::{Kb, Kind};

const MAGIC: [u8; 8] = *b"mlindex\0";
/// Bumped whenever the layout or the meaning of what is saved changes.
const FORMAT: u32 = 6;
/// Written in the machine's byte order; reads back otherwise on a machine of the other order.
const ORDER: u32 = 0x0102_0304;

/// Saved indexes kept in a cache directory; older ones are removed.
pub const KEEP: usize = 3;

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct Header {
    magic: [u8; 8],
    format: u32,
    order: u32,
    /// The KB's fingerprint, low and high halves.
    fingerprint: [u64; 2],
    /// xxh3 of this program's version: an index is saved and read by the same code.
    version: u64,
    docs: u64,
    fields: u64,
    arena: u64,
    /// Start and end doc of each kind.
    by_kind: [[u32; 2]; 5],
    /// `CharBits::own`, then zeros.
    own_chars: [u32; 192],
}

fn version_hash() -> u64 {
    xxhash_rust::xxh3::xxh3_64(env!("CARGO_PKG_VERSION").as_bytes())
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

/// Where saved indexes go: `$MARKETLENS_CACHE_DIR`, else `$XDG_CACHE_HOME/marketlens`, else
/// `~/.cache/marketlens`; `None` when none of them is set.
pub fn cache_dir() -> Option<PathBuf> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("MARKETLENS_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("marketlens")))
        .or_else(|| var("HOME").map(|d| d.join(".cache").join("marketlens")))
}

/// Write `ix` (of the KB with `fingerprint`) to `path`: to a temporary file beside it, then
/// renamed over it, so a reader sees a whole file or none.
pub fn save(ix: &Index, fingerprint: u128, path: &Path) -> io::Result<()> {
    let Arena::Built(arena) = &ix.arena else {
        return Err(io::Error::other("only a built index is saved"));
    };
    let mut by_kind = [[0u32; 2]; 5];
    for (b, r) in by_kind.iter_mut().zip(&ix.by_kind) {
        *b = [r.start, r.end];
    }
    let header = Header {
        magic: MAGIC,
        format: FORMAT,
        order: ORDER,
        fingerprint: [fingerprint as u64, (fingerprint >> 64) as u64],
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
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".index-").tempfile_in(dir)?;
    {
        let mut out = BufWriter::with_capacity(1 << 20, tmp.as_file_mut());
        let mut at = 0usize;
        let mut put = |out: &mut BufWriter<&mut std::fs::File>, start: usize, bytes: &[u8]| {
            out.write_all(&[0u8; 8][..start - at])?;
            out.write_all(bytes)?;
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
}

/// Use the index saved at `path` for `kb` (whose fingerprint is `fingerprint`). The file stays
/// mapped until the process exits: this is for one-shot commands such as `marketlens search`.
pub fn open(path: &Path, kb: Arc<Kb>, fingerprint: u128) -> io::Result<Result<Index, Unusable>> {
    let file = std::fs::File::open(path)?;
    // SAFETY: the mapping is read-only, and marketlens never changes a saved index in place (it
    // writes a new file and renames it over the old one, which leaves this mapping intact).
    // Another program truncating the file while it is mapped would make reads fault, as for
    // any program that maps files.
    let map = unsafe { memmap2::Mmap::map(&file)? };
    // Checked before the mapping is kept for good.
    if let Err(u) = check_header(&map, fingerprint) {
        return Ok(Err(u));
    }
    Ok(read(Box::leak(Box::new(map)), kb, fingerprint))
}

/// The header of a saved file, if it is one for this KB, program and machine, and the layout
/// it gives fits the file.
fn check_header(bytes: &[u8], fingerprint: u128) -> Result<(Header, Layout), Unusable> {
    let head = bytes
        .get(..size_of::<Header>())
        .ok_or(Unusable::Damaged("shorter than its header"))?;
    let header: Header = bytemuck::pod_read_unaligned(head);
    if header.magic != MAGIC {
        return Err(Unusable::Damaged("not a saved index"));
    }
    if header.format != FORMAT
        || header.order != ORDER
        || header.version != version_hash()
        || header.fingerprint != [fingerprint as u64, (fingerprint >> 64) as u64]
    {
        return Err(Unusable::Stale);
    }
    let n = |v: u64| usize::try_from(v).map_err(|_| Unusable::Damaged("sizes out of range"));
    let layout = Layout::of(n(header.docs)?, n(header.fields)?, n(header.arena)?)
        .ok_or(Unusable::Damaged("sizes out of range"))?;
    if layout.end() != bytes.len() {
        return Err(Unusable::Damaged("not the size its header gives"));
    }
    Ok((header, layout))
}

/// An index over `bytes` (a whole saved file), checked as `open` describes.
fn read(bytes: &'static [u8], kb: Arc<Kb>, fingerprint: u128) -> Result<Index, Unusable> {
    let (header, layout) = check_header(bytes, fingerprint)?;
    let (n_docs, n_fields) = (header.docs as usize, header.fields as usize);
    fn cast<T: Pod>(bytes: &'static [u8], r: std::ops::Range<usize>) -> Result<&'static [T], Unusable> {
        bytemuck::try_cast_slice(&bytes[r]).map_err(|_| Unusable::Damaged("misaligned"))
    }
    let fields: &'static [Field] = cast(bytes, layout.fields)?;
    let field_wide: &'static [[u64; 3]] = cast(bytes, layout.field_wide)?;
    let docs: &'static [Doc] = cast(bytes, layout.docs)?;
    let masks_ascii: &'static [Ascii] = cast(bytes, layout.masks_ascii)?;
    let masks_wide: &'static [[u64; 3]] = cast(bytes, layout.masks_wide)?;
    let pair_bits: &'static [u64] = cast(bytes, layout.pairs)?;
    let arena = &bytes[layout.arena];
    let own = header.own_chars.iter().take_while(|&&c| c != 0);
    let chars = own
        .map(|&c| char::from_u32(c))
        .collect::<Option<Vec<char>>>()
        .and_then(CharBits::from_own)
        .ok_or(Unusable::Damaged("character bits"))?;

    // Docs: each kind's run where the header says, one doc per record of the KB, in order, with
    // field ranges inside the fields.
    let mut by_kind: [std::ops::Range<u32>; 5] = Default::default();
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
        by_kind[kind as usize] = start..end;
    }
    if next as usize != n_docs {
        return Err(Unusable::Damaged("docs do not match the KB"));
    }
    for kind in Kind::ALL {
        let r = by_kind[kind as usize].clone();
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
        arena: Arena::Mapped(arena),
        fields: Cow::Borrowed(fields),
        field_wide: Cow::Borrowed(field_wide),
        docs: Cow::Borrowed(docs),
        doc_masks: Masks {
            ascii: Cow::Borrowed(masks_ascii),
            wide: Cow::Borrowed(masks_wide),
        },
        by_kind,
        pairs: Pairs {
            words: pairs::words_for(n_docs),
            bits: Cow::Borrowed(pair_bits),
        },
        chars,
    })
}

/// Remove all but the `keep` most recently used saved indexes in `dir`.
pub fn prune(dir: &Path, keep: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut saved: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("index-") && name.ends_with(".bin")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    saved.sort_by_key(|e| std::cmp::Reverse(e.0));
    for (_, p) in saved.into_iter().skip(keep) {
        let _ = std::fs::remove_file(p);
    }
}

/// The index of `kb` for a one-shot command: the one saved in `dir` for this fingerprint if
/// there is a usable one, else built and (for a KB of at least `min_docs` records) saved there
/// for next time. Saving is best effort: a cache that cannot be written costs only the time.
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
    let why = match open(&path, kb.clone(), fingerprint) {
        Ok(Ok(ix)) => {
            // Mark it used, so pruning keeps it.
            if let Ok(f) = std::fs::File::options().write(true).open(&path) {
                let _ = f.set_modified(std::time::SystemTime::now());
            }
            return (ix, Outcome::Used(path));
        }
        Ok(Err(u)) => Some(u),
        Err(_) => None, // none saved yet (or unreadable): build
    };
    let ix = Index::build(kb);
    let saved = std::fs::create_dir_all(dir).and_then(|()| save(&ix, fingerprint, &path));
    if saved.is_ok() {
        prune(dir, KEEP);
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
        let mapped = open(&path, kb, 7).unwrap().unwrap();
        assert!(matches!(mapped.arena, Arena::Mapped(_)));
        assert_eq!(contents(&mapped), contents(&built));
        assert_eq!(results(&mapped), results(&built));
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
        let layout = check_header(&good, 7).unwrap().1;
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
        // What opening does not check (fields and text, which it does not read), damaged at
        // random: searching and describing every hit must still not panic.
        let dir = tempfile::tempdir().unwrap();
        let kb = kb(600, 9);
        let path = dir.path().join("x.bin");
        save(&Index::build(kb.clone()), 7, &path).unwrap();
        let good = std::fs::read(&path).unwrap();
        let layout = check_header(&good, 7).unwrap().1;
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

    /// The digest of a small synthetic KB's saved index. When a change to the index (its layout,
    /// or what goes into it) changes this, bump FORMAT and update the digest: an index saved by
    /// the old code must not be read by the new.
    const DIGEST: (u32, u64) = (6, 0xb737_8d7d_f21e_cb8a);

    #[test]
    fn format_is_bumped_when_the_index_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.bin");
        save(&Index::build(kb(400, 1)), 0, &path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        // Without the header (whose version changes with every release), but for its
        // character bits.
        let header: Header = bytemuck::pod_read_unaligned(&bytes[..size_of::<Header>()]);
        let mut hashed = bytemuck::bytes_of(&header.own_chars).to_vec();
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
