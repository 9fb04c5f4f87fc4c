/* One hook table per architecture, in the manner of elfutils' libebl
 * backends: generic code (gen, link, emu, verify) asks the target and never
 * switches on the architecture itself. fc_target_find() fills defaults once,
 * so callers never test a hook for NULL.
 *
 * A target describes its "forms": the instruction sequences (or data words)
 * the generator can put at a site, each with what executing it must do
 * (its semantics), how far it reaches, and whether linkers make thunks for
 * it. Generic code picks forms, places them, and checks them by semantics. */
#ifndef FC_TARGET_H
#define FC_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What executing a site must do. */
enum fc_sem {
	FC_SEM_CALL, /* arrive at the target's entry with the return address set */
	FC_SEM_JUMP, /* arrive at the target's entry, return address untouched
	              * (tail calls, conditional branches the baseline makes taken) */
	FC_SEM_ADDR, /* after the sequence, register `result` holds target+addend */
	FC_SEM_DATA, /* a word in a data section holds what the relocation says */
};

/* A decoded instruction reduced to what the checks need, as objtool's
 * enum insn_type does. */
enum fc_insn_type {
	FC_INSN_OTHER,
	FC_INSN_CALL,      /* direct call, dest known */
	FC_INSN_JUMP,      /* direct unconditional jump, dest known */
	FC_INSN_JUMP_COND, /* direct conditional jump, dest known */
	FC_INSN_JUMP_IND,  /* indirect jump (br x16, jr t1, jmp *) */
	FC_INSN_CALL_IND,
	FC_INSN_RET,
	FC_INSN_TRAP,
};

struct fc_form {
	const char *name;     /* in the manifest and --forms: "bl", "adrp+add" */
	const char *mnemonic; /* in messages: "BL", "ADRP+ADD" */
	enum fc_sem sem;
	int64_t lo, hi;       /* reach: displacement from the site; 0, 0 = anywhere */
	bool thunkable;       /* linkers route an out-of-reach one through a thunk */
	bool abs;             /* an absolute address: static executables only */
	uint64_t abs_max;     /* abs: the largest address it can hold (0: any) */
	bool got;             /* through the GOT: fine against preemptible symbols */
	bool plt;             /* a call a linker may send through a PLT entry */
	bool tail_only;       /* must end the function (a tail call) */
	bool data_target;     /* may point at a data object (ADDR, DATA) */
	int result;           /* ADDR: index in gprs[] of the register it sets */
	uint32_t reloc;       /* DATA: the relocation of the word */
	unsigned size;        /* DATA: bytes of the word (also its alignment) */
	unsigned weight;      /* how often the generator picks it by default */
};

/* A function's frame. Leaf functions (no calls) may have none, or only
 * stack; a function that calls saves the frame pointer and the return
 * address. `size` is what the prologue moves SP by, besides the return
 * address a call pushed. */
enum fc_frame_kind { FC_FRAME_NONE, FC_FRAME_LEAF, FC_FRAME_SAVE };
struct fc_frame {
	uint8_t kind;
	uint32_t size; /* a multiple of 16, at most 4080 */
};

/* The frame after one instruction of a prologue or epilogue: what CFI must
 * say from there on. */
struct fc_cfa_step {
	uint32_t after;  /* offset just after the instruction, from where the
	                  * prologue (or epilogue) began */
	int32_t cfa;     /* CFA = SP + cfa */
	int8_t ra;       /* 0: the return address is where the call left it;
	                  * else saved at CFA + ra */
	int8_t fp;       /* 0: the frame pointer is its caller's; else saved at CFA + fp */
};
#define FC_MAX_CFA_STEPS 8

/* What a relocation the generator asks for refers to. */
enum fc_ref {
	FC_REF_TARGET, /* the site's target (a function or a data object) */
	FC_REF_LABEL,  /* a label defined in the same body (fc_code_label) */
};

struct fc_reloc_req {
	uint32_t off;
	uint32_t type;
	uint8_t ref;     /* enum fc_ref */
	uint32_t label;  /* FC_REF_LABEL: label index */
	int64_t addend;  /* FC_REF_TARGET: added to the site's own addend */
	uint32_t site;   /* set by generic code: which site of the body asked */
};

/* A body under construction: code or data bytes, their relocations, and
 * labels (local symbols) defined in it. */
struct fc_code {
	uint8_t *buf;
	size_t len, cap;
	struct fc_reloc_req *rel;
	size_t nrel, relcap;
	uint32_t *labels; /* offsets */
	size_t nlabels, labcap;
};
void fc_code_reset(struct fc_code *c);
void fc_code_free(struct fc_code *c);
void fc_code_put16(struct fc_code *c, uint16_t v); /* little-endian */
void fc_code_put32(struct fc_code *c, uint32_t v);
void fc_code_put64(struct fc_code *c, uint64_t v);
void fc_code_put(struct fc_code *c, const void *p, size_t n);
void fc_code_align(struct fc_code *c, unsigned a, uint8_t fill);
/* A relocation at the current offset (+ `delta`). */
void fc_code_reloc(struct fc_code *c, uint32_t type, enum fc_ref ref, uint32_t label,
		   int64_t addend, int delta);
uint32_t fc_code_label(struct fc_code *c); /* a label at the current offset */
/* A label of the literal pool (fc_emit.pool) rather than of the body. */
#define FC_LABEL_POOL 0x80000000u

/* What emit_site gets besides the form. */
struct fc_emit {
	bool relax;             /* RISC-V: mark relaxable relocations */
	struct fc_code *pool;   /* literal pool, appended after the function */
	uint32_t site_label;    /* label at the site's first byte */
};

/* Classes of dynamic relocations a loader must apply (relocs.def says
 * which type is which). */
enum fc_dyn {
	FC_DYN_NONE,      /* not a dynamic relocation we know */
	FC_DYN_RELATIVE,  /* B + A */
	FC_DYN_SYMBOLIC,  /* S + A (GLOB_DAT, JUMP_SLOT, ABS64); an undefined S is
	                   * an import, bound to a stub of its own (emu/dynamic.c) */
	FC_DYN_IGNORE,    /* R_*_NONE */
	FC_DYN_IRELATIVE, /* what the IFUNC resolver at B + A returns, run as
	                   * glibc's static start-up runs it (target.ifunc) */
	FC_DYN_COPY,      /* R_*_COPY: the data stays as in the file, counted */
	FC_DYN_TLS,       /* DTPMOD64, DTPREL64, TPREL64, TLSDESC: no thread
	                   * here, left as they are, counted */
};

/* How glibc calls an IFUNC resolver on this arch (its dl-irel.h,
 * elf_ifunc_invoke), and the CPU farcall tells the resolvers of: one
 * documented feature set per arch, printed by farcall check. farcall runs
 * no start-up code, so what a resolver reads besides its arguments
 * (glibc's cpu_features, filled by the start-up before it applies
 * IRELATIVE) is as the file has it: zero, no optional feature. */
struct fc_ifunc_abi {
	uint64_t hwcap, hwcap2;   /* AT_HWCAP, AT_HWCAP2 the resolvers are given */
	const char *features;     /* the HWCAP bits by name: "fp, asimd" */
	unsigned nargs;           /* 0: no arguments (x86-64); 1: hwcap; 2: hwcap
	                           * with arg0_or, and a pointer to arg_struct */
	uint64_t arg0_or;         /* or'ed into the first argument */
	bool arg_struct;          /* the second argument points at {size, hwcap,
	                           * hwcap2} (__ifunc_arg_t) */
	int arg_regs[2];          /* Unicorn ids of the argument registers */
	int reg_ret;              /* where the resolver's result is */
};

struct fc_reloc_info {
	uint32_t type;
	const char *name;
	enum fc_dyn dyn;
};

/* Relocations a link kept (--emit-relocs) are checked against the output
 * by re-applying each (verify/keptrelocs.c). That works as it stands only
 * for a relocation whose field holds S+A's encoding and nothing else; the
 * class (relocs.def's fourth column) says which rule the check needs
 * instead, so that it never has to know a type by its number. */
enum fc_kept_class {
	FC_KEPT_PLAIN,    /* S+A's encoding, re-applied with apply_reloc */
	FC_KEPT_MARK,     /* R_*_NONE, RELAX, ALIGN: mean nothing alone, so in no
	                   * count but the total */
	FC_KEPT_DIFF,     /* half a label difference, whose value needs the other
	                   * half: skipped */
	FC_KEPT_BRANCH,   /* a direct branch: the linker may have sent it through
	                   * a stub, so other bytes may still be right */
	FC_KEPT_REL_END,  /* relative to the field's end, which ends its
	                   * instruction (x86-64 rel32): when that instruction is a
	                   * branch (branch_start), a BRANCH going to S+A+width;
	                   * else PLAIN */
	FC_KEPT_CALLPAIR, /* a call made of two instructions (RISC-V AUIPC+JALR):
	                   * a BRANCH whose destination decode cannot give, and
	                   * which linkers shorten to one instruction */
	FC_KEPT_GOT,      /* the address of the symbol's GOT entry, which only the
	                   * output's GOT can tell; linkers relax it to the
	                   * symbol's own address and may keep the type */
	FC_KEPT_TLS,      /* TLS offsets and descriptors: skipped */
	FC_KEPT_PAIR_LO,  /* the low half of a PC-relative pair (RISC-V
	                   * PCREL_LO12_I/S): its symbol labels the instruction
	                   * holding the high half, whose value it takes */
	FC_KEPT_GPREL,    /* an immediate off the global pointer, which only a
	                   * linker's relaxation makes: apply_reloc does not know
	                   * the type, and the value is S+A or S+A-gp (gprel) */
	FC_KEPT_PAIR_HI = 0x80, /* or'ed in: the high half of such a pair, which
	                         * its low halves name by its address */
};

/* One row of relocs.def as the check reads it. */
struct fc_kept_kind {
	uint32_t type;
	const char *name;
	uint8_t cls;   /* enum fc_kept_class, FC_KEPT_PAIR_HI or'ed in */
	uint8_t width; /* bytes it covers: the output needs them all, and the
	                * check compares them all */
};

/* The bytes a kept relocation sits on, to its type (fc_kept_ops.insn): a
 * relocation on anything but its own kind of instruction is misplaced, or
 * the linker changed the code under it and kept it as it was. */
enum fc_kept_insn {
	FC_KEPT_INSN_OTHER,   /* nothing the type applies to */
	FC_KEPT_INSN_FITS,    /* an instruction the type applies to (data: any) */
	FC_KEPT_INSN_RELAXED, /* what a relaxation linkers make of it leaves */
};

/* The code at an FC_KEPT_GOT relocation (fc_kept_ops.got). */
enum fc_kept_got_form {
	FC_KEPT_GOT_LOAD,   /* still reads the GOT entry, or the bytes cannot tell */
	FC_KEPT_GOT_DIRECT, /* its opcode says it was relaxed to the direct form */
	FC_KEPT_GOT_OTHER,  /* nothing the relocation applies to */
};
struct fc_kept_got {
	uint8_t form;       /* enum fc_kept_got_form */
	bool gdat;          /* the entry holds S+A and the field is for its address
	                     * (AArch64's GDAT(S+A)); else the entry holds S and
	                     * the field is for its address plus A (G+A) */
	uint32_t direct;    /* the type that gives the direct form's field ... */
	int64_t direct_add; /* ... for S+A+direct_add */
	unsigned insn_back; /* the instruction starts this many bytes before the
	                     * field (for messages, which name it) */
};

/* What verify's check of kept relocations must ask the target; each
 * target's are in targets/<arch>/kept.c. Without them (kept NULL, or no
 * kinds or insn) the check counts every kept relocation as skipped; without
 * one of the others, the relocations of the classes that need it. */
struct fc_kept_ops {
	/* Every type of relocs.def, and the KEPT_ONLY ones outputs may keep
	 * besides: how to check each, and the names of those t->relocs lacks,
	 * for messages. A type not here is FC_KEPT_PLAIN, 4 bytes. */
	const struct fc_kept_kind *kinds;
	unsigned nkinds;
	/* Whether p (avail bytes readable) holds an instruction relocation
	 * `type` goes on, or what a known relaxation of it leaves. When
	 * re-applying does not reproduce the bytes, this tells a wrong value
	 * from a relaxation that left the kept relocation behind and from a
	 * misplaced relocation, and the message says which. */
	enum fc_kept_insn (*insn)(uint32_t type, const uint8_t *p, size_t avail);
	/* FC_KEPT_REL_END at p, the field's first byte (before bytes readable
	 * before it): how many bytes before p its instruction starts when it
	 * is a direct branch, 0 when it is none. Only the bytes before the
	 * field say whether it is a branch (then a stub may stand between) or
	 * a data reference. */
	unsigned (*branch_start)(uint32_t type, const uint8_t *p, size_t before);
	/* FC_KEPT_GOT at p (before bytes readable before it, avail from it):
	 * the form of the code, and how the GOT entry's address and the
	 * direct form's value go into the field. The type alone does not say
	 * which: linkers relax GOT accesses in place and most keep the type.
	 * Also asked for the low half of a pair whose high half is FC_KEPT_GOT
	 * (RISC-V PCREL_LO12_I of a GOT_HI20), for its form alone. */
	void (*got)(uint32_t type, const uint8_t *p, size_t before, size_t avail,
		    struct fc_kept_got *g);
	/* FC_KEPT_CALLPAIR at p (address P): where the pair goes, which takes
	 * both instructions where decode sees one. false: the bytes do not
	 * say. */
	bool (*pair_dest)(uint32_t type, const uint8_t *p, size_t avail, uint64_t P, uint64_t *dest);
	/* FC_KEPT_GPREL: the type whose field it is written as (*as) and how
	 * many bits that field holds, signed; 0: it cannot be re-applied.
	 * These types are a linker's own: apply_reloc does not know them. */
	unsigned (*gprel)(uint32_t type, uint32_t *as);
	/* FC_KEPT_PAIR_LO whose label has no kept high half: whether p, at the
	 * label, is no longer an instruction a high half goes on. Then
	 * relaxation deleted the high half, which must take its low halves
	 * with it; else its relocation was merely not kept. */
	bool (*pair_hi_gone)(const uint8_t *p, size_t avail);
	/* What messages about a pair call the high half's instruction and the
	 * low half ("AUIPC", "LO12"): the arch's own words, which its users
	 * look for. */
	const char *pair_hi_insn, *pair_lo_name;
};

struct uc_struct;

struct target {
	const char *name;       /* "arm64" */
	const char *aliases;    /* space-separated: "aarch64" */
	uint16_t e_machine;
	uint32_t e_flags;       /* of the objects gen writes (RISC-V: float ABI, RVC) */
	int uc_arch, uc_mode;   /* Unicorn */
	unsigned insn_align;    /* smallest instruction size and alignment */
	unsigned func_align;    /* section alignment the generator uses */

	/* ABI registers, as Unicorn register ids. */
	int reg_pc, reg_sp, reg_ra; /* reg_ra < 0: the return address is pushed */
	const int *gprs;             /* every register a thunk must keep... */
	const char *const *gpr_names;
	unsigned ngprs;
	const int *scratch;          /* ...except these (arm64: x16, x17) */
	unsigned nscratch;
	/* What Go's linker uses in its trampolines besides (riscv64: t6),
	 * allowed when farcall check looks at a Go binary. */
	const int *go_scratch;
	unsigned ngo_scratch;
	/* Go's g register (0: in TLS), whose stackguard0 at g+16 every Go
	 * prologue compares SP with; and whether Go's linker makes trampolines
	 * here (then -debugtramp=2 sends every call it can through one). */
	int go_g;
	bool go_trampolines;
	/* DWARF register numbers (as CFI and line programs use them): the
	 * Unicorn register of each, -1 where none; the return-address column
	 * of the ABI's CIE; the stack pointer's number. */
	const int *dwarf_regs;
	unsigned ndwarf_regs;
	int dwarf_ra_column, dwarf_sp;
	/* A register the ABI keeps pointing at a linker-defined symbol, which
	 * linker relaxation may use (RISC-V gp = __global_pointer$). */
	const char *gp_symbol;
	int reg_gp;
	bool mapping_symbols;        /* $x at code, $d at data in code (AAELF64) */
	bool site_symbols;           /* relaxation moves code: a local symbol
	                              * ".fc.sN" marks each site */

	const struct fc_reloc_info *relocs; /* from relocs.def */
	unsigned nrelocs;
	/* IFUNC resolvers, as the arch's glibc calls them. */
	const struct fc_ifunc_abi *ifunc;
	/* The alignment every linker gives PLT entries here (x86-64: 8, bfd's
	 * non-lazy ones being the smallest), where the loader looks for them. */
	unsigned plt_align;
	/* How verify checks the relocations a link kept (--emit-relocs);
	 * NULL: it counts them as skipped. */
	const struct fc_kept_ops *kept;
	const struct fc_form *forms;
	unsigned nforms;

	/* At a function's entry: CFA = SP + cfa_entry, and the return address
	 * is in reg_ra or (ra_entry != 0) at CFA + ra_entry. */
	int32_t cfa_entry;
	int8_t ra_entry;
	int dwarf_fp;
	/* Relocations the debug sections use (0: the target has none): a
	 * 64- and 32-bit address, a 32-bit PC-relative one (.eh_frame), and
	 * the ADD/SUB pairs of label differences that relaxation can change. */
	uint32_t r_abs64, r_abs32, r_prel32, r_prel64;
	uint32_t r_add16, r_sub16, r_add32, r_sub32, r_add64, r_sub64;
	uint32_t r_set32; /* DW_CFA_advance_loc4 operands, as gas writes them */

	/* Hooks. */
	/* The function around the sites: entry, and the end (ret, or nothing
	 * when a tail call ends it; brk/ebreak/ud2 for the entry function).
	 * emit_prologue/emit_epilogue are the frame of a function that calls,
	 * 16 bytes; frame_enter/frame_leave emit any frame and say its CFA
	 * after each instruction (steps, at most FC_MAX_CFA_STEPS). */
	void (*emit_prologue)(struct fc_code *c);
	void (*emit_epilogue)(struct fc_code *c);
	void (*frame_enter)(struct fc_code *c, const struct fc_frame *fr, struct fc_cfa_step *st,
			    unsigned *nst);
	void (*frame_leave)(struct fc_code *c, const struct fc_frame *fr, struct fc_cfa_step *st,
			    unsigned *nst);
	void (*emit_return)(struct fc_code *c, bool is_entry);
	/* One site of a code form, with relocations against the target. */
	int (*emit_site)(struct fc_code *c, const struct fc_form *f, const struct fc_emit *x);
	/* Apply relocation `type` at `loc` (address P) for value S+A. Returns
	 * -ERANGE when the value does not fit, -EINVAL for an unknown type. */
	int (*apply_reloc)(uint32_t type, uint8_t *loc, uint64_t P, uint64_t SA);
	/* Decode the instruction at `p` (address pc, `avail` bytes readable);
	 * direct branches give their destination. Returns the length. */
	unsigned (*decode)(const uint8_t *p, size_t avail, uint64_t pc,
			   enum fc_insn_type *type, uint64_t *dest);
	/* The site's sequence of form `f` as the output has it (relaxation may
	 * have shortened it): its bytes, and via *ninsns its instructions.
	 * 0 when the bytes are not that form at all. */
	unsigned (*seq_len)(const struct fc_form *f, const uint8_t *p, size_t avail,
			    uint64_t pc, unsigned *ninsns);
	/* Where a call or jump sequence of form `f` at pc goes, when its bytes
	 * say so (RISC-V AUIPC+JALR); 0 when they do not. Single instructions
	 * need not: decode gives their destination. */
	int (*seq_dest)(const struct fc_form *f, const uint8_t *p, size_t avail, uint64_t pc,
			uint64_t *dest);
	/* One instruction as text for traces; returns its length, 0 when it
	 * cannot be decoded. */
	unsigned (*disasm)(const uint8_t *p, size_t avail, uint64_t pc, char *buf, size_t len);
	/* Set what the registers list does not cover (flags) to the values
	 * every site starts from. */
	void (*init_cpu)(struct uc_struct *uc);
	/* Test support (tests/tools/fc-patch): a sequence at `at` that puts
	 * `dest` in a scratch register and jumps there; a direct jump from
	 * `at` to `dest`. Return bytes written to buf (0: cannot). */
	size_t (*enc_jump_abs)(uint8_t *buf, uint64_t at, uint64_t dest);
	size_t (*enc_jump)(uint8_t *buf, uint64_t at, uint64_t dest);
};

/* Declared here for the targets' tables (targets/<arch>/<arch>.c), which
 * point at their own; defined in targets/<arch>/kept.c, apart from the rest
 * of the arch, as only the one check uses them. */
extern const struct fc_kept_ops fc_kept_arm64, fc_kept_amd64, fc_kept_riscv64;

/* A function's instructions in order, as the target decodes them; bytes
 * it cannot decode are stepped over an alignment unit at a time. */
struct fc_insn {
	uint64_t addr, off;     /* where, and from the start of the walk */
	unsigned len;
	enum fc_insn_type type;
	uint64_t dest;          /* a direct branch's destination */
	const uint8_t *p;       /* its bytes, and how many follow to the end */
	size_t avail;
};
struct fc_insn_walk {
	const struct target *t;
	const uint8_t *code;
	uint64_t base, size, off;
};
bool fc_insn_next(struct fc_insn_walk *w, struct fc_insn *in);

const struct target *fc_target_find(const char *name);
/* The target for an e_machine, NULL when no target knows it. */
const struct target *fc_target_by_machine(unsigned e_machine);
const char *fc_target_names(void); /* "arm64 amd64 riscv64" */
const struct fc_reloc_info *fc_reloc_info(const struct target *t, uint32_t type);
const char *fc_reloc_name(const struct target *t, uint32_t type);
const struct fc_form *fc_form_find(const struct target *t, const char *name);
/* Index of a Unicorn register id in gprs[], -1 if absent. */
int fc_gpr_index(const struct target *t, int uc_reg);

#endif
