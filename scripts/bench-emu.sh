#!/bin/sh
# make bench-emu: call sites verified per second on one core, on an arm64
# case with 100,000 call sites (half beyond BL range), linked by every
# installed linker. Each figure is the best and the median of 5 runs of
# `farcall emu`; the loading of the output is not counted.
set -eu
cd "$(dirname "$0")/.."
DIR=$(mktemp -d "${FARCALL_BENCH_DIR:-/tmp}/farcall-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT INT TERM
./farcall gen --arch arm64 --size 512M --funcs 6250 --calls 16 --seed 1 -o "$DIR/case"
echo
echo "| linker | sites | thunks | best sites/s | median sites/s |"
echo "|---|---:|---:|---:|---:|"
for l in $(./farcall linkers --arch arm64 | awk '{ print $1 }'); do
	./farcall link --linker "$l" "$DIR/case" >/dev/null || { echo "| $l | link failed | | | |"; continue; }
	for i in 1 2 3 4 5; do
		taskset -c 0 ./farcall emu "$DIR/case" "$DIR/case/$l/out" | tail -n 1
	done >"$DIR/$l.txt"
	sites=$(sed -n 's/.*: \([0-9]*\) call sites,.*/\1/p' "$DIR/$l.txt" | head -n 1)
	thunks=$(sed -n 's/.* through \([0-9]*\) thunks.*/\1/p' "$DIR/$l.txt" | head -n 1)
	sed -n 's/.*(\([0-9]*\) sites\/s)/\1/p' "$DIR/$l.txt" | sort -n >"$DIR/$l.rates"
	echo "| $l | $sites | $thunks | $(tail -n 1 "$DIR/$l.rates") | $(sed -n 3p "$DIR/$l.rates") |"
	rm -f "$DIR/case/$l/out"
done
