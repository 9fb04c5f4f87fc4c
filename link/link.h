/* Linkers under test: finding them, running them, recording what they did.
 * The linker may be broken; nothing it does may crash farcall. */
#ifndef FC_LINK_H
#define FC_LINK_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/manifest.h"
#include "linker_table.h"

/* Where a custom:TEMPLATE splits into words (no shell, no quoting). */
#define FC_TMPL_BLANKS " \t\n"

struct fc_linker {
	char *name;     /* "bfd", "gold", "lld-19", "mold"; unique in a run */
	char *path;     /* what is executed; for a custom linker the whole
			 * "custom:TEMPLATE", which is what identifies it */
	char *version;  /* first line of --version, "unknown" if a custom
			 * linker's program gives none */
	enum fc_flavor flavor;
	char *skip;     /* why it cannot link this arch, or NULL */
	char *tmpl;     /* custom only: the template, words joined by one blank */
	char *prog;     /* custom only: its first word made absolute, since the
			 * linker runs inside the case directory */
};

/* Every linker installed for the arch, in a stable order. */
int fc_linkers_find(const struct target *t, struct fc_linker **out, size_t *n);
/* A NAME (bfd, gold, lld, lld-19, mold), a PATH to a linker binary, or
 * "custom:TEMPLATE", a command line with placeholders {out} (output path),
 * {objs} (the objects, one word each), {flags} (what farcall passes the
 * flavour: mode, entry, emulation) and {extra} (the user's --flags; appended
 * when the template has none). Words are split at blanks, no shell; {out}
 * may sit inside a word, the others must be whole words. Returns -1 with a
 * message when it cannot be found or run, or the template is malformed. */
int fc_linker_resolve(const struct target *t, const char *spec, struct fc_linker *l);
void fc_linker_free(struct fc_linker *l);
/* Is any gold on PATH (for saying that an arch has none)? */
bool fc_gold_installed(void);

struct fc_link_result {
	int exit_code;      /* -1 when killed by a signal or not started */
	int signal;
	bool timed_out;
	bool ok;            /* exit 0 and an ELF output */
	double wall_s;
	double user_s, sys_s; /* CPU time, summed over its process tree */
	long max_rss_kb;
	char *problem;      /* one line: why it is not ok */
};

/* How bench links, beside what run does: THREADS (0: the linker's own
 * default) through the table's thread_flag, and TREE: measure the whole
 * process tree (fc_exec_tree), so a forking linker runs as people run it
 * (the table's own_flag_timing flags are left out). */
struct fc_link_opts {
	unsigned threads;
	bool tree;
};

/* Run the linker on the case; output at `out` (written as out.tmp, renamed
 * when the linker succeeded). Records cmd.txt, stderr.txt and link.json in
 * `dir`. Returns -1 only for farcall's own errors (cannot create a file);
 * every failure of the linker is a result, with res->ok false. */
int fc_link_case(const char *casedir, const struct fc_manifest *m, const struct fc_linker *l,
		 const char *dir, const char *out, const char *flags, double timeout,
		 struct fc_link_result *res);
void fc_link_result_free(struct fc_link_result *r);
/* The same, linked as O says (NULL: as fc_link_case). */
int fc_link_case_opts(const char *casedir, const struct fc_manifest *m, const struct fc_linker *l,
		      const char *dir, const char *out, const char *flags, double timeout,
		      const struct fc_link_opts *o, struct fc_link_result *res);

/* The same for a Go case: GOARCH=<t> go build of CASE/src, with
 * -ldflags=-debugtramp=2 where Go's linker makes trampolines; FLAGS go to
 * -ldflags too. */
int fc_link_go_case(const char *casedir, const struct target *t, const struct fc_linker *l,
		    const char *dir, const char *out, const char *flags, double timeout,
		    struct fc_link_result *res);

/* Every object of the case exists, is a whole ELF relocatable file for the
 * case's arch. Returns -1 after a one-line message naming the file. */
int fc_check_objects(const char *casedir, const struct fc_manifest *m);

/* Run argv with a timeout, stdout+stderr to `log` (or discarded). */
struct fc_exec {
	int exit_code, signal;
	bool timed_out, started;
	double wall_s;
	double user_s, sys_s;
	long max_rss_kb;
};
int fc_exec_run(char *const argv[], const char *cwd, const char *log, double timeout,
		struct fc_exec *x);
/* The same, measured over the whole process tree: a measuring child
 * makes itself a child subreaper (PR_SET_CHILD_SUBREAPER), runs argv, and
 * reaps every descendant, the orphans of a forking linker included (mold's
 * worker outlives the parent that the shell waits for). Wall time runs
 * from the fork to the last descendant's end; user and sys are the sums
 * over the tree (RUSAGE_CHILDREN once all are reaped); peak RSS is the
 * largest process's (the kernel keeps the maximum, not a sum). */
int fc_exec_tree(char *const argv[], const char *cwd, const char *log, double timeout,
		 struct fc_exec *x);
/* First line of `argv` output, or NULL. */
char *fc_exec_first_line(char *const argv[], double timeout);

#endif
