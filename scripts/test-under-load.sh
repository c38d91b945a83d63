#!/usr/bin/env bash
# Runs the whole test command several times in a row while stress-ng keeps every core busy, as CI's shared
# 2-core machine may be. Stops at the first failing run. Run it before you land a change that touches timing:
# a test that passes here measures from timestamps or a fake clock, not from how fast the machine happens to be.
#
#   scripts/test-under-load.sh [runs (default 3)] [extra arguments for scripts/test.sh …]
#
# LOAD_WORKERS (default: the number of cores) sets how many CPU hogs run beside the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-3}"
shift || true
workers="${LOAD_WORKERS:-$(nproc)}"

scripts/require-debian-packages.sh stress-ng

log_dir="artifacts/test-under-load"
rm -rf "$log_dir"
mkdir -p "$log_dir"

stress_pid=""
stop_load() {
  if [ -n "$stress_pid" ]; then
    kill "$stress_pid" 2>/dev/null || true
    wait "$stress_pid" 2>/dev/null || true
  fi
}
trap stop_load EXIT

# The hogs run at normal priority, like a neighbour's build; --timeout bounds them even if this script is killed.
stress-ng --cpu "$workers" --cpu-method matrixprod --timeout 3h --quiet &
stress_pid=$!
echo "Load: stress-ng --cpu ${workers} (pid ${stress_pid}) on $(nproc) cores"

for run in $(seq 1 "$runs"); do
  echo "== Run ${run} of ${runs} under load ($(date -u +%H:%M:%S) UTC)"
  started=$SECONDS
  if ! scripts/test.sh "$@" >"$log_dir/run-${run}.log" 2>&1; then
    tail -n 40 "$log_dir/run-${run}.log"
    echo "Run ${run} of ${runs} failed after $((SECONDS - started)) s; its log: $log_dir/run-${run}.log" >&2
    exit 1
  fi
  echo "   $(grep -E '^Tests: ' "$log_dir/run-${run}.log" | tail -1) in $((SECONDS - started)) s"
done

echo "All ${runs} runs passed under load."
