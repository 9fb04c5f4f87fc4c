/* What a linker's thunk is for, from its name, when the linker said so:
 * lld "__AArch64AbsLongThunk_f" (any "__...Thunk_f"), bfd "__f_veneer",
 * mold "f$thunk3", Go "f-tramp0" and "f+80-tramp0" (an offset, in hex).
 * farcall check then holds a call through that thunk to f, not to any
 * function. Nothing depends on it: a thunk without such a name (gold's)
 * still must reach a function entry. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "thunknames.h"

static bool resolve(const struct fc_syms *s, const char *name, size_t len, uint64_t off,
		    uint64_t *target)
{
	char *n = fc_xasprintf("%.*s", (int)len, name);
	const struct fc_sym *y = fc_syms_by_name(s, n);
	free(n);
	if (!y)
		return false;
	*target = y->addr + off;
	return true;
}

bool fc_thunk_target(const struct fc_syms *s, uint64_t thunk, uint64_t *target)
{
	const struct fc_sym *y = fc_syms_at(s, thunk);
	if (!y || y->addr != thunk)
		return false;
	const char *n = y->name, *p;
	size_t len = strlen(n);
	if (!strncmp(n, "__", 2) && (p = strstr(n, "Thunk_")))
		return resolve(s, p + 6, strlen(p + 6), 0, target);
	if (!strncmp(n, "__", 2) && len > 9 && !strcmp(n + len - 7, "_veneer"))
		return resolve(s, n + 2, len - 9, 0, target);
	if ((p = strstr(n, "$thunk")))
		return resolve(s, n, (size_t)(p - n), 0, target);
	if ((p = strstr(n, "-tramp"))) {
		const char *plus = memchr(n, '+', (size_t)(p - n));
		uint64_t off = plus ? strtoull(plus + 1, NULL, 16) : 0;
		return resolve(s, n, (size_t)((plus ? plus : p) - n), off, target);
	}
	return false;
}
