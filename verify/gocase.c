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

#include "../core/jsonfile.h"
#include "../core/util.h"
#include "callscan.h"
#include "cfi.h"
#include "lines.h"

void fc_emu_report(FILE *f, struct fc_image *im, const struct fc_manifest *m,
		   const struct fc_calls_result *r, size_t max_report);

#define NONE UINT32_MAX
#define msg(r, ...) fc_strv_addf(&(r)->v.msgs, &(r)->v.nmsgs, __VA_ARGS__)

static void note_bad(struct fc_go_check *r, uint64_t a)
{
	if (r->v.nbad < sizeof r->v.bad / sizeof r->v.bad[0])
		r->v.bad[r->v.nbad++] = a;
}

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
		      uint32_t k, bool *matched, size_t *scap, struct fc_go_check *r)
{
	const struct target *t = im->t;
	const struct fc_go_func *g = &gm->funcs[gi];
	struct fc_manifest *m = &r->m;
	struct fc_func *f = &m->funcs[k];
	f->first_site = (uint32_t)m->nsites;
	const uint8_t *code = fc_image_ptr(im, f->addr, f->size);
	char where[200];
	if (!code) {
		msg(r, "%s: %s: its code (0x%" PRIx64 ", %u bytes) is not in the file", im->path,
		    g->name, f->addr, f->size);
		r->v.lines_failed++;
		return;
	}
	uint64_t csize = fc_syms_code_end(&im->syms, f->addr, f->addr + f->size) - f->addr;
	uint64_t ninsn = 0, nok = 0, first_gap = 0, first_wrong = 0;
	int wrong_line = 0;
	const char *wrong_file = NULL;
	for (uint64_t off = 0; off < csize;) {
		uint64_t a = f->addr + off;
		enum fc_insn_type ty;
		uint64_t dest;
		unsigned len = t->decode(code + off, csize - off, a, &ty, &dest);
		if (!len) {
			off += t->insn_align;
			continue;
		}
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
		if (fc_find_call(im, code + off, csize - off, a, ty == FC_INSN_CALL, dest, &fcl)) {
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
					.caller = k, .off = (uint32_t)off, .form = (uint8_t)fcl.form,
					.target = idx[gm->calls[e].callee]};
				f->nsites++;
			} else if (e == NONE && to != NONE && sp) {
				/* A call between generated functions that the source
				 * does not make at this line. (A call without a line
				 * row is a gap, and its edge is reported missing.) */
				r->edges_unexpected++;
				note_bad(r, a);
				msg(r, "%s: %s (0x%" PRIx64 "): a call to %s on %s:%u, where %s calls "
				    "no such function", im->path,
				    fc_syms_fmt(&im->syms, a, where, sizeof where), a,
				    short_name(gm->funcs[to].name), g->file, line,
				    short_name(g->name));
			}
		}
		off += len;
	}
	if (first_gap || first_wrong) {
		r->v.lines_failed++;
		if (first_gap) {
			note_bad(r, first_gap);
			msg(r, "%s: %s (0x%" PRIx64 "): no line row; %" PRIu64 " of %" PRIu64
			    " instructions of %s have none", im->path,
			    fc_syms_fmt(&im->syms, first_gap, where, sizeof where), first_gap,
			    ninsn - nok, ninsn, short_name(g->name));
		}
		if (first_wrong) {
			note_bad(r, first_wrong);
			msg(r, "%s: %s (0x%" PRIx64 "): on %s:%d, outside %s (%s:%u-%u)", im->path,
			    fc_syms_fmt(&im->syms, first_wrong, where, sizeof where), first_wrong,
			    wrong_file, wrong_line, short_name(g->name), g->file, g->line, g->end);
		}
	}
	r->v.line_insns += ninsn;
	r->v.line_ok += nok;
}

/* A leaf has no frame at all; a function that calls saves its return
 * address and holds its locals. */
static void check_frames(struct fc_image *im, const struct fc_go_manifest *gm,
			 const uint32_t *gis, size_t n, const struct fc_cfi_result *cr,
			 struct fc_go_check *r)
{
	const struct target *t = im->t;
	for (size_t k = 0; k < n; k++) {
		const struct fc_go_func *g = &gm->funcs[gis[k]];
		int64_t real = cr->frame_real[k];
		if (real == INT64_MIN)
			continue; /* no FDE: a CFI finding already */
		int64_t want = t->cfa_entry + g->locals + (t->reg_ra >= 0 ? 8 : 0);
		if (g->leaf && real != t->cfa_entry) {
			r->v.frames_failed++;
			note_bad(r, r->m.funcs[k].addr);
			msg(r, "%s: %s (0x%" PRIx64 "): a leaf (%s:%u calls nothing) with a frame: "
			    "CFA = SP+%" PRId64 " at its deepest, SP+%d at its entry", im->path,
			    short_name(g->name), r->m.funcs[k].addr, g->file, g->line, real,
			    t->cfa_entry);
		} else if (!g->leaf && real < want) {
			r->v.frames_failed++;
			note_bad(r, r->m.funcs[k].addr);
			msg(r, "%s: %s (0x%" PRIx64 "): a frame of %" PRId64 " bytes (CFA - SP at "
			    "its deepest); its return address and %u bytes of locals need %" PRId64,
			    im->path, short_name(g->name), r->m.funcs[k].addr, real, g->locals, want);
		}
	}
}

int fc_go_check(struct fc_image *im, const struct fc_go_manifest *gm, unsigned jobs,
		struct fc_go_check *r)
{
	memset(r, 0, sizeof *r);
	const struct target *t = im->t;
	if (t != gm->t)
		return fc_err("%s: a %s binary; the case is %s", im->path, t->name, gm->t->name);
	double t0 = fc_now();
	struct fc_lines lines;
	fc_lines_load(im->elf, im->path, &lines);
	r->v.have_lines = lines.have;
	if (!lines.have)
		msg(r, "%s: no DWARF line table (built with -ldflags=-w?)", im->path);
	if (lines.problems)
		for (char *s = lines.problems, *nl; *s; s = nl + 1) {
			nl = strchrnul(s, '\n');
			msg(r, "%.*s", (int)(nl - s), s);
			r->v.lines_failed++;
			if (!*nl)
				break;
		}
	struct fc_manifest *m = &r->m;
	m->t = t;
	m->from_binary = true;
	m->extra_scratch = t->go_scratch;
	m->nextra_scratch = t->ngo_scratch;
	m->funcs = fc_xcalloc(gm->nfuncs + 1, sizeof *m->funcs);
	uint32_t *idx = fc_xcalloc(gm->nfuncs + 1, sizeof *idx);
	uint32_t *gis = fc_xcalloc(gm->nfuncs + 1, sizeof *gis);
	uint64_t *offs = fc_xcalloc(gm->nfuncs + 1, sizeof *offs);
	struct byaddr *ba = fc_xcalloc(gm->nfuncs + 1, sizeof *ba);
	for (size_t i = 0; i < gm->nfuncs; i++) {
		const struct fc_sym *y = fc_syms_by_name(&im->syms, gm->funcs[i].name);
		if (!y || !y->size || !fc_image_executable(im, y->addr)) {
			idx[i] = NONE;
			r->funcs_missing++;
			msg(r, "%s: %s: not a function of the binary (%s:%u): dropped or renamed",
			    im->path, gm->funcs[i].name, gm->funcs[i].file, gm->funcs[i].line);
			continue;
		}
		uint32_t k = m->nfuncs++;
		idx[i] = k;
		gis[k] = (uint32_t)i;
		offs[k] = fc_manifest_add_name(m, gm->funcs[i].name);
		m->funcs[k] = (struct fc_func){.addr = y->addr, .size = (uint32_t)y->size};
		ba[k] = (struct byaddr){y->addr, (uint32_t)i};
	}
	size_t nba = m->nfuncs;
	qsort(ba, nba, sizeof *ba, fc_cmp_key64);
	size_t scap = gm->ncalls + 16;
	m->sites = fc_xcalloc(scap, sizeof *m->sites);
	bool *matched = fc_xcalloc(gm->ncalls + 1, sizeof *matched);
	for (uint32_t k = 0; k < m->nfuncs; k++)
		scan_func(im, gm, &lines, ba, nba, idx, gis[k], k, matched, &scap, r);
	fc_manifest_fix_names(m, offs, NULL);
	r->v.functions = m->nfuncs;
	r->edges = gm->ncalls;
	for (size_t e = 0; e < gm->ncalls; e++) {
		const struct fc_go_call *c = &gm->calls[e];
		if (matched[e] || idx[c->caller] == NONE || idx[c->callee] == NONE)
			continue;
		r->edges_missing++;
		const struct fc_go_func *g = &gm->funcs[c->caller];
		msg(r, "%s: %s: no call to %s on %s:%u (the line table puts no call of %s there)",
		    im->path, short_name(g->name), short_name(gm->funcs[c->callee].name), g->file,
		    c->line, short_name(g->name));
	}
	int rc = 0;
	if (fc_emu_calls_jobs(im, m, jobs, &r->calls) < 0)
		rc = -1;

	/* CFI by execution, at every instruction: Go's tables come from the
	 * compiler's exact SP tracking. */
	struct fc_cfi_func *cf = fc_xcalloc(m->nfuncs + 1, sizeof *cf);
	for (uint32_t k = 0; k < m->nfuncs; k++)
		cf[k] = (struct fc_cfi_func){m->funcs[k].addr, m->funcs[k].size, m->funcs[k].name};
	struct fc_cfi_opts co = {.strict = true, .jobs = jobs, .go = true};
	struct fc_cfi_result cr;
	struct fc_cfi_extra cx;
	if (rc == 0 && fc_cfi_check_opts(im->path, t, cf, m->nfuncs, &co, &cr, &cx) == 0) {
		r->v.have_cfi = cr.have_cfi;
		if (!cr.have_cfi)
			msg(r, "%s: no CFI (.debug_frame or .eh_frame)", im->path);
		r->v.cfi_functions = cr.functions;
		r->v.cfi_failed = cr.failed;
		r->v.cfi_insns = cr.instructions;
		for (size_t i = 0; i < cr.nfails; i++) {
			note_bad(r, cr.fails[i].at);
			msg(r, "%s: %s", im->path, cr.fails[i].msg);
		}
		if (cr.have_cfi)
			check_frames(im, gm, gis, m->nfuncs, &cr, r);
		fc_cfi_result_free(&cr);
		fc_cfi_extra_free(&cx);
	} else {
		rc = -1;
	}
	r->v.seconds = fc_now() - t0;
	free(cf);
	free(matched);
	free(ba);
	free(offs);
	free(gis);
	free(idx);
	fc_lines_free(&lines);
	return rc;
}

void fc_go_check_free(struct fc_go_check *r)
{
	fc_calls_result_free(&r->calls);
	fc_verify_result_free(&r->v);
	fc_manifest_free(&r->m);
}

void fc_go_check_print(FILE *f, struct fc_image *im, struct fc_go_check *r, size_t max_report)
{
	fc_emu_report(f, im, &r->m, &r->calls, max_report);
	for (size_t i = 0; i < r->v.nmsgs && i < max_report; i++)
		fprintf(f, "%s\n", r->v.msgs[i]);
	if (r->v.nmsgs > max_report)
		fprintf(f, "%s: ... and %zu more findings\n", im->path, r->v.nmsgs - max_report);
	fprintf(f, "%s: %s Go case: %" PRIu64 " functions (%" PRIu64 " missing)\n", im->path,
		im->t->name, (uint64_t)r->m.nfuncs, r->funcs_missing);
	fprintf(f, "%s: calls: %" PRIu64 " edges, %" PRIu64 " executed, %" PRIu64 " failed; %" PRIu64
		" direct, %" PRIu64 " through %" PRIu64 " trampolines; %" PRIu64
		" not at their line, %" PRIu64 " unexpected\n", im->path, r->edges, r->calls.checked,
		r->calls.failed, r->calls.direct, r->calls.via_thunk, r->calls.thunks,
		r->edges_missing, r->edges_unexpected);
	fprintf(f, "%s: lines: %" PRIu64 " of %" PRIu64 " instructions on a line of their function, "
		"%" PRIu64 " functions fail\n", im->path, r->v.line_ok, r->v.line_insns,
		r->v.lines_failed);
	fprintf(f, "%s: cfi: %" PRIu64 " functions, %" PRIu64 " failed, %" PRIu64
		" instructions compared; frames: %" PRIu64 " wrong\n", im->path, r->v.cfi_functions,
		r->v.cfi_failed, r->v.cfi_insns, r->v.frames_failed);
}

json_t *fc_emu_json(const struct fc_image *im, const struct fc_manifest *m,
		    const struct fc_calls_result *r, size_t max_fails);

json_t *fc_go_check_json(struct fc_image *im, const struct fc_go_check *r, size_t max)
{
	json_t *j = fc_verify_json(&r->v, max);
	json_object_set_new(j, "calls", fc_emu_json(im, &r->m, &r->calls, max));
	json_object_set_new(j, "edges", json_pack("{s:I, s:I, s:I, s:I}", "expected",
						  (json_int_t)r->edges, "not_at_their_line",
						  (json_int_t)r->edges_missing, "unexpected",
						  (json_int_t)r->edges_unexpected, "functions_missing",
						  (json_int_t)r->funcs_missing));
	return j;
}

int fc_go_cmd(const char *casedir, const char *out, unsigned jobs, size_t max_report,
	      const char *json)
{
	struct fc_go_manifest gm;
	if (fc_go_manifest_load(casedir, &gm) < 0)
		return FC_EXIT_USAGE;
	struct fc_image im;
	int st = FC_EXIT_USAGE;
	if (fc_image_open(&im, out, gm.t) == 0) {
		struct fc_go_check r;
		if (fc_go_check(&im, &gm, jobs, &r) == 0) {
			fc_go_check_print(stdout, &im, &r, max_report);
			for (size_t i = 0; i < r.v.nbad && i < 2; i++)
				fc_verify_excerpt(stdout, &im, r.v.bad[i]);
			st = fc_go_check_failed(&r) ? FC_EXIT_FAIL : FC_EXIT_OK;
			if (json) {
				json_t *j = fc_go_check_json(&im, &r, 1000);
				if (fc_write_json(json, j, JSON_INDENT(2)) < 0)
					st = FC_EXIT_USAGE;
				json_decref(j);
			}
		}
		fc_go_check_free(&r);
	}
	fc_image_close(&im);
	fc_go_manifest_free(&gm);
	return st;
}
