//! Numbers as people write them (`635亿`, `1.5B`, `1,200万`), currencies, units and qualifiers,
//! and the human form the app prints them back in (`635亿元`, `$1.5B`).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A plain `f64` that deserializes from a TOML number or a string with a magnitude suffix.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Default)]
pub struct Num(pub f64);

/// Magnitude suffixes, longest first so `万亿` wins over `亿`.
const SUFFIXES: &[(&str, f64)] = &[
    ("万亿", 1e12),
    ("亿", 1e8),
    ("万", 1e4),
    ("bn", 1e9),
    ("K", 1e3),
    ("k", 1e3),
    ("M", 1e6),
    ("B", 1e9),
    ("T", 1e12),
];

/// The magnitude suffix `s` ends with, if any (`"30亿"` → `亿`).
pub fn suffix_of(s: &str) -> Option<&'static str> {
    SUFFIXES
        .iter()
        .find(|(suf, _)| s.trim_end().ends_with(suf))
        .map(|(suf, _)| *suf)
}

/// What a magnitude suffix multiplies by (1 for an unknown one).
pub fn suffix_factor(suffix: &str) -> f64 {
    SUFFIXES
        .iter()
        .find(|(s, _)| *s == suffix)
        .map_or(1.0, |(_, m)| *m)
}

pub const NUMBER_FORMS: &str = "expected a number such as `18.5`, `\"635亿\"`, `\"1.2万\"` or `\"1.5B\"`";

impl FromStr for Num {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        let (digits, mult) = SUFFIXES
            .iter()
            .find_map(|(suf, m)| s.strip_suffix(suf).map(|d| (d.trim_end(), *m)))
            .unwrap_or((s, 1.0));
        let cleaned: String = digits.chars().filter(|c| *c != ',' && *c != '_').collect();
        let ok_chars = !cleaned.is_empty()
            && cleaned
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
            && cleaned.chars().any(|c| c.is_ascii_digit());
        let v: f64 = if ok_chars { cleaned.parse().ok() } else { None }
            .ok_or_else(|| format!("invalid number `{raw}`: {NUMBER_FORMS}"))?;
        let v = v * mult;
        if !v.is_finite() {
            return Err(format!("number `{raw}` is too large"));
        }
        Ok(Num(v))
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.0)
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, or a string such as \"635亿\" or \"1.5B\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
                Ok(Num(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
                if v.is_finite() {
                    Ok(Num(v))
                } else {
                    let written = if v.is_nan() {
                        "nan"
                    } else if v > 0.0 {
                        "inf"
                    } else {
                        "-inf"
                    };
                    Err(E::custom(format!(
                        "`{written}` is not a usable number: write a finite number"
                    )))
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl schemars::JsonSchema for Num {
    fn schema_name() -> Cow<'static, str> {
        "Number".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A number, or a string with a magnitude suffix: 万 (1e4), 亿 (1e8), 万亿 (1e12), K, M, B/bn, T.",
            "anyOf": [
                { "type": "number" },
                { "type": "string", "pattern": "^\\s*[-+]?[0-9][0-9,_]*(\\.[0-9]+)?([eE][-+]?[0-9]+)?\\s*(万亿|亿|万|bn|[KkMBT])?\\s*$" }
            ]
        })
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
pub enum Currency {
    CNY,
    USD,
    HKD,
    EUR,
    JPY,
    GBP,
    SGD,
}

impl Currency {
    pub const ALL: [Currency; 7] = [
        Currency::CNY,
        Currency::USD,
        Currency::HKD,
        Currency::EUR,
        Currency::JPY,
        Currency::GBP,
        Currency::SGD,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Currency::CNY => "CNY",
            Currency::USD => "USD",
            Currency::HKD => "HKD",
            Currency::EUR => "EUR",
            Currency::JPY => "JPY",
            Currency::GBP => "GBP",
            Currency::SGD => "SGD",
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Currency::USD => "$",
            Currency::HKD => "HK$",
            Currency::EUR => "€",
            Currency::GBP => "£",
            Currency::SGD => "S$",
            Currency::JPY => "¥",
            Currency::CNY => "",
        }
    }

    pub fn from_code(s: &str) -> Option<Currency> {
        Currency::ALL.into_iter().find(|c| c.code() == s)
    }

    /// Names people type instead of the code, for a "did you mean" hint.
    pub fn suggest(s: &str) -> Option<Currency> {
        match s.trim().to_ascii_uppercase().as_str() {
            "RMB" | "元" | "人民币" | "YUAN" | "¥" => Some(Currency::CNY),
            "$" | "US$" | "美元" | "DOLLAR" | "USD$" => Some(Currency::USD),
            "港元" | "HK$" => Some(Currency::HKD),
            "€" | "欧元" => Some(Currency::EUR),
            "日元" | "YEN" => Some(Currency::JPY),
            other => Currency::from_code(other),
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// How exact a figure is, as the source words it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Qualifier {
    #[default]
    Exact,
    About,
    Over,
    Under,
    Nearly,
    UpTo,
    AtLeast,
}

impl Qualifier {
    pub fn is_exact(&self) -> bool {
        *self == Qualifier::Exact
    }

    /// A short prefix for display: `>635亿元`, `~$1.0B`.
    pub fn prefix(self) -> &'static str {
        match self {
            Qualifier::Exact => "",
            Qualifier::About => "~",
            Qualifier::Over => ">",
            Qualifier::Under => "<",
            Qualifier::Nearly => "≈",
            Qualifier::UpTo => "≤",
            Qualifier::AtLeast => "≥",
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::About => "about",
            Qualifier::Over => "over",
            Qualifier::Under => "under",
            Qualifier::Nearly => "nearly",
            Qualifier::UpTo => "up-to",
            Qualifier::AtLeast => "at-least",
        }
    }
}

/// The unit of a series' values.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    /// `%`: a percentage (growth, share, margin); `18` means 18 %.
    Percent,
    /// `pp`: percentage points.
    PercentPoints,
    /// A currency code: money.
    Money(Currency),
    /// `CNY/hour`: a price per something.
    Price(Currency, String),
    /// `count`: a number of things.
    Count,
    /// `x`: a multiple.
    Multiple,
    /// `rank`: a position in a ranking, 1 = first.
    Rank,
    /// `hours`, `days`, `months`, `years`: a length of time.
    Time(TimeUnit),
}

/// The lengths of time a series may count in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TimeUnit {
    Hours,
    Days,
    Months,
    Years,
}

impl TimeUnit {
    pub const ALL: [TimeUnit; 4] = [TimeUnit::Hours, TimeUnit::Days, TimeUnit::Months, TimeUnit::Years];

    /// The word in TOML: `hours`.
    pub fn word(self) -> &'static str {
        match self {
            TimeUnit::Hours => "hours",
            TimeUnit::Days => "days",
            TimeUnit::Months => "months",
            TimeUnit::Years => "years",
        }
    }

    /// The Chinese word after a number: `15小时`.
    pub fn zh(self) -> &'static str {
        match self {
            TimeUnit::Hours => "小时",
            TimeUnit::Days => "天",
            TimeUnit::Months => "个月",
            TimeUnit::Years => "年",
        }
    }
}

pub const UNIT_FORMS: &str = "expected `%`, `pp`, `count`, `x`, `rank`, `hours`, `days`, `months`, `years`, a currency code (CNY, USD, HKD, EUR, JPY, GBP, SGD) or a price such as `CNY/hour`";

impl Unit {
    /// Units whose values cannot be negative: money, prices, counts, ranks and lengths of time.
    pub fn is_amount(&self) -> bool {
        matches!(
            self,
            Unit::Money(_) | Unit::Price(..) | Unit::Count | Unit::Rank | Unit::Time(_)
        )
    }
}

impl FromStr for Unit {
    type Err = (String, Option<String>);
    /// On failure: the message and, where one fits, a suggestion.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        match t {
            "%" => return Ok(Unit::Percent),
            "pp" => return Ok(Unit::PercentPoints),
            "count" => return Ok(Unit::Count),
            "x" => return Ok(Unit::Multiple),
            "rank" => return Ok(Unit::Rank),
            _ => {}
        }
        if let Some(t) = TimeUnit::ALL.into_iter().find(|u| u.word() == t) {
            return Ok(Unit::Time(t));
        }
        let (cur, per) = match t.split_once('/') {
            Some((c, p)) => (c.trim(), Some(p.trim())),
            None => (t, None),
        };
        let Some(c) = Currency::from_code(cur) else {
            let hint = Currency::suggest(cur).map(|c| match per {
                Some(p) => format!("{c}/{p}"),
                None => c.code().to_string(),
            });
            let hint = hint.or_else(|| match t.to_ascii_lowercase().as_str() {
                "percent" | "pct" | "％" => Some("%".into()),
                "times" | "倍" => Some("x".into()),
                "个" | "家" | "number" => Some("count".into()),
                "hour" | "h" | "小时" => Some("hours".into()),
                "day" | "天" => Some("days".into()),
                "month" | "月" | "个月" => Some("months".into()),
                "year" | "年" => Some("years".into()),
                "position" | "名" | "排名" => Some("rank".into()),
                _ => None,
            });
            return Err((format!("unknown unit `{s}`: {UNIT_FORMS}"), hint));
        };
        match per {
            None => Ok(Unit::Money(c)),
            Some("") => Err((
                format!("unit `{s}` names no quantity after `/` (write e.g. `{c}/hour`)"),
                None,
            )),
            Some(p) => Ok(Unit::Price(c, p.to_string())),
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unit::Percent => f.write_str("%"),
            Unit::PercentPoints => f.write_str("pp"),
            Unit::Money(c) => f.write_str(c.code()),
            Unit::Price(c, p) => write!(f, "{c}/{p}"),
            Unit::Count => f.write_str("count"),
            Unit::Multiple => f.write_str("x"),
            Unit::Rank => f.write_str("rank"),
            Unit::Time(t) => f.write_str(t.word()),
        }
    }
}

impl Serialize for Unit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Unit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(|(msg, hint): (String, Option<String>)| {
            de::Error::custom(match hint {
                // The loader turns "; did you mean" into a help line.
                Some(h) => format!("{msg}; did you mean `{h}`?"),
                None => msg,
            })
        })
    }
}

impl schemars::JsonSchema for Unit {
    fn schema_name() -> Cow<'static, str> {
        "Unit".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": UNIT_FORMS,
            "type": "string",
            "pattern": "^(%|pp|count|x|rank|hours|days|months|years|(CNY|USD|HKD|EUR|JPY|GBP|SGD)(/.+)?)$"
        })
    }
}

/// `value` in a human unit: Chinese magnitudes for CNY (`635亿元`, `1.2万元`), short scale with a
/// symbol for other currencies (`$1.5B`), plain for everything else.
pub fn human_money(value: f64, currency: Currency) -> String {
    if currency == Currency::CNY {
        let (n, suf) = cjk_scale(value);
        return format!("{}{suf}元", trim_num(n));
    }
    let (n, suf) = short_scale(value);
    let sym = currency.symbol();
    if sym.is_empty() {
        format!("{} {}{suf}", currency.code(), trim_num(n))
    } else {
        format!("{sym}{}{suf}", trim_num(n))
    }
}

fn cjk_scale(v: f64) -> (f64, &'static str) {
    let a = v.abs();
    if a >= 1e12 {
        (v / 1e12, "万亿")
    } else if a >= 1e8 {
        (v / 1e8, "亿")
    } else if a >= 1e4 {
        (v / 1e4, "万")
    } else {
        (v, "")
    }
}

fn short_scale(v: f64) -> (f64, &'static str) {
    let a = v.abs();
    if a >= 1e12 {
        (v / 1e12, "T")
    } else if a >= 1e9 {
        (v / 1e9, "B")
    } else if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e3 {
        (v / 1e3, "K")
    } else {
        (v, "")
    }
}

/// At most two decimals, trailing zeros dropped except one decimal for a scaled value like `1.0B`.
pub fn trim_num(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// A plain number with thousands separators: `1,000,000,000`, `1,234.5`.
pub fn grouped(v: f64) -> String {
    let s = trim_num(v);
    let (sign, s) = s.strip_prefix('-').map_or(("", s.as_str()), |r| ("-", r));
    let (int, frac) = s.split_once('.').map_or((s, None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// A value in its series' unit, for tables and charts: `26%`, `635亿元`, `3.5 CNY/hour`.
pub fn human_value(value: f64, unit: &Unit) -> String {
    match unit {
        Unit::Percent => format!("{}%", trim_num(value)),
        Unit::PercentPoints => format!("{}pp", trim_num(value)),
        Unit::Money(c) => human_money(value, *c),
        Unit::Price(c, per) => {
            let m = human_money(value, *c);
            format!("{m}/{per}")
        }
        Unit::Count => {
            let (n, suf) = cjk_scale(value);
            format!("{}{suf}", trim_num(n))
        }
        Unit::Multiple => format!("{}x", trim_num(value)),
        Unit::Rank => format!("#{}", trim_num(value)),
        Unit::Time(t) => format!("{}{}", trim_num(value), t.zh()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numbers_as_written() {
        for (s, v) in [
            ("635亿", 635e8),
            ("1.5B", 1.5e9),
            ("1,200万", 1.2e7),
            ("2万亿", 2e12),
            ("3bn", 3e9),
            ("250M", 2.5e8),
            ("12k", 12e3),
            ("-3.5", -3.5),
            ("1e9", 1e9),
            (" 18 ", 18.0),
            ("5 亿", 5e8),
        ] {
            assert_eq!(s.parse::<Num>().unwrap().0, v, "{s}");
        }
        for s in ["", "亿", "abc", "1.2.3亿", "12%", "1e999"] {
            assert!(s.parse::<Num>().is_err(), "{s} should fail");
        }
    }

    #[test]
    fn units_parse_and_suggest() {
        assert_eq!("%".parse::<Unit>().unwrap(), Unit::Percent);
        assert_eq!(
            "CNY/hour".parse::<Unit>().unwrap(),
            Unit::Price(Currency::CNY, "hour".into())
        );
        let (msg, hint) = "RMB".parse::<Unit>().unwrap_err();
        assert!(msg.contains("unknown unit `RMB`"));
        assert_eq!(hint.as_deref(), Some("CNY"));
        let (_, hint) = "元/小时".parse::<Unit>().unwrap_err();
        assert_eq!(hint.as_deref(), Some("CNY/小时"));
        assert!("CNY/".parse::<Unit>().is_err());
    }

    #[test]
    fn human_units() {
        assert_eq!(human_money(635e8, Currency::CNY), "635亿元");
        assert_eq!(human_money(555.4e8, Currency::CNY), "555.4亿元");
        assert_eq!(human_money(1.2e4, Currency::CNY), "1.2万元");
        assert_eq!(human_money(1.0e9, Currency::USD), "$1B");
        assert_eq!(human_money(2.5e8, Currency::USD), "$250M");
        assert_eq!(human_money(3e9, Currency::JPY), "¥3B");
        assert_eq!(human_value(26.0, &Unit::Percent), "26%");
        assert_eq!(grouped(1e9), "1,000,000,000");
        assert_eq!(grouped(-1234.5), "-1,234.5");
        assert_eq!(grouped(12.0), "12");
        assert_eq!(human_value(-0.5, &Unit::PercentPoints), "-0.5pp");
        assert_eq!(
            human_value(2.8, &Unit::Price(Currency::CNY, "hour".into())),
            "2.8元/hour"
        );
    }
}
