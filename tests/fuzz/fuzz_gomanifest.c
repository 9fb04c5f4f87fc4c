#define _GNU_SOURCE 1 /* memfd_create */
/* Fuzz the Go manifest parser (core/gomanifest.c, go-manifest.json of a
 * Go case), from memory, then walk what verify/gocase.c reads of it:
 * every function's calls, by first_call and ncalls. */
#include <string.h>

#include "../../core/gomanifest.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fc_go_manifest m;
	if (fc_go_manifest_parse("fuzz/go-manifest.json", (const char *)data, size, &m) == 0) {
		volatile uint64_t sink = 0;
		for (size_t i = 0; i < m.nfuncs; i++) {
			const struct fc_go_func *f = &m.funcs[i];
			sink += strlen(f->name) + strlen(f->file);
			for (uint32_t k = 0; k < f->ncalls; k++) {
				const struct fc_go_call *c = &m.calls[f->first_call + k];
				sink += strlen(m.funcs[c->callee].name) + c->line;
			}
		}
		(void)sink;
	}
	fc_go_manifest_free(&m);
	return 0;
}
