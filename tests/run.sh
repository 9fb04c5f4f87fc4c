#!/bin/sh
# Runs every test: the cmocka unit tests, then the end-to-end scripts in
# tests/e2e (one case each; exit 0 pass, 77 skip with a reason, else fail).
# Closes with one line "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export FARCALL="$ROOT/farcall" FC_PATCH="$ROOT/tests/tools/fc-patch"
FC_TMP=$(mktemp -d "${TMPDIR:-/tmp}/farcall-test.XXXXXX")
export FC_TMP
trap 'rm -rf "$FC_TMP"' EXIT INT TERM

pass=0 fail=0 skip=0 failed=""
for t in tests/unit/test_*; do
	case "$t" in *.c) continue ;; esac
	[ -x "$t" ] || continue
	if "$t" >"$FC_TMP/unit.log" 2>&1; then
		pass=$((pass + 1))
		echo "PASS $t ($(grep -c '^\[       OK \]' "$FC_TMP/unit.log") tests)"
	else
		fail=$((fail + 1))
		failed="$failed $t"
		echo "FAIL $t"
		sed 's/^/    /' "$FC_TMP/unit.log"
	fi
done

for t in tests/e2e/*.sh; do
	name=$(basename "$t" .sh)
	[ "$name" = lib ] && continue
	start=$(date +%s)
	sh "$t" >"$FC_TMP/$name.log" 2>&1
	st=$?
	secs=$(( $(date +%s) - start ))
	if [ $st -eq 0 ]; then
		pass=$((pass + 1))
		echo "PASS $name (${secs}s)"
	elif [ $st -eq 77 ]; then
		skip=$((skip + 1))
		echo "SKIP $name: $(tail -n 1 "$FC_TMP/$name.log")"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAIL $name (${secs}s)"
		tail -n 30 "$FC_TMP/$name.log" | sed 's/^/    /'
	fi
done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
