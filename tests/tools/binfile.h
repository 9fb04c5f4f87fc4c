/* A linked output opened to be patched, for the test tools: its ELF, its
 * PT_LOADs and its symbols, in a struct fc_image, without the loader.
 * fc_image_open also applies the dynamic relocations and maps the segments
 * into Unicorn, and refuses an output whose relocations it cannot apply; a
 * patch needs none of that, so a tool breaks any output, whatever farcall
 * can load. fc_image_ptr, fc_image_executable and fc_image_close work on
 * it (im->uc is NULL). */
#ifndef FC_TOOLS_BINFILE_H
#define FC_TOOLS_BINFILE_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../core/util.h"
#include "../../emu/image.h"

static inline int fc_bin_open(struct fc_image *im, const char *path)
{
	memset(im, 0, sizeof *im);
	im->path = path;
	elf_version(EV_CURRENT);
	im->fd = open(path, O_RDONLY);
	struct stat st;
	if (im->fd < 0 || fstat(im->fd, &st) != 0)
		return fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno)), -1;
	im->maplen = (size_t)st.st_size;
	im->map = mmap(NULL, im->maplen, PROT_READ, MAP_PRIVATE, im->fd, 0);
	if (im->map == MAP_FAILED) {
		im->map = NULL;
		return fprintf(stderr, "%s: cannot map: %s\n", path, strerror(errno)), -1;
	}
	GElf_Ehdr eh;
	im->elf = elf_memory((char *)im->map, im->maplen);
	if (!im->elf || !gelf_getehdr(im->elf, &eh) || !(im->t = fc_target_by_machine(eh.e_machine)))
		return fprintf(stderr, "%s: not an ELF output of an arch farcall knows\n", path), -1;
	im->entry = eh.e_entry;
	size_t nph;
	if (elf_getphdrnum(im->elf, &nph) != 0)
		return fprintf(stderr, "%s: unreadable program headers\n", path), -1;
	im->segs = fc_xcalloc(nph ? nph : 1, sizeof *im->segs);
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(im->elf, (int)i, &ph) || ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		if (ph.p_filesz && ph.p_offset + ph.p_filesz > im->maplen)
			return fprintf(stderr, "%s: truncated\n", path), -1;
		im->segs[im->nsegs++] = (struct fc_range){
			ph.p_vaddr, ph.p_vaddr + ph.p_memsz, ph.p_offset, ph.p_filesz,
			((ph.p_flags & PF_R) ? UC_PROT_READ : 0) | ((ph.p_flags & PF_X) ? UC_PROT_EXEC : 0)};
	}
	return fc_syms_load(&im->syms, im->elf, path);
}

#endif
