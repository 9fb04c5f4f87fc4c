/* A generated case on disk: the objects and the manifest, built beside
 * the destination and renamed into place when complete. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../core/util.h"
#include "gen.h"

int fc_gen_case(const struct fc_gen_opts *o, const char *out, int quiet)
{
	if (o->go)
		return fc_gen_go(o, out, quiet);
	struct fc_manifest m;
	double t0 = fc_now();
	if (elf_version(EV_CURRENT) == EV_NONE)
		return fc_err("gen: libelf is too old");
	if (fc_model_build(o, &m) < 0) {
		fc_manifest_free(&m);
		return -1;
	}
	/* Build beside the destination, rename when complete. */
	char *tmp = fc_xasprintf("%s.tmp.%d", out, (int)getpid());
	int r = -1;
	fc_rm_rf(tmp);
	if (fc_mkdir_p(tmp) < 0)
		goto out;
	uint64_t code = 0, disk = 0;
	struct fc_progress p;
	fc_progress_start(&p, "gen: objects", m.nobjs);
	for (uint32_t i = 0; i < m.nobjs; i++) {
		if (fc_write_object(tmp, &m, i, &code, &disk) < 0)
			goto out;
		fc_progress_set(&p, i + 1);
	}
	fc_progress_end(&p);
	if (fc_manifest_save(tmp, &m) < 0 || fc_replace_dir(tmp, out) < 0)
		goto out;
	if (!quiet) {
		uint64_t far = 0, bad = 0;
		for (uint64_t i = 0; i < m.nsites; i++) {
			far += m.sites[i].far;
			bad += m.sites[i].expect_error;
		}
		char a[32], b[32], c[32], d[32], nofix[64] = "";
		if (bad)
			snprintf(nofix, sizeof nofix, " (%" PRIu64 " that no linker can fix)", bad);
		printf("%s: %s %s %s: %u functions, %" PRIu64 " sites, %" PRIu64
		       " out of range%s, %s of code, %s of files (%s on disk), %.2f s\n",
		       out, m.t->name, fc_mode_name(m.mode), fc_fmt_size(m.size, a, sizeof a),
		       m.nfuncs, m.nsites, far, nofix, fc_fmt_size(code, b, sizeof b),
		       fc_fmt_size(m.size, c, sizeof c), fc_fmt_size(disk, d, sizeof d),
		       fc_now() - t0);
	}
	r = 0;
out:
	if (r)
		fc_rm_rf(tmp);
	free(tmp);
	fc_manifest_free(&m);
	return r;
}

