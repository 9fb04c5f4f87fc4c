/* Scenario files and the known-failures list: plain "key: value" lines,
 * so that a scenario is reviewed like code and a person can write one
 * without reading farcall's source. */
#define _GNU_SOURCE
#include "corpus.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "../gen/gen.h"
#include "../targets/target.h"


static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	return s;
}

static void split_words(const char *v, char ***argv, int *argc)
{
	char *d = fc_xstrdup(v), *save = NULL;
	for (char *w = strtok_r(d, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		*argv = fc_xrealloc(*argv, ((size_t)*argc + 2) * sizeof **argv);
		(*argv)[(*argc)++] = fc_xstrdup(w);
		(*argv)[*argc] = NULL;
	}
	free(d);
}

static void scenario_free(struct fc_scenario *s)
{
	free(s->name);
	free(s->file);
	free(s->arch);
	for (int i = 0; i < s->ngen; i++)
		free(s->gen[i]);
	free(s->gen);
	free(s->flags);
}

static int read_scenario(FILE *f, const char *path, struct fc_scenario *s);

static int load_scenario(const char *path, const char *name, struct fc_scenario *s)
{
	memset(s, 0, sizeof *s);
	s->name = fc_xstrdup(name);
	s->file = fc_xstrdup(path);
	FILE *f = fopen(path, "r");
	if (!f)
		return fc_err("%s: %s", path, strerror(errno));
	return read_scenario(f, path, s);
}

int fc_scenario_parse(const char *path, const char *name, const char *buf, size_t len,
		      struct fc_scenario *s)
{
	memset(s, 0, sizeof *s);
	s->name = fc_xstrdup(name);
	s->file = fc_xstrdup(path);
	/* fmemopen of 0 bytes fails (EINVAL) before glibc 2.22's semantics;
	 * an empty file is one byte of nothing then. */
	FILE *f = fmemopen((void *)(len ? buf : "\n"), len ? len : 1, "r");
	if (!f)
		return fc_err("%s: %s", path, strerror(errno));
	return read_scenario(f, path, s);
}

void fc_scenario_free(struct fc_scenario *s)
{
	scenario_free(s);
}

/* Reads and closes f. */
static int read_scenario(FILE *f, const char *path, struct fc_scenario *s)
{
	char *line = NULL;
	size_t cap = 0;
	int lno = 0, r = 0;
	bool have_expect = false;
	s->gen = fc_xcalloc(2, sizeof *s->gen);
	s->gen[s->ngen++] = fc_xstrdup("gen");
	while (r == 0 && getline(&line, &cap, f) >= 0) {
		lno++;
		char *p = trim(line);
		if (!*p || *p == '#')
			continue;
		char *colon = strchr(p, ':');
		if (!colon) {
			r = fc_err("%s:%d: expected 'key: value', got '%s'", path, lno, p);
			break;
		}
		*colon = 0;
		char *k = trim(p), *v = trim(colon + 1);
		if (!strcmp(k, "arch")) {
			if (!fc_target_find(v))
				r = fc_err("%s:%d: unknown arch '%s' (known: %s)", path, lno, v,
					   fc_target_names());
			else if (s->arch)
				r = fc_err("%s:%d: arch given twice", path, lno);
			else
				s->arch = fc_xstrdup(v);
		} else if (!strcmp(k, "gen")) {
			split_words(v, &s->gen, &s->ngen);
		} else if (!strcmp(k, "link")) {
			if (s->flags)
				r = fc_err("%s:%d: link given twice", path, lno);
			else
				s->flags = fc_xstrdup(v);
		} else if (!strcmp(k, "expect")) {
			if (!strcmp(v, "pass"))
				s->link_error = false;
			else if (!strcmp(v, "link-error"))
				s->link_error = true;
			else
				r = fc_err("%s:%d: expect: '%s' is neither 'pass' nor 'link-error'",
					   path, lno, v);
			have_expect = true;
		} else if (!strcmp(k, "quick")) {
			if (!strcmp(v, "yes"))
				s->quick = true;
			else if (strcmp(v, "no"))
				r = fc_err("%s:%d: quick: '%s' is neither 'yes' nor 'no'", path, lno, v);
		} else
			r = fc_err("%s:%d: unknown key '%s' (known: arch, gen, link, expect, quick)",
				   path, lno, k);
	}
	if (ferror(f))
		r = fc_err("%s: %s", path, strerror(errno));
	free(line);
	fclose(f);
	if (r)
		return r;
	if (!s->arch)
		return fc_err("%s: no 'arch:' line", path);
	if (!have_expect)
		return fc_err("%s: no 'expect:' line (pass or link-error)", path);
	/* The generator options are checked now, not after an hour of other
	 * scenarios; and the expectation must agree with them. */
	struct fc_gen_opts o;
	const char *out;
	int quiet;
	char *archarg = fc_xasprintf("--arch=%s", s->arch);
	s->gen = fc_xrealloc(s->gen, ((size_t)s->ngen + 2) * sizeof *s->gen);
	s->gen[s->ngen] = archarg;
	s->gen[s->ngen + 1] = NULL;
	/* getopt_long permutes the argv it is given (a word that is not an
	 * option moves to the end), so it gets a copy of the array: s->gen
	 * keeps the strings it owns where they were, and archarg is freed
	 * once (a stray word in gen: made this a double free, found by
	 * fuzzing). */
	char **argv = fc_xcalloc((size_t)s->ngen + 2, sizeof *argv);
	memcpy(argv, s->gen, ((size_t)s->ngen + 1) * sizeof *argv);
	int pr = fc_gen_parse(s->ngen + 1, argv, &o, &out, &quiet);
	free(argv);
	s->gen[s->ngen] = NULL;
	free(archarg);
	if (pr)
		return fc_err("%s: bad 'gen:' options (above)", path);
	if (out)
		return fc_err("%s: 'gen:' must not name an output (-o): the run names cases", path);
	if (s->link_error != (o.unfixable > 0))
		return fc_err("%s: expect: %s, but the gen options make %s", path,
			      s->link_error ? "link-error" : "pass",
			      o.unfixable ? "unfixable sites (--unfixable)" : "no unfixable site");
	return 0;
}

static int load_known(const char *path, struct fc_corpus *c)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : fc_err("%s: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	int lno = 0, r = 0;
	while (r == 0 && getline(&line, &cap, f) >= 0) {
		lno++;
		char *p = trim(line);
		if (!*p || *p == '#')
			continue;
		char *save = NULL;
		char *lk = strtok_r(p, " \t", &save);
		char *sc = strtok_r(NULL, " \t", &save);
		char *why = save ? trim(save) : NULL;
		if (!sc || !why || !*why) {
			r = fc_err("%s:%d: expected 'LINKER SCENARIO REASON...'", path, lno);
			break;
		}
		c->k = fc_xrealloc(c->k, (c->nk + 1) * sizeof *c->k);
		c->k[c->nk++] = (struct fc_known){fc_xstrdup(lk), fc_xstrdup(sc), fc_xstrdup(why),
						  fc_xasprintf("%s:%d", path, lno)};
	}
	free(line);
	fclose(f);
	return r;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int fc_corpus_load(const char *dir, struct fc_corpus *c)
{
	memset(c, 0, sizeof *c);
	DIR *d = opendir(dir);
	if (!d)
		return fc_err("%s: %s", dir, strerror(errno));
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l > 4 && !strcmp(e->d_name + l - 4, ".scn")) {
			names = fc_xrealloc(names, (n + 1) * sizeof *names);
			names[n++] = fc_xasprintf("%.*s", (int)(l - 4), e->d_name);
		}
	}
	closedir(d);
	fc_qsort(names, n, sizeof *names, by_name);
	int r = 0;
	c->s = fc_xcalloc(n ? n : 1, sizeof *c->s);
	for (size_t i = 0; i < n; i++) {
		char *path = fc_xasprintf("%s/%s.scn", dir, names[i]);
		if (r == 0 && load_scenario(path, names[i], &c->s[c->n++]) < 0)
			r = -1;
		free(path);
		free(names[i]);
	}
	free(names);
	if (r == 0 && n == 0)
		r = fc_err("%s: no scenario (*.scn) in it", dir);
	if (r == 0) {
		char *kp = fc_xasprintf("%s/known-failures", dir);
		r = load_known(kp, c);
		free(kp);
	}
	if (r)
		fc_corpus_free(c);
	return r;
}

void fc_corpus_free(struct fc_corpus *c)
{
	for (size_t i = 0; i < c->n; i++)
		scenario_free(&c->s[i]);
	free(c->s);
	for (size_t i = 0; i < c->nk; i++) {
		free(c->k[i].linker);
		free(c->k[i].scenario);
		free(c->k[i].reason);
		free(c->k[i].where);
	}
	free(c->k);
	memset(c, 0, sizeof *c);
}

const char *fc_corpus_known(const struct fc_corpus *c, const char *name, const char *path,
			    const char *scenario)
{
	for (size_t i = 0; i < c->nk; i++)
		if ((fnmatch(c->k[i].linker, name, 0) == 0 ||
		     (path && fnmatch(c->k[i].linker, path, 0) == 0)) &&
		    fnmatch(c->k[i].scenario, scenario, 0) == 0)
			return c->k[i].reason;
	return NULL;
}
