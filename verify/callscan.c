/* A call at an address: a form of the target's that is a call, the bytes
 * of which are there. */
#include "callscan.h"

#include <string.h>

#include "thunknames.h"

bool fc_find_call(const struct fc_image *im, const uint8_t *code, uint64_t len, uint64_t addr,
		  bool is_call_insn, uint64_t idest, struct fc_found_call *fc)
{
	const struct target *t = im->t;
	for (unsigned k = 0; k < t->nforms; k++) {
		const struct fc_form *f = &t->forms[k];
		unsigned n;
		if (f->sem != FC_SEM_CALL || !t->seq_len(f, code, len, addr, &n))
			continue;
		uint64_t d = 0;
		fc->form = k;
		fc->known = t->seq_dest(f, code, len, addr, &d) || (is_call_insn && (d = idest, true));
		fc->dest = fc->known ? d : 0;
		fc->named = 0;
		uint64_t named;
		if (fc->known && fc_thunk_target(&im->syms, d, &named))
			fc->named = named;
		return true;
	}
	return false;
}

bool fc_multi_entry(const char *name)
{
	static const char *const names[] = {"runtime.duffzero", "runtime.duffcopy"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}
