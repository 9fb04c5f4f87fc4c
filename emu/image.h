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
	uint64_t until;         /* an address no site can reach by accident */
	uint64_t entry;
	unsigned ndynrel;       /* dynamic relocations applied at load */
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
