/* farcall: the command table and nothing else. */
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "emu/guard.h"
#include "farcall.h"

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
	/* Emulates: run in a child that an emulator crash cannot take down
	 * (emu/guard.h); 2: its output buffered until it completes. */
	int guard;
};

static const struct cmd commands[] = {
	{"gen", cmd_gen, "write a case: objects whose calls go out of branch range + manifest"},
	{"link", cmd_link, "link a case with one linker; record exit, stderr, time, memory"},
	{"emu", cmd_emu, "execute every call site of a linked case in Unicorn", 2},
	{"run", cmd_run, "gen, link and emu with every installed linker; write a report", 1},
	{"bench", cmd_bench, "link time, memory and thunk bytes against size, with plots", 1},
	{"verify", cmd_verify, "check a linked case's line table and CFI (by execution)", 2},
	{"check", cmd_check, "check any linked binary: calls through thunks, line coverage", 2},
	{"linkers", cmd_linkers, "list the linkers farcall finds for an arch"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: farcall <command> [options]   (farcall <command> --help)\n\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return FC_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return FC_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].guard
				       ? fc_guard_run(commands[i].fn, argc - 1, argv + 1,
						      commands[i].guard == 2)
				       : commands[i].fn(argc - 1, argv + 1);
	fc_err("unknown command '%s'", argv[1]);
	usage(stderr);
	return FC_EXIT_USAGE;
}
