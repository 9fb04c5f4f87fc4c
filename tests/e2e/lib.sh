# Shared by the end-to-end tests. Each test is one case: exit 0 pass,
# 77 skip (last line says why), anything else fail.
set -eu
: "${FARCALL:?run through tests/run.sh}"

die() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "$*"; exit 77; }

# Skip unless farcall finds linker $1 (for arch $2, default arm64).
need_linker() {
	have_linker "$1" "${2:-arm64}" || skip "linker $1 is not installed"
}
have_linker() {
	"$FARCALL" linkers --arch "${2:-arm64}" | awk -v n="$1" '$1 == n { found = 1 } END { exit !found }'
}
# The GNU triple of an arch, for clang --target and the cross tools.
triple_of() {
	case $1 in
	arm64) echo aarch64-linux-gnu ;;
	amd64) echo x86_64-linux-gnu ;;
	riscv64) echo riscv64-linux-gnu ;;
	esac
}
# The linkers of objects (Go's toolchain, listed as "go", builds Go cases).
linkers_for() {
	"$FARCALL" linkers --arch "$1" | awk '$1 != "go" { print $1 }'
}

# One arm64 case shared by the tests of a run: 256 MiB of .text, so that
# half the calls are beyond BL's 128 MiB and need thunks. Calls and tail
# calls only: the far-call path, which every linker must get right.
shared_case() {
	CASE="$FC_TMP/case-arm64-256M"
	if [ ! -f "$CASE/manifest.txt" ]; then
		"$FARCALL" gen --arch arm64 --size 256M --funcs 2048 --calls 12 --seed 42 \
			--forms bl,b -o "$CASE" >/dev/null
	fi
}

# The count of sites emu checked and failed, from its last line.
emu_counts() {
	sed -n 's/.*: \([0-9]*\) sites, \([0-9]*\) failed (.*/\1 \2/p' "$1" | tail -n 1
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
	sed -n "s|^$1: \([^ :]*+0x[0-9a-f]*\): .*|\1|p" "$2" | sort -u
}

# Break one thunk of every installed linker's output with fc-patch MODE and
# check that emu names exactly the sites through it, with the reason.
break_thunks() {
	mode=$1 n=0
	for l in $(linkers_for arm64); do
		linked "$l"
		bad="$FC_TMP/$mode-$l.out"
		cp "$OUT" "$bad"
		st=0
		"$FC_PATCH" "$mode" "$CASE" "$bad" >"$bad.expect" || st=$?
		[ $st -eq 0 ] || die "fc-patch $mode failed on $l (exit $st)"
		st=0
		"$FARCALL" emu --max-report 1000000 "$CASE" "$bad" >"$bad.emu" || st=$?
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

# Generate $2 (a directory under FC_TMP) for arch $1 with gen options "$3"
# once per run.
case_for() {
	CASE="$FC_TMP/$2"
	if [ ! -f "$CASE/manifest.txt" ]; then
		"$FARCALL" gen --arch "$1" $3 -o "$CASE" >/dev/null || die "gen $1 $3 failed"
	fi
}

# Link CASE with $1 and execute it; sets OUT, EMU (emu's output), SITES,
# FAILED. Dies if the link fails.
link_and_emu() {
	OUT="$CASE/$1/out"
	[ -f "$OUT" ] || "$FARCALL" link --linker "$1" "$CASE" >"$CASE/$1.link" 2>&1 ||
		{ cat "$CASE/$1.link"; die "$1 failed to link $CASE"; }
	EMU="$CASE/$1.emu"
	"$FARCALL" emu "$CASE" "$OUT" >"$EMU" 2>&1 || true
	set -- $(emu_counts "$EMU")
	SITES=${1:-0} FAILED=${2:-1}
}
