//! marketlens: explore a market-intelligence knowledge base from the terminal.
//!
//! The core (`kb`, `text`) has no terminal code; the command line lives in `cli`.

pub mod cli;
pub mod clock;
pub mod config;
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
