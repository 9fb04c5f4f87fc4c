#define _GNU_SOURCE 1 /* memfd_create */
/* Fuzz the whole `farcall check BINARY` path in one process: the subject
 * built from a binary (checks/subject.c: symbols, DWARF subprograms,
 * linker stubs by name and by shape, the call scanner of verify/callscan.c),
 * then every check of the registry (checks/runner.c): the calls executed
 * through whatever thunk in Unicorn, address sequences, the line table,
 * the CFI run by execution (verify/cfi.c), frames, layout, kept relocations
 * and call-site tables; then the report and the JSON written as `check`
 * writes them (names come from the binary). Slow per input, on purpose.
 *
 * No guard here (emu/guard.c runs `check` in a child and survives a
 * Unicorn abort): an abort inside Unicorn shows as a crash of this harness
 * and is judged by where it happened. */
#include <jansson.h>

#include "../../checks/runner.h"
#include "elfmut.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	if (!null && !(null = fopen("/dev/null", "w")))
		abort();
	const char *path = fuzz_memfd(data, size);
	struct fc_subject s;
	struct fc_subject_opts so = {.jobs = 1};
	if (fc_subject_open_binary(&s, path, &so) == 0) {
		struct fc_check_result *res = calloc(fc_checks_count(), sizeof *res);
		if (fc_checks_run(&s, FC_PICK_ALL, res) == 0) {
			fc_subject_load_figures(&s);
			fc_subject_load_print(null, &s);
			fc_checks_report(null, &s, res, 20);
			json_t *j = fc_subject_json(&s, res, 100);
			char *txt = json_dumps(j, JSON_COMPACT);
			free(txt);
			json_decref(j);
		}
		for (size_t i = 0; i < fc_checks_count(); i++)
			fc_check_result_free(&res[i]);
		free(res);
	}
	fc_subject_close(&s);
	return 0;
}
