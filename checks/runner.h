/* What the commands that check an output share: their common options, and
 * running the registry on a subject with everything printed. */
#ifndef FC_RUNNER_H
#define FC_RUNNER_H

#include "subject.h"

struct fc_check_opts {
	unsigned jobs;
	size_t max_report;   /* findings printed per check */
	const char *json;    /* also written there, or NULL */
	bool strict;         /* notes fail too */
	bool cfi_strict;     /* check: CFI exact at every instruction */
	const char *casedir, *out; /* emu and verify: CASE OUT; check: out is BINARY */
};

/* [-j N] [--max-report N] [--json FILE] [--strict] [--cfi-strict] ARGS...:
 * nargs positional arguments (2: CASE OUT; 1: BINARY). Returns 0, 1 after
 * --help (printed), or -1 after the usage or a message on stderr. */
int fc_check_args_parse(const char *cmd, const char *usage, int argc, char **argv, int nargs,
			struct fc_check_opts *o);
/* A -j argument: 1 to 256, or -1 after a message. */
int fc_parse_jobs(const char *cmd, const char *arg, unsigned *jobs);

/* The findings of res (max per check, with executed paths and the line and
 * CFI rows around the first bad addresses), then a line per check. */
void fc_checks_report(FILE *f, struct fc_subject *s, const struct fc_check_result *res,
		      size_t max);
/* The whole of emu, verify and check once the subject is open: run the
 * picked checks, print, write the JSON. Returns the exit status. */
int fc_checks_command(struct fc_subject *s, enum fc_check_pick pick,
		      const struct fc_check_opts *o);
/* What the loader did to a binary (checks/loadinfo.c): its dynamic
 * relocations, imports and IFUNCs, into s->figures ("dynamic", "ifunc"),
 * and as the lines check prints after its first. */
void fc_subject_load_figures(struct fc_subject *s);
void fc_subject_load_print(FILE *f, const struct fc_subject *s);
/* The subject and what was found, as check --json and emu/verify --json
 * write it. */
json_t *fc_subject_json(const struct fc_subject *s, const struct fc_check_result *res,
			size_t max_findings);

#endif
