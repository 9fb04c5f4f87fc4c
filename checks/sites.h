/* What the calls and data checks share: the sites of the subject, executed
 * once (emu/calls.c), turned into findings of the forms each one owns. */
#ifndef FC_SITES_H
#define FC_SITES_H

#include "subject.h"

/* A site failure becomes a finding blamed on its caller at the site's
 * offset; the first FC_SITES_TRACED carry their executed path. */
#define FC_SITES_TRACED 20

/* Findings for the failed sites whose form is calls (CALL and JUMP) or
 * not (ADDR and DATA). -1 when the sites could not be executed. */
int fc_sites_findings(struct fc_subject *s, bool calls, struct fc_check_result *r);

#endif
