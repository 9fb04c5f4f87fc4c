/* amd64 (x86-64) target.
 *
 * Branch ranges, and why x86-64 has no thunks. A direct call is CALL rel32
 * (e8, R_X86_64_PLT32) and a tail call JMP rel32 (e9; GAS writes PLT32 for
 * it too, older compilers and hand-written assembly R_X86_64_PC32): a signed
 * 32-bit displacement from the end of the instruction, +-2 GiB. The small
 * code model, which is what compilers emit by default, promises that all
 * code and data of a link lie within 2 GiB of each other, and no linker
 * (bfd, gold, lld, mold) ever makes a range-extension thunk for x86-64: a
 * callee out of reach is a link error ("relocation truncated to fit:
 * R_X86_64_PLT32", lld "relocation R_X86_64_PLT32 out of range"). The one
 * thing worth checking is then that the link fails, and that a produced
 * binary never holds a silently wrapped displacement. Reaching further takes
 * the large code model (movabs $f, %reg; call *%reg), which the
 * generator has as the "movabs" form. A call may go through a PLT entry
 * (R_X86_64_PLT32 exists to say it may): an IBT entry is endbr64 and an
 * indirect jump through the GOT; a retpoline entry (lld -z retpolineplt)
 * loads the GOT slot into %r11, the psABI's temporary that no call
 * preserves. %r11 is then the one register a stub may clobber.
 *
 * GOT relaxation. `mov foo@GOTPCREL(%rip), %reg` carries
 * R_X86_64_REX_GOTPCRELX (R_X86_64_GOTPCRELX when the instruction has no
 * REX prefix) to tell the linker it may
 * rewrite it: into `lea foo(%rip), %reg` when foo is local to the output,
 * or, in a non-PIC output, into `mov $foo, %reg` (c7 /0 with R_X86_64_32S).
 * `call *foo@GOTPCREL(%rip)` (ff 15) becomes `addr32 call foo` (67 e8) and
 * `jmp *foo@GOTPCREL(%rip)` (ff 25) becomes `jmp foo; nop`. No relaxation
 * changes a length, so each form's sequence has a fixed size in the output.
 * Before relaxation the GOTPCRELX displacement reaches the GOT entry, after
 * it the symbol, both within rel32.
 *
 * The return address is pushed: CALL stores it at %rsp - 8 (reg_ra < 0), so
 * the only store a call site and whatever a linker put between it and the
 * callee may make is that one push; a JMP makes none. There is no
 * conditional form (Jcc rel32 has JMP's reach and relocation), so no site
 * depends on the flags it starts from.
 *
 * Spec: System V Application Binary Interface, AMD64 Architecture Processor
 * Supplement (with LP64 and ILP32 Programming Models),
 * https://gitlab.com/x86-psABIs/x86-64-ABI
 */
#include <errno.h>
#include <string.h>

#include <capstone/capstone.h>
#include <pthread.h>
#include <unicorn/unicorn.h>

#include "../target.h"
#include "../util.h"

enum {
#define RELOC(n, v, d) n = v,
#include "relocs.def"
#undef RELOC
};

static const struct fc_reloc_info amd64_relocs[] = {
#define RELOC(n, v, d) {v, #n, d},
#include "relocs.def"
#undef RELOC
};

/* Byte sequences the generator emits; a relocated field is written as 0
 * (the relocation's addend supplies the rest). */
static const uint8_t X86_PUSH_RBP[] = {0x55};                   /* push %rbp */
static const uint8_t X86_MOV_RSP_RBP[] = {0x48, 0x89, 0xe5};    /* mov %rsp,%rbp */
static const uint8_t X86_POP_RBP[] = {0x5d};                    /* pop %rbp */
static const uint8_t X86_RET[] = {0xc3};                        /* ret */
static const uint8_t X86_UD2[] = {0x0f, 0x0b};                  /* ud2 */
static const uint8_t X86_CALL[] = {0xe8};                       /* call <rel32> */
static const uint8_t X86_JMP[] = {0xe9};                        /* jmp <rel32> */
static const uint8_t X86_LEA_RIP_RAX[] = {0x48, 0x8d, 0x05};    /* lea <rel32>(%rip),%rax */
static const uint8_t X86_MOV_RIP_RAX[] = {0x48, 0x8b, 0x05};    /* mov <rel32>(%rip),%rax */
static const uint8_t X86_MOV_IMM32S_RAX[] = {0x48, 0xc7, 0xc0}; /* mov $<imm32>,%rax */
static const uint8_t X86_MOVABS_RAX[] = {0x48, 0xb8};           /* movabs $<imm64>,%rax */
static const uint8_t X86_MOVABS_R11[] = {0x49, 0xbb};           /* movabs $<imm64>,%r11 */
static const uint8_t X86_JMP_R11[] = {0x41, 0xff, 0xe3};        /* jmp *%r11 */

enum { F_CALL, F_JMP, F_LEA, F_MOV_GOT, F_MOVABS, F_ABS64, F_PC32, F_PC64 };

#define GiB (1LL << 30)
/* Reach of a rel32 field that ends `end` bytes after the site: the field
 * holds target - (site + end), a signed 32-bit value. */
#define REL32_LO(end) (-2 * GiB + (end))
#define REL32_HI(end) (2 * GiB - 1 + (end))
static const struct fc_form amd64_forms[] = {
	[F_CALL] = {"call", "CALL", FC_SEM_CALL, REL32_LO(5), REL32_HI(5), .plt = true,
		    .weight = 60},
	[F_JMP] = {"jmp", "JMP", FC_SEM_JUMP, REL32_LO(5), REL32_HI(5), .tail_only = true,
		   .weight = 8},
	[F_LEA] = {"lea", "LEA (RIP)", FC_SEM_ADDR, REL32_LO(7), REL32_HI(7),
		   .data_target = true, .result = 0, .weight = 6},
	[F_MOV_GOT] = {"mov.gotpcrelx", "MOV (GOTPCRELX)", FC_SEM_ADDR, REL32_LO(7), REL32_HI(7),
		       .got = true, .data_target = true, .result = 0, .weight = 4},
	[F_MOVABS] = {"movabs", "MOVABS", FC_SEM_ADDR, .abs = true, .abs_max = 0,
		      .data_target = true, .result = 0, .weight = 2},
	[F_ABS64] = {"abs64", "ABS64", FC_SEM_DATA, .abs = false, .data_target = true,
		     .reloc = R_X86_64_64, .size = 8, .weight = 3},
	[F_PC32] = {"pc32", "PC32", FC_SEM_DATA, -2 * GiB, 2 * GiB - 1, .data_target = true,
		    .reloc = R_X86_64_PC32, .size = 4, .weight = 2},
	[F_PC64] = {"pc64", "PC64", FC_SEM_DATA, .data_target = true,
		    .reloc = R_X86_64_PC64, .size = 8, .weight = 1},
};

/* An instruction `op` followed by a zero field of `field` bytes that
 * relocation `type` (addend `addend`) fills. */
static void insn_rel(struct fc_code *c, const uint8_t *op, size_t n, size_t field,
		     uint32_t type, int64_t addend)
{
	static const uint8_t zero[8];
	fc_code_reloc(c, type, FC_REF_TARGET, 0, addend, (int)n);
	fc_code_put(c, op, n);
	fc_code_put(c, zero, field);
}

/* Every function is a real frame so that later checks (CFI by execution)
 * have something true to compare against:
 *     push %rbp
 *     mov  %rsp,%rbp
 *     <sites>
 *     pop  %rbp
 *     ret | jmp tail_callee     ; the entry function ends in ud2
 * A site is never at offset 0, so no site starts on a function entry. */
static void amd64_prologue(struct fc_code *c)
{
	fc_code_put(c, X86_PUSH_RBP, sizeof X86_PUSH_RBP);
	fc_code_put(c, X86_MOV_RSP_RBP, sizeof X86_MOV_RSP_RBP);
}

static void amd64_epilogue(struct fc_code *c)
{
	fc_code_put(c, X86_POP_RBP, sizeof X86_POP_RBP);
}

/* Frames of every kind. At entry CFA = rsp+8 and the return address is at
 * CFA-8 (the call pushed it), whatever the frame:
 *   calls:     push %rbp                  CFA rsp+16, rbp at CFA-16
 *              mov %rsp,%rbp
 *              sub $size,%rsp              CFA rsp+16+size
 *              ...
 *              add $size,%rsp              CFA rsp+16
 *              pop %rbp                    CFA rsp+8
 *   leaf with stack: sub $size,%rsp ... add $size,%rsp
 *   leaf without: nothing. */
static void x86_imm32(struct fc_code *c, const uint8_t op[3], uint32_t v)
{
	fc_code_put(c, op, 3);
	fc_code_put32(c, v);
}
static const uint8_t X86_SUB_RSP[3] = {0x48, 0x81, 0xec}; /* sub $imm32,%rsp */
static const uint8_t X86_ADD_RSP[3] = {0x48, 0x81, 0xc4}; /* add $imm32,%rsp */

static void x86_step(struct fc_cfa_step *st, unsigned *n, const struct fc_code *c, size_t b,
		     int32_t cfa, int8_t fp)
{
	st[(*n)++] = (struct fc_cfa_step){(uint32_t)(c->len - b), cfa, -8, fp};
}

static void amd64_frame_enter(struct fc_code *c, const struct fc_frame *fr,
			      struct fc_cfa_step *st, unsigned *n)
{
	size_t b = c->len;
	*n = 0;
	if (fr->kind == FC_FRAME_LEAF) {
		x86_imm32(c, X86_SUB_RSP, fr->size);
		x86_step(st, n, c, b, 8 + (int32_t)fr->size, 0);
	} else if (fr->kind == FC_FRAME_SAVE) {
		fc_code_put(c, X86_PUSH_RBP, sizeof X86_PUSH_RBP);
		x86_step(st, n, c, b, 16, -16);
		fc_code_put(c, X86_MOV_RSP_RBP, sizeof X86_MOV_RSP_RBP);
		if (fr->size > 16) {
			x86_imm32(c, X86_SUB_RSP, fr->size - 16);
			x86_step(st, n, c, b, (int32_t)fr->size, -16);
		}
	}
}

static void amd64_frame_leave(struct fc_code *c, const struct fc_frame *fr,
			      struct fc_cfa_step *st, unsigned *n)
{
	size_t b = c->len;
	*n = 0;
	if (fr->kind == FC_FRAME_LEAF) {
		x86_imm32(c, X86_ADD_RSP, fr->size);
		x86_step(st, n, c, b, 8, 0);
	} else if (fr->kind == FC_FRAME_SAVE) {
		if (fr->size > 16) {
			x86_imm32(c, X86_ADD_RSP, fr->size - 16);
			x86_step(st, n, c, b, 16, -16);
		}
		fc_code_put(c, X86_POP_RBP, sizeof X86_POP_RBP);
		x86_step(st, n, c, b, 8, 0);
	}
}

static void amd64_return(struct fc_code *c, bool is_entry)
{
	if (is_entry)
		fc_code_put(c, X86_UD2, sizeof X86_UD2);
	else
		fc_code_put(c, X86_RET, sizeof X86_RET);
}

/* A rel32 field is relative to the end of its instruction, which is 4
 * bytes after the field: hence the addend -4. */
static int amd64_emit_site(struct fc_code *c, const struct fc_form *f, const struct fc_emit *x)
{
	(void)x;
	switch (f - amd64_forms) {
	case F_CALL: /* call target */
		insn_rel(c, X86_CALL, sizeof X86_CALL, 4, R_X86_64_PLT32, -4);
		break;
	case F_JMP: /* jmp target */
		insn_rel(c, X86_JMP, sizeof X86_JMP, 4, R_X86_64_PC32, -4);
		break;
	case F_LEA: /* lea target(%rip),%rax */
		insn_rel(c, X86_LEA_RIP_RAX, sizeof X86_LEA_RIP_RAX, 4, R_X86_64_PC32, -4);
		break;
	case F_MOV_GOT: /* mov target@GOTPCREL(%rip),%rax */
		insn_rel(c, X86_MOV_RIP_RAX, sizeof X86_MOV_RIP_RAX, 4, R_X86_64_REX_GOTPCRELX, -4);
		break;
	case F_MOVABS: /* movabs $target,%rax */
		insn_rel(c, X86_MOVABS_RAX, sizeof X86_MOVABS_RAX, 8, R_X86_64_64, 0);
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static int amd64_apply_reloc(uint32_t type, uint8_t *loc, uint64_t P, uint64_t SA)
{
	int64_t d = (int64_t)(SA - P);
	switch (type) {
	case R_X86_64_NONE:
		return 0;
	case R_X86_64_PC32:
	case R_X86_64_PLT32: /* resolved to the symbol or its PLT entry */
	case R_X86_64_GOTPCREL: /* applied to the GOT entry's address */
	case R_X86_64_GOTPCRELX:
	case R_X86_64_REX_GOTPCRELX:
		if (d < INT32_MIN || d > INT32_MAX)
			return -ERANGE;
		fc_wr32(loc, (uint32_t)d);
		return 0;
	case R_X86_64_64:
		fc_wr64(loc, SA);
		return 0;
	case R_X86_64_PC64:
		fc_wr64(loc, (uint64_t)d);
		return 0;
	case R_X86_64_32: /* zero-extended by its user */
		if (SA > UINT32_MAX)
			return -ERANGE;
		fc_wr32(loc, (uint32_t)SA);
		return 0;
	case R_X86_64_32S: /* sign-extended by its user */
		if ((int64_t)SA < INT32_MIN || (int64_t)SA > INT32_MAX)
			return -ERANGE;
		fc_wr32(loc, (uint32_t)SA);
		return 0;
	default:
		return -EINVAL;
	}
}

/* Instruction lengths come from Capstone, one handle per thread (emu -j
 * runs decoders in parallel) opened on first use, closed when the thread
 * ends. */
static __thread csh len_h;
static __thread cs_insn *len_insn;
static __thread int len_state; /* 0: not opened, 1: ready, -1: failed */
static pthread_key_t len_key;
static pthread_once_t len_once = PTHREAD_ONCE_INIT;

static void len_close(void *unused)
{
	(void)unused;
	if (len_insn)
		cs_free(len_insn, 1);
	len_insn = NULL;
	if (len_state > 0)
		cs_close(&len_h);
	len_state = 0;
}

static void len_key_make(void)
{
	pthread_key_create(&len_key, len_close);
}

static unsigned amd64_insn_len(const uint8_t *p, size_t avail, uint64_t pc)
{
	csh h;
	cs_insn *insn;
	if (!len_state) {
		pthread_once(&len_once, len_key_make);
		pthread_setspecific(len_key, (void *)1);
		len_state = cs_open(CS_ARCH_X86, CS_MODE_64, &len_h) == CS_ERR_OK ? 1 : -1;
		if (len_state > 0 && !(len_insn = cs_malloc(len_h)))
			len_state = -1;
	}
	int state = len_state;
	h = len_h;
	insn = len_insn;
	if (state < 0)
		return 0;
	const uint8_t *code = p;
	size_t size = avail < 15 ? avail : 15; /* the longest x86 instruction */
	uint64_t addr = pc;
	if (!cs_disasm_iter(h, &code, &size, &addr, insn))
		return 0;
	return insn->size;
}

/* Legacy prefixes (lock, rep, segment/branch hints and notrack, bnd,
 * operand and address size) and REX. */
static bool amd64_prefix(uint8_t b)
{
	switch (b) {
	case 0xf0: case 0xf2: case 0xf3:
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67:
		return true;
	default:
		return (b & 0xf0) == 0x40;
	}
}

/* The displacement that ends the instruction: its last n - at bytes. */
static bool amd64_rel(const uint8_t *p, unsigned n, unsigned at, uint64_t pc, uint64_t *dest)
{
	int64_t rel;
	switch (n - at) {
	case 1: rel = (int8_t)p[at]; break;
	case 2: rel = (int16_t)fc_rd16(p + at); break;
	case 4: rel = (int32_t)fc_rd32(p + at); break;
	default: return false;
	}
	*dest = pc + n + (uint64_t)rel;
	return true;
}

/* Capstone measures; the opcode bytes, after the prefixes, classify (as
 * objtool's arch/x86/decode.c does). */
static unsigned amd64_decode(const uint8_t *p, size_t avail, uint64_t pc,
			     enum fc_insn_type *type, uint64_t *dest)
{
	*type = FC_INSN_OTHER;
	*dest = 0;
	unsigned n = amd64_insn_len(p, avail, pc);
	if (!n)
		return 0;
	unsigned i = 0;
	while (i + 1 < n && amd64_prefix(p[i]))
		i++;
	uint8_t op = p[i], op2 = i + 1 < n ? p[i + 1] : 0;
	enum fc_insn_type t = FC_INSN_OTHER;
	switch (op) {
	case 0xe8: /* call rel32 */
		if (amd64_rel(p, n, i + 1, pc, dest))
			t = FC_INSN_CALL;
		break;
	case 0xe9: /* jmp rel32 */
	case 0xeb: /* jmp rel8 */
		if (amd64_rel(p, n, i + 1, pc, dest))
			t = FC_INSN_JUMP;
		break;
	case 0x70: case 0x71: case 0x72: case 0x73: /* jcc rel8 */
	case 0x74: case 0x75: case 0x76: case 0x77:
	case 0x78: case 0x79: case 0x7a: case 0x7b:
	case 0x7c: case 0x7d: case 0x7e: case 0x7f:
	case 0xe0: case 0xe1: case 0xe2: case 0xe3: /* loopne, loope, loop, jrcxz rel8 */
		if (amd64_rel(p, n, i + 1, pc, dest))
			t = FC_INSN_JUMP_COND;
		break;
	case 0x0f:
		if (op2 >= 0x80 && op2 <= 0x8f) { /* jcc rel32 */
			if (amd64_rel(p, n, i + 2, pc, dest))
				t = FC_INSN_JUMP_COND;
		} else if (op2 == 0x0b || op2 == 0xb9 || op2 == 0xff) { /* ud2, ud1, ud0 */
			t = FC_INSN_TRAP;
		}
		break;
	case 0xff: /* group 5, by ModRM.reg */
		switch ((op2 >> 3) & 7) {
		case 2: case 3: t = FC_INSN_CALL_IND; break; /* call *, lcall * */
		case 4: case 5: t = FC_INSN_JUMP_IND; break; /* jmp *, ljmp * */
		}
		break;
	case 0xc2: /* ret $imm16 */
	case 0xc3: /* ret */
		t = FC_INSN_RET;
		break;
	case 0xcc: /* int3 */
		t = FC_INSN_TRAP;
		break;
	}
	if (t == FC_INSN_OTHER)
		*dest = 0;
	*type = t;
	return n;
}

/* No linker changes an x86-64 sequence's length (GOTPCRELX relaxation
 * rewrites in place: mov -> lea, or mov $imm32 in non-PIC outputs), so the
 * form says it; the opcode says whether it is that form at all. */
static unsigned amd64_seq_len(const struct fc_form *f, const uint8_t *p, size_t avail,
			      uint64_t pc, unsigned *ninsns)
{
	(void)pc;
	unsigned n;
	bool ok;
	switch (f - amd64_forms) {
	case F_CALL:
		n = 5;
		ok = avail >= n && p[0] == X86_CALL[0];
		break;
	case F_JMP:
		n = 5;
		ok = avail >= n && p[0] == X86_JMP[0];
		break;
	case F_LEA:
		n = 7;
		ok = avail >= n && !memcmp(p, X86_LEA_RIP_RAX, 3);
		break;
	case F_MOV_GOT:
		n = 7;
		ok = avail >= n && (!memcmp(p, X86_MOV_RIP_RAX, 3) ||
				    !memcmp(p, X86_LEA_RIP_RAX, 3) ||
				    !memcmp(p, X86_MOV_IMM32S_RAX, 3));
		break;
	case F_MOVABS:
		n = 10;
		ok = avail >= n && !memcmp(p, X86_MOVABS_RAX, 2);
		break;
	default:
		return 0;
	}
	if (!ok)
		return 0;
	*ninsns = 1;
	return n;
}

static unsigned amd64_disasm(const uint8_t *p, size_t avail, uint64_t pc, char *buf, size_t len)
{
	return fc_cs_disasm(CS_ARCH_X86, CS_MODE_64, p, avail, pc, buf, len);
}

static void amd64_init_cpu(struct uc_struct *uc)
{
	uint64_t rflags = 0x2; /* bit 1 is always set; no flag is */
	uc_reg_write(uc, UC_X86_REG_EFLAGS, &rflags);
}

static size_t amd64_enc_jump_abs(uint8_t *buf, uint64_t at, uint64_t dest)
{
	(void)at;
	memcpy(buf, X86_MOVABS_R11, 2); /* movabs $dest,%r11 */
	fc_wr64(buf + 2, dest);
	memcpy(buf + 10, X86_JMP_R11, 3); /* jmp *%r11 */
	return 13;
}

static size_t amd64_enc_jump(uint8_t *buf, uint64_t at, uint64_t dest)
{
	int64_t d = (int64_t)(dest - (at + 5));
	if (d < INT32_MIN || d > INT32_MAX)
		return 0;
	buf[0] = X86_JMP[0]; /* jmp dest */
	fc_wr32(buf + 1, (uint32_t)d);
	return 5;
}

static const int amd64_gprs[] = {
	UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX, UC_X86_REG_RDX,
	UC_X86_REG_RSI, UC_X86_REG_RDI, UC_X86_REG_RBP, UC_X86_REG_RSP,
	UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11,
	UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15,
};
static const char *const amd64_gpr_names[] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
	"r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
};
/* psABI, figure "Register Usage": %r11 is a temporary no call preserves;
 * retpoline PLT stubs use it. */
static const int amd64_scratch[] = {UC_X86_REG_R11};

/* x86-64 psABI 3.6.2: DWARF 0-16 are rax, rdx, rcx, rbx, rsi, rdi, rbp,
 * rsp, r8-r15, and 16 is the return address (rip). */
static const int amd64_dwarf[] = {
	UC_X86_REG_RAX, UC_X86_REG_RDX, UC_X86_REG_RCX, UC_X86_REG_RBX,
	UC_X86_REG_RSI, UC_X86_REG_RDI, UC_X86_REG_RBP, UC_X86_REG_RSP,
	UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11,
	UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15,
	UC_X86_REG_RIP,
};

/* IFUNC resolvers, as glibc 2.36 calls them (sysdeps/x86_64/dl-irel.h,
 * elf_ifunc_invoke): no arguments. They read _dl_x86_cpu_features, which
 * glibc's static start-up fills by CPUID (init_cpu_features) before it
 * applies IRELATIVE (apply_irel); farcall runs no start-up, so the resolvers
 * see it as the file has it, zero: no feature beyond the x86-64 baseline
 * (SSE2), the *_sse2 implementations. No CPUID runs: the resolvers do not
 * execute it themselves. */
static const struct fc_ifunc_abi amd64_ifunc = {
	.features = "x86-64 baseline: cpu_features zero, no CPUID",
	.nargs = 0,
	.reg_ret = UC_X86_REG_RAX,
};

const struct target fc_target_amd64 = {
	.name = "amd64",
	.aliases = "x86_64 x86-64",
	.e_machine = 62, /* EM_X86_64 */
	.e_flags = 0,
	.uc_arch = UC_ARCH_X86,
	.uc_mode = UC_MODE_64,
	.insn_align = 1,
	.func_align = 16,
	.reg_pc = UC_X86_REG_RIP,
	.reg_sp = UC_X86_REG_RSP,
	.reg_ra = -1, /* CALL pushes the return address */
	.gprs = amd64_gprs,
	.gpr_names = amd64_gpr_names,
	.ngprs = sizeof amd64_gprs / sizeof amd64_gprs[0],
	.dwarf_regs = amd64_dwarf,
	.ndwarf_regs = 17,
	.dwarf_ra_column = 16,
	.dwarf_sp = 7,
	.scratch = amd64_scratch,
	.nscratch = sizeof amd64_scratch / sizeof amd64_scratch[0],
	.site_symbols = false,
	.go_g = UC_X86_REG_R14, /* ABIInternal: g in r14 (Go 1.17+) */
	.go_trampolines = false,
	.relocs = amd64_relocs,
	.nrelocs = sizeof amd64_relocs / sizeof amd64_relocs[0],
	.kept = &fc_kept_amd64,
	.ifunc = &amd64_ifunc,
	.plt_align = 8,
	.forms = amd64_forms,
	.nforms = sizeof amd64_forms / sizeof amd64_forms[0],
	.emit_prologue = amd64_prologue,
	.emit_epilogue = amd64_epilogue,
	.frame_enter = amd64_frame_enter,
	.frame_leave = amd64_frame_leave,
	.cfa_entry = 8,
	.ra_entry = -8,
	.dwarf_fp = 6,
	.r_abs64 = R_X86_64_64,
	.r_abs32 = R_X86_64_32,
	.r_prel32 = R_X86_64_PC32,
	.r_prel64 = R_X86_64_PC64,
	.emit_return = amd64_return,
	.emit_site = amd64_emit_site,
	.apply_reloc = amd64_apply_reloc,
	.decode = amd64_decode,
	.seq_len = amd64_seq_len,
	.disasm = amd64_disasm,
	.init_cpu = amd64_init_cpu,
	.enc_jump_abs = amd64_enc_jump_abs,
	.enc_jump = amd64_enc_jump,
};
