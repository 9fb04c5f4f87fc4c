# The recorded call-site table (gen --record-calls: __fc_callsites, as
# -mrecord-mcount's __mcount_loc): after the link, every entry must hold its
# call's address and its callee's, and the call must execute from there to
# the callee, relaxation (RISC-V) and thunks (arm64) included. Then an
# entry is made stale on purpose (its address moved by one instruction, as
# ftrace's table was when relaxation moved the calls after it was recorded)
# another gets a wrong callee, a third a site number no case has: verify
# must name exactly those entries.
. "$(dirname "$0")/lib.sh"
command -v perl >/dev/null || skip "perl is not installed"
T="$FC_TMP/ct"
mkdir -p "$T"

# poke FILE OFFSET DELTA: add DELTA to the 64-bit little-endian word at OFFSET.
poke() {
	v=$(od -A n -t u8 -j "$2" -N 8 "$1" | tr -d ' ')
	perl -e 'print pack("Q<", $ARGV[0] + $ARGV[1])' "$v" "$3" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

for a in riscv64 arm64 amd64; do
	C="$T/$a"
	"$FARCALL" gen --arch $a --size 64M --funcs 512 --forms "$(
		case $a in arm64) echo bl,b,adrp+add ;; riscv64) echo call,tail,jal ;; amd64) echo call,jmp ;; esac
	)" --record-calls -q -o "$C" || die "$a: gen --record-calls failed"
	first=
	for l in $(linkers_for $a); do
		"$FARCALL" link --linker "$l" "$C" >/dev/null 2>&1 || die "$a: $l cannot link the case"
		st=0
		"$FARCALL" verify "$C" "$C/$l/out" >"$C.$l.v" 2>&1 || st=$?
		grep -q "callsites: [1-9][0-9]* entries, 0 failed" "$C.$l.v" ||
			{ cat "$C.$l.v"; die "$a $l: the table does not hold"; }
		[ -n "$first" ] || first=$l
	done
	[ -n "$first" ] || continue
	bad="$T/$a.bad"
	cp "$C/$first/out" "$bad"
	# The section's file offset and address, from the section headers.
	set -- $(readelf -SW "$bad" | sed -n 's/.*__fc_callsites *PROGBITS *\([0-9a-f]*\) \([0-9a-f]*\) .*/\1 \2/p')
	[ $# -eq 2 ] || die "$a: no __fc_callsites section in the output"
	addr=$((0x$1)) off=$((0x$2))
	step=4
	[ $a = amd64 ] && step=1
	poke "$bad" $((off + 7 * 24)) $step      # entry 7: its call's address, one instruction on
	poke "$bad" $((off + 9 * 24 + 8)) 16     # entry 9: its callee's, 16 bytes into it
	poke "$bad" $((off + 11 * 24 + 16)) 100000000 # entry 11: a site number no case has
	st=0
	"$FARCALL" verify --max-report 100 "$C" "$bad" >"$bad.v" 2>&1 || st=$?
	cat "$bad.v"
	[ $st -eq 1 ] || die "$a: verify exited $st on a broken table"
	grep -q "callsites: [0-9]* entries, 3 failed" "$bad.v" || die "$a: not exactly 3 entries failed"
	e7=$(printf '0x%x' $((addr + 7 * 24)))
	e9=$(printf '0x%x' $((addr + 9 * 24)))
	grep -q "^$bad: __fc_callsites\[7\] ($e7): records the call of fn_[0-9]*+0x[0-9a-f]* to fn_[0-9]* at 0x" "$bad.v" ||
		die "$a: the stale entry 7 is not named"
	grep -q "^$bad: __fc_callsites\[9\] ($e9): the call at fn_[0-9]*+0x[0-9a-f]* records its callee fn_[0-9]* at 0x[0-9a-f]* (fn_[0-9]*+0x10)" "$bad.v" ||
		die "$a: the wrong callee of entry 9 is not named"
	e11=$(printf '0x%x' $((addr + 11 * 24)))
	grep -q "^$bad: __fc_callsites\[11\] ($e11): site number [0-9]* is no recorded call" "$bad.v" ||
		die "$a: the bad site number of entry 11 is not named"
	grep '__fc_callsites\[' "$bad.v" | grep -v '__fc_callsites\[\(7\|9\|11\)\]' && die "$a: other entries blamed"
	true
done
