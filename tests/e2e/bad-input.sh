# Bad input gets a one-line error naming the file, exit 2, and leaves
# nothing half-written behind.
. "$(dirname "$0")/lib.sh"
shared_case
T="$FC_TMP/bad-input"
mkdir -p "$T"

# expect STATUS PATTERN -- command...: exit status and a message on stderr.
expect() {
	want=$1 pat=$2
	shift 3
	st=0
	"$@" >"$T/out" 2>"$T/err" || st=$?
	[ $st -eq "$want" ] || { cat "$T/out" "$T/err"; die "'$*' exited $st, expected $want"; }
	grep -q -- "$pat" "$T/err" "$T/out" || { cat "$T/err"; die "'$*' does not say '$pat'"; }
}

expect 2 "unrecognized option" -- "$FARCALL" gen --frobnicate -o "$T/x"
expect 2 "unknown arch 'sparc'" -- "$FARCALL" gen --arch sparc -o "$T/x"
expect 2 "unknown command" -- "$FARCALL" frob
expect 2 "too small" -- "$FARCALL" gen --size 4K -o "$T/small"
[ ! -e "$T/small" ] || die "a failed gen left $T/small behind"
ls "$T" | grep -q tmp && die "a failed gen left a temporary directory"
expect 2 "cannot create" -- "$FARCALL" gen --size 1M --funcs 4 -o /proc/farcall-case
# Numbers and durations are checked, not read as far as they go.
expect 2 "not '10x'" -- "$FARCALL" run --timeout 10x
expect 2 "not '-3'" -- "$FARCALL" link --linker bfd --timeout -3 "$CASE"
expect 2 "not '4x'" -- "$FARCALL" verify -j 4x "$CASE" /bin/true
expect 2 "not a number: 'lots'" -- "$FARCALL" emu --max-report lots "$CASE" /bin/true
expect 2 "not a number: 'lots'" -- "$FARCALL" check --max-report lots /bin/true
# A Go case's manifest, broken.
mkdir -p "$T/go-bad"
printf '{"farcall_go_manifest":1,"arch":"arm64"' >"$T/go-bad/go-manifest.json"
expect 2 "go-manifest.json:1:" -- "$FARCALL" verify "$T/go-bad" /bin/true
printf '{"farcall_go_manifest":1,"arch":"arm64","seed":1,"packages":1,"functions":[{"name":"a","file":"a.go","line":3,"end":5,"leaf":true,"locals":0}],"calls":[[0,7,4]]}' >"$T/go-bad/go-manifest.json"
expect 2 "call 0: not \[caller, callee, line\]" -- "$FARCALL" verify "$T/go-bad" /bin/true

# Case directories and manifests.
mkdir -p "$T/empty"
expect 2 "no manifest.txt" -- "$FARCALL" emu "$T/empty" /bin/true
cp -r "$CASE" "$T/trunc-case" 2>/dev/null || true
rm -rf "$T/trunc-case"/*/
head -n 500 "$CASE/manifest.txt" >"$T/trunc-case/manifest.txt"
expect 2 "manifest.txt: truncated" -- "$FARCALL" link --linker lld "$T/trunc-case"
head -c 20000 "$CASE/manifest.txt" >"$T/trunc-case/manifest.txt"
expect 2 "manifest.txt:[0-9]*: malformed" -- "$FARCALL" link --linker lld "$T/trunc-case"

# Objects that are not what the case says.
mkdir -p "$T/objcase"
cp "$CASE/manifest.txt" "$T/objcase/"
head -c 30 "$CASE/obj0000.o" >"$T/objcase/obj0000.o"
expect 2 "obj0000.o: not an ELF file" -- "$FARCALL" link --linker lld "$T/objcase"
head -c 4096 "$CASE/obj0000.o" >"$T/objcase/obj0000.o"
expect 2 "obj0000.o: truncated: its section headers end" -- "$FARCALL" link --linker lld "$T/objcase"
"$FARCALL" gen --arch amd64 --size 1M --funcs 4 -o "$T/x86case" >/dev/null
cp "$T/x86case/obj0000.o" "$T/objcase/obj0000.o"
expect 2 "obj0000.o: not an arm64 object (it is amd64)" -- "$FARCALL" link --linker lld "$T/objcase"
rm "$T/objcase/obj0000.o"
expect 2 "obj0000.o: cannot open" -- "$FARCALL" link --linker lld "$T/objcase"

# Linkers that cannot be found.
expect 2 "no such linker" -- "$FARCALL" link --linker /nonexistent/ld "$CASE"
expect 2 "unknown linker" -- "$FARCALL" link --linker frob "$CASE"

# Outputs that are not what they should be.
linked lld-19 2>/dev/null || linked lld-14
expect 2 "not an ELF file" -- "$FARCALL" emu "$CASE" "$CASE/manifest.txt"
expect 2 "not an arm64 ELF file (it is amd64)" -- "$FARCALL" emu "$CASE" /bin/true
head -c 100000 "$OUT" >"$T/truncated.out"
expect 2 "$T/truncated.out: truncated" -- "$FARCALL" emu "$CASE" "$T/truncated.out"
head -c 40 "$OUT" >"$T/tiny.out"
expect 2 "$T/tiny.out: truncated" -- "$FARCALL" emu "$CASE" "$T/tiny.out"
expect 2 "cannot open" -- "$FARCALL" emu "$CASE" "$T/missing.out"
# Special files are refused before anything blocks on them; a big-endian
# ELF file is refused, not read the wrong way round.
mkfifo "$T/fifo"
expect 2 "not a regular file (a FIFO)" -- timeout 10 "$FARCALL" check "$T/fifo"
expect 2 "not a regular file (a directory)" -- "$FARCALL" check "$T"
expect 2 "not a regular file (a device)" -- "$FARCALL" check /dev/zero
cp "$OUT" "$T/be.out"
printf '\002' | dd of="$T/be.out" bs=1 seek=5 conv=notrunc 2>/dev/null
expect 2 "a big-endian ELF file" -- "$FARCALL" check "$T/be.out"

# Linkers that misbehave: a recorded failure (exit 1), never a crash.
fake() {
	cat >"$T/$1" <<FAKE
#!/bin/sh
[ "\$1" = --version ] && { echo "GNU ld (fake $1) 2.40"; exit 0; }
$2
FAKE
	chmod +x "$T/$1"
}
fake ld-crash 'kill -SEGV $$'
fake ld-hang 'sleep 60'
fake ld-garbage 'while [ "$1" != -o ]; do shift; done; echo garbage >"$2"; exit 0'
fake ld-nothing 'exit 0'
fake ld-error 'echo "ld: error: undefined symbol: fn_1" >&2; exit 1'
expect 1 "crashed: Segmentation fault" -- "$FARCALL" link --linker "$T/ld-crash" "$CASE"
expect 1 "timed out after 1 s" -- "$FARCALL" link --timeout 1 --linker "$T/ld-hang" "$CASE"
expect 1 "output is not ELF" -- "$FARCALL" link --linker "$T/ld-garbage" "$CASE"
expect 1 "wrote no output" -- "$FARCALL" link --linker "$T/ld-nothing" "$CASE"
expect 1 "exited 1: ld: error: undefined symbol: fn_1" -- "$FARCALL" link --linker "$T/ld-error" "$CASE"
# None of them left an output that could pass for a link.
ls "$CASE"/bfd-*/out "$CASE"/bfd-*/out.tmp.* 2>/dev/null && die "a failed link left an output"
# The hung linker's process group was killed.
pgrep -f "$T/ld-hang" && die "the hung linker is still running"
exit 0
