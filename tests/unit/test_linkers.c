/* Unit tests for the linker table (link/linker_table.c): each kind's
 * programs per arch, version lines, command-line parts, and the one reader
 * of thunk and stub names.
 *
 * Every name below was read with nm/readelf from a real output on Debian
 * 12: a 320 MiB arm64 case (gen --size 320M --forms bl,b,adrp+add,
 * adrp+ldr.got) linked as exe, PIE and shared by GNU ld 2.40, gold 1.16,
 * lld 14 and 19 and mold 1.10.1; calls to a section symbol (bl .Llocal)
 * across --section-start'ed sections; Go 1.19 arm64 and riscv64 cases
 * built with -debugtramp=2. The version lines are `--version`'s first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../link/linker_table.h"

/* SYM parses as FLAVOR's, naming CALLEE (+ suffix) at offset OFF. */
static void named(const char *sym, enum fc_flavor flavor, const char *callee, uint64_t off,
		  bool plt)
{
	struct fc_thunk_name tn;
	assert_true(fc_thunk_name_parse(sym, &tn));
	assert_true(fc_is_linker_stub_name(sym));
	assert_int_equal(tn.flavor, flavor);
	char got[256];
	snprintf(got, sizeof got, "%.*s%s", (int)tn.callee_len, tn.callee, tn.suffix);
	assert_string_equal(got, callee);
	assert_int_equal(tn.off, off);
	assert_int_equal(tn.plt, plt);
}

static void test_lld_names(void **state)
{
	(void)state;
	/* Executables: AbsLong (lld 19's 4-byte ones too); PIE and shared:
	 * ADRP. */
	named("__AArch64AbsLongThunk_fn_2558", FC_LD_LLD, "fn_2558", 0, false);
	named("__AArch64AbsLongThunk__start", FC_LD_LLD, "_start", 0, false);
	named("__AArch64ADRPThunk_fn_1", FC_LD_LLD, "fn_1", 0, false);
	named("__AArch64ADRPThunk__start", FC_LD_LLD, "_start", 0, false);
	/* A call to a section symbol: a thunk that names nothing. */
	named("__AArch64AbsLongThunk_", FC_LD_LLD, "", 0, false);
}

static void test_gnu_names(void **state)
{
	(void)state;
	named("__fn_2259_veneer", FC_LD_BFD, "fn_2259", 0, false);
	named("___start_veneer", FC_LD_BFD, "_start", 0, false);
	named("___veneer", FC_LD_BFD, "", 0, false);
}

static void test_mold_names(void **state)
{
	(void)state;
	named("fn_1$thunk", FC_LD_MOLD, "fn_1", 0, false);
	named("_start$thunk", FC_LD_MOLD, "_start", 0, false);
	/* A section symbol's thunk is named by its section. */
	named(".farb$thunk", FC_LD_MOLD, ".farb", 0, false);
	named("fn_3167$plt", FC_LD_MOLD, "fn_3167", 0, true);
	named("fn_1$pltgot", FC_LD_MOLD, "fn_1", 0, true);
	/* The GOT slot, an object. */
	assert_false(fc_is_linker_stub_name("fn_1$got"));
	assert_false(fc_is_linker_stub_name("var_0$got"));
}

static void test_go_names(void **state)
{
	(void)state;
	/* arm64 writes the offset, +0 too; riscv64 only when there is one. */
	named("runtime.memequal+0-tramp0", FC_LD_GO, "runtime.memequal", 0, false);
	named("internal/bytealg.IndexByteString+0-tramp0", FC_LD_GO,
	      "internal/bytealg.IndexByteString", 0, false);
	named("runtime/internal/syscall.Syscall6+0-tramp0", FC_LD_GO,
	      "runtime/internal/syscall.Syscall6", 0, false);
	named("runtime.printlock-tramp0", FC_LD_GO, "runtime.printlock", 0, false);
	named("runtime.duffzero+3d8-tramp0", FC_LD_GO, "runtime.duffzero", 0x3d8, false);
	/* To the ABI0 symbol runtime.newproc.abi0 (objdump: jr to it). */
	named("runtime.newproc-tramp0.abi0", FC_LD_GO, "runtime.newproc.abi0", 0, false);
	named("runtime.wbBufFlush-tramp0.abi0", FC_LD_GO, "runtime.wbBufFlush.abi0", 0, false);
	/* Made up: a '-' in a package path is not the trampoline's, and a
	 * second trampoline to one function is numbered. */
	named("example.com/a-b.F-tramp1", FC_LD_GO, "example.com/a-b.F", 0, false);
}

static void test_not_stubs(void **state)
{
	(void)state;
	/* Functions and symbols of the same outputs, then made-up names
	 * that are nearly a stub's. */
	static const char *const plain[] = {
		"fn_12", "_start", "pad_4", "$x", "$d", ".fc.s12", "__global_pointer$",
		"__bss_start__", "_GLOBAL_OFFSET_TABLE_", "runtime.sigtramp.abi0",
		"runtime.cgoSigtramp.abi0", "runtime.sigtrampgo.abi0", "runtime.duffzero",
		"__veneer", "-tramp0", "f-tramp", "f-trampx", "f-tramp0.abi", "f$thunkx", "f$",
		"__Thunk_f", "__A-Thunk_f", ""};
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
		assert_false(fc_is_linker_stub_name(plain[i]));
	assert_false(fc_is_linker_stub_name(NULL));
	/* objdump's "f@plt" is its own, never in a symbol table; gold names
	 * none of its stubs. */
	assert_false(fc_is_linker_stub_name("fn_1@plt"));
	assert_false(fc_is_linker_stub_name("__long_branch_fn_1"));
	/* Made up: lld's thunk to a function f_veneer stays lld's. */
	named("__AArch64AbsLongThunk_f_veneer", FC_LD_LLD, "f_veneer", 0, false);
}

static void test_ports(void **state)
{
	(void)state;
	const struct fc_linker_kind *bfd = fc_linker_kind(FC_LD_BFD);
	const struct fc_linker_kind *gold = fc_linker_kind(FC_LD_GOLD);
	assert_string_equal(fc_linker_program(bfd, "arm64"), "aarch64-linux-gnu-ld.bfd");
	assert_string_equal(fc_linker_program(bfd, "amd64"), "x86_64-linux-gnu-ld.bfd");
	assert_string_equal(fc_linker_program(bfd, "riscv64"), "riscv64-linux-gnu-ld.bfd");
	assert_string_equal(fc_linker_program(gold, "arm64"), "aarch64-linux-gnu-ld.gold");
	assert_string_equal(fc_linker_program(gold, "amd64"), "x86_64-linux-gnu-ld.gold");
	assert_null(fc_linker_program(gold, "riscv64"));
	/* One binary, every arch. */
	for (int f = FC_LD_LLD; f <= FC_LD_MOLD; f++)
		assert_non_null(fc_linker_program(fc_linker_kind(f), "riscv64"));
	assert_string_equal(fc_linker_program(fc_linker_kind(FC_LD_LLD), "arm64"), "ld.lld");
	assert_string_equal(fc_linker_program(fc_linker_kind(FC_LD_GO), "arm64"), "go");
	assert_string_equal(fc_linker_emulation("arm64"), "aarch64linux");
	assert_string_equal(fc_linker_emulation("amd64"), "elf_x86_64");
	assert_string_equal(fc_linker_emulation("riscv64"), "elf64lriscv");
	assert_null(fc_linker_emulation("mips"));
}

static void test_skips(void **state)
{
	(void)state;
	char *s = fc_linker_skip("gold", "riscv64");
	assert_string_equal(s, "gold has no riscv64 target");
	free(s);
	s = fc_linker_no_port(fc_linker_kind(FC_LD_GOLD), "riscv64");
	assert_string_equal(s, "has no riscv64 target");
	free(s);
	assert_null(fc_linker_skip("gold", "arm64"));
	assert_null(fc_linker_skip("bfd", "riscv64"));
	assert_null(fc_linker_skip("lld-19", "riscv64"));
	assert_null(fc_linker_skip("nosuch", "riscv64"));
	assert_null(fc_linker_kind(FC_LD_BFD)->no_objects);
	assert_non_null(fc_linker_kind(FC_LD_GO)->no_objects);
}

static void test_by_name(void **state)
{
	(void)state;
	assert_int_equal(fc_linker_kind_by_name("bfd")->flavor, FC_LD_BFD);
	assert_int_equal(fc_linker_kind_by_name("ld")->flavor, FC_LD_BFD);
	assert_int_equal(fc_linker_kind_by_name("gold")->flavor, FC_LD_GOLD);
	assert_int_equal(fc_linker_kind_by_name("lld")->flavor, FC_LD_LLD);
	assert_int_equal(fc_linker_kind_by_name("lld-19")->flavor, FC_LD_LLD);
	assert_int_equal(fc_linker_kind_by_name("mold")->flavor, FC_LD_MOLD);
	assert_int_equal(fc_linker_kind_by_name("go")->flavor, FC_LD_GO);
	assert_null(fc_linker_kind_by_name("unknown"));
	assert_null(fc_linker_kind_by_name("lld19"));
	assert_null(fc_linker_kind_by_name("mold-2"));
	assert_null(fc_linker_kind_by_name("/usr/bin/ld.lld"));
	static const char *const names[] = {"bfd", "gold", "lld", "mold", "unknown", "go"};
	for (int f = 0; f < FC_NFLAVORS; f++)
		assert_string_equal(fc_flavor_name(f), names[f]);
}

static void test_versions(void **state)
{
	(void)state;
	assert_int_equal(fc_flavor_of("GNU ld (GNU Binutils for Debian) 2.40"), FC_LD_BFD);
	assert_int_equal(fc_flavor_of("GNU gold (GNU Binutils for Debian 2.40) 1.16"), FC_LD_GOLD);
	assert_int_equal(fc_flavor_of("Debian LLD 14.0.6 (compatible with GNU linkers)"), FC_LD_LLD);
	assert_int_equal(fc_flavor_of("mold 1.10.1 (compatible with GNU ld)"), FC_LD_MOLD);
	assert_int_equal(fc_flavor_of("a wrapper"), FC_LD_UNKNOWN);
	assert_int_equal(fc_flavor_of(NULL), FC_LD_UNKNOWN);
	const struct fc_linker_kind *lld = fc_linker_kind(FC_LD_LLD);
	char *n = fc_linker_found_name(lld, "Debian LLD 19.1.7 (compatible with GNU linkers)");
	assert_string_equal(n, "lld-19");
	free(n);
	n = fc_linker_found_name(lld, "LLD (no number)");
	assert_string_equal(n, "lld");
	free(n);
	n = fc_linker_found_name(fc_linker_kind(FC_LD_MOLD), "mold 1.10.1 (compatible with GNU ld)");
	assert_string_equal(n, "mold");
	free(n);
	assert_true(fc_linker_kind(FC_LD_GO)->by_file_name);
	assert_string_equal(fc_linker_kind(FC_LD_GO)->version_arg, "version");
}

static void test_command_parts(void **state)
{
	(void)state;
	/* lld and mold take -m; the cross GNU linkers know their arch. */
	assert_true(fc_linker_kind(FC_LD_LLD)->emulation);
	assert_true(fc_linker_kind(FC_LD_MOLD)->emulation);
	assert_false(fc_linker_kind(FC_LD_BFD)->emulation);
	assert_false(fc_linker_kind(FC_LD_GOLD)->emulation);
	assert_false(fc_linker_kind(FC_LD_UNKNOWN)->emulation);
	assert_string_equal(fc_linker_kind(FC_LD_MOLD)->own_flag, "--no-fork");
	assert_null(fc_linker_kind(FC_LD_LLD)->own_flag);
	/* --no-fork is only for measuring one process; bench measures the tree. */
	assert_true(fc_linker_kind(FC_LD_MOLD)->own_flag_timing);
	/* Thread counts (bench --threads): each its own words; bfd has none. */
	char *f = fc_linker_thread_flag(fc_linker_kind(FC_LD_LLD), 2);
	assert_string_equal(f, "--threads=2");
	free(f);
	f = fc_linker_thread_flag(fc_linker_kind(FC_LD_MOLD), 4);
	assert_string_equal(f, "--thread-count=4");
	free(f);
	f = fc_linker_thread_flag(fc_linker_kind(FC_LD_GOLD), 1);
	assert_string_equal(f, "--threads --thread-count=1");
	free(f);
	assert_null(fc_linker_thread_flag(fc_linker_kind(FC_LD_BFD), 2));
	assert_null(fc_linker_thread_flag(fc_linker_kind(FC_LD_UNKNOWN), 2));
	/* gold has no --no-dynamic-linker; an unknown one is given bfd's. */
	assert_false(fc_linker_kind(FC_LD_GOLD)->no_dyn_linker);
	assert_true(fc_linker_kind(FC_LD_BFD)->no_dyn_linker);
	assert_true(fc_linker_kind(FC_LD_UNKNOWN)->no_dyn_linker);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lld_names),
		cmocka_unit_test(test_gnu_names),
		cmocka_unit_test(test_mold_names),
		cmocka_unit_test(test_go_names),
		cmocka_unit_test(test_not_stubs),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_skips),
		cmocka_unit_test(test_by_name),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_command_parts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
