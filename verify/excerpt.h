/* For a person reading a debug-info finding: the line rows within 32 bytes
 * of addr and the CFI row that covers it, read back through libdw. */
#ifndef FC_EXCERPT_H
#define FC_EXCERPT_H

#include <stdint.h>
#include <stdio.h>

#include "../emu/image.h"
#include "lines.h"

/* lines: the binary's line table when loaded already, else NULL. */
void fc_verify_excerpt(FILE *f, struct fc_image *im, const struct fc_lines *lines,
		       uint64_t addr);

#endif
