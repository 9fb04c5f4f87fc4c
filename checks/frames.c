/* frames: the frame each function really builds (CFA - SP at its deepest,
 * by execution) is the one its source asked for. A generated case: exactly
 * the frame the generator built. A Go case: no frame for a leaf (Go's 2014
 * "leaf bit"), and room for the return address and the locals otherwise.
 * Nobody says what a binary's frames should be. */
#define _GNU_SOURCE
#include <inttypes.h>

#include "../core/util.h"
#include "../verify/gocase.h"
#include "subject.h"

/* The frame the generator built, as CFA - SP after the prologue. */
static int32_t expected_frame(const struct target *t, const struct fc_func *fn)
{
	struct fc_code c = {0};
	struct fc_cfa_step st[FC_MAX_CFA_STEPS];
	unsigned n = 0;
	struct fc_frame fr = {fn->frame, fn->frame_size};
	t->frame_enter(&c, &fr, st, &n);
	fc_code_free(&c);
	return n ? st[n - 1].cfa : t->cfa_entry;
}

static int run(struct fc_subject *s, struct fc_check_result *r)
{
	const struct fc_cfi_result *cr;
	const struct fc_cfi_extra *cx;
	int rc = fc_subject_cfi_for(s, r, &cr, &cx);
	if (rc)
		return rc < 0 ? -1 : 0;
	if (!cr->have_cfi || !cr->frame_real) {
		r->state = FC_CK_NOT_RUN;
		r->why = fc_xstrdup("no CFI to measure frames by");
		return 0;
	}
	r->checked = cr->functions;
	if (s->kind == FC_KIND_GO) {
		fc_go_frames(&s->im, &s->gm, &s->m, s->go, cr, &r->f, &r->failed);
	} else {
		for (size_t i = 0; i < s->cfi_n; i++) {
			const struct fc_func *fn = &s->m.funcs[s->cfi_fi[i]];
			uint64_t entry = fc_subject_entries(s)[s->cfi_fi[i]];
			int32_t want = expected_frame(s->t, fn);
			if (cr->frame_real[i] == INT64_MIN) {
				/* The generator wrote an FDE for every function. */
				r->failed++;
				fc_find(&r->f, FC_SEV_FAIL, fn->name, 0, entry,
					"%s: %s: no FDE covers it, though the case has one for it",
					s->path, fn->name);
			} else if (cr->frame_real[i] != want) {
				r->failed++;
				fc_find(&r->f, FC_SEV_FAIL, fn->name, 0, entry,
					"%s: %s: the frame is %" PRId64 " bytes (CFA - SP), the "
					"generator built %d", s->path, fn->name, cr->frame_real[i], want);
			}
		}
	}
	r->summary = fc_xasprintf("%" PRIu64 " functions, %" PRIu64 " frames not as built",
				  r->checked, r->failed);
	return 0;
}

const struct fc_check fc_check_frames = {
	.name = "frames",
	.what = "each function's frame, by execution, is the one its source asked for",
	.kinds = FC_KIND_CASE | FC_KIND_GO,
	.code = true,
	.run = run,
};
