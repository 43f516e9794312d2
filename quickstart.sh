#!/usr/bin/env bash
# The main job in one command: build xrpc, start the demo server on a free
# port, call factorial(5) with the xrpc client, then stop the server.
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --quiet -p xrpc
xrpc=target/release/xrpc

out=$(mktemp)
trap 'kill -TERM "$server" 2>/dev/null || true; rm -f "$out"' EXIT
"$xrpc" serve --bind 127.0.0.1:0 >"$out" &
server=$!
for _ in $(seq 100); do grep -q '^listening on ' "$out" && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$out")
echo "server: $url"
echo "\$ xrpc call $url factorial 5"
"$xrpc" call "$url" factorial 5
kill -TERM "$server"
wait "$server"
echo "server stopped cleanly"
