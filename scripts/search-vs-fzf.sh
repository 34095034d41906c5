#!/usr/bin/env bash
# `marketlens search` against `fzf --filter` on the same synthetic KB.
#
# The requirement: `marketlens search Q --kb big.toml`, minus `marketlens check big.toml` on the
# same file (loading and validating, which fzf does not do), takes at most a quarter of
# `fzf --filter Q` over the records' names and titles.
#
#   scripts/search-vs-fzf.sh                  # 100k and 1M records
#   SIZES=100000 RUNS=3 scripts/search-vs-fzf.sh
#
# Each search run is paired with a check run right after it, so that both see the same machine
# load. One search run comes first, as a warm-up: it saves the KB's search index (in
# $MARKETLENS_CACHE_DIR, else ~/.cache/marketlens), which the timed runs then use, as a user's
# second and later searches do. To time a search that builds its index, add `--no-cache` to the
# search command below.
#
# Loading the KB is the same code in both commands and nearly all of their time (~0.3 s per 100k
# records), and its run-to-run spread on a shared machine (tens of ms at 100k, seconds at 1M) is
# larger than the search itself. So both run with `--timings`, which reports each run's own load
# time, and the verdict uses the load-adjusted difference: (search wall − its load) − (check wall −
# its load), median over the pairs. That is search − check with the two loads' noise taken out;
# process start and exit, reading the saved index, searching and printing all stay in it. The
# plain difference of walls (median over the pairs) is printed beside it.
#
# Environment: SIZES (record counts, space-separated), RUNS (timed pairs per query, after one
# warm-up; medians are reported; 1M records take ~10 s per pair), WORK (where the KBs and name lists go; default /tmp/marketlens-vs-fzf),
# QUERIES (newline-separated; default below), CARGO_TARGET_DIR (as for cargo). Needs cargo,
# python3 and fzf (`apt-get install -y fzf`).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
SIZES="${SIZES:-100000 1000000}"
RUNS="${RUNS:-9}"
WORK="${WORK:-/tmp/marketlens-vs-fzf}"
QUERIES="${QUERIES:-alibaba cloud
tiktok aws
云销售
crs
a
chu ruisong
阿里云
alibaba cloud 2025}"
command -v fzf >/dev/null || { echo "error: fzf is not installed (apt-get install -y fzf)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "error: python3 is needed" >&2; exit 1; }

cargo build --release --examples --bins >&2
target="${CARGO_TARGET_DIR:-$root/target}"
bin="$target/release/marketlens"
synth="$target/release/examples/synth_kb"
mkdir -p "$WORK"

for n in $SIZES; do
    kb="$WORK/big-$n.toml"
    names="$WORK/names-$n.txt"
    if [[ ! -s "$kb" || "$synth" -nt "$kb" ]]; then
        echo "generating $kb" >&2
        "$synth" --records "$n" --out "$kb"
    fi
    # Every `name = "…"` and `title = "…"` value, one per line: what a person would fzf through.
    python3 - "$kb" "$names" <<'EOF'
import re, sys
pat = re.compile(r'^\s*(?:name|title) = "((?:[^"\\]|\\.)*)"\s*$')
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in f:
        m = pat.match(line)
        if m:
            out.write(m.group(1) + "\n")
EOF
done

SIZES="$SIZES" RUNS="$RUNS" WORK="$WORK" QUERIES="$QUERIES" BIN="$bin" python3 - <<'EOF'
import os, re, statistics, subprocess, time

runs = int(os.environ["RUNS"])
work, binary = os.environ["WORK"], os.environ["BIN"]
queries = [q for q in os.environ["QUERIES"].split("\n") if q.strip()]
median = statistics.median

def run(cmd, stdin=None):
    """One run: (wall-clock ms, standard error); standard output discarded."""
    f = open(stdin, "rb") if stdin else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        p = subprocess.run(cmd, stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        took = (time.perf_counter() - start) * 1e3
    finally:
        if stdin:
            f.close()
    # fzf --filter exits 1 when nothing matches; anything else is a failure.
    if p.returncode != 0 and not (p.returncode == 1 and cmd[0] == "fzf"):
        raise SystemExit(f"error: {cmd} exited {p.returncode}: {p.stderr.decode(errors='replace')}")
    return took, p.stderr.decode(errors="replace")

def phases(stderr):
    """The `--timings` line as {phase: ms}."""
    line = [l for l in stderr.splitlines() if l.startswith("timings: ")][-1]
    body = line[len("timings: "):].split(";")[0]
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"\s*([^,]+?) ([0-9.]+) ms", body)}

def paired(search, check):
    """Search and check run alternately, `runs` pairs after one warm-up search. Medians of: the
    search's wall, the check's wall, the pairs' wall differences, the pairs' load-adjusted
    differences, and the search's own phases (all but the load)."""
    run(search)  # warm-up: saves the search index
    s, c, raw, adj, own = [], [], [], [], []
    for _ in range(runs):
        sw, se = run(search)
        cw, ce = run(check)
        sp, cp = phases(se), phases(ce)
        s.append(sw)
        c.append(cw)
        raw.append(sw - cw)
        adj.append((sw - sp["load"]) - (cw - cp["load"]))
        own.append(sum(v for k, v in sp.items() if k != "load"))
    return median(s), median(c), median(raw), median(adj), median(own)

def fzf_ms(q, names):
    run(["fzf", "--filter", q], stdin=names)
    return median(run(["fzf", "--filter", q], stdin=names)[0] for _ in range(runs))

def count(cmd, stdin=None):
    f = open(stdin, "rb") if stdin else subprocess.DEVNULL
    try:
        out = subprocess.run(cmd, stdin=f, capture_output=True).stdout
    finally:
        if stdin:
            f.close()
    return out.count(b"\n")

for n in os.environ["SIZES"].split():
    kb = f"{work}/big-{n}.toml"
    names = f"{work}/names-{n}.txt"
    with open(names, "rb") as f:
        lines = sum(1 for _ in f)
    size_mb = os.path.getsize(kb) / 1e6
    check_cmd = [binary, "check", kb, "--timings"]
    run(check_cmd)  # warm-up: the file into the page cache
    print(f"\n### {n} records ({size_mb:.0f} MB of TOML, {lines} names/titles for fzf)\n")
    print(f"wall clock in ms, medians of {runs} pairs (a search run, then a check run). "
          "adjusted: (search wall − its load) − (check wall − its load); "
          "own: the search's index, search and output phases by `--timings`\n")
    print("| query | search | check | search−check | adjusted | own | fzf | adjusted/fzf | fzf matches | ≤ 0.25 |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|:-:|")
    for q in queries:
        search_cmd = [binary, "search", q, "--kb", kb, "--limit", "20", "--timings"]
        s, c, raw, adj, own = paired(search_cmd, check_cmd)
        fzf = fzf_ms(q, names)
        hits = count(["fzf", "--filter", q], stdin=names)
        ratio = adj / fzf if fzf > 0 else float("inf")
        print(f"| `{q}` | {s:.0f} | {c:.0f} | {raw:.0f} | {adj:.1f} | {own:.1f} | {fzf:.0f} | "
              f"{ratio:.2f} | {hits} | {'yes' if ratio <= 0.25 else 'NO'} |", flush=True)
EOF
