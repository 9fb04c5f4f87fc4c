/* The journal of a run in progress: each (case, linker) result as it
 * completes, so that a run that was interrupted (Ctrl-C, a killed worker,
 * a lost machine) continues where it stopped when it is run again with the
 * same arguments. The run deletes its journal once its report is written. */
#ifndef FC_JOURNAL_H
#define FC_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "report.h"

/* WORK/.journal-<hash of the arguments>, made if missing. */
char *fc_journal_dir(const char *work, const char *cmdline);
/* Record job N's result (atomically). */
int fc_journal_put(const char *dir, size_t n, const struct fc_case_result *r);
/* Job N's recorded result, when there is one for the same arch, linker
 * (name, path and version), case and scenario as `want`; fills *r. */
bool fc_journal_get(const char *dir, size_t n, const struct fc_case_result *want,
		    struct fc_case_result *r);

#endif
