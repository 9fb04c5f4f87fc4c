#!/bin/sh
# The fuzz harnesses of build-fuzz/bin (make fuzz-build), two ways:
#   run.sh fuzz [HARNESS...]  each for FUZZ_SECONDS (default 180), one after
#       another, on the core FUZZ_CPU (default 1); corpus and crashers under
#       FUZZ_WORK (default $TMPDIR/farcall-fuzz, kept between runs, never in
#       git). Prints executions, exec/s, coverage and new crashers.
#   run.sh smoke  (make check-fuzz) every regression input of
#       tests/fuzz/regress/HARNESS/ and every seed once, then
#       FUZZ_SMOKE_SECONDS (default 5) of fuzzing each, in a scratch
#       directory removed after; any crash, leak, timeout or sanitizer
#       report fails.
set -u
cd "$(dirname "$0")/../.."
B=build-fuzz/bin
ALL="image lines check manifest gomanifest scenario"
mode=${1:-smoke}
[ $# -gt 0 ] && shift
names=${*:-$ALL}

# max_len: the ELF seeds are up to 70 KB; text inputs are small.
maxlen() { case $1 in image|lines|check) echo 131072 ;; *) echo 16384 ;; esac; }
# A check input executes every call and function: seconds, not ms.
tmo() { case $1 in check) echo 60 ;; *) echo 20 ;; esac; }
# -close_fd_mask=3: the readers' messages (one per bad input) go nowhere;
# libFuzzer keeps its own output and the sanitizers' reports.
# -rss_limit_mb: Unicorn's translation buffer and ASan's shadow are big.
# -detect_leaks=1: a leak is a defect too (the readers run per file in run).
opts() { echo "-max_len=$(maxlen $1) -timeout=$(tmo $1) -rss_limit_mb=6144 -close_fd_mask=3 -print_final_stats=1"; }
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

for n in $names; do
	[ -x "$B/fuzz_$n" ] || { echo "no $B/fuzz_$n: make fuzz-build" >&2; exit 2; }
done

# name log: executions, exec/s, the last cov/ft line.
stats() {
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$2" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$2" | tail -n 1)
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$2" | tail -n 1)
	echo "$1: ${execs:-?} executions, ${rate:-?} exec/s, ${cov:-no coverage line}"
}

if [ "$mode" = fuzz ]; then
	W=${FUZZ_WORK:-${TMPDIR:-/tmp}/farcall-fuzz}
	S=${FUZZ_SECONDS:-180}
	CPU=${FUZZ_CPU:-1}
	total=0 crashes=0
	for n in $names; do
		mkdir -p "$W/corpus/$n" "$W/crashes/$n"
		before=$(ls "$W/crashes/$n" | wc -l)
		start=$(date +%s)
		# -fork=0, one process: a crash stops this harness's run; the
		# next one goes on. Seeds are read, new units go to the corpus.
		taskset -c "$CPU" "$B/fuzz_$n" $(opts $n) -max_total_time="$S" \
			-artifact_prefix="$W/crashes/$n/" "$W/corpus/$n" "tests/fuzz/seeds/$n" \
			>"$W/$n.log" 2>&1
		rc=$?
		after=$(ls "$W/crashes/$n" | wc -l)
		echo "$(stats $n "$W/$n.log"), $(( $(date +%s) - start )) s, exit $rc, $((after - before)) new crashers"
		[ "$after" -gt "$before" ] && ls -t "$W/crashes/$n" | head -n $((after - before)) | sed "s|^|    $W/crashes/$n/|"
		crashes=$((crashes + after - before))
		e=$(sed -n 's/^stat::number_of_executed_units: *//p' "$W/$n.log" | tail -n 1)
		total=$((total + ${e:-0}))
	done
	echo "fuzz: $total executions in all, $crashes new crashers (logs and corpus in $W)"
	[ $crashes -eq 0 ]
	exit
fi

# smoke
T=$(mktemp -d "${TMPDIR:-/tmp}/farcall-fuzz-smoke.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
SECS=${FUZZ_SMOKE_SECONDS:-5}
fail=0
for n in $names; do
	# Regression inputs first: each one crashed farcall once.
	R=tests/fuzz/regress/$n
	if [ -d "$R" ] && [ -n "$(ls "$R")" ]; then
		if "$B/fuzz_$n" $(opts $n) "$R"/* >"$T/$n.regress.log" 2>&1; then
			echo "PASS fuzz_$n: $(ls "$R" | wc -l) regression inputs"
		else
			fail=$((fail + 1))
			echo "FAIL fuzz_$n: a regression input crashes again"
			grep -E -A15 'ERROR:|runtime error|Running:' "$T/$n.regress.log" | head -n 40 | sed 's/^/    /'
		fi
	fi
	mkdir -p "$T/corpus/$n" "$T/crash/$n"
	"$B/fuzz_$n" $(opts $n) -max_total_time="$SECS" -artifact_prefix="$T/crash/$n/" \
		"$T/corpus/$n" "tests/fuzz/seeds/$n" >"$T/$n.log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && [ -z "$(ls "$T/crash/$n")" ]; then
		echo "PASS fuzz_$n smoke: $(stats $n "$T/$n.log")"
	else
		fail=$((fail + 1))
		echo "FAIL fuzz_$n smoke (exit $rc): $(stats $n "$T/$n.log")"
		grep -E -A15 'ERROR:|runtime error|Running:' "$T/$n.log" | head -n 40 | sed 's/^/    /'
		for c in "$T/crash/$n"/*; do
			[ -f "$c" ] && echo "    crasher (base64): $(base64 -w0 "$c" | head -c 2000)"
		done
	fi
done
echo "fuzz smoke: $fail failed"
[ $fail -eq 0 ]
