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
/* One event at time t (ms; any value when the machine does not use time):
 * exposed for unit tests, the fuzzers, and whoever needs to know what the
 * event did (trace, report, coverage): returns its ir_effect, with
 * IR_RESTART when the journey restarted first.  `s` has
 * interp_state_size(m) bytes (an rt_state and then m's cap slots), set up
 * by interp_init_state. */
int interp_step(const ir_machine *m, rt_state *s, int32_t event_id, int64_t t);
size_t interp_state_size(const ir_machine *m);
void interp_init_state(const ir_machine *m, rt_state *s);
#endif
