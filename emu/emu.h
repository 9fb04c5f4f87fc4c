/* Executing the sites of a linked case. */
#ifndef FC_EMU_H
#define FC_EMU_H

#include <stdio.h>

#include "../core/manifest.h"
#include "image.h"

/* A call site may pass through at most this many translation blocks (its
 * own, the thunks) before it must arrive at a function entry. */
#define FC_EMU_MAX_BLOCKS 32
/* The fewest sites for which an extra thread pays for its own image. */
#define FC_EMU_SITES_PER_THREAD 4096

enum fc_fail {
	FC_F_UNLOCATED,    /* caller, target or site symbol not in the output */
	FC_F_WRONG_TARGET, /* arrived at another function's entry */
	FC_F_INTO_BODY,    /* ran into the body of a function or its padding */
	FC_F_REG,          /* a register the ABI says must be kept changed */
	FC_F_RA,           /* return address wrong */
	FC_F_FAULT,        /* store, fetch from non-code, unmapped, undefined insn */
	FC_F_LIMIT,        /* no function entry within the block budget */
	FC_F_SHAPE,        /* the site's bytes are not its form at all */
	FC_F_VALUE,        /* ADDR: wrong address in the register; DATA: wrong word */
	FC_F_END,          /* ADDR: the sequence did not end where it should */
	FC_F_EMULATOR,     /* the emulator died running it (emu/guard.h); what: how */
};

struct fc_site_fail {
	uint64_t site;     /* index in the manifest */
	enum fc_fail why;
	uint64_t at;       /* where it was when it failed */
	int reg;           /* FC_F_REG / FC_F_RA / FC_F_VALUE: index in target->gprs */
	uint64_t got, want;
	int uc_err;        /* FC_F_FAULT */
	int mem_type;      /* UC_MEM_* of a faulting access, or -1 */
	uint64_t mem_addr;
	char *what;        /* FC_F_UNLOCATED: what is missing; FC_F_EMULATOR: how it died */
};

struct fc_calls_result {
	uint64_t checked, failed;       /* every site */
	uint64_t calls, calls_failed;   /* CALL and JUMP forms */
	uint64_t data, data_failed;     /* ADDR and DATA forms */
	uint64_t direct, via_thunk;
	uint64_t thunks;   /* distinct first hops that were not the target */
	uint64_t relaxed;      /* calls the linker shortened (RISC-V: to JAL, C.J) */
	uint64_t relaxed_addr; /* address sequences it shortened */
	double seconds;
	struct fc_site_fail *fails;
	size_t nfails;
	uint64_t *thunk_addrs; /* the distinct thunks (for merging slices) */
};

int fc_emu_calls(struct fc_image *im, const struct fc_manifest *m, struct fc_calls_result *r);
/* The same over `jobs` threads, each with its own image of im->path. */
int fc_emu_calls_jobs(struct fc_image *im, const struct fc_manifest *m, unsigned jobs,
		      struct fc_calls_result *r);
void fc_calls_result_free(struct fc_calls_result *r);
/* One line: "out: fn_17+0x40: BL to fn_912 reached 0x.. (fn_913), expected 0x..". */
/* entries: fc_emu_entries of m, or NULL (then computed, a pass over m). */
void fc_site_fail_print(FILE *f, const struct fc_image *im, const struct fc_manifest *m,
			const uint64_t *entries, const struct fc_site_fail *x);
/* Re-run one site instruction by instruction and print the path, each line
 * "    sym+0xoff: insn". */
int fc_trace_site(FILE *f, struct fc_image *im, const struct fc_manifest *m, uint64_t site,
		  const char *indent);
/* Output address of each manifest function, UINT64_MAX when missing. */
uint64_t *fc_emu_entries(const struct fc_image *im, const struct fc_manifest *m);
/* Output address of a site (UINT64_MAX when it cannot be found), and of a
 * site's target + addend (FC_ANY_ENTRY for FC_REF_ANY). */
#define FC_ANY_ENTRY (UINT64_MAX - 1)
uint64_t fc_emu_site_addr(const struct fc_image *im, const struct fc_manifest *m,
			  const uint64_t *entries, uint64_t site);
uint64_t fc_emu_target_addr(const struct fc_image *im, const struct fc_manifest *m,
			    const uint64_t *entries, const struct fc_site *s);
/* Registers every site starts with. */
void fc_emu_baseline(const struct fc_image *im, uint64_t *vals);

#endif
