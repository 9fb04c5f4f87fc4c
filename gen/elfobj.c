/* ELF relocatable objects, written with libelf.
 *
 * The padding is what makes .text huge, and it is all zeros, so it is never
 * written: each padding section is laid out at the end of the file, after
 * the section header table, and handed to libelf as SHT_NOBITS (libelf
 * writes no bytes for those). Once libelf is done we turn its type into
 * SHT_PROGBITS in place and extend the file with ftruncate(), which leaves a
 * hole: the object reads back as zeros, costs nothing to write, and the cost
 * of gen follows the code, not the padding. We patch one 4-byte field rather
 * than asking libelf to write the section, because libelf fills every byte
 * of a section it writes (4 GiB: 13 s, 4.1 GB on disk).
 *
 * Linkers lay input sections out in section-header order, not file order,
 * so each padding section still sits between the two functions it
 * separates. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/util.h"
#include "gen.h"

struct strtab {
	char *buf;
	size_t len, cap;
};

static uint32_t str_add(struct strtab *s, const char *a, const char *b)
{
	size_t la = strlen(a), lb = b ? strlen(b) : 0;
	if (s->len + la + lb + 1 > s->cap) {
		s->cap = (s->len + la + lb + 1) * 2;
		s->buf = fc_xrealloc(s->buf, s->cap);
	}
	uint32_t off = (uint32_t)s->len;
	memcpy(s->buf + s->len, a, la);
	if (lb)
		memcpy(s->buf + s->len + la, b, lb);
	s->len += la + lb;
	s->buf[s->len++] = 0;
	return off;
}

struct sec {
	Elf64_Shdr sh;
	void *buf;
	Elf_Type dtype;
	int pad; /* becomes PROGBITS after libelf is done */
};

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

int fc_write_object(const char *dir, const struct fc_manifest *m, uint32_t obj,
		    uint64_t *code_bytes, uint64_t *disk_bytes)
{
	const struct target *t = m->t;
	uint32_t f0 = UINT32_MAX, f1 = 0;
	for (uint32_t i = 0; i < m->nfuncs; i++)
		if (m->funcs[i].obj == obj) {
			if (f0 == UINT32_MAX)
				f0 = i;
			f1 = i + 1;
		}
	if (f0 == UINT32_MAX)
		f0 = f1 = 0;
	uint32_t nf = f1 - f0;
	if (nf > FC_MAX_FUNCS_PER_OBJ)
		return fc_err("gen: %u functions in one object; at most %u (raise --objs)", nf,
			      FC_MAX_FUNCS_PER_OBJ);

	char *path = fc_xasprintf("%s/%s", dir, m->objs[obj]);
	int r = -1, fd = -1;
	Elf *e = NULL;
	struct strtab shstr = {0}, str = {0};
	str_add(&shstr, "", NULL);
	str_add(&str, "", NULL);
	size_t nsec_max = (size_t)nf * 3 + 8;
	struct sec *secs = fc_xcalloc(nsec_max, sizeof *secs);
	size_t nsec = 1; /* [0] is the null section */
	struct fc_code *codes = fc_xcalloc(nf ? nf : 1, sizeof *codes);
	Elf64_Rela **relas = fc_xcalloc(nf ? nf : 1, sizeof *relas);
	uint32_t *text_idx = fc_xcalloc(nf ? nf : 1, sizeof *text_idx);
	/* Symbol index of each function in this object, or 0: locals (padding)
	 * first, then our functions, then the functions we call. */
	uint32_t *symof = fc_xcalloc(m->nfuncs, sizeof *symof);
	Elf64_Sym *syms = NULL;
	size_t nsym = 0, symcap = 0;
#define ADDSYM(...)                                                                        \
	do {                                                                               \
		if (nsym == symcap)                                                        \
			syms = fc_xrealloc(syms, (symcap = symcap ? symcap * 2 : 1024) *   \
							 sizeof *syms);                    \
		syms[nsym++] = (Elf64_Sym){__VA_ARGS__};                                   \
	} while (0)
	ADDSYM(0);

	/* Bodies, with the real callees this time. */
	struct fc_body_site *bs = NULL;
	size_t bscap = 0;
	uint64_t code = 0;
	for (uint32_t i = 0; i < nf; i++) {
		const struct fc_func *fn = &m->funcs[f0 + i];
		if (fn->nsites > bscap) {
			bscap = fn->nsites * 2;
			bs = fc_xrealloc(bs, bscap * sizeof *bs);
		}
		for (uint32_t k = 0; k < fn->nsites; k++) {
			const struct fc_site *s = &m->sites[fn->first_site + k];
			bs[k] = (struct fc_body_site){(enum fc_site_kind)s->kind, s->callee,
						      s->addend, 0};
		}
		struct fc_body b = {bs, fn->nsites};
		if (t->emit_func(&codes[i], &b, f0 + i == 0) < 0 || codes[i].len != fn->size) {
			fc_err("gen: %s: %s: body does not match the model", path, fn->name);
			goto out;
		}
		for (uint32_t k = 0; k < fn->nsites; k++)
			if (bs[k].off != m->sites[fn->first_site + k].off) {
				fc_err("gen: %s: %s: site offsets moved", path, fn->name);
				goto out;
			}
		code += fn->size;
	}

	/* Sections in layout order: code, its relocations, its padding. */
	for (uint32_t i = 0; i < nf; i++) {
		const struct fc_func *fn = &m->funcs[f0 + i];
		struct sec *s = &secs[nsec];
		text_idx[i] = (uint32_t)nsec++;
		s->sh = (Elf64_Shdr){.sh_name = str_add(&shstr, ".text.", fn->name),
				     .sh_type = SHT_PROGBITS,
				     .sh_flags = SHF_ALLOC | SHF_EXECINSTR,
				     .sh_size = fn->size,
				     .sh_addralign = t->func_align};
		s->buf = codes[i].buf;
		s->dtype = ELF_T_BYTE;
		if (codes[i].nrel) {
			s = &secs[nsec++];
			s->sh = (Elf64_Shdr){.sh_name = str_add(&shstr, ".rela.text.", fn->name),
					     .sh_type = SHT_RELA,
					     .sh_flags = SHF_INFO_LINK,
					     .sh_info = text_idx[i],
					     .sh_size = codes[i].nrel * sizeof(Elf64_Rela),
					     .sh_addralign = 8,
					     .sh_entsize = sizeof(Elf64_Rela)};
			s->dtype = ELF_T_RELA;
			s->buf = relas[i] = fc_xcalloc(codes[i].nrel, sizeof(Elf64_Rela));
		}
		if (fn->pad) {
			char pn[32];
			snprintf(pn, sizeof pn, "pad_%u", f0 + i);
			s = &secs[nsec];
			s->sh = (Elf64_Shdr){.sh_name = str_add(&shstr, ".text.", pn),
					     .sh_type = SHT_NOBITS,
					     .sh_flags = SHF_ALLOC | SHF_EXECINSTR,
					     .sh_size = fn->pad,
					     .sh_addralign = t->func_align};
			s->pad = 1;
			/* A local symbol names the padding in traces: "pad_17+0x40". */
			ADDSYM(.st_name = str_add(&str, pn, NULL),
			       .st_info = ELF64_ST_INFO(STB_LOCAL, STT_NOTYPE),
			       .st_shndx = (uint16_t)nsec, .st_size = fn->pad);
			nsec++;
		}
	}
	size_t first_global = nsym;
	for (uint32_t i = 0; i < nf; i++) {
		const struct fc_func *fn = &m->funcs[f0 + i];
		symof[f0 + i] = (uint32_t)nsym;
		ADDSYM(.st_name = str_add(&str, fn->name, NULL),
		       .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC),
		       .st_shndx = (uint16_t)text_idx[i], .st_size = fn->size);
	}
	for (uint32_t i = 0; i < nf; i++) {
		for (size_t k = 0; k < codes[i].nrel; k++) {
			const struct fc_reloc_req *q = &codes[i].rel[k];
			if (!symof[q->callee]) {
				symof[q->callee] = (uint32_t)nsym;
				ADDSYM(.st_name = str_add(&str, m->funcs[q->callee].name, NULL),
				       .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE),
				       .st_shndx = SHN_UNDEF);
			}
			relas[i][k] = (Elf64_Rela){
				.r_offset = q->off,
				.r_info = ELF64_R_INFO(symof[q->callee], q->type),
				.r_addend = q->addend};
		}
	}
	/* No executable stack: say so, or GNU ld warns. */
	secs[nsec++].sh = (Elf64_Shdr){.sh_name = str_add(&shstr, ".note.GNU-stack", NULL),
				       .sh_type = SHT_PROGBITS, .sh_addralign = 1};
	size_t symtab = nsec++, strtab = nsec++, shstrtab = nsec++;
	secs[symtab].sh = (Elf64_Shdr){.sh_name = str_add(&shstr, ".symtab", NULL),
				       .sh_type = SHT_SYMTAB,
				       .sh_link = (uint32_t)strtab,
				       .sh_info = (uint32_t)first_global,
				       .sh_addralign = 8,
				       .sh_entsize = sizeof(Elf64_Sym)};
	secs[strtab].sh = (Elf64_Shdr){.sh_name = str_add(&shstr, ".strtab", NULL),
				       .sh_type = SHT_STRTAB, .sh_addralign = 1};
	secs[shstrtab].sh = (Elf64_Shdr){.sh_name = str_add(&shstr, ".shstrtab", NULL),
					 .sh_type = SHT_STRTAB, .sh_addralign = 1};
	secs[symtab].buf = syms;
	secs[symtab].sh.sh_size = nsym * sizeof(Elf64_Sym);
	secs[symtab].dtype = ELF_T_SYM;
	secs[strtab].buf = str.buf;
	secs[strtab].sh.sh_size = str.len;
	secs[strtab].dtype = ELF_T_BYTE;
	secs[shstrtab].buf = shstr.buf;
	secs[shstrtab].sh.sh_size = shstr.len;
	secs[shstrtab].dtype = ELF_T_BYTE;
	for (size_t i = 1; i < nsec; i++)
		if (secs[i].sh.sh_type == SHT_RELA)
			secs[i].sh.sh_link = (uint32_t)symtab;
	if (nsec >= SHN_LORESERVE) {
		fc_err("gen: %s: %zu sections is too many for one object", path, nsec);
		goto out;
	}

	/* File layout: header, contents, section headers, then the holes. */
	uint64_t off = sizeof(Elf64_Ehdr);
	for (size_t i = 1; i < nsec; i++) {
		struct sec *s = &secs[i];
		if (s->pad)
			continue;
		off = align_up(off, s->sh.sh_addralign ? s->sh.sh_addralign : 1);
		s->sh.sh_offset = off;
		off += s->sh.sh_size;
	}
	uint64_t shoff = align_up(off, 8);
	off = shoff + nsec * sizeof(Elf64_Shdr);
	for (size_t i = 1; i < nsec; i++) {
		struct sec *s = &secs[i];
		if (!s->pad)
			continue;
		off = align_up(off, s->sh.sh_addralign);
		s->sh.sh_offset = off;
		off += s->sh.sh_size;
	}
	uint64_t file_end = off;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		fc_err("gen: %s: cannot create: %s", path, strerror(errno));
		goto out;
	}
	e = elf_begin(fd, ELF_C_WRITE, NULL);
	Elf64_Ehdr *eh = e ? elf64_newehdr(e) : NULL;
	if (!eh) {
		fc_err("gen: %s: libelf: %s", path, elf_errmsg(-1));
		goto out;
	}
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh->e_type = ET_REL;
	eh->e_machine = t->e_machine;
	eh->e_version = EV_CURRENT;
	eh->e_shoff = shoff;
	eh->e_shstrndx = (uint16_t)shstrtab;
	elf_flagelf(e, ELF_C_SET, ELF_F_LAYOUT);
	for (size_t i = 1; i < nsec; i++) {
		Elf_Scn *scn = elf_newscn(e);
		Elf64_Shdr *sh = scn ? elf64_getshdr(scn) : NULL;
		if (!sh) {
			fc_err("gen: %s: libelf: %s", path, elf_errmsg(-1));
			goto out;
		}
		*sh = secs[i].sh;
		if (secs[i].pad || secs[i].sh.sh_size == 0)
			continue;
		Elf_Data *d = elf_newdata(scn);
		d->d_buf = secs[i].buf;
		d->d_size = secs[i].sh.sh_size;
		d->d_type = secs[i].dtype;
		d->d_align = secs[i].sh.sh_addralign ? secs[i].sh.sh_addralign : 1;
		d->d_version = EV_CURRENT;
	}
	errno = 0;
	if (elf_update(e, ELF_C_WRITE) < 0) {
		/* libelf's message drops errno, which is what says "disk full". */
		fc_err("gen: %s: writing: %s%s%s", path, elf_errmsg(-1), errno ? ": " : "",
		       errno ? strerror(errno) : "");
		goto out;
	}
	elf_end(e);
	e = NULL;
	/* Padding: NOBITS -> PROGBITS, then the holes. See the top of the file. */
	uint32_t progbits = SHT_PROGBITS;
	for (size_t i = 1; i < nsec; i++) {
		if (!secs[i].pad)
			continue;
		off_t at = (off_t)(shoff + i * sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, sh_type));
		if (pwrite(fd, &progbits, 4, at) != 4) {
			fc_err("gen: %s: writing: %s", path, strerror(errno));
			goto out;
		}
	}
	if (ftruncate(fd, (off_t)file_end) != 0) {
		fc_err("gen: %s: cannot extend to %llu bytes: %s", path,
		       (unsigned long long)file_end, strerror(errno));
		goto out;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && disk_bytes)
		*disk_bytes += (uint64_t)st.st_blocks * 512;
	if (close(fd) != 0) {
		fd = -1;
		fc_err("gen: %s: %s", path, strerror(errno));
		goto out;
	}
	fd = -1;
	if (code_bytes)
		*code_bytes += code;
	r = 0;
out:
	if (e)
		elf_end(e);
	if (fd >= 0)
		close(fd);
	for (uint32_t i = 0; i < nf; i++) {
		fc_code_free(&codes[i]);
		free(relas[i]);
	}
	free(codes);
	free(relas);
	free(text_idx);
	free(symof);
	free(syms);
	free(secs);
	free(bs);
	free(str.buf);
	free(shstr.buf);
	free(path);
	return r;
}
