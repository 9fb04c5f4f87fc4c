/* Unit tests for core/util: sizes, numbers, atomic files, directory
 * replacement and the hash that names cases. */
#define _GNU_SOURCE
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../core/util.h"

/* ---- temp dirs -------------------------------------------------------- */

static int tmp_setup(void **state)
{
	const char *base = getenv("TMPDIR");
	char *tmpl = fc_xasprintf("%s/fc-test-util.XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpl)) {
		free(tmpl);
		return -1;
	}
	*state = tmpl;
	return 0;
}

static int tmp_teardown(void **state)
{
	char *dir = *state;
	int r = fc_rm_rf(dir);
	bool left = fc_exists(dir);
	free(dir);
	return r || left ? -1 : 0;
}

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void assert_file_is(const char *path, const char *text)
{
	size_t len = 0;
	char *got = fc_read_file(path, &len);
	assert_non_null(got);
	assert_int_equal(len, strlen(text));
	assert_string_equal(got, text);
	free(got);
}

/* Entries in `dir` other than . and .. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* ---- fc_parse_size ---------------------------------------------------- */

static void size_ok(const char *s, uint64_t want)
{
	uint64_t v = 0xdeadbeef;
	if (fc_parse_size(s, &v) != 0)
		fail_msg("fc_parse_size(\"%s\") failed", s);
	if (v != want)
		fail_msg("fc_parse_size(\"%s\") = %llu, want %llu", s,
			 (unsigned long long)v, (unsigned long long)want);
}

static void size_bad(const char *s)
{
	uint64_t v = 0xdeadbeef;
	if (fc_parse_size(s, &v) != -1)
		fail_msg("fc_parse_size(\"%s\") accepted, gave %llu", s ? s : "(null)",
			 (unsigned long long)v);
	if (v != 0xdeadbeef)
		fail_msg("fc_parse_size(\"%s\") wrote its output on failure", s ? s : "(null)");
}

static void test_parse_size(void **state)
{
	(void)state;
	size_ok("256M", 256ULL << 20);
	size_ok("4G", 4ULL << 30);
	size_ok("1.5G", 3ULL << 29);
	size_ok("4096", 4096);
	size_ok("0x1000", 4096);
	size_ok("4GiB", 4ULL << 30);
	size_ok("0", 0);
	size_ok("1k", 1024);
	size_ok("1K", 1024);
	size_ok("320m", 320ULL << 20);
	size_ok("256MiB", 256ULL << 20);
	size_ok("256MB", 256ULL << 20);
	size_ok("2T", 2ULL << 40);
	size_ok("10B", 10);
	size_ok("0.5K", 512);
	size_ok("1e3", 1000);
}

static void test_parse_size_bad(void **state)
{
	(void)state;
	size_bad("");
	size_bad("-1");
	size_bad("12Q");
	size_bad("M");
	size_bad(NULL);
	size_bad("-1M");
	size_bad(" -1");
	size_bad("nan");
	size_bad("inf");
	size_bad("4 G");
	size_bad("4M ");
	size_bad("4iB");    /* 'i' only after a unit */
	size_bad("4GiBx");
	size_bad("1..5");
	size_bad("inf");
	size_bad("99999999T"); /* beyond 2^64 */
	size_bad("x");
}

/* ---- fc_parse_u64 ----------------------------------------------------- */

static void test_parse_u64(void **state)
{
	(void)state;
	uint64_t v = 1;
	assert_int_equal(fc_parse_u64("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(fc_parse_u64("42", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(fc_parse_u64("0x10", &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(fc_parse_u64("0X1f", &v), 0);
	assert_int_equal(v, 31);
	assert_int_equal(fc_parse_u64("18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(fc_parse_u64("4294967296", &v), 0);
	assert_true(v == 1ULL << 32);
	/* Decimal, not octal: "--funcs 010" means ten. */
	assert_int_equal(fc_parse_u64("010", &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(fc_parse_u64("08", &v), 0);
	assert_int_equal(v, 8);

	static const char *const bad[] = {"", "-1", "-0", "18446744073709551616",
					  "99999999999999999999999", "12a", "1.5", "1 ",
					  "0x", "abc", "1M", " 1", " -1", "\t-2", "+1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v = 0xdeadbeef;
		if (fc_parse_u64(bad[i], &v) != -1)
			fail_msg("fc_parse_u64(\"%s\") accepted, gave %llu", bad[i],
				 (unsigned long long)v);
		assert_int_equal(v, 0xdeadbeef);
	}
	assert_int_equal(fc_parse_u64(NULL, &v), -1);
}

/* ---- fc_fmt_size ------------------------------------------------------ */

static void fmt_is(uint64_t n, const char *want)
{
	char buf[32];
	memset(buf, 'x', sizeof buf);
	const char *got = fc_fmt_size(n, buf, sizeof buf);
	assert_ptr_equal(got, buf);
	if (strcmp(got, want))
		fail_msg("fc_fmt_size(%llu) = \"%s\", want \"%s\"", (unsigned long long)n,
			 got, want);
}

static void test_fmt_size(void **state)
{
	(void)state;
	fmt_is(0, "0 B");
	fmt_is(1, "1 B");
	fmt_is(1023, "1023 B");
	fmt_is(1024, "1 KiB");
	fmt_is(1536, "1.5 KiB");
	fmt_is(256ULL << 20, "256 MiB");
	fmt_is(320ULL << 20, "320 MiB");
	fmt_is(4ULL << 30, "4 GiB");
	fmt_is(3ULL << 29, "1.5 GiB");
	fmt_is(1ULL << 40, "1 TiB");
	fmt_is(1ULL << 50, "1024 TiB"); /* TiB is the largest unit */

	/* A short buffer is truncated, not overrun. */
	char small[4];
	memset(small, 'x', sizeof small);
	fc_fmt_size(256ULL << 20, small, sizeof small);
	assert_string_equal(small, "256");

	/* What fc_fmt_size prints, fc_parse_size reads back. */
	static const uint64_t rt[] = {4096, 256ULL << 20, 4ULL << 30, 3ULL << 29, 1ULL << 40};
	for (size_t i = 0; i < sizeof rt / sizeof rt[0]; i++) {
		char buf[32], *sp;
		fc_fmt_size(rt[i], buf, sizeof buf);
		/* "256 MiB" -> "256MiB" */
		while ((sp = strchr(buf, ' ')))
			memmove(sp, sp + 1, strlen(sp));
		uint64_t v;
		assert_int_equal(fc_parse_size(buf, &v), 0);
		assert_true(v == rt[i]);
	}
}

/* ---- atomic files ----------------------------------------------------- */

static void test_afile_commit(void **state)
{
	const char *dir = *state;
	char *path = fc_xasprintf("%s/out.txt", dir);
	struct fc_afile a;
	assert_int_equal(fc_afile_open(&a, path), 0);
	assert_non_null(a.f);
	assert_true(fc_exists(a.tmp));
	assert_string_not_equal(a.tmp, path);
	char *tmp = fc_xstrdup(a.tmp);
	fputs("hello\n", a.f);
	fflush(a.f);
	/* Not there before commit, not even with what was flushed. */
	assert_false(fc_exists(path));
	assert_int_equal(count_entries(dir), 1);
	assert_int_equal(fc_afile_commit(&a), 0);
	assert_true(fc_exists(path));
	assert_false(fc_exists(tmp));
	assert_int_equal(count_entries(dir), 1);
	assert_file_is(path, "hello\n");

	/* Commit replaces an existing file whole. */
	assert_int_equal(fc_afile_open(&a, path), 0);
	fputs("second", a.f);
	assert_file_is(path, "hello\n");
	assert_int_equal(fc_afile_commit(&a), 0);
	assert_file_is(path, "second");
	assert_int_equal(count_entries(dir), 1);
	free(tmp);
	free(path);
}

static void test_afile_abort(void **state)
{
	const char *dir = *state;
	char *path = fc_xasprintf("%s/never.txt", dir);
	struct fc_afile a;
	assert_int_equal(fc_afile_open(&a, path), 0);
	fputs("junk", a.f);
	fflush(a.f);
	fc_afile_abort(&a);
	assert_false(fc_exists(path));
	assert_int_equal(count_entries(dir), 0);

	/* Abort leaves an existing file as it was. */
	put_file(path, "keep");
	assert_int_equal(fc_afile_open(&a, path), 0);
	fputs("junk", a.f);
	fc_afile_abort(&a);
	assert_file_is(path, "keep");
	assert_int_equal(count_entries(dir), 1);
	free(path);
}

static void test_afile_open_fails(void **state)
{
	const char *dir = *state;
	char *path = fc_xasprintf("%s/no/such/dir/file", dir);
	struct fc_afile a;
	assert_int_equal(fc_afile_open(&a, path), -1);
	assert_false(fc_exists(path));
	free(path);
}

static void test_write_read_file(void **state)
{
	const char *dir = *state;
	char *path = fc_xasprintf("%s/w.bin", dir);
	static const char data[] = "abc\0def";
	assert_int_equal(fc_write_file_atomic(path, data, sizeof data), 0);
	size_t len = 0;
	char *got = fc_read_file(path, &len);
	assert_non_null(got);
	assert_int_equal(len, sizeof data);
	assert_memory_equal(got, data, sizeof data);
	assert_int_equal(got[len], 0);
	free(got);
	assert_int_equal(count_entries(dir), 1);

	/* Larger than the first read buffer. */
	size_t big = (1 << 17) + 3;
	char *buf = fc_xmalloc(big);
	for (size_t i = 0; i < big; i++)
		buf[i] = (char)('a' + i % 26);
	assert_int_equal(fc_write_file_atomic(path, buf, big), 0);
	got = fc_read_file(path, &len);
	assert_non_null(got);
	assert_int_equal(len, big);
	assert_memory_equal(got, buf, big);
	free(got);
	free(buf);

	char *missing = fc_xasprintf("%s/missing", dir);
	assert_null(fc_read_file(missing, &len));
	free(missing);
	free(path);
}

/* ---- directories ------------------------------------------------------ */

static void test_mkdir_rm(void **state)
{
	const char *dir = *state;
	char *deep = fc_xasprintf("%s/a/b/c", dir);
	assert_int_equal(fc_mkdir_p(deep), 0);
	assert_true(fc_exists(deep));
	assert_int_equal(fc_mkdir_p(deep), 0); /* already there */
	char *f = fc_xasprintf("%s/file", deep);
	put_file(f, "x");
	char *top = fc_xasprintf("%s/a", dir);
	assert_int_equal(fc_rm_rf(top), 0);
	assert_false(fc_exists(top));
	assert_int_equal(fc_rm_rf(top), 0); /* nothing to remove is fine */
	free(top);
	free(f);
	free(deep);
}

static void test_replace_dir(void **state)
{
	const char *dir = *state;
	char *src = fc_xasprintf("%s/new", dir);
	char *dst = fc_xasprintf("%s/case", dir);
	char *p;

	/* A non-empty dst, with a subdirectory, is replaced. */
	assert_int_equal(fc_mkdir_p(dst), 0);
	p = fc_xasprintf("%s/old-file", dst);
	put_file(p, "old");
	free(p);
	p = fc_xasprintf("%s/sub/deeper", dst);
	assert_int_equal(fc_mkdir_p(p), 0);
	free(p);
	p = fc_xasprintf("%s/sub/deeper/f", dst);
	put_file(p, "old too");
	free(p);

	assert_int_equal(fc_mkdir_p(src), 0);
	p = fc_xasprintf("%s/new-file", src);
	put_file(p, "new");
	free(p);

	assert_int_equal(fc_replace_dir(src, dst), 0);
	assert_false(fc_exists(src));
	assert_true(fc_exists(dst));
	assert_int_equal(count_entries(dst), 1);
	p = fc_xasprintf("%s/new-file", dst);
	assert_file_is(p, "new");
	free(p);
	/* Nothing left beside it: no src, no dst moved aside. */
	assert_int_equal(count_entries(dir), 1);

	/* dst absent: a plain rename. */
	char *dst2 = fc_xasprintf("%s/other", dir);
	assert_int_equal(fc_replace_dir(dst, dst2), 0);
	assert_false(fc_exists(dst));
	p = fc_xasprintf("%s/new-file", dst2);
	assert_file_is(p, "new");
	free(p);

	/* src absent: fails and leaves dst alone. */
	assert_int_equal(fc_replace_dir(src, dst2), -1);
	assert_int_equal(count_entries(dst2), 1);
	assert_int_equal(count_entries(dir), 1);

	free(dst2);
	free(src);
	free(dst);
}

/* ---- fc_hash64 -------------------------------------------------------- */

static void test_hash64(void **state)
{
	(void)state;
	/* FNV-1a 64 reference values (Fowler/Noll/Vo test vectors). */
	assert_true(fc_hash64(FC_HASH_INIT, "", 0) == 0xcbf29ce484222325ULL);
	assert_true(fc_hash64(FC_HASH_INIT, "a", 1) == 0xaf63dc4c8601ec8cULL);
	assert_true(fc_hash64(FC_HASH_INIT, "foobar", 6) == 0x85944171f73967e8ULL);
	assert_true(fc_hash64(FC_HASH_INIT, "farcall", 7) == 0x3c5321df43a49432ULL);
	/* Incremental equals one-shot. */
	assert_true(fc_hash64(fc_hash64(FC_HASH_INIT, "foo", 3), "bar", 3) ==
		    0x85944171f73967e8ULL);
	/* Same input, same value; bytes beyond len do not count. */
	assert_true(fc_hash64(FC_HASH_INIT, "foobarX", 6) == 0x85944171f73967e8ULL);
	assert_true(fc_hash64(FC_HASH_INIT, "foobaR", 6) != 0x85944171f73967e8ULL);
	/* Bytes above 0x7f hash as unsigned. */
	const unsigned char hi[] = {0xff, 0x80};
	uint64_t h = FC_HASH_INIT;
	for (size_t i = 0; i < sizeof hi; i++)
		h = (h ^ hi[i]) * 0x100000001b3ULL;
	assert_true(fc_hash64(FC_HASH_INIT, hi, sizeof hi) == h);
}

/* ---- rng -------------------------------------------------------------- */

static void test_rng(void **state)
{
	(void)state;
	/* splitmix64 from seed 0: the reference sequence. */
	uint64_t s = 0;
	assert_true(fc_rng_next(&s) == 0xe220a8397b1dcdafULL);
	assert_true(fc_rng_next(&s) == 0x6e789e6aa1b965f4ULL);
	assert_true(fc_rng_next(&s) == 0x06c45d188009454fULL);
	s = 7;
	for (int i = 0; i < 1000; i++)
		assert_true(fc_rng_below(&s, 10) < 10);
	assert_int_equal(fc_rng_below(&s, 0), 0);
	assert_int_equal(fc_rng_below(&s, 1), 0);
}

/* Sorted by a leading uint64_t: duplicates, ends, and a key past 2^63. */
static void test_key64(void **state)
{
	(void)state;
	struct e {
		uint64_t k;
		int tag;
	} v[] = {{30, 0}, {10, 1}, {0x8000000000000000ULL, 2}, {20, 3}, {20, 4}};
	size_t n = sizeof v / sizeof v[0];
	qsort(v, n, sizeof *v, fc_cmp_key64);
	assert_int_equal(v[0].k, 10);
	assert_int_equal(v[4].k, 0x8000000000000000ULL);
	assert_int_equal(fc_lower_key64(v, n, sizeof *v, 20), 1);
	assert_int_equal(fc_upper_key64(v, n, sizeof *v, 20), 3);
	assert_int_equal(fc_lower_key64(v, n, sizeof *v, 5), 0);
	assert_int_equal(fc_upper_key64(v, n, sizeof *v, 5), 0);
	assert_int_equal(fc_lower_key64(v, n, sizeof *v, 31), 4);
	assert_int_equal(fc_lower_key64(v, n, sizeof *v, UINT64_MAX), 5);
	assert_int_equal(fc_upper_key64(v, n, sizeof *v, UINT64_MAX), 5);
	assert_int_equal(fc_lower_key64(v, 0, sizeof *v, 20), 0);
}

static void test_parse_seconds(void **state)
{
	(void)state;
	double d;
	assert_int_equal(fc_parse_seconds("900", &d), 0);
	assert_true(d == 900);
	assert_int_equal(fc_parse_seconds("2.5", &d), 0);
	assert_true(d == 2.5);
	assert_int_equal(fc_parse_seconds("15m", &d), 0);
	assert_true(d == 900);
	assert_int_equal(fc_parse_seconds("2h", &d), 0);
	assert_true(d == 7200);
	assert_int_equal(fc_parse_seconds("90s", &d), 0);
	assert_true(d == 90);
	const char *bad[] = {"", "0", "-3", "10x", "m", " 5", "1e400", "5 m", NULL};
	for (int i = 0; bad[i]; i++)
		assert_int_equal(fc_parse_seconds(bad[i], &d), -1);
	assert_int_equal(fc_parse_seconds(NULL, &d), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_size_bad),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_fmt_size),
		cmocka_unit_test_setup_teardown(test_afile_commit, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_afile_abort, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_afile_open_fails, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_write_read_file, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_mkdir_rm, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_replace_dir, tmp_setup, tmp_teardown),
		cmocka_unit_test(test_hash64),
		cmocka_unit_test(test_rng),
		cmocka_unit_test(test_key64),
		cmocka_unit_test(test_parse_seconds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
