# A GOT entry changed on purpose: every GOT load of that symbol fails, and
# only those. (amd64 linkers relax every GOT load of a static executable into
# LEA, so there is no GOT entry to break there: fc-patch says so, exit 3.)
. "$(dirname "$0")/lib.sh"
n=0
for a in arm64 riscv64 amd64; do
	forms=""
	[ $a = arm64 ] && forms="--forms bl,b,b.ne,cbnz,adrp+add,adrp+ldr.got,movz+movk,abs64,prel32"
	case_for $a case-$a-got "--size 32M --funcs 512 --calls 10 --seed 3 $forms"
	for l in $(linkers_for $a); do
		OUT="$CASE/$l/out"
		[ -f "$OUT" ] || "$FARCALL" link --linker $l "$CASE" >/dev/null 2>&1 || continue
		bad="$FC_TMP/got-$a-$l.out"
		cp "$OUT" "$bad"
		st=0
		"$FC_PATCH" got "$CASE" "$bad" >"$bad.expect" || st=$?
		[ $st -eq 3 ] && { echo "$a $l: no GOT load left to break"; rm -f "$bad"; continue; }
		[ $st -eq 0 ] || die "fc-patch got failed on $a $l"
		st=0
		"$FARCALL" emu --max-report 1000000 "$CASE" "$bad" >"$bad.emu" || st=$?
		[ $st -eq 1 ] || die "$a $l: emu exited $st on a broken GOT entry"
		grep -v '^reason: ' "$bad.expect" | sort -u >"$bad.want"
		failing_sites "$bad" "$bad.emu" >"$bad.got"
		diff "$bad.want" "$bad.got" >/dev/null || die "$a $l: failing sites differ from the GOT loads of that symbol"
		reason=$(sed -n 's/^reason: //p' "$bad.expect")
		grep "^$bad: " "$bad.emu" | grep -qF "$reason" || die "$a $l: no failure says '$reason'"
		echo "$a $l: $(wc -l <"$bad.want") GOT loads named"
		n=$((n + 1))
		rm -f "$bad"
	done
done
[ $n -gt 0 ] || skip "no linker left a GOT load"
