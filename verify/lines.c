/* Line tables through libdw (dwarf_getsrclines), never a reader of our own.
 * A row covers the addresses from its own to the next row's in the same
 * sequence; a row with line 0 covers nothing a person can use.
 *
 * libdw hands a unit's rows over sorted by address with its sequences
 * merged, and which sequence a row came from is gone. While sequences do
 * not overlap that changes nothing. When one runs past its function's end
 * into the next function's (clang 14 for riscv64 writes the rows after a
 * relaxable call, and the end, as they were before the linker relaxed
 * the call: caller's sequence ends 12 bytes into _start), its end falls
 * among the next function's rows and would cut them. So, with the
 * subprograms (each knows its unit) and the other code symbols:
 * - an end inside a function of the same unit, followed by more rows or
 *   the end of a sequence still inside that function, is not that
 *   function's: it is the end of the nearest function before it whose rows
 *   were seen and whose end was not, and the function's rows carry on past
 *   it. From the function's start to that end both sequences' rows stay,
 *   they cannot be told apart: the cover there is right (both cover it),
 *   a line there may be the other function's, and a gap of the function's
 *   own there is hidden.
 * - any other end is that of the function its last row lies in; a last
 *   row outside the unit's functions (in another unit's, where the rows run
 *   on) is the nearest function before it that the sequence since the
 *   last end reaches into. Rows moved away from every function (a patched
 *   table) are nobody's. Ends one after another with no row between are
 *   told apart by the line each carries (its sequence's last row's): in
 *   the source of the function declared last before it.
 * An end past the start of the next function (subprogram or symbol) after
 * its own function's end is an overrun, reported for its owner. In the
 * second case the cover from that start on is dropped (it describes the
 * other function's code in the name of this one) but for rows inside the
 * unit's own functions, which may be theirs, merged in. An end past the
 * function's end but not past the next start (padding) is no overrun. */
#define _GNU_SOURCE
#include "lines.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

/* What a function's rows have been seen to do, in one unit. */
enum { FN_ROWS = 1, FN_ENDED = 2 };

static void problem(struct fc_lines *l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return;
	char *old = l->problems;
	l->problems = fc_xasprintf("%s%s\n", old ? old : "", msg);
	free(old);
	free(msg);
}

struct fnvec {
	struct fc_line_fn *v;
	size_t n, cap;
};

static void fn_push(struct fnvec *f, uint64_t lo, uint64_t hi, const char *name, uint32_t cu,
		    int decl_line, uint32_t decl_file)
{
	if (f->n == f->cap)
		f->v = fc_xrealloc(f->v, (f->cap = f->cap * 2 + 256) * sizeof *f->v);
	f->v[f->n++] = (struct fc_line_fn){lo, hi, name, cu, decl_line, decl_file, 0};
}

/* Source file names, interned: rows of a CU name few. */
static uint64_t name_hash(const char *p)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ULL;
	return h;
}

/* The index of file name src in l->files, added if new; a hash table
 * finds it (cmd/go's units name thousands of files). */
static uint32_t intern(struct fc_lines *l, const char *src)
{
	if (!src)
		src = "";
	if (l->nfiles * 2 >= l->file_hash_cap) {
		size_t cap = l->file_hash_cap ? l->file_hash_cap * 2 : 1024;
		free(l->file_hash);
		l->file_hash = fc_xcalloc(cap, sizeof *l->file_hash);
		l->file_hash_cap = cap;
		for (size_t k = 0; k < l->nfiles; k++) {
			size_t h = name_hash(l->files[k]) & (cap - 1);
			while (l->file_hash[h])
				h = (h + 1) & (cap - 1);
			l->file_hash[h] = (uint32_t)k + 1;
		}
	}
	size_t mask = l->file_hash_cap - 1, h = name_hash(src) & mask;
	for (; l->file_hash[h]; h = (h + 1) & mask)
		if (!strcmp(l->files[l->file_hash[h] - 1], src))
			return l->file_hash[h] - 1;
	l->file_hash[h] = (uint32_t)l->nfiles + 1;
	l->files = fc_xrealloc(l->files, (l->nfiles + 1) * sizeof *l->files);
	l->files[l->nfiles] = fc_xstrdup(src);
	return (uint32_t)l->nfiles++;
}

/* The file a subprogram is declared in, by name as the rows give theirs.
 * Not dwarf_decl_file: libdw 0.188 takes DWARF 5's file 0, where clang
 * declares everything of the primary source, for none. */
static const char *decl_file(Dwarf_Die *die, Dwarf_Die *cudie)
{
	Dwarf_Attribute a;
	Dwarf_Word idx;
	Dwarf_Files *files;
	size_t nfiles;
	if (!dwarf_attr_integrate(die, DW_AT_decl_file, &a) || dwarf_formudata(&a, &idx) ||
	    dwarf_getsrcfiles(cudie, &files, &nfiles) || idx >= nfiles)
		return NULL;
	return dwarf_filesrc(files, idx, NULL, NULL);
}

static void add_subs(struct fc_lines *l, Dwarf_Die *cudie, Dwarf_Die *die, size_t *cap,
		     struct fnvec *fns, uint32_t cu, int depth)
{
	Dwarf_Die child;
	if (depth > 4 || dwarf_child(die, &child) != 0)
		return;
	do {
		int tag = dwarf_tag(&child);
		if (tag == DW_TAG_subprogram) {
			Dwarf_Addr lo, hi;
			if (dwarf_lowpc(&child, &lo) == 0 && dwarf_highpc(&child, &hi) == 0 && hi > lo) {
				if (l->nsubs == *cap)
					l->subs = fc_xrealloc(l->subs, (*cap = *cap * 2 + 256) * sizeof *l->subs);
				const char *n = dwarf_diename(&child);
				char *name = n ? fc_xstrdup(n) : NULL;
				l->subs[l->nsubs++] = (struct fc_subprogram){lo, hi, name};
				int dl = 0;
				const char *df = decl_file(&child, cudie);
				if (!df || dwarf_decl_line(&child, &dl))
					dl = 0;
				fn_push(fns, lo, hi, name, cu, dl, dl ? intern(l, df) : UINT32_MAX);
			}
		} else if (tag == DW_TAG_namespace || tag == DW_TAG_module) {
			add_subs(l, cudie, &child, cap, fns, cu, depth + 1);
		}
	} while (dwarf_siblingof(&child, &child) == 0);
}

/* Code without a subprogram (a linker's thunk, assembly) is a function an
 * overrun can run into too. subs must be sorted. */
static void add_symbols(Elf *elf, const struct fc_lines *l, struct fnvec *fns)
{
	for (int pass = 0; pass < 2; pass++) {
		Elf_Scn *scn = NULL;
		bool any = false;
		while ((scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			if (!gelf_getshdr(scn, &sh) || sh.sh_type != (pass ? SHT_DYNSYM : SHT_SYMTAB) ||
			    !sh.sh_entsize)
				continue;
			Elf_Data *d = elf_getdata(scn, NULL);
			if (!d)
				continue;
			any = true;
			size_t n = sh.sh_size / sh.sh_entsize;
			for (size_t i = 0; i < n; i++) {
				GElf_Sym y;
				if (!gelf_getsym(d, (int)i, &y) || y.st_shndx == SHN_UNDEF || !y.st_value ||
				    (GELF_ST_TYPE(y.st_info) != STT_FUNC &&
				     GELF_ST_TYPE(y.st_info) != STT_GNU_IFUNC))
					continue;
				size_t k = fc_upper_key64(l->subs, l->nsubs, sizeof *l->subs, y.st_value);
				if (k && y.st_value < l->subs[k - 1].hi)
					continue; /* a subprogram's, or inside one */
				fn_push(fns, y.st_value, y.st_value + (y.st_size ? y.st_size : 1),
					elf_strptr(elf, sh.sh_link, y.st_name), FC_LINES_NO_CU, 0,
					UINT32_MAX);
			}
		}
		if (any)
			break; /* .dynsym only when there is no .symtab */
	}
}

static int cmp_fn(const void *a, const void *b)
{
	const struct fc_line_fn *x = a, *y = b;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->cu != y->cu)
		return x->cu < y->cu ? -1 : 1;
	/* Aliases: the name an overrun runs into is not up to qsort. */
	return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

/* The function of unit cu that a lies in, or -1. */
static ssize_t fn_in(const struct fc_line_fn *f, size_t n, uint32_t cu, uint64_t a)
{
	size_t i = fc_upper_key64(f, n, sizeof *f, a);
	/* Functions do not nest: a few back are those sharing a start (ICF)
	 * and other units' broken ranges. */
	for (size_t j = i; j-- > 0 && i - j <= 8;)
		if (f[j].cu == cu && a < f[j].hi)
			return (ssize_t)j;
	return -1;
}

/* The nearest function of unit cu ending at or before lim whose rows were
 * seen and whose end was not; none once one ends at or before reach (the
 * sequence does not go back that far). */
static ssize_t fn_open_before(const struct fc_line_fn *f, size_t n, uint32_t cu, uint64_t lim,
			      uint64_t reach)
{
	size_t i = fc_upper_key64(f, n, sizeof *f, lim);
	for (size_t j = i, k = 0; j-- > 0 && k < 256; k++) {
		if (f[j].cu != cu || f[j].hi > lim)
			continue;
		if (f[j].hi <= reach)
			return -1;
		if (f[j].seq == FN_ROWS)
			return (ssize_t)j;
	}
	return -1;
}

/* Whether end row r may be f's: its line in f's file, not before f. */
static bool declares(const struct fc_line_fn *f, const struct fc_line_row *r)
{
	return f->decl_line && f->decl_file == r->file && f->decl_line <= r->line;
}

static void push_span(struct fc_lines *l, uint64_t lo, uint64_t hi, const struct fc_line_row *r)
{
	if (l->nspans == l->spans_cap)
		l->spans = fc_xrealloc(l->spans,
				       (l->spans_cap = l->spans_cap * 2 + 1024) * sizeof *l->spans);
	l->spans[l->nspans++] = (struct fc_line_span){lo, hi, r->line, r->file};
}

/* Records fns[o]'s sequence ending at e if it runs over another function's
 * start; returns that start, or UINT64_MAX. */
static uint64_t overrun(struct fc_lines *l, const struct fc_line_fn *f, size_t n, size_t o,
			uint64_t e)
{
	size_t k = fc_lower_key64(f, n, sizeof *f, f[o].hi);
	while (k < n && f[k].lo == f[o].lo)
		k++;
	if (k == n || f[k].lo >= e)
		return UINT64_MAX;
	const char *into = NULL; /* a subprogram's name first: they sort first */
	uint32_t over = 0;
	for (size_t j = k; j < n && f[j].lo < e; j++) {
		if (j == k || f[j].lo != f[j - 1].lo)
			over++;
		if (!into && f[j].lo == f[k].lo)
			into = f[j].name;
	}
	for (size_t i = 0; i < l->noverruns; i++)
		if (l->overruns[i].owner_lo == f[o].lo && l->overruns[i].seq_end == e)
			return f[k].lo;
	l->overruns = fc_xrealloc(l->overruns, (l->noverruns + 1) * sizeof *l->overruns);
	l->overruns[l->noverruns++] = (struct fc_line_overrun){
		f[o].lo, f[o].hi, f[o].name ? fc_xstrdup(f[o].name) : NULL, e, f[k].lo,
		into ? fc_xstrdup(into) : NULL, over};
	return f[k].lo;
}

void fc_lines_add_unit(struct fc_lines *l, struct fc_line_fn *fns, size_t nfns, uint32_t cu,
		       const struct fc_line_row *rows, size_t n)
{
	size_t open = SIZE_MAX;  /* the row whose span waits for the next address */
	size_t last = SIZE_MAX;  /* the last row that is not an end */
	size_t seg_span = l->nspans; /* the first span since the last end */
	uint64_t seg_first = 0;  /* the first row's address since then */
	bool seg_rows = false;
	for (size_t i = 0; i < n; i++) {
		const struct fc_line_row *r = &rows[i];
		if (!r->end) {
			ssize_t f = fn_in(fns, nfns, cu, r->addr);
			if (f >= 0)
				fns[f].seq = FN_ROWS;
			if (!seg_rows)
				seg_first = r->addr, seg_rows = true;
			if (open != SIZE_MAX && r->addr > rows[open].addr)
				push_span(l, rows[open].addr, r->addr, &rows[open]);
			open = last = i;
			continue;
		}
		uint64_t e = r->addr;
		ssize_t owner = -1;
		bool cont = false;
		ssize_t x = fn_in(fns, nfns, cu, e);
		if (x >= 0 && fns[x].lo < e && i + 1 < n &&
		    (rows[i + 1].end ? rows[i + 1].addr <= fns[x].hi : rows[i + 1].addr < fns[x].hi)) {
			owner = fn_open_before(fns, nfns, cu, fns[x].lo, 0);
			cont = owner >= 0;
		}
		if (!cont && last != SIZE_MAX) {
			ssize_t f = fn_in(fns, nfns, cu, rows[last].addr);
			if (f >= 0 && fns[f].seq == FN_ROWS)
				owner = f;
			else if (seg_rows)
				owner = fn_open_before(fns, nfns, cu, rows[last].addr, seg_first);
			else if (f >= 0 && rows[i - 1].end)
				/* Ends in a row after the last row: the sequences
				 * overlapped, one of them began before. */
				owner = fn_open_before(fns, nfns, cu, rows[last].addr, 0);
			if (owner >= 0 && i + 1 < n && rows[i + 1].end) {
				/* Which of those ends is whose no row says; the line
				 * an end carries is its sequence's last row's, in the
				 * source of one function and not of one before it. */
				ssize_t o2 = fn_open_before(fns, nfns, cu, fns[owner].lo, 0);
				if (o2 >= 0 && declares(&fns[o2], r) &&
				    (!declares(&fns[owner], r) ||
				     fns[owner].decl_line < fns[o2].decl_line))
					owner = o2;
			}
		}
		uint64_t into = UINT64_MAX;
		if (owner >= 0) {
			fns[owner].seq = FN_ENDED;
			into = overrun(l, fns, nfns, (size_t)owner, e);
		}
		if (cont)
			continue;
		if (open != SIZE_MAX && e > rows[open].addr)
			push_span(l, rows[open].addr, e, &rows[open]);
		if (into != UINT64_MAX) {
			/* Past that start, rows in a function of this unit may be
			 * its own, merged in; the others describe what is not
			 * this unit's. */
			size_t k = seg_span;
			for (size_t j = seg_span; j < l->nspans; j++) {
				struct fc_line_span sp = l->spans[j];
				if (sp.lo < into && sp.hi > into)
					sp.hi = into;
				else if (sp.lo >= into && fn_in(fns, nfns, cu, sp.lo) < 0)
					continue;
				l->spans[k++] = sp;
			}
			l->nspans = k;
		}
		open = SIZE_MAX;
		seg_rows = false;
		seg_span = l->nspans;
	}
}

static int cmp_overrun(const void *a, const void *b)
{
	const struct fc_line_overrun *x = a, *y = b;
	if (x->owner_lo != y->owner_lo)
		return x->owner_lo < y->owner_lo ? -1 : 1;
	return x->seq_end < y->seq_end ? -1 : x->seq_end > y->seq_end;
}

/* qsort, unless v is in order already (most of a line table is: units and
 * their rows come by address). glibc's qsort sorts by merging, which
 * keeps the order of equal elements, so skipping it changes nothing. */
static void sort_unless_sorted(void *v, size_t n, size_t size,
			       int (*cmp)(const void *, const void *))
{
	const char *p = v;
	for (size_t i = 1; i < n; i++)
		if (cmp(p + (i - 1) * size, p + i * size) > 0) {
			qsort(v, n, size, cmp);
			return;
		}
}

/* Spans by lo, stably (what glibc's merging qsort gave): the runs already
 * in order (a unit's rows, by address) merged pairwise. */
static void sort_spans(struct fc_line_span *v, size_t n)
{
	if (n < 2)
		return;
	size_t *run = NULL, nrun = 0, rcap = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && v[j - 1].lo <= v[j].lo)
			j++;
		if (nrun + 2 > rcap)
			run = fc_xrealloc(run, (rcap = rcap * 2 + 64) * sizeof *run);
		run[nrun++] = i;
		i = j;
	}
	if (nrun == 1) {
		free(run);
		return;
	}
	run[nrun] = n; /* run k is [run[k], run[k + 1]) */
	struct fc_line_span *tmp = fc_xcalloc(n, sizeof *tmp), *src = v, *dst = tmp;
	while (nrun > 1) {
		size_t k2 = 0;
		for (size_t k = 0; k < nrun; k += 2) {
			size_t a = run[k], m = run[k + 1], b = k + 2 <= nrun ? run[k + 2] : m;
			if (k + 1 >= nrun)
				b = m;
			size_t i = a, j = m, o = a;
			while (i < m && j < b)
				dst[o++] = src[j].lo < src[i].lo ? src[j++] : src[i++];
			while (i < m)
				dst[o++] = src[i++];
			while (j < b)
				dst[o++] = src[j++];
			run[k2++] = a;
		}
		run[k2] = n;
		nrun = k2;
		struct fc_line_span *t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof *v);
	free(tmp);
	free(run);
}

void fc_lines_sort(struct fc_lines *l)
{
	sort_spans(l->spans, l->nspans);
	sort_unless_sorted(l->subs, l->nsubs, sizeof *l->subs, fc_cmp_key64);
	sort_unless_sorted(l->overruns, l->noverruns, sizeof *l->overruns, cmp_overrun);
}

/* One unit's rows, where fc_lines_add_unit finds them. */
struct unit {
	uint32_t cu;
	size_t off, n;
};

int fc_lines_load(Elf *elf, const char *path, struct fc_lines *l)
{
	memset(l, 0, sizeof *l);
	Dwarf *dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
	if (!dw)
		return 0; /* no debug info: said by the caller */
	l->have = true;
	size_t scap = 0, nrows = 0, rcap = 0, nunits = 0, ucap = 0;
	struct fc_line_row *rows = NULL;
	struct unit *units = NULL;
	struct fnvec fns = {0};
	Dwarf_Off off = 0, next;
	size_t hsize;
	unsigned cu = 0;
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cudie;
		if (!dwarf_offdie(dw, off + hsize, &cudie)) {
			problem(l, "%s: CU %u at 0x%" PRIx64 ": unreadable: %s", path, cu, off,
				dwarf_errmsg(-1));
			goto next_cu;
		}
		add_subs(l, &cudie, &cudie, &scap, &fns, cu, 0);
		Dwarf_Lines *lines;
		size_t n;
		if (dwarf_getsrclines(&cudie, &lines, &n) != 0) {
			/* A CU without DW_AT_stmt_list has no lines: not a problem. */
			Dwarf_Attribute a;
			if (dwarf_attr(&cudie, DW_AT_stmt_list, &a))
				problem(l, "%s: CU %u (%s): line table unreadable: %s", path, cu,
					dwarf_diename(&cudie) ? dwarf_diename(&cudie) : "?",
					dwarf_errmsg(-1));
			goto next_cu;
		}
		if (nunits == ucap)
			units = fc_xrealloc(units, (ucap = ucap * 2 + 16) * sizeof *units);
		units[nunits] = (struct unit){cu, nrows, 0};
		const char *last_src = NULL;
		uint32_t last_file = 0;
		for (size_t i = 0; i < n; i++) {
			Dwarf_Line *a = dwarf_onesrcline(lines, i);
			Dwarf_Addr aa;
			int line;
			bool end;
			if (!a || dwarf_lineaddr(a, &aa) || dwarf_lineno(a, &line) ||
			    dwarf_lineendsequence(a, &end))
				continue;
			const char *src = dwarf_linesrc(a, NULL, NULL);
			if (src != last_src || !i) {
				last_src = src;
				last_file = intern(l, src);
			}
			if (nrows == rcap)
				rows = fc_xrealloc(rows, (rcap = rcap * 2 + 4096) * sizeof *rows);
			rows[nrows++] = (struct fc_line_row){aa, line, last_file, end};
		}
		units[nunits].n = nrows - units[nunits].off;
		nunits++;
	next_cu:
		off = next;
		cu++;
	}
	sort_unless_sorted(l->subs, l->nsubs, sizeof *l->subs, fc_cmp_key64);
	add_symbols(elf, l, &fns);
	sort_unless_sorted(fns.v, fns.n, sizeof *fns.v, cmp_fn);
	for (size_t u = 0; u < nunits; u++)
		fc_lines_add_unit(l, fns.v, fns.n, units[u].cu, rows + units[u].off, units[u].n);
	fc_lines_sort(l);
	free(fns.v);
	free(rows);
	free(units);
	dwarf_end(dw);
	return 0;
}

void fc_lines_free(struct fc_lines *l)
{
	for (size_t i = 0; i < l->nsubs; i++)
		free((char *)l->subs[i].name);
	free(l->subs);
	free(l->spans);
	free(l->problems);
	for (size_t i = 0; i < l->nfiles; i++)
		free(l->files[i]);
	free(l->files);
	for (size_t i = 0; i < l->noverruns; i++) {
		free(l->overruns[i].owner);
		free(l->overruns[i].into);
	}
	free(l->overruns);
	free(l->file_hash);
	memset(l, 0, sizeof *l);
}

const struct fc_line_span *fc_lines_at(const struct fc_lines *l, uint64_t addr)
{
	return fc_lines_at_hint(l, addr, NULL);
}

const struct fc_line_span *fc_lines_at_hint(const struct fc_lines *l, uint64_t addr,
					    size_t *hint)
{
	size_t lo;
	/* The first span past addr: where the last lookup found it, when addr
	 * is still before it (a function's instructions, one after another). */
	if (hint && *hint <= l->nspans && (*hint == 0 || l->spans[*hint - 1].lo <= addr) &&
	    (*hint == l->nspans || l->spans[*hint].lo > addr)) {
		lo = *hint;
	} else if (hint && *hint < l->nspans && l->spans[*hint].lo <= addr &&
		   (*hint + 1 == l->nspans || l->spans[*hint + 1].lo > addr)) {
		lo = *hint + 1;
	} else {
		lo = fc_upper_key64(l->spans, l->nspans, sizeof *l->spans, addr);
	}
	if (hint)
		*hint = lo;
	/* Spans may overlap (two CUs claiming one range); any that covers. */
	for (size_t i = lo; i-- > 0 && lo - i < 8;)
		if (addr >= l->spans[i].lo && addr < l->spans[i].hi)
			return &l->spans[i];
	return NULL;
}

const struct fc_subprogram *fc_lines_sub(const struct fc_lines *l, uint64_t addr)
{
	size_t lo = fc_lower_key64(l->subs, l->nsubs, sizeof *l->subs, addr);
	return lo < l->nsubs && l->subs[lo].lo == addr ? &l->subs[lo] : NULL;
}

const char *fc_line_overrun_fmt(const struct fc_line_overrun *o, char *buf, size_t n)
{
	char owner[40], into[40], more[48] = "";
	if (!o->owner)
		snprintf(owner, sizeof owner, "0x%" PRIx64, o->owner_lo);
	if (!o->into)
		snprintf(into, sizeof into, "the function at 0x%" PRIx64, o->into_lo);
	if (o->over > 1)
		snprintf(more, sizeof more, " and %" PRIu32 " function%s after it", o->over - 1,
			 o->over > 2 ? "s" : "");
	snprintf(buf, n, "%s: its line sequence ends 0x%" PRIx64 " bytes past its end (0x%" PRIx64
		 "), into %s%s", o->owner ? o->owner : owner, o->seq_end - o->owner_hi, o->seq_end,
		 o->into ? o->into : into, more);
	return buf;
}
