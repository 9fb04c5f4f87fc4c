/* Relocations kept with --emit-relocs must agree with the code (the
 * "relocations kept with --emit-relocs disagree with the code" class of
 * DESIGN.md; sourceware 28234; BOLT depends on them, golang/go#49031).
 *
 * Every relocation an output kept for an allocated section (SHT_RELA, not
 * itself allocated, linked to .symtab, sh_info an SHF_ALLOC section) is
 * re-applied to a copy of the output's bytes at r_offset with the target's
 * apply_reloc, for S+A (S the symbol's value, a section symbol's sh_addr, 0
 * for an undefined weak one), and the copy must equal the output. The
 * instruction word(s) the relocation touches are compared: 8 bytes for
 * 64-bit data and for R_RISCV_CALL(_PLT) (AUIPC+JALR), 2 for RVC types, 4
 * otherwise. The rules where the value is not plainly S+A:
 *
 * - Branches (arm64 CALL26, JUMP26, CONDBR19, TSTBR14; x86-64 PC32/PLT32
 *   on a CALL, JMP or Jcc, whose target is S+A+4; RISC-V JAL, BRANCH,
 *   RVC_JUMP/BRANCH, CALL(_PLT)) may go through a linker stub. When the
 *   output's branch goes elsewhere than the target, it is accepted and
 *   counted as via_stub, except when it lands
 *     - inside the object around the target (its function): a wrong offset;
 *     - inside a sized symbol whose name is no linker stub's (lld
 *       "__...Thunk_f", bfd "__f_veneer", mold "f$thunk3" and "f$plt", Go
 *       "f-tramp0", "f@plt") and that is not in a .plt section;
 *     - in a stub by name but not at its start, or in a stub whose name
 *       says it goes to another function (fc_thunk_target);
 *     - in unnamed code (gold's stubs, PLT entries: accepted) that is not
 *       executable or decodes as a trap (the padding after a stub).
 *   emu executes every call through whatever is there; this only says
 *   that the kept relocation still names the branch's final target.
 * - GOT relocations (arm64 ADR_GOT_PAGE, LD64_GOT_LO12_NC; x86-64 GOTPCREL,
 *   GOTPCRELX, REX_GOTPCRELX; RISC-V GOT_HI20 and the PCREL_LO12 of its
 *   AUIPC) are re-applied for the GOT entry's address: the words of the
 *   output's .got* sections holding the symbol's address (after the dynamic
 *   relocations, as emu loads the image) are the candidates, and one of
 *   them must reproduce the bytes (arm64: GDAT(S+A); x86-64, RISC-V: G+A).
 *   When the code was relaxed to address the symbol directly (ADRP+ADD,
 *   NOP+ADR, LEA, AUIPC+ADDI) and the kept relocation still says GOT, that
 *   is a failure "kept as GOT relocation but the code was relaxed"; bfd
 *   changes the type when it relaxes (R_X86_64_32S, PC32), lld, mold and
 *   gold do not. When no entry holds the address and the code is not the
 *   direct form either, the relocation is skipped (a relaxed opcode with a
 *   wrong value is a failure).
 * - RISC-V PCREL_LO12_I/S take the value of the PCREL_HI20 or GOT_HI20 kept
 *   at the AUIPC their symbol labels (found after every other relocation,
 *   by address); with none there they are skipped, or fail when the AUIPC
 *   itself is gone. bfd's GPREL_I/S (relaxed LUI+ADDI, -gp folded into the
 *   addend) must give S+A (or S+A-__global_pointer$) in the immediate.
 * - A kept relocation on an instruction not of its kind is a failure: "...
 *   relaxed without updating the kept relocation" for the relaxations
 *   linkers make (RISC-V AUIPC+JALR to JAL or C.J; arm64 ADRP+ADD to
 *   NOP+ADR), "... which the relocation does not apply to" otherwise (a
 *   misplaced relocation).
 * - Skipped (counted): types apply_reloc does not know (TLS, IRELATIVE,
 *   RVC_LUI), RISC-V label differences (ADD*, SUB*, SET*, ULEB128: their
 *   value is the difference of two relocations), symbols undefined and not
 *   weak (resolved at run time), TLS and IFUNC symbols.
 *   Ignored (in relocs only): R_*_NONE, R_RISCV_RELAX, R_RISCV_ALIGN.
 *
 * One pass over the relocations (two on RISC-V), a binary search per
 * branch or GOT relocation, nothing allocated per relocation but messages.
 * Messages: "<path>: <where> (0x<P>): kept <type> <symbol>+0x<A> gives
 * <re-applied>, the output has <bytes>", the bytes as the instruction or
 * data words they are; <where> is fc_syms_fmt's, or "<section>+0x<off>"
 * where no symbol covers P. */
#define _GNU_SOURCE
#include "keptrelocs.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "../targets/util.h"
#include "thunknames.h"

#define add fc_strv_addf

#ifndef R_RISCV_SET_ULEB128
#define R_RISCV_SET_ULEB128 60
#define R_RISCV_SUB_ULEB128 61
#endif

enum kclass {
	K_PLAIN,    /* S+A into a field */
	K_MARK,     /* NONE, RELAX, ALIGN: nothing to apply */
	K_DIFF,     /* RISC-V label differences: skipped */
	K_BRANCH,   /* a direct branch: a stub may stand between */
	K_X86_PC,   /* x86-64 PC32/PLT32: a branch when its instruction is one */
	K_CALLPAIR, /* RISC-V AUIPC+JALR */
	K_GOT,      /* the field holds the GOT entry's address (or part of it) */
	K_HI,       /* RISC-V PCREL_HI20 (plain, but remembered for its LO12) */
	K_HI_TLS,   /* RISC-V TLS_GOT_HI20, TLS_GD_HI20: skipped, and their LO12 */
	K_PCREL_LO, /* RISC-V %pcrel_lo: the value of the HI20 at its label */
	K_GPREL,    /* RISC-V GPREL_I/S (bfd's relaxed LUI+ADDI): S+A-gp in 12 bits */
};

struct kind {
	uint8_t cls;
	uint8_t width;
};

static struct kind classify(uint16_t mach, uint32_t type)
{
	switch (mach) {
	case EM_AARCH64:
		switch (type) {
		case R_AARCH64_NONE: return (struct kind){K_MARK, 0};
		case R_AARCH64_ABS64:
		case R_AARCH64_PREL64: return (struct kind){K_PLAIN, 8};
		case R_AARCH64_CALL26:
		case R_AARCH64_JUMP26:
		case R_AARCH64_CONDBR19:
		case R_AARCH64_TSTBR14: return (struct kind){K_BRANCH, 4};
		case R_AARCH64_ADR_GOT_PAGE:
		case R_AARCH64_LD64_GOT_LO12_NC: return (struct kind){K_GOT, 4};
		}
		break;
	case EM_X86_64:
		switch (type) {
		case R_X86_64_NONE: return (struct kind){K_MARK, 0};
		case R_X86_64_64:
		case R_X86_64_PC64: return (struct kind){K_PLAIN, 8};
		case R_X86_64_PC32:
		case R_X86_64_PLT32: return (struct kind){K_X86_PC, 4};
		case R_X86_64_GOTPCREL:
		case R_X86_64_GOTPCRELX:
		case R_X86_64_REX_GOTPCRELX: return (struct kind){K_GOT, 4};
		}
		break;
	case EM_RISCV:
		switch (type) {
		case R_RISCV_NONE:
		case R_RISCV_RELAX:
		case R_RISCV_ALIGN: return (struct kind){K_MARK, 0};
		case R_RISCV_ADD8: case R_RISCV_ADD16: case R_RISCV_ADD32: case R_RISCV_ADD64:
		case R_RISCV_SUB6: case R_RISCV_SUB8: case R_RISCV_SUB16: case R_RISCV_SUB32:
		case R_RISCV_SUB64: case R_RISCV_SET6: case R_RISCV_SET8: case R_RISCV_SET16:
		case R_RISCV_SET32: case R_RISCV_SET_ULEB128: case R_RISCV_SUB_ULEB128:
			return (struct kind){K_DIFF, 0};
		case R_RISCV_64: return (struct kind){K_PLAIN, 8};
		case R_RISCV_CALL:
		case R_RISCV_CALL_PLT: return (struct kind){K_CALLPAIR, 8};
		case R_RISCV_JAL:
		case R_RISCV_BRANCH: return (struct kind){K_BRANCH, 4};
		case R_RISCV_RVC_JUMP:
		case R_RISCV_RVC_BRANCH: return (struct kind){K_BRANCH, 2};
		case R_RISCV_RVC_LUI: return (struct kind){K_PLAIN, 2};
		case R_RISCV_GOT_HI20: return (struct kind){K_GOT, 4};
		case R_RISCV_PCREL_HI20: return (struct kind){K_HI, 4};
		case R_RISCV_TLS_GOT_HI20:
		case R_RISCV_TLS_GD_HI20: return (struct kind){K_HI_TLS, 4};
		case R_RISCV_PCREL_LO12_I:
		case R_RISCV_PCREL_LO12_S: return (struct kind){K_PCREL_LO, 4};
		case R_RISCV_GPREL_I:
		case R_RISCV_GPREL_S: return (struct kind){K_GPREL, 4};
		}
		break;
	}
	return (struct kind){K_PLAIN, 4};
}

/* Is the instruction at p of the kind relocation `type` goes on? (Data
 * relocations: always.) */
static bool insn_fits(uint16_t mach, uint32_t type, const uint8_t *p, size_t avail)
{
	if (avail < 2)
		return false;
	if (mach == EM_AARCH64) {
		if (avail < 4)
			return false;
		uint32_t w = fc_rd32(p);
		switch (type) {
		case R_AARCH64_CALL26: return (w & 0xfc000000u) == 0x94000000u;
		case R_AARCH64_JUMP26: return (w & 0xfc000000u) == 0x14000000u;
		case R_AARCH64_CONDBR19:
			return (w & 0xff000010u) == 0x54000000u || (w & 0x7e000000u) == 0x34000000u;
		case R_AARCH64_TSTBR14: return (w & 0x7e000000u) == 0x36000000u;
		case R_AARCH64_LD_PREL_LO19: return (w & 0x3b000000u) == 0x18000000u;
		case R_AARCH64_ADR_PREL_PG_HI21:
		case R_AARCH64_ADR_GOT_PAGE: return (w & 0x9f000000u) == 0x90000000u;
		case R_AARCH64_ADD_ABS_LO12_NC: return (w & 0x7f000000u) == 0x11000000u;
		case R_AARCH64_LDST64_ABS_LO12_NC:
		case R_AARCH64_LD64_GOT_LO12_NC: return (w & 0xff800000u) == 0xf9000000u;
		case R_AARCH64_MOVW_UABS_G0_NC:
		case R_AARCH64_MOVW_UABS_G1_NC:
		case R_AARCH64_MOVW_UABS_G2_NC:
		case R_AARCH64_MOVW_UABS_G3: return (w & 0x1f800000u) == 0x12800000u;
		}
		return true;
	}
	if (mach == EM_RISCV) {
		uint16_t h = fc_rd16(p);
		if (type == R_RISCV_RVC_JUMP)
			return (h & 0xe003u) == 0xa001u || (h & 0xe003u) == 0x2001u;
		if (type == R_RISCV_RVC_BRANCH)
			return (h & 0xe003u) == 0xc001u || (h & 0xe003u) == 0xe001u;
		if (type == R_RISCV_RVC_LUI)
			return (h & 0xe003u) == 0x6001u;
		uint32_t w = avail >= 4 ? fc_rd32(p) : 0;
		unsigned op = w & 0x7f;
		switch (type) {
		case R_RISCV_CALL:
		case R_RISCV_CALL_PLT:
			return avail >= 8 && op == 0x17 && (fc_rd32(p + 4) & 0x707fu) == 0x67u;
		case R_RISCV_JAL: return op == 0x6f;
		case R_RISCV_BRANCH: return op == 0x63;
		case R_RISCV_PCREL_HI20:
		case R_RISCV_GOT_HI20:
		case R_RISCV_TLS_GOT_HI20:
		case R_RISCV_TLS_GD_HI20: return op == 0x17;
		case R_RISCV_HI20: return op == 0x37;
		case R_RISCV_LO12_I:
		case R_RISCV_PCREL_LO12_I:
		case R_RISCV_GPREL_I:
			return op == 0x13 || op == 0x03 || op == 0x67 || op == 0x1b || op == 0x07;
		case R_RISCV_LO12_S:
		case R_RISCV_PCREL_LO12_S:
		case R_RISCV_GPREL_S: return op == 0x23 || op == 0x27;
		}
		return true;
	}
	return true;
}

/* Linker stubs by name: lld "__AArch64ADRPThunk_f" (any "__...Thunk"),
 * bfd "__f_veneer", mold "f$thunk3" and "f$plt", Go "f-tramp0", "f@plt". */
static bool stub_name(const char *n)
{
	size_t len = strlen(n);
	if (!strncmp(n, "__", 2) && (strstr(n, "Thunk") || (len > 7 && !strcmp(n + len - 7, "_veneer"))))
		return true;
	return strstr(n, "$thunk") || strstr(n, "$plt") || strstr(n, "-tramp") ||
	       (len > 4 && !strcmp(n + len - 4, "@plt"));
}

struct sec {
	uint64_t addr, size, flags;
	uint32_t type;
	const char *name;
};

struct gslot {
	uint64_t value, addr;
};

/* A RISC-V AUIPC's kept relocation, for the PCREL_LO12s that point at it. */
enum { HI_UNKNOWN, HI_OK, HI_RELAXED };
struct hient {
	uint64_t addr;
	uint64_t t;      /* what the pair addresses: S+A, or the GOT entry + A */
	uint64_t holds;  /* GOT_HI20: what its GOT entry holds (S), and A */
	uint64_t a;
	uint32_t type;
	uint8_t state;
};

struct ctx {
	struct fc_image *im;
	const struct target *t;
	struct fc_kept_result *r;
	uint16_t mach;
	struct sec *secs;
	size_t nsecs;
	struct gslot *got;
	size_t ngot;
	bool got_built;
	struct hient *hi;
	size_t nhi, hicap;
};

/* One kept relocation, resolved. */
struct krel {
	uint64_t P, S, A, SA;
	uint64_t symsize;
	uint32_t type;
	bool secsym;
	bool exec;           /* in an executable section */
	const char *symname;
	struct kind k;
};

static int by_value(const void *a, const void *b)
{
	const struct gslot *x = a, *y = b;
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int by_hiaddr(const void *a, const void *b)
{
	const struct hient *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Every 8-byte word of the output's .got* sections, by value. */
static void build_got(struct ctx *c)
{
	c->got_built = true;
	size_t cap = 0;
	for (size_t i = 0; i < c->nsecs; i++) {
		const struct sec *s = &c->secs[i];
		if (!(s->flags & SHF_ALLOC) || s->type == SHT_NOBITS || strncmp(s->name, ".got", 4))
			continue;
		uint64_t a = (s->addr + 7) & ~7ULL;
		for (; a + 8 <= s->addr + s->size; a += 8) {
			const uint8_t *p = fc_image_ptr(c->im, a, 8);
			if (!p)
				break;
			if (c->ngot == cap) {
				cap = cap ? 2 * cap : 256;
				c->got = fc_xrealloc(c->got, cap * sizeof *c->got);
			}
			c->got[c->ngot++] = (struct gslot){fc_rd64(p), a};
		}
	}
	qsort(c->got, c->ngot, sizeof *c->got, by_value);
}

/* The GOT entries holding v: [*first, *first + n). */
static size_t got_find(struct ctx *c, uint64_t v, size_t *first)
{
	if (!c->got_built)
		build_got(c);
	size_t lo = 0, hi = c->ngot;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->got[mid].value < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	size_t n = 0;
	while (lo + n < c->ngot && c->got[lo + n].value == v)
		n++;
	return n;
}

static struct hient *hi_find(struct ctx *c, uint64_t addr)
{
	size_t lo = 0, hi = c->nhi;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->hi[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->nhi && c->hi[lo].addr == addr ? &c->hi[lo] : NULL;
}

static struct hient *hi_add(struct ctx *c, uint64_t addr, uint32_t type, uint64_t t, uint8_t state)
{
	if (c->nhi == c->hicap) {
		c->hicap = c->hicap ? 2 * c->hicap : 1024;
		c->hi = fc_xrealloc(c->hi, c->hicap * sizeof *c->hi);
	}
	c->hi[c->nhi] = (struct hient){addr, t, 0, 0, type, state};
	return &c->hi[c->nhi++];
}

/* The relocation's name: relocs.def's, a few more this file knows, or
 * "relocation type N". */
static const char *rname(const struct ctx *c, uint32_t type, char *buf, size_t len)
{
	if (fc_reloc_info(c->t, type))
		return fc_reloc_name(c->t, type);
	static const struct { uint16_t mach; uint32_t type; const char *name; } more[] = {
		{EM_RISCV, R_RISCV_GPREL_I, "R_RISCV_GPREL_I"},
		{EM_RISCV, R_RISCV_GPREL_S, "R_RISCV_GPREL_S"},
		{EM_RISCV, R_RISCV_RVC_LUI, "R_RISCV_RVC_LUI"},
		{EM_RISCV, R_RISCV_TLS_GOT_HI20, "R_RISCV_TLS_GOT_HI20"},
		{EM_RISCV, R_RISCV_TLS_GD_HI20, "R_RISCV_TLS_GD_HI20"},
		{EM_X86_64, R_X86_64_GOT32, "R_X86_64_GOT32"},
		{EM_X86_64, R_X86_64_GOTPC32, "R_X86_64_GOTPC32"},
		{EM_X86_64, R_X86_64_GOTPCREL64, "R_X86_64_GOTPCREL64"},
	};
	for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
		if (more[i].mach == c->mach && more[i].type == type)
			return more[i].name;
	snprintf(buf, len, "relocation type %u", type);
	return buf;
}

/* Where an address is: "fn_17+0x40" (fc_syms_fmt), or ".eh_frame+0x1e4"
 * where no symbol says. */
static const char *where(struct ctx *c, uint64_t addr, char *buf, size_t len)
{
	fc_syms_fmt(&c->im->syms, addr, buf, len);
	if (strncmp(buf, "0x", 2) || strchr(buf, ' '))
		return buf;
	for (size_t i = 0; i < c->nsecs; i++) {
		const struct sec *s = &c->secs[i];
		if ((s->flags & SHF_ALLOC) && addr >= s->addr && addr < s->addr + s->size && *s->name) {
			snprintf(buf, len, "%s+0x%" PRIx64, s->name, addr - s->addr);
			break;
		}
	}
	return buf;
}

/* "fn_3+0x10" for the relocation's symbol and addend. */
static const char *fmt_sym(const struct krel *k, char *buf, size_t len)
{
	int64_t a = (int64_t)k->A;
	if (a < 0)
		snprintf(buf, len, "%s-0x%" PRIx64, k->symname, (uint64_t)-a);
	else
		snprintf(buf, len, "%s+0x%" PRIx64, k->symname, (uint64_t)a);
	return buf;
}

/* The bytes a relocation touches as the instruction words (or the data
 * word) they are: "0x91000400", "0x00000097 0x000080e7". */
static const char *fmt_bytes(const struct krel *k, const uint8_t *p, char *buf, size_t len)
{
	if (k->k.width == 2)
		snprintf(buf, len, "0x%04x", fc_rd16(p));
	else if (k->k.width == 8 && k->k.cls == K_CALLPAIR)
		snprintf(buf, len, "0x%08x 0x%08x", fc_rd32(p), fc_rd32(p + 4));
	else if (k->k.width == 8)
		snprintf(buf, len, "0x%016" PRIx64, fc_rd64(p));
	else
		snprintf(buf, len, "0x%08x", fc_rd32(p));
	return buf;
}

/* "a JAL", "an ADD": the instruction at addr, by its mnemonic; "no
 * instruction (0x00000000)" when it decodes as none. */
static const char *fmt_insn(struct ctx *c, uint64_t addr, char *buf, size_t len)
{
	size_t avail = 0;
	const uint8_t *p = fc_image_span(c->im, addr, 16, &avail);
	char text[128] = "";
	if (!p || !c->t->disasm(p, avail, addr, text, sizeof text) || !text[0]) {
		if (p && avail >= 4)
			snprintf(buf, len, "no instruction (0x%08x)", fc_rd32(p));
		else
			snprintf(buf, len, "no instruction");
		return buf;
	}
	char m[32];
	size_t i = 0;
	while (text[i] && !isspace((unsigned char)text[i]) && i + 1 < sizeof m) {
		m[i] = (char)toupper((unsigned char)text[i]);
		i++;
	}
	m[i] = 0;
	snprintf(buf, len, "%s %s", strchr("AEIOU", m[0]) && m[0] ? "an" : "a", m);
	return buf;
}

/* The relaxations linkers are known to make, recognised by what they
 * leave: RISC-V AUIPC+JALR to JAL or C.J, lld's arm64 ADRP+ADD (and
 * ADRP+LDR from the GOT) to NOP+ADR. */
static bool known_relaxation(uint16_t mach, uint32_t type, const uint8_t *p, size_t avail)
{
	if (avail < 2)
		return false;
	if (mach == EM_RISCV && (type == R_RISCV_CALL || type == R_RISCV_CALL_PLT)) {
		uint16_t h = fc_rd16(p);
		if ((h & 3) != 3)
			return (h & 0xe003u) == 0xa001u || (h & 0xe003u) == 0x2001u;
		return avail >= 4 && (fc_rd32(p) & 0x7f) == 0x6f;
	}
	if (mach == EM_AARCH64 && avail >= 4) {
		uint32_t w = fc_rd32(p);
		if (type == R_AARCH64_ADR_PREL_PG_HI21 || type == R_AARCH64_ADR_GOT_PAGE)
			return w == 0xd503201fu; /* nop */
		if (type == R_AARCH64_ADD_ABS_LO12_NC || type == R_AARCH64_LD64_GOT_LO12_NC)
			return (w & 0x9f000000u) == 0x10000000u; /* adr */
	}
	return false;
}

static void bad(struct ctx *c, uint64_t P)
{
	c->r->failed++;
	if (c->r->nbad < sizeof c->r->bad / sizeof c->r->bad[0])
		c->r->bad[c->r->nbad++] = P;
}

/* The standard failure: re-applying gives `want`, the output has `have`. */
static void fail_bytes(struct ctx *c, const struct krel *k, const uint8_t *want,
		       const uint8_t *have, const char *extra)
{
	char rn[40];
	char w[128], s[256], e[48], h[48];
	fc_strv_addf(&c->r->msgs, &c->r->nmsgs, "%s: %s (0x%" PRIx64 "): kept %s %s gives %s, the output has %s%s",
		     c->im->path, where(c, k->P, w, sizeof w), k->P,
		     rname(c, k->type, rn, sizeof rn), fmt_sym(k, s, sizeof s),
		     fmt_bytes(k, want, e, sizeof e), fmt_bytes(k, have, h, sizeof h), extra ? extra : "");
	bad(c, k->P);
}

/* The code at `at` is not of the relocation's kind: relaxed, and the kept
 * relocation left as it was. */
static void fail_relaxed(struct ctx *c, const struct krel *k, uint64_t at)
{
	char rn[40];
	char w[128], s[256], i[48], aw[160] = "";
	if (at != k->P) {
		char x[128];
		snprintf(aw, sizeof aw, " at %s", where(c, at, x, sizeof x));
	}
	size_t avail = 0;
	const uint8_t *p = fc_image_span(c->im, at, 16, &avail);
	bool relaxed = at == k->P ? p && known_relaxation(c->mach, k->type, p, avail)
				  : true; /* a PCREL_LO12 whose AUIPC is gone */
	add(&c->r->msgs, &c->r->nmsgs, "%s: %s (0x%" PRIx64 "): kept %s %s but the code there%s is %s%s",
	    c->im->path, where(c, k->P, w, sizeof w), k->P, rname(c, k->type, rn, sizeof rn),
	    fmt_sym(k, s, sizeof s), aw, fmt_insn(c, at, i, sizeof i),
	    relaxed ? ": relaxed without updating the kept relocation"
		    : ", which the relocation does not apply to");
	bad(c, k->P);
}

static void fail_got_relaxed(struct ctx *c, const struct krel *k, uint64_t insn_at)
{
	char rn[40];
	char w[128], s[256], i[48];
	add(&c->r->msgs, &c->r->nmsgs, "%s: %s (0x%" PRIx64 "): kept %s %s: kept as GOT relocation but "
	    "the code was relaxed to %s of the symbol itself",
	    c->im->path, where(c, k->P, w, sizeof w), k->P,
	    rname(c, k->type, rn, sizeof rn), fmt_sym(k, s, sizeof s), fmt_insn(c, insn_at, i, sizeof i));
	bad(c, k->P);
}

static void fail_text(struct ctx *c, const struct krel *k, const char *what)
{
	char rn[40];
	char w[128], s[256];
	add(&c->r->msgs, &c->r->nmsgs, "%s: %s (0x%" PRIx64 "): kept %s %s %s", c->im->path,
	    where(c, k->P, w, sizeof w), k->P, rname(c, k->type, rn, sizeof rn),
	    fmt_sym(k, s, sizeof s), what);
	bad(c, k->P);
}

/* A branch that does not go to its target `tgt` goes to dest: through a
 * stub (true), or somewhere it must not (false, with the reason in why). */
static bool via_stub(struct ctx *c, const struct krel *k, uint64_t tgt, uint64_t dest, char *why,
		     size_t len)
{
	const struct fc_syms *ss = &c->im->syms;
	char w[128];
	/* The object around the target: its function, or the relocation's
	 * symbol. */
	uint64_t lo = tgt, hi = tgt + 1;
	const struct fc_sym *y = fc_syms_at(ss, tgt);
	if (y && y->size && tgt >= y->addr && tgt < y->addr + y->size)
		lo = y->addr, hi = y->addr + y->size;
	else if (!k->secsym && k->symsize && tgt >= k->S && tgt < k->S + k->symsize)
		lo = k->S, hi = k->S + k->symsize;
	if (dest >= lo && dest < hi) {
		snprintf(why, len, " (the branch goes to %s, inside its target but not at S+A)",
			 fc_syms_fmt(ss, dest, w, sizeof w));
		return false;
	}
	const struct fc_sym *d = fc_syms_at(ss, dest);
	bool covered = d && (d->addr == dest || (d->size && dest >= d->addr && dest < d->addr + d->size));
	if (covered && stub_name(d->name)) {
		/* A stub is entered at its start, and one whose name says where
		 * it goes must go to the target. */
		uint64_t named;
		if (d->addr != dest) {
			snprintf(why, len, " (the branch goes to %s, not to the start of the stub)",
				 fc_syms_fmt(ss, dest, w, sizeof w));
			return false;
		}
		if (fc_thunk_target(ss, dest, &named) && named != tgt) {
			char t2[128];
			snprintf(why, len, " (the branch goes to %s, a stub for %s)", d->name,
				 fc_syms_fmt(ss, named, t2, sizeof t2));
			return false;
		}
		return true;
	}
	if (!covered) {
		/* Unnamed code (gold's stubs, PLT entries) must at least be code:
		 * not a trap or the padding after a stub. */
		size_t avail = 0;
		const uint8_t *p = fc_image_span(c->im, dest, 16, &avail);
		enum fc_insn_type it = FC_INSN_OTHER;
		uint64_t d2;
		if (p && fc_image_executable(c->im, dest) && c->t->decode(p, avail, dest, &it, &d2) &&
		    it != FC_INSN_TRAP)
			return true;
		snprintf(why, len, " (the branch goes to %s, where there is no code)",
			 fc_syms_fmt(ss, dest, w, sizeof w));
		return false;
	}
	for (size_t i = 0; i < c->nsecs; i++) {
		const struct sec *s = &c->secs[i];
		if ((s->flags & SHF_ALLOC) && dest >= s->addr && dest < s->addr + s->size)
			if (strstr(s->name, "plt"))
				return true;
	}
	snprintf(why, len, " (the branch goes to %s, which is no linker stub)",
		 fc_syms_fmt(ss, dest, w, sizeof w));
	return false;
}

/* After re-applying a branch gave other bytes (or could not: out of its
 * range), does the output's branch go through a stub? */
static void branch_mismatch(struct ctx *c, const struct krel *k, uint64_t insn_at,
			    const uint8_t *want, const uint8_t *have, bool have_want)
{
	size_t avail = 0;
	const uint8_t *p = fc_image_span(c->im, insn_at, 16, &avail);
	enum fc_insn_type it = FC_INSN_OTHER;
	uint64_t dest = 0;
	bool known = false;
	if (k->k.cls == K_CALLPAIR) {
		/* auipc rX, hi; jalr rY, lo(rX) */
		uint32_t a = fc_rd32(have), j = fc_rd32(have + 4);
		dest = k->P + (uint64_t)fc_sext(a & 0xfffff000u, 32) + (uint64_t)fc_sext(j >> 20, 12);
		known = true;
	} else if (p && c->t->decode(p, avail, insn_at, &it, &dest) &&
		   (it == FC_INSN_CALL || it == FC_INSN_JUMP || it == FC_INSN_JUMP_COND)) {
		known = true;
	}
	if (!known) {
		fail_relaxed(c, k, insn_at);
		return;
	}
	/* Where the branch must go: S+A, or for x86-64's rel32 (relative to
	 * the end of the instruction, A = -4) S+A+4. */
	uint64_t tgt = k->k.cls == K_X86_PC ? k->SA + 4 : k->SA;
	char why[320] = "";
	if (dest != tgt && via_stub(c, k, tgt, dest, why, sizeof why)) {
		c->r->via_stub++;
		return;
	}
	if (have_want) {
		fail_bytes(c, k, want, have, why);
	} else {
		char msg[512];
		snprintf(msg, sizeof msg, "cannot reach S+A = 0x%" PRIx64 " from here, and its branch "
			 "does not go through a linker stub%s", k->SA, why);
		fail_text(c, k, msg);
	}
}

/* Re-apply `type` for value v to a copy of the output's bytes; 0 and the
 * copy in buf, or apply_reloc's error. */
static int reapply(struct ctx *c, uint32_t type, const uint8_t *out, size_t avail, uint64_t P,
		   uint64_t v, uint8_t *buf)
{
	memset(buf, 0, 16);
	memcpy(buf, out, avail < 16 ? avail : 16);
	return c->t->apply_reloc(type, buf, P, v);
}

/* x86-64: where the instruction whose 32-bit field is at P starts, when it
 * is a CALL, JMP or Jcc rel32 (0 when not). */
static uint64_t x86_branch_start(struct ctx *c, uint64_t P)
{
	const uint8_t *b = P >= 2 ? fc_image_ptr(c->im, P - 2, 2) : NULL;
	if (!b)
		return 0;
	if (b[1] == 0xe8 || b[1] == 0xe9)
		return b[0] == 0x67 ? P - 2 : P - 1; /* addr32 call: a relaxed GOTPCRELX call */
	if (b[0] == 0x0f && b[1] >= 0x80 && b[1] <= 0x8f)
		return P - 2;
	return 0;
}

static void check_got(struct ctx *c, const struct krel *k, const uint8_t *out, size_t avail)
{
	uint8_t buf[16];
	uint32_t direct = 0;    /* the type of the direct form */
	uint64_t direct_v = k->SA;
	bool got_form = true;   /* the code is the GOT form (or cannot tell) */
	bool riscv = k->type == R_RISCV_GOT_HI20;
	uint64_t insn_at = k->P;
	/* What the GOT entry holds, and what goes with its address into the
	 * field: arm64's GOT relocations are for GDAT(S+A), x86-64's and
	 * RISC-V's for G + A. */
	uint64_t holds = k->SA, add_a = 0;
	c->r->checked++;
	switch (k->type) {
	case R_AARCH64_ADR_GOT_PAGE:
		direct = R_AARCH64_ADR_PREL_PG_HI21;
		if (!insn_fits(c->mach, k->type, out, avail)) {
			fail_relaxed(c, k, k->P);
			return;
		}
		break;
	case R_AARCH64_LD64_GOT_LO12_NC:
		direct = R_AARCH64_ADD_ABS_LO12_NC;
		if ((fc_rd32(out) & 0x7f000000u) == 0x11000000u) {
			got_form = false;
		} else if (!insn_fits(c->mach, k->type, out, avail)) {
			fail_relaxed(c, k, k->P);
			return;
		}
		break;
	case R_RISCV_GOT_HI20:
		direct = R_RISCV_PCREL_HI20;
		holds = k->S, add_a = k->A;
		if (!insn_fits(c->mach, k->type, out, avail)) {
			hi_add(c, k->P, k->type, 0, HI_UNKNOWN);
			fail_relaxed(c, k, k->P);
			return;
		}
		break;
	default: { /* x86-64 GOTPCREL, GOTPCRELX, REX_GOTPCRELX */
		holds = k->S, add_a = k->A;
		direct = R_X86_64_PC32;
		const uint8_t *b = k->P >= 3 ? fc_image_ptr(c->im, k->P - 3, 3) : NULL;
		if (!b)
			break;
		insn_at = k->P - 2;
		if (b[1] == 0x8b || b[1] == 0xff) /* mov m, r; call/jmp *m: the GOT form */
			break;
		got_form = false;
		if (b[1] == 0x8d || b[1] == 0xc7) { /* lea m, r; mov $imm32, r */
			if (b[1] == 0xc7)
				direct = R_X86_64_32S, direct_v = k->SA + 4;
			if ((b[0] & 0xf0) == 0x40) /* REX */
				insn_at = k->P - 3;
		} else if (b[2] == 0xe8 || b[2] == 0xe9) { /* addr32 call; jmp + nop */
			insn_at = b[1] == 0x67 ? k->P - 2 : k->P - 1;
		}
		break;
	}
	}
	size_t first = 0, n = got_form ? got_find(c, holds, &first) : 0;
	if (n > 64)
		n = 64; /* a value in many entries (0, for undefined weak symbols) */
	for (size_t i = 0; i < n; i++) {
		uint64_t g = c->got[first + i].addr;
		if (reapply(c, k->type, out, avail, k->P, g + add_a, buf) == 0 &&
		    !memcmp(buf, out, k->k.width)) {
			if (riscv) {
				struct hient *h = hi_add(c, k->P, k->type, g + add_a, HI_OK);
				h->holds = holds, h->a = add_a;
			}
			return;
		}
	}
	/* The direct form: the code addresses S+A itself. */
	if (reapply(c, direct, out, avail, k->P, direct_v, buf) == 0 &&
	    !memcmp(buf, out, k->k.width)) {
		if (riscv)
			hi_add(c, k->P, k->type, k->SA, HI_RELAXED);
		fail_got_relaxed(c, k, insn_at);
		return;
	}
	if (riscv)
		hi_add(c, k->P, k->type, 0, HI_UNKNOWN);
	if (!got_form) {
		/* Relaxed by its opcode, and not to S+A either. */
		char extra[96], i[48];
		snprintf(extra, sizeof extra, " (the code was relaxed to %s, of something else)",
			 fmt_insn(c, insn_at, i, sizeof i));
		fail_bytes(c, k, buf, out, extra);
		return;
	}
	if (!n) {
		c->r->checked--;
		c->r->skipped++;
		return;
	}
	reapply(c, k->type, out, avail, k->P, c->got[first].addr + add_a, buf);
	fail_bytes(c, k, buf, out, " (for its GOT entry)");
}

/* A RISC-V PCREL_LO12_I/S: the value of the HI20 at its label. */
static void check_pcrel_lo(struct ctx *c, const struct krel *k, const uint8_t *out, size_t avail)
{
	uint8_t buf[16];
	/* The label: a local symbol at the AUIPC (its addend unused, as lld
	 * and bfd read it), or a section symbol plus the addend. */
	uint64_t label = k->secsym ? k->SA : k->S;
	struct hient *h = hi_find(c, label);
	if (!h) {
		const uint8_t *a = fc_image_ptr(c->im, label, 4);
		if (a && (fc_rd32(a) & 0x7f) != 0x17) {
			c->r->checked++;
			fail_relaxed(c, k, label); /* the AUIPC is gone */
			return;
		}
		c->r->skipped++;
		return;
	}
	if (h->state == HI_UNKNOWN) {
		c->r->skipped++;
		return;
	}
	c->r->checked++;
	if (!insn_fits(c->mach, k->type, out, avail)) {
		fail_relaxed(c, k, k->P);
		return;
	}
	uint32_t w = fc_rd32(out);
	bool is_load = (w & 0x7f) == 0x03, is_addi = (w & 0x707f) == 0x13;
	if (h->type == R_RISCV_GOT_HI20 && !is_load && !is_addi) {
		fail_relaxed(c, k, k->P);
		return;
	}
	if (h->type == R_RISCV_GOT_HI20 && h->state == HI_OK && !is_load) {
		/* The AUIPC reaches the GOT entry's page and the symbol's alike;
		 * this instruction says which. */
		fail_got_relaxed(c, k, k->P);
		return;
	}
	if (h->type == R_RISCV_GOT_HI20 && h->state == HI_RELAXED && is_load) {
		fail_text(c, k, "is the LO12 of an AUIPC relaxed to address the symbol directly, "
			  "but the code here still loads from the GOT");
		return;
	}
	if (reapply(c, k->type, out, avail, k->P, h->t - label, buf) == 0 && !memcmp(buf, out, 4))
		return;
	if (h->type == R_RISCV_GOT_HI20 && h->state == HI_OK) {
		/* Another entry holding the same address may be the one both
		 * halves reach (the AUIPC alone cannot tell entries of a page
		 * apart). */
		size_t first = 0, n = got_find(c, h->holds, &first);
		if (n > 64)
			n = 64;
		size_t havail = 0;
		const uint8_t *hp = fc_image_span(c->im, label, 16, &havail);
		uint8_t hb[16];
		for (size_t i = 0; i < n && hp; i++) {
			uint64_t t = c->got[first + i].addr + h->a;
			if (reapply(c, k->type, out, avail, k->P, t - label, hb) == 0 &&
			    !memcmp(hb, out, 4) &&
			    reapply(c, R_RISCV_GOT_HI20, hp, havail, label, t, hb) == 0 &&
			    !memcmp(hb, hp, 4))
				return;
		}
	}
	char extra[160], lw[128];
	snprintf(extra, sizeof extra, " (its AUIPC at %s)", where(c, label, lw, sizeof lw));
	fail_bytes(c, k, buf, out, extra);
}

static void check_one(struct ctx *c, struct krel *k)
{
	size_t avail = 0;
	const uint8_t *out = fc_image_span(c->im, k->P, 16, &avail);
	if (!out || avail < k->k.width) {
		c->r->checked++;
		fail_text(c, k, "is at an address the output has no bytes for");
		if (k->k.cls == K_HI || k->k.cls == K_GOT || k->k.cls == K_HI_TLS)
			if (c->mach == EM_RISCV)
				hi_add(c, k->P, k->type, 0, HI_UNKNOWN);
		return;
	}
	uint8_t buf[16];
	switch (k->k.cls) {
	case K_GOT:
		check_got(c, k, out, avail);
		return;
	case K_PCREL_LO:
		check_pcrel_lo(c, k, out, avail);
		return;
	case K_HI_TLS:
		c->r->skipped++;
		hi_add(c, k->P, k->type, 0, HI_UNKNOWN);
		return;
	case K_CALLPAIR:
		if (!insn_fits(c->mach, k->type, out, avail)) {
			fail_relaxed(c, k, k->P);
			c->r->checked++;
			return;
		}
		break;
	case K_GPREL: {
		/* An immediate off gp, written as a LO12 is. These types are
		 * bfd's own (the psABI reserves their numbers): bfd keeps them
		 * with -gp folded into the addend, so the immediate is S+A;
		 * S+A-gp (gp = __global_pointer$) is accepted too. */
		c->r->checked++;
		if (!insn_fits(c->mach, k->type, out, avail)) {
			fail_relaxed(c, k, k->P);
			return;
		}
		const struct fc_sym *gp = c->t->gp_symbol ? fc_syms_by_name(&c->im->syms, c->t->gp_symbol)
							  : NULL;
		uint32_t as = k->type == R_RISCV_GPREL_I ? R_RISCV_LO12_I : R_RISCV_LO12_S;
		int64_t v = (int64_t)k->SA;
		if (v >= -2048 && v < 2048 && reapply(c, as, out, avail, k->P, k->SA, buf) == 0 &&
		    !memcmp(buf, out, 4))
			return;
		uint8_t b2[16];
		int64_t off = gp ? (int64_t)(k->SA - gp->addr) : INT64_MAX;
		if (off >= -2048 && off < 2048 && reapply(c, as, out, avail, k->P, (uint64_t)off, b2) == 0 &&
		    !memcmp(b2, out, 4))
			return;
		if (v >= -2048 && v < 2048) {
			fail_bytes(c, k, buf, out, NULL);
			return;
		}
		char msg[200];
		snprintf(msg, sizeof msg, "cannot be re-applied here: neither S+A (0x%" PRIx64 ") nor S+A "
			 "less %s fits the 12-bit immediate", k->SA, c->t->gp_symbol ? c->t->gp_symbol : "gp");
		if (off >= -2048 && off < 2048)
			fail_bytes(c, k, b2, out, " (S+A less __global_pointer$)");
		else
			fail_text(c, k, msg);
		return;
	}
	case K_BRANCH:
		break;
	case K_X86_PC: {
		uint64_t at = k->exec ? x86_branch_start(c, k->P) : 0;
		if (!at)
			break;
		int rc = reapply(c, k->type, out, avail, k->P, k->SA, buf);
		if (rc == -EINVAL) {
			c->r->skipped++;
			return;
		}
		c->r->checked++;
		if (rc == 0 && !memcmp(buf, out, 4))
			return;
		branch_mismatch(c, k, at, buf, out, rc == 0);
		return;
	}
	default:
		break;
	}
	int rc = reapply(c, k->type, out, avail, k->P, k->SA, buf);
	if (rc == -EINVAL) {
		c->r->skipped++;
		if (k->k.cls == K_HI)
			hi_add(c, k->P, k->type, 0, HI_UNKNOWN);
		return;
	}
	c->r->checked++;
	bool same = rc == 0 && !memcmp(buf, out, k->k.width);
	if (k->k.cls == K_HI) /* its LO12s are checked against what it says */
		hi_add(c, k->P, k->type, k->SA, HI_OK);
	if (same)
		return;
	if (!insn_fits(c->mach, k->type, out, avail)) {
		fail_relaxed(c, k, k->P);
		return;
	}
	if (k->k.cls == K_BRANCH || k->k.cls == K_CALLPAIR) {
		branch_mismatch(c, k, k->P, buf, out, rc == 0);
		return;
	}
	if (rc) {
		char msg[128];
		snprintf(msg, sizeof msg, "cannot be re-applied here: S+A = 0x%" PRIx64 " is out of its range",
			 k->SA);
		fail_text(c, k, msg);
		return;
	}
	fail_bytes(c, k, buf, out, NULL);
}

struct kept_sec {
	Elf_Data *rel, *sym;
	size_t nrel, nsym;
	size_t strndx;
	size_t target;   /* sh_info */
	const char *name;
};

/* Resolve one relocation; false (and counted) when it is not to check. */
static bool resolve(struct ctx *c, const struct kept_sec *ks, size_t i, bool lo_pass, struct krel *k)
{
	char rn[40];
	GElf_Rela rela;
	if (!gelf_getrela(ks->rel, (int)i, &rela)) {
		if (!lo_pass) {
			add(&c->r->msgs, &c->r->nmsgs, "%s: %s: relocation %zu unreadable: %s",
			    c->im->path, ks->name, i, elf_errmsg(-1));
			c->r->relocs++, c->r->checked++, bad(c, 0);
		}
		return false;
	}
	memset(k, 0, sizeof *k);
	k->type = (uint32_t)GELF_R_TYPE(rela.r_info);
	k->k = classify(c->mach, k->type);
	if (lo_pass != (k->k.cls == K_PCREL_LO))
		return false;
	c->r->relocs++;
	if (k->k.cls == K_MARK)
		return false;
	if (k->k.cls == K_DIFF) {
		c->r->skipped++;
		return false;
	}
	k->P = rela.r_offset;
	k->A = (uint64_t)rela.r_addend;
	k->exec = ks->target < c->nsecs && (c->secs[ks->target].flags & SHF_EXECINSTR);
	size_t si = GELF_R_SYM(rela.r_info);
	k->symname = "*ABS*";
	if (si) {
		GElf_Sym sym;
		if (si >= ks->nsym || !gelf_getsym(ks->sym, (int)si, &sym)) {
			char w[128];
			add(&c->r->msgs, &c->r->nmsgs, "%s: %s (0x%" PRIx64 "): kept %s names symbol %zu, "
			    "which its symbol table does not have", c->im->path,
			    where(c, k->P, w, sizeof w), k->P,
			    rname(c, k->type, rn, sizeof rn), si);
			c->r->checked++;
			bad(c, k->P);
			return false;
		}
		int st = GELF_ST_TYPE(sym.st_info);
		const char *n = elf_strptr(c->im->elf, ks->strndx, sym.st_name);
		k->symname = n && *n ? n : "?";
		k->symsize = sym.st_size;
		if (st == STT_SECTION) {
			k->secsym = true;
			if (sym.st_shndx < c->nsecs) {
				k->S = c->secs[sym.st_shndx].addr;
				k->symname = c->secs[sym.st_shndx].name;
			}
		} else if (sym.st_shndx == SHN_UNDEF) {
			if (GELF_ST_BIND(sym.st_info) != STB_WEAK) {
				c->r->skipped++; /* resolved at run time */
				if (c->mach == EM_RISCV && (k->k.cls == K_HI || k->k.cls == K_GOT))
					hi_add(c, k->P, k->type, 0, HI_UNKNOWN);
				return false;
			}
			k->S = 0;
		} else if (st == STT_TLS || st == STT_GNU_IFUNC) {
			c->r->skipped++;
			if (c->mach == EM_RISCV && (k->k.cls == K_HI || k->k.cls == K_GOT))
				hi_add(c, k->P, k->type, 0, HI_UNKNOWN);
			return false;
		} else {
			k->S = sym.st_value;
		}
	}
	k->SA = k->S + k->A;
	return true;
}

int fc_kept_relocs_check(struct fc_image *im, struct fc_kept_result *r)
{
	memset(r, 0, sizeof *r);
	struct ctx c = {.im = im, .t = im->t, .r = r};
	GElf_Ehdr eh;
	size_t shnum = 0, shstrndx = 0;
	if (!gelf_getehdr(im->elf, &eh) || elf_getshdrnum(im->elf, &shnum) != 0 ||
	    elf_getshdrstrndx(im->elf, &shstrndx) != 0)
		return fc_err("%s: unreadable ELF headers: %s", im->path, elf_errmsg(-1));
	c.mach = eh.e_machine;
	c.nsecs = shnum;
	c.secs = fc_xcalloc(shnum ? shnum : 1, sizeof *c.secs);
	for (size_t i = 0; i < shnum; i++) {
		Elf_Scn *scn = elf_getscn(im->elf, i);
		GElf_Shdr sh;
		c.secs[i].name = "";
		if (!scn || !gelf_getshdr(scn, &sh))
			continue;
		const char *n = elf_strptr(im->elf, shstrndx, sh.sh_name);
		c.secs[i] = (struct sec){sh.sh_addr, sh.sh_size, sh.sh_flags, sh.sh_type, n ? n : ""};
	}
	/* The kept relocation sections. */
	struct kept_sec *ks = NULL;
	size_t nks = 0;
	int ret = 0;
	for (size_t i = 1; i < shnum; i++) {
		Elf_Scn *scn = elf_getscn(im->elf, i);
		GElf_Shdr sh;
		if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA || (sh.sh_flags & SHF_ALLOC))
			continue;
		if (!sh.sh_info || sh.sh_info >= shnum || !(c.secs[sh.sh_info].flags & SHF_ALLOC) ||
		    sh.sh_link >= shnum || c.secs[sh.sh_link].type != SHT_SYMTAB || !sh.sh_entsize)
			continue;
		Elf_Scn *ss = elf_getscn(im->elf, sh.sh_link);
		GElf_Shdr ssh;
		Elf_Data *rd = elf_getdata(scn, NULL), *sd = ss ? elf_getdata(ss, NULL) : NULL;
		if (!rd || !sd || !gelf_getshdr(ss, &ssh) || !ssh.sh_entsize) {
			ret = fc_err("%s: %s: unreadable: %s", im->path, c.secs[i].name, elf_errmsg(-1));
			goto out;
		}
		ks = fc_xrealloc(ks, (nks + 1) * sizeof *ks);
		ks[nks++] = (struct kept_sec){rd, sd, sh.sh_size / sh.sh_entsize,
					      ssh.sh_size / ssh.sh_entsize, ssh.sh_link, sh.sh_info,
					      c.secs[i].name};
	}
	if (!nks)
		goto out;
	r->have = true;
	/* Everything but RISC-V's PCREL_LO12s, then those, once every AUIPC's
	 * relocation is known. */
	for (int pass = 0; pass < (c.mach == EM_RISCV ? 2 : 1); pass++) {
		if (pass == 1)
			qsort(c.hi, c.nhi, sizeof *c.hi, by_hiaddr);
		for (size_t s = 0; s < nks; s++)
			for (size_t i = 0; i < ks[s].nrel; i++) {
				struct krel k;
				if (resolve(&c, &ks[s], i, pass == 1, &k))
					check_one(&c, &k);
			}
	}
out:
	free(ks);
	free(c.secs);
	free(c.got);
	free(c.hi);
	return ret;
}

void fc_kept_result_free(struct fc_kept_result *r)
{
	for (size_t i = 0; i < r->nmsgs; i++)
		free(r->msgs[i]);
	free(r->msgs);
	memset(r, 0, sizeof *r);
}
