/* data: every address sequence (ADRP+ADD, GOT loads, MOVZ/MOVK, AUIPC+ADDI,
 * LEA, MOVABS...) run from its first instruction to its last, relaxed or
 * not, leaves its target's address in its register, and every relocated
 * data word holds what its relocation says, after the dynamic relocations
 * a loader applies. Only generated cases know what each should hold. */
#define _GNU_SOURCE
#include <inttypes.h>

#include "../core/util.h"
#include "sites.h"

static int run(struct fc_subject *s, struct fc_check_result *r)
{
	if (fc_sites_findings(s, false, r) < 0)
		return -1;
	const struct fc_calls_result *c = fc_subject_calls(s);
	r->checked = c->data;
	r->failed = c->data_failed;
	r->summary = fc_xasprintf("%" PRIu64 " addresses and data words, %" PRIu64 " failed; %"
				  PRIu64 " address sequences relaxed", c->data, c->data_failed,
				  c->relaxed_addr);
	r->figures = json_pack("{s:I}", "relaxed", (json_int_t)c->relaxed_addr);
	return 0;
}

const struct fc_check fc_check_data = {
	.name = "data",
	.what = "every address sequence and relocated data word gives its target's address",
	.kinds = FC_KIND_CASE,
	.exec = true,
	.code = true,
	.run = run,
};
