#!/usr/bin/env bash
#  run.sh SECONDS - build (if needed) and run the zguide C Majordomo
#  broker + echo worker + timing client, print the client's result line.
#  The zguide sources are not in this repository (see README.md): put them
#  next to this script, or name their folder in ZGUIDE_MDP_SOURCES.
set -euo pipefail

SECONDS_ARG="${1:-5}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="${ZGUIDE_MDP_SOURCES:-$HERE}"
BODY="$HERE/../../../examples/minimal/required-fields-only.json"
ENDPOINT="tcp://127.0.0.1:15620"
BUILD="$HERE/build"
LOGDIR="$BUILD/logs"
for f in mdbroker.c mdworker.c mdwrkapi.c mdwrkapi.h mdcliapi.c mdcliapi.h mdp.h; do
    if [[ ! -f "$DIR/$f" ]]; then
        echo "zguide C Majordomo broker: skipped ($DIR/$f missing; see bench/broker/zguide-mdp/README.md)"
        exit 0
    fi
done
if ! pkg-config --exists libczmq 2>/dev/null; then
    echo "zguide C Majordomo broker: skipped (needs CZMQ: apt-get install -y libczmq-dev)"
    exit 0
fi
CFLAGS=(-O2 -Wall -Wno-unused-variable -Wno-unused-but-set-variable
        -I"$DIR" -include "$HERE/compat.h")
LIBS=(-lczmq -lzmq)

mkdir -p "$LOGDIR"
cd "$BUILD"

#  rebuild TARGET if missing or older than any of its inputs
needs_build () {
    local target="$1"; shift
    [[ -x "$target" ]] || return 0
    local f
    for f in "$@"; do [[ "$f" -nt "$target" ]] && return 0; done
    return 1
}

if needs_build mdbroker "$DIR/mdbroker.c" "$DIR/mdp.h" "$HERE/compat.h"; then
    gcc "${CFLAGS[@]}" -DMDP_BIND_ENDPOINT="\"$ENDPOINT\"" \
        "$DIR/mdbroker.c" -o mdbroker "${LIBS[@]}"
fi
if needs_build mdworker "$DIR/mdworker.c" "$DIR/mdwrkapi.c" "$DIR/mdwrkapi.h" "$DIR/mdp.h" "$HERE/compat.h"; then
    gcc "${CFLAGS[@]}" -DMDP_CONNECT_ENDPOINT="\"$ENDPOINT\"" \
        "$DIR/mdworker.c" -o mdworker "${LIBS[@]}"
fi
if needs_build timeclient "$HERE/timeclient.c" "$DIR/mdcliapi.c" "$DIR/mdcliapi.h" "$DIR/mdp.h" "$HERE/compat.h"; then
    gcc "${CFLAGS[@]}" "$HERE/timeclient.c" "$DIR/mdcliapi.c" -o timeclient "${LIBS[@]}"
fi

BROKER_PID=""
WORKER_PID=""
cleanup () {
    local pid
    for pid in $WORKER_PID $BROKER_PID; do
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    WORKER_PID=""; BROKER_PID=""
}
trap cleanup EXIT
trap 'exit 130' INT TERM

./mdbroker >"$LOGDIR/broker.log" 2>&1 &
BROKER_PID=$!
./mdworker >"$LOGDIR/worker.log" 2>&1 &      # no -v: verbose off
WORKER_PID=$!
sleep 1

for pid in $BROKER_PID $WORKER_PID; do
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "run.sh: broker or worker died at startup; logs:" >&2
        cat "$LOGDIR/broker.log" "$LOGDIR/worker.log" >&2
        exit 1
    fi
done

set +e
LINE="$(./timeclient "$SECONDS_ARG" "$ENDPOINT" "$BODY" 2>"$LOGDIR/client.log")"
RC=$?
set -e
cleanup
if [[ -s "$LOGDIR/client.log" ]]; then cat "$LOGDIR/client.log" >&2; fi
echo "$LINE"
exit $RC
