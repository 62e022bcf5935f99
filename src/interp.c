/* interp.c - the reference interpreter.
 *
 * The scoring of docs/language.md (Scoring) read straight off the lowered
 * machine, one event at a time (whether an event counts is the machine's
 * ir_event.counts_from); the other engines are held byte-identical to
 * it.  Arithmetic wraps (done in uint64_t) so that overflow, impossible with
 * real scripts but reachable by fuzzers, is defined and the same in every
 * engine.  Event names are found through an open-addressing hash table built
 * once per machine. */
#include "expc/interp.h"

#include <stdlib.h>
#include <string.h>

#include "expc/arena.h"
#include "expc/hash.h"

struct interp {
    const ir_machine *m;
    uint32_t *slots;   /* ir_event_table_build's: a name's number + 1, 0 empty */
    size_t mask;
};

static int64_t wadd(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a + (uint64_t)b);
}

static int64_t wsub(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a - (uint64_t)b);
}

/* Step A of docs/language.md (Scoring, Time): the journey restarts after a
 * silence over `reset after`, or when it has not reached engagement within
 * `within` of its start.  True when it restarted. */
static bool time_restart(const ir_machine *m, rt_state *s, int64_t t)
{
    rt_clock *c = rt_state_clock(s);
    if (s->events == 0) {
        c->start = t;
        return false;
    }
    bool gap = m->reset_after > 0 && ir_gap_over(t, c->last, m->reset_after);
    bool late = m->within > 0 && s->stage < m->n_notes && ir_gap_over(t, c->start, m->within);
    if (!gap && !late)
        return false;
    s->stage = 0;
    s->score = 0;
    memset(s->points, 0, sizeof s->points);
    c->start = t;
    return true;
}

/* Step B: false when event e is over its cap in t's period. */
static bool cap_allows(const ir_machine *m, const ir_event *e, rt_state *s, int64_t t)
{
    int64_t *bucket = &rt_cap_bucket(s)[e->cap_slot];
    uint32_t *count = &rt_cap_count(s, m->n_caps)[e->cap_slot];
    int64_t b = ir_floor_div(t, e->cap_per);
    if (b != *bucket) {
        *bucket = b;
        *count = 0;
    }
    if (*count >= e->cap)
        return false;
    *count += 1;
    return true;
}

int interp_step(const ir_machine *m, rt_state *s, int32_t event_id, int64_t t)
{
    if (event_id < 0 || (size_t)event_id >= m->n_events)
        return IR_NONE;
    const ir_event *e = &m->events[event_id];
    int restart = 0;
    if (m->uses_time) {
        restart = time_restart(m, s, t) ? IR_RESTART : 0;
        if (e->cap_slot >= 0 && !cap_allows(m, e, s, t)) {
            s->events += 1;
            rt_state_clock(s)->last = t;
            return IR_CAPPED | restart;
        }
    }
    int effect;
    s->events += 1;
    if (ir_counts_at(e, s->stage)) {
        s->score = wadd(s->score, e->points);
        s->points[e->note] = wadd(s->points[e->note], e->points);
        effect = IR_COUNTED;
    } else {
        s->score = wsub(s->score, m->penalty_early); /* no -INT64_MIN */
        s->early += 1;
        effect = IR_EARLY;
    }
    while (s->stage < m->n_notes && s->points[s->stage] >= m->notes[s->stage].threshold)
        s->stage += 1;
    if (m->uses_time)
        rt_state_clock(s)->last = t;
    return effect | restart;
}

size_t interp_state_size(const ir_machine *m)
{
    return RT_STATE_SIZE(m->uses_time, m->n_caps);
}

void interp_init_state(const ir_machine *m, rt_state *s)
{
    memset(s, 0, interp_state_size(m));
    for (size_t k = 0; k < m->n_caps; k++)
        rt_cap_bucket(s)[k] = INT64_MIN;
}

interp *interp_new(const ir_machine *m)
{
    interp *it = xmalloc(sizeof *it);
    it->m = m;
    /* The table the backends put in data: declared names and aliases. */
    ir_event_table t;
    ir_event_table_build(m, &t);
    it->slots = t.slots;
    it->mask = t.cap - 1;
    return it;
}

void interp_free(interp *it)
{
    if (!it)
        return;
    free(it->slots);
    free(it);
}

static int32_t event_id(void *ctx, const char *name, size_t len)
{
    interp *it = ctx;
    size_t h = hash_fnv1a(name, len) & it->mask;
    for (uint32_t s; (s = it->slots[h]); h = (h + 1) & it->mask) {
        ir_name e = ir_name_at(it->m, s - 1);
        if (e.len == len && memcmp(e.name, name, len) == 0)
            return e.event;
    }
    return -1;
}

static void init(void *ctx, rt_state *s)
{
    interp_init_state(((interp *)ctx)->m, s);
}

/* step_batch, and with a tally each event's effect into it
 * (rt_engine.step_batch_tally). */
static void step_batch_tally(void *ctx, rt_state *states, const uint32_t *customer,
                             const int32_t *ids, const int64_t *t, size_t n, uint64_t *tally)
{
    const ir_machine *m = ((interp *)ctx)->m;
    size_t size = interp_state_size(m);
    char *base = (char *)states;
    for (size_t i = 0; i < n; i++) {
        int fx = interp_step(m, (rt_state *)(void *)(base + customer[i] * size), ids[i],
                             t ? t[i] : 0) & IR_EFFECT_MASK;
        if (tally && fx != IR_NONE) /* ids[i] is then an event's */
            tally[4 * (size_t)ids[i] + (size_t)fx]++;
    }
}

static void step_batch(void *ctx, rt_state *states, const uint32_t *customer,
                       const int32_t *ids, const int64_t *t, size_t n)
{
    step_batch_tally(ctx, states, customer, ids, t, n, NULL);
}

static const char *stage_name(void *ctx, int32_t stage)
{
    return ir_stage_name(((interp *)ctx)->m, stage);
}

rt_engine interp_engine(interp *it)
{
    return (rt_engine){
        .ctx = it,
        .n_notes = it->m->n_notes,
        .init = init,
        .event_id = event_id,
        .step_batch = step_batch,
        .stage_name = stage_name,
        .step_batch_tally = step_batch_tally,
        .experience = it->m->name,
        .state_size = interp_state_size(it->m),
        .uses_time = it->m->uses_time,
    };
}
