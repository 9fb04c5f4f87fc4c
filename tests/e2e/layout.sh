# Segments and sections must agree: every linker's output passes; a section
# header moved on purpose, a note of the program headers made inconsistent,
# and farcall names the section and the segment.
. "$(dirname "$0")/lib.sh"
case_for arm64 case-arm64-layout "--size 16M --funcs 256 --calls 4 --seed 3 --forms bl,b,adrp+add,abs64"
n=0
for l in $(linkers_for arm64); do
	"$FARCALL" link --linker $l "$CASE" >/dev/null || die "$l failed to link"
	"$FARCALL" verify "$CASE" "$CASE/$l/out" | grep -q "layout: 0 findings" || die "$l: layout findings"
	n=$((n + 1))
done
[ $n -gt 0 ] || skip "no arm64 linker is installed"
l=$(linkers_for arm64 | head -n 1)
bad="$FC_TMP/layout.out"
cp "$CASE/$l/out" "$bad"
# .text's sh_offset, 4 bytes further: the section is no longer where its
# segment loads it.
shoff=$(aarch64-linux-gnu-readelf -hW "$bad" | sed -n 's/.*Start of section headers: *\([0-9]*\).*/\1/p')
idx=$(aarch64-linux-gnu-readelf -SW "$bad" | sed -n 's/.*\[ *\([0-9]*\)\] \.text .*/\1/p')
at=$((shoff + idx * 64 + 24))
cur=$(od -An -tu8 -j $at -N 8 "$bad" | tr -d ' ')
new=$((cur + 4))
# perl-base is Essential in Debian; pack writes the little-endian quadword.
perl -e 'print pack("Q<", $ARGV[0])' $new | dd of="$bad" bs=1 seek=$at conv=notrunc 2>/dev/null
st=0
"$FARCALL" verify "$CASE" "$bad" >"$bad.txt" 2>&1 || st=$?
grep "section .text" "$bad.txt" || { cat "$bad.txt"; die "the moved .text is not named"; }
[ $st -eq 1 ] || die "verify exited $st"
st=0
"$FARCALL" check "$bad" >"$bad.check" 2>&1 || st=$?
grep -q "section .text at 0x[0-9a-f]* (file 0x[0-9a-f]*) is not where its segment loads it" "$bad.check" ||
	die "check does not name the moved .text"
[ $st -eq 1 ] || die "check exited $st"
