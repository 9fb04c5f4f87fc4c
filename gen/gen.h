/* The generator: a program model laid out over a requested .text size, and
 * the ELF relocatable objects that carry it. */
#ifndef FC_GEN_H
#define FC_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/manifest.h"

struct fc_gen_opts {
	const struct target *t;
	uint64_t size;      /* bytes of .text, padding included */
	uint64_t seed;
	uint32_t funcs;     /* functions, _start included */
	uint32_t objs;      /* 0: chosen from funcs */
	uint32_t calls;     /* average sites per function */
	uint32_t far_pct;   /* share of sites aimed beyond direct range */
	uint32_t tail_pct;  /* share of functions that end in a tail call */
	enum fc_mode mode;
	bool relax;         /* RISC-V: relaxable relocations */
	const char *forms;  /* comma-separated form names; NULL: the target's mix */
	uint32_t unfixable; /* sites aimed where no linker can reach: must fail */
	int dwarf;          /* 0 (none), 4, 5 */
	int cfi;            /* 0 none, 1 .eh_frame, 2 .debug_frame */
	bool record_calls;  /* --record-calls: the __fc_callsites table */
	bool go;            /* --frontend go: a Go module (gen/gofront.c) */
	uint32_t pkgs;      /* Go: packages */
	const char *c_only; /* an option given that only C-style cases have, or NULL */
};

/* Defaults of a Go case, which has no padding: Go's -debugtramp=2 sends
 * every call that can take a trampoline through one. */
#define FC_GO_DEFAULT_FUNCS 512u
#define FC_GO_DEFAULT_CALLS 2u
#define FC_GO_DEFAULT_PKGS 8u
int fc_gen_go(const struct fc_gen_opts *o, const char *out, int quiet);
/* farcall gen's words (argv[0] is the command's name) into o; *out gets
 * -o's argument. Returns 0, 1 after --help (printed), -1 after a message. */
int fc_gen_parse(int argc, char **argv, struct fc_gen_opts *o, const char **out, int *quiet);
/* Write the case of o (C or Go) to out; a summary line unless quiet. -1
 * after a message. */
int fc_gen_case(const struct fc_gen_opts *o, const char *out, int quiet);

/* Functions per object at most: a few sections each must stay below
 * SHN_LORESERVE so that no object needs extended section numbering. */
#define FC_MAX_FUNCS_PER_OBJ 16384u
#define FC_DEFAULT_FUNCS_PER_OBJ 4096u
/* The recorded call-site table (--record-calls), as -mrecord-mcount's
 * __mcount_loc or __patchable_function_entries record code addresses
 * before the link: per call site, its address, its callee's, and its site
 * number in the manifest, 8 bytes each, little-endian. */
#define FC_CALLSITES_SECTION "__fc_callsites"
#define FC_CALLSITE_ENTRY 24u
/* Bytes of each var_N data object. */
#define FC_VAR_SIZE 64u

/* Build the model: functions, their sizes and layout, their sites and
 * targets. Fills `m` (which the caller frees). */
int fc_model_build(const struct fc_gen_opts *o, struct fc_manifest *m);

/* What fc_emit_function says about the body it made. */
struct fc_body_info {
	uint32_t epi_off;        /* where the epilogue starts */
	uint32_t epi_label;      /* a label there */
	uint32_t code_len;       /* bytes of code (the literal pool after it) */
	uint32_t end_label;      /* a label at code_len */
	struct fc_cfa_step pro[FC_MAX_CFA_STEPS], epi[FC_MAX_CFA_STEPS];
	unsigned npro, nepi;
	uint32_t pro_label[FC_MAX_CFA_STEPS]; /* a label after each prologue step */
};

/* A function body with frame `fr`: prologue, sites, epilogue, return,
 * literal pool. Relocations carry the index of the site (in `sites`) that
 * asked for them; site_off[i] is where site i starts, site_label[i] a label
 * there. */
int fc_emit_function(const struct target *t, const struct fc_site *sites, unsigned n,
		     bool relax, bool is_entry, const struct fc_frame *fr, struct fc_code *c,
		     struct fc_code *pool, uint32_t *site_off, uint32_t *site_label,
		     struct fc_body_info *info);

/* The same with the frame of a function that calls (16 bytes).
 * Relocations carry the index of the site (in `sites`) that asked for
 * them; site_off[i] is where site i starts. */
int fc_emit_body(const struct target *t, const struct fc_site *sites, unsigned n, bool relax,
		 bool is_entry, struct fc_code *c, struct fc_code *pool, uint32_t *site_off,
		 uint32_t *site_label);

/* Write object `obj` of the model into `dir`, padding as file holes. */
int fc_write_object(const char *dir, const struct fc_manifest *m, uint32_t obj,
		    uint64_t *code_bytes, uint64_t *disk_bytes);

#endif
