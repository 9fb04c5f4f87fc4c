# A check that cannot fail is a defect: break one thunk of each linker's
# output on purpose (thunk-target, see tests/tools/fc-patch.c) and require that
# farcall emu fails exactly the sites that go through it, for that reason.
. "$(dirname "$0")/lib.sh"
n=0
for l in $("$FARCALL" linkers --arch arm64 | awk '{print $1}'); do
	linked $l
	bad="$FC_TMP/thunk-target-$l.out"
	cp "$OUT" "$bad"
	"$FC_PATCH" thunk-target "$CASE" "$bad" >"$bad.expect" || die "fc-patch failed on $l"
	st=0
	"$FARCALL" emu "$CASE" "$bad" >"$bad.emu" || st=$?
	cat "$bad.emu"
	[ $st -eq 1 ] || die "$l: emu exited $st on a broken thunk, expected 1"
	grep -v '^reason: ' "$bad.expect" | sort -u >"$bad.want"
	failing_sites "$bad" "$bad.emu" >"$bad.got"
	diff "$bad.want" "$bad.got" || die "$l: failing sites differ from the sites through the broken thunk"
	reason=$(sed -n 's/^reason: //p' "$bad.expect")
	grep -qF "$reason" "$bad.emu" || die "$l: no failure says '$reason'"
	n=$((n + 1))
	rm -f "$bad"
done
[ $n -gt 0 ] || skip "no arm64 linker is installed"
