#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md §1–§4 in one sitting, each with the references it is quoted against, so the
# ratios come from one run on one machine state (issue 15). Run it on a quiet machine; it takes ≈ 30 minutes.
#   §1  aiscreen bench (the bundled packs: each stage, and whole screenings) and bench/broker/impact.sh (pack impact replays/s)
#   §2  bench/engines/run.sh (beside ZEN, Cedar, CEL, regorus, rego-cpp and the hand-written Python)
#   §3  bench/broker/run.sh (echo beside raw libzmq, pyzmq, majortomo and the zguide C broker when its sources are
#       given), bench/broker/detail.sh (pipelined full screenings beside the in-process engine) and
#       bench/broker/journal.sh (the journal's share)
#   §4  aiscreen journal bench (commits on this disk)
# Each part's output goes to OUT/<part>.txt (default OUT: bench-results/sitting-<UTC time>, ignored by git) and to
# the terminal. The zguide C Majordomo sources stay outside the repository: name their folder in
# ZGUIDE_MDP_SOURCES (bench/broker/zguide-mdp/README.md); without them that line says "skipped".
# Usage: bench/sitting.sh [OUT [PART…]]   (parts: engine impact engines broker detail journal-share journal-commits)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench-results/sitting-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
bash scripts/setup --bench >&2
export PATH="$PWD/.venv/bin:$PATH"
swift build -c release --product aiscreen >&2
bin=$(swift build -c release --show-bin-path)/aiscreen
run() {
    local name=$1
    shift
    echo "== $name: $* ($(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$out/sitting.txt"
    # A part that fails is reported and the sitting goes on with the next.
    "$@" 2>&1 | grep -v -E '^\[[0-9]+/[0-9]+\]|^Building|^Build of|^Compiling|^Planning|swift-distributed-tracing|CMakeLists.txt' | tee "$out/$name.txt" \
        || echo "== $name FAILED (exit status ${PIPESTATUS[0]}); see $out/$name.txt" | tee -a "$out/sitting.txt"
}
# Only these parts (names as below), e.g. bench/sitting.sh OUT broker detail
only=" ${*:2} "
part() { [ "$only" = "  " ] || [[ "$only" == *" $1 "* ]] || return 0; run "$@"; }
{
    echo "sitting $(date -u +%Y-%m-%dT%H:%M:%SZ), aiscreen $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)')"
    echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
} | tee "$out/sitting.txt"
part engine taskset -c 1 "$bin" bench --seconds 3
part impact bash bench/broker/impact.sh 20 3
part engines env AISCREEN="$bin" bash bench/engines/run.sh --n 10000
part broker bash bench/broker/run.sh 8
part detail bash bench/broker/detail.sh 5 2 4
part journal-share bash bench/broker/journal.sh 6 3
part journal-commits "$bin" journal bench --seconds 2
echo "== done $(date -u +%H:%M:%S) UTC; outputs in $out" | tee -a "$out/sitting.txt"
