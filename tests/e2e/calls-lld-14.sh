# Every call site of a 256 MiB arm64 case, linked by lld-14, executed through
# whatever thunk lld-14 made: all pass, and half of them went through thunks.
. "$(dirname "$0")/lib.sh"
need_linker lld-14
linked lld-14
"$FARCALL" emu "$CASE" "$OUT" >"$FC_TMP/calls-lld-14.txt" || { cat "$FC_TMP/calls-lld-14.txt"; die "emu failed on lld-14's output"; }
cat "$FC_TMP/calls-lld-14.txt"
sites=$(awk '$1 == "sites" { print $2 }' "$CASE/manifest.txt")
grep -q ": $sites sites, 0 failed (" "$FC_TMP/calls-lld-14.txt" || die "not every site was checked"
thunked=$(sed -n 's/.* direct, \([0-9]*\) through .*/\1/p' "$FC_TMP/calls-lld-14.txt")
[ "$thunked" -gt $((sites / 4)) ] || die "only $thunked sites went through thunks: the case does not force thunks"
