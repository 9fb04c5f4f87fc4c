#define _GNU_SOURCE
#include "manifest.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const mode_names[] = {"exe", "pie", "shared"};
static const char *const cfi_names[] = {"none", "eh", "debug"};
static const char *const frame_names[] = {"none", "leaf", "save"};

static int name_index(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

const char *fc_mode_name(enum fc_mode mode)
{
	return mode_names[mode];
}

int fc_mode_parse(const char *s, enum fc_mode *mode)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, mode_names[i])) {
			*mode = (enum fc_mode)i;
			return 0;
		}
	return -1;
}

const char *fc_ref_name(const struct fc_manifest *m, uint32_t ref)
{
	if (ref == FC_REF_ANY)
		return "a function";
	if (ref == FC_REF_ABS)
		return "its destination";
	uint32_t i = fc_ref_index(ref);
	if (fc_ref_is_data(ref))
		return i < m->ndatas ? m->datas[i].name : "?";
	return i < m->nfuncs ? m->funcs[i].name : "?";
}

bool fc_manifest_expects_error(const struct fc_manifest *m)
{
	for (uint64_t i = 0; i < m->nsites; i++)
		if (m->sites[i].expect_error)
			return true;
	return false;
}

const struct fc_form *fc_site_form(const struct fc_manifest *m, const struct fc_site *s)
{
	return &m->t->forms[s->form];
}

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

void fc_manifest_fix_names(struct fc_manifest *m, const uint64_t *func_offs,
			   const uint64_t *data_offs)
{
	for (uint32_t i = 0; i < m->nfuncs; i++)
		m->funcs[i].name = m->arena + func_offs[i];
	for (uint32_t i = 0; i < m->ndatas; i++)
		m->datas[i].name = m->arena + data_offs[i];
}

void fc_manifest_free(struct fc_manifest *m)
{
	for (uint32_t i = 0; m->objs && i < m->nobjs; i++)
		free(m->objs[i]);
	free(m->objs);
	free(m->funcs);
	free(m->datas);
	free(m->sites);
	free(m->arena);
	free(m->options);
	memset(m, 0, sizeof *m);
}

static void put_ref(FILE *f, uint32_t r)
{
	fprintf(f, "%c%u", fc_ref_is_data(r) ? 'd' : 'f', fc_ref_index(r));
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
	fprintf(f, "farcall-manifest 3\n"
		   "# Written by farcall gen; format in docs/manifest.md.\n"
		   "# f id name obj bytes predicted-offset padding-after default|hidden frame frame-size "
		   "line code-bytes epilogue\n"
		   "# d id name obj bytes var|words default|hidden\n"
		   "# s caller offset form target addend near|far ok|error\n");
	fprintf(f, "arch %s\ngenerator %u\nseed %" PRIu64 "\nsize %" PRIu64 "\n", m->t->name,
		m->generator, m->seed, m->size);
	fprintf(f, "mode %s\nrelax %d\n", fc_mode_name(m->mode), m->relax ? 1 : 0);
	fprintf(f, "dwarf %d\ncfi %s\n", m->dwarf, cfi_names[m->cfi]);
	if (m->record_calls)
		fprintf(f, "record-calls 1\n");
	fprintf(f, "options %s\n", m->options ? m->options : "");
	fprintf(f, "objs %u\nfuncs %u\ndatas %u\nsites %" PRIu64 "\n", m->nobjs, m->nfuncs,
		m->ndatas, m->nsites);
	for (uint32_t i = 0; i < m->nobjs; i++)
		fprintf(f, "o %u %s\n", i, m->objs[i]);
	for (uint32_t i = 0; i < m->nfuncs; i++) {
		const struct fc_func *fn = &m->funcs[i];
		fprintf(f, "f %u %s %u %u 0x%" PRIx64 " 0x%" PRIx64 " %s %s %u %u %u %u\n", i,
			fn->name, fn->obj, fn->size, fn->addr, fn->pad,
			fn->hidden ? "hidden" : "default", frame_names[fn->frame], fn->frame_size,
			fn->line, fn->code, fn->epi);
	}
	for (uint32_t i = 0; i < m->ndatas; i++) {
		const struct fc_data *d = &m->datas[i];
		fprintf(f, "d %u %s %u %u %s %s\n", i, d->name, d->obj, d->size,
			d->words ? "words" : "var", d->hidden ? "hidden" : "default");
	}
	for (uint64_t i = 0; i < m->nsites; i++) {
		const struct fc_site *s = &m->sites[i];
		fputs("s ", f);
		put_ref(f, s->caller);
		fprintf(f, " 0x%x %s ", s->off, m->t->forms[s->form].name);
		put_ref(f, s->target);
		fprintf(f, " %" PRId64 " %s %s\n", s->addend, s->far ? "far" : "near",
			s->expect_error ? "error" : "ok");
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

/* "f12" or "d3", checked against the counts so far. */
static uint32_t ref(struct cur *c, uint32_t nf, uint32_t nd)
{
	char *s = tok(c), *e;
	if (!s || (s[0] != 'f' && s[0] != 'd')) {
		c->bad = 1;
		return 0;
	}
	errno = 0;
	unsigned long v = strtoul(s + 1, &e, 10);
	if (*e || errno || e == s + 1 || v >= (s[0] == 'f' ? nf : nd)) {
		c->bad = 1;
		return 0;
	}
	return (uint32_t)v | (s[0] == 'd' ? FC_REF_DATA_BIT : 0);
}

static int bad(struct cur *c, const char *what);

/* A count in the header sizes an allocation, so it is set only once it
 * is accepted (a count given twice used to leave the larger one over the
 * array already made, for fc_manifest_free to read past: found by
 * fuzzing), and it is held to the size of the text before anything is
 * allocated (a count of a hundred million asked for gigabytes before the
 * first line was read). A complete manifest has a line of at least two
 * bytes per item; the bound is looser (8 per byte that follows, and 4096
 * more) so that a manifest cut short is still read up to the cut and
 * diagnosed there, as it was. */
static int take_count(struct cur *c, uint64_t n, uint64_t max, bool twice, const char *what,
		      const char *rest)
{
	if (twice || n > max) {
		char msg[64];
		snprintf(msg, sizeof msg, "bad %s count", what);
		return bad(c, msg);
	}
	if (n > ((rest ? strlen(rest) : 0) + 4096) * 8)
		return fc_err("%s: truncated: line %lu counts %" PRIu64 " %ss, more than the "
			      "lines that follow", c->file, c->line, n, what);
	return 0;
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
	int r = fc_manifest_parse(path, text, m);
	free(text);
	free(path);
	return r;
}

int fc_manifest_parse(const char *path, char *text, struct fc_manifest *m)
{
	memset(m, 0, sizeof *m);
	struct cur c = {.file = path};
	uint64_t *foffs = NULL, *doffs = NULL;
	uint32_t nf = 0, no = 0, nd = 0;
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
			if (strcmp(line, "farcall-manifest 3")) {
				bad(&c, strncmp(line, "farcall-manifest ", 17)
					    ? "not a farcall manifest"
					    : "a manifest of another farcall version: regenerate the case");
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
			if (!m->t || ns >= m->nsites) {
				bad(&c, "more sites than the header says");
				goto out;
			}
			struct fc_site *s = &m->sites[ns];
			s->caller = ref(&c, nf, nd);
			s->off = (uint32_t)num(&c);
			char *fname = tok(&c);
			const struct fc_form *fo = fname ? fc_form_find(m->t, fname) : NULL;
			if (!fo) {
				bad(&c, "unknown form for this arch");
				goto out;
			}
			s->form = (uint8_t)(fo - m->t->forms);
			s->target = ref(&c, nf, nd);
			s->addend = snum(&c);
			char *cls = tok(&c), *ex = tok(&c);
			s->far = cls && !strcmp(cls, "far");
			s->expect_error = ex && !strcmp(ex, "error");
			if (c.bad) {
				bad(&c, "malformed site (or it names a function or data object not "
					"listed before it)");
				goto out;
			}
			if (!fc_ref_is_data(s->caller)) {
				struct fc_func *fn = &m->funcs[s->caller];
				if (!fn->nsites)
					fn->first_site = (uint32_t)ns;
				else if (fn->first_site + fn->nsites != ns) {
					bad(&c, "sites of one caller must be consecutive");
					goto out;
				}
				fn->nsites++;
			}
			ns++;
		} else if (!strcmp(key, "f")) {
			uint64_t id = num(&c);
			char *name = tok(&c);
			if (c.bad || id != nf || nf >= m->nfuncs) {
				bad(&c, "malformed function line (ids must count up from 0)");
				goto out;
			}
			struct fc_func *fn = &m->funcs[nf];
			foffs[nf] = fc_manifest_add_name(m, name);
			fn->obj = (uint32_t)num(&c);
			fn->size = (uint32_t)num(&c);
			fn->addr = num(&c);
			fn->pad = num(&c);
			char *vis = tok(&c);
			fn->hidden = vis && !strcmp(vis, "hidden");
			int fr = name_index(frame_names, 3, tok(&c));
			fn->frame = (uint8_t)(fr < 0 ? 0 : fr);
			fn->frame_size = (uint32_t)num(&c);
			fn->line = (uint32_t)num(&c);
			fn->code = (uint32_t)num(&c);
			fn->epi = (uint32_t)num(&c);
			if (c.bad || fn->obj >= m->nobjs || fr < 0) {
				bad(&c, "malformed function line");
				goto out;
			}
			nf++;
		} else if (!strcmp(key, "d")) {
			uint64_t id = num(&c);
			char *name = tok(&c);
			if (c.bad || id != nd || nd >= m->ndatas) {
				bad(&c, "malformed data line (ids must count up from 0)");
				goto out;
			}
			struct fc_data *d = &m->datas[nd];
			doffs[nd] = fc_manifest_add_name(m, name);
			d->obj = (uint32_t)num(&c);
			d->size = (uint32_t)num(&c);
			char *kind = tok(&c), *vis = tok(&c);
			d->words = kind && !strcmp(kind, "words");
			d->hidden = vis && !strcmp(vis, "hidden");
			if (c.bad || d->obj >= m->nobjs) {
				bad(&c, "malformed data line");
				goto out;
			}
			nd++;
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
		} else if (!strcmp(key, "mode")) {
			char *a = tok(&c);
			if (!a || fc_mode_parse(a, &m->mode)) {
				bad(&c, "unknown mode");
				goto out;
			}
		} else if (!strcmp(key, "relax")) {
			m->relax = num(&c) != 0;
		} else if (!strcmp(key, "record-calls")) {
			m->record_calls = num(&c) != 0;
		} else if (!strcmp(key, "dwarf")) {
			m->dwarf = (int)num(&c);
			if (m->dwarf != 0 && m->dwarf != 4 && m->dwarf != 5) {
				bad(&c, "dwarf is 0, 4 or 5");
				goto out;
			}
		} else if (!strcmp(key, "cfi")) {
			int k = name_index(cfi_names, 3, tok(&c));
			if (k < 0) {
				bad(&c, "cfi is none, eh or debug");
				goto out;
			}
			m->cfi = k;
		} else if (!strcmp(key, "generator")) {
			m->generator = (uint32_t)num(&c);
		} else if (!strcmp(key, "seed")) {
			m->seed = num(&c);
		} else if (!strcmp(key, "size")) {
			m->size = num(&c);
		} else if (!strcmp(key, "options")) {
			/* Given twice, the first copy leaked (found by fuzzing). */
			if (m->options) {
				bad(&c, "options given twice");
				goto out;
			}
			m->options = fc_xstrdup(c.p);
		} else if (!strcmp(key, "objs")) {
			uint64_t n = num(&c);
			if (take_count(&c, n, 1000000, m->objs != NULL, "object", next) < 0)
				goto out;
			m->nobjs = (uint32_t)n;
			m->objs = fc_xcalloc(m->nobjs, sizeof *m->objs);
		} else if (!strcmp(key, "funcs")) {
			uint64_t n = num(&c);
			if (take_count(&c, n, 100000000, m->funcs != NULL, "function", next) < 0)
				goto out;
			m->nfuncs = (uint32_t)n;
			m->funcs = fc_xcalloc(m->nfuncs, sizeof *m->funcs);
			foffs = fc_xcalloc(m->nfuncs, sizeof *foffs);
		} else if (!strcmp(key, "datas")) {
			uint64_t n = num(&c);
			if (take_count(&c, n, 100000000, m->datas != NULL, "data", next) < 0)
				goto out;
			m->ndatas = (uint32_t)n;
			m->datas = fc_xcalloc(m->ndatas, sizeof *m->datas);
			doffs = fc_xcalloc(m->ndatas, sizeof *doffs);
		} else if (!strcmp(key, "sites")) {
			uint64_t n = num(&c);
			if (take_count(&c, n, 1000000000, m->sites != NULL, "site", next) < 0)
				goto out;
			m->nsites = n;
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
	if (!m->t || no != m->nobjs || nf != m->nfuncs || nd != m->ndatas || ns != m->nsites) {
		fc_err("%s: counts in the header do not match the lines that follow", path);
		goto out;
	}
	fc_manifest_fix_names(m, foffs, doffs);
	r = 0;
out:
	free(foffs);
	free(doffs);
	if (r)
		fc_manifest_free(m);
	return r;
}
