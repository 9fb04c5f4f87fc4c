/* Unit tests for the linker table (link/linker_table.c): each kind's
 * programs per arch, version lines and command-line parts. The version
 * lines are `--version`'s first on Debian 12. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../link/linker_table.h"

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
	/* gold has no --no-dynamic-linker; an unknown one is given bfd's. */
	assert_false(fc_linker_kind(FC_LD_GOLD)->no_dyn_linker);
	assert_true(fc_linker_kind(FC_LD_BFD)->no_dyn_linker);
	assert_true(fc_linker_kind(FC_LD_UNKNOWN)->no_dyn_linker);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_skips),
		cmocka_unit_test(test_by_name),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_command_parts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
