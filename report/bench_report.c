/* What farcall bench measured: the analysis (medians, intervals, fits,
 * comparisons; core/stats.c), the terminal's table, and REPORT/:
 * bench.json, bench.csv, gnuplot's plots (SVG and PNG, with the scripts
 * and data that drew them) and index.html. The directory is filled beside
 * its destination and moved into place. */
#define _GNU_SOURCE
#include "bench.h"

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/jsonfile.h"
#include "../core/util.h"

/* The bootstrap's seed and size: fixed, so a report is reproducible from
 * its measurements. */
#define BOOT_SEED 0x6661726361ull
#define BOOT_ITERS 4000
#define ALPHA 0.05
#define GIB (1024.0 * 1024 * 1024)

static bool same_series(const struct fc_bench_cfg *a, const struct fc_bench_cfg *b)
{
	return a->c->t == b->c->t && !strcmp(a->label, b->label) && a->threads == b->threads;
}

void fc_bench_analyse(struct fc_bench *b)
{
	/* Fits: per (arch, linker, threads), the wall medians against size. */
	for (size_t i = 0; i < b->ncfgs; i++) {
		const struct fc_bench_cfg *g = &b->cfgs[i];
		bool first = true;
		for (size_t k = 0; k < i && first; k++)
			first = !same_series(&b->cfgs[k], g);
		if (!first)
			continue;
		double *x = fc_xcalloc(b->ncfgs, sizeof *x), *y = fc_xcalloc(b->ncfgs, sizeof *y);
		size_t n = 0;
		for (size_t k = i; k < b->ncfgs; k++)
			if (same_series(&b->cfgs[k], g) && b->cfgs[k].n) {
				x[n] = (double)b->cfgs[k].c->size / GIB;
				y[n++] = fc_stats_median(b->cfgs[k].wall, b->cfgs[k].n);
			}
		struct fc_fit f;
		if (fc_stats_fit(x, y, n, &f) == 0) {
			b->fits = fc_xrealloc(b->fits, (b->nfits + 1) * sizeof *b->fits);
			b->fits[b->nfits++] = (struct fc_bench_fit){g->c->t->name, g->label, g->threads, f};
		}
		free(x);
		free(y);
	}
	/* --against: NEW and OLD of the same case and threads. */
	for (size_t i = 0; i < b->ncfgs; i++) {
		const struct fc_bench_cfg *nw = &b->cfgs[i];
		if (!b->o.against || nw->old)
			continue;
		for (size_t k = 0; k < b->ncfgs; k++) {
			const struct fc_bench_cfg *old = &b->cfgs[k];
			if (!old->old || old->c != nw->c || old->threads != nw->threads)
				continue;
			struct fc_bench_against a = {nw->c->t->name, nw->c->size, nw->threads, nw->label,
						     old->label};
			a.p = fc_mann_whitney_p(nw->wall, nw->n, old->wall, old->n, NULL);
			if (fc_stats_ratio(nw->wall, nw->n, old->wall, old->n, BOOT_SEED, BOOT_ITERS,
					   &a.r) < 0)
				a.r.ratio = a.r.lo = a.r.hi = NAN;
			/* Both must say so: the interval of the ratio excludes 1 and
			 * the rank test rejects equality at 5%. The rank test cannot
			 * below 4 repeats each (its smallest p is 2/C(n1+n2,n1)); the
			 * bootstrap of few repeats is too narrow alone. */
			a.significant = !isnan(a.r.lo) && (a.r.lo > 1 || a.r.hi < 1) && a.p < ALPHA;
			b->ag = fc_xrealloc(b->ag, (b->nag + 1) * sizeof *b->ag);
			b->ag[b->nag++] = a;
		}
	}
}

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *summary_json(const double *x, size_t n, bool ci)
{
	if (!n)
		return json_null();
	struct fc_summary s;
	fc_stats_summary(x, n, &s);
	json_t *o = json_pack("{s:o, s:o, s:o}", "median", num(s.median), "min", num(s.min), "max",
			      num(s.max));
	if (ci)
		json_object_set_new(o, "ci95", json_pack("[o, o]", num(s.lo), num(s.hi)));
	return o;
}

static json_t *bench_json(const struct fc_bench *b)
{
	json_t *runs = json_array(), *fits = json_array(), *ag = json_array();
	for (size_t i = 0; i < b->ncfgs; i++) {
		const struct fc_bench_cfg *g = &b->cfgs[i];
		json_t *r = json_pack(
			"{s:s, s:s, s:s, s:I, s:i, s:i, s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:s, s:o}",
			"arch", g->c->t->name, "linker", g->label, "linker_version",
			g->l->version ? g->l->version : "", "size", (json_int_t)g->c->size, "threads",
			(int)g->threads, "repeat", (int)g->n, "wall_s", summary_json(g->wall, g->n, true),
			"user_s", summary_json(g->user, g->n, true), "sys_s",
			summary_json(g->sys, g->n, true), "max_rss_kb",
			summary_json(g->rss, g->n, false), "output_bytes", (json_int_t)g->output_bytes,
			"thunks", (json_int_t)g->thunks, "thunk_bytes", (json_int_t)g->thunk_bytes,
			"verdict", g->verdict, "command",
			g->command ? json_string(g->command) : json_null());
		if (g->reason)
			json_object_set_new(r, "reason", json_string(g->reason));
		json_array_append_new(runs, r);
	}
	for (size_t i = 0; i < b->nfits; i++)
		json_array_append_new(fits, json_pack("{s:s, s:s, s:i, s:o, s:o, s:o, s:i}", "arch",
						      b->fits[i].arch, "linker", b->fits[i].label,
						      "threads", (int)b->fits[i].threads,
						      "intercept_s", num(b->fits[i].fit.intercept),
						      "s_per_gib", num(b->fits[i].fit.slope), "r2",
						      num(b->fits[i].fit.r2), "sizes",
						      (int)b->fits[i].fit.n));
	for (size_t i = 0; i < b->nag; i++) {
		const struct fc_bench_against *a = &b->ag[i];
		json_array_append_new(
			ag, json_pack("{s:s, s:I, s:i, s:s, s:s, s:o, s:[o, o], s:b, s:o}", "arch",
				      a->arch, "size", (json_int_t)a->size, "threads", (int)a->threads,
				      "new", a->new_label, "old", a->old_label, "ratio",
				      num(a->r.ratio), "ci95", num(a->r.lo), num(a->r.hi),
				      "significant", a->significant, "mann_whitney_p", num(a->p)));
	}
	return json_pack("{s:o, s:o, s:o}", "runs", runs, "fits", fits, "against", ag);
}

/* A CSV field, quoted when it must be (RFC 4180). */
static void csv_field(FILE *f, const char *s, bool last)
{
	if (s[strcspn(s, ",\"\n")]) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else
		fputs(s, f);
	fputc(last ? '\n' : ',', f);
}

static void csv_stats(FILE *f, const double *x, size_t n, bool ci)
{
	struct fc_summary s;
	fc_stats_summary(x, n, &s);
	if (!n)
		fprintf(f, ci ? ",,,,," : ",,,");
	else if (ci)
		fprintf(f, "%.6f,%.6f,%.6f,%.6f,%.6f,", s.median, s.min, s.max, s.lo, s.hi);
	else
		fprintf(f, "%.0f,%.0f,%.0f,", s.median, s.min, s.max);
}

static int write_csv(const struct fc_bench *b, const char *path)
{
	struct fc_afile a;
	if (fc_afile_open(&a, path) < 0)
		return -1;
	FILE *f = a.f;
	fprintf(f, "arch,linker,linker_version,size,threads,repeat");
	static const char *t[] = {"wall_s", "user_s", "sys_s"};
	for (int k = 0; k < 3; k++)
		fprintf(f, ",%s_median,%s_min,%s_max,%s_ci95_lo,%s_ci95_hi", t[k], t[k], t[k], t[k],
			t[k]);
	fprintf(f, ",max_rss_kb_median,max_rss_kb_min,max_rss_kb_max,output_bytes,thunks,"
		   "thunk_bytes,verdict,command\n");
	for (size_t i = 0; i < b->ncfgs; i++) {
		const struct fc_bench_cfg *g = &b->cfgs[i];
		csv_field(f, g->c->t->name, false);
		csv_field(f, g->label, false);
		csv_field(f, g->l->version ? g->l->version : "", false);
		fprintf(f, "%" PRIu64 ",%u,%zu,", g->c->size, g->threads, g->n);
		csv_stats(f, g->wall, g->n, true);
		csv_stats(f, g->user, g->n, true);
		csv_stats(f, g->sys, g->n, true);
		csv_stats(f, g->rss, g->n, false);
		fprintf(f, "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", g->output_bytes, g->thunks,
			g->thunk_bytes);
		csv_field(f, g->verdict, false);
		csv_field(f, g->command ? g->command : "", true);
	}
	return fc_afile_commit(&a);
}

static const char *series_name(const struct fc_bench_cfg *g, char *buf, size_t n)
{
	if (g->threads)
		snprintf(buf, n, "%s, %u threads", g->label, g->threads);
	else
		snprintf(buf, n, "%s", g->label);
	return buf;
}

/* gnuplot's data and script for one arch: time, memory and thunk bytes
 * against size, and with --against the ratio. Returns the plots' base
 * names added to names[]. */
enum { P_TIME, P_MEM, P_THUNKS, P_AGAINST, NPLOTS };
static const char *plot_base[NPLOTS] = {"time", "memory", "thunks", "against"};

static void plot_arch(const struct fc_bench *b, const char *arch, FILE *gp, const char *dir,
		      char ***names, size_t *nnames)
{
	static const char *title[NPLOTS] = {
		"%s: link time against .text size (median; bars: 95%% interval of the median)",
		"%s: peak memory of the link (median; bars: min to max)",
		"%s: bytes of thunks the linker added",
		"%s: link time of %s against %s (ratio of medians; bars: 95%% bootstrap interval)"};
	static const char *ylabel[NPLOTS] = {"wall time (s)", "peak RSS (MiB)", "thunk bytes",
					     "ratio of median wall times (new / old)"};
	for (int p = 0; p < NPLOTS; p++) {
		if (p == P_AGAINST && !b->nag)
			continue;
		char *base = fc_xasprintf("%s-%s", plot_base[p], arch);
		char *datp = fc_xasprintf("%s/%s.dat", dir, base);
		FILE *d = fopen(datp, "w");
		free(datp);
		if (!d) {
			free(base);
			continue;
		}
		/* One block per series (two blank lines apart: gnuplot's index). */
		char **labels = NULL;
		size_t nl = 0;
		if (p == P_AGAINST) {
			for (size_t i = 0; i < b->nag; i++) {
				const struct fc_bench_against *a = &b->ag[i];
				if (strcmp(a->arch, arch) || isnan(a->r.ratio))
					continue;
				bool seen = false;
				for (size_t k = 0; k < nl && !seen; k++)
					seen = atoi(labels[k]) == (int)a->threads;
				if (seen)
					continue;
				if (nl)
					fprintf(d, "\n\n");
				for (size_t k = i; k < b->nag; k++)
					if (!strcmp(b->ag[k].arch, arch) && b->ag[k].threads == a->threads &&
					    !isnan(b->ag[k].r.ratio))
						fprintf(d, "%.6g %.6g %.6g %.6g\n",
							(double)b->ag[k].size / (1 << 20), b->ag[k].r.ratio,
							b->ag[k].r.lo, b->ag[k].r.hi);
				fc_strv_addf(&labels, &nl, "%u%s", a->threads,
					     a->threads ? " threads" : " (default threads)");
			}
		} else
			for (size_t i = 0; i < b->ncfgs; i++) {
				const struct fc_bench_cfg *g = &b->cfgs[i];
				if (strcmp(g->c->t->name, arch))
					continue;
				bool first = true;
				for (size_t k = 0; k < i && first; k++)
					first = !same_series(&b->cfgs[k], g);
				if (!first)
					continue;
				size_t rows = 0;
				for (size_t k = i; k < b->ncfgs; k++) {
					const struct fc_bench_cfg *h = &b->cfgs[k];
					if (!same_series(h, g) || !h->n)
						continue;
					if (!rows++ && nl)
						fprintf(d, "\n\n");
					struct fc_summary s;
					double mib = (double)h->c->size / (1 << 20);
					if (p == P_TIME) {
						fc_stats_summary(h->wall, h->n, &s);
						fprintf(d, "%.6g %.6g %.6g %.6g\n", mib, s.median, s.lo, s.hi);
					} else if (p == P_MEM) {
						fc_stats_summary(h->rss, h->n, &s);
						fprintf(d, "%.6g %.6g %.6g %.6g\n", mib, s.median / 1024,
							s.min / 1024, s.max / 1024);
					} else
						fprintf(d, "%.6g %" PRIu64 "\n", mib, h->thunk_bytes);
				}
				if (rows) {
					char nm[128];
					fc_strv_addf(&labels, &nl, "%s", series_name(g, nm, sizeof nm));
				}
			}
		fclose(d);
		if (!nl) {
			free(base);
			continue;
		}
		const char *nw = b->nag ? b->ag[0].new_label : "", *od = b->nag ? b->ag[0].old_label : "";
		fprintf(gp, "reset\nset grid\nset key top left box opaque\n");
		fprintf(gp, "set xlabel '.text size (MiB)'\nset ylabel '%s'\n", ylabel[p]);
		fprintf(gp, "set title '");
		fprintf(gp, title[p], arch, nw, od);
		fprintf(gp, "'\n");
		fprintf(gp, "set logscale x 2\n");
		if (p == P_TIME || p == P_MEM)
			fprintf(gp, "set logscale y\n");
		if (p == P_THUNKS)
			fprintf(gp, "set yrange [0:*]\n");
		if (p == P_AGAINST)
			fprintf(gp, "set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2\n");
		for (int fmt = 0; fmt < 2; fmt++) {
			fprintf(gp, "set terminal %s size 900,560 noenhanced font 'sans,11'\n",
				fmt ? "pngcairo" : "svg dynamic");
			fprintf(gp, "set output '%s.%s'\nplot ", base, fmt ? "png" : "svg");
			for (size_t k = 0; k < nl; k++)
				fprintf(gp, "%s'%s.dat' index %zu using 1:2%s with %s lw 2 pt 7 title '%s'",
					k ? ", " : "", base, k, p == P_THUNKS ? "" : ":3:4",
					p == P_THUNKS ? "linespoints" : "yerrorlines", labels[k]);
			fprintf(gp, "\n");
		}
		fc_strv_addf(names, nnames, "%s", base);
		for (size_t k = 0; k < nl; k++)
			free(labels[k]);
		free(labels);
		free(base);
	}
}

/* Every plot, by gnuplot in DIR; the base names of those drawn. */
static char **plots(const struct fc_bench *b, const char *dir, size_t *n, char **why)
{
	char **names = NULL;
	*n = 0;
	*why = NULL;
	char *gpp = fc_xasprintf("%s/plots.gp", dir);
	FILE *gp = fopen(gpp, "w");
	if (!gp) {
		*why = fc_xasprintf("%s: cannot create", gpp);
		free(gpp);
		return NULL;
	}
	fprintf(gp, "# gnuplot plots.gp, in this directory, draws the plots again.\n");
	for (size_t i = 0; i < b->ncases; i++) {
		bool first = true;
		for (size_t k = 0; k < i && first; k++)
			first = b->cases[k].t != b->cases[i].t;
		if (first)
			plot_arch(b, b->cases[i].t->name, gp, dir, &names, n);
	}
	fclose(gp);
	char *argv[] = {"gnuplot", "plots.gp", NULL};
	struct fc_exec x;
	char *log = fc_xasprintf("%s/gnuplot.log", dir);
	if (fc_exec_run(argv, dir, log, 120, &x) < 0)
		*why = fc_xstrdup("gnuplot is not installed (scripts/deps.sh installs gnuplot-nox)");
	else if (x.exit_code != 0)
		*why = fc_xasprintf("gnuplot failed (exit %d%s); see gnuplot.log", x.exit_code,
				    x.timed_out ? ", timed out" : "");
	else
		unlink(log);
	free(log);
	free(gpp);
	if (*why) {
		fc_warn("bench: no plots: %s", *why);
		for (size_t i = 0; i < *n; i++)
			free(names[i]);
		free(names);
		*n = 0;
		return NULL;
	}
	return names;
}

static void html_text(FILE *f, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
}

static int write_html(const struct fc_bench *b, const char *path, char **names, size_t nn,
		      const char *why)
{
	struct fc_afile a;
	if (fc_afile_open(&a, path) < 0)
		return -1;
	FILE *f = a.f;
	fprintf(f, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>farcall bench</title>\n"
		   "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
		   "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
		   "td.l{text-align:left}code{font-size:85%%}img{max-width:100%%}</style>"
		   "</head><body>\n<h1>farcall bench</h1>\n<p><code>");
	html_text(f, b->cmdline);
	fprintf(f, "</code> (%.0f s). Files: <a href=\"bench.json\">bench.json</a>, "
		   "<a href=\"bench.csv\">bench.csv</a>, <a href=\"plots.gp\">plots.gp</a>.</p>\n",
		b->elapsed);
	if (why) {
		fprintf(f, "<p>No plots: ");
		html_text(f, why);
		fprintf(f, "</p>\n");
	}
	for (size_t i = 0; i < nn; i++)
		fprintf(f, "<p><a href=\"%s.png\"><img src=\"%s.svg\" alt=\"%s\"></a></p>\n", names[i],
			names[i], names[i]);
	fprintf(f, "<h2>Links</h2>\n<p>Wall, user and sys: median [95%% interval of the median "
		   "by order statistics; min and max below 6 repeats]. User and sys are summed "
		   "over the linker's process tree.</p>\n<table><tr><th>arch</th><th>size</th>"
		   "<th>linker</th><th>threads</th><th>repeats</th><th>wall s</th><th>user s</th>"
		   "<th>sys s</th><th>peak MiB</th><th>output</th><th>thunks</th>"
		   "<th>thunk bytes</th><th>verdict</th><th>command</th></tr>\n");
	for (size_t i = 0; i < b->ncfgs; i++) {
		const struct fc_bench_cfg *g = &b->cfgs[i];
		char sz[32];
		fprintf(f, "<tr><td class=l>%s</td><td>%s</td><td class=l>", g->c->t->name,
			fc_fmt_size(g->c->size, sz, sizeof sz));
		html_text(f, g->label);
		fprintf(f, "</td><td>%s%.0u</td><td>%zu</td>", g->threads ? "" : "default", g->threads,
			g->n);
		const double *v[] = {g->wall, g->user, g->sys};
		for (int k = 0; k < 3; k++) {
			struct fc_summary s;
			fc_stats_summary(v[k], g->n, &s);
			if (g->n)
				fprintf(f, "<td>%.3f [%.3f, %.3f]</td>", s.median, s.lo, s.hi);
			else
				fprintf(f, "<td>-</td>");
		}
		struct fc_summary s;
		fc_stats_summary(g->rss, g->n, &s);
		if (g->n)
			fprintf(f, "<td>%.0f</td>", s.median / 1024);
		else
			fprintf(f, "<td>-</td>");
		fprintf(f, "<td>%s</td><td>%" PRIu64 "</td><td>%" PRIu64 "</td><td class=l>",
			fc_fmt_size(g->output_bytes, sz, sizeof sz), g->thunks, g->thunk_bytes);
		html_text(f, g->verdict);
		if (g->reason) {
			fprintf(f, ": ");
			html_text(f, g->reason);
		}
		fprintf(f, "</td><td class=l><code>");
		html_text(f, g->command);
		fprintf(f, "</code></td></tr>\n");
	}
	fprintf(f, "</table>\n<h2>Time against size</h2>\n<p>Least squares over the sizes' "
		   "median wall times.</p>\n<table><tr><th>arch</th><th>linker</th><th>threads</th>"
		   "<th>intercept s</th><th>s per GiB</th><th>r&sup2;</th><th>sizes</th></tr>\n");
	for (size_t i = 0; i < b->nfits; i++) {
		fprintf(f, "<tr><td class=l>%s</td><td class=l>", b->fits[i].arch);
		html_text(f, b->fits[i].label);
		fprintf(f, "</td><td>%s%.0u</td><td>%.3f</td><td>%.3f</td><td>%.4f</td><td>%zu</td></tr>\n",
			b->fits[i].threads ? "" : "default", b->fits[i].threads,
			b->fits[i].fit.intercept, b->fits[i].fit.slope, b->fits[i].fit.r2,
			b->fits[i].fit.n);
	}
	fprintf(f, "</table>\n");
	if (b->nag) {
		fprintf(f, "<h2>New against old</h2>\n<p>Ratio of median wall times with a 95%% "
			   "bootstrap interval; significant when the interval excludes 1 and a "
			   "two-sided Mann-Whitney U test gives p &lt; 0.05.</p>\n<table><tr><th>arch"
			   "</th><th>size</th><th>threads</th><th>new</th><th>old</th><th>ratio</th>"
			   "<th>95%% interval</th><th>p</th><th>significant</th></tr>\n");
		for (size_t i = 0; i < b->nag; i++) {
			const struct fc_bench_against *x = &b->ag[i];
			char sz[32];
			fprintf(f, "<tr><td class=l>%s</td><td>%s</td><td>%s%.0u</td><td class=l>",
				x->arch, fc_fmt_size(x->size, sz, sizeof sz),
				x->threads ? "" : "default", x->threads);
			html_text(f, x->new_label);
			fprintf(f, "</td><td class=l>");
			html_text(f, x->old_label);
			fprintf(f, "</td><td>%.3f</td><td>[%.3f, %.3f]</td><td>%.3g</td><td>%s</td></tr>\n",
				x->r.ratio, x->r.lo, x->r.hi, x->p, x->significant ? "yes" : "no");
		}
		fprintf(f, "</table>\n");
	}
	fprintf(f, "</body></html>\n");
	return fc_afile_commit(&a);
}

int fc_bench_write(const struct fc_bench *b, const char *dir)
{
	char *tmp = fc_xasprintf("%s.tmp.%d", dir, (int)getpid());
	fc_rm_rf(tmp);
	int r = -1;
	if (fc_mkdir_p(tmp) < 0)
		goto out;
	json_t *j = bench_json(b);
	char *p = fc_xasprintf("%s/bench.json", tmp);
	r = fc_write_json(p, j, JSON_INDENT(2));
	json_decref(j);
	free(p);
	p = fc_xasprintf("%s/bench.csv", tmp);
	if (r == 0)
		r = write_csv(b, p);
	free(p);
	size_t nn = 0;
	char *why = NULL;
	char **names = r == 0 ? plots(b, tmp, &nn, &why) : NULL;
	p = fc_xasprintf("%s/index.html", tmp);
	if (r == 0)
		r = write_html(b, p, names, nn, why);
	free(p);
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	free(why);
	if (r == 0)
		r = fc_replace_dir(tmp, dir);
	if (r < 0)
		fc_rm_rf(tmp);
out:
	free(tmp);
	return r;
}

void fc_bench_print(FILE *f, const struct fc_bench *b)
{
	fprintf(f, "%-8s %10s %-12s %3s %3s %22s %9s %8s %10s %s\n", "arch", "size", "linker", "thr",
		"n", "wall s [95% of median]", "peak MiB", "thunks", "thunk B", "verdict");
	for (size_t i = 0; i < b->ncfgs; i++) {
		const struct fc_bench_cfg *g = &b->cfgs[i];
		char sz[32], w[64] = "-", m[32] = "-", th[16] = "-";
		struct fc_summary s;
		if (g->n) {
			fc_stats_summary(g->wall, g->n, &s);
			snprintf(w, sizeof w, "%.3f [%.3f, %.3f]", s.median, s.lo, s.hi);
			fc_stats_summary(g->rss, g->n, &s);
			snprintf(m, sizeof m, "%.0f", s.median / 1024);
		}
		if (g->threads)
			snprintf(th, sizeof th, "%u", g->threads);
		fprintf(f, "%-8s %10s %-12s %3s %3zu %22s %9s %8" PRIu64 " %10" PRIu64 " %s%s%s\n",
			g->c->t->name, fc_fmt_size(g->c->size, sz, sizeof sz), g->label, th, g->n, w, m,
			g->thunks, g->thunk_bytes, g->verdict, g->reason ? ": " : "",
			g->reason ? g->reason : "");
	}
	if (b->nfits)
		fprintf(f, "\nfit (wall = intercept + size x slope):\n");
	for (size_t i = 0; i < b->nfits; i++)
		fprintf(f, "  %-8s %-12s %3s%.0u  %.3f s + %.3f s/GiB (r2 %.4f, %zu sizes)\n",
			b->fits[i].arch, b->fits[i].label, b->fits[i].threads ? "t" : "",
			b->fits[i].threads, b->fits[i].fit.intercept, b->fits[i].fit.slope,
			b->fits[i].fit.r2, b->fits[i].fit.n);
	if (b->nag)
		fprintf(f, "\n%s against %s (ratio of median wall times, 95%% bootstrap interval, "
			   "Mann-Whitney p):\n", b->ag[0].new_label, b->ag[0].old_label);
	for (size_t i = 0; i < b->nag; i++) {
		char sz[32];
		const struct fc_bench_against *a = &b->ag[i];
		fprintf(f, "  %-8s %10s %3s%.0u  %.3f [%.3f, %.3f]  p %.3g  %s\n", a->arch,
			fc_fmt_size(a->size, sz, sizeof sz), a->threads ? "t" : "", a->threads,
			a->r.ratio, a->r.lo, a->r.hi, a->p,
			a->significant ? "significant" : "no significant difference");
	}
}
