# Relocations kept with --emit-relocs must agree with the code: every
# installed linker links a case per arch with --emit-relocs, and farcall
# verify re-applies each kept relocation to the output. bfd (arm64, amd64,
# riscv64) and lld 19 (riscv64) keep every relocation as the code has it.
# Real findings of Debian 12's linkers are checked to be reported exactly
# (when a later version fixes one, the test says so and passes):
#   lld 14, 19 and mold 1.10.1 relax arm64 ADRP+LDR from the GOT to ADRP+ADD
#     (and ADRP+ADD to NOP+ADR), x86-64 MOV from the GOT to LEA (gold too),
#     and keep the relocations as they were; with --no-relax lld keeps
#     them right (mold and gold relax x86-64 GOT loads regardless);
#   lld 14 writes .rela.eh_frame at the input offsets: one wrong relocation
#     per FDE (fixed in lld 15, "--emit-relocs: adjust offsets of
#     .rel[a].eh_frame relocations");
#   gold 1.16 (arm64): every LDR literal site (its LD_PREL_LO19 bug, which
#     emu also shows), and the kept relocations of each section that owns a
#     stub table are written as if the section began .text (they land in
#     _start and pad_0);
#   mold 1.10.1 (riscv64) keeps R_RISCV_CALL_PLT on calls it relaxed to JAL
#     and does not move the kept relocations after the bytes it deleted;
#     with --no-relax it keeps them right.
# Then one immediate bit of a kept R_AARCH64_ADD_ABS_LO12_NC is flipped in
# bfd's output and verify must name exactly that place.
. "$(dirname "$0")/lib.sh"

# Link CASE with linker $1 and flags $2; verify; sets OUT, V (verify's
# output), KEPT CHECKED FAILED STUBS SKIPPED, and FAILS (the failure lines).
# Returns 1 when the link fails.
keep_link() {
	OUT="$CASE/$1/out"
	"$FARCALL" link --linker "$1" --flags "$2" "$CASE" >"$CASE/$1.link" 2>&1 || return 1
	V="$CASE/$1.verify"
	"$FARCALL" verify --max-report 100000000 "$CASE" "$OUT" >"$V" 2>&1 || true
	set -- $(sed -n "s|^$OUT: kept_relocs: \([0-9]*\) kept, \([0-9]*\) re-applied, \([0-9]*\) failed, \([0-9]*\) through stubs, \([0-9]*\) skipped\$|\1 \2 \3 \4 \5|p" "$V")
	[ $# -eq 5 ] || { tail -n 20 "$V"; die "$OUT: verify prints no 'kept relocations' summary"; }
	KEPT=$1 CHECKED=$2 FAILED=$3 STUBS=$4 SKIPPED=$5
	grep "^$OUT: kept_relocs: " "$V"
	[ "$KEPT" -gt 0 ] || die "$OUT: no kept relocations with --emit-relocs"
	FAILS="$V.fails"
	grep "^$OUT: .* (0x[0-9a-f]*): kept R_" "$V" >"$FAILS" || true
	[ "$(wc -l <"$FAILS")" -eq "$FAILED" ] ||
		die "$OUT: $FAILED failed, but $(wc -l <"$FAILS") failure lines"
	return 0
}

# The failure lines not matching any of the extended regexps given.
unexplained() {
	cp "$FAILS" "$FAILS.left"
	for re in "$@"; do
		grep -Ev -- "$re" "$FAILS.left" >"$FAILS.tmp" || true
		mv "$FAILS.tmp" "$FAILS.left"
	done
	cat "$FAILS.left"
}
count() { grep -Ec -- "$1" "$FAILS" || true; }
no_failures() {
	[ "$FAILED" -eq 0 ] || { head -n 20 "$FAILS"; die "$OUT: $FAILED kept relocations disagree with the code"; }
}
only() {
	left=$(unexplained "$@")
	[ -z "$left" ] || { echo "$left" | head -n 20; die "$OUT: failures besides the known ones"; }
}

GOT_RELAXED=': kept as GOT relocation but the code was relaxed to '
A64_RELAXED='kept R_AARCH64_(ADR_PREL_PG_HI21|ADR_GOT_PAGE) .* is a NOP: relaxed without updating|kept R_AARCH64_(ADD_ABS_LO12_NC|LD64_GOT_LO12_NC) .* is an ADR: relaxed without updating'
EH_FRAME=': \.eh_frame\+0x[0-9a-f]* \(0x[0-9a-f]*\): kept R_'
linked=0

# arm64: 256 MiB, so that a third of the calls go through thunks. Every
# form but TBNZ, which mold 1.10.1 rejects (arm64-forms.sh).
FUNCS=1024
case_for arm64 case-arm64-keep "--size 256M --funcs $FUNCS --calls 8 --seed 5 --forms bl,b,b.ne,cbnz,adrp+add,adrp+ldr.got,movz+movk,ldr.lit,abs64,prel32,prel64"
for l in $(linkers_for arm64); do
	keep_link $l --emit-relocs || { cat "$CASE/$l.link"; die "$l failed to link with --emit-relocs"; }
	linked=$((linked + 1))
	[ "$STUBS" -gt 0 ] || die "$OUT: no call through a thunk in a 256 MiB .text"
	case $l in
	gold)
		only ': kept R_AARCH64_LD_PREL_LO19 ' "^$OUT: (_start|pad_0)[+ ]"
		want=$(awk '$1 == "s" && $4 == "ldr.lit"' "$CASE/manifest.txt" | wc -l)
		lit=$(count ': kept R_AARCH64_LD_PREL_LO19 ')
		away=$(count "^$OUT: (_start|pad_0)[+ ]")
		if [ "$FAILED" -eq 0 ]; then echo "XPASS: gold keeps every relocation right"; continue; fi
		[ "$lit" -eq "$want" ] || die "gold: $lit LD_PREL_LO19 failures, $want LDR literal sites"
		echo "known: gold 1.16 breaks all $want LDR literal sites; $away kept relocations of stub-table owners land at the start of .text"
		;;
	lld-14 | lld-19 | mold)
		if [ $l = lld-14 ]; then
			only "$GOT_RELAXED" "$A64_RELAXED" "$EH_FRAME"
			[ "$(count "$EH_FRAME")" -eq $FUNCS ] || die "lld-14: $(count "$EH_FRAME") .eh_frame failures, $FUNCS FDEs"
		else
			only "$GOT_RELAXED" "$A64_RELAXED"
		fi
		if [ "$FAILED" -eq 0 ]; then echo "XPASS: $l updates the relocations it relaxes"; continue; fi
		echo "known: $l relaxes $(count "$GOT_RELAXED") GOT relocations and $(count "$A64_RELAXED") ADRP/ADD to NOP/ADR, keeping the relocations"
		keep_link $l "--emit-relocs --no-relax" || die "$l failed to link with --no-relax"
		if [ $l = lld-14 ]; then only "$EH_FRAME"; else no_failures; fi
		;;
	*) no_failures ;;
	esac
done

# amd64: x86-64 reaches 2 GiB; the GOT loads are the point.
case_for amd64 case-amd64-keep "--size 64M --funcs 512 --calls 8 --seed 5"
for l in $(linkers_for amd64); do
	keep_link $l --emit-relocs || { cat "$CASE/$l.link"; die "$l failed to link with --emit-relocs"; }
	linked=$((linked + 1))
	case $l in
	gold | mold | lld-14 | lld-19)
		GOTX="kept R_X86_64_REX_GOTPCRELX .*$GOT_RELAXED"'a LEA'
		if [ $l = lld-14 ]; then
			only "$GOTX" "$EH_FRAME"
			[ "$(count "$EH_FRAME")" -eq 512 ] || die "lld-14: $(count "$EH_FRAME") .eh_frame failures, 512 FDEs"
		else
			only "$GOTX"
		fi
		if [ "$FAILED" -eq 0 ]; then echo "XPASS: $l updates the relocations it relaxes"; continue; fi
		want=$(awk '$1 == "s" && $4 == "mov.gotpcrelx"' "$CASE/manifest.txt" | wc -l)
		[ "$(count "$GOTX")" -eq "$want" ] || die "$l: $(count "$GOTX") relaxed GOT loads, $want sites"
		echo "known: $l relaxes all $want GOTPCRELX loads to LEA, keeping R_X86_64_REX_GOTPCRELX"
		case $l in lld-*)
			keep_link $l "--emit-relocs --no-relax" || die "$l failed to link with --no-relax"
			if [ $l = lld-14 ]; then only "$EH_FRAME"; else no_failures; fi
		esac
		;;
	*) no_failures ;;
	esac
done

# riscv64: relaxation moves code; the kept relocations must move with it.
case_for riscv64 case-riscv64-keep "--size 16M --funcs 256 --calls 8 --seed 5"
for l in $(linkers_for riscv64); do
	keep_link $l --emit-relocs || { cat "$CASE/$l.link"; die "$l failed to link with --emit-relocs"; }
	linked=$((linked + 1))
	case $l in
	lld-14)
		only "$EH_FRAME"
		[ "$(count "$EH_FRAME")" -eq 256 ] || die "lld-14: $(count "$EH_FRAME") .eh_frame failures, 256 FDEs"
		if [ "$FAILED" -eq 0 ]; then echo "XPASS: lld-14 keeps .rela.eh_frame right"; fi
		;;
	mold)
		if [ "$FAILED" -eq 0 ]; then echo "XPASS: mold keeps relocations right while relaxing"; continue; fi
		jal=$(count 'kept R_RISCV_CALL_PLT .* is a JAL: relaxed without updating the kept relocation')
		[ "$jal" -gt 0 ] || { head -n 20 "$FAILS"; die "mold: failures, but no CALL_PLT kept on a JAL"; }
		echo "known: mold 1.10.1 keeps $jal R_RISCV_CALL_PLT on JALs and $((FAILED - jal)) more relocations where relaxation moved the code"
		keep_link $l "--emit-relocs --no-relax" || die "mold failed to link with --no-relax"
		no_failures
		;;
	*) no_failures ;;
	esac
done
[ $linked -gt 0 ] || skip "no linker is installed"

# Break one: flip bit 0 of the immediate of a kept ADD_ABS_LO12_NC in
# bfd's arm64 output (or the first linker's that got them all right).
CASE="$FC_TMP/case-arm64-keep"
src=""
for l in bfd $(linkers_for arm64); do
	if [ -f "$CASE/$l.verify" ] &&
		grep -q "^$CASE/$l/out: kept_relocs: .* 0 failed" "$CASE/$l.verify"; then
		src="$CASE/$l/out"
		break
	fi
done
[ -n "$src" ] || skip "no arm64 linker keeps every relocation right"
bad="$FC_TMP/emit-relocs-broken.out"
cp "$src" "$bad"
# The 10th kept ADD_ABS_LO12_NC, in some function.
P=$(aarch64-linux-gnu-readelf -rW "$bad" | awk '$3 == "R_AARCH64_ADD_ABS_LO12_NC" && ++n == 10 { print $1 }')
[ -n "$P" ] || die "no kept R_AARCH64_ADD_ABS_LO12_NC in $src"
# The symbol it is in, as farcall names places: the last code symbol at or
# below it (fixed-width hex compares as strings).
set -- $(aarch64-linux-gnu-nm -n "$bad" | awk -v p="$P" '$2 ~ /^[tT]$/ && $3 !~ /^[.$]/ && ($1 "") <= (p "") { s = $3; a = $1 } END { print s, a }')
sym=$1 symaddr=$2
where=$(printf '%s+0x%x' "$sym" $((0x$P - 0x$symaddr)))
addr=$(printf '0x%x' $((0x$P)))
set -- $(aarch64-linux-gnu-readelf -SW "$bad" | sed -n 's/.*\] \.text  *PROGBITS  *\([0-9a-f]*\) \([0-9a-f]*\) .*/\1 \2/p')
at=$((0x$P - 0x$1 + 0x$2 + 1)) # the byte with bits 8-15 of the word: imm12 starts at bit 10
cur=$(od -An -tu1 -j $at -N 1 "$bad" | tr -d ' ')
perl -e 'print chr($ARGV[0] ^ 4)' "$cur" | dd of="$bad" bs=1 seek=$at conv=notrunc 2>/dev/null
st=0
"$FARCALL" verify --max-report 100000000 "$CASE" "$bad" >"$bad.txt" 2>&1 || st=$?
grep "kept R_" "$bad.txt" || true
grep -q "^$bad: $where ($addr): kept R_AARCH64_ADD_ABS_LO12_NC .* gives 0x[0-9a-f]*, the output has 0x[0-9a-f]*\$" "$bad.txt" ||
	{ cat "$bad.txt"; die "verify does not name $where ($addr), the broken ADD"; }
grep -q "^$bad: kept_relocs: [0-9]* kept, [0-9]* re-applied, 1 failed, " "$bad.txt" ||
	die "verify reports other failures than the broken ADD"
[ $st -eq 1 ] || die "verify exited $st on a broken kept relocation, expected 1"
