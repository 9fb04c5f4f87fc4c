/* The executed path of one site, disassembled by the target (Capstone, or
 * LLVM for RISC-V), for a person reading a failure: each line
 * "sym+0xoff: insn". */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "emu.h"
#include "guard.h"

#define TRACE_MAX 64

struct tr {
	uint64_t addr[TRACE_MAX];
	unsigned n;
	uint64_t expect, site;
	const uint64_t *entries;
	uint32_t nfuncs;
	unsigned blocks;
};

static void on_code(uc_engine *uc, uint64_t addr, uint32_t size, void *ud)
{
	(void)size;
	struct tr *t = ((struct fc_image *)ud)->trace_state;
	if (!t)
		return;
	fc_guard_at(addr);
	if ((addr == t->expect && t->n > 0) || t->n == TRACE_MAX) {
		uc_emu_stop(uc);
		return;
	}
	t->addr[t->n++] = addr;
}

static void on_block(uc_engine *uc, uint64_t addr, uint32_t size, void *ud)
{
	(void)size;
	struct tr *t = ((struct fc_image *)ud)->trace_state;
	if (!t || t->blocks++ == 0)
		return;
	/* Stop at any function entry: the path up to there is the story. */
	for (uint32_t i = 0; i < t->nfuncs; i++)
		if (t->entries[i] == addr) {
			uc_emu_stop(uc);
			return;
		}
	if (t->blocks > FC_EMU_MAX_BLOCKS)
		uc_emu_stop(uc);
}

int fc_trace_site(FILE *f, struct fc_image *im, const struct fc_manifest *m, uint64_t site,
		  const char *indent)
{
	const struct target *t = im->t;
	const struct fc_site *s = &m->sites[site];
	const struct fc_form *fo = &t->forms[s->form];
	if (fo->sem == FC_SEM_DATA)
		return 0; /* nothing runs */
	uint64_t *entries = fc_emu_entries(im, m);
	uint64_t a = fc_emu_site_addr(im, m, entries, site);
	if (a == UINT64_MAX) {
		free(entries);
		return -1;
	}
	struct tr tr = {.site = a, .entries = entries, .nfuncs = m->nfuncs};
	if (fo->sem == FC_SEM_ADDR) {
		/* Stop where the sequence should end. */
		size_t avail;
		const uint8_t *p = fc_image_span(im, a, 16, &avail);
		unsigned n = 0, len = p ? t->seq_len(fo, p, avail, a, &n) : 0;
		tr.expect = len ? a + len : 0;
		tr.nfuncs = 0;
	} else {
		tr.expect = fc_emu_target_addr(im, m, entries, s);
	}
	const char *died = fc_guard_enter(im->path, FC_GUARD_TRACE, a);
	if (died) {
		fprintf(f, "%s(not traced: the emulator %s tracing it before)\n", indent, died);
		free(entries);
		return 0;
	}
	uint64_t vals[64];
	fc_emu_baseline(im, vals);
	for (unsigned i = 0; i < t->ngprs; i++)
		uc_reg_write(im->uc, t->gprs[i], &vals[i]);
	/* Use an image of its own (fc_emu_report does): the per-instruction
	 * hook would slow the fast path, and hooks are never deleted. */
	uc_hook hc, hb;
	if (!im->trace_hooked) {
		uc_hook_add(im->uc, &hc, UC_HOOK_CODE, on_code, im, 1, 0);
		uc_hook_add(im->uc, &hb, UC_HOOK_BLOCK, on_block, im, 1, 0);
		im->trace_hooked = true;
	}
	im->trace_state = &tr;
	uc_err err = uc_emu_start(im->uc, tr.site, im->until, 0, TRACE_MAX + 1);
	im->trace_state = NULL;
	fc_guard_leave();
	uint64_t pc = 0;
	uc_reg_read(im->uc, t->reg_pc, &pc);

	char where[160], text[160];
	for (unsigned i = 0; i < tr.n; i++) {
		uint64_t ia = tr.addr[i];
		fc_syms_fmt(&im->syms, ia, where, sizeof where);
		size_t avail;
		const uint8_t *p = fc_image_span(im, ia, 16, &avail);
		if (p && t->disasm(p, avail, ia, text, sizeof text))
			fprintf(f, "%s%s: %s\n", indent, where, text);
		else if (p)
			fprintf(f, "%s%s: (undecodable)\n", indent, where);
		else
			fprintf(f, "%s%s: (no bytes in the file here)\n", indent, where);
	}
	fc_syms_fmt(&im->syms, pc, where, sizeof where);
	if (err != UC_ERR_OK)
		fprintf(f, "%s-> stopped at %s: %s\n", indent, where, uc_strerror(err));
	else
		fprintf(f, "%s-> at %s\n", indent, where);
	free(entries);
	return 0;
}
