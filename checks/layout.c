/* layout: segments and sections agree (verify/layout.c): what a loader
 * maps, what a debugger reads, and the entry point; in a binary, function
 * symbols that do not overlap. */
#define _GNU_SOURCE
#include <inttypes.h>

#include "../core/util.h"
#include "../verify/layout.h"
#include "subject.h"

static int run(struct fc_subject *s, struct fc_check_result *r)
{
	fc_layout_check(&s->im, &r->f);
	/* A binary's function symbols that overlap (found while reading
	 * them: checks/subject.c) break every tool that maps an address to
	 * its function. */
	fc_findings_take(&r->f, &s->scan);
	r->checked = 1;
	r->failed = r->f.fails ? 1 : 0;
	r->summary = fc_xasprintf("%" PRIu64 " findings, %" PRIu64 " notes", r->f.fails,
				  r->f.notes);
	return 0;
}

const struct fc_check fc_check_layout = {
	.name = "layout",
	.what = "program and section headers agree: segments loadable, sections where they are "
		"loaded, the entry point in code",
	.kinds = FC_KIND_ALL,
	.run = run,
};
