/* The check registry: every check farcall runs on a linked output is one
 * row of a table (checks/registry.c), run on a subject (a generated C case,
 * a Go case or a binary nobody generated: checks/subject.h), and gives one
 * kind of result: counts, its own figures, and findings that each say where
 * (function+offset and address), what, and how bad. Every report (the
 * terminal, results.json, check --json, summary.md, junit.xml, index.html,
 * the journal) loops over the registry and names no check. */
#ifndef FC_CHECK_H
#define FC_CHECK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../emu/image.h"

/* A fail breaks what a loader, a debugger or a program relies on; a note
 * is worth knowing and harms nothing (a non-allocated section inside a
 * PT_LOAD). Notes never change a verdict unless --strict. */
enum fc_sev { FC_SEV_FAIL, FC_SEV_NOTE };

#define FC_NOWHERE UINT64_MAX

struct fc_finding {
	enum fc_sev sev;
	char *func;      /* the function blamed, or NULL (a segment, a section) */
	uint64_t off;    /* from func's start */
	uint64_t addr;   /* FC_NOWHERE when it has no address */
	char *msg;       /* one line, the binary's name first */
	char *detail;    /* or NULL: lines for a person under it (an executed path) */
};

/* Findings past FC_FINDINGS_KEPT are counted, not kept: a linker that
 * breaks every site of a million must not take farcall's memory with it. */
#define FC_FINDINGS_KEPT 10000

struct fc_findings {
	struct fc_finding *v;
	size_t n, cap;
	uint64_t fails, notes; /* every one, kept or not */
};

/* Add a finding. func may be NULL; with a symbol table and no func, the
 * function is the symbol addr falls in. */
void fc_find(struct fc_findings *f, enum fc_sev sev, const char *func, uint64_t off,
	     uint64_t addr, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void fc_find_at(struct fc_findings *f, const struct fc_syms *s, enum fc_sev sev, uint64_t addr,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void fc_findings_free(struct fc_findings *f);
/* Move every finding of src to the end of dst. */
void fc_findings_take(struct fc_findings *dst, struct fc_findings *src);

enum fc_check_state {
	FC_CK_NA,      /* does not apply to this subject (no data sites in a Go case) */
	FC_CK_RAN,
	FC_CK_NOT_RUN, /* applies, could not run (no debug info): never a pass */
};

struct fc_check_result {
	enum fc_check_state state;
	char *why;           /* FC_CK_NOT_RUN: why; FC_CK_NA: optionally why */
	uint64_t checked;    /* units checked (sites, functions, entries...) */
	uint64_t failed;     /* units that failed (one may have several findings) */
	json_t *figures;     /* the check's own numbers, an object (or NULL) */
	char *summary;       /* one line for a person, without the binary's name */
	struct fc_findings f;
	double seconds;
};

void fc_check_result_free(struct fc_check_result *r);
/* Did it fail? Fails always; notes with strict. */
bool fc_check_result_bad(const struct fc_check_result *r, bool strict);

/* Subjects, as bits of fc_check.kinds. */
enum fc_kind { FC_KIND_CASE = 1, FC_KIND_GO = 2, FC_KIND_BINARY = 4 };
#define FC_KIND_ALL (FC_KIND_CASE | FC_KIND_GO | FC_KIND_BINARY)

struct fc_subject;

struct fc_check {
	const char *name;   /* results.json key, junit testcase, --checks word */
	const char *what;   /* one line: what it holds the output to */
	unsigned kinds;     /* FC_KIND_* it applies to */
	bool exec;          /* `farcall emu` runs it (it executes sites); `farcall
	                     * verify` runs the others; run and check run all */
	bool code;          /* it looks at the code itself: a run in which no such
	                     * check checked anything checked nothing */
	/* Fill r (zeroed, state FC_CK_RAN). Set FC_CK_NA or FC_CK_NOT_RUN with
	 * a reason when it cannot run. -1 only for farcall's own errors (a
	 * message said why). */
	int (*run)(struct fc_subject *s, struct fc_check_result *r);
	/* Figures a table shows beside the verdict (keys of r->figures). */
	const char *const *columns;
};

size_t fc_checks_count(void);
const struct fc_check *fc_check_at(size_t i);
const struct fc_check *fc_check_named(const char *name);
/* Add a check after the built-in ones (tests; a check of one's own). */
void fc_check_register(const struct fc_check *c);

/* Which checks a command runs. */
enum fc_check_pick { FC_PICK_ALL, FC_PICK_EXEC, FC_PICK_DEBUG };

/* Run the picked checks that apply to s, in registry order; res[] has
 * fc_checks_count() entries (FC_CK_NA for the others). Returns -1 when a
 * check failed for farcall's own reasons. */
int fc_checks_run(struct fc_subject *s, enum fc_check_pick pick, struct fc_check_result *res);
void fc_checks_free(struct fc_check_result *res);
/* Any fail (or note, with strict)? */
bool fc_checks_bad(const struct fc_check_result *res, bool strict);

/* {"<check>": {"state", "checked", "failed", "notes", <figures>...,
 * "summary", "findings": [{"severity", "function", "offset", "address",
 * "message"}]}, ...}: at most max_findings findings each. */
json_t *fc_checks_json(const struct fc_check_result *res, size_t max_findings);
json_t *fc_check_result_json(const struct fc_check_result *r, size_t max_findings);

/* For a person: the findings (at most max each check), then one summary
 * line per check that applies. */
void fc_checks_print(FILE *f, const char *path, const struct fc_check_result *res, size_t max);

/* The same questions of a check's JSON (a report, a journal). */
bool fc_check_json_bad(const json_t *c, bool strict);
const char *fc_check_json_state(const json_t *c); /* "ran", "n/a", "not run" */
uint64_t fc_check_json_u64(const json_t *c, const char *key);
/* Every check of a case's "checks" object: any bad? */
bool fc_checks_json_bad(const json_t *checks, bool strict);
/* A check's findings, one a line (notes marked "note: "), at most max, and
 * a line counting them all when some are not shown; *first (if not NULL)
 * gets the first fail's message. NULL when there are none. */
char *fc_check_json_findings(const json_t *c, size_t max, const char **first);
/* One line naming what failed: "calls: 3 of 900 failed; lines: ...". */
char *fc_checks_json_reason(const json_t *checks, bool strict);

#endif
