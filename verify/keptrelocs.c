/* Relocations kept with --emit-relocs must agree with the code (the
 * "relocations kept with --emit-relocs disagree with the code" class of
 * DESIGN.md; sourceware 28234; BOLT depends on them, golang/go#49031).
 *
 * Every relocation an output kept for an allocated section (SHT_RELA, not
 * itself allocated, linked to .symtab, sh_info an SHF_ALLOC section) is
 * re-applied to a copy of the output's bytes at r_offset with the target's
 * apply_reloc, for S+A (S the symbol's value, a section symbol's sh_addr, 0
 * for an undefined weak one), and the copy must equal the output. All this
 * file knows of a type is its class and width (relocs.def, enum
 * fc_kept_class) and what the target's kept hooks answer (struct
 * fc_kept_ops, targets/<arch>/kept.c, where each arch's forms and
 * relaxations are described). The width's bytes are compared: both words
 * of a call pair. The rules where the value is not plainly S+A:
 *
 * - Branches (BRANCH, CALLPAIR, and REL_END where branch_start finds a
 *   branch, whose target is then S+A+width) may go through a linker stub.
 *   When the output's branch goes elsewhere than the target, it is
 *   accepted and counted as via_stub, except when it lands
 *     - inside the object around the target (its function): a wrong offset;
 *     - inside a sized symbol whose name is no linker stub's (the
 *       linker table's fc_is_linker_stub_name) and that is not in a .plt
 *       section;
 *     - in a stub by name but not at its start, or in a stub whose name
 *       says it goes to another function (fc_thunk_target);
 *     - in unnamed code (gold's stubs, PLT entries: accepted) that is not
 *       executable or decodes as a trap (the padding after a stub).
 *   emu executes every call through whatever is there; this only says
 *   that the kept relocation still names the branch's final target.
 * - GOT relocations are re-applied for the GOT entry's address: the words
 *   of the output's .got* sections holding the symbol's address (after the
 *   dynamic relocations, as emu loads the image) are the candidates, and
 *   one of them must reproduce the bytes (for GDAT(S+A) or G+A, as the
 *   target's got hook says). When the code was relaxed to address the
 *   symbol directly and the kept relocation still says GOT, that is a
 *   failure "kept as GOT relocation but the code was relaxed". When no
 *   entry holds the address and the code is not the direct form either,
 *   the relocation is skipped (a relaxed opcode with a wrong value is a
 *   failure).
 * - PAIR_LO relocations take the value of the PAIR_HI one kept at the
 *   instruction their symbol labels (found after every other relocation,
 *   by address); with none there they are skipped, or fail when that
 *   instruction is gone (pair_hi_gone). GPREL ones (an immediate off gp)
 *   must give S+A (or S+A-gp) in the immediate.
 * - A kept relocation on an instruction not of its kind is a failure: "...
 *   relaxed without updating the kept relocation" for what the
 *   relaxations linkers make leave (the insn hook says which), "... which
 *   the relocation does not apply to" otherwise (a misplaced relocation).
 * - Skipped (counted): types apply_reloc does not know, label differences
 *   (DIFF: their value is the difference of two relocations), TLS,
 *   symbols undefined and not weak (resolved at run time), TLS and IFUNC
 *   symbols, and the classes whose hook the target lacks (all of them when
 *   it has no kept hooks). Ignored (in relocs only): MARK.
 *
 * One pass over the relocations (two where the target has PAIR_LO types),
 * a binary search per branch or GOT relocation, nothing allocated per
 * relocation but messages.
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
#include "../link/linker_table.h"
#include "../targets/util.h"
#include "thunknames.h"

#define add fc_strv_addf

/* A type as the check sees it: relocs.def's class and width, the pair's
 * high half apart. */
struct kind {
	uint8_t cls;  /* enum fc_kept_class, FC_KEPT_PAIR_HI masked */
	uint8_t width;
	bool hi;      /* FC_KEPT_PAIR_HI: remembered for the low halves */
};

struct sec {
	uint64_t addr, size, flags;
	uint32_t type;
	const char *name;
};

struct gslot {
	uint64_t value, addr;
};

/* The kept relocation of a pair's high half (RISC-V: on the AUIPC), for
 * the low halves that point at it. */
enum { HI_UNKNOWN, HI_OK, HI_RELAXED };
struct hient {
	uint64_t addr;   /* first: the sort key */
	uint64_t t;      /* what the pair addresses: S+A, or the GOT entry + A */
	uint64_t holds;  /* FC_KEPT_GOT: what its GOT entry holds, and A */
	uint64_t a;
	uint32_t type;
	uint8_t state;
};

struct ctx {
	struct fc_image *im;
	const struct target *t;
	const struct fc_kept_ops *ops; /* t->kept */
	struct fc_kept_kind *kinds;    /* ops->kinds by type */
	size_t nkinds;
	struct fc_kept_result *r;
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

static int by_type(const void *a, const void *b)
{
	const struct fc_kept_kind *x = a, *y = b;
	return x->type < y->type ? -1 : x->type > y->type;
}

/* The target's row for a type, NULL when it has none. */
static const struct fc_kept_kind *kind_row(const struct ctx *c, uint32_t type)
{
	struct fc_kept_kind key = {.type = type};
	return c->nkinds ? bsearch(&key, c->kinds, c->nkinds, sizeof *c->kinds, by_type) : NULL;
}

static struct kind classify(const struct ctx *c, uint32_t type)
{
	const struct fc_kept_kind *r = kind_row(c, type);
	if (!r)
		return (struct kind){FC_KEPT_PLAIN, 4, false};
	return (struct kind){(uint8_t)(r->cls & ~FC_KEPT_PAIR_HI), r->width,
			     (r->cls & FC_KEPT_PAIR_HI) != 0};
}

/* Is the instruction at p of the kind relocation `type` goes on? (Data
 * relocations: always.) */
static bool insn_fits(const struct ctx *c, uint32_t type, const uint8_t *p, size_t avail)
{
	return c->ops->insn(type, p, avail) == FC_KEPT_INSN_FITS;
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
	fc_qsort(c->got, c->ngot, sizeof *c->got, by_value);
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
	size_t i = fc_lower_key64(c->hi, c->nhi, sizeof *c->hi, addr);
	return i < c->nhi && c->hi[i].addr == addr ? &c->hi[i] : NULL;
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

/* The relocation's name: relocs.def's, the target's kept kinds' (types
 * only outputs have), or "relocation type N". */
static const char *rname(const struct ctx *c, uint32_t type, char *buf, size_t len)
{
	if (fc_reloc_info(c->t, type))
		return fc_reloc_name(c->t, type);
	const struct fc_kept_kind *r = kind_row(c, type);
	if (r && r->name)
		return r->name;
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
	else if (k->k.width == 8 && k->k.cls == FC_KEPT_CALLPAIR)
		snprintf(buf, len, "0x%08x 0x%08x", fc_rd32(p), fc_rd32(p + 4));
	else if (k->k.width == 8)
		snprintf(buf, len, "0x%016" PRIx64, fc_rd64(p));
	else
		snprintf(buf, len, "0x%08x", fc_rd32(p));
	return buf;
}

/* The article before a name in capitals: "an" ADD, "a" JAL. */
static const char *an(const char *name)
{
	return name[0] && strchr("AEIOU", name[0]) ? "an" : "a";
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
	snprintf(buf, len, "%s %s", an(m), m);
	return buf;
}

static void bad(struct ctx *c, uint64_t P)
{
	(void)P;
	c->r->failed++;
}

/* The standard failure: re-applying gives `want`, the output has `have`. */
static void fail_bytes(struct ctx *c, const struct krel *k, const uint8_t *want,
		       const uint8_t *have, const char *extra)
{
	char rn[40];
	char w[128], s[256], e[48], h[48];
	fc_find_at(&c->r->f, &c->im->syms, FC_SEV_FAIL, k->P, "%s: %s (0x%" PRIx64 "): kept %s %s gives %s, the output has %s%s",
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
	bool relaxed = at == k->P ? p && c->ops->insn(k->type, p, avail) == FC_KEPT_INSN_RELAXED
				  : true; /* a pair's low half whose high half is gone */
	fc_find_at(&c->r->f, &c->im->syms, FC_SEV_FAIL, k->P, "%s: %s (0x%" PRIx64 "): kept %s %s but the code there%s is %s%s",
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
	fc_find_at(&c->r->f, &c->im->syms, FC_SEV_FAIL, k->P, "%s: %s (0x%" PRIx64 "): kept %s %s: kept as GOT relocation but "
	    "the code was relaxed to %s of the symbol itself",
	    c->im->path, where(c, k->P, w, sizeof w), k->P,
	    rname(c, k->type, rn, sizeof rn), fmt_sym(k, s, sizeof s), fmt_insn(c, insn_at, i, sizeof i));
	bad(c, k->P);
}

static void fail_text(struct ctx *c, const struct krel *k, const char *what)
{
	char rn[40];
	char w[128], s[256];
	fc_find_at(&c->r->f, &c->im->syms, FC_SEV_FAIL, k->P, "%s: %s (0x%" PRIx64 "): kept %s %s %s", c->im->path,
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
	if (covered && fc_is_linker_stub_name(d->name)) {
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
	if (k->k.cls == FC_KEPT_CALLPAIR) {
		/* decode sees one instruction of the pair; the target reads both */
		known = c->ops->pair_dest(k->type, have, k->k.width, k->P, &dest);
	} else if (p && c->t->decode(p, avail, insn_at, &it, &dest) &&
		   (it == FC_INSN_CALL || it == FC_INSN_JUMP || it == FC_INSN_JUMP_COND)) {
		known = true;
	}
	if (!known) {
		fail_relaxed(c, k, insn_at);
		return;
	}
	/* Where the branch must go: S+A, or for a field relative to its own
	 * end, which ends the instruction (x86-64's rel32, A = -4), S+A+width. */
	uint64_t tgt = k->k.cls == FC_KEPT_REL_END ? k->SA + k->k.width : k->SA;
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

/* The output's bytes around a field at P, for hooks that read what comes
 * before it (an opcode before its displacement): out's avail bytes from P,
 * and before them the most of MAX_BEFORE that the image has, copied to win;
 * returns where P is in win. */
#define MAX_BEFORE 16
static const uint8_t *around(struct ctx *c, uint64_t P, const uint8_t *out, size_t avail,
			     uint8_t win[MAX_BEFORE + 16], size_t *before)
{
	size_t n = MAX_BEFORE;
	const uint8_t *b = NULL;
	for (; n; n--)
		if (P >= n && (b = fc_image_ptr(c->im, P - n, n)))
			break;
	if (n)
		memcpy(win, b, n);
	memcpy(win + n, out, avail < 16 ? avail : 16);
	*before = n;
	return win + n;
}

static void check_got(struct ctx *c, const struct krel *k, const uint8_t *out, size_t avail)
{
	uint8_t buf[16], win[MAX_BEFORE + 16];
	size_t before = 0;
	const uint8_t *p = around(c, k->P, out, avail, win, &before);
	struct fc_kept_got g;
	c->r->checked++;
	c->ops->got(k->type, p, before, avail, &g);
	if (g.form == FC_KEPT_GOT_OTHER) {
		if (k->k.hi)
			hi_add(c, k->P, k->type, 0, HI_UNKNOWN);
		fail_relaxed(c, k, k->P);
		return;
	}
	bool got_form = g.form == FC_KEPT_GOT_LOAD; /* (or cannot tell) */
	uint64_t insn_at = k->P - g.insn_back;
	uint64_t direct_v = k->SA + (uint64_t)g.direct_add;
	/* What the GOT entry holds, and what goes with its address into the
	 * field: GDAT(S+A), or G + A. */
	uint64_t holds = g.gdat ? k->SA : k->S, add_a = g.gdat ? 0 : k->A;
	size_t first = 0, n = got_form ? got_find(c, holds, &first) : 0;
	if (n > 64)
		n = 64; /* a value in many entries (0, for undefined weak symbols) */
	for (size_t i = 0; i < n; i++) {
		uint64_t e = c->got[first + i].addr;
		if (reapply(c, k->type, out, avail, k->P, e + add_a, buf) == 0 &&
		    !memcmp(buf, out, k->k.width)) {
			if (k->k.hi) {
				struct hient *h = hi_add(c, k->P, k->type, e + add_a, HI_OK);
				h->holds = holds, h->a = add_a;
			}
			return;
		}
	}
	/* The direct form: the code addresses S+A itself. */
	if (reapply(c, g.direct, out, avail, k->P, direct_v, buf) == 0 &&
	    !memcmp(buf, out, k->k.width)) {
		if (k->k.hi)
			hi_add(c, k->P, k->type, k->SA, HI_RELAXED);
		fail_got_relaxed(c, k, insn_at);
		return;
	}
	if (k->k.hi)
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

/* The low half of a PC-relative pair: the value of the high half at its
 * label. */
static void check_pair_lo(struct ctx *c, const struct krel *k, const uint8_t *out, size_t avail)
{
	uint8_t buf[16];
	const char *hi_insn = c->ops->pair_hi_insn ? c->ops->pair_hi_insn : "high half";
	/* The label: a local symbol at the high half (its addend unused, as
	 * lld and bfd read it), or a section symbol plus the addend. */
	uint64_t label = k->secsym ? k->SA : k->S;
	struct hient *h = hi_find(c, label);
	if (!h) {
		size_t la = 0;
		const uint8_t *a = fc_image_span(c->im, label, 16, &la);
		if (a && c->ops->pair_hi_gone(a, la)) {
			c->r->checked++;
			fail_relaxed(c, k, label); /* the high half is gone */
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
	if (!insn_fits(c, k->type, out, avail)) {
		fail_relaxed(c, k, k->P);
		return;
	}
	struct kind hk = classify(c, h->type);
	bool hgot = hk.cls == FC_KEPT_GOT;
	if (hgot) {
		/* The high half reaches the GOT entry's page and the symbol's
		 * alike; this instruction says which. */
		uint8_t win[MAX_BEFORE + 16];
		size_t before = 0;
		const uint8_t *p = around(c, k->P, out, avail, win, &before);
		struct fc_kept_got g;
		c->ops->got(k->type, p, before, avail, &g);
		if (g.form == FC_KEPT_GOT_OTHER) {
			fail_relaxed(c, k, k->P);
			return;
		}
		if (h->state == HI_OK && g.form != FC_KEPT_GOT_LOAD) {
			fail_got_relaxed(c, k, k->P);
			return;
		}
		if (h->state == HI_RELAXED && g.form == FC_KEPT_GOT_LOAD) {
			char msg[200];
			snprintf(msg, sizeof msg, "is the %s of %s %s relaxed to address the symbol "
				 "directly, but the code here still loads from the GOT",
				 c->ops->pair_lo_name ? c->ops->pair_lo_name : "low half", an(hi_insn),
				 hi_insn);
			fail_text(c, k, msg);
			return;
		}
	}
	if (reapply(c, k->type, out, avail, k->P, h->t - label, buf) == 0 &&
	    !memcmp(buf, out, k->k.width))
		return;
	if (hgot && h->state == HI_OK) {
		/* Another entry holding the same address may be the one both
		 * halves reach (the high half alone cannot tell entries of a
		 * page apart). */
		size_t first = 0, n = got_find(c, h->holds, &first);
		if (n > 64)
			n = 64;
		size_t havail = 0;
		const uint8_t *hp = fc_image_span(c->im, label, 16, &havail);
		uint8_t hb[16];
		for (size_t i = 0; i < n && hp; i++) {
			uint64_t t = c->got[first + i].addr + h->a;
			if (reapply(c, k->type, out, avail, k->P, t - label, hb) == 0 &&
			    !memcmp(hb, out, k->k.width) &&
			    reapply(c, h->type, hp, havail, label, t, hb) == 0 &&
			    !memcmp(hb, hp, hk.width))
				return;
		}
	}
	char extra[160], lw[128];
	snprintf(extra, sizeof extra, " (its %s at %s)", hi_insn, where(c, label, lw, sizeof lw));
	fail_bytes(c, k, buf, out, extra);
}

/* Whether the target has what checking a class takes. */
static bool can_check(const struct ctx *c, uint8_t cls)
{
	switch (cls) {
	case FC_KEPT_REL_END: return c->ops->branch_start;
	case FC_KEPT_CALLPAIR: return c->ops->pair_dest;
	case FC_KEPT_GOT: return c->ops->got;
	case FC_KEPT_PAIR_LO: return c->ops->pair_hi_gone;
	case FC_KEPT_GPREL: return c->ops->gprel;
	}
	return true;
}

/* A value off gp in an immediate (FC_KEPT_GPREL), written as type `as`
 * is, `bits` wide. The types are a linker's own (bfd's, whose relaxation
 * makes them): bfd keeps them with -gp folded into the addend, so the
 * immediate is S+A; S+A-gp (gp = the target's gp_symbol) is accepted
 * too. */
static void check_gprel(struct ctx *c, const struct krel *k, const uint8_t *out, size_t avail,
			uint32_t as, unsigned bits)
{
	uint8_t buf[16], b2[16];
	c->r->checked++;
	if (!insn_fits(c, k->type, out, avail)) {
		fail_relaxed(c, k, k->P);
		return;
	}
	const char *gpname = c->t->gp_symbol;
	const struct fc_sym *gp = gpname ? fc_syms_by_name(&c->im->syms, gpname) : NULL;
	int64_t lo = -((int64_t)1 << (bits - 1)), hi = (int64_t)1 << (bits - 1);
	int64_t v = (int64_t)k->SA;
	if (v >= lo && v < hi && reapply(c, as, out, avail, k->P, k->SA, buf) == 0 &&
	    !memcmp(buf, out, k->k.width))
		return;
	int64_t off = gp ? (int64_t)(k->SA - gp->addr) : INT64_MAX;
	if (off >= lo && off < hi && reapply(c, as, out, avail, k->P, (uint64_t)off, b2) == 0 &&
	    !memcmp(b2, out, k->k.width))
		return;
	if (v >= lo && v < hi) {
		fail_bytes(c, k, buf, out, NULL);
		return;
	}
	if (off >= lo && off < hi) { /* gp is then known */
		char extra[96];
		snprintf(extra, sizeof extra, " (S+A less %s)", gpname);
		fail_bytes(c, k, b2, out, extra);
		return;
	}
	char msg[200];
	snprintf(msg, sizeof msg, "cannot be re-applied here: neither S+A (0x%" PRIx64 ") nor S+A "
		 "less %s fits the %u-bit immediate", k->SA, gpname ? gpname : "gp", bits);
	fail_text(c, k, msg);
}

static void check_one(struct ctx *c, struct krel *k)
{
	size_t avail = 0;
	const uint8_t *out = fc_image_span(c->im, k->P, 16, &avail);
	if (!out || avail < k->k.width) {
		c->r->checked++;
		fail_text(c, k, "is at an address the output has no bytes for");
		if (k->k.hi)
			hi_add(c, k->P, k->type, 0, HI_UNKNOWN);
		return;
	}
	if (!can_check(c, k->k.cls)) {
		c->r->skipped++;
		if (k->k.hi)
			hi_add(c, k->P, k->type, 0, HI_UNKNOWN);
		return;
	}
	uint8_t buf[16];
	switch (k->k.cls) {
	case FC_KEPT_GOT:
		check_got(c, k, out, avail);
		return;
	case FC_KEPT_PAIR_LO:
		check_pair_lo(c, k, out, avail);
		return;
	case FC_KEPT_TLS:
		c->r->skipped++;
		if (k->k.hi)
			hi_add(c, k->P, k->type, 0, HI_UNKNOWN);
		return;
	case FC_KEPT_CALLPAIR:
		if (!insn_fits(c, k->type, out, avail)) {
			fail_relaxed(c, k, k->P);
			c->r->checked++;
			return;
		}
		break;
	case FC_KEPT_GPREL: {
		uint32_t as = 0;
		unsigned bits = c->ops->gprel(k->type, &as);
		if (!bits || bits > 63) {
			c->r->skipped++;
			return;
		}
		check_gprel(c, k, out, avail, as, bits);
		return;
	}
	case FC_KEPT_BRANCH:
		break;
	case FC_KEPT_REL_END: {
		/* Only the bytes before the field say whether it is a branch. */
		unsigned back = 0;
		if (k->exec) {
			uint8_t win[MAX_BEFORE + 16];
			size_t before = 0;
			const uint8_t *p = around(c, k->P, out, avail, win, &before);
			back = c->ops->branch_start(k->type, p, before);
		}
		uint64_t at = k->P - back;
		if (!back || !at)
			break;
		int rc = reapply(c, k->type, out, avail, k->P, k->SA, buf);
		if (rc == -EINVAL) {
			c->r->skipped++;
			return;
		}
		c->r->checked++;
		if (rc == 0 && !memcmp(buf, out, k->k.width))
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
		if (k->k.hi)
			hi_add(c, k->P, k->type, 0, HI_UNKNOWN);
		return;
	}
	c->r->checked++;
	bool same = rc == 0 && !memcmp(buf, out, k->k.width);
	if (k->k.hi) /* its low halves are checked against what it says */
		hi_add(c, k->P, k->type, k->SA, HI_OK);
	if (same)
		return;
	if (!insn_fits(c, k->type, out, avail)) {
		fail_relaxed(c, k, k->P);
		return;
	}
	if (k->k.cls == FC_KEPT_BRANCH || k->k.cls == FC_KEPT_CALLPAIR) {
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
			fc_find(&c->r->f, FC_SEV_FAIL, NULL, 0, FC_NOWHERE, "%s: %s: relocation %zu unreadable: %s",
			    c->im->path, ks->name, i, elf_errmsg(-1));
			c->r->relocs++, c->r->checked++, bad(c, 0);
		}
		return false;
	}
	memset(k, 0, sizeof *k);
	k->type = (uint32_t)GELF_R_TYPE(rela.r_info);
	k->k = classify(c, k->type);
	if (lo_pass != (k->k.cls == FC_KEPT_PAIR_LO))
		return false;
	c->r->relocs++;
	if (k->k.cls == FC_KEPT_MARK)
		return false;
	if (k->k.cls == FC_KEPT_DIFF) {
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
			fc_find_at(&c->r->f, &c->im->syms, FC_SEV_FAIL, k->P, "%s: %s (0x%" PRIx64 "): kept %s names symbol %zu, "
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
				if (k->k.hi && k->k.cls != FC_KEPT_TLS)
					hi_add(c, k->P, k->type, 0, HI_UNKNOWN);
				return false;
			}
			k->S = 0;
		} else if (st == STT_TLS || st == STT_GNU_IFUNC) {
			c->r->skipped++;
			if (k->k.hi && k->k.cls != FC_KEPT_TLS)
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
	struct ctx c = {.im = im, .t = im->t, .ops = im->t->kept, .r = r};
	GElf_Ehdr eh;
	size_t shnum = 0, shstrndx = 0;
	if (!gelf_getehdr(im->elf, &eh) || elf_getshdrnum(im->elf, &shnum) != 0 ||
	    elf_getshdrstrndx(im->elf, &shstrndx) != 0)
		return fc_err("%s: unreadable ELF headers: %s", im->path, elf_errmsg(-1));
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
	if (!c.ops || !c.ops->kinds || !c.ops->insn) {
		/* A target that cannot say what its relocations are. */
		for (size_t s = 0; s < nks; s++)
			r->relocs += ks[s].nrel, r->skipped += ks[s].nrel;
		goto out;
	}
	c.nkinds = c.ops->nkinds;
	c.kinds = fc_xcalloc(c.nkinds ? c.nkinds : 1, sizeof *c.kinds);
	memcpy(c.kinds, c.ops->kinds, c.nkinds * sizeof *c.kinds);
	fc_qsort(c.kinds, c.nkinds, sizeof *c.kinds, by_type);
	int npass = 1;
	for (size_t i = 0; i < c.nkinds; i++)
		if ((c.kinds[i].cls & ~FC_KEPT_PAIR_HI) == FC_KEPT_PAIR_LO)
			npass = 2;
	/* Everything but the low halves of pairs, then those, once the
	 * relocation of every high half is known. */
	for (int pass = 0; pass < npass; pass++) {
		if (pass == 1)
			fc_qsort(c.hi, c.nhi, sizeof *c.hi, fc_cmp_key64);
		for (size_t s = 0; s < nks; s++)
			for (size_t i = 0; i < ks[s].nrel; i++) {
				struct krel k;
				if (resolve(&c, &ks[s], i, pass == 1, &k))
					check_one(&c, &k);
			}
	}
out:
	free(ks);
	free(c.kinds);
	free(c.secs);
	free(c.got);
	free(c.hi);
	return ret;
}

void fc_kept_result_free(struct fc_kept_result *r)
{
	fc_findings_free(&r->f);
	memset(r, 0, sizeof *r);
}
