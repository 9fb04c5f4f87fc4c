/* farcall run --linker NEW --against OLD: the same cases with two linkers,
 * and what changed between them, regressions first. */
#ifndef FC_AGAINST_H
#define FC_AGAINST_H

#include <jansson.h>
#include <stdio.h>

#include "report.h"

struct fc_against {
	json_t *json;      /* {"new","old","regressions","changes":[...]} */
	char *markdown;    /* against.md */
	size_t regressions;
};

/* Pair NEW's and OLD's result of every case (same case directory and
 * scenario) in V, and describe the differences. */
void fc_against(const struct fc_case_result *v, size_t n, const char *new_name,
		const char *old_name, struct fc_against *a);
void fc_against_free(struct fc_against *a);

#endif
