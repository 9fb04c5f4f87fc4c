/* Unit tests for the amd64 target: the sites and function frame it emits,
 * the relocations it applies, the instructions it decodes and measures, and
 * the jumps it encodes for tests/tools/fc-patch.
 *
 * Every golden byte sequence below was produced by GNU as (binutils 2.40,
 * --64) and read back with objdump -d; the assembly that gives it stands in
 * the comment beside it. A branch written "call .+X" sits at the site S and
 * reaches S+X; its rel32 field is at S+1 and holds X-5, which is exactly
 * what apply_reloc(type, S+1, P = S+1, S+X-4) must write: the site's
 * relocation has addend -4. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <capstone/capstone.h>
#include <unicorn/unicorn.h>

#include "../../targets/target.h"

#define R_X86_64_NONE          0
#define R_X86_64_64            1
#define R_X86_64_PC32          2
#define R_X86_64_GOT32         3
#define R_X86_64_PLT32         4
#define R_X86_64_COPY          5
#define R_X86_64_GLOB_DAT      6
#define R_X86_64_JUMP_SLOT     7
#define R_X86_64_RELATIVE      8
#define R_X86_64_GOTPCREL      9
#define R_X86_64_32            10
#define R_X86_64_32S           11
#define R_X86_64_PC64          24
#define R_X86_64_IRELATIVE     37
#define R_X86_64_GOTPCRELX     41
#define R_X86_64_REX_GOTPCRELX 42

#define GiB (1LL << 30)

static const struct target *T(void)
{
	const struct target *t = fc_target_find("amd64");
	assert_non_null(t);
	return t;
}

static const struct fc_form *F(const char *name)
{
	const struct fc_form *f = fc_form_find(T(), name);
	if (!f)
		fail_msg("no form %s", name);
	return f;
}

static void check_bytes(const uint8_t *got, const uint8_t *want, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg("%s: byte %zu: got 0x%02x, want 0x%02x", what, i, got[i], want[i]);
}

/* ---- the target's data ------------------------------------------------ */

static void test_find(void **state)
{
	(void)state;
	const struct target *t = T();
	assert_string_equal(t->name, "amd64");
	assert_ptr_equal(fc_target_find("x86_64"), t);
	assert_ptr_equal(fc_target_find("x86-64"), t);
	assert_null(fc_target_find("x86"));
	assert_null(fc_target_find("x86_"));
	assert_ptr_equal(fc_target_by_machine(62), t);
	assert_int_equal(t->e_machine, 62);
	assert_int_equal(t->e_flags, 0);
	assert_int_equal(t->uc_arch, UC_ARCH_X86);
	assert_int_equal(t->uc_mode, UC_MODE_64);
	assert_int_equal(t->insn_align, 1);
	assert_int_equal(t->func_align, 16);
	assert_int_equal(t->reg_pc, UC_X86_REG_RIP);
	assert_int_equal(t->reg_sp, UC_X86_REG_RSP);
	assert_true(t->reg_ra < 0);
	assert_false(t->site_symbols);
}

static void test_registers(void **state)
{
	(void)state;
	const struct target *t = T();
	static const int want[] = {
		UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX, UC_X86_REG_RDX,
		UC_X86_REG_RSI, UC_X86_REG_RDI, UC_X86_REG_RBP, UC_X86_REG_RSP,
		UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11,
		UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15,
	};
	static const char *const names[] = {
		"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
		"r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
	};
	assert_int_equal(t->ngprs, 16);
	for (unsigned i = 0; i < 16; i++) {
		assert_int_equal(t->gprs[i], want[i]);
		assert_string_equal(t->gpr_names[i], names[i]);
	}
	assert_int_equal(fc_gpr_index(t, UC_X86_REG_RAX), 0);
	assert_int_equal(fc_gpr_index(t, UC_X86_REG_RSP), 7);
	assert_int_equal(fc_gpr_index(t, UC_X86_REG_RIP), -1);
	assert_int_equal(t->nscratch, 1);
	assert_int_equal(t->scratch[0], UC_X86_REG_R11);
}

static void test_relocs_def(void **state)
{
	(void)state;
	const struct target *t = T();
	static const struct {
		uint32_t type;
		const char *name;
		enum fc_dyn dyn;
	} want[] = {
		{0, "R_X86_64_NONE", FC_DYN_IGNORE},
		{1, "R_X86_64_64", FC_DYN_SYMBOLIC},
		{2, "R_X86_64_PC32", FC_DYN_NONE},
		{3, "R_X86_64_GOT32", FC_DYN_NONE},
		{4, "R_X86_64_PLT32", FC_DYN_NONE},
		{5, "R_X86_64_COPY", FC_DYN_COPY},
		{6, "R_X86_64_GLOB_DAT", FC_DYN_SYMBOLIC},
		{7, "R_X86_64_JUMP_SLOT", FC_DYN_SYMBOLIC},
		{8, "R_X86_64_RELATIVE", FC_DYN_RELATIVE},
		{9, "R_X86_64_GOTPCREL", FC_DYN_NONE},
		{10, "R_X86_64_32", FC_DYN_NONE},
		{11, "R_X86_64_32S", FC_DYN_NONE},
		{16, "R_X86_64_DTPMOD64", FC_DYN_TLS},
		{17, "R_X86_64_DTPOFF64", FC_DYN_TLS},
		{18, "R_X86_64_TPOFF64", FC_DYN_TLS},
		{24, "R_X86_64_PC64", FC_DYN_NONE},
		{36, "R_X86_64_TLSDESC", FC_DYN_TLS},
		{37, "R_X86_64_IRELATIVE", FC_DYN_IRELATIVE},
		{41, "R_X86_64_GOTPCRELX", FC_DYN_NONE},
		{42, "R_X86_64_REX_GOTPCRELX", FC_DYN_NONE},
	};
	assert_int_equal(t->nrelocs, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const struct fc_reloc_info *r = fc_reloc_info(t, want[i].type);
		assert_non_null(r);
		assert_string_equal(r->name, want[i].name);
		assert_string_equal(fc_reloc_name(t, want[i].type), want[i].name);
		assert_int_equal(r->dyn, want[i].dyn);
	}
	assert_null(fc_reloc_info(t, 12));
	assert_string_equal(fc_reloc_name(t, 9999), "R_UNKNOWN");
}

/* ---- forms ------------------------------------------------------------ */

static void test_forms_table(void **state)
{
	(void)state;
	const struct target *t = T();
	assert_int_equal(t->nforms, 8);
	unsigned ntail = 0;
	for (unsigned i = 0; i < t->nforms; i++) {
		const struct fc_form *f = &t->forms[i];
		assert_non_null(f->name);
		assert_non_null(f->mnemonic);
		assert_ptr_equal(fc_form_find(t, f->name), f);
		assert_true(f->weight > 0);
		assert_true(f->lo <= 0 && f->hi >= 0);
		assert_false(f->thunkable); /* no x86-64 linker makes thunks */
		if (f->sem == FC_SEM_DATA) {
			assert_non_null(fc_reloc_info(t, f->reloc));
			assert_true(f->size == 4 || f->size == 8);
			assert_true(f->data_target);
		} else {
			assert_int_equal(f->reloc, 0);
			assert_int_equal(f->size, 0);
		}
		if (f->sem == FC_SEM_ADDR) {
			assert_int_equal(f->result, 0); /* rax */
			assert_true(f->data_target);
		}
		if (f->sem == FC_SEM_CALL || f->sem == FC_SEM_JUMP)
			assert_false(f->data_target);
		if (f->tail_only) {
			assert_string_equal(f->name, "jmp");
			ntail++;
		}
	}
	assert_int_equal(ntail, 1);

	const struct fc_form *f = F("call");
	assert_int_equal(f->sem, FC_SEM_CALL);
	assert_int_equal(f->lo, -2 * GiB + 5);
	assert_int_equal(f->hi, 2 * GiB + 4);
	assert_true(f->plt);
	assert_false(f->tail_only);
	assert_int_equal(f->weight, 60);

	f = F("jmp");
	assert_int_equal(f->sem, FC_SEM_JUMP);
	assert_int_equal(f->lo, -2 * GiB + 5);
	assert_int_equal(f->hi, 2 * GiB + 4);
	assert_false(f->plt);
	assert_true(f->tail_only);
	assert_int_equal(f->weight, 8);

	f = F("lea");
	assert_int_equal(f->sem, FC_SEM_ADDR);
	assert_int_equal(f->lo, -2 * GiB + 7);
	assert_int_equal(f->hi, 2 * GiB + 6);
	assert_false(f->got);
	assert_false(f->abs);
	assert_int_equal(f->weight, 6);

	f = F("mov.gotpcrelx");
	assert_int_equal(f->sem, FC_SEM_ADDR);
	assert_int_equal(f->lo, -2 * GiB + 7);
	assert_int_equal(f->hi, 2 * GiB + 6);
	assert_true(f->got);
	assert_false(f->abs);
	assert_int_equal(f->weight, 4);

	f = F("movabs");
	assert_int_equal(f->sem, FC_SEM_ADDR);
	assert_int_equal(f->lo, 0);
	assert_int_equal(f->hi, 0);
	assert_true(f->abs);
	assert_int_equal(f->abs_max, 0);
	assert_int_equal(f->weight, 2);

	f = F("abs64");
	assert_int_equal(f->sem, FC_SEM_DATA);
	assert_int_equal(f->reloc, R_X86_64_64);
	assert_int_equal(f->size, 8);
	assert_int_equal(f->weight, 3);

	f = F("pc32");
	assert_int_equal(f->sem, FC_SEM_DATA);
	assert_int_equal(f->reloc, R_X86_64_PC32);
	assert_int_equal(f->size, 4);
	assert_int_equal(f->lo, -2 * GiB);
	assert_int_equal(f->hi, 2 * GiB - 1);
	assert_int_equal(f->weight, 2);

	f = F("pc64");
	assert_int_equal(f->sem, FC_SEM_DATA);
	assert_int_equal(f->reloc, R_X86_64_PC64);
	assert_int_equal(f->size, 8);
	assert_int_equal(f->lo, 0);
	assert_int_equal(f->hi, 0);
	assert_int_equal(f->weight, 1);
}

/* ---- the frame -------------------------------------------------------- */

static const uint8_t B_PROLOGUE[] = {
	0x55,             /* push %rbp */
	0x48, 0x89, 0xe5, /* mov %rsp,%rbp */
};
static const uint8_t B_EPILOGUE[] = {0x5d}; /* pop %rbp */
static const uint8_t B_RET[] = {0xc3};      /* ret */
static const uint8_t B_UD2[] = {0x0f, 0x0b}; /* ud2 */

static void test_frame(void **state)
{
	(void)state;
	const struct target *t = T();
	struct fc_code c = {0};
	t->emit_prologue(&c);
	assert_int_equal(c.len, sizeof B_PROLOGUE);
	check_bytes(c.buf, B_PROLOGUE, sizeof B_PROLOGUE, "prologue");
	t->emit_epilogue(&c);
	assert_int_equal(c.len, 5);
	check_bytes(c.buf + 4, B_EPILOGUE, 1, "epilogue");
	t->emit_return(&c, false);
	assert_int_equal(c.len, 6);
	check_bytes(c.buf + 5, B_RET, 1, "ret");
	t->emit_return(&c, true);
	assert_int_equal(c.len, 8);
	check_bytes(c.buf + 6, B_UD2, 2, "ud2");
	assert_int_equal(c.nrel, 0);
	fc_code_free(&c);
}

/* ---- emit_site -------------------------------------------------------- */

struct site_case {
	const char *form;
	uint8_t bytes[16];
	unsigned len;
	uint32_t type;
	unsigned off;   /* of the relocated field, from the site */
	int64_t addend;
};

static const struct site_case sites[] = {
	{"call", {0xe8, 0, 0, 0, 0}, 5, /* call foo */
	 R_X86_64_PLT32, 1, -4},
	{"jmp", {0xe9, 0, 0, 0, 0}, 5, /* jmp foo */
	 R_X86_64_PC32, 1, -4},
	{"lea", {0x48, 0x8d, 0x05, 0, 0, 0, 0}, 7, /* lea foo(%rip),%rax */
	 R_X86_64_PC32, 3, -4},
	{"mov.gotpcrelx", {0x48, 0x8b, 0x05, 0, 0, 0, 0}, 7, /* mov foo@GOTPCREL(%rip),%rax */
	 R_X86_64_REX_GOTPCRELX, 3, -4},
	{"movabs", {0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0}, 10, /* movabs $foo,%rax */
	 R_X86_64_64, 2, 0},
};
#define NSITES (sizeof sites / sizeof sites[0])

static void test_emit_sites(void **state)
{
	(void)state;
	const struct target *t = T();
	struct fc_code c = {0}, pool = {0};
	struct fc_emit x = {.pool = &pool};
	for (size_t i = 0; i < NSITES; i++) {
		const struct site_case *s = &sites[i];
		/* Alone, and after a prologue (the offset is the body's). */
		for (unsigned base = 0; base <= 4; base += 4) {
			fc_code_reset(&c);
			if (base)
				t->emit_prologue(&c);
			assert_int_equal(t->emit_site(&c, F(s->form), &x), 0);
			if (c.len != base + s->len)
				fail_msg("%s: length %zu, want %u", s->form, c.len, base + s->len);
			check_bytes(c.buf + base, s->bytes, s->len, s->form);
			assert_int_equal(c.nrel, 1);
			assert_int_equal(c.rel[0].type, s->type);
			assert_int_equal(c.rel[0].off, base + s->off);
			assert_int_equal(c.rel[0].ref, FC_REF_TARGET);
			assert_int_equal(c.rel[0].addend, s->addend);
			assert_int_equal(c.nlabels, 0);
		}
	}
	assert_int_equal(pool.len, 0);
	assert_int_equal(pool.nrel, 0);

	/* Several sites in a row, and a tail call after the epilogue. */
	fc_code_reset(&c);
	t->emit_prologue(&c);
	for (size_t i = 0; i < NSITES; i++)
		if (strcmp(sites[i].form, "jmp"))
			assert_int_equal(t->emit_site(&c, F(sites[i].form), &x), 0);
	t->emit_epilogue(&c);
	assert_int_equal(t->emit_site(&c, F("jmp"), &x), 0);
	static const uint8_t body[] = {
		0x55,                               /* push %rbp */
		0x48, 0x89, 0xe5,                   /* mov %rsp,%rbp */
		0xe8, 0, 0, 0, 0,                   /* call foo */
		0x48, 0x8d, 0x05, 0, 0, 0, 0,       /* lea foo(%rip),%rax */
		0x48, 0x8b, 0x05, 0, 0, 0, 0,       /* mov foo@GOTPCREL(%rip),%rax */
		0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, /* movabs $foo,%rax */
		0x5d,                               /* pop %rbp */
		0xe9, 0, 0, 0, 0,                   /* jmp foo */
	};
	assert_int_equal(c.len, sizeof body);
	check_bytes(c.buf, body, sizeof body, "body");
	static const unsigned offs[] = {5, 12, 19, 25, 35};
	assert_int_equal(c.nrel, 5);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(c.rel[i].off, offs[i]);

	/* DATA forms are written by generic code, never by emit_site. */
	fc_code_reset(&c);
	assert_int_equal(t->emit_site(&c, F("abs64"), &x), -EINVAL);
	assert_int_equal(t->emit_site(&c, F("pc32"), &x), -EINVAL);
	assert_int_equal(t->emit_site(&c, F("pc64"), &x), -EINVAL);
	assert_int_equal(c.len, 0);
	assert_int_equal(c.nrel, 0);
	fc_code_free(&c);
	fc_code_free(&pool);
}

/* ---- apply_reloc ------------------------------------------------------ */

/* An instruction whose rel32 field is at `off` and ends the instruction. */
struct rel32_golden {
	int64_t x;         /* target - site */
	uint8_t bytes[8];  /* the instruction after the relocation */
};

/* Applies `type` for a site at S reaching S+x with addend -4; returns the
 * result and leaves the instruction in out. */
static int apply_site(uint32_t type, const uint8_t *start, unsigned len, unsigned off,
		      uint64_t S, int64_t x, uint8_t *out)
{
	memcpy(out, start, len);
	return T()->apply_reloc(type, out + off, S + off, S + (uint64_t)x - 4);
}

static const uint64_t Ss[] = {0x400000, 0x10000000, 0x7ffffff0000ULL, 0xfffffffff0000000ULL};

static void check_rel32(uint32_t type, const uint8_t *start, unsigned len, unsigned off,
			const struct rel32_golden *g, size_t n, int64_t lo, int64_t hi)
{
	for (size_t k = 0; k < sizeof Ss / sizeof Ss[0]; k++) {
		for (size_t i = 0; i < n; i++) {
			uint8_t out[16];
			int r = apply_site(type, start, len, off, Ss[k], g[i].x, out);
			if (r)
				fail_msg("type %u x=%lld: returned %d", type, (long long)g[i].x, r);
			check_bytes(out, g[i].bytes, len, "rel32");
		}
		/* One past either edge: -ERANGE, and nothing written. */
		static const int64_t far[] = {1, 2, 4 * GiB, 64 * GiB};
		for (size_t i = 0; i < sizeof far / sizeof far[0]; i++) {
			int64_t xs[2] = {lo - far[i], hi + far[i]};
			for (int j = 0; j < 2; j++) {
				uint8_t out[16];
				int r = apply_site(type, g[0].bytes, len, off, Ss[k], xs[j], out);
				if (r != -ERANGE)
					fail_msg("type %u x=%lld: returned %d, want -ERANGE", type,
						 (long long)xs[j], r);
				check_bytes(out, g[0].bytes, len, "unchanged");
			}
		}
	}
}

static void test_reloc_call_jmp(void **state)
{
	(void)state;
	static const uint8_t call0[] = {0xe8, 0, 0, 0, 0}; /* call foo */
	static const struct rel32_golden call[] = {
		{0x1234, {0xe8, 0x2f, 0x12, 0x00, 0x00}},      /* call .+0x1234 */
		{-0x1234, {0xe8, 0xc7, 0xed, 0xff, 0xff}},     /* call .-0x1234 */
		{5, {0xe8, 0x00, 0x00, 0x00, 0x00}},           /* call .+5 */
		{0, {0xe8, 0xfb, 0xff, 0xff, 0xff}},           /* call . */
		{0x80000004LL, {0xe8, 0xff, 0xff, 0xff, 0x7f}}, /* call .+0x80000004 */
		{-0x7ffffffbLL, {0xe8, 0x00, 0x00, 0x00, 0x80}}, /* call .-0x7ffffffb */
	};
	const struct fc_form *f = F("call");
	/* The edges are the form's reach. */
	assert_int_equal(call[4].x, f->hi);
	assert_int_equal(call[5].x, f->lo);
	/* PLT32 and PC32 compute the same S+A-P. */
	check_rel32(R_X86_64_PLT32, call0, 5, 1, call, 6, f->lo, f->hi);
	check_rel32(R_X86_64_PC32, call0, 5, 1, call, 6, f->lo, f->hi);

	static const uint8_t jmp0[] = {0xe9, 0, 0, 0, 0}; /* jmp foo */
	static const struct rel32_golden jmp[] = {
		{0x1234, {0xe9, 0x2f, 0x12, 0x00, 0x00}},       /* jmp .+0x1234 */
		{-0x1234, {0xe9, 0xc7, 0xed, 0xff, 0xff}},      /* jmp .-0x1234 */
		{0x80000004LL, {0xe9, 0xff, 0xff, 0xff, 0x7f}}, /* jmp .+0x80000004 */
		{-0x7ffffffbLL, {0xe9, 0x00, 0x00, 0x00, 0x80}}, /* jmp .-0x7ffffffb */
	};
	f = F("jmp");
	check_rel32(R_X86_64_PC32, jmp0, 5, 1, jmp, 4, f->lo, f->hi);
	check_rel32(R_X86_64_PLT32, jmp0, 5, 1, jmp, 4, f->lo, f->hi);

	/* Rewriting an already relocated field replaces it. */
	uint8_t out[8];
	assert_int_equal(apply_site(R_X86_64_PLT32, call[4].bytes, 5, 1, 0x1000, 0x1234, out), 0);
	check_bytes(out, call[0].bytes, 5, "rewrite");
}

static void test_reloc_rip_relative(void **state)
{
	(void)state;
	static const uint8_t lea0[] = {0x48, 0x8d, 0x05, 0, 0, 0, 0}; /* lea foo(%rip),%rax */
	static const struct rel32_golden lea[] = {
		{0x1000, {0x48, 0x8d, 0x05, 0xf9, 0x0f, 0x00, 0x00}},        /* lea .+0x1000(%rip),%rax */
		{-0x1000, {0x48, 0x8d, 0x05, 0xf9, 0xef, 0xff, 0xff}},       /* lea .-0x1000(%rip),%rax */
		{0x80000006LL, {0x48, 0x8d, 0x05, 0xff, 0xff, 0xff, 0x7f}},  /* lea .+0x80000006(%rip),%rax */
		{-0x7ffffff9LL, {0x48, 0x8d, 0x05, 0x00, 0x00, 0x00, 0x80}}, /* lea .-0x7ffffff9(%rip),%rax */
	};
	const struct fc_form *f = F("lea");
	assert_int_equal(lea[2].x, f->hi);
	assert_int_equal(lea[3].x, f->lo);
	check_rel32(R_X86_64_PC32, lea0, 7, 3, lea, 4, f->lo, f->hi);

	/* The GOT loads compute the same, against the GOT entry. */
	static const uint8_t mov0[] = {0x48, 0x8b, 0x05, 0, 0, 0, 0}; /* mov foo@GOTPCREL(%rip),%rax */
	static const struct rel32_golden mov[] = {
		{0x1000, {0x48, 0x8b, 0x05, 0xf9, 0x0f, 0x00, 0x00}},        /* mov .+0x1000(%rip),%rax */
		{-0x7ffffff9LL, {0x48, 0x8b, 0x05, 0x00, 0x00, 0x00, 0x80}}, /* mov .-0x7ffffff9(%rip),%rax */
	};
	f = F("mov.gotpcrelx");
	static const uint32_t got[] = {R_X86_64_REX_GOTPCRELX, R_X86_64_GOTPCRELX,
				       R_X86_64_GOTPCREL};
	for (size_t i = 0; i < 3; i++)
		check_rel32(got[i], mov0, 7, 3, mov, 2, f->lo, f->hi);
}

struct word_golden {
	uint64_t P, SA;
	uint8_t bytes[8];
};

static void check_word(uint32_t type, unsigned size, const struct word_golden *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t buf[12];
		memset(buf, 0xee, sizeof buf);
		int r = T()->apply_reloc(type, buf, g[i].P, g[i].SA);
		if (r)
			fail_msg("type %u SA=0x%llx: returned %d", type,
				 (unsigned long long)g[i].SA, r);
		check_bytes(buf, g[i].bytes, size, "word");
		for (unsigned j = size; j < sizeof buf; j++)
			assert_int_equal(buf[j], 0xee); /* exactly size bytes written */
	}
}

static void check_word_err(uint32_t type, const uint64_t (*ps)[2], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t buf[12];
		memset(buf, 0xee, sizeof buf);
		int r = T()->apply_reloc(type, buf, ps[i][0], ps[i][1]);
		if (r != -ERANGE)
			fail_msg("type %u P=0x%llx SA=0x%llx: returned %d, want -ERANGE", type,
				 (unsigned long long)ps[i][0], (unsigned long long)ps[i][1], r);
		for (unsigned j = 0; j < sizeof buf; j++)
			assert_int_equal(buf[j], 0xee);
	}
}

static void test_reloc_words(void **state)
{
	(void)state;
	/* R_X86_64_64: any value. */
	static const struct word_golden abs64[] = {
		/* movabs $0x123456789abcdef0,%rax: 48 b8 f0 de bc 9a 78 56 34 12 */
		{0x400000, 0x123456789abcdef0ULL, {0xf0, 0xde, 0xbc, 0x9a, 0x78, 0x56, 0x34, 0x12}},
		{0xffffffffffffff00ULL, 0, {0}},
		{0, UINT64_MAX, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
	};
	check_word(R_X86_64_64, 8, abs64, 3);

	/* R_X86_64_PC64: S+A-P, any value. */
	static const struct word_golden pc64[] = {
		/* L: .quad L - 0x10 - . */
		{0x1000, 0x1000 - 0x10, {0xf0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		/* .quad L + 0x123456789 - .   (at L+8) */
		{0x1008, 0x1000 + 0x123456789ULL, {0x81, 0x67, 0x45, 0x23, 0x01, 0x00, 0x00, 0x00}},
	};
	check_word(R_X86_64_PC64, 8, pc64, 2);

	/* R_X86_64_PC32 as a data word: signed 32 bits. */
	static const struct word_golden pc32[] = {
		/* L: .long L - 4 - . */
		{0x1000, 0x1000 - 4, {0xfc, 0xff, 0xff, 0xff}},
		{0x80000000ULL, 0, {0x00, 0x00, 0x00, 0x80}},           /* lower edge */
		{0x1000, 0x1000 + 0x7fffffffULL, {0xff, 0xff, 0xff, 0x7f}}, /* upper edge */
	};
	check_word(R_X86_64_PC32, 4, pc32, 3);
	static const uint64_t pc32_bad[][2] = {
		{0x80000001ULL, 0}, {0x1000, 0x1000 + 0x80000000ULL}, {0, 0xffffffffULL},
		{0x1000, 0x1000 + (1ULL << 40)},
	};
	check_word_err(R_X86_64_PC32, pc32_bad, 4);

	/* R_X86_64_32: zero-extended. */
	static const struct word_golden u32[] = {
		/* mov $0xffffffff,%eax: b8 ff ff ff ff */
		{0x400000, 0xffffffffULL, {0xff, 0xff, 0xff, 0xff}},
		{0x400000, 0, {0, 0, 0, 0}},
		{0x400000, 0x12345678, {0x78, 0x56, 0x34, 0x12}},
	};
	check_word(R_X86_64_32, 4, u32, 3);
	static const uint64_t u32_bad[][2] = {
		{0x400000, 0x100000000ULL}, {0x400000, UINT64_MAX}, {0x400000, 0xffffffff80000000ULL},
	};
	check_word_err(R_X86_64_32, u32_bad, 3);

	/* R_X86_64_32S: sign-extended. */
	static const struct word_golden s32[] = {
		/* mov $-0x80000000,%rax: 48 c7 c0 00 00 00 80 */
		{0x400000, 0xffffffff80000000ULL, {0x00, 0x00, 0x00, 0x80}},
		/* mov $0x7fffffff,%rax: 48 c7 c0 ff ff ff 7f */
		{0x400000, 0x7fffffff, {0xff, 0xff, 0xff, 0x7f}},
		/* mov $-1,%rax: 48 c7 c0 ff ff ff ff */
		{0x400000, UINT64_MAX, {0xff, 0xff, 0xff, 0xff}},
	};
	check_word(R_X86_64_32S, 4, s32, 3);
	static const uint64_t s32_bad[][2] = {
		{0x400000, 0x80000000ULL}, {0x400000, 0xffffffffULL},
		{0x400000, 0xffffffff7fffffffULL}, {0x400000, 1ULL << 40},
	};
	check_word_err(R_X86_64_32S, s32_bad, 4);
}

static void test_reloc_none_and_unknown(void **state)
{
	(void)state;
	uint8_t buf[8], want[8];
	memset(want, 0x5a, sizeof want);
	memcpy(buf, want, sizeof buf);
	assert_int_equal(T()->apply_reloc(R_X86_64_NONE, buf, 0x1000, 0x40), 0);
	check_bytes(buf, want, 8, "none");
	static const uint32_t unknown[] = {R_X86_64_GOT32, R_X86_64_COPY, R_X86_64_GLOB_DAT,
					   R_X86_64_JUMP_SLOT, R_X86_64_RELATIVE,
					   R_X86_64_IRELATIVE, 12, 257, 0xffffffffu};
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		assert_int_equal(T()->apply_reloc(unknown[i], buf, 0x1000, 0x40), -EINVAL);
		check_bytes(buf, want, 8, "unknown");
	}
}

/* ---- decode ----------------------------------------------------------- */

struct dcase {
	uint8_t b[15];
	unsigned n;
	enum fc_insn_type type;
	int64_t d; /* dest - pc, for direct branches */
	const char *as;
};

static const struct dcase dcases[] = {
	{{0xe8, 0x2f, 0x12, 0x00, 0x00}, 5, FC_INSN_CALL, 0x1234, "call .+0x1234"},
	{{0xe8, 0xc7, 0xed, 0xff, 0xff}, 5, FC_INSN_CALL, -0x1234, "call .-0x1234"},
	{{0xe8, 0x00, 0x00, 0x00, 0x00}, 5, FC_INSN_CALL, 5, "call .+5"},
	{{0xe8, 0xfb, 0xff, 0xff, 0xff}, 5, FC_INSN_CALL, 0, "call ."},
	{{0xe8, 0xff, 0xff, 0xff, 0x7f}, 5, FC_INSN_CALL, 0x80000004LL, "call .+0x80000004"},
	{{0xe8, 0x00, 0x00, 0x00, 0x80}, 5, FC_INSN_CALL, -0x7ffffffbLL, "call .-0x7ffffffb"},
	{{0x67, 0xe8, 0x2e, 0x12, 0x00, 0x00}, 6, FC_INSN_CALL, 0x1234, "addr32 call .+0x1234"},
	{{0x67, 0xe8, 0xc6, 0xed, 0xff, 0xff}, 6, FC_INSN_CALL, -0x1234, "addr32 call .-0x1234"},
	{{0xe9, 0x2f, 0x12, 0x00, 0x00}, 5, FC_INSN_JUMP, 0x1234, "jmp .+0x1234"},
	{{0xe9, 0xc7, 0xed, 0xff, 0xff}, 5, FC_INSN_JUMP, -0x1234, "jmp .-0x1234"},
	{{0xe9, 0xff, 0xff, 0xff, 0x7f}, 5, FC_INSN_JUMP, 0x80000004LL, "jmp .+0x80000004"},
	{{0xe9, 0x00, 0x00, 0x00, 0x80}, 5, FC_INSN_JUMP, -0x7ffffffbLL, "jmp .-0x7ffffffb"},
	{{0xeb, 0x0e}, 2, FC_INSN_JUMP, 0x10, "jmp .+0x10"},
	{{0xeb, 0xee}, 2, FC_INSN_JUMP, -0x10, "jmp .-0x10"},
	{{0xeb, 0x7f}, 2, FC_INSN_JUMP, 0x81, "jmp .+0x81"},
	{{0xeb, 0x80}, 2, FC_INSN_JUMP, -0x7e, "jmp .-0x7e"},
	{{0xf2, 0xe9, 0x2e, 0x12, 0x00, 0x00}, 6, FC_INSN_JUMP, 0x1234, "bnd jmp .+0x1234"},
	{{0x74, 0x0e}, 2, FC_INSN_JUMP_COND, 0x10, "je .+0x10"},
	{{0x75, 0xee}, 2, FC_INSN_JUMP_COND, -0x10, "jne .-0x10"},
	{{0x3e, 0x74, 0x1d}, 3, FC_INSN_JUMP_COND, 0x20, "je,pt .+0x20"},
	{{0x0f, 0x84, 0x2e, 0x12, 0x00, 0x00}, 6, FC_INSN_JUMP_COND, 0x1234, "je .+0x1234"},
	{{0x0f, 0x8f, 0xc6, 0xed, 0xff, 0xff}, 6, FC_INSN_JUMP_COND, -0x1234, "jg .-0x1234"},
	{{0x0f, 0x80, 0xfa, 0x00, 0x00, 0x00}, 6, FC_INSN_JUMP_COND, 0x100, "jo .+0x100"},
	{{0xe3, 0x10}, 2, FC_INSN_JUMP_COND, 0x12, "jrcxz .+0x12"},
	{{0xe2, 0xde}, 2, FC_INSN_JUMP_COND, -0x20, "loop .-0x20"},
	{{0xff, 0xd0}, 2, FC_INSN_CALL_IND, 0, "call *%rax"},
	{{0x41, 0xff, 0xd3}, 3, FC_INSN_CALL_IND, 0, "call *%r11"},
	{{0xff, 0x50, 0x08}, 3, FC_INSN_CALL_IND, 0, "call *0x8(%rax)"},
	{{0xff, 0x15, 0x10, 0x00, 0x00, 0x00}, 6, FC_INSN_CALL_IND, 0, "call *0x10(%rip)"},
	{{0x3e, 0xff, 0xd2}, 3, FC_INSN_CALL_IND, 0, "notrack call *%rdx"},
	{{0xff, 0x18}, 2, FC_INSN_CALL_IND, 0, "lcall *(%rax)"},
	{{0xff, 0xe0}, 2, FC_INSN_JUMP_IND, 0, "jmp *%rax"},
	{{0x41, 0xff, 0xe3}, 3, FC_INSN_JUMP_IND, 0, "jmp *%r11"},
	{{0xff, 0x25, 0x10, 0x00, 0x00, 0x00}, 6, FC_INSN_JUMP_IND, 0, "jmp *0x10(%rip)"},
	{{0x3e, 0xff, 0xe0}, 3, FC_INSN_JUMP_IND, 0, "notrack jmp *%rax"},
	{{0xf2, 0xff, 0xe1}, 3, FC_INSN_JUMP_IND, 0, "bnd jmp *%rcx"},
	{{0xff, 0x28}, 2, FC_INSN_JUMP_IND, 0, "ljmp *(%rax)"},
	{{0xc3}, 1, FC_INSN_RET, 0, "ret"},
	{{0xc2, 0x08, 0x00}, 3, FC_INSN_RET, 0, "ret $0x8"},
	{{0xf3, 0xc3}, 2, FC_INSN_RET, 0, "repz ret"},
	{{0xf2, 0xc3}, 2, FC_INSN_RET, 0, "bnd ret"},
	{{0x0f, 0x0b}, 2, FC_INSN_TRAP, 0, "ud2"},
	{{0xcc}, 1, FC_INSN_TRAP, 0, "int3"},
	{{0xf3, 0x0f, 0x1e, 0xfa}, 4, FC_INSN_OTHER, 0, "endbr64"},
	{{0x90}, 1, FC_INSN_OTHER, 0, "nop"},
	{{0x66, 0x0f, 0x1f, 0x04, 0x00}, 5, FC_INSN_OTHER, 0, "nopw (%rax,%rax,1)"},
	{{0x55}, 1, FC_INSN_OTHER, 0, "push %rbp"},
	{{0x48, 0x89, 0xe5}, 3, FC_INSN_OTHER, 0, "mov %rsp,%rbp"},
	{{0x5d}, 1, FC_INSN_OTHER, 0, "pop %rbp"},
	{{0x48, 0x8d, 0x05, 0x10, 0x00, 0x00, 0x00}, 7, FC_INSN_OTHER, 0, "lea 0x10(%rip),%rax"},
	{{0x48, 0x8b, 0x05, 0x10, 0x00, 0x00, 0x00}, 7, FC_INSN_OTHER, 0, "mov 0x10(%rip),%rax"},
	{{0x49, 0xbb, 0xf0, 0xde, 0xbc, 0x9a, 0x78, 0x56, 0x34, 0x12}, 10, FC_INSN_OTHER, 0,
	 "movabs $0x123456789abcdef0,%r11"},
	{{0x48, 0xc7, 0xc0, 0xff, 0xff, 0xff, 0x7f}, 7, FC_INSN_OTHER, 0, "mov $0x7fffffff,%rax"},
	{{0xff, 0xc0}, 2, FC_INSN_OTHER, 0, "inc %eax"},
	{{0xff, 0x35, 0x10, 0x00, 0x00, 0x00}, 6, FC_INSN_OTHER, 0, "push 0x10(%rip)"},
	{{0xf0, 0xff, 0x00}, 3, FC_INSN_OTHER, 0, "lock incl (%rax)"},
	{{0xc5, 0xf8, 0x77}, 3, FC_INSN_OTHER, 0, "vzeroupper"},
	{{0xc5, 0xed, 0xef, 0xd9}, 4, FC_INSN_OTHER, 0, "vpxor %ymm1,%ymm2,%ymm3"},
	{{0x0f, 0x05}, 2, FC_INSN_OTHER, 0, "syscall"},
};

static void test_decode(void **state)
{
	(void)state;
	static const uint64_t pcs[] = {0x400000, 0x10000000, 0x12345678, 0x7ffff0000000ULL};
	const struct target *t = T();
	for (size_t k = 0; k < sizeof pcs / sizeof pcs[0]; k++)
		for (size_t i = 0; i < sizeof dcases / sizeof dcases[0]; i++) {
			const struct dcase *c = &dcases[i];
			/* Followed by bytes that belong to the next instruction. */
			uint8_t buf[32];
			memset(buf, 0x90, sizeof buf);
			memcpy(buf, c->b, c->n);
			enum fc_insn_type ty = (enum fc_insn_type)-1;
			uint64_t dest = 0xdeadbeef;
			unsigned n = t->decode(buf, sizeof buf, pcs[k], &ty, &dest);
			if (n != c->n)
				fail_msg("%s: length %u, want %u", c->as, n, c->n);
			if (ty != c->type)
				fail_msg("%s: type %d, want %d", c->as, ty, c->type);
			bool direct = ty == FC_INSN_CALL || ty == FC_INSN_JUMP ||
				      ty == FC_INSN_JUMP_COND;
			if (direct && dest != pcs[k] + (uint64_t)c->d)
				fail_msg("%s at 0x%llx: dest 0x%llx, want 0x%llx", c->as,
					 (unsigned long long)pcs[k], (unsigned long long)dest,
					 (unsigned long long)(pcs[k] + (uint64_t)c->d));
			/* Exactly the instruction's bytes suffice; one fewer does not. */
			assert_int_equal(t->decode(c->b, c->n, pcs[k], &ty, &dest), c->n);
			assert_int_equal(ty, c->type);
			assert_int_equal(t->decode(c->b, c->n - 1, pcs[k], &ty, &dest), 0);
			assert_int_equal(ty, FC_INSN_OTHER);
		}
}

/* objdump's listing "19: e8 00 00 00 80  call 0xffffffff8000001e": below
 * zero wraps. */
static void test_decode_wraps(void **state)
{
	(void)state;
	static const uint8_t b[] = {0xe8, 0x00, 0x00, 0x00, 0x80}; /* call .-0x7ffffffb */
	enum fc_insn_type ty;
	uint64_t dest;
	assert_int_equal(T()->decode(b, 5, 0x19, &ty, &dest), 5);
	assert_int_equal(ty, FC_INSN_CALL);
	assert_int_equal(dest, 0xffffffff8000001eULL);
}

static void test_decode_bad(void **state)
{
	(void)state;
	const struct target *t = T();
	enum fc_insn_type ty = FC_INSN_CALL;
	uint64_t dest = 1;
	static const uint8_t push_es[] = {0x06, 0x90}; /* (bad) in 64-bit mode */
	assert_int_equal(t->decode(push_es, 2, 0x1000, &ty, &dest), 0);
	assert_int_equal(ty, FC_INSN_OTHER);
	assert_int_equal(t->decode(push_es, 0, 0x1000, &ty, &dest), 0);
	static const uint8_t prefixes[] = {0x66, 0x67, 0xf3}; /* prefixes and nothing else */
	assert_int_equal(t->decode(prefixes, 3, 0x1000, &ty, &dest), 0);
}

/* decode and apply_reloc agree: what is encoded decodes back. */
static void test_reloc_decode_roundtrip(void **state)
{
	(void)state;
	const struct target *t = T();
	static const int64_t xs[] = {0, 5, -5, 0x1234, -0x1234, 0x7f, -0x80,
				     2 * GiB + 4, -2 * GiB + 5};
	static const struct {
		const char *form;
		uint32_t type;
		enum fc_insn_type ty;
	} k[] = {
		{"call", R_X86_64_PLT32, FC_INSN_CALL},
		{"jmp", R_X86_64_PC32, FC_INSN_JUMP},
	};
	for (size_t j = 0; j < sizeof k / sizeof k[0]; j++)
		for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
			for (size_t s = 0; s < sizeof Ss / sizeof Ss[0]; s++) {
				struct fc_code c = {0};
				struct fc_emit x = {0};
				assert_int_equal(t->emit_site(&c, F(k[j].form), &x), 0);
				assert_int_equal(c.rel[0].type, k[j].type);
				uint64_t S = Ss[s], target = S + (uint64_t)xs[i];
				assert_int_equal(t->apply_reloc(c.rel[0].type, c.buf + c.rel[0].off,
								S + c.rel[0].off,
								target + (uint64_t)c.rel[0].addend), 0);
				enum fc_insn_type ty;
				uint64_t dest;
				assert_int_equal(t->decode(c.buf, c.len, S, &ty, &dest), 5);
				assert_int_equal(ty, k[j].ty);
				assert_int_equal(dest, target);
				fc_code_free(&c);
			}
}

/* ---- seq_len ---------------------------------------------------------- */

static void test_seq_len(void **state)
{
	(void)state;
	const struct target *t = T();
	for (size_t i = 0; i < NSITES; i++) {
		const struct site_case *s = &sites[i];
		uint8_t buf[32];
		memset(buf, 0xcc, sizeof buf);
		memcpy(buf, s->bytes, s->len);
		unsigned ni = 0;
		assert_int_equal(t->seq_len(F(s->form), buf, sizeof buf, 0x1000, &ni), s->len);
		assert_int_equal(ni, 1);
		assert_int_equal(t->seq_len(F(s->form), buf, s->len, 0x1000, &ni), s->len);
		ni = 7;
		assert_int_equal(t->seq_len(F(s->form), buf, s->len - 1, 0x1000, &ni), 0);
		assert_int_equal(ni, 7);
		assert_int_equal(t->seq_len(F(s->form), buf, 0, 0x1000, &ni), 0);
		/* Bytes of another form are not this form. */
		memset(buf, 0x90, sizeof buf); /* nop */
		assert_int_equal(t->seq_len(F(s->form), buf, sizeof buf, 0x1000, &ni), 0);
	}
	/* The GOT load as linkers relax it keeps its length. */
	static const uint8_t relaxed[][7] = {
		{0x48, 0x8d, 0x05, 0xf9, 0x0f, 0x00, 0x00}, /* lea .+0x1000(%rip),%rax */
		{0x48, 0xc7, 0xc0, 0xff, 0xff, 0xff, 0x7f}, /* mov $0x7fffffff,%rax */
	};
	for (size_t i = 0; i < 2; i++) {
		unsigned ni = 0;
		assert_int_equal(t->seq_len(F("mov.gotpcrelx"), relaxed[i], 7, 0x1000, &ni), 7);
		assert_int_equal(ni, 1);
	}
	/* lea is never rewritten into a load. */
	unsigned ni = 0;
	static const uint8_t mov[] = {0x48, 0x8b, 0x05, 0, 0, 0, 0}; /* mov 0x0(%rip),%rax */
	assert_int_equal(t->seq_len(F("lea"), mov, 7, 0x1000, &ni), 0);
	/* call and jmp are not each other. */
	static const uint8_t jmp[] = {0xe9, 0, 0, 0, 0}; /* jmp .+5 */
	assert_int_equal(t->seq_len(F("call"), jmp, 5, 0x1000, &ni), 0);
	/* DATA forms have no sequence. */
	uint8_t zero[16] = {0};
	assert_int_equal(t->seq_len(F("abs64"), zero, sizeof zero, 0x1000, &ni), 0);
	assert_int_equal(t->seq_len(F("pc32"), zero, sizeof zero, 0x1000, &ni), 0);
}

/* ---- disasm ----------------------------------------------------------- */

static void test_disasm(void **state)
{
	(void)state;
	const struct target *t = T();
	char buf[128];
	static const uint8_t call[] = {0xe8, 0x2f, 0x12, 0x00, 0x00}; /* call .+0x1234 */
	assert_int_equal(t->disasm(call, sizeof call, 0x400000, buf, sizeof buf), 5);
	assert_string_equal(buf, "call 0x401234");
	static const uint8_t jmp_r11[] = {0x41, 0xff, 0xe3, 0x90}; /* jmp *%r11; nop */
	assert_int_equal(t->disasm(jmp_r11, sizeof jmp_r11, 0x1000, buf, sizeof buf), 3);
	assert_string_equal(buf, "jmp r11");
	static const uint8_t lea[] = {0x48, 0x8d, 0x05, 0x10, 0x00, 0x00, 0x00}; /* lea 0x10(%rip),%rax */
	assert_int_equal(t->disasm(lea, sizeof lea, 0x1000, buf, sizeof buf), 7);
	assert_string_equal(buf, "lea rax, [rip + 0x10]");
	static const uint8_t push_es[] = {0x06}; /* (bad) */
	assert_int_equal(t->disasm(push_es, 1, 0x1000, buf, sizeof buf), 0);
	assert_int_equal(t->disasm(call, 4, 0x1000, buf, sizeof buf), 0);
}

/* ---- enc_jump_abs, enc_jump ------------------------------------------- */

static void test_enc_jump_abs(void **state)
{
	(void)state;
	const struct target *t = T();
	uint8_t buf[32];
	memset(buf, 0xcc, sizeof buf);
	assert_int_equal(t->enc_jump_abs(buf, 0x1000, 0x123456789abcdef0ULL), 13);
	static const uint8_t want[] = {
		0x49, 0xbb, 0xf0, 0xde, 0xbc, 0x9a, 0x78, 0x56, 0x34, 0x12, /* movabs $0x123456789abcdef0,%r11 */
		0x41, 0xff, 0xe3,                                           /* jmp *%r11 */
	};
	check_bytes(buf, want, sizeof want, "enc_jump_abs");
	assert_int_equal(buf[13], 0xcc);

	/* Capstone reads it back as the two instructions. */
	csh h;
	assert_int_equal(cs_open(CS_ARCH_X86, CS_MODE_64, &h), CS_ERR_OK);
	cs_insn *insn;
	assert_int_equal(cs_disasm(h, buf, 13, 0x1000, 0, &insn), 2);
	assert_string_equal(insn[0].mnemonic, "movabs");
	assert_string_equal(insn[0].op_str, "r11, 0x123456789abcdef0");
	assert_int_equal(insn[0].size, 10);
	assert_string_equal(insn[1].mnemonic, "jmp");
	assert_string_equal(insn[1].op_str, "r11");
	assert_int_equal(insn[1].size, 3);
	cs_free(insn, 2);
	cs_close(&h);

	enum fc_insn_type ty;
	uint64_t dest;
	assert_int_equal(t->decode(buf, 13, 0x1000, &ty, &dest), 10);
	assert_int_equal(ty, FC_INSN_OTHER);
	assert_int_equal(t->decode(buf + 10, 3, 0x100a, &ty, &dest), 3);
	assert_int_equal(ty, FC_INSN_JUMP_IND);
	/* r11 is the scratch register it may clobber. */
	assert_int_equal(t->scratch[0], UC_X86_REG_R11);
}

static void test_enc_jump(void **state)
{
	(void)state;
	const struct target *t = T();
	uint8_t buf[8];
	memset(buf, 0xcc, sizeof buf);
	assert_int_equal(t->enc_jump(buf, 0x400000, 0x401234), 5);
	static const uint8_t fwd[] = {0xe9, 0x2f, 0x12, 0x00, 0x00}; /* jmp .+0x1234 */
	check_bytes(buf, fwd, 5, "enc_jump");
	assert_int_equal(buf[5], 0xcc);
	assert_int_equal(t->enc_jump(buf, 0x401234, 0x400000), 5);
	static const uint8_t back[] = {0xe9, 0xc7, 0xed, 0xff, 0xff}; /* jmp .-0x1234 */
	check_bytes(buf, back, 5, "enc_jump back");

	csh h;
	assert_int_equal(cs_open(CS_ARCH_X86, CS_MODE_64, &h), CS_ERR_OK);
	static const int64_t ds[] = {5, 0, -0x1234, 0x1234, 2 * GiB + 4, -2 * GiB + 5};
	const uint64_t at = 0x100000000ULL;
	for (size_t i = 0; i < sizeof ds / sizeof ds[0]; i++) {
		uint64_t to = at + (uint64_t)ds[i];
		assert_int_equal(t->enc_jump(buf, at, to), 5);
		cs_insn *insn;
		assert_int_equal(cs_disasm(h, buf, 5, at, 1, &insn), 1);
		char want[64];
		snprintf(want, sizeof want, "0x%llx", (unsigned long long)to);
		assert_string_equal(insn[0].mnemonic, "jmp");
		assert_string_equal(insn[0].op_str, want);
		cs_free(insn, 1);
		enum fc_insn_type ty;
		uint64_t dest;
		assert_int_equal(t->decode(buf, 5, at, &ty, &dest), 5);
		assert_int_equal(ty, FC_INSN_JUMP);
		assert_int_equal(dest, to);
	}
	cs_close(&h);
	/* Out of reach: nothing. */
	assert_int_equal(t->enc_jump(buf, at, at + 2 * GiB + 5), 0);
	assert_int_equal(t->enc_jump(buf, at, at - 2 * GiB + 4), 0);
	assert_int_equal(t->enc_jump(buf, 0x1000, 0x7fff00000000ULL), 0);
}

/* ---- execution -------------------------------------------------------- */

/* Each site, relocated for a target at the very edge of its reach, run in
 * Unicorn from the registers every site starts from: a call arrives at the
 * target with the return address pushed, a jump arrives with nothing
 * pushed, an address form leaves target+addend in rax. */
#define PAGE 0x1000

static uint64_t baseline(unsigned i)
{
	return 0x5ac0000000000000ULL | (uint64_t)i << 40 | 0x1111ULL * (i + 1);
}

static void run_site(const char *form, uint64_t site, uint64_t target, int64_t addend)
{
	const struct target *t = T();
	const struct fc_form *f = F(form);
	uc_engine *uc;
	assert_int_equal(uc_open(t->uc_arch, t->uc_mode, &uc), UC_ERR_OK);
	const uint64_t stack = 0x7f0000000000ULL, got = 0x300000;
	assert_int_equal(uc_mem_map(uc, site & ~(uint64_t)(PAGE - 1), 2 * PAGE, UC_PROT_ALL), UC_ERR_OK);
	assert_int_equal(uc_mem_map(uc, stack - PAGE, PAGE, UC_PROT_READ | UC_PROT_WRITE), UC_ERR_OK);
	assert_int_equal(uc_mem_map(uc, got, PAGE, UC_PROT_READ), UC_ERR_OK);
	/* A branch's target is mapped, so that arriving there is no fault. */
	uint64_t tpage = target & ~(uint64_t)(PAGE - 1);
	if ((f->sem == FC_SEM_CALL || f->sem == FC_SEM_JUMP) &&
	    (tpage < (site & ~(uint64_t)(PAGE - 1)) || tpage >= (site & ~(uint64_t)(PAGE - 1)) + 2 * PAGE))
		assert_int_equal(uc_mem_map(uc, tpage, PAGE, UC_PROT_ALL), UC_ERR_OK);

	struct fc_code c = {0};
	struct fc_emit x = {0};
	assert_int_equal(t->emit_site(&c, f, &x), 0);
	assert_int_equal(c.nrel, 1);
	uint64_t S = target + (uint64_t)addend;
	if (f->got) { /* the GOT entry holds the address; the site reaches the entry */
		uint8_t e[8];
		for (int i = 0; i < 8; i++)
			e[i] = (uint8_t)(S >> (8 * i));
		assert_int_equal(uc_mem_write(uc, got + 8, e, 8), UC_ERR_OK);
		S = got + 8;
	}
	assert_int_equal(t->apply_reloc(c.rel[0].type, c.buf + c.rel[0].off, site + c.rel[0].off,
					S + (uint64_t)c.rel[0].addend), 0);
	assert_int_equal(uc_mem_write(uc, site, c.buf, c.len), UC_ERR_OK);

	t->init_cpu(uc);
	for (unsigned i = 0; i < t->ngprs; i++) {
		uint64_t v = baseline(i);
		assert_int_equal(uc_reg_write(uc, t->gprs[i], &v), UC_ERR_OK);
	}
	uint64_t sp = stack - 0x100;
	assert_int_equal(uc_reg_write(uc, t->reg_sp, &sp), UC_ERR_OK);
	unsigned ni = 0, n = t->seq_len(f, c.buf, c.len, site, &ni);
	assert_int_equal(n, c.len);
	uc_err err = uc_emu_start(uc, site, 0, 0, ni);
	if (err != UC_ERR_OK)
		fail_msg("%s at 0x%llx: %s", form, (unsigned long long)site, uc_strerror(err));

	uint64_t pc, nsp, ra = 0, rax;
	uc_reg_read(uc, t->reg_pc, &pc);
	uc_reg_read(uc, t->reg_sp, &nsp);
	uc_reg_read(uc, t->gprs[f->result], &rax);
	switch (f->sem) {
	case FC_SEM_CALL:
		assert_int_equal(pc, target);
		assert_int_equal(nsp, sp - 8);
		assert_int_equal(uc_mem_read(uc, nsp, &ra, 8), UC_ERR_OK);
		assert_int_equal(ra, site + n);
		break;
	case FC_SEM_JUMP:
		assert_int_equal(pc, target);
		assert_int_equal(nsp, sp);
		break;
	case FC_SEM_ADDR:
		assert_int_equal(rax, target + (uint64_t)addend);
		assert_int_equal(pc, site + n);
		assert_int_equal(nsp, sp);
		break;
	default:
		fail();
	}
	/* Nothing else moved. */
	for (unsigned i = 0; i < t->ngprs; i++) {
		uint64_t v;
		uc_reg_read(uc, t->gprs[i], &v);
		if (t->gprs[i] == t->reg_sp || (f->sem == FC_SEM_ADDR && i == (unsigned)f->result))
			continue;
		assert_int_equal(v, baseline(i));
	}
	fc_code_free(&c);
	uc_close(uc);
}

static void test_execute_sites(void **state)
{
	(void)state;
	const uint64_t lo = 0x100000, hi = 0x80100000ULL;
	static const char *const branches[] = {"call", "jmp"};
	for (int i = 0; i < 2; i++) {
		const struct fc_form *f = F(branches[i]);
		/* The far edges: the target is mapped with the site's pages. */
		run_site(branches[i], lo + 0x800, lo + 0x800 + (uint64_t)f->hi, 0);
		run_site(branches[i], hi + 0x800, hi + 0x800 + (uint64_t)f->lo, 0);
		run_site(branches[i], lo + 0x800, lo + 0x900, 0);
		run_site(branches[i], lo + 0x800, lo + 0x700, 0);
	}
	static const char *const addrs[] = {"lea", "mov.gotpcrelx"};
	for (int i = 0; i < 2; i++) {
		const struct fc_form *f = F(addrs[i]);
		run_site(addrs[i], lo + 0x800, lo + 0x800 + (uint64_t)f->hi, 0);
		run_site(addrs[i], hi + 0x800, hi + 0x800 + (uint64_t)f->lo, 0);
		run_site(addrs[i], lo + 0x800, 0x200000, 0x40);
		run_site(addrs[i], lo + 0x800, 0x200000, -8);
	}
	run_site("movabs", lo + 0x800, 0x123456789abcdef0ULL, 0);
	run_site("movabs", lo + 0x800, 0x200000, 0x18);
}

/* fc-patch's jump, run: it lands on dest and only r11 changes. */
static void test_execute_enc_jump_abs(void **state)
{
	(void)state;
	const struct target *t = T();
	uc_engine *uc;
	assert_int_equal(uc_open(t->uc_arch, t->uc_mode, &uc), UC_ERR_OK);
	assert_int_equal(uc_mem_map(uc, 0x400000, PAGE, UC_PROT_ALL), UC_ERR_OK);
	uint8_t buf[16];
	const uint64_t dest = 0x7fffdeadb000ULL;
	assert_int_equal(uc_mem_map(uc, dest, PAGE, UC_PROT_ALL), UC_ERR_OK);
	size_t n = t->enc_jump_abs(buf, 0x400100, dest);
	assert_int_equal(uc_mem_write(uc, 0x400100, buf, n), UC_ERR_OK);
	for (unsigned i = 0; i < t->ngprs; i++) {
		uint64_t v = baseline(i);
		uc_reg_write(uc, t->gprs[i], &v);
	}
	assert_int_equal(uc_emu_start(uc, 0x400100, 0, 0, 2), UC_ERR_OK);
	uint64_t pc, r11;
	uc_reg_read(uc, UC_X86_REG_RIP, &pc);
	uc_reg_read(uc, UC_X86_REG_R11, &r11);
	assert_int_equal(pc, dest);
	assert_int_equal(r11, dest);
	for (unsigned i = 0; i < t->ngprs; i++) {
		uint64_t v;
		uc_reg_read(uc, t->gprs[i], &v);
		if (t->gprs[i] != UC_X86_REG_R11)
			assert_int_equal(v, baseline(i));
	}
	uc_close(uc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_registers),
		cmocka_unit_test(test_relocs_def),
		cmocka_unit_test(test_forms_table),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_emit_sites),
		cmocka_unit_test(test_reloc_call_jmp),
		cmocka_unit_test(test_reloc_rip_relative),
		cmocka_unit_test(test_reloc_words),
		cmocka_unit_test(test_reloc_none_and_unknown),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_decode_wraps),
		cmocka_unit_test(test_decode_bad),
		cmocka_unit_test(test_reloc_decode_roundtrip),
		cmocka_unit_test(test_seq_len),
		cmocka_unit_test(test_disasm),
		cmocka_unit_test(test_enc_jump_abs),
		cmocka_unit_test(test_enc_jump),
		cmocka_unit_test(test_execute_sites),
		cmocka_unit_test(test_execute_enc_jump_abs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
