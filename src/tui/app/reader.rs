//! `O`, the article reader: which source it opens, and its keys (scrolling, `n`/`N` from one
//! quoted passage to the next). The article and its marks come from `view::reader`; the rows
//! at the screen's width are kept here, laid out again when the width changes.

use std::sync::Arc;

use super::{App, Effect, Focus};
use crate::kb::{Cites, Kind, quotes::quotes_of, with_record};
use crate::tui::keymap::{self, Action, Context, Key};
use crate::tui::layout;
use crate::view::reader::{Laid, Reader};

/// The open reader: the article, where it is scrolled to, and the current quoted passage.
#[derive(Clone, Debug)]
pub struct ReaderState {
    pub reader: Arc<Reader>,
    /// The first row shown.
    pub scroll: usize,
    /// The passage `n`/`N` last went to (or the one `O` opened at), from 0.
    pub current: Option<usize>,
    /// The rows at width `laid_width` (the reader's inner width when last laid out).
    pub laid: Arc<Laid>,
    pub laid_width: usize,
}

impl App {
    /// The source `O` reads for the selected record, and the record whose quote it opens at:
    /// a source itself; in the detail pane, the selected relation when it is a source; else the
    /// source of the record's first quote that an archived article holds; else its first
    /// cited source (which then has no archive, and the status line says so).
    fn reader_source(&self) -> Result<(String, Option<(Kind, String)>), String> {
        let Some(t) = self.selected_target() else {
            return Err("no record selected".into());
        };
        if t.kind == Kind::Source {
            return Ok((t.id, None));
        }
        let from = Some((t.kind, t.id.clone()));
        if self.focus == Focus::Detail
            && let Some(link) = self
                .detail()
                .and_then(|d| d.links().get(self.current().link).map(|l| (*l).clone()))
            && link.kind == Kind::Source
        {
            return Ok((link.id, from));
        }
        let kb = &self.kb;
        let Some((kind, i)) = kb.lookup(&t.id).filter(|(k, _)| *k == t.kind) else {
            return Err("no record selected".into());
        };
        let mut found = None;
        quotes_of(kb, kind, i, &mut |q| {
            if found.is_none() {
                found = q
                    .sources
                    .iter()
                    .find(|s| kb.archives.get(s).is_some_and(|a| a.find(q.text).is_some()))
                    .map(|s| s.to_string());
            }
        });
        if let Some(s) = found {
            return Ok((s, from));
        }
        let first = with_record!(kind, R => kb.get::<R>(&t.id).and_then(|r| r.cited().next().cloned()));
        match first {
            Some(s) => Ok((s, from)),
            None => Err(format!(
                "{} cites no source to read",
                crate::text::escape_controls(&t.id)
            )),
        }
    }

    /// `O`: open the reader, at the selected record's quote when it has one there.
    pub(super) fn open_reader(&mut self) {
        let opened = self
            .reader_source()
            .and_then(|(source, from)| Ok((Reader::open(&self.kb, &source)?, from)));
        let (reader, from) = match opened {
            Ok(x) => x,
            Err(msg) => {
                self.status = msg;
                return;
            }
        };
        let current = from.and_then(|(kind, id)| reader.passage_for(&self.kb, kind, &id));
        let width = layout::reader::inner(self.size).width as usize;
        let laid = Arc::new(reader.lay_out(width));
        self.reader = Some(ReaderState {
            reader: Arc::new(reader),
            scroll: 0,
            current,
            laid,
            laid_width: width,
        });
        if current.is_some() {
            self.scroll_to_current();
        }
    }

    /// The rows again when the width changed (a resize), the scroll kept within them.
    pub(super) fn relayout_reader(&mut self) {
        let width = layout::reader::inner(self.size).width as usize;
        let height = layout::reader::inner(self.size).height as usize;
        if let Some(r) = &mut self.reader {
            if r.laid_width != width {
                r.laid = Arc::new(r.reader.lay_out(width));
                r.laid_width = width;
            }
            r.scroll = r
                .scroll
                .min(layout::reader::max_scroll(height, r.laid.rows.len()));
        }
    }

    /// The KB was replaced: the reader reads the new KB's copy of its article (and quotes), at
    /// the same place; closed if the source or its archive is gone.
    pub(super) fn reopen_reader(&mut self) {
        let Some(old) = self.reader.take() else {
            return;
        };
        match Reader::open(&self.kb, &old.reader.source) {
            Ok(r) => {
                let width = layout::reader::inner(self.size).width as usize;
                let current = old.current.filter(|c| *c < r.passages.len());
                self.reader = Some(ReaderState {
                    laid: Arc::new(r.lay_out(width)),
                    laid_width: width,
                    reader: Arc::new(r),
                    scroll: old.scroll,
                    current,
                });
                self.relayout_reader();
            }
            Err(msg) => self.status = format!("reader closed: {msg}"),
        }
    }

    fn scroll_to_current(&mut self) {
        let height = layout::reader::inner(self.size).height as usize;
        if let Some(r) = &mut self.reader
            && let Some(row) = r.current.and_then(|c| r.laid.passage_rows.get(c))
        {
            r.scroll = layout::reader::scroll_to(*row, height, r.laid.rows.len());
        }
    }

    /// The mouse while the reader is open: the wheel scrolls it, three rows a notch.
    pub(super) fn reader_mouse(&mut self, m: ratatui::crossterm::event::MouseEvent) -> bool {
        use ratatui::crossterm::event::MouseEventKind;
        let step: isize = match m.kind {
            MouseEventKind::ScrollDown => 3,
            MouseEventKind::ScrollUp => -3,
            _ => return false,
        };
        self.relayout_reader();
        let height = layout::reader::inner(self.size).height as usize;
        let Some(r) = &mut self.reader else {
            return false;
        };
        let max = layout::reader::max_scroll(height, r.laid.rows.len());
        let was = r.scroll;
        r.scroll = r.scroll.saturating_add_signed(step).min(max);
        r.scroll != was
    }

    /// A key while the reader is open: its own keys only.
    pub(super) fn reader_key(&mut self, k: Key) -> bool {
        self.relayout_reader();
        let height = layout::reader::inner(self.size).height as usize;
        let page = height.max(1);
        let Some(r) = &mut self.reader else {
            return false;
        };
        let max = layout::reader::max_scroll(height, r.laid.rows.len());
        let n = r.reader.passages.len();
        let by = |r: &mut ReaderState, d: isize| {
            r.scroll = r.scroll.saturating_add_signed(d).min(max);
        };
        match keymap::action_for(k, Context::Reader) {
            Some(Action::Down) => by(r, 1),
            Some(Action::Up) => by(r, -1),
            Some(Action::PageDown) => by(r, page as isize),
            Some(Action::PageUp) => by(r, -(page as isize)),
            Some(Action::HalfDown) => by(r, (page / 2).max(1) as isize),
            Some(Action::HalfUp) => by(r, -((page / 2).max(1) as isize)),
            Some(Action::Top) => r.scroll = 0,
            Some(Action::Bottom) => r.scroll = max,
            Some(a @ (Action::NextQuote | Action::PrevQuote)) => {
                if n == 0 {
                    self.status = "the KB quotes nothing from this article".into();
                    return true;
                }
                r.current = Some(match (a, r.current) {
                    (Action::NextQuote, None) => 0,
                    (Action::NextQuote, Some(c)) => (c + 1) % n,
                    (_, None) => n - 1,
                    (_, Some(c)) => (c + n - 1) % n,
                });
                self.status.clear();
                self.scroll_to_current();
            }
            Some(Action::CloseReader) => self.reader = None,
            Some(Action::Quit) => self.quit = true,
            Some(Action::Suspend) => self.push_once(Effect::Suspend),
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::super::Msg;
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn app() -> App {
        let l = crate::kb::load_path(std::path::Path::new("tests/fixtures/good/archived_reader"));
        assert!(l.is_ok(), "{}", l.render_diagnostics());
        App::new(l.kb, l.label, 80, 24)
    }

    fn press(a: &mut App, keys: &str) {
        for c in keys.chars() {
            let code = if c == '\x1b' {
                KeyCode::Esc
            } else {
                KeyCode::Char(c)
            };
            a.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        }
    }

    fn select(a: &mut App, id: &str) {
        let at = a.current().view.position(id).expect("a row");
        a.current_mut().selected = at;
    }

    #[test]
    fn o_on_a_record_opens_its_quotes_article_at_that_quote() {
        let mut a = app();
        select(&mut a, "harbor-cloud");
        press(&mut a, "O");
        let r = a.reader.as_ref().expect("the reader opened");
        assert_eq!(r.reader.source, "harbor-review");
        assert_eq!(r.current, Some(0), "its quote is the article's first passage");
        assert_eq!(a.context(), Context::Reader);
        // Its keys are its own: `q` closes it, not the app.
        press(&mut a, "q");
        assert!(a.reader.is_none() && !a.quit);
        // A record citing a source with no archive: the status line says how to add one.
        select(&mut a, "tide-cloud");
        press(&mut a, "O");
        assert!(a.reader.is_none());
        assert_eq!(
            a.status,
            "no archived text for no-archive: add archive = \"archive/no-archive.txt\" to its [[source]]"
        );
    }

    #[test]
    fn n_and_n_go_round_the_passages_and_scroll_to_them() {
        let mut a = app();
        press(&mut a, "5O");
        let r = a.reader.as_ref().expect("open");
        assert_eq!((r.current, r.scroll, r.reader.passages.len()), (None, 0, 4));
        press(&mut a, "N");
        let r = a.reader.as_ref().unwrap();
        assert_eq!(r.current, Some(3), "N from none: the last");
        let last = r.laid.passage_rows[3];
        let height = layout::reader::inner(a.size).height as usize;
        assert!(
            r.scroll <= last && last < r.scroll + height,
            "the passage is on screen"
        );
        press(&mut a, "n");
        assert_eq!(
            a.reader.as_ref().unwrap().current,
            Some(0),
            "n after the last: the first"
        );
        assert_eq!(a.reader.as_ref().unwrap().scroll, 0);
        press(&mut a, "G");
        let r = a.reader.as_ref().unwrap();
        let end = r.laid.rows.len() - height;
        assert_eq!(r.scroll, end);
        // The wheel scrolls it too.
        let wheel = |kind| {
            Msg::Mouse(ratatui::crossterm::event::MouseEvent {
                kind,
                column: 5,
                row: 5,
                modifiers: KeyModifiers::NONE,
            })
        };
        use ratatui::crossterm::event::MouseEventKind::{ScrollDown, ScrollUp};
        assert!(a.update(wheel(ScrollUp)));
        assert_eq!(a.reader.as_ref().unwrap().scroll, end - 3);
        assert!(a.update(wheel(ScrollDown)));
        assert!(!a.update(wheel(ScrollDown)), "already at the end");
        // A narrower screen lays the article out again, and the scroll stays within it.
        a.update(Msg::Resize(30, 10));
        let r = a.reader.as_ref().unwrap();
        assert_eq!(r.laid_width, 28);
        assert!(r.scroll <= r.laid.rows.len().saturating_sub(8));
        press(&mut a, "\x1b");
        assert!(a.reader.is_none());
    }

    #[test]
    fn the_selected_source_relation_is_the_one_read() {
        let mut a = app();
        // The deal: its one source is harbor-review; focus its relations and pick the source.
        press(&mut a, "3l");
        let links = a.detail().unwrap().links().len();
        for _ in 0..links {
            press(&mut a, "j");
        }
        press(&mut a, "O");
        let r = a.reader.as_ref().expect("open");
        assert_eq!(r.reader.source, "harbor-review");
        assert_eq!(r.current, Some(2), "at the deal's quote");
    }

    #[test]
    fn the_built_in_kb_has_no_archives() {
        let l = crate::kb::load_builtin();
        let mut a = App::new(l.kb, l.label, 80, 24);
        press(&mut a, "5O");
        assert!(a.reader.is_none());
        assert!(a.status.starts_with("no archived text for "), "{}", a.status);
    }
}

#[cfg(test)]
mod reload_tests {
    use super::super::Msg;
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    /// A reload (`r`) reads the archive again: the open reader shows the new text, and a quote
    /// the new text no longer holds is no longer marked.
    #[test]
    fn a_reload_reads_the_archive_again() {
        let dir = tempfile::tempdir().unwrap();
        let src = std::path::Path::new("tests/fixtures/good/archived_reader");
        std::fs::create_dir(dir.path().join("archive")).unwrap();
        std::fs::copy(src.join("kb.toml"), dir.path().join("kb.toml")).unwrap();
        let art = dir.path().join("archive/harbor-review.txt");
        std::fs::copy(src.join("archive/harbor-review.txt"), &art).unwrap();
        let l = crate::kb::load_path(dir.path());
        assert!(l.is_ok());
        let mut a = App::new(l.kb, l.label, 80, 24);
        a.kb_path = Some(dir.path().to_path_buf());
        a.update(Msg::Key(KeyEvent::new(KeyCode::Char('5'), KeyModifiers::NONE)));
        a.update(Msg::Key(KeyEvent::new(KeyCode::Char('O'), KeyModifiers::NONE)));
        assert_eq!(a.reader.as_ref().unwrap().reader.passages.len(), 4);
        // Still every quote's article (so the KB stays valid), with a new last line.
        let text = std::fs::read_to_string(&art).unwrap();
        std::fs::write(&art, format!("{text}\n新加的一行。")).unwrap();
        a.reader = None;
        a.reload();
        a.settle();
        assert!(a.status.starts_with("reloaded"), "{}", a.status);
        a.update(Msg::Key(KeyEvent::new(KeyCode::Char('O'), KeyModifiers::NONE)));
        let r = a.reader.as_ref().expect("open");
        assert!(r.reader.article.text.ends_with("新加的一行。"));
        // With the reader open, a reload puts the new KB's article in it.
        std::fs::write(&art, format!("{text}\n又一行。")).unwrap();
        a.reload();
        a.settle();
        let r = a.reader.as_ref().expect("still open");
        assert!(r.reader.article.text.ends_with("又一行。"));
        assert_eq!(r.reader.passages.len(), 4);
    }
}
