//! What each screen looks like, rendered into ratatui's TestBackend and compared with the reviewed
//! snapshots in `tests/snapshots/` (insta). After a deliberate UI change: `cargo insta review`,
//! or `INSTA_UPDATE=always cargo test --test snapshots` and read the diff before committing.

use marketlens::tui::app::{App, Msg};
use marketlens::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn app(w: u16, h: u16) -> App {
    let l = marketlens::kb::load_builtin();
    App::new(l.kb, l.label, w, h)
}

fn keys(app: &mut App, keys: &[KeyCode]) {
    for k in keys {
        app.update(Msg::Key(KeyEvent::new(*k, KeyModifiers::NONE)));
    }
}

fn screen(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(app.size.width, app.size.height)).unwrap();
    t.draw(|f| ui::render(app, f)).unwrap();
    format!("{}", t.backend())
}

const SIZES: [(u16, u16); 2] = [(120, 40), (80, 24)];

#[test]
fn each_tab() {
    for (w, h) in SIZES {
        for (n, name) in [
            ('1', "vendors"),
            ('2', "executives"),
            ('3', "deals"),
            ('4', "trends"),
            ('5', "sources"),
        ] {
            let mut a = app(w, h);
            keys(&mut a, &[KeyCode::Char(n)]);
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(&a));
        }
    }
}

#[test]
fn help_overlay() {
    for (w, h) in SIZES {
        let mut a = app(w, h);
        keys(&mut a, &[KeyCode::Char('?')]);
        insta::assert_snapshot!(format!("help_{w}x{h}"), screen(&a));
    }
}

#[test]
fn vendor_detail_with_relations_and_sparklines() {
    for (w, h) in SIZES {
        // 阿里云 has three series with several points; Enter focuses its relations.
        let mut a = app(w, h);
        keys(&mut a, &[KeyCode::Enter, KeyCode::Char('j')]);
        insta::assert_snapshot!(format!("vendor_detail_{w}x{h}"), screen(&a));
    }
}

#[test]
fn too_small() {
    let a = app(30, 8);
    let s = screen(&a);
    assert!(s.contains("Terminal too small"), "{s}");
}
