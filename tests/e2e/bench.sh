# farcall bench: a small sweep (arm64, 2 and 4 MiB, two repeats) with lld 19
# and mold (which forks: measured over its process tree), whose JSON, CSV,
# plots and index.html are checked for content; a recorded command rerun
# gives the same output; an A/A comparison is not significant; a failing
# linker is recorded and the sweep goes on; a sweep the machine cannot
# hold and a missing linker are refused before anything runs.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq is not installed (Debian package jq)"
command -v gnuplot >/dev/null 2>&1 || skip "gnuplot is not installed (Debian package gnuplot-nox)"
have_linker lld-19 arm64 || skip "lld-19 is not installed"
have_linker mold arm64 || skip "mold is not installed"
T="$FC_TMP/bench"
mkdir -p "$T"
B="--arch arm64 --sizes 2M,4M --repeat 2 --calls-only --tmpdir $T/work"

st=0
"$FARCALL" bench $B --linker lld-19,mold --threads 1,2 --keep --report "$T/r1" >"$T/r1.txt" 2>&1 || st=$?
cat "$T/r1.txt"
[ $st -eq 0 ] || die "bench exited $st"
J="$T/r1/bench.json"
# 2 sizes x 2 linkers x 2 thread counts, each measured twice, passing emu.
jq -e '(.runs | length) == 8 and all(.runs[];
	.arch == "arm64" and (.linker == "lld-19" or .linker == "mold") and
	(.linker_version | length) > 0 and (.size == 2097152 or .size == 4194304) and
	(.threads == 1 or .threads == 2) and .repeat == 2 and
	.wall_s.min > 0 and .wall_s.min <= .wall_s.median and .wall_s.median <= .wall_s.max and
	(.wall_s.ci95 | length) == 2 and .wall_s.ci95[0] <= .wall_s.median and
	.wall_s.median <= .wall_s.ci95[1] and .user_s.median >= 0 and .sys_s.median >= 0 and
	(.user_s.ci95 | length) == 2 and (.sys_s.ci95 | length) == 2 and
	.max_rss_kb.median > 1000 and .max_rss_kb.min <= .max_rss_kb.max and
	.output_bytes >= .size and .thunks == 0 and .thunk_bytes >= 0 and
	.verdict == "pass" and (.command | startswith("cd ")))' "$J" >/dev/null ||
	{ jq .runs "$J"; die "bench.json runs are not as expected"; }
jq -e '[.runs[] | select(.linker == "lld-19") | .command | test("--threads=[12] ")] | all' "$J" >/dev/null ||
	die "lld's commands do not set its threads"
jq -e '[.runs[] | select(.linker == "mold") | .command | (test("--thread-count=[12] ") and (test("--no-fork") | not))] | all' "$J" >/dev/null ||
	die "mold's commands do not set its threads, or do not let it fork"
jq -e '(.fits | length) == 4 and all(.fits[]; (.s_per_gib | type) == "number" and
	(.intercept_s | type) == "number" and .arch == "arm64") and .against == []' "$J" >/dev/null ||
	{ jq .fits "$J"; die "bench.json fits are not as expected"; }

# The CSV: the same rows, every row as many fields as the header.
C="$T/r1/bench.csv"
head -n 1 "$C" | grep -q '^arch,linker,linker_version,size,threads,repeat,wall_s_median,wall_s_min,wall_s_max,wall_s_ci95_lo,wall_s_ci95_hi,' ||
	die "bench.csv header: $(head -n 1 "$C")"
[ "$(wc -l <"$C")" -eq 9 ] || die "bench.csv has $(wc -l <"$C") lines, expected 9"
awk -F, 'NR == 1 { n = NF } NF != n { exit 1 }' "$C" || die "bench.csv rows differ in their fields"
[ "$(grep -c ',pass,cd ' "$C")" -eq 8 ] || die "bench.csv rows lack verdict and command"

# The plots: SVG and PNG of time, memory and thunks, linked from index.html.
for p in time memory thunks; do
	svg="$T/r1/$p-arm64.svg" png="$T/r1/$p-arm64.png"
	grep -q '<svg' "$svg" && grep -q '</svg>' "$svg" && grep -q '<path' "$svg" || die "$svg is not a plot"
	grep -q 'lld-19, 1 threads' "$svg" && grep -q 'mold, 2 threads' "$svg" || die "$svg lacks a series"
	[ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || die "$png is not a PNG"
	[ "$(wc -c <"$png")" -gt 10000 ] || die "$png is too small to be a plot"
	grep -q "src=\"$p-arm64.svg\"" "$T/r1/index.html" && grep -q "href=\"$p-arm64.png\"" "$T/r1/index.html" ||
		die "index.html does not show $p-arm64"
done
grep -q 'href="bench.json"' "$T/r1/index.html" && grep -q 'href="bench.csv"' "$T/r1/index.html" &&
	grep -q '<td class=l>pass</td>' "$T/r1/index.html" || die "index.html lacks its links or its table"
ls "$T/r1" | grep -q 'tmp' && die "a temporary file is left in the report"
grep -q 'bench: .* link.*' "$T/r1.txt" && die "the progress line went to a file, not a terminal"

# A recorded command, rerun from a shell, writes the same bytes.
for l in lld-19 mold; do
	cmd=$(jq -r --arg l $l '[.runs[] | select(.linker == $l and .size == 4194304)][0].command' "$J")
	out=$(printf '%s\n' "$cmd" | sed 's/.* -o \([^ ]*\) .*/\1/')
	[ -f "$out" ] || die "$l: the kept output $out is missing"
	mv "$out" "$out.bench"
	sh -c "$cmd" || die "$l: the recorded command failed: $cmd"
	cmp "$out" "$out.bench" || die "$l: the recorded command wrote other bytes"
	[ "$(wc -c <"$out")" -eq "$(jq --arg l $l '[.runs[] | select(.linker == $l and .size == 4194304)][0].output_bytes' "$J")" ] ||
		die "$l: output_bytes is not the output's size"
done

# A/A: a linker against itself is no significant difference.
st=0
"$FARCALL" bench $B --linker lld-19 --against lld-19 --report "$T/aa" >"$T/aa.txt" 2>&1 || st=$?
cat "$T/aa.txt"
[ $st -eq 0 ] || die "bench A/A exited $st"
jq -e '(.against | length) == 2 and all(.against[]; .new == "lld-19" and .old == "lld-19@old" and
	.significant == false and .ratio > 0 and .ci95[0] <= .ratio and .ratio <= .ci95[1] and
	.mann_whitney_p >= 0.05)' "$T/aa/bench.json" >/dev/null ||
	{ jq .against "$T/aa/bench.json"; die "the A/A comparison is not as expected"; }
grep -q "no significant difference" "$T/aa.txt" || die "the A/A verdict is not printed"
grep -q 'src="against-arm64.svg"' "$T/aa/index.html" && [ -s "$T/aa/against-arm64.png" ] ||
	die "no plot of the ratio"

# A linker that fails is recorded at each size, and the sweep goes on.
cat >"$T/ld-broken" <<'FAKE'
#!/bin/sh
[ "$1" = --version ] && { echo "LLD 20.0.0 (broken)"; exit 0; }
echo "ld.lld: internal error" >&2
exit 1
FAKE
chmod +x "$T/ld-broken"
st=0
"$FARCALL" bench $B --linker "$T/ld-broken,lld-19" --report "$T/r2" >"$T/r2.txt" 2>&1 || st=$?
[ $st -eq 0 ] || { cat "$T/r2.txt"; die "a failing linker stopped the sweep ($st)"; }
jq -e '[.runs[] | select(.linker == "lld-19") | .verdict] == ["pass", "pass"] and
	[.runs[] | select(.linker != "lld-19") | .verdict] == ["link failed", "link failed"] and
	all(.runs[] | select(.linker != "lld-19"); (.reason | test("internal error")) and .wall_s == null)' \
	"$T/r2/bench.json" >/dev/null || { jq .runs "$T/r2/bench.json"; die "the failing linker is not recorded"; }

# A linker that forks and returns before its worker ends (as mold does) is
# measured until the worker ends too; one that hangs is killed at the
# timeout, recorded, and the sweep goes on.
cat >"$T/ld-forks" <<'FAKE'
#!/bin/sh
[ "$1" = --version ] && { echo "LLD 20.0.0 (forks)"; exit 0; }
while [ $# -gt 1 ] && [ "$1" != -o ]; do shift; done
cp /bin/true "$2"
sleep 0.5 &
exit 0
FAKE
cat >"$T/ld-hangs" <<'FAKE'
#!/bin/sh
[ "$1" = --version ] && { echo "LLD 20.0.0 (hangs)"; exit 0; }
exec sleep 30
FAKE
chmod +x "$T/ld-forks" "$T/ld-hangs"
st=0
"$FARCALL" bench --arch arm64 --sizes 2M --repeat 2 --calls-only --tmpdir "$T/work" --timeout 1 \
	--linker "$T/ld-forks,$T/ld-hangs" --report "$T/r5" >"$T/r5.txt" 2>&1 || st=$?
[ $st -eq 0 ] || { cat "$T/r5.txt"; die "bench with a forking and a hanging linker exited $st"; }
jq -e '.runs[0].repeat == 2 and .runs[0].wall_s.min >= 0.5 and .runs[0].verdict == "fail" and
	.runs[1].verdict == "link failed" and (.runs[1].reason | test("timed out after 1 s"))' \
	"$T/r5/bench.json" >/dev/null || { jq .runs "$T/r5/bench.json"; die "the forking or the hanging linker is not measured as it should"; }

# Refused up front, with the numbers: a size the memory cannot hold; a
# linker that is not there.
st=0
"$FARCALL" bench --arch arm64 --sizes 2M,64G --tmpdir "$T/work" --report "$T/r3" >"$T/r3.txt" 2>&1 || st=$?
[ $st -eq 2 ] && grep -q "64 GiB: a link needs about .* of memory .* and .* is available" "$T/r3.txt" ||
	{ cat "$T/r3.txt"; die "a 64 GiB sweep was not refused ($st)"; }
st=0
"$FARCALL" bench --arch arm64 --sizes 2M --linker lld-19,nosuchld --tmpdir "$T/work" --report "$T/r4" >"$T/r4.txt" 2>&1 || st=$?
[ $st -eq 2 ] && grep -q "nosuchld" "$T/r4.txt" || { cat "$T/r4.txt"; die "a missing linker: $st"; }
st=0
"$FARCALL" bench --arch arm64 --sizes 2M --against lld-19 --tmpdir "$T/work" --report "$T/r6" >"$T/r6.txt" 2>&1 || st=$?
[ $st -eq 2 ] && grep -q "compares with one --linker NEW" "$T/r6.txt" || { cat "$T/r6.txt"; die "--against without --linker: $st"; }
[ ! -e "$T/r3" ] && [ ! -e "$T/r4" ] && [ ! -e "$T/r6" ] || die "a report was written for a refused sweep"
[ -z "$(ls "$T/work" | grep -i 64_GiB)" ] || die "the refused size was generated"
echo "bench: JSON, CSV, plots, HTML, rerun command, A/A, failing and missing linkers, refusal"
