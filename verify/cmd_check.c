/* farcall check BINARY: a binary nobody generated, with no manifest.
 *
 * Functions come from the symbol table; when the binary has DWARF, the
 * functions are those with a subprogram, and the other code symbols are the
 * linker's (thunks, veneers, trampolines, PLT stubs), reported apart. Direct
 * calls are found by disassembly, as the target decodes them, and executed
 * like generated ones: through whatever thunk, to a function entry (the
 * callee itself when the call names one), registers and stack kept. Every
 * instruction of every function with debug info must be covered by a line
 * row: the class of Go's arm64 bug where trampolines dropped the line table
 * of their callers (golang/go#54320). Every function is then run from its
 * entry and its CFI compared with the real CFA and return address at each
 * instruction (verify/cfi.c): the class of Go's "leaf bit" bug, where leaf
 * functions claimed a frame they did not have. Compilers that write
 * synchronous unwind tables are exact only at the entry, at calls and where
 * a row starts; elsewhere a disagreement is a note unless --cfi-strict. */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../core/jsonfile.h"
#include "../core/util.h"
#include "../emu/emu.h"
#include "../farcall.h"
#include "callscan.h"
#include "cfi.h"
#include "layout.h"
#include "lines.h"

void fc_emu_report(FILE *f, struct fc_image *im, const struct fc_manifest *m,
		   const struct fc_calls_result *r, size_t max_report);
json_t *fc_emu_json(const struct fc_image *im, const struct fc_manifest *m,
		    const struct fc_calls_result *r, size_t max_fails);

static const char check_usage[] =
	"usage: farcall check [-j N] [--max-report N] [--json FILE] [--cfi-strict] BINARY\n"
	"\n"
	"Check a linked binary nobody generated (a Go service, a C program linked\n"
	"with mold) on an x86 host: every direct call found by disassembly is\n"
	"executed in Unicorn through whatever thunk the linker made to a function\n"
	"entry, with the ABI's registers and stack kept; every instruction of every\n"
	"function with debug info must be covered by a DWARF line row. Functions\n"
	"come from the symbol table; with DWARF, code symbols without a subprogram\n"
	"are the linker's thunks and stubs, reported apart. Each function is run\n"
	"from its entry and its CFI (.eh_frame or .debug_frame) must give the real\n"
	"CFA and return address at its entry, at every call and where each CFI row\n"
	"starts (synchronous unwind tables); elsewhere a disagreement is a note.\n"
	"\n"
	"  -j N            execute on N threads\n"
	"  --max-report N  print at most N failures of each kind (default 20)\n"
	"  --json FILE     also write the results as JSON\n"
	"  --cfi-strict    the CFI must be exact at every instruction (asynchronous\n"
	"                  unwind tables, as gcc and clang write for amd64)\n"
	"Exit: 0 all pass, 1 any fails, 2 usage or environment error.\n";

/* Without DWARF, a linker's thunk is known by its name alone. */
static bool named_like_thunk(const char *n)
{
	return strstr(n, "Thunk") || strstr(n, "_veneer") || strstr(n, "$thunk") ||
	       strstr(n, "-tramp") || strstr(n, "@plt") || !strncmp(n, "__long_branch", 13);
}

struct fn {
	uint64_t addr, size; /* addr first: the sort key */
	const char *name;
};

static int find_fn(const struct fn *v, size_t n, uint64_t a)
{
	size_t i = fc_lower_key64(v, n, sizeof *v, a);
	return i < n && v[i].addr == a ? (int)i : -1;
}

static bool inside_fn(const struct fn *v, size_t n, uint64_t a)
{
	size_t i = fc_upper_key64(v, n, sizeof *v, a);
	return i && a < v[i - 1].addr + v[i - 1].size;
}

int cmd_check(int argc, char **argv)
{
	static const struct option lo[] = {{"max-report", 1, 0, 'm'}, {"json", 1, 0, 'J'},
					   {"cfi-strict", 0, 0, 'S'},
					   {"help", 0, 0, 'h'}, {0}};
	size_t max_report = 20;
	unsigned jobs = 1;
	const char *json = NULL;
	bool cfi_strict = false;
	int c;
	fc_getopt_reset();
	while ((c = getopt_long(argc, argv, "hj:", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
			if (fc_parse_jobs("check", optarg, &jobs) < 0)
				return FC_EXIT_USAGE;
			break;
		case 'm': {
			uint64_t v;
			if (fc_parse_u64(optarg, &v))
				return fc_err("check: --max-report: not a number: '%s'", optarg),
				       FC_EXIT_USAGE;
			max_report = (size_t)v;
			break;
		}
		case 'J': json = optarg; break;
		case 'S': cfi_strict = true; break;
		case 'h': fputs(check_usage, stdout); return FC_EXIT_OK;
		default: fputs(check_usage, stderr); return FC_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fputs(check_usage, stderr);
		return FC_EXIT_USAGE;
	}
	const char *path = argv[optind];
	struct fc_image im;
	if (fc_image_open(&im, path, NULL) < 0) {
		fc_image_close(&im);
		return FC_EXIT_USAGE;
	}
	const struct target *t = im.t;
	struct fc_lines lines;
	fc_lines_load(im.elf, path, &lines);
	bool by_dwarf = lines.have && lines.nsubs > 0;

	/* Functions, and the linker's code apart. */
	struct fn *fns = fc_xcalloc(im.syms.n + 1, sizeof *fns);
	size_t nf = 0, nthunks = 0;
	for (size_t i = 0; i < im.syms.n; i++) {
		const struct fc_sym *y = &im.syms.v[i];
		if (y->type != STT_FUNC || !y->size || y->quiet || !fc_image_executable(&im, y->addr))
			continue;
		bool real = by_dwarf ? fc_lines_sub(&lines, y->addr) != NULL : !named_like_thunk(y->name);
		if (!real) {
			nthunks++;
			continue;
		}
		if (nf && fns[nf - 1].addr == y->addr)
			continue; /* an alias */
		fns[nf++] = (struct fn){y->addr, y->size, y->name};
	}
	qsort(fns, nf, sizeof *fns, fc_cmp_key64);

	/* The manifest of what we found. A Go binary's trampolines may also
	 * use what Go's linker uses (riscv64: t6). */
	bool go = fc_syms_by_name(&im.syms, "runtime.buildVersion") != NULL;
	struct fc_manifest m = {.t = t, .from_binary = true, .nfuncs = (uint32_t)nf};
	if (go) {
		m.extra_scratch = t->go_scratch;
		m.nextra_scratch = t->ngo_scratch;
	}
	m.funcs = fc_xcalloc(nf + 1, sizeof *m.funcs);
	uint64_t *offs = fc_xcalloc(nf + 1, sizeof *offs);
	size_t scap = 1024;
	m.sites = fc_xcalloc(scap, sizeof *m.sites);
	uint64_t ninsns = 0, covered = 0, undecodable = 0, line0 = 0;
	size_t gaps = 0, shown = 0, with_lines = 0;
	char where[160];
	for (size_t i = 0; i < nf; i++) {
		offs[i] = fc_manifest_add_name(&m, fns[i].name);
		m.funcs[i] = (struct fc_func){.addr = fns[i].addr, .size = (uint32_t)fns[i].size,
					      .first_site = (uint32_t)m.nsites};
		const uint8_t *code = fc_image_ptr(&im, fns[i].addr, fns[i].size);
		if (!code)
			continue;
		/* Code ends where a literal pool ($d) begins. */
		uint64_t csize = fc_syms_code_end(&im.syms, fns[i].addr, fns[i].addr + fns[i].size) -
				 fns[i].addr;
		bool lined = by_dwarf && fc_lines_sub(&lines, fns[i].addr);
		uint64_t fin = 0, fcov = 0, first_gap = UINT64_MAX;
		for (uint64_t off = 0; off < csize;) {
			uint64_t a = fns[i].addr + off;
			enum fc_insn_type ty;
			uint64_t dest;
			unsigned len = t->decode(code + off, csize - off, a, &ty, &dest);
			if (!len) {
				undecodable++;
				off += t->insn_align;
				continue;
			}
			fin++;
			if (lined) {
				/* A row with line 0 is the compiler saying "no source
				 * line here": a row all the same (counted apart). */
				const struct fc_line_span *sp = fc_lines_at(&lines, a);
				if (sp) {
					fcov++;
					line0 += sp->line == 0;
				} else if (first_gap == UINT64_MAX) {
					first_gap = a;
				}
			}
			/* A call goes to a function's entry, or inside one (Go's
			 * Duff's devices: runtime.duffzero+N); elsewhere it is a
			 * thunk: where its name says, or any function entry. */
			struct fc_found_call fcl;
			if (fc_find_call(&im, code + off, csize - off, a, ty == FC_INSN_CALL, dest,
					 &fcl)) {
				if (m.nsites == scap)
					m.sites = fc_xrealloc(m.sites, (scap *= 2) * sizeof *m.sites);
				uint64_t d = fcl.dest;
				if (fcl.known && fcl.named && find_fn(fns, nf, d) < 0 &&
				    !inside_fn(fns, nf, d))
					d = fcl.named;
				int callee = fcl.known ? find_fn(fns, nf, d) : -1;
				uint32_t tgt = FC_REF_ANY;
				int64_t add = 0;
				if (callee >= 0) {
					tgt = (uint32_t)callee;
				} else if (fcl.known && inside_fn(fns, nf, d)) {
					tgt = FC_REF_ABS;
					add = (int64_t)d;
				}
				m.sites[m.nsites++] = (struct fc_site){
					.caller = (uint32_t)i, .off = (uint32_t)off, .form = (uint8_t)fcl.form,
					.target = tgt, .addend = add};
				m.funcs[i].nsites++;
			}
			off += len;
		}
		ninsns += lined ? fin : 0;
		covered += fcov;
		if (lined) {
			with_lines++;
			if (fcov < fin) {
				gaps++;
				if (shown++ < max_report)
					printf("%s: %s: %" PRIu64 " of %" PRIu64 " instructions have no line "
					       "row; the first at %s (0x%" PRIx64 ")\n", path, fns[i].name,
					       fin - fcov, fin, fc_syms_fmt(&im.syms, first_gap, where,
									    sizeof where), first_gap);
			}
		}
	}
	fc_manifest_fix_names(&m, offs, NULL);
	free(offs);

	struct fc_calls_result r;
	int st = FC_EXIT_USAGE;
	if (fc_emu_calls_jobs(&im, &m, jobs, &r) == 0) {
		fc_emu_report(stdout, &im, &m, &r, max_report);
		char **lay = NULL;
		size_t nlay = 0;
		fc_layout_check(&im, &lay, &nlay);
		for (size_t k = 0; k < nlay; k++) {
			if (k < max_report)
				printf("%s\n", lay[k]);
			free(lay[k]);
		}
		free(lay);
		if (lines.problems)
			fputs(lines.problems, stdout);
		/* Line sequences run past their function into another: the owner's
		 * finding (verify/lines.c); the other is not blamed for them. */
		for (size_t k = 0; k < lines.noverruns && k < max_report; k++) {
			char ov[512];
			printf("%s: %s\n", path, fc_line_overrun_fmt(&lines.overruns[k], ov, sizeof ov));
		}
		printf("%s: %s%s, %zu functions (%zu linker thunks and stubs apart)\n", path, t->name,
		       go ? " (Go)" : "", nf, nthunks);
		printf("%s: calls: %" PRIu64 " found by disassembly, %" PRIu64 " failed; %" PRIu64
		       " direct, %" PRIu64 " through %" PRIu64 " thunks\n", path, r.checked, r.failed,
		       r.direct, r.via_thunk, r.thunks);
		if (!lines.have)
			printf("%s: lines: no debug info\n", path);
		else
			printf("%s: lines: %zu functions with debug info, %.2f%% of their %" PRIu64
			       " instructions covered (%" PRIu64 " by line-0 rows), %zu with gaps\n", path,
			       with_lines, ninsns ? 100.0 * (double)covered / (double)ninsns : 100.0,
			       ninsns, line0, gaps);
		printf("%s: layout: %zu findings\n", path, nlay);
		st = (r.failed || gaps || lines.problems || lines.noverruns || nlay) ? FC_EXIT_FAIL
										       : FC_EXIT_OK;

		/* CFI, by execution. */
		struct fc_cfi_func *cf = fc_xcalloc(nf + 1, sizeof *cf);
		for (size_t i = 0; i < nf; i++)
			cf[i] = (struct fc_cfi_func){fns[i].addr, fns[i].size, fns[i].name};
		struct fc_cfi_opts co = {.strict = cfi_strict, .jobs = jobs, .go = go};
		struct fc_cfi_result cr;
		struct fc_cfi_extra cx;
		json_t *jcfi = NULL;
		if (fc_cfi_check_opts(path, t, cf, nf, &co, &cr, &cx) < 0) {
			st = FC_EXIT_USAGE;
		} else if (!cr.have_cfi) {
			printf("%s: cfi: no CFI\n", path);
			jcfi = json_pack("{s:b}", "cfi", 0);
		} else {
			for (size_t i = 0; i < cr.nfails && i < max_report; i++)
				printf("%s: %s\n", path, cr.fails[i].msg);
			printf("%s: cfi: %" PRIu64 " functions, %" PRIu64 " failed, %" PRIu64
			       " instructions compared", path, cr.functions, cr.failed, cr.instructions);
			if (cr.no_fde)
				printf("; %" PRIu64 " without an FDE", cr.no_fde);
			if (cx.imprecise)
				printf("; %" PRIu64 " exact only at entry, calls and row starts "
				       "(synchronous unwind tables)", cx.imprecise);
			putchar('\n');
			if (cx.nnotes)
				printf("%s: cfi: note: %s (the first of %zu such functions; "
				       "--cfi-strict fails them)\n", path, cx.notes[0].msg, cx.nnotes);
			if (cr.failed && st == FC_EXIT_OK)
				st = FC_EXIT_FAIL;
			static const char *const whys[] = {"cfa", "ra", "no_fde", "bad"};
			json_t *jf = json_array();
			for (size_t i = 0; i < cr.nfails && i < 200; i++) {
				const struct fc_cfi_fail *x = &cr.fails[i];
				json_array_append_new(jf, json_pack("{s:s, s:I, s:s, s:I, s:I, s:s}",
					"function", cf[x->func].name, "at", (json_int_t)x->at,
					"why", whys[x->why], "got", (json_int_t)x->got,
					"want", (json_int_t)x->want, "message", x->msg));
			}
			jcfi = json_pack("{s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:o}", "cfi",
					 1, "strict", cfi_strict, "functions", (json_int_t)cr.functions,
					 "failed", (json_int_t)cr.failed, "no_fde",
					 (json_int_t)cr.no_fde, "instructions",
					 (json_int_t)cr.instructions, "imprecise",
					 (json_int_t)cx.imprecise, "faults", (json_int_t)cx.faults,
					 "capped", (json_int_t)cx.capped, "seconds", cr.seconds,
					 "fails", jf);
		}
		if (json) {
			json_t *j = json_pack("{s:s, s:s, s:I, s:I, s:o, s:{s:b, s:I, s:I, s:f, s:I}, s:o*}",
					      "binary", path, "arch", t->name, "functions",
					      (json_int_t)nf, "thunks", (json_int_t)nthunks, "calls",
					      fc_emu_json(&im, &m, &r, 200), "lines", "debug_info",
					      lines.have, "functions", (json_int_t)with_lines,
					      "instructions", (json_int_t)ninsns, "covered_pct",
					      ninsns ? 100.0 * (double)covered / (double)ninsns : 100.0,
					      "failed", (json_int_t)gaps, "cfi", jcfi);
			jcfi = NULL;
			if (fc_write_json(json, j, JSON_INDENT(2)) < 0)
				st = FC_EXIT_USAGE;
			json_decref(j);
		}
		json_decref(jcfi);
		fc_cfi_result_free(&cr);
		fc_cfi_extra_free(&cx);
		free(cf);
		fc_calls_result_free(&r);
	}
	(void)undecodable;
	fc_manifest_free(&m);
	fc_lines_free(&lines);
	free(fns);
	fc_image_close(&im);
	return st;
}
