/* A Go case's binary (go build of what gen --frontend go wrote) against
 * its manifest: the functions found, every call found by disassembly
 * matched to an edge of the manifest by its line, every instruction of a
 * generated function on a line of that function; and the frames. The
 * checks (checks/) execute the matched edges and run the CFI. */
#ifndef FC_GOCASE_H
#define FC_GOCASE_H

#include "../checks/check.h"
#include "../core/gomanifest.h"
#include "../core/manifest.h"
#include "cfi.h"
#include "lines.h"

struct fc_go_scan {
	uint32_t *gis;   /* per function of the manifest built: its index in the Go manifest */
	uint64_t edges, edges_missing, edges_unexpected, funcs_missing;
	struct fc_findings edge_f;  /* edges missing or unexpected, functions missing */
	struct fc_findings line_f;  /* instructions off their function's lines */
	uint64_t line_insns, line_ok, lines_failed;
};

/* Build m (the functions found; each call matched to an edge becomes a
 * site aimed at its callee) and the findings of the match. -1 only when
 * the binary is for another arch (a message said so). */
int fc_go_scan(struct fc_image *im, const struct fc_go_manifest *gm, const struct fc_lines *l,
	       struct fc_manifest *m, struct fc_go_scan *r);
void fc_go_scan_free(struct fc_go_scan *r);
/* A leaf has no frame; a function that calls holds its return address and
 * its locals (cr: the CFI run over m's functions). */
void fc_go_frames(const struct fc_image *im, const struct fc_go_manifest *gm,
		  const struct fc_manifest *m, const struct fc_go_scan *scan,
		  const struct fc_cfi_result *cr, struct fc_findings *f, uint64_t *failed);

#endif
