/* farcall bench: link time, memory and thunk overhead against program
 * size. bench.c runs the sweep, bench_report.c writes what it measured,
 * cmd_bench.c parses the command line. */
#ifndef FC_BENCH_H
#define FC_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/manifest.h"
#include "../core/stats.h"
#include "../link/link.h"

struct fc_bench_opts {
	const char *arches, *linkers, *sizes, *threads, *against;
	const char *tmpdir, *report;
	unsigned repeat, funcs_per_mib;
	double timeout;
	bool keep; /* keep each configuration's last output */
	bool calls_only; /* only far calls and tail calls in the cases */
};

/* One generated case: an (arch, size). */
struct fc_bench_case {
	const struct target *t;
	uint64_t size;
	char *dir;
	struct fc_manifest m;
};

/* One configuration: a case linked by one linker at one thread count. */
struct fc_bench_cfg {
	struct fc_bench_case *c;
	struct fc_linker *l;
	char *label;      /* the linker's name; OLD's gets "@old" in an A/A run */
	unsigned threads; /* 0: the linker's default (it has no thread option) */
	bool old;         /* --against: OLD */
	char *dir, *out;  /* CASE/bench-<label>-t<threads>/, its out */
	char *command;    /* the link, runnable from a shell */
	double *wall, *user, *sys, *rss;
	size_t n;         /* measured repeats that linked */
	uint64_t output_bytes, thunks, thunk_bytes;
	const char *verdict; /* pass, fail (emu), link failed, skip, error */
	char *reason;
	bool dead;        /* not linked again: it failed, or is a skip */
	double est;       /* the warm-up's wall time, for the time left */
};

struct fc_bench_fit {
	const char *arch, *label;
	unsigned threads;
	struct fc_fit fit;
};

struct fc_bench_against {
	const char *arch;
	uint64_t size;
	unsigned threads;
	const char *new_label, *old_label;
	struct fc_ratio r;
	double p;
	bool significant;
};

struct fc_bench {
	struct fc_bench_opts o;
	char *cmdline;
	struct fc_bench_case *cases;
	size_t ncases;
	struct fc_bench_cfg *cfgs;
	size_t ncfgs;
	struct fc_linker **linkers; /* every resolved linker, to free */
	size_t nlinkers;
	struct fc_bench_fit *fits;
	size_t nfits;
	struct fc_bench_against *ag;
	size_t nag;
	double elapsed;
};

/* Plan, check the machine can take it, generate, link, measure. -1 after
 * a message (nothing was measured); 0 otherwise, whatever linkers did. */
int fc_bench_run(struct fc_bench *b);
/* Medians, intervals, fits and comparisons from what was measured. */
void fc_bench_analyse(struct fc_bench *b);
/* The table on F, and REPORT/: bench.json, bench.csv, plots, index.html. */
void fc_bench_print(FILE *f, const struct fc_bench *b);
int fc_bench_write(const struct fc_bench *b, const char *dir);
void fc_bench_free(struct fc_bench *b);

#endif
