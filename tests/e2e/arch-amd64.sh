# Every form farcall has for amd64 (calls, tail calls, branches, address
# sequences, data words), linked by every installed linker as a static
# executable: every site passes.
. "$(dirname "$0")/lib.sh"
case_for amd64 case-amd64 "--size 96M --funcs 2048 --calls 12 --seed 7"
n=0
for l in $(linkers_for amd64); do
	link_and_emu $l
	tail -n 1 "$EMU"
	[ "$FAILED" = 0 ] && [ "$SITES" -gt 20000 ] || { head -n 40 "$EMU"; die "$l: $FAILED of $SITES sites failed"; }
	n=$((n + 1))
done
[ $n -gt 0 ] || skip "no amd64 linker is installed"
