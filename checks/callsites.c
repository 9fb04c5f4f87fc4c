/* callsites: the call-site table the objects recorded (gen --record-calls,
 * as -mrecord-mcount records __mcount_loc) still holds, after the link,
 * the address of each call and its callee's, and each call executes from
 * there to its callee (verify/calltable.c). */
#define _GNU_SOURCE
#include <inttypes.h>

#include "../core/util.h"
#include "../verify/calltable.h"
#include "subject.h"

static int run(struct fc_subject *s, struct fc_check_result *r)
{
	if (!s->m.record_calls) {
		r->state = FC_CK_NA;
		return 0;
	}
	struct fc_calltable_result ct;
	if (fc_calltable_check(&s->im, &s->m, s->o.jobs, &ct, &r->f) < 0)
		return -1;
	r->checked = ct.entries > ct.expected ? ct.entries : ct.expected;
	r->failed = ct.failed;
	r->summary = fc_xasprintf("%" PRIu64 " entries, %" PRIu64 " failed", r->checked, ct.failed);
	return 0;
}

const struct fc_check fc_check_callsites = {
	.name = "callsites",
	.what = "the recorded call-site table still names every call and its callee",
	.kinds = FC_KIND_CASE,
	.code = true,
	.run = run,
};
