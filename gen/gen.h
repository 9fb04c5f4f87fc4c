/* The generator: a program model laid out over a requested .text size, and
 * the ELF relocatable objects that carry it. */
#ifndef FC_GEN_H
#define FC_GEN_H

#include <stdint.h>

#include "../core/manifest.h"

struct fc_gen_opts {
	const struct target *t;
	uint64_t size;      /* bytes of .text, padding included */
	uint64_t seed;
	uint32_t funcs;     /* functions, _start included */
	uint32_t objs;      /* 0: chosen from funcs */
	uint32_t calls;     /* average call sites per function */
	uint32_t far_pct;   /* share of sites aimed beyond direct range */
	uint32_t tail_pct;  /* share of functions ending in a tail call */
};

/* Functions per object at most: three sections each must stay below
 * SHN_LORESERVE so that no object needs extended section numbering. */
#define FC_MAX_FUNCS_PER_OBJ 16384u
#define FC_DEFAULT_FUNCS_PER_OBJ 4096u

/* Build the model: functions, their sizes and layout, their sites and
 * callees. Fills `m` (which the caller frees). */
int fc_model_build(const struct fc_gen_opts *o, struct fc_manifest *m);

/* Write object `obj` of the model into `dir`, padding as file holes. */
int fc_write_object(const char *dir, const struct fc_manifest *m, uint32_t obj,
		    uint64_t *code_bytes, uint64_t *disk_bytes);

#endif
