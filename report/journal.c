/* One JSON file per finished job: every field of its result, by a table,
 * so that what a resumed run reports is what the first run found. The
 * checks' results are one JSON object (checks/check.h): the journal keeps
 * whatever the registry holds without naming a check. */
#define _GNU_SOURCE
#include "journal.h"

#include <inttypes.h>
#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

enum kind { K_STR, K_U64, K_INT, K_LONG, K_DBL, K_JSON };

static const struct field {
	const char *name;
	size_t off;
	enum kind k;
} fields[] = {
#define F(n, k) {#n, offsetof(struct fc_case_result, n), k}
	F(arch, K_STR), F(linker, K_STR), F(linker_version, K_STR), F(linker_path, K_STR),
	F(case_dir, K_STR), F(size, K_U64), F(seed, K_U64), F(verdict, K_INT),
	F(reason, K_STR), F(scenario, K_STR), F(link_exit, K_INT), F(link_signal, K_INT),
	F(link_timed_out, K_INT), F(link_wall_s, K_DBL), F(link_rss_kb, K_LONG),
	F(link_command, K_STR), F(link_stderr, K_STR), F(mode, K_STR), F(relax, K_INT), F(expect_error, K_INT),
	F(have_checks, K_INT), F(checks, K_JSON), F(sites, K_U64), F(sites_failed, K_U64),
	F(via_thunk, K_U64), F(thunks, K_U64), F(relaxed, K_U64), F(relaxed_addr, K_U64),
	F(thunk_bytes, K_U64), F(details, K_STR),
#undef F
};

char *fc_journal_dir(const char *work, const char *cmdline)
{
	uint64_t h = fc_hash64(FC_HASH_INIT, cmdline, strlen(cmdline));
	char *d = fc_xasprintf("%s/.journal-%016" PRIx64, work, h);
	if (fc_mkdir_p(d) < 0) {
		free(d);
		return NULL;
	}
	return d;
}

int fc_journal_put(const char *dir, size_t n, const struct fc_case_result *r)
{
	json_t *j = json_object();
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		const struct field *f = &fields[i];
		const char *p = (const char *)r + f->off;
		json_t *v = NULL;
		switch (f->k) {
		case K_STR: v = *(char *const *)p ? fc_json_str(*(char *const *)p) : NULL; break;
		case K_U64: v = json_integer((json_int_t)*(const uint64_t *)p); break;
		case K_INT: v = json_integer(*(const int *)p); break;
		case K_LONG: v = json_integer(*(const long *)p); break;
		case K_DBL: v = json_real(*(const double *)p); break;
		case K_JSON: v = *(json_t *const *)p ? json_incref(*(json_t *const *)p) : NULL; break;
		}
		if (v)
			json_object_set_new(j, f->name, v);
	}
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	char *path = fc_xasprintf("%s/%06zu.json", dir, n);
	int rc = s ? fc_write_file_atomic(path, s, strlen(s)) : -1;
	free(path);
	free(s);
	return rc;
}

static bool same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

bool fc_journal_get(const char *dir, size_t n, const struct fc_case_result *want,
		    struct fc_case_result *r)
{
	char *path = fc_xasprintf("%s/%06zu.json", dir, n);
	json_t *j = fc_exists(path) ? json_load_file(path, 0, NULL) : NULL;
	free(path);
	if (!j)
		return false;
	struct fc_case_result x = {0};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		const struct field *f = &fields[i];
		char *p = (char *)&x + f->off;
		json_t *v = json_object_get(j, f->name);
		if (!v)
			continue;
		switch (f->k) {
		case K_STR:
			if (json_is_string(v))
				*(char **)p = fc_xstrdup(json_string_value(v));
			break;
		case K_U64: *(uint64_t *)p = (uint64_t)json_integer_value(v); break;
		case K_INT: *(int *)p = (int)json_integer_value(v); break;
		case K_LONG: *(long *)p = (long)json_integer_value(v); break;
		case K_DBL: *(double *)p = json_number_value(v); break;
		case K_JSON: *(json_t **)p = json_incref(v); break;
		}
	}
	json_decref(j);
	/* The same job: what made it, and a verdict the run itself gives. */
	bool ok = same(x.arch, want->arch) && same(x.linker, want->linker) &&
		  same(x.linker_path, want->linker_path) &&
		  same(x.linker_version, want->linker_version) && same(x.case_dir, want->case_dir) &&
		  same(x.scenario, want->scenario) && x.verdict >= 0 &&
		  x.verdict != FC_V_XFAIL && x.verdict != FC_V_XPASS && x.verdict < FC_V_N;
	if (!ok) {
		fc_case_result_free(&x);
		return false;
	}
	fc_case_result_free(r);
	*r = x;
	return true;
}
