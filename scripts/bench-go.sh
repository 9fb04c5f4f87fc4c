#!/bin/sh
# make bench-go: a Go case of 8192 functions in 32 packages per arch (about
# 20,000 call edges): gen, Go's toolchain building it (the reference: go
# build of the same module, compile and link, with an empty build cache so
# nothing is reused), and farcall verify of the binary (every edge
# executed, every instruction's line, CFI by execution at every
# instruction) on one thread. Wall seconds; peak memory of go build.
set -eu
cd "$(dirname "$0")/.."
command -v go >/dev/null || { echo "go is not installed (scripts/deps.sh)"; exit 2; }
DIR=$(mktemp -d "${FARCALL_BENCH_DIR:-/tmp}/farcall-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT INT TERM
export GOCACHE="$DIR/gocache"
now() { date +%s.%N; }
echo "| arch | functions | edges | calls through trampolines | gen s | go build s | go build MiB | verify s | instructions compared (CFI) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for arch in ${BENCH_ARCHES:-arm64 riscv64 amd64}; do
	C="$DIR/$arch"
	t0=$(now)
	./farcall gen --frontend go --arch "$arch" --funcs 8192 --pkgs 32 --calls 3 --seed 1 -q -o "$C"
	t1=$(now)
	./farcall link --linker go "$C" >"$DIR/link.txt"
	./farcall verify -j 1 "$C" "$C/go/out" >"$DIR/v.txt" || { cat "$DIR/v.txt"; exit 1; }
	t2=$(now)
	b=$(jq -r '.wall_s * 100 | round / 100' "$C/go/link.json")
	mib=$(jq -r '.max_rss_kb / 1024 | floor' "$C/go/link.json")
	edges=$(sed -n 's/.*calls: \([0-9]*\) edges.*/\1/p' "$DIR/v.txt")
	tr=$(sed -n 's/.*, \([0-9]*\) through .*/\1/p' "$DIR/v.txt")
	ins=$(sed -n 's/.*cfi: [0-9]* functions, [0-9]* failed, \([0-9]*\) instructions.*/\1/p' "$DIR/v.txt")
	nf=$(jq '.functions | length' "$C/go-manifest.json")
	v=$(echo "$t2 $t1 $b" | awk '{ printf "%.2f", $1 - $2 - $3 }')
	g=$(echo "$t1 $t0" | awk '{ printf "%.2f", $1 - $2 }')
	echo "| $arch | $nf | $edges | $tr | $g | $b | $mib | $v | $ins |"
done
