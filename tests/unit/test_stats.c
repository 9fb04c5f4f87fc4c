/* Unit tests for core/stats: the reference values were computed with
 * scipy 1.10 (stats.mannwhitneyu, stats.linregress, stats.binom) and by
 * hand where noted; the tests need neither. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../core/stats.h"

#define NEAR(a, b, eps) assert_true(fabs((a) - (b)) <= (eps))
#define N(x) (sizeof x / sizeof x[0])

static const double A[] = {1.12, 1.05, 1.31, 0.98, 1.20, 1.07, 1.15};
static const double B[] = {1.40, 1.33, 1.52, 1.29, 1.61, 1.38};

static void test_median(void **state)
{
	(void)state;
	NEAR(fc_stats_median(A, N(A)), 1.12, 1e-12);
	NEAR(fc_stats_median(B, N(B)), 1.39, 1e-12); /* (1.38 + 1.40) / 2 */
	double one = 3;
	NEAR(fc_stats_median(&one, 1), 3, 0);
	assert_true(isnan(fc_stats_median(A, 0)));
}

static void test_binom(void **state)
{
	(void)state;
	NEAR(fc_binom_half_cdf(0, 6), 0.015625, 1e-12);
	NEAR(fc_binom_half_cdf(1, 10), 0.0107421875, 1e-12);
	NEAR(fc_binom_half_cdf(5, 20), 0.020694732666015625, 1e-12);
	NEAR(fc_binom_half_cdf(20, 20), 1, 1e-12);
}

/* Ranks of the median's interval, as textbook tables give them (n = 10:
 * 2nd and 9th; n = 20: 6th and 15th), and below 6 values min and max. */
static void test_median_ranks(void **state)
{
	(void)state;
	static const struct {
		size_t n, lo, hi;
		double cov;
	} t[] = {{2, 1, 2, 0.5},	{5, 1, 5, 0.9375},	{6, 1, 6, 0.96875},
		 {9, 2, 8, 0.9609375}, {10, 2, 9, 0.978515625}, {20, 6, 15, 0.9586105346679688}};
	for (size_t i = 0; i < N(t); i++) {
		size_t lo, hi;
		double cov = fc_stats_median_ranks(t[i].n, &lo, &hi);
		assert_int_equal(lo, t[i].lo);
		assert_int_equal(hi, t[i].hi);
		NEAR(cov, t[i].cov, 1e-12);
	}
}

static void test_summary(void **state)
{
	(void)state;
	struct fc_summary s;
	fc_stats_summary(A, N(A), &s);
	assert_int_equal(s.n, 7);
	NEAR(s.median, 1.12, 1e-12);
	NEAR(s.min, 0.98, 1e-12);
	NEAR(s.max, 1.31, 1e-12);
	/* n = 7: k = 1, the interval is [min, max] at 98.4%. */
	NEAR(s.lo, 0.98, 1e-12);
	NEAR(s.hi, 1.31, 1e-12);
	NEAR(s.coverage, 1 - 2.0 / 128, 1e-12);
	double x[10] = {10, 1, 9, 2, 8, 3, 7, 4, 6, 5};
	fc_stats_summary(x, 10, &s);
	NEAR(s.median, 5.5, 1e-12);
	NEAR(s.lo, 2, 0); /* 2nd of 10 */
	NEAR(s.hi, 9, 0); /* 9th */
}

static void test_fit(void **state)
{
	(void)state;
	const double x[] = {0.016, 0.0625, 0.25, 1.0}, y[] = {0.11, 0.29, 1.02, 3.95};
	struct fc_fit f;
	assert_int_equal(fc_stats_fit(x, y, 4, &f), 0);
	NEAR(f.intercept, 0.04605462984864417, 1e-12);
	NEAR(f.slope, 3.9034862481034422, 1e-12);
	NEAR(f.r2, 0.9999993556689605, 1e-12);
	/* A line through two points, by hand. */
	const double x2[] = {1, 3}, y2[] = {2, 8};
	assert_int_equal(fc_stats_fit(x2, y2, 2, &f), 0);
	NEAR(f.slope, 3, 1e-12);
	NEAR(f.intercept, -1, 1e-12);
	const double same[] = {2, 2};
	assert_int_equal(fc_stats_fit(same, y2, 2, &f), -1);
	assert_int_equal(fc_stats_fit(x2, y2, 1, &f), -1);
}

static void test_mann_whitney(void **state)
{
	(void)state;
	double u;
	/* scipy exact: U = 1, p = 0.002331002331002331 (2 * 2/1716: U = 0 or 1) */
	NEAR(fc_mann_whitney_p(A, N(A), B, N(B), &u), 0.002331002331002331, 1e-12);
	NEAR(u, 1, 0);
	/* Symmetric. */
	NEAR(fc_mann_whitney_p(B, N(B), A, N(A), &u), 0.002331002331002331, 1e-12);
	NEAR(u, 41, 0);
	/* Ties: the normal approximation with tie and continuity
	 * corrections; scipy U = 8, p = 0.021920655864769517. */
	const double c[] = {1, 2, 2, 3, 4, 4, 4, 5}, d[] = {3, 4, 5, 5, 6, 6, 7};
	NEAR(fc_mann_whitney_p(c, N(c), d, N(d), &u), 0.021920655864769517, 1e-12);
	NEAR(u, 8, 0);
	/* Two repeats each can never be significant: the smallest exact
	 * two-sided p is 2/6; scipy gives 2/3 for this A/A-like pair. */
	const double e[] = {0.51, 0.49}, f[] = {0.50, 0.52};
	NEAR(fc_mann_whitney_p(e, 2, f, 2, NULL), 2.0 / 3, 1e-12);
	const double lo2[] = {1, 2}, hi2[] = {3, 4};
	NEAR(fc_mann_whitney_p(lo2, 2, hi2, 2, NULL), 1.0 / 3, 1e-12);
	/* All equal: no evidence. */
	const double k[] = {1, 1, 1};
	NEAR(fc_mann_whitney_p(k, 3, k, 3, NULL), 1, 0);
}

static void test_ratio(void **state)
{
	(void)state;
	struct fc_ratio r, r2;
	assert_int_equal(fc_stats_ratio(A, N(A), B, N(B), 1, 2000, &r), 0);
	NEAR(r.ratio, 1.12 / 1.39, 1e-12);
	assert_true(r.lo <= r.ratio && r.ratio <= r.hi);
	/* Clearly apart: the interval excludes 1. */
	assert_true(r.hi < 1);
	/* Deterministic for a seed. */
	assert_int_equal(fc_stats_ratio(A, N(A), B, N(B), 1, 2000, &r2), 0);
	assert_true(r.lo == r2.lo && r.hi == r2.hi);
	/* A sample against itself: the ratio is 1 and inside. */
	assert_int_equal(fc_stats_ratio(A, N(A), A, N(A), 7, 2000, &r), 0);
	NEAR(r.ratio, 1, 1e-12);
	assert_true(r.lo < 1 && r.hi > 1);
	/* Two values each: the interval spans min(a)/max(b)..max(a)/min(b)
	 * (a resample's median is one of a1, a2 or their mean; the extremes
	 * each have probability 1/16 > 2.5%). */
	const double e[] = {0.51, 0.49}, f[] = {0.50, 0.52};
	assert_int_equal(fc_stats_ratio(e, 2, f, 2, 3, 2000, &r), 0);
	NEAR(r.lo, 0.49 / 0.52, 1e-12);
	NEAR(r.hi, 0.51 / 0.50, 1e-12);
	assert_int_equal(fc_stats_ratio(e, 0, f, 2, 3, 2000, &r), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_median),	   cmocka_unit_test(test_binom),
		cmocka_unit_test(test_median_ranks), cmocka_unit_test(test_summary),
		cmocka_unit_test(test_fit),	   cmocka_unit_test(test_mann_whitney),
		cmocka_unit_test(test_ratio),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
