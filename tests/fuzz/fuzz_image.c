#define _GNU_SOURCE 1 /* memfd_create */
/* Fuzz the ELF image loader (emu/loader.c), the symbol reader
 * (emu/symbols.c) and the dynamic side (emu/dynamic.c): fc_image_open
 * reads the headers and segments, applies the dynamic relocations, maps
 * everything into Unicorn, reads .symtab (or .dynsym and the FDEs) and
 * runs the IFUNC resolvers; then the accessors the checks use are asked
 * about every symbol. */
#include <libelf.h>

#include "../../emu/emu.h"
#include "elfmut.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_memfd(data, size);
	struct fc_image im;
	if (fc_image_open(&im, path, NULL) == 0) {
		volatile uint64_t sink = fc_image_code_bytes(&im);
		char buf[256];
		for (size_t i = 0; i < im.syms.n; i++) {
			const struct fc_sym *y = &im.syms.v[i];
			size_t avail;
			const uint8_t *p = fc_image_span(&im, y->addr, 64, &avail);
			for (size_t k = 0; p && k < avail; k++)
				sink += p[k];
			sink += fc_image_executable(&im, y->addr);
			sink += fc_image_is_import(&im, y->addr);
			const char *b = fc_image_bound_name(&im, y->addr, buf, sizeof buf);
			sink += b ? strlen(b) : 0;
			sink += strlen(y->name);
		}
		(void)sink;
	}
	fc_image_close(&im);
	return 0;
}
