/* calls: every call and branch executed through whatever thunk, veneer,
 * trampoline or PLT entry the linker made, to exactly its callee's entry,
 * with the return address right and the ABI's registers and stack kept
 * (emu/calls.c). A generated case's sites come from its manifest; a Go
 * case's from its edges matched by line; a binary's from disassembly. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>

#include "../core/util.h"
#include "../verify/gocase.h"
#include "sites.h"

static int run(struct fc_subject *s, struct fc_check_result *r)
{
	/* First an IFUNC whose resolver failed at load (emu/dynamic.c):
	 * nothing called through it can arrive anywhere meant. */
	const struct fc_dyninfo *dy = &s->im.dyn;
	for (size_t i = 0; i < dy->nifuncs; i++) {
		const struct fc_ifunc *f = &dy->ifuncs[i];
		if (f->why)
			fc_find_at(&r->f, &s->im.syms, FC_SEV_FAIL, f->resolver,
				   "%s: IFUNC %s (resolver 0x%" PRIx64 "): %s; its %u slot%s keep%s "
				   "what the file has", s->path, f->name ? f->name : "?", f->resolver,
				   f->why, f->nrel, f->nrel == 1 ? "" : "s", f->nrel == 1 ? "s" : "");
	}
	/* Then the calls, which the above explains when they fail through it. */
	if (fc_sites_findings(s, true, r) < 0)
		return -1;
	const struct fc_calls_result *c = fc_subject_calls(s);
	r->checked = c->calls;
	r->failed = c->calls_failed;
	const char *hop = s->kind == FC_KIND_GO ? "trampolines" : "thunks";
	char extra[256] = "";
	if (s->kind == FC_KIND_GO) {
		/* The edges the source makes that no call stands for, and calls
		 * it does not make, are this check's too. */
		r->failed += s->go->edges_missing + s->go->edges_unexpected + s->go->funcs_missing;
		fc_findings_take(&r->f, &s->go->edge_f);
		snprintf(extra, sizeof extra, "; %" PRIu64 " edges: %" PRIu64 " not at their line, %"
			 PRIu64 " unexpected, %" PRIu64 " functions missing", s->go->edges,
			 s->go->edges_missing, s->go->edges_unexpected, s->go->funcs_missing);
	} else if (s->kind == FC_KIND_BINARY) {
		int k = 0;
		if (s->weak_calls)
			k += snprintf(extra + k, sizeof extra - (size_t)k, "; %" PRIu64 " calls to "
				      "undefined weak functions (to 0) not executed", s->weak_calls);
		if (s->unnamed_hops && k >= 0 && (size_t)k < sizeof extra)
			snprintf(extra + k, sizeof extra - (size_t)k, "; %" PRIu64 " through code no "
				 "symbol covers (stubs of no known shape: to any function entry)",
				 s->unnamed_hops);
	}
	/* Relaxed: shorter than the form the generator wrote. Nobody knows
	 * what a compiler wrote before the link, so only a generated case says. */
	bool gen = s->kind == FC_KIND_CASE;
	uint64_t relaxed = gen ? c->relaxed : 0, relaxed_addr = gen ? c->relaxed_addr : 0;
	char rx[48] = "";
	if (gen)
		snprintf(rx, sizeof rx, "; %" PRIu64 " relaxed", relaxed);
	r->summary = fc_xasprintf("%" PRIu64 " %s, %" PRIu64 " failed; %" PRIu64 " direct, %"
				  PRIu64 " through %" PRIu64 " %s%s%s", c->calls,
				  s->kind == FC_KIND_BINARY ? "found by disassembly" : "calls",
				  c->calls_failed, c->direct, c->via_thunk, c->thunks, hop, rx, extra);
	r->figures = json_pack("{s:I, s:I, s:I, s:I, s:f}", "direct", (json_int_t)c->direct,
			       "via_thunk", (json_int_t)c->via_thunk, "thunks",
			       (json_int_t)c->thunks, "relaxed", (json_int_t)relaxed,
			       "sites_per_s", c->seconds > 0 ? (double)c->checked / c->seconds : 0.0);
	if (s->kind == FC_KIND_BINARY) {
		json_object_set_new(r->figures, "weak_calls", json_integer((json_int_t)s->weak_calls));
		json_object_set_new(r->figures, "unnamed_hops",
				    json_integer((json_int_t)s->unnamed_hops));
	}
	/* The output's own figures, whichever check finds them. */
	json_object_set_new(s->figures, "thunks", json_integer((json_int_t)c->thunks));
	json_object_set_new(s->figures, "via_thunk", json_integer((json_int_t)c->via_thunk));
	json_object_set_new(s->figures, "relaxed", json_integer((json_int_t)relaxed));
	json_object_set_new(s->figures, "relaxed_addr", json_integer((json_int_t)relaxed_addr));
	json_object_set_new(s->figures, "sites", json_integer((json_int_t)c->checked));
	json_object_set_new(s->figures, "sites_failed", json_integer((json_int_t)c->failed));
	return 0;
}

static const char *const columns[] = {"checked", "failed", "thunks", NULL};

const struct fc_check fc_check_calls = {
	.name = "calls",
	.what = "every call and branch reaches exactly its callee's entry through whatever "
		"thunk, registers, stack and return address kept",
	.kinds = FC_KIND_ALL,
	.exec = true,
	.code = true,
	.run = run,
	.columns = columns,
};
