/* One (case, linker) of `farcall run`, shared by its workers. */
#ifndef FC_RUN_H
#define FC_RUN_H

#include <stdbool.h>

#include "../core/manifest.h"
#include "../link/link.h"
#include "report.h"

/* Link CASEDIR with L (extra FLAGS, TIMEOUT seconds) and run every check
 * of the registry on the output, filling R; an output that passed is
 * deleted unless KEEP; STRICT: notes fail too. A C case comes with its
 * manifest M; a Go case (M NULL) is built by Go's toolchain. Never fails:
 * what went wrong is R's verdict and reason. */
void fc_run_one(const char *casedir, const struct fc_manifest *m, struct fc_linker *l,
		const char *flags, double timeout, bool keep, bool strict,
		struct fc_case_result *r);
/* Shared by both: a link's figures and command line (DIR/cmd.txt) into
 * R; and what a failing case wrote to PATH, cut to 64 KiB for the report. */
void fc_run_take_link(struct fc_case_result *r, const char *dir, const struct fc_link_result *lr);
char *fc_run_details(const char *path);
/* The terminal's status line (nothing when stderr is not one). */
void fc_run_status(bool force, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
