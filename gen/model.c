/* The program model. Forms and sizes first (they do not depend on targets),
 * then the layout over the requested size, then the targets, chosen by
 * predicted distance so that a wanted share of the sites is out of direct
 * reach and the rest comfortably in it, and so that no site the linker
 * cannot fix is ever out of reach (unless --unfixable asks for that). */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "gen.h"

/* Data objects sit after .text; where exactly depends on the linker. */
#define DATA_SLACK (64LL << 20)
/* Where an executable's .text starts, at most, for absolute forms. */
#define BASE_SLACK (64ULL << 20)

struct pick {
	const struct fc_manifest *m;
	uint64_t *rng;
	uint64_t text_end;
	int64_t margin;
};

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

/* A function in [a, b) other than `self` that is hidden if it must be;
 * UINT32_MAX when there is none. Random first, then a scan. */
static uint32_t pick_in(struct pick *p, uint32_t a, uint32_t b, uint32_t self, bool hidden)
{
	if (b <= a)
		return UINT32_MAX;
	for (int tries = 0; tries < 8; tries++) {
		uint32_t k = a + (uint32_t)fc_rng_below(p->rng, b - a);
		if (k != self && (!hidden || p->m->funcs[k].hidden))
			return k;
	}
	uint32_t start = a + (uint32_t)fc_rng_below(p->rng, b - a);
	for (uint32_t i = 0; i < b - a; i++) {
		uint32_t k = a + (start - a + i) % (b - a);
		if (k != self && (!hidden || p->m->funcs[k].hidden))
			return k;
	}
	return UINT32_MAX;
}

/* Far: beyond [lo, hi] from `at` by the margin, on either side. */
static uint32_t pick_far(struct pick *p, int64_t at, int64_t lo, int64_t hi, bool hidden)
{
	uint32_t f0 = lower_bound(p->m, at + lo - p->margin);
	uint32_t f1 = lower_bound(p->m, at + hi + p->margin + 1);
	uint64_t n = f0 + (uint64_t)(p->m->nfuncs - f1);
	if (!n)
		return UINT32_MAX;
	bool below = fc_rng_below(p->rng, n) < f0;
	uint32_t k = below ? pick_in(p, 0, f0, UINT32_MAX, hidden)
			   : pick_in(p, f1, p->m->nfuncs, UINT32_MAX, hidden);
	if (k == UINT32_MAX)
		k = below ? pick_in(p, f1, p->m->nfuncs, UINT32_MAX, hidden)
			  : pick_in(p, 0, f0, UINT32_MAX, hidden);
	return k;
}

static bool reach_is_finite(const struct fc_form *f)
{
	return f->lo || f->hi;
}

/* May `f` at text offset `at` point at the data objects? */
static bool data_reachable(const struct pick *p, const struct fc_form *f, int64_t at)
{
	if (f->abs && f->abs_max)
		return p->text_end + BASE_SLACK + DATA_SLACK + FC_VAR_SIZE <= f->abs_max;
	if (!reach_is_finite(f))
		return true;
	int64_t d0 = (int64_t)p->text_end - at, d1 = d0 + DATA_SLACK;
	return d0 >= f->lo + p->margin && d1 <= f->hi - p->margin;
}

static int parse_forms(const struct fc_gen_opts *o, bool *allowed)
{
	const struct target *t = o->t;
	for (unsigned i = 0; i < t->nforms; i++)
		allowed[i] = !o->forms && !(t->forms[i].abs && o->mode != FC_MODE_EXE);
	if (!o->forms)
		return 0;
	char *l = fc_xstrdup(o->forms), *save = NULL;
	int r = 0;
	for (char *w = strtok_r(l, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		const struct fc_form *f = fc_form_find(t, w);
		if (!f) {
			r = fc_err("gen: %s has no form '%s'", t->name, w);
			break;
		}
		if (f->abs && o->mode != FC_MODE_EXE) {
			r = fc_err("gen: form '%s' is an absolute address: --mode exe only", w);
			break;
		}
		allowed[f - t->forms] = true;
	}
	free(l);
	return r;
}

/* Weighted choice among allowed forms passing `want`. */
static int choose_form(const struct target *t, const bool *allowed, uint64_t *rng,
		       bool (*want)(const struct fc_form *))
{
	uint64_t total = 0;
	for (unsigned i = 0; i < t->nforms; i++)
		if (allowed[i] && want(&t->forms[i]))
			total += t->forms[i].weight ? t->forms[i].weight : 1;
	if (!total)
		return -1;
	uint64_t k = fc_rng_below(rng, total);
	for (unsigned i = 0; i < t->nforms; i++) {
		if (!allowed[i] || !want(&t->forms[i]))
			continue;
		uint64_t w = t->forms[i].weight ? t->forms[i].weight : 1;
		if (k < w)
			return (int)i;
		k -= w;
	}
	return -1;
}

static bool want_body(const struct fc_form *f) { return !f->tail_only; }
static bool want_leaf_body(const struct fc_form *f) { return !f->tail_only && f->sem != FC_SEM_CALL; }
static bool want_tail(const struct fc_form *f) { return f->tail_only; }
static bool want_call(const struct fc_form *f) { return f->sem == FC_SEM_CALL && !f->abs; }

/* A branch with a short reach that no linker extends with a thunk. */
static bool is_short(const struct fc_form *f)
{
	return (f->sem == FC_SEM_CALL || f->sem == FC_SEM_JUMP) && !f->thunkable &&
	       reach_is_finite(f) && f->hi < (1LL << 30);
}

/* Must the target of this form be non-preemptible in this mode? */
static bool needs_hidden(const struct target *t, enum fc_mode mode, const struct fc_form *f)
{
	if (mode != FC_MODE_SHARED || f->got || f->plt)
		return false;
	if (f->sem == FC_SEM_DATA) {
		const struct fc_reloc_info *ri = fc_reloc_info(t, f->reloc);
		return !(ri && ri->dyn == FC_DYN_SYMBOLIC);
	}
	return true;
}

int fc_model_build(const struct fc_gen_opts *o, struct fc_manifest *m)
{
	const struct target *t = o->t;
	memset(m, 0, sizeof *m);
	m->t = t;
	m->generator = FC_GEN_VERSION;
	m->seed = o->seed;
	m->size = o->size;
	m->mode = o->mode;
	m->relax = o->relax;
	m->record_calls = o->record_calls;
	m->dwarf = o->dwarf;
	m->cfi = o->cfi;
	m->nfuncs = o->funcs;
	m->nobjs = o->objs;
	static const char *const cfis[] = {"none", "eh", "debug"};
	m->options = fc_xasprintf("--funcs %u --objs %u --calls %u --far %u --tail %u --mode %s%s "
				  "--forms %s --unfixable %u --dwarf %d --cfi %s%s",
				  o->funcs, o->objs, o->calls, o->far_pct, o->tail_pct,
				  fc_mode_name(o->mode), o->relax ? "" : " --no-relax",
				  o->forms ? o->forms : "default", o->unfixable, o->dwarf, cfis[o->cfi],
				  o->record_calls ? " --record-calls" : "");
	if (o->funcs < 2)
		return fc_err("gen: --funcs must be at least 2");
	if (!t->emit_site || !t->nforms)
		return fc_err("gen: the %s target cannot generate code yet", t->name);
	bool allowed[64] = {0};
	if (t->nforms > 64 || parse_forms(o, allowed) < 0)
		return -1;
	int entry_form = choose_form(t, allowed, &(uint64_t){1}, want_call);
	if (entry_form < 0) {
		/* _start needs some call; take the target's first call form. */
		for (unsigned i = 0; i < t->nforms && entry_form < 0; i++)
			if (t->forms[i].sem == FC_SEM_CALL && !t->forms[i].abs)
				entry_form = (int)i;
	}
	uint64_t rng = o->seed ^ 0x66617263616c6c00ULL; /* "farcall" */
	m->funcs = fc_xcalloc(m->nfuncs, sizeof *m->funcs);

	/* Forms of every site, function by function; DATA forms become words
	 * in their object's data. */
	size_t cap = (size_t)m->nfuncs * (o->calls + 1) + 16, ns = 0;
	m->sites = fc_xcalloc(cap, sizeof *m->sites);
	struct fc_site *dsites = NULL;
	size_t nds = 0, dcap = 0;
	for (uint32_t i = 0; i < m->nfuncs; i++) {
		struct fc_func *fn = &m->funcs[i];
		fn->obj = (uint32_t)((uint64_t)i * o->objs / m->nfuncs);
		fn->hidden = o->mode == FC_MODE_SHARED && i % 2 == 0;
		uint32_t n = i == 0 ? 1 : o->calls / 2 + (uint32_t)fc_rng_below(&rng, o->calls + 1);
		bool tail = i && n && fc_rng_below(&rng, 100) < o->tail_pct;
		/* One function in eight is a leaf: no calls, so no frame of its
		 * own or only stack (what CFI gets wrong most, Go's "leaf bit"). */
		bool leaf = i && fc_rng_below(&rng, 8) == 0;
		fn->first_site = (uint32_t)ns;
		for (uint32_t k = 0; k < n; k++) {
			int fi = i == 0 ? entry_form
			       : (tail && k + 1 == n) ? choose_form(t, allowed, &rng, want_tail)
			       : choose_form(t, allowed, &rng, leaf ? want_leaf_body : want_body);
			if (fi < 0 && leaf)
				continue; /* only calls allowed: a leaf without sites */
			/* A short branch in a shared object must stay within hidden
			 * code; the caller itself is the one target always in reach,
			 * so only a hidden caller gets one. */
			for (int tries = 0; fi >= 0 && tries < 16 && !fn->hidden &&
					    is_short(&t->forms[fi]) && needs_hidden(t, o->mode, &t->forms[fi]);
			     tries++)
				fi = (tail && k + 1 == n) ? choose_form(t, allowed, &rng, want_tail)
				   : choose_form(t, allowed, &rng, leaf ? want_leaf_body : want_body);
			if (fi >= 0 && !fn->hidden && is_short(&t->forms[fi]) &&
			    needs_hidden(t, o->mode, &t->forms[fi]))
				continue;
			/* A GOT load reaches the GOT, which sits with the data after
			 * .text, whatever it points at: leave it out where the data
			 * will be out of its reach (estimated before layout, with
			 * the jitter of two gaps to spare). */
			if (fi >= 0 && t->forms[fi].got && reach_is_finite(&t->forms[fi])) {
				uint64_t est = (uint64_t)((unsigned __int128)o->size * i / m->nfuncs);
				uint64_t gap = o->size / m->nfuncs;
				if ((int64_t)(o->size - est + 2 * gap + DATA_SLACK) >
				    t->forms[fi].hi - (t->forms[fi].hi - t->forms[fi].lo) / 32)
					continue;
			}
			if (fi < 0)
				continue; /* no tail form allowed: no tail call */
			struct fc_site s = {.caller = i, .form = (uint8_t)fi};
			if (t->forms[fi].sem == FC_SEM_DATA) {
				if (nds == dcap)
					dsites = fc_xrealloc(dsites, (dcap = dcap * 2 + 64) * sizeof *dsites);
				s.caller = fn->obj; /* object, for now */
				dsites[nds++] = s;
				continue;
			}
			if (ns == cap)
				m->sites = fc_xrealloc(m->sites, (cap *= 2) * sizeof *m->sites);
			m->sites[ns++] = s;
			fn->nsites++;
		}
	}

	/* Sizes and site offsets, from bodies with placeholder targets. */
	struct fc_code code = {0}, pool = {0};
	uint32_t *offs = NULL;
	size_t offcap = 0;
	uint64_t code_total = 0;
	int r = -1;
	uint8_t *palign = fc_xcalloc(m->nfuncs, 1);
	uint32_t line = 1, line_obj = UINT32_MAX;
	for (uint32_t i = 0; i < m->nfuncs; i++) {
		struct fc_func *fn = &m->funcs[i];
		if (fn->nsites > offcap)
			offs = fc_xrealloc(offs, (offcap = fn->nsites * 2) * sizeof *offs);
		/* The frame: a function that calls saves FP and the return
		 * address; a leaf has none, or only stack, of varied sizes. */
		bool calls = i == 0;
		for (uint32_t k = 0; k < fn->nsites; k++)
			calls |= t->forms[m->sites[fn->first_site + k].form].sem == FC_SEM_CALL;
		static const uint32_t save_sizes[] = {16, 16, 32, 48, 64, 128, 256, 1024};
		static const uint32_t leaf_sizes[] = {16, 32, 64, 256};
		if (calls) {
			fn->frame = FC_FRAME_SAVE;
			fn->frame_size = i == 0 ? 16 : save_sizes[fc_rng_below(&rng, 8)];
		} else if (fc_rng_below(&rng, 2)) {
			fn->frame = FC_FRAME_NONE;
		} else {
			fn->frame = FC_FRAME_LEAF;
			fn->frame_size = leaf_sizes[fc_rng_below(&rng, 4)];
		}
		struct fc_frame fr = {fn->frame, fn->frame_size};
		struct fc_body_info info;
		if (fc_emit_function(t, &m->sites[fn->first_site], fn->nsites, o->relax, i == 0, &fr,
				     &code, &pool, offs, NULL, &info) < 0) {
			fc_err("gen: %s cannot encode %s's sites", t->name, i ? "a function" : "_start");
			goto out;
		}
		fn->size = (uint32_t)code.len;
		fn->code = info.code_len;
		fn->epi = info.epi_off;
		/* Lines count up through each object's one source file: the
		 * prologue, each site, the epilogue, one line each. */
		if (fn->obj != line_obj) {
			line_obj = fn->obj;
			line = 1;
		}
		fn->line = line;
		line += fn->nsites + 2;
		palign[i] = pool.len ? 8 : 0;
		for (uint32_t k = 0; k < fn->nsites; k++)
			m->sites[fn->first_site + k].off = offs[k];
		code_total += code.len;
	}

	/* Layout: padding after each function, 0.5x to 1.5x the mean gap. Each
	 * padding ends where the next function's alignment wants it, so no
	 * linker adds a byte, and the last one ends .text at exactly --size. */
	uint64_t fal = t->func_align, maxal = fal < 8 ? 8 : fal;
	uint64_t reserve = (uint64_t)m->nfuncs * maxal;
	if (code_total + reserve > o->size) {
		char a[32], b[32];
		fc_err("gen: --size %s is too small for %u functions (%s of code); "
		       "raise --size or lower --funcs",
		       fc_fmt_size(o->size, a, sizeof a), m->nfuncs,
		       fc_fmt_size(code_total, b, sizeof b));
		goto out;
	}
	uint64_t budget = o->size - code_total - reserve, wsum = 0, addr = 0;
	uint32_t *w = fc_xcalloc(m->nfuncs, sizeof *w);
	for (uint32_t i = 0; i < m->nfuncs; i++)
		wsum += w[i] = 512 + (uint32_t)fc_rng_below(&rng, 1025);
	for (uint32_t i = 0; i < m->nfuncs; i++) {
		struct fc_func *fn = &m->funcs[i];
		fn->addr = addr;
		uint64_t end = addr + fn->size;
		uint64_t pad;
		if (i + 1 == m->nfuncs) {
			pad = o->size - end;
		} else {
			uint64_t nal = palign[i + 1] > fal ? palign[i + 1] : fal;
			pad = (uint64_t)((unsigned __int128)budget * w[i] / wsum);
			pad = ((end + pad + nal - 1) & ~(nal - 1)) - end;
		}
		fn->pad = pad;
		addr = end + pad;
	}
	free(w);

	/* Targets. */
	struct pick p = {.m = m, .rng = &rng, .text_end = addr, .margin = 0};
	for (uint64_t k = 0; k < ns; k++) {
		struct fc_site *s = &m->sites[k];
		const struct fc_form *f = &t->forms[s->form];
		int64_t at = (int64_t)(m->funcs[s->caller].addr + s->off);
		bool hidden = needs_hidden(t, o->mode, f);
		int64_t lo = f->lo, hi = f->hi;
		bool finite = reach_is_finite(f);
		/* The margin keeps near sites near and far sites far after the
		 * linker inserts thunks and aligns sections. */
		p.margin = finite ? (hi - lo) / 32 : 0;
		if (f->sem == FC_SEM_ADDR && f->data_target && fc_rng_below(&rng, 2) &&
		    data_reachable(&p, f, at)) {
			s->target = FC_REF_DATA_BIT | (2 * m->funcs[s->caller].obj); /* its var */
			if (hidden && o->mode == FC_MODE_SHARED && (m->funcs[s->caller].obj % 2))
				s->target = FC_REF_DATA_BIT | (2 * (m->funcs[s->caller].obj & ~1u));
			/* A GOT entry holds the symbol itself: compilers never put
			 * an addend on a GOT relocation, and linkers disagree on
			 * what one would mean. */
			s->addend = f->got ? 0 : 8 * (int64_t)fc_rng_below(&rng, FC_VAR_SIZE / 8);
			continue;
		}
		uint32_t c = UINT32_MAX;
		if (f->abs && f->abs_max) {
			/* The target's absolute address must fit the form. */
			uint32_t lim = lower_bound(m, (int64_t)(f->abs_max - BASE_SLACK));
			c = pick_in(&p, 0, lim, s->caller, hidden);
		} else if (!finite) {
			c = pick_in(&p, 0, m->nfuncs, s->caller, hidden);
		} else if (is_short(f) && f->hi < (16LL << 20)) {
			/* A conditional branch (+-1 MiB, +-32 KiB) stays in its own
			 * function, as compilers keep them: between two functions a
			 * linker may put a section of thunks that no margin covers
			 * (lld at 2 GiB: 300 KiB of them). */
			c = s->caller;
		} else {
			bool want_far = f->thunkable && fc_rng_below(&rng, 100) < o->far_pct;
			if (want_far && (c = pick_far(&p, at, lo, hi, hidden)) != UINT32_MAX)
				s->far = 1;
			if (c == UINT32_MAX)
				c = pick_in(&p, lower_bound(m, at + lo + p.margin),
					    lower_bound(m, at + hi - p.margin + 1), s->caller, hidden);
			if (c == UINT32_MAX && f->thunkable && (c = pick_far(&p, at, lo, hi, hidden)) != UINT32_MAX)
				s->far = 1;
		}
		if (c == UINT32_MAX) {
			/* Nothing else in reach: the caller itself always is. */
			c = s->caller;
			if (hidden && !m->funcs[c].hidden) {
				fc_err("gen: fn_%u: no hidden function within reach of %s", s->caller,
				       f->name);
				goto out;
			}
		}
		s->target = c;
	}
	/* The sites no linker can fix: non-thunkable forms aimed beyond reach. */
	uint32_t made = 0;
	uint64_t start = ns ? fc_rng_below(&rng, ns) : 0;
	for (uint64_t k = 0; k < ns && made < o->unfixable; k++) {
		uint64_t j = (start + k) % ns;
		struct fc_site *s = &m->sites[j];
		const struct fc_form *f = &t->forms[s->form];
		if (f->thunkable || !reach_is_finite(f) || s->expect_error || s->caller == 0 ||
		    (f->sem != FC_SEM_CALL && f->sem != FC_SEM_JUMP))
			continue;
		int64_t at = (int64_t)(m->funcs[s->caller].addr + s->off);
		p.margin = (f->hi - f->lo) / 32;
		uint32_t c = pick_far(&p, at, f->lo, f->hi, needs_hidden(t, o->mode, f));
		if (c == UINT32_MAX)
			continue;
		s->target = c;
		s->far = 1;
		s->expect_error = 1;
		made++;
	}
	if (made < o->unfixable) {
		char a[32];
		fc_err("gen: only %u of --unfixable %u sites can be put out of reach at --size %s "
		       "with these forms; raise --size", made, o->unfixable,
		       fc_fmt_size(o->size, a, sizeof a));
		goto out;
	}

	/* Data objects: var_N and words_N per object; DATA sites into words_N. */
	m->ndatas = 2 * m->nobjs;
	m->datas = fc_xcalloc(m->ndatas, sizeof *m->datas);
	uint32_t *wlen = fc_xcalloc(m->nobjs, sizeof *wlen);
	for (size_t k = 0; k < nds; k++) {
		struct fc_site *s = &dsites[k];
		const struct fc_form *f = &t->forms[s->form];
		uint32_t obj = s->caller;
		wlen[obj] = (wlen[obj] + f->size - 1) & ~(f->size - 1);
		s->caller = FC_REF_DATA_BIT | (2 * obj + 1);
		s->off = wlen[obj];
		wlen[obj] += f->size;
		bool hidden = needs_hidden(t, o->mode, f);
		/* A word points at its own var, or at a function in reach. */
		int64_t at = (int64_t)addr; /* the words are after .text */
		int64_t lo = f->lo, hi = f->hi;
		p.margin = reach_is_finite(f) ? (hi - lo) / 32 : 0;
		uint32_t c = UINT32_MAX;
		if (fc_rng_below(&rng, 2)) {
			if (!reach_is_finite(f))
				c = pick_in(&p, 0, m->nfuncs, UINT32_MAX, hidden);
			else
				c = pick_in(&p, lower_bound(m, at + DATA_SLACK + lo + p.margin),
					    lower_bound(m, at + hi - p.margin), UINT32_MAX, hidden);
		}
		if (c == UINT32_MAX) {
			uint32_t v = 2 * obj;
			if (hidden && o->mode == FC_MODE_SHARED && obj % 2)
				v = 2 * (obj & ~1u);
			s->target = FC_REF_DATA_BIT | v;
			s->addend = 8 * (int64_t)fc_rng_below(&rng, FC_VAR_SIZE / 8);
		} else {
			s->target = c;
		}
	}
	uint64_t *foffs = fc_xcalloc(m->nfuncs, sizeof *foffs);
	uint64_t *doffs = fc_xcalloc(m->ndatas, sizeof *doffs);
	char nb[48];
	for (uint32_t i = 0; i < m->nobjs; i++) {
		snprintf(nb, sizeof nb, "var_%u", i);
		doffs[2 * i] = fc_manifest_add_name(m, nb);
		m->datas[2 * i] = (struct fc_data){.obj = i, .size = FC_VAR_SIZE,
						   .hidden = o->mode == FC_MODE_SHARED && i % 2 == 0};
		snprintf(nb, sizeof nb, "words_%u", i);
		doffs[2 * i + 1] = fc_manifest_add_name(m, nb);
		m->datas[2 * i + 1] = (struct fc_data){.obj = i, .size = wlen[i], .hidden = true,
						       .words = true};
	}
	for (uint32_t i = 0; i < m->nfuncs; i++) {
		if (i == 0)
			foffs[i] = fc_manifest_add_name(m, "_start");
		else {
			snprintf(nb, sizeof nb, "fn_%u", i);
			foffs[i] = fc_manifest_add_name(m, nb);
		}
	}
	fc_manifest_fix_names(m, foffs, doffs);
	free(foffs);
	free(doffs);
	free(wlen);
	/* DATA sites after the function sites. */
	if (ns + nds > cap)
		m->sites = fc_xrealloc(m->sites, (ns + nds) * sizeof *m->sites);
	if (nds)
		memcpy(m->sites + ns, dsites, nds * sizeof *dsites);
	m->nsites = ns + nds;
	m->objs = fc_xcalloc(m->nobjs, sizeof *m->objs);
	for (uint32_t i = 0; i < m->nobjs; i++)
		m->objs[i] = fc_xasprintf("obj%04u.o", i);
	r = 0;
out:
	fc_code_free(&code);
	fc_code_free(&pool);
	free(offs);
	free(dsites);
	free(palign);
	return r;
}
