//! Drawing: `render` reads the app state and draws one frame. One file per screen part.

pub mod cell;
pub mod chart;
pub mod detail;
pub mod grouped;
pub mod help;
pub mod palette;
pub mod reader;
pub mod table;
pub mod views;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::app::App;
use super::keymap::{self, Action, Context};
use super::layout;
use super::theme::Theme;
use crate::text;
use crate::view::Tab;

/// The box of a prompt over the screen (the palette, the saved views' picker): cleared, bordered,
/// titled; its inside, or `None` when the screen is too small to show one.
fn prompt_box(f: &mut Frame, size: Rect, title: String, theme: &Theme) -> Option<Rect> {
    let r = layout::palette_area(size);
    if r.width < 20 || r.height < 5 {
        return None;
    }
    clear_area(f, r);
    let block = ratatui::widgets::Block::default()
        .borders(ratatui::widgets::Borders::ALL)
        .border_style(theme.border_focused)
        .title(Span::styled(title, theme.accent));
    let inner = block.inner(r);
    f.render_widget(block, r);
    Some(inner)
}

/// Blank an area for an overlay. A wide character just left of it would spill one column into the
/// overlay (over its border), so that character is blanked too.
pub fn clear_area(f: &mut Frame, r: Rect) {
    f.render_widget(ratatui::widgets::Clear, r);
    if r.x == 0 {
        return;
    }
    let buf = f.buffer_mut();
    for y in r.top()..r.bottom() {
        if let Some(cell) = buf.cell_mut((r.x - 1, y))
            && text::width(cell.symbol()) > 1
        {
            cell.set_symbol(" ");
        }
    }
}

/// `text` fitted to `width` columns (padded, cut with `…`), as spans with the characters at `idx`
/// (char indices into `text`) in the `hl` style. CJK-safe: fitting is by display width.
pub fn highlighted(
    text: &str,
    idx: &[usize],
    width: usize,
    right: bool,
    base: Style,
    hl: Style,
) -> Vec<Span<'static>> {
    let fitted = text::fit(text, width);
    // Characters of `text` still shown (fit may end with an added ellipsis).
    let kept = if fitted.len() == text.len() {
        text.chars().count()
    } else {
        fitted.chars().count().saturating_sub(1)
    };
    let gap = width.saturating_sub(text::width(&fitted));
    let mut out = Vec::new();
    if right && gap > 0 {
        out.push(Span::styled(" ".repeat(gap), base));
    }
    let shown: Vec<usize> = idx.iter().copied().filter(|i| *i < kept).collect();
    for (hit, run) in crate::search::highlight::runs(&fitted, &shown) {
        out.push(Span::styled(
            run.to_string(),
            if hit { base.patch(hl) } else { base },
        ));
    }
    if !right && gap > 0 {
        out.push(Span::styled(" ".repeat(gap), base));
    }
    out
}

/// A text field with a visible cursor (reverse video), for the filter and the palette.
pub fn edit_line(prompt: &str, e: &super::app::LineEdit, width: usize, theme: &Theme) -> Line<'static> {
    let chars: Vec<char> = e.text.chars().collect();
    // Keep the cursor on screen: drop characters from the left while the line is too wide.
    let room = width.saturating_sub(text::width(prompt) + 1).max(1);
    let mut start = 0;
    while start < e.cursor && text::width(&chars[start..e.cursor].iter().collect::<String>()) >= room {
        start += 1;
    }
    let before: String = chars[start..e.cursor].iter().collect();
    let at: String = chars.get(e.cursor).map_or(" ".to_string(), |c| c.to_string());
    let after: String = chars
        .get(e.cursor + 1..)
        .map_or(String::new(), |c| c.iter().collect());
    Line::from(vec![
        Span::styled(prompt.to_string(), theme.accent),
        Span::raw(text::escape_controls(&before).into_owned()),
        Span::styled(text::escape_controls(&at).into_owned(), theme.selected),
        Span::raw(text::escape_controls(&after).into_owned()),
    ])
}

pub fn render(app: &App, f: &mut Frame) {
    if let Some(r) = &app.reader {
        reader::render(f, app, r);
        return;
    }
    let theme = &app.theme;
    let size = f.area();
    let Some(a) = layout::areas(size, app.tab == Tab::Trends, app.banner_lines()) else {
        let msg = format!(
            "Terminal too small ({}×{}). Enlarge the window to at least {}×{}.",
            size.width,
            size.height,
            layout::MIN_WIDTH,
            layout::MIN_HEIGHT
        );
        centred(f, vec![Line::from(msg)], size.height / 2);
        return;
    };

    // Tab bar.
    let (brand, titles) = layout::tab_titles(app.size.width, app.tab, |t| app.tabs[t.index()].view.total);
    let mut spans = Vec::new();
    if brand {
        spans.extend([Span::styled(layout::BRAND, theme.heading), Span::raw(" ")]);
    }
    // Each title at the column `tab_titles` gives it (which the mouse finds it by).
    let mut at = spans.iter().map(|s| text::width(&s.content)).sum::<usize>();
    for (t, title, x, w) in titles {
        if usize::from(x) > at {
            spans.push(Span::raw(" ".repeat(usize::from(x) - at)));
        }
        spans.push(Span::styled(
            title,
            if t == app.tab { theme.tab_active } else { theme.dim },
        ));
        at = usize::from(x) + usize::from(w);
    }
    f.render_widget(Paragraph::new(Line::from(spans)), a.tabs);
    if let (Some(area), Some(p)) = (a.banner, &app.reload.problem) {
        render_banner(f, area, p, theme);
    }

    table::render(f, app, a.table, theme);
    if let Some(c) = a.chart {
        chart::render(f, app, c, theme);
    }
    detail::render(f, app, a.detail, theme);

    // Status line: the filter being typed, or where we are and any message.
    let st = app.current();
    if let Some(super::app::Input::Filter(e)) = &app.input {
        let mut line = edit_line(" /", e, a.status.width as usize / 2, theme);
        let note = match (&st.filter.error, st.filter.pending) {
            (Some(err), _) => Span::styled(format!("  ⚠ {err}"), theme.warn),
            (None, p) if p != 0 => Span::styled("  searching…".to_string(), theme.dim),
            _ if st.building.is_some() => Span::styled("  building…".to_string(), theme.dim),
            _ if !st.filter.notes.is_empty() => Span::styled(
                format!(
                    "  {} of {} · ⚠ {}",
                    st.view.len(),
                    st.view.total,
                    st.filter.notes.join(" · ")
                ),
                theme.warn,
            ),
            _ => Span::styled(
                format!(
                    "  {} of {} · {} keeps · {} clears",
                    st.view.len(),
                    st.view.total,
                    keymap::key(Context::Input, Action::Accept),
                    keymap::key(Context::Input, Action::Cancel)
                ),
                theme.dim,
            ),
        };
        line.spans.push(note);
        f.render_widget(Paragraph::new(line), a.status);
    } else if let Some(super::app::Input::Export(p)) = &app.input {
        let marked = p.what == super::app::ExportWhat::Marked;
        let prompt = if marked {
            " export marked rows to: "
        } else {
            " export to: "
        };
        let mut line = edit_line(prompt, &p.edit, a.status.width as usize * 2 / 3, theme);
        // `Tab` switches to the marked rows (and back) when the tab has some.
        let tab = keymap::key(Context::Export, Action::ExportMarked);
        let switch = if marked {
            format!(" · {tab} all rows")
        } else if p.what == super::app::ExportWhat::View
            && !app.current().marks.is_empty()
            && !app.grouped_now()
        {
            format!(" · {tab} marked only")
        } else {
            String::new()
        };
        let note = if p.confirm.is_some() || !app.status.is_empty() {
            Span::styled(format!("  {}", app.status), theme.warn)
        } else {
            let formats = match p.what {
                super::app::ExportWhat::Chart(_) => ".svg chart · .txt .md .csv .json table",
                _ => ".txt .md .csv .json",
            };
            Span::styled(
                format!(
                    "  {} writes · {} cancels{switch} · {formats}",
                    keymap::key(Context::Export, Action::Accept),
                    keymap::key(Context::Export, Action::Cancel)
                ),
                theme.dim,
            )
        };
        line.spans.push(note);
        f.render_widget(Paragraph::new(line), a.status);
    } else if let Some(super::app::Input::SaveView(p)) = &app.input {
        let mut line = edit_line(" save view as: ", &p.edit, a.status.width as usize / 2, theme);
        let note = if p.confirm || !app.status.is_empty() {
            Span::styled(format!("  {}", app.status), theme.warn)
        } else {
            let to = match &app.workspace.views_path {
                Ok(path) => text::escape_controls(&path.display().to_string()).into_owned(),
                Err(_) => String::new(),
            };
            Span::styled(
                format!(
                    "  {} saves · {} cancels · {to}",
                    keymap::key(Context::Export, Action::Accept),
                    keymap::key(Context::Export, Action::Cancel)
                ),
                theme.dim,
            )
        };
        line.spans.push(note);
        f.render_widget(Paragraph::new(line), a.status);
    } else {
        render_status(app, f, a.status);
    }

    // Footer: the keys that matter here, from the keymap, most important first, as many as fit.
    let mut foot = Vec::new();
    let mut used = 1;
    for (k, what) in keymap::footer(app.context()) {
        let piece = format!("{k} {what}");
        let w = text::width(&piece) + 3;
        if used + w > a.footer.width as usize {
            break;
        }
        used += w;
        foot.push(Span::styled(format!(" {k}"), theme.accent));
        foot.push(Span::styled(format!(" {what} ·"), theme.dim));
    }
    if let Some(last) = foot.last_mut() {
        last.content = last.content.trim_end_matches(" ·").to_string().into();
    }
    f.render_widget(Paragraph::new(Line::from(foot)), a.footer);

    if let Some(super::app::Input::Palette(p)) = &app.input {
        palette::render(f, app, p, size, theme);
    }
    if let Some(super::app::Input::Views(p)) = &app.input {
        views::render(f, app, p, size, theme);
    }
    if let Some(c) = &app.chooser {
        grouped::chooser(f, app, c, size, theme);
    }
    if let Some(p) = &app.cell {
        cell::render(f, p, size, theme);
    }
    if app.copy_menu {
        cell::copy_menu(f, app, size, theme);
    }
    if app.help {
        help::render(f, size, theme, app.help_scroll);
    }
}

/// A failed reload: what is wrong with the file, over the last good data.
fn render_banner(f: &mut Frame, area: Rect, p: &super::reload::Problem, theme: &Theme) {
    let lines: Vec<Line> = layout::banner_text(p, area.width as usize)
        .into_iter()
        .map(|(l, head)| Line::styled(l, if head { theme.warn } else { theme.accent }))
        .collect();
    f.render_widget(Paragraph::new(lines), area);
}

/// A spinner frame for work in progress, moving with time.
fn spinner(elapsed: std::time::Duration) -> char {
    const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    FRAMES[(elapsed.as_millis() / 100) as usize % FRAMES.len()]
}

/// The screen while the KB given on the command line loads.
pub fn loading(f: &mut Frame, label: &str, bytes: Option<u64>, elapsed: std::time::Duration) {
    let size = f.area();
    let what = match bytes {
        Some(b) => format!("{} ({:.1} MB)", text::escape_controls(label), b as f64 / 1e6),
        None => text::escape_controls(label).into_owned(),
    };
    let lines = vec![
        Line::from(format!(
            "{} Loading {what} … {:.1} s",
            spinner(elapsed),
            elapsed.as_secs_f64()
        )),
        Line::from(""),
        Line::from(
            keymap::footer(Context::Loading)
                .into_iter()
                .map(|(k, what)| format!("{k} {what}"))
                .collect::<Vec<_>>()
                .join(" · "),
        ),
    ];
    let y = size.height.saturating_sub(lines.len() as u16) / 2;
    centred(f, lines, y);
}

/// Lines centred across the screen, wrapped, from row `y` down: for whole-screen messages.
fn centred(f: &mut Frame, lines: Vec<Line<'_>>, y: u16) {
    let size = f.area();
    let y = y.min(size.height);
    let r = Rect {
        x: 0,
        y,
        width: size.width,
        height: size.height - y,
    };
    f.render_widget(
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        r,
    );
}

fn render_status(app: &App, f: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let st = app.current();
    let position = match st.view.len() {
        // Not `0/0`: say why there is no row.
        0 if st.filter.is_active() => "no matches".to_string(),
        0 => "no rows".to_string(),
        n => format!("{}/{n}", st.selected + 1),
    };
    let mut status = format!(
        " {} · {} {position}",
        text::escape_controls(&app.label),
        app.tab.title(),
    );
    if st.filter.is_active() {
        status.push_str(&format!(" · /{}", text::escape_controls(&st.filter.text)));
    }
    for note in &st.filter.notes {
        status.push_str(&format!(" · ⚠ {note}"));
    }
    if let Some(note) = &st.view.sort_note {
        status.push_str(&format!(" · amounts {note}"));
    }
    if !app.back.is_empty() {
        status.push_str(&format!(" · history {}", app.back.len()));
    }
    if let Some(since) = app.reload.running {
        let took = since.elapsed();
        status.push_str(&format!(
            " · {} reloading {:.1} s",
            spinner(took),
            took.as_secs_f64()
        ));
    }
    if !app.status.is_empty() {
        status.push_str(&format!(" · {}", app.status));
    }
    f.render_widget(
        Paragraph::new(Span::styled(
            text::fit(&status, area.width as usize).into_owned(),
            theme.accent,
        )),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::app::Msg;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::{Terminal, backend::TestBackend};

    fn screen(a: &App) -> String {
        let mut t = Terminal::new(TestBackend::new(a.size.width, a.size.height)).unwrap();
        t.draw(|f| render(a, f)).unwrap();
        let buf = t.backend().buffer();
        let mut out = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                out.push_str(buf[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }

    fn press(a: &mut App, code: KeyCode, mods: KeyModifiers) {
        a.update(Msg::Key(KeyEvent::new(code, mods)));
        a.settle();
    }

    fn typ(a: &mut App, s: &str) {
        for c in s.chars() {
            press(a, KeyCode::Char(c), KeyModifiers::NONE);
        }
    }

    fn has(s: &str, want: &str) {
        assert!(s.contains(want), "{want:?} not on screen:\n{s}");
    }

    /// The keys named by prompts, titles, footers and messages come from the key table now; they
    /// read exactly as the hand-written words did.
    #[test]
    fn hints_read_as_before() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = App::new(crate::kb::load_builtin().kb, "built-in".into(), 120, 40);
        a.export_dir = dir.path().to_path_buf();
        let none = KeyModifiers::NONE;

        press(&mut a, KeyCode::Char('/'), none);
        has(&screen(&a), " · Enter keeps · Esc clears");
        typ(&mut a, "qqqxj");
        has(&screen(&a), "(no records match the filter; Esc clears it)");
        press(&mut a, KeyCode::Enter, none);
        press(&mut a, KeyCode::Enter, none);
        assert_eq!(
            a.status,
            "nothing selected: no row matches the filter (Esc clears it)"
        );
        press(&mut a, KeyCode::Esc, none);

        press(&mut a, KeyCode::Char('k'), KeyModifiers::CONTROL);
        let s = screen(&a);
        has(&s, " Search everything — Enter jumps, Esc closes ");
        has(&s, " Enter jump · Esc close · Ctrl-n next · ↑ history");
        press(&mut a, KeyCode::Esc, none);

        for _ in 0..2 {
            press(&mut a, KeyCode::Char('e'), none);
            press(&mut a, KeyCode::Char('u'), KeyModifiers::CONTROL);
            typ(&mut a, "x.md");
            let s = screen(&a);
            has(&s, "Enter writes · Esc cancels · .txt .md .csv .json");
            has(&s, " Enter write · Esc cancel");
            press(&mut a, KeyCode::Enter, none);
        }
        let s = screen(&a);
        has(&s, "x.md exists: y overwrites it, any other key keeps it");
        has(&s, " y overwrite · any key keep");
        press(&mut a, KeyCode::Char('n'), none);
        assert_eq!(a.status, "not overwritten; edit the name, or Esc");
        press(&mut a, KeyCode::Esc, none);

        // Tall enough for the whole overlay (at 120×40 it scrolls): nothing to scroll.
        a.update(Msg::Resize(120, 50));
        press(&mut a, KeyCode::Char('?'), none);
        has(&screen(&a), " Keys — Esc or ? closes ");
        has(&screen(&a), "Typing a search (/ or Ctrl-k)");
        a.update(Msg::Resize(80, 24));
        has(&screen(&a), " Keys — j/k scroll, Esc closes ");

        let mut t = Terminal::new(TestBackend::new(60, 10)).unwrap();
        t.draw(|f| loading(f, "kb.toml", None, std::time::Duration::ZERO))
            .unwrap();
        has(&format!("{}", t.backend()), "q quits");

        let p = crate::tui::reload::Problem {
            errors: 1,
            first: vec!["bad".into()],
        };
        assert!(
            layout::banner_text(&p, 200)[0]
                .0
                .ends_with("Fix and save (or press r).")
        );
    }

    /// A failed reload's banner showed one cut line per error (`` `procurem… ``) and never the
    /// hint: now each error wraps, hint included, within a cap.
    #[test]
    fn the_reload_banner_wraps_errors_and_shows_their_hints() {
        use ratatui::{Terminal, backend::TestBackend};
        let mut a = App::new(crate::kb::load_builtin().kb, "kb".into(), 80, 24);
        let long = "deals.toml:14:9: error: unknown deal kind `procurement-framework-agreement` \
                    (help: use one of order, migration, investment, partnership, price-change, \
                    procurement, joint-venture)";
        a.reload.problem = Some(crate::tui::reload::Problem {
            errors: 1,
            first: vec![long.to_string()],
        });
        let banner = layout::banner_text(a.reload.problem.as_ref().unwrap(), 80);
        assert!(
            banner.len() >= 3 && banner.len() <= layout::BANNER_MAX_LINES,
            "{banner:?}"
        );
        let body: Vec<&str> = banner[1..].iter().map(|(l, _)| l.trim()).collect();
        assert_eq!(body.join(" "), long, "the whole error and its hint, wrapped");
        assert!(banner.iter().all(|(l, _)| crate::text::width(l) <= 80));
        // And the screen gives the banner those lines.
        let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
        t.draw(|f| render(&a, f)).unwrap();
        let screen = format!("{}", t.backend());
        assert!(
            screen.contains("joint-venture)") && screen.contains("`procurement-framework-agreement`"),
            "{screen}"
        );
        // Many long errors: the banner stops at its cap.
        a.reload.problem = Some(crate::tui::reload::Problem {
            errors: 9,
            first: vec![long.repeat(3); 3],
        });
        assert_eq!(a.banner_lines() as usize, layout::BANNER_MAX_LINES);
    }
}
