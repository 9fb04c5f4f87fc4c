/* arm64 (AArch64) target.
 *
 * Branch ranges and why thunks exist here. A direct call is BL with a
 * signed 26-bit word offset: +-128 MiB from the BL itself (R_AARCH64_CALL26;
 * B, the tail call, is R_AARCH64_JUMP26 with the same field). When the callee
 * is further, the linker must route the branch through a thunk ("veneer" in
 * bfd) that it places within range. AAPCS64 reserves x16 and x17 (IP0/IP1)
 * for exactly that: a veneer may clobber them and nothing else. Conditional
 * branches (B.cond, CBZ: +-1 MiB; TBZ: +-32 KiB) get no thunks from any
 * linker: out of range they are a link error.
 *
 * Thunk shapes vary (lld: ldr x16, lit; br x16 or adrp/add/br; bfd: adrp/add/br
 * or a literal form using x16 and x17; gold: adrp/add/br; mold: f$thunkN), and
 * farcall never looks at them: it executes them.
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

enum {
#define RELOC(n, v) n = v,
#include "relocs.def"
#undef RELOC
};

static const struct fc_reloc_info arm64_relocs[] = {
#define RELOC(n, v) {v, #n},
#include "relocs.def"
#undef RELOC
};

/* Instruction words the generator emits. */
#define A64_STP_FP_LR_PRE 0xa9bf7bfdu /* stp x29, x30, [sp, #-16]! */
#define A64_MOV_FP_SP     0x910003fdu /* mov x29, sp */
#define A64_LDP_FP_LR_POST 0xa8c17bfdu /* ldp x29, x30, [sp], #16 */
#define A64_RET           0xd65f03c0u /* ret */
#define A64_BRK_0         0xd4200000u /* brk #0 */
#define A64_BL            0x94000000u /* bl <imm26 * 4> */
#define A64_B             0x14000000u /* b <imm26 * 4> */

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static int64_t sext(uint64_t v, unsigned bits)
{
	uint64_t m = 1ULL << (bits - 1);
	v &= (1ULL << bits) - 1;
	return (int64_t)((v ^ m) - m);
}

static uint32_t arm64_site_reloc(enum fc_site_kind k)
{
	switch (k) {
	case FC_SITE_CALL: return R_AARCH64_CALL26;
	case FC_SITE_TAIL: return R_AARCH64_JUMP26;
	default: return 0;
	}
}

static const char *arm64_site_mnemonic(enum fc_site_kind k)
{
	return k == FC_SITE_CALL ? "BL" : k == FC_SITE_TAIL ? "B" : "?";
}

static void arm64_site_range(enum fc_site_kind k, int64_t *lo, int64_t *hi)
{
	(void)k; /* BL and B share imm26 */
	*lo = -(1LL << 27);
	*hi = (1LL << 27) - 4;
}

/* Every function is a real AAPCS64 frame so that later checks (CFI by
 * execution) have something true to compare against:
 *     stp x29, x30, [sp, #-16]!
 *     mov x29, sp
 *     bl  callee_k            ; one per call site
 *     ldp x29, x30, [sp], #16
 *     ret | b tail_callee     ; the entry function ends in brk #0
 * A site is never at offset 0, so no site starts on a function entry. */
static int arm64_emit_func(struct fc_code *c, struct fc_body *b, bool is_entry)
{
	fc_code_put32(c, A64_STP_FP_LR_PRE);
	fc_code_put32(c, A64_MOV_FP_SP);
	unsigned n = b->nsites;
	bool tail = n && b->sites[n - 1].kind == FC_SITE_TAIL;
	for (unsigned i = 0; i < n - (tail ? 1 : 0); i++) {
		struct fc_body_site *s = &b->sites[i];
		if (s->kind != FC_SITE_CALL)
			return -EINVAL;
		s->off = (uint32_t)c->len;
		fc_code_reloc(c, R_AARCH64_CALL26, s->callee, s->addend);
		fc_code_put32(c, A64_BL);
	}
	fc_code_put32(c, A64_LDP_FP_LR_POST);
	if (tail) {
		struct fc_body_site *s = &b->sites[n - 1];
		s->off = (uint32_t)c->len;
		fc_code_reloc(c, R_AARCH64_JUMP26, s->callee, s->addend);
		fc_code_put32(c, A64_B);
	} else {
		fc_code_put32(c, is_entry ? A64_BRK_0 : A64_RET);
	}
	return 0;
}

static int arm64_apply_reloc(uint32_t type, uint8_t *loc, uint64_t P, uint64_t SA)
{
	int64_t d = (int64_t)(SA - P);
	uint32_t w = rd32(loc);
	switch (type) {
	case R_AARCH64_NONE:
		return 0;
	case R_AARCH64_CALL26:
	case R_AARCH64_JUMP26:
		if (d & 3 || d < -(1LL << 27) || d > (1LL << 27) - 4)
			return -ERANGE;
		wr32(loc, (w & 0xfc000000u) | ((uint32_t)(d >> 2) & 0x03ffffffu));
		return 0;
	case R_AARCH64_CONDBR19:
		if (d & 3 || d < -(1LL << 20) || d > (1LL << 20) - 4)
			return -ERANGE;
		wr32(loc, (w & ~(0x7ffffu << 5)) | (((uint32_t)(d >> 2) & 0x7ffffu) << 5));
		return 0;
	case R_AARCH64_ABS64:
		for (int i = 0; i < 8; i++)
			loc[i] = (uint8_t)(SA >> (8 * i));
		return 0;
	case R_AARCH64_PREL32:
		if (d < -(1LL << 31) || d >= (1LL << 32))
			return -ERANGE;
		wr32(loc, (uint32_t)d);
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
	uint32_t w = rd32(p);
	if ((w & 0xfc000000u) == A64_BL) { /* bl */
		*type = FC_INSN_CALL;
		*dest = pc + (uint64_t)(sext(w, 26) * 4);
	} else if ((w & 0xfc000000u) == A64_B) { /* b */
		*type = FC_INSN_JUMP;
		*dest = pc + (uint64_t)(sext(w, 26) * 4);
	} else if ((w & 0xff000010u) == 0x54000000u || /* b.cond */
		   (w & 0x7e000000u) == 0x34000000u) { /* cbz, cbnz */
		*type = FC_INSN_JUMP_COND;
		*dest = pc + (uint64_t)(sext(w >> 5, 19) * 4);
	} else if ((w & 0x7e000000u) == 0x36000000u) { /* tbz, tbnz */
		*type = FC_INSN_JUMP_COND;
		*dest = pc + (uint64_t)(sext(w >> 5, 14) * 4);
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
/* AAPCS64 6.1.1: IP0/IP1 may be corrupted by veneers. */
static const int arm64_scratch[] = {UC_ARM64_REG_X16, UC_ARM64_REG_X17};

const struct target fc_target_arm64 = {
	.name = "arm64",
	.aliases = "aarch64",
	.e_machine = 183, /* EM_AARCH64 */
	.uc_arch = UC_ARCH_ARM64,
	.uc_mode = UC_MODE_ARM,
	.cs_arch = CS_ARCH_ARM64,
	.cs_mode = CS_MODE_ARM,
	.insn_align = 4,
	.func_align = 4,
	.trap = {0, 0, 0, 0}, /* udf #0: zero padding traps by itself */
	.trap_len = 4,
	.reg_pc = UC_ARM64_REG_PC,
	.reg_sp = UC_ARM64_REG_SP,
	.reg_ra = UC_ARM64_REG_X30,
	.gprs = arm64_gprs,
	.gpr_names = arm64_gpr_names,
	.ngprs = sizeof arm64_gprs / sizeof arm64_gprs[0],
	.scratch = arm64_scratch,
	.nscratch = 2,
	.gnu_ld = "aarch64-linux-gnu-ld.bfd",
	.gnu_gold = "aarch64-linux-gnu-ld.gold",
	.ld_emulation = "aarch64linux",
	.relocs = arm64_relocs,
	.nrelocs = sizeof arm64_relocs / sizeof arm64_relocs[0],
	.site_reloc = arm64_site_reloc,
	.site_mnemonic = arm64_site_mnemonic,
	.site_range = arm64_site_range,
	.emit_func = arm64_emit_func,
	.apply_reloc = arm64_apply_reloc,
	.decode = arm64_decode,
};
