# Every form farcall has for riscv64 (calls, tail calls, branches, address
# sequences, data words), linked by every installed linker as a static
# executable: every site passes.
. "$(dirname "$0")/lib.sh"
case_for riscv64 case-riscv64 "--size 96M --funcs 2048 --calls 12 --seed 7"
n=0
for l in $(linkers_for riscv64); do
	link_and_emu $l
	tail -n 1 "$EMU"
	[ "$FAILED" = 0 ] && [ "$SITES" -gt 20000 ] || { head -n 40 "$EMU"; die "$l: $FAILED of $SITES sites failed"; }
	n=$((n + 1))
done
[ $n -gt 0 ] || skip "no riscv64 linker is installed"
# Relaxation happened (bfd, lld 19 and mold relax; lld 14 does not) and every
# relaxed site was executed like the others.
for l in bfd lld-19 mold; do
	have_linker $l riscv64 || continue
	r=$(sed -n 's/.*: calls: .*; \([0-9]*\) relaxed.*/\1/p' "$CASE/$l.emu")
	[ "${r:-0}" -gt 0 ] || die "$l relaxed nothing"
done
# Without R_RISCV_RELAX nothing is relaxed, and everything still passes.
case_for riscv64 case-riscv64-norelax "--size 96M --funcs 2048 --calls 12 --seed 7 --no-relax"
for l in $(linkers_for riscv64); do
	link_and_emu $l
	tail -n 1 "$EMU"
	[ "$FAILED" = 0 ] || die "$l (--no-relax): $FAILED sites failed"
	grep -q ': calls: .*; 0 relaxed$' "$EMU" && grep -q ': data: .*; 0 address sequences relaxed' "$EMU" || die "$l relaxed a case without R_RISCV_RELAX"
done
