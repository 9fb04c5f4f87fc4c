/* The output's symbol table, through libelf: by name for the functions the
 * manifest names, by address for messages and traces. */
#define _GNU_SOURCE
#include <elfutils/libdw.h>
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

/* One symbol table (SHT_SYMTAB, or SHT_DYNSYM when that is gone) into s. */
static int load_table(struct fc_syms *s, Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh,
		      const char *path)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	if (!d || !sh->sh_entsize)
		return fc_err("%s: unreadable symbol table: %s", path, elf_errmsg(-1));
	size_t n = sh->sh_size / sh->sh_entsize;
	s->v = fc_xcalloc(n + 1, sizeof *s->v);
	for (size_t i = 1; i < n; i++) {
		GElf_Sym sym;
		if (!gelf_getsym(d, (int)i, &sym))
			return fc_err("%s: symbol %zu unreadable: %s", path, i, elf_errmsg(-1));
		int type = GELF_ST_TYPE(sym.st_info);
		if (sym.st_shndx == SHN_UNDEF || type == STT_SECTION || type == STT_FILE)
			continue;
		const char *name = elf_strptr(elf, sh->sh_link, sym.st_name);
		/* Mapping symbols ($x, $d) say nothing a person wants to read;
		 * $d says where data (a literal pool) sits in code. */
		if (name && !strncmp(name, "$d", 2)) {
			s->dmarks = fc_xrealloc(s->dmarks, (s->ndmarks + 1) * sizeof *s->dmarks);
			s->dmarks[s->ndmarks++] = sym.st_value;
		}
		if (!name || !*name || name[0] == '$')
			continue;
		/* Found by name, never named in messages: our site markers, local
		 * labels, absolute symbols and linker-defined ones left at 0
		 * (mold's _DYNAMIC in a static link), which are not places in
		 * the code. */
		bool quiet = !strncmp(name, ".fc.", 4) || !strncmp(name, ".L", 2) ||
			     sym.st_shndx == SHN_ABS || sym.st_value == 0;
		s->v[s->n++] = (struct fc_sym){sym.st_value, sym.st_size, name, (uint8_t)type, quiet,
					       (uint8_t)GELF_ST_BIND(sym.st_info)};
	}
	return 0;
}

static uint64_t get_u(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* A pointer of .eh_frame_hdr in encoding enc at p (inside [p, end)); its
 * address is at. 0 when the encoding is one this does not read. */
static unsigned eh_ptr(uint8_t enc, const uint8_t *p, const uint8_t *end, uint64_t at,
		       uint64_t hdr, uint64_t *v)
{
	unsigned n = (enc & 0x0f) == 0x03 || (enc & 0x0f) == 0x0b ? 4
		   : (enc & 0x0f) == 0x04 || (enc & 0x0f) == 0x0c || (enc & 0x0f) == 0x00 ? 8 : 0;
	if (!n || p + n > end || (enc & 0x70) > 0x30)
		return 0;
	uint64_t x = get_u(p, n);
	if ((enc & 0x0f) == 0x0b)
		x = (uint64_t)(int64_t)(int32_t)(uint32_t)x;
	*v = x + ((enc & 0x70) == 0x10 ? at : (enc & 0x70) == 0x30 ? hdr : 0);
	return n;
}

static Elf_Scn *section_named(Elf *elf, const char *want, GElf_Shdr *sh)
{
	size_t shstrndx = 0;
	elf_getshdrstrndx(elf, &shstrndx);
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *n = gelf_getshdr(scn, sh) ? elf_strptr(elf, shstrndx, sh->sh_name) : NULL;
		if (n && !strcmp(n, want) && sh->sh_type == SHT_PROGBITS)
			return scn;
	}
	return NULL;
}

/* An FDE's range as the usual encoding writes it (PC-relative signed
 * 32-bit initial location, 32-bit range: what GNU as, LLVM and Go write
 * on these arches) from its initial-location field at `at` (bytes p,
 * avail of them). 0 when it does not fit. */
static bool fde_range(const uint8_t *p, size_t avail, uint64_t at, uint64_t *lo, uint64_t *hi)
{
	if (avail < 8)
		return false;
	*lo = at + (uint64_t)(int64_t)(int32_t)(uint32_t)get_u(p, 4);
	*hi = *lo + get_u(p + 4, 4);
	return *hi > *lo;
}

/* Where the FDEs say functions are: each FDE of .eh_frame (found through
 * .eh_frame_hdr's table when there is one, else by walking the section)
 * read in the usual encoding; every range is then checked with libdw, so a
 * wrong guess costs nothing. Pairs lo, hi in out. */
static size_t fde_ranges(Elf *elf, uint64_t **out)
{
	GElf_Shdr sh, hsh;
	Elf_Scn *scn = section_named(elf, ".eh_frame", &sh);
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
	GElf_Ehdr eh;
	size_t n = 0, cap = 0;
	*out = NULL;
	if (!d || !d->d_buf || !gelf_getehdr(elf, &eh))
		return 0;
	const uint8_t *base = d->d_buf;
	uint64_t lo, hi;
#define PUT(a, b) do { if (n + 2 > cap) *out = fc_xrealloc(*out, (cap = cap ? 2 * cap : 512) * sizeof **out); \
		       (*out)[n++] = (a); (*out)[n++] = (b); } while (0)
	Elf_Scn *hs = section_named(elf, ".eh_frame_hdr", &hsh);
	Elf_Data *hd = hs ? elf_getdata(hs, NULL) : NULL;
	if (hd && hd->d_size >= 4 && ((const uint8_t *)hd->d_buf)[0] == 1) {
		const uint8_t *p = hd->d_buf, *end = p + hd->d_size, *q = p + 4;
		uint64_t hdr = hsh.sh_addr, v, count, loc, fde;
		unsigned k = eh_ptr(p[1], q, end, hdr + 4, hdr, &v);
		if (k && (q += k, k = eh_ptr(p[2], q, end, hdr + (uint64_t)(q - p), hdr, &count))) {
			q += k;
			for (uint64_t i = 0; i < count && q < end; i++) {
				if (!(k = eh_ptr(p[3], q, end, hdr + (uint64_t)(q - p), hdr, &loc)))
					break;
				q += k;
				if (!(k = eh_ptr(p[3], q, end, hdr + (uint64_t)(q - p), hdr, &fde)))
					break;
				q += k;
				/* The FDE: length, CIE pointer, then its range. */
				uint64_t off = fde - sh.sh_addr + 8;
				if (fde < sh.sh_addr || off >= d->d_size)
					continue;
				if (fde_range(base + off, d->d_size - off, fde + 8, &lo, &hi) && lo == loc)
					PUT(lo, hi);
			}
			return n / 2;
		}
	}
	Dwarf_Off off = 0, next;
	Dwarf_CFI_Entry e;
	while (dwarf_next_cfi(eh.e_ident, d, true, off, &next, &e) == 0) {
		const uint8_t *st = e.fde.start;
		if (!dwarf_cfi_cie_p(&e) && st >= base && st < base + d->d_size &&
		    fde_range(st, (size_t)(base + d->d_size - st), sh.sh_addr + (uint64_t)(st - base),
			      &lo, &hi))
			PUT(lo, hi);
		if (next <= off)
			break;
		off = next;
	}
#undef PUT
	return n / 2;
}

/* What a stripped binary still says about where its functions are: its
 * FDEs. Each becomes a symbol "fde_<address>" where .dynsym names no
 * function; a range libdw does not find an FDE for is left out. */
static void fde_functions(struct fc_syms *s, Elf *elf, char ***names, size_t *nnames)
{
	/* A CFI of dwarf_getcfi_elf is the caller's to end (not one of a
	 * Dwarf's): it leaked on every stripped binary (found by fuzzing). */
	Dwarf_CFI *cfi = dwarf_getcfi_elf(elf);
	uint64_t *r;
	size_t nr = cfi ? fde_ranges(elf, &r) : 0;
	if (!nr) {
		if (cfi)
			dwarf_cfi_end(cfi);
		return;
	}
	/* The functions .dynsym names, by address. */
	size_t nd = 0;
	uint64_t *dfun = fc_xcalloc(s->n + 1, sizeof *dfun);
	for (size_t j = 0; j < s->n; j++)
		if (s->v[j].type == STT_FUNC)
			dfun[nd++] = s->v[j].addr;
	fc_qsort(dfun, nd, sizeof *dfun, by_u64);
	for (size_t i = 0; i < nr; i++) {
		uint64_t lo = r[2 * i], hi = r[2 * i + 1];
		Dwarf_Frame *fr = NULL;
		Dwarf_Addr flo, fhi;
		if (dwarf_cfi_addrframe(cfi, lo, &fr) != 0)
			continue;
		int ok = dwarf_frame_info(fr, &flo, &fhi, NULL) >= 0;
		free(fr);
		if (!ok || flo != lo)
			continue;
		/* Where .dynsym names it already, its name is better. */
		if (nd && bsearch(&lo, dfun, nd, sizeof *dfun, by_u64))
			continue;
		char *nm = fc_xasprintf("fde_%" PRIx64, lo);
		*names = fc_xrealloc(*names, (*nnames + 1) * sizeof **names);
		(*names)[(*nnames)++] = nm;
		s->v = fc_xrealloc(s->v, (s->n + 1) * sizeof *s->v);
		/* Compiled code (it has CFI): never taken for a thunk. */
		s->v[s->n++] = (struct fc_sym){lo, hi - lo, nm, STT_FUNC, false, STB_GLOBAL};
	}
	free(dfun);
	free(r);
	dwarf_cfi_end(cfi);
}

int fc_syms_load(struct fc_syms *s, Elf *elf, const char *path)
{
	memset(s, 0, sizeof *s);
	Elf_Scn *scn = NULL, *dyn = NULL;
	GElf_Shdr sh, dsh;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB)
			break;
		if (sh.sh_type == SHT_DYNSYM && !dyn) {
			dyn = scn;
			dsh = sh;
		}
	}
	char **names = NULL;
	size_t nnames = 0;
	if (scn) {
		if (load_table(s, elf, scn, &sh, path) < 0)
			return -1;
	} else {
		/* Stripped: the dynamic symbols, and the functions the CFI knows. */
		s->stripped = true;
		if (dyn && load_table(s, elf, dyn, &dsh, path) < 0)
			return -1;
		fde_functions(s, elf, &names, &nnames);
	}
	if (!s->n) {
		free(names);
		return fc_err("%s: no symbols: no .symtab, no .dynsym and no .eh_frame to find "
			      "the functions by (stripped?)", path);
	}
	/* Own the strings: libelf's may go with the Elf handle. */
	size_t total = 0;
	for (size_t i = 0; i < s->n; i++)
		total += strlen(s->v[i].name) + 1;
	s->strings = fc_xmalloc(total + 1);
	char *sp = s->strings;
	for (size_t i = 0; i < s->n; i++) {
		size_t l = strlen(s->v[i].name) + 1;
		memcpy(sp, s->v[i].name, l);
		s->v[i].name = sp;
		sp += l;
	}
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	fc_qsort(s->v, s->n, sizeof *s->v, by_addr);
	fc_qsort(s->dmarks, s->ndmarks, sizeof *s->dmarks, by_u64);
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
