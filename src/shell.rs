//! What the shell and `man` get from the command line's definition (`cli::Cli`): completion
//! scripts that complete values (tab names, formats, sort keys and, by calling back into
//! `marketlens`, the KB's record ids, series ids and saved views) and one man page covering every
//! command.
//!
//! Both are generated from the clap `Command`, so they cannot drift from the parser: clap_complete
//! writes the scripts and clap_mangen the page's sections. Two things neither does are added here:
//! a callback that completes `--record` with the ids of the KB on the command line, `--chart` with
//! its series ids and `--view` with its saved views (clap_complete's dynamic engine does this, but
//! only behind its `unstable-dynamic` feature, and it would replace the static scripts
//! `completions` has always printed), and one page holding every subcommand's
//! options (clap_mangen writes one page per subcommand, `marketlens-search(1)` …, which a user
//! installing a single binary would not have).

use std::io::Write;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use clap_complete::Shell;
use clap_mangen::Man;

use crate::view::{self, Tab};

/// With this set, `marketlens [--kb PATH]` prints completion candidates instead of running, one
/// a line: `ids` the KB's record ids (for `--record`), `series` its series ids (for `--chart`),
/// `views` the names of its saved views (for `--view`). What the completion scripts call. (An
/// environment variable, like clap_complete's own `COMPLETE=`, not a hidden subcommand:
/// clap_complete lists hidden subcommands among the candidates.)
pub const COMPLETE_ENV: &str = "MARKETLENS_COMPLETE";

/// What a completion script asks for through [`COMPLETE_ENV`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asked {
    /// Every record id (`--record`).
    Ids,
    /// Series ids only (`--chart`).
    Series,
    /// Saved views' names (`--view`).
    Views,
}

/// What this run is asked to complete, if it is a completion script's call (an unknown value:
/// none, the program runs as usual).
pub fn asked() -> Option<Asked> {
    match std::env::var_os(COMPLETE_ENV)?.to_str()? {
        "ids" => Some(Asked::Ids),
        "series" => Some(Asked::Series),
        "views" => Some(Asked::Views),
        _ => None,
    }
}

/// Every `--sort` value the completion offers: each sortable column of any tab, in lower case,
/// alone, with `:asc` and with `:desc`.
pub fn sort_keys() -> &'static [String] {
    static KEYS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        let mut names: Vec<String> = Vec::new();
        for tab in Tab::ALL {
            for key in view::sortable_keys(tab) {
                if !names.iter().any(|n| n == key) {
                    names.push(key.to_string());
                }
            }
        }
        names
            .iter()
            .flat_map(|n| [n.clone(), format!("{n}:asc"), format!("{n}:desc")])
            .collect()
    });
    &KEYS
}

/// `--sort`'s parser: any string (the column is checked against the tab later, with a hint), but
/// with the sort keys as possible values, so the completion scripts offer them.
#[derive(Clone, Copy, Debug)]
pub struct SortKeyParser;

impl TypedValueParser for SortKeyParser {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            sort_keys().iter().map(|k| PossibleValue::new(k.as_str())),
        ))
    }
}

/// The record ids `--record` completes with, one a line: those of the KB (valid or not: a
/// completion is best effort), keeping only ids made of the characters a valid id has, so a
/// broken KB cannot put anything else on the user's command line.
pub fn complete_ids(loaded: &crate::kb::Loaded) -> String {
    lines_of(loaded.kb.ids().filter(|id| is_plain_id(id)))
}

/// The series ids `--chart` completes with, one a line, filtered as [`complete_ids`]'s.
pub fn complete_series(loaded: &crate::kb::Loaded) -> String {
    lines_of(
        loaded
            .kb
            .series
            .iter()
            .map(|s| s.id.as_str())
            .filter(|id| is_plain_id(id)),
    )
}

/// The saved views' names `--view` completes with, one a line: the views of `views.toml` beside
/// the KB (or in the state folder for the built-in KB), those that load, leaving out any name a
/// line cannot carry or an option could be taken for (a control character, a line break, a
/// leading `-`). Names may hold spaces and any other character: the scripts quote what they put
/// on the command line and never expand a name.
pub fn complete_views(kb: Option<&std::path::Path>) -> String {
    let Ok(path) = crate::view::saved::path_for(kb) else {
        return String::new();
    };
    let parsed = crate::view::saved::load(&path);
    lines_of(
        crate::view::saved::names(&parsed.views)
            .into_iter()
            .filter(|n| !n.trim().is_empty() && !n.starts_with('-') && crate::text::escape_controls(n) == *n),
    )
}

/// Made of the characters a valid id has (lower-case ASCII letters, digits, `-`).
fn is_plain_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn lines_of<'a>(words: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for w in words {
        out.push_str(w);
        out.push('\n');
    }
    out
}

/// The completion script for `shell`: clap_complete's, with `--record` completing the KB's ids,
/// `--chart` its series ids (after a comma, the next one) and `--view` its saved views' names
/// (bash, zsh, fish), each through `MARKETLENS_COMPLETE=… marketlens [--kb PATH]`.
pub fn completions(shell: Shell, cmd: &mut clap::Command) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, cmd, "marketlens", &mut buf);
    let script = String::from_utf8(buf).expect("clap_complete writes UTF-8");
    match shell {
        Shell::Bash => bash_callbacks(script),
        Shell::Zsh => zsh_callbacks(script),
        Shell::Fish => fish_callbacks(script),
        _ => script,
    }
}

/// Replace `what` by `with`, every time. (`tests/shell.rs` fails when a clap_complete upgrade
/// stops writing `what`.)
fn splice(script: String, what: &str, with: &str) -> String {
    script.replace(what, with)
}

/// bash: clap_complete completes a value with no hint as the word typed so far
/// (`COMPREPLY=("${cur}")` under `--record)`); make it the candidates `marketlens` gives, from
/// the KB named by `--kb`. `--chart`'s word is a comma-separated list (bash does not break words
/// at commas): the id after the last comma is completed, what is before it kept.
fn bash_callbacks(script: String) -> String {
    let helper = r#"
_marketlens_ask() {
    local i kb=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${COMP_WORDS[i]}" in
            --kb)
                if [[ "${COMP_WORDS[i+1]}" == "=" ]]; then
                    kb=(--kb "${COMP_WORDS[i+2]}")
                else
                    kb=(--kb "${COMP_WORDS[i+1]}")
                fi
                ;;
            --kb=*) kb=(--kb "${COMP_WORDS[i]#--kb=}") ;;
        esac
    done
    MARKETLENS_COMPLETE="$1" marketlens "${kb[@]}" 2>/dev/null
}

_marketlens_list() {
    local before=""
    if [[ "$2" == *,* ]]; then
        before="${2%,*},"
    fi
    COMPREPLY=($(compgen -W "$(_marketlens_ask "$1")" -P "${before}" -- "${2##*,}"))
}

_marketlens_views() {
    # Names may hold spaces or shell characters: read line by line (no word list, which bash
    # would expand), matched against the word typed (a `\ ` in it read as a space, a leading
    # quote dropped), offered quoted.
    local name cur="${1//\\ / }"
    cur="${cur#[\"\']}"
    COMPREPLY=()
    while IFS= read -r name; do
        if [[ "$name" == "$cur"* ]]; then
            COMPREPLY+=("$(printf '%q' "$name")")
        fi
    done < <(_marketlens_ask views)
}
"#;
    let value = |flag: &str| format!("{flag})\n                    COMPREPLY=(\"${{cur}}\")");
    let script = splice(
        script,
        &value("--record"),
        "--record)\n                    COMPREPLY=($(compgen -W \"$(_marketlens_ask ids)\" -- \"${cur}\"))",
    );
    let script = splice(
        script,
        &value("--chart"),
        "--chart)\n                    _marketlens_list series \"${cur}\"",
    );
    let script = splice(
        script,
        &value("--view"),
        "--view)\n                    _marketlens_views \"${cur}\"",
    );
    format!("{helper}\n{script}")
}

/// zsh: clap_complete gives a value with no hint no action (`:ID:`); give `--record`, `--chart`
/// and `--view` functions that add the candidates, from the KB named by `--kb` (`--chart`'s after
/// the last comma: `compset -P '*,'`).
fn zsh_callbacks(script: String) -> String {
    let helper = r#"
(( $+functions[_marketlens_ask] )) ||
_marketlens_ask() {
    # The whole line, not $words: under a subcommand it starts at the subcommand, and --kb may
    # come before.
    local -a kb line
    local i
    line=(${(Q)${(z)LBUFFER}})
    for ((i = 1; i < ${#line}; i++)); do
        case "${line[i]}" in
            --kb) kb=(--kb "${line[i+1]}") ;;
            --kb=*) kb=(--kb "${line[i]#--kb=}") ;;
        esac
    done
    MARKETLENS_COMPLETE="$1" marketlens "${kb[@]}" 2>/dev/null
}

(( $+functions[_marketlens_record_ids] )) ||
_marketlens_record_ids() {
    local -a ids
    ids=(${(f)"$(_marketlens_ask ids)"})
    compadd -a ids
}

(( $+functions[_marketlens_series_ids] )) ||
_marketlens_series_ids() {
    local -a ids
    ids=(${(f)"$(_marketlens_ask series)"})
    compset -P '*,'
    compadd -a ids
}

(( $+functions[_marketlens_views] )) ||
_marketlens_views() {
    local -a names
    names=(${(f)"$(_marketlens_ask views)"})
    compadd -a names
}
"#;
    let script = splice(script, ":ID:'", ":ID:_marketlens_record_ids'");
    let script = splice(script, ":ID[,ID…]:'", ":ID[,ID…]:_marketlens_series_ids'");
    let script = splice(script, ":NAME:'", ":NAME:_marketlens_views'");
    // `_arguments` reads the `:` in the value's name (clap_complete leaves it bare) as the end of
    // the message, and runs the rest (`desc]`) as a command.
    let script = splice(script, ":COLUMN[:desc]:", ":COLUMN:");
    // Defined before the `compdef` (or the autoloaded call) at the end of the script.
    match script.rfind("\nif [ \"$funcstack[1]\" = \"_marketlens\" ]") {
        Some(at) => format!("{}{helper}{}", &script[..at + 1], &script[at + 1..]),
        None => format!("{script}{helper}"),
    }
}

/// fish: `--record`'s, `--chart`'s and `--view`'s arguments are the candidates (and no file
/// names); `--chart`'s keep what the token holds up to its last comma.
fn fish_callbacks(script: String) -> String {
    let helper = r#"
function __marketlens_ask
    set -l tokens (commandline -opc)
    set -l kb
    for i in (seq (count $tokens))
        switch $tokens[$i]
            case --kb
                set kb --kb $tokens[(math $i + 1)]
            case '--kb=*'
                set kb --kb (string replace -- --kb= '' $tokens[$i])
        end
    end
    MARKETLENS_COMPLETE=$argv[1] marketlens $kb 2>/dev/null
end

function __marketlens_list
    set -l cur (string replace -r -- '^--[a-z-]+=' '' (commandline -ct))
    set -l before (string match -r -- '^.*,' $cur; or echo '')
    for id in (__marketlens_ask $argv[1])
        echo $before[1]$id
    end
end
"#;
    let mut out = format!("{helper}\n");
    for line in script.lines() {
        let add = if line.contains(" -l record ") {
            " -a '(__marketlens_ask ids)'"
        } else if line.contains(" -l chart ") {
            " -a '(__marketlens_list series)'"
        } else if line.contains(" -l view ") {
            " -a '(__marketlens_ask views)'"
        } else {
            ""
        };
        out.push_str(line);
        out.push_str(add);
        out.push('\n');
    }
    out
}

/// The man page, in roff: the name, synopsis, description and global options of `marketlens`,
/// then each command's synopsis, description and options, then the exit status and environment.
pub fn man_page(cmd: clap::Command) -> String {
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let version = cmd.get_version().unwrap_or_default().to_owned();
    let page = Man::new(cmd.clone()).source(format!("marketlens {version}"));
    let mut text = String::from(ROFF_PREAMBLE);
    text += &render(
        &page,
        &[
            Man::render_title,
            Man::render_name_section,
            Man::render_synopsis_section,
            Man::render_description_section,
            Man::render_options_section,
        ],
    );
    text.push_str(".SH COMMANDS\n");
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub.get_bin_name().unwrap_or_else(|| sub.get_name());
        text.push_str(&format!(".SS \"{name}\"\n"));
        let man = Man::new(sub.clone());
        // Each section comes with its own `.SH` heading; under the command's `.SS` a paragraph
        // break does.
        let body = render(
            &man,
            &[
                Man::render_synopsis_section,
                Man::render_description_section,
                Man::render_options_section,
            ],
        );
        for line in body.lines() {
            text.push_str(if line.starts_with(".SH ") { ".PP" } else { line });
            text.push('\n');
        }
    }
    text.push_str(EXTRA_SECTIONS);
    text.push_str(&render(&page, &[Man::render_version_section]));
    text
}

type Section = fn(&Man, &mut dyn Write) -> std::io::Result<()>;

/// The lines roff-rs starts every piece of output with (a portable apostrophe); the page needs
/// them once, at the top.
const ROFF_PREAMBLE: &str = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";

/// `sections` of `man`, without the preamble.
fn render(man: &Man, sections: &[Section]) -> String {
    let mut text = String::new();
    for section in sections {
        let mut buf = Vec::new();
        section(man, &mut buf).expect("writing to memory");
        let piece = String::from_utf8(buf).expect("clap_mangen writes UTF-8");
        text.push_str(piece.strip_prefix(ROFF_PREAMBLE).unwrap_or(&piece));
    }
    text
}

/// Sections clap has no place for.
const EXTRA_SECTIONS: &str = r#".SH "EXIT STATUS"
.TP
0
Success (\fBsearch\fR: the query ran, even with no matches).
.TP
1
Bad input: an invalid KB, bad arguments, an unknown tab, column or record, a query that cannot be understood, an export file that exists without \fB\-\-force\fR.
.TP
2
An I/O failure: output or a file that cannot be written.
.TP
128 + N
The explorer was stopped by signal N (SIGTERM, SIGHUP, SIGINT or SIGQUIT), after restoring the terminal.
.SH ENVIRONMENT
.TP
\fBMARKETLENS_CACHE_DIR\fR
Where \fBsearch\fR keeps saved search indexes of large KBs; else \fB$XDG_CACHE_HOME/marketlens\fR, else \fB~/.cache/marketlens\fR.
.TP
\fBSOURCE_DATE_EPOCH\fR
The date written in export titles and default export file names, for reproducible exports.
.SH "SEE ALSO"
The guides in the source repository: docs/usage.md, docs/search.md, docs/kb-format.md.
"#;
