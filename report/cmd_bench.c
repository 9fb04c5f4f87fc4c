/* farcall bench: the command line. The sweep is bench.c, the report
 * bench_report.c. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/util.h"
#include "../farcall.h"
#include "bench.h"

static const char bench_usage[] =
	"usage: farcall bench --sizes LIST [--arch LIST] [--linker LIST] [--repeat N]\n"
	"                     [--funcs-per-mib K] [--threads LIST] [--tmpdir DIR]\n"
	"                     [--report DIR] [--timeout S] [--keep] [--calls-only]\n"
	"       farcall bench ... --linker NEW --against OLD\n"
	"\n"
	"Link time, peak memory and thunk bytes against .text size. Each (arch, size)\n"
	"case is generated once (reused when it exists, as run reuses cases), linked\n"
	"once by each linker as a warm-up whose output emu checks (the verdict), then\n"
	"N times, round-robin over every linker and thread count. A link is measured\n"
	"over the linker's whole process tree (mold forks): wall time until the last\n"
	"process ends, user and sys summed, peak RSS of the largest process.\n"
	"\n"
	"  --sizes LIST        .text sizes, comma-separated (16M,64M,256M,1G)\n"
	"  --arch LIST         comma-separated arches (default arm64; known: %s)\n"
	"  --linker LIST       names or paths (default: every installed one that links\n"
	"                      objects); one that is not there is an error\n"
	"  --repeat N          measured links per configuration (default 6: the least\n"
	"                      that gives a 95%% interval of the median)\n"
	"  --funcs-per-mib K   functions per MiB of .text (default 4)\n"
	"  --threads LIST      thread counts for linkers that take one (lld, mold, gold);\n"
	"                      the others link once with their default\n"
	"  --tmpdir DIR        where cases and outputs go (default $FARCALL_WORK or\n"
	"                      /tmp/farcall-work)\n"
	"  --report DIR        default reports/bench-<time>\n"
	"  --timeout S         per link (default 900)\n"
	"  --keep              keep each configuration's last output (to rerun a command)\n"
	"  --calls-only        cases of far calls and tail calls only (arm64 bl,b; amd64\n"
	"                      call,jmp; riscv64 call,tail), which every linker takes:\n"
	"                      the default mix has forms some reject (mold 1.10: TBZ)\n"
	"  --against OLD       link every case with --linker NEW and OLD, interleaved;\n"
	"                      per size the ratio of medians NEW/OLD, its 95%% bootstrap\n"
	"                      interval, and significance: the interval excludes 1 and a\n"
	"                      two-sided Mann-Whitney U test gives p < 0.05\n"
	"Writes REPORT/bench.json, bench.csv, index.html and gnuplot's plots (SVG and PNG).\n"
	"Exit: 0 when the report was written (a linker that failed is in it); 2 usage,\n"
	"environment, or a sweep the machine cannot hold (refused before it starts).\n";

static char *join_argv(int argc, char **argv)
{
	size_t n = 16;
	for (int i = 0; i < argc; i++)
		n += strlen(argv[i]) + 3;
	char *s = fc_xmalloc(n), *p = s;
	p += sprintf(p, "farcall");
	for (int i = 0; i < argc; i++)
		p += sprintf(p, " %s", argv[i]);
	return s;
}

int cmd_bench(int argc, char **argv)
{
	static const struct option lo[] = {
		{"arch", 1, 0, 'a'},	    {"linker", 1, 0, 'l'}, {"sizes", 1, 0, 's'},
		{"size", 1, 0, 's'},	    {"repeat", 1, 0, 'n'}, {"funcs-per-mib", 1, 0, 'k'},
		{"threads", 1, 0, 'T'},	    {"tmpdir", 1, 0, 'w'}, {"report", 1, 0, 'r'},
		{"against", 1, 0, 'V'},	    {"timeout", 1, 0, 't'}, {"keep", 0, 0, 'K'},	    {"calls-only", 0, 0, 'C'},
		{"help", 0, 0, 'h'},	    {0}};
	struct fc_bench b = {0};
	b.o.repeat = 6;
	b.o.funcs_per_mib = 4;
	b.o.timeout = 900;
	b.o.tmpdir = getenv("FARCALL_WORK") ? getenv("FARCALL_WORK") : "/tmp/farcall-work";
	uint64_t v;
	int c;
	fc_getopt_reset();
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'a': b.o.arches = optarg; break;
		case 'l': b.o.linkers = optarg; break;
		case 's': b.o.sizes = optarg; break;
		case 'T': b.o.threads = optarg; break;
		case 'w': b.o.tmpdir = optarg; break;
		case 'r': b.o.report = optarg; break;
		case 'V': b.o.against = optarg; break;
		case 'K': b.o.keep = true; break;
		case 'C': b.o.calls_only = true; break;
		case 'n':
		case 'k':
			if (fc_parse_u64(optarg, &v) < 0 || v < 1 || v > 100000) {
				fc_err("bench: --%s: a whole number of at least 1, not '%s'",
				       c == 'n' ? "repeat" : "funcs-per-mib", optarg);
				return FC_EXIT_USAGE;
			}
			if (c == 'n')
				b.o.repeat = (unsigned)v;
			else
				b.o.funcs_per_mib = (unsigned)v;
			break;
		case 't':
			if (fc_parse_seconds(optarg, &b.o.timeout) < 0) {
				fc_err("bench: --timeout: a duration such as 900, 90s or 15m, not '%s'",
				       optarg);
				return FC_EXIT_USAGE;
			}
			break;
		case 'h': printf(bench_usage, fc_target_names()); return FC_EXIT_OK;
		default: fprintf(stderr, bench_usage, fc_target_names()); return FC_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fc_err("bench: unexpected argument '%s'", argv[optind]);
		return FC_EXIT_USAGE;
	}
	if (!b.o.sizes) {
		fc_err("bench: --sizes LIST is required (e.g. --sizes 16M,64M,256M,1G)");
		return FC_EXIT_USAGE;
	}
	if (b.o.against &&
	    (!b.o.linkers || strchr(b.o.linkers, ',') || strchr(b.o.against, ','))) {
		fc_err("bench: --against OLD compares with one --linker NEW: give one of each");
		return FC_EXIT_USAGE;
	}
	if (b.o.repeat < 6)
		fc_warn("bench: %u repeats: the interval of a median is [min, max] below 6, and "
			"covers less than 95%%", b.o.repeat);
	b.cmdline = join_argv(argc, argv);
	int st = FC_EXIT_USAGE;
	if (fc_bench_run(&b) == 0) {
		fc_bench_analyse(&b);
		fc_bench_print(stdout, &b);
		char *rdir;
		if (b.o.report)
			rdir = fc_xstrdup(b.o.report);
		else {
			char stamp[32];
			time_t now = time(NULL);
			strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", gmtime(&now));
			rdir = fc_xasprintf("reports/bench-%s", stamp);
		}
		if (fc_bench_write(&b, rdir) == 0) {
			printf("report: %s/index.html, %s/bench.json, %s/bench.csv\n", rdir, rdir, rdir);
			st = FC_EXIT_OK;
		}
		free(rdir);
	}
	fc_bench_free(&b);
	return st;
}
