/* farcall gen: a case directory with the objects and the manifest. */
#include "../core/util.h"
#include "../farcall.h"
#include "gen.h"

int cmd_gen(int argc, char **argv)
{
	struct fc_gen_opts o;
	const char *out;
	int quiet = 0;
	int r = fc_gen_parse(argc, argv, &o, &out, &quiet);
	if (r)
		return r > 0 ? FC_EXIT_OK : FC_EXIT_USAGE;
	if (!out)
		return fc_err("gen: -o CASE is required"), FC_EXIT_USAGE;
	return fc_gen_case(&o, out, quiet) < 0 ? FC_EXIT_USAGE : FC_EXIT_OK;
}
