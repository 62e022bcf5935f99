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
/* The same ir_effect read off a customer's state before and after any
 * engine stepped event `event_id` (the JIT's step_batch returns nothing):
 * early when `early` went up, counted otherwise; a unit test holds it
 * equal to interp_step's answer.  Time rules, when rt_state gains the cap
 * slots: an event with a cap is capped when `events` went up and neither
 * its cap_bucket nor its cap_count changed (a new period resets the count
 * and then counts the event); until then no event is capped.  Inline: the
 * report's counter calls it for every event. */
static inline int interp_effect(const ir_machine *m, int32_t event_id,
                                const rt_state *before, const rt_state *after)
{
    if (event_id < 0 || (size_t)event_id >= m->n_events || after->events == before->events)
        return IR_NONE;
    return after->early != before->early ? IR_EARLY : IR_COUNTED;
}
#endif
