/* The generator's options, from farcall gen's command line and from the
 * corpus's scenario files (which are gen's words). */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "gen.h"

static const char gen_usage[] =
	"usage: farcall gen [--arch A] [--size S] [--funcs N] [--objs N] [--calls N]\n"
	"                   [--far PCT] [--tail PCT] [--mode exe|pie|shared] [--no-relax]\n"
	"                   [--forms LIST] [--unfixable N] [--dwarf 4|5|none]\n"
	"                   [--cfi eh|debug|none] [--record-calls] [--seed S] -o CASE\n"
	"       farcall gen --frontend go [--arch A] [--funcs N] [--pkgs N] [--calls N]\n"
	"                   [--seed S] -o CASE\n"
	"\n"
	"Write a case: ELF relocatable objects whose .text spreads N functions over\n"
	"S bytes, and CASE/manifest.txt, the expectations emu and verify check.\n"
	"Padding between functions is zeros left as holes in the object files, so a\n"
	"4 GiB case costs what its code costs.\n"
	"\n"
	"  --arch A     target architecture: %s (default arm64)\n"
	"  --size S     bytes of .text, padding included: 256M, 4G (default 256M)\n"
	"  --funcs N    functions, _start included (default 4096)\n"
	"  --objs N     objects to spread them over (default: one per 4096 functions)\n"
	"  --calls N    average sites per function (default 16)\n"
	"  --far PCT    share of sites aimed out of direct branch range (default 50)\n"
	"  --tail PCT   share of functions that end in a tail call (default 25)\n"
	"  --mode M     what it will be linked as: exe (static), pie, shared (default exe);\n"
	"               absolute-address forms exist only for exe\n"
	"  --no-relax   RISC-V: no R_RISCV_RELAX, so the linker relaxes nothing\n"
	"  --forms LIST comma-separated forms (default: the arch's mix; farcall forms)\n"
	"  --unfixable N  aim N sites of forms no linker makes thunks for (B.cond, JAL,\n"
	"               rel32 ...) out of reach: the link must fail with a diagnostic\n"
	"  --dwarf V    debug info: DWARF 4, 5 (default) or none: a CU per object, a\n"
	"               subprogram per function, a line row per site\n"
	"  --cfi K      call-frame information in .eh_frame (eh, default), .debug_frame\n"
	"               (debug) or none; frames vary: leaf without one, leaf with stack,\n"
	"               functions that call saving FP and the return address\n"
	"  --seed S     random seed; the same arguments and seed give identical bytes\n"
	"  --record-calls  a table of every call site's address (section\n"
	"               __fc_callsites, as -mrecord-mcount's __mcount_loc), which the\n"
	"               link must keep pointing at each call (relaxation moves them)\n"
	"  -o CASE      the case directory to write (replaced whole when complete)\n"
	"  -q, --quiet  no summary line\n"
	"\n"
	"With --frontend go, CASE/src is a Go module for Go's own toolchain (farcall\n"
	"link --linker go): --funcs functions (default 512) over --pkgs packages\n"
	"(default 8), leaves and functions with frames of known size, each calling\n"
	"--calls later functions on average (default 2), most in other packages;\n"
	"every call on a line of its own. CASE/go-manifest.json holds the functions,\n"
	"their lines and frames, and every call edge with its line.\n";

int fc_gen_parse(int argc, char **argv, struct fc_gen_opts *o, const char **out, int *quiet)
{
	static const struct option lo[] = {
		{"arch", 1, 0, 'a'}, {"size", 1, 0, 's'}, {"funcs", 1, 0, 'f'},
		{"objs", 1, 0, 'O'}, {"calls", 1, 0, 'c'}, {"far", 1, 0, 'F'},
		{"tail", 1, 0, 'T'}, {"seed", 1, 0, 'S'}, {"quiet", 0, 0, 'q'},
		{"mode", 1, 0, 'M'}, {"no-relax", 0, 0, 'R'}, {"forms", 1, 0, 'X'},
		{"unfixable", 1, 0, 'U'}, {"dwarf", 1, 0, 'D'}, {"cfi", 1, 0, 'C'},
		{"record-calls", 0, 0, 'K'}, {"frontend", 1, 0, 'G'}, {"pkgs", 1, 0, 'P'}, {"help", 0, 0, 'h'}, {0}};
	/* What only C-style objects have, to refuse for a Go case. */
	const char *c_only = NULL;
	bool funcs_given = false, calls_given = false;
	*o = (struct fc_gen_opts){.t = fc_target_find("arm64"), .size = 256ULL << 20,
				  .seed = 1, .funcs = 4096, .calls = 16, .far_pct = 50,
				  .tail_pct = 25, .mode = FC_MODE_EXE, .relax = true, .dwarf = 5,
				  .cfi = 1, .pkgs = FC_GO_DEFAULT_PKGS};
	*out = NULL;
	int c;
	uint64_t v;
	fc_getopt_reset();
	while ((c = getopt_long(argc, argv, "o:qh", lo, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (!(o->t = fc_target_find(optarg)))
				return fc_err("gen: unknown arch '%s' (known: %s)", optarg,
					      fc_target_names());
			break;
		case 's':
			if (fc_parse_size(optarg, &o->size) || o->size == 0)
				return fc_err("gen: --size: not a size: '%s'", optarg);
			break;
		case 'G':
			if (strcmp(optarg, "c") && strcmp(optarg, "go"))
				return fc_err("gen: --frontend: c or go, not '%s'", optarg);
			o->go = !strcmp(optarg, "go");
			break;
		case 'P':
			if (fc_parse_u64(optarg, &v) || v < 1 || v > 100)
				return fc_err("gen: --pkgs: 1..100, not '%s'", optarg);
			o->pkgs = (uint32_t)v;
			break;
		case 'f': case 'O': case 'c': case 'F': case 'T':
			funcs_given |= c == 'f';
			calls_given |= c == 'c';
			if (c == 'O' || c == 'F' || c == 'T')
				c_only = c == 'O' ? "--objs" : c == 'F' ? "--far" : "--tail";
			if (fc_parse_u64(optarg, &v) || v > 100000000)
				return fc_err("gen: bad number '%s'", optarg);
			if ((c == 'F' || c == 'T') && v > 100)
				return fc_err("gen: a share is 0..100, not %s", optarg);
			*(c == 'f' ? &o->funcs : c == 'O' ? &o->objs : c == 'c' ? &o->calls
			  : c == 'F' ? &o->far_pct : &o->tail_pct) = (uint32_t)v;
			break;
		case 'S':
			if (fc_parse_u64(optarg, &o->seed))
				return fc_err("gen: --seed: not a number: '%s'", optarg);
			break;
		case 'M':
			c_only = "--mode";
			if (fc_mode_parse(optarg, &o->mode))
				return fc_err("gen: --mode: exe, pie or shared, not '%s'", optarg);
			break;
		case 'R': o->relax = false; c_only = "--no-relax"; break;
		case 'K': o->record_calls = true; c_only = "--record-calls"; break;
		case 'D':
			c_only = "--dwarf";
			if (!strcmp(optarg, "none") || !strcmp(optarg, "0"))
				o->dwarf = 0;
			else if (!strcmp(optarg, "4") || !strcmp(optarg, "5"))
				o->dwarf = atoi(optarg);
			else
				return fc_err("gen: --dwarf: 4, 5 or none, not '%s'", optarg);
			break;
		case 'C':
			c_only = "--cfi";
			if (!strcmp(optarg, "none"))
				o->cfi = 0;
			else if (!strcmp(optarg, "eh"))
				o->cfi = 1;
			else if (!strcmp(optarg, "debug"))
				o->cfi = 2;
			else
				return fc_err("gen: --cfi: eh, debug or none, not '%s'", optarg);
			break;
		case 'X': o->forms = optarg; c_only = "--forms"; break;
		case 'U':
			c_only = "--unfixable";
			if (fc_parse_u64(optarg, &v) || v > 1000000)
				return fc_err("gen: --unfixable: bad number '%s'", optarg);
			o->unfixable = (uint32_t)v;
			break;
		case 'o': *out = optarg; break;
		case 'q': *quiet = 1; break;
		case 'h': printf(gen_usage, fc_target_names()); return 1;
		default: fprintf(stderr, gen_usage, fc_target_names()); return -1;
		}
	}
	if (optind < argc)
		return fc_err("gen: unexpected argument '%s'", argv[optind]);
	o->c_only = c_only;
	if (o->go) {
		if (c_only)
			return fc_err("gen: %s is for C-style objects; a Go case is Go source that "
				      "go build compiles (its --size is ignored)", c_only);
		if (!funcs_given)
			o->funcs = FC_GO_DEFAULT_FUNCS;
		if (!calls_given)
			o->calls = FC_GO_DEFAULT_CALLS;
		if (!o->calls || o->calls > 64)
			return fc_err("gen: --calls for a Go case: 1..64, not %u", o->calls);
		return 0;
	}
	if (o->funcs < 2)
		return fc_err("gen: --funcs must be at least 2");
	if (!o->objs)
		o->objs = (o->funcs + FC_DEFAULT_FUNCS_PER_OBJ - 1) / FC_DEFAULT_FUNCS_PER_OBJ;
	if (o->objs > o->funcs)
		return fc_err("gen: --objs %u is more than --funcs %u", o->objs, o->funcs);
	if (o->cfi == 1 && o->size > (3ULL << 29) && !o->t->r_prel64)
		return fc_err("gen: %s's .eh_frame cannot reach functions more than 2 GiB away "
			      "(no 64-bit PC-relative relocation): use --cfi debug or none",
			      o->t->name);
	if ((o->funcs + o->objs - 1) / o->objs > FC_MAX_FUNCS_PER_OBJ)
		return fc_err("gen: at most %u functions per object; raise --objs",
			      FC_MAX_FUNCS_PER_OBJ);
	return 0;
}

