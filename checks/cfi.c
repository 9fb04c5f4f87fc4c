/* cfi: every function run from its entry in Unicorn (calls stepped over);
 * at every instruction the CFI (.eh_frame or .debug_frame, read by libdw)
 * must give the real CFA and a return-address rule that recovers the real
 * return address (verify/cfi.c). Generated code and Go's are held to every
 * instruction; a binary's compiler may write synchronous tables, exact only
 * at the entry, at calls and where a row starts: elsewhere a disagreement
 * is a note, unless --cfi-strict. */
#define _GNU_SOURCE
#include <inttypes.h>

#include "../core/util.h"
#include "subject.h"

static int run(struct fc_subject *s, struct fc_check_result *r)
{
	const struct fc_cfi_result *cr;
	const struct fc_cfi_extra *cx;
	int rc = fc_subject_cfi_for(s, r, &cr, &cx);
	if (rc)
		return rc < 0 ? -1 : 0;
	if (!cr->have_cfi) {
		if (s->kind == FC_KIND_BINARY) {
			r->state = FC_CK_NOT_RUN;
			r->why = fc_xstrdup("no CFI (.eh_frame or .debug_frame)");
			return 0;
		}
		r->failed++;
		fc_find(&r->f, FC_SEV_FAIL, NULL, 0, FC_NOWHERE, "%s: no CFI, though the case has %s",
			s->path, s->kind == FC_KIND_GO ? "Go's .debug_frame"
			: s->m.cfi == 1 ? ".eh_frame" : ".debug_frame");
		r->summary = fc_xstrdup("no CFI");
		return 0;
	}
	r->checked = cr->functions;
	r->failed = cr->failed;
	for (size_t i = 0; i < cr->nfails; i++) {
		const struct fc_cfi_fail *x = &cr->fails[i];
		const char *fn = s->m.funcs[s->cfi_fi[x->func]].name;
		uint64_t entry = fc_subject_entries(s)[s->cfi_fi[x->func]];
		fc_find(&r->f, FC_SEV_FAIL, fn, x->at - entry, x->at, "%s: %s", s->path, x->msg);
	}
	/* A compiler's synchronous tables disagree between calls in most of
	 * its functions: the first few say what it looks like, the count says
	 * how many (they are all in --json). */
	for (size_t i = 0; i < cx->nnotes; i++) {
		const struct fc_cfi_fail *x = &cx->notes[i];
		const char *fn = s->m.funcs[s->cfi_fi[x->func]].name;
		uint64_t entry = fc_subject_entries(s)[s->cfi_fi[x->func]];
		fc_find(&r->f, FC_SEV_NOTE, fn, x->at - entry, x->at,
			"%s: %s (exact only at the entry, calls and row starts, or not entered by "
			"a call; --cfi-strict fails it)", s->path, x->msg);
	}
	char extra[200] = "";
	if (cr->no_fde || cx->imprecise)
		snprintf(extra, sizeof extra, "; %" PRIu64 " without an FDE; %" PRIu64
			 " exact only at entry, calls and row starts", cr->no_fde, cx->imprecise);
	r->summary = fc_xasprintf("%" PRIu64 " functions, %" PRIu64 " failed, %" PRIu64
				  " instructions compared%s", cr->functions, cr->failed,
				  cr->instructions, extra);
	r->figures = json_pack("{s:I, s:I, s:I, s:I, s:I, s:b}", "instructions",
			       (json_int_t)cr->instructions, "no_fde", (json_int_t)cr->no_fde,
			       "imprecise", (json_int_t)cx->imprecise, "faults",
			       (json_int_t)cx->faults, "capped", (json_int_t)cx->capped, "strict",
			       s->kind != FC_KIND_BINARY || s->o.cfi_strict);
	return 0;
}

static const char *const columns[] = {"checked", "failed", NULL};

const struct fc_check fc_check_cfi = {
	.name = "cfi",
	.what = "the CFI gives the real CFA and return address at every instruction, by execution",
	.kinds = FC_KIND_ALL,
	.code = true,
	.run = run,
	.columns = columns,
};
