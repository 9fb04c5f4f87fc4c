/* The dynamic side of loading: what a dynamic loader, or glibc's static
 * start-up, does to an output's relocations before main, as far as the
 * checks need it.
 *
 *   RELATIVE            B + A, with B = 0 (the output runs where it was linked)
 *   GLOB_DAT, JUMP_SLOT,  S + A; an S that nothing in the output defines is an
 *   ABS64 (symbolic)      import: a loader binds it to the library that defines
 *                         it, farcall to a stub of its own, one per undefined
 *                         dynamic symbol (weak ones too: as if their library
 *                         were there), in a region of its own: "puts@import".
 *                         DT_NEEDED libraries are not loaded.
 *   IRELATIVE           what the IFUNC resolver at B + A returns, run in the
 *                         image's own Unicorn with the arguments the arch's
 *                         glibc passes (target.ifunc: dl-irel.h), as
 *                         apply_irel (static) and _dl_relocate_static_pie do;
 *                         a symbolic relocation to a defined IFUNC symbol
 *                         likewise. Each resolver runs once, bounded
 *                         (FC_IFUNC_MAX_INSNS); one that faults, loops or
 *                         returns something that is not code is recorded on
 *                         its fc_ifunc (the calls check's finding), and the
 *                         slot keeps what the file has.
 *   COPY                left as it is (the data stays as in the file), counted
 *   TLS (DTPMOD64,      left as they are (no thread runs here), counted
 *   DTPREL64, TPREL64,
 *   TLSDESC)
 *
 * Every 8-byte slot written is kept (dyn.slots), so that a call through a
 * PLT or IPLT entry can be held to what its slot was bound to
 * (fc_image_plt_binding). */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "../link/linker_table.h"
#include "emu.h"
#include "guard.h"
#include "image.h"

/* A resolver runs at most this many instructions; all of them together at
 * most FC_IFUNC_BUDGET (a hostile file with a million resolvers). */
#define FC_IFUNC_MAX_INSNS 100000
#define FC_IFUNC_BUDGET ((uint64_t)20000000)

struct fc_irel {
	uint64_t slot;
	uint64_t resolver;
	int64_t addend;    /* added to what the resolver returns (symbolic) */
	uint32_t type;
};

struct fc_plt_seen {
	uint64_t dest;
	bool found;
	uint64_t want;
	size_t slot;
};

static void add_slot(struct fc_dyninfo *d, size_t *cap, uint64_t addr, uint64_t value,
		     enum fc_bind_kind kind, uint32_t index)
{
	if (d->nslots == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		d->slots = fc_xrealloc(d->slots, *cap * sizeof *d->slots);
	}
	d->slots[d->nslots++] = (struct fc_slot){addr, value, (uint8_t)kind, index};
}

static bool in_segments(const struct fc_image *im, uint64_t addr, size_t len)
{
	for (size_t i = 0; i < im->nsegs; i++)
		if (addr >= im->segs[i].lo && addr + len <= im->segs[i].hi && addr + len >= addr)
			return true;
	return false;
}

/* Imports by the index of their symbol in the dynamic symbol table. */
struct import_map {
	size_t symtab;     /* section index of the table the map is for */
	uint32_t *idx;     /* per symbol: import index + 1, 0 = none yet */
	size_t n;
};

static uint32_t import_of(struct fc_dyninfo *d, struct import_map *mp, size_t *cap,
			  uint32_t symi, const char *name, bool weak)
{
	if (symi < mp->n && mp->idx[symi])
		return mp->idx[symi] - 1;
	if (d->nimports == *cap) {
		*cap = *cap ? *cap * 2 : 32;
		d->imports = fc_xrealloc(d->imports, *cap * sizeof *d->imports);
	}
	uint32_t k = (uint32_t)d->nimports++;
	d->imports[k] = (struct fc_import){name && *name ? name : "?", weak};
	if (symi < mp->n)
		mp->idx[symi] = k + 1;
	return k;
}

int fc_dyn_apply(struct fc_image *im)
{
	struct fc_dyninfo *d = &im->dyn;
	size_t slotcap = 0, impcap = 0, irelcap = 0;
	struct import_map mp = {0};
	/* The stubs go past the stack, on their own pages. */
	d->imp_lo = (im->stack_hi + (1 << 20)) & ~(uint64_t)0xffff;
	size_t shstrndx = 0;
	elf_getshdrstrndx(im->elf, &shstrndx);
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(im->elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC))
			continue;
		const char *sn = elf_strptr(im->elf, shstrndx, sh.sh_name);
		if ((sh.sh_flags & SHF_EXECINSTR) && sn &&
		    (!strncmp(sn, ".plt", 4) || !strncmp(sn, ".iplt", 5)) && sh.sh_size) {
			d->plts = fc_xrealloc(d->plts, (d->nplts + 1) * sizeof *d->plts);
			d->plts[d->nplts++] = (struct fc_range){.lo = sh.sh_addr,
								.hi = sh.sh_addr + sh.sh_size};
		}
		if (sh.sh_type == SHT_REL && sh.sh_size) {
			/* After a RELA section, mp.idx was made: it leaked here
			 * (found by fuzzing). */
			free(mp.idx);
			return fc_err("%s: SHT_REL dynamic relocations: farcall applies RELA only",
				      im->path);
		}
		if (sh.sh_type != SHT_RELA || !sh.sh_entsize)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		Elf_Data *symd = NULL;
		size_t strndx = 0, nsyms = 0;
		Elf_Scn *ss = sh.sh_link ? elf_getscn(im->elf, sh.sh_link) : NULL;
		GElf_Shdr ssh;
		if (ss && gelf_getshdr(ss, &ssh)) {
			symd = elf_getdata(ss, NULL);
			strndx = ssh.sh_link;
			/* Sized by the bytes libelf has for it, not by sh_size
			 * alone: the map below is allocated by it. */
			nsyms = ssh.sh_entsize && symd && symd->d_buf ? symd->d_size / ssh.sh_entsize
									: 0;
		}
		if (symd && mp.symtab != sh.sh_link) {
			free(mp.idx);
			mp = (struct import_map){sh.sh_link, fc_xcalloc(nsyms + 1, sizeof *mp.idx), nsyms};
		}
		size_t n = sh.sh_size / sh.sh_entsize;
		for (size_t i = 0; data && i < n; i++) {
			GElf_Rela r;
			if (!gelf_getrela(data, (int)i, &r)) {
				free(mp.idx);
				return fc_err("%s: dynamic relocation %zu unreadable", im->path, i);
			}
			uint32_t type = (uint32_t)GELF_R_TYPE(r.r_info);
			uint32_t symi = (uint32_t)GELF_R_SYM(r.r_info);
			const struct fc_reloc_info *ri = fc_reloc_info(im->t, type);
			enum fc_dyn cls = ri ? ri->dyn : FC_DYN_NONE;
			if (cls == FC_DYN_IGNORE)
				continue;
			if (cls == FC_DYN_COPY || cls == FC_DYN_TLS) {
				/* Left as they are; where they are must still exist. */
				if (!in_segments(im, r.r_offset, 1)) {
					free(mp.idx);
					return fc_err("%s: %s at 0x%" PRIx64 " is outside the output's "
						      "segments", im->path, ri->name, r.r_offset);
				}
				if (cls == FC_DYN_COPY)
					d->copy++;
				else
					d->tls++;
				continue;
			}
			uint8_t *p = (uint8_t *)fc_image_ptr(im, r.r_offset, 8);
			if (!p) {
				free(mp.idx);
				return fc_err("%s: %s at 0x%" PRIx64 " is outside the file's segments",
					      im->path, fc_reloc_name(im->t, type), r.r_offset);
			}
			uint64_t v;
			if (cls == FC_DYN_RELATIVE) {
				v = (uint64_t)r.r_addend;
				d->relative++;
				add_slot(d, &slotcap, r.r_offset, v, FC_BIND_VALUE, 0);
			} else if (cls == FC_DYN_SYMBOLIC) {
				GElf_Sym sym;
				if (!symd || !gelf_getsym(symd, (int)symi, &sym)) {
					free(mp.idx);
					return fc_err("%s: %s at 0x%" PRIx64 ": bad symbol %u", im->path,
						      fc_reloc_name(im->t, type), r.r_offset, symi);
				}
				d->symbolic++;
				if (sym.st_shndx == SHN_UNDEF) {
					const char *name = elf_strptr(im->elf, strndx, sym.st_name);
					uint32_t k = import_of(d, &mp, &impcap, symi, name,
							       GELF_ST_BIND(sym.st_info) == STB_WEAK);
					v = d->imp_lo + (uint64_t)k * FC_IMPORT_STUB + (uint64_t)r.r_addend;
					d->to_imports++;
					add_slot(d, &slotcap, r.r_offset, v, FC_BIND_IMPORT, k);
				} else if (GELF_ST_TYPE(sym.st_info) == STT_GNU_IFUNC) {
					/* Its resolver decides, once Unicorn runs. */
					if (d->nirels == irelcap) {
						irelcap = irelcap ? irelcap * 2 : 16;
						d->irels = fc_xrealloc(d->irels, irelcap * sizeof *d->irels);
					}
					d->irels[d->nirels++] = (struct fc_irel){r.r_offset, sym.st_value,
										 r.r_addend, type};
					continue;
				} else {
					v = sym.st_value + (uint64_t)r.r_addend;
					add_slot(d, &slotcap, r.r_offset, v, FC_BIND_VALUE, 0);
				}
			} else if (cls == FC_DYN_IRELATIVE) {
				if (d->nirels == irelcap) {
					irelcap = irelcap ? irelcap * 2 : 16;
					d->irels = fc_xrealloc(d->irels, irelcap * sizeof *d->irels);
				}
				d->irels[d->nirels++] = (struct fc_irel){r.r_offset, (uint64_t)r.r_addend,
									 0, type};
				d->irelative++;
				continue;
			} else {
				free(mp.idx);
				return fc_err("%s: %s (type %u) at 0x%" PRIx64 ": farcall does not apply "
					      "this dynamic relocation", im->path,
					      ri ? ri->name : "unknown relocation", type, r.r_offset);
			}
			memcpy(p, &v, 8); /* little-endian host and targets */
			im->ndynrel++;
		}
	}
	free(mp.idx);
	d->imp_hi = d->imp_lo + d->nimports * FC_IMPORT_STUB;
	return 0;
}

/* ---- IFUNC resolvers ---------------------------------------------------- */

struct run {
	struct fc_image *im;
	uint64_t insns, max;
	int mem_type;
	uint64_t mem_addr;
};

static void on_code(uc_engine *uc, uint64_t addr, uint32_t size, void *ud)
{
	(void)size;
	struct run *r = ud;
	fc_guard_at(addr);
	if (++r->insns > r->max)
		uc_emu_stop(uc);
}

static bool on_bad_mem(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
		       void *ud)
{
	(void)uc; (void)size; (void)value;
	struct run *r = ud;
	if (r->mem_type < 0) {
		r->mem_type = (int)type;
		r->mem_addr = addr;
	}
	return false;
}

static const char *mem_what(int type)
{
	switch (type) {
	case UC_MEM_WRITE_UNMAPPED: case UC_MEM_WRITE_PROT: return "stored to";
	case UC_MEM_READ_UNMAPPED: case UC_MEM_READ_PROT: return "read from";
	case UC_MEM_FETCH_UNMAPPED: return "jumped to unmapped";
	case UC_MEM_FETCH_PROT: return "executed non-code at";
	}
	return "touched";
}

/* The IFUNC symbol at a resolver: the name a person knows (memcpy rather
 * than __libc_memcpy or the resolver's own local name). */
static const char *ifunc_name(const struct fc_image *im, uint64_t addr)
{
	const char *best = NULL;
	int bscore = -1;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(im->elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		size_t n = sh.sh_size / sh.sh_entsize;
		for (size_t i = 1; data && i < n; i++) {
			GElf_Sym y;
			if (!gelf_getsym(data, (int)i, &y) || y.st_value != addr ||
			    GELF_ST_TYPE(y.st_info) != STT_GNU_IFUNC || y.st_shndx == SHN_UNDEF)
				continue;
			const char *nm = elf_strptr(im->elf, sh.sh_link, y.st_name);
			if (!nm || !*nm)
				continue;
			int score = (nm[0] != '_') * 4 + (GELF_ST_BIND(y.st_info) != STB_LOCAL) * 2;
			if (score > bscore || (score == bscore && strlen(nm) < strlen(best))) {
				best = nm;
				bscore = score;
			}
		}
	}
	return best;
}

/* Every register as every site starts, as emu sets them. */
static void baseline_regs(struct fc_image *im)
{
	const struct target *t = im->t;
	uint64_t vals[64] = {0};
	fc_emu_baseline(im, vals);
	for (unsigned i = 0; i < t->ngprs && i < 64; i++)
		uc_reg_write(im->uc, t->gprs[i], &vals[i]);
	t->init_cpu(im->uc);
}

/* Run the resolver of f as glibc would call it; f->impl or f->why. */
static void run_resolver(struct fc_image *im, struct fc_ifunc *f, uint64_t *budget)
{
	const struct target *t = im->t;
	const struct fc_ifunc_abi *abi = t->ifunc;
	char sb[160];
	if (!abi) {
		f->why = fc_xasprintf("farcall does not know how %s calls IFUNC resolvers", t->name);
		return;
	}
	if (!fc_image_executable(im, f->resolver)) {
		f->why = fc_xasprintf("its resolver 0x%" PRIx64 " is not in executable code",
				      f->resolver);
		return;
	}
	if (*budget == 0) {
		f->why = fc_xasprintf("not run: the resolvers before it ran %" PRIu64
				      " instructions, all farcall allows", FC_IFUNC_BUDGET);
		return;
	}
	const char *died = fc_guard_enter(im->path, FC_GUARD_IFUNC, f->resolver);
	if (died) {
		f->why = fc_xasprintf("the emulator %s while running its resolver 0x%" PRIx64, died,
				      f->resolver);
		return;
	}
	uc_engine *uc = im->uc;
	/* Registers: the baseline every site starts from, then the ABI's. */
	baseline_regs(im);
	uint64_t sp = (im->stack_lo + im->stack_hi) / 2;
	uint64_t argp = im->stack_hi - 64;
	uint64_t arg[3] = {24, abi->hwcap, abi->hwcap2};
	uc_mem_write(uc, argp, arg, sizeof arg);
	if (abi->nargs >= 1) {
		uint64_t a0 = abi->hwcap | abi->arg0_or;
		uc_reg_write(uc, abi->arg_regs[0], &a0);
	}
	if (abi->nargs >= 2) {
		uint64_t a1 = abi->arg_struct ? argp : abi->hwcap2;
		uc_reg_write(uc, abi->arg_regs[1], &a1);
	}
	uint64_t until = im->until;
	if (t->reg_ra >= 0) {
		uc_reg_write(uc, t->reg_ra, &until);
	} else {
		sp -= 8;
		uc_mem_write(uc, sp, &until, 8);
	}
	uc_reg_write(uc, t->reg_sp, &sp);
	struct run r = {im, 0, *budget < FC_IFUNC_MAX_INSNS ? *budget : FC_IFUNC_MAX_INSNS, -1, 0};
	uc_hook hc, hm;
	uc_hook_add(uc, &hc, UC_HOOK_CODE, on_code, &r, 1, 0);
	uc_hook_add(uc, &hm, UC_HOOK_MEM_INVALID, on_bad_mem, &r, 1, 0);
	uc_err err = uc_emu_start(uc, f->resolver, until, 0, 0);
	fc_guard_leave();
	uc_hook_del(uc, hc);
	uc_hook_del(uc, hm);
	uint64_t pc = 0;
	uc_reg_read(uc, t->reg_pc, &pc);
	*budget -= r.insns < *budget ? r.insns : *budget;
	im->dyn.ifunc_insns += r.insns;
	f->at = pc;
	if (err != UC_ERR_OK) {
		if (r.mem_type >= 0)
			f->why = fc_xasprintf("its resolver %s 0x%" PRIx64 " at %s", mem_what(r.mem_type),
					      r.mem_addr, fc_syms_fmt(&im->syms, pc, sb, sizeof sb));
		else
			f->why = fc_xasprintf("its resolver stopped at %s: %s",
					      fc_syms_fmt(&im->syms, pc, sb, sizeof sb),
					      err == UC_ERR_EXCEPTION ? "undefined or trapping instruction"
								      : uc_strerror(err));
		return;
	}
	if (pc != until) {
		f->why = fc_xasprintf("its resolver did not return within %" PRIu64
				      " instructions (last at %s)", r.max,
				      fc_syms_fmt(&im->syms, pc, sb, sizeof sb));
		return;
	}
	uint64_t ret = 0;
	uc_reg_read(uc, abi->reg_ret, &ret);
	if (!fc_image_executable(im, ret)) {
		f->why = fc_xasprintf("its resolver returned 0x%" PRIx64 ", which is not code", ret);
		return;
	}
	f->impl = ret;
}

/* The resolvers may store to the stack and to the output's writable
 * segments; nothing else may, before or after. */
static uc_mem_region *open_for_resolvers(struct fc_image *im, uint32_t *nreg)
{
	uc_mem_region *saved = NULL;
	*nreg = 0;
	if (uc_mem_regions(im->uc, &saved, nreg) != UC_ERR_OK)
		return NULL;
	size_t P = 4096;
	uc_query(im->uc, UC_QUERY_PAGE_SIZE, &P);
	for (size_t i = 0; i < im->nsegs; i++) {
		const struct fc_range *s = &im->segs[i];
		if (!s->writable)
			continue;
		uint64_t lo = s->lo & ~(uint64_t)(P - 1), hi = (s->hi + P - 1) & ~(uint64_t)(P - 1);
		uc_mem_protect(im->uc, lo, hi - lo, (uint32_t)s->prot | UC_PROT_WRITE);
	}
	uc_mem_protect(im->uc, im->stack_lo, im->stack_hi - im->stack_lo,
		       UC_PROT_READ | UC_PROT_WRITE);
	return saved;
}

static void close_for_resolvers(struct fc_image *im, uc_mem_region *saved, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		uc_mem_protect(im->uc, saved[i].begin, saved[i].end - saved[i].begin + 1,
			       saved[i].perms);
	uc_free(saved);
}

static int by_slot(const void *a, const void *b)
{
	const struct fc_slot *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int fc_dyn_resolve(struct fc_image *im)
{
	struct fc_dyninfo *d = &im->dyn;
	const struct target *t = im->t;
	if (d->nimports) {
		uint64_t size = (d->imp_hi - d->imp_lo + 0xffff) & ~(uint64_t)0xffff;
		if (uc_mem_map(im->uc, d->imp_lo, size, UC_PROT_READ | UC_PROT_EXEC) != UC_ERR_OK)
			return fc_err("%s: cannot map %zu import stubs for emulation", im->path,
				      d->nimports);
		/* Each stub returns: whatever runs one comes back. */
		struct fc_code c = {0};
		t->emit_return(&c, false);
		if (c.len) {
			uint8_t *buf = fc_xcalloc(1, size);
			for (uint64_t o = 0; o + c.len <= size; o += c.len)
				memcpy(buf + o, c.buf, c.len);
			uc_mem_write(im->uc, d->imp_lo, buf, size);
			free(buf);
		}
		fc_code_free(&c);
	}
	size_t slotcap = d->nslots;
	if (d->nirels) {
		uint32_t nreg = 0;
		uc_mem_region *saved = open_for_resolvers(im, &nreg);
		uint64_t budget = FC_IFUNC_BUDGET;
		size_t cap = 0;
		for (size_t i = 0; i < d->nirels; i++) {
			const struct fc_irel *x = &d->irels[i];
			size_t k = 0;
			while (k < d->nifuncs && d->ifuncs[k].resolver != x->resolver)
				k++;
			if (k == d->nifuncs) {
				if (d->nifuncs == cap) {
					cap = cap ? cap * 2 : 16;
					d->ifuncs = fc_xrealloc(d->ifuncs, cap * sizeof *d->ifuncs);
				}
				struct fc_ifunc *f = &d->ifuncs[d->nifuncs++];
				*f = (struct fc_ifunc){.resolver = x->resolver,
						       .name = ifunc_name(im, x->resolver)};
				run_resolver(im, f, &budget);
			}
			struct fc_ifunc *f = &d->ifuncs[k];
			f->nrel++;
			if (f->why)
				continue; /* the slot keeps what the file has */
			uint64_t v = f->impl + (uint64_t)x->addend;
			uint8_t *p = (uint8_t *)fc_image_ptr(im, x->slot, 8);
			if (p)
				memcpy(p, &v, 8);
			uc_mem_write(im->uc, x->slot, &v, 8);
			im->ndynrel++;
			add_slot(d, &slotcap, x->slot, v, FC_BIND_IFUNC, (uint32_t)k);
		}
		if (saved)
			close_for_resolvers(im, saved, nreg);
	}
	free(d->irels);
	d->irels = NULL;
	fc_qsort(d->slots, d->nslots, sizeof *d->slots, by_slot);
	return 0;
}

void fc_dyn_free(struct fc_dyninfo *d)
{
	for (size_t i = 0; i < d->nifuncs; i++)
		free(d->ifuncs[i].why);
	free(d->ifuncs);
	free(d->imports);
	free(d->slots);
	free(d->plts);
	free(d->irels);
	free(d->seen);
	free(d->fits);
	memset(d, 0, sizeof *d);
}

/* ---- what the loader bound, for the checks -------------------------------- */

bool fc_image_is_import(const struct fc_image *im, uint64_t addr)
{
	const struct fc_dyninfo *d = &im->dyn;
	return addr >= d->imp_lo && addr < d->imp_hi && (addr - d->imp_lo) % FC_IMPORT_STUB == 0;
}

int fc_image_ifunc_at(const struct fc_image *im, uint64_t resolver)
{
	for (size_t i = 0; i < im->dyn.nifuncs; i++)
		if (im->dyn.ifuncs[i].resolver == resolver)
			return (int)i;
	return -1;
}

int fc_image_import_named(const struct fc_image *im, const char *name)
{
	for (size_t i = 0; i < im->dyn.nimports; i++)
		if (!strcmp(im->dyn.imports[i].name, name))
			return (int)i;
	return -1;
}

const char *fc_image_bound_name(const struct fc_image *im, uint64_t addr, char *buf, size_t len)
{
	const struct fc_dyninfo *d = &im->dyn;
	if (fc_image_is_import(im, addr)) {
		snprintf(buf, len, "%s@import", d->imports[(addr - d->imp_lo) / FC_IMPORT_STUB].name);
		return buf;
	}
	for (size_t i = 0; i < d->nifuncs; i++) {
		const struct fc_ifunc *f = &d->ifuncs[i];
		if (f->why || f->impl != addr)
			continue;
		char ib[128];
		const struct fc_sym *y = fc_syms_at(&im->syms, addr);
		const char *impl = y && y->addr == addr ? y->name : NULL;
		if (!impl) {
			snprintf(ib, sizeof ib, "0x%" PRIx64, addr);
			impl = ib;
		}
		snprintf(buf, len, "%s (IFUNC %s)", impl, f->name ? f->name : "?");
		return buf;
	}
	return NULL;
}

/* ---- PLT entries: which slot a call's way reads ------------------------- */

/* Which slot a PLT or IPLT entry is for. Every linker here lays the
 * entries of a PLT section out at one stride, in the order of their GOT
 * slots (8 bytes apart): entry i reads slot k + 8i. The loader finds the
 * entries by running from every aligned address of the section (an entry
 * is where a run reads a bound slot in its first PLT block; of the starts
 * that read one slot, the last), and when all of them but at most one lie
 * on one such line, the line says which slot each entry is for: an entry
 * that reads another slot, or none, is then held to its own. Otherwise
 * (fewer than three entries, or a layout that is not a line: mold's
 * .plt.got) an entry is held to the slot it reads. */
struct fc_plt_fit {
	bool done, ok;
	uint64_t stride, phase;  /* entries at phase + i * stride */
	uint64_t entry0, slot0;  /* one entry on the line, and its slot */
};

struct plt_run {
	struct fc_image *im;
	uint64_t block;     /* the block executing */
	uint64_t entry;     /* the first block inside a PLT section, or 0 */
	unsigned blocks;
	bool found, first_only, called;
	size_t slot;
	uint64_t sp;        /* SP at the start */
	uint64_t start;     /* where the way starts */
};

static int plt_of(const struct fc_dyninfo *d, uint64_t a)
{
	for (size_t i = 0; i < d->nplts; i++)
		if (a >= d->plts[i].lo && a < d->plts[i].hi)
			return (int)i;
	return -1;
}

static bool slot_at(const struct fc_dyninfo *d, uint64_t a, size_t *k)
{
	size_t lo = fc_lower_key64(d->slots, d->nslots, sizeof *d->slots, a);
	if (lo < d->nslots && d->slots[lo].addr == a) {
		*k = lo;
		return true;
	}
	return false;
}

static void plt_block(uc_engine *uc, uint64_t addr, uint32_t size, void *ud)
{
	(void)size;
	struct plt_run *r = ((struct fc_image *)ud)->dyn.plt_cur;
	/* The way entered a function before any PLT entry (glibc's
	 * call_weak_fn, reached through an anonymous thunk, itself calls
	 * __gmon_start__ through the PLT): the call arrives at that function,
	 * which is all this way says. */
	if (!r->entry && addr != r->start && plt_of(&r->im->dyn, addr) < 0) {
		const struct fc_sym *y = fc_syms_at(&r->im->syms, addr);
		if (y && y->addr == addr && y->type == STT_FUNC && y->size &&
		    !fc_is_linker_stub_name(y->name)) {
			r->called = true;
			uc_emu_stop(uc);
			return;
		}
	}
	r->block = addr;
	if (!r->entry && plt_of(&r->im->dyn, addr) >= 0) {
		/* Reached by jumps (a veneer on the way) only: what a call in
		 * between went to is another call's business. */
		const struct target *t = r->im->t;
		uint64_t sp = 0, ra = r->im->until;
		uc_reg_read(uc, t->reg_sp, &sp);
		if (t->reg_ra >= 0)
			uc_reg_read(uc, t->reg_ra, &ra);
		if (sp != r->sp || ra != r->im->until) {
			r->called = true;
			uc_emu_stop(uc);
			return;
		}
		r->entry = addr;
	}
	if (++r->blocks > 8 || (r->first_only && r->blocks > 1))
		uc_emu_stop(uc);
}

static void plt_read(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
		     void *ud)
{
	(void)type; (void)value;
	struct plt_run *r = ((struct fc_image *)ud)->dyn.plt_cur;
	size_t k;
	if (r->found || r->called || !r->entry || size != 8 || plt_of(&r->im->dyn, r->block) < 0 ||
	    !slot_at(&r->im->dyn, addr, &k))
		return;
	r->found = true;
	r->slot = k;
	uc_emu_stop(uc);
}

/* Run from a (a few blocks, nothing checked): the first bound slot read in
 * PLT code, and the first PLT block reached. */
static void plt_run_from(struct fc_image *im, uint64_t a, bool first_only, struct plt_run *r)
{
	const struct target *t = im->t;
	uc_engine *uc = im->uc;
	baseline_regs(im);
	if (t->reg_ra >= 0)
		uc_reg_write(uc, t->reg_ra, &im->until);
	*r = (struct plt_run){.im = im, .block = a, .first_only = first_only, .start = a};
	/* One that killed the emulator before leads nowhere now. */
	if (fc_guard_enter(im->path, FC_GUARD_PLT, a))
		return;
	uc_reg_read(uc, t->reg_sp, &r->sp);
	void *outer = im->dyn.plt_cur;
	im->dyn.plt_cur = r;
	uc_emu_start(uc, a, im->until, 0, 0);
	im->dyn.plt_cur = outer;
	fc_guard_leave();
}

static void plt_fit(struct fc_image *im, size_t pi, struct fc_plt_fit *fit)
{
	struct fc_dyninfo *d = &im->dyn;
	const struct fc_range *p = &d->plts[pi];
	unsigned step = im->t->plt_align ? im->t->plt_align : 4;
	uint64_t *ea = fc_xcalloc(d->nslots + 1, sizeof *ea); /* per slot: its entry */
	uint64_t *sa = fc_xcalloc(d->nslots + 1, sizeof *sa);
	for (uint64_t a = (p->lo + step - 1) / step * step; a < p->hi; a += step) {
		struct plt_run r;
		plt_run_from(im, a, true, &r);
		if (r.found && r.entry == a)
			ea[r.slot] = a; /* the last start that reads it */
	}
	size_t n = 0;
	for (size_t k = 0; k < d->nslots; k++)
		if (ea[k]) {
			ea[n] = ea[k];
			sa[n++] = d->slots[k].addr;
		}
	/* Sorted by entry: the stride is what most neighbours 8 bytes of slot
	 * apart are apart; then the line through most entries. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && ea[j - 1] > ea[j]; j--) {
			uint64_t x = ea[j]; ea[j] = ea[j - 1]; ea[j - 1] = x;
			x = sa[j]; sa[j] = sa[j - 1]; sa[j - 1] = x;
		}
	fit->done = true;
	uint64_t stride = 0;
	size_t best = 0;
	for (size_t i = 1; i < n; i++) {
		if (sa[i] != sa[i - 1] + 8)
			continue;
		uint64_t c = ea[i] - ea[i - 1];
		size_t votes = 0;
		for (size_t j = 1; j < n; j++)
			votes += sa[j] == sa[j - 1] + 8 && ea[j] - ea[j - 1] == c;
		if (votes > best)
			best = votes, stride = c;
	}
	if (n >= 3 && stride) {
		size_t on = 0, bi = 0;
		for (size_t i = 0; i < n; i++) {
			size_t agree = 0;
			for (size_t j = 0; j < n; j++) {
				int64_t de = (int64_t)(ea[j] - ea[i]), ds = (int64_t)(sa[j] - sa[i]);
				agree += de % (int64_t)stride == 0 && ds == de / (int64_t)stride * 8;
			}
			if (agree > on)
				on = agree, bi = i;
		}
		/* All but at most one on the line. */
		if (on + 1 >= n) {
			fit->ok = true;
			fit->stride = stride;
			fit->phase = ea[bi] % stride;
			fit->entry0 = ea[bi];
			fit->slot0 = sa[bi];
		}
	}
	free(ea);
	free(sa);
}

bool fc_image_plt_binding(struct fc_image *im, uint64_t dest, uint64_t *want, size_t *slot)
{
	struct fc_dyninfo *d = &im->dyn;
	if (!d->nslots || !d->nplts || !fc_image_executable(im, dest))
		return false;
	for (size_t i = 0; i < d->nseen; i++)
		if (d->seen[i].dest == dest) {
			*want = d->seen[i].want;
			*slot = d->seen[i].slot;
			return d->seen[i].found;
		}
	if (!d->fits)
		d->fits = fc_xcalloc(d->nplts, sizeof *d->fits);
	uc_engine *uc = im->uc;
	struct plt_run r;
	uc_hook hb, hr;
	uc_hook_add(uc, &hb, UC_HOOK_BLOCK, plt_block, im, 1, 0);
	uc_hook_add(uc, &hr, UC_HOOK_MEM_READ, plt_read, im, 1, 0);
	plt_run_from(im, dest, false, &r);
	bool found = r.found;
	size_t k = r.slot;
	int pi = r.entry ? plt_of(d, r.entry) : -1;
	if (pi >= 0) {
		struct fc_plt_fit *fit = &d->fits[pi];
		if (!fit->done)
			plt_fit(im, (size_t)pi, fit);
		size_t k2;
		uint64_t e = r.entry;
		int64_t de = (int64_t)(e - fit->entry0);
		if (fit->ok && de % (int64_t)fit->stride == 0 &&
		    slot_at(d, fit->slot0 + (uint64_t)(de / (int64_t)fit->stride * 8), &k2)) {
			found = true;
			k = k2;
		}
	}
	uc_hook_del(uc, hb);
	uc_hook_del(uc, hr);
	if (d->nseen == d->seencap) {
		d->seencap = d->seencap ? d->seencap * 2 : 32;
		d->seen = fc_xrealloc(d->seen, d->seencap * sizeof *d->seen);
	}
	struct fc_plt_seen *s = &d->seen[d->nseen++];
	*s = (struct fc_plt_seen){dest, found, found ? d->slots[k].value : 0, k};
	*want = s->want;
	*slot = s->slot;
	return s->found;
}
