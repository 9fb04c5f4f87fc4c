# farcall check on binaries that lost what it reads best. The shared arm64
# case linked by lld 19 (thousands of calls through thunks), then:
#   the thunks renamed to names no linker writes: known by their shape;
#   its debug info stripped: lines "not checked", never passed;
#   everything stripped: functions from the FDEs of .eh_frame;
#   everything stripped and a thunk sent into the middle of a function:
#   still caught, every call through it (a thunk sent to another function's
#   entry is not: with no names, any entry is where a call may go);
#   nothing left to find functions by: exit 2, saying so.
. "$(dirname "$0")/lib.sh"
need_linker lld-19
OBJCOPY=aarch64-linux-gnu-objcopy STRIP=aarch64-linux-gnu-strip
command -v $OBJCOPY >/dev/null || skip "$OBJCOPY is not installed"
linked lld-19
T="$FC_TMP/stripped"
mkdir -p "$T"
calls_of() { sed -n "s|^$1: calls: \([0-9]*\) found by disassembly, \([0-9]*\) failed.*|\1 \2|p" "$1.check"; }
check_ok() {
	st=0
	"$FARCALL" check "$1" >"$1.check" 2>&1 || st=$?
	[ $st -eq 0 ] || { tail -n 20 "$1.check"; die "check exited $st on $1"; }
}
check_ok "$OUT"
set -- $(calls_of "$OUT")
want=$1
[ "$want" -gt 1000 ] && [ "$2" = 0 ] || die "the unstripped output: $want calls, $2 failed"

# Thunks renamed: every one known by its shape, the same calls pass.
nm "$OUT" | awk '/Thunk_/ { print $3 }' | sort -u | awk '{ print $1 " mystery_" NR }' >"$T/ren"
$OBJCOPY --redefine-syms="$T/ren" "$OUT" "$T/anon"
check_ok "$T/anon"
n=$(nm "$OUT" | grep -c 'Thunk_')
grep -q "^$T/anon: arm64, [0-9]* functions ($n linker thunks and stubs apart, $n of them known by their shape)" \
	"$T/anon.check" || { head -n 3 "$T/anon.check"; die "renamed thunks not known by their shape"; }
[ "$(calls_of "$T/anon")" = "$want 0" ] || die "renamed thunks: calls $(calls_of "$T/anon"), expected $want 0"

# Debug info stripped: lines not checked, the rest as before.
$STRIP --strip-debug -o "$T/nodebug" "$T/anon"
check_ok "$T/nodebug"
grep -q "^$T/nodebug: lines: not checked: no debug info" "$T/nodebug.check" || die "lines not said to be unchecked"
[ "$(calls_of "$T/nodebug")" = "$want 0" ] || die "no debug info: calls $(calls_of "$T/nodebug")"
"$FARCALL" check --json "$T/nodebug.json" "$T/nodebug" >/dev/null
jq -e '.checks.lines.state == "not run"' "$T/nodebug.json" >/dev/null || die "JSON: lines not 'not run'"

# Everything stripped: the functions come from the FDEs.
$STRIP --strip-all -o "$T/bare" "$OUT"
check_ok "$T/bare"
[ "$(calls_of "$T/bare")" = "$want 0" ] || die "stripped: calls $(calls_of "$T/bare"), expected $want 0"
grep -q "^$T/bare: cfi: [1-9][0-9]* functions, 0 failed" "$T/bare.check" || die "stripped: no CFI run"

# A thunk sent into a body, then stripped: every call through it still fails.
cp "$OUT" "$T/bad"
"$FC_PATCH" body "$CASE" "$T/bad" >"$T/bad.expect" || die "fc-patch body failed"
$STRIP --strip-all -o "$T/badbare" "$T/bad"
st=0
"$FARCALL" check --max-report 100000 "$T/badbare" >"$T/badbare.check" 2>&1 || st=$?
[ $st -eq 1 ] || die "stripped, broken thunk: check exited $st"
nbad=$(grep -vc '^reason: ' "$T/bad.expect")
got=$(grep -c "^$T/badbare: fde_[0-9a-f]*+0x[0-9a-f]*: " "$T/badbare.check" || true)
[ "$got" = "$nbad" ] || die "stripped, broken thunk: $got failing calls named, expected $nbad"

# Nothing to find functions by.
printf '.globl _start\n_start: nop\n' >"$T/t.s"
aarch64-linux-gnu-as "$T/t.s" -o "$T/t.o" && aarch64-linux-gnu-ld -o "$T/t" "$T/t.o" && $STRIP "$T/t"
st=0
"$FARCALL" check "$T/t" >"$T/t.check" 2>&1 || st=$?
[ $st -eq 2 ] && grep -q "no symbols" "$T/t.check" || { cat "$T/t.check"; die "a binary with nothing to check: exit $st"; }
echo "stripped: $want calls each way; $n thunks by shape; $nbad calls through a broken thunk named"
