#define _GNU_SOURCE
#include "manifest.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

uint64_t fc_manifest_add_name(struct fc_manifest *m, const char *name)
{
	size_t n = strlen(name) + 1;
	if (m->arena_len + n > m->arena_cap) {
		m->arena_cap = (m->arena_cap + n) * 2;
		m->arena = fc_xrealloc(m->arena, m->arena_cap);
	}
	uint64_t off = m->arena_len;
	memcpy(m->arena + off, name, n);
	m->arena_len += n;
	return off;
}

void fc_manifest_fix_names(struct fc_manifest *m, const uint64_t *offs)
{
	for (uint32_t i = 0; i < m->nfuncs; i++)
		m->funcs[i].name = m->arena + offs[i];
}

void fc_manifest_free(struct fc_manifest *m)
{
	for (uint32_t i = 0; i < m->nobjs; i++)
		free(m->objs[i]);
	free(m->objs);
	free(m->funcs);
	free(m->sites);
	free(m->arena);
	free(m->options);
	memset(m, 0, sizeof *m);
}

int fc_manifest_save(const char *casedir, const struct fc_manifest *m)
{
	char *path = fc_xasprintf("%s/%s", casedir, FC_MANIFEST_NAME);
	struct fc_afile a;
	if (fc_afile_open(&a, path) < 0) {
		free(path);
		return -1;
	}
	FILE *f = a.f;
	static char buf[1 << 20];
	setvbuf(f, buf, _IOFBF, sizeof buf);
	fprintf(f, "farcall-manifest 1\n"
		   "# Written by farcall gen; format in docs/manifest.md.\n"
		   "# f id name obj code-bytes predicted-offset padding-after\n"
		   "# s caller offset kind callee addend near|far\n");
	fprintf(f, "arch %s\ngenerator %u\nseed %" PRIu64 "\nsize %" PRIu64 "\n",
		m->t->name, m->generator, m->seed, m->size);
	fprintf(f, "options %s\n", m->options ? m->options : "");
	fprintf(f, "objs %u\nfuncs %u\nsites %" PRIu64 "\n", m->nobjs, m->nfuncs, m->nsites);
	for (uint32_t i = 0; i < m->nobjs; i++)
		fprintf(f, "o %u %s\n", i, m->objs[i]);
	for (uint32_t i = 0; i < m->nfuncs; i++) {
		const struct fc_func *fn = &m->funcs[i];
		fprintf(f, "f %u %s %u %u 0x%" PRIx64 " 0x%" PRIx64 "\n", i, fn->name,
			fn->obj, fn->size, fn->addr, fn->pad);
	}
	for (uint64_t i = 0; i < m->nsites; i++) {
		const struct fc_site *s = &m->sites[i];
		fprintf(f, "s %u 0x%x %s %u %" PRId64 " %s\n", s->caller, s->off,
			fc_site_kind_name(s->kind), s->callee, s->addend,
			s->far ? "far" : "near");
	}
	fprintf(f, "end\n");
	free(path);
	return fc_afile_commit(&a);
}

/* A tiny cursor over one line; the manifest is read at a million lines,
 * so no sscanf. */
struct cur {
	char *p;
	const char *file;
	unsigned long line;
	int bad;
};

static char *tok(struct cur *c)
{
	while (*c->p == ' ')
		c->p++;
	if (!*c->p) {
		c->bad = 1;
		return NULL;
	}
	char *s = c->p;
	while (*c->p && *c->p != ' ')
		c->p++;
	if (*c->p)
		*c->p++ = 0;
	return s;
}

static uint64_t num(struct cur *c)
{
	char *s = tok(c), *e;
	if (!s)
		return 0;
	errno = 0;
	uint64_t v = strtoull(s, &e, 0);
	if (*e || errno || *s == '-')
		c->bad = 1;
	return v;
}

static int64_t snum(struct cur *c)
{
	char *s = tok(c), *e;
	if (!s)
		return 0;
	errno = 0;
	int64_t v = strtoll(s, &e, 0);
	if (*e || errno)
		c->bad = 1;
	return v;
}

static int bad(struct cur *c, const char *what)
{
	return fc_err("%s:%lu: %s", c->file, c->line, what);
}

int fc_manifest_load(const char *casedir, struct fc_manifest *m)
{
	memset(m, 0, sizeof *m);
	char *path = fc_xasprintf("%s/%s", casedir, FC_MANIFEST_NAME);
	if (!fc_exists(path)) {
		fc_err("%s: not a farcall case: no %s (make one with farcall gen)", casedir,
		       FC_MANIFEST_NAME);
		free(path);
		return -1;
	}
	size_t len;
	char *text = fc_read_file(path, &len);
	if (!text) {
		free(path);
		return -1;
	}
	struct cur c = {.file = path};
	uint64_t *offs = NULL;
	uint32_t nf = 0, no = 0;
	uint64_t ns = 0;
	int r = -1, ended = 0;
	char *next = text;
	while (next && *next) {
		char *line = next;
		char *nl = strchr(line, '\n');
		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = 0;
		c.line++;
		c.p = line;
		c.bad = 0;
		if (c.line == 1) {
			if (strcmp(line, "farcall-manifest 1")) {
				bad(&c, "not a farcall manifest (version 1)");
				goto out;
			}
			continue;
		}
		if (*line == '#')
			continue;
		char *key = tok(&c);
		if (!key)
			continue; /* blank */
		if (!strcmp(key, "s")) {
			if (ns >= m->nsites) {
				bad(&c, "more sites than the header says");
				goto out;
			}
			struct fc_site *s = &m->sites[ns];
			s->caller = (uint32_t)num(&c);
			s->off = (uint32_t)num(&c);
			char *k = tok(&c);
			enum fc_site_kind kind;
			if (!k || fc_site_kind_parse(k, &kind)) {
				bad(&c, "unknown site kind");
				goto out;
			}
			s->kind = (uint8_t)kind;
			s->callee = (uint32_t)num(&c);
			s->addend = snum(&c);
			char *cls = tok(&c);
			s->far = cls && !strcmp(cls, "far");
			if (c.bad || s->caller >= nf || s->callee >= nf) {
				bad(&c, "malformed site (or it names a function not listed before it)");
				goto out;
			}
			struct fc_func *fn = &m->funcs[s->caller];
			if (!fn->nsites)
				fn->first_site = (uint32_t)ns;
			else if (fn->first_site + fn->nsites != ns) {
				bad(&c, "sites of one caller must be consecutive");
				goto out;
			}
			fn->nsites++;
			ns++;
		} else if (!strcmp(key, "f")) {
			uint64_t id = num(&c);
			char *name = tok(&c);
			if (c.bad || id != nf || nf >= m->nfuncs) {
				bad(&c, "malformed function line (ids must count up from 0)");
				goto out;
			}
			struct fc_func *fn = &m->funcs[nf];
			offs[nf] = fc_manifest_add_name(m, name);
			fn->obj = (uint32_t)num(&c);
			fn->size = (uint32_t)num(&c);
			fn->addr = num(&c);
			fn->pad = num(&c);
			if (c.bad || fn->obj >= m->nobjs) {
				bad(&c, "malformed function line");
				goto out;
			}
			nf++;
		} else if (!strcmp(key, "o")) {
			uint64_t id = num(&c);
			char *name = tok(&c);
			if (c.bad || id != no || no >= m->nobjs || strchr(name, '/')) {
				bad(&c, "malformed object line");
				goto out;
			}
			m->objs[no++] = fc_xstrdup(name);
		} else if (!strcmp(key, "arch")) {
			char *a = tok(&c);
			if (!a || !(m->t = fc_target_find(a))) {
				bad(&c, "unknown arch");
				goto out;
			}
		} else if (!strcmp(key, "generator")) {
			m->generator = (uint32_t)num(&c);
		} else if (!strcmp(key, "seed")) {
			m->seed = num(&c);
		} else if (!strcmp(key, "size")) {
			m->size = num(&c);
		} else if (!strcmp(key, "options")) {
			m->options = fc_xstrdup(c.p);
		} else if (!strcmp(key, "objs")) {
			m->nobjs = (uint32_t)num(&c);
			if (m->objs || m->nobjs > 1000000) {
				bad(&c, "bad object count");
				goto out;
			}
			m->objs = fc_xcalloc(m->nobjs, sizeof *m->objs);
		} else if (!strcmp(key, "funcs")) {
			m->nfuncs = (uint32_t)num(&c);
			if (m->funcs || m->nfuncs > 100000000) {
				bad(&c, "bad function count");
				goto out;
			}
			m->funcs = fc_xcalloc(m->nfuncs, sizeof *m->funcs);
			offs = fc_xcalloc(m->nfuncs, sizeof *offs);
		} else if (!strcmp(key, "sites")) {
			m->nsites = num(&c);
			if (m->sites || m->nsites > 1000000000) {
				bad(&c, "bad site count");
				goto out;
			}
			m->sites = fc_xcalloc(m->nsites, sizeof *m->sites);
		} else if (!strcmp(key, "end")) {
			ended = 1;
			break;
		} else {
			bad(&c, "unknown line");
			goto out;
		}
		if (c.bad) {
			bad(&c, "malformed line");
			goto out;
		}
	}
	if (!ended) {
		fc_err("%s: truncated (no final 'end' line)", path);
		goto out;
	}
	if (!m->t || no != m->nobjs || nf != m->nfuncs || ns != m->nsites) {
		fc_err("%s: counts in the header do not match the lines that follow", path);
		goto out;
	}
	fc_manifest_fix_names(m, offs);
	r = 0;
out:
	free(offs);
	free(text);
	free(path);
	if (r)
		fc_manifest_free(m);
	return r;
}
