/* arm64 (AArch64) target.
 *
 * Branch ranges and why thunks exist here. A direct call is BL with a
 * signed 26-bit word offset: +-128 MiB from the BL itself (R_AARCH64_CALL26;
 * B, the tail call, is R_AARCH64_JUMP26 with the same field). When the callee
 * is further, the linker must route the branch through a thunk ("veneer" in
 * bfd) that it places within range. AAPCS64 reserves x16 and x17 (IP0/IP1)
 * for exactly that: a veneer may clobber them and nothing else. Conditional
 * branches (B.cond, CBZ: +-1 MiB, R_AARCH64_CONDBR19; TBZ: +-32 KiB,
 * R_AARCH64_TSTBR14) get no thunks from any linker: out of range they are a
 * link error. ADRP reaches +-4 GiB in pages; a GOT load (ADRP+LDR) may be
 * relaxed by the linker into ADRP+ADD, same length, same result.
 *
 * Thunk shapes vary (lld: ldr x16, lit; br x16 or adrp/add/br; bfd: adrp/add/br
 * or a literal form using x16 and x17; gold: adrp/add/br; mold: f$thunkN), and
 * farcall never looks at them: it executes them.
 *
 * Every conditional form is written so that the registers every site starts
 * from (emu's baseline: NZCV = 0, x0 odd and non-zero) take the branch.
 *
 * Spec: ELF for the Arm 64-bit Architecture (AArch64),
 * https://github.com/ARM-software/abi-aa/blob/main/aaelf64/aaelf64.rst
 * Procedure Call Standard: https://github.com/ARM-software/abi-aa/blob/main/aapcs64/aapcs64.rst
 */
#include <errno.h>
#include <string.h>

#include <capstone/capstone.h>
#include <unicorn/unicorn.h>

#include "../target.h"
#include "../util.h"

enum {
#define RELOC(n, v, d) n = v,
#include "relocs.def"
#undef RELOC
};

static const struct fc_reloc_info arm64_relocs[] = {
#define RELOC(n, v, d) {v, #n, d},
#include "relocs.def"
#undef RELOC
};

/* Instruction words the generator emits. */
#define A64_STP_FP_LR_PRE  0xa9bf7bfdu /* stp x29, x30, [sp, #-16]! */
#define A64_MOV_FP_SP      0x910003fdu /* mov x29, sp */
#define A64_LDP_FP_LR_POST 0xa8c17bfdu /* ldp x29, x30, [sp], #16 */
#define A64_RET            0xd65f03c0u /* ret */
#define A64_BRK_0          0xd4200000u /* brk #0 */
#define A64_BL             0x94000000u /* bl <imm26 * 4> */
#define A64_B              0x14000000u /* b <imm26 * 4> */
#define A64_B_NE           0x54000001u /* b.ne <imm19 * 4> */
#define A64_CBNZ_X0        0xb5000000u /* cbnz x0, <imm19 * 4> */
#define A64_TBNZ_X0_0      0x37000000u /* tbnz w0, #0, <imm14 * 4> */
#define A64_ADRP_X0        0x90000000u /* adrp x0, <page> */
#define A64_ADD_X0_X0      0x91000000u /* add x0, x0, #<lo12> */
#define A64_LDR_X0_X0      0xf9400000u /* ldr x0, [x0, #<lo12>] */
#define A64_MOVZ_X0        0xd2800000u /* movz x0, #<g0> */
#define A64_MOVK_X0_16     0xf2a00000u /* movk x0, #<g1>, lsl #16 */
#define A64_MOVK_X0_32     0xf2c00000u /* movk x0, #<g2>, lsl #32 */
#define A64_MOVK_X0_48     0xf2e00000u /* movk x0, #<g3>, lsl #48 */
#define A64_LDR_X0_LIT     0x58000000u /* ldr x0, <imm19 * 4> */
#define A64_BR_X16         0xd61f0200u /* br x16 */
#define A64_MOVZ_X16       0xd2800010u /* movz x16, #imm, lsl #16*hw */
#define A64_MOVK_X16       0xf2800010u /* movk x16, #imm, lsl #16*hw */

enum { F_BL, F_B, F_BNE, F_CBNZ, F_TBNZ, F_ADRP_ADD, F_ADRP_GOT, F_MOVW, F_LDR_LIT,
       F_ABS64, F_PREL32, F_PREL64 };

#define MiB (1LL << 20)
#define GiB (1LL << 30)
static const struct fc_form arm64_forms[] = {
	[F_BL] = {"bl", "BL", FC_SEM_CALL, -128 * MiB, 128 * MiB - 4, .thunkable = true,
		  .plt = true, .weight = 60},
	[F_B] = {"b", "B", FC_SEM_JUMP, -128 * MiB, 128 * MiB - 4, .thunkable = true,
		 .plt = true, .tail_only = true, .weight = 8},
	[F_BNE] = {"b.ne", "B.NE", FC_SEM_JUMP, -1 * MiB, 1 * MiB - 4, .weight = 3},
	[F_CBNZ] = {"cbnz", "CBNZ", FC_SEM_JUMP, -1 * MiB, 1 * MiB - 4, .weight = 2},
	[F_TBNZ] = {"tbnz", "TBNZ", FC_SEM_JUMP, -32768, 32764, .weight = 2},
	[F_ADRP_ADD] = {"adrp+add", "ADRP+ADD", FC_SEM_ADDR, -4 * GiB, 4 * GiB - 4096,
			.data_target = true, .result = 0, .weight = 6},
	[F_ADRP_GOT] = {"adrp+ldr.got", "ADRP+LDR (GOT)", FC_SEM_ADDR, -4 * GiB, 4 * GiB - 4096,
			.got = true, .data_target = true, .result = 0, .weight = 4},
	[F_MOVW] = {"movz+movk", "MOVZ+MOVK G0..G3", FC_SEM_ADDR, .abs = true,
		    .data_target = true, .result = 0, .weight = 2},
	[F_LDR_LIT] = {"ldr.lit", "LDR literal", FC_SEM_ADDR, .abs = true, .data_target = true,
		       .result = 0, .weight = 2},
	[F_ABS64] = {"abs64", "ABS64", FC_SEM_DATA, .abs = false, .data_target = true,
		     .reloc = R_AARCH64_ABS64, .size = 8, .weight = 3},
	[F_PREL32] = {"prel32", "PREL32", FC_SEM_DATA, -2 * GiB, 2 * GiB - 1, .data_target = true,
		      .reloc = R_AARCH64_PREL32, .size = 4, .weight = 2},
	[F_PREL64] = {"prel64", "PREL64", FC_SEM_DATA, .data_target = true,
		      .reloc = R_AARCH64_PREL64, .size = 8, .weight = 1},
};

static void rel(struct fc_code *c, uint32_t type)
{
	fc_code_reloc(c, type, FC_REF_TARGET, 0, 0, 0);
}

/* Frames, as GCC makes them:
 *   calls:     stp x29, x30, [sp, #-16]!    CFA sp+16, x29 at CFA-16, x30 at CFA-8
 *              mov x29, sp
 *              sub sp, sp, #(size-16)       CFA sp+size (when size > 16)
 *              <sites>
 *              add sp, sp, #(size-16)       CFA sp+16
 *              ldp x29, x30, [sp], #16      CFA sp, x30 back in its register
 *              ret | b tail_callee          (the entry function ends in brk #0)
 *   leaf with stack: sub sp, sp, #size ... add sp, sp, #size
 *   leaf without: nothing; the return address stays in x30.
 * A site is never at offset 0 when there is a frame; without one it may
 * be, which the checks handle (a site's first block is its own). */
#define A64_SUB_SP(n) (0xd10003ffu | (uint32_t)(n) << 10) /* sub sp, sp, #n */
#define A64_ADD_SP(n) (0x910003ffu | (uint32_t)(n) << 10) /* add sp, sp, #n */

static void step(struct fc_cfa_step *st, unsigned *n, const struct fc_code *c, size_t base,
		 int32_t cfa, int8_t ra, int8_t fp)
{
	st[(*n)++] = (struct fc_cfa_step){(uint32_t)(c->len - base), cfa, ra, fp};
}

static void arm64_frame_enter(struct fc_code *c, const struct fc_frame *fr,
			      struct fc_cfa_step *st, unsigned *n)
{
	size_t b = c->len;
	*n = 0;
	if (fr->kind == FC_FRAME_LEAF) {
		fc_code_put32(c, A64_SUB_SP(fr->size));
		step(st, n, c, b, (int32_t)fr->size, 0, 0);
	} else if (fr->kind == FC_FRAME_SAVE) {
		fc_code_put32(c, A64_STP_FP_LR_PRE);
		step(st, n, c, b, 16, -8, -16);
		fc_code_put32(c, A64_MOV_FP_SP);
		if (fr->size > 16) {
			fc_code_put32(c, A64_SUB_SP(fr->size - 16));
			step(st, n, c, b, (int32_t)fr->size, -8, -16);
		}
	}
}

static void arm64_frame_leave(struct fc_code *c, const struct fc_frame *fr,
			      struct fc_cfa_step *st, unsigned *n)
{
	size_t b = c->len;
	*n = 0;
	if (fr->kind == FC_FRAME_LEAF) {
		fc_code_put32(c, A64_ADD_SP(fr->size));
		step(st, n, c, b, 0, 0, 0);
	} else if (fr->kind == FC_FRAME_SAVE) {
		if (fr->size > 16) {
			fc_code_put32(c, A64_ADD_SP(fr->size - 16));
			step(st, n, c, b, 16, -8, -16);
		}
		fc_code_put32(c, A64_LDP_FP_LR_POST);
		step(st, n, c, b, 0, 0, 0);
	}
}

static const struct fc_frame default_frame = {FC_FRAME_SAVE, 16};

static void arm64_prologue(struct fc_code *c)
{
	struct fc_cfa_step st[FC_MAX_CFA_STEPS];
	unsigned n;
	arm64_frame_enter(c, &default_frame, st, &n);
}

static void arm64_epilogue(struct fc_code *c)
{
	struct fc_cfa_step st[FC_MAX_CFA_STEPS];
	unsigned n;
	arm64_frame_leave(c, &default_frame, st, &n);
}

static void arm64_return(struct fc_code *c, bool is_entry)
{
	fc_code_put32(c, is_entry ? A64_BRK_0 : A64_RET);
}

static int arm64_emit_site(struct fc_code *c, const struct fc_form *f, const struct fc_emit *x)
{
	switch (f - arm64_forms) {
	case F_BL: rel(c, R_AARCH64_CALL26); fc_code_put32(c, A64_BL); break;
	case F_B: rel(c, R_AARCH64_JUMP26); fc_code_put32(c, A64_B); break;
	case F_BNE: rel(c, R_AARCH64_CONDBR19); fc_code_put32(c, A64_B_NE); break;
	case F_CBNZ: rel(c, R_AARCH64_CONDBR19); fc_code_put32(c, A64_CBNZ_X0); break;
	case F_TBNZ: rel(c, R_AARCH64_TSTBR14); fc_code_put32(c, A64_TBNZ_X0_0); break;
	case F_ADRP_ADD:
		rel(c, R_AARCH64_ADR_PREL_PG_HI21); fc_code_put32(c, A64_ADRP_X0);
		rel(c, R_AARCH64_ADD_ABS_LO12_NC); fc_code_put32(c, A64_ADD_X0_X0);
		break;
	case F_ADRP_GOT:
		rel(c, R_AARCH64_ADR_GOT_PAGE); fc_code_put32(c, A64_ADRP_X0);
		rel(c, R_AARCH64_LD64_GOT_LO12_NC); fc_code_put32(c, A64_LDR_X0_X0);
		break;
	case F_MOVW:
		rel(c, R_AARCH64_MOVW_UABS_G0_NC); fc_code_put32(c, A64_MOVZ_X0);
		rel(c, R_AARCH64_MOVW_UABS_G1_NC); fc_code_put32(c, A64_MOVK_X0_16);
		rel(c, R_AARCH64_MOVW_UABS_G2_NC); fc_code_put32(c, A64_MOVK_X0_32);
		rel(c, R_AARCH64_MOVW_UABS_G3); fc_code_put32(c, A64_MOVK_X0_48);
		break;
	case F_LDR_LIT: {
		/* The literal goes to the pool after the function. */
		fc_code_align(x->pool, 8, 0);
		uint32_t lab = fc_code_label(x->pool);
		fc_code_reloc(x->pool, R_AARCH64_ABS64, FC_REF_TARGET, 0, 0, 0);
		fc_code_put64(x->pool, 0);
		fc_code_reloc(c, R_AARCH64_LD_PREL_LO19, FC_REF_LABEL, lab | FC_LABEL_POOL, 0, 0);
		fc_code_put32(c, A64_LDR_X0_LIT);
		break;
	}
	default:
		return -EINVAL;
	}
	return 0;
}

static int arm64_apply_reloc(uint32_t type, uint8_t *loc, uint64_t P, uint64_t SA)
{
	int64_t d = (int64_t)(SA - P);
	int64_t pg = (int64_t)((SA & ~0xfffULL) - (P & ~0xfffULL));
	uint32_t w = fc_rd32(loc);
	switch (type) {
	case R_AARCH64_NONE:
		return 0;
	case R_AARCH64_CALL26:
	case R_AARCH64_JUMP26:
		if (d & 3 || d < -(1LL << 27) || d > (1LL << 27) - 4)
			return -ERANGE;
		fc_wr32(loc, (w & 0xfc000000u) | ((uint32_t)(d >> 2) & 0x03ffffffu));
		return 0;
	case R_AARCH64_CONDBR19:
	case R_AARCH64_LD_PREL_LO19:
		if (d & 3 || d < -(1LL << 20) || d > (1LL << 20) - 4)
			return -ERANGE;
		fc_wr32(loc, (w & ~(0x7ffffu << 5)) | (((uint32_t)(d >> 2) & 0x7ffffu) << 5));
		return 0;
	case R_AARCH64_TSTBR14:
		if (d & 3 || d < -(1LL << 15) || d > (1LL << 15) - 4)
			return -ERANGE;
		fc_wr32(loc, (w & ~(0x3fffu << 5)) | (((uint32_t)(d >> 2) & 0x3fffu) << 5));
		return 0;
	case R_AARCH64_ADR_PREL_PG_HI21:
	case R_AARCH64_ADR_GOT_PAGE: /* applied to the GOT entry's address */
		if (pg < -(1LL << 32) || pg >= (1LL << 32))
			return -ERANGE;
		{
			uint32_t imm = (uint32_t)(pg >> 12) & 0x1fffffu;
			fc_wr32(loc, (w & 0x9f00001fu) | (imm & 3) << 29 | (imm >> 2) << 5);
		}
		return 0;
	case R_AARCH64_ADD_ABS_LO12_NC:
		fc_wr32(loc, (w & ~(0xfffu << 10)) | (uint32_t)(SA & 0xfff) << 10);
		return 0;
	case R_AARCH64_LDST64_ABS_LO12_NC:
	case R_AARCH64_LD64_GOT_LO12_NC:
		if (SA & 7)
			return -ERANGE;
		fc_wr32(loc, (w & ~(0xfffu << 10)) | (uint32_t)((SA & 0xfff) >> 3) << 10);
		return 0;
	case R_AARCH64_MOVW_UABS_G0_NC:
	case R_AARCH64_MOVW_UABS_G1_NC:
	case R_AARCH64_MOVW_UABS_G2_NC:
	case R_AARCH64_MOVW_UABS_G3: {
		int sh = type == R_AARCH64_MOVW_UABS_G0_NC ? 0
		       : type == R_AARCH64_MOVW_UABS_G1_NC ? 16
		       : type == R_AARCH64_MOVW_UABS_G2_NC ? 32 : 48;
		fc_wr32(loc, (w & ~(0xffffu << 5)) | (uint32_t)((SA >> sh) & 0xffff) << 5);
		return 0;
	}
	case R_AARCH64_ABS64:
	case R_AARCH64_PREL64:
		fc_wr64(loc, type == R_AARCH64_ABS64 ? SA : (uint64_t)d);
		return 0;
	case R_AARCH64_ABS32:
		if ((int64_t)SA < -(1LL << 31) || ((int64_t)SA >= 0 && SA >= (1ULL << 32)))
			return -ERANGE;
		fc_wr32(loc, (uint32_t)SA);
		return 0;
	case R_AARCH64_PREL32:
		if (d < -(1LL << 31) || d >= (1LL << 32))
			return -ERANGE;
		fc_wr32(loc, (uint32_t)d);
		return 0;
	default:
		return -EINVAL;
	}
}


static unsigned arm64_decode(const uint8_t *p, size_t avail, uint64_t pc,
			     enum fc_insn_type *type, uint64_t *dest)
{
	*type = FC_INSN_OTHER;
	*dest = 0;
	if (avail < 4)
		return 0;
	uint32_t w = fc_rd32(p);
	if ((w & 0xfc000000u) == A64_BL) { /* bl */
		*type = FC_INSN_CALL;
		*dest = pc + (uint64_t)(fc_sext(w, 26) * 4);
	} else if ((w & 0xfc000000u) == A64_B) { /* b */
		*type = FC_INSN_JUMP;
		*dest = pc + (uint64_t)(fc_sext(w, 26) * 4);
	} else if ((w & 0xff000010u) == 0x54000000u || /* b.cond */
		   (w & 0x7e000000u) == 0x34000000u) { /* cbz, cbnz */
		*type = FC_INSN_JUMP_COND;
		*dest = pc + (uint64_t)(fc_sext(w >> 5, 19) * 4);
	} else if ((w & 0x7e000000u) == 0x36000000u) { /* tbz, tbnz */
		*type = FC_INSN_JUMP_COND;
		*dest = pc + (uint64_t)(fc_sext(w >> 5, 14) * 4);
	} else if ((w & 0xfffffc1fu) == 0xd61f0000u) { /* br xN */
		*type = FC_INSN_JUMP_IND;
	} else if ((w & 0xfffffc1fu) == 0xd63f0000u) { /* blr xN */
		*type = FC_INSN_CALL_IND;
	} else if ((w & 0xfffffc1fu) == 0xd65f0000u) { /* ret xN */
		*type = FC_INSN_RET;
	} else if ((w & 0xffff0000u) == 0 ||             /* udf #imm */
		   (w & 0xffe0001fu) == A64_BRK_0) {     /* brk #imm */
		*type = FC_INSN_TRAP;
	}
	return 4;
}

/* No linker changes an arm64 sequence's length (GOT relaxation turns
 * ADRP+LDR into ADRP+ADD in place, lld may turn ADRP into ADR and an ADD or
 * LDR into a NOP), so the form says the length; the words must still be the
 * form's, or what a linker may rewrite it to (lld and mold: "nop; adr"). */
static bool is_adrp_or_adr(uint32_t w) /* adrp/adr x0, ... */
{
	return (w & 0x9f00001fu) == 0x90000000u || (w & 0x9f00001fu) == 0x10000000u;
}

static bool is_nop(uint32_t w) /* nop */
{
	return w == 0xd503201fu;
}

static bool is_add_x0(uint32_t w) /* add x0, x0, #imm */
{
	return (w & 0xffc003ffu) == A64_ADD_X0_X0;
}

static unsigned arm64_seq_len(const struct fc_form *f, const uint8_t *p, size_t avail,
			      uint64_t pc, unsigned *ninsns)
{
	(void)pc;
	unsigned n = 1;
	switch (f - arm64_forms) {
	case F_ADRP_ADD: case F_ADRP_GOT: n = 2; break;
	case F_MOVW: n = 4; break;
	case F_ABS64: case F_PREL32: case F_PREL64: return 0;
	}
	if (avail < 4 * n)
		return 0;
	uint32_t w0 = fc_rd32(p), w1 = n > 1 ? fc_rd32(p + 4) : 0;
	bool ok = false;
	switch (f - arm64_forms) {
	case F_BL: ok = (w0 & 0xfc000000u) == A64_BL; break;
	case F_B: ok = (w0 & 0xfc000000u) == A64_B; break;
	case F_BNE: ok = (w0 & 0xff00001fu) == A64_B_NE; break;
	case F_CBNZ: ok = (w0 & 0xff00001fu) == A64_CBNZ_X0; break;
	case F_TBNZ: ok = (w0 & 0xfff8001fu) == A64_TBNZ_X0_0; break;
	case F_LDR_LIT: ok = (w0 & 0xff00001fu) == A64_LDR_X0_LIT || is_adrp_or_adr(w0); break;
	case F_ADRP_ADD: /* or, relaxed by lld and mold: nop ; adr x0, target */
		ok = (is_adrp_or_adr(w0) && (is_add_x0(w1) || is_nop(w1))) ||
		     (is_nop(w0) && is_adrp_or_adr(w1));
		break;
	case F_ADRP_GOT:
		ok = (is_adrp_or_adr(w0) &&
		      ((w1 & 0xffc003ffu) == A64_LDR_X0_X0 || is_add_x0(w1) || is_nop(w1))) ||
		     (is_nop(w0) && is_adrp_or_adr(w1));
		break;
	case F_MOVW:
		ok = (w0 & 0xff80001fu) == 0xd2800000u; /* movz x0, #imm{, lsl} */
		for (unsigned k = 1; k < 4 && ok; k++)  /* movk x0, #imm, lsl */
			ok = (fc_rd32(p + 4 * k) & 0xff80001fu) == 0xf2800000u;
		break;
	}
	if (!ok)
		return 0;
	*ninsns = n;
	return 4 * n;
}

static unsigned arm64_disasm(const uint8_t *p, size_t avail, uint64_t pc, char *buf, size_t len)
{
	return fc_cs_disasm(CS_ARCH_ARM64, CS_MODE_ARM, p, avail, pc, buf, len);
}

static void arm64_init_cpu(struct uc_struct *uc)
{
	uint64_t nzcv = 0; /* b.ne is taken */
	uc_reg_write(uc, UC_ARM64_REG_NZCV, &nzcv);
}

static size_t arm64_enc_jump_abs(uint8_t *buf, uint64_t at, uint64_t dest)
{
	(void)at;
	for (int hw = 0; hw < 4; hw++) /* movz/movk x16, #dest[16*hw..], lsl #16*hw */
		fc_wr32(buf + 4 * hw, (hw ? A64_MOVK_X16 : A64_MOVZ_X16) | (uint32_t)hw << 21 |
					      (uint32_t)((dest >> (16 * hw)) & 0xffff) << 5);
	fc_wr32(buf + 16, A64_BR_X16); /* br x16 */
	return 20;
}

static size_t arm64_enc_jump(uint8_t *buf, uint64_t at, uint64_t dest)
{
	int64_t d = (int64_t)(dest - at);
	if (d & 3 || d < -(1LL << 27) || d > (1LL << 27) - 4)
		return 0;
	fc_wr32(buf, A64_B | ((uint32_t)(d >> 2) & 0x03ffffffu)); /* b dest */
	return 4;
}

static const int arm64_gprs[] = {
	UC_ARM64_REG_X0,  UC_ARM64_REG_X1,  UC_ARM64_REG_X2,  UC_ARM64_REG_X3,
	UC_ARM64_REG_X4,  UC_ARM64_REG_X5,  UC_ARM64_REG_X6,  UC_ARM64_REG_X7,
	UC_ARM64_REG_X8,  UC_ARM64_REG_X9,  UC_ARM64_REG_X10, UC_ARM64_REG_X11,
	UC_ARM64_REG_X12, UC_ARM64_REG_X13, UC_ARM64_REG_X14, UC_ARM64_REG_X15,
	UC_ARM64_REG_X16, UC_ARM64_REG_X17, UC_ARM64_REG_X18, UC_ARM64_REG_X19,
	UC_ARM64_REG_X20, UC_ARM64_REG_X21, UC_ARM64_REG_X22, UC_ARM64_REG_X23,
	UC_ARM64_REG_X24, UC_ARM64_REG_X25, UC_ARM64_REG_X26, UC_ARM64_REG_X27,
	UC_ARM64_REG_X28, UC_ARM64_REG_X29, UC_ARM64_REG_X30, UC_ARM64_REG_SP,
};
static const char *const arm64_gpr_names[] = {
	"x0",  "x1",  "x2",  "x3",  "x4",  "x5",  "x6",  "x7",
	"x8",  "x9",  "x10", "x11", "x12", "x13", "x14", "x15",
	"x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23",
	"x24", "x25", "x26", "x27", "x28", "x29", "x30", "sp",
};
/* DWARF for the Arm 64-bit Architecture: x0-x30 are 0-30, sp is 31. */
static const int arm64_dwarf[] = {
	UC_ARM64_REG_X0,  UC_ARM64_REG_X1,  UC_ARM64_REG_X2,  UC_ARM64_REG_X3,
	UC_ARM64_REG_X4,  UC_ARM64_REG_X5,  UC_ARM64_REG_X6,  UC_ARM64_REG_X7,
	UC_ARM64_REG_X8,  UC_ARM64_REG_X9,  UC_ARM64_REG_X10, UC_ARM64_REG_X11,
	UC_ARM64_REG_X12, UC_ARM64_REG_X13, UC_ARM64_REG_X14, UC_ARM64_REG_X15,
	UC_ARM64_REG_X16, UC_ARM64_REG_X17, UC_ARM64_REG_X18, UC_ARM64_REG_X19,
	UC_ARM64_REG_X20, UC_ARM64_REG_X21, UC_ARM64_REG_X22, UC_ARM64_REG_X23,
	UC_ARM64_REG_X24, UC_ARM64_REG_X25, UC_ARM64_REG_X26, UC_ARM64_REG_X27,
	UC_ARM64_REG_X28, UC_ARM64_REG_X29, UC_ARM64_REG_X30, UC_ARM64_REG_SP,
};

/* AAPCS64 6.1.1: IP0/IP1 may be corrupted by veneers. */
static const int arm64_scratch[] = {UC_ARM64_REG_X16, UC_ARM64_REG_X17};

/* IFUNC resolvers, as glibc 2.36 calls them (sysdeps/aarch64/dl-irel.h,
 * elf_ifunc_invoke): x0 = AT_HWCAP | _IFUNC_ARG_HWCAP (bit 62: "x1 is
 * there"), x1 = &(__ifunc_arg_t){sizeof, AT_HWCAP, AT_HWCAP2}. The CPU they
 * are told of: a plain ARMv8.0-A with FP and Advanced SIMD only, HWCAP_FP
 * (bit 0) | HWCAP_ASIMD (bit 1) (Linux arch/arm64/include/uapi/asm/hwcap.h),
 * no HWCAP2 bit. glibc's resolvers read the rest (MIDR, SVE, MTE, BTI) from
 * _dl_aarch64_cpu_features, which no start-up filled: zero, the generic
 * implementations. */
static const struct fc_ifunc_abi arm64_ifunc = {
	.hwcap = 0x3,
	.hwcap2 = 0,
	.features = "fp, asimd",
	.nargs = 2,
	.arg0_or = 1ULL << 62,
	.arg_struct = true,
	.arg_regs = {UC_ARM64_REG_X0, UC_ARM64_REG_X1},
	.reg_ret = UC_ARM64_REG_X0,
};

const struct target fc_target_arm64 = {
	.name = "arm64",
	.aliases = "aarch64",
	.e_machine = 183, /* EM_AARCH64 */
	.uc_arch = UC_ARCH_ARM64,
	.uc_mode = UC_MODE_ARM,
	.insn_align = 4,
	.func_align = 4,
	.reg_pc = UC_ARM64_REG_PC,
	.reg_sp = UC_ARM64_REG_SP,
	.reg_ra = UC_ARM64_REG_X30,
	.gprs = arm64_gprs,
	.gpr_names = arm64_gpr_names,
	.ngprs = sizeof arm64_gprs / sizeof arm64_gprs[0],
	.scratch = arm64_scratch,
	.nscratch = 2,
	.mapping_symbols = true,
	.dwarf_regs = arm64_dwarf,
	.ndwarf_regs = 32,
	.dwarf_ra_column = 30,
	.dwarf_sp = 31,
	.go_g = UC_ARM64_REG_X28, /* g is x28 */
	.go_trampolines = true,
	.relocs = arm64_relocs,
	.nrelocs = sizeof arm64_relocs / sizeof arm64_relocs[0],
	.kept = &fc_kept_arm64,
	.ifunc = &arm64_ifunc,
	.plt_align = 4,
	.forms = arm64_forms,
	.nforms = sizeof arm64_forms / sizeof arm64_forms[0],
	.emit_prologue = arm64_prologue,
	.emit_epilogue = arm64_epilogue,
	.frame_enter = arm64_frame_enter,
	.frame_leave = arm64_frame_leave,
	.cfa_entry = 0,
	.ra_entry = 0,
	.dwarf_fp = 29,
	.r_abs64 = R_AARCH64_ABS64,
	.r_abs32 = R_AARCH64_ABS32,
	.r_prel32 = R_AARCH64_PREL32,
	.r_prel64 = R_AARCH64_PREL64,
	.emit_return = arm64_return,
	.emit_site = arm64_emit_site,
	.apply_reloc = arm64_apply_reloc,
	.decode = arm64_decode,
	.seq_len = arm64_seq_len,
	.disasm = arm64_disasm,
	.init_cpu = arm64_init_cpu,
	.enc_jump_abs = arm64_enc_jump_abs,
	.enc_jump = arm64_enc_jump,
};
