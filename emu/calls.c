/* Every call site, executed.
 *
 * One uc_emu_start() runs many sites: a block hook watches each translation
 * block as it starts; when the current site arrives at its callee's entry the
 * hook checks the registers, resets them, and points PC at the next site,
 * which Unicorn picks up without leaving the emulation loop. That avoids the
 * per-start cost (16-19 us per site with a fresh `until` each time) and runs
 * a site in a few microseconds. The callee's own code never runs: the hook
 * fires before its first block.
 *
 * A site passes when it reaches exactly the expected entry, with the return
 * address set (call) or untouched (tail call), SP and every register but the
 * ABI's thunk scratch registers unchanged, no store (nothing is mapped
 * writable), nothing executed outside code, and within FC_EMU_MAX_BLOCKS
 * blocks. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "emu.h"

struct range {
	uint64_t lo, hi;
	uint32_t func; /* UINT32_MAX: padding */
};

struct eng {
	struct fc_image *im;
	const struct fc_manifest *m;
	const struct target *t;
	uint64_t *entry;        /* per function */
	/* entry -> function, open addressing */
	uint64_t *hkey;
	uint32_t *hval;
	size_t hcap;
	struct range *ranges;   /* bodies and padding, sorted */
	size_t nranges;
	uint64_t base[64];
	void *basep[64];
	uint64_t regs[64];
	void *regp[64];
	int ids[64];
	unsigned nreg;
	int ra_idx, sp_idx;
	/* the site under way */
	uint64_t cur, expect, addr;
	unsigned blocks;
	bool done;
	/* a faulting access, from the invalid-memory hook */
	int mem_type;
	uint64_t mem_addr;
	/* thunk first hops seen */
	uint64_t *tset;
	size_t tcap, tn;
	struct fc_calls_result *res;
	struct fc_progress prog;
	size_t failcap;
};

static size_t hmix(uint64_t a)
{
	a ^= a >> 33;
	a *= 0xff51afd7ed558ccdULL;
	a ^= a >> 33;
	return (size_t)a;
}

static void hput(struct eng *e, uint64_t k, uint32_t v)
{
	size_t h = hmix(k) & (e->hcap - 1);
	while (e->hkey[h] && e->hkey[h] != k + 1)
		h = (h + 1) & (e->hcap - 1);
	e->hkey[h] = k + 1;
	e->hval[h] = v;
}

static uint32_t hget(const struct eng *e, uint64_t k)
{
	size_t h = hmix(k) & (e->hcap - 1);
	while (e->hkey[h]) {
		if (e->hkey[h] == k + 1)
			return e->hval[h];
		h = (h + 1) & (e->hcap - 1);
	}
	return UINT32_MAX;
}

static void tset_add(struct eng *e, uint64_t a)
{
	if (e->tn * 2 >= e->tcap) {
		size_t oc = e->tcap;
		uint64_t *old = e->tset;
		e->tcap = oc ? oc * 2 : 1024;
		e->tset = fc_xcalloc(e->tcap, sizeof *e->tset);
		e->tn = 0;
		for (size_t i = 0; i < oc; i++)
			if (old[i])
				tset_add(e, old[i] - 1);
		free(old);
	}
	size_t h = hmix(a) & (e->tcap - 1);
	while (e->tset[h]) {
		if (e->tset[h] == a + 1)
			return;
		h = (h + 1) & (e->tcap - 1);
	}
	e->tset[h] = a + 1;
	e->tn++;
}

static const struct range *range_at(const struct eng *e, uint64_t a)
{
	size_t lo = 0, hi = e->nranges;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e->ranges[mid].lo <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || a >= e->ranges[lo - 1].hi)
		return NULL;
	return &e->ranges[lo - 1];
}

static int by_lo(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

uint64_t *fc_emu_entries(const struct fc_image *im, const struct fc_manifest *m)
{
	uint64_t *v = fc_xcalloc(m->nfuncs, sizeof *v);
	for (uint32_t i = 0; i < m->nfuncs; i++) {
		const struct fc_sym *s = fc_syms_by_name(&im->syms, m->funcs[i].name);
		v[i] = s ? s->addr : UINT64_MAX;
	}
	return v;
}

void fc_emu_baseline(const struct fc_image *im, uint64_t *vals)
{
	const struct target *t = im->t;
	for (unsigned i = 0; i < t->ngprs; i++) {
		/* Distinct, and unlike any address or small number a thunk
		 * could produce by accident. */
		vals[i] = 0x5ac0000000000000ULL | ((uint64_t)i << 40) | (0x1111ULL * (i + 1));
		if (t->gprs[i] == t->reg_sp)
			vals[i] = (im->stack_lo + im->stack_hi) / 2;
	}
}

static struct fc_site_fail *add_fail(struct eng *e, enum fc_fail why)
{
	struct fc_calls_result *r = e->res;
	r->failed++;
	if (r->nfails == e->failcap) {
		e->failcap = e->failcap ? e->failcap * 2 : 64;
		r->fails = fc_xrealloc(r->fails, e->failcap * sizeof *r->fails);
	}
	struct fc_site_fail *x = &r->fails[r->nfails++];
	memset(x, 0, sizeof *x);
	x->site = e->cur;
	x->why = why;
	x->mem_type = -1;
	return x;
}

static uint64_t site_addr(const struct eng *e, uint64_t i)
{
	const struct fc_site *s = &e->m->sites[i];
	return e->entry[s->caller] + s->off;
}

/* Sites whose caller or callee is missing are failed once, up front. */
static bool locatable(const struct eng *e, uint64_t i)
{
	const struct fc_site *s = &e->m->sites[i];
	return e->entry[s->caller] != UINT64_MAX && e->entry[s->callee] != UINT64_MAX;
}

/* Set up site `i` (the first locatable one at or after it); false when
 * there are none left. */
static bool begin_site(struct eng *e, uint64_t i)
{
	while (i < e->m->nsites && !locatable(e, i))
		i++;
	if (i >= e->m->nsites) {
		e->done = true;
		return false;
	}
	const struct fc_site *s = &e->m->sites[i];
	e->cur = i;
	e->addr = site_addr(e, i);
	e->expect = e->entry[s->callee] + (uint64_t)s->addend;
	e->blocks = 0;
	e->mem_type = -1;
	uc_reg_write_batch(e->im->uc, e->ids, e->basep, (int)e->nreg);
	if ((i & 0x3fff) == 0)
		fc_progress_set(&e->prog, i);
	return true;
}

/* Called from inside the hook: move on to the next site without leaving
 * uc_emu_start(). */
static void next_site(struct eng *e, uc_engine *uc)
{
	e->res->checked++;
	if (begin_site(e, e->cur + 1))
		uc_reg_write(uc, e->t->reg_pc, &e->addr);
	else
		uc_emu_stop(uc);
}

/* Count the site as direct or through a thunk by its first hop; returns
 * the site instruction's length. */
static unsigned count_hop(struct eng *e)
{
	enum fc_insn_type ty;
	uint64_t dest;
	const uint8_t *p = fc_image_ptr(e->im, e->addr, 16);
	unsigned len = p ? e->t->decode(p, 16, e->addr, &ty, &dest) : 0;
	if (!len || (ty != FC_INSN_CALL && ty != FC_INSN_JUMP))
		return len;
	if (dest == e->expect) {
		e->res->direct++;
	} else {
		e->res->via_thunk++;
		tset_add(e, dest);
	}
	return len;
}

static void arrived(struct eng *e)
{
	const struct target *t = e->t;
	const struct fc_site *s = &e->m->sites[e->cur];
	uc_reg_read_batch(e->im->uc, e->ids, e->regp, (int)e->nreg);
	unsigned len = count_hop(e);
	/* The return address first: it says the most about what went wrong. */
	uint64_t want_ra = e->base[e->ra_idx];
	if (s->kind == FC_SITE_CALL)
		want_ra = e->addr + (len ? len : t->insn_align);
	if (e->regs[e->ra_idx] != want_ra) {
		struct fc_site_fail *x = add_fail(e, FC_F_RA);
		x->at = e->expect;
		x->reg = e->ra_idx;
		x->got = e->regs[e->ra_idx];
		x->want = want_ra;
		return;
	}
	for (unsigned i = 0; i < e->nreg; i++) {
		if ((int)i == e->ra_idx || e->regs[i] == e->base[i])
			continue;
		bool scratch = false;
		for (unsigned k = 0; k < t->nscratch; k++)
			scratch |= t->scratch[k] == e->ids[i];
		if (scratch)
			continue;
		struct fc_site_fail *x = add_fail(e, FC_F_REG);
		x->at = e->expect;
		x->reg = (int)i;
		x->got = e->regs[i];
		x->want = e->base[i];
		return;
	}
}

static void on_block(uc_engine *uc, uint64_t addr, uint32_t size, void *ud)
{
	(void)size;
	struct eng *e = ((struct fc_image *)ud)->calls_state;
	if (!e || e->done)
		return;
	if (++e->blocks == 1)
		return; /* the site's own block */
	if (addr == e->expect) {
		arrived(e);
		next_site(e, uc);
		return;
	}
	uint32_t f = hget(e, addr);
	if (f != UINT32_MAX) {
		struct fc_site_fail *x = add_fail(e, FC_F_WRONG_TARGET);
		x->at = addr;
		count_hop(e);
		next_site(e, uc);
		return;
	}
	if (range_at(e, addr)) {
		struct fc_site_fail *x = add_fail(e, FC_F_INTO_BODY);
		x->at = addr;
		next_site(e, uc);
		return;
	}
	if (e->blocks > FC_EMU_MAX_BLOCKS) {
		struct fc_site_fail *x = add_fail(e, FC_F_LIMIT);
		x->at = addr;
		next_site(e, uc);
	}
}

static bool on_invalid(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
		       int64_t value, void *ud)
{
	(void)uc; (void)size; (void)value;
	struct eng *e = ((struct fc_image *)ud)->calls_state;
	if (!e)
		return false;
	e->mem_type = (int)type;
	e->mem_addr = addr;
	return false;
}

static int eng_init(struct eng *e, struct fc_image *im, const struct fc_manifest *m,
		    struct fc_calls_result *r)
{
	const struct target *t = im->t;
	memset(e, 0, sizeof *e);
	e->im = im;
	e->m = m;
	e->t = t;
	e->res = r;
	e->entry = fc_emu_entries(im, m);
	e->hcap = 16;
	while (e->hcap < (size_t)m->nfuncs * 2)
		e->hcap *= 2;
	e->hkey = fc_xcalloc(e->hcap, sizeof *e->hkey);
	e->hval = fc_xcalloc(e->hcap, sizeof *e->hval);
	e->ranges = fc_xcalloc((size_t)m->nfuncs * 2, sizeof *e->ranges);
	for (uint32_t i = 0; i < m->nfuncs; i++) {
		if (e->entry[i] == UINT64_MAX)
			continue;
		hput(e, e->entry[i], i);
		e->ranges[e->nranges++] = (struct range){e->entry[i], e->entry[i] + m->funcs[i].size, i};
		/* The padding, where the output says it is. */
		char pn[32];
		snprintf(pn, sizeof pn, "pad_%u", i);
		const struct fc_sym *p = m->funcs[i].pad ? fc_syms_by_name(&im->syms, pn) : NULL;
		if (p && p->size)
			e->ranges[e->nranges++] = (struct range){p->addr, p->addr + p->size, UINT32_MAX};
	}
	qsort(e->ranges, e->nranges, sizeof *e->ranges, by_lo);
	e->nreg = t->ngprs;
	fc_emu_baseline(im, e->base);
	for (unsigned i = 0; i < e->nreg; i++) {
		e->ids[i] = t->gprs[i];
		e->basep[i] = &e->base[i];
		e->regp[i] = &e->regs[i];
		if (t->gprs[i] == t->reg_ra)
			e->ra_idx = (int)i;
		if (t->gprs[i] == t->reg_sp)
			e->sp_idx = (int)i;
	}
	return 0;
}

static void eng_free(struct eng *e)
{
	free(e->entry);
	free(e->hkey);
	free(e->hval);
	free(e->ranges);
	free(e->tset);
}

int fc_emu_calls(struct fc_image *im, const struct fc_manifest *m, struct fc_calls_result *r)
{
	memset(r, 0, sizeof *r);
	struct eng e;
	eng_init(&e, im, m, r);
	double t0 = fc_now();
	/* Sites that cannot even be located. */
	for (uint64_t i = 0; i < m->nsites; i++) {
		if (locatable(&e, i))
			continue;
		const struct fc_site *s = &m->sites[i];
		e.cur = i;
		struct fc_site_fail *x = add_fail(&e, FC_F_UNLOCATED);
		bool caller = e.entry[s->caller] == UINT64_MAX;
		x->what = fc_xstrdup(m->funcs[caller ? s->caller : s->callee].name);
		x->reg = caller;
		r->checked++;
	}
	uc_hook hb, hm;
	if (!im->calls_hooked &&
	    (uc_hook_add(im->uc, &hb, UC_HOOK_BLOCK, on_block, im, 1, 0) ||
	     uc_hook_add(im->uc, &hm, UC_HOOK_MEM_INVALID, on_invalid, im, 1, 0))) {
		eng_free(&e);
		return fc_err("%s: cannot install Unicorn hooks", im->path);
	}
	im->calls_hooked = true;
	im->calls_state = &e;
	fc_progress_start(&e.prog, "emu: call sites", m->nsites);
	bool more = begin_site(&e, 0);
	while (more) {
		/* `until` must be an address no thunk can reach by accident:
		 * the top of our read-only, non-executable stack. */
		uc_err err = uc_emu_start(im->uc, e.addr, im->stack_hi - 16, 0, 0);
		if (e.done)
			break;
		/* Stopped inside the current site: a fault, or something we did
		 * not ask for. Either way the site failed; go on after it. */
		uint64_t pc = 0;
		uc_reg_read(im->uc, e.t->reg_pc, &pc);
		struct fc_site_fail *x = add_fail(&e, FC_F_FAULT);
		x->uc_err = err;
		x->at = pc;
		x->mem_type = e.mem_type;
		x->mem_addr = e.mem_addr;
		r->checked++;
		more = begin_site(&e, e.cur + 1);
	}
	fc_progress_end(&e.prog);
	im->calls_state = NULL;
	r->thunks = e.tn;
	r->seconds = fc_now() - t0;
	eng_free(&e);
	return 0;
}

void fc_calls_result_free(struct fc_calls_result *r)
{
	for (size_t i = 0; i < r->nfails; i++)
		free(r->fails[i].what);
	free(r->fails);
	memset(r, 0, sizeof *r);
}

static const char *mem_what(int type)
{
	switch (type) {
	case UC_MEM_WRITE_UNMAPPED: case UC_MEM_WRITE_PROT: return "stored to";
	case UC_MEM_READ_UNMAPPED: case UC_MEM_READ_PROT: return "read from";
	case UC_MEM_FETCH_UNMAPPED: return "jumped to unmapped";
	case UC_MEM_FETCH_PROT: return "executed non-code at";
	}
	return "touched";
}

void fc_site_fail_print(FILE *f, const struct fc_image *im, const struct fc_manifest *m,
			const struct fc_site_fail *x)
{
	const struct fc_site *s = &m->sites[x->site];
	const struct target *t = im->t;
	const char *caller = m->funcs[s->caller].name, *callee = m->funcs[s->callee].name;
	char a[160], b[160];
	fprintf(f, "%s: %s+0x%x: %s to %s ", im->path, caller, s->off,
		t->site_mnemonic((enum fc_site_kind)s->kind), callee);
	const struct fc_sym *ce = fc_syms_by_name(&im->syms, callee);
	uint64_t want = ce ? ce->addr + (uint64_t)s->addend : 0;
	switch (x->why) {
	case FC_F_UNLOCATED:
		fprintf(f, "cannot be checked: %s %s is not in the output's symbol table\n",
			x->reg ? "caller" : "callee", x->what);
		break;
	case FC_F_WRONG_TARGET:
		fprintf(f, "reached 0x%" PRIx64 " (%s), expected 0x%" PRIx64 "\n", x->at,
			fc_syms_fmt(&im->syms, x->at, a, sizeof a), want);
		break;
	case FC_F_INTO_BODY:
		fprintf(f, "ran into %s (0x%" PRIx64 ") instead of reaching 0x%" PRIx64 "\n",
			fc_syms_fmt(&im->syms, x->at, a, sizeof a), x->at, want);
		break;
	case FC_F_RA:
		fprintf(f, "reached %s with return address %s = 0x%" PRIx64 ", expected 0x%" PRIx64
			" (%s)\n", callee, t->gpr_names[x->reg], x->got, x->want,
			s->kind == FC_SITE_CALL ? "the instruction after the call" : "unchanged");
		break;
	case FC_F_REG:
		fprintf(f, "reached %s with %s changed: 0x%" PRIx64 " -> 0x%" PRIx64
			" (only the ABI's thunk registers may change)\n",
			callee, t->gpr_names[x->reg], x->want, x->got);
		break;
	case FC_F_FAULT:
		if (x->mem_type >= 0)
			fprintf(f, "%s 0x%" PRIx64 " at %s\n", mem_what(x->mem_type), x->mem_addr,
				fc_syms_fmt(&im->syms, x->at, a, sizeof a));
		else if (x->uc_err == UC_ERR_OK)
			fprintf(f, "went to 0x%" PRIx64 ", which is not code\n", x->at);
		else
			fprintf(f, "stopped at %s (0x%" PRIx64 "): %s\n",
				fc_syms_fmt(&im->syms, x->at, a, sizeof a), x->at,
				x->uc_err == UC_ERR_EXCEPTION ? "undefined or trapping instruction"
							      : uc_strerror((uc_err)x->uc_err));
		break;
	case FC_F_LIMIT:
		fprintf(f, "reached no function entry within %d blocks (last at %s)\n",
			FC_EMU_MAX_BLOCKS, fc_syms_fmt(&im->syms, x->at, b, sizeof b));
		break;
	}
}
