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
    // The format-2 records (see [`v2`]) come out of the deals' share, so the total holds.
    let extra = V2::sized(records);
    let deals = records
        .saturating_sub(sources + vendors + executives + series + extra.records())
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
    extra.write(&mut s, seed, sources, vendors);
    s
}

/// `generate`'s text as a file of KB format 2 (`format = 2` first): ids in `report` fields must
/// then name a `[[report]]`, and market shares say their market and basis, as they do here.
pub fn generate_file(records: usize, seed: u64) -> String {
    let mut s = String::from("format = 2\n\n");
    s.push_str(&generate(records, seed));
    s
}

/// Markets a share is of.
const MARKETS: &[&str] = &[
    "中国AI云",
    "中国公有云IaaS",
    "全球云基础设施",
    "中国大模型公有云",
    "中国政务云",
    "中国金融云",
    "亚太公有云",
    "中国游戏云",
    "全球GPU云",
    "中国AI算力",
    "中国边缘云",
    "中国私有云",
];
/// What a share is measured by.
const BASES: &[&str] = &["revenue", "token-calls", "not-stated", "capacity"];
/// Who publishes market reports (plain text, not vendor ids).
const PUBLISHERS: &[&str] = &["IDC", "Omdia", "Canalys", "Gartner", "Synergy", "沙利文", "赛迪"];
/// Figure statuses other than `actual`, and qualifiers other than exact.
const STATUSES: &[&str] = &["estimate", "forecast", "target", "guidance", "plan", "rumour"];
const QUALIFIERS: &[&str] = &["about", "over", "under", "nearly", "up-to", "at-least"];
const DEAL_KINDS: &[&str] = &[
    "order",
    "contract",
    "procurement",
    "migration",
    "investment",
    "partnership",
    "joint-venture",
    "acquisition",
    "price-change",
    "launch",
    "data-center",
];

/// A period of `y` at a random granularity: a quarter mostly, else a half, a month, a day or the
/// year (so a timeline and a chart meet mixed granularities, as in real articles).
fn period(r: &mut Rng, y: u64) -> String {
    match r.below(10) {
        0..=4 => format!("{y}-Q{}", 1 + r.below(4)),
        5 => format!("{y}-H{}", 1 + r.below(2)),
        6 | 7 => format!("{y}-{:02}", 1 + r.below(12)),
        8 => format!("{y}-{:02}-{:02}", 1 + r.below(12), 1 + r.below(28)),
        _ => format!("{y}"),
    }
}

/// A quarter, half-year or year of 2023–2025: what a market report covers.
fn coarse(r: &mut Rng) -> String {
    let y = 2023 + r.below(3);
    match r.below(3) {
        0 => format!("{y}-Q{}", 1 + r.below(4)),
        1 => format!("{y}-H{}", 1 + r.below(2)),
        _ => format!("{y}"),
    }
}

/// The records of KB format 2 a synthetic KB has besides the plain ones: `[[report]]`s, market
/// shares of named markets on stated bases (some points ranges, qualified, or not actual),
/// revenue series mixing half-years and quarters, executives with several moves between vendors,
/// deals of every kind (price changes with their direction and size, amounts in USD or CNY,
/// some ranges) and `[[fx]]` rates. Drawn from their own generator, after the plain records,
/// so those stay as they were for a seed.
struct V2 {
    reports: usize,
    shares: usize,
    revenues: usize,
    movers: usize,
    deals: usize,
}

impl V2 {
    fn sized(records: usize) -> V2 {
        // Below 1,000 records, none: the small KBs tests pin (a saved index's bytes) stay as
        // they were.
        if records < 1_000 {
            return V2 {
                reports: 0,
                shares: 0,
                revenues: 0,
                movers: 0,
                deals: 0,
            };
        }
        V2 {
            reports: (records / 500).max(2),
            shares: records / 25,
            revenues: records / 100,
            movers: records / 50,
            deals: records / 25,
        }
    }

    fn records(&self) -> usize {
        self.reports + self.shares + self.revenues + self.movers + self.deals
    }

    fn write(&self, s: &mut String, seed: u64, sources: usize, vendors: usize) {
        if self.records() == 0 {
            return;
        }
        let mut r = Rng::new(seed ^ 0x5EED_0019_A11A_0019);
        let src = |r: &mut Rng| format!("src-{}", r.below(sources as u64));
        let vendor = |r: &mut Rng| format!("v-{}", r.below(vendors as u64));
        // Reports: a publisher's study of a market over a period.
        let mut report_periods = Vec::with_capacity(self.reports);
        for i in 0..self.reports {
            let p = coarse(&mut r);
            let market = r.pick(MARKETS);
            let _ = write!(
                s,
                "[[report]]\nid = \"r-{i}\"\npublisher = \"{}\"\ntitle = \"{market}市场跟踪 {p} {i}\"\nperiod = \"{p}\"\nsources = [\"{}\"]\n\n",
                r.pick(PUBLISHERS),
                src(&mut r)
            );
            report_periods.push(p);
        }
        // Market shares: each series one vendor's share of one market on one basis, from one
        // report (a point now and then from another), one to three periods.
        for i in 0..self.shares {
            let rep = r.below(self.reports as u64) as usize;
            let market = r.pick(MARKETS);
            let basis = r.pick(BASES);
            let _ = write!(
                s,
                "[[series]]\nid = \"ms-{i}\"\nname = \"{} {market}份额\"\nvendor = \"{}\"\nmarket = \"{market}\"\nbasis = \"{basis}\"\nmetric = \"market-share\"\nunit = \"%\"\nreport = \"r-{rep}\"\nsources = [\"{}\"]\n\n",
                name(&mut r),
                vendor(&mut r),
                src(&mut r)
            );
            let mut periods = vec![report_periods[rep].clone()];
            for _ in 0..r.below(3) {
                // Shares are of quarters, half-years and years (a pivot's columns).
                let p = coarse(&mut r);
                if !periods.contains(&p) {
                    periods.push(p);
                }
            }
            for (n, p) in periods.iter().enumerate() {
                let _ = write!(s, "  [[series.points]]\n  period = \"{p}\"\n");
                let lo = 1 + r.below(40);
                if r.below(8) == 0 {
                    let _ = writeln!(s, "  value = \"{lo}%-{}%\"", lo + 1 + r.below(4));
                } else {
                    let _ = writeln!(s, "  value = {lo}.{}", r.below(10));
                }
                if r.below(5) == 0 {
                    let _ = writeln!(s, "  qualifier = \"{}\"", r.pick(QUALIFIERS));
                }
                if r.below(6) == 0 {
                    let _ = writeln!(s, "  status = \"{}\"", r.pick(STATUSES));
                }
                if n > 0 && r.below(3) == 0 {
                    let _ = writeln!(s, "  report = \"r-{}\"", r.below(self.reports as u64));
                }
                if r.below(10) == 0 {
                    s.push_str("  inferred = \"原文未写年份;据发表日期推定\"\n");
                }
                s.push('\n');
            }
        }
        // Revenue series: half-years and quarters in one series (never to be joined as if
        // consecutive), in 亿 CNY or USD, some `over`.
        for i in 0..self.revenues {
            let currency = if r.below(3) == 0 { "USD" } else { "CNY" };
            let _ = write!(
                s,
                "[[series]]\nid = \"rev-{i}\"\nname = \"{} 营收\"\nvendor = \"{}\"\nbasis = \"revenue\"\nmetric = \"revenue\"\nunit = \"{currency}\"\nsources = [\"{}\"]\n\n",
                name(&mut r),
                vendor(&mut r),
                src(&mut r)
            );
            let y = 2023 + r.below(3);
            let mut periods = vec![format!("{y}-H1")];
            for q in 3..=4 {
                if r.below(2) == 0 {
                    periods.push(format!("{y}-Q{q}"));
                }
            }
            for p in periods {
                let _ = write!(
                    s,
                    "  [[series.points]]\n  period = \"{p}\"\n  value = \"{}亿\"\n",
                    10 + r.below(700)
                );
                if r.below(4) == 0 {
                    s.push_str("  qualifier = \"over\"\n");
                }
                s.push('\n');
            }
        }
        // Executives who moved: joined one vendor, then left it for another (or for an outside
        // organisation), the later moves sometimes rumoured or planned.
        for i in 0..self.movers {
            let _ = write!(
                s,
                "[[executive]]\nid = \"em-{i}\"\nname = \"{}\"\ntitle = \"副总裁\"\nsources = [\"{}\"]\n\n",
                name(&mut r),
                src(&mut r)
            );
            let mut at = vendor(&mut r);
            let mut y = 2016 + r.below(6);
            let first = period(&mut r, y);
            let _ = write!(
                s,
                "  [[executive.career]]\n  date = \"{first}\"\n  to = \"{at}\"\n  role = \"总经理\"\n\n"
            );
            for _ in 0..1 + r.below(2) {
                y = (y + 1 + r.below(3)).min(2026);
                let date = period(&mut r, y);
                // One in five leaves for an organisation outside the KB.
                let (to, next) = if r.below(5) == 0 {
                    (format!("to_org = \"{}\"", name(&mut r)), None)
                } else {
                    let v = vendor(&mut r);
                    (format!("to = \"{v}\""), Some(v))
                };
                let _ = write!(
                    s,
                    "  [[executive.career]]\n  date = \"{date}\"\n  from = \"{at}\"\n  {to}\n  role = \"{}负责人\"\n",
                    r.pick(ASCII)
                );
                if r.below(4) == 0 {
                    let _ = writeln!(s, "  status = \"{}\"", r.pick(&["rumour", "plan", "estimate"]));
                }
                if r.below(8) == 0 {
                    s.push_str("  inferred = \"日期取自发表月份\"\n");
                }
                s.push('\n');
                match next {
                    Some(v) => at = v,
                    None => break, // gone from the vendors the KB follows
                }
            }
        }
        // Deals of every kind: price changes with a signed size and direction, migrations from
        // one vendor to another, amounts in CNY or USD (some ranges, some qualified).
        for i in 0..self.deals {
            let kind = r.pick(DEAL_KINDS);
            let _ = write!(
                s,
                "[[deal]]\nid = \"dx-{i}\"\ntitle = \"{}\"\nkind = \"{kind}\"\nvendors = [\"{}\"]\ncounterparty = \"{}\"\n",
                name(&mut r),
                vendor(&mut r),
                name(&mut r)
            );
            match kind {
                "price-change" => {
                    let lo = 1 + r.below(30);
                    let up = r.below(3) == 0;
                    let (sign, dir) = if up { ("+", "up") } else { ("-", "down") };
                    if r.below(3) == 0 {
                        let hi = lo + 1 + r.below(5);
                        let _ = if up {
                            writeln!(s, "change = \"+{lo}%..+{hi}%\"")
                        } else {
                            writeln!(s, "change = \"-{hi}%..-{lo}%\"")
                        };
                    } else {
                        let _ = writeln!(s, "change = \"{sign}{lo}%\"");
                    }
                    let _ = writeln!(s, "direction = \"{dir}\"");
                }
                _ => {
                    if kind == "migration" {
                        let _ = writeln!(s, "from_vendor = \"{}\"", vendor(&mut r));
                    }
                    let currency = if r.below(3) == 0 { "USD" } else { "CNY" };
                    let lo = 1 + r.below(300);
                    let value = if r.below(6) == 0 {
                        format!("{lo}-{}亿", lo + 1 + r.below(50))
                    } else {
                        format!("{lo}亿")
                    };
                    let qualifier = if r.below(3) == 0 {
                        format!(", qualifier = \"{}\"", r.pick(QUALIFIERS))
                    } else {
                        String::new()
                    };
                    let _ = writeln!(
                        s,
                        "amount = {{ value = \"{value}\", currency = \"{currency}\"{qualifier} }}"
                    );
                }
            }
            let y = 2022 + r.below(5);
            let date = period(&mut r, y);
            let _ = writeln!(s, "date = \"{date}\"");
            if r.below(5) == 0 {
                let _ = writeln!(s, "status = \"{}\"", r.pick(STATUSES));
            }
            if r.below(8) == 0 {
                s.push_str("inferred = \"原文未写日期;据发表日期推定\"\n");
            }
            let _ = write!(s, "sources = [\"{}\"]\n\n", src(&mut r));
        }
        // Exchange rates: a rate per year for the pairs the amounts need, and one that holds
        // any time. Last in the text (the fast parser reads them apart).
        for (y, usd) in [
            (2022, 6.73),
            (2023, 7.05),
            (2024, 7.19),
            (2025, 7.16),
            (2026, 7.1),
        ] {
            let _ = write!(
                s,
                "[[fx]]\npair = \"USD/CNY\"\nrate = {usd}\nperiod = \"{y}\"\nsources = [\"src-0\"]\n\n"
            );
        }
        s.push_str("[[fx]]\npair = \"EUR/USD\"\nrate = 1.08\nsources = [\"src-0\"]\n\n");
    }
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
    // `[[fx]]` rates come last and are not records: read apart.
    let (text, fx) = match text.find("[[fx]]\n") {
        Some(at) => (&text[..at], &text[at..]),
        None => (text, ""),
    };
    #[derive(serde::Deserialize)]
    struct Rates {
        #[serde(default)]
        fx: Vec<crate::kb::fx::Fx>,
    }
    let fx = toml::from_str::<Rates>(fx).expect("synthetic rates parse").fx;
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
    kb.fx = fx;
    number(&mut kb.fx, |r| &mut r.origin);
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
        let reports = l.kb.reports.len();
        assert_eq!(
            c.sources + c.vendors + c.executives + c.deals + c.series + reports,
            2_000
        );
        // The fast path builds the same records in the same order, in one piece or many.
        let json = |k: &crate::kb::Kb| {
            serde_json::to_string(&(
                (&k.sources, &k.vendors, &k.executives, &k.deals, &k.series),
                (&k.reports, &k.fx),
            ))
            .unwrap()
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

    /// The format-2 records are there in the proportions asked for, and as a format-2 file the
    /// KB checks without a warning (market shares state market and basis, reports resolve).
    #[test]
    fn a_format_2_file_has_markets_reports_moves_statuses_and_rates() {
        let l = crate::kb::load::load_files(
            "synth".into(),
            vec![crate::kb::SourceFile {
                name: "synth.toml".into(),
                text: super::generate_file(5_000, 3),
            }],
            Vec::new(),
        );
        assert!(l.is_ok(), "{}", l.render_diagnostics());
        assert_eq!(l.kb.formats, [2]);
        assert!(l.diagnostics.is_empty(), "{}", l.render_diagnostics());
        let kb = &l.kb;
        assert_eq!(kb.reports.len(), 10);
        assert_eq!(kb.fx.len(), 6);
        let shares: Vec<_> = kb.series.iter().filter(|s| s.id.starts_with("ms-")).collect();
        assert_eq!(shares.len(), 200);
        assert!(
            shares
                .iter()
                .all(|s| s.market.is_some() && s.basis.is_some() && s.report.is_some())
        );
        let points = || shares.iter().flat_map(|s| &s.points);
        assert!(points().any(|p| p.value.lo < p.value.hi), "some ranges");
        assert!(points().any(|p| !p.qualifier.is_exact()), "some qualified");
        assert!(points().any(|p| p.status != crate::kb::terms::Status::Actual));
        assert!(
            points().any(|p| p.report.is_some()),
            "a point from another report"
        );
        let moves = kb.executives.iter().filter(|e| e.id.starts_with("em-"));
        assert!(moves.clone().all(|e| e.career.len() >= 2));
        assert!(
            moves
                .flat_map(|e| &e.career)
                .any(|m| m.from.is_some() && m.to.is_some())
        );
        let price = kb
            .deals
            .iter()
            .filter(|d| d.kind == crate::kb::DealKind::PriceChange && d.change.is_some());
        assert!(
            price
                .clone()
                .any(|d| d.direction == Some(crate::kb::terms::Direction::Up))
        );
        assert!(
            price
                .clone()
                .any(|d| d.direction == Some(crate::kb::terms::Direction::Down))
        );
        assert!(kb.deals.iter().any(|d| {
            d.amount
                .as_ref()
                .is_some_and(|a| a.currency == crate::kb::Currency::USD)
        }));
        // Deterministic for a seed.
        assert_eq!(super::generate(5_000, 3), super::generate(5_000, 3));
    }
}
