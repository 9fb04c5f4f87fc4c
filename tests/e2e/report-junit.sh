# farcall run writes junit.xml for CI: well-formed XML, one testsuite per
# arch, lld-19's checks pass, mold's link fails with the relocation it
# rejects (R_AARCH64_TSTBR14, mold 1.10) and skips the checks it stopped,
# and every count attribute agrees with the testcases and with results.json.
. "$(dirname "$0")/lib.sh"
command -v xmllint >/dev/null 2>&1 || skip "xmllint is not installed (Debian package libxml2-utils)"
command -v jq >/dev/null 2>&1 || skip "jq is not installed (Debian package jq)"
need_linker lld-19
need_linker mold
R="$FC_TMP/rep-junit"
st=0
"$FARCALL" run --arch arm64 --linker lld-19,mold --size 64M --funcs 512 --report "$R" \
	--work "$FC_TMP/w" >"$FC_TMP/rep-junit.out" 2>&1 || st=$?
cat "$FC_TMP/rep-junit.out"
[ $st -le 1 ] || die "run exited $st"
J="$R/junit.xml" JS="$R/results.json"
[ -s "$J" ] || die "the report has no junit.xml"
jq -e '.cases[] | select(.linker == "mold") | .verdict == "fail"' "$JS" >/dev/null ||
	skip "mold linked the case (a mold that knows R_AARCH64_TSTBR14): no link failure to report"

xmllint --noout "$J" || die "junit.xml is not well-formed XML"
# The value of an XPath expression (a number, a string or true/false).
xp() { xmllint --xpath "$1" "$J" 2>/dev/null || true; }
is() { [ "$(xp "$1")" = true ] || die "junit.xml: not so: $1${2:+ ($2)}"; }

is 'count(/testsuites) = 1 and count(/testsuites/testsuite) = 1' "one testsuite per arch"
is '/testsuites/testsuite/@name = "farcall.arm64"'
head -n 1 "$J" | grep -q '^<?xml version="1.0" encoding="UTF-8"?>' || die "junit.xml does not declare UTF-8"
iconv -f UTF-8 -t UTF-8 "$J" >/dev/null || die "junit.xml is not valid UTF-8"

# lld-19: link, calls and data ran and passed, and lines and cfi when
# results.json says those checks ran.
L='//testcase[@classname = "arm64.exe.lld-19"]'
for n in link calls data; do
	is "count($L[@name = \"$n\"]) = 1" "lld-19 has a '$n' testcase"
done
for n in lines cfi; do
	want=$(jq -r --arg n "$n" '[.cases[] | select(.linker == "lld-19") | .checks[$n] // empty] | length' "$JS")
	is "count($L[@name = \"$n\"]) = $want" "lld-19's '$n' testcase is there exactly when the check ran"
done
is "count($L[failure or error or skipped]) = 0" "every lld-19 testcase passes"
is "number($L[@name = \"link\"]/@time) > 0" "lld-19's link has a time"
is "number($L[@name = \"calls\"]/@time) > 0" "lld-19's calls has the emulation time"

# mold: the link fails, saying why; the checks it stopped are skipped.
M='//testcase[@classname = "arm64.exe.mold"]'
is "count($M[@name = \"link\"]/failure) = 1" "mold's link testcase fails"
is "contains($M[@name = \"link\"]/failure/@message, \"R_AARCH64_TSTBR14\")" \
	"mold's link failure names the relocation"
reason=$(jq -r '.cases[] | select(.linker == "mold") | .reason' "$JS")
[ "$(xp "string($M[@name = \"link\"]/failure/@message)")" = "$reason" ] ||
	die "mold's failure message is not the reason in results.json: $reason"
is "contains($M[@name = \"link\"]/failure, \"R_AARCH64_TSTBR14\")" "the failure's text has the message"
# Every check that ran on lld-19's output is a skipped testcase of mold's.
for n in $(jq -r '.cases[] | select(.linker == "lld-19") | .checks | to_entries[] |
		select(.value.state == "ran") | .key' "$JS"); do
	is "count($M[@name = \"$n\"]/skipped) = 1" "mold's $n is skipped (not run: the link failed)"
done

# The counts: each testcase has at most one outcome, and the attributes of
# testsuite and testsuites count them.
is 'count(//testcase[count(failure | error | skipped) > 1]) = 0' "one outcome per testcase"
is 'count(//testcase[not(@classname) or not(@name) or not(@time)]) = 0' "every testcase has classname, name and time"
S=/testsuites/testsuite
is "$S/@tests = count($S/testcase)" "testsuite tests"
is "$S/@failures = count($S/testcase/failure)" "testsuite failures"
is "$S/@errors = count($S/testcase/error)" "testsuite errors"
is "$S/@skipped = count($S/testcase/skipped)" "testsuite skipped"
is '/testsuites/@tests = count(//testcase)' "testsuites tests"
is '/testsuites/@failures = count(//testcase/failure)' "testsuites failures"
is '/testsuites/@errors = count(//testcase/error)' "testsuites errors"
is "$S/@failures = 1 and $S/@errors = 0 and $S/@skipped = count($M/skipped) and count($M/skipped) >= 2" \
	"1 failure (mold's link), the rest skipped (its checks)"
# Every case of results.json is there, failing exactly when its verdict does.
jq -r '.cases[] | "\(.arch).\(.mode).\(.linker) \(.verdict)"' "$JS" >"$FC_TMP/rep-junit.cases"
while read -r cls verdict; do
	C="//testcase[@classname = \"$cls\"]"
	is "count($C) > 0" "$cls has testcases"
	case $verdict in
	fail | error) is "count($C[failure or error]) > 0" "$cls ($verdict) has a failing testcase" ;;
	*) is "count($C[failure or error]) = 0" "$cls ($verdict) has no failing testcase" ;;
	esac
done <"$FC_TMP/rep-junit.cases"
echo "junit.xml: $(xp 'string(/testsuites/@tests)') testcases, $(xp 'string(/testsuites/@failures)') failures"
exit 0
