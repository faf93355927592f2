#!/usr/bin/env bash
# `aiscreen pack impact` replays per second (BENCHMARKS.md §1, issue 13's target: 10,000/s on one core).
# Fills a scratch journal with `aiscreen up` + `aiscreen load` (pipelined full screenings of the bundled examples)
# for FILL seconds, then replays it ROUNDS times through rules/gdpr with `pack impact --json`, pinned to one core,
# and prints screenings replayed, seconds and replays/s per round and their median, with the peak RSS of each run.
# Usage: bench/broker/impact.sh [fill seconds, default 20] [rounds, default 3] [journal to reuse, optional]
set -euo pipefail
cd "$(dirname "$0")/../.."
fill=${1:-20}
rounds=${2:-3}
reuse=${3:-}
swift build -c release --product aiscreen >&2
bin=$(swift build -c release --show-bin-path)/aiscreen
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; wait 2>/dev/null || true; pid=; }
trap 'cleanup; rm -rf "$work"' EXIT
journal=${reuse:-$work/journal.sqlite}
if [ -z "$reuse" ] || [ ! -f "$reuse" ]; then
    "$bin" up --journal "$journal" --client tcp://127.0.0.1:15555 --publish tcp://127.0.0.1:15557 --http off >"$work/up.log" 2>/dev/null &
    pid=$!
    for _ in $(seq 1 100); do grep -q '"ready"' "$work/up.log" && break; sleep 0.1; done
    "$bin" load --connect tcp://127.0.0.1:15555 --seconds "$fill" --service screen --window 200 --clients 2 | head -1 >&2
    cleanup
fi
size=$(du -m "$journal" | cut -f1)
rates=
for round in $(seq 1 "$rounds"); do
    start=$(date +%s.%N)
    timer=(); [ -x /usr/bin/time ] && timer=(/usr/bin/time -f '%M' -o "$work/rss")   # Debian package "time"
    echo 0 >"$work/rss"
    "${timer[@]}" taskset -c 1 "$bin" pack impact rules/gdpr --journal "$journal" --json >"$work/out.jsonl"
    end=$(date +%s.%N)
    screened=$(tail -1 "$work/out.jsonl" | python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print(s["screened"] + s["skipped"] + s["unreadable"])')
    rate=$(awk -v n="$screened" -v s="$start" -v e="$end" 'BEGIN {printf "%.0f", n/(e-s)}')
    rates+="$rate "
    echo "round $round  $screened screenings  $(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.2f", e-s}') s  $rate replays/s  peak RSS $(( $(cat "$work/rss") / 1024 )) MiB  (journal $size MB)"
done
median=$(echo "$rates" | tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
echo "median: $median replays/s"
