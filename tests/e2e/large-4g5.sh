# Several GiB: a 4.5 GiB arm64 .text (beyond ADRP's +-4 GiB, so thunks must
# use absolute addresses) is generated in well under a second as a sparse
# file, linked, and every call site executed from a zero-copy mapping of the
# 4.5 GiB output.
. "$(dirname "$0")/lib.sh"
L=""
for l in bfd lld-19; do
	"$FARCALL" linkers --arch arm64 | awk -v n=$l '$1 == n { f = 1 } END { exit !f }' && { L=$l; break; }
done
[ -n "$L" ] || skip "neither bfd nor lld-19 is installed"
free_kb=$(df -Pk "$FC_TMP" | awk 'NR == 2 { print $4 }')
[ "$free_kb" -gt 12000000 ] || skip "needs 12 GB free in $FC_TMP, has $((free_kb / 1048576)) GB"
C="$FC_TMP/large"
"$FARCALL" gen --size 4608M --funcs 4096 --calls 8 --seed 5 --forms bl,b,adrp+add,adrp+ldr.got,abs64,prel64 -o "$C"
"$FARCALL" link --linker $L "$C"
"$FARCALL" emu "$C" "$C/$L/out" | tee "$C/emu.txt"
far=$(awk '$1 == "s" && $7 == "far"' "$C/manifest.txt" | wc -l)
grep -q ' 0 failed (' "$C/emu.txt" || die "sites failed"
thunked=$(sed -n 's/.* direct, \([0-9]*\) through .*/\1/p' "$C/emu.txt")
[ "$thunked" -ge "$far" ] || die "$thunked sites through thunks, $far predicted far"
rm -rf "$C"
