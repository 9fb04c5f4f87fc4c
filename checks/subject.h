/* One kind of case: what the checks look at, whoever made it. A generated
 * C case (its manifest), a Go case (its go-manifest) and a binary nobody
 * generated (functions from its symbols and DWARF, calls found by
 * disassembly) all end up as an image and an fc_manifest of functions and
 * sites, so that the checks, emu, verify and run never ask which it is
 * except through fc_check.kinds. What several checks need (the site
 * results, the line table, the CFI run) is computed once, on first use. */
#ifndef FC_SUBJECT_H
#define FC_SUBJECT_H

#include "../core/gomanifest.h"
#include "../core/manifest.h"
#include "../emu/emu.h"
#include "../verify/cfi.h"
#include "../verify/lines.h"
#include "check.h"

#include <elfutils/libdw.h>

struct fc_subject_opts {
	unsigned jobs;
	bool cfi_strict;   /* binaries: CFI exact at every instruction */
};

struct fc_go_scan;

struct fc_subject {
	enum fc_kind kind;
	const char *path;        /* the binary */
	const char *casedir;     /* NULL for a binary */
	struct fc_image im;
	const struct target *t;
	struct fc_manifest m;    /* functions and sites, whoever wrote them */
	struct fc_go_manifest gm; /* FC_KIND_GO */
	struct fc_subject_opts o;
	bool go_code;            /* Go's runtime is in it (a Go case or Go binary) */
	uint64_t nthunks;        /* binaries: code symbols that are the linker's */
	uint64_t nthunks_shaped; /* ...of which known by their shape, not their name */
	uint64_t weak_calls;     /* calls to undefined weak functions, not checked */
	uint64_t unnamed_hops;   /* calls whose first hop is code no symbol covers */
	struct fc_findings scan; /* binaries and Go: what was found while building m */
	struct fc_go_scan *go;   /* FC_KIND_GO: the edges and lines matched */
	/* Binaries: calls whose way goes through a PLT or IPLT entry, held to
	 * an import's stub or an IFUNC's implementation; per import and per
	 * IFUNC of im.dyn. */
	uint64_t calls_to_imports, calls_to_ifuncs;
	uint32_t *import_calls, *ifunc_calls;

	/* Computed once, on first use (NULL until then). */
	uint64_t *entries;            /* output address of each function of m */
	struct fc_lines *lines;
	struct fc_calls_result *calls; int calls_rc;
	struct fc_cfi_result *cfi; struct fc_cfi_extra *cfi_x; int cfi_rc;
	uint32_t *cfi_fi;             /* the function of m of each one the CFI run ran */
	size_t cfi_n;
	/* Figures of the linked output, not of a check (thunks, relaxed):
	 * checks put them here and reports show them per case. */
	json_t *figures;
};

/* Is a binary's code symbol something the linker made (a thunk, a veneer,
 * a stub), and how do we know? The rule, in one place: a name of the
 * linker table's (link/linker_table.c), or the shape of a range thunk (at
 * most FC_STUB_MAX bytes ending in an indirect jump through a register
 * only thunks may use, or a PC-relative slot; no call, no return; or one
 * direct jump alone).
 * A symbol with debug info is a function whatever it looks like. */
enum fc_stub { FC_STUB_NO, FC_STUB_NAMED, FC_STUB_SHAPED };
#define FC_STUB_MAX 24
/* cfi (the binary's .eh_frame, or NULL): a symbol with an FDE of its own
 * is a compiler's. */
enum fc_stub fc_linker_stub(const struct fc_image *im, const struct fc_sym *y, Dwarf_CFI *cfi);

/* CASEDIR's manifest (C or Go, by what the directory holds) and its linked
 * output OUT. After a one-line message naming the file: -1 when the case
 * is unusable, -2 when the output is (not ELF, another arch, truncated).
 * Close the subject whatever it returned. */
int fc_subject_open_case(struct fc_subject *s, const char *casedir, const char *out,
			 const struct fc_subject_opts *o);
/* Any binary. -1 after a message. */
int fc_subject_open_binary(struct fc_subject *s, const char *path,
			   const struct fc_subject_opts *o);
void fc_subject_close(struct fc_subject *s);
const char *fc_kind_name(enum fc_kind k);

/* Shared results, computed on first use; NULL (or -1) after a message when
 * farcall itself could not. */
const uint64_t *fc_subject_entries(struct fc_subject *s);
const struct fc_lines *fc_subject_lines(struct fc_subject *s);
const struct fc_calls_result *fc_subject_calls(struct fc_subject *s);
/* The CFI run over every function of m: strict for generated code and
 * Go, as asked for binaries. */
int fc_subject_cfi(struct fc_subject *s, const struct fc_cfi_result **cr,
		   const struct fc_cfi_extra **cx);
/* The same for a check of the CFI: 1 when r is done already (a case
 * generated without CFI: does not apply), 0 with the run, -1 after a
 * message. */
int fc_subject_cfi_for(struct fc_subject *s, struct fc_check_result *r,
		       const struct fc_cfi_result **cr, const struct fc_cfi_extra **cx);
/* A generated function's code size in the output (relaxation shrinks it;
 * a literal pool ends it). */
uint64_t fc_subject_code_size(struct fc_subject *s, uint32_t fi);

#endif
