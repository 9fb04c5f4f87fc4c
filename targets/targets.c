/* The table of targets, the defaults every target gets, and the helpers
 * for building bodies. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>
#include <pthread.h>

#include "../core/util.h"
#include "target.h"
#include "util.h"

extern const struct target fc_target_arm64;
extern const struct target fc_target_amd64;
extern const struct target fc_target_riscv64;

static const struct target *const all[] = {
	&fc_target_arm64,
	&fc_target_amd64,
	&fc_target_riscv64,
};
#define NTARGETS (sizeof all / sizeof all[0])

static void def_void(struct fc_code *c)
{
	(void)c;
}

static int def_apply(uint32_t type, uint8_t *loc, uint64_t P, uint64_t SA)
{
	(void)type; (void)loc; (void)P; (void)SA;
	return -EINVAL;
}

static unsigned def_disasm(const uint8_t *p, size_t avail, uint64_t pc, char *buf, size_t len)
{
	(void)p; (void)avail; (void)pc;
	snprintf(buf, len, "(no disassembler)");
	return 0;
}

static int def_seq_dest(const struct fc_form *f, const uint8_t *p, size_t avail, uint64_t pc,
			uint64_t *dest)
{
	(void)f; (void)p; (void)avail; (void)pc; (void)dest;
	return 0;
}

static void def_init_cpu(struct uc_struct *uc)
{
	(void)uc;
}

static size_t def_enc(uint8_t *buf, uint64_t at, uint64_t dest)
{
	(void)buf; (void)at; (void)dest;
	return 0;
}

/* Targets with defaults filled in, built once. */
static struct target filled[NTARGETS];
static int filled_done;

static void fill(void)
{
	if (filled_done)
		return;
	for (size_t i = 0; i < NTARGETS; i++) {
		struct target *t = &filled[i];
		*t = *all[i];
		if (!t->emit_prologue)
			t->emit_prologue = def_void;
		if (!t->emit_epilogue)
			t->emit_epilogue = def_void;
		if (!t->apply_reloc)
			t->apply_reloc = def_apply;
		if (!t->disasm)
			t->disasm = def_disasm;
		if (!t->init_cpu)
			t->init_cpu = def_init_cpu;
		if (!t->seq_dest)
			t->seq_dest = def_seq_dest;
		if (!t->enc_jump_abs)
			t->enc_jump_abs = def_enc;
		if (!t->enc_jump)
			t->enc_jump = def_enc;
	}
	filled_done = 1;
}

bool fc_insn_next(struct fc_insn_walk *w, struct fc_insn *in)
{
	while (w->off < w->size) {
		uint64_t a = w->base + w->off;
		const uint8_t *p = w->code + w->off;
		size_t avail = (size_t)(w->size - w->off);
		unsigned len = w->t->decode(p, avail, a, &in->type, &in->dest);
		if (!len) {
			w->off += w->t->insn_align;
			continue;
		}
		*in = (struct fc_insn){a, w->off, len, in->type, in->dest, p, avail};
		w->off += len;
		return true;
	}
	return false;
}

const struct target *fc_target_find(const char *name)
{
	fill();
	size_t n = strlen(name);
	for (size_t i = 0; i < NTARGETS; i++) {
		const struct target *t = &filled[i];
		if (!strcmp(name, t->name))
			return t;
		for (const char *a = t->aliases; a && *a;) {
			const char *e = strchr(a, ' ');
			size_t l = e ? (size_t)(e - a) : strlen(a);
			if (l == n && !strncmp(a, name, n))
				return t;
			a = e ? e + 1 : a + l;
		}
	}
	return NULL;
}

const struct target *fc_target_by_machine(unsigned e_machine)
{
	fill();
	for (size_t i = 0; i < NTARGETS; i++)
		if (filled[i].e_machine == e_machine)
			return &filled[i];
	return NULL;
}

const char *fc_target_names(void)
{
	static char buf[128];
	if (!buf[0])
		for (size_t i = 0; i < NTARGETS; i++)
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? ", " : "",
				 all[i]->name);
	return buf;
}

const struct fc_reloc_info *fc_reloc_info(const struct target *t, uint32_t type)
{
	for (unsigned i = 0; i < t->nrelocs; i++)
		if (t->relocs[i].type == type)
			return &t->relocs[i];
	return NULL;
}

const char *fc_reloc_name(const struct target *t, uint32_t type)
{
	const struct fc_reloc_info *r = fc_reloc_info(t, type);
	return r ? r->name : "R_UNKNOWN";
}

const struct fc_form *fc_form_find(const struct target *t, const char *name)
{
	for (unsigned i = 0; i < t->nforms; i++)
		if (!strcmp(t->forms[i].name, name))
			return &t->forms[i];
	return NULL;
}

int fc_gpr_index(const struct target *t, int uc_reg)
{
	for (unsigned i = 0; i < t->ngprs; i++)
		if (t->gprs[i] == uc_reg)
			return (int)i;
	return -1;
}

void fc_code_reset(struct fc_code *c)
{
	c->len = 0;
	c->nrel = 0;
	c->nlabels = 0;
}

void fc_code_free(struct fc_code *c)
{
	free(c->buf);
	free(c->rel);
	free(c->labels);
	memset(c, 0, sizeof *c);
}

void fc_code_put(struct fc_code *c, const void *p, size_t n)
{
	if (c->len + n > c->cap) {
		c->cap = (c->len + n) * 2 + 64;
		c->buf = fc_xrealloc(c->buf, c->cap);
	}
	memcpy(c->buf + c->len, p, n);
	c->len += n;
}

void fc_code_put16(struct fc_code *c, uint16_t v)
{
	uint8_t b[2];
	fc_wr16(b, v);
	fc_code_put(c, b, 2);
}

void fc_code_put32(struct fc_code *c, uint32_t v)
{
	uint8_t b[4];
	fc_wr32(b, v);
	fc_code_put(c, b, 4);
}

void fc_code_put64(struct fc_code *c, uint64_t v)
{
	uint8_t b[8];
	fc_wr64(b, v);
	fc_code_put(c, b, 8);
}

void fc_code_align(struct fc_code *c, unsigned a, uint8_t fill)
{
	while (c->len % a)
		fc_code_put(c, &fill, 1);
}

void fc_code_reloc(struct fc_code *c, uint32_t type, enum fc_ref ref, uint32_t label,
		   int64_t addend, int delta)
{
	if (c->nrel == c->relcap) {
		c->relcap = c->relcap ? c->relcap * 2 : 16;
		c->rel = fc_xrealloc(c->rel, c->relcap * sizeof *c->rel);
	}
	c->rel[c->nrel++] = (struct fc_reloc_req){(uint32_t)((int)c->len + delta), type,
						  (uint8_t)ref, label, addend};
}

uint32_t fc_code_label(struct fc_code *c)
{
	if (c->nlabels == c->labcap) {
		c->labcap = c->labcap ? c->labcap * 2 : 16;
		c->labels = fc_xrealloc(c->labels, c->labcap * sizeof *c->labels);
	}
	c->labels[c->nlabels] = (uint32_t)c->len;
	return (uint32_t)c->nlabels++;
}

/* Capstone handles per thread (emu -j), closed when the thread ends. */
static __thread csh handles[16];
static __thread int opened[16];
static pthread_key_t cs_key;
static pthread_once_t cs_once = PTHREAD_ONCE_INIT;

static void cs_close_all(void *unused)
{
	(void)unused;
	for (int k = 0; k < 16; k++) {
		if (opened[k] > 0)
			cs_close(&handles[k]);
		opened[k] = 0;
	}
}

static void cs_key_make(void)
{
	pthread_key_create(&cs_key, cs_close_all);
}

unsigned fc_cs_disasm(int arch, int mode, const uint8_t *p, size_t avail, uint64_t pc,
		      char *buf, size_t len)
{
	int k = arch & 15;
	if (!opened[k]) {
		pthread_once(&cs_once, cs_key_make);
		pthread_setspecific(cs_key, (void *)1);
		opened[k] = cs_open((cs_arch)arch, (cs_mode)mode, &handles[k]) == CS_ERR_OK ? 1 : -1;
	}
	cs_insn *insn = NULL;
	if (opened[k] < 0 || cs_disasm(handles[k], p, avail, pc, 1, &insn) != 1) {
		snprintf(buf, len, "(undecodable)");
		return 0;
	}
	snprintf(buf, len, "%s %s", insn->mnemonic, insn->op_str);
	unsigned n = insn->size;
	cs_free(insn, 1);
	return n;
}
