/* What a run found, and the files it writes: results.json and summary.md. */
#ifndef FC_REPORT_H
#define FC_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* XFAIL: failed, and the corpus's known-failures list says it would;
 * XPASS: listed there, but passed (reported, and fails the run, as lit
 * does, so that the list does not rot). */
enum fc_verdict { FC_V_PASS, FC_V_FAIL, FC_V_ERROR, FC_V_SKIP, FC_V_XFAIL, FC_V_XPASS, FC_V_N };

struct fc_case_result {
	char *arch, *linker, *linker_version, *linker_path, *case_dir;
	uint64_t size, seed;
	enum fc_verdict verdict;
	char *reason;         /* one line, for anything but pass */
	char *scenario;       /* the corpus scenario, or NULL */
	char *known;          /* why it is listed as a known failure, or NULL */
	/* link */
	int link_exit, link_signal;
	int link_timed_out;
	double link_wall_s;
	long link_rss_kb;
	char *link_command;
	char *link_stderr;    /* what the linker printed (64 KiB at most), or NULL */
	char *mode;
	int relax;
	int expect_error;     /* the case holds sites no linker can fix */
	/* The output was opened and checked: the checks' results (an object
	 * keyed by check name, checks/check.h) and the output's figures. */
	int have_checks;
	json_t *checks;
	uint64_t sites, sites_failed, via_thunk, thunks, relaxed, relaxed_addr;
	/* Code the linker added: its executable sections less the .text the
	 * objects brought (thunks, veneers, stubs, their alignment). */
	uint64_t thunk_bytes;
	/* For a person reading a failure: the executed paths of failing sites,
	 * the line rows and CFI rows around each bad address (text, or NULL). */
	char *details;
};

const char *fc_verdict_name(enum fc_verdict v);
/* The fc_kind (checks/check.h) of the case a result is of. */
unsigned fc_case_kind(const struct fc_case_result *r);
/* Write DIR/results.json and DIR/summary.md (DIR is made, then filled
 * under a temporary name and renamed, so a half-written report never
 * looks complete). */
struct fc_against;
/* AG (or NULL): a comparison of two linkers, written as against.md and
 * as results.json's "against". */
int fc_report_write(const char *dir, const struct fc_case_result *v, size_t n,
		    const char *argv_line, double seconds, const struct fc_against *ag);
void fc_report_table(FILE *f, const struct fc_case_result *v, size_t n);
void fc_case_result_free(struct fc_case_result *r);
/* A JSON string from bytes that may not be UTF-8 (a linker's stderr). */
json_t *fc_json_str(const char *s);

#endif
