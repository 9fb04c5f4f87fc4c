/* farcall run: gen, link and emu over arches x linkers, then a report.
 * It only chains the other stages; each can be rerun alone on the case
 * directories it leaves. */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <getopt.h>
#include <stdint.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/util.h"
#include "../checks/runner.h"
#include "../emu/emu.h"
#include "../farcall.h"
#include "against.h"
#include "corpus.h"
#include "journal.h"
#include "report.h"
#include "plan.h"
#include "run.h"

#define status(...) fc_run_status(false, __VA_ARGS__)
#define run_status(...) fc_run_status(true, __VA_ARGS__)

static const char run_usage[] =
	"usage: farcall run [--arch LIST] [--linker LIST] [--size S] [--funcs N] [--calls N]\n"
	"                   [--far PCT] [--seed S] [--work DIR] [--report DIR]\n"
	"                   [--flags ARGS] [--timeout S] [--keep] [--strict]\n"
	"       farcall run --corpus DIR [--quick] [--scenario GLOB] [--arch LIST] [--linker LIST] ...\n"
	"       farcall run ... --linker NEW --against OLD\n"
	"\n"
	"For each arch: generate a case (reused when one with the same inputs exists),\n"
	"link it with each linker, execute every call site, and write a report:\n"
	"REPORT/summary.md, results.json, junit.xml and index.html.\n"
	"With --corpus, the cases are DIR's scenario files (NAME.scn) instead, and\n"
	"DIR/known-failures turns listed failures into XFAIL, listed passes into XPASS.\n"
	"\n"
	"Go's toolchain (--linker go, in the default list when go is on PATH)\n"
	"builds Go cases: beside each case of the matrix, a Go module of the same\n"
	"arch and seed (gen --frontend go, 512 functions, whatever --size says).\n"
	"\n"
	"  --arch LIST     comma-separated arches (default arm64; known: %s)\n"
	"  --size LIST, --seed LIST\n"
	"                  comma-separated: the matrix is arch x size x seed\n"
	"  --linker LIST   comma-separated names, paths or 'custom:TEMPLATE' (a command\n"
	"                  with {out} {objs} {flags} {extra}; see farcall link --help;\n"
	"                  a template comes last) (default: every installed one)\n"
	"  --size S, --funcs N, --calls N, --far PCT, --tail PCT, --seed S, --mode M,\n"
	"  --no-relax, --forms LIST, --unfixable N, --dwarf V, --cfi K, --record-calls\n"
	"  --frontend go, --pkgs N\n"
	"                  generator options, as for farcall gen\n"
	"  --work DIR      where cases live (default $FARCALL_WORK or /tmp/farcall-work)\n"
	"  --report DIR    report directory (default reports/<time>-<arches>)\n"
	"  --flags ARGS    extra linker arguments\n"
	"  --timeout S     per link (default 900)\n"
	"  --keep          keep linked outputs that passed (failing ones are always kept)\n"
	"  --strict        notes (findings that harm nothing) fail too\n"
	"  --corpus DIR    run DIR's scenarios (docs/corpus.md); no generator options\n"
	"  --quick         only the scenarios marked 'quick: yes'\n"
	"  --scenario GLOB only the scenarios whose name matches\n"
	"  -j N            link and check N cases at once (default 1; each linker\n"
	"                  may take several GiB on large cases)\n"
	"  --against OLD   run every case with --linker NEW and with OLD too, and\n"
	"                  report what changed (REPORT/against.md), regressions first;\n"
	"                  only NEW's failures set the exit status\n"
	"Exit: 0 every case passed, was skipped or failed as known; 1 any failed or a\n"
	"known failure passed (XPASS); 2 usage or environment.\n";

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



int cmd_run(int argc, char **argv)
{
	static const struct option lo[] = {
		{"arch", 1, 0, 'a'}, {"linker", 1, 0, 'l'}, {"size", 1, 0, 's'},
		{"funcs", 1, 0, 'f'}, {"objs", 1, 0, 'O'}, {"calls", 1, 0, 'c'},
		{"far", 1, 0, 'F'}, {"tail", 1, 0, 'T'}, {"seed", 1, 0, 'S'},
		{"work", 1, 0, 'w'}, {"report", 1, 0, 'r'}, {"flags", 1, 0, 'x'},
		{"timeout", 1, 0, 't'}, {"keep", 0, 0, 'k'}, {"strict", 0, 0, 1001}, {"help", 0, 0, 'h'},
		{"mode", 1, 0, 'M'}, {"no-relax", 0, 0, 'R'}, {"forms", 1, 0, 'X'},
		{"unfixable", 1, 0, 'U'}, {"dwarf", 1, 0, 'D'}, {"cfi", 1, 0, 'C'},
		{"corpus", 1, 0, 'P'}, {"quick", 0, 0, 'Q'}, {"scenario", 1, 0, 'N'},
		{"against", 1, 0, 'V'}, {"jobs", 1, 0, 'j'}, {"frontend", 1, 0, 'G'},
		{"pkgs", 1, 0, 'g'}, {"record-calls", 0, 0, 'K'}, {0}};
	const char *arches = NULL, *report = NULL, *corpus_dir = NULL, *only = NULL;
	const char *against = NULL, *sizes = NULL, *seeds = NULL;
	char *pair = NULL;
	struct run ru = {.work = getenv("FARCALL_WORK") ? getenv("FARCALL_WORK") : "/tmp/farcall-work",
			 .timeout = 900};
	bool quick = false;
	struct fc_corpus corpus = {0};
	/* Generator options pass through to fc_gen_parse. */
	char **gargv = fc_xcalloc((size_t)argc + 4, sizeof *gargv);
	int gargc = 0;
	gargv[gargc++] = "gen";
	int c;
	fc_getopt_reset();
	while ((c = getopt_long(argc, argv, "hj:", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
			if (fc_parse_jobs("run", optarg, &ru.jobs) < 0) {
				free(gargv);
				return FC_EXIT_USAGE;
			}
			break;
		case 'a': arches = optarg; break;
		case 'l': ru.linkers = optarg; break;
		case 'w': ru.work = optarg; break;
		case 'r': report = optarg; break;
		case 'x': ru.flags = optarg; break;
		case 't':
			if (fc_parse_seconds(optarg, &ru.timeout) < 0) {
				fc_err("run: --timeout: a duration such as 900, 90s or 15m, not '%s'",
				       optarg);
				free(gargv);
				return FC_EXIT_USAGE;
			}
			break;
		case 'k': ru.keep = true; break;
		case 1001: ru.strict = true; break;
		case 'P': corpus_dir = optarg; break;
		case 'Q': quick = true; break;
		case 'N': only = optarg; break;
		case 'V': against = optarg; break;
		case 's': sizes = optarg; break;
		case 'S': seeds = optarg; break;
		case 'f': case 'O': case 'c': case 'F': case 'T':
		case 'M': case 'R': case 'X': case 'U': case 'D': case 'C': case 'G': case 'g': case 'K': {
			const char *name = NULL;
			for (const struct option *o = lo; o->name; o++)
				if (o->val == c)
					name = o->name;
			gargv[gargc++] = optarg ? fc_xasprintf("--%s=%s", name, optarg)
						: fc_xasprintf("--%s", name);
			break;
		}
		case 'h': printf(run_usage, fc_target_names()); free(gargv); return FC_EXIT_OK;
		default: fprintf(stderr, run_usage, fc_target_names()); free(gargv); return FC_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fc_err("run: unexpected argument '%s'", argv[optind]);
		free(gargv);
		return FC_EXIT_USAGE;
	}
	if (corpus_dir && (gargc > 1 || sizes || seeds)) {
		fc_err("run: generator options (%s) and --corpus exclude each other: "
		       "a scenario file holds its own", gargc > 1 ? gargv[1] : sizes ? "--size" : "--seed");
		for (int i = 1; i < gargc; i++)
			free(gargv[i]);
		free(gargv);
		return FC_EXIT_USAGE;
	}
	if ((quick || only) && !corpus_dir) {
		fc_err("run: --quick and --scenario select from a corpus: give --corpus DIR");
		free(gargv);
		return FC_EXIT_USAGE;
	}
	if (against) {
		if (!ru.linkers || strchr(ru.linkers, ',') || strchr(against, ',')) {
			fc_err("run: --against OLD compares with one --linker NEW: give one of each");
			for (int i = 1; i < gargc; i++)
				free(gargv[i]);
			free(gargv);
			return FC_EXIT_USAGE;
		}
		pair = fc_xasprintf("%s,%s", ru.linkers, against);
		ru.linkers = pair;
		ru.against = true;
	}
	char *cmdline = join_argv(argc, argv);
	double t0 = fc_now();
	int st = FC_EXIT_USAGE;
	char *alist = fc_xstrdup(arches ? arches : corpus_dir ? "" : "arm64"), *save = NULL;
	if (fc_mkdir_p(ru.work) < 0)
		goto out;
	if (corpus_dir) {
		if (fc_corpus_load(corpus_dir, &corpus) < 0)
			goto out;
		ru.corpus = &corpus;
		size_t ran = 0;
		for (size_t i = 0; i < corpus.n; i++) {
			const struct fc_scenario *sc = &corpus.s[i];
			if ((quick && !sc->quick) || (only && fnmatch(only, sc->name, 0)))
				continue;
			/* --arch narrows a corpus to those arches. */
			if (arches) {
				bool in = false;
				char *al = fc_xstrdup(arches), *s3 = NULL;
				for (char *a = strtok_r(al, ",", &s3); a; a = strtok_r(NULL, ",", &s3))
					in |= !strcmp(a, sc->arch);
				free(al);
				if (!in)
					continue;
			}
			ran++;
			status("scenario %s (%zu of %zu)", sc->name, i + 1, corpus.n);
			char *archarg = fc_xasprintf("--arch=%s", sc->arch);
			sc->gen[sc->ngen] = archarg;
			int rr = fc_plan_case(&ru, sc->ngen + 1, sc->gen, sc->name, sc->flags);
			sc->gen[sc->ngen] = NULL;
			free(archarg);
			if (rr < 0) {
				fc_err("%s: the scenario could not be run", sc->file);
				goto out;
			}
		}
		if (!ran) {
			fc_err("run: no scenario of %s matches the selection", corpus_dir);
			goto out;
		}
	} else
		for (char *a = strtok_r(alist, ",", &save); a; a = strtok_r(NULL, ",", &save)) {
			const struct target *t = fc_target_find(a);
			if (!t) {
				fc_err("run: unknown arch '%s' (known: %s)", a, fc_target_names());
				goto out;
			}
			/* The matrix: arch x size x seed, each list comma-separated. */
			char *zl = fc_xstrdup(sizes ? sizes : ""), *zs = NULL;
			char *z = strtok_r(zl, ",", &zs);
			do {
				char *el = fc_xstrdup(seeds ? seeds : ""), *es = NULL;
				char *e = strtok_r(el, ",", &es);
				do {
					int k = gargc;
					gargv[k++] = fc_xasprintf("--arch=%s", t->name);
					if (z)
						gargv[k++] = fc_xasprintf("--size=%s", z);
					if (e)
						gargv[k++] = fc_xasprintf("--seed=%s", e);
					gargv[k] = NULL;
					int rr = fc_plan_case(&ru, k, gargv, NULL, NULL);
					for (int q = gargc; q < k; q++) {
						free(gargv[q]);
						gargv[q] = NULL;
					}
					if (rr < 0) {
						free(el);
						free(zl);
						goto out;
					}
				} while (e && (e = strtok_r(NULL, ",", &es)));
				free(el);
			} while (z && (z = strtok_r(NULL, ",", &zs)));
			free(zl);
		}
	/* A journal of what is done, so that an interrupted run resumes. */
	ru.journal = fc_journal_dir(ru.work, cmdline);
	fc_plan_run(&ru);
	run_status("%s", "");
	if (ru.reused)
		fprintf(stderr, "run: %zu of %zu results taken from the interrupted run's journal "
			"(%s)\n", ru.reused, ru.njob, ru.journal);
	fc_report_table(stdout, ru.res, ru.nres);
	char *rdir;
	if (report)
		rdir = fc_xstrdup(report);
	else {
		char stamp[32];
		time_t now = time(NULL);
		strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", gmtime(&now));
		char *al = fc_xstrdup(corpus_dir ? "corpus" : arches ? arches : "arm64"); /* alist is cut up by now */
		for (char *p = al; *p; p++)
			if (*p == ',')
				*p = '+';
		rdir = fc_xasprintf("reports/%s-%s", stamp, al);
		free(al);
	}
	struct fc_against ag = {0};
	if (ru.against && ru.new_name) {
		fc_against(ru.res, ru.nres, ru.new_name, ru.old_name, &ag);
		printf("\n%s", ag.markdown);
	}
	if (fc_report_write(rdir, ru.res, ru.nres, cmdline, fc_now() - t0,
			    ru.against && ru.new_name ? &ag : NULL) == 0) {
		printf("report: %s/summary.md, %s/results.json, %s/junit.xml, %s/index.html%s%s\n",
		       rdir, rdir, rdir, rdir, ag.markdown ? ", " : "", ag.markdown ? "against.md" : "");
		/* Complete: the next run with these arguments starts afresh. */
		if (ru.journal)
			fc_rm_rf(ru.journal);
		st = FC_EXIT_OK;
		/* With --against, only the new linker gates: the old one's
		 * failures are the baseline. */
		for (size_t i = 0; i < ru.nres; i++)
			if ((ru.res[i].verdict == FC_V_FAIL || ru.res[i].verdict == FC_V_ERROR ||
			     ru.res[i].verdict == FC_V_XPASS) &&
			    (!ru.new_name || !strcmp(ru.res[i].linker, ru.new_name)))
				st = FC_EXIT_FAIL;
	}
	fc_against_free(&ag);
	free(rdir);
out:
	for (size_t i = 0; i < ru.nres; i++)
		fc_case_result_free(&ru.res[i]);
	free(ru.res);
	fc_plan_free(&ru);
	fc_corpus_free(&corpus);
	free(ru.new_name);
	free(ru.old_name);
	free(ru.journal);
	free(pair);
	for (int i = 1; i < gargc; i++)
		free(gargv[i]);
	free(gargv);
	free(alist);
	free(cmdline);
	return st;
}
