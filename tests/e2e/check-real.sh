# farcall check on real programs nobody here wrote (issue 10): lua5.4's
# interpreter (C) and libjsoncpp's test suite (C++, clang++ -O2:
# exceptions, virtual calls, the C++ runtime), from Debian's source
# packages, built for arm64, riscv64 and amd64 and linked by GNU ld, lld 19
# and mold, static and dynamic, with 200 MiB of padding between the two
# halves of each program (scripts/fixtures.sh builds them, once, into its
# cache). Every output a linker made must pass every check with thousands
# of calls checked, on arm64 with calls through the range-extension thunks
# the padding made the linker write. What each variant must give is the
# table below; on a mismatch the test goes on, and prints each variant's
# verdict and what check said.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null 2>&1 || die "jq is not installed (scripts/deps.sh)"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W="$FC_TMP/check-real"
mkdir -p "$W"

# What each program must show: the calls found and checked at least, and
# symbols that say it is what it is meant to be.
min_calls() { case $1 in lua) echo 2000 ;; json) echo 5000 ;; esac; }
# The C++ program throws and catches (__cxa_throw, .gcc_except_table) and
# calls its test cases through their vtable.
cxx_marks="__cxa_throw _ZTVN8JsonTest8TestCaseE"

# prog arch linker link expect
#   pass         exit 0, calls, lines and cfi ran, nothing failed, at least
#                min_calls calls
#   pass+thunks  and calls through the linker's range-extension thunks
#                (named __AArch64*Thunk_*, __*_veneer or *$thunk in the
#                output, counted by check as thunks)
#   finding ERE  check exits 1 on a finding of the linker's, every finding
#                matches ERE, and calls, lines and cfi pass as for pass
#                (found here: mold 1.10.1 relaxes RISC-V code and leaves
#                st_size as it was, so function symbols overlap)
#   link-fails ERE   the linker fails, saying ERE (a linker bug; found
#                here: GNU ld 2.40 gives no veneer to a call to an IFUNC's
#                .iplt entry out of BL's reach, which a static glibc
#                program has: memcpy, strlen... and .iplt comes before
#                .text)
VARIANTS='
lua  arm64   bfd    static   link-fails relocation truncated to fit: R_AARCH64_CALL26 against symbol `(memcpy|memset|strlen)'"'"' defined in \.text section in .*libc\.a
lua  arm64   bfd    dynamic  pass+thunks
lua  arm64   lld-19 static   pass+thunks
lua  arm64   lld-19 dynamic  pass+thunks
lua  arm64   mold   static   pass+thunks
lua  arm64   mold   dynamic  pass+thunks
lua  riscv64 bfd    static   pass
lua  riscv64 bfd    dynamic  pass
lua  riscv64 lld-19 static   pass
lua  riscv64 lld-19 dynamic  pass
lua  riscv64 mold   static   finding its symbol.s size 0x[0-9a-f]+ runs 0x[0-9a-f]+ bytes into
lua  riscv64 mold   dynamic  pass
lua  amd64   bfd    static   pass
lua  amd64   bfd    dynamic  pass
lua  amd64   lld-19 static   pass
lua  amd64   lld-19 dynamic  pass
lua  amd64   mold   static   pass
lua  amd64   mold   dynamic  pass
json arm64   bfd    static   link-fails relocation truncated to fit: R_AARCH64_CALL26 against symbol `(memcpy|memset|strlen)'"'"' defined in \.text section in .*libc\.a
json arm64   bfd    dynamic  pass+thunks
json arm64   lld-19 static   pass+thunks
json arm64   lld-19 dynamic  pass+thunks
json arm64   mold   static   pass+thunks
json arm64   mold   dynamic  pass+thunks
json riscv64 bfd    static   pass
json riscv64 bfd    dynamic  pass
json riscv64 lld-19 static   pass
json riscv64 lld-19 dynamic  pass
json riscv64 mold   static   finding its symbol.s size 0x[0-9a-f]+ runs 0x[0-9a-f]+ bytes into
json riscv64 mold   dynamic  pass
json amd64   bfd    static   pass
json amd64   bfd    dynamic  pass
json amd64   lld-19 static   pass
json amd64   lld-19 dynamic  pass
json amd64   mold   static   pass
json amd64   mold   dynamic  pass
'

st=0
IDX=$("$ROOT/scripts/fixtures.sh" 2>"$W/fixtures.log") || st=$?
cat "$W/fixtures.log"
[ $st -eq 3 ] && skip "no real programs: $(tail -n 1 "$W/fixtures.log")"
[ $st -eq 0 ] || die "scripts/fixtures.sh exited $st"

# The range-extension thunks a linker named in OUT.
range_thunks() {
	nm "$1" | awk '$3 ~ /^__AArch64[A-Za-z]*Thunk_|_veneer$|\$thunk$/ { n++ } END { print n + 0 }'
}

# What check said, for the table: its error, or its first failure and the
# summaries of calls, lines and cfi.
said() {
	{
		grep '^farcall: ' "$1" | head -n 1
		grep -v '^    \|^note: ' "$1" | grep -E '^[^ ]*: [^ ]*\+0x[0-9a-f]+: ' | head -n 1
		grep -E '^[^ ]*: (calls|lines|cfi): [0-9]' "$1"
	} | sed "s|$2|OUT|g" | sed 's/^/    /'
}

host=$(uname -m)
bad=0 n=0
: >"$W/verdicts"
echo "$VARIANTS" | while read -r prog arch ln mode expect pattern; do
	[ -n "$prog" ] || continue
	row="$prog $arch $ln $mode"
	line=$(awk -F '\t' -v p="$prog" -v a="$arch" -v l="$ln" -v m="$mode" \
		'$1 == p && $3 == a && $4 == l && $5 == m' "$IDX")
	[ -n "$line" ] || { echo "FAIL $row: not in the fixtures' index" >>"$W/verdicts"; continue; }
	status=$(echo "$line" | cut -f 6)
	out=$(echo "$line" | cut -f 7)
	log=$(echo "$line" | cut -f 8)
	why=
	case $expect in
	link-fails)
		if [ "$status" != link-failed ]; then
			why="the link was expected to fail (it gave $status)"
		elif ! grep -Eq "$pattern" "$log"; then
			why="the linker failed without saying /$pattern/: $(grep -m 1 -i error "$log")"
		fi
		;;
	pass|pass+thunks|finding)
		if [ "$status" != ok ]; then
			why="no output: $status ($(grep -m 1 -iE 'error|undefined' "$log"))"
		else
			r=0
			"$FARCALL" check --json "$W/$prog-$arch-$ln-$mode.json" "$out" \
				>"$W/$prog-$arch-$ln-$mode.txt" 2>&1 || r=$?
			J="$W/$prog-$arch-$ln-$mode.json"
			min=$(min_calls "$prog")
			if [ $expect = finding ]; then
				# Only that finding: every failing line of the output says it.
				sed -n "s|^$out: \([^ ]*: \)|\1|p" "$W/$prog-$arch-$ln-$mode.txt" |
					grep -Ev "^(calls|data|lines|cfi|frames|layout|kept_relocs|callsites|ifunc|dynamic): " >"$W/$prog-$arch-$ln-$mode.fails" || true
				if [ $r -ne 1 ]; then
					why="check exited $r, expected 1 (a finding)"
				elif ! [ -s "$W/$prog-$arch-$ln-$mode.fails" ] ||
				     grep -Evq "$pattern" "$W/$prog-$arch-$ln-$mode.fails"; then
					why="the findings are not all /$pattern/: $(grep -Ev "$pattern" "$W/$prog-$arch-$ln-$mode.fails" | head -n 1)"
				fi
				r=0
			fi
			if [ -n "$why" ]; then
				:
			elif [ $r -ne 0 ]; then
				why="check exited $r, expected 0"
			elif ! jq -e --argjson min "$min" '.checks as $c | all("calls", "lines", "cfi"; $c[.].state == "ran")
				and $c.calls.checked >= $min and $c.calls.failed == 0 and $c.lines.failed == 0
				and $c.cfi.failed == 0' "$J" >/dev/null; then
				why="calls, lines or cfi not run, failed, or fewer than $min calls"
			elif [ $expect = pass+thunks ] && ! jq -e '.checks.calls.thunks > 0 and .checks.calls.via_thunk > 0' "$J" >/dev/null; then
				why="no call went through a thunk"
			elif [ $expect = pass+thunks ] && [ "$(range_thunks "$out")" -eq 0 ]; then
				why="the linker wrote no range-extension thunk: is the padding between the halves?"
			fi
			if [ -z "$why" ] && [ $prog = json ]; then
				for s in $cxx_marks; do
					readelf -sW "$out" | grep -Eq " $s(@.*)?\$" || why="no $s: not the C++ program meant"
				done
				readelf -SW "$out" | grep -q '\.gcc_except_table' || why="no .gcc_except_table"
			fi
			# On an x86-64 host the amd64 outputs run, too.
			if [ -z "$why" ] && [ $arch = amd64 ] && [ "$host" = x86_64 ]; then
				if [ $prog = lua ]; then
					got=$("$out" -e 'print(("x"):rep(3), pcall(error, "e"))' 2>&1) || true
					[ "$got" = "$(printf 'xxx\tfalse\te')" ] || why="it does not run: $got"
				else
					"$out" >"$W/$prog-$arch-$ln-$mode.run" 2>&1 ||
						why="it does not run: $(tail -n 1 "$W/$prog-$arch-$ln-$mode.run")"
				fi
			fi
		fi
		;;
	*) why="unknown expectation $expect" ;;
	esac
	if [ -z "$why" ]; then
		sum=
		[ "$status" = ok ] && sum=$(jq -r '.checks.calls.summary' "$W/$prog-$arch-$ln-$mode.json")
		echo "PASS $row: ${sum:-the link failed, as expected}" >>"$W/verdicts"
	else
		echo "FAIL $row: $why" >>"$W/verdicts"
		[ -f "$W/$prog-$arch-$ln-$mode.txt" ] && said "$W/$prog-$arch-$ln-$mode.txt" "$out" >>"$W/verdicts"
	fi
done
cat "$W/verdicts"
n=$(grep -c '^PASS\|^FAIL' "$W/verdicts")
bad=$(grep -c '^FAIL' "$W/verdicts" || true)
[ "$n" -eq "$(echo "$VARIANTS" | grep -c '[a-z]')" ] || die "not every variant was checked"
[ "$bad" -eq 0 ] || die "$bad of $n variants are not as the table says"
echo "$n variants as the table says"
