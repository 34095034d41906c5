//! What the shell and `man` get from the command line's definition (`cli::Cli`): completion
//! scripts that complete values (tab names, formats, sort keys and, by calling back into
//! `marketlens`, the KB's record ids) and one man page covering every command.
//!
//! Both are generated from the clap `Command`, so they cannot drift from the parser: clap_complete
//! writes the scripts and clap_mangen the page's sections. Two things neither does are added here:
//! a callback that completes `--record` with the ids of the KB on the command line (clap_complete's
//! dynamic engine does this, but only behind its `unstable-dynamic` feature, and it would replace
//! the static scripts `completions` has always printed), and one page holding every subcommand's
//! options (clap_mangen writes one page per subcommand, `marketlens-search(1)` …, which a user
//! installing a single binary would not have).

use std::io::Write;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use clap_complete::Shell;
use clap_mangen::Man;

use crate::view::{self, Tab};

/// With this set to `ids`, `marketlens [--kb PATH]` prints the KB's record ids instead of
/// running: what the completion scripts call for `--record`. (An environment variable, like
/// clap_complete's own `COMPLETE=`, not a hidden subcommand: clap_complete lists hidden
/// subcommands among the candidates.)
pub const COMPLETE_ENV: &str = "MARKETLENS_COMPLETE";

/// Whether this run is a completion script asking for the record ids.
pub fn asked_for_ids() -> bool {
    std::env::var_os(COMPLETE_ENV).is_some_and(|v| v == "ids")
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
    let mut out = String::new();
    for id in loaded.kb.ids() {
        if !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            out.push_str(id);
            out.push('\n');
        }
    }
    out
}

/// The completion script for `shell`: clap_complete's, with `--record` completing the KB's ids
/// (bash, zsh, fish) through `MARKETLENS_COMPLETE=ids marketlens [--kb PATH]`.
pub fn completions(shell: Shell, cmd: &mut clap::Command) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, cmd, "marketlens", &mut buf);
    let script = String::from_utf8(buf).expect("clap_complete writes UTF-8");
    match shell {
        Shell::Bash => bash_record_ids(script),
        Shell::Zsh => zsh_record_ids(script),
        Shell::Fish => fish_record_ids(script),
        _ => script,
    }
}

/// Replace `what` by `with`, every time. (`tests/shell.rs` fails when a clap_complete upgrade
/// stops writing `what`.)
fn splice(script: String, what: &str, with: &str) -> String {
    script.replace(what, with)
}

/// bash: clap_complete completes a value with no hint as the word typed so far
/// (`COMPREPLY=("${cur}")` under `--record)`); make it the ids, from the KB named by `--kb`.
fn bash_record_ids(script: String) -> String {
    let helper = r#"
_marketlens_record_ids() {
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
    MARKETLENS_COMPLETE=ids marketlens "${kb[@]}" 2>/dev/null
}
"#;
    let script = splice(
        script,
        "--record)\n                    COMPREPLY=(\"${cur}\")",
        "--record)\n                    COMPREPLY=($(compgen -W \"$(_marketlens_record_ids)\" -- \"${cur}\"))",
    );
    format!("{helper}\n{script}")
}

/// zsh: clap_complete gives a value with no hint no action (`:ID:`); give `--record` a function
/// that adds the ids, from the KB named by `--kb`.
fn zsh_record_ids(script: String) -> String {
    let helper = r#"
(( $+functions[_marketlens_record_ids] )) ||
_marketlens_record_ids() {
    # The whole line, not $words: under a subcommand it starts at the subcommand, and --kb may
    # come before.
    local -a ids kb line
    local i
    line=(${(Q)${(z)LBUFFER}})
    for ((i = 1; i < ${#line}; i++)); do
        case "${line[i]}" in
            --kb) kb=(--kb "${line[i+1]}") ;;
            --kb=*) kb=(--kb "${line[i]#--kb=}") ;;
        esac
    done
    ids=(${(f)"$(MARKETLENS_COMPLETE=ids marketlens "${kb[@]}" 2>/dev/null)"})
    compadd -a ids
}
"#;
    let script = splice(script, ":ID:'", ":ID:_marketlens_record_ids'");
    // `_arguments` reads the `:` in the value's name (clap_complete leaves it bare) as the end of
    // the message, and runs the rest (`desc]`) as a command.
    let script = splice(script, ":COLUMN[:desc]:", ":COLUMN:");
    // Defined before the `compdef` (or the autoloaded call) at the end of the script.
    match script.rfind("\nif [ \"$funcstack[1]\" = \"_marketlens\" ]") {
        Some(at) => format!("{}{helper}{}", &script[..at + 1], &script[at + 1..]),
        None => format!("{script}{helper}"),
    }
}

/// fish: add the ids as `--record`'s arguments (and no file names).
fn fish_record_ids(script: String) -> String {
    let helper = r#"
function __marketlens_record_ids
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
    MARKETLENS_COMPLETE=ids marketlens $kb 2>/dev/null
end
"#;
    let mut out = format!("{helper}\n");
    for line in script.lines() {
        if line.contains(" -l record ") {
            out.push_str(&format!("{line} -a '(__marketlens_record_ids)'\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
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
