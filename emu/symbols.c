/* The output's symbol table, through libelf: by name for the functions the
 * manifest names, by address for messages and traces. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "image.h"

static uint64_t hstr(const char *s)
{
	return fc_hash64(FC_HASH_INIT, s, strlen(s));
}

static int by_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

uint64_t fc_syms_code_end(const struct fc_syms *s, uint64_t lo, uint64_t hi)
{
	size_t a = 0, b = s->ndmarks;
	while (a < b) {
		size_t mid = a + (b - a) / 2;
		if (s->dmarks[mid] < lo)
			a = mid + 1;
		else
			b = mid;
	}
	return a < s->ndmarks && s->dmarks[a] < hi ? s->dmarks[a] : hi;
}

static int by_addr(const void *a, const void *b)
{
	const struct fc_sym *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* Prefer sized, typed symbols at one address: functions first. */
	if ((x->type == STT_FUNC) != (y->type == STT_FUNC))
		return x->type == STT_FUNC ? -1 : 1;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return strcmp(x->name, y->name);
}

int fc_syms_load(struct fc_syms *s, Elf *elf, const char *path)
{
	memset(s, 0, sizeof *s);
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d || !sh.sh_entsize)
			return fc_err("%s: unreadable .symtab: %s", path, elf_errmsg(-1));
		size_t n = sh.sh_size / sh.sh_entsize;
		s->v = fc_xcalloc(n, sizeof *s->v);
		size_t total = 0;
		for (size_t i = 1; i < n; i++) {
			GElf_Sym sym;
			if (!gelf_getsym(d, (int)i, &sym))
				return fc_err("%s: symbol %zu unreadable: %s", path, i, elf_errmsg(-1));
			int type = GELF_ST_TYPE(sym.st_info);
			if (sym.st_shndx == SHN_UNDEF || type == STT_SECTION || type == STT_FILE)
				continue;
			const char *name = elf_strptr(elf, sh.sh_link, sym.st_name);
			/* Mapping symbols ($x, $d) say nothing a person wants to read;
			 * $d says where data (a literal pool) sits in code. */
			if (name && !strncmp(name, "$d", 2)) {
				s->dmarks = fc_xrealloc(s->dmarks, (s->ndmarks + 1) * sizeof *s->dmarks);
				s->dmarks[s->ndmarks++] = sym.st_value;
			}
			if (!name || !*name || name[0] == '$')
				continue;
			/* Found by name, never named in messages: our site markers,
			 * local labels, absolute symbols and linker-defined ones left
			 * at 0 (mold's _DYNAMIC in a static link), which are not
			 * places in the code. */
			bool quiet = !strncmp(name, ".fc.", 4) || !strncmp(name, ".L", 2) ||
				     sym.st_shndx == SHN_ABS || sym.st_value == 0;
			s->v[s->n++] = (struct fc_sym){sym.st_value, sym.st_size, name, (uint8_t)type,
						       quiet};
			total += strlen(name) + 1;
		}
		/* Own the strings: libelf's may go with the Elf handle. */
		s->strings = fc_xmalloc(total + 1);
		char *p = s->strings;
		for (size_t i = 0; i < s->n; i++) {
			size_t l = strlen(s->v[i].name) + 1;
			memcpy(p, s->v[i].name, l);
			s->v[i].name = p;
			p += l;
		}
		break;
	}
	if (!s->v)
		return fc_err("%s: no symbol table; farcall needs the output's .symtab to find "
			      "the functions (was it stripped?)", path);
	qsort(s->v, s->n, sizeof *s->v, by_addr);
	qsort(s->dmarks, s->ndmarks, sizeof *s->dmarks, by_u64);
	s->hcap = 16;
	while (s->hcap < s->n * 2)
		s->hcap *= 2;
	s->hash = fc_xcalloc(s->hcap, sizeof *s->hash);
	for (size_t i = 0; i < s->n; i++) {
		size_t h = hstr(s->v[i].name) & (s->hcap - 1);
		while (s->hash[h]) {
			/* Keep the first (a global beats a same-named local only by
			 * luck of order; names the manifest uses are unique). */
			if (!strcmp(s->v[s->hash[h] - 1].name, s->v[i].name))
				goto next;
			h = (h + 1) & (s->hcap - 1);
		}
		s->hash[h] = (uint32_t)(i + 1);
	next:;
	}
	return 0;
}

void fc_syms_free(struct fc_syms *s)
{
	free(s->v);
	free(s->hash);
	free(s->strings);
	free(s->dmarks);
	memset(s, 0, sizeof *s);
}

const struct fc_sym *fc_syms_by_name(const struct fc_syms *s, const char *name)
{
	if (!s->hcap)
		return NULL;
	size_t h = hstr(name) & (s->hcap - 1);
	while (s->hash[h]) {
		const struct fc_sym *y = &s->v[s->hash[h] - 1];
		if (!strcmp(y->name, name))
			return y;
		h = (h + 1) & (s->hcap - 1);
	}
	return NULL;
}

const struct fc_sym *fc_syms_at(const struct fc_syms *s, uint64_t addr)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* The nearest symbol at or below that is meant for messages; among
	 * equal addresses the sort put the best first. */
	size_t i = lo;
	while (i > 0 && s->v[i - 1].quiet)
		i--;
	if (!i)
		return NULL;
	i--;
	uint64_t a = s->v[i].addr;
	while (i > 0 && s->v[i - 1].addr == a && !s->v[i - 1].quiet)
		i--;
	/* A covering sized symbol a little further down beats an unsized one. */
	for (size_t j = i + 1; j-- > 0 && j + 8 > i;) {
		const struct fc_sym *y = &s->v[j];
		if (!y->quiet && y->size && addr >= y->addr && addr < y->addr + y->size)
			return y;
	}
	return &s->v[i];
}

const char *fc_syms_fmt(const struct fc_syms *s, uint64_t addr, char *buf, size_t len)
{
	const struct fc_sym *y = fc_syms_at(s, addr);
	/* Past a sized symbol's end is not "in" it: gold's stubs, for one,
	 * have no symbol and sit right after a function. */
	if (!y)
		snprintf(buf, len, "0x%" PRIx64, addr);
	else if (y->size && addr >= y->addr + y->size)
		snprintf(buf, len, "0x%" PRIx64 " (after %s)", addr, y->name);
	else if (addr == y->addr)
		snprintf(buf, len, "%s", y->name);
	else
		snprintf(buf, len, "%s+0x%" PRIx64, y->name, addr - y->addr);
	return buf;
}
