/* Link one case with one linker, execute its sites and verify its debug
 * info: what `farcall run` does per (case, linker), on any worker. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../checks/runner.h"
#include "../core/gomanifest.h"
#include "../core/jsonfile.h"
#include "../core/util.h"
#include "../link/link.h"
#include "run.h"

/* A status line on a terminal. With several workers only the run's own
 * progress line (force) shows; theirs would overwrite each other. */
void fc_run_status(bool force, const char *fmt, ...)
{
	if (!isatty(2) || (fc_progress_off && !force))
		return;
	va_list ap;
	va_start(ap, fmt);
	fputc('\r', stderr);
	vfprintf(stderr, fmt, ap);
	fputs("\033[K", stderr);
	va_end(ap);
}

void fc_run_take_link(struct fc_case_result *r, const char *dir, const struct fc_link_result *lr)
{
	char *cmdf = fc_xasprintf("%s/cmd.txt", dir);
	r->link_command = fc_read_file(cmdf, NULL);
	free(cmdf);
	if (r->link_command)
		r->link_command[strcspn(r->link_command, "\n")] = 0;
	r->link_exit = lr->exit_code;
	r->link_signal = lr->signal;
	r->link_timed_out = lr->timed_out;
	r->link_wall_s = lr->wall_s;
	r->link_rss_kb = lr->max_rss_kb;
	char *ef = fc_xasprintf("%s/stderr.txt", dir);
	size_t n = 0;
	r->link_stderr = fc_read_file(ef, &n);
	free(ef);
	if (r->link_stderr && n > 65536)
		strcpy(r->link_stderr + 65536 - 40, "\n... (the rest in stderr.txt)\n");
}

char *fc_run_details(const char *path)
{
	size_t dl;
	char *d = fc_read_file(path, &dl);
	if (d && dl > 65536) {
		const char *b = strrchr(path, '/');
		snprintf(d + 65536 - 64, 64, "\n... (the rest in %s)\n", b ? b + 1 : path);
	}
	return d;
}

/* The relocation names of the sites no linker can fix, for checking that
 * a failed link said why. */
static bool names_unfixable(const struct fc_manifest *m, const char *log)
{
	const struct target *t = m->t;
	bool seen[64] = {0};
	for (uint64_t i = 0; i < m->nsites; i++)
		if (m->sites[i].expect_error && m->sites[i].form < 64)
			seen[m->sites[i].form] = true;
	struct fc_code c = {0}, pool = {0};
	bool named = false;
	for (unsigned f = 0; f < t->nforms && f < 64 && !named; f++) {
		if (!seen[f])
			continue;
		fc_code_reset(&c);
		struct fc_emit x = {.relax = m->relax, .pool = &pool, .site_label = fc_code_label(&c)};
		if (t->emit_site(&c, &t->forms[f], &x) < 0)
			continue;
		for (size_t k = 0; k < c.nrel && !named; k++) {
			const char *n = fc_reloc_name(t, c.rel[k].type);
			named = strstr(log, n) != NULL;
		}
	}
	fc_code_free(&c);
	fc_code_free(&pool);
	/* Or an overflow named by the symbol it could not reach (gold:
	 * "relocation overflow: reference to '_start'"). */
	bool overflow = strcasestr(log, "overflow") || strcasestr(log, "out of range") ||
			strcasestr(log, "truncated");
	for (uint64_t i = 0; i < m->nsites && overflow && !named; i++) {
		if (!m->sites[i].expect_error)
			continue;
		const char *n = fc_ref_name(m, m->sites[i].target);
		char q1[256], q2[256];
		snprintf(q1, sizeof q1, "'%s'", n);
		snprintf(q2, sizeof q2, "`%s'", n);
		named = strstr(log, q1) || strstr(log, q2);
	}
	return named;
}

/* Every check of the registry on the linked output; the verdict and what a
 * person reads about it. */
static void check_output(const char *casedir, const char *dir, const char *out, bool strict,
			 struct fc_case_result *r)
{
	struct fc_subject s;
	struct fc_subject_opts so = {.jobs = 1};
	int orc = fc_subject_open_case(&s, casedir, out, &so);
	if (orc < 0) {
		/* A linker that wrote an output we cannot load wrote garbage. */
		r->verdict = orc == -2 ? FC_V_FAIL : FC_V_ERROR;
		r->reason = orc == -2 ? fc_xasprintf("output unusable: %s", fc_last_error())
				      : fc_xstrdup(fc_last_error());
		fc_subject_close(&s);
		return;
	}
	if (s.kind == FC_KIND_GO) {
		/* A Go case's size is what Go made of it. */
		for (size_t i = 0; i < s.im.nsegs; i++)
			if (s.im.segs[i].prot & UC_PROT_EXEC)
				r->size += s.im.segs[i].hi - s.im.segs[i].lo;
	} else {
		uint64_t code = fc_image_code_bytes(&s.im);
		r->thunk_bytes = code > s.m.size ? code - s.m.size : 0;
	}
	fc_run_status(false, "%s %s: checking %" PRIu64 " sites", s.t->name, r->linker, s.m.nsites);
	struct fc_check_result *res = fc_xcalloc(fc_checks_count(), sizeof *res);
	if (fc_checks_run(&s, FC_PICK_ALL, res) < 0) {
		r->verdict = FC_V_ERROR;
		r->reason = fc_xstrdup(fc_last_error());
		goto done;
	}
	r->have_checks = 1;
	r->checks = fc_checks_json(res, 200);
	json_t *fg = s.figures;
	r->sites = (uint64_t)json_integer_value(json_object_get(fg, "sites"));
	r->sites_failed = (uint64_t)json_integer_value(json_object_get(fg, "sites_failed"));
	r->via_thunk = (uint64_t)json_integer_value(json_object_get(fg, "via_thunk"));
	r->thunks = (uint64_t)json_integer_value(json_object_get(fg, "thunks"));
	r->relaxed = (uint64_t)json_integer_value(json_object_get(fg, "relaxed"));
	r->relaxed_addr = (uint64_t)json_integer_value(json_object_get(fg, "relaxed_addr"));
	char *jp = fc_xasprintf("%s/checks.json", dir);
	json_t *j = fc_subject_json(&s, res, 1000);
	fc_write_json(jp, j, JSON_INDENT(2));
	json_decref(j);
	free(jp);
	bool bad = fc_checks_bad(res, strict);
	if (!bad && !r->expect_error) {
		r->verdict = FC_V_PASS;
		goto done;
	}
	r->verdict = FC_V_FAIL;
	char *why = fc_checks_json_reason(r->checks, strict);
	if (r->expect_error)
		r->reason = fc_xasprintf("the linker accepted sites no linker can fix (out of the "
					 "form's reach); %" PRIu64 " of %" PRIu64 " sites failed",
					 r->sites_failed, r->sites);
	else
		r->reason = fc_xasprintf("%s (see the findings)", why ? why : "");
	free(why);
	/* The paths and the debug excerpts, for whoever opens the case, and
	 * for the report's details. */
	char *tp = fc_xasprintf("%s/checks.txt", dir);
	struct fc_afile a;
	if (fc_afile_open(&a, tp) == 0) {
		fc_checks_report(a.f, &s, res, 50);
		fc_afile_commit(&a);
		r->details = fc_run_details(tp);
	}
	free(tp);
done:
	fc_checks_free(res);
	free(res);
	fc_subject_close(&s);
}

void fc_run_one(const char *casedir, const struct fc_manifest *m, struct fc_linker *l,
		const char *flags, double timeout, bool keep, bool strict,
		struct fc_case_result *r)
{
	r->linker = fc_xstrdup(l->name);
	r->linker_version = fc_xstrdup(l->version ? l->version : "");
	r->linker_path = fc_xstrdup(l->path ? l->path : "");
	r->expect_error = m && fc_manifest_expects_error(m);
	if (l->skip) {
		r->verdict = FC_V_SKIP;
		r->reason = fc_xstrdup(l->skip);
		return;
	}
	char *dir = fc_xasprintf("%s/%s", casedir, l->name);
	char *out = fc_xasprintf("%s/out", dir);
	struct fc_link_result lr;
	int rc;
	if (l->flavor == FC_LD_GO) {
		/* Go's toolchain links what it compiles: the case's module. */
		struct fc_go_manifest gm;
		rc = fc_go_manifest_load(casedir, &gm);
		if (rc == 0) {
			fc_run_status(false, "%s %s: building the Go module", gm.t->name, l->name);
			rc = fc_link_go_case(casedir, gm.t, l, dir, out, flags, timeout, &lr);
			fc_go_manifest_free(&gm);
		}
	} else {
		fc_run_status(false, "%s %s: linking", m->t->name, l->name);
		rc = fc_link_case(casedir, m, l, dir, out, flags, timeout, &lr);
	}
	if (rc < 0) {
		r->verdict = FC_V_ERROR;
		r->reason = fc_xstrdup(fc_last_error());
		goto out;
	}
	fc_run_take_link(r, dir, &lr);
	if (!lr.ok) {
		/* A case with sites no linker can fix must fail to link, with a
		 * diagnostic naming the relocation. Any other case is valid input:
		 * a linker that rejects it, crashes or hangs has failed. */
		char *logf = fc_xasprintf("%s/stderr.txt", dir);
		char *log = fc_read_file(logf, NULL);
		free(logf);
		if (r->expect_error && !lr.timed_out && !lr.signal && lr.exit_code > 0 && log &&
		    names_unfixable(m, log)) {
			r->verdict = FC_V_PASS;
			r->reason = fc_xasprintf("expected a link error, got one: %s", lr.problem);
		} else if (r->expect_error) {
			r->verdict = FC_V_FAIL;
			r->reason = fc_xasprintf("expected a link error naming the out-of-range "
						 "relocation; got: %s", lr.problem);
		} else {
			r->verdict = FC_V_FAIL;
			r->reason = fc_xstrdup(lr.problem);
		}
		free(log);
		fc_link_result_free(&lr);
		goto out;
	}
	fc_link_result_free(&lr);
	check_output(casedir, dir, out, strict, r);
	if (r->verdict == FC_V_PASS && !keep)
		unlink(out); /* hundreds of MiB, and reproducible from cmd.txt */
out:
	fc_run_status(false, "%s", "");
	free(dir);
	free(out);
}
