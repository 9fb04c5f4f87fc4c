# farcall run writes index.html for a person: headless Chromium opens it,
# and the page it builds has the matrix, the failing linker's reason and
# link command, the failure messages and (when a case failed at run time)
# the executed paths. A screenshot shows that it renders.
. "$(dirname "$0")/lib.sh"
CHROME=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROME" ] || skip "chromium is not installed (Debian package chromium)"
command -v jq >/dev/null 2>&1 || skip "jq is not installed (Debian package jq)"
need_linker lld-19
need_linker mold
# gold on arm64 encodes LDR literal wrong (a run-time failure, with paths
# to show); the test does without when gold is absent.
linkers=lld-19,mold
have_linker gold && linkers=$linkers,gold
R="$FC_TMP/rep-html"
st=0
"$FARCALL" run --arch arm64 --linker "$linkers" --size 64M --funcs 512 --report "$R" \
	--work "$FC_TMP/w" >"$FC_TMP/rep-html.out" 2>&1 || st=$?
cat "$FC_TMP/rep-html.out"
[ $st -le 1 ] || die "run exited $st"
H="$R/index.html" JS="$R/results.json"
[ -s "$H" ] || die "the report has no index.html"
jq -e '.cases[] | select(.linker == "mold") | .verdict == "fail"' "$JS" >/dev/null ||
	skip "mold linked the case (a mold that knows R_AARCH64_TSTBR14): no failure to show"

# Static and self-contained: no script, nothing fetched.
grep -qi '<script' "$H" && die "index.html has a script"
grep -Eqi '(src|href)="(https?:)?//' "$H" && die "index.html refers to something outside itself"
grep -qi '<meta charset="utf-8">' "$H" || die "index.html does not declare UTF-8"

PROFILE=$(mktemp -d "$FC_TMP/chromium.XXXXXX")
chrome() {
	timeout 180 "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$PROFILE" "$@" 2>>"$FC_TMP/chromium.log"
}
DOM="$FC_TMP/rep-html.dom"
chrome --dump-dom "file://$H" >"$DOM" || { tail -n 20 "$FC_TMP/chromium.log"; die "chromium could not open index.html"; }
[ -s "$DOM" ] || die "chromium's DOM of index.html is empty"
# Text as the DOM serializer writes it.
html() { printf '%s' "$1" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g'; }
on_page() { grep -qF -- "$(html "$1")" "$DOM" || die "not on the page: $2: $1"; }

grep -q '<table class="matrix">' "$DOM" || die "no matrix"
grep -q '<td class="pass">' "$DOM" || die "no passing (green) cell in the matrix"
grep -q '<td class="fail">' "$DOM" || die "no failing (red) cell in the matrix"
on_page "$(jq -r .command "$JS")" "the command line"

# Each failing case: a section the matrix links to, its reason, its link
# command, its first failure message, and the first line of its executed
# paths when it has any.
paths=0
n=$(jq '.cases | length' "$JS")
i=0
while [ $i -lt $n ]; do
	c=".cases[$i]"
	verdict=$(jq -r "$c.verdict" "$JS")
	linker=$(jq -r "$c.linker" "$JS")
	case $verdict in fail | error) ;; *) i=$((i + 1)); continue ;; esac
	grep -q "id=\"case-$i\"" "$DOM" || die "$linker: no section for the failing case"
	grep -q "href=\"#case-$i\"" "$DOM" || die "$linker: the matrix does not link to its section"
	on_page "$(jq -r "$c.reason" "$JS")" "$linker's reason"
	cmd=$(jq -r "$c.link.command // empty" "$JS")
	[ -z "$cmd" ] || on_page "$cmd" "$linker's link command"
	msg=$(jq -r "$c.checks.calls.failures[0].message // empty" "$JS")
	[ -z "$msg" ] || on_page "$msg" "$linker's first failure message"
	emu="$(jq -r "$c.case" "$JS")/$linker/emu.txt"
	if [ -f "$emu" ]; then
		# A disassembled instruction of the first failing site's path.
		line=$(grep -m 1 -E '^    [^ ]+\+0x[0-9a-f]+: [a-z]' "$emu" || true)
		if [ -n "$line" ]; then
			on_page "$line" "$linker's executed path"
			paths=$((paths + 1))
		fi
	fi
	i=$((i + 1))
done
grep -q 'R_AARCH64_TSTBR14' "$DOM" || die "mold's unknown relocation is not on the page"
echo "failing cases with executed paths on the page: $paths"

PNG="$FC_TMP/report-html.png"
rm -f "$PNG"
chrome --screenshot="$PNG" --window-size=1400,900 "file://$H" >/dev/null ||
	{ tail -n 20 "$FC_TMP/chromium.log"; die "chromium could not take a screenshot"; }
[ -s "$PNG" ] || die "the screenshot is empty"
[ "$(head -c 4 "$PNG" | od -An -tx1 | tr -d ' \n')" = 89504e47 ] || die "the screenshot is not a PNG"
# A blank 1400x900 page compresses to a few KiB; text and coloured cells do not.
size=$(wc -c <"$PNG")
[ "$size" -gt 12000 ] || die "the screenshot is $size bytes: a blank page?"
echo "screenshot: $PNG ($size bytes)"
exit 0
