# A direct call that lands inside its callee, 4 or so bytes past the entry
# (tests/tools/fc-patch into), on amd64, riscv64 and arm64. emu has the
# manifest and catches it by the callee's address; `farcall check` has no
# manifest and must catch it by the rule that a direct call arrives at a
# function entry. Both must name exactly that call site and where it went.
. "$(dirname "$0")/lib.sh"
n=0
for a in amd64 riscv64 arm64; do
	for l in lld-19 bfd; do
		have_linker $l $a && break
	done
	have_linker $l $a || continue
	C="$FC_TMP/into-$a"
	"$FARCALL" gen --arch $a --size 8M --funcs 256 --calls 6 --seed 3 -o "$C" >/dev/null
	"$FARCALL" link --linker $l "$C" >/dev/null || die "$a: $l cannot link"
	bad="$C/$l/bad"
	cp "$C/$l/out" "$bad"
	"$FC_PATCH" into "$C" "$bad" >"$bad.expect" || die "$a: fc-patch into failed"
	site=$(sed -n '1p' "$bad.expect")
	reason=$(sed -n 's/^reason: //p' "$bad.expect")
	# The unpatched output passes check: no call lands inside a function.
	"$FARCALL" check "$C/$l/out" >"$C.ok" 2>&1 || { cat "$C.ok"; die "$a: check fails the good output"; }
	for cmd in emu check; do
		st=0
		if [ $cmd = emu ]; then
			"$FARCALL" emu "$C" "$bad" >"$bad.$cmd" 2>&1 || st=$?
		else
			"$FARCALL" check "$bad" >"$bad.$cmd" 2>&1 || st=$?
		fi
		[ $st -eq 1 ] || { cat "$bad.$cmd"; die "$a $cmd exited $st, expected 1"; }
		got=$(sed -n "s|^$bad: \([^ :]*+0x[0-9a-f]*\): .*|\1|p" "$bad.$cmd" | sort -u)
		[ "$got" = "$site" ] || { cat "$bad.$cmd"; die "$a $cmd: failing sites '$got', expected '$site'"; }
		grep "^$bad: $site: " "$bad.$cmd" | grep -qF "$reason" ||
			{ cat "$bad.$cmd"; die "$a $cmd: the failure does not say '$reason'"; }
	done
	echo "$a ($l): $site: $reason: named by emu and check"
	n=$((n + 1))
done
[ $n -gt 0 ] || skip "no linker for amd64, riscv64 or arm64"
