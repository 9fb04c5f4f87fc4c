/* Findings and check results: the one type every check reports in. */
#define _GNU_SOURCE
#include "check.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

static void vfind(struct fc_findings *f, enum fc_sev sev, const char *func, uint64_t off,
		  uint64_t addr, const char *fmt, va_list ap)
{
	if (sev == FC_SEV_NOTE)
		f->notes++;
	else
		f->fails++;
	if (f->n >= FC_FINDINGS_KEPT)
		return;
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->v = fc_xrealloc(f->v, f->cap * sizeof *f->v);
	}
	char *m = NULL;
	if (vasprintf(&m, fmt, ap) < 0)
		m = fc_xstrdup("?");
	f->v[f->n++] = (struct fc_finding){sev, func ? fc_xstrdup(func) : NULL, off, addr, m, NULL};
}

void fc_find(struct fc_findings *f, enum fc_sev sev, const char *func, uint64_t off,
	     uint64_t addr, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfind(f, sev, func, off, addr, fmt, ap);
	va_end(ap);
}

void fc_find_at(struct fc_findings *f, const struct fc_syms *s, enum fc_sev sev, uint64_t addr,
		const char *fmt, ...)
{
	const struct fc_sym *y = addr != FC_NOWHERE && s ? fc_syms_at(s, addr) : NULL;
	bool in = y && addr >= y->addr && (addr < y->addr + y->size || !y->size);
	va_list ap;
	va_start(ap, fmt);
	vfind(f, sev, in ? y->name : NULL, in ? addr - y->addr : 0, addr, fmt, ap);
	va_end(ap);
}

void fc_findings_free(struct fc_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].func);
		free(f->v[i].msg);
		free(f->v[i].detail);
	}
	free(f->v);
	memset(f, 0, sizeof *f);
}

void fc_findings_take(struct fc_findings *dst, struct fc_findings *src)
{
	for (size_t i = 0; i < src->n; i++) {
		if (dst->n >= FC_FINDINGS_KEPT) {
			free(src->v[i].func);
			free(src->v[i].msg);
			free(src->v[i].detail);
			continue;
		}
		if (dst->n == dst->cap) {
			dst->cap = dst->cap ? dst->cap * 2 : 16;
			dst->v = fc_xrealloc(dst->v, dst->cap * sizeof *dst->v);
		}
		dst->v[dst->n++] = src->v[i];
	}
	dst->fails += src->fails;
	dst->notes += src->notes;
	free(src->v);
	memset(src, 0, sizeof *src);
}

void fc_check_result_free(struct fc_check_result *r)
{
	free(r->why);
	free(r->summary);
	if (r->figures)
		json_decref(r->figures);
	fc_findings_free(&r->f);
	memset(r, 0, sizeof *r);
}

bool fc_check_result_bad(const struct fc_check_result *r, bool strict)
{
	if (r->state != FC_CK_RAN)
		return false;
	return r->failed || r->f.fails || (strict && r->f.notes);
}
