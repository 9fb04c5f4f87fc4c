/* Comparing two linkers over one corpus. A release gate wants the verdict
 * changes first (a regression is what blocks a commit), then the costs a
 * linker developer tracks: thunks, link time, memory. */
#define _GNU_SOURCE
#include "against.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

enum change { CH_REGRESSED, CH_WORSE, CH_FIXED, CH_BETTER, CH_SAME, CH_UNPAIRED };
static const char *change_name[] = {"regressed", "worse", "fixed", "better", "same", "unpaired"};

struct pair {
	const struct fc_case_result *nw, *old;
	enum change ch;
	char *what;
};

static bool good(const struct fc_case_result *r)
{
	return r->verdict == FC_V_PASS || r->verdict == FC_V_SKIP || r->verdict == FC_V_XFAIL;
}

static bool same_case(const struct fc_case_result *a, const struct fc_case_result *b)
{
	if (strcmp(a->case_dir ? a->case_dir : "", b->case_dir ? b->case_dir : ""))
		return false;
	return !a->scenario == !b->scenario && (!a->scenario || !strcmp(a->scenario, b->scenario));
}

/* Costs change by noise; these thresholds keep the list to real moves:
 * 20% and 50 ms of link time, 20% and 16 MiB of peak memory. */
static void costs(struct pair *p, char *buf, size_t cap, int *worse, int *better)
{
	const struct fc_case_result *n = p->nw, *o = p->old;
	size_t k = 0;
	buf[0] = 0;
	/* A link that failed has no costs worth comparing. */
	if (!n->have_checks || !o->have_checks)
		return;
	if (n->thunks != o->thunks) {
		k += (size_t)snprintf(buf + k, cap - k, "%sthunks %" PRIu64 " -> %" PRIu64,
				      k ? "; " : "", o->thunks, n->thunks);
		*(n->thunks > o->thunks ? worse : better) = 1;
	}
	if (n->thunk_bytes != o->thunk_bytes && k < cap) {
		k += (size_t)snprintf(buf + k, cap - k, "%sthunk bytes %" PRIu64 " -> %" PRIu64,
				      k ? "; " : "", o->thunk_bytes, n->thunk_bytes);
		*(n->thunk_bytes > o->thunk_bytes ? worse : better) = 1;
	}
	if (n->via_thunk != o->via_thunk && k < cap)
		k += (size_t)snprintf(buf + k, cap - k, "%ssites via thunks %" PRIu64 " -> %" PRIu64,
				      k ? "; " : "", o->via_thunk, n->via_thunk);
	double dt = n->link_wall_s - o->link_wall_s;
	if (k < cap && dt * dt > 0.05 * 0.05 && o->link_wall_s > 0 &&
	    (dt > 0 ? dt : -dt) > 0.2 * o->link_wall_s) {
		k += (size_t)snprintf(buf + k, cap - k, "%slink %.2f s -> %.2f s", k ? "; " : "",
				      o->link_wall_s, n->link_wall_s);
		*(dt > 0 ? worse : better) = 1;
	}
	long dm = n->link_rss_kb - o->link_rss_kb;
	if (k < cap && (dm > 16384 || dm < -16384) && o->link_rss_kb > 0 &&
	    (dm > 0 ? dm : -dm) > o->link_rss_kb / 5) {
		k += (size_t)snprintf(buf + k, cap - k, "%speak %ld MiB -> %ld MiB", k ? "; " : "",
				      o->link_rss_kb / 1024, n->link_rss_kb / 1024);
		*(dm > 0 ? worse : better) = 1;
	}
}

static int by_change(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	return (int)x->ch - (int)y->ch;
}

static const char *label(const struct fc_case_result *r)
{
	if (r->scenario)
		return r->scenario;
	const char *s = r->case_dir ? strrchr(r->case_dir, '/') : NULL;
	return s ? s + 1 : r->case_dir ? r->case_dir : "";
}

void fc_against(const struct fc_case_result *v, size_t n, const char *new_name,
		const char *old_name, struct fc_against *a)
{
	memset(a, 0, sizeof *a);
	struct pair *p = fc_xcalloc(n + 1, sizeof *p);
	size_t np = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].linker, new_name))
			continue;
		struct pair *q = &p[np++];
		q->nw = &v[i];
		for (size_t j = 0; j < n && !q->old; j++)
			if (!strcmp(v[j].linker, old_name) && same_case(&v[i], &v[j]))
				q->old = &v[j];
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].linker, old_name))
			continue;
		bool paired = false;
		for (size_t k = 0; k < np && !paired; k++)
			paired = p[k].old == &v[i];
		if (!paired)
			p[np++] = (struct pair){.old = &v[i]};
	}
	char buf[512];
	for (size_t k = 0; k < np; k++) {
		struct pair *q = &p[k];
		if (!q->nw || !q->old) {
			q->ch = CH_UNPAIRED;
			q->what = fc_xasprintf("only %s ran it", q->nw ? new_name : old_name);
			continue;
		}
		int worse = 0, better = 0;
		costs(q, buf, sizeof buf, &worse, &better);
		if (good(q->old) && !good(q->nw)) {
			q->ch = CH_REGRESSED;
			q->what = fc_xasprintf("%s -> %s: %s%s%s", fc_verdict_name(q->old->verdict),
					       fc_verdict_name(q->nw->verdict),
					       q->nw->reason ? q->nw->reason : "", *buf ? "; " : "", buf);
		} else if (!good(q->old) && good(q->nw)) {
			q->ch = CH_FIXED;
			q->what = fc_xasprintf("%s -> %s%s%s", fc_verdict_name(q->old->verdict),
					       fc_verdict_name(q->nw->verdict), *buf ? "; " : "", buf);
		} else if (q->old->verdict != q->nw->verdict) {
			q->ch = good(q->nw) ? CH_SAME : CH_WORSE;
			q->what = fc_xasprintf("%s -> %s%s%s", fc_verdict_name(q->old->verdict),
					       fc_verdict_name(q->nw->verdict), *buf ? "; " : "", buf);
		} else {
			q->ch = worse ? CH_WORSE : better ? CH_BETTER : CH_SAME;
			q->what = fc_xstrdup(*buf ? buf : "no change");
		}
		if (q->ch == CH_REGRESSED)
			a->regressions++;
	}
	fc_qsort(p, np, sizeof *p, by_change);

	char *md = NULL;
	size_t mdlen = 0;
	FILE *f = open_memstream(&md, &mdlen);
	json_t *changes = json_array();
	size_t counts[CH_UNPAIRED + 1] = {0};
	for (size_t k = 0; k < np; k++)
		counts[p[k].ch]++;
	fprintf(f, "# %s against %s\n\n", new_name, old_name);
	fprintf(f, "%zu cases: %zu regressed, %zu worse, %zu fixed, %zu better, %zu same",
		np, counts[CH_REGRESSED], counts[CH_WORSE], counts[CH_FIXED], counts[CH_BETTER],
		counts[CH_SAME]);
	if (counts[CH_UNPAIRED])
		fprintf(f, ", %zu unpaired", counts[CH_UNPAIRED]);
	fprintf(f, "\n\n| change | case | arch | %s | %s | thunks | thunk bytes | link s | peak MiB "
		"| what |\n", old_name, new_name);
	fprintf(f, "|---|---|---|---|---|---:|---:|---:|---:|---|\n");
	for (size_t k = 0; k < np; k++) {
		const struct pair *q = &p[k];
		const struct fc_case_result *any = q->nw ? q->nw : q->old;
		fprintf(f, "| **%s** | %s | %s | %s | %s | ", change_name[q->ch], label(any), any->arch,
			q->old ? fc_verdict_name(q->old->verdict) : "-",
			q->nw ? fc_verdict_name(q->nw->verdict) : "-");
		if (q->nw && q->old && q->nw->have_checks && q->old->have_checks)
			fprintf(f, "%" PRIu64 " -> %" PRIu64 " | %" PRIu64 " -> %" PRIu64
				" | %.2f -> %.2f | %ld -> %ld | ", q->old->thunks, q->nw->thunks,
				q->old->thunk_bytes, q->nw->thunk_bytes, q->old->link_wall_s,
				q->nw->link_wall_s, q->old->link_rss_kb / 1024, q->nw->link_rss_kb / 1024);
		else
			fputs("- | - | - | - | ", f);
		for (const char *s = q->what; *s; s++)
			if (*s == '|')
				fputs("\\|", f);
			else
				fputc(*s == '\n' ? ' ' : *s, f);
		fputs(" |\n", f);
		json_t *o = json_pack("{s:s, s:s, s:s, s:o}", "change", change_name[q->ch], "case",
				      label(any), "arch", any->arch, "what", fc_json_str(q->what));
		const struct fc_case_result *side[2] = {q->old, q->nw};
		for (int s = 0; s < 2; s++)
			if (side[s])
				json_object_set_new(o, s ? "new" : "old",
						    json_pack("{s:s, s:I, s:I, s:f, s:I}", "verdict",
							      fc_verdict_name(side[s]->verdict),
							      "thunks", (json_int_t)side[s]->thunks,
							      "thunk_bytes", (json_int_t)side[s]->thunk_bytes,
							      "link_s", side[s]->link_wall_s,
							      "max_rss_kb", (json_int_t)side[s]->link_rss_kb));
		json_array_append_new(changes, o);
	}
	fclose(f);
	a->markdown = md;
	a->json = json_pack("{s:s, s:s, s:I, s:o}", "new", new_name, "old", old_name, "regressions",
			    (json_int_t)a->regressions, "changes", changes);
	for (size_t k = 0; k < np; k++)
		free(p[k].what);
	free(p);
}

void fc_against_free(struct fc_against *a)
{
	if (a->json)
		json_decref(a->json);
	free(a->markdown);
	memset(a, 0, sizeof *a);
}
