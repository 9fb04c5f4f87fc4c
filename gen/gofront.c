/* farcall gen --frontend go: a Go module for Go's own toolchain to build
 * and link, with the expectations written down as for C-style objects.
 *
 * Functions F0000..F<N-1> spread over packages p00..p<P-1>, 64 to a file;
 * each calls only functions after it, so calls go into later packages (the
 * import graph has no cycle) and the call graph has no loop. Every call is
 * a statement of its own line, so each edge has a line that the line table
 * must give its call instruction. Every function is //go:noinline (no call
 * vanishes); a leaf is a single expression and must get no frame at all (the
 * class of Go's arm64 "leaf bit" bug); a function that calls keeps an array
 * of 4, 16 or 64 words that it indexes with a variable, which the compiler
 * cannot keep in registers, so its frame holds at least those bytes. main's
 * helpers run0.. call every function nobody else calls: Go's linker drops
 * what is unreachable. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <unistd.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../core/gomanifest.h"
#include "../core/util.h"
#include "gen.h"

#define FUNCS_PER_FILE 64u
#define CALLS_PER_RUN 256u /* calls in each of main's helpers */

static const uint32_t locals_words[] = {0, 4, 16, 64};

struct gsrc {
	FILE *f;
	char *path;
	uint32_t line; /* of the next line written */
};

static void put(struct gsrc *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct gsrc *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(s->f, fmt, ap);
	va_end(ap);
	fputc('\n', s->f);
	s->line++;
}

static int src_open(struct gsrc *s, const char *dir, const char *rel)
{
	s->path = fc_xasprintf("%s/%s", dir, rel);
	s->line = 1;
	if (!(s->f = fopen(s->path, "w")))
		return fc_err("gen: %s: %s", s->path, strerror(errno));
	return 0;
}

static int src_close(struct gsrc *s)
{
	int r = 0;
	if (ferror(s->f) | (fclose(s->f) != 0))
		r = fc_err("gen: %s: %s", s->path, strerror(errno));
	free(s->path);
	return r;
}

/* The import block of a file whose functions call into packages `used`. */
static void put_imports(struct gsrc *s, const bool *used, uint32_t pkgs, const char *also)
{
	put(s, "import (");
	if (also)
		put(s, "\t\"%s\"", also);
	for (uint32_t q = 0; q < pkgs; q++)
		if (used[q])
			put(s, "\t\"%s/p%02u\"", FC_GO_MODULE, q);
	put(s, ")");
	put(s, "%s", "");
}

struct plan {
	uint32_t n, pkgs, width;
	uint32_t *start;   /* first function of each package; start[pkgs] = n */
	uint32_t *pkg;     /* of each function */
	uint32_t *locals;  /* words; 0 for a leaf too */
	bool *leaf;
	uint32_t *cfirst, *ccount, *callee; /* edges by caller */
	size_t nedges;
	bool *called;
};

static void plan_build(struct plan *p, const struct fc_gen_opts *o)
{
	uint64_t rng = o->seed * 0x9e3779b97f4a7c15ULL + 0x676f; /* "go" */
	uint32_t n = o->funcs, pkgs = o->pkgs;
	p->n = n;
	p->pkgs = pkgs;
	p->width = 4;
	for (uint32_t v = n; v >= 10000; v /= 10)
		p->width++;
	p->start = fc_xcalloc(pkgs + 1, sizeof *p->start);
	for (uint32_t q = 0; q <= pkgs; q++)
		p->start[q] = (uint32_t)((uint64_t)q * n / pkgs);
	p->pkg = fc_xcalloc(n, sizeof *p->pkg);
	for (uint32_t q = 0; q < pkgs; q++)
		for (uint32_t i = p->start[q]; i < p->start[q + 1]; i++)
			p->pkg[i] = q;
	p->locals = fc_xcalloc(n, sizeof *p->locals);
	p->leaf = fc_xcalloc(n, sizeof *p->leaf);
	p->cfirst = fc_xcalloc(n, sizeof *p->cfirst);
	p->ccount = fc_xcalloc(n, sizeof *p->ccount);
	p->called = fc_xcalloc(n, sizeof *p->called);
	size_t cap = (size_t)n * 2 + 16;
	p->callee = fc_xcalloc(cap, sizeof *p->callee);
	uint32_t avg = o->calls ? o->calls : 1;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t q = p->pkg[i];
		uint32_t local = p->start[q + 1] - i - 1; /* later ones in the package */
		bool later_pkg = q + 1 < pkgs;
		p->cfirst[i] = (uint32_t)p->nedges;
		if (fc_rng_below(&rng, 4) == 0 || (!local && !later_pkg)) {
			p->leaf[i] = true;
			continue;
		}
		uint32_t k = 1 + (uint32_t)fc_rng_below(&rng, 2 * avg - 1);
		for (uint32_t c = 0; c < k; c++) {
			uint32_t to;
			if (local && (!later_pkg || fc_rng_below(&rng, 2)))
				to = i + 1 + (uint32_t)fc_rng_below(&rng, local < 8 ? local : 8);
			else {
				uint32_t r = q + 1 + (uint32_t)fc_rng_below(&rng, pkgs - q - 1);
				to = p->start[r] +
				     (uint32_t)fc_rng_below(&rng, p->start[r + 1] - p->start[r]);
			}
			if (p->nedges == cap)
				p->callee = fc_xrealloc(p->callee, (cap *= 2) * sizeof *p->callee);
			p->callee[p->nedges++] = to;
			p->called[to] = true;
		}
		p->ccount[i] = k;
		p->locals[i] = locals_words[fc_rng_below(&rng, 4)];
	}
}

static void plan_free(struct plan *p)
{
	free(p->start);
	free(p->pkg);
	free(p->locals);
	free(p->leaf);
	free(p->cfirst);
	free(p->ccount);
	free(p->callee);
	free(p->called);
}

static void add_func(struct fc_go_manifest *m, size_t *cap, char *name, char *file, uint32_t line,
		     uint32_t end, bool leaf, uint32_t locals)
{
	if (m->nfuncs == *cap)
		m->funcs = fc_xrealloc(m->funcs, (*cap = *cap * 2 + 64) * sizeof *m->funcs);
	m->funcs[m->nfuncs++] = (struct fc_go_func){name, file, line, end, leaf, locals, 0, 0};
}

static void add_call(struct fc_go_manifest *m, size_t *cap, uint32_t caller, uint32_t callee,
		     uint32_t line)
{
	if (m->ncalls == *cap)
		m->calls = fc_xrealloc(m->calls, (*cap = *cap * 2 + 64) * sizeof *m->calls);
	m->calls[m->ncalls++] = (struct fc_go_call){caller, callee, line};
}

/* One call statement: `y += p04.F0200(y)`, qualified when the callee is in
 * another package. */
static void put_call(struct gsrc *s, const struct plan *p, uint32_t from_pkg, bool from_main,
		     const char *var, uint32_t to)
{
	if (from_main || p->pkg[to] != from_pkg)
		put(s, "\t%s += p%02u.F%0*u(%s)", var, p->pkg[to], (int)p->width, to, var);
	else
		put(s, "\t%s += F%0*u(%s)", var, (int)p->width, to, var);
}

static int write_packages(const char *src, const struct plan *p, struct fc_go_manifest *m,
			  size_t *fcap, size_t *ccap)
{
	bool *used = fc_xcalloc(p->pkgs + 1, sizeof *used);
	int r = -1;
	for (uint32_t q = 0; q < p->pkgs; q++) {
		char *dir = fc_xasprintf("%s/p%02u", src, q);
		int mk = fc_mkdir_p(dir);
		free(dir);
		if (mk < 0)
			goto out;
		for (uint32_t f0 = p->start[q], fi = 0; f0 < p->start[q + 1];
		     f0 += FUNCS_PER_FILE, fi++) {
			uint32_t f1 = f0 + FUNCS_PER_FILE < p->start[q + 1] ? f0 + FUNCS_PER_FILE
									  : p->start[q + 1];
			memset(used, 0, (p->pkgs + 1) * sizeof *used);
			for (uint32_t i = f0; i < f1; i++)
				for (uint32_t c = 0; c < p->ccount[i]; c++)
					if (p->pkg[p->callee[p->cfirst[i] + c]] != q)
						used[p->pkg[p->callee[p->cfirst[i] + c]]] = true;
			bool any = false;
			for (uint32_t k = 0; k < p->pkgs; k++)
				any |= used[k];
			char *rel = fc_xasprintf("p%02u/f%02u.go", q, fi);
			struct gsrc s;
			if (src_open(&s, src, rel) < 0) {
				free(rel);
				goto out;
			}
			put(&s, "// Code generated by farcall gen --frontend go; DO NOT EDIT.");
			put(&s, "%s", "");
			put(&s, "package p%02u", q);
			put(&s, "%s", "");
			if (any)
				put_imports(&s, used, p->pkgs, NULL);
			for (uint32_t i = f0; i < f1; i++) {
				put(&s, "//go:noinline");
				uint32_t line = s.line;
				put(&s, "func F%0*u(x int) int {", (int)p->width, i);
				uint32_t w = p->locals[i];
				if (p->leaf[i]) {
					put(&s, "\treturn x*%u + %u", 3 + 2 * (i % 7), i % 1000);
				} else {
					if (w) {
						put(&s, "\tvar a [%u]int", w);
						put(&s, "\ta[x&%u] = x", w - 1);
						put(&s, "\ty := x ^ a[(x*3)&%u]", w - 1);
					} else {
						put(&s, "\ty := x ^ %u", i % 1000);
					}
					for (uint32_t c = 0; c < p->ccount[i]; c++) {
						uint32_t to = p->callee[p->cfirst[i] + c];
						add_call(m, ccap, i, to, s.line);
						put_call(&s, p, q, false, "y", to);
					}
					put(&s, "\treturn y");
				}
				put(&s, "}");
				add_func(m, fcap,
					 fc_xasprintf("%s/p%02u.F%0*u", FC_GO_MODULE, q, (int)p->width, i),
					 fc_xstrdup(rel), line, s.line - 1, p->leaf[i], w * 8);
				put(&s, "%s", "");
			}
			free(rel);
			if (src_close(&s) < 0)
				goto out;
		}
	}
	r = 0;
out:
	free(used);
	return r;
}

/* main.go: main calls run0.., which call every function nobody calls. */
static int write_main(const char *src, const struct plan *p, struct fc_go_manifest *m,
		      size_t *fcap, size_t *ccap)
{
	uint32_t nroots = 0;
	for (uint32_t i = 0; i < p->n; i++)
		nroots += !p->called[i];
	uint32_t nruns = (nroots + CALLS_PER_RUN - 1) / CALLS_PER_RUN;
	bool *used = fc_xcalloc(p->pkgs + 1, sizeof *used);
	for (uint32_t i = 0; i < p->n; i++)
		if (!p->called[i])
			used[p->pkg[i]] = true;
	struct gsrc s;
	if (src_open(&s, src, "main.go") < 0) {
		free(used);
		return -1;
	}
	put(&s, "// Code generated by farcall gen --frontend go; DO NOT EDIT.");
	put(&s, "%s", "");
	put(&s, "package main");
	put(&s, "%s", "");
	put_imports(&s, used, p->pkgs, "os");
	free(used);
	uint32_t main_idx = (uint32_t)m->nfuncs;
	uint32_t line = s.line;
	put(&s, "func main() {");
	put(&s, "\ts := len(os.Args)");
	/* main's calls name run0.., whose indices follow main's. */
	for (uint32_t k = 0; k < nruns; k++) {
		add_call(m, ccap, main_idx, main_idx + 1 + k, s.line);
		put(&s, "\ts += run%u(s)", k);
	}
	put(&s, "\tos.Exit(s & 0)");
	put(&s, "}");
	add_func(m, fcap, fc_xstrdup("main.main"), fc_xstrdup("main.go"), line, s.line - 1, false, 0);
	put(&s, "%s", "");
	uint32_t i = 0;
	for (uint32_t k = 0; k < nruns; k++) {
		put(&s, "//go:noinline");
		line = s.line;
		put(&s, "func run%u(x int) int {", k);
		put(&s, "\ts := x");
		for (uint32_t c = 0; c < CALLS_PER_RUN && i < p->n; i++) {
			if (p->called[i])
				continue;
			add_call(m, ccap, main_idx + 1 + k, i, s.line);
			put_call(&s, p, 0, true, "s", i);
			c++;
		}
		put(&s, "\treturn s");
		put(&s, "}");
		add_func(m, fcap, fc_xasprintf("main.run%u", k), fc_xstrdup("main.go"), line,
			 s.line - 1, false, 0);
		put(&s, "%s", "");
	}
	return src_close(&s);
}

static int cmp_call(const void *a, const void *b)
{
	const struct fc_go_call *x = a, *y = b;
	if (x->caller != y->caller)
		return x->caller < y->caller ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

int fc_gen_go(const struct fc_gen_opts *o, const char *out, int quiet)
{
	double t0 = fc_now();
	if (o->pkgs < 1 || o->pkgs > 100)
		return fc_err("gen: --pkgs is 1..100, not %u", o->pkgs);
	if (o->funcs < o->pkgs)
		return fc_err("gen: --funcs %u is fewer than --pkgs %u", o->funcs, o->pkgs);
	struct plan p = {0};
	plan_build(&p, o);
	struct fc_go_manifest m = {.t = o->t, .seed = o->seed, .pkgs = o->pkgs};
	size_t fcap = 0, ccap = 0;
	char *tmp = fc_xasprintf("%s.tmp.%d", out, (int)getpid());
	char *src = fc_xasprintf("%s/%s", tmp, FC_GO_SRC);
	int r = -1;
	fc_rm_rf(tmp);
	if (fc_mkdir_p(src) < 0)
		goto out;
	char *gomod = fc_xasprintf("%s/go.mod", src);
	const char *mod = "module " FC_GO_MODULE "\n\ngo 1.19\n";
	int w = fc_write_file_atomic(gomod, mod, strlen(mod));
	free(gomod);
	if (w < 0 || write_packages(src, &p, &m, &fcap, &ccap) < 0 ||
	    write_main(src, &p, &m, &fcap, &ccap) < 0)
		goto out;
	fc_qsort(m.calls, m.ncalls, sizeof *m.calls, cmp_call);
	if (fc_go_manifest_save(tmp, &m) < 0 || fc_replace_dir(tmp, out) < 0)
		goto out;
	if (!quiet) {
		uint32_t leaves = 0;
		size_t cross = 0;
		for (size_t i = 0; i < m.nfuncs; i++)
			leaves += m.funcs[i].leaf;
		for (size_t i = 0; i < m.ncalls; i++)
			cross += strncmp(m.funcs[m.calls[i].caller].file,
					 m.funcs[m.calls[i].callee].file, 3) != 0;
		printf("%s: %s Go module: %zu functions (%u leaves) in %u packages, %zu calls "
		       "(%zu across packages), %.2f s\n", out, o->t->name, m.nfuncs, leaves, o->pkgs,
		       m.ncalls, cross, fc_now() - t0);
	}
	r = 0;
out:
	if (r)
		fc_rm_rf(tmp);
	free(tmp);
	free(src);
	fc_go_manifest_free(&m);
	plan_free(&p);
	return r;
}
