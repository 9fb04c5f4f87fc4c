# Go cases: gen --frontend go writes a Go module and its manifest; Go's
# toolchain builds it (link --linker go: go build, -debugtramp=2 on arm64 and
# riscv64); emu executes every call edge at its line through Go's
# trampolines; verify holds every instruction to a line of its function,
# runs the CFI of every function and checks leaves and frames. Then each check is
# broken on purpose and must name exactly the function and address:
#   a trampoline sent to another function (tests/tools/fc-patch target);
#   a function's line rows dropped (fc-debug-patch lines, golang/go#54320);
#   a leaf's CFA bumped by 8 (fc-debug-patch cfa: Go's leaf bit);
#   the manifest saying a function that has a frame is a leaf (Go's leaf
#   bit seen from the other side), or that its locals are bigger;
#   an edge's line moved.
. "$(dirname "$0")/lib.sh"
command -v go >/dev/null || skip "go is not installed"
command -v jq >/dev/null || die "jq is not installed (scripts/deps.sh)"
P="$(dirname "$FARCALL")/tests/tools/fc-patch"
D="$(dirname "$FARCALL")/tests/tools/fc-debug-patch"

# check_all CASE BIN: emu (the edges executed) and verify (lines, CFI,
# frames, layout), both into BIN.v; st is the worse exit status.
check_all() {
	st=0 vst=0
	"$FARCALL" emu --max-report 1000 "$1" "$2" >"$2.v" 2>&1 || st=$?
	"$FARCALL" verify --max-report 1000 "$1" "$2" >>"$2.v" 2>&1 || vst=$?
	[ $vst -gt $st ] && st=$vst
	return 0
}

# verify_fails CASE BIN: exit 1 expected; output in BIN.v
verify_fails() {
	check_all "$1" "$2"
	[ $st -eq 1 ] || { cat "$2.v"; die "emu or verify exited $st on $2, expected 1"; }
}

for a in arm64 riscv64 amd64; do
	C="$FC_TMP/go-$a"
	"$FARCALL" gen --frontend go --arch $a --funcs 192 --pkgs 6 --seed 4 -o "$C" ||
		die "gen --frontend go failed for $a"
	"$FARCALL" gen --frontend go --arch $a --funcs 192 --pkgs 6 --seed 4 -o "$C.again" -q
	diff -r "$C" "$C.again" >/dev/null || die "$a: the same seed gave another module"
	"$FARCALL" link --linker go --flags -compressdwarf=false "$C" || die "$a: go build failed"
	grep -q "GOARCH=$a .*go build -trimpath" "$C/go/cmd.txt" || die "$a: cmd.txt: $(cat "$C/go/cmd.txt")"
	OUT="$C/go/out"
	check_all "$C" "$OUT"
	mv "$OUT.v" "$C.v"
	cat "$C.v"
	[ $st -eq 0 ] || die "$a: emu or verify exited $st"
	# Go's .shstrtab inside a PT_LOAD is a note: it passes, but not --strict.
	grep -q "^note: $OUT: section .shstrtab" "$C.v" || die "$a: no layout note"
	st=0
	"$FARCALL" verify --strict "$C" "$OUT" >/dev/null 2>&1 || st=$?
	[ $st -eq 1 ] || die "$a: verify --strict exited $st with a note"
	n=$(jq '.calls | length' "$C/go-manifest.json")
	grep -q "calls: $n calls, 0 failed;.*; $n edges: 0 not at their line, 0 unexpected" "$C.v" ||
		die "$a: not every edge executed and passed"
	if [ $a != amd64 ]; then
		grep -q "through [1-9][0-9]* trampolines" "$C.v" || die "$a: no trampoline"
		grep -q -- "'-ldflags=-debugtramp=2 -compressdwarf=false'" "$C/go/cmd.txt" ||
			die "$a: not built with -debugtramp=2"
	fi
	grep -q "lines: \([0-9]*\) of \1 instructions on a line of their function, 0 functions fail" "$C.v" ||
		die "$a: lines"
	grep -q "cfi: 194 functions, 0 failed, [1-9][0-9]* instructions compared" "$C.v" ||
		die "$a: cfi"
	grep -q "frames: 194 functions, 0 frames not as built" "$C.v" || die "$a: frames"

	# A trampoline sent to another function: exactly the calls through it.
	if [ $a != amd64 ]; then
		bad="$C.target"
		cp "$OUT" "$bad"
		"$P" target "$C" "$bad" >"$bad.expect" || die "$a: fc-patch target failed"
		verify_fails "$C" "$bad"
		reason=$(sed -n 's/^reason: //p' "$bad.expect")
		grep -v '^reason: ' "$bad.expect" | sort >"$bad.want"
		grep -F "$reason" "$bad.v" | sed -n "s|^$bad: \([^ ]*\): .*|\1|p" | sort >"$bad.got"
		[ -s "$bad.want" ] || die "$a: fc-patch listed no call"
		diff "$bad.want" "$bad.got" || die "$a: not exactly the calls through the trampoline"
		grep -q "calls: $n calls, $(wc -l <"$bad.want") failed" "$bad.v" ||
			die "$a: the count of failed calls"
	fi

	# A function loses its line rows: the first function that starts a
	# line sequence (fc-debug-patch can only move a sequence's start).
	bad="$C.lines"
	for fn in $(jq -r '.functions[].name' "$C/go-manifest.json"); do
		cp "$OUT" "$bad"
		"$D" lines "$fn" "$bad" >"$bad.expect" 2>/dev/null && break
		rm -f "$bad.expect"
	done
	[ -s "$bad.expect" ] || die "$a: no function starts a line sequence"
	verify_fails "$C" "$bad"
	sed -n "s|^$bad: \([^ +]*\)[^ ]* (\(0x[0-9a-f]*\)): no line row.*|\1 \2|p" "$bad.v" >"$bad.got"
	diff "$bad.expect" "$bad.got" || die "$a: line gap not named as $(cat "$bad.expect")"

	# Go's leaf bit: a leaf's CFI claims 8 bytes of frame it does not have.
	leaf=$(jq -r '[.functions[] | select(.leaf)][0].name' "$C/go-manifest.json")
	bad="$C.cfa"
	cp "$OUT" "$bad"
	"$D" cfa "$leaf" "$bad" >"$bad.expect" || die "$a: fc-debug-patch cfa $leaf failed"
	verify_fails "$C" "$bad"
	sed -n "s|^$bad: \([^ :]*\): at [^ ]* (\(0x[0-9a-f]*\)): CFI says CFA = .*|\1 \2|p" "$bad.v" >"$bad.got"
	diff "$bad.expect" "$bad.got" || die "$a: the CFI finding is not exactly $(cat "$bad.expect")"

	# The manifest says a function with a frame is a leaf.
	fn=$(jq -r '[.functions[] | select(.leaf == false and .locals > 0)][0].name' "$C/go-manifest.json")
	short=${fn##*/}
	L="$C.leaf"
	cp -r "$C" "$L"
	jq -c "(.functions[] | select(.name == \"$fn\") | .leaf) = true" "$C/go-manifest.json" >"$L/go-manifest.json"
	verify_fails "$L" "$OUT"
	grep ': a leaf (' "$OUT.v" | sed -n 's|^[^ ]*: \([^ ]*\) (0x[0-9a-f]*): a leaf .*|\1|p' >"$L.got"
	[ "$(cat "$L.got")" = "$short" ] || { cat "$OUT.v"; die "$a: the false leaf is not exactly $short"; }

	# ...or that its locals need more than its frame has.
	jq -c "(.functions[] | select(.name == \"$fn\") | .locals) = 100000" "$C/go-manifest.json" >"$L/go-manifest.json"
	verify_fails "$L" "$OUT"
	grep -c ': a frame of ' "$OUT.v" | grep -qx 1 || die "$a: not one frame finding"
	grep -q "^$OUT: $short (0x[0-9a-f]*): a frame of [0-9]* bytes .* 100000 bytes of locals" "$OUT.v" ||
		die "$a: the frame finding does not name $short"

	# An edge moved to the next line (a line with no call, or another call).
	e=$(jq -c '.calls[0]' "$C/go-manifest.json")
	jq -c '.calls[0][2] += 1' "$C/go-manifest.json" >"$L/go-manifest.json"
	verify_fails "$L" "$OUT"
	grep -q "no call to .* on [^ ]*:$(echo "$e" | jq '.[2] + 1')" "$OUT.v" || die "$a: a moved edge not found missing"
	# ...and the call that is on the old line is one the source does not make.
	grep -q "a call to .* on [^ ]*:$(echo "$e" | jq '.[2]'), where .* calls no such function" "$OUT.v" ||
		die "$a: the call left on the old line is not unexpected"

	# A function the binary does not have (renamed in the manifest).
	jq -c "(.functions[] | select(.name == \"$fn\") | .name) = \"$fn.gone\"" "$C/go-manifest.json" >"$L/go-manifest.json"
	verify_fails "$L" "$OUT"
	grep -q "^$OUT: $fn.gone: not a function of the binary" "$OUT.v" || die "$a: a missing function is not named"
	rm -rf "$L" "$C.again"
done
