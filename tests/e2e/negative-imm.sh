# Address sequences whose immediate is broken on purpose (an ADRP page, a
# MOVK half, an AUIPC immediate, a LEA displacement): emu names that site.
. "$(dirname "$0")/lib.sh"
n=0
for spec in "arm64 adrp+add" "arm64 movz+movk" "riscv64 auipc+addi" "amd64 lea"; do
	set -- $spec
	a=$1 form=$2
	# arm64: not the forms gold and mold get wrong (arm64-forms.sh has those).
	forms=""
	[ $a = arm64 ] && forms="--forms bl,b,b.ne,cbnz,adrp+add,adrp+ldr.got,movz+movk,abs64,prel32"
	case_for $a case-$a-imm "--size 32M --funcs 512 --calls 10 --seed 3 --no-relax $forms"
	for l in $(linkers_for $a); do
		OUT="$CASE/$l/out"
		[ -f "$OUT" ] || "$FARCALL" link --linker $l "$CASE" >/dev/null 2>&1 || continue
		bad="$FC_TMP/imm-$a-$l-$form.out"
		cp "$OUT" "$bad"
		"$FC_PATCH" imm "$CASE" "$bad" "$form" >"$bad.expect" || die "fc-patch imm $form failed on $a $l"
		st=0
		"$FARCALL" emu --max-report 1000000 "$CASE" "$bad" >"$bad.emu" || st=$?
		[ $st -eq 1 ] || die "$a $l $form: emu exited $st on a broken immediate"
		grep -v '^reason: ' "$bad.expect" | sort -u >"$bad.want"
		failing_sites "$bad" "$bad.emu" >"$bad.got"
		diff "$bad.want" "$bad.got" || die "$a $l $form: failing sites differ"
		reason=$(sed -n 's/^reason: //p' "$bad.expect")
		grep "^$bad: " "$bad.emu" | grep -qF "$reason" || die "$a $l $form: no failure says '$reason'"
		grep "^$bad: " "$bad.emu" | head -n 1
		n=$((n + 1))
		rm -f "$bad"
	done
done
[ $n -gt 0 ] || skip "no linker is installed"
