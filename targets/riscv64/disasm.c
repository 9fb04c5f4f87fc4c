/* RISC-V disassembly for traces, through LLVM's C disassembler API.
 *
 * Capstone is what the other targets use (fc_cs_disasm), but Debian 12
 * ships Capstone 4.0.2, which has no RISC-V; RISC-V arrived in Capstone 5.
 * LLVM 14 (libLLVM-14, llvm-c/Disassembler.h) has it, so this file uses that.
 * It is the one file to change to move to Capstone 5 later: replace the
 * body of fc_riscv_disasm with
 *     fc_cs_disasm(CS_ARCH_RISCV, CS_MODE_RISCV64 | CS_MODE_RISCVC, ...)
 * and drop -lLLVM-14 from the Makefile; nothing else calls LLVM.
 *
 * The context is created once (RV64GC: +m,+a,+f,+d,+c) and kept; LLVM's
 * context is not safe to share between threads, so calls are serialised. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <llvm-c/Disassembler.h>
#include <llvm-c/Target.h>

#include "disasm.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static LLVMDisasmContextRef dc;
static int state; /* 0: not tried, 1: ready, -1: LLVM has no RISC-V */

static void open_dc(void)
{
	LLVMInitializeRISCVTargetInfo();
	LLVMInitializeRISCVTargetMC();
	LLVMInitializeRISCVDisassembler();
	dc = LLVMCreateDisasmCPUFeatures("riscv64-unknown-linux-gnu", "generic-rv64",
					 "+m,+a,+f,+d,+c", NULL, 0, NULL, NULL);
	state = dc ? 1 : -1;
}

unsigned fc_riscv_disasm(const uint8_t *p, size_t avail, uint64_t pc, char *buf, size_t len)
{
	/* LLVM wants a writable buffer; one instruction is at most 4 bytes
	 * in RV64GC, 8 lets it see a longer encoding for what it is. */
	uint8_t bytes[8];
	size_t n = avail < sizeof bytes ? avail : sizeof bytes;
	memcpy(bytes, p, n);

	char text[128];
	size_t r = 0;
	pthread_mutex_lock(&lock);
	if (!state)
		open_dc();
	if (state > 0 && n)
		r = LLVMDisasmInstruction(dc, bytes, n, pc, text, sizeof text);
	pthread_mutex_unlock(&lock);

	if (!r) {
		snprintf(buf, len, "(undecodable)");
		return 0;
	}
	/* LLVM writes "\tmnemonic\toperands" ("\tunimp\t" when there are
	 * none): drop the tabs at both ends. */
	const char *t = text;
	while (*t == '\t')
		t++;
	size_t tl = strlen(t);
	while (tl && t[tl - 1] == '\t')
		tl--;
	snprintf(buf, len, "%.*s", (int)tl, t);
	return (unsigned)r;
}
