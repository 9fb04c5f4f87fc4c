# The default matrix, as make run runs it (smaller): three arches x every
# installed linker, Go's toolchain included with a Go case per arch. The
# linkers with no known bug in these cases (GNU ld, every lld, go) pass on
# every arch; gold and mold fail only as the corpus's known-failures list
# says they do (gold's LD_PREL_LO19, mold's TSTBR14 and RISC-V st_size);
# nothing is an error of farcall's.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq is not installed (Debian package jq)"
T="$FC_TMP/default"
mkdir -p "$T"
st=0
"$FARCALL" run --arch arm64,riscv64,amd64 --size 16M --funcs 256 -j 2 --work "$T/work" \
	--report "$T/rep" >"$T/run.txt" 2>&1 || st=$?
cat "$T/run.txt"
[ $st -le 1 ] || die "the run exited $st"
J="$T/rep/results.json"
jq -e 'all(.cases[]; .verdict != "error")' "$J" >/dev/null || die "an error verdict"
jq -e 'all(.cases[] | select(.linker == "bfd" or (.linker | startswith("lld")) or .linker == "go");
	.verdict == "pass")' "$J" >/dev/null ||
	{ jq -c '.cases[] | select(.verdict != "pass") | [.arch, .linker, .reason]' "$J"; die "a correct linker failed"; }
for a in arm64 riscv64 amd64; do
	for l in $(linkers_for $a) $(command -v go >/dev/null && echo go); do
		jq -e --arg a $a --arg l $l '[.cases[] | select(.arch == $a and .linker == $l)] | length == 1' \
			"$J" >/dev/null || die "$a: no row for $l"
	done
done
if command -v go >/dev/null; then
	jq -e '[.cases[] | select(.linker == "go" and .mode == "go" and .checks.calls.checked > 0)] | length == 3' \
		"$J" >/dev/null || die "not one checked Go case per arch"
	jq -e '[.cases[] | select(.linker == "go" and .arch != "amd64" and .checks.calls.thunks > 0)] | length == 2' \
		"$J" >/dev/null || die "Go's trampolines not exercised on arm64 and riscv64"
fi
# gold and mold: only their known bugs.
jq -r '.cases[] | select(.verdict == "fail") | "\(.arch) \(.linker) \(.reason)"' "$J" >"$T/fails"
while read -r a l why; do
	case "$a $l $why" in
	"arm64 gold data: "*) ;;
	"arm64 mold "*R_AARCH64_TSTBR14*) ;;
	"riscv64 mold lines: "*) ;;
	*) die "an unknown failure: $a $l $why" ;;
	esac
done <"$T/fails"
echo "default matrix: $(jq '.cases | length' "$J") rows, $(wc -l <"$T/fails") known failures"
