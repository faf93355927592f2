#!/usr/bin/env bash
# The cost of the HTTP server (BENCHMARKS.md §3, "HTTP server and metrics"): pipelined full screenings through
# `aiscreen up` with the journal, with `--http off` and with the server on while a scraper reads /metrics every
# second and a browser-like client holds /api/events open (both at nice 19); the two alternate in each round, so
# the VM's noise hits both alike. Besides replies/s it reports the CPU time `up` spent per 1,000 screenings (utime + stime from /proc),
# which this noisy VM disturbs less than throughput, and at the end the median of the per-round ratios.
# Usage: bench/broker/http.sh [seconds per measurement, default 10] [rounds, default 3]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
rounds=${2:-3}
swift build -c release --product aiscreen >&2
bin=$(swift build -c release --show-bin-path)/aiscreen
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }
trap cleanup EXIT
wait_for() { for _ in $(seq 1 100); do grep -q "$2" "$1" && return 0; sleep 0.1; done; echo "timeout waiting for $2 in $1" >&2; exit 1; }
ports=(--client tcp://127.0.0.1:15555 --publish tcp://127.0.0.1:15557)
load() { "$bin" load --connect tcp://127.0.0.1:15555 --seconds "$seconds" --service screen --window 200 | head -1; }
# CPU ticks (utime + stime) of process $1 and its threads.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
declare -A rate cpu

for round in $(seq 1 "$rounds"); do
    for mode in off on; do
        journal=$(mktemp -u --suffix .sqlite)
        log=$(mktemp)
        if [ "$mode" = on ]; then
            "$bin" up --journal "$journal" --http 127.0.0.1:18090 "${ports[@]}" >"$log" 2>/dev/null &
            pids+=($!); wait_for "$log" ready; sleep 1
            # The readers run at the lowest priority: on this 2-core VM they would otherwise take CPU from the
            # broker that, in a deployment, the dashboard's and Prometheus's own hosts spend.
            (while sleep 1; do nice -n 19 curl -s -o /dev/null http://127.0.0.1:18090/metrics; done) &
            pids+=($!)
            nice -n 19 curl -s -N -o /dev/null http://127.0.0.1:18090/api/events &
            pids+=($!)
        else
            "$bin" up --journal "$journal" --http off "${ports[@]}" >"$log" 2>/dev/null &
            pids+=($!); wait_for "$log" ready; sleep 1
        fi
        echo "== round $round, full screenings through aiscreen up with the journal, http $mode"
        up=${pids[0]}
        before=$(ticks "$up")
        line=$(load)
        after=$(ticks "$up")
        echo "$line"
        rate[$round,$mode]=$(echo "$line" | grep -o '[0-9]* replies/s' | grep -o '[0-9]*')
        cpu[$round,$mode]=$(awk -v t=$((after - before)) -v hz="$hz" -v r="${rate[$round,$mode]}" -v s="$seconds" 'BEGIN { printf "%.1f", t / hz * 1000 / (r * s / 1000) }')
        echo "up: ${cpu[$round,$mode]} ms CPU per 1,000 screenings"
        cleanup
        rm -f "$journal" "$journal"-wal "$journal"-shm "$journal".lock "$journal".head
    done
done

echo "== summary: round, replies/s off / on (ratio), CPU ms per 1,000 screenings off / on (ratio)"
ratios=()
for round in $(seq 1 "$rounds"); do
    r=$(awk -v a="${rate[$round,on]}" -v b="${rate[$round,off]}" 'BEGIN { printf "%.2f", a / b }')
    c=$(awk -v a="${cpu[$round,on]}" -v b="${cpu[$round,off]}" 'BEGIN { printf "%.2f", a / b }')
    ratios+=("$r")
    echo "$round: ${rate[$round,off]} / ${rate[$round,on]} ($r), ${cpu[$round,off]} / ${cpu[$round,on]} ($c)"
done
echo "median throughput ratio on/off: $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')"
