/* arm64: what verify's check of relocations kept with --emit-relocs
 * (verify/keptrelocs.c) must know about AArch64 code.
 *
 * Branches (CALL26, JUMP26, CONDBR19, TSTBR14) whose target is out of
 * reach go through a veneer, so a kept branch relocation may rightly not
 * reproduce its instruction: the check then follows the branch to the stub
 * (decode gives the destination). GOT accesses (ADRP+LDR with
 * ADR_GOT_PAGE and LD64_GOT_LO12_NC) are for GDAT(S+A): the entry holds
 * S+A and the fields address the entry (AAELF64, "Relocation operations").
 * Linkers relax them in place: lld and mold rewrite ADRP+LDR from the GOT
 * into ADRP+ADD of the symbol, and ADRP+ADD (or ADRP+LDR) into NOP+ADR
 * when the symbol is within ADR's 1 MiB, and keep the relocations as the
 * objects had them. Every instruction is 4 bytes, so the field's
 * instruction starts at the field.
 *
 * Spec: ELF for the Arm 64-bit Architecture (AArch64),
 * https://github.com/ARM-software/abi-aa/blob/main/aaelf64/aaelf64.rst
 * Encodings: Arm Architecture Reference Manual for A-profile, "A64
 * Instruction Set Encoding".
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../target.h"
#include "../util.h"

enum {
#define RELOC_KEPT(n, v, d, k, w) n = v,
#define KEPT_ONLY(n, v, k, w) n = v,
#include "relocs.def"
};

static const struct fc_kept_kind arm64_kept_kinds[] = {
#define RELOC_KEPT(n, v, d, k, w) {v, #n, k, w},
#define KEPT_ONLY(n, v, k, w) {v, #n, k, w},
#include "relocs.def"
};

#define A64_NOP 0xd503201fu /* nop */

/* Opcode tests: the bits that name the instruction, operands masked. */
static bool is_adrp(uint32_t w) { return (w & 0x9f000000u) == 0x90000000u; } /* adrp xd, <page> */
static bool is_adr(uint32_t w) { return (w & 0x9f000000u) == 0x10000000u; }  /* adr xd, <label> */
static bool is_add_imm(uint32_t w) /* add wd|xd, wn|xn, #imm{, lsl #12} */
{
	return (w & 0x7f000000u) == 0x11000000u;
}

static enum fc_kept_insn arm64_kept_insn(uint32_t type, const uint8_t *p, size_t avail)
{
	if (avail < 4)
		return FC_KEPT_INSN_OTHER;
	uint32_t w = fc_rd32(p);
	bool fits = true; /* data relocations, and types not listed: any word */
	switch (type) {
	case R_AARCH64_CALL26:
		fits = (w & 0xfc000000u) == 0x94000000u; /* bl <imm26> */
		break;
	case R_AARCH64_JUMP26:
		fits = (w & 0xfc000000u) == 0x14000000u; /* b <imm26> */
		break;
	case R_AARCH64_CONDBR19:
		fits = (w & 0xff000010u) == 0x54000000u || /* b.cond <imm19> */
		       (w & 0x7e000000u) == 0x34000000u;   /* cbz, cbnz wt|xt, <imm19> */
		break;
	case R_AARCH64_TSTBR14:
		fits = (w & 0x7e000000u) == 0x36000000u; /* tbz, tbnz rt, #bit, <imm14> */
		break;
	case R_AARCH64_LD_PREL_LO19:
		fits = (w & 0x3b000000u) == 0x18000000u; /* ldr wt|xt|st|dt|qt, <imm19>; ldrsw; prfm */
		break;
	case R_AARCH64_ADR_PREL_PG_HI21:
	case R_AARCH64_ADR_GOT_PAGE:
		fits = is_adrp(w);
		break;
	case R_AARCH64_ADD_ABS_LO12_NC:
		fits = is_add_imm(w);
		break;
	case R_AARCH64_LDST64_ABS_LO12_NC:
	case R_AARCH64_LD64_GOT_LO12_NC:
		fits = (w & 0xff800000u) == 0xf9000000u; /* ldr, str xt, [xn, #imm12 * 8] */
		break;
	case R_AARCH64_MOVW_UABS_G0_NC:
	case R_AARCH64_MOVW_UABS_G1_NC:
	case R_AARCH64_MOVW_UABS_G2_NC:
	case R_AARCH64_MOVW_UABS_G3:
		fits = (w & 0x1f800000u) == 0x12800000u; /* movn, movz, movk rd, #imm16, lsl #hw*16 */
		break;
	}
	if (fits)
		return FC_KEPT_INSN_FITS;
	/* The relaxation of an address (or GOT load) within 1 MiB:
	 * adrp x0, sym; add x0, x0, :lo12:sym  ->  nop; adr x0, sym */
	switch (type) {
	case R_AARCH64_ADR_PREL_PG_HI21:
	case R_AARCH64_ADR_GOT_PAGE:
		return w == A64_NOP ? FC_KEPT_INSN_RELAXED : FC_KEPT_INSN_OTHER;
	case R_AARCH64_ADD_ABS_LO12_NC:
	case R_AARCH64_LD64_GOT_LO12_NC:
		return is_adr(w) ? FC_KEPT_INSN_RELAXED : FC_KEPT_INSN_OTHER;
	}
	return FC_KEPT_INSN_OTHER;
}

/* ADR_GOT_PAGE is on the ADRP, LD64_GOT_LO12_NC on the LDR. Relaxed to the
 * symbol itself, the ADRP is the same instruction for another page (the
 * value tells), and the LDR has become an ADD (the opcode tells):
 *     adrp x0, :got:sym; ldr x0, [x0, :got_lo12:sym]
 *  -> adrp x0, sym;      add x0, x0, :lo12:sym */
static void arm64_kept_got(uint32_t type, const uint8_t *p, size_t before, size_t avail,
			   struct fc_kept_got *g)
{
	(void)before;
	*g = (struct fc_kept_got){.form = FC_KEPT_GOT_LOAD, .gdat = true};
	if (type == R_AARCH64_LD64_GOT_LO12_NC) {
		g->direct = R_AARCH64_ADD_ABS_LO12_NC;
		if (avail >= 4 && is_add_imm(fc_rd32(p))) {
			g->form = FC_KEPT_GOT_DIRECT;
			return;
		}
	} else { /* R_AARCH64_ADR_GOT_PAGE */
		g->direct = R_AARCH64_ADR_PREL_PG_HI21;
	}
	if (arm64_kept_insn(type, p, avail) != FC_KEPT_INSN_FITS)
		g->form = FC_KEPT_GOT_OTHER;
}

const struct fc_kept_ops fc_kept_arm64 = {
	.kinds = arm64_kept_kinds,
	.nkinds = sizeof arm64_kept_kinds / sizeof arm64_kept_kinds[0],
	.insn = arm64_kept_insn,
	.got = arm64_kept_got,
};
