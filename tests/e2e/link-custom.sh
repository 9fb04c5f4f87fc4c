# A linker given as a command template (--linker 'custom:...'): linked
# with the flags bfd would get, named custom-<hash>, its template in the
# recorded command; a malformed template is a usage error naming it; and
# farcall run takes one too.
. "$(dirname "$0")/lib.sh"
LD=aarch64-linux-gnu-ld.bfd
command -v "$LD" >/dev/null || skip "$LD is not installed"
command -v jq >/dev/null || skip "jq is not installed"
TMPL="custom:$LD -o {out} {flags} {objs}"

case_for arm64 case-custom "--size 16M --funcs 256 --calls 4 --seed 3 --forms bl,b"
"$FARCALL" link --linker "$TMPL" "$CASE" >"$FC_TMP/custom.link" 2>&1 ||
	{ cat "$FC_TMP/custom.link"; die "the custom linker failed to link"; }
cat "$FC_TMP/custom.link"
name=$(sed -n 's/.*: linked with \(custom-[0-9a-f]\{6\}\) (GNU ld .*/\1/p' "$FC_TMP/custom.link")
[ -n "$name" ] || die "link did not say 'linked with custom-<hash> (GNU ld ...)'"
OUT="$CASE/$name/out"
[ -f "$OUT" ] || die "no output at $OUT"
cmd=$(cat "$CASE/$name/cmd.txt")
echo "$cmd"
# {flags} became bfd's flags for a static executable, {objs} the objects,
# {out} the output; the template itself rides along as a comment.
case "$cmd" in
*"/$LD -o $OUT -static -e _start obj0000.o # $TMPL") ;;
*) die "cmd.txt is not the expanded template followed by it: $cmd" ;;
esac
[ "$(jq -r .template "$CASE/$name/link.json")" = "${TMPL#custom:}" ] || die "link.json has no template"
"$FARCALL" emu "$CASE" "$OUT" >"$FC_TMP/custom.emu" || { cat "$FC_TMP/custom.emu"; die "emu failed on the custom linker's output"; }
set -- $(emu_counts "$FC_TMP/custom.emu")
[ "${1:-0}" -gt 0 ] && [ "${2:-1}" -eq 0 ] || die "emu: ${1:-?} sites, ${2:-?} failed"

# The same template spelt with other blanks is the same linker.
"$FARCALL" link --linker "custom:$LD  -o {out}	{flags} {objs}" "$CASE" | grep -q "linked with $name " ||
	die "respacing the template changed its name"

# Malformed templates: exit 2, one line naming the template.
bad() {
	st=0
	"$FARCALL" link --linker "$1" "$CASE" >"$FC_TMP/custom.bad" 2>&1 || st=$?
	cat "$FC_TMP/custom.bad"
	[ $st -eq 2 ] || die "'$1': exit $st, expected 2"
	[ "$(wc -l <"$FC_TMP/custom.bad")" -eq 1 ] || die "'$1': not a one-line message"
	grep -qF "'$1'" "$FC_TMP/custom.bad" || die "'$1': the message does not name the template"
	grep -qF "$2" "$FC_TMP/custom.bad" || die "'$1': the message does not say '$2'"
}
bad "custom:$LD {flags} {objs}" "no {out}"
bad "custom:$LD -o {out} {flags}" "no {objs}"
bad "custom:$LD -o {out} {foo} {objs}" "unknown placeholder {foo}"
bad "custom:$LD -o {out} -L{objs}" "{objs} must be a word of its own"
bad "custom:/nonexistent/ld -o {out} {objs}" "not an executable file"

# farcall run with the same template: results.json names it.
st=0
"$FARCALL" run --arch arm64 --size 16M --funcs 256 --linker "$TMPL" \
	--work "$FC_TMP/custom-work" --report "$FC_TMP/custom-report" >"$FC_TMP/custom.run" 2>&1 || st=$?
cat "$FC_TMP/custom.run"
[ $st -eq 0 ] || die "run with the custom linker exited $st"
J="$FC_TMP/custom-report/results.json"
[ "$(jq -r '.cases | length' "$J")" -eq 1 ] || die "results.json: not one case"
[ "$(jq -r '.cases[0].linker' "$J")" = "$name" ] || die "results.json: linker is not $name"
[ "$(jq -r '.cases[0].linker_path' "$J")" = "$TMPL" ] || die "results.json: linker_path is not the template"
jq -r '.cases[0].linker_version' "$J" | grep -q '^GNU ld' || die "results.json: no GNU ld version"
jq -r '.cases[0].link.command' "$J" | grep -qF " -static -e _start obj0000.o # $TMPL" ||
	die "results.json: the link command is not the expanded template"
[ "$(jq -r '.cases[0].verdict' "$J")" = pass ] || die "results.json: the case did not pass"
