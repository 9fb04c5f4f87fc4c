/* Line tables and subprograms of a binary, through libdw. */
#ifndef FC_LINES_H
#define FC_LINES_H

#include <gelf.h>
#include <stdbool.h>
#include <stdint.h>

struct fc_line_span {
	uint64_t lo, hi; /* [lo, hi) covered by one row; lo first: the sort key */
	int line;
	uint32_t file;   /* index in fc_lines.files */
};

struct fc_subprogram {
	uint64_t lo, hi; /* lo first: the sort key */
	const char *name;
};

struct fc_lines {
	bool have;                 /* any DWARF at all */
	struct fc_line_span *spans; /* sorted by lo */
	size_t nspans;
	struct fc_subprogram *subs; /* sorted by lo */
	size_t nsubs;
	char *problems;            /* malformed units, one per line, or NULL */
	char **files;              /* source file names the rows name */
	size_t nfiles;
};

/* Read every CU's line table and subprograms. A unit that libdw cannot
 * read is a problem recorded for it, not an error. */
int fc_lines_load(Elf *elf, const char *path, struct fc_lines *l);
void fc_lines_free(struct fc_lines *l);
/* The span covering addr, or NULL. */
const struct fc_line_span *fc_lines_at(const struct fc_lines *l, uint64_t addr);
/* The subprogram starting at addr, or NULL. */
const struct fc_subprogram *fc_lines_sub(const struct fc_lines *l, uint64_t addr);

#endif
