#!/bin/sh
# make check-san: the unit tests and a representative subset of the
# end-to-end tests on the ASan+UBSan build (build-san/bin). A sanitizer
# report fails the test whatever its exit status: the tests expect 1 from
# farcall on a finding, and a sanitizer exits 99 here, but a report from a
# child process a test does not look at must fail it too.
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
B="$ROOT/build-san/bin"
export FARCALL="$B/farcall" FC_PATCH="$B/fc-patch" FC_DEBUG_PATCH="$B/fc-debug-patch"
export ASAN_OPTIONS="exitcode=99:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:exitcode=99:print_stacktrace=1"
FC_TMP=$(mktemp -d "${TMPDIR:-/tmp}/farcall-test.XXXXXX")
export FC_TMP
trap 'rm -rf "$FC_TMP"' EXIT INT TERM

# Every reader and engine: ELF and DWARF input good and bad, each arch's
# sites, CFI by execution, stripped and real binaries, the guard.
E2E="bad-input bad-debug-info negative-into negative-target negative-store lines-overrun
arch-amd64 arch-riscv64 check-stripped cfi-stepped emulator-dies layout emit-relocs
callsite-table gen-determinism check-binaries check-glibc"

pass=0 fail=0 skip=0 failed=""
report() { # name status log
	if grep -qE '(ERROR: (Address|Leak)Sanitizer|runtime error:)' "$3"; then
		fail=$((fail + 1))
		failed="$failed $1"
		echo "FAIL $1 (sanitizer)"
		grep -E -A12 '(ERROR: (Address|Leak)Sanitizer|runtime error:)' "$3" | head -n 40 | sed 's/^/    /'
	elif [ "$2" -eq 0 ]; then
		pass=$((pass + 1))
		echo "PASS $1 (san${4:+, $4})"
	elif [ "$2" -eq 77 ]; then
		skip=$((skip + 1))
		echo "SKIP $1: $(tail -n 1 "$3")"
	else
		fail=$((fail + 1))
		failed="$failed $1"
		echo "FAIL $1 (san, exit $2)"
		tail -n 30 "$3" | sed 's/^/    /'
	fi
}
for t in "$B"/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	"$t" >"$FC_TMP/$name.log" 2>&1
	report "$name" $? "$FC_TMP/$name.log"
done
# (ASan's strict_string_checks and detect_stack_use_after_return made the
# arch tests 10x slower, 90 s each: left out.)
for name in $E2E; do
	start=$(date +%s)
	sh "tests/e2e/$name.sh" >"$FC_TMP/$name.log" 2>&1
	report "$name" $? "$FC_TMP/$name.log" "$(( $(date +%s) - start ))s"
done
[ -n "$failed" ] && echo "failed under sanitizers:$failed"
echo "sanitizers: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
