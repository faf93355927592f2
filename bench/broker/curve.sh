#!/usr/bin/env bash
# The cost of CURVE (BENCHMARKS.md §3, "CURVE"): the same measurements with plaintext and with CURVE, alternating in
# one run so that the VM's noise hits both alike.
#   1. a single-pack echo through `aiscreen broker` + one echo worker process, synchronous (minimal body) and
#      pipelined; CURVE on the client and worker endpoints;
#   2. full screenings through `aiscreen up` (in-process workers), pipelined; CURVE on the client endpoint.
# Usage: bench/broker/curve.sh [seconds per measurement, default 10] [rounds, default 2]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
rounds=${2:-2}
swift build -c release --product aiscreen >&2
bin=$(swift build -c release --show-bin-path)/aiscreen
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }
trap cleanup EXIT
wait_for() { for _ in $(seq 1 100); do grep -q "$2" "$1" && return 0; sleep 0.1; done; echo "timeout waiting for $2 in $1" >&2; exit 1; }
ports=(--client tcp://127.0.0.1:15555 --worker tcp://127.0.0.1:15556 --publish tcp://127.0.0.1:15557)
keys=$(mktemp -d)
for args in "--role broker" "--role client --name bench" "--role worker --pack echo --name echo-1"; do
    # shellcheck disable=SC2086
    "$bin" keys generate $args --dir "$keys" >/dev/null
done
nokeys=$(mktemp -d)
client_keys=(--key "$keys/clients/bench.key_secret" --broker-key "$keys/broker/broker.key")
nojournal=$(mktemp --suffix .yaml)
grep -v -E '^journal:|^  path:|^  retention_days:' config/aiscreen.yaml >"$nojournal"
load() { "$bin" load --connect tcp://127.0.0.1:15555 --seconds "$seconds" "$@" | head -1; }

for round in $(seq 1 "$rounds"); do
    for mode in plaintext curve; do
        echo "== round $round, single-pack echo, $mode"
        log=$(mktemp)
        if [ "$mode" = curve ]; then
            "$bin" broker --keys "$keys" --config bench/broker/echo-config.yaml --rules bench/broker "${ports[@]}" >"$log" 2>/dev/null &
            pids+=($!); wait_for "$log" listening
            "$bin" worker --config bench/broker/echo-config.yaml --pack bench/broker/echo --connect tcp://127.0.0.1:15556 \
                --key "$keys/workers/echo/echo-1.key_secret" --broker-key "$keys/broker/broker.key" 2>/dev/null &
            pids+=($!); sleep 1
            load --service pack.echo --window 1 --files examples/minimal/required-fields-only.json "${client_keys[@]}"
            load --service pack.echo --window 200 "${client_keys[@]}"
        else
            "$bin" broker --insecure --keys "$nokeys" --config bench/broker/echo-config.yaml --rules bench/broker "${ports[@]}" >"$log" 2>/dev/null &
            pids+=($!); wait_for "$log" listening
            "$bin" worker --config bench/broker/echo-config.yaml --pack bench/broker/echo --connect tcp://127.0.0.1:15556 2>/dev/null &
            pids+=($!); sleep 1
            load --service pack.echo --window 1 --files examples/minimal/required-fields-only.json
            load --service pack.echo --window 200
        fi
        cleanup
        echo "== round $round, full screenings through aiscreen up, no journal, $mode"
        log=$(mktemp)
        if [ "$mode" = curve ]; then
            "$bin" up --keys "$keys" --config "$nojournal" "${ports[@]}" >"$log" 2>/dev/null &
            pids+=($!); wait_for "$log" ready; sleep 1
            load --service screen --window 200 "${client_keys[@]}"
        else
            "$bin" up --keys "$nokeys" --config "$nojournal" "${ports[@]}" >"$log" 2>/dev/null &
            pids+=($!); wait_for "$log" ready; sleep 1
            load --service screen --window 200
        fi
        cleanup
    done
done
