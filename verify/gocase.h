/* Checking a Go case's binary (go build of what gen --frontend go wrote)
 * against its manifest: every call edge at its line, executed through
 * whatever trampoline to exactly its callee; every instruction of every
 * generated function on a line of that function; the CFI by execution;
 * leaves without a frame, and frames that hold their locals. */
#ifndef FC_GOCASE_H
#define FC_GOCASE_H

#include "../core/gomanifest.h"
#include "../core/manifest.h"
#include "../emu/emu.h"
#include "verify.h"

struct fc_go_check {
	struct fc_manifest m;          /* the functions found; calls matched to edges as sites */
	struct fc_calls_result calls;  /* those sites, executed */
	struct fc_verify_result v;     /* lines, CFI, frames; edge findings among msgs */
	uint64_t edges, edges_missing, edges_unexpected, funcs_missing;
};

/* Returns -1 only for farcall's own errors (a message said why). */
int fc_go_check(struct fc_image *im, const struct fc_go_manifest *gm, unsigned jobs,
		struct fc_go_check *r);
void fc_go_check_free(struct fc_go_check *r);
/* Anything wrong? */
static inline bool fc_go_check_failed(const struct fc_go_check *r)
{
	return r->calls.failed || r->edges_missing || r->edges_unexpected || r->funcs_missing ||
	       r->v.lines_failed || !r->v.have_lines || r->v.cfi_failed || r->v.frames_failed ||
	       !r->v.have_cfi;
}
json_t *fc_go_check_json(struct fc_image *im, const struct fc_go_check *r, size_t max);
/* farcall emu and verify of a Go case: everything, printed; exit status. */
int fc_go_cmd(const char *casedir, const char *out, unsigned jobs, size_t max_report,
	      const char *json);
/* The summary lines, the binary's name first. */
void fc_go_check_print(FILE *f, struct fc_image *im, struct fc_go_check *r, size_t max_report);

#endif
