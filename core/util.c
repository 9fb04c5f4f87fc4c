#define _GNU_SOURCE
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <ftw.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Per thread: farcall run links and checks cases on several threads. */
static __thread char last_error[1024];
bool fc_progress_off;

static void vmsg(const char *tag, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	vsnprintf(last_error, sizeof last_error, fmt, cp);
	va_end(cp);
	fprintf(stderr, "farcall: %s", tag);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

const char *fc_last_error(void)
{
	return last_error;
}

int fc_err(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
	return -1;
}

void fc_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

/* Out of memory is the one condition we do not try to survive: every
 * caller would only print the same message. */
static void *oom(size_t n)
{
	fprintf(stderr, "farcall: out of memory (%zu bytes)\n", n);
	abort();
}

void *fc_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	return p ? p : oom(n);
}

void *fc_xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	return p ? p : oom(n * m);
}

void *fc_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	return p ? p : oom(n);
}

char *fc_xstrdup(const char *s)
{
	char *p = strdup(s);
	return p ? p : oom(strlen(s));
}

char *fc_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? oom(0) : s;
}

int fc_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	/* Digits only: strtoull would take " -1" and read "010" as octal. */
	if (!s || !isdigit((unsigned char)*s))
		return -1;
	int base = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10;
	errno = 0;
	unsigned long long v = strtoull(s, &end, base);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int fc_parse_seconds(const char *s, double *out)
{
	char *end;
	if (!s || !(isdigit((unsigned char)*s) || *s == '.'))
		return -1;
	errno = 0;
	double v = strtod(s, &end);
	double unit = !strcmp(end, "") || !strcmp(end, "s") ? 1
		      : !strcmp(end, "m") ? 60 : !strcmp(end, "h") ? 3600 : 0;
	if (errno || !unit || !(v > 0) || v * unit > 1e9)
		return -1;
	*out = v * unit;
	return 0;
}

int fc_parse_size(const char *s, uint64_t *out)
{
	char *end;
	if (!s || !(isdigit((unsigned char)*s) || *s == '.'))
		return -1; /* also keeps out "nan", "inf", " -1" */
	uint64_t exact;
	if (fc_parse_u64(s, &exact) == 0) {
		*out = exact;
		return 0;
	}
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v < 0)
		return -1;
	uint64_t mul = 1;
	switch (*end) {
	case 'k': case 'K': mul = 1ULL << 10; end++; break;
	case 'm': case 'M': mul = 1ULL << 20; end++; break;
	case 'g': case 'G': mul = 1ULL << 30; end++; break;
	case 't': case 'T': mul = 1ULL << 40; end++; break;
	}
	if (*end == 'i' && mul > 1)
		end++;
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end)
		return -1;
	double bytes = v * (double)mul;
	if (bytes > 1.8e19)
		return -1;
	*out = (uint64_t)bytes;
	return 0;
}

const char *fc_fmt_size(uint64_t n, char *buf, size_t len)
{
	static const char *unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	int u = 0;
	double v = (double)n;
	while (v >= 1023.95 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)n);
	else if (v == (double)(uint64_t)v)
		snprintf(buf, len, "%.0f %s", v, unit[u]);
	else
		snprintf(buf, len, "%.1f %s", v, unit[u]);
	return buf;
}

double fc_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int fc_afile_open(struct fc_afile *a, const char *path)
{
	a->path = fc_xstrdup(path);
	a->tmp = fc_xasprintf("%s.tmp.%d", path, (int)getpid());
	a->f = fopen(a->tmp, "w");
	if (!a->f) {
		int e = errno;
		free(a->path);
		free(a->tmp);
		return fc_err("%s: cannot create: %s", path, strerror(e));
	}
	return 0;
}

int fc_afile_commit(struct fc_afile *a)
{
	int bad = ferror(a->f);
	int e = errno;
	if (fclose(a->f) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	int r = 0;
	if (bad) {
		r = fc_err("%s: write failed: %s", a->path, strerror(e));
		unlink(a->tmp);
	} else if (rename(a->tmp, a->path) != 0) {
		r = fc_err("%s: cannot rename into place: %s", a->path, strerror(errno));
		unlink(a->tmp);
	}
	free(a->path);
	free(a->tmp);
	return r;
}

void fc_afile_abort(struct fc_afile *a)
{
	fclose(a->f);
	unlink(a->tmp);
	free(a->path);
	free(a->tmp);
}

char *fc_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fc_err("%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = fc_xmalloc(cap);
	for (;;) {
		if (cap - n < 2)
			buf = fc_xrealloc(buf, cap *= 2);
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		fc_err("%s: read error", path);
		return NULL;
	}
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

int fc_write_file_atomic(const char *path, const void *buf, size_t len)
{
	struct fc_afile a;
	if (fc_afile_open(&a, path) < 0)
		return -1;
	fwrite(buf, 1, len, a.f);
	return fc_afile_commit(&a);
}

int fc_mkdir_p(const char *path)
{
	char *p = fc_xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			int e = errno;
			fc_err("%s: cannot create directory: %s", p, strerror(e));
			free(p);
			return -1;
		}
		*s = '/';
	}
	int r = 0;
	if (mkdir(p, 0777) != 0 && errno != EEXIST)
		r = fc_err("%s: cannot create directory: %s", p, strerror(errno));
	free(p);
	return r;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

int fc_rm_rf(const char *path)
{
	if (!fc_exists(path))
		return 0;
	if (nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS) != 0)
		return fc_err("%s: cannot remove: %s", path, strerror(errno));
	return 0;
}

bool fc_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

int fc_replace_dir(const char *src, const char *dst)
{
	if (rename(src, dst) == 0)
		return 0;
	if (errno != EEXIST && errno != ENOTEMPTY)
		return fc_err("%s: cannot rename to %s: %s", src, dst, strerror(errno));
	/* dst exists: move it aside first, then drop it. */
	char *old = fc_xasprintf("%s.old.%d", dst, (int)getpid());
	int r = 0;
	if (rename(dst, old) != 0)
		r = fc_err("%s: cannot move aside: %s", dst, strerror(errno));
	else if (rename(src, dst) != 0)
		r = fc_err("%s: cannot rename to %s: %s", src, dst, strerror(errno));
	if (r == 0)
		fc_rm_rf(old);
	free(old);
	return r;
}

void fc_progress_start(struct fc_progress *p, const char *what, uint64_t total)
{
	p->what = what;
	p->total = total;
	p->done = 0;
	p->start = p->last = fc_now();
	p->tty = isatty(2) && !getenv("FARCALL_NO_PROGRESS") && !fc_progress_off;
}

void fc_progress_set(struct fc_progress *p, uint64_t done)
{
	p->done = done;
	if (!p->tty)
		return;
	double t = fc_now();
	if (t - p->last < 0.2)
		return;
	p->last = t;
	double el = t - p->start;
	double rem = done ? el * (double)(p->total - done) / (double)done : 0;
	fprintf(stderr, "\r%s: %llu/%llu (%.0f%%) %.1fs elapsed, ~%.0fs left\033[K",
		p->what, (unsigned long long)done, (unsigned long long)p->total,
		p->total ? 100.0 * (double)done / (double)p->total : 100.0, el, rem);
}

void fc_progress_end(struct fc_progress *p)
{
	if (p->tty && fc_now() - p->start >= 0.2)
		fprintf(stderr, "\r\033[K");
}

uint64_t fc_hash64(uint64_t h, const void *buf, size_t len)
{
	const unsigned char *b = buf;
	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

void fc_getopt_reset(void)
{
	optind = 0; /* glibc: 0 also re-reads GNU extensions */
	opterr = 1;
}

void fc_strv_addf(char ***v, size_t *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return;
	*v = fc_xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = s;
}

static uint64_t key64(const void *v, size_t i, size_t size)
{
	uint64_t k;
	memcpy(&k, (const char *)v + i * size, sizeof k);
	return k;
}

int fc_cmp_key64(const void *a, const void *b)
{
	uint64_t x = key64(a, 0, 0), y = key64(b, 0, 0);
	return x < y ? -1 : x > y;
}

size_t fc_lower_key64(const void *v, size_t n, size_t size, uint64_t k)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (key64(v, mid, size) < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t fc_upper_key64(const void *v, size_t n, size_t size, uint64_t k)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (key64(v, mid, size) <= k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
