#define _GNU_SOURCE
#include "report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../checks/check.h"
#include "../core/manifest.h"
#include "../core/util.h"
#include "against.h"
#include "export.h"

#define FC_VERSION "0.1"

const char *fc_verdict_name(enum fc_verdict v)
{
	static const char *n[] = {"pass", "fail", "error", "skip", "xfail", "xpass"};
	return n[v];
}

json_t *fc_json_str(const char *s)
{
	if (!s)
		return json_string("");
	json_t *j = json_string(s);
	if (j)
		return j;
	/* Not UTF-8: keep ASCII, replace the rest. */
	char *c = fc_xstrdup(s);
	for (char *p = c; *p; p++)
		if ((unsigned char)*p >= 0x80 || (unsigned char)*p < 0x20)
			*p = '?';
	j = json_string(c);
	free(c);
	return j;
}

void fc_case_result_free(struct fc_case_result *r)
{
	free(r->arch);
	free(r->linker);
	free(r->linker_version);
	free(r->linker_path);
	free(r->case_dir);
	free(r->mode);
	free(r->details);
	free(r->reason);
	free(r->scenario);
	free(r->known);
	free(r->link_command);
	free(r->link_stderr);
	if (r->checks)
		json_decref(r->checks);
	memset(r, 0, sizeof *r);
}

unsigned fc_case_kind(const struct fc_case_result *r)
{
	return r->mode && !strcmp(r->mode, "go") ? FC_KIND_GO : FC_KIND_CASE;
}

static json_t *case_json(const struct fc_case_result *r)
{
	json_t *c = json_object();
	json_object_set_new(c, "arch", json_string(r->arch));
	json_object_set_new(c, "linker", json_string(r->linker));
	json_object_set_new(c, "linker_version", fc_json_str(r->linker_version));
	json_object_set_new(c, "linker_path", fc_json_str(r->linker_path));
	json_object_set_new(c, "size", json_integer((json_int_t)r->size));
	json_object_set_new(c, "seed", json_integer((json_int_t)r->seed));
	json_object_set_new(c, "mode", json_string(r->mode ? r->mode : "exe"));
	json_object_set_new(c, "relax", json_boolean(r->relax));
	json_object_set_new(c, "expect", json_string(r->expect_error ? "link-error" : "pass"));
	json_object_set_new(c, "case", fc_json_str(r->case_dir));
	json_object_set_new(c, "verdict", json_string(fc_verdict_name(r->verdict)));
	if (r->reason)
		json_object_set_new(c, "reason", fc_json_str(r->reason));
	if (r->scenario)
		json_object_set_new(c, "scenario", fc_json_str(r->scenario));
	if (r->known)
		json_object_set_new(c, "known_failure", fc_json_str(r->known));
	if (r->verdict != FC_V_SKIP) {
		json_t *l = json_pack("{s:i, s:i, s:b, s:f, s:I}", "exit", r->link_exit, "signal",
				      r->link_signal, "timed_out", r->link_timed_out, "wall_s",
				      r->link_wall_s, "max_rss_kb", (json_int_t)r->link_rss_kb);
		json_object_set_new(l, "command", fc_json_str(r->link_command));
		json_object_set_new(c, "link", l);
	}
	if (r->have_checks) {
		json_object_set_new(c, "sites", json_integer((json_int_t)r->sites));
		json_object_set_new(c, "sites_failed", json_integer((json_int_t)r->sites_failed));
		json_object_set_new(c, "via_thunk", json_integer((json_int_t)r->via_thunk));
		json_object_set_new(c, "thunks", json_integer((json_int_t)r->thunks));
		json_object_set_new(c, "thunk_bytes", json_integer((json_int_t)r->thunk_bytes));
		json_object_set_new(c, "relaxed", json_integer((json_int_t)r->relaxed));
		json_object_set_new(c, "relaxed_addr", json_integer((json_int_t)r->relaxed_addr));
	}
	json_t *checks = r->checks ? json_incref(r->checks) : json_object();
	json_object_set_new(c, "checks", checks);
	return c;
}

/* A check's cell: "ok", the number of failures, "-" (does not apply),
 * "n/r" (applies, could not run); a trailing "+n" counts notes. */
static const char *check_cell(const struct fc_case_result *r, const char *name, char *buf,
			      size_t len)
{
	const json_t *c = r->checks ? json_object_get(r->checks, name) : NULL;
	const char *st = c ? fc_check_json_state(c) : "n/a";
	if (!strcmp(st, "not run"))
		return "n/r";
	if (strcmp(st, "ran"))
		return "-";
	uint64_t bad = fc_check_json_u64(c, "failed"), fails = fc_check_json_u64(c, "fails");
	uint64_t notes = fc_check_json_u64(c, "notes");
	if (!bad && fails)
		bad = fails;
	int k = bad ? snprintf(buf, len, "%" PRIu64, bad) : snprintf(buf, len, "ok");
	if (notes && k > 0 && (size_t)k < len)
		snprintf(buf + k, len - (size_t)k, "+%" PRIu64 "n", notes);
	return buf;
}

/* Does any case have the check (ran, or could not run)? A column of
 * "does not apply" only is left out. */
static bool check_shown(const struct fc_case_result *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		const json_t *c = v[i].checks ? json_object_get(v[i].checks, name) : NULL;
		if (c && strcmp(fc_check_json_state(c), "n/a"))
			return true;
	}
	return false;
}

void fc_report_table(FILE *f, const struct fc_case_result *v, size_t n)
{
	fprintf(f, "%-8s %-6s %9s %5s %-14s %-7s %9s %7s %7s", "arch", "mode", "size", "seed",
		"linker", "verdict", "sites", "thunks", "relaxed");
	for (size_t k = 0; k < fc_checks_count(); k++)
		if (check_shown(v, n, fc_check_at(k)->name))
			fprintf(f, " %-6s", fc_check_at(k)->name);
	fprintf(f, " %7s %8s\n", "link s", "peak MiB");
	for (size_t i = 0; i < n; i++) {
		const struct fc_case_result *r = &v[i];
		if (r->scenario && (i == 0 || !v[i - 1].scenario || strcmp(r->scenario, v[i - 1].scenario)))
			fprintf(f, "scenario %s\n", r->scenario);
		char sz[32], cell[32];
		fprintf(f, "%-8s %-6s %9s %5" PRIu64 " %-14s %-7s ", r->arch, r->mode ? r->mode : "exe",
			fc_fmt_size(r->size, sz, sizeof sz), r->seed, r->linker,
			fc_verdict_name(r->verdict));
		if (r->have_checks)
			fprintf(f, "%9llu %7llu %7llu", (unsigned long long)r->sites,
				(unsigned long long)r->thunks, (unsigned long long)r->relaxed);
		else
			fprintf(f, "%9s %7s %7s", "-", "-", "-");
		for (size_t k = 0; k < fc_checks_count(); k++) {
			const char *name = fc_check_at(k)->name;
			if (check_shown(v, n, name))
				fprintf(f, " %-*s", (int)(strlen(name) > 6 ? strlen(name) : 6),
					check_cell(r, name, cell, sizeof cell));
		}
		if (r->verdict != FC_V_SKIP)
			fprintf(f, " %7.2f %8ld", r->link_wall_s, r->link_rss_kb / 1024);
		fputc('\n', f);
		if (r->reason)
			fprintf(f, "         %s\n", r->reason);
		if (r->known)
			fprintf(f, "         known failure: %s\n", r->known);
	}
}

static void md_escape(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

static int write_summary(const char *path, const struct fc_case_result *v, size_t n,
			 const char *argv_line, double seconds)
{
	struct fc_afile a;
	if (fc_afile_open(&a, path) < 0)
		return -1;
	FILE *f = a.f;
	size_t counts[FC_V_N] = {0};
	for (size_t i = 0; i < n; i++)
		counts[v[i].verdict]++;
	fprintf(f, "# farcall report\n\n`%s`\n\n", argv_line);
	fprintf(f, "%zu cases: %zu pass, %zu fail, %zu error, %zu skip", n, counts[FC_V_PASS],
		counts[FC_V_FAIL], counts[FC_V_ERROR], counts[FC_V_SKIP]);
	if (counts[FC_V_XFAIL] || counts[FC_V_XPASS])
		fprintf(f, ", %zu known failure%s, %zu unexpectedly passing", counts[FC_V_XFAIL],
			counts[FC_V_XFAIL] == 1 ? "" : "s", counts[FC_V_XPASS]);
	fprintf(f, " (%.1f s)\n\n", seconds);
	fprintf(f, "| arch | mode | linker | version | size | verdict | sites | thunks | "
		   "relaxed |");
	for (size_t k = 0; k < fc_checks_count(); k++)
		if (check_shown(v, n, fc_check_at(k)->name))
			fprintf(f, " %s |", fc_check_at(k)->name);
	fprintf(f, " link s | peak MiB |\n|---|---|---|---|---:|---|---:|---:|---:|");
	for (size_t k = 0; k < fc_checks_count(); k++)
		if (check_shown(v, n, fc_check_at(k)->name))
			fprintf(f, "---|");
	fprintf(f, "---:|---:|\n");
	for (size_t i = 0; i < n; i++) {
		const struct fc_case_result *r = &v[i];
		char sz[32], cell[32];
		fprintf(f, "| %s%s%s | %s | %s | ", r->arch, r->scenario ? " " : "",
			r->scenario ? r->scenario : "", r->mode ? r->mode : "exe", r->linker);
		md_escape(f, r->linker_version);
		fprintf(f, " | %s | **%s** | ", fc_fmt_size(r->size, sz, sizeof sz),
			fc_verdict_name(r->verdict));
		if (r->have_checks)
			fprintf(f, "%llu | %llu | %llu |", (unsigned long long)r->sites,
				(unsigned long long)r->thunks, (unsigned long long)r->relaxed);
		else
			fprintf(f, "- | - | - |");
		for (size_t k = 0; k < fc_checks_count(); k++) {
			const char *name = fc_check_at(k)->name;
			if (check_shown(v, n, name))
				fprintf(f, " %s |", check_cell(r, name, cell, sizeof cell));
		}
		if (r->verdict != FC_V_SKIP)
			fprintf(f, " %.2f | %ld |\n", r->link_wall_s, r->link_rss_kb / 1024);
		else
			fprintf(f, " - | - |\n");
	}
	int any = 0;
	for (size_t i = 0; i < n; i++) {
		const struct fc_case_result *r = &v[i];
		if (r->verdict == FC_V_PASS)
			continue;
		if (!any++)
			fprintf(f, "\n## Findings\n");
		fprintf(f, "\n### %s %s: %s\n\n", r->arch, r->linker, fc_verdict_name(r->verdict));
		if (r->reason) {
			fprintf(f, "%s\n", r->reason);
		}
		/* Each check's findings, the first 20, notes marked. */
		for (size_t k = 0; r->checks && k < fc_checks_count(); k++) {
			const char *name = fc_check_at(k)->name;
			const json_t *c = json_object_get(r->checks, name);
			char *text = c ? fc_check_json_findings(c, 20, NULL) : NULL;
			if (text)
				fprintf(f, "\n%s:\n\n```\n%s```\n", name, text);
			free(text);
		}
		if (r->link_command)
			fprintf(f, "\nReproduce: `%s`\n", r->link_command);
	}
	return fc_afile_commit(&a);
}

static int write_against(const char *tmp, const struct fc_against *ag)
{
	if (!ag)
		return 0;
	char *p = fc_xasprintf("%s/against.md", tmp);
	int r = fc_write_file_atomic(p, ag->markdown, strlen(ag->markdown));
	free(p);
	return r;
}

int fc_report_write(const char *dir, const struct fc_case_result *v, size_t n,
		    const char *argv_line, double seconds, const struct fc_against *ag)
{
	char *tmp = fc_xasprintf("%s.tmp.%d", dir, (int)getpid());
	int r = -1;
	fc_rm_rf(tmp);
	if (fc_mkdir_p(tmp) < 0)
		goto out;
	json_t *cases = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(cases, case_json(&v[i]));
	char stamp[64];
	time_t now = time(NULL);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	struct utsname u;
	uname(&u);
	json_t *top = json_pack("{s:{s:s, s:i}, s:s, s:s, s:s, s:f, s:o}", "farcall", "version",
				FC_VERSION, "generator", FC_GEN_VERSION, "finished", stamp, "host",
				u.nodename, "command", argv_line, "seconds", seconds, "cases", cases);
	if (ag)
		json_object_set(top, "against", ag->json);
	char *s = json_dumps(top, JSON_INDENT(2));
	json_decref(top);
	char *jp = fc_xasprintf("%s/results.json", tmp);
	char *mp = fc_xasprintf("%s/summary.md", tmp);
	char *xp = fc_xasprintf("%s/junit.xml", tmp);
	char *hp = fc_xasprintf("%s/index.html", tmp);
	if (s && fc_write_file_atomic(jp, s, strlen(s)) == 0 &&
	    write_summary(mp, v, n, argv_line, seconds) == 0 &&
	    fc_report_junit(xp, v, n, seconds) == 0 &&
	    fc_report_html(hp, v, n, argv_line, seconds) == 0 && write_against(tmp, ag) == 0 &&
	    fc_replace_dir(tmp, dir) == 0)
		r = 0;
	free(s);
	free(jp);
	free(mp);
	free(xp);
	free(hp);
out:
	if (r)
		fc_rm_rf(tmp);
	free(tmp);
	return r;
}

char *fc_link_stderr(const struct fc_case_result *r)
{
	/* Taken when the link ran: two scenarios that share a case link it
	 * into one directory, one after the other. */
	return r->link_stderr && *r->link_stderr ? fc_xstrdup(r->link_stderr) : NULL;
}
