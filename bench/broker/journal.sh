#!/usr/bin/env bash
# The journal's share of pipelined full-screening throughput (BENCHMARKS.md §3), in one run: `aiscreen up`
# without a journal, with the journal storing every verdict whole (journal.compact_results: false), and with
# compact verdicts (the default), in turn, ROUNDS times; prints each measurement and the medians.
# Usage: bench/broker/journal.sh [seconds per measurement, default 6] [rounds, default 5] [clients, default 1]
# Each client pipelines a window of 200 requests; with one client the commit latency (one fsync per group) bounds
# the rate, with 4 the CPU does.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-6}
rounds=${2:-5}
clients=${3:-1}
swift build -c release --product aiscreen >&2
bin=$(swift build -c release --show-bin-path)/aiscreen
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; wait 2>/dev/null || true; pid=; }
trap 'cleanup; rm -rf "$work"' EXIT
ports=(--client tcp://127.0.0.1:15555 --publish tcp://127.0.0.1:15557 --http off)
grep -v -E '^journal:|^  path:|^  retention_days:' config/aiscreen.yaml >"$work/none.yaml"
sed 's/^journal:$/journal:\n  compact_results: false/' config/aiscreen.yaml >"$work/whole.yaml"
cp config/aiscreen.yaml "$work/compact.yaml"
declare -A rates
for round in $(seq 1 "$rounds"); do
    for mode in none whole compact; do
        rm -f "$work"/journal.sqlite*
        args=(up --config "$work/$mode.yaml" "${ports[@]}")
        [ "$mode" != none ] && args+=(--journal "$work/journal.sqlite")
        "$bin" "${args[@]}" >"$work/up.log" 2>/dev/null &
        pid=$!
        for _ in $(seq 1 100); do grep -q '"ready"' "$work/up.log" && break; sleep 0.1; done
        line=$("$bin" load --connect tcp://127.0.0.1:15555 --seconds "$seconds" --service screen --window 200 --clients "$clients" | head -1)
        rate=$(echo "$line" | grep -o -E '[0-9,]+ replies/s' | tr -d ', replies/s')
        stored=""
        if [ "$mode" != none ]; then
            stored=$(python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); n,b=c.execute(\"select count(*), sum(length(result)) from entry where kind='completed'\").fetchone(); print(f'{b//max(n,1)} bytes/verdict stored')" "$work/journal.sqlite")
        fi
        cleanup
        rates[$mode]+="$rate "
        echo "round $round  $mode  $rate/s  $stored  ($line)"
    done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
none=$(echo "${rates[none]}" | median)
whole=$(echo "${rates[whole]}" | median)
compact=$(echo "${rates[compact]}" | median)
echo "median replies/s: no journal $none, journal (whole verdicts) $whole, journal (compact verdicts) $compact"
awk -v n="$none" -v w="$whole" -v c="$compact" 'BEGIN {printf "journal share of throughput: whole %.0f %%, compact %.0f %%\n", 100*(1-w/n), 100*(1-c/n)}'
