/* The linker table (linker_table.h). */
#define _GNU_SOURCE
#include "linker_table.h"

#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

static const struct fc_linker_port bfd_ports[] = {
	{"arm64", "aarch64-linux-gnu-ld.bfd"},
	{"amd64", "x86_64-linux-gnu-ld.bfd"},
	{"riscv64", "riscv64-linux-gnu-ld.bfd"},
};
/* gold has no RISC-V port. */
static const struct fc_linker_port gold_ports[] = {
	{"arm64", "aarch64-linux-gnu-ld.gold"},
	{"amd64", "x86_64-linux-gnu-ld.gold"},
};

#define PORTS(p) .ports = p, .nports = sizeof p / sizeof p[0]

static const struct fc_linker_kind kinds[] = {
	[FC_LD_BFD] = {FC_LD_BFD, "bfd", "ld", PORTS(bfd_ports), .version_arg = "--version",
		       .says = "GNU ld", .no_dyn_linker = true,
		       .no_port = "has no %s target"},
	[FC_LD_GOLD] = {FC_LD_GOLD, "gold", NULL, PORTS(gold_ports), .version_arg = "--version",
			.says = "GNU gold", .no_port = "has no %s target"},
	[FC_LD_LLD] = {FC_LD_LLD, "lld", NULL, .program = "ld.lld", .min_ver = 13, .max_ver = 21,
		       .version_arg = "--version", .says = "LLD", .emulation = true,
		       .no_dyn_linker = true},
	[FC_LD_MOLD] = {FC_LD_MOLD, "mold", NULL, .program = "mold", .version_arg = "--version",
			.says = "mold", .says_first = true, .emulation = true,
			.own_flag = "--no-fork", .no_dyn_linker = true},
	/* Given what bfd is given: the GNU options are the common ones. */
	[FC_LD_UNKNOWN] = {FC_LD_UNKNOWN, "unknown", NULL, .no_dyn_linker = true},
	[FC_LD_GO] = {FC_LD_GO, "go", NULL, .program = "go", .version_arg = "version",
		      .by_file_name = true,
		      .no_objects = "builds Go cases (gen --frontend go), not objects"},
};
#define NKINDS (sizeof kinds / sizeof kinds[0])
_Static_assert(NKINDS == FC_NFLAVORS, "a row for every flavour");

/* -m names, for the linkers that serve every arch from one binary. */
static const struct {
	const char *arch, *emulation;
} emulations[] = {
	{"arm64", "aarch64linux"},
	{"amd64", "elf_x86_64"},
	{"riscv64", "elf64lriscv"},
};

const struct fc_linker_kind *fc_linker_kind(enum fc_flavor f)
{
	return (size_t)f < NKINDS ? &kinds[f] : &kinds[FC_LD_UNKNOWN];
}

const char *fc_flavor_name(enum fc_flavor f)
{
	return fc_linker_kind(f)->name;
}

const struct fc_linker_kind *fc_linker_kind_by_name(const char *name)
{
	for (size_t i = 0; i < NKINDS; i++) {
		const struct fc_linker_kind *k = &kinds[i];
		size_t n = strlen(k->name);
		if (!k->ports && !k->program)
			continue;
		if (!strcmp(name, k->name) || (k->alias && !strcmp(name, k->alias)))
			return k;
		/* lld-N: whatever N, which then is not installed. */
		if (k->max_ver && !strncmp(name, k->name, n) && name[n] == '-')
			return k;
	}
	return NULL;
}

const char *fc_linker_program(const struct fc_linker_kind *k, const char *arch)
{
	if (!k->ports)
		return k->program;
	for (size_t i = 0; i < k->nports; i++)
		if (!strcmp(k->ports[i].arch, arch))
			return k->ports[i].program;
	return NULL;
}

const char *fc_linker_emulation(const char *arch)
{
	for (size_t i = 0; i < sizeof emulations / sizeof emulations[0]; i++)
		if (!strcmp(emulations[i].arch, arch))
			return emulations[i].emulation;
	return NULL;
}

char *fc_linker_no_port(const struct fc_linker_kind *k, const char *arch)
{
	if (fc_linker_program(k, arch))
		return NULL;
	return fc_xasprintf(k->no_port ? k->no_port : "has no %s target", arch);
}

char *fc_linker_skip(const char *name, const char *arch)
{
	const struct fc_linker_kind *k = fc_linker_kind_by_name(name);
	char *why = k ? fc_linker_no_port(k, arch) : NULL;
	if (!why)
		return NULL;
	char *s = fc_xasprintf("%s %s", k->name, why);
	free(why);
	return s;
}

enum fc_flavor fc_flavor_of(const char *version)
{
	if (!version)
		return FC_LD_UNKNOWN;
	/* What a line starts with first: mold's says "compatible with GNU
	 * ld" after its name. */
	for (int first = 1; first >= 0; first--)
		for (size_t i = 0; i < NKINDS; i++) {
			const struct fc_linker_kind *k = &kinds[i];
			if (!k->says || k->says_first != first)
				continue;
			if (first ? !strncmp(version, k->says, strlen(k->says))
				  : strstr(version, k->says) != NULL)
				return k->flavor;
		}
	return FC_LD_UNKNOWN;
}

/* "Debian LLD 14.0.6 (compatible with GNU linkers)" -> "lld-14". */
char *fc_linker_found_name(const struct fc_linker_kind *k, const char *version)
{
	if (!k->max_ver || !version)
		return fc_xstrdup(k->name);
	char *says = fc_xasprintf("%s ", k->says);
	const char *v = strstr(version, says);
	int major = v ? atoi(v + strlen(says)) : 0;
	free(says);
	return major ? fc_xasprintf("%s-%d", k->name, major) : fc_xstrdup(k->name);
}
