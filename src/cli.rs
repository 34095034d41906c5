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
    /// Fuzzy-search every record (or one tab's) and print the ranked matches
    ///
    /// The same engine and ranking as the explorer's `/` and Ctrl-k. Query syntax: terms must all
    /// match; 'exact; !exclude; "a phrase"; kind:, vendor:, year:, period:, source:, metric:
    /// filters; amount>=10亿, value>30. See docs/search.md.
    Search {
        /// The query (quote it in the shell when it has spaces)
        query: String,
        /// Search one tab's records only
        #[arg(long, value_enum, default_value = "all")]
        tab: SearchTab,
        /// Print at most this many matches (0: all)
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Output format
        #[arg(long, value_enum, default_value = "txt")]
        format: SearchFormat,
    },
    /// Print the JSON Schema of the KB format (for editors and TOML language servers)
    Schema,
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SearchTab {
    All,
    Vendors,
    Executives,
    Deals,
    Trends,
    Sources,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SearchFormat {
    Txt,
    Json,
}

pub fn load(path: Option<&std::path::Path>) -> Loaded {
    match path {
        Some(p) => kb::load_path(p),
        None => kb::load_builtin(),
    }
}

/// Entry point used by `main`; returns the process exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // --help and --version are not errors; bad arguments are bad input: exit 1, not
            // clap's 2, which we keep for I/O failures.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let mut out = std::io::stdout().lock();
    let result = match cli.command {
        Some(Command::Check { path }) => return check(path.or(cli.kb).as_deref()),
        Some(Command::Search {
            query,
            tab,
            limit,
            format,
        }) => return search(cli.kb.as_deref(), &query, tab, limit, format),
        Some(Command::Schema) => out.write_all(kb::json_schema().as_bytes()),
        Some(Command::Completions { shell }) => {
            clap_complete::generate(shell, &mut Cli::command(), "marketlens", &mut out);
            Ok(())
        }
        None => {
            let loaded = match load_valid(cli.kb.as_deref(), "open") {
                Ok(l) => l,
                Err(code) => return code,
            };
            use std::io::IsTerminal;
            if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
                // Bad usage, not an I/O failure: exit 1 and point at the headless commands.
                eprintln!(
                    "error: the explorer needs a terminal; in scripts use `marketlens check`, `search` (and, soon, `export`)"
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

/// Load a KB for a command (`verb`: what it was for, "open" or "use"), or print why not (the
/// `check` diagnostics) and give exit 1.
fn load_valid(path: Option<&std::path::Path>, verb: &str) -> Result<Loaded, ExitCode> {
    let loaded = load(path);
    if !loaded.is_ok() {
        eprint!("{}", loaded.render_diagnostics());
        eprintln!(
            "error: cannot {verb} `{}`: {}; fix the KB and try again (`marketlens check` lists the problems)",
            crate::text::escape_controls(&loaded.label),
            count(loaded.error_count(), "error", "errors"),
        );
        return Err(ExitCode::from(1));
    }
    Ok(loaded)
}

/// Map a write result to the exit code: a closed pipe (`| head`) is fine, other failures are 2.
fn finish(result: std::io::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            ExitCode::from(2)
        }
    }
}

fn search(
    path: Option<&std::path::Path>,
    query: &str,
    tab: SearchTab,
    limit: usize,
    format: SearchFormat,
) -> ExitCode {
    use crate::kb::Kind;
    use crate::search::{self, Index, Rank, Scope};
    let loaded = match load_valid(path, "use") {
        Ok(l) => l,
        Err(code) => return code,
    };
    let scope = match tab {
        SearchTab::All => Scope::All,
        SearchTab::Vendors => Scope::Kind(Kind::Vendor),
        SearchTab::Executives => Scope::Kind(Kind::Executive),
        SearchTab::Deals => Scope::Kind(Kind::Deal),
        SearchTab::Trends => Scope::Kind(Kind::Series),
        SearchTab::Sources => Scope::Kind(Kind::Source),
    };
    let ix = Index::build(std::sync::Arc::new(loaded.kb));
    let rank = if limit == 0 { Rank::All } else { Rank::Top(limit) };
    let results = match search::search(&ix, query, scope, rank) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: bad query: {e}");
            eprintln!("  {}", crate::text::escape_controls(query));
            let pad: String = query
                .chars()
                .take(e.column)
                .map(|c| {
                    if crate::text::width(&c.to_string()) > 1 {
                        "  "
                    } else {
                        " "
                    }
                })
                .collect();
            eprintln!("  {pad}^");
            return ExitCode::from(1);
        }
    };
    let shown = if limit == 0 {
        results.hits.len()
    } else {
        limit.min(results.hits.len())
    };
    let rows: Vec<search::Described> = results.hits[..shown]
        .iter()
        .map(|h| search::describe(&ix, h))
        .collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = match format {
        SearchFormat::Json => serde_json::to_writer_pretty(&mut out, &rows)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out)),
        SearchFormat::Txt => write_search_txt(&mut out, &rows),
    }
    .and_then(|()| out.flush());
    if !matches!(format, SearchFormat::Json) && shown < results.hits.len() {
        eprintln!(
            "{shown} of {} matches shown (--limit 0 shows all)",
            results.hits.len()
        );
    }
    finish(written)
}

/// An aligned table by display width (CJK-safe), no colour.
fn write_search_txt(out: &mut impl Write, rows: &[crate::search::Described]) -> std::io::Result<()> {
    use crate::text::{fit, pad, width};
    let head = ["KIND", "ID", "NAME", "MATCHED IN"];
    let cells: Vec<[String; 4]> = rows
        .iter()
        .map(|r| {
            let matched = if r.matched.is_empty() || r.matched == "name" || r.matched == "title" {
                r.matched.to_string()
            } else {
                format!("{}: {}", r.matched, fit(&r.matched_text, 40))
            };
            [
                r.kind.to_string(),
                r.id.clone(),
                fit(&r.name, 48).into_owned(),
                matched,
            ]
        })
        .collect();
    let mut w = head.map(width);
    for c in &cells {
        for i in 0..4 {
            w[i] = w[i].max(width(&c[i]));
        }
    }
    let line = |c: [&str; 4]| {
        let mut s = String::new();
        for i in 0..4 {
            if i == 3 {
                s.push_str(c[i]);
            } else {
                s.push_str(&pad(c[i], w[i], false));
                s.push_str("  ");
            }
        }
        s.trim_end().to_string()
    };
    writeln!(out, "{}", line(head))?;
    for c in &cells {
        writeln!(out, "{}", line([&c[0], &c[1], &c[2], &c[3]]))?;
    }
    Ok(())
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
