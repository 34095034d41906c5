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
# load; search−check is the median of the pairs' differences. One search run comes first, as a
# warm-up: it saves the KB's search index (in $MARKETLENS_CACHE_DIR, else ~/.cache/marketlens),
# which the timed runs then use, as a user's second and later searches do. To time a search
# that builds its index, add `--no-cache` to the search command below.
#
# Environment: SIZES (record counts, space-separated), RUNS (timed runs per command, after one
# warm-up; medians are reported; 1M records take ~40 s per pair), WORK (where the KBs and name lists go; default /tmp/marketlens-vs-fzf),
# QUERIES (newline-separated; default below), CARGO_TARGET_DIR (as for cargo). Needs cargo,
# python3 and fzf (`apt-get install -y fzf`).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
SIZES="${SIZES:-100000 1000000}"
RUNS="${RUNS:-5}"
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
import os, statistics, subprocess, time

runs = int(os.environ["RUNS"])
work, binary = os.environ["WORK"], os.environ["BIN"]
queries = [q for q in os.environ["QUERIES"].split("\n") if q.strip()]

def run_ms(cmd, stdin=None):
    """Wall-clock ms of one run; output discarded."""
    f = open(stdin, "rb") if stdin else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        p = subprocess.run(cmd, stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        took = (time.perf_counter() - start) * 1e3
    finally:
        if stdin:
            f.close()
    # fzf --filter exits 1 when nothing matches; anything else is a failure.
    if p.returncode != 0 and not (p.returncode == 1 and cmd[0] == "fzf"):
        raise SystemExit(f"error: {cmd} exited {p.returncode}")
    return took

def median_ms(cmd, stdin=None):
    """Median of `runs` runs after one warm-up run."""
    run_ms(cmd, stdin)
    return statistics.median(run_ms(cmd, stdin) for _ in range(runs))

def paired_ms(search, check):
    """Search and check run alternately, so both see the same machine load: medians of each and
    of the per-pair differences (the estimate of search minus check)."""
    s, c, d = [], [], []
    run_ms(search)  # warm-up: saves the search index
    for _ in range(runs):
        a = run_ms(search)
        b = run_ms(check)
        s.append(a)
        c.append(b)
        d.append(a - b)
    return statistics.median(s), statistics.median(c), statistics.median(d)

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
    check_cmd = [binary, "check", kb]
    run_ms(check_cmd)  # warm-up: the file into the page cache
    print(f"\n### {n} records ({size_mb:.0f} MB of TOML, {lines} names/titles for fzf)\n")
    print(f"wall clock, median of {runs} runs; each search run is followed by a check run and "
          "search−check is the median of those pairs' differences\n")
    print("| query | search ms | check ms | search−check ms | fzf ms | (search−check)/fzf | fzf matches | ≤ 0.25 |")
    print("|---|--:|--:|--:|--:|--:|--:|:-:|")
    for q in queries:
        search, check, net = paired_ms([binary, "search", q, "--kb", kb, "--limit", "20"], check_cmd)
        fzf = median_ms(["fzf", "--filter", q], stdin=names)
        hits = count(["fzf", "--filter", q], stdin=names)
        ratio = net / fzf if fzf > 0 else float("inf")
        print(f"| `{q}` | {search:.0f} | {check:.0f} | {net:.0f} | {fzf:.0f} | {ratio:.2f} | {hits} | {'yes' if ratio <= 0.25 else 'NO'} |", flush=True)
EOF
