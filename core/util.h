/* Small shared helpers: errors that name a place, sizes, atomic files,
 * terminal progress. Library code returns negative on failure and never
 * calls exit(); only farcall.c decides the exit status. */
#ifndef FC_UTIL_H
#define FC_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdbool.h>

/* Exit statuses shared by every subcommand. */
enum { FC_EXIT_OK = 0, FC_EXIT_FAIL = 1, FC_EXIT_USAGE = 2 };

/* "farcall: <msg>" on stderr; returns -1 so callers can `return fc_err(..)`. */
int fc_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fc_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The text of the last fc_err(), for reports that must say why. */
const char *fc_last_error(void);

void *fc_xmalloc(size_t n);
void *fc_xcalloc(size_t n, size_t m);
void *fc_xrealloc(void *p, size_t n);
char *fc_xstrdup(const char *s);
char *fc_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "256M", "4G", "1.5G", "4096", "0x1000" -> bytes. Returns -1 on junk. */
int fc_parse_size(const char *s, uint64_t *out);
/* Whole non-negative integer; -1 on junk or overflow. */
int fc_parse_u64(const char *s, uint64_t *out);
/* A positive duration: "900", "2.5", "90s", "15m", "2h" (seconds out). */
int fc_parse_seconds(const char *s, double *out);
/* "256 MiB", "4 GiB", "1234 B" for messages. buf >= 32 bytes. */
const char *fc_fmt_size(uint64_t n, char *buf, size_t len);

double fc_now(void); /* monotonic seconds */

/* Atomic files: write to "<path>.tmp.<pid>", rename on commit. */
struct fc_afile {
	FILE *f;
	char *path, *tmp;
};
int fc_afile_open(struct fc_afile *a, const char *path);
int fc_afile_commit(struct fc_afile *a); /* fclose + check + rename */
void fc_afile_abort(struct fc_afile *a);
/* Whole small file into memory (NUL-terminated); NULL + message on error. */
char *fc_read_file(const char *path, size_t *len);
int fc_write_file_atomic(const char *path, const void *buf, size_t len);

int fc_mkdir_p(const char *path);
int fc_rm_rf(const char *path);
bool fc_exists(const char *path);
/* Replace directory `dst` by `src` (both on one filesystem) atomically
 * enough that no reader sees a half-filled `dst`. */
int fc_replace_dir(const char *src, const char *dst);

/* Progress line on a terminal only; silent when stderr is not a tty. */
struct fc_progress {
	const char *what;
	uint64_t total, done;
	double start, last;
	bool tty;
};
/* Append a formatted string to a growing array of messages (*v, *n). */
void fc_strv_addf(char ***v, size_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Set when several workers run: their bars would overwrite each other. */
extern bool fc_progress_off;
void fc_progress_start(struct fc_progress *p, const char *what, uint64_t total);
void fc_progress_set(struct fc_progress *p, uint64_t done);
void fc_progress_end(struct fc_progress *p);

/* Arrays of structs whose first member is a uint64_t key (an address),
 * sorted by it: the qsort order, and the index of the first element whose
 * key is >= k (upper: > k); n when there is none. */
int fc_cmp_key64(const void *a, const void *b);
size_t fc_lower_key64(const void *v, size_t n, size_t size, uint64_t k);
size_t fc_upper_key64(const void *v, size_t n, size_t size, uint64_t k);

/* FNV-1a 64, for naming cases by what made them. */
uint64_t fc_hash64(uint64_t h, const void *buf, size_t len);
#define FC_HASH_INIT 0xcbf29ce484222325ULL

/* splitmix64: small, fast, and the same on every host, which is what
 * byte-identical output for a seed needs. */
static inline uint64_t fc_rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
/* Uniform in [0, n). */
static inline uint64_t fc_rng_below(uint64_t *s, uint64_t n)
{
	return n ? fc_rng_next(s) % n : 0;
}

/* getopt_long wants its state reset between subcommands of one process. */
void fc_getopt_reset(void);

/* qsort, but for none or one element, where the base may be NULL (which
 * qsort's contract forbids even then). */
static inline void fc_qsort(void *base, size_t n, size_t size,
			    int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

#endif
