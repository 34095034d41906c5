//! Arbitrary bytes as one KB file: the loader and validator must never panic, every diagnostic
//! must render, and a KB that loads must give every tab's rows, every record's detail and the
//! text exports without panicking. See docs/testing.md for how to run it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use marketlens::export::{self, Format};
use marketlens::kb::{self, Kind};
use marketlens::view::{self, Tab, Target};

fuzz_target!(|data: &[u8]| {
    let loaded = kb::load::load_bytes("fuzz.toml", data.to_vec());
    for d in &loaded.diagnostics {
        let _ = d.headline(&loaded.files);
        let _ = d.line_col(&loaded.files);
    }
    let rendered = loaded.render_diagnostics();
    assert!(
        !rendered
            .chars()
            .any(|c| marketlens::text::is_unsafe(c) && c != '\n'),
        "a diagnostic let an unsafe character through: {rendered:?}"
    );
    if !loaded.is_ok() {
        return;
    }
    let kb = &loaded.kb;
    let _ = kb.conflicts();
    let _ = marketlens::cli::summary(&loaded);
    let meta = export::Meta::default();
    for tab in Tab::ALL {
        let v = view::table(kb, tab);
        for format in [Format::Txt, Format::Md, Format::Csv] {
            let _ = export::view(kb, &v, &meta, format);
        }
    }
    let targets = kb
        .sources
        .iter()
        .map(|r| (Kind::Source, &r.id))
        .chain(kb.vendors.iter().map(|r| (Kind::Vendor, &r.id)))
        .chain(kb.executives.iter().map(|r| (Kind::Executive, &r.id)))
        .chain(kb.deals.iter().map(|r| (Kind::Deal, &r.id)))
        .chain(kb.series.iter().map(|r| (Kind::Series, &r.id)))
        .chain(kb.reports.iter().map(|r| (Kind::Report, &r.id)))
        .chain(kb.facts.iter().map(|r| (Kind::Fact, &r.id)));
    for (kind, id) in targets.take(64) {
        let target = Target { kind, id: id.clone() };
        if let Some(d) = view::detail(kb, &target) {
            let _ = export::record(kb, &d, Format::Txt);
        }
    }
});
