/* The manifest: what the generator knows to be true about a case, and what
 * emu and verify check the linked output against. Format: docs/manifest.md. */
#ifndef FC_MANIFEST_H
#define FC_MANIFEST_H

#include <stdint.h>

#include "../targets/target.h"

#define FC_MANIFEST_NAME "manifest.txt"
#define FC_GEN_VERSION 1

struct fc_func {
	const char *name;
	uint32_t obj;
	uint32_t size;     /* bytes of code */
	uint64_t addr;     /* predicted offset from the start of .text */
	uint64_t pad;      /* zero bytes the generator put after it */
	uint32_t first_site, nsites;
};

struct fc_site {
	uint32_t caller;
	uint32_t off;      /* from the caller's entry */
	uint32_t callee;
	uint8_t kind;      /* enum fc_site_kind */
	uint8_t far;       /* predicted out of direct range */
	int64_t addend;
};

struct fc_manifest {
	const struct target *t;
	uint32_t generator;
	uint64_t seed, size;
	char *options;     /* the generator options, for the record */
	uint32_t nobjs;
	char **objs;
	uint32_t nfuncs;
	struct fc_func *funcs;
	uint64_t nsites;
	struct fc_site *sites;
	char *arena;       /* function names */
	size_t arena_len, arena_cap;
};

/* Returns 0, or -1 after a message naming the file and line. */
int fc_manifest_load(const char *casedir, struct fc_manifest *m);
int fc_manifest_save(const char *casedir, const struct fc_manifest *m);
void fc_manifest_free(struct fc_manifest *m);
/* Copy a name into the manifest's arena; the pointer is stable only after
 * fc_manifest_fix_names(). */
uint64_t fc_manifest_add_name(struct fc_manifest *m, const char *name);
void fc_manifest_fix_names(struct fc_manifest *m, const uint64_t *offs);

#endif
