#ifndef FC_THUNKNAMES_H
#define FC_THUNKNAMES_H

#include <stdbool.h>
#include <stdint.h>

#include "../emu/image.h"

/* The destination a thunk at `thunk` names, when its symbol names one. */
bool fc_thunk_target(const struct fc_syms *s, uint64_t thunk, uint64_t *target);

#endif
