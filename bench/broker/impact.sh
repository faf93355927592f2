#!/usr/bin/env bash
# `aiscreen pack impact` replays per second (BENCHMARKS.md §1; issue 13's target: 10,000/s on one core).
# Fills a scratch journal with `aiscreen up` + `aiscreen load` (pipelined full screenings of the bundled examples,
# two clients) for FILL seconds, then replays it ROUNDS times through rules/gdpr with `pack impact --json`, pinned
# to one core, and prints screenings, seconds, replays/s and peak RSS per round, and the median.
# With AISCREEN_BASELINE=/path/to/an/older/aiscreen the same is done, round by round in turn, with that binary on a
# journal it filled itself (an older binary may not read a newer journal schema): the ratio is what to quote.
# Usage: bench/broker/impact.sh [fill seconds, default 20] [rounds, default 5]
set -euo pipefail
cd "$(dirname "$0")/../.."
fill=${1:-20}
rounds=${2:-5}
swift build -c release --product aiscreen >&2
bins=(current "$(swift build -c release --show-bin-path)/aiscreen")
[ -n "${AISCREEN_BASELINE:-}" ] && bins+=(baseline "$AISCREEN_BASELINE")
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; wait 2>/dev/null || true; pid=; }
trap 'cleanup; rm -rf "$work"' EXIT
timer=()
[ -x /usr/bin/time ] && timer=(/usr/bin/time -f '%M' -o "$work/rss")  # Debian package "time", for the peak RSS
declare -A rates
for ((i = 0; i < ${#bins[@]}; i += 2)); do
    name=${bins[i]} bin=${bins[i + 1]}
    "$bin" up --journal "$work/$name.sqlite" --client tcp://127.0.0.1:15555 --publish tcp://127.0.0.1:15557 --http off >"$work/up.log" 2>/dev/null &
    pid=$!
    for _ in $(seq 1 100); do grep -q '"ready"' "$work/up.log" && break; sleep 0.1; done
    echo "$name fill: $("$bin" load --connect tcp://127.0.0.1:15555 --seconds "$fill" --service screen --window 200 --clients 2 | head -1)"
    cleanup
done
for round in $(seq 1 "$rounds"); do
    for ((i = 0; i < ${#bins[@]}; i += 2)); do
        name=${bins[i]} bin=${bins[i + 1]}
        echo 0 >"$work/rss"
        start=$(date +%s.%N)
        "${timer[@]}" taskset -c 1 "$bin" pack impact rules/gdpr --journal "$work/$name.sqlite" --json >"$work/out.jsonl"
        end=$(date +%s.%N)
        screened=$(tail -1 "$work/out.jsonl" | python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print(s["screened"] + s["skipped"] + s["unreadable"])')
        rate=$(awk -v n="$screened" -v s="$start" -v e="$end" 'BEGIN {printf "%.0f", n/(e-s)}')
        rates[$name]+="$rate "
        echo "round $round  $name  $screened screenings  $(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.2f", e-s}') s  $rate replays/s  peak RSS $(( $(cat "$work/rss") / 1024 )) MiB  (journal $(du -m "$work/$name.sqlite" | cut -f1) MB)"
    done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
current=$(echo "${rates[current]}" | median)
echo "median replays/s: current $current"
if [ -n "${rates[baseline]:-}" ]; then
    baseline=$(echo "${rates[baseline]}" | median)
    awk -v c="$current" -v b="$baseline" 'BEGIN {printf "median replays/s: baseline %d; current / baseline %.2f\n", b, c/b}'
fi
