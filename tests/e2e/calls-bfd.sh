# Every call site of a 256 MiB arm64 case, linked by bfd, executed through
# whatever thunk bfd made: all pass, and half of them went through thunks.
. "$(dirname "$0")/lib.sh"
need_linker bfd
linked bfd
"$FARCALL" emu "$CASE" "$OUT" >"$FC_TMP/calls-bfd.txt" || { cat "$FC_TMP/calls-bfd.txt"; die "emu failed on bfd's output"; }
cat "$FC_TMP/calls-bfd.txt"
sites=$(awk '$1 == "sites" { print $2 }' "$CASE/manifest.txt")
grep -q ": $sites sites, 0 failed (" "$FC_TMP/calls-bfd.txt" || die "not every site was checked"
thunked=$(sed -n 's/.* direct, \([0-9]*\) through .*/\1/p' "$FC_TMP/calls-bfd.txt")
[ "$thunked" -gt $((sites / 4)) ] || die "only $thunked sites went through thunks: the case does not force thunks"
