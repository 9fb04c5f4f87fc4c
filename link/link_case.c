/* The link itself: each flavour's command line (or the user's template,
 * expanded) for a static, PIE or shared output entered at _start, the
 * objects checked first, and the linker run as a process we do not trust. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <elf.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/util.h"
#include "../core/gomanifest.h"
#include "link.h"

/* A growing argv, NULL-terminated at every step. */
struct words {
	char **v;
	size_t n, cap;
};

static void push(struct words *w, char *s)
{
	if (w->n + 2 > w->cap)
		w->v = fc_xrealloc(w->v, (w->cap = w->cap ? w->cap * 2 : 64) * sizeof *w->v);
	w->v[w->n++] = s;
	w->v[w->n] = NULL;
}

static void push_split(struct words *w, const char *s)
{
	if (!s)
		return;
	char *f = fc_xstrdup(s), *save = NULL;
	for (char *x = strtok_r(f, FC_TMPL_BLANKS, &save); x; x = strtok_r(NULL, FC_TMPL_BLANKS, &save))
		push(w, fc_xstrdup(x));
	free(f);
}

/* `s` with every `from` replaced by `to`. */
static char *replace_all(const char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0;
	for (const char *p = strstr(s, from); p; p = strstr(p + fl, from))
		n++;
	char *r = fc_xmalloc(strlen(s) + n * tl + 1), *o = r;
	for (const char *p; (p = strstr(s, from)); s = p + fl) {
		memcpy(o, s, (size_t)(p - s));
		o += p - s;
		memcpy(o, to, tl);
		o += tl;
	}
	strcpy(o, s);
	return r;
}

/* What the flavour needs for a static executable entered at _start (or the
 * case's PIE or shared mode), as its row in the linker table says; no
 * output, no objects, no user flags. */
static void flavor_flags(struct words *a, const struct fc_linker *l, const struct target *t,
			 const struct fc_manifest *m, const struct fc_link_opts *o)
{
	const struct fc_linker_kind *k = fc_linker_kind(l->flavor);
	const char *em = k->emulation ? fc_linker_emulation(t->name) : NULL;
	if (em) {
		push(a, fc_xstrdup("-m"));
		push(a, fc_xstrdup(em));
	}
	if (k->own_flag && !(o->tree && k->own_flag_timing))
		push(a, fc_xstrdup(k->own_flag));
	char *th = o->threads ? fc_linker_thread_flag(k, o->threads) : NULL;
	push_split(a, th);
	free(th);
	switch (m->mode) {
	case FC_MODE_EXE:
		push(a, fc_xstrdup("-static"));
		break;
	case FC_MODE_PIE:
		/* A PIE with no interpreter: nothing here runs a dynamic loader
		 * (emu applies the dynamic relocations itself). */
		push(a, fc_xstrdup("-pie"));
		if (k->no_dyn_linker)
			push(a, fc_xstrdup("--no-dynamic-linker"));
		break;
	case FC_MODE_SHARED:
		push(a, fc_xstrdup("-shared"));
		break;
	}
	/* Relaxation off in the objects: off in the linker too. */
	if (!m->relax && t->site_symbols)
		push(a, fc_xstrdup("--no-relax"));
	push(a, fc_xstrdup("-e"));
	push(a, fc_xstrdup("_start"));
}

static void push_objs(struct words *a, const struct fc_manifest *m)
{
	for (uint32_t i = 0; i < m->nobjs; i++)
		push(a, fc_xstrdup(m->objs[i]));
}

/* The template, expanded. Checked when it was resolved. */
static char **custom_argv(const struct fc_linker *l, const struct target *t,
			  const struct fc_manifest *m, const char *out, const char *flags,
			  const struct fc_link_opts *o)
{
	struct words a = {0};
	bool has_extra = false;
	char *f = fc_xstrdup(l->tmpl), *save = NULL;
	for (char *w = strtok_r(f, FC_TMPL_BLANKS, &save); w; w = strtok_r(NULL, FC_TMPL_BLANKS, &save)) {
		if (!a.n)
			push(&a, fc_xstrdup(l->prog));
		else if (!strcmp(w, "{objs}"))
			push_objs(&a, m);
		else if (!strcmp(w, "{flags}"))
			flavor_flags(&a, l, t, m, o);
		else if (!strcmp(w, "{extra}"))
			push_split(&a, flags), has_extra = true;
		else
			push(&a, replace_all(w, "{out}", out));
	}
	free(f);
	/* --flags given to every linker of a run must not vanish for the one
	 * whose template forgot them; the end is where ld takes options too. */
	if (!has_extra)
		push_split(&a, flags);
	return a.v;
}

/* The command line: a static executable entered at _start. */
static char **link_argv(const struct fc_linker *l, const struct target *t,
			const struct fc_manifest *m, const char *out, const char *flags,
			const struct fc_link_opts *o)
{
	if (l->tmpl)
		return custom_argv(l, t, m, out, flags, o);
	struct words a = {0};
	push(&a, fc_xstrdup(l->path));
	flavor_flags(&a, l, t, m, o);
	push(&a, fc_xstrdup("-o"));
	push(&a, fc_xstrdup(out));
	push_split(&a, flags);
	push_objs(&a, m);
	return a.v;
}

/* The first line of the log that looks like an error, for the one-line
 * problem summary. */
static char *first_error_line(const char *log)
{
	char *text = fc_read_file(log, NULL);
	if (!text)
		return NULL;
	/* The line naming a relocation says the most; else the first error;
	 * else the first line. */
	char *first = NULL, *err = NULL, *rel = NULL;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (!first)
			first = line;
		if (!err && (strstr(line, "error") || strstr(line, "rror:")))
			err = line;
		if (!rel && strstr(line, "relocation"))
			rel = line;
	}
	char *best = rel ? rel : err ? err : first;
	char *r = best ? fc_xstrdup(best) : NULL;
	if (r && strlen(r) > 300)
		strcpy(r + 297, "...");
	free(text);
	return r;
}

static bool is_elf(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	unsigned char b[4] = {0};
	ssize_t n = read(fd, b, 4);
	close(fd);
	return n == 4 && !memcmp(b, "\177ELF", 4);
}

int fc_check_objects(const char *casedir, const struct fc_manifest *m)
{
	for (uint32_t i = 0; i < m->nobjs; i++) {
		char *path = fc_xasprintf("%s/%s", casedir, m->objs[i]);
		int fd = open(path, O_RDONLY);
		Elf64_Ehdr eh;
		struct stat st;
		int r = 0;
		if (fd < 0)
			r = fc_err("%s: cannot open: %s", path, strerror(errno));
		else if (fstat(fd, &st) || read(fd, &eh, sizeof eh) != (ssize_t)sizeof eh ||
			 memcmp(eh.e_ident, ELFMAG, SELFMAG))
			r = fc_err("%s: not an ELF file (or truncated before its header)", path);
		else if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_type != ET_REL)
			r = fc_err("%s: not a 64-bit relocatable object", path);
		else if (eh.e_machine != m->t->e_machine) {
			const struct target *o = fc_target_by_machine(eh.e_machine);
			r = fc_err("%s: not an %s object (it is %s)", path, m->t->name,
				   o ? o->name : "for another machine");
		} else if (eh.e_shoff + (uint64_t)eh.e_shnum * eh.e_shentsize > (uint64_t)st.st_size)
			r = fc_err("%s: truncated: its section headers end at 0x%llx, the file at 0x%llx",
				   path, (unsigned long long)(eh.e_shoff + (uint64_t)eh.e_shnum *
								       eh.e_shentsize),
				   (unsigned long long)st.st_size);
		if (fd >= 0)
			close(fd);
		free(path);
		if (r)
			return -1;
	}
	return 0;
}

void fc_link_result_free(struct fc_link_result *r)
{
	free(r->problem);
	r->problem = NULL;
}

/* Run argv (its output at tmp_out) inside run_dir; record cmd.txt,
 * stderr.txt and link.json in dir; rename to abs_out when it succeeded. */
static int link_run(const char *run_dir, const struct fc_linker *l, char **argv,
		    const char *dir, const char *out, const char *abs_out, const char *tmp_out,
		    double timeout, bool tree, struct fc_link_result *res)
{
	char *log = fc_xasprintf("%s/stderr.txt", dir);
	char *cmdf = fc_xasprintf("%s/cmd.txt", dir);
	int r = -1;
	unlink(tmp_out);

	struct fc_afile a;
	if (fc_afile_open(&a, cmdf) < 0)
		goto out;
	fprintf(a.f, "cd %s &&", run_dir);
	for (char **p = argv; *p; p++) {
		/* A template may put the output inside a word (-o{out}). */
		char *w = replace_all(*p, tmp_out, abs_out);
		/* Quoted where a shell would split it (-ldflags=-a -b). */
		if (w[strcspn(w, " \t\n'\"$\\;&|<>()*?`")])
			fprintf(a.f, " '%s'", w);
		else
			fprintf(a.f, " %s", w);
		free(w);
	}
	/* A shell comment: the line stays rerunnable, and run's report,
	 * which keeps this line, shows the template too. */
	if (l->tmpl)
		fprintf(a.f, " # %s", l->path);
	fprintf(a.f, "\n");
	if (fc_afile_commit(&a) < 0)
		goto out;

	struct fc_exec x;
	if ((tree ? fc_exec_tree : fc_exec_run)(argv, run_dir, log, timeout, &x) < 0) {
		res->problem = fc_xasprintf("%s: could not be started", l->path);
		goto record;
	}
	res->exit_code = x.exit_code;
	res->signal = x.signal;
	res->timed_out = x.timed_out;
	res->wall_s = x.wall_s;
	res->user_s = x.user_s;
	res->sys_s = x.sys_s;
	res->max_rss_kb = x.max_rss_kb;
	if (x.timed_out)
		res->problem = fc_xasprintf("%s timed out after %.0f s", l->name, timeout);
	else if (x.signal)
		res->problem = fc_xasprintf("%s crashed: %s", l->name, strsignal(x.signal));
	else if (x.exit_code != 0) {
		char *e = first_error_line(log);
		res->problem = fc_xasprintf("%s exited %d: %s", l->name, x.exit_code,
					    e ? e : "(no message)");
		free(e);
	} else if (!fc_exists(tmp_out))
		res->problem = fc_xasprintf("%s exited 0 but wrote no output", l->name);
	else if (!is_elf(tmp_out))
		res->problem = fc_xasprintf("%s exited 0 but its output is not ELF", l->name);
	else if (rename(tmp_out, abs_out) != 0)
		res->problem = fc_xasprintf("%s: cannot rename into place: %s", out, strerror(errno));
	else
		res->ok = true;
record:
	unlink(tmp_out);
	/* A linker killed mid-write leaves its own temporaries beside the
	 * output (lld: "<out>.tmp<random>"); they are ours to clean. */
	{
		char *pat = fc_xasprintf("%s*", tmp_out);
		glob_t g;
		if (glob(pat, GLOB_NOSORT, NULL, &g) == 0) {
			for (size_t i = 0; i < g.gl_pathc; i++)
				unlink(g.gl_pathv[i]);
			globfree(&g);
		}
		free(pat);
	}
	if (!res->ok)
		unlink(abs_out); /* an old output must not pass for this link's */
	{
		json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:b, s:b, s:f, s:I}",
				      "linker", l->name, "path", l->path, "version",
				      l->version ? l->version : "", "flavor",
				      fc_flavor_name(l->flavor), "exit", res->exit_code, "signal",
				      res->signal, "timed_out", res->timed_out, "ok", res->ok,
				      "wall_s", res->wall_s, "max_rss_kb", (json_int_t)res->max_rss_kb);
		json_object_set_new(j, "user_s", json_real(res->user_s));
		json_object_set_new(j, "sys_s", json_real(res->sys_s));
		if (res->problem)
			json_object_set_new(j, "problem", json_string(res->problem));
		if (l->tmpl)
			json_object_set_new(j, "template", json_string(l->tmpl));
		char *s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
		json_decref(j);
		char *jf = fc_xasprintf("%s/link.json", dir);
		r = fc_write_file_atomic(jf, s, strlen(s));
		free(jf);
		free(s);
	}
out:
	free(log);
	free(cmdf);
	return r;
}

/* What makes the argv of one kind of link, given the temporary output. */
struct argv_maker {
	char **(*make)(const struct argv_maker *x, const char *tmp_out);
	const struct fc_linker *l;
	const struct target *t;
	const struct fc_manifest *m;
	const char *flags;
	const struct fc_link_opts *o;
};

/* Link in RUN_DIR (made absolute: the command recorded is rerun from
 * there) to OUT, through a temporary output beside it. */
static int link_in(const char *run_dir, const struct argv_maker *x, const char *dir,
		   const char *out, double timeout, struct fc_link_result *res)
{
	memset(res, 0, sizeof *res);
	res->exit_code = -1;
	if (fc_mkdir_p(dir) < 0)
		return -1;
	char real[PATH_MAX];
	if (!realpath(run_dir, real))
		return fc_err("%s: %s", run_dir, strerror(errno));
	char *abs_out = out[0] == '/' ? fc_xstrdup(out)
				      : fc_xasprintf("%s/%s", getcwd((char[PATH_MAX]){0}, PATH_MAX), out);
	char *tmp_out = fc_xasprintf("%s.tmp.%d", abs_out, (int)getpid());
	char **argv = x->make(x, tmp_out);
	int r = link_run(real, x->l, argv, dir, out, abs_out, tmp_out, timeout, x->o && x->o->tree,
			 res);
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
	free(tmp_out);
	free(abs_out);
	return r;
}

static char **objs_argv(const struct argv_maker *x, const char *tmp_out)
{
	static const struct fc_link_opts none;
	return link_argv(x->l, x->t, x->m, tmp_out, x->flags, x->o ? x->o : &none);
}

int fc_link_case(const char *casedir, const struct fc_manifest *m, const struct fc_linker *l,
		 const char *dir, const char *out, const char *flags, double timeout,
		 struct fc_link_result *res)
{
	/* The linker runs inside the case directory, so the recorded command
	 * is short and can be rerun by hand from there. */
	return fc_link_case_opts(casedir, m, l, dir, out, flags, timeout, NULL, res);
}

int fc_link_case_opts(const char *casedir, const struct fc_manifest *m, const struct fc_linker *l,
		      const char *dir, const char *out, const char *flags, double timeout,
		      const struct fc_link_opts *o, struct fc_link_result *res)
{
	struct argv_maker x = {objs_argv, l, m->t, m, flags, o};
	return link_in(casedir, &x, dir, out, timeout, res);
}

/* go build, for the case's arch, through env(1) so that cmd.txt reruns
 * the same build by hand. */
static char **go_argv(const struct argv_maker *x, const char *tmp_out)
{
	struct words a = {0};
	push(&a, fc_xstrdup("env"));
	push(&a, fc_xasprintf("GOARCH=%s", x->t->name));
	push(&a, fc_xstrdup("GOOS=linux"));
	push(&a, fc_xstrdup("CGO_ENABLED=0"));
	push(&a, fc_xstrdup("GOFLAGS=-mod=mod"));
	push(&a, fc_xstrdup("GOPROXY=off"));
	push(&a, fc_xstrdup("GOTOOLCHAIN=local"));
	/* go needs a build cache it can write: its default when there is one
	 * (a CI job may have no HOME, or one it cannot write), else ours. */
	if (!getenv("GOCACHE")) {
		const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
		char *def = xdg && *xdg ? fc_xasprintf("%s/go-build", xdg)
			    : home && *home ? fc_xasprintf("%s/.cache/go-build", home) : NULL;
		bool ok = def && fc_mkdir_p(def) == 0 && access(def, W_OK) == 0;
		if (!ok)
			push(&a, fc_xasprintf("GOCACHE=/tmp/farcall-go-build-%d", (int)getuid()));
		free(def);
	}
	if (!getenv("GOPATH") && !getenv("HOME"))
		push(&a, fc_xstrdup("GOPATH=/tmp/farcall-gopath"));
	push(&a, fc_xstrdup(x->l->path));
	push(&a, fc_xstrdup("build"));
	push(&a, fc_xstrdup("-trimpath"));
	push(&a, fc_xstrdup("-o"));
	push(&a, fc_xstrdup(tmp_out));
	const char *tramp = x->t->go_trampolines ? "-debugtramp=2" : "";
	const char *f = x->flags ? x->flags : "";
	if (*tramp || *f)
		push(&a, fc_xasprintf("-ldflags=%s%s%s", tramp, *tramp && *f ? " " : "", f));
	push(&a, fc_xstrdup("."));
	return a.v;
}

/* A Go case: go build, in the module. Go's own tests (cmd/link
 * TestTrampoline) use -debugtramp=2 to put every call that can take a
 * trampoline through one. */
int fc_link_go_case(const char *casedir, const struct target *t, const struct fc_linker *l,
		    const char *dir, const char *out, const char *flags, double timeout,
		    struct fc_link_result *res)
{
	memset(res, 0, sizeof *res);
	res->exit_code = -1;
	if (l->flavor != FC_LD_GO)
		return fc_err("%s: a Go case is built by Go's toolchain (--linker go), not %s",
			      casedir, l->name);
	char *src = fc_xasprintf("%s/%s", casedir, FC_GO_SRC);
	struct argv_maker x = {go_argv, l, t, NULL, flags, NULL};
	int r = link_in(src, &x, dir, out, timeout, res);
	free(src);
	return r;
}
