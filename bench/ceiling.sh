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
# One connection is measured three ways. "free" leaves the threads where the
# kernel puts them. A sequential call is a wake-up on each side, and on a VM
# a wake-up across CPUs costs tens of microseconds (an interrupt to a halted
# virtual CPU), so the free rate is mostly how often the kernel happened to
# run server and wrk on one CPU. "same CPU" pins every thread of the server
# and wrk to CPU 0: the cost of the work itself. "apart" pins the server to
# CPU 1 and wrk to CPU 0: the cost with a cross-CPU wake-up every time.
# Sixteen connections run free and on one CPU (pinned as "same CPU"): the
# free rate is the machine's, the one-CPU rate the CPU time a request costs
# server and wrk together, with no scheduling between CPUs in it.
# Pinning needs taskset (util-linux) and, for "apart", two CPUs.
#
# The report opens with the guest's halt polling (Linux's haltpoll cpuidle
# driver, /sys/module/haltpoll/parameters/guest_halt_poll_ns), when the
# kernel has it: a virtual CPU that polls for that long before it halts
# takes a wake-up without the interrupt, which moves the free rates of one
# connection several-fold (to near the same-CPU rates), so runs on
# machines that differ in it do not compare.
#
# Clients: wrk with one connection against the ceiling (its sequential
# rate), then the load bin's client table against the same ceiling
# (Python's ServerProxy, then our std, tokio and smol clients, sequential
# calls on one keep-alive connection), taking turns the same way, in the
# three placements of one connection.
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
command -v taskset >/dev/null || { echo "taskset is missing (apt-get install util-linux)" >&2; exit 1; }
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
  echo $! >"$work/$name.pid"
  for _ in $(seq 200); do
    if grep -q '^listening on ' "$work/$name.out"; then
      sed -n 's/^listening on //p' "$work/$name.out" | head -n1 >"$work/$name.url"
      return
    fi
    sleep 0.05
  done
  echo "$name did not start:" >&2; cat "$work/$name.err" >&2; exit 1
}

# rate URL CONNECTIONS [CPU]: wrk's requests per second (non-2xx answers
# fail); wrk runs on CPU when one is given.
rate() {
  local out pin=()
  [[ -n ${3:-} ]] && pin=(taskset -c "$3")
  out=$("${pin[@]}" wrk -t1 -c"$2" -d"${seconds}s" -s "$lua" "$1")
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

cpus=$(nproc)
# pin CPUS: every thread of every server (and those it starts later) on CPUS.
pin() { for s in "${servers[@]}"; do taskset -a -p -c "$1" "$(cat "$work/$s.pid")" >/dev/null; done; }
# Phases: CONNECTIONS:SERVER-CPUS:LOAD-CPU (empty: not pinned); the load is
# wrk, or the load bin's clients.
one_conn=("1::" "1:0:0")
((cpus >= 2)) && one_conn+=("1:1:0")
phase_name() {
  case $1 in
    16::) echo "16 conns" ;; 16:0:0) echo "16 conns, one CPU" ;;
    1::) echo "1 conn, free" ;; 1:0:0) echo "1 conn, same CPU" ;; *) echo "1 conn, apart" ;;
  esac
}

halt_poll=/sys/module/haltpoll/parameters/guest_halt_poll_ns
if [[ -r $halt_poll ]]; then
  echo "Guest halt polling: $(cat "$halt_poll") ns ($halt_poll; 0: a virtual CPU halts at once when idle)"
else
  echo "Guest halt polling: none (no haltpoll driver on this kernel)"
fi

if [[ $only != clients ]]; then
  ceiling_url=$(cat "$work/ceiling.url")
  phases=("16::" "16:0:0" "${one_conn[@]}")
  for phase in "${phases[@]}"; do
    IFS=: read -r conns server_cpu wrk_cpu <<<"$phase"
    pin "${server_cpu:-0-$((cpus - 1))}"
    for round in $(seq "$rounds"); do
      for s in "${servers[@]:1}"; do
        # Each server runs right next to a ceiling run of its own, the
        # pair's order alternating by round: the machine's drift between
        # the two is seconds, not a whole round, and cancels over rounds.
        if ((round % 2)); then
          rate "$ceiling_url" "$conns" "$wrk_cpu" >>"$work/pair-$s.$phase"
          rate "$(cat "$work/$s.url")" "$conns" "$wrk_cpu" >>"$work/$s.$phase"
        else
          rate "$(cat "$work/$s.url")" "$conns" "$wrk_cpu" >>"$work/$s.$phase"
          rate "$ceiling_url" "$conns" "$wrk_cpu" >>"$work/pair-$s.$phase"
        fi
      done
    done
    cat "$work"/pair-*."$phase" >"$work/ceiling.$phase"
  done
  pin "0-$((cpus - 1))"
  echo
  echo "### Servers: wrk -t1, factorial(12), $rounds rounds of ${seconds} s, medians (requests/s)"
  echo
  echo "Each server's ratio is the median over rounds of its rate to the rate of the ceiling run"
  echo "paired with it (run right before or after it, alternating by round). One CPU and same"
  echo "CPU: every thread of the server and wrk pinned to CPU 0; apart: the server on CPU 1, wrk on"
  echo "CPU 0; free: threads where the kernel puts them."
  echo
  header="| server |" rule="|---|"
  for phase in "${phases[@]}"; do
    header+=" $(phase_name "$phase") | vs ceiling |" rule+="---|---|"
  done
  echo "$header"; echo "$rule"
  row="| ceiling (all its runs) |"
  for phase in "${phases[@]}"; do row+=" $(median <"$work/ceiling.$phase" | awk '{printf "%.0f", $1}') | 1.00x |"; done
  echo "$row"
  for s in "${servers[@]:1}"; do
    row="| $s |"
    for phase in "${phases[@]}"; do
      m=$(median <"$work/$s.$phase"); r=$(ratio "$work/$s.$phase" "$work/pair-$s.$phase")
      row+=$(awk -v m="$m" -v r="$r" 'BEGIN {printf " %.0f | %.2fx |", m, r}')
    done
    echo "$row"
  done
  if [[ -s $work/hyper.16:: ]]; then
    echo
    line="hyper against ceiling-serve (the XML-RPC work alone, on the same hyper settings):"
    for phase in "${phases[@]}"; do
      line+=" $phase $(ratio "$work/hyper.$phase" "$work/ceiling-serve.$phase" | awk '{printf "%.2fx", $1}')"
    done
    echo "$line (phase = connections:server CPUs:wrk CPU)"
    echo
  fi
  for s in "${servers[@]:1}"; do
    for phase in "${phases[@]}"; do
      echo "$s $phase rounds: $(tr '\n' ' ' <"$work/$s.$phase")| its ceiling: $(tr '\n' ' ' <"$work/pair-$s.$phase")"
    done
  done
fi

if [[ $only != servers ]]; then
  url=$(cat "$work/ceiling.url")
  clients=(Python std tokio smol)
  for phase in "${one_conn[@]}"; do
    IFS=: read -r _ server_cpu load_cpu <<<"$phase"
    pin "${server_cpu:-0-$((cpus - 1))}"
    load_pin=()
    [[ -n $load_cpu ]] && load_pin=(taskset -c "$load_cpu")
    for _ in $(seq "$rounds"); do
      rate "$url" 1 "$load_cpu" >>"$work/wrk.$phase"
      "${load_pin[@]}" "$LOAD" --only clients --client-url "$url" --seconds "$seconds" >"$work/clients.round"
      # | client | connection | calls | errors | calls/s | ...
      awk -F' *[|] *' -v dir="$work" -v phase="$phase" '/^[|] (Python|transport)/ {
          name = $2; sub(/ ServerProxy/, "", name); sub(/transport-/, "", name)
          print $6 >> (dir "/client." name "." phase); print $8 >> (dir "/cpu." name "." phase)
          if ($5 != 0) { print "errors from " name > "/dev/stderr"; exit 1 } }' "$work/clients.round"
    done
  done
  pin "0-$((cpus - 1))"
  echo
  echo "### Clients: sequential factorial(12) against the ceiling, one keep-alive connection, $rounds rounds of ${seconds} s, medians"
  echo
  echo "Ratios are the median of each round's ratio. Placements as for the servers: free, same CPU"
  echo "(the ceiling and the client on CPU 0), apart (the ceiling on CPU 1, the client on CPU 0)."
  for phase in "${one_conn[@]}"; do
    echo
    echo "$(phase_name "$phase"):"
    echo
    echo "| client | calls/s | vs wrk -c1 | vs Python | client CPU us/call |"
    echo "|---|---|---|---|---|"
    awk -v a="$(median <"$work/wrk.$phase")" 'BEGIN {printf "| wrk -t1 -c1 | %.0f | 1.00x | - | - |\n", a}'
    for c in "${clients[@]}"; do
      m=$(median <"$work/client.$c.$phase"); cpu=$(median <"$work/cpu.$c.$phase")
      rw=$(ratio "$work/client.$c.$phase" "$work/wrk.$phase")
      rp=$(ratio "$work/client.$c.$phase" "$work/client.Python.$phase")
      awk -v c="$c" -v a="$m" -v w="$rw" -v p="$rp" -v u="$cpu" \
        'BEGIN {printf "| %s | %.0f | %.2fx | %.1fx | %s |\n", c, a, w, p, u}'
    done
  done
  echo
  for phase in "${one_conn[@]}"; do
    echo "wrk -c1 $phase rounds: $(tr '\n' ' ' <"$work/wrk.$phase")"
    for c in "${clients[@]}"; do echo "$c $phase rounds: $(tr '\n' ' ' <"$work/client.$c.$phase")"; done
  done
fi
