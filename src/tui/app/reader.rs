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
