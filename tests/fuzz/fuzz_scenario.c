#define _GNU_SOURCE 1 /* memfd_create */
/* Fuzz the scenario-file parser (report/corpus.c, the corpus's .scn files), from
 * memory: keys, the generator options (fc_gen_parse, getopt_long) and the
 * agreement of expect: with them. */
#include "../../report/corpus.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fc_scenario s;
	fc_scenario_parse("fuzz.scn", "fuzz", (const char *)data, size, &s);
	fc_scenario_free(&s);
	return 0;
}
