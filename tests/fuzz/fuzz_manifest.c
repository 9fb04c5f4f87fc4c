#define _GNU_SOURCE 1 /* memfd_create */
/* Fuzz the manifest parser (core/manifest.c, manifest.txt of a C case):
 * fc_manifest_parse from memory, then what emu and verify ask of every
 * site (its form, its target's name) and of every function. */
#include <string.h>

#include "../../core/manifest.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;
	struct fc_manifest m;
	if (fc_manifest_parse("fuzz/manifest.txt", text, &m) == 0) {
		volatile uint64_t sink = fc_manifest_expects_error(&m);
		for (uint64_t i = 0; i < m.nsites; i++) {
			const struct fc_site *s = &m.sites[i];
			const struct fc_form *f = fc_site_form(&m, s);
			sink += f ? 1 : 0;
			sink += strlen(fc_ref_name(&m, s->target));
			sink += strlen(fc_ref_name(&m, s->caller));
		}
		for (uint32_t i = 0; i < m.nfuncs; i++) {
			const struct fc_func *fn = &m.funcs[i];
			sink += strlen(fn->name) + fn->obj;
			/* A function's sites are a range of m.sites. */
			if (fn->nsites)
				sink += m.sites[fn->first_site + fn->nsites - 1].off;
			if (fn->obj < m.nobjs)
				sink += strlen(m.objs[fn->obj]);
		}
		(void)sink;
	}
	fc_manifest_free(&m);
	free(text);
	return 0;
}
