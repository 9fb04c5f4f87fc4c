/* riscv64: what verify's check of relocations kept with --emit-relocs
 * (verify/keptrelocs.c) must know about RISC-V code.
 *
 * Relaxation rewrites code under the relocations, and a linker that keeps
 * them must rewrite those too:
 *     auipc ra, hi; jalr ra, lo(ra)   (CALL_PLT)  -> jal ra, f   or c.j f
 *     auipc a0, %got_pcrel_hi(s); ld a0, lo(a0)   -> auipc a0, hi; addi a0, lo
 *     lui a0, %hi(s); addi a0, a0, %lo(s)         -> addi a0, gp, off (bfd:
 *                                                    GPREL_I, -gp in A)
 * PC-relative pairs are two relocations: the HI20 (PCREL_HI20, GOT_HI20,
 * the TLS ones) on the AUIPC, and PCREL_LO12_I/S on the instruction using
 * it, whose symbol is a label at the AUIPC, so the LO12's value is the
 * HI20's, known only once the HI20 at that address is. A GOT_HI20 is for
 * G+A (the entry holds S). The instruction a field belongs to starts at
 * the field, 2 bytes (RVC) or 4 long.
 *
 * Spec: RISC-V ELF psABI (riscv-elf.adoc: relocations, relaxation),
 * https://github.com/riscv-non-isa/riscv-elf-psabi-doc
 * Encodings: The RISC-V Instruction Set Manual, Volume I (RV64I base
 * opcode map, "C" standard extension quadrants).
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

static const struct fc_kept_kind riscv64_kept_kinds[] = {
#define RELOC_KEPT(n, v, d, k, w) {v, #n, k, w},
#define KEPT_ONLY(n, v, k, w) {v, #n, k, w},
#include "relocs.def"
};

/* Major opcodes (bits 6..0) of 32-bit instructions. */
#define RV_OP_LOAD     0x03 /* lb..ld, lbu..lwu */
#define RV_OP_LOAD_FP  0x07 /* flw, fld */
#define RV_OP_IMM      0x13 /* addi, slti, xori, ori, andi, slli... */
#define RV_OP_AUIPC    0x17 /* auipc rd, imm20 */
#define RV_OP_IMM_32   0x1b /* addiw, slliw... */
#define RV_OP_STORE    0x23 /* sb..sd */
#define RV_OP_STORE_FP 0x27 /* fsw, fsd */
#define RV_OP_LUI      0x37 /* lui rd, imm20 */
#define RV_OP_BRANCH   0x63 /* beq, bne, blt, bge, bltu, bgeu */
#define RV_OP_JALR     0x67 /* jalr rd, imm12(rs1) */
#define RV_OP_JAL      0x6f /* jal rd, imm20 */
/* With funct3 (bits 14..12). */
#define RV_OPF_MASK    0x707fu
#define RV_JALR        0x0067u /* jalr rd, imm12(rs1) (funct3 0) */
#define RV_ADDI        0x0013u /* addi rd, rs1, imm12 (funct3 0) */
/* 16-bit instructions: funct3 (bits 15..13) and quadrant (bits 1..0). */
#define RVC_MASK       0xe003u
#define RVC_J          0xa001u /* c.j offset */
#define RVC_JAL        0x2001u /* c.jal offset (RV32; c.addiw on RV64) */
#define RVC_BEQZ       0xc001u /* c.beqz rs1', offset */
#define RVC_BNEZ       0xe001u /* c.bnez rs1', offset */
#define RVC_LUI        0x6001u /* c.lui rd, imm (c.addi16sp when rd = sp) */

static bool is_cj(uint16_t h) /* what a call relaxed to 2 bytes is */
{
	return (h & RVC_MASK) == RVC_J || (h & RVC_MASK) == RVC_JAL;
}

static enum fc_kept_insn riscv64_kept_insn(uint32_t type, const uint8_t *p, size_t avail)
{
	if (avail < 2)
		return FC_KEPT_INSN_OTHER;
	uint16_t h = fc_rd16(p);
	bool fits;
	switch (type) {
	case R_RISCV_RVC_JUMP:
		return is_cj(h) ? FC_KEPT_INSN_FITS : FC_KEPT_INSN_OTHER;
	case R_RISCV_RVC_BRANCH:
		return (h & RVC_MASK) == RVC_BEQZ || (h & RVC_MASK) == RVC_BNEZ ? FC_KEPT_INSN_FITS
										  : FC_KEPT_INSN_OTHER;
	case R_RISCV_RVC_LUI:
		return (h & RVC_MASK) == RVC_LUI ? FC_KEPT_INSN_FITS : FC_KEPT_INSN_OTHER;
	}
	uint32_t w = avail >= 4 ? fc_rd32(p) : 0;
	unsigned op = w & 0x7f;
	switch (type) {
	case R_RISCV_CALL:
	case R_RISCV_CALL_PLT: /* auipc rX, hi; jalr rY, lo(rX) */
		fits = avail >= 8 && op == RV_OP_AUIPC && (fc_rd32(p + 4) & RV_OPF_MASK) == RV_JALR;
		break;
	case R_RISCV_JAL:
		fits = op == RV_OP_JAL;
		break;
	case R_RISCV_BRANCH:
		fits = op == RV_OP_BRANCH;
		break;
	case R_RISCV_PCREL_HI20:
	case R_RISCV_GOT_HI20:
	case R_RISCV_TLS_GOT_HI20:
	case R_RISCV_TLS_GD_HI20:
		fits = op == RV_OP_AUIPC;
		break;
	case R_RISCV_HI20:
		fits = op == RV_OP_LUI;
		break;
	case R_RISCV_LO12_I:
	case R_RISCV_PCREL_LO12_I:
	case R_RISCV_GPREL_I:
		fits = op == RV_OP_IMM || op == RV_OP_LOAD || op == RV_OP_JALR || op == RV_OP_IMM_32 ||
		       op == RV_OP_LOAD_FP;
		break;
	case R_RISCV_LO12_S:
	case R_RISCV_PCREL_LO12_S:
	case R_RISCV_GPREL_S:
		fits = op == RV_OP_STORE || op == RV_OP_STORE_FP;
		break;
	default:
		fits = true; /* data */
		break;
	}
	if (fits)
		return FC_KEPT_INSN_FITS;
	/* A call relaxed to one instruction: jal ra, f (4 bytes) or c.j f. */
	if (type == R_RISCV_CALL || type == R_RISCV_CALL_PLT) {
		if ((h & 3) != 3)
			return is_cj(h) ? FC_KEPT_INSN_RELAXED : FC_KEPT_INSN_OTHER;
		return avail >= 4 && op == RV_OP_JAL ? FC_KEPT_INSN_RELAXED : FC_KEPT_INSN_OTHER;
	}
	return FC_KEPT_INSN_OTHER;
}

/* GOT_HI20 is on the AUIPC, which stays an AUIPC when relaxed (to the
 * symbol's page rather than the entry's: the value tells); its LO12 on the
 * LD, which becomes an ADDI (the opcode tells). */
static void riscv64_kept_got(uint32_t type, const uint8_t *p, size_t before, size_t avail,
			     struct fc_kept_got *g)
{
	(void)before;
	*g = (struct fc_kept_got){.form = FC_KEPT_GOT_OTHER};
	switch (type) {
	case R_RISCV_GOT_HI20:
		g->direct = R_RISCV_PCREL_HI20;
		if (riscv64_kept_insn(type, p, avail) == FC_KEPT_INSN_FITS)
			g->form = FC_KEPT_GOT_LOAD;
		break;
	case R_RISCV_PCREL_LO12_I:
	case R_RISCV_PCREL_LO12_S:
		g->direct = type;
		if (avail < 4)
			break;
		if ((fc_rd32(p) & 0x7f) == RV_OP_LOAD) /* ld a0, lo(a0) */
			g->form = FC_KEPT_GOT_LOAD;
		else if ((fc_rd32(p) & RV_OPF_MASK) == RV_ADDI) /* addi a0, a0, lo */
			g->form = FC_KEPT_GOT_DIRECT;
		break;
	}
}

/* auipc rX, hi; jalr rY, lo(rX): P + hi + lo, each sign-extended. */
static bool riscv64_kept_pair_dest(uint32_t type, const uint8_t *p, size_t avail, uint64_t P,
				   uint64_t *dest)
{
	(void)type;
	if (avail < 8)
		return false;
	uint32_t a = fc_rd32(p), j = fc_rd32(p + 4);
	*dest = P + (uint64_t)fc_sext(a & 0xfffff000u, 32) + (uint64_t)fc_sext(j >> 20, 12);
	return true;
}

/* bfd writes GPREL_I/S's immediate as a LO12_I/S's: 12 bits, signed. */
static unsigned riscv64_kept_gprel(uint32_t type, uint32_t *as)
{
	switch (type) {
	case R_RISCV_GPREL_I:
		*as = R_RISCV_LO12_I;
		return 12;
	case R_RISCV_GPREL_S:
		*as = R_RISCV_LO12_S;
		return 12;
	}
	return 0;
}

/* Every HI20 of a pair is on an AUIPC. */
static bool riscv64_kept_pair_hi_gone(const uint8_t *p, size_t avail)
{
	return avail >= 4 && (fc_rd32(p) & 0x7f) != RV_OP_AUIPC;
}

const struct fc_kept_ops fc_kept_riscv64 = {
	.kinds = riscv64_kept_kinds,
	.nkinds = sizeof riscv64_kept_kinds / sizeof riscv64_kept_kinds[0],
	.insn = riscv64_kept_insn,
	.got = riscv64_kept_got,
	.pair_dest = riscv64_kept_pair_dest,
	.gprel = riscv64_kept_gprel,
	.pair_hi_gone = riscv64_kept_pair_hi_gone,
	.pair_hi_insn = "AUIPC",
	.pair_lo_name = "LO12",
};
