/* Unit tests for the generator's debug info and CFI writer (gen/debug.c,
 * driven by gen/elfobj.c through fc_write_object): small models are built
 * with fc_model_build, written as relocatable objects, and read back with
 * elfutils only.
 *
 * - libdwfl reports each object offline (it lays the sections out and
 *   applies the relocations of the debug sections, RISC-V ADD/SUB pairs
 *   included); functions are found in its symbol table and by their
 *   subprograms' DW_AT_low_pc, and the two must agree.
 * - Lines (dwarf_getsrclines): inside [low_pc, high_pc) the rows are exactly
 *   the rule of docs/manifest.md: the prologue at the entry, each site and
 *   the epilogue, in address order, on consecutive lines from the
 *   function's LINE; a row at the address of a later one goes, its line is
 *   still used. high_pc - low_pc is the code; an end_sequence row sits there.
 * - CFI (dwarf_cfi_addrframe, dwarf_frame_cfa, dwarf_frame_register) at every
 *   byte of every function: CFA = SP + the offset the target's
 *   frame_enter/frame_leave steps say (cfa_entry before any), the return
 *   address (and the frame pointer) "same value" or "at CFA + N" as the steps
 *   say; the FDE covers the code exactly. Leaves without a frame, leaves with
 *   stack and functions that call, tail calls, on arm64, amd64 and riscv64,
 *   DWARF 4 and 5, .eh_frame and .debug_frame.
 *   libdwfl applies no relocation to an allocated section of an ET_REL file
 *   (dwfl_module_eh_cfi reads .eh_frame as it is), and libdw has no
 *   PC-relative relocation types at all, so for .eh_frame the test applies
 *   .rela.eh_frame to libdwfl's in-memory copy itself: symbols' addresses
 *   from libdwfl, each relocation by the target's own apply_reloc hook.
 * - RISC-V with relaxation: through libelf (gelf_getrela), the label
 *   differences are ADD16/SUB16 (DW_LNS_fixed_advance_pc), SET32/SUB32
 *   (DW_CFA_advance_loc4), ADD32/SUB32 or ADD64/SUB64 (high_pc, pc_range),
 *   each pair naming local labels in the function's own section at exactly
 *   the two places, with no addends; without relaxation there are none.
 * - Writing one model twice, or a model built twice from one seed, gives
 *   byte-identical objects.
 * - verify/lines.c rebuilds what libdw's merge of a unit's sequences hides
 *   (fc_lines_add_unit, fed rows as dwarf_getsrclines orders them): a
 *   sequence that runs past its function into the next one (clang 14,
 *   riscv64, relaxed by the linker; rows taken from such binaries) is its
 *   owner's overrun, with its end and the function it runs into, and the
 *   next function keeps the cover of its own rows; an end in padding, a
 *   sequence over several functions, a table moved away from its function
 *   and a function whose own sequence stops short are no overrun. */
#define _GNU_SOURCE
#include <dwarf.h>
#include <elf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../core/manifest.h"
#include "../../core/util.h"
#include "../../gen/debug.h"
#include "../../gen/gen.h"
#include "../../targets/target.h"
#include "../../verify/lines.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fail_msg(__VA_ARGS__);                                                     \
	} while (0)

/* Temporary directories still to remove (a failed check longjmps out of a
 * test; the group teardown removes what it left). */
#define MAXDIRS 64
static char *tmpdirs[MAXDIRS];

static char *make_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *d = fc_xasprintf("%s/fc-test-debug-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(d))
		fail_msg("mkdtemp %s failed", d);
	for (int i = 0; i < MAXDIRS; i++)
		if (!tmpdirs[i]) {
			tmpdirs[i] = d;
			return d;
		}
	fail_msg("too many temporary directories");
	return NULL;
}

static void remove_tmpdir(const char *d)
{
	for (int i = 0; i < MAXDIRS; i++)
		if (tmpdirs[i] == d) {
			fc_rm_rf(d);
			free(tmpdirs[i]);
			tmpdirs[i] = NULL;
		}
}

static int group_setup(void **state)
{
	(void)state;
	return elf_version(EV_CURRENT) == EV_NONE ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	for (int i = 0; i < MAXDIRS; i++)
		if (tmpdirs[i]) {
			fc_rm_rf(tmpdirs[i]);
			free(tmpdirs[i]);
			tmpdirs[i] = NULL;
		}
	return 0;
}

static const struct target *T(const char *name)
{
	const struct target *t = fc_target_find(name);
	if (!t)
		fail_msg("no target %s", name);
	return t;
}

/* ------------------------------------------------------------------ */
/* Models and objects. */

struct cfg {
	const char *arch;
	int dwarf, cfi; /* cfi: 1 .eh_frame, 2 .debug_frame */
	bool relax;
	uint32_t funcs, objs, obj;
	uint64_t size;
};

static const char *cfi_name(int cfi)
{
	return cfi == 1 ? ".eh_frame" : cfi == 2 ? ".debug_frame" : "no CFI";
}

static struct fc_gen_opts opts_of(const struct cfg *c, uint64_t seed)
{
	return (struct fc_gen_opts){.t = T(c->arch),
				    .size = c->size ? c->size : 1 * MiB,
				    .seed = seed,
				    .funcs = c->funcs ? c->funcs : 32,
				    .objs = c->objs ? c->objs : 1,
				    .calls = 4,
				    .far_pct = 0,
				    .tail_pct = 25,
				    .mode = FC_MODE_EXE,
				    .relax = c->relax,
				    .dwarf = c->dwarf,
				    .cfi = c->cfi};
}

/* What a model exercises: every frame kind, a frame bigger than the
 * save area, a tail call, a site at a frameless entry (its row replaces
 * the prologue's). */
struct cover {
	unsigned none, leaf, save, save_big, tail, site_at_entry, pool;
};

static bool is_tail(const struct fc_manifest *m, const struct fc_func *f)
{
	return f->nsites && m->t->forms[m->sites[f->first_site + f->nsites - 1].form].tail_only;
}

static void cover_of(const struct fc_manifest *m, uint32_t obj, struct cover *c)
{
	memset(c, 0, sizeof *c);
	for (uint32_t i = 0; i < m->nfuncs; i++) {
		const struct fc_func *f = &m->funcs[i];
		if (f->obj != obj)
			continue;
		c->none += f->frame == FC_FRAME_NONE;
		c->leaf += f->frame == FC_FRAME_LEAF;
		c->save += f->frame == FC_FRAME_SAVE;
		c->save_big += f->frame == FC_FRAME_SAVE && f->frame_size > 16;
		c->tail += is_tail(m, f);
		c->site_at_entry += f->nsites && m->sites[f->first_site].off == 0;
		c->pool += f->size > f->code;
	}
}

static bool cover_full(const struct cover *c)
{
	return c->none && c->leaf && c->save && c->save_big && c->tail;
}

/* The first seed from `from` whose model of object c->obj covers every
 * frame kind and a tail call. */
static uint64_t pick_seed(const struct cfg *c, uint64_t from, struct fc_manifest *m)
{
	for (uint64_t seed = from; seed < from + 200; seed++) {
		struct fc_gen_opts o = opts_of(c, seed);
		memset(m, 0, sizeof *m);
		CHECK(fc_model_build(&o, m) == 0, "%s: fc_model_build failed: %s", c->arch,
		      fc_last_error());
		struct cover cv;
		cover_of(m, c->obj, &cv);
		if (cover_full(&cv))
			return seed;
		fc_manifest_free(m);
	}
	fail_msg("%s: no seed gives every frame kind", c->arch);
	return 0;
}

struct obj {
	struct cfg c;
	const struct target *t;
	struct fc_manifest m;
	uint64_t seed;
	char *dir, *path;
	uint32_t f0, f1; /* the functions of the object */
	Dwfl *dwfl;
	Dwfl_Module *mod;
	Dwarf *dw;
	Dwarf_Addr dwbias;
	uint64_t *addr; /* module address of each function (index - f0) */
};

static void write_obj(struct obj *o)
{
	o->dir = make_tmpdir();
	CHECK(fc_write_object(o->dir, &o->m, o->c.obj, NULL, NULL) == 0,
	      "%s: fc_write_object failed: %s", o->c.arch, fc_last_error());
	o->path = fc_xasprintf("%s/%s", o->dir, o->m.objs[o->c.obj]);
	o->f0 = UINT32_MAX;
	o->f1 = 0;
	for (uint32_t i = 0; i < o->m.nfuncs; i++)
		if (o->m.funcs[i].obj == o->c.obj) {
			if (o->f0 == UINT32_MAX)
				o->f0 = i;
			o->f1 = i + 1;
		}
	CHECK(o->f0 != UINT32_MAX, "object %u has no functions", o->c.obj);
}

static void gen(struct obj *o, const struct cfg *c, uint64_t seed_from)
{
	memset(o, 0, sizeof *o);
	o->c = *c;
	o->t = T(c->arch);
	o->seed = pick_seed(c, seed_from, &o->m);
	write_obj(o);
}

static int no_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
			const char *file_name, const char *debuglink_file,
			GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	(void)mod, (void)userdata, (void)modname, (void)base, (void)file_name;
	(void)debuglink_file, (void)debuglink_crc, (void)debuginfo_file_name;
	return -1;
}

static const Dwfl_Callbacks offline_cb = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = no_debuginfo,
	.section_address = dwfl_offline_section_address,
};

static void open_dwfl(struct obj *o)
{
	o->dwfl = dwfl_begin(&offline_cb);
	CHECK(o->dwfl, "dwfl_begin: %s", dwfl_errmsg(-1));
	o->mod = dwfl_report_offline(o->dwfl, o->m.objs[o->c.obj], o->path, -1);
	CHECK(o->mod, "%s: dwfl_report_offline: %s", o->path, dwfl_errmsg(-1));
	CHECK(dwfl_report_end(o->dwfl, NULL, NULL) == 0, "dwfl_report_end: %s", dwfl_errmsg(-1));
	/* Each function by its global symbol. */
	uint32_t nf = o->f1 - o->f0;
	o->addr = fc_xcalloc(nf, sizeof *o->addr);
	bool *seen = fc_xcalloc(nf, sizeof *seen);
	int ns = dwfl_module_getsymtab(o->mod);
	CHECK(ns > 0, "%s: no symbol table: %s", o->path, dwfl_errmsg(-1));
	for (int i = 1; i < ns; i++) {
		GElf_Sym sym;
		GElf_Addr a;
		const char *n = dwfl_module_getsym_info(o->mod, i, &sym, &a, NULL, NULL, NULL);
		CHECK(n, "%s: symbol %d: %s", o->path, i, dwfl_errmsg(-1));
		if (GELF_ST_TYPE(sym.st_info) != STT_FUNC)
			continue;
		CHECK(GELF_ST_BIND(sym.st_info) == STB_GLOBAL, "%s: %s is not global", o->path, n);
		bool found = false;
		for (uint32_t k = 0; k < nf; k++)
			if (!strcmp(n, o->m.funcs[o->f0 + k].name)) {
				CHECK(!seen[k], "%s: %s defined twice", o->path, n);
				seen[k] = true;
				o->addr[k] = a;
				found = true;
				CHECK(sym.st_size == o->m.funcs[o->f0 + k].size,
				      "%s: %s has st_size %" PRIu64 ", the model %u", o->path, n,
				      (uint64_t)sym.st_size, o->m.funcs[o->f0 + k].size);
			}
		CHECK(found, "%s: function symbol %s is not in the model", o->path, n);
	}
	for (uint32_t k = 0; k < nf; k++) {
		const char *n = o->m.funcs[o->f0 + k].name;
		CHECK(seen[k], "%s: no symbol for %s", o->path, n);
		const char *an = dwfl_module_addrname(o->mod, o->addr[k]);
		CHECK(an && !strcmp(an, n), "%s: dwfl_module_addrname(%#" PRIx64 ") is %s, not %s",
		      o->path, o->addr[k], an ? an : "(none)", n);
	}
	free(seen);
}

static void close_obj(struct obj *o)
{
	if (o->dwfl)
		dwfl_end(o->dwfl);
	remove_tmpdir(o->dir);
	free(o->path);
	free(o->addr);
	fc_manifest_free(&o->m);
	memset(o, 0, sizeof *o);
}

/* ------------------------------------------------------------------ */
/* Expected lines and frames, from the manifest and the target. */

struct erow {
	uint32_t off, line;
};

/* docs/manifest.md: the prologue (at the entry), each site and the
 * epilogue, in address order (the epilogue of a tail call comes before
 * its last site), take consecutive lines from LINE; where two fall at one
 * address the later one stands. Returns the rows; *last the last line. */
static unsigned expected_rows(const struct fc_manifest *m, uint32_t fi, struct erow *out,
			      uint32_t *last)
{
	const struct fc_func *f = &m->funcs[fi];
	struct erow ev[512];
	unsigned nev = 0;
	CHECK(f->nsites + 2 <= 512, "too many sites");
	ev[nev++] = (struct erow){0, 0};
	bool epi = false;
	for (uint32_t k = 0; k < f->nsites || !epi;) {
		uint32_t so = k < f->nsites ? m->sites[f->first_site + k].off : UINT32_MAX;
		if (!epi && f->epi <= so) {
			ev[nev++] = (struct erow){f->epi, 0};
			epi = true;
		} else {
			ev[nev++] = (struct erow){so, 0};
			k++;
		}
	}
	unsigned n = 0;
	for (unsigned i = 0; i < nev; i++) {
		ev[i].line = f->line + i;
		if (i)
			CHECK(ev[i].off >= ev[i - 1].off, "%s: sites out of order", f->name);
		if (n && out[n - 1].off == ev[i].off)
			n--;
		out[n++] = ev[i];
	}
	*last = f->line + nev - 1;
	return n;
}

struct steps {
	struct fc_cfa_step pro[FC_MAX_CFA_STEPS], epi[FC_MAX_CFA_STEPS];
	unsigned npro, nepi;
	uint32_t pro_len, epi_len; /* bytes of each */
};

static void steps_of(const struct target *t, const struct fc_func *f, struct steps *s)
{
	struct fc_code c = {0};
	struct fc_frame fr = {f->frame, f->frame_size};
	memset(s, 0, sizeof *s);
	t->frame_enter(&c, &fr, s->pro, &s->npro);
	s->pro_len = (uint32_t)c.len;
	fc_code_reset(&c);
	t->frame_leave(&c, &fr, s->epi, &s->nepi);
	s->epi_len = (uint32_t)c.len;
	fc_code_free(&c);
	CHECK(s->npro <= FC_MAX_CFA_STEPS && s->nepi <= FC_MAX_CFA_STEPS, "too many steps");
}

struct estate {
	int32_t cfa;
	int32_t ra, fp; /* 0: same value; else saved at CFA + this */
};

/* What CFI must say at `off` bytes into function f. */
static struct estate expected_state(const struct target *t, const struct fc_func *f,
				    const struct steps *s, uint32_t off)
{
	struct estate e = {t->cfa_entry, t->ra_entry, 0};
	for (unsigned k = 0; k < s->npro; k++)
		if (s->pro[k].after <= off)
			e = (struct estate){s->pro[k].cfa, s->pro[k].ra, s->pro[k].fp};
	for (unsigned k = 0; k < s->nepi; k++)
		if (f->epi + s->epi[k].after <= off)
			e = (struct estate){s->epi[k].cfa, s->epi[k].ra, s->epi[k].fp};
	/* ra 0: where the call left it, which is at CFA + ra_entry where a call
	 * pushes it (amd64) and in the link register elsewhere. */
	if (!e.ra)
		e.ra = t->ra_entry;
	return e;
}

/* ------------------------------------------------------------------ */
/* Section lookup through libelf. */

static Elf_Scn *find_scn(Elf *e, const char *name, GElf_Shdr *sh, size_t *ndx)
{
	size_t shstrndx;
	CHECK(elf_getshdrstrndx(e, &shstrndx) == 0, "elf_getshdrstrndx: %s", elf_errmsg(-1));
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr m;
		if (!gelf_getshdr(scn, &m))
			continue;
		const char *n = elf_strptr(e, shstrndx, m.sh_name);
		if (n && !strcmp(n, name)) {
			if (sh)
				*sh = m;
			if (ndx)
				*ndx = elf_ndxscn(scn);
			return scn;
		}
	}
	return NULL;
}

/* The SHT_RELA section that applies to section `target`. */
static Elf_Scn *find_rela(Elf *e, size_t target)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr m;
		if (gelf_getshdr(scn, &m) && m.sh_type == SHT_RELA && m.sh_info == target)
			return scn;
	}
	return NULL;
}

struct raw {
	int fd;
	Elf *e;
	Elf_Data *sym;
	size_t strndx;
};

static void raw_open(struct raw *r, const char *path)
{
	r->fd = open(path, O_RDONLY);
	CHECK(r->fd >= 0, "cannot open %s", path);
	r->e = elf_begin(r->fd, ELF_C_READ, NULL);
	CHECK(r->e, "%s: elf_begin: %s", path, elf_errmsg(-1));
	GElf_Shdr sh;
	Elf_Scn *s = find_scn(r->e, ".symtab", &sh, NULL);
	CHECK(s, "%s: no .symtab", path);
	r->sym = elf_getdata(s, NULL);
	r->strndx = sh.sh_link;
	CHECK(r->sym, "%s: .symtab: %s", path, elf_errmsg(-1));
}

static void raw_close(struct raw *r)
{
	elf_end(r->e);
	close(r->fd);
}

static const char *raw_sym(struct raw *r, size_t ndx, GElf_Sym *sym)
{
	CHECK(gelf_getsym(r->sym, (int)ndx, sym), "symbol %zu: %s", ndx, elf_errmsg(-1));
	return elf_strptr(r->e, r->strndx, sym->st_name);
}

/* ------------------------------------------------------------------ */
/* Debug info and lines. */

static void check_info_and_lines(struct obj *o)
{
	const struct fc_manifest *m = &o->m;
	o->dw = dwfl_module_getdwarf(o->mod, &o->dwbias);
	CHECK(o->dw, "%s: dwfl_module_getdwarf: %s", o->path, dwfl_errmsg(-1));
	uint32_t nf = o->f1 - o->f0;
	char cu_name[32];
	snprintf(cu_name, sizeof cu_name, "obj%04u.c", o->c.obj);
	char src[64];
	snprintf(src, sizeof src, "/farcall/%s", cu_name);

	Dwarf_CU *cu = NULL, *next;
	Dwarf_Half version;
	uint8_t unit_type;
	Dwarf_Die cudie;
	unsigned ncu = 0;
	while (dwarf_get_units(o->dw, cu, &next, &version, &unit_type, &cudie, NULL) == 0) {
		cu = next;
		ncu++;
		CHECK(version == o->c.dwarf, "%s: CU of DWARF %u, not %d", o->path, version,
		      o->c.dwarf);
		CHECK(unit_type == DW_UT_compile, "%s: unit type %u", o->path, unit_type);
		CHECK(dwarf_tag(&cudie) == DW_TAG_compile_unit, "%s: not a compile unit", o->path);
		const char *n = dwarf_diename(&cudie);
		CHECK(n && !strcmp(n, cu_name), "%s: CU name %s, not %s", o->path, n ? n : "(none)",
		      cu_name);
		Dwarf_Attribute at;
		const char *s = dwarf_formstring(dwarf_attr(&cudie, DW_AT_producer, &at));
		CHECK(s && !strcmp(s, "farcall gen"), "%s: producer %s", o->path, s ? s : "(none)");
		s = dwarf_formstring(dwarf_attr(&cudie, DW_AT_comp_dir, &at));
		CHECK(s && !strcmp(s, "/farcall"), "%s: comp_dir %s", o->path, s ? s : "(none)");
		CHECK(dwarf_srclang(&cudie) == DW_LANG_C11, "%s: language %d", o->path,
		      dwarf_srclang(&cudie));

		Dwarf_Lines *lines;
		size_t nl;
		CHECK(dwarf_getsrclines(&cudie, &lines, &nl) == 0, "%s: dwarf_getsrclines: %s",
		      o->path, dwarf_errmsg(-1));
		/* Every row is in some function; count them. */
		size_t rows_seen = 0, ends_seen = 0;

		Dwarf_Die die;
		CHECK(dwarf_child(&cudie, &die) == 0, "%s: CU without children", o->path);
		uint32_t k = 0;
		do {
			CHECK(dwarf_tag(&die) == DW_TAG_subprogram, "%s: tag %d", o->path,
			      dwarf_tag(&die));
			CHECK(k < nf, "%s: more subprograms than functions", o->path);
			uint32_t fi = o->f0 + k;
			const struct fc_func *f = &m->funcs[fi];
			const char *dn = dwarf_diename(&die);
			CHECK(dn && !strcmp(dn, f->name), "%s: subprogram %u is %s, not %s", o->path, k,
			      dn ? dn : "(none)", f->name);
			int dl = -1;
			CHECK(dwarf_decl_line(&die, &dl) == 0 && dl == (int)f->line,
			      "%s: %s: decl_line %d, the manifest %u", o->path, f->name, dl, f->line);
			const char *df = dwarf_decl_file(&die);
			/* DWARF 5 (2.14) keeps decl_file 0 for "no source file",
			 * though its line table numbers files from 0; the writer
			 * gives 0 there (see the report), so only DWARF 4 is held
			 * to naming the file. */
			if (o->c.dwarf == 4)
				CHECK(df && !strcmp(df, src), "%s: %s: decl_file %s", o->path,
				      f->name, df ? df : "(none)");
			CHECK(dwarf_hasattr(&die, DW_AT_external), "%s: %s is not external", o->path,
			      f->name);
			Dwarf_Addr lo, hi;
			CHECK(dwarf_lowpc(&die, &lo) == 0 && dwarf_highpc(&die, &hi) == 0,
			      "%s: %s: no pc range: %s", o->path, f->name, dwarf_errmsg(-1));
			CHECK(lo + o->dwbias == o->addr[k],
			      "%s: %s: DW_AT_low_pc %#" PRIx64 ", the symbol %#" PRIx64, o->path,
			      f->name, (uint64_t)(lo + o->dwbias), o->addr[k]);
			CHECK(hi - lo == f->code,
			      "%s: %s: high_pc - low_pc = %" PRIu64 ", the code is %u bytes", o->path,
			      f->name, (uint64_t)(hi - lo), f->code);

			/* The line rows of [lo, hi) and the end of its sequence. */
			struct erow want[520];
			uint32_t last;
			unsigned nw = expected_rows(m, fi, want, &last);
			CHECK(last == f->line + f->nsites + 1, "%s: lines do not add up", f->name);
			if (fi + 1 < m->nfuncs && m->funcs[fi + 1].obj == f->obj)
				CHECK(m->funcs[fi + 1].line == last + 1,
				      "%s: next function's line %u, expected %u", f->name,
				      m->funcs[fi + 1].line, last + 1);
			unsigned got = 0;
			bool end = false;
			for (size_t i = 0; i < nl; i++) {
				Dwarf_Line *l = dwarf_onesrcline(lines, i);
				Dwarf_Addr a;
				int ln;
				bool es;
				CHECK(l && dwarf_lineaddr(l, &a) == 0 && dwarf_lineno(l, &ln) == 0 &&
					      dwarf_lineendsequence(l, &es) == 0,
				      "%s: line row %zu: %s", o->path, i, dwarf_errmsg(-1));
				if (es && a == hi) {
					CHECK(!end, "%s: %s: two sequence ends", o->path, f->name);
					end = true;
					ends_seen++;
				}
				if (a < lo || a >= hi)
					continue;
				CHECK(!es, "%s: %s: a sequence ends inside it at +%#" PRIx64, o->path,
				      f->name, (uint64_t)(a - lo));
				CHECK(got < nw, "%s: %s: more rows than the %u expected (+%#" PRIx64
				      " line %d)", o->path, f->name, nw, (uint64_t)(a - lo), ln);
				CHECK(a - lo == want[got].off && ln == (int)want[got].line,
				      "%s (DWARF %d, %s): %s: row %u at +%#" PRIx64 " line %d, "
				      "expected +%#x line %u", m->t->name, o->c.dwarf,
				      o->c.relax ? "relax" : "norelax", f->name, got,
				      (uint64_t)(a - lo), ln, want[got].off, want[got].line);
				const char *ls = dwarf_linesrc(l, NULL, NULL);
				CHECK(ls && !strcmp(ls, src), "%s: %s: row in file %s", o->path,
				      f->name, ls ? ls : "(none)");
				bool st;
				CHECK(dwarf_linebeginstatement(l, &st) == 0 && st,
				      "%s: %s: row not a statement", o->path, f->name);
				got++;
				rows_seen++;
			}
			CHECK(got == nw, "%s: %s: %u rows, expected %u", o->path, f->name, got, nw);
			CHECK(end, "%s: %s: no end_sequence at high_pc", o->path, f->name);
			k++;
		} while (dwarf_siblingof(&die, &die) == 0);
		CHECK(k == nf, "%s: %u subprograms for %u functions", o->path, k, nf);
		CHECK(rows_seen + ends_seen == nl, "%s: %zu line rows outside every function",
		      o->path, nl - rows_seen - ends_seen);
	}
	CHECK(ncu == 1, "%s: %u compile units", o->path, ncu);
}

/* ------------------------------------------------------------------ */
/* CFI. */

/* libdwfl leaves .eh_frame of an ET_REL file unrelocated, and libdw knows
 * no PC-relative relocation: apply .rela.eh_frame (read afresh from the
 * file) to libdwfl's in-memory copy of .eh_frame, with the symbols'
 * addresses as libdwfl laid them out. */
static void relocate_eh_frame(struct obj *o)
{
	GElf_Addr bias;
	Elf *e = dwfl_module_getelf(o->mod, &bias);
	CHECK(e, "%s: dwfl_module_getelf: %s", o->path, dwfl_errmsg(-1));
	GElf_Shdr ehs;
	Elf_Scn *eh = find_scn(e, ".eh_frame", &ehs, NULL);
	CHECK(eh, "%s: no .eh_frame", o->path);
	Elf_Data *ehd = elf_getdata(eh, NULL);
	CHECK(ehd && ehd->d_size == ehs.sh_size, "%s: .eh_frame: %s", o->path, elf_errmsg(-1));

	struct raw r;
	raw_open(&r, o->path);
	size_t rndx;
	GElf_Shdr rs;
	Elf_Scn *reh = find_scn(r.e, ".eh_frame", &rs, &rndx);
	CHECK(reh, "%s: no .eh_frame", o->path);
	Elf_Data *rd = elf_getdata(reh, NULL);
	CHECK(rd && rd->d_size == ehd->d_size, "%s: .eh_frame sizes differ", o->path);
	memcpy(ehd->d_buf, rd->d_buf, rd->d_size);
	Elf_Scn *rel = find_rela(r.e, rndx);
	CHECK(rel, "%s: no .rela.eh_frame", o->path);
	Elf_Data *reld = elf_getdata(rel, NULL);
	GElf_Shdr relsh;
	gelf_getshdr(rel, &relsh);
	size_t n = relsh.sh_size / relsh.sh_entsize;
	for (size_t i = 0; i < n; i++) {
		GElf_Rela ra;
		CHECK(gelf_getrela(reld, (int)i, &ra), "rela %zu: %s", i, elf_errmsg(-1));
		size_t si = GELF_R_SYM(ra.r_info);
		GElf_Sym rsym, dsym;
		const char *rn = raw_sym(&r, si, &rsym);
		GElf_Addr S;
		const char *dn = dwfl_module_getsym_info(o->mod, (int)si, &dsym, &S, NULL, NULL, NULL);
		CHECK(dn && rn && !strcmp(dn, rn), "%s: symbol %zu is %s to libdwfl, %s in the file",
		      o->path, si, dn ? dn : "(none)", rn ? rn : "(none)");
		CHECK(ra.r_offset < ehd->d_size, "%s: .rela.eh_frame offset out of range", o->path);
		uint64_t P = ehs.sh_addr + ra.r_offset;
		int rc = o->t->apply_reloc((uint32_t)GELF_R_TYPE(ra.r_info),
					   (uint8_t *)ehd->d_buf + ra.r_offset, P,
					   S + (uint64_t)ra.r_addend);
		CHECK(rc == 0, "%s: .eh_frame+%#" PRIx64 ": %s: %d", o->path, (uint64_t)ra.r_offset,
		      fc_reloc_name(o->t, (uint32_t)GELF_R_TYPE(ra.r_info)), rc);
	}
	raw_close(&r);
}

static const char *rule_str(int32_t v, char *buf, size_t len)
{
	if (v)
		snprintf(buf, len, "at CFA%+d", v);
	else
		snprintf(buf, len, "same value");
	return buf;
}

/* The rule of register `reg` in `fr` is `want` (0: same value, else saved
 * at CFA + want). */
static void check_reg_rule(struct obj *o, Dwarf_Frame *fr, int reg, int32_t want,
			   const char *what, const struct fc_func *f, uint32_t off)
{
	Dwarf_Op mem[3], *ops = NULL;
	size_t n = 99;
	char b[32];
	CHECK(dwarf_frame_register(fr, reg, mem, &ops, &n) == 0, "%s: %s+%#x: %s: %s", o->path,
	      f->name, off, what, dwarf_errmsg(-1));
	if (!want) {
		CHECK(n == 0 && ops == NULL,
		      "%s (%s, %s): %s+%#x: %s must be the same value (nops %zu, ops %s)",
		      o->t->name, cfi_name(o->c.cfi), o->c.relax ? "relax" : "norelax", f->name,
		      off, what, n, ops ? "set" : "null");
		return;
	}
	CHECK(n == 2 && ops == mem && ops[0].atom == DW_OP_call_frame_cfa &&
		      ops[1].atom == DW_OP_plus_uconst && (int64_t)ops[1].number == want,
	      "%s (%s, %s): %s+%#x: %s must be %s (nops %zu, %#x %" PRId64 ")", o->t->name,
	      cfi_name(o->c.cfi), o->c.relax ? "relax" : "norelax", f->name, off, what,
	      rule_str(want, b, sizeof b), n, n ? ops[0].atom : 0,
	      n > 1 ? (int64_t)ops[1].number : 0);
}

static void check_cfi(struct obj *o, struct cover *seen)
{
	const struct target *t = o->t;
	const struct fc_manifest *m = &o->m;
	Dwarf_Addr bias = 0;
	Dwarf_CFI *cfi;
	if (o->c.cfi == 1) {
		relocate_eh_frame(o);
		cfi = dwfl_module_eh_cfi(o->mod, &bias);
	} else {
		cfi = dwfl_module_dwarf_cfi(o->mod, &bias);
	}
	CHECK(cfi, "%s: no %s: %s", o->path, cfi_name(o->c.cfi), dwfl_errmsg(-1));
	memset(seen, 0, sizeof *seen);
	for (uint32_t fi = o->f0; fi < o->f1; fi++) {
		const struct fc_func *f = &m->funcs[fi];
		uint64_t a = o->addr[fi - o->f0] - bias;
		struct steps s;
		steps_of(t, f, &s);
		/* The frame and the manifest agree on the shape of the body. */
		CHECK(f->epi >= s.pro_len && f->epi + s.epi_len <= f->code,
		      "%s: epilogue at %u of %u", f->name, f->epi, f->code);
		if (f->nsites)
			CHECK(m->sites[f->first_site].off >= s.pro_len,
			      "%s: a site inside the prologue", f->name);
		seen->none += f->frame == FC_FRAME_NONE;
		seen->leaf += f->frame == FC_FRAME_LEAF;
		seen->save += f->frame == FC_FRAME_SAVE;
		seen->save_big += f->frame == FC_FRAME_SAVE && f->frame_size > 16;
		seen->tail += is_tail(m, f);
		for (uint32_t off = 0; off < f->code; off++) {
			Dwarf_Frame *fr = NULL;
			CHECK(dwarf_cfi_addrframe(cfi, a + off, &fr) == 0,
			      "%s (%s): %s+%#x: no CFI: %s", t->name, cfi_name(o->c.cfi), f->name,
			      off, dwarf_errmsg(-1));
			struct estate e = expected_state(t, f, &s, off);
			Dwarf_Addr start, end;
			bool sig;
			CHECK(dwarf_frame_info(fr, &start, &end, &sig) == t->dwarf_ra_column,
			      "%s: %s: the return address column is not %d", o->path, f->name,
			      t->dwarf_ra_column);
			CHECK(!sig, "%s: %s: a signal frame", o->path, f->name);
			CHECK(start >= a && end <= a + f->code && start <= a + off && a + off < end,
			      "%s: %s+%#x: row [%#" PRIx64 ", %#" PRIx64 ") outside [%#" PRIx64
			      ", %#" PRIx64 ")", o->path, f->name, off, (uint64_t)start,
			      (uint64_t)end, (uint64_t)a, (uint64_t)(a + f->code));
			if (off == 0)
				CHECK(start == a, "%s: the first row starts at %#" PRIx64, f->name,
				      (uint64_t)start);
			if (off + 1 == f->code)
				CHECK(end == a + f->code,
				      "%s (%s): %s: the FDE ends at +%#" PRIx64 ", the code at +%#x",
				      t->name, cfi_name(o->c.cfi), f->name, (uint64_t)(end - a),
				      f->code);
			Dwarf_Op *ops = NULL;
			size_t n = 0;
			CHECK(dwarf_frame_cfa(fr, &ops, &n) == 0, "%s: %s+%#x: CFA: %s", o->path,
			      f->name, off, dwarf_errmsg(-1));
			bool sp_based = n == 1 &&
					((ops[0].atom == DW_OP_bregx && ops[0].number == (Dwarf_Word)t->dwarf_sp &&
					  (int64_t)ops[0].number2 == e.cfa) ||
					 (t->dwarf_sp < 32 && ops[0].atom == DW_OP_breg0 + t->dwarf_sp &&
					  (int64_t)ops[0].number == e.cfa));
			CHECK(sp_based,
			      "%s (%s, %s, frame %u size %u): %s+%#x: CFA must be SP%+d "
			      "(DWARF reg %d); libdw says op %#x %" PRIu64 " %" PRId64,
			      t->name, cfi_name(o->c.cfi), o->c.relax ? "relax" : "norelax", f->frame,
			      f->frame_size, f->name, off, e.cfa, t->dwarf_sp, n ? ops[0].atom : 0,
			      n ? (uint64_t)ops[0].number : 0, n ? (int64_t)ops[0].number2 : 0);
			check_reg_rule(o, fr, t->dwarf_ra_column, e.ra, "the return address", f, off);
			check_reg_rule(o, fr, t->dwarf_fp, e.fp, "the frame pointer", f, off);
			free(fr);
		}
		/* Nothing past the code: the FDE covers it exactly (a literal pool
		 * or padding follows). */
		Dwarf_Frame *fr = NULL;
		CHECK(dwarf_cfi_addrframe(cfi, a + f->code, &fr) != 0,
		      "%s: %s: CFI past the code, at +%#x", o->path, f->name, f->code);
		free(fr);
	}
}

/* Sections of a case: what the options ask for, nothing else. */
static void check_sections(struct obj *o)
{
	struct raw r;
	raw_open(&r, o->path);
	static const char *const dbg[] = {".debug_abbrev", ".debug_info", ".debug_str",
					  ".debug_line"};
	for (unsigned i = 0; i < 4; i++)
		CHECK(!find_scn(r.e, dbg[i], NULL, NULL) == !o->c.dwarf, "%s: %s %s", o->path,
		      dbg[i], o->c.dwarf ? "missing" : "present without --dwarf");
	GElf_Shdr sh;
	bool eh = find_scn(r.e, ".eh_frame", &sh, NULL);
	CHECK(eh == (o->c.cfi == 1), "%s: .eh_frame %s", o->path, eh ? "present" : "missing");
	if (eh)
		CHECK((sh.sh_flags & SHF_ALLOC) && sh.sh_type == SHT_PROGBITS,
		      "%s: .eh_frame is not allocated PROGBITS", o->path);
	bool df = find_scn(r.e, ".debug_frame", &sh, NULL);
	CHECK(df == (o->c.cfi == 2), "%s: .debug_frame %s", o->path, df ? "present" : "missing");
	if (df)
		CHECK(!(sh.sh_flags & SHF_ALLOC), "%s: .debug_frame is allocated", o->path);
	raw_close(&r);
}

/* ------------------------------------------------------------------ */
/* One case, all checks. */

static void run_case(const struct cfg *c, uint64_t seed_from)
{
	struct obj o;
	gen(&o, c, seed_from);
	check_sections(&o);
	open_dwfl(&o);
	if (c->dwarf)
		check_info_and_lines(&o);
	if (c->cfi) {
		struct cover cv;
		check_cfi(&o, &cv);
		CHECK(cover_full(&cv), "%s: not every frame kind was checked", c->arch);
	}
	close_obj(&o);
}

static void run_arch(const char *arch, int cfi)
{
	for (int dwarf = 4; dwarf <= 5; dwarf++)
		for (int relax = 0; relax <= 1; relax++) {
			struct cfg c = {.arch = arch, .dwarf = dwarf, .cfi = cfi, .relax = relax,
					.funcs = dwarf == 4 ? 32 : 64};
			run_case(&c, 1 + (uint64_t)dwarf * 10 + (uint64_t)relax * 100);
		}
}

static void test_arm64_eh_frame(void **s) { (void)s; run_arch("arm64", 1); }
static void test_arm64_debug_frame(void **s) { (void)s; run_arch("arm64", 2); }
static void test_amd64_eh_frame(void **s) { (void)s; run_arch("amd64", 1); }
static void test_amd64_debug_frame(void **s) { (void)s; run_arch("amd64", 2); }
static void test_riscv64_eh_frame(void **s) { (void)s; run_arch("riscv64", 1); }
static void test_riscv64_debug_frame(void **s) { (void)s; run_arch("riscv64", 2); }

/* The second object of a case: its own CU, lines counting from 1 again. */
static void test_second_object(void **s)
{
	(void)s;
	static const char *const arches[] = {"arm64", "amd64", "riscv64"};
	for (unsigned i = 0; i < 3; i++) {
		struct cfg c = {.arch = arches[i], .dwarf = 5, .cfi = 2, .relax = true, .funcs = 64,
				.objs = 2, .obj = 1};
		struct obj o;
		gen(&o, &c, 7);
		CHECK(o.m.funcs[o.f0].line == 1, "%s: the second object starts at line %u",
		      c.arch, o.m.funcs[o.f0].line);
		check_sections(&o);
		open_dwfl(&o);
		check_info_and_lines(&o);
		struct cover cv;
		check_cfi(&o, &cv);
		close_obj(&o);
	}
}

/* Only what is asked for: no debug info, no CFI, or one without the other. */
static void test_partial_debug(void **s)
{
	(void)s;
	static const char *const arches[] = {"arm64", "amd64", "riscv64"};
	static const int dc[][2] = {{0, 0}, {5, 0}, {4, 0}, {0, 1}, {0, 2}};
	for (unsigned i = 0; i < 3; i++)
		for (unsigned k = 0; k < sizeof dc / sizeof dc[0]; k++) {
			struct cfg c = {.arch = arches[i], .dwarf = dc[k][0], .cfi = dc[k][1],
					.relax = true, .funcs = 32};
			run_case(&c, 3);
		}
}

/* A .text beyond 1.5 GiB: .eh_frame addresses become pcrel sdata8 where
 * the target has a 64-bit PC-relative relocation (arm64, amd64); RISC-V
 * keeps sdata4. The padding is holes, so the object stays small. */
static void test_wide_eh_frame(void **s)
{
	(void)s;
	static const char *const arches[] = {"arm64", "amd64", "riscv64"};
	for (unsigned i = 0; i < 3; i++) {
		struct cfg c = {.arch = arches[i], .dwarf = 5, .cfi = 1, .relax = true, .funcs = 32,
				.size = 2 * GiB};
		struct obj o;
		gen(&o, &c, 5);
		const struct target *t = o.t;
		struct raw r;
		raw_open(&r, o.path);
		size_t ndx;
		CHECK(find_scn(r.e, ".eh_frame", NULL, &ndx), "%s: no .eh_frame", c.arch);
		Elf_Scn *rel = find_rela(r.e, ndx);
		CHECK(rel, "%s: no .rela.eh_frame", c.arch);
		Elf_Data *d = elf_getdata(rel, NULL);
		GElf_Shdr sh;
		gelf_getshdr(rel, &sh);
		unsigned n64 = 0, n32 = 0;
		for (size_t k = 0; k < sh.sh_size / sh.sh_entsize; k++) {
			GElf_Rela ra;
			gelf_getrela(d, (int)k, &ra);
			uint32_t ty = (uint32_t)GELF_R_TYPE(ra.r_info);
			n64 += t->r_prel64 && ty == t->r_prel64;
			n32 += ty == t->r_prel32;
		}
		raw_close(&r);
		uint32_t nf = o.f1 - o.f0;
		if (t->r_prel64)
			CHECK(n64 == nf && n32 == 0, "%s: %u PREL64 and %u PREL32 for %u FDEs",
			      c.arch, n64, n32, nf);
		else
			CHECK(n32 == nf, "%s: %u PREL32 for %u FDEs", c.arch, n32, nf);
		open_dwfl(&o);
		check_info_and_lines(&o);
		/* RISC-V has no 64-bit PC-relative relocation: its sdata4 FDEs
		 * cannot reach code 2 GiB away from .eh_frame, which libdwfl
		 * lays out after all of .text, so its CFI is not read here
		 * (test_riscv64_eh_frame reads it for a smaller .text). */
		if (t->r_prel64) {
			struct cover cv;
			check_cfi(&o, &cv);
			CHECK(cover_full(&cv), "%s: not every frame kind was checked", c.arch);
		}
		close_obj(&o);
	}
}

/* ------------------------------------------------------------------ */
/* RISC-V label differences, through libelf. */

struct pair {
	uint64_t off;     /* in the debug section */
	uint32_t fi;      /* function (index in the model) */
	uint64_t from, to; /* SUB's and ADD's (or SET's) places in it */
};

static int pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

struct relsec {
	const char *name;
	Elf_Data *data; /* of the section relocated */
	GElf_Rela *r;
	size_t n;
	bool *used;
};

static void relsec_load(struct raw *r, const char *name, struct relsec *rs)
{
	memset(rs, 0, sizeof *rs);
	rs->name = name;
	size_t ndx;
	Elf_Scn *s = find_scn(r->e, name, NULL, &ndx);
	CHECK(s, "no %s", name);
	rs->data = elf_getdata(s, NULL);
	Elf_Scn *rel = find_rela(r->e, ndx);
	CHECK(rel, "no relocations for %s", name);
	GElf_Shdr sh;
	gelf_getshdr(rel, &sh);
	CHECK(sh.sh_entsize == sizeof(Elf64_Rela), "%s: entsize", name);
	rs->n = sh.sh_size / sh.sh_entsize;
	rs->r = fc_xcalloc(rs->n + 1, sizeof *rs->r);
	rs->used = fc_xcalloc(rs->n + 1, sizeof *rs->used);
	Elf_Data *d = elf_getdata(rel, NULL);
	for (size_t i = 0; i < rs->n; i++)
		CHECK(gelf_getrela(d, (int)i, &rs->r[i]), "%s: rela %zu", name, i);
}

static void relsec_free(struct relsec *rs)
{
	free(rs->r);
	free(rs->used);
}

static size_t count_type(const struct relsec *rs, uint32_t type)
{
	size_t n = 0;
	for (size_t i = 0; i < rs->n; i++)
		n += GELF_R_TYPE(rs->r[i].r_info) == type;
	return n;
}

/* The function whose section symbol `ndx` is in, as a label: a local
 * NOTYPE symbol (not the function's global, not a section symbol). */
static uint32_t label_func(struct obj *o, struct raw *r, size_t ndx, const char *what,
			   uint64_t *value)
{
	GElf_Sym sym;
	const char *n = raw_sym(r, ndx, &sym);
	CHECK(GELF_ST_BIND(sym.st_info) == STB_LOCAL && GELF_ST_TYPE(sym.st_info) == STT_NOTYPE,
	      "%s: %s names %s, not a local label", o->path, what, n ? n : "(none)");
	size_t shstrndx;
	elf_getshdrstrndx(r->e, &shstrndx);
	GElf_Shdr sh;
	CHECK(gelf_getshdr(elf_getscn(r->e, sym.st_shndx), &sh), "%s: %s: section %u", o->path,
	      what, sym.st_shndx);
	const char *sn = elf_strptr(r->e, shstrndx, sh.sh_name);
	CHECK(sn && !strncmp(sn, ".text.", 6), "%s: %s: label %s in %s", o->path, what, n,
	      sn ? sn : "(none)");
	for (uint32_t fi = o->f0; fi < o->f1; fi++)
		if (!strcmp(sn + 6, o->m.funcs[fi].name)) {
			*value = sym.st_value;
			return fi;
		}
	fail_msg("%s: %s: label %s in %s, not a function's section", o->path, what, n, sn);
	return 0;
}

/* Every `add` relocation of rs with the `sub` at its offset: both labels
 * of one function, no addends. Returns the pairs in offset order. */
static size_t collect_pairs(struct obj *o, struct raw *r, struct relsec *rs, uint32_t add,
			    uint32_t sub, unsigned bytes, uint8_t opcode, struct pair **out)
{
	const struct target *t = o->t;
	struct pair *p = fc_xcalloc(rs->n + 1, sizeof *p);
	size_t np = 0;
	for (size_t i = 0; i < rs->n; i++) {
		if (GELF_R_TYPE(rs->r[i].r_info) != add)
			continue;
		const GElf_Rela *a = &rs->r[i];
		size_t j, found = 0, sj = 0;
		for (j = 0; j < rs->n; j++)
			if (GELF_R_TYPE(rs->r[j].r_info) == sub && rs->r[j].r_offset == a->r_offset) {
				found++;
				sj = j;
			}
		CHECK(found == 1, "%s: %s+%#" PRIx64 ": %s with %zu %s", o->path, rs->name,
		      (uint64_t)a->r_offset, fc_reloc_name(t, add), found, fc_reloc_name(t, sub));
		const GElf_Rela *b = &rs->r[sj];
		CHECK(!rs->used[i] && !rs->used[sj], "%s: %s: relocation used twice", o->path,
		      rs->name);
		rs->used[i] = rs->used[sj] = true;
		CHECK(a->r_addend == 0 && b->r_addend == 0,
		      "%s: %s+%#" PRIx64 ": %s addend %" PRId64 ", %s addend %" PRId64
		      " (labels carry no addends)", o->path, rs->name, (uint64_t)a->r_offset,
		      fc_reloc_name(t, add), (int64_t)a->r_addend, fc_reloc_name(t, sub),
		      (int64_t)b->r_addend);
		uint64_t to, from;
		uint32_t fa = label_func(o, r, GELF_R_SYM(a->r_info), fc_reloc_name(t, add), &to);
		uint32_t fb = label_func(o, r, GELF_R_SYM(b->r_info), fc_reloc_name(t, sub), &from);
		CHECK(fa == fb, "%s: %s+%#" PRIx64 ": labels in %s and %s", o->path, rs->name,
		      (uint64_t)a->r_offset, o->m.funcs[fa].name, o->m.funcs[fb].name);
		/* The field holds nothing of its own: the pair is all of it. */
		CHECK(a->r_offset + bytes <= rs->data->d_size, "%s: offset out of range", rs->name);
		const uint8_t *fld = (const uint8_t *)rs->data->d_buf + a->r_offset;
		for (unsigned k = 0; k < bytes; k++)
			CHECK(fld[k] == 0, "%s: %s+%#" PRIx64 ": the field is not zero", o->path,
			      rs->name, (uint64_t)a->r_offset);
		if (opcode)
			CHECK(a->r_offset > 0 && fld[-1] == opcode,
			      "%s: %s+%#" PRIx64 ": opcode %#x before the field, not %#x", o->path,
			      rs->name, (uint64_t)a->r_offset, a->r_offset ? fld[-1] : 0, opcode);
		p[np++] = (struct pair){a->r_offset, fa, from, to};
	}
	qsort(p, np, sizeof *p, pair_cmp);
	*out = p;
	return np;
}

/* The pairs are, function by function in layout order, exactly `want`. */
struct want_pairs {
	uint64_t from[520], to[520];
	unsigned n;
};

static void match_pairs(struct obj *o, const char *what, const struct pair *p, size_t np,
			void (*want)(struct obj *, uint32_t, struct want_pairs *))
{
	size_t k = 0;
	for (uint32_t fi = o->f0; fi < o->f1; fi++) {
		struct want_pairs w;
		w.n = 0;
		want(o, fi, &w);
		for (unsigned i = 0; i < w.n; i++, k++) {
			CHECK(k < np, "%s: %s: %s: missing pair %u", o->path, what, o->m.funcs[fi].name,
			      i);
			CHECK(p[k].fi == fi && p[k].from == w.from[i] && p[k].to == w.to[i],
			      "%s: %s: pair %zu is %s %#" PRIx64 "..%#" PRIx64 ", expected %s "
			      "%#" PRIx64 "..%#" PRIx64, o->path, what, k, o->m.funcs[p[k].fi].name,
			      p[k].from, p[k].to, o->m.funcs[fi].name, w.from[i], w.to[i]);
		}
	}
	CHECK(k == np, "%s: %s: %zu pairs, expected %zu", o->path, what, np, k);
}

static void want_line(struct obj *o, uint32_t fi, struct want_pairs *w)
{
	struct erow rows[520];
	uint32_t last;
	unsigned n = expected_rows(&o->m, fi, rows, &last);
	for (unsigned i = 0; i + 1 < n; i++) {
		w->from[w->n] = rows[i].off;
		w->to[w->n++] = rows[i + 1].off;
	}
	w->from[w->n] = rows[n - 1].off;
	w->to[w->n++] = o->m.funcs[fi].code;
}

static void want_range(struct obj *o, uint32_t fi, struct want_pairs *w)
{
	w->from[w->n] = 0;
	w->to[w->n++] = o->m.funcs[fi].code;
}

/* DW_CFA_advance_loc4 from the last prologue step to the epilogue, in
 * each function that has an epilogue to describe. */
static void want_advance(struct obj *o, uint32_t fi, struct want_pairs *w)
{
	struct steps s;
	steps_of(o->t, &o->m.funcs[fi], &s);
	if (!s.nepi)
		return;
	w->from[w->n] = s.npro ? s.pro[s.npro - 1].after : 0;
	w->to[w->n++] = o->m.funcs[fi].epi;
}

/* Every relocation of the section is of `types` (0-terminated). */
static void only_types(struct obj *o, const struct relsec *rs, const uint32_t *types)
{
	for (size_t i = 0; i < rs->n; i++) {
		uint32_t ty = (uint32_t)GELF_R_TYPE(rs->r[i].r_info);
		bool ok = false;
		for (const uint32_t *p = types; *p; p++)
			ok |= ty == *p;
		CHECK(ok, "%s: %s+%#" PRIx64 ": unexpected %s", o->path, rs->name,
		      (uint64_t)rs->r[i].r_offset, fc_reloc_name(o->t, ty));
	}
}

static void check_riscv_relocs(int dwarf, int cfi, bool relax)
{
	struct cfg c = {.arch = "riscv64", .dwarf = dwarf, .cfi = cfi, .relax = relax, .funcs = 48};
	struct obj o;
	gen(&o, &c, 11);
	const struct target *t = o.t;
	struct raw r;
	raw_open(&r, o.path);
	uint32_t nf = o.f1 - o.f0;
	struct relsec rs;
	struct pair *p;
	size_t np;

	/* .debug_line: DW_LNE_set_address per function, then a
	 * DW_LNS_fixed_advance_pc ADD16/SUB16 per row and to the end. */
	relsec_load(&r, ".debug_line", &rs);
	CHECK(count_type(&rs, t->r_abs64) == nf, "%u set_address for %u functions",
	      (unsigned)count_type(&rs, t->r_abs64), nf);
	if (relax) {
		np = collect_pairs(&o, &r, &rs, t->r_add16, t->r_sub16, 2, DW_LNS_fixed_advance_pc,
				   &p);
		CHECK(np > nf, "only %zu ADD16/SUB16 pairs", np);
		match_pairs(&o, ".debug_line ADD16/SUB16", p, np, want_line);
		free(p);
		const uint32_t ok[] = {t->r_abs64, t->r_add16, t->r_sub16, 0};
		only_types(&o, &rs, ok);
	} else {
		const uint32_t ok[] = {t->r_abs64, 0};
		only_types(&o, &rs, ok);
	}
	relsec_free(&rs);

	/* .debug_info: high_pc as ADD32/SUB32 of the end and the entry. */
	relsec_load(&r, ".debug_info", &rs);
	if (relax) {
		np = collect_pairs(&o, &r, &rs, t->r_add32, t->r_sub32, 4, 0, &p);
		match_pairs(&o, ".debug_info ADD32/SUB32", p, np, want_range);
		free(p);
		const uint32_t ok[] = {t->r_abs64, t->r_abs32, t->r_add32, t->r_sub32, 0};
		only_types(&o, &rs, ok);
	} else {
		const uint32_t ok[] = {t->r_abs64, t->r_abs32, 0};
		only_types(&o, &rs, ok);
	}
	relsec_free(&rs);

	/* The CFI: pc_range ADD32/SUB32 (.eh_frame) or ADD64/SUB64
	 * (.debug_frame); DW_CFA_advance_loc4 into the epilogue SET32/SUB32. */
	relsec_load(&r, cfi == 1 ? ".eh_frame" : ".debug_frame", &rs);
	uint32_t radd = cfi == 1 ? t->r_add32 : t->r_add64;
	uint32_t rsub = cfi == 1 ? t->r_sub32 : t->r_sub64;
	if (relax) {
		np = collect_pairs(&o, &r, &rs, radd, rsub, cfi == 1 ? 4 : 8, 0, &p);
		match_pairs(&o, "pc_range", p, np, want_range);
		free(p);
		np = collect_pairs(&o, &r, &rs, t->r_set32, t->r_sub32, 4, DW_CFA_advance_loc4, &p);
		size_t framed = 0;
		for (uint32_t fi = o.f0; fi < o.f1; fi++)
			framed += o.m.funcs[fi].frame != FC_FRAME_NONE;
		CHECK(np == framed && framed > 0, "%zu advance_loc4 for %zu framed functions", np,
		      framed);
		match_pairs(&o, "DW_CFA_advance_loc4 SET32/SUB32", p, np, want_advance);
		free(p);
		CHECK(count_type(&rs, t->r_add32) == (cfi == 1 ? nf : 0),
		      "ADD32 where SET32 belongs");
		for (size_t i = 0; i < rs.n; i++)
			CHECK(rs.used[i] || (GELF_R_TYPE(rs.r[i].r_info) != t->r_sub32 &&
					     GELF_R_TYPE(rs.r[i].r_info) != t->r_sub64),
			      "%s: a SUB without its pair", rs.name);
	}
	if (cfi == 1) {
		const uint32_t ok[] = {t->r_prel32, t->r_add32, t->r_sub32, t->r_set32, 0};
		const uint32_t ok_norelax[] = {t->r_prel32, 0};
		only_types(&o, &rs, relax ? ok : ok_norelax);
		CHECK(count_type(&rs, t->r_prel32) == nf, "pc_begin PREL32 count");
	} else {
		const uint32_t ok[] = {t->r_abs32, t->r_abs64, t->r_add64, t->r_sub64, t->r_set32,
				       t->r_sub32, 0};
		const uint32_t ok_norelax[] = {t->r_abs32, t->r_abs64, 0};
		only_types(&o, &rs, relax ? ok : ok_norelax);
		CHECK(count_type(&rs, t->r_abs64) == nf, "pc_begin ABS64 count");
	}
	relsec_free(&rs);
	raw_close(&r);

	/* And the pairs, applied by libdwfl (and for .eh_frame here), say the
	 * right lines and frames. */
	open_dwfl(&o);
	check_info_and_lines(&o);
	struct cover cv;
	check_cfi(&o, &cv);
	close_obj(&o);
}

static void test_riscv64_relax_relocs(void **s)
{
	(void)s;
	for (int dwarf = 4; dwarf <= 5; dwarf++)
		for (int cfi = 1; cfi <= 2; cfi++)
			check_riscv_relocs(dwarf, cfi, true);
}

static void test_riscv64_norelax_relocs(void **s)
{
	(void)s;
	check_riscv_relocs(5, 1, false);
	check_riscv_relocs(4, 2, false);
}

/* Relaxation is a RISC-V matter: elsewhere relax changes nothing in the
 * debug sections (no ADD/SUB relocations exist to use). */
static void test_relax_elsewhere_is_constant(void **s)
{
	(void)s;
	static const char *const arches[] = {"arm64", "amd64"};
	for (unsigned i = 0; i < 2; i++) {
		struct cfg c = {.arch = arches[i], .dwarf = 5, .cfi = 1, .relax = true, .funcs = 32};
		struct obj o;
		gen(&o, &c, 13);
		const struct target *t = o.t;
		struct raw r;
		raw_open(&r, o.path);
		struct relsec rs;
		relsec_load(&r, ".debug_line", &rs);
		const uint32_t ok_line[] = {t->r_abs64, 0};
		only_types(&o, &rs, ok_line);
		relsec_free(&rs);
		relsec_load(&r, ".eh_frame", &rs);
		const uint32_t ok_eh[] = {t->r_prel32, 0};
		only_types(&o, &rs, ok_eh);
		relsec_free(&rs);
		raw_close(&r);
		close_obj(&o);
	}
}

/* ------------------------------------------------------------------ */
/* Determinism. */

static void same_bytes(const char *a, const char *b)
{
	size_t la, lb;
	char *x = fc_read_file(a, &la), *y = fc_read_file(b, &lb);
	CHECK(x && y, "cannot read %s or %s", a, b);
	CHECK(la == lb, "%s is %zu bytes, %s %zu", a, la, b, lb);
	size_t i = 0;
	while (i < la && x[i] == y[i])
		i++;
	CHECK(i == la, "%s and %s differ at byte %#zx", a, b, i);
	free(x);
	free(y);
}

static void test_deterministic(void **s)
{
	(void)s;
	static const struct cfg cs[] = {
		{"arm64", 5, 1, false, 48, 0, 0, 0},
		{"arm64", 4, 2, false, 48, 0, 0, 0},
		{"amd64", 5, 1, false, 48, 0, 0, 0},
		{"amd64", 4, 2, false, 48, 0, 0, 0},
		{"riscv64", 5, 1, true, 48, 0, 0, 0},
		{"riscv64", 4, 2, true, 48, 0, 0, 0},
		{"riscv64", 5, 2, false, 48, 0, 0, 0},
	};
	for (unsigned i = 0; i < sizeof cs / sizeof cs[0]; i++) {
		struct obj a;
		gen(&a, &cs[i], 17);
		/* The same model again, elsewhere. */
		char *d2 = make_tmpdir();
		CHECK(fc_write_object(d2, &a.m, 0, NULL, NULL) == 0, "second write failed");
		char *p2 = fc_xasprintf("%s/%s", d2, a.m.objs[0]);
		same_bytes(a.path, p2);
		/* A model built afresh from the same options and seed. */
		struct fc_manifest m2 = {0};
		struct fc_gen_opts go = opts_of(&cs[i], a.seed);
		CHECK(fc_model_build(&go, &m2) == 0, "fc_model_build failed");
		char *d3 = make_tmpdir();
		CHECK(fc_write_object(d3, &m2, 0, NULL, NULL) == 0, "third write failed");
		char *p3 = fc_xasprintf("%s/%s", d3, m2.objs[0]);
		same_bytes(a.path, p3);
		fc_manifest_free(&m2);
		free(p2);
		free(p3);
		remove_tmpdir(d2);
		remove_tmpdir(d3);
		close_obj(&a);
	}
}

/* Rows as dwarf_getsrclines hands them over: by address, sequences merged;
 * an end carries its sequence's last line. One source file (0). */
#define R(a, ln) {a, ln, 0, false}
#define E(a, ln) {a, ln, 0, true}
#define FN(lo, hi, name, cu, decl) {lo, hi, name, cu, decl, 0, 0}

static void unit_lines(struct fc_lines *l, struct fc_line_fn *f, size_t nf, uint32_t cu,
		       const struct fc_line_row *r, size_t n)
{
	fc_lines_add_unit(l, f, nf, cu, r, n);
	fc_lines_sort(l);
}

/* The first address of [lo, hi) (by 2: RVC) no span covers, or 0. */
static uint64_t uncovered(const struct fc_lines *l, uint64_t lo, uint64_t hi)
{
	for (uint64_t a = lo; a < hi; a += 2)
		if (!fc_lines_at(l, a))
			return a;
	return 0;
}

static void want_overrun(const struct fc_lines *l, size_t i, const char *msg)
{
	char buf[256];
	CHECK(i < l->noverruns, "overrun %zu missing, want '%s'", i, msg);
	fc_line_overrun_fmt(&l->overruns[i], buf, sizeof buf);
	CHECK(!strcmp(buf, msg), "overrun %zu: '%s', want '%s'", i, buf, msg);
}

/* Issue 9's binary (ld.lld 19): caller's sequence ends 12 bytes into
 * _start, its end among _start's rows. */
static void test_lines_overrun_next(void **s)
{
	(void)s;
	struct fc_line_fn f[] = {FN(0x11190, 0x111a4, "leaf", 0, 2),
				 FN(0x111a4, 0x111b2, "other", 0, 3),
				 FN(0x111b2, 0x111e0, "caller", 0, 4),
				 FN(0x111e0, 0x111f8, "_start", 0, 5)};
	static const struct fc_line_row r[] = {
		R(0x11190, 2), R(0x11190, 2), R(0x1119a, 2), R(0x111a0, 2), R(0x111a2, 2),
		E(0x111a4, 2), R(0x111a4, 3), R(0x111a4, 3), R(0x111ae, 3), R(0x111b0, 3),
		E(0x111b2, 3), R(0x111b2, 4), R(0x111bc, 4), R(0x111c6, 4), R(0x111ca, 4),
		R(0x111d2, 4), R(0x111d4, 4), R(0x111d8, 4), R(0x111e0, 4), R(0x111e0, 6),
		R(0x111e2, 4), R(0x111e2, 7), E(0x111ec, 4), R(0x111f0, 7), R(0x111f8, 7),
		R(0x111fa, 8), E(0x111fc, 8)};
	struct fc_lines l = {0};
	unit_lines(&l, f, 4, 0, r, sizeof r / sizeof *r);
	CHECK(l.noverruns == 1, "%zu overruns, want 1", l.noverruns);
	want_overrun(&l, 0, "caller: its line sequence ends 0xc bytes past its end (0x111ec), into _start");
	const struct fc_line_overrun *o = &l.overruns[0];
	CHECK(o->owner_lo == 0x111b2 && o->owner_hi == 0x111e0 && o->seq_end == 0x111ec &&
	      o->into_lo == 0x111e0 && o->over == 1, "overrun fields wrong");
	uint64_t a = uncovered(&l, 0x11190, 0x111f8);
	CHECK(!a, "0x%" PRIx64 " has no row", a);
	/* _start's own row, not caller's end, covers past 0x111ec. */
	const struct fc_line_span *sp = fc_lines_at(&l, 0x111ee);
	CHECK(sp && sp->line == 7, "0x111ee: line %d, want 7", sp ? sp->line : -1);
	fc_lines_free(&l);
}

/* The same program in two units: caller's (unit 0) rows in _start (unit
 * 1) are dropped, not only its end. */
static void test_lines_overrun_other_unit(void **s)
{
	(void)s;
	struct fc_line_fn f[] = {FN(0x11200, 0x11214, "leaf", 0, 2),
				 FN(0x11214, 0x11242, "caller", 0, 3),
				 FN(0x11242, 0x1125a, "_start", 1, 3)};
	static const struct fc_line_row u0[] = {
		R(0x11200, 2), R(0x1120a, 2), R(0x11212, 2), E(0x11214, 2), R(0x11214, 3),
		R(0x1121e, 3), R(0x1123a, 3), R(0x11244, 3), R(0x1124a, 3), E(0x1124e, 3)};
	static const struct fc_line_row u1[] = {R(0x11242, 4), R(0x11244, 5), R(0x11252, 5),
						R(0x1125c, 6), E(0x1125e, 6)};
	struct fc_lines l = {0};
	fc_lines_add_unit(&l, f, 3, 0, u0, sizeof u0 / sizeof *u0);
	fc_lines_add_unit(&l, f, 3, 1, u1, sizeof u1 / sizeof *u1);
	fc_lines_sort(&l);
	CHECK(l.noverruns == 1, "%zu overruns, want 1", l.noverruns);
	want_overrun(&l, 0, "caller: its line sequence ends 0xc bytes past its end (0x1124e), into _start");
	for (size_t i = 0; i < l.nspans; i++)
		CHECK(l.spans[i].line != 3 || l.spans[i].hi <= 0x11242,
		      "caller's row covers [0x%" PRIx64 ", 0x%" PRIx64 ") of _start", l.spans[i].lo,
		      l.spans[i].hi);
	uint64_t a = uncovered(&l, 0x11200, 0x1125a);
	CHECK(!a, "0x%" PRIx64 " has no row", a);
	fc_lines_free(&l);
}

/* fanout's eight relaxed calls take its sequence over tiny and 2 bytes
 * past after, whose own end follows: two ends with no row between, told
 * apart by their lines (ld.lld 19's binary, from _start on). */
static void test_lines_overrun_two_ends(void **s)
{
	(void)s;
	struct fc_line_fn f[] = {FN(0x11190, 0x111a4, "leaf", 0, 3),
				 FN(0x111a4, 0x111d2, "caller", 0, 4),
				 FN(0x111d2, 0x111f8, "_start", 0, 5),
				 FN(0x111f8, 0x11258, "fanout", 0, 11),
				 FN(0x11258, 0x1125c, "tiny", 0, 16),
				 FN(0x1125c, 0x11276, "after", 0, 17)};
	static const struct fc_line_row r[] = {
		R(0x11190, 3), R(0x11190, 3), R(0x1119a, 3), R(0x111a0, 3), R(0x111a2, 3),
		E(0x111a4, 3), R(0x111a4, 4), R(0x111ae, 4), R(0x111b8, 4), R(0x111bc, 4),
		R(0x111c4, 4), R(0x111c6, 4), R(0x111ca, 4), R(0x111d2, 4), R(0x111d2, 6),
		R(0x111d4, 4), R(0x111d4, 7), E(0x111de, 4), R(0x111e4, 7), R(0x111ec, 7),
		R(0x111ee, 7), R(0x111f0, 7), R(0x111f8, 12), R(0x111fa, 7), R(0x111fc, 7),
		R(0x111fe, 8), E(0x11200, 8), R(0x11202, 13), R(0x1120c, 13), R(0x11210, 13),
		R(0x11218, 13), R(0x1121a, 13), R(0x1121e, 13), R(0x11226, 13), R(0x11228, 13),
		R(0x1122c, 13), R(0x11234, 13), R(0x11236, 13), R(0x1123a, 13), R(0x11242, 13),
		R(0x11244, 13), R(0x11248, 13), R(0x11250, 13), R(0x11252, 14), R(0x11256, 14),
		R(0x11258, 16), R(0x11258, 16), R(0x1125a, 16), E(0x1125c, 16), R(0x1125c, 17),
		R(0x1125e, 13), R(0x1125e, 17), R(0x11260, 14), R(0x11264, 14), R(0x11268, 17),
		R(0x1126c, 14), R(0x1126e, 13), R(0x11272, 17), R(0x11274, 17), E(0x11278, 13),
		E(0x1127a, 17)};
	struct fc_lines l = {0};
	unit_lines(&l, f, 6, 0, r, sizeof r / sizeof *r);
	CHECK(l.noverruns == 3, "%zu overruns, want 3", l.noverruns);
	want_overrun(&l, 0, "caller: its line sequence ends 0xc bytes past its end (0x111de), into _start");
	want_overrun(&l, 1, "_start: its line sequence ends 0x8 bytes past its end (0x11200), into fanout");
	want_overrun(&l, 2, "fanout: its line sequence ends 0x20 bytes past its end (0x11278), into tiny "
			    "and 1 function after it");
	uint64_t a = uncovered(&l, 0x11190, 0x11276);
	CHECK(!a, "0x%" PRIx64 " has no row", a);
	fc_lines_free(&l);
	/* Not knowing where they are declared, which end is whose is a
	 * guess; that fanout runs over tiny into after is not. */
	for (size_t i = 0; i < 6; i++)
		f[i].decl_line = 0, f[i].seq = 0;
	unit_lines(&l, f, 6, 0, r, sizeof r / sizeof *r);
	CHECK(l.noverruns == 3, "no decl: %zu overruns, want 3", l.noverruns);
	const struct fc_line_overrun *o = &l.overruns[2];
	CHECK(o->owner && !strcmp(o->owner, "fanout") && o->into && !strcmp(o->into, "tiny") &&
	      o->over == 2 && (o->seq_end == 0x11278 || o->seq_end == 0x1127a),
	      "no decl: fanout's overrun not found");
	a = uncovered(&l, 0x11190, 0x11276);
	CHECK(!a, "no decl: 0x%" PRIx64 " has no row", a);
	fc_lines_free(&l);
}

/* What is no overrun. */
static void test_lines_no_overrun(void **s)
{
	(void)s;
	struct fc_lines l = {0};
	uint64_t a;
	/* Past caller's end, short of _start (aligned to 64): padding. */
	struct fc_line_fn pad[] = {FN(0x111d4, 0x11202, "caller", 0, 3),
				   FN(0x11240, 0x11258, "_start", 0, 4)};
	static const struct fc_line_row rpad[] = {R(0x111d4, 3), R(0x111f0, 3), E(0x1120e, 3),
						  R(0x11240, 4), R(0x11250, 5), E(0x11258, 5)};
	unit_lines(&l, pad, 2, 0, rpad, 6);
	CHECK(l.noverruns == 0, "padding: %zu overruns", l.noverruns);
	a = uncovered(&l, 0x111d4, 0x11258);
	CHECK(a >= 0x11202 && a < 0x11240, "padding: 0x%" PRIx64 " has no row", a);
	fc_lines_free(&l);
	/* One sequence over three functions (no -ffunction-sections). */
	struct fc_line_fn one[] = {FN(0x100, 0x110, "f", 0, 1), FN(0x110, 0x120, "g", 0, 4),
				   FN(0x120, 0x130, "h", 0, 8)};
	static const struct fc_line_row rone[] = {R(0x100, 1), R(0x108, 2), R(0x110, 5),
						  R(0x118, 6), R(0x120, 9), R(0x12c, 10),
						  E(0x130, 10)};
	unit_lines(&l, one, 3, 0, rone, 7);
	CHECK(l.noverruns == 0, "one sequence: %zu overruns", l.noverruns);
	a = uncovered(&l, 0x100, 0x130);
	CHECK(!a, "one sequence: 0x%" PRIx64 " has no row", a);
	fc_lines_free(&l);
	/* k's sequence moved past everything (fc-debug-patch lines), after
	 * one over f, g and h: k has no row, and nobody an overrun. */
	struct fc_line_fn moved[] = {FN(0x100, 0x110, "f", 0, 1), FN(0x110, 0x120, "g", 0, 4),
				     FN(0x120, 0x130, "h", 0, 8), FN(0x130, 0x140, "k", 0, 12)};
	static const struct fc_line_row rmoved[] = {R(0x100, 1), R(0x110, 5), R(0x120, 9),
						    E(0x130, 10), R(0x900000, 13),
						    R(0x900008, 14), E(0x900010, 14)};
	unit_lines(&l, moved, 4, 0, rmoved, 7);
	CHECK(l.noverruns == 0, "moved: %zu overruns", l.noverruns);
	a = uncovered(&l, 0x100, 0x140);
	CHECK(a == 0x130, "moved: 0x%" PRIx64 " is the first without a row, want 0x130", a);
	fc_lines_free(&l);
	/* f's own sequence stops short of its end: a gap of f's, only. */
	struct fc_line_fn shortf[] = {FN(0x100, 0x120, "f", 0, 1), FN(0x120, 0x130, "g", 0, 4)};
	static const struct fc_line_row rshort[] = {R(0x100, 1), R(0x108, 2), E(0x118, 2),
						    R(0x120, 5), E(0x130, 6)};
	unit_lines(&l, shortf, 2, 0, rshort, 5);
	CHECK(l.noverruns == 0, "short: %zu overruns", l.noverruns);
	a = uncovered(&l, 0x100, 0x130);
	CHECK(a == 0x118, "short: 0x%" PRIx64 " is the first without a row, want 0x118", a);
	fc_lines_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arm64_eh_frame),
		cmocka_unit_test(test_arm64_debug_frame),
		cmocka_unit_test(test_amd64_eh_frame),
		cmocka_unit_test(test_amd64_debug_frame),
		cmocka_unit_test(test_riscv64_eh_frame),
		cmocka_unit_test(test_riscv64_debug_frame),
		cmocka_unit_test(test_second_object),
		cmocka_unit_test(test_partial_debug),
		cmocka_unit_test(test_wide_eh_frame),
		cmocka_unit_test(test_riscv64_relax_relocs),
		cmocka_unit_test(test_riscv64_norelax_relocs),
		cmocka_unit_test(test_relax_elsewhere_is_constant),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_lines_overrun_next),
		cmocka_unit_test(test_lines_overrun_other_unit),
		cmocka_unit_test(test_lines_overrun_two_ends),
		cmocka_unit_test(test_lines_no_overrun),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
