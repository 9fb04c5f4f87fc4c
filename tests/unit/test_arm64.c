/* Unit tests for the arm64 target: its forms, the function frame and the
 * sites it emits, the bodies gen/body.c builds from them, the relocations
 * it applies, the instructions it decodes, measures and disassembles, the
 * jumps it encodes for tests/tools/fc-patch, and every code form run in
 * Unicorn.
 *
 * Every golden instruction word below was produced by aarch64-linux-gnu-as
 * (GNU binutils 2.40) and read back with aarch64-linux-gnu-objdump -d; the
 * assembly that gives it stands in the comment beside it. A branch written
 * "bl .+X" sits at P and reaches P+X, which is exactly what
 * apply_reloc(type, loc, P, P+X) must encode. The words that depend on
 * where the instruction is (ADRP pages, :lo12:, the GOT, MOVW groups, data
 * words) were linked by aarch64-linux-gnu-ld.bfd -static --no-relax
 * -Ttext=P against --defsym SYM=S, with the P and S in the table. */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../targets/util.h"

#include <capstone/capstone.h>
#include <unicorn/unicorn.h>

#include "../../gen/gen.h"
#include "../../targets/target.h"

/* The frame. */
#define W_STP  0xa9bf7bfdu /* stp x29, x30, [sp, #-16]! */
#define W_MOV  0x910003fdu /* mov x29, sp */
#define W_LDP  0xa8c17bfdu /* ldp x29, x30, [sp], #16 */
#define W_RET  0xd65f03c0u /* ret */
#define W_BRK0 0xd4200000u /* brk #0 */
/* Sites as emitted, before relocation. */
#define W_BL0     0x94000000u /* bl . */
#define W_B0      0x14000000u /* b . */
#define W_BNE0    0x54000001u /* b.ne . */
#define W_BEQ0    0x54000000u /* b.eq . */
#define W_CBNZ0   0xb5000000u /* cbnz x0, . */
#define W_CBZ0    0xb4000000u /* cbz x0, . */
#define W_TBNZ0   0x37000000u /* tbnz w0, #0, . */
#define W_ADRP0   0x90000000u /* adrp x0, . (P page-aligned) */
#define W_ADD0    0x91000000u /* add x0, x0, #0x0 */
#define W_LDR0    0xf9400000u /* ldr x0, [x0] */
#define W_MOVZ0   0xd2800000u /* movz x0, #0x0 */
#define W_MOVK16  0xf2a00000u /* movk x0, #0x0, lsl #16 */
#define W_MOVK32  0xf2c00000u /* movk x0, #0x0, lsl #32 */
#define W_MOVK48  0xf2e00000u /* movk x0, #0x0, lsl #48 */
#define W_LDRLIT0 0x58000000u /* ldr x0, . */
/* Others. */
#define W_BR_X16  0xd61f0200u /* br x16 */
#define W_NOP     0xd503201fu /* nop */

#define MiB (1LL << 20)
#define GiB (1LL << 30)

enum { F_BL, F_B, F_BNE, F_CBNZ, F_TBNZ, F_ADRP_ADD, F_ADRP_GOT, F_MOVW, F_LDR_LIT,
       F_ABS64, F_PREL32, F_PREL64, NFORMS };
static const char *const form_names[NFORMS] = {
	"bl", "b", "b.ne", "cbnz", "tbnz", "adrp+add", "adrp+ldr.got", "movz+movk", "ldr.lit",
	"abs64", "prel32", "prel64",
};

static const struct target *T(void)
{
	const struct target *t = fc_target_find("arm64");
	assert_non_null(t);
	return t;
}

static const struct fc_form *F(int i)
{
	const struct fc_form *f = fc_form_find(T(), form_names[i]);
	if (!f)
		fail_msg("no form %s", form_names[i]);
	return f;
}

/* ---- the target table ------------------------------------------------- */

static void test_find(void **state)
{
	(void)state;
	const struct target *t = T();
	assert_string_equal(t->name, "arm64");
	assert_ptr_equal(fc_target_find("aarch64"), t);
	assert_null(fc_target_find("arm"));
	assert_null(fc_target_find("aarch"));
	assert_null(fc_target_find("arm64 "));
	assert_null(fc_target_find(""));
	assert_ptr_equal(fc_target_by_machine(EM_AARCH64), t);
	assert_int_equal(t->e_machine, 183);
	assert_int_equal(t->e_flags, 0);
	assert_int_equal(t->uc_arch, UC_ARCH_ARM64);
	assert_int_equal(t->uc_mode, UC_MODE_ARM);
	assert_int_equal(t->insn_align, 4);
	assert_int_equal(t->func_align, 4);
	assert_false(t->site_symbols);
	/* Every hook is there. */
	assert_non_null(t->emit_prologue);
	assert_non_null(t->emit_epilogue);
	assert_non_null(t->emit_return);
	assert_non_null(t->emit_site);
	assert_non_null(t->apply_reloc);
	assert_non_null(t->decode);
	assert_non_null(t->seq_len);
	assert_non_null(t->disasm);
	assert_non_null(t->init_cpu);
	assert_non_null(t->enc_jump_abs);
	assert_non_null(t->enc_jump);
}

static void test_registers(void **state)
{
	(void)state;
	const struct target *t = T();
	assert_int_equal(t->ngprs, 32);
	for (unsigned i = 0; i < 29; i++) {
		char n[8];
		snprintf(n, sizeof n, "x%u", i);
		assert_int_equal(t->gprs[i], UC_ARM64_REG_X0 + (int)i);
		assert_string_equal(t->gpr_names[i], n);
	}
	assert_int_equal(t->gprs[29], UC_ARM64_REG_X29);
	assert_int_equal(t->gprs[30], UC_ARM64_REG_X30);
	assert_int_equal(t->gprs[31], UC_ARM64_REG_SP);
	assert_string_equal(t->gpr_names[29], "x29");
	assert_string_equal(t->gpr_names[30], "x30");
	assert_string_equal(t->gpr_names[31], "sp");
	assert_int_equal(t->reg_pc, UC_ARM64_REG_PC);
	assert_int_equal(t->reg_sp, UC_ARM64_REG_SP);
	assert_int_equal(t->reg_ra, UC_ARM64_REG_X30);
	/* AAPCS64: veneers may clobber IP0 and IP1, nothing else. */
	assert_int_equal(t->nscratch, 2);
	assert_int_equal(t->scratch[0], UC_ARM64_REG_X16);
	assert_int_equal(t->scratch[1], UC_ARM64_REG_X17);
	assert_int_equal(fc_gpr_index(t, UC_ARM64_REG_X0), 0);
	assert_int_equal(fc_gpr_index(t, UC_ARM64_REG_X16), 16);
	assert_int_equal(fc_gpr_index(t, UC_ARM64_REG_SP), 31);
	assert_int_equal(fc_gpr_index(t, UC_ARM64_REG_PC), -1);
	assert_int_equal(fc_gpr_index(t, UC_ARM64_REG_NZCV), -1);
}

/* relocs.def against glibc's <elf.h> (the AAELF64 numbers). */
static void test_relocs_def(void **state)
{
	(void)state;
	const struct target *t = T();
	static const struct {
		const char *name;
		uint32_t type;
		enum fc_dyn dyn;
	} want[] = {
		{"R_AARCH64_NONE", R_AARCH64_NONE, FC_DYN_IGNORE},
		{"R_AARCH64_ABS64", R_AARCH64_ABS64, FC_DYN_SYMBOLIC},
		{"R_AARCH64_ABS32", R_AARCH64_ABS32, FC_DYN_NONE},
		{"R_AARCH64_PREL64", R_AARCH64_PREL64, FC_DYN_NONE},
		{"R_AARCH64_PREL32", R_AARCH64_PREL32, FC_DYN_NONE},
		{"R_AARCH64_MOVW_UABS_G0_NC", R_AARCH64_MOVW_UABS_G0_NC, FC_DYN_NONE},
		{"R_AARCH64_MOVW_UABS_G1_NC", R_AARCH64_MOVW_UABS_G1_NC, FC_DYN_NONE},
		{"R_AARCH64_MOVW_UABS_G2_NC", R_AARCH64_MOVW_UABS_G2_NC, FC_DYN_NONE},
		{"R_AARCH64_MOVW_UABS_G3", R_AARCH64_MOVW_UABS_G3, FC_DYN_NONE},
		{"R_AARCH64_LD_PREL_LO19", R_AARCH64_LD_PREL_LO19, FC_DYN_NONE},
		{"R_AARCH64_ADR_PREL_PG_HI21", R_AARCH64_ADR_PREL_PG_HI21, FC_DYN_NONE},
		{"R_AARCH64_ADD_ABS_LO12_NC", R_AARCH64_ADD_ABS_LO12_NC, FC_DYN_NONE},
		{"R_AARCH64_TSTBR14", R_AARCH64_TSTBR14, FC_DYN_NONE},
		{"R_AARCH64_CONDBR19", R_AARCH64_CONDBR19, FC_DYN_NONE},
		{"R_AARCH64_JUMP26", R_AARCH64_JUMP26, FC_DYN_NONE},
		{"R_AARCH64_CALL26", R_AARCH64_CALL26, FC_DYN_NONE},
		{"R_AARCH64_LDST64_ABS_LO12_NC", R_AARCH64_LDST64_ABS_LO12_NC, FC_DYN_NONE},
		{"R_AARCH64_ADR_GOT_PAGE", R_AARCH64_ADR_GOT_PAGE, FC_DYN_NONE},
		{"R_AARCH64_LD64_GOT_LO12_NC", R_AARCH64_LD64_GOT_LO12_NC, FC_DYN_NONE},
		{"R_AARCH64_COPY", R_AARCH64_COPY, FC_DYN_COPY},
		{"R_AARCH64_GLOB_DAT", R_AARCH64_GLOB_DAT, FC_DYN_SYMBOLIC},
		{"R_AARCH64_JUMP_SLOT", R_AARCH64_JUMP_SLOT, FC_DYN_SYMBOLIC},
		{"R_AARCH64_RELATIVE", R_AARCH64_RELATIVE, FC_DYN_RELATIVE},
		{"R_AARCH64_TLS_DTPMOD", R_AARCH64_TLS_DTPMOD, FC_DYN_TLS},
		{"R_AARCH64_TLS_DTPREL", R_AARCH64_TLS_DTPREL, FC_DYN_TLS},
		{"R_AARCH64_TLS_TPREL", R_AARCH64_TLS_TPREL, FC_DYN_TLS},
		{"R_AARCH64_TLSDESC", R_AARCH64_TLSDESC, FC_DYN_TLS},
		{"R_AARCH64_IRELATIVE", R_AARCH64_IRELATIVE, FC_DYN_IRELATIVE},
	};
	size_t n = sizeof want / sizeof want[0];
	assert_int_equal(t->nrelocs, n);
	for (size_t i = 0; i < n; i++) {
		const struct fc_reloc_info *r = fc_reloc_info(t, want[i].type);
		if (!r)
			fail_msg("%s (%u) missing", want[i].name, want[i].type);
		assert_string_equal(r->name, want[i].name);
		assert_string_equal(fc_reloc_name(t, want[i].type), want[i].name);
		assert_int_equal(r->dyn, want[i].dyn);
		for (size_t j = 0; j < i; j++) /* no number twice */
			assert_int_not_equal(t->relocs[i].type, t->relocs[j].type);
	}
	assert_string_equal(fc_reloc_name(t, 9999), "R_UNKNOWN");
	assert_null(fc_reloc_info(t, R_AARCH64_TLSLE_ADD_TPREL_HI12));
}

/* ---- the forms table -------------------------------------------------- */

static void test_forms_table(void **state)
{
	(void)state;
	const struct target *t = T();
	assert_int_equal(t->nforms, NFORMS);
	for (int i = 0; i < NFORMS; i++) {
		const struct fc_form *f = &t->forms[i];
		assert_string_equal(f->name, form_names[i]); /* the order the generator indexes */
		assert_ptr_equal(fc_form_find(t, f->name), f); /* names are unique */
		assert_non_null(f->mnemonic);
		assert_true(f->weight > 0);
		assert_true(f->lo <= 0 && f->hi >= 0);
		assert_int_equal(f->thunkable, i == F_BL || i == F_B);
		assert_int_equal(f->plt, i == F_BL || i == F_B);
		assert_int_equal(f->tail_only, i == F_B);
		assert_int_equal(f->abs, i == F_MOVW || i == F_LDR_LIT);
		assert_int_equal(f->abs_max, 0); /* MOVZ+MOVK G0..G3 and a 64-bit literal: any */
		assert_int_equal(f->got, i == F_ADRP_GOT);
		if (f->abs)
			assert_true(f->lo == 0 && f->hi == 0);
		switch (f->sem) {
		case FC_SEM_CALL:
		case FC_SEM_JUMP:
			assert_false(f->data_target);
			assert_int_equal(f->reloc, 0);
			assert_int_equal(f->size, 0);
			break;
		case FC_SEM_ADDR:
			assert_true(f->data_target);
			assert_int_equal(f->result, 0);
			assert_int_equal(t->gprs[f->result], UC_ARM64_REG_X0);
			assert_int_equal(f->reloc, 0);
			assert_int_equal(f->size, 0);
			break;
		case FC_SEM_DATA:
			assert_true(f->data_target);
			assert_non_null(fc_reloc_info(t, f->reloc));
			assert_true(f->size == 4 || f->size == 8);
			break;
		}
	}
	static const enum fc_sem sems[NFORMS] = {
		FC_SEM_CALL, FC_SEM_JUMP, FC_SEM_JUMP, FC_SEM_JUMP, FC_SEM_JUMP, FC_SEM_ADDR,
		FC_SEM_ADDR, FC_SEM_ADDR, FC_SEM_ADDR, FC_SEM_DATA, FC_SEM_DATA, FC_SEM_DATA,
	};
	static const int64_t lo[NFORMS] = {
		-128 * MiB, -128 * MiB, -1 * MiB, -1 * MiB, -32768, -4 * GiB, -4 * GiB, 0, 0,
		0, -2 * GiB, 0,
	};
	static const int64_t hi[NFORMS] = {
		128 * MiB - 4, 128 * MiB - 4, 1 * MiB - 4, 1 * MiB - 4, 32764, 4 * GiB - 4096,
		4 * GiB - 4096, 0, 0, 0, 2 * GiB - 1, 0,
	};
	for (int i = 0; i < NFORMS; i++) {
		const struct fc_form *f = F(i);
		assert_int_equal(f->sem, sems[i]);
		if (f->lo != lo[i] || f->hi != hi[i])
			fail_msg("%s: reach [%lld, %lld], want [%lld, %lld]", f->name,
				 (long long)f->lo, (long long)f->hi, (long long)lo[i],
				 (long long)hi[i]);
	}
	assert_int_equal(F(F_ABS64)->reloc, R_AARCH64_ABS64);
	assert_int_equal(F(F_ABS64)->size, 8);
	assert_int_equal(F(F_PREL32)->reloc, R_AARCH64_PREL32);
	assert_int_equal(F(F_PREL32)->size, 4);
	assert_int_equal(F(F_PREL64)->reloc, R_AARCH64_PREL64);
	assert_int_equal(F(F_PREL64)->size, 8);
	assert_string_equal(F(F_BL)->mnemonic, "BL");
	assert_string_equal(F(F_B)->mnemonic, "B");
	assert_int_equal(F(F_BL)->weight, 60);
	assert_int_equal(F(F_B)->weight, 8);
	assert_null(fc_form_find(t, "call"));
	assert_null(fc_form_find(t, "BL"));
	assert_null(fc_form_find(t, ""));
}

/* A form's reach is what its relocation accepts: at the edges of [lo, hi]
 * it applies from wherever the site is; one instruction past them it fails
 * (for ADRP, whose reach is in pages, from the site whose page offset is
 * the worst for that side). */
static void test_forms_reach_matches_reloc(void **state)
{
	(void)state;
	const struct target *t = T();
	static const struct {
		int form;
		uint32_t type;
		uint32_t word;
	} k[] = {
		{F_BL, R_AARCH64_CALL26, W_BL0},
		{F_B, R_AARCH64_JUMP26, W_B0},
		{F_BNE, R_AARCH64_CONDBR19, W_BNE0},
		{F_CBNZ, R_AARCH64_CONDBR19, W_CBNZ0},
		{F_TBNZ, R_AARCH64_TSTBR14, W_TBNZ0},
		{F_ADRP_ADD, R_AARCH64_ADR_PREL_PG_HI21, W_ADRP0},
		{F_ADRP_GOT, R_AARCH64_ADR_GOT_PAGE, W_ADRP0},
	};
	/* Sites at page offsets 0, 0x800 and 0xffc, above 4 GiB. */
	static const uint64_t Ps[] = {0x200000000ULL, 0x200000800ULL, 0x200000ffcULL};
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		const struct fc_form *f = F(k[i].form);
		for (size_t j = 0; j < 3; j++) {
			const uint64_t P = Ps[j];
			const int64_t ds[4] = {f->lo, f->hi, f->lo - 4, f->hi + 4};
			for (int e = 0; e < 4; e++) {
				uint8_t b[8];
				fc_wr32(b, k[i].word);
				fc_wr32(b + 4, W_NOP);
				int r = t->apply_reloc(k[i].type, b, P, P + (uint64_t)ds[e]);
				bool adrp = k[i].type == R_AARCH64_ADR_PREL_PG_HI21 ||
					    k[i].type == R_AARCH64_ADR_GOT_PAGE;
				int want = e < 2 ? 0 : -ERANGE;
				/* ADRP one step below lo still fits from a site late in
				 * its page, one step above hi from a site early in it. */
				if (adrp && e == 2 && (P & 0xfff) != 0)
					want = 0;
				if (adrp && e == 3 && (P & 0xfff) != 0xffc)
					want = 0;
				if (r != want)
					fail_msg("%s at 0x%llx d=%lld: %d, want %d", f->name,
						 (unsigned long long)P, (long long)ds[e], r, want);
				assert_int_equal(fc_rd32(b + 4), W_NOP);
			}
		}
	}
	/* prel32: the lower edge is PREL32's; the upper one is 2 GiB - 1, the
	 * signed range ld.bfd checks, although AAELF64 (and apply_reloc) let a
	 * PREL32 word reach up to 4 GiB - 1. */
	const struct fc_form *f = F(F_PREL32);
	const uint64_t P = 0x200000000ULL;
	uint8_t b[4];
	assert_int_equal(t->apply_reloc(R_AARCH64_PREL32, b, P, P + (uint64_t)f->lo), 0);
	assert_int_equal(t->apply_reloc(R_AARCH64_PREL32, b, P, P + (uint64_t)f->hi), 0);
	assert_int_equal(t->apply_reloc(R_AARCH64_PREL32, b, P, P + (uint64_t)(f->lo - 1)), -ERANGE);
	assert_int_equal(t->apply_reloc(R_AARCH64_PREL32, b, P, P + (uint64_t)(f->hi + 1)), 0);
	/* Forms without a reach take any address. */
	static const int any[] = {F_MOVW, F_LDR_LIT, F_ABS64, F_PREL64};
	static const uint32_t anyrel[] = {R_AARCH64_MOVW_UABS_G3, R_AARCH64_ABS64,
					  R_AARCH64_ABS64, R_AARCH64_PREL64};
	for (int i = 0; i < 4; i++) {
		uint8_t w[8] = {0};
		assert_true(F(any[i])->lo == 0 && F(any[i])->hi == 0);
		assert_int_equal(t->apply_reloc(anyrel[i], w, 0x1000, UINT64_MAX), 0);
		assert_int_equal(t->apply_reloc(anyrel[i], w, UINT64_MAX - 7, 0), 0);
	}
}

/* ---- the function around the sites ------------------------------------ */

static void check_words(const uint8_t *p, size_t len, const uint32_t *want, size_t n)
{
	if (len != n * 4)
		fail_msg("%zu bytes, want %zu", len, n * 4);
	for (size_t i = 0; i < n; i++) {
		uint32_t got = fc_rd32(p + 4 * i);
		if (got != want[i])
			fail_msg("word %zu: got 0x%08x, want 0x%08x", i, got, want[i]);
	}
}

static void test_frame(void **state)
{
	(void)state;
	const struct target *t = T();
	struct fc_code c = {0};
	t->emit_prologue(&c);
	static const uint32_t pro[] = {W_STP, W_MOV};
	check_words(c.buf, c.len, pro, 2);
	fc_code_reset(&c);
	t->emit_epilogue(&c);
	static const uint32_t epi[] = {W_LDP};
	check_words(c.buf, c.len, epi, 1);
	fc_code_reset(&c);
	t->emit_return(&c, false);
	t->emit_return(&c, true);
	static const uint32_t ret[] = {W_RET, W_BRK0};
	check_words(c.buf, c.len, ret, 2);
	assert_int_equal(c.nrel, 0);
	assert_int_equal(c.nlabels, 0);
	fc_code_free(&c);
}

/* ---- emit_site -------------------------------------------------------- */

struct want_rel {
	uint32_t off;  /* from the site's first byte */
	uint32_t type;
};

/* Emits form `fi` after a prologue (so the site is not at offset 0) and
 * checks its words and its relocations, all against the target. */
static void check_site(int fi, const uint32_t *words, size_t nw, const struct want_rel *rels,
		       size_t nr)
{
	const struct target *t = T();
	struct fc_code c = {0}, pool = {0};
	t->emit_prologue(&c);
	size_t base = c.len;
	fc_code_label(&c); /* a label that is not the site's */
	struct fc_emit x = {.pool = &pool, .site_label = fc_code_label(&c)};
	assert_int_equal(t->emit_site(&c, F(fi), &x), 0);
	check_words(c.buf + base, c.len - base, words, nw);
	if (c.nrel != nr)
		fail_msg("%s: %zu relocations, want %zu", form_names[fi], c.nrel, nr);
	for (size_t i = 0; i < nr; i++) {
		const struct fc_reloc_req *r = &c.rel[i];
		assert_int_equal(r->off, base + rels[i].off);
		assert_int_equal(r->type, rels[i].type);
		assert_int_equal(r->ref, FC_REF_TARGET);
		assert_int_equal(r->addend, 0);
	}
	assert_int_equal(pool.len, 0); /* only ldr.lit has a literal */
	assert_int_equal(pool.nrel, 0);
	assert_int_equal(c.nlabels, 2); /* emit_site made none of its own */
	unsigned n = 0;
	assert_int_equal(t->seq_len(F(fi), c.buf + base, c.len - base, 0x1000, &n), nw * 4);
	assert_int_equal(n, nw);
	fc_code_free(&c);
	fc_code_free(&pool);
}

static void test_site_branches(void **state)
{
	(void)state;
	static const uint32_t bl[] = {W_BL0};       /* bl f */
	static const struct want_rel rbl[] = {{0, R_AARCH64_CALL26}};
	check_site(F_BL, bl, 1, rbl, 1);
	static const uint32_t b[] = {W_B0};         /* b f */
	static const struct want_rel rb[] = {{0, R_AARCH64_JUMP26}};
	check_site(F_B, b, 1, rb, 1);
	static const uint32_t bne[] = {W_BNE0};     /* b.ne f */
	static const struct want_rel rbne[] = {{0, R_AARCH64_CONDBR19}};
	check_site(F_BNE, bne, 1, rbne, 1);
	static const uint32_t cbnz[] = {W_CBNZ0};   /* cbnz x0, f */
	check_site(F_CBNZ, cbnz, 1, rbne, 1);
	static const uint32_t tbnz[] = {W_TBNZ0};   /* tbnz w0, #0, f */
	static const struct want_rel rtbnz[] = {{0, R_AARCH64_TSTBR14}};
	check_site(F_TBNZ, tbnz, 1, rtbnz, 1);
}

static void test_site_addr(void **state)
{
	(void)state;
	/* adrp x0, x ; add x0, x0, :lo12:x */
	static const uint32_t add[] = {W_ADRP0, W_ADD0};
	static const struct want_rel radd[] = {{0, R_AARCH64_ADR_PREL_PG_HI21},
					       {4, R_AARCH64_ADD_ABS_LO12_NC}};
	check_site(F_ADRP_ADD, add, 2, radd, 2);
	/* adrp x0, :got:x ; ldr x0, [x0, :got_lo12:x] */
	static const uint32_t got[] = {W_ADRP0, W_LDR0};
	static const struct want_rel rgot[] = {{0, R_AARCH64_ADR_GOT_PAGE},
					       {4, R_AARCH64_LD64_GOT_LO12_NC}};
	check_site(F_ADRP_GOT, got, 2, rgot, 2);
	/* movz x0, :abs_g0_nc:x ; movk x0, :abs_g1_nc:x ;
	 * movk x0, :abs_g2_nc:x ; movk x0, :abs_g3:x */
	static const uint32_t movw[] = {W_MOVZ0, W_MOVK16, W_MOVK32, W_MOVK48};
	static const struct want_rel rmovw[] = {
		{0, R_AARCH64_MOVW_UABS_G0_NC}, {4, R_AARCH64_MOVW_UABS_G1_NC},
		{8, R_AARCH64_MOVW_UABS_G2_NC}, {12, R_AARCH64_MOVW_UABS_G3}};
	check_site(F_MOVW, movw, 4, rmovw, 4);
}

/* ldr x0, lit: the word refers to a label of the literal pool; the pool
 * gets an 8-aligned .xword x (ABS64 against the target). */
static void test_site_ldr_lit(void **state)
{
	(void)state;
	const struct target *t = T();
	struct fc_code c = {0}, pool = {0};
	t->emit_prologue(&c);
	/* Something in the pool already, 4 bytes: the literal goes to 8. */
	fc_code_put32(&pool, 0xdeadbeef);
	fc_code_label(&pool);
	struct fc_emit x = {.pool = &pool, .site_label = fc_code_label(&c)};
	assert_int_equal(t->emit_site(&c, F(F_LDR_LIT), &x), 0);
	static const uint32_t w[] = {W_STP, W_MOV, W_LDRLIT0}; /* ldr x0, lit */
	check_words(c.buf, c.len, w, 3);
	assert_int_equal(c.nrel, 1);
	assert_int_equal(c.rel[0].off, 8);
	assert_int_equal(c.rel[0].type, R_AARCH64_LD_PREL_LO19);
	assert_int_equal(c.rel[0].ref, FC_REF_LABEL);
	assert_int_equal(c.rel[0].label, 1 | FC_LABEL_POOL); /* the pool's second label */
	assert_int_equal(c.rel[0].addend, 0);
	assert_int_equal(c.nlabels, 1);

	assert_int_equal(pool.len, 16);
	assert_int_equal(fc_rd32(pool.buf + 4), 0); /* alignment fill */
	assert_int_equal(fc_rd64(pool.buf + 8), 0); /* .xword x, before relocation */
	assert_int_equal(pool.nlabels, 2);
	assert_int_equal(pool.labels[1], 8);
	assert_int_equal(pool.nrel, 1);
	assert_int_equal(pool.rel[0].off, 8);
	assert_int_equal(pool.rel[0].type, R_AARCH64_ABS64);
	assert_int_equal(pool.rel[0].ref, FC_REF_TARGET);
	assert_int_equal(pool.rel[0].addend, 0);

	/* A second literal: the next 8 bytes, the next label. */
	x.site_label = fc_code_label(&c);
	assert_int_equal(t->emit_site(&c, F(F_LDR_LIT), &x), 0);
	assert_int_equal(c.len, 16);
	assert_int_equal(c.rel[1].off, 12);
	assert_int_equal(c.rel[1].label, 2 | FC_LABEL_POOL);
	assert_int_equal(pool.len, 24);
	assert_int_equal(pool.labels[2], 16);
	assert_int_equal(pool.rel[1].off, 16);
	assert_int_equal(pool.rel[1].type, R_AARCH64_ABS64);

	unsigned n = 0;
	assert_int_equal(t->seq_len(F(F_LDR_LIT), c.buf + 8, 4, 0x1000, &n), 4);
	assert_int_equal(n, 1);
	fc_code_free(&c);
	fc_code_free(&pool);
}

/* DATA forms are words in data, not code. */
static void test_site_data_forms(void **state)
{
	(void)state;
	const struct target *t = T();
	struct fc_code c = {0}, pool = {0};
	struct fc_emit x = {.pool = &pool};
	static const int data[] = {F_ABS64, F_PREL32, F_PREL64};
	for (int i = 0; i < 3; i++)
		assert_int_equal(t->emit_site(&c, F(data[i]), &x), -EINVAL);
	assert_int_equal(c.len, 0);
	assert_int_equal(c.nrel, 0);
	assert_int_equal(pool.len, 0);
	fc_code_free(&c);
	fc_code_free(&pool);
}

/* ---- fc_emit_body (gen/body.c) ---------------------------------------- */

static struct fc_site site_of(int fi, uint32_t target)
{
	return (struct fc_site){.caller = 1, .form = (uint8_t)(F(fi) - T()->forms),
				.target = target};
}

static void check_rel(const struct fc_code *c, size_t i, uint32_t off, uint32_t type,
		      uint8_t ref, uint32_t label, uint32_t site)
{
	if (i >= c->nrel)
		fail_msg("relocation %zu of %zu", i, c->nrel);
	const struct fc_reloc_req *r = &c->rel[i];
	if (r->off != off || r->type != type || r->ref != ref || r->site != site ||
	    (ref == FC_REF_LABEL && r->label != label) || r->addend != 0)
		fail_msg("relocation %zu: off %u type %u ref %u label %u site %u; want off %u "
			 "type %u ref %u label %u site %u",
			 i, r->off, r->type, r->ref, r->label, r->site, off, type, ref, label, site);
}

/* Calls, an address, a literal and a tail call:
 *     0  stp x29, x30, [sp, #-16]!
 *     4  mov x29, sp
 *     8  bl f                      site 0
 *    12  adrp x0, x ; add ...      site 1
 *    20  ldr x0, lit               site 2
 *    24  bl g                      site 3
 *    28  ldp x29, x30, [sp], #16   (the epilogue before the tail call)
 *    32  b h                       site 4
 *    36  (4 zero bytes)
 *    40  lit: .xword x             the pool, 8-aligned */
static void test_emit_body(void **state)
{
	(void)state;
	const struct target *t = T();
	struct fc_site s[5] = {
		site_of(F_BL, 3), site_of(F_ADRP_ADD, 4), site_of(F_LDR_LIT, 5),
		site_of(F_BL, 6), site_of(F_B, 7),
	};
	struct fc_code c = {0}, pool = {0};
	uint32_t off[5], lab[5];
	for (int round = 0; round < 2; round++) { /* buffers reused: the same again */
		memset(off, 0xff, sizeof off);
		memset(lab, 0xff, sizeof lab);
		assert_int_equal(fc_emit_body(t, s, 5, false, false, &c, &pool, off, lab), 0);
		static const uint32_t w[] = {W_STP, W_MOV, W_BL0, W_ADRP0, W_ADD0, W_LDRLIT0,
					     W_BL0, W_LDP, W_B0, 0, 0, 0};
		check_words(c.buf, c.len, w, 12);
		static const uint32_t want_off[5] = {8, 12, 20, 24, 32};
		/* Labels: after the prologue's one CFA step (label 0), one per
		 * site, the epilogue (before the tail call), the end of the code,
		 * then the pool's label rebased onto the body. */
		assert_int_equal(c.labels[0], 4);
		for (int i = 0; i < 5; i++) {
			assert_int_equal(off[i], want_off[i]);
			assert_int_equal(lab[i], i + (i == 4 ? 2 : 1));
			assert_int_equal(c.labels[lab[i]], off[i]);
		}
		assert_int_equal(c.nlabels, 9);
		assert_int_equal(c.labels[5], 28); /* the epilogue: ldp */
		assert_int_equal(c.labels[7], 36); /* the end of the code */
		assert_int_equal(c.labels[8], 40); /* the pool */
		assert_int_equal(c.nrel, 7);
		check_rel(&c, 0, 8, R_AARCH64_CALL26, FC_REF_TARGET, 0, 0);
		check_rel(&c, 1, 12, R_AARCH64_ADR_PREL_PG_HI21, FC_REF_TARGET, 0, 1);
		check_rel(&c, 2, 16, R_AARCH64_ADD_ABS_LO12_NC, FC_REF_TARGET, 0, 1);
		check_rel(&c, 3, 20, R_AARCH64_LD_PREL_LO19, FC_REF_LABEL, 8, 2);
		check_rel(&c, 4, 24, R_AARCH64_CALL26, FC_REF_TARGET, 0, 3);
		check_rel(&c, 5, 32, R_AARCH64_JUMP26, FC_REF_TARGET, 0, 4);
		check_rel(&c, 6, 40, R_AARCH64_ABS64, FC_REF_TARGET, 0, 2);
		/* No label keeps the pool bit. */
		for (size_t i = 0; i < c.nrel; i++)
			if (c.rel[i].ref == FC_REF_LABEL)
				assert_true(c.rel[i].label < c.nlabels);
	}
	/* The model's call: no labels wanted. */
	assert_int_equal(fc_emit_body(t, s, 5, false, true, &c, &pool, off, NULL), 0);
	assert_int_equal(c.len, 48); /* a tail call ends the entry function too */
	assert_int_equal(off[4], 32);

	/* Two literals, no tail call, the entry function: ldp, brk, then the
	 * pool at 24, already 8-aligned. */
	struct fc_site s2[2] = {site_of(F_LDR_LIT, 1), site_of(F_LDR_LIT, 2)};
	assert_int_equal(fc_emit_body(t, s2, 2, false, true, &c, &pool, off, lab), 0);
	static const uint32_t w2[] = {W_STP, W_MOV, W_LDRLIT0, W_LDRLIT0, W_LDP, W_BRK0,
				      0, 0, 0, 0};
	check_words(c.buf, c.len, w2, 10);
	assert_int_equal(off[0], 8);
	assert_int_equal(off[1], 12);
	/* Labels: the prologue step, two sites, the epilogue, the end, then
	 * the two literals. */
	assert_int_equal(c.nlabels, 7);
	assert_int_equal(c.labels[5], 24);
	assert_int_equal(c.labels[6], 32);
	assert_int_equal(c.nrel, 4);
	check_rel(&c, 0, 8, R_AARCH64_LD_PREL_LO19, FC_REF_LABEL, 5, 0);
	check_rel(&c, 1, 12, R_AARCH64_LD_PREL_LO19, FC_REF_LABEL, 6, 1);
	check_rel(&c, 2, 24, R_AARCH64_ABS64, FC_REF_TARGET, 0, 0);
	check_rel(&c, 3, 32, R_AARCH64_ABS64, FC_REF_TARGET, 0, 1);

	/* No sites; and only a tail call. */
	assert_int_equal(fc_emit_body(t, NULL, 0, false, false, &c, &pool, off, lab), 0);
	static const uint32_t w3[] = {W_STP, W_MOV, W_LDP, W_RET};
	check_words(c.buf, c.len, w3, 4);
	assert_int_equal(c.nrel, 0);
	assert_int_equal(fc_emit_body(t, NULL, 0, false, true, &c, &pool, off, lab), 0);
	static const uint32_t w4[] = {W_STP, W_MOV, W_LDP, W_BRK0};
	check_words(c.buf, c.len, w4, 4);
	struct fc_site s5[1] = {site_of(F_B, 9)};
	assert_int_equal(fc_emit_body(t, s5, 1, false, false, &c, &pool, off, lab), 0);
	static const uint32_t w5[] = {W_STP, W_MOV, W_LDP, W_B0};
	check_words(c.buf, c.len, w5, 4);
	assert_int_equal(off[0], 12);
	assert_int_equal(c.nrel, 1);
	check_rel(&c, 0, 12, R_AARCH64_JUMP26, FC_REF_TARGET, 0, 0);

	/* A tail call that is not last, and a DATA form, cannot be a body. */
	struct fc_site bad1[2] = {site_of(F_B, 1), site_of(F_BL, 2)};
	assert_int_equal(fc_emit_body(t, bad1, 2, false, false, &c, &pool, off, lab), -EINVAL);
	struct fc_site bad2[2] = {site_of(F_BL, 1), site_of(F_ABS64, 2)};
	assert_int_equal(fc_emit_body(t, bad2, 2, false, false, &c, &pool, off, lab), -EINVAL);
	fc_code_free(&c);
	fc_code_free(&pool);
}

/* Many sites: buffers grow and every offset stays right. */
static void test_emit_body_many(void **state)
{
	(void)state;
	const struct target *t = T();
	enum { N = 300 };
	struct fc_site s[N];
	for (unsigned i = 0; i < N; i++)
		s[i] = site_of(i + 1 == N ? F_B : i % 3 == 0 ? F_LDR_LIT : F_BL, i);
	struct fc_code c = {0}, pool = {0};
	uint32_t off[N];
	assert_int_equal(fc_emit_body(t, s, N, false, false, &c, &pool, off, NULL), 0);
	uint32_t code_end = 8 + 4 * N + 4, pool_at = (code_end + 7) & ~7u;
	assert_int_equal(c.len, pool_at + 8 * 100);
	unsigned lit = 0;
	for (unsigned i = 0; i + 1 < N; i++) {
		assert_int_equal(off[i], 8 + 4 * i);
		assert_int_equal(fc_rd32(c.buf + off[i]), i % 3 == 0 ? W_LDRLIT0 : W_BL0);
		if (i % 3 == 0) {
			/* Its label is the literal's place in the body. */
			const struct fc_reloc_req *r = NULL;
			for (size_t k = 0; k < c.nrel; k++)
				if (c.rel[k].off == off[i])
					r = &c.rel[k];
			assert_non_null(r);
			assert_int_equal(r->site, i);
			assert_int_equal(c.labels[r->label], pool_at + 8 * lit);
			lit++;
		}
	}
	assert_int_equal(off[N - 1], 8 + 4 * (N - 1) + 4);
	assert_int_equal(fc_rd32(c.buf + off[N - 1] - 4), W_LDP);
	assert_int_equal(fc_rd32(c.buf + off[N - 1]), W_B0);
	assert_int_equal(c.nrel, N + 100);
	for (size_t k = N; k < c.nrel; k++) {
		assert_int_equal(c.rel[k].type, R_AARCH64_ABS64);
		assert_int_equal(c.rel[k].off, pool_at + 8 * (k - N));
		assert_int_equal(c.rel[k].site, 3 * (k - N));
	}
	fc_code_free(&c);
	fc_code_free(&pool);
}

/* ---- apply_reloc ------------------------------------------------------ */

struct golden {
	int64_t d;      /* S+A-P */
	uint32_t word;  /* after the relocation */
};

/* P at several places: a branch's encoding depends on the displacement only. */
static const uint64_t Ps[] = {0x10000000, 0x400000, 0x7ffffff0000ULL, 0xfffffffff0000000ULL};
#define NPS (sizeof Ps / sizeof Ps[0])

static void check_golden(uint32_t type, uint32_t start, const struct golden *g, size_t n)
{
	for (size_t k = 0; k < NPS; k++)
		for (size_t i = 0; i < n; i++) {
			uint8_t b[8];
			fc_wr32(b, start);
			fc_wr32(b + 4, W_NOP);
			int r = T()->apply_reloc(type, b, Ps[k], Ps[k] + (uint64_t)g[i].d);
			if (r != 0)
				fail_msg("type %u d=%lld: returned %d", type, (long long)g[i].d, r);
			if (fc_rd32(b) != g[i].word || fc_rd32(b + 4) != W_NOP)
				fail_msg("type %u d=%lld: got 0x%08x, want 0x%08x", type,
					 (long long)g[i].d, fc_rd32(b), g[i].word);
		}
}

/* Out of range: -ERANGE and not one byte changed. */
static void check_erange_at(uint32_t type, uint32_t start, uint64_t P, uint64_t SA)
{
	uint8_t b[8];
	fc_wr32(b, start);
	fc_wr32(b + 4, W_NOP);
	int r = T()->apply_reloc(type, b, P, SA);
	if (r != -ERANGE)
		fail_msg("type %u P=0x%llx SA=0x%llx: returned %d, want -ERANGE", type,
			 (unsigned long long)P, (unsigned long long)SA, r);
	if (fc_rd32(b) != start || fc_rd32(b + 4) != W_NOP)
		fail_msg("type %u P=0x%llx SA=0x%llx: changed to 0x%08x 0x%08x", type,
			 (unsigned long long)P, (unsigned long long)SA, fc_rd32(b), fc_rd32(b + 4));
}

static void check_erange(uint32_t type, uint32_t start, const int64_t *ds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		check_erange_at(type, start, 0x10000000, 0x10000000 + (uint64_t)ds[i]);
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void test_reloc_call26_jump26(void **state)
{
	(void)state;
	static const struct golden bl[] = {
		{0, 0x94000000},          /* bl . */
		{4, 0x94000001},          /* bl .+4 */
		{8, 0x94000002},          /* bl .+0x8 */
		{-4, 0x97ffffff},         /* bl .-4 */
		{0x7fffffc, 0x95ffffff},  /* bl .+0x7fffffc */
		{-0x8000000, 0x96000000}, /* bl .-0x8000000 */
		{0x1234, 0x9400048d},     /* bl .+0x1234 */
		{-0x1234, 0x97fffb73},    /* bl .-0x1234 */
	};
	check_golden(R_AARCH64_CALL26, W_BL0, bl, NELEM(bl));
	static const struct golden b[] = {
		{0, 0x14000000},          /* b . */
		{4, 0x14000001},          /* b .+4 */
		{-4, 0x17ffffff},         /* b .-4 */
		{0x7fffffc, 0x15ffffff},  /* b .+0x7fffffc */
		{-0x8000000, 0x16000000}, /* b .-0x8000000 */
		{0x1234, 0x1400048d},     /* b .+0x1234 */
		{-0x1234, 0x17fffb73},    /* b .-0x1234 */
	};
	check_golden(R_AARCH64_JUMP26, W_B0, b, NELEM(b));

	/* Rewriting an already-relocated word replaces the field. */
	uint8_t w[4];
	fc_wr32(w, 0x95ffffff); /* bl .+0x7fffffc */
	assert_int_equal(T()->apply_reloc(R_AARCH64_CALL26, w, 0x1000, 0x1004), 0);
	assert_int_equal(fc_rd32(w), 0x94000001); /* bl .+4 */

	static const int64_t bad[] = {0x8000000, -0x8000004, 2, 1, -2, 0x7fffffe,
				      0x10000000, -0x10000000, INT64_MIN / 2};
	check_erange(R_AARCH64_CALL26, W_BL0, bad, NELEM(bad));
	check_erange(R_AARCH64_CALL26, 0x9400048d /* bl .+0x1234 */, bad, NELEM(bad));
	check_erange(R_AARCH64_JUMP26, W_B0, bad, NELEM(bad));
}

static void test_reloc_condbr19(void **state)
{
	(void)state;
	static const struct golden bne[] = {
		{0, 0x54000001},         /* b.ne . */
		{4, 0x54000021},         /* b.ne .+4 */
		{-4, 0x54ffffe1},        /* b.ne .-4 */
		{0x1234, 0x540091a1},    /* b.ne .+0x1234 */
		{-0x1234, 0x54ff6e61},   /* b.ne .-0x1234 */
		{0xffffc, 0x547fffe1},   /* b.ne .+0xffffc */
		{-0x100000, 0x54800001}, /* b.ne .-0x100000 */
	};
	check_golden(R_AARCH64_CONDBR19, W_BNE0, bne, NELEM(bne));
	/* The condition field survives. */
	static const struct golden beq[] = {
		{8, 0x54000040},         /* b.eq .+8 */
		{-0x1234, 0x54ff6e60},   /* b.eq .-0x1234 */
		{0xffffc, 0x547fffe0},   /* b.eq .+0xffffc */
	};
	check_golden(R_AARCH64_CONDBR19, W_BEQ0, beq, NELEM(beq));
	/* And so do cbz/cbnz's register and size bit. */
	static const struct golden cbnz[] = {
		{0, 0xb5000000},         /* cbnz x0, . */
		{8, 0xb5000040},         /* cbnz x0, .+8 */
		{0x1234, 0xb50091a0},    /* cbnz x0, .+0x1234 */
		{-0x1234, 0xb5ff6e60},   /* cbnz x0, .-0x1234 */
		{0xffffc, 0xb57fffe0},   /* cbnz x0, .+0xffffc */
		{-0x100000, 0xb5800000}, /* cbnz x0, .-0x100000 */
	};
	check_golden(R_AARCH64_CONDBR19, W_CBNZ0, cbnz, NELEM(cbnz));
	static const struct golden cbz[] = {
		{8, 0xb4000040},         /* cbz x0, .+8 */
		{-0x100000, 0xb4800000}, /* cbz x0, .-0x100000 */
	};
	check_golden(R_AARCH64_CONDBR19, W_CBZ0, cbz, NELEM(cbz));
	static const struct golden cbnzw1[] = {
		{-4, 0x35ffffe1},        /* cbnz w1, .-4 */
		{0xffffc, 0x357fffe1},   /* cbnz w1, .+0xffffc */
	};
	check_golden(R_AARCH64_CONDBR19, 0x35000001 /* cbnz w1, . */, cbnzw1, NELEM(cbnzw1));

	/* ld: "relocation truncated to fit: R_AARCH64_CONDBR19" at these. */
	static const int64_t bad[] = {0x100000, -0x100004, 2, -2, 0x8000000, -0x8000000};
	check_erange(R_AARCH64_CONDBR19, W_BNE0, bad, NELEM(bad));
	check_erange(R_AARCH64_CONDBR19, W_CBNZ0, bad, NELEM(bad));
}

static void test_reloc_ld_prel_lo19(void **state)
{
	(void)state;
	static const struct golden g[] = {
		{0, 0x58000000},         /* ldr x0, . */
		{8, 0x58000040},         /* ldr x0, .+8 */
		{-4, 0x58ffffe0},        /* ldr x0, .-4 */
		{0x1234, 0x580091a0},    /* ldr x0, .+0x1234 */
		{-0x1234, 0x58ff6e60},   /* ldr x0, .-0x1234 */
		{0xffffc, 0x587fffe0},   /* ldr x0, .+0xffffc */
		{-0x100000, 0x58800000}, /* ldr x0, .-0x100000 */
	};
	check_golden(R_AARCH64_LD_PREL_LO19, W_LDRLIT0, g, NELEM(g));
	static const struct golden g16[] = {
		{8, 0x58000050},         /* ldr x16, .+8 */
		{-0x100000, 0x58800010}, /* ldr x16, .-0x100000 */
	};
	check_golden(R_AARCH64_LD_PREL_LO19, 0x58000010 /* ldr x16, . */, g16, NELEM(g16));
	/* ld: "relocation truncated to fit: R_AARCH64_LD_PREL_LO19". */
	static const int64_t bad[] = {0x100000, -0x100004, 2, 6, -1};
	check_erange(R_AARCH64_LD_PREL_LO19, W_LDRLIT0, bad, NELEM(bad));
}

static void test_reloc_tstbr14(void **state)
{
	(void)state;
	static const struct golden g[] = {
		{0, 0x37000000},       /* tbnz w0, #0, . */
		{4, 0x37000020},       /* tbnz w0, #0, .+4 */
		{-4, 0x3707ffe0},      /* tbnz w0, #0, .-4 */
		{0x1234, 0x370091a0},  /* tbnz w0, #0, .+0x1234 */
		{-0x1234, 0x37076e60}, /* tbnz w0, #0, .-0x1234 */
		{0x7ffc, 0x3703ffe0},  /* tbnz w0, #0, .+0x7ffc */
		{-0x8000, 0x37040000}, /* tbnz w0, #0, .-0x8000 */
	};
	check_golden(R_AARCH64_TSTBR14, W_TBNZ0, g, NELEM(g));
	/* The bit number (b5:b40) and the register survive. */
	static const struct golden tbz[] = {
		{0x40, 0xb6f80205},    /* tbz x5, #63, .+0x40 */
		{-0x8000, 0xb6fc0005}, /* tbz x5, #63, .-0x8000 */
		{0x7ffc, 0xb6fbffe5},  /* tbz x5, #63, .+0x7ffc */
	};
	check_golden(R_AARCH64_TSTBR14, 0xb6f80005 /* tbz x5, #63, . */, tbz, NELEM(tbz));
	static const struct golden tbnz2[] = {{-0x40, 0x370ffe02}}; /* tbnz w2, #1, .-0x40 */
	check_golden(R_AARCH64_TSTBR14, 0x37080002 /* tbnz w2, #1, . */, tbnz2, 1);
	/* ld: "relocation truncated to fit: R_AARCH64_TSTBR14". */
	static const int64_t bad[] = {0x8000, -0x8004, 2, -2, 0x100000};
	check_erange(R_AARCH64_TSTBR14, W_TBNZ0, bad, NELEM(bad));
	check_erange(R_AARCH64_TSTBR14, 0xb6f80005, bad, NELEM(bad));
}

struct gpage {
	uint64_t P, S;
	uint32_t word;
};

/* ADRP: the page of S minus the page of P, as ld linked
 * "adrp x0, SYM" at P against SYM = S. */
static void test_reloc_adrp(void **state)
{
	(void)state;
	static const struct gpage g[] = {
		{0x10000000, 0x10000000, 0x90000000},   /* adrp x0, 0x10000000 */
		{0x10000000, 0x10000fff, 0x90000000},   /* adrp x0, 0x10000000 */
		{0x10000000, 0x10001000, 0xb0000000},   /* adrp x0, 0x10001000 */
		{0x10000000, 0x12345678, 0xb0011a20},   /* adrp x0, 0x12345000 */
		{0x10000000, 0x0fffffff, 0xf0ffffe0},   /* adrp x0, 0xffff000 */
		{0x10000000, 0x0fffefff, 0xd0ffffe0},   /* adrp x0, 0xfffe000 */
		{0x10000000, 0x000ff000, 0xf0f807e0},   /* adrp x0, 0xff000 */
		{0x10000000, 0x10ffff000ULL, 0xf07fffe0}, /* adrp x0, 0x10ffff000 */
		{0x10000000, 0x10fffffffULL, 0xf07fffe0}, /* adrp x0, 0x10ffff000 */
		{0x100007fc, 0x10001234, 0xb0000000},   /* adrp x0, 0x10001000 */
		{0x100007fc, 0x12345678, 0xb0011a20},   /* adrp x0, 0x12345000 */
		{0x10000ffc, 0x0fffefff, 0xd0ffffe0},   /* adrp x0, 0xfffe000 */
		{0x10000ffc, 0x10ffff000ULL, 0xf07fffe0}, /* adrp x0, 0x10ffff000 */
		{0x100000000ULL, 0, 0x90800000},        /* adrp x0, 0x0 */
		{0x100000000ULL, 0xfff, 0x90800000},    /* adrp x0, 0x0 */
		{0x100000000ULL, 0x1000, 0xb0800000},   /* adrp x0, 0x1000 */
		{0x100000000ULL, 0x123456789ULL, 0xd011a2a0}, /* adrp x0, 0x123456000 */
		{0x100000000ULL, 0x1ffffffffULL, 0xf07fffe0}, /* adrp x0, 0x1fffff000 */
		{0x100000ffcULL, 0, 0x90800000},        /* adrp x0, 0x0 */
		{0x100000ffcULL, 0x1fffff000ULL, 0xf07fffe0}, /* adrp x0, 0x1fffff000 */
	};
	const struct target *t = T();
	/* The GOT page is the same field, applied to the GOT entry's address. */
	static const uint32_t types[] = {R_AARCH64_ADR_PREL_PG_HI21, R_AARCH64_ADR_GOT_PAGE};
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < NELEM(g); i++) {
			uint8_t b[4];
			fc_wr32(b, W_ADRP0);
			assert_int_equal(t->apply_reloc(types[k], b, g[i].P, g[i].S), 0);
			if (fc_rd32(b) != g[i].word)
				fail_msg("P=0x%llx S=0x%llx: got 0x%08x, want 0x%08x",
					 (unsigned long long)g[i].P, (unsigned long long)g[i].S,
					 fc_rd32(b), g[i].word);
		}
	/* The register survives: adrp x16, . */
	uint8_t b[4];
	fc_wr32(b, 0x90000010);
	assert_int_equal(t->apply_reloc(R_AARCH64_ADR_PREL_PG_HI21, b, 0x10000000, 0x12345678), 0);
	assert_int_equal(fc_rd32(b), 0xb0011a30); /* adrp x16, 0x12345000 */

	/* What ld links for adrp x0, :got:SYM at 0x10000000 with SYM's GOT
	 * entry at 0x1001ffe0: adrp x0, 0x1001f000. */
	fc_wr32(b, W_ADRP0);
	assert_int_equal(t->apply_reloc(R_AARCH64_ADR_GOT_PAGE, b, 0x10000000, 0x1001ffe0), 0);
	assert_int_equal(fc_rd32(b), 0xf00000e0);

	/* ld: "relocation truncated to fit: R_AARCH64_ADR_PREL_PG_HI21". */
	for (int k = 0; k < 2; k++) {
		check_erange_at(types[k], W_ADRP0, 0x10000000, 0x110000000ULL);
		check_erange_at(types[k], W_ADRP0, 0x10000ffc, 0x110000000ULL);
		check_erange_at(types[k], W_ADRP0, 0x100000000ULL, 0x200000000ULL);
		check_erange_at(types[k], W_ADRP0, 0x100000ffcULL, 0x200000000ULL);
		check_erange_at(types[k], W_ADRP0, 0x100000000ULL, UINT64_MAX);
		check_erange_at(types[k], W_ADRP0, 0x100001000ULL, 0xfff);
	}
}

struct glo {
	uint64_t S;
	uint32_t word;
};

static void test_reloc_lo12(void **state)
{
	(void)state;
	const struct target *t = T();
	/* add x0, x0, #:lo12:SYM; P does not matter. */
	static const struct glo add[] = {
		{0, 0x91000000},                     /* add x0, x0, #0x0 */
		{0x12345678, 0x9119e000},            /* add x0, x0, #0x678 */
		{0xfff, 0x913ffc00},                 /* add x0, x0, #0xfff */
		{0x1000, 0x91000000},                /* add x0, x0, #0x0 */
		{0x10000fff, 0x913ffc00},            /* add x0, x0, #0xfff */
		{0xfffffffffffffabcULL, 0x912af000}, /* add x0, x0, #0xabc */
		{0x123456789abcdef0ULL, 0x913bc000}, /* add x0, x0, #0xef0 */
	};
	/* ldr x0, [x0, #:lo12:SYM]: the offset is scaled by 8. */
	static const struct glo ldr[] = {
		{0, 0xf9400000},                     /* ldr x0, [x0] */
		{0x12345670, 0xf9433800},            /* ldr x0, [x0, #1648] */
		{0xff8, 0xf947fc00},                 /* ldr x0, [x0, #4088] */
		{0x1000, 0xf9400000},                /* ldr x0, [x0] */
		{0x10000008, 0xf9400400},            /* ldr x0, [x0, #8] */
		{0xfffffffffffffff8ULL, 0xf947fc00}, /* ldr x0, [x0, #4088] */
		{0x1001ffe0, 0xf947f000},            /* ldr x0, [x0, #4064] */
	};
	for (size_t k = 0; k < NPS; k++) {
		for (size_t i = 0; i < NELEM(add); i++) {
			uint8_t b[4];
			fc_wr32(b, W_ADD0);
			assert_int_equal(t->apply_reloc(R_AARCH64_ADD_ABS_LO12_NC, b, Ps[k], add[i].S), 0);
			assert_int_equal(fc_rd32(b), add[i].word);
		}
		/* The GOT load is the same field, from the GOT entry's address. */
		static const uint32_t types[] = {R_AARCH64_LDST64_ABS_LO12_NC,
						 R_AARCH64_LD64_GOT_LO12_NC};
		for (int j = 0; j < 2; j++)
			for (size_t i = 0; i < NELEM(ldr); i++) {
				uint8_t b[4];
				fc_wr32(b, W_LDR0);
				assert_int_equal(t->apply_reloc(types[j], b, Ps[k], ldr[i].S), 0);
				assert_int_equal(fc_rd32(b), ldr[i].word);
			}
	}
	/* The registers survive: add x16, x16, #:lo12: and ldr x17, [x16, #:lo12:]. */
	uint8_t b[4];
	fc_wr32(b, 0x91000210); /* add x16, x16, #0x0 */
	assert_int_equal(t->apply_reloc(R_AARCH64_ADD_ABS_LO12_NC, b, 0, 0x10), 0);
	assert_int_equal(fc_rd32(b), 0x91004210); /* add x16, x16, #0x10 */
	/* A word that is not 8-aligned cannot be loaded with the scaled offset
	 * (ld: "... as if it had a larger alignment than was declared"). */
	static const uint64_t bad[] = {0x12345674, 0x12345671, 0xffc};
	for (int j = 0; j < 3; j++) {
		check_erange_at(R_AARCH64_LDST64_ABS_LO12_NC, W_LDR0, 0x10000000, bad[j]);
		check_erange_at(R_AARCH64_LD64_GOT_LO12_NC, W_LDR0, 0x10000000, bad[j]);
	}
}

/* movz x0, #:abs_g0_nc:SYM ; movk x0, #:abs_g1_nc:SYM ;
 * movk x0, #:abs_g2_nc:SYM ; movk x0, #:abs_g3:SYM, as ld linked them. */
static void test_reloc_movw(void **state)
{
	(void)state;
	const struct target *t = T();
	static const struct {
		uint64_t S;
		uint32_t w[4];
	} g[] = {
		/* movz x0, #0x0 ; movk x0, #0x0, lsl #16 ; movk x0, #0x0, lsl #32 ;
		 * movk x0, #0x0, lsl #48 */
		{0, {0xd2800000, 0xf2a00000, 0xf2c00000, 0xf2e00000}},
		/* movz x0, #0xdef0 ; movk x0, #0x9abc, lsl #16 ;
		 * movk x0, #0x5678, lsl #32 ; movk x0, #0x1234, lsl #48 */
		{0x123456789abcdef0ULL, {0xd29bde00, 0xf2b35780, 0xf2cacf00, 0xf2e24680}},
		/* movz x0, #0x0 ; movk x0, #0xffff, lsl #16 ;
		 * movk x0, #0x0, lsl #32 ; movk x0, #0xffff, lsl #48 */
		{0xffff0000ffff0000ULL, {0xd2800000, 0xf2bfffe0, 0xf2c00000, 0xf2ffffe0}},
		/* movz x0, #0xffff ; movk x0, #0xffff, lsl #16 ;
		 * movk x0, #0xffff, lsl #32 ; movk x0, #0xffff, lsl #48 */
		{UINT64_MAX, {0xd29fffe0, 0xf2bfffe0, 0xf2dfffe0, 0xf2ffffe0}},
		/* movz x0, #0x0 ; movk x0, #0x1, lsl #16 ; movk x0, #0x0, lsl #32 ;
		 * movk x0, #0x0, lsl #48 */
		{0x10000, {0xd2800000, 0xf2a00020, 0xf2c00000, 0xf2e00000}},
	};
	static const uint32_t types[4] = {R_AARCH64_MOVW_UABS_G0_NC, R_AARCH64_MOVW_UABS_G1_NC,
					  R_AARCH64_MOVW_UABS_G2_NC, R_AARCH64_MOVW_UABS_G3};
	static const uint32_t start[4] = {W_MOVZ0, W_MOVK16, W_MOVK32, W_MOVK48};
	for (size_t i = 0; i < NELEM(g); i++)
		for (int j = 0; j < 4; j++) {
			uint8_t b[4];
			fc_wr32(b, start[j]);
			assert_int_equal(t->apply_reloc(types[j], b, 0x10000000 + 4 * j, g[i].S), 0);
			if (fc_rd32(b) != g[i].w[j])
				fail_msg("S=0x%llx G%d: got 0x%08x, want 0x%08x",
					 (unsigned long long)g[i].S, j, fc_rd32(b), g[i].w[j]);
		}
	/* Rewriting replaces the field: movk x0, #0x1234, lsl #48 from
	 * movk x0, #0xffff, lsl #48. */
	uint8_t b[4];
	fc_wr32(b, 0xf2ffffe0);
	assert_int_equal(t->apply_reloc(R_AARCH64_MOVW_UABS_G3, b, 0, 0x1234000000000000ULL), 0);
	assert_int_equal(fc_rd32(b), 0xf2e24680);
	/* x16 survives: mov x16, #0xdef0 */
	fc_wr32(b, 0xd2800010); /* mov x16, #0x0 */
	assert_int_equal(t->apply_reloc(R_AARCH64_MOVW_UABS_G0_NC, b, 0, 0x123456789abcdef0ULL), 0);
	assert_int_equal(fc_rd32(b), 0xd29bde10);
}

/* Data words, as ld linked .xword SYM, .word SYM, .xword SYM - . and
 * .word SYM - . at 0x10000000. */
static void test_reloc_data(void **state)
{
	(void)state;
	const struct target *t = T();
	const uint64_t P = 0x10000000;
	uint8_t b[12];

	static const uint64_t abs64[] = {0x123456789abcdef0ULL, 0, UINT64_MAX};
	for (size_t i = 0; i < NELEM(abs64); i++) {
		memset(b, 0xee, sizeof b);
		assert_int_equal(t->apply_reloc(R_AARCH64_ABS64, b, P, abs64[i]), 0);
		assert_int_equal(fc_rd64(b), abs64[i]);
		assert_int_equal(fc_rd32(b + 8), 0xeeeeeeee); /* exactly 8 bytes */
	}
	/* .xword 0x123456789abcdef0 is f0 de bc 9a 78 56 34 12. */
	static const uint8_t le[8] = {0xf0, 0xde, 0xbc, 0x9a, 0x78, 0x56, 0x34, 0x12};
	assert_int_equal(t->apply_reloc(R_AARCH64_ABS64, b, 0xffffffffffffff00ULL,
					0x123456789abcdef0ULL), 0);
	assert_memory_equal(b, le, 8);

	/* ABS32: -2^31 <= S+A < 2^32 (AAELF64, as lld checks it; ld.bfd refuses
	 * the negative ones). */
	static const struct {
		uint64_t S;
		uint32_t word;
	} abs32[] = {
		{0x12345678, 0x12345678},
		{0xffffffff, 0xffffffff},
		{0, 0},
		{0xffffffff80000000ULL, 0x80000000},
		{0xfffffffffffffffcULL, 0xfffffffc},
	};
	for (size_t i = 0; i < NELEM(abs32); i++) {
		memset(b, 0xee, sizeof b);
		assert_int_equal(t->apply_reloc(R_AARCH64_ABS32, b, P, abs32[i].S), 0);
		assert_int_equal(fc_rd32(b), abs32[i].word);
		assert_int_equal(fc_rd32(b + 4), 0xeeeeeeee);
	}
	static const uint64_t abs32bad[] = {0x100000000ULL, 0xffffffff7fffffffULL,
					    0x8000000000000000ULL, 0x7fffffffffffffffULL};
	for (size_t i = 0; i < NELEM(abs32bad); i++)
		check_erange_at(R_AARCH64_ABS32, 0x11223344, P, abs32bad[i]);

	/* PREL64: any displacement. */
	static const struct {
		uint64_t S, word;
	} prel64[] = {
		{0x10000000, 0},
		{0x0ffffffc, 0xfffffffffffffffcULL},
		{0x133456789ULL, 0x123456789ULL},
		{0xfffffffeecba9877ULL, 0xfffffffedcba9877ULL},
		{0, 0xfffffffff0000000ULL},
		{UINT64_MAX, 0xffffffffefffffffULL},
	};
	for (size_t i = 0; i < NELEM(prel64); i++) {
		memset(b, 0xee, sizeof b);
		assert_int_equal(t->apply_reloc(R_AARCH64_PREL64, b, P, prel64[i].S), 0);
		assert_int_equal(fc_rd64(b), prel64[i].word);
		assert_int_equal(fc_rd32(b + 8), 0xeeeeeeee);
	}

	/* PREL32: -2^31 <= S+A-P < 2^32 (AAELF64; ld.bfd stops at 2^31 - 1). */
	static const struct golden prel32[] = {
		{0, 0},
		{-4, 0xfffffffc},
		{0xffc, 0x00000ffc},
		{0x7fffffff, 0x7fffffff},
		{-0x80000000LL, 0x80000000},
		{0x80000000LL, 0x80000000},
		{0xffffffffLL, 0xffffffff},
	};
	for (size_t k = 0; k < NPS; k++)
		for (size_t i = 0; i < NELEM(prel32); i++) {
			memset(b, 0xee, sizeof b);
			assert_int_equal(t->apply_reloc(R_AARCH64_PREL32, b, Ps[k],
							Ps[k] + (uint64_t)prel32[i].d), 0);
			assert_int_equal(fc_rd32(b), prel32[i].word);
			assert_int_equal(fc_rd32(b + 4), 0xeeeeeeee);
		}
	static const int64_t prel32bad[] = {-0x80000001LL, 0x100000000LL, 0x7fffffffffffLL,
					    -0x100000000LL};
	check_erange(R_AARCH64_PREL32, 0x11223344, prel32bad, NELEM(prel32bad));
}

static void test_reloc_none_and_unknown(void **state)
{
	(void)state;
	const struct target *t = T();
	uint8_t b[8];
	fc_wr32(b, W_BL0);
	fc_wr32(b + 4, W_NOP);
	assert_int_equal(t->apply_reloc(R_AARCH64_NONE, b, 0x1000, 0x123456789ULL), 0);
	assert_int_equal(fc_rd32(b), W_BL0);
	assert_int_equal(fc_rd32(b + 4), W_NOP);
	/* Known to relocs.def but not applied by farcall, and unknown ones. */
	static const uint32_t unknown[] = {
		1, 256, 259 /* ABS16 */, 262 /* PREL16 */, 263 /* MOVW_UABS_G0 */,
		274 /* ADR_PREL_LO21 */, 276 /* ADR_PREL_PG_HI21_NC */, 278 /* LDST8_ABS_LO12_NC */,
		281, 284, 285 /* LDST16_ABS_LO12_NC */, R_AARCH64_COPY, R_AARCH64_GLOB_DAT,
		R_AARCH64_JUMP_SLOT, R_AARCH64_RELATIVE, R_AARCH64_IRELATIVE, R_AARCH64_TLSDESC,
		0xffffffffu,
	};
	for (size_t i = 0; i < NELEM(unknown); i++) {
		fc_wr32(b, W_BL0);
		fc_wr32(b + 4, W_NOP);
		assert_int_equal(t->apply_reloc(unknown[i], b, 0x1000, 0x1040), -EINVAL);
		assert_int_equal(fc_rd32(b), W_BL0);
		assert_int_equal(fc_rd32(b + 4), W_NOP);
	}
}

/* ---- decode ----------------------------------------------------------- */

struct dcase {
	uint32_t word;
	enum fc_insn_type type;
	int64_t d; /* dest - pc, for direct branches */
	const char *as;
};

static void test_decode(void **state)
{
	(void)state;
	static const struct dcase cs[] = {
		{0x94000001, FC_INSN_CALL, 4, "bl .+4"},
		{0x97ffffff, FC_INSN_CALL, -4, "bl .-4"},
		{0x95ffffff, FC_INSN_CALL, 0x7fffffc, "bl .+0x7fffffc"},
		{0x96000000, FC_INSN_CALL, -0x8000000, "bl .-0x8000000"},
		{0x9400048d, FC_INSN_CALL, 0x1234, "bl .+0x1234"},
		{0x97fffb73, FC_INSN_CALL, -0x1234, "bl .-0x1234"},
		{0x94000000, FC_INSN_CALL, 0, "bl ."},
		{0x94000002, FC_INSN_CALL, 8, "bl .+0x8"},
		{0x14000001, FC_INSN_JUMP, 4, "b .+4"},
		{0x17ffffff, FC_INSN_JUMP, -4, "b .-4"},
		{0x15ffffff, FC_INSN_JUMP, 0x7fffffc, "b .+0x7fffffc"},
		{0x16000000, FC_INSN_JUMP, -0x8000000, "b .-0x8000000"},
		{0x1400048d, FC_INSN_JUMP, 0x1234, "b .+0x1234"},
		{0x17fffb73, FC_INSN_JUMP, -0x1234, "b .-0x1234"},
		{0x54000020, FC_INSN_JUMP_COND, 4, "b.eq .+4"},
		{0x54ffffe0, FC_INSN_JUMP_COND, -4, "b.eq .-4"},
		{0x547fffe0, FC_INSN_JUMP_COND, 0xffffc, "b.eq .+0xffffc"},
		{0x54800000, FC_INSN_JUMP_COND, -0x100000, "b.eq .-0x100000"},
		{0x540091a1, FC_INSN_JUMP_COND, 0x1234, "b.ne .+0x1234"},
		{0x54ff6e61, FC_INSN_JUMP_COND, -0x1234, "b.ne .-0x1234"},
		{0x54ff6e60, FC_INSN_JUMP_COND, -0x1234, "b.eq .-0x1234"},
		{0xb4000040, FC_INSN_JUMP_COND, 8, "cbz x0, .+8"},
		{0x35ffffc1, FC_INSN_JUMP_COND, -8, "cbnz w1, .-8"},
		{0xb4800000, FC_INSN_JUMP_COND, -0x100000, "cbz x0, .-0x100000"},
		{0xb50091a0, FC_INSN_JUMP_COND, 0x1234, "cbnz x0, .+0x1234"},
		{0xb57fffe0, FC_INSN_JUMP_COND, 0xffffc, "cbnz x0, .+0xffffc"},
		{0x36180200, FC_INSN_JUMP_COND, 0x40, "tbz w0, #3, .+0x40"},
		{0x370ffe02, FC_INSN_JUMP_COND, -0x40, "tbnz w2, #1, .-0x40"},
		{0xb6fc0005, FC_INSN_JUMP_COND, -0x8000, "tbz x5, #63, .-0x8000"},
		{0x3603ffe5, FC_INSN_JUMP_COND, 0x7ffc, "tbz w5, #0, .+0x7ffc"},
		{0x370091a0, FC_INSN_JUMP_COND, 0x1234, "tbnz w0, #0, .+0x1234"},
		{0x37040000, FC_INSN_JUMP_COND, -0x8000, "tbnz w0, #0, .-0x8000"},
		{0xd61f0200, FC_INSN_JUMP_IND, 0, "br x16"},
		{0xd61f0220, FC_INSN_JUMP_IND, 0, "br x17"},
		{0xd63f0220, FC_INSN_CALL_IND, 0, "blr x17"},
		{0xd63f0020, FC_INSN_CALL_IND, 0, "blr x1"},
		{0xd65f03c0, FC_INSN_RET, 0, "ret"},
		{0xd65f0060, FC_INSN_RET, 0, "ret x3"},
		{0x00000000, FC_INSN_TRAP, 0, "udf #0"},
		{0x00001234, FC_INSN_TRAP, 0, "udf #0x1234"},
		{0xd4200000, FC_INSN_TRAP, 0, "brk #0"},
		{0xd4200020, FC_INSN_TRAP, 0, "brk #1"},
		{0xd503201f, FC_INSN_OTHER, 0, "nop"},
		{0xa9bf7bfd, FC_INSN_OTHER, 0, "stp x29, x30, [sp, #-16]!"},
		{0x910003fd, FC_INSN_OTHER, 0, "mov x29, sp"},
		{0xa8c17bfd, FC_INSN_OTHER, 0, "ldp x29, x30, [sp], #16"},
		{0xd503245f, FC_INSN_OTHER, 0, "bti c"},
		/* What thunks and the ADDR forms are made of: none of it is a branch. */
		{0x58000050, FC_INSN_OTHER, 0, "ldr x16, .+8"},
		{0x58000040, FC_INSN_OTHER, 0, "ldr x0, .+8"},
		{0x90000010, FC_INSN_OTHER, 0, "adrp x16, ."},
		{0xb0011a20, FC_INSN_OTHER, 0, "adrp x0, .+0x2345000"},
		{0x91004210, FC_INSN_OTHER, 0, "add x16, x16, #0x10"},
		{0xf947f000, FC_INSN_OTHER, 0, "ldr x0, [x0, #4064]"},
		{0xd2800020, FC_INSN_OTHER, 0, "mov x0, #1"},
		{0xd29bde10, FC_INSN_OTHER, 0, "mov x16, #0xdef0"},
		{0xf2e24690, FC_INSN_OTHER, 0, "movk x16, #0x1234, lsl #48"},
		{0xd4000001, FC_INSN_OTHER, 0, "svc #0"},
	};
	static const uint64_t pcs[] = {0x400000, 0x10000000, 0x12345678, 0x7ffffff0000ULL};
	const struct target *t = T();
	for (size_t k = 0; k < NELEM(pcs); k++)
		for (size_t i = 0; i < NELEM(cs); i++) {
			uint8_t buf[8];
			fc_wr32(buf, cs[i].word);
			fc_wr32(buf + 4, 0x94000001); /* what follows does not matter */
			enum fc_insn_type ty = (enum fc_insn_type)-1;
			uint64_t dest = 0xdeadbeef;
			unsigned n = t->decode(buf, 8, pcs[k], &ty, &dest);
			if (n != 4)
				fail_msg("%s: length %u", cs[i].as, n);
			if (ty != cs[i].type)
				fail_msg("%s: type %d, want %d", cs[i].as, ty, cs[i].type);
			bool direct = ty == FC_INSN_CALL || ty == FC_INSN_JUMP ||
				      ty == FC_INSN_JUMP_COND;
			if (direct && dest != pcs[k] + (uint64_t)cs[i].d)
				fail_msg("%s at 0x%llx: dest 0x%llx, want 0x%llx", cs[i].as,
					 (unsigned long long)pcs[k], (unsigned long long)dest,
					 (unsigned long long)(pcs[k] + (uint64_t)cs[i].d));
		}
}

/* What decode returns for the BL at address 0x34 in objdump's listing:
 * "34: 96000000  bl fffffffff8000034": below zero wraps like objdump. */
static void test_decode_wraps(void **state)
{
	(void)state;
	uint8_t buf[4];
	fc_wr32(buf, 0x96000000); /* bl .-0x8000000 */
	enum fc_insn_type ty;
	uint64_t dest;
	assert_int_equal(T()->decode(buf, 4, 0x34, &ty, &dest), 4);
	assert_int_equal(ty, FC_INSN_CALL);
	assert_int_equal(dest, 0xfffffffff8000034ULL);
}

static void test_decode_short(void **state)
{
	(void)state;
	uint8_t buf[4];
	fc_wr32(buf, 0x94000001); /* bl .+4 */
	for (size_t avail = 0; avail < 4; avail++) {
		enum fc_insn_type ty = FC_INSN_CALL;
		uint64_t dest = 1;
		assert_int_equal(T()->decode(buf, avail, 0x1000, &ty, &dest), 0);
		assert_int_equal(ty, FC_INSN_OTHER);
	}
}

/* decode and apply_reloc agree: what is encoded decodes back. */
static void test_reloc_decode_roundtrip(void **state)
{
	(void)state;
	const struct target *t = T();
	static const int64_t ds[] = {0, 4, -4, 0x1234, -0x1234, 0x7ffc, -0x8000, 0xffffc,
				     -0x100000, 0x7fffffc, -0x8000000};
	static const struct {
		uint32_t type, start;
		enum fc_insn_type ty;
		int64_t lo, hi;
	} k[] = {
		{R_AARCH64_CALL26, W_BL0, FC_INSN_CALL, -0x8000000, 0x7fffffc},
		{R_AARCH64_JUMP26, W_B0, FC_INSN_JUMP, -0x8000000, 0x7fffffc},
		{R_AARCH64_CONDBR19, W_BNE0, FC_INSN_JUMP_COND, -0x100000, 0xffffc},
		{R_AARCH64_CONDBR19, W_CBNZ0, FC_INSN_JUMP_COND, -0x100000, 0xffffc},
		{R_AARCH64_TSTBR14, W_TBNZ0, FC_INSN_JUMP_COND, -0x8000, 0x7ffc},
	};
	for (size_t j = 0; j < NELEM(k); j++)
		for (size_t i = 0; i < NELEM(ds); i++) {
			if (ds[i] < k[j].lo || ds[i] > k[j].hi)
				continue;
			uint8_t buf[4];
			fc_wr32(buf, k[j].start);
			uint64_t P = 0x20000000;
			assert_int_equal(t->apply_reloc(k[j].type, buf, P, P + (uint64_t)ds[i]), 0);
			enum fc_insn_type ty;
			uint64_t dest;
			assert_int_equal(t->decode(buf, 4, P, &ty, &dest), 4);
			assert_int_equal(ty, k[j].ty);
			assert_int_equal(dest, P + (uint64_t)ds[i]);
		}
}

/* ---- seq_len ---------------------------------------------------------- */

/* Bytes that are not the form are not taken for it: emu reports the site's
 * shape instead of running something else. */
static void test_seq_len_rejects(void **state)
{
	(void)state;
	const struct target *t = T();
	static const struct {
		int form;
		uint32_t w[4];
	} k[] = {
		{F_BL, {0xd503201f}},                         /* nop */
		{F_BL, {0x17fffb73}},                         /* b .-0x1234 (not bl) */
		{F_B, {0x9400048d}},                          /* bl .+0x1234 (not b) */
		{F_BNE, {0x54000000}},                        /* b.eq . */
		{F_CBNZ, {0xb5000001}},                       /* cbnz x1, . */
		{F_TBNZ, {0x37080000}},                       /* tbnz w0, #1, . */
		{F_ADRP_ADD, {0x00000000, 0x00000000}},       /* udf #0 ; udf #0 */
		{F_ADRP_ADD, {0x90000000, 0xf9400000}},       /* adrp x0 ; ldr x0, [x0] */
		{F_MOVW, {0xd2800000, 0xf2a00000, 0xd503201f, 0xf2e00000}}, /* movz; movk; nop; movk */
		{F_LDR_LIT, {0xd503201f}},                    /* nop */
		{F_ABS64, {0}}, {F_PREL32, {0}}, {F_PREL64, {0}},
	};
	for (size_t i = 0; i < NELEM(k); i++) {
		uint8_t b[16];
		for (unsigned j = 0; j < 4; j++)
			fc_wr32(b + 4 * j, k[i].w[j]);
		unsigned ni = 99;
		if (t->seq_len(F(k[i].form), b, sizeof b, 0x400000, &ni) != 0)
			fail_msg("seq_len(%s) took case %zu for the form", F(k[i].form)->name, i);
	}
}

static void test_seq_len(void **state)
{
	(void)state;
	const struct target *t = T();
	static const struct {
		int form;
		uint32_t w[4];
		unsigned n;
	} k[] = {
		{F_BL, {0x9400048d}, 1},                             /* bl .+0x1234 */
		{F_B, {0x17fffb73}, 1},                              /* b .-0x1234 */
		{F_BNE, {0x540091a1}, 1},                            /* b.ne .+0x1234 */
		{F_CBNZ, {0xb50091a0}, 1},                           /* cbnz x0, .+0x1234 */
		{F_TBNZ, {0x370091a0}, 1},                           /* tbnz w0, #0, .+0x1234 */
		{F_ADRP_ADD, {0xb0011a20, 0x9119e000}, 2},           /* adrp x0, ... ; add x0, x0, #0x678 */
		{F_ADRP_GOT, {0xf00000e0, 0xf947f000}, 2},           /* adrp x0, ... ; ldr x0, [x0, #4064] */
		/* The GOT load as linkers relax it, in place. */
		{F_ADRP_GOT, {0xb0011a20, 0x9119e000}, 2},           /* adrp x0, ... ; add x0, x0, #0x678 */
		{F_MOVW, {0xd29bde00, 0xf2b35780, 0xf2cacf00, 0xf2e24680}, 4},
		/* mov x0, #0xdef0 ; movk x0, #0x9abc, lsl #16 ; movk x0, #0x5678, lsl #32 ;
		 * movk x0, #0x1234, lsl #48 */
		{F_LDR_LIT, {0x58000040}, 1},                        /* ldr x0, .+8 */
		/* ADRP+ADD as lld and mold relax it when the target is near. */
		{F_ADRP_ADD, {0xd503201f, 0x10000040}, 2},           /* nop ; adr x0, .+8 */
	};
	for (size_t i = 0; i < NELEM(k); i++) {
		const struct fc_form *f = F(k[i].form);
		uint8_t b[32];
		memset(b, 0xff, sizeof b);
		for (unsigned j = 0; j < k[i].n; j++)
			fc_wr32(b + 4 * j, k[i].w[j]);
		unsigned len = 4 * k[i].n, ni = 0;
		/* Junk after the sequence does not matter. */
		assert_int_equal(t->seq_len(f, b, sizeof b, 0x10000, &ni), len);
		assert_int_equal(ni, k[i].n);
		ni = 0;
		assert_int_equal(t->seq_len(f, b, len, 0x10000, &ni), len);
		assert_int_equal(ni, k[i].n);
		/* Cut short: not the sequence, and *ninsns untouched. */
		ni = 99;
		assert_int_equal(t->seq_len(f, b, len - 1, 0x10000, &ni), 0);
		assert_int_equal(t->seq_len(f, b, 0, 0x10000, &ni), 0);
		assert_int_equal(ni, 99);
	}
}

/* ---- disasm (Capstone) ------------------------------------------------ */

static void dis(uint32_t w, uint64_t pc, const char *mnem, const char *ops)
{
	uint8_t b[8];
	fc_wr32(b, w);
	fc_wr32(b + 4, W_NOP);
	char buf[96];
	unsigned n = T()->disasm(b, 8, pc, buf, sizeof buf);
	if (n != 4)
		fail_msg("0x%08x: length %u (\"%s\")", w, n, buf);
	/* Capstone's own text, "mnemonic operands". */
	csh h;
	assert_int_equal(cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &h), CS_ERR_OK);
	cs_insn *insn;
	assert_int_equal(cs_disasm(h, b, 4, pc, 1, &insn), 1);
	char want[256];
	snprintf(want, sizeof want, "%s %s", insn[0].mnemonic, insn[0].op_str);
	cs_free(insn, 1);
	cs_close(&h);
	assert_string_equal(buf, want);
	if (strncmp(buf, mnem, strlen(mnem)) || buf[strlen(mnem)] != ' ' || !strstr(buf, ops))
		fail_msg("0x%08x: \"%s\", want \"%s\" and \"%s\"", w, buf, mnem, ops);
}

static void test_disasm(void **state)
{
	(void)state;
	dis(0x9400048d, 0x10000, "bl", "0x11234");        /* bl .+0x1234 */
	dis(0x17fffb73, 0x10000, "b", "0xedcc");          /* b .-0x1234 */
	dis(0x540091a1, 0x10000, "b.ne", "0x11234");      /* b.ne .+0x1234 */
	dis(0x370091a0, 0x10000, "tbnz", "w0");           /* tbnz w0, #0, .+0x1234 */
	dis(0xb0011a20, 0x10000000, "adrp", "x0");        /* adrp x0, 0x12345000 */
	dis(0xf947f000, 0x10000, "ldr", "#0xfe0");        /* ldr x0, [x0, #4064] */
	dis(W_BR_X16, 0x10000, "br", "x16");              /* br x16 */
	dis(0xf2e24690, 0x10000, "movk", "x16");          /* movk x16, #0x1234, lsl #48 */
	dis(W_STP, 0x10000, "stp", "x29, x30");           /* stp x29, x30, [sp, #-16]! */

	char buf[64];
	uint8_t b[4];
	fc_wr32(b, 0xffffffff); /* not an instruction */
	assert_int_equal(T()->disasm(b, 4, 0, buf, sizeof buf), 0);
	assert_string_equal(buf, "(undecodable)");
	fc_wr32(b, W_BL0);
	assert_int_equal(T()->disasm(b, 3, 0, buf, sizeof buf), 0); /* cut short */
	assert_int_equal(T()->disasm(b, 0, 0, buf, sizeof buf), 0);
	/* A small buffer is cut, not overrun. */
	char small[4] = {'x', 'x', 'x', 'x'};
	assert_int_equal(T()->disasm(b, 4, 0, small, 3), 4);
	assert_int_equal(small[2], 0);
	assert_int_equal(small[3], 'x');
}

/* ---- init_cpu --------------------------------------------------------- */

static void test_init_cpu(void **state)
{
	(void)state;
	const struct target *t = T();
	uc_engine *uc;
	assert_int_equal(uc_open(t->uc_arch, t->uc_mode, &uc), UC_ERR_OK);
	uint64_t v = 0xf0000000; /* N, Z, C, V */
	assert_int_equal(uc_reg_write(uc, UC_ARM64_REG_NZCV, &v), UC_ERR_OK);
	assert_int_equal(uc_reg_read(uc, UC_ARM64_REG_NZCV, &v), UC_ERR_OK);
	assert_int_equal(v, 0xf0000000);
	uint64_t x0 = 0x1234;
	assert_int_equal(uc_reg_write(uc, UC_ARM64_REG_X0, &x0), UC_ERR_OK);
	t->init_cpu(uc);
	assert_int_equal(uc_reg_read(uc, UC_ARM64_REG_NZCV, &v), UC_ERR_OK);
	assert_int_equal(v, 0);
	assert_int_equal(uc_reg_read(uc, UC_ARM64_REG_X0, &x0), UC_ERR_OK);
	assert_int_equal(x0, 0x1234); /* the registers list is not its business */
	uc_close(uc);
}

/* ---- enc_jump_abs, enc_jump ------------------------------------------- */

static void test_enc_jump_abs(void **state)
{
	(void)state;
	const struct target *t = T();
	uint8_t b[24];
	memset(b, 0xcc, sizeof b);
	assert_int_equal(t->enc_jump_abs(b, 0x400000, 0x123456789abcdef0ULL), 20);
	static const uint32_t w1[] = {
		0xd29bde10, /* mov x16, #0xdef0 */
		0xf2b35790, /* movk x16, #0x9abc, lsl #16 */
		0xf2cacf10, /* movk x16, #0x5678, lsl #32 */
		0xf2e24690, /* movk x16, #0x1234, lsl #48 */
		0xd61f0200, /* br x16 */
	};
	check_words(b, 20, w1, 5);
	assert_int_equal(fc_rd32(b + 20), 0xcccccccc);
	assert_int_equal(t->enc_jump_abs(b, 0x12345678, 0x7fffdeadb000ULL), 20);
	static const uint32_t w2[] = {
		0xd2960010, /* mov x16, #0xb000 */
		0xf2bbd5b0, /* movk x16, #0xdead, lsl #16 */
		0xf2cffff0, /* movk x16, #0x7fff, lsl #32 */
		0xf2e00010, /* movk x16, #0x0, lsl #48 */
		0xd61f0200, /* br x16 */
	};
	check_words(b, 20, w2, 5);
	/* Decoded: four OTHERs, then the indirect jump. */
	for (int i = 0; i < 5; i++) {
		enum fc_insn_type ty;
		uint64_t dest;
		assert_int_equal(t->decode(b + 4 * i, 4, 0x12345678 + 4 * (uint64_t)i, &ty, &dest), 4);
		assert_int_equal(ty, i < 4 ? FC_INSN_OTHER : FC_INSN_JUMP_IND);
	}
}

static void test_enc_jump(void **state)
{
	(void)state;
	const struct target *t = T();
	static const struct golden g[] = {
		{0x1234, 0x1400048d},     /* b .+0x1234 */
		{-0x1234, 0x17fffb73},    /* b .-0x1234 */
		{4, 0x14000001},          /* b .+4 */
		{0, 0x14000000},          /* b . */
		{0x7fffffc, 0x15ffffff},  /* b .+0x7fffffc */
		{-0x8000000, 0x16000000}, /* b .-0x8000000 */
	};
	for (size_t k = 0; k < NPS; k++)
		for (size_t i = 0; i < NELEM(g); i++) {
			uint8_t b[8];
			memset(b, 0xcc, sizeof b);
			uint64_t at = Ps[k] + 0x10000000, to = at + (uint64_t)g[i].d;
			assert_int_equal(t->enc_jump(b, at, to), 4);
			assert_int_equal(fc_rd32(b), g[i].word);
			assert_int_equal(fc_rd32(b + 4), 0xcccccccc);
			enum fc_insn_type ty;
			uint64_t dest;
			assert_int_equal(t->decode(b, 4, at, &ty, &dest), 4);
			assert_int_equal(ty, FC_INSN_JUMP);
			assert_int_equal(dest, to);
		}
	/* Out of reach, or not a word apart: nothing. */
	uint8_t b[4] = {0xcc, 0xcc, 0xcc, 0xcc};
	assert_int_equal(t->enc_jump(b, 0x10000000, 0x10000000 + 0x8000000), 0);
	assert_int_equal(t->enc_jump(b, 0x10000000, 0x10000000 - 0x8000004), 0);
	assert_int_equal(t->enc_jump(b, 0x10000000, 0x10000002), 0);
	assert_int_equal(t->enc_jump(b, 0x1000, 0x7fff00000000ULL), 0);
	assert_int_equal(fc_rd32(b), 0xcccccccc);
}

/* ---- in Unicorn: emitted sites, relocated, do what their form says ---- */

#define PAGE 0x1000ULL

/* The registers every site starts from. */
static uint64_t baseline(unsigned i)
{
	return 0x5ac0000000000000ULL | (uint64_t)i << 40 | 0x1111ULL * (i + 1);
}

static void map_page(uc_engine *uc, uint64_t a)
{
	uc_err e = uc_mem_map(uc, a & ~(PAGE - 1), PAGE, UC_PROT_ALL);
	if (e != UC_ERR_OK && e != UC_ERR_MAP)
		fail_msg("map 0x%llx: %s", (unsigned long long)a, uc_strerror(e));
}

/* Emits form `fi` at `site`, its literal pool (if any) right after it, a
 * GOT entry in the next pages; relocates everything against target+addend
 * and runs it from the baseline registers. */
static void run_site(int fi, uint64_t site, uint64_t target, int64_t addend)
{
	const struct target *t = T();
	const struct fc_form *f = F(fi);
	struct fc_code c = {0}, pool = {0};
	struct fc_emit x = {.pool = &pool, .site_label = fc_code_label(&c)};
	assert_int_equal(t->emit_site(&c, f, &x), 0);
	const uint64_t SA = target + (uint64_t)addend;
	const uint64_t pool_at = (site + c.len + 7) & ~7ULL;
	const uint64_t got = (site & ~(PAGE - 1)) + 2 * PAGE + 0x7f8;

	uc_engine *uc;
	assert_int_equal(uc_open(t->uc_arch, t->uc_mode, &uc), UC_ERR_OK);
	for (uint64_t a = site & ~(PAGE - 1); a <= got; a += PAGE)
		map_page(uc, a);
	const uint64_t stack = 0x7ff000000000ULL;
	map_page(uc, stack - PAGE);
	if (f->sem == FC_SEM_CALL || f->sem == FC_SEM_JUMP) {
		/* Arriving at the target is no fault: a brk waits there. */
		map_page(uc, target);
		uint8_t brk[4];
		fc_wr32(brk, W_BRK0);
		assert_int_equal(uc_mem_write(uc, target, brk, 4), UC_ERR_OK);
	}
	uint8_t e[8];
	fc_wr64(e, SA);
	assert_int_equal(uc_mem_write(uc, got, e, 8), UC_ERR_OK);

	for (size_t i = 0; i < c.nrel; i++) {
		const struct fc_reloc_req *r = &c.rel[i];
		uint64_t S = SA;
		if (r->type == R_AARCH64_ADR_GOT_PAGE || r->type == R_AARCH64_LD64_GOT_LO12_NC)
			S = got;
		if (r->ref == FC_REF_LABEL) {
			assert_true(r->label & FC_LABEL_POOL);
			S = pool_at + pool.labels[r->label & ~FC_LABEL_POOL];
		}
		int rr = t->apply_reloc(r->type, c.buf + r->off, site + r->off, S);
		if (rr)
			fail_msg("%s at 0x%llx to 0x%llx: %s: %d", f->name, (unsigned long long)site,
				 (unsigned long long)SA, fc_reloc_name(t, r->type), rr);
	}
	for (size_t i = 0; i < pool.nrel; i++) {
		const struct fc_reloc_req *r = &pool.rel[i];
		assert_int_equal(r->ref, FC_REF_TARGET);
		assert_int_equal(t->apply_reloc(r->type, pool.buf + r->off, pool_at + r->off, SA), 0);
	}
	assert_int_equal(uc_mem_write(uc, site, c.buf, c.len), UC_ERR_OK);
	if (pool.len)
		assert_int_equal(uc_mem_write(uc, pool_at, pool.buf, pool.len), UC_ERR_OK);

	for (unsigned i = 0; i < t->ngprs; i++) {
		uint64_t v = baseline(i);
		assert_int_equal(uc_reg_write(uc, t->gprs[i], &v), UC_ERR_OK);
	}
	const uint64_t sp = stack - 0x100;
	assert_int_equal(uc_reg_write(uc, t->reg_sp, &sp), UC_ERR_OK);
	uint64_t nzcv = 0xf0000000;
	uc_reg_write(uc, UC_ARM64_REG_NZCV, &nzcv);
	t->init_cpu(uc); /* NZCV = 0: b.ne is taken */

	unsigned ni = 0, n = t->seq_len(f, c.buf, c.len, site, &ni);
	assert_int_equal(n, c.len);
	uc_err err = uc_emu_start(uc, site, 0, 0, ni);
	if (err != UC_ERR_OK)
		fail_msg("%s at 0x%llx: %s", f->name, (unsigned long long)site, uc_strerror(err));

	uint64_t pc;
	uc_reg_read(uc, t->reg_pc, &pc);
	uc_reg_read(uc, UC_ARM64_REG_NZCV, &nzcv);
	assert_int_equal(nzcv, 0);
	int changed = -1; /* the gprs[] index the form may change */
	switch (f->sem) {
	case FC_SEM_CALL:
		if (pc != target)
			fail_msg("%s at 0x%llx: pc 0x%llx, want 0x%llx", f->name,
				 (unsigned long long)site, (unsigned long long)pc,
				 (unsigned long long)target);
		changed = fc_gpr_index(t, t->reg_ra);
		uint64_t lr;
		uc_reg_read(uc, t->reg_ra, &lr);
		assert_int_equal(lr, site + n);
		break;
	case FC_SEM_JUMP:
		if (pc != target)
			fail_msg("%s at 0x%llx: pc 0x%llx, want 0x%llx", f->name,
				 (unsigned long long)site, (unsigned long long)pc,
				 (unsigned long long)target);
		break;
	case FC_SEM_ADDR: {
		assert_int_equal(pc, site + n);
		changed = f->result;
		uint64_t x0;
		uc_reg_read(uc, t->gprs[f->result], &x0);
		if (x0 != SA)
			fail_msg("%s at 0x%llx: x0 0x%llx, want 0x%llx", f->name,
				 (unsigned long long)site, (unsigned long long)x0,
				 (unsigned long long)SA);
		break;
	}
	default:
		fail();
	}
	/* Nothing else moved. */
	for (unsigned i = 0; i < t->ngprs; i++) {
		uint64_t v;
		uc_reg_read(uc, t->gprs[i], &v);
		if ((int)i == changed)
			continue;
		if (v != (t->gprs[i] == t->reg_sp ? sp : baseline(i)))
			fail_msg("%s: %s changed to 0x%llx", f->name, t->gpr_names[i],
				 (unsigned long long)v);
	}
	uc_close(uc);
	fc_code_free(&c);
	fc_code_free(&pool);
}

static void test_execute_sites(void **state)
{
	(void)state;
	/* Sites at the start, the middle and the end of a page, above 4 GiB so
	 * that the lowest ADRP reach is an address. */
	static const uint64_t sites[] = {0x200000000ULL, 0x200000800ULL, 0x200000ffcULL};
	static const int branches[] = {F_BL, F_B, F_BNE, F_CBNZ, F_TBNZ};
	for (size_t s = 0; s < NELEM(sites); s++) {
		const uint64_t at = sites[s];
		for (size_t i = 0; i < NELEM(branches); i++) {
			const struct fc_form *f = F(branches[i]);
			run_site(branches[i], at, at + (uint64_t)f->hi, 0);
			run_site(branches[i], at, at + (uint64_t)f->lo, 0);
			run_site(branches[i], at, at + 0x100, 0);
			run_site(branches[i], at, at - 0x100, 0);
			run_site(branches[i], at, at, 0); /* to itself */
		}
		static const int adrp[] = {F_ADRP_ADD, F_ADRP_GOT};
		for (size_t i = 0; i < 2; i++) {
			const struct fc_form *f = F(adrp[i]);
			if (adrp[i] == F_ADRP_ADD) { /* the GOT entry is near the site */
				run_site(adrp[i], at, at + (uint64_t)f->hi, 0);
				run_site(adrp[i], at, at + (uint64_t)f->lo, 0);
			}
			run_site(adrp[i], at, 0x112345678ULL, 0);
			run_site(adrp[i], at, at + 0x1234, 0x40);
			run_site(adrp[i], at, at - 0x123456, -8);
			run_site(adrp[i], at, 0x1fffffff8ULL, 0);
		}
		run_site(F_MOVW, at, 0x123456789abcdef0ULL, 0);
		run_site(F_MOVW, at, 0xffff0000ffff0000ULL, 0);
		run_site(F_MOVW, at, 0x400000, 0x18);
		run_site(F_LDR_LIT, at, 0x123456789abcdef0ULL, 0);
		run_site(F_LDR_LIT, at, 0x400000, 0x18);
		run_site(F_LDR_LIT, at, UINT64_MAX, 0);
	}
}

/* fc-patch's jumps, run: they land on dest; only x16 changes. */
static void test_execute_enc_jumps(void **state)
{
	(void)state;
	const struct target *t = T();
	static const struct {
		uint64_t at, dest;
	} k[] = {
		{0x400100, 0x7fffdeadb000ULL},
		{0x400100, 0x400000},
		{0x10000000, 0x10000000 + 0x7fffffc},
		{0x10000000, 0x10000000 - 0x8000000},
		{0x10000000, 0x10001234},
	};
	for (size_t i = 0; i < NELEM(k); i++)
		for (int abs = 0; abs < 2; abs++) {
			uint8_t b[24];
			size_t n = abs ? t->enc_jump_abs(b, k[i].at, k[i].dest)
				       : t->enc_jump(b, k[i].at, k[i].dest);
			if (!abs && k[i].dest == 0x7fffdeadb000ULL) {
				assert_int_equal(n, 0); /* out of B's reach */
				continue;
			}
			assert_int_equal(n, abs ? 20 : 4);
			uc_engine *uc;
			assert_int_equal(uc_open(t->uc_arch, t->uc_mode, &uc), UC_ERR_OK);
			map_page(uc, k[i].at);
			map_page(uc, k[i].at + n);
			map_page(uc, k[i].dest);
			assert_int_equal(uc_mem_write(uc, k[i].at, b, n), UC_ERR_OK);
			for (unsigned r = 0; r < t->ngprs; r++) {
				uint64_t v = baseline(r);
				uc_reg_write(uc, t->gprs[r], &v);
			}
			t->init_cpu(uc);
			assert_int_equal(uc_emu_start(uc, k[i].at, 0, 0, n / 4), UC_ERR_OK);
			uint64_t pc;
			uc_reg_read(uc, t->reg_pc, &pc);
			assert_int_equal(pc, k[i].dest);
			for (unsigned r = 0; r < t->ngprs; r++) {
				uint64_t v;
				uc_reg_read(uc, t->gprs[r], &v);
				if (abs && t->gprs[r] == UC_ARM64_REG_X16)
					assert_int_equal(v, k[i].dest);
				else
					assert_int_equal(v, baseline(r));
			}
			uc_close(uc);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_registers),
		cmocka_unit_test(test_relocs_def),
		cmocka_unit_test(test_forms_table),
		cmocka_unit_test(test_forms_reach_matches_reloc),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_site_branches),
		cmocka_unit_test(test_site_addr),
		cmocka_unit_test(test_site_ldr_lit),
		cmocka_unit_test(test_site_data_forms),
		cmocka_unit_test(test_emit_body),
		cmocka_unit_test(test_emit_body_many),
		cmocka_unit_test(test_reloc_call26_jump26),
		cmocka_unit_test(test_reloc_condbr19),
		cmocka_unit_test(test_reloc_ld_prel_lo19),
		cmocka_unit_test(test_reloc_tstbr14),
		cmocka_unit_test(test_reloc_adrp),
		cmocka_unit_test(test_reloc_lo12),
		cmocka_unit_test(test_reloc_movw),
		cmocka_unit_test(test_reloc_data),
		cmocka_unit_test(test_reloc_none_and_unknown),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_decode_wraps),
		cmocka_unit_test(test_decode_short),
		cmocka_unit_test(test_reloc_decode_roundtrip),
		cmocka_unit_test(test_seq_len),
		cmocka_unit_test(test_seq_len_rejects),
		cmocka_unit_test(test_disasm),
		cmocka_unit_test(test_init_cpu),
		cmocka_unit_test(test_enc_jump_abs),
		cmocka_unit_test(test_enc_jump),
		cmocka_unit_test(test_execute_sites),
		cmocka_unit_test(test_execute_enc_jumps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
