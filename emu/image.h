/* A linked output loaded for execution: its segments mapped into Unicorn
 * straight from a private mapping of the file, its symbols, and a stack. */
#ifndef FC_IMAGE_H
#define FC_IMAGE_H

#include <gelf.h>
#include <stdbool.h>
#include <stdint.h>
#include <unicorn/unicorn.h>

#include "../targets/target.h"

struct fc_sym {
	uint64_t addr, size;
	const char *name;
	uint8_t type; /* STT_* */
	bool quiet;   /* found by name, never named in messages (.fc.s12, .L1) */
	uint8_t bind; /* STB_*: a linker's thunks are local */
};

struct fc_syms {
	struct fc_sym *v;       /* sorted by address */
	size_t n;
	uint32_t *hash;         /* open addressing over v, by name; 0 = empty */
	uint64_t *dmarks;       /* "$d" mapping symbols: data in code, sorted */
	size_t ndmarks;
	size_t hcap;
	char *strings;
	bool stripped;          /* no .symtab: .dynsym and the FDEs' functions */
};

struct fc_range {
	uint64_t lo, hi;        /* guest addresses [lo, hi) */
	uint64_t off;           /* file offset of lo, when file-backed */
	uint64_t filesz;        /* bytes of the file behind [lo, lo+filesz) */
	int prot;               /* UC_PROT_* */
	bool writable;          /* PF_W: an IFUNC resolver may store there */
};

/* What the loader did with the dynamic relocations (emu/dynamic.c). */

/* An undefined dynamic symbol: a loader binds it to whatever library
 * defines it; farcall binds it to a stub of its own (a return instruction)
 * at imp_lo + index * FC_IMPORT_STUB, named "<name>@import". */
#define FC_IMPORT_STUB 16
struct fc_import {
	const char *name;
	bool weak;
};

/* An IFUNC: its resolver run once, its result in every slot that asked. */
struct fc_ifunc {
	uint64_t resolver;
	uint64_t impl;          /* what the resolver returned (valid: why == NULL) */
	const char *name;       /* the IFUNC symbol at the resolver, or NULL */
	char *why;              /* NULL when resolved, else why not (a finding) */
	uint64_t at;            /* where a failed run stopped */
	unsigned nrel;          /* relocations that took its result */
};

/* An 8-byte slot (GOT entry) a dynamic relocation wrote. */
enum fc_bind_kind { FC_BIND_VALUE, FC_BIND_IMPORT, FC_BIND_IFUNC };
struct fc_slot {
	uint64_t addr, value;
	uint8_t kind;           /* enum fc_bind_kind */
	uint32_t index;         /* in imports or ifuncs */
};

struct fc_dyninfo {
	/* Relocations by class: applied (relative, symbolic, irelative) and
	 * left as they are on purpose (copy, tls). */
	uint64_t relative, symbolic, irelative, copy, tls;
	uint64_t to_imports;     /* symbolic ones bound to an import stub */
	struct fc_import *imports;
	size_t nimports;
	uint64_t imp_lo, imp_hi; /* the stubs' region (mapped read+exec) */
	struct fc_ifunc *ifuncs;
	size_t nifuncs;
	uint64_t ifunc_insns;    /* instructions the resolvers ran */
	struct fc_slot *slots;   /* sorted by addr */
	size_t nslots;
	struct fc_range *plts;   /* the PLT sections (.plt*, .iplt): where a
	                          * call's way may read a slot */
	size_t nplts;
	/* IRELATIVE relocations, and symbolic ones to IFUNC symbols, between
	 * fc_dyn_apply and fc_dyn_resolve. */
	struct fc_irel *irels;
	size_t nirels;
	/* PLT bindings found so far (fc_image_plt_binding), and the layout of
	 * each PLT section's entries (NULL until asked). */
	struct fc_plt_fit *fits;
	void *plt_cur;            /* the run under way, for its hooks */
	struct fc_plt_seen *seen;
	size_t nseen, seencap;
};

struct fc_image {
	const struct target *t;
	const char *path;
	int fd;
	uint8_t *map;
	size_t maplen;
	Elf *elf;
	uc_engine *uc;
	struct fc_range *segs;  /* PT_LOADs as the ELF says */
	size_t nsegs;
	uint64_t stack_lo, stack_hi;
	uint8_t *stack_host;    /* the stack's memory, as Unicorn sees it (uc_mem_map_ptr) */
	uint64_t until;         /* an address no site can reach by accident */
	uint64_t entry;
	unsigned ndynrel;       /* dynamic relocations applied at load */
	struct fc_dyninfo dyn;
	struct fc_syms syms;
	/* Hooks are added once and never deleted (deleting one invalidates
	 * every translated block in its range); they find their state here
	 * and do nothing while it is NULL. */
	void *calls_state, *trace_state;
	bool calls_hooked, trace_hooked;
};

/* Open and map `path`; the output must be ELF for `t` (when t is NULL the
 * target comes from e_machine). Errors name the file: exit status 2. */
int fc_image_open(struct fc_image *im, const char *path, const struct target *t);
void fc_image_close(struct fc_image *im);
/* Host pointer to `len` bytes of file-backed content at guest `addr`, or
 * NULL (unmapped, or bss). */
const uint8_t *fc_image_ptr(const struct fc_image *im, uint64_t addr, size_t len);
bool fc_image_executable(const struct fc_image *im, uint64_t addr);
/* Bytes of the output's executable sections. */
uint64_t fc_image_code_bytes(const struct fc_image *im);
/* Host pointer to what the file has at `addr`, up to `max` bytes; *avail
 * says how many (0 and NULL when nothing). */
const uint8_t *fc_image_span(const struct fc_image *im, uint64_t addr, size_t max, size_t *avail);

/* The dynamic side (emu/dynamic.c). */
/* Before Unicorn: read the undefined dynamic symbols and the PLT sections,
 * apply RELATIVE and symbolic relocations (imports to their stubs), count
 * COPY and TLS, keep IRELATIVE (and symbolic ones to IFUNC symbols) for
 * fc_dyn_resolve. Errors name the relocation: -1. */
int fc_dyn_apply(struct fc_image *im);
/* With Unicorn and the segments mapped: map the import stubs, run every
 * IFUNC resolver (bounded; a failure is recorded on its fc_ifunc, not an
 * error) and write what they returned. -1 only when farcall itself cannot. */
int fc_dyn_resolve(struct fc_image *im);
void fc_dyn_free(struct fc_dyninfo *d);
/* "puts@import" or "__memcpy_generic (IFUNC memcpy)" for an address the
 * loader bound, else NULL. */
const char *fc_image_bound_name(const struct fc_image *im, uint64_t addr, char *buf, size_t len);
/* Whether addr is an import stub. */
bool fc_image_is_import(const struct fc_image *im, uint64_t addr);
/* The IFUNC whose resolver is at addr, or -1. */
int fc_image_ifunc_at(const struct fc_image *im, uint64_t resolver);
/* The import named so, or -1. */
int fc_image_import_named(const struct fc_image *im, const char *name);
/* Where a call to `dest` must arrive when its way reads, inside a PLT
 * section, a slot the loader bound: the slot's value (an import stub, an
 * IFUNC's implementation, a defined symbol). Found by running the way
 * from dest (a few instructions, nothing else checked); false when it
 * reads none. *slot: the slot's index in dyn.slots. */
bool fc_image_plt_binding(struct fc_image *im, uint64_t dest, uint64_t *want, size_t *slot);

int fc_syms_load(struct fc_syms *s, Elf *elf, const char *path);
void fc_syms_free(struct fc_syms *s);
const struct fc_sym *fc_syms_by_name(const struct fc_syms *s, const char *name);
/* The symbol an address falls in (or after, when nothing covers it). */
const struct fc_sym *fc_syms_at(const struct fc_syms *s, uint64_t addr);
/* The first "$d" mapping symbol in [lo, hi), or hi: where code gives way to
 * a literal pool. */
uint64_t fc_syms_code_end(const struct fc_syms *s, uint64_t lo, uint64_t hi);
/* "fn_12+0x40" or "0x4000f0" into buf. */
const char *fc_syms_fmt(const struct fc_syms *s, uint64_t addr, char *buf, size_t len);

#endif
