//! A synthetic KB generator for benchmarks and stress tests: records spread over the five kinds in
//! roughly the proportions of a real KB, mixed CJK/ASCII names, every reference resolving, so the
//! result checks clean. Deterministic for a given seed.

use std::fmt::Write as _;

const CJK: &[&str] = &[
    "阿里",
    "云",
    "火山",
    "引擎",
    "华为",
    "腾讯",
    "百度",
    "智能",
    "天翼",
    "移动",
    "联通",
    "京东",
    "金山",
    "浪潮",
    "计算",
    "数据",
    "科技",
    "网络",
    "算力",
    "模型",
    "星河",
    "凌云",
    "储",
    "瑞",
    "松",
    "张",
    "王",
    "李",
    "刘",
    "销售",
    "迁移",
    "字节",
    "跳动",
    "亚马逊",
    "微软",
    "甲骨文",
    "政务",
    "金融",
    "大模型",
    "出海",
    "采购",
    "中标",
    "合作",
    "战略",
    "平台",
    "服务",
    "区域",
    "华东",
    "华南",
];
const ASCII: &[&str] = &[
    "cloud",
    "data",
    "compute",
    "nova",
    "sky",
    "apex",
    "quant",
    "tera",
    "hyper",
    "edge",
    "core",
    "orbit",
    "vector",
    "delta",
    "prime",
    "alibaba",
    "tiktok",
    "aws",
    "azure",
    "oracle",
    "gpu",
    "ai",
    "saas",
    "bytedance",
    "huawei",
    "tencent",
    "baidu",
    "migration",
    "sales",
    "region",
    "china",
    "global",
];

/// A small deterministic random generator, for test data (here and in tests elsewhere).
pub struct Rng(u64);
impl Rng {
    pub fn new(seed: u64) -> Rng {
        // xorshift never leaves zero.
        Rng(seed | 1)
    }
    fn next(&mut self) -> u64 {
        // xorshift64*: tiny, deterministic, good enough for test data.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[(self.next() % v.len() as u64) as usize]
    }
    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn name(r: &mut Rng) -> String {
    let mut s = String::new();
    for _ in 0..(2 + r.below(3)) {
        s.push_str(r.pick(CJK));
    }
    // Half the names get an English word, a quarter of those a second one ("alibaba cloud").
    if r.below(2) == 0 {
        s.push(' ');
        s.push_str(r.pick(ASCII));
        if r.below(4) == 0 {
            s.push(' ');
            s.push_str(r.pick(ASCII));
        }
    }
    s
}

/// A KB of about `records` records as TOML text.
pub fn generate(records: usize, seed: u64) -> String {
    let mut r = Rng(seed.max(1));
    let sources = (records / 100).max(1);
    let vendors = (records / 10).max(1);
    let executives = (records / 5).max(1);
    let series = (records / 10).max(1);
    let deals = records
        .saturating_sub(sources + vendors + executives + series)
        .max(1);
    let mut s = String::with_capacity(records * 220);
    for i in 0..sources {
        let _ = write!(
            s,
            "[[source]]\nid = \"src-{i}\"\ntitle = \"{} report {i}\"\npublisher = \"{}\"\ndate = 2025-{:02}-{:02}\n\n",
            name(&mut r),
            name(&mut r),
            1 + r.below(12),
            1 + r.below(28)
        );
    }
    let src = |r: &mut Rng| format!("src-{}", r.below(sources as u64));
    for i in 0..vendors {
        let _ = write!(
            s,
            "[[vendor]]\nid = \"v-{i}\"\nname = \"{}\"\nname_en = \"{} {i}\"\naliases = [\"{}\"]\nsegments = [\"IaaS\", \"GPU\"]\nsummary = \"{}\"\nsources = [\"{}\"]\n\n",
            name(&mut r),
            r.pick(ASCII),
            r.pick(ASCII),
            name(&mut r),
            src(&mut r)
        );
    }
    for i in 0..executives {
        let v = r.below(vendors as u64);
        let _ = write!(
            s,
            "[[executive]]\nid = \"e-{i}\"\nname = \"{}\"\nvendor = \"v-{v}\"\ntitle = \"总裁\"\nsources = [\"{}\"]\n\n  [[executive.career]]\n  date = \"20{:02}-Q{}\"\n  to = \"v-{v}\"\n  role = \"总裁\"\n\n",
            name(&mut r),
            src(&mut r),
            15 + r.below(11),
            1 + r.below(4)
        );
    }
    const KINDS: &[&str] = &[
        "order",
        "migration",
        "investment",
        "partnership",
        "price-change",
        "contract",
    ];
    for i in 0..deals {
        let _ = write!(
            s,
            "[[deal]]\nid = \"d-{i}\"\ntitle = \"{}\"\nkind = \"{}\"\nvendors = [\"v-{}\"]\ncounterparty = \"{}\"\namount = {{ value = \"{}亿\", currency = \"CNY\", qualifier = \"over\" }}\ndate = \"20{:02}-{:02}\"\nsources = [\"{}\"]\n\n",
            name(&mut r),
            r.pick(KINDS),
            r.below(vendors as u64),
            name(&mut r),
            1 + r.below(500),
            20 + r.below(6),
            1 + r.below(12),
            src(&mut r)
        );
    }
    for i in 0..series {
        let _ = write!(
            s,
            "[[series]]\nid = \"s-{i}\"\nname = \"{} 营收增速\"\nvendor = \"v-{}\"\nmetric = \"growth\"\nunit = \"%\"\nsources = [\"{}\"]\npoints = [",
            name(&mut r),
            r.below(vendors as u64),
            src(&mut r)
        );
        for q in 1..=4 {
            let _ = write!(s, "{{ period = \"2025-Q{q}\", value = {} }}, ", r.below(60));
        }
        s.push_str("]\n\n");
    }
    s
}

/// The KB `generate(records, seed)` describes, parsed on every core and not validated: for
/// benchmarks that need a big KB fast. Same records in the same order as loading the text with
/// `kb::load::load_files` (origins name file 0 and the record's index, without a span).
pub fn kb(records: usize, seed: u64) -> crate::kb::Kb {
    // Pieces of a few MB: one 200 MB document parses several times slower than its pieces.
    parse(&generate(records, seed), 4 << 20)
}

/// Parse generated text in pieces of about `piece` bytes, cut at record headers
/// (`[[executive.career]]` is indented, so never a cut), one thread per core.
fn parse(text: &str, piece: usize) -> crate::kb::Kb {
    use crate::kb::model::KbFile;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let mut parts = Vec::new();
    let mut start = 0;
    while text.len() - start > piece {
        let at = start + piece;
        match text.as_bytes()[at..].windows(4).position(|w| w == b"\n\n[[") {
            Some(off) => {
                parts.push(&text[start..at + off + 2]);
                start = at + off + 2;
            }
            None => break,
        }
    }
    parts.push(&text[start..]);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, parts.len());
    let next = AtomicUsize::new(0);
    let parsed: Vec<Mutex<Option<KbFile>>> = parts.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(p) = parts.get(i) else { break };
                    let f = toml::from_str::<KbFile>(p).expect("synthetic KB parses");
                    *parsed[i].lock().expect("no panics while held") = Some(f);
                }
            });
        }
    });
    let files = parsed
        .into_iter()
        .map(|m| m.into_inner().ok().flatten().expect("every piece parsed"));
    let mut kb = crate::kb::Kb::default();
    for f in files {
        kb.sources.extend(f.source);
        kb.vendors.extend(f.vendor);
        kb.executives.extend(f.executive);
        kb.deals.extend(f.deal);
        kb.series.extend(f.series);
        kb.reports.extend(f.report);
        kb.facts.extend(f.fact);
    }
    fn number<T>(v: &mut [T], origin: impl Fn(&mut T) -> &mut crate::kb::model::Origin) {
        for (index, r) in v.iter_mut().enumerate() {
            *origin(r) = crate::kb::model::Origin {
                file: 0,
                index,
                span: 0..0,
            };
        }
    }
    number(&mut kb.sources, |r| &mut r.origin);
    number(&mut kb.vendors, |r| &mut r.origin);
    number(&mut kb.executives, |r| &mut r.origin);
    number(&mut kb.deals, |r| &mut r.origin);
    number(&mut kb.series, |r| &mut r.origin);
    number(&mut kb.reports, |r| &mut r.origin);
    number(&mut kb.facts, |r| &mut r.origin);
    kb.build_index();
    kb
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_kb_checks_clean_with_the_requested_size() {
        let text = super::generate(2_000, 7);
        let l = crate::kb::load::load_files(
            "synth".into(),
            vec![crate::kb::SourceFile {
                name: "synth.toml".into(),
                text,
            }],
            Vec::new(),
        );
        assert!(l.is_ok(), "{}", l.render_diagnostics());
        let c = l.kb.counts();
        assert_eq!(c.sources + c.vendors + c.executives + c.deals + c.series, 2_000);
        // The fast path builds the same records in the same order, in one piece or many.
        let json = |k: &crate::kb::Kb| {
            serde_json::to_string(&(&k.sources, &k.vendors, &k.executives, &k.deals, &k.series)).unwrap()
        };
        let slow = json(&l.kb);
        for fast in [
            super::kb(2_000, 7),
            super::parse(&super::generate(2_000, 7), 10_000),
        ] {
            assert_eq!(fast.counts(), c);
            assert_eq!(json(&fast), slow);
            assert_eq!(fast.relations().source_citers, l.kb.relations().source_citers);
            assert_eq!(fast.deals[5].origin.index, 5);
        }
    }
}
