# Malformed debug info in an output (a linker may break it): a finding for
# the unit or function, never a crash; no debug info at all: said so.
. "$(dirname "$0")/lib.sh"
need_linker lld-19
case_for arm64 case-arm64-baddebug "--size 8M --funcs 128 --calls 4 --seed 5 --forms bl,b,adrp+add,abs64"
"$FARCALL" link --linker lld-19 "$CASE" >/dev/null
OUT="$CASE/lld-19/out"
secoff() { # offset of section $2 in $1
	aarch64-linux-gnu-readelf -SW "$1" | sed -n "s/.*\] $2 *[A-Z_]* *[0-9a-f]* \([0-9a-f]*\) .*/\1/p"
}
# A line table of an unknown version.
cp "$OUT" "$FC_TMP/badline"
o=$(secoff "$FC_TMP/badline" .debug_line)
printf '\143\000' | dd of="$FC_TMP/badline" bs=1 seek=$((0x$o + 4)) conv=notrunc 2>/dev/null
st=0
"$FARCALL" verify "$CASE" "$FC_TMP/badline" >"$FC_TMP/badline.txt" 2>&1 || st=$?
cat "$FC_TMP/badline.txt" | tail -n 4
[ $st -eq 1 ] || die "verify exited $st on a broken line table"
grep -q "line table unreadable" "$FC_TMP/badline.txt" || die "the broken line table is not named"
st=0
"$FARCALL" check "$FC_TMP/badline" >"$FC_TMP/badline.check" 2>&1 || st=$?
[ $st -eq 1 ] || die "check exited $st on a broken line table"
# CFI overwritten with noise.
cp "$OUT" "$FC_TMP/badcfi"
o=$(secoff "$FC_TMP/badcfi" .eh_frame)
head -c 64 /dev/zero | tr '\0' '\377' | dd of="$FC_TMP/badcfi" bs=1 seek=$((0x$o + 8)) conv=notrunc 2>/dev/null
st=0
"$FARCALL" verify "$CASE" "$FC_TMP/badcfi" >"$FC_TMP/badcfi.txt" 2>&1 || st=$?
tail -n 3 "$FC_TMP/badcfi.txt"
[ $st -eq 1 ] || die "verify exited $st on broken CFI"
grep -q "no FDE covers it\|cannot read the CFI" "$FC_TMP/badcfi.txt" || die "the broken CFI is not named"
"$FARCALL" check "$FC_TMP/badcfi" >/dev/null 2>&1 || [ $? -le 1 ] || die "check crashed on broken CFI"
# No debug info at all.
"$FARCALL" gen --size 8M --funcs 128 --calls 4 --dwarf none --cfi none -o "$FC_TMP/nodebug" >/dev/null
"$FARCALL" link --linker lld-19 "$FC_TMP/nodebug" >/dev/null
"$FARCALL" check "$FC_TMP/nodebug/lld-19/out" | grep -q "lines: not checked: no debug info" || die "no debug info is not said"
"$FARCALL" verify "$FC_TMP/nodebug" "$FC_TMP/nodebug/lld-19/out" | grep -q "lines: does not apply: the case has no DWARF" || die "verify of a case without debug info"
exit 0
