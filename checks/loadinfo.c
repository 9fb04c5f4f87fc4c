/* What the loader did to a binary before any check ran (emu/dynamic.c),
 * for a person and for --json: the dynamic relocations by class, the
 * imports bound to stubs, the IFUNCs resolved and the CPU their resolvers
 * were told of, and the calls that went through a PLT or IPLT entry. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "runner.h"

static size_t ifuncs_failed(const struct fc_dyninfo *d)
{
	size_t n = 0;
	for (size_t i = 0; i < d->nifuncs; i++)
		n += d->ifuncs[i].why != NULL;
	return n;
}

static size_t called(const uint32_t *v, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; v && i < n; i++)
		k += v[i] != 0;
	return k;
}

/* "HWCAP 0x3 (fp, asimd)", or the ABI's own words when it passes none. */
static void cpu_words(const struct target *t, char *buf, size_t len)
{
	const struct fc_ifunc_abi *a = t->ifunc;
	if (!a)
		snprintf(buf, len, "(no IFUNC convention known)");
	else if (!a->nargs)
		snprintf(buf, len, "(%s)", a->features);
	else if (a->hwcap2)
		snprintf(buf, len, "HWCAP 0x%" PRIx64 " HWCAP2 0x%" PRIx64 " (%s)", a->hwcap,
			 a->hwcap2, a->features);
	else
		snprintf(buf, len, "HWCAP 0x%" PRIx64 " (%s)", a->hwcap, a->features);
}

void fc_subject_load_figures(struct fc_subject *s)
{
	const struct fc_dyninfo *d = &s->im.dyn;
	json_t *dy = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			       "relative", (json_int_t)d->relative,
			       "symbolic", (json_int_t)d->symbolic,
			       "to_imports", (json_int_t)d->to_imports,
			       "imports", (json_int_t)d->nimports,
			       "irelative", (json_int_t)d->irelative,
			       "copy_left", (json_int_t)d->copy,
			       "tls_left", (json_int_t)d->tls,
			       "calls_to_imports", (json_int_t)s->calls_to_imports);
	json_object_set_new(s->figures, "dynamic", dy);
	if (!d->nifuncs)
		return;
	const struct fc_ifunc_abi *a = s->t->ifunc;
	json_t *list = json_array();
	for (size_t i = 0; i < d->nifuncs; i++) {
		const struct fc_ifunc *f = &d->ifuncs[i];
		json_t *o = json_pack("{s:s, s:I, s:I}", "name", f->name ? f->name : "?", "resolver",
				      (json_int_t)f->resolver, "calls",
				      (json_int_t)(s->ifunc_calls ? s->ifunc_calls[i] : 0));
		if (f->why) {
			json_object_set_new(o, "failed", json_string(f->why));
		} else {
			json_object_set_new(o, "impl", json_integer((json_int_t)f->impl));
			const struct fc_sym *y = fc_syms_at(&s->im.syms, f->impl);
			if (y && y->addr == f->impl)
				json_object_set_new(o, "impl_name", json_string(y->name));
		}
		json_array_append_new(list, o);
	}
	json_t *fi = json_pack("{s:I, s:I, s:I, s:I, s:I, s:s, s:I, s:o}",
			       "resolved", (json_int_t)(d->nifuncs - ifuncs_failed(d)),
			       "failed", (json_int_t)ifuncs_failed(d),
			       "hwcap", (json_int_t)(a ? a->hwcap : 0),
			       "hwcap2", (json_int_t)(a ? a->hwcap2 : 0),
			       "instructions", (json_int_t)d->ifunc_insns,
			       "features", a ? a->features : "",
			       "calls", (json_int_t)s->calls_to_ifuncs, "ifuncs", list);
	json_object_set_new(s->figures, "ifunc", fi);
}

void fc_subject_load_print(FILE *f, const struct fc_subject *s)
{
	const struct fc_dyninfo *d = &s->im.dyn;
	uint64_t applied = d->relative + d->symbolic + d->irelative;
	if (applied || d->copy || d->tls) {
		fprintf(f, "%s: dynamic: %" PRIu64 " relocations applied (%" PRIu64 " RELATIVE, %"
			PRIu64 " symbolic, %" PRIu64 " IRELATIVE), %zu imports bound to stubs (%"
			PRIu64 " relocations), %" PRIu64 " COPY and %" PRIu64
			" TLS left as they are; %" PRIu64 " calls through the PLT to %zu imports\n",
			s->path, applied, d->relative, d->symbolic, d->irelative, d->nimports,
			d->to_imports, d->copy, d->tls, s->calls_to_imports,
			called(s->import_calls, d->nimports));
	}
	if (!d->nifuncs)
		return;
	char cpu[160];
	cpu_words(s->t, cpu, sizeof cpu);
	size_t bad = ifuncs_failed(d);
	fprintf(f, "%s: ifunc: %zu resolved for %s %s", s->path, d->nifuncs - bad, s->t->name, cpu);
	if (bad)
		fprintf(f, ", %zu failed", bad);
	fprintf(f, "; %" PRIu64 " calls through the IPLT to %zu of them", s->calls_to_ifuncs,
		called(s->ifunc_calls, d->nifuncs));
	const char *sep = ": ";
	for (size_t i = 0; s->ifunc_calls && i < d->nifuncs; i++) {
		const struct fc_ifunc *x = &d->ifuncs[i];
		if (!s->ifunc_calls[i] || x->why)
			continue;
		const struct fc_sym *y = fc_syms_at(&s->im.syms, x->impl);
		fprintf(f, "%s%s -> %s", sep, x->name ? x->name : "?",
			y && y->addr == x->impl ? y->name : "?");
		sep = ", ";
	}
	fputc('\n', f);
}
