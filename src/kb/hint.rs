//! "Did you mean …?" suggestions for mistyped names and ids.

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let w = word.to_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    let w_len = w.chars().count();
    for &c in candidates {
        if c == word {
            continue;
        }
        // Ids are mostly lower-case ASCII already: no copy for them (this runs for every id of a
        // kind, for every dangling reference).
        let cl = if c.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
            std::borrow::Cow::Owned(c.to_lowercase())
        } else {
            std::borrow::Cow::Borrowed(c)
        };
        let cl_len = cl.chars().count();
        let (short, long) = (w_len.min(cl_len), w_len.max(cl_len));
        // Lengths this far apart pass neither test below: the edit distance is at least their
        // difference, and Jaro-Winkler is at most 0.6 * (2 + short / long) / 3 + 0.4 < 0.88.
        if long - short > (long / 3).max(1) && short * 5 < long * 2 {
            continue;
        }
        let dist = strsim::levenshtein(&w, &cl);
        let max_len = long.max(1);
        // Accept small edit distances, or a strong Jaro-Winkler match for longer ids.
        let score = if dist <= (max_len / 3).max(1) {
            2.0 - dist as f64 / max_len as f64
        } else {
            let jw = strsim::jaro_winkler(&w, &cl);
            if jw >= 0.88 { jw } else { continue }
        };
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" and "unknown variant …" messages.
pub fn for_unknown_name(msg: &str) -> Option<String> {
    let rest = msg
        .strip_prefix("unknown field ")
        .or_else(|| msg.strip_prefix("unknown variant "))?;
    let mut ticks = rest.split('`').skip(1).step_by(2);
    let word = ticks.next()?;
    let candidates: Vec<&str> = ticks.collect();
    let close = did_you_mean(word, &candidates).map(str::to_string);
    // Currencies: people write what they say (`RMB`, `元`, `$`), not the ISO code.
    let currency = || {
        candidates
            .contains(&"CNY")
            .then(|| super::number::Currency::suggest(word))
            .flatten()
            .map(|c| c.code().to_string())
    };
    close.or_else(currency).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("aliyn", &["aliyun", "aws", "azure"]), Some("aliyun"));
        assert_eq!(
            did_you_mean("vendr", &["vendor", "vendors", "name"]),
            Some("vendor")
        );
        assert_eq!(
            did_you_mean("huawei", &["huawei-cloud", "aws"]),
            Some("huawei-cloud")
        );
        assert_eq!(did_you_mean("zzz", &["aliyun", "aws"]), None);
    }

    #[test]
    fn reads_serde_messages() {
        let m = "unknown field `vendr`, expected one of `id`, `name`, `vendor`";
        assert_eq!(for_unknown_name(m).as_deref(), Some("did you mean `vendor`?"));
        let m = "unknown variant `oder`, expected one of `order`, `contract`";
        assert_eq!(for_unknown_name(m).as_deref(), Some("did you mean `order`?"));
        assert_eq!(for_unknown_name("missing field `id`"), None);
        let m = "unknown variant `RMB`, expected one of `CNY`, `USD`";
        assert_eq!(for_unknown_name(m).as_deref(), Some("did you mean `CNY`?"));
    }
}
