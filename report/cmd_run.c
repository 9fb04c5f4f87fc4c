/* farcall run: gen, link and emu over arches x linkers, then a report.
 * It only chains the other stages; each can be rerun alone on the case
 * directories it leaves. */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <getopt.h>
#include <pthread.h>
#include <stdint.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/gomanifest.h"
#include "../core/util.h"
#include "journal.h"
#include "../emu/emu.h"
#include "../farcall.h"
#include "../gen/gen.h"
#include "../link/link.h"
#include "against.h"
#include "corpus.h"
#include "report.h"
#include "run.h"

int fc_gen_parse(int argc, char **argv, struct fc_gen_opts *o, const char **out, int *quiet);
int fc_gen_case(const struct fc_gen_opts *o, const char *out, int quiet);

#define status(...) fc_run_status(false, __VA_ARGS__)
#define run_status(...) fc_run_status(true, __VA_ARGS__)

static const char run_usage[] =
	"usage: farcall run [--arch LIST] [--linker LIST] [--size S] [--funcs N] [--calls N]\n"
	"                   [--far PCT] [--seed S] [--work DIR] [--report DIR]\n"
	"                   [--flags ARGS] [--timeout S] [--keep]\n"
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

/* The case directory is named by everything that made it. */
static char *case_name(const struct fc_gen_opts *o)
{
	char key[512];
	if (o->go) {
		/* Go source, no padding: --size does not make it. */
		snprintf(key, sizeof key, "gen%d|go%d|%s|%u|%u|%u|%" PRIu64, FC_GEN_VERSION,
			 FC_GO_MANIFEST_VERSION, o->t->name, o->funcs, o->calls, o->pkgs, o->seed);
		uint64_t h = fc_hash64(FC_HASH_INIT, key, strlen(key));
		return fc_xasprintf("%s-go-f%u-s%" PRIu64 "-%08llx", o->t->name, o->funcs, o->seed,
				    (unsigned long long)(h & 0xffffffffULL));
	}
	snprintf(key, sizeof key, "gen%d|%s|%" PRIu64 "|%u|%u|%u|%u|%u|%" PRIu64 "|%s|%d|%s|%u|%d|%d%s",
		 FC_GEN_VERSION, o->t->name, o->size, o->funcs, o->objs, o->calls, o->far_pct,
		 o->tail_pct, o->seed, fc_mode_name(o->mode), o->relax, o->forms ? o->forms : "",
		 o->unfixable, o->dwarf, o->cfi, o->record_calls ? "|rc" : "");
	uint64_t h = fc_hash64(FC_HASH_INIT, key, strlen(key));
	char sz[32];
	fc_fmt_size(o->size, sz, sizeof sz);
	for (char *p = sz; *p; p++)
		if (*p == ' ' || *p == '.')
			*p = '_';
	return fc_xasprintf("%s-%s-%s-s%" PRIu64 "-%08llx", o->t->name, fc_mode_name(o->mode), sz, o->seed,
			    (unsigned long long)(h & 0xffffffffULL));
}

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


/* One linker on one case: the unit the workers take. */
struct job {
	const char *casedir;
	const struct fc_manifest *m;
	struct fc_linker l;
	char *flags;
	const char *scenario;
	size_t res;  /* index into run.res */
	/* Scenarios that differ only in link flags share a case, and a linker
	 * writes CASE/LINKER/: such jobs run one after the other, on one
	 * worker. then: the next of the chain + 1 (0: none). */
	size_t then;
	bool behind; /* not taken alone: an earlier job of its chain runs it */
};

struct run {
	const char *linkers, *flags, *work;
	unsigned jobs;
	struct job *job;
	size_t njob, capjob;
	struct fc_manifest **man;  /* every case's, until the workers are done */
	char **casedirs, **flagss;
	size_t nman;
	double timeout;
	bool keep;
	const struct fc_corpus *corpus;
	bool against;            /* linkers is "NEW,OLD" */
	char *new_name, *old_name;
	struct fc_case_result *res;
	size_t nres, cap;
	char *journal;           /* WORK/.journal-<hash of the arguments> */
	size_t reused;           /* results taken from it */
};

/* The linkers asked for (each must exist), or every one installed; gold
 * without a target for the arch is a skip, so the table says why. */
static int pick_linkers(const struct target *t, const char *linkers, struct fc_linker **out,
			size_t *nout)
{
	struct fc_linker *ls = NULL;
	size_t nl = 0;
	if (linkers) {
		char *ll = fc_xstrdup(linkers), *s2 = NULL;
		/* A template may hold commas: it takes the rest of the list. */
		char *tmpl = !strncmp(ll, "custom:", 7) ? ll : strstr(ll, ",custom:");
		if (tmpl && tmpl != ll)
			*tmpl++ = 0;
		char *words[65];
		size_t nw = 0;
		if (tmpl != ll)
			for (char *w = strtok_r(ll, ",", &s2); w && nw < 64; w = strtok_r(NULL, ",", &s2))
				words[nw++] = w;
		if (tmpl && nw < 64)
			words[nw++] = tmpl;
		ls = fc_xcalloc(64, sizeof *ls);
		for (size_t i = 0; i < nw; i++) {
			const char *w = words[i];
			if (!strcmp(w, "gold") && !t->gnu_gold) {
				ls[nl].name = fc_xstrdup("gold");
				ls[nl++].skip = fc_xasprintf("gold has no %s target", t->name);
			} else if (fc_linker_resolve(t, w, &ls[nl]) == 0)
				nl++;
			else {
				free(ll);
				for (size_t k = 0; k < nl; k++)
					fc_linker_free(&ls[k]);
				free(ls);
				return -1;
			}
		}
		free(ll);
	} else {
		fc_linkers_find(t, &ls, &nl);
		if (!t->gnu_gold && nl < 63 && fc_gold_installed()) {
			memmove(&ls[2], &ls[1], (nl - 1) * sizeof *ls);
			memset(&ls[1], 0, sizeof *ls);
			ls[1].name = fc_xstrdup("gold");
			ls[1].skip = fc_xasprintf("gold has no %s target", t->name);
			nl++;
		}
	}
	if (!nl)
		fc_warn("run: no linker for %s is installed (run scripts/deps.sh)", t->name);
	*out = ls;
	*nout = nl;
	return 0;
}

/* Every linker in LS on one case: a result and a job each. A Go case is
 * one for every --size of a matrix: its jobs are added once. */
static void add_jobs(struct run *ru, const struct fc_gen_opts *o, const char *casedir,
		     struct fc_manifest *mm, struct fc_linker *ls, size_t nl, const char *scenario,
		     const char *flags)
{
	for (size_t i = 0; i < nl; i++) {
		bool again = false;
		for (size_t k = 0; k < ru->njob && o->go && !again; k++)
			again = !strcmp(ru->job[k].casedir, casedir) &&
				!strcmp(ru->job[k].l.name, ls[i].name) &&
				!strcmp(ru->job[k].flags ? ru->job[k].flags : "", flags ? flags : "");
		if (again) {
			fc_linker_free(&ls[i]);
			continue;
		}
		if (ru->nres == ru->cap)
			ru->res = fc_xrealloc(ru->res, (ru->cap = ru->cap ? ru->cap * 2 : 16) *
							   sizeof *ru->res);
		struct fc_case_result *cr = &ru->res[ru->nres++];
		memset(cr, 0, sizeof *cr);
		cr->arch = fc_xstrdup(o->t->name);
		cr->size = o->go ? 0 : o->size;
		cr->seed = o->seed;
		cr->case_dir = fc_xstrdup(casedir);
		cr->mode = fc_xstrdup(o->go ? "go" : fc_mode_name(mm->mode));
		cr->relax = o->go ? 0 : mm->relax;
		cr->scenario = scenario ? fc_xstrdup(scenario) : NULL;
		if (ru->njob == ru->capjob)
			ru->job = fc_xrealloc(ru->job, (ru->capjob = ru->capjob ? ru->capjob * 2 : 16) *
							   sizeof *ru->job);
		struct job nj = {casedir, mm, ls[i], (char *)flags, cr->scenario, ru->nres - 1, 0, false};
		for (size_t k = ru->njob; k-- > 0;)
			if (!ru->job[k].then && !strcmp(ru->job[k].casedir, casedir) &&
			    !strcmp(ru->job[k].l.name, ls[i].name)) {
				ru->job[k].then = ru->njob + 1;
				nj.behind = true;
				break;
			}
		ru->job[ru->njob++] = nj;
	}
}

/* Generate (or reuse) the case of O; the run keeps it (and its flags)
 * until the workers are done. Returns its directory, or NULL. */
static const char *make_case(struct run *ru, const struct fc_gen_opts *o, const char *scenario,
			     const char *sflags, struct fc_manifest **mmp, char **flagsp)
{
	char *name = case_name(o);
	char *casedir = fc_xasprintf("%s/%s", ru->work, name);
	free(name);
	char *mp = fc_xasprintf("%s/%s", casedir, o->go ? FC_GO_MANIFEST_NAME : FC_MANIFEST_NAME);
	bool have = fc_exists(mp);
	free(mp);
	if (!have) {
		status("%s: generating %s", scenario ? scenario : o->t->name, casedir);
		if (fc_gen_case(o, casedir, 1) < 0) {
			free(casedir);
			return NULL;
		}
	}
	struct fc_manifest *mm = NULL;
	if (o->go) {
		struct fc_go_manifest gm;
		if (fc_go_manifest_load(casedir, &gm) < 0) {
			free(casedir);
			return NULL;
		}
		fc_go_manifest_free(&gm);
	} else {
		mm = fc_xmalloc(sizeof *mm);
		if (fc_manifest_load(casedir, mm) < 0) {
			free(mm);
			free(casedir);
			return NULL;
		}
		if (fc_check_objects(casedir, mm) < 0) {
			fc_manifest_free(mm);
			free(mm);
			free(casedir);
			return NULL;
		}
	}
	char *flags = NULL;
	if (sflags && ru->flags)
		flags = fc_xasprintf("%s %s", sflags, ru->flags);
	else if (sflags || ru->flags)
		flags = fc_xstrdup(sflags ? sflags : ru->flags);
	ru->man = fc_xrealloc(ru->man, (ru->nman + 1) * sizeof *ru->man);
	ru->casedirs = fc_xrealloc(ru->casedirs, (ru->nman + 1) * sizeof *ru->casedirs);
	ru->flagss = fc_xrealloc(ru->flagss, (ru->nman + 1) * sizeof *ru->flagss);
	ru->man[ru->nman] = mm;
	ru->casedirs[ru->nman] = casedir;
	ru->flagss[ru->nman++] = flags;
	*mmp = mm;
	*flagsp = flags;
	return casedir;
}

/* Generate (or reuse) one case and run it with every linker. SCENARIO
 * names it in the report and in the known-failures list. Go's toolchain
 * builds Go cases and only those: beside each C-style case of a matrix, a
 * Go case of the same arch and seed is made for it. */
static int run_case(struct run *ru, int gargc, char **gargv, const char *scenario,
		    const char *sflags)
{
	struct fc_gen_opts o;
	const char *unused;
	int quiet = 0;
	if (fc_gen_parse(gargc, gargv, &o, &unused, &quiet))
		return -1;
	const struct target *t = o.t;
	struct fc_linker *ls;
	size_t nl;
	if (pick_linkers(t, ru->linkers, &ls, &nl) < 0)
		return -1;
	if (ru->against && !ru->new_name && nl == 2) {
		if (!strcmp(ls[0].name, ls[1].name)) {
			fc_err("run: --linker and --against are the same linker (%s)", ls[0].name);
			for (size_t i = 0; i < nl; i++)
				fc_linker_free(&ls[i]);
			free(ls);
			return -1;
		}
		ru->new_name = fc_xstrdup(ls[0].name);
		ru->old_name = fc_xstrdup(ls[1].name);
	}
	struct fc_linker *gol = fc_xcalloc(nl + 1, sizeof *gol), *cl = fc_xcalloc(nl + 1, sizeof *cl);
	size_t ngo = 0, nc = 0;
	for (size_t i = 0; i < nl; i++) {
		if (ls[i].flavor == FC_LD_GO)
			gol[ngo++] = ls[i];
		else
			cl[nc++] = ls[i];
	}
	free(ls);
	int r = -1;
	struct fc_manifest *mm;
	char *flags;
	if (!o.go && ngo && (scenario || o.c_only)) {
		/* A corpus names its Go cases itself; a matrix of options that
		 * only objects have (--unfixable...) has no Go case, which the
		 * table says when go was asked for by name. */
		for (size_t i = 0; i < ngo; i++)
			fc_linker_free(&gol[i]);
		ngo = 0;
		if (!scenario && ru->linkers) {
			gol[ngo].name = fc_xstrdup("go");
			gol[ngo++].skip = fc_xasprintf("%s is for C-style objects: no Go case",
						       o.c_only);
		}
	}
	if (o.go && !ngo) {
		/* Say so in the table, rather than leave the scenario out. */
		gol[ngo].name = fc_xstrdup("go");
		gol[ngo++].skip = fc_xstrdup(ru->linkers ? "a Go case: only --linker go builds it"
					     : "Go's toolchain is not installed (scripts/deps.sh "
					       "installs golang-go)");
	}
	if (!o.go && nc) {
		const char *cd = make_case(ru, &o, scenario, sflags, &mm, &flags);
		if (!cd)
			goto out;
		add_jobs(ru, &o, cd, mm, cl, nc, scenario, flags);
		nc = 0;
	}
	if (ngo) {
		if (!o.go) {
			o.go = true;
			o.funcs = FC_GO_DEFAULT_FUNCS;
			o.calls = FC_GO_DEFAULT_CALLS;
			o.pkgs = FC_GO_DEFAULT_PKGS;
		}
		bool all_skip = true;
		for (size_t i = 0; i < ngo; i++)
			all_skip &= gol[i].skip != NULL;
		if (all_skip) {
			/* Rows that say why, without a case to make. */
			add_jobs(ru, &o, "", NULL, gol, ngo, scenario, sflags);
			ngo = 0;
			r = 0;
			goto out;
		}
		const char *cd = make_case(ru, &o, scenario, sflags, &mm, &flags);
		if (!cd)
			goto out;
		add_jobs(ru, &o, cd, NULL, gol, ngo, scenario, flags);
		ngo = 0;
	}
	r = 0;
out:
	for (size_t i = 0; i < ngo; i++)
		fc_linker_free(&gol[i]);
	for (size_t i = 0; i < nc; i++)
		fc_linker_free(&cl[i]);
	free(gol);
	free(cl);
	return r;
}

/* The workers: each takes the next job; a terminal shows cases done out of
 * the total, failures so far, elapsed and estimated remaining time. */
struct pool {
	struct run *ru;
	pthread_mutex_t lock;
	size_t next, done, failed;
	double t0;
};

static void run_job(struct pool *p, struct job *j)
{
	struct run *ru = p->ru;
	struct fc_case_result *cr = &ru->res[j->res];
	/* Done before this run was interrupted: as it was then. */
	size_t n = (size_t)(j - ru->job);
	struct fc_case_result want = *cr;
	want.linker = j->l.name;
	want.linker_path = j->l.path ? j->l.path : "";
	want.linker_version = j->l.version ? j->l.version : "";
	if (ru->journal && fc_journal_get(ru->journal, n, &want, cr)) {
		pthread_mutex_lock(&p->lock);
		ru->reused++;
		pthread_mutex_unlock(&p->lock);
	} else {
		fc_run_one(j->casedir, j->m, &j->l, j->flags, ru->timeout, ru->keep, cr);
		if (ru->journal)
			fc_journal_put(ru->journal, n, cr);
	}
	fc_linker_free(&j->l);
	const char *why = ru->corpus && j->scenario && cr->linker
				  ? fc_corpus_known(ru->corpus, cr->linker, cr->linker_path,
						    j->scenario)
				  : NULL;
	if (why && (cr->verdict == FC_V_FAIL || cr->verdict == FC_V_PASS)) {
		cr->known = fc_xstrdup(why);
		cr->verdict = cr->verdict == FC_V_FAIL ? FC_V_XFAIL : FC_V_XPASS;
	}
	pthread_mutex_lock(&p->lock);
	p->done++;
	p->failed += cr->verdict == FC_V_FAIL || cr->verdict == FC_V_ERROR ||
		     cr->verdict == FC_V_XPASS;
	if (ru->jobs > 1 || ru->njob > 1) {
		double el = fc_now() - p->t0;
		double left = el / (double)p->done * (double)(ru->njob - p->done);
		run_status("run: %zu of %zu cases done, %zu failed, %.0f s elapsed, ~%.0f s left",
		       p->done, ru->njob, p->failed, el, left);
	}
	pthread_mutex_unlock(&p->lock);
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	struct run *ru = p->ru;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (p->next < ru->njob && ru->job[p->next].behind)
			p->next++;
		size_t k = p->next < ru->njob ? p->next++ : SIZE_MAX;
		pthread_mutex_unlock(&p->lock);
		if (k == SIZE_MAX)
			return NULL;
		for (; k != SIZE_MAX; k = ru->job[k].then ? ru->job[k].then - 1 : SIZE_MAX)
			run_job(p, &ru->job[k]);
	}
}

static void run_jobs(struct run *ru)
{
	struct pool p = {.ru = ru, .lock = PTHREAD_MUTEX_INITIALIZER, .t0 = fc_now()};
	int n = ru->jobs < 1 ? 1 : (int)ru->jobs;
	if ((size_t)n > ru->njob)
		n = ru->njob ? (int)ru->njob : 1;
	/* One worker keeps the per-stage progress; several would garble it. */
	fc_progress_off = n > 1;
	pthread_t *th = fc_xcalloc((size_t)n, sizeof *th);
	int started = 0;
	for (int i = 1; i < n; i++)
		if (pthread_create(&th[i], NULL, worker, &p) == 0)
			started = i;
		else
			break;
	worker(&p);
	for (int i = 1; i <= started; i++)
		pthread_join(th[i], NULL);
	free(th);
	fc_progress_off = false;
}

static void run_free(struct run *ru)
{
	for (size_t k = 0; k < ru->njob; k++)
		fc_linker_free(&ru->job[k].l);
	free(ru->job);
	for (size_t i = 0; i < ru->nman; i++) {
		if (ru->man[i]) /* NULL: a Go case */
			fc_manifest_free(ru->man[i]);
		free(ru->man[i]);
		free(ru->casedirs[i]);
		free(ru->flagss[i]);
	}
	free(ru->man);
	free(ru->casedirs);
	free(ru->flagss);
}

int cmd_run(int argc, char **argv)
{
	static const struct option lo[] = {
		{"arch", 1, 0, 'a'}, {"linker", 1, 0, 'l'}, {"size", 1, 0, 's'},
		{"funcs", 1, 0, 'f'}, {"objs", 1, 0, 'O'}, {"calls", 1, 0, 'c'},
		{"far", 1, 0, 'F'}, {"tail", 1, 0, 'T'}, {"seed", 1, 0, 'S'},
		{"work", 1, 0, 'w'}, {"report", 1, 0, 'r'}, {"flags", 1, 0, 'x'},
		{"timeout", 1, 0, 't'}, {"keep", 0, 0, 'k'}, {"help", 0, 0, 'h'},
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
			int rr = run_case(&ru, sc->ngen + 1, sc->gen, sc->name, sc->flags);
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
					int rr = run_case(&ru, k, gargv, NULL, NULL);
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
	run_jobs(&ru);
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
	run_free(&ru);
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
