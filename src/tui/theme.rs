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
        Theme::from_env_with(&[])
    }

    /// [`Theme::from_env`] with the config file's colours (`[theme]`) in place; `NO_COLOR` wins
    /// over them.
    pub fn from_env_with(colours: &[(Role, Option<Color>)]) -> Theme {
        match std::env::var_os("NO_COLOR") {
            Some(v) if !v.is_empty() => Theme::mono(),
            _ => Theme::colour().with_colours(colours),
        }
    }

    /// This theme with each role's foreground colour set (`None`: the terminal's own); the
    /// role's weight, dimming and reverse video stay.
    pub fn with_colours(mut self, colours: &[(Role, Option<Color>)]) -> Theme {
        for (role, colour) in colours {
            let style = (role.style)(&mut self);
            style.fg = *colour;
        }
        self
    }
}

/// A part of the screen whose colour the config file's `[theme]` sets, by name.
#[derive(Clone, Copy)]
pub struct Role {
    pub name: &'static str,
    /// What it colours, for the commented default file.
    pub what: &'static str,
    pub style: fn(&mut Theme) -> &mut Style,
}

impl std::fmt::Debug for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl PartialEq for Role {
    fn eq(&self, other: &Role) -> bool {
        self.name == other.name
    }
}

impl Eq for Role {}

/// Every role, declared once: a new `Theme` field needs a line here
/// (`tests::every_style_has_a_role`).
pub const ROLES: &[Role] = &[
    Role {
        name: "accent",
        what: "pane titles, the focus",
        style: |t| &mut t.accent,
    },
    Role {
        name: "dim",
        what: "secondary text",
        style: |t| &mut t.dim,
    },
    Role {
        name: "heading",
        what: "headings in the detail pane and help",
        style: |t| &mut t.heading,
    },
    Role {
        name: "link",
        what: "relations one can jump to",
        style: |t| &mut t.link,
    },
    Role {
        name: "selected",
        what: "the selected row (reverse video)",
        style: |t| &mut t.selected,
    },
    Role {
        name: "selected-unfocused",
        what: "the selected row of a pane without the focus",
        style: |t| &mut t.selected_unfocused,
    },
    Role {
        name: "border",
        what: "pane borders",
        style: |t| &mut t.border,
    },
    Role {
        name: "border-focused",
        what: "the border of the pane with the focus",
        style: |t| &mut t.border_focused,
    },
    Role {
        name: "tab-active",
        what: "the current tab",
        style: |t| &mut t.tab_active,
    },
    Role {
        name: "spark",
        what: "sparklines",
        style: |t| &mut t.spark,
    },
    Role {
        name: "warn",
        what: "warnings and errors",
        style: |t| &mut t.warn,
    },
    Role {
        name: "matched",
        what: "characters a search matched",
        style: |t| &mut t.matched,
    },
    Role {
        name: "series-1",
        what: "a chart's first line",
        style: |t| &mut t.series[0],
    },
    Role {
        name: "series-2",
        what: "a chart's second line",
        style: |t| &mut t.series[1],
    },
    Role {
        name: "series-3",
        what: "a chart's third line",
        style: |t| &mut t.series[2],
    },
    Role {
        name: "series-4",
        what: "a chart's fourth line",
        style: |t| &mut t.series[3],
    },
    Role {
        name: "series-5",
        what: "a chart's fifth line",
        style: |t| &mut t.series[4],
    },
    Role {
        name: "series-6",
        what: "a chart's sixth line",
        style: |t| &mut t.series[5],
    },
];

/// A colour as the config file writes it: lower case (`cyan`, `lightred`, `#1e90ff`, `208`).
pub fn colour_name(c: Color) -> String {
    match c {
        Color::Indexed(n) => n.to_string(),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        c => c.to_string().to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every style of the theme is some role's: changing each role's colour changes every field.
    #[test]
    fn every_style_has_a_role() {
        let all: Vec<(Role, Option<Color>)> = ROLES.iter().map(|r| (*r, Some(Color::Rgb(1, 2, 3)))).collect();
        let t = Theme::colour().with_colours(&all);
        let mut styles = vec![
            t.accent,
            t.dim,
            t.heading,
            t.link,
            t.selected,
            t.selected_unfocused,
            t.border,
            t.border_focused,
            t.tab_active,
            t.spark,
            t.warn,
            t.matched,
        ];
        styles.extend(t.series);
        // An exhaustive destructuring: a new field fails to compile here until it is listed.
        let Theme {
            accent: _,
            dim: _,
            heading: _,
            link: _,
            selected: _,
            selected_unfocused: _,
            border: _,
            border_focused: _,
            tab_active: _,
            spark: _,
            warn: _,
            matched: _,
            series: _,
        } = t;
        assert_eq!(styles.len(), ROLES.len());
        assert!(styles.iter().all(|s| s.fg == Some(Color::Rgb(1, 2, 3))));
        let mut names: Vec<&str> = ROLES.iter().map(|r| r.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ROLES.len(), "role names are unique");
    }

    #[test]
    fn a_role_keeps_its_weight() {
        let heading = ROLES.iter().find(|r| r.name == "heading").unwrap();
        let t = Theme::colour().with_colours(&[(*heading, Some(Color::Magenta))]);
        assert_eq!(
            t.heading,
            Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD)
        );
        let t = Theme::colour().with_colours(&[(*heading, None)]);
        assert_eq!(t.heading.fg, None);
        assert_eq!(colour_name(Color::LightRed), "lightred");
        assert_eq!(colour_name(Color::Rgb(30, 144, 255)), "#1e90ff");
        assert_eq!("#1e90ff".parse::<Color>().unwrap(), Color::Rgb(30, 144, 255));
    }
}
