/* farcall check BINARY: a binary nobody generated, with no manifest.
 *
 * Functions come from the symbol table; when the binary has DWARF, the
 * functions are those with a subprogram, and the other code symbols are the
 * linker's (thunks, veneers, trampolines, PLT stubs), reported apart. Direct
 * calls are found by disassembly, as the target decodes them, and executed
 * like generated ones: through whatever thunk, to a function entry (the
 * callee itself when the call names one), registers and stack kept. Every
 * instruction of every function with debug info must be covered by a line
 * row: the class of Go's arm64 bug where trampolines dropped the line table
 * of their callers (golang/go#54320). Every function is then run from its
 * entry and its CFI compared with the real CFA and return address at each
 * instruction (verify/cfi.c): the class of Go's "leaf bit" bug, where leaf
 * functions claimed a frame they did not have. Compilers that write
 * synchronous unwind tables are exact only at the entry, at calls and where
 * a row starts; elsewhere a disagreement is a note unless --cfi-strict. */
#include <stdio.h>

#include "../checks/runner.h"
#include "../core/util.h"
#include "../farcall.h"

static const char check_usage[] =
	"usage: farcall check [-j N] [--max-report N] [--json FILE] [--strict] [--cfi-strict] BINARY\n"
	"\n"
	"Check a linked binary nobody generated (a Go service, a C program linked\n"
	"with mold) on an x86 host: every direct call found by disassembly is\n"
	"executed in Unicorn through whatever thunk the linker made to a function\n"
	"entry, with the ABI's registers and stack kept; every instruction of every\n"
	"function with debug info must be covered by a DWARF line row. Functions\n"
	"come from the symbol table; with DWARF, code symbols without a subprogram\n"
	"are the linker's thunks and stubs, reported apart. Each function is run\n"
	"from its entry and its CFI (.eh_frame or .debug_frame) must give the real\n"
	"CFA and return address at its entry, at every call and where each CFI row\n"
	"starts (synchronous unwind tables); elsewhere a disagreement is a note.\n"
	"\n"
	"  -j N            execute on N threads\n"
	"  --max-report N  print at most N failures of each kind (default 20)\n"
	"  --json FILE     also write the results as JSON\n"
	"  --strict        notes fail too\n"
	"  --cfi-strict    the CFI must be exact at every instruction (asynchronous\n"
	"                  unwind tables, as gcc and clang write for amd64)\n"
	"Exit: 0 all pass, 1 any fails, 2 usage or environment error.\n";

int cmd_check(int argc, char **argv)
{
	struct fc_check_opts o = {.jobs = 1, .max_report = 20};
	int pr = fc_check_args_parse("check", check_usage, argc, argv, 1, &o);
	if (pr)
		return pr > 0 ? FC_EXIT_OK : FC_EXIT_USAGE;
	struct fc_subject s;
	struct fc_subject_opts so = {.jobs = o.jobs, .cfi_strict = o.cfi_strict};
	int st = FC_EXIT_USAGE;
	if (fc_subject_open_binary(&s, o.out, &so) == 0)
		st = fc_checks_command(&s, FC_PICK_ALL, &o);
	fc_subject_close(&s);
	return st;
}
