# farcall run: every stage chained, a table, and a report whose JSON has
# the documented shape; a rerun reuses the generated case.
. "$(dirname "$0")/lib.sh"
need_linker lld-19
T="$FC_TMP/run"
mkdir -p "$T"
"$FARCALL" run --linker lld-19,mold --forms bl,b,adrp+add,abs64 --size 200M --funcs 1500 --work "$T/work" --report "$T/rep" >"$T/out.txt" 2>&1 || { cat "$T/out.txt"; die "run failed"; }
cat "$T/out.txt"
grep -q "^arm64 *exe *200 MiB *1 lld-19 *pass" "$T/out.txt" || die "no passing lld-19 row"
J="$T/rep/results.json"
jq -e '.cases | length == 2' "$J" >/dev/null || die "results.json does not have 2 cases"
jq -e '.cases[] | select(.linker == "lld-19") | .arch == "arm64" and .verdict == "pass" and
	(.link.exit == 0) and (.link.wall_s > 0) and (.link.max_rss_kb > 0) and
	(.checks.calls.checked > 0) and (.checks.calls.failed == 0) and (.size == 209715200) and
	(.checks.data.checked > 0) and (.checks.data.failed == 0) and (.mode == "exe") and
	(.thunks > 0) and (.expect == "pass")' "$J" >/dev/null ||
	die "results.json lacks the documented fields"
grep -q '| arm64 | exe | lld-19 |' "$T/rep/summary.md" || die "summary.md has no lld-19 row"
ls "$T/work" | grep -q tmp && die "run left a temporary directory"
# The passing output was removed (reproducible from cmd.txt), its records kept.
c=$(ls -d "$T"/work/arm64-*)
[ ! -e "$c/lld-19/out" ] || die "a passing output was kept without --keep"
[ -s "$c/lld-19/cmd.txt" ] && [ -s "$c/lld-19/link.json" ] || die "link records missing"
# Rerun: the case is reused, not regenerated.
stamp=$(stat -c %Y "$c/manifest.txt")
sleep 1
"$FARCALL" run --linker lld-19 --forms bl,b,adrp+add,abs64 --size 200M --funcs 1500 --work "$T/work" --report "$T/rep2" >/dev/null
[ "$(stat -c %Y "$c/manifest.txt")" = "$stamp" ] || die "the case was regenerated"
# A run with a failing linker exits 1 and reports it.
cat >"$T/ld-bad" <<'FAKE'
#!/bin/sh
[ "$1" = --version ] && { echo "GNU ld (broken) 2.40"; exit 0; }
echo "ld: internal error" >&2; exit 3
FAKE
chmod +x "$T/ld-bad"
st=0
"$FARCALL" run --linker "$T/ld-bad" --forms bl,b,adrp+add,abs64 --size 200M --funcs 1500 --work "$T/work" --report "$T/rep3" >"$T/out3.txt" 2>&1 || st=$?
cat "$T/out3.txt"
[ $st -eq 1 ] || die "run with a failing linker exited $st, expected 1"
jq -e '.cases[0].verdict == "fail" and (.cases[0].reason | test("exited 3"))' "$T/rep3/results.json" >/dev/null ||
	die "the failing linker is not reported as a failure"
exit 0
