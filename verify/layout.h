/* ELF layout invariants of a linked output: segments and sections agree. */
#ifndef FC_LAYOUT_H
#define FC_LAYOUT_H

#include "../checks/check.h"
#include "../emu/image.h"

/* Check im's program and section headers; each broken invariant is a
 * finding, a fail or a note by what it breaks. */
void fc_layout_check(const struct fc_image *im, struct fc_findings *f);

#endif
