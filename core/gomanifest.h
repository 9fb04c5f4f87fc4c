/* The expectations of a Go case (farcall gen --frontend go): the functions
 * the generator wrote, on which lines, with what frame, and every call
 * edge with the line of its call. JSON, read and written with jansson;
 * docs/manifest.md describes it. */
#ifndef FC_GOMANIFEST_H
#define FC_GOMANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../targets/target.h"

#define FC_GO_MANIFEST_NAME "go-manifest.json"
#define FC_GO_MANIFEST_VERSION 1
#define FC_GO_MODULE "farcall.test/m"
#define FC_GO_SRC "src" /* the module, inside the case */

struct fc_go_func {
	char *name;        /* as the binary's symbol: "farcall.test/m/p03.F0123" */
	char *file;        /* relative to the module: "p03/f01.go" */
	uint32_t line, end; /* the func line and the closing brace */
	bool leaf;         /* calls nothing: must have no frame at all */
	uint32_t locals;   /* bytes of locals that must be in its frame */
	uint32_t first_call, ncalls; /* its edges in fc_go_manifest.calls */
};

struct fc_go_call {
	uint32_t caller, callee; /* indices in funcs */
	uint32_t line;           /* of the call, in the caller's file */
};

struct fc_go_manifest {
	const struct target *t;
	uint64_t seed;
	uint32_t pkgs;
	struct fc_go_func *funcs;
	size_t nfuncs;
	struct fc_go_call *calls;
	size_t ncalls;
};

/* Is DIR a Go case (has a Go manifest)? */
bool fc_go_case(const char *dir);
int fc_go_manifest_save(const char *dir, const struct fc_go_manifest *m);
/* Returns -1 with a message naming the file and what is wrong. */
int fc_go_manifest_load(const char *dir, struct fc_go_manifest *m);
/* The same from len bytes in memory; `path` only names it in messages
 * (the fuzz harness feeds it). */
int fc_go_manifest_parse(const char *path, const char *buf, size_t len,
			 struct fc_go_manifest *m);
void fc_go_manifest_free(struct fc_go_manifest *m);

#endif
