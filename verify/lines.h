/* Line tables and subprograms of a binary, through libdw. */
#ifndef FC_LINES_H
#define FC_LINES_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
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

/* A line sequence that runs past the end of the subprogram it describes and
 * over the start of another function (clang 14 for riscv64, assembling its
 * own output, writes a sequence's rows and its end as they were before the
 * linker's relaxation deleted bytes). Running past the end into padding is
 * not one: no other function's code is described. */
struct fc_line_overrun {
	uint64_t owner_lo, owner_hi; /* owner_lo first: the sort key */
	char *owner;                 /* the subprogram's name, or NULL */
	uint64_t seq_end;            /* its DW_LNE_end_sequence address */
	uint64_t into_lo;            /* the first function it runs into */
	char *into;                  /* that one's name (subprogram or symbol), or NULL */
	uint32_t over;               /* function starts before seq_end: 1, or more */
};

struct fc_lines {
	bool have;                 /* any DWARF at all */
	struct fc_line_span *spans; /* sorted by lo */
	size_t nspans, spans_cap;
	struct fc_subprogram *subs; /* sorted by lo */
	size_t nsubs;
	char *problems;            /* malformed units, one per line, or NULL */
	char **files;              /* source file names of the rows and subprograms */
	size_t nfiles;
	struct fc_line_overrun *overruns; /* sorted by owner_lo */
	size_t noverruns;
	uint32_t *file_hash;       /* files by name: index + 1, 0 for free (lines.c's intern) */
	size_t file_hash_cap;
};

/* Read every CU's line table and subprograms. A unit that libdw cannot
 * read is a problem recorded for it, not an error. A sequence that runs
 * into another function covers none of that function's code but where its
 * rows cannot be told from that function's own (see lines.c), and is
 * recorded in overruns. */
int fc_lines_load(Elf *elf, const char *path, struct fc_lines *l);
void fc_lines_free(struct fc_lines *l);
/* The span covering addr, or NULL. */
const struct fc_line_span *fc_lines_at(const struct fc_lines *l, uint64_t addr);
/* The same, faster for rising addresses: *hint (0 at first) is kept
 * between calls. */
const struct fc_line_span *fc_lines_at_hint(const struct fc_lines *l, uint64_t addr,
					    size_t *hint);
/* The subprogram starting at addr, or NULL. */
const struct fc_subprogram *fc_lines_sub(const struct fc_lines *l, uint64_t addr);
/* The finding, as "caller: its line sequence ends 0xc bytes past its end
 * (0x111ec), into _start"; returns buf. */
const char *fc_line_overrun_fmt(const struct fc_line_overrun *o, char *buf, size_t n);

/* The loader's core, without libdw, for the tests: the rows of one unit in
 * the order dwarf_getsrclines gives them (by address, the unit's sequences
 * merged), and every function of the binary sorted by lo: the subprograms
 * with their unit, the other code symbols with FC_LINES_NO_CU. Adds spans
 * and overruns to l; fc_lines_sort puts them in order once all are in. */
#define FC_LINES_NO_CU UINT32_MAX
struct fc_line_row {
	uint64_t addr;
	int line;      /* an end's: its sequence's last row's */
	uint32_t file;
	bool end;      /* DW_LNE_end_sequence */
};
struct fc_line_fn {
	uint64_t lo, hi; /* lo first: the sort key */
	const char *name;
	uint32_t cu;
	int decl_line;   /* 0, and decl_file UINT32_MAX, when not known */
	uint32_t decl_file;
	uint8_t seq;     /* the loader's; 0 to begin with */
};
void fc_lines_add_unit(struct fc_lines *l, struct fc_line_fn *fns, size_t nfns, uint32_t cu,
		       const struct fc_line_row *rows, size_t n);
void fc_lines_sort(struct fc_lines *l);

#endif
