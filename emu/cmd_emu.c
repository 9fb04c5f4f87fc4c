/* farcall emu CASE OUT: the checks that execute sites (checks/). */
#include <stdio.h>

#include "../checks/runner.h"
#include "../core/util.h"
#include "../farcall.h"

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
	"  --strict        notes fail too\n"
	"Exit: 0 all sites pass, 1 any fails, 2 usage or environment error.\n";

int cmd_emu(int argc, char **argv)
{
	struct fc_check_opts o = {.jobs = 1, .max_report = 20};
	int pr = fc_check_args_parse("emu", emu_usage, argc, argv, 2, &o);
	if (pr)
		return pr > 0 ? FC_EXIT_OK : FC_EXIT_USAGE;
	struct fc_subject s;
	struct fc_subject_opts so = {.jobs = o.jobs};
	int st = FC_EXIT_USAGE;
	if (fc_subject_open_case(&s, o.casedir, o.out, &so) == 0)
		st = fc_checks_command(&s, FC_PICK_EXEC, &o);
	fc_subject_close(&s);
	return st;
}
