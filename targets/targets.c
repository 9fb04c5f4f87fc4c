/* The table of targets and the defaults every target gets. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "target.h"

extern const struct target fc_target_arm64;

static const struct target *const all[] = {
	&fc_target_arm64,
};
#define NTARGETS (sizeof all / sizeof all[0])

static const char *def_mnemonic(enum fc_site_kind k)
{
	return fc_site_kind_name(k);
}

static uint32_t def_site_reloc(enum fc_site_kind k)
{
	(void)k;
	return 0;
}

static int def_apply(uint32_t type, uint8_t *loc, uint64_t P, uint64_t SA)
{
	(void)type; (void)loc; (void)P; (void)SA;
	return -EINVAL;
}

/* Targets with defaults filled in, built once. */
static struct target filled[NTARGETS];
static int filled_done;

static void fill(void)
{
	if (filled_done)
		return;
	for (size_t i = 0; i < NTARGETS; i++) {
		struct target *t = &filled[i];
		*t = *all[i];
		if (!t->site_mnemonic)
			t->site_mnemonic = def_mnemonic;
		if (!t->site_reloc)
			t->site_reloc = def_site_reloc;
		if (!t->apply_reloc)
			t->apply_reloc = def_apply;
	}
	filled_done = 1;
}

const struct target *fc_target_find(const char *name)
{
	fill();
	for (size_t i = 0; i < NTARGETS; i++) {
		const struct target *t = &filled[i];
		if (!strcmp(name, t->name))
			return t;
		size_t n = strlen(name);
		for (const char *a = t->aliases; a && *a;) {
			const char *e = strchr(a, ' ');
			size_t l = e ? (size_t)(e - a) : strlen(a);
			if (l == n && !strncmp(a, name, n))
				return t;
			a = e ? e + 1 : a + l;
		}
	}
	return NULL;
}

const struct target *fc_target_by_machine(unsigned e_machine)
{
	fill();
	for (size_t i = 0; i < NTARGETS; i++)
		if (filled[i].e_machine == e_machine)
			return &filled[i];
	return NULL;
}

const char *fc_target_names(void)
{
	return "arm64";
}

const char *fc_reloc_name(const struct target *t, uint32_t type)
{
	for (unsigned i = 0; i < t->nrelocs; i++)
		if (t->relocs[i].type == type)
			return t->relocs[i].name;
	return "R_UNKNOWN";
}

static const char *const kind_names[FC_SITE__N] = {"call", "tail"};

const char *fc_site_kind_name(enum fc_site_kind k)
{
	return (unsigned)k < FC_SITE__N ? kind_names[k] : "?";
}

int fc_site_kind_parse(const char *s, enum fc_site_kind *k)
{
	for (int i = 0; i < FC_SITE__N; i++)
		if (!strcmp(s, kind_names[i])) {
			*k = (enum fc_site_kind)i;
			return 0;
		}
	return -1;
}

void fc_code_reset(struct fc_code *c)
{
	c->len = 0;
	c->nrel = 0;
}

void fc_code_free(struct fc_code *c)
{
	free(c->buf);
	free(c->rel);
	memset(c, 0, sizeof *c);
}

void fc_code_put32(struct fc_code *c, uint32_t w)
{
	if (c->len + 4 > c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->buf = fc_xrealloc(c->buf, c->cap);
	}
	for (int i = 0; i < 4; i++)
		c->buf[c->len++] = (uint8_t)(w >> (8 * i));
}

void fc_code_reloc(struct fc_code *c, uint32_t type, uint32_t callee, int64_t addend)
{
	if (c->nrel == c->relcap) {
		c->relcap = c->relcap ? c->relcap * 2 : 16;
		c->rel = fc_xrealloc(c->rel, c->relcap * sizeof *c->rel);
	}
	c->rel[c->nrel++] = (struct fc_reloc_req){(uint32_t)c->len, type, callee, addend};
}
