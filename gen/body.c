/* One function's bytes, the same way for the model (sizes, site offsets)
 * and for the object writer (relocations against real targets). */
#include <errno.h>
#include <string.h>

#include "../core/util.h"
#include "gen.h"

int fc_emit_function(const struct target *t, const struct fc_site *sites, unsigned n,
		     bool relax, bool is_entry, const struct fc_frame *fr, struct fc_code *c,
		     struct fc_code *pool, uint32_t *site_off, uint32_t *site_label,
		     struct fc_body_info *info)
{
	struct fc_body_info dummy;
	if (!info)
		info = &dummy;
	memset(info, 0, sizeof *info);
	fc_code_reset(c);
	fc_code_reset(pool);
	t->frame_enter(c, fr, info->pro, &info->npro);
	/* Labels where the CFA changes in the prologue: what an advance in the
	 * CFI counts from, as gas labels it (GNU ld wants no addend there). */
	for (unsigned k = 0; k < info->npro; k++) {
		size_t save = c->len;
		c->len = info->pro[k].after;
		info->pro_label[k] = fc_code_label(c);
		c->len = save;
	}
	bool tail = n && t->forms[sites[n - 1].form].tail_only;
	for (unsigned i = 0; i < n; i++) {
		const struct fc_form *f = &t->forms[sites[i].form];
		if (f->sem == FC_SEM_DATA || (f->tail_only && i + 1 != n))
			return -EINVAL;
		if (tail && i + 1 == n) {
			info->epi_off = (uint32_t)c->len;
			info->epi_label = fc_code_label(c);
			t->frame_leave(c, fr, info->epi, &info->nepi);
		}
		size_t r0 = c->nrel, p0 = pool->nrel;
		site_off[i] = (uint32_t)c->len;
		struct fc_emit x = {.relax = relax, .pool = pool, .site_label = fc_code_label(c)};
		if (site_label)
			site_label[i] = x.site_label;
		if (t->emit_site(c, f, &x) < 0)
			return -EINVAL;
		for (size_t k = r0; k < c->nrel; k++)
			c->rel[k].site = i;
		for (size_t k = p0; k < pool->nrel; k++)
			pool->rel[k].site = i;
	}
	if (!tail) {
		info->epi_off = (uint32_t)c->len;
		info->epi_label = fc_code_label(c);
		t->frame_leave(c, fr, info->epi, &info->nepi);
		t->emit_return(c, is_entry);
	}
	info->code_len = (uint32_t)c->len;
	info->end_label = fc_code_label(c);
	if (pool->len) {
		/* The literal pool after the code, 8-aligned within the body
		 * (the writer aligns the section to 8 when there is a pool). */
		fc_code_align(c, 8, 0);
		uint32_t base = (uint32_t)c->len;
		fc_code_put(c, pool->buf, pool->len);
		for (size_t k = 0; k < pool->nrel; k++) {
			struct fc_reloc_req q = pool->rel[k];
			q.off += base;
			fc_code_reloc(c, q.type, (enum fc_ref)q.ref, q.label, q.addend,
				      (int)q.off - (int)c->len);
			c->rel[c->nrel - 1].site = q.site;
		}
		/* Pool labels become body labels; references follow. */
		uint32_t lbase = (uint32_t)c->nlabels;
		for (size_t k = 0; k < pool->nlabels; k++) {
			size_t save = c->len;
			c->len = base + pool->labels[k];
			fc_code_label(c);
			c->len = save;
		}
		for (size_t k = 0; k < c->nrel; k++)
			if (c->rel[k].ref == FC_REF_LABEL && (c->rel[k].label & FC_LABEL_POOL))
				c->rel[k].label = lbase + (c->rel[k].label & ~FC_LABEL_POOL);
	}
	return 0;
}

int fc_emit_body(const struct target *t, const struct fc_site *sites, unsigned n, bool relax,
		 bool is_entry, struct fc_code *c, struct fc_code *pool, uint32_t *site_off,
		 uint32_t *site_label)
{
	static const struct fc_frame save16 = {FC_FRAME_SAVE, 16};
	return fc_emit_function(t, sites, n, relax, is_entry, &save16, c, pool, site_off,
				site_label, NULL);
}
