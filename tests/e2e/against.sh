# farcall run --linker NEW --against OLD: the same case with two linker
# binaries, and what changed, regressions first; only NEW gates the exit.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq is not installed (Debian package jq)"
have_linker lld-19 arm64 || skip "lld-19 is not installed"
L14=$(command -v ld.lld-14 || true)
[ -n "$L14" ] || skip "ld.lld-14 is not installed"
T="$FC_TMP/against"
mkdir -p "$T"
G="--arch arm64 --size 160M --funcs 512 --calls 4 --seed 8 --forms bl,b --work $T/work"

# Two real binaries: both pass; the report pairs them.
st=0
"$FARCALL" run $G --linker lld-19 --against "$L14" --report "$T/r1" >"$T/r1.txt" 2>&1 || st=$?
[ $st -eq 0 ] || { cat "$T/r1.txt"; die "lld-19 against ld.lld-14 exited $st"; }
[ -s "$T/r1/against.md" ] || die "no against.md"
new=$(jq -r .against.new "$T/r1/results.json")
old=$(jq -r .against.old "$T/r1/results.json")
[ "$new" = lld-19 ] && [ -n "$old" ] && [ "$old" != "$new" ] || die "against names '$new' and '$old'"
jq -e '.against.regressions == 0 and (.against.changes | length) == 1 and
	(.against.changes[0].change | test("^(same|worse|better)$")) and
	.against.changes[0].old.thunks > 0 and .against.changes[0].new.thunks > 0 and
	.against.changes[0].old.thunk_bytes >= 4 * .against.changes[0].old.thunks and
	.against.changes[0].new.thunk_bytes >= 4 * .against.changes[0].new.thunks and
	(.against.changes[0].old.thunk_bytes == .against.changes[0].new.thunk_bytes or
	 (.against.changes[0].what | test("thunk bytes [0-9]+ -> [0-9]+")))' \
	"$T/r1/results.json" >/dev/null || { jq .against "$T/r1/results.json"; die "the pair is not compared"; }
grep -q "^# lld-19 against $old" "$T/r1.txt" || die "the comparison is not printed"

# A new linker that fails where the old one passed: a regression, exit 1.
cat >"$T/ld-broken" <<'FAKE'
#!/bin/sh
[ "$1" = --version ] && { echo "LLD 20.0.0 (broken)"; exit 0; }
echo "ld.lld: internal error" >&2
exit 1
FAKE
chmod +x "$T/ld-broken"
st=0
"$FARCALL" run $G --linker "$T/ld-broken" --against lld-19 --report "$T/r2" >"$T/r2.txt" 2>&1 || st=$?
[ $st -eq 1 ] || { cat "$T/r2.txt"; die "a regression exited $st, not 1"; }
jq -e '.against.regressions == 1 and .against.changes[0].change == "regressed" and
	.against.changes[0].old.verdict == "pass" and .against.changes[0].new.verdict == "fail"' \
	"$T/r2/results.json" >/dev/null || { jq .against "$T/r2/results.json"; die "the regression is not reported"; }
sed -n 7p "$T/r2/against.md" | grep -q "^| \*\*regressed\*\* .*internal error" ||
	{ cat "$T/r2/against.md"; die "against.md does not lead with the regression and its reason"; }

# The other way round: fixed, and the old linker's failure does not gate.
st=0
"$FARCALL" run $G --linker lld-19 --against "$T/ld-broken" --report "$T/r3" >"$T/r3.txt" 2>&1 || st=$?
[ $st -eq 0 ] || { cat "$T/r3.txt"; die "a fix exited $st, not 0"; }
jq -e '.against.changes[0].change == "fixed"' "$T/r3/results.json" >/dev/null || die "the fix is not reported"

# Usage errors.
st=0
"$FARCALL" run $G --against lld-19 --report "$T/r4" >"$T/r4.txt" 2>&1 || st=$?
[ $st -eq 2 ] && grep -q "compares with one --linker NEW" "$T/r4.txt" || die "--against without --linker: $st"
st=0
"$FARCALL" run $G --linker lld-19 --against lld-19 --report "$T/r5" >"$T/r5.txt" 2>&1 || st=$?
[ $st -eq 2 ] && grep -q "are the same linker (lld-19)" "$T/r5.txt" || { cat "$T/r5.txt"; die "same linker twice: $st"; }
[ ! -e "$T/r4" ] && [ ! -e "$T/r5" ] || die "a report was written for a usage error"
echo "against: pairs, regression first, fixed, usage errors"
