/* Unit tests for the program model (fc_model_build) and the manifest that
 * records it (fc_manifest_save / fc_manifest_load). */
#define _GNU_SOURCE
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../core/manifest.h"
#include "../../core/util.h"
#include "../../gen/gen.h"

static const struct target *arm64(void)
{
	const struct target *t = fc_target_find("arm64");
	assert_non_null(t);
	return t;
}

static struct fc_gen_opts std_opts(void)
{
	return (struct fc_gen_opts){
		.t = arm64(),
		.size = 300ULL << 20,
		.seed = 7,
		.funcs = 512,
		.objs = 2,
		.calls = 8,
		.far_pct = 50,
		.tail_pct = 25,
	};
}

/* ---- temp dirs -------------------------------------------------------- */

static char *make_tmp(void)
{
	const char *base = getenv("TMPDIR");
	char *tmpl = fc_xasprintf("%s/fc-test-manifest.XXXXXX",
				  base && *base ? base : "/tmp");
	if (!mkdtemp(tmpl)) {
		free(tmpl);
		return NULL;
	}
	return tmpl;
}

static int tmp_setup(void **state)
{
	char *d = make_tmp();
	*state = d;
	return d ? 0 : -1;
}

static int tmp_teardown(void **state)
{
	char *dir = *state;
	int r = fc_rm_rf(dir);
	bool left = fc_exists(dir);
	free(dir);
	return r || left ? -1 : 0;
}

static void write_manifest(const char *dir, const char *text)
{
	char *p = fc_xasprintf("%s/%s", dir, FC_MANIFEST_NAME);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	free(p);
}

/* ---- comparisons ------------------------------------------------------ */

static void assert_funcs_equal(const struct fc_manifest *a, const struct fc_manifest *b)
{
	assert_int_equal(a->nfuncs, b->nfuncs);
	for (uint32_t i = 0; i < a->nfuncs; i++) {
		const struct fc_func *x = &a->funcs[i], *y = &b->funcs[i];
		if (strcmp(x->name, y->name) || x->obj != y->obj || x->size != y->size ||
		    x->addr != y->addr || x->pad != y->pad ||
		    x->first_site != y->first_site || x->nsites != y->nsites)
			fail_msg("func %u differs: %s/%s obj %u/%u size %u/%u addr %#llx/%#llx "
				 "pad %#llx/%#llx first %u/%u n %u/%u",
				 i, x->name, y->name, x->obj, y->obj, x->size, y->size,
				 (unsigned long long)x->addr, (unsigned long long)y->addr,
				 (unsigned long long)x->pad, (unsigned long long)y->pad,
				 x->first_site, y->first_site, x->nsites, y->nsites);
	}
}

static void assert_sites_equal(const struct fc_manifest *a, const struct fc_manifest *b)
{
	assert_true(a->nsites == b->nsites);
	for (uint64_t i = 0; i < a->nsites; i++) {
		const struct fc_site *x = &a->sites[i], *y = &b->sites[i];
		if (x->caller != y->caller || x->off != y->off || x->callee != y->callee ||
		    x->kind != y->kind || x->far != y->far || x->addend != y->addend)
			fail_msg("site %llu differs: caller %u/%u off %#x/%#x callee %u/%u "
				 "kind %u/%u far %u/%u addend %lld/%lld",
				 (unsigned long long)i, x->caller, y->caller, x->off, y->off,
				 x->callee, y->callee, x->kind, y->kind, x->far, y->far,
				 (long long)x->addend, (long long)y->addend);
	}
}

static bool sites_equal(const struct fc_manifest *a, const struct fc_manifest *b)
{
	if (a->nsites != b->nsites)
		return false;
	for (uint64_t i = 0; i < a->nsites; i++) {
		const struct fc_site *x = &a->sites[i], *y = &b->sites[i];
		if (x->caller != y->caller || x->off != y->off || x->callee != y->callee ||
		    x->kind != y->kind || x->far != y->far || x->addend != y->addend)
			return false;
	}
	return true;
}

/* ---- model + save/load ------------------------------------------------ */

static void test_roundtrip(void **state)
{
	const char *dir = *state;
	struct fc_gen_opts o = std_opts();
	struct fc_manifest m, l;
	assert_int_equal(fc_model_build(&o, &m), 0);
	assert_int_equal(fc_manifest_save(dir, &m), 0);

	/* Only the manifest is left in the directory: no temporary file. */
	char *path = fc_xasprintf("%s/%s", dir, FC_MANIFEST_NAME);
	assert_true(fc_exists(path));
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	assert_int_equal(n, 1);
	free(path);

	assert_int_equal(fc_manifest_load(dir, &l), 0);
	assert_ptr_equal(l.t, m.t);
	assert_int_equal(l.generator, m.generator);
	assert_int_equal(l.generator, FC_GEN_VERSION);
	assert_true(l.seed == 7 && m.seed == 7);
	assert_true(l.size == m.size && l.size == 300ULL << 20);
	assert_non_null(m.options);
	assert_non_null(l.options);
	assert_string_equal(l.options, m.options);
	assert_int_equal(l.nobjs, 2);
	assert_int_equal(m.nobjs, 2);
	for (uint32_t i = 0; i < l.nobjs; i++)
		assert_string_equal(l.objs[i], m.objs[i]);
	assert_int_equal(l.nfuncs, 512);
	assert_string_equal(l.funcs[0].name, "_start");
	assert_string_equal(l.funcs[1].name, "fn_1");
	assert_string_equal(l.funcs[511].name, "fn_511");
	assert_funcs_equal(&m, &l);
	assert_true(l.nsites > 0);
	assert_sites_equal(&m, &l);

	/* Saving what was loaded gives the same file byte for byte. */
	char *dir2 = make_tmp();
	assert_non_null(dir2);
	assert_int_equal(fc_manifest_save(dir2, &l), 0);
	char *p1 = fc_xasprintf("%s/%s", dir, FC_MANIFEST_NAME);
	char *p2 = fc_xasprintf("%s/%s", dir2, FC_MANIFEST_NAME);
	size_t n1, n2;
	char *t1 = fc_read_file(p1, &n1), *t2 = fc_read_file(p2, &n2);
	assert_non_null(t1);
	assert_non_null(t2);
	assert_int_equal(n1, n2);
	assert_memory_equal(t1, t2, n1);
	free(t1);
	free(t2);
	free(p1);
	free(p2);
	assert_int_equal(fc_rm_rf(dir2), 0);
	free(dir2);

	fc_manifest_free(&l);
	fc_manifest_free(&m);
	assert_null(m.funcs);
	assert_int_equal(m.nfuncs, 0);
}

/* The site table is what the model says about each function. */
static void test_model_sites_consistent(void **state)
{
	(void)state;
	struct fc_gen_opts o = std_opts();
	struct fc_manifest m;
	assert_int_equal(fc_model_build(&o, &m), 0);
	uint64_t si = 0;
	unsigned tails = 0;
	for (uint32_t i = 0; i < m.nfuncs; i++) {
		const struct fc_func *fn = &m.funcs[i];
		assert_int_equal(fn->first_site, si);
		assert_true(fn->obj < m.nobjs);
		if (i)
			assert_true(fn->obj >= m.funcs[i - 1].obj);
		assert_int_equal(fn->size % 4, 0);
		/* stp, mov, one word per site, ldp, ret|brk (none for a tail). */
		bool tail = fn->nsites &&
			    m.sites[fn->first_site + fn->nsites - 1].kind == FC_SITE_TAIL;
		assert_int_equal(fn->size, 4 * (fn->nsites + (tail ? 3 : 4)));
		tails += tail;
		for (uint32_t k = 0; k < fn->nsites; k++, si++) {
			const struct fc_site *s = &m.sites[si];
			assert_int_equal(s->caller, i);
			assert_true(s->off > 0 && s->off < fn->size);
			assert_int_equal(s->off % 4, 0);
			assert_true(s->callee < m.nfuncs);
			assert_int_not_equal(s->callee, s->caller);
			assert_true(s->kind == FC_SITE_CALL ||
				    (s->kind == FC_SITE_TAIL && k + 1 == fn->nsites));
			if (k)
				assert_true(s->off > m.sites[si - 1].off);
		}
	}
	assert_true(si == m.nsites);
	/* _start: one call, no tail call. */
	assert_int_equal(m.funcs[0].nsites, 1);
	assert_int_equal(m.sites[0].kind, FC_SITE_CALL);
	/* Both objects are used. */
	assert_int_equal(m.funcs[0].obj, 0);
	assert_int_equal(m.funcs[m.nfuncs - 1].obj, 1);
	/* tail_pct 25 over 511 functions. */
	assert_true(tails > 511 * 15 / 100 && tails < 511 * 35 / 100);
	fc_manifest_free(&m);
}

static void test_determinism(void **state)
{
	(void)state;
	struct fc_gen_opts o = std_opts();
	struct fc_manifest a, b, c;
	assert_int_equal(fc_model_build(&o, &a), 0);
	assert_int_equal(fc_model_build(&o, &b), 0);
	assert_funcs_equal(&a, &b);
	assert_sites_equal(&a, &b);
	assert_string_equal(a.options, b.options);

	o.seed = 8;
	assert_int_equal(fc_model_build(&o, &c), 0);
	assert_false(sites_equal(&a, &c));
	fc_manifest_free(&a);
	fc_manifest_free(&b);
	fc_manifest_free(&c);
}

static void test_near_far(void **state)
{
	(void)state;
	struct fc_gen_opts o = std_opts();
	struct fc_manifest m;
	assert_int_equal(fc_model_build(&o, &m), 0);
	int64_t lo, hi;
	m.t->site_range(FC_SITE_CALL, &lo, &hi);
	/* The model's own margin is 1/32 of the range (8 MiB); ask for 4 MiB. */
	const int64_t margin = 4 << 20;
	uint64_t nfar = 0;
	for (uint64_t i = 0; i < m.nsites; i++) {
		const struct fc_site *s = &m.sites[i];
		m.t->site_range((enum fc_site_kind)s->kind, &lo, &hi);
		int64_t at = (int64_t)(m.funcs[s->caller].addr + s->off);
		int64_t d = (int64_t)m.funcs[s->callee].addr + s->addend - at;
		if (s->far) {
			nfar++;
			if (!(d < lo || d > hi))
				fail_msg("site %llu is marked far but d=%lld is in range",
					 (unsigned long long)i, (long long)d);
		} else if (d < lo + margin || d > hi - margin) {
			fail_msg("site %llu is marked near but d=%lld is not within "
				 "[%lld, %lld]",
				 (unsigned long long)i, (long long)d, (long long)(lo + margin),
				 (long long)(hi - margin));
		}
	}
	double share = (double)nfar / (double)m.nsites;
	if (share < 0.35 || share > 0.65)
		fail_msg("far share %.3f (%llu of %llu) not near 50%%", share,
			 (unsigned long long)nfar, (unsigned long long)m.nsites);
	fc_manifest_free(&m);

	/* far_pct 0 and 100 are honoured as far as the layout allows. */
	o.far_pct = 0;
	assert_int_equal(fc_model_build(&o, &m), 0);
	for (uint64_t i = 0; i < m.nsites; i++)
		assert_int_equal(m.sites[i].far, 0);
	fc_manifest_free(&m);
	o.far_pct = 100;
	assert_int_equal(fc_model_build(&o, &m), 0);
	for (uint64_t i = 0; i < m.nsites; i++)
		assert_int_equal(m.sites[i].far, 1);
	fc_manifest_free(&m);

	/* A .text well inside the range has nothing far. */
	o.far_pct = 50;
	o.size = 32ULL << 20;
	assert_int_equal(fc_model_build(&o, &m), 0);
	for (uint64_t i = 0; i < m.nsites; i++)
		assert_int_equal(m.sites[i].far, 0);
	fc_manifest_free(&m);
}

static void test_layout(void **state)
{
	(void)state;
	struct fc_gen_opts o = std_opts();
	struct fc_manifest m;
	assert_int_equal(fc_model_build(&o, &m), 0);
	uint64_t al = m.t->func_align;
	assert_int_equal(m.funcs[0].addr, 0);
	for (uint32_t i = 0; i < m.nfuncs; i++) {
		const struct fc_func *fn = &m.funcs[i];
		assert_int_equal(fn->addr % al, 0);
		assert_int_equal(fn->pad % al, 0);
		assert_true(fn->size > 0);
		if (i + 1 < m.nfuncs) {
			assert_true(m.funcs[i + 1].addr > fn->addr);
			assert_true(m.funcs[i + 1].addr == fn->addr + fn->size + fn->pad);
		}
	}
	const struct fc_func *last = &m.funcs[m.nfuncs - 1];
	uint64_t total = last->addr + last->size + last->pad;
	assert_true(total <= o.size);
	assert_true(o.size - total < al);

	/* An odd size: the total still lands within func_align of it. */
	fc_manifest_free(&m);
	o.size = (300ULL << 20) + 7;
	assert_int_equal(fc_model_build(&o, &m), 0);
	last = &m.funcs[m.nfuncs - 1];
	total = last->addr + last->size + last->pad;
	assert_true(total <= o.size);
	assert_true(o.size - total < al);
	fc_manifest_free(&m);
}

static void test_build_too_small(void **state)
{
	(void)state;
	struct fc_gen_opts o = std_opts();
	struct fc_manifest m;
	o.size = 4096; /* 512 functions need at least 512 * 24 bytes */
	assert_true(fc_model_build(&o, &m) < 0);
	fc_manifest_free(&m);
	o.size = 0;
	assert_true(fc_model_build(&o, &m) < 0);
	fc_manifest_free(&m);
	o = std_opts();
	o.funcs = 1;
	assert_true(fc_model_build(&o, &m) < 0);
	fc_manifest_free(&m);

	/* Just enough: the code itself, no padding to spare. */
	o = std_opts();
	o.size = 1ULL << 30;
	assert_int_equal(fc_model_build(&o, &m), 0);
	uint64_t code = 0;
	for (uint32_t i = 0; i < m.nfuncs; i++)
		code += m.funcs[i].size;
	fc_manifest_free(&m);
	o.size = code;
	assert_int_equal(fc_model_build(&o, &m), 0);
	for (uint32_t i = 0; i < m.nfuncs; i++)
		assert_int_equal(m.funcs[i].pad, 0);
	fc_manifest_free(&m);
	o.size = code - 1;
	assert_true(fc_model_build(&o, &m) < 0);
	fc_manifest_free(&m);
}

/* ---- load: hand-written manifests ------------------------------------- */

#define HDR "farcall-manifest 1\n"
#define HEAD                                                  \
	"arch arm64\ngenerator 1\nseed 7\nsize 4096\n"          \
	"options --funcs 3\nobjs 1\nfuncs 3\nsites 3\n"         \
	"o 0 obj0000.o\n"
#define FUNCS                                                 \
	"f 0 _start 0 20 0x0 0x100\n"                           \
	"f 1 fn_1 0 24 0x114 0x100\n"                           \
	"f 2 fn_2 0 24 0x22c 0x0\n"
#define SITES                                                 \
	"s 0 0x8 call 1 0 near\n"                               \
	"s 1 0x8 call 2 0 far\n"                                \
	"s 1 0x10 tail 0 -4 near\n"
#define END "end\n"

static void test_load_hand_written(void **state)
{
	const char *dir = *state;
	write_manifest(dir, HDR "# a comment\n\n" HEAD FUNCS SITES END);
	struct fc_manifest m;
	assert_int_equal(fc_manifest_load(dir, &m), 0);
	assert_ptr_equal(m.t, arm64());
	assert_int_equal(m.generator, 1);
	assert_true(m.seed == 7 && m.size == 4096);
	assert_string_equal(m.options, "--funcs 3");
	assert_int_equal(m.nobjs, 1);
	assert_string_equal(m.objs[0], "obj0000.o");
	assert_int_equal(m.nfuncs, 3);
	assert_string_equal(m.funcs[0].name, "_start");
	assert_string_equal(m.funcs[2].name, "fn_2");
	assert_int_equal(m.funcs[1].size, 24);
	assert_true(m.funcs[1].addr == 0x114 && m.funcs[1].pad == 0x100);
	assert_int_equal(m.funcs[0].first_site, 0);
	assert_int_equal(m.funcs[0].nsites, 1);
	assert_int_equal(m.funcs[1].first_site, 1);
	assert_int_equal(m.funcs[1].nsites, 2);
	assert_int_equal(m.funcs[2].nsites, 0);
	assert_true(m.nsites == 3);
	assert_int_equal(m.sites[1].callee, 2);
	assert_int_equal(m.sites[1].far, 1);
	assert_int_equal(m.sites[2].kind, FC_SITE_TAIL);
	assert_int_equal(m.sites[2].off, 0x10);
	assert_int_equal(m.sites[2].addend, -4);
	assert_int_equal(m.sites[2].far, 0);
	fc_manifest_free(&m);
}

/* Load must fail with -1, not crash, and leave nothing allocated. */
static void load_rejects(const char *dir, const char *what, const char *text)
{
	if (text)
		write_manifest(dir, text);
	struct fc_manifest m;
	memset(&m, 0x5a, sizeof m);
	int r = fc_manifest_load(dir, &m);
	if (r != -1)
		fail_msg("%s: load returned %d, want -1", what, r);
	/* On failure the manifest is freed and zeroed. */
	assert_null(m.funcs);
	assert_null(m.sites);
	assert_null(m.objs);
	assert_null(m.arena);
	assert_null(m.options);
}

static void test_load_missing(void **state)
{
	const char *dir = *state;
	load_rejects(dir, "empty directory", NULL);
	char *nodir = fc_xasprintf("%s/does-not-exist", dir);
	load_rejects(nodir, "missing directory", NULL);
	free(nodir);
}

static void test_load_truncated(void **state)
{
	const char *dir = *state;
	load_rejects(dir, "no end line", HDR HEAD FUNCS SITES);
	load_rejects(dir, "cut mid-site", HDR HEAD FUNCS "s 0 0x8 call 1 0 near\ns 1 0x8 ca");
	load_rejects(dir, "cut before the near/far word",
		     HDR HEAD FUNCS "s 0 0x8 call 1 0 near\ns 1 0x8 call 2 0");
	load_rejects(dir, "cut after the header", HDR);
	load_rejects(dir, "cut mid-function", HDR HEAD "f 0 _sta");
	load_rejects(dir, "empty file", "");
	/* end before all the lines the header promised */
	load_rejects(dir, "end too early", HDR HEAD FUNCS "s 0 0x8 call 1 0 near\n" END);
}

static void test_load_bad_site_kind(void **state)
{
	const char *dir = *state;
	load_rejects(dir, "unknown site kind",
		     HDR HEAD FUNCS "s 0 0x8 call 1 0 near\ns 1 0x8 jump 2 0 far\n"
				    "s 1 0x10 tail 0 -4 near\n" END);
	load_rejects(dir, "kind is a number",
		     HDR HEAD FUNCS "s 0 0x8 0 1 0 near\ns 1 0x8 call 2 0 far\n"
				    "s 1 0x10 tail 0 -4 near\n" END);
}

static void test_load_bad_function_id(void **state)
{
	const char *dir = *state;
	load_rejects(dir, "callee beyond the count",
		     HDR HEAD FUNCS "s 0 0x8 call 3 0 near\ns 1 0x8 call 2 0 far\n"
				    "s 1 0x10 tail 0 -4 near\n" END);
	load_rejects(dir, "callee far beyond the count",
		     HDR HEAD FUNCS "s 0 0x8 call 4294967295 0 near\ns 1 0x8 call 2 0 far\n"
				    "s 1 0x10 tail 0 -4 near\n" END);
	load_rejects(dir, "caller beyond the count",
		     HDR HEAD FUNCS "s 0 0x8 call 1 0 near\ns 9 0x8 call 2 0 far\n"
				    "s 9 0x10 tail 0 -4 near\n" END);
	load_rejects(dir, "function ids skip",
		     HDR HEAD "f 0 _start 0 20 0x0 0x100\nf 2 fn_2 0 24 0x22c 0x0\n"
			      "f 1 fn_1 0 24 0x114 0x100\n" SITES END);
	load_rejects(dir, "more functions than the header says",
		     HDR HEAD FUNCS "f 3 fn_3 0 24 0x300 0x0\n" SITES END);
	load_rejects(dir, "object beyond the count",
		     HDR HEAD "f 0 _start 1 20 0x0 0x100\nf 1 fn_1 0 24 0x114 0x100\n"
			      "f 2 fn_2 0 24 0x22c 0x0\n" SITES END);
}

static void test_load_bad_first_line(void **state)
{
	const char *dir = *state;
	load_rejects(dir, "not a manifest", "hello world\n" HEAD FUNCS SITES END);
	load_rejects(dir, "other version", "farcall-manifest 2\n" HEAD FUNCS SITES END);
	load_rejects(dir, "no header", HEAD FUNCS SITES END);
	load_rejects(dir, "binary junk", "\x7f" "ELF\x02\x01\x01\n");
}

static void test_load_other_errors(void **state)
{
	const char *dir = *state;
	load_rejects(dir, "unknown arch",
		     HDR "arch vax\ngenerator 1\nseed 7\nsize 4096\noptions\nobjs 1\n"
			 "funcs 3\nsites 3\no 0 obj0000.o\n" FUNCS SITES END);
	load_rejects(dir, "no arch",
		     HDR "generator 1\nseed 7\nsize 4096\noptions x\nobjs 1\n"
			 "funcs 3\nsites 3\no 0 obj0000.o\n" FUNCS SITES END);
	load_rejects(dir, "unknown line", HDR HEAD FUNCS SITES "x 1 2 3\n" END);
	load_rejects(dir, "more sites than the header says",
		     HDR HEAD FUNCS SITES "s 2 0x8 call 0 0 near\n" END);
	load_rejects(dir, "sites of a caller not consecutive",
		     HDR HEAD FUNCS "s 1 0x8 call 2 0 far\ns 0 0x8 call 1 0 near\n"
				    "s 1 0x10 tail 0 -4 near\n" END);
	load_rejects(dir, "bad number",
		     HDR HEAD FUNCS "s 0 0x8 call 1 zero near\ns 1 0x8 call 2 0 far\n"
				    "s 1 0x10 tail 0 -4 near\n" END);
	load_rejects(dir, "negative size",
		     HDR HEAD "f 0 _start 0 -20 0x0 0x100\nf 1 fn_1 0 24 0x114 0x100\n"
			      "f 2 fn_2 0 24 0x22c 0x0\n" SITES END);
	load_rejects(dir, "object name with a slash",
		     HDR "arch arm64\ngenerator 1\nseed 7\nsize 4096\noptions x\nobjs 1\n"
			 "funcs 3\nsites 3\no 0 ../evil.o\n" FUNCS SITES END);
	load_rejects(dir, "counts twice",
		     HDR HEAD "funcs 3\n" FUNCS SITES END);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip, tmp_setup, tmp_teardown),
		cmocka_unit_test(test_model_sites_consistent),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_near_far),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_build_too_small),
		cmocka_unit_test_setup_teardown(test_load_hand_written, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_missing, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_truncated, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_bad_site_kind, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_bad_function_id, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_bad_first_line, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_other_errors, tmp_setup, tmp_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
