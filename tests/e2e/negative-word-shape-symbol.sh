# The remaining checks, each broken on purpose on every arch: a data word
# with a flipped bit, a call overwritten with zeros (no longer a call at
# all), a function whose symbol is gone (its sites, and the calls to it,
# cannot be checked: said so, never passed).
. "$(dirname "$0")/lib.sh"
n=0
for a in arm64 amd64 riscv64; do
	forms=""
	[ $a = arm64 ] && forms="--forms bl,b,b.ne,cbnz,adrp+add,adrp+ldr.got,movz+movk,abs64,prel32"
	case_for $a case-$a-other "--size 32M --funcs 512 --calls 10 --seed 9 $forms"
	for l in lld-19 bfd; do
		have_linker $l $a || continue
		OUT="$CASE/$l/out"
		[ -f "$OUT" ] || "$FARCALL" link --linker $l "$CASE" >/dev/null || die "$a $l: link failed"
		for mode in word shape unlocated; do
			bad="$FC_TMP/$mode-$a-$l.out"
			cp "$OUT" "$bad"
			"$FC_PATCH" $mode "$CASE" "$bad" >"$bad.expect" || die "fc-patch $mode failed on $a $l"
			st=0
			"$FARCALL" emu --max-report 1000000 "$CASE" "$bad" >"$bad.emu" || st=$?
			[ $st -eq 1 ] || die "$a $l $mode: emu exited $st"
			grep -v '^reason: ' "$bad.expect" | sort -u >"$bad.want"
			failing_sites "$bad" "$bad.emu" >"$bad.got"
			diff "$bad.want" "$bad.got" || die "$a $l $mode: failing sites differ"
			reason=$(sed -n 's/^reason: //p' "$bad.expect")
			grep "^$bad: " "$bad.emu" | grep -qF "$reason" || die "$a $l $mode: no failure says '$reason'"
			grep "^$bad: " "$bad.emu" | head -n 1
			n=$((n + 1))
			rm -f "$bad"
		done
	done
done
[ $n -gt 0 ] || skip "neither lld-19 nor bfd is installed"
