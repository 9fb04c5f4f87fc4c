/* What a linker's thunk is for, from its name, when the linker said so
 * (the linker table reads the names: fc_thunk_name_parse). farcall check
 * then holds a call through that thunk to where the name says, not to any
 * function. Nothing depends on it: a thunk without such a name (gold's)
 * still must reach a function entry. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "../link/linker_table.h"
#include "thunknames.h"

bool fc_thunk_target(const struct fc_syms *s, uint64_t thunk, uint64_t *target)
{
	const struct fc_sym *y = fc_syms_at(s, thunk);
	struct fc_thunk_name tn;
	if (!y || y->addr != thunk || !fc_thunk_name_parse(y->name, &tn) || !tn.callee_len)
		return false;
	char *n = fc_xasprintf("%.*s%s", (int)tn.callee_len, tn.callee, tn.suffix);
	const struct fc_sym *c = fc_syms_by_name(s, n);
	free(n);
	if (!c)
		return false;
	*target = c->addr + tn.off;
	return true;
}
