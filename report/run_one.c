/* Link one case with one linker, execute its sites and verify its debug
 * info: what `farcall run` does per (case, linker), on any worker. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/jsonfile.h"
#include "../core/util.h"
#include "../emu/emu.h"
#include "../link/link.h"
#include "../verify/verify.h"
#include "run.h"

json_t *fc_emu_json(const struct fc_image *im, const struct fc_manifest *m,
		    const struct fc_calls_result *r, size_t max_fails);
void fc_emu_report(FILE *f, struct fc_image *im, const struct fc_manifest *m,
		   const struct fc_calls_result *r, size_t max_report);

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

#define status(...) fc_run_status(false, __VA_ARGS__)

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

void fc_run_one(const char *casedir, const struct fc_manifest *m, struct fc_linker *l,
		    const char *flags, double timeout, bool keep, struct fc_case_result *r)
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
	if (l->flavor == FC_LD_GO) {
		fc_run_go(casedir, l, flags, timeout, keep, r);
		return;
	}
	char *dir = fc_xasprintf("%s/%s", casedir, l->name);
	char *out = fc_xasprintf("%s/out", dir);
	struct fc_link_result lr;
	status("%s %s: linking", m->t->name, l->name);
	if (fc_link_case(casedir, m, l, dir, out, flags, timeout, &lr) < 0) {
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
	status("%s %s: executing %" PRIu64 " sites", m->t->name, l->name, m->nsites);
	struct fc_image im;
	if (fc_image_open(&im, out, m->t) < 0) {
		/* A linker that wrote an output we cannot load wrote garbage. */
		r->verdict = FC_V_FAIL;
		r->reason = fc_xasprintf("output unusable: %s", fc_last_error());
		fc_image_close(&im);
		goto out;
	}
	uint64_t code = fc_image_code_bytes(&im);
	r->thunk_bytes = code > m->size ? code - m->size : 0;
	struct fc_calls_result cr;
	if (fc_emu_calls(&im, m, &cr) < 0) {
		r->verdict = FC_V_ERROR;
		r->reason = fc_xstrdup(fc_last_error());
	} else {
		status("%s", "");
		r->have_calls = 1;
		r->checked = cr.checked;
		r->failed = cr.failed;
		r->calls = cr.calls;
		r->calls_failed = cr.calls_failed;
		r->data = cr.data;
		r->data_failed = cr.data_failed;
		r->direct = cr.direct;
		r->via_thunk = cr.via_thunk;
		r->thunks = cr.thunks;
		r->relaxed = cr.relaxed;
		r->relaxed_addr = cr.relaxed_addr;
		r->emu_s = cr.seconds;
		json_t *j = fc_emu_json(&im, m, &cr, 200);
		r->failures = json_incref(json_object_get(j, "failures"));
		char *ejp = fc_xasprintf("%s/emu.json", dir);
		fc_write_json(ejp, j, JSON_INDENT(2));
		free(ejp);
		json_decref(j);
		/* The debug info: lines and CFI, as the generator wrote them. */
		struct fc_verify_result vr;
		uint64_t vbad[8];
		size_t vbad_n = 0;
		if (fc_verify(&im, m, 1, &vr) == 0) {
			vbad_n = vr.nbad < 4 ? vr.nbad : 4;
			memcpy(vbad, vr.bad, vbad_n * sizeof *vbad);
			r->have_verify = 1;
			r->dwarf = m->dwarf;
			r->cfi = m->cfi;
			r->line_funcs = vr.functions;
			r->lines_failed = vr.lines_failed + (m->dwarf && !vr.have_lines);
			r->lines_pct = vr.line_insns ? 100.0 * (double)vr.line_ok / (double)vr.line_insns
						     : 0.0;
			r->cfi_funcs = vr.cfi_functions;
			r->cfi_failed = vr.cfi_failed + vr.frames_failed + (m->cfi && !vr.have_cfi);
			r->have_table = vr.have_table;
			r->layout_failed = vr.layout_failed;
			r->have_kept = vr.have_kept;
			r->kept_relocs = vr.kept_relocs;
			r->kept_checked = vr.kept_checked;
			r->kept_failed = vr.kept_failed;
			r->kept_via_stub = vr.kept_via_stub;
			r->table_entries = vr.table_entries;
			r->table_failed = vr.table_failed;
			json_t *vj = fc_verify_json(&vr, 200);
			r->verify_msgs = json_incref(json_object_get(vj, "messages"));
			json_decref(vj);
			fc_verify_result_free(&vr);
		}
		bool debug_bad = fc_case_verify_bad(r);
		if (cr.failed || r->expect_error || debug_bad) {
			r->verdict = FC_V_FAIL;
			if (r->expect_error)
				r->reason = fc_xasprintf("the linker accepted sites no linker can fix "
							 "(out of the form's reach); %" PRIu64
							 " of %" PRIu64 " sites failed", cr.failed,
							 cr.checked);
			else if (cr.failed)
				r->reason = fc_xasprintf("%" PRIu64 " of %" PRIu64 " sites failed "
							 "(%" PRIu64 " calls, %" PRIu64
							 " addresses and data)%s", cr.failed, cr.checked,
							 cr.calls_failed, cr.data_failed,
							 debug_bad ? "; and the debug info" : "");
			else
			{
				/* Only what failed, in one line. */
				char why[320] = "";
				size_t k = 0;
#define WHY(...) (k += (size_t)snprintf(why + k, k < sizeof why ? sizeof why - k : 0, __VA_ARGS__))
				if (r->lines_failed || r->cfi_failed)
					WHY("debug info: %" PRIu64 " functions fail the line checks, %"
					    PRIu64 " the CFI checks", r->lines_failed, r->cfi_failed);
				if (r->table_failed)
					WHY("%s%" PRIu64 " of %" PRIu64 " call-site table entries fail",
					    k ? "; " : "", r->table_failed, r->table_entries);
				if (r->kept_failed)
					WHY("%s%" PRIu64 " of %" PRIu64 " kept relocations do not reproduce "
					    "the code", k ? "; " : "", r->kept_failed, r->kept_relocs);
				if (r->layout_failed)
					WHY("%s%" PRIu64 " ELF layout findings", k ? "; " : "",
					    r->layout_failed);
#undef WHY
				r->reason = fc_xasprintf("%s (see the findings)", why);
			}
			/* The paths and the debug excerpts, for whoever opens the
			 * case, and for the report's details. */
			char *tp = fc_xasprintf("%s/emu.txt", dir);
			struct fc_afile a;
			if (fc_afile_open(&a, tp) == 0) {
				fc_emu_report(a.f, &im, m, &cr, 50);
				for (size_t k = 0; k < vbad_n; k++)
					fc_verify_excerpt(a.f, &im, vbad[k]);
				fc_afile_commit(&a);
				r->details = fc_run_details(tp);
			}
			free(tp);
		} else {
			r->verdict = FC_V_PASS;
		}
		fc_calls_result_free(&cr);
	}
	fc_image_close(&im);
	if (r->verdict == FC_V_PASS && !keep)
		unlink(out); /* hundreds of MiB, and reproducible from cmd.txt */
out:
	status("%s", "");
	free(dir);
	free(out);
}
