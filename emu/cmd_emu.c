/* farcall emu CASE OUT */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../core/jsonfile.h"
#include "../core/util.h"
#include "../verify/gocase.h"
#include "../farcall.h"
#include "emu.h"

static const char emu_usage[] =
	"usage: farcall emu [-j N] [--max-report N] [--json FILE] CASE OUT\n"
	"\n"
	"Execute every site of CASE in the linked output OUT with Unicorn. A call or\n"
	"branch runs from its instruction to the target's entry, through whatever\n"
	"thunk or PLT entry the linker made, and passes when it reaches exactly the\n"
	"expected entry with the return address right, SP and every register but the\n"
	"ABI's thunk registers unchanged, no store (but a call's push of its return\n"
	"address), nothing executed outside code, within a small bound of blocks. An\n"
	"address sequence runs from its first instruction to its last (as the output\n"
	"has it, relaxed or not) and must leave the target's address in its register.\n"
	"A data word must hold what its relocation says. Failures print the path.\n"
	"\n"
	"  -j N            run the sites on N threads (default 1)\n"
	"  --max-report N  print at most N failures with their paths (default 20)\n"
	"  --json FILE     also write the results as JSON\n"
	"Exit: 0 all sites pass, 1 any fails, 2 usage or environment error.\n";

json_t *fc_emu_json(const struct fc_image *im, const struct fc_manifest *m,
		    const struct fc_calls_result *r, size_t max_fails)
{
	json_t *fails = json_array();
	for (size_t i = 0; i < r->nfails && i < max_fails; i++) {
		char *buf;
		size_t len;
		FILE *f = open_memstream(&buf, &len);
		fc_site_fail_print(f, im, m, &r->fails[i]);
		fclose(f);
		if (len && buf[len - 1] == '\n')
			buf[len - 1] = 0;
		const struct fc_site *s = &m->sites[r->fails[i].site];
		json_array_append_new(fails, json_pack("{s:s, s:I, s:s, s:s, s:s}", "caller",
						       fc_ref_name(m, s->caller), "offset",
						       (json_int_t)s->off, "form",
						       m->t->forms[s->form].name, "target",
						       fc_ref_name(m, s->target), "message", buf));
		free(buf);
	}
	return json_pack("{s:I, s:I, s:{s:I, s:I}, s:{s:I, s:I}, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:o}",
			 "checked", (json_int_t)r->checked, "failed", (json_int_t)r->failed,
			 "calls", "checked", (json_int_t)r->calls, "failed", (json_int_t)r->calls_failed,
			 "data", "checked", (json_int_t)r->data, "failed", (json_int_t)r->data_failed,
			 "direct", (json_int_t)r->direct, "via_thunk", (json_int_t)r->via_thunk,
			 "thunks", (json_int_t)r->thunks, "relaxed", (json_int_t)r->relaxed,
			 "relaxed_addr", (json_int_t)r->relaxed_addr,
			 "seconds", r->seconds, "sites_per_s",
			 r->seconds > 0 ? (double)r->checked / r->seconds : 0.0, "failures", fails);
}

void fc_emu_report(FILE *f, struct fc_image *im, const struct fc_manifest *m,
		   const struct fc_calls_result *r, size_t max_report)
{
	struct fc_image tim;
	bool traced = r->nfails && fc_image_open(&tim, im->path, im->t) == 0;
	for (size_t i = 0; i < r->nfails && i < max_report; i++) {
		fc_site_fail_print(f, im, m, &r->fails[i]);
		if (traced)
			fc_trace_site(f, &tim, m, r->fails[i].site, "    ");
	}
	if (r->nfails)
		fc_image_close(&tim);
	if (r->nfails > max_report)
		fprintf(f, "%s: ... and %zu more failing sites\n", im->path, r->nfails - max_report);
}

int fc_open_case_output(const char *casedir, const char *out, struct fc_manifest *m,
			struct fc_image *im)
{
	if (fc_manifest_load(casedir, m) < 0)
		return -1;
	if (fc_image_open(im, out, m->t) < 0) {
		fc_image_close(im);
		fc_manifest_free(m);
		return -1;
	}
	return 0;
}

int fc_parse_jobs(const char *cmd, const char *arg, unsigned *jobs)
{
	uint64_t j;
	if (fc_parse_u64(arg, &j) || j < 1 || j > 256)
		return fc_err("%s: -j takes 1 to 256, not '%s'", cmd, arg);
	*jobs = (unsigned)j;
	return 0;
}

int fc_case_args_parse(const char *cmd, const char *usage, int argc, char **argv,
		       struct fc_case_args *a)
{
	static const struct option lo[] = {{"max-report", 1, 0, 'm'}, {"json", 1, 0, 'J'},
					   {"help", 0, 0, 'h'}, {0}};
	int c;
	uint64_t v;
	fc_getopt_reset();
	while ((c = getopt_long(argc, argv, "hj:", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
			if (fc_parse_jobs(cmd, optarg, &a->jobs) < 0)
				return -1;
			break;
		case 'm':
			if (fc_parse_u64(optarg, &v))
				return fc_err("%s: --max-report: not a number: '%s'", cmd, optarg);
			a->max_report = (size_t)v;
			break;
		case 'J': a->json = optarg; break;
		case 'h': fputs(usage, stdout); return 1;
		default: fputs(usage, stderr); return -1;
		}
	}
	if (optind + 2 != argc) {
		fputs(usage, stderr);
		return -1;
	}
	a->casedir = argv[optind];
	a->out = argv[optind + 1];
	return 0;
}

int cmd_emu(int argc, char **argv)
{
	struct fc_case_args a = {.jobs = 1, .max_report = 20};
	int pr = fc_case_args_parse("emu", emu_usage, argc, argv, &a);
	if (pr)
		return pr > 0 ? FC_EXIT_OK : FC_EXIT_USAGE;
	size_t max_report = a.max_report;
	const char *json = a.json;
	struct fc_manifest m;
	struct fc_image im;
	/* A Go case: the calls, lines and CFI, all checked at once. */
	if (fc_go_case(a.casedir))
		return fc_go_cmd(a.casedir, a.out, a.jobs, max_report, json);
	if (fc_open_case_output(a.casedir, a.out, &m, &im) < 0)
		return FC_EXIT_USAGE;
	unsigned jobs = a.jobs;
	struct fc_calls_result r;
	int st = FC_EXIT_USAGE;
	if (fc_emu_calls_jobs(&im, &m, jobs, &r) == 0) {
		fc_emu_report(stdout, &im, &m, &r, max_report);
		printf("%s: %" PRIu64 " sites, %" PRIu64 " failed (%" PRIu64 " calls, %" PRIu64
		       " failed; %" PRIu64 " addresses and data, %" PRIu64 " failed); %" PRIu64
		       " direct, %" PRIu64 " through %" PRIu64 " thunks; %" PRIu64
		       " relaxed (calls), %" PRIu64 " relaxed (addresses); %.2f s (%.0f sites/s)\n",
		       im.path, r.checked, r.failed, r.calls, r.calls_failed, r.data, r.data_failed,
		       r.direct, r.via_thunk, r.thunks, r.relaxed, r.relaxed_addr, r.seconds,
		       r.seconds > 0 ? (double)r.checked / r.seconds : 0.0);
		st = r.failed ? FC_EXIT_FAIL : FC_EXIT_OK;
		if (json) {
			json_t *j = fc_emu_json(&im, &m, &r, 1000);
			if (fc_write_json(json, j, JSON_INDENT(2)) < 0)
				st = FC_EXIT_USAGE;
			json_decref(j);
		}
		fc_calls_result_free(&r);
	}
	fc_image_close(&im);
	fc_manifest_free(&m);
	return st;
}
