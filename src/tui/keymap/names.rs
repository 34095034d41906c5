//! Every action's and context's stable name, as the config file's `[keys]` tables write them
//! (`quit`, `half-down`, `tab-1`; `[keys.input]`). Declared here once, by exhaustive `match`: an
//! `Action` or `Context` added without a name does not compile. The names are a public interface
//! (users' config files hold them): never rename one.

use super::{Action, Context};

/// `GoTab(0)` … `GoTab(8)`.
const TAB_NAMES: [&str; 9] = [
    "tab-1", "tab-2", "tab-3", "tab-4", "tab-5", "tab-6", "tab-7", "tab-8", "tab-9",
];

impl Action {
    /// Its kebab-case name (`GoTab(n)` is `tab-{n+1}`).
    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::NextTab => "next-tab",
            Action::PrevTab => "prev-tab",
            Action::GoTab(n) => TAB_NAMES.get(n).copied().unwrap_or("tab"),
            Action::Down => "down",
            Action::Up => "up",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::PageDown => "page-down",
            Action::PageUp => "page-up",
            Action::HalfDown => "half-down",
            Action::HalfUp => "half-up",
            Action::SortNext => "sort-next",
            Action::SortReverse => "sort-reverse",
            Action::Pivot => "pivot",
            Action::Enter => "enter",
            Action::FocusDetail => "focus-detail",
            Action::FocusTable => "focus-table",
            Action::Back => "back",
            Action::Forward => "forward",
            Action::Help => "help",
            Action::Filter => "filter",
            Action::Palette => "palette",
            Action::ClearFilter => "clear-filter",
            Action::Export => "export",
            Action::ExportRecord => "export-record",
            Action::Copy => "copy",
            Action::Reload => "reload",
            Action::Suspend => "suspend",
            Action::GroupBy => "group-by",
            Action::GroupPick => "group-pick",
            Action::Ungroup => "ungroup",
            Action::Mark => "mark",
            Action::ClearMarks => "clear-marks",
            Action::ChartMarks => "chart-marks",
            Action::ExportMarked => "export-marked",
            Action::TickColumn => "tick-column",
            Action::Accept => "accept",
            Action::Cancel => "cancel",
            Action::DeleteBack => "delete-back",
            Action::DeleteForward => "delete-forward",
            Action::DeleteWord => "delete-word",
            Action::ClearLine => "clear-line",
            Action::CursorLeft => "cursor-left",
            Action::CursorRight => "cursor-right",
            Action::CursorStart => "cursor-start",
            Action::CursorEnd => "cursor-end",
            Action::CloseHelp => "close-help",
            Action::Overwrite => "overwrite",
            Action::Keep => "keep",
            Action::CopyRow => "copy-row",
            Action::CopyMenu => "copy-menu",
            Action::CopyId => "copy-id",
            Action::CopyMarkdown => "copy-markdown",
            Action::CopyCitation => "copy-citation",
            Action::CopyView => "copy-view",
            Action::ColumnLeft => "column-left",
            Action::ColumnRight => "column-right",
            Action::MoveColumnLeft => "move-column-left",
            Action::MoveColumnRight => "move-column-right",
            Action::NarrowColumn => "narrow-column",
            Action::WidenColumn => "widen-column",
            Action::HideColumn => "hide-column",
            Action::ShowColumns => "show-columns",
            Action::CellText => "cell-text",
            Action::Edit => "open-in-editor",
            Action::OpenReader => "open-reader",
            Action::NextQuote => "next-quote",
            Action::PrevQuote => "prev-quote",
            Action::CloseReader => "close-reader",
            Action::Views => "views",
            Action::SaveView => "save-view",
            Action::NextMatch => "next-match",
            Action::PrevMatch => "prev-match",
            Action::HistoryOlder => "history-older",
            Action::HistoryNewer => "history-newer",
        }
    }
}

impl Context {
    /// Every context, for reading `[keys.CONTEXT]` and writing the default file.
    pub const ALL: [Context; 16] = [
        Context::Any,
        Context::Table,
        Context::Detail,
        Context::Grouped,
        Context::Help,
        Context::Input,
        Context::Palette,
        Context::Edit,
        Context::Export,
        Context::Confirm,
        Context::Columns,
        Context::Views,
        Context::Loading,
        Context::Copy,
        Context::Cell,
        Context::Reader,
    ];

    /// Its name in `[keys.NAME]`.
    pub fn name(self) -> &'static str {
        match self {
            Context::Any => "any",
            Context::Table => "table",
            Context::Detail => "detail",
            Context::Input => "input",
            // Not `palette`, `export` or `help`: those are actions, and `[keys]` holds both.
            Context::Palette => "palette-prompt",
            Context::Edit => "edit",
            Context::Export => "export-prompt",
            Context::Confirm => "confirm",
            Context::Help => "help-overlay",
            Context::Loading => "loading",
            Context::Columns => "columns",
            Context::Grouped => "grouped",
            Context::Copy => "copy-popup",
            Context::Cell => "cell-popup",
            Context::Reader => "reader",
            // Not `views`: that is the action that opens it.
            Context::Views => "views-picker",
        }
    }

    /// The contexts of the main screen, which the config file's plain `[keys]` table sets.
    pub fn is_main(self) -> bool {
        matches!(
            self,
            Context::Any | Context::Table | Context::Detail | Context::Grouped
        )
    }
}
