# farcall check on binaries nobody generated: small C programs compiled by
# clang-14 for each arch and linked by every installed linker must pass
# calls, lines and CFI. Then, on one output per arch, the two debug-info bug
# classes are put in on purpose (tests/tools/fc-debug-patch.c) and check
# must fail naming exactly the function and address that was broken:
#   cfa    a leaf whose CFI claims a frame 8 bytes larger (Go's "leaf bit")
#   ra     a leaf whose CFI claims its return address saved on the stack
#   lines  a function that calls another loses its line rows (golang/go#54320)
. "$(dirname "$0")/lib.sh"
command -v clang-14 >/dev/null 2>&1 || skip "clang-14 is not installed"
DBG="${FC_DEBUG_PATCH:-$(dirname "$FARCALL")/tests/tools/fc-debug-patch}"
[ -x "$DBG" ] || die "$DBG is not built (make check builds it)"

W="$FC_TMP/check-binaries"
mkdir -p "$W"
# A leaf, a non-leaf with a stack frame, a loop, a function of calls; main
# first so that the last bytes of .text are not a call.
cat >"$W/prog.c" <<'EOF'
int g[64] = {1, 2, 3}; /* in .data: bfd puts a .bss-only segment past the end of the file */
int leaf(int x);
int framed(int x);
int loop(int n);
int caller(int x);
int main(void) { return caller(g[0]); }
__attribute__((noinline)) int leaf(int x) { return x * 3 + g[1]; }
__attribute__((noinline)) int framed(int x)
{
	volatile int buf[16];
	for (int i = 0; i < 16; i++)
		buf[i] = x + i;
	return buf[x & 15] + leaf(x);
}
__attribute__((noinline)) int loop(int n)
{
	int s = 0;
	for (int i = 0; i < (n & 63); i++)
		s += g[i];
	return s;
}
__attribute__((noinline)) int caller(int x) { return framed(x) + loop(x) + leaf(x + 1); }
EOF

CFLAGS="-g -O1 -ffunction-sections -fno-pic -fno-stack-protector"

# check_ok BINARY: exit 0, and calls, lines and cfi all said to pass.
check_ok() {
	st=0
	"$FARCALL" check "$1" >"$1.check" 2>&1 || st=$?
	cat "$1.check"
	[ $st -eq 0 ] || die "check exited $st on $1, expected 0"
	grep -q "^$1: calls: [1-9][0-9]* found by disassembly, 0 failed" "$1.check" ||
		die "$1: calls not checked, or failed"
	grep -q "^$1: lines: 5 functions with debug info, 100.00%.* 0 with gaps" "$1.check" ||
		die "$1: lines not all covered"
	grep -q "^$1: cfi: 5 functions, 0 failed, [1-9][0-9]* instructions compared" "$1.check" ||
		die "$1: cfi not checked, or failed"
}

# broken MODE FUNC BINARY PATTERN: patch a copy, check must exit 1 and its
# failure lines matching PATTERN (sed, \1 = the function, \2 = the address)
# must name exactly FUNC at the address fc-debug-patch printed.
broken() {
	mode=$1 fn=$2 bin=$3 pat=$4
	bad="$bin.$mode"
	cp "$bin" "$bad"
	st=0
	"$DBG" "$mode" "$fn" "$bad" >"$bad.expect" || st=$?
	[ $st -eq 0 ] || die "fc-debug-patch $mode $fn $bad exited $st"
	st=0
	"$FARCALL" check "$bad" >"$bad.check" 2>&1 || st=$?
	cat "$bad.check"
	[ $st -eq 1 ] || die "check exited $st on $bad ($mode broken), expected 1"
	sed -n "s|^$bad: $pat|\1 \2|p" "$bad.check" >"$bad.got"
	diff "$bad.expect" "$bad.got" || die "$bad: the failures are not exactly $(cat "$bad.expect")"
}

n=0
for arch in arm64 amd64 riscv64; do
	triple=$(triple_of $arch)
	obj="$W/$arch.o"
	# -fasynchronous-unwind-tables: .eh_frame on every arch (clang 14
	# writes only .debug_frame for riscv64 by default).
	clang-14 -target $triple $CFLAGS -fasynchronous-unwind-tables -c "$W/prog.c" -o "$obj" ||
		die "clang-14 cannot compile for $triple"
	first=
	"$FARCALL" linkers --arch $arch | grep -v '^go ' >"$W/$arch.linkers"
	while read -r name ld rest; do
		out="$W/$arch-$name"
		"$ld" -static -e main -nostdlib -o "$out" "$obj" >"$out.link" 2>&1 ||
			{ cat "$out.link"; die "$name cannot link the $arch program"; }
		check_ok "$out"
		[ -n "$first" ] || first=$out first_ld=$ld
		n=$((n + 1))
	done <"$W/$arch.linkers"
	[ -n "$first" ] || continue
	broken cfa leaf "$first" '\([^ :]*\): at [^ ]* (\(0x[0-9a-f]*\)): CFI says CFA = .*'
	broken ra leaf "$first" '\([^ :]*\): at [^ ]* (\(0x[0-9a-f]*\)): CFI says the return address is at CFA-16, which holds .*'
	broken lines caller "$first" '\([^ :]*\): [0-9]* of [0-9]* instructions have no line row; the first at [^ ]* (\(0x[0-9a-f]*\))'
	if [ $arch = riscv64 ]; then
		# And CFI in .debug_frame alone, clang 14's default there.
		clang-14 -target $triple $CFLAGS -c "$W/prog.c" -o "$W/$arch-dbg.o"
		"$first_ld" -static -e main -nostdlib -o "$W/$arch-dbg" "$W/$arch-dbg.o" ||
			die "cannot link $arch-dbg"
		readelf -S "$W/$arch-dbg" | grep -q '\.debug_frame' || die "no .debug_frame in $arch-dbg"
		check_ok "$W/$arch-dbg"
	fi
done
[ $n -gt 0 ] || skip "no linker is installed for any arch"
echo "$n binaries checked"
