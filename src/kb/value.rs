//! A figure's value as the article gives it: one number (`635亿`) or a range (`20-30亿`,
//! `10%-12%`, `-12%..-10%`). Ranges are kept as ranges, never collapsed to one end: they display
//! as ranges, sort by a stated rule ([`Value::sort_key`]) and meet filters by a stated rule
//! ([`Value::meets`]); `docs/kb-format.md` documents both.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::number::{NUMBER_FORMS, Num};

/// One number, or a closed range `lo..=hi` (`lo < hi`). A plain number has `lo == hi`.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Value {
    pub lo: f64,
    pub hi: f64,
}

/// A comparison a filter makes (`amount>=25亿`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Eq,
    Ge,
    Gt,
}

impl Cmp {
    pub fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            // Stored figures are decimal text parsed to f64; compare with a relative tolerance.
            Cmp::Eq => (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0),
            Cmp::Ge => a >= b,
            Cmp::Gt => a > b,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Eq => "=",
            Cmp::Ge => ">=",
            Cmp::Gt => ">",
        }
    }
}

pub const RANGE_FORMS: &str = "expected a number such as `18.5` or `\"635亿\"`, or a range such as `\"20-30亿\"`, `\"10%-12%\"` or `\"-12..-10\"` (smaller end first)";

impl Value {
    pub fn one(v: f64) -> Value {
        Value { lo: v, hi: v }
    }

    pub fn is_range(&self) -> bool {
        self.lo != self.hi
    }

    /// The middle of the range (the number itself for a plain number).
    pub fn mid(&self) -> f64 {
        if self.is_range() {
            self.lo + (self.hi - self.lo) / 2.0
        } else {
            self.lo
        }
    }

    /// The sort rule: by the middle of the range, then the narrower first; a plain number sorts as
    /// a range of width 0. So 20–30亿 sorts with 25亿, just after it. (Table columns sort by the
    /// middle alone and keep the tab's order among equals.)
    pub fn sort_key(&self) -> (f64, f64) {
        (self.mid(), self.hi - self.lo)
    }

    pub fn cmp_sort(&self, other: &Value) -> Ordering {
        let (a, b) = (self.sort_key(), other.sort_key());
        a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1))
    }

    /// The filter rule: a range meets a comparison when **some value in it** does, so a filter
    /// never hides a figure that may qualify (`amount>=25亿` keeps a 20–30亿 deal, which then
    /// shows as a range); `=` asks whether the number lies in the range.
    pub fn meets(&self, cmp: Cmp, x: f64) -> bool {
        cmp.holds(self.lo, x) || cmp.holds(self.hi, x) || (cmp == Cmp::Eq && self.lo <= x && x <= self.hi)
    }

    /// Both ends through `f` (a number formatter) and joined, the unit written once when both
    /// ends share it: `20–30亿元`, `10–12%`, `$1.5–2B`, `-12..-10%` (`..` when an end is
    /// negative, so the dash is never read as a minus).
    pub fn show(&self, f: impl Fn(f64) -> String) -> String {
        if !self.is_range() {
            return f(self.lo);
        }
        let (a, b) = (f(self.lo), f(self.hi));
        // What follows the last digit (`亿元`, `%`) and what precedes the first (`$`).
        let tail = |t: &str| t.rfind(|c: char| c.is_ascii_digit()).map_or(t.len(), |i| i + 1);
        let head = |t: &str| t.find(|c: char| c.is_ascii_digit() || c == '-').unwrap_or(0);
        let (ta, tb) = (tail(&a), tail(&b));
        let (ha, hb) = (head(&a), head(&b));
        let sep = if self.lo < 0.0 || self.hi < 0.0 {
            ".."
        } else {
            "–"
        };
        if a[ta..] == b[tb..] && a[..ha] == b[..hb] {
            format!("{}{sep}{}", &a[..ta], &b[hb..])
        } else {
            format!("{a}{sep}{b}")
        }
    }
}

/// Where a range string splits into its two ends: `..`, `~`, `～`, `至`, `–` (en dash), or a `-`
/// that follows the first number (a `-` at the start, or after `e`, is a sign). Returns the two
/// sides, trimmed.
fn split_range(s: &str) -> Option<(&str, &str)> {
    for sep in ["..", "~", "～", "至", "–"] {
        if let Some((a, b)) = s.split_once(sep) {
            return Some((a.trim(), b.trim()));
        }
    }
    let bytes = s.as_bytes();
    for (i, &b) in bytes.iter().enumerate().skip(1) {
        if b != b'-' {
            continue;
        }
        let before = s[..i].trim_end();
        let prev = before.chars().last()?;
        // A sign follows an exponent marker or another operator; a range dash follows the
        // first number (a digit, a magnitude suffix or `%`).
        let ends_number = prev.is_ascii_digit() || prev == '%' || "万亿KkMBTn".contains(prev);
        let exponent = matches!(prev, 'e' | 'E');
        if ends_number && !exponent {
            return Some((before, s[i + 1..].trim()));
        }
    }
    None
}

/// A number with an optional `%` after it (`12%`; the `%` says nothing more than the series'
/// unit does), and whether a magnitude suffix or `%` was written.
fn side(raw: &str, whole: &str) -> Result<(f64, Option<&'static str>), String> {
    let s = raw.trim();
    let s = s.strip_suffix('%').unwrap_or(s).trim_end();
    let suffix = super::number::suffix_of(s);
    let n: Num = s
        .parse()
        .map_err(|_| format!("invalid value `{whole}`: {RANGE_FORMS}"))?;
    Ok((n.0, suffix))
}

/// A plain number as `f64` prints it; a range as `lo..hi` (messages).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_range() {
            write!(f, "{}..{}", self.lo, self.hi)
        } else {
            write!(f, "{}", self.lo)
        }
    }
}

impl FromStr for Value {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        let Some((a, b)) = split_range(s) else {
            return side(s, raw).map(|(v, _)| Value::one(v));
        };
        if a.is_empty() || b.is_empty() {
            return Err(format!("invalid value `{raw}`: {RANGE_FORMS}"));
        }
        let (mut lo, lo_suffix) = side(a, raw)?;
        let (hi, hi_suffix) = side(b, raw)?;
        match (lo_suffix, hi_suffix) {
            // `20-30亿`: the magnitude written once, after the range, applies to both ends.
            (None, Some(suf)) => lo *= super::number::suffix_factor(suf),
            (Some(_), None) => {
                return Err(format!(
                    "invalid range `{raw}`: the magnitude is written on the first end only; write it on both ends or only after the last (`20-30亿`)"
                ));
            }
            _ => {}
        }
        if !lo.is_finite() || !hi.is_finite() {
            return Err(format!("range `{raw}` is too large"));
        }
        match lo.partial_cmp(&hi) {
            Some(Ordering::Less) => Ok(Value { lo, hi }),
            Some(Ordering::Equal) => Ok(Value::one(lo)),
            _ => Err(format!(
                "invalid range `{raw}`: it goes down; write the smaller end first"
            )),
        }
    }
}

impl Serialize for Value {
    /// A plain number as a number; a range as `{ "lo": …, "hi": … }` (JSON exports).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_range() {
            use serde::ser::SerializeStruct;
            let mut st = s.serialize_struct("Range", 2)?;
            st.serialize_field("lo", &self.lo)?;
            st.serialize_field("hi", &self.hi)?;
            st.end()
        } else {
            s.serialize_f64(self.lo)
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, or a string such as \"635亿\" or a range such as \"20-30亿\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
                Ok(Value::one(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
                Ok(Value::one(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
                Num::deserialize(de::value::F64Deserializer::<E>::new(v)).map(|n| Value::one(n.0))
            }
        }
        d.deserialize_any(V)
    }
}

impl schemars::JsonSchema for Value {
    fn schema_name() -> Cow<'static, str> {
        "Value".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": format!("A number, a string with a magnitude suffix (万, 亿, 万亿, K, M, B/bn, T) and an optional %, or a range of two such numbers, smaller first: `20-30亿`, `10%-12%`, `-12..-10` (separators: `-` `..` `~` `至` `–`). {NUMBER_FORMS}."),
            "anyOf": [ { "type": "number" }, { "type": "string" } ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Value {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn plain_numbers_read_as_before() {
        assert_eq!(v("635亿"), Value::one(635e8));
        assert_eq!(v("-12"), Value::one(-12.0));
        assert_eq!(v("1.5e3"), Value::one(1500.0));
        assert_eq!(v("-1.5e-3"), Value::one(-0.0015));
        assert_eq!(v("12%"), Value::one(12.0));
        assert_eq!(v("1,200万"), Value::one(1200e4));
    }

    #[test]
    fn ranges_keep_both_ends_and_share_a_trailing_magnitude() {
        assert_eq!(v("20-30亿"), Value { lo: 20e8, hi: 30e8 });
        assert_eq!(v("20亿-30亿"), Value { lo: 20e8, hi: 30e8 });
        assert_eq!(v("100~180亿"), Value { lo: 100e8, hi: 180e8 });
        assert_eq!(v("20至30亿"), Value { lo: 20e8, hi: 30e8 });
        assert_eq!(v("10%-12%"), Value { lo: 10.0, hi: 12.0 });
        assert_eq!(v("10-12%"), Value { lo: 10.0, hi: 12.0 });
        assert_eq!(v("-12..-10"), Value { lo: -12.0, hi: -10.0 });
        assert_eq!(v("-12%..-10%"), Value { lo: -12.0, hi: -10.0 });
        assert_eq!(v("-12 - -10"), Value { lo: -12.0, hi: -10.0 });
        assert_eq!(v("1e3-2e3"), Value { lo: 1e3, hi: 2e3 });
        assert_eq!(v("5-5"), Value::one(5.0));
    }

    #[test]
    fn bad_ranges_say_what_is_wrong() {
        let e = "30-20亿".parse::<Value>().unwrap_err();
        assert!(e.contains("goes down"), "{e}");
        let e = "-10%..-12%".parse::<Value>().unwrap_err();
        assert!(e.contains("smaller end first"), "{e}");
        let e = "20亿-30".parse::<Value>().unwrap_err();
        assert!(e.contains("first end only"), "{e}");
        for bad in ["-", "20-", "..30", "a-b", "20--", "1-2-3", "1万-20000"] {
            assert!(bad.parse::<Value>().is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn ranges_sort_by_their_middle_then_narrower_first() {
        let mut xs = [v("20-30亿"), v("25亿"), v("24亿"), v("10-40亿"), v("26亿")];
        xs.sort_by(Value::cmp_sort);
        assert_eq!(xs, [v("24亿"), v("25亿"), v("20-30亿"), v("10-40亿"), v("26亿")]);
    }

    #[test]
    fn a_range_meets_a_filter_when_some_value_in_it_does() {
        let r = v("20-30亿");
        assert!(r.meets(Cmp::Ge, 25e8));
        assert!(r.meets(Cmp::Ge, 30e8));
        assert!(!r.meets(Cmp::Gt, 30e8));
        assert!(r.meets(Cmp::Le, 20e8));
        assert!(!r.meets(Cmp::Lt, 20e8));
        assert!(r.meets(Cmp::Eq, 22e8));
        assert!(!r.meets(Cmp::Eq, 31e8));
        let one = v("25亿");
        assert!(one.meets(Cmp::Eq, 25e8) && !one.meets(Cmp::Gt, 25e8));
    }

    #[test]
    fn shows_as_a_range() {
        use super::super::number::{Currency, Unit, human_value};
        let cny = |x| human_value(x, &Unit::Money(Currency::CNY));
        assert_eq!(v("20-30亿").show(cny), "20–30亿元");
        assert_eq!(v("5000万-2亿").show(cny), "5000万元–2亿元");
        assert_eq!(
            v("1.5B-2B").show(|x| human_value(x, &Unit::Money(Currency::USD))),
            "$1.5–2B"
        );
        assert_eq!(v("10%-12%").show(|x| human_value(x, &Unit::Percent)), "10–12%");
        assert_eq!(
            v("-12..-10").show(|x| human_value(x, &Unit::Percent)),
            "-12..-10%"
        );
        assert_eq!(v("5").show(|x| x.to_string()), "5");
    }

    #[test]
    fn deserializes_from_toml_numbers_and_strings() {
        #[derive(serde::Deserialize)]
        struct T {
            a: Value,
            b: Value,
            c: Value,
        }
        let t: T = toml::from_str("a = 5\nb = 2.5\nc = \"20-30亿\"").unwrap();
        assert_eq!((t.a, t.b, t.c), (Value::one(5.0), Value::one(2.5), v("20-30亿")));
        assert!(toml::from_str::<T>("a = nan\nb = 1\nc = 1").is_err());
    }
}
