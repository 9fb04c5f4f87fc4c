/* The executed path of one site, disassembled with Capstone, for a person
 * reading a failure: each line "sym+0xoff: insn". */
#define _GNU_SOURCE
#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "emu.h"

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
	if (addr == t->expect && t->n > 0) {
		uc_emu_stop(uc);
		return;
	}
	if (t->n == TRACE_MAX) {
		uc_emu_stop(uc);
		return;
	}
	t->addr[t->n++] = addr;
}

static void on_block(uc_engine *uc, uint64_t addr, uint32_t size, void *ud)
{
	(void)size;
	struct tr *t = ((struct fc_image *)ud)->trace_state;
	if (!t)
		return;
	if (t->blocks++ == 0)
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
	uint64_t *entries = fc_emu_entries(im, m);
	if (entries[s->caller] == UINT64_MAX) {
		free(entries);
		return -1;
	}
	struct tr tr = {.site = entries[s->caller] + s->off,
			.expect = entries[s->callee] == UINT64_MAX ? 0
				  : entries[s->callee] + (uint64_t)s->addend,
			.entries = entries, .nfuncs = m->nfuncs};
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
	uc_err err = uc_emu_start(im->uc, tr.site, im->stack_hi - 16, 0, TRACE_MAX + 1);
	im->trace_state = NULL;
	uint64_t pc = 0;
	uc_reg_read(im->uc, t->reg_pc, &pc);

	csh cs;
	bool have_cs = cs_open((cs_arch)t->cs_arch, (cs_mode)t->cs_mode, &cs) == CS_ERR_OK;
	char where[160];
	for (unsigned i = 0; i < tr.n; i++) {
		uint64_t a = tr.addr[i];
		fc_syms_fmt(&im->syms, a, where, sizeof where);
		const uint8_t *p = fc_image_ptr(im, a, 16);
		size_t avail = 16;
		if (!p) {
			p = fc_image_ptr(im, a, t->insn_align);
			avail = t->insn_align;
		}
		cs_insn *insn = NULL;
		if (have_cs && p && cs_disasm(cs, p, avail, a, 1, &insn) == 1) {
			fprintf(f, "%s%s: %s %s\n", indent, where, insn->mnemonic, insn->op_str);
			cs_free(insn, 1);
		} else if (p) {
			fprintf(f, "%s%s: (.inst 0x%02x%02x%02x%02x)\n", indent, where, p[3], p[2], p[1], p[0]);
		} else {
			fprintf(f, "%s%s: (no bytes in the file here)\n", indent, where);
		}
	}
	fc_syms_fmt(&im->syms, pc, where, sizeof where);
	if (err != UC_ERR_OK)
		fprintf(f, "%s-> stopped at %s: %s\n", indent, where, uc_strerror(err));
	else
		fprintf(f, "%s-> at %s\n", indent, where);
	if (have_cs)
		cs_close(&cs);
	free(entries);
	return 0;
}
