/* What farcall knows of each kind of linker, one row per flavour, as
 * struct target is for each architecture: generic code (finding, naming,
 * the command line, the checks that read thunk names) asks the row and
 * does not switch on the linker itself. Data only, no I/O: linkers.c
 * finds and runs them. */
#ifndef FC_LINKER_TABLE_H
#define FC_LINKER_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* FC_LD_GO: Go's toolchain, which links what it compiles (go build); it
 * takes Go cases (gen --frontend go) and only those. FC_LD_UNKNOWN: a
 * custom or path linker whose --version names none of the others. */
enum fc_flavor { FC_LD_BFD, FC_LD_GOLD, FC_LD_LLD, FC_LD_MOLD, FC_LD_UNKNOWN, FC_LD_GO };
#define FC_NFLAVORS (FC_LD_GO + 1)

/* A flavour's program for one arch, where each arch has its own (the
 * cross binutils). */
struct fc_linker_port {
	const char *arch;    /* a target's name */
	const char *program; /* looked for on PATH */
};

/* What a thunk's or stub's symbol says, by its linker's naming. */
struct fc_thunk_name {
	enum fc_flavor flavor; /* whose naming it is */
	const char *callee;    /* the symbol it leads to, inside the name; */
	size_t callee_len;     /* 0: the name does not say (a section symbol's) */
	const char *suffix;    /* to append to the callee: Go's ".abi0", else "" */
	uint64_t off;          /* Go's "f+80-tramp0": it leads to f+0x80; the
	                        * others name the symbol only, whatever the addend */
	bool plt;              /* a PLT entry, through the GOT, not a range thunk */
};

struct fc_linker_kind {
	enum fc_flavor flavor;
	const char *name;     /* what --linker takes and what a found one is
	                       * called: "bfd"; lld's are "lld-<major>" */
	const char *alias;    /* another name --linker takes: "ld" */

	/* Finding it: the arch's port, or `program` for every arch (one
	 * binary that serves them all); neither: it is never looked for. */
	const struct fc_linker_port *ports;
	size_t nports;
	const char *program;
	int min_ver, max_ver; /* also program-N on PATH for N in this range,
	                       * one linker per binary (ld.lld-19) */

	/* Its version: the first line `program version_arg` prints, which
	 * names the flavour with `says` (at its start when says_first: mold
	 * also says it is "compatible with GNU ld"). by_file_name: known by
	 * its file name before it is run (go, which takes no --version). */
	const char *version_arg, *says;
	bool says_first, by_file_name;

	/* Its command line for objects, besides what every flavour gets. */
	bool emulation;       /* -m <the arch's emulation>: one binary, every arch */
	const char *own_flag; /* mold: --no-fork, else its time and memory are
	                       * a parent's that exits early */
	bool own_flag_timing; /* own_flag is there only for that measurement:
	                       * bench, which measures the whole process tree,
	                       * runs the linker as people do, without it */
	const char *thread_flag; /* its thread count, words with one %u
	                       * (lld: "--threads=%u"); NULL: it has none, and
	                       * bench links it once, with its default */
	bool no_dyn_linker;   /* has --no-dynamic-linker (for a PIE without an
	                       * interpreter); gold has not */

	/* Its thunks' and stubs' names (NULL: it names none). */
	bool (*thunk_name)(const char *sym, struct fc_thunk_name *tn);

	/* What it is known not to do, as a sentence after its name. */
	const char *no_port;    /* an arch without a port: "has no %s target" */
	const char *no_objects; /* not NULL: it does not link objects */
};

const struct fc_linker_kind *fc_linker_kind(enum fc_flavor f);
/* The kind --linker NAME asks for (bfd, ld, gold, lld, lld-N, mold, go),
 * or NULL. */
const struct fc_linker_kind *fc_linker_kind_by_name(const char *name);
/* What to look for on PATH for the kind on ARCH; NULL: no port there. */
const char *fc_linker_program(const struct fc_linker_kind *k, const char *arch);
/* The -m name of ARCH for the linkers that take one, or NULL. */
const char *fc_linker_emulation(const char *arch);
/* Why the kind cannot link for ARCH, as a sentence after its name ("has
 * no riscv64 target", malloc'd), or NULL when it has a port there. */
char *fc_linker_no_port(const struct fc_linker_kind *k, const char *arch);
/* Why --linker NAME, which farcall knows, cannot link for ARCH (malloc'd,
 * for a run's skip row), or NULL. */
char *fc_linker_skip(const char *name, const char *arch);
/* The flavour a --version line names, FC_LD_UNKNOWN when none. */
enum fc_flavor fc_flavor_of(const char *version);
/* The words that set the kind's thread count to N (malloc'd, one blank
 * between words), or NULL when it has no such option. */
char *fc_linker_thread_flag(const struct fc_linker_kind *k, unsigned n);
/* What a found linker of kind K is called: lld by its major version. */
char *fc_linker_found_name(const struct fc_linker_kind *k, const char *version);
const char *fc_flavor_name(enum fc_flavor f);

/* The one reading of linker-made symbol names: true when SYM is a thunk's
 * or stub's by some linker's naming (tn, when not NULL, says what it
 * names). Only names these linkers are seen to write are known. */
bool fc_thunk_name_parse(const char *sym, struct fc_thunk_name *tn);
bool fc_is_linker_stub_name(const char *sym);

#endif
