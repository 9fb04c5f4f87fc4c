/* RISC-V disassembly for traces (see disasm.c). */
#ifndef FC_RISCV_DISASM_H
#define FC_RISCV_DISASM_H

#include <stddef.h>
#include <stdint.h>

/* One instruction at `p` (address pc, `avail` bytes readable) as text,
 * "auipc\tra, 0"; returns its length (2 or 4), 0 when it cannot be decoded
 * (buf then says so). */
unsigned fc_riscv_disasm(const uint8_t *p, size_t avail, uint64_t pc, char *buf, size_t len);

#endif
