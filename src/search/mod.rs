//! Search: the query language (`query`), the index over a KB (`index`), matching and ranking
//! (`engine`), highlighting what matched (`highlight`) and a background worker that keeps all of
//! it off the UI thread (`worker`). No terminal code; the TUI and `marketlens search` share it.

pub mod engine;
pub mod highlight;
pub mod index;
pub mod pairs;
pub mod pinyin;
pub mod query;
pub mod saved;
pub mod skim;
pub mod store;
pub mod worker;

pub use engine::{Hit, Rank, Results, Scope};
pub use index::Index;
pub use query::{Query, QueryError};

/// Parse, compile and run a query in one go, on this thread: for the command line and tests.
pub fn search(ix: &Index, text: &str, scope: Scope, rank: Rank) -> Result<Results, QueryError> {
    let q = query::parse(text)?;
    let c = engine::compile(ix, &q)?;
    Ok(engine::run(ix, &c, scope, None, rank, &|| false).expect("a search nobody cancels completes"))
}

/// A hit described for people: kind, id, display name and the field that matched best.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Described {
    pub kind: &'static str,
    pub id: String,
    pub name: String,
    /// The field the first term matched best in (`"pinyin initials"`, `"summary"` …); empty when
    /// the query only filters.
    pub matched: &'static str,
    /// The text of that field (for pinyin: the text it romanizes), control characters escaped.
    pub matched_text: String,
    pub score: Option<i32>,
}

pub fn describe(ix: &Index, h: &Hit) -> Described {
    let doc = &ix.docs[h.doc as usize];
    let kb = &ix.kb;
    let i = doc.index as usize;
    let id = kb.id_at(doc.kind(), i).unwrap_or_default();
    let first = doc.fields().next().map(|i| &ix.fields[i as usize]);
    let name = first.map_or(String::new(), |f| ix.text(f).to_string());
    let (matched, matched_text) = match ix.fields.get(h.field as usize) {
        Some(f) => {
            let shown = match f.name() {
                index::FieldName::Pinyin | index::FieldName::Initials => {
                    // (`get`: a damaged saved index must not panic here.)
                    ix.fields
                        .get((doc.names().start + u32::from(f.of)) as usize)
                        .unwrap_or(f)
                }
                _ => f,
            };
            (f.name().label(), ix.text(shown).to_string())
        }
        None => ("", String::new()),
    };
    Described {
        kind: doc.kind().label(),
        id: crate::text::escape_controls(id).into_owned(),
        name,
        matched,
        matched_text,
        score: (h.field != u32::MAX).then_some(h.score),
    }
}
