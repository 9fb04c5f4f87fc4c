# Every arm64 form (BL, B, B.NE, CBNZ, TBNZ, ADRP+ADD, ADRP+LDR via the GOT,
# MOVZ+MOVK, LDR literal, data words) with every installed linker. bfd and
# lld get every site right. Two real findings of Debian 12's linkers are
# checked to be reported exactly (when a later version fixes them, the test
# says so and passes):
#   gold 1.16 encodes R_AARCH64_LD_PREL_LO19 wrongly: every LDR literal
#     site, and only those, loads from the wrong place;
#   mold 1.10.1 rejects R_AARCH64_TSTBR14 ("unknown relocation").
. "$(dirname "$0")/lib.sh"
case_for arm64 case-arm64-forms "--size 200M --funcs 2048 --calls 12 --seed 11"
for l in $(linkers_for arm64); do
	OUT="$CASE/$l/out"
	if ! "$FARCALL" link --linker "$l" "$CASE" >"$CASE/$l.link" 2>&1; then
		cat "$CASE/$l.link"
		case $l in
		mold) grep -q "R_AARCH64_TSTBR14" "$CASE/$l.link" || die "mold failed otherwise"
			echo "known: mold rejects R_AARCH64_TSTBR14"; continue ;;
		*) die "$l failed to link every arm64 form" ;;
		esac
	fi
	[ $l = mold ] && echo "XPASS: mold now links TBNZ"
	st=0
	"$FARCALL" emu "$CASE" "$OUT" >"$CASE/$l.emu" 2>&1 || st=$?
	tail -n 1 "$CASE/$l.emu"
	[ $st -eq 0 ] && { [ $l = gold ] && echo "XPASS: gold now gets LDR literal right"; continue; }
	[ $l = gold ] || { head -n 30 "$CASE/$l.emu"; die "$l: sites failed"; }
	# gold: the failures are exactly the LDR literal sites.
	grep "^$OUT: [^ :]*+0x" "$CASE/$l.emu" >"$CASE/gold.fails" || true
	grep -v ': LDR literal to ' "$CASE/gold.fails" && die "gold failed sites that are not LDR literal"
	want=$(awk '$1 == "s" && $4 == "ldr.lit"' "$CASE/manifest.txt" | wc -l)
	got=$(sed -n 's/.*: [0-9]* sites, \([0-9]*\) failed (.*/\1/p' "$CASE/$l.emu")
	[ "$got" = "$want" ] || die "gold: $got sites failed, $want LDR literal sites"
	echo "known: gold 1.16 breaks all $want LDR literal sites (R_AARCH64_LD_PREL_LO19)"
done
