#!/bin/sh
# make bench-kept: the --emit-relocs check on an arm64 case of 100,000 sites
# (512 MiB, 6250 functions, no debug info, so that verify does the layout
# and kept-relocation checks only), linked with --emit-relocs by GNU ld and
# lld 19. Reference in the same run: readelf -rW reading the same
# relocations. Best of 3, wall seconds.
set -eu
cd "$(dirname "$0")/.."
DIR=$(mktemp -d "${FARCALL_BENCH_DIR:-/tmp}/farcall-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT INT TERM
best() { # best of 3 wall seconds of "$@"
	for i in 1 2 3; do
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1 || true
		e=$(date +%s.%N)
		echo "$e $s" | awk '{ printf "%.3f\n", $1 - $2 }'
	done | sort -n | head -n 1
}
./farcall gen --arch arm64 --size 512M --funcs 6250 --calls 16 --dwarf none --cfi none --seed 1 -q -o "$DIR/c"
echo "| linker | kept relocations | failed | verify s | readelf -rW s |"
echo "|---|---:|---:|---:|---:|"
for l in bfd lld-19; do
	./farcall link --linker "$l" --flags --emit-relocs "$DIR/c" >/dev/null 2>&1 || { echo "| $l | link failed | | | |"; continue; }
	out="$DIR/c/$l/out"
	line=$(./farcall verify --max-report 0 "$DIR/c" "$out" | sed -n 's/.*kept relocations: \([0-9]*\) kept, [0-9]* re-applied, \([0-9]*\) failed.*/\1 \2/p')
	v=$(best ./farcall verify --max-report 0 "$DIR/c" "$out")
	r=$(best aarch64-linux-gnu-readelf -rW "$out")
	set -- $line
	echo "| $l | $1 | $2 | $v | $r |"
done
