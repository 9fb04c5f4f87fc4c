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
#include "debug.h"
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

/* Symbols: locals first (ELF wants them so), globals after; relocations
 * name a global by (index | GLOBAL) until the count of locals is known. */
#define GLOBAL 0x80000000u

struct syms {
	Elf64_Sym *loc, *glob;
	size_t nloc, nglob, loccap, globcap;
	uint32_t *func_g, *data_g; /* global index + 1 of a function / data object */
};

static uint32_t add_sym(Elf64_Sym **v, size_t *n, size_t *cap, Elf64_Sym s)
{
	if (*n == *cap)
		*v = fc_xrealloc(*v, (*cap = *cap ? *cap * 2 : 256) * sizeof **v);
	(*v)[*n] = s;
	return (uint32_t)(*n)++;
}

static uint32_t local(struct syms *y, Elf64_Sym s)
{
	return add_sym(&y->loc, &y->nloc, &y->loccap, s);
}

/* The symbol for a reference, undefined when it lives in another object. */
static uint32_t ref_sym(struct syms *y, struct strtab *str, const struct fc_manifest *m, uint32_t ref)
{
	bool data = fc_ref_is_data(ref);
	uint32_t i = fc_ref_index(ref);
	uint32_t *slot = data ? &y->data_g[i] : &y->func_g[i];
	if (!*slot) {
		bool hidden = data ? m->datas[i].hidden : m->funcs[i].hidden;
		Elf64_Sym s = {.st_name = str_add(str, fc_ref_name(m, ref), NULL),
			       .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE),
			       .st_other = hidden ? STV_HIDDEN : STV_DEFAULT,
			       .st_shndx = SHN_UNDEF};
		*slot = add_sym(&y->glob, &y->nglob, &y->globcap, s) + 1;
	}
	return (*slot - 1) | GLOBAL;
}

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
	uint32_t var_id = 2 * obj, words_id = 2 * obj + 1;

	char *path = fc_xasprintf("%s/%s", dir, m->objs[obj]);
	int r = -1, fd = -1;
	Elf *e = NULL;
	struct strtab shstr = {0}, str = {0};
	str_add(&shstr, "", NULL);
	str_add(&str, "", NULL);
	size_t nsec_max = (size_t)nf * 3 + 40;
	struct sec *secs = fc_xcalloc(nsec_max, sizeof *secs);
	size_t nsec = 1; /* [0] is the null section */
	struct fc_code *codes = fc_xcalloc(nf + 1, sizeof *codes), pool = {0};
	uint8_t *wbuf = NULL;
	Elf64_Sym *syms = NULL;
	Elf64_Rela **relas = fc_xcalloc(nf + 2, sizeof *relas);
	uint32_t *text_idx = fc_xcalloc(nf + 1, sizeof *text_idx);
	struct syms y = {.func_g = fc_xcalloc(m->nfuncs, sizeof(uint32_t)),
			 .data_g = fc_xcalloc(m->ndatas, sizeof(uint32_t))};
	add_sym(&y.loc, &y.nloc, &y.loccap, (Elf64_Sym){0});
	uint32_t *offs = NULL, *labs = NULL;
	size_t offcap = 0;
	uint64_t code = 0;
	/* What the debug info needs of each function, kept until it is built. */
	struct fc_body_info *infos = fc_xcalloc(nf + 1, sizeof *infos);
	uint32_t **labsyms = fc_xcalloc(nf + 1, sizeof *labsyms);
	struct fc_dbg_row **rows = fc_xcalloc(nf + 1, sizeof *rows);
	struct fc_dbg_func *dfs = fc_xcalloc(nf + 1, sizeof *dfs);
	struct fc_dbg dbg = {0};
	Elf64_Rela *drels[FC_DS__N] = {0};
	/* The sites of this object, for the call-site table. */
	uint64_t site0 = nf ? m->funcs[f0].first_site : 0;
	uint64_t nsite = nf ? m->funcs[f1 - 1].first_site + m->funcs[f1 - 1].nsites - site0 : 0;
	uint32_t *site_sym = fc_xcalloc(nsite + 1, sizeof *site_sym);
	uint8_t *ctab = NULL;
	Elf64_Rela *crel = NULL;
	size_t ncrel = 0;

	/* Functions: body, relocations, padding. */
	for (uint32_t i = 0; i < nf; i++) {
		uint32_t fi = f0 + i;
		const struct fc_func *fn = &m->funcs[fi];
		const struct fc_site *sites = &m->sites[fn->first_site];
		if (fn->nsites > offcap) {
			offcap = fn->nsites * 2;
			offs = fc_xrealloc(offs, offcap * sizeof *offs);
			labs = fc_xrealloc(labs, offcap * sizeof *labs);
		}
		struct fc_code *c = &codes[i];
		struct fc_frame fr = {fn->frame, fn->frame_size};
		if (fc_emit_function(t, sites, fn->nsites, m->relax, fi == 0, &fr, c, &pool, offs, labs,
				     &infos[i]) < 0 ||
		    c->len != fn->size) {
			fc_err("gen: %s: %s: body does not match the model", path, fn->name);
			goto out;
		}
		for (uint32_t k = 0; k < fn->nsites; k++)
			if (offs[k] != sites[k].off) {
				fc_err("gen: %s: %s: site offsets moved", path, fn->name);
				goto out;
			}
		code += fn->size;
		text_idx[i] = (uint32_t)nsec;
		secs[nsec++] = (struct sec){
			.sh = {.sh_name = str_add(&shstr, ".text.", fn->name),
			       .sh_type = SHT_PROGBITS,
			       .sh_flags = SHF_ALLOC | SHF_EXECINSTR,
			       .sh_size = fn->size,
			       .sh_addralign = pool.len && t->func_align < 8 ? 8 : t->func_align},
			.buf = c->buf, .dtype = ELF_T_BYTE};
		uint16_t shndx = (uint16_t)text_idx[i];
		/* Mapping symbols, as gas writes them: code, then the pool. */
		if (t->mapping_symbols) {
			local(&y, (Elf64_Sym){.st_name = str_add(&str, "$x", NULL),
					      .st_info = ELF64_ST_INFO(STB_LOCAL, STT_NOTYPE),
					      .st_shndx = shndx});
			if (c->len > infos[i].code_len)
				local(&y, (Elf64_Sym){.st_name = str_add(&str, "$d", NULL),
						      .st_info = ELF64_ST_INFO(STB_LOCAL, STT_NOTYPE),
						      .st_shndx = shndx,
						      .st_value = infos[i].code_len});
		}
		/* Site symbols, where relaxation would move the sites (and the
		 * epilogue, where the line table and CFI need it). */
		if (t->site_symbols) {
			for (uint32_t k = 0; k < fn->nsites; k++) {
				char sn[32];
				snprintf(sn, sizeof sn, ".fc.s%u", fn->first_site + k);
				site_sym[fn->first_site + k - site0] = local(&y, (Elf64_Sym){.st_name = str_add(&str, sn, NULL),
						      .st_info = ELF64_ST_INFO(STB_LOCAL, STT_NOTYPE),
						      .st_shndx = shndx, .st_value = offs[k]});
			}
			char en[32];
			snprintf(en, sizeof en, ".fc.e%u", fi);
			local(&y, (Elf64_Sym){.st_name = str_add(&str, en, NULL),
					      .st_info = ELF64_ST_INFO(STB_LOCAL, STT_NOTYPE),
					      .st_shndx = shndx, .st_value = infos[i].epi_off});
		}
		/* Line rows: the prologue, each site, the epilogue, in address
		 * order, one line each; a row at the offset of a later one goes. */
		rows[i] = fc_xcalloc(fn->nsites + 2, sizeof **rows);
		unsigned nr = 0;
		uint32_t line = fn->line;
		rows[i][nr++] = (struct fc_dbg_row){0, UINT32_MAX, line++};
		bool epi_done = false;
		for (uint32_t k = 0; k < fn->nsites || !epi_done;) {
			uint32_t o, lab;
			if (!epi_done && (k == fn->nsites || infos[i].epi_off <= offs[k])) {
				o = infos[i].epi_off;
				lab = infos[i].epi_label;
				epi_done = true;
			} else {
				o = offs[k];
				lab = labs[k];
				k++;
			}
			if (rows[i][nr - 1].off == o)
				nr--;
			rows[i][nr++] = (struct fc_dbg_row){o, lab, line++};
		}
		dfs[i] = (struct fc_dbg_func){.name = fn->name, .line = fn->line,
					      .code_len = infos[i].code_len,
					      .end_label = infos[i].end_label, .rows = rows[i],
					      .nrows = nr, .pro = infos[i].pro, .npro = infos[i].npro,
					      .epi = infos[i].epi, .nepi = infos[i].nepi,
					      .pro_label = infos[i].pro_label,
					      .epi_off = infos[i].epi_off, .epi_label = infos[i].epi_label};
		/* Labels that relocations refer to, as gas makes them. */
		labsyms[i] = fc_xcalloc(c->nlabels + 1, sizeof **labsyms);
		uint32_t *labsym = labsyms[i];
		if (c->nrel) {
			relas[i] = fc_xcalloc(c->nrel, sizeof(Elf64_Rela));
			for (size_t k = 0; k < c->nrel; k++) {
				const struct fc_reloc_req *q = &c->rel[k];
				const struct fc_site *s = &sites[q->site];
				uint32_t sym;
				int64_t add = q->addend;
				if (q->ref == FC_REF_LABEL) {
					if (q->label >= c->nlabels) {
						fc_err("gen: %s: %s: relocation to a missing label", path,
						       fn->name);
						goto out;
					}
					if (!labsym[q->label]) {
						char ln[48];
						snprintf(ln, sizeof ln, ".Lfc%zu", y.nloc);
						labsym[q->label] = local(&y, (Elf64_Sym){
							.st_name = str_add(&str, ln, NULL),
							.st_info = ELF64_ST_INFO(STB_LOCAL, STT_NOTYPE),
							.st_shndx = shndx,
							.st_value = c->labels[q->label]});
					}
					sym = labsym[q->label];
				} else {
					sym = ref_sym(&y, &str, m, s->target);
					add += s->addend;
				}
				relas[i][k] = (Elf64_Rela){.r_offset = q->off,
							   .r_info = ELF64_R_INFO(sym, q->type),
							   .r_addend = add};
			}
			secs[nsec++] = (struct sec){
				.sh = {.sh_name = str_add(&shstr, ".rela.text.", fn->name),
				       .sh_type = SHT_RELA,
				       .sh_flags = SHF_INFO_LINK,
				       .sh_info = text_idx[i],
				       .sh_size = c->nrel * sizeof(Elf64_Rela),
				       .sh_addralign = 8,
				       .sh_entsize = sizeof(Elf64_Rela)},
				.buf = relas[i], .dtype = ELF_T_RELA};
		}
		if (fn->pad) {
			char pn[32];
			snprintf(pn, sizeof pn, "pad_%u", fi);
			/* A local symbol names the padding in traces: "pad_17+0x40". */
			local(&y, (Elf64_Sym){.st_name = str_add(&str, pn, NULL),
					      .st_info = ELF64_ST_INFO(STB_LOCAL, STT_NOTYPE),
					      .st_shndx = (uint16_t)nsec, .st_size = fn->pad});
			secs[nsec++] = (struct sec){
				.sh = {.sh_name = str_add(&shstr, ".text.", pn),
				       .sh_type = SHT_NOBITS,
				       .sh_flags = SHF_ALLOC | SHF_EXECINSTR,
				       .sh_size = fn->pad,
				       /* It starts where the code ends, to the byte,
				        * and ends where the next function's
				        * alignment wants (the model sized it so). */
				       .sh_addralign = 1},
				.pad = 1};
		}
		/* Our function, defined here. */
		Elf64_Sym fs = {.st_name = str_add(&str, fn->name, NULL),
				.st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC),
				.st_other = fn->hidden ? STV_HIDDEN : STV_DEFAULT,
				.st_shndx = shndx, .st_size = fn->size};
		if (y.func_g[fi]) /* referenced before it was defined */
			y.glob[y.func_g[fi] - 1] = fs;
		else
			y.func_g[fi] = add_sym(&y.glob, &y.nglob, &y.globcap, fs) + 1;
	}

	/* Data: var_N (what sites point at), words_N (the DATA sites). */
	size_t var_sec = nsec++;
	static const uint8_t zeros[FC_VAR_SIZE];
	secs[var_sec] = (struct sec){.sh = {.sh_name = str_add(&shstr, ".data.", m->datas[var_id].name),
					    .sh_type = SHT_PROGBITS,
					    .sh_flags = SHF_ALLOC | SHF_WRITE,
					    .sh_size = FC_VAR_SIZE, .sh_addralign = 8},
				     .buf = (void *)zeros, .dtype = ELF_T_BYTE};
	size_t nwrel = 0;
	uint32_t wsize = m->datas[words_id].size;
	for (uint64_t k = 0; k < m->nsites; k++) {
		const struct fc_site *s = &m->sites[k];
		if (s->caller != (FC_REF_DATA_BIT | words_id))
			continue;
		nwrel++;
	}
	Elf64_Rela *wrel = fc_xcalloc(nwrel + 1, sizeof *wrel);
	wbuf = fc_xcalloc(wsize + 8, 1);
	nwrel = 0;
	for (uint64_t k = 0; k < m->nsites; k++) {
		const struct fc_site *s = &m->sites[k];
		if (s->caller != (FC_REF_DATA_BIT | words_id))
			continue;
		wrel[nwrel++] = (Elf64_Rela){
			.r_offset = s->off,
			.r_info = ELF64_R_INFO(ref_sym(&y, &str, m, s->target), t->forms[s->form].reloc),
			.r_addend = s->addend};
	}
	relas[nf] = wrel;
	size_t words_sec = nsec++;
	secs[words_sec] = (struct sec){.sh = {.sh_name = str_add(&shstr, ".data.", m->datas[words_id].name),
					      .sh_type = SHT_PROGBITS,
					      .sh_flags = SHF_ALLOC | SHF_WRITE,
					      .sh_size = wsize, .sh_addralign = 8},
				       .buf = wbuf, .dtype = ELF_T_BYTE};
	if (nwrel)
		secs[nsec++] = (struct sec){.sh = {.sh_name = str_add(&shstr, ".rela.data.",
								      m->datas[words_id].name),
						   .sh_type = SHT_RELA,
						   .sh_flags = SHF_INFO_LINK,
						   .sh_info = (uint32_t)words_sec,
						   .sh_size = nwrel * sizeof(Elf64_Rela),
						   .sh_addralign = 8,
						   .sh_entsize = sizeof(Elf64_Rela)},
					    .buf = wrel, .dtype = ELF_T_RELA};
	/* The recorded call-site table: each call's address as gas writes
	 * `.8byte .Lsite` (arm64, amd64: the section symbol + offset; RISC-V,
	 * where relaxation moves code, the label itself), its callee, and its
	 * site number. */
	if (m->record_calls) {
		size_t nc = 0;
		for (uint64_t k = site0; k < site0 + nsite; k++)
			nc += t->forms[m->sites[k].form].sem == FC_SEM_CALL && !m->sites[k].expect_error;
		ctab = fc_xcalloc(nc * FC_CALLSITE_ENTRY + 8, 1);
		crel = fc_xcalloc(2 * nc + 1, sizeof *crel);
		ncrel = 2 * nc;
		uint32_t *secsym = fc_xcalloc(nf + 1, sizeof *secsym);
		size_t j = 0;
		for (uint64_t k = site0; k < site0 + nsite; k++) {
			const struct fc_site *q = &m->sites[k];
			if (t->forms[q->form].sem != FC_SEM_CALL || q->expect_error)
				continue;
			uint32_t ci = q->caller - f0;
			uint32_t sym = site_sym[k - site0];
			int64_t add = 0;
			if (!sym) {
				if (!secsym[ci])
					secsym[ci] = local(&y, (Elf64_Sym){
						.st_info = ELF64_ST_INFO(STB_LOCAL, STT_SECTION),
						.st_shndx = (uint16_t)text_idx[ci]});
				sym = secsym[ci];
				add = q->off;
			}
			uint64_t at = j * FC_CALLSITE_ENTRY;
			crel[2 * j] = (Elf64_Rela){.r_offset = at, .r_info = ELF64_R_INFO(sym, t->r_abs64),
						   .r_addend = add};
			crel[2 * j + 1] = (Elf64_Rela){
				.r_offset = at + 8,
				.r_info = ELF64_R_INFO(ref_sym(&y, &str, m, q->target), t->r_abs64),
				.r_addend = q->addend};
			for (int b = 0; b < 8; b++)
				ctab[at + 16 + b] = (uint8_t)(k >> (8 * b));
			j++;
		}
		free(secsym);
		size_t ctsec = nsec++;
		secs[ctsec] = (struct sec){.sh = {.sh_name = str_add(&shstr, FC_CALLSITES_SECTION, NULL),
						  .sh_type = SHT_PROGBITS,
						  .sh_flags = SHF_ALLOC | SHF_WRITE,
						  .sh_size = nc * FC_CALLSITE_ENTRY, .sh_addralign = 8},
					   .buf = ctab, .dtype = ELF_T_BYTE};
		if (nc)
			secs[nsec++] = (struct sec){.sh = {.sh_name = str_add(&shstr, ".rela",
									      FC_CALLSITES_SECTION),
							   .sh_type = SHT_RELA,
							   .sh_flags = SHF_INFO_LINK,
							   .sh_info = (uint32_t)ctsec,
							   .sh_size = 2 * nc * sizeof(Elf64_Rela),
							   .sh_addralign = 8,
							   .sh_entsize = sizeof(Elf64_Rela)},
						    .buf = crel, .dtype = ELF_T_RELA};
	}
	for (uint32_t d = var_id; d <= words_id; d++) {
		Elf64_Sym ds = {.st_name = str_add(&str, m->datas[d].name, NULL),
				.st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT),
				.st_other = m->datas[d].hidden ? STV_HIDDEN : STV_DEFAULT,
				.st_shndx = (uint16_t)(d == var_id ? var_sec : words_sec),
				.st_size = m->datas[d].size};
		if (y.data_g[d])
			y.glob[y.data_g[d] - 1] = ds;
		else
			y.data_g[d] = add_sym(&y.glob, &y.nglob, &y.globcap, ds) + 1;
	}
	/* Debug info and CFI: sections, their symbols, their relocations. */
	char cu[48];
	snprintf(cu, sizeof cu, "obj%04u.c", obj);
	if ((m->dwarf || m->cfi) &&
	    fc_debug_build(t, m->dwarf, (enum fc_cfi_kind)m->cfi, m->relax, m->size > (3ULL << 29),
			   cu, dfs, nf, &dbg) < 0)
		goto out;
	size_t dsec[FC_DS__N] = {0};
	uint32_t *entry_sym = fc_xcalloc(nf + 1, sizeof *entry_sym);
	uint32_t dsym[FC_DS__N] = {0};
	for (int k = 0; k < FC_DS__N; k++) {
		struct fc_dbg_sec *d = &dbg.sec[k];
		if (!d->used)
			continue;
		dsec[k] = nsec;
		secs[nsec++] = (struct sec){
			.sh = {.sh_name = str_add(&shstr, d->name, NULL), .sh_type = SHT_PROGBITS,
			       .sh_flags = d->alloc ? SHF_ALLOC : 0, .sh_size = d->c.len,
			       .sh_addralign = d->alloc ? 8 : 1},
			.buf = d->c.buf, .dtype = ELF_T_BYTE};
		dsym[k] = local(&y, (Elf64_Sym){.st_info = ELF64_ST_INFO(STB_LOCAL, STT_SECTION),
						.st_shndx = (uint16_t)dsec[k]});
	}
	for (int k = 0; k < FC_DS__N; k++) {
		struct fc_dbg_sec *d = &dbg.sec[k];
		if (!d->used || !d->nrel)
			continue;
		Elf64_Rela *dr = fc_xcalloc(d->nrel, sizeof *dr);
		for (size_t j = 0; j < d->nrel; j++) {
			const struct fc_dbg_rel *q = &d->rel[j];
			uint32_t sym;
			if (q->ref == FC_DREF_SECTION) {
				sym = dsym[q->a];
			} else if (q->ref == FC_DREF_FUNC) {
				/* A local symbol at the entry, as gas refers to code
				 * from debug info: never preemptible, never a PLT. */
				if (!entry_sym[q->a]) {
					char ln[48];
					snprintf(ln, sizeof ln, ".Lfc%zu", y.nloc);
					entry_sym[q->a] = local(&y, (Elf64_Sym){
						.st_name = str_add(&str, ln, NULL),
						.st_info = ELF64_ST_INFO(STB_LOCAL, STT_NOTYPE),
						.st_shndx = (uint16_t)text_idx[q->a]});
				}
				sym = entry_sym[q->a];
			} else {
				uint32_t *ls = labsyms[q->a];
				if (!ls[q->b]) {
					char ln[48];
					snprintf(ln, sizeof ln, ".Lfc%zu", y.nloc);
					ls[q->b] = local(&y, (Elf64_Sym){
						.st_name = str_add(&str, ln, NULL),
						.st_info = ELF64_ST_INFO(STB_LOCAL, STT_NOTYPE),
						.st_shndx = (uint16_t)text_idx[q->a],
						.st_value = codes[q->a].labels[q->b]});
				}
				sym = ls[q->b];
			}
			dr[j] = (Elf64_Rela){.r_offset = q->off, .r_info = ELF64_R_INFO(sym, q->type),
					     .r_addend = q->addend};
		}
		drels[k] = dr;
		char rn[48];
		snprintf(rn, sizeof rn, ".rela%s", d->name);
		secs[nsec++] = (struct sec){.sh = {.sh_name = str_add(&shstr, rn, NULL),
						   .sh_type = SHT_RELA, .sh_flags = SHF_INFO_LINK,
						   .sh_info = (uint32_t)dsec[k],
						   .sh_size = d->nrel * sizeof(Elf64_Rela),
						   .sh_addralign = 8, .sh_entsize = sizeof(Elf64_Rela)},
					    .buf = dr, .dtype = ELF_T_RELA};
	}
	free(entry_sym);
	/* Debug relocations named globals by (index | GLOBAL) too. */
	for (int k = 0; k < FC_DS__N; k++)
		for (size_t j = 0; drels[k] && j < dbg.sec[k].nrel; j++) {
			uint32_t sym = (uint32_t)ELF64_R_SYM(drels[k][j].r_info);
			if (sym & GLOBAL)
				drels[k][j].r_info = ELF64_R_INFO((sym & ~GLOBAL) + y.nloc,
								  ELF64_R_TYPE(drels[k][j].r_info));
		}

	for (size_t j = 0; j < ncrel; j++) {
		uint32_t sym = (uint32_t)ELF64_R_SYM(crel[j].r_info);
		if (sym & GLOBAL)
			crel[j].r_info = ELF64_R_INFO((sym & ~GLOBAL) + y.nloc,
						      ELF64_R_TYPE(crel[j].r_info));
	}
	/* Now that locals are counted, globals get their final indices. */
	for (uint32_t i = 0; i <= nf; i++) {
		size_t n = i < nf ? codes[i].nrel : nwrel;
		for (size_t k = 0; relas[i] && k < n; k++) {
			uint32_t sym = (uint32_t)ELF64_R_SYM(relas[i][k].r_info);
			if (sym & GLOBAL)
				relas[i][k].r_info = ELF64_R_INFO((sym & ~GLOBAL) + y.nloc,
								  ELF64_R_TYPE(relas[i][k].r_info));
		}
	}
	size_t nsym = y.nloc + y.nglob;
	syms = fc_xcalloc(nsym, sizeof *syms);
	memcpy(syms, y.loc, y.nloc * sizeof *syms);
	memcpy(syms + y.nloc, y.glob, y.nglob * sizeof *syms);

	/* No executable stack: say so, or GNU ld warns. */
	secs[nsec++].sh = (Elf64_Shdr){.sh_name = str_add(&shstr, ".note.GNU-stack", NULL),
				       .sh_type = SHT_PROGBITS, .sh_addralign = 1};
	size_t symtab = nsec++, strtab = nsec++, shstrtab = nsec++;
	secs[symtab] = (struct sec){.sh = {.sh_name = str_add(&shstr, ".symtab", NULL),
					   .sh_type = SHT_SYMTAB,
					   .sh_link = (uint32_t)strtab,
					   .sh_info = (uint32_t)y.nloc,
					   .sh_size = nsym * sizeof(Elf64_Sym),
					   .sh_addralign = 8,
					   .sh_entsize = sizeof(Elf64_Sym)},
				    .buf = syms, .dtype = ELF_T_SYM};
	uint32_t shstr_name = str_add(&shstr, ".shstrtab", NULL);
	secs[strtab] = (struct sec){.sh = {.sh_name = str_add(&shstr, ".strtab", NULL),
					   .sh_type = SHT_STRTAB, .sh_size = str.len,
					   .sh_addralign = 1},
				    .buf = str.buf, .dtype = ELF_T_BYTE};
	secs[shstrtab] = (struct sec){.sh = {.sh_name = shstr_name, .sh_type = SHT_STRTAB,
					     .sh_size = shstr.len, .sh_addralign = 1},
				      .buf = shstr.buf, .dtype = ELF_T_BYTE};
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
	/* libelf writes through a mapping (one memcpy per section, not one
	 * pwrite): reserve the blocks first, so that a full disk is an error
	 * here and not a SIGBUS in the middle of a memcpy. */
	int fe = posix_fallocate(fd, 0, (off_t)(shoff + nsec * sizeof(Elf64_Shdr)));
	if (fe) {
		fc_err("gen: %s: cannot write: %s", path, strerror(fe));
		goto out;
	}
	e = elf_begin(fd, ELF_C_WRITE_MMAP, NULL);
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
	eh->e_flags = t->e_flags;
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
	if (elf_update(e, ELF_C_WRITE_MMAP) < 0) {
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
	free(site_sym);
	free(ctab);
	free(crel);
	free(syms);
	if (e)
		elf_end(e);
	if (fd >= 0)
		close(fd);
	for (uint32_t i = 0; i <= nf; i++) {
		if (i < nf)
			fc_code_free(&codes[i]);
		free(relas[i]);
	}
	free(wbuf);
	fc_code_free(&pool);
	free(codes);
	free(relas);
	free(text_idx);
	free(y.loc);
	free(y.glob);
	free(y.func_g);
	free(y.data_g);
	free(offs);
	free(labs);
	for (uint32_t i = 0; i <= nf; i++) {
		free(labsyms[i]);
		free(rows[i]);
	}
	free(labsyms);
	free(rows);
	free(dfs);
	free(infos);
	for (int k = 0; k < FC_DS__N; k++)
		free(drels[k]);
	fc_debug_free(&dbg);
	free(secs);
	free(str.buf);
	free(shstr.buf);
	free(path);
	return r;
}
