/* One adapter per linker flavour: how to find it for an arch, by name, by
 * path, or as a command template the user wrote (checked here, expanded
 * with its flavour's flags in link_case.c). */
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

const char *fc_flavor_name(enum fc_flavor f)
{
	static const char *n[] = {"bfd", "gold", "lld", "mold", "unknown", "go"};
	return n[f];
}

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

static enum fc_flavor flavor_of(const char *version)
{
	if (!version)
		return FC_LD_UNKNOWN;
	/* mold says "compatible with GNU ld": ask it first. */
	if (!strncmp(version, "mold", 4))
		return FC_LD_MOLD;
	if (strstr(version, "LLD"))
		return FC_LD_LLD;
	if (strstr(version, "GNU gold"))
		return FC_LD_GOLD;
	if (strstr(version, "GNU ld"))
		return FC_LD_BFD;
	return FC_LD_UNKNOWN;
}

/* "Debian LLD 14.0.6 (compatible with GNU linkers)" -> "lld-14". */
static char *lld_name(const char *version)
{
	const char *v = strstr(version, "LLD ");
	int major = v ? atoi(v + 4) : 0;
	return major ? fc_xasprintf("lld-%d", major) : fc_xstrdup("lld");
}

/* Go's toolchain says what it is to `go version`. */
static bool is_go(const char *path)
{
	const char *b = strrchr(path, '/');
	return !strcmp(b ? b + 1 : path, "go");
}

/* Fill name/version/flavor from running `path --version`. */
static int probe(struct fc_linker *l, const char *path, const char *name)
{
	bool go = is_go(path);
	char *argv[] = {(char *)path, go ? "version" : "--version", NULL};
	l->path = fc_xstrdup(path);
	l->version = fc_exec_first_line(argv, 20);
	if (!l->version)
		return fc_err("%s: does not answer --version; is it a linker?", path);
	l->flavor = go ? FC_LD_GO : flavor_of(l->version);
	if (name)
		l->name = fc_xstrdup(name);
	else if (l->flavor == FC_LD_LLD)
		l->name = lld_name(l->version);
	else
		l->name = fc_xstrdup(fc_flavor_name(l->flavor));
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
	l->flavor = flavor_of(l->version);
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
	const char *bin = NULL;
	if (!strcmp(spec, "bfd") || !strcmp(spec, "ld"))
		bin = t->gnu_ld;
	else if (!strcmp(spec, "gold"))
		bin = t->gnu_gold;
	else if (!strcmp(spec, "lld"))
		bin = "ld.lld";
	else if (!strncmp(spec, "lld-", 4))
		bin = fc_xasprintf("ld.%s", spec); /* small, lives as long as the run */
	else if (!strcmp(spec, "mold"))
		bin = "mold";
	else if (!strcmp(spec, "go"))
		bin = "go";
	if (!strcmp(spec, "gold") && !bin)
		return fc_err("linker 'gold' has no %s target", t->name);
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
	if (!path)
		return fc_err("linker '%s' for %s: %s is not installed", spec, t->name, bin);
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

int fc_linkers_find(const struct target *t, struct fc_linker **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	const char *fixed[] = {t->gnu_ld, t->gnu_gold, "mold"};
	const char *names[] = {"bfd", "gold", "mold"};
	struct fc_linker *v = fc_xcalloc(64, sizeof *v);
	size_t k = 0;
	char seen[64][PATH_MAX];
	for (size_t i = 0; i < 3; i++) {
		char *p = fixed[i] ? which(fixed[i]) : NULL;
		if (p && probe(&v[k], p, names[i]) == 0)
			k++;
		else if (p)
			fc_linker_free(&v[k]);
		free(p);
	}
	/* Every lld: ld.lld, ld.lld-N on PATH; one entry per real binary. */
	size_t nl = 0;
	const char *cands[] = {"ld.lld", "ld.lld-13", "ld.lld-14", "ld.lld-15", "ld.lld-16",
			       "ld.lld-17", "ld.lld-18", "ld.lld-19", "ld.lld-20", "ld.lld-21"};
	for (size_t i = 0; i < sizeof cands / sizeof cands[0] && k < 63; i++) {
		char *p = which(cands[i]);
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
	/* Go's: it links Go cases, which a run makes beside the others. */
	char *g = which("go");
	if (g && k < 63) {
		if (probe(&v[k], g, "go") == 0)
			k++;
		else
			fc_linker_free(&v[k]);
	}
	free(g);
	*out = v;
	*n = k;
	return 0;
}
