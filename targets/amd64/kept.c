/* amd64: what verify's check of relocations kept with --emit-relocs
 * (verify/keptrelocs.c) must know about x86-64 code.
 *
 * A rel32 field ends its instruction and is relative to that end, which is
 * why the objects carry A = -4: R_X86_64_PC32 and PLT32 give S+A-P, and a
 * CALL, JMP or Jcc with one goes to S+A+4. The same two types are also
 * plain data references (LEA, MOV, a .long of sym - .): only the opcode
 * before the field tells a branch, which may go through a PLT entry, from
 * data. Instructions have no fixed length, so the field's instruction is
 * found by its opcode bytes, which precede the field.
 *
 * GOT accesses (GOTPCREL, GOTPCRELX, REX_GOTPCRELX) are for G+A-P: the
 * entry holds S. Linkers relax GOTPCRELX in place, the length unchanged:
 *     mov foo@GOTPCREL(%rip), %reg  -> lea foo(%rip), %reg
 *                                   -> mov $foo, %reg (c7 /0, non-PIC)
 *     call *foo@GOTPCREL(%rip)      -> addr32 call foo
 *     jmp *foo@GOTPCREL(%rip)       -> jmp foo; nop
 * bfd changes the kept type with it (PC32, 32S); gold, lld and mold keep
 * GOTPCRELX. The check tells x86-64 forms apart only where it must, by
 * branch_start and got; insn answers FITS for any bytes.
 *
 * Spec: System V Application Binary Interface, AMD64 Architecture Processor
 * Supplement, https://gitlab.com/x86-psABIs/x86-64-ABI ("Relocation Types",
 * and appendix "Linker Optimization" for the GOTPCRELX rewrites).
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

static const struct fc_kept_kind amd64_kept_kinds[] = {
#define RELOC_KEPT(n, v, d, k, w) {v, #n, k, w},
#define KEPT_ONLY(n, v, k, w) {v, #n, k, w},
#include "relocs.def"
};

/* Opcode bytes before a relocated field. */
#define X86_CALL       0xe8 /* call rel32 */
#define X86_JMP        0xe9 /* jmp rel32 */
#define X86_0F         0x0f /* two-byte opcodes: 0f 80..8f is jcc rel32 */
#define X86_JCC_FIRST  0x80 /* 0f 80: jo rel32 */
#define X86_JCC_LAST   0x8f /* 0f 8f: jg rel32 */
#define X86_ADDR32     0x67 /* addr32 prefix: the relaxed GOT call's padding */
#define X86_MOV_LOAD   0x8b /* 8b /r: mov r/m64 into r64 (mov foo@GOTPCREL(%rip), %rax) */
#define X86_GRP5       0xff /* ff /2, /4: call *m, jmp *m (call *foo@GOTPCREL(%rip)) */
#define X86_LEA        0x8d /* 8d /r: lea m into r64 (lea foo(%rip), %rax) */
#define X86_MOV_IMM32  0xc7 /* c7 /0: mov $imm32, r/m64 (mov $foo, %rax) */
#define X86_REX_MASK   0xf0
#define X86_REX        0x40 /* 40..4f: REX prefix (48: REX.W) */

static enum fc_kept_insn amd64_kept_insn(uint32_t type, const uint8_t *p, size_t avail)
{
	(void)type; (void)p;
	return avail >= 2 ? FC_KEPT_INSN_FITS : FC_KEPT_INSN_OTHER;
}

static unsigned amd64_kept_branch_start(uint32_t type, const uint8_t *p, size_t before)
{
	(void)type;
	if (before < 2)
		return 0;
	uint8_t b0 = p[-2], b1 = p[-1];
	if (b1 == X86_CALL || b1 == X86_JMP) /* e8/e9 rel32; 67 e8 rel32 */
		return b0 == X86_ADDR32 ? 2 : 1;
	if (b0 == X86_0F && b1 >= X86_JCC_FIRST && b1 <= X86_JCC_LAST) /* 0f 8x rel32 */
		return 2;
	return 0;
}

/* The opcode before the displacement says which form is there: the GOT
 * forms (8b mov, ff call/jmp) or a relaxed one (8d lea, c7 mov $imm32,
 * 67 e8 addr32 call, e9 jmp). */
static void amd64_kept_got(uint32_t type, const uint8_t *p, size_t before, size_t avail,
			   struct fc_kept_got *g)
{
	(void)type; (void)avail;
	*g = (struct fc_kept_got){.form = FC_KEPT_GOT_LOAD, .direct = R_X86_64_PC32};
	if (before < 3)
		return; /* cannot tell: the field's own instruction at the field */
	uint8_t pre = p[-3], op = p[-2], last = p[-1];
	g->insn_back = 2; /* opcode, ModRM, field */
	if (op == X86_MOV_LOAD || op == X86_GRP5)
		return;
	g->form = FC_KEPT_GOT_DIRECT;
	if (op == X86_LEA || op == X86_MOV_IMM32) {
		/* mov $foo: absolute, so the -4 of A, there for the rel32's
		 * end, must be taken back. */
		if (op == X86_MOV_IMM32)
			g->direct = R_X86_64_32S, g->direct_add = 4;
		if ((pre & X86_REX_MASK) == X86_REX)
			g->insn_back = 3;
	} else if (last == X86_CALL || last == X86_JMP) {
		g->insn_back = op == X86_ADDR32 ? 2 : 1;
	}
}

const struct fc_kept_ops fc_kept_amd64 = {
	.kinds = amd64_kept_kinds,
	.nkinds = sizeof amd64_kept_kinds / sizeof amd64_kept_kinds[0],
	.insn = amd64_kept_insn,
	.branch_start = amd64_kept_branch_start,
	.got = amd64_kept_got,
};
