/* farcall verify: every instruction of every generated function must carry
 * the line the generator gave it, and the CFI must give the real CFA and
 * return address at every instruction (by execution, verify/cfi.c). The
 * expected lines follow the generator's rule (docs/manifest.md): the
 * prologue, each site and the epilogue, in address order, take consecutive
 * lines from the function's first. Sites and the epilogue are found in the
 * output as emu finds sites (symbols where relaxation moves code). */
#define _GNU_SOURCE
#include "verify.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "../emu/emu.h"
#include "calltable.h"
#include "keptrelocs.h"
#include "cfi.h"
#include "layout.h"
#include "lines.h"

static void note_bad(struct fc_verify_result *r, uint64_t a)
{
	if (r->nbad < sizeof r->bad / sizeof r->bad[0])
		r->bad[r->nbad++] = a;
}

#define msg(r, ...) fc_strv_addf(&(r)->msgs, &(r)->nmsgs, __VA_ARGS__)

/* Where function fi's epilogue starts in the output. */
static uint64_t epilogue_addr(const struct fc_image *im, const struct fc_manifest *m,
			      const uint64_t *entry, uint32_t fi)
{
	if (m->t->site_symbols) {
		char en[32];
		snprintf(en, sizeof en, ".fc.e%u", fi);
		const struct fc_sym *y = fc_syms_by_name(&im->syms, en);
		return y ? y->addr : UINT64_MAX;
	}
	return entry[fi] + m->funcs[fi].epi;
}

/* The next symbol a person would name after addr (the next function, or
 * the padding after this one). */
static uint64_t next_symbol(const struct fc_image *im, uint64_t addr)
{
	const struct fc_syms *s = &im->syms;
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < s->n; lo++)
		if (!s->v[lo].quiet && s->v[lo].type != STT_SECTION)
			return s->v[lo].addr;
	return UINT64_MAX;
}

/* The output's size of function fi's code (relaxation may shrink it); a
 * symbol size that runs into the next symbol is a finding (a size the linker
 * did not shrink with the code). */
static uint64_t code_size_checked(const struct fc_image *im, const struct fc_manifest *m,
				  const uint64_t *entry, uint32_t fi, struct fc_verify_result *r);

static uint64_t code_size(const struct fc_image *im, const struct fc_manifest *m,
			  const uint64_t *entry, uint32_t fi)
{
	return code_size_checked(im, m, entry, fi, NULL);
}

static uint64_t code_size_checked(const struct fc_image *im, const struct fc_manifest *m,
				  const uint64_t *entry, uint32_t fi, struct fc_verify_result *r)
{
	const struct fc_sym *y = fc_syms_by_name(&im->syms, m->funcs[fi].name);
	uint64_t size = y && y->size ? y->size : m->funcs[fi].size;
	uint64_t next = next_symbol(im, entry[fi]);
	if (entry[fi] + size > next) {
		char w[160];
		if (r) {
			r->lines_failed++;
			msg(r, "%s: %s: its symbol's size 0x%" PRIx64 " runs into %s (0x%" PRIx64
			    "): the linker did not shrink it with the code", im->path, m->funcs[fi].name,
			    size, fc_syms_fmt(&im->syms, next, w, sizeof w), next);
		}
		size = next - entry[fi];
	}
	uint64_t end = fc_syms_code_end(&im->syms, entry[fi], entry[fi] + size);
	if (!m->t->site_symbols && m->funcs[fi].code && m->funcs[fi].code < end - entry[fi])
		end = entry[fi] + m->funcs[fi].code;
	return end - entry[fi];
}

static void check_lines(struct fc_image *im, const struct fc_manifest *m, const uint64_t *entry,
			const struct fc_lines *l, struct fc_verify_result *r)
{
	const struct target *t = m->t;
	uint64_t *anchor = NULL;
	uint32_t *aline = NULL;
	size_t cap = 0;
	char w[160];
	for (uint32_t fi = 0; fi < m->nfuncs; fi++) {
		const struct fc_func *fn = &m->funcs[fi];
		if (entry[fi] == UINT64_MAX)
			continue;
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
		uint64_t epi = epilogue_addr(im, m, entry, fi);
		bool epi_done = epi == UINT64_MAX;
		for (uint32_t k = 0; k < fn->nsites || !epi_done;) {
			uint64_t a;
			if (!epi_done && (k == fn->nsites ||
					  epi <= fc_emu_site_addr(im, m, entry, fn->first_site + k))) {
				a = epi;
				epi_done = true;
			} else {
				a = fc_emu_site_addr(im, m, entry, fn->first_site + k);
				k++;
			}
			if (anchor[na - 1] == a)
				na--;
			anchor[na] = a;
			aline[na++] = line++;
		}
		uint64_t size = code_size_checked(im, m, entry, fi, r);
		const uint8_t *code = fc_image_ptr(im, entry[fi], size);
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
			r->line_insns++;
			/* The file too: the one source of the function's object. */
			const char *file = sp ? l->files[sp->file] : "";
			const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
			if (sp && sp->line == (int)aline[ai] && strcmp(base, want_file)) {
				r->lines_failed++;
				bad = true;
				msg(r, "%s: %s: at %s (0x%" PRIx64 "): file %s, expected %s", im->path,
				    fn->name, fc_syms_fmt(&im->syms, a, w, sizeof w), a, file, want_file);
			} else if (sp && sp->line == (int)aline[ai]) {
				r->line_ok++;
			} else {
				r->lines_failed++;
				bad = true;
				note_bad(r, a);
				if (sp)
					msg(r, "%s: %s: at %s (0x%" PRIx64 "): line %d, expected %u", im->path,
					    fn->name, fc_syms_fmt(&im->syms, a, w, sizeof w), a, sp->line,
					    aline[ai]);
				else
					msg(r, "%s: %s: at %s (0x%" PRIx64 "): no line row, expected line %u%s",
					    im->path, fn->name, fc_syms_fmt(&im->syms, a, w, sizeof w), a,
					    aline[ai],
					    off == 0 ? " (the function has none at its entry)" : "");
			}
			off += len;
		}
	}
	free(anchor);
	free(aline);
}

/* The frame the generator built, as CFA - SP after the prologue. */
static int32_t expected_frame(const struct target *t, const struct fc_func *fn)
{
	struct fc_code c = {0};
	struct fc_cfa_step st[FC_MAX_CFA_STEPS];
	unsigned n = 0;
	struct fc_frame fr = {fn->frame, fn->frame_size};
	t->frame_enter(&c, &fr, st, &n);
	fc_code_free(&c);
	return n ? st[n - 1].cfa : t->cfa_entry;
}

int fc_verify(struct fc_image *im, const struct fc_manifest *m, unsigned jobs,
	      struct fc_verify_result *r)
{
	memset(r, 0, sizeof *r);
	double t0 = fc_now();
	uint64_t *entry = fc_emu_entries(im, m);
	r->functions = m->nfuncs;
	/* Segments and sections, whatever the case has. */
	r->layout_failed = fc_layout_check(im, &r->msgs, &r->nmsgs);
	/* Relocations the linker kept (--emit-relocs), against the code. */
	struct fc_kept_result kr;
	if (fc_kept_relocs_check(im, &kr) < 0) {
		free(entry);
		return -1;
	}
	if (kr.have) {
		r->have_kept = true;
		r->kept_relocs = kr.relocs;
		r->kept_checked = kr.checked;
		r->kept_failed = kr.failed;
		r->kept_via_stub = kr.via_stub;
		r->kept_skipped = kr.skipped;
		r->msgs = fc_xrealloc(r->msgs, (r->nmsgs + kr.nmsgs + 1) * sizeof *r->msgs);
		memcpy(r->msgs + r->nmsgs, kr.msgs, kr.nmsgs * sizeof *kr.msgs);
		r->nmsgs += kr.nmsgs;
		kr.nmsgs = 0; /* moved */
		for (size_t i = 0; i < kr.nbad; i++)
			note_bad(r, kr.bad[i]);
	}
	fc_kept_result_free(&kr);
	if (m->record_calls) {
		struct fc_calltable_result ct;
		if (fc_calltable_check(im, m, jobs, &ct, &r->msgs, &r->nmsgs, r->bad, &r->nbad,
				       sizeof r->bad / sizeof r->bad[0]) < 0) {
			free(entry);
			return -1;
		}
		r->have_table = true;
		r->table_entries = ct.entries > ct.expected ? ct.entries : ct.expected;
		r->table_failed = ct.failed;
	}
	if (m->dwarf) {
		struct fc_lines l;
		fc_lines_load(im->elf, im->path, &l);
		r->have_lines = l.have;
		/* A unit libdw cannot read says the most: first. */
		if (l.problems) {
			size_t n = strlen(l.problems);
			if (n && l.problems[n - 1] == '\n')
				l.problems[n - 1] = 0;
			msg(r, "%s", l.problems);
			r->lines_failed++;
		}
		if (!l.have)
			msg(r, "%s: no debug info, though the case has DWARF %d", im->path, m->dwarf);
		else
			check_lines(im, m, entry, &l, r);
		fc_lines_free(&l);
	}
	if (m->cfi) {
		struct fc_cfi_func *f = fc_xcalloc(m->nfuncs + 1, sizeof *f);
		size_t n = 0;
		uint32_t *back = fc_xcalloc(m->nfuncs + 1, sizeof *back);
		for (uint32_t fi = 0; fi < m->nfuncs; fi++) {
			if (entry[fi] == UINT64_MAX)
				continue;
			back[n] = fi;
			f[n++] = (struct fc_cfi_func){entry[fi], code_size(im, m, entry, fi),
						      m->funcs[fi].name};
		}
		struct fc_cfi_result cr;
		struct fc_cfi_extra cx;
		struct fc_cfi_opts co = {.strict = true, .jobs = jobs};
		if (fc_cfi_check_opts(im->path, m->t, f, n, &co, &cr, &cx) < 0) {
			free(f);
			free(back);
			free(entry);
			return -1;
		}
		r->have_cfi = cr.have_cfi;
		if (!cr.have_cfi)
			msg(r, "%s: no CFI, though the case has %s", im->path,
			    m->cfi == 1 ? ".eh_frame" : ".debug_frame");
		r->cfi_functions = cr.functions;
		r->cfi_failed = cr.failed;
		r->cfi_insns = cr.instructions;
		for (size_t i = 0; i < cr.nfails; i++) {
			msg(r, "%s: %s", im->path, cr.fails[i].msg);
			note_bad(r, cr.fails[i].at);
		}
		/* The frame the generator built, by execution. */
		for (size_t i = 0; cr.have_cfi && cr.frame_real && i < n; i++) {
			const struct fc_func *fn = &m->funcs[back[i]];
			int32_t want = expected_frame(m->t, fn);
			if (cr.frame_real[i] == INT64_MIN) {
				/* The generator wrote an FDE for every function. */
				r->frames_failed++;
				msg(r, "%s: %s: no FDE covers it, though the case has one for it",
				    im->path, fn->name);
			} else if (cr.frame_real[i] != want) {
				r->frames_failed++;
				msg(r, "%s: %s: the frame is %" PRId64 " bytes (CFA - SP), the generator "
				    "built %d", im->path, fn->name, cr.frame_real[i], want);
			}
		}
		fc_cfi_result_free(&cr);
		fc_cfi_extra_free(&cx);
		free(f);
		free(back);
	}
	free(entry);
	r->seconds = fc_now() - t0;
	return 0;
}

void fc_verify_result_free(struct fc_verify_result *r)
{
	for (size_t i = 0; i < r->nmsgs; i++)
		free(r->msgs[i]);
	free(r->msgs);
	memset(r, 0, sizeof *r);
}

json_t *fc_verify_json(const struct fc_verify_result *r, size_t max_msgs)
{
	json_t *msgs = json_array();
	for (size_t i = 0; i < r->nmsgs && i < max_msgs; i++) {
		json_t *js = json_string(r->msgs[i]);
		json_array_append_new(msgs, js ? js : json_string("?"));
	}
	json_t *j = json_pack("{s:{s:b, s:I, s:f, s:I}, s:{s:b, s:I, s:I, s:I}, s:{s:I}, s:f, s:o}",
			 "lines", "debug_info", r->have_lines, "functions", (json_int_t)r->functions,
			 "covered_pct",
			 r->line_insns ? 100.0 * (double)r->line_ok / (double)r->line_insns : 0.0,
			 "failed", (json_int_t)r->lines_failed,
			 "cfi", "cfi", r->have_cfi, "functions", (json_int_t)r->cfi_functions,
			 "failed", (json_int_t)(r->cfi_failed + r->frames_failed),
			 "instructions", (json_int_t)r->cfi_insns,
			 "layout", "failed", (json_int_t)r->layout_failed,
			 "seconds", r->seconds, "messages", msgs);
	if (r->have_kept)
		json_object_set_new(j, "kept_relocs",
				    json_pack("{s:I, s:I, s:I, s:I, s:I}", "kept",
					      (json_int_t)r->kept_relocs, "checked",
					      (json_int_t)r->kept_checked, "failed",
					      (json_int_t)r->kept_failed, "via_stub",
					      (json_int_t)r->kept_via_stub, "skipped",
					      (json_int_t)r->kept_skipped));
	if (r->have_table)
		json_object_set_new(j, "callsites",
				    json_pack("{s:I, s:I}", "entries", (json_int_t)r->table_entries,
					      "failed", (json_int_t)r->table_failed));
	return j;
}
