/* CFI checked by execution.
 *
 * Each function runs from its entry in Unicorn, with the registers every
 * call site starts from (fc_emu_baseline), SP in the middle of a writable
 * stack and a return address that is a sentinel of its own (in the link
 * register, or pushed on amd64). The real CFA is SP before the call put
 * anything on the stack, so it is known at the entry and stays the same
 * for the whole function. Before every instruction a code hook asks the
 * binary's CFI (libdw: .eh_frame, else .debug_frame) for the row of that
 * address, evaluates its CFA rule against the live registers and compares,
 * then checks that the return-address rule recovers the sentinel: same
 * value (the register holds it), offset(N) (memory at CFA+N holds it),
 * another register, or an expression. A leaf whose CFI claims a frame or a
 * saved return address (Go's "leaf bit" bug) is wrong at its entry.
 *
 * Calls are stepped over: the call is compared and then not executed, PC
 * goes to the instruction after the call sequence (RISC-V AUIPC+JALR as the
 * target's forms describe it), SP as it was, and the link register (arm64,
 * riscv64) holding that address, as it would after a real call returned;
 * the return register points into memory of its own (a "heap"), never
 * into the caller's frame. Functions store only where a program can: the
 * stack and the writable segments; the stack below the CFA starts zeroed
 * for each function, so what a stepped-over callee did not initialise is
 * not what an earlier function left there; and libdw reads the CFI from
 * the file, not from the pages the functions run on.
 * A return, a trap, a direct jump out of the function (a tail call), or
 * arriving outside the function any other way ends the path; so does an
 * emulation fault and FC_CFI_MAX_INSNS instructions (loops). Conditional
 * branches go where the baseline registers send them.
 *
 * What must be exact. Asynchronous unwind tables (what gen writes, what
 * compilers write for amd64) are exact at every instruction, and
 * fc_cfi_check holds them to it. Synchronous ones (clang 14 on arm64 and
 * riscv64: prologue rows after the whole prologue, no epilogue rows) are
 * exact where an unwinder can stop in a function that did not fault: the
 * entry, every call, and the first instruction of every row, and
 * fc_cfi_check_opts without `strict` fails only those; a disagreement
 * elsewhere is a note, unless the row there runs past the function's end,
 * which no compiler's lag explains (advances gone stale under relaxation).
 *
 * Speed: one image and one hook for all functions. The hook is added once
 * and does nothing while no function is under way; when one function's
 * path ends the hook sets up the next and moves PC there, so one
 * uc_emu_start() runs many functions. Rows are cached by their [start, end)
 * range with their rules digested (a register + offset CFA, an offset RA),
 * so libdw is asked once per row, not once per instruction, and nothing is
 * allocated per instruction. */
#define _GNU_SOURCE
#include "cfi.h"
#include "thunknames.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "../emu/guard.h"
#include "../emu/emu.h"

#define NROWS 16 /* rows cached per function */
#define FC_CFI_HEAP 0x10000 /* bytes of memory for stepped-over calls' results */
#define NCALLF 8 /* call forms of a target */

enum rule {
	R_UNDEF, /* the caller's value is not recoverable (outermost frame) */
	R_SAME,  /* still in its register */
	R_REG,   /* in another register */
	R_AT,    /* in memory at CFA + off */
	R_VAL,   /* is CFA + off */
	R_EXPR,  /* a DWARF expression */
	R_BAD,   /* libdw could not say */
};

struct row {
	Dwarf_Frame *fr;
	uint64_t lo, hi;
	/* CFA = register + offset (cfa_reg a Unicorn id), or an expression. */
	int cfa_reg, cfa_dw;
	int64_t cfa_off;
	Dwarf_Op *cfa_ops;
	size_t cfa_nops;
	const char *cfa_bad;
	/* The return address. */
	enum rule ra;
	int ra_reg, ra_dw;
	int64_t ra_off;
	Dwarf_Op ra_mem[3], *ra_ops;
	size_t ra_nops;
};

struct cst {
	struct fc_image im;
	bool im_open;
	const struct target *t;
	const struct fc_cfi_func *f;
	size_t lo_i, hi_i;
	const struct fc_cfi_opts *o;
	unsigned max_insns;
	struct fc_cfi_result *r;
	struct fc_cfi_extra *x;
	size_t failcap, notecap;
	Elf *cfi_elf;     /* the file as it is, for libdw (see slice_open) */
	Dwarf *dw;
	Dwarf_CFI *eh, *cfi[2];
	unsigned ncfi;
	Dwarf_CFI *cur_cfi;
	struct row rows[NROWS], *last;
	unsigned nrows, slot;
	/* registers */
	int ids[64];
	uint64_t base[64];
	void *basep[64];
	unsigned nreg;
	const struct fc_form *callf[NCALLF];
	unsigned ncallf;
	uint64_t *noret;  /* sorted: functions that do not return, and their thunks */
	size_t nnoret;
	/* What a stepped-over call returns a pointer into (see on_code). */
	uint64_t heap_lo, heap_ptr;
	bool heap_dirty;
	uint64_t sp_low; /* the lowest SP since the stack was last cleared */
	struct fc_progress prog;
	bool progress;
	/* the function under way */
	bool active;
	size_t cur;
	uint64_t lo, hi, cfa, sentinel;
	unsigned steps;
	bool failed, noted;
	int64_t max_real, max_cfi;
	uint64_t past; /* the row under comparison ends here, past the function */
};

static void free_rows(struct cst *s)
{
	for (unsigned i = 0; i < s->nrows; i++)
		free(s->rows[i].fr);
	s->nrows = s->slot = 0;
	s->last = NULL;
}

/* The Unicorn register of DWARF register `dw`, -1 if none. */
static int uc_of(const struct target *t, uint64_t dw)
{
	return dw < t->ndwarf_regs ? t->dwarf_regs[dw] : -1;
}

static const char *reg_name(const struct target *t, int dw, char *buf, size_t len)
{
	int u = uc_of(t, (uint64_t)dw);
	int gi = u >= 0 ? fc_gpr_index(t, u) : -1;
	if (gi >= 0)
		return t->gpr_names[gi];
	if (u >= 0 && u == t->reg_pc)
		return "pc";
	snprintf(buf, len, "DWARF register %d", dw);
	return buf;
}

static bool read_reg(struct cst *s, uint64_t dw, uint64_t *v)
{
	int u = uc_of(s->t, dw);
	if (u < 0)
		return false;
	return uc_reg_read(s->im.uc, u, v) == UC_ERR_OK;
}

/* Digest what libdw says of one row. */
static void digest(struct cst *s, struct row *w)
{
	const struct target *t = s->t;
	Dwarf_Addr lo = 0, hi = 0;
	dwarf_frame_info(w->fr, &lo, &hi, NULL);
	w->lo = lo;
	w->hi = hi > lo ? hi : lo + 1;
	w->cfa_reg = -1;
	w->cfa_dw = -1;
	w->cfa_bad = NULL;
	w->cfa_ops = NULL;
	w->cfa_nops = 0;
	if (dwarf_frame_cfa(w->fr, &w->cfa_ops, &w->cfa_nops) != 0) {
		w->cfa_bad = dwarf_errmsg(-1);
	} else if (w->cfa_nops == 0) {
		w->cfa_bad = "the CFA is undefined";
	} else if (w->cfa_nops == 1) {
		const Dwarf_Op *op = &w->cfa_ops[0];
		if (op->atom >= DW_OP_breg0 && op->atom <= DW_OP_breg31) {
			w->cfa_dw = op->atom - DW_OP_breg0;
			w->cfa_off = (int64_t)op->number;
		} else if (op->atom == DW_OP_bregx) {
			w->cfa_dw = (int)op->number;
			w->cfa_off = (int64_t)op->number2;
		}
		if (w->cfa_dw >= 0 && (w->cfa_reg = uc_of(t, (uint64_t)w->cfa_dw)) < 0)
			w->cfa_bad = "the CFA is based on a register farcall cannot read";
	}
	w->ra_dw = t->dwarf_ra_column;
	w->ra_reg = uc_of(t, (uint64_t)w->ra_dw);
	w->ra_off = 0;
	Dwarf_Op *ops;
	size_t n;
	if (dwarf_frame_register(w->fr, t->dwarf_ra_column, w->ra_mem, &ops, &n) != 0) {
		w->ra = R_BAD;
		return;
	}
	w->ra_ops = ops;
	w->ra_nops = n;
	if (n == 0) {
		w->ra = ops ? R_UNDEF : R_SAME;
		return;
	}
	w->ra = R_EXPR;
	if (ops != w->ra_mem)
		return;
	/* libdw's own forms: call_frame_cfa [plus_uconst N] [stack_value], or regx R. */
	if (ops[0].atom == DW_OP_regx && n == 1) {
		w->ra = R_REG;
		w->ra_dw = (int)ops[0].number;
		w->ra_reg = uc_of(t, ops[0].number);
		return;
	}
	if (ops[0].atom != DW_OP_call_frame_cfa)
		return;
	size_t k = 1;
	if (k < n && ops[k].atom == DW_OP_plus_uconst)
		w->ra_off = (int64_t)ops[k++].number;
	if (k == n)
		w->ra = R_AT;
	else if (k + 1 == n && ops[k].atom == DW_OP_stack_value)
		w->ra = R_VAL;
}

/* The row for pc; NULL with *why and *msg set when the CFI has none. */
static struct row *row_for(struct cst *s, uint64_t pc, enum fc_cfi_why *why, const char **msg)
{
	struct row *w = s->last;
	if (w && pc >= w->lo && pc < w->hi)
		return w;
	for (unsigned i = 0; i < s->nrows; i++) {
		w = &s->rows[i];
		if (pc >= w->lo && pc < w->hi)
			return s->last = w;
	}
	Dwarf_Frame *fr;
	if (dwarf_cfi_addrframe(s->cur_cfi, pc, &fr) != 0) {
		*msg = dwarf_errmsg(-1);
		*why = strstr(*msg, "no matching address range") ? FC_CFI_NO_FDE : FC_CFI_BAD;
		return NULL;
	}
	if (s->nrows < NROWS) {
		w = &s->rows[s->nrows++];
	} else {
		w = &s->rows[s->slot++ % NROWS];
		free(w->fr);
	}
	w->fr = fr;
	digest(s, w);
	/* elfutils 0.188 gives a row that follows .cfi_restore_state the start
	 * of the row that was remembered (GCC's epilogues in the middle of a
	 * function: the rows of the pops and the RET then seem to be this
	 * one). While the row at our start is another one that ends before
	 * pc, ours starts where that one ends. */
	for (int step = 0; step < 64 && w->lo < pc; step++) {
		Dwarf_Frame *f2;
		Dwarf_Addr lo2, hi2;
		if (dwarf_cfi_addrframe(s->cur_cfi, w->lo, &f2) != 0)
			break;
		bool before = dwarf_frame_info(f2, &lo2, &hi2, NULL) >= 0 && hi2 > w->lo && hi2 <= pc;
		free(f2);
		if (!before)
			break;
		w->lo = hi2;
	}
	return s->last = w;
}

/* A small DWARF expression evaluator for CFA and register rules. Returns
 * 0 with a memory address, 1 with a value, 2 with a register's value;
 * -1 when it cannot. */
static int eval(struct cst *s, const Dwarf_Op *ops, size_t n, uint64_t cfa, uint64_t *out)
{
	uint64_t st[16];
	size_t sp = 0;
	int kind = 0;
#define PUSH(v) do { uint64_t v_ = (v); if (sp == 16) return -1; st[sp++] = v_; } while (0)
#define NEED(k) do { if (sp < (k)) return -1; } while (0)
	for (size_t i = 0; i < n; i++) {
		const Dwarf_Op *op = &ops[i];
		uint8_t a = op->atom;
		uint64_t v;
		if (a >= DW_OP_lit0 && a <= DW_OP_lit31) {
			PUSH((uint64_t)(a - DW_OP_lit0));
		} else if (a >= DW_OP_breg0 && a <= DW_OP_breg31) {
			if (!read_reg(s, (uint64_t)(a - DW_OP_breg0), &v))
				return -1;
			PUSH(v + op->number);
		} else if (a >= DW_OP_reg0 && a <= DW_OP_reg31) {
			if (!read_reg(s, (uint64_t)(a - DW_OP_reg0), &v))
				return -1;
			PUSH(v);
			kind = 2;
		} else {
			switch (a) {
			case DW_OP_const1u: case DW_OP_const1s: case DW_OP_const2u:
			case DW_OP_const2s: case DW_OP_const4u: case DW_OP_const4s:
			case DW_OP_const8u: case DW_OP_const8s: case DW_OP_constu:
			case DW_OP_consts:
				PUSH(op->number);
				break;
			case DW_OP_bregx:
				if (!read_reg(s, op->number, &v))
					return -1;
				PUSH(v + op->number2);
				break;
			case DW_OP_regx:
				if (!read_reg(s, op->number, &v))
					return -1;
				PUSH(v);
				kind = 2;
				break;
			case DW_OP_call_frame_cfa: PUSH(cfa); break;
			case DW_OP_plus_uconst: NEED(1); st[sp - 1] += op->number; break;
			case DW_OP_dup: NEED(1); PUSH(st[sp - 1]); break;
			case DW_OP_drop: NEED(1); sp--; break;
			case DW_OP_over: NEED(2); PUSH(st[sp - 2]); break;
			case DW_OP_swap: NEED(2); v = st[sp - 1]; st[sp - 1] = st[sp - 2]; st[sp - 2] = v; break;
			case DW_OP_neg: NEED(1); st[sp - 1] = -st[sp - 1]; break;
			case DW_OP_not: NEED(1); st[sp - 1] = ~st[sp - 1]; break;
			case DW_OP_plus: NEED(2); sp--; st[sp - 1] += st[sp]; break;
			case DW_OP_minus: NEED(2); sp--; st[sp - 1] -= st[sp]; break;
			case DW_OP_mul: NEED(2); sp--; st[sp - 1] *= st[sp]; break;
			case DW_OP_and: NEED(2); sp--; st[sp - 1] &= st[sp]; break;
			case DW_OP_or: NEED(2); sp--; st[sp - 1] |= st[sp]; break;
			case DW_OP_xor: NEED(2); sp--; st[sp - 1] ^= st[sp]; break;
			case DW_OP_shl: NEED(2); sp--; st[sp - 1] <<= st[sp] & 63; break;
			case DW_OP_shr: NEED(2); sp--; st[sp - 1] >>= st[sp] & 63; break;
			case DW_OP_shra:
				NEED(2);
				sp--;
				st[sp - 1] = (uint64_t)((int64_t)st[sp - 1] >> (st[sp] & 63));
				break;
			case DW_OP_deref:
			case DW_OP_deref_size: {
				NEED(1);
				unsigned sz = a == DW_OP_deref ? 8 : (unsigned)op->number;
				v = 0;
				if (sz == 0 || sz > 8 || uc_mem_read(s->im.uc, st[sp - 1], &v, sz))
					return -1;
				st[sp - 1] = v;
				break;
			}
			case DW_OP_stack_value: kind = 1; break;
			case DW_OP_nop: break;
			default: return -1;
			}
		}
	}
#undef PUSH
#undef NEED
	if (!sp)
		return -1;
	*out = st[sp - 1];
	return kind;
}

static struct fc_cfi_fail *add(struct fc_cfi_fail **v, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = fc_xrealloc(*v, *cap * sizeof **v);
	}
	struct fc_cfi_fail *x = &(*v)[(*n)++];
	memset(x, 0, sizeof *x);
	return x;
}

/* Code that is not entered by a call, so that running it from its entry
 * as a called function says nothing of its CFI, which describes the frame
 * it is really entered with: the program's entry point (the kernel pushes
 * no return address), glibc's longjmp (its CFA is the jmp_buf the caller
 * passes), the lazy-binding and TLS descriptor trampolines (entered from
 * PLT0 or a TLS descriptor with their own stack layout), the signal
 * return trampolines (their CFI describes the signal frame), and GCC's cold
 * parts of a function (f.cold, jumped to with f's frame). Their
 * disagreements are notes. */
static bool special_entry(const char *n)
{
	static const char *const prefix[] = {"__longjmp", "____longjmp_chk",
					     "_dl_runtime_resolve", "_dl_runtime_profile",
					     "_dl_tlsdesc_", "__restore_rt", "__default_rt_sa_restorer",
					     "__default_sa_restorer"};
	if (!n)
		return false;
	if (!strcmp(n, "_start"))
		return true;
	const char *cold = strstr(n, ".cold");
	if (cold && (!cold[5] || cold[5] == '.'))
		return true;
	for (size_t i = 0; i < sizeof prefix / sizeof prefix[0]; i++)
		if (!strncmp(n, prefix[i], strlen(prefix[i])))
			return true;
	return false;
}

/* Code whose CFI leaves instructions out on purpose: glibc's clone and
 * clone3 on x86-64 (sysdeps/unix/sysv/linux/x86_64/clone.S, clone3.S) end
 * their FDE before the system call that starts the child ("because in the
 * child the unwind info will be wrong") and start another only at the
 * child's entry, with the return address undefined; the parent's way from
 * the system call to its RET has no CFI. No CFI there is a note; what CFI
 * they have is held to as anywhere. */
static bool cfi_gap_by_design(const char *n)
{
	static const char *const names[] = {"__clone", "clone", "__clone3"};
	if (!n)
		return false;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(n, names[i]))
			return true;
	return false;
}

/* Record the first wrong instruction of the function under way: a
 * failure, or (at an instruction only asynchronous unwind tables promise
 * and without `strict`, or in a routine not entered by a call, or where
 * a routine has no CFI by design) a note. */
static void wrong(struct cst *s, uint64_t pc, bool hard, enum fc_cfi_why why, int64_t got,
		  int64_t want, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void wrong(struct cst *s, uint64_t pc, bool hard, enum fc_cfi_why why, int64_t got,
		  int64_t want, const char *fmt, ...)
{
	if (hard && !s->o->strict &&
	    (special_entry(s->f[s->cur].name) ||
	     (why == FC_CFI_NO_FDE && cfi_gap_by_design(s->f[s->cur].name))))
		hard = false;
	if (s->failed || (!hard && s->noted))
		return;
	struct fc_cfi_fail *x;
	if (hard) {
		s->failed = true;
		s->r->failed++;
		x = add(&s->r->fails, &s->r->nfails, &s->failcap);
	} else {
		s->noted = true;
		x = add(&s->x->notes, &s->x->nnotes, &s->notecap);
	}
	const struct fc_cfi_func *f = &s->f[s->cur];
	x->func = s->cur;
	x->at = pc;
	x->why = why;
	x->got = got;
	x->want = want;
	va_list ap;
	va_start(ap, fmt);
	char *what;
	if (vasprintf(&what, fmt, ap) < 0)
		what = NULL;
	va_end(ap);
	char tail[96] = "";
	if (s->past)
		snprintf(tail, sizeof tail, " (its CFI row runs to 0x%" PRIx64 ", past the function's "
			 "end at 0x%" PRIx64 ")", s->past, s->hi);
	x->msg = fc_xasprintf("%s: at %s+0x%" PRIx64 " (0x%" PRIx64 "): %s%s", f->name, f->name,
			      pc - f->entry, pc, what ? what : "?", tail);
	free(what);
}

static void fmt_off(char *buf, size_t len, const char *reg, int64_t off)
{
	if (off)
		snprintf(buf, len, "%s%+" PRId64, reg, off);
	else
		snprintf(buf, len, "%s", reg);
}

/* "CFA-8", "CFA+16", "CFA" */
static void fmt_cfa_off(char *buf, size_t len, int64_t off)
{
	fmt_off(buf, len, "CFA", off);
}

/* Read 8 bytes of the stack from its memory directly: false when a is not
 * wholly inside it (then ask Unicorn). */
static bool stack_read(struct cst *s, uint64_t a, uint64_t *v)
{
	if (!s->im.stack_host || a < s->im.stack_lo || a > s->im.stack_hi - 8)
		return false;
	memcpy(v, s->im.stack_host + (a - s->im.stack_lo), 8);
	return true;
}

/* Compare the CFI's row at pc with the real state. */
static void compare(struct cst *s, uint64_t pc, bool sync_point)
{
	const struct target *t = s->t;
	enum fc_cfi_why why;
	const char *emsg;
	bool hard = sync_point || s->o->strict;
	struct row *w = row_for(s, pc, &why, &emsg);
	s->r->instructions++;
	s->past = 0;
	if (!w) {
		if (why == FC_CFI_NO_FDE)
			wrong(s, pc, true, why, 0, 0, "no CFI covers this instruction");
		else
			wrong(s, pc, true, why, 0, 0, "libdw cannot read the CFI here: %s", emsg);
		return;
	}
	/* A row that runs past the function's end is no compiler's synchronous
	 * lag: its advances do not match the code (stale after relaxation). */
	s->past = w->hi > s->hi ? w->hi : 0;
	hard = hard || pc == w->lo || s->past;
	uint64_t sp;
	uc_reg_read(s->im.uc, t->reg_sp, &sp);
	if (sp < s->sp_low)
		s->sp_low = sp;
	int64_t real = (int64_t)(s->cfa - sp);
	if (real > s->max_real)
		s->max_real = real;
	if (w->cfa_bad) {
		wrong(s, pc, true, FC_CFI_BAD, 0, real, "libdw cannot give the CFA here: %s", w->cfa_bad);
		return;
	}
	uint64_t cfa;
	char rb[40], sb[40];
	if (w->cfa_reg >= 0) {
		uint64_t v = sp;
		if (w->cfa_reg != t->reg_sp)
			uc_reg_read(s->im.uc, w->cfa_reg, &v);
		cfa = v + (uint64_t)w->cfa_off;
	} else if (eval(s, w->cfa_ops, w->cfa_nops, 0, &cfa) != 0) {
		wrong(s, pc, true, FC_CFI_BAD, 0, real,
		      "the CFA expression uses what farcall does not evaluate");
		return;
	}
	int64_t claimed = (int64_t)(cfa - sp);
	if (claimed > s->max_cfi)
		s->max_cfi = claimed;
	if (cfa != s->cfa) {
		char says[128], is[48];
		const char *spn = reg_name(t, t->dwarf_sp, sb, sizeof sb);
		fmt_off(is, sizeof is, spn, real);
		if (w->cfa_reg == t->reg_sp) {
			fmt_off(says, sizeof says, spn, claimed);
		} else {
			char a[48], b[48];
			if (w->cfa_reg >= 0)
				fmt_off(a, sizeof a, reg_name(t, w->cfa_dw, rb, sizeof rb), w->cfa_off);
			else
				snprintf(a, sizeof a, "an expression");
			fmt_off(b, sizeof b, spn, claimed);
			snprintf(says, sizeof says, "%s = %s", a, b);
		}
		wrong(s, pc, hard, FC_CFI_CFA, claimed, real, "CFI says CFA = %s, the real CFA is %s",
		      says, is);
		return;
	}
	/* The return address. */
	uint64_t v = 0;
	char where[64];
	switch (w->ra) {
	case R_UNDEF:
		return; /* an outermost frame says so: nothing to recover */
	case R_BAD:
		wrong(s, pc, true, FC_CFI_BAD, 0, 0, "libdw cannot give the return address rule: %s",
		      dwarf_errmsg(-1));
		return;
	case R_SAME:
	case R_REG:
		if (w->ra_reg < 0 || uc_reg_read(s->im.uc, w->ra_reg, &v) != UC_ERR_OK) {
			wrong(s, pc, hard, FC_CFI_RA, 0, 0, "CFI says the return address is in %s, "
			      "which farcall cannot read", reg_name(t, w->ra_dw, rb, sizeof rb));
			return;
		}
		if (w->ra_reg == t->reg_pc)
			v = pc;
		if (v != s->sentinel)
			wrong(s, pc, hard, FC_CFI_RA, (int64_t)v, (int64_t)s->sentinel,
			      "CFI says the return address is %sin %s, which holds 0x%" PRIx64
			      ", not the return address", w->ra == R_SAME ? "still " : "",
			      reg_name(t, w->ra_dw, rb, sizeof rb), v);
		return;
	case R_AT:
		if (!stack_read(s, cfa + (uint64_t)w->ra_off, &v) &&
		    uc_mem_read(s->im.uc, cfa + (uint64_t)w->ra_off, &v, 8) != UC_ERR_OK) {
			fmt_cfa_off(where, sizeof where, w->ra_off);
			wrong(s, pc, hard, FC_CFI_RA, 0, (int64_t)s->sentinel,
			      "CFI says the return address is at %s (0x%" PRIx64 "), which cannot be "
			      "read", where, cfa + (uint64_t)w->ra_off);
			return;
		}
		if (v != s->sentinel) {
			fmt_cfa_off(where, sizeof where, w->ra_off);
			wrong(s, pc, hard, FC_CFI_RA, (int64_t)v, (int64_t)s->sentinel,
			      "CFI says the return address is at %s, which holds 0x%" PRIx64
			      ", not the return address", where, v);
		}
		return;
	case R_VAL:
		v = cfa + (uint64_t)w->ra_off;
		if (v != s->sentinel) {
			fmt_cfa_off(where, sizeof where, w->ra_off);
			wrong(s, pc, hard, FC_CFI_RA, (int64_t)v, (int64_t)s->sentinel,
			      "CFI says the return address is %s = 0x%" PRIx64
			      ", not the return address", where, v);
		}
		return;
	case R_EXPR: {
		int k = eval(s, w->ra_ops, w->ra_nops, cfa, &v);
		if (k == 0 && uc_mem_read(s->im.uc, v, &v, 8) != UC_ERR_OK)
			k = -1;
		if (k < 0)
			wrong(s, pc, hard, FC_CFI_RA, 0, (int64_t)s->sentinel,
			      "the return address rule is an expression farcall cannot evaluate here");
		else if (v != s->sentinel)
			wrong(s, pc, hard, FC_CFI_RA, (int64_t)v, (int64_t)s->sentinel,
			      "CFI's expression for the return address gives 0x%" PRIx64
			      ", not the return address", v);
		return;
	}
	}
}

/* End the function under way. */
static void finish(struct cst *s)
{
	if (s->cur < s->hi_i) {
		s->r->frame_real[s->cur] = s->max_real == INT64_MIN ? 0 : s->max_real;
		s->r->frame_cfi[s->cur] = s->max_cfi == INT64_MIN ? 0 : s->max_cfi;
		if (s->noted && !s->failed) {
			s->x->imprecise++;
		} else if (s->noted) {
			/* Failed after all: the note says nothing more. */
			free(s->x->notes[--s->x->nnotes].msg);
		}
	}
	free_rows(s);
	s->active = false;
}

/* Zero the stack that the functions before used, around `cfa`: what a
 * stepped-over callee would have initialised through a pointer into its
 * caller's frame (luaL_buffinit's buffer: its pointer and length) is then
 * 0, not what an earlier function left there, and a store through it
 * faults instead of landing in this function's frame, on its saved return
 * address. The red zone and stores just below SP are covered by the
 * margin. */
static void clear_stack(struct cst *s, uint64_t cfa)
{
	static const uint8_t zero[4096];
	uint64_t lo = s->sp_low < cfa - 0x4000 ? s->sp_low : cfa - 0x4000;
	lo = lo > s->im.stack_lo + 0x1000 ? (lo - 0x1000) & ~(uint64_t)0xfff : s->im.stack_lo;
	uint64_t hi = cfa + 0x1000 < s->im.stack_hi ? cfa + 0x1000 : s->im.stack_hi;
	for (uint64_t a = lo; a < hi; a += sizeof zero)
		uc_mem_write(s->im.uc, a, zero, hi - a < sizeof zero ? hi - a : sizeof zero);
	s->sp_low = cfa;
}

/* Set up function i: false when it cannot run (no code, no FDE). */
static bool begin(struct cst *s, size_t i)
{
	const struct target *t = s->t;
	const struct fc_cfi_func *f = &s->f[i];
	s->cur = i;
	if (s->progress && (i & 0x3ff) == 0)
		fc_progress_set(&s->prog, i - s->lo_i);
	if (!f->size || !fc_image_executable(&s->im, f->entry))
		return false;
	const char *died = fc_guard_enter(s->im.path, FC_GUARD_FUNC, f->entry);
	if (died) {
		s->failed = s->noted = false;
		s->past = 0;
		s->r->functions++;
		wrong(s, f->entry, true, FC_CFI_EMULATOR, 0, 0,
		      "the emulator %s while running this function from its entry: its CFI is "
		      "not checked", died);
		s->r->frame_real[i] = s->r->frame_cfi[i] = INT64_MIN;
		return false;
	}
	/* The CFI that has an FDE for the entry. */
	Dwarf_Frame *fr = NULL;
	const char *bad = NULL;
	s->cur_cfi = NULL;
	for (unsigned k = 0; k < s->ncfi && !s->cur_cfi; k++) {
		if (dwarf_cfi_addrframe(s->cfi[k], f->entry, &fr) == 0) {
			s->cur_cfi = s->cfi[k];
		} else {
			const char *m = dwarf_errmsg(-1);
			if (!strstr(m, "no matching address range"))
				bad = m;
		}
	}
	s->failed = s->noted = false;
	s->past = 0;
	s->max_real = s->max_cfi = INT64_MIN;
	if (!s->cur_cfi) {
		if (bad) {
			s->r->functions++;
			wrong(s, f->entry, true, FC_CFI_BAD, 0, 0, "libdw cannot read the CFI here: %s",
			      bad);
		} else {
			s->r->no_fde++;
		}
		/* Not checked: no frame to speak of (INT64_MIN says so). */
		s->r->frame_real[i] = s->r->frame_cfi[i] = INT64_MIN;
		return false;
	}
	struct row *w = &s->rows[s->nrows++];
	w->fr = fr;
	digest(s, w);
	s->last = w;
	s->r->functions++;
	s->lo = f->entry;
	s->hi = f->entry + f->size;
	s->steps = 0;
	if (s->heap_dirty) {
		static const uint8_t zero[FC_CFI_HEAP];
		uc_mem_write(s->im.uc, s->heap_lo, zero, sizeof zero);
		s->heap_dirty = false;
	}
	/* A sentinel of its own, so that what an earlier function left on the
	 * stack never passes for this one's return address. */
	s->sentinel = 0x5e17000000000000ULL ^ ((uint64_t)i << 4);
	uint64_t sp = (s->im.stack_lo + s->im.stack_hi) / 2;
	s->cfa = sp;
	uc_engine *uc = s->im.uc;
	clear_stack(s, sp);
	t->init_cpu(uc);
	uc_reg_write_batch(uc, s->ids, s->basep, (int)s->nreg);
	if (t->reg_ra >= 0) {
		uc_reg_write(uc, t->reg_ra, &s->sentinel);
	} else {
		sp -= 8;
		uc_mem_write(uc, sp, &s->sentinel, 8);
	}
	uc_reg_write(uc, t->reg_sp, &sp);
	if (s->o->go && t->go_g) {
		/* The stack's far end, never written: g.stackguard0 reads 0. */
		uint64_t g = s->im.stack_lo;
		uc_reg_write(uc, t->go_g, &g);
	}
	s->active = true;
	return true;
}

/* From the hook: the path ended; set up the next function that can run
 * and go there, or stop. */
static void next(struct cst *s, uc_engine *uc)
{
	finish(s);
	for (size_t i = s->cur + 1; i < s->hi_i; i++) {
		if (begin(s, i)) {
			uint64_t pc = s->f[i].entry;
			uc_reg_write(uc, s->t->reg_pc, &pc);
			return;
		}
		free_rows(s);
	}
	s->cur = s->hi_i;
	uc_emu_stop(uc);
}

/* Functions that never return to their caller, by name: C's and Go's
 * runtime. */
static bool noreturn_name(const char *n)
{
	static const char *const exact[] = {
		"abort", "exit", "_exit", "_Exit", "__stack_chk_fail", "__assert_fail",
		"__libc_fatal", "__chk_fail", "__stack_chk_fail_local", "__assert_perror_fail",
		"_dl_signal_error", "__libc_longjmp", "__longjmp_chk", "pthread_exit",
		"__pthread_exit", "__cxa_bad_cast", "__cxa_bad_typeid", "__cxa_pure_virtual",
		"__cxa_deleted_virtual", "__cxa_throw_bad_array_new_length", "_ZSt9terminatev",
		"__fortify_fail", "longjmp", "siglongjmp", "__cxa_throw", "__cxa_rethrow",
		"_Unwind_Resume", "runtime.throw", "runtime.fatal", "runtime.fatalthrow",
		"runtime.fatalpanic", "runtime.gopanic", "runtime.goexit", "runtime.Goexit",
		"runtime.sigpanic", "runtime.abort", "runtime.badmorestackg0",
		"runtime.badmorestackgsignal", "runtime.exit", "runtime.unreachableMethod",
		"runtime.panicwrap", "runtime.goPanicIndex", "runtime.gopanic.abi0"};
	static const char *const prefix[] = {"runtime.panic", "runtime.goPanic",
					     "runtime.morestack", "runtime.throw"};
	for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
		if (!strcmp(n, exact[i]))
			return true;
	for (size_t i = 0; i < sizeof prefix / sizeof prefix[0]; i++)
		if (!strncmp(n, prefix[i], strlen(prefix[i])))
			return true;
	/* libstdc++'s std::__throw_length_error and its kin. */
	return !strncmp(n, "_ZSt", 4) && strstr(n, "__throw_");
}

uint64_t *fc_noreturn_addrs(const struct fc_syms *y, size_t *n)
{
	uint64_t *v = fc_xcalloc(y->n + 1, sizeof *v);
	size_t k = 0;
	for (size_t i = 0; i < y->n; i++)
		if (y->v[i].name && noreturn_name(y->v[i].name))
			v[k++] = y->v[i].addr;
	fc_qsort(v, k, sizeof *v, fc_cmp_key64);
	/* Trampolines whose name says they lead to one of those. */
	size_t direct = k;
	for (size_t i = 0; i < y->n && direct; i++) {
		uint64_t named;
		if (fc_thunk_target(y, y->v[i].addr, &named) && named != y->v[i].addr) {
			size_t j = fc_lower_key64(v, direct, sizeof *v, named);
			if (j < direct && v[j] == named)
				v[k++] = y->v[i].addr;
		}
	}
	fc_qsort(v, k, sizeof *v, fc_cmp_key64);
	*n = k;
	return v;
}

static void on_code(uc_engine *uc, uint64_t addr, uint32_t size, void *ud)
{
	struct cst *s = ud;
	if (!s->active)
		return;
	fc_guard_at(addr);
	if (addr < s->lo || addr >= s->hi || (addr == s->lo && s->steps)) {
		/* Left the function (a branch out, or after a call at its end),
		 * or back at its entry: a tail call to itself. */
		next(s, uc);
		return;
	}
	if (s->steps++ >= s->max_insns) {
		s->x->capped++;
		next(s, uc);
		return;
	}
	const struct target *t = s->t;
	size_t avail = s->hi - addr < 16 ? (size_t)(s->hi - addr) : 16;
	const uint8_t *p = fc_image_ptr(&s->im, addr, avail);
	enum fc_insn_type ty = FC_INSN_OTHER;
	uint64_t dest = 0;
	unsigned len = p ? t->decode(p, avail, addr, &ty, &dest) : 0;
	if (!len)
		len = size;
	bool call = ty == FC_INSN_CALL || ty == FC_INSN_CALL_IND;
	if (ty == FC_INSN_OTHER && p) {
		for (unsigned k = 0; k < s->ncallf; k++) {
			unsigned ni, l = t->seq_len(s->callf[k], p, avail, addr, &ni);
			if (l) {
				call = true;
				len = l;
				break;
			}
		}
	}
	compare(s, addr, addr == s->lo || call);
	size_t nr;
	if (call && ty == FC_INSN_CALL && s->nnoret &&
	    (nr = fc_lower_key64(s->noret, s->nnoret, sizeof *s->noret, dest)) < s->nnoret &&
	    s->noret[nr] == dest) {
		/* What follows a call that does not return is not reached from
		 * it (Go puts its stack-growth stub there). */
		next(s, uc);
		return;
	}
	if (call) {
		/* Stepped over: as if the callee returned at once, and returned
		 * a pointer to memory of its own. What the return register held
		 * before the call is often a pointer into this function's frame
		 * (an argument: the std::string a constructor builds, the buffer
		 * _M_create allocates), and a function stores through what a
		 * callee returns (the new object, the new buffer): left as it
		 * was, those stores rewrote the saved return address. */
		uint64_t ret = addr + len;
		s->x->calls++;
		if (t->reg_ra >= 0)
			uc_reg_write(uc, t->reg_ra, &ret);
		if (s->heap_lo && t->ifunc) {
			uc_reg_write(uc, t->ifunc->reg_ret, &s->heap_ptr);
			s->heap_dirty = true;
		}
		uc_reg_write(uc, t->reg_pc, &ret);
		return;
	}
	if (ty == FC_INSN_RET || ty == FC_INSN_TRAP ||
	    (ty == FC_INSN_JUMP && (dest < s->lo || dest >= s->hi)))
		next(s, uc);
}

static int slice_open(struct cst *s, const char *path, const struct target *t)
{
	if (fc_image_open(&s->im, path, t) < 0)
		return -1;
	s->im_open = true;
	s->t = s->im.t;
	s->noret = fc_noreturn_addrs(&s->im.syms, &s->nnoret);
	/* Functions store to their stack frames and their data: the stack and
	 * the segments the program headers make writable, nothing else. The
	 * loader maps the file's own pages for Unicorn, and the stores of
	 * functions run with made-up registers and callees that never ran go
	 * anywhere a pointer they read from memory not yet set up says: a PIE
	 * is mapped at 0, so a null pointer (a global that a constructor
	 * stepped over would have set) is its ELF header, and storing there
	 * rewrote the program headers libdw finds .eh_frame by; stores to code
	 * would change what later functions run. A store the program's own
	 * mapping refuses is a fault here too, and ends the path. */
	uc_mem_region *reg;
	uint32_t nr;
	if (uc_mem_regions(s->im.uc, &reg, &nr) == UC_ERR_OK) {
		for (uint32_t i = 0; i < nr; i++) {
			uint64_t lo = reg[i].begin, hi = reg[i].end + 1;
			bool w = lo < s->im.stack_hi && hi > s->im.stack_lo;
			for (size_t k = 0; k < s->im.nsegs && !w; k++)
				w = s->im.segs[k].writable && lo < s->im.segs[k].hi &&
				    hi > s->im.segs[k].lo;
			if (w)
				uc_mem_protect(s->im.uc, lo, hi - lo, reg[i].perms | UC_PROT_WRITE);
		}
		uc_free(reg);
	}
	/* The memory a stepped-over call returns a pointer into: past
	 * everything mapped, 1 MiB away from it. */
	uint64_t top = 0;
	if (uc_mem_regions(s->im.uc, &reg, &nr) == UC_ERR_OK) {
		for (uint32_t i = 0; i < nr; i++)
			if (reg[i].end + 1 > top)
				top = reg[i].end + 1;
		uc_free(reg);
		uint64_t lo = ((top + 0xfffff) & ~(uint64_t)0xfffff) + 0x100000;
		if (lo > top && uc_mem_map(s->im.uc, lo, FC_CFI_HEAP,
					   UC_PROT_READ | UC_PROT_WRITE) == UC_ERR_OK) {
			s->heap_lo = lo;
			s->heap_ptr = lo + FC_CFI_HEAP / 2;
		}
	}
	/* libdw reads the CFI from a mapping of its own, as the file is:
	 * whatever the functions store into the image's pages cannot change
	 * what it finds. */
	s->cfi_elf = elf_begin(s->im.fd, ELF_C_READ_MMAP, NULL);
	Elf *e = s->cfi_elf ? s->cfi_elf : s->im.elf;
	s->eh = dwarf_getcfi_elf(e);
	if (s->eh)
		s->cfi[s->ncfi++] = s->eh;
	s->dw = dwarf_begin_elf(e, DWARF_C_READ, NULL);
	Dwarf_CFI *dbg = s->dw ? dwarf_getcfi(s->dw) : NULL;
	if (dbg)
		s->cfi[s->ncfi++] = dbg;
	return 0;
}

static void slice_close(struct cst *s)
{
	free_rows(s);
	if (s->eh)
		dwarf_cfi_end(s->eh);
	s->eh = NULL;
	s->ncfi = 0;
	if (s->dw)
		dwarf_end(s->dw);
	s->dw = NULL;
	if (s->cfi_elf)
		elf_end(s->cfi_elf);
	s->cfi_elf = NULL;
	if (s->im_open)
		fc_image_close(&s->im);
	s->im_open = false;
	free(s->noret);
	s->noret = NULL;
	s->nnoret = 0;
}

/* Run functions [lo, hi) on the slice's image. */
static int slice_run(struct cst *s)
{
	const struct target *t = s->t;
	s->nreg = t->ngprs < 64 ? t->ngprs : 64;
	fc_emu_baseline(&s->im, s->base);
	for (unsigned i = 0; i < s->nreg; i++) {
		s->ids[i] = t->gprs[i];
		s->basep[i] = &s->base[i];
	}
	for (unsigned k = 0; k < t->nforms && s->ncallf < NCALLF; k++)
		if (t->forms[k].sem == FC_SEM_CALL)
			s->callf[s->ncallf++] = &t->forms[k];
	s->max_insns = s->o->max_insns ? s->o->max_insns : FC_CFI_MAX_INSNS;
	uc_hook h;
	if (uc_hook_add(s->im.uc, &h, UC_HOOK_CODE, on_code, s, 1, 0) != UC_ERR_OK)
		return fc_err("%s: cannot install a Unicorn hook", s->im.path);
	if (s->progress)
		fc_progress_start(&s->prog, "cfi: functions", s->hi_i - s->lo_i);
	size_t i = s->lo_i;
	while (i < s->hi_i) {
		if (!begin(s, i)) {
			free_rows(s);
			i++;
			continue;
		}
		uc_err err = uc_emu_start(s->im.uc, s->f[i].entry, s->im.until, 0, 0);
		if (s->active) {
			/* Stopped inside the function under way: a fault. */
			if (err != UC_ERR_OK)
				s->x->faults++;
			finish(s);
		}
		i = s->cur + 1;
	}
	fc_guard_leave();
	if (s->progress)
		fc_progress_end(&s->prog);
	return 0;
}

struct job {
	struct cst s;
	struct fc_cfi_result r;
	struct fc_cfi_extra x;
	const char *path;
	int ret;
	pthread_t th;
	unsigned slot;
	bool started;
};

static void *job_main(void *arg)
{
	struct job *j = arg;
	fc_guard_thread(j->slot);
	j->ret = slice_open(&j->s, j->path, j->s.t);
	if (j->ret == 0)
		j->ret = slice_run(&j->s);
	slice_close(&j->s);
	return NULL;
}

int fc_cfi_check_opts(const char *path, const struct target *t, const struct fc_cfi_func *f,
		      size_t n, const struct fc_cfi_opts *o, struct fc_cfi_result *r,
		      struct fc_cfi_extra *x)
{
	static const struct fc_cfi_opts defaults = {0};
	struct fc_cfi_extra xdummy;
	if (!o)
		o = &defaults;
	if (!x)
		x = &xdummy;
	memset(r, 0, sizeof *r);
	memset(x, 0, sizeof *x);
	double t0 = fc_now();
	r->frame_real = fc_xcalloc(n ? n : 1, sizeof *r->frame_real);
	r->frame_cfi = fc_xcalloc(n ? n : 1, sizeof *r->frame_cfi);
	unsigned jobs = o->jobs > 1 ? o->jobs : 1;
	/* Each thread opens an image of its own: worth it for a few hundred
	 * functions each, else -j 2 is slower than -j 1. */
	if (jobs > n / 256)
		jobs = n / 256 > 1 ? (unsigned)(n / 256) : 1;
	struct job *js = fc_xcalloc(jobs, sizeof *js);
	for (unsigned k = 0; k < jobs; k++) {
		struct cst *s = &js[k].s;
		s->t = t;
		s->f = f;
		s->o = o;
		s->lo_i = n * k / jobs;
		s->hi_i = n * (k + 1) / jobs;
		s->r = &js[k].r;
		s->x = &js[k].x;
		s->progress = k == 0;
		js[k].r.frame_real = r->frame_real;
		js[k].r.frame_cfi = r->frame_cfi;
		js[k].path = path;
		js[k].slot = k;
	}
	/* The first slice here, to find out whether there is CFI at all. */
	int ret = slice_open(&js[0].s, path, t);
	if (ret == 0 && js[0].s.ncfi) {
		r->have_cfi = true;
		for (unsigned k = 1; k < jobs; k++) {
			js[k].s.t = js[0].s.t;
			js[k].started = pthread_create(&js[k].th, NULL, job_main, &js[k]) == 0;
			if (!js[k].started)
				js[k].ret = fc_err("cfi: cannot start a thread");
		}
		ret = slice_run(&js[0].s);
		for (unsigned k = 1; k < jobs; k++)
			if (js[k].started)
				pthread_join(js[k].th, NULL);
	}
	slice_close(&js[0].s);
	for (unsigned k = 0; k < jobs; k++) {
		struct fc_cfi_result *y = &js[k].r;
		struct fc_cfi_extra *z = &js[k].x;
		if (k && js[k].ret < 0 && r->have_cfi)
			ret = -1;
		r->functions += y->functions;
		r->failed += y->failed;
		r->no_fde += y->no_fde;
		r->instructions += y->instructions;
		r->fails = fc_xrealloc(r->fails, (r->nfails + y->nfails + 1) * sizeof *r->fails);
		if (y->nfails)
			memcpy(r->fails + r->nfails, y->fails, y->nfails * sizeof *y->fails);
		r->nfails += y->nfails;
		free(y->fails);
		x->imprecise += z->imprecise;
		x->faults += z->faults;
		x->capped += z->capped;
		x->calls += z->calls;
		x->notes = fc_xrealloc(x->notes, (x->nnotes + z->nnotes + 1) * sizeof *x->notes);
		if (z->nnotes)
			memcpy(x->notes + x->nnotes, z->notes, z->nnotes * sizeof *z->notes);
		x->nnotes += z->nnotes;
		free(z->notes);
	}
	free(js);
	if (x == &xdummy)
		fc_cfi_extra_free(x);
	r->seconds = fc_now() - t0;
	return ret < 0 ? -1 : 0;
}

int fc_cfi_check(const char *path, const struct target *t, const struct fc_cfi_func *f, size_t n,
		 struct fc_cfi_result *r)
{
	static const struct fc_cfi_opts strict = {.strict = true};
	return fc_cfi_check_opts(path, t, f, n, &strict, r, NULL);
}

void fc_cfi_result_free(struct fc_cfi_result *r)
{
	for (size_t i = 0; i < r->nfails; i++)
		free(r->fails[i].msg);
	free(r->fails);
	free(r->frame_real);
	free(r->frame_cfi);
	memset(r, 0, sizeof *r);
}

void fc_cfi_extra_free(struct fc_cfi_extra *x)
{
	for (size_t i = 0; i < x->nnotes; i++)
		free(x->notes[i].msg);
	free(x->notes);
	memset(x, 0, sizeof *x);
}
