#!/bin/sh
# make bench-gen: farcall gen of 1 GiB and 4 GiB arm64 cases against dd
# writing the same number of bytes to the same filesystem, in one run.
# Prints a Markdown table (docs/BENCHMARKS.md keeps the figures).
set -eu
cd "$(dirname "$0")/.."
DIR=$(mktemp -d "${FARCALL_BENCH_DIR:-/tmp}/farcall-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT INT TERM
now() { date +%s.%N; }
fs=$(df -P "$DIR" | awk 'NR == 2 { print $1 }')
echo "gen vs dd on $DIR ($fs), $(nproc) cores"
echo
echo "| case | farcall gen s | gen disk MiB | dd s | dd MiB/s | gen speed-up |"
echo "|---|---:|---:|---:|---:|---:|"
for size in 1G 4G; do
	bytes=$(( ${size%G} * 1024 * 1024 * 1024 ))
	t0=$(now)
	./farcall gen --arch arm64 --size "$size" --seed 1 -q -o "$DIR/case"
	t1=$(now)
	disk=$(du -sk "$DIR/case" | cut -f1)
	rm -rf "$DIR/case"
	t2=$(now)
	dd if=/dev/zero of="$DIR/dd.bin" bs=1M count=$(( bytes / 1048576 )) conv=fsync status=none
	t3=$(now)
	rm -f "$DIR/dd.bin"
	awk -v s="$size" -v g0="$t0" -v g1="$t1" -v d0="$t2" -v d1="$t3" \
	    -v k="$disk" -v b="$bytes" 'BEGIN { g = g1 - g0; d = d1 - d0
		printf "| arm64 %s | %.3f | %.1f | %.2f | %.0f | %.0fx |\n", s, g, k / 1024, d, b / 1048576 / d, d / g }'
done
