//! Exchange rates (`[[fx]]`) and the one rule for comparing money across currencies: convert
//! through a rate the KB states, or leave the figure out and say so. Raw numbers in different
//! currencies are never compared.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::number::Currency;
use super::period::Period;
use super::value::Value;

/// `[[fx]] pair = "USD/CNY", rate = 7.1`: one unit of the first currency is `rate` of the second.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fx {
    /// `BASE/QUOTE`, e.g. `USD/CNY`.
    pub pair: String,
    /// How much of the quote currency one unit of the base currency buys (> 0).
    pub rate: f64,
    /// When the rate held; a rate without a period serves any time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: super::model::Origin,
}

/// Why a `pair` is not usable.
pub fn parse_pair(pair: &str) -> Result<(Currency, Currency), String> {
    let (a, b) = pair
        .split_once('/')
        .ok_or_else(|| format!("invalid pair `{pair}`: expected `BASE/QUOTE` such as `USD/CNY`"))?;
    let cur = |s: &str| {
        Currency::from_code(s.trim()).ok_or_else(|| {
            let hint =
                Currency::suggest(s.trim()).map_or(String::new(), |c| format!("; did you mean `{c}`?"));
            format!("unknown currency `{}` in pair `{pair}`{hint}", s.trim())
        })
    };
    let (a, b) = (cur(a)?, cur(b)?);
    if a == b {
        return Err(format!("pair `{pair}` names one currency twice"));
    }
    Ok((a, b))
}

/// The usable rates of a KB.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rates {
    rates: Vec<(Currency, Currency, f64, Option<Period>)>,
}

impl Rates {
    /// The rates that parse and are positive (the validator reports the others).
    pub fn new<'a>(fx: impl IntoIterator<Item = &'a Fx>) -> Rates {
        let rates = fx
            .into_iter()
            .filter_map(|f| {
                let (a, b) = parse_pair(&f.pair).ok()?;
                (f.rate.is_finite() && f.rate > 0.0).then_some((a, b, f.rate, f.period))
            })
            .collect();
        Rates { rates }
    }

    pub fn is_empty(&self) -> bool {
        self.rates.is_empty()
    }

    /// `value` in `from` expressed in `to`, through a stated rate (either way round): the one whose
    /// period contains `at`, else the one nearest in time to `at`, else one without a period.
    /// `None` when the KB states no rate between the two.
    pub fn convert(&self, value: f64, from: Currency, to: Currency, at: Option<Period>) -> Option<f64> {
        if from == to {
            return Some(value);
        }
        let factor = |&(a, b, r, _): &(Currency, Currency, f64, Option<Period>)| {
            if (a, b) == (from, to) {
                Some(r)
            } else if (a, b) == (to, from) {
                Some(1.0 / r)
            } else {
                None
            }
        };
        let distance = |p: Option<Period>| -> u32 {
            match (p, at) {
                (None, _) => u32::MAX - 1,
                (Some(_), None) => 0,
                (Some(p), Some(at)) if at.within(p) || p.within(at) => 0,
                (Some(p), Some(at)) => {
                    let month = |(y, m): (u16, u8)| y as i32 * 12 + m as i32;
                    let (ps, pe) = p.span(None);
                    let (as_, ae) = at.span(None);
                    let gap = (month(as_) - month(pe)).max(month(ps) - month(ae)).max(0);
                    gap as u32
                }
            }
        };
        self.rates
            .iter()
            .filter_map(|r| factor(r).map(|f| (distance(r.3), f)))
            .min_by_key(|(d, _)| *d)
            .map(|(_, f)| value * f)
    }
}

impl Rates {
    /// A figure (one number or a range) in `from` expressed in `to`: both ends through the same
    /// rate as [`Rates::convert`] picks. `None` when the KB states no rate between the two.
    pub fn value_in(&self, v: Value, from: Currency, to: Currency, at: Option<Period>) -> Option<Value> {
        let f = self.convert(1.0, from, to, at)?;
        Some(Value {
            lo: v.lo * f,
            hi: v.hi * f,
        })
    }
}

impl super::Kb {
    /// The KB's exchange rates, ready to convert.
    pub fn rates(&self) -> Rates {
        Rates::new(&self.fx)
    }
}

/// The currency most of these amounts are in (ties: the one listed first in [`Currency::ALL`],
/// CNY before USD); `None` for no amounts.
pub fn most_common(currencies: impl IntoIterator<Item = Currency>) -> Option<Currency> {
    let mut n = [0usize; Currency::ALL.len()];
    let mut any = false;
    for c in currencies {
        n[Currency::ALL.iter().position(|x| *x == c).unwrap_or(0)] += 1;
        any = true;
    }
    let best = (0..n.len()).max_by_key(|&i| (n[i], std::cmp::Reverse(i)))?;
    any.then_some(Currency::ALL[best])
}

/// Records left out of a comparison in `to` for want of a rate, counted by their currency, in
/// [`Currency::ALL`]'s order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeftOut {
    counts: Vec<(Currency, usize)>,
}

impl LeftOut {
    pub fn add(&mut self, c: Currency) {
        match self.counts.iter_mut().find(|(x, _)| *x == c) {
            Some((_, n)) => *n += 1,
            None => {
                self.counts.push((c, 1));
                self.counts.sort_by_key(|(x, _)| *x);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Each currency left out and how many records are in it.
    pub fn counts(&self) -> &[(Currency, usize)] {
        &self.counts
    }

    pub fn total(&self) -> usize {
        self.counts.iter().map(|(_, n)| n).sum()
    }

    /// `3 deals in USD left out of amount>=25亿元: no USD/CNY rate in this KB — add an [[fx]]
    /// table`; `what` says what they were left out of.
    pub fn note(&self, to: Currency, what: &str) -> Option<String> {
        let ((c0, n0), rest) = self.counts.split_first()?;
        let mut who = format!("{} in {}", crate::text::count(*n0, "deal", "deals"), c0.code());
        for (i, (c, n)) in rest.iter().enumerate() {
            who.push_str(if i + 1 == rest.len() { " and " } else { ", " });
            who.push_str(&format!("{n} in {}", c.code()));
        }
        let pairs: Vec<String> = self
            .counts
            .iter()
            .map(|(c, _)| format!("{}/{}", c.code(), to.code()))
            .collect();
        Some(format!(
            "{who} left out of {what}: no {} rate in this KB — add an [[fx]] table",
            pairs.join(" or ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fx(pair: &str, rate: f64, period: Option<&str>) -> Fx {
        Fx {
            pair: pair.into(),
            rate,
            period: period.map(|p| p.parse().unwrap()),
            sources: vec!["s".into()],
            quote: None,
            origin: Default::default(),
        }
    }

    #[test]
    fn converts_either_way_through_the_rate_nearest_in_time() {
        let list = [fx("USD/CNY", 7.0, Some("2024")), fx("USD/CNY", 7.2, Some("2025"))];
        let r = Rates::new(&list);
        let p = |s: &str| Some(s.parse::<Period>().unwrap());
        assert_eq!(
            r.convert(10.0, Currency::USD, Currency::CNY, p("2025-Q2")),
            Some(72.0)
        );
        assert_eq!(
            r.convert(10.0, Currency::USD, Currency::CNY, p("2024-03")),
            Some(70.0)
        );
        assert_eq!(
            r.convert(10.0, Currency::USD, Currency::CNY, p("2027")),
            Some(72.0)
        );
        assert_eq!(
            r.convert(72.0, Currency::CNY, Currency::USD, p("2025")),
            Some(10.0)
        );
        assert_eq!(r.convert(5.0, Currency::CNY, Currency::CNY, None), Some(5.0));
    }

    #[test]
    fn no_stated_rate_means_no_comparison() {
        let r = Rates::new(&[fx("USD/CNY", 7.0, None)]);
        assert_eq!(r.convert(1.0, Currency::EUR, Currency::CNY, None), None);
        assert!(Rates::new(&[fx("USD/CNY", -1.0, None), fx("USD/XXX", 2.0, None)]).is_empty());
    }

    #[test]
    fn a_range_converts_at_both_ends_and_the_left_out_are_counted_by_currency() {
        let r = Rates::new(&[fx("USD/CNY", 7.0, None)]);
        let v = Value { lo: 1.0, hi: 2.0 };
        assert_eq!(
            r.value_in(v, Currency::USD, Currency::CNY, None),
            Some(Value { lo: 7.0, hi: 14.0 })
        );
        assert_eq!(r.value_in(v, Currency::EUR, Currency::CNY, None), None);
        let mut out = LeftOut::default();
        assert_eq!(out.note(Currency::CNY, "x"), None);
        for c in [Currency::USD, Currency::EUR, Currency::USD] {
            out.add(c);
        }
        assert_eq!(out.total(), 3);
        assert_eq!(
            out.note(Currency::CNY, "amount>=25亿元").unwrap(),
            "2 deals in USD and 1 in EUR left out of amount>=25亿元: no USD/CNY or EUR/CNY rate in this KB — add an [[fx]] table"
        );
        assert_eq!(
            most_common([Currency::USD, Currency::CNY, Currency::USD]),
            Some(Currency::USD)
        );
        assert_eq!(most_common([Currency::USD, Currency::CNY]), Some(Currency::CNY));
        assert_eq!(most_common([]), None);
    }

    #[test]
    fn bad_pairs_say_what_is_wrong() {
        assert!(parse_pair("USDCNY").unwrap_err().contains("BASE/QUOTE"));
        assert!(
            parse_pair("USD/RMB")
                .unwrap_err()
                .contains("unknown currency `RMB`")
        );
        assert!(parse_pair("CNY/CNY").unwrap_err().contains("twice"));
        assert_eq!(
            parse_pair(" usd / CNY "),
            Err("unknown currency `usd` in pair ` usd / CNY `; did you mean `USD`?".into())
        );
    }
}
