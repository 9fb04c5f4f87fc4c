/* One Go case with Go's toolchain: go build, then every edge, line and
 * frame checked (verify/gocase.c); what `farcall run` does for the "go"
 * linker. Results land in the fields C-style cases fill, so the table,
 * JSON, JUnit and HTML reports treat both alike. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/gomanifest.h"
#include "../core/jsonfile.h"
#include "../core/util.h"
#include "../verify/gocase.h"
#include "run.h"

void fc_run_go(const char *casedir, struct fc_linker *l, const char *flags, double timeout,
	       bool keep, struct fc_case_result *r)
{
	char *dir = fc_xasprintf("%s/%s", casedir, l->name);
	char *out = fc_xasprintf("%s/out", dir);
	struct fc_go_manifest gm;
	if (fc_go_manifest_load(casedir, &gm) < 0) {
		r->verdict = FC_V_ERROR;
		r->reason = fc_xstrdup(fc_last_error());
		goto done;
	}
	struct fc_link_result lr;
	fc_run_status(false, "%s %s: building the Go module", gm.t->name, l->name);
	if (fc_link_go_case(casedir, gm.t, l, dir, out, flags, timeout, &lr) < 0) {
		r->verdict = FC_V_ERROR;
		r->reason = fc_xstrdup(fc_last_error());
		goto out;
	}
	fc_run_take_link(r, dir, &lr);
	if (!lr.ok) {
		/* Valid Go: a toolchain that cannot build it has failed. */
		r->verdict = FC_V_FAIL;
		r->reason = fc_xstrdup(lr.problem);
		fc_link_result_free(&lr);
		goto out;
	}
	fc_link_result_free(&lr);
	fc_run_status(false, "%s %s: checking %zu call edges", gm.t->name, l->name, gm.ncalls);
	struct fc_image im;
	if (fc_image_open(&im, out, gm.t) < 0) {
		r->verdict = FC_V_FAIL;
		r->reason = fc_xasprintf("output unusable: %s", fc_last_error());
		fc_image_close(&im);
		goto out;
	}
	for (size_t i = 0; i < im.nsegs; i++)
		if (im.segs[i].prot & UC_PROT_EXEC)
			r->size += im.segs[i].hi - im.segs[i].lo;
	struct fc_go_check gc;
	if (fc_go_check(&im, &gm, 1, &gc) < 0) {
		r->verdict = FC_V_ERROR;
		r->reason = fc_xstrdup(fc_last_error());
	} else {
		struct fc_calls_result *cr = &gc.calls;
		r->have_calls = 1;
		/* An edge without its call is a call that failed. */
		r->checked = cr->checked + gc.edges_missing;
		r->failed = cr->failed + gc.edges_missing + gc.edges_unexpected + gc.funcs_missing;
		r->calls = r->checked;
		r->calls_failed = r->failed;
		r->direct = cr->direct;
		r->via_thunk = cr->via_thunk;
		r->thunks = cr->thunks;
		r->emu_s = cr->seconds;
		json_t *j = fc_go_check_json(&im, &gc, 200);
		r->failures = json_incref(json_object_get(json_object_get(j, "calls"), "failures"));
		r->verify_msgs = json_incref(json_object_get(j, "messages"));
		char *ejp = fc_xasprintf("%s/check.json", dir);
		fc_write_json(ejp, j, JSON_INDENT(2));
		free(ejp);
		json_decref(j);
		r->have_verify = 1;
		r->dwarf = 4; /* Go 1.19 writes DWARF 4 */
		r->cfi = 2;   /* in .debug_frame */
		r->line_funcs = gc.v.functions;
		r->lines_failed = gc.v.lines_failed + !gc.v.have_lines;
		r->lines_pct = gc.v.line_insns
				       ? 100.0 * (double)gc.v.line_ok / (double)gc.v.line_insns
				       : 0.0;
		r->cfi_funcs = gc.v.cfi_functions;
		r->cfi_failed = gc.v.cfi_failed + gc.v.frames_failed + !gc.v.have_cfi;
		if (fc_go_check_failed(&gc)) {
			r->verdict = FC_V_FAIL;
			r->reason = fc_xasprintf(
				"%" PRIu64 " of %zu call edges failed (%" PRIu64 " not at their line, %" PRIu64
				" unexpected calls, %" PRIu64 " functions missing); %" PRIu64
				" functions fail the line checks, %" PRIu64 " the CFI and frame checks",
				cr->failed + gc.edges_missing, gm.ncalls, gc.edges_missing,
				gc.edges_unexpected, gc.funcs_missing, r->lines_failed, r->cfi_failed);
			char *tp = fc_xasprintf("%s/check.txt", dir);
			struct fc_afile a;
			if (fc_afile_open(&a, tp) == 0) {
				fc_go_check_print(a.f, &im, &gc, 50);
				for (size_t k = 0; k < gc.v.nbad && k < 4; k++)
					fc_verify_excerpt(a.f, &im, gc.v.bad[k]);
				fc_afile_commit(&a);
				r->details = fc_run_details(tp);
			}
			free(tp);
		} else {
			r->verdict = FC_V_PASS;
		}
	}
	fc_go_check_free(&gc);
	fc_image_close(&im);
	if (r->verdict == FC_V_PASS && !keep)
		unlink(out);
out:
	fc_go_manifest_free(&gm);
done:
	fc_run_status(false, "%s", "");
	free(dir);
	free(out);
}
