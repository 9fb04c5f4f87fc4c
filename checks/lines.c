/* lines: the DWARF line table after the link. A generated case: every
 * instruction of every function on the line the generator gave it (the
 * prologue, each site and the epilogue take consecutive lines, in address
 * order; docs/manifest.md), in its object's file. A Go case: every
 * instruction of a generated function on a line of that function. A
 * binary: every instruction of every function with debug info covered by a
 * row (golang/go#54320: trampolines that dropped their callers' rows). */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "../verify/gocase.h"
#include "subject.h"

/* A unit libdw cannot read says the most: each is a finding. */
static void problems(struct fc_subject *s, const struct fc_lines *l, struct fc_check_result *r)
{
	if (!l->problems)
		return;
	for (char *p = l->problems, *nl; *p; p = nl + 1) {
		nl = strchrnul(p, '\n');
		fc_find(&r->f, FC_SEV_FAIL, NULL, 0, FC_NOWHERE, "%.*s", (int)(nl - p), p);
		r->failed++;
		if (!*nl)
			break;
	}
	(void)s;
}

/* Where function fi's epilogue starts in the output. */
static uint64_t epilogue_addr(struct fc_subject *s, uint32_t fi)
{
	const struct fc_manifest *m = &s->m;
	if (m->t->site_symbols) {
		char en[32];
		snprintf(en, sizeof en, ".fc.e%u", fi);
		const struct fc_sym *y = fc_syms_by_name(&s->im.syms, en);
		return y ? y->addr : UINT64_MAX;
	}
	return fc_subject_entries(s)[fi] + m->funcs[fi].epi;
}

/* A symbol size the linker did not shrink with the code (mold on RISC-V)
 * runs into the next symbol. */
static void symbol_size(struct fc_subject *s, uint32_t fi, struct fc_check_result *r)
{
	const struct fc_manifest *m = &s->m;
	uint64_t entry = fc_subject_entries(s)[fi];
	const struct fc_sym *y = fc_syms_by_name(&s->im.syms, m->funcs[fi].name);
	if (!y || !y->size)
		return;
	size_t k = fc_upper_key64(s->im.syms.v, s->im.syms.n, sizeof *s->im.syms.v, entry);
	for (; k < s->im.syms.n; k++) {
		const struct fc_sym *n = &s->im.syms.v[k];
		if (n->quiet || n->type == STT_SECTION)
			continue;
		if (entry + y->size > n->addr) {
			r->failed++;
			fc_find(&r->f, FC_SEV_FAIL, m->funcs[fi].name, n->addr - entry, n->addr,
				"%s: %s: its symbol's size 0x%" PRIx64 " runs into %s (0x%" PRIx64
				"): the linker did not shrink it with the code", s->path,
				m->funcs[fi].name, y->size, n->name, n->addr);
		}
		return;
	}
}

static void case_lines(struct fc_subject *s, const struct fc_lines *l, struct fc_check_result *r)
{
	const struct fc_manifest *m = &s->m;
	const struct target *t = m->t;
	const uint64_t *entry = fc_subject_entries(s);
	uint64_t *anchor = NULL, ninsn = 0, nok = 0;
	uint32_t *aline = NULL;
	size_t cap = 0;
	char w[160];
	for (uint32_t fi = 0; fi < m->nfuncs; fi++) {
		const struct fc_func *fn = &m->funcs[fi];
		if (entry[fi] == UINT64_MAX)
			continue;
		r->checked++;
		if (fn->nsites + 2 > cap) {
			cap = fn->nsites * 2 + 4;
			anchor = fc_xrealloc(anchor, cap * sizeof *anchor);
			aline = fc_xrealloc(aline, cap * sizeof *aline);
		}
		/* The rows the generator wrote, as the output has them. */
		size_t na = 0;
		uint32_t line = fn->line;
		anchor[na] = entry[fi];
		aline[na++] = line++;
		uint64_t epi = epilogue_addr(s, fi);
		bool epi_done = epi == UINT64_MAX;
		for (uint32_t k = 0; k < fn->nsites || !epi_done;) {
			uint64_t a;
			if (!epi_done && (k == fn->nsites ||
					  epi <= fc_emu_site_addr(&s->im, m, entry, fn->first_site + k))) {
				a = epi;
				epi_done = true;
			} else {
				a = fc_emu_site_addr(&s->im, m, entry, fn->first_site + k);
				k++;
			}
			if (anchor[na - 1] == a)
				na--;
			anchor[na] = a;
			aline[na++] = line++;
		}
		uint64_t failed_before = r->failed;
		symbol_size(s, fi, r);
		uint64_t size = fc_subject_code_size(s, fi);
		const uint8_t *code = fc_image_ptr(&s->im, entry[fi], size);
		if (!code)
			continue;
		size_t ai = 0;
		bool bad = false;
		char want_file[32];
		snprintf(want_file, sizeof want_file, "obj%04u.c", fn->obj);
		for (uint64_t off = 0; off < size && !bad;) {
			uint64_t a = entry[fi] + off;
			enum fc_insn_type ty;
			uint64_t dest;
			unsigned len = t->decode(code + off, size - off, a, &ty, &dest);
			if (!len)
				len = t->insn_align;
			while (ai + 1 < na && anchor[ai + 1] <= a)
				ai++;
			const struct fc_line_span *sp = fc_lines_at(l, a);
			ninsn++;
			/* The file too: the one source of the function's object. */
			const char *file = sp ? l->files[sp->file] : "";
			const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
			const char *fmt = fc_syms_fmt(&s->im.syms, a, w, sizeof w);
			if (sp && sp->line == (int)aline[ai] && strcmp(base, want_file)) {
				bad = true;
				fc_find(&r->f, FC_SEV_FAIL, fn->name, off, a,
					"%s: %s: at %s (0x%" PRIx64 "): file %s, expected %s", s->path,
					fn->name, fmt, a, file, want_file);
			} else if (sp && sp->line == (int)aline[ai]) {
				nok++;
			} else {
				bad = true;
				if (sp)
					fc_find(&r->f, FC_SEV_FAIL, fn->name, off, a,
						"%s: %s: at %s (0x%" PRIx64 "): line %d, expected %u",
						s->path, fn->name, fmt, a, sp->line, aline[ai]);
				else
					fc_find(&r->f, FC_SEV_FAIL, fn->name, off, a,
						"%s: %s: at %s (0x%" PRIx64 "): no line row, expected "
						"line %u%s", s->path, fn->name, fmt, a, aline[ai],
						off == 0 ? " (the function has none at its entry)" : "");
			}
			off += len;
		}
		if (bad && r->failed == failed_before)
			r->failed++;
	}
	free(anchor);
	free(aline);
	r->summary = fc_xasprintf("%" PRIu64 " functions, %.2f%% of %" PRIu64 " instructions on "
				  "their expected line, %" PRIu64 " functions failed", r->checked,
				  ninsn ? 100.0 * (double)nok / (double)ninsn : 0.0, ninsn, r->failed);
	r->figures = json_pack("{s:I, s:f}", "instructions", (json_int_t)ninsn, "covered_pct",
			       ninsn ? 100.0 * (double)nok / (double)ninsn : 0.0);
}

static void go_lines(struct fc_subject *s, struct fc_check_result *r)
{
	struct fc_go_scan *g = s->go;
	r->checked = s->m.nfuncs;
	r->failed += g->lines_failed;
	fc_findings_take(&r->f, &g->line_f);
	r->summary = fc_xasprintf("%" PRIu64 " of %" PRIu64 " instructions on a line of their "
				  "function, %" PRIu64 " functions fail", g->line_ok, g->line_insns,
				  g->lines_failed);
	r->figures = json_pack("{s:I, s:f}", "instructions", (json_int_t)g->line_insns,
			       "covered_pct", g->line_insns ? 100.0 * (double)g->line_ok /
								     (double)g->line_insns : 0.0);
}

/* A binary: coverage of every function that has a subprogram. */
static void binary_lines(struct fc_subject *s, const struct fc_lines *l,
			 struct fc_check_result *r)
{
	const struct fc_manifest *m = &s->m;
	const struct target *t = s->t;
	uint64_t ninsns = 0, covered = 0, line0 = 0, gaps = 0;
	char where[160];
	for (uint32_t i = 0; i < m->nfuncs; i++) {
		const struct fc_func *fn = &m->funcs[i];
		if (!fc_lines_sub(l, fn->addr))
			continue;
		uint64_t csize = fn->code ? fn->code : fn->size;
		const uint8_t *code = fc_image_ptr(&s->im, fn->addr, csize);
		if (!code)
			continue;
		r->checked++;
		uint64_t fin = 0, fcov = 0, first_gap = UINT64_MAX;
		struct fc_insn_walk w = {t, code, fn->addr, csize, 0};
		struct fc_insn in;
		size_t hint = 0;
		while (fc_insn_next(&w, &in)) {
			uint64_t a = in.addr;
			fin++;
			/* A row with line 0 is the compiler saying "no source line
			 * here": a row all the same (counted apart). */
			const struct fc_line_span *sp = fc_lines_at_hint(l, a, &hint);
			if (sp) {
				fcov++;
				line0 += sp->line == 0;
			} else if (first_gap == UINT64_MAX) {
				first_gap = a;
			}
		}
		ninsns += fin;
		covered += fcov;
		if (fcov < fin) {
			r->failed++;
			gaps++;
			fc_find(&r->f, FC_SEV_FAIL, fn->name, first_gap - fn->addr, first_gap,
				"%s: %s: %" PRIu64 " of %" PRIu64 " instructions have no line row; "
				"the first at %s (0x%" PRIx64 ")", s->path, fn->name, fin - fcov, fin,
				fc_syms_fmt(&s->im.syms, first_gap, where, sizeof where), first_gap);
		}
	}
	double pct = ninsns ? 100.0 * (double)covered / (double)ninsns : 100.0;
	r->summary = fc_xasprintf("%" PRIu64 " functions with debug info, %.2f%% of their %" PRIu64
				  " instructions covered (%" PRIu64 " by line-0 rows), %" PRIu64
				  " with gaps", r->checked, pct, ninsns, line0, gaps);
	r->figures = json_pack("{s:I, s:f, s:I}", "instructions", (json_int_t)ninsns,
			       "covered_pct", pct, "line0", (json_int_t)line0);
}

/* A line sequence that runs past its function into another is its owner's
 * finding (clang 14 on RISC-V writes each sequence's end before relaxation
 * shrinks the code); the loader has kept the other's rows its own. */
static void overruns(struct fc_subject *s, const struct fc_lines *l, struct fc_check_result *r)
{
	for (size_t k = 0; k < l->noverruns; k++) {
		const struct fc_line_overrun *o = &l->overruns[k];
		char buf[512];
		r->failed++;
		fc_find(&r->f, FC_SEV_FAIL, o->owner, o->seq_end - o->owner_lo, o->seq_end, "%s: %s",
			s->path, fc_line_overrun_fmt(o, buf, sizeof buf));
	}
}

static int run(struct fc_subject *s, struct fc_check_result *r)
{
	if (s->kind == FC_KIND_CASE && !s->m.dwarf) {
		r->state = FC_CK_NA;
		r->why = fc_xstrdup("the case has no DWARF (gen --dwarf none)");
		return 0;
	}
	const struct fc_lines *l = fc_subject_lines(s);
	if (!l->have) {
		if (s->kind == FC_KIND_BINARY) {
			/* Nothing checked is not a pass. */
			r->state = FC_CK_NOT_RUN;
			r->why = fc_xstrdup("no debug info (stripped, or built without -g)");
			return 0;
		}
		r->failed++;
		if (s->kind == FC_KIND_GO)
			fc_find(&r->f, FC_SEV_FAIL, NULL, 0, FC_NOWHERE,
				"%s: no DWARF line table (built with -ldflags=-w?)", s->path);
		else
			fc_find(&r->f, FC_SEV_FAIL, NULL, 0, FC_NOWHERE,
				"%s: no debug info, though the case has DWARF %d", s->path, s->m.dwarf);
		r->summary = fc_xstrdup("no line table");
		return 0;
	}
	problems(s, l, r);
	overruns(s, l, r);
	if (s->kind == FC_KIND_CASE)
		case_lines(s, l, r);
	else if (s->kind == FC_KIND_GO)
		go_lines(s, r);
	else
		binary_lines(s, l, r);
	return 0;
}

static const char *const columns[] = {"covered_pct", NULL};

const struct fc_check fc_check_lines = {
	.name = "lines",
	.what = "every instruction of every function keeps its line row after the link",
	.kinds = FC_KIND_ALL,
	.code = true,
	.run = run,
	.columns = columns,
};
