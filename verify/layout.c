/* Segments and sections must agree (the "segments and sections disagree"
 * class of DESIGN.md): a loadable segment's file part fits in its memory
 * part and in the file, its offset and address agree modulo its alignment,
 * loadable segments do not overlap; every allocated section lies inside a
 * loadable segment at the file offset its address implies (.bss in the
 * memory-only part), no section that is not allocated (debug info) lies
 * inside what a segment loads, and the entry point is in executable code. */
#define _GNU_SOURCE
#include "layout.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

/* What breaks what (docs/DESIGN.md, "Layout"): a loader maps PT_LOADs,
 * so every segment invariant is a fail; a debugger and objdump read code
 * through section headers, so an allocated section that is not where its
 * segment loads it shows them other bytes than run: a fail; a section
 * nothing loads that sits inside a loaded range (Go's .shstrtab, on
 * purpose) harms neither: a note. */
#define fail(...) fc_find(f, FC_SEV_FAIL, NULL, 0, FC_NOWHERE, __VA_ARGS__)
#define note(...) fc_find(f, FC_SEV_NOTE, NULL, 0, FC_NOWHERE, __VA_ARGS__)

void fc_layout_check(const struct fc_image *im, struct fc_findings *f)
{
	size_t nph = 0;
	Elf *e = im->elf;
	GElf_Ehdr eh;
	if (!gelf_getehdr(e, &eh) || elf_getphdrnum(e, &nph) != 0)
		return;
	GElf_Phdr *ph = fc_xcalloc(nph + 1, sizeof *ph);
	for (size_t i = 0; i < nph; i++)
		gelf_getphdr(e, (int)i, &ph[i]);
	for (size_t i = 0; i < nph; i++) {
		const GElf_Phdr *p = &ph[i];
		if (p->p_type != PT_LOAD)
			continue;
		if (p->p_filesz > p->p_memsz)
			fail("%s: PT_LOAD[%zu]: p_filesz 0x%" PRIx64 " > p_memsz 0x%" PRIx64,
			    im->path, i, p->p_filesz, p->p_memsz);
		if (p->p_filesz && p->p_offset + p->p_filesz > im->maplen)
			fail("%s: PT_LOAD[%zu]: its file part ends at 0x%" PRIx64
			    ", past the file's end 0x%zx", im->path, i, p->p_offset + p->p_filesz,
			    im->maplen);
		if (p->p_align > 1 && (p->p_offset - p->p_vaddr) % p->p_align)
			fail("%s: PT_LOAD[%zu]: p_offset 0x%" PRIx64 " and p_vaddr 0x%" PRIx64
			    " disagree modulo p_align 0x%" PRIx64, im->path, i, p->p_offset, p->p_vaddr,
			    p->p_align);
		for (size_t k = i + 1; k < nph; k++) {
			const GElf_Phdr *q = &ph[k];
			if (q->p_type == PT_LOAD && q->p_memsz && p->p_memsz &&
			    q->p_vaddr < p->p_vaddr + p->p_memsz && p->p_vaddr < q->p_vaddr + q->p_memsz)
				fail("%s: PT_LOAD[%zu] and PT_LOAD[%zu] overlap", im->path, i, k);
		}
	}
	size_t shstrndx = 0;
	elf_getshdrstrndx(e, &shstrndx);
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || !sh.sh_size)
			continue;
		const char *name = elf_strptr(e, shstrndx, sh.sh_name);
		name = name ? name : "?";
		bool nobits = sh.sh_type == SHT_NOBITS;
		if (sh.sh_flags & SHF_ALLOC) {
			if (sh.sh_flags & SHF_TLS)
				continue; /* .tbss lives in its own image, not at its address */
			const GElf_Phdr *in = NULL;
			for (size_t i = 0; i < nph && !in; i++)
				if (ph[i].p_type == PT_LOAD && sh.sh_addr >= ph[i].p_vaddr &&
				    sh.sh_addr + sh.sh_size <= ph[i].p_vaddr + ph[i].p_memsz)
					in = &ph[i];
			if (!in) {
				fail("%s: section %s [0x%" PRIx64 ", 0x%" PRIx64 ") is allocated "
				    "but in no loadable segment", im->path, name, sh.sh_addr,
				    sh.sh_addr + sh.sh_size);
				continue;
			}
			if (!nobits && (sh.sh_addr + sh.sh_size > in->p_vaddr + in->p_filesz ||
					sh.sh_offset - in->p_offset != sh.sh_addr - in->p_vaddr))
				fail("%s: section %s at 0x%" PRIx64 " (file 0x%" PRIx64
				    ") is not where its segment loads it (file 0x%" PRIx64 ")", im->path,
				    name, sh.sh_addr, sh.sh_offset,
				    in->p_offset + (sh.sh_addr - in->p_vaddr));
		} else if (!nobits) {
			for (size_t i = 0; i < nph; i++)
				if (ph[i].p_type == PT_LOAD && ph[i].p_filesz &&
				    sh.sh_offset < ph[i].p_offset + ph[i].p_filesz &&
				    ph[i].p_offset < sh.sh_offset + sh.sh_size)
					note("%s: section %s (not allocated) lies in what "
					    "PT_LOAD[%zu] loads (file 0x%" PRIx64 ")", im->path, name, i,
					    sh.sh_offset);
		}
	}
	if (eh.e_type == ET_EXEC && !fc_image_executable(im, eh.e_entry))
		fc_find(f, FC_SEV_FAIL, NULL, 0, eh.e_entry,
			"%s: the entry point 0x%" PRIx64 " is not in executable code",
		    im->path, eh.e_entry);
	free(ph);
}
