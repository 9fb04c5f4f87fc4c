# The same arguments and seed give byte-identical objects and manifest; a
# different seed gives a different program; padding costs no disk.
. "$(dirname "$0")/lib.sh"
T="$FC_TMP/determinism"
mkdir -p "$T"
"$FARCALL" gen --size 300M --funcs 3000 --objs 3 --seed 9 -o "$T/a" >/dev/null
"$FARCALL" gen --size 300M --funcs 3000 --objs 3 --seed 9 -o "$T/b" >/dev/null
"$FARCALL" gen --size 300M --funcs 3000 --objs 3 --seed 10 -o "$T/c" >/dev/null
for f in manifest.txt obj0000.o obj0001.o obj0002.o; do
	cmp "$T/a/$f" "$T/b/$f" || die "$f differs between two runs with one seed"
done
cmp -s "$T/a/obj0001.o" "$T/c/obj0001.o" && die "seeds 9 and 10 gave the same object"
# Regenerating into an existing case replaces it whole.
"$FARCALL" gen --size 300M --funcs 3000 --objs 3 --seed 10 -o "$T/a" >/dev/null
cmp "$T/a/obj0001.o" "$T/c/obj0001.o" || die "gen -o over an old case did not replace it"
ls "$T" | grep -q tmp && die "gen left a temporary directory"
# 4 GiB of .text: a sparse file, well under 100 MiB on disk.
"$FARCALL" gen --size 4G --seed 1 -o "$T/big" | tee "$T/big.txt"
kib=$(du -sk "$T/big" | cut -f1)
apparent=$(du -sk --apparent-size "$T/big" | cut -f1)
echo "4 GiB case: $kib KiB on disk, $apparent KiB apparent"
[ "$kib" -lt 102400 ] || die "the 4 GiB case takes $kib KiB of disk"
[ "$apparent" -gt 4194304 ] || die "the 4 GiB case is only $apparent KiB"
# GNU readelf accepts every object.
for o in "$T"/big/*.o; do
	aarch64-linux-gnu-readelf -h -S "$o" >/dev/null 2>"$T/readelf.err" || die "readelf rejects $o"
	[ -s "$T/readelf.err" ] && { cat "$T/readelf.err"; die "readelf warns about $o"; }
done
exit 0
