# farcall run's matrix: --size and --seed lists give arch x size x seed
# cases, each named by its inputs; two corpus scenarios that differ only in
# link flags share one case, and with -j 2 their links of it (which write
# the same CASE/LINKER/) still both complete and pass.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq is not installed (Debian package jq)"
have_linker lld-19 arm64 || skip "lld-19 is not installed"
T="$FC_TMP/matrix"
mkdir -p "$T"
st=0
"$FARCALL" run --arch arm64,riscv64 --size 16M,24M --seed 1,2 --funcs 256 --calls 4 --linker lld-19 \
	-j 2 --work "$T/work" --report "$T/r1" >"$T/r1.txt" 2>&1 || st=$?
[ $st -eq 0 ] || { cat "$T/r1.txt"; die "the matrix exited $st"; }
jq -e '(.cases | length) == 8 and ([.cases[] | [.arch, .size, .seed]] | unique | length) == 8 and
	([.cases[].case] | unique | length) == 8 and all(.cases[]; .verdict == "pass")' \
	"$T/r1/results.json" >/dev/null || { jq -c '.cases[] | [.arch, .size, .seed, .verdict]' "$T/r1/results.json"; die "not 2 x 2 x 2 distinct passing cases"; }
grep -q "^riscv64 *exe *24 MiB *2 lld-19 *pass" "$T/r1.txt" || die "the table does not show size and seed"

C="$T/corpus"
mkdir -p "$C"
for n in a b; do
	flag="-z noexecstack"
	[ $n = b ] && flag="-z execstack"
	printf 'arch: arm64\ngen: --size 160M --funcs 512 --calls 4 --forms bl,b\nlink: %s\nexpect: pass\n' "$flag" >"$C/same-$n.scn"
done
st=0
"$FARCALL" run --corpus "$C" --linker lld-19 -j 2 --work "$T/work" --report "$T/r2" >"$T/r2.txt" 2>&1 || st=$?
[ $st -eq 0 ] || { cat "$T/r2.txt"; die "two scenarios on one case exited $st"; }
jq -e '(.cases | length) == 2 and ([.cases[].case] | unique | length) == 1 and
	all(.cases[]; .verdict == "pass" and .checks.calls.checked > 0) and
	([.cases[].link.command] | map(test("noexecstack")) == [true, false])' "$T/r2/results.json" >/dev/null ||
	{ jq -c '.cases[] | [.scenario, .case, .verdict, .link.command]' "$T/r2/results.json"; die "the shared case was not linked twice in order"; }
echo "matrix: 8 distinct cases; a shared case linked by two scenarios in turn"
