/* Unit tests for the program model (fc_model_build, gen/model.c) and the
 * manifest v2 that records it (fc_manifest_save / fc_manifest_load,
 * core/manifest.c), for every target: functions, data objects, sites and
 * their forms, the layout, what is in and out of reach, link modes,
 * --forms and --unfixable, and what load must refuse. */
#define _GNU_SOURCE
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../core/manifest.h"
#include "../../core/util.h"
#include "../../gen/gen.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct target *T(const char *name)
{
	const struct target *t = fc_target_find(name);
	if (!t)
		fail_msg("no target %s", name);
	return t;
}

/* Generator options for one case. Sizes are chosen so that sites can be far
 * where the arch has a form with a short reach: arm64 BL/B (+-128 MiB, the
 * only thunkable forms), amd64 rel32 (+-2 GiB), riscv64 JAL and BNE. */
struct cfg {
	const char *arch;
	uint64_t size;
	uint32_t funcs, objs, calls, far, tail;
	enum fc_mode mode;
	bool relax;
	const char *forms;
	uint32_t unfixable;
};

static const struct cfg cfgs[] = {
	{"arm64", 300 * MiB, 512, 2, 8, 50, 25, FC_MODE_EXE, false, NULL, 3},
	{"arm64", 300 * MiB, 512, 3, 8, 50, 25, FC_MODE_SHARED, false, NULL, 2},
	{"arm64", 200 * MiB, 400, 2, 6, 30, 10, FC_MODE_PIE, false, NULL, 0},
	{"amd64", 5 * GiB, 512, 2, 8, 50, 25, FC_MODE_EXE, false, NULL, 2},
	{"amd64", 5 * GiB, 256, 4, 8, 50, 25, FC_MODE_SHARED, false, NULL, 1},
	{"amd64", 64 * MiB, 300, 2, 8, 50, 25, FC_MODE_PIE, false, NULL, 0},
	{"riscv64", 64 * MiB, 512, 2, 8, 50, 25, FC_MODE_PIE, true, NULL, 2},
	{"riscv64", 64 * MiB, 512, 3, 8, 50, 25, FC_MODE_SHARED, false, NULL, 1},
	{"riscv64", 300 * MiB, 256, 2, 8, 50, 25, FC_MODE_EXE, true, NULL, 0},
};

static struct fc_gen_opts opts_of(const struct cfg *c, uint64_t seed)
{
	return (struct fc_gen_opts){
		.t = T(c->arch),
		.size = c->size,
		.seed = seed,
		.funcs = c->funcs,
		.objs = c->objs,
		.calls = c->calls,
		.far_pct = c->far,
		.tail_pct = c->tail,
		.mode = c->mode,
		.relax = c->relax,
		.forms = c->forms,
		.unfixable = c->unfixable,
	};
}

static void build(const struct fc_gen_opts *o, struct fc_manifest *m)
{
	if (fc_model_build(o, m) != 0)
		fail_msg("%s --size %llu --funcs %u --mode %s --forms %s --unfixable %u: "
			 "fc_model_build failed: %s",
			 o->t->name, (unsigned long long)o->size, o->funcs, fc_mode_name(o->mode),
			 o->forms ? o->forms : "default", o->unfixable, fc_last_error());
}

static const char *cfg_name(const struct cfg *c)
{
	static char buf[128];
	snprintf(buf, sizeof buf, "%s/%s/%llu MiB", c->arch, fc_mode_name(c->mode),
		 (unsigned long long)(c->size / MiB));
	return buf;
}

/* ---- temp dirs -------------------------------------------------------- */

static char *make_tmp(void)
{
	const char *base = getenv("TMPDIR");
	char *tmpl = fc_xasprintf("%s/fc-test-manifest.XXXXXX", base && *base ? base : "/tmp");
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

static char *read_manifest(const char *dir, size_t *len)
{
	char *p = fc_xasprintf("%s/%s", dir, FC_MANIFEST_NAME);
	char *t = fc_read_file(p, len);
	assert_non_null(t);
	free(p);
	return t;
}

/* ---- comparisons ------------------------------------------------------ */

static bool func_eq(const struct fc_func *x, const struct fc_func *y)
{
	/* first_site means nothing for a function without sites. */
	return !strcmp(x->name, y->name) && x->obj == y->obj && x->size == y->size &&
	       x->addr == y->addr && x->pad == y->pad && x->nsites == y->nsites &&
	       (!x->nsites || x->first_site == y->first_site) && x->hidden == y->hidden;
}

static bool data_eq(const struct fc_data *x, const struct fc_data *y)
{
	return !strcmp(x->name, y->name) && x->obj == y->obj && x->size == y->size &&
	       x->hidden == y->hidden && x->words == y->words;
}

static bool site_eq(const struct fc_site *x, const struct fc_site *y)
{
	return x->caller == y->caller && x->off == y->off && x->target == y->target &&
	       x->form == y->form && x->far == y->far && x->expect_error == y->expect_error &&
	       x->addend == y->addend;
}

static void assert_manifests_equal(const struct fc_manifest *a, const struct fc_manifest *b)
{
	assert_ptr_equal(a->t, b->t);
	assert_int_equal(a->generator, b->generator);
	assert_true(a->seed == b->seed);
	assert_true(a->size == b->size);
	assert_int_equal(a->mode, b->mode);
	assert_int_equal(a->relax, b->relax);
	assert_non_null(a->options);
	assert_non_null(b->options);
	assert_string_equal(a->options, b->options);
	assert_int_equal(a->nobjs, b->nobjs);
	for (uint32_t i = 0; i < a->nobjs; i++)
		assert_string_equal(a->objs[i], b->objs[i]);
	assert_int_equal(a->nfuncs, b->nfuncs);
	for (uint32_t i = 0; i < a->nfuncs; i++) {
		const struct fc_func *x = &a->funcs[i], *y = &b->funcs[i];
		if (!func_eq(x, y))
			fail_msg("func %u differs: %s/%s obj %u/%u size %u/%u addr %#llx/%#llx "
				 "pad %#llx/%#llx first %u/%u n %u/%u hidden %d/%d",
				 i, x->name, y->name, x->obj, y->obj, x->size, y->size,
				 (unsigned long long)x->addr, (unsigned long long)y->addr,
				 (unsigned long long)x->pad, (unsigned long long)y->pad,
				 x->first_site, y->first_site, x->nsites, y->nsites, x->hidden,
				 y->hidden);
	}
	assert_int_equal(a->ndatas, b->ndatas);
	for (uint32_t i = 0; i < a->ndatas; i++) {
		const struct fc_data *x = &a->datas[i], *y = &b->datas[i];
		if (!data_eq(x, y))
			fail_msg("data %u differs: %s/%s obj %u/%u size %u/%u hidden %d/%d "
				 "words %d/%d",
				 i, x->name, y->name, x->obj, y->obj, x->size, y->size, x->hidden,
				 y->hidden, x->words, y->words);
	}
	assert_true(a->nsites == b->nsites);
	for (uint64_t i = 0; i < a->nsites; i++) {
		const struct fc_site *x = &a->sites[i], *y = &b->sites[i];
		if (!site_eq(x, y))
			fail_msg("site %llu differs: caller %#x/%#x off %#x/%#x target %#x/%#x "
				 "form %u/%u far %u/%u error %u/%u addend %lld/%lld",
				 (unsigned long long)i, x->caller, y->caller, x->off, y->off,
				 x->target, y->target, x->form, y->form, x->far, y->far,
				 x->expect_error, y->expect_error, (long long)x->addend,
				 (long long)y->addend);
	}
}

static bool sites_equal(const struct fc_manifest *a, const struct fc_manifest *b)
{
	if (a->nsites != b->nsites)
		return false;
	for (uint64_t i = 0; i < a->nsites; i++)
		if (!site_eq(&a->sites[i], &b->sites[i]))
			return false;
	return true;
}

/* ---- save / load round trip ------------------------------------------- */

static void roundtrip(const char *dir, const struct cfg *c)
{
	struct fc_gen_opts o = opts_of(c, 7);
	struct fc_manifest m, l;
	build(&o, &m);
	assert_int_equal(fc_manifest_save(dir, &m), 0);

	/* Only the manifest is left in the directory: no temporary file. */
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		if (e->d_name[0] != '.') {
			assert_string_equal(e->d_name, FC_MANIFEST_NAME);
			n++;
		}
	closedir(d);
	assert_int_equal(n, 1);

	assert_int_equal(fc_manifest_load(dir, &l), 0);
	assert_manifests_equal(&m, &l);
	/* What the options said is what the header says. */
	assert_ptr_equal(l.t, o.t);
	assert_int_equal(l.generator, FC_GEN_VERSION);
	assert_true(l.seed == 7 && l.size == c->size);
	assert_int_equal(l.mode, c->mode);
	assert_int_equal(l.relax, c->relax);
	assert_int_equal(l.nobjs, c->objs);
	assert_int_equal(l.nfuncs, c->funcs);
	assert_int_equal(l.ndatas, 2 * c->objs);
	assert_true(l.nsites > c->funcs);
	assert_non_null(strstr(l.options, fc_mode_name(c->mode)));
	assert_int_equal(fc_manifest_expects_error(&l), c->unfixable > 0);
	for (uint64_t i = 0; i < l.nsites; i++)
		assert_ptr_equal(fc_site_form(&l, &l.sites[i]), &l.t->forms[l.sites[i].form]);

	/* Saving what was loaded gives the same file byte for byte. */
	char *dir2 = make_tmp();
	assert_non_null(dir2);
	assert_int_equal(fc_manifest_save(dir2, &l), 0);
	size_t n1, n2;
	char *t1 = read_manifest(dir, &n1), *t2 = read_manifest(dir2, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(t1, t2, n1);
	assert_true(n1 > 5 && !strcmp(t1 + n1 - 4, "end\n"));
	assert_int_equal(strncmp(t1, "farcall-manifest 3\n", 19), 0);
	free(t1);
	free(t2);
	assert_int_equal(fc_rm_rf(dir2), 0);
	free(dir2);

	fc_manifest_free(&l);
	fc_manifest_free(&m);
	assert_null(m.funcs);
	assert_null(m.datas);
	assert_null(m.sites);
	assert_null(m.arena);
	assert_int_equal(m.nfuncs, 0);
}

static void test_roundtrip(void **state)
{
	for (size_t i = 0; i < NELEM(cfgs); i++)
		roundtrip(*state, &cfgs[i]);
}

/* ---- determinism ------------------------------------------------------ */

static void test_determinism(void **state)
{
	const char *dir = *state;
	for (size_t i = 0; i < NELEM(cfgs); i++) {
		struct fc_gen_opts o = opts_of(&cfgs[i], 11);
		struct fc_manifest a, b, c;
		build(&o, &a);
		build(&o, &b);
		assert_manifests_equal(&a, &b);
		/* And the same file. */
		size_t n1, n2;
		assert_int_equal(fc_manifest_save(dir, &a), 0);
		char *t1 = read_manifest(dir, &n1);
		assert_int_equal(fc_manifest_save(dir, &b), 0);
		char *t2 = read_manifest(dir, &n2);
		assert_int_equal(n1, n2);
		assert_memory_equal(t1, t2, n1);
		free(t1);
		free(t2);
		/* Another seed, another program. */
		o.seed = 12;
		build(&o, &c);
		if (sites_equal(&a, &c))
			fail_msg("%s: seeds 11 and 12 give the same sites", cfg_name(&cfgs[i]));
		fc_manifest_free(&a);
		fc_manifest_free(&b);
		fc_manifest_free(&c);
	}
}

/* ---- the model: functions, data, sites -------------------------------- */

static void check_structure(const struct cfg *cf, const struct fc_manifest *m)
{
	const struct target *t = m->t;
	const char *what = cfg_name(cf);
	/* Objects and functions. */
	for (uint32_t i = 0; i < m->nobjs; i++) {
		char want[32];
		snprintf(want, sizeof want, "obj%04u.o", i);
		assert_string_equal(m->objs[i], want);
	}
	assert_string_equal(m->funcs[0].name, "_start");
	assert_int_equal(m->funcs[0].obj, 0);
	assert_int_equal(m->funcs[m->nfuncs - 1].obj, m->nobjs - 1);
	for (uint32_t i = 1; i < m->nfuncs; i++) {
		char want[32];
		snprintf(want, sizeof want, "fn_%u", i);
		assert_string_equal(m->funcs[i].name, want);
		assert_true(m->funcs[i].obj >= m->funcs[i - 1].obj);
		assert_true(m->funcs[i].obj < m->nobjs);
		assert_string_equal(fc_ref_name(m, i), want);
	}
	/* Data objects: var_N then words_N, per object. */
	assert_int_equal(m->ndatas, 2 * m->nobjs);
	for (uint32_t i = 0; i < m->nobjs; i++) {
		const struct fc_data *v = &m->datas[2 * i], *w = &m->datas[2 * i + 1];
		char want[32];
		snprintf(want, sizeof want, "var_%u", i);
		assert_string_equal(v->name, want);
		assert_string_equal(fc_ref_name(m, FC_REF_DATA_BIT | (2 * i)), want);
		assert_int_equal(v->obj, i);
		assert_int_equal(v->size, FC_VAR_SIZE);
		assert_false(v->words);
		snprintf(want, sizeof want, "words_%u", i);
		assert_string_equal(w->name, want);
		assert_int_equal(w->obj, i);
		assert_true(w->words);
		assert_true(w->hidden);
	}
	assert_string_equal(fc_ref_name(m, m->nfuncs), "?");
	assert_string_equal(fc_ref_name(m, FC_REF_DATA_BIT | m->ndatas), "?");

	/* Function sites first, function by function; then the DATA sites. */
	uint64_t si = 0;
	for (uint32_t i = 0; i < m->nfuncs; i++) {
		const struct fc_func *fn = &m->funcs[i];
		if (fn->nsites)
			assert_int_equal(fn->first_site, si);
		for (uint32_t k = 0; k < fn->nsites; k++, si++) {
			const struct fc_site *s = &m->sites[si];
			const struct fc_form *f = &t->forms[s->form];
			assert_int_equal(s->caller, i);
			assert_true(f->sem != FC_SEM_DATA);
			/* A leaf without a frame may start with a site. */
			assert_true((s->off > 0 || fn->frame == FC_FRAME_NONE) && s->off < fn->size);
			assert_int_equal(s->off % t->insn_align, 0);
			if (k)
				assert_true(s->off > m->sites[si - 1].off);
			if (f->tail_only && k + 1 != fn->nsites)
				fail_msg("%s: %s is not the last site of fn_%u", what, f->name, i);
		}
	}
	/* _start: one call. */
	assert_int_equal(m->funcs[0].nsites, 1);
	assert_int_equal(t->forms[m->sites[0].form].sem, FC_SEM_CALL);
	uint32_t *wend = calloc(m->ndatas, sizeof *wend);
	assert_non_null(wend);
	for (; si < m->nsites; si++) {
		const struct fc_site *s = &m->sites[si];
		const struct fc_form *f = &t->forms[s->form];
		if (f->sem != FC_SEM_DATA)
			fail_msg("%s: site %llu (%s) after the DATA sites", what,
				 (unsigned long long)si, f->name);
		assert_true(fc_ref_is_data(s->caller));
		uint32_t w = fc_ref_index(s->caller);
		assert_true(w < m->ndatas);
		assert_true(m->datas[w].words);
		assert_int_equal(s->off % f->size, 0);
		assert_true(s->off >= wend[w]); /* in order, no overlap */
		wend[w] = s->off + f->size;
		assert_true(wend[w] <= m->datas[w].size);
		assert_false(s->far);
		assert_false(s->expect_error);
	}
	free(wend);
	/* Targets. */
	for (uint64_t i = 0; i < m->nsites; i++) {
		const struct fc_site *s = &m->sites[i];
		const struct fc_form *f = &t->forms[s->form];
		uint32_t x = fc_ref_index(s->target);
		if (fc_ref_is_data(s->target)) {
			if (!f->data_target)
				fail_msg("%s: site %llu: %s aims at data", what,
					 (unsigned long long)i, f->name);
			assert_true(x < m->ndatas);
			assert_false(m->datas[x].words); /* a var, not the words */
			assert_true(s->addend >= 0 && s->addend < FC_VAR_SIZE);
			assert_int_equal(s->addend % 8, 0);
		} else {
			assert_true(x < m->nfuncs);
			assert_int_equal(s->addend, 0);
		}
	}
}

static void test_model_structure(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(cfgs); i++) {
		struct fc_gen_opts o = opts_of(&cfgs[i], 7);
		struct fc_manifest m;
		build(&o, &m);
		check_structure(&cfgs[i], &m);
		fc_manifest_free(&m);
	}
}

/* ---- layout ----------------------------------------------------------- */

/* Each function starts at the end of the one before (code, then padding),
 * aligned to its section's alignment: func_align, or 8 when it has a
 * literal pool. Sizes and site offsets are what fc_emit_body makes. */
static void check_layout(const struct cfg *cf, const struct fc_manifest *m, uint64_t size)
{
	const struct target *t = m->t;
	const char *what = cfg_name(cf);
	struct fc_code code = {0}, pool = {0};
	uint32_t *off = calloc(64, sizeof *off);
	assert_non_null(off);
	uint64_t al_max = t->func_align, end = 0;
	for (uint32_t i = 0; i < m->nfuncs; i++) {
		const struct fc_func *fn = &m->funcs[i];
		assert_true(fn->nsites < 64);
		struct fc_frame fr = {fn->frame, fn->frame_size};
		assert_int_equal(fc_emit_function(t, &m->sites[fn->first_site], fn->nsites, m->relax,
						  i == 0, &fr, &code, &pool, off, NULL, NULL), 0);
		assert_int_equal(fn->size, code.len);
		for (uint32_t k = 0; k < fn->nsites; k++)
			assert_int_equal(m->sites[fn->first_site + k].off, off[k]);
		uint64_t al = pool.len && 8 > t->func_align ? 8 : t->func_align;
		if (al > al_max)
			al_max = al;
		uint64_t want = (end + al - 1) & ~(al - 1);
		if (fn->addr != want)
			fail_msg("%s: fn_%u at 0x%llx, want 0x%llx (end of the last 0x%llx, "
				 "align %llu)", what, i, (unsigned long long)fn->addr,
				 (unsigned long long)want, (unsigned long long)end,
				 (unsigned long long)al);
		/* The padding ends where the next function's alignment wants. */
		if (i + 1 < m->nfuncs)
			assert_int_equal((fn->addr + fn->size + fn->pad) % t->func_align, 0);
		assert_true(fn->size > 0);
		end = fn->addr + fn->size + fn->pad;
	}
	assert_int_equal(m->funcs[0].addr, 0);
	for (uint32_t i = 1; i < m->nfuncs; i++)
		assert_true(m->funcs[i].addr > m->funcs[i - 1].addr);
	/* The whole: exactly --size. */
	if (end != size)
		fail_msg("%s: .text of %llu bytes for --size %llu", what,
			 (unsigned long long)end, (unsigned long long)size);
	(void)al_max;
	free(off);
	fc_code_free(&code);
	fc_code_free(&pool);
}

static void test_layout(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(cfgs); i++) {
		struct fc_gen_opts o = opts_of(&cfgs[i], 7);
		struct fc_manifest m;
		build(&o, &m);
		check_layout(&cfgs[i], &m, o.size);
		fc_manifest_free(&m);
		/* An odd size. */
		o.size += 7;
		o.seed = 99;
		build(&o, &m);
		check_layout(&cfgs[i], &m, o.size);
		fc_manifest_free(&m);
	}
}

/* ---- reach ------------------------------------------------------------ */

/* Every code site aimed at a function, with a form of finite reach, is
 * within reach of the target's predicted address when near and beyond it
 * when far; the model keeps 1/32 of the reach as a margin for what linkers
 * add, ask for half of it. Forms no linker makes thunks for are never far
 * unless the site is one --unfixable asked for. */
static void check_reach(const struct cfg *cf, const struct fc_manifest *m, unsigned *pfar,
			unsigned *pthunkable)
{
	const struct target *t = m->t;
	const char *what = cfg_name(cf);
	unsigned nfar = 0, nthunk = 0, nerr = 0;
	for (uint64_t i = 0; i < m->nsites; i++) {
		const struct fc_site *s = &m->sites[i];
		const struct fc_form *f = &t->forms[s->form];
		if (s->expect_error) {
			nerr++;
			if (f->thunkable || !s->far || (f->sem != FC_SEM_CALL && f->sem != FC_SEM_JUMP))
				fail_msg("%s: site %llu (%s) expects an error", what,
					 (unsigned long long)i, f->name);
		}
		if (s->far && !f->thunkable && !s->expect_error)
			fail_msg("%s: site %llu: %s is far and nothing can fix it", what,
				 (unsigned long long)i, f->name);
		if (f->thunkable) {
			nthunk++;
			nfar += s->far;
		}
		if (fc_ref_is_data(s->caller) || fc_ref_is_data(s->target) || !(f->lo || f->hi))
			continue;
		int64_t at = (int64_t)(m->funcs[s->caller].addr + s->off);
		int64_t d = (int64_t)m->funcs[s->target].addr + s->addend - at;
		int64_t margin = (f->hi - f->lo) / 64;
		if (s->far ? (d >= f->lo - margin && d <= f->hi + margin)
			   : (d < f->lo + margin || d > f->hi - margin))
			fail_msg("%s: site %llu (%s, %s) at 0x%llx: d=%lld vs reach [%lld, %lld]",
				 what, (unsigned long long)i, f->name, s->far ? "far" : "near",
				 (unsigned long long)at, (long long)d, (long long)f->lo,
				 (long long)f->hi);
	}
	if (pfar)
		*pfar = nfar;
	if (pthunkable)
		*pthunkable = nthunk;
	assert_int_equal(nerr, cf->unfixable);
}

static void test_reach(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(cfgs); i++) {
		struct fc_gen_opts o = opts_of(&cfgs[i], 7);
		struct fc_manifest m;
		build(&o, &m);
		unsigned nfar, nthunk;
		check_reach(&cfgs[i], &m, &nfar, &nthunk);
		if (nthunk) {
			/* arm64: far_pct of the BL/B sites, as far as the layout allows. */
			double share = (double)nfar / nthunk, want = cfgs[i].far / 100.0;
			if (share < want - 0.15 || share > want + 0.15)
				fail_msg("%s: far share %.3f (%u of %u), want about %.2f",
					 cfg_name(&cfgs[i]), share, nfar, nthunk, want);
		}
		fc_manifest_free(&m);
	}
	/* far_pct 0 and 100 on arm64; a .text well within BL's reach has
	 * nothing far. */
	struct cfg c = cfgs[0];
	c.unfixable = 0;
	static const struct {
		uint64_t size;
		uint32_t far;
		int want; /* every site: 0 near, 1 far if thunkable */
	} k[] = {{300 * MiB, 0, 0}, {300 * MiB, 100, 1}, {32 * MiB, 50, 0}};
	for (size_t j = 0; j < NELEM(k); j++) {
		c.size = k[j].size;
		c.far = k[j].far;
		struct fc_gen_opts o = opts_of(&c, 7);
		struct fc_manifest m;
		build(&o, &m);
		check_reach(&c, &m, NULL, NULL);
		for (uint64_t i = 0; i < m.nsites; i++)
			assert_int_equal(m.sites[i].far,
					 k[j].want && m.t->forms[m.sites[i].form].thunkable);
		fc_manifest_free(&m);
	}
}

/* ---- --unfixable ------------------------------------------------------ */

static void test_unfixable(void **state)
{
	(void)state;
	static const struct cfg k[] = {
		{"arm64", 300 * MiB, 512, 2, 8, 50, 25, FC_MODE_EXE, false, NULL, 5},
		{"arm64", 300 * MiB, 512, 2, 8, 50, 25, FC_MODE_SHARED, false, NULL, 4},
		{"amd64", 5 * GiB, 512, 2, 8, 50, 25, FC_MODE_EXE, false, NULL, 3},
		{"riscv64", 64 * MiB, 512, 2, 8, 50, 25, FC_MODE_PIE, true, NULL, 4},
		{"riscv64", 64 * MiB, 512, 2, 8, 50, 25, FC_MODE_EXE, false, "call,jal", 2},
	};
	for (size_t i = 0; i < NELEM(k); i++) {
		struct fc_gen_opts o = opts_of(&k[i], 3);
		struct fc_manifest m;
		build(&o, &m);
		check_reach(&k[i], &m, NULL, NULL); /* exactly N, each far and unfixable */
		for (uint64_t j = 0; j < m.nsites; j++) {
			const struct fc_site *s = &m.sites[j];
			if (!s->expect_error)
				continue;
			assert_false(fc_ref_is_data(s->caller));
			assert_false(fc_ref_is_data(s->target));
			assert_int_not_equal(s->caller, 0); /* _start's call stays */
			const struct fc_form *f = &m.t->forms[s->form];
			int64_t at = (int64_t)(m.funcs[s->caller].addr + s->off);
			int64_t d = (int64_t)m.funcs[s->target].addr - at;
			assert_true(d < f->lo || d > f->hi);
		}
		assert_true(fc_manifest_expects_error(&m));
		fc_manifest_free(&m);
		o.unfixable = 0;
		build(&o, &m);
		assert_false(fc_manifest_expects_error(&m));
		fc_manifest_free(&m);
	}
	/* Impossible: the whole .text is within every reach, or only thunkable
	 * forms are allowed. Clean failure, and the manifest can be freed. */
	static const struct cfg bad[] = {
		{"arm64", 16 << 10, 16, 1, 4, 50, 25, FC_MODE_EXE, false, NULL, 1},
		{"arm64", 300 * MiB, 512, 2, 8, 50, 25, FC_MODE_EXE, false, "bl,b", 1},
		{"amd64", 1 * MiB, 64, 1, 4, 50, 25, FC_MODE_EXE, false, NULL, 1},
		{"riscv64", 2 << 10, 4, 1, 2, 50, 25, FC_MODE_EXE, false, NULL, 1},
		{"arm64", 300 * MiB, 512, 2, 8, 50, 25, FC_MODE_EXE, false, NULL, 1000000},
	};
	for (size_t i = 0; i < NELEM(bad); i++) {
		struct fc_gen_opts o = opts_of(&bad[i], 3);
		struct fc_manifest m;
		int r = fc_model_build(&o, &m);
		if (r != -1)
			fail_msg("%s --unfixable %u: %d, want -1", cfg_name(&bad[i]),
				 bad[i].unfixable, r);
		assert_non_null(strstr(fc_last_error(), "unfixable"));
		fc_manifest_free(&m);
		o.unfixable = 0; /* the same without it is fine */
		build(&o, &m);
		fc_manifest_free(&m);
	}
}

/* ---- link modes ------------------------------------------------------- */

static void test_modes_no_abs(void **state)
{
	(void)state;
	static const char *const arches[] = {"arm64", "amd64", "riscv64"};
	for (size_t a = 0; a < 3; a++) {
		const struct target *t = T(arches[a]);
		bool has_abs = false;
		for (unsigned i = 0; i < t->nforms; i++)
			has_abs |= t->forms[i].abs;
		assert_true(has_abs); /* every target has one: the test means something */
		for (int mode = FC_MODE_EXE; mode <= FC_MODE_SHARED; mode++) {
			struct cfg c = {arches[a], a == 1 ? 5 * GiB : 300 * MiB, 512, 2, 8, 50, 25,
					(enum fc_mode)mode, false, NULL, 0};
			struct fc_gen_opts o = opts_of(&c, 5);
			struct fc_manifest m;
			build(&o, &m);
			unsigned nabs = 0;
			for (uint64_t i = 0; i < m.nsites; i++)
				nabs += t->forms[m.sites[i].form].abs;
			if (mode == FC_MODE_EXE)
				assert_true(nabs > 0);
			else if (nabs)
				fail_msg("%s --mode %s: %u sites of absolute forms", arches[a],
					 fc_mode_name((enum fc_mode)mode), nabs);
			fc_manifest_free(&m);
			/* Asking for one by name is an error outside exe. */
			for (unsigned i = 0; i < t->nforms; i++) {
				if (!t->forms[i].abs)
					continue;
				o.forms = t->forms[i].name;
				int r = fc_model_build(&o, &m);
				assert_int_equal(r, mode == FC_MODE_EXE ? 0 : -1);
				fc_manifest_free(&m);
				o.forms = NULL;
			}
		}
	}
}

/* A shared object: whatever a linker cannot resolve through the GOT or a
 * PLT, or a symbolic dynamic relocation, must point at something hidden. */
static void check_shared(const struct cfg *cf, const struct fc_manifest *m)
{
	const struct target *t = m->t;
	unsigned nhidden_needed = 0;
	for (uint64_t i = 0; i < m->nsites; i++) {
		const struct fc_site *s = &m->sites[i];
		const struct fc_form *f = &t->forms[s->form];
		if (f->got || f->plt)
			continue;
		if (f->sem == FC_SEM_DATA) {
			const struct fc_reloc_info *ri = fc_reloc_info(t, f->reloc);
			assert_non_null(ri);
			if (ri->dyn == FC_DYN_SYMBOLIC)
				continue;
		}
		nhidden_needed++;
		uint32_t x = fc_ref_index(s->target);
		bool hidden = fc_ref_is_data(s->target) ? m->datas[x].hidden : m->funcs[x].hidden;
		if (!hidden)
			fail_msg("%s: site %llu (%s) aims at %s, which is not hidden", cfg_name(cf),
				 (unsigned long long)i, f->name, fc_ref_name(m, s->target));
	}
	assert_true(nhidden_needed > 0);
	for (uint32_t i = 0; i < m->nfuncs; i++)
		assert_int_equal(m->funcs[i].hidden, i % 2 == 0);
	for (uint32_t i = 0; i < m->nobjs; i++)
		assert_int_equal(m->datas[2 * i].hidden, i % 2 == 0);
}

static void test_shared_hidden(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(cfgs); i++) {
		struct fc_gen_opts o = opts_of(&cfgs[i], 7);
		struct fc_manifest m;
		build(&o, &m);
		if (cfgs[i].mode == FC_MODE_SHARED) {
			check_shared(&cfgs[i], &m);
		} else {
			/* Nothing is hidden but the words. */
			for (uint32_t k = 0; k < m.nfuncs; k++)
				assert_false(m.funcs[k].hidden);
			for (uint32_t k = 0; k < m.ndatas; k++)
				assert_int_equal(m.datas[k].hidden, m.datas[k].words);
		}
		fc_manifest_free(&m);
	}
	/* Short branches in a shared object, every other seed. */
	static const struct cfg k[] = {
		{"arm64", 64 * MiB, 256, 3, 8, 50, 25, FC_MODE_SHARED, false, "bl,b.ne,cbnz,tbnz,abs64,prel32", 0},
		{"riscv64", 64 * MiB, 256, 3, 8, 50, 25, FC_MODE_SHARED, false, "call,jal,bne,32_pcrel,64", 0},
		{"amd64", 64 * MiB, 256, 3, 8, 50, 25, FC_MODE_SHARED, false, "call,jmp,lea,pc32,abs64", 0},
	};
	for (size_t i = 0; i < NELEM(k); i++)
		for (uint64_t seed = 1; seed < 4; seed++) {
			struct fc_gen_opts o = opts_of(&k[i], seed);
			struct fc_manifest m;
			build(&o, &m);
			check_shared(&k[i], &m);
			check_reach(&k[i], &m, NULL, NULL);
			fc_manifest_free(&m);
		}
}

/* Compilers put no addend on a GOT relocation. */
static void test_got_addend_zero(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(cfgs); i++) {
		struct fc_gen_opts o = opts_of(&cfgs[i], 7);
		struct fc_manifest m;
		build(&o, &m);
		unsigned ngot = 0, ngot_data = 0;
		for (uint64_t k = 0; k < m.nsites; k++) {
			const struct fc_site *s = &m.sites[k];
			if (!m.t->forms[s->form].got)
				continue;
			ngot++;
			ngot_data += fc_ref_is_data(s->target);
			assert_int_equal(s->addend, 0);
		}
		assert_true(ngot > 0);
		assert_true(ngot_data > 0); /* GOT entries of data too */
		fc_manifest_free(&m);
	}
}

/* ---- --forms ---------------------------------------------------------- */

static void test_forms_option(void **state)
{
	(void)state;
	static const struct cfg k[] = {
		{"arm64", 300 * MiB, 256, 2, 8, 50, 25, FC_MODE_EXE, false, "bl,b,adrp+add,abs64", 0},
		{"arm64", 300 * MiB, 256, 2, 8, 50, 25, FC_MODE_EXE, false, "ldr.lit,bl", 0},
		{"amd64", 64 * MiB, 256, 2, 8, 50, 25, FC_MODE_PIE, false, "call,lea,pc32", 0},
		{"riscv64", 64 * MiB, 256, 2, 8, 50, 25, FC_MODE_EXE, true, "jal,bne,auipc+addi,64", 0},
	};
	for (size_t i = 0; i < NELEM(k); i++) {
		struct fc_gen_opts o = opts_of(&k[i], 7);
		struct fc_manifest m;
		build(&o, &m);
		assert_non_null(strstr(m.options, k[i].forms));
		bool used[64] = {0};
		for (uint64_t j = 0; j < m.nsites; j++) {
			const char *name = m.t->forms[m.sites[j].form].name;
			used[m.sites[j].form] = true;
			/* Whole names only: "b" must not match inside "bl". */
			char *list = fc_xasprintf(",%s,", k[i].forms);
			char *want = fc_xasprintf(",%s,", name);
			if (!strstr(list, want))
				fail_msg("%s --forms %s: site %llu is %s", k[i].arch, k[i].forms,
					 (unsigned long long)j, name);
			free(list);
			free(want);
		}
		/* Every form asked for is used. */
		for (unsigned f = 0; f < m.t->nforms; f++) {
			char *list = fc_xasprintf(",%s,", k[i].forms);
			char *want = fc_xasprintf(",%s,", m.t->forms[f].name);
			if (strstr(list, want) && !used[f])
				fail_msg("%s --forms %s: %s never used", k[i].arch, k[i].forms,
					 m.t->forms[f].name);
			free(list);
			free(want);
		}
		check_structure(&k[i], &m);
		check_reach(&k[i], &m, NULL, NULL);
		fc_manifest_free(&m);
	}
	/* No call form allowed: _start still calls, with the first call form. */
	struct cfg c = {"arm64", 300 * MiB, 64, 1, 4, 50, 0, FC_MODE_EXE, false, "b.ne", 0};
	struct fc_gen_opts o = opts_of(&c, 7);
	struct fc_manifest m;
	build(&o, &m);
	assert_string_equal(m.t->forms[m.sites[0].form].name, "bl");
	for (uint64_t j = 1; j < m.nsites; j++)
		assert_string_equal(m.t->forms[m.sites[j].form].name, "b.ne");
	fc_manifest_free(&m);

	/* A name the arch does not have. */
	static const struct {
		const char *arch, *forms;
	} bad[] = {
		{"arm64", "nope"}, {"arm64", "bl,nope"}, {"arm64", "call"}, {"arm64", "BL"},
		{"arm64", "bl "}, {"amd64", "bl"}, {"riscv64", "lea"},
	};
	for (size_t i = 0; i < NELEM(bad); i++) {
		struct cfg b = {bad[i].arch, 64 * MiB, 64, 1, 4, 50, 25, FC_MODE_EXE, false,
				bad[i].forms, 0};
		o = opts_of(&b, 7);
		int r = fc_model_build(&o, &m);
		if (r != -1)
			fail_msg("%s --forms '%s': %d, want -1", bad[i].arch, bad[i].forms, r);
		assert_non_null(strstr(fc_last_error(), "has no form"));
		fc_manifest_free(&m);
	}
	/* Empty items of the list are nothing. */
	static const struct {
		const char *arch, *forms;
	} odd[] = {{"riscv64", "call,"}, {"amd64", "call,,jmp"}, {"arm64", ",bl"}};
	for (size_t i = 0; i < NELEM(odd); i++) {
		struct cfg b = {odd[i].arch, 64 * MiB, 64, 1, 4, 50, 25, FC_MODE_EXE, false,
				odd[i].forms, 0};
		o = opts_of(&b, 7);
		build(&o, &m);
		fc_manifest_free(&m);
	}
}

/* ---- other build errors ----------------------------------------------- */

static void test_build_errors(void **state)
{
	(void)state;
	struct fc_gen_opts o = opts_of(&cfgs[0], 7);
	struct fc_manifest m;
	o.unfixable = 0;
	o.size = 4096; /* 512 functions need more */
	assert_int_equal(fc_model_build(&o, &m), -1);
	assert_non_null(strstr(fc_last_error(), "too small"));
	fc_manifest_free(&m);
	o.size = 0;
	assert_int_equal(fc_model_build(&o, &m), -1);
	fc_manifest_free(&m);
	o = opts_of(&cfgs[0], 7);
	o.funcs = 1;
	assert_int_equal(fc_model_build(&o, &m), -1);
	fc_manifest_free(&m);
	o.funcs = 2; /* the least: _start and one more */
	o.unfixable = 0;
	build(&o, &m);
	assert_int_equal(m.nfuncs, 2);
	assert_int_equal(m.sites[0].target, 1);
	fc_manifest_free(&m);
}

/* ---- modes by name ---------------------------------------------------- */

static void test_mode_names(void **state)
{
	(void)state;
	static const char *const names[] = {"exe", "pie", "shared"};
	for (int i = 0; i < 3; i++) {
		enum fc_mode mode = (enum fc_mode)99;
		assert_string_equal(fc_mode_name((enum fc_mode)i), names[i]);
		assert_int_equal(fc_mode_parse(names[i], &mode), 0);
		assert_int_equal(mode, i);
	}
	enum fc_mode mode = FC_MODE_PIE;
	assert_int_equal(fc_mode_parse("static", &mode), -1);
	assert_int_equal(fc_mode_parse("", &mode), -1);
	assert_int_equal(fc_mode_parse("EXE", &mode), -1);
	assert_int_equal(mode, FC_MODE_PIE);
	assert_true(FC_REF_DATA_BIT == 0x80000000u);
	assert_true(fc_ref_is_data(FC_REF_DATA_BIT | 5));
	assert_false(fc_ref_is_data(5));
	assert_int_equal(fc_ref_index(FC_REF_DATA_BIT | 5), 5);
	assert_int_equal(fc_ref_index(5), 5);
}

/* ---- load: hand-written manifests ------------------------------------- */

#define HDR "farcall-manifest 3\n"
#define HEAD                                                              \
	"arch arm64\ngenerator 2\nseed 7\nsize 4096\nmode shared\nrelax 0\n" \
	"options --funcs 3\nobjs 1\nfuncs 3\ndatas 2\nsites 5\n"              \
	"o 0 obj0000.o\n"
#define FUNCS                                                             \
	"f 0 _start 0 20 0x0 0x100 hidden save 16 1 8 4\n"                                \
	"f 1 fn_1 0 28 0x114 0x100 default save 16 1 8 4\n"                               \
	"f 2 fn_2 0 16 0x230 0x0 hidden save 16 1 8 4\n"
#define DATAS                                                             \
	"d 0 var_0 0 64 var hidden\n"                                       \
	"d 1 words_0 0 12 words hidden\n"
#define SITE0 "s f0 0x8 bl f1 0 near ok\n"
#define SITE1 "s f1 0x8 b.ne f2 0 far error\n"
#define SITE2 "s f1 0xc adrp+add d0 16 near ok\n"
#define SITE3 "s f1 0x18 b f0 0 near ok\n"
#define SITE4 "s d1 0x8 abs64 f2 -8 near ok\n"
#define SITES SITE0 SITE1 SITE2 SITE3 SITE4
#define END "end\n"

static void test_load_hand_written(void **state)
{
	const char *dir = *state;
	/* Comments, an empty line and a line of spaces are skipped. */
	write_manifest(dir, HDR "# a comment\n\n" HEAD "   \n" FUNCS DATAS SITES "\n" END
				"after the end: ignored\n");
	struct fc_manifest m;
	assert_int_equal(fc_manifest_load(dir, &m), 0);
	assert_ptr_equal(m.t, T("arm64"));
	assert_int_equal(m.generator, 2); /* as the hand-written header says */
	assert_true(m.seed == 7 && m.size == 4096);
	assert_int_equal(m.mode, FC_MODE_SHARED);
	assert_false(m.relax);
	assert_string_equal(m.options, "--funcs 3");
	assert_int_equal(m.nobjs, 1);
	assert_string_equal(m.objs[0], "obj0000.o");

	assert_int_equal(m.nfuncs, 3);
	assert_string_equal(m.funcs[0].name, "_start");
	assert_string_equal(m.funcs[2].name, "fn_2");
	assert_int_equal(m.funcs[1].size, 28);
	assert_true(m.funcs[1].addr == 0x114 && m.funcs[1].pad == 0x100);
	assert_true(m.funcs[0].hidden && !m.funcs[1].hidden && m.funcs[2].hidden);
	assert_int_equal(m.funcs[0].first_site, 0);
	assert_int_equal(m.funcs[0].nsites, 1);
	assert_int_equal(m.funcs[1].first_site, 1);
	assert_int_equal(m.funcs[1].nsites, 3);
	assert_int_equal(m.funcs[2].nsites, 0);

	assert_int_equal(m.ndatas, 2);
	assert_string_equal(m.datas[0].name, "var_0");
	assert_int_equal(m.datas[0].size, 64);
	assert_false(m.datas[0].words);
	assert_true(m.datas[0].hidden);
	assert_string_equal(m.datas[1].name, "words_0");
	assert_int_equal(m.datas[1].size, 12);
	assert_true(m.datas[1].words);

	assert_true(m.nsites == 5);
	const struct fc_site *s = m.sites;
	assert_int_equal(s[0].caller, 0);
	assert_int_equal(s[0].target, 1);
	assert_string_equal(fc_site_form(&m, &s[0])->name, "bl");
	assert_int_equal(s[1].form, fc_form_find(m.t, "b.ne") - m.t->forms);
	assert_int_equal(s[1].target, 2);
	assert_int_equal(s[1].far, 1);
	assert_int_equal(s[1].expect_error, 1);
	assert_true(fc_manifest_expects_error(&m));
	assert_string_equal(fc_site_form(&m, &s[2])->name, "adrp+add");
	assert_int_equal(s[2].target, FC_REF_DATA_BIT | 0);
	assert_int_equal(s[2].addend, 16);
	assert_int_equal(s[2].far, 0);
	assert_int_equal(s[2].expect_error, 0);
	assert_string_equal(fc_ref_name(&m, s[2].target), "var_0");
	assert_int_equal(s[3].off, 0x18);
	assert_string_equal(fc_site_form(&m, &s[3])->name, "b");
	assert_int_equal(s[4].caller, FC_REF_DATA_BIT | 1);
	assert_int_equal(s[4].off, 8);
	assert_int_equal(s[4].target, 2);
	assert_int_equal(s[4].addend, -8);
	assert_string_equal(fc_ref_name(&m, s[4].caller), "words_0");
	fc_manifest_free(&m);

	/* The same for amd64 and riscv64 names, relax on, exe. */
	write_manifest(dir, HDR "arch riscv64\ngenerator 2\nseed 1\nsize 8192\nmode exe\n"
				"relax 1\noptions\nobjs 1\nfuncs 2\ndatas 2\nsites 2\n"
				"o 0 a.o\nf 0 _start 0 16 0x0 0x0 default save 16 1 8 4\n"
				"f 1 fn_1 0 16 0x10 0x0 default save 16 1 8 4\nd 0 var_0 0 64 var default\n"
				"d 1 words_0 0 4 words hidden\ns f0 0x8 call f1 0 near ok\n"
				"s d1 0x0 32_pcrel d0 8 near ok\n" END);
	assert_int_equal(fc_manifest_load(dir, &m), 0);
	assert_ptr_equal(m.t, T("riscv64"));
	assert_int_equal(m.mode, FC_MODE_EXE);
	assert_true(m.relax);
	assert_string_equal(m.options, "");
	assert_false(fc_manifest_expects_error(&m));
	assert_string_equal(fc_site_form(&m, &m.sites[1])->name, "32_pcrel");
	fc_manifest_free(&m);
}

/* Load must fail with -1, not crash, and leave the manifest zeroed. */
static void load_rejects(const char *dir, const char *what, const char *text)
{
	if (text)
		write_manifest(dir, text);
	struct fc_manifest m;
	memset(&m, 0x5a, sizeof m);
	int r = fc_manifest_load(dir, &m);
	if (r != -1)
		fail_msg("%s: load returned %d, want -1", what, r);
	static const struct fc_manifest zero;
	assert_memory_equal(&m, &zero, sizeof m);
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
	load_rejects(dir, "no end line", HDR HEAD FUNCS DATAS SITES);
	load_rejects(dir, "cut mid-site", HDR HEAD FUNCS DATAS SITE0 SITE1 "s f1 0xc adr");
	load_rejects(dir, "cut before ok|error", HDR HEAD FUNCS DATAS SITE0 "s f1 0x8 b.ne f2 0 far");
	load_rejects(dir, "cut after the header", HDR);
	load_rejects(dir, "cut mid-function", HDR HEAD "f 0 _sta");
	load_rejects(dir, "cut mid-data", HDR HEAD FUNCS "d 0 var_0 0 6");
	load_rejects(dir, "empty file", "");
	load_rejects(dir, "end too early", HDR HEAD FUNCS DATAS SITE0 END);
	load_rejects(dir, "end before the data", HDR HEAD FUNCS END);
}

static void test_load_bad_first_line(void **state)
{
	const char *dir = *state;
	load_rejects(dir, "version 1", "farcall-manifest 1\n" HEAD FUNCS DATAS SITES END);
	load_rejects(dir, "version 4", "farcall-manifest 4\n" HEAD FUNCS DATAS SITES END);
	load_rejects(dir, "not a manifest", "hello world\n" HEAD FUNCS DATAS SITES END);
	load_rejects(dir, "no header", HEAD FUNCS DATAS SITES END);
	load_rejects(dir, "header with trailing junk",
		     "farcall-manifest 2 x\n" HEAD FUNCS DATAS SITES END);
	load_rejects(dir, "binary junk", "\x7f" "ELF\x02\x01\x01\n");
}

static void test_load_bad_form(void **state)
{
	const char *dir = *state;
	load_rejects(dir, "unknown form", HDR HEAD FUNCS DATAS SITE0 "s f1 0x8 jump f2 0 far error\n"
				SITE2 SITE3 SITE4 END);
	load_rejects(dir, "another arch's form",
		     HDR HEAD FUNCS DATAS "s f0 0x8 call f1 0 near ok\n" SITE1 SITE2 SITE3 SITE4 END);
	load_rejects(dir, "form is a number",
		     HDR HEAD FUNCS DATAS "s f0 0x8 0 f1 0 near ok\n" SITE1 SITE2 SITE3 SITE4 END);
	load_rejects(dir, "form in capitals",
		     HDR HEAD FUNCS DATAS "s f0 0x8 BL f1 0 near ok\n" SITE1 SITE2 SITE3 SITE4 END);
}

static void test_load_bad_ids(void **state)
{
	const char *dir = *state;
	load_rejects(dir, "target function beyond the count",
		     HDR HEAD FUNCS DATAS "s f0 0x8 bl f3 0 near ok\n" SITE1 SITE2 SITE3 SITE4 END);
	load_rejects(dir, "target function far beyond the count",
		     HDR HEAD FUNCS DATAS "s f0 0x8 bl f4294967295 0 near ok\n" SITE1 SITE2 SITE3
				SITE4 END);
	load_rejects(dir, "target data beyond the count",
		     HDR HEAD FUNCS DATAS SITE0 SITE1 "s f1 0xc adrp+add d2 16 near ok\n" SITE3
				SITE4 END);
	load_rejects(dir, "caller function beyond the count",
		     HDR HEAD FUNCS DATAS SITE0 "s f9 0x8 b.ne f2 0 far error\n" SITE2 SITE3 SITE4 END);
	load_rejects(dir, "caller data beyond the count",
		     HDR HEAD FUNCS DATAS SITE0 SITE1 SITE2 SITE3 "s d2 0x8 abs64 f2 -8 near ok\n" END);
	load_rejects(dir, "a reference without f or d (version 1)",
		     HDR HEAD FUNCS DATAS "s 0 0x8 bl 1 0 near ok\n" SITE1 SITE2 SITE3 SITE4 END);
	load_rejects(dir, "an empty reference",
		     HDR HEAD FUNCS DATAS "s f0 0x8 bl f 0 near ok\n" SITE1 SITE2 SITE3 SITE4 END);
	load_rejects(dir, "a negative reference",
		     HDR HEAD FUNCS DATAS "s f0 0x8 bl f-1 0 near ok\n" SITE1 SITE2 SITE3 SITE4 END);
	load_rejects(dir, "a site before the data it names",
		     HDR HEAD FUNCS SITE0 SITE1 SITE2 DATAS SITE3 SITE4 END);
	load_rejects(dir, "function ids skip",
		     HDR HEAD "f 0 _start 0 20 0x0 0x100 hidden save 16 1 8 4\nf 2 fn_2 0 16 0x230 0x0 hidden save 16 1 8 4\n"
			      "f 1 fn_1 0 28 0x114 0x100 default save 16 1 8 4\n" DATAS SITES END);
	load_rejects(dir, "data ids skip",
		     HDR HEAD FUNCS "d 1 words_0 0 12 words hidden\nd 0 var_0 0 64 var hidden\n"
			      SITES END);
	load_rejects(dir, "more functions than the header says",
		     HDR HEAD FUNCS "f 3 fn_3 0 24 0x300 0x0 default save 16 1 8 4\n" DATAS SITES END);
	load_rejects(dir, "more data objects than the header says",
		     HDR HEAD FUNCS DATAS "d 2 var_1 0 64 var default\n" SITES END);
	load_rejects(dir, "function in an object beyond the count",
		     HDR HEAD "f 0 _start 1 20 0x0 0x100 hidden save 16 1 8 4\nf 1 fn_1 0 28 0x114 0x100 default save 16 1 8 4\n"
			      "f 2 fn_2 0 16 0x230 0x0 hidden save 16 1 8 4\n" DATAS SITES END);
	load_rejects(dir, "data in an object beyond the count",
		     HDR HEAD FUNCS "d 0 var_0 1 64 var hidden\nd 1 words_0 0 12 words hidden\n"
			      SITES END);
}

static void test_load_other_errors(void **state)
{
	const char *dir = *state;
	load_rejects(dir, "unknown arch",
		     HDR "arch vax\ngenerator 2\nseed 7\nsize 4096\nmode exe\nrelax 0\noptions\n"
			 "objs 1\nfuncs 3\ndatas 2\nsites 5\no 0 obj0000.o\n" FUNCS DATAS SITES END);
	load_rejects(dir, "no arch",
		     HDR "generator 2\nseed 7\nsize 4096\nmode exe\nrelax 0\noptions x\n"
			 "objs 1\nfuncs 3\ndatas 2\nsites 5\no 0 obj0000.o\n" FUNCS DATAS SITES END);
	load_rejects(dir, "unknown mode",
		     HDR "arch arm64\ngenerator 2\nseed 7\nsize 4096\nmode static\nrelax 0\n"
			 "options\nobjs 1\nfuncs 3\ndatas 2\nsites 5\no 0 obj0000.o\n" FUNCS DATAS
			 SITES END);
	load_rejects(dir, "unknown line", HDR HEAD FUNCS DATAS SITES "x 1 2 3\n" END);
	load_rejects(dir, "more sites than the header says", HDR HEAD FUNCS DATAS SITES SITE4 END);
	load_rejects(dir, "sites of a caller not consecutive",
		     HDR HEAD FUNCS DATAS SITE1 SITE0 SITE2 SITE3 SITE4 END);
	load_rejects(dir, "bad number",
		     HDR HEAD FUNCS DATAS "s f0 0x8 bl f1 zero near ok\n" SITE1 SITE2 SITE3 SITE4 END);
	load_rejects(dir, "bad offset",
		     HDR HEAD FUNCS DATAS "s f0 -8 bl f1 0 near ok\n" SITE1 SITE2 SITE3 SITE4 END);
	load_rejects(dir, "negative size",
		     HDR HEAD "f 0 _start 0 -20 0x0 0x100 hidden save 16 1 8 4\nf 1 fn_1 0 28 0x114 0x100 default save 16 1 8 4\n"
			      "f 2 fn_2 0 16 0x230 0x0 hidden save 16 1 8 4\n" DATAS SITES END);
	load_rejects(dir, "object name with a slash",
		     HDR "arch arm64\ngenerator 2\nseed 7\nsize 4096\nmode exe\nrelax 0\noptions x\n"
			 "objs 1\nfuncs 3\ndatas 2\nsites 5\no 0 ../evil.o\n" FUNCS DATAS SITES END);
	load_rejects(dir, "counts twice", HDR HEAD "funcs 3\n" FUNCS DATAS SITES END);
	load_rejects(dir, "absurd counts",
		     HDR "arch arm64\ngenerator 2\nseed 7\nsize 4096\nmode exe\nrelax 0\noptions\n"
			 "objs 99999999999\n" END);
	load_rejects(dir, "a site before the counts", HDR "arch arm64\n" SITE0 END);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_determinism, tmp_setup, tmp_teardown),
		cmocka_unit_test(test_model_structure),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_reach),
		cmocka_unit_test(test_unfixable),
		cmocka_unit_test(test_modes_no_abs),
		cmocka_unit_test(test_shared_hidden),
		cmocka_unit_test(test_got_addend_zero),
		cmocka_unit_test(test_forms_option),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_mode_names),
		cmocka_unit_test_setup_teardown(test_load_hand_written, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_missing, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_truncated, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_bad_first_line, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_bad_form, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_bad_ids, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_other_errors, tmp_setup, tmp_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
