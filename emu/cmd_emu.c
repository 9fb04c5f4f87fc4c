/* farcall emu CASE OUT */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "../farcall.h"
#include "emu.h"

static const char emu_usage[] =
	"usage: farcall emu [--max-report N] [--json FILE] CASE OUT\n"
	"\n"
	"Execute every call site of CASE in the linked output OUT with Unicorn, from\n"
	"the call instruction to the callee's entry, through whatever thunk the\n"
	"linker made. A site passes when it reaches exactly the expected entry with\n"
	"the return address right, SP and every register but the ABI's thunk\n"
	"registers unchanged, no store, nothing executed outside code, within a\n"
	"small bound of blocks. Failures print the executed path.\n"
	"\n"
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
		json_array_append_new(fails, json_pack("{s:s, s:I, s:s, s:s}", "caller",
						       m->funcs[s->caller].name, "offset",
						       (json_int_t)s->off, "callee",
						       m->funcs[s->callee].name, "message", buf));
		free(buf);
	}
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:o}", "checked",
			 (json_int_t)r->checked, "failed", (json_int_t)r->failed, "direct",
			 (json_int_t)r->direct, "via_thunk", (json_int_t)r->via_thunk, "thunks",
			 (json_int_t)r->thunks, "seconds", r->seconds, "sites_per_s",
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

int cmd_emu(int argc, char **argv)
{
	static const struct option lo[] = {{"max-report", 1, 0, 'm'}, {"json", 1, 0, 'j'},
					   {"help", 0, 0, 'h'}, {0}};
	size_t max_report = 20;
	const char *json = NULL;
	int c;
	fc_getopt_reset();
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'm': max_report = (size_t)atol(optarg); break;
		case 'j': json = optarg; break;
		case 'h': fputs(emu_usage, stdout); return FC_EXIT_OK;
		default: fputs(emu_usage, stderr); return FC_EXIT_USAGE;
		}
	}
	if (optind + 2 != argc) {
		fputs(emu_usage, stderr);
		return FC_EXIT_USAGE;
	}
	struct fc_manifest m;
	if (fc_manifest_load(argv[optind], &m) < 0)
		return FC_EXIT_USAGE;
	struct fc_image im;
	if (fc_image_open(&im, argv[optind + 1], m.t) < 0) {
		fc_image_close(&im);
		fc_manifest_free(&m);
		return FC_EXIT_USAGE;
	}
	struct fc_calls_result r;
	int st = FC_EXIT_USAGE;
	if (fc_emu_calls(&im, &m, &r) == 0) {
		fc_emu_report(stdout, &im, &m, &r, max_report);
		printf("%s: %" PRIu64 " call sites, %" PRIu64 " failed; %" PRIu64 " direct, %" PRIu64
		       " through %" PRIu64 " thunks; %.2f s (%.0f sites/s)\n",
		       im.path, r.checked, r.failed, r.direct, r.via_thunk, r.thunks, r.seconds,
		       r.seconds > 0 ? (double)r.checked / r.seconds : 0.0);
		st = r.failed ? FC_EXIT_FAIL : FC_EXIT_OK;
		if (json) {
			json_t *j = fc_emu_json(&im, &m, &r, 1000);
			char *s = json_dumps(j, JSON_INDENT(2));
			if (fc_write_file_atomic(json, s, strlen(s)) < 0)
				st = FC_EXIT_USAGE;
			free(s);
			json_decref(j);
		}
		fc_calls_result_free(&r);
	}
	fc_image_close(&im);
	fc_manifest_free(&m);
	return st;
}
