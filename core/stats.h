/* The statistics of farcall bench: small samples (a handful of repeats),
 * so distribution-free methods and exact tests where they are cheap.
 * Everything here is deterministic: the bootstrap takes its seed. */
#ifndef FC_STATS_H
#define FC_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Median, extremes and a confidence interval of the median by order
 * statistics: [x(k), x(n+1-k)] for the largest k whose binomial(n, 1/2)
 * tail P(X < k) is at most 2.5%, so coverage >= 95% (96.9% at n = 6).
 * Below 6 values no such k exists: the interval is [min, max] and
 * `coverage` says how much less it covers (93.8% at 5, 50% at 2). */
struct fc_summary {
	size_t n;
	double median, min, max;
	double lo, hi;
	double coverage;
};
void fc_stats_summary(const double *x, size_t n, struct fc_summary *s);
double fc_stats_median(const double *x, size_t n);
/* P(X <= k) for X ~ binomial(n, 1/2). */
double fc_binom_half_cdf(size_t k, size_t n);
/* The ranks (1-based) of the interval above, and its coverage. */
double fc_stats_median_ranks(size_t n, size_t *lo, size_t *hi);

/* Least squares y = intercept + slope * x; -1 with fewer than two
 * distinct x. r2: the share of y's variance the line explains. */
struct fc_fit {
	size_t n;
	double intercept, slope, r2;
};
int fc_stats_fit(const double *x, const double *y, size_t n, struct fc_fit *f);

/* Mann-Whitney U of a against b, two-sided p. Exact (the U distribution
 * by counting) when there are no ties and both samples have at most 50
 * values; else the normal approximation with the tie correction and a
 * continuity correction, as scipy.stats.mannwhitneyu computes them.
 * *u (when not NULL) gets U of a. */
double fc_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb, double *u);

/* The ratio median(a) / median(b) and a 95% percentile-bootstrap
 * interval of it: `iters` resamplings of both samples, the 2.5% and
 * 97.5% points of the sorted ratios (the values at ranks floor(0.025 B)
 * and ceil(0.975 B) - 1, 0-based). The same seed gives the same interval. */
struct fc_ratio {
	double ratio, lo, hi;
};
int fc_stats_ratio(const double *a, size_t na, const double *b, size_t nb, uint64_t seed,
		   unsigned iters, struct fc_ratio *r);

#endif
