/* The report's other views of a run, beside results.json and summary.md:
 * junit.xml for CI systems and index.html for a person with a browser.
 * fc_report_write() calls both on its temporary directory. */
#ifndef FC_EXPORT_H
#define FC_EXPORT_H

#include <stddef.h>
#include <stdio.h>

#include "report.h"

/* PATH: a JUnit XML file, one <testsuite> "farcall.<arch>" per arch and
 * one <testcase> "<arch>.<mode>.<linker>" / link|calls|data|lines|cfi per
 * case and check that ran. Written atomically; -1 after a message. */
int fc_report_junit(const char *path, const struct fc_case_result *v, size_t n, double seconds);

/* PATH: a static HTML page (no script, nothing external): the command,
 * a linker x arch/mode matrix coloured by verdict, a table of every case,
 * and a section per failing case with its messages, its details (traces,
 * line-table and CFI excerpts) and the link command. Written atomically;
 * -1 after a message. */
int fc_report_html(const char *path, const struct fc_case_result *v, size_t n,
		   const char *argv_line, double seconds);

/* The linker's stderr as the run kept it (CASE/LINKER/stderr.txt), or
 * NULL when there is none or it is empty. */
char *fc_link_stderr(const struct fc_case_result *r);

/* Text that may hold any bytes a linker printed, as XML or HTML character
 * data (attr: also safe inside a double-quoted attribute, line breaks
 * kept as character references). Invalid UTF-8 becomes U+FFFD, control
 * characters XML cannot carry become visible "\xNN". At most max bytes of
 * s are written (SIZE_MAX: all), never cutting a character in two. */
void fc_markup_escape(FILE *f, const char *s, size_t max, int attr);

#endif
