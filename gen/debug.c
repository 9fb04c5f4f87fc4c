/* DWARF and CFI writers. The formats: DWARF 4 and 5 (dwarfstd.org), the
 * .eh_frame of the LSB and the x86-64 psABI. Everything a linker must
 * relocate is a relocation; everything else is computed here. */
#define _GNU_SOURCE
#include "debug.h"

#include <dwarf.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

static void uleb(struct fc_code *c, uint64_t v)
{
	do {
		uint8_t b = v & 0x7f;
		v >>= 7;
		if (v)
			b |= 0x80;
		fc_code_put(c, &b, 1);
	} while (v);
}

static void sleb(struct fc_code *c, int64_t v)
{
	for (;;) {
		uint8_t b = v & 0x7f;
		v >>= 7;
		bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
		if (!done)
			b |= 0x80;
		fc_code_put(c, &b, 1);
		if (done)
			break;
	}
}

static void u8(struct fc_code *c, uint8_t v)
{
	fc_code_put(c, &v, 1);
}

static void rel(struct fc_dbg_sec *s, uint32_t type, enum fc_dref ref, uint32_t a, uint32_t b,
		int64_t addend)
{
	if (s->nrel == s->cap)
		s->rel = fc_xrealloc(s->rel, (s->cap = s->cap * 2 + 64) * sizeof *s->rel);
	s->rel[s->nrel++] = (struct fc_dbg_rel){(uint32_t)s->c.len, type, (uint8_t)ref, a, b, addend};
}

/* A distance between two places of function fi that linker relaxation may
 * change: ADD(to) - SUB(from) over a field of `bytes`, or the constant when
 * nothing moves. `from` and `to` are labels; FUNC_ENTRY is the symbol. */
#define FUNC_ENTRY UINT32_MAX

static void distance_op(const struct target *t, struct fc_dbg_sec *s, bool relax, uint32_t fi,
			uint32_t from_label, int64_t from_add, uint32_t to_label, uint64_t value,
			unsigned bytes, bool set)
{
	uint32_t add = bytes == 2 ? t->r_add16 : bytes == 4 ? (set ? t->r_set32 : t->r_add32)
					       : t->r_add64;
	uint32_t sub = bytes == 2 ? t->r_sub16 : bytes == 4 ? t->r_sub32 : t->r_sub64;
	if (relax && add && sub) {
		rel(s, add, FC_DREF_LABEL, fi, to_label, 0);
		if (from_label == FUNC_ENTRY)
			rel(s, sub, FC_DREF_FUNC, fi, 0, from_add);
		else
			rel(s, sub, FC_DREF_LABEL, fi, from_label, from_add);
		value = 0;
	}
	if (bytes == 2)
		fc_code_put16(&s->c, (uint16_t)value);
	else if (bytes == 4)
		fc_code_put32(&s->c, (uint32_t)value);
	else
		fc_code_put64(&s->c, value);
}

static void distance(const struct target *t, struct fc_dbg_sec *s, bool relax, uint32_t fi,
		     uint32_t from_label, int64_t from_add, uint32_t to_label, uint64_t value,
		     unsigned bytes)
{
	distance_op(t, s, relax, fi, from_label, from_add, to_label, value, bytes, false);
}

static uint32_t str(struct fc_dbg *d, const char *s)
{
	struct fc_code *c = &d->sec[FC_DS_STR].c;
	uint32_t off = (uint32_t)c->len;
	fc_code_put(c, s, strlen(s) + 1);
	return off;
}

static void strp(const struct target *t, struct fc_dbg *d, const char *s)
{
	uint32_t off = str(d, s);
	struct fc_dbg_sec *info = &d->sec[FC_DS_INFO];
	rel(info, t->r_abs32, FC_DREF_SECTION, FC_DS_STR, 0, off);
	fc_code_put32(&info->c, 0);
}

static void build_abbrev(struct fc_code *c)
{
	uleb(c, 1);
	uleb(c, DW_TAG_compile_unit);
	u8(c, DW_CHILDREN_yes);
	uleb(c, DW_AT_producer); uleb(c, DW_FORM_strp);
	uleb(c, DW_AT_language); uleb(c, DW_FORM_data2);
	uleb(c, DW_AT_name); uleb(c, DW_FORM_strp);
	uleb(c, DW_AT_comp_dir); uleb(c, DW_FORM_strp);
	uleb(c, DW_AT_stmt_list); uleb(c, DW_FORM_sec_offset);
	uleb(c, 0); uleb(c, 0);
	uleb(c, 2);
	uleb(c, DW_TAG_subprogram);
	u8(c, DW_CHILDREN_no);
	uleb(c, DW_AT_name); uleb(c, DW_FORM_strp);
	uleb(c, DW_AT_decl_file); uleb(c, DW_FORM_data1);
	uleb(c, DW_AT_decl_line); uleb(c, DW_FORM_data4);
	uleb(c, DW_AT_low_pc); uleb(c, DW_FORM_addr);
	uleb(c, DW_AT_high_pc); uleb(c, DW_FORM_data4);
	uleb(c, DW_AT_external); uleb(c, DW_FORM_flag_present);
	uleb(c, 0); uleb(c, 0);
	uleb(c, 0);
}

static void build_info(const struct target *t, struct fc_dbg *d, int v, bool relax,
		       const char *cu_name, const struct fc_dbg_func *f, unsigned n)
{
	struct fc_dbg_sec *s = &d->sec[FC_DS_INFO];
	struct fc_code *c = &s->c;
	fc_code_put32(c, 0); /* unit_length, below */
	fc_code_put16(c, (uint16_t)v);
	if (v >= 5) {
		u8(c, DW_UT_compile);
		u8(c, 8);
	}
	rel(s, t->r_abs32, FC_DREF_SECTION, FC_DS_ABBREV, 0, 0);
	fc_code_put32(c, 0);
	if (v < 5)
		u8(c, 8);
	uleb(c, 1);
	strp(t, d, "farcall gen");
	fc_code_put16(c, DW_LANG_C11);
	strp(t, d, cu_name);
	strp(t, d, "/farcall");
	rel(s, t->r_abs32, FC_DREF_SECTION, FC_DS_LINE, 0, 0);
	fc_code_put32(c, 0);
	for (unsigned i = 0; i < n; i++) {
		uleb(c, 2);
		strp(t, d, f[i].name);
		u8(c, 1); /* the one file: entry 1 (DWARF 5 lists it as 0 and 1, as GCC does) */
		fc_code_put32(c, f[i].line);
		rel(s, t->r_abs64, FC_DREF_FUNC, i, 0, 0);
		fc_code_put64(c, 0);
		distance(t, s, relax, i, FUNC_ENTRY, 0, f[i].end_label, f[i].code_len, 4);
	}
	uleb(c, 0);
	uint32_t len = (uint32_t)c->len - 4;
	memcpy(c->buf, &len, 4);
}

static void build_line(const struct target *t, struct fc_dbg *d, int v, bool relax,
		       const char *cu_name, const struct fc_dbg_func *f, unsigned n)
{
	struct fc_dbg_sec *s = &d->sec[FC_DS_LINE];
	struct fc_code *c = &s->c;
	static const uint8_t std_lengths[12] = {0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1};
	fc_code_put32(c, 0); /* unit_length */
	fc_code_put16(c, (uint16_t)v);
	if (v >= 5) {
		u8(c, 8); /* address_size */
		u8(c, 0); /* segment_selector_size */
	}
	size_t hl = c->len;
	fc_code_put32(c, 0); /* header_length */
	u8(c, 1);            /* minimum_instruction_length */
	u8(c, 1);            /* maximum_operations_per_instruction */
	u8(c, 1);            /* default_is_stmt */
	u8(c, (uint8_t)-5);  /* line_base */
	u8(c, 14);           /* line_range */
	u8(c, 13);           /* opcode_base */
	fc_code_put(c, std_lengths, sizeof std_lengths);
	if (v >= 5) {
		u8(c, 1); /* directory_entry_format_count */
		uleb(c, DW_LNCT_path); uleb(c, DW_FORM_string);
		uleb(c, 1);
		fc_code_put(c, "/farcall", 9);
		u8(c, 2); /* file_name_entry_format_count */
		uleb(c, DW_LNCT_path); uleb(c, DW_FORM_string);
		uleb(c, DW_LNCT_directory_index); uleb(c, DW_FORM_udata);
		/* The primary file is entry 0; it is entry 1 as well, since a
		 * DW_AT_decl_file of 0 means "no file" to consumers (libdw). */
		uleb(c, 2);
		fc_code_put(c, cu_name, strlen(cu_name) + 1);
		uleb(c, 0);
		fc_code_put(c, cu_name, strlen(cu_name) + 1);
		uleb(c, 0);
	} else {
		u8(c, 0); /* no include_directories */
		fc_code_put(c, cu_name, strlen(cu_name) + 1);
		uleb(c, 0); uleb(c, 0); uleb(c, 0);
		u8(c, 0);
	}
	uint32_t hlen = (uint32_t)(c->len - hl - 4);
	memcpy(c->buf + hl, &hlen, 4);
	for (unsigned i = 0; i < n; i++) {
		const struct fc_dbg_func *fn = &f[i];
		/* DW_LNE_set_address fn */
		u8(c, 0); uleb(c, 9); u8(c, DW_LNE_set_address);
		rel(s, t->r_abs64, FC_DREF_FUNC, i, 0, 0);
		fc_code_put64(c, 0);
		int64_t line = 1;
		uint32_t prev_off = 0, prev_label = FUNC_ENTRY;
		for (unsigned k = 0; k < fn->nrows; k++) {
			const struct fc_dbg_row *r = &fn->rows[k];
			if (k) {
				if (relax && t->r_add16) {
					u8(c, DW_LNS_fixed_advance_pc);
					distance(t, s, true, i, prev_label, 0, r->label, 0, 2);
				} else {
					u8(c, DW_LNS_advance_pc);
					uleb(c, r->off - prev_off);
				}
			}
			u8(c, DW_LNS_advance_line);
			sleb(c, (int64_t)r->line - line);
			line = r->line;
			u8(c, DW_LNS_copy);
			prev_off = r->off;
			prev_label = k ? r->label : FUNC_ENTRY;
		}
		if (relax && t->r_add16) {
			u8(c, DW_LNS_fixed_advance_pc);
			distance(t, s, true, i, prev_label, 0, fn->end_label, 0, 2);
		} else {
			u8(c, DW_LNS_advance_pc);
			uleb(c, fn->code_len - prev_off);
		}
		u8(c, 0); uleb(c, 1); u8(c, DW_LNE_end_sequence);
	}
	uint32_t len = (uint32_t)c->len - 4;
	memcpy(c->buf, &len, 4);
}

/* CFA rules from one step to the next. */
static void cfa_changes(const struct target *t, struct fc_code *c, const struct fc_cfa_step *was,
			const struct fc_cfa_step *now)
{
	if (now->cfa != was->cfa) {
		u8(c, DW_CFA_def_cfa_offset);
		uleb(c, (uint64_t)now->cfa);
	}
	if (now->ra != was->ra) {
		if (now->ra) {
			u8(c, (uint8_t)(DW_CFA_offset | t->dwarf_ra_column));
			uleb(c, (uint64_t)(now->ra / -8));
		} else {
			u8(c, (uint8_t)(DW_CFA_restore | t->dwarf_ra_column));
		}
	}
	if (now->fp != was->fp) {
		if (now->fp) {
			u8(c, (uint8_t)(DW_CFA_offset | t->dwarf_fp));
			uleb(c, (uint64_t)(now->fp / -8));
		} else {
			u8(c, (uint8_t)(DW_CFA_restore | t->dwarf_fp));
		}
	}
}

static void advance(struct fc_code *c, uint32_t delta)
{
	if (!delta)
		return;
	if (delta < 64) {
		u8(c, (uint8_t)(DW_CFA_advance_loc | delta));
	} else if (delta < 256) {
		u8(c, DW_CFA_advance_loc1);
		u8(c, (uint8_t)delta);
	} else if (delta < 65536) {
		u8(c, DW_CFA_advance_loc2);
		fc_code_put16(c, (uint16_t)delta);
	} else {
		u8(c, DW_CFA_advance_loc4);
		fc_code_put32(c, delta);
	}
}

static void pad8(struct fc_code *c, size_t start)
{
	while ((c->len - start) % 8)
		u8(c, DW_CFA_nop);
}

static void build_frame(const struct target *t, struct fc_dbg *d, enum fc_cfi_kind cfi,
			bool relax, bool wide, const struct fc_dbg_func *f, unsigned n)
{
	wide = wide && t->r_prel64;
	struct fc_dbg_sec *s = &d->sec[FC_DS_FRAME];
	struct fc_code *c = &s->c;
	bool eh = cfi == FC_CFI_EH;
	s->name = eh ? ".eh_frame" : ".debug_frame";
	s->alloc = eh;
	/* CIE */
	size_t cie = c->len;
	fc_code_put32(c, 0);
	fc_code_put32(c, eh ? 0 : 0xffffffffu);
	u8(c, 1); /* version */
	if (eh)
		fc_code_put(c, "zR", 3);
	else
		u8(c, 0);
	uleb(c, 1);  /* code_alignment_factor */
	sleb(c, -8); /* data_alignment_factor */
	u8(c, (uint8_t)t->dwarf_ra_column);
	if (eh) {
		uleb(c, 1);
		u8(c, DW_EH_PE_pcrel | (wide ? DW_EH_PE_sdata8 : DW_EH_PE_sdata4));
	}
	u8(c, DW_CFA_def_cfa);
	uleb(c, (uint64_t)t->dwarf_sp);
	uleb(c, (uint64_t)t->cfa_entry);
	if (t->ra_entry) {
		u8(c, (uint8_t)(DW_CFA_offset | t->dwarf_ra_column));
		uleb(c, (uint64_t)(t->ra_entry / -8));
	}
	pad8(c, cie + 4);
	uint32_t len = (uint32_t)(c->len - cie - 4);
	memcpy(c->buf + cie, &len, 4);
	for (unsigned i = 0; i < n; i++) {
		const struct fc_dbg_func *fn = &f[i];
		size_t fde = c->len;
		fc_code_put32(c, 0);
		if (eh) {
			fc_code_put32(c, (uint32_t)(c->len - cie)); /* back to the CIE */
			if (wide) {
				rel(s, t->r_prel64, FC_DREF_FUNC, i, 0, 0);
				fc_code_put64(c, 0);
				distance(t, s, relax, i, FUNC_ENTRY, 0, fn->end_label, fn->code_len, 8);
			} else {
				rel(s, t->r_prel32, FC_DREF_FUNC, i, 0, 0);
				fc_code_put32(c, 0);
				distance(t, s, relax, i, FUNC_ENTRY, 0, fn->end_label, fn->code_len, 4);
			}
			uleb(c, 0); /* augmentation data */
		} else {
			rel(s, t->r_abs32, FC_DREF_SECTION, FC_DS_FRAME, 0, (int64_t)cie);
			fc_code_put32(c, 0);
			rel(s, t->r_abs64, FC_DREF_FUNC, i, 0, 0);
			fc_code_put64(c, 0);
			distance(t, s, relax, i, FUNC_ENTRY, 0, fn->end_label, fn->code_len, 8);
		}
		struct fc_cfa_step state = {0, t->cfa_entry, t->ra_entry, 0};
		uint32_t at = 0;
		for (unsigned k = 0; k < fn->npro; k++) {
			advance(c, fn->pro[k].after - at);
			at = fn->pro[k].after;
			cfa_changes(t, c, &state, &fn->pro[k]);
			state = fn->pro[k];
		}
		for (unsigned k = 0; k < fn->nepi; k++) {
			uint32_t to = fn->epi_off + fn->epi[k].after;
			if (k == 0 && relax && t->r_add32) {
				/* From the prologue to the epilogue: relaxation may
				 * shorten what lies between. */
				/* SET32/SUB32, as gas writes an advance: GNU ld
				 * edits .eh_frame and applies ADD32 here wrongly. */
				u8(c, DW_CFA_advance_loc4);
				uint32_t from = fn->npro ? fn->pro_label[fn->npro - 1] : FUNC_ENTRY;
				distance_op(t, s, true, i, from, 0, fn->epi_label, 0, 4,
					    t->r_set32 != 0);
				advance(c, fn->epi[k].after);
			} else {
				advance(c, to - at);
			}
			at = to;
			struct fc_cfa_step now = fn->epi[k];
			if (now.ra == 0 && t->ra_entry)
				now.ra = t->ra_entry;
			cfa_changes(t, c, &state, &now);
			state = now;
		}
		pad8(c, fde + 4);
		len = (uint32_t)(c->len - fde - 4);
		memcpy(c->buf + fde, &len, 4);
	}
}

int fc_debug_build(const struct target *t, int dwarf, enum fc_cfi_kind cfi, bool relax,
		   bool wide, const char *cu_name, const struct fc_dbg_func *f, unsigned n,
		   struct fc_dbg *out)
{
	memset(out, 0, sizeof *out);
	static const char *const names[FC_DS__N] = {".debug_abbrev", ".debug_info", ".debug_str",
						    ".debug_line", ".eh_frame"};
	for (int i = 0; i < FC_DS__N; i++)
		out->sec[i].name = names[i];
	if (!t->r_abs64 || !t->r_abs32 || !t->r_prel32)
		return fc_err("gen: %s has no relocations for debug info", t->name);
	relax = relax && t->site_symbols;
	if (dwarf) {
		build_abbrev(&out->sec[FC_DS_ABBREV].c);
		build_info(t, out, dwarf, relax, cu_name, f, n);
		build_line(t, out, dwarf, relax, cu_name, f, n);
		out->sec[FC_DS_ABBREV].used = out->sec[FC_DS_INFO].used =
			out->sec[FC_DS_STR].used = out->sec[FC_DS_LINE].used = true;
	}
	if (cfi != FC_CFI_NONE) {
		build_frame(t, out, cfi, relax, wide, f, n);
		out->sec[FC_DS_FRAME].used = true;
	}
	return 0;
}

void fc_debug_free(struct fc_dbg *d)
{
	for (int i = 0; i < FC_DS__N; i++) {
		fc_code_free(&d->sec[i].c);
		free(d->sec[i].rel);
	}
	memset(d, 0, sizeof *d);
}
