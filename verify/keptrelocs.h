/* Relocations kept with --emit-relocs must agree with the code (the
 * "relocations kept with --emit-relocs disagree with the code" class of
 * DESIGN.md, sourceware 28234): every kept relocation of an allocated
 * section, re-applied to the output, reproduces the output's bytes.
 *
 * Counts: relocs = checked + skipped + markers (R_*_NONE, R_RISCV_RELAX,
 * R_RISCV_ALIGN, which say nothing on their own and are in no count but
 * relocs). failed and via_stub are part of checked. */
#ifndef FC_KEPTRELOCS_H
#define FC_KEPTRELOCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../checks/check.h"
#include "../emu/image.h"

struct fc_kept_result {
	bool have;            /* the output has kept relocations at all */
	uint64_t relocs;      /* kept relocations seen */
	uint64_t checked;     /* re-applied and compared */
	uint64_t failed;
	uint64_t via_stub;    /* branches whose output goes to a linker stub (thunk,
	                       * veneer, PLT) instead of S+A: accepted, counted */
	uint64_t skipped;     /* types this checker cannot re-apply (apply_reloc
	                       * says -EINVAL; RISC-V label differences; GOT
	                       * relocations whose GOT entry cannot be found) */
	struct fc_findings f; /* one per failure */
};

/* Re-apply every relocation the output kept for an allocated section
 * (SHT_RELA sections linked to .symtab whose sh_info section is SHF_ALLOC)
 * and compare with the output's bytes. r is zeroed first; have is false
 * and nothing else is set when the output kept none. Returns -1 only for
 * farcall's own errors; every disagreement is a result. */
int fc_kept_relocs_check(struct fc_image *im, struct fc_kept_result *r);
void fc_kept_result_free(struct fc_kept_result *r);

#endif
