//! Time the phases of loading one KB file, for finding where a load's time goes:
//!
//!   cargo build --release --example prof_load
//!   target/release/examples/prof_load FILE [REPEATS] [SHARD_BYTES]
//!
//! Prints, each the fastest of REPEATS (default 3): reading the file, the whole load
//! (`load_files_with`: parse, validate, index), and on the loaded KB validation and the index
//! build alone. SHARD_BYTES defaults to `kb::load::SHARD_BYTES`; `max` reads the file in one piece.

use std::time::{Duration, Instant};

use marketlens::kb::{self, SourceFile, validate};

fn best<T>(repeats: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..repeats {
        let t = Instant::now();
        let r = std::hint::black_box(f());
        best = best.min(t.elapsed());
        out = Some(r);
    }
    (best, out.expect("at least one repeat"))
}

fn ms(d: Duration) -> String {
    format!("{:8.1} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: prof_load FILE [REPEATS] [SHARD_BYTES|max]";
    let path = args.get(1).expect(usage);
    let repeats: usize = args.get(2).map_or(3, |a| a.parse().expect(usage)).max(1);
    let shard = match args.get(3).map(String::as_str) {
        None => kb::load::SHARD_BYTES,
        Some("max") => usize::MAX,
        Some(n) => n.parse().expect(usage),
    };
    let (read, text) = best(repeats, || {
        std::fs::read_to_string(path).expect("a readable UTF-8 file")
    });
    println!("read      {} ({} MB)", ms(read), text.len() / 1_000_000);
    let files = || {
        vec![SourceFile {
            name: path.clone(),
            text: text.clone(),
        }]
    };
    let mut load = Duration::MAX;
    let mut loaded = None;
    for _ in 0..repeats {
        let f = files();
        let t = Instant::now();
        let l = kb::load::load_files_with(path.clone(), f, Vec::new(), shard);
        load = load.min(t.elapsed());
        loaded = Some(l);
    }
    let loaded = loaded.expect("at least one repeat");
    println!(
        "load      {} ({} records, {} diagnostics)",
        ms(load),
        loaded.kb.ids().count(),
        loaded.diagnostics.len()
    );
    let (v, _) = best(repeats, || {
        let mut diags = Vec::new();
        validate::validate(
            &loaded.kb,
            &loaded.files,
            &validate::Broken::default(),
            &mut diags,
        );
        diags
    });
    println!("validate  {}", ms(v));
    let (i, _) = best(repeats, || loaded.kb.compute_index());
    println!("index     {}", ms(i));
}
