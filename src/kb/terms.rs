//! Small vocabularies of the v2 format: a figure's status, an organisation's role, a fact's topic
//! and a price change's direction. Each is
//! declared once here with its TOML word, its Chinese word (so `status:目标` works) and the cue
//! tables and charts show after a value.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How sure a figure, deal or move is, as the article words it. The hedge that decided it
/// ("可能", "或将", "传言", "测算", "目标") stays in the record's quote.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Stated as fact (the default).
    #[default]
    Actual,
    /// Worked out or estimated by someone (测算, 估计, 约合 by the author).
    Estimate,
    /// A forecast of the future (预计, 预测, 将达到).
    Forecast,
    /// A goal someone set (目标, 冲刺, KPI).
    Target,
    /// A company's own outlook (指引, 展望).
    Guidance,
    /// An announced plan (计划, 拟, 将).
    Plan,
    /// Unconfirmed: rumour or hedged hearsay (传言, 据传, 有消息称, 可能, 或将).
    Rumour,
    /// A judgement someone makes, with no figure behind it (the author's or 从业者's view:
    /// "阿里云位置最稳").
    Opinion,
}

macro_rules! words {
    ($t:ty { $($v:ident => $word:literal, $zh:literal, $cue:literal;)* }) => {
        impl $t {
            pub const ALL: &'static [$t] = &[$(<$t>::$v),*];
            /// The word in TOML and queries: `estimate`.
            pub fn as_str(self) -> &'static str {
                match self { $(<$t>::$v => $word),* }
            }
            /// The Chinese word, accepted in queries: `估计`.
            pub fn zh(self) -> &'static str {
                match self { $(<$t>::$v => $zh),* }
            }
            /// The short cue shown after a value in tables and charts (empty: none).
            pub fn cue(self) -> &'static str {
                match self { $(<$t>::$v => $cue),* }
            }
            /// By its word or its Chinese word, case-insensitive.
            pub fn from_word(s: &str) -> Option<$t> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(s) || v.zh() == s)
            }
        }
    };
}

words!(Status {
    Actual => "actual", "实际", "";
    Estimate => "estimate", "估计", "est";
    Forecast => "forecast", "预测", "fcst";
    Target => "target", "目标", "target";
    Guidance => "guidance", "指引", "guid";
    Plan => "plan", "计划", "plan";
    Rumour => "rumour", "传言", "rumour";
    Opinion => "opinion", "观点", "view";
});

impl Status {
    pub fn is_actual(&self) -> bool {
        *self == Status::Actual
    }
}

/// What an organisation record is. Cloud businesses, their parent groups, analyst firms,
/// customers and chip makers are all `[[vendor]]` records, so every reference (a series' vendor,
/// a deal's vendors, an executive's employer, a parent) can point at any of them;
/// `docs/kb-format.md` says why this is a role and not a kind.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A cloud business (the default): 阿里云, AWS.
    #[default]
    Cloud,
    /// A parent group: 阿里巴巴, 腾讯, 字节跳动.
    Group,
    /// An analyst or research firm, or a broker's research: IDC, Omdia, 国联证券.
    Analyst,
    /// A customer or user of cloud services: T3出行.
    Customer,
    /// A maker of chips or servers: 英伟达.
    Chipmaker,
    Other,
}

words!(Role {
    Cloud => "cloud", "云厂商", "";
    Group => "group", "集团", "";
    Analyst => "analyst", "研究机构", "";
    Customer => "customer", "客户", "";
    Chipmaker => "chipmaker", "芯片厂商", "";
    Other => "other", "其他", "";
});

impl Role {
    pub fn is_cloud(&self) -> bool {
        *self == Role::Cloud
    }
}

/// What a `[[fact]]` states.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Topic {
    /// A position among others: 第一, 前四, 领跑.
    Ranking,
    /// Who competes with whom: 最大的对手.
    Rivalry,
    /// A goal or yardstick set for a team, with or without a figure: 考核, 指标.
    Kpi,
    /// A direction taken: 降本增效, 出海.
    Strategy,
    /// How an organisation is put together: 并入, 旗下, 事业部.
    Structure,
    /// A region, node or data centre.
    Node,
    /// How much of a market a few players hold: 超过七成.
    Concentration,
    /// A product and what it is.
    Product,
    /// A rule or policy: 东数西算, export controls.
    Policy,
    Other,
}

words!(Topic {
    Ranking => "ranking", "排名", "";
    Rivalry => "rivalry", "竞争", "";
    Kpi => "kpi", "考核", "";
    Strategy => "strategy", "战略", "";
    Structure => "structure", "架构", "";
    Node => "node", "节点", "";
    Concentration => "concentration", "集中度", "";
    Product => "product", "产品", "";
    Policy => "policy", "政策", "";
    Other => "other", "其他", "";
});

/// Which way a price moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Up,
    Down,
}

words!(Direction {
    Up => "up", "涨价", "↑";
    Down => "down", "降价", "↓";
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_through_serde_and_queries() {
        for &s in Status::ALL {
            let t: toml::Value = toml::from_str(&format!("v = \"{}\"", s.as_str())).unwrap();
            let back: Status = t["v"].clone().try_into().unwrap();
            assert_eq!(back, s);
            assert_eq!(Status::from_word(s.zh()), Some(s));
            assert_eq!(Status::from_word(&s.as_str().to_uppercase()), Some(s));
        }
        for &t in Topic::ALL {
            assert_eq!(Topic::from_word(t.as_str()), Some(t));
            assert_eq!(Topic::from_word(t.zh()), Some(t));
        }
        for &r in Role::ALL {
            let t: toml::Value = toml::from_str(&format!("v = \"{}\"", r.as_str())).unwrap();
            let back: Role = t["v"].clone().try_into().unwrap();
            assert_eq!(back, r);
            assert_eq!(Role::from_word(r.zh()), Some(r));
        }
    }

    #[test]
    fn only_actual_figures_go_without_a_cue() {
        for &s in Status::ALL {
            assert_eq!(s.cue().is_empty(), s.is_actual(), "{s:?}");
        }
        assert_eq!(Status::default(), Status::Actual);
        assert_eq!(Role::default(), Role::Cloud);
    }
}
