//! The command line: argument parsing and the headless commands. Exit codes: 0 success, 1 bad
//! input (an invalid KB, bad arguments), 2 I/O failure; the explorer also exits with 128 + the
//! signal's number when SIGTERM, SIGHUP, SIGINT or SIGQUIT stops it (143 for SIGTERM), and with
//! 101 on a panic (a bug), each time after restoring the terminal.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

// `eprintln!` and `eprint!` for this module, without std's panic when standard error cannot be
// written (`2>/dev/full`, a closed pipe): a message with nowhere to go is dropped, and the exit
// code still tells what happened. (They shadow std's macros in this file.)
macro_rules! eprintln {
    ($($t:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}
macro_rules! eprint {
    ($($t:tt)*) => {{
        let _ = write!(std::io::stderr(), $($t)*);
    }};
}

use clap::{CommandFactory, Parser, Subcommand};

use crate::export::{self, Format};
use crate::kb::{self, Loaded};
use crate::view::{self, Sort, Tab, ViewSpec};

#[derive(Debug, Parser)]
#[command(name = "marketlens", version, about = "Explore a market-intelligence knowledge base in the terminal", long_about = None)]
pub struct Cli {
    /// Knowledge base: a .toml file or a directory of them (default: the config file's `kb`, else
    /// the built-in cloud-market KB)
    #[arg(long, global = true, value_name = "PATH", value_hint = clap::ValueHint::AnyPath)]
    pub kb: Option<PathBuf>,

    /// Config file (default: $MARKETLENS_CONFIG, else config.toml in the platform's config folder,
    /// e.g. ~/.config/marketlens/config.toml; see `marketlens config --path`)
    #[arg(long, global = true, value_name = "PATH", value_hint = clap::ValueHint::FilePath)]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load and validate a KB, report every problem, and summarise what was loaded
    Check {
        /// KB file or directory (default: --kb, else the config file's `kb`, else the built-in KB)
        #[arg(value_hint = clap::ValueHint::AnyPath)]
        path: Option<PathBuf>,
        /// Print where the time went (loading, the report) to standard error
        #[arg(long)]
        timings: bool,
        /// Print every problem (by default the first 100, then how many more)
        #[arg(long)]
        all: bool,
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
        format: FormatArg,
        /// Neither use nor save a saved search index (by default one is kept for KBs of 10,000
        /// records or more, in $MARKETLENS_CACHE_DIR, else $XDG_CACHE_HOME/marketlens, else
        /// ~/.cache/marketlens)
        #[arg(long)]
        no_cache: bool,
        /// Print where the time went (loading, the index, searching, output) to standard error
        #[arg(long)]
        timings: bool,
        /// Add a Score column: the ranking's internal score (for debugging the ranking; JSON
        /// always has it)
        #[arg(long)]
        scores: bool,
    },
    /// Export a tab's rows (as the explorer shows them for a query and sort), one record, or a
    /// chart of series as SVG
    ///
    /// Writes the same rows, in the same order, as the explorer's `e` for that tab, query and
    /// sort. Data goes to standard output unless --out names a file; messages go to standard
    /// error. An existing file is never replaced without --force.
    #[command(group(clap::ArgGroup::new("what").required(true).args(["tab", "record", "chart", "view"])))]
    Export {
        /// The tab to export
        #[arg(long, value_enum)]
        tab: Option<TabArg>,
        /// Only the rows matching this query (the syntax of the explorer's `/`; see docs/search.md)
        #[arg(long, default_value = "", conflicts_with = "record")]
        query: String,
        /// Sort by a column, ascending or `:desc` (`amount:desc`, `date`); default: the tab's
        /// order, or best match first with a query
        #[arg(
            long,
            value_name = "COLUMN[:desc]",
            conflicts_with = "record",
            value_parser = crate::shell::SortKeyParser,
            hide_possible_values = true
        )]
        sort: Option<String>,
        /// Group the rows by a column instead (key or header, any case: `kind`, `vendor`), or by
        /// several, comma-separated (`vendor,kind`: one group per combination): the explorer's
        /// `F` table of each value, its count, share, sum and mean of the numeric column, and a bar
        #[arg(long, value_name = "COLUMN[,COLUMN…]", conflicts_with = "record")]
        group_by: Option<String>,
        /// The Compare tab's value columns: the figures' periods (default) or their reports (the
        /// explorer's `p`)
        #[arg(long, value_enum, conflicts_with = "record")]
        pivot: Option<PivotArg>,
        /// One record's detail instead, by id
        #[arg(long, value_name = "ID", value_hint = clap::ValueHint::Other)]
        record: Option<String>,
        /// A saved view instead (`w` in the explorer saves one into views.toml beside the KB):
        /// its tab, query, sort, group-by keys and pivot, exactly as the explorer shows it
        #[arg(
            long,
            value_name = "NAME",
            value_hint = clap::ValueHint::Other,
            conflicts_with_all = ["query", "sort", "group_by", "pivot"]
        )]
        view: Option<String>,
        /// A chart of these series instead (ids, comma-separated), as SVG: the explorer's Trends
        /// chart on a true time axis, a panel per unit
        #[arg(
            long,
            value_name = "ID[,ID…]",
            value_delimiter = ',',
            value_hint = clap::ValueHint::Other,
            conflicts_with_all = ["query", "sort", "group_by", "pivot", "bom"]
        )]
        chart: Option<Vec<String>>,
        /// Output format (default: from --out's extension, else txt; svg for --chart)
        #[arg(long, value_enum)]
        format: Option<ExportFormatArg>,
        /// Write to this file instead of standard output
        #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
        out: Option<PathBuf>,
        /// Replace --out if it exists (only ever a regular file: never a device, FIFO or socket)
        #[arg(long, requires = "out")]
        force: bool,
        /// Start a CSV export with a byte-order mark, so spreadsheet tools (Excel) read it as
        /// UTF-8
        #[arg(long)]
        bom: bool,
    },
    /// Start a KB of your own: write an editable copy of the built-in KB (or, with --empty, a
    /// commented skeleton) into DIR, with the JSON Schema and a .taplo.toml for editors
    ///
    /// DIR is created; an existing folder must be empty (nothing is ever overwritten). Then
    /// `marketlens --kb DIR` opens it and `marketlens check DIR` checks it.
    Init {
        /// The folder to write the KB into
        #[arg(value_hint = clap::ValueHint::DirPath)]
        dir: PathBuf,
        /// A minimal skeleton (one example source and commented templates) instead of the
        /// built-in KB
        #[arg(long)]
        empty: bool,
    },
    /// What changed between two KBs (files or folders): records added, removed and edited, with
    /// each changed field's old and new value
    ///
    /// For reviewing a colleague's edit or a pull request. Records that only moved (another file,
    /// another place, new comments) are not changes. Both KBs must check clean.
    Diff {
        /// The KB before
        #[arg(value_hint = clap::ValueHint::AnyPath)]
        old: PathBuf,
        /// The KB after
        #[arg(value_hint = clap::ValueHint::AnyPath)]
        new: PathBuf,
        /// Output format: txt (default), md or json
        #[arg(long, value_enum)]
        format: Option<FormatArg>,
    },
    /// Print the JSON Schema of the KB format (for editors and TOML language servers)
    Schema,
    /// Show or check the config file: the default KB, the export folder, keys and colours
    ///
    /// The file is --config, else $MARKETLENS_CONFIG, else config.toml in the platform's config
    /// folder (XDG on Linux). A bad file never stops the explorer: it starts with the defaults
    /// for the bad parts and says so.
    #[command(group(clap::ArgGroup::new("what").required(true).args(["default", "path", "check"])))]
    Config {
        /// Print a commented file with every setting at its default: every action with its keys,
        /// every colour role with its colour
        #[arg(long)]
        default: bool,
        /// Print where the config file is looked for
        #[arg(long)]
        path: bool,
        /// Read the config file and print its problems (exit 1 if it has any)
        #[arg(long)]
        check: bool,
    },
    /// Print a shell completion script
    ///
    /// It completes commands, options and their values: tabs, formats, sort columns, file names
    /// and (bash, zsh, fish) --record's ids, from the KB on the command line (--kb, else the
    /// built-in one), which it lists by running `MARKETLENS_COMPLETE=ids marketlens [--kb PATH]`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `marketlens man | man -l -`
    Man,
}

/// `--tab` of `search`: `all`, or a tab by its lower-case title (the tabs come from the kinds'
/// one declaration, `kb::kinds`, so a new kind's tab is accepted without a change here).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SearchTab(pub Option<Tab>);

/// `--tab` of `export`: a tab by its lower-case title.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TabArg(pub Tab);

/// `--pivot` of `export`: the Compare pivot's value columns, `periods` or `reports`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PivotArg(pub view::analysis::Pivot);

impl clap::ValueEnum for PivotArg {
    fn value_variants<'a>() -> &'a [Self] {
        use view::analysis::Pivot;
        &[PivotArg(Pivot::Periods), PivotArg(Pivot::Reports)]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.0.as_str()))
    }
}

/// A tab's name on the command line: its title in lower case (`trends`).
fn tab_arg_name(tab: Tab) -> &'static str {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| Tab::ALL.iter().map(|t| t.title().to_ascii_lowercase()).collect());
    names[tab.index()].as_str()
}

impl clap::ValueEnum for TabArg {
    fn value_variants<'a>() -> &'a [Self] {
        const ALL: [TabArg; Tab::ALL.len()] = {
            let mut all = [TabArg(Tab::ALL[0]); Tab::ALL.len()];
            let mut i = 0;
            while i < all.len() {
                all[i] = TabArg(Tab::ALL[i]);
                i += 1;
            }
            all
        };
        &ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(tab_arg_name(self.0)))
    }
}

impl clap::ValueEnum for SearchTab {
    fn value_variants<'a>() -> &'a [Self] {
        const ALL: [SearchTab; Tab::ALL.len() + 1] = {
            let mut all = [SearchTab(None); Tab::ALL.len() + 1];
            let mut i = 0;
            while i < Tab::ALL.len() {
                all[i + 1] = SearchTab(Some(Tab::ALL[i]));
                i += 1;
            }
            all
        };
        &ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(
            self.0.map_or("all", tab_arg_name),
        ))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    Txt,
    Md,
    Csv,
    Json,
}

/// `--format` of `export`: the text formats, and `svg` (for `--chart` only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormatArg {
    Txt,
    Md,
    Csv,
    Json,
    Svg,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Txt => Format::Txt,
            FormatArg::Md => Format::Md,
            FormatArg::Csv => Format::Csv,
            FormatArg::Json => Format::Json,
        }
    }
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
            let printed = e.print();
            return if e.use_stderr() {
                ExitCode::from(1)
            } else {
                // --help or --version: their output is the command's output.
                finish(printed)
            };
        }
    };
    if cli.command.is_some() {
        // A signal must not leave an export's or a saved index's temporary file behind. (The
        // explorer handles signals itself.) Without the handler the default action applies.
        let _ = crate::fsutil::clean_up_on_signals();
    }
    // Locked only where written: the explorer's panic hook and signal thread restore the terminal
    // through stdout from other threads, and a lock held here for the whole session would block
    // them forever.
    let out = || std::io::stdout().lock();
    if let Some(Command::Config {
        default,
        path,
        check: _,
    }) = cli.command
    {
        return config_cmd(cli.config.as_deref(), default, path);
    }
    // The config file: the KB when --kb is not given, and the explorer's keys, colours and
    // export folder. Its problems never stop a command; a headless one mentions them.
    let place = crate::config::place(cli.config.as_deref());
    let config = place
        .as_ref()
        .map_or_else(|_| crate::config::Config::default(), crate::config::load);
    let warn_config = || {
        if !config.diagnostics.is_empty() {
            eprintln!(
                "warning: the config file has {}; see `marketlens config --check`",
                crate::text::count(config.diagnostics.len(), "problem", "problems")
            );
        }
    };
    let kb_path = cli.kb.clone().or_else(|| config.kb.clone());
    if let Some(asked) = crate::shell::asked() {
        use crate::shell::Asked;
        let words = match asked {
            Asked::Ids => crate::shell::complete_ids(&load(kb_path.as_deref())),
            Asked::Series => crate::shell::complete_series(&load(kb_path.as_deref())),
            Asked::Views => crate::shell::complete_views(kb_path.as_deref()),
        };
        return finish(out().write_all(words.as_bytes()));
    }
    let result = match cli.command {
        Some(Command::Check { path, timings, all }) => {
            warn_config();
            return check(path.or(kb_path).as_deref(), timings, all);
        }
        Some(Command::Search {
            query,
            tab,
            limit,
            format,
            no_cache,
            timings,
            scores,
        }) => {
            let cache = if no_cache {
                None
            } else {
                crate::search::saved::cache_dir()
            };
            let args = SearchArgs {
                query: &query,
                tab,
                limit,
                format,
                cache: cache.as_deref(),
                timings,
                scores,
            };
            warn_config();
            return search(kb_path.as_deref(), &args);
        }
        Some(Command::Export {
            tab,
            query,
            sort,
            group_by,
            pivot,
            record,
            view: saved,
            chart,
            format,
            out: file,
            force,
            bom,
        }) => {
            warn_config();
            if let Some(ids) = chart {
                return export_chart(kb_path.as_deref(), &ids, format, file.as_deref(), force);
            }
            let format = match format {
                None => None,
                Some(ExportFormatArg::Txt) => Some(Format::Txt),
                Some(ExportFormatArg::Md) => Some(Format::Md),
                Some(ExportFormatArg::Csv) => Some(Format::Csv),
                Some(ExportFormatArg::Json) => Some(Format::Json),
                Some(ExportFormatArg::Svg) => {
                    eprintln!("error: svg is for charts: pass --chart ID[,ID…] (series ids)");
                    return ExitCode::from(1);
                }
            };
            let mut args = ExportArgs {
                tab: tab.map(|t| t.0),
                query,
                sort,
                group_by,
                pivot,
                record,
                format,
                out: file,
                force,
                bom,
                layout: None,
            };
            if let Some(name) = saved
                && let Err(msg) = use_saved_view(kb_path.as_deref(), &name, &mut args)
            {
                eprintln!("error: {msg}");
                return ExitCode::from(1);
            }
            return export_cmd(kb_path.as_deref(), &args);
        }
        Some(Command::Init { dir, empty }) => {
            return match crate::init::init(&dir, empty) {
                Ok(written) => {
                    let shown = crate::text::escape_controls(&dir.display().to_string()).into_owned();
                    let what = if empty {
                        "an empty KB"
                    } else {
                        "a copy of the built-in KB"
                    };
                    eprintln!(
                        "wrote {what} to `{shown}` ({}); open it with `marketlens --kb {shown}`, check it with `marketlens check {shown}`",
                        crate::text::count(written.len(), "file", "files")
                    );
                    ExitCode::SUCCESS
                }
                Err(msg) => {
                    eprintln!("error: {msg}");
                    ExitCode::from(1)
                }
            };
        }
        Some(Command::Diff { old, new, format }) => {
            let format = format.map_or(Format::Txt, Format::from);
            if format == Format::Csv {
                eprintln!("error: diff writes txt, md or json (a report of changes is not one table)");
                return ExitCode::from(1);
            }
            let old_kb = match load_valid(Some(&old), "compare") {
                Ok(l) => l,
                Err(code) => return code,
            };
            let new_kb = match load_valid(Some(&new), "compare") {
                Ok(l) => l,
                Err(code) => return code,
            };
            let report = crate::kb::diff::detailed(&old_kb.kb, &new_kb.kb);
            let text = crate::export::diff::render(
                &report,
                &old.display().to_string(),
                &new.display().to_string(),
                format,
            );
            let mut out = out();
            out.write_all(text.as_bytes()).and_then(|()| out.flush())
        }
        // Handled before the config file is read.
        Some(Command::Config { .. }) => Ok(()),
        Some(Command::Schema) => {
            let mut out = out();
            out.write_all(kb::json_schema().as_bytes())
                .and_then(|()| out.flush())
        }
        Some(Command::Completions { shell }) => {
            // Built in memory (clap_complete panics when it cannot write), then written.
            let script = crate::shell::completions(shell, &mut Cli::command());
            let mut out = out();
            out.write_all(script.as_bytes()).and_then(|()| out.flush())
        }
        Some(Command::Man) => {
            let mut out = out();
            out.write_all(crate::shell::man_page(Cli::command()).as_bytes())
                .and_then(|()| out.flush())
        }
        None => {
            use std::io::IsTerminal;
            if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
                // A broken KB is still worth reporting first.
                if let Err(code) = load_valid(kb_path.as_deref(), "open") {
                    return code;
                }
                // Bad usage, not an I/O failure: exit 1 and point at the headless commands.
                eprintln!(
                    "error: the explorer needs a terminal; in scripts use `marketlens check`, `search` or `export`"
                );
                return ExitCode::from(1);
            }
            // A KB file loads in the background behind a progress screen; the built-in one is
            // small enough to load before the first frame.
            let open = match kb_path {
                Some(path) => crate::tui::Open::Path(path),
                None => match load_valid(None, "open") {
                    Ok(l) => crate::tui::Open::BuiltIn(Box::new(l)),
                    Err(code) => return code,
                },
            };
            crate::tui::keymap::install(config.keys.clone());
            crate::tui::configure(crate::tui::Settings {
                theme: config.theme(),
                export_dir: config.export_dir.clone(),
                notice: config.notice(),
            });
            let result = crate::tui::run(open);
            if let Some(signal) = crate::tui::terminal::caught_signal() {
                // Stopped by SIGTERM, SIGHUP, SIGINT or SIGQUIT: the terminal is restored; exit
                // like a process the signal ended, 128 + its number.
                return ExitCode::from(crate::tui::terminal::signal_exit_code(signal));
            }
            return match result {
                Ok(crate::tui::Exit::Quit) => ExitCode::SUCCESS,
                Ok(crate::tui::Exit::Invalid(loaded)) => report_invalid(&loaded, "open"),
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::from(2)
                }
            };
        }
    };
    finish(result)
}

/// `marketlens config`: `--default` prints the commented default file, `--path` where the file
/// is looked for, `--check` its problems (exit 1 with any).
fn config_cmd(flag: Option<&std::path::Path>, default: bool, path: bool) -> ExitCode {
    let place = match crate::config::place(flag) {
        Ok(p) => Some(p),
        Err(e) if default => {
            // The defaults do not depend on where the file is.
            eprintln!("note: {e}");
            None
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let mut out = std::io::stdout().lock();
    if default {
        let text = crate::config::default_file(place.as_ref());
        return finish(out.write_all(text.as_bytes()).and_then(|()| out.flush()));
    }
    let Some(place) = place else {
        return ExitCode::from(1);
    };
    let shown = crate::text::escape_controls(&place.path().display().to_string()).into_owned();
    if path {
        let why = match &place {
            crate::config::Place::Flag(_) => " (from --config)",
            crate::config::Place::Env(_) => " (from $MARKETLENS_CONFIG)",
            crate::config::Place::Platform(_) => "",
        };
        if !place.path().exists() {
            eprintln!(
                "note: there is no file there{why}: the defaults apply (`marketlens config --default` prints them)"
            );
        } else if !why.is_empty() {
            eprintln!("note: named{why}");
        }
        return finish(writeln!(out, "{shown}").and_then(|()| out.flush()));
    }
    let config = crate::config::load(&place);
    if config.diagnostics.is_empty() {
        if config.path.is_some() {
            eprintln!("{shown}: ok");
        } else {
            eprintln!("no config file at {shown}: the defaults apply");
        }
        return ExitCode::SUCCESS;
    }
    eprint!("{}", config.render_diagnostics());
    eprintln!(
        "{shown}: {}; the explorer uses the defaults for those parts",
        crate::text::count(config.diagnostics.len(), "problem", "problems")
    );
    ExitCode::from(1)
}

/// Load a KB for a command (`verb`: what it was for, "open" or "use"), or print why not (the
/// `check` diagnostics) and give exit 1.
fn load_valid(path: Option<&std::path::Path>, verb: &str) -> Result<Loaded, ExitCode> {
    let loaded = load(path);
    if !loaded.is_ok() {
        return Err(report_invalid(&loaded, verb));
    }
    Ok(loaded)
}

/// Print why a KB cannot be used (the `check` diagnostics); exit 1.
fn report_invalid(loaded: &Loaded, verb: &str) -> ExitCode {
    eprint!(
        "{}",
        loaded.render_diagnostics_upto(crate::kb::load::SHOWN_DIAGNOSTICS)
    );
    eprintln!(
        "error: cannot {verb} `{}`: {}; fix the KB and try again (`marketlens check` lists the problems)",
        crate::text::escape_controls(&loaded.label),
        crate::text::count(loaded.error_count(), "error", "errors"),
    );
    ExitCode::from(1)
}

/// Map a write result to the exit code: a closed pipe (`| head`) is fine, quietly (exit 0, as
/// the reader asked for no more); other failures (`>/dev/full`, a disk full) are said on standard
/// error, exit 2.
fn finish(result: std::io::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "error: cannot write to standard output: {}",
                crate::fsutil::io_reason(&e)
            );
            ExitCode::from(2)
        }
    }
}

/// Say what is wrong with a query, with a caret under the column, and give exit 1.
fn bad_query(query: &str, e: &crate::search::QueryError) -> ExitCode {
    eprintln!("error: bad query: {e}");
    eprintln!("  {}", crate::text::escape_controls(query));
    // The caret stands under the column as shown: escaped characters take their escape's width.
    let before: String = query.chars().take(e.column).collect();
    let pad = " ".repeat(crate::text::width(&crate::text::escape_controls(&before)));
    eprintln!("  {pad}^");
    ExitCode::from(1)
}

/// `export --view NAME`: the saved view's tab, query, sort, group-by keys and pivot, as the
/// explorer applies them (`view::saved`). An unknown name is an error with a did-you-mean and
/// the names there are; a problem in views.toml is said (on standard error) but does not stop a
/// good view from being used.
fn use_saved_view(kb: Option<&std::path::Path>, name: &str, a: &mut ExportArgs) -> Result<(), String> {
    let path = view::saved::path_for(kb)?;
    let parsed = view::saved::load(&path);
    if !parsed.diags.is_empty() {
        eprint!("{}", parsed.render());
    }
    let Some(v) = parsed.find(name) else {
        return Err(view::saved::unknown(name, &parsed.views, &path));
    };
    a.tab = Some(v.tab);
    a.query = v.query.clone();
    a.sort = v
        .sort
        .as_ref()
        .map(|s| format!("{}{}", s.key, if s.descending { ":desc" } else { "" }));
    a.group_by = (!v.group_by.is_empty()).then(|| v.group_by.join(","));
    a.pivot = (v.tab == Tab::Compare).then_some(PivotArg(v.pivot));
    a.layout = match v.columns.as_ref().map(view::layout::ColumnLayout::from_table) {
        None => None,
        Some(Ok(l)) => Some(l),
        Some(Err(why)) => return Err(format!("the view's `columns` do not read: {why}")),
    };
    Ok(())
}

struct ExportArgs {
    tab: Option<Tab>,
    query: String,
    sort: Option<String>,
    group_by: Option<String>,
    pivot: Option<PivotArg>,
    record: Option<String>,
    format: Option<Format>,
    out: Option<PathBuf>,
    force: bool,
    bom: bool,
    /// A saved view's column layout (hidden, moved columns), as `e` honours it.
    layout: Option<view::layout::ColumnLayout>,
}

/// `--sort COLUMN[:desc]` for a tab: the column by name (any case), among those that sort.
fn parse_sort(tab: Tab, s: &str) -> Result<Sort, String> {
    let (name, dir) = match s.rsplit_once(':') {
        Some((n, d)) => (n, Some(d)),
        None => (s, None),
    };
    let descending = match dir.map(str::to_ascii_lowercase).as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(d) => return Err(format!("bad sort direction `{d}`: use `{name}` or `{name}:desc`")),
    };
    match Sort::by(tab, name.trim(), descending) {
        Some(sort) => Ok(sort),
        // Compare's value columns are named by its data: checked once the view is built.
        None if tab == Tab::Compare => Ok(Sort {
            key: name.trim().to_lowercase().into(),
            descending,
        }),
        None => {
            let refs = view::sortable_keys(tab);
            let hint = kb::hint::did_you_mean(name, &refs)
                .map(|h| format!(" (did you mean `{h}`?)"))
                .unwrap_or_default();
            Err(format!(
                "no column `{}` to sort {} by{hint}; columns: {}",
                crate::text::escape_controls(name),
                tab.title().to_lowercase(),
                refs.join(", ")
            ))
        }
    }
}

fn export_cmd(path: Option<&std::path::Path>, a: &ExportArgs) -> ExitCode {
    let usage = |msg: String| {
        eprintln!("error: {msg}");
        ExitCode::from(1)
    };
    let format = match (a.format, &a.out) {
        (Some(f), _) => f,
        (None, Some(p)) => match Format::from_path(p) {
            Some(f) => f,
            None if export::svg::is_svg_path(p) => {
                return usage("an SVG file is a chart: pass --chart ID[,ID…] (series ids)".into());
            }
            None => {
                return usage(format!(
                    "cannot tell the format of `{}` from its extension: name it .txt, .md, .csv or .json, or pass --format",
                    crate::text::escape_controls(&p.display().to_string())
                ));
            }
        },
        (None, None) => Format::Txt,
    };
    let sort = match (a.tab, &a.sort) {
        (Some(tab), Some(s)) => match parse_sort(tab, s) {
            Ok(s) => Some(s),
            Err(msg) => return usage(msg),
        },
        _ => None,
    };
    let loaded = match load_valid(path, "use") {
        Ok(l) => l,
        Err(code) => return code,
    };
    let kb = loaded.kb;
    let (text, holds) = if let Some(id) = &a.record {
        let Some((kind, _)) = kb.lookup(id) else {
            let ids: Vec<&str> = kb.ids().collect();
            let hint = kb::hint::did_you_mean(id, &ids)
                .map(|h| format!(" (did you mean `{h}`?)"))
                .unwrap_or_default();
            return usage(format!(
                "no record has the id `{}`{hint}",
                crate::text::escape_controls(id)
            ));
        };
        let target = view::Target { kind, id: id.clone() };
        let Some(detail) = view::detail(&kb, &target) else {
            return usage(format!(
                "no record has the id `{}`",
                crate::text::escape_controls(id)
            ));
        };
        let what = format!("{} {}", kind.label(), crate::text::escape_controls(id));
        (export::record(&kb, &detail, format), what)
    } else {
        let Some(tab) = a.tab else {
            return usage("say what to export: --tab, --view or --record".into());
        };
        let spec = ViewSpec {
            tab,
            query: a.query.clone(),
            sort,
            pivot: a.pivot.map_or_else(Default::default, |p| p.0),
        };
        let (kb, v) = if spec.query.trim().is_empty() {
            let v = view::rows(&kb, &spec);
            (std::sync::Arc::new(kb), v)
        } else {
            let ix = crate::search::Index::build(std::sync::Arc::new(kb));
            match view::query_view(&ix, &spec) {
                Ok(v) => (ix.kb.clone(), v),
                Err(e) => return bad_query(&a.query, &e),
            }
        };
        // How the query and the sort applied (deals left out of an amount comparison, amounts in
        // several currencies): on stderr, so the export itself stays the rows.
        for note in &v.notes {
            eprintln!("note: {note}");
        }
        if let Some(note) = &v.sort_note {
            eprintln!("note: amounts sorted {note}");
        }
        if let Some(s) = &spec.sort
            && v.column(&s.key).is_none()
        {
            // A pivot's columns are named by its data: known only now.
            let keys: Vec<&str> = v
                .columns
                .iter()
                .filter(|c| c.sorts())
                .map(|c| c.key.as_ref())
                .collect();
            return usage(format!(
                "no column `{}` to sort {} by; columns: {}",
                crate::text::escape_controls(&s.key),
                tab.title().to_lowercase(),
                crate::text::escape_controls(&keys.join(", "))
            ));
        }
        // The column to group by, among the view's (a pivot's are named by its data).
        let group_by = match &a.group_by {
            Some(c) => match view::group::resolve_list(tab, &v.columns, c) {
                Ok(by) => Some(by),
                Err(msg) => return usage(msg),
            },
            None => None,
        };
        let meta = export::Meta {
            kb: loaded.label.clone(),
            query: a.query.clone(),
            sort: v.sort_label(),
            date: crate::clock::now().date,
        };
        match group_by {
            Some(by) => {
                let g = view::group::group_by(&kb, &v, &by);
                let holds = crate::text::count(g.groups.len(), "group", "groups");
                (export::grouped(&g, &meta, format), holds)
            }
            None => {
                let n = v.len();
                let holds = format!("{n} {}", if n == 1 { "row" } else { "rows" });
                let v = match &a.layout {
                    Some(l) => l.apply(&v),
                    None => v,
                };
                (export::view(&kb, &v, &meta, format), holds)
            }
        }
    };
    let text = match (a.bom, format) {
        (false, _) => text,
        (true, Format::Csv) => format!("\u{feff}{text}"),
        (true, f) => return usage(format!("--bom is for CSV exports, not {f}")),
    };
    match &a.out {
        None => {
            let mut out = std::io::stdout().lock();
            finish(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
        }
        Some(p) => match export::write_file(p, text.as_bytes(), a.force) {
            Ok(()) => {
                eprintln!(
                    "exported {holds} to {}",
                    crate::text::escape_controls(&p.display().to_string())
                );
                ExitCode::SUCCESS
            }
            Err(e @ export::WriteError::Exists(_)) => usage(format!("{e}; pass --force to replace it")),
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
    }
}

/// `export --chart ID[,ID…]`: the chart of those series as SVG ([`export::svg`]), the bytes the
/// explorer's `e` on the Trends chart writes for the same series. Unknown ids are an error, each
/// named, with a did-you-mean where one is close.
fn export_chart(
    path: Option<&std::path::Path>,
    ids: &[String],
    format: Option<ExportFormatArg>,
    out: Option<&std::path::Path>,
    force: bool,
) -> ExitCode {
    let usage = |msg: String| {
        eprintln!("error: {msg}");
        ExitCode::from(1)
    };
    match (format, out) {
        (Some(ExportFormatArg::Svg), _) => {}
        (Some(f), _) => {
            let f = format!("{f:?}").to_lowercase();
            return usage(format!(
                "--chart writes SVG, not {f}: pass --format svg or leave --format out"
            ));
        }
        (None, Some(p)) if !export::svg::is_svg_path(p) => {
            return usage(format!(
                "--chart writes SVG: name the file .svg, not `{}`",
                crate::text::escape_controls(&p.display().to_string())
            ));
        }
        (None, _) => {}
    }
    let ids: Vec<&str> = ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    if ids.is_empty() {
        return usage("--chart needs at least one series id".into());
    }
    let loaded = match load_valid(path, "use") {
        Ok(l) => l,
        Err(code) => return code,
    };
    let kb = &loaded.kb;
    let series_ids: Vec<&str> = kb.series.iter().map(|s| s.id.as_str()).collect();
    let unknown: Vec<String> = ids
        .iter()
        .filter(|id| kb.series_by_id(id).is_none())
        .map(|id| {
            let hint = match kb.lookup(id) {
                Some((kind, _)) => format!(" (it is a {}, not a series)", kind.label()),
                None => kb::hint::did_you_mean(id, &series_ids)
                    .map(|h| format!(" (did you mean `{h}`?)"))
                    .unwrap_or_default(),
            };
            format!("`{}`{hint}", crate::text::escape_controls(id))
        })
        .collect();
    if !unknown.is_empty() {
        let what = if unknown.len() == 1 {
            "no series has the id"
        } else {
            "no series have the ids"
        };
        return usage(format!("{what} {}", unknown.join(", ")));
    }
    let text = match export::svg::of_series(kb, &ids) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let holds = format!("a chart of {}", crate::text::count(ids.len(), "series", "series"));
    match out {
        None => {
            let mut o = std::io::stdout().lock();
            finish(o.write_all(text.as_bytes()).and_then(|()| o.flush()))
        }
        Some(p) => match export::write_file(p, text.as_bytes(), force) {
            Ok(()) => {
                eprintln!(
                    "exported {holds} to {}",
                    crate::text::escape_controls(&p.display().to_string())
                );
                ExitCode::SUCCESS
            }
            Err(e @ export::WriteError::Exists(_)) => usage(format!("{e}; pass --force to replace it")),
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
    }
}

/// KBs with at least this many records get their search index saved for the next `search`:
/// below it, building one takes a few milliseconds.
const SAVE_INDEX_FROM: usize = 10_000;

/// What `marketlens search` was asked for.
struct SearchArgs<'a> {
    query: &'a str,
    tab: SearchTab,
    limit: usize,
    format: FormatArg,
    cache: Option<&'a std::path::Path>,
    timings: bool,
    /// Show the internal score (`--scores`).
    scores: bool,
}

fn search(path: Option<&std::path::Path>, args: &SearchArgs) -> ExitCode {
    use crate::search::{self, Rank, Scope};
    let &SearchArgs {
        query,
        tab,
        limit,
        format,
        cache,
        timings,
        scores,
    } = args;
    let mut clock = Phases::start();
    let loaded = match load_valid(path, "use") {
        Ok(l) => l,
        Err(code) => return code,
    };
    clock.lap("load");
    let scope = match tab.0 {
        None => Scope::All,
        Some(t) => t.scope(),
    };
    let kb = std::sync::Arc::new(loaded.kb);
    let (ix, outcome) = search::saved::open_or_build(kb, loaded.fingerprint, cache, SAVE_INDEX_FROM);
    clock.lap(match outcome {
        search::saved::Outcome::Used(_) => "index (saved)",
        search::saved::Outcome::Built { .. } => "index (built and saved)",
        search::saved::Outcome::NotCached => "index (built)",
    });
    // Never freed, as in `check`: the process ends after printing, and freeing the KB record by
    // record would cost more than the search.
    let ix = std::mem::ManuallyDrop::new(ix);
    let rank = if limit == 0 { Rank::All } else { Rank::Top(limit) };
    let results = match search::search(&ix, query, scope, rank) {
        Ok(r) => r,
        Err(e) => return bad_query(query, &e),
    };
    for note in &results.notes {
        eprintln!("note: {note}");
    }
    clock.lap("search");
    let shown = if limit == 0 {
        results.hits.len()
    } else {
        limit.min(results.hits.len())
    };
    let rows: Vec<search::Described> = results.hits[..shown]
        .iter()
        .map(|h| search::describe(&ix, h))
        .collect();
    let format = Format::from(format);
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&rows).expect("search results serialize") + "\n",
        _ => search_table(&rows, format, scores),
    };
    let mut out = std::io::stdout().lock();
    let written = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    clock.lap("output");
    if format != Format::Json && shown < results.hits.len() {
        eprintln!(
            "{shown} of {} matches shown (--limit 0 shows all)",
            results.hits.len()
        );
    }
    if timings {
        // Why a saved index was not used, or none could be saved: never an error, but worth
        // knowing when asking where the time went.
        if let search::saved::Outcome::Built { replaced, saved } = &outcome {
            if let Some(why) = replaced {
                eprintln!("note: the saved index was not used: {why}");
            }
            if let Some(e) = saved {
                let e = crate::text::escape_controls(&e.to_string()).into_owned();
                eprintln!("note: the index could not be saved: {e}");
            }
        }
        eprintln!("{clock}");
    }
    finish(written)
}

/// Wall-clock time per phase of a command, for `--timings`: what a user needs to see where a slow
/// search spends its time (usually loading the KB), and what `scripts/search-vs-fzf.sh` reads
/// to tell the search's own work from machine noise in the load.
struct Phases {
    last: std::time::Instant,
    laps: Vec<(&'static str, std::time::Duration)>,
}

impl Phases {
    fn start() -> Phases {
        Phases {
            last: std::time::Instant::now(),
            laps: Vec::new(),
        }
    }

    /// End the phase called `name` now.
    fn lap(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push((name, now - self.last));
        self.last = now;
    }
}

/// `timings: load 312.41 ms, index (saved) 0.31 ms, search 7.93 ms, output 0.12 ms; total 320.77 ms`
impl std::fmt::Display for Phases {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
        f.write_str("timings: ")?;
        for (i, (name, took)) in self.laps.iter().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            write!(f, "{sep}{name} {:.2} ms", ms(*took))?;
        }
        let total: std::time::Duration = self.laps.iter().map(|l| l.1).sum();
        write!(f, "; total {:.2} ms", ms(total))
    }
}

/// Search results as a table: kind, id, name and where it matched (with the matching text when
/// that is not the name); with `scores`, also the ranking's internal score, which means nothing to
/// a reader (a match only in other text is shifted by -100,000), so it is shown only on request.
fn search_table(rows: &[crate::search::Described], format: Format, scores: bool) -> String {
    use crate::text::fit;
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let matched = if r.matched.is_empty() || r.matched == "name" || r.matched == "title" {
                r.matched.to_string()
            } else {
                format!("{}: {}", r.matched, fit(&r.matched_text, 40))
            };
            let name = if format == Format::Txt {
                fit(&r.name, 48).into_owned()
            } else {
                r.name.clone()
            };
            let mut row = vec![r.kind.to_string(), r.id.clone(), name, matched];
            if scores {
                row.push(r.score.map_or(String::new(), |s| s.to_string()));
            }
            row
        })
        .collect();
    let header = ["Kind", "ID", "Name", "Matched in", "Score"];
    let n = if scores { 5 } else { 4 };
    let right = [false, false, false, false, true];
    export::table(&header[..n], &right[..n], &cells, format).expect("a text format")
}

/// One line: what was loaded, per kind.
pub fn summary(l: &Loaded) -> String {
    use crate::kb::Kind;
    use crate::text::count;
    let c = l.kb.counts();
    // Every kind, in `Kind::ALL` order; executives and series with what they hold.
    let kinds: Vec<String> = Kind::ALL
        .into_iter()
        .map(|k| {
            let n = count(l.kb.count(k), k.label(), k.plural());
            match k {
                Kind::Executive => format!("{n} ({})", count(c.career_moves, "career move", "career moves")),
                Kind::Series => format!("{n} ({})", count(c.points, "point", "points")),
                _ => n,
            }
        })
        .collect();
    format!(
        "{}: {} in {}; {}",
        l.label,
        kinds.join(", "),
        crate::text::count(l.files.len(), "file", "files"),
        crate::text::count(
            l.kb.conflicts().len(),
            "conflicting figure",
            "conflicting figures"
        ),
    )
}

/// A second line when anything carries a status other than `actual`: how many figures (series
/// points), deals, career moves and facts there are of each status, and how many series name
/// their market. `None` for a KB that states everything as plain fact (every format-1 KB).
pub fn status_summary(kb: &crate::kb::Kb) -> Option<String> {
    use crate::kb::terms::Status;
    let statuses = kb
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.status))
        .chain(kb.deals.iter().map(|d| d.status))
        .chain(
            kb.executives
                .iter()
                .flat_map(|e| e.career.iter().map(|m| m.status)),
        )
        .chain(kb.facts.iter().map(|f| f.status));
    let mut per = [0usize; Status::ALL.len()];
    for st in statuses {
        per[Status::ALL.iter().position(|s| *s == st).unwrap_or(0)] += 1;
    }
    if per.iter().skip(1).all(|n| *n == 0) {
        return None;
    }
    let parts: Vec<String> = Status::ALL
        .iter()
        .zip(per)
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {}", s.as_str()))
        .collect();
    let with_market = kb.series.iter().filter(|s| s.market.is_some()).count();
    let inferred = kb
        .series
        .iter()
        .flat_map(|s| &s.points)
        .filter(|p| p.inferred.is_some())
        .count()
        + kb.deals.iter().filter(|d| d.inferred.is_some()).count()
        + kb.executives
            .iter()
            .flat_map(|e| &e.career)
            .filter(|m| m.inferred.is_some())
            .count()
        + kb.facts.iter().filter(|f| f.inferred.is_some()).count();
    Some(format!(
        "by status (points, deals, career moves, facts): {}; {} with a market; {} with an inferred date",
        parts.join(", "),
        crate::text::count(with_market, "series", "series"),
        inferred
    ))
}

fn check(path: Option<&std::path::Path>, timings: bool, all: bool) -> ExitCode {
    let mut clock = Phases::start();
    // Never freed: the process ends after the report, and freeing a big KB record by record costs
    // ~0.1 s per 100k records, while the OS takes the memory back at once.
    let loaded = std::mem::ManuallyDrop::new(load(path));
    clock.lap("load");
    let mut code = report(&loaded, all);
    clock.lap("report");
    // The saved views beside a KB folder or file travel with it: their problems fail `check`.
    if let Some(p) = path
        && let Ok(views) = view::saved::path_beside(p)
    {
        let parsed = view::saved::load(&views);
        if !parsed.diags.is_empty() {
            eprint!("{}", parsed.render());
            eprintln!(
                "error: {} in `{}` (the saved views; the good ones still load)",
                crate::text::count(parsed.diags.len(), "problem", "problems"),
                crate::text::escape_controls(&views.display().to_string())
            );
            code = ExitCode::from(1);
        }
    }
    if timings {
        eprintln!("{clock}");
    }
    code
}

/// `check`'s report: the diagnostics, then a summary line or the error count.
fn report(loaded: &Loaded, all: bool) -> ExitCode {
    let shown = if all {
        usize::MAX
    } else {
        crate::kb::load::SHOWN_DIAGNOSTICS
    };
    eprint!("{}", loaded.render_diagnostics_upto(shown));
    let (errors, warnings) = (loaded.error_count(), loaded.warning_count());
    if errors > 0 {
        eprintln!(
            "error: {} and {} in `{}`",
            crate::text::count(errors, "error", "errors"),
            crate::text::count(warnings, "warning", "warnings"),
            crate::text::escape_controls(&loaded.label)
        );
        return ExitCode::from(1);
    }
    let mut out = std::io::stdout().lock();
    let written = writeln!(out, "{}", crate::text::escape_controls(&summary(loaded)))
        .and_then(|()| match status_summary(&loaded.kb) {
            Some(line) => writeln!(out, "{line}"),
            None => Ok(()),
        })
        .and_then(|()| out.flush());
    drop(out);
    if written
        .as_ref()
        .is_err_and(|e| e.kind() != std::io::ErrorKind::BrokenPipe)
    {
        return finish(written);
    }
    if warnings > 0 {
        eprintln!("{}", crate::text::count(warnings, "warning", "warnings"));
    }
    ExitCode::SUCCESS
}
