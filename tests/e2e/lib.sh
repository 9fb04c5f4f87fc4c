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

# Break one thunk of every installed linker's output with fc-patch MODE and
# check that emu names exactly the sites through it, with the reason.
break_thunks() {
	mode=$1 n=0
	for l in $("$FARCALL" linkers --arch arm64 | awk '{print $1}'); do
		linked "$l"
		bad="$FC_TMP/$mode-$l.out"
		cp "$OUT" "$bad"
		"$FC_PATCH" "$mode" "$CASE" "$bad" >"$bad.expect" || die "fc-patch $mode failed on $l"
		st=0
		"$FARCALL" emu "$CASE" "$bad" >"$bad.emu" || st=$?
		cat "$bad.emu"
		[ $st -eq 1 ] || die "$l: emu exited $st on a broken thunk ($mode), expected 1"
		grep -v '^reason: ' "$bad.expect" | sort -u >"$bad.want"
		failing_sites "$bad" "$bad.emu" >"$bad.got"
		diff "$bad.want" "$bad.got" || die "$l: failing sites differ from the sites through the broken thunk"
		reason=$(sed -n 's/^reason: //p' "$bad.expect")
		grep "^$bad: " "$bad.emu" | grep -qF "$reason" || die "$l: no failure says '$reason'"
		n=$((n + 1))
		rm -f "$bad"
	done
	[ $n -gt 0 ] || skip "no arm64 linker is installed"
}
