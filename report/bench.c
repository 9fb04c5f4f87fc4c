/* farcall bench's sweep: each (arch, size) case generated once (or reused
 * from the work directory, as run reuses them), a discarded warm-up link
 * per configuration whose output emu checks, then the measured repeats
 * round-robin over every configuration, as lld's run_benchmark.py and
 * wild's runner interleave, so that drift of the machine falls on all
 * alike. */
#define _GNU_SOURCE
#include "bench.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "../checks/check.h"
#include "../checks/subject.h"
#include "../core/util.h"
#include "../emu/image.h"
#include "../gen/gen.h"
#include "plan.h"
#include "run.h"

/* What a link of a case of SIZE may take, for refusing a sweep up front:
 * lld 19 and gold peaked at 2.1x the .text of a 1 GiB arm64 case; 3x
 * leaves room for the others and for farcall's emu check of the output
 * (which maps the output without copying it). */
#define MEM_FACTOR 3.0
#define MEM_BASE (256ull << 20)
/* An output is the .text and a little more (thunks, headers); the case
 * itself is sparse (padding is a hole) and counted at 1/32 of its size. */
#define OUT_FACTOR 1.1
#define OUT_BASE (64ull << 20)

static char **split(const char *list, size_t *n)
{
	char **v = NULL;
	*n = 0;
	char *l = fc_xstrdup(list ? list : ""), *save = NULL;
	for (char *w = strtok_r(l, ",", &save); w; w = strtok_r(NULL, ",", &save))
		fc_strv_addf(&v, n, "%s", w);
	free(l);
	return v;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static uint64_t mem_available(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	if (!f)
		return 0;
	char line[256];
	unsigned long long kb = 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return (uint64_t)kb << 10;
}

/* Refuse what the machine cannot hold, every size named with the numbers,
 * before anything is generated. */
static int preflight(const struct fc_bench *b, const uint64_t *sizes, size_t nsizes,
		     size_t narches, size_t cfgs_per_size)
{
	uint64_t mem = mem_available();
	struct statvfs vfs;
	uint64_t disk = statvfs(b->o.tmpdir, &vfs) == 0 ? (uint64_t)vfs.f_bavail * vfs.f_frsize : 0;
	uint64_t need_disk = 0, biggest = 0;
	bool bad = false;
	char a[32], c[32];
	for (size_t i = 0; i < nsizes; i++) {
		uint64_t out = (uint64_t)((double)sizes[i] * OUT_FACTOR) + OUT_BASE;
		uint64_t need_mem = (uint64_t)((double)sizes[i] * MEM_FACTOR) + MEM_BASE;
		need_disk += sizes[i] / 32 * narches;
		/* One output at a time, or every configuration's with --keep. */
		if (b->o.keep)
			need_disk += out * cfgs_per_size;
		else if (out > biggest)
			biggest = out;
		if (mem && need_mem > mem) {
			fc_err("bench: --sizes %s: a link needs about %s of memory (%.0fx the size: "
			       "lld and gold peak at 2.1x), and %s is available",
			       fc_fmt_size(sizes[i], a, sizeof a), fc_fmt_size(need_mem, c, sizeof c),
			       MEM_FACTOR, fc_fmt_size(mem, (char[32]){0}, 32));
			bad = true;
		}
	}
	need_disk += biggest;
	if (disk && need_disk > disk) {
		fc_err("bench: the sweep needs about %s of disk in %s (the cases, %s), and %s is free",
		       fc_fmt_size(need_disk, a, sizeof a), b->o.tmpdir,
		       b->o.keep ? "every configuration's output (--keep)" : "the largest output",
		       fc_fmt_size(disk, c, sizeof c));
		bad = true;
	}
	return bad ? -1 : 0;
}

static int make_case(struct fc_bench *b, struct fc_bench_case *c)
{
	uint64_t mib = c->size >> 20;
	uint64_t funcs = mib * b->o.funcs_per_mib;
	if (funcs < 8)
		funcs = 8;
	char *forms = NULL;
	if (b->o.calls_only) {
		/* The far calls and tail calls: sem CALL or JUMP with a reach of
		 * 128 MiB or more (the short branches of the default mix go). */
		size_t len = 0;
		forms = fc_xstrdup("--forms=");
		for (unsigned i = 0; i < c->t->nforms; i++) {
			const struct fc_form *f = &c->t->forms[i];
			bool far = (!f->lo && !f->hi) || f->hi >= (int64_t)(128ull << 20) - 4;
			if ((f->sem == FC_SEM_CALL || f->sem == FC_SEM_JUMP) && far) {
				len = strlen(forms);
				forms = fc_xrealloc(forms, len + strlen(f->name) + 2);
				sprintf(forms + len, "%s%s", forms[len - 1] == '=' ? "" : ",", f->name);
			}
		}
	}
	char *args[] = {"gen", fc_xasprintf("--arch=%s", c->t->name),
			fc_xasprintf("--size=%" PRIu64, c->size),
			fc_xasprintf("--funcs=%" PRIu64, funcs), "--seed=1", forms, NULL};
	struct fc_gen_opts o;
	const char *unused;
	int quiet = 1, r = -1;
	if (fc_gen_parse(forms ? 6 : 5, args, &o, &unused, &quiet) == 0) {
		char *name = fc_case_name(&o);
		c->dir = fc_xasprintf("%s/%s", b->o.tmpdir, name);
		free(name);
		char *mp = fc_xasprintf("%s/%s", c->dir, FC_MANIFEST_NAME);
		bool have = fc_exists(mp);
		free(mp);
		fc_run_status(true, "bench: generating %s", c->dir);
		if ((have || fc_gen_case(&o, c->dir, 1) == 0) && fc_manifest_load(c->dir, &c->m) == 0) {
			r = fc_check_objects(c->dir, &c->m);
			if (r < 0)
				fc_manifest_free(&c->m);
		}
	}
	for (int i = 1; i <= 3; i++)
		free(args[i]);
	free(forms);
	return r;
}

static void add_cfg(struct fc_bench *b, struct fc_bench_case *c, struct fc_linker *l,
		    const char *label, unsigned threads, bool old)
{
	b->cfgs = fc_xrealloc(b->cfgs, (b->ncfgs + 1) * sizeof *b->cfgs);
	struct fc_bench_cfg *g = &b->cfgs[b->ncfgs++];
	memset(g, 0, sizeof *g);
	g->c = c;
	g->l = l;
	g->label = fc_xstrdup(label);
	g->threads = threads;
	g->old = old;
	g->dir = fc_xasprintf("%s/bench-%s-t%u", c->dir, label, threads);
	g->out = fc_xasprintf("%s/out", g->dir);
	size_t cap = b->o.repeat ? b->o.repeat : 1;
	g->wall = fc_xcalloc(cap, sizeof *g->wall);
	g->user = fc_xcalloc(cap, sizeof *g->user);
	g->sys = fc_xcalloc(cap, sizeof *g->sys);
	g->rss = fc_xcalloc(cap, sizeof *g->rss);
	g->verdict = "pass";
	if (l->skip) {
		g->verdict = "skip";
		g->reason = fc_xstrdup(l->skip);
		g->dead = true;
	}
}

/* The linkers of one arch: those asked for, each of which must be there,
 * or every installed one that links objects. */
static int arch_linkers(struct fc_bench *b, const struct target *t, struct fc_linker ***out,
			size_t *nout)
{
	struct fc_linker **v = NULL;
	size_t n = 0;
	char *list = b->o.against ? fc_xasprintf("%s,%s", b->o.linkers, b->o.against)
				  : b->o.linkers ? fc_xstrdup(b->o.linkers) : NULL;
	if (list) {
		size_t nw;
		char **w = split(list, &nw);
		free(list);
		for (size_t i = 0; i < nw; i++) {
			struct fc_linker *l = fc_xcalloc(1, sizeof *l);
			char *skip = fc_linker_skip(w[i], t->name);
			if (skip) {
				l->name = fc_xstrdup(w[i]);
				l->skip = skip;
			} else if (fc_linker_resolve(t, w[i], l) < 0) {
				fc_err("bench: --linker %s: not usable for %s (farcall linkers --arch %s "
				       "lists those installed)", w[i], t->name, t->name);
				free(l);
				strv_free(w, nw);
				for (size_t k = 0; k < n; k++)
					fc_linker_free(v[k]), free(v[k]);
				free(v);
				return -1;
			} else if (l->flavor == FC_LD_GO) {
				fc_err("bench: --linker go: Go's toolchain builds Go cases, and bench "
				       "links objects");
				fc_linker_free(l);
				free(l);
				strv_free(w, nw);
				for (size_t k = 0; k < n; k++)
					fc_linker_free(v[k]), free(v[k]);
				free(v);
				return -1;
			}
			v = fc_xrealloc(v, (n + 1) * sizeof *v);
			v[n++] = l;
		}
		strv_free(w, nw);
	} else {
		struct fc_linker *ls;
		size_t nl;
		fc_linkers_find(t, &ls, &nl);
		for (size_t i = 0; i < nl; i++) {
			if (ls[i].flavor == FC_LD_GO) {
				fc_linker_free(&ls[i]);
				continue;
			}
			v = fc_xrealloc(v, (n + 1) * sizeof *v);
			v[n] = fc_xmalloc(sizeof **v);
			*v[n++] = ls[i];
		}
		free(ls);
		if (!n) {
			fc_err("bench: no linker for %s is installed (scripts/deps.sh installs them)",
			       t->name);
			return -1;
		}
	}
	*out = v;
	*nout = n;
	return 0;
}

/* Link G once, measured over its process tree. */
static bool link_once(struct fc_bench *b, struct fc_bench_cfg *g, struct fc_link_result *lr)
{
	struct fc_link_opts lo = {.threads = g->threads, .tree = true};
	if (fc_link_case_opts(g->c->dir, &g->c->m, g->l, g->dir, g->out, NULL, b->o.timeout, &lo,
			      lr) < 0) {
		g->verdict = "error";
		free(g->reason);
		g->reason = fc_xstrdup(fc_last_error());
		g->dead = true;
		return false;
	}
	if (!g->command) {
		char *cmdf = fc_xasprintf("%s/cmd.txt", g->dir);
		g->command = fc_read_file(cmdf, NULL);
		free(cmdf);
		if (g->command)
			g->command[strcspn(g->command, "\n")] = 0;
	}
	return lr->ok;
}

/* emu's checks (calls, data) on the warm-up's output: the verdict, and
 * the thunks as run counts them. */
static void check_output(struct fc_bench_cfg *g)
{
	struct stat st;
	if (stat(g->out, &st) == 0)
		g->output_bytes = (uint64_t)st.st_size;
	struct fc_subject s;
	struct fc_subject_opts so = {.jobs = 1};
	if (fc_subject_open_case(&s, g->c->dir, g->out, &so) < 0) {
		g->verdict = "fail";
		g->reason = fc_xasprintf("output unusable: %s", fc_last_error());
		fc_subject_close(&s);
		return;
	}
	uint64_t code = fc_image_code_bytes(&s.im);
	g->thunk_bytes = code > s.m.size ? code - s.m.size : 0;
	struct fc_check_result *res = fc_xcalloc(fc_checks_count(), sizeof *res);
	if (fc_checks_run(&s, FC_PICK_EXEC, res) < 0) {
		g->verdict = "error";
		g->reason = fc_xstrdup(fc_last_error());
	} else {
		g->thunks = (uint64_t)json_integer_value(json_object_get(s.figures, "thunks"));
		if (fc_checks_bad(res, false)) {
			uint64_t sites = (uint64_t)json_integer_value(json_object_get(s.figures, "sites"));
			uint64_t failed =
				(uint64_t)json_integer_value(json_object_get(s.figures, "sites_failed"));
			g->verdict = "fail";
			g->reason = fc_xasprintf("emu: %" PRIu64 " of %" PRIu64 " sites failed (farcall "
						 "emu %s %s)", failed, sites, g->c->dir, g->out);
		}
	}
	fc_checks_free(res);
	free(res);
	fc_subject_close(&s);
}

/* Which link of how many, elapsed, and what is left by the warm-ups'
 * times (links of a 1 GiB case and of a 16 MiB one differ a hundredfold:
 * a mean per link would mislead). */
static void progress(size_t done, size_t total, double t0, double left,
		     const struct fc_bench_cfg *g, const char *what)
{
	char sz[32], th[16] = "";
	if (g->threads)
		snprintf(th, sizeof th, " t%u", g->threads);
	if (left > 0)
		fc_run_status(true, "bench: link %zu of %zu (%s: %s %s %s%s), %.0f s elapsed, ~%.0f s left",
		       done + 1, total, what, g->c->t->name, fc_fmt_size(g->c->size, sz, sizeof sz),
		       g->label, th, fc_now() - t0, left);
	else
		fc_run_status(true, "bench: link %zu of %zu (%s: %s %s %s%s), %.0f s elapsed", done + 1, total,
		       what, g->c->t->name, fc_fmt_size(g->c->size, sz, sizeof sz), g->label, th,
		       fc_now() - t0);
}

int fc_bench_run(struct fc_bench *b)
{
	double t0 = fc_now();
	size_t na, nz, nt;
	char **arches = split(b->o.arches ? b->o.arches : "arm64", &na);
	char **zs = split(b->o.sizes, &nz);
	char **ts = split(b->o.threads ? b->o.threads : "0", &nt);
	uint64_t *sizes = fc_xcalloc(nz + 1, sizeof *sizes);
	unsigned *threads = fc_xcalloc(nt + 1, sizeof *threads);
	int r = -1;
	for (size_t i = 0; i < nz; i++)
		if (fc_parse_size(zs[i], &sizes[i]) < 0 || sizes[i] < (1u << 20)) {
			fc_err("bench: --sizes: '%s' is not a size of 1 MiB or more (16M, 1G)", zs[i]);
			goto out;
		}
	for (size_t i = 0; i < nt; i++) {
		uint64_t v;
		if (fc_parse_u64(ts[i], &v) < 0 || (!v && b->o.threads) || v > 1024) {
			fc_err("bench: --threads: '%s' is not a thread count (1 to 1024)", ts[i]);
			goto out;
		}
		threads[i] = (unsigned)v;
	}
	if (!nz || !na) {
		fc_err("bench: give --sizes (and --arch)");
		goto out;
	}
	/* Every arch's linkers first: a missing one stops the sweep before it
	 * has cost anything. */
	const struct target **tv = fc_xcalloc(na, sizeof *tv);
	struct fc_linker ***lv = fc_xcalloc(na, sizeof *lv);
	size_t *ln = fc_xcalloc(na, sizeof *ln);
	size_t cfgs_per_size = 0;
	bool ok = true;
	for (size_t i = 0; i < na && ok; i++) {
		tv[i] = fc_target_find(arches[i]);
		if (!tv[i]) {
			fc_err("bench: unknown arch '%s' (known: %s)", arches[i], fc_target_names());
			ok = false;
		} else if (arch_linkers(b, tv[i], &lv[i], &ln[i]) < 0)
			ok = false;
		else
			for (size_t k = 0; k < ln[i]; k++) {
				const struct fc_linker_kind *kd = fc_linker_kind(lv[i][k]->flavor);
				cfgs_per_size += kd->thread_flag ? nt : 1;
			}
	}
	for (size_t i = 0; i < na; i++)
		for (size_t k = 0; k < ln[i]; k++) {
			b->linkers = fc_xrealloc(b->linkers, (b->nlinkers + 1) * sizeof *b->linkers);
			b->linkers[b->nlinkers++] = lv[i][k];
		}
	if (ok && (fc_mkdir_p(b->o.tmpdir) < 0 || preflight(b, sizes, nz, na, cfgs_per_size) < 0))
		ok = false;
	/* The cases, then the configurations: arch x size x linker x threads. */
	b->cases = fc_xcalloc(na * nz, sizeof *b->cases);
	for (size_t i = 0; i < na && ok; i++)
		for (size_t z = 0; z < nz && ok; z++) {
			struct fc_bench_case *c = &b->cases[b->ncases];
			c->t = tv[i];
			c->size = sizes[z];
			if (make_case(b, c) < 0) {
				free(c->dir);
				ok = false;
				break;
			}
			b->ncases++;
			for (size_t k = 0; k < ln[i]; k++) {
				struct fc_linker *l = lv[i][k];
				bool old = b->o.against && k == 1;
				/* Labels name directories and series: two linkers of one
				 * name (two paths to one version) must differ. */
				size_t same = 0;
				for (size_t q = 0; q < k; q++)
					same += !strcmp(lv[i][q]->name, l->name);
				char *label = same && old ? fc_xasprintf("%s@old", l->name)
					      : same	  ? fc_xasprintf("%s@%zu", l->name, same + 1)
							  : fc_xstrdup(l->name);
				const struct fc_linker_kind *kd = fc_linker_kind(l->flavor);
				for (size_t q = 0; q < (kd->thread_flag ? nt : 1); q++)
					add_cfg(b, c, l, label, kd->thread_flag ? threads[q] : 0, old);
				free(label);
			}
		}
	free(tv);
	for (size_t i = 0; i < na; i++)
		free(lv[i]);
	free(lv);
	free(ln);
	if (!ok)
		goto out;

	/* Warm-up: one link per configuration, not measured; its output is
	 * the one emu checks. A configuration that fails here is recorded and
	 * not linked again; the sweep goes on. */
	size_t total = b->ncfgs * (1 + (size_t)b->o.repeat), done = 0;
	double left = 0;
	for (size_t i = 0; i < b->ncfgs; i++) {
		struct fc_bench_cfg *g = &b->cfgs[i];
		if (g->dead) {
			done += 1 + b->o.repeat;
			continue;
		}
		progress(done, total, t0, 0, g, "warm-up");
		struct fc_link_result lr;
		double s = fc_now();
		if (link_once(b, g, &lr)) {
			fc_run_status(true, "bench: checking %s's output of %s with emu", g->label, g->c->dir);
			check_output(g);
		} else if (!g->dead) {
			g->verdict = "link failed";
			g->reason = fc_xstrdup(lr.problem ? lr.problem : "the link failed");
			g->dead = true;
		}
		g->est = fc_now() - s;
		fc_link_result_free(&lr);
		if (!b->o.keep || g->dead)
			unlink(g->out);
		done++;
		if (g->dead)
			done += b->o.repeat;
		else
			left += g->est * b->o.repeat;
	}
	/* The measured repeats, round-robin over every configuration. */
	for (unsigned rep = 0; rep < b->o.repeat; rep++)
		for (size_t i = 0; i < b->ncfgs; i++) {
			struct fc_bench_cfg *g = &b->cfgs[i];
			if (g->dead)
				continue;
			progress(done, total, t0, left, g, "measured");
			struct fc_link_result lr;
			if (link_once(b, g, &lr)) {
				g->wall[g->n] = lr.wall_s;
				g->user[g->n] = lr.user_s;
				g->sys[g->n] = lr.sys_s;
				g->rss[g->n++] = (double)lr.max_rss_kb;
				struct stat st;
				if (stat(g->out, &st) == 0 && (uint64_t)st.st_size != g->output_bytes &&
				    !g->reason)
					g->reason = fc_xasprintf("repeat %u wrote %lld bytes, the first "
								 "%" PRIu64, rep + 1,
								 (long long)st.st_size, g->output_bytes);
			} else if (!g->dead) {
				/* It linked before: a flaky linker, which the verdict says. */
				g->verdict = "link failed";
				free(g->reason);
				g->reason = fc_xasprintf("repeat %u: %s", rep + 1,
							 lr.problem ? lr.problem : "the link failed");
				g->dead = true;
			}
			fc_link_result_free(&lr);
			if (!b->o.keep)
				unlink(g->out);
			done++;
			left -= g->est;
			if (left < 0)
				left = 0;
		}
	fc_run_status(true, "%s", "");
	b->elapsed = fc_now() - t0;
	r = 0;
out:
	free(sizes);
	free(threads);
	strv_free(arches, na);
	strv_free(zs, nz);
	strv_free(ts, nt);
	return r;
}

void fc_bench_free(struct fc_bench *b)
{
	for (size_t i = 0; i < b->ncfgs; i++) {
		struct fc_bench_cfg *g = &b->cfgs[i];
		free(g->label);
		free(g->dir);
		free(g->out);
		free(g->command);
		free(g->wall);
		free(g->user);
		free(g->sys);
		free(g->rss);
		free(g->reason);
	}
	free(b->cfgs);
	for (size_t i = 0; i < b->ncases; i++) {
		fc_manifest_free(&b->cases[i].m);
		free(b->cases[i].dir);
	}
	free(b->cases);
	for (size_t i = 0; i < b->nlinkers; i++) {
		fc_linker_free(b->linkers[i]);
		free(b->linkers[i]);
	}
	free(b->linkers);
	free(b->fits);
	free(b->ag);
	free(b->cmdline);
}
