/* What a person reading a debug-info failure wants beside the message: the
 * line rows around the bad address and the CFI row that covers it, read
 * through libdw as the checks read them. */
#define _GNU_SOURCE
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "lines.h"
#include "excerpt.h"

static void cfi_row(FILE *f, struct fc_image *im, Dwarf_CFI *cfi, const char *what, uint64_t a)
{
	Dwarf_Frame *fr = NULL;
	if (!cfi || dwarf_cfi_addrframe(cfi, a, &fr) != 0) {
		fprintf(f, "  %s: no CFI row covers 0x%" PRIx64 "\n", what, a);
		return;
	}
	Dwarf_Addr lo, hi;
	bool signal;
	dwarf_frame_info(fr, &lo, &hi, &signal);
	Dwarf_Op *ops;
	size_t nops;
	char cfa[64] = "?";
	if (dwarf_frame_cfa(fr, &ops, &nops) == 0 && nops == 1) {
		if (ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31)
			snprintf(cfa, sizeof cfa, "r%u%+" PRId64, ops[0].atom - DW_OP_breg0,
				 (int64_t)ops[0].number);
		else if (ops[0].atom == DW_OP_bregx)
			snprintf(cfa, sizeof cfa, "r%" PRIu64 "%+" PRId64, (uint64_t)ops[0].number,
				 (int64_t)ops[0].number2);
	}
	Dwarf_Op mem[3], *rops;
	size_t nr;
	char ra[64] = "?";
	if (dwarf_frame_register(fr, im->t->dwarf_ra_column, mem, &rops, &nr) == 0) {
		if (nr == 0 && rops == NULL)
			snprintf(ra, sizeof ra, "undefined");
		else if (nr == 0)
			snprintf(ra, sizeof ra, "same value");
		else if (rops[0].atom == DW_OP_call_frame_cfa && nr == 2 &&
			 rops[1].atom == DW_OP_plus_uconst)
			snprintf(ra, sizeof ra, "at CFA%+" PRId64, (int64_t)rops[1].number);
		else if (rops[0].atom == DW_OP_call_frame_cfa && nr == 3)
			snprintf(ra, sizeof ra, "at CFA%+" PRId64, (int64_t)rops[1].number);
		else
			snprintf(ra, sizeof ra, "an expression of %zu ops", nr);
	}
	char w[160];
	fprintf(f, "  %s: CFI row [0x%" PRIx64 ", 0x%" PRIx64 ") (%s): CFA = %s, return address %s\n",
		what, (uint64_t)lo, (uint64_t)hi, fc_syms_fmt(&im->syms, lo, w, sizeof w), cfa, ra);
	free(fr);
}

void fc_verify_excerpt(FILE *f, struct fc_image *im, const struct fc_lines *lines, uint64_t addr)
{
	char w[160];
	fprintf(f, "around %s (0x%" PRIx64 "):\n", fc_syms_fmt(&im->syms, addr, w, sizeof w), addr);
	struct fc_lines own;
	const struct fc_lines *l = lines;
	if (!l) {
		fc_lines_load(im->elf, im->path, &own);
		l = &own;
	}
	size_t shown = 0;
	/* The spans are sorted by start: from the first that may reach addr. */
	size_t i0 = fc_upper_key64(l->spans, l->nspans, sizeof *l->spans,
				   addr > 64 ? addr - 64 : 0);
	i0 = i0 > 16 ? i0 - 16 : 0;
	for (size_t i = i0; i < l->nspans && shown < 12 && l->spans[i].lo <= addr + 32; i++) {
		const struct fc_line_span *sp = &l->spans[i];
		if (sp->hi + 32 < addr || sp->lo > addr + 32)
			continue;
		fprintf(f, "  line %d (%s): [0x%" PRIx64 ", 0x%" PRIx64 ")%s\n", sp->line,
			l->files[sp->file], sp->lo, sp->hi,
			addr >= sp->lo && addr < sp->hi ? "   <- here" : "");
		shown++;
	}
	if (!shown)
		fprintf(f, "  no line rows within 32 bytes\n");
	if (!lines)
		fc_lines_free(&own);
	Dwarf_CFI *eh = dwarf_getcfi_elf(im->elf);
	cfi_row(f, im, eh, ".eh_frame", addr);
	Dwarf *dw = dwarf_begin_elf(im->elf, DWARF_C_READ, NULL);
	Dwarf_CFI *dbg = dw ? dwarf_getcfi(dw) : NULL;
	if (dbg)
		cfi_row(f, im, dbg, ".debug_frame", addr);
	if (dw)
		dwarf_end(dw);
	if (eh)
		dwarf_cfi_end(eh);
}
