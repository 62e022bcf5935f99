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
/* The same ir_effect (without IR_RESTART) read off a customer's whole
 * state (interp_state_size bytes) before and after any engine stepped
 * event `event_id` (the JIT's step_batch returns nothing): early when
 * `early` went up; capped when `events` went up and the event's cap count
 * did not (steps B and C: a counted event always adds one to it, a new
 * period resets it first); counted otherwise.  A unit test holds it equal
 * to interp_step's answer.  Inline: the report's counter calls it for every
 * event. */
static inline int interp_effect(const ir_machine *m, int32_t event_id,
                                const rt_state *before, const rt_state *after)
{
    if (event_id < 0 || (size_t)event_id >= m->n_events || after->events == before->events)
        return IR_NONE;
    if (after->early != before->early)
        return IR_EARLY;
    int32_t k = m->events[event_id].cap_slot;
    if (k >= 0 && rt_cap_count(before, m->n_caps)[k] == rt_cap_count(after, m->n_caps)[k] &&
        rt_cap_bucket(before)[k] == rt_cap_bucket(after)[k])
        return IR_CAPPED;
    return IR_COUNTED;
}
#endif
