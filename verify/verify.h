/* Checking a linked case's debug info against what the generator wrote:
 * the line of every instruction, and the CFI by execution. */
#ifndef FC_VERIFY_H
#define FC_VERIFY_H

#include <jansson.h>
#include <stdio.h>

#include "../core/manifest.h"
#include "../emu/image.h"

struct fc_verify_result {
	bool have_lines, have_cfi;
	uint64_t functions;
	uint64_t line_insns, line_ok, lines_failed;  /* instructions; functions failed */
	uint64_t cfi_functions, cfi_failed, cfi_insns, frames_failed;
	uint64_t layout_failed;  /* ELF layout findings */
	bool have_kept;          /* --emit-relocs: relocations kept in the output */
	uint64_t kept_relocs, kept_checked, kept_failed, kept_via_stub, kept_skipped;
	bool have_table;         /* gen --record-calls: the call-site table */
	uint64_t table_entries, table_failed;
	char **msgs;   /* one line each, the binary's name first */
	size_t nmsgs;
	uint64_t bad[8]; /* the first bad addresses, for excerpts */
	size_t nbad;
	double seconds;
};

/* Verify `out` (already open as im) against the manifest. Returns -1 only
 * for farcall's own errors. */
int fc_verify(struct fc_image *im, const struct fc_manifest *m, unsigned jobs,
	      struct fc_verify_result *r);
void fc_verify_result_free(struct fc_verify_result *r);
json_t *fc_verify_json(const struct fc_verify_result *r, size_t max_msgs);
/* For a person: the line rows within 32 bytes of addr and the CFI row that
 * covers it, read back through libdw. */
void fc_verify_excerpt(FILE *f, struct fc_image *im, uint64_t addr);

#endif
