# The two debug-info bugs farcall exists for, put into generated outputs on
# purpose (tests/tools/fc-debug-patch), with each installed linker:
#   golang/go#54320: a function that calls through a thunk loses its line
#   rows; the 2014 "leaf bit": a leaf function's CFA is off by the pointer
#   size. farcall verify must name exactly that function and that address.
. "$(dirname "$0")/lib.sh"
D="$(dirname "$0")/../tools/fc-debug-patch"
[ -x "$D" ] || die "tests/tools/fc-debug-patch is not built"
case_for arm64 case-arm64-debug "--size 256M --funcs 1024 --calls 8 --seed 21 --forms bl,b,adrp+add,abs64"
# A function with a call that is out of BL range (it goes through a thunk),
# and leaf functions without and with a stack frame.
caller=$(awk '$1 == "s" && $4 == "bl" && $7 == "far" && $2 != "f0" { print substr($2, 2); exit }' "$CASE/manifest.txt")
leafnone=$(awk '$1 == "f" && $9 == "none" { print $3; exit }' "$CASE/manifest.txt")
leafstack=$(awk '$1 == "f" && $9 == "leaf" { print $3; exit }' "$CASE/manifest.txt")
caller=fn_$caller
[ -n "$leafnone" ] && [ -n "$leafstack" ] || die "the case has no leaf functions"
n=0
for l in $(linkers_for arm64); do
	OUT="$CASE/$l/out"
	"$FARCALL" link --linker $l "$CASE" >/dev/null 2>&1 || continue
	for spec in "lines $caller" "cfa $leafnone" "cfa $leafstack"; do
		set -- $spec
		bad="$FC_TMP/debug-$1-$2-$l.out"
		cp "$OUT" "$bad"
		"$D" $1 $2 "$bad" >"$bad.expect" || die "fc-debug-patch $1 $2 failed on $l"
		set -- $(cat "$bad.expect")
		st=0
		"$FARCALL" verify --max-report 100 "$CASE" "$bad" >"$bad.verify" 2>&1 || st=$?
		[ $st -eq 1 ] || { cat "$bad.verify"; die "$l: verify exited $st after fc-debug-patch $spec"; }
		grep "^$bad: $1: at [^ ]* ($2)" "$bad.verify" || { cat "$bad.verify"; die "$l $spec: not named at $2"; }
		# Nothing else is wrong.
		others=$(grep "^$bad: " "$bad.verify" | grep -v ": lines: \|: cfi: \|: frames: \|: layout: 0 findings\|: kept_relocs: \|: callsites: " | grep -vc "^$bad: $1: " || true)
		[ "$others" = 0 ] || { cat "$bad.verify"; die "$l $spec: other functions named too"; }
		n=$((n + 1))
		rm -f "$bad"
	done
done
[ $n -gt 0 ] || skip "no arm64 linker could link the case"
