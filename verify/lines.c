/* Line tables through libdw (dwarf_getsrclines), never a reader of our own.
 * A row covers the addresses from its own to the next row's in the same
 * sequence; a row with line 0 covers nothing a person can use. */
#define _GNU_SOURCE
#include "lines.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"


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

static void add_subs(struct fc_lines *l, Dwarf_Die *die, size_t *cap, int depth)
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
				l->subs[l->nsubs++] = (struct fc_subprogram){lo, hi, n ? fc_xstrdup(n) : NULL};
			}
		} else if (tag == DW_TAG_namespace || tag == DW_TAG_module) {
			add_subs(l, &child, cap, depth + 1);
		}
	} while (dwarf_siblingof(&child, &child) == 0);
}

int fc_lines_load(Elf *elf, const char *path, struct fc_lines *l)
{
	memset(l, 0, sizeof *l);
	Dwarf *dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
	if (!dw)
		return 0; /* no debug info: said by the caller */
	l->have = true;
	size_t cap = 0, scap = 0;
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
		add_subs(l, &cudie, &scap, 0);
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
		const char *last_src = NULL;
		uint32_t last_file = 0;
		for (size_t i = 0; i + 1 < n; i++) {
			Dwarf_Line *a = dwarf_onesrcline(lines, i), *b = dwarf_onesrcline(lines, i + 1);
			Dwarf_Addr aa, ba;
			int line;
			bool end;
			if (!a || !b || dwarf_lineaddr(a, &aa) || dwarf_lineaddr(b, &ba) ||
			    dwarf_lineno(a, &line) || dwarf_lineendsequence(a, &end))
				continue;
			if (end || ba <= aa)
				continue; /* the row after an end_sequence starts a new one */
			/* The file, interned: rows of a CU name few. */
			const char *src = dwarf_linesrc(a, NULL, NULL);
			if (src != last_src) {
				last_src = src;
				last_file = UINT32_MAX;
				for (size_t k = l->nfiles; k-- > 0;)
					if (!strcmp(l->files[k], src ? src : "")) {
						last_file = (uint32_t)k;
						break;
					}
				if (last_file == UINT32_MAX) {
					l->files = fc_xrealloc(l->files, (l->nfiles + 1) * sizeof *l->files);
					l->files[l->nfiles] = fc_xstrdup(src ? src : "");
					last_file = (uint32_t)l->nfiles++;
				}
			}
			if (l->nspans == cap)
				l->spans = fc_xrealloc(l->spans, (cap = cap * 2 + 1024) * sizeof *l->spans);
			l->spans[l->nspans++] = (struct fc_line_span){aa, ba, line, last_file};
		}
	next_cu:
		off = next;
		cu++;
	}
	qsort(l->spans, l->nspans, sizeof *l->spans, fc_cmp_key64);
	qsort(l->subs, l->nsubs, sizeof *l->subs, fc_cmp_key64);
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
	memset(l, 0, sizeof *l);
}

const struct fc_line_span *fc_lines_at(const struct fc_lines *l, uint64_t addr)
{
	size_t lo = fc_upper_key64(l->spans, l->nspans, sizeof *l->spans, addr);
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
