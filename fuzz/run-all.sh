#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 1200: 20 minutes),
# JOBS at a time (default 1), keeping what each run found in corpus/TARGET
# (seeds from seeds/TARGET too). Prints each target's executions and
# whether it crashed; crash inputs land in artifacts/TARGET.
#
#   fuzz/run-all.sh [SECONDS] [JOBS]
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-1200}
jobs=${2:-1}
cargo +nightly fuzz build || exit 1
mkdir -p logs
run() {
  local target=$1
  mkdir -p "corpus/$target"
  local dirs=("corpus/$target")
  [[ -d seeds/$target ]] && dirs+=("seeds/$target")
  if cargo +nightly fuzz run "$target" "${dirs[@]}" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 \
      >"logs/$target.log" 2>&1; then
    echo "$target: ok, $(grep -m1 '^stat::number_of_executed_units' "logs/$target.log" | cut -d: -f4 | tr -d ' ') executions in ${seconds}s"
  else
    echo "$target: CRASHED (logs/$target.log, artifacts/$target)"
    return 1
  fi
}
status=0
running=0
for target in $(cargo +nightly fuzz list); do
  run "$target" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n || status=1
    running=$((running - 1))
  fi
done
while ((running > 0)); do
  wait -n || status=1
  running=$((running - 1))
done
exit $status
