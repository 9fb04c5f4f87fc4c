/* ELF layout invariants of a linked output: segments and sections agree. */
#ifndef FC_LAYOUT_H
#define FC_LAYOUT_H

#include <stddef.h>

#include "../emu/image.h"

/* Check im's program and section headers; each finding is one line,
 * appended to *msgs (grown with realloc). Returns the number of findings. */
size_t fc_layout_check(const struct fc_image *im, char ***msgs, size_t *nmsgs);

#endif
