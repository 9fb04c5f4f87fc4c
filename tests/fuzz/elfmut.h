/* A structure-aware mutator for ELF inputs (included by the harnesses of
 * the image loader, the line-table reader and the check path).
 *
 * Random bit flips of a 20 KB ELF nearly always land in code or padding,
 * or break the header so the reader stops at its first check. Most of the
 * readers' logic is in what the headers and tables say: offsets, sizes,
 * counts, indexes, types. So most mutations pick one field of a parsed
 * structure (the ELF header, a program header, a section header, a symbol,
 * a relocation) and give it a value that tends to find bugs (0, ~0, the
 * file size, a neighbour, a flipped bit), or mutate the bytes of one
 * DWARF or CFI section with libFuzzer's own mutator, in place, so the rest
 * of the file stays valid; a share of the time libFuzzer mutates the whole
 * input as usual (and that is also the fallback when the input is not a
 * 64-bit little-endian ELF). */
#ifndef FC_ELFMUT_H
#define FC_ELFMUT_H

#include <elf.h>
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"

static uint64_t em_rng;
static uint64_t em_rand(void)
{
	/* xorshift64*: libFuzzer gives a seed per call, nothing more needed. */
	em_rng ^= em_rng >> 12;
	em_rng ^= em_rng << 25;
	em_rng ^= em_rng >> 27;
	return em_rng * 0x2545F4914F6CDD1DULL;
}
static uint64_t em_below(uint64_t n)
{
	return n ? em_rand() % n : 0;
}

/* A new value for a field of `width` bytes that held `old`. */
static uint64_t em_value(uint64_t old, int width, size_t fsize)
{
	uint64_t v;
	switch (em_below(11)) {
	case 0: v = 0; break;
	case 1: v = ~0ULL; break;
	case 2: v = fsize; break;
	case 3: v = fsize - 1 - em_below(64); break;
	case 4: v = old + 1 + em_below(16); break;
	case 5: v = old - 1 - em_below(16); break;
	case 6: v = old ^ (1ULL << em_below((uint64_t)width * 8)); break;
	case 7: v = 1ULL << em_below((uint64_t)width * 8); break;
	case 8: v = (1ULL << (width * 8 - 1)) + em_below(4); break; /* the sign bit */
	case 9: v = old * 2 + em_below(2); break;
	default: v = em_rand(); break;
	}
	return v;
}

static void em_poke(uint8_t *p, int width, size_t fsize)
{
	uint64_t old = 0;
	memcpy(&old, p, (size_t)width); /* little-endian host and input */
	uint64_t v = em_value(old, width, fsize);
	memcpy(p, &v, (size_t)width);
}

/* A field of one of `n` records of `entsize` bytes at `off`; fields are
 * given as (offset, width) pairs. */
static int em_record(uint8_t *d, size_t size, uint64_t off, uint64_t n, uint64_t entsize,
		     const uint8_t (*fields)[2], size_t nfields)
{
	if (!n || !entsize || off >= size)
		return 0;
	uint64_t i = em_below(n);
	uint64_t at = off + i * entsize;
	const uint8_t *f = fields[em_below(nfields)];
	if (at > size || f[0] + f[1] > entsize || at + f[0] + f[1] > size)
		return 0;
	em_poke(d + at + f[0], f[1], size);
	return 1;
}

static const uint8_t em_ehdr[][2] = {
	{16, 2}, {18, 2}, {20, 4}, {24, 8}, {32, 8}, {40, 8}, {48, 4},
	{52, 2}, {54, 2}, {56, 2}, {58, 2}, {60, 2}, {62, 2}, {4, 1}, {5, 1}, {6, 1},
};
static const uint8_t em_phdr[][2] = {{0, 4}, {4, 4}, {8, 8}, {16, 8}, {24, 8}, {32, 8}, {40, 8}, {48, 8}};
static const uint8_t em_shdr[][2] = {{0, 4}, {4, 4}, {8, 8}, {16, 8}, {24, 8}, {32, 8},
				     {40, 4}, {44, 4}, {48, 8}, {56, 8}};
static const uint8_t em_sym[][2] = {{0, 4}, {4, 1}, {5, 1}, {6, 2}, {8, 8}, {16, 8}};
static const uint8_t em_rela[][2] = {{0, 8}, {8, 4}, {12, 4}, {16, 8}};
static const uint8_t em_dyn[][2] = {{0, 8}, {8, 8}};

/* Headers are copied out with memcpy: a mutated e_shoff need not be
 * aligned, and the mutator must not be the UB it looks for. */
static Elf64_Ehdr em_eh(const uint8_t *d)
{
	Elf64_Ehdr eh;
	memcpy(&eh, d, sizeof eh);
	return eh;
}

/* Section i's header, when the table lies inside the input. */
static bool em_shdr_at(const uint8_t *d, size_t size, size_t i, Elf64_Shdr *s)
{
	Elf64_Ehdr eh = em_eh(d);
	if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shoff >= size ||
	    eh.e_shnum > (size - eh.e_shoff) / sizeof(Elf64_Shdr) || i >= eh.e_shnum)
		return false;
	memcpy(s, d + eh.e_shoff + i * sizeof *s, sizeof *s);
	return true;
}

static const char *em_secname(const uint8_t *d, size_t size, const Elf64_Shdr *s)
{
	Elf64_Ehdr eh = em_eh(d);
	Elf64_Shdr st;
	if (!em_shdr_at(d, size, eh.e_shstrndx, &st))
		return "";
	if (st.sh_offset >= size || s->sh_name >= size - st.sh_offset || s->sh_name >= st.sh_size)
		return "";
	const char *p = (const char *)d + st.sh_offset + s->sh_name;
	return memchr(p, 0, size - st.sh_offset - s->sh_name) ? p : "";
}

/* Pick a section whose type or name the mutation wants (its header
 * copied to *out); false if none. */
static bool em_pick(const uint8_t *d, size_t size, int kind, Elf64_Shdr *out)
{
	Elf64_Shdr c[64], s;
	size_t nc = 0;
	for (size_t i = 0; nc < 64 && em_shdr_at(d, size, i, &s); i++) {
		if (s.sh_offset >= size || s.sh_size == 0 || s.sh_type == SHT_NOBITS ||
		    s.sh_size > size - s.sh_offset)
			continue;
		const char *nm = em_secname(d, size, &s);
		bool ok = false;
		switch (kind) {
		case 0: ok = s.sh_type == SHT_SYMTAB || s.sh_type == SHT_DYNSYM; break;
		case 1: ok = s.sh_type == SHT_RELA; break;
		case 2: ok = !strncmp(nm, ".debug_", 7) || !strncmp(nm, ".eh_frame", 9); break;
		case 3: ok = (s.sh_flags & SHF_EXECINSTR) != 0; break;
		case 4: ok = s.sh_type == SHT_DYNAMIC; break;
		}
		if (ok)
			c[nc++] = s;
	}
	if (!nc)
		return false;
	*out = c[em_below(nc)];
	return true;
}

size_t LLVMFuzzerCustomMutator(uint8_t *d, size_t size, size_t max_size, unsigned int seed)
{
	em_rng = seed * 0x9E3779B97F4A7C15ULL + 1;
	if (size < sizeof(Elf64_Ehdr) || memcmp(d, ELFMAG, SELFMAG) || d[EI_CLASS] != ELFCLASS64 ||
	    d[EI_DATA] != ELFDATA2LSB || em_below(5) == 0)
		return LLVMFuzzerMutate(d, size, max_size);
	/* A few mutations at once now and then: a bug may need two fields
	 * that agree (an offset and a size). */
	int rounds = em_below(4) == 0 ? 2 + (int)em_below(3) : 1, done = 0;
	for (int r = 0; r < rounds; r++) {
		Elf64_Ehdr eh = em_eh(d); /* again: a round may change it */
		Elf64_Shdr sh, *s = &sh;
		switch (em_below(8)) {
		case 0:
			done += em_record(d, size, 0, 1, sizeof eh, em_ehdr,
					  sizeof em_ehdr / sizeof *em_ehdr);
			break;
		case 1:
			done += em_record(d, size, eh.e_phoff, eh.e_phnum, sizeof(Elf64_Phdr), em_phdr,
					  sizeof em_phdr / sizeof *em_phdr);
			break;
		case 2:
			done += em_record(d, size, eh.e_shoff, eh.e_shnum, sizeof(Elf64_Shdr), em_shdr,
					  sizeof em_shdr / sizeof *em_shdr);
			break;
		case 3:
			if (em_pick(d, size, 0, &sh))
				done += em_record(d, size, s->sh_offset, s->sh_size / sizeof(Elf64_Sym),
						  sizeof(Elf64_Sym), em_sym, sizeof em_sym / sizeof *em_sym);
			break;
		case 4:
			if (em_pick(d, size, 1, &sh))
				done += em_record(d, size, s->sh_offset, s->sh_size / sizeof(Elf64_Rela),
						  sizeof(Elf64_Rela), em_rela,
						  sizeof em_rela / sizeof *em_rela);
			else if (em_pick(d, size, 4, &sh))
				done += em_record(d, size, s->sh_offset, s->sh_size / sizeof(Elf64_Dyn),
						  sizeof(Elf64_Dyn), em_dyn, sizeof em_dyn / sizeof *em_dyn);
			break;
		case 5:
		case 6:
			/* DWARF and CFI bytes: libFuzzer's mutator on one section,
			 * size kept, so every offset after it stays right. A
			 * slice of a big section, so a mutation stays local. */
			if (em_pick(d, size, 2, &sh)) {
				size_t len = s->sh_size, at = s->sh_offset;
				if (len > 256) {
					size_t sl = 16 + em_below(240);
					at += em_below(len - sl);
					len = sl;
				}
				uint8_t *tmp = malloc(len);
				memcpy(tmp, d + at, len);
				size_t got = LLVMFuzzerMutate(tmp, len, len);
				memcpy(d + at, tmp, got);
				free(tmp);
				done++;
			}
			break;
		case 7:
			/* Code: an instruction word here and there. */
			if (em_pick(d, size, 3, &sh) && s->sh_size >= 4) {
				uint64_t at = s->sh_offset + (em_below(s->sh_size / 4) * 4);
				if (em_below(2))
					em_poke(d + at, 4, size);
				else
					d[at + em_below(4)] ^= (uint8_t)(1u << em_below(8));
				done++;
			}
			break;
		}
	}
	return done ? size : LLVMFuzzerMutate(d, size, max_size);
}

#endif
