# farcall check on Go binaries, the way the Go arm64 line-table bug was
# found: GOARCH=arm64 go build -ldflags=-debugtramp=2 puts a trampoline on
# every call it can. Every call must reach its function through Go's
# trampolines (which may use t6 on riscv64), every instruction of every
# function must have a line row. Known, and checked to stay as they are:
#   Go 1.19 riscv64 gives some functions no line row for their first
#   instruction (runtime.(*limiterEvent).consume and two others);
#   Go's hand-written assembly (.abi0) that switches stacks has CFI that
#   does not follow the switch;
#   Go's .shstrtab lies inside a PT_LOAD's file range: a layout note.
# The CFI run sets Go's g register up so that prologues pass their stack
# check, and ends a path at a call that does not return (runtime.panic*,
# throw...), since Go puts the stack-growth stub after such calls.
. "$(dirname "$0")/lib.sh"
command -v go >/dev/null || skip "go is not installed"
command -v jq >/dev/null || die "jq is not installed (scripts/deps.sh)"
T="$FC_TMP/go"
mkdir -p "$T"
cat >"$T/main.go" <<'GO'
package main

import "os"

//go:noinline
func leaf(x int) int { return x*3 + 1 }

//go:noinline
func mid(x int) int { return leaf(x) + leaf(x+1) }

//go:noinline
func big(x int) int {
	var buf [64]int
	for i := range buf {
		buf[i] = i * x
	}
	return buf[x&63] + mid(x)
}

func main() { os.Exit(big(len(os.Args)) & 0) }
GO
printf 'module example.com/fcgo\n\ngo 1.19\n' >"$T/go.mod"
export GOCACHE="$T/cache" GOPATH="$T/gopath" GOFLAGS=-mod=mod CGO_ENABLED=0 GOOS=linux
for a in arm64 riscv64 amd64; do
	(cd "$T" && GOARCH=$a go build -ldflags=-debugtramp=2 -o prog-$a .) || die "go build $a failed"
	st=0
	"$FARCALL" check --max-report 1000 "$T/prog-$a" >"$T/$a.txt" 2>&1 || st=$?
	grep -v '^    ' "$T/$a.txt" | tail -n 6
	[ $st -le 1 ] || die "$a: check exited $st"
	grep -q "($a (Go)\|: $a (Go)" "$T/$a.txt" || grep -q "$a (Go)" "$T/$a.txt" || die "$a: not seen as a Go binary"
	grep -q "calls: [0-9]* found by disassembly, 0 failed" "$T/$a.txt" || die "$a: calls failed"
	if [ $a != amd64 ]; then
		th=$(sed -n 's/.* through \([0-9]*\) thunks.*/\1/p' "$T/$a.txt")
		[ "${th:-0}" -gt 0 ] || die "$a: no call went through a trampoline"
	fi
	# Line gaps: none, but Go 1.19 riscv64's, each at a function's entry.
	grep ': [0-9]* of [0-9]* instructions have no line row' "$T/$a.txt" >"$T/$a.gaps" || true
	if [ $a = riscv64 ]; then
		while IFS= read -r g; do
			fn=$(echo "$g" | sed 's/^[^:]*: \(.*\): [0-9]* of .*/\1/')
			echo "$g" | grep -qF "the first at $fn (" || die "riscv64: a gap that is not at an entry: $g"
		done <"$T/$a.gaps"
	else
		[ -s "$T/$a.gaps" ] && { cat "$T/$a.gaps"; die "$a: line gaps"; }
	fi
	# The CFI run goes past Go's stack-check prologues (g is set up): tens
	# of instructions a function, not the few before the check.
	set -- $(sed -n 's/.*: cfi: \([0-9]*\) functions, [0-9]* failed, \([0-9]*\) instructions compared.*/\1 \2/p' "$T/$a.txt")
	[ $# -eq 2 ] && [ "$2" -ge $(($1 * 40)) ] || die "$a: the CFI run compared $2 instructions in $1 functions"
	# CFI findings only in Go's hand-written assembly.
	grep -E ': at .*\(0x[0-9a-f]+\): CFI says' "$T/$a.txt" | grep -v '^[^:]*: [^ ]*\.abi0: ' |
		grep -v '^note: ' && die "$a: CFI findings outside Go's assembly"
	# Go puts its non-allocated .shstrtab inside a PT_LOAD's file range on
	# purpose; no loader or debugger minds: a note, which fails only with
	# --strict.
	grep -q "^note: $T/prog-$a: section .shstrtab (not allocated) lies in what PT_LOAD" "$T/$a.txt" ||
		die "$a: .shstrtab inside a PT_LOAD is not a note"
	grep -q "^$T/prog-$a: layout: 0 findings, 1 notes" "$T/$a.txt" || die "$a: layout counts"
	"$FARCALL" check --json "$T/$a.json" "$T/prog-$a" >/dev/null 2>&1 || true
	jq -e '.checks.layout | .state == "ran" and .fails == 0 and .notes == 1 and
		.findings[0].severity == "note"' "$T/$a.json" >/dev/null || die "$a: check --json: the layout note"
	true
done
