/* One hook table per architecture, in the manner of elfutils' libebl
 * backends: generic code (gen, link, emu, verify) asks the target and never
 * switches on the architecture itself. fc_target_find() fills defaults once,
 * so callers never test a hook for NULL. */
#ifndef FC_TARGET_H
#define FC_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a call site in the generated program is. Shared by every arch; a
 * target says which kinds it can encode through site_reloc(). */
enum fc_site_kind {
	FC_SITE_CALL, /* call that sets the return address (arm64 BL) */
	FC_SITE_TAIL, /* tail call, return address untouched (arm64 B) */
	FC_SITE__N
};

/* A decoded instruction reduced to what the checks need, as objtool's
 * enum insn_type does. */
enum fc_insn_type {
	FC_INSN_OTHER,
	FC_INSN_CALL,      /* direct call, dest known */
	FC_INSN_JUMP,      /* direct unconditional jump, dest known */
	FC_INSN_JUMP_COND, /* direct conditional jump, dest known */
	FC_INSN_JUMP_IND,  /* indirect jump (br x16) */
	FC_INSN_CALL_IND,
	FC_INSN_RET,
	FC_INSN_TRAP,
};

/* A relocation the generator asks for: at `off` in the function body,
 * against function `callee` (an index in the program model) + addend. */
struct fc_reloc_req {
	uint32_t off;
	uint32_t type;
	uint32_t callee;
	int64_t addend;
};

/* A function body under construction. */
struct fc_code {
	uint8_t *buf;
	size_t len, cap;
	struct fc_reloc_req *rel;
	size_t nrel, relcap;
};
void fc_code_reset(struct fc_code *c);
void fc_code_free(struct fc_code *c);
void fc_code_put32(struct fc_code *c, uint32_t word); /* little-endian */
void fc_code_reloc(struct fc_code *c, uint32_t type, uint32_t callee, int64_t addend);

/* What the generator wants in one function: its call sites in order. */
struct fc_body_site {
	enum fc_site_kind kind;
	uint32_t callee;
	int64_t addend;
	uint32_t off; /* out: where the target put the site's first byte */
};
struct fc_body {
	struct fc_body_site *sites;
	unsigned nsites; /* a FC_SITE_TAIL, if any, is the last one */
};

struct fc_reloc_info {
	uint32_t type;
	const char *name;
};

struct target {
	const char *name;       /* "arm64" */
	const char *aliases;    /* space-separated: "aarch64" */
	uint16_t e_machine;
	int uc_arch, uc_mode;   /* Unicorn */
	int cs_arch, cs_mode;   /* Capstone */
	unsigned insn_align;    /* smallest instruction size and alignment */
	unsigned func_align;    /* section alignment the generator uses */
	uint8_t trap[4];        /* what a stray jump into padding executes */
	unsigned trap_len;

	/* ABI registers, as Unicorn register ids. */
	int reg_pc, reg_sp, reg_ra;
	const int *gprs;          /* every general register a thunk must keep... */
	const char *const *gpr_names;
	unsigned ngprs;
	const int *scratch;       /* ...except these (arm64: x16, x17) */
	unsigned nscratch;

	/* Linkers: the cross GNU ld and gold for this arch, lld/mold emulation. */
	const char *gnu_ld, *gnu_gold, *ld_emulation;

	const struct fc_reloc_info *relocs; /* from relocs.def */
	unsigned nrelocs;

	/* Hooks. */
	/* The relocation type that fixes a site of this kind, 0 if the
	 * target cannot encode the kind. */
	uint32_t (*site_reloc)(enum fc_site_kind kind);
	/* Mnemonic for messages: "BL". */
	const char *(*site_mnemonic)(enum fc_site_kind kind);
	/* Reachable displacements [lo, hi] from the site for the kind. */
	void (*site_range)(enum fc_site_kind kind, int64_t *lo, int64_t *hi);
	/* Emit a whole function (prologue, sites, epilogue) with relocations
	 * against callees; records each site's offset in b->sites[i].off. */
	int (*emit_func)(struct fc_code *c, struct fc_body *b, bool is_entry);
	/* Apply relocation `type` at `loc` (address P) for value S+A. Returns
	 * -ERANGE when the value does not fit, -EINVAL for an unknown type. */
	int (*apply_reloc)(uint32_t type, uint8_t *loc, uint64_t P, uint64_t SA);
	/* Decode the instruction at `p` (address pc, `avail` bytes readable);
	 * direct branches give their destination. Returns the length. */
	unsigned (*decode)(const uint8_t *p, size_t avail, uint64_t pc,
			   enum fc_insn_type *type, uint64_t *dest);
};

const struct target *fc_target_find(const char *name);
/* "arm64" for an e_machine, NULL when no target knows it. */
const struct target *fc_target_by_machine(unsigned e_machine);
const char *fc_target_names(void); /* "arm64" — for usage messages */
const char *fc_reloc_name(const struct target *t, uint32_t type);
const char *fc_site_kind_name(enum fc_site_kind k); /* "call", "tail" */
int fc_site_kind_parse(const char *s, enum fc_site_kind *k);

#endif
