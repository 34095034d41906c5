//! Live reload in the explorer, without a terminal: the app is given a KB directory, the files are
//! edited, and `Msg::KbChanged` + `settle` stand in for the watcher and the reload thread.
//! What must hold: a good edit replaces the KB keeping tab, selection, sort, filter and history
//! by record id; a broken edit keeps the last good KB and shows a banner; stale answers are
//! dropped. (The watcher itself, and the whole loop in a real terminal, are tested in
//! `src/tui/watch.rs` and `tests/pty.rs`.)

mod common;
use common::{NEW_DEAL, kb_copy};

use std::path::{Path, PathBuf};
use std::sync::Arc;

use marketlens::search::Index;
use marketlens::tui::app::{App, Effect, Input, Msg};
use marketlens::tui::ui;
use marketlens::view::Tab;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn open(dir: &Path) -> App {
    let l = marketlens::kb::load_path(dir);
    assert!(l.is_ok(), "{}", l.render_diagnostics());
    let mut a = App::with_index(Arc::new(Index::build(Arc::new(l.kb))), l.label, 120, 40);
    a.kb_path = Some(dir.to_path_buf());
    a
}

fn key(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn typ(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// The watcher saw a change: reload, and run the searches the reload asks again.
fn changed(app: &mut App) {
    app.update(Msg::KbChanged);
    app.settle();
}

fn edit(path: &PathBuf, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(text)).unwrap();
}

fn screen(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(app.size.width, app.size.height)).unwrap();
    t.draw(|f| ui::render(app, f)).unwrap();
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .filter_map(|x| buf.cell((x, y)).map(|c| c.symbol().to_string()))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_good_edit_replaces_the_kb_and_keeps_tab_selection_sort_and_history() {
    let dir = kb_copy();
    let mut a = open(dir.path());
    // Vendors: go to AWS, follow a relation to an executive (history), then to Deals, sorted.
    let aws = a.current().view.position("aws").unwrap();
    for _ in 0..aws {
        key(&mut a, KeyCode::Char('j'));
    }
    let exec = a.kb.executives[0].id.clone();
    a.jump(&marketlens::view::Target {
        kind: marketlens::kb::Kind::Executive,
        id: exec.clone(),
    });
    key(&mut a, KeyCode::Char('3'));
    key(&mut a, KeyCode::Char('s'));
    let sort = a.current().sort.clone();
    assert!(sort.is_some());
    for _ in 0..4 {
        key(&mut a, KeyCode::Char('j'));
    }
    let picked = a.current().selected_id().unwrap().to_string();
    let back = a.back.clone();

    // A new deal at the top of the file shifts every row of the natural order.
    let deals = dir.path().join("deals.toml");
    edit(&deals, |t| common::prepend(&t, NEW_DEAL));
    changed(&mut a);

    assert!(a.status.contains("+1 deal"), "{}", a.status);
    assert_eq!(a.tab, Tab::Deals);
    assert_eq!(a.current().view.len(), 72);
    assert_eq!(a.current().sort, sort, "the sort is kept");
    assert_eq!(
        a.current().selected_id(),
        Some(picked.as_str()),
        "the selection follows its record"
    );
    assert_eq!(a.back, back, "history is kept");
    assert!(a.kb.deal("reload-test-deal").is_some());
    assert!(a.reload.problem.is_none() && a.reload.running.is_none());

    // An edited field is reported as such, and shows.
    edit(&deals, |t| t.replace("重新加载测试", "重新加载测试(改)"));
    changed(&mut a);
    assert!(a.status.contains("1 deal edited"), "{}", a.status);
    assert_eq!(a.kb.deal("reload-test-deal").unwrap().title, "重新加载测试(改)");
}

#[test]
fn removing_records_others_cite_is_an_error_and_the_kb_stays_whole() {
    let dir = kb_copy();
    let mut a = open(dir.path());
    let vendors = dir.path().join("entities.toml");
    let text = std::fs::read_to_string(&vendors).unwrap();
    let first_only = text
        .split("\n[[vendor]]")
        .take(2)
        .collect::<Vec<_>>()
        .join("\n[[vendor]]");
    std::fs::write(&vendors, first_only).unwrap();
    changed(&mut a);
    assert!(
        a.reload.problem.is_some(),
        "deals and executives cite the removed vendors"
    );
    assert_eq!(a.kb.vendors.len(), 55, "the last good KB stays");
    assert_eq!(a.current().view.len(), 55);
}

#[test]
fn history_forgets_records_that_are_gone() {
    let dir = kb_copy();
    let deals = dir.path().join("deals.toml");
    edit(&deals, |t| format!("{t}{NEW_DEAL}"));
    let mut a = open(dir.path());
    for id in ["reload-test-deal", "aws"] {
        let kind = a.kb.lookup(id).unwrap().0;
        a.jump(&marketlens::view::Target { kind, id: id.into() });
    }
    assert!(a.back.iter().any(|l| l.id.as_deref() == Some("reload-test-deal")));
    edit(&deals, |t| t.replace(NEW_DEAL, ""));
    changed(&mut a);
    assert!(a.status.contains("-1 deal"), "{}", a.status);
    assert!(
        a.back.iter().all(|l| l.id.as_deref() != Some("reload-test-deal")),
        "history forgets removed records: {:?}",
        a.back
    );
    // Walking back never lands on a missing record.
    for _ in 0..3 {
        key(&mut a, KeyCode::Backspace);
        if let Some(id) = a.current().selected_id() {
            assert!(a.kb.lookup(id).is_some());
        }
    }
    // The selected deal vanished while on its tab: the selection stays in bounds.
    edit(&deals, |t| format!("{t}{NEW_DEAL}"));
    changed(&mut a);
    key(&mut a, KeyCode::Char('3'));
    key(&mut a, KeyCode::Char('G'));
    edit(&deals, |t| t.replace(NEW_DEAL, ""));
    changed(&mut a);
    assert_eq!(a.current().selected, a.current().view.len() - 1);
}

#[test]
fn a_broken_edit_keeps_the_last_good_kb_and_shows_a_banner_until_fixed() {
    let dir = kb_copy();
    let mut a = open(dir.path());
    key(&mut a, KeyCode::Char('3'));
    let deals = dir.path().join("deals.toml");
    let good = std::fs::read_to_string(&deals).unwrap();
    let second = NEW_DEAL.replace("reload-test-deal", "reload-test-deal-2");
    let broken = format!("{good}{NEW_DEAL}bogus = 1\n{second}amount = \"lots\"\n");
    std::fs::write(&deals, &broken).unwrap();
    changed(&mut a);

    let p = a.reload.problem.clone().expect("a problem");
    assert_eq!(p.errors, 2, "{p:?}");
    let line = broken.lines().position(|l| l == "bogus = 1").unwrap() + 1;
    assert!(
        p.first
            .iter()
            .any(|e| e.contains(&format!("deals.toml:{line}:1: error: unknown field `bogus`"))),
        "{p:?}"
    );
    assert_eq!(a.current().view.len(), 71, "the last good KB stays");
    let s = screen(&a);
    assert!(s.contains("The KB on disk has 2 errors"), "{s}");
    assert!(s.contains(&format!("deals.toml:{line}:1")), "{s}");
    assert!(s.contains("Deals 1/71"), "{s}");

    // Keys still work on the old data while it is broken.
    key(&mut a, KeyCode::Char('j'));
    assert_eq!(a.current().selected, 1);

    std::fs::write(&deals, format!("{good}{NEW_DEAL}")).unwrap();
    changed(&mut a);
    assert!(a.reload.problem.is_none());
    assert!(a.status.contains("errors fixed"), "{}", a.status);
    assert_eq!(a.current().view.len(), 72);
    assert!(!screen(&a).contains("The KB on disk has"));
}

#[test]
fn a_filter_and_the_palette_are_searched_again_on_the_new_kb() {
    let dir = kb_copy();
    let mut a = open(dir.path());
    key(&mut a, KeyCode::Char('3'));
    key(&mut a, KeyCode::Char('/'));
    typ(&mut a, "aws");
    a.settle();
    key(&mut a, KeyCode::Enter);
    let shown = a.current().view.len();
    key(&mut a, KeyCode::Char('j'));
    let picked = a.current().selected_id().unwrap().to_string();

    edit(&dir.path().join("deals.toml"), |t| format!("{t}{NEW_DEAL}"));
    changed(&mut a);
    assert_eq!(a.current().filter.text, "aws", "the filter is kept");
    assert_eq!(a.current().view.len(), shown + 1, "and applied to the new KB");
    assert_eq!(a.current().selected_id(), Some(picked.as_str()));

    // The palette's results point into the index: a reload must not leave old ones on screen.
    key(&mut a, KeyCode::Char(':'));
    typ(&mut a, "重新加载");
    a.settle();
    edit(&dir.path().join("deals.toml"), |t| t.replace(NEW_DEAL, ""));
    a.update(Msg::KbChanged);
    a.settle();
    let Some(Input::Palette(p)) = &a.input else {
        panic!("the palette stays open")
    };
    assert!(
        p.results
            .as_ref()
            .is_none_or(|r| r.hits.iter().all(|h| (h.doc as usize) < a.index.docs.len())),
        "results are from the new index"
    );
    let _ = screen(&a); // Drawing the palette over the new KB must not panic.
}

#[test]
fn stale_reload_answers_are_dropped_and_the_built_in_kb_does_not_reload() {
    let dir = kb_copy();
    let mut a = open(dir.path());
    a.update(Msg::KbChanged);
    let first = take_reload(&mut a).unwrap();
    a.update(Msg::KbChanged);
    assert!(asked_reload(&a).unwrap() > first);
    let (outcome, _) = marketlens::tui::reload::load(dir.path(), &a.kb, &[]);
    let old = Arc::new(marketlens::tui::reload::Reload {
        generation: first,
        outcome,
        took: std::time::Duration::ZERO,
    });
    assert!(!a.update(Msg::Reloaded(old)), "an older load's answer is ignored");
    assert!(a.reload.running.is_some(), "the newer one is still awaited");
    a.settle();
    assert!(a.reload.running.is_none());

    let l = marketlens::kb::load_builtin();
    let mut b = App::new(l.kb, l.label, 120, 40);
    key(&mut b, KeyCode::Char('r'));
    assert!(b.status.contains("built-in KB does not change"), "{}", b.status);
    assert!(asked_reload(&b).is_none());
}

/// The load the app asks for, if it asks for one (left for `settle` to run).
fn asked_reload(a: &App) -> Option<u64> {
    a.effects().iter().find_map(|e| match e {
        Effect::Reload(generation) => Some(*generation),
        _ => None,
    })
}

/// The load the app asks for, taken (the test answers it).
fn take_reload(a: &mut App) -> Option<u64> {
    a.take_effects().into_iter().find_map(|e| match e {
        Effect::Reload(generation) => Some(generation),
        _ => None,
    })
}

/// Wait for the watcher's callback; `false` after `secs` without one.
fn seen(rx: &std::sync::mpsc::Receiver<()>, secs: u64) -> bool {
    rx.recv_timeout(std::time::Duration::from_secs(secs)).is_ok()
}

/// Let a burst of watcher callbacks pass.
fn drain(rx: &std::sync::mpsc::Receiver<()>) {
    while rx.recv_timeout(std::time::Duration::from_millis(1500)).is_ok() {}
}

/// The default KB's files, by name.
fn default_files() -> Vec<(std::ffi::OsString, String)> {
    let dir = kb_copy();
    let mut files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_os_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// `kb` (a folder KB, or a file KB in `folder`) is followed by the real watcher; `folder` is
/// deleted and made again with `write` (which adds `NEW_DEAL`): the reload sees the new deal, and
/// an edit after that is still seen, so the watch is on the new folder.
fn follows_a_folder_made_again(kb: &Path, folder: &Path, write: impl Fn(bool)) {
    write(false);
    let mut a = open(kb);
    let (tx, rx) = std::sync::mpsc::channel();
    let _w = marketlens::tui::watch::start(kb, move || {
        let _ = tx.send(());
    })
    .expect("the watch starts");

    std::fs::remove_dir_all(folder).unwrap();
    drain(&rx);
    std::fs::create_dir(folder).unwrap();
    write(true);
    // Each change the watcher reports is a reload, until the new deal is in.
    let mut tries = 0;
    while a.kb.deal("reload-test-deal").is_none() {
        tries += 1;
        assert!(
            tries < 5 && seen(&rx, 10),
            "the folder made again was not seen ({:?})",
            a.reload.problem
        );
        changed(&mut a);
    }
    assert!(a.reload.problem.is_none(), "{:?}", a.reload.problem);
    drain(&rx);

    // The watch is on the new folder: an edit there is seen.
    write(false);
    assert!(seen(&rx, 10), "an edit in the folder made again was not seen");
    changed(&mut a);
    assert!(a.status.contains("-1 deal"), "{}", a.status);
}

#[test]
fn the_watch_follows_a_folder_kb_deleted_and_made_again() {
    let parent = tempfile::tempdir().unwrap();
    let kb = parent.path().join("kb");
    std::fs::create_dir(&kb).unwrap();
    let files = default_files();
    follows_a_folder_made_again(&kb, &kb, |with_deal| {
        for (name, text) in &files {
            let text = if with_deal && name == "deals.toml" {
                format!("{text}{NEW_DEAL}")
            } else {
                text.clone()
            };
            std::fs::write(kb.join(name), text).unwrap();
        }
    });
}

#[test]
fn the_watch_follows_a_file_kb_whose_folder_is_deleted_and_made_again() {
    let parent = tempfile::tempdir().unwrap();
    let folder = parent.path().join("sub");
    std::fs::create_dir(&folder).unwrap();
    let kb = folder.join("kb.toml");
    // One file of all the default files: one `format = 2` line, before every table.
    let all: String = default_files()
        .into_iter()
        .map(|(_, t)| common::without_format_line(&t) + "\n")
        .collect();
    let all = format!("format = 2\n{all}");
    follows_a_folder_made_again(&kb, &folder, |with_deal| {
        let text = if with_deal {
            format!("{all}{NEW_DEAL}")
        } else {
            all.clone()
        };
        std::fs::write(&kb, text).unwrap();
    });
}

#[cfg(unix)]
fn mkfifo(p: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(p.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

/// A KB file replaced by a FIFO (which nobody writes) is an error naming it, and the reload
/// thread is free for the next reload: before, it blocked for good opening the FIFO.
#[cfg(unix)]
#[test]
fn a_fifo_in_place_of_a_kb_file_is_an_error_and_later_reloads_still_run() {
    use marketlens::tui::reload::Reloader;
    let dir = kb_copy();
    let mut a = open(dir.path());
    let (tx, rx) = std::sync::mpsc::channel();
    let reloader = Reloader::spawn(dir.path().to_path_buf(), move |r| {
        let _ = tx.send(r);
    })
    .unwrap();
    // What the explorer's loop does with a change: the request goes to the reload thread.
    let reload = |a: &mut App| {
        a.update(Msg::KbChanged);
        let generation = take_reload(a).expect("a reload request");
        reloader.submit(generation, a.kb.clone(), a.sorts());
        let r = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the reload thread answers within a minute");
        a.update(Msg::Reloaded(Arc::new(r)));
        a.settle();
    };
    let deals = dir.path().join("deals.toml");
    let good = std::fs::read_to_string(&deals).unwrap();
    std::fs::remove_file(&deals).unwrap();
    mkfifo(&deals);
    reload(&mut a);
    let p = a.reload.problem.clone().expect("a problem");
    assert!(
        p.first.iter().any(|e| e
            .ends_with("deals.toml: error: cannot read file: it is a FIFO (named pipe), not a regular file")),
        "{p:?}"
    );
    assert_eq!(a.kb.deals.len(), 71, "the last good KB stays");

    std::fs::remove_file(&deals).unwrap();
    std::fs::write(&deals, format!("{good}{NEW_DEAL}")).unwrap();
    reload(&mut a);
    assert!(a.reload.problem.is_none(), "{:?}", a.reload.problem);
    assert!(a.kb.deal("reload-test-deal").is_some());
}

/// A reload puts the new index in place before the searches it asks again, drops the searches
/// still queued for the old index, and asks only the newest load when two were asked at once.
#[test]
fn a_swap_tells_the_searches_of_the_new_index_first() {
    let dir = kb_copy();
    let mut a = open(dir.path());
    key(&mut a, KeyCode::Char('/'));
    typ(&mut a, "aws");
    a.settle();
    typ(&mut a, "x"); // A search queued for the old index.
    a.update(Msg::KbChanged);
    a.update(Msg::KbChanged);
    let reloads = a
        .effects()
        .iter()
        .filter(|e| matches!(e, Effect::Reload(_)))
        .count();
    assert_eq!(reloads, 1, "{:?}", a.effects());
    let generation = take_reload(&mut a).unwrap();
    let (outcome, _) = marketlens::tui::reload::load(dir.path(), &a.kb, &a.sorts());
    let r = marketlens::tui::reload::Reload {
        generation,
        outcome,
        took: std::time::Duration::ZERO,
    };
    assert!(a.update(Msg::Reloaded(Arc::new(r))));
    let kinds: Vec<&str> = a
        .effects()
        .iter()
        .map(|e| match e {
            Effect::UseIndex(ix) => {
                assert!(Arc::ptr_eq(ix, &a.index), "the new index");
                "use"
            }
            Effect::Search(_) => "search",
            Effect::Mentions(_) => "mentions",
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(kinds, ["use", "mentions", "search"], "{:?}", a.effects());
    a.settle();
    assert_eq!(a.current().filter.text, "awsx");
    assert!(a.current().filter.pending == 0 && a.effects().is_empty());
}

/// A small KB in which deal number 0 or 1 names vendor `foo` in its summary.
fn mentions_kb(deals: &[(&str, &str)]) -> String {
    let mut s = String::from(
        "[[source]]\nid = \"s\"\ntitle = \"t\"\npublisher = \"p\"\ndate = 2025-01-01\n\n\
         [[vendor]]\nid = \"foo\"\nname = \"Foo Cloud\"\nsources = [\"s\"]\n\n\
         [[vendor]]\nid = \"bar\"\nname = \"Bar Corp\"\nsources = [\"s\"]\n",
    );
    for (id, summary) in deals {
        s.push_str(&format!(
            "\n[[deal]]\nid = \"{id}\"\ntitle = \"{id}\"\nkind = \"order\"\nvendors = [\"bar\"]\nsummary = \"{summary}\"\nsources = [\"s\"]\n"
        ));
    }
    s
}

#[test]
fn mentions_found_in_a_kb_since_replaced_are_dropped() {
    use marketlens::kb::Kind;
    use marketlens::kb::mentions::Mentions;
    use marketlens::view::{Block, Target, detail_known};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kb.toml");
    std::fs::write(&file, mentions_kb(&[("d-a", "Foo Cloud wins")])).unwrap();
    let mut a = open(&file);
    // The explorer asks for the first KB's mentions at once; this test answers late.
    let asked: Vec<u64> = a
        .take_effects()
        .into_iter()
        .filter_map(|e| match e {
            Effect::Mentions(g) => Some(g),
            _ => None,
        })
        .collect();
    assert_eq!(asked, [0]);
    let stale = Arc::new(Mentions::build(&a.kb, &|| false).unwrap());
    // The KB changes before the answer comes: deal 0 no longer names foo, deal 1 does.
    std::fs::write(
        &file,
        mentions_kb(&[("d-new", "nothing here"), ("d-b", "Foo Cloud again")]),
    )
    .unwrap();
    a.update(Msg::KbChanged);
    let generation = take_reload(&mut a).unwrap();
    let (outcome, _) = marketlens::tui::reload::load(&file, &a.kb, &a.sorts());
    a.update(Msg::Reloaded(Arc::new(marketlens::tui::reload::Reload {
        generation,
        outcome,
        took: std::time::Duration::ZERO,
    })));
    assert!(a.kb.deal("d-new").is_some(), "the new KB is in place");
    assert!(
        a.effects().iter().any(|e| matches!(e, Effect::Mentions(1)))
            && !a.effects().iter().any(|e| matches!(e, Effect::Mentions(0))),
        "{:?}",
        a.effects()
    );
    assert!(
        !a.update(Msg::Mentions(0, stale)),
        "the old KB's mentions are dropped"
    );
    assert!(a.kb.mentions_known().is_none());
    let foo = Target {
        kind: Kind::Vendor,
        id: "foo".into(),
    };
    let mentioned = |a: &App| -> Vec<String> {
        detail_known(&a.kb, &foo)
            .unwrap()
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Link { target, .. } if target.kind == Kind::Deal => Some(target.id.clone()),
                _ => None,
            })
            .collect()
    };
    assert!(mentioned(&a).is_empty(), "still looking: nothing listed yet");
    a.settle();
    assert_eq!(mentioned(&a), ["d-b"], "the new KB's own mentions");
}

/// Marks are kept by record across a reload, in the order made, sorted or not; a mark whose
/// record is gone is dropped, and the status line says so.
#[test]
fn marks_follow_their_records_through_a_reload_and_go_with_them() {
    let dir = kb_copy();
    let deals = dir.path().join("deals.toml");
    let original = std::fs::read_to_string(&deals).unwrap();
    edit(&deals, |t| common::prepend(&t, NEW_DEAL));
    let mut a = open(dir.path());
    key(&mut a, KeyCode::Char('3'));
    let at = a.current().view.position("reload-test-deal").unwrap();
    for _ in 0..at {
        key(&mut a, KeyCode::Char('j'));
    }
    key(&mut a, KeyCode::Char(' '));
    let other = a.current().selected_id().unwrap().to_string();
    key(&mut a, KeyCode::Char(' '));
    key(&mut a, KeyCode::Char('s'));
    let marks = |a: &App| a.current().marks.keys().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(marks(&a), ["reload-test-deal", other.as_str()]);

    // An edit elsewhere: both marks stay, on their records, and show.
    edit(&deals, |t| t.replace("重新加载测试", "重新加载测试(改)"));
    changed(&mut a);
    assert!(a.status.contains("1 deal edited"), "{}", a.status);
    assert_eq!(marks(&a), ["reload-test-deal", other.as_str()]);
    assert!(screen(&a).contains(" 2 marked "), "{}", screen(&a));

    // The marked deal is removed: its mark goes, the other stays.
    std::fs::write(&deals, &original).unwrap();
    changed(&mut a);
    assert!(a.kb.deal("reload-test-deal").is_none());
    assert_eq!(marks(&a), [other.as_str()]);
    assert!(
        a.status.contains("1 mark of records gone dropped"),
        "{}",
        a.status
    );
    let st = a.current();
    let shown: Vec<&str> = st
        .view
        .shown()
        .filter(|r| st.marks.marks_row(&st.view, r))
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(shown, [other.as_str()]);
}
