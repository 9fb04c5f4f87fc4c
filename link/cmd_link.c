/* farcall link and farcall linkers. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "../farcall.h"
#include "../core/gomanifest.h"
#include "link.h"

static const char link_usage[] =
	"usage: farcall link --linker NAME|PATH|custom:TEMPLATE [-o OUT] [--flags 'ARGS']\n"
	"                    [--timeout S] CASE\n"
	"\n"
	"Link CASE as a static executable entered at _start. NAME is bfd, gold, lld,\n"
	"lld-N (ld.lld-N), mold, or a path to a linker binary (for example a freshly\n"
	"built ld.lld). The exact command, the linker's output, exit status, wall time\n"
	"and peak memory go to CASE/<linker>/{cmd.txt,stderr.txt,link.json}; a linker\n"
	"that crashes, hangs or writes nothing is a recorded failure.\n"
	"\n"
	"A Go case (gen --frontend go) is built by Go's toolchain: --linker go (or a\n"
	"path to a go binary) runs GOARCH=<arch> go build -trimpath in CASE/src, with\n"
	"-ldflags=-debugtramp=2 on arm64 and riscv64 (every call that can take a\n"
	"trampoline takes one); --flags go to -ldflags too.\n"
	"\n"
	"custom:TEMPLATE is a command line of your own, split into words at blanks\n"
	"(no shell), run in CASE, with these placeholders:\n"
	"  {out}    the output path; may be part of a word, as in -o{out}\n"
	"  {objs}   the case's objects, one word each\n"
	"  {flags}  what farcall passes this linker's flavour (mode, -e _start, -m...;\n"
	"           GNU ld's when its --version does not say what it is)\n"
	"  {extra}  the words of --flags (appended at the end when absent)\n"
	"{out} and {objs} are required; {objs}, {flags} and {extra} must be whole\n"
	"words. It is named custom-<hash of TEMPLATE>, e.g.\n"
	"  --linker 'custom:/opt/ld -o {out} {flags} {objs}'\n"
	"\n"
	"  -o OUT        output (default CASE/<linker>/out)\n"
	"  --flags ARGS  extra linker arguments, e.g. '--emit-relocs'\n"
	"  --timeout S   kill the linker after S seconds (default 900)\n"
	"Exit: 0 linked, 1 the linker failed, 2 usage or environment error.\n";

int cmd_link(int argc, char **argv)
{
	static const struct option lo[] = {{"linker", 1, 0, 'l'}, {"flags", 1, 0, 'f'},
					   {"timeout", 1, 0, 't'}, {"help", 0, 0, 'h'}, {0}};
	const char *spec = NULL, *out = NULL, *flags = NULL;
	double timeout = 900;
	int c;
	fc_getopt_reset();
	while ((c = getopt_long(argc, argv, "l:o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'l': spec = optarg; break;
		case 'o': out = optarg; break;
		case 'f': flags = optarg; break;
		case 't':
			if (fc_parse_seconds(optarg, &timeout) < 0)
				return fc_err("link: --timeout: a duration such as 900, 90s or 15m, "
					      "not '%s'", optarg), FC_EXIT_USAGE;
			break;
		case 'h': fputs(link_usage, stdout); return FC_EXIT_OK;
		default: fputs(link_usage, stderr); return FC_EXIT_USAGE;
		}
	}
	if (!spec || optind + 1 != argc) {
		fputs(link_usage, stderr);
		return FC_EXIT_USAGE;
	}
	const char *casedir = argv[optind];
	struct fc_manifest m = {0};
	struct fc_go_manifest gm = {0};
	bool go = fc_go_case(casedir);
	if (go ? fc_go_manifest_load(casedir, &gm) < 0 : fc_manifest_load(casedir, &m) < 0)
		return FC_EXIT_USAGE;
	const struct target *t = go ? gm.t : m.t;
	struct fc_linker l;
	if ((!go && fc_check_objects(casedir, &m) < 0) || fc_linker_resolve(t, spec, &l) < 0) {
		fc_manifest_free(&m);
		fc_go_manifest_free(&gm);
		return FC_EXIT_USAGE;
	}
	char *dir = fc_xasprintf("%s/%s", casedir, l.name);
	char *o = out ? fc_xstrdup(out) : fc_xasprintf("%s/out", dir);
	struct fc_link_result res;
	int st = FC_EXIT_USAGE;
	const struct fc_linker_kind *k = fc_linker_kind(l.flavor);
	int lr = go ? fc_link_go_case(casedir, t, &l, dir, o, flags, timeout, &res)
		    : k->no_objects ? fc_err("%s: %s %s", casedir, k->name, k->no_objects)
			  : fc_link_case(casedir, &m, &l, dir, o, flags, timeout, &res);
	if (lr == 0) {
		if (res.ok) {
			printf("%s: linked with %s (%s) in %.2f s, %ld MiB peak\n", o, l.name,
			       l.version, res.wall_s, res.max_rss_kb / 1024);
			st = FC_EXIT_OK;
		} else {
			printf("%s: %s\n", casedir, res.problem);
			st = FC_EXIT_FAIL;
		}
		fc_link_result_free(&res);
	}
	free(dir);
	free(o);
	fc_linker_free(&l);
	fc_manifest_free(&m);
	fc_go_manifest_free(&gm);
	return st;
}

int cmd_linkers(int argc, char **argv)
{
	const char *arch = "arm64";
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: farcall linkers [--arch A]\n\nList the linkers farcall "
		       "finds for an arch: name, path, version.\n");
		return FC_EXIT_OK;
	}
	if (argc > 2 && !strcmp(argv[1], "--arch"))
		arch = argv[2];
	const struct target *t = fc_target_find(arch);
	if (!t)
		return fc_err("unknown arch '%s' (known: %s)", arch, fc_target_names()),
		       FC_EXIT_USAGE;
	struct fc_linker *v;
	size_t n;
	fc_linkers_find(t, &v, &n);
	for (size_t i = 0; i < n; i++) {
		printf("%-8s %-40s %s\n", v[i].name, v[i].path, v[i].version);
		fc_linker_free(&v[i]);
	}
	free(v);
	return FC_EXIT_OK;
}
