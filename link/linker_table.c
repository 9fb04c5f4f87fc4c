/* The linker table (linker_table.h). The thunk names below are the ones
 * these linkers were seen to write (arm64 320 MiB cases, exe, PIE and
 * shared; Go with -debugtramp=2); tests/unit/test_linkers.c holds them. */
#define _GNU_SOURCE
#include "linker_table.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

static bool ends_with(const char *s, size_t len, const char *tail)
{
	size_t n = strlen(tail);
	return len >= n && !memcmp(s + len - n, tail, n);
}

static bool set(struct fc_thunk_name *tn, enum fc_flavor f, const char *callee, size_t len)
{
	*tn = (struct fc_thunk_name){.flavor = f, .callee = callee, .callee_len = len, .suffix = ""};
	return true;
}

/* GNU ld (AArch64): "__f_veneer"; "___veneer" for a section symbol's. */
static bool gnu_thunk(const char *n, struct fc_thunk_name *tn)
{
	size_t len = strlen(n);
	if (strncmp(n, "__", 2) || len < 9 || !ends_with(n, len, "_veneer"))
		return false;
	return set(tn, FC_LD_BFD, n + 2, len - 9);
}

/* lld: "__<kind>Thunk_f", the kind one word (AArch64AbsLong in an
 * executable, AArch64ADRP in a PIE or shared object); "__<kind>Thunk_"
 * for a section symbol's. */
static bool lld_thunk(const char *n, struct fc_thunk_name *tn)
{
	if (strncmp(n, "__", 2))
		return false;
	const char *p = n + 2;
	while (isalnum((unsigned char)*p))
		p++;
	if (*p != '_' || p - (n + 2) <= 5 || strncmp(p - 5, "Thunk", 5))
		return false;
	return set(tn, FC_LD_LLD, p + 1, strlen(p + 1));
}

/* mold: "f$thunk" (1.10.1 numbers none; "f$thunk3" is taken too, as the
 * earlier parsers took it), a section symbol's named by its section
 * (".text$thunk"); PLT entries "f$plt" and "f$pltgot". Not "f$got": that
 * is the GOT slot. */
static bool mold_thunk(const char *n, struct fc_thunk_name *tn)
{
	const char *d = strrchr(n, '$');
	if (!d || d == n)
		return false;
	const char *k = d + 1;
	bool plt = !strcmp(k, "plt") || !strcmp(k, "pltgot");
	if (!plt) {
		if (strncmp(k, "thunk", 5))
			return false;
		for (k += 5; isdigit((unsigned char)*k); k++)
			;
		if (*k)
			return false;
	}
	set(tn, FC_LD_MOLD, n, (size_t)(d - n));
	tn->plt = plt;
	return true;
}

/* Go: "f-tramp0", "f+80-tramp0" (f+0x80; arm64 writes "+0" too), and
 * "f-tramp0.abi0" for a trampoline to f's ABI0 symbol, "f.abi0". Package
 * paths may hold '-': the last "-tramp" is the one. */
static bool go_thunk(const char *n, struct fc_thunk_name *tn)
{
	const char *t = NULL;
	for (const char *p = strstr(n, "-tramp"); p; p = strstr(p + 1, "-tramp"))
		t = p;
	if (!t || t == n || !isdigit((unsigned char)t[6]))
		return false;
	const char *e = t + 6;
	while (isdigit((unsigned char)*e))
		e++;
	if (*e && (strncmp(e, ".abi", 4) || !isdigit((unsigned char)e[4]) ||
		   e[4 + strspn(e + 4, "0123456789")]))
		return false;
	const char *plus = t;
	while (plus > n && isxdigit((unsigned char)plus[-1]))
		plus--;
	uint64_t off = 0;
	if (plus > n + 1 && plus < t && plus[-1] == '+')
		off = strtoull(plus--, NULL, 16);
	else
		plus = t;
	set(tn, FC_LD_GO, n, (size_t)(plus - n));
	tn->suffix = e;
	tn->off = off;
	return true;
}

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
		       .says = "GNU ld", .no_dyn_linker = true, .thunk_name = gnu_thunk,
		       .no_port = "has no %s target"},
	/* gold's stubs have no symbols. */
	/* gold is single-threaded unless told: --threads with a count. */
	[FC_LD_GOLD] = {FC_LD_GOLD, "gold", NULL, PORTS(gold_ports), .version_arg = "--version",
			.says = "GNU gold", .thread_flag = "--threads --thread-count=%u",
			.no_port = "has no %s target"},
	[FC_LD_LLD] = {FC_LD_LLD, "lld", NULL, .program = "ld.lld", .min_ver = 13, .max_ver = 21,
		       .version_arg = "--version", .says = "LLD", .emulation = true,
		       .no_dyn_linker = true, .thunk_name = lld_thunk,
		       .thread_flag = "--threads=%u"},
	[FC_LD_MOLD] = {FC_LD_MOLD, "mold", NULL, .program = "mold", .version_arg = "--version",
			.says = "mold", .says_first = true, .emulation = true,
			.own_flag = "--no-fork", .own_flag_timing = true, .no_dyn_linker = true,
			.thunk_name = mold_thunk, .thread_flag = "--thread-count=%u"},
	/* Given what bfd is given: the GNU options are the common ones. */
	[FC_LD_UNKNOWN] = {FC_LD_UNKNOWN, "unknown", NULL, .no_dyn_linker = true},
	[FC_LD_GO] = {FC_LD_GO, "go", NULL, .program = "go", .version_arg = "version",
		      .by_file_name = true, .thunk_name = go_thunk,
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

char *fc_linker_thread_flag(const struct fc_linker_kind *k, unsigned n)
{
	return k->thread_flag ? fc_xasprintf(k->thread_flag, n) : NULL;
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

bool fc_thunk_name_parse(const char *sym, struct fc_thunk_name *tn)
{
	/* The most particular first: lld's "__<kind>Thunk_" prefix over GNU
	 * ld's "_veneer" suffix (lld's thunk to a function f_veneer). */
	static const enum fc_flavor order[] = {FC_LD_LLD, FC_LD_GO, FC_LD_MOLD, FC_LD_BFD};
	struct fc_thunk_name dummy;
	if (!sym)
		return false;
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (kinds[order[i]].thunk_name(sym, tn ? tn : &dummy))
			return true;
	return false;
}

bool fc_is_linker_stub_name(const char *sym)
{
	return fc_thunk_name_parse(sym, NULL);
}
