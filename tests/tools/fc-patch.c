/* fc-patch: break a linked arm64 output on purpose, for the negative tests.
 *
 *   fc-patch MODE CASE OUT
 *
 * It picks the thunk that the fewest call sites go through, writes a small
 * routine into the generator's zero padding near it (hiding that padding's
 * symbol, so the routine stands for code the linker made), and turns the
 * thunk's first instruction into a branch to the routine. The routine is
 * what MODE says, one mode per check of farcall emu:
 *
 *   target   goes to another function's entry
 *   clobber  sets x19, then goes to the right callee
 *   store    stores to the stack, then goes to the right callee
 *   sp       moves SP, then goes to the right callee
 *   ra       overwrites x30, then goes to the right callee
 *   body     goes 4 bytes past the callee's entry
 *   loop     spins forever (b .)
 *   unmapped jumps to address 0
 *
 * OUT is changed in place. Prints, one per line, "caller+0xoff" of every
 * site that must now fail, then "reason: ..." with words the failure message
 * must carry. */
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

static uint32_t movz(int rd, uint16_t imm, int hw) /* movz xRD, #imm, lsl #16*hw */
{
	return 0xd2800000u | (uint32_t)hw << 21 | (uint32_t)imm << 5 | (uint32_t)rd;
}

static uint32_t movk(int rd, uint16_t imm, int hw) /* movk xRD, #imm, lsl #16*hw */
{
	return 0xf2800000u | (uint32_t)hw << 21 | (uint32_t)imm << 5 | (uint32_t)rd;
}

#define BR_X16 0xd61f0200u       /* br x16 */
#define STR_X0_SP_PRE 0xf81f0fe0u /* str x0, [sp, #-16]! */
#define SUB_SP_16 0xd10043ffu     /* sub sp, sp, #16 */
#define B_SELF 0x14000000u        /* b . */

static const char *const modes[] = {"target", "clobber", "store", "sp", "ra",
				    "body", "loop", "unmapped"};

static uint32_t b_to(uint64_t from, uint64_t to) /* b <to> */
{
	return 0x14000000u | ((uint32_t)((int64_t)(to - from) >> 2) & 0x03ffffffu);
}

/* Rename symbol `name` in the output's .strtab ("pad_7" -> "pxd_7") so that
 * farcall no longer knows that address range as padding: the routine we
 * write there then stands for code the linker made, and the failure must be
 * reported for what the routine does, not for where it sits. */
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

static int poke(int fd, const struct fc_image *im, uint64_t addr, uint32_t w)
{
	for (size_t i = 0; i < im->nsegs; i++) {
		const struct fc_range *s = &im->segs[i];
		if (addr >= s->lo && addr + 4 <= s->lo + s->filesz)
			return pwrite(fd, &w, 4, (off_t)(s->off + addr - s->lo)) == 4 ? 0 : -1;
	}
	return -1;
}

int main(int argc, char **argv)
{
	int mode = -1;
	for (int i = 0; argc == 4 && i < (int)(sizeof modes / sizeof modes[0]); i++)
		if (!strcmp(argv[1], modes[i]))
			mode = i;
	if (mode < 0) {
		fprintf(stderr, "usage: fc-patch target|clobber|store|sp|ra|body|loop|unmapped "
				"CASE OUT\n");
		return 2;
	}
	struct fc_manifest m;
	if (fc_manifest_load(argv[2], &m) < 0)
		return 2;
	if (strcmp(m.t->name, "arm64"))
		return fprintf(stderr, "fc-patch: arm64 only\n"), 2;
	struct fc_image im;
	if (fc_image_open(&im, argv[3], m.t) < 0)
		return 2;
	uint64_t *entry = fc_emu_entries(&im, &m);
	uint64_t *hop = fc_xcalloc(m.nsites, sizeof *hop);
	/* First hop of every site; a thunk is a first hop that is not the callee. */
	for (uint64_t i = 0; i < m.nsites; i++) {
		const struct fc_site *s = &m.sites[i];
		uint64_t a = entry[s->caller] + s->off, d;
		enum fc_insn_type ty;
		const uint8_t *p = fc_image_ptr(&im, a, 4);
		if (p && m.t->decode(p, 4, a, &ty, &d) && d != entry[s->callee])
			hop[i] = d;
	}
	uint64_t best = 0, bestn = UINT64_MAX;
	for (uint64_t i = 0; i < m.nsites; i++) {
		if (!hop[i])
			continue;
		uint64_t n = 0;
		for (uint64_t k = 0; k < m.nsites; k++)
			n += hop[k] == hop[i];
		if (n < bestn) {
			bestn = n;
			best = i;
		}
		if (bestn == 1)
			break;
	}
	if (bestn == UINT64_MAX)
		return fprintf(stderr, "fc-patch: no site goes through a thunk\n"), 2;
	uint64_t thunk = hop[best];
	const struct fc_site *bs = &m.sites[best];
	/* Padding within B range of the thunk, big enough for the routine. */
	uint64_t routine = 0;
	char pn[32];
	for (uint32_t f = 0; f < m.nfuncs && !routine; f++) {
		snprintf(pn, sizeof pn, "pad_%u", f);
		const struct fc_sym *p = fc_syms_by_name(&im.syms, pn);
		if (!p || p->size < 64)
			continue;
		int64_t d = (int64_t)(p->addr + 16 - thunk);
		if (d > -(1LL << 27) + 64 && d < (1LL << 27) - 64)
			routine = (p->addr + 16) & ~15ULL;
	}
	if (!routine)
		return fprintf(stderr, "fc-patch: no padding near the thunk\n"), 2;
	/* What the routine does, then where it sends the call. */
	uint32_t wrong = bs->callee + 1 < m.nfuncs ? bs->callee + 1 : bs->callee - 1;
	uint64_t right = entry[bs->callee] + (uint64_t)bs->addend;
	uint64_t dest = right;
	int fd = open(argv[3], O_RDWR);
	uint64_t a = routine;
	int bad = fd < 0;
	const char *name = modes[mode];
	if (!strcmp(name, "target"))
		dest = entry[wrong];
	else if (!strcmp(name, "body"))
		dest = right + 4;
	else if (!strcmp(name, "unmapped"))
		dest = 0;
	else if (!strcmp(name, "clobber"))
		bad |= poke(fd, &im, a, movz(19, 0xbad, 0)), a += 4; /* movz x19, #0xbad */
	else if (!strcmp(name, "store"))
		bad |= poke(fd, &im, a, STR_X0_SP_PRE), a += 4;      /* str x0, [sp, #-16]! */
	else if (!strcmp(name, "sp"))
		bad |= poke(fd, &im, a, SUB_SP_16), a += 4;          /* sub sp, sp, #16 */
	else if (!strcmp(name, "ra"))
		bad |= poke(fd, &im, a, movz(30, 0x1234, 0)), a += 4; /* movz x30, #0x1234 */
	if (!strcmp(name, "loop")) {
		bad |= poke(fd, &im, a, B_SELF);                     /* b . */
	} else {
		for (int hw = 0; hw < 4; hw++, a += 4) /* x16 = dest */
			bad |= poke(fd, &im, a, hw ? movk(16, (uint16_t)(dest >> (16 * hw)), hw)
						   : movz(16, (uint16_t)dest, 0));
		bad |= poke(fd, &im, a, BR_X16);                     /* br x16 */
	}
	bad |= poke(fd, &im, thunk, b_to(thunk, routine));       /* thunk: b routine */
	bad |= fd >= 0 && hide_symbol(fd, im.elf, pn);
	if (fd >= 0)
		close(fd);
	if (bad)
		return fprintf(stderr, "fc-patch: cannot write %s\n", argv[3]), 2;
	/* Every site through this thunk must fail now. */
	for (uint64_t i = 0; i < m.nsites; i++)
		if (hop[i] == thunk)
			printf("%s+0x%x\n", m.funcs[m.sites[i].caller].name, m.sites[i].off);
	if (!strcmp(name, "target"))
		printf("reason: reached 0x%" PRIx64 " (%s), expected 0x%" PRIx64 "\n", dest,
		       m.funcs[wrong].name, right);
	else if (!strcmp(name, "clobber"))
		printf("reason: with x19 changed: \n");
	else if (!strcmp(name, "store"))
		printf("reason: stored to 0x\n");
	else if (!strcmp(name, "sp"))
		printf("reason: with sp changed: \n");
	else if (!strcmp(name, "ra"))
		printf("reason: with return address x30 = 0x1234, expected\n");
	else if (!strcmp(name, "body"))
		printf("reason: ran into %s+0x4 (0x%" PRIx64 ")\n", m.funcs[bs->callee].name, dest);
	else if (!strcmp(name, "loop"))
		printf("reason: reached no function entry within\n");
	else
		printf("reason: jumped to unmapped 0x0 at 0x0\n");
	fc_image_close(&im);
	fc_manifest_free(&m);
	free(entry);
	free(hop);
	return 0;
}
