#define _GNU_SOURCE
#include "runner.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/jsonfile.h"
#include "../core/util.h"
#include "../farcall.h"
#include "../verify/excerpt.h"

int fc_parse_jobs(const char *cmd, const char *arg, unsigned *jobs)
{
	uint64_t j;
	if (fc_parse_u64(arg, &j) || j < 1 || j > 256)
		return fc_err("%s: -j takes 1 to 256, not '%s'", cmd, arg);
	*jobs = (unsigned)j;
	return 0;
}

int fc_check_args_parse(const char *cmd, const char *usage, int argc, char **argv, int nargs,
			struct fc_check_opts *o)
{
	static const struct option lo[] = {{"max-report", 1, 0, 'm'}, {"json", 1, 0, 'J'},
					   {"strict", 0, 0, 's'}, {"cfi-strict", 0, 0, 'S'},
					   {"help", 0, 0, 'h'}, {0}};
	int c;
	uint64_t v;
	fc_getopt_reset();
	while ((c = getopt_long(argc, argv, "hj:", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
			if (fc_parse_jobs(cmd, optarg, &o->jobs) < 0)
				return -1;
			break;
		case 'm':
			if (fc_parse_u64(optarg, &v))
				return fc_err("%s: --max-report: not a number: '%s'", cmd, optarg);
			o->max_report = (size_t)v;
			break;
		case 'J': o->json = optarg; break;
		case 's': o->strict = true; break;
		case 'S': o->cfi_strict = true; break;
		case 'h': fputs(usage, stdout); return 1;
		default: fputs(usage, stderr); return -1;
		}
	}
	if (optind + nargs != argc) {
		fputs(usage, stderr);
		return -1;
	}
	if (nargs == 2) {
		o->casedir = argv[optind];
		o->out = argv[optind + 1];
	} else {
		o->out = argv[optind];
	}
	return 0;
}

void fc_checks_report(FILE *f, struct fc_subject *s, const struct fc_check_result *res,
		      size_t max)
{
	fc_checks_print(f, s->path, res, max);
	/* The line and CFI rows around the first findings of checks that do not
	 * execute sites (those carry their paths). */
	size_t shown = 0;
	for (size_t i = 0; i < fc_checks_count() && shown < 2; i++) {
		if (fc_check_at(i)->exec)
			continue;
		for (size_t k = 0; k < res[i].f.n && shown < 2; k++)
			if (res[i].f.v[k].addr != FC_NOWHERE && res[i].f.v[k].sev == FC_SEV_FAIL &&
			    fc_image_executable(&s->im, res[i].f.v[k].addr)) {
				fc_verify_excerpt(f, &s->im, fc_subject_lines(s), res[i].f.v[k].addr);
				shown++;
			}
	}
}

json_t *fc_subject_json(const struct fc_subject *s, const struct fc_check_result *res,
			size_t max_findings)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:I}", s->kind == FC_KIND_BINARY ? "binary" : "output",
			      s->path, "arch", s->t->name, "kind", fc_kind_name(s->kind),
			      "functions", (json_int_t)s->m.nfuncs);
	if (s->casedir)
		json_object_set_new(j, "case", json_string(s->casedir));
	if (s->kind == FC_KIND_BINARY) {
		json_object_set_new(j, "thunks", json_integer((json_int_t)s->nthunks));
		json_object_set_new(j, "go", json_boolean(s->go_code));
	}
	json_object_set_new(j, "figures", json_deep_copy(s->figures));
	json_object_set_new(j, "checks", fc_checks_json(res, max_findings));
	return j;
}

int fc_checks_command(struct fc_subject *s, enum fc_check_pick pick,
		      const struct fc_check_opts *o)
{
	struct fc_check_result *res = fc_xcalloc(fc_checks_count(), sizeof *res);
	int st = FC_EXIT_USAGE;
	if (fc_checks_run(s, pick, res) == 0) {
		if (s->kind == FC_KIND_BINARY) {
			printf("%s: %s%s, %u functions (%" PRIu64 " linker thunks and stubs apart, %"
			       PRIu64 " of them known by their shape)\n", s->path, s->t->name,
			       s->go_code ? " (Go)" : "", s->m.nfuncs, s->nthunks, s->nthunks_shaped);
			fc_subject_load_figures(s);
			fc_subject_load_print(stdout, s);
		}
		fc_checks_report(stdout, s, res, o->max_report);
		/* The sites executed, whichever checks own them, in one line (the
		 * last: scripts read it). */
		json_t *sites = json_object_get(s->figures, "sites");
		if (sites) {
			printf("%s: %" PRIu64 " sites, %" PRIu64 " failed (", s->path,
			       (uint64_t)json_integer_value(sites),
			       (uint64_t)json_integer_value(json_object_get(s->figures, "sites_failed")));
			const char *sep = "";
			for (size_t i = 0; i < fc_checks_count(); i++)
				if (fc_check_at(i)->exec && res[i].state == FC_CK_RAN) {
					printf("%s%s: %" PRIu64 " of %" PRIu64 " failed", sep,
					       fc_check_at(i)->name, res[i].failed, res[i].checked);
					sep = "; ";
				}
			const struct fc_calls_result *c = s->calls;
			printf(")%s", "");
			if (c)
				printf("; %.2f s (%.0f sites/s)", c->seconds,
				       c->seconds > 0 ? (double)c->checked / c->seconds : 0.0);
			putchar('\n');
		}
		st = fc_checks_bad(res, o->strict) ? FC_EXIT_FAIL : FC_EXIT_OK;
		/* Exit 0 says something was checked and passed. */
		bool any = false;
		for (size_t i = 0; i < fc_checks_count(); i++)
			any |= fc_check_at(i)->code && res[i].state == FC_CK_RAN && res[i].checked;
		if (!any && st == FC_EXIT_OK && pick == FC_PICK_ALL) {
			printf("%s: nothing of its code could be checked (no functions, calls, line "
			       "table or CFI found)\n", s->path);
			st = FC_EXIT_USAGE;
		}
		if (o->json) {
			json_t *j = fc_subject_json(s, res, 1000);
			if (fc_write_json(o->json, j, JSON_INDENT(2)) < 0)
				st = FC_EXIT_USAGE;
			json_decref(j);
		}
	}
	fc_checks_free(res);
	free(res);
	return st;
}
