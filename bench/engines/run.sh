#!/usr/bin/env bash
# Puts aiscreen into the side-by-side rules-engine benchmark (ZEN, regorus, Cedar, CEL, rego-cpp, plain Python)
# at ../shared/bench/engines (beside the repository), with our copy of its 28-rule EU AI Act pack (bench/engines/euaiact).
#
#   bench/engines/run.sh                                   # all anchors + aiscreen, 10,000 requests (~7+ min)
#   bench/engines/run.sh --engines python,zen --min-time 1 # extra arguments go to bench.py
#   AISCREEN=/path/to/aiscreen bench/engines/run.sh        # use this binary instead of building one
#
# bench.py checks every answer of every engine (ours included) against the hand-written reference before it
# times anything; its work files go to $BENCH_WORK (default /tmp/aiscreen-engine-bench). See README.md here.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
pack="$here/euaiact"
bench_dir="${BENCH_ENGINES_DIR:-$repo/../shared/bench/engines}"  # ../shared beside the repository

if [[ -n "${AISCREEN:-}" ]]; then
    bin="$(realpath "$AISCREEN")"
else
    bin="$(cd "$repo" && swift build -c release --show-bin-path)/aiscreen"
    if [[ ! -x "$bin" ]]; then
        echo "building aiscreen (release) ..." >&2
        (cd "$repo" && swift build -c release --product aiscreen >&2)
    fi
fi
[[ -x "$bin" ]] || { echo "run.sh: no aiscreen binary at $bin" >&2; exit 1; }
[[ -f "$bench_dir/bench.py" ]] || { echo "run.sh: no bench.py in $bench_dir (set BENCH_ENGINES_DIR)" >&2; exit 1; }

# A pack with an error would only show up as an unreadable output after the anchors have run; fail now instead.
if ! "$bin" pack check "$pack" >/dev/null; then
    "$bin" pack check "$pack" >&2 || true
    exit 1
fi

# bench.py creates $BENCH_WORK/results only when it writes its report, after the external engines have run, and
# `aiscreen bench` does not create BENCH_OUT's folder: on a fresh $BENCH_WORK our output would be unwritable.
mkdir -p "${BENCH_WORK:-/tmp/aiscreen-engine-bench}/results"

# bench.py splits the command with shlex; %q keeps paths with spaces in one piece.
cmd="$(printf '%q' "$bin") bench --external-protocol --rules $(printf '%q' "$pack") --seconds 3"
exec python3 "$bench_dir/bench.py" --external "aiscreen=$cmd" "$@"
