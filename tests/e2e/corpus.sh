# The corpus: `farcall run --corpus corpus --quick` runs every quick scenario
# with every installed linker; correct linkers pass, the listed known
# failures are XFAIL and do not fail the run. A known failure that passes is
# XPASS and fails it; an unlisted failure fails it; a broken scenario file is
# named with its line.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq is not installed (Debian package jq)"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T="$FC_TMP/corpus"
mkdir -p "$T"
W="$T/work"

st=0
"$FARCALL" run --corpus "$ROOT/corpus" --quick -j 2 --work "$W" --report "$T/rep" >"$T/run.txt" 2>&1 || st=$?
[ $st -eq 0 ] || { cat "$T/run.txt"; die "the quick corpus exited $st"; }
J="$T/rep/results.json"
nq=$(grep -l "^quick: yes" "$ROOT"/corpus/*.scn | wc -l)
jq -e --argjson nq "$nq" '[.cases[].scenario] | unique | length == $nq' "$J" >/dev/null ||
	die "not every quick scenario ran"
jq -e 'all(.cases[]; .verdict == "pass" or .verdict == "skip" or .verdict == "xfail")' "$J" >/dev/null ||
	{ jq -c '.cases[] | select(.verdict != "pass" and .verdict != "skip" and .verdict != "xfail") |
		[.scenario, .linker, .verdict, .reason]' "$J"; die "unexpected verdicts"; }
jq -e 'all(.cases[] | select(.verdict == "xfail"); .known_failure | length > 0)' "$J" >/dev/null ||
	die "an xfail without its reason"
jq -e '[.cases[] | select(.verdict == "pass" and .scenario == "arm64-unfixable-branch")] | length > 0 and
	all(.expect == "link-error")' "$J" >/dev/null || die "the unfixable scenario did not expect a link error"
grep -q "^scenario arm64-thunk-target" "$T/run.txt" || die "the table does not name the scenarios"
xmllint --noout "$T/rep/junit.xml" 2>/dev/null || ! command -v xmllint >/dev/null || die "junit.xml is not XML"
# Two workers decide exactly what one does, in the same order.
st=0
"$FARCALL" run --corpus "$ROOT/corpus" --quick --scenario 'arm64-*' -j 1 --work "$W" --report "$T/rep1" \
	>"$T/run1.txt" 2>&1 || st=$?
[ $st -eq 0 ] || { cat "$T/run1.txt"; die "-j 1 exited $st"; }
v() { jq -r '.cases[] | select(.scenario | startswith("arm64-")) |
	[.scenario, .linker, .verdict, .checks.calls.checked, .checks.calls.failed, .thunks] | @tsv' "$1"; }
[ "$(v "$T/rep/results.json")" = "$(v "$T/rep1/results.json")" ] || die "-j 2 and -j 1 disagree"

# Pick a linker that passes a scenario and list it as failing it: XPASS.
pick=$(jq -r '[.cases[] | select(.verdict == "pass" and .scenario == "arm64-calls-only")][0].linker // empty' "$J")
[ -n "$pick" ] || skip "no arm64 linker passes arm64-calls-only"
C="$T/c"
mkdir -p "$C"
cp "$ROOT/corpus/arm64-calls-only.scn" "$C/"
printf '# test\n%s arm64-calls-*  pretend it is broken\n' "$pick" >"$C/known-failures"
st=0
"$FARCALL" run --corpus "$C" --linker "$pick" --work "$W" --report "$T/rep-xpass" >"$T/xpass.txt" 2>&1 || st=$?
[ $st -eq 1 ] || { cat "$T/xpass.txt"; die "an XPASS exited $st, not 1"; }
grep -q "xpass" "$T/xpass.txt" || die "the table does not say xpass"
jq -e '.cases[0].verdict == "xpass" and .cases[0].known_failure == "pretend it is broken"' \
	"$T/rep-xpass/results.json" >/dev/null || die "results.json does not record the xpass"
grep -q 'name="known-failure"' "$T/rep-xpass/junit.xml" || die "junit.xml has no failing known-failure testcase"

# The same scenario, a failure nobody listed: a linker that drops the
# veneers' target (a fake that links, then breaks nothing but calls) is
# simplest as a linker that is not there at all -> error, exit 1.
cat >"$T/ld-broken" <<'FAKE'
#!/bin/sh
[ "$1" = --version ] && { echo "GNU ld (broken) 2.40"; exit 0; }
echo "ld-broken: internal error" >&2
exit 1
FAKE
chmod +x "$T/ld-broken"
: >"$C/known-failures"
st=0
"$FARCALL" run --corpus "$C" --linker "$T/ld-broken" --work "$W" --report "$T/rep-fail" >"$T/fail.txt" 2>&1 || st=$?
[ $st -eq 1 ] || { cat "$T/fail.txt"; die "an unlisted failure exited $st, not 1"; }
jq -e '.cases[0].verdict == "fail" and (.known_failure == null)' "$T/rep-fail/results.json" >/dev/null ||
	die "the unlisted failure is not a plain fail"
# ... and listed: xfail, exit 0.
printf '*broken*  arm64-calls-only  it crashes\n' >"$C/known-failures"
st=0
"$FARCALL" run --corpus "$C" --linker "$T/ld-broken" --work "$W" --report "$T/rep-xfail" >"$T/xfail.txt" 2>&1 || st=$?
[ $st -eq 0 ] || { cat "$T/xfail.txt"; die "a listed failure exited $st, not 0"; }
jq -e '.cases[0].verdict == "xfail"' "$T/rep-xfail/results.json" >/dev/null || die "not xfail"

# Broken scenario files: the file, the line and the problem; exit 2; no report.
bad() {
	rm -f "$C"/*.scn
	printf "$1" >"$C/broken.scn"
	st=0
	"$FARCALL" run --corpus "$C" --work "$W" --report "$T/rep-bad" >"$T/bad.txt" 2>&1 || st=$?
	[ $st -eq 2 ] || { cat "$T/bad.txt"; die "broken scenario ($2) exited $st"; }
	grep -q "$C/broken.scn$3: $2" "$T/bad.txt" || { cat "$T/bad.txt"; die "no message '$2'"; }
	[ ! -e "$T/rep-bad" ] || die "a report was written for a broken corpus"
}
bad 'arch: arm64\ncolour: blue\nexpect: pass\n' "unknown key 'colour'" ":2"
bad 'arch: sparc\nexpect: pass\n' "unknown arch 'sparc'" ":1"
bad 'arch: arm64\nexpect: maybe\n' "expect: 'maybe' is neither" ":2"
bad '# no arch\nexpect: pass\n' "no 'arch:' line" ""
bad 'arch: arm64\ngen: --size 64M\nexpect: link-error\n' "expect: link-error, but the gen options make no unfixable site" ""
bad 'arch: arm64\nthis is not a key value line\n' "expected 'key: value'" ":2"
bad 'arch: arm64\ngen: --size lots\nexpect: pass\n' "bad 'gen:' options" ""
rm -f "$C"/*.scn
printf 'arch: arm64\nexpect: pass\n' >"$C/ok.scn"
printf 'lld\n' >"$C/known-failures"
st=0
"$FARCALL" run --corpus "$C" --work "$W" --report "$T/rep-bad" >"$T/bad.txt" 2>&1 || st=$?
[ $st -eq 2 ] && grep -q "$C/known-failures:1: expected 'LINKER SCENARIO REASON...'" "$T/bad.txt" ||
	{ cat "$T/bad.txt"; die "a broken known-failures line is not named"; }
echo "corpus: quick scenarios pass or xfail; xpass, unlisted fail, xfail and broken files behave"
