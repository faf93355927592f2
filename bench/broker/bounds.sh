#!/usr/bin/env bash
# Bounds and fairness (BENCHMARKS.md §3, "Bounds"): in one run, alternating, this checkout and (optionally) an
# earlier one, each measuring itself end to end (its own `aiscreen up`, config, packs and `aiscreen load`):
#   1. pipelined full screenings through `aiscreen up` (in-process workers), without and with the journal;
#   2. the broker's memory under the amplifying request (46 categorised attributes of 200 emoji, ≈ 41 KB) pipelined;
#   3. another client's synchronous round trips alone and while a connection floods 0.9 MiB bodies of 15,000
#      arrays nested 31 deep, 10 a second (Tests/IntegrationTests/Peers/hostile.py).
# Usage: bench/broker/bounds.sh [seconds per measurement, default 10] [rounds, default 2] [BEFORE_DIR]
#   BEFORE_DIR: a checkout of an earlier commit with its release build, e.g.
#   git worktree add /tmp/before <commit> && (cd /tmp/before && swift build -c release --product aiscreen)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
rounds=${2:-2}
before=${3:-}
swift build -c release --product aiscreen >&2
here=$PWD
hostile=$here/Tests/IntegrationTests/Peers/hostile.py
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }
trap cleanup EXIT
wait_for() { for _ in $(seq 1 100); do grep -q "$2" "$1" && return 0; sleep 0.1; done; echo "timeout waiting for $2 in $1" >&2; exit 1; }
ports=(--client tcp://127.0.0.1:15555 --worker tcp://127.0.0.1:15556 --publish tcp://127.0.0.1:15557)
amplifying=$(mktemp --suffix .json)
python3 -c '
import json, sys
d = json.load(open("examples/requests/18-driver-fatigue-detection.json"))
b = d["ai"]["biometrics"]
b["categorisation_sensitive_attributes"] = True
b["categorised_attributes"] = ["\U0001F600" * 199 + chr(0x1F600 + i) for i in range(46)]
open(sys.argv[1], "w").write(json.dumps(d, ensure_ascii=False))
' "$amplifying"
checkouts=("$here")
[ -n "$before" ] && checkouts=("$(cd "$before" && pwd)" "$here")

for round in $(seq 1 "$rounds"); do
    for dir in "${checkouts[@]}"; do
        name=$([ "$dir" = "$here" ] && echo "this build" || echo "before")
        bin=$dir/.build/release/aiscreen
        cd "$dir"
        nojournal=$(mktemp --suffix .yaml)
        grep -v -E '^journal:|^  path:|^  retention_days:' config/aiscreen.yaml >"$nojournal"
        for mode in nojournal journal; do
            echo "== round $round, $name, full screenings through aiscreen up, pipelined, $mode"
            log=$(mktemp); scratch=$(mktemp -d)
            config=$nojournal; extra=()
            [ "$mode" = journal ] && extra=(--journal "$scratch/journal.sqlite") && config=config/aiscreen.yaml
            "$bin" up --insecure --config "$config" "${extra[@]}" "${ports[@]}" >"$log" 2>/dev/null &
            pids+=($!); wait_for "$log" ready; sleep 1
            "$bin" load --connect tcp://127.0.0.1:15555 --seconds "$seconds" --service screen --window 200 | head -1
            cleanup; rm -rf "$scratch"
        done
        echo "== round $round, $name, amplifying requests pipelined (window 200), broker RSS sampled"
        log=$(mktemp)
        "$bin" up --insecure --config "$nojournal" "${ports[@]}" >"$log" 2>/dev/null &
        pids+=($!); wait_for "$log" ready; sleep 1
        "$bin" load --connect tcp://127.0.0.1:15555 --seconds "$seconds" --service screen --window 200 --files "$amplifying" \
            --sample-rss "${pids[-1]}" | head -1
        cleanup
        echo "== round $round, $name, another client's round trips alone and under the nested-array flood"
        log=$(mktemp)
        "$bin" up --insecure --config "$nojournal" "${ports[@]}" >"$log" 2>/dev/null &
        pids+=($!); wait_for "$log" ready; sleep 1
        python3 "$hostile" flood --endpoint tcp://127.0.0.1:15555 --body examples/requests/08-spell-grammar-checker.json \
            --seconds "$seconds" --rate 10
        cleanup
        rm -f "$nojournal"
        cd "$here"
    done
done
rm -f "$amplifying"
