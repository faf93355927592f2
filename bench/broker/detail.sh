#!/usr/bin/env bash
# Detail levels against the in-process engine (BENCHMARKS.md §3, issue 15), in one run: pipelined full screenings
# through `aiscreen up` (2 worker threads per pack, in-process) at detail=full and detail=summary, without and with
# the journal, ROUNDS times, each round beside the in-process reference (`aiscreen bench` on the same example
# requests: screenings from JSON text on one thread); no feed subscriber, so the feed renders and sends nothing. Prints each measurement and the
# medians, and the ratios the issue's targets are stated in.
# Usage: bench/broker/detail.sh [seconds per measurement, default 5] [rounds, default 3] [clients, default 4]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-5}
rounds=${2:-3}
clients=${3:-4}
swift build -c release --product aiscreen >&2
bin=$(swift build -c release --show-bin-path)/aiscreen
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; wait 2>/dev/null || true; pid=; }
trap 'cleanup; rm -rf "$work"' EXIT
ports=(--client tcp://127.0.0.1:15555 --publish tcp://127.0.0.1:15557 --http off)
for f in examples/requests/*.json; do python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$f"; done >"$work/examples.jsonl"
grep -v -E '^journal:|^  path:|^  retention_days:' config/aiscreen.yaml >"$work/none.yaml"
declare -A rates
for round in $(seq 1 "$rounds"); do
    reference=$("$bin" bench --seconds 2 --corpus "$work/examples.jsonl" 2>/dev/null | grep -m1 '^screening' | grep -o -E '[0-9]+ evals/s' | cut -d' ' -f1)
    rates[reference]+="$reference "
    echo "round $round  in-process reference  $reference/s"
    for journal in none journal; do
        for detail in full summary; do
            rm -f "$work"/journal.sqlite*
            if [ "$journal" = none ]; then args=(up --config "$work/none.yaml" "${ports[@]}")
            else args=(up --config config/aiscreen.yaml "${ports[@]}" --journal "$work/journal.sqlite"); fi
            "$bin" "${args[@]}" >"$work/up.log" 2>/dev/null &
            pid=$!
            for _ in $(seq 1 100); do grep -q '"ready"' "$work/up.log" && break; sleep 0.1; done
            out=$("$bin" load --connect tcp://127.0.0.1:15555 --seconds "$seconds" --service screen --window 200 \
                --clients "$clients" --detail "$detail")
            rate=$(echo "$out" | python3 -c 'import json,sys; d=[json.loads(l) for l in sys.stdin if l.startswith("{")][-1]; print(round(d["replies_per_sec"]), d["reply_bytes_mean"])')
            cleanup
            rates[$journal-$detail]+="${rate%% *} "
            echo "round $round  $journal  detail=$detail  ${rate%% *}/s  ${rate##* } bytes/reply"
        done
    done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ref=$(echo "${rates[reference]}" | median)
echo "medians: in-process $ref/s"
for key in none-full none-summary journal-full journal-summary; do
    m=$(echo "${rates[$key]}" | median)
    awk -v k="$key" -v m="$m" -v r="$ref" 'BEGIN {printf "  %-16s %8.0f/s  %.2f of in-process\n", k, m, m/r}'
done
for detail in full summary; do
    awk -v d="$detail" -v n="$(echo "${rates[none-$detail]}" | median)" -v j="$(echo "${rates[journal-$detail]}" | median)" \
        'BEGIN {printf "journal share at detail=%s: %.0f %%\n", d, 100*(1-j/n)}'
done
