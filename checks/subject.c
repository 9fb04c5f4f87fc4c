/* Opening a subject, whichever kind, and what its checks share. */
#define _GNU_SOURCE
#include "subject.h"

#include <ctype.h>
#include <elfutils/libdw.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "../link/link.h"
#include "../link/linker_table.h"
#include "../verify/callscan.h"
#include "../verify/gocase.h"

const char *fc_kind_name(enum fc_kind k)
{
	return k == FC_KIND_CASE ? "case" : k == FC_KIND_GO ? "Go case" : "binary";
}

static void subject_init(struct fc_subject *s, const char *path, const struct fc_subject_opts *o)
{
	memset(s, 0, sizeof *s);
	s->path = path;
	s->o = *o;
	if (!s->o.jobs)
		s->o.jobs = 1;
	s->figures = json_object();
}

int fc_subject_open_case(struct fc_subject *s, const char *casedir, const char *out,
			 const struct fc_subject_opts *o)
{
	subject_init(s, out, o);
	s->casedir = casedir;
	if (fc_go_case(casedir)) {
		s->kind = FC_KIND_GO;
		s->go_code = true;
		if (fc_go_manifest_load(casedir, &s->gm) < 0)
			return -1;
		if (fc_image_open(&s->im, out, s->gm.t) < 0)
			return -2;
		s->t = s->im.t;
		s->go = fc_xcalloc(1, sizeof *s->go);
		const struct fc_lines *l = fc_subject_lines(s);
		return fc_go_scan(&s->im, &s->gm, l, &s->m, s->go) < 0 ? -2 : 0;
	}
	s->kind = FC_KIND_CASE;
	if (fc_manifest_load(casedir, &s->m) < 0)
		return -1;
	if (fc_image_open(&s->im, out, s->m.t) < 0)
		return -2;
	s->t = s->im.t;
	return 0;
}

struct fn {
	uint64_t addr, size; /* addr first: the sort key */
	const char *name;
};

static int find_fn(const struct fn *v, size_t n, uint64_t a)
{
	size_t i = fc_lower_key64(v, n, sizeof *v, a);
	return i < n && v[i].addr == a ? (int)i : -1;
}

/* The function a lies inside (not at its entry), or -1. */
static int inside_fn(const struct fn *v, size_t n, uint64_t a)
{
	size_t i = fc_upper_key64(v, n, sizeof *v, a);
	return i && a < v[i - 1].addr + v[i - 1].size ? (int)i - 1 : -1;
}

/* Where a call to d must arrive when its way goes through a PLT or IPLT
 * entry (or straight to an IFUNC's resolver, which it must not): the
 * import's stub or the IFUNC's implementation, as the loader bound them.
 * Which entry is for what: the linker's name for it when it gives one
 * (mold's "puts$plt", "memcpy$pltgot"), else the GOT slot the entry reads
 * (fc_image_plt_binding: a PLT entry whose slot is wrong is then held to
 * that slot's binding; a name is a second opinion only mold gives). */
static bool bound_target(struct fc_subject *s, const struct fn *fns, size_t nf, uint64_t d,
			 uint64_t *want)
{
	struct fc_image *im = &s->im;
	const struct fc_dyninfo *dy = &im->dyn;
	int k = fc_image_ifunc_at(im, d);
	size_t slot;
	int imp = -1;
	if (k < 0 && (find_fn(fns, nf, d) >= 0 || inside_fn(fns, nf, d) >= 0))
		return false;
	if (k < 0) {
		const struct fc_sym *y = fc_syms_at(&im->syms, d);
		struct fc_thunk_name tn;
		if (y && y->addr == d && fc_thunk_name_parse(y->name, &tn) && tn.plt &&
		    tn.callee_len) {
			char *n = fc_xasprintf("%.*s%s", (int)tn.callee_len, tn.callee, tn.suffix);
			imp = fc_image_import_named(im, n);
			const struct fc_sym *c = imp < 0 ? fc_syms_by_name(&im->syms, n) : NULL;
			if (c)
				k = fc_image_ifunc_at(im, c->addr);
			free(n);
		}
	}
	if (k < 0 && imp < 0 && fc_image_plt_binding(im, d, want, &slot)) {
		const struct fc_slot *x = &dy->slots[slot];
		if (x->kind == FC_BIND_IMPORT)
			imp = (int)x->index;
		else if (x->kind == FC_BIND_IFUNC)
			k = (int)x->index;
		else
			return true; /* a slot of a defined symbol: its address */
	}
	if (imp >= 0) {
		*want = dy->imp_lo + (uint64_t)imp * FC_IMPORT_STUB;
		s->calls_to_imports++;
		s->import_calls[imp]++;
		return true;
	}
	if (k >= 0 && !dy->ifuncs[k].why) {
		*want = dy->ifuncs[k].impl;
		s->calls_to_ifuncs++;
		s->ifunc_calls[k]++;
		return true;
	}
	return false;
}

/* Where a direct call of function fi at a (len bytes) to d must arrive.
 * A call arrives at a function's entry; the exceptions are a call within
 * the caller itself (a local routine), to the next instruction (the get-PC
 * idiom) and into a routine that has several entries on purpose. Anything
 * else inside a function is aimed at that function's entry, so that emu
 * names the call that arrived in its middle. */
static bool call_target(struct fc_subject *s, const struct fn *fns, size_t nf, size_t fi,
			uint64_t a, unsigned len, const struct fc_found_call *fcl,
			const struct fc_syms *y, uint32_t *tgt, int64_t *add)
{
	*tgt = FC_REF_ANY;
	*add = 0;
	if (!fcl->known)
		return true;
	uint64_t d = fcl->dest;
	/* A call to an undefined weak function: the linker sends it to 0
	 * (x86-64) or to the next instruction (AArch64 ELF ABI), and the code
	 * never makes it unless the function exists. Not a call to check. */
	if (d == 0 && !fc_image_executable(&s->im, 0)) {
		s->weak_calls++;
		return false;
	}
	if (d == a + len) {
		/* The get-PC idiom, or such a weak call: it arrives right there. */
		*tgt = FC_REF_ABS;
		*add = (int64_t)d;
		return true;
	}
	/* Through a PLT or IPLT entry, to what the loader bound. */
	uint64_t want;
	if (bound_target(s, fns, nf, d, &want)) {
		*tgt = FC_REF_ABS;
		*add = (int64_t)want;
		return true;
	}
	/* A thunk (outside every function) leads where its name says. */
	if (fcl->named && find_fn(fns, nf, d) < 0 && inside_fn(fns, nf, d) < 0)
		d = fcl->named;
	int callee = find_fn(fns, nf, d);
	if (callee >= 0) {
		*tgt = (uint32_t)callee;
		return true;
	}
	int in = inside_fn(fns, nf, d);
	if (in < 0) {
		/* A thunk or PLT entry that names nothing: any function entry.
		 * Code that no symbol covers at all (gold's stubs, a stripped
		 * binary's) is of no shape we know: counted and said. */
		const struct fc_sym *st = fc_syms_at(y, d);
		if (!st || d < st->addr || (st->size && d >= st->addr + st->size))
			s->unnamed_hops++;
		return true;
	}
	const struct fc_sym *sy = fc_syms_at(y, d);
	bool multi = sy && fc_multi_entry(sy->name);
	if ((size_t)in == fi || multi) {
		*tgt = FC_REF_ABS;
		*add = (int64_t)d;
	} else {
		*tgt = (uint32_t)in;
	}
	return true;
}

/* The name of the allocated section that holds addr, or "". */
static const char *section_at(const struct fc_image *im, uint64_t addr)
{
	size_t shstrndx = 0;
	elf_getshdrstrndx(im->elf, &shstrndx);
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(im->elf, scn))) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_ALLOC) && addr >= sh.sh_addr &&
		    addr < sh.sh_addr + sh.sh_size) {
			const char *n = elf_strptr(im->elf, shstrndx, sh.sh_name);
			return n ? n : "";
		}
	}
	return "";
}

/* Does the indirect jump go through a register only thunks may use (the
 * ABI's scratch registers, and Go's), or through a PC-relative slot (a
 * PLT-like entry)? A function's own indirect tail call (glibc's
 * __pthread_cleanup_pop: jr a5) uses any register. Read off the
 * disassembly, the one place that names the register. */
static bool scratch_jump(const struct target *t, const struct fc_insn *in)
{
	char text[128];
	if (!t->disasm(in->p, in->avail, in->addr, text, sizeof text))
		return false;
	const char *op = text + strcspn(text, " \t");
	op += strspn(op, " \t");
	if (strstr(op, "[rip") || strstr(op, "[pc"))
		return true;
	for (unsigned k = 0; k < t->nscratch + t->ngo_scratch; k++) {
		int reg = k < t->nscratch ? t->scratch[k] : t->go_scratch[k - t->nscratch];
		int i = fc_gpr_index(t, reg);
		const char *name = i >= 0 ? t->gpr_names[i] : NULL;
		size_t l = name ? strlen(name) : 0;
		/* "br x16", "jr t1", "jalr zero, 0(t1)", "jmp r11" */
		const char *at = name ? strstr(op, name) : NULL;
		if (at && (at == op || !isalnum((unsigned char)at[-1])) && !isalnum((unsigned char)at[l]))
			return true;
	}
	return false;
}

enum fc_stub fc_linker_stub(const struct fc_image *im, const struct fc_sym *y, Dwarf_CFI *cfi)
{
	if (fc_is_linker_stub_name(y->name))
		return FC_STUB_NAMED;
	/* A symbol in a PLT section names an entry the linker made there
	 * (lld gives an address-taken IFUNC's symbol its IPLT entry). */
	const char *sec = section_at(im, y->addr);
	if (!strncmp(sec, ".plt", 4) || !strcmp(sec, ".iplt"))
		return FC_STUB_NAMED;
	/* A range thunk's shape: a few instructions that end in an indirect
	 * jump (through the ABI's scratch registers: nothing else is free),
	 * with no call and no return; or one direct jump alone (lld 19's short
	 * thunks: a B to the callee or to the next thunk). gold names none of
	 * its stubs; others may come. A compiler's tail-call-only function
	 * without debug info looks the same, and is then taken for a thunk:
	 * a call through it must still reach a function entry. */
	/* A global symbol is an input's: linkers give their thunks local
	 * ones, when any. */
	if (y->size > FC_STUB_MAX || y->bind != STB_LOCAL)
		return FC_STUB_NO;
	/* Nor one that has an FDE of its own: a compiler wrote that (mold
	 * gives libstdc++'s _txnal_cow_string_c_str, a tail call through the
	 * GOT, a local symbol). Linkers write no CFI for their thunks. */
	Dwarf_Frame *fr;
	Dwarf_Addr flo, fhi;
	if (cfi && dwarf_cfi_addrframe(cfi, y->addr, &fr) == 0) {
		bool own = dwarf_frame_info(fr, &flo, &fhi, NULL) >= 0 && flo == y->addr;
		free(fr);
		if (own)
			return FC_STUB_NO;
	}
	const uint8_t *code = fc_image_ptr(im, y->addr, y->size);
	if (!code)
		return FC_STUB_NO;
	struct fc_insn_walk w = {im->t, code, y->addr, y->size, 0};
	struct fc_insn in;
	enum fc_insn_type last = FC_INSN_OTHER;
	unsigned n = 0;
	while (fc_insn_next(&w, &in)) {
		n++;
		if (in.type == FC_INSN_CALL || in.type == FC_INSN_CALL_IND || in.type == FC_INSN_RET)
			return FC_STUB_NO;
		last = in.type;
		if (last == FC_INSN_JUMP_IND)
			break; /* a literal may follow (lld's LDR+BR+.quad) */
	}
	/* A tail call of an undefined weak function looks the same, and the
	 * linker sends it to the next instruction or to 0 (libstdc++'s
	 * _txnal_cow_string_c_str, a B to _ITM_RU8): a function. */
	uint64_t d = 0;
	if (n == 1 && last == FC_INSN_JUMP && w.off == y->size)
		return in.dest == y->addr + in.len || !in.dest ? FC_STUB_NO : FC_STUB_SHAPED;
	if (last != FC_INSN_JUMP_IND || !scratch_jump(im->t, &in))
		return FC_STUB_NO;
	for (unsigned k = 0; k < im->t->nforms; k++) {
		const struct fc_form *f = &im->t->forms[k];
		unsigned ni;
		if ((f->sem == FC_SEM_JUMP || f->sem == FC_SEM_CALL) &&
		    im->t->seq_len(f, code, y->size, y->addr, &ni) &&
		    im->t->seq_dest(f, code, y->size, y->addr, &d))
			return d && fc_image_executable(im, d) ? FC_STUB_SHAPED : FC_STUB_NO;
	}
	return FC_STUB_SHAPED;
}

/* The most an unsized function symbol is taken to run to the next one. */
#define FC_UNSIZED_MAX 4096

/* Is symbol i inside a function symbol with a size? */
static bool inside_sized(const struct fc_syms *y, size_t i)
{
	uint64_t a = y->v[i].addr;
	for (size_t k = i; k-- > 0 && i - k < 64;)
		if (y->v[k].type == STT_FUNC && y->v[k].size && a < y->v[k].addr + y->v[k].size)
			return true;
	for (size_t k = i + 1; k < y->n && y->v[k].addr == a; k++)
		if (y->v[k].type == STT_FUNC)
			return true; /* an alias of a function: that one says it */
	return false;
}

/* The end of the section that holds addr (an unsized symbol runs no
 * further: .init is followed by the PLT). */
static uint64_t section_end(const struct fc_image *im, uint64_t addr)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(im->elf, scn))) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_ALLOC) && addr >= sh.sh_addr &&
		    addr < sh.sh_addr + sh.sh_size)
			return sh.sh_addr + sh.sh_size;
	}
	return addr;
}

/* The functions of a binary from its symbols; with DWARF, code symbols
 * without a subprogram are the linker's (thunks, veneers, stubs). Then its
 * direct calls, by disassembly, as sites of m. */
int fc_subject_open_binary(struct fc_subject *s, const char *path,
			   const struct fc_subject_opts *o)
{
	subject_init(s, path, o);
	s->kind = FC_KIND_BINARY;
	if (fc_image_open(&s->im, path, NULL) < 0)
		return -1;
	const struct target *t = s->t = s->im.t;
	struct fc_image *im = &s->im;
	s->import_calls = fc_xcalloc(im->dyn.nimports + 1, sizeof *s->import_calls);
	s->ifunc_calls = fc_xcalloc(im->dyn.nifuncs + 1, sizeof *s->ifunc_calls);
	const struct fc_lines *lines = fc_subject_lines(s);
	bool by_dwarf = lines->have && lines->nsubs > 0;
	Dwarf_CFI *cfi = dwarf_getcfi_elf(im->elf);
	struct fn *fns = fc_xcalloc(im->syms.n + 1, sizeof *fns);
	size_t nf = 0;
	for (size_t i = 0; i < im->syms.n; i++) {
		const struct fc_sym *y = &im->syms.v[i];
		if ((y->type != STT_FUNC && y->type != STT_NOTYPE) || y->quiet ||
		    !fc_image_executable(im, y->addr))
			continue;
		/* A label of hand-written assembly without .type (glibc's
		 * load_gp on RISC-V) is a function where it is no place inside
		 * one; a sized untyped symbol is not a label (farcall's own
		 * padding). */
		if (y->type == STT_NOTYPE && (y->size || inside_sized(&im->syms, i)))
			continue;
		/* Hand-written assembly may leave st_size 0 (glibc's _init and
		 * _fini): the function runs to the next symbol. */
		struct fc_sym sized;
		if (!y->size) {
			uint64_t end = y->addr;
			for (size_t k = i + 1; k < im->syms.n && end == y->addr; k++)
				if (im->syms.v[k].addr > y->addr && !im->syms.v[k].quiet)
					end = im->syms.v[k].addr;
			uint64_t sec_end = section_end(im, y->addr);
			if (end > sec_end)
				end = sec_end;
			if (end <= y->addr || end - y->addr > FC_UNSIZED_MAX)
				continue;
			sized = *y;
			sized.size = end - y->addr;
			y = &sized;
		}
		/* Library code and hand-written assembly have no debug info and
		 * are functions all the same: only what the linker made is not. */
		enum fc_stub st = by_dwarf && fc_lines_sub(lines, y->addr) ? FC_STUB_NO
									   : fc_linker_stub(im, y, cfi);
		if (st != FC_STUB_NO) {
			s->nthunks++;
			s->nthunks_shaped += st == FC_STUB_SHAPED;
			continue;
		}
		if (nf && fns[nf - 1].addr == y->addr)
			continue; /* an alias */
		fns[nf++] = (struct fn){y->addr, y->size, y->name};
	}
	fc_qsort(fns, nf, sizeof *fns, fc_cmp_key64);
	/* A function runs to the next one at most. A symbol size that runs
	 * into the next function is the linker's finding (mold 1.10 relaxes
	 * RISC-V code and leaves st_size as it was), and the checks must not
	 * walk on into the next function with the first one's CFI. */
	for (size_t i = 0; i + 1 < nf; i++)
		if (fns[i].addr + fns[i].size > fns[i + 1].addr) {
			uint64_t over = fns[i].addr + fns[i].size - fns[i + 1].addr;
			fc_find(&s->scan, FC_SEV_FAIL, fns[i].name, fns[i + 1].addr - fns[i].addr,
				fns[i + 1].addr, "%s: %s: its symbol's size 0x%" PRIx64 " runs 0x%"
				PRIx64 " bytes into %s (0x%" PRIx64 ")", path, fns[i].name, fns[i].size,
				over, fns[i + 1].name, fns[i + 1].addr);
			fns[i].size = fns[i + 1].addr - fns[i].addr;
		}

	/* A Go binary's trampolines may also use what Go's linker uses
	 * (riscv64: t6). */
	s->go_code = fc_syms_by_name(&im->syms, "runtime.buildVersion") != NULL;
	struct fc_manifest *m = &s->m;
	*m = (struct fc_manifest){.t = t, .from_binary = true, .nfuncs = (uint32_t)nf};
	if (s->go_code) {
		m->extra_scratch = t->go_scratch;
		m->nextra_scratch = t->ngo_scratch;
	}
	m->funcs = fc_xcalloc(nf + 1, sizeof *m->funcs);
	uint64_t *offs = fc_xcalloc(nf + 1, sizeof *offs);
	size_t scap = 1024;
	m->sites = fc_xcalloc(scap, sizeof *m->sites);
	for (size_t i = 0; i < nf; i++) {
		offs[i] = fc_manifest_add_name(m, fns[i].name);
		m->funcs[i] = (struct fc_func){.addr = fns[i].addr, .size = (uint32_t)fns[i].size,
					       .first_site = (uint32_t)m->nsites};
		const uint8_t *code = fc_image_ptr(im, fns[i].addr, fns[i].size);
		if (!code)
			continue;
		/* Code ends where a literal pool ($d) begins. */
		uint64_t csize = fc_syms_code_end(&im->syms, fns[i].addr,
						  fns[i].addr + fns[i].size) - fns[i].addr;
		m->funcs[i].code = (uint32_t)csize;
		struct fc_insn_walk w = {t, code, fns[i].addr, csize, 0};
		struct fc_insn in;
		while (fc_insn_next(&w, &in)) {
			struct fc_found_call fcl;
			if (fc_find_call(im, in.p, in.avail, in.addr, in.type == FC_INSN_CALL, in.dest,
					 &fcl)) {
				if (m->nsites == scap)
					m->sites = fc_xrealloc(m->sites, (scap *= 2) * sizeof *m->sites);
				uint32_t tgt;
				int64_t add;
				if (!call_target(s, fns, nf, i, in.addr, in.len, &fcl, &im->syms, &tgt, &add))
					continue;
				m->sites[m->nsites++] = (struct fc_site){
					.caller = (uint32_t)i, .off = (uint32_t)in.off,
					.form = (uint8_t)fcl.form, .target = tgt, .addend = add};
				m->funcs[i].nsites++;
			}
		}
	}
	fc_manifest_fix_names(m, offs, NULL);
	free(offs);
	free(fns);
	if (cfi)
		dwarf_cfi_end(cfi);
	return 0;
}

void fc_subject_close(struct fc_subject *s)
{
	if (s->go) {
		fc_go_scan_free(s->go);
		free(s->go);
	}
	fc_findings_free(&s->scan);
	free(s->import_calls);
	free(s->ifunc_calls);
	free(s->entries);
	free(s->cfi_fi);
	if (s->lines) {
		fc_lines_free(s->lines);
		free(s->lines);
	}
	if (s->calls) {
		fc_calls_result_free(s->calls);
		free(s->calls);
	}
	if (s->cfi) {
		fc_cfi_result_free(s->cfi);
		free(s->cfi);
	}
	if (s->cfi_x) {
		fc_cfi_extra_free(s->cfi_x);
		free(s->cfi_x);
	}
	if (s->figures)
		json_decref(s->figures);
	fc_image_close(&s->im);
	if (s->kind == FC_KIND_GO)
		fc_go_manifest_free(&s->gm);
	fc_manifest_free(&s->m);
	memset(s, 0, sizeof *s);
}

const uint64_t *fc_subject_entries(struct fc_subject *s)
{
	if (!s->entries)
		s->entries = fc_emu_entries(&s->im, &s->m);
	return s->entries;
}

const struct fc_lines *fc_subject_lines(struct fc_subject *s)
{
	if (!s->lines) {
		s->lines = fc_xcalloc(1, sizeof *s->lines);
		fc_lines_load(s->im.elf, s->im.path, s->lines);
	}
	return s->lines;
}

const struct fc_calls_result *fc_subject_calls(struct fc_subject *s)
{
	if (!s->calls) {
		s->calls = fc_xcalloc(1, sizeof *s->calls);
		s->calls_rc = fc_emu_calls_jobs(&s->im, &s->m, s->o.jobs, s->calls);
	}
	return s->calls_rc < 0 ? NULL : s->calls;
}

/* The next symbol a person would name after addr (the next function, or
 * the padding after this one). */
static uint64_t next_symbol(const struct fc_image *im, uint64_t addr)
{
	const struct fc_syms *y = &im->syms;
	size_t lo = fc_upper_key64(y->v, y->n, sizeof *y->v, addr);
	for (; lo < y->n; lo++)
		if (!y->v[lo].quiet && y->v[lo].type != STT_SECTION)
			return y->v[lo].addr;
	return UINT64_MAX;
}

uint64_t fc_subject_code_size(struct fc_subject *s, uint32_t fi)
{
	const struct fc_manifest *m = &s->m;
	const uint64_t *entry = fc_subject_entries(s);
	if (s->kind != FC_KIND_CASE)
		return m->funcs[fi].code ? m->funcs[fi].code : m->funcs[fi].size;
	const struct fc_sym *y = fc_syms_by_name(&s->im.syms, m->funcs[fi].name);
	uint64_t size = y && y->size ? y->size : m->funcs[fi].size;
	uint64_t next = next_symbol(&s->im, entry[fi]);
	if (entry[fi] + size > next)
		size = next - entry[fi];
	uint64_t end = fc_syms_code_end(&s->im.syms, entry[fi], entry[fi] + size);
	if (!m->t->site_symbols && m->funcs[fi].code && m->funcs[fi].code < end - entry[fi])
		end = entry[fi] + m->funcs[fi].code;
	return end - entry[fi];
}

int fc_subject_cfi(struct fc_subject *s, const struct fc_cfi_result **cr,
		   const struct fc_cfi_extra **cx)
{
	if (!s->cfi) {
		const struct fc_manifest *m = &s->m;
		const uint64_t *entry = fc_subject_entries(s);
		struct fc_cfi_func *f = fc_xcalloc(m->nfuncs + 1, sizeof *f);
		size_t n = 0;
		s->cfi_fi = fc_xcalloc(m->nfuncs + 1, sizeof *s->cfi_fi);
		for (uint32_t fi = 0; fi < m->nfuncs; fi++) {
			if (entry[fi] == UINT64_MAX)
				continue;
			s->cfi_fi[n] = fi;
			/* A binary's function is all its symbol covers (its CFI
			 * covers the literal pool too). */
			uint64_t size = s->kind == FC_KIND_BINARY ? m->funcs[fi].size
								  : fc_subject_code_size(s, fi);
			f[n++] = (struct fc_cfi_func){entry[fi], size, m->funcs[fi].name};
		}
		/* Only where the CFI is exact for a compiler's synchronous
		 * tables, unless asked; generated code and Go are exact. */
		struct fc_cfi_opts co = {.strict = s->kind != FC_KIND_BINARY || s->o.cfi_strict,
					 .jobs = s->o.jobs, .go = s->go_code};
		s->cfi = fc_xcalloc(1, sizeof *s->cfi);
		s->cfi_x = fc_xcalloc(1, sizeof *s->cfi_x);
		s->cfi_n = n;
		s->cfi_rc = fc_cfi_check_opts(s->im.path, s->t, f, n, &co, s->cfi, s->cfi_x);
		free(f);
	}
	*cr = s->cfi;
	*cx = s->cfi_x;
	return s->cfi_rc;
}

int fc_subject_cfi_for(struct fc_subject *s, struct fc_check_result *r,
		       const struct fc_cfi_result **cr, const struct fc_cfi_extra **cx)
{
	if (s->kind == FC_KIND_CASE && !s->m.cfi) {
		r->state = FC_CK_NA;
		r->why = fc_xstrdup("the case has no CFI (gen --cfi none)");
		return 1;
	}
	return fc_subject_cfi(s, cr, cx) < 0 ? -1 : 0;
}
