# An interrupted run leaves no report that looks complete, takes its
# linkers down with it, and resumes where it stopped: run the same
# arguments again and the jobs that were done are not redone. The linker is
# lld-19 behind a wrapper that interrupts farcall (SIGINT, as Ctrl-C does)
# on its second link and then hangs.
. "$(dirname "$0")/lib.sh"
have_linker lld-19 arm64 || skip "lld-19 is not installed"
command -v jq >/dev/null 2>&1 || skip "jq is not installed"
T="$FC_TMP/resume"
mkdir -p "$T"
cat >"$T/ld-w" <<EOF2
#!/bin/sh
[ "\$1" = --version ] && exec ld.lld-19 --version
echo x >>"$T/links"
if [ "\$(wc -l <"$T/links")" -eq 2 ] && [ ! -e "$T/interrupted" ]; then
	: >"$T/interrupted"
	sleep 300 &
	echo \$! >"$T/sleeper"
	kill -INT \$PPID
	wait
fi
exec ld.lld-19 "\$@"
EOF2
chmod +x "$T/ld-w"
ARGS="--arch arm64,amd64,riscv64 --size 16M --funcs 256 --linker $T/ld-w --work $T/work --report $T/rep"
st=0
"$FARCALL" run $ARGS >"$T/r1.txt" 2>&1 || st=$?
cat "$T/r1.txt"
[ $st -eq 130 ] || [ $st -gt 128 ] || die "the interrupted run exited $st"
[ -e "$T/interrupted" ] || die "the wrapper did not interrupt"
[ ! -e "$T/rep/results.json" ] || die "an interrupted run left a report that looks complete"
sleep 1
[ -s "$T/sleeper" ] || die "the wrapper did not start its hang"
# Killed, it may stay a zombie where nothing reaps orphans (a container).
ps -o stat= -p "$(cat "$T/sleeper")" | grep -qv Z && die "the hanging linker outlived farcall"
n=$(ls "$T/work"/.journal-*/*.json 2>/dev/null | wc -l)
[ "$n" -eq 1 ] || die "the journal holds $n results, expected the 1 finished"
st=0
"$FARCALL" run $ARGS >"$T/r2.txt" 2>&1 || st=$?
cat "$T/r2.txt"
[ $st -eq 0 ] || die "the resumed run exited $st"
grep -q "run: 1 of 3 results taken from the interrupted run's journal" "$T/r2.txt" || die "nothing resumed"
[ "$(wc -l <"$T/links")" -eq 4 ] || die "$(wc -l <"$T/links") links, expected 2 + the 2 not done"
jq -e '(.cases | length) == 3 and all(.cases[]; .verdict == "pass")' "$T/rep/results.json" >/dev/null ||
	die "the resumed report is not 3 passing cases"
ls -d "$T/work"/.journal-* 2>/dev/null && die "the journal outlived a complete run"
# Again: a complete run left nothing to resume; every link is redone.
"$FARCALL" run $ARGS >"$T/r3.txt" 2>&1 || die "the third run failed"
grep -q "taken from the interrupted" "$T/r3.txt" && die "a complete run was resumed"
[ "$(wc -l <"$T/links")" -eq 7 ] || die "the third run did not link 3 times"
echo "resume: interrupted after 1 of 3, resumed with 2 links"

# A journal is only for the same jobs: interrupted again, then the linker
# says it is another version, and nothing is taken from the journal.
rm -f "$T/links" "$T/interrupted"
st=0
"$FARCALL" run $ARGS >"$T/v1.txt" 2>&1 || st=$?
[ $st -gt 128 ] || die "the second interrupted run exited $st"
sed -i 's/^\[ "\$1" = --version \] .*/[ "$1" = --version ] \&\& { echo "LLD 99.0.0"; exit 0; }/' "$T/ld-w"
"$FARCALL" run $ARGS >"$T/v2.txt" 2>&1 || { cat "$T/v2.txt"; die "the run with another linker version failed"; }
grep -q "taken from the interrupted" "$T/v2.txt" && die "results of another linker version were reused"
[ "$(wc -l <"$T/links")" -eq 5 ] || die "$(wc -l <"$T/links") links, expected 2 + 3 after the version changed"

# Killed outright (SIGKILL: no handler), farcall still takes its linker
# with it, and the next run resumes from the journal.
rm -f "$T/links" "$T/interrupted"
cat >"$T/ld-k" <<EOF2
#!/bin/sh
[ "\$1" = --version ] && exec ld.lld-19 --version
echo x >>"$T/links"
if [ "\$(wc -l <"$T/links")" -eq 2 ] && [ ! -e "$T/interrupted" ]; then
	: >"$T/interrupted"
	echo \$\$ >"$T/linker"
	kill -KILL \$PPID
	exec sleep 300
fi
exec ld.lld-19 "\$@"
EOF2
chmod +x "$T/ld-k"
ARGS="--arch arm64,amd64,riscv64 --size 16M --funcs 256 --linker $T/ld-k --work $T/work --report $T/repk"
st=0
"$FARCALL" run $ARGS >"$T/k1.txt" 2>&1 || st=$?
[ $st -eq 137 ] || [ $st -gt 128 ] || die "the killed run exited $st"
sleep 1
[ -s "$T/linker" ] || die "the wrapper did not run"
ps -o stat= -p "$(cat "$T/linker")" | grep -qv Z && die "the linker outlived a killed farcall"
[ ! -e "$T/repk/results.json" ] || die "a killed run left a report"
"$FARCALL" run $ARGS >"$T/k2.txt" 2>&1 || die "the run after the kill failed"
grep -q "run: 1 of 3 results taken from the interrupted run's journal" "$T/k2.txt" || die "nothing resumed after a kill"
echo "resume: after SIGINT and after SIGKILL"
