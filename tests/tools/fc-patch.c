/* fc-patch: break a linked output on purpose, for the negative tests.
 *
 *   fc-patch MODE CASE OUT
 *
 * OUT is changed in place. Prints, one per line, "caller+0xoff" of every
 * site that must now fail, then "reason: ..." with words the failure
 * message must carry. Exit 3 when the output has nothing this mode can
 * break (no thunk, every GOT load relaxed away): the caller skips.
 *
 * Thunk modes (arches whose linkers make thunks): pick the thunk the fewest
 * call sites go through, write a routine into the generator's zero padding
 * near it (hiding that padding's symbol, so the routine stands for code the
 * linker made), and turn the thunk's first instruction into a branch to it:
 *   target   goes to another function's entry
 *   clobber  sets a register the ABI says thunks keep, then the right callee
 *   store    stores to the stack, then the right callee
 *   sp       moves SP, then the right callee
 *   ra       overwrites the return address register, then the right callee
 *   body     goes 4 bytes past the callee's entry
 *   loop     spins forever
 *   unmapped jumps to address 0
 * Site modes:
 *   imm      flips one bit of the immediate of the first address sequence
 *            (ADRP page, MOVK half, AUIPC immediate, LEA displacement);
 *            a fifth argument names the form: fc-patch imm CASE OUT movz+movk
 *   got      changes the GOT entry that the first GOT load reads; every
 *            GOT load of the same symbol must fail
 *   word     flips a bit of the first relocated data word
 *   shape    overwrites the first direct call with the arch's trap/padding
 *            bytes (zeros): it is no longer the form at all
 *   unlocated renames the symbol of the first function that has sites, so
 *            its sites and the sites calling it cannot be found
 *   into     moves the first direct call (one that reaches its callee with
 *            no thunk between) to the callee's second instruction: a call
 *            that lands inside a function, which only the arrival at an
 *            entry can catch (farcall check has no manifest to compare with)
 * A Go case (gen --frontend go) takes "target" only: its binary has no
 * padding for a routine, so the trampoline's first instruction becomes a
 * direct jump to a generated function in its reach.
 *
 * Binary modes (farcall check; no case): fc-patch MODE BINARY NAME, NAME an
 * import ("puts") or an IFUNC ("memcpy") the loader binds:
 *   plt      the PLT or IPLT entry the first call bound to NAME goes
 *            through jumps straight to another function instead: every
 *            call through that entry must fail, naming NAME's import stub
 *            or IFUNC implementation
 *   resolver NAME's IFUNC resolver spins forever: a finding naming the
 *            IFUNC, within a bound (prints no site, only the reason)
 *
 * Binary modes, for an output nobody generated (a real program, checked
 * by farcall check): no CASE, no manifest; the functions are the output's
 * code symbols that have a DWARF subprogram (check's own reading), and
 * only those with no alias at their address, so that the names printed are
 * the names check prints:
 *   fc-patch bin-target OUT   a linker's range-extension thunk (one that
 *            its name says leads to a function, lld's __AArch64*Thunk_f,
 *            GNU ld's __f_veneer, mold's f$thunk) reached only by BLs from
 *            such functions, the fewest of them, gets a direct jump to
 *            another function as its first instruction: every one of those
 *            BLs must now fail
 *   fc-patch bin-into OUT     the first direct call (by address) from one
 *            such function to another's entry, with no thunk between, lands
 *            on its callee's second instruction
 * Each prints the sites, "was: NAME", what they called before (the thunk,
 * the callee), and "reason: ...". The output is opened without farcall's
 * loader (binfile.h), so that one it cannot load yet is broken alike. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/manifest.h"
#include "../../core/util.h"
#include "../../emu/emu.h"
#include "../../core/gomanifest.h"
#include "../../checks/subject.h"
#include "../../link/linker_table.h"
#include "../../verify/lines.h"
#include "binfile.h"

static const char *const modes[] = {"target", "clobber", "store", "sp", "ra", "body",
				    "loop", "unmapped", "imm", "got", "word", "shape", "unlocated", "into"};

/* The one instruction each thunk mode puts before the jump, per arch
 * (test data, not farcall's knowledge). */
struct bad_insn {
	const char *arch, *mode;
	uint32_t word;
	const char *reason;
};
static const struct bad_insn bad_insns[] = {
	{"arm64", "clobber", 0xd28175b3, "with x19 changed: "},      /* movz x19, #0xbad */
	{"arm64", "store", 0xf81f0fe0, "stored to 0x"},                /* str x0, [sp, #-16]! */
	{"arm64", "sp", 0xd10043ff, "with sp changed: "},             /* sub sp, sp, #16 */
	{"arm64", "ra", 0xd282469e, "with return address x30 = 0x1234, expected"}, /* movz x30, #0x1234 */
};

/* Where the immediate of an address form is: byte offset in the sequence
 * and the bit to flip (test data, keyed by form). */
struct imm_bit {
	const char *arch, *form;
	unsigned byte, bit;
};
static const struct imm_bit imm_bits[] = {
	{"arm64", "adrp+add", 0, 5},      /* ADRP immhi bit 0: the page moves by 4 */
	{"arm64", "movz+movk", 4, 5},     /* the first MOVK's imm16 bit 0 */
	{"riscv64", "auipc+addi", 0, 12}, /* AUIPC imm[12] */
	{"amd64", "lea", 3, 0},           /* LEA disp32 bit 0 */
};

static const char *locate(const struct fc_image *im, uint64_t a, char *buf, size_t n)
{
	return fc_syms_fmt(&im->syms, a, buf, n);
}

/* Rename symbol `name` in the output's .strtab ("pad_7" -> "pxd_7") so that
 * farcall no longer knows that address range as padding. */
static int hide_symbol(int fd, Elf *elf, const char *name)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		GElf_Shdr ssh;
		gelf_getshdr(elf_getscn(elf, sh.sh_link), &ssh);
		for (size_t i = 1; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			gelf_getsym(d, (int)i, &sym);
			const char *n = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (n && !strcmp(n, name))
				return pwrite(fd, "x", 1, (off_t)(ssh.sh_offset + sym.st_name + 1)) == 1
					       ? 0 : -1;
		}
	}
	return -1;
}

/* Write bytes at a guest address, into the file. */
static int poke(int fd, const struct fc_image *im, uint64_t addr, const void *p, size_t n)
{
	for (size_t i = 0; i < im->nsegs; i++) {
		const struct fc_range *s = &im->segs[i];
		if (addr >= s->lo && addr + n <= s->lo + s->filesz)
			return pwrite(fd, p, n, (off_t)(s->off + addr - s->lo)) == (ssize_t)n ? 0 : -1;
	}
	return -1;
}

static void print_site(const struct fc_manifest *m, uint64_t i)
{
	printf("%s+0x%x\n", fc_ref_name(m, m->sites[i].caller), m->sites[i].off);
}

static int thunk_mode(const char *mode, struct fc_manifest *m, struct fc_image *im, int fd,
		      uint64_t *entry)
{
	const struct target *t = m->t;
	uint64_t *hop = fc_xcalloc(m->nsites, sizeof *hop);
	/* First hop of every call site; a thunk is one that is not the target. */
	for (uint64_t i = 0; i < m->nsites; i++) {
		const struct fc_site *s = &m->sites[i];
		enum fc_sem sem = t->forms[s->form].sem;
		if (sem != FC_SEM_CALL && sem != FC_SEM_JUMP)
			continue;
		uint64_t a = fc_emu_site_addr(im, m, entry, i), d;
		enum fc_insn_type ty;
		const uint8_t *p = a == UINT64_MAX ? NULL : fc_image_ptr(im, a, 4);
		if (p && t->decode(p, 4, a, &ty, &d) && ty != FC_INSN_OTHER &&
		    d != fc_emu_target_addr(im, m, entry, s))
			hop[i] = d;
	}
	uint64_t best = 0, bestn = UINT64_MAX;
	for (uint64_t i = 0; i < m->nsites && bestn > 1; i++) {
		if (!hop[i])
			continue;
		uint64_t n = 0;
		for (uint64_t k = 0; k < m->nsites; k++)
			n += hop[k] == hop[i];
		if (n < bestn) {
			bestn = n;
			best = i;
		}
	}
	if (bestn == UINT64_MAX) {
		fprintf(stderr, "fc-patch: no site goes through a thunk\n");
		return 3;
	}
	uint64_t thunk = hop[best];
	const struct fc_site *bs = &m->sites[best];
	/* Padding within direct reach of the thunk, big enough for the routine. */
	uint64_t routine = 0;
	char pn[32];
	for (uint32_t f = 0; f < m->nfuncs && !routine; f++) {
		snprintf(pn, sizeof pn, "pad_%u", f);
		const struct fc_sym *p = fc_syms_by_name(&im->syms, pn);
		uint8_t probe[4];
		if (p && p->size >= 64 && t->enc_jump(probe, thunk, (p->addr + 16) & ~15ULL))
			routine = (p->addr + 16) & ~15ULL;
	}
	if (!routine) {
		fprintf(stderr, "fc-patch: no padding near the thunk\n");
		return 2;
	}
	uint32_t callee = fc_ref_index(bs->target);
	uint32_t wrong = callee + 1 < m->nfuncs ? callee + 1 : callee - 1;
	uint64_t right = fc_emu_target_addr(im, m, entry, bs), dest = right;
	const char *reason = NULL;
	uint8_t buf[64];
	size_t n = 0;
	if (!strcmp(mode, "target"))
		dest = entry[wrong];
	else if (!strcmp(mode, "body"))
		dest = right + 4;
	else if (!strcmp(mode, "unmapped"))
		dest = 0;
	for (size_t k = 0; k < sizeof bad_insns / sizeof bad_insns[0]; k++)
		if (!strcmp(bad_insns[k].arch, t->name) && !strcmp(bad_insns[k].mode, mode)) {
			memcpy(buf, &bad_insns[k].word, 4);
			n = 4;
			reason = bad_insns[k].reason;
		}
	size_t j = !strcmp(mode, "loop") ? t->enc_jump(buf + n, routine + n, routine + n)
					 : t->enc_jump_abs(buf + n, routine + n, dest);
	if (!j || (n == 0 && strcmp(mode, "target") && strcmp(mode, "body") &&
		   strcmp(mode, "unmapped") && strcmp(mode, "loop"))) {
		fprintf(stderr, "fc-patch: %s cannot do '%s'\n", t->name, mode);
		return 2;
	}
	n += j;
	uint8_t jb[16];
	size_t jl = t->enc_jump(jb, thunk, routine);
	if (poke(fd, im, routine, buf, n) || poke(fd, im, thunk, jb, jl) ||
	    hide_symbol(fd, im->elf, pn)) {
		fprintf(stderr, "fc-patch: cannot write the output\n");
		return 2;
	}
	for (uint64_t i = 0; i < m->nsites; i++)
		if (hop[i] == thunk)
			print_site(m, i);
	char w[160];
	if (!strcmp(mode, "target"))
		printf("reason: reached 0x%" PRIx64 " (%s), expected 0x%" PRIx64 "\n", dest,
		       m->funcs[wrong].name, right);
	else if (!strcmp(mode, "body"))
		printf("reason: ran into %s (0x%" PRIx64 ")\n", locate(im, dest, w, sizeof w), dest);
	else if (!strcmp(mode, "loop"))
		printf("reason: reached no function entry within\n");
	else if (!strcmp(mode, "unmapped"))
		printf("reason: jumped to unmapped 0x0 \n");
	else
		printf("reason: %s\n", reason);
	free(hop);
	return 0;
}

/* Run an address site's sequence, noting the first address it reads. */
static uint64_t first_read;
static void on_read(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t v, void *ud)
{
	(void)uc; (void)type; (void)size; (void)v; (void)ud;
	if (!first_read)
		first_read = addr;
}

static uint64_t got_slot(struct fc_image *im, const struct fc_manifest *m, uint64_t a,
			 const struct fc_form *f)
{
	unsigned n = 0;
	const uint8_t *p = fc_image_ptr(im, a, 16);
	if (!p || !m->t->seq_len(f, p, 16, a, &n) || !n)
		return 0;
	uint64_t vals[64];
	fc_emu_baseline(im, vals);
	for (unsigned i = 0; i < m->t->ngprs; i++)
		uc_reg_write(im->uc, m->t->gprs[i], &vals[i]);
	first_read = 0;
	uc_emu_start(im->uc, a, im->until, 0, n);
	return first_read;
}

static int site_mode(const char *mode, struct fc_manifest *m, struct fc_image *im, int fd,
		     uint64_t *entry, const char *only)
{
	const struct target *t = m->t;
	bool got = !strcmp(mode, "got");
	if (got) {
		uc_hook h;
		uc_hook_add(im->uc, &h, UC_HOOK_MEM_READ, on_read, NULL, 1, 0);
	}
	for (uint64_t i = 0; i < m->nsites; i++) {
		const struct fc_site *s = &m->sites[i];
		const struct fc_form *f = &t->forms[s->form];
		uint64_t a = fc_emu_site_addr(im, m, entry, i);
		if (a == UINT64_MAX || f->sem != FC_SEM_ADDR)
			continue;
		if (!got) {
			for (size_t k = 0; k < sizeof imm_bits / sizeof imm_bits[0]; k++) {
				const struct imm_bit *b = &imm_bits[k];
				if (strcmp(b->arch, t->name) || strcmp(b->form, f->name) ||
				    (only && strcmp(only, f->name)))
					continue;
				/* Skip sequences relaxation changed: not the form's bytes. */
				const uint8_t *p = fc_image_ptr(im, a, 16);
				unsigned n = 0;
				struct fc_code c = {0}, pool = {0};
				struct fc_emit x = {.relax = m->relax, .pool = &pool,
						    .site_label = fc_code_label(&c)};
				t->emit_site(&c, f, &x);
				bool same = p && t->seq_len(f, p, 16, a, &n) == c.len;
				fc_code_free(&c);
				fc_code_free(&pool);
				if (!same)
					continue;
				uint8_t byte = p[b->byte + b->bit / 8] ^ (uint8_t)(1u << (b->bit % 8));
				if (poke(fd, im, a + b->byte + b->bit / 8, &byte, 1))
					return 2;
				print_site(m, i);
				printf("reason: left %s = 0x\n", t->gpr_names[f->result]);
				return 0;
			}
			continue;
		}
		if (!f->got)
			continue;
		uint64_t slot = got_slot(im, m, a, f);
		if (!slot)
			continue; /* relaxed: no GOT load left here */
		/* Every GOT load that reads this slot must now fail. */
		for (uint64_t k = 0; k < m->nsites; k++) {
			const struct fc_site *s2 = &m->sites[k];
			const struct fc_form *f2 = &t->forms[s2->form];
			uint64_t a2 = fc_emu_site_addr(im, m, entry, k);
			if (f2->sem == FC_SEM_ADDR && f2->got && a2 != UINT64_MAX &&
			    got_slot(im, m, a2, f2) == slot)
				print_site(m, k);
		}
		const uint8_t *v = fc_image_ptr(im, slot, 8);
		if (!v)
			return 2;
		uint64_t val;
		memcpy(&val, v, 8);
		val ^= 0x40;
		if (poke(fd, im, slot, &val, 8))
			return 2;
		printf("reason: left %s = 0x%" PRIx64 ", expected\n", t->gpr_names[f->result], val);
		return 0;
	}
	fprintf(stderr, "fc-patch: no %s site to break in this output\n", got ? "GOT" : "address");
	return 3;
}

/* Add delta to where the direct call at p (at address a) goes, in place:
 * x86-64 CALL rel32, AArch64 BL, RISC-V JAL ra and AUIPC ra + JALR ra. The
 * instruction stays what it was; only its displacement moves. */
static bool redirect(const struct target *t, uint8_t *p, size_t avail, int64_t delta)
{
	if (!strcmp(t->name, "amd64") && avail >= 5 && p[0] == 0xe8) {
		int32_t rel;
		memcpy(&rel, p + 1, 4);
		rel += (int32_t)delta;
		memcpy(p + 1, &rel, 4);
		return true;
	}
	if (avail < 4)
		return false;
	uint32_t w;
	memcpy(&w, p, 4);
	if (!strcmp(t->name, "arm64") && (w & 0xfc000000u) == 0x94000000u) { /* bl */
		uint32_t imm = (w + (uint32_t)(delta / 4)) & 0x03ffffffu;
		w = (w & 0xfc000000u) | imm;
		memcpy(p, &w, 4);
		return true;
	}
	if (strcmp(t->name, "riscv64"))
		return false;
	if ((w & 0xfff) == 0x0ef) { /* jal ra, imm */
		int32_t imm = (int32_t)(((w >> 31) & 1) << 20 | ((w >> 12) & 0xff) << 12 |
					((w >> 20) & 1) << 11 | ((w >> 21) & 0x3ff) << 1);
		imm = (imm << 11) >> 11;
		imm += (int32_t)delta;
		uint32_t u = (uint32_t)imm;
		w = ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 | ((u >> 11) & 1) << 20 |
		    ((u >> 12) & 0xff) << 12 | 0x0ef;
		memcpy(p, &w, 4);
		return true;
	}
	uint32_t w2;
	if (avail >= 8 && (w & 0xfff) == 0x097) { /* auipc ra, hi; then jalr ra, lo(ra) */
		memcpy(&w2, p + 4, 4);
		if ((w2 & 0x000fffffu) != 0x000080e7u)
			return false;
		int32_t lo = (int32_t)w2 >> 20;
		if (lo + delta > 2047)
			return false;
		w2 = (w2 & 0x000fffffu) | (uint32_t)(lo + (int32_t)delta) << 20;
		memcpy(p + 4, &w2, 4);
		return true;
	}
	return false;
}

/* word, shape, unlocated, into */
static int other_mode(const char *mode, struct fc_manifest *m, struct fc_image *im, int fd,
		      uint64_t *entry)
{
	const struct target *t = m->t;
	for (uint64_t i = 0; i < m->nsites; i++) {
		const struct fc_site *s = &m->sites[i];
		const struct fc_form *f = &t->forms[s->form];
		uint64_t a = fc_emu_site_addr(im, m, entry, i);
		if (a == UINT64_MAX)
			continue;
		if (!strcmp(mode, "word") && f->sem == FC_SEM_DATA) {
			const uint8_t *p = fc_image_ptr(im, a, 1);
			uint8_t b = p ? (uint8_t)(p[0] ^ 0x10) : 0;
			if (!p || poke(fd, im, a, &b, 1))
				return 2;
			print_site(m, i);
			printf("reason: holds 0x\n");
			return 0;
		}
		if (!strcmp(mode, "shape") && f->sem == FC_SEM_CALL && s->caller != 0) {
			unsigned n = 0;
			const uint8_t *p = fc_image_ptr(im, a, 16);
			unsigned len = p ? t->seq_len(f, p, 16, a, &n) : 0;
			uint8_t zero[16] = {0};
			if (!len || poke(fd, im, a, zero, len))
				return 2;
			print_site(m, i);
			printf("reason: is not a %s at 0x%" PRIx64 "\n", f->mnemonic, a);
			return 0;
		}
		if (!strcmp(mode, "into") && f->sem == FC_SEM_CALL && !fc_ref_is_data(s->target) &&
		    s->target != s->caller) {
			uint64_t callee = entry[fc_ref_index(s->target)], d = 0;
			const uint8_t *p = fc_image_ptr(im, a, 8);
			const uint8_t *q = fc_image_ptr(im, callee, 16);
			enum fc_insn_type ty;
			unsigned n, len = p ? t->seq_len(f, p, 8, a, &n) : 0;
			if (!len || !q || (!t->seq_dest(f, p, 8, a, &d) &&
					   !(t->decode(p, 8, a, &ty, &d) && ty == FC_INSN_CALL)) ||
			    d != callee)
				continue; /* through a thunk, or not a call we know */
			uint64_t d2;
			unsigned first = t->decode(q, 16, callee, &ty, &d2);
			uint8_t buf[8];
			memcpy(buf, p, len < 8 ? len : 8);
			if (!first || !redirect(t, buf, len, first) || poke(fd, im, a, buf, len))
				continue;
			print_site(m, i);
			printf("reason: ran into %s+0x%x\n", fc_ref_name(m, s->target), first);
			return 0;
		}
		if (!strcmp(mode, "unlocated") && !fc_ref_is_data(s->caller) && s->caller != 0) {
			const char *name = m->funcs[s->caller].name;
			if (hide_symbol(fd, im->elf, name))
				return 2;
			for (uint64_t k = 0; k < m->nsites; k++)
				if (m->sites[k].caller == s->caller ||
				    m->sites[k].target == s->caller)
					print_site(m, k);
			printf("reason: cannot be checked: %s is not in the output's symbol table\n",
			       name);
			return 0;
		}
	}
	fprintf(stderr, "fc-patch: nothing for '%s' in this output\n", mode);
	return 3;
}

/* Go: the edges as farcall verify matches them, their first hops, and the
 * trampoline that the fewest go through, sent to a wrong function. */
static int go_target(const char *casedir, const char *out)
{
	struct fc_subject s;
	struct fc_subject_opts so = {.jobs = 1};
	if (fc_subject_open_case(&s, casedir, out, &so) < 0) {
		fc_subject_close(&s);
		return 2;
	}
	struct fc_image im = s.im; /* shared: closed with the subject */
	const struct target *t = im.t;
	struct fc_manifest *m = &s.m;
	uint64_t *entry = fc_emu_entries(&im, m);
	uint64_t *hop = fc_xcalloc(m->nsites + 1, sizeof *hop);
	for (uint64_t i = 0; i < m->nsites; i++) {
		uint64_t a = fc_emu_site_addr(&im, m, entry, i), d;
		enum fc_insn_type ty;
		const uint8_t *p = fc_image_ptr(&im, a, 4);
		if (p && t->decode(p, 4, a, &ty, &d) && ty == FC_INSN_CALL &&
		    d != fc_emu_target_addr(&im, m, entry, &m->sites[i]))
			hop[i] = d;
	}
	uint64_t best = UINT64_MAX, bestn = UINT64_MAX;
	for (uint64_t i = 0; i < m->nsites; i++) {
		if (!hop[i])
			continue;
		uint64_t n = 0;
		for (uint64_t k = 0; k < m->nsites; k++)
			n += hop[k] == hop[i];
		if (n < bestn)
			bestn = n, best = i;
	}
	int r = 3;
	if (best == UINT64_MAX) {
		fprintf(stderr, "fc-patch: no call goes through a trampoline\n");
		goto out;
	}
	uint64_t thunk = hop[best];
	uint64_t right = fc_emu_target_addr(&im, m, entry, &m->sites[best]);
	uint8_t jb[16];
	size_t jl = 0;
	uint32_t wrong = 0;
	for (uint32_t k = 0; k < m->nfuncs && !jl; k++)
		if (entry[k] != right && (jl = t->enc_jump(jb, thunk, entry[k])))
			wrong = k;
	int fd = open(out, O_RDWR);
	r = 2;
	if (!jl || fd < 0 || poke(fd, &im, thunk, jb, jl)) {
		fprintf(stderr, "fc-patch: cannot patch the trampoline at 0x%" PRIx64 "\n", thunk);
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);
	for (uint64_t i = 0; i < m->nsites; i++)
		if (hop[i] == thunk)
			print_site(m, i);
	printf("reason: reached 0x%" PRIx64 " (%s), expected 0x%" PRIx64 "\n", entry[wrong],
	       m->funcs[wrong].name, right);
	r = 0;
out:
	free(hop);
	free(entry);
	fc_subject_close(&s);
	return r;
}

/* Where the call at a (form f) goes first, by its bytes; 0 when they do
 * not say. */
static uint64_t first_hop(const struct target *t, const struct fc_form *f, const uint8_t *p,
			  size_t avail, uint64_t a)
{
	uint64_t d = 0;
	enum fc_insn_type ty;
	if (t->seq_dest(f, p, avail, a, &d))
		return d;
	if (t->decode(p, avail, a, &ty, &d) && (ty == FC_INSN_CALL || ty == FC_INSN_JUMP))
		return d;
	return 0;
}

static int binary_mode(const char *mode, const char *path, const char *name)
{
	struct fc_subject s;
	struct fc_subject_opts so = {.jobs = 1};
	if (fc_subject_open_binary(&s, path, &so) < 0) {
		fc_subject_close(&s);
		return 2;
	}
	struct fc_image *im = &s.im;
	const struct target *t = im->t;
	struct fc_manifest *m = &s.m;
	const struct fc_dyninfo *dy = &im->dyn;
	uint64_t want = 0, resolver = 0;
	int imp = fc_image_import_named(im, name);
	if (imp >= 0)
		want = dy->imp_lo + (uint64_t)imp * FC_IMPORT_STUB;
	for (size_t i = 0; imp < 0 && i < dy->nifuncs; i++)
		if (dy->ifuncs[i].name && !strcmp(dy->ifuncs[i].name, name) && !dy->ifuncs[i].why) {
			want = dy->ifuncs[i].impl;
			resolver = dy->ifuncs[i].resolver;
		}
	int r = 3, fd = -1;
	char wb[200], gb[200];
	if (!want) {
		fprintf(stderr, "fc-patch: %s binds no import or IFUNC named %s\n", path, name);
		goto out;
	}
	fd = open(path, O_RDWR);
	if (fd < 0) {
		r = 2;
		goto out;
	}
	if (!strcmp(mode, "resolver")) {
		uint8_t jb[16];
		size_t jl = resolver ? t->enc_jump(jb, resolver, resolver) : 0;
		if (!jl || poke(fd, im, resolver, jb, jl)) {
			fprintf(stderr, "fc-patch: cannot patch the resolver of %s\n", name);
			goto out;
		}
		printf("reason: IFUNC %s (resolver 0x%" PRIx64 "): its resolver did not return within\n",
		       name, resolver);
		r = 0;
		goto out;
	}
	uint64_t *hop = fc_xcalloc(m->nsites + 1, sizeof *hop);
	uint64_t entry = 0;
	for (uint64_t i = 0; i < m->nsites; i++) {
		const struct fc_site *st = &m->sites[i];
		if (st->target != FC_REF_ABS || (uint64_t)st->addend != want)
			continue;
		uint64_t a = m->funcs[st->caller].addr + st->off;
		size_t avail;
		const uint8_t *p = fc_image_span(im, a, 16, &avail);
		hop[i] = p ? first_hop(t, &t->forms[st->form], p, avail, a) : 0;
		if (!entry)
			entry = hop[i];
	}
	/* Another function in the reach of a direct jump from the entry. */
	uint8_t jb[16];
	size_t jl = 0;
	uint64_t wrong = 0;
	for (uint32_t k = 0; entry && k < m->nfuncs && !jl; k++)
		if (m->funcs[k].addr != want && (jl = t->enc_jump(jb, entry, m->funcs[k].addr)))
			wrong = m->funcs[k].addr;
	if (!jl || poke(fd, im, entry, jb, jl)) {
		fprintf(stderr, "fc-patch: no call to %s goes through an entry it can patch\n", name);
		free(hop);
		goto out;
	}
	for (uint64_t i = 0; i < m->nsites; i++)
		if (hop[i] == entry)
			print_site(m, i);
	printf("reason: to %s reached 0x%" PRIx64 " (%s), expected 0x%" PRIx64 "\n",
	       fc_image_bound_name(im, want, wb, sizeof wb), wrong,
	       fc_syms_fmt(&im->syms, wrong, gb, sizeof gb), want);
	free(hop);
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	fc_subject_close(&s);
	return r;
}

/* The functions of a binary the way farcall check reads them: code
 * symbols with a DWARF subprogram at their address; `alone` when no other
 * code symbol shares it (check names an address by one of them). */
struct bfn {
	uint64_t addr, size; /* addr first: the sort key */
	const char *name;
	bool real, alone;
};

static struct bfn *bin_functions(const struct fc_image *im, const struct fc_lines *l, size_t *n)
{
	struct bfn *v = fc_xcalloc(im->syms.n + 1, sizeof *v);
	size_t k = 0;
	for (size_t i = 0; i < im->syms.n; i++) {
		const struct fc_sym *y = &im->syms.v[i];
		if (y->type != STT_FUNC || !y->size || y->quiet || !fc_image_executable(im, y->addr))
			continue;
		if (k && v[k - 1].addr == y->addr) {
			v[k - 1].alone = false;
			continue;
		}
		v[k++] = (struct bfn){y->addr, y->size, y->name, fc_lines_sub(l, y->addr) != NULL, true};
	}
	*n = k;
	return v;
}

static const struct bfn *bfn_at(const struct bfn *v, size_t n, uint64_t a)
{
	size_t i = fc_lower_key64(v, n, sizeof *v, a);
	return i < n && v[i].addr == a ? &v[i] : NULL;
}

/* A direct call at in (a form of the target's that calls) and where its
 * bytes say it goes. */
static bool bin_call(const struct target *t, const struct fc_insn *in, uint64_t *dest, unsigned *len)
{
	for (unsigned k = 0; k < t->nforms; k++) {
		const struct fc_form *f = &t->forms[k];
		unsigned n;
		if (f->sem != FC_SEM_CALL || !(*len = t->seq_len(f, in->p, in->avail, in->addr, &n)))
			continue;
		if (t->seq_dest(f, in->p, in->avail, in->addr, dest))
			return true;
		if (in->type == FC_INSN_CALL) {
			*dest = in->dest;
			return true;
		}
		return false;
	}
	return false;
}

/* Every direct branch in the binary's functions, by destination. */
struct bbr {
	uint64_t dest; /* first: the sort key */
	uint64_t off;
	uint32_t fn;
	bool call;
};

static struct bbr *bin_branches(const struct fc_image *im, const struct bfn *v, size_t n, size_t *nb)
{
	size_t cap = 1024, k = 0;
	struct bbr *b = fc_xcalloc(cap, sizeof *b);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *code = fc_image_ptr(im, v[i].addr, v[i].size);
		if (!code)
			continue;
		uint64_t csize = fc_syms_code_end(&im->syms, v[i].addr, v[i].addr + v[i].size) - v[i].addr;
		struct fc_insn_walk w = {im->t, code, v[i].addr, csize, 0};
		struct fc_insn in;
		while (fc_insn_next(&w, &in)) {
			if (in.type == FC_INSN_OTHER)
				continue;
			if (k == cap)
				b = fc_xrealloc(b, (cap *= 2) * sizeof *b);
			b[k++] = (struct bbr){in.dest, in.off, (uint32_t)i, in.type == FC_INSN_CALL};
		}
	}
	qsort(b, k, sizeof *b, fc_cmp_key64);
	*nb = k;
	return b;
}

/* The calls (BL) to `to`, from functions that are real and alone, as
 * "caller+0xoff" (sites, n of them, when not NULL); false when anything
 * else branches there (a tail call, a call from code without debug info),
 * which check would not name, or not alike. */
static bool bin_callers(const struct bfn *v, const struct bbr *b, size_t nb, uint64_t to,
			bool print, size_t *n)
{
	bool ok = true;
	*n = 0;
	for (size_t i = fc_lower_key64(b, nb, sizeof *b, to); i < nb && b[i].dest == to; i++) {
		const struct bfn *f = &v[b[i].fn];
		if (!b[i].call || !f->real || !f->alone) {
			ok = false;
			continue;
		}
		if (print)
			printf("%s+0x%" PRIx64 "\n", f->name, b[i].off);
		(*n)++;
	}
	return ok;
}

static int bin_target(struct fc_image *im, const struct bfn *v, size_t n, int fd)
{
	const struct target *t = im->t;
	uint64_t best = 0, right = 0;
	size_t bestn = SIZE_MAX, nb;
	struct bbr *b = bin_branches(im, v, n, &nb);
	for (size_t i = 0; i < im->syms.n && bestn > 1; i++) {
		const struct fc_sym *y = &im->syms.v[i];
		const struct bfn *at = bfn_at(v, n, y->addr);
		struct fc_thunk_name tn;
		if (y->quiet || !fc_image_executable(im, y->addr) || (at && at->real))
			continue;
		if (!fc_thunk_name_parse(y->name, &tn) || !tn.callee_len || tn.plt || tn.off)
			continue;
		char *cn = fc_xasprintf("%.*s%s", (int)tn.callee_len, tn.callee, tn.suffix);
		const struct fc_sym *c = fc_syms_by_name(&im->syms, cn);
		free(cn);
		const struct bfn *cf = c ? bfn_at(v, n, c->addr) : NULL;
		if (!cf || !cf->real || !cf->alone)
			continue;
		size_t ns;
		if (bin_callers(v, b, nb, y->addr, false, &ns) && ns && ns < bestn) {
			bestn = ns;
			best = y->addr;
			right = cf->addr;
		}
	}
	int r = 3;
	if (bestn == SIZE_MAX) {
		fprintf(stderr, "fc-patch: %s: no named thunk that only functions with debug info "
			"call\n", im->path);
		goto out;
	}
	/* The function nearest the thunk, other than its own, in reach. */
	const struct bfn *wrong = NULL;
	uint64_t dw = UINT64_MAX;
	uint8_t jb[16];
	size_t jl = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t probe[16];
		uint64_t d = v[i].addr > best ? v[i].addr - best : best - v[i].addr;
		if (v[i].real && v[i].alone && v[i].addr != right && d < dw &&
		    t->enc_jump(probe, best, v[i].addr)) {
			wrong = &v[i];
			dw = d;
		}
	}
	r = 2;
	if (!wrong || !(jl = t->enc_jump(jb, best, wrong->addr)) || poke(fd, im, best, jb, jl)) {
		fprintf(stderr, "fc-patch: cannot send the thunk at 0x%" PRIx64 " elsewhere\n", best);
		goto out;
	}
	size_t ns;
	bin_callers(v, b, nb, best, true, &ns);
	char w[160], th[160];
	printf("was: %s\n", fc_syms_fmt(&im->syms, best, th, sizeof th));
	printf("reason: reached 0x%" PRIx64 " (%s), expected 0x%" PRIx64 "\n", wrong->addr,
	       fc_syms_fmt(&im->syms, wrong->addr, w, sizeof w), right);
	r = 0;
out:
	free(b);
	return r;
}

static int bin_into(struct fc_image *im, const struct bfn *v, size_t n, int fd)
{
	const struct target *t = im->t;
	for (size_t i = 0; i < n; i++) {
		if (!v[i].real || !v[i].alone)
			continue;
		const uint8_t *code = fc_image_ptr(im, v[i].addr, v[i].size);
		if (!code)
			continue;
		uint64_t csize = fc_syms_code_end(&im->syms, v[i].addr, v[i].addr + v[i].size) - v[i].addr;
		struct fc_insn_walk w = {t, code, v[i].addr, csize, 0};
		struct fc_insn in;
		while (fc_insn_next(&w, &in)) {
			uint64_t d;
			unsigned len;
			if (!bin_call(t, &in, &d, &len) || d == v[i].addr)
				continue;
			const struct bfn *c = bfn_at(v, n, d);
			if (!c || !c->real || !c->alone)
				continue;
			enum fc_insn_type ty;
			uint64_t d2;
			const uint8_t *q = fc_image_ptr(im, d, 16);
			unsigned first = q ? t->decode(q, 16, d, &ty, &d2) : 0;
			uint8_t buf[16];
			if (!first || first >= c->size || len > sizeof buf)
				continue;
			memcpy(buf, in.p, len);
			if (!redirect(t, buf, len, first))
				continue;
			if (poke(fd, im, in.addr, buf, len))
				return 2;
			char a[160];
			printf("%s+0x%" PRIx64 "\n", v[i].name, in.off);
			printf("was: %s\n", c->name);
			printf("reason: ran into %s (0x%" PRIx64 ")\n",
			       fc_syms_fmt(&im->syms, d + first, a, sizeof a), d + first);
			return 0;
		}
	}
	fprintf(stderr, "fc-patch: %s: no direct call between two functions with debug info\n",
		im->path);
	return 3;
}

static int bin_mode(const char *mode, const char *out)
{
	struct fc_image im;
	struct fc_lines l = {0};
	int r = 2, fd = -1;
	if (fc_bin_open(&im, out) < 0)
		goto done;
	fc_lines_load(im.elf, out, &l);
	if (!l.have || !l.nsubs) {
		fprintf(stderr, "fc-patch: %s has no DWARF subprograms\n", out);
		goto done;
	}
	size_t n;
	struct bfn *v = bin_functions(&im, &l, &n);
	fd = open(out, O_RDWR);
	if (fd < 0)
		fprintf(stderr, "fc-patch: cannot open %s\n", out);
	else
		r = !strcmp(mode, "bin-target") ? bin_target(&im, v, n, fd) : bin_into(&im, v, n, fd);
	free(v);
done:
	if (fd >= 0 && close(fd) != 0)
		r = 2;
	fc_lines_free(&l);
	fc_image_close(&im);
	return r;
}

int main(int argc, char **argv)
{
	if (argc == 4 && (!strcmp(argv[1], "plt") || !strcmp(argv[1], "resolver")))
		return binary_mode(argv[1], argv[2], argv[3]);
	if (argc == 3 && (!strcmp(argv[1], "bin-target") || !strcmp(argv[1], "bin-into")))
		return bin_mode(argv[1], argv[2]);
	if (argc == 4 && !strcmp(argv[1], "target") && fc_go_case(argv[2]))
		return go_target(argv[2], argv[3]);
	int mode = -1;
	for (int i = 0; (argc == 4 || argc == 5) && i < (int)(sizeof modes / sizeof modes[0]); i++)
		if (!strcmp(argv[1], modes[i]))
			mode = i;
	if (mode < 0) {
		fprintf(stderr, "usage: fc-patch target|clobber|store|sp|ra|body|loop|unmapped|imm|got|"
				"word|shape|unlocated|into CASE OUT [FORM]\n"
				"       fc-patch plt|resolver BINARY NAME\n"
				"       fc-patch bin-target|bin-into OUT\n");
		return 2;
	}
	struct fc_manifest m;
	if (fc_manifest_load(argv[2], &m) < 0)
		return 2;
	struct fc_image im;
	if (fc_image_open(&im, argv[3], m.t) < 0)
		return 2;
	uint64_t *entry = fc_emu_entries(&im, &m);
	int fd = open(argv[3], O_RDWR);
	if (fd < 0)
		return fprintf(stderr, "fc-patch: cannot open %s\n", argv[3]), 2;
	int r = mode >= 10 ? other_mode(modes[mode], &m, &im, fd, entry)
	      : mode >= 8 ? site_mode(modes[mode], &m, &im, fd, entry, argc == 5 ? argv[4] : NULL)
			  : thunk_mode(modes[mode], &m, &im, fd, entry);
	close(fd);
	fc_image_close(&im);
	fc_manifest_free(&m);
	free(entry);
	return r;
}
