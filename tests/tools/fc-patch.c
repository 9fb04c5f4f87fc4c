/* fc-patch: break a linked arm64 output on purpose, for the negative tests.
 *
 *   fc-patch thunk-target CASE OUT   a thunk now goes to the wrong function
 *   fc-patch thunk-clobber CASE OUT  a thunk now also clobbers x19
 *
 * It picks the thunk that the fewest call sites go through, writes a small
 * routine into the generator's zero padding near it, and turns the thunk's
 * first instruction into a branch to that routine. OUT is changed in place.
 * Prints, one per line, "caller+0xoff" of every site that must now fail,
 * then a line "reason: ..." with the words the failure message must carry. */
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

#define BR_X16 0xd61f0200u /* br x16 */

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
	if (argc != 4 || (strcmp(argv[1], "thunk-target") && strcmp(argv[1], "thunk-clobber"))) {
		fprintf(stderr, "usage: fc-patch thunk-target|thunk-clobber CASE OUT\n");
		return 2;
	}
	bool clobber = !strcmp(argv[1], "thunk-clobber");
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
	/* Where the routine sends the call: the right callee (clobber), or
	 * another function (target). */
	uint32_t wrong = bs->callee + 1 < m.nfuncs ? bs->callee + 1 : bs->callee - 1;
	uint64_t dest = clobber ? entry[bs->callee] : entry[wrong];
	int fd = open(argv[3], O_RDWR);
	uint64_t a = routine;
	int bad = fd < 0;
	if (clobber)
		bad |= poke(fd, &im, a, movz(19, 0xbad, 0)), a += 4; /* movz x19, #0xbad */
	for (int hw = 0; hw < 4; hw++, a += 4) /* x16 = dest */
		bad |= poke(fd, &im, a, hw ? movk(16, (uint16_t)(dest >> (16 * hw)), hw)
					   : movz(16, (uint16_t)dest, 0));
	bad |= poke(fd, &im, a, BR_X16);                    /* br x16 */
	bad |= poke(fd, &im, thunk, b_to(thunk, routine));  /* thunk: b routine */
	bad |= fd >= 0 && hide_symbol(fd, im.elf, pn);
	if (fd >= 0)
		close(fd);
	if (bad)
		return fprintf(stderr, "fc-patch: cannot write %s\n", argv[3]), 2;
	/* Every site through this thunk must fail now. */
	for (uint64_t i = 0; i < m.nsites; i++)
		if (hop[i] == thunk)
			printf("%s+0x%x\n", m.funcs[m.sites[i].caller].name, m.sites[i].off);
	if (clobber)
		printf("reason: x19 changed\n");
	else
		printf("reason: reached 0x%" PRIx64 " (%s), expected 0x%" PRIx64 "\n", dest,
		       m.funcs[wrong].name, entry[bs->callee] + (uint64_t)bs->addend);
	fc_image_close(&im);
	fc_manifest_free(&m);
	free(entry);
	free(hop);
	return 0;
}
