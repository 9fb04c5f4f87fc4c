/* The table of checks, and everything that loops over it. A new check is
 * a file of its own with one `const struct fc_check`, one row below, and
 * its tests (docs/DESIGN.md walks through one). */
#define _GNU_SOURCE
#include "check.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "subject.h"

extern const struct fc_check fc_check_calls, fc_check_data, fc_check_lines, fc_check_cfi,
	fc_check_frames, fc_check_layout, fc_check_kept_relocs, fc_check_callsites;

/* The order is the order of every report. */
static const struct fc_check *const builtin[] = {
	&fc_check_calls, &fc_check_data, &fc_check_lines, &fc_check_cfi,
	&fc_check_frames, &fc_check_layout, &fc_check_kept_relocs, &fc_check_callsites,
};
#define NBUILTIN (sizeof builtin / sizeof builtin[0])
#define MAX_EXTRA 16
static const struct fc_check *extra[MAX_EXTRA];
static size_t nextra;

size_t fc_checks_count(void)
{
	return NBUILTIN + nextra;
}

const struct fc_check *fc_check_at(size_t i)
{
	return i < NBUILTIN ? builtin[i] : i < NBUILTIN + nextra ? extra[i - NBUILTIN] : NULL;
}

const struct fc_check *fc_check_named(const char *name)
{
	for (size_t i = 0; i < fc_checks_count(); i++)
		if (!strcmp(fc_check_at(i)->name, name))
			return fc_check_at(i);
	return NULL;
}

void fc_check_register(const struct fc_check *c)
{
	if (nextra < MAX_EXTRA && !fc_check_named(c->name))
		extra[nextra++] = c;
}

int fc_checks_run(struct fc_subject *s, enum fc_check_pick pick, struct fc_check_result *res)
{
	int rc = 0;
	for (size_t i = 0; i < fc_checks_count(); i++) {
		const struct fc_check *c = fc_check_at(i);
		struct fc_check_result *r = &res[i];
		memset(r, 0, sizeof *r);
		bool picked = pick == FC_PICK_ALL || (pick == FC_PICK_EXEC) == c->exec;
		if (!picked || !(c->kinds & s->kind)) {
			r->state = FC_CK_NA;
			continue;
		}
		r->state = FC_CK_RAN;
		double t0 = fc_now();
		if (c->run(s, r) < 0)
			rc = -1;
		r->seconds = fc_now() - t0;
	}
	return rc;
}

void fc_checks_free(struct fc_check_result *res)
{
	for (size_t i = 0; i < fc_checks_count(); i++)
		fc_check_result_free(&res[i]);
}

bool fc_checks_bad(const struct fc_check_result *res, bool strict)
{
	for (size_t i = 0; i < fc_checks_count(); i++)
		if (fc_check_result_bad(&res[i], strict))
			return true;
	return false;
}

static const char *state_name(enum fc_check_state st)
{
	return st == FC_CK_RAN ? "ran" : st == FC_CK_NOT_RUN ? "not run" : "n/a";
}

json_t *fc_check_result_json(const struct fc_check_result *r, size_t max_findings)
{
	json_t *j = json_object();
	json_object_set_new(j, "state", json_string(state_name(r->state)));
	if (r->why)
		json_object_set_new(j, "why", json_string(r->why));
	if (r->state != FC_CK_RAN)
		return j;
	json_object_set_new(j, "checked", json_integer((json_int_t)r->checked));
	json_object_set_new(j, "failed", json_integer((json_int_t)r->failed));
	json_object_set_new(j, "fails", json_integer((json_int_t)r->f.fails));
	json_object_set_new(j, "notes", json_integer((json_int_t)r->f.notes));
	if (r->figures)
		json_object_update_missing(j, r->figures);
	if (r->summary)
		json_object_set_new(j, "summary", json_string(r->summary));
	json_object_set_new(j, "seconds", json_real(r->seconds));
	json_t *fs = json_array();
	for (size_t i = 0; i < r->f.n && i < max_findings; i++) {
		const struct fc_finding *x = &r->f.v[i];
		json_t *o = json_pack("{s:s}", "severity", x->sev == FC_SEV_NOTE ? "note" : "fail");
		if (x->func) {
			json_object_set_new(o, "function", json_string(x->func));
			json_object_set_new(o, "offset", json_integer((json_int_t)x->off));
		}
		if (x->addr != FC_NOWHERE)
			json_object_set_new(o, "address", json_integer((json_int_t)x->addr));
		json_t *m = json_string(x->msg);
		json_object_set_new(o, "message", m ? m : json_string("?"));
		if (x->detail) {
			json_t *d = json_string(x->detail);
			if (d)
				json_object_set_new(o, "detail", d);
		}
		json_array_append_new(fs, o);
	}
	json_object_set_new(j, "findings", fs);
	return j;
}

json_t *fc_checks_json(const struct fc_check_result *res, size_t max_findings)
{
	json_t *j = json_object();
	for (size_t i = 0; i < fc_checks_count(); i++)
		if (res[i].state != FC_CK_NA || res[i].why)
			json_object_set_new(j, fc_check_at(i)->name,
					    fc_check_result_json(&res[i], max_findings));
	return j;
}

/* Notes printed per check on the terminal. */
#define FC_NOTES_SHOWN 3

void fc_checks_print(FILE *f, const char *path, const struct fc_check_result *res, size_t max)
{
	for (size_t i = 0; i < fc_checks_count(); i++) {
		const struct fc_check_result *r = &res[i];
		/* Fails first, as many as asked; of the notes a few: they harm
		 * nothing, and --json has them all. */
		size_t shown = 0, notes = 0;
		for (size_t k = 0; k < r->f.n && shown < max; k++) {
			const struct fc_finding *x = &r->f.v[k];
			if (x->sev != FC_SEV_FAIL)
				continue;
			fprintf(f, "%s\n", x->msg);
			if (x->detail)
				fputs(x->detail, f);
			shown++;
		}
		for (size_t k = 0; k < r->f.n && notes < FC_NOTES_SHOWN && notes < max; k++)
			if (r->f.v[k].sev == FC_SEV_NOTE) {
				fprintf(f, "note: %s\n", r->f.v[k].msg);
				notes++;
			}
		if (r->f.fails > shown)
			fprintf(f, "%s: %s: ... and %" PRIu64 " more findings\n", path,
				fc_check_at(i)->name, r->f.fails - shown);
		if (r->f.notes > notes)
			fprintf(f, "%s: %s: ... and %" PRIu64 " more notes\n", path,
				fc_check_at(i)->name, r->f.notes - notes);
	}
	for (size_t i = 0; i < fc_checks_count(); i++) {
		const struct fc_check_result *r = &res[i];
		const char *name = fc_check_at(i)->name;
		if (r->state == FC_CK_NOT_RUN)
			fprintf(f, "%s: %s: not checked: %s\n", path, name, r->why ? r->why : "?");
		else if (r->state == FC_CK_NA && r->why)
			fprintf(f, "%s: %s: does not apply: %s\n", path, name, r->why);
		else if (r->state == FC_CK_RAN)
			fprintf(f, "%s: %s: %s%s\n", path, name, r->summary ? r->summary : "",
				r->f.notes ? " (notes: see above)" : "");
	}
}

/* The same, from JSON. */

const char *fc_check_json_state(const json_t *c)
{
	const char *s = json_string_value(json_object_get(c, "state"));
	return s ? s : "n/a";
}

uint64_t fc_check_json_u64(const json_t *c, const char *key)
{
	return (uint64_t)json_integer_value(json_object_get(c, key));
}

bool fc_check_json_bad(const json_t *c, bool strict)
{
	if (strcmp(fc_check_json_state(c), "ran"))
		return false;
	return fc_check_json_u64(c, "failed") || fc_check_json_u64(c, "fails") ||
	       (strict && fc_check_json_u64(c, "notes"));
}

bool fc_checks_json_bad(const json_t *checks, bool strict)
{
	for (size_t i = 0; checks && i < fc_checks_count(); i++) {
		const json_t *c = json_object_get(checks, fc_check_at(i)->name);
		if (c && fc_check_json_bad(c, strict))
			return true;
	}
	return false;
}

char *fc_checks_json_reason(const json_t *checks, bool strict)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	const char *sep = "";
	for (size_t i = 0; checks && i < fc_checks_count(); i++) {
		const char *name = fc_check_at(i)->name;
		const json_t *c = json_object_get(checks, name);
		if (!c || !fc_check_json_bad(c, strict))
			continue;
		uint64_t failed = fc_check_json_u64(c, "failed");
		uint64_t fails = fc_check_json_u64(c, "fails");
		if (failed)
			fprintf(f, "%s%s: %" PRIu64 " of %" PRIu64 " failed", sep, name, failed,
				fc_check_json_u64(c, "checked"));
		else if (fails)
			fprintf(f, "%s%s: %" PRIu64 " finding%s", sep, name, fails, fails == 1 ? "" : "s");
		else
			fprintf(f, "%s%s: %" PRIu64 " notes (--strict)", sep, name,
				fc_check_json_u64(c, "notes"));
		sep = "; ";
	}
	fclose(f);
	return out;
}

char *fc_check_json_findings(const json_t *c, size_t max, const char **first)
{
	const json_t *fs = json_object_get(c, "findings");
	size_t n = fs ? json_array_size(fs) : 0, shown = 0;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (first)
		*first = NULL;
	for (size_t i = 0; i < n && shown < max; i++) {
		const json_t *x = json_array_get(fs, i);
		const char *m = json_string_value(json_object_get(x, "message"));
		const char *sev = json_string_value(json_object_get(x, "severity"));
		bool note = sev && !strcmp(sev, "note");
		if (!m)
			continue;
		if (first && !*first && !note)
			*first = m;
		fprintf(f, "%s%s\n", note ? "note: " : "", m);
		shown++;
	}
	uint64_t all = fc_check_json_u64(c, "fails") + fc_check_json_u64(c, "notes");
	if (all > shown)
		fprintf(f, "... %" PRIu64 " findings in all\n", all);
	fclose(f);
	if (!len) {
		free(buf);
		return NULL;
	}
	return buf;
}
