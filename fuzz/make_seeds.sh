#!/usr/bin/env bash
# Regenerates the checked-in seed corpora from the spec vectors and the
# interop vectors (small files only). Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")"
dump=$(mktemp -d)
trap 'rm -rf "$dump"' EXIT
XMLRPC_SEED_DIR="$dump" cargo test -q --manifest-path ../Cargo.toml -p xmlrpc-proto --test spec_vectors >/dev/null
cp ../xmlrpc-proto/tests/vectors/interop/*.xml "$dump"/
rm -rf seeds/decode_call seeds/decode_response seeds/split_invariance
mkdir -p seeds/decode_call seeds/decode_response seeds/split_invariance seeds/roundtrip
for f in "$dump"/*.xml; do
    name=$(basename "$f")
    [[ $(stat -c %s "$f") -le 4096 ]] || continue
    # split_invariance: byte 0 = kind (bit 0) and tight limits (bit 1), byte 1 = chunk seed.
    if grep -q '<methodResponse' "$f"; then
        cp "$f" "seeds/decode_response/$name"; kind='\x01'
    else
        cp "$f" "seeds/decode_call/$name"; kind='\x00'
    fi
    { printf "$kind\x07"; cat "$f"; } > "seeds/split_invariance/$name"
done
# roundtrip reads structured bytes; a few random ones (made once, then
# kept) start it off.
for i in 1 2 3 4 5 6 7 8; do
    [[ -f seeds/roundtrip/random-$i ]] || head -c $((32 * i)) /dev/urandom > "seeds/roundtrip/random-$i"
done
echo "seeds: $(find seeds -type f | wc -l) files, $(du -sh seeds | cut -f1)"
