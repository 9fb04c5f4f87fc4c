#!/bin/sh
# make bench-emu: sites verified per second on one core, per arch, on a case
# with 100,000 sites (every form of the arch; on arm64 half the calls beyond
# BL range), linked by every installed linker. Each figure is the best and
# the median of 3 runs of `farcall emu` pinned to one core; loading the
# output is not counted. The last column is one run on two threads
# (emu -j 2, both cores). A linker that cannot link the case is listed so.
set -eu
cd "$(dirname "$0")/.."
DIR=$(mktemp -d "${FARCALL_BENCH_DIR:-/tmp}/farcall-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT INT TERM
echo "| arch | linker | sites | thunks | relaxed | best sites/s | median sites/s | -j 2 sites/s |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
for arch in ${BENCH_ARCHES:-arm64 amd64 riscv64}; do
	./farcall gen --arch "$arch" --size 512M --funcs 6250 --calls 16 --seed 1 -q -o "$DIR/$arch"
	for l in $(./farcall linkers --arch "$arch" | awk '$1 != "go" { print $1 }'); do
		if ! ./farcall link --linker "$l" "$DIR/$arch" >/dev/null 2>&1; then
			echo "| $arch | $l | link failed | | | | |"
			continue
		fi
		for i in 1 2 3; do
			taskset -c 0 ./farcall emu "$DIR/$arch" "$DIR/$arch/$l/out" >"$DIR/$l.out$i" || true
			tail -n 1 "$DIR/$l.out$i"
		done >"$DIR/$l.txt"
		sites=$(head -n 1 "$DIR/$l.txt" | sed -n 's/.*: \([0-9]*\) sites,.*/\1/p')
		calls=$(grep ': calls: ' "$DIR/$l.out1" | tail -n 1)
		thunks=$(echo "$calls" | sed -n 's/.* through \([0-9]*\) thunks.*/\1/p')
		relaxed=$(echo "$calls" | sed -n 's/.*; \([0-9]*\) relaxed$/\1/p')
		sed -n 's/.*(\([0-9]*\) sites\/s)/\1/p' "$DIR/$l.txt" | sort -n >"$DIR/$l.rates"
		j2=$(./farcall emu -j 2 "$DIR/$arch" "$DIR/$arch/$l/out" | tail -n 1 | sed -n 's/.*(\([0-9]*\) sites\/s)/\1/p')
		echo "| $arch | $l | $sites | $thunks | $relaxed | $(tail -n 1 "$DIR/$l.rates") | $(sed -n 2p "$DIR/$l.rates") | $j2 |"
		rm -f "$DIR/$arch/$l/out"
	done
	rm -rf "$DIR/$arch"
done
