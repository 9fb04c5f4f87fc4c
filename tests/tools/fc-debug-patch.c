/* fc-debug-patch: break the debug information of a linked binary on
 * purpose, for the tests of `farcall check`.
 *
 *   fc-debug-patch cfa FUNC BINARY
 *   fc-debug-patch ra FUNC BINARY
 *   fc-debug-patch lines FUNC BINARY
 *
 * BINARY is changed in place, opened without farcall's loader, so that an
 * output it cannot load yet is broken alike. Prints "FUNC 0xADDR": the
 * function and the first address whose check must now fail. Exit 2 on errors (no such file
 * or function), 3 when there is nothing this mode can patch.
 *
 * cfa    Go's "leaf bit" class: the CFA that FUNC's CFI gives is wrong by the
 *        pointer size (8) from some instruction on. FUNC's FDE is found
 *        through libdw's dwarf_next_cfi (.eh_frame, else .debug_frame); the
 *        operand of its first DW_CFA_def_cfa_offset (or DW_CFA_def_cfa, or
 *        DW_CFA_def_cfa_offset_sf, factored, as Go writes it) grows
 *        by 8, wrong from the row that instruction starts. An FDE without one
 *        (a frameless leaf) gets a DW_CFA_def_cfa_offset of the CIE's offset
 *        + 8 written over the DW_CFA_nop padding at its end, wrong from the
 *        row its instructions end in (the entry, for a leaf without any);
 *        failing that, the CIE's own DW_CFA_def_cfa grows by 8 when no other
 *        FDE uses that CIE.
 * ra     the other half of the "leaf bit": FUNC's CFI claims its return
 *        address saved at CFA-16 (where nothing saved it), a
 *        DW_CFA_offset written over the DW_CFA_nop padding at the end of
 *        its FDE; wrong from the row its instructions end in.
 * lines  golang/go#54320: FUNC keeps its subprogram but loses its line rows.
 *        Every DW_LNE_set_address in .debug_line whose operand is FUNC's
 *        address is moved to an address past every segment, so the rows of
 *        that sequence describe no function. FUNC must start its own
 *        sequence (-ffunction-sections); prints its first instruction. */
#define _GNU_SOURCE
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/util.h"
#include "../../emu/image.h"
#include "binfile.h"

static const char *func;

static uint64_t uleb(const uint8_t **p, const uint8_t *end)
{
	uint64_t v = 0;
	unsigned sh = 0;
	while (*p < end) {
		uint8_t b = *(*p)++;
		if (sh < 64)
			v |= (uint64_t)(b & 0x7f) << sh;
		sh += 7;
		if (!(b & 0x80))
			break;
	}
	return v;
}

static int64_t sleb(const uint8_t **p, const uint8_t *end)
{
	uint64_t v = 0;
	unsigned sh = 0;
	uint8_t b = 0;
	while (*p < end) {
		b = *(*p)++;
		if (sh < 64)
			v |= (uint64_t)(b & 0x7f) << sh;
		sh += 7;
		if (!(b & 0x80))
			break;
	}
	if (sh < 64 && (b & 0x40))
		v |= ~(uint64_t)0 << sh;
	return (int64_t)v;
}

/* Encode v as ULEB128 in exactly n bytes (padding with 0x80 continuation
 * bytes); false when it does not fit. */
static bool uleb_fixed(uint64_t v, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		out[i] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (i + 1 < n)
			out[i] |= 0x80;
	}
	return v == 0;
}

/* v as an SLEB128 of exactly n bytes (false when it does not fit). */
static bool sleb_fixed(int64_t v, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		out[i] = (uint8_t)(v & 0x7f);
		v >>= 7; /* arithmetic: the sign stays */
		if (i + 1 < n)
			out[i] |= 0x80;
	}
	/* What is left must be the sign, and bit 6 of the last byte too. */
	return (v == 0 && !(out[n - 1] & 0x40)) || (v == -1 && (out[n - 1] & 0x40));
}

/* A DW_EH_PE_* encoded value (the forms linkers write in .eh_frame). */
static bool read_encoded(uint8_t enc, const uint8_t **p, const uint8_t *end, uint64_t field_addr,
			 uint64_t *out)
{
	if (enc == DW_EH_PE_omit)
		return false;
	uint64_t v;
	const uint8_t *q = *p;
	switch (enc & 0x0f) {
	case DW_EH_PE_absptr: case DW_EH_PE_udata8: case DW_EH_PE_sdata8:
		if (end - q < 8)
			return false;
		memcpy(&v, q, 8);
		q += 8;
		break;
	case DW_EH_PE_udata4:
		if (end - q < 4)
			return false;
		v = (uint64_t)q[0] | (uint64_t)q[1] << 8 | (uint64_t)q[2] << 16 | (uint64_t)q[3] << 24;
		q += 4;
		break;
	case DW_EH_PE_sdata4: {
		if (end - q < 4)
			return false;
		int32_t s;
		memcpy(&s, q, 4);
		v = (uint64_t)(int64_t)s;
		q += 4;
		break;
	}
	case DW_EH_PE_udata2:
	case DW_EH_PE_sdata2: {
		if (end - q < 2)
			return false;
		uint16_t u;
		memcpy(&u, q, 2);
		v = (enc & 0x0f) == DW_EH_PE_sdata2 ? (uint64_t)(int64_t)(int16_t)u : u;
		q += 2;
		break;
	}
	case DW_EH_PE_uleb128: v = uleb(&q, end); break;
	case DW_EH_PE_sleb128: v = (uint64_t)sleb(&q, end); break;
	default: return false;
	}
	if ((enc & 0x70) == DW_EH_PE_pcrel)
		v += field_addr;
	else if ((enc & 0x70) != 0)
		return false; /* textrel, datarel, funcrel: not in linked outputs we read */
	*p = q;
	*out = v;
	return true;
}

struct cie {
	uint64_t off;
	uint64_t code_align;
	int64_t data_align;
	uint8_t fde_enc;
	bool z;
	const uint8_t *init, *init_end;
	unsigned users;
};

struct fde_hit {
	const uint8_t *ins, *end; /* the FDE's instructions */
	uint64_t pc;
	struct cie *cie;
};

struct frame_sec {
	const char *name;
	bool eh;
	Elf_Data *d;
	uint64_t addr, off; /* section address and file offset */
	struct cie *cies;
	size_t ncies;
};

static struct cie *cie_at(struct frame_sec *fs, uint64_t off)
{
	for (size_t i = 0; i < fs->ncies; i++)
		if (fs->cies[i].off == off)
			return &fs->cies[i];
	return NULL;
}

/* Find FUNC's FDE (pc_begin == addr) in one frame section. */
static int find_fde(Elf *elf, struct frame_sec *fs, uint64_t addr, struct fde_hit *hit)
{
	GElf_Ehdr eh;
	gelf_getehdr(elf, &eh);
	const uint8_t *base = fs->d->d_buf;
	size_t cap = 0;
	int found = 0;
	/* Two passes: CIEs (and their users) first, then the FDE. */
	for (int pass = 0; pass < 2; pass++) {
		Dwarf_Off off = 0, next;
		Dwarf_CFI_Entry e;
		while (off != (Dwarf_Off)-1) {
			int rc = dwarf_next_cfi(eh.e_ident, fs->d, fs->eh, off, &next, &e);
			if (rc != 0)
				break;
			if (dwarf_cfi_cie_p(&e)) {
				if (pass == 0) {
					if (fs->ncies == cap)
						fs->cies = fc_xrealloc(fs->cies, (cap = cap * 2 + 16) * sizeof *fs->cies);
					struct cie *c = &fs->cies[fs->ncies++];
					memset(c, 0, sizeof *c);
					c->off = off;
					c->code_align = e.cie.code_alignment_factor;
					c->data_align = e.cie.data_alignment_factor;
					c->init = e.cie.initial_instructions;
					c->init_end = e.cie.initial_instructions_end;
					c->fde_enc = DW_EH_PE_absptr;
					const char *a = e.cie.augmentation;
					c->z = a[0] == 'z';
					const uint8_t *ad = e.cie.augmentation_data;
					const uint8_t *ae = ad + e.cie.augmentation_data_size;
					for (const char *q = c->z ? a + 1 : a; *q && ad < ae; q++) {
						if (*q == 'R') {
							c->fde_enc = *ad++;
						} else if (*q == 'L') {
							ad++;
						} else if (*q == 'P') {
							uint8_t pe = *ad++;
							uint64_t dummy;
							uint64_t fa = fs->addr + (uint64_t)(ad - base);
							if (!read_encoded(pe & 0x7f, &ad, ae, fa, &dummy))
								break;
						} else if (*q != 'S' && *q != 'B') {
							break;
						}
					}
				}
			} else if (pass == 0) {
				struct cie *c = cie_at(fs, e.fde.CIE_pointer);
				if (c)
					c->users++;
			} else {
				struct cie *c = cie_at(fs, e.fde.CIE_pointer);
				if (!c)
					goto next;
				const uint8_t *p = e.fde.start, *end = e.fde.end;
				uint64_t pc, range;
				uint8_t enc = fs->eh ? c->fde_enc : DW_EH_PE_absptr;
				uint64_t fa = fs->addr + (uint64_t)(p - base);
				if (!read_encoded(enc, &p, end, fa, &pc) ||
				    !read_encoded(enc & 0x0f, &p, end, 0, &range))
					goto next;
				if (c->z || !fs->eh) {
					uint64_t alen = c->z ? uleb(&p, end) : 0;
					p += alen;
				}
				if (pc == addr && p <= end) {
					*hit = (struct fde_hit){p, end, pc, c};
					found = 1;
				}
			}
		next:
			off = next;
		}
		(void)found;
	}
	return found;
}

/* The CFA offset a CIE's initial instructions set (DW_CFA_def_cfa). */
static bool cie_cfa(const struct cie *c, uint64_t *off, const uint8_t **operand, size_t *oplen)
{
	const uint8_t *p = c->init, *end = c->init_end;
	while (p < end) {
		uint8_t op = *p++;
		if (op == DW_CFA_def_cfa) {
			uleb(&p, end);
			const uint8_t *o = p;
			*off = uleb(&p, end);
			*operand = o;
			*oplen = (size_t)(p - o);
			return true;
		}
		if (op == DW_CFA_nop)
			continue;
		if ((op & 0xc0) == DW_CFA_offset) {
			uleb(&p, end);
			continue;
		}
		return false; /* anything else first: not a form we patch */
	}
	return false;
}

/* Walk an FDE's instructions: the first def_cfa_offset / def_cfa operand
 * and where it applies, or where the instructions end and the nops begin. */
struct walk {
	const uint8_t *operand;  /* the CFA offset's ULEB128 (SLEB128 when sf) */
	size_t oplen;
	uint64_t value, at;      /* value: factored when sf */
	bool sf;                 /* DW_CFA_def_cfa_offset_sf (Go writes it) */
	const uint8_t *pad;      /* first DW_CFA_nop of the trailing padding */
	uint64_t end_loc;        /* loc after every advance */
	bool ok;
};

static void walk_fde(const struct fde_hit *h, struct walk *w)
{
	memset(w, 0, sizeof *w);
	const uint8_t *p = h->ins, *end = h->end;
	uint64_t loc = h->pc, ca = h->cie->code_align;
	const uint8_t *last = p; /* just after the last instruction that is not a nop */
	while (p < end) {
		uint8_t op = *p++;
		switch (op & 0xc0) {
		case DW_CFA_advance_loc: loc += (uint64_t)(op & 0x3f) * ca; last = p; continue;
		case DW_CFA_offset: uleb(&p, end); last = p; continue;
		case DW_CFA_restore: last = p; continue;
		}
		switch (op) {
		case DW_CFA_nop: continue;
		case DW_CFA_advance_loc1: if (end - p < 1) return; loc += p[0] * ca; p += 1; break;
		case DW_CFA_advance_loc2:
			if (end - p < 2) return;
			loc += (uint64_t)(p[0] | p[1] << 8) * ca;
			p += 2;
			break;
		case DW_CFA_advance_loc4:
			if (end - p < 4) return;
			loc += (uint64_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
					  (uint32_t)p[3] << 24) * ca;
			p += 4;
			break;
		case DW_CFA_def_cfa:
		case DW_CFA_def_cfa_offset: {
			if (op == DW_CFA_def_cfa)
				uleb(&p, end);
			const uint8_t *o = p;
			uint64_t v = uleb(&p, end);
			if (!w->operand) {
				w->operand = o;
				w->oplen = (size_t)(p - o);
				w->value = v;
				w->at = loc;
			}
			break;
		}
		case DW_CFA_offset_extended: case DW_CFA_register: case DW_CFA_val_offset:
			uleb(&p, end); uleb(&p, end); break;
		case DW_CFA_offset_extended_sf: case DW_CFA_def_cfa_sf: case DW_CFA_val_offset_sf:
			uleb(&p, end); sleb(&p, end); break;
		case DW_CFA_restore_extended: case DW_CFA_undefined: case DW_CFA_same_value:
		case DW_CFA_def_cfa_register: case DW_CFA_GNU_args_size:
			uleb(&p, end); break;
		case DW_CFA_def_cfa_offset_sf: {
			const uint8_t *o = p;
			int64_t v = sleb(&p, end);
			if (!w->operand) {
				w->operand = o;
				w->oplen = (size_t)(p - o);
				w->value = (uint64_t)v;
				w->at = loc;
				w->sf = true;
			}
			break;
		}
		case DW_CFA_remember_state: case DW_CFA_restore_state: break;
		case DW_CFA_def_cfa_expression: { uint64_t n = uleb(&p, end); p += n; break; }
		case DW_CFA_expression: case DW_CFA_val_expression: {
			uleb(&p, end);
			uint64_t n = uleb(&p, end);
			p += n;
			break;
		}
		default:
			return; /* DW_CFA_set_loc and vendor ops: not patched */
		}
		last = p;
	}
	if (p > end)
		return;
	w->pad = last;
	w->end_loc = loc;
	w->ok = true;
}

static int pwrite_all(int fd, const void *b, size_t n, uint64_t off)
{
	return pwrite(fd, b, n, (off_t)off) == (ssize_t)n ? 0 : -1;
}

static bool find_section(Elf *elf, const char *name, Elf_Scn **out, GElf_Shdr *sh)
{
	size_t shstr;
	if (elf_getshdrstrndx(elf, &shstr) != 0)
		return false;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, sh))
			continue;
		const char *n = elf_strptr(elf, shstr, sh->sh_name);
		if (n && !strcmp(n, name) && sh->sh_type != SHT_NOBITS) {
			*out = scn;
			return true;
		}
	}
	return false;
}

static int mode_cfa(struct fc_image *im, int fd, uint64_t addr, bool ra)
{
	static const char *const names[] = {".eh_frame", ".debug_frame"};
	for (int k = 0; k < 2; k++) {
		Elf_Scn *scn;
		GElf_Shdr sh;
		if (!find_section(im->elf, names[k], &scn, &sh))
			continue;
		struct frame_sec fs = {names[k], k == 0, elf_getdata(scn, NULL), sh.sh_addr,
				       sh.sh_offset, NULL, 0};
		if (!fs.d || !fs.d->d_size)
			continue;
		struct fde_hit h = {0};
		int found = find_fde(im->elf, &fs, addr, &h);
		const uint8_t *base = fs.d->d_buf;
		int ret = 3;
		struct walk w;
		uint64_t cie_off;
		const uint8_t *cie_op;
		size_t cie_oplen;
		if (!found)
			goto done;
		walk_fde(&h, &w);
		if (!w.ok) {
			fprintf(stderr, "fc-debug-patch: %s: the FDE of %s has CFI instructions this "
				"tool does not walk\n", names[k], func);
			goto done;
		}
		if (ra) {
			/* DW_CFA_offset RA, CFA-16 in the CIE's data alignment. */
			int col = im->t->dwarf_ra_column;
			int64_t da = h.cie->data_align;
			uint8_t b[2];
			if (col < 0 || col > 63 || !da || -16 % da || -16 / da <= 0 || -16 / da > 127 ||
			    h.end - w.pad < 2) {
				fprintf(stderr, "fc-debug-patch: %s: no room in the FDE of %s\n",
					names[k], func);
				goto done;
			}
			b[0] = (uint8_t)(DW_CFA_offset | col);
			b[1] = (uint8_t)(-16 / da);
			if (pwrite_all(fd, b, 2, fs.off + (uint64_t)(w.pad - base)) < 0)
				goto io;
			printf("%s 0x%" PRIx64 "\n", func, w.end_loc);
			ret = 0;
			goto done;
		}
		if (w.operand) {
			/* The first CFA offset, 8 more. */
			uint8_t b[16];
			int64_t da = h.cie->data_align;
			if (w.oplen > sizeof b ||
			    (w.sf ? !da || 8 % da || !sleb_fixed((int64_t)w.value + 8 / da, b, w.oplen)
				  : !uleb_fixed(w.value + 8, b, w.oplen)))
				goto done;
			if (pwrite_all(fd, b, w.oplen, fs.off + (uint64_t)(w.operand - base)) < 0)
				goto io;
			printf("%s 0x%" PRIx64 "\n", func, w.at);
			ret = 0;
			goto done;
		}
		if (cie_cfa(h.cie, &cie_off, &cie_op, &cie_oplen)) {
			uint8_t b[16];
			/* A leaf: DW_CFA_def_cfa_offset CIE+8 over the padding. */
			if (h.end - w.pad >= 2 && cie_off + 8 < 128) {
				b[0] = DW_CFA_def_cfa_offset;
				b[1] = (uint8_t)(cie_off + 8);
				if (pwrite_all(fd, b, 2, fs.off + (uint64_t)(w.pad - base)) < 0)
					goto io;
				printf("%s 0x%" PRIx64 "\n", func, w.end_loc);
				ret = 0;
				goto done;
			}
			/* No room: the CIE itself, when this FDE is its only user. */
			if (h.cie->users == 1 && cie_oplen <= sizeof b &&
			    uleb_fixed(cie_off + 8, b, cie_oplen)) {
				if (pwrite_all(fd, b, cie_oplen, fs.off + (uint64_t)(cie_op - base)) < 0)
					goto io;
				printf("%s 0x%" PRIx64 "\n", func, h.pc);
				ret = 0;
				goto done;
			}
		}
		fprintf(stderr, "fc-debug-patch: %s: no CFA offset of %s can be changed in place\n",
			names[k], func);
	done:
		free(fs.cies);
		if (found || ret != 3)
			return ret;
		continue;
	io:
		free(fs.cies);
		fprintf(stderr, "fc-debug-patch: cannot write %s\n", im->path);
		return 2;
	}
	fprintf(stderr, "fc-debug-patch: %s has no FDE for %s (0x%" PRIx64 ")\n", im->path, func,
		addr);
	return 3;
}

static int mode_lines(struct fc_image *im, int fd, uint64_t addr)
{
	Elf_Scn *scn;
	GElf_Shdr sh;
	if (!find_section(im->elf, ".debug_line", &scn, &sh)) {
		fprintf(stderr, "fc-debug-patch: %s has no .debug_line\n", im->path);
		return 3;
	}
	Elf_Data *d = elf_getdata(scn, NULL);
	if (!d || !d->d_size)
		return 3;
	/* Past every segment, on a fresh MiB. */
	uint64_t top = 0;
	for (size_t i = 0; i < im->nsegs; i++)
		if (im->segs[i].hi > top)
			top = im->segs[i].hi;
	uint64_t away = ((top + 0xfffff) & ~(uint64_t)0xfffff) + 0x100000;
	/* DW_LNE_set_address: 0x00, ULEB length 9, 0x02, 8 address bytes. */
	uint8_t pat[11] = {0x00, 0x09, DW_LNE_set_address};
	memcpy(pat + 3, &addr, 8);
	const uint8_t *b = d->d_buf;
	unsigned n = 0;
	for (size_t i = 0; i + sizeof pat <= d->d_size; i++) {
		if (b[i] || memcmp(b + i, pat, sizeof pat))
			continue;
		if (pwrite_all(fd, &away, 8, sh.sh_offset + i + 3) < 0) {
			fprintf(stderr, "fc-debug-patch: cannot write %s\n", im->path);
			return 2;
		}
		n++;
	}
	if (!n) {
		fprintf(stderr, "fc-debug-patch: no line sequence of %s starts at %s (0x%" PRIx64 ")\n",
			im->path, func, addr);
		return 3;
	}
	printf("%s 0x%" PRIx64 "\n", func, addr);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4 || (strcmp(argv[1], "cfa") && strcmp(argv[1], "ra") &&
			  strcmp(argv[1], "lines"))) {
		fprintf(stderr, "usage: fc-debug-patch cfa|ra|lines FUNC BINARY\n");
		return 2;
	}
	func = argv[2];
	/* Not the loader: an output farcall cannot load yet is broken alike. */
	struct fc_image im;
	if (fc_bin_open(&im, argv[3]) < 0) {
		fc_image_close(&im);
		return 2;
	}
	const struct fc_sym *y = fc_syms_by_name(&im.syms, func);
	if (!y) {
		fprintf(stderr, "fc-debug-patch: %s has no symbol %s\n", argv[3], func);
		fc_image_close(&im);
		return 2;
	}
	int fd = open(argv[3], O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "fc-debug-patch: cannot open %s for writing\n", argv[3]);
		fc_image_close(&im);
		return 2;
	}
	int r = !strcmp(argv[1], "lines") ? mode_lines(&im, fd, y->addr)
					   : mode_cfa(&im, fd, y->addr, !strcmp(argv[1], "ra"));
	if (close(fd) != 0)
		r = 2;
	fc_image_close(&im);
	return r;
}
