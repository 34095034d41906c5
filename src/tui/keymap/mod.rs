//! The one key table. Every key the explorer reacts to and every key it names on screen (the
//! footer, the `?` overlay, prompts, titles, the loading screen) comes from [`KEYMAP`]: input
//! handling looks keys up here, and labels are the bindings' keys written by `Key`'s `Display`.
//!
//! The table in use is [`Keys`] (`table.rs`): `KEYMAP` with the config file's keys in place; the
//! lookups below go through it. A new `Action` needs its config name in `names.rs` (an exhaustive
//! `match`: it does not compile without one).
//!
//! Adding a binding: one line in `KEYMAP`. `tests::no_key_is_bound_twice_in_one_context` catches
//! a collision, `ui::help::tests::help_lists_every_binding_with_its_derived_label` one the `?` overlay leaves
//! out, `tests::labels_are_derived_from_the_keys_and_read_as_before` a label that changed.

mod key;
mod names;
mod table;

pub use key::{BadKey, Code, Key, Mods, alt, ch, ctrl, plain};
pub use table::{Bound, Collision, Keys, active, install};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Quit,
    NextTab,
    PrevTab,
    GoTab(usize),
    Down,
    Up,
    Top,
    Bottom,
    PageDown,
    PageUp,
    HalfDown,
    HalfUp,
    SortNext,
    SortReverse,
    /// `p` in Compare: value columns by periods or by reports.
    Pivot,
    /// In the table: move into the relations; in the detail: jump to the selected relation.
    Enter,
    FocusDetail,
    FocusTable,
    Back,
    Forward,
    Help,
    /// `/`: filter the current tab as you type.
    Filter,
    /// Ctrl-k / `:`: search every kind and jump.
    Palette,
    /// Esc in the table: drop the tab's filter.
    ClearFilter,
    /// `e`: write the current view to a file.
    Export,
    /// `E`: write the selected record's detail to a file.
    ExportRecord,
    /// `y`: copy the cell under the column cursor to the clipboard (OSC 52).
    Copy,
    /// `Y`: copy the selected row, its shown cells tab-separated.
    CopyRow,
    /// `C`: the copy menu (id, detail as Markdown, citation, the whole view).
    CopyMenu,
    /// In the copy menu: the record's id.
    CopyId,
    /// In the copy menu: the record's detail as Markdown (what `E` writes to a `.md` file).
    CopyMarkdown,
    /// In the copy menu: a citation, `figure — publisher, date, “quote”`.
    CopyCitation,
    /// In the copy menu: the whole view as text.
    CopyView,
    /// `[` / `]`: move the column cursor left / right.
    ColumnLeft,
    ColumnRight,
    /// `{` / `}`: move the cursor's column left / right.
    MoveColumnLeft,
    MoveColumnRight,
    /// `<` / `>`: make the cursor's column narrower / wider.
    NarrowColumn,
    WidenColumn,
    /// `x`: hide the cursor's column.
    HideColumn,
    /// `X`: show the tab's hidden columns again.
    ShowColumns,
    /// `z`: the cursor's cell in full, in a popup.
    CellText,
    /// `r`: load the KB from disk again now.
    Reload,
    /// `o`: open the selected record (or the point or career move under the detail's cursor)
    /// in `$VISUAL` / `$EDITOR`, at its line.
    Edit,
    /// Ctrl-z: leave the screen as it was and stop, like any job (`fg` brings it back).
    Suspend,
    /// `F`: choose a column and see the tab's rows grouped by it.
    GroupBy,
    /// Enter on a group: filter the tab to its rows and return to the table.
    GroupPick,
    /// Esc on the grouped table: return to the table as it was.
    Ungroup,
    /// `space`: mark or unmark the selected row (and move to the next).
    Mark,
    /// `M`: clear the tab's marks.
    ClearMarks,
    /// `c` in Trends: chart the marked series together / the selected one again.
    ChartMarks,
    /// `Tab` in the export prompt: the marked rows only / the whole view.
    ExportMarked,
    /// `space` in the column chooser: tick the selected column as a further key (or untick it).
    TickColumn,
    /// `v`: the saved views, to pick one and apply it.
    Views,
    /// `w`: save the current view by name (into views.toml beside the KB).
    SaveView,
    /// `n` / `N` after a `/` query: the next / previous matching row, wrapping.
    NextMatch,
    PrevMatch,
    /// ↑ / ↓ while typing a query: an earlier / a later query from the history.
    HistoryOlder,
    HistoryNewer,
    // While typing a query:
    Accept,
    Cancel,
    DeleteBack,
    DeleteForward,
    DeleteWord,
    ClearLine,
    CursorLeft,
    CursorRight,
    CursorStart,
    CursorEnd,
    /// The `?` overlay: close it.
    CloseHelp,
    /// The overwrite question: yes, replace the file.
    Overwrite,
    /// The overwrite question: no (any other key).
    Keep,
    /// `O`: read the archived article of the selected source (or of the record's quote).
    OpenReader,
    /// The reader: scroll to the next quoted passage and make it current.
    NextQuote,
    /// The reader: scroll to the previous quoted passage.
    PrevQuote,
    /// The reader: close it.
    CloseReader,
}

/// Where a binding applies. A context also takes the bindings of those it falls back to
/// ([`Context::falls_back_to`]); its own win.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// The table and the detail pane alike.
    Any,
    Table,
    Detail,
    /// Typing the `/` filter: only these (and `Edit`) apply, other keys type.
    Input,
    /// Typing in the Ctrl-k palette: as `Input`, with its own words for Enter and Esc.
    Palette,
    /// Editing a line of text, under `Input`, `Palette` and `Export`.
    Edit,
    /// The export prompt's file name.
    Export,
    /// The export file exists: overwrite it?
    Confirm,
    /// The `?` overlay is open: it scrolls with the table's movement keys.
    Help,
    /// The screen shown while the KB given on the command line loads.
    Loading,
    /// The column chooser `F` opens (its footer names these; the overlay leaves them out).
    Columns,
    /// The table shows the tab's rows grouped by a column: as `Any`, with its own Enter and Esc.
    Grouped,
    /// The copy menu `C` opens (its footer and popup name these).
    Copy,
    /// The popup `z` opens with a cell's full text: it scrolls; Esc closes it.
    Cell,
    /// The article reader `O` opens: its own keys only (its bottom line names them).
    Reader,
    /// The saved views' picker `v` opens: typing filters it (with the `Edit` keys).
    Views,
}

impl Context {
    /// The contexts whose bindings also apply here, after this one's own.
    pub const fn falls_back_to(self) -> &'static [Context] {
        match self {
            Context::Table | Context::Detail | Context::Grouped => &[Context::Any],
            Context::Input | Context::Export | Context::Views => &[Context::Edit],
            Context::Palette => &[Context::Input, Context::Edit],
            Context::Help => &[Context::Table, Context::Any],
            Context::Any
            | Context::Edit
            | Context::Confirm
            | Context::Loading
            | Context::Columns
            | Context::Copy
            | Context::Cell
            | Context::Reader => &[],
        }
    }

    /// This context, then those it falls back to.
    fn chain(self) -> impl Iterator<Item = Context> {
        std::iter::once(self).chain(self.falls_back_to().iter().copied())
    }
}

pub struct Binding {
    /// Its keys: the first `shown` are named in help and the footer, the rest are quiet aliases.
    pub keys: &'static [Key],
    pub shown: usize,
    pub action: Action,
    pub context: Context,
    /// Its line in the `?` overlay; empty when the overlay leaves it out.
    pub help: &'static str,
    /// Its brief wording in the footer for its context; empty when it is not shown there.
    pub footer: &'static str,
    /// How much it matters in the footer, 0 most: a narrow footer keeps the most important hints
    /// (and shows them in this order), dropping the others.
    pub importance: u8,
}

impl Binding {
    /// How help and the footer write its keys: the shown ones, joined by `/` (`j/↓`, `Ctrl-k/:`).
    pub fn label(&self) -> String {
        let shown: Vec<String> = self.keys[..self.shown].iter().map(Key::to_string).collect();
        shown.join("/")
    }
}

macro_rules! b {
    ([$($shown:expr),*], [$($quiet:expr),*], $action:expr, $ctx:ident, $help:expr, $footer:expr) => {
        b!([$($shown),*], [$($quiet),*], $action, $ctx, $help, $footer, u8::MAX)
    };
    ([$($shown:expr),*], [$($quiet:expr),*], $action:expr, $ctx:ident, $help:expr, $footer:expr, $importance:expr) => {
        Binding {
            keys: &[$($shown,)* $($quiet,)*],
            shown: [$(stringify!($shown)),*].len(),
            action: $action,
            context: Context::$ctx,
            help: $help,
            footer: $footer,
            importance: $importance,
        }
    };
}

pub const KEYMAP: &[Binding] = &[
    b!(
        [ch('j'), plain(Code::Down)],
        [],
        Action::Down,
        Any,
        "next / previous row or relation",
        "down",
        4
    ),
    b!(
        [ch('k'), plain(Code::Up)],
        [],
        Action::Up,
        Any,
        "next / previous row or relation",
        "up",
        4
    ),
    b!(
        [ch('g'), plain(Code::Home)],
        [],
        Action::Top,
        Any,
        "first / last row",
        ""
    ),
    b!(
        [ch('G'), plain(Code::End)],
        [],
        Action::Bottom,
        Any,
        "first / last row",
        ""
    ),
    b!(
        [plain(Code::PageDown)],
        [],
        Action::PageDown,
        Any,
        "page down / up",
        ""
    ),
    b!(
        [plain(Code::PageUp)],
        [],
        Action::PageUp,
        Any,
        "page down / up",
        ""
    ),
    b!(
        [ctrl('d')],
        [],
        Action::HalfDown,
        Any,
        "half a page down / up",
        ""
    ),
    b!([ctrl('u')], [], Action::HalfUp, Any, "half a page down / up", ""),
    b!(
        [plain(Code::Enter)],
        [],
        Action::Enter,
        Table,
        "show the record's relations",
        "relations",
        2
    ),
    b!(
        [plain(Code::Enter)],
        [],
        Action::Enter,
        Detail,
        "jump to the selected relation",
        "jump",
        2
    ),
    b!(
        [ch('l'), plain(Code::Right)],
        [],
        Action::FocusDetail,
        Table,
        "move into the detail pane",
        ""
    ),
    b!(
        [plain(Code::Esc), ch('h'), plain(Code::Left)],
        [],
        Action::FocusTable,
        Detail,
        "back to the table",
        "table",
        2
    ),
    b!(
        [plain(Code::Backspace), alt(Code::Left)],
        [],
        Action::Back,
        Any,
        "go back (history)",
        "back",
        3
    ),
    b!(
        [alt(Code::Right)],
        [],
        Action::Forward,
        Any,
        "go forward (history)",
        ""
    ),
    b!(
        [plain(Code::Tab)],
        [],
        Action::NextTab,
        Any,
        "next / previous tab",
        ""
    ),
    b!(
        [plain(Code::BackTab)],
        [],
        Action::PrevTab,
        Any,
        "next / previous tab",
        ""
    ),
    b!([ch('1')], [], Action::GoTab(0), Any, "Vendors tab", ""),
    b!([ch('2')], [], Action::GoTab(1), Any, "Executives tab", ""),
    b!([ch('3')], [], Action::GoTab(2), Any, "Deals tab", ""),
    b!([ch('4')], [], Action::GoTab(3), Any, "Trends tab", ""),
    b!([ch('5')], [], Action::GoTab(4), Any, "Sources tab", ""),
    b!([ch('6')], [], Action::GoTab(5), Any, "Compare tab", ""),
    b!([ch('7')], [], Action::GoTab(6), Any, "Timeline tab", ""),
    b!([ch('8')], [], Action::GoTab(7), Any, "Facts tab", ""),
    b!([ch('9')], [], Action::GoTab(8), Any, "Reports tab", ""),
    b!(
        [ch('s')],
        [],
        Action::SortNext,
        Any,
        "sort (next/cursor column) / reverse",
        "sort",
        6
    ),
    b!(
        [ch('S')],
        [],
        Action::SortReverse,
        Any,
        "sort (next/cursor column) / reverse",
        ""
    ),
    b!(
        [ch('p')],
        [],
        Action::Pivot,
        Table,
        "Compare: pivot by periods / reports",
        ""
    ),
    b!(
        [ch('/')],
        [],
        Action::Filter,
        Any,
        "filter this tab as you type",
        "filter",
        1
    ),
    b!(
        [ctrl('k'), ch(':')],
        [],
        Action::Palette,
        Any,
        "search everything, jump to a record",
        "search",
        1
    ),
    b!(
        [ch('e')],
        [],
        Action::Export,
        Any,
        "export the view / the record",
        "export",
        6
    ),
    b!(
        [ch('E')],
        [],
        Action::ExportRecord,
        Any,
        "export the view / the record",
        ""
    ),
    b!(
        [ch('y')],
        [],
        Action::Copy,
        Any,
        "copy the cell / the row (OSC 52)",
        ""
    ),
    b!(
        [ch('Y')],
        [],
        Action::CopyRow,
        Any,
        "copy the cell / the row (OSC 52)",
        ""
    ),
    b!(
        [ch('C')],
        [],
        Action::CopyMenu,
        Any,
        "copy menu: id, Markdown, citation, view",
        "copy",
        6
    ),
    b!(
        [ch('o')],
        [],
        Action::Edit,
        Any,
        "edit the record in $VISUAL/$EDITOR",
        ""
    ),
    b!(
        [ch('r')],
        [],
        Action::Reload,
        Any,
        "reload the KB from disk now",
        ""
    ),
    // Not in the overlay, which fits 120×40 with no row to spare: the footer names it when
    // there is room, and so does docs/usage.md ("Read a quote in its article").
    b!(
        [ch('O')],
        [],
        Action::OpenReader,
        Any,
        "the source's article, quotes marked",
        "article",
        7
    ),
    b!(
        [plain(Code::Esc)],
        [],
        Action::ClearFilter,
        Table,
        "clear the tab's filter",
        ""
    ),
    b!(
        [ch('F')],
        [],
        Action::GroupBy,
        Table,
        "group the rows by a column",
        "group",
        6
    ),
    b!(
        [ch(' ')],
        [],
        Action::Mark,
        Table,
        "mark / unmark the row, go down",
        "mark",
        6
    ),
    // These two are not in the overlay, which fits 120×40 with no row to spare: the status line
    // names them after every mark (`2 marked · M clears · c charts them together`), and so does
    // docs/usage.md.
    b!([ch('M')], [], Action::ClearMarks, Table, "", ""),
    // The column cursor and the columns (docs/usage.md, "Columns").
    b!(
        [ch('[')],
        [],
        Action::ColumnLeft,
        Table,
        "column cursor left / right",
        ""
    ),
    b!(
        [ch(']')],
        [],
        Action::ColumnRight,
        Table,
        "column cursor left / right",
        "column",
        7
    ),
    b!(
        [ch('{')],
        [],
        Action::MoveColumnLeft,
        Table,
        "move the column left / right",
        ""
    ),
    b!(
        [ch('}')],
        [],
        Action::MoveColumnRight,
        Table,
        "move the column left / right",
        ""
    ),
    b!(
        [ch('<')],
        [],
        Action::NarrowColumn,
        Table,
        "narrow / widen the column",
        ""
    ),
    b!(
        [ch('>')],
        [],
        Action::WidenColumn,
        Table,
        "narrow / widen the column",
        ""
    ),
    b!(
        [ch('x')],
        [],
        Action::HideColumn,
        Table,
        "hide the column / show hidden ones",
        ""
    ),
    b!(
        [ch('X')],
        [],
        Action::ShowColumns,
        Table,
        "hide the column / show hidden ones",
        ""
    ),
    b!(
        [ch('z')],
        [],
        Action::CellText,
        Table,
        "the cell's full text",
        "full text",
        7
    ),
    // The copy menu `C` opens.
    b!([ch('i')], [], Action::CopyId, Copy, "", "the id", 0),
    b!(
        [ch('m')],
        [],
        Action::CopyMarkdown,
        Copy,
        "",
        "detail as Markdown",
        0
    ),
    b!([ch('c')], [], Action::CopyCitation, Copy, "", "a citation", 0),
    b!([ch('v')], [], Action::CopyView, Copy, "", "the view as text", 0),
    b!(
        [plain(Code::Esc)],
        [ch('q')],
        Action::Cancel,
        Copy,
        "",
        "cancel",
        1
    ),
    b!([ctrl('c')], [], Action::Quit, Copy, "", ""),
    // The cell's full text `z` opens.
    b!(
        [plain(Code::Esc)],
        [ch('q'), ch('z')],
        Action::Cancel,
        Cell,
        "",
        "close",
        0
    ),
    b!(
        [ch('j'), plain(Code::Down)],
        [],
        Action::Down,
        Cell,
        "",
        "scroll",
        1
    ),
    b!([ch('k'), plain(Code::Up)], [], Action::Up, Cell, "", ""),
    b!([plain(Code::PageDown)], [ch(' ')], Action::PageDown, Cell, "", ""),
    b!([plain(Code::PageUp)], [], Action::PageUp, Cell, "", ""),
    b!([ch('y')], [], Action::Copy, Cell, "", "copy", 2),
    b!([ctrl('c')], [], Action::Quit, Cell, "", ""),
    b!([ch('c')], [], Action::ChartMarks, Table, "", ""),
    // Saved views and the matches of a `/` query.
    b!(
        [ch('v')],
        [],
        Action::Views,
        Any,
        "saved views: pick one to apply",
        "views",
        6
    ),
    b!(
        [ch('w')],
        [],
        Action::SaveView,
        Any,
        "save this view by name (views.toml)",
        ""
    ),
    b!(
        [ch('n')],
        [],
        Action::NextMatch,
        Table,
        "next match of the / query",
        ""
    ),
    b!(
        [ch('N')],
        [],
        Action::PrevMatch,
        Table,
        "previous match of the / query",
        ""
    ),
    // The saved views' picker `v` opens (typing filters it).
    b!([plain(Code::Enter)], [], Action::Accept, Views, "", "apply", 0),
    b!([plain(Code::Esc)], [], Action::Cancel, Views, "", "close", 0),
    b!(
        [plain(Code::Down), ctrl('n')],
        [],
        Action::Down,
        Views,
        "",
        "down",
        1
    ),
    b!([plain(Code::Up), ctrl('p')], [], Action::Up, Views, "", "up", 1),
    // The column chooser `F` opens.
    b!([plain(Code::Enter)], [], Action::Accept, Columns, "", "group", 0),
    b!([ch(' ')], [], Action::TickColumn, Columns, "", "tick", 0),
    b!(
        [plain(Code::Esc)],
        [ch('q')],
        Action::Cancel,
        Columns,
        "",
        "cancel",
        0
    ),
    b!(
        [ch('j'), plain(Code::Down)],
        [ctrl('n')],
        Action::Down,
        Columns,
        "",
        "down",
        1
    ),
    b!(
        [ch('k'), plain(Code::Up)],
        [ctrl('p')],
        Action::Up,
        Columns,
        "",
        "up",
        1
    ),
    b!([ctrl('c')], [], Action::Quit, Columns, "", ""),
    // The grouped table: Enter and Esc are its own, the rest as everywhere.
    b!(
        [plain(Code::Enter)],
        [],
        Action::GroupPick,
        Grouped,
        "filter the tab to the selected group",
        "filter to group",
        0
    ),
    b!(
        [plain(Code::Esc)],
        [],
        Action::Ungroup,
        Grouped,
        "back to the table as it was",
        "table",
        0
    ),
    b!(
        [ch('F')],
        [],
        Action::GroupBy,
        Grouped,
        // Named by the footer; the `?` overlay has no room for another line at 120×40.
        "",
        "add a key",
        1
    ),
    b!(
        [plain(Code::Enter)],
        [],
        Action::Accept,
        Input,
        "keep the filter / jump to the result",
        "keep",
        0
    ),
    b!(
        [plain(Code::Esc)],
        [],
        Action::Cancel,
        Input,
        "clear filter, restore selection",
        "clear",
        0
    ),
    // Pairs that read as one share their help text, and so one line of the `?` overlay
    // (`Ctrl-n Ctrl-p  next / previous result`): that is what lets it fit 120×40 unscrolled.
    b!(
        [ctrl('n')],
        [ctrl('j')],
        Action::Down,
        Input,
        "next / previous result",
        "next",
        1
    ),
    b!([ctrl('p')], [], Action::Up, Input, "next / previous result", ""),
    // ↑/↓ recall earlier queries (kept across runs); Ctrl-n/Ctrl-p move the selection.
    b!(
        [plain(Code::Up)],
        [],
        Action::HistoryOlder,
        Input,
        "an earlier / a later query (history)",
        "history",
        2
    ),
    b!(
        [plain(Code::Down)],
        [],
        Action::HistoryNewer,
        Input,
        "an earlier / a later query (history)",
        ""
    ),
    b!(
        [plain(Code::PageDown)],
        [],
        Action::PageDown,
        Input,
        "page of results down / up",
        ""
    ),
    b!(
        [plain(Code::PageUp)],
        [],
        Action::PageUp,
        Input,
        "page of results down / up",
        ""
    ),
    b!(
        [plain(Code::Backspace)],
        [],
        Action::DeleteBack,
        Edit,
        "delete the character before / under",
        ""
    ),
    b!(
        [plain(Code::Delete)],
        [ctrl('d')],
        Action::DeleteForward,
        Edit,
        "delete the character before / under",
        ""
    ),
    b!(
        [ctrl('w')],
        [alt(Code::Backspace)],
        Action::DeleteWord,
        Edit,
        "delete the word before / the query",
        ""
    ),
    b!(
        [ctrl('u')],
        [],
        Action::ClearLine,
        Edit,
        "delete the word before / the query",
        ""
    ),
    b!(
        [plain(Code::Left)],
        [ctrl('b')],
        Action::CursorLeft,
        Edit,
        "cursor left / right",
        ""
    ),
    b!(
        [plain(Code::Right)],
        [ctrl('f')],
        Action::CursorRight,
        Edit,
        "cursor left / right",
        ""
    ),
    b!(
        [plain(Code::Home), ctrl('a')],
        [],
        Action::CursorStart,
        Edit,
        "cursor to the start",
        ""
    ),
    b!(
        [plain(Code::End), ctrl('e')],
        [],
        Action::CursorEnd,
        Edit,
        "cursor to the end",
        ""
    ),
    b!(
        [ch('?')],
        [plain(Code::F(1))],
        Action::Help,
        Any,
        "this help (Esc closes)",
        "help",
        0
    ),
    b!([ctrl('z')], [], Action::Suspend, Any, "suspend (fg resumes)", ""),
    b!([ch('q'), ctrl('c')], [], Action::Quit, Any, "quit", "quit", 0),
    // Not in the overlay: while typing, Ctrl-c still quits and Ctrl-z still suspends.
    b!([ctrl('c')], [], Action::Quit, Edit, "", ""),
    b!([ctrl('z')], [], Action::Suspend, Edit, "", ""),
    // The palette's own words for Enter and Esc; its other keys are the filter's.
    b!([plain(Code::Enter)], [], Action::Accept, Palette, "", "jump", 0),
    b!([plain(Code::Esc)], [], Action::Cancel, Palette, "", "close", 0),
    // The export prompt (its name is edited with the `Edit` keys).
    b!([plain(Code::Enter)], [], Action::Accept, Export, "", "write", 0),
    b!([plain(Code::Esc)], [], Action::Cancel, Export, "", "cancel", 0),
    // Named on the prompt's line when the tab has marks (see `ui::render`).
    b!([plain(Code::Tab)], [], Action::ExportMarked, Export, "", ""),
    // The file exists: only an explicit yes overwrites it.
    b!(
        [ch('y')],
        [ch('Y')],
        Action::Overwrite,
        Confirm,
        "",
        "overwrite",
        0
    ),
    b!([ctrl('c')], [], Action::Quit, Confirm, "", ""),
    b!([ctrl('z')], [], Action::Suspend, Confirm, "", ""),
    b!([plain(Code::Any)], [], Action::Keep, Confirm, "", "keep", 0),
    // The `?` overlay: these close it; the table's movement keys scroll it.
    b!(
        [plain(Code::Esc), ch('?')],
        [ch('q'), plain(Code::F(1))],
        Action::CloseHelp,
        Help,
        "",
        ""
    ),
    // While the KB loads.
    b!(
        [ch('q')],
        [plain(Code::Esc), ctrl('c')],
        Action::Quit,
        Loading,
        "",
        "quits"
    ),
    b!([ctrl('z')], [], Action::Suspend, Loading, "", ""),
    // The article reader `O` opens (its bottom line names these).
    b!(
        [ch('j'), plain(Code::Down)],
        [],
        Action::Down,
        Reader,
        "",
        "scroll",
        1
    ),
    b!([ch('k'), plain(Code::Up)], [], Action::Up, Reader, "", ""),
    b!(
        [plain(Code::PageDown)],
        [ch(' ')],
        Action::PageDown,
        Reader,
        "",
        ""
    ),
    b!([plain(Code::PageUp)], [], Action::PageUp, Reader, "", ""),
    b!([ctrl('d')], [], Action::HalfDown, Reader, "", ""),
    b!([ctrl('u')], [], Action::HalfUp, Reader, "", ""),
    b!([ch('g'), plain(Code::Home)], [], Action::Top, Reader, "", ""),
    b!([ch('G'), plain(Code::End)], [], Action::Bottom, Reader, "", ""),
    b!([ch('n')], [], Action::NextQuote, Reader, "", "next quote", 0),
    b!([ch('N')], [], Action::PrevQuote, Reader, "", "previous", 0),
    b!(
        [plain(Code::Esc), ch('q')],
        [ch('O')],
        Action::CloseReader,
        Reader,
        "",
        "close",
        0
    ),
    b!([ctrl('c')], [], Action::Quit, Reader, "", ""),
    b!([ctrl('z')], [], Action::Suspend, Reader, "", ""),
];

// The lookups below read the table in use (`active()`: `KEYMAP` with the user's config in place).

/// The tab number keys as one label (`1-9`), for the footer and the help overlay.
pub fn tab_keys() -> Option<String> {
    active().tab_keys()
}

/// The binding a key triggers in a context, if any: the context's own bindings first, then those
/// of the contexts it falls back to, then the context's `any key` binding.
pub fn binding_for(key: Key, ctx: Context) -> Option<&'static Bound> {
    active().binding_for(key, ctx)
}

/// The action a key triggers in a context, if any. While typing (`Input`, `Palette`, `Export`)
/// only the typing bindings apply, so every other key types.
pub fn action_for(key: Key, ctx: Context) -> Option<Action> {
    active().action_for(key, ctx)
}

/// The binding for `action` in `ctx` (or a context it falls back to).
pub fn binding(ctx: Context, action: Action) -> Option<&'static Bound> {
    active().binding(ctx, action)
}

/// The first key of `action` in `ctx`, as prompts and titles name it (`Esc`, `Enter`, `r`).
/// Every call names a pair the table binds; `tests::keys_named_on_screen_are_bound` checks them.
pub fn key(ctx: Context, action: Action) -> Key {
    active().key(ctx, action)
}

/// (keys, what) pairs for the footer in a context, most important first; the footer shows as
/// many as fit, in this order. A context's own binding for an action hides a fallback's.
pub fn footer(ctx: Context) -> Vec<(String, &'static str)> {
    active().footer(ctx)
}

#[cfg(test)]
mod tests;
