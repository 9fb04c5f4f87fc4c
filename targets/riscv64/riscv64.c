/* riscv64 (RV64GC, LP64D) target.
 *
 * Branch ranges and why this target is different. RISC-V has no single
 * instruction that reaches far: the call the compilers emit is the pair
 *     auipc ra, %pcrel_hi(f)      ; ra = pc + hi20 << 12
 *     jalr  ra, %pcrel_lo(f)(ra)  ; pc = ra + lo12, ra = return address
 * with one relocation, R_RISCV_CALL_PLT (R_RISCV_CALL, now deprecated, is
 * the same), on the AUIPC. The pair reaches +-2 GiB: hi20 is rounded (+0x800) because
 * lo12 is sign-extended, so the exact reach is [-2^31 - 2^11, 2^31 - 2^11).
 * A tail call is the same pair through t1 with rd = x0. Both carry
 * R_RISCV_RELAX beside the CALL_PLT: the linker may shrink the pair to JAL
 * (+-1 MiB, 4 bytes) or C.J (+-2 KiB, 2 bytes; C.JAL is RV32-only, on RV64
 * that encoding is C.ADDIW), deleting the bytes it no longer needs.
 *
 * JAL (R_RISCV_JAL, +-1 MiB) and the conditional branches (R_RISCV_BRANCH,
 * +-4 KiB) get no thunks from bfd, lld or mold: out of range is a link error
 * ("relocation truncated to fit"), never a trampoline. gold has no RISC-V
 * port. Go's linker (cmd/link) is the exception: it inserts trampolines for
 * calls that do not reach, built from AUIPC+JALR through t6 (X31, its
 * REG_TMP).
 * The PLT entries bfd, lld and mold write (auipc t3; ld t3; jalr t1, t3)
 * clobber t3 and t1, `tail` goes through t1, and the lazy-binding PLT
 * header adds t2 (and t0, but emu never runs it): t1, t2 and t3 are the
 * registers a call site may lose.
 *
 * Linker relaxation deletes bytes inside .text (shortened calls, AUIPC or
 * LUI dropped for gp-relative or small addresses, alignment padding the
 * R_RISCV_ALIGN relocations describe), so an offset from a function entry
 * in an object is not the offset in the output: every site gets a local
 * symbol (site_symbols) that the linker moves with the code, and seq_len
 * decodes what is actually there. PC-relative pairs make this visible in
 * the relocations too: R_RISCV_PCREL_LO12_I refers not to the target but to
 * a label on its AUIPC, whose R_RISCV_PCREL_HI20 holds the real value.
 * lld 14 knows no relaxation and rejects R_RISCV_ALIGN; lld 19 relaxes.
 *
 * Every conditional form is written so that the registers every site starts
 * from (emu's baseline: a0 != a1) take the branch.
 *
 * Spec: RISC-V ELF psABI (riscv-elf.adoc: relocations, relaxation),
 * https://github.com/riscv-non-isa/riscv-elf-psabi-doc
 * Instruction encodings: The RISC-V Instruction Set Manual, Volume I
 * (RV32I/RV64I base, "C" standard extension).
 */
#include <errno.h>
#include <string.h>

#include <unicorn/unicorn.h>

#include "../target.h"
#include "../util.h"
#include "disasm.h"

enum {
#define RELOC(n, v, d) n = v,
#include "relocs.def"
#undef RELOC
};

static const struct fc_reloc_info riscv64_relocs[] = {
#define RELOC(n, v, d) {v, #n, d},
#include "relocs.def"
#undef RELOC
};

/* Instruction words the generator emits (all uncompressed). */
#define RV_ADDI_SP_SP_M16 0xff010113u /* addi sp, sp, -16 */
#define RV_SD_RA_8_SP     0x00113423u /* sd ra, 8(sp) */
#define RV_SD_S0_0_SP     0x00813023u /* sd s0, 0(sp) */
#define RV_ADDI_S0_SP_16  0x01010413u /* addi s0, sp, 16 */
#define RV_LD_RA_8_SP     0x00813083u /* ld ra, 8(sp) */
#define RV_LD_S0_0_SP     0x00013403u /* ld s0, 0(sp) */
#define RV_ADDI_SP_SP_16  0x01010113u /* addi sp, sp, 16 */
#define RV_RET            0x00008067u /* ret = jalr x0, 0(ra) */
#define RV_EBREAK         0x00100073u /* ebreak */
#define RV_UNIMP          0xc0001073u /* unimp = csrrw x0, cycle, x0 */
#define RV_AUIPC_RA       0x00000097u /* auipc ra, <hi20> */
#define RV_JALR_RA_RA     0x000080e7u /* jalr ra, <lo12>(ra) */
#define RV_AUIPC_T1       0x00000317u /* auipc t1, <hi20> */
#define RV_ADDI_T1_T1     0x00030313u /* addi t1, t1, <lo12> */
#define RV_JR_T1          0x00030067u /* jalr x0, <lo12>(t1) */
#define RV_JAL_RA         0x000000efu /* jal ra, <imm20> */
#define RV_JAL_X0         0x0000006fu /* jal x0, <imm20> (j) */
#define RV_BNE_A0_A1      0x00b51063u /* bne a0, a1, <imm12> */
#define RV_AUIPC_A0       0x00000517u /* auipc a0, <hi20> */
#define RV_ADDI_A0_A0     0x00050513u /* addi a0, a0, <lo12> */
#define RV_LUI_A0         0x00000537u /* lui a0, <hi20> */
#define RV_LD_A0_A0       0x00053503u /* ld a0, <lo12>(a0) */
#define RVC_EBREAK        0x9002u     /* c.ebreak */

/* Opcode fields (Volume I, "RV32/64G Instruction Set Listings"). */
#define OP_MASK     0x0000007fu
#define OPF3_MASK   0x0000707fu /* opcode + funct3 */
#define OP_LUI      0x37u
#define OP_AUIPC    0x17u
#define OP_JAL      0x6fu
#define OPF3_JALR   0x0067u
#define OP_BRANCH   0x63u
#define OPF3_BNE    0x1063u
#define OPF3_ADDI   0x0013u
#define OPF3_LD     0x3003u
/* Compressed: quadrant (bits 1:0) + funct3 (bits 15:13). */
#define C_MASK      0xe003u
#define C_ADDI      0x0001u /* c.addi rd, imm (c.nop when rd = 0) */
#define C_LI        0x4001u /* c.li rd, imm */
#define C_LUI       0x6001u /* c.lui rd, imm (rd = sp: c.addi16sp) */
#define C_J         0xa001u /* c.j off */
#define C_BEQZ      0xc001u /* c.beqz rs1', off */
#define C_BNEZ      0xe001u /* c.bnez rs1', off */
#define C_LD        0x6000u /* c.ld rd', off(rs1') */
#define C_CR        0x8002u /* c.jr, c.mv, c.ebreak, c.jalr, c.add */

enum { X0 = 0, RA = 1, SP = 2, A0 = 10 }; /* x0, x1, x2, x10 */

enum { F_CALL, F_TAIL, F_JAL, F_BNE, F_AUIPC_ADDI, F_LUI_ADDI, F_AUIPC_GOT,
       F_64, F_32_PCREL };

#define KiB (1LL << 10)
#define MiB (1LL << 20)
#define GiB (1LL << 30)
/* AUIPC + a sign-extended lo12: [-2^31 - 2^11, 2^31 - 2^11). */
#define PAIR_LO (-2 * GiB - 2 * KiB)
#define PAIR_HI (2 * GiB - 2 * KiB - 1)
/* a0 is x10, which is gprs[9]. */
#define RES_A0 (A0 - 1)
static const struct fc_form riscv64_forms[] = {
	[F_CALL] = {"call", "AUIPC+JALR", FC_SEM_CALL, PAIR_LO, PAIR_HI, .plt = true,
		    .weight = 50},
	[F_TAIL] = {"tail", "AUIPC+JALR (tail)", FC_SEM_JUMP, PAIR_LO, PAIR_HI, .plt = true,
		    .tail_only = true, .weight = 8},
	[F_JAL] = {"jal", "JAL", FC_SEM_CALL, -1 * MiB, 1 * MiB - 2, .weight = 5},
	[F_BNE] = {"bne", "BNE", FC_SEM_JUMP, -4 * KiB, 4 * KiB - 2, .weight = 3},
	[F_AUIPC_ADDI] = {"auipc+addi", "AUIPC+ADDI", FC_SEM_ADDR, PAIR_LO, PAIR_HI,
			  .data_target = true, .result = RES_A0, .weight = 6},
	[F_LUI_ADDI] = {"lui+addi", "LUI+ADDI", FC_SEM_ADDR, .abs = true, .abs_max = 0x7ffff7ff,
			.data_target = true, .result = RES_A0, .weight = 2},
	[F_AUIPC_GOT] = {"auipc+ld.got", "AUIPC+LD (GOT)", FC_SEM_ADDR, PAIR_LO, PAIR_HI,
			 .got = true, .data_target = true, .result = RES_A0, .weight = 4},
	[F_64] = {"64", "R_RISCV_64", FC_SEM_DATA, .data_target = true, .reloc = R_RISCV_64,
		  .size = 8, .weight = 3},
	[F_32_PCREL] = {"32_pcrel", "R_RISCV_32_PCREL", FC_SEM_DATA, -2 * GiB, 2 * GiB - 1,
			.data_target = true, .reloc = R_RISCV_32_PCREL, .size = 4, .weight = 2},
};

/* A relocation against the site's target, and R_RISCV_RELAX beside it
 * (same offset, as GNU as writes them) when the case asks for relaxation. */
static void rel(struct fc_code *c, uint32_t type, bool relax)
{
	fc_code_reloc(c, type, FC_REF_TARGET, 0, 0, 0);
	if (relax)
		fc_code_reloc(c, R_RISCV_RELAX, FC_REF_TARGET, 0, 0, 0);
}

/* The %pcrel_lo half of a pair: it refers to the label on the AUIPC
 * (the site's first byte), not to the target. */
static void rel_lo(struct fc_code *c, uint32_t type, const struct fc_emit *x, bool relax)
{
	fc_code_reloc(c, type, FC_REF_LABEL, x->site_label, 0, 0);
	if (relax)
		fc_code_reloc(c, R_RISCV_RELAX, FC_REF_TARGET, 0, 0, 0);
}

/* Every function is a real LP64 frame with a frame pointer, so that later
 * checks (CFI by execution) have something true to compare against:
 *     addi sp, sp, -16
 *     sd   ra, 8(sp)
 *     sd   s0, 0(sp)
 *     addi s0, sp, 16
 *     <sites>
 *     ld   ra, 8(sp)
 *     ld   s0, 0(sp)
 *     addi sp, sp, 16
 *     ret | tail tail_callee     ; the entry function ends in ebreak
 * No instruction is compressed: the generator knows every length. */
static void riscv64_prologue(struct fc_code *c)
{
	fc_code_put32(c, RV_ADDI_SP_SP_M16);
	fc_code_put32(c, RV_SD_RA_8_SP);
	fc_code_put32(c, RV_SD_S0_0_SP);
	fc_code_put32(c, RV_ADDI_S0_SP_16);
}

static void riscv64_epilogue(struct fc_code *c)
{
	fc_code_put32(c, RV_LD_RA_8_SP);
	fc_code_put32(c, RV_LD_S0_0_SP);
	fc_code_put32(c, RV_ADDI_SP_SP_16);
}

/* Frames of every kind (uncompressed, so the generator knows each length):
 *   calls:     addi sp, sp, -size          CFA sp+size
 *              sd ra, size-8(sp)           ra at CFA-8
 *              sd s0, size-16(sp)          s0 at CFA-16
 *              addi s0, sp, size
 *              ...
 *              ld ra, size-8(sp)           ra back
 *              ld s0, size-16(sp)
 *              addi sp, sp, size           CFA sp
 *   leaf with stack: addi sp, sp, -size ... addi sp, sp, size
 *   leaf without: nothing; the return address stays in ra. */
static uint32_t rv_addi(unsigned rd, unsigned rs1, int32_t imm) /* addi rd, rs1, imm */
{
	return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | rd << 7 | 0x13;
}
static uint32_t rv_sd(unsigned rs2, int32_t off) /* sd rs2, off(sp) */
{
	uint32_t u = (uint32_t)off & 0xfff;
	return (u >> 5) << 25 | rs2 << 20 | 2u << 15 | 3u << 12 | (u & 31) << 7 | 0x23;
}
static uint32_t rv_ld(unsigned rd, int32_t off) /* ld rd, off(sp) */
{
	return ((uint32_t)off & 0xfff) << 20 | 2u << 15 | 3u << 12 | rd << 7 | 0x03;
}

static void rv_step(struct fc_cfa_step *st, unsigned *n, const struct fc_code *c, size_t b,
		    int32_t cfa, int8_t ra, int8_t fp)
{
	st[(*n)++] = (struct fc_cfa_step){(uint32_t)(c->len - b), cfa, ra, fp};
}

static void riscv64_frame_enter(struct fc_code *c, const struct fc_frame *fr,
				struct fc_cfa_step *st, unsigned *n)
{
	size_t b = c->len;
	int32_t z = (int32_t)fr->size;
	*n = 0;
	if (fr->kind == FC_FRAME_NONE)
		return;
	fc_code_put32(c, rv_addi(2, 2, -z));                 /* addi sp, sp, -size */
	rv_step(st, n, c, b, z, 0, 0);
	if (fr->kind == FC_FRAME_SAVE) {
		fc_code_put32(c, rv_sd(1, z - 8));            /* sd ra, size-8(sp) */
		rv_step(st, n, c, b, z, -8, 0);
		fc_code_put32(c, rv_sd(8, z - 16));           /* sd s0, size-16(sp) */
		rv_step(st, n, c, b, z, -8, -16);
		fc_code_put32(c, rv_addi(8, 2, z));           /* addi s0, sp, size */
	}
}

static void riscv64_frame_leave(struct fc_code *c, const struct fc_frame *fr,
				struct fc_cfa_step *st, unsigned *n)
{
	size_t b = c->len;
	int32_t z = (int32_t)fr->size;
	*n = 0;
	if (fr->kind == FC_FRAME_NONE)
		return;
	if (fr->kind == FC_FRAME_SAVE) {
		fc_code_put32(c, rv_ld(1, z - 8));            /* ld ra, size-8(sp) */
		rv_step(st, n, c, b, z, 0, -16);
		fc_code_put32(c, rv_ld(8, z - 16));           /* ld s0, size-16(sp) */
		rv_step(st, n, c, b, z, 0, 0);
	}
	fc_code_put32(c, rv_addi(2, 2, z));                  /* addi sp, sp, size */
	rv_step(st, n, c, b, 0, 0, 0);
}

static void riscv64_return(struct fc_code *c, bool is_entry)
{
	fc_code_put32(c, is_entry ? RV_EBREAK : RV_RET);
}

static int riscv64_emit_site(struct fc_code *c, const struct fc_form *f, const struct fc_emit *x)
{
	switch (f - riscv64_forms) {
	case F_CALL:
		rel(c, R_RISCV_CALL_PLT, x->relax);
		fc_code_put32(c, RV_AUIPC_RA);   /* auipc ra, 0 */
		fc_code_put32(c, RV_JALR_RA_RA); /* jalr ra, 0(ra) */
		break;
	case F_TAIL:
		rel(c, R_RISCV_CALL_PLT, x->relax);
		fc_code_put32(c, RV_AUIPC_T1);   /* auipc t1, 0 */
		fc_code_put32(c, RV_JR_T1);      /* jalr x0, 0(t1) */
		break;
	case F_JAL:
		rel(c, R_RISCV_JAL, false);
		fc_code_put32(c, RV_JAL_RA);     /* jal ra, . */
		break;
	case F_BNE:
		rel(c, R_RISCV_BRANCH, false);
		fc_code_put32(c, RV_BNE_A0_A1);  /* bne a0, a1, . */
		break;
	case F_AUIPC_ADDI:
		rel(c, R_RISCV_PCREL_HI20, x->relax);
		fc_code_put32(c, RV_AUIPC_A0);   /* auipc a0, 0 */
		rel_lo(c, R_RISCV_PCREL_LO12_I, x, x->relax);
		fc_code_put32(c, RV_ADDI_A0_A0); /* addi a0, a0, 0 */
		break;
	case F_LUI_ADDI:
		rel(c, R_RISCV_HI20, x->relax);
		fc_code_put32(c, RV_LUI_A0);     /* lui a0, 0 */
		rel(c, R_RISCV_LO12_I, x->relax);
		fc_code_put32(c, RV_ADDI_A0_A0); /* addi a0, a0, 0 */
		break;
	case F_AUIPC_GOT:
		rel(c, R_RISCV_GOT_HI20, false);
		fc_code_put32(c, RV_AUIPC_A0);   /* auipc a0, 0 */
		rel_lo(c, R_RISCV_PCREL_LO12_I, x, false);
		fc_code_put32(c, RV_LD_A0_A0);   /* ld a0, 0(a0) */
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

/* Immediate fields. */
static uint32_t hi20(int64_t v) /* rounded: lo12 is sign-extended */
{
	return (uint32_t)((uint64_t)(v + 0x800) >> 12) & 0xfffffu;
}

static uint32_t set_u(uint32_t w, uint32_t hi)
{
	return (w & 0x00000fffu) | hi << 12;
}

static uint32_t set_i(uint32_t w, uint64_t v)
{
	return (w & 0x000fffffu) | (uint32_t)(v & 0xfff) << 20;
}

static uint32_t set_s(uint32_t w, uint64_t v)
{
	uint32_t lo = (uint32_t)(v & 0xfff);
	return (w & 0x01fff07fu) | (lo >> 5) << 25 | (lo & 0x1f) << 7;
}

/* J: imm[20|10:1|11|19:12] in bits 31|30:21|20|19:12. */
static uint32_t set_j(uint32_t w, int64_t d)
{
	uint32_t u = (uint32_t)d;
	return (w & 0x00000fffu) | ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 |
	       ((u >> 11) & 1) << 20 | ((u >> 12) & 0xff) << 12;
}

/* B: imm[12|10:5] in bits 31|30:25, imm[4:1|11] in bits 11:8|7. */
static uint32_t set_b(uint32_t w, int64_t d)
{
	uint32_t u = (uint32_t)d;
	return (w & 0x01fff07fu) | ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 |
	       ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7;
}

/* CJ: offset[11|4|9:8|10|6|7|3:1|5] in bits 12:2. */
static uint16_t set_cj(uint16_t h, int64_t d)
{
	uint32_t u = (uint32_t)d;
	return (uint16_t)((h & ~0x1ffcu) | ((u >> 11) & 1) << 12 | ((u >> 4) & 1) << 11 |
			  ((u >> 8) & 3) << 9 | ((u >> 10) & 1) << 8 | ((u >> 6) & 1) << 7 |
			  ((u >> 7) & 1) << 6 | ((u >> 1) & 7) << 3 | ((u >> 5) & 1) << 2);
}

/* CB: offset[8|4:3] in bits 12:10, offset[7:6|2:1|5] in bits 6:2. */
static uint16_t set_cb(uint16_t h, int64_t d)
{
	uint32_t u = (uint32_t)d;
	return (uint16_t)((h & ~0x1c7cu) | ((u >> 8) & 1) << 12 | ((u >> 3) & 3) << 10 |
			  ((u >> 6) & 3) << 5 | ((u >> 1) & 3) << 3 | ((u >> 5) & 1) << 2);
}

static bool fits_pair(int64_t v)
{
	return v >= PAIR_LO && v <= PAIR_HI;
}

static bool fits_even(int64_t d, int64_t lo, int64_t hi)
{
	return !(d & 1) && d >= lo && d <= hi;
}

static int riscv64_apply_reloc(uint32_t type, uint8_t *loc, uint64_t P, uint64_t SA)
{
	int64_t d = (int64_t)(SA - P);
	/* Only the immediate field changes: the opcode and registers of the
	 * word that is there stay. */
	switch (type) {
	case R_RISCV_NONE:
	case R_RISCV_RELAX: /* marks its neighbour relaxable: nothing to write */
	case R_RISCV_ALIGN: /* padding the linker has already resolved */
		return 0;
	case R_RISCV_CALL:
	case R_RISCV_CALL_PLT: /* auipc rX, hi20 ; jalr rY, lo12(rX) */
		if (!fits_pair(d))
			return -ERANGE;
		fc_wr32(loc, set_u(fc_rd32(loc), hi20(d)));
		fc_wr32(loc + 4, set_i(fc_rd32(loc + 4), (uint64_t)d));
		return 0;
	case R_RISCV_JAL:
		if (!fits_even(d, -1 * MiB, 1 * MiB - 2))
			return -ERANGE;
		fc_wr32(loc, set_j(fc_rd32(loc), d));
		return 0;
	case R_RISCV_BRANCH:
		if (!fits_even(d, -4 * KiB, 4 * KiB - 2))
			return -ERANGE;
		fc_wr32(loc, set_b(fc_rd32(loc), d));
		return 0;
	case R_RISCV_PCREL_HI20:
	case R_RISCV_GOT_HI20: /* applied to the GOT entry's address */
		if (!fits_pair(d))
			return -ERANGE;
		fc_wr32(loc, set_u(fc_rd32(loc), hi20(d)));
		return 0;
	/* The %pcrel_lo relocations name the label of their AUIPC, and the value
	 * they encode is the one of that AUIPC's PCREL_HI20 (or GOT_HI20). By the
	 * convention of this hook the caller has resolved that already: SA is the
	 * full pc-relative value (target - address of the AUIPC) and P is not
	 * used; its low 12 bits go into the immediate. */
	case R_RISCV_PCREL_LO12_I:
		fc_wr32(loc, set_i(fc_rd32(loc), SA));
		return 0;
	case R_RISCV_PCREL_LO12_S:
		fc_wr32(loc, set_s(fc_rd32(loc), SA));
		return 0;
	case R_RISCV_HI20:
		if (!fits_pair((int64_t)SA))
			return -ERANGE;
		fc_wr32(loc, set_u(fc_rd32(loc), hi20((int64_t)SA)));
		return 0;
	case R_RISCV_LO12_I:
		fc_wr32(loc, set_i(fc_rd32(loc), SA));
		return 0;
	case R_RISCV_LO12_S:
		fc_wr32(loc, set_s(fc_rd32(loc), SA));
		return 0;
	case R_RISCV_RVC_JUMP:
		if (!fits_even(d, -2 * KiB, 2 * KiB - 2))
			return -ERANGE;
		fc_wr16(loc, set_cj(fc_rd16(loc), d));
		return 0;
	case R_RISCV_RVC_BRANCH:
		if (!fits_even(d, -256, 254))
			return -ERANGE;
		fc_wr16(loc, set_cb(fc_rd16(loc), d));
		return 0;
	case R_RISCV_32: /* unsigned or signed 32 bits: [-2^31, 2^32) */
		if ((int64_t)SA >= (1LL << 32) || (int64_t)SA < -(1LL << 31))
			return -ERANGE;
		fc_wr32(loc, (uint32_t)SA);
		return 0;
	case R_RISCV_64:
		fc_wr64(loc, SA);
		return 0;
	case R_RISCV_32_PCREL:
		if (d < -(1LL << 31) || d > (1LL << 31) - 1)
			return -ERANGE;
		fc_wr32(loc, (uint32_t)d);
		return 0;
	/* Label differences (.eh_frame, .debug_line, jump tables): a SUB and
	 * an ADD (or a SET and a SUB) on the same word, each one accumulating
	 * into what the word holds, as the psABI computes them. */
	case R_RISCV_ADD16:
		fc_wr16(loc, (uint16_t)(fc_rd16(loc) + (uint16_t)SA));
		return 0;
	case R_RISCV_SUB16:
		fc_wr16(loc, (uint16_t)(fc_rd16(loc) - (uint16_t)SA));
		return 0;
	case R_RISCV_ADD32:
		fc_wr32(loc, fc_rd32(loc) + (uint32_t)SA);
		return 0;
	case R_RISCV_SUB32:
		fc_wr32(loc, fc_rd32(loc) - (uint32_t)SA);
		return 0;
	case R_RISCV_ADD64:
		fc_wr64(loc, fc_rd64(loc) + SA);
		return 0;
	case R_RISCV_SUB64:
		fc_wr64(loc, fc_rd64(loc) - SA);
		return 0;
	case R_RISCV_SET6:
		loc[0] = (uint8_t)((loc[0] & 0xc0) | (SA & 0x3f));
		return 0;
	case R_RISCV_SUB6:
		loc[0] = (uint8_t)((loc[0] & 0xc0) | ((loc[0] - SA) & 0x3f));
		return 0;
	case R_RISCV_SET8:
		loc[0] = (uint8_t)SA;
		return 0;
	case R_RISCV_SET16:
		fc_wr16(loc, (uint16_t)SA);
		return 0;
	case R_RISCV_SET32:
		fc_wr32(loc, (uint32_t)SA);
		return 0;
	default:
		return -EINVAL;
	}
}


static int64_t imm_j(uint32_t w)
{
	return fc_sext((w >> 31 & 1) << 20 | (w >> 21 & 0x3ff) << 1 | (w >> 20 & 1) << 11 |
		    (w >> 12 & 0xff) << 12, 21);
}

static int64_t imm_b(uint32_t w)
{
	return fc_sext((w >> 31 & 1) << 12 | (w >> 25 & 0x3f) << 5 | (w >> 8 & 0xf) << 1 |
		    (w >> 7 & 1) << 11, 13);
}

static int64_t imm_cj(uint16_t h)
{
	return fc_sext((uint64_t)(h >> 12 & 1) << 11 | (h >> 11 & 1) << 4 | (h >> 9 & 3) << 8 |
		    (h >> 8 & 1) << 10 | (h >> 7 & 1) << 6 | (h >> 6 & 1) << 7 |
		    (h >> 3 & 7) << 1 | (h >> 2 & 1) << 5, 12);
}

static int64_t imm_cb(uint16_t h)
{
	return fc_sext((uint64_t)(h >> 12 & 1) << 8 | (h >> 10 & 3) << 3 | (h >> 5 & 3) << 6 |
		    (h >> 3 & 3) << 1 | (h >> 2 & 1) << 5, 9);
}

static unsigned rd_of(uint32_t w) { return w >> 7 & 31; }
static unsigned rs1_of(uint32_t w) { return w >> 15 & 31; }

/* Length of the instruction at p, 0 when it is not all there. Encodings
 * longer than 32 bits are not part of any ratified extension; they count
 * as 32-bit words here. */
static unsigned insn_len(const uint8_t *p, size_t avail)
{
	if (avail < 2)
		return 0;
	unsigned n = (p[0] & 3) != 3 ? 2 : 4;
	return avail < n ? 0 : n;
}

static unsigned riscv64_decode(const uint8_t *p, size_t avail, uint64_t pc,
			       enum fc_insn_type *type, uint64_t *dest)
{
	*type = FC_INSN_OTHER;
	*dest = 0;
	unsigned n = insn_len(p, avail);
	if (n == 2) {
		uint16_t h = fc_rd16(p);
		unsigned rs1 = h >> 7 & 31, rs2 = h >> 2 & 31;
		if (h == 0) {                                   /* illegal (c.unimp) */
			*type = FC_INSN_TRAP;
		} else if ((h & C_MASK) == C_J) {               /* c.j */
			*type = FC_INSN_JUMP;
			*dest = pc + (uint64_t)imm_cj(h);
		} else if ((h & C_MASK) == C_BEQZ || (h & C_MASK) == C_BNEZ) { /* c.beqz, c.bnez */
			*type = FC_INSN_JUMP_COND;
			*dest = pc + (uint64_t)imm_cb(h);
		} else if ((h & 0xf003u) == C_CR && rs2 == 0 && rs1 != 0) { /* c.jr rs1 */
			*type = rs1 == RA ? FC_INSN_RET : FC_INSN_JUMP_IND;
		} else if (h == RVC_EBREAK) {                   /* c.ebreak */
			*type = FC_INSN_TRAP;
		} else if ((h & 0xf003u) == (C_CR | 0x1000u) && rs2 == 0) { /* c.jalr rs1 */
			*type = FC_INSN_CALL_IND;
		}
		/* C.JAL (RV32 only) is C.ADDIW on RV64: OTHER. */
	} else if (n == 4) {
		uint32_t w = fc_rd32(p);
		if ((w & OP_MASK) == OP_JAL) {                  /* jal rd, off */
			/* rd = x0 is a jump (j); ra or t0 (the alternate link
			 * register) is a call, and so is any other link. */
			*type = rd_of(w) == X0 ? FC_INSN_JUMP : FC_INSN_CALL;
			*dest = pc + (uint64_t)imm_j(w);
		} else if ((w & OPF3_MASK) == OPF3_JALR) {      /* jalr rd, imm(rs1) */
			if (rd_of(w) != X0)
				*type = FC_INSN_CALL_IND;
			else if (rs1_of(w) == RA && (w >> 20) == 0)
				*type = FC_INSN_RET;            /* ret */
			else
				*type = FC_INSN_JUMP_IND;       /* jr rs1 */
		} else if ((w & OP_MASK) == OP_BRANCH && (w >> 12 & 7) != 2 &&
			   (w >> 12 & 7) != 3) {                /* beq bne blt bge bltu bgeu */
			*type = FC_INSN_JUMP_COND;
			*dest = pc + (uint64_t)imm_b(w);
		} else if (w == RV_EBREAK || w == RV_UNIMP) {   /* ebreak, unimp */
			*type = FC_INSN_TRAP;
		}
	}
	return n;
}

/* What relaxation may leave of a sequence. */
static bool is_auipc(uint32_t w) { return (w & OP_MASK) == OP_AUIPC; }
static bool is_lui(uint32_t w) { return (w & OP_MASK) == OP_LUI; }
static bool is_jalr(uint32_t w) { return (w & OPF3_MASK) == OPF3_JALR; }
static bool is_jal(uint32_t w) { return (w & OP_MASK) == OP_JAL; }
static bool is_c_lui(uint16_t h)
{
	unsigned rd = h >> 7 & 31;
	return (h & C_MASK) == C_LUI && rd != X0 && rd != SP;
}

/* The second half of an address sequence (or all that is left of it):
 * addi or ld, or their compressed forms (c.addi, c.li, c.ld). */
static bool is_lo_insn(const uint8_t *p, unsigned n)
{
	if (n == 4) {
		uint32_t w = fc_rd32(p);
		return (w & OPF3_MASK) == OPF3_ADDI || (w & OPF3_MASK) == OPF3_LD;
	}
	uint16_t h = fc_rd16(p);
	unsigned rd = h >> 7 & 31; /* c.addi, c.li with rd = x0 are hints (c.nop) */
	return n == 2 && (((h & C_MASK) == C_ADDI && rd) || ((h & C_MASK) == C_LI && rd) ||
			  (h & C_MASK) == C_LD);
}

/* Linker relaxation rewrites these sequences, so this decodes what the
 * output holds rather than trusting the form:
 *   call/tail: auipc+jalr (8 bytes, 2 insns), or what relaxation made of it,
 *              jal (4) or c.j (2);
 *   jal, bne:  4 bytes, 1 insn, never relaxed;
 *   address:   auipc/lui/c.lui followed by addi/ld (possibly compressed),
 *              or the addi/ld alone once the AUIPC or LUI has been deleted
 *              (gp-relative or small absolute addresses). */
static unsigned riscv64_seq_len(const struct fc_form *f, const uint8_t *p, size_t avail,
				uint64_t pc, unsigned *ninsns)
{
	(void)pc;
	unsigned n = insn_len(p, avail);
	if (!n)
		return 0;
	uint32_t w = n == 4 ? fc_rd32(p) : fc_rd16(p);
	switch (f - riscv64_forms) {
	case F_CALL:
	case F_TAIL: {
		/* A call links (rd = ra), a tail call does not (rd = x0): what
		 * tells `farcall check` which one a binary's sequence is. */
		unsigned link = f - riscv64_forms == F_CALL ? 1 : 0;
		if (n == 4 && is_auipc(w) && insn_len(p + 4, avail - 4) == 4) {
			uint32_t w2 = fc_rd32(p + 4);
			if (is_jalr(w2) && rs1_of(w2) == rd_of(w) && rd_of(w2) == link) {
				*ninsns = 2;
				return 8;
			}
			return 0;
		}
		if ((n == 4 && is_jal(w) && rd_of(w) == link) ||
		    (n == 2 && !link && (w & C_MASK) == C_J)) {
			*ninsns = 1;
			return n;
		}
		return 0;
	}
	case F_JAL:
		if (n != 4 || !is_jal(w) || rd_of(w) != 1) /* jal ra, ... */
			return 0;
		*ninsns = 1;
		return 4;
	case F_BNE:
		if (n != 4 || (w & OP_MASK) != OP_BRANCH)
			return 0;
		*ninsns = 1;
		return 4;
	case F_AUIPC_ADDI:
	case F_LUI_ADDI:
	case F_AUIPC_GOT:
		if ((n == 4 && (is_auipc(w) || is_lui(w))) || (n == 2 && is_c_lui((uint16_t)w))) {
			unsigned m = insn_len(p + n, avail - n);
			if (!m || !is_lo_insn(p + n, m))
				return 0;
			*ninsns = 2;
			return n + m;
		}
		if (is_lo_insn(p, n)) {
			*ninsns = 1;
			return n;
		}
		return 0;
	default:
		return 0;
	}
}

/* auipc rX, hi ; jalr rd, lo(rX): pc + hi<<12 + lo. */
static int riscv64_seq_dest(const struct fc_form *f, const uint8_t *p, size_t avail, uint64_t pc,
			    uint64_t *dest)
{
	unsigned n;
	if (!riscv64_seq_len(f, p, avail, pc, &n) || n != 2)
		return 0;
	uint32_t w = fc_rd32(p), w2 = fc_rd32(p + 4);
	if (!is_auipc(w) || !is_jalr(w2))
		return 0;
	int64_t hi = (int64_t)(int32_t)(w & 0xfffff000u);
	int64_t lo = fc_sext(w2 >> 20, 12);
	*dest = pc + (uint64_t)(hi + lo);
	return 1;
}

static const int riscv64_go_scratch[] = {UC_RISCV_REG_X31}; /* t6: Go's trampolines */

static size_t riscv64_enc_jump_abs(uint8_t *buf, uint64_t at, uint64_t dest)
{
	int64_t d = (int64_t)(dest - at);
	if (!fits_pair(d))
		return 0;
	fc_wr32(buf, set_u(RV_AUIPC_T1, hi20(d)));                    /* auipc t1, %hi */
	fc_wr32(buf + 4, set_i(RV_ADDI_T1_T1, (uint64_t)d));          /* addi t1, t1, %lo */
	fc_wr32(buf + 8, RV_JR_T1);                                   /* jalr x0, 0(t1) */
	return 12;
}

static size_t riscv64_enc_jump(uint8_t *buf, uint64_t at, uint64_t dest)
{
	int64_t d = (int64_t)(dest - at);
	if (!fits_even(d, -1 * MiB, 1 * MiB - 2))
		return 0;
	fc_wr32(buf, set_j(RV_JAL_X0, d)); /* jal x0, dest */
	return 4;
}

/* x1..x31: index i is x(i+1); x0 is not a register anyone can change. */
static const int riscv64_gprs[] = {
	UC_RISCV_REG_X1,  UC_RISCV_REG_X2,  UC_RISCV_REG_X3,  UC_RISCV_REG_X4,
	UC_RISCV_REG_X5,  UC_RISCV_REG_X6,  UC_RISCV_REG_X7,  UC_RISCV_REG_X8,
	UC_RISCV_REG_X9,  UC_RISCV_REG_X10, UC_RISCV_REG_X11, UC_RISCV_REG_X12,
	UC_RISCV_REG_X13, UC_RISCV_REG_X14, UC_RISCV_REG_X15, UC_RISCV_REG_X16,
	UC_RISCV_REG_X17, UC_RISCV_REG_X18, UC_RISCV_REG_X19, UC_RISCV_REG_X20,
	UC_RISCV_REG_X21, UC_RISCV_REG_X22, UC_RISCV_REG_X23, UC_RISCV_REG_X24,
	UC_RISCV_REG_X25, UC_RISCV_REG_X26, UC_RISCV_REG_X27, UC_RISCV_REG_X28,
	UC_RISCV_REG_X29, UC_RISCV_REG_X30, UC_RISCV_REG_X31,
};
static const char *const riscv64_gpr_names[] = {
	"ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0",
	"s1", "a0", "a1", "a2", "a3", "a4", "a5", "a6",
	"a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8",
	"s9", "s10", "s11", "t3", "t4", "t5", "t6",
};
/* What the PLT stubs (t1, t2, t3: bfd, lld, mold) and the `tail` pseudo
 * instruction (t1) clobber. */
static const int riscv64_scratch[] = {UC_RISCV_REG_X6, UC_RISCV_REG_X7, UC_RISCV_REG_X28};

/* RISC-V psABI: DWARF 0-31 are x0-x31 (x0 has no Unicorn register). */
static const int riscv64_dwarf[] = {
	-1,              UC_RISCV_REG_X1,  UC_RISCV_REG_X2,  UC_RISCV_REG_X3,
	UC_RISCV_REG_X4,  UC_RISCV_REG_X5,  UC_RISCV_REG_X6,  UC_RISCV_REG_X7,
	UC_RISCV_REG_X8,  UC_RISCV_REG_X9,  UC_RISCV_REG_X10, UC_RISCV_REG_X11,
	UC_RISCV_REG_X12, UC_RISCV_REG_X13, UC_RISCV_REG_X14, UC_RISCV_REG_X15,
	UC_RISCV_REG_X16, UC_RISCV_REG_X17, UC_RISCV_REG_X18, UC_RISCV_REG_X19,
	UC_RISCV_REG_X20, UC_RISCV_REG_X21, UC_RISCV_REG_X22, UC_RISCV_REG_X23,
	UC_RISCV_REG_X24, UC_RISCV_REG_X25, UC_RISCV_REG_X26, UC_RISCV_REG_X27,
	UC_RISCV_REG_X28, UC_RISCV_REG_X29, UC_RISCV_REG_X30, UC_RISCV_REG_X31,
};

/* IFUNC resolvers: a0 = AT_HWCAP, one bit per single-letter extension
 * (Linux arch/riscv/include/asm/hwcap.h: bit = letter - 'a'). The CPU they
 * are told of: RV64IMAFDC (RV64GC), I|M|A|F|D|C = 0x112d. glibc 2.36 has no
 * IFUNCs of its own on riscv64 (its static binaries carry no IRELATIVE); a
 * program's own resolvers get this. */
static const struct fc_ifunc_abi riscv64_ifunc = {
	.hwcap = (1u << ('i' - 'a')) | (1u << ('m' - 'a')) | (1u << ('a' - 'a')) |
		 (1u << ('f' - 'a')) | (1u << ('d' - 'a')) | (1u << ('c' - 'a')),
	.features = "rv64imafdc",
	.nargs = 1,
	.arg_regs = {UC_RISCV_REG_A0, UC_RISCV_REG_A1},
	.reg_ret = UC_RISCV_REG_A0,
};

const struct target fc_target_riscv64 = {
	.name = "riscv64",
	.aliases = "riscv rv64",
	.e_machine = 243, /* EM_RISCV */
	.e_flags = 0x5,   /* EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE */
	.uc_arch = UC_ARCH_RISCV,
	.uc_mode = UC_MODE_RISCV64,
	.insn_align = 2,
	.func_align = 4,
	.reg_pc = UC_RISCV_REG_PC,
	.reg_sp = UC_RISCV_REG_X2,
	.reg_ra = UC_RISCV_REG_X1,
	.gprs = riscv64_gprs,
	.gpr_names = riscv64_gpr_names,
	.ngprs = sizeof riscv64_gprs / sizeof riscv64_gprs[0],
	.scratch = riscv64_scratch,
	.nscratch = sizeof riscv64_scratch / sizeof riscv64_scratch[0],
	.go_scratch = riscv64_go_scratch,
	.ngo_scratch = 1,
	.seq_dest = riscv64_seq_dest,
	.dwarf_regs = riscv64_dwarf,
	.ndwarf_regs = 32,
	.dwarf_ra_column = 1,
	.dwarf_sp = 2,
	.gp_symbol = "__global_pointer$", /* relaxation makes gp-relative addi */
	.reg_gp = UC_RISCV_REG_X3,
	.site_symbols = true,
	.go_g = UC_RISCV_REG_X27, /* g is s11 (x27) */
	.go_trampolines = true,
	.relocs = riscv64_relocs,
	.nrelocs = sizeof riscv64_relocs / sizeof riscv64_relocs[0],
	.kept = &fc_kept_riscv64,
	.ifunc = &riscv64_ifunc,
	.plt_align = 4,
	.forms = riscv64_forms,
	.nforms = sizeof riscv64_forms / sizeof riscv64_forms[0],
	.emit_prologue = riscv64_prologue,
	.emit_epilogue = riscv64_epilogue,
	.frame_enter = riscv64_frame_enter,
	.frame_leave = riscv64_frame_leave,
	.cfa_entry = 0,
	.ra_entry = 0,
	.dwarf_fp = 8,
	.r_abs64 = R_RISCV_64,
	.r_abs32 = R_RISCV_32,
	.r_prel32 = R_RISCV_32_PCREL,
	.r_add16 = R_RISCV_ADD16,
	.r_sub16 = R_RISCV_SUB16,
	.r_add32 = R_RISCV_ADD32,
	.r_sub32 = R_RISCV_SUB32,
	.r_add64 = R_RISCV_ADD64,
	.r_set32 = R_RISCV_SET32,
	.r_sub64 = R_RISCV_SUB64,
	.emit_return = riscv64_return,
	.emit_site = riscv64_emit_site,
	.apply_reloc = riscv64_apply_reloc,
	.decode = riscv64_decode,
	.seq_len = riscv64_seq_len,
	.disasm = fc_riscv_disasm,
	.enc_jump_abs = riscv64_enc_jump_abs,
	.enc_jump = riscv64_enc_jump,
};
