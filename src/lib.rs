//! marketlens: explore a market-intelligence knowledge base from the terminal.
//!
//! The core (`kb`, `text`) has no terminal code; the command line lives in `cli`.

pub mod cli;
pub mod clock;
pub mod config;
pub mod editor;
pub mod export;
pub mod fsutil;
pub mod init;
pub mod kb;
pub mod par;
pub mod search;
pub mod shell;
pub mod synth;
pub mod text;
pub mod tui;
pub mod view;

/// The allocator of every binary that links marketlens (the explorer, the CLI, the benches):
/// mimalloc. An analysis view at 100k records makes about a million small strings on several
/// threads and frees them on another; glibc's allocator spent a large part of those builds
/// growing per-thread arenas and faulting in pages (`perf record` on `bench_analysis`).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
