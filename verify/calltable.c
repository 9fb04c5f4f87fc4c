/* A table of call-site addresses that objects recorded before the link
 * (-mrecord-mcount's __mcount_loc, __patchable_function_entries; here
 * __fc_callsites: address, callee, site number). The linker resolves its
 * relocations; where relaxation moved the calls (RISC-V), it must have
 * moved what they refer to as well. Each entry is held to the manifest and
 * then executed: from the recorded address, the bytes must be the call, and
 * it must reach the recorded callee. */
#define _GNU_SOURCE
#include "calltable.h"

#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "../core/util.h"
#include "../emu/emu.h"
#include "../gen/gen.h"

#define msg(...) fc_find(fo, FC_SEV_FAIL, NULL, 0, FC_NOWHERE, __VA_ARGS__)

static bool recorded(const struct fc_manifest *m, uint64_t i)
{
	const struct fc_site *s = &m->sites[i];
	return !fc_ref_is_data(s->caller) && m->t->forms[s->form].sem == FC_SEM_CALL &&
	       !s->expect_error;
}

static bool find_section(Elf *e, const char *name, GElf_Shdr *out)
{
	size_t shstr;
	if (elf_getshdrstrndx(e, &shstr) != 0)
		return false;
	for (Elf_Scn *s = elf_nextscn(e, NULL); s; s = elf_nextscn(e, s)) {
		GElf_Shdr sh;
		const char *n;
		if (gelf_getshdr(s, &sh) && (n = elf_strptr(e, shstr, sh.sh_name)) && !strcmp(n, name)) {
			*out = sh;
			return true;
		}
	}
	return false;
}

int fc_calltable_check(struct fc_image *im, const struct fc_manifest *m, unsigned jobs,
		       struct fc_calltable_result *r, struct fc_findings *fo)
{
	memset(r, 0, sizeof *r);
	for (uint64_t i = 0; i < m->nsites; i++)
		r->expected += recorded(m, i);
	GElf_Shdr sh;
	if (!find_section(im->elf, FC_CALLSITES_SECTION, &sh)) {
		if (r->expected) {
			r->failed = r->expected;
			msg("%s: no %s section: the %" PRIu64 " call sites the objects recorded are "
			    "gone", im->path, FC_CALLSITES_SECTION, r->expected);
		}
		return 0;
	}
	r->have = true;
	r->entries = sh.sh_size / FC_CALLSITE_ENTRY;
	if (r->entries != r->expected || sh.sh_size % FC_CALLSITE_ENTRY) {
		msg("%s: %s has %" PRIu64 " bytes, %" PRIu64 " entries; the objects recorded %" PRIu64,
		    im->path, FC_CALLSITES_SECTION, (uint64_t)sh.sh_size, r->entries, r->expected);
		r->failed += r->entries > r->expected ? r->entries - r->expected
						      : r->expected - r->entries;
	}
	/* As the program sees it: after the dynamic relocations of a PIE. */
	size_t len = (size_t)r->entries * FC_CALLSITE_ENTRY;
	uint8_t *tab = fc_xmalloc(len + 1);
	if (len && uc_mem_read(im->uc, sh.sh_addr, tab, len) != UC_ERR_OK) {
		msg("%s: %s at 0x%" PRIx64 " is not in any segment", im->path, FC_CALLSITES_SECTION,
		    (uint64_t)sh.sh_addr);
		r->failed = r->entries;
		free(tab);
		return 0;
	}
	uint64_t *entry = fc_emu_entries(im, m);
	/* The entries that point into their caller, as sites to execute. */
	struct fc_manifest bm = {.t = m->t, .from_binary = true, .nfuncs = m->nfuncs};
	bm.funcs = fc_xcalloc(m->nfuncs + 1, sizeof *bm.funcs);
	uint64_t *offs = fc_xcalloc(m->nfuncs + 1, sizeof *offs);
	for (uint32_t i = 0; i < m->nfuncs; i++) {
		const struct fc_sym *y = fc_syms_by_name(&im->syms, m->funcs[i].name);
		offs[i] = fc_manifest_add_name(&bm, m->funcs[i].name);
		bm.funcs[i] = (struct fc_func){.addr = entry[i] == UINT64_MAX ? 0 : entry[i],
					       .size = y ? (uint32_t)y->size : 0};
	}
	bm.sites = fc_xcalloc(r->entries + 1, sizeof *bm.sites);
	uint64_t *from = fc_xcalloc(r->entries + 1, sizeof *from); /* bm site -> entry */
	bool *bad_entry = fc_xcalloc(r->entries + 1, sizeof *bad_entry);
	char w1[160], w2[160];
	for (uint64_t k = 0; k < r->entries; k++) {
		const uint8_t *p = tab + k * FC_CALLSITE_ENTRY;
		uint64_t a = 0, callee = 0, idx = 0;
		for (int b = 7; b >= 0; b--) {
			a = a << 8 | p[b];
			callee = callee << 8 | p[8 + b];
			idx = idx << 8 | p[16 + b];
		}
		uint64_t ta = sh.sh_addr + k * FC_CALLSITE_ENTRY;
		if (idx >= m->nsites || !recorded(m, idx)) {
			bad_entry[k] = true;
			fc_find_at(fo, &im->syms, FC_SEV_FAIL, ta,
			"%s: %s[%" PRIu64 "] (0x%" PRIx64 "): site number %" PRIu64 " is no recorded "
			    "call", im->path, FC_CALLSITES_SECTION, k, ta, idx);
			continue;
		}
		const struct fc_site *s = &m->sites[idx];
		uint64_t sa = fc_emu_site_addr(im, m, entry, idx);
		uint64_t ca = fc_emu_target_addr(im, m, entry, s);
		const char *caller = m->funcs[s->caller].name, *cn = fc_ref_name(m, s->target);
		if (callee != ca) {
			bad_entry[k] = true;
			fc_find_at(fo, &im->syms, FC_SEV_FAIL, ta,
			"%s: %s[%" PRIu64 "] (0x%" PRIx64 "): the call at %s+0x%x records its callee "
			    "%s at 0x%" PRIx64 " (%s), but it is at 0x%" PRIx64, im->path,
			    FC_CALLSITES_SECTION, k, ta, caller, s->off, cn, callee,
			    fc_syms_fmt(&im->syms, callee, w1, sizeof w1), ca);
		}
		if (a != sa) {
			bad_entry[k] = true;
			fc_find_at(fo, &im->syms, FC_SEV_FAIL, a,
			"%s: %s[%" PRIu64 "] (0x%" PRIx64 "): records the call of %s+0x%x to %s at "
			    "0x%" PRIx64 " (%s); the call is at 0x%" PRIx64 " (%s)", im->path,
			    FC_CALLSITES_SECTION, k, ta, caller, s->off, cn, a,
			    fc_syms_fmt(&im->syms, a, w1, sizeof w1), sa,
			    fc_syms_fmt(&im->syms, sa, w2, sizeof w2));
		}
		uint64_t lo = bm.funcs[s->caller].addr, sz = bm.funcs[s->caller].size;
		if (!lo || a < lo || a >= lo + sz) {
			if (a == sa) { /* not said yet */
				bad_entry[k] = true;
				fc_find_at(fo, &im->syms, FC_SEV_FAIL, a,
				"%s: %s[%" PRIu64 "] (0x%" PRIx64 "): 0x%" PRIx64 " is outside %s",
				    im->path, FC_CALLSITES_SECTION, k, ta, a, caller);
			}
			continue;
		}
		from[bm.nsites] = k;
		bm.sites[bm.nsites++] = (struct fc_site){.caller = s->caller, .off = (uint32_t)(a - lo),
							 .form = s->form, .target = s->target,
							 .addend = s->addend};
	}
	fc_manifest_fix_names(&bm, offs, NULL);
	/* Each call, from its recorded address. */
	struct fc_calls_result cr;
	int rc = 0;
	if (bm.nsites && fc_emu_calls_jobs(im, &bm, jobs, &cr) == 0) {
		for (size_t i = 0; i < cr.nfails; i++) {
			uint64_t k = from[cr.fails[i].site];
			char *line = NULL;
			size_t ll = 0;
			FILE *f = open_memstream(&line, &ll);
			fc_site_fail_print(f, im, &bm, NULL, &cr.fails[i]);
			fclose(f);
			if (ll && line[ll - 1] == '\n')
				line[ll - 1] = 0;
			/* "out: fn_3+0x40: ..." becomes "out: __fc_callsites[k]: fn_3+0x40: ...". */
			const char *rest = line;
			size_t pl = strlen(im->path);
			if (!strncmp(line, im->path, pl) && line[pl] == ':')
				rest = line + pl + 2;
			const struct fc_site *bs = &bm.sites[cr.fails[i].site];
			fc_find_at(fo, &im->syms, FC_SEV_FAIL, bm.funcs[bs->caller].addr + bs->off,
				   "%s: %s[%" PRIu64 "]: %s", im->path, FC_CALLSITES_SECTION, k, rest);
			bad_entry[k] = true;
			free(line);
		}
		fc_calls_result_free(&cr);
	} else if (bm.nsites) {
		rc = -1;
	}
	for (uint64_t k = 0; k < r->entries; k++)
		r->failed += bad_entry[k];
	free(bad_entry);
	free(from);
	free(offs);
	free(entry);
	free(tab);
	fc_manifest_free(&bm);
	return rc;
}
