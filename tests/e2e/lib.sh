# Shared by the end-to-end tests. Each test is one case: exit 0 pass,
# 77 skip (last line says why), anything else fail.
set -eu
: "${FARCALL:?run through tests/run.sh}"

die() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "$*"; exit 77; }

# The linker binary for a farcall linker name, or skip.
need_linker() {
	"$FARCALL" linkers --arch arm64 | awk -v n="$1" '$1 == n { found = 1 } END { exit !found }' ||
		skip "linker $1 is not installed"
}

# One arm64 case shared by the tests of a run: 256 MiB of .text, so that
# half the calls are beyond BL's 128 MiB and need thunks.
shared_case() {
	CASE="$FC_TMP/case-arm64-256M"
	if [ ! -f "$CASE/manifest.txt" ]; then
		# Concurrent tests may race to make it; gen renames atomically.
		"$FARCALL" gen --arch arm64 --size 256M --funcs 2048 --calls 12 --seed 42 -o "$CASE" >/dev/null
	fi
}

# Link the shared case with $1 once; sets OUT.
linked() {
	shared_case
	OUT="$CASE/$1/out"
	if [ ! -f "$OUT" ]; then
		"$FARCALL" link --linker "$1" "$CASE" >/dev/null || die "$1 failed to link the shared case"
	fi
}

# The "caller+0xoff" of each failure line farcall emu printed for OUT.
failing_sites() {
	sed -n "s|^$1: \([^ :]*\): .*|\1|p" "$2" | sort -u
}
