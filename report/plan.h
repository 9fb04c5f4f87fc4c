/* What `farcall run` plans and carries out: cases (generated or reused),
 * one job per (case, linker), and the workers that take the jobs. The
 * command line and the report stay in cmd_run.c. */
#ifndef FC_PLAN_H
#define FC_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/manifest.h"
#include "../link/link.h"
#include "corpus.h"
#include "report.h"

/* One linker on one case: the unit the workers take. */
struct job {
	const char *casedir;
	const struct fc_manifest *m;
	struct fc_linker l;
	char *flags;
	const char *scenario;
	size_t res;  /* index into run.res */
	/* Scenarios that differ only in link flags share a case, and a linker
	 * writes CASE/LINKER/: such jobs run one after the other, on one
	 * worker. then: the next of the chain + 1 (0: none). */
	size_t then;
	bool behind; /* not taken alone: an earlier job of its chain runs it */
};

struct run {
	const char *linkers, *flags, *work;
	unsigned jobs;
	struct job *job;
	size_t njob, capjob;
	struct fc_manifest **man;  /* every case's, until the workers are done */
	char **casedirs, **flagss;
	size_t nman;
	double timeout;
	bool keep;
	bool strict;    /* notes fail too */
	const struct fc_corpus *corpus;
	bool against;            /* linkers is "NEW,OLD" */
	char *new_name, *old_name;
	struct fc_case_result *res;
	size_t nres, cap;
	char *journal;           /* WORK/.journal-<hash of the arguments> */
	size_t reused;           /* results taken from it */
};

struct fc_gen_opts;
/* A case directory's name, from everything that made it (run and bench
 * share cases through it). */
char *fc_case_name(const struct fc_gen_opts *o);

/* Generate (or reuse) the case that GARGV (gen's arguments) describe and
 * add a job for it with each linker of the run; SCENARIO (or NULL) names
 * it, SFLAGS are its own link flags. -1 after a message. */
int fc_plan_case(struct run *ru, int gargc, char **gargv, const char *scenario,
		 const char *sflags);
/* Run every job on ru->jobs workers, with the journal and progress. */
void fc_plan_run(struct run *ru);
void fc_plan_free(struct run *ru);

#endif
