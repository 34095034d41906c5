//! The knowledge-base records, exactly as written in TOML. `docs/kb-format.md` documents every field;
//! the JSON Schema (`marketlens schema`) is derived from these types.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::number::{Currency, Qualifier, Unit};
use super::period::Period;
use super::terms::{Direction, Role, Status, Topic};
use super::value::Value;

/// Where a record was read from: which loaded file, its index among that file's records of the same
/// kind, and its byte span. Diagnostics find field positions through it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    pub file: usize,
    pub index: usize,
    pub span: std::ops::Range<usize>,
}

/// One KB file as written: the root of the JSON Schema. The loader reads each record on its own so
/// that one bad record does not hide the problems of the next.
#[derive(Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "marketlens knowledge base",
    description = "A marketlens KB file: sources, vendors, executives, deals, series, reports and facts. See docs/kb-format.md."
)]
pub struct KbFile {
    #[serde(default)]
    pub source: Vec<Source>,
    #[serde(default)]
    pub vendor: Vec<Vendor>,
    #[serde(default)]
    pub executive: Vec<Executive>,
    #[serde(default)]
    pub deal: Vec<Deal>,
    #[serde(default)]
    pub series: Vec<Series>,
    #[serde(default)]
    pub report: Vec<Report>,
    #[serde(default)]
    pub fact: Vec<Fact>,
}

/// An article or report that facts are taken from.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    /// Headline as published.
    pub title: String,
    /// Outlet, e.g. `雷峰网`.
    pub publisher: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Publication date.
    pub date: Period,
    /// Why the date was inferred, when the source itself does not give one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inferred: Option<String>,
    /// File name of the archived copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
    /// The article's archived text, a path relative to the KB (the `--kb` folder, or the folder of
    /// a one-file KB): `check` verifies every quote citing this source against it
    /// (see `kb::quotes` for the rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

/// A company or cloud business.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    pub id: String,
    /// As written in the source, e.g. `阿里云`.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// What the organisation is: a cloud business (the default), a parent group, an analyst firm …
    #[serde(default, skip_serializing_if = "Role::is_cloud")]
    pub role: Role,
    /// The parent group: a vendor id (`alibaba`), or, as in format 1, its name as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The month its fiscal year ends (Microsoft: 6), when a source states it; `FY2025` figures of
    /// it and its units are then placed at their real span.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fiscal_year_end: Option<u8>,
    /// Home market: `China`, `Global`, `US` …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// What it sells: `IaaS`, `PaaS`, `MaaS`, `GPU` …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

/// A named person, with a career history.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Executive {
    pub id: String,
    /// As written, e.g. `储瑞松`.
    pub name: String,
    /// English or pinyin name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// Current employer, when it is a vendor in the KB (a vendor id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// Current employer otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    /// Current title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub career: Vec<CareerMove>,
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

/// One dated step of a career: joining, leaving or changing role.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CareerMove {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Period>,
    /// Vendor id left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Organisation left, when not a vendor in the KB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_org: Option<String>,
    /// Vendor id joined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Organisation joined, when not a vendor in the KB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_org: Option<String>,
    /// Role taken (or held, for a departure).
    pub role: String,
    /// `rumour` for a move the source only reports as talk; `plan` for an announced one.
    #[serde(default, skip_serializing_if = "Status::is_actual")]
    pub status: Status,
    /// Why the date was inferred, when the source does not state it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inferred: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Source id; defaults to the executive's sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DealKind {
    Order,
    Contract,
    Procurement,
    Migration,
    Investment,
    Partnership,
    JointVenture,
    Acquisition,
    PriceChange,
    Launch,
    Discontinuation,
    Reorganisation,
    Layoff,
    Incident,
    DataCenter,
    Other,
}

impl DealKind {
    pub const ALL: [DealKind; 16] = [
        DealKind::Order,
        DealKind::Contract,
        DealKind::Procurement,
        DealKind::Migration,
        DealKind::Investment,
        DealKind::Partnership,
        DealKind::JointVenture,
        DealKind::Acquisition,
        DealKind::PriceChange,
        DealKind::Launch,
        DealKind::Discontinuation,
        DealKind::Reorganisation,
        DealKind::Layoff,
        DealKind::Incident,
        DealKind::DataCenter,
        DealKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DealKind::Order => "order",
            DealKind::Contract => "contract",
            DealKind::Procurement => "procurement",
            DealKind::Migration => "migration",
            DealKind::Investment => "investment",
            DealKind::Partnership => "partnership",
            DealKind::JointVenture => "joint-venture",
            DealKind::Acquisition => "acquisition",
            DealKind::PriceChange => "price-change",
            DealKind::Launch => "launch",
            DealKind::Discontinuation => "discontinuation",
            DealKind::Reorganisation => "reorganisation",
            DealKind::Layoff => "layoff",
            DealKind::Incident => "incident",
            DealKind::DataCenter => "data-center",
            DealKind::Other => "other",
        }
    }

    /// The Chinese name, so `kind:迁移` works and `迁移` finds migrations.
    pub fn zh(self) -> &'static str {
        match self {
            DealKind::Order => "订单",
            DealKind::Contract => "合同",
            DealKind::Procurement => "采购",
            DealKind::Migration => "迁移",
            DealKind::Investment => "投资",
            DealKind::Partnership => "合作",
            DealKind::JointVenture => "合资",
            DealKind::Acquisition => "收购",
            DealKind::PriceChange => "调价",
            DealKind::Launch => "发布",
            DealKind::Discontinuation => "下线",
            DealKind::Reorganisation => "调整",
            DealKind::Layoff => "裁员",
            DealKind::Incident => "故障",
            DealKind::DataCenter => "节点",
            DealKind::Other => "其他",
        }
    }
}

/// Money: `{ value = "10亿", currency = "CNY", qualifier = "over" }`.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Amount {
    /// One number or a range (`"20-30亿"`).
    pub value: Value,
    pub currency: Currency,
    #[serde(default, skip_serializing_if = "Qualifier::is_exact")]
    pub qualifier: Qualifier,
}

impl Deal {
    /// Which way a price change went: its `direction`, else the sign of its `change` (a range
    /// across zero says neither).
    pub fn went(&self) -> Option<Direction> {
        self.direction.or_else(|| {
            let c = self.change?;
            if c.lo > 0.0 {
                Some(Direction::Up)
            } else if c.hi < 0.0 {
                Some(Direction::Down)
            } else {
                None
            }
        })
    }
}

impl Amount {
    /// `>10亿元`, `~$1.5B`, `20–30亿元`.
    pub fn human(&self) -> String {
        let money = |v| super::number::human_money(v, self.currency);
        format!("{}{}", self.qualifier.prefix(), self.value.show(money))
    }
}

/// An order, contract, migration, investment, partnership, price change …
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deal {
    pub id: String,
    pub title: String,
    pub kind: DealKind,
    /// Vendor ids on the selling / acting side.
    pub vendors: Vec<String>,
    /// Customer, partner or investee, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterparty: Option<String>,
    /// For a migration: the vendor id the customer left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_vendor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    /// For a price change: by how much, in percent, signed (`"+15%"`, `"-12%..-10%"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<Value>,
    /// For a price change whose size the source does not give: which way it went (`up`, `down`).
    /// With a `change`, it must agree with the change's sign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// The product or service concerned, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// The series (an id) whose figures this changes, e.g. a price series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Period>,
    /// Why the date was inferred, when the source does not state it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inferred: Option<String>,
    /// How sure it is: `actual` (default), `plan`, `rumour` …
    #[serde(default, skip_serializing_if = "Status::is_actual")]
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Metric {
    Revenue,
    Growth,
    MarketShare,
    GpuRevenue,
    Capex,
    Price,
    Profit,
    Customers,
    Rank,
    Other,
}

impl Metric {
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Revenue => "revenue",
            Metric::Growth => "growth",
            Metric::MarketShare => "market-share",
            Metric::GpuRevenue => "gpu-revenue",
            Metric::Capex => "capex",
            Metric::Price => "price",
            Metric::Profit => "profit",
            Metric::Customers => "customers",
            Metric::Rank => "rank",
            Metric::Other => "other",
        }
    }
}

/// A named series of dated figures for a vendor or a market.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Series {
    pub id: String,
    pub name: String,
    /// Whose figure it is (a vendor id) …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// The market it measures (`中国AI云`); with a vendor, the market the vendor's share or rank is
    /// of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market: Option<String>,
    /// What is measured: `revenue`, `token-calls`, `iaas-revenue` …; `not-stated` when the source
    /// does not say. Figures on different bases are never ranked together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    /// A business segment of the vendor, when the figure is not the whole vendor's
    /// (`金融科技及企业服务`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    pub metric: Metric,
    pub unit: Unit,
    /// The report the figures come from: a `[[report]]` id, or (as in format 1) text such as `IDC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    pub sources: Vec<String>,
    pub points: Vec<Point>,
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
    /// The month its `FY` periods end: its vendor's `fiscal_year_end`, else the vendor's parent's
    /// (derived when the KB's index is set, [`super::Kb::set_index`]; `None` until then and for
    /// a vendor that declares none).
    #[serde(skip)]
    #[schemars(skip)]
    pub fy_end: Option<u8>,
}

/// One dated value of a series.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Point {
    pub period: Period,
    /// One number or a range (`"20-30亿"`, `"10%-12%"`), in the series' unit.
    pub value: Value,
    #[serde(default, skip_serializing_if = "Qualifier::is_exact")]
    pub qualifier: Qualifier,
    /// `actual` (default), `estimate`, `forecast`, `target`, `guidance`, `plan`, `rumour`, `opinion`.
    #[serde(default, skip_serializing_if = "Status::is_actual")]
    pub status: Status,
    /// Why the period was inferred, when the source does not state it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inferred: Option<String>,
    /// The report this figure comes from, when not the series' (a `[[report]]` id or text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
    /// Source id stating it; needed when the series cites several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Series {
    /// Points in period order (stable for conflicting points of the same period), a fiscal year
    /// at its real span when the vendor declares when its year ends.
    pub fn sorted_points(&self) -> Vec<&Point> {
        let mut v: Vec<&Point> = self.points.iter().collect();
        v.sort_by_key(|p| self.when(p.period));
        v
    }

    /// The latest point: the last of those with the greatest period, as a stable sort puts it.
    pub fn latest(&self) -> Option<&Point> {
        self.points.iter().max_by_key(|p| self.when(p.period))
    }

    /// Where one of its periods sorts ([`Period::key_in`] with its fiscal year's end).
    pub fn when(&self, p: Period) -> super::period::PeriodKey {
        p.key_in(self.fy_end)
    }

    /// A period of this series as the detail shows it: `FY2025 (Apr 2024 – Mar 2025)`.
    pub fn describe_period(&self, p: Period) -> String {
        p.describe_in(self.fy_end)
    }
}

/// A report a figure comes from: an analyst firm's study, a company's earnings report, an internal
/// reckoning. Series and points name it in `report`.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub id: String,
    /// Who published it: a vendor id (an analyst firm, the company itself) or its name as text.
    pub publisher: String,
    /// The report's title as written, if the source gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The period it covers, if stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// When it was published, if stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Period>,
    /// Why the period or date was inferred, when the source does not state it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inferred: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

/// A checkable statement that is not a series of figures, a deal or a career move: a ranking, a
/// rivalry, a KPI, how a group is organised, how concentrated a market is.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    pub id: String,
    pub topic: Topic,
    /// Ids of the records the statement is about (at least one).
    pub subject: Vec<String>,
    /// Ids on the other side, if any: the rival, the customer, the unit merged into.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub object: Vec<String>,
    /// The statement, short, in the source's words.
    pub text: String,
    /// The market a ranking or share is of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market: Option<String>,
    /// What a ranking is measured by (`revenue`, `usage` …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    /// The report it comes from: a `[[report]]` id or text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
    /// A position, 1 = first, for a ranking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
    /// A figure the statement gives (`超过七成` → `70`, unit `%`, qualifier `over`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// The unit of `value` (required with it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
    #[serde(default, skip_serializing_if = "Qualifier::is_exact")]
    pub qualifier: Qualifier,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inferred: Option<String>,
    #[serde(default, skip_serializing_if = "Status::is_actual")]
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

/// The sources a record cites (its own `sources`, and those of its career moves or points): what
/// a source's "Cited by" lists (`Relations::source_citers`). Every kind says (the relations ask
/// each kind through `with_record!`).
pub trait Cites {
    fn cited(&self) -> impl Iterator<Item = &String>;
}

impl Cites for Source {
    fn cited(&self) -> impl Iterator<Item = &String> {
        std::iter::empty()
    }
}

impl Cites for Vendor {
    fn cited(&self) -> impl Iterator<Item = &String> {
        self.sources.iter()
    }
}

impl Cites for Executive {
    fn cited(&self) -> impl Iterator<Item = &String> {
        let career = self.career.iter().filter_map(|m| m.source.as_ref());
        self.sources.iter().chain(career)
    }
}

impl Cites for Deal {
    fn cited(&self) -> impl Iterator<Item = &String> {
        self.sources.iter()
    }
}

impl Cites for Series {
    fn cited(&self) -> impl Iterator<Item = &String> {
        let points = self.points.iter().filter_map(|p| p.source.as_ref());
        self.sources.iter().chain(points)
    }
}

impl Cites for Report {
    fn cited(&self) -> impl Iterator<Item = &String> {
        self.sources.iter()
    }
}

impl Cites for Fact {
    fn cited(&self) -> impl Iterator<Item = &String> {
        self.sources.iter()
    }
}
