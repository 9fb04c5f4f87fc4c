# What gen encodes is what GNU objdump decodes: the prologue, a BL with its
# R_AARCH64_CALL26 against the callee the manifest names, the epilogue; and
# in a linked output, a near site is a direct "bl <callee>".
. "$(dirname "$0")/lib.sh"
need_linker lld-19
T="$FC_TMP/objdump"
"$FARCALL" gen --size 1M --funcs 8 --calls 2 --far 0 --tail 0 --forms bl --seed 3 -o "$T" >/dev/null
aarch64-linux-gnu-objdump -dr "$T/obj0000.o" >"$T/dis.txt"
# fn_1's first site, as the manifest has it.
set -- $(awk '$1 == "s" && $2 == "f1" { print $3, substr($5, 2); exit }' "$T/manifest.txt")
off=$(printf '%x' "$1") callee="fn_$2"
[ "$2" = 0 ] && callee=_start
awk '/<fn_1>:/ { on = 1; next } /^$/ { on = 0 } on' "$T/dis.txt" >"$T/fn1.txt"
cat "$T/fn1.txt"
grep -q '^ *0:.*stp	x29, x30, \[sp, #-16\]!' "$T/fn1.txt" || die "no stp x29, x30, [sp, #-16]! at fn_1+0"
grep -q '^ *4:.*mov	x29, sp' "$T/fn1.txt" || die "no mov x29, sp at fn_1+4"
grep -q "^ *$off:.*	bl	" "$T/fn1.txt" || die "no bl at fn_1+0x$off"
grep -q "$off: R_AARCH64_CALL26	$callee\$" "$T/fn1.txt" || die "no R_AARCH64_CALL26 $callee at fn_1+0x$off"
grep -q 'ldp	x29, x30, \[sp\], #16' "$T/fn1.txt" || die "no ldp x29, x30, [sp], #16"
grep -q 'ret' "$T/fn1.txt" || die "no ret"
"$FARCALL" link --linker lld-19 "$T" >/dev/null
aarch64-linux-gnu-objdump -d "$T/lld-19/out" >"$T/out.txt"
awk '/<fn_1>:/ { on = 1; next } /^$/ { on = 0 } on' "$T/out.txt" >"$T/out1.txt"
cat "$T/out1.txt"
grep -q "	bl	[0-9a-f]* <$callee>" "$T/out1.txt" || die "the linked site is not bl <$callee>"
exit 0
