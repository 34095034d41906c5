//! Ranking: pass 1 (match, bound, keep the best exact scores for a threshold) and pass 2 (score in
//! order of bound until no unscored match can enter the top `k`), over every core.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI32, Ordering};

use super::*;

/// A doc that pass 1 found matching: its score if `exact` (with the field the first term scored
/// best in), else an upper bound of it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Cand {
    pub(super) doc: u32,
    pub(super) value: i32,
    pub(super) field: u32,
    pub(super) exact: bool,
}

impl Compiled {
    /// Pass 1 for one doc: does it match, and what does it score, or could it at most? Scored
    /// exactly unless a cheap bound shows it below `threshold`, which some docs are known to
    /// reach already.
    #[inline]
    pub(super) fn bound(&self, ix: &Index, id: u32, threshold: i32) -> Option<Cand> {
        let doc = &ix.docs[id as usize];
        for (neg, c) in &self.checks {
            if c.rejects(ix, id, doc, *neg) {
                return None;
            }
        }
        for t in &self.positive {
            if !ix.doc_masks.covers(id, &t.mask, t.wide) || t.pair.is_some_and(|p| !ix.pairs.has(p, id)) {
                return None;
            }
        }
        let mut c = Cand {
            doc: id,
            value: 0,
            field: u32::MAX,
            exact: true,
        };
        let mut sure = threshold == i32::MIN;
        if !sure {
            // What the first characters of its names allow: when that is below the threshold,
            // the doc cannot be ranked, and only whether it matches is left to find out. That
            // takes the first field where each term matches, not every field's bound.
            let ascii = ix.doc_masks.ascii(id);
            let most = self
                .positive
                .iter()
                .fold(0i32, |a, t| a.saturating_add(t.heads_bound(ascii)));
            if most < threshold {
                c.exact = false;
                c.value = most;
                for t in &self.positive {
                    let matches = match t.single {
                        Some(bit) => ascii.single & bit != 0,
                        // Its bit is in the doc's mask, checked above.
                        None if t.own_single => true,
                        // Checked above.
                        None if t.pair.is_some() && t.pair_decides => true,
                        None => doc
                            .fields()
                            .any(|i| field_bound(ix, i, &ix.fields[i as usize], t, Bound::Cheap).is_some()),
                    };
                    if !matches {
                        return None;
                    }
                }
            } else {
                // Bound cheaply first: the doc is only worth scoring if it can reach the threshold.
                c.exact = false;
                for t in &self.positive {
                    c.value = c.value.saturating_add(best(ix, doc, t, Bound::Cheap)?.0.value);
                }
                sure = c.value >= threshold;
            }
        }
        if sure {
            c = Cand {
                value: 0,
                exact: true,
                ..c
            };
            for (k, t) in self.positive.iter().enumerate() {
                let (e, field) = best(ix, doc, t, Bound::Exact)?;
                c.value += e.value;
                c.exact &= e.exact;
                if k == 0 {
                    c.field = field;
                }
            }
        }
        for t in &self.negative {
            let found = doc.fields().any(|i| {
                let f = &ix.fields[i as usize];
                let (pat, _, cs) = t.pattern(is_pinyin(f));
                ix.covers(i, f, &t.mask, t.wide) && find(ix.text(f), pat, cs).is_some()
            });
            if found {
                return None;
            }
        }
        Some(c)
    }

    /// Pass 2 for one matching doc: its exact score and the field the first term matched best
    /// in; `None` if even its tight bound is below `floor` (it cannot enter the ranking).
    /// `scratch` is reused between docs.
    #[inline]
    pub(super) fn score(
        &self,
        ix: &Index,
        c: &Cand,
        floor: i32,
        scratch: &mut Vec<(i32, u32)>,
    ) -> Option<Hit> {
        let id = c.doc;
        if c.exact {
            return (c.value >= floor).then_some(Hit {
                doc: id,
                score: c.value,
                field: c.field,
            });
        }
        let doc = &ix.docs[id as usize];
        if floor != i32::MIN {
            // Tight bounds save the matcher for docs that cannot reach the floor.
            let mut bound = 0i32;
            for t in &self.positive {
                let offset = candidates(ix, doc, t, Bound::Tight, scratch);
                bound = bound.saturating_add(scratch.first().map_or(i32::MIN / 64, |b| b.0 + offset));
            }
            if bound < floor {
                return None;
            }
        }
        let mut total = 0;
        let mut field = u32::MAX;
        for (k, t) in self.positive.iter().enumerate() {
            // Fields in order of (cheap) bound: stop when none left can beat the best so far.
            let offset = candidates(ix, doc, t, Bound::Cheap, scratch);
            let mut best: Option<(i32, u32, u32)> = None;
            for &(b, i) in scratch.iter() {
                let f = &ix.fields[i as usize];
                if best.is_some_and(|(bs, _, bl)| b < bs || b == bs && f.len >= bl) {
                    break;
                }
                if let Some(s) = field_score(ix, f, t)
                    && best.is_none_or(|(bs, _, bl)| s > bs || s == bs && f.len < bl)
                {
                    best = Some((s, i, f.len));
                }
            }
            // Pass 1 found a match, so there is one; a miss would only mean "rank last".
            let (s, f) = best.map_or((i32::MIN / 64, u32::MAX), |(s, i, _)| (s + offset, i));
            total += s;
            if k == 0 {
                field = f;
            }
        }
        Some(Hit {
            doc: id,
            score: total,
            field,
        })
    }
}

/// The order of ranked hits: score, then the shorter matched field, then KB order.
pub(super) fn rank_order(ix: &Index) -> impl Fn(&Hit, &Hit) -> std::cmp::Ordering + '_ {
    move |a, b| {
        let len = |h: &Hit| ix.fields.get(h.field as usize).map_or(u32::MAX, |f| f.len);
        b.score
            .cmp(&a.score)
            .then(len(a).cmp(&len(b)))
            .then(a.doc.cmp(&b.doc))
    }
}

/// Run `f` over `items` in chunks of `chunk`, on every core for a large input (see
/// `crate::par`); results in order. `None` if cancelled, which is checked between chunks.
pub(super) fn par_map<T: Sync, R: Send>(
    items: &[T],
    chunk: usize,
    cancel: &Cancel<'_>,
    f: impl Fn(&[T], &mut Vec<R>) + Sync,
) -> Option<Vec<R>> {
    let chunks: Vec<&[T]> = items.chunks(chunk.max(1)).collect();
    let threads = if items.len() < 4096 {
        1
    } else {
        crate::par::cores()
    };
    let parts = crate::par::map_units(&chunks, threads, |c| {
        if cancel() {
            return None;
        }
        let mut out = Vec::new();
        f(c, &mut out);
        Some(out)
    })?;
    Some(parts.into_iter().flatten().collect())
}

/// The best exact scores pass 1 has found so far, for its threshold.
#[derive(Default)]
pub(super) struct Best {
    /// The best k exact scores, least on top.
    pub(super) scores: BinaryHeap<Reverse<i32>>,
    pub(super) matches: usize,
}

impl Best {
    /// Take in a chunk's matches; the score k docs are known to reach, once that means a doc
    /// below it cannot be ranked (`i32::MIN` until then).
    pub(super) fn add(&mut self, found: &[Cand], k: usize) -> i32 {
        self.matches += found.len();
        for c in found.iter().filter(|c| c.exact) {
            if self.scores.len() < k {
                self.scores.push(Reverse(c.value));
            } else if self.scores.peek().is_some_and(|m| m.0 < c.value) {
                self.scores.pop();
                self.scores.push(Reverse(c.value));
            }
        }
        match self.scores.peek() {
            Some(m) if self.scores.len() == k && self.matches >= RANK_ALL_BELOW => m.0,
            _ => i32::MIN,
        }
    }
}

/// How many hits to rank exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rank {
    /// The best `k` (and every match when there are fewer than 2,000).
    Top(usize),
    All,
}

/// Search. `within`: ascending doc ids to search instead of the whole scope (the previous match
/// set, when the query only grew). `cancel`: checked as the search goes; a cancelled search
/// returns `None`.
pub fn run(
    ix: &Index,
    q: &Compiled,
    scope: Scope,
    within: Option<&[u32]>,
    rank: Rank,
    cancel: &Cancel<'_>,
) -> Option<Results> {
    let range = match scope {
        Scope::All => 0..ix.docs.len() as u32,
        Scope::Kind(k) => ix.by_kind[k].clone(),
    };
    let all: Vec<u32>;
    let candidates: &[u32] = match within {
        Some(w) => w,
        None => {
            all = range.clone().collect();
            &all
        }
    };
    // Pass 1: match, and score or bound. Once k docs are known to score at least x (and there
    // are enough matches that only the best k are ranked), a doc whose cheap bound is below x
    // cannot enter the ranking and is only bounded.
    let top = match rank {
        Rank::All => None,
        Rank::Top(k) => Some(k.max(1)),
    };
    let known = AtomicI32::new(i32::MIN); // that x, as chunks find it
    let shared = Mutex::new(Best::default());
    let matched: Vec<Cand> = par_map(candidates, 4096, cancel, |chunk, out| {
        let threshold = known.load(Ordering::Relaxed);
        let start = out.len();
        out.extend(
            chunk
                .iter()
                .filter(|d| range.contains(d))
                .filter_map(|&d| q.bound(ix, d, threshold)),
        );
        if let Some(k) = top {
            let x = shared
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .add(&out[start..], k);
            known.fetch_max(x, Ordering::Relaxed);
        }
    })?;
    let ids: Vec<u32> = matched.iter().map(|m| m.doc).collect();
    if q.positive.is_empty() {
        // Nothing to rank: KB order.
        let hits = ids
            .iter()
            .map(|&doc| Hit {
                doc,
                score: 0,
                field: u32::MAX,
            })
            .collect();
        return Some(Results {
            hits,
            ranked: 0,
            matched: ids,
            notes: q.notes.clone(),
        });
    }
    // Pass 2: score in order of bound until nothing unscored can enter the top k.
    let k = match rank {
        Rank::All => usize::MAX,
        Rank::Top(_) if matched.len() < RANK_ALL_BELOW => usize::MAX,
        Rank::Top(k) => k.max(1),
    };
    // Score `set`, skipping docs whose tight bound is below `floor`.
    let score_set = |set: &[Cand], floor: i32| {
        par_map(set, 256, cancel, |chunk, out| {
            let mut scratch = Vec::new();
            out.extend(chunk.iter().filter_map(|c| q.score(ix, c, floor, &mut scratch)))
        })
    };
    // Nothing scoring below the k-th best exact score can enter the top k.
    let mut exact: Vec<i32> = matched.iter().filter(|m| m.exact).map(|m| m.value).collect();
    let live: Vec<Cand> = if k < exact.len() {
        let floor = *exact.select_nth_unstable_by(k - 1, |a, b| b.cmp(a)).1;
        matched.iter().copied().filter(|m| m.value >= floor).collect()
    } else {
        matched
    };
    let order = rank_order(ix);
    let mut ranked: Vec<Hit>;
    if k >= live.len() {
        ranked = score_set(&live, i32::MIN)?;
        ranked.sort_unstable_by(&order);
    } else {
        // The best k are among the matches whose cheap bound reaches the k-th largest one, or
        // whose bound reaches the k-th best score among those. Below that, docs are scored
        // only when their tight bound reaches the k-th best score.
        let mut bounds: Vec<i32> = live.iter().map(|m| m.value).collect();
        let cut = *bounds.select_nth_unstable_by(k - 1, |a, b| b.cmp(a)).1;
        let first: Vec<Cand> = live.iter().copied().filter(|m| m.value >= cut).collect();
        ranked = score_set(&first, i32::MIN)?;
        ranked.sort_unstable_by(&order);
        ranked.truncate(k);
        let floor = ranked.last().map_or(i32::MIN, |h| h.score);
        let more: Vec<Cand> = live
            .iter()
            .copied()
            .filter(|m| m.value < cut && m.value >= floor)
            .collect();
        if !more.is_empty() {
            ranked.extend(score_set(&more, floor)?);
            ranked.sort_unstable_by(&order);
            ranked.truncate(k);
        }
    }
    let n_ranked = ranked.len();
    if n_ranked < ids.len() {
        // The rest in KB order: walk the ascending ids past the (sorted) ranked ones.
        let mut top: Vec<u32> = ranked.iter().map(|h| h.doc).collect();
        top.sort_unstable();
        let mut t = top.iter().peekable();
        for &doc in &ids {
            if t.next_if_eq(&&doc).is_none() {
                ranked.push(Hit {
                    doc,
                    score: i32::MIN,
                    field: u32::MAX,
                });
            }
        }
    }
    Some(Results {
        hits: ranked,
        ranked: n_ranked,
        matched: ids,
        notes: q.notes.clone(),
    })
}
