#define _GNU_SOURCE
#include "sites.h"

#include <stdlib.h>

#include "../core/util.h"

static bool is_call(const struct fc_manifest *m, const struct fc_site *s)
{
	int sem = fc_site_form(m, s)->sem;
	return sem == FC_SEM_CALL || sem == FC_SEM_JUMP;
}

int fc_sites_findings(struct fc_subject *s, bool calls, struct fc_check_result *r)
{
	const struct fc_calls_result *cr = fc_subject_calls(s);
	if (!cr)
		return -1;
	const struct fc_manifest *m = &s->m;
	const uint64_t *entry = fc_subject_entries(s);
	struct fc_image tim; /* tracing moves the emulator: an image of its own */
	bool traced = false, tried = false;
	size_t ntraced = 0;
	for (size_t i = 0; i < cr->nfails; i++) {
		const struct fc_site_fail *x = &cr->fails[i];
		const struct fc_site *st = &m->sites[x->site];
		if (is_call(m, st) != calls)
			continue;
		if (r->f.n >= FC_FINDINGS_KEPT) {
			/* Counted, not kept: no message to write. */
			fc_find(&r->f, FC_SEV_FAIL, NULL, 0, FC_NOWHERE, "-");
			continue;
		}
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		fc_site_fail_print(f, &s->im, m, entry, x);
		fclose(f);
		if (len && buf[len - 1] == '\n')
			buf[len - 1] = 0;
		uint64_t at = fc_emu_site_addr(&s->im, m, entry, x->site);
		const char *caller = fc_ref_name(m, st->caller);
		fc_find(&r->f, FC_SEV_FAIL, caller, st->off, at == UINT64_MAX ? FC_NOWHERE : at,
			"%s", buf);
		free(buf);
		/* A site the emulator died on would take it down again. */
		if (ntraced >= FC_SITES_TRACED || r->f.n == 0 || x->why == FC_F_EMULATOR)
			continue;
		if (!tried) {
			tried = true;
			traced = fc_image_open(&tim, s->im.path, s->t) == 0;
			if (!traced)
				fc_image_close(&tim);
		}
		if (!traced)
			continue;
		char *d = NULL;
		size_t dl = 0;
		FILE *df = open_memstream(&d, &dl);
		fc_trace_site(df, &tim, m, x->site, "    ");
		fclose(df);
		r->f.v[r->f.n - 1].detail = d;
		ntraced++;
	}
	if (traced)
		fc_image_close(&tim);
	return 0;
}
