#!/bin/sh
# make bench-check: farcall check on binaries nobody here wrote, against
# llvm-dwarfdump --debug-line reading the same binary, in the same run, on
# one core (-j 1) and two (-j 2): cmd/go built for arm64 with
# -ldflags=-debugtramp=2 (a trampoline on every call Go's linker can give
# one), and BENCH_BINARY if given (e.g. the largest real fixture). Each
# figure is the median of 3 runs; peak memory from GNU time.
set -eu
cd "$(dirname "$0")/.."
DIR=$(mktemp -d "${FARCALL_BENCH_DIR:-/tmp}/farcall-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT INT TERM
command -v go >/dev/null || { echo "bench-check: go is not installed" >&2; exit 2; }
GOCACHE="$DIR/gocache" GOPATH="$DIR/gopath" CGO_ENABLED=0 GOOS=linux GOARCH=arm64 \
	go build -ldflags=-debugtramp=2 -o "$DIR/go-arm64" cmd/go
# median of 3: "seconds peakKiB"
med3() {
	for i in 1 2 3; do
		/usr/bin/time -f '%e %M' -o "$DIR/t" "$@" >/dev/null 2>&1 || true
		tail -n 1 "$DIR/t"
	done | sort -n | sed -n 2p
}
echo "| binary | command | seconds | peak MiB | vs llvm-dwarfdump |"
echo "|---|---|---:|---:|---:|"
for b in "$DIR/go-arm64" ${BENCH_BINARY:-}; do
	name=$(basename "$b")
	set -- $(med3 llvm-dwarfdump-14 --debug-line "$b")
	ref=$1
	echo "| $name | llvm-dwarfdump-14 --debug-line | $1 | $(($2 / 1024)) | 1.00x |"
	for j in 1 2; do
		set -- $(med3 ./farcall check -j $j "$b")
		echo "| $name | farcall check -j $j | $1 | $(($2 / 1024)) | $(awk -v a="$1" -v b="$ref" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }') |"
	done
	./farcall check "$b" | grep -E ': (calls|lines|cfi): ' | sed 's/^[^:]*: /    /'
done
