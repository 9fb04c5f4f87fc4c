/* Unit tests for the riscv64 target: the bodies and sites it emits, the
 * relocations it applies, the instructions it decodes, the sequences it
 * recognises after linker relaxation, and its disassembler.
 *
 * Every golden instruction word below was produced by
 * riscv64-linux-gnu-as -march=rv64gc (GNU binutils) and read back with
 * riscv64-linux-gnu-objdump -d -M no-aliases; the assembly that gives it
 * stands in the comment beside it. Branches are written "jal ra, .+X": at P
 * they reach P+X, which is what apply_reloc(type, loc, P, P+X) must encode.
 * The AUIPC pairs were linked by riscv64-linux-gnu-ld.bfd --no-relax
 * against --defsym'd targets at the displacement in the comment. */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../targets/util.h"
#include <unicorn/unicorn.h>

#include "../../targets/target.h"
#include "../../targets/riscv64/disasm.h"

/* Uncompressed words. */
#define W_ADDI_SP_M16 0xff010113u /* addi sp, sp, -16 */
#define W_SD_RA       0x00113423u /* sd ra, 8(sp) */
#define W_SD_S0       0x00813023u /* sd s0, 0(sp) */
#define W_ADDI_S0_16  0x01010413u /* addi s0, sp, 16 */
#define W_LD_RA       0x00813083u /* ld ra, 8(sp) */
#define W_LD_S0       0x00013403u /* ld s0, 0(sp) */
#define W_ADDI_SP_16  0x01010113u /* addi sp, sp, 16 */
#define W_RET         0x00008067u /* jalr zero, 0(ra) (ret) */
#define W_EBREAK      0x00100073u /* ebreak */
#define W_UNIMP       0xc0001073u /* unimp */
#define W_AUIPC_RA    0x00000097u /* auipc ra, 0x0 */
#define W_JALR_RA_RA  0x000080e7u /* jalr ra, 0(ra) */
#define W_AUIPC_T1    0x00000317u /* auipc t1, 0x0 */
#define W_JR_T1       0x00030067u /* jalr zero, 0(t1) */
#define W_JAL_RA      0x000000efu /* jal ra, . */
#define W_BNE         0x00b51063u /* bne a0, a1, . */
#define W_AUIPC_A0    0x00000517u /* auipc a0, 0x0 */
#define W_ADDI_A0     0x00050513u /* addi a0, a0, 0 */
#define W_LUI_A0      0x00000537u /* lui a0, 0x0 */
#define W_LD_A0       0x00053503u /* ld a0, 0(a0) */
#define W_SD_A1_A0    0x00b53023u /* sd a1, 0(a0) */
#define W_ADDI_A0_GP  0xf9c18513u /* addi a0, gp, -100 */
#define W_JALR_RA_T1  0x000300e7u /* jalr ra, 0(t1) */
/* Compressed halfwords. */
#define H_C_J0        0xa001u /* c.j . */
#define H_C_JR_RA     0x8082u /* c.jr ra (ret) */
#define H_C_JR_T1     0x8302u /* c.jr t1 */
#define H_C_JALR_T1   0x9302u /* c.jalr t1 */
#define H_C_EBREAK    0x9002u /* c.ebreak */
#define H_C_BEQZ_A0   0xc101u /* c.beqz a0, . */
#define H_C_BNEZ_A0   0xe101u /* c.bnez a0, . */
#define H_C_BEQZ_S1   0xc081u /* c.beqz s1, . */
#define H_C_LUI_A0_1  0x6505u /* c.lui a0, 0x1 */
#define H_C_ADDI_A0_1 0x0505u /* c.addi a0, 1 */
#define H_C_LD_A0     0x6108u /* c.ld a0, 0(a0) */
#define H_C_LI_A0_5   0x4515u /* c.li a0, 5 */
#define H_C_ADDIW     0x2505u /* c.addiw a0, 1 (c.jal on RV32) */
#define H_C_MV        0x852eu /* c.mv a0, a1 */
#define H_C_ADD       0x952eu /* c.add a0, a1 */
#define H_C_NOP       0x0001u /* c.addi zero, 0 (c.nop) */

enum { F_CALL, F_TAIL, F_JAL, F_BNE, F_AUIPC_ADDI, F_LUI_ADDI, F_AUIPC_GOT, F_64, F_32_PCREL,
       NFORMS };
static const char *const form_names[NFORMS] = {
	"call", "tail", "jal", "bne", "auipc+addi", "lui+addi", "auipc+ld.got", "64", "32_pcrel",
};

static const struct target *T(void)
{
	const struct target *t = fc_target_find("riscv64");
	assert_non_null(t);
	return t;
}

static const struct fc_form *F(int i)
{
	const struct fc_form *f = fc_form_find(T(), form_names[i]);
	assert_non_null(f);
	return f;
}

/* ---- the target table ------------------------------------------------- */

static void test_find(void **state)
{
	(void)state;
	const struct target *t = T();
	assert_string_equal(t->name, "riscv64");
	assert_ptr_equal(fc_target_find("riscv"), t);
	assert_ptr_equal(fc_target_find("rv64"), t);
	assert_null(fc_target_find("rv"));
	assert_null(fc_target_find("riscv32"));
	assert_ptr_equal(fc_target_by_machine(EM_RISCV), t);
	assert_int_equal(t->e_machine, 243);
	assert_int_equal(t->e_flags, EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE);
	assert_int_equal(t->uc_arch, UC_ARCH_RISCV);
	assert_int_equal(t->uc_mode, UC_MODE_RISCV64);
	assert_int_equal(t->insn_align, 2);
	assert_int_equal(t->func_align, 4);
	assert_true(t->site_symbols);
	assert_ptr_equal(t->disasm, fc_riscv_disasm);
	/* Defaults filled in. */
	assert_non_null(t->init_cpu);
}

static void test_registers(void **state)
{
	(void)state;
	const struct target *t = T();
	static const char *const names[] = {
		"ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1",
		"a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6",
		"s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
	};
	assert_int_equal(t->ngprs, 31);
	for (unsigned i = 0; i < 31; i++) {
		assert_int_equal(t->gprs[i], UC_RISCV_REG_X1 + (int)i); /* x(i+1) */
		assert_string_equal(t->gpr_names[i], names[i]);
	}
	assert_int_equal(t->reg_pc, UC_RISCV_REG_PC);
	assert_int_equal(t->reg_sp, UC_RISCV_REG_SP);
	assert_int_equal(t->reg_ra, UC_RISCV_REG_RA);
	assert_int_equal(fc_gpr_index(t, UC_RISCV_REG_A0), 9);
	assert_int_equal(fc_gpr_index(t, UC_RISCV_REG_X0), -1);
	assert_int_equal(t->nscratch, 3);
	assert_int_equal(t->scratch[0], UC_RISCV_REG_T1);
	assert_int_equal(t->scratch[1], UC_RISCV_REG_T2);
	assert_int_equal(t->scratch[2], UC_RISCV_REG_T3);
}

/* relocs.def against glibc's <elf.h> (the psABI's numbers). */
static void test_relocs_def(void **state)
{
	(void)state;
	const struct target *t = T();
	static const struct {
		const char *name;
		uint32_t type;
		enum fc_dyn dyn;
	} want[] = {
		{"R_RISCV_NONE", R_RISCV_NONE, FC_DYN_IGNORE},
		{"R_RISCV_32", R_RISCV_32, FC_DYN_NONE},
		{"R_RISCV_64", R_RISCV_64, FC_DYN_SYMBOLIC},
		{"R_RISCV_RELATIVE", R_RISCV_RELATIVE, FC_DYN_RELATIVE},
		{"R_RISCV_COPY", R_RISCV_COPY, FC_DYN_COPY},
		{"R_RISCV_JUMP_SLOT", R_RISCV_JUMP_SLOT, FC_DYN_SYMBOLIC},
		{"R_RISCV_TLS_DTPMOD64", R_RISCV_TLS_DTPMOD64, FC_DYN_TLS},
		{"R_RISCV_TLS_DTPREL64", R_RISCV_TLS_DTPREL64, FC_DYN_TLS},
		{"R_RISCV_TLS_TPREL64", R_RISCV_TLS_TPREL64, FC_DYN_TLS},
		{"R_RISCV_TLSDESC", 12 /* psABI; not in glibc 2.36's elf.h */, FC_DYN_TLS},
		{"R_RISCV_BRANCH", R_RISCV_BRANCH, FC_DYN_NONE},
		{"R_RISCV_JAL", R_RISCV_JAL, FC_DYN_NONE},
		{"R_RISCV_CALL", R_RISCV_CALL, FC_DYN_NONE},
		{"R_RISCV_CALL_PLT", R_RISCV_CALL_PLT, FC_DYN_NONE},
		{"R_RISCV_GOT_HI20", R_RISCV_GOT_HI20, FC_DYN_NONE},
		{"R_RISCV_PCREL_HI20", R_RISCV_PCREL_HI20, FC_DYN_NONE},
		{"R_RISCV_PCREL_LO12_I", R_RISCV_PCREL_LO12_I, FC_DYN_NONE},
		{"R_RISCV_PCREL_LO12_S", R_RISCV_PCREL_LO12_S, FC_DYN_NONE},
		{"R_RISCV_HI20", R_RISCV_HI20, FC_DYN_NONE},
		{"R_RISCV_LO12_I", R_RISCV_LO12_I, FC_DYN_NONE},
		{"R_RISCV_LO12_S", R_RISCV_LO12_S, FC_DYN_NONE},
		{"R_RISCV_ADD32", R_RISCV_ADD32, FC_DYN_NONE},
		{"R_RISCV_ADD64", R_RISCV_ADD64, FC_DYN_NONE},
		{"R_RISCV_SUB32", R_RISCV_SUB32, FC_DYN_NONE},
		{"R_RISCV_SUB64", R_RISCV_SUB64, FC_DYN_NONE},
		{"R_RISCV_ALIGN", R_RISCV_ALIGN, FC_DYN_NONE},
		{"R_RISCV_RVC_BRANCH", R_RISCV_RVC_BRANCH, FC_DYN_NONE},
		{"R_RISCV_RVC_JUMP", R_RISCV_RVC_JUMP, FC_DYN_NONE},
		{"R_RISCV_RELAX", R_RISCV_RELAX, FC_DYN_NONE},
		{"R_RISCV_ADD16", R_RISCV_ADD16, FC_DYN_NONE},
		{"R_RISCV_SUB16", R_RISCV_SUB16, FC_DYN_NONE},
		{"R_RISCV_SUB6", R_RISCV_SUB6, FC_DYN_NONE},
		{"R_RISCV_SET6", R_RISCV_SET6, FC_DYN_NONE},
		{"R_RISCV_SET8", R_RISCV_SET8, FC_DYN_NONE},
		{"R_RISCV_SET16", R_RISCV_SET16, FC_DYN_NONE},
		{"R_RISCV_SET32", R_RISCV_SET32, FC_DYN_NONE},
		{"R_RISCV_32_PCREL", R_RISCV_32_PCREL, FC_DYN_NONE},
		{"R_RISCV_IRELATIVE", R_RISCV_IRELATIVE, FC_DYN_IRELATIVE},
	};
	size_t n = sizeof want / sizeof want[0];
	assert_int_equal(t->nrelocs, n);
	for (size_t i = 0; i < n; i++) {
		const struct fc_reloc_info *r = fc_reloc_info(t, want[i].type);
		if (!r)
			fail_msg("%s (%u) missing", want[i].name, want[i].type);
		assert_string_equal(r->name, want[i].name);
		assert_int_equal(r->dyn, want[i].dyn);
		/* No number twice. */
		for (size_t j = 0; j < i; j++)
			assert_int_not_equal(t->relocs[i].type, t->relocs[j].type);
	}
	assert_string_equal(fc_reloc_name(t, 9999), "R_UNKNOWN");
	assert_null(fc_reloc_info(t, R_RISCV_TLS_DTPREL32));
}

/* ---- the function around the sites ------------------------------------ */

static void check_words(const uint8_t *p, size_t len, const uint32_t *want, size_t n)
{
	assert_int_equal(len, n * 4);
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
	static const uint32_t pro[] = {W_ADDI_SP_M16, W_SD_RA, W_SD_S0, W_ADDI_S0_16};
	check_words(c.buf, c.len, pro, 4);
	fc_code_reset(&c);
	t->emit_epilogue(&c);
	static const uint32_t epi[] = {W_LD_RA, W_LD_S0, W_ADDI_SP_16};
	check_words(c.buf, c.len, epi, 3);
	fc_code_reset(&c);
	t->emit_return(&c, false);
	t->emit_return(&c, true);
	static const uint32_t ret[] = {W_RET, W_EBREAK};
	check_words(c.buf, c.len, ret, 2);
	assert_int_equal(c.nrel, 0);
	fc_code_free(&c);
}

/* ---- sites ------------------------------------------------------------ */

struct want_rel {
	uint32_t off;  /* from the site's first byte */
	uint32_t type;
	uint8_t ref;
};

/* Emits form `fi` after a prologue (so the site is not at offset 0) and
 * checks its words and relocations. */
static void check_site(int fi, bool relax, const uint32_t *words, size_t nw,
		       const struct want_rel *rels, size_t nr)
{
	const struct target *t = T();
	struct fc_code c = {0}, pool = {0};
	t->emit_prologue(&c);
	size_t base = c.len;
	fc_code_label(&c); /* a label that is not the site's */
	struct fc_emit x = {.relax = relax, .pool = &pool, .site_label = fc_code_label(&c)};
	assert_int_equal(x.site_label, 1);
	assert_int_equal(t->emit_site(&c, F(fi), &x), 0);
	check_words(c.buf + base, c.len - base, words, nw);
	if (c.nrel != nr)
		fail_msg("%s relax=%d: %zu relocations, want %zu", form_names[fi], relax, c.nrel, nr);
	for (size_t i = 0; i < nr; i++) {
		const struct fc_reloc_req *r = &c.rel[i];
		assert_int_equal(r->off, base + rels[i].off);
		assert_int_equal(r->type, rels[i].type);
		assert_int_equal(r->ref, rels[i].ref);
		assert_int_equal(r->addend, 0);
		if (r->type != R_RISCV_RELAX && r->ref == FC_REF_LABEL)
			assert_int_equal(r->label, x.site_label); /* the AUIPC's label */
	}
	assert_int_equal(pool.len, 0);
	unsigned n;
	assert_int_equal(t->seq_len(F(fi), c.buf + base, c.len - base, 0, &n), nw * 4);
	assert_int_equal(n, nw);
	fc_code_free(&c);
	fc_code_free(&pool);
}

#define TGT FC_REF_TARGET
#define LAB FC_REF_LABEL

static void test_site_call(void **state)
{
	(void)state;
	static const uint32_t w[] = {W_AUIPC_RA, W_JALR_RA_RA}; /* call f */
	static const struct want_rel r[] = {{0, R_RISCV_CALL_PLT, TGT}};
	check_site(F_CALL, false, w, 2, r, 1);
	static const struct want_rel rx[] = {{0, R_RISCV_CALL_PLT, TGT}, {0, R_RISCV_RELAX, TGT}};
	check_site(F_CALL, true, w, 2, rx, 2);
}

static void test_site_tail(void **state)
{
	(void)state;
	static const uint32_t w[] = {W_AUIPC_T1, W_JR_T1}; /* tail f */
	static const struct want_rel r[] = {{0, R_RISCV_CALL_PLT, TGT}};
	check_site(F_TAIL, false, w, 2, r, 1);
	static const struct want_rel rx[] = {{0, R_RISCV_CALL_PLT, TGT}, {0, R_RISCV_RELAX, TGT}};
	check_site(F_TAIL, true, w, 2, rx, 2);
}

static void test_site_jal_bne(void **state)
{
	(void)state;
	static const uint32_t wj[] = {W_JAL_RA};
	static const struct want_rel rj[] = {{0, R_RISCV_JAL, TGT}};
	check_site(F_JAL, false, wj, 1, rj, 1);
	check_site(F_JAL, true, wj, 1, rj, 1); /* JAL is never relaxed */
	static const uint32_t wb[] = {W_BNE};
	static const struct want_rel rb[] = {{0, R_RISCV_BRANCH, TGT}};
	check_site(F_BNE, false, wb, 1, rb, 1);
	check_site(F_BNE, true, wb, 1, rb, 1);
}

static void test_site_auipc_addi(void **state)
{
	(void)state;
	/* 1: auipc a0, %pcrel_hi(x) ; addi a0, a0, %pcrel_lo(1b) */
	static const uint32_t w[] = {W_AUIPC_A0, W_ADDI_A0};
	static const struct want_rel r[] = {{0, R_RISCV_PCREL_HI20, TGT},
					    {4, R_RISCV_PCREL_LO12_I, LAB}};
	check_site(F_AUIPC_ADDI, false, w, 2, r, 2);
	static const struct want_rel rx[] = {{0, R_RISCV_PCREL_HI20, TGT}, {0, R_RISCV_RELAX, TGT},
					     {4, R_RISCV_PCREL_LO12_I, LAB}, {4, R_RISCV_RELAX, TGT}};
	check_site(F_AUIPC_ADDI, true, w, 2, rx, 4);
}

static void test_site_lui_addi(void **state)
{
	(void)state;
	/* lui a0, %hi(x) ; addi a0, a0, %lo(x) */
	static const uint32_t w[] = {W_LUI_A0, W_ADDI_A0};
	static const struct want_rel r[] = {{0, R_RISCV_HI20, TGT}, {4, R_RISCV_LO12_I, TGT}};
	check_site(F_LUI_ADDI, false, w, 2, r, 2);
	static const struct want_rel rx[] = {{0, R_RISCV_HI20, TGT}, {0, R_RISCV_RELAX, TGT},
					     {4, R_RISCV_LO12_I, TGT}, {4, R_RISCV_RELAX, TGT}};
	check_site(F_LUI_ADDI, true, w, 2, rx, 4);
}

static void test_site_got(void **state)
{
	(void)state;
	/* 1: auipc a0, %got_pcrel_hi(x) ; ld a0, %pcrel_lo(1b)(a0) */
	static const uint32_t w[] = {W_AUIPC_A0, W_LD_A0};
	static const struct want_rel r[] = {{0, R_RISCV_GOT_HI20, TGT},
					    {4, R_RISCV_PCREL_LO12_I, LAB}};
	check_site(F_AUIPC_GOT, false, w, 2, r, 2);
	check_site(F_AUIPC_GOT, true, w, 2, r, 2); /* never marked relaxable */
}

static void test_site_data_forms(void **state)
{
	(void)state;
	const struct target *t = T();
	struct fc_code c = {0}, pool = {0};
	struct fc_emit x = {.pool = &pool};
	assert_int_equal(t->emit_site(&c, F(F_64), &x), -EINVAL);
	assert_int_equal(t->emit_site(&c, F(F_32_PCREL), &x), -EINVAL);
	assert_int_equal(c.len, 0);
	assert_int_equal(c.nrel, 0);
	fc_code_free(&c);
}

/* ---- the forms table -------------------------------------------------- */

static void test_forms_table(void **state)
{
	(void)state;
	const struct target *t = T();
	assert_int_equal(t->nforms, NFORMS);
	for (int i = 0; i < NFORMS; i++) {
		const struct fc_form *f = &t->forms[i];
		assert_ptr_equal(fc_form_find(t, f->name), f); /* names are unique */
		assert_non_null(f->mnemonic);
		assert_true(f->weight > 0);
		assert_true(f->lo <= f->hi);
		assert_false(f->thunkable); /* bfd, lld, mold: no RISC-V thunks */
		if (f->abs)
			assert_true(f->lo == 0 && f->hi == 0);
		assert_int_equal(f->tail_only, i == F_TAIL);
		if (f->sem == FC_SEM_ADDR)
			assert_int_equal(f->result, fc_gpr_index(t, UC_RISCV_REG_A0));
		if (f->sem == FC_SEM_DATA) {
			assert_non_null(fc_reloc_info(t, f->reloc));
			assert_true(f->size == 4 || f->size == 8);
			assert_true(f->data_target);
		} else {
			assert_int_equal(f->size, 0);
		}
	}
	assert_int_equal(F(F_CALL)->sem, FC_SEM_CALL);
	assert_int_equal(F(F_TAIL)->sem, FC_SEM_JUMP);
	assert_int_equal(F(F_JAL)->sem, FC_SEM_CALL);
	assert_int_equal(F(F_BNE)->sem, FC_SEM_JUMP);
	assert_true(F(F_CALL)->plt && F(F_TAIL)->plt);
	assert_false(F(F_JAL)->plt);
	assert_int_equal(F(F_CALL)->lo, -(1LL << 31) - (1LL << 11));
	assert_int_equal(F(F_CALL)->hi, (1LL << 31) - (1LL << 11) - 1);
	assert_int_equal(F(F_JAL)->lo, -(1LL << 20));
	assert_int_equal(F(F_JAL)->hi, (1LL << 20) - 2);
	assert_int_equal(F(F_BNE)->lo, -4096);
	assert_int_equal(F(F_BNE)->hi, 4094);
	assert_true(F(F_LUI_ADDI)->abs);
	assert_int_equal(F(F_LUI_ADDI)->abs_max, 0x7ffff7ff);
	assert_true(F(F_AUIPC_GOT)->got);
	assert_int_equal(F(F_64)->reloc, R_RISCV_64);
	assert_int_equal(F(F_64)->size, 8);
	assert_int_equal(F(F_32_PCREL)->reloc, R_RISCV_32_PCREL);
	assert_int_equal(F(F_32_PCREL)->size, 4);
	assert_int_equal(F(F_32_PCREL)->lo, -(1LL << 31));
	assert_int_equal(F(F_32_PCREL)->hi, (1LL << 31) - 1);
	assert_int_equal(F(F_CALL)->weight, 50);
}

/* A form's reach is exactly what its relocation accepts: applied at the
 * edges of [lo, hi] it succeeds, one step past them it fails. */
static void test_forms_reach_matches_reloc(void **state)
{
	(void)state;
	const struct target *t = T();
	static const struct {
		int form;
		uint32_t type;
		uint32_t word;
		int64_t step;
	} k[] = {
		{F_CALL, R_RISCV_CALL_PLT, W_AUIPC_RA, 1},
		{F_TAIL, R_RISCV_CALL_PLT, W_AUIPC_T1, 1},
		{F_JAL, R_RISCV_JAL, W_JAL_RA, 2},
		{F_BNE, R_RISCV_BRANCH, W_BNE, 2},
		{F_AUIPC_ADDI, R_RISCV_PCREL_HI20, W_AUIPC_A0, 1},
		{F_AUIPC_GOT, R_RISCV_GOT_HI20, W_AUIPC_A0, 1},
		{F_32_PCREL, R_RISCV_32_PCREL, 0, 1},
	};
	const uint64_t P = 0x100000000ULL;
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		const struct fc_form *f = F(k[i].form);
		const int64_t ds[4] = {f->lo, f->hi, f->lo - k[i].step, f->hi + k[i].step};
		for (int j = 0; j < 4; j++) {
			uint8_t b[8];
			fc_wr32(b, k[i].word);
			fc_wr32(b + 4, W_JALR_RA_RA);
			int r = t->apply_reloc(k[i].type, b, P, P + (uint64_t)ds[j]);
			if (r != (j < 2 ? 0 : -ERANGE))
				fail_msg("%s d=%lld: %d", f->name, (long long)ds[j], r);
		}
	}
	/* lui+addi: anything in [0, abs_max]. */
	uint8_t b[4];
	fc_wr32(b, W_LUI_A0);
	assert_int_equal(t->apply_reloc(R_RISCV_HI20, b, 0, F(F_LUI_ADDI)->abs_max), 0);
	assert_int_equal(t->apply_reloc(R_RISCV_HI20, b, 0, F(F_LUI_ADDI)->abs_max + 1), -ERANGE);
}

/* ---- apply_reloc ------------------------------------------------------ */

/* P at several places: the encoding depends on the displacement only. */
static const uint64_t Ps[] = {0x10000, 0x400000, 0x7ffffff0000ULL, 0xfffffffff0000000ULL};
#define NPS (sizeof Ps / sizeof Ps[0])

struct g32 {
	int64_t d;      /* S+A-P */
	uint32_t word;  /* after the relocation */
};

static void check32(uint32_t type, uint32_t start, const struct g32 *g, size_t n)
{
	for (size_t k = 0; k < NPS; k++)
		for (size_t i = 0; i < n; i++) {
			uint8_t b[4];
			fc_wr32(b, start);
			int r = T()->apply_reloc(type, b, Ps[k], Ps[k] + (uint64_t)g[i].d);
			if (r != 0)
				fail_msg("type %u d=%lld: returned %d", type, (long long)g[i].d, r);
			if (fc_rd32(b) != g[i].word)
				fail_msg("type %u d=%lld: got 0x%08x, want 0x%08x", type,
					 (long long)g[i].d, fc_rd32(b), g[i].word);
		}
}

struct g16 {
	int64_t d;
	uint16_t half;
};

static void check16(uint32_t type, uint16_t start, const struct g16 *g, size_t n)
{
	for (size_t k = 0; k < NPS; k++)
		for (size_t i = 0; i < n; i++) {
			uint8_t b[4] = {0, 0, 0xaa, 0xbb}; /* the next halfword stays */
			fc_wr16(b, start);
			int r = T()->apply_reloc(type, b, Ps[k], Ps[k] + (uint64_t)g[i].d);
			if (r != 0)
				fail_msg("type %u d=%lld: returned %d", type, (long long)g[i].d, r);
			if (fc_rd16(b) != g[i].half || b[2] != 0xaa || b[3] != 0xbb)
				fail_msg("type %u d=%lld: got 0x%04x, want 0x%04x", type,
					 (long long)g[i].d, fc_rd16(b), g[i].half);
		}
}

/* Out of range: -ERANGE and not one byte changed. */
static void check_erange(uint32_t type, uint32_t start, const int64_t *ds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t b[8];
		fc_wr32(b, start);
		fc_wr32(b + 4, W_JALR_RA_RA);
		int r = T()->apply_reloc(type, b, 0x10000000, 0x10000000 + (uint64_t)ds[i]);
		if (r != -ERANGE)
			fail_msg("type %u d=%lld: returned %d, want -ERANGE", type,
				 (long long)ds[i], r);
		if (fc_rd32(b) != start || fc_rd32(b + 4) != W_JALR_RA_RA)
			fail_msg("type %u d=%lld: changed to 0x%08x 0x%08x", type,
				 (long long)ds[i], fc_rd32(b), fc_rd32(b + 4));
	}
}

static void test_reloc_call(void **state)
{
	(void)state;
	static const struct {
		int64_t d;
		uint32_t auipc, jalr;
	} g[] = {
		{0, 0x00000097u, 0x000080e7u},           /* auipc ra, 0x0 ; jalr ra, 0(ra) */
		{0x12345678, 0x12345097u, 0x678080e7u},  /* auipc ra, 0x12345 ; jalr ra, 1656(ra) */
		/* lo12 >= 0x800: hi rounds up, lo is negative. */
		{0x12345800, 0x12346097u, 0x800080e7u},  /* auipc ra, 0x12346 ; jalr ra, -2048(ra) */
		{-4, 0x00000097u, 0xffc080e7u},          /* auipc ra, 0x0 ; jalr ra, -4(ra) */
		{-0x1000, 0xfffff097u, 0x000080e7u},     /* auipc ra, 0xfffff ; jalr ra, 0(ra) */
		{0x7ffff7fe, 0x7ffff097u, 0x7fe080e7u},  /* auipc ra, 0x7ffff ; jalr ra, 2046(ra) */
		{0x7ffff7ff, 0x7ffff097u, 0x7ff080e7u},  /* auipc ra, 0x7ffff ; jalr ra, 2047(ra) */
		{-0x80000800LL, 0x80000097u, 0x800080e7u}, /* auipc ra, 0x80000 ; jalr ra, -2048(ra) */
	};
	for (uint32_t type = R_RISCV_CALL; type <= R_RISCV_CALL_PLT; type++)
		for (size_t k = 0; k < NPS; k++)
			for (size_t i = 0; i < sizeof g / sizeof g[0]; i++) {
				uint8_t b[8];
				fc_wr32(b, W_AUIPC_RA);
				fc_wr32(b + 4, W_JALR_RA_RA);
				assert_int_equal(T()->apply_reloc(type, b, Ps[k], Ps[k] + (uint64_t)g[i].d), 0);
				if (fc_rd32(b) != g[i].auipc || fc_rd32(b + 4) != g[i].jalr)
					fail_msg("d=%lld: got 0x%08x 0x%08x", (long long)g[i].d,
						 fc_rd32(b), fc_rd32(b + 4));
			}
	/* The tail pair keeps its registers: tail at 0x10038 to 0x12355680. */
	uint8_t b[8];
	fc_wr32(b, W_AUIPC_T1);
	fc_wr32(b + 4, W_JR_T1);
	assert_int_equal(T()->apply_reloc(R_RISCV_CALL_PLT, b, 0x10038, 0x12355680), 0);
	assert_int_equal(fc_rd32(b), 0x12345317u);     /* auipc t1, 0x12345 */
	assert_int_equal(fc_rd32(b + 4), 0x64830067u); /* jalr zero, 1608(t1) */

	static const int64_t bad[] = {0x7ffff800, -0x80000801LL, 1LL << 32, -(1LL << 32)};
	check_erange(R_RISCV_CALL_PLT, W_AUIPC_RA, bad, 4);
	check_erange(R_RISCV_CALL, W_AUIPC_RA, bad, 4);
}

static void test_reloc_jal(void **state)
{
	(void)state;
	static const struct g32 g[] = {
		{0, 0x000000efu},          /* jal ra, .+0 */
		{2, 0x002000efu},          /* jal ra, .+2 */
		{-2, 0xfffff0efu},         /* jal ra, .-2 */
		{0x800, 0x001000efu},      /* jal ra, .+0x800 */
		{0xffffe, 0x7ffff0efu},    /* jal ra, .+0xffffe */
		{-0x100000, 0x800000efu},  /* jal ra, .-0x100000 */
		{0x12344, 0x344120efu},    /* jal ra, .+0x12344 */
	};
	check32(R_RISCV_JAL, W_JAL_RA, g, sizeof g / sizeof g[0]);
	static const struct g32 gj[] = {
		{0x12344, 0x3441206fu},    /* jal zero, .+0x12344 */
		{-0x12344, 0xcbded06fu},   /* jal zero, .-0x12344 */
	};
	check32(R_RISCV_JAL, 0x0000006fu /* jal zero, . */, gj, 2);
	static const int64_t bad[] = {0x100000, -0x100002, 1, -1, 0xfffff};
	check_erange(R_RISCV_JAL, W_JAL_RA, bad, sizeof bad / sizeof bad[0]);
}

static void test_reloc_branch(void **state)
{
	(void)state;
	static const struct g32 g[] = {
		{0, 0x00b51063u},      /* bne a0, a1, .+0 */
		{4094, 0x7eb51fe3u},   /* bne a0, a1, .+4094 */
		{-4096, 0x80b51063u},  /* bne a0, a1, .-4096 */
		{0x800, 0x00b510e3u},  /* bne a0, a1, .+0x800 */
		{-2, 0xfeb51fe3u},     /* bne a0, a1, .-2 */
		{0x124, 0x12b51263u},  /* bne a0, a1, .+0x124 */
	};
	check32(R_RISCV_BRANCH, W_BNE, g, sizeof g / sizeof g[0]);
	static const int64_t bad[] = {4096, -4098, 3, -3};
	check_erange(R_RISCV_BRANCH, W_BNE, bad, 4);
}

static void test_reloc_rvc(void **state)
{
	(void)state;
	static const struct g16 gj[] = {
		{0, 0xa001u},       /* c.j .+0 */
		{2046, 0xaffdu},    /* c.j .+2046 */
		{-2048, 0xb001u},   /* c.j .-2048 */
		{0x2aa, 0xa46du},   /* c.j .+0x2aa */
		{-0x156, 0xb56du},  /* c.j .-0x156 */
	};
	check16(R_RISCV_RVC_JUMP, H_C_J0, gj, sizeof gj / sizeof gj[0]);
	static const struct g16 gb[] = {
		{0, 0xc101u},       /* c.beqz a0, .+0 */
		{254, 0xcd7du},     /* c.beqz a0, .+254 */
	};
	check16(R_RISCV_RVC_BRANCH, H_C_BEQZ_A0, gb, 2);
	static const struct g16 gn[] = {
		{-256, 0xf101u},    /* c.bnez a0, .-256 */
		{0x56, 0xe939u},    /* c.bnez a0, .+0x56 */
	};
	check16(R_RISCV_RVC_BRANCH, H_C_BNEZ_A0, gn, 2);
	static const struct g16 gs[] = {{-0xaa, 0xd8b9u}}; /* c.beqz s1, .-0xaa */
	check16(R_RISCV_RVC_BRANCH, H_C_BEQZ_S1, gs, 1);

	static const int64_t badj[] = {2048, -2050, 1};
	static const int64_t badb[] = {256, -258, 1};
	for (int i = 0; i < 3; i++) {
		uint8_t b[2];
		fc_wr16(b, H_C_J0);
		assert_int_equal(T()->apply_reloc(R_RISCV_RVC_JUMP, b, 0x1000, 0x1000 + (uint64_t)badj[i]),
				 -ERANGE);
		assert_int_equal(fc_rd16(b), H_C_J0);
		fc_wr16(b, H_C_BEQZ_A0);
		assert_int_equal(T()->apply_reloc(R_RISCV_RVC_BRANCH, b, 0x1000,
						  0x1000 + (uint64_t)badb[i]), -ERANGE);
		assert_int_equal(fc_rd16(b), H_C_BEQZ_A0);
	}
}

/* The pc-relative pairs, as ld linked them: the AUIPC at 0x10040 (and
 * 0x10048, 0x10050) reaching 0x1235603f. */
static void test_reloc_pcrel(void **state)
{
	(void)state;
	static const struct g32 hi[] = {
		{0x12345fff, 0x12346517u},  /* auipc a0, 0x12346 */
		{0x12345678, 0x12345517u},  /* auipc a0, 0x12345 */
		{-0x80000800LL, 0x80000517u}, /* auipc a0, 0x80000 */
		{0x7ffff7ff, 0x7ffff517u},  /* auipc a0, 0x7ffff */
	};
	check32(R_RISCV_PCREL_HI20, W_AUIPC_A0, hi, 4);
	check32(R_RISCV_GOT_HI20, W_AUIPC_A0, hi, 4);
	static const int64_t bad[] = {0x7ffff800, -0x80000801LL};
	check_erange(R_RISCV_PCREL_HI20, W_AUIPC_A0, bad, 2);
	check_erange(R_RISCV_GOT_HI20, W_AUIPC_A0, bad, 2);

	/* PCREL_LO12: SA is the HI20's full pc-relative value; P is ignored. */
	uint8_t b[4];
	for (size_t k = 0; k < NPS; k++) {
		fc_wr32(b, W_ADDI_A0);
		assert_int_equal(T()->apply_reloc(R_RISCV_PCREL_LO12_I, b, Ps[k], 0x12345fff), 0);
		assert_int_equal(fc_rd32(b), 0xfff50513u); /* addi a0, a0, -1 */
		fc_wr32(b, W_LD_A0);
		assert_int_equal(T()->apply_reloc(R_RISCV_PCREL_LO12_I, b, Ps[k], 0x12345ff7), 0);
		assert_int_equal(fc_rd32(b), 0xff753503u); /* ld a0, -9(a0) */
		fc_wr32(b, W_SD_A1_A0);
		assert_int_equal(T()->apply_reloc(R_RISCV_PCREL_LO12_S, b, Ps[k], 0x12345fef), 0);
		assert_int_equal(fc_rd32(b), 0xfeb537a3u); /* sd a1, -17(a0) */
		fc_wr32(b, W_ADDI_A0);
		assert_int_equal(T()->apply_reloc(R_RISCV_PCREL_LO12_I, b, Ps[k], 0x12345678), 0);
		assert_int_equal(fc_rd32(b), 0x67850513u); /* addi a0, a0, 1656 */
	}
}

static void test_reloc_abs(void **state)
{
	(void)state;
	const struct target *t = T();
	static const struct {
		uint64_t SA;
		uint32_t lui, addi, sd;
	} g[] = {
		/* lui a0, 0x12346 ; addi a0, a0, -2048 */
		{0x12345800, 0x12346537u, 0x80050513u, 0},
		/* lui a0, 0x7ffff ; addi a0, a0, 2047 */
		{0x7ffff7ff, 0x7ffff537u, 0x7ff50513u, 0},
		/* lui a0, 0x12346 ; addi a0, a0, -1 ; sd a1, -1(a0) */
		{0x12345fff, 0x12346537u, 0xfff50513u, 0xfeb53fa3u},
		/* lui a0, 0x80000 ; addi a0, a0, 0 ; sd a1, 0(a0) */
		{0xffffffff80000000ULL, 0x80000537u, 0x00050513u, 0x00b53023u},
	};
	for (size_t i = 0; i < sizeof g / sizeof g[0]; i++) {
		uint8_t b[4];
		fc_wr32(b, W_LUI_A0);
		assert_int_equal(t->apply_reloc(R_RISCV_HI20, b, 0x10000, g[i].SA), 0);
		assert_int_equal(fc_rd32(b), g[i].lui);
		fc_wr32(b, W_ADDI_A0);
		assert_int_equal(t->apply_reloc(R_RISCV_LO12_I, b, 0x10000, g[i].SA), 0);
		assert_int_equal(fc_rd32(b), g[i].addi);
		if (g[i].sd) {
			fc_wr32(b, W_SD_A1_A0);
			assert_int_equal(t->apply_reloc(R_RISCV_LO12_S, b, 0x10000, g[i].SA), 0);
			assert_int_equal(fc_rd32(b), g[i].sd);
		}
	}
	static const uint64_t bad[] = {0x7ffff800, 0x80000000, 1ULL << 32,
				       0xffffffff7ffff7ffULL};
	for (size_t i = 0; i < 4; i++) {
		uint8_t b[4];
		fc_wr32(b, W_LUI_A0);
		assert_int_equal(t->apply_reloc(R_RISCV_HI20, b, 0x10000, bad[i]), -ERANGE);
		assert_int_equal(fc_rd32(b), W_LUI_A0);
	}
	/* The lowest: -2^31 - 2^11. */
	uint8_t b[4];
	fc_wr32(b, W_LUI_A0);
	assert_int_equal(t->apply_reloc(R_RISCV_HI20, b, 0, (uint64_t)(-0x80000800LL)), 0);
	assert_int_equal(fc_rd32(b), 0x80000537u); /* lui a0, 0x80000 */
}

static void test_reloc_data(void **state)
{
	(void)state;
	const struct target *t = T();
	uint8_t b[8];
	memset(b, 0xee, 8);
	assert_int_equal(t->apply_reloc(R_RISCV_64, b, 0x1000, 0x123456789abcdef0ULL), 0);
	assert_int_equal(fc_rd32(b), 0x9abcdef0u);
	assert_int_equal(fc_rd32(b + 4), 0x12345678u);

	memset(b, 0xee, 8);
	assert_int_equal(t->apply_reloc(R_RISCV_32, b, 0x1000, 0x12345678), 0);
	assert_int_equal(fc_rd32(b), 0x12345678u);
	assert_int_equal(b[4], 0xee);
	assert_int_equal(t->apply_reloc(R_RISCV_32, b, 0x1000, 0xffffffff80000000ULL), 0);
	assert_int_equal(fc_rd32(b), 0x80000000u);
	assert_int_equal(t->apply_reloc(R_RISCV_32, b, 0x1000, 0xffffffff), 0);
	assert_int_equal(fc_rd32(b), 0xffffffffu);
	assert_int_equal(t->apply_reloc(R_RISCV_32, b, 0x1000, 1ULL << 32), -ERANGE);
	assert_int_equal(t->apply_reloc(R_RISCV_32, b, 0x1000, 0xffffffff7fffffffULL), -ERANGE);
	assert_int_equal(fc_rd32(b), 0xffffffffu);

	const uint64_t P = 0x100000000ULL;
	assert_int_equal(t->apply_reloc(R_RISCV_32_PCREL, b, P, P - 0x80000000ULL), 0);
	assert_int_equal(fc_rd32(b), 0x80000000u);
	assert_int_equal(t->apply_reloc(R_RISCV_32_PCREL, b, P, P + 0x7fffffff), 0);
	assert_int_equal(fc_rd32(b), 0x7fffffffu);
	assert_int_equal(t->apply_reloc(R_RISCV_32_PCREL, b, P, P - 8), 0);
	assert_int_equal(fc_rd32(b), 0xfffffff8u);
	assert_int_equal(t->apply_reloc(R_RISCV_32_PCREL, b, P, P + 0x80000000ULL), -ERANGE);
	assert_int_equal(t->apply_reloc(R_RISCV_32_PCREL, b, P, P - 0x80000001ULL), -ERANGE);
	assert_int_equal(fc_rd32(b), 0xfffffff8u);

	/* Label differences: SET/ADD then SUB on the same word. */
	fc_wr32(b, 0x100);
	assert_int_equal(t->apply_reloc(R_RISCV_ADD32, b, 0, 0x20), 0);
	assert_int_equal(t->apply_reloc(R_RISCV_SUB32, b, 0, 0x10), 0);
	assert_int_equal(fc_rd32(b), 0x110);
	memset(b, 0, 8);
	assert_int_equal(t->apply_reloc(R_RISCV_ADD64, b, 0, 0x100000040ULL), 0);
	assert_int_equal(t->apply_reloc(R_RISCV_SUB64, b, 0, 0x48), 0);
	assert_int_equal(fc_rd32(b), 0xfffffff8u);
	assert_int_equal(fc_rd32(b + 4), 0);
	memset(b, 0xee, 8);
	assert_int_equal(t->apply_reloc(R_RISCV_SET32, b, 0, 0x11223344), 0);
	assert_int_equal(fc_rd32(b), 0x11223344u);
	assert_int_equal(t->apply_reloc(R_RISCV_SET16, b, 0, 0x5566), 0);
	assert_int_equal(fc_rd32(b), 0x11225566u);
	assert_int_equal(t->apply_reloc(R_RISCV_SET8, b, 0, 0x77), 0);
	assert_int_equal(fc_rd32(b), 0x11225577u);
	b[0] = 0xc5; /* DW_CFA_advance_loc: the top two bits stay */
	assert_int_equal(t->apply_reloc(R_RISCV_SET6, b, 0, 0x2a), 0);
	assert_int_equal(b[0], 0xea);
	assert_int_equal(t->apply_reloc(R_RISCV_SUB6, b, 0, 0x0b), 0);
	assert_int_equal(b[0], 0xdf);
}

static void test_reloc_noop_and_unknown(void **state)
{
	(void)state;
	const struct target *t = T();
	static const uint32_t noop[] = {R_RISCV_NONE, R_RISCV_RELAX, R_RISCV_ALIGN};
	for (int i = 0; i < 3; i++) {
		uint8_t b[4];
		fc_wr32(b, W_AUIPC_RA);
		assert_int_equal(t->apply_reloc(noop[i], b, 0x1000, 0x123456789ULL), 0);
		assert_int_equal(fc_rd32(b), W_AUIPC_RA);
	}
	static const uint32_t unk[] = {9999, R_RISCV_TLS_DTPMOD64, R_RISCV_TPREL_HI20,
				       R_RISCV_GPREL_I, 255};
	for (int i = 0; i < 5; i++) {
		uint8_t b[4];
		fc_wr32(b, W_AUIPC_RA);
		assert_int_equal(t->apply_reloc(unk[i], b, 0x1000, 0x2000), -EINVAL);
		assert_int_equal(fc_rd32(b), W_AUIPC_RA);
	}
}

/* ---- decode ----------------------------------------------------------- */

static void dec32(uint32_t w, uint64_t pc, enum fc_insn_type want, int64_t d)
{
	uint8_t b[4];
	fc_wr32(b, w);
	enum fc_insn_type ty;
	uint64_t dest = 1;
	assert_int_equal(T()->decode(b, 4, pc, &ty, &dest), 4);
	if (ty != want)
		fail_msg("0x%08x: type %d, want %d", w, ty, want);
	if (want == FC_INSN_CALL || want == FC_INSN_JUMP || want == FC_INSN_JUMP_COND)
		assert_int_equal(dest, pc + (uint64_t)d);
	/* Too short. */
	assert_int_equal(T()->decode(b, 3, pc, &ty, &dest), 0);
	assert_int_equal(T()->decode(b, 2, pc, &ty, &dest), 0);
}

static void dec16(uint16_t h, uint64_t pc, enum fc_insn_type want, int64_t d)
{
	uint8_t b[4] = {0, 0, 0xff, 0xff};
	fc_wr16(b, h);
	enum fc_insn_type ty;
	uint64_t dest = 1;
	for (size_t avail = 2; avail <= 4; avail += 2) {
		assert_int_equal(T()->decode(b, avail, pc, &ty, &dest), 2);
		if (ty != want)
			fail_msg("0x%04x: type %d, want %d", h, ty, want);
		if (want == FC_INSN_JUMP || want == FC_INSN_JUMP_COND)
			assert_int_equal(dest, pc + (uint64_t)d);
	}
	assert_int_equal(T()->decode(b, 1, pc, &ty, &dest), 0);
}

static void test_decode(void **state)
{
	(void)state;
	const uint64_t pc = 0x80001000;
	dec32(0x344120efu, pc, FC_INSN_CALL, 0x12344);         /* jal ra, .+0x12344 */
	dec32(0x800000efu, pc, FC_INSN_CALL, -0x100000);       /* jal ra, .-0x100000 */
	dec32(0x000002efu, pc, FC_INSN_CALL, 0);               /* jal t0, . */
	dec32(0x3441206fu, pc, FC_INSN_JUMP, 0x12344);         /* jal zero, .+0x12344 */
	dec32(0xcbded06fu, pc, FC_INSN_JUMP, -0x12344);        /* jal zero, .-0x12344 */
	dec32(W_RET, pc, FC_INSN_RET, 0);                      /* jalr zero, 0(ra) */
	dec32(W_JR_T1, pc, FC_INSN_JUMP_IND, 0);               /* jalr zero, 0(t1) */
	dec32(0x00028067u, pc, FC_INSN_JUMP_IND, 0);           /* jalr zero, 0(t0) */
	dec32(0x64830067u, pc, FC_INSN_JUMP_IND, 0);           /* jalr zero, 1608(t1) */
	dec32(0x000280e7u, pc, FC_INSN_CALL_IND, 0);           /* jalr ra, 0(t0) */
	dec32(W_JALR_RA_RA, pc, FC_INSN_CALL_IND, 0);          /* jalr ra, 0(ra) */
	dec32(W_JALR_RA_T1, pc, FC_INSN_CALL_IND, 0);          /* jalr ra, 0(t1) */
	dec32(0x7eb51fe3u, pc, FC_INSN_JUMP_COND, 4094);       /* bne a0, a1, .+4094 */
	dec32(0x80b51063u, pc, FC_INSN_JUMP_COND, -4096);      /* bne a0, a1, .-4096 */
	dec32(0x12b51263u, pc, FC_INSN_JUMP_COND, 0x124);      /* bne a0, a1, .+0x124 */
	dec32(0x00b50063u, pc, FC_INSN_JUMP_COND, 0);          /* beq a0, a1, . */
	dec32(0x00b56063u, pc, FC_INSN_JUMP_COND, 0);          /* bltu a0, a1, . */
	dec32(W_EBREAK, pc, FC_INSN_TRAP, 0);                  /* ebreak */
	dec32(W_UNIMP, pc, FC_INSN_TRAP, 0);                   /* unimp */
	dec32(W_AUIPC_RA, pc, FC_INSN_OTHER, 0);               /* auipc ra, 0x0 */
	dec32(W_ADDI_A0, pc, FC_INSN_OTHER, 0);                /* addi a0, a0, 0 */
	dec32(W_SD_RA, pc, FC_INSN_OTHER, 0);                  /* sd ra, 8(sp) */

	dec16(0xaffdu, pc, FC_INSN_JUMP, 2046);                /* c.j .+2046 */
	dec16(0xb001u, pc, FC_INSN_JUMP, -2048);               /* c.j .-2048 */
	dec16(0xb56du, pc, FC_INSN_JUMP, -0x156);              /* c.j .-0x156 */
	dec16(H_C_JR_RA, pc, FC_INSN_RET, 0);                  /* c.jr ra */
	dec16(H_C_JR_T1, pc, FC_INSN_JUMP_IND, 0);             /* c.jr t1 */
	dec16(H_C_JALR_T1, pc, FC_INSN_CALL_IND, 0);           /* c.jalr t1 */
	dec16(0xcd7du, pc, FC_INSN_JUMP_COND, 254);            /* c.beqz a0, .+254 */
	dec16(0xf101u, pc, FC_INSN_JUMP_COND, -256);           /* c.bnez a0, .-256 */
	dec16(0xd8b9u, pc, FC_INSN_JUMP_COND, -0xaa);          /* c.beqz s1, .-0xaa */
	dec16(H_C_EBREAK, pc, FC_INSN_TRAP, 0);                /* c.ebreak */
	dec16(0x0000u, pc, FC_INSN_TRAP, 0);                   /* (illegal) */
	dec16(H_C_MV, pc, FC_INSN_OTHER, 0);                   /* c.mv a0, a1 */
	dec16(H_C_ADD, pc, FC_INSN_OTHER, 0);                  /* c.add a0, a1 */
	dec16(H_C_ADDIW, pc, FC_INSN_OTHER, 0);                /* c.addiw a0, 1: not c.jal */
	dec16(H_C_LUI_A0_1, pc, FC_INSN_OTHER, 0);             /* c.lui a0, 0x1 */
	dec16(H_C_NOP, pc, FC_INSN_OTHER, 0);                  /* c.nop */

	enum fc_insn_type ty;
	uint64_t dest;
	uint8_t z[4] = {0};
	assert_int_equal(T()->decode(z, 0, pc, &ty, &dest), 0);
}

/* ---- seq_len ---------------------------------------------------------- */

/* Bytes from a list of 2- and 4-byte instructions (a value > 0xffff or
 * with low bits 11 is a 32-bit word). */
static size_t put_insns(uint8_t *b, const uint32_t *in, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++)
		if ((in[i] & 3) == 3) {
			fc_wr32(b + o, in[i]);
			o += 4;
		} else {
			fc_wr16(b + o, (uint16_t)in[i]);
			o += 2;
		}
	return o;
}

static void seq(int fi, const uint32_t *in, size_t n, unsigned want_len, unsigned want_n)
{
	uint8_t b[32];
	memset(b, 0, sizeof b);
	size_t len = put_insns(b, in, n);
	/* Junk after the sequence must not matter. */
	memset(b + len, 0xff, sizeof b - len);
	unsigned ni = 99;
	unsigned r = T()->seq_len(F(fi), b, len, 0x10000, &ni);
	if (r != want_len)
		fail_msg("%s: seq_len %u, want %u", form_names[fi], r, want_len);
	if (r)
		assert_int_equal(ni, want_n);
	r = T()->seq_len(F(fi), b, sizeof b, 0x10000, &ni);
	if (want_len && r != want_len)
		fail_msg("%s (more bytes): seq_len %u, want %u", form_names[fi], r, want_len);
}

#define SEQ(fi, len, n, ...)                                                          \
	do {                                                                          \
		static const uint32_t in_[] = {__VA_ARGS__};                          \
		seq(fi, in_, sizeof in_ / sizeof in_[0], len, n);                     \
	} while (0)

static void test_seq_len_calls(void **state)
{
	(void)state;
	/* Unrelaxed. */
	SEQ(F_CALL, 8, 2, W_AUIPC_RA, W_JALR_RA_RA);          /* auipc ra ; jalr ra, 0(ra) */
	SEQ(F_CALL, 8, 2, 0x12346097u, 0x800080e7u);          /* auipc ra, 0x12346 ; jalr ra, -2048(ra) */
	SEQ(F_TAIL, 8, 2, W_AUIPC_T1, W_JR_T1);               /* auipc t1 ; jalr zero, 0(t1) */
	/* Relaxed to jal / c.j. */
	SEQ(F_CALL, 4, 1, 0x344120efu);                       /* jal ra, .+0x12344 */
	SEQ(F_TAIL, 4, 1, 0x3441206fu);                       /* jal zero, .+0x12344 */
	SEQ(F_TAIL, 2, 1, 0xaffdu);                           /* c.j .+2046 */
	/* A call links and a tail call does not: never one for the other
	 * (farcall check tells them apart by this). */
	SEQ(F_CALL, 0, 0, 0xaffdu);                           /* c.j .+2046 */
	SEQ(F_CALL, 0, 0, 0x3441206fu);                       /* jal zero, .+0x12344 */
	SEQ(F_CALL, 0, 0, W_AUIPC_T1, W_JR_T1);               /* auipc t1 ; jalr zero, 0(t1) */
	SEQ(F_TAIL, 0, 0, 0x344120efu);                       /* jal ra, .+0x12344 */
	SEQ(F_TAIL, 0, 0, W_AUIPC_RA, W_JALR_RA_RA);          /* auipc ra ; jalr ra, 0(ra) */
	/* Not a call. */
	SEQ(F_CALL, 0, 0, W_ADDI_A0);                         /* addi a0, a0, 0 */
	SEQ(F_CALL, 0, 0, W_AUIPC_RA, W_ADDI_A0);             /* auipc ra ; addi a0, a0, 0 */
	SEQ(F_CALL, 0, 0, W_AUIPC_RA, W_JALR_RA_T1);          /* auipc ra ; jalr ra, 0(t1) */
	SEQ(F_CALL, 0, 0, W_AUIPC_RA);                        /* auipc ra, then nothing */
	SEQ(F_CALL, 0, 0, H_C_ADDIW);                         /* c.addiw (c.jal on RV32) */
	SEQ(F_CALL, 0, 0, H_C_JR_RA);                         /* c.jr ra */

	SEQ(F_JAL, 4, 1, W_JAL_RA);                           /* jal ra, . */
	SEQ(F_JAL, 0, 0, W_BNE);                              /* bne a0, a1, . */
	SEQ(F_BNE, 4, 1, W_BNE);                              /* bne a0, a1, . */
	SEQ(F_BNE, 4, 1, 0x80b51063u);                        /* bne a0, a1, .-4096 */
	SEQ(F_BNE, 0, 0, W_JAL_RA);                           /* jal ra, . */
	SEQ(F_BNE, 0, 0, H_C_BNEZ_A0);                        /* c.bnez a0, . */
}

static void test_seq_len_addr(void **state)
{
	(void)state;
	/* Unrelaxed. */
	SEQ(F_AUIPC_ADDI, 8, 2, W_AUIPC_A0, W_ADDI_A0);       /* auipc a0 ; addi a0, a0, 0 */
	SEQ(F_LUI_ADDI, 8, 2, W_LUI_A0, W_ADDI_A0);           /* lui a0 ; addi a0, a0, 0 */
	SEQ(F_AUIPC_GOT, 8, 2, W_AUIPC_A0, W_LD_A0);          /* auipc a0 ; ld a0, 0(a0) */
	/* GOT load relaxed in place to an address computation. */
	SEQ(F_AUIPC_GOT, 8, 2, W_AUIPC_A0, W_ADDI_A0);        /* auipc a0 ; addi a0, a0, 0 */
	/* AUIPC or LUI deleted: gp-relative or small absolute. */
	SEQ(F_AUIPC_ADDI, 4, 1, W_ADDI_A0_GP);                /* addi a0, gp, -100 */
	SEQ(F_LUI_ADDI, 4, 1, W_ADDI_A0_GP);                  /* addi a0, gp, -100 */
	SEQ(F_LUI_ADDI, 4, 1, 0x7ff00513u);                   /* addi a0, zero, 2047 (li) */
	SEQ(F_AUIPC_GOT, 4, 1, 0xf9c1b503u);                  /* ld a0, -100(gp) */
	SEQ(F_LUI_ADDI, 2, 1, H_C_LI_A0_5);                   /* c.li a0, 5 */
	/* LUI compressed. */
	SEQ(F_LUI_ADDI, 6, 2, H_C_LUI_A0_1, 0x80050513u);     /* c.lui a0, 0x1 ; addi a0, a0, -2048 */
	SEQ(F_LUI_ADDI, 4, 2, H_C_LUI_A0_1, H_C_ADDI_A0_1);   /* c.lui a0, 0x1 ; c.addi a0, 1 */
	SEQ(F_LUI_ADDI, 6, 2, W_LUI_A0, H_C_ADDI_A0_1);       /* lui a0 ; c.addi a0, 1 */
	SEQ(F_AUIPC_GOT, 6, 2, W_AUIPC_A0, H_C_LD_A0);        /* auipc a0 ; c.ld a0, 0(a0) */
	/* Not an address sequence. */
	SEQ(F_AUIPC_ADDI, 0, 0, W_AUIPC_A0, W_JALR_RA_T1);    /* auipc a0 ; jalr ra, 0(t1) */
	SEQ(F_AUIPC_ADDI, 0, 0, W_AUIPC_A0);                  /* auipc a0, then nothing */
	SEQ(F_AUIPC_ADDI, 0, 0, W_JAL_RA);                    /* jal ra, . */
	SEQ(F_LUI_ADDI, 0, 0, H_C_NOP);                       /* c.nop */
	SEQ(F_LUI_ADDI, 0, 0, 0x6141u);                       /* c.addi16sp sp, 16: not c.lui */
	SEQ(F_AUIPC_ADDI, 0, 0, W_SD_A1_A0);                  /* sd a1, 0(a0) */

	unsigned n;
	uint8_t b[8] = {0};
	assert_int_equal(T()->seq_len(F(F_AUIPC_ADDI), b, 0, 0, &n), 0);
	assert_int_equal(T()->seq_len(F(F_AUIPC_ADDI), b, 1, 0, &n), 0);
}

/* ---- disasm (LLVM) ---------------------------------------------------- */

static void dis(const uint8_t *b, size_t avail, unsigned want_len, const char *a,
		const char *bb)
{
	char buf[96];
	unsigned n = T()->disasm(b, avail, 0x10000, buf, sizeof buf);
	if (n != want_len)
		fail_msg("disasm length %u, want %u (\"%s\")", n, want_len, buf);
	if (!strstr(buf, a) || (bb && !strstr(buf, bb)))
		fail_msg("disasm \"%s\": want \"%s\" and \"%s\"", buf, a, bb ? bb : "");
	assert_true(buf[0] != '\t' && buf[0] != ' ');
	assert_true(buf[strlen(buf) - 1] != '\t');
}

static void test_disasm(void **state)
{
	(void)state;
	uint8_t b[8];
	fc_wr32(b, W_AUIPC_RA);
	dis(b, 4, 4, "auipc", "ra");            /* auipc ra, 0x0 */
	fc_wr32(b, W_JALR_RA_RA);
	dis(b, 8, 4, "jalr", "ra");             /* jalr ra, 0(ra) */
	fc_wr32(b, W_BNE);
	dis(b, 4, 4, "bne", "a1");              /* bne a0, a1, . */
	fc_wr32(b, W_LD_A0);
	dis(b, 4, 4, "ld", "a0");               /* ld a0, 0(a0) */
	fc_wr32(b, W_RET);
	dis(b, 4, 4, "ret", NULL);              /* jalr zero, 0(ra) */
	fc_wr16(b, 0xaffdu);
	dis(b, 2, 2, "j", "2046");              /* c.j .+2046 */
	fc_wr16(b, H_C_JR_RA);
	dis(b, 4, 2, "ret", NULL);              /* c.jr ra */
	fc_wr16(b, H_C_ADDIW);
	dis(b, 2, 2, "addiw", "a0");            /* c.addiw a0, 1 */

	char buf[64];
	fc_wr32(b, 0xffffffffu);
	assert_int_equal(fc_riscv_disasm(b, 4, 0, buf, sizeof buf), 0);
	assert_string_equal(buf, "(undecodable)");
	fc_wr32(b, W_AUIPC_RA);
	assert_int_equal(fc_riscv_disasm(b, 2, 0, buf, sizeof buf), 0); /* cut short */
	assert_int_equal(fc_riscv_disasm(b, 0, 0, buf, sizeof buf), 0);
	/* A small buffer is cut, not overrun. */
	char small[4] = {'x', 'x', 'x', 'x'};
	assert_int_equal(fc_riscv_disasm(b, 4, 0, small, 3), 4);
	assert_int_equal(small[2], 0);
	assert_int_equal(small[3], 'x');
}

/* ---- enc_jump_abs, enc_jump ------------------------------------------- */

static void test_enc_jumps(void **state)
{
	(void)state;
	const struct target *t = T();
	uint8_t b[16];
	/* at 0x10000, dest 0x12355800 */
	assert_int_equal(t->enc_jump_abs(b, 0x10000, 0x10000 + 0x12345800ULL), 12);
	assert_int_equal(fc_rd32(b), 0x12346317u);     /* auipc t1, 0x12346 */
	assert_int_equal(fc_rd32(b + 4), 0x80030313u); /* addi t1, t1, -2048 */
	assert_int_equal(fc_rd32(b + 8), 0x00030067u); /* jalr zero, 0(t1) */
	assert_int_equal(t->enc_jump_abs(b, 0x10000, 0x10000 + 0x12345678ULL), 12);
	assert_int_equal(fc_rd32(b), 0x12345317u);     /* auipc t1, 0x12345 */
	assert_int_equal(fc_rd32(b + 4), 0x67830313u); /* addi t1, t1, 1656 */
	assert_int_equal(t->enc_jump_abs(b, 0x100000000ULL, 0x10000), 0);
	assert_int_equal(t->enc_jump_abs(b, 0x10000, 0x10000 + 0x7ffff800ULL), 0);

	assert_int_equal(t->enc_jump(b, 0x10000, 0x10000 + 0x12344), 4);
	assert_int_equal(fc_rd32(b), 0x3441206fu);     /* jal zero, .+0x12344 */
	assert_int_equal(t->enc_jump(b, 0x20000, 0x20000 - 0x12344), 4);
	assert_int_equal(fc_rd32(b), 0xcbded06fu);     /* jal zero, .-0x12344 */
	assert_int_equal(t->enc_jump(b, 0x200000, 0x200000 - 0x100000), 4);
	assert_int_equal(fc_rd32(b), 0x8000006fu);     /* jal zero, .-0x100000 */
	assert_int_equal(t->enc_jump(b, 0x10000, 0x10000 + 0x100000), 0);
	assert_int_equal(t->enc_jump(b, 0x10000, 0x10001), 0);
}

/* ---- in Unicorn: emitted sites, relocated, do what their form says ---- */

#define MEM_BASE 0x10000ULL
#define MEM_SIZE 0x100000ULL

static uc_engine *uc_new(void)
{
	uc_engine *uc;
	assert_int_equal(uc_open(UC_ARCH_RISCV, UC_MODE_RISCV64, &uc), UC_ERR_OK);
	assert_int_equal(uc_mem_map(uc, MEM_BASE, MEM_SIZE, UC_PROT_ALL), UC_ERR_OK);
	return uc;
}

static uint64_t reg(uc_engine *uc, int r)
{
	uint64_t v = 0;
	uc_reg_read(uc, r, &v);
	return v;
}

/* Emits `fi` at `site`, relocates it against `target` (`got`: the GOT
 * slot's address), and runs it. */
static void run_site(int fi, uint64_t site, uint64_t target, uint64_t got, bool relax)
{
	const struct target *t = T();
	const struct fc_form *f = F(fi);
	struct fc_code c = {0}, pool = {0};
	struct fc_emit x = {.relax = relax, .pool = &pool, .site_label = fc_code_label(&c)};
	assert_int_equal(t->emit_site(&c, f, &x), 0);
	for (size_t i = 0; i < c.nrel; i++) {
		const struct fc_reloc_req *r = &c.rel[i];
		uint64_t P = site + r->off, SA = target;
		if (r->type == R_RISCV_GOT_HI20)
			SA = got;
		else if (r->ref == FC_REF_LABEL) /* the HI20's value, from its AUIPC */
			SA = (fi == F_AUIPC_GOT ? got : target) - (site + c.labels[r->label]);
		assert_int_equal(t->apply_reloc(r->type, c.buf + r->off, P, SA), 0);
	}
	uc_engine *uc = uc_new();
	uint8_t trap[4];
	fc_wr32(trap, W_EBREAK);
	uc_mem_write(uc, target, trap, 4);
	uc_mem_write(uc, site, c.buf, c.len);
	if (got)
		uc_mem_write(uc, got, &target, 8); /* little-endian host */
	const uint64_t ra0 = 0x5ac0000000001111ULL, a0 = 0x5ac0090000000aaaULL;
	const uint64_t a1 = 0x5ac00a0000000bbbULL, t1 = 0x5ac0050000006666ULL;
	uc_reg_write(uc, UC_RISCV_REG_RA, &ra0);
	uc_reg_write(uc, UC_RISCV_REG_A0, &a0);
	uc_reg_write(uc, UC_RISCV_REG_A1, &a1);
	uc_reg_write(uc, UC_RISCV_REG_T1, &t1);
	unsigned n;
	unsigned len = t->seq_len(f, c.buf, c.len, site, &n);
	assert_int_equal(len, c.len);
	if (f->sem == FC_SEM_ADDR) {
		assert_int_equal(uc_emu_start(uc, site, MEM_BASE + MEM_SIZE - 4, 0, n), UC_ERR_OK);
		assert_int_equal(reg(uc, UC_RISCV_REG_A0), target);
		assert_int_equal(reg(uc, UC_RISCV_REG_PC), site + len);
	} else {
		assert_int_equal(uc_emu_start(uc, site, target, 0, 16), UC_ERR_OK);
		assert_int_equal(reg(uc, UC_RISCV_REG_PC), target);
		assert_int_equal(reg(uc, UC_RISCV_REG_RA),
				 f->sem == FC_SEM_CALL ? site + len : ra0);
		assert_int_equal(reg(uc, UC_RISCV_REG_A0), a0);
		assert_int_equal(reg(uc, UC_RISCV_REG_A1), a1);
	}
	uc_close(uc);
	fc_code_free(&c);
	fc_code_free(&pool);
}

static void test_execute_sites(void **state)
{
	(void)state;
	const uint64_t site = MEM_BASE + 0x80000;
	/* Forward and backward, with lo12 on both sides of 0x800. */
	static const int64_t ds[] = {0x7f800, 0x1234, 0x1a00, -0x6ff00, -0x7ff8, 8};
	for (size_t i = 0; i < sizeof ds / sizeof ds[0]; i++) {
		uint64_t tg = site + (uint64_t)ds[i];
		for (int relax = 0; relax < 2; relax++) {
			run_site(F_CALL, site, tg, 0, relax);
			run_site(F_TAIL, site, tg, 0, relax);
			run_site(F_JAL, site, tg, 0, relax);
			run_site(F_AUIPC_ADDI, site, tg, 0, relax);
			run_site(F_LUI_ADDI, site, tg, 0, relax);
			run_site(F_AUIPC_GOT, site, tg, MEM_BASE + 0x100, relax);
			if (ds[i] >= -4096 && ds[i] <= 4094)
				run_site(F_BNE, site, tg, 0, relax);
		}
	}
	/* An enc_jump_abs sequence and an enc_jump land where they say. */
	const struct target *t = T();
	uint8_t b[16];
	for (size_t i = 0; i < sizeof ds / sizeof ds[0]; i++) {
		uint64_t tg = site + (uint64_t)ds[i];
		for (int k = 0; k < 2; k++) {
			size_t n = k ? t->enc_jump(b, site, tg) : t->enc_jump_abs(b, site, tg);
			assert_true(n > 0);
			uc_engine *uc = uc_new();
			uc_mem_write(uc, site, b, n);
			assert_int_equal(uc_emu_start(uc, site, tg, 0, 4), UC_ERR_OK);
			assert_int_equal(reg(uc, UC_RISCV_REG_PC), tg);
			uc_close(uc);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_registers),
		cmocka_unit_test(test_relocs_def),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_site_call),
		cmocka_unit_test(test_site_tail),
		cmocka_unit_test(test_site_jal_bne),
		cmocka_unit_test(test_site_auipc_addi),
		cmocka_unit_test(test_site_lui_addi),
		cmocka_unit_test(test_site_got),
		cmocka_unit_test(test_site_data_forms),
		cmocka_unit_test(test_forms_table),
		cmocka_unit_test(test_forms_reach_matches_reloc),
		cmocka_unit_test(test_reloc_call),
		cmocka_unit_test(test_reloc_jal),
		cmocka_unit_test(test_reloc_branch),
		cmocka_unit_test(test_reloc_rvc),
		cmocka_unit_test(test_reloc_pcrel),
		cmocka_unit_test(test_reloc_abs),
		cmocka_unit_test(test_reloc_data),
		cmocka_unit_test(test_reloc_noop_and_unknown),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_seq_len_calls),
		cmocka_unit_test(test_seq_len_addr),
		cmocka_unit_test(test_disasm),
		cmocka_unit_test(test_enc_jumps),
		cmocka_unit_test(test_execute_sites),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
