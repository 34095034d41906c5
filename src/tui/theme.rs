//! The one theme. Named ANSI colours only (they follow the terminal's palette, so light and dark
//! backgrounds both read well); selection is reverse video. `NO_COLOR` turns colour off.

use ratatui::style::{Color, Modifier, Style};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub accent: Style,
    pub dim: Style,
    pub heading: Style,
    pub link: Style,
    pub selected: Style,
    pub selected_unfocused: Style,
    pub border: Style,
    pub border_focused: Style,
    pub tab_active: Style,
    pub spark: Style,
    pub warn: Style,
    /// Characters a search matched.
    pub matched: Style,
    /// A passage of an archived article that the KB quotes (the detail's context, the reader).
    pub quoted: Style,
    /// The reader's current quoted passage (`n`/`N` move it).
    pub quoted_current: Style,
    /// The lines of a chart, in legend order (cycled); all plain under `NO_COLOR`, where the
    /// chart tells its lines apart by marker glyph.
    pub series: [Style; 6],
}

impl Theme {
    pub fn colour() -> Theme {
        Theme {
            accent: Style::new().fg(Color::Cyan),
            dim: Style::new().add_modifier(Modifier::DIM),
            heading: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            link: Style::new().fg(Color::Blue),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            selected_unfocused: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            border: Style::new().add_modifier(Modifier::DIM),
            border_focused: Style::new().fg(Color::Cyan),
            tab_active: Style::new()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
            spark: Style::new().fg(Color::Green),
            warn: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            matched: Style::new()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            quoted: Style::new().fg(Color::Yellow).add_modifier(Modifier::UNDERLINED),
            quoted_current: Style::new()
                .fg(Color::Yellow)
                .add_modifier(Modifier::REVERSED | Modifier::BOLD),
            series: [
                Style::new().fg(Color::Cyan),
                Style::new().fg(Color::Yellow),
                Style::new().fg(Color::Magenta),
                Style::new().fg(Color::Green),
                Style::new().fg(Color::Blue),
                Style::new().fg(Color::Red),
            ],
        }
    }

    /// Only weight and reverse video, for `NO_COLOR`.
    pub fn mono() -> Theme {
        let plain = Style::new();
        Theme {
            accent: plain,
            dim: plain,
            heading: Style::new().add_modifier(Modifier::BOLD),
            link: Style::new().add_modifier(Modifier::UNDERLINED),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            selected_unfocused: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            border: plain,
            border_focused: Style::new().add_modifier(Modifier::BOLD),
            tab_active: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            spark: plain,
            warn: Style::new().add_modifier(Modifier::BOLD),
            matched: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            quoted: Style::new().add_modifier(Modifier::UNDERLINED),
            quoted_current: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            series: [plain; 6],
        }
    }

    /// A bordered pane with a title, its border showing whether it has the focus.
    pub fn pane(&self, title: String, focused: bool) -> ratatui::widgets::Block<'static> {
        ratatui::widgets::Block::default()
            .borders(ratatui::widgets::Borders::ALL)
            .border_style(if focused { self.border_focused } else { self.border })
            .title(ratatui::text::Span::styled(title, self.accent))
    }

    /// `NO_COLOR` set to anything non-empty means no colour (https://no-color.org).
    pub fn from_env() -> Theme {
        match std::env::var_os("NO_COLOR") {
            Some(v) if !v.is_empty() => Theme::mono(),
            _ => Theme::colour(),
        }
    }
}
