/* farcall verify CASE OUT */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/jsonfile.h"
#include "../core/util.h"
#include "../verify/gocase.h"
#include "../farcall.h"
#include "../emu/emu.h"
#include "verify.h"

static const char verify_usage[] =
	"usage: farcall verify [-j N] [--max-report N] [--json FILE] CASE OUT\n"
	"\n"
	"Check the debug info of the linked output OUT against what the generator\n"
	"wrote for CASE: every instruction of every function must be covered by a\n"
	"line row with the expected line (read with libdw), and the CFI must give the\n"
	"real CFA and return address at every instruction, which farcall finds by\n"
	"running each function in Unicorn from its entry (calls stepped over). A\n"
	"leaf function that claims a saved return address fails there.\n"
	"\n"
	"  -j N            run the CFI check on N threads (default: every core)\n"
	"  --max-report N  print at most N findings (default 20)\n"
	"  --json FILE     also write the results as JSON\n"
	"Exit: 0 all pass, 1 any fails, 2 usage or environment error.\n";

int cmd_verify(int argc, char **argv)
{
	long nc = sysconf(_SC_NPROCESSORS_ONLN);
	struct fc_case_args a = {.jobs = nc > 1 ? (unsigned)(nc > 8 ? 8 : nc) : 1,
				 .max_report = 20};
	int pr = fc_case_args_parse("verify", verify_usage, argc, argv, &a);
	if (pr)
		return pr > 0 ? FC_EXIT_OK : FC_EXIT_USAGE;
	size_t max_report = a.max_report;
	const char *json = a.json;
	/* A Go case: the calls, lines and CFI, all checked at once. */
	if (fc_go_case(a.casedir))
		return fc_go_cmd(a.casedir, a.out, a.jobs, max_report, json);
	struct fc_manifest m;
	struct fc_image im;
	if (fc_open_case_output(a.casedir, a.out, &m, &im) < 0)
		return FC_EXIT_USAGE;
	unsigned jobs = a.jobs;
	int st = FC_EXIT_USAGE;
	struct fc_verify_result r;
	if (fc_verify(&im, &m, jobs, &r) == 0) {
		if (!m.dwarf && !m.cfi && !m.record_calls && !r.have_kept)
			printf("%s: the case has neither DWARF nor CFI (gen --dwarf none --cfi none)\n",
			       a.casedir);
		for (size_t i = 0; i < r.nmsgs && i < max_report; i++)
			printf("%s\n", r.msgs[i]);
		for (size_t i = 0; i < r.nbad && i < 2; i++)
			fc_verify_excerpt(stdout, &im, r.bad[i]);
		if (r.nmsgs > max_report)
			printf("%s: ... and %zu more findings\n", im.path, r.nmsgs - max_report);
		if (m.dwarf)
			printf("%s: lines: %" PRIu64 " functions, %.2f%% of %" PRIu64 " instructions on "
			       "their expected line, %" PRIu64 " functions failed\n", im.path,
			       r.functions,
			       r.line_insns ? 100.0 * (double)r.line_ok / (double)r.line_insns : 0.0,
			       r.line_insns, r.lines_failed);
		if (m.cfi)
			printf("%s: cfi: %" PRIu64 " functions, %" PRIu64 " failed, %" PRIu64
			       " instructions compared; %" PRIu64 " frames not as built\n", im.path,
			       r.cfi_functions, r.cfi_failed, r.cfi_insns, r.frames_failed);
		printf("%s: layout: %" PRIu64 " findings\n", im.path, r.layout_failed);
		if (r.have_kept)
			printf("%s: kept relocations: %" PRIu64 " kept, %" PRIu64 " re-applied, %" PRIu64
			       " failed, %" PRIu64 " through stubs, %" PRIu64 " skipped\n", im.path,
			       r.kept_relocs, r.kept_checked, r.kept_failed, r.kept_via_stub,
			       r.kept_skipped);
		if (r.have_table)
			printf("%s: call-site table: %" PRIu64 " entries, %" PRIu64 " failed\n",
			       im.path, r.table_entries, r.table_failed);
		printf("%s: verified in %.2f s\n", im.path, r.seconds);
		st = (r.lines_failed || r.cfi_failed || r.frames_failed || r.layout_failed || r.table_failed || r.kept_failed ||
		      (m.dwarf && !r.have_lines) || (m.cfi && !r.have_cfi))
			     ? FC_EXIT_FAIL : FC_EXIT_OK;
		if (json) {
			json_t *j = fc_verify_json(&r, 1000);
			if (fc_write_json(json, j, JSON_INDENT(2)) < 0)
				st = FC_EXIT_USAGE;
			json_decref(j);
		}
		fc_verify_result_free(&r);
	}
	fc_image_close(&im);
	fc_manifest_free(&m);
	return st;
}
