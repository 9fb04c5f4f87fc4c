# Branches no linker can fix (arm64 B.cond/CBZ/TBZ, RISC-V JAL and branches,
# beyond their reach): every linker must refuse with a diagnostic naming the
# relocation; `farcall run` counts that as a pass and a produced binary as a
# failure. A fake linker that "succeeds" shows the second half.
. "$(dirname "$0")/lib.sh"
T="$FC_TMP/unfixable"
mkdir -p "$T"
for a in arm64 riscv64; do
	st=0
	# arm64: no TBNZ, which mold 1.10 rejects for another reason (arm64-forms.sh).
	forms=""
	[ $a = arm64 ] && forms="--forms bl,b,b.ne,cbnz,adrp+add"
	"$FARCALL" run --arch $a $forms --size 64M --funcs 512 --unfixable 3 --work "$T/work" \
		--report "$T/rep-$a" >"$T/$a.txt" 2>&1 || st=$?
	cat "$T/$a.txt"
	[ $st -eq 0 ] || die "$a: a linker did not refuse the unfixable branches with a diagnostic"
	jq -e '[.cases[] | select(.verdict != "skip")] | length > 0 and
		all(.verdict == "pass" and .expect == "link-error" and (.reason | test("expected a link error")))' \
		"$T/rep-$a/results.json" >/dev/null || die "$a: results.json does not record expected link errors"
done
# A linker that links it anyway has failed, and the sites say where they went.
cat >"$T/ld-lenient" <<'FAKE'
#!/bin/sh
[ "$1" = --version ] && { echo "GNU ld (lenient) 2.40"; exit 0; }
exec aarch64-linux-gnu-ld.bfd --noinhibit-exec "$@" 2>/dev/null
FAKE
chmod +x "$T/ld-lenient"
have_linker bfd arm64 || exit 0
st=0
"$FARCALL" run --arch arm64 --forms bl,b,b.ne,cbnz,adrp+add --linker "$T/ld-lenient" --size 64M --funcs 512 --unfixable 3 \
	--work "$T/work" --report "$T/rep-lenient" >"$T/lenient.txt" 2>&1 || st=$?
cat "$T/lenient.txt"
[ $st -eq 1 ] || die "a linker that accepts unfixable branches was not a failure (exit $st)"
jq -e '.cases[0].verdict == "fail" and (.cases[0].reason | test("accepted sites no linker can fix"))' \
	"$T/rep-lenient/results.json" >/dev/null || die "the lenient linker's failure is not explained"

# A diagnostic that names the symbol out of reach with "overflow" counts
# (gold: "relocation overflow: reference to '_start'"); one that names
# nothing of the kind does not.
for kind in named unnamed; do
	cat >"$T/ld-$kind" <<FAKE
#!/bin/sh
[ "\$1" = --version ] && { echo "GNU ld (fake $kind) 2.40"; exit 0; }
t=\$(awk '\$1 == "s" && \$NF == "error" { print substr(\$5, 2); exit }' manifest.txt)
n=\$(awk -v t="\$t" '\$1 == "f" && \$2 == t { print \$3; exit }' manifest.txt)
if [ $kind = named ]; then echo "ld: obj0000.o: error: relocation overflow: reference to '\$n'" >&2
else echo "ld: error: cannot allocate memory" >&2; fi
exit 1
FAKE
	chmod +x "$T/ld-$kind"
	st=0
	"$FARCALL" run --arch arm64 --forms bl,b,b.ne,cbnz,adrp+add --linker "$T/ld-$kind" --size 64M --funcs 512 \
		--unfixable 3 --work "$T/work" --report "$T/rep-$kind" >"$T/$kind.txt" 2>&1 || st=$?
	cat "$T/$kind.txt"
	want=pass
	[ $kind = unnamed ] && want=fail
	jq -e --arg v $want '.cases[0].verdict == $v' "$T/rep-$kind/results.json" >/dev/null ||
		die "a linker whose diagnostic is $kind: not $want"
done
