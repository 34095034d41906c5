//! The saved index's tests: a damaged, truncated, foreign or misplaced file, a FIFO or symlink
//! at its path, each way it can be wrong, and that a saved index answers as the built one.

use super::read::*;
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
    let at =
        memchr::memmem::find(&good[layout_of(&good).arena], b"cloud").unwrap() + layout_of(&good).arena.start;
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
