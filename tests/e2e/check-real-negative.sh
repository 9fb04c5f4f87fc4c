# farcall check on the real programs of scripts/fixtures.sh (see
# check-real.sh), broken on purpose: each break must be caught and named
# exactly, the function and the address, and nothing else may change in
# what check finds:
#   target  a range-extension thunk the linker made for the padding (arm64)
#           jumps to another function (fc-patch bin-target): every BL
#           through it, and only those, "reached 0x... (g), expected 0x..."
#   into    the first direct call between two functions with debug info
#           lands on its callee's second instruction (fc-patch bin-into):
#           that call, "ran into f+0x4 (0x...)"
#   lines   a function loses its line sequence (fc-debug-patch lines, Go's
#           golang/go#54320): "f: N of N instructions have no line row; the
#           first at f (0x...)"
# What a site called before the break is confirmed with binutils' objdump.
# The findings of the broken output are compared with those of the output
# as the linker wrote it: the new ones must be exactly those expected.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DBG="$ROOT/tests/tools/fc-debug-patch"
[ -x "$DBG" ] && [ -x "$FC_PATCH" ] || die "fc-patch or fc-debug-patch is not built (make check builds them)"
W="$FC_TMP/check-real-negative"
mkdir -p "$W"

# The function each program loses the line rows of.
line_func() { case $1 in lua) echo luaV_execute ;; json) echo _ZNK4Json5Value8asStringB5cxx11Ev ;; esac; }

# prog arch linker link breaks: every linker's thunks on arm64 (lld's
# __AArch64*Thunk_, GNU ld's __*_veneer, mold's $thunk), a wrong call and
# lost lines on every arch, with every linker, static and dynamic.
BREAKS='
lua  arm64   lld-19 static   target into lines
lua  arm64   bfd    dynamic  target into
lua  arm64   mold   static   target lines
lua  arm64   mold   dynamic  target
lua  arm64   lld-19 dynamic  target
json arm64   lld-19 static   target lines
json arm64   bfd    dynamic  target into lines
json arm64   mold   dynamic  target into
lua  riscv64 lld-19 static   into lines
lua  riscv64 mold   dynamic  into lines
json riscv64 bfd    static   into lines
lua  amd64   mold   dynamic  into lines
lua  amd64   bfd    static   into
json amd64   lld-19 static   into lines
json amd64   bfd    dynamic  lines
'

st=0
IDX=$("$ROOT/scripts/fixtures.sh" 2>"$W/fixtures.log") || st=$?
[ $st -eq 3 ] && skip "no real programs: $(tail -n 1 "$W/fixtures.log")"
[ $st -eq 0 ] || { cat "$W/fixtures.log"; die "scripts/fixtures.sh exited $st"; }

triple() { case $1 in arm64) echo aarch64-linux-gnu ;; riscv64) echo riscv64-linux-gnu ;; amd64) echo x86_64-linux-gnu ;; esac; }
# The bytes of a direct call: BL, CALL rel32, AUIPC+JALR.
call_len() { case $1 in arm64) echo 4 ;; riscv64) echo 8 ;; amd64) echo 5 ;; esac; }

# The failures check printed for OUT (in TXT, all of them: --max-report),
# one a line, without OUT's path: "caller+0xoff: ...", "f: ...". Not its
# notes, the executed paths under them, or the summaries of the checks.
fails() {
	grep "^$1: " "$2" | sed "s|^$1: ||" |
		grep -Ev '^(calls|data|lines|cfi|frames|layout|kept_relocs|callsites): |^(arm64|riscv64|amd64), |^[0-9]+ sites' |
		sort
}
check() { "$FARCALL" check --max-report 100000000 "$1" >"$1.txt" 2>&1; }

# confirm OUT ARCH SITE NAME: objdump says SITE is a call to NAME.
confirm() {
	fn=${3%+0x*} off=${3##*+}
	a=$(nm "$1" | awk -v s="$fn" '$3 == s { print $1; exit }')
	[ -n "$a" ] || return 1
	lo=$(( 0x$a + off ))
	$(triple "$2")-objdump -d --no-show-raw-insn --start-address=$lo \
		--stop-address=$(( lo + $(call_len "$2") )) "$1" | grep -qF "<$4>"
}

: >"$W/verdicts"
echo "$BREAKS" | while read -r prog arch ln mode breaks; do
	[ -n "$prog" ] || continue
	row="$prog $arch $ln $mode"
	line=$(awk -F '\t' -v p="$prog" -v a="$arch" -v l="$ln" -v m="$mode" \
		'$1 == p && $3 == a && $4 == l && $5 == m' "$IDX")
	status=$(echo "$line" | cut -f 6)
	out=$(echo "$line" | cut -f 7)
	if [ "$status" != ok ]; then
		for b in $breaks; do
			echo "FAIL $row $b: no output (${status:-not in the index})" >>"$W/verdicts"
		done
		continue
	fi
	d="$W/$prog-$arch-$ln-$mode"
	mkdir -p "$d"
	good="$d/good"
	cp --sparse=always "$out" "$good"
	r=0
	check "$good" || r=$?
	if [ $r -gt 1 ]; then
		for b in $breaks; do
			echo "FAIL $row $b: check cannot check the output as linked: $(grep -m 1 '^farcall: ' "$good.txt" | sed "s|$good|OUT|")" >>"$W/verdicts"
		done
		rm -f "$good"
		continue
	fi
	fails "$good" "$good.txt" >"$good.fails"
	for b in $breaks; do
		bad="$d/$b"
		cp --sparse=always "$good" "$bad"
		why= r=0
		case $b in
		target|into)
			"$FC_PATCH" bin-$b "$bad" >"$bad.expect" 2>"$bad.err" || r=$?
			grep -v '^reason: \|^was: ' "$bad.expect" | sort >"$bad.want"
			was=$(sed -n 's/^was: //p' "$bad.expect")
			reason=$(sed -n 's/^reason: //p' "$bad.expect")
			;;
		lines)
			fn=$(line_func "$prog")
			"$DBG" lines "$fn" "$bad" >"$bad.expect" 2>"$bad.err" || r=$?
			set -- $(cat "$bad.expect")
			printf '%s: [0-9]+ of [0-9]+ instructions have no line row; the first at %s \\(%s\\)\n' \
				"$fn" "$fn" "${2:-}" >"$bad.want"
			;;
		esac
		if [ $r -ne 0 ]; then
			why="the tool could not break it (exit $r): $(cat "$bad.err")"
		elif [ $b != lines ]; then
			for s in $(cat "$bad.want"); do
				confirm "$good" "$arch" "$s" "$was" || why="objdump does not show $s calling $was"
			done
		fi
		if [ -z "$why" ]; then
			r=0
			check "$bad" || r=$?
			fails "$bad" "$bad.txt" | comm -13 "$good.fails" - >"$bad.new"
			if [ $r -ne 1 ]; then
				why="check exited $r, expected 1"
			elif [ $b = lines ]; then
				[ "$(wc -l <"$bad.new")" -eq 1 ] && grep -Eqx -f "$bad.want" "$bad.new" ||
					why="the new failures are not exactly /$(cat "$bad.want")/: $(head -n 3 "$bad.new")"
			else
				sed -n 's|^\([^ :]*+0x[0-9a-f]*\): .*|\1|p' "$bad.new" | sort >"$bad.got"
				if ! diff "$bad.want" "$bad.got" >/dev/null; then
					why="the new failures are at $(tr '\n' ' ' <"$bad.got"), expected $(tr '\n' ' ' <"$bad.want")"
				elif [ "$(grep -cvF "$reason" "$bad.new")" -ne 0 ]; then
					why="a new failure does not say '$reason': $(grep -vF -m 1 "$reason" "$bad.new")"
				fi
			fi
		fi
		if [ -z "$why" ]; then
			echo "PASS $row $b: $(head -n 1 "$bad.new")$( [ "$(wc -l <"$bad.new")" -gt 1 ] && echo " (and $(( $(wc -l <"$bad.new") - 1 )) more)")" >>"$W/verdicts"
		else
			echo "FAIL $row $b: $why" >>"$W/verdicts"
		fi
		rm -f "$bad"
	done
	rm -f "$good"
done
cat "$W/verdicts"
n=$(grep -c '^PASS\|^FAIL' "$W/verdicts")
bad=$(grep -c '^FAIL' "$W/verdicts" || true)
[ "$bad" -eq 0 ] || die "$bad of $n breaks are not caught and named as they must be"
echo "$n breaks caught and named"
