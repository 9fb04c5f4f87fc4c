/* CFI checked by execution: run a function from its entry in Unicorn and,
 * at every instruction, compare the CFA and return-address rule that the
 * binary's CFI gives (libdw) with the real ones. */
#ifndef FC_CFI_H
#define FC_CFI_H

#include <stdbool.h>
#include <stdint.h>

#include "../targets/target.h"

struct fc_cfi_func {
	uint64_t entry, size;
	const char *name;
};

enum fc_cfi_why {
	FC_CFI_CFA,     /* the CFI's CFA is not the real one */
	FC_CFI_RA,      /* the return-address rule does not recover it */
	FC_CFI_NO_FDE,  /* an instruction the CFI does not cover */
	FC_CFI_BAD,     /* libdw cannot read the CFI there (malformed) */
};

struct fc_cfi_fail {
	size_t func;     /* index in the functions given */
	uint64_t at;     /* first bad instruction */
	enum fc_cfi_why why;
	int64_t got, want; /* CFA - entry SP as the CFI says / as it is */
	char *msg;       /* one line, without the binary's name */
};

struct fc_cfi_result {
	bool have_cfi;           /* .eh_frame or .debug_frame present */
	uint64_t functions;      /* checked */
	uint64_t failed;
	uint64_t no_fde;         /* functions without any FDE (not failures) */
	uint64_t instructions;   /* executed and compared */
	struct fc_cfi_fail *fails;
	size_t nfails;
	int64_t *frame_real, *frame_cfi; /* per function: largest CFA - SP, real and claimed */
	double seconds;
};

/* Check `n` functions of the binary at `path` (ELF for target t). Returns -1
 * only when the binary cannot be loaded (a message said why); everything
 * wrong with its CFI is a result. */
int fc_cfi_check(const char *path, const struct target *t, const struct fc_cfi_func *f, size_t n,
		 struct fc_cfi_result *r);
void fc_cfi_result_free(struct fc_cfi_result *r);

#endif
