//! "Did you mean …?" suggestions for mistyped names and ids.

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let w = word.to_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for &c in candidates {
        if c == word {
            continue;
        }
        let cl = c.to_lowercase();
        let dist = strsim::levenshtein(&w, &cl);
        let max_len = w.chars().count().max(cl.chars().count()).max(1);
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
