/* Direct calls found by disassembly, for binaries nobody generated
 * (farcall check) and for Go cases, whose call instructions the compiler
 * chose. */
#ifndef FC_CALLSCAN_H
#define FC_CALLSCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "../emu/image.h"

struct fc_found_call {
	unsigned form;   /* index in t->forms: a FC_SEM_CALL form */
	bool known;      /* the bytes say where it goes */
	uint64_t dest;   /* then: the address they name */
	uint64_t named;  /* a thunk's name says where it leads (0: no thunk, or
			  * a name that says nothing) */
};

/* Is there a call at `addr` (code[0..len))? The instruction decoder has
 * already said it is an instruction of type `ty` going to `idest`. */
bool fc_find_call(const struct fc_image *im, const uint8_t *code, uint64_t len, uint64_t addr,
		  bool is_call_insn, uint64_t idest, struct fc_found_call *fc);

#endif

/* Routines with several entries on purpose, where a call into the middle
 * is right (Go's runtime.duffzero and duffcopy: Duff's devices entered at
 * the offset that does the right number of words). */
bool fc_multi_entry(const char *name);
