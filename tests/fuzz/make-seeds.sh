#!/bin/sh
# Remake the seed corpus of the fuzz harnesses (tests/fuzz/seeds/HARNESS/)
# with farcall's own commands: tiny generated cases (16 KiB of .text, a
# dozen functions) linked by the installed linkers, for each arch and
# mode, their manifests, a Go manifest, and the corpus's scenario files.
# Small on purpose (a few tens of KB each): libFuzzer mutates every byte
# it is given, and the seeds live in git. Run from the top directory after
# `make farcall`; the linkers missing here are skipped.
set -eu
cd "$(dirname "$0")/../.."
F=./farcall
D=tests/fuzz/seeds
W=$(mktemp -d "${TMPDIR:-/tmp}/farcall-seeds.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM
rm -rf "$D"
mkdir -p "$D/image" "$D/lines" "$D/check" "$D/manifest" "$D/gomanifest" "$D/scenario"

# name arch linker gen-options...
one() {
	name=$1 arch=$2 linker=$3
	shift 3
	$F gen -q --arch "$arch" --size 16K --funcs 12 --calls 3 "$@" -o "$W/$name"
	if $F link --linker "$linker" "$W/$name" >"$W/$name.log" 2>&1; then
		cp "$W/$name/$linker/out" "$D/image/$name.elf"
	else
		echo "make-seeds: $name: $linker failed or is missing: skipped" >&2
	fi
}
one arm64-lld19 arm64 lld-19
one arm64-pie-lld19 arm64 lld-19 --mode pie --seed 2
one arm64-d4-bfd arm64 bfd --cfi debug --dwarf 4 --seed 3
one amd64-lld19 amd64 lld-19
one amd64-pie-lld19 amd64 lld-19 --mode pie --seed 2
one amd64-so-mold amd64 mold --mode shared --seed 4
one riscv64-lld19 riscv64 lld-19
one riscv64-pie-lld19 riscv64 lld-19 --mode pie --seed 2
one riscv64-rec-bfd riscv64 bfd --record-calls --seed 5

# A dynamic C program against Debian's arm64 glibc: imports, a PLT, GOT
# slots, as the loader side of `farcall check` sees real binaries.
if command -v clang-14 >/dev/null 2>&1 &&
   printf '#include <stdio.h>\n#include <string.h>\nint main(int c, char **v) { puts(v[0]); return (int)strlen(v[0]) + c; }\n' >"$W/hello.c" &&
   clang-14 --target=aarch64-linux-gnu -O1 -g -fuse-ld=lld -o "$W/hello" "$W/hello.c" 2>"$W/hello.log"; then
	cp "$W/hello" "$D/image/arm64-glibc-dyn.elf"
else
	echo "make-seeds: no arm64 glibc program (clang-14 or the cross libc missing): skipped" >&2
fi

# The lines reader and the check path take the outputs with DWARF; check
# runs every check on each input (slow), so it gets a few only.
for f in "$D"/image/*.elf; do cp "$f" "$D/lines/"; done
for n in arm64-lld19 amd64-pie-lld19 riscv64-lld19 arm64-glibc-dyn; do
	[ -f "$D/image/$n.elf" ] && cp "$D/image/$n.elf" "$D/check/"
done

for n in arm64-lld19 amd64-so-mold riscv64-rec-bfd arm64-d4-bfd; do
	cp "$W/$n/manifest.txt" "$D/manifest/$n.txt"
done
for a in arm64 riscv64; do
	$F gen -q --frontend go --arch $a --funcs 10 --pkgs 2 --calls 3 -o "$W/go-$a"
	cp "$W/go-$a/go-manifest.json" "$D/gomanifest/go-$a.json"
done
cp corpus/*.scn "$D/scenario/"
du -sh "$D"
