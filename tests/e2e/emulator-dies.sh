# The emulator is untrusted too (emu/guard.h): when Unicorn dies while it
# runs a function's CFI or a thunk, or stops making progress, farcall
# finishes the report with a finding naming that function or thunk and its
# address, and checks everything else. FARCALL_TEST_CRASH makes the hooks
# abort, segfault or hang at an address, as a Unicorn that dies on those
# bytes would.
. "$(dirname "$0")/lib.sh"
need_linker lld-19
linked lld-19
T="$FC_TMP/emulator-dies"
mkdir -p "$T"
addr_of() { printf '%x' "0x$(nm "$OUT" | awk -v n="$1" '$3 == n { print $1; exit }')"; }

# An abort inside fn_5's body, while its CFI runs: fn_5 is named, at its
# entry, and the other 2047 functions are checked.
fn=$(addr_of fn_5)
[ "$fn" != 0 ] || die "no fn_5 in the output"
inside=$(printf '%x' $((0x$fn + 8)))
st=0
FARCALL_TEST_CRASH=$inside:abort "$FARCALL" verify "$CASE" "$OUT" >"$T/abort.txt" 2>"$T/abort.err" || st=$?
cat "$T/abort.txt" "$T/abort.err"
[ $st -eq 1 ] || die "verify exited $st after an abort, expected 1 (a finding)"
grep -q "fn_5: at fn_5+0x0 (0x$fn): the emulator aborted (SIGABRT) while running this function" \
	"$T/abort.txt" || die "the abort is not blamed on fn_5 at 0x$fn"
grep -q "cfi: 2048 functions, 1 failed" "$T/abort.txt" || die "the other functions were not all checked"
grep -q "running again without it" "$T/abort.err" || die "stderr does not say the command ran again"

# A segfault in a thunk: every site through it, and only those, fails with
# the thunk's name; the other sites pass.
th=$(nm "$OUT" | awk '$3 ~ /Thunk_fn_/ { print $1 " " $3; exit }')
[ -n "$th" ] || die "no lld thunk in the output"
ta=$(printf '%x' "0x${th% *}") tn=${th#* }
"$FARCALL" emu "$CASE" "$OUT" >"$T/clean.txt" || die "emu fails on the clean output"
st=0
FARCALL_TEST_CRASH=$ta:segv "$FARCALL" emu --max-report 100000 "$CASE" "$OUT" >"$T/segv.txt" 2>"$T/segv.err" || st=$?
cat "$T/segv.err"
[ $st -eq 1 ] || die "emu exited $st after a segfault, expected 1"
n=$(grep -c "not checked: the emulator crashed (SIGSEGV) while running $tn (0x$ta)" "$T/segv.txt" || true)
[ "$n" -ge 1 ] || die "no site names $tn"
set -- $(emu_counts "$T/segv.txt")
[ "$2" = "$n" ] || die "$2 sites failed, $n of them through $tn: others were blamed"
set -- $(emu_counts "$T/clean.txt") $1
[ "$1" = "$3" ] || die "emu checked $3 sites after the crash, $1 on the clean output"

# A hang: killed after FARCALL_STALL_SECONDS without progress, the function
# named, the report complete.
st=0
FARCALL_STALL_SECONDS=2 FARCALL_TEST_CRASH=$inside:hang "$FARCALL" check "$OUT" >"$T/hang.txt" 2>&1 || st=$?
[ $st -eq 1 ] || die "check exited $st after a hang, expected 1"
grep -q "fn_5: at fn_5+0x0 (0x$fn): the emulator made no progress for 2 s" "$T/hang.txt" ||
	die "the hang is not blamed on fn_5"
grep -q "calls: .* found by disassembly, 0 failed" "$T/hang.txt" || die "the calls were not checked"
echo "abort, segfault and hang each cost one function or thunk"
