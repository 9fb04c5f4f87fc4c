# Debug info as compilers make it, on every arch: DWARF 5 with .eh_frame and
# DWARF 4 with .debug_frame; llvm-dwarfdump --verify finds no error in the
# objects nor in what every installed linker makes of them, and farcall
# verify finds every instruction on its line and the CFI right at every
# instruction, by execution (RISC-V under relaxation included).
. "$(dirname "$0")/lib.sh"
command -v llvm-dwarfdump-14 >/dev/null || skip "llvm-dwarfdump-14 is not installed"
n=0
for a in arm64 amd64 riscv64; do
	for d in "5 eh" "4 debug"; do
		set -- $d
		# arm64: not the forms gold and mold get wrong (arm64-forms.sh).
		forms=""
		[ $a = arm64 ] && forms="--forms bl,b,b.ne,cbnz,adrp+add,adrp+ldr.got,movz+movk,abs64,prel32"
		case_for $a case-$a-dwarf$1 "--size 32M --funcs 512 --calls 8 --seed 13 --dwarf $1 --cfi $2 $forms"
		llvm-dwarfdump-14 --verify "$CASE/obj0000.o" >"$CASE/verify-obj.txt" 2>&1 ||
			{ cat "$CASE/verify-obj.txt"; die "$a DWARF $1: llvm-dwarfdump rejects the object"; }
		for l in $(linkers_for $a); do
			OUT="$CASE/$l/out"
			"$FARCALL" link --linker $l "$CASE" >/dev/null || die "$a DWARF $1: $l failed to link"
			llvm-dwarfdump-14 --verify "$OUT" >"$CASE/$l.dwarfdump" 2>&1 ||
				{ tail -n 20 "$CASE/$l.dwarfdump"; die "$a DWARF $1: llvm-dwarfdump rejects $l's output"; }
			st=0
			"$FARCALL" verify --max-report 100000 "$CASE" "$OUT" >"$CASE/$l.verify" 2>&1 || st=$?
			tail -n 3 "$CASE/$l.verify"
			grep -q "lines: 512 functions, 100.00%" "$CASE/$l.verify" || die "$a $l: lines"
			grep -q "cfi: 512 functions, 0 failed" "$CASE/$l.verify" || die "$a $l: cfi"
			if [ $st -ne 0 ]; then
				# A known finding: mold 1.10.1 relaxes RISC-V code but leaves
				# the functions' symbol sizes as they were.
				[ $a = riscv64 ] && [ $l = mold ] || { cat "$CASE/$l.verify"; die "$a DWARF $1 $2: farcall verify failed on $l's output"; }
				grep "^$OUT: " "$CASE/$l.verify" | grep -v ': lines: \|: cfi: \|: frames: \|: layout: 0 findings\|: kept_relocs: \|: callsites: ' |
					grep -v "the linker did not shrink it with the code" && die "mold: other findings"
				echo "known: mold leaves relaxed RISC-V functions' symbol sizes unshrunk"
			fi
			n=$((n + 1))
		done
	done
done
[ $n -gt 0 ] || skip "no linker is installed"
