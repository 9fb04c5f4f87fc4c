#!/bin/sh
# make bench-verify: farcall verify (every instruction's line and CFA, by
# execution) on an arm64 case of 100,000 functions with DWARF 5 and
# .eh_frame, against llvm-dwarfdump --debug-line dumping the same line table,
# in the same run; and gen of that case.
set -eu
cd "$(dirname "$0")/.."
DIR=$(mktemp -d "${FARCALL_BENCH_DIR:-/tmp}/farcall-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT INT TERM
now() { date +%s.%N; }
el() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
t0=$(now)
./farcall gen --arch arm64 --size 2G --funcs 100000 --calls 4 --seed 1 -q -o "$DIR/case"
t1=$(now)
./farcall link --linker "${BENCH_LINKER:-lld-19}" "$DIR/case" >/dev/null
OUT="$DIR/case/${BENCH_LINKER:-lld-19}/out"
echo "| what | seconds |"
echo "|---|---:|"
echo "| farcall gen, 100,000 functions, DWARF 5 + .eh_frame | $(el $t0 $t1) |"
for j in 1 2; do
	t2=$(now)
	./farcall verify -j $j "$DIR/case" "$OUT" >"$DIR/verify.txt"
	t3=$(now)
	echo "| farcall verify -j $j (lines + CFI by execution) | $(el $t2 $t3) |"
done
t4=$(now)
llvm-dwarfdump-14 --debug-line "$OUT" >/dev/null
t5=$(now)
echo "| llvm-dwarfdump-14 --debug-line (a bare dump) | $(el $t4 $t5) |"
grep -E 'lines:|cfi:' "$DIR/verify.txt" | sed 's/^[^:]*: /    /'
