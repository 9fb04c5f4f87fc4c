/* Every site, executed.
 *
 * Call and jump sites: one uc_emu_start() runs many of them. A block hook
 * watches each translation block as it starts; when the current site
 * arrives at its target's entry the hook checks the registers, resets them,
 * and points PC at the next site, which Unicorn picks up without leaving the
 * emulation loop. That avoids the per-start cost (16-19 us per site with a
 * fresh `until` each time). The target's own code never runs: the hook
 * fires before its first block.
 *
 * A call site passes when it reaches exactly the expected entry, with the
 * return address set to the end of the site's sequence as the output has it
 * (call) or untouched (jump), SP and every register but the ABI's thunk
 * scratch registers unchanged, no store but a call's own push of the return
 * address (nothing else is mapped writable), nothing executed outside code,
 * and within FC_EMU_MAX_BLOCKS blocks.
 *
 * A site that is one direct branch (BL, CALL rel32, JAL) is decoded, not
 * translated: its destination is its encoding, and each site's own block
 * was the most of what Unicorn spent (a translation per site, ~3 us,
 * for a one-instruction block that runs once). The branch's effect is
 * applied as the ISA defines it (the return address in its register, or
 * pushed), and everything from its destination on runs in Unicorn as
 * before: thunks, veneers, PLT entries. A site whose bytes are anything
 * else (a sequence, an indirect call, bytes a broken linker wrote) runs
 * from its own first instruction.
 *
 * Address sites run on a second image whose Unicorn counts instructions:
 * exactly the sequence (as the output has it, relaxed or not) and then the
 * result register must hold the target's address + addend. Data words are
 * read from the loaded image (dynamic relocations applied) and compared with
 * what the relocation gives when applied to zeros. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "emu.h"
#include "guard.h"

struct range {
	uint64_t lo, hi;
	uint32_t func; /* UINT32_MAX: padding */
};

struct eng {
	struct fc_image *im, aim;
	bool aim_open;
	const struct fc_manifest *m;
	const struct target *t;
	uint64_t *entry;        /* per function */
	uint64_t *saddr;        /* per site */
	/* entry -> function, open addressing */
	uint64_t *hkey;
	uint32_t *hval;
	size_t hcap;
	struct range *ranges;   /* bodies and padding, sorted */
	size_t nranges;
	unsigned nominal[64];   /* bytes of each form as emitted (0: unknown) */
	uint64_t base[64];
	void *basep[64];
	uint64_t regs[64];
	void *regp[64];
	int ids[64];
	unsigned nreg;
	int ra_idx, sp_idx;
	uint64_t lo, hi;        /* the slice of sites this engine runs */
	/* the call site under way */
	uint64_t cur, expect, addr, start, stop_at, arrived_at;
	unsigned len;           /* bytes of its sequence in the output */
	unsigned blocks;
	bool chain_ended, pushed, bad_store;
	/* a faulting access, from the hooks */
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
		if (m->from_binary) {
			v[i] = m->funcs[i].addr;
			continue;
		}
		const struct fc_sym *s = fc_syms_by_name(&im->syms, m->funcs[i].name);
		v[i] = s ? s->addr : UINT64_MAX;
	}
	return v;
}

uint64_t fc_emu_site_addr(const struct fc_image *im, const struct fc_manifest *m,
			  const uint64_t *entries, uint64_t i)
{
	const struct fc_site *s = &m->sites[i];
	if (fc_ref_is_data(s->caller)) {
		const struct fc_sym *y = fc_syms_by_name(&im->syms, fc_ref_name(m, s->caller));
		return y ? y->addr + s->off : UINT64_MAX;
	}
	if (m->t->site_symbols && !m->from_binary) {
		char sn[32];
		snprintf(sn, sizeof sn, ".fc.s%" PRIu64, i);
		const struct fc_sym *y = fc_syms_by_name(&im->syms, sn);
		return y ? y->addr : UINT64_MAX;
	}
	uint64_t e = entries[s->caller];
	return e == UINT64_MAX ? e : e + s->off;
}

uint64_t fc_emu_target_addr(const struct fc_image *im, const struct fc_manifest *m,
			    const uint64_t *entries, const struct fc_site *s)
{
	uint64_t a;
	if (s->target == FC_REF_ANY)
		return FC_ANY_ENTRY;
	if (s->target == FC_REF_ABS)
		return (uint64_t)s->addend;
	if (fc_ref_is_data(s->target)) {
		const struct fc_sym *y = fc_syms_by_name(&im->syms, fc_ref_name(m, s->target));
		a = y ? y->addr : UINT64_MAX;
	} else {
		a = entries[fc_ref_index(s->target)];
	}
	return a == UINT64_MAX ? a : a + (uint64_t)s->addend;
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
	/* What the startup code would have set up (RISC-V gp): linker
	 * relaxation turned some address sequences into gp-relative ones. */
	const struct fc_sym *gp = t->gp_symbol ? fc_syms_by_name(&im->syms, t->gp_symbol) : NULL;
	int gi = gp ? fc_gpr_index(t, t->reg_gp) : -1;
	if (gi >= 0)
		vals[gi] = gp->addr;
}

static struct fc_site_fail *add_fail(struct eng *e, uint64_t site, enum fc_fail why)
{
	struct fc_calls_result *r = e->res;
	r->failed++;
	enum fc_sem sem = e->t->forms[e->m->sites[site].form].sem;
	if (sem == FC_SEM_CALL || sem == FC_SEM_JUMP)
		r->calls_failed++;
	else
		r->data_failed++;
	if (r->nfails == e->failcap) {
		e->failcap = e->failcap ? e->failcap * 2 : 64;
		r->fails = fc_xrealloc(r->fails, e->failcap * sizeof *r->fails);
	}
	struct fc_site_fail *x = &r->fails[r->nfails++];
	memset(x, 0, sizeof *x);
	x->site = site;
	x->why = why;
	x->mem_type = -1;
	return x;
}

static enum fc_sem sem_of(const struct eng *e, uint64_t i)
{
	return e->t->forms[e->m->sites[i].form].sem;
}

static bool is_chain(const struct eng *e, uint64_t i)
{
	enum fc_sem s = sem_of(e, i);
	return s == FC_SEM_CALL || s == FC_SEM_JUMP;
}

static void count_checked(struct eng *e, uint64_t i)
{
	e->res->checked++;
	if (is_chain(e, i))
		e->res->calls++;
	else
		e->res->data++;
	if ((e->res->checked & 0x3fff) == 0)
		fc_progress_set(&e->prog, e->res->checked);
}

static bool is_chain(const struct eng *e, uint64_t i);

/* The sequence at a site as the output has it; 0 when it is not the form. */
static unsigned site_len(struct eng *e, uint64_t i, uint64_t addr, unsigned *ninsns)
{
	const struct fc_form *f = &e->t->forms[e->m->sites[i].form];
	size_t avail;
	const uint8_t *p = fc_image_span(e->im, addr, 32, &avail);
	if (!p)
		return 0;
	unsigned n = 0, len = e->t->seq_len(f, p, avail, addr, &n);
	if (len && e->nominal[e->m->sites[i].form] && len < e->nominal[e->m->sites[i].form]) {
		if (is_chain(e, i))
			e->res->relaxed++;
		else
			e->res->relaxed_addr++;
	}
	if (ninsns)
		*ninsns = n;
	return len;
}

static void arrived(struct eng *e);
static void count_hop(struct eng *e);

/* The current site is at `addr`, the start of a block past its own: true
 * when that ends it (arrived, at a wrong entry, inside a body, or too far),
 * its verdict recorded. */
static bool judge(struct eng *e, uint64_t addr)
{
	uint32_t f = hget(e, addr);
	/* An import's stub (emu/dynamic.c) is an entry too: a call through
	 * the PLT ends there, at the import it was bound to. */
	bool entry = f != UINT32_MAX || fc_image_is_import(e->im, addr);
	if (addr == e->expect || (e->expect == FC_ANY_ENTRY && entry)) {
		e->arrived_at = addr;
		arrived(e);
		return true;
	}
	if (entry) {
		struct fc_site_fail *x = add_fail(e, e->cur, FC_F_WRONG_TARGET);
		x->at = addr;
		count_hop(e);
		return true;
	}
	if (range_at(e, addr)) {
		struct fc_site_fail *x = add_fail(e, e->cur, FC_F_INTO_BODY);
		x->at = addr;
		return true;
	}
	if (e->blocks > FC_EMU_MAX_BLOCKS) {
		struct fc_site_fail *x = add_fail(e, e->cur, FC_F_LIMIT);
		x->at = addr;
		return true;
	}
	return false;
}

/* Site `i` is one direct branch of its kind (a call for a call site, an
 * unconditional jump for a jump site): its effect applied to the registers
 * (and the stack, where the return address is pushed), *dest where it
 * goes. */
static bool direct_branch(struct eng *e, uint64_t i, uint64_t *dest)
{
	const struct target *t = e->t;
	bool call = sem_of(e, i) == FC_SEM_CALL;
	enum fc_insn_type ty = FC_INSN_OTHER;
	size_t avail;
	const uint8_t *p = fc_image_span(e->im, e->addr, 16, &avail);
	if (!p || t->decode(p, avail, e->addr, &ty, dest) != e->len ||
	    ty != (call ? FC_INSN_CALL : FC_INSN_JUMP))
		return false;
	if (!call)
		return true;
	uint64_t ra = e->addr + e->len;
	if (e->ra_idx >= 0)
		return uc_reg_write(e->im->uc, t->reg_ra, &ra) == UC_ERR_OK;
	uint64_t sp = e->base[e->sp_idx] - 8;
	if (uc_mem_write(e->im->uc, sp, &ra, sizeof ra) != UC_ERR_OK ||
	    uc_reg_write(e->im->uc, t->reg_sp, &sp) != UC_ERR_OK)
		return false;
	e->pushed = true;
	return true;
}

/* The current site is about to run the block at `addr`: true when that
 * block killed the emulator before (emu/guard.h), the site failed so. */
static bool died_at(struct eng *e, uint64_t addr)
{
	const char *died = fc_guard_enter(e->im->path, FC_GUARD_BLOCK, addr);
	if (!died)
		return false;
	struct fc_site_fail *x = add_fail(e, e->cur, FC_F_EMULATOR);
	x->at = addr;
	x->what = fc_xstrdup(died);
	return true;
}

/* Set up call site `i`: false when it needs no run (judged already). */
static bool begin_site(struct eng *e, uint64_t i)
{
	const struct fc_site *s = &e->m->sites[i];
	e->cur = i;
	e->addr = e->saddr[i];
	e->expect = fc_emu_target_addr(e->im, e->m, e->entry, s);
	e->blocks = 0;
	e->mem_type = -1;
	e->pushed = e->bad_store = false;
	uc_reg_write_batch(e->im->uc, e->ids, e->basep, (int)e->nreg);
	e->len = site_len(e, i, e->addr, NULL);
	e->start = e->addr;
	if (!e->len) {
		struct fc_site_fail *x = add_fail(e, i, FC_F_SHAPE);
		x->at = e->addr;
		count_checked(e, i);
		return false;
	}
	uint64_t dest;
	if (direct_branch(e, i, &dest)) {
		/* As if the branch had run: its block is done. */
		e->start = dest;
		e->blocks = 1;
		if (judge(e, dest)) {
			count_checked(e, i);
			return false;
		}
	}
	if (died_at(e, e->start)) {
		count_checked(e, i);
		return false;
	}
	return true;
}

/* Next call site after the current one that can run in the chain; sets
 * stop_at to where the main loop must go on otherwise. */
static bool next_in_chain(struct eng *e, uint64_t from)
{
	for (uint64_t i = from; i < e->hi; i++) {
		if (e->saddr[i] == UINT64_MAX)
			continue; /* failed up front */
		if (!is_chain(e, i)) {
			e->stop_at = i;
			return false;
		}
		if (begin_site(e, i))
			return true;
	}
	e->stop_at = e->hi;
	return false;
}

/* Called from inside the hook: move on without leaving uc_emu_start(). */
static void next_site(struct eng *e, uc_engine *uc)
{
	count_checked(e, e->cur);
	if (next_in_chain(e, e->cur + 1)) {
		uc_reg_write(uc, e->t->reg_pc, &e->start);
	} else {
		e->chain_ended = true;
		uc_emu_stop(uc);
	}
}

static void count_hop(struct eng *e)
{
	enum fc_insn_type ty;
	uint64_t dest;
	size_t avail;
	const uint8_t *p = fc_image_span(e->im, e->addr, 16, &avail);
	if (!p)
		return;
	/* A direct branch, or a sequence whose bytes say where it goes
	 * (RISC-V AUIPC+JALR left unrelaxed): its first hop. */
	const struct fc_form *f = &e->t->forms[e->m->sites[e->cur].form];
	bool direct = e->t->decode(p, avail, e->addr, &ty, &dest) &&
		      (ty == FC_INSN_CALL || ty == FC_INSN_JUMP || ty == FC_INSN_JUMP_COND);
	if (!direct && !e->t->seq_dest(f, p, avail, e->addr, &dest))
		return;
	if (dest == e->expect || (e->expect == FC_ANY_ENTRY && hget(e, dest) != UINT32_MAX)) {
		e->res->direct++;
	} else {
		e->res->via_thunk++;
		tset_add(e, dest);
	}
}

static bool is_scratch(const struct eng *e, unsigned i)
{
	for (unsigned k = 0; k < e->t->nscratch; k++)
		if (e->t->scratch[k] == e->ids[i])
			return true;
	for (unsigned k = 0; k < e->m->nextra_scratch; k++)
		if (e->m->extra_scratch[k] == e->ids[i])
			return true;
	return false;
}

static void arrived(struct eng *e)
{
	const struct target *t = e->t;
	const struct fc_site *s = &e->m->sites[e->cur];
	bool call = t->forms[s->form].sem == FC_SEM_CALL;
	uc_reg_read_batch(e->im->uc, e->ids, e->regp, (int)e->nreg);
	count_hop(e);
	uint64_t want_sp = e->base[e->sp_idx];
	/* The return address first: it says the most about what went wrong. */
	if (e->ra_idx >= 0) {
		uint64_t want = call ? e->addr + e->len : e->base[e->ra_idx];
		if (e->regs[e->ra_idx] != want) {
			struct fc_site_fail *x = add_fail(e, e->cur, FC_F_RA);
			x->at = e->arrived_at;
			x->reg = e->ra_idx;
			x->got = e->regs[e->ra_idx];
			x->want = want;
			return;
		}
	} else if (call) {
		/* Pushed: SP one word down, holding the return address. */
		want_sp -= 8;
		uint64_t ra = 0;
		if (e->regs[e->sp_idx] == want_sp)
			uc_mem_read(e->im->uc, want_sp, &ra, 8);
		if (e->regs[e->sp_idx] != want_sp || ra != e->addr + e->len) {
			struct fc_site_fail *x = add_fail(e, e->cur, FC_F_RA);
			x->at = e->arrived_at;
			x->reg = -1;
			x->got = ra;
			x->want = e->addr + e->len;
			return;
		}
	}
	for (unsigned i = 0; i < e->nreg; i++) {
		uint64_t want = (int)i == e->sp_idx ? want_sp : e->base[i];
		if ((int)i == e->ra_idx || e->regs[i] == want || is_scratch(e, i))
			continue;
		struct fc_site_fail *x = add_fail(e, e->cur, FC_F_REG);
		x->at = e->arrived_at;
		x->reg = (int)i;
		x->got = e->regs[i];
		x->want = want;
		return;
	}
}

static void on_block(uc_engine *uc, uint64_t addr, uint32_t size, void *ud)
{
	(void)size;
	struct eng *e = ((struct fc_image *)ud)->calls_state;
	if (!e || e->chain_ended)
		return;
	fc_guard_at(addr);
	if (died_at(e, addr)) {
		next_site(e, uc);
		return;
	}
	/* The site's own blocks: a sequence (AUIPC+JALR) that crosses a page
	 * is two translation blocks. */
	if (++e->blocks == 1 || (addr > e->addr && addr < e->addr + e->len))
		return;
	if (judge(e, addr))
		next_site(e, uc);
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

/* Stores to a writable stack (targets that push the return address): the
 * call's own push is the only one allowed. */
static void on_write(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
		     void *ud)
{
	(void)type; (void)value;
	struct eng *e = ((struct fc_image *)ud)->calls_state;
	if (!e || e->chain_ended)
		return;
	bool call = e->t->forms[e->m->sites[e->cur].form].sem == FC_SEM_CALL;
	if (call && !e->pushed && size == 8 && addr == e->base[e->sp_idx] - 8) {
		e->pushed = true;
		return;
	}
	e->bad_store = true;
	e->mem_type = UC_MEM_WRITE;
	e->mem_addr = addr;
	uc_emu_stop(uc);
}

static void eng_init(struct eng *e, struct fc_image *im, const struct fc_manifest *m,
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
	fc_qsort(e->ranges, e->nranges, sizeof *e->ranges, by_lo);
	e->nreg = t->ngprs;
	fc_emu_baseline(im, e->base);
	e->ra_idx = e->sp_idx = -1;
	for (unsigned i = 0; i < e->nreg; i++) {
		e->ids[i] = t->gprs[i];
		e->basep[i] = &e->base[i];
		e->regp[i] = &e->regs[i];
		if (t->gprs[i] == t->reg_ra)
			e->ra_idx = (int)i;
		if (t->gprs[i] == t->reg_sp)
			e->sp_idx = (int)i;
	}
	/* Each form's length as emitted, to count what relaxation shortened. */
	struct fc_code c = {0}, pool = {0};
	for (unsigned i = 0; i < t->nforms && i < 64; i++) {
		if (t->forms[i].sem == FC_SEM_DATA)
			continue;
		fc_code_reset(&c);
		fc_code_reset(&pool);
		struct fc_emit x = {.relax = m->relax, .pool = &pool, .site_label = fc_code_label(&c)};
		if (t->emit_site(&c, &t->forms[i], &x) == 0)
			e->nominal[i] = (unsigned)c.len;
	}
	fc_code_free(&c);
	fc_code_free(&pool);
	e->saddr = fc_xcalloc(m->nsites ? m->nsites : 1, sizeof *e->saddr);
}

static void eng_free(struct eng *e)
{
	if (e->aim_open)
		fc_image_close(&e->aim);
	free(e->entry);
	free(e->saddr);
	free(e->hkey);
	free(e->hval);
	free(e->ranges);
	free(e->tset);
}

static void addr_on_invalid_hook(struct eng *e);

/* An address site: run exactly its instructions on the counting image. */
static void check_addr(struct eng *e, uint64_t i)
{
	const struct fc_site *s = &e->m->sites[i];
	const struct fc_form *f = &e->t->forms[s->form];
	uint64_t a = e->saddr[i];
	unsigned n = 0, len = site_len(e, i, a, &n);
	count_checked(e, i);
	if (!len || !n) {
		struct fc_site_fail *x = add_fail(e, i, FC_F_SHAPE);
		x->at = a;
		return;
	}
	if (!e->aim_open) {
		if (fc_image_open(&e->aim, e->im->path, e->t) < 0) {
			struct fc_site_fail *x = add_fail(e, i, FC_F_FAULT);
			x->at = a;
			return;
		}
		e->aim_open = true;
		addr_on_invalid_hook(e);
	}
	const char *died = fc_guard_enter(e->im->path, FC_GUARD_SEQ, a);
	if (died) {
		struct fc_site_fail *x = add_fail(e, i, FC_F_EMULATOR);
		x->at = a;
		x->what = fc_xstrdup(died);
		return;
	}
	uc_engine *uc = e->aim.uc;
	uc_reg_write_batch(uc, e->ids, e->basep, (int)e->nreg);
	e->mem_type = -1;
	e->aim.calls_state = e;
	uc_err err = uc_emu_start(uc, a, e->aim.until, 0, n);
	e->aim.calls_state = NULL;
	fc_guard_leave();
	uint64_t pc = 0;
	uc_reg_read(uc, e->t->reg_pc, &pc);
	if (err != UC_ERR_OK) {
		struct fc_site_fail *x = add_fail(e, i, FC_F_FAULT);
		x->uc_err = err;
		x->at = pc;
		x->mem_type = e->mem_type;
		x->mem_addr = e->mem_addr;
		return;
	}
	if (pc != a + len) {
		struct fc_site_fail *x = add_fail(e, i, FC_F_END);
		x->at = pc;
		x->want = a + len;
		return;
	}
	uc_reg_read_batch(uc, e->ids, e->regp, (int)e->nreg);
	uint64_t want = fc_emu_target_addr(e->im, e->m, e->entry, s);
	if (e->regs[f->result] != want) {
		struct fc_site_fail *x = add_fail(e, i, FC_F_VALUE);
		x->at = a;
		x->reg = f->result;
		x->got = e->regs[f->result];
		x->want = want;
		return;
	}
	for (unsigned k = 0; k < e->nreg; k++) {
		if ((int)k == f->result || e->regs[k] == e->base[k])
			continue;
		struct fc_site_fail *x = add_fail(e, i, FC_F_REG);
		x->at = a;
		x->reg = (int)k;
		x->got = e->regs[k];
		x->want = e->base[k];
		return;
	}
}

static void addr_on_invalid_hook(struct eng *e)
{
	uc_hook h;
	uc_hook_add(e->aim.uc, &h, UC_HOOK_MEM_INVALID, on_invalid, &e->aim, 1, 0);
	if (e->t->reg_ra < 0)
		uc_hook_add(e->aim.uc, &h, UC_HOOK_MEM_WRITE, on_write, &e->aim, e->aim.stack_lo,
			    e->aim.stack_hi - 1);
}

/* A data word: what the relocation gives when applied to zeros. */
static void check_data(struct eng *e, uint64_t i)
{
	const struct fc_site *s = &e->m->sites[i];
	const struct fc_form *f = &e->t->forms[s->form];
	uint64_t P = e->saddr[i];
	uint64_t SA = fc_emu_target_addr(e->im, e->m, e->entry, s);
	count_checked(e, i);
	uint8_t want[16] = {0};
	const uint8_t *got = fc_image_ptr(e->im, P, f->size);
	int ar = e->t->apply_reloc(f->reloc, want, P, SA);
	if (!got || ar < 0 || memcmp(got, want, f->size)) {
		struct fc_site_fail *x = add_fail(e, i, FC_F_VALUE);
		x->at = P;
		x->reg = -1;
		if (got)
			memcpy(&x->got, got, f->size > 8 ? 8 : f->size);
		memcpy(&x->want, want, f->size > 8 ? 8 : f->size);
		if (ar < 0)
			x->what = fc_xstrdup("the value does not fit the relocation");
	}
}

/* Run sites [lo, hi) on one image. */
static int run_slice(struct fc_image *im, const struct fc_manifest *m, struct fc_calls_result *r,
		     uint64_t lo, uint64_t hi, bool progress)
{
	memset(r, 0, sizeof *r);
	struct eng e;
	eng_init(&e, im, m, r);
	e.lo = lo;
	e.hi = hi;
	/* Sites that cannot even be located fail once, up front. */
	for (uint64_t i = lo; i < hi; i++) {
		const struct fc_site *s = &m->sites[i];
		e.saddr[i] = fc_emu_site_addr(im, m, e.entry, i);
		const char *missing = NULL;
		if (!fc_ref_is_data(s->caller) && e.entry[s->caller] == UINT64_MAX)
			missing = m->funcs[s->caller].name;
		else if (fc_emu_target_addr(im, m, e.entry, s) == UINT64_MAX)
			missing = fc_ref_name(m, s->target);
		else if (e.saddr[i] == UINT64_MAX)
			missing = fc_ref_is_data(s->caller) ? fc_ref_name(m, s->caller) : "its site symbol";
		if (!missing)
			continue;
		e.saddr[i] = UINT64_MAX;
		struct fc_site_fail *x = add_fail(&e, i, FC_F_UNLOCATED);
		x->what = fc_xstrdup(missing);
		count_checked(&e, i);
	}
	uc_hook h;
	if (!im->calls_hooked &&
	    (uc_hook_add(im->uc, &h, UC_HOOK_BLOCK, on_block, im, 1, 0) ||
	     uc_hook_add(im->uc, &h, UC_HOOK_MEM_INVALID, on_invalid, im, 1, 0) ||
	     (im->t->reg_ra < 0 &&
	      uc_hook_add(im->uc, &h, UC_HOOK_MEM_WRITE, on_write, im, im->stack_lo,
			  im->stack_hi - 1)))) {
		eng_free(&e);
		return fc_err("%s: cannot install Unicorn hooks", im->path);
	}
	im->calls_hooked = true;
	im->calls_state = &e;
	fc_progress_start(&e.prog, "emu: sites", hi - lo);
	e.prog.tty = e.prog.tty && progress;
	uint64_t i = lo;
	while (i < hi) {
		if (e.saddr[i] == UINT64_MAX) {
			i++;
			continue;
		}
		enum fc_sem sem = sem_of(&e, i);
		if (sem == FC_SEM_ADDR) {
			check_addr(&e, i++);
			continue;
		}
		if (sem == FC_SEM_DATA) {
			check_data(&e, i++);
			continue;
		}
		if (!next_in_chain(&e, i)) {
			i = e.stop_at;
			continue;
		}
		e.chain_ended = false;
		uc_err err = uc_emu_start(im->uc, e.start, im->until, 0, 0);
		if (e.chain_ended) {
			i = e.stop_at;
			continue;
		}
		/* Stopped inside the current site: a fault, a bad store, or an
		 * arrival at `until`. The site failed; go on after it. */
		uint64_t pc = 0;
		uc_reg_read(im->uc, e.t->reg_pc, &pc);
		struct fc_site_fail *x = add_fail(&e, e.cur, FC_F_FAULT);
		x->uc_err = e.bad_store ? UC_ERR_WRITE_PROT : err;
		x->at = pc;
		x->mem_type = e.mem_type;
		x->mem_addr = e.mem_addr;
		count_checked(&e, e.cur);
		e.chain_ended = true;
		i = e.cur + 1;
	}
	fc_guard_leave();
	fc_progress_end(&e.prog);
	im->calls_state = NULL;
	/* The distinct thunks, for merging slices. */
	r->thunks = e.tn;
	r->thunk_addrs = fc_xcalloc(e.tn + 1, sizeof *r->thunk_addrs);
	for (size_t k = 0, n = 0; k < e.tcap; k++)
		if (e.tset[k])
			r->thunk_addrs[n++] = e.tset[k] - 1;
	eng_free(&e);
	return 0;
}

int fc_emu_calls(struct fc_image *im, const struct fc_manifest *m, struct fc_calls_result *r)
{
	double t0 = fc_now();
	int ret = run_slice(im, m, r, 0, m->nsites, true);
	r->seconds = fc_now() - t0;
	return ret;
}

/* Threads, each with an image and a Unicorn of its own, over slices of the
 * sites; results merged as if one engine had run them all. */
struct slice {
	const char *path;
	const struct fc_manifest *m;
	uint64_t lo, hi;
	struct fc_calls_result r;
	int ret;
	unsigned slot;
	bool progress;
};

static void *slice_main(void *arg)
{
	struct slice *sl = arg;
	fc_guard_thread(sl->slot);
	struct fc_image im;
	sl->ret = fc_image_open(&im, sl->path, sl->m->t);
	if (sl->ret == 0)
		sl->ret = run_slice(&im, sl->m, &sl->r, sl->lo, sl->hi, sl->progress);
	fc_image_close(&im);
	return NULL;
}

static int by_site(const void *a, const void *b)
{
	const struct fc_site_fail *x = a, *y = b;
	return x->site < y->site ? -1 : x->site > y->site;
}

static int by_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int fc_emu_calls_jobs(struct fc_image *im, const struct fc_manifest *m, unsigned jobs,
		      struct fc_calls_result *r)
{
	/* A thread opens an image of its own (maps, Unicorn, symbols): worth it
	 * only for a few thousand sites, else -j 2 is slower than -j 1. */
	if (jobs > m->nsites / FC_EMU_SITES_PER_THREAD)
		jobs = (unsigned)(m->nsites / FC_EMU_SITES_PER_THREAD);
	if (jobs <= 1)
		return fc_emu_calls(im, m, r);
	double t0 = fc_now();
	struct slice *sl = fc_xcalloc(jobs, sizeof *sl);
	pthread_t *th = fc_xcalloc(jobs, sizeof *th);
	for (unsigned j = 0; j < jobs; j++) {
		sl[j] = (struct slice){.path = im->path, .m = m, .lo = m->nsites * j / jobs,
				       .hi = m->nsites * (j + 1) / jobs, .progress = j == 0,
				       .slot = j + 1};
		if (pthread_create(&th[j], NULL, slice_main, &sl[j]) != 0) {
			sl[j].ret = fc_err("emu: cannot start a thread");
			th[j] = 0;
		}
	}
	memset(r, 0, sizeof *r);
	int ret = 0;
	size_t nthunks = 0;
	uint64_t *all = NULL;
	for (unsigned j = 0; j < jobs; j++) {
		if (th[j])
			pthread_join(th[j], NULL);
		struct fc_calls_result *x = &sl[j].r;
		if (sl[j].ret < 0)
			ret = -1;
		r->checked += x->checked;
		r->failed += x->failed;
		r->calls += x->calls;
		r->calls_failed += x->calls_failed;
		r->data += x->data;
		r->data_failed += x->data_failed;
		r->direct += x->direct;
		r->via_thunk += x->via_thunk;
		r->relaxed += x->relaxed;
		r->relaxed_addr += x->relaxed_addr;
		r->fails = fc_xrealloc(r->fails, (r->nfails + x->nfails + 1) * sizeof *r->fails);
		if (x->nfails)
			memcpy(r->fails + r->nfails, x->fails, x->nfails * sizeof *x->fails);
		r->nfails += x->nfails;
		all = fc_xrealloc(all, (nthunks + x->thunks + 1) * sizeof *all);
		if (x->thunks)
			memcpy(all + nthunks, x->thunk_addrs, x->thunks * sizeof *all);
		nthunks += x->thunks;
		free(x->fails);
		free(x->thunk_addrs);
	}
	fc_qsort(r->fails, r->nfails, sizeof *r->fails, by_site);
	fc_qsort(all, nthunks, sizeof *all, by_u64);
	for (size_t k = 0; k < nthunks; k++)
		r->thunks += k == 0 || all[k] != all[k - 1];
	free(all);
	free(sl);
	free(th);
	r->seconds = fc_now() - t0;
	return ret;
}

void fc_calls_result_free(struct fc_calls_result *r)
{
	free(r->thunk_addrs);
	for (size_t i = 0; i < r->nfails; i++)
		free(r->fails[i].what);
	free(r->fails);
	memset(r, 0, sizeof *r);
}
