# PIE and shared objects on every arch: dynamic relocations are applied as
# a loader would, calls to preemptible functions go through the PLT (a thunk
# too, executed like one), GOT loads read what the loader wrote.
. "$(dirname "$0")/lib.sh"
n=0
for a in arm64 amd64 riscv64; do
	for mode in pie shared; do
		# No TBNZ and no LDR literal: the arm64 findings have their own test.
		forms=""
		[ $a = arm64 ] && forms="--forms bl,b,b.ne,cbnz,adrp+add,adrp+ldr.got,abs64,prel32,prel64"
		case_for $a case-$a-$mode "--size 64M --funcs 1024 --calls 10 --seed 5 --mode $mode $forms"
		for l in lld-19 bfd; do
			have_linker $l $a || continue
			link_and_emu $l
			tail -n 1 "$EMU"
			[ "$FAILED" = 0 ] && [ "$SITES" -gt 5000 ] || { head -n 30 "$EMU"; die "$a $mode $l: $FAILED sites failed"; }
			n=$((n + 1))
		done
	done
	# Shared objects call preemptible functions through the PLT.
	if have_linker lld-19 $a; then
		grep -q ' through [1-9][0-9]* thunks' "$FC_TMP/case-$a-shared/lld-19.emu" ||
			die "$a shared: no call went through a PLT entry"
	fi
done
[ $n -gt 0 ] || skip "neither lld-19 nor bfd is installed"
