# Every call site of a 256 MiB arm64 case, linked by mold, executed through
# whatever thunk mold made: all pass, and half of them went through thunks.
. "$(dirname "$0")/lib.sh"
need_linker mold
linked mold
"$FARCALL" emu "$CASE" "$OUT" >"$FC_TMP/calls-mold.txt" || { cat "$FC_TMP/calls-mold.txt"; die "emu failed on mold's output"; }
cat "$FC_TMP/calls-mold.txt"
sites=$(awk '$1 == "sites" { print $2 }' "$CASE/manifest.txt")
grep -q ": $sites sites, 0 failed (" "$FC_TMP/calls-mold.txt" || die "not every site was checked"
thunked=$(sed -n 's/.* direct, \([0-9]*\) through .*/\1/p' "$FC_TMP/calls-mold.txt")
[ "$thunked" -gt $((sites / 4)) ] || die "only $thunked sites went through thunks: the case does not force thunks"
