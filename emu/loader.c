/* Loading a linked output for execution.
 *
 * The file is mapped once, MAP_PRIVATE, and every page that holds only one
 * segment's file bytes is handed to Unicorn with uc_mem_map_ptr(): no copy,
 * so a 4 GiB output costs what the pages we touch cost. Pages that two
 * segments share, or that end in .bss, are anonymous and filled by copying
 * (at most two per segment). Nothing is mapped writable: a thunk or
 * relocated sequence has no business storing anything, and a store faults
 * before it can change what later sites execute. The one exception is the
 * stack of a target whose calls push the return address (amd64): it is
 * writable, and emu watches every store to it.
 *
 * Dynamic relocations (PIE, shared objects, IRELATIVE of static glibc) are
 * applied at load, as the dynamic loader or glibc's static start-up would
 * with a load base of 0, into the private mapping: emu/dynamic.c, which
 * says what it does with each class. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/util.h"
#include "image.h"

static int prot_of(uint32_t pf)
{
	return ((pf & PF_R) ? UC_PROT_READ : 0) | ((pf & PF_X) ? UC_PROT_EXEC : 0);
}

static const char *machine_name(unsigned m, char *buf, size_t len)
{
	const struct target *t = fc_target_by_machine(m);
	if (t)
		return t->name;
	switch (m) {
	case EM_X86_64: return "x86-64";
	case EM_386: return "i386";
	case EM_RISCV: return "riscv";
	case EM_ARM: return "arm (32-bit)";
	}
	snprintf(buf, len, "e_machine %u", m);
	return buf;
}

/* Map [lo, hi) anonymous (or widen its protection if a neighbour did). */
static int map_anon(struct fc_image *im, uint64_t lo, uint64_t hi, int prot)
{
	uc_mem_region *r;
	uint32_t n;
	if (uc_mem_regions(im->uc, &r, &n) == UC_ERR_OK) {
		for (uint32_t i = 0; i < n; i++) {
			if (r[i].begin <= lo && r[i].end + 1 >= hi) {
				int p = (int)r[i].perms | prot;
				uc_free(r);
				return uc_mem_protect(im->uc, lo, hi - lo, (uint32_t)p) == UC_ERR_OK
					       ? 0 : -1;
			}
		}
		uc_free(r);
	}
	return uc_mem_map(im->uc, lo, hi - lo, (uint32_t)prot) == UC_ERR_OK ? 0 : -1;
}

static int map_segments(struct fc_image *im)
{
	size_t P = 4096;
	uc_query(im->uc, UC_QUERY_PAGE_SIZE, &P);
	for (size_t i = 0; i < im->nsegs; i++) {
		struct fc_range *s = &im->segs[i];
		uint64_t L = s->lo & ~(uint64_t)(P - 1);
		uint64_t H = (s->hi + P - 1) & ~(uint64_t)(P - 1);
		/* Pages a neighbour shares are copied, never mapped from the file. */
		uint64_t dl = (s->lo + P - 1) & ~(uint64_t)(P - 1);
		uint64_t dh = (s->lo + s->filesz) & ~(uint64_t)(P - 1);
		if (i > 0 && ((im->segs[i - 1].hi + P - 1) & ~(uint64_t)(P - 1)) > L && dl < L + P)
			dl = L + P;
		if (i + 1 < im->nsegs && (im->segs[i + 1].lo & ~(uint64_t)(P - 1)) < H && dh > H - P)
			dh = H - P;
		if ((s->off - s->lo) % P)
			dl = dh = L; /* file and memory disagree within a page: copy all */
		if (dh <= dl)
			dl = dh = L;
		if (dh > dl) {
			uint8_t *host = im->map + s->off + (dl - s->lo);
			if (uc_mem_map_ptr(im->uc, dl, dh - dl, (uint32_t)s->prot, host) != UC_ERR_OK)
				return fc_err("%s: cannot map 0x%" PRIx64 "-0x%" PRIx64 " for emulation",
					      im->path, dl, dh);
		}
		/* The rest: [L, dl) and [dh, H), copied. */
		uint64_t parts[2][2] = {{L, dl}, {dh, H}};
		if (dh == dl && dl == L)
			parts[0][1] = L; /* all in the second part */
		for (int k = 0; k < 2; k++) {
			uint64_t lo = parts[k][0], hi = parts[k][1];
			if (hi <= lo)
				continue;
			if (map_anon(im, lo, hi, s->prot) < 0)
				return fc_err("%s: cannot map 0x%" PRIx64 "-0x%" PRIx64 " for emulation",
					      im->path, lo, hi);
			/* The file bytes of this segment that fall in [lo, hi). */
			uint64_t a = lo > s->lo ? lo : s->lo;
			uint64_t b = s->lo + s->filesz < hi ? s->lo + s->filesz : hi;
			if (b > a && uc_mem_write(im->uc, a, im->map + s->off + (a - s->lo), b - a))
				return fc_err("%s: cannot fill 0x%" PRIx64 " for emulation", im->path, a);
		}
	}
	return 0;
}

int fc_image_open(struct fc_image *im, const char *path, const struct target *t)
{
	memset(im, 0, sizeof *im);
	im->fd = -1;
	im->path = path;
	elf_version(EV_CURRENT);
	/* Not blocking: a FIFO given as the binary must be refused, not waited
	 * on; whatever it is, it is looked at before a byte is read. */
	im->fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (im->fd < 0)
		return fc_err("%s: cannot open: %s", path, strerror(errno));
	struct stat st;
	if (fstat(im->fd, &st) != 0)
		return fc_err("%s: cannot stat: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fc_err("%s: not a regular file (%s)", path,
			      S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO"
			      : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" : "special");
	if (st.st_size < (off_t)sizeof(Elf64_Ehdr))
		return fc_err("%s: truncated: %lld bytes is less than an ELF header", path,
			      (long long)st.st_size);
	im->maplen = (size_t)st.st_size;
	im->map = mmap(NULL, im->maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE, im->fd, 0);
	if (im->map == MAP_FAILED) {
		im->map = NULL;
		return fc_err("%s: cannot map: %s", path, strerror(errno));
	}
	if (memcmp(im->map, ELFMAG, SELFMAG))
		return fc_err("%s: not an ELF file", path);
	im->elf = elf_memory((char *)im->map, im->maplen);
	GElf_Ehdr eh;
	if (!im->elf || !gelf_getehdr(im->elf, &eh))
		return fc_err("%s: unreadable ELF header: %s", path, elf_errmsg(-1));
	char mb[32];
	if (eh.e_ident[EI_CLASS] != ELFCLASS64)
		return fc_err("%s: not a 64-bit ELF file", path);
	/* The targets are little-endian, and so is what the loader writes. */
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return fc_err("%s: a big-endian ELF file: farcall checks little-endian %s only",
			      path, fc_target_names());
	if (!t && !(t = fc_target_by_machine(eh.e_machine)))
		return fc_err("%s: farcall has no target for %s", path,
			      machine_name(eh.e_machine, mb, sizeof mb));
	if (eh.e_machine != t->e_machine)
		return fc_err("%s: not an %s ELF file (it is %s)", path, t->name,
			      machine_name(eh.e_machine, mb, sizeof mb));
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
		return fc_err("%s: not an executable or shared object (e_type %u)", path,
			      eh.e_type);
	im->t = t;
	im->entry = eh.e_entry;
	size_t nph;
	if (elf_getphdrnum(im->elf, &nph) != 0)
		return fc_err("%s: unreadable program headers: %s", path, elf_errmsg(-1));
	im->segs = fc_xcalloc(nph ? nph : 1, sizeof *im->segs);
	uint64_t top = 0;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(im->elf, (int)i, &ph))
			return fc_err("%s: program header %zu unreadable: %s", path, i, elf_errmsg(-1));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz)
			return fc_err("%s: PT_LOAD[%zu]: p_filesz 0x%" PRIx64 " > p_memsz 0x%" PRIx64,
				      path, i, ph.p_filesz, ph.p_memsz);
		/* A segment of only .bss may give an offset past the file's end
		 * (GNU ld does): nothing of the file is needed then. */
		if (ph.p_filesz &&
		    (ph.p_offset + ph.p_filesz > im->maplen || ph.p_offset + ph.p_filesz < ph.p_offset))
			return fc_err("%s: truncated: PT_LOAD[%zu] needs bytes up to 0x%" PRIx64
				      ", the file has 0x%zx", path, i, ph.p_offset + ph.p_filesz,
				      im->maplen);
		/* An end past 2^64 (less a 64 KiB page, the most the mapping
		 * rounds up by) wrapped around: map_segments then computed a
		 * host pointer before the file's map (found by fuzzing). */
		if (ph.p_vaddr + ph.p_memsz < ph.p_vaddr ||
		    ph.p_vaddr + ph.p_memsz > UINT64_MAX - 0x10000)
			return fc_err("%s: PT_LOAD[%zu] at 0x%" PRIx64 " with p_memsz 0x%" PRIx64
				      " runs past the end of the address space", path, i, ph.p_vaddr,
				      ph.p_memsz);
		if (im->nsegs && ph.p_vaddr < im->segs[im->nsegs - 1].hi)
			return fc_err("%s: PT_LOAD[%zu] at 0x%" PRIx64 " overlaps or precedes the "
				      "one before it", path, i, ph.p_vaddr);
		im->segs[im->nsegs++] = (struct fc_range){ph.p_vaddr, ph.p_vaddr + ph.p_memsz,
							  ph.p_offset, ph.p_filesz,
							  prot_of(ph.p_flags), ph.p_flags & PF_W};
		if (ph.p_vaddr + ph.p_memsz > top)
			top = ph.p_vaddr + ph.p_memsz;
	}
	if (!im->nsegs)
		return fc_err("%s: no PT_LOAD segment", path);
	/* A read-only stack: sites must not store, and SP must point somewhere
	 * real so that a thunk reading it does not fault for our reasons. The
	 * import stubs go past it (emu/dynamic.c). */
	im->stack_lo = ((top + (16 << 20)) & ~(uint64_t)0xfffff);
	im->stack_hi = im->stack_lo + (1 << 20);
	if (fc_dyn_apply(im) < 0)
		return -1;
	if (uc_open((uc_arch)t->uc_arch, (uc_mode)t->uc_mode, &im->uc) != UC_ERR_OK)
		return fc_err("%s: Unicorn cannot emulate %s", path, t->name);
	if (map_segments(im) < 0)
		return -1;
	uint32_t sprot = UC_PROT_READ | (t->reg_ra < 0 ? UC_PROT_WRITE : 0);
	/* Memory of our own, so that the CFI check reads the stack without
	 * asking Unicorn (uc_mem_read) at every instruction. */
	void *sh = mmap(NULL, im->stack_hi - im->stack_lo, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return fc_err("%s: cannot map a stack for emulation", path);
	im->stack_host = sh;
	if (uc_mem_map_ptr(im->uc, im->stack_lo, im->stack_hi - im->stack_lo, sprot, sh))
		return fc_err("%s: cannot map a stack for emulation", path);
	/* `until` for uc_emu_start: inside the stack, which is not code. */
	im->until = im->stack_hi - 16;
	t->init_cpu(im->uc);
	if (fc_syms_load(&im->syms, im->elf, path) < 0)
		return -1;
	/* The import stubs, and the IFUNC resolvers run in this Unicorn. */
	if (fc_dyn_resolve(im) < 0)
		return -1;
	t->init_cpu(im->uc);
	return 0;
}

void fc_image_close(struct fc_image *im)
{
	if (im->uc)
		uc_close(im->uc);
	if (im->stack_host)
		munmap(im->stack_host, im->stack_hi - im->stack_lo);
	if (im->elf)
		elf_end(im->elf);
	if (im->map)
		munmap(im->map, im->maplen);
	if (im->fd >= 0)
		close(im->fd);
	fc_syms_free(&im->syms);
	fc_dyn_free(&im->dyn);
	free(im->segs);
	memset(im, 0, sizeof *im);
	im->fd = -1;
}

const uint8_t *fc_image_ptr(const struct fc_image *im, uint64_t addr, size_t len)
{
	for (size_t i = 0; i < im->nsegs; i++) {
		const struct fc_range *s = &im->segs[i];
		if (addr >= s->lo && addr + len <= s->lo + s->filesz && addr + len >= addr)
			return im->map + s->off + (addr - s->lo);
	}
	return NULL;
}

const uint8_t *fc_image_span(const struct fc_image *im, uint64_t addr, size_t max, size_t *avail)
{
	*avail = 0;
	for (size_t i = 0; i < im->nsegs; i++) {
		const struct fc_range *s = &im->segs[i];
		if (addr >= s->lo && addr < s->lo + s->filesz) {
			uint64_t left = s->lo + s->filesz - addr;
			*avail = left < max ? (size_t)left : max;
			return im->map + s->off + (addr - s->lo);
		}
	}
	return NULL;
}

uint64_t fc_image_code_bytes(const struct fc_image *im)
{
	uint64_t n = 0;
	for (Elf_Scn *s = elf_nextscn(im->elf, NULL); s; s = elf_nextscn(im->elf, s)) {
		GElf_Shdr sh;
		if (gelf_getshdr(s, &sh) && (sh.sh_flags & SHF_EXECINSTR) && (sh.sh_flags & SHF_ALLOC))
			n += sh.sh_size;
	}
	return n;
}

bool fc_image_executable(const struct fc_image *im, uint64_t addr)
{
	for (size_t i = 0; i < im->nsegs; i++)
		if (addr >= im->segs[i].lo && addr < im->segs[i].hi)
			return im->segs[i].prot & UC_PROT_EXEC;
	return false;
}
