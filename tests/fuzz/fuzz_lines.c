#define _GNU_SOURCE 1 /* memfd_create */
/* Fuzz the line-table reader (verify/lines.c): fc_lines_load on an ELF
 * opened from memory (elf_memory), then the lookups the lines and CFI
 * checks make: the row and subprogram at every row's address and at
 * addresses between. */
#include <libelf.h>

#include "../../verify/lines.h"
#include "elfmut.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	if (!init) {
		elf_version(EV_CURRENT);
		init = 1;
	}
	/* libelf may convert in place: a copy the reader may write. */
	char *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	Elf *elf = elf_memory(copy, size);
	if (elf) {
		struct fc_lines l;
		if (fc_lines_load(elf, "fuzz", &l) == 0) {
			volatile uint64_t sink = 0;
			for (size_t i = 0; i < l.nspans; i++) {
				uint64_t a = l.spans[i].lo;
				const struct fc_line_span *s = fc_lines_at(&l, a);
				/* Every consumer indexes files by the row's
				 * file: the reader must give one in range. */
				sink += s ? s->line + strlen(l.files[s->file]) : 0;
				s = fc_lines_at(&l, a + 2);
				sink += s ? s->line : 0;
				const struct fc_subprogram *sp = fc_lines_sub(&l, a);
				sink += sp ? 1 : 0;
			}
			char buf[512];
			for (size_t i = 0; i < l.noverruns; i++)
				sink += strlen(fc_line_overrun_fmt(&l.overruns[i], buf, sizeof buf));
			(void)sink;
		}
		fc_lines_free(&l);
		elf_end(elf);
	}
	free(copy);
	return 0;
}
