//! Time building the "Mentioned in" index of a KB and show its size:
//!
//!   cargo build --release --example prof_mentions
//!   /usr/bin/time -v target/release/examples/prof_mentions PATH [REPEATS]
//!
//! Prints the load time, then for each of REPEATS (default 3) builds: the build time, the
//! index's heap bytes, how many names it knows and how many are too common to list. Peak RSS
//! minus that of a plain load (`prof_mentions PATH 0`) is what the index costs at its peak.

use std::time::Instant;

use marketlens::kb::{self, Kind, mentions};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: prof_mentions PATH [REPEATS]");
    let repeats: usize = args.next().map_or(3, |r| r.parse().expect("REPEATS is a number"));
    let t = Instant::now();
    let loaded = kb::load_path(std::path::Path::new(&path));
    let kb = loaded.kb;
    println!(
        "load     {:8.1} ms, {} records",
        t.elapsed().as_secs_f64() * 1e3,
        kb.len()
    );
    for _ in 0..repeats {
        let t = Instant::now();
        let m = mentions::Mentions::build(&kb, &|| false).expect("not cancelled");
        let took = t.elapsed();
        let mut named = 0;
        let mut too_common = 0;
        for kind in Kind::ALL {
            for i in 0..kb.count(kind) {
                let n = m.of(kind, i);
                named += usize::from(!n.by.is_empty());
                too_common += n.too_common.len();
            }
        }
        println!(
            "mentions {:8.1} ms, {} KiB, {named} records named, {too_common} names too common to list",
            took.as_secs_f64() * 1e3,
            m.bytes() / 1024
        );
    }
}
