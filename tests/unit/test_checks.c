/* Unit tests for the check registry (checks/): findings, severities, and
 * that every report is driven by the registry: a check registered here,
 * which no report names, shows up in results.json, summary.md, junit.xml,
 * index.html and the journal. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../checks/check.h"
#include "../../core/util.h"
#include "../../report/journal.h"
#include "../../report/report.h"

static int dummy_run(struct fc_subject *s, struct fc_check_result *r)
{
	(void)s;
	(void)r;
	return 0;
}

static const char *const dummy_columns[] = {"widgets", NULL};

static const struct fc_check dummy = {
	.name = "dummy_widgets",
	.what = "a check only this test knows",
	.kinds = FC_KIND_CASE,
	.run = dummy_run,
	.columns = dummy_columns,
};

static void test_registry_lookup(void **state)
{
	(void)state;
	size_t n = fc_checks_count();
	assert_true(n >= 8);
	for (size_t i = 0; i < n; i++) {
		const struct fc_check *c = fc_check_at(i);
		assert_non_null(c->name);
		assert_non_null(c->run);
		assert_true(c->kinds != 0);
		assert_ptr_equal(fc_check_named(c->name), c);
	}
	assert_null(fc_check_at(n));
	assert_null(fc_check_named("no such check"));
}

static void test_finding_blame(void **state)
{
	(void)state;
	struct fc_sym v[] = {{0x1000, 0x40, "caller", STT_FUNC, false},
			     {0x1040, 0x20, "callee", STT_FUNC, false}};
	struct fc_syms s = {.v = v, .n = 2};
	struct fc_findings f = {0};
	fc_find_at(&f, &s, FC_SEV_FAIL, 0x1048, "out: %s", "a call arrived inside");
	fc_find_at(&f, &s, FC_SEV_NOTE, 0x2000, "out: past every symbol");
	fc_find(&f, FC_SEV_FAIL, "named", 4, FC_NOWHERE, "out: no address");
	assert_int_equal(f.n, 3);
	assert_string_equal(f.v[0].func, "callee");
	assert_int_equal(f.v[0].off, 8);
	assert_int_equal(f.v[0].addr, 0x1048);
	assert_string_equal(f.v[0].msg, "out: a call arrived inside");
	assert_null(f.v[1].func);
	assert_int_equal(f.v[1].sev, FC_SEV_NOTE);
	assert_string_equal(f.v[2].func, "named");
	assert_int_equal(f.fails, 2);
	assert_int_equal(f.notes, 1);
	fc_findings_free(&f);
}

static void test_severity(void **state)
{
	(void)state;
	struct fc_check_result r = {.state = FC_CK_RAN};
	fc_find(&r.f, FC_SEV_NOTE, NULL, 0, FC_NOWHERE, "out: a note");
	assert_false(fc_check_result_bad(&r, false));
	assert_true(fc_check_result_bad(&r, true));
	json_t *j = fc_check_result_json(&r, 10);
	assert_false(fc_check_json_bad(j, false));
	assert_true(fc_check_json_bad(j, true));
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(j, "findings"), 0), "severity")),
			    "note");
	json_decref(j);
	/* A check that could not run is not bad, and not a pass either. */
	struct fc_check_result nr = {.state = FC_CK_NOT_RUN, .why = fc_xstrdup("no debug info")};
	assert_false(fc_check_result_bad(&nr, true));
	j = fc_check_result_json(&nr, 10);
	assert_string_equal(fc_check_json_state(j), "not run");
	assert_string_equal(json_string_value(json_object_get(j, "why")), "no debug info");
	json_decref(j);
	fc_check_result_free(&nr);
	fc_check_result_free(&r);
}

static void test_findings_capped(void **state)
{
	(void)state;
	struct fc_findings f = {0};
	for (unsigned i = 0; i < FC_FINDINGS_KEPT + 5; i++)
		fc_find(&f, FC_SEV_FAIL, NULL, 0, i, "out: %u", i);
	assert_int_equal(f.n, FC_FINDINGS_KEPT);
	assert_int_equal(f.fails, FC_FINDINGS_KEPT + 5);
	fc_findings_free(&f);
}

static char *slurp(const char *dir, const char *name)
{
	char *p = fc_xasprintf("%s/%s", dir, name);
	char *s = fc_read_file(p, NULL);
	free(p);
	assert_non_null(s);
	return s;
}

/* A case whose only failing check is the dummy: every report must say so. */
static void test_reports_loop_over_registry(void **state)
{
	(void)state;
	fc_check_register(&dummy);
	size_t n = fc_checks_count();
	struct fc_check_result *res = calloc(n, sizeof *res);
	for (size_t i = 0; i < n; i++)
		res[i].state = FC_CK_NA;
	struct fc_check_result *d = NULL;
	for (size_t i = 0; i < n; i++)
		if (fc_check_at(i) == &dummy)
			d = &res[i];
	assert_non_null(d);
	d->state = FC_CK_RAN;
	d->checked = 7;
	d->failed = 1;
	d->summary = fc_xstrdup("7 widgets, 1 failed");
	d->figures = json_pack("{s:I}", "widgets", (json_int_t)7);
	fc_find(&d->f, FC_SEV_FAIL, "fn_3", 0x40, 0x401040, "out: fn_3+0x40: widget 5 is bent");
	assert_true(fc_checks_bad(res, false));

	struct fc_case_result r = {0};
	r.arch = fc_xstrdup("arm64");
	r.linker = fc_xstrdup("lld-19");
	r.linker_version = fc_xstrdup("LLD 19");
	r.case_dir = fc_xstrdup("/tmp/case");
	r.mode = fc_xstrdup("exe");
	r.verdict = FC_V_FAIL;
	r.have_checks = 1;
	r.checks = fc_checks_json(res, 10);
	r.reason = fc_checks_json_reason(r.checks, false);
	assert_non_null(strstr(r.reason, "dummy_widgets: 1 of 7 failed"));
	fc_checks_free(res);
	free(res);

	const char *base = getenv("TMPDIR");
	char *tmpl = fc_xasprintf("%s/fc-test-checks.XXXXXX", base && *base ? base : "/tmp");
	assert_non_null(mkdtemp(tmpl));
	char *rep = fc_xasprintf("%s/rep", tmpl);
	assert_int_equal(fc_report_write(rep, &r, 1, "farcall run", 1.0, NULL), 0);

	char *js = slurp(rep, "results.json");
	json_t *j = json_loads(js, 0, NULL);
	assert_non_null(j);
	json_t *c = json_object_get(json_object_get(json_array_get(json_object_get(j, "cases"), 0),
						    "checks"), "dummy_widgets");
	assert_non_null(c);
	assert_int_equal(json_integer_value(json_object_get(c, "widgets")), 7);
	json_t *f0 = json_array_get(json_object_get(c, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(f0, "function")), "fn_3");
	assert_int_equal(json_integer_value(json_object_get(f0, "offset")), 0x40);
	assert_int_equal(json_integer_value(json_object_get(f0, "address")), 0x401040);
	json_decref(j);
	free(js);

	char *x = slurp(rep, "junit.xml");
	assert_non_null(strstr(x, "name=\"dummy_widgets\""));
	assert_non_null(strstr(x, "widget 5 is bent"));
	free(x);
	char *h = slurp(rep, "index.html");
	assert_non_null(strstr(h, "dummy_widgets"));
	assert_non_null(strstr(h, "widget 5 is bent"));
	free(h);
	char *md = slurp(rep, "summary.md");
	assert_non_null(strstr(md, "dummy_widgets"));
	assert_non_null(strstr(md, "widget 5 is bent"));
	free(md);

	/* The journal keeps what the registry held, and gives it back. */
	char *jd = fc_xasprintf("%s/journal", tmpl);
	assert_int_equal(fc_mkdir_p(jd), 0);
	assert_int_equal(fc_journal_put(jd, 0, &r), 0);
	struct fc_case_result back = {0};
	assert_true(fc_journal_get(jd, 0, &r, &back));
	assert_true(json_equal(back.checks, r.checks));
	assert_true(fc_checks_json_bad(back.checks, false));
	fc_case_result_free(&back);

	fc_case_result_free(&r);
	fc_rm_rf(tmpl);
	free(jd);
	free(rep);
	free(tmpl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_lookup),
		cmocka_unit_test(test_finding_blame),
		cmocka_unit_test(test_severity),
		cmocka_unit_test(test_findings_capped),
		cmocka_unit_test(test_reports_loop_over_registry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
