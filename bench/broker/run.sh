#!/usr/bin/env bash
# Broker benchmarks (numbers for BENCHMARKS.md): a single-pack echo through the broker, then full screenings
# (all three packs) through `aiscreen up`, each synchronously (round-trip latency) and pipelined (throughput).
# Usage: bench/broker/run.sh [seconds per measurement, default 10]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
swift build -c release --product aiscreen >&2
bin=$(swift build -c release --show-bin-path)/aiscreen
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
wait_for() { for _ in $(seq 1 100); do grep -q "$2" "$1" && return 0; sleep 0.1; done; echo "timeout waiting for $2 in $1" >&2; exit 1; }

echo "== single-pack echo (broker + 1 echo worker)"
log=$(mktemp)
"$bin" broker --config bench/broker/echo-config.yaml --rules bench/broker --client tcp://127.0.0.1:15555 --worker tcp://127.0.0.1:15556 --publish tcp://127.0.0.1:15557 >"$log" &
pids+=($!)
wait_for "$log" listening
"$bin" worker --config bench/broker/echo-config.yaml --pack bench/broker/echo --connect tcp://127.0.0.1:15556 2>/dev/null &
pids+=($!)
sleep 1
"$bin" load --connect tcp://127.0.0.1:15555 --service pack.echo --window 1 --seconds "$seconds" | tail -1
"$bin" load --connect tcp://127.0.0.1:15555 --service pack.echo --window 200 --seconds "$seconds" | tail -1
cleanup; pids=()

echo "== full screenings (aiscreen up: broker + 2 workers per pack)"
log=$(mktemp)
"$bin" up --client tcp://127.0.0.1:15555 --worker tcp://127.0.0.1:15556 --publish tcp://127.0.0.1:15557 >"$log" &
pids+=($!)
wait_for "$log" ready
sleep 1
"$bin" load --connect tcp://127.0.0.1:15555 --service screen --window 1 --seconds "$seconds" | tail -1
"$bin" load --connect tcp://127.0.0.1:15555 --service screen --window 200 --seconds "$seconds" | tail -1
"$bin" load --connect tcp://127.0.0.1:15555 --service screen --window 100 --clients 4 --seconds "$seconds" | tail -1
