/* kept_relocs: with --emit-relocs, every relocation the linker kept for an
 * allocated section, re-applied to the output, gives the output's bytes
 * (verify/keptrelocs.c; sourceware 28234). */
#define _GNU_SOURCE
#include <inttypes.h>

#include "../core/util.h"
#include "../verify/keptrelocs.h"
#include "subject.h"

static int run(struct fc_subject *s, struct fc_check_result *r)
{
	struct fc_kept_result kr;
	if (fc_kept_relocs_check(&s->im, &kr) < 0)
		return -1;
	if (!kr.have) {
		r->state = FC_CK_NA;
		r->why = fc_xstrdup("no relocations kept (not linked with --emit-relocs)");
		fc_kept_result_free(&kr);
		return 0;
	}
	r->checked = kr.checked;
	r->failed = kr.failed;
	fc_findings_take(&r->f, &kr.f);
	r->summary = fc_xasprintf("%" PRIu64 " kept, %" PRIu64 " re-applied, %" PRIu64 " failed, %"
				  PRIu64 " through stubs, %" PRIu64 " skipped", kr.relocs, kr.checked,
				  kr.failed, kr.via_stub, kr.skipped);
	r->figures = json_pack("{s:I, s:I, s:I}", "kept", (json_int_t)kr.relocs, "via_stub",
			       (json_int_t)kr.via_stub, "skipped", (json_int_t)kr.skipped);
	fc_kept_result_free(&kr);
	return 0;
}

const struct fc_check fc_check_kept_relocs = {
	.name = "kept_relocs",
	.what = "relocations kept with --emit-relocs reproduce the output's bytes",
	.kinds = FC_KIND_ALL,
	.run = run,
};
