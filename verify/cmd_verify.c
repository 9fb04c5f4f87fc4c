/* farcall verify CASE OUT: the checks that do not execute sites (the debug
 * info, the layout, kept relocations, the call-site table: checks/). */
#include <stdio.h>
#include <unistd.h>

#include "../checks/runner.h"
#include "../core/util.h"
#include "../farcall.h"

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
	"  --strict        notes fail too\n"
	"Exit: 0 all pass, 1 any fails, 2 usage or environment error.\n";

int cmd_verify(int argc, char **argv)
{
	long nc = sysconf(_SC_NPROCESSORS_ONLN);
	struct fc_check_opts o = {.jobs = nc > 1 ? (unsigned)(nc > 8 ? 8 : nc) : 1,
				  .max_report = 20};
	int pr = fc_check_args_parse("verify", verify_usage, argc, argv, 2, &o);
	if (pr)
		return pr > 0 ? FC_EXIT_OK : FC_EXIT_USAGE;
	struct fc_subject s;
	struct fc_subject_opts so = {.jobs = o.jobs};
	int st = FC_EXIT_USAGE;
	if (fc_subject_open_case(&s, o.casedir, o.out, &so) == 0)
		st = fc_checks_command(&s, FC_PICK_DEBUG, &o);
	fc_subject_close(&s);
	return st;
}
