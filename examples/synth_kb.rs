//! Generate a large synthetic KB (format 2: markets, reports, statuses, moves, `[[fx]]`) for
//! benchmarks and stress tests.
//!
//! `cargo run --release --example synth_kb -- --records 100000 --out big.toml`

use std::io::Write as _;

fn main() {
    let mut records: usize = 100_000;
    let mut out: Option<String> = None;
    let mut seed: u64 = 42;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--records" => records = args.next().and_then(|v| v.parse().ok()).expect("--records N"),
            "--out" => out = args.next(),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).expect("--seed N"),
            _ => {
                eprintln!("usage: synth_kb [--records N] [--out FILE] [--seed N]");
                std::process::exit(2);
            }
        }
    }
    let s = marketlens::synth::generate_file(records, seed);
    match out {
        Some(p) => std::fs::write(&p, s).expect("write output"),
        None => std::io::stdout().write_all(s.as_bytes()).expect("write stdout"),
    }
}
