#!/usr/bin/env bash
# The cost of the HTTP server (BENCHMARKS.md §3, "HTTP server and metrics"): pipelined full screenings through
# `aiscreen up` with the journal, with `--http off` and with the server on while a scraper reads /metrics every
# second and a browser-like client holds /api/events open; the two alternate in each round, so the VM's noise hits
# both alike.
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

for round in $(seq 1 "$rounds"); do
    for mode in off on; do
        journal=$(mktemp -u --suffix .sqlite)
        log=$(mktemp)
        if [ "$mode" = on ]; then
            "$bin" up --journal "$journal" --http 127.0.0.1:18090 "${ports[@]}" >"$log" 2>/dev/null &
            pids+=($!); wait_for "$log" ready; sleep 1
            (while sleep 1; do curl -s -o /dev/null http://127.0.0.1:18090/metrics; done) &
            pids+=($!)
            curl -s -N -o /dev/null http://127.0.0.1:18090/api/events &
            pids+=($!)
        else
            "$bin" up --journal "$journal" --http off "${ports[@]}" >"$log" 2>/dev/null &
            pids+=($!); wait_for "$log" ready; sleep 1
        fi
        echo "== round $round, full screenings through aiscreen up with the journal, http $mode"
        load
        cleanup
        rm -f "$journal" "$journal"-wal "$journal"-shm "$journal".lock "$journal".head
    done
done
