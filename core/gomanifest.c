/* The Go case's manifest, as JSON. */
#define _GNU_SOURCE
#include "gomanifest.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

bool fc_go_case(const char *dir)
{
	char *p = fc_xasprintf("%s/%s", dir, FC_GO_MANIFEST_NAME);
	bool r = fc_exists(p);
	free(p);
	return r;
}

int fc_go_manifest_save(const char *dir, const struct fc_go_manifest *m)
{
	json_t *fs = json_array(), *cs = json_array();
	for (size_t i = 0; i < m->nfuncs; i++) {
		const struct fc_go_func *f = &m->funcs[i];
		json_array_append_new(fs, json_pack("{s:s, s:s, s:i, s:i, s:b, s:i}", "name", f->name,
						    "file", f->file, "line", (int)f->line, "end",
						    (int)f->end, "leaf", f->leaf, "locals",
						    (int)f->locals));
	}
	for (size_t i = 0; i < m->ncalls; i++)
		json_array_append_new(cs, json_pack("[i, i, i]", (int)m->calls[i].caller,
						    (int)m->calls[i].callee, (int)m->calls[i].line));
	json_t *j = json_pack("{s:i, s:s, s:s, s:s, s:I, s:i, s:o, s:s, s:o}", "farcall_go_manifest",
			      FC_GO_MANIFEST_VERSION, "arch", m->t->name, "module", FC_GO_MODULE,
			      "src", FC_GO_SRC, "seed", (json_int_t)m->seed, "packages",
			      (int)m->pkgs, "functions", fs, "calls_are", "[caller, callee, line]",
			      "calls", cs);
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	/* A line per function and per call keeps diffs of two cases readable. */
	size_t n = strlen(s);
	char *o = fc_xmalloc(2 * n + 2), *q = o;
	for (size_t i = 0; i < n; i++) {
		*q++ = s[i];
		if (s[i] == ',' && (s[i + 1] == '{' || (s[i + 1] == '[' && s[i - 1] == ']')))
			*q++ = '\n';
	}
	*q++ = '\n';
	char *path = fc_xasprintf("%s/%s", dir, FC_GO_MANIFEST_NAME);
	int r = fc_write_file_atomic(path, o, (size_t)(q - o));
	free(path);
	free(o);
	free(s);
	return r;
}

void fc_go_manifest_free(struct fc_go_manifest *m)
{
	for (size_t i = 0; i < m->nfuncs; i++) {
		free(m->funcs[i].name);
		free(m->funcs[i].file);
	}
	free(m->funcs);
	free(m->calls);
	memset(m, 0, sizeof *m);
}

static int from_json(const char *path, json_t *j, struct fc_go_manifest *m);

int fc_go_manifest_load(const char *dir, struct fc_go_manifest *m)
{
	memset(m, 0, sizeof *m);
	char *path = fc_xasprintf("%s/%s", dir, FC_GO_MANIFEST_NAME);
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);
	int r = -1;
	if (!j)
		fc_err("%s:%d: %s", path, e.line, e.text);
	else
		r = from_json(path, j, m);
	json_decref(j);
	free(path);
	return r;
}

int fc_go_manifest_parse(const char *path, const char *buf, size_t len,
			 struct fc_go_manifest *m)
{
	memset(m, 0, sizeof *m);
	json_error_t e;
	json_t *j = json_loadb(buf, len, 0, &e);
	int r = -1;
	if (!j)
		fc_err("%s:%d: %s", path, e.line, e.text);
	else
		r = from_json(path, j, m);
	json_decref(j);
	return r;
}

static int from_json(const char *path, json_t *j, struct fc_go_manifest *m)
{
	json_error_t e;
	int r = -1;
	int ver = 0;
	const char *arch = NULL;
	json_t *fs = NULL, *cs = NULL;
	json_int_t seed = 0;
	int pkgs = 0;
	if (json_unpack_ex(j, &e, 0, "{s:i, s:s, s:I, s:i, s:o, s:o}", "farcall_go_manifest", &ver,
			   "arch", &arch, "seed", &seed, "packages", &pkgs, "functions", &fs,
			   "calls", &cs) < 0) {
		fc_err("%s: not a farcall Go manifest: %s", path, e.text);
		goto out;
	}
	if (ver != FC_GO_MANIFEST_VERSION) {
		fc_err("%s: version %d; this farcall reads %d (generate the case again)", path, ver,
		       FC_GO_MANIFEST_VERSION);
		goto out;
	}
	if (!(m->t = fc_target_find(arch))) {
		fc_err("%s: unknown arch '%s'", path, arch);
		goto out;
	}
	m->seed = (uint64_t)seed;
	m->pkgs = (uint32_t)pkgs;
	m->nfuncs = json_array_size(fs);
	m->funcs = fc_xcalloc(m->nfuncs + 1, sizeof *m->funcs);
	for (size_t i = 0; i < m->nfuncs; i++) {
		const char *name, *file;
		int line, end, leaf, locals;
		if (json_unpack_ex(json_array_get(fs, i), &e, 0, "{s:s, s:s, s:i, s:i, s:b, s:i}",
				   "name", &name, "file", &file, "line", &line, "end", &end,
				   "leaf", &leaf, "locals", &locals) < 0 || line <= 0 || end < line ||
		    locals < 0) {
			fc_err("%s: function %zu: %s", path, i, e.text[0] ? e.text : "bad lines");
			goto out;
		}
		m->funcs[i] = (struct fc_go_func){fc_xstrdup(name), fc_xstrdup(file), (uint32_t)line,
						  (uint32_t)end, leaf, (uint32_t)locals, 0, 0};
	}
	m->ncalls = json_array_size(cs);
	m->calls = fc_xcalloc(m->ncalls + 1, sizeof *m->calls);
	for (size_t i = 0; i < m->ncalls; i++) {
		int a = -1, b = -1, line = 0;
		if (json_unpack(json_array_get(cs, i), "[i, i, i]", &a, &b, &line) < 0 || a < 0 ||
		    b < 0 || (size_t)a >= m->nfuncs || (size_t)b >= m->nfuncs ||
		    (uint32_t)line < m->funcs[a].line || (uint32_t)line > m->funcs[a].end ||
		    (i && (uint32_t)a < m->calls[i - 1].caller)) {
			fc_err("%s: call %zu: not [caller, callee, line] within the caller, in "
			       "caller order", path, i);
			goto out;
		}
		m->calls[i] = (struct fc_go_call){(uint32_t)a, (uint32_t)b, (uint32_t)line};
		if (!m->funcs[a].ncalls++)
			m->funcs[a].first_call = (uint32_t)i;
	}
	r = 0;
out:
	if (r)
		fc_go_manifest_free(m);
	return r;
}
