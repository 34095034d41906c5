//! The command line: argument parsing and the headless commands. Exit codes: 0 success, 1 bad
//! input (an invalid KB, bad arguments), 2 I/O failure.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use crate::kb::{self, Loaded};

#[derive(Debug, Parser)]
#[command(name = "marketlens", version, about = "Explore a market-intelligence knowledge base in the terminal", long_about = None)]
pub struct Cli {
    /// Knowledge base: a .toml file or a directory of them (default: the built-in cloud-market KB)
    #[arg(long, global = true, value_name = "PATH")]
    pub kb: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load and validate a KB, report every problem, and summarise what was loaded
    Check {
        /// KB file or directory (default: --kb, else the built-in KB)
        path: Option<PathBuf>,
    },
    /// Print the JSON Schema of the KB format (for editors and TOML language servers)
    Schema,
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

pub fn load(path: Option<&std::path::Path>) -> Loaded {
    match path {
        Some(p) => kb::load_path(p),
        None => kb::load_builtin(),
    }
}

/// Entry point used by `main`; returns the process exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let mut out = std::io::stdout().lock();
    let result = match cli.command {
        Some(Command::Check { path }) => return check(path.or(cli.kb).as_deref()),
        Some(Command::Schema) => out.write_all(kb::json_schema().as_bytes()),
        Some(Command::Completions { shell }) => {
            clap_complete::generate(shell, &mut Cli::command(), "marketlens", &mut out);
            Ok(())
        }
        None => {
            let loaded = load(cli.kb.as_deref());
            if !loaded.is_ok() {
                eprint!("{}", loaded.render_diagnostics());
                eprintln!(
                    "error: cannot open `{}`: {}; fix the KB and try again (`marketlens check` lists the problems)",
                    crate::text::escape_controls(&loaded.label),
                    count(loaded.error_count(), "error", "errors"),
                );
                return ExitCode::from(1);
            }
            use std::io::IsTerminal;
            if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
                // Bad usage, not an I/O failure: exit 1 and point at the headless commands.
                eprintln!(
                    "error: the explorer needs a terminal; in scripts use `marketlens check` (and, soon, `export` and `search`)"
                );
                return ExitCode::from(1);
            }
            return match crate::tui::run(loaded) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::from(2)
                }
            };
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`marketlens schema | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            ExitCode::from(2)
        }
    }
}

/// `1 vendor`, `2 vendors`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One line: what was loaded, per kind.
pub fn summary(l: &Loaded) -> String {
    let c = l.kb.counts();
    format!(
        "{}: {}, {}, {} ({}), {}, {} ({}) in {}; {}",
        l.label,
        count(c.sources, "source", "sources"),
        count(c.vendors, "vendor", "vendors"),
        count(c.executives, "executive", "executives"),
        count(c.career_moves, "career move", "career moves"),
        count(c.deals, "deal", "deals"),
        count(c.series, "series", "series"),
        count(c.points, "point", "points"),
        count(l.files.len(), "file", "files"),
        count(
            l.kb.conflicts().len(),
            "conflicting figure",
            "conflicting figures"
        ),
    )
}

fn check(path: Option<&std::path::Path>) -> ExitCode {
    let loaded = load(path);
    eprint!("{}", loaded.render_diagnostics());
    let (errors, warnings) = (loaded.error_count(), loaded.warning_count());
    if errors > 0 {
        eprintln!(
            "error: {} and {} in `{}`",
            count(errors, "error", "errors"),
            count(warnings, "warning", "warnings"),
            crate::text::escape_controls(&loaded.label)
        );
        return ExitCode::from(1);
    }
    println!("{}", crate::text::escape_controls(&summary(&loaded)));
    if warnings > 0 {
        eprintln!("{}", count(warnings, "warning", "warnings"));
    }
    ExitCode::SUCCESS
}
