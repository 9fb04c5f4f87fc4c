/* Small helpers the targets share: little-endian words, Capstone. */
#ifndef FC_TARGETS_UTIL_H
#define FC_TARGETS_UTIL_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t fc_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t fc_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t fc_rd64(const uint8_t *p)
{
	return fc_rd32(p) | (uint64_t)fc_rd32(p + 4) << 32;
}
static inline void fc_wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static inline void fc_wr32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
static inline void fc_wr64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The low `bits` of v, sign-extended. */
static inline int64_t fc_sext(uint64_t v, unsigned bits)
{
	uint64_t m = 1ULL << (bits - 1);
	v &= (1ULL << bits) - 1;
	return (int64_t)((v ^ m) - m);
}

/* One instruction through Capstone ("mnemonic operands"); its length, or 0.
 * The handle per arch is opened once. */
unsigned fc_cs_disasm(int cs_arch, int cs_mode, const uint8_t *p, size_t avail, uint64_t pc,
		      char *buf, size_t len);

#endif
