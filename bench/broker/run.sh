#!/usr/bin/env bash
# Broker benchmarks (numbers for BENCHMARKS.md §3), all in one run so that they can be compared:
#   1. reference round trips: raw ROUTER-DEALER in C (bench/broker/raw.c) and with pyzmq, a do-nothing 3-process
#      pyzmq relay, majortomo (a Python Majordomo broker from PyPI) and the zguide C Majordomo broker
#      (bench/broker/zguide-mdp, when its sources are there), both of which the issue quotes;
#   2. a single-pack echo through `aiscreen broker` + one echo worker process, synchronous (minimal and example
#      bodies) and pipelined;
#   3. full screenings (all three packs) through `aiscreen up`, without and with the journal, synchronous and
#      pipelined, with the CPU each thread of `up` used.
# Usage: bench/broker/run.sh [seconds per measurement, default 10]
set -euo pipefail
cd "$(dirname "$0")/../.."
# The Python references (pyzmq, majortomo) run in the project's virtual environment (scripts/setup --bench makes it).
bash scripts/setup --bench >&2
export PATH="$PWD/.venv/bin:$PATH"
seconds=${1:-10}
swift build -c release --product aiscreen >&2
bin=$(swift build -c release --show-bin-path)/aiscreen
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }
trap cleanup EXIT
wait_for() { for _ in $(seq 1 100); do grep -q "$2" "$1" && return 0; sleep 0.1; done; echo "timeout waiting for $2 in $1" >&2; exit 1; }
ports=(--client tcp://127.0.0.1:15555 --worker tcp://127.0.0.1:15556 --publish tcp://127.0.0.1:15557)
load() { "$bin" load --connect tcp://127.0.0.1:15555 --seconds "$seconds" "$@" | head -1; }
cputime() { awk '{print $14+$15}' "/proc/$1/stat"; }

echo "== reference round trips (libzmq in C, pyzmq, majortomo)"
raw=$(mktemp)
cc -O2 bench/broker/raw.c -o "$raw" -lzmq
"$raw" "$seconds"
python3 bench/broker/baseline.py "$seconds"
python3 -c "import majortomo" 2>/dev/null || python3 -m pip install --quiet majortomo==0.2.0 >&2
python3 bench/broker/majortomo_ref.py "$seconds"
bash bench/broker/zguide-mdp/run.sh "$seconds" 2>/dev/null  # "skipped" without the zguide sources (its README)

spinning=$(mktemp --suffix .yaml)
printf 'broker:\n  idle_spin_us: 1000\n' | cat - bench/broker/echo-config.yaml >"$spinning"
for config in bench/broker/echo-config.yaml "$spinning"; do
    if [ "$config" = "$spinning" ]; then spin="broker.idle_spin_us 1000"; else spin="default config"; fi
    echo "== single-pack echo (aiscreen broker + 1 echo worker process), $spin"
    log=$(mktemp)
    "$bin" broker --insecure --config "$config" --rules bench/broker "${ports[@]}" >"$log" &
    pids+=($!)
    wait_for "$log" listening
    "$bin" worker --config bench/broker/echo-config.yaml --pack bench/broker/echo --connect tcp://127.0.0.1:15556 2>/dev/null &
    pids+=($!)
    sleep 1
    load --service pack.echo --window 1 --files examples/minimal/required-fields-only.json
    if [ "$config" = "$spinning" ]; then cleanup; continue; fi
    load --service pack.echo --window 1
    load --service pack.echo --window 200
    cleanup
done

nojournal=$(mktemp --suffix .yaml)
grep -v -E '^journal:|^  path:|^  retention_days:' config/aiscreen.yaml >"$nojournal"
journal=$(mktemp -d)/journal.sqlite
for mode in "without journal" "with journal"; do
    echo "== full screenings, $mode (aiscreen up: broker + 2 worker threads per pack, in-process)"
    log=$(mktemp)
    if [ "$mode" = "with journal" ]; then
        "$bin" up "${ports[@]}" --journal "$journal" >"$log" &
    else
        "$bin" up "${ports[@]}" --config "$nojournal" >"$log" &
    fi
    up=$!
    pids+=($up)
    wait_for "$log" ready
    sleep 1
    load --service screen --window 1
    before=$(cputime "$up")
    load --service screen --window 200
    after=$(cputime "$up")
    echo "   aiscreen up used $(( (after - before) / seconds ))% of a core during the pipelined run"
    load --service screen --window 100 --clients 4
    cleanup
done
