/* A Go case, checked. The compiler chose the call instructions, so calls
 * are found by disassembly (verify/callscan.c) and matched to the edges of
 * the manifest by the line the line table gives them: a call the manifest
 * expects at line L of F must be an instruction of F that the line table
 * puts on L, and it must reach the callee. A trampoline that loses its
 * caller's line rows (golang/go#54320) fails both ways. */
#define _GNU_SOURCE
#include "gocase.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "callscan.h"

#define NONE UINT32_MAX

struct byaddr {
	uint64_t addr; /* first: the sort key */
	uint32_t gi;
};

/* The generated function at entry a (NONE: none). */
static uint32_t fn_at(const struct byaddr *v, size_t n, uint64_t a)
{
	size_t i = fc_lower_key64(v, n, sizeof *v, a);
	return i < n && v[i].addr == a ? v[i].gi : NONE;
}

/* The line table names files as the compiler saw them: with -trimpath,
 * "farcall.test/m/p03/f01.go". */
static bool same_file(const char *dwarf, const char *rel)
{
	size_t a = strlen(dwarf), b = strlen(rel);
	return a >= b && !strcmp(dwarf + a - b, rel) && (a == b || dwarf[a - b - 1] == '/');
}

static const char *short_name(const char *n)
{
	const char *s = strrchr(n, '/');
	return s ? s + 1 : n;
}

/* Lines and calls of generated function gi (index k among those found). */
static void scan_func(struct fc_image *im, const struct fc_go_manifest *gm, const struct fc_lines *l,
		      const struct byaddr *ba, size_t nba, const uint32_t *idx, uint32_t gi,
		      uint32_t k, bool *matched, size_t *scap, struct fc_manifest *m,
		      struct fc_go_scan *r)
{
	const struct target *t = im->t;
	const struct fc_go_func *g = &gm->funcs[gi];
	struct fc_func *f = &m->funcs[k];
	f->first_site = (uint32_t)m->nsites;
	const uint8_t *code = fc_image_ptr(im, f->addr, f->size);
	char where[200];
	if (!code) {
		fc_find(&r->line_f, FC_SEV_FAIL, g->name, 0, f->addr,
			"%s: %s: its code (0x%" PRIx64 ", %u bytes) is not in the file", im->path,
			g->name, f->addr, f->size);
		r->lines_failed++;
		return;
	}
	uint64_t csize = fc_syms_code_end(&im->syms, f->addr, f->addr + f->size) - f->addr;
	uint64_t ninsn = 0, nok = 0, first_gap = 0, first_wrong = 0;
	int wrong_line = 0;
	const char *wrong_file = NULL;
	struct fc_insn_walk w = {t, code, f->addr, csize, 0};
	struct fc_insn in;
	while (fc_insn_next(&w, &in)) {
		uint64_t a = in.addr;
		ninsn++;
		const struct fc_line_span *sp = fc_lines_at(l, a);
		if (!sp) {
			if (!first_gap)
				first_gap = a;
		} else if ((uint32_t)sp->line < g->line || (uint32_t)sp->line > g->end ||
			   !same_file(l->files[sp->file], g->file)) {
			if (!first_wrong) {
				first_wrong = a;
				wrong_line = sp->line;
				wrong_file = l->files[sp->file];
			}
		} else {
			nok++;
		}
		struct fc_found_call fcl;
		if (fc_find_call(im, in.p, in.avail, a, in.type == FC_INSN_CALL, in.dest, &fcl)) {
			uint32_t line = sp ? (uint32_t)sp->line : 0;
			uint32_t to = fcl.known ? fn_at(ba, nba, fcl.named ? fcl.named : fcl.dest) : NONE;
			if (to == NONE && fcl.known && fcl.named)
				to = fn_at(ba, nba, fcl.dest);
			/* The edge of this line: to this callee if there is one, else
			 * the line's first one left (the call went wrong). */
			uint32_t e = NONE;
			for (int pass = 0; pass < 2 && e == NONE; pass++)
				for (uint32_t c = g->first_call; c < g->first_call + g->ncalls; c++)
					if (!matched[c] && gm->calls[c].line == line &&
					    (pass || gm->calls[c].callee == to)) {
						e = c;
						break;
					}
			if (e != NONE && idx[gm->calls[e].callee] != NONE) {
				matched[e] = true;
				if (m->nsites == *scap)
					m->sites = fc_xrealloc(m->sites, (*scap *= 2) * sizeof *m->sites);
				m->sites[m->nsites++] = (struct fc_site){
					.caller = k, .off = (uint32_t)in.off, .form = (uint8_t)fcl.form,
					.target = idx[gm->calls[e].callee]};
				f->nsites++;
			} else if (e == NONE && to != NONE && sp) {
				/* A call between generated functions that the source
				 * does not make at this line. (A call without a line
				 * row is a gap, and its edge is reported missing.) */
				r->edges_unexpected++;
				fc_find_at(&r->edge_f, &im->syms, FC_SEV_FAIL, a, "%s: %s (0x%" PRIx64 "): a call to %s on %s:%u, where %s calls "
				    "no such function", im->path,
				    fc_syms_fmt(&im->syms, a, where, sizeof where), a,
				    short_name(gm->funcs[to].name), g->file, line,
				    short_name(g->name));
			}
		}
	}
	if (first_gap || first_wrong) {
		r->lines_failed++;
		if (first_gap) {
			fc_find_at(&r->line_f, &im->syms, FC_SEV_FAIL, first_gap, "%s: %s (0x%" PRIx64 "): no line row; %" PRIu64 " of %" PRIu64
			    " instructions of %s have none", im->path,
			    fc_syms_fmt(&im->syms, first_gap, where, sizeof where), first_gap,
			    ninsn - nok, ninsn, short_name(g->name));
		}
		if (first_wrong) {
			fc_find_at(&r->line_f, &im->syms, FC_SEV_FAIL, first_wrong, "%s: %s (0x%" PRIx64 "): on %s:%d, outside %s (%s:%u-%u)", im->path,
			    fc_syms_fmt(&im->syms, first_wrong, where, sizeof where), first_wrong,
			    wrong_file, wrong_line, short_name(g->name), g->file, g->line, g->end);
		}
	}
	r->line_insns += ninsn;
	r->line_ok += nok;
}

/* A leaf has no frame at all; a function that calls saves its return
 * address and holds its locals. */
void fc_go_frames(const struct fc_image *im, const struct fc_go_manifest *gm,
		  const struct fc_manifest *m, const struct fc_go_scan *scan,
		  const struct fc_cfi_result *cr, struct fc_findings *f, uint64_t *failed)
{
	const struct target *t = im->t;
	const uint32_t *gis = scan->gis;
	for (size_t k = 0; k < m->nfuncs; k++) {
		const struct fc_go_func *g = &gm->funcs[gis[k]];
		int64_t real = cr->frame_real[k];
		if (real == INT64_MIN)
			continue; /* no FDE: a CFI finding already */
		int64_t want = t->cfa_entry + g->locals + (t->reg_ra >= 0 ? 8 : 0);
		if (g->leaf && real != t->cfa_entry) {
			++*failed;
			fc_find(f, FC_SEV_FAIL, g->name, 0, m->funcs[k].addr,
				"%s: %s (0x%" PRIx64 "): a leaf (%s:%u calls nothing) with a frame: "
			    "CFA = SP+%" PRId64 " at its deepest, SP+%d at its entry", im->path,
			    short_name(g->name), m->funcs[k].addr, g->file, g->line, real,
			    t->cfa_entry);
		} else if (!g->leaf && real < want) {
			++*failed;
			fc_find(f, FC_SEV_FAIL, g->name, 0, m->funcs[k].addr,
				"%s: %s (0x%" PRIx64 "): a frame of %" PRId64 " bytes (CFA - SP at "
			    "its deepest); its return address and %u bytes of locals need %" PRId64,
			    im->path, short_name(g->name), m->funcs[k].addr, real, g->locals, want);
		}
	}
}

int fc_go_scan(struct fc_image *im, const struct fc_go_manifest *gm, const struct fc_lines *lines,
	       struct fc_manifest *m, struct fc_go_scan *r)
{
	memset(r, 0, sizeof *r);
	memset(m, 0, sizeof *m);
	const struct target *t = im->t;
	if (t != gm->t)
		return fc_err("%s: a %s binary; the case is %s", im->path, t->name, gm->t->name);
	m->t = t;
	m->from_binary = true;
	m->extra_scratch = t->go_scratch;
	m->nextra_scratch = t->ngo_scratch;
	m->funcs = fc_xcalloc(gm->nfuncs + 1, sizeof *m->funcs);
	uint32_t *idx = fc_xcalloc(gm->nfuncs + 1, sizeof *idx);
	r->gis = fc_xcalloc(gm->nfuncs + 1, sizeof *r->gis);
	uint64_t *offs = fc_xcalloc(gm->nfuncs + 1, sizeof *offs);
	struct byaddr *ba = fc_xcalloc(gm->nfuncs + 1, sizeof *ba);
	for (size_t i = 0; i < gm->nfuncs; i++) {
		const struct fc_sym *y = fc_syms_by_name(&im->syms, gm->funcs[i].name);
		if (!y || !y->size || !fc_image_executable(im, y->addr)) {
			idx[i] = NONE;
			r->funcs_missing++;
			fc_find(&r->edge_f, FC_SEV_FAIL, gm->funcs[i].name, 0, FC_NOWHERE,
				"%s: %s: not a function of the binary (%s:%u): dropped or renamed",
				im->path, gm->funcs[i].name, gm->funcs[i].file, gm->funcs[i].line);
			continue;
		}
		uint32_t k = m->nfuncs++;
		idx[i] = k;
		r->gis[k] = (uint32_t)i;
		offs[k] = fc_manifest_add_name(m, gm->funcs[i].name);
		m->funcs[k] = (struct fc_func){.addr = y->addr, .size = (uint32_t)y->size};
		ba[k] = (struct byaddr){y->addr, (uint32_t)i};
	}
	size_t nba = m->nfuncs;
	fc_qsort(ba, nba, sizeof *ba, fc_cmp_key64);
	size_t scap = gm->ncalls + 16;
	m->sites = fc_xcalloc(scap, sizeof *m->sites);
	bool *matched = fc_xcalloc(gm->ncalls + 1, sizeof *matched);
	for (uint32_t k = 0; k < m->nfuncs; k++)
		scan_func(im, gm, lines, ba, nba, idx, r->gis[k], k, matched, &scap, m, r);
	fc_manifest_fix_names(m, offs, NULL);
	r->edges = gm->ncalls;
	for (size_t e = 0; e < gm->ncalls; e++) {
		const struct fc_go_call *c = &gm->calls[e];
		if (matched[e] || idx[c->caller] == NONE || idx[c->callee] == NONE)
			continue;
		r->edges_missing++;
		const struct fc_go_func *g = &gm->funcs[c->caller];
		fc_find(&r->edge_f, FC_SEV_FAIL, g->name, 0, FC_NOWHERE,
			"%s: %s: no call to %s on %s:%u (the line table puts no call of %s there)",
			im->path, short_name(g->name), short_name(gm->funcs[c->callee].name), g->file,
			c->line, short_name(g->name));
	}
	free(matched);
	free(ba);
	free(offs);
	free(idx);
	return 0;
}

void fc_go_scan_free(struct fc_go_scan *r)
{
	free(r->gis);
	fc_findings_free(&r->edge_f);
	fc_findings_free(&r->line_f);
	memset(r, 0, sizeof *r);
}
