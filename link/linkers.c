/* Finding a linker for an arch, as the linker table says each kind is
 * found: by name, by path, or as a command template the user wrote
 * (checked here, expanded with its flavour's flags in link_case.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <elf.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/util.h"
#include "link.h"

void fc_linker_free(struct fc_linker *l)
{
	free(l->name);
	free(l->path);
	free(l->version);
	free(l->skip);
	free(l->tmpl);
	free(l->prog);
	memset(l, 0, sizeof *l);
}

/* Full path of an executable named `name` on PATH, or NULL. */
static char *which(const char *name)
{
	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? fc_xstrdup(name) : NULL;
	const char *p = getenv("PATH");
	if (!p)
		p = "/usr/local/bin:/usr/bin:/bin";
	while (*p) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char *cand = fc_xasprintf("%.*s/%s", (int)n, p, name);
		struct stat st;
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
			return cand;
		free(cand);
		p += n + (e ? 1 : 0);
	}
	return NULL;
}

/* A kind known by its file name before it is run: Go's toolchain, which
 * says what it is to `go version`. */
static const struct fc_linker_kind *by_file_name(const char *path)
{
	const char *b = strrchr(path, '/');
	for (int f = 0; f < FC_NFLAVORS; f++) {
		const struct fc_linker_kind *k = fc_linker_kind(f);
		if (k->by_file_name && !strcmp(b ? b + 1 : path, k->program))
			return k;
	}
	return NULL;
}

/* Fill name/version/flavor from running `path --version` (or what its
 * kind answers to). */
static int probe(struct fc_linker *l, const char *path, const char *name)
{
	const struct fc_linker_kind *k = by_file_name(path);
	char *argv[] = {(char *)path, (char *)(k ? k->version_arg : "--version"), NULL};
	l->path = fc_xstrdup(path);
	l->version = fc_exec_first_line(argv, 20);
	if (!l->version)
		return fc_err("%s: does not answer --version; is it a linker?", path);
	l->flavor = k ? k->flavor : fc_flavor_of(l->version);
	l->name = name ? fc_xstrdup(name) : fc_linker_found_name(fc_linker_kind(l->flavor), l->version);
	return 0;
}

/* `path` (freed) made absolute but not resolved: the linker runs in the
 * case directory, and a multi-call binary (lld) goes by the name it has. */
static char *absolute(char *path)
{
	if (path[0] == '/')
		return path;
	char *abs = fc_xasprintf("%s/%s", getcwd((char[PATH_MAX]){0}, PATH_MAX), path);
	free(path);
	return abs;
}

#define CUSTOM "custom:"

/* Every placeholder of the template is known and where it may be; {out}
 * and {objs} are there. Messages name the whole spec: in a run with
 * several linkers, which one is wrong must be plain. */
static int check_template(const char *spec, const char *tmpl)
{
	static const char *const whole[] = {"{objs}", "{flags}", "{extra}"};
	bool has_out = false, has_objs = false, first = true;
	int r = 0;
	char *t = fc_xstrdup(tmpl), *save = NULL;
	for (char *w = strtok_r(t, FC_TMPL_BLANKS, &save); w && !r; w = strtok_r(NULL, FC_TMPL_BLANKS, &save)) {
		if (first && strchr(w, '{'))
			r = fc_err("custom linker '%s': the first word must be the program, "
				   "not a placeholder", spec);
		first = false;
		for (char *b = strchr(w, '{'); b && !r; b = strchr(b + 1, '{')) {
			size_t len = strcspn(b, "}");
			len += b[len] == '}';
			if (len == 5 && !strncmp(b, "{out}", 5)) {
				has_out = true;
				continue;
			}
			size_t k = 0;
			while (k < 3 && (strlen(whole[k]) != len || strncmp(b, whole[k], len)))
				k++;
			if (k == 3)
				r = fc_err("custom linker '%s': unknown placeholder %.*s (known: {out} "
					   "{objs} {flags} {extra})", spec, (int)len, b);
			else if (strcmp(w, whole[k]))
				r = fc_err("custom linker '%s': %s must be a word of its own, not part "
					   "of '%s'", spec, whole[k], w);
			has_objs |= k == 0;
		}
	}
	free(t);
	if (!r && !has_out)
		r = fc_err("custom linker '%s' has no {out}: where should the output go?", spec);
	if (!r && !has_objs)
		r = fc_err("custom linker '%s' has no {objs}: the objects would not be linked", spec);
	return r;
}

/* "custom:TEMPLATE": named by a hash of the template, since its flags are
 * as much the linker under test as its program is. */
static int resolve_custom(const char *spec, struct fc_linker *l)
{
	/* One blank between words: the same command spelt with other
	 * spacing is the same linker, with the same name. */
	char *t = fc_xstrdup(spec + strlen(CUSTOM)), *save = NULL, *tmpl = NULL, *prog = NULL;
	for (char *w = strtok_r(t, FC_TMPL_BLANKS, &save); w; w = strtok_r(NULL, FC_TMPL_BLANKS, &save)) {
		char *n = tmpl ? fc_xasprintf("%s %s", tmpl, w) : fc_xstrdup(w);
		if (!prog)
			prog = fc_xstrdup(w);
		free(tmpl);
		tmpl = n;
	}
	free(t);
	int r = 0;
	if (!tmpl)
		r = fc_err("custom linker '%s': empty template (for example "
			   "'custom:ld.lld -o {out} {flags} {objs}')", spec);
	else
		r = check_template(spec, tmpl);
	char *path = NULL;
	if (!r) {
		struct stat st;
		path = which(prog);
		if (!path || stat(path, &st) || !S_ISREG(st.st_mode))
			r = fc_err("custom linker '%s': %s: %s", spec, prog,
				   strchr(prog, '/') ? "not an executable file" : "not found on PATH");
	}
	if (r) {
		free(tmpl);
		free(prog);
		free(path);
		return -1;
	}
	free(prog);
	l->prog = absolute(path);
	l->tmpl = tmpl;
	l->path = fc_xasprintf(CUSTOM "%s", tmpl);
	char *argv[] = {l->prog, "--version", NULL};
	l->version = fc_exec_first_line(argv, 20);
	/* A wrapper script may know no --version; that costs the flavour
	 * (so {flags} are bfd's, the GNU ones) and nothing else. */
	l->flavor = fc_flavor_of(l->version);
	if (!l->version)
		l->version = fc_xstrdup("unknown");
	uint64_t h = fc_hash64(FC_HASH_INIT, tmpl, strlen(tmpl));
	l->name = fc_xasprintf("custom-%06llx", (unsigned long long)(h & 0xffffff));
	return 0;
}

int fc_linker_resolve(const struct target *t, const char *spec, struct fc_linker *l)
{
	memset(l, 0, sizeof *l);
	if (!strncmp(spec, CUSTOM, strlen(CUSTOM)))
		return resolve_custom(spec, l);
	const struct fc_linker_kind *k = fc_linker_kind_by_name(spec);
	const char *prog = k ? fc_linker_program(k, t->name) : NULL;
	if (k && !prog) {
		char *why = fc_linker_no_port(k, t->name);
		fc_err("linker '%s' %s", spec, why);
		free(why);
		return -1;
	}
	char *bin = NULL;
	if (k)
		/* lld-19: the program of that version, ld.lld-19. */
		bin = !strcmp(spec, k->name) || (k->alias && !strcmp(spec, k->alias))
			      ? fc_xstrdup(prog)
			      : fc_xasprintf("%s%s", prog, spec + strlen(k->name));
	if (!bin && !strchr(spec, '/'))
		return fc_err("unknown linker '%s' (bfd, gold, lld, lld-N, mold, go, a path, or "
			      "'custom:COMMAND -o {out} {flags} {objs}')", spec);
	if (!bin) {
		/* A path: name it by what it says it is, plus where it lives, so
		 * two builds of one linker stay apart in a run. */
		char real[PATH_MAX];
		if (!realpath(spec, real) || access(real, X_OK) != 0)
			return fc_err("%s: no such linker (not an executable file)", spec);
		char *abs = absolute(fc_xstrdup(spec));
		int pr = probe(l, abs, NULL);
		free(abs);
		if (pr < 0) {
			fc_linker_free(l);
			return -1;
		}
		uint64_t h = fc_hash64(FC_HASH_INIT, real, strlen(real));
		char *n = fc_xasprintf("%s-%06llx", l->name, (unsigned long long)(h & 0xffffff));
		free(l->name);
		l->name = n;
		return 0;
	}
	char *path = which(bin);
	if (!path) {
		fc_err("linker '%s' for %s: %s is not installed", spec, t->name, bin);
		free(bin);
		return -1;
	}
	free(bin);
	int r = probe(l, path, NULL);
	free(path);
	if (r < 0)
		fc_linker_free(l);
	return r;
}

bool fc_gold_installed(void)
{
	char *p = which("ld.gold");
	free(p);
	return p != NULL;
}

/* The kind's program for the arch, if on PATH, as v[*k] (named NAME, or by
 * its version when NULL). */
static void find_one(const char *prog, const char *name, struct fc_linker *v, size_t *k)
{
	char *p = prog ? which(prog) : NULL;
	if (p && probe(&v[*k], p, name) == 0)
		(*k)++;
	else if (p)
		fc_linker_free(&v[*k]);
	free(p);
}

/* Every version of a kind that has them (lld): program, program-N on
 * PATH; one entry per real binary. */
static void find_versions(const struct fc_linker_kind *lk, struct fc_linker *v, size_t *kp)
{
	size_t k = *kp, nl = 0;
	char seen[64][PATH_MAX];
	/* The program without a version first (ld.lld), then each. */
	for (int ver = lk->min_ver - 1; ver <= lk->max_ver && k < 63; ver++) {
		char *cand = ver < lk->min_ver ? fc_xstrdup(lk->program)
					       : fc_xasprintf("%s-%d", lk->program, ver);
		char *p = which(cand);
		free(cand);
		char real[PATH_MAX];
		if (!p || !realpath(p, real)) {
			free(p);
			continue;
		}
		int dup = 0;
		for (size_t j = 0; j < nl; j++)
			dup |= !strcmp(seen[j], real);
		if (!dup && probe(&v[k], p, NULL) == 0) {
			snprintf(seen[nl++], PATH_MAX, "%s", real);
			/* Two binaries may report one version: keep names unique. */
			for (size_t j = 0; j < k; j++)
				if (!strcmp(v[j].name, v[k].name)) {
					char *nn = fc_xasprintf("%s-%zu", v[k].name, k);
					free(v[k].name);
					v[k].name = nn;
				}
			k++;
		} else if (!dup)
			fc_linker_free(&v[k]);
		free(p);
	}
	*kp = k;
}

int fc_linkers_find(const struct target *t, struct fc_linker **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct fc_linker *v = fc_xcalloc(64, sizeof *v);
	size_t k = 0;
	/* The one-binary kinds, then every lld, then Go's, which links Go
	 * cases that a run makes beside the others. */
	for (int pass = 0; pass < 3; pass++)
		for (int f = 0; f < FC_NFLAVORS && k < 63; f++) {
			const struct fc_linker_kind *lk = fc_linker_kind(f);
			int which_pass = lk->no_objects ? 2 : lk->max_ver ? 1 : 0;
			if (which_pass != pass || (!lk->ports && !lk->program))
				continue;
			if (pass == 1)
				find_versions(lk, v, &k);
			else
				find_one(fc_linker_program(lk, t->name), lk->name, v, &k);
		}
	*out = v;
	*n = k;
	return 0;
}
