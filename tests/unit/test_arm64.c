/* Unit tests for the arm64 target: the function bodies it emits, the
 * relocations it applies and the instructions it decodes.
 *
 * Every golden instruction word below was produced by aarch64-linux-gnu-as
 * (GNU binutils) and read back with aarch64-linux-gnu-objdump -d; the
 * assembly that gives it stands in the comment beside it. A branch written
 * as "bl .+X" sits at P and reaches P+X, which is exactly what
 * apply_reloc(type, loc, P, P+X) must encode. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../targets/target.h"

#define R_AARCH64_NONE     0
#define R_AARCH64_ABS64    257
#define R_AARCH64_PREL32   261
#define R_AARCH64_CONDBR19 280
#define R_AARCH64_JUMP26   282
#define R_AARCH64_CALL26   283

#define W_STP  0xa9bf7bfdu /* stp x29, x30, [sp, #-16]! */
#define W_MOV  0x910003fdu /* mov x29, sp */
#define W_LDP  0xa8c17bfdu /* ldp x29, x30, [sp], #16 */
#define W_RET  0xd65f03c0u /* ret */
#define W_BRK0 0xd4200000u /* brk #0 */
#define W_BL0  0x94000000u /* bl . */
#define W_B0   0x14000000u /* b . */

static const struct target *T(void)
{
	const struct target *t = fc_target_find("arm64");
	assert_non_null(t);
	return t;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- target lookup ---------------------------------------------------- */

static void test_find(void **state)
{
	(void)state;
	const struct target *t = T();
	assert_string_equal(t->name, "arm64");
	assert_ptr_equal(fc_target_find("aarch64"), t);
	assert_null(fc_target_find("arm"));
	assert_null(fc_target_find("aarch"));
	assert_null(fc_target_find(""));
	assert_ptr_equal(fc_target_by_machine(183), t);
	assert_int_equal(t->insn_align, 4);
	assert_int_equal(t->site_reloc(FC_SITE_CALL), R_AARCH64_CALL26);
	assert_int_equal(t->site_reloc(FC_SITE_TAIL), R_AARCH64_JUMP26);
	assert_string_equal(t->site_mnemonic(FC_SITE_CALL), "BL");
	assert_string_equal(t->site_mnemonic(FC_SITE_TAIL), "B");
	assert_string_equal(fc_reloc_name(t, R_AARCH64_CALL26), "R_AARCH64_CALL26");
	assert_string_equal(fc_reloc_name(t, R_AARCH64_JUMP26), "R_AARCH64_JUMP26");
	assert_string_equal(fc_reloc_name(t, 9999), "R_UNKNOWN");
}

/* ---- emit_func -------------------------------------------------------- */

static void check_words(const struct fc_code *c, const uint32_t *want, size_t n)
{
	assert_int_equal(c->len, n * 4);
	for (size_t i = 0; i < n; i++) {
		uint32_t got = rd32(c->buf + 4 * i);
		if (got != want[i])
			fail_msg("word %zu: got 0x%08x, want 0x%08x", i, got, want[i]);
	}
}

static void test_emit_calls_and_tail(void **state)
{
	(void)state;
	const struct target *t = T();
	struct fc_body_site s[3] = {
		{.kind = FC_SITE_CALL, .callee = 17, .addend = 0, .off = 0xdead},
		{.kind = FC_SITE_CALL, .callee = 3, .addend = 8, .off = 0xdead},
		{.kind = FC_SITE_TAIL, .callee = 42, .addend = 0, .off = 0xdead},
	};
	struct fc_body b = {s, 3};
	struct fc_code c = {0};
	assert_int_equal(t->emit_func(&c, &b, false), 0);
	const uint32_t want[] = {W_STP, W_MOV, W_BL0, W_BL0, W_LDP, W_B0};
	check_words(&c, want, 6);

	assert_int_equal(s[0].off, 8);
	assert_int_equal(s[1].off, 12);
	assert_int_equal(s[2].off, 20);
	for (int i = 0; i < 3; i++)
		assert_int_not_equal(s[i].off, 0);

	assert_int_equal(c.nrel, 3);
	assert_int_equal(c.rel[0].off, 8);
	assert_int_equal(c.rel[0].type, R_AARCH64_CALL26);
	assert_int_equal(c.rel[0].callee, 17);
	assert_int_equal(c.rel[0].addend, 0);
	assert_int_equal(c.rel[1].off, 12);
	assert_int_equal(c.rel[1].type, R_AARCH64_CALL26);
	assert_int_equal(c.rel[1].callee, 3);
	assert_int_equal(c.rel[1].addend, 8);
	assert_int_equal(c.rel[2].off, 20);
	assert_int_equal(c.rel[2].type, R_AARCH64_JUMP26);
	assert_int_equal(c.rel[2].callee, 42);
	assert_int_equal(c.rel[2].addend, 0);

	/* A relocation sits on the word of its own site. */
	for (size_t i = 0; i < c.nrel; i++)
		assert_int_equal(c.rel[i].off, s[i].off);

	/* The tail call is the same for the entry function. */
	fc_code_reset(&c);
	assert_int_equal(t->emit_func(&c, &b, true), 0);
	check_words(&c, want, 6);
	fc_code_free(&c);
}

static void test_emit_ret(void **state)
{
	(void)state;
	const struct target *t = T();
	struct fc_body_site s[2] = {
		{.kind = FC_SITE_CALL, .callee = 1},
		{.kind = FC_SITE_CALL, .callee = 2},
	};
	struct fc_body b = {s, 2};
	struct fc_code c = {0};
	assert_int_equal(t->emit_func(&c, &b, false), 0);
	const uint32_t want[] = {W_STP, W_MOV, W_BL0, W_BL0, W_LDP, W_RET};
	check_words(&c, want, 6);
	assert_int_equal(s[0].off, 8);
	assert_int_equal(s[1].off, 12);
	assert_int_equal(c.nrel, 2);
	assert_int_equal(c.rel[0].off, 8);
	assert_int_equal(c.rel[0].callee, 1);
	assert_int_equal(c.rel[0].type, R_AARCH64_CALL26);
	assert_int_equal(c.rel[1].off, 12);
	assert_int_equal(c.rel[1].callee, 2);
	assert_int_equal(c.rel[1].type, R_AARCH64_CALL26);
	fc_code_free(&c);
}

static void test_emit_entry_brk(void **state)
{
	(void)state;
	const struct target *t = T();
	struct fc_body_site s[1] = {{.kind = FC_SITE_CALL, .callee = 5}};
	struct fc_body b = {s, 1};
	struct fc_code c = {0};
	assert_int_equal(t->emit_func(&c, &b, true), 0);
	const uint32_t want[] = {W_STP, W_MOV, W_BL0, W_LDP, W_BRK0};
	check_words(&c, want, 5);
	assert_int_equal(s[0].off, 8);
	assert_int_equal(c.nrel, 1);
	assert_int_equal(c.rel[0].off, 8);
	assert_int_equal(c.rel[0].callee, 5);
	fc_code_free(&c);
}

static void test_emit_no_sites(void **state)
{
	(void)state;
	const struct target *t = T();
	struct fc_body b = {NULL, 0};
	struct fc_code c = {0};
	assert_int_equal(t->emit_func(&c, &b, false), 0);
	const uint32_t want[] = {W_STP, W_MOV, W_LDP, W_RET};
	check_words(&c, want, 4);
	assert_int_equal(c.nrel, 0);
	fc_code_free(&c);
}

static void test_emit_only_tail(void **state)
{
	(void)state;
	const struct target *t = T();
	struct fc_body_site s[1] = {{.kind = FC_SITE_TAIL, .callee = 9, .addend = -4}};
	struct fc_body b = {s, 1};
	struct fc_code c = {0};
	assert_int_equal(t->emit_func(&c, &b, false), 0);
	const uint32_t want[] = {W_STP, W_MOV, W_LDP, W_B0};
	check_words(&c, want, 4);
	assert_int_equal(s[0].off, 12);
	assert_int_equal(c.nrel, 1);
	assert_int_equal(c.rel[0].off, 12);
	assert_int_equal(c.rel[0].type, R_AARCH64_JUMP26);
	assert_int_equal(c.rel[0].callee, 9);
	assert_int_equal(c.rel[0].addend, -4);
	fc_code_free(&c);
}

/* A tail call that is not the last site cannot be encoded. */
static void test_emit_tail_not_last(void **state)
{
	(void)state;
	const struct target *t = T();
	struct fc_body_site s[2] = {
		{.kind = FC_SITE_TAIL, .callee = 1},
		{.kind = FC_SITE_CALL, .callee = 2},
	};
	struct fc_body b = {s, 2};
	struct fc_code c = {0};
	assert_true(t->emit_func(&c, &b, false) < 0);
	fc_code_free(&c);
}

/* Many sites: the code buffer grows and every offset stays right. */
static void test_emit_many(void **state)
{
	(void)state;
	const struct target *t = T();
	enum { N = 200 };
	struct fc_body_site s[N];
	for (unsigned i = 0; i < N; i++)
		s[i] = (struct fc_body_site){.kind = i + 1 == N ? FC_SITE_TAIL : FC_SITE_CALL,
					     .callee = i};
	struct fc_body b = {s, N};
	struct fc_code c = {0};
	assert_int_equal(t->emit_func(&c, &b, false), 0);
	assert_int_equal(c.len, 4 * (N + 3));
	assert_int_equal(c.nrel, N);
	for (unsigned i = 0; i + 1 < N; i++) {
		assert_int_equal(s[i].off, 8 + 4 * i);
		assert_int_equal(rd32(c.buf + s[i].off), W_BL0);
		assert_int_equal(c.rel[i].off, s[i].off);
		assert_int_equal(c.rel[i].callee, i);
		assert_int_equal(c.rel[i].type, R_AARCH64_CALL26);
	}
	assert_int_equal(s[N - 1].off, 8 + 4 * (N - 1) + 4);
	assert_int_equal(rd32(c.buf + s[N - 1].off - 4), W_LDP);
	assert_int_equal(rd32(c.buf + s[N - 1].off), W_B0);
	assert_int_equal(c.rel[N - 1].type, R_AARCH64_JUMP26);
	fc_code_free(&c);
}

/* ---- apply_reloc ------------------------------------------------------ */

struct golden {
	int64_t d;      /* S+A-P */
	uint32_t word;  /* after the relocation */
};

/* Applies `type` at P = base for S+A = base+d onto `start`. */
static int apply(uint32_t type, uint32_t start, uint64_t P, int64_t d, uint32_t *out)
{
	uint8_t buf[8] = {0};
	wr32(buf, start);
	int r = T()->apply_reloc(type, buf, P, P + (uint64_t)d);
	*out = rd32(buf);
	return r;
}

static void check_golden(uint32_t type, uint32_t start, const struct golden *g, size_t n)
{
	/* P at several places: the encoding depends on the displacement only. */
	static const uint64_t Ps[] = {0x10000000, 0x400000, 0x7ffffff0000ULL, 0xfffffffff0000000ULL};
	for (size_t k = 0; k < sizeof Ps / sizeof Ps[0]; k++)
		for (size_t i = 0; i < n; i++) {
			uint32_t w;
			int r = apply(type, start, Ps[k], g[i].d, &w);
			if (r != 0)
				fail_msg("type %u d=%lld: returned %d", type, (long long)g[i].d, r);
			if (w != g[i].word)
				fail_msg("type %u d=%lld: got 0x%08x, want 0x%08x", type,
					 (long long)g[i].d, w, g[i].word);
		}
}

static void check_range_err(uint32_t type, uint32_t start, const int64_t *ds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t w;
		int r = apply(type, start, 0x10000000, ds[i], &w);
		if (r != -ERANGE)
			fail_msg("type %u d=%lld: returned %d, want -ERANGE", type,
				 (long long)ds[i], r);
		if (w != start)
			fail_msg("type %u d=%lld: word changed to 0x%08x", type,
				 (long long)ds[i], w);
	}
}

static void test_reloc_call26(void **state)
{
	(void)state;
	static const struct golden g[] = {
		{0, 0x94000000},          /* bl . */
		{4, 0x94000001},          /* bl .+4 */
		{8, 0x94000002},          /* bl .+0x8 */
		{-4, 0x97ffffff},         /* bl .-4 */
		{0x7fffffc, 0x95ffffff},  /* bl .+0x7fffffc */
		{-0x8000000, 0x96000000}, /* bl .-0x8000000 */
		{0x1234, 0x9400048d},     /* bl .+0x1234 */
		{-0x1234, 0x97fffb73},    /* bl .-0x1234 */
	};
	check_golden(R_AARCH64_CALL26, W_BL0, g, sizeof g / sizeof g[0]);

	/* Rewriting an already-relocated word replaces the field. */
	uint32_t w;
	assert_int_equal(apply(R_AARCH64_CALL26, 0x95ffffff /* bl .+0x7fffffc */,
			       0x1000, 4, &w), 0);
	assert_int_equal(w, 0x94000001); /* bl .+4 */

	static const int64_t bad[] = {0x8000000, -0x8000004, 2, 1, -2, 0x7fffffe,
				      0x10000000, -0x10000000, INT64_MIN / 2};
	check_range_err(R_AARCH64_CALL26, W_BL0, bad, sizeof bad / sizeof bad[0]);
	check_range_err(R_AARCH64_CALL26, 0x9400048d /* bl .+0x1234 */, bad,
			sizeof bad / sizeof bad[0]);
}

static void test_reloc_jump26(void **state)
{
	(void)state;
	static const struct golden g[] = {
		{0, 0x14000000},          /* b . */
		{4, 0x14000001},          /* b .+4 */
		{-4, 0x17ffffff},         /* b .-4 */
		{0x7fffffc, 0x15ffffff},  /* b .+0x7fffffc */
		{-0x8000000, 0x16000000}, /* b .-0x8000000 */
		{0x1234, 0x1400048d},     /* b .+0x1234 */
		{-0x1234, 0x17fffb73},    /* b .-0x1234 */
	};
	check_golden(R_AARCH64_JUMP26, W_B0, g, sizeof g / sizeof g[0]);
	static const int64_t bad[] = {0x8000000, -0x8000004, 2, -6, 0x7fffffd};
	check_range_err(R_AARCH64_JUMP26, W_B0, bad, sizeof bad / sizeof bad[0]);
}

static void test_reloc_condbr19(void **state)
{
	(void)state;
	static const struct golden beq[] = {
		{0, 0x54000000},         /* b.eq . */
		{4, 0x54000020},         /* b.eq .+4 */
		{-4, 0x54ffffe0},        /* b.eq .-4 */
		{0xffffc, 0x547fffe0},   /* b.eq .+0xffffc */
		{-0x100000, 0x54800000}, /* b.eq .-0x100000 */
		{-0x1234, 0x54ff6e60},   /* b.eq .-0x1234 */
	};
	check_golden(R_AARCH64_CONDBR19, 0x54000000 /* b.eq . */, beq,
		     sizeof beq / sizeof beq[0]);
	/* The condition field survives. */
	static const struct golden bne[] = {
		{0x1234, 0x540091a1}, /* b.ne .+0x1234 */
	};
	check_golden(R_AARCH64_CONDBR19, 0x54000001 /* b.ne . */, bne, 1);
	/* And so does cbz's register and size bit. */
	static const struct golden cbz[] = {
		{8, 0xb4000040},         /* cbz x0, .+8 */
		{0xffffc, 0xb47fffe0},   /* cbz x0, .+0xffffc */
		{-0x100000, 0xb4800000}, /* cbz x0, .-0x100000 */
	};
	check_golden(R_AARCH64_CONDBR19, 0xb4000000 /* cbz x0, . */, cbz,
		     sizeof cbz / sizeof cbz[0]);

	static const int64_t bad[] = {0x100000, -0x100004, 2, -2, 0x8000000, -0x8000000};
	check_range_err(R_AARCH64_CONDBR19, 0x54000000 /* b.eq . */, bad,
			sizeof bad / sizeof bad[0]);
	check_range_err(R_AARCH64_CONDBR19, 0xb4000000 /* cbz x0, . */, bad,
			sizeof bad / sizeof bad[0]);
}

static void test_reloc_abs64(void **state)
{
	(void)state;
	/* .xword 0x123456789abcdef0 assembles to f0 de bc 9a 78 56 34 12. */
	static const uint8_t want[8] = {0xf0, 0xde, 0xbc, 0x9a, 0x78, 0x56, 0x34, 0x12};
	uint8_t buf[12];
	memset(buf, 0xee, sizeof buf);
	assert_int_equal(T()->apply_reloc(R_AARCH64_ABS64, buf, 0x400000,
					  0x123456789abcdef0ULL), 0);
	assert_memory_equal(buf, want, 8);
	/* Exactly 8 bytes written. */
	for (int i = 8; i < 12; i++)
		assert_int_equal(buf[i], 0xee);
	/* No range: any 64-bit value, including ones "below" P. */
	assert_int_equal(T()->apply_reloc(R_AARCH64_ABS64, buf, 0xffffffffffffff00ULL, 0), 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(T()->apply_reloc(R_AARCH64_ABS64, buf, 0, UINT64_MAX), 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(buf[i], 0xff);
}

static void test_reloc_prel32(void **state)
{
	(void)state;
	/* The spec's check for PREL32 is -2^31 <= S+A-P < 2^32. */
	static const struct golden g[] = {
		{-4, 0xfffffffc},                    /* L: .4byte L - 4 - . */
		{0xffc, 0x00000ffc},                 /* .4byte L + 0x1000 - . (at L+4) */
		{0, 0},                              /* .4byte . - . */
		{-0x80000000LL, 0x80000000},         /* lower edge */
		{0x7fffffffLL, 0x7fffffff},
		{0xffffffffLL, 0xffffffff},          /* upper edge */
	};
	check_golden(R_AARCH64_PREL32, 0, g, sizeof g / sizeof g[0]);
	static const int64_t bad[] = {-0x80000001LL, 0x100000000LL, 0x7fffffffffffLL,
				      -0x100000000LL};
	check_range_err(R_AARCH64_PREL32, 0x11223344, bad, sizeof bad / sizeof bad[0]);
}

static void test_reloc_none_and_unknown(void **state)
{
	(void)state;
	uint32_t w;
	assert_int_equal(apply(R_AARCH64_NONE, W_BL0, 0x1000, 0x40, &w), 0);
	assert_int_equal(w, W_BL0);
	static const uint32_t unknown[] = {1, 256, 258, 275 /* ADR_PREL_PG_HI21 */,
					   281, 284, 1024, 0xffffffffu};
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		assert_int_equal(apply(unknown[i], W_BL0, 0x1000, 0x40, &w), -EINVAL);
		assert_int_equal(w, W_BL0);
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
		{0x54ff6e60, FC_INSN_JUMP_COND, -0x1234, "b.eq .-0x1234"},
		{0xb4000040, FC_INSN_JUMP_COND, 8, "cbz x0, .+8"},
		{0x35ffffc1, FC_INSN_JUMP_COND, -8, "cbnz w1, .-8"},
		{0xb4800000, FC_INSN_JUMP_COND, -0x100000, "cbz x0, .-0x100000"},
		{0x36180200, FC_INSN_JUMP_COND, 0x40, "tbz w0, #3, .+0x40"},
		{0x370ffe02, FC_INSN_JUMP_COND, -0x40, "tbnz w2, #1, .-0x40"},
		{0xb6fc0005, FC_INSN_JUMP_COND, -0x8000, "tbz x5, #63, .-0x8000"},
		{0x3603ffe5, FC_INSN_JUMP_COND, 0x7ffc, "tbz w5, #0, .+0x7ffc"},
		{0xd61f0200, FC_INSN_JUMP_IND, 0, "br x16"},
		{0xd63f0220, FC_INSN_CALL_IND, 0, "blr x17"},
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
		/* What thunks are made of: none of it is a branch. */
		{0x58000050, FC_INSN_OTHER, 0, "ldr x16, .+8"},
		{0x90000010, FC_INSN_OTHER, 0, "adrp x16, ."},
		{0x91004210, FC_INSN_OTHER, 0, "add x16, x16, #0x10"},
		{0xd2800020, FC_INSN_OTHER, 0, "mov x0, #1"},
		{0xd4000001, FC_INSN_OTHER, 0, "svc #0"},
		{0xd61f0220, FC_INSN_JUMP_IND, 0, "br x17"},
		{0xd63f0020, FC_INSN_CALL_IND, 0, "blr x1"},
		{0x94000002, FC_INSN_CALL, 8, "bl .+0x8"},
	};
	static const uint64_t pcs[] = {0x400000, 0x10000000, 0x12345678};
	const struct target *t = T();
	for (size_t k = 0; k < sizeof pcs / sizeof pcs[0]; k++)
		for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
			uint8_t buf[4];
			wr32(buf, cs[i].word);
			enum fc_insn_type ty = (enum fc_insn_type)-1;
			uint64_t dest = 0xdeadbeef;
			unsigned n = t->decode(buf, 4, pcs[k], &ty, &dest);
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
 * "34: 96000000  bl fffffffff8000034" — below zero wraps like objdump. */
static void test_decode_wraps(void **state)
{
	(void)state;
	uint8_t buf[4];
	wr32(buf, 0x96000000); /* bl .-0x8000000 */
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
	wr32(buf, 0x94000001); /* bl .+4 */
	enum fc_insn_type ty = FC_INSN_CALL;
	uint64_t dest = 1;
	for (size_t avail = 0; avail < 4; avail++) {
		assert_int_equal(T()->decode(buf, avail, 0x1000, &ty, &dest), 0);
		assert_int_equal(ty, FC_INSN_OTHER);
	}
}

/* decode and apply_reloc agree: what is encoded decodes back. */
static void test_reloc_decode_roundtrip(void **state)
{
	(void)state;
	const struct target *t = T();
	static const int64_t ds[] = {0, 4, -4, 0x1234, -0x1234, 0xffffc, -0x100000,
				     0x7fffffc, -0x8000000};
	static const struct {
		uint32_t type, start;
		enum fc_insn_type ty;
		int64_t lo, hi;
	} k[] = {
		{R_AARCH64_CALL26, W_BL0, FC_INSN_CALL, -0x8000000, 0x7fffffc},
		{R_AARCH64_JUMP26, W_B0, FC_INSN_JUMP, -0x8000000, 0x7fffffc},
		{R_AARCH64_CONDBR19, 0x54000000 /* b.eq . */, FC_INSN_JUMP_COND, -0x100000, 0xffffc},
	};
	for (size_t j = 0; j < sizeof k / sizeof k[0]; j++)
		for (size_t i = 0; i < sizeof ds / sizeof ds[0]; i++) {
			if (ds[i] < k[j].lo || ds[i] > k[j].hi)
				continue;
			uint8_t buf[4];
			wr32(buf, k[j].start);
			uint64_t P = 0x20000000;
			assert_int_equal(t->apply_reloc(k[j].type, buf, P, P + (uint64_t)ds[i]), 0);
			enum fc_insn_type ty;
			uint64_t dest;
			assert_int_equal(t->decode(buf, 4, P, &ty, &dest), 4);
			assert_int_equal(ty, k[j].ty);
			assert_int_equal(dest, P + (uint64_t)ds[i]);
		}
}

/* ---- site_range ------------------------------------------------------- */

static void test_site_range(void **state)
{
	(void)state;
	const struct target *t = T();
	for (int k = 0; k < FC_SITE__N; k++) {
		int64_t lo = 1, hi = -1;
		t->site_range((enum fc_site_kind)k, &lo, &hi);
		assert_int_equal(lo, -(1LL << 27));
		assert_int_equal(hi, (1LL << 27) - 4);
		/* The range is exactly what CALL26/JUMP26 accept. */
		uint32_t type = t->site_reloc((enum fc_site_kind)k), w;
		uint32_t start = k == FC_SITE_CALL ? W_BL0 : W_B0;
		assert_int_equal(apply(type, start, 0x10000000, lo, &w), 0);
		assert_int_equal(apply(type, start, 0x10000000, hi, &w), 0);
		assert_int_equal(apply(type, start, 0x10000000, lo - 4, &w), -ERANGE);
		assert_int_equal(apply(type, start, 0x10000000, hi + 4, &w), -ERANGE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_emit_calls_and_tail),
		cmocka_unit_test(test_emit_ret),
		cmocka_unit_test(test_emit_entry_brk),
		cmocka_unit_test(test_emit_no_sites),
		cmocka_unit_test(test_emit_only_tail),
		cmocka_unit_test(test_emit_tail_not_last),
		cmocka_unit_test(test_emit_many),
		cmocka_unit_test(test_reloc_call26),
		cmocka_unit_test(test_reloc_jump26),
		cmocka_unit_test(test_reloc_condbr19),
		cmocka_unit_test(test_reloc_abs64),
		cmocka_unit_test(test_reloc_prel32),
		cmocka_unit_test(test_reloc_none_and_unknown),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_decode_wraps),
		cmocka_unit_test(test_decode_short),
		cmocka_unit_test(test_reloc_decode_roundtrip),
		cmocka_unit_test(test_site_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
