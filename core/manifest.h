/* The manifest: what the generator knows to be true about a case, and what
 * emu and verify check the linked output against. Format: docs/manifest.md. */
#ifndef FC_MANIFEST_H
#define FC_MANIFEST_H

#include <stdbool.h>
#include <stdint.h>

#include "../targets/target.h"

#define FC_MANIFEST_NAME "manifest.txt"
#define FC_GEN_VERSION 3

enum fc_mode { FC_MODE_EXE, FC_MODE_PIE, FC_MODE_SHARED };

struct fc_func {
	const char *name;
	uint32_t obj;
	uint32_t size;     /* bytes of code (literal pool included) */
	uint64_t addr;     /* predicted offset from the start of .text */
	uint64_t pad;      /* zero bytes the generator put after it */
	uint32_t first_site, nsites;
	bool hidden;       /* STV_HIDDEN: never preemptible */
	uint8_t frame;     /* enum fc_frame_kind */
	uint32_t frame_size;
	uint32_t line;     /* of its first line-table row */
	uint32_t code;     /* bytes of code (a literal pool after it) */
	uint32_t epi;      /* where its epilogue starts */
};

/* Data objects: "var_N" (what ADDR and DATA sites point at) and
 * "words_N" (holds the DATA sites of object N). */
struct fc_data {
	const char *name;
	uint32_t obj;
	uint32_t size;
	bool hidden;
	bool words;
};

/* A site's target or holder: a function or a data object, or (farcall
 * check, where nothing says where a call through a thunk must end) any
 * function entry. */
#define FC_REF_DATA_BIT 0x80000000u
#define FC_REF_ANY 0x7fffffffu
#define FC_REF_ABS 0x7ffffffeu /* check: exactly the address in addend */
static inline bool fc_ref_is_data(uint32_t r) { return r & FC_REF_DATA_BIT; }
static inline uint32_t fc_ref_index(uint32_t r) { return r & ~FC_REF_DATA_BIT; }

struct fc_site {
	uint32_t caller;   /* function, or data object (| FC_REF_DATA_BIT) for DATA */
	uint32_t off;      /* from the caller's start */
	uint32_t target;   /* function, or data object (| FC_REF_DATA_BIT) */
	uint8_t form;      /* index in target->forms */
	uint8_t far;       /* predicted out of the form's direct reach */
	uint8_t expect_error; /* no linker can fix it: the link must fail */
	int64_t addend;
};

struct fc_manifest {
	const struct target *t;
	uint32_t generator;
	uint64_t seed, size;
	enum fc_mode mode;
	bool relax;
	bool record_calls; /* the objects carry a __fc_callsites table */
	int dwarf;         /* 0 (none), 4, 5 */
	int cfi;           /* enum fc_cfi_kind: 0 none, 1 .eh_frame, 2 .debug_frame */
	char *options;     /* the generator options, for the record */
	uint32_t nobjs;
	char **objs;
	uint32_t nfuncs;
	struct fc_func *funcs;
	uint32_t ndatas;
	struct fc_data *datas;
	uint64_t nsites;
	struct fc_site *sites;
	char *arena;       /* names */
	size_t arena_len, arena_cap;
	/* farcall check builds a manifest from a binary: functions carry their
	 * final addresses, sites are at function + offset on every arch. */
	bool from_binary;
	const int *extra_scratch; /* registers thunks may change besides the ABI's */
	unsigned nextra_scratch;
};

/* Returns 0, or -1 after a message naming the file and line. */
int fc_manifest_load(const char *casedir, struct fc_manifest *m);
/* The same from text already in memory (NUL-terminated, modified in
 * place); `path` only names it in messages. The fuzz harness feeds it. */
int fc_manifest_parse(const char *path, char *text, struct fc_manifest *m);
int fc_manifest_save(const char *casedir, const struct fc_manifest *m);
void fc_manifest_free(struct fc_manifest *m);
/* Names live in the manifest's arena; call fc_manifest_fix_names() once
 * every name is in (the arena moves while it grows). */
uint64_t fc_manifest_add_name(struct fc_manifest *m, const char *name);
void fc_manifest_fix_names(struct fc_manifest *m, const uint64_t *func_offs,
			   const uint64_t *data_offs);

const char *fc_mode_name(enum fc_mode mode);
int fc_mode_parse(const char *s, enum fc_mode *mode);
/* The name of a function or data object reference. */
const char *fc_ref_name(const struct fc_manifest *m, uint32_t ref);
/* Does the case expect the link to fail? */
bool fc_manifest_expects_error(const struct fc_manifest *m);
const struct fc_form *fc_site_form(const struct fc_manifest *m, const struct fc_site *s);

#endif
