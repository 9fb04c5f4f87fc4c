/* The program model. Sizes first (they depend only on how many sites each
 * function has), then the layout over the requested size, then the callees,
 * chosen by predicted distance so that a wanted share of the sites is out of
 * direct range and the rest comfortably in it. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "gen.h"

/* First function index whose predicted entry is >= a. */
static uint32_t lower_bound(const struct fc_manifest *m, int64_t a)
{
	uint32_t lo = 0, hi = m->nfuncs;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if ((int64_t)m->funcs[mid].addr < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Pick uniformly in [a, b) excluding `self`; UINT32_MAX if nothing left. */
static uint32_t pick_in(uint64_t *rng, uint32_t a, uint32_t b, uint32_t self)
{
	if (b <= a)
		return UINT32_MAX;
	uint32_t n = b - a - (self >= a && self < b);
	if (!n)
		return UINT32_MAX;
	uint32_t k = a + (uint32_t)fc_rng_below(rng, n);
	if (self >= a && self < b && k >= self)
		k++;
	return k;
}

int fc_model_build(const struct fc_gen_opts *o, struct fc_manifest *m)
{
	const struct target *t = o->t;
	memset(m, 0, sizeof *m);
	m->t = t;
	m->generator = FC_GEN_VERSION;
	m->seed = o->seed;
	m->size = o->size;
	m->nfuncs = o->funcs;
	m->options = fc_xasprintf("--funcs %u --objs %u --calls %u --far %u --tail %u",
				  o->funcs, o->objs, o->calls, o->far_pct, o->tail_pct);
	if (o->funcs < 2)
		return fc_err("gen: --funcs must be at least 2");
	m->funcs = fc_xcalloc(m->nfuncs, sizeof *m->funcs);
	uint64_t rng = o->seed ^ 0x66617263616c6c00ULL; /* "farcall" */

	/* Sites per function and their kinds. */
	uint32_t *nsites = fc_xcalloc(m->nfuncs, sizeof *nsites);
	uint8_t *tail = fc_xcalloc(m->nfuncs, 1);
	uint64_t total = 0;
	for (uint32_t i = 0; i < m->nfuncs; i++) {
		nsites[i] = i == 0 ? 1 : o->calls / 2 + (uint32_t)fc_rng_below(&rng, o->calls + 1);
		tail[i] = i && nsites[i] && fc_rng_below(&rng, 100) < o->tail_pct &&
			  t->site_reloc(FC_SITE_TAIL);
		total += nsites[i];
	}
	m->nsites = total;
	m->sites = fc_xcalloc(total ? total : 1, sizeof *m->sites);

	/* Sizes and site offsets, from a body with placeholder callees. */
	struct fc_code code = {0};
	struct fc_body_site *bs = NULL;
	size_t bscap = 0;
	uint64_t code_total = 0, si = 0;
	int r = -1;
	for (uint32_t i = 0; i < m->nfuncs; i++) {
		if (nsites[i] > bscap) {
			bscap = nsites[i] * 2;
			bs = fc_xrealloc(bs, bscap * sizeof *bs);
		}
		for (uint32_t k = 0; k < nsites[i]; k++)
			bs[k] = (struct fc_body_site){
				.kind = (tail[i] && k + 1 == nsites[i]) ? FC_SITE_TAIL : FC_SITE_CALL};
		struct fc_body b = {bs, nsites[i]};
		fc_code_reset(&code);
		if (t->emit_func(&code, &b, i == 0) < 0) {
			fc_err("gen: %s cannot encode the requested sites", t->name);
			goto out;
		}
		struct fc_func *fn = &m->funcs[i];
		fn->size = (uint32_t)code.len;
		fn->first_site = (uint32_t)si;
		fn->nsites = nsites[i];
		fn->obj = (uint32_t)((uint64_t)i * o->objs / m->nfuncs);
		for (uint32_t k = 0; k < nsites[i]; k++, si++) {
			m->sites[si].caller = i;
			m->sites[si].off = bs[k].off;
			m->sites[si].kind = (uint8_t)bs[k].kind;
		}
		code_total += code.len;
	}

	/* Layout: padding after each function, 0.5x to 1.5x the mean gap. */
	if (code_total > o->size) {
		char a[32], b[32];
		fc_err("gen: --size %s is too small for %u functions (%s of code); "
		       "raise --size or lower --funcs",
		       fc_fmt_size(o->size, a, sizeof a), m->nfuncs,
		       fc_fmt_size(code_total, b, sizeof b));
		goto out;
	}
	uint64_t budget = o->size - code_total, wsum = 0, used = 0, addr = 0;
	uint32_t *w = fc_xcalloc(m->nfuncs, sizeof *w);
	for (uint32_t i = 0; i < m->nfuncs; i++)
		wsum += w[i] = 512 + (uint32_t)fc_rng_below(&rng, 1025);
	uint64_t al = t->func_align;
	for (uint32_t i = 0; i < m->nfuncs; i++) {
		struct fc_func *fn = &m->funcs[i];
		uint64_t pad = (uint64_t)((unsigned __int128)budget * w[i] / wsum) & ~(al - 1);
		if (i + 1 == m->nfuncs)
			pad = (budget - used) & ~(al - 1);
		used += pad;
		fn->addr = addr;
		fn->pad = pad;
		addr += fn->size + pad;
	}
	free(w);

	/* Callees. The margin keeps "near" sites near and "far" sites far even
	 * after the linker inserts thunks and aligns sections. */
	int64_t lo, hi;
	t->site_range(FC_SITE_CALL, &lo, &hi);
	int64_t margin = (hi - lo) / 32;
	for (uint64_t k = 0; k < m->nsites; k++) {
		struct fc_site *s = &m->sites[k];
		t->site_range((enum fc_site_kind)s->kind, &lo, &hi);
		int64_t a = (int64_t)(m->funcs[s->caller].addr + s->off);
		uint32_t n0 = lower_bound(m, a + lo + margin);
		uint32_t n1 = lower_bound(m, a + hi - margin + 1);
		uint32_t f0 = lower_bound(m, a + lo - margin);         /* [0, f0) far below */
		uint32_t f1 = lower_bound(m, a + hi + margin + 1);     /* [f1, N) far above */
		uint64_t nfar = f0 + (m->nfuncs - f1);
		bool want_far = fc_rng_below(&rng, 100) < o->far_pct;
		uint32_t c = UINT32_MAX;
		if (want_far && nfar) {
			uint64_t j = fc_rng_below(&rng, nfar);
			c = j < f0 ? (uint32_t)j : (uint32_t)(f1 + (j - f0));
			s->far = 1;
		} else {
			c = pick_in(&rng, n0, n1, s->caller);
			if (c == UINT32_MAX && nfar) {
				uint64_t j = fc_rng_below(&rng, nfar);
				c = j < f0 ? (uint32_t)j : (uint32_t)(f1 + (j - f0));
				s->far = 1;
			}
		}
		if (c == UINT32_MAX) {
			/* Only the caller itself is within reach and nothing is far
			 * enough: take the nearest other function, whatever it is. */
			c = s->caller + 1 < m->nfuncs ? s->caller + 1 : s->caller - 1;
			int64_t d = (int64_t)m->funcs[c].addr - a;
			s->far = d < lo || d > hi;
		}
		s->callee = c;
	}

	/* Names. */
	uint64_t *offs = fc_xcalloc(m->nfuncs, sizeof *offs);
	char nb[32];
	for (uint32_t i = 0; i < m->nfuncs; i++) {
		if (i == 0)
			offs[i] = fc_manifest_add_name(m, "_start");
		else {
			snprintf(nb, sizeof nb, "fn_%u", i);
			offs[i] = fc_manifest_add_name(m, nb);
		}
	}
	fc_manifest_fix_names(m, offs);
	free(offs);

	m->nobjs = o->objs;
	m->objs = fc_xcalloc(m->nobjs, sizeof *m->objs);
	for (uint32_t i = 0; i < m->nobjs; i++)
		m->objs[i] = fc_xasprintf("obj%04u.o", i);
	r = 0;
out:
	fc_code_free(&code);
	free(bs);
	free(nsites);
	free(tail);
	return r;
}
