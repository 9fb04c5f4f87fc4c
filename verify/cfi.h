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
	FC_CFI_EMULATOR, /* the emulator died running it (emu/guard.h) */
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
	int64_t *frame_real, *frame_cfi; /* per function: largest CFA - SP, real and claimed;
	                                  * INT64_MIN where no FDE covers the function */
	double seconds;
};

/* Check `n` functions of the binary at `path` (ELF for target t). Returns -1
 * only when the binary cannot be loaded (a message said why); everything
 * wrong with its CFI is a result. */
int fc_cfi_check(const char *path, const struct target *t, const struct fc_cfi_func *f, size_t n,
		 struct fc_cfi_result *r);
void fc_cfi_result_free(struct fc_cfi_result *r);

/* Added to the interface above.
 *
 * What the CFI is held to. Compilers that emit synchronous unwind tables
 * (clang 14 on arm64 and riscv64: prologue rows after the whole prologue,
 * no epilogue rows) are exact only where an unwinder stops in a function
 * that did not fault: its entry, every call, and the first instruction of
 * every row the CFI states. fc_cfi_check holds every instruction to the
 * CFI, as asynchronous unwind tables promise (what gen writes); with
 * fc_cfi_check_opts and `strict` false (farcall check's default for binaries
 * nobody generated) only those instructions must be exact and a
 * disagreement anywhere else is a note (struct fc_cfi_extra). A leaf that
 * claims a frame (Go's "leaf bit") is wrong at its entry and fails either
 * way. */
#define FC_CFI_MAX_INSNS 20000 /* per function: loops end there */

struct fc_cfi_opts {
	bool strict;
	unsigned max_insns; /* 0: FC_CFI_MAX_INSNS */
	unsigned jobs;      /* threads, each with its own image (0, 1: one) */
	bool go;            /* Go code: g points at a g whose stack guard is 0, so
			     * prologues go on past their stack check */
};

/* In a fail: `got` and `want` are CFA - SP before the instruction, as the
 * CFI says and as it is (FC_CFI_CFA); for FC_CFI_RA, the value the rule
 * recovers and the return address. */
struct fc_cfi_extra {
	uint64_t imprecise;        /* functions exact at entry, calls and row starts only */
	struct fc_cfi_fail *notes; /* the first such instruction of each */
	size_t nnotes;
	uint64_t faults;           /* paths that ended in an emulation fault */
	uint64_t capped;           /* paths that reached max_insns */
	uint64_t calls;            /* calls stepped over */
};

int fc_cfi_check_opts(const char *path, const struct target *t, const struct fc_cfi_func *f,
		      size_t n, const struct fc_cfi_opts *o, struct fc_cfi_result *r,
		      struct fc_cfi_extra *x);
void fc_cfi_extra_free(struct fc_cfi_extra *x);
/* The addresses, sorted, of the functions that never return (abort,
 * runtime.throw, runtime.panicIndex...), by name, and of the trampolines
 * that lead to them; *n of them. A call to one ends a path. */
struct fc_syms;
uint64_t *fc_noreturn_addrs(const struct fc_syms *y, size_t *n);

#endif
