/* farcall run's plan: cases, jobs (case x linker) and the workers that
 * take them; see plan.h. */
#define _GNU_SOURCE
#include "plan.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../core/gomanifest.h"
#include "../core/util.h"
#include "../gen/gen.h"
#include "journal.h"
#include "run.h"


#define status(...) fc_run_status(false, __VA_ARGS__)
#define run_status(...) fc_run_status(true, __VA_ARGS__)

/* The case directory is named by everything that made it. */
char *fc_case_name(const struct fc_gen_opts *o)
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
			char *skip = fc_linker_skip(w, t->name);
			if (skip) {
				ls[nl].name = fc_xstrdup(w);
				ls[nl++].skip = skip;
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
		char *skip = fc_linker_skip("gold", t->name);
		if (skip && nl < 63 && fc_gold_installed()) {
			memmove(&ls[2], &ls[1], (nl - 1) * sizeof *ls);
			memset(&ls[1], 0, sizeof *ls);
			ls[1].name = fc_xstrdup("gold");
			ls[1].skip = skip;
			nl++;
		} else
			free(skip);
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
	char *name = fc_case_name(o);
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
int fc_plan_case(struct run *ru, int gargc, char **gargv, const char *scenario,
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
		fc_run_one(j->casedir, j->m, &j->l, j->flags, ru->timeout, ru->keep, ru->strict, cr);
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

void fc_plan_run(struct run *ru)
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

void fc_plan_free(struct run *ru)
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
