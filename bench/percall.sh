#!/usr/bin/env bash
# CPU time and system calls per call of each server loop (issue 14).
#
#   bench/percall.sh [--seconds S] [--connections C] [--no-build]
#
# Starts `xrpc serve` on std, tokio, smol and hyper, the hyper ceiling and the
# ceiling on transport_hyper::serve's settings (`--serve-settings`) (each its
# own process), loads each with wrk (one thread, factorial(12), C keep-alive
# connections, 16 by default) for S seconds, and reports the server
# process's CPU time (user + system, from /proc/PID/stat) per answered
# call; then loads it again under `strace -c -f` and reports system calls
# per call, by name. strace slows the server down, which changes nothing in
# the count per call that matters here (each call's reads, writes and
# wake-ups), though a slower server finds more requests already waiting.
#
# XRPC=path/to/xrpc and CEILING=path/to/ceiling measure other builds.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=3 conns=16 build=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --connections) conns=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "usage: bench/percall.sh [--seconds S] [--connections C] [--no-build]" >&2; exit 2 ;;
  esac
done
for tool in wrk strace; do
  command -v $tool >/dev/null || { echo "$tool is missing (apt-get install $tool)" >&2; exit 1; }
done
if [[ $build == 1 ]]; then
  cargo build --release -q -p xrpc
  cargo build --release -q -p xmlrpc-bench --bin ceiling
fi
XRPC=${XRPC:-target/release/xrpc}
CEILING=${CEILING:-target/release/ceiling}
lua=bench/wrk/factorial.lua
work=$(mktemp -d)
pid=
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ticks=$(getconf CLK_TCK)
# CPU ticks (user + system) of process $1, all threads.
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# wrk's request count for one run against $1.
requests() {
  wrk -t1 -c"$conns" -d"${seconds}s" -s "$lua" "$1" |
    awk '/requests in/ {print $1}'
}

echo "| server | calls | CPU us/call | syscalls/call | top syscalls per call |"
echo "|---|---|---|---|---|"
for s in ceiling ceiling-serve std tokio smol hyper; do
  if [[ $s == ceiling ]]; then
    "$CEILING" >"$work/out" 2>"$work/err" &
  elif [[ $s == ceiling-serve ]]; then
    "$CEILING" --serve-settings >"$work/out" 2>"$work/err" &
  else
    "$XRPC" serve --runtime "$s" --bind 127.0.0.1:0 >"$work/out" 2>"$work/err" &
  fi
  pid=$!
  for _ in $(seq 200); do grep -qs "^listening on " "$work/out" && break; sleep 0.05; done
  url=$(sed -n 's/^listening on //p' "$work/out" | head -n1)
  before=$(cpu "$pid")
  calls=$(requests "$url")
  after=$(cpu "$pid")
  strace -c -f -q -o "$work/strace" -p "$pid" &
  tracer=$!
  sleep 0.5
  traced=$(requests "$url")
  kill -INT "$tracer"; wait "$tracer" 2>/dev/null || true
  # strace -c: % time, seconds, usecs/call, calls, [errors,] syscall
  summary=$(awk -v n="$traced" '
    /^[ ]*[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9]+/ && $NF != "total" {
      name = $NF; count = $4; total += count
      if (count / n >= 0.05) top = top sprintf("%s %.2f, ", name, count / n)
    }
    END { sub(/, $/, "", top); printf "%.2f | %s", total / n, top }' "$work/strace")
  awk -v s="$s" -v c="$calls" -v t="$((after - before))" -v hz="$ticks" -v rest="$summary" \
    'BEGIN {printf "| %s | %d | %.1f | %s |\n", s, c, t / hz * 1e6 / c, rest}'
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
done
