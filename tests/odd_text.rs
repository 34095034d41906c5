//! Odd text does not break the layout or panic: very long strings, 10,000-item lists, 10,000
//! rows, a deep career history, emoji (ZWJ sequences, variation selectors, flags, skin tones,
//! keycaps), combining marks, halfwidth kana, Hangul jamo, Indic and Thai clusters, right-to-left
//! letters, CJK and fullwidth forms. The KB is generated here; it is rendered through
//! TestBackend at several sizes, driven through every tab, detail and the palette.

use marketlens::text;
use marketlens::tui::app::{App, Msg};
use marketlens::tui::ui;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

/// Graphemes that are hard to measure, each a whole grapheme (or a short run of them).
const ODD: &[&str] = &[
    "👩‍👩‍👧‍👦",
    "👨🏽‍💻",
    "❤️",
    "☺️",
    "1️⃣",
    "🇨🇳",
    "🇺🇸",
    "e\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}\u{307}\u{308}",
    "Z\u{351}\u{35b}\u{346}",
    "ｶﾞ",
    "ﾊﾟ",
    "\u{1100}\u{1161}\u{11A8}",
    "क्षि",
    "สวัสดี",
    "עב",
    "عر",
    "阿里云",
    "ｆｕｌｌ",
    "한국",
    "a",
    "Z",
    " ",
    "-",
];

/// A name made of odd pieces, picked by `seed`: at least one piece, never blank.
fn odd(seed: usize, len: usize) -> String {
    let first = ODD[seed % (ODD.len() - 2)];
    let rest: String = (1..len)
        .map(|i| ODD[(seed * 7 + i * 13 + i * i) % ODD.len()])
        .collect();
    first.to_string() + &rest
}

/// A TOML string: every generated string is plain text with no quotes, backslashes or
/// controls, and goes into TOML as-is.
fn lit(s: &str) -> String {
    assert!(!s.contains(['"', '\\']) && !s.chars().any(char::is_control));
    format!("\"{s}\"")
}

const VENDORS: usize = 40;
const DEALS: usize = 10_000;
const ALIASES: usize = 10_000;
const CAREER: usize = 2_000;
const POINTS: usize = 2_000;

fn odd_kb() -> String {
    let mut t = String::new();
    let long_cjk: String = "阿里云营收增速".repeat(700);
    let long_word = "x".repeat(10_000);
    t.push_str(&format!(
        "[[source]]\nid = \"s1\"\ntitle = {}\npublisher = {}\ndate = 2025-09-11\nurl = {}\nsummary = {}\n\n",
        lit(&format!("{} {}", odd(1, 40), long_cjk)),
        lit(&odd(2, 5)),
        lit(&format!("https://example.com/{long_word}")),
        lit(&odd(3, 3000)),
    ));
    for v in 0..VENDORS {
        let name = match v {
            0 => format!("{long_word}{}", odd(0, 10)),
            1 => long_cjk.clone(),
            _ => odd(v, 2 + v % 9),
        };
        t.push_str(&format!(
            "[[vendor]]\nid = \"v{v}\"\nname = {}\nname_en = {}\nregion = {}\nsegments = [{}]\nsummary = {}\nsources = [\"s1\"]\nquote = {}\n",
            lit(&name),
            lit(&odd(v + 100, 6)),
            lit(&odd(v + 200, 2)),
            (0..(if v == 2 { 1000 } else { 3 }))
                .map(|i| lit(&odd(v + i, 2)))
                .collect::<Vec<_>>()
                .join(", "),
            lit(&odd(v + 300, 400)),
            lit(&odd(v + 400, 80)),
        ));
        if v == 3 {
            let aliases: Vec<String> = (0..ALIASES).map(|i| lit(&odd(i, 1 + i % 4))).collect();
            t.push_str(&format!("aliases = [{}]\n", aliases.join(", ")));
        }
        t.push('\n');
    }
    t.push_str(&format!(
        "[[executive]]\nid = \"e1\"\nname = {}\nname_en = {}\nvendor = \"v4\"\ntitle = {}\nsummary = {}\nsources = [\"s1\"]\n\n",
        lit(&odd(5, 4)),
        lit(&odd(6, 30)),
        lit(&odd(7, 200)),
        lit(&odd(8, 2000)),
    ));
    for i in 0..CAREER {
        t.push_str(&format!(
            "  [[executive.career]]\n  date = \"{}-{:02}\"\n  from = \"v{}\"\n  to = \"v{}\"\n  role = {}\n  note = {}\n\n",
            1990 + i / 12 % 40,
            i % 12 + 1,
            i % VENDORS,
            (i + 1) % VENDORS,
            lit(&odd(i, 1 + i % 30)),
            lit(&odd(i + 9, i % 5)),
        ));
    }
    t.push_str(&format!(
        "[[executive]]\nid = \"e2\"\nname = {}\norg = {}\nsources = [\"s1\"]\n\n",
        lit(&"e\u{301}".repeat(3000)),
        lit(&odd(11, 300)),
    ));
    for d in 0..DEALS {
        // The kind is plain ASCII in its own column: the alignment marker.
        t.push_str(&format!(
            "[[deal]]\nid = \"d{d}\"\ntitle = {}\nkind = \"{}\"\nvendors = [\"v{}\"]\ncounterparty = {}\ndate = \"2025-{:02}\"\namount = {{ value = {}, currency = \"CNY\" }}\nsources = [\"s1\"]\n\n",
            lit(&odd(d, 1 + d % 12)),
            if d % 2 == 0 { "order" } else { "contract" },
            d % VENDORS,
            lit(&odd(d + 5, d % 7)),
            d % 12 + 1,
            d * 1000 + 1,
        ));
    }
    t.push_str(&format!(
        "[[deal]]\nid = \"d-all\"\ntitle = {}\nkind = \"partnership\"\nvendors = [{}]\nsources = [\"s1\"]\n\n",
        lit(&odd(77, 50)),
        (0..VENDORS).map(|v| format!("\"v{v}\"")).collect::<Vec<_>>().join(", "),
    ));
    t.push_str(&format!(
        "[[series]]\nid = \"t1\"\nname = {}\nvendor = \"v1\"\nmetric = \"revenue\"\nunit = \"CNY\"\nsources = [\"s1\"]\n\n",
        lit(&odd(12, 25)),
    ));
    for i in 0..POINTS {
        t.push_str(&format!(
            "  [[series.points]]\n  period = \"{}-{:02}\"\n  value = {}\n  note = {}\n\n",
            1900 + i / 12,
            i % 12 + 1,
            (i * 37 % 1000) as f64 + 0.5,
            lit(&odd(i, i % 6)),
        ));
    }
    t.push_str(&format!(
        "[[series]]\nid = \"t2\"\nname = {}\nmarket = {}\nmetric = \"price\"\nunit = {}\nsources = [\"s1\"]\npoints = [ {{ period = \"2025\", value = 1 }} ]\n",
        lit(&odd(13, 3)),
        lit(&odd(14, 60)),
        lit(&format!("CNY/{}", odd(15, 20))),
    ));
    t
}

fn load_odd() -> marketlens::kb::Loaded {
    let l = marketlens::kb::load::load_files(
        "odd".into(),
        vec![marketlens::kb::SourceFile {
            name: "odd.toml".into(),
            text: odd_kb(),
        }],
        Vec::new(),
    );
    assert!(l.is_ok(), "{}", l.render_diagnostics());
    l
}

/// The rows of a buffer as (x, symbol) per drawn cell, skipping the cells a wide symbol covers.
fn cells(buf: &Buffer, y: u16) -> Vec<(u16, String)> {
    let mut out = Vec::new();
    let mut x = 0;
    while x < buf.area.width {
        let sym = buf[(x, y)].symbol().to_string();
        let w = text::width(&sym).max(1) as u16;
        out.push((x, sym));
        x += w;
    }
    out
}

/// Every row is exactly as wide as the screen, no symbol runs past the right edge, and every
/// line of a box's right border stays in its column.
fn assert_fits(buf: &Buffer, what: &str) {
    let w = buf.area.width;
    for y in 0..buf.area.height {
        let row = cells(buf, y);
        let end = row.last().map_or(0, |(x, s)| x + text::width(s).max(1) as u16);
        assert_eq!(end, w, "{what}: row {y} is {end} columns wide, not {w}:\n{buf:?}");
        for (x, s) in &row {
            assert!(
                !s.chars().any(|c| c.is_control() || text::is_unsafe(c)),
                "{what}: control or invisible character {s:?} at ({x}, {y})"
            );
        }
    }
}

/// In the Deals table, the Kind column (plain ASCII) starts in the same column on every row,
/// whatever the vendor and counterparty columns before it hold. Table rows are those that start
/// with a date (`│2025-`); the first kind on such a row is the table's (a detail pane beside it
/// may say `Kind: order` too).
fn assert_kind_column_aligned(buf: &Buffer, what: &str) {
    let mut xs = Vec::new();
    for y in 0..buf.area.height {
        let row = cells(buf, y);
        let syms: Vec<&str> = row.iter().map(|(_, s)| s.as_str()).collect();
        if syms.len() < 8 || syms[..6].concat() != "│2025-" {
            continue;
        }
        let found = (1..syms.len()).find_map(|i| {
            ["order", "contract"].into_iter().find_map(|word| {
                let n = word.len();
                (i + n < syms.len()
                    && syms[i..i + n].concat() == word
                    && matches!(syms[i + n], " " | "│")
                    && syms[i - 1] == " ")
                    .then_some(row[i].0)
            })
        });
        if let Some(x) = found {
            xs.push((y, x));
        }
    }
    if let Some(&(_, x0)) = xs.first() {
        for &(y, x) in &xs {
            assert_eq!(
                x, x0,
                "{what}: the Kind column is at {x} on row {y}, {x0} above:\n{buf:?}"
            );
        }
    }
}

fn key(a: &mut App, code: KeyCode, mods: KeyModifiers) {
    a.update(Msg::Key(KeyEvent::new(code, mods)));
    a.settle();
}

fn draw(t: &mut Terminal<TestBackend>, a: &App, what: &str) -> Buffer {
    t.draw(|f| ui::render(a, f))
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let buf = t.backend().buffer().clone();
    assert_fits(&buf, what);
    buf
}

#[test]
fn odd_text_renders_at_every_size_without_breaking_the_layout() {
    let l = load_odd();
    assert_eq!(l.kb.deals.len(), DEALS + 1);
    assert_eq!(l.kb.vendors[3].aliases.len(), ALIASES);
    assert_eq!(l.kb.executives[0].career.len(), CAREER);
    let sizes = [(1, 1), (24, 8), (80, 24), (250, 70)];
    let (w0, h0) = sizes[0];
    let mut a = App::new(l.kb, l.label, w0, h0);
    let mut t = Terminal::new(TestBackend::new(w0, h0)).unwrap();
    let none = KeyModifiers::NONE;
    for (w, h) in sizes {
        a.update(Msg::Resize(w, h));
        t.backend_mut().resize(w, h);
        for (n, tab) in
            ['1', '2', '3', '4', '5']
                .into_iter()
                .zip(["vendors", "executives", "deals", "trends", "sources"])
        {
            key(&mut a, KeyCode::Char(n), none);
            key(&mut a, KeyCode::Char('g'), none);
            let what = format!("{tab} at {w}x{h}");
            let buf = draw(&mut t, &a, &what);
            if tab == "deals" {
                assert_kind_column_aligned(&buf, &what);
            }
            // Down through the odd rows, then the detail of each of a few, scrolled.
            for row in 0..2 {
                key(&mut a, KeyCode::Char('j'), none);
                let buf = draw(&mut t, &a, &format!("{what}, row {row}"));
                if tab == "deals" {
                    assert_kind_column_aligned(&buf, &what);
                }
                key(&mut a, KeyCode::Enter, none);
                key(&mut a, KeyCode::PageDown, none);
                draw(&mut t, &a, &format!("{what}, detail of row {row}"));
                key(&mut a, KeyCode::Char('G'), none);
                draw(&mut t, &a, &format!("{what}, end of the detail of row {row}"));
                key(&mut a, KeyCode::Esc, none);
            }
            key(&mut a, KeyCode::Char('G'), none);
            let buf = draw(&mut t, &a, &format!("{what}, last row"));
            if tab == "deals" {
                assert_kind_column_aligned(&buf, &what);
            }
        }
        // Every vendor's detail: the long names, 10,000 aliases, 1,000 segments.
        key(&mut a, KeyCode::Char('1'), none);
        key(&mut a, KeyCode::Char('g'), none);
        for v in 0..4 {
            key(&mut a, KeyCode::Enter, none);
            key(&mut a, KeyCode::End, none);
            draw(&mut t, &a, &format!("vendor {v} detail at {w}x{h}"));
            key(&mut a, KeyCode::Esc, none);
            key(&mut a, KeyCode::Char('j'), none);
        }
        // The palette, searching for odd text (at two sizes: a search of this KB is slow in a
        // debug build).
        let query = match (w, h) {
            (24, 8) => "ｶﾞ",
            (250, 70) => "❤️",
            _ => "",
        };
        key(&mut a, KeyCode::Char('k'), KeyModifiers::CONTROL);
        for c in query.chars() {
            key(&mut a, KeyCode::Char(c), none);
            draw(&mut t, &a, &format!("palette at {w}x{h}"));
        }
        key(&mut a, KeyCode::Down, none);
        draw(&mut t, &a, &format!("palette at {w}x{h}"));
        key(&mut a, KeyCode::Esc, none);
        // A filter with odd text.
        key(&mut a, KeyCode::Char('/'), none);
        for c in "👨🏽‍💻".chars() {
            key(&mut a, KeyCode::Char(c), none);
        }
        draw(&mut t, &a, &format!("filter at {w}x{h}"));
        key(&mut a, KeyCode::Esc, none);
    }
}

/// Pieces for random odd strings.
fn odd_string() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ODD.to_vec()), 0..24).prop_map(|v| v.concat())
}

/// How many columns ratatui takes to draw `s`.
fn drawn_width(s: &str) -> usize {
    let area = Rect::new(0, 0, 400, 1);
    let mut buf = Buffer::empty(area);
    Line::from(vec![Span::raw(s.to_string()), Span::raw("|")]).render(area, &mut buf);
    (0..area.width)
        .find(|&x| buf[(x, 0)].symbol() == "|")
        .map_or(usize::MAX, usize::from)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// `text::width` measures what ratatui draws, and `fit`, `pad` and `wrap` keep to their width.
    #[test]
    fn width_fit_pad_and_wrap_agree_with_what_is_drawn(s in odd_string(), w in 0usize..40) {
        prop_assert_eq!(text::width(&s), drawn_width(&s), "{:?}", s);
        let f = text::fit(&s, w);
        prop_assert!(text::width(&f) <= w, "fit({:?}, {}) = {:?}", s, w, f);
        prop_assert_eq!(drawn_width(&f), text::width(&f));
        let p = text::pad(&s, w, false);
        prop_assert_eq!(drawn_width(&p), w, "pad({:?}, {}) = {:?}", s, w, p);
        let p = text::pad(&s, w, true);
        prop_assert_eq!(drawn_width(&p), w, "pad right({:?}, {}) = {:?}", s, w, p);
        for line in text::wrap(&s, w.max(2)) {
            // A grapheme wider than the line (a Devanagari conjunct is 3 columns) is not split.
            let one = unicode_segmentation::UnicodeSegmentation::graphemes(line.as_str(), true).count() == 1;
            prop_assert!(one || drawn_width(&line) <= w.max(2), "wrap({:?}, {}): {:?}", s, w, line);
        }
    }
}

/// Names whose clusters terminals and ratatui measure differently unless made inert: flags
/// (regional indicator pairs, and a lone one), Arabic prepended marks, halfwidth kana with
/// voicing marks; with CJK and plain text around them.
const CLUSTERS: &[&str] = &[
    "🇨🇳 阿里云 🇺🇸🇯🇵",
    "\u{600}\u{661}\u{662} عر \u{6dd}\u{661}",
    "ｶﾞｲﾄﾞ ﾊﾟﾝ 🇰",
    "plain vendor",
    "\u{110bd}\u{11066} \u{13430}\u{1d173}\u{e0100}x\u{fdd0}\u{206a}",
    "腾讯云 Tencent",
];

/// Every symbol ratatui draws is a cluster that terminals measure as ratatui does: its width is
/// the sum of its characters' widths (how a terminal that measures per character advances) and
/// the width of its first character (how one that measures per cluster does), so moving over it
/// leaves no stale cell. (A Devanagari conjunct would fail this; none is in `CLUSTERS`.)
fn assert_unambiguous(buf: &Buffer, what: &str) {
    use unicode_width::UnicodeWidthChar;
    for y in 0..buf.area.height {
        for (x, sym) in cells(buf, y) {
            let per_char: usize = sym.chars().map(|c| c.width().unwrap_or(0)).sum();
            let first = sym.chars().next().and_then(|c| c.width()).unwrap_or(0);
            let w = text::width(&sym);
            assert!(
                w == per_char && (w == first || sym.chars().count() == 1),
                "{what}: {sym:?} at ({x}, {y}) is {w} columns to ratatui, {per_char} per character, {first} by its first"
            );
        }
    }
}

#[test]
fn moving_over_flags_prepended_marks_and_halfwidth_kana_leaves_no_stale_cell() {
    let mut toml =
        String::from("[[source]]\nid = \"s\"\ntitle = \"t\"\npublisher = \"p\"\ndate = 2025-09-11\n\n");
    for (i, name) in CLUSTERS.iter().enumerate() {
        toml += &format!(
            "[[vendor]]\nid = \"v{i}\"\nname = {}\nname_en = {}\nsegments = [{}]\nsources = [\"s\"]\n\n",
            lit(name),
            lit(&name.chars().rev().collect::<String>()),
            lit(name)
        );
    }
    let l = marketlens::kb::load::load_files(
        "clusters".into(),
        vec![marketlens::kb::SourceFile {
            name: "clusters.toml".into(),
            text: toml,
        }],
        Vec::new(),
    );
    assert!(l.is_ok(), "{}", l.render_diagnostics());
    let (w, h) = (100, 20);
    let mut a = App::new(l.kb, l.label, w, h);
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    let none = KeyModifiers::NONE;
    let mut moves = vec![KeyCode::Char('j'); CLUSTERS.len()];
    moves.extend(vec![KeyCode::Char('k'); CLUSTERS.len()]);
    draw(&mut t, &a, "first frame");
    for (n, code) in moves.into_iter().enumerate() {
        key(&mut a, code, none);
        let what = format!("move {n}");
        let after = draw(&mut t, &a, &what);
        assert_unambiguous(&after, &what);
        let mut fresh = Terminal::new(TestBackend::new(w, h)).unwrap();
        let fresh = draw(&mut fresh, &a, &format!("{what}, fresh"));
        for y in 0..h {
            assert_eq!(
                cells(&after, y),
                cells(&fresh, y),
                "{what}: row {y} differs from a fresh render:\n{after:?}\n{fresh:?}"
            );
        }
    }
}
