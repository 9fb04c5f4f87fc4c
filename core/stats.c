/* Statistics for farcall bench (stats.h). */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double *sorted_copy(const double *x, size_t n)
{
	double *s = fc_xmalloc((n ? n : 1) * sizeof *s);
	if (n)
		memcpy(s, x, n * sizeof *s);
	fc_qsort(s, n, sizeof *s, cmp_double);
	return s;
}

static double median_sorted(const double *s, size_t n)
{
	if (!n)
		return NAN;
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

double fc_stats_median(const double *x, size_t n)
{
	double *s = sorted_copy(x, n);
	double m = median_sorted(s, n);
	free(s);
	return m;
}

double fc_binom_half_cdf(size_t k, size_t n)
{
	/* Summed in logs: n is a count of repeats, but need not be small. */
	double p = 0;
	for (size_t i = 0; i <= k && i <= n; i++)
		p += exp(lgamma((double)n + 1) - lgamma((double)i + 1) - lgamma((double)(n - i) + 1) -
			 (double)n * log(2.0));
	return p > 1 ? 1 : p;
}

double fc_stats_median_ranks(size_t n, size_t *lo, size_t *hi)
{
	size_t k = 1;
	/* The largest k with P(X <= k-1) <= 2.5%. */
	while (k + 1 <= (n + 1) / 2 && fc_binom_half_cdf(k, n) <= 0.025)
		k++;
	*lo = n ? k : 0;
	*hi = n ? n + 1 - k : 0;
	return n ? 1 - 2 * fc_binom_half_cdf(k - 1, n) : 0;
}

void fc_stats_summary(const double *x, size_t n, struct fc_summary *s)
{
	memset(s, 0, sizeof *s);
	s->n = n;
	if (!n) {
		s->median = s->min = s->max = s->lo = s->hi = NAN;
		return;
	}
	double *v = sorted_copy(x, n);
	s->median = median_sorted(v, n);
	s->min = v[0];
	s->max = v[n - 1];
	size_t lo, hi;
	s->coverage = fc_stats_median_ranks(n, &lo, &hi);
	s->lo = v[lo - 1];
	s->hi = v[hi - 1];
	free(v);
}

int fc_stats_fit(const double *x, const double *y, size_t n, struct fc_fit *f)
{
	memset(f, 0, sizeof *f);
	f->n = n;
	if (n < 2)
		return -1;
	double mx = 0, my = 0;
	for (size_t i = 0; i < n; i++)
		mx += x[i], my += y[i];
	mx /= (double)n;
	my /= (double)n;
	double sxx = 0, sxy = 0, syy = 0;
	for (size_t i = 0; i < n; i++) {
		sxx += (x[i] - mx) * (x[i] - mx);
		sxy += (x[i] - mx) * (y[i] - my);
		syy += (y[i] - my) * (y[i] - my);
	}
	if (sxx <= 0)
		return -1;
	f->slope = sxy / sxx;
	f->intercept = my - f->slope * mx;
	f->r2 = syy > 0 ? sxy * sxy / (sxx * syy) : 1;
	return 0;
}

/* Ranks (1-based, ties averaged) of a ++ b; returns the sum of a's ranks
 * and sets *tie_term to sum(t^3 - t) over groups of ties. */
static double rank_sum(const double *a, size_t na, const double *b, size_t nb, double *tie_term,
		       bool *ties)
{
	size_t n = na + nb;
	struct rv {
		double v;
		int from_a;
	} *r = fc_xmalloc((n ? n : 1) * sizeof *r);
	for (size_t i = 0; i < na; i++)
		r[i] = (struct rv){a[i], 1};
	for (size_t i = 0; i < nb; i++)
		r[na + i] = (struct rv){b[i], 0};
	/* A double first, so the struct sorts by value with cmp_double. */
	fc_qsort(r, n, sizeof *r, cmp_double);
	double sum = 0, tt = 0;
	*ties = false;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && r[j + 1].v == r[i].v)
			j++;
		double t = (double)(j - i + 1), rank = (double)(i + j) / 2 + 1;
		if (t > 1) {
			*ties = true;
			tt += t * t * t - t;
		}
		for (size_t k = i; k <= j; k++)
			if (r[k].from_a)
				sum += rank;
		i = j + 1;
	}
	free(r);
	*tie_term = tt;
	return sum;
}

/* P(U <= u) under the null, no ties: the number of arrangements of m a's
 * and n b's with U = k, counted by the recurrence
 * c(m, n, k) = c(m-1, n, k-n) + c(m, n-1, k), over C(m+n, m). */
static double u_cdf_exact(size_t m, size_t n, double u)
{
	size_t kmax = m * n;
	/* c[j][k] for the current i (a's), j = 0..n b's. */
	double *prev = fc_xcalloc((n + 1) * (kmax + 1), sizeof *prev);
	double *cur = fc_xcalloc((n + 1) * (kmax + 1), sizeof *cur);
#define C(t, j, k) (t)[(j) * (kmax + 1) + (k)]
	for (size_t j = 0; j <= n; j++)
		C(prev, j, 0) = 1; /* no a's: one arrangement, U = 0 */
	for (size_t i = 1; i <= m; i++) {
		memset(cur, 0, (n + 1) * (kmax + 1) * sizeof *cur);
		C(cur, 0, 0) = 1;
		for (size_t j = 1; j <= n; j++)
			for (size_t k = 0; k <= i * j; k++)
				/* the largest value is an a (beating all j b's) or a b */
				C(cur, j, k) = (k >= j ? C(prev, j, k - j) : 0) + C(cur, j - 1, k);
		double *t = prev;
		prev = cur;
		cur = t;
	}
	double total = 0, below = 0;
	for (size_t k = 0; k <= kmax; k++) {
		total += C(prev, n, k);
		if ((double)k <= u + 1e-9)
			below += C(prev, n, k);
	}
#undef C
	free(prev);
	free(cur);
	return below / total;
}

double fc_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb, double *u)
{
	if (!na || !nb) {
		if (u)
			*u = NAN;
		return 1;
	}
	double tt;
	bool ties;
	double r1 = rank_sum(a, na, b, nb, &tt, &ties);
	double m = (double)na, n = (double)nb;
	double u1 = r1 - m * (m + 1) / 2, u2 = m * n - u1;
	if (u)
		*u = u1;
	double p;
	if (!ties && na <= 50 && nb <= 50) {
		/* Two-sided: twice the smaller tail, as scipy's exact method. */
		double umax = u1 > u2 ? u1 : u2;
		p = 2 * (1 - u_cdf_exact(na, nb, umax - 1));
	} else {
		double umax = u1 > u2 ? u1 : u2, mu = m * n / 2;
		double N = m + n;
		double var = m * n / 12 * ((N + 1) - tt / (N * (N - 1)));
		if (var <= 0)
			return 1; /* every value the same: no evidence of a difference */
		double z = (umax - mu - 0.5) / sqrt(var);
		p = erfc(z / sqrt(2.0));
	}
	return p > 1 ? 1 : p < 0 ? 0 : p;
}

int fc_stats_ratio(const double *a, size_t na, const double *b, size_t nb, uint64_t seed,
		   unsigned iters, struct fc_ratio *r)
{
	memset(r, 0, sizeof *r);
	double mb = fc_stats_median(b, nb);
	if (!na || !nb || !(mb > 0) || iters < 40)
		return -1;
	r->ratio = fc_stats_median(a, na) / mb;
	double *ra = fc_xmalloc(na * sizeof *ra), *rb = fc_xmalloc(nb * sizeof *rb);
	double *q = fc_xmalloc(iters * sizeof *q);
	uint64_t s = seed;
	unsigned kept = 0;
	for (unsigned it = 0; it < iters; it++) {
		for (size_t i = 0; i < na; i++)
			ra[i] = a[fc_rng_below(&s, na)];
		for (size_t i = 0; i < nb; i++)
			rb[i] = b[fc_rng_below(&s, nb)];
		double d = fc_stats_median(rb, nb);
		if (d > 0)
			q[kept++] = fc_stats_median(ra, na) / d;
	}
	fc_qsort(q, kept, sizeof *q, cmp_double);
	if (kept) {
		size_t lo = (size_t)floor(0.025 * kept), hi = (size_t)ceil(0.975 * kept) - 1;
		r->lo = q[lo];
		r->hi = q[hi < kept ? hi : kept - 1];
	}
	free(ra);
	free(rb);
	free(q);
	return kept ? 0 : -1;
}
