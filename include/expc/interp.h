/* interp.h - the reference interpreter: docs/language.md (Scoring) read
 * straight off the lowered machine.  Every other engine is tested against
 * it. */
#ifndef EXPC_INTERP_H
#define EXPC_INTERP_H
#include "expc/ir.h"
#include "expc/rt.h"

typedef struct interp interp;
interp *interp_new(const ir_machine *m);
void interp_free(interp *it);
/* An rt_engine over the interpreter (valid while `it` lives). */
rt_engine interp_engine(interp *it);
/* One event: exposed for unit tests, the fuzzers, and whoever needs to know
 * what the event did (trace, report, coverage): returns its ir_effect. */
int interp_step(const ir_machine *m, rt_state *s, int32_t event_id);
#endif
