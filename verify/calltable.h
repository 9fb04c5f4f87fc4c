/* The recorded call-site table (gen --record-calls) after the link. */
#ifndef FC_CALLTABLE_H
#define FC_CALLTABLE_H

#include "../checks/check.h"
#include "../core/manifest.h"
#include "../emu/image.h"

struct fc_calltable_result {
	bool have;          /* the output has the section */
	uint64_t expected;  /* entries the objects recorded */
	uint64_t entries;   /* entries the output has */
	uint64_t failed;    /* entries that do not hold */
};

/* Every entry must still hold the address of its call, and its callee's,
 * and the call must execute from there to the callee: the class of ftrace's
 * __mcount_loc on RISC-V, recorded before relaxation moved the calls.
 * Each entry that does not hold is a finding in f. Returns -1 only for farcall's own errors. */
int fc_calltable_check(struct fc_image *im, const struct fc_manifest *m, unsigned jobs,
		       struct fc_calltable_result *r, struct fc_findings *f);

#endif
