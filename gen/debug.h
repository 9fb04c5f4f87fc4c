/* Debug info and CFI of one object, as compilers and assemblers make them:
 * .debug_abbrev, .debug_info, .debug_str, .debug_line (DWARF 4 or 5), and
 * .eh_frame or .debug_frame. Relocations are asked for against a function's
 * symbol, a label in a function's body, or a section of this set; the ELF
 * writer maps them to symbols. Where linker relaxation can change a distance
 * (RISC-V), distances are ADD/SUB pairs of labels, as gas emits them. */
#ifndef FC_DEBUG_H
#define FC_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

#include "../targets/target.h"

enum fc_cfi_kind { FC_CFI_NONE, FC_CFI_EH, FC_CFI_DEBUG };

enum fc_dref { FC_DREF_FUNC, FC_DREF_LABEL, FC_DREF_SECTION };

struct fc_dbg_rel {
	uint32_t off, type;
	uint8_t ref;   /* enum fc_dref */
	uint32_t a;    /* function index in the object (FUNC, LABEL) or section */
	uint32_t b;    /* label index (LABEL) */
	int64_t addend;
};

enum { FC_DS_ABBREV, FC_DS_INFO, FC_DS_STR, FC_DS_LINE, FC_DS_FRAME, FC_DS__N };

struct fc_dbg_sec {
	const char *name;
	bool alloc;               /* .eh_frame is loaded */
	struct fc_code c;
	struct fc_dbg_rel *rel;
	size_t nrel, cap;
	bool used;
};

struct fc_dbg {
	struct fc_dbg_sec sec[FC_DS__N];
};

/* A row of the line table: from `off` (a label there) on, `line`. */
struct fc_dbg_row {
	uint32_t off, label, line;
};

struct fc_dbg_func {
	const char *name;
	uint32_t line;          /* of its first row */
	uint32_t code_len;      /* bytes of code */
	uint32_t end_label;
	const struct fc_dbg_row *rows; /* by offset; rows[0] at 0 */
	unsigned nrows;
	const struct fc_cfa_step *pro, *epi;
	unsigned npro, nepi;
	const uint32_t *pro_label; /* a label after each prologue step */
	uint32_t epi_off, epi_label;
};

/* Build the sections for `n` functions of one object. dwarf: 0 (none), 4
 * or 5. */
int fc_debug_build(const struct target *t, int dwarf, enum fc_cfi_kind cfi, bool relax,
		   bool wide, const char *cu_name, const struct fc_dbg_func *f, unsigned n,
		   struct fc_dbg *out);
/* wide: .eh_frame addresses as pcrel sdata8, for a .text too large for
 * sdata4 (more than 2 GiB between an FDE and its function). */
void fc_debug_free(struct fc_dbg *d);

#endif
