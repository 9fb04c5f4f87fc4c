/* A failing site, for a person: what went wrong, in the words of the
 * check that caught it, and where (caller+offset, callee). The executed
 * path itself is trace.c's. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "emu.h"

static const char *mem_what(int type)
{
	switch (type) {
	case UC_MEM_WRITE: case UC_MEM_WRITE_UNMAPPED: case UC_MEM_WRITE_PROT: return "stored to";
	case UC_MEM_READ_UNMAPPED: case UC_MEM_READ_PROT: return "read from";
	case UC_MEM_FETCH_UNMAPPED: return "jumped to unmapped";
	case UC_MEM_FETCH_PROT: return "executed non-code at";
	}
	return "touched";
}

void fc_site_fail_print(FILE *f, const struct fc_image *im, const struct fc_manifest *m,
			const uint64_t *entries, const struct fc_site_fail *x)
{
	const struct fc_site *s = &m->sites[x->site];
	const struct target *t = im->t;
	const struct fc_form *fo = &t->forms[s->form];
	const char *caller = fc_ref_name(m, s->caller), *target = fc_ref_name(m, s->target);
	char a[160], b[160], tgt[200], bound[200];
	/* A call through a PLT or IPLT entry: the import or IFUNC it is for. */
	if (s->target == FC_REF_ABS &&
	    fc_image_bound_name(im, (uint64_t)s->addend, bound, sizeof bound))
		target = bound;
	if (s->addend && target != bound)
		snprintf(tgt, sizeof tgt, "%s%+" PRId64, target, s->addend);
	else
		snprintf(tgt, sizeof tgt, "%s", target);
	fprintf(f, "%s: %s+0x%x: %s to %s ", im->path, caller, s->off, fo->mnemonic, tgt);
	/* Every function's address is a pass over the manifest: the caller's
	 * for all its failures, not one pass each. */
	uint64_t *own = entries ? NULL : fc_emu_entries(im, m);
	uint64_t want = fc_emu_target_addr(im, m, entries ? entries : own, s);
	free(own);
	char wbuf[48];
	if (want == FC_ANY_ENTRY)
		snprintf(wbuf, sizeof wbuf, "a function entry");
	else
		snprintf(wbuf, sizeof wbuf, "0x%" PRIx64, want);
	switch (x->why) {
	case FC_F_UNLOCATED:
		fprintf(f, "cannot be checked: %s is not in the output's symbol table\n", x->what);
		break;
	case FC_F_WRONG_TARGET:
		fprintf(f, "reached 0x%" PRIx64 " (%s), expected 0x%" PRIx64 "\n", x->at,
			fc_image_bound_name(im, x->at, a, sizeof a)
				? a : fc_syms_fmt(&im->syms, x->at, a, sizeof a), want);
		break;
	case FC_F_INTO_BODY:
		fprintf(f, "ran into %s (0x%" PRIx64 ") instead of reaching %s\n",
			fc_syms_fmt(&im->syms, x->at, a, sizeof a), x->at, wbuf);
		break;
	case FC_F_RA:
		if (x->reg < 0)
			fprintf(f, "reached %s with return address 0x%" PRIx64 " on the stack, "
				"expected 0x%" PRIx64 " (the end of the call)\n", target, x->got, x->want);
		else
			fprintf(f, "reached %s with return address %s = 0x%" PRIx64
				", expected 0x%" PRIx64 " (%s)\n", target, t->gpr_names[x->reg], x->got,
				x->want, fo->sem == FC_SEM_CALL ? "the end of the call" : "unchanged");
		break;
	case FC_F_REG:
		fprintf(f, "%s %s with %s changed: 0x%" PRIx64 " -> 0x%" PRIx64
			" (only the ABI's thunk registers may change)\n",
			fo->sem == FC_SEM_ADDR ? "left" : "reached", fo->sem == FC_SEM_ADDR ? "its sequence" : target,
			t->gpr_names[x->reg], x->want, x->got);
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
	case FC_F_SHAPE:
		fprintf(f, "is not a %s at 0x%" PRIx64 " in the output\n", fo->mnemonic, x->at);
		break;
	case FC_F_VALUE:
		if (x->reg >= 0)
			fprintf(f, "left %s = 0x%" PRIx64 ", expected 0x%" PRIx64 "\n",
				t->gpr_names[x->reg], x->got, x->want);
		else
			fprintf(f, "holds 0x%" PRIx64 ", expected 0x%" PRIx64 "%s%s\n", x->got, x->want,
				x->what ? ": " : "", x->what ? x->what : "");
		break;
	case FC_F_END:
		fprintf(f, "ended at 0x%" PRIx64 ", expected 0x%" PRIx64 " (the end of the sequence)\n",
			x->at, x->want);
		break;
	case FC_F_EMULATOR:
		fprintf(f, "not checked: the emulator %s while running %s (0x%" PRIx64 ")\n",
			x->what ? x->what : "died", fc_syms_fmt(&im->syms, x->at, a, sizeof a), x->at);
		break;
	}
}
