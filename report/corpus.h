/* The corpus: named scenarios, one small text file each, and the list of
 * linkers' known failures. docs/corpus.md describes both formats. */
#ifndef FC_CORPUS_H
#define FC_CORPUS_H

#include <stdbool.h>
#include <stddef.h>

struct fc_scenario {
	char *name;        /* the file's name without ".scn" */
	char *file;        /* as given, for messages */
	char *arch;
	char **gen;        /* argv for fc_gen_parse: "gen", options..., NULL */
	int ngen;
	char *flags;       /* extra linker arguments, or NULL */
	bool link_error;   /* expect: link-error */
	bool quick;        /* small enough for make check */
};

struct fc_known {
	char *linker, *scenario; /* fnmatch patterns */
	char *reason;
	char *where;             /* file:line */
};

struct fc_corpus {
	struct fc_scenario *s;
	size_t n;
	struct fc_known *k;
	size_t nk;
};

/* Every scenario file (NAME.scn) of DIR in name order, and DIR/known-failures if present.
 * A broken file: one message naming the file, the line and the problem,
 * and -1. */
int fc_corpus_load(const char *dir, struct fc_corpus *c);
void fc_corpus_free(struct fc_corpus *c);
/* One scenario from len bytes in memory, as fc_corpus_load reads a file
 * (path and name only name it); free with fc_scenario_free whatever it
 * returned. The fuzz harness feeds it. */
int fc_scenario_parse(const char *path, const char *name, const char *buf, size_t len,
		      struct fc_scenario *s);
void fc_scenario_free(struct fc_scenario *s);
/* The reason the linker named NAME (as in the report) or found at PATH
 * (may be NULL) is known to fail SCENARIO, or NULL. */
const char *fc_corpus_known(const struct fc_corpus *c, const char *name, const char *path,
			    const char *scenario);

#endif
