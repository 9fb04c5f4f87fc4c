/* index.html: a run for a person with a browser. One static page, no
 * script and nothing fetched: the command, a matrix of linkers against
 * arch/mode coloured by verdict, a table of every case, and a section per
 * failing case with the reason, the failure messages, the details the run
 * kept (the disassembled paths, the line-table and CFI excerpts around the
 * bad address) and the link command to reproduce it. All text is escaped
 * by fc_markup_escape (junit.c): it may hold anything a linker printed. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "../checks/check.h"
#include "../core/util.h"
#include "export.h"

#define MAX_LINE 4096          /* a reason, a path, a version */
#define MAX_PRE (1024 * 1024)  /* one <pre> */
#define MAX_STDERR (64 * 1024) /* the linker's stderr, from its end */

static void esc(FILE *f, const char *s)
{
	fc_markup_escape(f, s, MAX_LINE, 0);
}

static const char *mode_of(const struct fc_case_result *r)
{
	return r->mode ? r->mode : "exe";
}

static bool failing(const struct fc_case_result *r)
{
	return r->verdict == FC_V_FAIL || r->verdict == FC_V_ERROR || r->verdict == FC_V_XPASS;
}

/* Where a case's details are: its section when it failed, else its row. */
static void case_href(FILE *f, const struct fc_case_result *v, size_t i)
{
	fprintf(f, "#%s-%zu", failing(&v[i]) ? "case" : "row", i);
}

/* A preformatted block; text longer than MAX_PRE is cut with a note. */
static void pre(FILE *f, const char *cls, const char *s)
{
	fprintf(f, "<pre class=\"%s\">\n", cls);
	fc_markup_escape(f, s, MAX_PRE, 0);
	if (strlen(s) > MAX_PRE)
		fprintf(f, "\n[... %zu more bytes not shown]", strlen(s) - MAX_PRE);
	fputs("</pre>\n", f);
}

static const char style[] =
	"body{font-family:system-ui,-apple-system,\"Segoe UI\",Helvetica,Arial,sans-serif;"
	"margin:1.5em 2em;color:#1d1d1f;background:#fff;line-height:1.4}\n"
	"h1{margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}\n"
	"code,pre{font-family:ui-monospace,\"DejaVu Sans Mono\",Menlo,Consolas,monospace;"
	"font-size:.88em}\n"
	"pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:4px;padding:.6em .8em;"
	"overflow:auto;max-height:36em;white-space:pre}\n"
	"p.cmd code{display:block;background:#f6f8fa;border:1px solid #d0d7de;padding:.4em .6em;"
	"white-space:pre-wrap;word-break:break-all}\n"
	"table{border-collapse:collapse;margin:.5em 0}\n"
	"div.wide{overflow-x:auto}\n"
	"table.cases{font-size:.9em}table.cases td.note{min-width:22em}\n"
	"table.cases td.lv{min-width:11em}table.cases td.chk{white-space:nowrap}\n"
	"pre.command{white-space:pre-wrap;word-break:break-all}\n"
	"pre.failures,pre.debug,pre.stderr{max-height:22em}\n"
	"th,td{border:1px solid #b8bec6;padding:.3em .6em;text-align:left;vertical-align:top}\n"
	"thead th{background:#eef1f4}\n"
	"td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	"table.matrix td{min-width:10em;max-width:28em}\n"
	"table.matrix td a{color:inherit;text-decoration:none;display:block}\n"
	"table.matrix td a:hover .v{text-decoration:underline}\n"
	".v{font-weight:bold;text-transform:uppercase;letter-spacing:.03em}\n"
	".small{font-size:.85em;color:#444}\n"
	".pass{background:#c6efce}.fail{background:#ffc7ce}.error{background:#ffd8a8}"
	".skip{background:#e4e4e4}.xfail{background:#e8dcf5}.xpass{background:#ffc7ce}.none{background:#fff;color:#999}\n"
	".badge{padding:.1em .5em;border-radius:3px;font-weight:bold;text-transform:uppercase}\n"
	"section.finding{border:1px solid #d0d7de;border-left:6px solid #d1242f;border-radius:4px;"
	"padding:.2em 1em 1em;margin:1.2em 0}\n"
	"section.finding.error{border-left-color:#e8890c;background:#fff}\n"
	"section.finding.fail{background:#fff}\n"
	"p.reason{font-size:1.05em;font-weight:600;white-space:pre-wrap;word-break:break-word}\n"
	"dl.meta{display:grid;grid-template-columns:max-content auto;gap:.1em 1em;margin:.5em 0}\n"
	"dl.meta dt{font-weight:600}dl.meta dd{margin:0;word-break:break-all}\n";

static void counts_line(FILE *f, const struct fc_case_result *v, size_t n, double seconds)
{
	size_t c[FC_V_N] = {0};
	for (size_t i = 0; i < n; i++)
		c[v[i].verdict]++;
	fprintf(f, "%zu case%s: %zu pass, %zu fail, %zu error, %zu skip", n, n == 1 ? "" : "s",
		c[FC_V_PASS], c[FC_V_FAIL], c[FC_V_ERROR], c[FC_V_SKIP]);
	if (c[FC_V_XFAIL] || c[FC_V_XPASS])
		fprintf(f, ", %zu xfail, %zu xpass", c[FC_V_XFAIL], c[FC_V_XPASS]);
	fprintf(f, " (%.1f s)", seconds);
}

/* What a matrix cell says under the verdict. */
static void cell_text(FILE *f, const struct fc_case_result *r)
{
	if (r->have_checks) {
		fprintf(f, "<br><span class=\"small\">%" PRIu64 " sites, %" PRIu64 " failed",
			r->sites, r->sites_failed);
		char *why = fc_checks_json_reason(r->checks, false);
		if (why && *why) {
			fputs("<br>", f);
			fc_markup_escape(f, why, 100, 0);
		}
		free(why);
		fputs("</span>", f);
	} else {
		fputs("<br><span class=\"small\">", f);
		if (r->verdict == FC_V_PASS)
			fputs("link failed, as expected", f);
		else if (r->verdict == FC_V_FAIL)
			fputs("link failed", f);
		else if (r->verdict == FC_V_ERROR)
			fputs(r->link_command ? "linked, not checked" : "not linked", f);
		if (r->reason) {
			/* The start of the reason; the rest is in the case's section. */
			if (r->verdict != FC_V_SKIP)
				fputs(": ", f);
			fc_markup_escape(f, r->reason, 100, 0);
			if (strlen(r->reason) > 100)
				fputs("\xe2\x80\xa6", f); /* an ellipsis */
		}
		fputs("</span>", f);
	}
}

/* A matrix column: the scenario in a corpus run, else arch / mode. */
static bool same_column(const struct fc_case_result *a, const struct fc_case_result *b)
{
	if (a->scenario || b->scenario)
		return a->scenario && b->scenario && !strcmp(a->scenario, b->scenario);
	return !strcmp(a->arch, b->arch) && !strcmp(mode_of(a), mode_of(b));
}

static void matrix(FILE *f, const struct fc_case_result *v, size_t n)
{
	/* Columns: arch/mode; rows: linkers; both in the run's order. */
	size_t *col = fc_xcalloc(n + 1, sizeof *col), *row = fc_xcalloc(n + 1, sizeof *row);
	size_t nc = 0, nr = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (k < nc && !same_column(&v[col[k]], &v[i]))
			k++;
		if (k == nc)
			col[nc++] = i;
		k = 0;
		while (k < nr && strcmp(v[row[k]].linker, v[i].linker))
			k++;
		if (k == nr)
			row[nr++] = i;
	}
	fputs("<table class=\"matrix\">\n<thead><tr><th>linker</th>", f);
	for (size_t c = 0; c < nc; c++) {
		fputs("<th>", f);
		if (v[col[c]].scenario) {
			esc(f, v[col[c]].scenario);
			fputs("<br><span class=\"small\">", f);
		}
		esc(f, v[col[c]].arch);
		fputs(" / ", f);
		esc(f, mode_of(&v[col[c]]));
		fputs(v[col[c]].scenario ? "</span></th>" : "</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (size_t rr = 0; rr < nr; rr++) {
		const char *ln = v[row[rr]].linker;
		fputs("<tr><th>", f);
		esc(f, ln);
		fputs("</th>", f);
		for (size_t c = 0; c < nc; c++) {
			const struct fc_case_result *h = &v[col[c]];
			/* Usually one case per cell; a run may hold more. */
			size_t hits = 0;
			for (size_t i = 0; i < n; i++) {
				const struct fc_case_result *r = &v[i];
				if (strcmp(r->linker, ln) || !same_column(r, h))
					continue;
				if (!hits++)
					fprintf(f, "<td class=\"%s\">", fc_verdict_name(r->verdict));
				else
					fputs("<hr>", f);
				fputs("<a href=\"", f);
				case_href(f, v, i);
				fprintf(f, "\"><span class=\"v\">%s</span>", fc_verdict_name(r->verdict));
				cell_text(f, r);
				fputs("</a>", f);
			}
			fputs(hits ? "</td>" : "<td class=\"none\">not run</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
	fputs("<p class=\"small\">Colours: <span class=\"badge pass\">pass</span> "
	      "<span class=\"badge fail\">fail</span> <span class=\"badge error\">error</span> "
	      "(farcall could not complete the case) <span class=\"badge skip\">skip</span> "
	      "<span class=\"badge xfail\">xfail</span> (a known failure) "
	      "<span class=\"badge xpass\">xpass</span> (a known failure that passed). "
	      "Each cell links to its case.</p>\n", f);
	free(col);
	free(row);
}

static void num(FILE *f, int have, uint64_t x)
{
	if (have)
		fprintf(f, "<td class=\"n\">%" PRIu64 "</td>", x);
	else
		fputs("<td class=\"n\">-</td>", f);
}

/* A check's cell: pass, failed N, notes, "-" where it does not apply,
 * "not run" where it could not. */
static void check_td(FILE *f, const struct fc_case_result *r, const char *name)
{
	const json_t *c = r->checks ? json_object_get(r->checks, name) : NULL;
	const char *st = c ? fc_check_json_state(c) : "n/a";
	if (!strcmp(st, "not run")) {
		fputs("<td class=\"chk skip\">not run</td>", f);
		return;
	}
	if (strcmp(st, "ran")) {
		fputs("<td>-</td>", f);
		return;
	}
	uint64_t failed = fc_check_json_u64(c, "failed"), fails = fc_check_json_u64(c, "fails");
	uint64_t notes = fc_check_json_u64(c, "notes");
	bool bad = fc_check_json_bad(c, false);
	fprintf(f, "<td class=\"chk %s\">", bad ? "fail" : "pass");
	if (bad)
		fprintf(f, "%" PRIu64 " failed", failed ? failed : fails);
	else
		fputs("ok", f);
	if (notes)
		fprintf(f, "<br><span class=\"small\">%" PRIu64 " note%s</span>", notes,
			notes == 1 ? "" : "s");
	fputs("</td>", f);
}

static void cases_table(FILE *f, const struct fc_case_result *v, size_t n)
{
	fputs("<div class=\"wide\"><table class=\"cases\">\n<thead><tr><th>arch</th><th>mode</th>"
	      "<th>linker</th><th>size</th><th>verdict</th><th>sites</th><th>failed</th>"
	      "<th>thunks</th><th>thunk bytes</th><th>relaxed</th>", f);
	for (size_t k = 0; k < fc_checks_count(); k++) {
		fputs("<th>", f);
		esc(f, fc_check_at(k)->name);
		fputs("</th>", f);
	}
	fputs("<th>link s</th><th>peak MiB</th><th>note</th></tr></thead>\n<tbody>\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct fc_case_result *r = &v[i];
		char sz[32];
		fprintf(f, "<tr id=\"row-%zu\"><td>", i);
		esc(f, r->arch);
		fputs("</td><td>", f);
		esc(f, mode_of(r));
		fputs("</td><td class=\"lv\">", f);
		fputs("<b>", f);
		esc(f, r->linker);
		fputs("</b>", f);
		if (r->linker_version && *r->linker_version) {
			fputs("<br><span class=\"small\">", f);
			esc(f, r->linker_version);
			fputs("</span>", f);
		}
		fprintf(f, "</td><td class=\"n\">%s</td><td class=\"%s\">", fc_fmt_size(r->size, sz, sizeof sz),
			fc_verdict_name(r->verdict));
		if (failing(r)) {
			fputs("<a href=\"", f);
			case_href(f, v, i);
			fprintf(f, "\"><b>%s</b></a>", fc_verdict_name(r->verdict));
		} else {
			fprintf(f, "<b>%s</b>", fc_verdict_name(r->verdict));
		}
		fputs("</td>", f);
		int h = r->have_checks;
		num(f, h, r->sites);
		num(f, h, r->sites_failed);
		num(f, h, r->thunks);
		num(f, h, r->thunk_bytes);
		num(f, h, r->relaxed);
		for (size_t k = 0; k < fc_checks_count(); k++)
			check_td(f, r, fc_check_at(k)->name);
		if (r->verdict != FC_V_SKIP)
			fprintf(f, "<td class=\"n\">%.2f</td><td class=\"n\">%ld</td>", r->link_wall_s,
				r->link_rss_kb / 1024);
		else
			fputs("<td class=\"n\">-</td><td class=\"n\">-</td>", f);
		fputs("<td class=\"note\">", f);
		if (r->reason)
			esc(f, r->reason);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table></div>\n", f);
}


static void meta(FILE *f, const char *name, const char *val)
{
	if (!val || !*val)
		return;
	fprintf(f, "<dt>%s</dt><dd>", name);
	esc(f, val);
	fputs("</dd>\n", f);
}

static void finding(FILE *f, const struct fc_case_result *v, size_t i)
{
	const struct fc_case_result *r = &v[i];
	const char *vn = fc_verdict_name(r->verdict);
	fprintf(f, "<section class=\"finding %s\" id=\"case-%zu\">\n<h3><span class=\"badge %s\">%s"
		   "</span> ", vn, i, vn, vn);
	esc(f, r->arch);
	fputc(' ', f);
	esc(f, mode_of(r));
	fputc(' ', f);
	esc(f, r->linker);
	fputs("</h3>\n", f);
	fprintf(f, "<p class=\"reason\">");
	esc(f, r->reason ? r->reason : vn);
	fputs("</p>\n<dl class=\"meta\">\n", f);
	char *lv = fc_xasprintf("%s%s%s%s", r->linker_version ? r->linker_version : "",
				r->linker_path && *r->linker_path ? " (" : "",
				r->linker_path ? r->linker_path : "",
				r->linker_path && *r->linker_path ? ")" : "");
	meta(f, "linker", lv);
	free(lv);
	char sz[32], *s = fc_xasprintf("%s, seed %" PRIu64 "%s", fc_fmt_size(r->size, sz, sizeof sz),
				      r->seed, r->expect_error ? ", with sites no linker can fix" : "");
	meta(f, "case", r->case_dir);
	meta(f, "size", s);
	free(s);
	/* Each check's summary, then its findings. */
	for (size_t k = 0; r->checks && k < fc_checks_count(); k++) {
		const char *name = fc_check_at(k)->name;
		const json_t *c = json_object_get(r->checks, name);
		if (!c)
			continue;
		const char *st = fc_check_json_state(c);
		const char *sum = json_string_value(json_object_get(c, !strcmp(st, "ran")
								    ? "summary" : "why"));
		s = fc_xasprintf("%s%s", strcmp(st, "ran") ? "not run: " : "", sum ? sum : "");
		meta(f, name, s);
		free(s);
	}
	fputs("</dl>\n", f);
	for (size_t k = 0; r->checks && k < fc_checks_count(); k++) {
		const char *name = fc_check_at(k)->name;
		const json_t *c = json_object_get(r->checks, name);
		char *buf = c ? fc_check_json_findings(c, SIZE_MAX, NULL) : NULL;
		if (!buf)
			continue;
		uint64_t all = fc_check_json_u64(c, "fails") + fc_check_json_u64(c, "notes");
		fprintf(f, "<h4>%s: findings (%" PRIu64 ")</h4>\n", name, all);
		pre(f, "failures", buf);
		free(buf);
	}
	if (r->details && *r->details) {
		fputs("<h4>Details: the paths as executed, line table and CFI around the bad "
		      "address</h4>\n", f);
		pre(f, "details", r->details);
	}
	if (!r->have_checks && r->link_command) {
		char *e = fc_link_stderr(r);
		if (e) {
			size_t n = strlen(e);
			const char *p = e;
			if (n > MAX_STDERR) {
				p += n - MAX_STDERR;
				while ((*p & 0xc0) == 0x80)
					p++;
			}
			fputs("<h4>Linker output (stderr)</h4>\n", f);
			if (p != e)
				fprintf(f, "<p class=\"small\">The last %d KiB of %zu bytes.</p>\n",
					MAX_STDERR / 1024, n);
			pre(f, "stderr", p);
			free(e);
		}
	}
	if (r->link_command) {
		fputs("<h4>Reproduce the link</h4>\n", f);
		pre(f, "command", r->link_command);
	}
	fputs("<p class=\"small\"><a href=\"#top\">back to the matrix</a></p>\n</section>\n", f);
}

int fc_report_html(const char *path, const struct fc_case_result *v, size_t n,
		   const char *argv_line, double seconds)
{
	struct fc_afile a;
	if (fc_afile_open(&a, path) < 0)
		return -1;
	FILE *f = a.f;
	size_t nfail = 0;
	for (size_t i = 0; i < n; i++)
		nfail += failing(&v[i]);
	char stamp[64];
	time_t now = time(NULL);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
	struct utsname u;
	uname(&u);

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", f);
	fprintf(f, "<title>farcall report: %zu of %zu case%s failing</title>\n", nfail, n,
		n == 1 ? "" : "s");
	fprintf(f, "<style>\n%s</style>\n</head>\n<body>\n", style);
	fputs("<h1 id=\"top\">farcall report</h1>\n<p class=\"cmd\"><code>", f);
	esc(f, argv_line);
	fputs("</code></p>\n<p>", f);
	counts_line(f, v, n, seconds);
	fputs("; finished ", f);
	esc(f, stamp);
	fputs(" on ", f);
	esc(f, u.nodename);
	fputs(".</p>\n", f);

	fputs("<h2>Matrix</h2>\n", f);
	if (n)
		matrix(f, v, n);
	else
		fputs("<p>No cases ran.</p>\n", f);

	fputs("<h2>Cases</h2>\n", f);
	if (n)
		cases_table(f, v, n);

	fputs("<h2>Failures</h2>\n", f);
	if (!nfail)
		fputs("<p>None: every case passed or was skipped.</p>\n", f);
	for (size_t i = 0; i < n; i++)
		if (failing(&v[i]))
			finding(f, v, i);
	fputs("<p class=\"small\">Written by farcall; results.json holds the same for "
	      "programs, junit.xml for CI.</p>\n</body>\n</html>\n", f);
	return fc_afile_commit(&a);
}
