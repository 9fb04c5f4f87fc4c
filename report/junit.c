/* junit.xml: a run as CI systems read test results (Jenkins' junit step,
 * GitLab's artifacts:reports:junit, GitHub actions that publish JUnit).
 *
 *   <testsuites name="farcall" tests failures errors skipped time>
 *     <testsuite name="farcall.<arch>" tests failures errors skipped time
 *                timestamp hostname>
 *       <testcase classname="<arch>.<mode>.<linker>" name="link|<check>"
 *                 time>[<failure message>text</failure> | <error message>text</error>
 *                 | <skipped message/>][<system-out>][<system-err>]</testcase>
 *
 * One testcase per check of the registry (checks/registry.c) that applied:
 * "link" always, then each check that ran (or skipped, with its reason,
 * when it could not). A link that failed fails "link" and skips the checks
 * it stopped. Notes go to a passing check's system-out. Every string may hold whatever a linker printed, so all text
 * goes through fc_markup_escape (also used by html.c). */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "../core/util.h"
#include "../checks/check.h"
#include "../targets/target.h"
#include "export.h"

/* ---- escaping, shared with html.c ---- */

/* The length of the UTF-8 sequence at s (at most n bytes) and its code
 * point, or 0 when it is not valid UTF-8 (overlong forms, surrogates and
 * code points past U+10FFFF included). */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

void fc_markup_escape(FILE *f, const char *str, size_t max, int attr)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	size_t all = strlen((const char *)s), n = all < max ? all : max;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = utf8_seq(s + i, n - i, &cp);
		if (!len && n < all && utf8_seq(s + i, all - i, &cp))
			break; /* a whole character that max would cut */
		if (!len) {
			/* Not UTF-8: a stray byte. */
			fputs("\xef\xbf\xbd", f);
			i++;
			continue;
		}
		switch (cp) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		case '\n': fputs(attr ? "&#10;" : "\n", f); break;
		case '\t': fputs(attr ? "&#9;" : "\t", f); break;
		case '\r': fputs("&#13;", f); break;
		case 0xfffe:
		case 0xffff: fputs("\xef\xbf\xbd", f); break; /* not XML characters */
		default:
			if (cp < 0x20 || cp == 0x7f)
				fprintf(f, "\\x%02x", (unsigned)cp);
			else if (cp >= 0x80 && cp <= 0x9f)
				fprintf(f, "\\u%04x", (unsigned)cp);
			else
				fwrite(s + i, 1, len, f);
		}
		i += len;
	}
}

/* ---- the testcases of one case ---- */

enum tc_status { TC_PASS, TC_FAIL, TC_ERROR, TC_SKIP };

struct tc {
	const struct fc_case_result *r;
	const char *name;
	enum tc_status st;
	double time;
	char *message; /* failure, error or skipped */
	char *text;    /* failure or error body */
	char *out;     /* system-out */
	char *err;     /* system-err */
};

struct tcs {
	struct tc *v;
	size_t n, cap;
};

/* The most of any one text written into the file. */
#define MAX_MESSAGE 4096
#define MAX_TEXT (256 * 1024)
#define MAX_STDERR (64 * 1024)

static struct tc *tc_add(struct tcs *l, const struct fc_case_result *r, const char *name,
			 enum tc_status st, double time, char *message)
{
	if (l->n == l->cap)
		l->v = fc_xrealloc(l->v, (l->cap = l->cap ? 2 * l->cap : 16) * sizeof *l->v);
	struct tc *t = &l->v[l->n++];
	memset(t, 0, sizeof *t);
	t->r = r;
	t->name = name;
	t->st = st;
	t->time = time;
	t->message = message;
	return t;
}

/* What to reproduce a failure with, for <system-out>. */
static char *repro(const struct fc_case_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (r->case_dir && *r->case_dir)
		fprintf(f, "case: %s\n", r->case_dir);
	if (r->linker_path && *r->linker_path)
		fprintf(f, "linker: %s%s%s\n", r->linker_path,
			r->linker_version && *r->linker_version ? ": " : "",
			r->linker_version ? r->linker_version : "");
	if (r->link_command && *r->link_command)
		fprintf(f, "reproduce the link: %s\n", r->link_command);
	fclose(f);
	if (!len) {
		free(buf);
		return NULL;
	}
	return buf;
}


static const char *mode_of(const struct fc_case_result *r)
{
	return r->mode ? r->mode : "exe";
}

static void case_tcs_plain(struct tcs *l, const struct fc_case_result *r)
{
	size_t first = l->n;
	const char *reason = r->reason ? r->reason : fc_verdict_name(r->verdict);
	if (r->verdict == FC_V_SKIP) {
		tc_add(l, r, "link", TC_SKIP, 0, fc_xstrdup(reason));
		return;
	}
	unsigned kind = fc_case_kind(r);
	if (!r->have_checks) {
		if (r->verdict == FC_V_ERROR && !r->link_command) {
			/* farcall could not run the linker at all. */
			struct tc *t = tc_add(l, r, "link", TC_ERROR, r->link_wall_s, fc_xstrdup(reason));
			t->text = fc_xasprintf("%s\n", reason);
			t->out = repro(r);
			return;
		}
		if (r->verdict == FC_V_PASS) {
			/* The case expected the link to fail, and it did. */
			struct tc *t = tc_add(l, r, "link", TC_PASS, r->link_wall_s, NULL);
			if (r->reason)
				t->out = fc_xasprintf("%s\n", r->reason);
			return;
		}
		struct tc *t;
		const char *why;
		if (r->verdict == FC_V_ERROR) {
			/* Linked, but farcall could not check the output. */
			tc_add(l, r, "link", TC_PASS, r->link_wall_s, NULL);
			t = tc_add(l, r, fc_check_at(0)->name, TC_ERROR, 0, fc_xstrdup(reason));
			t->text = fc_xasprintf("%s\n", reason);
			t->out = repro(r);
			why = "not run: farcall could not check the output";
		} else {
			t = tc_add(l, r, "link", TC_FAIL, r->link_wall_s, fc_xstrdup(reason));
			t->text = fc_xasprintf("%s\n", reason);
			t->out = repro(r);
			t->err = fc_link_stderr(r);
			why = "not run: the link failed";
		}
		for (size_t k = r->verdict == FC_V_ERROR; k < fc_checks_count(); k++)
			if (fc_check_at(k)->kinds & kind)
				tc_add(l, r, fc_check_at(k)->name, TC_SKIP, 0, fc_xstrdup(why));
		return;
	}
	/* Linked and checked. */
	struct tc *t;
	if (r->expect_error) {
		t = tc_add(l, r, "link", TC_FAIL, r->link_wall_s, fc_xstrdup(reason));
		t->text = fc_xasprintf("%s\n", reason);
		t->out = repro(r);
	} else {
		tc_add(l, r, "link", TC_PASS, r->link_wall_s, NULL);
	}
	/* One testcase per check the case had, in registry order. */
	for (size_t k = 0; k < fc_checks_count(); k++) {
		const char *name = fc_check_at(k)->name;
		const json_t *c = json_object_get(r->checks, name);
		const char *st = c ? fc_check_json_state(c) : "n/a";
		if (!strcmp(st, "not run")) {
			const char *why = json_string_value(json_object_get(c, "why"));
			tc_add(l, r, name, TC_SKIP, 0, fc_xasprintf("not run: %s", why ? why : "?"));
			continue;
		}
		if (strcmp(st, "ran"))
			continue;
		const char *m1;
		double secs = json_number_value(json_object_get(c, "seconds"));
		t = tc_add(l, r, name, TC_PASS, secs, NULL);
		char *text = fc_check_json_findings(c, SIZE_MAX, &m1);
		if (fc_check_json_bad(c, false)) {
			uint64_t failed = fc_check_json_u64(c, "failed");
			t->st = TC_FAIL;
			t->text = text;
			if (failed)
				t->message = fc_xasprintf("%s: %" PRIu64 " of %" PRIu64 " failed%s%s", name,
							  failed, fc_check_json_u64(c, "checked"),
							  m1 ? "; the first: " : "", m1 ? m1 : "");
			else
				t->message = fc_xasprintf("%s: %" PRIu64 " findings%s%s", name,
							  fc_check_json_u64(c, "fails"),
							  m1 ? "; the first: " : "", m1 ? m1 : "");
			t->out = repro(r);
		} else {
			t->out = text; /* notes */
		}
	}
	/* A failing case shows as a failure, whatever the checks said. */
	if (r->verdict == FC_V_FAIL || r->verdict == FC_V_ERROR) {
		bool shown = false;
		for (size_t i = first; i < l->n; i++)
			shown |= l->v[i].st == TC_FAIL || l->v[i].st == TC_ERROR;
		if (!shown) {
			t = &l->v[first + (l->n > first + 1)]; /* the first check */
			t->st = r->verdict == FC_V_FAIL ? TC_FAIL : TC_ERROR;
			t->message = fc_xstrdup(reason);
			t->text = fc_xasprintf("%s\n", reason);
			t->out = repro(r);
		}
	}
	/* The paths as executed and the debug excerpts, once per case: with
	 * its first failing check. */
	for (size_t i = first; r->details && *r->details && i < l->n; i++) {
		t = &l->v[i];
		if (t->st != TC_FAIL && t->st != TC_ERROR)
			continue;
		char *o = fc_xasprintf("%s\n%s", t->out ? t->out : "", r->details);
		free(t->out);
		t->out = o;
		break;
	}
}

/* A known failure is reported as what it is, but skipped, so CI stays
 * green; a known failure that passed gets a failing testcase of its own. */
static void case_tcs(struct tcs *l, const struct fc_case_result *r)
{
	struct fc_case_result c = *r;
	if (r->verdict == FC_V_XFAIL)
		c.verdict = FC_V_FAIL;
	else if (r->verdict == FC_V_XPASS)
		c.verdict = FC_V_PASS;
	size_t first = l->n;
	case_tcs_plain(l, &c);
	for (size_t i = first; i < l->n; i++)
		l->v[i].r = r; /* not the copy, which is gone on return */
	if (r->verdict == FC_V_XFAIL)
		for (size_t i = first; i < l->n; i++) {
			struct tc *t = &l->v[i];
			if (t->st != TC_FAIL)
				continue;
			t->st = TC_SKIP;
			char *m = fc_xasprintf("known failure (%s): %s", r->known ? r->known : "",
					       t->message ? t->message : "");
			free(t->message);
			t->message = m;
		}
	if (r->verdict == FC_V_XPASS) {
		struct tc *t = tc_add(l, r, "known-failure", TC_FAIL, 0,
				      fc_xasprintf("listed as a known failure (%s), but passed",
						   r->known ? r->known : ""));
		t->text = fc_xasprintf("%s\n", t->message);
	}
}

static void tc_free(struct tc *t)
{
	free(t->message);
	free(t->text);
	free(t->out);
	free(t->err);
}

/* ---- writing ---- */

static void attr(FILE *f, const char *name, const char *val)
{
	fprintf(f, " %s=\"", name);
	fc_markup_escape(f, val, MAX_MESSAGE, 1);
	fputc('"', f);
}

static void tc_write(FILE *f, const struct tc *t)
{
	static const char *tag[] = {NULL, "failure", "error", "skipped"};
	const struct fc_case_result *r = t->r;
	char *cls = fc_xasprintf("%s.%s.%s", r->arch, mode_of(r), r->linker);
	fputs("    <testcase", f);
	attr(f, "classname", cls);
	attr(f, "name", t->name);
	fprintf(f, " time=\"%.3f\"", t->time > 0 ? t->time : 0.0);
	free(cls);
	if (t->st == TC_PASS && !t->out && !t->err) {
		fputs("/>\n", f);
		return;
	}
	fputs(">\n", f);
	if (t->st == TC_SKIP) {
		fputs("      <skipped", f);
		attr(f, "message", t->message ? t->message : "");
		fputs("/>\n", f);
	} else if (t->st != TC_PASS) {
		fprintf(f, "      <%s", tag[t->st]);
		attr(f, "message", t->message ? t->message : "");
		attr(f, "type", t->name);
		fputs(">", f);
		fc_markup_escape(f, t->text ? t->text : t->message, MAX_TEXT, 0);
		fprintf(f, "</%s>\n", tag[t->st]);
	}
	if (t->out) {
		fputs("      <system-out>", f);
		fc_markup_escape(f, t->out, MAX_TEXT, 0);
		fputs("</system-out>\n", f);
	}
	if (t->err) {
		fputs("      <system-err>", f);
		size_t n = strlen(t->err);
		/* The end of a long stderr says the most (the error after the
		 * warnings); skip whole characters only. */
		const char *s = t->err;
		if (n > MAX_STDERR) {
			s += n - MAX_STDERR;
			while ((*s & 0xc0) == 0x80)
				s++;
			fputs("[...]\n", f);
		}
		fc_markup_escape(f, s, MAX_STDERR, 0);
		fputs("</system-err>\n", f);
	}
	fputs("    </testcase>\n", f);
}

int fc_report_junit(const char *path, const struct fc_case_result *v, size_t n, double seconds)
{
	struct fc_afile a;
	if (fc_afile_open(&a, path) < 0)
		return -1;
	FILE *f = a.f;
	struct tcs all = {0};
	/* The arches, in the order the run took them. */
	const char **arches = fc_xcalloc(n + 1, sizeof *arches);
	size_t na = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (k < na && strcmp(arches[k], v[i].arch))
			k++;
		if (k == na)
			arches[na++] = v[i].arch;
	}
	for (size_t k = 0; k < na; k++)
		for (size_t i = 0; i < n; i++)
			if (!strcmp(v[i].arch, arches[k]))
				case_tcs(&all, &v[i]);
	size_t tot[4] = {0};
	for (size_t i = 0; i < all.n; i++)
		tot[all.v[i].st]++;
	char stamp[64];
	time_t now = time(NULL);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", gmtime(&now));
	struct utsname u;
	uname(&u);

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	/* Only the attributes every reader knows here (Jenkins' junit-10.xsd
	 * has no skipped on testsuites); each testsuite has them all. */
	fprintf(f, "<testsuites name=\"farcall\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
		   "time=\"%.3f\">\n", all.n, tot[TC_FAIL], tot[TC_ERROR], seconds);
	size_t at = 0;
	for (size_t k = 0; k < na; k++) {
		size_t cnt[4] = {0}, m = 0;
		double t = 0;
		for (size_t i = at; i < all.n && !strcmp(all.v[i].r->arch, arches[k]); i++, m++) {
			cnt[all.v[i].st]++;
			t += all.v[i].time > 0 ? all.v[i].time : 0;
		}
		char *name = fc_xasprintf("farcall.%s", arches[k]);
		fprintf(f, "  <testsuite id=\"%zu\"", k);
		attr(f, "name", name);
		free(name);
		fprintf(f, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
			   "time=\"%.3f\" timestamp=\"%s\"", m, cnt[TC_FAIL], cnt[TC_ERROR],
			cnt[TC_SKIP], t, stamp);
		attr(f, "hostname", u.nodename);
		fputs(">\n", f);
		/* What was tested: each linker's version and each case. */
		fputs("    <properties>\n", f);
		for (size_t i = 0; i < n; i++) {
			const struct fc_case_result *r = &v[i];
			if (strcmp(r->arch, arches[k]))
				continue;
			char *pn = fc_xasprintf("%s.%s.version", mode_of(r), r->linker);
			fputs("      <property", f);
			attr(f, "name", pn);
			attr(f, "value", r->linker_version ? r->linker_version : "");
			fputs("/>\n", f);
			free(pn);
			pn = fc_xasprintf("%s.%s.case", mode_of(r), r->linker);
			fputs("      <property", f);
			attr(f, "name", pn);
			attr(f, "value", r->case_dir ? r->case_dir : "");
			fputs("/>\n", f);
			free(pn);
		}
		fputs("    </properties>\n", f);
		for (size_t i = at; i < at + m; i++)
			tc_write(f, &all.v[i]);
		fputs("  </testsuite>\n", f);
		at += m;
	}
	fputs("</testsuites>\n", f);
	for (size_t i = 0; i < all.n; i++)
		tc_free(&all.v[i]);
	free(all.v);
	free(arches);
	return fc_afile_commit(&a);
}
