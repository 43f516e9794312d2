#!/usr/bin/env bash
# Our servers and clients against the ceiling (issue 14), side by side.
#
#   bench/ceiling.sh [--rounds R] [--seconds S] [--only servers|clients] [--no-build]
#
# Servers: the hyper ceiling (src/bin/ceiling.rs), the same on the hyper
# settings of transport_hyper::serve (`ceiling-serve`), and `xrpc serve` on std,
# tokio, smol and hyper (transport-hyper's tower service; the demo `factorial`, registered as `xrpc serve` does),
# each in its own process, all up at once; wrk (one thread, the Lua script
# wrk/factorial.lua POSTing factorial(12)) loads each for S seconds with 16
# keep-alive connections, then with 1. Each server runs paired with a
# ceiling run right before or after it (the order alternating by round), so
# drift on the shared machine hits both alike; the table gives each median
# and the median of its per-round ratios to its paired ceiling runs.
#
# Clients: wrk with one connection against the ceiling (its sequential
# rate), then the load bin's client table against the same ceiling
# (Python's ServerProxy, then our std, tokio and smol clients, sequential
# calls on one keep-alive connection), taking turns the same way.
#
# XRPC=path/to/xrpc and LOAD=path/to/load measure other builds (a commit
# before, say); CEILING=path/to/ceiling likewise. Needs wrk (Debian: wrk).
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3 seconds=3 only=all build=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "usage: bench/ceiling.sh [--rounds R] [--seconds S] [--only servers|clients] [--no-build]" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
if [[ $build == 1 ]]; then
  cargo build --release -q -p xrpc
  cargo build --release -q -p xmlrpc-bench --bin ceiling --bin load
fi
XRPC=${XRPC:-target/release/xrpc}
LOAD=${LOAD:-target/release/load}
CEILING=${CEILING:-target/release/ceiling}
lua=bench/wrk/factorial.lua
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# start NAME CMD...: runs CMD in the background, waits for its
# "listening on URL" line, and records URL in $work/NAME.url.
start() {
  local name=$1; shift
  "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pids+=($!)
  for _ in $(seq 200); do
    if grep -q '^listening on ' "$work/$name.out"; then
      sed -n 's/^listening on //p' "$work/$name.out" | head -n1 >"$work/$name.url"
      return
    fi
    sleep 0.05
  done
  echo "$name did not start:" >&2; cat "$work/$name.err" >&2; exit 1
}

# rate URL CONNECTIONS: wrk's requests per second (non-2xx answers fail).
rate() {
  local out
  out=$(wrk -t1 -c"$2" -d"${seconds}s" -s "$lua" "$1")
  if grep -q 'Non-2xx\|Socket errors' <<<"$out"; then
    echo "wrk against $1 saw errors:" >&2; echo "$out" >&2; exit 1
  fi
  awk '/^Requests\/sec:/ {print $2}' <<<"$out"
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# ratio A B: the median of the round-by-round ratios of file A to file B
# (one rate per line, rounds in the same order).
ratio() { paste "$1" "$2" | awk '{print $1 / $2}' | median; }

start ceiling "$CEILING"
# Sanity: the ceiling answers what our servers answer.
servers=(ceiling)
if [[ $only != clients ]]; then
  # The ceiling on transport_hyper::serve's hyper settings: the hyper
  # row's own ceiling (the gap between the two is the XML-RPC work).
  start ceiling-serve "$CEILING" --serve-settings
  servers+=(ceiling-serve)
  for rt in std tokio smol hyper; do
    start "$rt" "$XRPC" serve --runtime "$rt" --bind 127.0.0.1:0
    servers+=("$rt")
  done
fi

if [[ $only != clients ]]; then
  ceiling_url=$(cat "$work/ceiling.url")
  for conns in 16 1; do
    for round in $(seq "$rounds"); do
      for s in "${servers[@]:1}"; do
        # Each server runs right next to a ceiling run of its own, the
        # pair's order alternating by round: the machine's drift between
        # the two is seconds, not a whole round, and cancels over rounds.
        if ((round % 2)); then
          rate "$ceiling_url" "$conns" >>"$work/pair-$s.$conns"
          rate "$(cat "$work/$s.url")" "$conns" >>"$work/$s.$conns"
        else
          rate "$(cat "$work/$s.url")" "$conns" >>"$work/$s.$conns"
          rate "$ceiling_url" "$conns" >>"$work/pair-$s.$conns"
        fi
      done
    done
    cat "$work"/pair-*."$conns" >"$work/ceiling.$conns"
  done
  echo
  echo "### Servers: wrk -t1, factorial(12), $rounds rounds of ${seconds} s, medians (requests/s)"
  echo
  echo "Each server's ratio is the median over rounds of its rate to the rate of the ceiling run"
  echo "paired with it (run right before or after it, alternating by round)."
  echo
  echo "| server | 16 conns | vs ceiling | 1 conn | vs ceiling |"
  echo "|---|---|---|---|---|"
  awk -v a="$(median <"$work/ceiling.16")" -v b="$(median <"$work/ceiling.1")" \
    'BEGIN {printf "| ceiling (all its runs) | %.0f | 1.00x | %.0f | 1.00x |\n", a, b}'
  for s in "${servers[@]:1}"; do
    m16=$(median <"$work/$s.16"); m1=$(median <"$work/$s.1")
    r16=$(ratio "$work/$s.16" "$work/pair-$s.16")
    r1=$(ratio "$work/$s.1" "$work/pair-$s.1")
    awk -v s="$s" -v a="$m16" -v b="$m1" -v c="$r16" -v d="$r1" \
      'BEGIN {printf "| %s | %.0f | %.2fx | %.0f | %.2fx |\n", s, a, c, b, d}'
  done
  if [[ -s $work/hyper.16 ]]; then
    h16=$(ratio "$work/hyper.16" "$work/ceiling-serve.16")
    h1=$(ratio "$work/hyper.1" "$work/ceiling-serve.1")
    echo
    echo "hyper against ceiling-serve (the XML-RPC work alone, on the same hyper settings): 16 conns ${h16}x, 1 conn ${h1}x"
    echo
  fi
  for s in "${servers[@]:1}"; do
    echo "$s rounds: 16 conns: $(tr '\n' ' ' <"$work/$s.16")| 1 conn: $(tr '\n' ' ' <"$work/$s.1")"
    echo "  its ceiling: 16 conns: $(tr '\n' ' ' <"$work/pair-$s.16")| 1 conn: $(tr '\n' ' ' <"$work/pair-$s.1")"
  done
fi

if [[ $only != servers ]]; then
  url=$(cat "$work/ceiling.url")
  for _ in $(seq "$rounds"); do
    rate "$url" 1 >>"$work/wrk.seq"
    "$LOAD" --only clients --client-url "$url" --seconds "$seconds" >"$work/clients.round"
    # | client | connection | calls | errors | calls/s | ...
    awk -F' *[|] *' '/^[|] (Python|transport)/ {
        name = $2; sub(/ ServerProxy/, "", name); sub(/transport-/, "", name)
        print $6 >> ("'"$work"'/client." name); print $8 >> ("'"$work"'/cpu." name)
        if ($5 != 0) { print "errors from " name > "/dev/stderr"; exit 1 } }' "$work/clients.round"
  done
  wrk1=$(median <"$work/wrk.seq")
  echo
  echo "### Clients: sequential factorial(12) against the ceiling, one keep-alive connection, $rounds rounds of ${seconds} s, medians"
  echo
  echo "Ratios are the median of each round's ratio."
  echo
  echo "| client | calls/s | vs wrk -c1 | vs Python | client CPU us/call |"
  echo "|---|---|---|---|---|"
  awk -v a="$wrk1" 'BEGIN {printf "| wrk -t1 -c1 | %.0f | 1.00x | - | - |\n", a}'
  for c in Python std tokio smol; do
    m=$(median <"$work/client.$c"); cpu=$(median <"$work/cpu.$c")
    rw=$(ratio "$work/client.$c" "$work/wrk.seq")
    rp=$(ratio "$work/client.$c" "$work/client.Python")
    awk -v c="$c" -v a="$m" -v w="$rw" -v p="$rp" -v u="$cpu" \
      'BEGIN {printf "| %s | %.0f | %.2fx | %.1fx | %s |\n", c, a, w, p, u}'
  done
  echo "wrk -c1 rounds: $(tr '\n' ' ' <"$work/wrk.seq")"
  for c in Python std tokio smol; do echo "$c rounds: $(tr '\n' ' ' <"$work/client.$c")"; done
fi
