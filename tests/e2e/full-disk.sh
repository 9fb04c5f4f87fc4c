# A full disk: gen, link and run say so and leave nothing that looks
# complete (a small tmpfs stands for the full disk).
. "$(dirname "$0")/lib.sh"
D="$FC_TMP/fulldisk"
mkdir -p "$D"
mount -t tmpfs -o size=2M tmpfs "$D" 2>/dev/null || skip "cannot mount a small tmpfs here (not root?)"
trap 'umount "$D" 2>/dev/null || true' EXIT
st=0
"$FARCALL" gen --size 320M --funcs 8000 -o "$D/case" 2>"$D/../fd.err" || st=$?
cat "$D/../fd.err"
[ $st -eq 2 ] || die "gen on a full disk exited $st, expected 2"
grep -q "No space left on device" "$D/../fd.err" || die "gen does not say the disk is full"
[ -z "$(ls -A "$D")" ] || { ls -la "$D"; die "gen left files on the full disk"; }
# The linker's output cannot be written: a recorded failure of the link.
need_linker lld-19
shared_case
st=0
"$FARCALL" link --linker lld-19 -o "$D/out" "$CASE" >"$D/../fd.out" 2>&1 || st=$?
cat "$D/../fd.out"
[ $st -eq 1 ] || die "a link onto a full disk exited $st, expected 1"
[ ! -e "$D/out" ] || die "a failed link left an output"
# A report cannot be written: exit 2, no report directory.
dd if=/dev/zero of="$D/fill" bs=4K 2>/dev/null || true
st=0
"$FARCALL" run --linker lld-19 --size 200M --funcs 1500 --work "$FC_TMP/fd-work" --report "$D/rep" >"$D/../fd.run" 2>&1 || st=$?
cat "$D/../fd.run"
[ $st -eq 2 ] || die "run with a full report disk exited $st, expected 2"
grep -q "No space left on device" "$D/../fd.run" || die "run does not say the disk is full"
[ ! -e "$D/rep" ] || die "a half-written report was left"
ls "$D" | grep -q tmp && die "a temporary report directory was left"
exit 0
