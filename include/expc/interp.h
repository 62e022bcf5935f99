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
/* What an event did, read off its customer's state before and after any
 * engine stepped it (the JIT's step_batch returns nothing): the same
 * ir_effect as interp_step's, without IR_RESTART.  The rule reads only a
 * field or three of the state before, so a caller that watches every event
 * (the report's counter) keeps just those: interp_probe_take copies them,
 * interp_effect_probe compares them with the state after.  A unit test
 * holds both paths equal to interp_step's answer.  Inline: the counter
 * calls them for every event. */
typedef struct interp_probe {
    uint64_t early;           /* rt_state.early */
    int64_t cap_bucket;       /* the event's cap slot's, when it has one */
    uint32_t cap_count;       /* (else not set) */
} interp_probe;

/* The cap slot of event `event_id`, -1 when none (or not an event). */
static inline int32_t interp_cap_slot(const ir_machine *m, int32_t event_id)
{
    if (m->n_caps == 0 || (size_t)(uint32_t)event_id >= m->n_events) /* < 0 too */
        return -1;
    return m->events[event_id].cap_slot;
}

/* What interp_effect_probe needs of `before`, the state event `event_id`
 * is about to step. */
static inline void interp_probe_take(const ir_machine *m, int32_t event_id,
                                     const rt_state *before, interp_probe *p)
{
    p->early = before->early;
    int32_t k = interp_cap_slot(m, event_id);
    if (k >= 0) {
        p->cap_bucket = rt_cap_bucket(before)[k];
        p->cap_count = rt_cap_count(before, m->n_caps)[k];
    }
}

/* The rule: nothing when it is not an event; early when `early` went up;
 * capped when the event's cap count and period stayed (steps B and C: a
 * counted event always adds one to the count, a new period resets it
 * first); counted otherwise.  (Every event adds one to `events`, whatever
 * it did, so that tells nothing more.) */
static inline int interp_effect_probe(const ir_machine *m, int32_t event_id,
                                      const interp_probe *before, const rt_state *after)
{
    if ((size_t)(uint32_t)event_id >= m->n_events) /* < 0 too */
        return IR_NONE;
    if (after->early != before->early)
        return IR_EARLY;
    int32_t k = interp_cap_slot(m, event_id);
    if (k >= 0 && before->cap_count == rt_cap_count(after, m->n_caps)[k] &&
        before->cap_bucket == rt_cap_bucket(after)[k])
        return IR_CAPPED;
    return IR_COUNTED;
}

/* The same from the whole state before (interp_state_size bytes). */
static inline int interp_effect(const ir_machine *m, int32_t event_id,
                                const rt_state *before, const rt_state *after)
{
    interp_probe p = { 0, 0, 0 };
    interp_probe_take(m, event_id, before, &p);
    return interp_effect_probe(m, event_id, &p, after);
}
#endif
